/* table.c - the rolling-origin table (see fc_internal.h): each method is
 * fitted once at every origin and its point forecasts at the checkpoint
 * horizons are kept next to the shares observed then.  The backtest scores
 * the table, auto chooses from it and calibration turns its errors into
 * intervals, so nothing is fitted twice and no bootstrap runs here.
 *
 * Cost: the curve fits dominate.  Between two full grids of starts, each
 * origin's fit starts from the previous origin's optimum (the data grew
 * by one week, so the optimum moved little); a full grid runs at the
 * first origin, every FULL_EVERY weeks (counted from the first
 * observation) and after a gap of more than FULL_EVERY weeks, and the
 * better fit wins.  The table holds every origin from the series' first,
 * so the fit and the calibration at an origin depend on the observations
 * up to it alone, and a new pull's table reuses the last pull's fits and
 * bands (chain.c): a pull fits and calibrates only what it added. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "forecast/backtest.h"

const int fk_fc_ck_weeks[FK_FC_NCK] = {1, 2, 4, 8, 13, 19, 26};

#define FULL_EVERY  8
#define ALL_METHODS ((1u << FK_FC_NMETHODS) - 1 - (1u << FK_FC_AUTO))

int fk_fc_ck_index(int weeks)
{
    for (int k = 0; k < FK_FC_NCK; k++)
        if (fk_fc_ck_weeks[k] == weeks) return k;
    return -1;
}

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* The observed share on a day within the observations, interpolated. */
static double actual_at(const fk_obs *obs, size_t n, fk_day d)
{
    size_t j = 0;
    while (j + 2 < n && obs[j + 1].date <= d) j++;
    double r0 = obs[j].adopting / obs[j].total,
           r1 = obs[j + 1].adopting / obs[j + 1].total;
    double w =
        (double)(d - obs[j].date) / (double)(obs[j + 1].date - obs[j].date);
    return r0 + fmin(fmax(w, 0.0), 1.0) * (r1 - r0);
}

static fk_day week_of(const fk_obs *obs, size_t i)
{
    return (obs[i].date - obs[0].date) / 7;
}

/* An origin: enough history to fit, adoption under way (before the
 * first adopter there is no pace to measure errors against, and a launch
 * seen from a flat zero line would count as an error hundreds of weeks of
 * "speed" wide), at most one a week (the first observation of each week,
 * so that daily input costs no more than weekly), and a week of data
 * after it to compare with.  All but the last look at obs[0..i] alone,
 * so the origins of a shorter pull are those of a longer one. */
static int eligible(const fk_obs *obs, size_t n, size_t i)
{
    if (i + 1 < FK_FC_MIN_OBS ||
        obs[i].date - obs[0].date < FK_FC_MIN_SPAN_DAYS)
        return 0;
    if (obs[i].adopting <= 0 || obs[i].date + 7 > obs[n - 1].date) return 0;
    return i == 0 || week_of(obs, i) != week_of(obs, i - 1);
}

size_t fk_fc_chain_origins(const fk_obs *obs, size_t n, size_t *idx)
{
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        if (eligible(obs, n, i)) idx[nc++] = i;
    return nc;
}

void fk_fc_series_make(const fk_obs *obs, size_t n, fk_fc_series *s)
{
    memset(s, 0, sizeof *s);
    double *b = fk_xcalloc(4 * n, sizeof(double));
    double *t = b, *r = b + n, *tot = b + 2 * n, *q = b + 3 * n;
    for (size_t i = 0; i < n; i++) {
        t[i] = (obs[i].date - obs[0].date) / 7.0;
        r[i] = obs[i].adopting / obs[i].total;
        tot[i] = obs[i].total;
        q[i] = obs[i].applied / obs[i].total; /* NAN stays NAN */
    }
    *s = (fk_fc_series){t,   r, n, n ? obs[0].date : 0, n ? obs[n - 1].date : 0,
                        tot, q};
}

void fk_fc_series_free(fk_fc_series *s)
{
    free((void *)s->t);
    memset(s, 0, sizeof *s);
}

double fk_fc_speed(const fk_fc_series *s, int weeks)
{
    size_t n = s->n, i0 = n - 1;
    if (n < 2) return FK_FC_SPEED_FLOOR;
    double tl = s->t[n - 1], moved = 0;
    while (i0 > 0 && s->t[i0 - 1] >= tl - weeks - 1e-9) i0--;
    if (i0 == n - 1) i0 = n - 2;
    for (size_t i = i0; i + 1 < n; i++) moved += fabs(s->r[i + 1] - s->r[i]);
    double v = moved / fmax(tl - s->t[i0], 1e-9);
    return v > FK_FC_SPEED_FLOOR ? v : FK_FC_SPEED_FLOOR;
}

double fk_fc_table_pred(const fk_fc_table *t, fk_fc_method m, size_t o, int k)
{
    return t->pred[((size_t)m * t->norig + o) * FK_FC_NCK + (size_t)k];
}

static fk_day week_end(const fk_fc_series *s)
{
    return (fk_day)floor(s->t[s->n - 1] + 1e-9);
}

