/* test_feed_probes.c - the hostile feeds of issue 12, each one reproduced
 * against `fukyu collect`: a canned feed server in a thread sends exactly
 * the bytes of each probe (endless empty pages, a NUL inside a string,
 * bytes after the document, a 10 KB cursor, control characters), and the
 * simulator serves a future as_of and a URL with credentials.  A failing
 * pull must leave the store as it was; nothing shown or stored may carry a
 * password or a raw control character. */
#include "tests/testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"

static char *dir;
static char base_db[600];

/* ---- a canned feed ---------------------------------------------------- */

enum {
    GOOD,
    ENDLESS,
    NUL_CODE,
    TRAILING,
    LONG_CURSOR,
    CONTROL,
    FORMULA
};

/* Names a spreadsheet would run as formulas (JSON-escaped). */
static const char *const formulas[] = {
    "=HYPERLINK(\\\"http://e.example/\\\",\\\"x\\\")", "+CMD", "-2+3",
    "@SUM(1)"};

typedef struct {
    int mode, lfd, port, stop;
    long served;
    int cursor_ok; /* LONG_CURSOR: the cursor came back verbatim */
    pthread_t th;
} canned;

#define NREC 150
static char long_cursor[10001];

static void put(char **b, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *b = realloc(*b, *cap);
        assert_non_null(*b);
    }
    memcpy(*b + *len, s, n + 1);
    *len += n;
}

/* Record i of the snapshot (code 01103 + i unless given); first: the
 * first of its page (no comma before it). */
static void record(char **b, size_t *len, size_t *cap, int i, int first,
                   const char *code, const char *name)
{
    char r[600], c[16];
    if (!code) snprintf(c, sizeof c, "01103%05d", i);
    snprintf(r, sizeof r,
             "%s{\"code\":\"%s\",\"type\":\"clinic\",\"name\":\"%s\","
             "\"prefecture\":\"01\",\"municipality\":\"01201\",\"beds\":0,"
             "\"programs\":{\"eprescription\":{\"status\":\"applied\","
             "\"since\":\"2023-01-10\"}}}",
             first ? "" : ",", code ? code : c, name);
    put(b, len, cap, r);
}

/* The body for one request target. */
static char *page_for(canned *cf, const char *target)
{
    char *b = NULL, head[256];
    size_t len = 0, cap = 0;
    const char *cur = strstr(target, "cursor=");
    int total = cf->mode == ENDLESS ? 1000000000 : NREC;
    snprintf(head, sizeof head,
             "{\"schema\":\"adoption-feed/1\",\"snapshot\":"
             "\"2025-02-09T04:00:00+09:00\",\"as_of\":\"2025-02-09\","
             "\"total\":%d,\"facilities\":[",
             total);
    put(&b, &len, &cap, head);
    if (cf->mode == ENDLESS) {
        char tail[64];
        snprintf(tail, sizeof tail, "],\"next_cursor\":\"c%ld\"}", cf->served);
        put(&b, &len, &cap, tail);
        return b;
    }
    if (cf->mode == LONG_CURSOR && !cur) {
        for (int i = 0; i < NREC / 2; i++)
            record(&b, &len, &cap, i, !i, NULL, "A");
        put(&b, &len, &cap, "],\"next_cursor\":\"");
        put(&b, &len, &cap, long_cursor);
        put(&b, &len, &cap, "\"}");
        return b;
    }
    if (cf->mode == LONG_CURSOR) {
        cf->cursor_ok = !strcmp(cur + 7, long_cursor);
        for (int i = NREC / 2; i < NREC; i++)
            record(&b, &len, &cap, i, i == NREC / 2, NULL, "B");
        put(&b, &len, &cap, "],\"next_cursor\":null}");
        return b;
    }
    for (int i = 0; i < NREC; i++) {
        if (i == 7 && cf->mode == NUL_CODE)
            record(&b, &len, &cap, i, !i, "0110399275\\u0000junk", "N");
        else if (i >= 3 && i < 7 && cf->mode == FORMULA)
            record(&b, &len, &cap, i, !i, NULL, formulas[i - 3]);
        else if (i == 9 && cf->mode == CONTROL)
            record(&b, &len, &cap, i, !i, NULL, "\\u001b[2J\\nforged: ok");
        else
            record(&b, &len, &cap, i, !i, NULL, "伊藤クリニック");
    }
    put(&b, &len, &cap, "],\"next_cursor\":null}");
    if (cf->mode == TRAILING) put(&b, &len, &cap, "{\"more\":1}");
    return b;
}

