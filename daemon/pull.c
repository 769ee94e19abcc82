/* pull.c - the daemon's pull job: one fk_collect_once() on the main thread,
 * with SIGTERM/SIGINT let through for its duration so that the handler's
 * flag reaches the collector, which then abandons the transfer and rolls
 * the store back (never half-applied).  Also reads the pull log for the
 * make-up rule. */
#include "daemon/daemon_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "collector/collector.h"

/* A generous bound on one pull for the watchdog: retries, Retry-After
 * waits and a national snapshot of tens of pages fit well inside it; a
 * pull stuck past it is a hang worth a restart. */
#define PULL_BUDGET_S (2 * 3600)

int fk_daemon_pull(fk_daemon *d)
{
    char url[FK_PATH_MAX], err[1200];
    fk_daemon_log(FK_LOG_INFO, "pull started: feed %s",
                  fk_redact_url(d->cfg.feed_url, url, sizeof url));
    fk_daemon_notify("STATUS=pulling the feed");
    fk_store *st = fk_store_open(d->cfg.db_path, FK_STORE_RW, err, sizeof err);
    if (!st) {
        fk_daemon_log(FK_LOG_ERR, "pull failed: store: %s", err);
        snprintf(d->last_pull, sizeof d->last_pull, "last pull failed (store)");
        return 0;
    }
    fk_collect_options co;
    fk_collect_options_from_config(&co, &d->cfg);
    co.stop = &d->stop;
    fk_collect_result res;
    memset(&res, 0, sizeof res);

    fk_daemon_watchdog_busy(d, PULL_BUDGET_S);
    sigset_t blocked;
    pthread_sigmask(SIG_SETMASK, &d->waitmask, &blocked);
    int rc = d->stop ? -1 : fk_collect_once(st, &co, &res);
    pthread_sigmask(SIG_SETMASK, &blocked, NULL);
    fk_daemon_watchdog_idle(d);
    fk_store_close(st);
    fk_daemon_memory_release(); /* the parsed pages' arena */

    if (rc < 0) {
        if (!res.reason[0])
            snprintf(res.reason, sizeof res.reason, "stopped before it began");
        fk_daemon_log(FK_LOG_ERR, "pull %lld failed: %s",
                      (long long)res.pull_id, res.reason);
        snprintf(d->last_pull, sizeof d->last_pull, "last pull %lld failed",
                 (long long)res.pull_id);
        return 0;
    }
    if (!strcmp(res.outcome, "unchanged")) {
        fk_daemon_log(FK_LOG_INFO, "pull %lld unchanged (HTTP 304)",
                      (long long)res.pull_id);
        snprintf(d->last_pull, sizeof d->last_pull, "last pull %lld unchanged",
                 (long long)res.pull_id);
        return 0;
    }
    fk_daemon_log(
        FK_LOG_INFO,
        "pull %lld stored: as_of %s, %lld records, %lld status changes, %lld set aside,"
        " %lld pages, %.2f s",
        (long long)res.pull_id, res.as_of, (long long)res.stats.records,
        (long long)res.stats.changes, (long long)res.stats.set_aside,
        (long long)res.stats.pages, res.stats.seconds);
    snprintf(d->last_pull, sizeof d->last_pull,
             "last pull %lld stored (as_of %s)", (long long)res.pull_id,
             res.as_of);
    return 1;
}

typedef struct {
    int64_t t;
} last_good;

static int find_good(const fk_pull_row *r, void *ctx)
{
    last_good *lg = ctx;
    if (strcmp(r->outcome, "stored") && strcmp(r->outcome, "unchanged"))
        return 0;
    /* started_at is "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(r->started_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end) return 0;
    lg->t = (int64_t)timegm(&tm);
    return 1; /* newest first: the first good one is the latest */
}

int64_t fk_daemon_last_good_pull(const fk_config *c)
{
    char err[1200];
    fk_store *st =
        fk_store_open(c->db_path, FK_STORE_READONLY, err, sizeof err);
    if (!st) return -1; /* no store yet: never pulled */
    last_good lg = {-1};
    if (fk_store_each_pull(st, 0, NULL, find_good, &lg) < 0)
        fk_daemon_log(FK_LOG_WARNING, "pull log: %s", fk_store_error(st));
    fk_store_close(st);
    return lg.t;
}
