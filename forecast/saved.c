/* saved.c - what a forecast can reuse: the expensive part of
 * fk_forecast_run (the method auto chose, its calibration and its fit on
 * the whole series, from the rolling-origin table) as a flat blob, and the
 * key that names the data and options it came from.
 *
 * The key is the SHA-256 (nettle) of FK_FC_SAVED_VERSION, the options the
 * expensive part reads (method, pace_weeks, cap, point_only) and every
 * observation, so a new pull (new observations) or a change of algorithm
 * (a new version) asks for a key that is not stored yet.  Horizon, until
 * and target are applied afterwards and are not part of it.
 *
 * A blob is trusted no further than its checks: exact size, magic,
 * version, the key it was made for, a method that fits the options, and
 * parameters that are finite and in range.  Anything else is "not saved"
 * and the caller recomputes. */
#include <math.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "forecast/backtest.h"
#include "forecast/fc_internal.h"

#define SAVED_MAGIC 0x31434b46u /* "FKC1" */

typedef struct {
    uint32_t magic, version;
    uint8_t key[SHA256_DIGEST_SIZE];
    int32_t method;
    int32_t nerr[FK_FC_NCK];
    double p[8], sse;
    double q[FK_FC_NCK][4];
} saved_blob;

static void add(struct sha256_ctx *c, const void *v, size_t n)
{
    sha256_update(c, n, v);
}

static void digest(const fk_obs *obs, size_t n, const fk_fc_options *o,
                   uint8_t d[SHA256_DIGEST_SIZE])
{
    struct sha256_ctx c;
    uint32_t ver = FK_FC_SAVED_VERSION;
    int32_t ints[3] = {(int32_t)o->method, o->pace_weeks, o->point_only != 0};
    uint64_t nn = n;
    sha256_init(&c);
    add(&c, "fukyu forecast", 14);
    add(&c, &ver, sizeof ver);
    add(&c, ints, sizeof ints);
    add(&c, &o->cap, sizeof o->cap);
    add(&c, &nn, sizeof nn);
    for (size_t i = 0; i < n; i++) fk_fc_hash_obs(&c, &obs[i]);
    sha256_digest(&c, SHA256_DIGEST_SIZE, d);
}

void fk_fc_hash_obs(struct sha256_ctx *c, const fk_obs *o)
{
    int32_t day = o->date;
    /* NAN has many bit patterns: "unknown" is hashed as a flag */
    double v[3] = {o->adopting, o->total,
                   isnan(o->applied) ? -1.0 : o->applied};
    add(c, &day, sizeof day);
    add(c, v, sizeof v);
}

void fk_fc_key_hex(const char *prefix, const uint8_t d[32],
                   char key[FK_FC_KEY_LEN])
{
    memcpy(key, prefix, 4);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(key + 4 + 2 * i, 3, "%02x", d[i]);
}

void fk_fc_key(const fk_obs *obs, size_t n, const fk_fc_options *o,
               char key[FK_FC_KEY_LEN])
{
    uint8_t d[SHA256_DIGEST_SIZE];
    digest(obs, n, o, d);
    fk_fc_key_hex("fc1:", d, key);
}

void fk_fc_saved_encode(const fk_obs *obs, size_t n, const fk_fc_options *o,
                        const fk_fc_prepared *p, void **blob, size_t *len)
{
    saved_blob *b = fk_xcalloc(1, sizeof *b);
    b->magic = SAVED_MAGIC, b->version = FK_FC_SAVED_VERSION;
    digest(obs, n, o, b->key);
    b->method = (int32_t)p->method;
    memcpy(b->p, p->model.p, sizeof b->p);
    b->sse = p->model.sse;
    for (int k = 0; k < FK_FC_NCK; k++) {
        b->nerr[k] = p->cal.nerr[k];
        memcpy(b->q[k], p->cal.q[k], sizeof b->q[k]);
    }
    *blob = b, *len = sizeof *b;
}

int fk_fc_all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

/* The fitted parameters within the ranges their fits keep them in. */
int fk_fc_params_ok(fk_fc_method m, const double *p)
{
    switch (m) {
    case FK_FC_LOGISTIC: return p[0] > 0 && p[0] <= 1 && p[1] > 0;
    case FK_FC_BASS: return p[0] > 0 && p[0] <= 1 && p[1] > 0 && p[2] > 0;
    case FK_FC_HOLT: /* phi, alpha, beta within holt.c's bounds */
        return p[2] >= 0.8 && p[2] <= 0.98 && p[3] > 0 && p[3] < 1 &&
               p[4] > 0 && p[4] < 1 && p[5] >= 0;
    default: return 1; /* refitted from the data, not read from the blob */
    }
}

