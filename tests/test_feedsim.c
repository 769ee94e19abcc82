/* test_feedsim.c - the bundled feed simulator: flags, counts against the
 * published reference, determinism, the feed contract over HTTP (paging,
 * ETag/304, gzip, token, errors), runtime date changes and some faults. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <zlib.h>

#define SIM "--quiet --date 2025-02-09 --scale 0.05"

/* ---- HTTP helper ---- */
typedef struct {
    long status;
    char *body;
    size_t len;
    char etag[64], encoding[32], retry_after[16];
    CURLcode rc;
} resp;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    resp *r = ud;
    r->body = realloc(r->body, r->len + sz * n + 1);
    memcpy(r->body + r->len, p, sz * n);
    r->len += sz * n;
    r->body[r->len] = '\0';
    return sz * n;
}

static void header_value(const char *line, size_t n, const char *name,
                         char *out, size_t on)
{
    size_t k = strlen(name);
    if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':') return;
    const char *v = line + k + 1;
    while (*v == ' ') v++;
    size_t l = (size_t)(line + n - v);
    while (l && (v[l - 1] == '\r' || v[l - 1] == '\n')) l--;
    if (l >= on) l = on - 1;
    memcpy(out, v, l);
    out[l] = '\0';
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    resp *r = ud;
    header_value(p, sz * n, "ETag", r->etag, sizeof r->etag);
    header_value(p, sz * n, "Content-Encoding", r->encoding,
                 sizeof r->encoding);
    header_value(p, sz * n, "Retry-After", r->retry_after,
                 sizeof r->retry_after);
    return sz * n;
}

/* method NULL = GET; hdr1/hdr2 extra request headers or NULL. */
static resp req(const char *method, const char *url, const char *hdr1,
                const char *hdr2)
{
    resp r;
    memset(&r, 0, sizeof r);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    if (hdr1) h = curl_slist_append(h, hdr1);
    if (hdr2) h = curl_slist_append(h, hdr2);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (method) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    }
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!r.body) r.body = calloc(1, 1);
    return r;
}

static resp get(const char *url)
{
    return req(NULL, url, NULL, NULL);
}

static cJSON *json_of(const resp *r)
{
    cJSON *j = cJSON_Parse(r->body);
    if (!j) fail_msg("not JSON (HTTP %ld): %.200s", r->status, r->body);
    return j;
}

static cJSON *counts_of(const char *args)
{
    char *out = NULL, *err = NULL;
    int rc =
        tu_run(&out, &err, "%s --counts %s", tu_bin("fukyu-feedsim"), args);
    if (rc != 0) fail_msg("feedsim --counts %s: exit %d: %s", args, rc, err);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    free(out), free(err);
    return j;
}

static const cJSON *path(const cJSON *j, const char *a, const char *b,
                         const char *c, const char *d, const char *e)
{
    const char *k[] = {a, b, c, d, e};
    for (int i = 0; i < 5 && k[i] && j; i++)
        j = cJSON_GetObjectItemCaseSensitive(j, k[i]);
    if (!j)
        fail_msg("missing %s.%s.%s.%s.%s", a, b ? b : "", c ? c : "",
                 d ? d : "", e ? e : "");
    return j;
}

static double num(const cJSON *j, const char *a, const char *b, const char *c,
                  const char *d, const char *e)
{
    const cJSON *v = path(j, a, b, c, d, e);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* ---- simulators started by a test, stopped even when it fails ---- */
static pid_t live[8];

static pid_t sim_start(char *url, size_t n, const char *args)
{
    pid_t pid = tu_feedsim_start(url, n, args);
    for (int i = 0; i < 8; i++)
        if (!live[i]) {
            live[i] = pid;
            break;
        }
    return pid;
}

static void sim_forget(pid_t pid)
{
    for (int i = 0; i < 8; i++)
        if (live[i] == pid) live[i] = 0;
}

static void sim_stop(pid_t pid)
{
    sim_forget(pid);
    tu_feedsim_stop(pid);
}

static int stop_all(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++)
        if (live[i]) tu_feedsim_stop(live[i]), live[i] = 0;
    return 0;
}