void fk_fc_chain_fit(const fk_fc_series *cs, size_t nc, size_t from,
                     const fk_fc_options *o, fk_fc_method m, fk_fc_model *mods)
{
    const fk_fc_model *prev = NULL;
    fk_day prev_week = 0;
    char e2[256];
    for (size_t c = 0; c < from; c++)
        if (mods[c].method == m) prev = &mods[c], prev_week = week_end(&cs[c]);
    for (size_t c = from; c < nc; c++) {
        fk_fc_model *mo = &mods[c], w;
        fk_day week = week_end(&cs[c]);
        int full =
            !prev || week % FULL_EVERY == 0 || week - prev_week > FULL_EVERY;
        int ok =
            fk_fc_fit(m, &cs[c], o, full ? NULL : prev, mo, e2, sizeof e2) == 0;
        if (ok && full && prev &&
            fk_fc_fit(m, &cs[c], o, prev, &w, e2, sizeof e2) == 0 &&
            w.sse < mo->sse)
            *mo = w;
        if (!ok) {
            mo->method = FK_FC_AUTO; /* marks "no fit" */
            continue;
        }
        prev = mo, prev_week = week;
    }
}

/* Method m at every origin: what the chain restores, then the rest
 * fitted (the curves each warm-started from the fit before, the others
 * from nothing), then the point forecasts at the checkpoints. */
static void fit_method(fk_fc_table *t, const fk_fc_options *o, fk_fc_method m,
                       const fk_fc_chains *chains)
{
    fk_fc_model *row = &t->model[(size_t)m * t->norig];
    char e2[256];
    size_t from = fk_fc_chain_restore(t, m, chains);
    t->fitted_from[m] = from;
    if (fk_fc_chained(m))
        fk_fc_chain_fit(t->pre, t->norig, from, o, m, row);
    else
        for (size_t k = from; k < t->norig; k++)
            if (fk_fc_fit(m, &t->pre[k], o, NULL, &row[k], e2, sizeof e2) < 0)
                row[k].method = FK_FC_AUTO; /* marks "no fit" */
    for (size_t k = 0; k < t->norig; k++) {
        const fk_fc_model *mo = &row[k];
        const fk_fc_series *s = &t->pre[k];
        if (mo->method != m) continue;
        double *pr = &t->pred[((size_t)m * t->norig + k) * FK_FC_NCK];
        for (int c = 0; c < FK_FC_NCK; c++) {
            double mu = mo->mean(mo, fk_fc_ck_weeks[c]);
            /* the same floor and clipping as the forecast itself */
            pr[c] = isfinite(mu) ? clip01(fmax(mu, s->r[s->n - 1])) : NAN;
        }
    }
}

void fk_fc_table_build(const fk_obs *obs, size_t n, const fk_fc_options *o,
                       unsigned mask, const fk_fc_chains *chains,
                       fk_fc_table *t)
{
    memset(t, 0, sizeof *t);
    t->obs = obs;
    t->mask = mask & ALL_METHODS;
    size_t *cand = fk_xcalloc(n + 1, sizeof *cand);
    size_t no = t->norig = fk_fc_chain_origins(obs, n, cand),
           nm = FK_FC_NMETHODS;
    fk_fc_series_make(obs, n, &t->whole);
    t->pre = fk_xcalloc(no + 1, sizeof *t->pre);
    t->at = cand;
    t->day = fk_xcalloc(no + 1, sizeof *t->day);
    t->model = fk_xcalloc(nm * no + 1, sizeof *t->model);
    t->pred = fk_xcalloc(nm * no * FK_FC_NCK + 1, sizeof(double));
    t->actual = fk_xcalloc(no * FK_FC_NCK + 1, sizeof(double));
    t->speed = fk_xcalloc(no + 1, sizeof(double));
    t->opt = *o;
    t->band = fk_xcalloc(nm * no + 1, sizeof *t->band);
    t->band_state = fk_xcalloc(nm * no + 1, 1);
    for (size_t k = 0; k < nm * no * FK_FC_NCK; k++) t->pred[k] = NAN;
    for (size_t k = 0; k < no; k++) {
        size_t i = cand[k];
        t->day[k] = obs[i].date;
        t->pre[k] = t->whole;
        t->pre[k].n = i + 1, t->pre[k].last = obs[i].date;
        t->speed[k] =
            fk_fc_speed(&t->pre[k], o->pace_weeks > 0 ? o->pace_weeks : 8);
        for (int c = 0; c < FK_FC_NCK; c++) {
            fk_day d = obs[i].date + 7 * fk_fc_ck_weeks[c];
            t->actual[k * FK_FC_NCK + (size_t)c] =
                d <= obs[n - 1].date ? actual_at(obs, n, d) : NAN;
        }
    }
    for (int m = FK_FC_PACE; m < FK_FC_NMETHODS; m++)
        if (t->mask & (1u << m)) fit_method(t, o, (fk_fc_method)m, chains);
}