int fk_fc_saved_decode(const fk_obs *obs, size_t n, const fk_fc_options *o,
                       const fk_fc_series *s, const void *blob, size_t len,
                       fk_fc_prepared *p)
{
    saved_blob b;
    if (!blob || len != sizeof b) return -1;
    memcpy(&b, blob, sizeof b);
    uint8_t d[SHA256_DIGEST_SIZE];
    digest(obs, n, o, d);
    if (b.magic != SAVED_MAGIC || b.version != FK_FC_SAVED_VERSION ||
        memcmp(b.key, d, sizeof d) != 0)
        return -1;
    fk_fc_method m = (fk_fc_method)b.method;
    if (b.method < FK_FC_PACE || b.method >= FK_FC_NMETHODS ||
        (o->method != FK_FC_AUTO && m != o->method))
        return -1;
    if (!fk_fc_all_finite(b.p, 8) || !fk_fc_all_finite(&b.sse, 1) ||
        !fk_fc_all_finite(&b.q[0][0], FK_FC_NCK * 4) ||
        !fk_fc_params_ok(m, b.p))
        return -1;
    memset(p, 0, sizeof *p);
    for (int k = 0; k < FK_FC_NCK; k++) {
        if (b.nerr[k] < 0 || b.nerr[k] > FK_FC_CAL_MAX) return -1;
        p->cal.nerr[k] = b.nerr[k];
        /* the quantiles ascend, or the bands would cross */
        for (int j = 0; j < 4; j++) {
            if (j > 0 && b.q[k][j] < b.q[k][j - 1]) return -1;
            p->cal.q[k][j] = b.q[k][j];
        }
    }
    p->method = m;
    /* The closed-form and smoothing fits cost microseconds: refitted, so
     * only the curves' parameters come from the blob. */
    if (m == FK_FC_LOGISTIC || m == FK_FC_BASS) {
        fk_fc_restore(m, s, o, b.p, b.sse, &p->model);
        return 0;
    }
    char e[160];
    return fk_fc_fit(m, s, o, NULL, &p->model, e, sizeof e);
}

/* ---- the backtest of the chosen method, saved beside the forecast ------ */

#define BT_MAGIC 0x31544b46u /* "FKT1" */

typedef struct {
    uint32_t magic, version;
    char key[FK_FC_KEY_LEN];
    int32_t method;
    fk_backtest bt;
} bt_blob;

void fk_bt_key_of(const char fc_key[FK_FC_KEY_LEN], char key[FK_FC_KEY_LEN])
{
    memcpy(key, fc_key, FK_FC_KEY_LEN);
    memcpy(key, "bt1:", 4);
}

void fk_bt_saved_encode(const fk_backtest *bt, fk_fc_method m,
                        const char key[FK_FC_KEY_LEN], void **blob, size_t *len)
{
    bt_blob *b = fk_xcalloc(1, sizeof *b);
    b->magic = BT_MAGIC, b->version = FK_FC_SAVED_VERSION;
    memcpy(b->key, key, FK_FC_KEY_LEN);
    b->method = (int32_t)m;
    b->bt = *bt;
    *blob = b, *len = sizeof *b;
}

/* A score is a count, or a non-negative mean, or NAN (none). */
static int cell_ok(const fk_bt_cell *c)
{
    const double v[] = {c->mae,     c->mape, c->cover80,
                        c->cover95, c->is80, c->is95};
    if (c->n < 0) return 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (!isnan(v[i]) && !(isfinite(v[i]) && v[i] >= 0)) return 0;
    return c->n == 0 || (isnan(c->cover80) || c->cover80 <= 1);
}

int fk_bt_saved_decode(const void *blob, size_t len,
                       const char key[FK_FC_KEY_LEN], fk_fc_method m,
                       fk_backtest *out)
{
    bt_blob b;
    if (!blob || len != sizeof b) return -1;
    memcpy(&b, blob, sizeof b);
    if (b.magic != BT_MAGIC || b.version != FK_FC_SAVED_VERSION ||
        memcmp(b.key, key, FK_FC_KEY_LEN) != 0 || b.method != (int32_t)m ||
        b.bt.norigins < 0 || (unsigned)b.bt.pick >= FK_FC_NMETHODS)
        return -1;
    for (int i = 0; i < FK_FC_NMETHODS; i++)
        for (int h = 0; h < FK_BT_NH; h++)
            if (!cell_ok(&b.bt.cell[i][h])) return -1;
    *out = b.bt;
    return 0;
}
