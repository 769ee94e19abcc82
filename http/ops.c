/* ops.c - for operators and monitors: /healthz answers 200 "ok" only when
 * the last good pull (stored or unchanged) finished within stale_after
 * minutes, else 503 with the reason; /metrics is the pull log and the
 * server's own counters in Prometheus text format. */
#include "http/http_int.h"

#include <stdio.h>
#include <time.h>

static int load_health(fk_req *r, fk_pull_health *ph, char *err, size_t errlen)
{
    fk_store *st = fk_pool_get(r->srv, err, errlen);
    if (!st) return -1;
    int rc = fk_store_pull_health(st, ph);
    if (rc < 0) snprintf(err, errlen, "%s", fk_store_error(st));
    fk_pool_put(r->srv, st);
    return rc;
}

enum MHD_Result fk_route_healthz(fk_req *r)
{
    static const char *const none[] = {NULL};
    enum MHD_Result ret;
    if (!fk_params_check(r, none, &ret)) return ret;
    fk_pull_health ph;
    char err[600];
    if (load_health(r, &ph, err, sizeof err) < 0)
        return fk_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                             "unhealthy: store not available: %s", err);
    if (ph.last_ok_time < 0)
        return fk_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                             "unhealthy: no pull has been stored yet");
    long long age = (long long)time(NULL) - ph.last_ok_time;
    int limit = r->srv->stale_after;
    if (limit > 0 && age > (long long)limit * 60)
        return fk_reply_text(
            r, MHD_HTTP_SERVICE_UNAVAILABLE,
            "unhealthy: the last good pull finished %lld minutes ago (stale after %d)",
            age / 60, limit);
    /* The body is constant so monitors can match it; no-store keeps
     * caches from answering for us. */
    return fk_reply(r, MHD_HTTP_OK, "text/plain; charset=utf-8", "ok\n", 3,
                    FK_CACHE_NOSTORE);
}

enum MHD_Result fk_route_metrics(fk_req *r)
{
    static const char *const none[] = {NULL};
    enum MHD_Result ret;
    if (!fk_params_check(r, none, &ret)) return ret;
    if (!fk_auth_aggregate(r, 0, &ret)) return ret;
    fk_pull_health ph;
    char err[600];
    if (load_health(r, &ph, err, sizeof err) < 0)
        return fk_reply_text(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                             "store not available: %s", err);
    fk_buf b = {0};
    fk_buf_puts(
        &b,
        "# HELP fukyu_pulls_total Pulls recorded in the store, by outcome.\n"
        "# TYPE fukyu_pulls_total counter\n");
    const struct {
        const char *name;
        int64_t n;
    } outcomes[] = {{"stored", ph.stored},
                    {"unchanged", ph.unchanged},
                    {"failed", ph.failed},
                    {"running", ph.running},
                    {"interrupted", ph.interrupted}};
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        fk_buf_printf(&b, "fukyu_pulls_total{outcome=\"%s\"} %lld\n",
                      outcomes[i].name, (long long)outcomes[i].n);
    if (ph.last_ok_time >= 0)
        fk_buf_printf(
            &b,
            "# HELP fukyu_last_success_timestamp_seconds When the last stored or unchanged pull finished.\n"
            "# TYPE fukyu_last_success_timestamp_seconds gauge\n"
            "fukyu_last_success_timestamp_seconds %lld\n",
            (long long)ph.last_ok_time);
    if (ph.last_id > 0) {
        fk_buf_printf(
            &b,
            "# HELP fukyu_last_pull_duration_seconds How long the latest finished pull took.\n"
            "# TYPE fukyu_last_pull_duration_seconds gauge\n"
            "fukyu_last_pull_duration_seconds %.3f\n"
            "# HELP fukyu_last_pull_records Records received by the latest finished pull.\n"
            "# TYPE fukyu_last_pull_records gauge\n"
            "fukyu_last_pull_records %lld\n"
            "# HELP fukyu_last_pull_set_aside Records the latest finished pull set aside.\n"
            "# TYPE fukyu_last_pull_set_aside gauge\n"
            "fukyu_last_pull_set_aside %lld\n",
            ph.last_seconds, (long long)ph.last_records,
            (long long)ph.last_set_aside);
        if (ph.last_finished >= 0)
            fk_buf_printf(
                &b,
                "# HELP fukyu_last_pull_timestamp_seconds When the latest finished pull ended.\n"
                "# TYPE fukyu_last_pull_timestamp_seconds gauge\n"
                "fukyu_last_pull_timestamp_seconds %lld\n",
                (long long)ph.last_finished);
    }
    fk_buf_puts(
        &b,
        "# HELP fukyu_http_responses_total Responses sent by this server, by status class.\n"
        "# TYPE fukyu_http_responses_total counter\n");
    for (int c = 1; c <= 5; c++)
        fk_buf_printf(&b, "fukyu_http_responses_total{code=\"%dxx\"} %llu\n", c,
                      (unsigned long long)__atomic_load_n(&r->srv->answered[c],
                                                          __ATOMIC_RELAXED));
    fk_buf_printf(
        &b,
        "# HELP fukyu_http_slow_clients_total Connections closed because their request head missed header_timeout.\n"
        "# TYPE fukyu_http_slow_clients_total counter\n"
        "fukyu_http_slow_clients_total %llu\n",
        (unsigned long long)__atomic_load_n(&r->srv->slow_closed,
                                            __ATOMIC_RELAXED));
    ret = b.oom ? MHD_NO
                : fk_reply(r, MHD_HTTP_OK,
                           "text/plain; version=0.0.4; charset=utf-8", b.p,
                           b.len, FK_CACHE_NOSTORE);
    fk_buf_free(&b);
    return ret;
}
