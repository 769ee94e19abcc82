/* fc_internal.h - what the forecast files share and nothing else sees:
 * the prepared series, the fitted-model record each method fills, the
 * rolling-origin table, calibration, the Nelder-Mead minimiser and small
 * numeric helpers.
 * Tests include it to check fitted parameters directly. */
#ifndef FK_FC_INTERNAL_H
#define FK_FC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/backtest.h"
#include "forecast/forecast.h"

/* Observations as shares on a time axis in weeks since the first one. */
typedef struct {
    const double *t; /* weeks since first observation, ascending */
    const double *r; /* adopting / total */
    size_t n;
    fk_day first, last;
    const double *tot; /* the denominators (NULL: taken as constant) */
    const double *q;   /* applied (not yet operating) / total; NULL or NAN
                          where the source has no applied counts */
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
};

/* The series of observations (t, r, tot, q in one malloc'd block that
 * fk_fc_series_free releases). */
void fk_fc_series_make(const fk_obs *obs, size_t n, fk_fc_series *s);
void fk_fc_series_free(fk_fc_series *s);

/* Each method: fits the series; 0 or -1 with a reason in err. */
int fk_fc_fit_pace(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_holt(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_logistic(const fk_fc_series *s, const fk_fc_options *o,
                       fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_bass(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen);
int fk_fc_fit_pipeline(const fk_fc_series *s, const fk_fc_options *o,
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

/* ---- rolling-origin table (table.c) ------------------------------------
 * Every method's point forecast from every origin (one observation per
 * week at most) at the checkpoint horizons, and the share that was then
 * observed.  The backtest scores it, auto chooses from it and calibration
 * turns its errors into intervals, so each fit is made once. */
#define FK_FC_NCK 7
extern const int fk_fc_ck_weeks[FK_FC_NCK]; /* 1, 2, 4, 8, 13, 19, 26 */
int fk_fc_ck_index(int weeks);              /* index in fk_fc_ck_weeks, or -1 */

/* A method's interval offsets at each backtest horizon (fk_bt_horizons):
 * band[b][0..3] = lo95, lo80, hi80, hi95 from the point forecast, as
 * fk_fc_cal_dev gives them h = fk_bt_horizons[b] weeks ahead.  They are
 * all that choosing and scoring read of the intervals at an origin. */
typedef double fk_fc_band[FK_BT_NH][4];

typedef struct {
    const fk_obs *obs;  /* the observations (the caller's, kept alive) */
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
    fk_fc_options opt;  /* the options the table was built with */
    /* [method][norig] the bands at each origin, calibrated on the errors
     * known that day; filled on first use (fk_fc_table_band) or restored
     * from a chain; band_state 0 not there, 1 restored, 2 computed */
    fk_fc_band *band;
    unsigned char *band_state;
    /* per method: the origins before this one had their fits restored
     * from a chain; the others were fitted here */
    size_t fitted_from[FK_FC_NMETHODS];
} fk_fc_table;
#define FK_FC_MAXH 26 /* the longest checkpoint */

/* How fast the share moves lately: the mean absolute weekly change over
 * the last `weeks` weeks (the last two observations when the window holds
 * fewer), at least FK_FC_SPEED_FLOOR.  Calibration measures errors in
 * this unit, so that intervals keep up as adoption speeds up or slows. */
#define FK_FC_SPEED_FLOOR 1e-4
double fk_fc_speed(const fk_fc_series *s, int weeks);

/* The table of every origin of the series (the backtest's and auto's
 * alike: an origin's calibration sees all the errors known on its day,
 * so it depends on the observations up to it alone).  chains (NULL:
 * none) gives what an earlier build saved (fk_fc_table_keep). */
void fk_fc_table_build(const fk_obs *obs, size_t n, const fk_fc_options *o,
                       unsigned mask, const fk_fc_chains *chains,
                       fk_fc_table *t);
/* What the table fitted or calibrated that chains did not hold, as the
 * blobs to save into chains->out (chain.c); call it when done with the
 * table. */
void fk_fc_table_keep(const fk_fc_table *t, fk_fc_chains *chains);
/* The chain's origins (observation indices, ascending, into idx[n]):
 * those eligible by what does not depend on later data (enough history,
 * adoption under way, the first observation of its week), up to the last
 * with a week of data after it.  Returns how many. */
size_t fk_fc_chain_origins(const fk_obs *obs, size_t n, size_t *idx);
/* The chain of curve method m over the prefixes cs[0..nc-1] (cs[c] the
 * series up to origin c): mods[0..from-1] are given (restored), the rest
 * fitted, each warm-started from the last good fit before it with a full
 * grid of starts at fixed weeks (table.c).  A failed fit has method
 * FK_FC_AUTO. */
void fk_fc_chain_fit(const fk_fc_series *cs, size_t nc, size_t from,
                     const fk_fc_options *o, fk_fc_method m, fk_fc_model *mods);
/* The saved part of method m's chain in c->in[m], checked against the
 * table's observations and origins, into the table: the fits at the
 * leading origins (for the methods whose fits are kept: holt and the
 * curves) and the bands wherever it has them.  Returns how many leading
 * fits it restored (0: none, or the blob is not valid). */
size_t fk_fc_chain_restore(fk_fc_table *t, fk_fc_method m,
                           const fk_fc_chains *c);
/* Method m's fits and bands at every origin of t into c->out[m]. */
void fk_fc_chain_save(const fk_fc_table *t, fk_fc_method m, fk_fc_chains *c);
/* 1 for the methods whose fits a chain keeps (holt, logistic, bass: the
 * others fit in microseconds and are refitted). */
int fk_fc_chain_keeps_fits(fk_fc_method m);
void fk_fc_table_free(fk_fc_table *t);
double fk_fc_table_pred(const fk_fc_table *t, fk_fc_method m, size_t o, int k);
/* What auto picks from the errors known on day `now` (an observation
 * date): the method with the lowest mean MAE over the backtest horizons on
 * the latest FK_BT_AUTO_ORIGINS forecasts per horizon; see backtest.h. */
fk_fc_method fk_fc_table_pick(const fk_fc_table *t, fk_day now);
/* The bands method m would have drawn at origin o, calibrated on the
 * errors known that day; NULL where the method has no fit there.
 * Computed once per origin and method. */
const double (*fk_fc_table_band(const fk_fc_table *t, fk_fc_method m,
                                size_t o))[4];

/* ---- calibrated intervals (calibrate.c) -------------------------------
 * Adoption is cumulative, so the uncertainty is in how much more is added:
 * the interval is built on the increment over the last share, on a log
 * scale, from the method's own errors there (see calibrate.c). */
/* How many of the latest known errors per checkpoint are used. */
#define FK_FC_CAL_MAX 52
/* The prior the errors are mixed with: a normal on the log ratio worth
 * FK_FC_PRIOR_N errors, centred on the point forecast, 80% of increments
 * between a third and three times the forecast one (sd ln 3 / z80). */
#define FK_FC_PRIOR_N  4.0
#define FK_FC_PRIOR_SD 0.8572
/* Offset of the log scale, in recent progress: a flat forecast or a
 * standstill still has a defined ratio. */
#define FK_FC_OFFSET 0.25

typedef struct {
    /* per checkpoint: the 2.5%, 10%, 90% and 97.5% quantiles of the log
     * increment ratio (the known errors mixed with the prior), and how
     * many errors are behind them (0: the prior alone) */
    double q[FK_FC_NCK][4];
    int nerr[FK_FC_NCK];
} fk_fc_cal;

/* Calibration of method m from the errors known on day `now`. */
void fk_fc_table_cal(const fk_fc_table *t, fk_fc_method m, fk_day now,
                     fk_fc_cal *c);
/* The prior alone (no errors known). */
void fk_fc_cal_prior(fk_fc_cal *c);
/* Interval offsets dev[0..nsteps] from the point forecast of model m
 * under calibration c; see calibrate.c.  Never outside [0, 1], lower
 * bounds never below fk_fc_floor, bounds never falling with the horizon
 * and the point always inside. */
void fk_fc_cal_dev(const fk_fc_cal *c, const fk_fc_model *m,
                   const fk_fc_options *o, int nsteps, fk_fc_dev *dev);
/* The lowest share h weeks ahead that is still consistent with nothing
 * being given up: the last share, lowered only by as much as the
 * denominator's recent growth (if any) carried on would lower it. */
double fk_fc_floor(const fk_fc_series *s, int pace_weeks, double h);

/* ---- the reusable part of a forecast (forecast.c, saved.c) ------------
 * What fk_forecast_run spends its time on: the method (auto resolved),
 * its calibration and its fit on the whole series (model.s points to the
 * series it was given). */
typedef struct {
    fk_fc_method method;
    fk_fc_cal cal;
    fk_fc_model model;
} fk_fc_prepared;

int fk_fc_prepare(const fk_obs *obs, size_t n, const fk_fc_series *s,
                  const fk_fc_options *opt, fk_fc_chains *chains,
                  fk_fc_prepared *p, char *err, size_t errlen);
/* A holt or curve (logistic, bass) model from saved parameters, as its
 * fit would have left it. */
void fk_fc_restore(fk_fc_method method, const fk_fc_series *s,
                   const fk_fc_options *o, const double *p, double sse,
                   fk_fc_model *m);
void fk_fc_logistic_fill(fk_fc_model *m, const fk_fc_series *s,
                         const fk_fc_options *o, const double *p, double v);
void fk_fc_bass_fill(fk_fc_model *m, const fk_fc_series *s, const double *p,
                     double v);
void fk_fc_holt_fill(fk_fc_model *m, const fk_fc_series *s, const double *p,
                     double sse);
/* p as a blob for the cache (*blob malloc'd), and back: 0, or -1 when the
 * blob is not one made for these observations and options or fails its
 * checks (saved.c). */
void fk_fc_saved_encode(const fk_obs *obs, size_t n, const fk_fc_options *o,
                        const fk_fc_prepared *p, void **blob, size_t *len);
int fk_fc_saved_decode(const fk_obs *obs, size_t n, const fk_fc_options *o,
                       const fk_fc_series *s, const void *blob, size_t len,
                       fk_fc_prepared *p);
/* Bump on any change to fitting, choosing or calibrating, or to a blob's
 * layout (saved.c, chain.c): stored blobs of the old version are then
 * never asked for.  2: the rolling-origin chain is anchored at the
 * series' first origin (chain.c).  3: auto's table holds every origin,
 * and chains keep holt's fits and every method's bands. */
#define FK_FC_SAVED_VERSION 3u
/* What the keys and blob checks share (saved.c): one observation into a
 * digest, a digest as "xxx:" + hex, finite values, curve parameters
 * within the ranges their fits keep them in. */
struct sha256_ctx;
void fk_fc_hash_obs(struct sha256_ctx *c, const fk_obs *o);
void fk_fc_key_hex(const char *prefix, const uint8_t d[32],
                   char key[FK_FC_KEY_LEN]);
int fk_fc_all_finite(const double *v, size_t n);
int fk_fc_params_ok(fk_fc_method m, const double *p);

/* ---- curve fits (curve.c) ---------------------------------------------
 * Least squares of curve(p, t) over s, minimised in raw coordinates x[3]
 * that unpack maps to p[4] (lo: the lowest ceiling allowed, cap > 0: a
 * ceiling set by the caller). */
typedef struct fk_fc_curve fk_fc_curve;
struct fk_fc_curve {
    const fk_fc_series *s;
    double lo, cap;
    const double *step; /* [3] initial simplex */
    void (*unpack)(const fk_fc_curve *c, const double *x, double *p);
    double (*curve)(const double *p, double t);
};
/* From x (overwritten with the optimum); writes p; returns the SSE. */
double fk_fc_curve_fit(const fk_fc_curve *c, double *x, int maxeval, double *p);
/* The best of the fits from each start; writes p; returns its SSE. */
double fk_fc_curve_grid(const fk_fc_curve *c, const double (*starts)[3],
                        size_t nstarts, double *p);

/* Nelder-Mead: minimises f over R^dim from x (overwritten with the best
 * point); step is the initial simplex size per coordinate.  Returns the
 * minimum.  dim <= 4. */
typedef double (*fk_fc_objective)(const double *x, void *ctx);
double fk_fc_nelder_mead(fk_fc_objective f, void *ctx, double *x, int dim,
                         const double *step, int maxeval, double tol);

double fk_fc_sigmoid(double x);
/* Winkler's interval score of [lo, hi] at level 1 - alpha for actual y:
 * the width plus 2 / alpha times the distance of a miss. */
double fk_fc_winkler(double lo, double hi, double y, double alpha);
/* The highest observed share, kept below 1 (a curve's cap lies above it). */
double fk_fc_max_share(const fk_fc_series *s);
double fk_fc_logit(double p);

/* Normal quantiles used for 80% and 95% two-sided intervals. */
#define FK_FC_Z80 1.2815515655446004
#define FK_FC_Z95 1.959963984540054

#endif
