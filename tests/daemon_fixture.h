/* daemon_fixture.h - running `fukyu daemon` from a test: start it with a
 * config under the test's directory, wait for a line in its log, stop it
 * with a signal, and ask its dashboard for a status.  Shared by
 * tests/test_daemon*.c. */
#ifndef FK_DAEMON_FIXTURE_H
#define FK_DAEMON_FIXTURE_H

#include <sys/types.h>

typedef struct {
    pid_t pid;
    char log[700];
    int port;
} df_daemon;

/* `fukyu daemon --config conf EXTRA` with stderr to dir/logname; the
 * daemon dies with the test (PR_SET_PDEATHSIG). */
df_daemon df_start(const char *dir, const char *conf, const char *extra,
                   const char *logname);
/* Waits until the log holds text; returns the log (malloc'd) or fails the
 * test, also when the daemon exits first. */
char *df_wait_log(const df_daemon *d, const char *text, int seconds);
/* Sends sig and reaps the daemon: its exit code, or 128 + signal. */
int df_stop(df_daemon *d, int sig);
/* A daemon config: the feed, store and out_dir, then the [schedule]
 * lines in extra (interval = 1 unless extra sets one). */
void df_write_conf(const char *path, const char *url, const char *db,
                   const char *out, const char *extra);
/* The HTTP status of GET path on 127.0.0.1:port (-1 when curl failed). */
int df_http_status(int port, const char *path, const char *header);
/* The port from the log's "http listening on" line, -1 if none yet. */
int df_log_port(const char *log);
/* The pid in the log's last "publisher pid N" (the render's child), -1
 * if none. */
pid_t df_publisher_pid(const char *log);
/* 1 when pid is a child of parent (running or a zombie not yet reaped). */
int df_is_child(pid_t pid, pid_t parent);

#endif
