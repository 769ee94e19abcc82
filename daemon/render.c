/* render.c - the daemon's render job, the parent side: every chart and
 * report is published into out_dir by a child process (publisher.c,
 * `fukyu publish`) so that what the drawing libraries keep, and cairo
 * 1.16 leaks, dies with it (issue 17).  The daemon does not fork() itself
 * (it has threads; only async-signal-safe code may run in such a child):
 * it posix_spawn()s its own binary, /proc/self/exe, with
 *   - an empty signal mask and default dispositions (the daemon blocks
 *     its signals on every thread and ignores SIGPIPE; both are inherited
 *     across exec otherwise);
 *   - stdin /dev/null, stdout a pipe to us, stderr our log, and every
 *     other descriptor closed (the listen socket, clients, the store):
 *     the child has the daemon's already dropped privileges and nothing
 *     it does not need.
 * The main loop polls the child's pidfd and pipe beside its timer, so the
 * watchdog keeps being pinged and signals keep being seen while it draws;
 * the HTTP threads serve what is on disk throughout.
 *
 * Publishing stays atomic per file (core/file.h): a child that fails,
 * crashes or is killed leaves every target either old or new, never half
 * written; its stray temporary files (NAME.tmp.PID.N) are removed here. */
#include "daemon/daemon_int.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Bound on one render: the national data render in well under a minute
 * on two cores; an hour means the child is stuck. */
#define RENDER_BUDGET_S 3600
/* How long a child asked to stop may take before SIGKILL: it stops
 * before its next chart, which takes well under a second. */
#define STOP_GRACE_MS 3000

int64_t fk_daemon_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fk_daemon_rendering(const fk_daemon *d)
{
    return d->render.pid > 0;
}

void fk_daemon_render_fds(const fk_daemon *d, int *pidfd, int *out)
{
    *pidfd = fk_daemon_rendering(d) ? d->render.pidfd : -1;
    *out = fk_daemon_rendering(d) ? d->render.out : -1;
}

int64_t fk_daemon_render_deadline(const fk_daemon *d)
{
    if (!fk_daemon_rendering(d)) return INT64_MAX;
    return d->render.started_ms + (int64_t)RENDER_BUDGET_S * 1000;
}

static int spawn(fk_daemon *d, int wfd, char *err, size_t n)
{
    char target[40];
    snprintf(target, sizeof target, "%.15g", d->cfg.target);
    char *argv[] = {
        "fukyu",    "publish",      "--db",   d->cfg.db_path,
        "--out",    d->cfg.out_dir, "--lang", d->cfg.lang,
        "--target", target,         NULL,
    };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wfd, 1);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGHUP);
    sigaddset(&dfl, SIGUSR1);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        snprintf(err, n, "cannot start the publisher /proc/self/exe: %s",
                 strerror(rc));
        return -1;
    }
    d->render.pid = pid;
    return 0;
}

void fk_daemon_render_start(fk_daemon *d, const char *why)
{
    char err[300];
    fk_render_child *r = &d->render;
    memset(r, 0, sizeof *r);
    r->pidfd = r->out = -1;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        fk_daemon_log(FK_LOG_ERR, "render failed: pipe: %s", strerror(errno));
        return;
    }
    if (spawn(d, p[1], err, sizeof err) < 0) {
        close(p[0]), close(p[1]);
        fk_daemon_log(FK_LOG_ERR, "render failed: %s", err);
        return;
    }
    close(p[1]);
    r->out = p[0];
    fcntl(r->out, F_SETFL, O_NONBLOCK);
    r->started_ms = fk_daemon_mono_ms();
    r->pidfd = pidfd_open(r->pid, 0);
    if (r->pidfd < 0) {
        /* Without it the loop cannot wait for the child: undo. */
        int e = errno;
        kill(r->pid, SIGKILL);
        waitpid(r->pid, NULL, 0);
        close(r->out);
        r->pid = 0;
        fk_daemon_log(FK_LOG_ERR, "render failed: pidfd_open: %s", strerror(e));
        return;
    }
    fk_daemon_log(FK_LOG_INFO, "render started (%s): publisher pid %ld", why,
                  (long)r->pid);
    fk_daemon_notify("STATUS=rendering charts and reports");
}

