/* test_concurrency.c - dashboard readers hammering the API while pulls
 * are stored, and a token command during a long pull.
 *
 * `fukyu serve` runs over the store; client threads (libcurl, loopback)
 * ask for the national and one prefecture's summary as fast as they are
 * answered, while the main thread stores one snapshot after another.
 * Every answer must be a 200 (never "database is locked"), consistent in
 * itself (the totals over all types equal the sum of the types) and equal
 * to every other answer about the same as_of and to what `fukyu summary`
 * says about that date afterwards: an answer mixing two pulls (a torn
 * read) would match neither.  During a pull that fetches for several
 * seconds, `fukyu token add` goes through at once: the pull takes the
 * write lock only to apply what it has staged. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIM      "--scale 0.01 --quiet --date 2025-01-05"
#define NCLIENT  4
#define MAXREQ   20000 /* per client: a bound on the test's work */
#define MAXDATES 16

static const char *const paths[] = {
    "/api/v1/summary?program=eprescription",
    "/api/v1/summary?program=eprescription&prefecture=13",
};
#define NPATH 2

typedef struct {
    char date[16];
    char *body[NPATH]; /* the first answer seen for the date */
} seen_date;

static struct {
    pthread_mutex_t mu;
    int port;
    volatile int stop;
    seen_date dates[MAXDATES];
    int ndates;
    long answers, failures;
    char failure[600];
} shared = {.mu = PTHREAD_MUTEX_INITIALIZER};

typedef struct {
    char *p;
    size_t len;
} buf;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    buf *b = ud;
    char *q = realloc(b->p, b->len + size * n + 1);
    if (!q) return 0;
    memcpy(q + b->len, p, size * n);
    b->p = q;
    b->len += size * n;
    b->p[b->len] = '\0';
    return size * n;
}

static void failure(const char *what, const char *a, const char *b)
{
    pthread_mutex_lock(&shared.mu);
    if (!shared.failures++)
        snprintf(shared.failure, sizeof shared.failure, "%s: %s\n%s", what, a,
                 b);
    pthread_mutex_unlock(&shared.mu);
}

/* The answer's own arithmetic: "all" is the sum of the types. */
static int self_consistent(const char *body, char *date, size_t n)
{
    cJSON *j = cJSON_Parse(body);
    const cJSON *d = cJSON_GetObjectItem(j, "date");
    const cJSON *types = cJSON_GetObjectItem(j, "types");
    const cJSON *all = cJSON_GetObjectItem(j, "all");
    int ok = cJSON_IsString(d) && cJSON_IsObject(types) && cJSON_IsObject(all);
    static const char *const keys[] = {"adopting", "total", "applied"};
    for (int k = 0; ok && k < 3; k++) {
        double sum = 0;
        const cJSON *t, *v;
        cJSON_ArrayForEach(t, types)
        {
            v = cJSON_GetObjectItem(t, keys[k]);
            if (!cJSON_IsNumber(v)) ok = 0;
            sum += cJSON_IsNumber(v) ? v->valuedouble : 0;
        }
        v = cJSON_GetObjectItem(all, keys[k]);
        ok = ok && cJSON_IsNumber(v) && sum == v->valuedouble;
    }
    if (ok) snprintf(date, n, "%s", d->valuestring);
    cJSON_Delete(j);
    return ok;
}

static void check_answer(int path, long status, const char *body)
{
    char date[16];
    if (status != 200) {
        failure(status == 503 ? "HTTP 503" : "not HTTP 200", body, "");
        return;
    }
    if (!self_consistent(body, date, sizeof date)) {
        failure("inconsistent answer", body, "");
        return;
    }
    pthread_mutex_lock(&shared.mu);
    shared.answers++;
    seen_date *sd = NULL;
    for (int i = 0; i < shared.ndates; i++)
        if (!strcmp(shared.dates[i].date, date)) sd = &shared.dates[i];
    if (!sd && shared.ndates < MAXDATES) {
        sd = &shared.dates[shared.ndates++];
        snprintf(sd->date, sizeof sd->date, "%s", date);
    }
    const char *first = NULL;
    if (sd && !sd->body[path])
        sd->body[path] = strdup(body);
    else if (sd && strcmp(sd->body[path], body))
        first = sd->body[path];
    pthread_mutex_unlock(&shared.mu);
    if (first) failure("two answers for one as_of", first, body);
}

static void *client(void *arg)
{
    (void)arg;
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    for (int i = 0; i < MAXREQ && !shared.stop; i++) {
        char url[256];
        int path = i % NPATH;
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", shared.port,
                 paths[path]);
        buf b = {NULL, 0};
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        check_answer(path, status, b.p ? b.p : "(no body)");
        free(b.p);
        tu_sleep_ms(5); /* hammering, but leaving the pulls some CPU */
    }
    curl_easy_cleanup(c);
    return NULL;
}

/* Starts `fukyu serve` on a free port; returns its pid. */

