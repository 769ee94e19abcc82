/* forecast.c - fk_forecast_run: checks the observations, builds the
 * rolling-origin table (forecast/table.c) from which auto chooses and the
 * intervals are calibrated (forecast/calibrate.c), fits the method on the
 * whole series and turns it into weekly points, the fiscal-year-end value
 * and the date a target is met (or, once passed, was first observed).
 *
 * Rules every method obeys here rather than in its own file:
 * - adoption is cumulative, so the point forecast never drops below the
 *   last observed share (a method whose trend turns down gives a flat
 *   line), and neither does a lower bound, but for what a growing
 *   denominator explains (calibrate.c shapes the bands);
 * - everything is clipped to [0, 1]. */
#include "forecast/forecast.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "forecast/fc_internal.h"

static const char *const method_names[FK_FC_NMETHODS] = {
    "auto", "pace", "holt", "logistic", "bass", "pipeline",
};

const char *fk_fc_method_name(fk_fc_method m)
{
    return (unsigned)m < FK_FC_NMETHODS ? method_names[m] : "?";
}

int fk_fc_method_by_name(const char *name)
{
    for (int i = 0; name && i < FK_FC_NMETHODS; i++)
        if (strcmp(name, method_names[i]) == 0) return i;
    return -1;
}

void fk_fc_options_default(fk_fc_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = FK_FC_AUTO;
    o->horizon_weeks = 13;
    o->pace_weeks = 8;
}

int fk_fc_check_obs(const fk_obs *obs, size_t n, char *err, size_t errlen)
{
    char a[FK_DATE_LEN], b[FK_DATE_LEN];
    if (n < FK_FC_MIN_OBS) {
        snprintf(err, errlen,
                 "insufficient data: %zu observation%s (need at least %d)", n,
                 n == 1 ? "" : "s", FK_FC_MIN_OBS);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const fk_obs *o = &obs[i];
        if (!(isfinite(o->total) && o->total > 0) ||
            !(isfinite(o->adopting) && o->adopting >= 0) ||
            o->adopting > o->total) {
            snprintf(
                err, errlen,
                "observation %zu (%s): adopting %g of total %g is not a share",
                i + 1, fk_date_format(o->date, a), o->adopting, o->total);
            return -1;
        }
        if (!isnan(o->applied) &&
            !(o->applied >= 0 && o->adopting + o->applied <= o->total)) {
            snprintf(err, errlen,
                     "observation %zu (%s): applied %g with adopting %g "
                     "exceeds total %g",
                     i + 1, fk_date_format(o->date, a), o->applied, o->adopting,
                     o->total);
            return -1;
        }
        if (i > 0 && o->date <= obs[i - 1].date) {
            snprintf(err, errlen,
                     "observation %zu (%s) is not after the one before (%s)",
                     i + 1, fk_date_format(o->date, a),
                     fk_date_format(obs[i - 1].date, b));
            return -1;
        }
    }
    int span = obs[n - 1].date - obs[0].date;
    if (span < FK_FC_MIN_SPAN_DAYS) {
        snprintf(
            err, errlen,
            "insufficient data: observations span %d days, %s to %s (need at least %d)",
            span, fk_date_format(obs[0].date, a),
            fk_date_format(obs[n - 1].date, b), FK_FC_MIN_SPAN_DAYS);
        return -1;
    }
    return 0;
}

typedef struct {
    const fk_fc_model *m;
    const fk_fc_dev *dev; /* steps 0..nb, or NULL for point only */
    int nb;
    fk_day last;
    double r_last;
} shaper;

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* The forecast on a day at or after the last observation. */
static int point_at(const shaper *sh, fk_day day, fk_fc_point *p)
{
    double h = (day - sh->last) / 7.0, mu = sh->m->mean(sh->m, h);
    if (!isfinite(mu)) return -1;
    double rate = clip01(fmax(mu, sh->r_last)), d[4] = {0, 0, 0, 0};
    if (sh->dev) {
        int k = (int)floor(h);
        double w = h - k;
        if (k >= sh->nb) k = sh->nb, w = 0;
        for (int j = 0; j < 4; j++)
            d[j] =
                sh->dev[k][j] * (1 - w) + (w > 0 ? sh->dev[k + 1][j] * w : 0);
    }
    p->date = day;
    p->rate = rate;
    p->lo95 = clip01(rate + d[0]), p->lo80 = clip01(rate + d[1]);
    p->hi80 = clip01(rate + d[2]), p->hi95 = clip01(rate + d[3]);
    return 0;
}