/* Reads what the child printed; keeps the first line's worth. */
static void drain(fk_render_child *r)
{
    char buf[4096];
    while (r->out >= 0) {
        ssize_t k = read(r->out, buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return; /* EAGAIN: more later */
        if (k == 0) {
            close(r->out);
            r->out = -1;
            return;
        }
        size_t room = sizeof r->line - 1 - r->len;
        size_t take = (size_t)k < room ? (size_t)k : room;
        memcpy(r->line + r->len, buf, take);
        r->len += take;
        r->line[r->len] = '\0';
    }
}

static pid_t stray_pid;

static int remove_stray(const char *path, const struct stat *sb, int type,
                        struct FTW *f)
{
    (void)sb, (void)f;
    char mark[40];
    snprintf(mark, sizeof mark, ".tmp.%ld.", (long)stray_pid);
    if (type == FTW_F && strstr(path + f->base, mark)) unlink(path);
    return 0;
}

/* The temporary files a child that did not finish left behind. */
static void remove_strays(const char *out_dir, pid_t pid)
{
    stray_pid = pid;
    nftw(out_dir, remove_stray, 16, FTW_PHYS);
}

/* The child has exited (or been killed): reap it and log the outcome. */
static void finish(fk_daemon *d, const char *forced)
{
    fk_render_child *r = &d->render;
    int st = 0;
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR) {}
    drain(r);
    if (r->out >= 0) close(r->out);
    close(r->pidfd);
    double secs = (double)(fk_daemon_mono_ms() - r->started_ms) / 1e3;
    char *nl = strchr(r->line, '\n');
    if (nl) *nl = '\0';
    char asof[16], week[16];
    int reports, charts, csv;
    size_t np = strlen(FK_PUBLISHED);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
        !strncmp(r->line, FK_PUBLISHED, np) &&
        sscanf(r->line + np, "as_of=%15s week=%15s reports=%d charts=%d csv=%d",
               asof, week, &reports, &charts, &csv) == 5) {
        fk_daemon_log(FK_LOG_INFO,
                      "render done: as_of %s (%s), %d reports, %d charts, %d "
                      "csv in %s, %.1f s (publisher pid %ld)",
                      asof, week, reports, charts, csv, d->cfg.out_dir, secs,
                      (long)r->pid);
    } else {
        size_t nf = strlen(FK_PUBLISH_FAILED);
        char how[200];
        if (WIFSIGNALED(st))
            snprintf(how, sizeof how, "killed by signal %d (%s)", WTERMSIG(st),
                     strsignal(WTERMSIG(st)));
        else
            snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(st));
        const char *why = !strncmp(r->line, FK_PUBLISH_FAILED, nf)
                              ? r->line + nf
                          : r->line[0] ? r->line
                                       : "no report from the publisher";
        fk_daemon_log(FK_LOG_ERR,
                      "render failed: %s%s%s (publisher pid %ld, %s, %.1f s)",
                      forced ? forced : "", forced ? "; " : "", why,
                      (long)r->pid, how, secs);
        remove_strays(d->cfg.out_dir, r->pid);
    }
    memset(r, 0, sizeof *r);
    r->pidfd = r->out = -1;
    fk_daemon_notify_status(d);
}

void fk_daemon_render_event(fk_daemon *d)
{
    if (!fk_daemon_rendering(d)) return;
    drain(&d->render);
    struct pollfd p = {.fd = d->render.pidfd, .events = POLLIN};
    if (poll(&p, 1, 0) == 1) finish(d, NULL);
}

/* SIGTERM, then SIGKILL after the grace; returns when it has exited. */
static void terminate(fk_daemon *d, const char *why)
{
    fk_render_child *r = &d->render;
    pidfd_send_signal(r->pidfd, SIGTERM, NULL, 0);
    int64_t until = fk_daemon_mono_ms() + STOP_GRACE_MS;
    struct pollfd p = {.fd = r->pidfd, .events = POLLIN};
    for (;;) {
        int64_t left = until - fk_daemon_mono_ms();
        if (left <= 0) {
            pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
            break;
        }
        drain(r); /* a child blocked on a full pipe could not exit */
        if (poll(&p, 1, (int)(left < 100 ? left : 100)) == 1) break;
    }
    finish(d, why);
}

void fk_daemon_render_check(fk_daemon *d)
{
    if (fk_daemon_rendering(d) &&
        fk_daemon_mono_ms() >= fk_daemon_render_deadline(d)) {
        char why[80];
        snprintf(why, sizeof why, "ran past the render bound of %d s",
                 RENDER_BUDGET_S);
        terminate(d, why);
    }
}

void fk_daemon_render_stop(fk_daemon *d)
{
    if (fk_daemon_rendering(d)) terminate(d, "stopped with the daemon");
}

int64_t fk_daemon_last_render(const fk_config *c)
{
    char path[FK_PATH_MAX + 40];
    struct stat sb;
    /* latest.pdf is replaced at every publish; stat follows its link. */
    snprintf(path, sizeof path, "%s/reports/weekly/latest.pdf", c->out_dir);
    return stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
}
