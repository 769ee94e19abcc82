/* daemon_fixture.c - running `fukyu daemon` from a test (see
 * daemon_fixture.h). */
#include "tests/daemon_fixture.h"
#include "tests/testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

df_daemon df_start(const char *dir, const char *conf, const char *extra,
                   const char *logname)
{
    df_daemon d = {0};
    snprintf(d.log, sizeof d.log, "%s/%s", dir, logname);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "exec %s daemon --config %s %s 2>%s >&2",
             tu_bin("fukyu"), conf, extra ? extra : "", d.log);
    d.pid = fork();
    assert_true(d.pid >= 0);
    if (d.pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
        int fd = open("/dev/null", O_RDONLY);
        dup2(fd, 0);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return d;
}

/* Waits until the log holds text; returns the log (malloc'd) or fails. */
char *df_wait_log(const df_daemon *d, const char *text, int seconds)
{
    for (int i = 0; i < seconds * 10; i++) {
        char *log = tu_read_file(d->log, NULL);
        if (log && strstr(log, text)) return log;
        int st;
        if (waitpid(d->pid, &st, WNOHANG) == d->pid)
            fail_msg("daemon exited (status %d) before logging '%s':\n%s", st,
                     text, log ? log : "");
        free(log);
        tu_sleep_ms(100);
    }
    char *log = tu_read_file(d->log, NULL);
    fail_msg("no '%s' in the daemon log within %d s:\n%s", text, seconds,
             log ? log : "");
    return NULL;
}

int df_stop(df_daemon *d, int sig)
{
    kill(d->pid, sig);
    int st = 0;
    waitpid(d->pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void df_write_conf(const char *path, const char *url, const char *db,
                   const char *out, const char *extra)
{
    char text[3000];
    snprintf(
        text, sizeof text,
        "# daemon test\n[feed]\nurl = %s\nlimit = 500\nretries = 1\nbackoff_ms = 10\n"
        "[store]\npath = %s\n[reports]\nout_dir = %s\n[http]\nlisten = 127.0.0.1:0\n"
        "[schedule]\n%s%s",
        url, db, out,
        /* A key may be set once: extra's interval replaces the default. */
        extra && strstr(extra, "interval =") ? "" : "interval = 1\n",
        extra ? extra : "");
    tu_write_file(path, text);
}

int df_http_status(int port, const char *path, const char *header)
{
    char *out = NULL;
    int rc = tu_run(
        &out, NULL,
        "curl -s -o /dev/null -w '%%{http_code}' %s%s%s 'http://127.0.0.1:%d%s'",
        header ? "-H '" : "", header ? header : "", header ? "'" : "", port,
        path);
    int code = rc == 0 && out ? atoi(out) : -1;
    free(out);
    return code;
}

int df_log_port(const char *log)
{
    const char *p = strstr(log, "http listening on 127.0.0.1:");
    return p ? atoi(p + strlen("http listening on 127.0.0.1:")) : -1;
}

pid_t df_publisher_pid(const char *log)
{
    const char *at = NULL, *key = "publisher pid ";
    for (const char *p = log; (p = strstr(p, key)); p++) at = p;
    return at ? (pid_t)atol(at + strlen(key)) : -1;
}

int df_is_child(pid_t pid, pid_t parent)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    char *st = tu_read_file(path, NULL);
    if (!st) return 0;
    /* "pid (comm) S ppid ...": comm may hold spaces, the last ')' ends it */
    const char *p = strrchr(st, ')');
    char state = 0;
    long ppid = -1;
    int ok = p && sscanf(p + 1, " %c %ld", &state, &ppid) == 2;
    free(st);
    return ok && ppid == (long)parent;
}
