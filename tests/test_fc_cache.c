/* test_fc_cache.c - the forecast cache (issue 13): the saved blob gives
 * exactly the forecast that computing gives, a blob that is short,
 * corrupt or for other data is ignored and recomputed, and the store's
 * cache table (schema 4) never makes a reader wait or fail. */
#include "tests/fcutil.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/cache.h"
#include "data/store.h"
#include "forecast/backtest.h"
#include "forecast/obs.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Computes cold, then again from the blob: same forecast, nothing new to
 * save.  Returns the blob (the caller frees). */
static void *roundtrip(const fk_obs *obs, size_t n, const fk_fc_options *o,
                       fk_forecast *cold, size_t *len)
{
    void *blob = NULL, *again = NULL;
    size_t alen = 0;
    char err[256];
    assert_int_equal(fk_forecast_run_saved(obs, n, o, NULL, 0, &blob, len, cold,
                                           err, sizeof err),
                     0);
    assert_non_null(blob);
    fk_forecast warm;
    assert_int_equal(fk_forecast_run_saved(obs, n, o, blob, *len, &again, &alen,
                                           &warm, err, sizeof err),
                     0);
    assert_null(again); /* used, not recomputed */
    same_forecast(cold, &warm);
    fk_forecast_free(&warm);
    return blob;
}

/* A blob that must be ignored: the forecast is the cold one and a fresh
 * blob is returned to replace it. */
static void rejected(const fk_obs *obs, size_t n, const fk_fc_options *o,
                     const void *bad, size_t len, const fk_forecast *cold)
{
    void *fresh = NULL;
    size_t flen = 0;
    char err[256];
    fk_forecast f;
    assert_int_equal(fk_forecast_run_saved(obs, n, o, bad, len, &fresh, &flen,
                                           &f, err, sizeof err),
                     0);
    assert_non_null(fresh);
    same_forecast(cold, &f);
    fk_forecast_free(&f);
    free(fresh);
}

static void test_saved_is_the_same_forecast(void **state)
{
    (void)state;
    fk_obs obs[45];
    size_t n = noisy_weekly(obs, 45);
    static const fk_fc_method ms[] = {FK_FC_AUTO, FK_FC_LOGISTIC, FK_FC_BASS,
                                      FK_FC_HOLT};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        fk_fc_options o;
        fk_tu_cache_opts(&o, ms[i]);
        fk_forecast cold;
        size_t len;
        void *blob = roundtrip(obs, n, &o, &cold, &len);
        fk_forecast_free(&cold);
        free(blob);
    }
}

static void test_hostile_blob_recomputed(void **state)
{
    (void)state;
    fk_obs obs[45];
    size_t n = noisy_weekly(obs, 45);
    fk_fc_options o;
    fk_tu_cache_opts(&o, FK_FC_LOGISTIC);
    fk_forecast cold;
    size_t len;
    unsigned char *blob = roundtrip(obs, n, &o, &cold, &len);
    unsigned char *bad = malloc(len + 1);
    /* short, long, and garbage */
    rejected(obs, n, &o, blob, len - 1, &cold);
    memcpy(bad, blob, len), bad[len] = 0;
    rejected(obs, n, &o, bad, len + 1, &cold);
    for (size_t i = 0; i < len; i++) bad[i] = (unsigned char)(i * 37 + 11);
    rejected(obs, n, &o, bad, len, &cold);
    /* bytes flipped all through it (a stride keeps the test fast): used
     * only if still valid, and the forecast is a valid one either way */
    for (size_t i = 0; i < len; i += 17) {
        memcpy(bad, blob, len);
        bad[i] ^= 0xff;
        void *fresh = NULL;
        size_t flen = 0;
        char err[256];
        fk_forecast f;
        assert_int_equal(fk_forecast_run_saved(obs, n, &o, bad, len, &fresh,
                                               &flen, &f, err, sizeof err),
                         0);
        check_shape(&f);
        if (fresh) same_forecast(&cold, &f);
        fk_forecast_free(&f);
        free(fresh);
    }
    /* a blob made for other observations, or for another method */
    fk_obs other[45];
    memcpy(other, obs, n * sizeof *obs);
    other[n - 1].adopting += 1;
    fk_forecast cold_other;
    char err[256];
    assert_int_equal(
        fk_forecast_run(other, n, &o, &cold_other, err, sizeof err), 0);
    rejected(other, n, &o, blob, len, &cold_other);
    fk_forecast_free(&cold_other);
    fk_fc_options o2;
    fk_tu_cache_opts(&o2, FK_FC_BASS);
    fk_forecast cold2;
    size_t len2;
    void *blob2 = roundtrip(obs, n, &o2, &cold2, &len2);
    rejected(obs, n, &o, blob2, len2, &cold);
    free(blob2), free(bad), free(blob);
    fk_forecast_free(&cold2);
    fk_forecast_free(&cold);
}