int fk_fc_fit(fk_fc_method method, const fk_fc_series *s,
              const fk_fc_options *o, const fk_fc_model *warm, fk_fc_model *m,
              char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    switch (method) {
    case FK_FC_PACE: return fk_fc_fit_pace(s, o, m, err, errlen);
    case FK_FC_HOLT: return fk_fc_fit_holt(s, o, m, err, errlen);
    case FK_FC_LOGISTIC:
        return warm ? fk_fc_fit_logistic_warm(s, o, warm, m)
                    : fk_fc_fit_logistic(s, o, m, err, errlen);
    case FK_FC_BASS:
        return warm ? fk_fc_fit_bass_warm(s, o, warm, m)
                    : fk_fc_fit_bass(s, o, m, err, errlen);
    case FK_FC_PIPELINE: return fk_fc_fit_pipeline(s, o, m, err, errlen);
    default:
        snprintf(err, errlen, "unknown forecast method %d", (int)method);
        return -1;
    }
}

/* Works out the end day and the number of weekly points. */
static int horizon(const fk_fc_options *o, fk_day last, fk_day *end, int *steps,
                   char *err, size_t errlen)
{
    char a[FK_DATE_LEN], b[FK_DATE_LEN];
    if (o->until > 0) {
        if (o->until < last + 7) {
            snprintf(
                err, errlen,
                "horizon: %s is less than a week after the last observation %s",
                fk_date_format(o->until, a), fk_date_format(last, b));
            return -1;
        }
        *end = o->until;
        *steps = (o->until - last) / 7;
    } else {
        if (o->horizon_weeks < 1 || o->horizon_weeks > 52 * 50) {
            snprintf(err, errlen, "horizon: %d weeks is outside 1..2600",
                     o->horizon_weeks);
            return -1;
        }
        *steps = o->horizon_weeks;
        *end = last + 7 * o->horizon_weeks;
    }
    return 0;
}

static int shape(const fk_fc_model *m, const fk_fc_options *o,
                 const fk_fc_cal *cal, fk_day end, int steps, fk_forecast *out,
                 char *err, size_t errlen)
{
    const fk_fc_series *s = m->s;
    shaper sh = {m, NULL, 0, s->last, s->r[s->n - 1]};
    int nb = (end - s->last + 6) / 7; /* band steps cover the end day */
    fk_fc_dev *dev = NULL;
    if (!o->point_only) {
        dev = fk_xcalloc((size_t)nb + 2, sizeof *dev);
        fk_fc_cal_dev(cal, m, o, nb + 1, dev);
        sh.dev = (const fk_fc_dev *)dev, sh.nb = nb;
    }
    out->points = fk_xcalloc((size_t)steps, sizeof *out->points);
    out->npoints = (size_t)steps;
    for (int h = 1; h <= steps; h++)
        if (point_at(&sh, s->last + 7 * h, &out->points[h - 1]) < 0)
            goto nonfinite;
    fk_day fy = fk_fy_end(s->last + 1);
    if (fy <= end) {
        if (point_at(&sh, fy, &out->fy_end) < 0) goto nonfinite;
        out->has_fy_end = 1;
    }
    out->target_date = -1;
    if (o->target > 0) {
        for (size_t i = 0; i < s->n && out->target_date < 0; i++)
            if (s->r[i] >= o->target) {
                /* passed already: when it was first observed there */
                out->target_date = s->first + (fk_day)lround(7 * s->t[i]);
                out->target_reached = 1;
            }
        for (fk_day d = s->last + 1; out->target_date < 0 && d <= end; d++) {
            fk_fc_point p;
            if (point_at(&sh, d, &p) < 0) goto nonfinite;
            if (p.rate >= o->target) out->target_date = d;
        }
    }
    free(dev);
    return 0;
nonfinite:
    free(dev);
    snprintf(err, errlen, "%s: the fitted model gives no finite forecast",
             fk_fc_method_name(m->method));
    return -1;
}

/* The expensive part: one rolling-origin table serves both the choice
 * and the intervals (auto needs every method's errors, calibration the
 * chosen one's), then the method is fitted on the whole series. */
