/* test_ref.c - the shipped municipality table: every row of
 * data/municipalities.csv checked strictly (codes, check digits, kinds,
 * wards and their cities, populations adding up to each prefecture's), the
 * generated C table (scripts/gen-munis.sh) agreeing with it row by row, the
 * checker catching each kind of malformed row, and the lookups built on the
 * table (fk_muni_parse and friends).  A bad row fails here, at build time,
 * not in a user's report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/ref.h"
#include "tests/testutil.h"

#define HEADER \
    "code,code6,prefecture,name_ja,name_kana,kind,parent,population_2020"

static const char *const kinds[] = {
    "city", "designated_city", "designated_ward", "special_ward",
    "town", "village"};

typedef struct {
    char code[6], parent[6];
    int pref;
    int kind;
    long long pop; /* -1 when empty */
    char name[128], kana[256];
} row;

/* Splits a line into exactly n comma-separated fields (no quoting: the
 * shipped files have none); returns the field count found. */
static int split(char *line, char **f, int n)
{
    int k = 0;
    f[k++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',') {
            *p = '\0';
            if (k == n) return n + 1;
            f[k++] = p + 1;
        }
    return k;
}

static int all_digits(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789") == n;
}

/* Full-width katakana (U+30A1..U+30FC) only: 3-byte UTF-8 E3 82/83 xx. */
static int katakana(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p) return 0;
    for (; *p; p += 3) {
        if (p[0] != 0xE3 || !p[1] || !p[2]) return 0;
        unsigned cp =
            ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (cp < 0x30A1 || cp > 0x30FC) return 0;
    }
    return 1;
}

/* Valid UTF-8 without control characters or ASCII letters/digits. */
static int japanese_name(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p) return 0;
    while (*p) {
        int len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
        if (!len) return 0;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += len;
    }
    return 1;
}

static int bad_row(char *why, size_t n, const char *path, int line,
                   const char *what)
{
    snprintf(why, n, "%s:%d: %s", path, line, what);
    return -1;
}

/* Checks a municipality CSV strictly; fills rows (cap entries) and
 * returns their number, or -1 with "path:line: reason" in why. */