/* ---- a full pull ---- */
typedef struct {
    long total, delivered, unique, adopting[4], pages;
    char etag[64], as_of[16];
} pull;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static pull full_pull(const char *base, int limit)
{
    pull p;
    memset(&p, 0, sizeof p);
    char url[512], *cursor = NULL;
    size_t cap = 1024, n = 0;
    char **codes = malloc(cap * sizeof *codes);
    for (;;) {
        if (cursor) {
            char *esc = curl_easy_escape(NULL, cursor, 0);
            snprintf(url, sizeof url, "%s/v1/facilities?limit=%d&cursor=%s",
                     base, limit, esc);
            curl_free(esc);
        } else {
            snprintf(url, sizeof url, "%s/v1/facilities?limit=%d", base, limit);
        }
        resp r = get(url);
        assert_int_equal(r.status, 200);
        cJSON *j = json_of(&r);
        assert_string_equal(cJSON_GetObjectItem(j, "schema")->valuestring,
                            "adoption-feed/1");
        long total = (long)num(j, "total", 0, 0, 0, 0);
        if (p.pages == 0) {
            p.total = total;
            snprintf(p.etag, sizeof p.etag, "%s", r.etag);
            snprintf(p.as_of, sizeof p.as_of, "%s",
                     cJSON_GetObjectItem(j, "as_of")->valuestring);
        }
        assert_int_equal(total, p.total);
        p.pages++;
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItem(j, "facilities"))
        {
            const char *code = cJSON_GetObjectItem(f, "code")->valuestring;
            const char *type = cJSON_GetObjectItem(f, "type")->valuestring;
            assert_int_equal(strlen(code), 10);
            assert_memory_equal(
                code, cJSON_GetObjectItem(f, "prefecture")->valuestring, 2);
            const cJSON *ep = path(f, "programs", "eprescription", 0, 0, 0);
            const char *st = cJSON_GetObjectItem(ep, "status")->valuestring;
            if (strcmp(st, "operating") == 0) {
                int t = strcmp(type, "hospital") == 0 ? 0
                        : strcmp(type, "clinic") == 0 ? 1
                        : strcmp(type, "dental") == 0 ? 2
                                                      : 3;
                p.adopting[t]++;
                assert_true(
                    strcmp(cJSON_GetObjectItem(ep, "since")->valuestring,
                           p.as_of) <= 0);
            }
            if (n == cap) codes = realloc(codes, (cap *= 2) * sizeof *codes);
            codes[n++] = strdup(code);
            p.delivered++;
        }
        const cJSON *nc = cJSON_GetObjectItem(j, "next_cursor");
        free(cursor);
        cursor = cJSON_IsString(nc) ? strdup(nc->valuestring) : NULL;
        cJSON_Delete(j);
        free(r.body);
        if (!cursor) break;
        assert_true(p.pages < 100000);
    }
    qsort(codes, n, sizeof *codes, cmp_str);
    for (size_t i = 0; i < n; i++)
        p.unique += i == 0 || strcmp(codes[i], codes[i - 1]) != 0;
    for (size_t i = 0; i < n; i++) free(codes[i]);
    free(codes);
    return p;
}

/* ---- tests ---- */
static const char *const types[] = {"hospital", "clinic", "dental", "pharmacy"};

