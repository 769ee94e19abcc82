/* test_forecast.c - forecast methods on exact synthetic data (pace on a
 * line, logistic and Bass recovering known parameters, holt following a
 * trend), insufficient data, the backtest on the real national series
 * per facility type (coverage and interval score of the intervals, auto
 * against pace), the CSV reader, the `fukyu forecast` / `fukyu backtest`
 * commands, and forecasts of a store filled from the feed simulator.
 * The intervals themselves and pipeline: test_forecast_bands.c. */
#include "tests/fcutil.h"
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/backtest.h"
#include "forecast/fc_internal.h"
#include "forecast/obs.h"

static const char *const types[] = {"all", "hospital", "clinic", "dental",
                                    "pharmacy"};

/* Observations of f(week) at the given weeks after 2023-01-26. */
static size_t make_obs(fk_obs *o, const double *weeks, size_t n,
                       double (*f)(double))
{
    fk_day base = fk_day_from_ymd(2023, 1, 26);
    for (size_t i = 0; i < n; i++)
        o[i] = (fk_obs){base + (fk_day)lround(weeks[i] * 7),
                        f(weeks[i]) * 100000.0, 100000.0, NAN};
    return n;
}

static fk_fc_series series_of(const fk_obs *o, size_t n, double *t, double *r)
{
    for (size_t i = 0; i < n; i++) {
        t[i] = (o[i].date - o[0].date) / 7.0;
        r[i] = o[i].adopting / o[i].total;
    }
    return (fk_fc_series){t, r, n, o[0].date, o[n - 1].date, NULL, NULL};
}

static double line(double w)
{
    return 0.10 + 0.01 * w;
}

static void test_pace_exact_line(void **state)
{
    (void)state;
    static const double w[] = {0, 2, 3, 5, 8, 9, 10};
    fk_obs o[7];
    size_t n = make_obs(o, w, 7, line);
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    opt.method = FK_FC_PACE;
    opt.horizon_weeks = 10;
    fk_forecast f;
    char err[256];
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    assert_int_equal(f.method, FK_FC_PACE);
    assert_int_equal(f.npoints, 10);
    for (int h = 1; h <= 10; h++) {
        const fk_fc_point *p = &f.points[h - 1];
        assert_near(p->rate, line(10 + h), 1e-9);
        /* the band is on the increment (0.01 h, speed 0.01 a week): never
         * below the last share, and since every past error was zero,
         * narrower than the prior alone, r0 + (g + c) x 3^(+-1) - c */
        double r0 = line(10), g = 0.01 * h, c = FK_FC_OFFSET * 0.01 * h;
        assert_true(p->lo95 >= r0 - 1e-12);
        assert_true(p->hi80 < r0 + (g + c) * 3 - c);
        assert_true(p->lo80 > r0 + (g + c) / 3 - c);
        assert_true(p->lo80 < p->rate && p->rate < p->hi80);
    }
    check_shape(&f);
    fk_forecast_free(&f);
}

/* Last observation 2025-02-09 at 20%, rising one point a week. */
static double line2(double w)
{
    return 0.20 + 0.01 * (w - 106);
}

static void test_fy_end_and_target(void **state)
{
    (void)state;
    static const double w[] = {96, 100, 101, 103, 106}; /* 106 w = 2025-02-09 */
    fk_obs o[5];
    size_t n = make_obs(o, w, 5, line2);
    fk_day shift = fk_day_from_ymd(2025, 2, 9) - o[4].date;
    for (size_t i = 0; i < n; i++) o[i].date += shift;
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    opt.method = FK_FC_PACE;
    opt.until = fk_day_from_ymd(2025, 3, 31);
    opt.target = 0.25;
    fk_forecast f;
    char err[256];
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    assert_int_equal(f.npoints, 7); /* 2025-02-16 .. 2025-03-30 */
    assert_int_equal(f.points[6].date, fk_day_from_ymd(2025, 3, 30));
    assert_true(f.has_fy_end);
    assert_int_equal(f.fy_end.date, fk_day_from_ymd(2025, 3, 31));
    assert_near(f.fy_end.rate, 0.20 + 0.01 * 50 / 7.0, 1e-9);
    assert_int_equal(f.target_date, fk_day_from_ymd(2025, 3, 16)); /* 5 weeks */
    assert_false(f.target_reached);
    fk_forecast_free(&f);

    /* target already passed: the date it was first observed (17% on the
     * fourth observation; 14% and 15% before it), flagged as reached */
    opt.target = 0.16;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    assert_int_equal(f.target_date, o[3].date);
    assert_true(f.target_reached);
    fk_forecast_free(&f);
    /* not reached within the horizon; fy_end beyond a 4-week horizon */
    opt.target = 0.9;
    opt.until = 0;
    opt.horizon_weeks = 4;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    assert_int_equal(f.target_date, -1);
    assert_false(f.has_fy_end);
    fk_forecast_free(&f);
}

