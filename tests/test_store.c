/* test_store.c - the store: migrations (fresh, upgrade, newer refused) and
 * the write side's history and series rules, driven through apply.h. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/apply.h"
#include "data/store.h"

static char *dir;
static char db[600];

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(db, sizeof db, "%s/t.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    return 0;
}

static char *sql(const char *q)
{
    char *out = NULL;
    assert_int_equal(tu_run(&out, NULL, "sqlite3 '%s' \"%s\"", db, q), 0);
    size_t n = strlen(out);
    while (n && out[n - 1] == '\n') out[--n] = '\0';
    return out;
}

static void test_migrate_fresh(void **state)
{
    (void)state;
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    assert_int_equal(fk_store_user_version(st), FK_SCHEMA_VERSION);
    fk_store_close(st);
    char *s = sql("SELECT COUNT(*) FROM prefecture");
    assert_string_equal(s, "47");
    free(s);
    s = sql("SELECT label_ja FROM facility_type ORDER BY id");
    assert_string_equal(s, "病院\n医科診療所\n歯科診療所\n薬局");
    free(s);
    s = sql("PRAGMA journal_mode");
    assert_string_equal(s, "wal");
    free(s);
    /* Re-opening is a no-op. */
    st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    fk_store_close(st);
    s = sql("SELECT COUNT(*) FROM prefecture");
    assert_string_equal(s, "47");
    free(s);
}

static void test_migrate_upgrade(void **state)
{
    (void)state;
    /* A version-0 database (created by someone else, empty schema) is
     * brought to the current version; existing foreign tables survive. */
    free(sql("CREATE TABLE keepme(x); INSERT INTO keepme VALUES(42)"));
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    fk_store_close(st);
    char *s = sql("PRAGMA user_version");
    char want[8];
    snprintf(want, sizeof want, "%d", FK_SCHEMA_VERSION);
    assert_string_equal(s, want);
    free(s);
    s = sql("SELECT x FROM keepme");
    assert_string_equal(s, "42");
    free(s);
}

static void test_migrate_newer_refused(void **state)
{
    (void)state;
    free(sql("CREATE TABLE future(x); PRAGMA user_version = 99"));
    char *before = NULL, *after = NULL;
    assert_int_equal(tu_run(&before, NULL, "sha256sum < '%s'", db), 0);
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_null(st);
    assert_non_null(strstr(err, "newer"));
    assert_non_null(strstr(err, "99"));
    st = fk_store_open(db, FK_STORE_READONLY, err, sizeof err);
    assert_null(st);
    assert_int_equal(tu_run(&after, NULL, "sha256sum < '%s'", db), 0);
    assert_string_equal(before, after);
    free(before), free(after);
    /* And through the CLI: exit 1 with one line naming the problem. */
    char *out = NULL, *e = NULL;
    assert_int_equal(tu_run(&out, &e,
                            "%s summary --program eprescription --db '%s'",
                            tu_bin("fukyu"), db),
                     1);
    assert_non_null(strstr(e, "newer"));
    free(out), free(e);
}

static void test_readonly_missing(void **state)
{
    (void)state;
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_READONLY, err, sizeof err);
    assert_null(st);
    assert_true(strlen(err) > 0);
}

/* ---- the write side ----------------------------------------------------- */

static fk_record rec(int64_t code, fk_type t, const char *muni, fk_status s,
                     const char *since)
{
    fk_record r;
    memset(&r, 0, sizeof r);
    r.code = code;
    r.type = t;
    r.pref = (int)(code / 100000000);
    snprintf(r.muni, sizeof r.muni, "%s", muni);
    r.name = "テスト医院";
    r.beds = -1;
    r.nprog = 1;
    r.prog[0].program = "eprescription";
    r.prog[0].status = s;
    r.prog[0].since = -1;
    if (since) assert_int_equal(fk_date_parse(since, &r.prog[0].since), 0);
    return r;
}

