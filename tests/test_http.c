/* test_http.c - the dashboard over loopback: `fukyu serve` against a store
 * filled from the bundled simulator, checked with libcurl (pages, files,
 * APIs against the CLI's JSON, status codes, token scopes, ETag/304,
 * /healthz, /metrics, path tricks, limits, concurrent requests while a
 * pull is stored), the token command, and the embedding API in-process. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "data/store.h"
#include "http/http.h"

typedef struct {
    char *dir, db[512], db2[512], out[512], cfg[512], cfg2[512], log[512];
    char feed[128];
    pid_t sim, srv, srv2;
    int port, port2;
    char tok13[80], tok27f[80], toknat[80], tokrevoked[80];
} fixture;

static fixture F;

/* ---- helpers ---------------------------------------------------------- */

typedef struct {
    long status;
    char *body;
    size_t len;
    char etag[128], ctype[128], www[128], allow[64], cache[64];
} resp;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    resp *r = ud;
    size_t add = sz * n;
    char *b = realloc(r->body, r->len + add + 1);
    if (!b) return 0;
    memcpy(b + r->len, p, add);
    r->body = b;
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static void header_value(const char *line, size_t n, const char *name,
                         char *out, size_t outn)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) || line[nl] != ':') return;
    const char *v = line + nl + 1;
    while (*v == ' ') v++;
    size_t len = (size_t)(line + n - v);
    while (len && (v[len - 1] == '\r' || v[len - 1] == '\n')) len--;
    if (len >= outn) len = outn - 1;
    memcpy(out, v, len);
    out[len] = '\0';
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    resp *r = ud;
    size_t len = sz * n;
    header_value(p, len, "ETag", r->etag, sizeof r->etag);
    header_value(p, len, "Content-Type", r->ctype, sizeof r->ctype);
    header_value(p, len, "WWW-Authenticate", r->www, sizeof r->www);
    header_value(p, len, "Allow", r->allow, sizeof r->allow);
    header_value(p, len, "Cache-Control", r->cache, sizeof r->cache);
    return len;
}

/* One request.  extra: one more header line or NULL. */
static void req(resp *r, int port, const char *method, const char *path,
                const char *token, const char *extra)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[4096], auth[160];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    struct curl_slist *h = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (extra) h = curl_slist_append(h, extra);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (!strcmp(method, "POST"))
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "a=b");
    else if (strcmp(method, "GET"))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!r->body) r->body = calloc(1, 1);
}

static void get(resp *r, const char *path, const char *token)
{
    req(r, F.port, "GET", path, token, NULL);
}

static void expect(const char *path, const char *token, long status,
                   const char *needle)
{
    resp r;
    get(&r, path, token);
    char head[400];
    snprintf(head, sizeof head, "%s", r.body);
    int found = !needle || strstr(r.body, needle);
    free(r.body);
    if (r.status != status)
        fail_msg("GET %s: %ld, expected %ld: %s", path, r.status, status, head);
    if (!found) fail_msg("GET %s: '%s' not in: %s", path, needle, head);
}

