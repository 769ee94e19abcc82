/* test_fc_chain.c - the curve fits per origin saved across pulls (issue
 * 13, forecast/chain.c): a forecast and a backtest on a longer series,
 * with the chains a shorter one saved, are exactly the ones computed
 * from nothing; only the new origins are fitted; a chain blob that is
 * short, corrupt or for other data restores nothing. */
#include "tests/fcutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/backtest.h"
#include "forecast/fc_internal.h"

#define N 70

/* The forecast by method m with chains ch (in as given, out filled). */
static void run(const fk_obs *obs, size_t n, fk_fc_method m, fk_fc_chains *ch,
                fk_forecast *f)
{
    fk_fc_options o;
    fk_tu_cache_opts(&o, m);
    char err[256];
    assert_int_equal(fk_forecast_run_reuse(obs, n, &o, NULL, 0, NULL, NULL, ch,
                                           f, err, sizeof err),
                     0);
}

/* The chains a run saved become the next run's input. */
static void carry(fk_fc_chains *from, fk_fc_chains *to)
{
    memset(to, 0, sizeof *to);
    for (int m = 0; m < FK_FC_NMETHODS; m++)
        to->in[m] = from->out[m], to->in_len[m] = from->out_len[m],
        from->out[m] = NULL;
}

static void test_longer_pull_same_result(void **state)
{
    (void)state;
    fk_obs obs[N];
    size_t n = noisy_weekly(obs, N);
    fk_fc_chains cold = {0};
    fk_forecast fc;
    run(obs, n, FK_FC_AUTO, &cold, &fc);
    assert_non_null(cold.out[FK_FC_LOGISTIC]);
    assert_non_null(cold.out[FK_FC_BASS]);
    assert_null(cold.out[FK_FC_HOLT]); /* no warm start, nothing saved */
    static const size_t shorter[] = {7, 1};
    for (size_t s = 0; s < 2; s++) {
        fk_fc_chains a = {0}, b;
        fk_forecast fs, fw;
        run(obs, n - shorter[s], FK_FC_AUTO, &a, &fs);
        carry(&a, &b);
        run(obs, n, FK_FC_AUTO, &b, &fw);
        same_forecast(&fc, &fw);
        /* the chain the longer run saves is the cold run's, byte for
         * byte, under the same key */
        for (int m = FK_FC_LOGISTIC; m <= FK_FC_BASS; m++) {
            assert_non_null(b.out[m]);
            assert_int_equal(b.out_len[m], cold.out_len[m]);
            assert_memory_equal(b.out[m], cold.out[m], b.out_len[m]);
            assert_string_equal(b.out_key[m], cold.out_key[m]);
        }
        /* only the origins after the saved ones were fitted */
        size_t idx[N], nc = fk_fc_chain_origins(obs, n, idx);
        size_t ns = fk_fc_chain_origins(obs, n - shorter[s], idx);
        assert_true(ns > 10 && ns < nc);
        fk_fc_series whole, cs[N];
        fk_fc_series_make(obs, n, &whole);
        nc = fk_fc_chain_origins(obs, n, idx);
        for (size_t c = 0; c < nc; c++)
            cs[c] = whole, cs[c].n = idx[c] + 1, cs[c].last = obs[idx[c]].date;
        fk_fc_model mods[N];
        fk_fc_options o;
        fk_tu_cache_opts(&o, FK_FC_AUTO);
        assert_int_equal(
            fk_fc_chain_restore(obs, idx, nc, &o, FK_FC_BASS, cs, &b, mods),
            ns);
        fk_fc_series_free(&whole);
        /* the backtest too, and the saved chain is probed first */
        fk_bt_options bo;
        fk_bt_options_default(&bo);
        fk_backtest bc, bw;
        char err[256];
        assert_int_equal(fk_backtest_run(obs, n, &bo, &bc, err, sizeof err), 0);
        fk_fc_chains c2 = {0};
        for (int m = 0; m < FK_FC_NMETHODS; m++)
            c2.in[m] = b.in[m], c2.in_len[m] = b.in_len[m];
        assert_int_equal(
            fk_backtest_run_chains(obs, n, &bo, &c2, &bw, err, sizeof err), 0);
        assert_memory_equal(&bc, &bw, sizeof bc);
        for (int m = 0; m < FK_FC_NMETHODS; m++) c2.in[m] = NULL;
        fk_fc_chains_free(&c2);
        char keys[FK_FC_CHAIN_PROBES][FK_FC_KEY_LEN];
        size_t k =
            fk_fc_chain_keys(obs, n, &o, FK_FC_BASS, keys, FK_FC_CHAIN_PROBES);
        assert_int_equal(k, FK_FC_CHAIN_PROBES);
        assert_string_equal(keys[0], cold.out_key[FK_FC_BASS]);
        size_t hit = k;
        char sk[FK_FC_CHAIN_PROBES][FK_FC_KEY_LEN];
        fk_fc_chain_keys(obs, n - shorter[s], &o, FK_FC_BASS, sk, 1);
        for (size_t j = 0; j < k; j++)
            if (strcmp(keys[j], sk[0]) == 0) hit = j;
        assert_int_equal(hit, nc - ns); /* last pull's: probe 2 or 8 */
        fk_forecast_free(&fs), fk_forecast_free(&fw);
        fk_fc_chains_free(&a), fk_fc_chains_free(&b);
    }
    fk_forecast_free(&fc);
    fk_fc_chains_free(&cold);
}

