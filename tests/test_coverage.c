/* test_coverage.c - population coverage (人口カバー率) checked against an
 * independent computation: the test reads the feed's records itself from
 * the simulator's pages (libcurl + cJSON) and the populations from
 * data/municipalities.csv (its own parser, not fukyu's table), computes
 * the share of the population living in municipalities with an adopting
 * facility, wards rolled up to their city, and compares it with what
 * `fukyu summary --json` and `fukyu series --metric population_coverage`
 * say after a pull of the same snapshot.  The snapshot carries a few
 * municipality codes the table lacks: they are kept, carry no population,
 * and are counted in `fukyu pulls`. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATE    "2025-02-09"
#define PAST    "2024-06-01"
#define NEWMUNI 4 /* records with a code like 13999 */
#define MAXM    2000
#define NTYPE   4

static const char *const types[NTYPE] = {"hospital", "clinic", "dental",
                                         "pharmacy"};

/* The reference, read independently: code -> city row, population. */
static struct {
    char code[6], parent[6], kind[20];
    long long pop;
} ref[MAXM];
static int nref;

static char *dir, db[512], url[128];
static pid_t sim;

/* Facilities adopting (operating, since <= day) per municipality row and
 * type, on the snapshot's date and on PAST; -1 rows are unknown codes. */
typedef struct {
    int row; /* index into ref of the city the code counts toward */
    int type;
    char since[11];
    int operating;
} rec;
static rec *recs;
static size_t nrecs, unknown_codes_records, on_city_code, tokyo, tokyo_wards;

static int ref_index(const char *code)
{
    for (int i = 0; i < nref; i++)
        if (!strcmp(ref[i].code, code)) return i;
    return -1;
}

static void load_reference(void)
{
    FILE *f = fopen("data/municipalities.csv", "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        char *fld[8], *p = line;
        for (int i = 0; i < 8; i++) fld[i] = strsep(&p, ",\n");
        assert_true(nref < MAXM);
        snprintf(ref[nref].code, 6, "%s", fld[0]);
        snprintf(ref[nref].parent, 6, "%s", fld[6]);
        snprintf(ref[nref].kind, sizeof ref[nref].kind, "%s", fld[5]);
        ref[nref].pop = atoll(fld[7]);
        nref++;
    }
    fclose(f);
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    char **b = ud;
    size_t old = *b ? strlen(*b) : 0;
    *b = realloc(*b, old + sz * n + 1);
    memcpy(*b + old, p, sz * n);
    (*b)[old + sz * n] = '\0';
    return sz * n;
}

static void fetch_feed(void)
{
    char next[256] = "";
    size_t cap = 0;
    CURL *c = curl_easy_init();
    assert_non_null(c);
    do {
        char u[512];
        snprintf(u, sizeof u, "%s/v1/facilities?limit=10000%s%s", url,
                 *next ? "&cursor=" : "", next);
        char *body = NULL;
        curl_easy_setopt(c, CURLOPT_URL, u);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        assert_int_equal(curl_easy_perform(c), CURLE_OK);
        cJSON *j = cJSON_Parse(body);
        assert_non_null(j);
        const cJSON *f, *fs = cJSON_GetObjectItem(j, "facilities");
        cJSON_ArrayForEach(f, fs)
        {
            if (nrecs == cap) {
                cap = cap ? cap * 2 : 4096;
                recs = realloc(recs, cap * sizeof *recs);
                assert_non_null(recs);
            }
            rec *r = &recs[nrecs++];
            memset(r, 0, sizeof *r);
            const char *t = cJSON_GetObjectItem(f, "type")->valuestring;
            r->type = -1;
            for (int k = 0; k < NTYPE; k++)
                if (!strcmp(types[k], t)) r->type = k;
            assert_true(r->type >= 0);
            const char *m = cJSON_GetObjectItem(f, "municipality")->valuestring;
            r->row = ref_index(m);
            if (r->row < 0) {
                unknown_codes_records++;
            } else {
                on_city_code += !strcmp(ref[r->row].kind, "designated_city");
                tokyo += !strncmp(m, "13", 2);
                tokyo_wards += !strcmp(ref[r->row].kind, "special_ward");
                if (ref[r->row].parent[0])
                    r->row = ref_index(ref[r->row].parent);
            }
            const cJSON *ep = cJSON_GetObjectItem(
                cJSON_GetObjectItem(f, "programs"), "eprescription");
            const cJSON *st = cJSON_GetObjectItem(ep, "status"),
                        *since = cJSON_GetObjectItem(ep, "since");
            r->operating = !strcmp(st->valuestring, "operating");
            if (cJSON_IsString(since))
                snprintf(r->since, sizeof r->since, "%s", since->valuestring);
        }
        const cJSON *nc = cJSON_GetObjectItem(j, "next_cursor");
        snprintf(next, sizeof next, "%s",
                 cJSON_IsString(nc) ? nc->valuestring : "");
        cJSON_Delete(j);
        free(body);
    } while (*next);
    curl_easy_cleanup(c);
}

