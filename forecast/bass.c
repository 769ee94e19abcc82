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
#include <stdio.h>
#include <string.h>

static double bass_curve(const double *p, double t)
{
    double tt = t - p[3];
    if (tt <= 0) return 0;
    double e = exp(-(p[1] + p[2]) * tt);
    return p[0] * (1.0 - e) / (1.0 + (p[2] / p[1]) * e);
}

typedef struct {
    const fk_fc_series *s;
    double lo;
} fit_ctx;

static void unpack(const fit_ctx *c, const double *x, double *p)
{
    p[0] = c->lo + (1.0 - c->lo) * fk_fc_sigmoid(x[0]);
    p[1] = exp(fmin(fmax(x[1], -25.0), 2.0));
    p[2] = exp(fmin(fmax(x[2], -25.0), 2.0));
    p[3] = c->s->t[0];
}

static double sse(const double *x, void *vctx)
{
    const fit_ctx *c = vctx;
    double p[4], v = 0;
    unpack(c, x, p);
    for (size_t i = 0; i < c->s->n; i++) {
        double e = c->s->r[i] - bass_curve(p, c->s->t[i]);
        v += e * e;
    }
    return v;
}

static double fit_from(fit_ctx *c, double *x, int maxeval, double *p)
{
    static const double step[3] = {1.0, 1.0, 0.7};
    double v = fk_fc_nelder_mead(sse, c, x, 3, step, maxeval, 1e-13);
    unpack(c, x, p);
    return v;
}

static double refit(const fk_fc_series *s, const fk_fc_options *o, double *p)
{
    (void)o;
    fit_ctx c = {s, fk_fc_max_share(s)};
    double x[3] = {
        fk_fc_logit(fmax(p[0] - c.lo, 1e-9) / fmax(1.0 - c.lo, 1e-9)),
        log(p[1]), log(p[2])};
    return fit_from(&c, x, 800, p);
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
    fit_ctx c = {s, fk_fc_max_share(s)};
    static const double mf[] = {0.2, 0.8};
    static const double pf[] = {1e-5, 1e-3, 1e-2};
    static const double qf[] = {0.01, 0.05, 0.2};
    double best = HUGE_VAL, bp[4] = {0};
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t d = 0; d < 3; d++) {
                double x[3] = {fk_fc_logit(mf[a]), log(pf[b]), log(qf[d])},
                       p[4];
                double v = fit_from(&c, x, 2000, p);
                if (v < best)
                    best = v, bp[0] = p[0], bp[1] = p[1], bp[2] = p[2],
                    bp[3] = p[3];
            }
    fk_fc_bass_fill(m, s, bp, best);
    return 0;
}

int fk_fc_fit_bass_warm(const fk_fc_series *s, const fk_fc_options *o,
                        const fk_fc_model *warm, fk_fc_model *m)
{
    double p[4];
    memcpy(p, warm->p, sizeof p);
    double v = refit(s, o, p);
    fk_fc_bass_fill(m, s, p, v);
    return 0;
}