static pid_t serve_start(const char *cfg, const char *db, int *port,
                         const char *log, const char *tag)
{
    char outf[600];
    snprintf(outf, sizeof outf, "%s/serve-%s.out", F.dir, tag);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(outf, "w", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execl(tu_bin("fukyu"), "fukyu", "serve", "--listen", "127.0.0.1:0",
              "--out", F.out, "--db", db, "--config", cfg, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 1000; i++) {
        char *s = tu_read_file(outf, NULL);
        const char *p = s ? strstr(s, "(port ") : NULL;
        if (p && strchr(p, ')')) {
            *port = atoi(p + 6);
            free(s);
            assert_true(*port > 0);
            return pid;
        }
        free(s);
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            fail_msg("fukyu serve exited early");
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    fail_msg("fukyu serve did not start");
    return -1;
}

static void serve_stop(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    /* A clean exit: under ASan this also means no leak in the server. */
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void add_token(const char *scope, char *out, size_t n)
{
    char *o = NULL;
    assert_int_equal(
        tu_run(&o, NULL,
               "%s token add --scope %s --name 'test %s' --db %s --config %s",
               tu_bin("fukyu"), scope, scope, F.db, F.cfg),
        0);
    size_t len = strcspn(o, "\n");
    assert_int_equal(len, FK_TOKEN_HEX);
    assert_true(len < n);
    memcpy(out, o, len);
    out[len] = '\0';
    free(o);
}

static void run_ok(const char *what, const char *cmd)
{
    char *err = NULL, msg[512];
    int rc = tu_run(NULL, &err, "%s", cmd);
    snprintf(msg, sizeof msg, "%s", err ? err : "");
    free(err);
    if (rc != 0) fail_msg("%s failed (%d): %s", what, rc, msg);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_ALL);
    F.dir = tu_tmpdir();
    snprintf(F.db, sizeof F.db, "%s/fukyu.db", F.dir);
    snprintf(F.db2, sizeof F.db2, "%s/stale.db", F.dir);
    snprintf(F.out, sizeof F.out, "%s/out", F.dir);
    snprintf(F.cfg, sizeof F.cfg, "%s/fukyu.conf", F.dir);
    snprintf(F.cfg2, sizeof F.cfg2, "%s/private.conf", F.dir);
    snprintf(F.log, sizeof F.log, "%s/serve.log", F.dir);
    tu_write_file(
        F.cfg,
        "[http]\npublic_aggregates = yes\nmax_connections = 64\nrequest_timeout = 10\n"
        "stale_after = 60\n");
    tu_write_file(
        F.cfg2,
        "[http]\npublic_aggregates = no\nmax_connections = 16\nrequest_timeout = 10\n"
        "stale_after = 60\n");
    F.sim = tu_feedsim_start(F.feed, sizeof F.feed,
                             "--scale 0.05 --date 2025-02-09 --quiet");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s collect --once --feed %s --db %s --config %s",
             tu_bin("fukyu"), F.feed, F.db, F.cfg);
    run_ok("collect", cmd);

    /* Rendered files: a real chart (PNG, SVG and its CSV) from the store,
     * and report PDFs in the daemon's layout.  Under ASan the chart runs
     * get the suppressions of tests/test_charts.c: cairo and fontconfig
     * keep a few hundred bytes that are not fukyu's. */
    char supp[600], chart[1200];
    snprintf(supp, sizeof supp, "%s/lsan.supp", F.dir);
    tu_write_file(supp, "leak:libcairo.so.2\nleak:libfontconfig.so.1\n");
    snprintf(chart, sizeof chart,
             "LSAN_OPTIONS=suppressions=%s:print_suppressions=0 %s", supp,
             tu_bin("fukyu"));
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p %s/charts/national %s/charts/pref/13 %s/reports/weekly %s/reports/prefecture/13 && "
        "%s chart trend --program eprescription --out %s/charts/national/trend-eprescription.png "
        "--csv %s/charts/national/trend-eprescription.csv --db %s --config %s && "
        "%s chart trend --program eprescription --out %s/charts/national/trend-eprescription.svg "
        "--db %s --config %s",
        F.out, F.out, F.out, F.out, chart, F.out, F.out, F.db, F.cfg, chart,
        F.out, F.db, F.cfg);
    run_ok("chart", cmd);
    snprintf(
        cmd, sizeof cmd,
        "printf '%%%%PDF-1.4 weekly\\n' > %s/reports/weekly/2025-W06.pdf && "
        "ln -s 2025-W06.pdf %s/reports/weekly/latest.pdf && "
        "printf '%%%%PDF-1.4 tokyo\\n' > %s/reports/prefecture/13/2025-W06.pdf && "
        "cp %s/reports/prefecture/13/2025-W06.pdf %s/reports/prefecture/13/latest.pdf",
        F.out, F.out, F.out, F.out, F.out);
    run_ok("reports", cmd);

    add_token("pref:13", F.tok13, sizeof F.tok13);
    add_token("followup:27", F.tok27f, sizeof F.tok27f);
    add_token("national", F.toknat, sizeof F.toknat);
    add_token("pref:01", F.tokrevoked, sizeof F.tokrevoked);
    snprintf(cmd, sizeof cmd, "%s token revoke 4 --db %s --config %s",
             tu_bin("fukyu"), F.db, F.cfg);
    run_ok("token revoke", cmd);

    /* A copy whose last good pull finished long ago, served privately. */
    snprintf(
        cmd, sizeof cmd,
        "sqlite3 %s \"VACUUM INTO '%s'\" && sqlite3 %s \"UPDATE pull SET finished_at ="
        " '2020-01-01T00:00:00Z'\"",
        F.db, F.db2, F.db2);
    run_ok("stale copy", cmd);

    F.srv = serve_start(F.cfg, F.db, &F.port, F.log, "public");
    F.srv2 = serve_start(F.cfg2, F.db2, &F.port2, F.log, "private");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    serve_stop(F.srv);
    serve_stop(F.srv2);
    tu_feedsim_stop(F.sim);
    tu_rmtree(F.dir);
    free(F.dir);
    curl_global_cleanup();
    return 0;
}

/* ---- pages ------------------------------------------------------------ */

static void test_home_page(void **state)
{
    (void)state;
    resp r;
    get(&r, "/", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "text/html; charset=utf-8");
    assert_non_null(strstr(r.body, "<html lang=\"ja\">"));
    assert_non_null(strstr(r.body, "電子処方箋"));
    assert_non_null(strstr(r.body, "電子カルテ情報共有サービス"));
    assert_non_null(strstr(r.body, "2025-02-09（令和7年2月9日）"));
    assert_non_null(strstr(r.body, "前週比"));
    assert_non_null(strstr(r.body, "<a href=\"/prefecture/13\">東京都</a>"));
    assert_non_null(strstr(r.body, "<a href=\"/prefecture/47\">沖縄県</a>"));
    /* The rendered chart is shown, with its other formats linked. */
    assert_non_null(strstr(
        r.body, "<img src=\"/charts/national/trend-eprescription.png\""));
    assert_non_null(
        strstr(r.body,
               "<a href=\"/charts/national/trend-eprescription.svg\">svg</a>"));
    assert_non_null(
        strstr(r.body,
               "<a href=\"/charts/national/trend-eprescription.csv\">csv</a>"));
    assert_null(strstr(r.body, "trend-eprescription.pdf"));
    /* Charts not rendered yet are said to be missing, not linked. */
    assert_non_null(strstr(r.body, "まだ作成されていません"));
    assert_null(strstr(r.body, "/charts/national/map-eprescription.png"));
    assert_non_null(strstr(r.body, "<a href=\"/reports/weekly/latest.pdf\">"));
    assert_null(strstr(r.body, "<script"));
    /* The national headline equals the store's summary. */
    char *o = NULL;
    assert_int_equal(
        tu_run(
            &o, NULL,
            "%s summary --program eprescription --db %s --config %s | tail -n 1",
            tu_bin("fukyu"), F.db, F.cfg),
        0);
    long long adopting, total;
    assert_int_equal(sscanf(o, "all %lld %lld", &adopting, &total), 2);
    char want[128];
    snprintf(want, sizeof want, "（%lld / %lld 施設）", adopting, total);
    assert_non_null(strstr(r.body, want));
    free(o);
    free(r.body);
}

