/* test_export.c - `fukyu export non-adopters`: row counts against the
 * store's own counts (national, per prefecture, municipality, type and
 * status) in CSV and XLSX, RFC 4180 quoting of names with commas, quotes
 * and line breaks (parsed back strictly), the BOM, the cp932 round trip
 * with its '?' count, the newly-adopted list, usage errors, and atomic
 * replacement of the output file. */
#include "tests/testutil.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/apply.h"
#include "data/store.h"
#include "reports/export.h"

static char *dir;
static char sim_db[600]; /* one pull of the simulator */
static char odd_db[600]; /* a few facilities with awkward text */
static char fk[600];     /* the fukyu binary */
static fk_day as_of;

/* ---- a strict RFC 4180 reader ------------------------------------------ */

typedef struct {
    char **f;
    int n;
} rec;
typedef struct {
    rec *r;
    size_t n;
} table;

static void add_field(rec *r, const char *s, size_t n)
{
    r->f = realloc(r->f, sizeof *r->f * (size_t)(r->n + 1));
    r->f[r->n] = strndup(s, n);
    r->n++;
}

/* Parses CSV that must use CRLF record ends; bare CR or LF, or a quote,
 * outside a quoted field fails the test, as does a ragged record. */
static table parse_csv(const char *s, size_t len)
{
    table t = {0};
    size_t i = 0;
    char *buf = malloc(len + 1);
    while (i < len) {
        t.r = realloc(t.r, sizeof *t.r * (t.n + 1));
        rec *r = &t.r[t.n++];
        *r = (rec){0};
        for (;;) {
            size_t n = 0;
            if (i < len && s[i] == '"') {
                for (i++;; i++) {
                    if (i >= len)
                        fail_msg("record %zu: unterminated quoted field", t.n);
                    if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
                        buf[n++] = '"', i++;
                    else if (s[i] == '"')
                        break;
                    else
                        buf[n++] = s[i];
                }
                i++;
            } else {
                for (; i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n';
                     i++) {
                    if (s[i] == '"')
                        fail_msg("record %zu: quote inside an unquoted field",
                                 t.n);
                    buf[n++] = s[i];
                }
            }
            add_field(r, buf, n);
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
                i += 2;
                break;
            }
            fail_msg("record %zu: expected ',' or CRLF at byte %zu", t.n, i);
        }
        if (r->n != t.r[0].n)
            fail_msg("record %zu has %d fields, the header %d", t.n, r->n,
                     t.r[0].n);
    }
    free(buf);
    return t;
}

static void free_table(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (int j = 0; j < t->r[i].n; j++) free(t->r[i].f[j]);
        free(t->r[i].f);
    }
    free(t->r);
}

static int col(const table *t, const char *key)
{
    for (int j = 0; j < t->r[0].n; j++)
        if (!strcmp(t->r[0].f[j], key)) return j;
    fail_msg("no column %s", key);
    return -1;
}

/* ---- running the command ------------------------------------------------ */

/* Runs `fukyu export non-adopters ARGS --db DB --out FILE`; returns the
 * exit code, stderr into *err when err is not NULL. */
static int export(const char *db, const char *file, const char *args,
                  char **err)
{
    char *out = NULL, *e = NULL;
    int rc = tu_run(
        &out, &e,
        "%s export non-adopters %s --config /dev/null --db %s --out %s/%s", fk,
        args, db, dir, file);
    free(out);
    if (err)
        *err = e;
    else
        free(e);
    return rc;
}

static char *path_of(const char *file)
{
    static char p[800];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    return p;
}

/* Exports CSV, checks the summary line, and parses the file (BOM off). */
static table export_csv(const char *db, const char *args)
{
    char *err = NULL, full[600];
    snprintf(full, sizeof full, "--format csv %s", args);
    int rc = export(db, "t.csv", full, &err);
    if (rc != 0) fail_msg("export %s: %s", args, err);
    size_t len;
    char *s = tu_read_file(path_of("t.csv"), &len);
    assert_non_null(s);
    const char *body = s;
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) body += 3, len -= 3;
    table t = parse_csv(body, len);
    char want[800];
    snprintf(want, sizeof want, "%zu facilities written to %s/t.csv\n", t.n - 1,
             dir);
    assert_non_null(strstr(err, want));
    free(s), free(err);
    return t;
}

