/* curve_bands.c - intervals for the fitted curves (logistic, Bass), where
 * no closed form fits: a residual bootstrap (refit the curve to the fitted
 * values plus resampled residuals, so that parameter uncertainty shows)
 * combined with a simulated random walk whose step size is how much the
 * residuals wander from one observation to the next per week (so that a
 * curve that fits the past well still admits that the future may leave
 * it).  Deterministic: the random source is seeded from the options. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NBOOT 200

int fk_fc_curve_bands(const fk_fc_model *m, const fk_fc_options *o, int nsteps,
                      fk_fc_dev *dev, fk_fc_curve_fn curve,
                      fk_fc_refit_fn refit)
{
    const fk_fc_series *s = m->s;
    size_t n = s->n;
    double *e = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
    double *sim = malloc(sizeof(double) * NBOOT * (size_t)(nsteps + 1));
    if (!e || !y || !sim) {
        free(e), free(y), free(sim);
        return -1;
    }
    double ss = 0, dt = 0;
    for (size_t i = 0; i < n; i++) {
        e[i] = s->r[i] - curve(m->p, s->t[i]);
        if (i > 0) {
            double d = e[i] - e[i - 1];
            ss += d * d, dt += s->t[i] - s->t[i - 1];
        }
    }
    double sw = dt > 0 ? sqrt(ss / dt) : 0, tl = s->t[n - 1];
    fk_fc_series sb = *s;
    sb.r = y;
    fk_fc_rng g;
    fk_fc_rng_seed(&g, o->seed);
    for (int b = 0; b < NBOOT; b++) {
        for (size_t i = 0; i < n; i++) {
            double v = curve(m->p, s->t[i]) +
                       e[(size_t)(fk_fc_rng_uniform(&g) * (double)n)];
            y[i] = fmin(fmax(v, 0.0), 1.0);
        }
        double p[8];
        memcpy(p, m->p, sizeof p);
        refit(&sb, o, p);
        double walk = 0;
        for (int h = 1; h <= nsteps; h++) {
            walk += sw * fk_fc_rng_normal(&g);
            sim[(size_t)h * NBOOT + (size_t)b] = curve(p, tl + h) + walk;
        }
    }
    static const double q[4] = {0.025, 0.10, 0.90, 0.975};
    memset(dev[0], 0, sizeof dev[0]);
    for (int h = 1; h <= nsteps; h++) {
        double *v = sim + (size_t)h * NBOOT, mu = curve(m->p, tl + h);
        for (int k = 0; k < 4; k++)
            dev[h][k] = fk_fc_quantile(v, NBOOT, q[k]) - mu;
        /* the fitted curve may sit outside a skewed bootstrap band */
        dev[h][0] = fmin(dev[h][0], 0), dev[h][1] = fmin(dev[h][1], 0);
        dev[h][2] = fmax(dev[h][2], 0), dev[h][3] = fmax(dev[h][3], 0);
    }
    free(e), free(y), free(sim);
    return 0;
}
