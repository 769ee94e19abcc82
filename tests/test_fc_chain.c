/* test_fc_chain.c - the fits and bands per origin saved across pulls
 * (issue 13, forecast/chain.c): a forecast and a backtest on a longer
 * series, with the chains a shorter one saved, are exactly the ones
 * computed from nothing; only the new origins are fitted and only the
 * bands not saved are calibrated; a chain blob that is short, corrupt or
 * for other data restores nothing. */
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

/* Two chain blobs (chain.c's layout: an 88-byte header with count at
 * byte 76 and the first band's origin at 80, count fits of 80 bytes,
 * then bands of 168 bytes) for the same data hold the same fits, and the
 * same band at every origin where both have one. */
static void same_chain(const unsigned char *a, size_t alen,
                       const unsigned char *b, size_t blen)
{
    uint32_t ha[22], hb[22];
    assert_true(alen >= sizeof ha && blen >= sizeof hb);
    memcpy(ha, a, sizeof ha), memcpy(hb, b, sizeof hb);
    assert_memory_equal(a + 8, b + 8, 32); /* key */
    assert_int_equal(ha[19], hb[19]);      /* count */
    size_t count = ha[19], fits = 88 + count * 80;
    assert_memory_equal(a, b, 8);
    assert_memory_equal(a + 72, b + 72, 8); /* method, count */
    assert_memory_equal(a + 88, b + 88, fits - 88);
    size_t shared = 0;
    for (size_t k = ha[20] > hb[20] ? ha[20] : hb[20]; k < count; k++) {
        const unsigned char *ra = a + fits + (k - ha[20]) * 168,
                            *rb = b + fits + (k - hb[20]) * 168;
        int32_t oka, okb;
        memcpy(&oka, ra, 4), memcpy(&okb, rb, 4);
        if (oka && okb) assert_memory_equal(ra, rb, 168), shared++;
    }
    assert_true(shared > 0);
}

