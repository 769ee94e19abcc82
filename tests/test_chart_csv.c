/* test_chart_csv.c - the numbers each chart draws (its --csv twin) equal
 * the store's own figures (`fukyu summary` and `fukyu series`), nationally,
 * per prefecture and per municipality. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static char db[600];

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(db, sizeof db, "%s/s.db", dir);
    char url[128], *out = NULL, *err = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.05 --date 2025-02-09 --quiet");
    int rc = tu_run(&out, &err,
                    "%s collect --once --feed %s --db %s --config /dev/null && "
                    "curl -sf -X POST '%s/_sim/date?d=2025-02-16' && "
                    "%s collect --once --feed %s --db %s --config /dev/null",
                    tu_bin("fukyu"), url, db, url, tu_bin("fukyu"), url, db);
    tu_feedsim_stop(sim);
    if (rc) fprintf(stderr, "setup: %s%s\n", out, err);
    free(out), free(err);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    return 0;
}

/* Renders one chart with its CSV and returns the CSV's data rows split
 * into fields (rows[i][j]); the header row is dropped. */
typedef struct {
    char *text;
    char **f[4096];
    int nf[4096];
    int n;
} csv;

static void csv_load(csv *c, const char *args)
{
    char png[700], path[700], *out = NULL, *err = NULL;
    snprintf(png, sizeof png, "%s/c.png", dir);
    snprintf(path, sizeof path, "%s/c.csv", dir);
    int rc = tu_run(
        &out, &err,
        "LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp %s chart %s --db %s "
        "--config /dev/null --out %s --csv %s",
        tu_bin("fukyu"), args, db, png, path);
    if (rc) fail_msg("chart %s: %s", args, err);
    free(out), free(err);
    c->text = tu_read_file(path, NULL);
    assert_non_null(c->text);
    c->n = 0;
    char *save = NULL, *line = strtok_r(c->text, "\r\n", &save);
    line = strtok_r(NULL, "\r\n", &save); /* skip the header */
    for (; line && c->n < 4096; line = strtok_r(NULL, "\r\n", &save)) {
        char **fields = calloc(32, sizeof *fields);
        int k = 0;
        for (char *p = line; k < 32;) {
            fields[k++] = p;
            char *comma = strchr(p, ',');
            if (!comma) break;
            *comma = '\0';
            p = comma + 1;
        }
        c->f[c->n] = fields;
        c->nf[c->n++] = k;
    }
}

static void csv_free(csv *c)
{
    for (int i = 0; i < c->n; i++) free(c->f[i]);
    free(c->text);
}

static cJSON *summary(const char *extra)
{
    char *out = NULL;
    assert_int_equal(
        tu_run(&out, NULL,
               "%s summary --json --program eprescription --db %s %s",
               tu_bin("fukyu"), db, extra),
        0);
    cJSON *j = cJSON_Parse(out);
    free(out);
    assert_non_null(j);
    return j;
}

static long num(cJSON *j, const char *type, const char *field)
{
    cJSON *t = strcmp(type, "all")
                   ? cJSON_GetObjectItem(cJSON_GetObjectItem(j, "types"), type)
                   : cJSON_GetObjectItem(j, "all");
    return (long)cJSON_GetObjectItem(t, field)->valuedouble;
}

static void test_funnel_equals_summary(void **state)
{
    (void)state;
    csv c;
    csv_load(&c, "funnel --program eprescription");
    cJSON *s = summary("");
    int rows = 0;
    /* chart,program,area,as_of,type,operating,applied,none,total,... */
    for (int i = 0; i < c.n; i++) {
        const char *type = c.f[i][4];
        assert_string_equal(c.f[i][3], "2025-02-16");
        assert_int_equal(atol(c.f[i][5]), num(s, type, "adopting"));
        assert_int_equal(atol(c.f[i][6]), num(s, type, "applied"));
        assert_int_equal(atol(c.f[i][8]), num(s, type, "total"));
        assert_int_equal(atol(c.f[i][7]), num(s, type, "total") -
                                              num(s, type, "adopting") -
                                              num(s, type, "applied"));
        rows++;
    }
    assert_int_equal(rows, 5);
    cJSON_Delete(s);
    csv_free(&c);
}

static void test_ranking_equals_summary(void **state)
{
    (void)state;
    const char *types[] = {"all", "pharmacy"};
    for (int k = 0; k < 2; k++) {
        char args[128];
        snprintf(args, sizeof args, "ranking --program eprescription --type %s",
                 types[k]);
        csv c;
        csv_load(&c, args);
        assert_int_equal(c.n, 48);
        /* ...,type,prefecture_code,prefecture,adopting,applied,total,rate;
         * 47 prefectures and the national row (code 00). */
        for (int i = 0; i < c.n; i++) {
            char extra[32] = "";
            if (strcmp(c.f[i][5], "00"))
                snprintf(extra, sizeof extra, "--prefecture %s", c.f[i][5]);
            else
                assert_int_equal(i, 47);
            cJSON *s = summary(extra);
            assert_int_equal(atol(c.f[i][7]), num(s, types[k], "adopting"));
            assert_int_equal(atol(c.f[i][8]), num(s, types[k], "applied"));
            assert_int_equal(atol(c.f[i][9]), num(s, types[k], "total"));
            cJSON_Delete(s);
        }
        csv_free(&c);
    }
}

