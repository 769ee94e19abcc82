/* chain.c - the curve methods' rolling-origin fits saved across pulls
 * (see forecast.h, "reusing the rolling-origin fits").
 *
 * The fit at a chain origin (table.c) is a function of the observations
 * up to it, the options the curves read (cap; pace_weeks for safety) and
 * the algorithm version, so one pull's fits are the next pull's too.  A
 * blob holds method m's fits at chain origins 0..count-1 and is keyed by
 * the SHA-256 (nettle) of version, method, options and the observations
 * up to origin count-1: the keys of a longer series' origins are computed
 * in one pass, copying the digest state at each origin.
 *
 * A blob is hostile input, checked like saved.c's: exact size, magic,
 * version, method, the key it was made for (recomputed from the data
 * here), a count within this series' origins, the digest of its records,
 * flags 0 or 1, finite parameters in range.  Anything else restores nothing and the chain is
 * fitted from its start. */
#include <math.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "forecast/fc_internal.h"

#define CHAIN_MAGIC 0x31484b46u /* "FKH1" */

typedef struct {
    uint32_t magic, version;
    uint8_t key[SHA256_DIGEST_SIZE];
    uint8_t sum[SHA256_DIGEST_SIZE]; /* of the records: a stored fit that
                                        changed would pass every other
                                        check and change the forecast */
    int32_t method;
    uint32_t count;
} chain_head;

typedef struct {
    int32_t ok, pad;
    double p[8], sse;
} chain_rec;

int fk_fc_chained(fk_fc_method m)
{
    return m == FK_FC_LOGISTIC || m == FK_FC_BASS;
}

static void chain_init(struct sha256_ctx *c, const fk_fc_options *o,
                       fk_fc_method m)
{
    uint32_t ver = FK_FC_SAVED_VERSION;
    int32_t ints[2] = {(int32_t)m, o->pace_weeks};
    sha256_init(c);
    sha256_update(c, 11, (const uint8_t *)"fukyu chain");
    sha256_update(c, sizeof ver, (const uint8_t *)&ver);
    sha256_update(c, sizeof ints, (const uint8_t *)ints);
    sha256_update(c, sizeof o->cap, (const uint8_t *)&o->cap);
}

/* The digests at chain origins idx[lo..nc-1] into d[0..nc-1-lo]. */
static void digests(const fk_obs *obs, const size_t *idx, size_t nc, size_t lo,
                    const fk_fc_options *o, fk_fc_method m,
                    uint8_t (*d)[SHA256_DIGEST_SIZE])
{
    struct sha256_ctx c, at;
    chain_init(&c, o, m);
    size_t i = 0;
    for (size_t k = lo; k < nc; k++) {
        for (; i <= idx[k]; i++) fk_fc_hash_obs(&c, &obs[i]);
        at = c;
        sha256_digest(&at, SHA256_DIGEST_SIZE, d[k - lo]);
    }
}

size_t fk_fc_chain_keys(const fk_obs *obs, size_t n, const fk_fc_options *o,
                        fk_fc_method m, char (*keys)[FK_FC_KEY_LEN], size_t max)
{
    if (!fk_fc_chained(m) || n == 0 || max == 0) return 0;
    size_t *idx = fk_xcalloc(n, sizeof *idx);
    size_t nc = fk_fc_chain_origins(obs, n, idx);
    size_t k = nc < max ? nc : max;
    uint8_t(*d)[SHA256_DIGEST_SIZE] = fk_xcalloc(k + 1, sizeof *d);
    if (k) digests(obs, idx, nc, nc - k, o, m, d);
    for (size_t j = 0; j < k; j++) fk_fc_key_hex("ch1:", d[k - 1 - j], keys[j]);
    free(d);
    free(idx);
    return k;
}

