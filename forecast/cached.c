/* cached.c - fk_forecast_run through the store's cache (data/cache.h):
 * like obs.c, the store-facing edge of forecast/; the forecast itself
 * stays pure (forecast.h's fk_forecast_run_reuse does the work and only
 * gets and returns blobs).  Two levels: the whole result under a key of
 * all observations (saved.c: a repeat on the same data), and, when that
 * misses, the curve fits at each origin (chain.c: a new pull refits only
 * the origins it added). */
#include <stdlib.h>

#include "data/cache.h"
#include "forecast/obs.h"

void fk_fc_chains_load(fk_store *st, const fk_obs *obs, size_t n,
                       const fk_fc_options *opt, fk_fc_chains *c)
{
    char keys[FK_FC_CHAIN_PROBES][FK_FC_KEY_LEN];
    for (int m = 0; m < FK_FC_NMETHODS; m++) {
        if (opt->method != FK_FC_AUTO && opt->method != (fk_fc_method)m)
            continue;
        size_t k = fk_fc_chain_keys(obs, n, opt, (fk_fc_method)m, keys,
                                    FK_FC_CHAIN_PROBES);
        for (size_t j = 0; j < k && !c->in[m]; j++)
            fk_store_cache_get(st, keys[j], &c->in[m], &c->in_len[m]);
    }
}

void fk_fc_chains_save(fk_store *st, const fk_fc_chains *c)
{
    for (int m = 0; m < FK_FC_NMETHODS; m++)
        if (c->out[m])
            fk_store_cache_put(st, c->out_key[m], c->out[m], c->out_len[m]);
}

int fk_forecast_cached(fk_store *st, const fk_obs *obs, size_t n,
                       const fk_fc_options *opt, fk_forecast *out, char *err,
                       size_t errlen)
{
    void *saved = NULL, *blob = NULL;
    size_t saved_len = 0, blob_len = 0;
    char key[FK_FC_KEY_LEN];
    fk_fc_chains ch = {0};
    fk_fc_key(obs, n, opt, key);
    if (st) fk_store_cache_get(st, key, &saved, &saved_len);
    /* the chains are read only when the whole result is not saved */
    if (st && !saved) fk_fc_chains_load(st, obs, n, opt, &ch);
    int rc =
        fk_forecast_run_reuse(obs, n, opt, saved, saved_len, st ? &blob : NULL,
                              &blob_len, &ch, out, err, errlen);
    if (blob) fk_store_cache_put(st, key, blob, blob_len);
    if (st) fk_fc_chains_save(st, &ch);
    fk_fc_chains_free(&ch);
    free(saved);
    free(blob);
    return rc;
}