static void test_municipalities_sum_to_prefecture(void **state)
{
    (void)state;
    csv c;
    csv_load(&c, "municipalities --program eprescription --prefecture 13");
    long a = 0, p = 0, t = 0;
    cJSON *s = summary("--prefecture 13");
    for (int i = 0; i < c.n; i++) {
        if (!c.f[i][5][0]) { /* the prefecture's own row, （都道府県計） */
            assert_int_equal(atol(c.f[i][7]), num(s, "all", "adopting"));
            assert_int_equal(atol(c.f[i][9]), num(s, "all", "total"));
            continue;
        }
        assert_int_equal(strncmp(c.f[i][5], "13", 2), 0);
        a += atol(c.f[i][7]);
        p += atol(c.f[i][8]);
        t += atol(c.f[i][9]);
    }
    assert_true(c.n > 10);
    assert_int_equal(a, num(s, "all", "adopting"));
    assert_int_equal(p, num(s, "all", "applied"));
    assert_int_equal(t, num(s, "all", "total"));
    cJSON_Delete(s);
    csv_free(&c);
}

static void test_trend_equals_series(void **state)
{
    (void)state;
    csv c;
    csv_load(&c, "trend --program eprescription");
    /* ...,type,date,series,adopting,total,rate,... : every observed point
     * equals the store's series on that day. */
    int checked = 0;
    for (int i = 0; i < c.n; i++) {
        if (strcmp(c.f[i][6], "observed") ||
            (checked > 40 && strcmp(c.f[i][5], "2025-02-16")))
            continue;
        char *out = NULL;
        assert_int_equal(
            tu_run(
                &out, NULL,
                "%s series --program eprescription --type %s --from %s --to %s --csv --db %s",
                tu_bin("fukyu"), c.f[i][4], c.f[i][5], c.f[i][5], db),
            0);
        char want[256];
        snprintf(want, sizeof want, "\n%s,%s,", c.f[i][5], c.f[i][7]);
        if (!strstr(out, want))
            fail_msg("trend %s %s adopting %s; series says %s", c.f[i][4],
                     c.f[i][5], c.f[i][7], out);
        free(out);
        checked++;
    }
    assert_true(checked > 5);
    csv_free(&c);
}

static void test_weekly_equals_series(void **state)
{
    (void)state;
    csv c;
    csv_load(&c, "weekly --program eprescription");
    /* The last week (Mon 2025-02-10 .. Sun 02-16): the rise in adopting
     * from the Sunday before. */
    const char *types[] = {"hospital", "clinic", "dental", "pharmacy"};
    char **last = c.f[c.n - 1];
    assert_string_equal(last[5], "2025-02-10");
    for (int t = 0; t < 4; t++) {
        char *out = NULL;
        assert_int_equal(
            tu_run(
                &out, NULL,
                "%s series --program eprescription --type %s --from 2025-02-09 --to 2025-02-16 --weekly --csv --db %s",
                tu_bin("fukyu"), types[t], db),
            0);
        long a0 = 0, a1 = 0;
        char *l0 = strstr(out, "\n2025-02-09,"),
             *l1 = strstr(out, "\n2025-02-16,");
        assert_non_null(l0);
        assert_non_null(l1);
        a0 = atol(l0 + 12);
        a1 = atol(l1 + 12);
        long want = a1 - a0 > 0 ? a1 - a0 : 0;
        assert_int_equal(atol(last[6 + t]), want);
        free(out);
    }
    csv_free(&c);
}

/* A municipality's series on the as-of date equals its row in the chart;
 * the JSON and CSV forms of the series agree. */
static void test_series_areas(void **state)
{
    (void)state;
    csv c;
    csv_load(&c, "municipalities --program eprescription --prefecture 13");
    const char *code = c.f[0][5];
    char *out = NULL, *js = NULL;
    assert_int_equal(
        tu_run(
            &out, NULL,
            "%s series --program eprescription --prefecture 13 --municipality %s "
            "--from 2025-02-16 --to 2025-02-16 --csv --db %s",
            tu_bin("fukyu"), code, db),
        0);
    char want[256];
    /* The series names the municipality as the chart does. */
    snprintf(want, sizeof want, "\n%s,%s,2025-02-16,%s,%s,%s,", code, c.f[0][6],
             c.f[0][7], c.f[0][8], c.f[0][9]);
    if (!strstr(out, want))
        fail_msg("series %s: %s; chart row wants %s", code, out, want);
    assert_int_equal(
        tu_run(
            &js, NULL,
            "%s series --program eprescription --prefecture 13 --municipality %s "
            "--from 2025-02-16 --to 2025-02-16 --json --db %s",
            tu_bin("fukyu"), code, db),
        0);
    cJSON *j = cJSON_Parse(js);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "area")->valuestring, code);
    cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 0);
    assert_int_equal((long)cJSON_GetObjectItem(p0, "adopting")->valuedouble,
                     atol(c.f[0][7]));
    cJSON_Delete(j);
    free(out), free(js);
    /* A municipality outside the prefecture is a usage error. */
    assert_int_equal(
        tu_run(
            NULL, NULL,
            "%s series --program eprescription --prefecture 13 --municipality 27100 "
            "--csv --db %s",
            tu_bin("fukyu"), db),
        2);
    csv_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funnel_equals_summary),
        cmocka_unit_test(test_ranking_equals_summary),
        cmocka_unit_test(test_municipalities_sum_to_prefecture),
        cmocka_unit_test(test_trend_equals_series),
        cmocka_unit_test(test_weekly_equals_series),
        cmocka_unit_test(test_series_areas),
    };
    return cmocka_run_group_tests_name("chart_csv", tests, setup, teardown);
}