static int matches(const char *s, const char *re)
{
    regex_t r;
    assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
    int ok = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return ok;
}

static size_t xlsx_rows(const char *db, const char *args)
{
    char full[600], *out = NULL;
    snprintf(full, sizeof full, "--format xlsx %s", args);
    assert_int_equal(export(db, "t.xlsx", full, NULL), 0);
    assert_int_equal(
        tu_run(&out, NULL,
               "unzip -p %s xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l",
               path_of("t.xlsx")),
        0);
    size_t n = strtoul(out, NULL, 10);
    free(out);
    return n;
}

/* Non-adopters in the store's own counts: applied + (total - adopting -
 * applied), for one status mask (bit 0 none, bit 1 applied). */
static int64_t store_count(const char *program, int pref, const char *muni,
                           int type, unsigned mask)
{
    char err[600];
    fk_store *st = fk_store_open(sim_db, FK_STORE_READONLY, err, sizeof err);
    assert_non_null(st);
    fk_area a = {pref, ""};
    if (muni) snprintf(a.muni, sizeof a.muni, "%s", muni);
    fk_counts by[FK_NTYPE];
    assert_int_equal(fk_store_counts(st, program, as_of, &a, by), 0);
    fk_store_close(st);
    int64_t n = 0;
    for (int t = 0; t < FK_NTYPE; t++) {
        if (type >= 0 && t != type) continue;
        if (mask & 1) n += by[t].total - by[t].adopting - by[t].applied;
        if (mask & 2) n += by[t].applied;
    }
    return n;
}

/* ---- fixtures ----------------------------------------------------------- */

static fk_record odd(int64_t code, fk_type t, const char *name, fk_status s,
                     const char *since)
{
    fk_record r;
    memset(&r, 0, sizeof r);
    r.code = code;
    r.type = t;
    r.pref = (int)(code / 100000000);
    snprintf(r.muni, sizeof r.muni, "%02d101", r.pref);
    r.name = name;
    r.address = "東京都千代田区1-1\n別館2階";
    r.phone = NULL;
    r.beds = -1;
    r.nprog = 1;
    r.prog[0] = (fk_record_program){"eprescription", s, -1};
    if (since) assert_int_equal(fk_date_parse(since, &r.prog[0].since), 0);
    return r;
}

/* The awkward names; 𠮷 (twice in the sixth) has no cp932 form. */
static const char *const odd_names[] = {
    "医療法人青葉会, さくら医院",
    "\"ひまわり\"クリニック",
    "改行\r\n入り医院",
    "LFだけ\n医院",
    "CRだけ\r医院",
    "𠮷野家クリニック, \"本店\"\r\n2階 𠮷",
    " 前後に空白 ",
};

