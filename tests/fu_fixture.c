/* fu_fixture.c - the follow-up tests' store (see fu_fixture.h).
 *
 * Facilities (their e-prescription statuses; for EHR sharing only the
 * pharmacy operates, since 2024-06-01; clinics have 0 beds, C5 19):
 *   13101 (a pharmacy there operates, P1 since 2024-01-01):
 *     C1 1310000001 clinic   none -> operating 2025-01-30
 *     C2 1310000002 clinic   none -> operating 2025-02-25
 *     C3 1310000003 clinic   none
 *     C4 1310000004 clinic   applied 2024-12-01 -> operating 2025-03-20
 *     N1 1310000011 clinic   none -> operating 2025-02-01
 *     N2 1310000012 clinic   none -> operating 2025-03-01
 *     N3 1310000013, N4 1310000014 clinics, none
 *     N5 1310000015 clinic   applied 2024-11-01 -> operating 2025-02-05
 *     N6 1310000016 clinic   applied 2024-11-01 -> operating 2025-04-01
 *     A1 1310000021 clinic   applied 2024-10-01
 *     H5 1310000045 hospital none, 100 beds
 *     P1 1340000031 pharmacy operating since 2024-01-01
 *   13102 (no pharmacy operates):
 *     H1 1310000041 hospital none, 300 beds
 *     H2 1310000042 hospital none, 50 beds
 *     H3 1310000043 hospital applied 2024-06-01, 80 beds
 *     H4 1310000044 hospital applied 2024-12-01, 120 beds
 *     D1 1310000051 clinic   none
 *   27101: C5 2710000001 clinic none, 19 beds
 *   01101: Z1 0110000001 clinic none (a code with a leading zero)
 * Pull 1 is as of 2025-01-05 with the first states, pull 2 as of
 * 2025-04-15 with the changes after the arrows. */
#include "tests/fu_fixture.h"

#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/apply.h"
#include "data/store.h"

typedef struct {
    int64_t code;
    fk_type type;
    const char *muni, *name;
    int beds;
    fk_status s1;
    const char *since1;
    fk_status s2;
    const char *since2;
} fac;

#define NONE    FK_ST_NONE, NULL
#define APPL(d) FK_ST_APPLIED, d
#define OPER(d) FK_ST_OPERATING, d

static const fac facs[] = {
    {1310000001, FK_CLINIC, "13101", "C1クリニック", 0, NONE,
     OPER("2025-01-30")},
    {1310000002, FK_CLINIC, "13101", "C2クリニック", 0, NONE,
     OPER("2025-02-25")},
    {1310000003, FK_CLINIC, "13101", "C3クリニック", 0, NONE, NONE},
    {1310000004, FK_CLINIC, "13101", "C4クリニック", 0, APPL("2024-12-01"),
     OPER("2025-03-20")},
    {1310000011, FK_CLINIC, "13101", "N1医院", 0, NONE, OPER("2025-02-01")},
    {1310000012, FK_CLINIC, "13101", "N2医院", 0, NONE, OPER("2025-03-01")},
    {1310000013, FK_CLINIC, "13101", "N3医院", 0, NONE, NONE},
    {1310000014, FK_CLINIC, "13101", "N4医院", 0, NONE, NONE},
    {1310000015, FK_CLINIC, "13101", "N5医院", 0, APPL("2024-11-01"),
     OPER("2025-02-05")},
    {1310000016, FK_CLINIC, "13101", "N6医院", 0, APPL("2024-11-01"),
     OPER("2025-04-01")},
    {1310000021, FK_CLINIC, "13101", "A1医院", 0, APPL("2024-10-01"),
     APPL("2024-10-01")},
    {1310000045, FK_HOSPITAL, "13101", "H5病院", 100, NONE, NONE},
    {1340000031, FK_PHARMACY, "13101", "P1薬局", -1, OPER("2024-01-01"),
     OPER("2024-01-01")},
    {1310000041, FK_HOSPITAL, "13102", "H1病院", 300, NONE, NONE},
    {1310000042, FK_HOSPITAL, "13102", "H2病院", 50, NONE, NONE},
    {1310000043, FK_HOSPITAL, "13102", "H3病院", 80, APPL("2024-06-01"),
     APPL("2024-06-01")},
    {1310000044, FK_HOSPITAL, "13102", "H4病院", 120, APPL("2024-12-01"),
     APPL("2024-12-01")},
    {1310000051, FK_CLINIC, "13102", "D1医院", 0, NONE, NONE},
    {2710000001, FK_CLINIC, "27101", "C5クリニック", 19, NONE, NONE},
    {110000001, FK_CLINIC, "01101", "Z1医院", 0, NONE, NONE},
};

