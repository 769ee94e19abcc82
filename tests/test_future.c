/* test_future.c - a store that already holds a snapshot dated in the
 * future (issue 12, item 3).
 *
 * Older fukyu versions stored any as_of; one snapshot dated 2999-12-31
 * then made every later pull fail ("older than the stored as_of"), the
 * dashboard's series answer 400 and its forecast burn a core.  The test
 * builds such a store the way the old code did: the store's write side
 * (data/apply.h) has never refused a date, only the collector does, so
 * the snapshot goes in through fk_apply_* directly.  It then checks the
 * rule (README, "Reliability and security"): readers ignore the
 * quarantined snapshot, the next real pull is stored and re-dates it, and
 * the store ends up with the very counts and series of a store that never
 * saw it; a dashboard over it answers quickly and stops promptly on
 * SIGTERM.  And the dashboard's forecast stays cheap however long the
 * series is. */
#include "tests/testutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "data/apply.h"

#define SIM     "--scale 0.01 --quiet --date 2025-01-05"
#define FUTURE  "2999-12-31"
#define PROGRAM "eprescription"

static char *dir;

static int collect(const char *url, const char *db, char **err)
{
    return tu_run(NULL, err,
                  "%s collect --once --feed %s --db %s --limit 500 "
                  "--retries 0 --timeout 20",
                  tu_bin("fukyu"), url, db);
}

/* The first two open facilities, copied (rows are valid only during the
 * callback). */
typedef struct {
    fk_facility_row row[2];
    char name[2][200];
    int n;
} first_two;

static int take(const fk_facility_row *r, void *ctx)
{
    first_two *f = ctx;
    f->row[f->n] = *r;
    snprintf(f->name[f->n], sizeof f->name[0], "%s", r->name);
    f->row[f->n].name = f->name[f->n];
    f->row[f->n].address = f->row[f->n].phone = NULL;
    return ++f->n == 2;
}

static void record_of(const fk_facility_row *row, int64_t code, fk_status st,
                      fk_day since, fk_record *r)
{
    memset(r, 0, sizeof *r);
    r->code = code;
    r->type = row->type;
    r->pref = row->pref;
    memcpy(r->muni, row->muni, sizeof r->muni);
    r->name = row->name;
    r->beds = -1;
    r->nprog = 1;
    r->prog[0] = (fk_record_program){PROGRAM, st, since};
}

/* Stores a snapshot dated 2999-12-31 as fukyu before the rule did: one
 * known facility changed (operating from 2999-12-01), one new facility,
 * every other one missing (closed on that day). */
static void store_future_snapshot(const char *db)
{
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    if (!st) fail_msg("%s", err);
    first_two f = {.n = 0};
    fk_facility_filter flt = {
        .program = PROGRAM, .type = -1, .adopted_since = -1};
    assert_int_equal(fk_store_each_facility(st, &flt, take, &f), 0);
    assert_int_equal(f.n, 2);
    fk_day future, since;
    assert_int_equal(fk_date_parse(FUTURE, &future), 0);
    assert_int_equal(fk_date_parse("2999-12-01", &since), 0);
    fk_apply *ap = fk_apply_begin(st, "http://old.example/feed");
    if (!ap) fail_msg("%s", fk_store_error(st));
    assert_int_equal(
        fk_apply_snapshot(ap, FUTURE "T00:00:00Z", future, "\"old\""), 0);
    fk_record r;
    int64_t code = strtoll(f.row[0].code, NULL, 10);
    record_of(&f.row[0], code, FK_ST_OPERATING, since, &r);
    assert_int_equal(fk_apply_record(ap, &r), FK_APPLY_OK);
    /* The same fee-table group, institution number 9999999: not in a
     * simulated registry this small. */
    code = strtoll(f.row[1].code, NULL, 10) / 10000000 * 10000000 + 9999999;
    record_of(&f.row[1], code, FK_ST_APPLIED, since, &r);
    assert_int_equal(fk_apply_record(ap, &r), FK_APPLY_OK);
    fk_pull_stats ps = {0};
    if (fk_apply_commit(ap, &ps) < 0) fail_msg("%s", fk_store_error(st));
    fk_store_close(st);
}

