/* api.c - /api/v1/summary, /api/v1/series and /api/v1/forecast: the same
 * JSON as `fukyu summary|series|forecast --json` (reports/json.h), from
 * the read-only store.  These are aggregates (national or one prefecture),
 * public unless the configuration says otherwise.  Every parameter is
 * checked; a bad one is a 400 {"error": "..."} naming it. */
#include "http/http_int.h"

#include "core/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/forecast.h"
#include "forecast/obs.h"
#include "reports/json.h"

/* Longest series one request may ask for, in days (about 30 years). */
#define FK_API_MAX_DAYS (366 * 30)
/* /api/v1/forecast fits at most the last 260 weekly observations (five
 * years; the programs began in 2023).  Its cost grows with the span of the
 * series, which a feed's since dates decide: 55 years of weekly points
 * cost some 12 s of a core, unauthenticated, and hold up a shutdown.
 * Longer series lose whole years from the start (208 to 260 kept), so
 * that the window starts on the same day all year and a new pull reuses
 * the last one's fits (forecast/chain.c). */
#define FK_API_MAX_WEEKS 260
#define FK_API_DROP_STEP 52

#define FK_JSON_TYPE "application/json; charset=utf-8"

/* Answers js (taken) with a final newline and keeps the answer for key
 * under version. */
static enum MHD_Result reply_json(fk_req *r, int64_t version, const char *key,
                                  char *js)
{
    if (!js)
        return fk_reply_json_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "out of memory");
    size_t n = strlen(js);
    char *body = fk_xmalloc(n + 2);
    memcpy(body, js, n);
    body[n] = '\n';
    body[n + 1] = '\0';
    fk_api_keep(r->srv, version, key, body, n + 1);
    enum MHD_Result ret = fk_reply(r, MHD_HTTP_OK, FK_JSON_TYPE, body, n + 1,
                                   FK_CACHE_REVALIDATE);
    free(body);
    free(js);
    return ret;
}

/* What every answer starts with once its parameters are valid: the
 * token check, a store from the pool, the kept answer for key when the
 * data has not changed since, and the latest as_of.  Returns the store
 * (give it back with fk_pool_put), or NULL with the reply (the kept
 * answer, 401/403 or 503) queued into *ret.  key must name every
 * parameter the answer depends on. */
static fk_store *answer_start(fk_req *r, const char *key, fk_day *latest,
                              int64_t *version, enum MHD_Result *ret)
{
    if (!fk_auth_aggregate(r, 1, ret)) return NULL;
    char err[600];
    fk_store *st = fk_pool_get(r->srv, err, sizeof err);
    if (!st) {
        *ret = fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "the store is not available");
        return NULL;
    }
    if (fk_store_data_version(st, version) < 0) *version = 0; /* no cache */
    if (fk_api_cached(r, *version, key, FK_JSON_TYPE, ret)) {
        fk_pool_put(r->srv, st);
        return NULL;
    }
    if (fk_store_latest_as_of(st, latest) == 0) return st;
    fk_pool_put(r->srv, st);
    *ret = fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                               "no pull has been stored yet");
    return NULL;
}

static int need_program(fk_req *r, const char **program, enum MHD_Result *ret)
{
    int p = fk_param_program(r, program, ret);
    if (p == 0)
        *ret = fk_reply_json_error(
            r, MHD_HTTP_BAD_REQUEST,
            "program: required (eprescription, ehr_sharing)");
    return p == 1;
}

static enum MHD_Result summary(fk_req *r)
{
    static const char *const allowed[] = {"program", "date", "prefecture",
                                          NULL};
    enum MHD_Result ret;
    const char *program = NULL;
    fk_day date = 0;
    int pref = 0, has_date;
    if (!fk_params_check(r, allowed, &ret) ||
        !need_program(r, &program, &ret) ||
        (has_date = fk_param_date(r, "date", &date, &ret)) < 0 ||
        fk_param_pref(r, &pref, &ret) < 0)
        return ret;
    char key[200];
    snprintf(key, sizeof key, "summary %s %d %ld %d", program, has_date,
             has_date ? (long)date : 0L, pref);
    int64_t version;
    fk_day latest;
    fk_store *st = answer_start(r, key, &latest, &version, &ret);
    if (!st) return ret;
    char err[600];
    char *js = fk_json_summary(st, program, has_date ? date : latest, pref, err,
                               sizeof err);
    fk_pool_put(r->srv, st);
    if (!js)
        return fk_reply_json_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "summary: %s", err);
    return reply_json(r, version, key, js);
}