static void test_keys(void **state)
{
    (void)state;
    fk_obs obs[40];
    size_t n = noisy_weekly(obs, 40);
    fk_fc_options o;
    fk_tu_cache_opts(&o, FK_FC_AUTO);
    char a[FK_FC_KEY_LEN], b[FK_FC_KEY_LEN], c[FK_FC_KEY_LEN];
    fk_fc_key(obs, n, &o, a);
    assert_int_equal(strlen(a), FK_FC_KEY_LEN - 1);
    o.horizon_weeks = 3, o.target = 0.1; /* applied afterwards */
    fk_fc_key(obs, n, &o, b);
    assert_string_equal(a, b);
    o.cap = 0.5;
    fk_fc_key(obs, n, &o, c);
    assert_string_not_equal(a, c);
    o.cap = 0;
    obs[3].total += 1; /* a new pull that changed one week */
    fk_fc_key(obs, n, &o, c);
    assert_string_not_equal(a, c);
    fk_bt_key_of(a, b);
    assert_string_not_equal(a, b);
}

static void test_backtest_blob(void **state)
{
    (void)state;
    fk_obs obs[60];
    size_t n = noisy_weekly(obs, 60);
    fk_bt_options bo;
    fk_bt_options_default(&bo);
    bo.methods = 1u << FK_FC_PACE;
    fk_backtest bt, back;
    char err[256], key[FK_FC_KEY_LEN], other[FK_FC_KEY_LEN];
    assert_int_equal(fk_backtest_run(obs, n, &bo, &bt, err, sizeof err), 0);
    fk_fc_key(obs, n, &bo.fc, key);
    fk_bt_key_of(key, key);
    void *blob;
    size_t len;
    fk_bt_saved_encode(&bt, FK_FC_PACE, key, &blob, &len);
    assert_int_equal(fk_bt_saved_decode(blob, len, key, FK_FC_PACE, &back), 0);
    assert_memory_equal(&bt, &back, sizeof bt);
    assert_int_equal(fk_bt_saved_decode(blob, len - 1, key, FK_FC_PACE, &back),
                     -1);
    assert_int_equal(fk_bt_saved_decode(blob, len, key, FK_FC_HOLT, &back), -1);
    fk_fc_key(obs, n - 1, &bo.fc, other);
    assert_int_equal(fk_bt_saved_decode(blob, len, other, FK_FC_PACE, &back),
                     -1);
    /* a negative count or score is refused */
    fk_backtest hostile = bt;
    hostile.cell[FK_FC_PACE][0].mae = -1;
    free(blob);
    fk_bt_saved_encode(&hostile, FK_FC_PACE, key, &blob, &len);
    assert_int_equal(fk_bt_saved_decode(blob, len, key, FK_FC_PACE, &back), -1);
    free(blob);
}