static int check_munis(const char *path, row *rows, int cap, char *why,
                       size_t n)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return bad_row(why, n, path, 0, "cannot open");
    char line[1024];
    int ln = 1, k = 0, rc = 0;
    long long pref_pop[FK_NPREF + 1] = {0};
    if (!fgets(line, sizeof line, fp) || strcmp(line, HEADER "\n") != 0) {
        fclose(fp);
        return bad_row(why, n, path, 1, "unexpected header");
    }
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        ln++;
        size_t len = strlen(line);
        if (!len || line[len - 1] != '\n') {
            rc = bad_row(why, n, path, ln, "line too long or not terminated");
            break;
        }
        line[len - 1] = '\0';
        char *f[8];
        if (split(line, f, 8) != 8) {
            rc = bad_row(why, n, path, ln, "not 8 fields");
            break;
        }
        if (k == cap) {
            rc = bad_row(why, n, path, ln, "more rows than expected");
            break;
        }
        row *r = &rows[k];
        memset(r, 0, sizeof *r);
        if (!all_digits(f[0], 5)) {
            rc = bad_row(why, n, path, ln, "code: not 5 digits");
            break;
        }
        memcpy(r->code, f[0], 6);
        if (k > 0 && strcmp(rows[k - 1].code, r->code) >= 0) {
            rc =
                bad_row(why, n, path, ln, "code: not after the previous row's");
            break;
        }
        int d[5], sum = 0;
        for (int i = 0; i < 5; i++) d[i] = f[0][i] - '0', sum += (6 - i) * d[i];
        if (!all_digits(f[1], 6) || strncmp(f[1], f[0], 5) != 0 ||
            f[1][5] - '0' != (11 - sum % 11) % 10) {
            rc = bad_row(why, n, path, ln, "code6: not code + its check digit");
            break;
        }
        r->pref = d[0] * 10 + d[1];
        if (!all_digits(f[2], 2) || strncmp(f[2], f[0], 2) != 0 ||
            !fk_pref_by_code(r->pref)) {
            rc = bad_row(why, n, path, ln,
                         "prefecture: not 01..47 or not the code's");
            break;
        }
        if (!japanese_name(f[3]) || strlen(f[3]) >= sizeof r->name) {
            rc = bad_row(why, n, path, ln, "name_ja: empty or not Japanese");
            break;
        }
        snprintf(r->name, sizeof r->name, "%s", f[3]);
        if (!katakana(f[4]) || strlen(f[4]) >= sizeof r->kana) {
            rc =
                bad_row(why, n, path, ln, "name_kana: not full-width katakana");
            break;
        }
        snprintf(r->kana, sizeof r->kana, "%s", f[4]);
        r->kind = -1;
        for (int i = 0; i < 6; i++)
            if (!strcmp(f[5], kinds[i])) r->kind = i;
        if (r->kind < 0) {
            rc = bad_row(why, n, path, ln, "kind: unknown");
            break;
        }
        int ward = r->kind == FK_MUNI_DESIGNATED_WARD;
        if (ward) {
            /* Its city is an earlier row of the same prefecture, and the
             * ward's name starts with the city's. */
            int city = -1;
            for (int i = 0; i < k; i++)
                if (!strcmp(rows[i].code, f[6])) city = i;
            if (city < 0 || rows[city].kind != FK_MUNI_DESIGNATED_CITY ||
                strncmp(rows[city].name, r->name, strlen(rows[city].name))) {
                rc = bad_row(why, n, path, ln,
                             "parent: not an earlier designated city");
                break;
            }
            memcpy(r->parent, f[6], 6);
        } else if (f[6][0]) {
            rc = bad_row(why, n, path, ln, "parent: set on a non-ward");
            break;
        }
        r->pop = -1;
        if (ward != (f[7][0] == '\0')) {
            rc = bad_row(why, n, path, ln,
                         "population_2020: empty exactly for wards");
            break;
        }
        if (!ward) {
            /* 0 is real: 双葉町 was evacuated at the 2020 census. */
            size_t nd = strlen(f[7]);
            if (!nd || nd > 9 || strspn(f[7], "0123456789") != nd ||
                (f[7][0] == '0' && nd > 1)) {
                rc = bad_row(why, n, path, ln, "population_2020: not a number");
                break;
            }
            r->pop = atoll(f[7]);
            pref_pop[r->pref] += r->pop;
        }
        k++;
    }
    fclose(fp);
    if (rc) return rc;
    for (int p = 1; p <= FK_NPREF; p++)
        if (pref_pop[p] != fk_pref_by_code(p)->population_2020) {
            char what[96];
            snprintf(what, sizeof what,
                     "populations of prefecture %02d add up to %lld, not %d", p,
                     pref_pop[p], fk_pref_by_code(p)->population_2020);
            return bad_row(why, n, path, ln, what);
        }
    return k;
}

static void test_shipped_table(void **state)
{
    (void)state;
    static row rows[FK_NMUNI];
    char why[256] = "";
    int n =
        check_munis("data/municipalities.csv", rows, FK_NMUNI, why, sizeof why);
    if (n < 0) fail_msg("%s", why);
    assert_int_equal(n, FK_NMUNI);
    int per_kind[6] = {0};
    for (int i = 0; i < n; i++) {
        const fk_muni *m = &fk_munis[i];
        const row *r = &rows[i];
        assert_string_equal(m->code, r->code);
        assert_string_equal(m->name_ja, r->name);
        assert_string_equal(m->name_kana, r->kana);
        assert_int_equal((int)m->kind, r->kind);
        assert_string_equal(m->parent, r->parent);
        assert_int_equal(m->population_2020, r->pop < 0 ? 0 : r->pop);
        assert_ptr_equal(fk_muni_by_code(r->code), m);
        per_kind[r->kind]++;
    }
    /* As the reference's README counts them. */
    assert_int_equal(per_kind[FK_MUNI_CITY], 772);
    assert_int_equal(per_kind[FK_MUNI_DESIGNATED_CITY], 20);
    assert_int_equal(per_kind[FK_MUNI_DESIGNATED_WARD], 171);
    assert_int_equal(per_kind[FK_MUNI_SPECIAL_WARD], 23);
    assert_int_equal(per_kind[FK_MUNI_TOWN], 743);
    assert_int_equal(per_kind[FK_MUNI_VILLAGE], 183);
    assert_int_equal(fk_muni_population(0), 126146099);
    assert_int_equal(fk_muni_population(13), 14047594);
}

/* Each malformed row, put into an otherwise good copy, is caught and the
 * message names the line. */