static double logi(double w)
{
    return 0.8 / (1 + exp(-0.08 * (w - 60)));
}

static void test_logistic_recovers(void **state)
{
    (void)state;
    static const double w[] = {0,  3,  7,  12, 16, 21, 27, 30, 34,
                               40, 45, 47, 52, 55, 58, 63, 66, 70};
    fk_obs o[18];
    size_t n = make_obs(o, w, 18, logi);
    double t[18], r[18];
    fk_fc_series s = series_of(o, n, t, r);
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    fk_fc_model m;
    char err[256];
    assert_int_equal(fk_fc_fit_logistic(&s, &opt, &m, err, sizeof err), 0);
    assert_near(m.p[0], 0.8, 0.005);
    assert_near(m.p[1], 0.08, 0.002);
    assert_near(m.p[2], 60.0, 0.5);

    opt.method = FK_FC_LOGISTIC;
    opt.horizon_weeks = 26;
    fk_forecast f;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    for (int h = 1; h <= 26; h++)
        assert_near(f.points[h - 1].rate, logi(70 + h), 2e-3);
    check_shape(&f);
    fk_forecast_free(&f);

    /* a set cap is kept */
    opt.cap = 0.9;
    fk_fc_model m2;
    assert_int_equal(fk_fc_fit_logistic(&s, &opt, &m2, err, sizeof err), 0);
    assert_near(m2.p[0], 0.9, 1e-12);
}

static double bass(double w)
{
    const double m = 0.7, p = 0.003, q = 0.08, e = exp(-(p + q) * w);
    return m * (1 - e) / (1 + (q / p) * e);
}

static void test_bass_recovers(void **state)
{
    (void)state;
    static const double w[] = {0,  2,  5,  9,  13, 18, 22, 26,
                               31, 35, 38, 44, 48, 53, 57, 60};
    fk_obs o[16];
    size_t n = make_obs(o, w, 16, bass);
    double t[16], r[16];
    fk_fc_series s = series_of(o, n, t, r);
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    fk_fc_model m;
    char err[256];
    assert_int_equal(fk_fc_fit_bass(&s, &opt, &m, err, sizeof err), 0);
    assert_near(m.p[0], 0.7, 0.01);
    assert_near(m.p[1], 0.003, 0.0003);
    assert_near(m.p[2], 0.08, 0.003);

    opt.method = FK_FC_BASS;
    opt.horizon_weeks = 26;
    fk_forecast f;
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    for (int h = 1; h <= 26; h++)
        assert_near(f.points[h - 1].rate, bass(60 + h), 3e-3);
    check_shape(&f);
    fk_forecast_free(&f);
}

static double trend(double w)
{
    return 0.05 + 0.004 * w;
}

static void test_holt_follows_trend(void **state)
{
    (void)state;
    static const double w[] = {0, 1, 3, 4, 6, 9, 10, 12, 15, 16, 18, 20};
    fk_obs o[12];
    size_t n = make_obs(o, w, 12, trend);
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    opt.method = FK_FC_HOLT;
    opt.horizon_weeks = 8;
    fk_forecast f;
    char err[256];
    assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
    /* damping bends the line a little, never below the level */
    for (int h = 1; h <= 4; h++) {
        assert_true(f.points[h - 1].rate > trend(20) + 0.002 * h);
        assert_true(f.points[h - 1].rate <= trend(20 + h) + 1e-9);
    }
    assert_near(f.points[0].rate, trend(21), 5e-4);
    check_shape(&f);
    fk_forecast_free(&f);
}

