/* backtest.c - rolling-origin evaluation of the forecast methods and the
 * choice of method for FK_FC_AUTO (see backtest.h). */
#include "forecast/backtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/fc_internal.h"

const int fk_bt_horizons[FK_BT_NH] = {4, 8, 13, 19, 26};

void fk_bt_options_default(fk_bt_options *o)
{
    memset(o, 0, sizeof *o);
    fk_fc_options_default(&o->fc);
}

typedef struct {
    double abs, ape, is80, is95;
    int n, nape, in80, in95;
} acc;

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void score(acc *c, double p, const double *dev, double y, int bands)
{
    double e = fabs(p - y);
    c->abs += e, c->n++;
    if (y > 0) c->ape += e / y, c->nape++;
    if (!bands) return;
    double l80 = clip01(p + dev[1]), h80 = clip01(p + dev[2]),
           l95 = clip01(p + dev[0]), h95 = clip01(p + dev[3]);
    c->in80 += l80 <= y && y <= h80;
    c->in95 += l95 <= y && y <= h95;
    c->is80 += fk_fc_winkler(l80, h80, y, 0.2);
    c->is95 += fk_fc_winkler(l95, h95, y, 0.05);
}

int fk_backtest_run(const fk_obs *obs, size_t n, const fk_bt_options *o,
                    fk_backtest *out, char *err, size_t errlen)
{
    return fk_backtest_run_chains(obs, n, o, NULL, out, err, errlen);
}

int fk_backtest_run_chains(const fk_obs *obs, size_t n, const fk_bt_options *o,
                           fk_fc_chains *chains, fk_backtest *out, char *err,
                           size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->pick = FK_FC_PACE;
    if (fk_fc_check_obs(obs, n, err, errlen) < 0) return -1;
    unsigned mask = o->methods ? o->methods : (1u << FK_FC_NMETHODS) - 1;
    /* the auto row needs every method's forecasts to choose among */
    unsigned fit = mask & (1u << FK_FC_AUTO) ? ~0u : mask;
    fk_fc_table t;
    fk_fc_table_build(obs, n, &o->fc, fit, chains, &t);
    fk_day last = obs[n - 1].date;
    size_t first = 0, count = 0;
    for (size_t k = 0; k < t.norig; k++)
        if (t.day[k] + 7 * fk_bt_horizons[0] <= last) {
            if (count++ == 0) first = k;
        }
    if (o->max_origins > 0 && count > (size_t)o->max_origins)
        first += count - (size_t)o->max_origins;
    for (int m = 0; m < FK_FC_NMETHODS; m++) out->ran[m] = (mask >> m) & 1u;
    acc a[FK_FC_NMETHODS][FK_BT_NH];
    memset(a, 0, sizeof a);
    int bands = !o->fc.point_only;
    for (size_t k = first;
         k < t.norig && t.day[k] + 7 * fk_bt_horizons[0] <= last; k++) {
        fk_fc_method pick =
            mask & 1u ? fk_fc_table_pick(&t, t.day[k]) : FK_FC_PACE;
        int used = 0;
        for (int b = 0;
             b < FK_BT_NH && t.day[k] + 7 * fk_bt_horizons[b] <= last; b++) {
            int c = fk_fc_ck_index(fk_bt_horizons[b]);
            double y = t.actual[k * FK_FC_NCK + (size_t)c];
            for (int m = 0; m < FK_FC_NMETHODS; m++) {
                if (!(mask & (1u << m))) continue;
                fk_fc_method src = m == FK_FC_AUTO ? pick : (fk_fc_method)m;
                double p = fk_fc_table_pred(&t, src, k, c);
                const double(*d)[4] =
                    bands ? fk_fc_table_band(&t, src, k) : NULL;
                if (!isfinite(p) || (bands && !d)) continue;
                score(&a[m][b], p, d ? d[b] : NULL, y, bands);
                used = 1;
            }
        }
        out->norigins += used;
    }
    out->pick = fk_fc_table_pick(&t, last);
    fk_fc_table_keep(&t, chains);
    fk_fc_table_free(&t);
    for (int m = 0; m < FK_FC_NMETHODS; m++)
        for (int k = 0; k < FK_BT_NH; k++) {
            const acc *c = &a[m][k];
            fk_bt_cell *x = &out->cell[m][k];
            x->n = c->n;
            x->mae = c->n ? 100.0 * c->abs / c->n : NAN;
            x->mape = c->nape ? 100.0 * c->ape / c->nape : NAN;
            x->cover80 = c->n && bands ? (double)c->in80 / c->n : NAN;
            x->cover95 = c->n && bands ? (double)c->in95 / c->n : NAN;
            x->is80 = c->n && bands ? 100.0 * c->is80 / c->n : NAN;
            x->is95 = c->n && bands ? 100.0 * c->is95 / c->n : NAN;
        }
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

void fk_bt_mid_score(const fk_backtest *bt, fk_fc_method m, double *is80,
                     double *cover80, int *n)
{
    double s = 0, c = 0;
    int k = 0;
    for (int h = 0; h < FK_BT_NH; h++) {
        const fk_bt_cell *x = &bt->cell[m][h];
        if ((fk_bt_horizons[h] != 13 && fk_bt_horizons[h] != 19) || x->n == 0 ||
            !isfinite(x->is80))
            continue;
        s += x->is80 * x->n, c += x->cover80 * x->n, k += x->n;
    }
    *is80 = k ? s / k : NAN, *cover80 = k ? c / k : NAN, *n = k;
}

fk_fc_method fk_fc_auto_method(const fk_obs *obs, size_t n,
                               const fk_fc_options *o)
{
    fk_fc_table t;
    char err[256];
    if (fk_fc_check_obs(obs, n, err, sizeof err) < 0) return FK_FC_PACE;
    fk_fc_table_build(obs, n, o, ~0u, NULL, &t);
    fk_fc_method m = fk_fc_table_pick(&t, obs[n - 1].date);
    fk_fc_table_free(&t);
    return m;
}
