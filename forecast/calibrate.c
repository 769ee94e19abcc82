/* calibrate.c - intervals shaped like adoption and calibrated on the
 * method's own errors.
 *
 * Adoption is cumulative: what is operating stays operating, so the share
 * h weeks ahead is the last share plus an increment that cannot be
 * negative (only a growing denominator can pull the share down a little).
 * The uncertainty is therefore about the increment, and it is
 * multiplicative: a policy push doubles the pace, a lull halves it.  So:
 *
 * - every rolling-origin forecast gives an error on the log scale of the
 *   increment, e = ln((actual - r0 + c) / (forecast - r0 + c)), where r0
 *   is the share at the origin and c = FK_FC_OFFSET x the recent speed x
 *   h (a quarter of the increment at the recent pace), which keeps the
 *   ratio defined for a flat forecast or a standstill;
 * - at each checkpoint horizon the latest FK_FC_CAL_MAX errors known on
 *   the day of the forecast are pooled with a prior worth FK_FC_PRIOR_N
 *   errors (mean 0, sd FK_FC_PRIOR_SD: 80% of increments between a third
 *   and three times the forecast one) into a mean and an sd.  With no
 *   errors yet (a short series) the prior alone gives the band; with 52
 *   the data dominate.  A non-zero mean is the method's bias (a straight
 *   line under-forecasts an accelerating curve), so the band leans the
 *   way the data say;
 * - the bounds are r0 + (g + c) exp(mean + z sd) - c, with g the forecast
 *   increment: asymmetric in share, never below the floor (fk_fc_floor);
 *   mean and sd are interpolated linearly between checkpoints, so widths
 *   grow smoothly with the horizon;
 * - bounds never fall with the horizon (a cumulative share's quantiles
 *   cannot), the point forecast stays inside, all is clipped to [0, 1].
 *
 * "Known on the day" matters: the backtest scores each origin with the
 * errors whose outcome was observed by then, so its coverage and
 * interval scores are out of sample. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <string.h>

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* The log-ratio error of forecast p against actual y from share r0,
 * h weeks ahead at recent speed v. */
static double log_error(double r0, double p, double y, double v, double h)
{
    double c = FK_FC_OFFSET * v * h;
    return log(fmax(y - r0 + c, 0.05 * c) / (fmax(p - r0, 0) + c));
}

void fk_fc_cal_prior(fk_fc_cal *c)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < FK_FC_NCK; k++) c->sd[k] = FK_FC_PRIOR_SD;
}

void fk_fc_table_cal(const fk_fc_table *t, fk_fc_method m, fk_day now,
                     fk_fc_cal *c)
{
    fk_fc_cal_prior(c);
    if ((unsigned)m >= FK_FC_NMETHODS || !(t->mask & (1u << m))) return;
    double e[FK_FC_CAL_MAX];
    for (int k = 0; k < FK_FC_NCK; k++) {
        int h = fk_fc_ck_weeks[k], ne = 0;
        for (size_t o = t->norig; o-- > 0 && ne < FK_FC_CAL_MAX;) {
            if (t->day[o] + 7 * h > now) continue; /* outcome not known yet */
            double p = fk_fc_table_pred(t, m, o, k),
                   y = t->actual[o * FK_FC_NCK + (size_t)k];
            const fk_fc_series *s = &t->pre[o];
            if (isfinite(p) && isfinite(y))
                e[ne++] = log_error(s->r[s->n - 1], p, y, t->speed[o], h);
        }
        double sum = 0, ss = FK_FC_PRIOR_N * FK_FC_PRIOR_SD * FK_FC_PRIOR_SD;
        for (int i = 0; i < ne; i++) sum += e[i];
        double mu = sum / (FK_FC_PRIOR_N + ne); /* the prior's mean is 0 */
        for (int i = 0; i < ne; i++) ss += (e[i] - mu) * (e[i] - mu);
        ss += FK_FC_PRIOR_N * mu * mu; /* the prior's errors sit at 0 */
        c->mu[k] = mu;
        c->sd[k] = sqrt(ss / (FK_FC_PRIOR_N + ne));
        c->nerr[k] = ne;
    }
}

/* Mean and sd h weeks ahead, interpolated between checkpoints. */
static void at_horizon(const fk_fc_cal *c, double h, double *mu, double *sd)
{
    int k = 0;
    while (k + 1 < FK_FC_NCK && fk_fc_ck_weeks[k + 1] <= h) k++;
    if (k + 1 == FK_FC_NCK || h <= fk_fc_ck_weeks[0]) {
        *mu = c->mu[k], *sd = c->sd[k];
        return;
    }
    double h0 = fk_fc_ck_weeks[k], h1 = fk_fc_ck_weeks[k + 1],
           w = (h - h0) / (h1 - h0);
    *mu = c->mu[k] + w * (c->mu[k + 1] - c->mu[k]);
    *sd = c->sd[k] + w * (c->sd[k + 1] - c->sd[k]);
}

double fk_fc_floor(const fk_fc_series *s, int pace_weeks, double h)
{
    size_t n = s->n, i0 = n - 1;
    double r0 = s->r[n - 1];
    if (!s->tot || n < 2) return r0;
    double tl = s->t[n - 1], weeks = pace_weeks > 0 ? pace_weeks : 8;
    while (i0 > 0 && s->t[i0 - 1] >= tl - weeks - 1e-9) i0--;
    if (i0 == n - 1) i0 = n - 2;
    double grow = (s->tot[n - 1] / s->tot[i0] - 1) / fmax(tl - s->t[i0], 1e-9);
    return grow > 0 ? r0 / (1 + grow * h) : r0;
}

void fk_fc_cal_dev(const fk_fc_cal *c, const fk_fc_model *m,
                   const fk_fc_options *o, int nsteps, fk_fc_dev *dev)
{
    static const double z[4] = {-FK_FC_Z95, -FK_FC_Z80, FK_FC_Z80, FK_FC_Z95};
    const fk_fc_series *s = m->s;
    int pw = o->pace_weeks > 0 ? o->pace_weeks : 8;
    double r0 = s->r[s->n - 1], v = fk_fc_speed(s, pw), run[4] = {0};
    memset(dev[0], 0, sizeof dev[0]);
    for (int h = 1; h <= nsteps; h++) {
        double mu, sd, mean = m->mean(m, h);
        double rate = clip01(fmax(isfinite(mean) ? mean : r0, r0));
        double g = rate - r0, cc = FK_FC_OFFSET * v * h,
               floor = fk_fc_floor(s, pw, h);
        at_horizon(c, h, &mu, &sd);
        for (int j = 0; j < 4; j++) {
            double b = r0 + (g + cc) * exp(mu + z[j] * sd) - cc;
            b = clip01(fmax(b, floor));
            if (h > 1) b = fmax(b, run[j]); /* never falling with h */
            run[j] = b;
            b = j < 2 ? fmin(b, rate) : fmax(b, rate);
            dev[h][j] = b - rate;
        }
    }
}
