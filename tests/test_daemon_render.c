/* test_daemon_render.c - the daemon's render runs in a publisher child
 * (daemon/render.c, issue 17): a child that fails or crashes is a logged
 * render failure, reaped, with no temporary file left in out_dir and the
 * daemon still running; SIGTERM to the daemon during a render stops the
 * child and the daemon within a few seconds.  (That a render is done by a
 * child pid, reaped afterwards, is checked by test_daemon.c's full run.)
 * Each daemon here renders at start: the store has a pull and no weekly
 * report yet. */
#include "tests/testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/daemon_fixture.h"

static char *dir;
static char db[700];

/* A daemon whose first job is a render into out (no pull is due: the
 * store's pull is newer than the last slot of a daily grid). */
static df_daemon start(const char *name, const char *out)
{
    char conf[800], logname[100];
    snprintf(conf, sizeof conf, "%s/%s.conf", dir, name);
    snprintf(logname, sizeof logname, "%s.log", name);
    df_write_conf(conf, "http://127.0.0.1:1", db, out, "interval = 1440\n");
    return df_start(dir, conf, NULL, logname);
}

/* A daemon whose publisher child (*child) is drawing into dir/NAME-out. */
static df_daemon drawing(const char *name, char out[800], pid_t *child)
{
    snprintf(out, 800, "%s/%s-out", dir, name);
    df_daemon d = start(name, out);
    char *log = df_wait_log(&d, "render started", 30);
    *child = df_publisher_pid(log);
    free(log);
    assert_true(*child > 0 && *child != d.pid);
    tu_sleep_ms(500); /* into its drawing */
    return d;
}

static int stray_files(const char *out)
{
    char *n = NULL;
    assert_int_equal(
        tu_run(&n, NULL, "find %s -name '*.tmp.*' 2>/dev/null | wc -l", out),
        0);
    int k = atoi(n);
    free(n);
    return k;
}

static void test_failing_child(void **state)
{
    (void)state;
    /* out_dir is a regular file: the publisher cannot make its tree. */
    char out[800];
    snprintf(out, sizeof out, "%s/not-a-dir", dir);
    tu_write_file(out, "x");
    df_daemon d = start("fail", out);
    char *log = df_wait_log(&d, "render failed: ", 60);
    pid_t child = df_publisher_pid(log);
    assert_true(child > 0 && child != d.pid);
    const char *line = strstr(log, "render failed: ");
    assert_non_null(strstr(line, "not-a-dir")); /* the reason names it */
    assert_non_null(strstr(line, "exit status 1"));
    free(log);
    assert_false(df_is_child(child, d.pid)); /* reaped: no zombie */
    assert_int_equal(kill(d.pid, 0), 0);     /* the daemon goes on */
    assert_int_equal(df_stop(&d, SIGTERM), 0);
}

static void test_crashed_child(void **state)
{
    (void)state;
    char out[800];
    pid_t child;
    df_daemon d = drawing("crash", out, &child);
    assert_int_equal(kill(child, SIGKILL), 0);
    char *log = df_wait_log(&d, "render failed: ", 30);
    assert_non_null(strstr(log, "killed by signal 9"));
    free(log);
    assert_false(df_is_child(child, d.pid));
    assert_int_equal(stray_files(out), 0); /* its temporaries removed */
    assert_int_equal(kill(d.pid, 0), 0);
    assert_int_equal(df_stop(&d, SIGTERM), 0);
}

static void test_sigterm_during_render(void **state)
{
    (void)state;
    char out[800];
    pid_t child;
    df_daemon d = drawing("term", out, &child);
    double t0 = tu_now_s();
    assert_int_equal(df_stop(&d, SIGTERM), 0);
    double took = tu_now_s() - t0;
    /* The child's grace is 3 s before SIGKILL; a loaded machine adds. */
    if (took > 6) fail_msg("the daemon took %.1f s to stop", took);
    assert_int_equal(kill(child, 0), -1); /* the child is gone too */
    assert_int_equal(errno, ESRCH);
    char *log = tu_read_file(d.log, NULL);
    assert_non_null(strstr(log, "render failed: stopped with the daemon"));
    assert_null(strstr(log, "render done"));
    assert_non_null(strstr(log, "daemon: stopped"));
    free(log);
    assert_int_equal(stray_files(out), 0);
}

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(db, sizeof db, "%s/render.db", dir);
    char url[128];
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.02 --date 2025-02-09 --quiet");
    int rc = tu_run(NULL, NULL, "%s collect --once --feed %s --db %s",
                    tu_bin("fukyu"), url, db);
    tu_feedsim_stop(sim);
    return rc == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failing_child),
        cmocka_unit_test(test_crashed_child),
        cmocka_unit_test(test_sigterm_during_render),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
