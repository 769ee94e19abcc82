/* test_report.c - `fukyu report`: the weekly PDF of the simulator's data
 * pulled twice a week apart (qpdf --check, page count, pdftotext finds the
 * Japanese headings, the store's national rate in the headline, "X / N"
 * page numbers and the 令和 date), the Tokyo report with its municipality
 * codes, a prefecture's report listing only its own set-aside records,
 * `report all --dir` writing the whole tree (the same bytes drawn on one
 * thread or three, with the run's counts and timings), the file kept on a
 * failed write, and usage errors. */
#include "tests/testutil.h"

#include <regex.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charts/chart.h"
#include "reports/report.h"

static char *dir;
static char db[600], fk[600];

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(db, sizeof db, "%s/s.db", dir);
    snprintf(fk, sizeof fk, "%s", tu_bin("fukyu"));
    char url[128];
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.05 --date 2025-02-09 --quiet");
    if (sim <= 0) return -1;
    int rc = tu_run(NULL, NULL,
                    "%s collect --once --feed %s --db %s --config /dev/null",
                    fk, url, db);
    if (rc == 0)
        rc = tu_run(NULL, NULL, "curl -sf -X POST '%s/_sim/date?d=2025-02-16'",
                    url);
    if (rc == 0)
        rc = tu_run(NULL, NULL,
                    "%s collect --once --feed %s --db %s --config /dev/null",
                    fk, url, db);
    tu_feedsim_stop(sim);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    return 0;
}

static int pages(const char *pdf)
{
    char *out = NULL;
    if (tu_run(&out, NULL, "pdfinfo %s | sed -n 's/^Pages: *//p'", pdf) != 0)
        return -1;
    int n = atoi(out);
    free(out);
    return n;
}

static char *text_of(const char *pdf)
{
    char *out = NULL;
    assert_int_equal(tu_run(&out, NULL, "pdftotext -enc UTF-8 %s -", pdf), 0);
    return out;
}

static void check_pdf(const char *pdf, int min_pages, int max_pages)
{
    char *out = NULL;
    assert_int_equal(tu_run(&out, NULL, "qpdf --check %s", pdf), 0);
    assert_non_null(strstr(out, "No syntax or stream encoding errors"));
    free(out);
    int n = pages(pdf);
    assert_in_range(n, min_pages, max_pages);
    /* Every font embedded: pdffonts lists "yes" in the emb column. */
    assert_int_equal(
        tu_run(&out, NULL,
               "pdffonts %s | awk 'NR > 2 && $(NF-4) != \"yes\"' | wc -l", pdf),
        0);
    assert_int_equal(atoi(out), 0);
    free(out);
}

/* The national share as `fukyu summary --json` gives it, as the report
 * prints it ("24.8%"). */
static void store_rate(const char *program, char *out, size_t n)
{
    char *js = NULL;
    assert_int_equal(
        tu_run(&js, NULL,
               "%s summary --program %s --json --db %s --config /dev/null", fk,
               program, db),
        0);
    const char *all = strstr(js, "\"all\":");
    assert_non_null(all);
    const char *r = strstr(all, "\"rate\":");
    assert_non_null(r);
    double rate = strtod(r + 7, NULL);
    snprintf(out, n, "%.1f%%", rate * 100);
    free(js);
}

