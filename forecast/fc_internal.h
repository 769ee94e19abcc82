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
    const double *t; /* weeks since first observation, ascending */
    const double *r; /* adopting / total */
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
    double p[8]; /* method parameters (see each method's file) */
    double sse;  /* fitting objective at the optimum */
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

/* Fits a method: the full grid of starts when warm is NULL, else only
 * from warm's parameters (a fit of the same method on a shorter prefix of
 * the series), which is how the rolling-origin table stays cheap.
 * Methods without starts (pace, holt) ignore warm. */
int fk_fc_fit(fk_fc_method method, const fk_fc_series *s,
              const fk_fc_options *o, const fk_fc_model *warm, fk_fc_model *m,
              char *err, size_t errlen);
int fk_fc_fit_logistic_warm(const fk_fc_series *s, const fk_fc_options *o,
                            const fk_fc_model *warm, fk_fc_model *m);
int fk_fc_fit_bass_warm(const fk_fc_series *s, const fk_fc_options *o,
                        const fk_fc_model *warm, fk_fc_model *m);

/* The curve methods (logistic, bass) share their interval simulation:
 * residual bootstrap with refits plus a random walk for drift away from
 * the curve.  refit(y, p) refits in place from the start p. */
typedef double (*fk_fc_curve_fn)(const double *p, double t);
typedef double (*fk_fc_refit_fn)(const fk_fc_series *s, const fk_fc_options *o,
                                 double *p);
int fk_fc_curve_bands(const fk_fc_model *m, const fk_fc_options *o, int nsteps,
                      fk_fc_dev *dev, fk_fc_curve_fn curve,
                      fk_fc_refit_fn refit);

/* ---- rolling-origin table (table.c) ------------------------------------
 * Every method's point forecast from every origin (one observation per
 * week at most) at the checkpoint horizons, and the share that was then
 * observed.  The backtest scores it, auto chooses from it and calibration
 * turns its errors into intervals, so each fit is made once. */
#define FK_FC_NCK 6
extern const int fk_fc_ck_weeks[FK_FC_NCK]; /* 1, 2, 4, 8, 13, 26 */
int fk_fc_ck_index(int weeks);              /* index in fk_fc_ck_weeks, or -1 */

typedef struct {
    fk_fc_series whole; /* the full series (t, r owned by the table) */
    fk_fc_series *pre;  /* [norig] the prefix up to each origin */
    size_t *at;         /* [norig] observation index of each origin */
    size_t norig;
    unsigned mask;      /* methods fitted, (1u << fk_fc_method) */
    fk_fc_model *model; /* [method][norig]; method 0 (auto) unused */
    double *pred;       /* [method][norig][FK_FC_NCK]; NAN: no forecast */
    double *actual;     /* [norig][FK_FC_NCK]; NAN: past the last obs */
    fk_day *day;        /* [norig] origin dates */
    double *speed;      /* [norig] fk_fc_speed of each prefix */
} fk_fc_table;

/* How fast the share moves lately: the mean absolute weekly change over
 * the last `weeks` weeks (the last two observations when the window holds
 * fewer), at least FK_FC_SPEED_FLOOR.  Calibration measures errors in
 * this unit, so that intervals keep up as adoption speeds up or slows. */
#define FK_FC_SPEED_FLOOR 1e-4
double fk_fc_speed(const fk_fc_series *s, int weeks);

/* Which origins a table holds: all of them (backtest), or only those
 * that choosing and calibrating at the last observation look at. */
enum {
    FK_FC_TABLE_ALL = 0,
    FK_FC_TABLE_LATEST = 1
};
int fk_fc_table_build(const fk_obs *obs, size_t n, const fk_fc_options *o,
                      unsigned mask, int which, fk_fc_table *t, char *err,
                      size_t errlen);
void fk_fc_table_free(fk_fc_table *t);
double fk_fc_table_pred(const fk_fc_table *t, fk_fc_method m, size_t o, int k);
/* What auto picks from the errors known on day `now` (an observation
 * date): the method with the lowest mean MAE over the backtest horizons on
 * the latest FK_BT_AUTO_ORIGINS forecasts per horizon; see backtest.h. */
fk_fc_method fk_fc_table_pick(const fk_fc_table *t, fk_day now);

/* ---- calibrated intervals (calibrate.c) ------------------------------- */
/* Errors needed at a checkpoint before it is calibrated (conformal 80%
 * needs at least 4), and how many of the latest are used. */
#define FK_FC_CAL_MIN 5
#define FK_FC_CAL_MAX 52
/* Model bands are widened by this factor where no checkpoint has enough
 * errors yet (see docs/forecast.md for how it was measured). */
#define FK_FC_WIDEN 2.0

typedef struct {
    int ncal;            /* calibrated checkpoints, ascending */
    double h[FK_FC_NCK]; /* their horizons in weeks */
    double q80[FK_FC_NCK], q95[FK_FC_NCK]; /* half-widths in weeks of
                                             the recent speed */
    int nerr[FK_FC_NCK];                   /* errors behind each */
} fk_fc_cal;

/* Calibration of method m from the errors known on day `now`. */
void fk_fc_table_cal(const fk_fc_table *t, fk_fc_method m, fk_day now,
                     fk_fc_cal *c);
/* Interval offsets dev[0..nsteps] for model m under calibration c
 * (symmetric half-widths interpolated between the calibrated checkpoints,
 * growing in proportion to the horizon past the last one); with no
 * calibrated checkpoint, the wider of the model's and pace's bands times
 * FK_FC_WIDEN.  Never narrower further ahead.  0 or -1 with err. */
int fk_fc_cal_dev(const fk_fc_cal *c, const fk_fc_model *m,
                  const fk_fc_options *o, int nsteps, fk_fc_dev *dev, char *err,
                  size_t errlen);

/* Nelder-Mead: minimises f over R^dim from x (overwritten with the best
 * point); step is the initial simplex size per coordinate.  Returns the
 * minimum.  dim <= 4. */
typedef double (*fk_fc_objective)(const double *x, void *ctx);
double fk_fc_nelder_mead(fk_fc_objective f, void *ctx, double *x, int dim,
                         const double *step, int maxeval, double tol);

/* Deterministic random numbers (splitmix64). */
typedef struct {
    uint64_t s;
} fk_fc_rng;
void fk_fc_rng_seed(fk_fc_rng *g, uint64_t seed);
double fk_fc_rng_uniform(fk_fc_rng *g); /* [0, 1) */
double fk_fc_rng_normal(fk_fc_rng *g);  /* standard normal */

/* Quantile q in [0,1] of v[0..n) (sorts v). */
double fk_fc_quantile(double *v, size_t n, double q);
double fk_fc_sigmoid(double x);
/* The highest observed share, kept below 1 (a curve's cap lies above it). */
double fk_fc_max_share(const fk_fc_series *s);
double fk_fc_logit(double p);

/* Normal quantiles used for 80% and 95% two-sided intervals. */
#define FK_FC_Z80 1.2815515655446004
#define FK_FC_Z95 1.959963984540054

#endif
