/* pipeline.c - the application pipeline as a leading indicator.
 * Facilities that have applied but not started are where the next
 * months' adopters come from, so operating counts are forecast from the
 * applied stock and the rate at which it turns into operation, with new
 * applications flowing in:
 *
 *     operating(k+1) = operating(k) + c applied(k)
 *     applied(k+1)   = applied(k) + a - c applied(k)
 *
 * per week, in shares of the last denominator.  Over the last pace_weeks
 * weeks (at least the last two observations), c is the operating gained
 * per week of applied stock, sum d(operating) / sum applied(prev) dt, and
 * a the new applications per week, sum (d(applied) + d(operating)) /
 * sum dt; both are exact when the series follows the recurrence.  Then,
 * with q* = a / c the stock the inflow sustains, h weeks ahead
 *
 *     share(h) = r0 + a h + (q0 - q*) (1 - (1 - c)^h),
 *
 * the sum of the recurrence (real h interpolates it smoothly), never above
 * the share that has applied or operates by then, nor above 1.
 *
 * Parameters: p[0] = c, p[1] = r0, p[2] = q0 (applied share now),
 * p[3] = a (share per week), p[4] = window (weeks).  Needs applied counts
 * (the store has them for every pull; a CSV file only with an applied
 * column).  Intervals come from calibrate.c, as for every method. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdio.h>

static double pipeline_mean(const fk_fc_model *m, double h)
{
    double c = m->p[0], r0 = m->p[1], q0 = m->p[2], a = m->p[3];
    double v;
    if (c <= 0)
        v = r0;
    else
        v = r0 + a * h + (q0 - a / c) * (1 - pow(1 - c, h));
    return fmin(fmin(v, r0 + q0 + a * h), 1.0);
}

int fk_fc_fit_pipeline(const fk_fc_series *s, const fk_fc_options *o,
                       fk_fc_model *m, char *err, size_t errlen)
{
    size_t n = s->n;
    if (n < 2) {
        snprintf(err, errlen,
                 "insufficient data: pipeline needs 2 observations");
        return -1;
    }
    double tl = s->t[n - 1], weeks = o->pace_weeks > 0 ? o->pace_weeks : 8;
    size_t i0 = n - 1;
    while (i0 > 0 && s->t[i0 - 1] >= tl - weeks - 1e-9) i0--;
    if (n - i0 < 2) i0 = n - 2;
    if (!s->q) goto no_applied;
    double gained = 0, stock = 0, inflow = 0, dt = 0;
    for (size_t i = i0; i < n; i++) {
        if (!isfinite(s->q[i])) goto no_applied;
        if (i == i0) continue;
        double d = s->t[i] - s->t[i - 1], dr = s->r[i] - s->r[i - 1];
        gained += dr;
        stock += s->q[i - 1] * d;
        inflow += (s->q[i] - s->q[i - 1]) + dr;
        dt += d;
    }
    if (!(stock > 0)) {
        snprintf(err, errlen,
                 "pipeline: no applied facilities in the last %g weeks", weeks);
        return -1;
    }
    m->method = FK_FC_PIPELINE;
    m->s = s;
    m->p[0] = fmin(fmax(gained / stock, 0.0), 1.0);
    m->p[1] = s->r[n - 1];
    m->p[2] = s->q[n - 1];
    m->p[3] = fmax(inflow / dt, 0.0);
    m->p[4] = fmax(tl - s->t[i0], 1.0);
    m->sse = 0;
    m->mean = pipeline_mean;
    return 0;
no_applied:
    snprintf(err, errlen,
             "pipeline: the series has no applied counts (the store has "
             "them; a CSV file needs an applied column)");
    return -1;
}