static void test_weekly(void **state)
{
    (void)state;
    char pdf[700], *err = NULL;
    snprintf(pdf, sizeof pdf, "%s/w.pdf", dir);
    assert_int_equal(
        tu_run(NULL, &err,
               "%s report weekly --out %s --db %s --config /dev/null", fk, pdf,
               db),
        0);
    free(err);
    check_pdf(pdf, 6, 30);
    int n = pages(pdf);
    char *t = text_of(pdf);
    const char *want[] = {"電子処方箋",
                          "電子カルテ情報共有サービス",
                          "1. 概況",
                          "都道府県別",
                          "4. 都道府県別の状況",
                          "5. 今週の動き",
                          "6. フォローアップ",
                          "7. データ品質",
                          "8. 方法",
                          "令和7年2月16日",
                          "2025-02-16",
                          "2025-W07",
                          "東京都",
                          "沖縄県",
                          "年度末"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(t, want[i])) fail_msg("weekly report lacks '%s'", want[i]);
    /* The headline's national rate is the store's. */
    char rate[32], head[128];
    store_rate("eprescription", rate, sizeof rate);
    snprintf(head, sizeof head, "2025年2月16日時点で全施設の%s", rate);
    if (!strstr(t, head)) fail_msg("headline '%s' not found", head);
    /* "X / N" on every page. */
    for (int p = 1; p <= n; p++) {
        char num[32];
        snprintf(num, sizeof num, "%d / %d", p, n);
        if (!strstr(t, num)) fail_msg("page number '%s' missing", num);
    }
    /* Each page carries the as-of date in both forms (header + footer). */
    size_t k = 0;
    for (const char *s = t; (s = strstr(s, "（令和7年2月16日）")); s++) k++;
    assert_true(k >= (size_t)n);
    /* The 47-row table: every prefecture code with its name. */
    assert_non_null(strstr(t, "01 北海道"));
    assert_non_null(strstr(t, "47 沖縄県"));
    free(t);
}

static void test_english_and_week(void **state)
{
    (void)state;
    char pdf[700];
    snprintf(pdf, sizeof pdf, "%s/e.pdf", dir);
    assert_int_equal(
        tu_run(
            NULL, NULL,
            "%s report weekly --week 2025-W06 --lang en --out %s --db %s --config /dev/null",
            fk, pdf, db),
        0);
    check_pdf(pdf, 6, 30);
    char *t = text_of(pdf);
    /* W06 ends on Sunday 2025-02-09: the first pull's as_of. */
    assert_non_null(strstr(t, "2025-02-09"));
    assert_non_null(strstr(t, "1. Summary"));
    assert_non_null(strstr(t, "Electronic prescriptions: as of 9 Feb 2025"));
    assert_null(strstr(t, "2025-02-16"));
    free(t);
}

static void test_prefecture(void **state)
{
    (void)state;
    char pdf[700];
    snprintf(pdf, sizeof pdf, "%s/p13.pdf", dir);
    assert_int_equal(
        tu_run(NULL, NULL,
               "%s report prefecture 13 --out %s --db %s --config /dev/null",
               fk, pdf, db),
        0);
    check_pdf(pdf, 5, 40);
    char *t = text_of(pdf);
    assert_non_null(strstr(t, "東京都"));
    assert_non_null(strstr(t, "市区町村"));
    assert_non_null(strstr(t, "47都道府県中"));
    /* Municipality codes 13xxx in the table. */
    regex_t re;
    assert_int_equal(regcomp(&re, "(^|[^0-9])13[0-9]{3}([^0-9]|$)",
                             REG_EXTENDED | REG_NEWLINE),
                     0);
    int hits = 0;
    const char *s = t;
    regmatch_t m;
    while (regexec(&re, s, 1, &m, 0) == 0) {
        hits++;
        s += m.rm_eo;
    }
    regfree(&re);
    assert_true(hits >= 10);
    free(t);
}

/* A prefecture's report is public: its examples of records set aside name
 * only that prefecture's facilities.  The feed sets aside 60 records with
 * an empty name (valid codes, every prefecture) and 10 with a 9-digit code;
 * in position order Chiba (12) has two good ones, then "123377377"
 * (malformed: its prefecture is unknown, so it is the national report's
 * alone), then one more. */