static fk_day day(const char *s)
{
    fk_day d;
    assert_int_equal(fk_date_parse(s, &d), 0);
    return d;
}

static void pull(fk_store *st, const char *as_of, const fk_record *rs, size_t n,
                 int expect_dups)
{
    fk_apply *ap = fk_apply_begin(st, "http://test");
    assert_non_null(ap);
    assert_int_equal(
        fk_apply_snapshot(ap, "2025-01-01T00:00:00Z", day(as_of), "\"e\""), 0);
    int dups = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = fk_apply_record(ap, &rs[i]);
        assert_true(rc >= 0);
        dups += rc == FK_APPLY_DUP;
    }
    assert_int_equal(dups, expect_dups);
    fk_pull_stats ps = {0};
    assert_int_equal(fk_apply_commit(ap, &ps), 0);
}

static fk_counts counts(fk_store *st, const char *date, int pref, int type)
{
    fk_counts by[FK_NTYPE];
    fk_area a = {pref, ""};
    assert_int_equal(fk_store_counts(st, "eprescription", day(date), &a, by),
                     0);
    return by[type];
}

static void test_history_rules(void **state)
{
    (void)state;
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    /* First pull on 2025-02-09: two operating since known dates, one
     * applied, one none, one not_applicable, a duplicate. */
    fk_record first[] = {
        rec(1311000001, FK_CLINIC, "13101", FK_ST_OPERATING, "2023-03-01"),
        rec(1311000002, FK_CLINIC, "13101", FK_ST_OPERATING, "2024-06-01"),
        rec(1311000003, FK_CLINIC, "13102", FK_ST_APPLIED, "2024-12-01"),
        rec(1311000004, FK_CLINIC, "13102", FK_ST_NONE, NULL),
        rec(1341000005, FK_PHARMACY, "13102", FK_ST_NOT_APPLICABLE, NULL),
        rec(1311000001, FK_CLINIC, "13101", FK_ST_NONE, NULL),
    };
    pull(st, "2025-02-09", first, 6, 1);
    fk_counts c = counts(st, "2025-02-09", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 2);
    assert_int_equal(c.applied, 1);
    assert_int_equal(c.total, 4);
    /* The past is rebuilt from since dates; the denominator before the
     * first pull is the first snapshot's facilities. */
    c = counts(st, "2023-02-28", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 0);
    assert_int_equal(c.total, 4);
    c = counts(st, "2023-03-01", 13, FK_CLINIC);
    assert_int_equal(c.adopting, 1);
    c = counts(st, "2024-06-01", 13, FK_CLINIC);
    assert_int_equal(c.adopting, 2);
    assert_int_equal(counts(st, "2025-02-09", 0, FK_PHARMACY).total, 0);

    /* Same snapshot again: nothing changes. */
    pull(st, "2025-02-09", first, 5, 0);
    c = counts(st, "2025-02-09", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 2);
    assert_int_equal(c.total, 4);
    char *s = sql("SELECT COUNT(*) FROM status_history");
    assert_string_equal(s, "3");
    free(s);

    /* A week later: 3 starts operating (since 2025-02-12), 4 closes, a new
     * facility 6 opens, 2 moves municipality. */
    fk_record second[] = {
        rec(1311000001, FK_CLINIC, "13101", FK_ST_OPERATING, "2023-03-01"),
        rec(1311000002, FK_CLINIC, "13103", FK_ST_OPERATING, "2024-06-01"),
        rec(1311000003, FK_CLINIC, "13102", FK_ST_OPERATING, "2025-02-12"),
        rec(1341000005, FK_PHARMACY, "13102", FK_ST_NOT_APPLICABLE, NULL),
        rec(1311000006, FK_CLINIC, "13101", FK_ST_OPERATING, "2020-01-01"),
    };
    pull(st, "2025-02-16", second, 5, 0);
    c = counts(st, "2025-02-16", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 4);
    assert_int_equal(c.applied, 0);
    assert_int_equal(c.total, 4);
    /* Days already reported stay as reported. */
    c = counts(st, "2025-02-09", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 2);
    assert_int_equal(c.applied, 1);
    assert_int_equal(c.total, 4);
    /* The change took effect on its since date. */
    c = counts(st, "2025-02-11", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 2);
    c = counts(st, "2025-02-12", 0, FK_CLINIC);
    assert_int_equal(c.adopting, 3);
    assert_int_equal(c.applied, 0);
    /* Municipalities: 2 moved from 13101 to 13103 on as_of. */
    fk_muni_counts *m = NULL;
    size_t nm = 0;
    assert_int_equal(fk_store_counts_by_muni(st, "eprescription",
                                             day("2025-02-16"), 13, FK_CLINIC,
                                             &m, &nm),
                     0);
    assert_int_equal(nm, 3);
    assert_string_equal(m[0].code, "13101");
    assert_int_equal(m[0].c.adopting, 2); /* 1 and the new 6 */
    assert_string_equal(m[2].code, "13103");
    assert_int_equal(m[2].c.adopting, 1);
    free(m);
    /* The series carries the running sums day by day. */
    fk_point *pts = NULL;
    size_t np = 0;
    fk_area nat = {0, ""};
    assert_int_equal(fk_store_series(st, "eprescription", FK_CLINIC, &nat,
                                     day("2025-02-08"), day("2025-02-16"), &pts,
                                     &np),
                     0);
    assert_int_equal(np, 9);
    assert_int_equal(pts[0].c.adopting, 2);
    assert_int_equal(pts[4].c.adopting, 3); /* 02-12 */
    assert_int_equal(pts[8].c.adopting, 4); /* 02-16: new facility entered */
    assert_int_equal(pts[8].c.total, 4);
    free(pts);
    fk_day latest;
    assert_int_equal(fk_store_latest_as_of(st, &latest), 0);
    assert_int_equal(latest, day("2025-02-16"));
    fk_day first_day;
    assert_int_equal(fk_store_first_day(st, "eprescription", &first_day), 0);
    assert_int_equal(first_day, day("2023-03-01"));
    s = sql(
        "SELECT closed_on IS NOT NULL FROM facility WHERE code = 1311000004");
    assert_string_equal(s, "1");
    free(s);
    /* An older snapshot is refused. */
    fk_apply *ap = fk_apply_begin(st, "http://test");
    assert_non_null(ap);
    assert_int_equal(fk_apply_snapshot(ap, "x", day("2025-02-01"), ""), -1);
    assert_non_null(strstr(fk_store_error(st), "older"));
    fk_apply_abort(ap, "older snapshot", NULL);
    s = sql(
        "SELECT outcome || ':' || reason FROM pull ORDER BY id DESC LIMIT 1");
    assert_string_equal(s, "failed:older snapshot");
    free(s);
    fk_store_close(st);
}