static void test_prefecture_page(void **state)
{
    (void)state;
    expect("/prefecture/13", NULL, 200, "東京都");
    expect("/prefecture/13", NULL, 200,
           "<a href=\"/reports/prefecture/13/latest.pdf\">");
    expect("/prefecture/13", NULL, 200, "市区町村別");
    expect("/prefecture/27", NULL, 200, "大阪府");
    expect("/prefecture/48", NULL, 404, "01〜47");
    expect("/prefecture/00", NULL, 404, NULL);
    expect("/prefecture/1", NULL, 404, NULL);
    expect("/prefecture/13/x", NULL, 404, NULL);
    expect("/?x=1", NULL, 400, "unknown parameter 'x'");
}

static void test_unknown_and_methods(void **state)
{
    (void)state;
    expect("/nope", NULL, 404, "ページが見つかりません");
    expect("/api/v1/nope", NULL, 404, "\"error\"");
    expect("/exports/other.csv", NULL, 404, NULL);
    const char *methods[] = {"POST", "PUT", "DELETE", "PATCH"};
    for (int i = 0; i < 4; i++) {
        resp r;
        req(&r, F.port, methods[i], "/", NULL, NULL);
        assert_int_equal(r.status, 405);
        assert_string_equal(r.allow, "GET, HEAD");
        free(r.body);
    }
    resp r;
    req(&r, F.port, "HEAD", "/", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    assert_true(r.etag[0] == '"');
    free(r.body);
}

/* ---- files ------------------------------------------------------------ */

static void test_files(void **state)
{
    (void)state;
    resp r;
    get(&r, "/charts/national/trend-eprescription.png", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "image/png");
    assert_true(r.len > 1000 && !memcmp(r.body, "\x89PNG", 4));
    free(r.body);
    get(&r, "/charts/national/trend-eprescription.svg", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "image/svg+xml");
    assert_non_null(strstr(r.body, "<svg"));
    free(r.body);
    expect("/charts/national/trend-eprescription.csv", NULL, 200, NULL);
    expect("/reports/weekly/latest.pdf", NULL, 200, "%PDF-1.4 weekly");
    expect("/reports/weekly/2025-W06.pdf", NULL, 200, "%PDF-1.4 weekly");
    expect("/reports/prefecture/13/latest.pdf", NULL, 200, "%PDF-1.4 tokyo");
    /* Valid names that are not rendered yet. */
    expect("/charts/national/map-eprescription.png", NULL, 404,
           "まだ作成されていません");
    expect("/charts/pref/27/municipalities-ehr_sharing.svg", NULL, 404,
           "まだ作成されていません");
    expect("/reports/weekly/2025-W07.pdf", NULL, 404, "まだ作成されていません");
    /* Names outside the layout. */
    const char *bad[] = {
        "/charts/national/municipalities-eprescription.png", /* pref-only kind */
        "/charts/pref/13/map-eprescription.png", /* national-only kind */
        "/charts/national/trend-eprescription.PNG",
        "/charts/national/trend-eprescription.gif",
        "/charts/national/trend-other.png",
        "/charts/national/trend-eprescription.png/",
        "/charts//national/trend-eprescription.png",
        "/charts/pref/1/trend-eprescription.png",
        "/charts/pref/48/trend-eprescription.png",
        "/reports/weekly/2025-W53.pdf", /* 2025 has 52 ISO weeks */
        "/reports/weekly/2025-W6.pdf",
        "/reports/weekly/latest.PDF",
        "/reports/prefecture/99/latest.pdf",
        "/charts",
        "/charts/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(bad[i], NULL, 404, NULL);
    expect("/charts/national/trend-eprescription.png?v=1", NULL, 400,
           "unknown parameter");
}

static void test_path_tricks(void **state)
{
    (void)state;
    const char *tricks[] = {
        "/charts/../../etc/passwd",
        "/charts/national/../../../etc/passwd",
        "/charts/%2e%2e/%2e%2e/etc/passwd",
        "/charts/national/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/charts/national%2ftrend-eprescription.png",
        "/charts%2fnational%2ftrend-eprescription.png",
        "/charts/national/trend-eprescription.png%00.txt",
        "/charts/national/..%5c..%5cetc%5cpasswd",
        "/reports/weekly/..%2f..%2ffukyu.db",
        "/reports/prefecture/13/../../../fukyu.db",
        "/prefecture/..%2f13",
        "/%2e%2e/fukyu.db",
    };
    for (size_t i = 0; i < sizeof tricks / sizeof tricks[0]; i++) {
        resp r;
        get(&r, tricks[i], NULL);
        if (r.status != 404 && r.status != 400)
            fail_msg("%s: %ld", tricks[i], r.status);
        assert_null(strstr(r.body, "root:"));
        assert_null(strstr(r.body, "SQLite format"));
        free(r.body);
    }
}

/* ---- validators ------------------------------------------------------- */

static void etag_roundtrip(const char *path)
{
    resp a, b;
    get(&a, path, NULL);
    assert_int_equal(a.status, 200);
    assert_true(a.etag[0] == '"');
    assert_string_equal(a.cache, "no-cache");
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", a.etag);
    req(&b, F.port, "GET", path, NULL, inm);
    assert_int_equal(b.status, 304);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.etag, a.etag);
    free(b.body);
    snprintf(inm, sizeof inm, "If-None-Match: \"other\", W/%s", a.etag);
    req(&b, F.port, "GET", path, NULL, inm);
    assert_int_equal(b.status, 304);
    free(b.body);
    req(&b, F.port, "GET", path, NULL, "If-None-Match: \"other\"");
    assert_int_equal(b.status, 200);
    assert_int_equal(b.len, a.len);
    free(b.body);
    free(a.body);
}

static void test_etag(void **state)
{
    (void)state;
    etag_roundtrip("/");
    etag_roundtrip("/prefecture/13");
    etag_roundtrip("/charts/national/trend-eprescription.png");
    etag_roundtrip("/reports/weekly/latest.pdf");
    etag_roundtrip("/api/v1/summary?program=eprescription");
    /* A re-rendered file gets a new tag. */
    char path[700];
    snprintf(path, sizeof path, "%s/charts/national/trend-eprescription.csv",
             F.out);
    resp a, b;
    get(&a, "/charts/national/trend-eprescription.csv", NULL);
    char *old = tu_read_file(path, NULL);
    char tmp[720];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    tu_write_file(tmp, "date,rate\n2025-02-09,0.5\n");
    assert_int_equal(rename(tmp, path), 0);
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", a.etag);
    req(&b, F.port, "GET", "/charts/national/trend-eprescription.csv", NULL,
        inm);
    assert_int_equal(b.status, 200);
    assert_string_not_equal(b.etag, a.etag);
    assert_string_equal(b.body, "date,rate\n2025-02-09,0.5\n");
    free(a.body);
    free(b.body);
    tu_write_file(tmp, old);
    assert_int_equal(rename(tmp, path), 0);
    free(old);
}

/* ---- APIs ------------------------------------------------------------- */

/* The API answers exactly what the CLI prints with --json. */
static void same_as_cli(const char *path, const char *cli_args)
{
    char *o = NULL;
    assert_int_equal(tu_run(&o, NULL, "%s %s --json --db %s --config %s",
                            tu_bin("fukyu"), cli_args, F.db, F.cfg),
                     0);
    resp r;
    get(&r, path, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/json; charset=utf-8");
    assert_string_equal(r.body, o);
    free(r.body);
    free(o);
}

static void test_api_shapes(void **state)
{
    (void)state;
    same_as_cli("/api/v1/summary?program=eprescription",
                "summary --program eprescription");
    same_as_cli(
        "/api/v1/summary?program=ehr_sharing&prefecture=13&date=2025-01-31",
        "summary --program ehr_sharing --prefecture 13 --date 2025-01-31");
    same_as_cli(
        "/api/v1/series?program=eprescription&type=pharmacy&prefecture=27&from=2024-10-01"
        "&to=2025-02-09&weekly=1",
        "series --program eprescription --type pharmacy --prefecture 27 --from 2024-10-01"
        " --to 2025-02-09 --weekly");
    same_as_cli("/api/v1/series?program=eprescription&from=2025-01-01",
                "series --program eprescription --from 2025-01-01");
    /* A designated city as a whole, named; population coverage. */
    same_as_cli("/api/v1/series?program=eprescription&municipality=27100"
                "&from=2025-02-01",
                "series --program eprescription --municipality 27100 --from "
                "2025-02-01");
    same_as_cli("/api/v1/series?program=eprescription&prefecture=13"
                "&metric=population_coverage&from=2025-02-01",
                "series --program eprescription --prefecture 13 --metric "
                "population_coverage --from 2025-02-01");
    resp r;
    get(&r,
        "/api/v1/series?program=eprescription&municipality=27100&from=2025-02-09",
        NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"area\":\"27100\",\"name\":\"大阪市\""));
    free(r.body);
    get(&r, "/api/v1/summary?program=eprescription", NULL);
    assert_non_null(strstr(r.body, "\"population_coverage\":"));
    free(r.body);
    /* The answer cache keys on every parameter: the same dates for Japan,
     * then a municipality, then a prefecture's rate and its coverage. */
    static const char *const keyed[][2] = {
        {"/api/v1/series?program=eprescription&from=2025-01-20",
         "\"area\":\"national\""},
        {"/api/v1/series?program=eprescription&from=2025-01-20"
         "&municipality=27100",
         "\"area\":\"27100\""},
        {"/api/v1/series?program=eprescription&from=2025-01-20&prefecture=13",
         "\"rate\":"},
        {"/api/v1/series?program=eprescription&from=2025-01-20&prefecture=13"
         "&metric=population_coverage",
         "\"population_coverage\":"},
    };
    for (size_t i = 0; i < sizeof keyed / sizeof *keyed; i++) {
        get(&r, keyed[i][0], NULL);
        assert_int_equal(r.status, 200);
        if (!strstr(r.body, keyed[i][1]))
            fail_msg("%s: no %s in %.200s", keyed[i][0], keyed[i][1], r.body);
        free(r.body);
    }
    same_as_cli("/api/v1/forecast?program=eprescription&type=pharmacy",
                "forecast --program eprescription --type pharmacy");
    same_as_cli(
        "/api/v1/forecast?program=eprescription&method=holt&horizon=10&target=0.5",
        "forecast --program eprescription --method holt --horizon 10 --target 0.5");
}

/* No forecast the API serves has a lower bound below the last observed
 * share (beyond what a growing denominator explains: the simulator's
 * change by well under 1% over the horizon), for every type and method. */
static void test_api_forecast_floor(void **state)
{
    (void)state;
    static const char *const types[] = {"hospital", "clinic", "dental",
                                        "pharmacy", NULL};
    static const char *const methods[] = {"auto",     "pace", "holt",
                                          "logistic", "bass", "pipeline"};
    for (int t = 0; t < 5; t++)
        for (int m = 0; m < 6; m++) {
            char path[200];
            snprintf(path, sizeof path,
                     "/api/v1/forecast?program=eprescription&method=%s%s%s",
                     methods[m], types[t] ? "&type=" : "",
                     types[t] ? types[t] : "");
            resp r;
            get(&r, path, NULL);
            assert_int_equal(r.status, 200);
            cJSON *root = cJSON_Parse(r.body);
            assert_non_null(root);
            double last =
                cJSON_GetObjectItem(cJSON_GetObjectItem(root, "last"), "rate")
                    ->valuedouble;
            const cJSON *p;
            int n = 0;
            cJSON_ArrayForEach(p, cJSON_GetObjectItem(root, "points"))
            {
                double lo80 = cJSON_GetObjectItem(p, "lo80")->valuedouble,
                       lo95 = cJSON_GetObjectItem(p, "lo95")->valuedouble;
                if (!(lo95 >= 0.99 * last - 1e-6 && lo80 >= lo95))
                    fail_msg("%s: lower bound %.6f below last %.6f", path, lo95,
                             last);
                n++;
            }
            assert_true(n > 0);
            cJSON_Delete(root);
            free(r.body);
        }
}

static void test_api_bad_params(void **state)
{
    (void)state;
    const struct {
        const char *path, *needle;
    } cases[] = {
        {"/api/v1/summary", "program: required"},
        {"/api/v1/summary?program=x", "program: 'x'"},
        {"/api/v1/summary?program=eprescription&date=2025-02-30",
         "date: '2025-02-30'"},
        {"/api/v1/summary?program=eprescription&prefecture=48",
         "prefecture: '48'"},
        {"/api/v1/summary?program=eprescription&prefecture=1",
         "prefecture: '1'"},
        {"/api/v1/summary?program=eprescription&foo=1",
         "unknown parameter 'foo'"},
        {"/api/v1/summary?program=eprescription&program=eprescription",
         "more than once"},
        {"/api/v1/series?program=eprescription&type=vet", "type: 'vet'"},
        {"/api/v1/series?program=eprescription&weekly=2", "weekly: '2'"},
        {"/api/v1/series?program=eprescription&from=2025-02-09&to=2025-01-01",
         "from: must not be after"},
        {"/api/v1/series?program=eprescription&from=1900-01-01&to=2025-01-01",
         "at most"},
        {"/api/v1/forecast?program=eprescription&horizon=0", "horizon: '0'"},
        {"/api/v1/forecast?program=eprescription&horizon=3x", "horizon: '3x'"},
        {"/api/v1/forecast?program=eprescription&target=2", "target"},
        {"/api/v1/forecast?program=eprescription&method=magic", "method"},
        {"/api/v1/series?program=eprescription&from=2025%2f01%2f01", "from:"},
        {"/api/v1/series?program=eprescription&municipality=2710",
         "municipality: '2710' is not a 5-digit"},
        {"/api/v1/series?program=eprescription&prefecture=13&municipality=27100",
         "not in the given prefecture"},
        {"/api/v1/series?program=eprescription&metric=share", "metric:"},
        {"/api/v1/series?program=eprescription&municipality=27100"
         "&metric=population_coverage",
         "not a municipality"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp r;
        get(&r, cases[i].path, NULL);
        if (r.status != 400 || strncmp(r.body, "{\"error\": \"", 11) ||
            !strstr(r.body, cases[i].needle))
            fail_msg("%s: %ld %s", cases[i].path, r.status, r.body);
        assert_string_equal(r.ctype, "application/json; charset=utf-8");
        free(r.body);
    }
}

/* ---- access ----------------------------------------------------------- */

static void check_export_rows(const char *body, const char *pref_cols)
{
    assert_true(!memcmp(body,
                        "\xEF\xBB\xBF"
                        "code,name,",
                        13));
    int rows = 0;
    for (const char *l = strstr(body, "\r\n"); l && l[2];
         l = strstr(l + 2, "\r\n")) {
        rows++;
        const char *e = strstr(l + 2, "\r\n");
        char line[2048];
        size_t n = e ? (size_t)(e - l - 2) : strlen(l + 2);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, l + 2, n);
        line[n] = '\0';
        if (!strstr(line, pref_cols))
            fail_msg("row outside the area: %s", line);
        if (!strstr(line, ",none,未着手,") && !strstr(line, ",applied,申請済,"))
            fail_msg("row is not a non-adopter: %s", line);
    }
    assert_true(rows > 100);
}

static void test_export_scopes(void **state)
{
    (void)state;
    const char *tokyo =
        "/exports/non-adopters.csv?program=eprescription&prefecture=13";
    const char *osaka =
        "/exports/non-adopters.csv?program=eprescription&prefecture=27";
    const char *national = "/exports/non-adopters.csv?program=eprescription";
    resp r;
    get(&r, tokyo, NULL);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.www, "Bearer realm=\"fukyu\"");
    free(r.body);
    get(&r, tokyo, F.tok13);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "text/csv; charset=utf-8");
    assert_string_equal(r.cache, "no-store");
    check_export_rows(r.body, ",13,東京都,");
    free(r.body);
    expect(osaka, F.tok13, 403, "prefecture 27");
    expect(national, F.tok13, 403, "national scope");
    get(&r, osaka, F.tok27f);
    assert_int_equal(r.status, 200);
    check_export_rows(r.body, ",27,大阪府,");
    free(r.body);
    expect(tokyo, F.tok27f, 403, NULL);
    expect(osaka, F.toknat, 200, NULL);
    expect(national, F.toknat, 200, NULL);
    expect("/exports/non-adopters.csv?program=eprescription&municipality=13101",
           F.tok13, 200, ",13101,");
    expect("/exports/non-adopters.csv?program=eprescription&municipality=27100",
           F.tok13, 403, NULL);
    get(&r,
        "/exports/non-adopters.xlsx?program=ehr_sharing&prefecture=13&status=applied",
        F.tok13);
    assert_int_equal(r.status, 200);
    assert_true(r.len > 1000 && !memcmp(r.body, "PK", 2));
    free(r.body);
    /* Revoked, unknown and malformed tokens. */
    expect(tokyo, F.tokrevoked, 401, "unknown or revoked");
    expect(tokyo,
           "0000000000000000000000000000000000000000000000000000000000000000",
           401, NULL);
    expect(tokyo, "short", 401, NULL);
    resp b;
    req(&b, F.port, "GET", tokyo, NULL, "Authorization: Basic dXNlcjpwYXNz");
    assert_int_equal(b.status, 401);
    free(b.body);
    /* Bad parameters are refused before anything is read. */
    expect("/exports/non-adopters.csv?prefecture=13", F.tok13, 400,
           "program: required");
    expect(
        "/exports/non-adopters.csv?program=eprescription&prefecture=13&status=operating",
        F.tok13, 400, "status");
    expect("/exports/non-adopters.csv?program=eprescription&municipality=1310",
           F.tok13, 400, "municipality");
    expect(
        "/exports/non-adopters.csv?program=eprescription&prefecture=13&municipality=27100",
        F.tok13, 400, "not in the given prefecture");
    expect(
        "/exports/non-adopters.xlsx?program=eprescription&prefecture=13&encoding=cp932",
        F.tok13, 400, "encoding");
}

