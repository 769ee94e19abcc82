/* backtest.h - rolling-origin backtests of the forecast methods, and the
 * choice FK_FC_AUTO makes from them.
 *
 * For each origin (every observation once there is enough history and at
 * least one horizon left to check), each method is fitted on the data up
 * to the origin and its forecasts 4, 8, 13 and 26 weeks ahead are compared
 * with the actual share then (linear interpolation between observations;
 * horizons past the last observation are skipped).  Pure: no I/O. */
#ifndef FK_BACKTEST_H
#define FK_BACKTEST_H

#include <stddef.h>

#include "forecast/forecast.h"

#define FK_BT_NH 4
extern const int fk_bt_horizons[FK_BT_NH]; /* 4, 8, 13, 26 weeks */

/* Auto judges on at most this many of the latest origins, so that choosing
 * stays cheap on long weekly series from the store. */
#define FK_BT_AUTO_ORIGINS 20
/* Fewer origins than this and auto does not trust the backtest: pace. */
#define FK_BT_MIN_ORIGINS 3

typedef struct {
    int n;          /* forecasts compared */
    double mae;     /* mean absolute error, percentage points of share */
    double mape;    /* mean absolute percentage error, % (NAN if none) */
    double cover80; /* share of actuals inside the 80% interval, 0..1 */
    double cover95;
} fk_bt_cell;

typedef struct {
    /* [method][horizon]; the FK_FC_AUTO row is auto chosen afresh at each
     * origin from the data up to it (an honest out-of-sample score). */
    fk_bt_cell cell[FK_FC_NMETHODS][FK_BT_NH];
    int ran[FK_FC_NMETHODS];  /* whether the method was part of the run */
    int norigins;             /* origins with at least one comparison */
    fk_fc_method pick;        /* what auto picks on the whole series */
} fk_backtest;

typedef struct {
    fk_fc_options fc;   /* seed, pace_weeks, cap, point_only; method,
                           horizon, until and target are set per run */
    unsigned methods;   /* mask of (1u << fk_fc_method); 0 = all five */
    int max_origins;    /* 0 = every origin, else only the latest N */
} fk_bt_options;

void fk_bt_options_default(fk_bt_options *o);
int fk_backtest_run(const fk_obs *obs, size_t n, const fk_bt_options *o,
                    fk_backtest *out, char *err, size_t errlen);
/* Mean of a method's MAE over the horizons that had comparisons; NAN if
 * none. */
double fk_bt_mean_mae(const fk_backtest *bt, fk_fc_method m);
/* The method with the lowest mean MAE among those that produced every
 * forecast pace did (ties and too few origins: pace). */
fk_fc_method fk_bt_pick(const fk_backtest *bt);
/* What FK_FC_AUTO resolves to for these observations. */
fk_fc_method fk_fc_auto_method(const fk_obs *obs, size_t n, const fk_fc_options *o);

#endif
