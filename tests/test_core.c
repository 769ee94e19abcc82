/* test_core.c - dates (civil, fiscal year, ISO week, 令和), reference data
 * and the shared utilities: fk_buf, the atomic file writer, mkdir -p. */
#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/file.h"
#include "core/sched.h"
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

static void test_buf_growth(void **state)
{
    (void)state;
    fk_buf b = {0};
    for (int i = 0; i < 10000; i++)
        assert_int_equal(fk_buf_putc(&b, 'a' + i % 26), 0);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.p[10000], '\0');
    assert_int_equal(b.p[9999], 'a' + 9999 % 26);
    /* printf longer than the room left, and longer than the first block */
    char big[6000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    fk_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(fk_buf_printf(&b, "%d-%s-%d", 1, big, 2), 0);
    assert_int_equal(b.len, 2 + 5999 + 2);
    assert_int_equal(strncmp(b.p, "1-zz", 4), 0);
    assert_string_equal(b.p + b.len - 2, "-2");
    assert_int_equal(fk_buf_puts(&b, "!"), 0);
    assert_int_equal(strlen(b.p), b.len);
    size_t n;
    char *p = fk_buf_detach(&b, &n);
    assert_int_equal(n, 6004);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    free(p);
    /* An empty buffer detaches as "", not NULL. */
    p = fk_buf_detach(&b, &n);
    assert_string_equal(p, "");
    assert_int_equal(n, 0);
    free(p);
    fk_buf_free(&b);
}

static void test_buf_oom_sticky(void **state)
{
    (void)state;
    fk_buf b = {.max = 16};
    assert_int_equal(fk_buf_puts(&b, "0123456789"), 0);
    assert_int_equal(b.oom, 0);
    /* 21 bytes with the NUL: over the cap, so it fails and changes nothing */
    assert_int_equal(fk_buf_puts(&b, "abcdefghij"), -1);
    assert_int_equal(b.oom, 1);
    assert_string_equal(b.p, "0123456789");
    /* Sticky: even what would fit is refused now. */
    assert_int_equal(fk_buf_putc(&b, 'x'), -1);
    assert_int_equal(fk_buf_printf(&b, "%d", 7), -1);
    assert_null(fk_buf_reserve(&b, 0));
    assert_string_equal(b.p, "0123456789");
    assert_int_equal(b.len, 10);
    assert_null(fk_buf_detach(&b, NULL)); /* incomplete: not handed out */
    assert_int_equal(b.oom, 0);
    /* reset clears the flag; a printf that fails leaves the text whole */
    assert_int_equal(fk_buf_puts(&b, "ok"), 0);
    assert_int_equal(fk_buf_printf(&b, "%s", "far too long for sixteen"), -1);
    assert_string_equal(b.p, "ok");
    fk_buf_reset(&b);
    assert_int_equal(b.oom, 0);
    assert_int_equal(fk_buf_puts(&b, "again"), 0);
    assert_string_equal(b.p, "again");
    fk_buf_free(&b);
}

static int fail_always(size_t want)
{
    (void)want;
    return 1;
}

static void test_buf_fail_hook(void **state)
{
    (void)state;
    fk_buf b = {0};
    fk_buf_fail_hook = fail_always;
    assert_int_equal(fk_buf_puts(&b, "x"), -1);
    fk_buf_fail_hook = NULL;
    assert_int_equal(b.oom, 1);
    assert_null(b.p);
    assert_int_equal(fk_buf_puts(&b, "x"), -1); /* still sticky */
    fk_buf_free(&b);
}