static void make_odd_store(void)
{
    char err[600];
    fk_store *st = fk_store_open(odd_db, FK_STORE_RW, err, sizeof err);
    assert_non_null(st);
    fk_record rs[] = {
        odd(1311000001, FK_CLINIC, odd_names[0], FK_ST_NONE, NULL),
        odd(1311000002, FK_CLINIC, odd_names[1], FK_ST_APPLIED, "2025-01-01"),
        odd(1311000003, FK_HOSPITAL, odd_names[2], FK_ST_NONE, NULL),
        odd(1331000004, FK_DENTAL, odd_names[3], FK_ST_APPLIED, "2024-02-09"),
        odd(1311000005, FK_CLINIC, odd_names[4], FK_ST_NONE, NULL),
        odd(1341000006, FK_PHARMACY, odd_names[5], FK_ST_NONE, NULL),
        odd(2711000007, FK_CLINIC, odd_names[6], FK_ST_NONE, NULL),
        odd(1341000008, FK_PHARMACY, "運用中薬局", FK_ST_OPERATING,
            "2025-02-01"),
        odd(1341000009, FK_PHARMACY, "対象外薬局", FK_ST_NOT_APPLICABLE, NULL),
        odd(1341000010, FK_PHARMACY, "古くから運用中薬局", FK_ST_OPERATING,
            "2023-02-01"),
    };
    rs[1].beds = 19;
    rs[1].phone = "03-1234-5678";
    fk_apply *ap = fk_apply_begin(st, "test://odd");
    assert_non_null(ap);
    fk_day d;
    assert_int_equal(fk_date_parse("2025-02-09", &d), 0);
    assert_int_equal(
        fk_apply_snapshot(ap, "2025-02-09T04:00:00+09:00", d, "\"odd\""), 0);
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
        assert_int_equal(fk_apply_record(ap, &rs[i]), FK_APPLY_OK);
    fk_pull_stats ps = {0};
    assert_int_equal(fk_apply_commit(ap, &ps), 0);
    fk_store_close(st);
}

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    snprintf(sim_db, sizeof sim_db, "%s/sim.db", dir);
    snprintf(odd_db, sizeof odd_db, "%s/odd.db", dir);
    snprintf(fk, sizeof fk, "%s", tu_bin("fukyu"));
    char url[128], *out = NULL, *err = NULL;
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--scale 0.05 --date 2025-02-09 --quiet");
    int rc = tu_run(&out, &err,
                    "%s collect --once --feed %s --db %s --config /dev/null",
                    fk, url, sim_db);
    tu_feedsim_stop(sim);
    if (rc != 0) fprintf(stderr, "collect failed: %s%s\n", out, err);
    free(out), free(err);
    if (rc != 0) return -1;
    char e[600];
    fk_store *st = fk_store_open(sim_db, FK_STORE_READONLY, e, sizeof e);
    if (!st || fk_store_latest_as_of(st, &as_of) < 0) return -1;
    fk_store_close(st);
    make_odd_store();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    return 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_csv_counts_match_store(void **state)
{
    (void)state;
    table t = export_csv(sim_db, "--program eprescription");
    int64_t want = store_count("eprescription", 0, NULL, -1, 3);
    assert_true(want > 1000);
    assert_int_equal(t.n - 1, want);
    static const char *keys[] = {"code",
                                 "name",
                                 "type",
                                 "prefecture_code",
                                 "prefecture",
                                 "municipality",
                                 "municipality_name",
                                 "address",
                                 "phone",
                                 "beds",
                                 "status",
                                 "status_ja",
                                 "applied_since",
                                 "days_since_applied",
                                 "followup_date",
                                 "followup_outcome",
                                 "followup_barriers",
                                 "followup_team",
                                 "followup_note"};
    assert_int_equal(t.r[0].n, 19);
    for (int j = 0; j < 19; j++) assert_string_equal(t.r[0].f[j], keys[j]);
    /* Every row is a non-adopter; days count from applied_since to as_of. */
    int cs = col(&t, "status"), cj = col(&t, "status_ja"),
        ca = col(&t, "applied_since"), cd = col(&t, "days_since_applied");
    size_t applied = 0;
    for (size_t i = 1; i < t.n; i++) {
        char **f = t.r[i].f;
        assert_int_equal(strlen(f[0]), 10);
        if (!strcmp(f[cs], "none")) {
            assert_string_equal(f[cj], "未着手");
            assert_string_equal(f[ca], "");
            assert_string_equal(f[cd], "");
            continue;
        }
        assert_string_equal(f[cs], "applied");
        assert_string_equal(f[cj], "申請済");
        fk_day since;
        assert_int_equal(fk_date_parse(f[ca], &since), 0);
        assert_int_equal(atol(f[cd]), as_of - since);
        applied++;
    }
    assert_int_equal(applied, store_count("eprescription", 0, NULL, -1, 2));
    free_table(&t);

    /* ehr_sharing has its own, different list. */
    t = export_csv(sim_db, "--program ehr_sharing");
    assert_int_equal(t.n - 1, store_count("ehr_sharing", 0, NULL, -1, 3));
    free_table(&t);
}

