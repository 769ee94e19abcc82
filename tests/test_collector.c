/* test_collector.c - the collector against the bundled simulator over
 * loopback: every row of feed-v1's error table, every record rule, 304,
 * Retry-After, resets, the body cap, tokens, kills, and history across
 * successive snapshots.  Every failure must leave the store unchanged. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SIMARGS "--scale 0.05 --date 2025-02-09 --quiet"
#define FAST    "--retries 2 --backoff-ms 10 --retry-max-wait 2 --timeout 10"

static char *dir;
static char base_db[600]; /* a store holding one good pull of SIMARGS */

static void sh(const char *cmd)
{
    assert_int_equal(tu_run(NULL, NULL, "%s", cmd), 0);
}

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(base_db, sizeof base_db, "%s/base.db", dir);
    char url[128];
    pid_t sim = tu_feedsim_start(url, sizeof url, SIMARGS);
    char *out = NULL, *err = NULL;
    int rc =
        tu_run(&out, &err, "%s collect --once --feed %s --db %s --limit 500",
               tu_bin("fukyu"), url, base_db);
    tu_feedsim_stop(sim);
    if (rc != 0) fprintf(stderr, "base pull failed: %s%s\n", out, err);
    free(out), free(err);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    return 0;
}

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

/* Copies the base store, runs one pull against a simulator started with
 * extra args, and returns the outcome. */
static result pull_with(const char *simargs, const char *collect_args)
{
    static int n;
    result r;
    snprintf(r.db, sizeof r.db, "%s/t%d.db", dir, n++);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cp %s %s", base_db, r.db);
    sh(cmd);
    char url[128], args[1024];
    snprintf(args, sizeof args, "%s %s", SIMARGS, simargs);
    pid_t sim = tu_feedsim_start(url, sizeof url, args);
    r.rc = tu_run(&r.out, &r.err, "%s collect --once --feed %s --db %s %s",
                  tu_bin("fukyu"), url, r.db, collect_args);
    tu_feedsim_stop(sim);
    return r;
}

/* The pull fails, names why, logs the failure and leaves the data. */
static void expect_failure(const char *simargs, const char *collect_args,
                           const char *why)
{
    char *before = tu_store_fingerprint(base_db);
    result r = pull_with(simargs, collect_args);
    if (r.rc != 1 || !strstr(r.err, why))
        fail_msg("fault '%s': rc %d, stderr '%s', wanted '%s'", simargs, r.rc,
                 r.err, why);
    char *after = tu_store_fingerprint(r.db);
    assert_string_equal(before, after);
    char *log = NULL;
    assert_int_equal(
        tu_run(&log, NULL, "%s pulls --db %s --limit 1", tu_bin("fukyu"), r.db),
        0);
    assert_non_null(strstr(log, "failed"));
    assert_non_null(strstr(log, why));
    free(log);
    free(before), free(after);
    result_free(&r);
}

static void expect_stored(const char *simargs, const char *collect_args)
{
    result r = pull_with(simargs, collect_args);
    if (r.rc != 0)
        fail_msg("fault '%s': rc %d, stderr '%s'", simargs, r.rc, r.err);
    assert_true(strstr(r.out, "stored") || strstr(r.out, "unchanged"));
    result_free(&r);
}

/* ---- the error table ---------------------------------------------------- */

static void test_connection_refused(void **state)
{
    (void)state;
    char db[700], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s/refused.db", dir);
    assert_int_equal(
        tu_run(&out, &err,
               "%s collect --once --feed http://127.0.0.1:1 --db %s %s",
               tu_bin("fukyu"), db, FAST),
        1);
    assert_non_null(strstr(err, "gave up after 3 attempts"));
    free(out), free(err);
}

static void test_http_statuses(void **state)
{
    (void)state;
    /* Transient: retried, then the pull goes through. */
    expect_stored("--fault status:500:0:2", FAST);
    /* Retry-After is obeyed: the backoff alone would retry after ~10 ms. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_stored("--fault status:503:1:1 --fault retry-after:2", FAST);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec >= 2 ||
                (t1.tv_sec - t0.tv_sec == 1 && t1.tv_nsec >= t0.tv_nsec));
    expect_stored("--fault status:429:0:1 --fault retry-after:1", FAST);
    /* ... but capped by --retry-max-wait. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_stored("--fault status:429:0:1 --fault retry-after:3600", FAST);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 60);
    expect_stored("--fault reset:1:1", FAST);
    /* Persistent 5xx: the pull fails after the retries. */
    expect_failure("--fault status:502", FAST, "HTTP 502");
    expect_failure("--fault status:503:2", FAST, "gave up after 3 attempts");
    /* 4xx other than 429: at once, with the status and the URL. */
    expect_failure("--fault status:404", FAST,
                   "HTTP 404 from http://127.0.0.1:");
    expect_failure("--fault status:401:1", FAST, "page 1: HTTP 401");
    expect_failure("--fault reset:0", FAST, "gave up");
}