static void test_flags(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run(&out, &err, "%s --help", tu_bin("fukyu-feedsim")),
                     0);
    assert_non_null(strstr(out, "usage: fukyu-feedsim"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s --scale 20 --counts", tu_bin("fukyu-feedsim")),
        2);
    assert_non_null(strstr(err, "--scale '20'"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s --fault frob:1 --counts",
                            tu_bin("fukyu-feedsim")),
                     2);
    assert_non_null(strstr(err, "unknown fault 'frob'"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s --fault bad-record:nope:3",
                            tu_bin("fukyu-feedsim")),
                     2);
    assert_non_null(strstr(err, "KIND must be"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s --date 2025-02-30 --counts",
                            tu_bin("fukyu-feedsim")),
                     2);
    assert_non_null(strstr(err, "--date '2025-02-30'"));
    free(out), free(err);
}

/* National size and the published 2025-02-09 rates, at full scale. */
static void test_counts_national(void **state)
{
    (void)state;
    cJSON *j = counts_of("--date 2025-02-09");
    double fac = num(j, "facilities", 0, 0, 0, 0);
    assert_true(fac > 210000 && fac < 215000);
    const double want[] = {4.9, 11.6, 2.0, 67.0};
    for (int t = 0; t < 4; t++) {
        double a = num(j, "programs", "eprescription", "national", types[t],
                       "adopting");
        double tot =
            num(j, "programs", "eprescription", "national", types[t], "total");
        double rate = 100 * a / tot;
        if (fabs(rate - want[t]) > 0.3)
            fail_msg("%s: %.2f%% vs %.1f%%", types[t], rate, want[t]);
    }
    /* EHR sharing covers hospitals and clinics only. */
    assert_int_equal((long)num(j, "programs", "ehr_sharing", "national",
                               "pharmacy", "total"),
                     0);
    assert_int_equal((long)num(j, "programs", "ehr_sharing", "national",
                               "hospital", "total"),
                     (long)num(j, "programs", "eprescription", "national",
                               "hospital", "total"));
    /* Prefectures differ by a few points. */
    double lo = 100, hi = 0;
    for (int p = 1; p <= 47; p++) {
        char k[3];
        snprintf(k, sizeof k, "%02d", p);
        const cJSON *c =
            path(j, "programs", "eprescription", "prefectures", k, "pharmacy");
        double r =
            100 * num(c, "adopting", 0, 0, 0, 0) / num(c, "total", 0, 0, 0, 0);
        lo = r < lo ? r : lo, hi = r > hi ? r : hi;
    }
    assert_true(hi - lo > 2 && hi - lo < 25);
    cJSON_Delete(j);

    /* Even at the smallest scale every prefecture has a few of each type. */
    j = counts_of("--date 2025-02-09 --scale 0.01");
    for (int p = 1; p <= 47; p++) {
        char k[3];
        snprintf(k, sizeof k, "%02d", p);
        for (int t = 0; t < 4; t++)
            assert_true(num(path(j, "programs", "eprescription", "prefectures",
                                 k, types[t]),
                            "total", 0, 0, 0, 0) >= 3);
    }
    cJSON_Delete(j);
}