static void test_csv_filters_match_store(void **state)
{
    (void)state;
    static const int prefs[] = {1, 13, 47};
    for (int i = 0; i < 3; i++) {
        char a[100];
        snprintf(a, sizeof a, "--program eprescription --prefecture %02d",
                 prefs[i]);
        table t = export_csv(sim_db, a);
        assert_int_equal(t.n - 1,
                         store_count("eprescription", prefs[i], NULL, -1, 3));
        int cp = col(&t, "prefecture_code"), cn = col(&t, "prefecture");
        for (size_t r = 1; r < t.n; r++) {
            assert_int_equal(atoi(t.r[r].f[cp]), prefs[i]);
            assert_string_equal(t.r[r].f[cn],
                                fk_pref_by_code(prefs[i])->name_ja);
        }
        free_table(&t);
    }
    for (int ty = 0; ty < FK_NTYPE; ty++) {
        char a[100];
        snprintf(a, sizeof a, "--program eprescription --type %s",
                 fk_types[ty].key);
        table t = export_csv(sim_db, a);
        assert_int_equal(t.n - 1, store_count("eprescription", 0, NULL, ty, 3));
        int ct = col(&t, "type");
        for (size_t r = 1; r < t.n; r++)
            assert_string_equal(t.r[r].f[ct], fk_types[ty].label_ja);
        free_table(&t);
    }
    static const char *statuses[] = {"none", "applied", "all"};
    for (unsigned s = 0; s < 3; s++) {
        char a[100];
        snprintf(
            a, sizeof a,
            "--program eprescription --prefecture 13 --type clinic --status %s",
            statuses[s]);
        table t = export_csv(sim_db, a);
        assert_int_equal(
            t.n - 1, store_count("eprescription", 13, NULL, FK_CLINIC, s + 1));
        free_table(&t);
    }
    /* A municipality: the first one of Tokyo the store knows. */
    char e[600];
    fk_store *st = fk_store_open(sim_db, FK_STORE_READONLY, e, sizeof e);
    assert_non_null(st);
    fk_muni_counts *m = NULL;
    size_t nm = 0;
    assert_int_equal(
        fk_store_counts_by_muni(st, "eprescription", as_of, 13, -1, &m, &nm),
        0);
    fk_store_close(st);
    assert_true(nm > 0);
    char a[100];
    snprintf(a, sizeof a, "--program eprescription --municipality %s",
             m[0].code);
    table t = export_csv(sim_db, a);
    assert_int_equal(t.n - 1, m[0].c.total - m[0].c.adopting);
    assert_int_equal(t.n - 1,
                     store_count("eprescription", 13, m[0].code, -1, 3));
    for (size_t r = 1; r < t.n; r++) {
        assert_string_equal(t.r[r].f[col(&t, "municipality")], m[0].code);
        assert_string_equal(t.r[r].f[col(&t, "municipality_name")],
                            fk_muni_by_code(m[0].code)->name_ja);
    }
    free_table(&t);
    free(m);
    /* A designated city's own code: all its wards, each named as a ward. */
    t = export_csv(sim_db, "--program eprescription --municipality 14100");
    assert_true(t.n > 10);
    assert_int_equal(t.n - 1, store_count("eprescription", 14, "14100", -1, 3));
    int seen_wards = 0;
    for (size_t r = 1; r < t.n; r++) {
        const char *code = t.r[r].f[col(&t, "municipality")];
        const fk_muni *w = fk_muni_by_code(code);
        assert_non_null(w);
        assert_int_equal(w->kind, FK_MUNI_DESIGNATED_WARD);
        assert_string_equal(w->parent, "14100");
        assert_string_equal(t.r[r].f[col(&t, "municipality_name")], w->name_ja);
        assert_memory_equal(w->name_ja, "横浜市", strlen("横浜市"));
        seen_wards +=
            r == 1 || strcmp(code, t.r[r - 1].f[col(&t, "municipality")]);
    }
    assert_true(seen_wards > 5);
    free_table(&t);
}

/* Every field read back from the CSV equals the store's row. */
typedef struct {
    table *t;
    size_t i;
    int commas, quotes;
} cmp_ctx;

static int cmp_row(const fk_facility_row *r, void *ctx)
{
    cmp_ctx *c = ctx;
    c->i++;
    assert_true(c->i < c->t->n);
    char **f = c->t->r[c->i].f;
    assert_string_equal(f[0], r->code);
    assert_string_equal(f[1], r->name);
    assert_string_equal(f[5], r->muni);
    const fk_muni *m = fk_muni_by_code(r->muni);
    assert_string_equal(f[6], m ? m->name_ja : "");
    assert_string_equal(f[7], r->address);
    assert_string_equal(f[8], r->phone);
    c->commas += strchr(r->name, ',') != NULL;
    c->quotes += strchr(r->name, '"') != NULL;
    return 0;
}

static void compare_with_store(const char *db, table *t, cmp_ctx *c)
{
    char e[600];
    fk_store *st = fk_store_open(db, FK_STORE_READONLY, e, sizeof e);
    assert_non_null(st);
    fk_facility_filter f = {"eprescription",
                            0,
                            NULL,
                            -1,
                            1u << FK_ST_NONE | 1u << FK_ST_APPLIED,
                            -1};
    *c = (cmp_ctx){t, 0, 0, 0};
    assert_int_equal(fk_store_each_facility(st, &f, cmp_row, c), 0);
    fk_store_close(st);
    assert_int_equal(c->i, t->n - 1);
}