/* A store after one pull of one operating clinic, 1311000001. */
static fk_store *store_with_one_clinic(void)
{
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    fk_record first[] = {
        rec(1311000001, FK_CLINIC, "13101", FK_ST_OPERATING, "2023-03-01")};
    pull(st, "2025-02-09", first, 1, 0);
    return st;
}

static void test_abort_changes_nothing(void **state)
{
    (void)state;
    fk_store *st = store_with_one_clinic();
    char *before = sql(
        "SELECT COUNT(*), SUM(d_adopting) FROM series_delta; SELECT * FROM status;");
    fk_apply *ap = fk_apply_begin(st, "http://test");
    assert_int_equal(fk_apply_snapshot(ap, "x", day("2025-02-16"), ""), 0);
    fk_record r =
        rec(1311000009, FK_CLINIC, "13101", FK_ST_OPERATING, "2025-02-10");
    assert_int_equal(fk_apply_record(ap, &r), 0);
    fk_apply_reject(ap, 3, "123", "code: bad");
    fk_apply_abort(ap, "drift", NULL);
    char *after = sql(
        "SELECT COUNT(*), SUM(d_adopting) FROM series_delta; SELECT * FROM status;");
    assert_string_equal(before, after);
    free(before), free(after);
    char *s = sql("SELECT reason FROM reject");
    assert_string_equal(s, "code: bad");
    free(s);
    fk_store_close(st);
}

