/* test_stage.c - the pull's staged records (data/stage.h) come back in
 * code order, across spilled runs, intact; and a pull stores the same
 * thing whatever order the feed lists its facilities in. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/apply.h"
#include "data/stage.h"
#include "data/store.h"

static fk_record make(int64_t code, int i, char *name, char *addr)
{
    fk_record r;
    memset(&r, 0, sizeof r);
    r.code = code;
    r.type = (fk_type)(i % FK_NTYPE);
    r.pref = 1 + i % 47;
    if (i % 3) snprintf(r.muni, sizeof r.muni, "%02d%03d", r.pref, i % 1000);
    snprintf(name, 64, "facility %d", i);
    r.name = name;
    if (i % 4) {
        snprintf(addr, 96, "address of %d, somewhere long enough", i);
        r.address = addr;
    }
    r.phone = i % 5 ? "03-0000-0000" : NULL;
    r.beds = i % 7 ? i % 5000 : -1;
    r.nprog = (size_t)(i % 3);
    for (size_t k = 0; k < r.nprog; k++) {
        r.prog[k].status = (fk_status)((i + (int)k) % 4);
        r.prog[k].since = k ? -1 : 19000 + i % 1000;
    }
    return r;
}

/* Many runs spilled to the temporary file plus one in memory; codes repeat
 * so that ties show they come back in the order put. */
static void test_sorted_across_runs(void **state)
{
    (void)state;
    enum {
        N = 3000
    };
    char err[300] = "";
    fk_stage *s = fk_stage_new(8192);
    assert_non_null(s);
    int64_t *codes = malloc(N * sizeof *codes);
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        codes[i] = 1310000000 + (int64_t)(x % 1000);
        char name[64], addr[96];
        fk_record r = make(codes[i], i, name, addr);
        uint8_t ids[FK_MAX_PROGRAMS] = {(uint8_t)(i % 5), 7};
        assert_int_equal(
            fk_stage_put(s, &r, ids, i * 31, (uint8_t)(i & 1), err, sizeof err),
            0);
    }
    /* Records larger than the merge's read buffer, one spilled alone. */
    char big[20000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    fk_stage *s2 = fk_stage_new(30000);
    for (int i = 0; i < 3; i++) {
        char name[64], addr[96];
        fk_record r = make(1310000000 + 2 - i, i, name, addr);
        if (i < 2) r.address = big;
        uint8_t ids[FK_MAX_PROGRAMS] = {0};
        assert_int_equal(fk_stage_put(s2, &r, ids, 0, 0, err, sizeof err), 0);
    }
    assert_int_equal(fk_stage_sort(s2, err, sizeof err), 0);
    fk_staged st2;
    for (int k = 2; k >= 0; k--) {
        assert_int_equal(fk_stage_next(s2, &st2, err, sizeof err), 1);
        assert_int_equal(st2.rec.code, 1310000000 + 2 - k);
        if (k < 2) assert_string_equal(st2.rec.address, big);
    }
    assert_int_equal(fk_stage_next(s2, &st2, err, sizeof err), 0);
    fk_stage_free(s2);
    assert_int_equal(fk_stage_count(s), N);
    assert_int_equal(fk_stage_sort(s, err, sizeof err), 0);
    fk_staged st;
    int64_t last_code = -1;
    int last_i = -1, n = 0;
    while (fk_stage_next(s, &st, err, sizeof err) == 1) {
        int i = atoi(st.rec.name + strlen("facility "));
        assert_true(st.rec.code >= last_code);
        if (st.rec.code == last_code) assert_true(i > last_i);
        assert_int_equal(st.rec.code, codes[i]);
        char name[64], addr[96];
        fk_record want = make(codes[i], i, name, addr);
        assert_int_equal(st.rec.type, want.type);
        assert_int_equal(st.rec.pref, want.pref);
        assert_string_equal(st.rec.muni, want.muni);
        assert_string_equal(st.rec.name, want.name);
        if (want.address)
            assert_string_equal(st.rec.address, want.address);
        else
            assert_null(st.rec.address);
        if (want.phone)
            assert_string_equal(st.rec.phone, want.phone);
        else
            assert_null(st.rec.phone);
        assert_int_equal(st.rec.beds, want.beds);
        assert_int_equal(st.rec.nprog, want.nprog);
        for (size_t k = 0; k < want.nprog; k++) {
            assert_int_equal(st.rec.prog[k].status, want.prog[k].status);
            assert_int_equal(st.rec.prog[k].since, want.prog[k].since);
        }
        if (want.nprog) assert_int_equal(st.prog_id[0], i % 5);
        if (want.nprog > 1) assert_int_equal(st.prog_id[1], 7);
        assert_int_equal(st.hash, i * 31);
        assert_int_equal(st.kind, i & 1);
        last_code = st.rec.code, last_i = i;
        n++;
    }
    assert_int_equal(n, N);
    free(codes);
    fk_stage_free(s);
}

