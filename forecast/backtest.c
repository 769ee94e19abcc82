/* backtest.c - rolling-origin evaluation of the forecast methods and the
 * choice of method for FK_FC_AUTO (see backtest.h). */
#include "forecast/backtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int fk_bt_horizons[FK_BT_NH] = {4, 8, 13, 26};

void fk_bt_options_default(fk_bt_options *o)
{
    memset(o, 0, sizeof *o);
    fk_fc_options_default(&o->fc);
}

/* The observed share on a day within the observations, interpolated. */
static double actual_at(const fk_obs *obs, size_t n, fk_day d)
{
    size_t j = 0;
    while (j + 2 < n && obs[j + 1].date <= d) j++;
    double r0 = obs[j].adopting / obs[j].total, r1 = obs[j + 1].adopting / obs[j + 1].total;
    double w = (double)(d - obs[j].date) / (double)(obs[j + 1].date - obs[j].date);
    return r0 + fmin(fmax(w, 0.0), 1.0) * (r1 - r0);
}

typedef struct {
    double abs, ape;
    int n, nape, in80, in95;
} acc;

static int origin_ok(const fk_obs *obs, size_t n, size_t i)
{
    if (i + 1 < FK_FC_MIN_OBS) return 0;
    if (obs[i].date - obs[0].date < FK_FC_MIN_SPAN_DAYS) return 0;
    return obs[i].date + 7 * fk_bt_horizons[0] <= obs[n - 1].date;
}

int fk_backtest_run(const fk_obs *obs, size_t n, const fk_bt_options *o,
                    fk_backtest *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->pick = FK_FC_PACE;
    if (fk_fc_check_obs(obs, n, err, errlen) < 0) return -1;
    unsigned mask = o->methods ? o->methods : (1u << FK_FC_NMETHODS) - 1;
    size_t first = 0, count = 0;
    for (size_t i = 0; i < n; i++)
        if (origin_ok(obs, n, i)) {
            if (count++ == 0) first = i;
        }
    if (o->max_origins > 0 && count > (size_t)o->max_origins) {
        /* origins are contiguous: once one is possible, later ones are
         * until the last 4 weeks */
        first += count - (size_t)o->max_origins;
    }
    acc a[FK_FC_NMETHODS][FK_BT_NH];
    memset(a, 0, sizeof a);
    for (size_t i = first; i < n; i++) {
        if (!origin_ok(obs, n, i)) continue;
        int used = 0;
        for (int m = 0; m < FK_FC_NMETHODS; m++) {
            if (!(mask & (1u << m))) continue;
            out->ran[m] = 1;
            fk_fc_options fo = o->fc;
            fo.method = (fk_fc_method)m;
            fo.horizon_weeks = fk_bt_horizons[FK_BT_NH - 1];
            fo.until = 0;
            fo.target = 0;
            fk_forecast f;
            char e2[256];
            if (fk_forecast_run(obs, i + 1, &fo, &f, e2, sizeof e2) < 0) continue;
            for (int k = 0; k < FK_BT_NH; k++) {
                fk_day d = obs[i].date + 7 * fk_bt_horizons[k];
                if (d > obs[n - 1].date) break;
                const fk_fc_point *p = &f.points[fk_bt_horizons[k] - 1];
                double y = actual_at(obs, n, d), e = fabs(p->rate - y);
                acc *c = &a[m][k];
                c->abs += e, c->n++;
                if (y > 0) c->ape += e / y, c->nape++;
                c->in80 += p->lo80 <= y && y <= p->hi80;
                c->in95 += p->lo95 <= y && y <= p->hi95;
                used = 1;
            }
            fk_forecast_free(&f);
        }
        out->norigins += used;
    }
    for (int m = 0; m < FK_FC_NMETHODS; m++)
        for (int k = 0; k < FK_BT_NH; k++) {
            const acc *c = &a[m][k];
            fk_bt_cell *x = &out->cell[m][k];
            x->n = c->n;
            x->mae = c->n ? 100.0 * c->abs / c->n : NAN;
            x->mape = c->nape ? 100.0 * c->ape / c->nape : NAN;
            x->cover80 = c->n ? (double)c->in80 / c->n : NAN;
            x->cover95 = c->n ? (double)c->in95 / c->n : NAN;
        }
    out->pick = fk_bt_pick(out);
    return 0;
}

double fk_bt_mean_mae(const fk_backtest *bt, fk_fc_method m)
{
    double s = 0;
    int k = 0;
    for (int h = 0; h < FK_BT_NH; h++)
        if (bt->cell[m][h].n > 0) s += bt->cell[m][h].mae, k++;
    return k ? s / k : NAN;
}

fk_fc_method fk_bt_pick(const fk_backtest *bt)
{
    if (!bt->ran[FK_FC_PACE] || bt->norigins < FK_BT_MIN_ORIGINS) return FK_FC_PACE;
    fk_fc_method best = FK_FC_PACE;
    double bv = fk_bt_mean_mae(bt, FK_FC_PACE);
    if (!isfinite(bv)) return FK_FC_PACE;
    for (int m = FK_FC_PACE + 1; m < FK_FC_NMETHODS; m++) {
        if (!bt->ran[m]) continue;
        int same = 1; /* judged on the same forecasts as pace, or not at all */
        for (int h = 0; h < FK_BT_NH; h++) same &= bt->cell[m][h].n == bt->cell[FK_FC_PACE][h].n;
        double v = fk_bt_mean_mae(bt, (fk_fc_method)m);
        if (same && isfinite(v) && v < bv) bv = v, best = (fk_fc_method)m;
    }
    return best;
}

fk_fc_method fk_fc_auto_method(const fk_obs *obs, size_t n, const fk_fc_options *o)
{
    fk_bt_options bo;
    bo.fc = *o;
    bo.fc.point_only = 1; /* the choice rests on MAE alone */
    bo.methods = (1u << FK_FC_NMETHODS) - 1 - (1u << FK_FC_AUTO);
    bo.max_origins = FK_BT_AUTO_ORIGINS;
    fk_backtest bt;
    char err[256];
    if (fk_backtest_run(obs, n, &bo, &bt, err, sizeof err) < 0) return FK_FC_PACE;
    return bt.pick;
}