static void test_longer_pull_same_result(void **state)
{
    (void)state;
    fk_obs obs[N];
    size_t n = noisy_weekly(obs, N);
    fk_fc_chains cold = {0};
    fk_forecast fc;
    run(obs, n, FK_FC_AUTO, &cold, &fc);
    for (int m = FK_FC_PACE; m <= FK_FC_BASS; m++)
        assert_non_null(cold.out[m]); /* fits or bands of every method */
    /* no applied counts: pipeline fits nowhere, and nothing is kept */
    assert_null(cold.out[FK_FC_PIPELINE]);
    assert_null(cold.out[FK_FC_AUTO]);
    static const size_t shorter[] = {7, 1};
    for (size_t s = 0; s < 2; s++) {
        fk_fc_chains a = {0}, b;
        fk_forecast fs, fw;
        run(obs, n - shorter[s], FK_FC_AUTO, &a, &fs);
        carry(&a, &b);
        run(obs, n, FK_FC_AUTO, &b, &fw);
        same_forecast(&fc, &fw);
        /* the chain the longer run saves is the cold run's under the
         * same key: the same fits byte for byte, and the same bands
         * wherever both have one (the warm run also carries the older
         * bands the shorter run calibrated) */
        for (int m = FK_FC_HOLT; m <= FK_FC_BASS; m++) {
            assert_non_null(b.out[m]);
            assert_string_equal(b.out_key[m], cold.out_key[m]);
            same_chain(b.out[m], b.out_len[m], cold.out[m], cold.out_len[m]);
        }
        /* only the origins after the saved ones were fitted */
        size_t idx[N], nc = fk_fc_chain_origins(obs, n, idx);
        size_t ns = fk_fc_chain_origins(obs, n - shorter[s], idx);
        assert_true(ns > 10 && ns < nc);
        fk_fc_options o;
        fk_tu_cache_opts(&o, FK_FC_AUTO);
        fk_fc_table t;
        fk_fc_table_build(obs, n, &o, ~0u, &b, &t);
        assert_int_equal(t.norig, nc);
        for (int m = FK_FC_HOLT; m <= FK_FC_BASS; m++)
            assert_int_equal(t.fitted_from[m], ns);
        assert_int_equal(t.fitted_from[FK_FC_PACE], 0); /* refitted */
        /* the bands the shorter run calibrated are restored, none new */
        size_t restored = 0;
        for (size_t k = 0; k < t.norig * FK_FC_NMETHODS; k++) {
            assert_true(t.band_state[k] != 2);
            restored += t.band_state[k] == 1;
        }
        assert_true(restored > 0);
        fk_fc_table_free(&t);
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

/* A chain blob for method m that must restore nothing: the forecast by
 * method `by` is the cold one, and m's chain is made afresh. */
static void rejected(const fk_obs *obs, size_t n, const void *blob, size_t len,
                     fk_fc_method by, fk_fc_method m, const fk_forecast *cold)
{
    fk_fc_chains c = {0};
    c.in[m] = malloc(len + 1);
    memcpy(c.in[m], blob, len);
    c.in_len[m] = len;
    fk_forecast f;
    run(obs, n, by, &c, &f);
    same_forecast(cold, &f);
    assert_non_null(c.out[m]); /* fitted again, to be saved afresh */
    fk_forecast_free(&f);
    fk_fc_chains_free(&c);
}

/* Method m's chain from a run by `by` on all but the last 3 weeks, with
 * a byte flipped at each of at[] (and the start of the bands when
 * bands is set), then cut short, padded, and offered for other data. */
static void hostile(fk_fc_method by, fk_fc_method m, const size_t *at,
                    size_t nat, int bands)
{
    fk_obs obs[N];
    size_t n = noisy_weekly(obs, N);
    fk_fc_chains a = {0};
    fk_forecast fs, fc;
    run(obs, n - 3, by, &a, &fs);
    run(obs, n, by, NULL, &fc);
    size_t len = a.out_len[m];
    unsigned char *b = a.out[m], *bad = malloc(len + 8);
    assert_non_null(b);
    rejected(obs, n, b, len - 1, by, m, &fc);
    memcpy(bad, b, len), memset(bad + len, 0, 8);
    rejected(obs, n, bad, len + 8, by, m, &fc);
    rejected(obs, n, b, 16, by, m, &fc);
    uint32_t count;
    memcpy(&count, b + 76, 4);
    size_t first_band = 88 + (size_t)count * 80;
    assert_true(bands ? first_band + 16 < len : first_band == len);
    for (size_t i = 0; i < nat + 2 * (size_t)bands; i++) {
        memcpy(bad, b, len);
        bad[i < nat ? at[i] : first_band + 16 * (i - nat)] ^= 0x5a;
        rejected(obs, n, bad, len, by, m, &fc);
    }
    memcpy(bad, b, len);
    bad[len - 1] ^= 0x5a; /* the last record */
    rejected(obs, n, bad, len, by, m, &fc);
    /* the chain of other observations (a revised week) */
    fk_obs other[N];
    memcpy(other, obs, sizeof obs);
    other[20].adopting += 1;
    fk_forecast fo;
    run(other, n, by, NULL, &fo);
    rejected(other, n, b, len, by, m, &fo);
    fk_forecast_free(&fo);
    free(bad);
    fk_forecast_free(&fs), fk_forecast_free(&fc);
    fk_fc_chains_free(&a);
}

static void test_hostile_chain(void **state)
{
    (void)state;
    /* a byte flipped in each header field (magic, version, key, digest
     * of the records, method, count, first band, padding) and in the
     * records (a fit's flag, a parameter, a band's flag and offset, the
     * last record): a changed fit or band would pass the range checks,
     * so the digest is what catches it.  Logistic alone keeps fits and
     * no bands (no choice is made); under auto, holt keeps both. */
    const size_t head[] = {0, 4, 8, 40, 72, 76, 80, 84, 88, 100};
    hostile(FK_FC_LOGISTIC, FK_FC_LOGISTIC, head, 10, 0);
    const size_t some[] = {80, 88};
    hostile(FK_FC_AUTO, FK_FC_HOLT, some, 2, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_longer_pull_same_result),
        cmocka_unit_test(test_hostile_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
