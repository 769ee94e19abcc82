/* daemon.h - `fukyu daemon`: the long-running service.  One main loop with
 * one timer does all periodic work: pulls on the [schedule] (JST), a fresh
 * render of charts and reports after each stored pull and at the weekly
 * report time, and the systemd watchdog ping.  The dashboard (http/http.h)
 * runs on its own threads meanwhile and only reads; each render runs in a
 * child process of its own (`fukyu publish`, below).
 *
 * The schedule maths are pure functions of a Unix time, so they are tested
 * without clocks; the loop feeds them time(NULL). */
#ifndef FK_DAEMON_H
#define FK_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/sched.h"

/* ---- the schedule (daemon/schedule.c) ----------------------------------- */

typedef struct {
    int interval;                  /* minutes between pulls; 0 = use times */
    int times[FK_SCHED_MAX_TIMES]; /* minutes after midnight JST, ascending */
    int ntimes;
    int weekly_wday; /* 0 = Monday .. 6 = Sunday */
    int weekly_min;  /* minutes after midnight JST */
} fk_schedule;

/* Builds the schedule from [schedule] interval, times and weekly_report.
 * Returns 0, or -1 with the reason in err. */
int fk_schedule_from_config(fk_schedule *s, const fk_config *c, char *err,
                            size_t n);

/* Pull slots.  With an interval of N minutes the slots lie on a grid of N
 * minutes counted from midnight JST (for an N dividing a day: from every
 * midnight JST); otherwise at each of the times, every day.  All times are
 * Unix seconds. */
int64_t fk_schedule_next_pull(const fk_schedule *s,
                              int64_t now); /* first slot > now */
int64_t fk_schedule_prev_pull(const fk_schedule *s,
                              int64_t now); /* last slot <= now */
/* The weekly report slot ("mon 07:00" JST). */
int64_t fk_schedule_next_weekly(const fk_schedule *s, int64_t now);
int64_t fk_schedule_prev_weekly(const fk_schedule *s, int64_t now);

/* The make-up rule after downtime: 1 when the latest slot that has passed
 * (prev_slot) has no run at or after it; last_run is the start of the last
 * good run, -1 for never.  One make-up run covers every missed slot. */
int fk_schedule_missed(int64_t prev_slot, int64_t last_run);

/* "2025-02-10 06:00 JST" (out holds at least 24 bytes). */
char *fk_schedule_format(int64_t t, char *out, size_t n);

/* ---- the service (daemon/loop.c) ----------------------------------------- */

typedef struct {
    const char *config_path; /* NULL: FK_CONFIG_DEFAULT_PATH, may be missing */
    /* Command-line overrides, kept across reloads; NULL = from the config. */
    const char *feed, *db, *listen, *out;
    int run_now; /* pull at once at start */
} fk_daemon_options;

/* Runs until SIGTERM or SIGINT.  Returns the exit code: 0 after a clean
 * stop, 1 when it could not start (the reason is logged). */
int fk_daemon_run(const fk_daemon_options *o);

/* Loads the configuration as the daemon sees it: defaults, the file, then
 * the overrides, then the cross-field checks and the schedule.  Returns 0,
 * or -1 with "file:line: ..." or the override at fault in err. */
int fk_daemon_load_config(const fk_daemon_options *o, fk_config *c,
                          fk_schedule *s, char *err, size_t n);

/* ---- the publisher child (daemon/publisher.c, `fukyu publish`) ---------
 * Every render runs in a short-lived child process, the daemon's own
 * binary started as `fukyu publish --db PATH --out DIR --lang L --target T`
 * (posix_spawn of /proc/self/exe, Linux 5.3 or later for its pidfd): its
 * memory, and cairo's leak, end with it.  The child prints one line on
 * stdout: FK_PUBLISHED followed by FK_PUBLISHED_FIELDS, exit 0; or
 * FK_PUBLISH_FAILED followed by the reason, exit 1.  SIGTERM stops it
 * before its next chart (files already written stay whole). */
#define FK_PUBLISHED        "published "
#define FK_PUBLISHED_FIELDS "as_of=%s week=%s reports=%d charts=%d csv=%d"
#define FK_PUBLISH_FAILED   "failed: "

typedef struct {
    const char *db, *out_dir, *lang; /* lang: "ja" or "en" */
    double target;                   /* 0 = 0.8 */
} fk_publish_job;

/* The child's whole run; returns its exit code. */
int fk_daemon_publisher_main(const fk_publish_job *j);

/* ---- memory (daemon/memory.c) ------------------------------------------ */

/* glibc's allocator set for a process that renders again and again: call
 * before any thread starts.  Without it every render can leave a heap of
 * ~26 MB resident behind (issue 17). */
void fk_daemon_memory_init(void);
/* After a pull: hands the pages it freed back to the system. */
void fk_daemon_memory_release(void);

/* ---- logging and systemd notification (daemon/log.c) --------------------- */

enum {
    FK_LOG_ERR = 3,
    FK_LOG_WARNING = 4,
    FK_LOG_INFO = 6
};

/* One line on stderr per event.  Under journald (JOURNAL_STREAM names our
 * stderr) the line gets a "<N>" priority prefix so errors show as errors. */
void fk_daemon_log(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
