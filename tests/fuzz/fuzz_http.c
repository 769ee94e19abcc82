/* fuzz_http.c - libFuzzer harness for the dashboard's request handling:
 * the path and query parsing (percent-decoding, dispatch, the rendered
 * file layout, every route's parameter checks in http/params.c) and the
 * access checks, through the real server on loopback.
 *
 * The input is a request without its version: the first line is
 * "METHOD TARGET", the following lines are header lines.  "@TOKEN@" and
 * "@PTOKEN@" are replaced by a live national and a pref:13 token, so the
 * corpus can reach the token-only routes.  The server runs once, in this
 * process (so its code is covered and sanitized), over a small store
 * written at start-up; each input is one connection.  Every request must
 * get a well-formed HTTP answer within 15 s. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "data/apply.h"
#include "data/store.h"
#include "http/http.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fk_http *srv;
static char dir[] = "/tmp/fukyu-fuzz-http-XXXXXX";
static int port;
static char token[FK_TOKEN_HEX + 1], ptoken[FK_TOKEN_HEX + 1];

static void die(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_http: %s: %s\n", what, err);
    exit(1);
}

/* Two snapshots of a few facilities in two prefectures. */
static void fill_store(const char *db)
{
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    if (!st) die("store", err);
    static const char *const asof[] = {"2025-01-06", "2025-02-03"};
    for (int pull = 0; pull < 2; pull++) {
        fk_apply *ap = fk_apply_begin(st, "http://fuzz.invalid");
        fk_day d, since;
        fk_date_parse(asof[pull], &d);
        fk_date_parse("2024-10-01", &since);
        if (!ap || fk_apply_snapshot(ap, "2025-01-01T00:00:00Z", d, "") < 0)
            die("apply", fk_store_error(st));
        for (int i = 0; i < 24; i++) {
            static const char digit[] = {'1', '1', '3', '4'};
            int pref = i % 2 ? 13 : 1;
            char name[32];
            snprintf(name, sizeof name, "施設%d", i);
            fk_record r = {.type = (fk_type)(i % 4),
                           .pref = pref,
                           .name = name,
                           .beds = i % 4 == 0 ? 120 : -1,
                           .nprog = 2};
            r.code = (int64_t)pref * 100000000 +
                     (int64_t)(digit[i % 4] - '0') * 10000000 + 1000 + i;
            snprintf(r.muni, sizeof r.muni, "%02d%03d", pref, 100 + i % 3);
            int st0 = (i + pull) % 3;
            r.prog[0] = (fk_record_program){"eprescription",
                                            st0 == 0   ? FK_ST_NONE
                                            : st0 == 1 ? FK_ST_APPLIED
                                                       : FK_ST_OPERATING,
                                            st0 ? since + i : -1};
            r.prog[1] = (fk_record_program){"ehr_sharing", FK_ST_NONE, -1};
            if (fk_apply_record(ap, &r) < 0) die("record", fk_store_error(st));
        }
        fk_pull_stats ps = {0};
        if (fk_apply_commit(ap, &ps) < 0) die("commit", fk_store_error(st));
    }
    int64_t id;
    if (fk_token_add(st, "fuzz", "national", token, &id) < 0 ||
        fk_token_add(st, "fuzz13", "pref:13", ptoken, &id) < 0)
        die("token", fk_store_error(st));
    fk_store_close(st);
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_http: cannot remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(dir)) die("mkdtemp", dir);
    atexit(cleanup);
    char db[128], out[128], p[256];
    snprintf(db, sizeof db, "%s/fukyu.db", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    fill_store(db);
    /* A rendered chart and report, so the file routes find something. */
    mkdir(out, 0755);
    snprintf(p, sizeof p, "%s/charts", out), mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/charts/national", out), mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/charts/national/trend-eprescription.csv", out);
    FILE *f = fopen(p, "w");
    if (f) fputs("date,share\n2025-02-03,0.5\n", f), fclose(f);
    fk_http_options o = {.listen = "127.0.0.1:0",
                         .db_path = db,
                         .out_dir = out,
                         .public_aggregates = 1,
                         .max_connections = 8,
                         .request_timeout = 5,
                         .stale_after = 1560,
                         .target = 0.8,
                         .quiet = 1};
    char err[600];
    if (!(srv = fk_http_start(&o, err, sizeof err))) die("start", err);
    port = fk_http_port(srv);
    return 0;
}

/* Appends s, with the token placeholders replaced. */
static size_t put(char *buf, size_t n, size_t at, const char *s, size_t len)
{
    for (size_t i = 0; i < len && at < n; i++) {
        if (s[i] == '@' && len - i >= 7 && !memcmp(s + i, "@TOKEN@", 7)) {
            at += (size_t)snprintf(buf + at, n - at, "%s", token);
            i += 6;
        } else if (s[i] == '@' && len - i >= 8 &&
                   !memcmp(s + i, "@PTOKEN@", 8)) {
            at += (size_t)snprintf(buf + at, n - at, "%s", ptoken);
            i += 7;
        } else {
            buf[at++] = s[i];
        }
    }
    return at < n ? at : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0; /* the server caps a request at 32 KiB */
    static char req[65536];
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t first = nl ? (size_t)(nl - s) : size, at = 0;
    at = put(req, sizeof req, at, s, first);
    at = put(req, sizeof req, at, " HTTP/1.1\r\nHost: 127.0.0.1\r\n", 29);
    for (const char *p = nl ? nl + 1 : s + size; p < s + size;) {
        const char *e = memchr(p, '\n', (size_t)(s + size - p));
        size_t len = e ? (size_t)(e - p) : (size_t)(s + size - p);
        at = put(req, sizeof req, at, p, len);
        at = put(req, sizeof req, at, "\r\n", 2);
        p += len + 1;
    }
    at = put(req, sizeof req, at, "Connection: close\r\n\r\n", 21);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {15, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        die("connect", "refused");
    for (size_t off = 0; off < at;) {
        ssize_t w = send(fd, req + off, at - off, MSG_NOSIGNAL);
        if (w <= 0) break; /* the server may refuse early and close */
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    static char resp[4096], sink[1 << 16];
    size_t got = 0;
    ssize_t r;
    /* libFuzzer's SIGALRM (its -timeout clock) interrupts recv. */
    while ((r = recv(fd, got < sizeof resp ? resp + got : sink,
                     got < sizeof resp ? sizeof resp - got : sizeof sink, 0)) >
               0 ||
           (r < 0 && errno == EINTR))
        if (r > 0 && got < sizeof resp) got += (size_t)r;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        fprintf(stderr, "fuzz_http: no answer within 15 s\n");
        abort();
    }
    close(fd);
    /* An answer, when there is one, is HTTP. */
    if (got && (got < 12 || memcmp(resp, "HTTP/1.", 7))) abort();
    return 0;
}
