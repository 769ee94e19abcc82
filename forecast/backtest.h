/* backtest.h - rolling-origin backtests of the forecast methods, and the
 * choice FK_FC_AUTO makes from them.
 *
 * For each origin (one observation a week at most, once there is enough
 * history and at least one horizon left to check), each method is fitted
 * on the data up to the origin and its forecasts 4, 8, 13 and 26 weeks
 * ahead are compared with the actual share then (linear interpolation
 * between observations; horizons past the last observation are skipped).
 * Intervals are scored as the forecast on that day would have drawn them:
 * calibrated on the errors known by then (forecast/calibrate.c), so the
 * coverage is out of sample.  Pure: no I/O. */
#ifndef FK_BACKTEST_H
#define FK_BACKTEST_H

#include <stddef.h>

#include "forecast/forecast.h"

#define FK_BT_NH 5
extern const int fk_bt_horizons[FK_BT_NH]; /* 4, 8, 13, 19, 26 weeks */

/* Auto judges each horizon on the latest this many forecasts whose outcome
 * is known, so that it follows the recent behaviour of the series. */
#define FK_BT_AUTO_ORIGINS 20
/* Fewer known 4-week forecasts than this and auto does not trust the
 * backtest: pace. */
#define FK_BT_MIN_ORIGINS 3
/* Another method replaces pace only if the mean of its MAE and its 80%
 * interval score, each relative to pace's, is at least this much below 1. */
#define FK_BT_AUTO_MARGIN 0.2

typedef struct {
    int n;          /* forecasts compared */
    double mae;     /* mean absolute error, percentage points of share */
    double mape;    /* mean absolute percentage error, % (NAN if none) */
    double cover80; /* share of actuals inside the 80% interval, 0..1 */
    double cover95;
    /* Interval (Winkler) score of the 80% and 95% intervals, points of
     * share, lower is better: width plus 2/alpha times the distance by
     * which the actual fell outside (10x for 80%, 40x for 95%). */
    double is80, is95;
} fk_bt_cell;

typedef struct {
    /* [method][horizon]; the FK_FC_AUTO row is auto chosen afresh at each
     * origin from the data up to it (an honest out-of-sample score). */
    fk_bt_cell cell[FK_FC_NMETHODS][FK_BT_NH];
    int ran[FK_FC_NMETHODS]; /* whether the method was part of the run */
    int norigins;            /* origins with at least one comparison */
    fk_fc_method pick;       /* what auto picks at the last observation */
} fk_backtest;

typedef struct {
    fk_fc_options fc; /* seed, pace_weeks, cap; point_only skips the
                           intervals (cover80/95 NAN); method, horizon,
                           until and target are not used */
    unsigned methods; /* mask of (1u << fk_fc_method); 0 = all five */
    int max_origins;  /* 0 = every origin, else only the latest N */
} fk_bt_options;

void fk_bt_options_default(fk_bt_options *o);
int fk_backtest_run(const fk_obs *obs, size_t n, const fk_bt_options *o,
                    fk_backtest *out, char *err, size_t errlen);
/* The same, with the curve fits reused from and saved to chains (NULL:
 * none; see forecast.h): the backtest's origins are the chain's. */
int fk_backtest_run_chains(const fk_obs *obs, size_t n, const fk_bt_options *o,
                           fk_fc_chains *chains, fk_backtest *out, char *err,
                           size_t errlen);
/* Mean of a method's MAE over the horizons that had comparisons; NAN if
 * none. */
double fk_bt_mean_mae(const fk_backtest *bt, fk_fc_method m);
/* Mean 80% interval score and 80% coverage over the 13- and 19-week
 * horizons (the ones a fiscal-year-end projection lives on), each
 * forecast weighted equally; NAN if none. */
void fk_bt_mid_score(const fk_backtest *bt, fk_fc_method m, double *is80,
                     double *cover80, int *n);
/* What FK_FC_AUTO resolves to for these observations: the method with the
 * best mean of MAE and 80% interval score relative to pace's over the
 * horizons, among those that produced every forecast pace did, if it
 * beats pace by FK_BT_AUTO_MARGIN; else pace. */
fk_fc_method fk_fc_auto_method(const fk_obs *obs, size_t n,
                               const fk_fc_options *o);

/* A backtest saved beside the forecast it scores (forecast/saved.c): the
 * key, from the forecast's fk_fc_key, and the blob, which holds the method
 * it is of; decode is 0, or -1 when the blob is not one made under that
 * key for method m or fails its checks (the caller recomputes). */
void fk_bt_key_of(const char fc_key[FK_FC_KEY_LEN], char key[FK_FC_KEY_LEN]);
void fk_bt_saved_encode(const fk_backtest *bt, fk_fc_method m,
                        const char key[FK_FC_KEY_LEN], void **blob,
                        size_t *len);
int fk_bt_saved_decode(const void *blob, size_t len,
                       const char key[FK_FC_KEY_LEN], fk_fc_method m,
                       fk_backtest *out);

#endif
