/* dump.c - fukyu-feedsim --dump: one snapshot written as static files, so
 * that a plain web server (nginx in `make bench`) can serve the feed and the
 * benchmark measures the collector, not the simulator's page generation.
 *
 * Layout under DIR, for page size L (--limit):
 *   v1/facilities/L/first.json    the page of GET /v1/facilities?limit=L
 *   v1/facilities/L/C.json        the page of ...?limit=L&cursor=C
 *   pages.txt                     the request paths, one a line, in order
 * Cursors are base64url, so each is a file name as it stands and needs no
 * URL encoding; a server maps (limit, cursor) to the file, e.g. nginx:
 *   map $arg_cursor $page { "" first; default $arg_cursor; }
 *   location = /v1/facilities {
 *       try_files /v1/facilities/$arg_limit/$page.json =404; }
 * Every file's mtime is the snapshot time, so a server that derives its
 * ETag from mtime and size (nginx does) names the snapshot with it and
 * answers a repeated first-page request 304.  Body faults (schema, drift,
 * short, extra, bad-record, ...) are written into the pages; faults of the
 * request (status, reset, delay) belong to a live server and are ignored. */
#include "sim/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc < 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *path, const void *p, size_t n, time_t mtime)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int bad = fwrite(p, 1, n, f) != n;
    bad |= fclose(f) != 0;
    struct timespec t[2] = {{mtime, 0}, {mtime, 0}};
    if (!bad && utimensat(AT_FDCWD, path, t, 0) < 0) bad = 1;
    return bad ? -1 : 0;
}

int sim_dump(const sim_registry *r, sim_faults *fs, fk_day date,
             const char *dir, int limit)
{
    sim_snapshot *s = sim_snapshot_build(r, fs, date);
    if (!s) {
        fputs("fukyu-feedsim: out of memory building the snapshot\n", stderr);
        return 1;
    }
    /* The snapshot's time: 04:00 JST on its date. */
    time_t mtime = (time_t)date * 86400 - 5 * 3600;
    char pages[4096 + 64], path[4096 + 128], cur[96] = "";
    snprintf(pages, sizeof pages, "%s/v1/facilities/%d", dir, limit);
    if (strlen(dir) > 4096 || mkdirs(pages) < 0) {
        fprintf(stderr, "fukyu-feedsim: --dump %s: cannot create %s: %s\n", dir,
                pages, strerror(errno));
        sim_snapshot_free(s);
        return 1;
    }
    fk_buf body = {0}, list = {0};
    size_t listed = sim_page_listed(s, fs), offset = 0;
    int rc = 0, page = 0;
    do {
        sim_page_req q = {
            r, s, fs, offset, (size_t)limit, page, page ? cur : NULL};
        fk_buf_reset(&body);
        sim_render_page(&q, &body);
        snprintf(path, sizeof path, "%s/%s.json", pages, page ? cur : "first");
        if (write_file(path, body.p, body.len, mtime) < 0) {
            fprintf(stderr, "fukyu-feedsim: --dump: cannot write %s: %s\n",
                    path, strerror(errno));
            rc = 1;
            break;
        }
        fk_buf_printf(&list, "/v1/facilities?limit=%d%s%s\n", limit,
                      page ? "&cursor=" : "", page ? cur : "");
        offset += (size_t)limit;
        page++;
        sim_cursor_make(offset, s->hash, cur, sizeof cur);
    } while (offset < listed);
    snprintf(path, sizeof path, "%s/pages.txt", dir);
    if (!rc && write_file(path, list.p, list.len, mtime) < 0) {
        fprintf(stderr, "fukyu-feedsim: --dump: cannot write %s: %s\n", path,
                strerror(errno));
        rc = 1;
    }
    fk_buf_free(&body);
    fk_buf_free(&list);
    sim_snapshot_free(s);
    return rc;
}