size_t fk_fc_chain_restore(const fk_obs *obs, const size_t *idx, size_t nc,
                           const fk_fc_options *o, fk_fc_method m,
                           const fk_fc_series *cs, const fk_fc_chains *c,
                           fk_fc_model *mods)
{
    if (!c || !c->in[m] || c->in_len[m] < sizeof(chain_head)) return 0;
    chain_head h;
    memcpy(&h, c->in[m], sizeof h);
    if (h.magic != CHAIN_MAGIC || h.version != FK_FC_SAVED_VERSION ||
        h.method != (int32_t)m || h.count == 0 || h.count > nc ||
        c->in_len[m] != sizeof h + (size_t)h.count * sizeof(chain_rec))
        return 0;
    uint8_t d[1][SHA256_DIGEST_SIZE];
    digests(obs, idx, h.count, h.count - 1, o, m, d);
    if (memcmp(h.key, d[0], sizeof d[0]) != 0) return 0;
    const uint8_t *recs = (const uint8_t *)c->in[m] + sizeof h;
    size_t rlen = h.count * sizeof(chain_rec);
    struct sha256_ctx sc;
    sha256_init(&sc);
    sha256_update(&sc, rlen, recs);
    sha256_digest(&sc, SHA256_DIGEST_SIZE, d[0]);
    if (memcmp(h.sum, d[0], sizeof d[0]) != 0) return 0;
    chain_rec *r = fk_xcalloc(h.count, sizeof *r);
    memcpy(r, recs, rlen);
    size_t ok = h.count;
    for (size_t k = 0; k < h.count && ok; k++)
        if (r[k].ok != 0 && r[k].ok != 1)
            ok = 0;
        else if (r[k].ok && (!fk_fc_all_finite(r[k].p, 8) ||
                             !fk_fc_all_finite(&r[k].sse, 1) ||
                             !fk_fc_params_ok(m, r[k].p)))
            ok = 0;
    for (size_t k = 0; k < ok; k++) {
        if (r[k].ok)
            fk_fc_restore(m, &cs[k], o, r[k].p, r[k].sse, &mods[k]);
        else
            memset(&mods[k], 0, sizeof mods[k]), mods[k].method = FK_FC_AUTO;
    }
    free(r);
    return ok;
}

void fk_fc_chain_save(const fk_obs *obs, const size_t *idx, size_t nc,
                      const fk_fc_options *o, fk_fc_method m,
                      const fk_fc_model *mods, fk_fc_chains *c)
{
    if (nc == 0 || c->out[m]) return;
    size_t len = sizeof(chain_head) + nc * sizeof(chain_rec);
    char *b = fk_xcalloc(1, len);
    chain_head h = {CHAIN_MAGIC, FK_FC_SAVED_VERSION, {0},
                    {0},         (int32_t)m,          (uint32_t)nc};
    uint8_t d[1][SHA256_DIGEST_SIZE];
    digests(obs, idx, nc, nc - 1, o, m, d);
    memcpy(h.key, d[0], sizeof h.key);
    for (size_t k = 0; k < nc; k++) {
        chain_rec r;
        memset(&r, 0, sizeof r);
        r.ok = mods[k].method == m;
        if (r.ok) memcpy(r.p, mods[k].p, sizeof r.p), r.sse = mods[k].sse;
        memcpy(b + sizeof h + k * sizeof r, &r, sizeof r);
    }
    struct sha256_ctx sc;
    sha256_init(&sc);
    sha256_update(&sc, len - sizeof h, (const uint8_t *)b + sizeof h);
    sha256_digest(&sc, SHA256_DIGEST_SIZE, h.sum);
    memcpy(b, &h, sizeof h);
    c->out[m] = b, c->out_len[m] = len;
    fk_fc_key_hex("ch1:", d[0], c->out_key[m]);
}

void fk_fc_chains_free(fk_fc_chains *c)
{
    if (!c) return;
    for (int m = 0; m < FK_FC_NMETHODS; m++) free(c->in[m]), free(c->out[m]);
    memset(c, 0, sizeof *c);
}