static void test_private_aggregates(void **state)
{
    (void)state;
    resp r;
    req(&r, F.port2, "GET", "/", NULL, NULL);
    assert_int_equal(r.status, 401);
    free(r.body);
    req(&r, F.port2, "GET", "/charts/national/trend-eprescription.png", NULL,
        NULL);
    assert_int_equal(r.status, 401);
    free(r.body);
    req(&r, F.port2, "GET", "/api/v1/summary?program=eprescription", NULL,
        NULL);
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body, "\"error\""));
    free(r.body);
    /* Any live token reads aggregates. */
    req(&r, F.port2, "GET", "/", F.tok27f, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "全国"));
    free(r.body);
    req(&r, F.port2, "GET", "/prefecture/13", F.tok27f, NULL);
    assert_int_equal(r.status, 200);
    free(r.body);
    req(&r, F.port2, "GET", "/", F.tokrevoked, NULL);
    assert_int_equal(r.status, 401);
    free(r.body);
}

/* ---- operations ------------------------------------------------------- */

static void test_healthz(void **state)
{
    (void)state;
    resp r;
    get(&r, "/healthz", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    free(r.body);
    /* The copy's last good pull finished in 2020. */
    req(&r, F.port2, "GET", "/healthz", NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "minutes ago (stale after 60)"));
    free(r.body);
}

