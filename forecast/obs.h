/* obs.h - where forecast observations come from: a `date,adopting,total`
 * CSV file (fukyu forecast --input) or the store's daily series sampled
 * weekly (--program).  The only forecast file that reads anything; the
 * methods themselves (forecast.h) stay pure. */
#ifndef FK_OBS_H
#define FK_OBS_H

#include <stddef.h>

#include "data/store.h"
#include "forecast/forecast.h"

/* Parses CSV text: header exactly `date,adopting,total` (applied then
 * unknown, NAN) or `date,adopting,total,applied`, then one row per
 * observation with strictly ascending dates; a UTF-8 BOM and CRLF line
 * ends are accepted, blank lines only at the end.  name is used in error
 * messages ("NAME:LINE: what is wrong").  *out is malloc'd. */
int fk_obs_parse_csv(const char *text, size_t len, const char *name,
                     fk_obs **out, size_t *n, char *err, size_t errlen);
/* Reads and parses a file (at most 64 MiB). */
int fk_obs_load_csv(const char *path, fk_obs **out, size_t *n, char *err,
                    size_t errlen);

/* Samples a daily series (consecutive days) weekly: its Sundays and its
 * last day (fk_weekly_point), skipping days with no denominator.  *out
 * is malloc'd. */
void fk_obs_from_series(const fk_point *pts, size_t npts, fk_obs **out,
                        size_t *n);
/* The weekly series of a program (type < 0: all types) in an area, from
 * the program's first day to the latest stored as_of. */
int fk_obs_from_store(fk_store *st, const char *program, int type,
                      const fk_area *area, fk_obs **out, size_t *n, char *err,
                      size_t errlen);

/* fk_forecast_run with its expensive part (method choice, calibration,
 * fit) looked up in the store's cache under fk_fc_key and saved there
 * when computed (forecast/cached.c).  st NULL: no cache.  The cache never
 * changes the result, only its cost; a write it cannot make at once is
 * skipped. */
int fk_forecast_cached(fk_store *st, const fk_obs *obs, size_t n,
                       const fk_fc_options *opt, fk_forecast *out, char *err,
                       size_t errlen);

/* The chain blobs (forecast.h) for these observations and options read
 * from the store's cache into c->in (the latest of FK_FC_CHAIN_PROBES
 * keys per method found), and c->out written there. */
void fk_fc_chains_load(fk_store *st, const fk_obs *obs, size_t n,
                       const fk_fc_options *opt, fk_fc_chains *c);
void fk_fc_chains_save(fk_store *st, const fk_fc_chains *c);

#endif
