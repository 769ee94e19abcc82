/* test_followup.c - `fukyu followup import`: the round trip export ->
 * fill -> import -> list/summary/report in CSV (UTF-8 with and without
 * BOM, cp932, Japanese titles) and XLSX (our own export, and a workbook
 * written with libxlsxwriter the way LibreOffice saves one: shared
 * strings, real dates, numbers), every kind of bad row with its line
 * number, --strict, importing twice, hostile files (zip bomb, DOCTYPE,
 * UTF-16, bytes neither UTF-8 nor cp932, an unclosed quote), and a file
 * saved by LibreOffice itself (skipped when soffice is not installed). */
#include "tests/testutil.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "tests/fu_fixture.h"

/* A fresh copy of the fixture store for one test. */
static const char *fresh_db(const char *name)
{
    static char dbs[8][800];
    static int k;
    char *db = dbs[k++ % 8];
    snprintf(db, 800, "%s/%s", fu_dir, name);
    fu_copy(fu_base, db);
    return db;
}

/* ---- filling an exported list ----------------------------------------- */

typedef struct {
    const char *code, *date, *outcome, *barriers, *team, *note;
} fill;

static void put_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

/* Rewrites an exported CSV (UTF-8; names hold no commas in the fixture)
 * with the follow-up columns of some rows filled, as a team would. */
static void fill_list(const char *in, const char *out, const fill *fs, size_t n)
{
    size_t len;
    char *s = tu_read_file(in, &len);
    assert_non_null(s);
    int bom = len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3);
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    if (bom) fputs("\xEF\xBB\xBF", f);
    int k = -1, line = 0;
    for (char *save = NULL, *l = strtok_r(s + (bom ? 3 : 0), "\r\n", &save); l;
         l = strtok_r(NULL, "\r\n", &save), line++) {
        char *fields[64];
        int nf = 0;
        for (char *p = l;; p++) {
            fields[nf++] = p;
            p = strchr(p, ',');
            if (!p) break;
            *p = '\0';
        }
        if (line == 0)
            for (int j = 0; j < nf; j++)
                if (!strcmp(fields[j], "followup_date") ||
                    !strcmp(fields[j], "フォローアップ日"))
                    k = j;
        assert_true(k > 0);
        for (size_t i = 0; line > 0 && i < n; i++)
            if (!strcmp(fields[0], fs[i].code)) {
                const char *v[5] = {fs[i].date, fs[i].outcome, fs[i].barriers,
                                    fs[i].team, fs[i].note};
                for (int j = 0; j < 5; j++) fields[k + j] = (char *)v[j];
            }
        for (int j = 0; j < nf; j++) put_field(f, fields[j], j == nf - 1);
    }
    assert_int_equal(fclose(f), 0);
    free(s);
}

static const fill three[] = {
    {"1310000014", "2025-01-10", "reached", "1;4", "東京A",
     "電話済み, \"前向き\""},
    {"1310000003", "2025-01-10", "declined", "5、6", "東京B", ""},
    {"1310000013", "2025-02-01", "導入予定", "", "", "院長不在\n再連絡"},
};

/* `fukyu export non-adopters --program eprescription ARGS --out FILE`. */
static void export_list(const char *db, const char *args, const char *file)
{
    char *err = NULL;
    if (fu_run(db, NULL, &err,
               "export non-adopters --program eprescription %s --out %s", args,
               fu_path(file)))
        fail_msg("export %s: %s", args, err);
    free(err);
}

static int import(const char *db, const char *file, const char *extra,
                  char **err)
{
    return fu_run(db, NULL, err, "followup import %s --today 2025-04-20 %s",
                  file, extra);
}