static void test_bad_bodies(void **state)
{
    (void)state;
    expect_failure("--fault not-json:0", FAST, "not valid JSON");
    expect_failure("--fault truncate:1", FAST, "not valid JSON");
    expect_failure("--fault schema:0", FAST, "adoption-feed/2");
    expect_failure("--fault missing:snapshot:0", FAST, "'snapshot' is missing");
    expect_failure("--fault missing:as_of:1", FAST, "'as_of' is missing");
    expect_failure("--fault missing:total:0", FAST, "'total' is missing");
    expect_failure("--fault missing:facilities:1", FAST,
                   "'facilities' is missing");
    expect_failure("--fault mistype:total:0", FAST, "'total' is a string");
    expect_failure("--fault mistype:facilities:0", FAST,
                   "'facilities' is an object");
}

static void test_inconsistent_pages(void **state)
{
    (void)state;
    expect_failure("--fault drift-asof:2", "--limit 500",
                   "as_of changed during the pull");
    expect_failure("--fault drift-snapshot:1", "--limit 500",
                   "snapshot changed during the pull");
    expect_failure("--fault drift-total:1", "--limit 500",
                   "total changed during the pull");
    expect_failure("--fault short:3", "--limit 500", "delivered");
    expect_failure("--fault extra:2", "--limit 500", "more records than total");
    expect_failure("--fault cursor-loop:2", "--limit 500", "cursor repeats");
    expect_failure("--fault big:1:300000",
                   "--limit 500 --max-page-bytes 200000",
                   "larger than max_page_bytes");
}

static void test_record_rules(void **state)
{
    (void)state;
    struct {
        const char *kind, *reason;
    } kinds[] = {
        {"code", "code:"},
        {"type-digit", "does not agree with fee-table digit"},
        {"pref", "does not match code"},
        {"muni", "is not in prefecture"},
        {"date", "is not a real YYYY-MM-DD date"},
        {"future", "is after as_of"},
        {"dup", "repeats a code already seen"},
        {"name", "name: empty"},
        {"beds", "beds: 9999"},
        {"status", "unknown status 'bogus'"},
        {"missing-since", "required when status is operating"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char args[128];
        snprintf(args, sizeof args, "--fault bad-record:%s:3", kinds[i].kind);
        result r = pull_with(args, "--limit 500");
        if (r.rc != 0) fail_msg("%s: rc %d: %s", kinds[i].kind, r.rc, r.err);
        assert_non_null(strstr(r.out, "3 set aside"));
        char *out = NULL, *err = NULL;
        assert_int_equal(
            tu_run(&out, &err, "%s rejects --db %s", tu_bin("fukyu"), r.db), 0);
        if (!strstr(out, kinds[i].reason))
            fail_msg("%s: rejects say '%s'", kinds[i].kind, out);
        assert_non_null(strstr(err, "3 record(s) set aside"));
        free(out), free(err);
        result_free(&r);
    }
    /* Unknown fields are ignored, not set aside. */
    result r = pull_with("--fault bad-record:unknown-field:50", "--limit 500");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, " 0 set aside"));
    result_free(&r);
    /* More than 1% set aside fails the pull (the scaled registry has about
     * 10,600 records; 200 is ~1.9%). */
    expect_failure("--fault bad-record:code:200", "--limit 500",
                   "more than 1%");
}

static void test_unchanged_304(void **state)
{
    (void)state;
    /* The same snapshot again from a new feed URL: a full pull that
     * changes nothing; then from the same URL: 304. */
    char db[700], url[128], cmd[1400];
    snprintf(db, sizeof db, "%s/same.db", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", base_db, db);
    sh(cmd);
    char *before = tu_store_fingerprint(db), *out = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url, SIMARGS);
    assert_int_equal(tu_run(&out, NULL, "%s collect --once --feed %s --db %s",
                            tu_bin("fukyu"), url, db),
                     0);
    assert_non_null(strstr(out, " 0 status changes"));
    /* gzip was asked for and used: fewer bytes on the wire than JSON. */
    const char *rx = strstr(out, "MiB received (");
    assert_non_null(rx);
    double wire = 0, json = 0;
    const char *p = rx - 1; /* the space before "MiB" */
    while (p > out && p[-1] != ' ') p--;
    assert_int_equal(sscanf(p, "%lf MiB received (%lf MiB JSON)", &wire, &json),
                     2);
    assert_true(wire > 0 && wire * 2 < json);
    free(out);
    char *mid = tu_store_fingerprint(db);
    assert_string_equal(before, mid);
    assert_int_equal(tu_run(&out, NULL, "%s collect --once --feed %s --db %s",
                            tu_bin("fukyu"), url, db),
                     0);
    assert_non_null(strstr(out, "unchanged (HTTP 304)"));
    free(out);
    tu_feedsim_stop(sim);
    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    free(before), free(mid), free(after);
}