/* A chain blob that must restore nothing: the forecast is the cold one. */
static void rejected(const fk_obs *obs, size_t n, const void *blob, size_t len,
                     fk_fc_method m, const fk_forecast *cold)
{
    fk_fc_chains c = {0};
    c.in[m] = malloc(len + 1);
    memcpy(c.in[m], blob, len);
    c.in_len[m] = len;
    fk_forecast f;
    run(obs, n, FK_FC_LOGISTIC, &c, &f);
    same_forecast(cold, &f);
    assert_non_null(c.out[m]); /* fitted again, to be saved afresh */
    fk_forecast_free(&f);
    fk_fc_chains_free(&c);
}

static void test_hostile_chain(void **state)
{
    (void)state;
    fk_obs obs[N];
    size_t n = noisy_weekly(obs, N);
    fk_fc_chains a = {0};
    fk_forecast fs, fc;
    fk_fc_method m = FK_FC_LOGISTIC; /* one method keeps the test fast */
    run(obs, n - 3, m, &a, &fs);
    run(obs, n, m, NULL, &fc);
    size_t len = a.out_len[m];
    unsigned char *b = a.out[m], *bad = malloc(len + 8);
    rejected(obs, n, b, len - 1, m, &fc);
    memcpy(bad, b, len), memset(bad + len, 0, 8);
    rejected(obs, n, bad, len + 8, m, &fc);
    rejected(obs, n, b, 16, m, &fc);
    /* a byte flipped in each header field (magic, version, key, digest
     * of the records, method, count) and in the records (a flag, a
     * parameter, the last SSE): a changed fit would pass the range
     * checks, so the digest is what catches it */
    const size_t at[] = {0, 4, 8, 40, 72, 76, 80, 88, 100, len - 1};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        memcpy(bad, b, len);
        bad[at[i]] ^= 0x5a;
        rejected(obs, n, bad, len, m, &fc);
    }
    /* the chain of other observations (a revised week) */
    fk_obs other[N];
    memcpy(other, obs, sizeof obs);
    other[20].adopting += 1;
    fk_forecast fo;
    run(other, n, m, NULL, &fo);
    rejected(other, n, b, len, m, &fo);
    fk_forecast_free(&fo);
    free(bad);
    fk_forecast_free(&fs), fk_forecast_free(&fc);
    fk_fc_chains_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_longer_pull_same_result),
        cmocka_unit_test(test_hostile_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