/* Every line is a comment (# HELP / # TYPE) or NAME{LABELS} VALUE. */
static void check_prometheus(const char *body)
{
    char *copy = strdup(body), *save = NULL;
    int samples = 0;
    for (char *l = strtok_r(copy, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(l, "# HELP fukyu_", 13) ||
            !strncmp(l, "# TYPE fukyu_", 13))
            continue;
        const char *p = l;
        if (strncmp(p, "fukyu_", 6)) fail_msg("bad metrics line: %s", l);
        while ((*p >= 'a' && *p <= 'z') || *p == '_') p++;
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (!e || !strchr(p, '=') || !strchr(p, '"'))
                fail_msg("bad labels: %s", l);
            p = e + 1;
        }
        if (*p != ' ') fail_msg("bad metrics line: %s", l);
        char *end;
        strtod(p + 1, &end);
        if (end == p + 1 || *end) fail_msg("bad value: %s", l);
        samples++;
    }
    assert_true(samples >= 9);
    free(copy);
}

static void test_metrics(void **state)
{
    (void)state;
    resp r;
    get(&r, "/metrics", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "text/plain; version=0.0.4; charset=utf-8");
    check_prometheus(r.body);
    assert_non_null(
        strstr(r.body, "fukyu_pulls_total{outcome=\"stored\"} 1\n"));
    assert_non_null(
        strstr(r.body, "fukyu_pulls_total{outcome=\"failed\"} 0\n"));
    assert_non_null(strstr(r.body, "fukyu_last_success_timestamp_seconds "));
    assert_non_null(strstr(r.body, "fukyu_last_pull_records 10"));
    assert_non_null(strstr(r.body, "fukyu_last_pull_set_aside 0\n"));
    assert_non_null(
        strstr(r.body, "fukyu_http_responses_total{code=\"2xx\"} "));
    const char *ts = strstr(r.body, "\nfukyu_last_success_timestamp_seconds ");
    assert_non_null(ts);
    ts += 38;
    long long t = atoll(ts);
    assert_true(t > (long long)time(NULL) - 3600 && t <= (long long)time(NULL));
    free(r.body);
}