static int collect(const char *url, const char *db)
{
    char *err = NULL;
    int rc = tu_run(NULL, &err,
                    "%s collect --once --feed %s --db %s --limit 500 "
                    "--retries 0 --timeout 20",
                    tu_bin("fukyu"), url, db);
    if (rc != 0) fprintf(stderr, "collect: %s", err);
    free(err);
    return rc;
}

static void test_readers_during_pulls(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), db[600], out[600], url[128], url2[128];
    snprintf(db, sizeof db, "%s/fukyu.db", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    pid_t sim = tu_feedsim_start(url, sizeof url, SIM);
    assert_int_equal(collect(url, db), 0);
    pid_t srv = tu_serve_start(db, out, dir, &shared.port);

    pthread_t th[NCLIENT];
    for (int i = 0; i < NCLIENT; i++)
        assert_int_equal(pthread_create(&th[i], NULL, client, NULL), 0);
    /* Snapshots a week apart, stored while the clients read. */
    static const char *const dates[] = {"2025-01-12", "2025-01-19",
                                        "2025-01-26"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tu_run(NULL, NULL,
                                "curl -sf -X POST '%s/_sim/date?d=%s'", url,
                                dates[i]),
                         0);
        assert_int_equal(collect(url, db), 0);
    }
    /* A pull that fetches for about 6 s (every page 1.2 s late): it takes
     * the write lock only once every page is staged, so a token command
     * meanwhile goes through at once, while the pull is still fetching
     * (before, it waited for the whole pull, and failed after the busy
     * timeout when the pull took longer than that). */
    pid_t slow = tu_feedsim_start(
        url2, sizeof url2,
        "--scale 0.01 --quiet --date 2025-02-02 --fault delay:1200");
    char errpath[700];
    snprintf(errpath, sizeof errpath, "%s/slow.err", dir);
    pid_t p = tu_spawn("exec %s collect --once --feed %s --db %s --limit 500 "
                       ">/dev/null 2>%s",
                       tu_bin("fukyu"), url2, db, errpath);
    tu_wait_pull_running(db);
    double t0 = tu_now_s();
    char *tok = NULL, *err = NULL;
    int rc = tu_run(&tok, &err,
                    "%s token add --db %s --scope national --name during-pull",
                    tu_bin("fukyu"), db);
    double waited = tu_now_s() - t0;
    if (rc != 0) fail_msg("token add during a pull: rc %d: %s", rc, err);
    int wst;
    if (waited > 2.0 || waitpid(p, &wst, WNOHANG) != 0)
        fail_msg("token add waited %.1f s for the pull (the pull must not "
                 "hold the write lock while it fetches)",
                 waited);
    /* A second pull meanwhile is refused at once (the pull lock) and
     * leaves the running one 'running', not 'interrupted'. */
    free(err);
    err = NULL;
    rc = tu_run(NULL, &err,
                "%s collect --once --feed %s --db %s --limit 500 --retries 0",
                tu_bin("fukyu"), url2, db);
    assert_int_not_equal(rc, 0);
    if (!strstr(err, "another pull of this store is running"))
        fail_msg("second pull: %s", err);
    char *pulls = NULL;
    assert_int_equal(
        tu_run(&pulls, NULL, "%s pulls --db %s --limit 2", tu_bin("fukyu"), db),
        0);
    assert_non_null(strstr(pulls, "running"));
    assert_null(strstr(pulls, "interrupted"));
    free(pulls);
    assert_int_equal(tu_wait(p), 0);
    tu_feedsim_stop(slow);
    fprintf(stderr, "note: token add took %.2f s during the pull\n", waited);

    shared.stop = 1;
    for (int i = 0; i < NCLIENT; i++) pthread_join(th[i], NULL);
    kill(srv, SIGTERM);
    assert_int_equal(tu_wait(srv), 0);
    tu_feedsim_stop(sim);
    if (shared.failures)
        fail_msg("%ld of %ld answers wrong; first: %s", shared.failures,
                 shared.answers + shared.failures, shared.failure);
    fprintf(stderr, "note: %ld answers over %d as_of dates\n", shared.answers,
            shared.ndates);
    /* The clients saw several snapshots, each as the CLI sees it now. */
    assert_true(shared.ndates >= 4);
    for (int i = 0; i < shared.ndates; i++) {
        for (int k = 0; k < NPATH; k++) {
            if (!shared.dates[i].body[k]) continue;
            char *cli = NULL;
            assert_int_equal(
                tu_run(&cli, NULL,
                       "%s summary --db %s --json --program eprescription "
                       "--date %s %s",
                       tu_bin("fukyu"), db, shared.dates[i].date,
                       k ? "--prefecture 13" : ""),
                0);
            assert_string_equal(cli, shared.dates[i].body[k]);
            free(cli);
            free(shared.dates[i].body[k]);
        }
    }
    free(tok), free(err);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readers_during_pulls),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