static void test_token(void **state)
{
    (void)state;
    char tok[700];
    snprintf(tok, sizeof tok, "%s/token", dir);
    tu_write_file(tok, "s3cret-token-value\n");
    char args[800];
    snprintf(args, sizeof args, "--token-file %s", tok);
    expect_stored("--token s3cret-token-value", args);
    tu_write_file(tok, "wrong-token-value\n");
    result r = pull_with("--token s3cret-token-value", args);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "HTTP 401"));
    assert_null(strstr(r.err, "wrong-token-value"));
    assert_null(strstr(r.out, "wrong-token-value"));
    char *log = NULL;
    assert_int_equal(tu_run(&log, NULL, "%s pulls --db %s; sqlite3 %s .dump",
                            tu_bin("fukyu"), r.db, r.db),
                     0);
    assert_null(strstr(log, "wrong-token-value"));
    free(log);
    result_free(&r);
}

/* ---- agreement with the simulator's own counts -------------------------- */

static void compare_counts(const char *db, const char *url_or_args)
{
    char *sim = NULL;
    assert_int_equal(tu_run(&sim, NULL, "%s --counts %s",
                            tu_bin("fukyu-feedsim"), url_or_args),
                     0);
    cJSON *want = cJSON_Parse(sim);
    assert_non_null(want);
    const char *progs[] = {"eprescription", "ehr_sharing"};
    const char *types[] = {"hospital", "clinic", "dental", "pharmacy"};
    for (int p = 0; p < 2; p++) {
        cJSON *wp = cJSON_GetObjectItem(cJSON_GetObjectItem(want, "programs"),
                                        progs[p]);
        assert_non_null(wp);
        for (int pref = 0; pref <= 47; pref++) {
            char *out = NULL, area[8];
            snprintf(area, sizeof area, "%02d", pref);
            assert_int_equal(
                tu_run(&out, NULL,
                       "%s summary --json --program %s --db %s %s%s",
                       tu_bin("fukyu"), progs[p], db,
                       pref ? "--prefecture " : "", pref ? area : ""),
                0);
            cJSON *got = cJSON_Parse(out);
            assert_non_null(got);
            cJSON *w = pref ? cJSON_GetObjectItem(
                                  cJSON_GetObjectItem(wp, "prefectures"), area)
                            : cJSON_GetObjectItem(wp, "national");
            assert_non_null(w);
            for (int t = 0; t < 4; t++) {
                cJSON *gt = cJSON_GetObjectItem(
                    cJSON_GetObjectItem(got, "types"), types[t]);
                cJSON *wt = cJSON_GetObjectItem(w, types[t]);
                const char *f[] = {"adopting", "applied", "total"};
                for (int k = 0; k < 3; k++) {
                    double g = cJSON_GetObjectItem(gt, f[k])->valuedouble;
                    double e = cJSON_GetObjectItem(wt, f[k])->valuedouble;
                    if (g != e)
                        fail_msg("%s %s %s %s: store %.0f, simulator %.0f",
                                 progs[p], area, types[t], f[k], g, e);
                }
            }
            cJSON_Delete(got);
            free(out);
        }
    }
    cJSON_Delete(want);
    free(sim);
}

static void test_counts_match_simulator(void **state)
{
    (void)state;
    compare_counts(base_db, SIMARGS);
}

