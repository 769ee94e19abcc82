/* fuzz_config.c - libFuzzer harness for the configuration parser
 * (core/config.c): the input is a whole fukyu.conf, read from a memfd the
 * way fk_config_load reads a file.  The listen value then goes through the
 * dashboard's address parser, as `serve` and `check-config` do.
 *
 * A rejected file must say file:line and why; an accepted one must leave
 * every string terminated within its field. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0 && (fd = memfd_create("fuzz.conf", 0)) < 0) abort();
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char path[64], err[1200];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    fk_config c;
    fk_config_defaults(&c);
    err[0] = '\0';
    if (fk_config_load(&c, path, 1, err, sizeof err) < 0) {
        if (!err[0]) abort();
        return 0;
    }
    if (memchr(c.feed_url, 0, sizeof c.feed_url) == NULL ||
        memchr(c.db_path, 0, sizeof c.db_path) == NULL ||
        memchr(c.listen, 0, sizeof c.listen) == NULL ||
        memchr(c.times, 0, sizeof c.times) == NULL ||
        memchr(c.lang, 0, sizeof c.lang) == NULL)
        abort();
    (void)fk_config_validate(&c, err, sizeof err);
    struct sockaddr_storage sa;
    size_t salen;
    (void)fk_http_parse_listen(c.listen, 0, &sa, &salen, err, sizeof err);
    return 0;
}
