/* render.c - the daemon's render job: every chart and report published
 * into out_dir (reports/report.h), started from the main loop.  The
 * publisher draws on its own worker threads, each with its own Pango font
 * map; the HTTP threads never render, they only serve what is on disk. */
#include "daemon/daemon_int.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "reports/report.h"

/* Bound on one publish for the watchdog: the national data render in
 * about ten seconds; an hour means something is stuck. */
#define RENDER_BUDGET_S 3600

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

void fk_daemon_render(fk_daemon *d, const char *why)
{
    char err[1200];
    fk_daemon_log(FK_LOG_INFO, "render started (%s)", why);
    fk_daemon_notify("STATUS=rendering charts and reports");
    fk_store *st =
        fk_store_open(d->cfg.db_path, FK_STORE_READONLY, err, sizeof err);
    if (!st) {
        fk_daemon_log(FK_LOG_ERR, "render failed: store: %s", err);
        return;
    }
    fk_publish_opts po = {
        .out_dir = d->cfg.out_dir,
        .lang = d->cfg.lang,
        .target = d->cfg.target,
        .as_of = -1,
        .national_only = 0,
        .stop = &d->stop,
    };
    fk_publish_stats ps = {0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fk_daemon_watchdog_busy(d, RENDER_BUDGET_S);
    int rc = fk_publish_all(st, &po, &ps, err, sizeof err);
    fk_daemon_watchdog_idle(d);
    fk_store_close(st);
    fk_daemon_memory_release(); /* the drawing threads' leftovers */
    if (rc < 0) {
        fk_daemon_log(FK_LOG_ERR, "render failed: %s", err);
        return;
    }
    char date[FK_DATE_LEN];
    fk_daemon_log(
        FK_LOG_INFO,
        "render done: as_of %s (%s), %d reports, %d charts, %d csv in %s, %.1f s",
        fk_date_format(ps.as_of, date), ps.week, ps.reports, ps.charts, ps.csv,
        d->cfg.out_dir, seconds_since(&t0));
}

int64_t fk_daemon_last_render(const fk_config *c)
{
    char path[FK_PATH_MAX + 40];
    struct stat sb;
    /* latest.pdf is replaced at every publish; stat follows its link. */
    snprintf(path, sizeof path, "%s/reports/weekly/latest.pdf", c->out_dir);
    return stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
}