static void test_set_aside_own_pref(void **state)
{
    (void)state;
    char rdb[700], pdf[700], url[128];
    snprintf(rdb, sizeof rdb, "%s/rejects.db", dir);
    snprintf(pdf, sizeof pdf, "%s/p12.pdf", dir);
    pid_t sim = tu_feedsim_start(
        url, sizeof url,
        "--scale 0.05 --date 2025-02-09 --quiet --fault bad-record:name:60"
        " --fault bad-record:code:10");
    assert_true(sim > 0);
    int rc = tu_run(NULL, NULL,
                    "%s collect --once --feed %s --db %s --config /dev/null",
                    fk, url, rdb);
    tu_feedsim_stop(sim);
    assert_int_equal(rc, 0);
    assert_int_equal(
        tu_run(NULL, NULL,
               "%s report prefecture 12 --out %s --db %s --config /dev/null",
               fk, pdf, rdb),
        0);
    char *t = NULL; /* not text_of(): gcc 12 then warns of a dangling t */
    assert_int_equal(tu_run(&t, NULL, "pdftotext -enc UTF-8 %s -", pdf), 0);
    const char *sec = strstr(t, "除外の例");
    assert_non_null(sec);
    int listed = 0;
    for (const char *l = strchr(sec, '\n'); l && l[1] && l[1] != '\n';
         l = strchr(l + 1, '\n')) {
        size_t n = strcspn(l + 1, ":\n");
        if (l[1 + n] != ':') break; /* the section's lines are "CODE: why" */
        if (n != 10 || strncmp(l + 1, "12", 2))
            fail_msg("Chiba's report lists set-aside record '%.*s'", (int)n,
                     l + 1);
        listed++;
    }
    assert_int_equal(listed, 3);
    assert_non_null(strstr(sec, "1210770896: name: empty"));
    assert_null(strstr(t, "123377377"));
    assert_null(strstr(t, "0115102962")); /* the first, in Hokkaido */
    free(t);
}

static void test_all(void **state)
{
    (void)state;
    char out[700], *o = NULL;
    snprintf(out, sizeof out, "%s/pub", dir);
    assert_int_equal(tu_run(&o, NULL,
                            "%s report all --dir %s --db %s --config /dev/null",
                            fk, out, db),
                     0);
    assert_non_null(strstr(o, "48 reports"));
    free(o);
    char p[900];
    struct stat sb;
    snprintf(p, sizeof p, "%s/reports/weekly/2025-W07.pdf", out);
    assert_int_equal(stat(p, &sb), 0);
    check_pdf(p, 6, 30);
    snprintf(p, sizeof p, "%s/reports/weekly/latest.pdf", out);
    assert_int_equal(stat(p, &sb), 0);
    for (int pref = 1; pref <= 47; pref++) {
        snprintf(p, sizeof p, "%s/reports/prefecture/%02d/2025-W07.pdf", out,
                 pref);
        if (stat(p, &sb) != 0 || sb.st_size < 10000)
            fail_msg("missing or tiny %s", p);
        snprintf(p, sizeof p, "%s/reports/prefecture/%02d/latest.pdf", out,
                 pref);
        if (stat(p, &sb) != 0) fail_msg("missing %s", p);
    }
    static const char *prog[] = {"eprescription", "ehr_sharing"};
    static const char *ext[] = {"png", "pdf", "svg", "csv"};
    static const char *nat[] = {"trend", "funnel", "ranking", "map", "weekly"};
    static const char *pk[] = {"trend", "funnel", "ranking", "municipalities",
                               "weekly"};
    for (int g = 0; g < 2; g++)
        for (int e = 0; e < 4; e++) {
            for (int k = 0; k < 5; k++) {
                snprintf(p, sizeof p, "%s/charts/national/%s-%s.%s", out,
                         nat[k], prog[g], ext[e]);
                if (stat(p, &sb) != 0 || sb.st_size == 0)
                    fail_msg("missing %s", p);
            }
            for (int pref = 1; pref <= 47; pref++)
                for (int k = 0; k < 5; k++) {
                    /* The prefecture's ranking: PNG and CSV only. */
                    if (k == 2 && (e == 1 || e == 2)) continue;
                    snprintf(p, sizeof p, "%s/charts/pref/%02d/%s-%s.%s", out,
                             pref, pk[k], prog[g], ext[e]);
                    if (stat(p, &sb) != 0 || sb.st_size == 0)
                        fail_msg("missing %s", p);
                }
        }
    /* Nothing else: no temporary files left behind. */
    assert_int_equal(
        tu_run(&o, NULL, "find %s -name '*.tmp*' -o -name '.latest*' | wc -l",
               out),
        0);
    assert_int_equal(atoi(o), 0);
    free(o);
    /* The Tokyo report in the tree is the standalone one's equal in text
     * apart from forecast methods (the tree uses Japan's choice). */
    char *t = NULL;
    assert_int_equal(
        tu_run(
            &t, NULL,
            "pdftotext %s/reports/prefecture/13/latest.pdf - | grep -c 東京都",
            out),
        0);
    assert_true(atoi(t) > 3);
    free(t);
}