/* Near saturation, with noise: every method stays inside [0, 1]. */
static double steep(double w)
{
    return fmin(0.97, 0.3 + 0.03 * w + 0.01 * sin(w));
}

static void test_bounds_all_methods(void **state)
{
    (void)state;
    double w[20];
    for (int i = 0; i < 20; i++) w[i] = i * 1.5;
    fk_obs o[20];
    size_t n = make_obs(o, w, 20, steep);
    for (int m = FK_FC_AUTO; m < FK_FC_PIPELINE; m++) {
        fk_fc_options opt;
        fk_fc_options_default(&opt);
        opt.method = (fk_fc_method)m;
        opt.horizon_weeks = 104;
        opt.target = 0.99;
        fk_forecast f;
        char err[256];
        assert_int_equal(fk_forecast_run(o, n, &opt, &f, err, sizeof err), 0);
        assert_int_not_equal(f.method, FK_FC_AUTO);
        check_shape(&f);
        fk_forecast_free(&f);
    }
}

static void test_insufficient_and_bad(void **state)
{
    (void)state;
    fk_day d = fk_day_from_ymd(2024, 4, 1);
    fk_obs o[4] = {{d, 10, 100, NAN},
                   {d + 7, 11, 100, NAN},
                   {d + 14, 12, 100, NAN},
                   {d + 35, 13, 100, NAN}};
    fk_fc_options opt;
    fk_fc_options_default(&opt);
    fk_forecast f;
    char err[256];
    assert_int_equal(fk_forecast_run(o, 2, &opt, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "insufficient data: 2 observations"));
    assert_int_equal(fk_forecast_run(o, 3, &opt, &f, err, sizeof err),
                     -1); /* 14 days */
    assert_non_null(
        strstr(err, "insufficient data: observations span 14 days"));
    assert_int_equal(fk_forecast_run(o, 4, &opt, &f, err, sizeof err), 0);
    fk_forecast_free(&f);
    o[2].date = o[1].date;
    assert_int_equal(fk_forecast_run(o, 4, &opt, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "observation 3 (2024-04-08) is not after"));
    o[2].date = d + 14, o[3].adopting = 120;
    assert_int_equal(fk_forecast_run(o, 4, &opt, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "observation 4"));
    o[3].adopting = 13;
    o[3].applied = 90; /* 13 operating + 90 applied > 100 */
    assert_int_equal(fk_forecast_run(o, 4, &opt, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "observation 4 (2024-05-06): applied 90"));
    o[3].applied = NAN;
    opt.until = d + 36; /* one day after the last observation */
    assert_int_equal(fk_forecast_run(o, 4, &opt, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "less than a week"));
}

static fk_obs *load_type(const char *type, size_t *n)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "data/eprescription-%s.csv", type);
    fk_obs *o = NULL;
    if (fk_obs_load_csv(tu_src(path), &o, n, err, sizeof err) < 0)
        fail_msg("%s", err);
    return o;
}

/* The real national series per type: every method forecasts sanely and
 * the backtest's numbers are finite; auto's choice is no worse than pace. */