static void test_limits_and_log(void **state)
{
    (void)state;
    /* Headers beyond the per-connection memory are refused. */
    size_t n = 40000;
    char *big = malloc(n + 16);
    memcpy(big, "X-Big: ", 7);
    memset(big + 7, 'a', n);
    big[7 + n] = '\0';
    resp r;
    req(&r, F.port, "GET", "/", NULL, big);
    assert_true(r.status == 431 || r.status == 413 || r.status == 400);
    free(r.body);
    free(big);
    /* A body on GET is refused. */
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", F.port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "GET");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "payload");
    memset(&r, 0, sizeof r);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    assert_int_equal(r.status, 413);
    free(r.body);
    /* One line per request; never a token. */
    char *log = tu_read_file(F.log, NULL);
    assert_non_null(log);
    assert_non_null(strstr(log, "http: GET /exports/non-adopters.csv 200 "));
    assert_non_null(strstr(log, "http: POST / 405 "));
    assert_null(strstr(log, F.tok13));
    assert_null(strstr(log, F.toknat));
    assert_null(strstr(log, "Bearer"));
    free(log);
}

/* ---- concurrency ------------------------------------------------------ */

typedef struct {
    int id, ok, bad;
    long last_bad;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    static const char *paths[] = {
        "/",
        "/api/v1/summary?program=eprescription&prefecture=13",
        "/prefecture/13",
        "/healthz",
        "/charts/national/trend-eprescription.png",
        "/api/v1/series?program=eprescription&from=2025-01-01",
        "/metrics",
    };
    for (int i = 0; i < 20; i++) {
        const char *p = paths[(w->id + i) % 7];
        resp r;
        req(&r, F.port, "GET", p, NULL, NULL);
        if (r.status == 200)
            w->ok++;
        else {
            w->bad++;
            w->last_bad = r.status;
        }
        free(r.body);
    }
    return NULL;
}