static void test_quoting_simulator_names(void **state)
{
    (void)state;
    table t = export_csv(sim_db, "--program eprescription");
    cmp_ctx c;
    compare_with_store(sim_db, &t, &c);
    /* The simulator does include the awkward names. */
    assert_true(c.commas > 0);
    assert_true(c.quotes > 0);
    free_table(&t);
}

static void test_quoting_line_breaks(void **state)
{
    (void)state;
    table t = export_csv(odd_db, "--program eprescription");
    assert_int_equal(t.n - 1, 7);
    cmp_ctx c;
    compare_with_store(odd_db, &t, &c);
    /* Store order is prefecture, municipality, code; check the names as
     * written, byte for byte, including CR, LF and the spaces. */
    size_t seen = 0;
    for (size_t r = 1; r < t.n; r++)
        for (size_t k = 0; k < sizeof odd_names / sizeof odd_names[0]; k++)
            seen += !strcmp(t.r[r].f[1], odd_names[k]);
    assert_int_equal(seen, 7);
    /* Unknown beds and phone are empty; known ones are written. */
    for (size_t r = 1; r < t.n; r++) {
        char **f = t.r[r].f;
        if (!strcmp(f[0], "1311000002")) {
            assert_string_equal(f[8], "03-1234-5678");
            assert_string_equal(f[9], "19");
            assert_string_equal(f[12], "2025-01-01");
            assert_string_equal(f[13], "39");
        } else {
            assert_string_equal(f[9], "");
        }
    }
    free_table(&t);
    /* The raw bytes: the CR LF inside a name is inside quotes. */
    char *s = tu_read_file(path_of("t.csv"), NULL);
    assert_non_null(strstr(s, ",\"改行\r\n入り医院\","));
    assert_non_null(strstr(s, ",\"\"\"ひまわり\"\"クリニック\","));
    free(s);
}

static void test_bom(void **state)
{
    (void)state;
    size_t len;
    assert_int_equal(
        export(odd_db, "bom.csv", "--program eprescription --format csv", NULL),
        0);
    char *s = tu_read_file(path_of("bom.csv"), &len);
    assert_true(len > 3);
    assert_memory_equal(s,
                        "\xEF\xBB\xBF"
                        "code,",
                        8);
    free(s);
    assert_int_equal(export(odd_db, "nobom.csv",
                            "--program eprescription --format csv --no-bom",
                            NULL),
                     0);
    s = tu_read_file(path_of("nobom.csv"), &len);
    assert_memory_equal(s, "code,", 5);
    free(s);
    assert_int_equal(
        export(odd_db, "ja.csv",
               "--program eprescription --format csv --no-bom --header ja",
               NULL),
        0);
    s = tu_read_file(path_of("ja.csv"), &len);
    const char *ja =
        "医療機関コード,名称,種別,都道府県コード,都道府県,市区町村コード,市区町村名,所在地,電話番号,病床数,"
        "状況区分,状況,申請日,申請からの日数,フォローアップ日,フォローアップ結果,"
        "導入の障壁,担当チーム,フォローアップメモ\r\n";
    assert_memory_equal(s, ja, strlen(ja));
    free(s);
}

