/* bass.c - the Bass diffusion model: cumulative adoption
 *     F(t) = m (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})
 * with t in weeks from launch, taken as the first observation; p is the
 * innovation (external) coefficient, q imitation, m the market ceiling
 * (between the highest observed share and 1).  Least squares by
 * Nelder-Mead from a grid of starts over p and q.
 *
 * Parameters: p[0] m, p[1] p, p[2] q (per week), p[3] launch time (the
 * first observation's t, i.e. 0). */
#include "forecast/fc_internal.h"

#include <math.h>

static double bass_curve(const double *p, double t)
{
    double tt = t - p[3];
    if (tt <= 0) return 0;
    double e = exp(-(p[1] + p[2]) * tt);
    return p[0] * (1.0 - e) / (1.0 + (p[2] / p[1]) * e);
}

static void unpack(const fk_fc_curve *c, const double *x, double *p)
{
    p[0] = c->lo + (1.0 - c->lo) * fk_fc_sigmoid(x[0]);
    p[1] = exp(fmin(fmax(x[1], -25.0), 2.0));
    p[2] = exp(fmin(fmax(x[2], -25.0), 2.0));
    p[3] = c->s->t[0];
}

static fk_fc_curve curve_of(const fk_fc_series *s)
{
    static const double step[3] = {1.0, 1.0, 0.7};
    return (fk_fc_curve){s, fk_fc_max_share(s), 0, step, unpack, bass_curve};
}

static double bass_mean(const fk_fc_model *m, double h)
{
    return bass_curve(m->p, m->s->t[m->s->n - 1] + h);
}

void fk_fc_bass_fill(fk_fc_model *m, const fk_fc_series *s, const double *p,
                     double v)
{
    m->method = FK_FC_BASS;
    m->s = s;
    for (int i = 0; i < 4; i++) m->p[i] = p[i];
    m->sse = v;
    m->mean = bass_mean;
}

int fk_fc_fit_bass(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen)
{
    (void)o, (void)err, (void)errlen;
    fk_fc_curve c = curve_of(s);
    static const double mf[] = {0.2, 0.8};
    static const double pf[] = {1e-5, 1e-3, 1e-2};
    static const double qf[] = {0.01, 0.05, 0.2};
    double starts[18][3], p[4] = {0};
    size_t k = 0;
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t d = 0; d < 3; d++, k++)
                starts[k][0] = fk_fc_logit(mf[a]), starts[k][1] = log(pf[b]),
                starts[k][2] = log(qf[d]);
    double v = fk_fc_curve_grid(&c, (const double(*)[3])starts, k, p);
    fk_fc_bass_fill(m, s, p, v);
    return 0;
}

int fk_fc_fit_bass_warm(const fk_fc_series *s, const fk_fc_options *o,
                        const fk_fc_model *warm, fk_fc_model *m)
{
    (void)o;
    fk_fc_curve c = curve_of(s);
    double p[4], x[3] = {fk_fc_logit(fmax(warm->p[0] - c.lo, 1e-9) /
                                     fmax(1.0 - c.lo, 1e-9)),
                         log(warm->p[1]), log(warm->p[2])};
    double v = fk_fc_curve_fit(&c, x, 800, p);
    fk_fc_bass_fill(m, s, p, v);
    return 0;
}
