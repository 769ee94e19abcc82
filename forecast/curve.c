/* curve.c - what the two curve methods (logistic.c, bass.c) share: least
 * squares of a curve r(t; p) over the series, by Nelder-Mead in raw
 * coordinates x that each method maps to its parameters p (so that bounds
 * such as "cap between the highest share and 1" hold by construction),
 * from one start (a warm refit) or from a grid of starts. */
#include "forecast/fc_internal.h"

#include <math.h>

static double sse(const double *x, void *vctx)
{
    const fk_fc_curve *c = vctx;
    double p[4], v = 0;
    c->unpack(c, x, p);
    for (size_t i = 0; i < c->s->n; i++) {
        double e = c->s->r[i] - c->curve(p, c->s->t[i]);
        v += e * e;
    }
    return v;
}

double fk_fc_curve_fit(const fk_fc_curve *c, double *x, int maxeval, double *p)
{
    double v = fk_fc_nelder_mead(sse, (void *)c, x, 3, c->step, maxeval, 1e-13);
    c->unpack(c, x, p);
    return v;
}

double fk_fc_curve_grid(const fk_fc_curve *c, const double (*starts)[3],
                        size_t nstarts, double *p)
{
    double best = HUGE_VAL;
    for (size_t k = 0; k < nstarts; k++) {
        double x[3] = {starts[k][0], starts[k][1], starts[k][2]}, q[4] = {0};
        double v = fk_fc_curve_fit(c, x, 2000, q);
        if (v < best) {
            best = v;
            for (int i = 0; i < 4; i++) p[i] = q[i];
        }
    }
    return best;
}
