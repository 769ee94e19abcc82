/* pace.c - "if the current pace continues": the least-squares slope of the
 * last N weeks of observations, carried forward from the last observed
 * share, as the ministry's own projections do.
 *
 * Parameters: p[0] = slope (share per week), p[1] = last share,
 * p[2] = drift volatility (share per sqrt(week): how far each step of
 * the history strayed from the current pace), p[3] = window (weeks).
 * Intervals come from calibrate.c, as for every method. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdio.h>

static double pace_mean(const fk_fc_model *m, double h)
{
    return m->p[1] + m->p[0] * h;
}

int fk_fc_fit_pace(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen)
{
    size_t n = s->n;
    if (n < 2) {
        snprintf(err, errlen, "insufficient data: pace needs 2 observations");
        return -1;
    }
    double tl = s->t[n - 1], weeks = o->pace_weeks > 0 ? o->pace_weeks : 8;
    size_t i0 = n - 1;
    while (i0 > 0 && s->t[i0 - 1] >= tl - weeks - 1e-9) i0--;
    if (n - i0 < 2) i0 = n - 2; /* fewer than 2 points in the window */

    double k = (double)(n - i0), st = 0, sr = 0;
    for (size_t i = i0; i < n; i++) st += s->t[i], sr += s->r[i];
    double mt = st / k, mr = sr / k, sxx = 0, sxy = 0;
    for (size_t i = i0; i < n; i++) {
        sxx += (s->t[i] - mt) * (s->t[i] - mt);
        sxy += (s->t[i] - mt) * (s->r[i] - mr);
    }
    double slope = sxx > 0 ? sxy / sxx : 0;

    /* Drift volatility: how far each step of the whole history strayed
     * from the current pace, pooled per week of elapsed time. */
    double ss = 0, dt = 0;
    for (size_t i = 1; i < n; i++) {
        double d = s->t[i] - s->t[i - 1];
        double e = (s->r[i] - s->r[i - 1]) - slope * d;
        ss += e * e, dt += d;
    }
    m->method = FK_FC_PACE;
    m->s = s;
    m->p[0] = slope;
    m->p[1] = s->r[n - 1];
    m->p[2] = dt > 0 ? sqrt(ss / dt) : 0;
    m->p[3] = fmax(tl - s->t[i0], 1.0);
    m->sse = ss;
    m->mean = pace_mean;
    return 0;
}
