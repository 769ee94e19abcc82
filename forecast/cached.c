/* cached.c - fk_forecast_run through the store's cache (data/cache.h):
 * like obs.c, the store-facing edge of forecast/; the forecast itself
 * stays pure (forecast.h's fk_forecast_run_saved does the work and only
 * gets and returns blobs). */
#include <stdlib.h>

#include "data/cache.h"
#include "forecast/obs.h"

int fk_forecast_cached(fk_store *st, const fk_obs *obs, size_t n,
                       const fk_fc_options *opt, fk_forecast *out, char *err,
                       size_t errlen)
{
    void *saved = NULL, *blob = NULL;
    size_t saved_len = 0, blob_len = 0;
    char key[FK_FC_KEY_LEN];
    fk_fc_key(obs, n, opt, key);
    if (st) fk_store_cache_get(st, key, &saved, &saved_len);
    int rc =
        fk_forecast_run_saved(obs, n, opt, saved, saved_len, st ? &blob : NULL,
                              &blob_len, out, err, errlen);
    if (blob) fk_store_cache_put(st, key, blob, blob_len);
    free(saved);
    free(blob);
    return rc;
}
