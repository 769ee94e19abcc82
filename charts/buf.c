/* buf.c - the byte buffer charts and CSV are written into, and saving it
 * atomically: a temporary file next to the target, fsync, then rename, so
 * that a reader never sees a half-written chart. */
#include "charts/canvas.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fk_buf_append(fk_chart_buf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n + 1) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n + 1) cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0'; /* keeps text output usable as a C string */
    return 0;
}

int fk_buf_printf(fk_chart_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    if ((size_t)n < sizeof small) return fk_buf_append(b, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) return -1;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int r = fk_buf_append(b, big, (size_t)n);
    free(big);
    return r;
}

void fk_chart_buf_free(fk_chart_buf *b)
{
    if (!b) return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int fk_chart_buf_save(const fk_chart_buf *b, const char *path, char *err,
                      size_t errlen)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create temporary file: %s", path,
                 strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes 0600; give the chart the mode a plain fopen would. */
    mode_t um = umask(0);
    umask(um);
    (void)fchmod(fd, 0666 & ~um);
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->data + off, b->len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    int e = off < b->len ? errno : 0;
    if (!e && fsync(fd) < 0) e = errno;
    if (close(fd) < 0 && !e) e = errno;
    if (!e && rename(tmp, path) < 0) e = errno;
    if (e) {
        snprintf(err, errlen, "%s: cannot write: %s", path,
                 strerror(e ? e : EIO));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
