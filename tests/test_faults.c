/* test_faults.c - fault injection around a pull: the disk filling up
 * during a pull and at its commit, a read-only store, a store held by a
 * long reader (and by another writer), a slow and a stalled feed.  Each
 * fault must give a clear error, leave the store exactly as it was
 * (tu_store_fingerprint) and let the next pull through.
 *
 * A full disk is a real one: a small tmpfs mounted for the test (we are
 * root in CI) and filled with a file while the pull runs.  Where mounting
 * is not permitted, the store is capped with FK_TEST_MAX_PAGE_COUNT
 * instead (PRAGMA max_page_count: growing past it fails as SQLITE_FULL,
 * the same error a full disk gives), and the test says so. */
#include "tests/testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define D1      "2025-02-09"
#define D2      "2025-03-09"
#define SIM     "--scale 0.01 --quiet --date "
#define COLLECT "--limit 500 --retries 1 --backoff-ms 10 --retry-max-wait 1"

static char *dir;
static char fsdir[600]; /* the tmpfs, or a plain directory */
static int mounted;

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(fsdir, sizeof fsdir, "%s/fs", dir);
    mkdir(fsdir, 0755);
    /* FK_TEST_NO_MOUNT=1 tries the fallback where mounting works. */
    mounted = !getenv("FK_TEST_NO_MOUNT") &&
              tu_run(NULL, NULL, "mount -t tmpfs -o size=8m fukyu-test %s",
                     fsdir) == 0;
    if (!mounted)
        fprintf(stderr, "note: cannot mount a tmpfs here; the disk-full "
                        "tests cap the store with FK_TEST_MAX_PAGE_COUNT\n");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (mounted) tu_run(NULL, NULL, "umount %s", fsdir);
    tu_rmtree(dir);
    free(dir);
    return 0;
}

/* One pull; env is put before the command (e.g. "FK_TEST_...=N"). */
static int pull(const char *db, const char *url, const char *env,
                const char *args, char **err)
{
    char *out = NULL;
    int rc = tu_run(&out, err, "%s %s collect --once --feed %s --db %s %s %s",
                    env ? env : "", tu_bin("fukyu"), url, db, COLLECT,
                    args ? args : "");
    free(out);
    return rc;
}

static void free_disk(void);

/* A store holding one good pull of date D1 (and the disk free again
 * whatever an earlier test left). */
static void fresh_store(const char *db)
{
    char url[128], *err = NULL;
    free_disk();
    unlink(db);
    pid_t sim = tu_feedsim_start(url, sizeof url, SIM D1);
    int rc = pull(db, url, NULL, NULL, &err);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("first pull: rc %d: %s", rc, err);
    free(err);
}

/* A pull running in the background, its stderr going to errpath. */
static pid_t pull_bg(const char *db, const char *url, const char *errpath)
{
    return tu_spawn(
        "exec %s collect --once --feed %s --db %s %s >/dev/null 2>%s",
        tu_bin("fukyu"), url, db, COLLECT, errpath);
}

static void fill_disk(void)
{
    /* dd stops at ENOSPC; its failure is the point. */
    tu_run(NULL, NULL, "dd if=/dev/zero of=%s/filler bs=64k", fsdir);
    char *out = NULL;
    assert_int_equal(
        tu_run(&out, NULL, "df --output=avail -k %s | tail -n 1", fsdir), 0);
    assert_int_equal(atoi(out), 0);
    free(out);
}

static void free_disk(void)
{
    char p[700];
    snprintf(p, sizeof p, "%s/filler", fsdir);
    unlink(p);
}

static long page_count(const char *db)
{
    char *out = NULL;
    assert_int_equal(tu_run(&out, NULL, "sqlite3 %s 'PRAGMA page_count'", db),
                     0);
    long n = atol(out);
    free(out);
    assert_true(n > 0);
    return n;
}

static char *read_err(const char *path)
{
    char *s = tu_read_file(path, NULL);
    assert_non_null(s);
    return s;
}

/* The pull failed for want of space, said so, and changed nothing; the
 * next pull of `simargs` is stored. */
static void expect_full_then_recover(const char *db, const char *before, int rc,
                                     const char *err, const char *simargs)
{
    if (rc != 1 || !strstr(err, "database or disk is full") ||
        !strstr(err, "store:"))
        fail_msg("wanted a clear disk-full failure: rc %d, stderr '%s'", rc,
                 err);
    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    free(after);
    free_disk();
    char url[128], *err2 = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url, simargs);
    rc = pull(db, url, NULL, NULL, &err2);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("the pull after the fault: rc %d: %s", rc, err2);
    free(err2);
    /* The failed pull is in the log, not left 'running'. */
    char *log = NULL;
    assert_int_equal(
        tu_run(&log, NULL, "%s pulls --db %s", tu_bin("fukyu"), db), 0);
    assert_null(strstr(log, "running"));
    free(log);
}

