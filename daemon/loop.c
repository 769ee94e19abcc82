/* loop.c - the daemon's main loop: one thread, one timer.
 *
 * The next deadline is the earliest of {next pull slot, next weekly report,
 * next watchdog ping}; one timerfd on CLOCK_REALTIME is armed at it in
 * absolute time, so slots stay on the wall clock (JST) and a clock change
 * wakes the loop to recompute (TFD_TIMER_CANCEL_ON_SET).  SIGTERM, SIGINT,
 * SIGHUP and SIGUSR1 are blocked on every thread and let through only inside
 * ppoll() and during a pull; their handlers just set flags.  SIGUSR1
 * asks for a pull now (and the render that follows a stored one), out of
 * schedule: `make soak` drives many cycles through it.  The HTTP
 * server's threads are started with the signals blocked, so they never
 * take them.  A render is a child process (render.c): while it runs, the
 * loop also polls its pidfd and output pipe, keeps pinging the watchdog,
 * and holds pulls back until it has ended (one job at a time). */
#include "daemon/daemon_int.h"

#include "collector/collector.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static fk_daemon *the_daemon; /* for the signal handlers only */

static void on_signal(int sig)
{
    if (!the_daemon) return;
    if (sig == SIGHUP)
        the_daemon->reload = 1;
    else if (sig == SIGUSR1)
        the_daemon->pull_now = 1;
    else
        the_daemon->stop = 1;
}