static void test_record_too_big(void **state)
{
    (void)state;
    char err[300] = "";
    fk_stage *s = fk_stage_new(64);
    char name[64], addr[96];
    fk_record r = make(1310000001, 1, name, addr);
    uint8_t ids[FK_MAX_PROGRAMS] = {0};
    assert_int_equal(fk_stage_put(s, &r, ids, 0, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "a record of"));
    fk_stage_free(s);
}

/* With foreign keys off during a pull, the apply itself refuses a record
 * whose type or prefecture the reference tables do not have. */
static void test_unknown_prefecture_refused(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), db[600], err[300];
    snprintf(db, sizeof db, "%s/t.db", dir);
    fk_store *st = fk_store_open(db, 0, err, sizeof err);
    assert_non_null(st);
    fk_apply *ap = fk_apply_begin(st, "http://test");
    assert_non_null(ap);
    assert_int_equal(
        fk_apply_snapshot(ap, "2025-02-09T04:00:00+09:00", 20128, "\"e\""), 0);
    char name[64], addr[96];
    fk_record r = make(9910000001, 0, name, addr);
    r.pref = 99;
    assert_int_equal(fk_apply_record(ap, &r), -1);
    assert_non_null(strstr(fk_store_error(st), "prefecture 99 is not known"));
    fk_apply_abort(ap, "bad record", NULL);
    fk_store_close(st);
    char *fp = tu_store_fingerprint(db);
    assert_non_null(strstr(fp, "\n0|0.0|0.0\n0\n0|0.0|0\n"));
    free(fp);
    tu_rmtree(dir);
    free(dir);
}

static void pull(const char *url, const char *db)
{
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err, "%s collect --once --feed %s --db %s",
                    tu_bin("fukyu"), url, db);
    if (rc) fprintf(stderr, "%s%s", out, err);
    assert_int_equal(rc, 0);
    free(out), free(err);
}

/* Everything a pull stores, in key order (history without its row ids,
 * which follow the order rows were written), as a digest. */
static char *store_digest(const char *db)
{
    char *out = NULL;
    assert_int_equal(
        tu_run(&out, NULL,
               "sqlite3 '%s' 'SELECT * FROM facility ORDER BY code;"
               " SELECT * FROM status ORDER BY code, program;"
               " SELECT code, program, status, since, effective, pull, event"
               " FROM status_history ORDER BY 1, 2, 5, 3, 4, 7;"
               " SELECT * FROM series_delta ORDER BY 1, 2, 3, 4, 5;' | md5sum",
               db),
        0);
    return out;
}

/* Some 64,000 facilities: the stage spills runs at this size too.  A first
 * pull, then a week later (openings, closures, status changes), stores
 * exactly the same in shuffled order as in code order. */
static void test_any_order_same_store(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char db[2][600], url[2][128];
    pid_t sim[2];
    const char *order[2] = {"code", "random"};
    for (int k = 0; k < 2; k++) {
        char args[128];
        snprintf(args, sizeof args, "--scale 0.3 --date 2025-02-09 --order %s",
                 order[k]);
        sim[k] = tu_feedsim_start(url[k], sizeof url[k], args);
        snprintf(db[k], sizeof db[k], "%s/%s.db", dir, order[k]);
    }
    for (int week = 0; week < 2; week++) {
        char *fp[2];
        for (int k = 0; k < 2; k++) {
            if (week)
                assert_int_equal(tu_run(NULL, NULL,
                                        "curl -sf -X POST '%s/_sim/date?d="
                                        "2025-02-23' > /dev/null",
                                        url[k]),
                                 0);
            pull(url[k], db[k]);
            fp[k] = store_digest(db[k]);
        }
        assert_string_equal(fp[0], fp[1]);
        free(fp[0]), free(fp[1]);
    }
    for (int k = 0; k < 2; k++) tu_feedsim_stop(sim[k]);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_across_runs),
        cmocka_unit_test(test_record_too_big),
        cmocka_unit_test(test_unknown_prefecture_refused),
        cmocka_unit_test(test_any_order_same_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