static void test_real_series(void **state)
{
    (void)state;
    double cover[FK_FC_NMETHODS] = {0}, mid_is = 0, mid_cover = 0;
    int mid_n = 0;
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        size_t n;
        fk_obs *o = load_type(types[ti], &n);
        assert_true(n >= 11);
        for (int m = FK_FC_PACE; m < FK_FC_NMETHODS; m++) {
            fk_fc_options opt;
            fk_fc_options_default(&opt);
            opt.method = (fk_fc_method)m;
            opt.horizon_weeks = 52;
            fk_forecast f;
            char err[256];
            int rc = fk_forecast_run(o, n, &opt, &f, err, sizeof err);
            if (m == FK_FC_PIPELINE) { /* the published files have no applied */
                assert_int_equal(rc, -1);
                assert_non_null(strstr(err, "no applied counts"));
                continue;
            }
            assert_int_equal(rc, 0);
            check_shape_grow(&f, 0.001); /* totals grow 0.05% a week */
            fk_forecast_free(&f);
        }
        fk_bt_options bo;
        fk_bt_options_default(&bo);
        fk_backtest bt;
        char err[256];
        assert_int_equal(fk_backtest_run(o, n, &bo, &bt, err, sizeof err), 0);
        assert_true(bt.norigins >= FK_BT_MIN_ORIGINS);
        for (int m = 0; m < FK_FC_NMETHODS; m++) {
            assert_true(bt.ran[m]);
            if (m == FK_FC_PIPELINE) { /* no applied counts: no forecasts */
                for (int k = 0; k < FK_BT_NH; k++)
                    assert_int_equal(bt.cell[m][k].n, 0);
                continue;
            }
            for (int k = 0; k < FK_BT_NH; k++) {
                const fk_bt_cell *c = &bt.cell[m][k];
                assert_true(c->n > 0);
                assert_false(isnan(c->mae) || isnan(c->mape) ||
                             isnan(c->cover80) || isnan(c->cover95));
                assert_true(c->mae >= 0 && c->mae < 100);
                assert_true(c->cover80 >= 0 && c->cover80 <= 1 &&
                            c->cover95 >= c->cover80);
                assert_true(c->is80 >= 0 && isfinite(c->is80));
            }
        }
        double pick = fk_bt_mean_mae(&bt, bt.pick),
               pace = fk_bt_mean_mae(&bt, FK_FC_PACE);
        assert_true(pick <= pace);
        /* auto, chosen afresh at every origin, is no less accurate than pace */
        double au = fk_bt_mean_mae(&bt, FK_FC_AUTO);
        if (!(au <= pace + 1e-12))
            fail_msg("%s: auto MAE %.4f > pace %.4f", types[ti], au, pace);
        /* the calibrated 80% intervals hold most of the time out of sample
         * (4-13 weeks; 26 weeks has 2-6 forecasts); the models' own bands
         * held 0-40% for holt and the curves.  Dental clinics sped up 5-9
         * times beyond every method's forecast in late 2024, so the floor
         * per type is low; the mean over types is checked below. */
        for (int m = FK_FC_PACE; m < FK_FC_PIPELINE; m++) {
            double cov = 0;
            for (int k = 0; k < 3; k++) cov += bt.cell[m][k].cover80 / 3;
            cover[m] += cov / (double)(sizeof types / sizeof types[0]);
            if (cov < 0.4)
                fail_msg("%s %s: 80%% coverage %.2f", types[ti],
                         fk_fc_method_name(m), cov);
        }
        double is, cv;
        int nn;
        fk_bt_mid_score(&bt, FK_FC_AUTO, &is, &cv, &nn);
        mid_is += is * nn, mid_cover += cv * nn, mid_n += nn;
        /* auto in fk_forecast_run makes the same choice as the backtest */
        assert_int_equal(fk_fc_auto_method(o, n, &bo.fc), bt.pick);
        free(o);
    }
    for (int m = FK_FC_PACE; m < FK_FC_PIPELINE; m++)
        if (cover[m] < 0.7)
            fail_msg("%s: mean 80%% coverage %.2f", fk_fc_method_name(m),
                     cover[m]);
    /* Issue 16's target, over the 48 forecasts 13 and 19 weeks ahead on
     * the five series: the 80% interval score at least 25% below that of
     * the pace bands before the change (17.31 points, measured with
     * `fukyu backtest` on main; see docs/forecast.md), with 80% coverage
     * or more. */
    assert_int_equal(mid_n, 48);
    if (!(mid_is / mid_n <= 0.75 * 17.31 && mid_cover / mid_n >= 0.8))
        fail_msg("13-19w: interval score %.3f, coverage %.2f", mid_is / mid_n,
                 mid_cover / mid_n);
}