/* Coverage of type (-1 = any) in pref (0 = Japan) on day (ISO dates
 * compare as strings): covered population / the area's population. */
static double independent(int pref, int type, const char *day)
{
    static char covered[MAXM];
    memset(covered, 0, sizeof covered);
    for (size_t i = 0; i < nrecs; i++) {
        const rec *r = &recs[i];
        if (r->row < 0 || !r->operating || strcmp(r->since, day) > 0 ||
            (type >= 0 && r->type != type))
            continue;
        covered[r->row] = 1;
    }
    long long num = 0, den = 0;
    for (int i = 0; i < nref; i++) {
        if (pref && atoi(ref[i].code) / 1000 != pref) continue;
        den += ref[i].pop;
        if (covered[i]) num += ref[i].pop;
    }
    return den ? (double)num / (double)den : 0;
}

static int setup(void **state)
{
    (void)state;
    load_reference();
    dir = tu_tmpdir();
    snprintf(db, sizeof db, "%s/c.db", dir);
    char args[128];
    snprintf(args, sizeof args,
             "--quiet --date " DATE
             " --scale 0.1 --fault bad-record:new-muni:%d",
             NEWMUNI);
    sim = tu_feedsim_start(url, sizeof url, args);
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err,
                    "%s collect --once --feed %s --db %s --config /dev/null",
                    tu_bin("fukyu"), url, db);
    if (rc != 0) fprintf(stderr, "collect: %s%s\n", out, err);
    free(out), free(err);
    if (rc != 0) return -1;
    fetch_feed();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_feedsim_stop(sim);
    tu_rmtree(dir);
    free(dir);
    free(recs);
    return 0;
}

/* Runs `fukyu CMD` on the test's store and parses its JSON output. */
static cJSON *run_json(const char *cmd)
{
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err, "%s %s --db %s --config /dev/null",
                    tu_bin("fukyu"), cmd, db);
    if (rc != 0) fail_msg("%s: exit %d: %s", cmd, rc, err);
    cJSON *j = cJSON_Parse(out);
    if (!j) fail_msg("%s: not JSON: %.200s", cmd, out);
    free(out), free(err);
    return j;
}

static void test_summary_matches_independent(void **state)
{
    (void)state;
    assert_true(nrecs > 20000);
    assert_int_equal(unknown_codes_records, NEWMUNI);
    /* Japan, the capital, a prefecture with designated-city wards, one
     * with many small towns. */
    static const int prefs[] = {0, 13, 1, 14, 47};
    for (size_t k = 0; k < sizeof prefs / sizeof prefs[0]; k++) {
        char a[96];
        snprintf(a, sizeof a, "summary --program eprescription --json%s%.0d",
                 prefs[k] ? " --prefecture " : "", prefs[k]);
        cJSON *j = run_json(a);
        for (int t = -1; t < NTYPE; t++) {
            const cJSON *o =
                t < 0 ? cJSON_GetObjectItem(j, "all")
                      : cJSON_GetObjectItem(cJSON_GetObjectItem(j, "types"),
                                            types[t]);
            double got =
                cJSON_GetObjectItem(o, "population_coverage")->valuedouble;
            double want = independent(prefs[k], t, DATE);
            if (fabs(got - want) > 1e-12)
                fail_msg("pref %d type %s: fukyu %.9f, independent %.9f",
                         prefs[k], t < 0 ? "all" : types[t], got, want);
            assert_true(want >= 0 && want <= 1);
        }
        cJSON_Delete(j);
    }
    /* Pharmacies reach most people even at this scale; hospitals fewer. */
    assert_true(independent(0, 3, DATE) > 0.8);
    assert_true(independent(0, 0, DATE) < independent(0, 3, DATE));
    /* The figure a report would print, for the record. */
    fprintf(stderr, "coverage on " DATE ": pharmacies %.4f, all %.4f\n",
            independent(0, 3, DATE), independent(0, -1, DATE));
}