static void test_malformed_rows(void **state)
{
    (void)state;
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"01100,011003,01,札幌市,サッポロシ,designated_city,,1973395", "code6"},
        {"0110,011002,01,札幌市,サッポロシ,designated_city,,1973395", "code:"},
        {"01100,011002,02,札幌市,サッポロシ,designated_city,,1973395",
         "prefecture"},
        {"01100,011002,01,札幌市,sapporo,designated_city,,1973395",
         "name_kana"},
        {"01100,011002,01,,サッポロシ,designated_city,,1973395", "name_ja"},
        {"01100,011002,01,札幌市,サッポロシ,metropolis,,1973395", "kind"},
        {"01100,011002,01,札幌市,サッポロシ,designated_city,,-5",
         "population_2020"},
        {"01100,011002,01,札幌市,サッポロシ,designated_city,1973395",
         "8 fields"},
        {"01100,011002,01,札幌市,サッポロシ,designated_city,,1973396",
         "add up"},
        {"01101,011011,01,札幌市中央区,サッポロシチュウオウク,designated_ward,"
         "01100,5",
         "population_2020"},
    };
    char *dir = tu_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/m.csv", dir);
    size_t len;
    char *good = tu_read_file("data/municipalities.csv", &len);
    const char *first = strchr(good, '\n') + 1, *second = strchr(first, '\n');
    static row rows[FK_NMUNI];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* Replace the first data row (01100), or the second for the ward. */
        int ward = strncmp(bad[i].line, "01101", 5) == 0;
        const char *from = ward ? second + 1 : first;
        const char *to = strchr(from, '\n');
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fwrite(good, 1, (size_t)(from - good), fp);
        fprintf(fp, "%s", bad[i].line);
        fputs(to, fp);
        fclose(fp);
        char why[256] = "";
        assert_int_equal(check_munis(path, rows, FK_NMUNI, why, sizeof why),
                         -1);
        char where[64];
        snprintf(where, sizeof where, "m.csv:%d: ", ward ? 3 : 2);
        if (!strstr(why, bad[i].why) ||
            (strcmp(bad[i].why, "add up") && !strstr(why, where)))
            fail_msg("row %zu: got '%s'", i, why);
    }
    free(good);
    tu_rmtree(dir);
    free(dir);
}

static void test_lookups(void **state)
{
    (void)state;
    char out[6], why[128];
    assert_int_equal(fk_muni_parse("13101", out, why, sizeof why), 13);
    assert_string_equal(out, "13101");
    /* Well-formed but not (yet) in the table: accepted. */
    assert_int_equal(fk_muni_parse("13999", out, why, sizeof why), 13);
    assert_null(fk_muni_by_code("13999"));
    assert_string_equal(fk_muni_label("13999"), "13999");
    assert_int_equal(fk_muni_parse("1310", out, why, sizeof why), -1);
    assert_non_null(strstr(why, "'1310' is not a 5-digit"));
    assert_int_equal(fk_muni_parse("1310a", out, why, sizeof why), -1);
    assert_int_equal(fk_muni_parse("131011", out, why, sizeof why), -1);
    assert_int_equal(fk_muni_parse("48101", out, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a prefecture"));
    assert_int_equal(fk_muni_parse("00101", out, why, sizeof why), -1);
    assert_int_equal(fk_muni_parse(NULL, out, why, sizeof why), -1);

    assert_string_equal(fk_muni_label("13101"), "千代田区");
    assert_string_equal(fk_muni_label("01101"), "札幌市中央区");
    assert_string_equal(fk_muni_city("01101")->code, "01100");
    assert_string_equal(fk_muni_city("13101")->code, "13101");
    assert_null(fk_muni_city("13999"));
    char lo[6], hi[6];
    fk_muni_span("01100", lo, hi);
    assert_string_equal(lo, "01100");
    assert_string_equal(hi, "01110");
    fk_muni_span("14130", lo, hi); /* 川崎市: 7 wards */
    assert_string_equal(hi, "14137");
    fk_muni_span("13101", lo, hi);
    assert_string_equal(lo, "13101");
    assert_string_equal(hi, "13101");
    fk_muni_span("13999", lo, hi);
    assert_string_equal(hi, "13999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_table),
        cmocka_unit_test(test_malformed_rows),
        cmocka_unit_test(test_lookups),
    };
    return cmocka_run_group_tests_name("ref", tests, NULL, NULL);
}