int fk_fc_prepare(const fk_obs *obs, size_t n, const fk_fc_series *s,
                  const fk_fc_options *opt, fk_fc_chains *chains,
                  fk_fc_prepared *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->method = opt->method;
    fk_fc_cal_prior(&p->cal);
    if (p->method == FK_FC_AUTO || !opt->point_only) {
        fk_fc_table tab;
        unsigned mask = p->method == FK_FC_AUTO ? ~0u : 1u << p->method;
        fk_fc_table_build(obs, n, opt, mask, chains, &tab);
        if (p->method == FK_FC_AUTO)
            p->method = fk_fc_table_pick(&tab, obs[n - 1].date);
        fk_fc_table_cal(&tab, p->method, obs[n - 1].date, &p->cal);
        fk_fc_table_keep(&tab, chains);
        fk_fc_table_free(&tab);
    }
    return fk_fc_fit(p->method, s, opt, NULL, &p->model, err, errlen);
}

void fk_fc_restore(fk_fc_method method, const fk_fc_series *s,
                   const fk_fc_options *o, const double *p, double sse,
                   fk_fc_model *m)
{
    memset(m, 0, sizeof *m);
    if (method == FK_FC_LOGISTIC)
        fk_fc_logistic_fill(m, s, o, p, sse);
    else if (method == FK_FC_BASS)
        fk_fc_bass_fill(m, s, p, sse);
    else {
        /* the only other method whose fits are saved (chain.c) */
        assert(method == FK_FC_HOLT);
        fk_fc_holt_fill(m, s, p, sse);
    }
}

int fk_forecast_run(const fk_obs *obs, size_t n, const fk_fc_options *opt,
                    fk_forecast *out, char *err, size_t errlen)
{
    return fk_forecast_run_saved(obs, n, opt, NULL, 0, NULL, NULL, out, err,
                                 errlen);
}

int fk_forecast_run_saved(const fk_obs *obs, size_t n, const fk_fc_options *opt,
                          const void *saved, size_t saved_len, void **blob,
                          size_t *blob_len, fk_forecast *out, char *err,
                          size_t errlen)
{
    return fk_forecast_run_reuse(obs, n, opt, saved, saved_len, blob, blob_len,
                                 NULL, out, err, errlen);
}

int fk_forecast_run_reuse(const fk_obs *obs, size_t n, const fk_fc_options *opt,
                          const void *saved, size_t saved_len, void **blob,
                          size_t *blob_len, fk_fc_chains *chains,
                          fk_forecast *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->target_date = -1;
    if (blob) *blob = NULL, *blob_len = 0;
    if (fk_fc_check_obs(obs, n, err, errlen) < 0) return -1;
    fk_day end;
    int steps;
    if (horizon(opt, obs[n - 1].date, &end, &steps, err, errlen) < 0) return -1;
    if (opt->target < 0 || opt->target > 1) {
        snprintf(err, errlen, "target %g is outside [0, 1]", opt->target);
        return -1;
    }
    fk_fc_series s;
    fk_fc_series_make(obs, n, &s);
    fk_fc_prepared p;
    int rc = -1;
    /* A saved result that fails its checks, or draws no finite forecast,
     * is ignored: the forecast is computed as if there were none. */
    if (saved && fk_fc_saved_decode(obs, n, opt, &s, saved, saved_len, &p) == 0)
        rc = shape(&p.model, opt, &p.cal, end, steps, out, err, errlen);
    if (rc < 0) {
        fk_forecast_free(out);
        rc = fk_fc_prepare(obs, n, &s, opt, chains, &p, err, errlen);
        if (rc == 0)
            rc = shape(&p.model, opt, &p.cal, end, steps, out, err, errlen);
        if (rc == 0 && blob)
            fk_fc_saved_encode(obs, n, opt, &p, blob, blob_len);
    }
    out->method = p.method;
    out->last_date = obs[n - 1].date;
    out->last_rate = s.r[n - 1];
    fk_fc_series_free(&s);
    if (rc < 0) fk_forecast_free(out);
    return rc;
}

void fk_forecast_free(fk_forecast *f)
{
    if (!f) return;
    free(f->points);
    f->points = NULL;
    f->npoints = 0;
}