/* The trajectory follows every per-type point of the reference file. */
static void test_counts_follow_reference(void **state)
{
    (void)state;
    char *csv = tu_read_file(tu_src("data/eprescription-national.csv"), NULL);
    assert_non_null(csv);
    char *save = NULL, last_date[16] = "";
    cJSON *j = NULL;
    int checked = 0;
    for (char *line = strtok_r(csv, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char date[16], type[16];
        long adopting, total;
        if (sscanf(line, "%10[0-9-],%15[a-z],%ld,%ld,", date, type, &adopting,
                   &total) != 4 ||
            strcmp(type, "all") == 0)
            continue;
        if (strcmp(date, last_date) != 0) {
            char args[64];
            snprintf(args, sizeof args, "--date %s", date);
            cJSON_Delete(j);
            j = counts_of(args);
            snprintf(last_date, sizeof last_date, "%s", date);
        }
        const cJSON *c =
            path(j, "programs", "eprescription", "national", type, 0);
        double sim =
            100 * num(c, "adopting", 0, 0, 0, 0) / num(c, "total", 0, 0, 0, 0);
        double pub = 100.0 * (double)adopting / (double)total;
        if (fabs(sim - pub) > 0.3)
            fail_msg("%s %s: simulated %.2f%%, published %.2f%%", date, type,
                     sim, pub);
        checked++;
    }
    cJSON_Delete(j);
    free(csv);
    assert_true(checked >= 40);
}

static void test_determinism(void **state)
{
    (void)state;
    char u1[64], u2[64], u3[64], url[128];
    pid_t a = sim_start(u1, sizeof u1, SIM " --seed 7");
    pid_t b = sim_start(u2, sizeof u2, SIM " --seed 7");
    pid_t c = sim_start(u3, sizeof u3, SIM " --seed 8");
    snprintf(url, sizeof url, "%s/v1/facilities?limit=700", u1);
    resp r1 = get(url);
    snprintf(url, sizeof url, "%s/v1/facilities?limit=700", u2);
    resp r2 = get(url);
    snprintf(url, sizeof url, "%s/v1/facilities?limit=700", u3);
    resp r3 = get(url);
    assert_int_equal(r1.status, 200);
    assert_true(r1.len > 100000);
    assert_int_equal(r1.len, r2.len);
    assert_memory_equal(r1.body, r2.body, r1.len);
    assert_string_equal(r1.etag, r2.etag);
    assert_true(r1.etag[0] == '"');
    assert_true(r1.len != r3.len || memcmp(r1.body, r3.body, r1.len) != 0);
    assert_string_not_equal(r1.etag, r3.etag);
    free(r1.body), free(r2.body), free(r3.body);
    sim_stop(a), sim_stop(b), sim_stop(c);
}

static void test_full_pull_matches_counts(void **state)
{
    (void)state;
    char base[64], url[128];
    pid_t pid = sim_start(base, sizeof base, SIM " --page-max 800");
    pull p = full_pull(base, 1000);
    assert_true(p.total > 9000 && p.total < 12000);
    assert_int_equal(p.delivered, p.total);
    assert_int_equal(p.unique, p.total);
    /* --page-max 800 caps the 1000 asked for. */
    assert_int_equal(p.pages, (p.total + 799) / 800);
    snprintf(url, sizeof url, "%s/_sim/counts", base);
    resp r = get(url);
    cJSON *j = json_of(&r);
    assert_int_equal((long)num(j, "facilities", 0, 0, 0, 0), p.total);
    for (int t = 0; t < 4; t++)
        assert_int_equal(p.adopting[t],
                         (long)num(j, "programs", "eprescription", "national",
                                   types[t], "adopting"));
    cJSON_Delete(j);
    free(r.body);
    sim_stop(pid);
}

static void test_http_contract(void **state)
{
    (void)state;
    char base[64], url[256], hdr[128];
    pid_t pid = sim_start(base, sizeof base, SIM " --token s3cret");
    const char *auth = "Authorization: Bearer s3cret";

    snprintf(url, sizeof url, "%s/v1/facilities?limit=10", base);
    resp r = get(url);
    assert_int_equal(r.status, 401);
    free(r.body);
    r = req(NULL, url, "Authorization: Bearer wrong", NULL);
    assert_int_equal(r.status, 401);
    free(r.body);

    r = req(NULL, url, auth, NULL);
    assert_int_equal(r.status, 200);
    char etag[64];
    snprintf(etag, sizeof etag, "%s", r.etag);
    cJSON *j = json_of(&r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "facilities")),
                     10);
    char cursor[128];
    snprintf(cursor, sizeof cursor, "%s",
             cJSON_GetObjectItem(j, "next_cursor")->valuestring);
    cJSON_Delete(j);
    free(r.body);

    /* 304 when the first page's ETag still matches; a different one gets 200. */
    snprintf(hdr, sizeof hdr, "If-None-Match: %s", etag);
    r = req(NULL, url, auth, hdr);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.len, 0);
    assert_string_equal(r.etag, etag);
    free(r.body);
    r = req(NULL, url, auth, "If-None-Match: \"other\"");
    assert_int_equal(r.status, 200);
    free(r.body);

    /* gzip when asked: a real gzip stream of the same body. */
    resp plain = req(NULL, url, auth, NULL);
    r = req(NULL, url, auth, "Accept-Encoding: gzip, deflate");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.encoding, "gzip");
    assert_true(r.len < plain.len / 2);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    char *out = malloc(plain.len + 16);
    z.next_in = (Bytef *)r.body, z.avail_in = (uInt)r.len;
    z.next_out = (Bytef *)out, z.avail_out = (uInt)plain.len + 16;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, plain.len);
    assert_memory_equal(out, plain.body, plain.len);
    inflateEnd(&z);
    free(out), free(r.body), free(plain.body);

    /* limit out of range, bad cursor, unknown path, prefixed base path. */
    const char *bad[] = {"limit=0", "limit=10001", "limit=abc", "",
                         "limit=5&cursor=zzz"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(url, sizeof url, "%s/v1/facilities?%s", base, bad[i]);
        r = req(NULL, url, auth, NULL);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "\"error\""));
        free(r.body);
    }
    snprintf(url, sizeof url, "%s/v2/facilities?limit=5", base);
    r = req(NULL, url, auth, NULL);
    assert_int_equal(r.status, 404);
    free(r.body);
    snprintf(url, sizeof url,
             "%s/feeds/national/v1/facilities?limit=5&cursor=%s", base, cursor);
    r = req(NULL, url, auth, NULL);
    assert_int_equal(r.status, 200);
    free(r.body);

    /* Runtime date change: new snapshot, new ETag, old cursors refused. */
    snprintf(url, sizeof url, "%s/_sim/date?d=2025-02-16", base);
    r = req("POST", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    free(r.body);
    snprintf(url, sizeof url, "%s/_sim/date?d=2025-02-31", base);
    r = req("POST", url, NULL, NULL);
    assert_int_equal(r.status, 400);
    free(r.body);
    snprintf(url, sizeof url, "%s/v1/facilities?limit=10", base);
    r = req(NULL, url, auth, hdr);
    assert_int_equal(r.status, 200);
    assert_string_not_equal(r.etag, etag);
    j = json_of(&r);
    assert_string_equal(cJSON_GetObjectItem(j, "as_of")->valuestring,
                        "2025-02-16");
    assert_string_equal(cJSON_GetObjectItem(j, "snapshot")->valuestring,
                        "2025-02-16T04:00:00+09:00");
    cJSON_Delete(j);
    free(r.body);
    snprintf(url, sizeof url, "%s/v1/facilities?limit=10&cursor=%s", base,
             cursor);
    r = req(NULL, url, auth, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "another snapshot"));
    free(r.body);

    /* A clean exit on SIGTERM. */
    sim_forget(pid);
    kill(pid, SIGTERM);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* A week of 2025 changes statuses of a small share and a few facilities. */