static void *serve(void *arg)
{
    canned *cf = arg;
    while (!__atomic_load_n(&cf->stop, __ATOMIC_RELAXED)) {
        int fd = accept(cf->lfd, NULL, NULL);
        if (fd < 0) continue;
        char req[32768];
        size_t n = 0;
        while (n < sizeof req - 1) {
            ssize_t k = recv(fd, req + n, sizeof req - 1 - n, 0);
            if (k <= 0) break;
            n += (size_t)k;
            req[n] = '\0';
            if (strstr(req, "\r\n\r\n")) break;
        }
        req[n] = '\0';
        char *sp = strchr(req, ' '), *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        if (sp2) {
            *sp2 = '\0';
            char *body = page_for(cf, sp + 1);
            char hdr[128];
            snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     strlen(body));
            send(fd, hdr, strlen(hdr), MSG_NOSIGNAL);
            send(fd, body, strlen(body), MSG_NOSIGNAL);
            free(body);
            cf->served++;
        }
        close(fd);
    }
    return NULL;
}

static void canned_start(canned *cf, int mode)
{
    memset(cf, 0, sizeof *cf);
    cf->mode = mode;
    cf->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(bind(cf->lfd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(cf->lfd, (struct sockaddr *)&a, &al);
    cf->port = ntohs(a.sin_port);
    assert_int_equal(listen(cf->lfd, 16), 0);
    struct timeval tv = {0, 200000}; /* accept() wakes to see stop */
    setsockopt(cf->lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    assert_int_equal(pthread_create(&cf->th, NULL, serve, cf), 0);
}

static void canned_stop(canned *cf)
{
    __atomic_store_n(&cf->stop, 1, __ATOMIC_RELAXED);
    pthread_join(cf->th, NULL);
    close(cf->lfd);
}

/* ---- running pulls ------------------------------------------------------ */

typedef struct {
    int rc;
    char *out, *err;
    char db[600];
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

/* A copy of the base store, one pull from url into it (cut after 30 s: a
 * pull that never ends is a failure, not a hang of the suite). */
static result pull_from(const char *url, const char *extra)
{
    static int n;
    result r;
    snprintf(r.db, sizeof r.db, "%s/t%d.db", dir, n++);
    assert_int_equal(tu_run(NULL, NULL, "cp %s %s", base_db, r.db), 0);
    r.rc = tu_run(&r.out, &r.err,
                  "timeout 30 %s collect --once --feed '%s' --db %s --limit "
                  "100 %s",
                  tu_bin("fukyu"), url, r.db, extra ? extra : "");
    return r;
}

static result pull_canned(int mode, canned *cf, const char *extra)
{
    char url[64];
    canned_start(cf, mode);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", cf->port);
    result r = pull_from(url, extra);
    canned_stop(cf);
    return r;
}

/* The pull failed with why in its message, and the store is as before. */
static void failed_untouched(result *r, const char *why)
{
    if (r->rc == 0 || !strstr(r->err, why))
        fail_msg("expected a failure '%s', got rc %d: %s%s", why, r->rc, r->out,
                 r->err);
    char *a = tu_store_fingerprint(base_db), *b = tu_store_fingerprint(r->db);
    assert_string_equal(a, b);
    free(a), free(b);
}

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(base_db, sizeof base_db, "%s/base.db", dir);
    memset(long_cursor, 'k', sizeof long_cursor - 1);
    char url[128];
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.01 --date 2025-02-02 "
                                 "--quiet");
    int rc = tu_run(NULL, NULL, "%s collect --once --feed %s --db %s",
                    tu_bin("fukyu"), url, base_db);
    tu_feedsim_stop(sim);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    return 0;
}

/* ---- the probes -------------------------------------------------------- */

/* Item 5: total 1e9 and empty pages with fresh cursors for ever. */
static void test_endless_pull(void **state)
{
    (void)state;
    canned cf;
    result r = pull_canned(ENDLESS, &cf, NULL);
    failed_untouched(&r, "page 0: an empty page with a next_cursor");
    assert_int_equal(cf.served, 1);
    result_free(&r);
}

/* Item 5: the wall-time bound, with a feed that is slow but never wrong. */
static void test_pull_timeout(void **state)
{
    (void)state;
    char url[128], cfg[700];
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.01 --date 2025-02-09 --quiet "
                                 "--page-max 50 --fault delay:400");
    snprintf(cfg, sizeof cfg, "%s/slow.conf", dir);
    tu_write_file(cfg, "[feed]\npull_timeout = 2\n");
    time_t t0 = time(NULL);
    char extra[800];
    snprintf(extra, sizeof extra, "--config %s", cfg);
    result r = pull_from(url, extra);
    tu_feedsim_stop(sim);
    failed_untouched(&r, "longer than pull_timeout (2 s)");
    assert_true(time(NULL) - t0 < 10);
    result_free(&r);
}

/* The non-adopters CSV of a store (malloc'd). */
static char *export_csv(const char *db)
{
    char path[700];
    snprintf(path, sizeof path, "%s.csv", db);
    int rc = tu_run(NULL, NULL,
                    "%s export non-adopters --db %s --program eprescription "
                    "--format csv --out %s",
                    tu_bin("fukyu"), db, path);
    assert_int_equal(rc, 0);
    char *s = tu_read_file(path, NULL);
    assert_non_null(s);
    return s;
}

/* The pull succeeded; what `fukyu rejects` prints for it (malloc'd). */
static char *stored_rejects(const result *r)
{
    if (r->rc != 0) fail_msg("%s%s", r->out, r->err);
    char *out = NULL;
    assert_int_equal(
        tu_run(&out, NULL, "%s rejects --db %s", tu_bin("fukyu"), r->db), 0);
    return out;
}

/* Item 10: "\u0000" inside a code would cut it to a valid one. */
static void test_nul_in_string(void **state)
{
    (void)state;
    canned cf;
    result r = pull_canned(NUL_CODE, &cf, NULL);
    char *out = stored_rejects(&r);
    assert_non_null(strstr(out, "not 10 ASCII digits"));
    assert_non_null(strstr(out, "0110399275\\x1fjunk"));
    free(out);
    /* The cut code 0110399275 was not stored as a facility. */
    char *csv = export_csv(r.db);
    assert_non_null(strstr(csv, "0110300000,"));
    assert_null(strstr(csv, "0110399275"));
    free(csv);
    result_free(&r);
}

/* Item 10: a second document after the first is not ignored. */
static void test_trailing_bytes(void **state)
{
    (void)state;
    canned cf;
    result r = pull_canned(TRAILING, &cf, NULL);
    failed_untouched(&r, "bytes after the JSON document");
    result_free(&r);
}

/* Item 10: cursors are opaque; 10 KB is passed back verbatim. */
static void test_long_cursor(void **state)
{
    (void)state;
    canned cf;
    result r = pull_canned(LONG_CURSOR, &cf, NULL);
    if (r.rc != 0) fail_msg("%s%s", r.out, r.err);
    assert_true(cf.cursor_ok);
    assert_int_equal(cf.served, 2);
    result_free(&r);
}

/* Item 10: control characters in feed text never reach a terminal or a
 * log raw, and a name holding them is set aside. */
static void test_control_characters(void **state)
{
    (void)state;
    canned cf;
    result r = pull_canned(CONTROL, &cf, NULL);
    char *out = stored_rejects(&r);
    assert_non_null(strstr(out, "name: contains a control character"));
    assert_null(strchr(out, '\033'));
    free(out);
    result_free(&r);
}

/* Item 6: CSV cells that a spreadsheet would run as formulas start with a
 * single quote. */
static void test_csv_formula_injection(void **state)
{
    (void)state;
    canned cf;
    result r = pull_canned(FORMULA, &cf, NULL);
    if (r.rc != 0) fail_msg("%s%s", r.out, r.err);
    char *csv = export_csv(r.db);
    assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"http://e.example/\"\","));
    assert_non_null(strstr(csv, ",'+CMD,"));
    assert_non_null(strstr(csv, ",'-2+3,"));
    assert_non_null(strstr(csv, ",'@SUM(1),"));
    assert_null(strstr(csv, ",=HYPERLINK"));
    assert_null(strstr(csv, ",\"=HYPERLINK"));
    assert_null(strstr(csv, ",+CMD"));
    free(csv);
    result_free(&r);
}