/* The output of `fukyu ARGS --db DB`. */
static char *run_out(const char *args, const char *db)
{
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err, "%s %s --db %s", tu_bin("fukyu"), args, db);
    if (rc != 0) fail_msg("fukyu %s: rc %d: %s", args, rc, err);
    free(err);
    return out;
}

/* GET path: the HTTP status, the body in *body; at most 10 s. */
static int get(int port, const char *path, char **body)
{
    char *out = NULL;
    tu_run(&out, NULL,
           "curl -s --max-time 10 -w '\\n%%{http_code}' "
           "'http://127.0.0.1:%d%s'",
           port, path);
    char *nl = out ? strrchr(out, '\n') : NULL;
    int code = nl ? atoi(nl + 1) : 0;
    if (nl) *nl = '\0';
    *body = out;
    return code;
}

/* The dashboard over the quarantined store: the series and the forecast
 * answer 200 about the real as_of, quickly; SIGTERM while a forecast is
 * being computed stops the server within a few seconds. */
static void check_dashboard(const char *db)
{
    int port = 0;
    pid_t srv = tu_serve_start(db, dir, dir, &port);
    char *body;
    double t0 = tu_now_s();
    int code = get(port, "/api/v1/series?program=" PROGRAM "&weekly=1", &body);
    if (code != 200) fail_msg("series: HTTP %d: %s", code, body);
    assert_null(strstr(body, FUTURE));
    assert_non_null(strstr(body, "2025-01-05"));
    free(body);
    code = get(port, "/api/v1/forecast?program=" PROGRAM, &body);
    double took = tu_now_s() - t0;
    if (code != 200) fail_msg("forecast: HTTP %d: %s", code, body);
    free(body);
    fprintf(stderr, "note: series and forecast answered in %.2f s\n", took);
    assert_true(took < 5.0);
    /* A fresh forecast (another type: not cached) in flight, then
     * SIGTERM. */
    pid_t req = tu_spawn("exec curl -s --max-time 30 -o /dev/null "
                         "'http://127.0.0.1:%d/api/v1/forecast?program=%s"
                         "&type=pharmacy&method=bass'",
                         port, PROGRAM);
    tu_sleep_ms(100);
    t0 = tu_now_s();
    kill(srv, SIGTERM);
    int st = tu_wait(srv);
    double stop = tu_now_s() - t0;
    tu_wait(req);
    fprintf(stderr, "note: serve stopped %.2f s after SIGTERM\n", stop);
    assert_int_equal(st, 0);
    assert_true(stop < 5.0);
}