/* The series on a past day: those operating since then (the first pull
 * rebuilds the past from `since`). */
static void test_series_matches_independent(void **state)
{
    (void)state;
    for (int t = -1; t < NTYPE; t++) {
        char a[160];
        snprintf(a, sizeof a,
                 "series --program eprescription --metric population_coverage "
                 "--from " PAST " --to " PAST " --json --type %s",
                 t < 0 ? "all" : types[t]);
        cJSON *j = run_json(a);
        const cJSON *p0 =
            cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0);
        assert_non_null(p0);
        assert_string_equal(cJSON_GetObjectItem(p0, "date")->valuestring, PAST);
        double got =
            cJSON_GetObjectItem(p0, "population_coverage")->valuedouble;
        double want = independent(0, t, PAST);
        if (fabs(got - want) > 1e-12)
            fail_msg("series %s on " PAST ": fukyu %.9f, independent %.9f",
                     t < 0 ? "all" : types[t], got, want);
        cJSON_Delete(j);
    }
    /* Coverage never falls below what the earlier day had here (no
     * closures of the last facility of a municipality in this snapshot's
     * past), and is at most 1. */
    assert_true(independent(0, 1, PAST) <= independent(0, 1, DATE));
}

/* The simulator's map: real codes, wards inside designated cities (never
 * the city's own code), facilities where the people are. */
static void test_simulator_on_the_real_map(void **state)
{
    (void)state;
    assert_int_equal(on_city_code, 0);
    long long wards = 0, all = 0;
    for (int i = 0; i < nref; i++)
        if (!strncmp(ref[i].code, "13", 2)) {
            all += ref[i].pop;
            if (!strcmp(ref[i].kind, "special_ward")) wards += ref[i].pop;
        }
    double want = (double)wards / (double)all,
           got = (double)tokyo_wards / tokyo;
    if (fabs(got - want) > 0.03)
        fail_msg("Tokyo's 23 wards: %.3f of facilities, %.3f of people", got,
                 want);
}

/* Codes the table lacks are kept (the record counts), shown as they are,
 * and counted per pull. */
static void test_unknown_codes_kept_and_counted(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(tu_run(&out, NULL, "%s pulls --db %s --config /dev/null",
                            tu_bin("fukyu"), db),
                     0);
    /* id started outcome as_of records changes aside unknown_munis ... */
    const char *head = strstr(out, "unknown_munis"), *row = strstr(out, "\n1 ");
    assert_non_null(head);
    assert_non_null(row);
    char outcome[16];
    long long records, changes, aside, unknown;
    assert_int_equal(sscanf(row + 1, "%*d %*s %15s %*s %lld %lld %lld %lld",
                            outcome, &records, &changes, &aside, &unknown),
                     5);
    assert_string_equal(outcome, "stored");
    assert_int_equal(records, (long long)nrecs); /* nothing set aside */
    assert_int_equal(aside, 0);
    assert_int_equal(unknown, NEWMUNI);
    free(out);
    /* Exported as is, with an empty name: the non-adopters and those
     * operating are every such record (none is not_applicable here). */
    char *csv = NULL;
    assert_int_equal(
        tu_run(&csv, NULL,
               "%s export non-adopters --program eprescription --format csv "
               "--no-bom --out %s/n.csv --db %s --config /dev/null && "
               "%s export non-adopters --program eprescription --format csv "
               "--no-bom --newly-adopted-since 2000-01-01 --out %s/a.csv "
               "--db %s --config /dev/null && "
               "cat %s/n.csv %s/a.csv | grep -c ',[0-9][0-9]999,,'",
               tu_bin("fukyu"), dir, db, tu_bin("fukyu"), dir, db, dir, dir),
        0);
    assert_int_equal(atoi(csv), NEWMUNI);
    free(csv);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_matches_independent),
        cmocka_unit_test(test_series_matches_independent),
        cmocka_unit_test(test_simulator_on_the_real_map),
        cmocka_unit_test(test_unknown_codes_kept_and_counted),
    };
    int rc = cmocka_run_group_tests_name("coverage", tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
