/* chain.c - the rolling-origin table's work saved across pulls (see
 * forecast.h, "reusing the rolling-origin fits").
 *
 * The fit and the bands at an origin (table.c) are a function of the
 * observations up to it, the options the methods read (cap, pace_weeks)
 * and the algorithm version, so one pull's are the next pull's too.  A
 * blob holds method m's fits at origins 0..count-1 (for holt and the
 * curves: pace and pipeline refit in microseconds) and its bands at
 * origins band_from..count-1 (wherever they were computed: auto and the
 * backtest calibrate about 45 origins of every method, at ~0.3 ms each),
 * and is keyed by the SHA-256 (nettle) of version, method, options and
 * the observations up to origin count-1: the keys of a longer series'
 * origins are computed in one pass, copying the digest state at each.
 *
 * A blob is hostile input, checked like saved.c's: exact size, magic,
 * version, method, the key it was made for (recomputed from the data
 * here), a count within this series' origins, the digest of its records,
 * flags 0 or 1, finite parameters in range, bands on the right side of
 * the point.  Anything else restores nothing: the table fits and
 * calibrates from its start. */
#include <math.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "forecast/fc_internal.h"

#define CHAIN_MAGIC 0x32484b46u /* "FKH2" */

typedef struct {
    uint32_t magic, version;
    uint8_t key[SHA256_DIGEST_SIZE];
    uint8_t sum[SHA256_DIGEST_SIZE]; /* of the records: a stored fit that
                                        changed would pass every other
                                        check and change the forecast */
    int32_t method;
    uint32_t count, band_from, pad;
} chain_head;

typedef struct { /* one per origin 0..count-1, if the fits are kept */
    int32_t ok, pad;
    double p[8], sse;
} chain_rec;

typedef struct { /* one per origin band_from..count-1 */
    int32_t ok, pad;
    fk_fc_band b;
} band_rec;

int fk_fc_chained(fk_fc_method m)
{
    return m == FK_FC_LOGISTIC || m == FK_FC_BASS;
}

int fk_fc_chain_keeps_fits(fk_fc_method m)
{
    return m == FK_FC_HOLT || fk_fc_chained(m);
}

static int kept(fk_fc_method m)
{
    return m >= FK_FC_PACE && m < FK_FC_NMETHODS;
}

static size_t blob_len(fk_fc_method m, size_t count, size_t band_from)
{
    return sizeof(chain_head) +
           (fk_fc_chain_keeps_fits(m) ? count * sizeof(chain_rec) : 0) +
           (count - band_from) * sizeof(band_rec);
}