static void test_cp932_round_trip(void **state)
{
    (void)state;
    char *err = NULL, *out = NULL;
    /* The simulator's text all has a cp932 form: the round trip is exact. */
    assert_int_equal(export(sim_db, "u.csv",
                            "--program eprescription --format csv --no-bom",
                            NULL),
                     0);
    assert_int_equal(
        export(sim_db, "s.csv",
               "--program eprescription --format csv --encoding cp932", &err),
        0);
    assert_null(strstr(err, "warning"));
    free(err);
    assert_int_equal(
        tu_run(&out, NULL,
               "iconv -f CP932 -t UTF-8 %s/s.csv | cmp - %s/u.csv && echo same",
               dir, dir),
        0);
    assert_string_equal(out, "same\n");
    free(out);
    /* A file that is not all ASCII really was converted. */
    assert_int_equal(tu_run(&out, NULL,
                            "cmp -s %s/s.csv %s/u.csv || echo differs", dir,
                            dir),
                     0);
    assert_string_equal(out, "differs\n");
    free(out);

    /* 𠮷 has none: both become '?', with a warning. */
    assert_int_equal(
        export(odd_db, "s.csv",
               "--program eprescription --format csv --encoding cp932", &err),
        0);
    assert_non_null(strstr(err, "warning: 2 characters have no cp932 form"));
    free(err);
    assert_int_equal(
        tu_run(&out, NULL, "iconv -f CP932 -t UTF-8 %s/s.csv", dir), 0);
    assert_memory_equal(out, "code,", 5); /* no BOM in cp932 */
    table t = parse_csv(out, strlen(out));
    assert_int_equal(t.n - 1, 7);
    int found = 0;
    for (size_t r = 1; r < t.n; r++)
        found += !strcmp(t.r[r].f[1], "?野家クリニック, \"本店\"\r\n2階 ?");
    assert_int_equal(found, 1);
    free_table(&t);
    free(out);
}

static void test_xlsx(void **state)
{
    (void)state;
    /* Row counts: the header plus one row per store non-adopter. */
    assert_int_equal(xlsx_rows(sim_db, "--program eprescription"),
                     store_count("eprescription", 0, NULL, -1, 3) + 1);
    char *x = NULL;
    assert_int_equal(tu_run(&x, NULL, "unzip -p %s xl/worksheets/sheet1.xml",
                            path_of("t.xlsx")),
                     0);
    size_t rows = store_count("eprescription", 0, NULL, -1, 3) + 1;
    char want[200];
    snprintf(want, sizeof want, "<autoFilter ref=\"A1:S%zu\"/>", rows);
    assert_non_null(strstr(x, want));
    assert_non_null(strstr(x, "ySplit=\"1\""));
    assert_non_null(strstr(x, "state=\"frozen\""));
    assert_non_null(strstr(x, "<cols>"));
    /* Widths are capped (the simulator has a 197-character name). */
    for (const char *p = x; (p = strstr(p, "width=\"")); p++)
        assert_true(atof(p + 7) <= 62.0);
    /* Codes stay text; beds and dates are numbers. */
    assert_non_null(strstr(x, "<c r=\"A2\" t=\"inlineStr\"><is><t>01"));
    assert_true(matches(x, "<c r=\"J[0-9]+\"><v>[0-9]+</v>"));
    assert_true(matches(x, "<c r=\"M[0-9]+\" s=\"2\"><v>4[0-9]{4}</v>"));
    free(x);
    assert_int_equal(
        tu_run(&x, NULL, "unzip -p %s xl/styles.xml", path_of("t.xlsx")), 0);
    assert_non_null(strstr(x, "formatCode=\"yyyy-mm-dd\""));
    assert_non_null(strstr(x, "<b/>"));
    free(x);
    assert_int_equal(
        tu_run(&x, NULL, "unzip -p %s xl/workbook.xml", path_of("t.xlsx")), 0);
    assert_non_null(strstr(x, "name=\"non-adopters\""));
    free(x);

    assert_int_equal(
        xlsx_rows(
            sim_db,
            "--program eprescription --prefecture 13 --status applied --header ja"),
        store_count("eprescription", 13, NULL, -1, 2) + 1);
    assert_int_equal(
        tu_run(&x, NULL, "unzip -p %s xl/workbook.xml", path_of("t.xlsx")), 0);
    assert_non_null(strstr(x, "name=\"未導入施設\""));
    free(x);
    assert_int_equal(
        xlsx_rows(sim_db, "--program eprescription --type hospital"),
        store_count("eprescription", 0, NULL, FK_HOSPITAL, 3) + 1);

    /* The awkward names, and a real date: 2025-01-01 is Excel day 45658. */
    assert_int_equal(xlsx_rows(odd_db, "--program eprescription"), 8);
    assert_int_equal(tu_run(&x, NULL, "unzip -p %s xl/worksheets/sheet1.xml",
                            path_of("t.xlsx")),
                     0);
    assert_non_null(strstr(x, "医療法人青葉会, さくら医院"));
    assert_non_null(strstr(x, "<v>45658</v>"));
    free(x);
}

