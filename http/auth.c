/* auth.c - who may read what.
 *
 * Tokens come only in "Authorization: Bearer TOKEN" (never in URLs, so
 * they stay out of logs, histories and referrers) and are checked against
 * the SHA-256 kept in the store.  Aggregates are public unless
 * [http] public_aggregates is off, in which case any live token reads
 * them; facility-level data needs a token whose scope covers the area. */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static enum MHD_Result deny(fk_req *r, unsigned status, int json,
                            const char *msg)
{
    return json ? fk_reply_json_error(r, status, "%s", msg)
                : fk_reply_text(r, status, "%s", msg);
}

/* 1 with the scope of a live presented token; 0 when none or not live
 * (401 queued); -1 when the store failed (503 queued). */
static int token_scope(fk_req *r, int json, fk_scope *sc, enum MHD_Result *ret)
{
    const char *h = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h) {
        *ret = deny(r, MHD_HTTP_UNAUTHORIZED, json,
                    "a token is required (Authorization: Bearer TOKEN)");
        return 0;
    }
    if (strncasecmp(h, "Bearer ", 7) != 0) {
        *ret = deny(r, MHD_HTTP_UNAUTHORIZED, json,
                    "the Authorization header must be 'Bearer TOKEN'");
        return 0;
    }
    const char *tok = h + 7;
    while (*tok == ' ') tok++;
    char t[FK_TOKEN_HEX + 1];
    size_t n = strlen(tok);
    while (n > 0 && tok[n - 1] == ' ') n--;
    if (n != FK_TOKEN_HEX) {
        *ret = deny(r, MHD_HTTP_UNAUTHORIZED, json, "unknown or revoked token");
        return 0;
    }
    memcpy(t, tok, n);
    t[n] = '\0';
    char err[600];
    fk_store *st = fk_pool_get(r->srv, err, sizeof err);
    if (!st) {
        *ret = deny(r, MHD_HTTP_SERVICE_UNAVAILABLE, json,
                    "the store is not available");
        return -1;
    }
    int found = fk_token_verify(st, t, sc, NULL);
    fk_pool_put(r->srv, st);
    if (found < 0) {
        *ret = deny(r, MHD_HTTP_SERVICE_UNAVAILABLE, json,
                    "the token could not be checked");
        return -1;
    }
    if (!found) {
        *ret = deny(r, MHD_HTTP_UNAUTHORIZED, json, "unknown or revoked token");
        return 0;
    }
    return 1;
}

int fk_auth_aggregate(fk_req *r, int json, enum MHD_Result *ret)
{
    if (r->srv->public_aggregates) return 1;
    fk_scope sc;
    return token_scope(r, json, &sc, ret) == 1;
}

int fk_auth_area(fk_req *r, int pref, int json, enum MHD_Result *ret)
{
    fk_scope sc;
    if (token_scope(r, json, &sc, ret) != 1) return 0;
    if (!fk_scope_covers(&sc, pref)) {
        char msg[160];
        if (pref)
            snprintf(msg, sizeof msg,
                     "this token's scope does not cover prefecture %02d", pref);
        else
            snprintf(msg, sizeof msg,
                     "national data needs a token with the national scope");
        *ret = deny(r, MHD_HTTP_FORBIDDEN, json, msg);
        return 0;
    }
    return 1;
}

int fk_auth_followup(fk_req *r, int pref, int json, enum MHD_Result *ret)
{
    fk_scope sc;
    if (token_scope(r, json, &sc, ret) != 1) return 0;
    if (sc.kind == FK_SCOPE_NATIONAL ||
        (sc.kind == FK_SCOPE_FOLLOWUP && pref && sc.pref == pref))
        return 1;
    char msg[160];
    if (pref)
        snprintf(msg, sizeof msg,
                 "follow-up data of prefecture %02d needs a followup:%02d or "
                 "national token",
                 pref, pref);
    else
        snprintf(msg, sizeof msg,
                 "national follow-up data needs a token with the national "
                 "scope");
    *ret = deny(r, MHD_HTTP_FORBIDDEN, json, msg);
    return 0;
}