static void test_csv_reader(void **state)
{
    (void)state;
    fk_obs *o;
    size_t n;
    char err[256];
    const char *ok =
        "\xEF\xBB\xBF"
        "date,adopting,total\r\n2024-01-07,5,100\r\n2024-02-04,7.5,100\r\n\r\n";
    assert_int_equal(
        fk_obs_parse_csv(ok, strlen(ok), "a.csv", &o, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(o[1].date, fk_day_from_ymd(2024, 2, 4));
    assert_near(o[1].adopting, 7.5, 0);
    assert_true(isnan(o[1].applied)); /* no applied column: unknown */
    free(o);
    const char *ok4 =
        "date,adopting,total,applied\n2024-01-07,5,100,3\n2024-01-14,6,100,2.5\n";
    assert_int_equal(
        fk_obs_parse_csv(ok4, strlen(ok4), "a.csv", &o, &n, err, sizeof err),
        0);
    assert_int_equal(n, 2);
    assert_near(o[1].applied, 2.5, 0);
    free(o);
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"date,adopting,total,x\n", "a.csv:1: header must be exactly"},
        {"date,adopting,total,applied\n2024-01-01,5,10,6\n",
         "a.csv:2: adopting 5 plus applied 6 exceeds total 10"},
        {"date,adopting,total,applied\n2024-01-01,5,10\n",
         "a.csv:2: 3 fields (expected date,adopting,total,applied)"},
        {"date,adopting,total\n2024-01-07,5,100,1\n",
         "a.csv:2: more than 3 fields"},
        {"date,adopting,total\n2024-01-07,5\n", "a.csv:2: 2 fields"},
        {"date,adopting,total\n2024-02-30,5,100\n",
         "a.csv:2: date '2024-02-30'"},
        {"date,adopting,total\n2024-01-07,-5,100\n", "a.csv:2: adopting '-5'"},
        {"date,adopting,total\n2024-01-07,5,0\n", "a.csv:2: total '0'"},
        {"date,adopting,total\n2024-01-07,500,100\n",
         "a.csv:2: adopting 500 exceeds total 100"},
        {"date,adopting,total\n2024-01-07,5,100\n2024-01-07,6,100\n",
         "a.csv:3: date 2024-01-07 is not after"},
        {"date,adopting,total\n2024-01-07,5,100\n\n2024-01-14,6,100\n",
         "a.csv:3: blank line"},
        {"date,adopting,total\n", "a.csv: no observations"},
        {"", "a.csv:1: empty file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fk_obs_parse_csv(bad[i].text, strlen(bad[i].text),
                                          "a.csv", &o, &n, err, sizeof err),
                         -1);
        if (!strstr(err, bad[i].msg))
            fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].msg);
    }
}

static void test_weekly_sampling(void **state)
{
    (void)state;
    /* 2025-01-01 (a Wednesday) to 2025-01-20; no denominator before the
     * 3rd */
    fk_day d0 = fk_day_from_ymd(2025, 1, 1);
    fk_point p[20];
    for (int i = 0; i < 20; i++)
        p[i] = (fk_point){d0 + i, {i, 0, i < 3 ? 0 : 100}};
    fk_obs *o;
    size_t n;
    fk_obs_from_series(p, 19, &o, &n);
    /* Sundays 5, 12 and 19 January, the last day being a Sunday too */
    assert_int_equal(n, 3);
    assert_int_equal(o[0].date, fk_day_from_ymd(2025, 1, 5));
    assert_int_equal(o[1].date, fk_day_from_ymd(2025, 1, 12));
    assert_int_equal(o[2].date, fk_day_from_ymd(2025, 1, 19));
    assert_near(o[2].adopting, 18, 0);
    free(o);
    /* a day later the Sundays stay and the last day is added */
    fk_obs_from_series(p, 20, &o, &n);
    assert_int_equal(n, 4);
    assert_int_equal(o[2].date, fk_day_from_ymd(2025, 1, 19));
    assert_int_equal(o[3].date, fk_day_from_ymd(2025, 1, 20));
    free(o);
    /* a Sunday without a denominator is left out */
    p[4].c.total = 0;
    fk_obs_from_series(p, 19, &o, &n);
    assert_int_equal(n, 2);
    assert_int_equal(o[0].date, fk_day_from_ymd(2025, 1, 12));
    free(o);
}

