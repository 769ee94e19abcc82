/* publisher.c - the child side of the daemon's render (`fukyu publish`):
 * one fk_publish_all() into out_dir, then exit.
 *
 * Why a process of its own: cairo 1.16 keeps ~2 kB per PDF font subset
 * for the life of the process, ~434 PDFs a render, so a daemon that drew
 * in-process grew by about 1.2 MiB per render for good (issue 17).  The
 * child's memory, leaks included, ends with it.  The daemon starts it with
 * posix_spawn() (render.c) and keeps its own loop going meanwhile.
 *
 * The child reads no configuration file: the daemon passes its effective
 * settings (store, out_dir, lang, target) on the command line, so a config
 * edited since the last SIGHUP is not picked up half-way.  It reports on
 * stdout, a pipe to the daemon, with exactly one line (FK_PUBLISHED or
 * FK_PUBLISH_FAILED, see daemon.h); anything else it has to say (library
 * warnings, sanitizer reports) goes to stderr, the daemon's log. */
#include "daemon/daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "reports/report.h"

/* How much nicer than the daemon the render runs (10: a tenth of its
 * share of a contended CPU). */
#define RENDER_NICE 10

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1; /* fk_publish_all stops before its next chart */
}

/* The reason on one line: the protocol is line based. */
static int failed(const char *why)
{
    char line[1300];
    snprintf(line, sizeof line, "%s", why);
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    printf("%s%s\n", FK_PUBLISH_FAILED, line);
    return 1;
}

int fk_daemon_publisher_main(const fk_publish_job *j)
{
    /* A daemon killed outright (SIGKILL, OOM) must not leave us drawing. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    /* Batch work: the daemon's dashboard threads, which answer people and
     * health checks while we draw, come first on a busy machine.  Best
     * effort (a seccomp filter may refuse it; the render runs anyway). */
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    if (errno == 0) setpriority(PRIO_PROCESS, 0, prio + RENDER_NICE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    char err[1200], why[1300];
    fk_store *st = fk_store_open(j->db, FK_STORE_READONLY, err, sizeof err);
    if (!st) {
        snprintf(why, sizeof why, "store: %s", err);
        return failed(why);
    }
    fk_publish_opts po = {
        .out_dir = j->out_dir,
        .lang = j->lang,
        .target = j->target,
        .as_of = -1,
        .national_only = 0,
        .stop = &stop,
    };
    fk_publish_stats ps = {0};
    int rc = fk_publish_all(st, &po, &ps, err, sizeof err);
    fk_store_close(st);
    if (rc < 0) return failed(err);
    char date[FK_DATE_LEN];
    printf("%s" FK_PUBLISHED_FIELDS "\n", FK_PUBLISHED,
           fk_date_format(ps.as_of, date), ps.week, ps.reports, ps.charts,
           ps.csv);
    return 0;
}
