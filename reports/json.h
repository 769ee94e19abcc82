/* json.h - the JSON shapes of summaries, series and forecasts, shared by
 * the CLI (--json) and the dashboard's /api/v1/ so both answer alike.
 * Each returns a malloc'd NUL-terminated string, or NULL with err set. */
#ifndef FK_JSON_H
#define FK_JSON_H

#include <stddef.h>

#include "data/store.h"
#include "forecast/forecast.h"

/* {"program","date","area","types":{TYPE:{adopting,total,rate,
 *  population_coverage,applied}},"all":{...}} */
char *fk_json_summary(fk_store *st, const char *program, fk_day date, int pref,
                      char *err, size_t errlen);
/* {"program","type","area"[,"name"],"metric","points":[{date,adopting,
 * applied,total,rate[,population_coverage]}]}; "name" is the municipality's
 * for a municipality area (null for a code the table lacks); weekly keeps
 * every 7th day ending on `to`.
 * coverage adds population_coverage (metric "population_coverage"; not for
 * a municipality area). */
char *fk_json_series(fk_store *st, const char *program, int type,
                     const fk_area *area, fk_day from, fk_day to, int weekly,
                     int coverage, char *err, size_t errlen);
/* {"method","last":{date,rate},"points":[...],"fy_end":{...}|null,
 *  "target":{"rate","date"|null}|null}; has_target 0 gives "target":null. */
char *fk_json_forecast(const fk_forecast *f, int has_target, double target);

#endif
