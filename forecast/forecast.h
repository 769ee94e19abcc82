/* forecast.h - where coverage is heading: trend methods, intervals, the
 * date a target is reached, the fiscal-year-end projection, and
 * rolling-origin backtests that choose a method.
 *
 * Pure functions: no I/O, no store access.  Callers pass observations
 * (irregular spacing allowed, dates ascending) and get weekly points.
 * Where observations come from (a CSV file, the store) is forecast/obs.h;
 * the backtest itself is forecast/backtest.h. */
#ifndef FK_FORECAST_H
#define FK_FORECAST_H

#include <stddef.h>

#include "core/date.h"

typedef enum {
    FK_FC_AUTO = 0,
    FK_FC_PACE,
    FK_FC_HOLT,
    FK_FC_LOGISTIC,
    FK_FC_BASS,
    FK_FC_PIPELINE
} fk_fc_method;
#define FK_FC_NMETHODS 6

const char *fk_fc_method_name(fk_fc_method m); /* "auto", "pace", ... */
int fk_fc_method_by_name(const char *name);    /* fk_fc_method or -1 */

typedef struct {
    fk_day date;
    double adopting;
    double total;   /* > 0 */
    double applied; /* applied, not yet operating; NAN when unknown */
} fk_obs;

typedef struct {
    fk_day date;
    double rate, lo80, hi80, lo95, hi95; /* all within [0, 1] */
} fk_fc_point;

typedef struct {
    fk_fc_method method; /* FK_FC_AUTO picks by backtest */
    int horizon_weeks;   /* number of weekly points, >= 1 */
    fk_day until;        /* > 0: points up to the last step on or before
                             this day, fy_end and target looked for up to
                             it (horizon_weeks is then ignored); else 0 */
    double target;       /* 0 = none */
    int pace_weeks;      /* window of the pace line, default 8 */
    double cap;          /* logistic ceiling: 0 = fitted (<= 1), else set */
    int point_only;      /* 1: skip interval simulation (bounds = rate) */
} fk_fc_options;

typedef struct {
    fk_fc_method method; /* the method used (never AUTO) */
    fk_day last_date;
    double last_rate;
    fk_fc_point *points; /* weekly: last + 7, last + 14, ... */
    size_t npoints;
    int has_fy_end; /* next 31 March within the horizon */
    fk_fc_point fy_end;
    fk_day target_date; /* first day reaching target, or -1 */
    int target_reached; /* 1: already reached in the observations, on
                           target_date (the first observation at or
                           above it); 0: target_date is projected */
} fk_forecast;

/* Minimum data for any method: this many observations spanning at least
 * FK_FC_MIN_SPAN_DAYS; fewer gives "insufficient data". */
#define FK_FC_MIN_OBS       3
#define FK_FC_MIN_SPAN_DAYS 21

void fk_fc_options_default(fk_fc_options *o);
/* Checks observations: enough of them, shares (0 <= adopting <= total,
 * total > 0, applied NAN or 0 <= applied <= total - adopting), dates
 * strictly ascending.  0, or -1 with a reason. */
int fk_fc_check_obs(const fk_obs *obs, size_t n, char *err, size_t errlen);
/* Returns 0, or -1 with a reason in err ("insufficient data: ..."). */
int fk_forecast_run(const fk_obs *obs, size_t n, const fk_fc_options *opt,
                    fk_forecast *out, char *err, size_t errlen);
void fk_forecast_free(fk_forecast *f);

/* ---- reusing a forecast's expensive part (forecast/saved.c) -------------
 * The method choice, calibration and fit are a function of the
 * observations and a few options; fk_fc_key names them (a version of the
 * algorithm included), and fk_forecast_run_saved takes what an earlier run
 * saved under that key.  The caller keeps the blobs (the store's cache:
 * forecast/obs.h's fk_forecast_cached). */
#define FK_FC_KEY_LEN (4 + 64 + 1) /* "fc1:" + hex SHA-256 + NUL */
void fk_fc_key(const fk_obs *obs, size_t n, const fk_fc_options *o,
               char key[FK_FC_KEY_LEN]);
/* fk_forecast_run, using saved (saved_len bytes; NULL: none) when it is a
 * valid blob for these observations and options, and else computing; a
 * blob that is short, corrupt or for other data is ignored.  When it
 * computed and blob is not NULL, *blob (malloc'd) and *blob_len are what
 * to save under fk_fc_key; else *blob is NULL. */
int fk_forecast_run_saved(const fk_obs *obs, size_t n, const fk_fc_options *opt,
                          const void *saved, size_t saved_len, void **blob,
                          size_t *blob_len, fk_forecast *out, char *err,
                          size_t errlen);

/* ---- reusing the rolling-origin fits (forecast/chain.c) -----------------
 * Each method's fit and calibrated bands at each weekly origin are a
 * function of the observations up to it alone, so a new pull leaves
 * those at the old origins as they were.  One blob per method holds them
 * at every origin up to the last one, under a key of the observations up
 * to that origin; fk_fc_chain_keys lists the keys worth probing, latest first
 * (usually the first or second is last pull's blob).  The caller fills
 * in[] with what it found (any of the keys; a blob that fails its checks
 * is ignored) and saves out[] under out_key[] (out[m] NULL: nothing new).
 * Both are malloc'd and freed by fk_fc_chains_free. */
#define FK_FC_CHAIN_PROBES 8
typedef struct {
    void *in[FK_FC_NMETHODS];
    size_t in_len[FK_FC_NMETHODS];
    void *out[FK_FC_NMETHODS];
    size_t out_len[FK_FC_NMETHODS];
    char out_key[FK_FC_NMETHODS][FK_FC_KEY_LEN];
} fk_fc_chains;
/* 1 for the methods whose fits are warm-started along the chain of
 * origins (logistic, bass). */
int fk_fc_chained(fk_fc_method m);
/* Up to max keys for method m (any but auto), latest origin first;
 * returns how many. */
size_t fk_fc_chain_keys(const fk_obs *obs, size_t n, const fk_fc_options *o,
                        fk_fc_method m, char (*keys)[FK_FC_KEY_LEN],
                        size_t max);
void fk_fc_chains_free(fk_fc_chains *c);
/* fk_forecast_run_saved with the chains (NULL: none) used and filled. */
int fk_forecast_run_reuse(const fk_obs *obs, size_t n, const fk_fc_options *opt,
                          const void *saved, size_t saved_len, void **blob,
                          size_t *blob_len, fk_fc_chains *chains,
                          fk_forecast *out, char *err, size_t errlen);

#endif