static void test_newly_adopted(void **state)
{
    (void)state;
    /* Operating since D or later: the adopting count on as_of minus the
     * count the day before D (one pull, so nobody closed in between). */
    fk_day d;
    assert_int_equal(fk_date_parse("2024-12-01", &d), 0);
    char e[600];
    fk_store *st = fk_store_open(sim_db, FK_STORE_READONLY, e, sizeof e);
    assert_non_null(st);
    fk_area nat = {0, ""};
    fk_counts now[FK_NTYPE], before[FK_NTYPE];
    assert_int_equal(fk_store_counts(st, "eprescription", as_of, &nat, now), 0);
    assert_int_equal(fk_store_counts(st, "eprescription", d - 1, &nat, before),
                     0);
    fk_store_close(st);
    int64_t want = 0;
    for (int t = 0; t < FK_NTYPE; t++)
        want += now[t].adopting - before[t].adopting;
    assert_true(want > 0);
    table t = export_csv(
        sim_db, "--program eprescription --newly-adopted-since 2024-12-01");
    assert_int_equal(t.n - 1, want);
    assert_int_equal(t.r[0].n, 13);
    int cs = col(&t, "status"), co = col(&t, "operating_since");
    for (size_t r = 1; r < t.n; r++) {
        assert_string_equal(t.r[r].f[cs], "operating");
        assert_string_equal(t.r[r].f[col(&t, "status_ja")], "運用中");
        fk_day since;
        assert_int_equal(fk_date_parse(t.r[r].f[co], &since), 0);
        assert_true(since >= d && since <= as_of);
    }
    free_table(&t);
    /* The odd store: one pharmacy since 2025-02-01, not the one from 2023. */
    t = export_csv(
        odd_db,
        "--program eprescription --newly-adopted-since 2025-01-01 --header ja");
    assert_int_equal(t.n - 1, 1);
    assert_string_equal(t.r[0].f[6], "市区町村名");
    assert_string_equal(t.r[0].f[12], "運用開始日");
    assert_string_equal(t.r[1].f[1], "運用中薬局");
    assert_string_equal(t.r[1].f[12], "2025-02-01");
    free_table(&t);
    assert_int_equal(
        xlsx_rows(odd_db,
                  "--program eprescription --newly-adopted-since 2023-01-01"),
        3);
    char *x = NULL;
    assert_int_equal(
        tu_run(&x, NULL, "unzip -p %s xl/workbook.xml", path_of("t.xlsx")), 0);
    assert_non_null(strstr(x, "name=\"newly-adopted\""));
    free(x);
}