static void test_store_cache(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), db[600], err[600];
    snprintf(db, sizeof db, "%s/c.db", dir);
    fk_store *st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    assert_int_equal(fk_store_user_version(st), 4);
    void *v;
    size_t len;
    assert_int_equal(fk_store_cache_get(st, "k", &v, &len), 0);
    assert_int_equal(fk_store_cache_put(st, "k", "abc", 3), 1);
    assert_int_equal(fk_store_cache_put(st, "k", "abcd", 4), 1);
    assert_int_equal(fk_store_cache_get(st, "k", &v, &len), 1);
    assert_int_equal(len, 4);
    assert_memory_equal(v, "abcd", 4);
    free(v);
    fk_store_close(st);

    /* A read-only connection still fills the cache (a connection of its
     * own), and a forecast through it is the one computed. */
    st = fk_store_open(db, FK_STORE_READONLY, err, sizeof err);
    assert_non_null(st);
    fk_obs obs[45];
    size_t n = noisy_weekly(obs, 45);
    fk_fc_options o;
    fk_tu_cache_opts(&o, FK_FC_AUTO);
    char key[FK_FC_KEY_LEN];
    fk_fc_key(obs, n, &o, key);
    fk_forecast a, b;
    assert_int_equal(fk_forecast_cached(st, obs, n, &o, &a, err, sizeof err),
                     0);
    assert_int_equal(fk_store_cache_get(st, key, &v, &len), 1);
    free(v);
    assert_int_equal(fk_forecast_cached(st, obs, n, &o, &b, err, sizeof err),
                     0);
    same_forecast(&a, &b);
    fk_forecast_free(&b);
    /* a hostile value under the right key: ignored and replaced */
    assert_int_equal(fk_store_cache_put(st, key, "\x01\x02garbage", 9), 1);
    assert_int_equal(fk_forecast_cached(st, obs, n, &o, &b, err, sizeof err),
                     0);
    same_forecast(&a, &b);
    fk_forecast_free(&b);
    assert_int_equal(fk_store_cache_get(st, key, &v, &len), 1);
    assert_true(len > 9);
    free(v);

    /* Another connection holds the write lock: the write is skipped at
     * once (not after the 10 s busy timeout) and the reader still gets
     * its forecast. */
    sqlite3 *w;
    assert_int_equal(sqlite3_open(db, &w), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                     SQLITE_OK);
    double t0 = now_s();
    assert_int_equal(fk_store_cache_put(st, "busy", "x", 1), 0);
    obs[n - 1].adopting += 1; /* new data: a miss, computed, not saved */
    assert_int_equal(fk_forecast_cached(st, obs, n, &o, &b, err, sizeof err),
                     0);
    assert_true(now_s() - t0 < 5);
    fk_forecast_free(&b);
    sqlite3_exec(w, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(w);
    assert_int_equal(fk_store_cache_get(st, "busy", &v, &len), 0);
    assert_int_equal(fk_store_cache_put(st, "busy", "x", 1), 1);
    fk_forecast_free(&a);
    fk_store_close(st);

    /* Bounded: the oldest writes go first. */
    st = fk_store_open(db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    char k[32];
    for (int i = 0; i < FK_CACHE_MAX_ENTRIES + 10; i++) {
        snprintf(k, sizeof k, "n%d", i);
        assert_int_equal(fk_store_cache_put(st, k, k, strlen(k)), 1);
    }
    assert_int_equal(fk_store_cache_get(st, "n0", &v, &len), 0);
    snprintf(k, sizeof k, "n%d", FK_CACHE_MAX_ENTRIES + 9);
    assert_int_equal(fk_store_cache_get(st, k, &v, &len), 1);
    free(v);
    fk_store_close(st);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_is_the_same_forecast),
        cmocka_unit_test(test_hostile_blob_recomputed),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_backtest_blob),
        cmocka_unit_test(test_store_cache),
    };
    return cmocka_run_group_tests_name("fc_cache", tests, NULL, NULL);
}
