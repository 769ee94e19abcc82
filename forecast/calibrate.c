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
 *   the day of the forecast are mixed with a prior worth FK_FC_PRIOR_N
 *   errors (a normal, mean 0, sd FK_FC_PRIOR_SD: 80% of increments between
 *   a third and three times the forecast one), each error smoothed into a
 *   narrow normal (Silverman's rule of thumb), and the 2.5, 10, 90 and
 *   97.5% quantiles of that mixture bound the log ratio.  With no errors
 *   yet (a short series) the prior alone gives the band; with 52 the
 *   errors' own distribution dominates (close to split-conformal, as
 *   before), so the band leans the way the data say: a straight line
 *   under-forecasts an accelerating curve, and the band reaches up;
 * - the bounds are r0 + (g + c) exp(q) - c, with g the forecast increment
 *   and q those quantiles: asymmetric in share, never below the floor
 *   (fk_fc_floor); q is interpolated linearly in weeks between
 *   checkpoints, so widths grow smoothly with the horizon;
 * - bounds never fall with the horizon (a cumulative share's quantiles
 *   cannot), the point forecast stays inside, all is clipped to [0, 1].
 *
 * "Known on the day" matters: the backtest scores each origin with the
 * errors whose outcome was observed by then, so its coverage and
 * interval scores are out of sample. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdlib.h>
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

/* The level of each bound: lo95, lo80, hi80, hi95. */
static const double levels[4] = {0.025, 0.10, 0.90, 0.975};

void fk_fc_cal_prior(fk_fc_cal *c)
{
    static const double z[4] = {-FK_FC_Z95, -FK_FC_Z80, FK_FC_Z80, FK_FC_Z95};
    memset(c, 0, sizeof *c);
    for (int k = 0; k < FK_FC_NCK; k++)
        for (int j = 0; j < 4; j++) c->q[k][j] = z[j] * FK_FC_PRIOR_SD;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The predictive distribution of the log ratio: the prior, a normal
 * worth FK_FC_PRIOR_N errors, mixed with the n known errors, each
 * smoothed into a normal of width b so that few errors still give
 * distinct 80% and 95% bounds.  Its cdf and density. */
typedef struct {
    const double *e;
    int n;
    double b;
} mixture;

static void mix_eval(const mixture *m, double x, double *cdf, double *pdf)
{
    const double s0 = FK_FC_PRIOR_SD, r2pi = 0.3989422804014327;
    double c = FK_FC_PRIOR_N * 0.5 * erfc(-x / (s0 * M_SQRT2)),
           d = FK_FC_PRIOR_N * r2pi / s0 * exp(-0.5 * (x / s0) * (x / s0));
    for (int i = 0; i < m->n; i++) {
        double u = (x - m->e[i]) / m->b;
        c += 0.5 * erfc(-u / M_SQRT2);
        d += r2pi / m->b * exp(-0.5 * u * u);
    }
    *cdf = c / (FK_FC_PRIOR_N + m->n);
    *pdf = d / (FK_FC_PRIOR_N + m->n);
}

/* Its p-quantile: Newton's method kept inside a shrinking bracket (the
 * cdf is smooth and increasing), a few evaluations each. */
static double mix_quantile(const mixture *m, double p, double x)
{
    double a = -40, b = 40;
    for (int it = 0; it < 60; it++) {
        double f, d;
        mix_eval(m, x, &f, &d);
        if (f > p)
            b = x;
        else
            a = x;
        double nx = d > 0 ? x - (f - p) / d : 0.5 * (a + b);
        if (!(nx > a && nx < b)) nx = 0.5 * (a + b);
        if (fabs(nx - x) < 1e-7) return nx; /* of a log ratio: ample */
        x = nx;
    }
    return x;
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
        c->nerr[k] = ne;
        if (ne == 0) continue;
        double sum = 0, ss = 0;
        for (int i = 0; i < ne; i++) sum += e[i];
        for (int i = 0; i < ne; i++)
            ss += (e[i] - sum / ne) * (e[i] - sum / ne);
        double sd = ne > 1 ? sqrt(ss / (ne - 1)) : FK_FC_PRIOR_SD;
        qsort(e, (size_t)ne, sizeof e[0], cmp_double);
        /* Silverman's rule of thumb, robust to the odd huge error */
        double iqr = e[(3 * (ne - 1)) / 4] - e[(ne - 1) / 4],
               spread = iqr > 0 ? fmin(sd, iqr / 1.34) : sd;
        mixture mx = {e, ne, 0.9 * fmax(spread, 1e-3) * pow(ne, -0.2)};
        for (int j = 0; j < 4; j++) { /* start between prior and errors */
            double emp = e[(int)(levels[j] * (ne - 1) + 0.5)];
            double x0 =
                (FK_FC_PRIOR_N * c->q[k][j] + ne * emp) / (FK_FC_PRIOR_N + ne);
            c->q[k][j] = mix_quantile(&mx, levels[j], x0);
        }
    }
}

/* The four log-ratio quantiles h weeks ahead, interpolated between
 * checkpoints. */
static void at_horizon(const fk_fc_cal *c, double h, double q[4])
{
    int k = 0;
    while (k + 1 < FK_FC_NCK && fk_fc_ck_weeks[k + 1] <= h) k++;
    double w = 0;
    if (k + 1 < FK_FC_NCK && h > fk_fc_ck_weeks[0])
        w = (h - fk_fc_ck_weeks[k]) /
            (double)(fk_fc_ck_weeks[k + 1] - fk_fc_ck_weeks[k]);
    for (int j = 0; j < 4; j++)
        q[j] = c->q[k][j] + (w > 0 ? w * (c->q[k + 1][j] - c->q[k][j]) : 0);
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
    const fk_fc_series *s = m->s;
    int pw = o->pace_weeks > 0 ? o->pace_weeks : 8;
    double r0 = s->r[s->n - 1], v = fk_fc_speed(s, pw), run[4] = {0};
    memset(dev[0], 0, sizeof dev[0]);
    for (int h = 1; h <= nsteps; h++) {
        double q[4], mean = m->mean(m, h);
        double rate = clip01(fmax(isfinite(mean) ? mean : r0, r0));
        double g = rate - r0, cc = FK_FC_OFFSET * v * h,
               floor = fk_fc_floor(s, pw, h);
        at_horizon(c, h, q);
        for (int j = 0; j < 4; j++) {
            double b = r0 + (g + cc) * exp(q[j]) - cc;
            b = clip01(fmax(b, floor));
            if (h > 1) b = fmax(b, run[j]); /* never falling with h */
            run[j] = b;
            b = j < 2 ? fmin(b, rate) : fmax(b, rate);
            dev[h][j] = b - rate;
        }
    }
}