static void expect(int code, const char *db, const char *args, const char *msg)
{
    char *err = NULL;
    int rc = export(db, "bad.csv", args, &err);
    if (rc != code || !strstr(err, msg))
        fail_msg("'%s': exit %d (want %d), stderr: %s (want '%s')", args, rc,
                 code, err, msg);
    free(err);
    struct stat sb;
    assert_int_not_equal(stat(path_of("bad.csv"), &sb), 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    expect(2, sim_db, "--format csv", "--program is required");
    expect(2, sim_db, "--program eprescription", "--format is required");
    expect(2, sim_db, "--program nope --format csv", "unknown program 'nope'");
    expect(2, sim_db, "--program eprescription --format ods",
           "'ods' is not csv or xlsx");
    expect(2, sim_db, "--program eprescription --format csv --status operating",
           "'operating' is not none, applied or all");
    expect(
        2, sim_db,
        "--program eprescription --format csv --status none --newly-adopted-since 2025-01-01",
        "do not go together");
    expect(
        2, sim_db,
        "--program eprescription --format csv --newly-adopted-since 2025-02-30",
        "not a date");
    expect(2, sim_db, "--program eprescription --format xlsx --encoding cp932",
           "--format csv only");
    expect(2, sim_db, "--program eprescription --format csv --encoding latin1",
           "'latin1' is not utf-8 or cp932");
    expect(2, sim_db, "--program eprescription --format csv --header fr",
           "'fr' is not en or ja");
    expect(2, sim_db,
           "--program eprescription --format csv --municipality 1310",
           "5-digit municipality code");
    expect(2, sim_db,
           "--program eprescription --format csv --municipality 48101",
           "its first two digits are not a prefecture");
    expect(
        2, sim_db,
        "--program eprescription --format csv --prefecture 14 --municipality 13101",
        "is not in --prefecture 14");
    expect(2, sim_db, "--program eprescription --format csv --type clinics",
           "unknown facility type");
    expect(2, sim_db, "--program eprescription --format csv --prefecture 48",
           "not a prefecture code");
    expect(2, sim_db, "--program eprescription --format csv extra",
           "unexpected argument 'extra'");
    char *err = NULL;
    assert_int_equal(
        tu_run(
            NULL, &err,
            "%s export adopters --config /dev/null --program eprescription --format csv --out %s",
            fk, path_of("bad.csv")),
        2);
    assert_non_null(strstr(err, "unknown list 'adopters'"));
    free(err);
    assert_int_equal(
        tu_run(
            NULL, &err,
            "%s export --config /dev/null --program eprescription --format csv --out x",
            fk),
        2);
    assert_non_null(strstr(err, "which list?"));
    free(err);
    /* Runtime failures: exit 1 with one line. */
    char empty[700];
    snprintf(empty, sizeof empty, "%s/empty.db", dir);
    char e[600];
    fk_store *st = fk_store_open(empty, FK_STORE_RW, e, sizeof e);
    assert_non_null(st);
    fk_store_close(st);
    expect(1, empty, "--program eprescription --format csv", "no stored pull");
    expect(1, path_of("missing.db"), "--program eprescription --format csv",
           "fukyu: store:");
    assert_int_equal(
        tu_run(
            NULL, &err,
            "%s export non-adopters --config /dev/null --program eprescription --format csv --db %s "
            "--out %s/no/such/dir/x.csv",
            fk, sim_db, dir),
        1);
    assert_non_null(
        strstr(err, "no/such/dir/x.csv: cannot create a file there"));
    free(err);
}

static void test_atomic_replace(void **state)
{
    (void)state;
    /* A write that fails half-way (file size limit; the signal ignored so
     * that write() reports EFBIG) leaves the old file and no temporary. */
    static const char *fmts[] = {"csv", "xlsx"};
    for (int i = 0; i < 2; i++) {
        char file[700];
        snprintf(file, sizeof file, "%s/keep.%s", dir, fmts[i]);
        tu_write_file(file, "old content\n");
        char *err = NULL;
        int rc = tu_run(
            NULL, &err,
            "trap '' XFSZ; ulimit -f 64; %s export non-adopters --config /dev/null --program eprescription "
            "--format %s --db %s --out %s",
            fk, fmts[i], sim_db, file);
        if (rc != 1) fail_msg("%s: exit %d: %s", fmts[i], rc, err);
        assert_non_null(strstr(err, "fukyu: export:"));
        assert_non_null(strstr(err, "keep."));
        free(err);
        char *s = tu_read_file(file, NULL);
        assert_string_equal(s, "old content\n");
        free(s);
        char *out = NULL;
        assert_int_equal(
            tu_run(&out, NULL, "ls -A %s | grep -c 'tmp' || true", dir), 0);
        assert_string_equal(out, "0\n");
        free(out);
        /* Without the limit the same command replaces it, mode 0644 under
         * the usual umask rather than mkstemp's 0600. */
        rc = tu_run(
            NULL, &err,
            "umask 022; %s export non-adopters --config /dev/null --program eprescription --format %s --db %s --out %s",
            fk, fmts[i], sim_db, file);
        assert_int_equal(rc, 0);
        free(err);
        struct stat sb;
        assert_int_equal(stat(file, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0644);
        assert_true(sb.st_size > 64 * 512);
    }
}

static void test_text_width(void **state)
{
    (void)state;
    assert_int_equal(fk_export_text_width(""), 0);
    assert_int_equal(fk_export_text_width("abc-123"), 7);
    assert_int_equal(fk_export_text_width("病院"), 4);
    assert_int_equal(fk_export_text_width("さくら薬局 本店"), 15);
    assert_int_equal(fk_export_text_width("ｻｸﾗ"), 3);  /* half-width kana */
    assert_int_equal(fk_export_text_width("ＡＢ"), 4); /* full-width Latin */
    assert_int_equal(fk_export_text_width("𠮷"), 2);   /* outside the BMP */
    assert_int_equal(fk_export_text_width("é"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_counts_match_store),
        cmocka_unit_test(test_csv_filters_match_store),
        cmocka_unit_test(test_quoting_simulator_names),
        cmocka_unit_test(test_quoting_line_breaks),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_cp932_round_trip),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_newly_adopted),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_atomic_replace),
        cmocka_unit_test(test_text_width),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