static void test_cli_forecast_json(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(
        tu_run(&out, &err,
               "%s forecast --input %s --method pace --target 0.8 --json",
               tu_bin("fukyu"), tu_src("data/eprescription-pharmacy.csv")),
        0);
    const char *head =
        "{\"method\":\"pace\",\"last\":{\"date\":\"2025-02-09\",\"rate\":0.66991},"
        "\"points\":[{\"date\":\"2025-02-16\",\"rate\":";
    if (strncmp(out, head, strlen(head)) != 0)
        fail_msg("unexpected JSON: %s", out);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    /* keys in the documented order */
    static const char *keys[] = {"method", "last", "points", "fy_end",
                                 "target"};
    const cJSON *it = j->child;
    for (size_t i = 0; i < 5; i++, it = it->next)
        assert_string_equal(it->string, keys[i]);
    assert_null(it);
    const cJSON *pts = cJSON_GetObjectItem(j, "points");
    /* default horizon: to 2025-03-31, i.e. 7 weekly points */
    assert_int_equal(cJSON_GetArraySize(pts), 7);
    static const char *pk[] = {"date", "rate", "lo80", "hi80", "lo95", "hi95"};
    for (const cJSON *p = pts->child; p; p = p->next) {
        const cJSON *f = p->child;
        for (size_t i = 0; i < 6; i++, f = f->next)
            assert_string_equal(f->string, pk[i]);
        assert_null(f);
    }
    const cJSON *fy = cJSON_GetObjectItem(j, "fy_end");
    assert_string_equal(cJSON_GetObjectItem(fy, "date")->valuestring,
                        "2025-03-31");
    assert_int_equal(cJSON_GetArraySize(fy), 4);
    const cJSON *tg = cJSON_GetObjectItem(j, "target");
    assert_near(cJSON_GetObjectItem(tg, "rate")->valuedouble, 0.8, 1e-12);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(tg, "date")) ||
                cJSON_IsNull(cJSON_GetObjectItem(tg, "date")));
    cJSON_Delete(j);
    free(out), free(err);

    /* --horizon and the table form */
    assert_int_equal(
        tu_run(&out, &err, "%s forecast --input %s --horizon 3 --method holt",
               tu_bin("fukyu"), tu_src("data/eprescription-all.csv")),
        0);
    assert_non_null(
        strstr(out, "method holt; last observation 2025-02-09: 24.30%"));
    assert_non_null(strstr(out, "2025-03-02"));
    assert_null(strstr(out, "2025-03-09"));
    assert_non_null(strstr(out, "fiscal year end: beyond the horizon"));
    free(out), free(err);
}

static void test_cli_errors(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), path[600], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s/in.csv", dir);
    tu_write_file(
        path, "date,adopting,total\n2024-01-07,5,100\n2024-01-14,6,100,9\n");
    assert_int_equal(
        tu_run(&out, &err, "%s forecast --input %s", tu_bin("fukyu"), path), 1);
    assert_non_null(strstr(err, "in.csv:3: more than 3 fields"));
    free(out), free(err);
    tu_write_file(path,
                  "date,adopting,total\n2024-01-07,5,100\n2024-01-14,6,100\n");
    assert_int_equal(
        tu_run(&out, &err, "%s forecast --input %s", tu_bin("fukyu"), path), 1);
    assert_non_null(strstr(err, "insufficient data: 2 observations"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err,
                            "%s forecast --input %s --program eprescription",
                            tu_bin("fukyu"), path),
                     2);
    assert_non_null(strstr(err, "exactly one of --input and --program"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s forecast --input %s --method magic",
                            tu_bin("fukyu"), path),
                     2);
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err,
               "%s forecast --input %s --until 2025-01-01 --horizon 3",
               tu_bin("fukyu"), path),
        2);
    free(out), free(err);
    tu_rmtree(dir);
    free(dir);
}

static void test_cli_backtest(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run(&out, &err, "%s backtest --input %s --json",
                            tu_bin("fukyu"),
                            tu_src("data/eprescription-hospital.csv")),
                     0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_int_equal(
        fk_fc_method_by_name(cJSON_GetObjectItem(j, "auto")->valuestring) > 0,
        1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")),
                     FK_FC_NMETHODS * FK_BT_NH);
    cJSON_Delete(j);
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s backtest --input %s --method logistic",
               tu_bin("fukyu"), tu_src("data/eprescription-clinic.csv")),
        0);
    assert_non_null(strstr(out, "logistic      26w"));
    assert_null(strstr(out, "pace "));
    assert_non_null(strstr(out, "auto picks: "));
    free(out), free(err);
}