/* Offsets on the right side of the point, within [-1, 1]. */
static int band_ok(const fk_fc_band b)
{
    for (int h = 0; h < FK_BT_NH; h++)
        for (int j = 0; j < 4; j++) {
            double v = b[h][j];
            if (!isfinite(v) || fabs(v) > 1 || (j < 2 ? v > 0 : v < 0))
                return 0;
        }
    return 1;
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
    if (!kept(m) || n == 0 || max == 0) return 0;
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

size_t fk_fc_chain_restore(fk_fc_table *t, fk_fc_method m,
                           const fk_fc_chains *c)
{
    if (!c || !kept(m) || !c->in[m] || c->in_len[m] < sizeof(chain_head))
        return 0;
    chain_head h;
    memcpy(&h, c->in[m], sizeof h);
    if (h.magic != CHAIN_MAGIC || h.version != FK_FC_SAVED_VERSION ||
        h.method != (int32_t)m || h.count == 0 || h.count > t->norig ||
        h.band_from > h.count || h.pad != 0 ||
        c->in_len[m] != blob_len(m, h.count, h.band_from))
        return 0;
    uint8_t d[1][SHA256_DIGEST_SIZE] = {{0}};
    digests(t->obs, t->at, h.count, h.count - 1, &t->opt, m, d);
    if (memcmp(h.key, d[0], sizeof d[0]) != 0) return 0;
    const uint8_t *recs = (const uint8_t *)c->in[m] + sizeof h;
    size_t rlen = c->in_len[m] - sizeof h;
    struct sha256_ctx sc;
    sha256_init(&sc);
    sha256_update(&sc, rlen, recs);
    sha256_digest(&sc, SHA256_DIGEST_SIZE, d[0]);
    if (memcmp(h.sum, d[0], sizeof d[0]) != 0) return 0;
    size_t nfit = fk_fc_chain_keeps_fits(m) ? h.count : 0,
           nband = h.count - h.band_from;
    chain_rec *r = fk_xcalloc(nfit + 1, sizeof *r);
    band_rec *br = fk_xcalloc(nband + 1, sizeof *br);
    memcpy(r, recs, nfit * sizeof *r);
    memcpy(br, recs + nfit * sizeof *r, nband * sizeof *br);
    int ok = 1;
    for (size_t k = 0; k < nfit && ok; k++)
        if (r[k].ok != 0 && r[k].ok != 1)
            ok = 0;
        else if (r[k].ok && (!fk_fc_all_finite(r[k].p, 8) ||
                             !fk_fc_all_finite(&r[k].sse, 1) ||
                             !fk_fc_params_ok(m, r[k].p)))
            ok = 0;
    for (size_t k = 0; k < nband && ok; k++)
        if ((br[k].ok != 0 && br[k].ok != 1) || (br[k].ok && !band_ok(br[k].b)))
            ok = 0;
    if (!ok) nfit = nband = 0;
    fk_fc_model *row = &t->model[(size_t)m * t->norig];
    for (size_t k = 0; k < nfit; k++) {
        if (r[k].ok)
            fk_fc_restore(m, &t->pre[k], &t->opt, r[k].p, r[k].sse, &row[k]);
        else
            memset(&row[k], 0, sizeof row[k]), row[k].method = FK_FC_AUTO;
    }
    for (size_t k = 0; k < nband; k++) {
        size_t i = (size_t)m * t->norig + h.band_from + k;
        if (!br[k].ok) continue;
        memcpy(t->band[i], br[k].b, sizeof br[k].b);
        t->band_state[i] = 1;
    }
    free(r);
    free(br);
    return nfit;
}

void fk_fc_chain_save(const fk_fc_table *t, fk_fc_method m, fk_fc_chains *c)
{
    size_t nc = t->norig, band_from = 0;
    if (nc == 0 || !kept(m) || c->out[m]) return;
    const unsigned char *st = &t->band_state[(size_t)m * nc];
    while (band_from < nc && !st[band_from]) band_from++;
    size_t len = blob_len(m, nc, band_from),
           nfit = fk_fc_chain_keeps_fits(m) ? nc : 0;
    char *b = fk_xcalloc(1, len), *w = b + sizeof(chain_head);
    chain_head h = {CHAIN_MAGIC,  FK_FC_SAVED_VERSION, {0}, {0}, (int32_t)m,
                    (uint32_t)nc, (uint32_t)band_from, 0};
    uint8_t d[1][SHA256_DIGEST_SIZE] = {{0}};
    digests(t->obs, t->at, nc, nc - 1, &t->opt, m, d);
    memcpy(h.key, d[0], sizeof h.key);
    const fk_fc_model *row = &t->model[(size_t)m * nc];
    for (size_t k = 0; k < nfit; k++, w += sizeof(chain_rec)) {
        chain_rec r;
        memset(&r, 0, sizeof r);
        r.ok = row[k].method == m;
        if (r.ok) memcpy(r.p, row[k].p, sizeof r.p), r.sse = row[k].sse;
        memcpy(w, &r, sizeof r);
    }
    for (size_t k = band_from; k < nc; k++, w += sizeof(band_rec)) {
        band_rec r;
        memset(&r, 0, sizeof r);
        r.ok = st[k] != 0;
        if (r.ok) memcpy(r.b, t->band[(size_t)m * nc + k], sizeof r.b);
        memcpy(w, &r, sizeof r);
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