/* One disk-full case: with the tmpfs, the pull of `simargs` runs in the
 * background and the disk fills once it holds its transaction (the
 * error must then mention `at`, when given); without it, the pull of
 * `capped` runs with the store capped at its current size. */
static void disk_full(const char *name, const char *simargs, const char *capped,
                      const char *at)
{
    char db[700], errpath[700];
    snprintf(db, sizeof db, "%s/%s.db", fsdir, name);
    snprintf(errpath, sizeof errpath, "%s/%s.err", dir, name);
    fresh_store(db);
    char *before = tu_store_fingerprint(db), *err = NULL;
    char url[128];
    int rc;
    if (mounted) {
        pid_t sim = tu_feedsim_start(url, sizeof url, simargs);
        pid_t p = pull_bg(db, url, errpath);
        tu_wait_pull_running(db);
        fill_disk();
        rc = tu_wait(p);
        tu_feedsim_stop(sim);
        err = read_err(errpath);
        if (at && !strstr(err, at))
            fail_msg("wanted the failure at %s: %s", at, err);
    } else {
        char env[64];
        snprintf(env, sizeof env, "FK_TEST_MAX_PAGE_COUNT=%ld", page_count(db));
        pid_t sim = tu_feedsim_start(url, sizeof url, capped);
        rc = pull(db, url, env, NULL, &err);
        tu_feedsim_stop(sim);
    }
    expect_full_then_recover(db, before, rc, err, SIM D2);
    free(before), free(err);
}

static void test_disk_full_during_pull(void **state)
{
    (void)state;
    /* A month later (status changes to write); page 2 comes late, so the
     * disk fills while the pull is between pages. */
    disk_full("during", SIM D2 " --fault delay:1500:2", SIM D2, NULL);
}

static void test_disk_full_at_commit(void **state)
{
    (void)state;
    /* With the tmpfs: the same snapshot again (the fault changes its
     * ETag), so the records stage without a write and the first write
     * after the disk fills is the commit's; the last page (4) comes late.
     * Capped: twenty records set aside, which the commit must close, log
     * and write into the series, all past the cap. */
    disk_full("commit", SIM D1 " --fault delay:1500:4",
              SIM D1 " --fault bad-record:name:20", "COMMIT");
}

static void test_read_only_store(void **state)
{
    (void)state;
    char ro[700], db[800];
    snprintf(ro, sizeof ro, "%s/ro", dir);
    mkdir(ro, 0755);
    snprintf(db, sizeof db, "%s/fukyu.db", ro);
    fresh_store(db);
    char *before = tu_store_fingerprint(db), *err = NULL;
    /* Neither the file nor its directory (for the -wal and -shm files) is
     * writable.  Root ignores modes, so root runs the pull as nobody. */
    assert_int_equal(chmod(db, 0444), 0);
    assert_int_equal(chmod(ro, 0555), 0);
    assert_int_equal(chmod(dir, 0755), 0);
    const char *as = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 "
                                      "--clear-groups"
                                    : "";
    char url[128];
    pid_t sim = tu_feedsim_start(url, sizeof url, SIM D2);
    int rc = pull(db, url, as, NULL, &err);
    if (rc != 1 || !strstr(err, "store") || !strstr(err, "readonly database"))
        fail_msg("read-only store: rc %d, stderr '%s'", rc, err);
    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    assert_int_equal(chmod(ro, 0755), 0);
    assert_int_equal(chmod(db, 0644), 0);
    free(err);
    err = NULL;
    rc = pull(db, url, NULL, NULL, &err);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("the pull after the fault: rc %d: %s", rc, err);
    free(before), free(after), free(err);
}

/* A shell loop for sqlite3's .shell: holds until the file appears (the
 * test creates it once the pull has returned, however slow it was). */
#define HOLD_UNTIL(f) ".shell while [ ! -e " f " ]; do sleep 0.05; done\\n"

/* Another process holds a read transaction across a whole pull: the pull
 * is stored all the same (WAL), and the reader sees one snapshot from its
 * first read to its last. */