/* Entries in dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

typedef struct {
    char dir[600];
    int stop;
} writer_ctx;

static void *other_writer(void *arg)
{
    writer_ctx *w = arg;
    char path[700], err[256];
    for (int i = 0; !__atomic_load_n(&w->stop, __ATOMIC_RELAXED); i++) {
        snprintf(path, sizeof path, "%s/o%d", w->dir, i % 8);
        if (fk_file_write(path, "x", 1, err, sizeof err) < 0) break;
    }
    return NULL;
}

static void test_file_write(void **state)
{
    (void)state;
    char *tmp = tu_tmpdir();
    char a[600], path[700], err[512];
    writer_ctx w;
    snprintf(a, sizeof a, "%s/files", tmp);
    snprintf(w.dir, sizeof w.dir, "%s/other", tmp);
    w.stop = 0;
    assert_int_equal(fk_mkdir_p(a, err, sizeof err), 0);
    assert_int_equal(fk_mkdir_p(w.dir, err, sizeof err), 0);
    /* Modes follow the umask even while another thread creates files
     * (a writer that toggled umask() raced here and left 0666 files). */
    mode_t old = umask(022);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, other_writer, &w), 0);
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof path, "%s/f%d", a, i % 10);
        assert_int_equal(fk_file_write(path, "hello", 5, err, sizeof err), 0);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        assert_int_equal(st.st_size, 5);
    }
    __atomic_store_n(&w.stop, 1, __ATOMIC_RELAXED);
    pthread_join(th, NULL);
    assert_int_equal(count_entries(a), 10); /* no temporary file left */

    /* A directory that does not exist: the error names the path and why. */
    snprintf(path, sizeof path, "%s/no/such/x.png", tmp);
    assert_int_equal(fk_file_write(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(ENOENT)));

    /* The rename fails (a non-empty directory is in the way): the old
     * target is untouched and the temporary file is removed. */
    snprintf(path, sizeof path, "%s/busy", a);
    assert_int_equal(mkdir(path, 0755), 0);
    char inner[800];
    snprintf(inner, sizeof inner, "%s/keep", path);
    assert_int_equal(fk_file_write(inner, "k", 1, err, sizeof err), 0);
    int before = count_entries(a);
    assert_int_equal(fk_file_write(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_int_equal(count_entries(a), before);
    assert_int_equal(count_entries(path), 1);

    /* mkdir -p: nested, idempotent, 0777 under the umask */
    snprintf(path, sizeof path, "%s/d1/d2//d3/", a);
    assert_int_equal(fk_mkdir_p(path, err, sizeof err), 0);
    assert_int_equal(fk_mkdir_p(path, err, sizeof err), 0);
    struct stat st;
    snprintf(path, sizeof path, "%s/d1/d2/d3", a);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
    /* a file in the way is named in the error */
    snprintf(path, sizeof path, "%s/f1/sub", a);
    assert_int_equal(fk_mkdir_p(path, err, sizeof err), -1);
    snprintf(path, sizeof path, "%s/f1", a);
    assert_non_null(strstr(err, path));
    umask(old);
    tu_rmtree(tmp);
    free(tmp);
}

static void test_sched_parse(void **state)
{
    (void)state;
    char err[256];
    int t[FK_SCHED_MAX_TIMES], wd, m;
    assert_int_equal(fk_hhmm_parse("00:00", 5), 0);
    assert_int_equal(fk_hhmm_parse("23:59", 5), 23 * 60 + 59);
    assert_int_equal(fk_hhmm_parse("24:00", 5), -1);
    assert_int_equal(fk_hhmm_parse("12:60", 5), -1);
    assert_int_equal(fk_hhmm_parse("6:00", 4), -1);
    assert_int_equal(fk_hhmm_parse("06-00", 5), -1);
    /* sorted, duplicates dropped, spaces around commas allowed */
    assert_int_equal(fk_times_parse("18:00, 06:00 ,18:00", t, err, sizeof err),
                     2);
    assert_int_equal(t[0], 6 * 60);
    assert_int_equal(t[1], 18 * 60);
    assert_int_equal(fk_times_parse("", t, err, sizeof err), 0);
    assert_int_equal(fk_times_parse("06:00,25:00", t, err, sizeof err), -1);
    assert_string_equal(err, "'25:00' is not HH:MM");
    assert_int_equal(fk_times_parse("12:60", t, err, sizeof err), -1);
    assert_non_null(strstr(err, "'12:60'"));
    assert_int_equal(fk_times_parse("06:00,", t, err, sizeof err), 1);
    assert_int_equal(fk_times_parse("06:00,,07:00", t, err, sizeof err), -1);
    assert_non_null(strstr(err, "'' is not HH:MM"));
    char many[400] = "";
    for (int i = 0; i <= FK_SCHED_MAX_TIMES; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s%02d:%02d",
                 i ? "," : "", i / 60, i % 60);
    assert_int_equal(fk_times_parse(many, t, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 64"));

    assert_int_equal(fk_weekly_parse("mon 07:00", &wd, &m, err, sizeof err), 0);
    assert_int_equal(wd, 0);
    assert_int_equal(m, 7 * 60);
    assert_int_equal(fk_weekly_parse("sun 23:59", &wd, &m, err, sizeof err), 0);
    assert_int_equal(wd, 6);
    /* Only the three-letter names of fukyu.conf(5). */
    assert_int_equal(fk_weekly_parse("Monday 07:00", &wd, &m, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "'Monday 07:00'"));
    assert_int_equal(fk_weekly_parse("Mon 07:00", &wd, &m, err, sizeof err),
                     -1);
    assert_int_equal(fk_weekly_parse("mon", &wd, &m, err, sizeof err), -1);
    assert_int_equal(fk_weekly_parse("mon 25:00", &wd, &m, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "'mon 25:00' is not DAY HH:MM"));
    assert_int_equal(wd, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_buf_growth),
        cmocka_unit_test(test_buf_oom_sticky),
        cmocka_unit_test(test_buf_fail_hook),
        cmocka_unit_test(test_file_write),
        cmocka_unit_test(test_sched_parse),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