/* Item 3: an as_of more than a day after today (JST) is refused. */
static void test_future_as_of(void **state)
{
    (void)state;
    char d[FK_DATE_LEN], args[128], url[128];
    fk_date_format(fk_today_jst() + 3, d);
    snprintf(args, sizeof args, "--scale 0.01 --quiet --date %s", d);
    pid_t sim = tu_feedsim_start(url, sizeof url, args);
    result r = pull_from(url, NULL);
    char why[128];
    snprintf(why, sizeof why, "as_of %s is more than a day after today", d);
    failed_untouched(&r, why);
    result_free(&r);
    /* Tomorrow is still accepted (a feed published just after midnight
     * JST, a collector clock a little behind). */
    fk_date_format(fk_today_jst() + 1, d);
    snprintf(args, sizeof args, "--scale 0.01 --quiet --date %s", d);
    tu_feedsim_stop(sim);
    sim = tu_feedsim_start(url, sizeof url, args);
    r = pull_from(url, NULL);
    tu_feedsim_stop(sim);
    if (r.rc != 0) fail_msg("%s%s", r.out, r.err);
    result_free(&r);
}

/* Item 4: credentials in the feed URL are never printed or stored. */
static void test_credentials_redacted(void **state)
{
    (void)state;
    char url[128], cred[200];
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.01 --date 2025-02-09 --quiet");
    snprintf(cred, sizeof cred, "http://alice:s3cr3t@%s", url + 7);
    result r = pull_from(cred, NULL);
    if (r.rc != 0) fail_msg("%s%s", r.out, r.err);
    assert_null(strstr(r.out, "s3cr3t"));
    assert_null(strstr(r.err, "s3cr3t"));
    size_t n;
    char *db = tu_read_file(r.db, &n);
    assert_null(memmem(db, n, "s3cr3t", 6));
    free(db);
    char *out = NULL;
    assert_int_equal(
        tu_run(&out, NULL, "%s pulls --db %s", tu_bin("fukyu"), r.db), 0);
    assert_null(strstr(out, "s3cr3t"));
    assert_non_null(strstr(out, "http://***@127.0.0.1:"));
    free(out);
    result_free(&r);
    tu_feedsim_stop(sim);
    /* A failing pull names the URL: without the password. */
    sim = tu_feedsim_start(url, sizeof url,
                           "--scale 0.01 --date 2025-02-09 --quiet "
                           "--fault status:404");
    snprintf(cred, sizeof cred, "http://alice:s3cr3t@%s", url + 7);
    r = pull_from(cred, NULL);
    tu_feedsim_stop(sim);
    failed_untouched(&r, "HTTP 404 from http://***@127.0.0.1:");
    assert_null(strstr(r.err, "s3cr3t"));
    result_free(&r);
}

