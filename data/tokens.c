/* tokens.c - dashboard access tokens: creating, listing, revoking and
 * verifying them, and the scopes they carry.
 *
 * A token is 32 bytes from getrandom(), shown once as 64 lowercase hex
 * digits.  Only its SHA-256 (hex) is stored, so a copy of the database
 * gives no usable token.  SHA-256 comes from nettle (GnuTLS's crypto
 * library, pkg-config "nettle").  The references are weak so that a
 * binary linked without -lnettle still links; nettle is then normally
 * present anyway through libmicrohttpd -> GnuTLS, and if it is not, token
 * calls fail with a clear message instead of the process crashing. */
#include "data/store_int.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#pragma weak nettle_sha256_init
#pragma weak nettle_sha256_update
#pragma weak nettle_sha256_digest

static int sha256_hex(fk_store *st, const char *text,
                      char out[FK_TOKEN_HEX + 1])
{
    if (!nettle_sha256_init || !nettle_sha256_update || !nettle_sha256_digest) {
        snprintf(
            st->err, sizeof st->err,
            "tokens: SHA-256 unavailable (fukyu was built without nettle)");
        return -1;
    }
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, strlen(text), (const uint8_t *)text);
    sha256_digest(&c, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return 0;
}

int fk_scope_parse(const char *s, fk_scope *out)
{
    if (!s) return -1;
    if (!strcmp(s, "national")) {
        out->kind = FK_SCOPE_NATIONAL;
        out->pref = 0;
        return 0;
    }
    fk_scope_kind k;
    const char *nn;
    if (!strncmp(s, "pref:", 5))
        k = FK_SCOPE_PREF, nn = s + 5;
    else if (!strncmp(s, "followup:", 9))
        k = FK_SCOPE_FOLLOWUP, nn = s + 9;
    else
        return -1;
    /* Exactly two digits, so that "pref:1" and "pref:013" are refused and
     * every stored scope has one spelling. */
    if (strlen(nn) != 2 || nn[0] < '0' || nn[0] > '9' || nn[1] < '0' ||
        nn[1] > '9')
        return -1;
    const fk_pref *p = fk_pref_by_str(nn);
    if (!p) return -1;
    out->kind = k;
    out->pref = p->code;
    return 0;
}

int fk_scope_covers(const fk_scope *sc, int pref)
{
    if (sc->kind == FK_SCOPE_NATIONAL) return 1;
    return pref != 0 && sc->pref == pref;
}

static int valid_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 200) return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 0;
    return 1;
}

int fk_token_add(fk_store *st, const char *name, const char *scope,
                 char token[FK_TOKEN_HEX + 1], int64_t *id)
{
    fk_scope sc;
    if (!valid_name(name)) {
        snprintf(st->err, sizeof st->err,
                 "token name must be 1..200 bytes without control characters");
        return -1;
    }
    if (fk_scope_parse(scope, &sc) < 0) {
        snprintf(
            st->err, sizeof st->err,
            "bad scope '%s' (national, pref:NN or followup:NN with NN 01..47)",
            scope ? scope : "");
        return -1;
    }
    uint8_t raw[FK_TOKEN_HEX / 2];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t r = getrandom(raw + got, sizeof raw - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(st->err, sizeof st->err, "getrandom: %s", strerror(errno));
            return -1;
        }
        got += (size_t)r;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(token + 2 * i, 3, "%02x", raw[i]);
    char hash[FK_TOKEN_HEX + 1], now[32];
    if (sha256_hex(st, token, hash) < 0) return -1;
    fk_store_now(now, sizeof now);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db,
            "INSERT INTO token(name, scope, sha256, created_at) VALUES(?1, ?2, ?3, ?4)",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "token add");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, scope, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return fk_store_fail(st, "token add");
    if (id) *id = sqlite3_last_insert_rowid(st->db);
    memset(raw, 0, sizeof raw);
    return 0;
}

int fk_token_revoke(fk_store *st, int64_t id)
{
    char now[32];
    fk_store_now(now, sizeof now);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db,
            "UPDATE token SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "token revoke");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return fk_store_fail(st, "token revoke");
    if (sqlite3_changes(st->db) == 0) {
        snprintf(st->err, sizeof st->err, "no live token with id %lld",
                 (long long)id);
        return -1;
    }
    return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

int fk_token_each(fk_store *st, fk_token_fn fn, void *ctx)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db,
            "SELECT id, name, scope, created_at, revoked_at FROM token ORDER BY id",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "tokens");
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_token_row r = {sqlite3_column_int64(s, 0), col_text(s, 1),
                          col_text(s, 2), col_text(s, 3), col_text(s, 4)};
        stop = fn(&r, ctx);
    }
    sqlite3_finalize(s);
    if (!stop && rc != SQLITE_DONE) return fk_store_fail(st, "tokens");
    return 0;
}

/* Compares two equal-length strings in time independent of where they
 * differ. */
static int same(const char *a, const char *b, size_t n)
{
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

int fk_token_verify(fk_store *st, const char *token, fk_scope *scope,
                    int64_t *id)
{
    /* Anything but 64 lowercase hex digits cannot be a token we issued;
     * refusing it early keeps junk out of the hash and the query. */
    if (!token || strlen(token) != FK_TOKEN_HEX) return 0;
    for (const char *p = token; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
    char hash[FK_TOKEN_HEX + 1];
    if (sha256_hex(st, token, hash) < 0) return -1;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db,
            "SELECT id, scope, sha256 FROM token WHERE sha256 = ?1 AND revoked_at IS NULL",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "token verify");
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        const char *stored = col_text(s, 2);
        if (strlen(stored) == FK_TOKEN_HEX &&
            same(stored, hash, FK_TOKEN_HEX) &&
            fk_scope_parse(col_text(s, 1), scope) == 0) {
            if (id) *id = sqlite3_column_int64(s, 0);
            found = 1;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fk_store_fail(st, "token verify");
    return found;
}
