/* fc_internal.h - what the forecast files share and nothing else sees:
 * the prepared series, the fitted-model record each method fills, the
 * Nelder-Mead minimiser, a seeded random source and small numeric helpers.
 * Tests include it to check fitted parameters directly. */
#ifndef FK_FC_INTERNAL_H
#define FK_FC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/forecast.h"

/* Observations as shares on a time axis in weeks since the first one. */
typedef struct {
    const double *t;   /* weeks since first observation, ascending */
    const double *r;   /* adopting / total */
    size_t n;
    fk_day first, last;
} fk_fc_series;

/* Interval offsets from the model mean per weekly step h = 0..nsteps:
 * dev[h][0..3] = lo95, lo80, hi80, hi95 (lower ones <= 0).  Step 0 is 0. */
typedef double fk_fc_dev[4];

typedef struct fk_fc_model fk_fc_model;
struct fk_fc_model {
    fk_fc_method method;
    const fk_fc_series *s;
    double p[8];        /* method parameters (see each method's file) */
    double sse;         /* fitting objective at the optimum */
    /* Point forecast h weeks (real) after the last observation, before the
     * cumulative floor and clipping are applied. */
    double (*mean)(const fk_fc_model *m, double h);
    /* Fills dev[0..nsteps]; 0 or -1 with err. */
    int (*bands)(const fk_fc_model *m, const fk_fc_options *o, int nsteps,
                 fk_fc_dev *dev, char *err, size_t errlen);
};

/* Each method: fits the series; 0 or -1 with a reason in err. */
int fk_fc_fit_pace(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_holt(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_logistic(const fk_fc_series *s, const fk_fc_options *o,
                       fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_bass(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen);

/* The curve methods (logistic, bass) share their interval simulation:
 * residual bootstrap with refits plus a random walk for drift away from
 * the curve.  refit(y, p) refits in place from the start p. */
typedef double (*fk_fc_curve_fn)(const double *p, double t);
typedef double (*fk_fc_refit_fn)(const fk_fc_series *s, const fk_fc_options *o,
                                 double *p);
int fk_fc_curve_bands(const fk_fc_model *m, const fk_fc_options *o, int nsteps,
                      fk_fc_dev *dev, fk_fc_curve_fn curve,
                      fk_fc_refit_fn refit);

/* Nelder-Mead: minimises f over R^dim from x (overwritten with the best
 * point); step is the initial simplex size per coordinate.  Returns the
 * minimum.  dim <= 4. */
typedef double (*fk_fc_objective)(const double *x, void *ctx);
double fk_fc_nelder_mead(fk_fc_objective f, void *ctx, double *x, int dim,
                         const double *step, int maxeval, double tol);

/* Deterministic random numbers (splitmix64). */
typedef struct { uint64_t s; } fk_fc_rng;
void fk_fc_rng_seed(fk_fc_rng *g, uint64_t seed);
double fk_fc_rng_uniform(fk_fc_rng *g);   /* [0, 1) */
double fk_fc_rng_normal(fk_fc_rng *g);    /* standard normal */

/* Quantile q in [0,1] of v[0..n) (sorts v). */
double fk_fc_quantile(double *v, size_t n, double q);
double fk_fc_sigmoid(double x);
double fk_fc_logit(double p);

/* Normal quantiles used for 80% and 95% two-sided intervals. */
#define FK_FC_Z80 1.2815515655446004
#define FK_FC_Z95 1.959963984540054

#endif