/* The API answers for path, asked twice so the second is the kept copy:
 * both the same and revalidating to 304.  The ETag goes into etag. */
static void api_kept(const char *path, char *etag, size_t n)
{
    resp a, b;
    get(&a, path, NULL);
    get(&b, path, NULL);
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    assert_string_equal(a.body, b.body);
    assert_string_equal(a.etag, b.etag);
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", a.etag);
    free(b.body);
    req(&b, F.port, "GET", path, NULL, inm);
    assert_int_equal(b.status, 304);
    snprintf(etag, n, "%s", a.etag);
    free(a.body);
    free(b.body);
}

/* After a new pull the kept answer is not served: the old tag gets the new
 * answer (200, new tag, the new as_of in it), which matches the CLI. */
static void api_renewed(const char *path, const char *old_etag,
                        const char *needle, const char *cli_args)
{
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", old_etag);
    resp r;
    req(&r, F.port, "GET", path, NULL, inm);
    assert_int_equal(r.status, 200);
    assert_string_not_equal(r.etag, old_etag);
    if (!strstr(r.body, needle))
        fail_msg("GET %s: '%s' not in the answer after the pull", path, needle);
    free(r.body);
    same_as_cli(path, cli_args);
}

static void test_concurrent_with_pull(void **state)
{
    (void)state;
    /* Answers kept before the pull, to see that it renews them. */
    static const char *const api[][3] = {
        {"/api/v1/summary?program=eprescription", "\"date\":\"2025-02-16\"",
         "summary --program eprescription"},
        {"/api/v1/series?program=eprescription&type=clinic", "\"2025-02-16\"",
         "series --program eprescription --type clinic"},
        {"/api/v1/forecast?program=eprescription&type=pharmacy",
         "\"last\":{\"date\":\"2025-02-16\"",
         "forecast --program eprescription --type pharmacy"},
    };
    char tags[3][128];
    for (int i = 0; i < 3; i++) api_kept(api[i][0], tags[i], sizeof tags[i]);
    /* Move the simulator a week on so the pull stores real changes. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "curl -sf -X POST '%s/_sim/date?d=2025-02-16' >/dev/null", F.feed);
    run_ok("sim date", cmd);
    pid_t col = fork();
    assert_true(col >= 0);
    if (col == 0) {
        if (!freopen("/dev/null", "w", stdout) ||
            !freopen("/dev/null", "w", stderr))
            _exit(127);
        execl(tu_bin("fukyu"), "fukyu", "collect", "--once", "--feed", F.feed,
              "--db", F.db, "--config", F.cfg, (char *)NULL);
        _exit(127);
    }
    pthread_t th[8];
    worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){.id = i};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ok += w[i].ok;
        if (w[i].bad)
            fail_msg("worker %d: %d failed requests (last %ld)", i, w[i].bad,
                     w[i].last_bad);
    }
    assert_int_equal(ok, 160);
    int st;
    assert_int_equal(waitpid(col, &st, 0), col);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* The new pull shows at once: the kept page is rebuilt. */
    expect("/", NULL, 200, "2025-02-16（令和7年2月16日）");
    for (int i = 0; i < 3; i++)
        api_renewed(api[i][0], tags[i], api[i][1], api[i][2]);
    expect("/metrics", NULL, 200, "fukyu_pulls_total{outcome=\"stored\"} 2\n");
}

/* ---- the token command and the embedding API ------------------------- */

static void test_token_command(void **state)
{
    (void)state;
    char *o = NULL, *e = NULL;
    assert_int_equal(tu_run(&o, NULL, "%s token list --db %s --config %s",
                            tu_bin("fukyu"), F.db, F.cfg),
                     0);
    assert_non_null(strstr(o, "pref:13"));
    assert_non_null(strstr(o, "followup:27"));
    assert_null(strstr(o, F.tok13)); /* tokens are never listed */
    free(o);
    /* Only the SHA-256 is stored. */
    assert_int_equal(
        tu_run(&o, NULL, "printf %%s %s | sha256sum | cut -c1-64", F.tok13), 0);
    char hash[65];
    memcpy(hash, o, 64);
    hash[64] = '\0';
    free(o);
    assert_int_equal(
        tu_run(&o, NULL,
               "sqlite3 %s \"SELECT sha256 FROM token WHERE id = 1;"
               " SELECT COUNT(*) FROM token WHERE sha256 = '%s'\"",
               F.db, F.tok13),
        0);
    assert_true(!strncmp(o, hash, 64));
    assert_non_null(strstr(o + 64, "\n0\n"));
    free(o);
    const char *bad_scopes[] = {"pref:1",   "pref:48",  "pref:013", "followup:",
                                "NATIONAL", "pref:13x", "city:13"};
    for (size_t i = 0; i < sizeof bad_scopes / sizeof bad_scopes[0]; i++) {
        assert_int_equal(
            tu_run(NULL, &e,
                   "%s token add --scope '%s' --name x --db %s --config %s",
                   tu_bin("fukyu"), bad_scopes[i], F.db, F.cfg),
            2);
        assert_non_null(strstr(e, "--scope"));
        free(e);
    }
    assert_int_equal(tu_run(NULL, &e,
                            "%s token add --scope national --db %s --config %s",
                            tu_bin("fukyu"), F.db, F.cfg),
                     2);
    free(e);
    assert_int_equal(tu_run(NULL, &e, "%s token revoke 4 --db %s --config %s",
                            tu_bin("fukyu"), F.db, F.cfg),
                     1);
    assert_non_null(strstr(e, "no live token with id 4"));
    free(e);
    assert_int_equal(tu_run(NULL, &e, "%s token revoke abc --db %s --config %s",
                            tu_bin("fukyu"), F.db, F.cfg),
                     2);
    free(e);
}