static void pull(fk_store *st, const char *as_of, int second)
{
    fk_apply *ap = fk_apply_begin(st, "test://followup");
    assert_non_null(ap);
    fk_day d;
    char snap[64];
    assert_int_equal(fk_date_parse(as_of, &d), 0);
    snprintf(snap, sizeof snap, "%sT04:00:00+09:00", as_of);
    assert_int_equal(fk_apply_snapshot(ap, snap, d, second ? "\"2\"" : "\"1\""),
                     0);
    for (size_t i = 0; i < sizeof facs / sizeof facs[0]; i++) {
        const fac *f = &facs[i];
        fk_record r;
        memset(&r, 0, sizeof r);
        r.code = f->code;
        r.type = f->type;
        r.pref = atoi((char[3]){f->muni[0], f->muni[1], 0});
        snprintf(r.muni, sizeof r.muni, "%s", f->muni);
        r.name = f->name;
        r.address = "東京都千代田区1-1";
        r.beds = f->beds;
        r.nprog = 2;
        fk_status s = second ? f->s2 : f->s1;
        const char *since = second ? f->since2 : f->since1;
        r.prog[0] = (fk_record_program){"eprescription", s, -1};
        if (since) assert_int_equal(fk_date_parse(since, &r.prog[0].since), 0);
        /* EHR sharing, for the reports: only the pharmacy, from 2024. */
        r.prog[1] = (fk_record_program){"ehr_sharing", FK_ST_NONE, -1};
        if (f->type == FK_PHARMACY) {
            r.prog[1].status = FK_ST_OPERATING;
            assert_int_equal(fk_date_parse("2024-06-01", &r.prog[1].since), 0);
        }
        assert_int_equal(fk_apply_record(ap, &r), FK_APPLY_OK);
    }
    fk_pull_stats ps = {0};
    assert_int_equal(fk_apply_commit(ap, &ps), 0);
}

void fu_fixture_store(const char *path)
{
    char err[600];
    fk_store *st = fk_store_open(path, FK_STORE_RW, err, sizeof err);
    if (!st) fail_msg("%s", err);
    pull(st, "2025-01-05", 0);
    pull(st, "2025-04-15", 1);
    fk_store_close(st);
}

int fu_run(const char *db, char **out, char **err, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return tu_run(out, err, "%s %s --db %s --config /dev/null", tu_bin("fukyu"),
                  args, db);
}

void fu_copy(const char *from, const char *to)
{
    size_t n;
    char *s = tu_read_file(from, &n);
    assert_non_null(s);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(s);
}

char *fu_dir;
char fu_base[600];

int fu_setup(void)
{
    fu_dir = tu_tmpdir();
    snprintf(fu_base, sizeof fu_base, "%s/base.db", fu_dir);
    fu_fixture_store(fu_base);
    return 0;
}

int fu_teardown(void **state)
{
    (void)state;
    tu_rmtree(fu_dir);
    free(fu_dir);
    return 0;
}

const char *fu_path(const char *name)
{
    static char p[4][800];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", fu_dir, name);
    return p[k];
}

void fu_expect_in(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("'%s' not in:\n%s", needle, hay ? hay : "(null)");
}