/* ---- forecasts of a store filled from the feed simulator ---------------- */

static char *store_dir, store_db[700];

/* One pull of a 5% national registry as of 2025-02-09: about 120 weekly
 * points per series since the first application (2022-11). */
static int store_setup(void **state)
{
    (void)state;
    store_dir = tu_tmpdir();
    snprintf(store_db, sizeof store_db, "%s/fukyu.db", store_dir);
    char url[128], *out = NULL, *err = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.05 --date 2025-02-09 --quiet");
    int rc = tu_run(&out, &err, "%s collect --once --feed %s --db %s",
                    tu_bin("fukyu"), url, store_db);
    tu_feedsim_stop(sim);
    if (rc != 0)
        fprintf(stderr, "collect failed: %s%s\n", out ? out : "",
                err ? err : "");
    free(out), free(err);
    return rc;
}

static int store_teardown(void **state)
{
    (void)state;
    tu_rmtree(store_dir);
    free(store_dir);
    return 0;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    if (!cJSON_IsNumber(v)) fail_msg("'%s' is not a number", k);
    return v->valuedouble;
}

/* One point's band: finite, in [0, 1], ordered; returns the 80% width.
 * fy_end carries the 80% band only. */
static double check_band(const cJSON *p, const char *what, int with95)
{
    static const char *k[5] = {"lo95", "lo80", "rate", "hi80", "hi95"};
    double v[5];
    for (int i = with95 ? 0 : 1; i < (with95 ? 5 : 4); i++) {
        v[i] = num(p, k[i]);
        if (!(isfinite(v[i]) && v[i] >= 0 && v[i] <= 1))
            fail_msg("%s: %s = %g", what, k[i], v[i]);
        if (i > (with95 ? 0 : 1) && v[i - 1] > v[i] + 1e-9)
            fail_msg("%s: %s > %s", what, k[i - 1], k[i]);
    }
    return v[3] - v[1];
}

/* `fukyu forecast ... --json` from the store: weekly points from the last
 * observation, sane bands widening with the horizon, fy_end on 31 March. */
static void check_store_forecast(const char *args, int npoints)
{
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err, "%s forecast --db %s %s --json",
                    tu_bin("fukyu"), store_db, args);
    if (rc != 0) fail_msg("forecast %s: exit %d: %s", args, rc, err);
    cJSON *j = cJSON_Parse(out);
    if (!j) fail_msg("forecast %s: not JSON: %s", args, out);
    assert_true(
        fk_fc_method_by_name(cJSON_GetObjectItem(j, "method")->valuestring) >
        FK_FC_AUTO);
    const cJSON *last = cJSON_GetObjectItem(j, "last");
    assert_string_equal(cJSON_GetObjectItem(last, "date")->valuestring,
                        "2025-02-09");
    double r0 = num(last, "rate"), w0 = 0;
    assert_true(r0 >= 0 && r0 <= 1);
    fk_day d0 = fk_day_from_ymd(2025, 2, 9);
    const cJSON *pts = cJSON_GetObjectItem(j, "points");
    assert_int_equal(cJSON_GetArraySize(pts), npoints);
    int i = 0;
    for (const cJSON *p = pts->child; p; p = p->next, i++) {
        fk_day d;
        assert_int_equal(
            fk_date_parse(cJSON_GetObjectItem(p, "date")->valuestring, &d), 0);
        assert_int_equal(d, d0 + 7 * (i + 1));
        double w = check_band(p, args, 1);
        assert_true(num(p, "rate") >= r0 - 1e-9);
        if (num(p, "lo80") > 0 && num(p, "hi80") < 1 && !(w >= w0 - 1e-9))
            fail_msg("%s: 80%% interval narrows at point %d (%g < %g)", args,
                     i + 1, w, w0);
        w0 = w;
    }
    const cJSON *fy = cJSON_GetObjectItem(j, "fy_end");
    assert_string_equal(cJSON_GetObjectItem(fy, "date")->valuestring,
                        "2025-03-31");
    check_band(fy, args, 0);
    cJSON_Delete(j);
    free(out), free(err);
}