static void test_weekly_change(void **state)
{
    (void)state;
    cJSON *a = counts_of("--date 2025-02-02"),
          *b = counts_of("--date 2025-02-09");
    double fa = num(a, "facilities", 0, 0, 0, 0),
           fb = num(b, "facilities", 0, 0, 0, 0);
    double moved = 0;
    for (int t = 0; t < 4; t++)
        moved += num(b, "programs", "eprescription", "national", types[t],
                     "adopting") -
                 num(a, "programs", "eprescription", "national", types[t],
                     "adopting");
    assert_true(moved / fb > 0.003 && moved / fb < 0.015);
    assert_true(fb != fa && fabs(fb - fa) < 200);
    cJSON_Delete(a), cJSON_Delete(b);
}

static void test_faults(void **state)
{
    (void)state;
    char base[64], url[256];
    pid_t pid =
        sim_start(base, sizeof base,
                  SIM " --fault status:503:1:2 --fault bad-record:dup:5"
                      " --fault bad-record:unknown-field:4 --fault reset:2:1");
    snprintf(url, sizeof url, "%s/v1/facilities?limit=100", base);
    resp r = get(url);
    assert_int_equal(r.status, 200);
    cJSON *j = json_of(&r);
    long total = (long)num(j, "total", 0, 0, 0, 0);
    char cursor[128];
    snprintf(cursor, sizeof cursor, "%s",
             cJSON_GetObjectItem(j, "next_cursor")->valuestring);
    cJSON_Delete(j);
    free(r.body);
    /* Page 1: 503 with Retry-After twice, then served. */
    snprintf(url, sizeof url, "%s/v1/facilities?limit=100&cursor=%s", base,
             cursor);
    for (int i = 0; i < 2; i++) {
        r = get(url);
        assert_int_equal(r.status, 503);
        assert_string_equal(r.retry_after, "1");
        free(r.body);
    }
    r = get(url);
    assert_int_equal(r.status, 200);
    j = json_of(&r);
    snprintf(cursor, sizeof cursor, "%s",
             cJSON_GetObjectItem(j, "next_cursor")->valuestring);
    cJSON_Delete(j);
    free(r.body);
    /* Page 2: the connection drops once. */
    snprintf(url, sizeof url, "%s/v1/facilities?limit=100&cursor=%s", base,
             cursor);
    r = get(url);
    assert_int_not_equal(r.rc, CURLE_OK);
    free(r.body);
    r = get(url);
    assert_int_equal(r.status, 200);
    free(r.body);

    /* The full pull: 5 duplicate codes; counts leave them out, keep the
     * unknown-field records. */
    pull p = full_pull(base, 2000);
    assert_int_equal(p.delivered, total);
    assert_int_equal(p.unique, total - 5);
    snprintf(url, sizeof url, "%s/_sim/counts", base);
    r = get(url);
    j = json_of(&r);
    assert_int_equal((long)num(j, "facilities", 0, 0, 0, 0), total - 5);
    cJSON_Delete(j);
    free(r.body);
    sim_stop(pid);

    /* Faults change the ETag; short delivers fewer records than total. */
    char b2[64];
    pid_t clean = sim_start(b2, sizeof b2, SIM);
    pid = sim_start(base, sizeof base,
                    SIM " --fault short:3 --fault drift-total:1");
    snprintf(url, sizeof url, "%s/v1/facilities?limit=5000", b2);
    resp c = get(url);
    snprintf(url, sizeof url, "%s/v1/facilities?limit=5000", base);
    r = get(url);
    assert_string_not_equal(c.etag, r.etag);
    j = json_of(&r);
    long t0 = (long)num(j, "total", 0, 0, 0, 0);
    snprintf(cursor, sizeof cursor, "%s",
             cJSON_GetObjectItem(j, "next_cursor")->valuestring);
    cJSON_Delete(j);
    free(r.body), free(c.body);
    snprintf(url, sizeof url, "%s/v1/facilities?limit=5000&cursor=%s", base,
             cursor);
    r = get(url);
    j = json_of(&r);
    assert_int_equal((long)num(j, "total", 0, 0, 0, 0),
                     t0 + 1); /* drift on page 1 */
    cJSON_Delete(j);
    free(r.body);
    sim_stop(pid), sim_stop(clean);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_flags, stop_all),
        cmocka_unit_test_teardown(test_counts_national, stop_all),
        cmocka_unit_test_teardown(test_counts_follow_reference, stop_all),
        cmocka_unit_test_teardown(test_determinism, stop_all),
        cmocka_unit_test_teardown(test_full_pull_matches_counts, stop_all),
        cmocka_unit_test_teardown(test_http_contract, stop_all),
        cmocka_unit_test_teardown(test_weekly_change, stop_all),
        cmocka_unit_test_teardown(test_faults, stop_all),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
