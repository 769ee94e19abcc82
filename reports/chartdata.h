/* chartdata.h - the store's figures in the shapes charts/chart.h draws:
 * what `fukyu chart`, the weekly reports and the publisher all need, read
 * one way.  Trend lines carry their forecast (to the fiscal-year end) so
 * a forecast is computed once per (program, type, area) and shared by the
 * chart files and the report that shows the same figures. */
#ifndef FK_CHARTDATA_H
#define FK_CHARTDATA_H

#include <stddef.h>

#include "charts/chart.h"
#include "data/store.h"
#include "forecast/backtest.h"

/* One trend line: observations (weekly once the series spans more than
 * half a year, always ending on the as-of date) and the AUTO forecast to
 * the fiscal-year end (at least 4 weeks ahead) with the target date. */
typedef struct {
    fk_chart_obs *obs;
    double *applied; /* [nobs] applied, not yet operating (for pipeline) */
    size_t nobs;
    fk_day reached; /* first day at or above the target (daily), or -1 */
    fk_forecast f;
    int has_fc; /* 0: fc_err says why (e.g. too little data) */
    char fc_err[160];
    int has_bt;           /* backtest of the method used, when asked */
    fk_bt_cell bt4, bt13; /* its 4- and 13-week errors (MAE in points) */
} fk_cd_line;

typedef struct {
    fk_chart_trend chart; /* lines point into line[] */
    fk_cd_line line[FK_NTYPE + 1];
    /* The daily series per type behind the lines, from the Sunday before
     * the program's first week to the date: the weekly chart is cut from
     * it too, so the store is asked once per type. */
    fk_point *daily[FK_NTYPE];
    size_t ndaily;
    fk_day daily_from;
    struct fk_cd_jobs *jobs; /* forecasts still running (fk_cd_trend_start) */
    int fixed_methods;       /* methods were given, not chosen on this area */
} fk_cd_trend;

/* Loads the five lines (types and all) of a program in an area (pref 0 =
 * national) up to date and forecasts them, in parallel threads (the
 * forecasts are pure; the store is read on the calling thread).  backtest
 * != 0 also scores the chosen method.  0 or -1 with err. */
int fk_cd_trend_load(fk_store *st, const char *program, int pref, fk_day date,
                     double target, int backtest, fk_cd_trend *out, char *err,
                     size_t errlen);
/* The same with the method of each line fixed (methods[type], [FK_NTYPE]
 * = all; FK_FC_AUTO = choose by backtest). */
int fk_cd_trend_load_with(fk_store *st, const char *program, int pref,
                          fk_day date, double target, int backtest,
                          const fk_fc_method methods[FK_NTYPE + 1],
                          fk_cd_trend *out, char *err, size_t errlen);
void fk_cd_trend_free(fk_cd_trend *t);
/* The same in two steps: start reads the series (the daily series and
 * observations are ready when it returns, and what the store's forecast
 * cache holds for them) and leaves the forecasts running; the caller may
 * use the store meanwhile, and must call wait before reading forecasts,
 * on the same thread and with the store still open: wait saves what was
 * computed in the cache.  *out must not move in between. */
int fk_cd_trend_start(fk_store *st, const char *program, int pref, fk_day date,
                      double target, int backtest,
                      const fk_fc_method methods[FK_NTYPE + 1],
                      fk_cd_trend *out, char *err, size_t errlen);
void fk_cd_trend_wait(fk_cd_trend *t);

/* Population coverage (fk_store_coverage_series) as trend lines: each
 * observation is the covered population over the area's population; no
 * forecast, no target (chart.coverage set). */
int fk_cd_coverage_load(fk_store *st, const char *program, int pref,
                        fk_day date, fk_cd_trend *out, char *err,
                        size_t errlen);

/* Operating / applied / denominator per type and all types. */
int fk_cd_funnel_load(fk_store *st, const char *program, int pref, fk_day date,
                      fk_chart_funnel *out, char *err, size_t errlen);
/* One value per prefecture (type < 0: all types) and the national one. */
int fk_cd_prefs_load(fk_store *st, const char *program, fk_day date, int type,
                     fk_chart_prefs *out, char *err, size_t errlen);
/* New adopters per ISO week (at most the last 104); out->weeks malloc'd,
 * freed by fk_cd_weekly_free. */
int fk_cd_weekly_load(fk_store *st, const char *program, int pref, fk_day date,
                      fk_chart_weekly *out, char *err, size_t errlen);
void fk_cd_weekly_free(fk_chart_weekly *w);
/* The same from a loaded trend's daily series (no store access). */
void fk_cd_weekly_from_trend(const fk_cd_trend *t, fk_chart_weekly *out);
/* The municipalities of a prefecture (type < 0: all types); out->munis
 * malloc'd, freed by fk_cd_munis_free. */
int fk_cd_munis_load(fk_store *st, const char *program, int pref, fk_day date,
                     int type, fk_chart_munis *out, char *err, size_t errlen);
void fk_cd_munis_free(fk_chart_munis *m);

/* Counts per type on a date within a loaded trend's daily series; -1
 * (zeros) when the date is outside it. */
int fk_cd_counts_from_trend(const fk_cd_trend *t, fk_day date,
                            fk_counts by_type[FK_NTYPE]);
/* The funnel on the trend's as-of date. */
void fk_cd_funnel_from_trend(const fk_cd_trend *t, fk_chart_funnel *out);

fk_chart_counts fk_cd_counts(const fk_counts *c);
void fk_cd_counts_add(fk_chart_counts *to, const fk_counts *c);

#endif