static void test_store_forecasts(void **state)
{
    (void)state;
    char args[128];
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        snprintf(args, sizeof args, "--program eprescription --type %s",
                 types[ti]);
        check_store_forecast(args, 7); /* 2025-02-16 .. 2025-03-30 */
        snprintf(args, sizeof args,
                 "--program eprescription --type %s --method holt", types[ti]);
        check_store_forecast(args, 7);
    }
    check_store_forecast("--program eprescription --prefecture 13", 7);
    check_store_forecast(
        "--program eprescription --type pharmacy --prefecture 27 --method auto",
        7);
    /* well past the calibrated 26 weeks */
    check_store_forecast("--program eprescription --type clinic --horizon 60",
                         60);
    check_store_forecast(
        "--program eprescription --type dental --method logistic --horizon 60",
        60);
}

/* The EHR sharing service has barely started: a near-zero forecast with
 * sane bands, or a clear "insufficient data". */
static void test_store_ehr_sharing(void **state)
{
    (void)state;
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        char *out = NULL, *err = NULL;
        int rc =
            tu_run(&out, &err,
                   "%s forecast --db %s --program ehr_sharing --type %s --json",
                   tu_bin("fukyu"), store_db, types[ti]);
        if (rc == 1) {
            if (!strstr(err, "insufficient data"))
                fail_msg("ehr_sharing %s: %s", types[ti], err);
        } else {
            assert_int_equal(rc, 0);
            free(out), free(err);
            char args[96];
            snprintf(args, sizeof args, "--program ehr_sharing --type %s",
                     types[ti]);
            check_store_forecast(args, 7);
            assert_int_equal(tu_run(&out, &err, "%s forecast --db %s %s --json",
                                    tu_bin("fukyu"), store_db, args),
                             0);
            cJSON *j = cJSON_Parse(out);
            assert_true(num(cJSON_GetObjectItem(j, "fy_end"), "hi80") <
                        0.05); /* near zero */
            cJSON_Delete(j);
        }
        free(out), free(err);
    }
}

/* The backtest on the store's weekly series: every weekly origin scored,
 * calibrated 80% intervals near their nominal level at 4 weeks. */
static void test_store_backtest(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(
        tu_run(
            &out, &err,
            "%s backtest --db %s --program eprescription --type pharmacy --json",
            tu_bin("fukyu"), store_db),
        0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_true(num(j, "origins") > 80);
    const cJSON *r;
    int rows = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "rows"))
    {
        int h = (int)num(r, "horizon");
        double c80 = num(r, "cover80"), c95 = num(r, "cover95");
        assert_true(num(r, "n") > 50);
        assert_true(c95 >= c80);
        if (h <= 13 && !(c80 >= 0.7 && c80 <= 1))
            fail_msg("%s %dw: cover80 %.2f",
                     cJSON_GetObjectItem(r, "method")->valuestring, h, c80);
        rows++;
    }
    assert_int_equal(rows, FK_FC_NMETHODS * FK_BT_NH);
    cJSON_Delete(j);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pace_exact_line),
        cmocka_unit_test(test_fy_end_and_target),
        cmocka_unit_test(test_logistic_recovers),
        cmocka_unit_test(test_bass_recovers),
        cmocka_unit_test(test_holt_follows_trend),
        cmocka_unit_test(test_bounds_all_methods),
        cmocka_unit_test(test_insufficient_and_bad),
        cmocka_unit_test(test_real_series),
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_weekly_sampling),
        cmocka_unit_test(test_cli_forecast_json),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_backtest),
    };
    const struct CMUnitTest store_tests[] = {
        cmocka_unit_test(test_store_forecasts),
        cmocka_unit_test(test_store_ehr_sharing),
        cmocka_unit_test(test_store_backtest),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc |
           cmocka_run_group_tests(store_tests, store_setup, store_teardown);
}