void fk_fc_table_keep(const fk_fc_table *t, fk_fc_chains *chains)
{
    if (!chains) return;
    for (int m = FK_FC_PACE; m < FK_FC_NMETHODS; m++) {
        if (!(t->mask & (1u << m))) continue;
        int fresh = fk_fc_chain_keeps_fits((fk_fc_method)m) &&
                    t->fitted_from[m] < t->norig;
        for (size_t k = 0; k < t->norig && !fresh; k++)
            fresh = t->band_state[(size_t)m * t->norig + k] == 2;
        if (fresh) fk_fc_chain_save(t, (fk_fc_method)m, chains);
    }
}

void fk_fc_table_free(fk_fc_table *t)
{
    fk_fc_series_free(&t->whole);
    free(t->pre), free(t->at), free(t->day), free(t->model), free(t->pred),
        free(t->actual);
    free(t->speed), free(t->band), free(t->band_state);
    memset(t, 0, sizeof *t);
}

const double (*fk_fc_table_band(const fk_fc_table *t, fk_fc_method m,
                                size_t o))[4]
{
    size_t i = (size_t)m * t->norig + o;
    const fk_fc_model *mo = &t->model[i];
    if (!(t->mask & (1u << m)) || mo->method != m) return NULL;
    if (!t->band_state[i]) {
        fk_fc_cal cal;
        fk_fc_dev dev[FK_FC_MAXH + 1];
        fk_fc_table_cal(t, m, t->day[o], &cal);
        fk_fc_cal_dev(&cal, mo, &t->opt, FK_FC_MAXH, dev);
        for (int b = 0; b < FK_BT_NH; b++)
            memcpy(t->band[i][b], dev[fk_bt_horizons[b]], sizeof dev[0]);
        t->band_state[i] = 2;
    }
    return (const double(*)[4])t->band[i];
}

double fk_fc_winkler(double lo, double hi, double y, double alpha)
{
    return hi - lo + 2 / alpha * (fmax(lo - y, 0) + fmax(y - hi, 0));
}

/* Auto counts both the point and the interval: each method's MAE and 80%
 * interval score, averaged over the backtest horizons on the latest
 * FK_BT_AUTO_ORIGINS forecasts per horizon whose outcome is known on day
 * `now`, are taken relative to pace's, and the mean of the two ratios
 * must be below 1 - FK_BT_AUTO_MARGIN for a method to replace pace.
 * Only methods that produced every forecast pace did compete. */
fk_fc_method fk_fc_table_pick(const fk_fc_table *t, fk_day now)
{
    if (!(t->mask & (1u << FK_FC_PACE))) return FK_FC_PACE;
    double mae[FK_FC_NMETHODS] = {0}, isc[FK_FC_NMETHODS] = {0};
    int bad[FK_FC_NMETHODS] = {0}, horizons = 0, first_n = 0;
    for (int b = 0; b < FK_BT_NH; b++) {
        int k = fk_fc_ck_index(fk_bt_horizons[b]), h = fk_bt_horizons[b];
        double ae[FK_FC_NMETHODS] = {0}, ie[FK_FC_NMETHODS] = {0};
        int used = 0;
        for (size_t o = t->norig; o-- > 0 && used < FK_BT_AUTO_ORIGINS;) {
            if (t->day[o] + 7 * h > now) continue;
            double y = t->actual[o * FK_FC_NCK + (size_t)k];
            if (!isfinite(fk_fc_table_pred(t, FK_FC_PACE, o, k)) ||
                !isfinite(y))
                continue;
            used++;
            for (int m = FK_FC_PACE; m < FK_FC_NMETHODS; m++) {
                if (!(t->mask & (1u << m))) continue;
                double p = fk_fc_table_pred(t, (fk_fc_method)m, o, k);
                const double(*d)[4] = fk_fc_table_band(t, (fk_fc_method)m, o);
                if (!isfinite(p) || !d) { /* judged on pace's forecasts */
                    bad[m] = 1;
                    continue;
                }
                ae[m] += fabs(p - y);
                ie[m] += fk_fc_winkler(clip01(p + d[b][1]), clip01(p + d[b][2]),
                                       y, 0.2);
            }
        }
        if (b == 0) first_n = used;
        if (used == 0) continue;
        horizons++;
        for (int m = FK_FC_PACE; m < FK_FC_NMETHODS; m++)
            mae[m] += ae[m] / used, isc[m] += ie[m] / used;
    }
    if (first_n < FK_BT_MIN_ORIGINS || horizons == 0 ||
        !(mae[FK_FC_PACE] > 0 && isc[FK_FC_PACE] > 0))
        return FK_FC_PACE;
    fk_fc_method best = FK_FC_PACE;
    double best_score = 1.0;
    for (int m = FK_FC_PACE + 1; m < FK_FC_NMETHODS; m++) {
        if (!(t->mask & (1u << m)) || bad[m]) continue;
        double sc = (mae[m] / mae[FK_FC_PACE] + isc[m] / isc[FK_FC_PACE]) / 2;
        if (sc < best_score) best = (fk_fc_method)m, best_score = sc;
    }
    /* a challenger must beat pace clearly: with this few forecasts a small
     * lead is noise, and pace is the ministry's own yardstick */
    return best_score < 1.0 - FK_BT_AUTO_MARGIN ? best : FK_FC_PACE;
}