/* The publisher draws on several threads; the tree must not depend on
 * how many.  Stats: every file counted once, by format, with its time. */
static void test_threads_same_bytes(void **state)
{
    (void)state;
    char err[512], one[700], three[700];
    fk_store *st = fk_store_open(db, FK_STORE_READONLY, err, sizeof err);
    assert_non_null(st);
    snprintf(one, sizeof one, "%s/t1", dir);
    snprintf(three, sizeof three, "%s/t3", dir);
    fk_publish_stats s1, s3;
    fk_publish_opts o = {one, NULL, 0, -1, 0, 1, NULL};
    if (fk_publish_all(st, &o, &s1, err, sizeof err) < 0)
        fail_msg("publish, 1 thread: %s", err);
    o.out_dir = three;
    o.threads = 3;
    if (fk_publish_all(st, &o, &s3, err, sizeof err) < 0)
        fail_msg("publish, 3 threads: %s", err);
    fk_store_close(st);
    fk_charts_shutdown();
    assert_int_equal(s1.threads, 1);
    assert_int_equal(s3.threads, 3);
    char *out = NULL;
    if (tu_run(&out, NULL, "diff -r %s %s", one, three) != 0)
        fail_msg("trees differ:\n%.2000s", out);
    free(out);
    const fk_publish_stats *s = &s3;
    assert_int_equal(s->reports, 48);
    /* Per area and program: 5 charts in 3 formats, a prefecture's ranking
     * in PNG only; one CSV each. */
    assert_int_equal(s->charts, (5 + 47 * 4) * 2 * 3 + 47 * 2);
    assert_int_equal(s->csv, (5 + 47 * 5) * 2);
    for (int f = 0; f < 3; f++) {
        assert_int_equal(s->fmt[f].n, (5 + 47 * 4) * 2 + (f == 0 ? 47 * 2 : 0));
        assert_true(s->fmt[f].total_ms > 0);
        assert_true(s->fmt[f].max_ms * s->fmt[f].n >= s->fmt[f].total_ms);
    }
    assert_int_equal(s->report.n, 48);
    assert_true(s->pref_sets_ms > 0 && s->total_ms > 0 && s->load_ms > 0);
    assert_true(s->load_ms < s->total_ms);
}

/* Issue 12 item 9: a stop during a render ends it before the next chart,
 * within seconds, with "stopped" and fewer files than a whole run. */
static volatile sig_atomic_t stop_flag;
static struct timespec stop_at;

static void *raise_stop(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    clock_gettime(CLOCK_MONOTONIC, &stop_at);
    stop_flag = 1;
    return NULL;
}

static void test_publish_stops(void **state)
{
    (void)state;
    char err[512], out[700];
    snprintf(out, sizeof out, "%s/stopped", dir);
    fk_store *st = fk_store_open(db, FK_STORE_READONLY, err, sizeof err);
    assert_non_null(st);
    fk_publish_stats ps;
    fk_publish_opts o = {out, NULL, 0, -1, 0, 2, &stop_flag};
    stop_flag = 0;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, raise_stop, NULL), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = fk_publish_all(st, &o, &ps, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(th, NULL);
    fk_store_close(st);
    fk_charts_shutdown();
    (void)t0;
    double s = (double)(t1.tv_sec - stop_at.tv_sec) +
               (double)(t1.tv_nsec - stop_at.tv_nsec) / 1e9;
    assert_int_equal(rc, -1);
    if (!strstr(err, "stopped")) fail_msg("error: %s", err);
    /* The work in flight when the stop comes (one chart, one area's
     * figures) finishes first: seconds at most, even on a loaded
     * machine, where a whole run takes far longer. */
    if (s > 8.0) fail_msg("the render ran %.1f s after the stop", s);
    print_message("stopped %.2f s after the stop\n", s);
    assert_true(ps.reports < 48);
    assert_true(ps.charts < (5 + 47 * 4) * 2 * 3);
}

