/* daemon_int.h - the daemon's state, shared by the main loop (loop.c), its
 * jobs (pull.c, render.c), the embedded dashboard (web.c) and the systemd
 * notifications (notify.c).  Everything here runs on the main thread. */
#ifndef FK_DAEMON_INT_H
#define FK_DAEMON_INT_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/text.h"
#include "daemon/daemon.h"
#include "http/http.h"

/* The render in flight: the publisher child (render.c). */
typedef struct {
    pid_t pid;       /* 0: no render running */
    int pidfd;       /* readable when the child has exited */
    int out;         /* its stdout (a pipe); -1 once at end of file */
    char line[1400]; /* what it printed (one line) */
    size_t len;
    int64_t started_ms; /* CLOCK_MONOTONIC */
} fk_render_child;

typedef struct {
    fk_daemon_options opt;
    fk_config cfg;
    fk_schedule sched;
    fk_http *http;
    uint64_t wd_usec;  /* WatchdogSec in microseconds; 0 = no watchdog */
    int64_t next_pull; /* Unix seconds */
    int64_t next_weekly;
    char last_pull[200]; /* "pull 12 stored (as_of 2025-02-09)", for STATUS= */
    /* Set by the signal handlers; the collector polls stop during a pull. */
    volatile sig_atomic_t stop, reload;
    volatile sig_atomic_t pull_now; /* SIGUSR1: pull (and render) now */
    sigset_t waitmask; /* the mask while waiting or pulling: our signals open */
    fk_render_child render;
} fk_daemon;

/* pull.c: one pull of the feed with SIGTERM able to abandon it.  Returns 1
 * when new data were stored, 0 when unchanged or failed (logged). */
int fk_daemon_pull(fk_daemon *d);
/* The start (Unix time) of the latest stored or unchanged pull, -1 if none
 * or the store cannot be read. */
int64_t fk_daemon_last_good_pull(const fk_config *c);

/* render.c: every chart and report rendered into out_dir by a publisher
 * child (see daemon.h), while the loop goes on: start it, poll the fds
 * fk_daemon_render_fds() gives (both -1 when none runs) and call
 * fk_daemon_render_event() when one is ready.  Start and end are logged
 * ("render started (why): publisher pid N", "render done: ..." or
 * "render failed: ...").  A child past RENDER_BUDGET_S is stopped and
 * counted as failed. */
void fk_daemon_render_start(fk_daemon *d, const char *why);
int fk_daemon_rendering(const fk_daemon *d);
void fk_daemon_render_fds(const fk_daemon *d, int *pidfd, int *out);
void fk_daemon_render_event(fk_daemon *d);
/* When the running render is past its bound (ms, CLOCK_MONOTONIC);
 * INT64_MAX when none runs.  fk_daemon_render_check() enforces it. */
int64_t fk_daemon_render_deadline(const fk_daemon *d);
void fk_daemon_render_check(fk_daemon *d);
/* The daemon is stopping: SIGTERM to the child, SIGKILL after a few
 * seconds, reaped either way (logged). */
void fk_daemon_render_stop(fk_daemon *d);
int64_t fk_daemon_mono_ms(void);
/* When the weekly report was last written (Unix time), -1 if never. */
int64_t fk_daemon_last_render(const fk_config *c);

/* web.c: the embedded dashboard. */
int fk_daemon_http_start(fk_daemon *d, char *err, size_t n);
/* After a reload: restarts the server when an [http] setting (or the store
 * or out_dir it reads) changed.  On failure keeps or restores the old
 * server and returns -1 with the reason. */
int fk_daemon_http_update(fk_daemon *d, const fk_config *old, char *err,
                          size_t n);
/* -1: a request was abandoned; exit without freeing more. */
int fk_daemon_http_stop(fk_daemon *d);

/* notify.c: systemd notifications (no-ops outside systemd). */
void fk_daemon_notify_init(fk_daemon *d);
void fk_daemon_notify_ready(fk_daemon *d);
void fk_daemon_notify_status(fk_daemon *d);
void fk_daemon_notify(const char *state);
/* Watchdog: the ping interval (half the timeout) in seconds, 0 when off. */
double fk_daemon_watchdog_interval(const fk_daemon *d);
void fk_daemon_watchdog_ping(const fk_daemon *d);
/* A pull or render cannot ping while it runs: stretch the watchdog timeout
 * to a generous budget for it (seconds), and restore it afterwards. */
void fk_daemon_watchdog_busy(const fk_daemon *d, int seconds);
void fk_daemon_watchdog_idle(const fk_daemon *d);

#endif