static enum MHD_Result series(fk_req *r)
{
    static const char *const allowed[] = {
        "program", "type",   "prefecture", "municipality", "from", "to",
        "weekly",  "metric", NULL};
    enum MHD_Result ret;
    const char *program = NULL;
    int type = -1, pref = 0;
    fk_day from = 0,
           to = 0; /* dates before 1970 are negative: flags say "given" */
    int has_from, has_to;
    long weekly = 0;
    if (!fk_params_check(r, allowed, &ret) ||
        !need_program(r, &program, &ret) || fk_param_type(r, &type, &ret) < 0 ||
        fk_param_pref(r, &pref, &ret) < 0 ||
        (has_from = fk_param_date(r, "from", &from, &ret)) < 0 ||
        (has_to = fk_param_date(r, "to", &to, &ret)) < 0 ||
        fk_param_int(r, "weekly", 0, 1, &weekly, &ret) < 0)
        return ret;
    if (has_from && has_to && from > to)
        return fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "from: must not be after to");
    fk_area area = {pref, ""};
    const char *metric = fk_param(r, "metric");
    int muni = fk_param_muni(r, &area.pref, area.muni, &ret);
    if (muni < 0) return ret;
    if (metric && strcmp(metric, "rate") &&
        strcmp(metric, "population_coverage"))
        return fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "metric: not rate or population_coverage");
    int cover = metric && !strcmp(metric, "population_coverage");
    if (cover && muni)
        return fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "metric: population_coverage is for Japan "
                                   "or a prefecture, not a municipality");
    char key[200];
    snprintf(key, sizeof key, "series %s %d %d %s %d %d %ld %d %ld %ld",
             program, type, area.pref, area.muni, cover, has_from,
             has_from ? (long)from : 0L, has_to, has_to ? (long)to : 0L,
             weekly);
    int64_t version;
    fk_day latest;
    fk_store *st = answer_start(r, key, &latest, &version, &ret);
    if (!st) return ret;
    if (!has_to) to = latest;
    if (!has_from && fk_store_first_day(st, program, &from) < 0) from = to;
    if (from > to)
        from = to; /* as the CLI does: a start after the data is its last day */
    if (to - from > FK_API_MAX_DAYS) {
        fk_pool_put(r->srv, st);
        return fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "from..to: at most %d days per request",
                                   FK_API_MAX_DAYS);
    }
    char err[600];
    char *js = fk_json_series(st, program, type, &area, from, to, (int)weekly,
                              cover, err, sizeof err);
    fk_pool_put(r->srv, st);
    if (!js)
        return fk_reply_json_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "series: %s", err);
    return reply_json(r, version, key, js);
}

static int param_share(fk_req *r, const char *key, double *out,
                       enum MHD_Result *ret)
{
    const char *v = fk_param(r, key);
    if (!v) return 0;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || *end || errno || !(d > 0 && d <= 1)) {
        *ret = fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "%s: not a share in (0, 1]", key);
        return -1;
    }
    *out = d;
    return 1;
}

static enum MHD_Result forecast(fk_req *r)
{
    static const char *const allowed[] = {
        "program", "type", "prefecture", "method", "target", "horizon", NULL};
    enum MHD_Result ret;
    const char *program = NULL;
    int type = -1, pref = 0, method = FK_FC_AUTO;
    long horizon = 0;
    double target = r->srv->target;
    if (!fk_params_check(r, allowed, &ret) ||
        !need_program(r, &program, &ret) || fk_param_type(r, &type, &ret) < 0 ||
        fk_param_pref(r, &pref, &ret) < 0 ||
        param_share(r, "target", &target, &ret) < 0 ||
        fk_param_int(r, "horizon", 1, 520, &horizon, &ret) < 0)
        return ret;
    const char *m = fk_param(r, "method");
    if (m && (method = fk_fc_method_by_name(m)) < 0)
        return fk_reply_json_error(
            r, MHD_HTTP_BAD_REQUEST,
            "method: not a forecast method (auto, pace, holt, logistic, bass, pipeline)");
    char key[200];
    snprintf(key, sizeof key, "forecast %s %d %d %d %.17g %ld", program, type,
             pref, method, target, horizon);
    int64_t version;
    fk_day latest;
    fk_store *st = answer_start(r, key, &latest, &version, &ret);
    if (!st) return ret;
    fk_area area = {pref, ""};
    fk_obs *obs = NULL;
    size_t n = 0;
    char err[600];
    int rc =
        fk_obs_from_store(st, program, type, &area, &obs, &n, err, sizeof err);
    if (rc < 0) {
        fk_pool_put(r->srv, st);
        return fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "forecast: %s", err);
    }
    if (n > FK_API_MAX_WEEKS) {
        size_t drop = (n - FK_API_MAX_WEEKS + FK_API_DROP_STEP - 1) /
                      FK_API_DROP_STEP * FK_API_DROP_STEP;
        memmove(obs, obs + drop, (n - drop) * sizeof *obs);
        n -= drop;
    }

    /* The horizon rule of `fukyu forecast`: the next 31 March, at least
     * four weeks ahead, unless a number of weeks is given. */
    fk_fc_options o;
    fk_fc_options_default(&o);
    o.method = (fk_fc_method)method;
    o.target = target;
    fk_day last = n ? obs[n - 1].date : 0;
    if (horizon)
        o.horizon_weeks = (int)horizon;
    else {
        o.until = fk_fy_end(last + 1);
        if (o.until < last + 28) o.until = last + 28;
    }
    fk_forecast f;
    rc = fk_forecast_cached(st, obs, n, &o, &f, err, sizeof err);
    fk_pool_put(r->srv, st);
    free(obs);
    if (rc < 0)
        return fk_reply_json_error(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
                                   "forecast: %s", err);
    char *js = fk_json_forecast(&f, target > 0, target);
    fk_forecast_free(&f);
    return reply_json(r, version, key, js);
}

enum MHD_Result fk_route_api(fk_req *r)
{
    if (!strcmp(r->url, "/api/v1/summary")) return summary(r);
    if (!strcmp(r->url, "/api/v1/series")) return series(r);
    if (!strcmp(r->url, "/api/v1/forecast")) return forecast(r);
    if (!strcmp(r->url, "/api/v1/followup")) return fk_route_api_followup(r);
    return fk_reply_json_error(
        r, MHD_HTTP_NOT_FOUND,
        "not found (summary, series, forecast, followup under /api/v1/)");
}