static void setup_signals(fk_daemon *d)
{
    sigset_t ours;
    sigemptyset(&ours);
    sigaddset(&ours, SIGTERM);
    sigaddset(&ours, SIGINT);
    sigaddset(&ours, SIGHUP);
    sigaddset(&ours, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &ours, &d->waitmask);
    sigdelset(&d->waitmask, SIGTERM);
    sigdelset(&d->waitmask, SIGINT);
    sigdelset(&d->waitmask, SIGHUP);
    sigdelset(&d->waitmask, SIGUSR1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client gone mid-reply is not fatal */
}

static void reload(fk_daemon *d)
{
    d->reload = 0;
    fk_daemon_notify("RELOADING=1");
    const char *path =
        d->opt.config_path ? d->opt.config_path : FK_CONFIG_DEFAULT_PATH;
    fk_config nc, old = d->cfg;
    fk_schedule ns;
    char err[1400];
    if (fk_daemon_load_config(&d->opt, &nc, &ns, err, sizeof err) < 0) {
        fk_daemon_log(FK_LOG_ERR,
                      "reload failed: %s; keeping the running configuration",
                      err);
    } else {
        d->cfg = nc;
        if (fk_daemon_http_update(d, &old, err, sizeof err) < 0) {
            d->cfg = old;
            fk_daemon_log(
                FK_LOG_ERR,
                "reload failed: %s; keeping the running configuration", err);
        } else {
            d->sched = ns;
            int64_t now = time(NULL);
            d->next_pull = fk_schedule_next_pull(&d->sched, now);
            d->next_weekly = fk_schedule_next_weekly(&d->sched, now);
            char next[32];
            fk_daemon_log(FK_LOG_INFO, "reloaded %s; next pull %s", path,
                          fk_schedule_format(d->next_pull, next, sizeof next));
        }
    }
    fk_daemon_notify_ready(d);
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Arms the timer at the earliest deadline (milliseconds, Unix time). */
static int arm(int tfd, int64_t at_ms)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)(at_ms / 1000);
    its.it_value.tv_nsec = (long)(at_ms % 1000) * 1000000L;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;
    return timerfd_settime(tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                           &its, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Decides the work due at start: one pull when --run-now or when the last
 * slot before now has no good pull at or after it (however many slots
 * passed), and a render when the weekly report is older than its slot. */
static void start_work(fk_daemon *d, int *pull_now, const char **render_why)
{
    int64_t now = time(NULL), last = fk_daemon_last_good_pull(&d->cfg);
    int64_t slot = fk_schedule_prev_pull(&d->sched, now);
    *pull_now = d->opt.run_now || fk_schedule_missed(slot, last);
    if (*pull_now && !d->opt.run_now)
        fk_daemon_log(FK_LOG_INFO,
                      "missed pull slot (last good pull %s): pulling once now",
                      last < 0 ? "never" : "before the slot");
    int64_t wslot = fk_schedule_prev_weekly(&d->sched, now);
    if (last >= 0 && fk_schedule_missed(wslot, fk_daemon_last_render(&d->cfg)))
        *render_why = "at start: the weekly report is older than its slot";
}

static int loop(fk_daemon *d, int tfd)
{
    int pull_now;
    const char *render_why = NULL; /* non-NULL: render, and why */
    start_work(d, &pull_now, &render_why);
    double wd = fk_daemon_watchdog_interval(d);
    int64_t next_ping = wd > 0 ? now_ms() + (int64_t)(wd * 1000) : INT64_MAX;
    for (;;) {
        if (d->stop) return 0; /* the caller stops a render in flight */
        if (d->reload) {
            reload(d);
            if (!d->http) return 1;
        }
        fk_daemon_render_check(d);
        int rendering = fk_daemon_rendering(d);
        /* A pull waits for the render in flight: one job at a time. */
        if (!rendering &&
            (pull_now || d->pull_now || time(NULL) >= d->next_pull)) {
            pull_now = 0;
            d->pull_now = 0;
            if (fk_daemon_pull(d)) render_why = "new data stored";
            d->next_pull = fk_schedule_next_pull(&d->sched, time(NULL));
            fk_daemon_notify_status(d);
            continue; /* a stop during the pull is seen first */
        }
        if (time(NULL) >= d->next_weekly) {
            render_why = "weekly report time";
            d->next_weekly = fk_schedule_next_weekly(&d->sched, time(NULL));
        }
        if (render_why && !rendering) {
            fk_daemon_render_start(d, render_why);
            render_why = NULL;
            continue;
        }
        if (wd > 0 && now_ms() >= next_ping) {
            fk_daemon_watchdog_ping(d);
            next_ping = now_ms() + (int64_t)(wd * 1000);
        }
        /* While rendering, a pull slot that has passed waits for the
         * render's end (its pidfd), not the timer; the render's bound is
         * on the monotonic clock, hence a relative timeout. */
        int64_t at = min64(
            min64(rendering ? INT64_MAX / 1000 : d->next_pull, d->next_weekly) *
                1000,
            next_ping);
        if (arm(tfd, at) < 0) {
            fk_daemon_log(FK_LOG_ERR, "timer: %s", strerror(errno));
            return 1;
        }
        struct pollfd pfd[3] = {{.fd = tfd, .events = POLLIN}};
        fk_daemon_render_fds(d, &pfd[1].fd, &pfd[2].fd);
        pfd[1].events = pfd[2].events = POLLIN;
        int64_t bound = fk_daemon_render_deadline(d) - fk_daemon_mono_ms();
        struct timespec ts = {0, 0};
        if (bound > 0 && bound < INT64_MAX / 2) {
            ts.tv_sec = (time_t)(bound / 1000);
            ts.tv_nsec = (long)(bound % 1000) * 1000000L;
        }
        int r = ppoll(pfd, 3, bound < INT64_MAX / 2 ? &ts : NULL, &d->waitmask);
        if (r < 0 && errno != EINTR) {
            fk_daemon_log(FK_LOG_ERR, "ppoll: %s", strerror(errno));
            return 1;
        }
        if (r > 0 && (pfd[1].revents || pfd[2].revents))
            fk_daemon_render_event(d);
        if (r > 0 && pfd[0].revents) {
            uint64_t ticks;
            if (read(tfd, &ticks, sizeof ticks) < 0 && errno == ECANCELED) {
                /* The wall clock was set: slots are recomputed from it. */
                int64_t now = time(NULL);
                fk_daemon_log(FK_LOG_WARNING,
                              "system clock changed; recomputing the schedule");
                d->next_pull = fk_schedule_next_pull(&d->sched, now);
                d->next_weekly = fk_schedule_next_weekly(&d->sched, now);
            }
        }
    }
}

int fk_daemon_run(const fk_daemon_options *o)
{
    static fk_daemon d; /* large (paths), and reached by the handlers */
    memset(&d, 0, sizeof d);
    d.opt = *o;
    fk_daemon_memory_init(); /* before any thread starts */
    char err[1400];
    if (fk_daemon_load_config(o, &d.cfg, &d.sched, err, sizeof err) < 0) {
        fk_daemon_log(FK_LOG_ERR, "config: %s", err);
        return 1;
    }
    the_daemon = &d;
    setup_signals(&d); /* before the HTTP threads, which inherit the mask */
    int tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    if (tfd < 0) {
        fk_daemon_log(FK_LOG_ERR, "timerfd: %s", strerror(errno));
        return 1;
    }
    fk_collect_init(); /* cJSON's hooks, before the HTTP threads use cJSON */
    if (fk_daemon_http_start(&d, err, sizeof err) < 0) {
        fk_daemon_log(FK_LOG_ERR, "%s", err);
        close(tfd);
        return 1;
    }
    fk_daemon_notify_init(&d);
    int64_t now = time(NULL);
    d.next_pull = fk_schedule_next_pull(&d.sched, now);
    d.next_weekly = fk_schedule_next_weekly(&d.sched, now);
    char next[32], wnext[32], url[FK_PATH_MAX];
    fk_daemon_log(
        FK_LOG_INFO,
        "started: feed %s, store %s, out_dir %s; next pull %s, weekly report %s",
        fk_redact_url(d.cfg.feed_url, url, sizeof url), d.cfg.db_path,
        d.cfg.out_dir, fk_schedule_format(d.next_pull, next, sizeof next),
        fk_schedule_format(d.next_weekly, wnext, sizeof wnext));
    fk_daemon_notify_ready(&d);
    int rc = loop(&d, tfd);
    fk_daemon_notify("STOPPING=1");
    fk_daemon_render_stop(&d);
    fk_daemon_log(FK_LOG_INFO, "stopping%s",
                  rc ? " after an error" : " on request");
    if (fk_daemon_http_stop(&d) < 0) {
        /* The abandoned request's thread still reads d.cfg: leave
         * everything as it is and end the process here. */
        fk_daemon_log(FK_LOG_INFO, "stopped");
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    close(tfd);
    the_daemon = NULL;
    fk_daemon_log(FK_LOG_INFO, "stopped");
    return rc;
}