/* An unwritable tree: the run fails with the path, on any thread. */
static void test_publish_failure(void **state)
{
    (void)state;
    char err[512], bad[700];
    snprintf(bad, sizeof bad, "%s/file", dir);
    tu_write_file(bad, "not a directory");
    snprintf(bad, sizeof bad, "%s/file/tree", dir);
    fk_store *st = fk_store_open(db, FK_STORE_READONLY, err, sizeof err);
    assert_non_null(st);
    fk_publish_stats ps;
    fk_publish_opts o = {bad, NULL, 0, -1, 0, 2, NULL};
    assert_int_equal(fk_publish_all(st, &o, &ps, err, sizeof err), -1);
    fk_store_close(st);
    fk_charts_shutdown();
    if (!strstr(err, "file/tree") || !strstr(err, "cannot create directory"))
        fail_msg("error: %s", err);
    assert_int_equal(ps.reports, 0);
}

static void test_atomic(void **state)
{
    (void)state;
    char pdf[700], sub[700], *e = NULL;
    snprintf(pdf, sizeof pdf, "%s/keep.pdf", dir);
    tu_write_file(pdf, "old report");
    /* A failing run (a date outside the series) leaves the file alone. */
    assert_int_equal(
        tu_run(
            NULL, &e,
            "%s report weekly --date 2020-01-01 --out %s --db %s --config /dev/null",
            fk, pdf, db),
        1);
    assert_non_null(strstr(e, "outside the stored series"));
    free(e);
    size_t len;
    char *c = tu_read_file(pdf, &len);
    assert_string_equal(c, "old report");
    free(c);
    /* An unwritable directory: exit 1, one line naming the path. */
    snprintf(sub, sizeof sub, "%s/ro", dir);
    mkdir(sub, 0555);
    snprintf(pdf, sizeof pdf, "%s/ro/x.pdf", dir);
    if (geteuid() != 0) { /* root writes anywhere */
        assert_int_equal(
            tu_run(NULL, &e,
                   "%s report weekly --out %s --db %s --config /dev/null", fk,
                   pdf, db),
            1);
        assert_non_null(strstr(e, "x.pdf"));
        free(e);
    }
    snprintf(pdf, sizeof pdf, "%s/no/such/dir/x.pdf", dir);
    assert_int_equal(
        tu_run(NULL, &e, "%s report weekly --out %s --db %s --config /dev/null",
               fk, pdf, db),
        1);
    /* One line naming the file (ASan runs may add their own report). */
    assert_int_equal(strncmp(e, "fukyu: report: ", 15), 0);
    char *nl = strchr(e, '\n');
    assert_non_null(nl);
    *nl = 0;
    assert_non_null(strstr(e, "x.pdf"));
    free(e);
    struct stat sb;
    assert_int_not_equal(stat(pdf, &sb), 0);
}

static void test_usage(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "monthly --out x.pdf",
        "weekly",
        "weekly --out x.png",
        "weekly --out x.pdf --week 2025-07",
        "weekly --out x.pdf --week 2025-W07 --date 2025-02-16",
        "weekly --out x.pdf --date 2025-02-30",
        "weekly --out x.pdf --lang fr",
        "prefecture --out x.pdf",
        "prefecture 48 --out x.pdf",
        "all",
        "all --dir d --out x.pdf",
        "weekly extra --out x.pdf",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *e = NULL;
        int rc = tu_run(NULL, &e, "%s report %s --db %s --config /dev/null", fk,
                        bad[i], db);
        if (rc != 2)
            fail_msg("'report %s' exited %d, not 2: %s", bad[i], rc,
                     e ? e : "");
        assert_non_null(strstr(e, "usage: fukyu report"));
        free(e);
    }
    /* An empty store: a runtime failure, not a usage error. */
    char *e = NULL;
    assert_int_equal(
        tu_run(
            NULL, &e,
            "%s report weekly --out %s/x.pdf --db %s/empty.db --config /dev/null",
            fk, dir, dir),
        1);
    assert_non_null(strstr(e, "empty.db"));
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly),
        cmocka_unit_test(test_english_and_week),
        cmocka_unit_test(test_prefecture),
        cmocka_unit_test(test_set_aside_own_pref),
        cmocka_unit_test(test_all),
        cmocka_unit_test(test_threads_same_bytes),
        cmocka_unit_test(test_publish_stops),
        cmocka_unit_test(test_publish_failure),
        cmocka_unit_test(test_atomic),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