/* Item 10: a store error names the file, not the statement. */
static void test_store_error_names_file(void **state)
{
    (void)state;
    char path[700], *er = NULL;
    snprintf(path, sizeof path, "%s/not-a-store.db", dir);
    tu_write_file(path, "this is not an SQLite database, just text.\n");
    int rc = tu_run(NULL, &er, "%s summary --program eprescription --db %s",
                    tu_bin("fukyu"), path);
    assert_int_not_equal(rc, 0);
    if (!strstr(er, path) || strstr(er, "PRAGMA")) fail_msg("%s", er);
    free(er);
    rc =
        tu_run(NULL, &er, "%s collect --once --feed http://127.0.0.1:9 --db %s",
               tu_bin("fukyu"), path);
    assert_int_not_equal(rc, 0);
    if (!strstr(er, path) || strstr(er, "PRAGMA")) fail_msg("%s", er);
    free(er);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endless_pull),
        cmocka_unit_test(test_pull_timeout),
        cmocka_unit_test(test_nul_in_string),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_long_cursor),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_csv_formula_injection),
        cmocka_unit_test(test_future_as_of),
        cmocka_unit_test(test_credentials_redacted),
        cmocka_unit_test(test_store_error_names_file),
    };
    return cmocka_run_group_tests_name("feed probes", tests, group_setup,
                                       group_teardown);
}
