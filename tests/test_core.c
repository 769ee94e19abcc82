/* test_core.c - dates (civil, fiscal year, ISO week, 令和) and reference data. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "data/ref.h"

static void test_dates(void **state)
{
    (void)state;
    fk_day d;
    char buf[FK_DATE_LEN], w[64];
    assert_int_equal(fk_date_parse("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(fk_date_parse("2025-02-09", &d), 0);
    assert_string_equal(fk_date_format(d, buf), "2025-02-09");
    assert_int_equal(fk_weekday(d), 6); /* a Sunday */
    assert_int_equal(fk_date_parse("2024-02-29", &d), 0);
    assert_int_equal(fk_date_parse("2023-02-29", &d), -1);
    assert_int_equal(fk_date_parse("2024-02-30", &d), -1);
    assert_int_equal(fk_date_parse("2024-13-01", &d), -1);
    assert_int_equal(fk_date_parse("2024-1-01", &d), -1);
    assert_int_equal(fk_date_parse("2024-01-01x", &d), -1);
    assert_int_equal(fk_date_parse("", &d), -1);
    for (fk_day x = -30000; x < 80000; x += 37) {
        int y, m, dd;
        fk_day_to_ymd(x, &y, &m, &dd);
        assert_int_equal(fk_day_from_ymd(y, m, dd), x);
    }
    fk_date_parse("2025-02-09", &d);
    assert_string_equal(fk_date_format(fk_fy_end(d), buf), "2025-03-31");
    assert_int_equal(fk_fiscal_year(d), 2024);
    fk_date_parse("2025-04-01", &d);
    assert_string_equal(fk_date_format(fk_fy_end(d), buf), "2026-03-31");
    fk_date_parse("2025-03-31", &d);
    assert_string_equal(fk_date_format(fk_fy_end(d), buf), "2025-03-31");
    int y, wk;
    fk_date_parse("2021-01-03", &d);
    fk_iso_week(d, &y, &wk);
    assert_int_equal(y, 2020);
    assert_int_equal(wk, 53);
    assert_int_equal(fk_iso_week_parse("2025-W06", &d), 0);
    assert_string_equal(fk_date_format(d, buf), "2025-02-03");
    assert_int_equal(fk_iso_week_parse("2025-W53", &d), -1);
    fk_date_parse("2025-02-09", &d);
    assert_string_equal(fk_date_wareki(d, w, sizeof w), "令和7年2月9日");
    fk_date_parse("2019-05-01", &d);
    assert_string_equal(fk_date_wareki(d, w, sizeof w), "令和元年5月1日");
    fk_date_parse("2019-04-30", &d);
    assert_string_equal(fk_date_wareki(d, w, sizeof w), "平成31年4月30日");
    assert_int_equal(fk_day_jst(0), 0);
    assert_int_equal(fk_day_jst(15 * 3600), 1); /* 00:00 JST on 1970-01-02 */
}

static void test_reference(void **state)
{
    (void)state;
    FILE *f = fopen("data/prefectures.csv", "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    int n = 0;
    long long pop = 0;
    while (fgets(line, sizeof line, f)) {
        char code[8], ja[64], en[64], rja[64], ren[64];
        long long p;
        assert_int_equal(sscanf(line,
                                "%7[^,],%63[^,],%63[^,],%63[^,],%63[^,],%lld",
                                code, ja, en, rja, ren, &p),
                         6);
        const fk_pref *r = fk_pref_by_str(code);
        assert_non_null(r);
        assert_string_equal(r->code2, code);
        assert_string_equal(r->name_ja, ja);
        assert_string_equal(r->name_en, en);
        assert_string_equal(r->region_ja, rja);
        assert_string_equal(r->region_en, ren);
        assert_int_equal(r->population_2020, p);
        pop += p;
        n++;
    }
    fclose(f);
    assert_int_equal(n, 47);
    assert_int_equal(pop, 126146099);
    assert_null(fk_pref_by_str("48"));
    assert_null(fk_pref_by_str("00"));
    assert_null(fk_pref_by_str("1a"));
    assert_string_equal(fk_pref_by_str("13")->name_ja, "東京都");
    assert_string_equal(fk_types[FK_HOSPITAL].label_ja, "病院");
    assert_string_equal(fk_types[FK_CLINIC].label_ja, "医科診療所");
    assert_string_equal(fk_types[FK_DENTAL].label_ja, "歯科診療所");
    assert_string_equal(fk_types[FK_PHARMACY].label_ja, "薬局");
    assert_int_equal(fk_types[FK_HOSPITAL].fee_digit, '1');
    assert_int_equal(fk_types[FK_CLINIC].fee_digit, '1');
    assert_int_equal(fk_types[FK_DENTAL].fee_digit, '3');
    assert_int_equal(fk_types[FK_PHARMACY].fee_digit, '4');
    assert_int_equal(fk_type_by_key("pharmacy"), FK_PHARMACY);
    assert_int_equal(fk_type_by_key("vet"), -1);
    assert_string_equal(fk_program_by_key("eprescription")->label_ja,
                        "電子処方箋");
    assert_string_equal(fk_program_by_key("ehr_sharing")->label_ja,
                        "電子カルテ情報共有サービス");
    assert_null(fk_program_by_key("x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_reference),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
