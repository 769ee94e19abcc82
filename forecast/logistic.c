/* logistic.c - saturating growth r(t) = cap / (1 + exp(-k (t - t0))),
 * fitted by least squares with Nelder-Mead from a grid of starts (the
 * problem has long flat valleys when the data cover only the early,
 * nearly exponential part of the curve; several starts avoid stopping in
 * one).  cap is fitted between the highest observed share and 1, or set
 * by the caller (fk_fc_options.cap).
 *
 * Parameters: p[0] cap, p[1] k (per week), p[2] t0 (weeks since the
 * first observation), p[3] 1 when cap was set.  t is in weeks. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdio.h>

static double logistic_curve(const double *p, double t)
{
    return p[0] / (1.0 + exp(-p[1] * (t - p[2])));
}

static void unpack(const fk_fc_curve *c, const double *x, double *p)
{
    p[0] = c->cap > 0 ? c->cap : c->lo + (1.0 - c->lo) * fk_fc_sigmoid(x[0]);
    p[1] = exp(fmin(fmax(x[1], -15.0), 3.0));
    p[2] = x[2];
}

static fk_fc_curve curve_of(const fk_fc_series *s, const fk_fc_options *o)
{
    static const double step[3] = {1.0, 0.7, 10.0};
    return (fk_fc_curve){s,      fk_fc_max_share(s), o->cap, step,
                         unpack, logistic_curve};
}

static double logistic_mean(const fk_fc_model *m, double h)
{
    return logistic_curve(m->p, m->s->t[m->s->n - 1] + h);
}

void fk_fc_logistic_fill(fk_fc_model *m, const fk_fc_series *s,
                         const fk_fc_options *o, const double *p, double v)
{
    m->method = FK_FC_LOGISTIC;
    m->s = s;
    m->p[0] = p[0], m->p[1] = p[1], m->p[2] = p[2];
    m->p[3] = o->cap > 0;
    m->sse = v;
    m->mean = logistic_mean;
}

int fk_fc_fit_logistic(const fk_fc_series *s, const fk_fc_options *o,
                       fk_fc_model *m, char *err, size_t errlen)
{
    if (o->cap < 0 || o->cap > 1) {
        snprintf(err, errlen, "logistic cap %g is outside (0, 1]", o->cap);
        return -1;
    }
    fk_fc_curve c = curve_of(s, o);
    double span = fmax(s->t[s->n - 1] - s->t[0], 1.0), tl = s->t[s->n - 1];
    static const double capf[] = {0.1, 0.5, 0.9};
    static const double kf[] = {3.0, 10.0};
    static const double t0f[] = {0.0, 0.5, 1.5};
    double starts[18][3], p[4] = {0};
    size_t k = 0;
    for (size_t a = 0; a < (o->cap > 0 ? 1u : 3u); a++)
        for (size_t b = 0; b < 2; b++)
            for (size_t d = 0; d < 3; d++, k++)
                starts[k][0] = fk_fc_logit(capf[a]),
                starts[k][1] = log(kf[b] / span),
                starts[k][2] = tl + t0f[d] * span;
    double v = fk_fc_curve_grid(&c, (const double(*)[3])starts, k, p);
    fk_fc_logistic_fill(m, s, o, p, v);
    return 0;
}

int fk_fc_fit_logistic_warm(const fk_fc_series *s, const fk_fc_options *o,
                            const fk_fc_model *warm, fk_fc_model *m)
{
    fk_fc_curve c = curve_of(s, o);
    double p[4], x[3];
    x[0] = c.cap > 0 ? 0
                     : fk_fc_logit(fmax(warm->p[0] - c.lo, 1e-9) /
                                   fmax(1.0 - c.lo, 1e-9));
    x[1] = log(warm->p[1]);
    x[2] = warm->p[2];
    double v = fk_fc_curve_fit(&c, x, 800, p);
    fk_fc_logistic_fill(m, s, o, p, v);
    return 0;
}