static void test_future_snapshot_quarantined(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    char db[600], ref[600], url[128], *err = NULL;
    snprintf(db, sizeof db, "%s/future.db", dir);
    snprintf(ref, sizeof ref, "%s/ref.db", dir);
    pid_t sim = tu_feedsim_start(url, sizeof url, SIM);
    assert_int_equal(collect(url, db, NULL), 0);
    assert_int_equal(collect(url, ref, NULL), 0);
    store_future_snapshot(db);

    /* Readers ignore the quarantined snapshot: the latest real as_of. */
    char *s = run_out("summary --program " PROGRAM " --json", db);
    char *r = run_out("summary --program " PROGRAM " --json", ref);
    assert_string_equal(s, r);
    free(s);
    free(r);
    check_dashboard(db);

    /* The next real snapshot is stored, and re-dates the future one. */
    assert_int_equal(tu_run(NULL, NULL, "curl -sf -X POST '%s/_sim/date?d=%s'",
                            url, "2025-01-12"),
                     0);
    int rc = collect(url, db, &err);
    if (rc != 0) fail_msg("pull after the future snapshot: %s", err);
    assert_non_null(strstr(err, "as_of " FUTURE " (from the future) re-dated "
                                "to 2025-01-12"));
    free(err);
    assert_int_equal(collect(url, ref, NULL), 0);
    tu_feedsim_stop(sim);
    s = run_out("pulls", db);
    assert_non_null(strstr(s, "as_of " FUTURE " was in the future"));
    free(s);

    /* The same counts on every real as_of, the same daily series up to
     * the last real as_of before the future snapshot and from the day it
     * was re-dated to, and the same forecast (weekly points, on those
     * days) as a store that never saw it.  Its changes all fell on
     * 2025-01-12, and the real snapshot of that day undid them; only the
     * days between carry no change of their own (a status change the
     * reference store dates on 2025-01-08 falls on 2025-01-12 here). */
    static const char *const reads[] = {
        "summary --program " PROGRAM " --json",
        "summary --program " PROGRAM " --date 2025-01-05 --json",
        "summary --program " PROGRAM " --prefecture 13 --json",
        "series --program " PROGRAM " --to 2025-01-05 --csv",
        "series --program " PROGRAM " --type pharmacy --to 2025-01-05 --csv",
        "series --program " PROGRAM " --from 2025-01-12 --csv",
        "forecast --program " PROGRAM " --json",
    };
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        s = run_out(reads[i], db);
        r = run_out(reads[i], ref);
        if (strcmp(s, r))
            fail_msg("%s differs:\n%.300s\n%.300s", reads[i], s, r);
        free(s);
        free(r);
    }
    /* And the pulls that follow are ordinary ones. */
    sim = tu_feedsim_start(url, sizeof url,
                           "--scale 0.01 --quiet --date 2025-01-19");
    assert_int_equal(collect(url, db, NULL), 0);
    assert_int_equal(collect(url, ref, NULL), 0);
    tu_feedsim_stop(sim);
    s = run_out("series --program " PROGRAM " --from 2025-01-12 --csv", db);
    r = run_out("series --program " PROGRAM " --from 2025-01-12 --csv", ref);
    assert_string_equal(s, r);
    free(s);
    free(r);
    tu_rmtree(dir);
    free(dir);
}

/* The forecast's cost grows with the span of the series, which the
 * feed's since dates decide: a first snapshot with one pharmacy operating
 * since 1971 makes a series of 54 years.  /api/v1/forecast fits only the
 * last five years of it (some 12 s of a core otherwise). */
static void test_forecast_bounded(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    char db[600], err[600];
    snprintf(db, sizeof db, "%s/old.db", dir);
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    if (!st) fail_msg("%s", err);
    fk_day as_of, old, recent;
    assert_int_equal(fk_date_parse("2025-01-05", &as_of), 0);
    assert_int_equal(fk_date_parse("1971-01-03", &old), 0);
    assert_int_equal(fk_date_parse("2023-06-01", &recent), 0);
    fk_apply *ap = fk_apply_begin(st, "http://example/feed");
    if (!ap) fail_msg("%s", fk_store_error(st));
    assert_int_equal(fk_apply_snapshot(ap, "2025-01-05T00:00:00Z", as_of, NULL),
                     0);
    fk_facility_row row = {
        .type = FK_PHARMACY, .pref = 13, .muni = "13101", .name = "薬局"};
    for (int i = 0; i < 40; i++) {
        fk_record r;
        record_of(&row, 1341000000 + i, FK_ST_OPERATING,
                  i ? recent + 7 * i : old, &r);
        assert_int_equal(fk_apply_record(ap, &r), FK_APPLY_OK);
    }
    if (fk_apply_commit(ap, NULL) < 0) fail_msg("%s", fk_store_error(st));
    fk_store_close(st);
    int port = 0;
    pid_t srv = tu_serve_start(db, dir, dir, &port);
    char *body;
    double t0 = tu_now_s();
    int code = get(port, "/api/v1/forecast?program=" PROGRAM, &body);
    double took = tu_now_s() - t0;
    if (code != 200) fail_msg("forecast: HTTP %d: %s", code, body);
    free(body);
    fprintf(stderr, "note: forecast over a 54-year series in %.2f s\n", took);
    assert_true(took < 5.0);
    kill(srv, SIGTERM);
    assert_int_equal(tu_wait(srv), 0);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_future_snapshot_quarantined),
        cmocka_unit_test(test_forecast_bounded),
    };
    return cmocka_run_group_tests_name("future as_of", tests, NULL, NULL);
}