static void test_scope_and_listen_parsing(void **state)
{
    (void)state;
    fk_scope s;
    assert_int_equal(fk_scope_parse("national", &s), 0);
    assert_int_equal(s.kind, FK_SCOPE_NATIONAL);
    assert_true(fk_scope_covers(&s, 0) && fk_scope_covers(&s, 27));
    assert_int_equal(fk_scope_parse("pref:13", &s), 0);
    assert_int_equal(s.kind, FK_SCOPE_PREF);
    assert_int_equal(s.pref, 13);
    assert_true(fk_scope_covers(&s, 13));
    assert_false(fk_scope_covers(&s, 27));
    assert_false(fk_scope_covers(&s, 0));
    assert_int_equal(fk_scope_parse("followup:01", &s), 0);
    assert_int_equal(s.kind, FK_SCOPE_FOLLOWUP);
    assert_int_equal(s.pref, 1);
    assert_int_equal(fk_scope_parse("pref:00", &s), -1);
    assert_int_equal(fk_scope_parse("pref: 13", &s), -1);
    assert_int_equal(fk_scope_parse("", &s), -1);

    struct sockaddr_storage a;
    size_t len;
    char err[256];
    assert_int_equal(
        fk_http_parse_listen("127.0.0.1:8470", 0, &a, &len, err, sizeof err),
        0);
    assert_int_equal(a.ss_family, AF_INET);
    assert_int_equal(
        fk_http_parse_listen("[::1]:8470", 0, &a, &len, err, sizeof err), 0);
    assert_int_equal(a.ss_family, AF_INET6);
    assert_int_equal(
        fk_http_parse_listen("localhost:80", 0, &a, &len, err, sizeof err), 0);
    assert_int_equal(
        fk_http_parse_listen("127.0.0.1:0", 1, &a, &len, err, sizeof err), 0);
    const char *bad[] = {
        "127.0.0.1:0",     "127.0.0.1",    "::1:80",         "[::1]80",
        "127.0.0.1:65536", "127.0.0.1:-1", "example.org:80", ":80",
        "[::1]:",          "1.2.3.4:80x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (fk_http_parse_listen(bad[i], 0, &a, &len, err, sizeof err) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_non_null(strstr(err, "listen address"));
    }
}

/* The daemon embeds the server: start it in this process on a free port,
 * over a store that does not exist yet and then over the real one. */
static void test_embedded(void **state)
{
    (void)state;
    char missing[600], err[512];
    snprintf(missing, sizeof missing, "%s/none.db", F.dir);
    fk_http_options o = {.listen = "127.0.0.1:0",
                         .db_path = missing,
                         .out_dir = F.out,
                         .public_aggregates = 1,
                         .max_connections = 8,
                         .request_timeout = 5,
                         .stale_after = 60,
                         .target = 0.8,
                         .quiet = 1};
    fk_http *h = fk_http_start(&o, err, sizeof err);
    assert_non_null(h);
    int port = fk_http_port(h);
    assert_true(port > 0);
    resp r;
    req(&r, port, "GET", "/healthz", NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "store not available"));
    free(r.body);
    req(&r, port, "GET", "/", NULL, NULL);
    assert_int_equal(r.status, 503);
    free(r.body);
    req(&r, port, "GET", "/charts/national/trend-eprescription.png", NULL,
        NULL);
    assert_int_equal(r.status, 200); /* files do not need the store */
    free(r.body);
    /* The same port cannot be bound twice. */
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    fk_http_options o2 = o;
    o2.listen = addr;
    assert_null(fk_http_start(&o2, err, sizeof err));
    assert_non_null(strstr(err, "cannot listen"));
    fk_http_stop(h);

    o.db_path = F.db;
    h = fk_http_start(&o, err, sizeof err);
    assert_non_null(h);
    req(&r, fk_http_port(h), "GET", "/healthz", NULL, NULL);
    assert_int_equal(r.status, 200);
    free(r.body);
    req(&r, fk_http_port(h), "GET",
        "/api/v1/summary?program=eprescription&prefecture=47", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"area\":\"47\""));
    free(r.body);
    fk_http_stop(h);
    o.listen = "nonsense";
    assert_null(fk_http_start(&o, err, sizeof err));
    assert_non_null(strstr(err, "listen address 'nonsense'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scope_and_listen_parsing),
        cmocka_unit_test(test_home_page),
        cmocka_unit_test(test_prefecture_page),
        cmocka_unit_test(test_unknown_and_methods),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_path_tricks),
        cmocka_unit_test(test_etag),
        cmocka_unit_test(test_api_shapes),
        cmocka_unit_test(test_api_forecast_floor),
        cmocka_unit_test(test_api_bad_params),
        cmocka_unit_test(test_export_scopes),
        cmocka_unit_test(test_private_aggregates),
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_limits_and_log),
        cmocka_unit_test(test_token_command),
        cmocka_unit_test(test_embedded),
        cmocka_unit_test(test_concurrent_with_pull),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