/* A pull whose commit fails (here its final log write, made to fail by a
 * trigger, after the closures, series and set-aside records are written)
 * changes nothing stored, is logged as failed with the reason, and leaves
 * the store usable; under make test-asan this also proves the failure path
 * reads nothing of the freed pull. */
static void test_failed_commit_changes_nothing(void **state)
{
    (void)state;
    char err[600];
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    fk_record first[] = {
        rec(1311000001, FK_CLINIC, "13101", FK_ST_OPERATING, "2023-03-01"),
        rec(1311000002, FK_CLINIC, "13101", FK_ST_APPLIED, "2024-05-01")};
    pull(st, "2025-02-09", first, 2, 0);
    char *before = tu_store_fingerprint(db);
    free(sql("CREATE TRIGGER fail_commit BEFORE UPDATE ON pull"
             " WHEN NEW.outcome = 'stored'"
             " BEGIN SELECT RAISE(ABORT, 'forced failure'); END"));

    fk_apply *ap = fk_apply_begin(st, "http://test");
    assert_non_null(ap);
    assert_int_equal(fk_apply_snapshot(ap, "x", day("2025-02-16"), ""), 0);
    /* One facility changes, one opens, 1311000002 closes. */
    fk_record r[] = {
        rec(1311000001, FK_CLINIC, "13101", FK_ST_NONE, NULL),
        rec(1311000009, FK_CLINIC, "13102", FK_ST_OPERATING, "2025-02-10")};
    assert_int_equal(fk_apply_record(ap, &r[0]), FK_APPLY_OK);
    assert_int_equal(fk_apply_record(ap, &r[1]), FK_APPLY_OK);
    fk_apply_reject(ap, 3, "123", "code: bad");
    fk_pull_stats ps = {0};
    assert_int_equal(fk_apply_commit(ap, &ps), -1);
    assert_non_null(strstr(fk_store_error(st), "forced failure"));

    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    free(before), free(after);
    char *s = sql("SELECT outcome, records, closures FROM pull"
                  " ORDER BY id DESC LIMIT 1");
    assert_string_equal(s, "failed|0|0");
    free(s);
    s = sql("SELECT reason FROM pull ORDER BY id DESC LIMIT 1");
    assert_non_null(strstr(s, "forced failure"));
    free(s);

    /* The store is still usable: once the cause is gone a pull stores. */
    free(sql("DROP TRIGGER fail_commit"));
    pull(st, "2025-02-16", r, 2, 0);
    s = sql(
        "SELECT closed_on IS NOT NULL FROM facility WHERE code = 1311000002");
    assert_string_equal(s, "1");
    free(s);
    fk_store_close(st);
}

/* A stored row out of range (the file edited or damaged) is a clear
 * error naming the facility, not an assert or a wrong series. */
static void test_damaged_row_is_an_error(void **state)
{
    (void)state;
    fk_store *st = store_with_one_clinic();
    free(sql("UPDATE status SET status = 9"));
    fk_apply *ap = fk_apply_begin(st, "http://test");
    assert_non_null(ap);
    assert_int_equal(fk_apply_snapshot(ap, "x", day("2025-02-16"), ""), 0);
    fk_record r = rec(1311000001, FK_CLINIC, "13101", FK_ST_NONE, NULL);
    assert_int_equal(fk_apply_record(ap, &r), -1);
    assert_non_null(
        strstr(fk_store_error(st), "facility 1311000001: stored status"));
    fk_apply_abort(ap, "damaged", NULL);
    fk_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_fresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_upgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_newer_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_readonly_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_changes_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_row_is_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abort_changes_nothing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
