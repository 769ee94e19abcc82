/* fcutil.c - helpers the forecast tests share (see fcutil.h). */
#include "tests/fcutil.h"

#include "core/date.h"

void fk_tu_check_shape_grow(const fk_forecast *f, double grow)
{
    assert_true(f->npoints > 0);
    for (size_t i = 0; i < f->npoints; i++) {
        const fk_fc_point *p = &f->points[i];
        double v[5] = {p->lo95, p->lo80, p->rate, p->hi80, p->hi95};
        for (int k = 0; k < 5; k++) {
            assert_false(isnan(v[k]));
            assert_true(v[k] >= 0 && v[k] <= 1);
            if (k) assert_true(v[k - 1] <= v[k] + 1e-12);
        }
        assert_int_equal(p->date, f->last_date + 7 * (fk_day)(i + 1));
        assert_true(p->rate >= f->last_rate - 1e-12); /* cumulative */
        /* no lower bound below what is operating, but for what a growing
         * denominator explains */
        assert_true(p->lo95 >=
                    f->last_rate / (1 + grow * (double)(i + 1)) - 1e-12);
        if (i > 0) { /* a cumulative share's bounds never fall */
            const fk_fc_point *q = &f->points[i - 1];
            for (int k = 0; k < 5; k++) {
                double w[5] = {q->lo95, q->lo80, q->rate, q->hi80, q->hi95};
                assert_true(v[k] >= w[k] - 1e-12);
            }
        }
    }
}

void fk_tu_check_shape(const fk_forecast *f)
{
    fk_tu_check_shape_grow(f, 0);
}

size_t fk_tu_noisy_weekly(fk_obs *o, size_t n)
{
    fk_day base = fk_day_from_ymd(2023, 1, 29);
    double r = 0.01;
    for (size_t i = 0; i < n; i++) {
        r += 0.001 + 0.00003 * (double)i +
             0.0015 * sin(1.7 * (double)i) * sin(0.3 * (double)i);
        if (r < 0) r = 0;
        o[i] = (fk_obs){base + 7 * (fk_day)i, round(r * 50000), 50000, NAN};
    }
    return n;
}

void fk_tu_forecast(const fk_obs *o, size_t n, fk_fc_method m, int weeks,
                    fk_forecast *f)
{
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    opt.method = m;
    opt.horizon_weeks = weeks;
    char err[256];
    if (fk_forecast_run(o, n, &opt, f, err, sizeof err) < 0)
        fail_msg("forecast: %s", err);
}

void fk_tu_same_forecast(const fk_forecast *a, const fk_forecast *b)
{
    assert_int_equal(a->method, b->method);
    assert_int_equal(a->npoints, b->npoints);
    assert_memory_equal(a->points, b->points, a->npoints * sizeof *a->points);
    assert_int_equal(a->has_fy_end, b->has_fy_end);
    if (a->has_fy_end)
        assert_memory_equal(&a->fy_end, &b->fy_end, sizeof a->fy_end);
    assert_int_equal(a->target_date, b->target_date);
}

void fk_tu_cache_opts(fk_fc_options *o, fk_fc_method m)
{
    fk_fc_options_default(o);
    o->method = m;
    o->horizon_weeks = 26;
    o->target = 0.6;
}