static int count_contacts(const char *db)
{
    char *out = NULL;
    assert_int_equal(fu_run(db, &out, NULL,
                            "followup summary --program eprescription --json"),
                     0);
    const char *p = strstr(out, "\"contacts\":");
    assert_non_null(p);
    int n = atoi(p + strlen("\"contacts\":"));
    free(out);
    return n;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_csv_round_trip(void **state)
{
    (void)state;
    const char *db = fresh_db("rt.db");
    char *err = NULL, *out = NULL;
    export_list(db, "--prefecture 13 --format csv", "list.csv");
    fill_list(fu_path("list.csv"), fu_path("filled.csv"), three, 3);
    assert_int_equal(import(db, fu_path("filled.csv"), "", &err), 0);
    fu_expect_in(err, "(csv utf-8 bom): 10 rows, 7 without a follow-up date, "
                      "0 bad, 3 valid; 3 contacts stored, 0 already there");
    free(err);
    assert_int_equal(fu_run(db, &out, NULL, "followup list --csv"), 0);
    fu_expect_in(out, "2025-01-10,1310000014,N4医院,clinic,13,eprescription,"
                      "東京A,reached,1;4,\"電話済み, \"\"前向き\"\"\"\r\n");
    fu_expect_in(out,
                 "2025-01-10,1310000003,C3クリニック,clinic,13,eprescription,"
                 "東京B,declined,5;6,\r\n");
    fu_expect_in(out, "2025-02-01,1310000013,N3医院,clinic,13,eprescription,,"
                      "will_adopt,,\"院長不在\n再連絡\"\r\n");
    free(out);
    /* The same file again adds nothing. */
    assert_int_equal(import(db, fu_path("filled.csv"), "", &err), 0);
    fu_expect_in(err, "3 valid; 0 contacts stored, 3 already there");
    free(err);
    assert_int_equal(count_contacts(db), 3);
    /* The summary and the next report show them. */
    assert_int_equal(fu_run(db, &out, NULL,
                            "followup summary --program eprescription --json"),
                     0);
    fu_expect_in(out, "\"contacts\":3,\"facilities\":3,");
    fu_expect_in(out, "\"outcomes\":{\"reached\":1,\"unreachable\":0,"
                      "\"declined\":1,\"will_adopt\":1,\"adopted\":0}");
    fu_expect_in(out, "\"barriers\":{\"1\":1,\"2\":0,\"3\":0,\"4\":1,\"5\":1,"
                      "\"6\":1,\"7\":0}");
    free(out);
    if (fu_run(db, NULL, &err, "report weekly --out %s", fu_path("rt.pdf")))
        fail_msg("report weekly: %s", err);
    free(err);
    assert_int_equal(tu_run(&out, NULL, "pdftotext %s -", fu_path("rt.pdf")),
                     0);
    fu_expect_in(out, "6. フォローアップ");
    fu_expect_in(out, "基準日までの連絡は計 3件（3施設）");
    fu_expect_in(out, "フォローアップで聞かれた導入の障壁");
    free(out);
}

/* cp932 <-> UTF-8 through iconv, as a spreadsheet on Windows saves. */
static char *convert(const char *s, size_t n, const char *to, const char *from,
                     size_t *outlen)
{
    iconv_t cd = iconv_open(to, from);
    assert_true(cd != (iconv_t)-1);
    size_t cap = n * 2 + 16, il = n, ol = cap;
    char *out = malloc(cap), *ip = (char *)s, *op = out;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *outlen = (size_t)(op - out);
    return out;
}

static void recode(const char *path, const char *to, const char *from)
{
    size_t n, m;
    char *s = tu_read_file(path, &n);
    char *c = convert(s, n, to, from, &m);
    FILE *f = fopen(path, "wb");
    assert_int_equal(fwrite(c, 1, m, f), m);
    assert_int_equal(fclose(f), 0);
    free(s);
    free(c);
}

static void test_csv_cp932_and_no_bom(void **state)
{
    (void)state;
    const char *db = fresh_db("cp.db");
    char *err = NULL, *out = NULL;
    export_list(db, "--prefecture 13 --format csv --header ja --encoding cp932",
                "ja.csv");
    recode(fu_path("ja.csv"), "UTF-8", "CP932");
    fill_list(fu_path("ja.csv"), fu_path("ja-filled.csv"), three, 1);
    recode(fu_path("ja-filled.csv"), "CP932", "UTF-8");
    assert_int_equal(import(db, fu_path("ja-filled.csv"), "", &err), 0);
    fu_expect_in(err,
                 "(csv cp932): 10 rows, 9 without a follow-up date, 0 bad, "
                 "1 valid; 1 contacts stored");
    free(err);
    assert_int_equal(fu_run(db, &out, NULL, "followup list"), 0);
    fu_expect_in(out, "電話済み, \"前向き\"");
    free(out);
    export_list(db, "--prefecture 13 --format csv --no-bom", "nobom.csv");
    fill_list(fu_path("nobom.csv"), fu_path("nobom-filled.csv"), three + 1, 2);
    assert_int_equal(import(db, fu_path("nobom-filled.csv"), "", &err), 0);
    fu_expect_in(err,
                 "(csv utf-8): 10 rows, 8 without a follow-up date, 0 bad, "
                 "2 valid; 2 contacts stored");
    free(err);
    assert_int_equal(count_contacts(db), 3);
}

/* A workbook as LibreOffice saves a filled list: shared strings, the
 * date a real date, a single barrier a number; Japanese titles. */
static void write_team_xlsx(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "未導入施設");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    const char *head[] = {"医療機関コード",    "名称",
                          "フォローアップ日",  "フォローアップ結果",
                          "導入の障壁",        "担当チーム",
                          "フォローアップメモ"};
    for (int j = 0; j < 7; j++) worksheet_write_string(ws, 0, j, head[j], NULL);
    lxw_datetime d1 = {2025, 1, 10, 0, 0, 0}, d2 = {2025, 1, 20, 0, 0, 0};
    /* row 2: code as text, barriers as text, a note */
    worksheet_write_string(ws, 1, 0, "1310000002", NULL);
    worksheet_write_datetime(ws, 1, 2, &d1, date);
    worksheet_write_string(ws, 1, 3, "対応あり", NULL);
    worksheet_write_string(ws, 1, 4, "1;7", NULL);
    worksheet_write_string(ws, 1, 5, "東京A", NULL);
    worksheet_write_string(ws, 1, 6, "資料送付", NULL);
    /* row 3: the code became a number, a single barrier too */
    worksheet_write_number(ws, 2, 0, 2710000001, NULL);
    worksheet_write_datetime(ws, 2, 2, &d2, date);
    worksheet_write_string(ws, 2, 3, "will_adopt", NULL);
    worksheet_write_number(ws, 2, 4, 4, NULL);
    /* row 4: no date, skipped */
    worksheet_write_string(ws, 3, 0, "1310000003", NULL);
    /* row 5: a barrier outside 1-7 */
    worksheet_write_string(ws, 4, 0, "1310000004", NULL);
    worksheet_write_datetime(ws, 4, 2, &d1, date);
    worksheet_write_string(ws, 4, 3, "reached", NULL);
    worksheet_write_number(ws, 4, 4, 9, NULL);
    /* row 7 (row 6 left empty): the leading zero lost to a number */
    worksheet_write_number(ws, 6, 0, 110000001, NULL);
    worksheet_write_string(ws, 6, 2, "2025/03/01", NULL);
    worksheet_write_string(ws, 6, 3, "unreachable", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_xlsx_round_trip(void **state)
{
    (void)state;
    const char *db = fresh_db("x.db");
    char *err = NULL, *out = NULL;
    /* Our own export reads back: every row there, none filled yet. */
    export_list(db, "--format xlsx --header ja --order priority", "list.xlsx");
    assert_int_equal(import(db, fu_path("list.xlsx"), "", &err), 0);
    fu_expect_in(err, "(xlsx): 12 rows, 12 without a follow-up date, 0 bad");
    free(err);
    write_team_xlsx(fu_path("team.xlsx"));
    assert_int_equal(import(db, fu_path("team.xlsx"), "", &err), 1);
    fu_expect_in(err, "team.xlsx: row 5: barrier 9 is outside 1-7\n");
    fu_expect_in(err, "(xlsx): 5 rows, 1 without a follow-up date, 1 bad, "
                      "3 valid; 3 contacts stored");
    free(err);
    assert_int_equal(fu_run(db, &out, NULL, "followup list --csv"), 0);
    fu_expect_in(out,
                 "2025-01-10,1310000002,C2クリニック,clinic,13,eprescription,"
                 "東京A,reached,1;7,資料送付\r\n");
    fu_expect_in(out,
                 "2025-01-20,2710000001,C5クリニック,clinic,27,eprescription,"
                 ",will_adopt,4,\r\n");
    fu_expect_in(out, "2025-03-01,0110000001,Z1医院,clinic,01,eprescription,,"
                      "unreachable,,\r\n");
    free(out);
    assert_int_equal(import(db, fu_path("team.xlsx"), "", &err), 1);
    fu_expect_in(err, "3 valid; 0 contacts stored, 3 already there");
    free(err);
}

/* Every kind of bad row, each reported by its line; one quoted note spans
 * two lines, so the lines after it must still be counted right. */
static const char bad_csv[] =
    "code,followup_date,followup_outcome,followup_barriers,followup_team,"
    "followup_note\r\n"
    "1310000001,2025-01-10,reached,1;4,A,ok\r\n" /* 2 valid */
    "1399999999,2025-01-10,reached,,A,\r\n"      /* 3 unknown code */
    "1310000002,2025-01-10,maybe,,A,\r\n"        /* 4 bad outcome */
    "1310000002,2025-01-10,reached,8,A,\r\n"     /* 5 barrier 8 */
    "1310000002,2025-01-10,reached,0,A,\r\n"     /* 6 barrier 0 */
    "1310000002,2025-02-30,reached,,A,\r\n"      /* 7 no such day */
    "1310000002,2025-05-01,reached,,A,\r\n"      /* 8 future */
    "1310000002,next week,reached,,A,\r\n"       /* 9 not a date */
    "1310000002,2025-01-10,,,A,\r\n"             /* 10 no outcome */
    "abc,2025-01-10,reached,,A,\r\n"             /* 11 not a code */
    "1310000002,,reached,,A,\r\n"                /* 12 skipped */
    "110000001,2025/03/01,不通,,A,\r\n"          /* 13 valid */
    "1310000003,2025-01-10,declined,5,A,\"two\r\nlines\"\r\n" /* 14 valid */
    "1310000002,2025-01-10,reached,x,A,\r\n"                  /* 16 barrier x */
    "1399999998,2999-01-01,nope,9,A,\r\n"; /* 17 four problems */

static void test_bad_rows_and_strict(void **state)
{
    (void)state;
    const char *db = fresh_db("bad.db");
    tu_write_file(fu_path("bad.csv"), bad_csv);
    char *err = NULL;
    assert_int_equal(import(db, fu_path("bad.csv"), "--strict", &err), 1);
    fu_expect_in(err, "(--strict: nothing stored)");
    free(err);
    assert_int_equal(count_contacts(db), 0);
    assert_int_equal(import(db, fu_path("bad.csv"), "", &err), 1);
    static const char *const want[] = {
        "line 3: unknown facility code 1399999999\n",
        "line 4: outcome 'maybe' is not one of reached, unreachable, declined, "
        "will_adopt, adopted\n",
        "line 5: barrier 8 is outside 1-7\n",
        "line 6: barrier 0 is outside 1-7\n",
        "line 7: date '2025-02-30' is not a date (YYYY-MM-DD)\n",
        "line 8: date 2025-05-01 is in the future (today is 2025-04-20)\n",
        "line 9: date 'next week' is not a date (YYYY-MM-DD)\n",
        "line 10: the outcome is empty\n",
        "line 11: facility code 'abc' is not 10 digits\n",
        "line 16: barriers 'x': 'x' is not a code 1-7\n",
        "line 17: unknown facility code 1399999998; date 2999-01-01 is in the "
        "future (today is 2025-04-20); outcome 'nope' is not one of reached, "
        "unreachable, declined, will_adopt, adopted; barrier 9 is outside "
        "1-7\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        fu_expect_in(err, want[i]);
    fu_expect_in(err, "15 rows, 1 without a follow-up date, 11 bad, 3 valid; "
                      "3 contacts stored");
    assert_null(strstr(err, "line 2:"));
    assert_null(strstr(err, "line 12:"));
    assert_null(strstr(err, "line 13:"));
    assert_null(strstr(err, "line 14:"));
    free(err);
    assert_int_equal(count_contacts(db), 3);
    /* --strict with nothing bad stores everything. */
    tu_write_file(fu_path("good.csv"), "code,followup_date,followup_outcome\r\n"
                                       "1310000004,2025-01-10,adopted\r\n");
    assert_int_equal(import(db, fu_path("good.csv"), "--strict", &err), 0);
    fu_expect_in(err, "1 contacts stored");
    free(err);
    assert_int_equal(count_contacts(db), 4);
}

static void zip_one(const char *path, const char *part, const char *data,
                    size_t n)
{
    int e;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
    assert_non_null(z);
    zip_source_t *src = zip_source_buffer(z, data, n, 0);
    assert_non_null(src);
    assert_true(zip_file_add(z, part, src, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
}

static void test_hostile_files(void **state)
{
    (void)state;
    const char *db = fresh_db("hostile.db");
    char *err = NULL;
    /* A zip bomb: 80 MiB of spaces inflate from a few hundred KiB. */
    size_t big = 80u << 20;
    char *spaces = malloc(big);
    memset(spaces, ' ', big);
    zip_one(fu_path("bomb.xlsx"), "xl/worksheets/sheet1.xml", spaces, big);
    free(spaces);
    assert_int_equal(import(db, fu_path("bomb.xlsx"), "", &err), 1);
    fu_expect_in(err, "xl/worksheets/sheet1.xml inflates to more than 64 MiB");
    free(err);
    static const char doctype[] =
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
        "<worksheet><sheetData/></worksheet>";
    zip_one(fu_path("dtd.xlsx"), "xl/worksheets/sheet1.xml", doctype,
            strlen(doctype));
    assert_int_equal(import(db, fu_path("dtd.xlsx"), "", &err), 1);
    fu_expect_in(err, "DOCTYPE");
    free(err);
    zip_one(fu_path("nosheet.xlsx"), "xl/workbook.xml", "<a/>", 4);
    assert_int_equal(import(db, fu_path("nosheet.xlsx"), "", &err), 1);
    fu_expect_in(err, "no first worksheet");
    free(err);
    tu_write_file(fu_path("u16.csv"), "\xFF\xFE"
                                      "c\0o\0");
    assert_int_equal(import(db, fu_path("u16.csv"), "", &err), 1);
    fu_expect_in(err, "UTF-16");
    free(err);
    tu_write_file(fu_path("junk.csv"), "code,followup_date,followup_outcome\n"
                                       "1310000001,2025-01-10,ok\n\xFF\xFF\n");
    assert_int_equal(import(db, fu_path("junk.csv"), "", &err), 1);
    fu_expect_in(err, "line 3: byte 0xFF is neither UTF-8 nor cp932");
    free(err);
    tu_write_file(fu_path("quote.csv"), "code,followup_date,followup_outcome\n"
                                        "1310000001,2025-01-10,reached\n"
                                        "1310000002,\"2025-01-10,reached\n");
    assert_int_equal(import(db, fu_path("quote.csv"), "", &err), 1);
    fu_expect_in(err, "line 3: a quoted field is not closed");
    free(err);
    tu_write_file(fu_path("nohead.csv"), "a,b,c\n1,2,3\n");
    assert_int_equal(import(db, fu_path("nohead.csv"), "", &err), 1);
    fu_expect_in(err,
                 "line 1: the header needs the columns code, followup_date "
                 "and followup_outcome");
    free(err);
    assert_int_equal(count_contacts(db), 0);
}

/* A list a team filled and saved in LibreOffice, both as XLSX and back as
 * CSV, imports like the original. */
static void test_libreoffice(void **state)
{
    (void)state;
    if (tu_run(NULL, NULL, "command -v soffice") != 0) {
        fprintf(stderr, "soffice not installed: LibreOffice test skipped\n");
        skip();
    }
    const char *db = fresh_db("lo.db");
    char *err = NULL, *out = NULL;
    export_list(db, "--prefecture 13 --format csv", "lo.csv");
    fill_list(fu_path("lo.csv"), fu_path("lo-filled.csv"), three, 3);
    const char *lo =
        "soffice --headless --norestore -env:UserInstallation=file://";
    assert_int_equal(
        tu_run(NULL, NULL,
               "cd %s && %s%s/lo-profile --infilter=CSV:44,34,76,1 "
               "--convert-to xlsx lo-filled.csv",
               fu_dir, lo, fu_dir),
        0);
    assert_int_equal(import(db, fu_path("lo-filled.xlsx"), "", &err), 0);
    fu_expect_in(err, "(xlsx): 10 rows, 7 without a follow-up date, 0 bad, "
                      "3 valid; 3 contacts stored");
    free(err);
    assert_int_equal(
        tu_run(NULL, NULL,
               "mkdir -p %s/back && cd %s && %s%s/lo-profile --convert-to "
               "csv:\"Text - txt - csv (StarCalc)\":44,34,76 --outdir back "
               "lo-filled.xlsx",
               fu_dir, fu_dir, lo, fu_dir),
        0);
    assert_int_equal(import(db, fu_path("back/lo-filled.csv"), "", &err), 0);
    fu_expect_in(err,
                 "(csv utf-8): 10 rows, 7 without a follow-up date, 0 bad, "
                 "3 valid; 0 contacts stored, 3 already there");
    free(err);
    /* Our XLSX export opened and saved by LibreOffice reads back too. */
    export_list(db, "--format xlsx --header ja", "ours.xlsx");
    assert_int_equal(
        tu_run(NULL, NULL,
               "mkdir -p %s/lo2 && cd %s && %s%s/lo-profile --convert-to xlsx "
               "--outdir lo2 ours.xlsx",
               fu_dir, fu_dir, lo, fu_dir),
        0);
    assert_int_equal(import(db, fu_path("lo2/ours.xlsx"), "", &err), 0);
    fu_expect_in(err, "(xlsx): 12 rows, 12 without a follow-up date, 0 bad");
    free(err);
    assert_int_equal(fu_run(db, &out, NULL, "followup list"), 0);
    fu_expect_in(out, "電話済み, \"前向き\"");
    free(out);
}

static int group_setup(void **state)
{
    (void)state;
    return fu_setup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_csv_cp932_and_no_bom),
        cmocka_unit_test(test_xlsx_round_trip),
        cmocka_unit_test(test_bad_rows_and_strict),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_libreoffice),
    };
    return cmocka_run_group_tests(tests, group_setup, fu_teardown);
}
