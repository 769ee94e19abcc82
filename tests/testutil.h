/* testutil.h - helpers shared by the cmocka tests: scratch directories,
 * paths to the built binaries, running a command and capturing output,
 * starting the bundled feed simulator on a free loopback port. */
#ifndef FK_TESTUTIL_H
#define FK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

/* A fresh directory under $TMPDIR, removed by tu_rmtree().  Returns a
 * static-lifetime malloc'd path. */
char *tu_tmpdir(void);
void tu_rmtree(const char *dir);
/* "$FK_BUILD/name" (FK_BUILD defaults to "build"); for "fukyu", prefixed
 * by $FK_VALGRIND when set (a command line, see make test-valgrind). */
const char *tu_bin(const char *name);
/* Path of a file in the repository (tests run from the top directory). */
const char *tu_src(const char *rel);
/* Runs a shell command; captures stdout and stderr (malloc'd, may be NULL
 * pointers to ignore) and returns the exit status (or -1). */
int tu_run(char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes a file; aborts the test on failure. */
void tu_write_file(const char *path, const char *content);
char *tu_read_file(const char *path, size_t *len);

/* A fingerprint of everything a pull may change in a store (series,
 * statuses, history, facilities), not the pull log: equal before and
 * after means a pull changed nothing.  Malloc'd. */
char *tu_store_fingerprint(const char *db);

/* Starts build/fukyu-feedsim with extra args on a free port; returns its
 * pid and writes the base URL ("http://127.0.0.1:PORT") into url. */
pid_t tu_feedsim_start(char *url, size_t n, const char *args);
void tu_feedsim_stop(pid_t pid);

/* Starts a shell command in the background (redirect its output in the
 * command itself); tu_wait() returns its exit status (128 + signal). */
pid_t tu_spawn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tu_wait(pid_t pid);
void tu_sleep_ms(long ms);
/* Waits (up to 10 s) until the store's pull log shows a pull running:
 * a collector is then fetching its pages. */
void tu_wait_pull_running(const char *db);
/* Seconds on the monotonic clock. */
double tu_now_s(void);
/* Starts `fukyu serve` over db and out on a free loopback port, its
 * output in DIR/serve.out; returns its pid and writes the port. */
pid_t tu_serve_start(const char *db, const char *out, const char *dir,
                     int *port);

#endif