static void test_long_reader(void **state)
{
    (void)state;
    char db[700], out[700], flag[700];
    snprintf(db, sizeof db, "%s/reader.db", dir);
    snprintf(out, sizeof out, "%s/reader.out", dir);
    snprintf(flag, sizeof flag, "%s/reader.done", dir);
    fresh_store(db);
    char *before = tu_store_fingerprint(db);
    char cmd[2048];
    snprintf(
        cmd, sizeof cmd,
        "printf 'BEGIN;\\nSELECT COUNT(*), TOTAL(status) FROM status;\\n" HOLD_UNTIL(
            "%s") "SELECT COUNT(*), TOTAL(status) FROM status;\\n"
                  "COMMIT;\\n' | sqlite3 %s >%s",
        flag, db, out);
    pid_t reader = tu_spawn("%s", cmd);
    /* The reader has its snapshot once its first line is out. */
    for (int i = 0; i < 400; i++) {
        char *s = tu_read_file(out, NULL);
        int ready = s && strchr(s, '\n');
        free(s);
        if (ready) break;
        tu_sleep_ms(25);
    }
    char url[128], *err = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url, SIM D2);
    int rc = pull(db, url, NULL, NULL, &err);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("pull beside a reader: rc %d: %s", rc, err);
    /* The reader still holds its snapshot: the pull did not wait. */
    assert_int_equal(waitpid(reader, NULL, WNOHANG), 0);
    tu_write_file(flag, "");
    assert_int_equal(tu_wait(reader), 0);
    char *lines = tu_read_file(out, NULL);
    char *nl = strchr(lines, '\n');
    assert_non_null(nl);
    *nl = '\0';
    char *second = nl + 1, *end = strchr(second, '\n');
    if (end) *end = '\0';
    assert_string_equal(lines, second); /* one snapshot throughout */
    free(lines);
    char *after = tu_store_fingerprint(db);
    assert_string_not_equal(before, after); /* the pull is there */
    free(before), free(after), free(err);
}

/* Another writer holds the lock past the busy timeout (10 s): the pull
 * gives up with the reason, changes nothing, and the next one is fine. */
static void test_locked_by_writer(void **state)
{
    (void)state;
    char db[700], flag[700];
    snprintf(db, sizeof db, "%s/writer.db", dir);
    snprintf(flag, sizeof flag, "%s/writer.done", dir);
    fresh_store(db);
    char *before = tu_store_fingerprint(db);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "printf 'BEGIN IMMEDIATE;\\n" HOLD_UNTIL("%s") "COMMIT;\\n' | "
                                                            "sqlite3 %s",
             flag, db);
    pid_t writer = tu_spawn("%s", cmd);
    tu_sleep_ms(500);
    char url[128], *err = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url, SIM D2);
    int rc = pull(db, url, NULL, NULL, &err);
    if (rc != 1 || !strstr(err, "database is locked"))
        fail_msg("pull beside a writer: rc %d: %s", rc, err);
    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    tu_write_file(flag, "");
    assert_int_equal(tu_wait(writer), 0);
    free(err);
    err = NULL;
    rc = pull(db, url, NULL, NULL, &err);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("the pull after the lock: rc %d: %s", rc, err);
    free(before), free(after), free(err);
}

/* A feed that stops answering mid-pull: the request times out, is
 * retried, and the pull fails naming the page; a merely slow feed (every
 * page late, within the timeout) is stored. */
static void test_stalled_and_slow_feed(void **state)
{
    (void)state;
    char db[700];
    snprintf(db, sizeof db, "%s/stall.db", dir);
    fresh_store(db);
    char *before = tu_store_fingerprint(db), *err = NULL;
    char url[128];
    pid_t sim =
        tu_feedsim_start(url, sizeof url, SIM D2 " --fault delay:4000:1");
    int rc = pull(db, url, NULL, "--timeout 1", &err);
    tu_feedsim_stop(sim);
    if (rc != 1 || !strstr(err, "page 1:") || !strstr(err, "timed out") ||
        !strstr(err, "gave up after 2 attempts"))
        fail_msg("stalled feed: rc %d: %s", rc, err);
    char *after = tu_store_fingerprint(db);
    assert_string_equal(before, after);
    free(after), free(err);
    err = NULL;
    sim = tu_feedsim_start(url, sizeof url, SIM D2 " --fault delay:600");
    rc = pull(db, url, NULL, "--timeout 5", &err);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("slow feed: rc %d: %s", rc, err);
    after = tu_store_fingerprint(db);
    assert_string_not_equal(before, after);
    free(before), free(after), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_full_during_pull),
        cmocka_unit_test(test_disk_full_at_commit),
        cmocka_unit_test(test_read_only_store),
        cmocka_unit_test(test_long_reader),
        cmocka_unit_test(test_locked_by_writer),
        cmocka_unit_test(test_stalled_and_slow_feed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