static void test_history_across_snapshots(void **state)
{
    (void)state;
    char db[700], url[128], cmd[1400];
    snprintf(db, sizeof db, "%s/hist.db", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", base_db, db);
    sh(cmd);
    pid_t sim = tu_feedsim_start(url, sizeof url, SIMARGS);
    char *before = NULL;
    assert_int_equal(tu_run(&before, NULL,
                            "%s summary --json --program eprescription --db %s",
                            tu_bin("fukyu"), db),
                     0);
    const char *dates[] = {"2025-02-16", "2025-02-23", "2025-03-30",
                           "2025-06-01"};
    for (int i = 0; i < 4; i++) {
        char *out = NULL, *err = NULL;
        assert_int_equal(tu_run(NULL, NULL,
                                "curl -sf -X POST '%s/_sim/date?d=%s'", url,
                                dates[i]),
                         0);
        int rc = tu_run(&out, &err,
                        "%s collect --once --feed %s --db %s --limit 700",
                        tu_bin("fukyu"), url, db);
        if (rc) fail_msg("pull %s: %s", dates[i], err);
        assert_non_null(strstr(out, "stored"));
        free(out), free(err);
        char simargs[128];
        snprintf(simargs, sizeof simargs, "--scale 0.05 --date %s", dates[i]);
        compare_counts(db, simargs);
    }
    tu_feedsim_stop(sim);
    /* The first snapshot's day still reads as it was reported. */
    char *again = NULL;
    assert_int_equal(
        tu_run(
            &again, NULL,
            "%s summary --json --program eprescription --db %s --date 2025-02-09",
            tu_bin("fukyu"), db),
        0);
    assert_string_equal(before, again);
    free(before), free(again);
    /* Weekly series end on the latest as_of and never decrease much. */
    char *csv = NULL;
    assert_int_equal(
        tu_run(
            &csv, NULL,
            "%s series --program eprescription --type pharmacy --weekly --csv --db %s",
            tu_bin("fukyu"), db),
        0);
    assert_non_null(strstr(csv, "date,adopting,applied,total,rate\n"));
    assert_non_null(strstr(csv, "\n2025-06-01,"));
    free(csv);
}

/* ---- being stopped ------------------------------------------------------ */

static void stop_midway(int sig)
{
    char db[700], url[128], cmd[1400];
    snprintf(db, sizeof db, "%s/kill%d.db", dir, sig);
    snprintf(cmd, sizeof cmd, "cp %s %s", base_db, db);
    sh(cmd);
    char *before = tu_store_fingerprint(db);
    /* A new date, so the pull has changes to make, and slow pages. */
    pid_t sim = tu_feedsim_start(
        url, sizeof url,
        "--scale 0.05 --date 2025-03-30 --quiet --fault delay:150");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(tu_bin("fukyu"), "fukyu", "collect", "--once", "--feed", url,
              "--db", db, "--limit", "500", (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {1, 200 * 1000 * 1000}; /* several pages in */
    nanosleep(&ts, NULL);
    kill(pid, sig);
    int st;
    waitpid(pid, &st, 0);
    if (sig == SIGTERM)
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    else
        assert_true(WIFSIGNALED(st));
    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    free(after);
    /* The next pull completes, and a killed pull shows as interrupted. */
    char *out = NULL;
    tu_feedsim_stop(sim);
    sim = tu_feedsim_start(url, sizeof url,
                           "--scale 0.05 --date 2025-03-30 --quiet");
    assert_int_equal(tu_run(&out, NULL, "%s collect --once --feed %s --db %s",
                            tu_bin("fukyu"), url, db),
                     0);
    free(out);
    tu_feedsim_stop(sim);
    assert_int_equal(
        tu_run(&out, NULL, "%s pulls --db %s", tu_bin("fukyu"), db), 0);
    assert_non_null(strstr(out, sig == SIGTERM ? "stopped" : "interrupted"));
    free(out);
    free(before);
}

static void test_sigterm_rolls_back(void **state)
{
    (void)state;
    stop_midway(SIGTERM);
}

static void test_sigkill_leaves_before(void **state)
{
    (void)state;
    stop_midway(SIGKILL);
}

static void test_cli_errors(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(
        tu_run(&out, &err, "%s collect --feed http://x", tu_bin("fukyu")), 2);
    assert_non_null(strstr(err, "--once is required"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s collect --once --limit 0", tu_bin("fukyu")), 2);
    assert_non_null(strstr(err, "--limit"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s collect --once --feed ftp://x", tu_bin("fukyu")),
        2);
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s summary --program nope --db %s",
                            tu_bin("fukyu"), base_db),
                     2);
    assert_non_null(strstr(err, "unknown program 'nope'"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err,
               "%s summary --program eprescription --prefecture 48 --db %s",
               tu_bin("fukyu"), base_db),
        2);
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err,
               "%s summary --program eprescription --date 2025-02-30 --db %s",
               tu_bin("fukyu"), base_db),
        2);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_match_simulator),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_http_statuses),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_inconsistent_pages),
        cmocka_unit_test(test_record_rules),
        cmocka_unit_test(test_unchanged_304),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_history_across_snapshots),
        cmocka_unit_test(test_sigterm_rolls_back),
        cmocka_unit_test(test_sigkill_leaves_before),
        cmocka_unit_test(test_cli_errors),
    };
    return cmocka_run_group_tests_name("collector", tests, group_setup,
                                       group_teardown);
}
