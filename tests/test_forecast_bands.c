/* test_forecast_bands.c - the intervals: calibration using only the
 * errors known on the day, pooled with the prior; bands shaped like
 * adoption (never below the last share but for a growing denominator,
 * smooth in the horizon); and the pipeline method on constructed data
 * whose answer is known. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/backtest.h"
#include "forecast/fc_internal.h"
#include "tests/fcutil.h"
#include "tests/testutil.h"

/* Calibration on day `now` uses exactly the errors whose outcome was
 * observed by then (the latest FK_FC_CAL_MAX), pooled with the prior; the
 * first origin has only the prior. */
static void test_calibration_out_of_sample(void **state)
{
    (void)state;
    fk_obs o[90];
    size_t n = noisy_weekly(o, 90);
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    fk_fc_table t;
    fk_fc_table_build(o, n, &opt, 1u << FK_FC_HOLT, NULL, &t);
    assert_true(t.norig > 60);
    static const size_t at[] = {3, 10, 40, 85};
    for (size_t a = 0; a < sizeof at / sizeof at[0]; a++) {
        size_t k = at[a] < t.norig ? at[a] : t.norig - 1;
        fk_day now = t.day[k];
        fk_fc_cal c;
        fk_fc_table_cal(&t, FK_FC_HOLT, now, &c);
        for (int ck = 0; ck < FK_FC_NCK; ck++) {
            int h = fk_fc_ck_weeks[ck], known = 0;
            for (size_t j = 0; j < t.norig; j++)
                known += t.day[j] + 7 * h <= now &&
                         isfinite(fk_fc_table_pred(&t, FK_FC_HOLT, j, ck));
            if (known > FK_FC_CAL_MAX) known = FK_FC_CAL_MAX;
            assert_int_equal(c.nerr[ck], known);
            for (int j = 1; j < 4; j++)
                assert_true(c.q[ck][j] >= c.q[ck][j - 1]);
            if (known < 20) continue;
            /* with many errors the data dominate the prior: the 80% band
             * of the log ratio holds about 80% of them (more while the
             * prior still widens it) */
            int seen = 0, inside = 0;
            for (size_t j = t.norig; j-- > 0 && seen < known;) {
                if (t.day[j] + 7 * h > now) continue;
                const fk_fc_series *ps = &t.pre[j];
                double r0 = ps->r[ps->n - 1],
                       cc = FK_FC_OFFSET * t.speed[j] * h,
                       p = fk_fc_table_pred(&t, FK_FC_HOLT, j, ck),
                       y = t.actual[j * FK_FC_NCK + (size_t)ck];
                double e = log(fmax(y - r0 + cc, 0.05 * cc) / (p - r0 + cc));
                inside += c.q[ck][1] <= e && e <= c.q[ck][2];
                seen++;
            }
            if (inside < 0.7 * known || inside > 0.95 * known)
                fail_msg("%dw at origin %zu: %d of %d inside", h, k, inside,
                         known);
        }
    }
    /* the earliest origin knows no errors: the prior alone */
    fk_fc_cal c0, prior;
    fk_fc_table_cal(&t, FK_FC_HOLT, t.day[0], &c0);
    fk_fc_cal_prior(&prior);
    assert_memory_equal(&c0, &prior, sizeof c0);
    fk_fc_table_free(&t);

    /* the forecast's intervals then widen with the horizon and stay in [0, 1] */
    for (int m = FK_FC_AUTO; m < FK_FC_PIPELINE; m++) {
        opt.method = (fk_fc_method)m;
        opt.horizon_weeks = 60;
        fk_forecast f;
        char err[256];
        assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
        check_shape(&f);
        assert_true(f.points[59].hi80 - f.points[59].lo80 >
                    f.points[0].hi80 - f.points[0].lo80);
        fk_forecast_free(&f);
    }
}

/* A pipeline that follows its own recurrence exactly: operating gains
 * c x applied each week, applied gains a new applications and loses what
 * starts operating.  Starts with 2% operating and 5% applied. */
static size_t pipeline_weekly(fk_obs *o, size_t n, double c, double a)
{
    fk_day base = fk_day_from_ymd(2024, 1, 7);
    double r = 0.02, q = 0.05, tot = 100000;
    for (size_t i = 0; i < n; i++) {
        o[i] = (fk_obs){base + 7 * (fk_day)i, r * tot, tot, q * tot};
        double conv = c * q;
        r += conv, q += a - conv;
    }
    return n;
}

/* pipeline recovers the conversion rate and the inflow of applications
 * and forecasts the recurrence exactly; auto prefers it to pace there. */
static void test_pipeline_known_answer(void **state)
{
    (void)state;
    const double c = 0.15, a = 0.004;
    fk_obs o[40];
    size_t n = pipeline_weekly(o, 40, c, a);
    fk_fc_series s;
    fk_fc_series_make(o, 30, &s);
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    fk_fc_model m;
    char err[256];
    assert_int_equal(fk_fc_fit_pipeline(&s, &opt, &m, err, sizeof err), 0);
    assert_near(m.p[0], c, 1e-9);
    assert_near(m.p[3], a, 1e-9);
    /* the 10 weeks after week 29 are the recurrence continued */
    for (int h = 1; h <= 10; h++)
        assert_near(m.mean(&m, h), o[29 + h].adopting / o[29 + h].total, 1e-9);
    fk_fc_series_free(&s);

    opt.method = FK_FC_PIPELINE;
    opt.horizon_weeks = 26;
    fk_forecast f;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    check_shape(&f);
    fk_forecast_free(&f);

    fk_bt_options bo;
    fk_bt_options_default(&bo);
    fk_backtest bt;
    assert_int_equal(fk_backtest_run(o, n, &bo, &bt, err, sizeof err), 0);
    assert_true(bt.cell[FK_FC_PIPELINE][0].n > 0);
    assert_near(bt.cell[FK_FC_PIPELINE][0].mae, 0, 1e-6);
    assert_true(bt.cell[FK_FC_PACE][0].mae > 0.05);
    assert_int_equal(bt.pick, FK_FC_PIPELINE);
    opt.method = FK_FC_AUTO;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    assert_int_equal(f.method, FK_FC_PIPELINE);
    fk_forecast_free(&f);

    /* without applied counts it says so */
    o[35].applied = NAN;
    opt.method = FK_FC_PIPELINE;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "no applied counts"));
}

/* A denominator growing 1% a week with adopting flat: the share falls,
 * and the lower bounds may go below the last share only as far as that
 * growth explains; bands grow smoothly (no staircase). */
static void test_bands_floor_and_smooth(void **state)
{
    (void)state;
    fk_obs o[30];
    fk_day base = fk_day_from_ymd(2024, 1, 7);
    for (size_t i = 0; i < 30; i++) {
        double tot = 10000 * pow(1.01, (double)i),
               ad = i < 20 ? 100 + 20 * (double)i : 480;
        o[i] = (fk_obs){base + 7 * (fk_day)i, ad, tot, NAN};
    }
    fk_forecast f;
    fk_tu_forecast(o, 30, FK_FC_PACE, 26, &f);
    double r0 = f.last_rate, grow = pow(1.01, 8) - 1;
    for (size_t h = 1; h <= f.npoints; h++) {
        const fk_fc_point *p = &f.points[h - 1];
        assert_true(p->lo95 >= r0 / (1 + grow / 8 * (double)h) - 1e-12);
        assert_true(p->lo95 <= p->lo80 && p->hi80 <= p->hi95);
    }
    assert_true(f.points[0].lo95 < r0); /* the allowance is used */
    fk_forecast_free(&f);

    fk_obs w[90];
    size_t n = noisy_weekly(w, 90);
    fk_tu_forecast(w, n, FK_FC_PACE, 26, &f);
    check_shape(&f);
    /* no staircase: the upper bound rises every week, and the width moves
     * by no more than three times its mean weekly growth in any week */
    size_t np = f.npoints;
    double mean_step =
        (f.points[np - 1].hi80 - f.points[np - 1].lo80) / (double)np;
    for (size_t h = 1; h < np; h++) {
        double w0 = f.points[h - 1].hi80 - f.points[h - 1].lo80,
               w1 = f.points[h].hi80 - f.points[h].lo80;
        if (!(f.points[h].hi80 > f.points[h - 1].hi80))
            fail_msg("80%% upper bound flat at week %zu", h + 1);
        if (fabs(w1 - w0) > 3 * mean_step)
            fail_msg("80%% width jumps at week %zu", h + 1);
    }
    fk_forecast_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_out_of_sample),
        cmocka_unit_test(test_pipeline_known_answer),
        cmocka_unit_test(test_bands_floor_and_smooth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
