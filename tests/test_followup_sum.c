/* test_followup_sum.c - what the follow-up calls tell and who to call
 * first: `followup add|list` and their refusals, the schema migration to
 * version 2 keeping a version-1 store's data, the summary's counts and
 * conversion figures on the fixture (computed by hand below), the export's
 * priority order and --not-contacted-since, the barriers chart, the
 * reports' follow-up section and the dashboard's page and API with their
 * token scopes. */
#include "tests/testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "data/store.h"
#include "tests/fu_fixture.h"

static char calls[600]; /* the fixture and the calls below */

/* The calls of the hand computation (fixture facilities in fu_fixture.c). */
static const char *const contacts[] = {
    "1310000001 --date 2025-01-10 --outcome reached --barrier 1,4 --team A",
    "1310000001 --date 2025-02-20 --outcome will_adopt --team A",
    "1310000002 --date 2025-01-10 --outcome reached --barrier 4 --team A",
    "1310000003 --date 2025-01-10 --outcome declined --barrier 5,6 --team B",
    "1310000003 --date 2025-02-20 --outcome unreachable --team B",
    "1310000004 --date 2025-01-10 --outcome will_adopt --barrier 2 --team B",
    "2710000001 --date 2025-01-20 --outcome reached --barrier 7 --team C",
};

static void test_add_and_list(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    const char *db = fu_path("add.db");
    fu_copy(fu_base, db);
    assert_int_equal(fu_run(db, &out, NULL,
                            "followup add 1310000003 --program eprescription "
                            "--date 2025-01-10 --outcome declined --barrier "
                            "5,6 --note '院長: 費用が心配'"),
                     0);
    fu_expect_in(out, "contact stored");
    free(out);
    assert_int_equal(fu_run(db, &out, NULL,
                            "followup add 1310000003 --program eprescription "
                            "--date 2025-01-10 --outcome declined"),
                     0);
    fu_expect_in(out, "already stored; nothing added");
    free(out);
    assert_int_equal(fu_run(db, NULL, &err,
                            "followup add 1399999999 --program eprescription "
                            "--date 2025-01-10 --outcome reached"),
                     1);
    fu_expect_in(err, "unknown facility code 1399999999");
    free(err);
    static const struct {
        const char *args, *msg;
    } usage[] = {
        {"--date 2999-01-01 --outcome reached", "is in the future"},
        {"--date 2025-01-10 --outcome maybe", "--outcome: 'maybe'"},
        {"--date 2025-01-10 --outcome reached --barrier 8", "barrier 8"},
        {"--date 2025-13-01 --outcome reached", "not a date"},
        {"--outcome reached", "--date is required"},
        {"--date 2025-01-10 --outcome reached --json", "add does not take"},
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        assert_int_equal(fu_run(db, NULL, &err,
                                "followup add 1310000003 --program "
                                "eprescription %s",
                                usage[i].args),
                         2);
        fu_expect_in(err, usage[i].msg);
        free(err);
    }
    assert_int_equal(fu_run(db, &out, NULL, "followup list --team ''"), 0);
    fu_expect_in(out, "2025-01-10  1310000003  declined");
    fu_expect_in(out, "院長: 費用が心配");
    free(out);
    assert_int_equal(fu_run(db, &out, NULL, "followup list --prefecture 27"),
                     0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(
        fu_run(db, &out, NULL, "followup list --since 2025-01-11 --csv"), 0);
    assert_string_equal(out, "date,code,name,type,prefecture_code,program,"
                             "team,outcome,barriers,note\r\n");
    free(out);
}

/* A version-1 store (the fixture's data without the contact table,
 * without version 3's pull column and version 4's cache) is migrated to the current version on
 * opening, its data kept. */
static void test_migration_keeps_data(void **state)
{
    (void)state;
    const char *db = fu_path("v1.db");
    fu_copy(fu_base, db);
    char *out = NULL;
    assert_int_equal(tu_run(NULL, NULL,
                            "sqlite3 %s 'DROP TABLE contact; DROP TABLE cache; "
                            "ALTER TABLE pull DROP COLUMN unknown_munis; "
                            "PRAGMA user_version = 1'",
                            db),
                     0);
    assert_int_equal(
        fu_run(db, NULL, NULL,
               "followup add 1310000003 --program eprescription --date "
               "2025-01-10 --outcome reached"),
        0);
    assert_int_equal(tu_run(&out, NULL,
                            "sqlite3 %s 'PRAGMA user_version; SELECT "
                            "COUNT(*) FROM facility; SELECT COUNT(*) FROM "
                            "contact; SELECT COUNT(*) FROM pull'",
                            db),
                     0);
    assert_string_equal(out, "4\n20\n1\n2\n");
    free(out);
}

static double num(cJSON *o, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    cJSON *x = o;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k;
         k = strtok_r(NULL, ".", &save))
        x = cJSON_GetObjectItemCaseSensitive(x, k);
    if (!cJSON_IsNumber(x)) fail_msg("%s is not a number", path);
    return x->valuedouble;
}

static cJSON *summary(const char *args)
{
    char *out = NULL;
    assert_int_equal(fu_run(calls, &out, NULL,
                            "followup summary --program eprescription --json "
                            "%s",
                            args),
                     0);
    cJSON *js = cJSON_Parse(out);
    if (!js) fail_msg("not JSON: %s", out);
    free(out);
    return js;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* The hand computation.  Data as of 2025-04-15 (pull 2).
 *
 * First contacts: C1, C2, C3, C4 on 2025-01-10 (C1 and C3 again on 02-20),
 * C5 on 2025-01-20.  Status on that day: C1-C3 none, C4 applied (since
 * 2024-12-01), C5 none.  Operating since: C1 01-30, C2 02-25, C4 03-20,
 * C3 and C5 never.
 *   +30 (02-09 / C5 02-19): operating C1            -> 1 of 5 = 0.20
 *   +60 (03-11 / C5 03-21): C1, C2                  -> 2 of 5 = 0.40
 *   +90 (04-10; C5's 04-20 is after 04-15, out):
 *                           C1, C2, C4              -> 3 of 4 = 0.75
 * Baselines: never-contacted clinics of Tokyo on 2025-01-10,
 *   not started then: N1 (op 02-01), N2 (op 03-01), N3, N4, D1 -> 5
 *     +30: N1 -> 1/5;  +60: N1, N2 -> 2/5;  +90: 2/5
 *   applied then: N5 (op 02-05), N6 (op 04-01), A1 -> 3
 *     +30: N5 -> 1/3;  +60: 1/3;  +90: N5, N6 -> 2/3
 *   C5 (Osaka) has no comparable facility, so the mean is over C1-C4:
 *     +30: (3 x 1/5 + 1/3) / 4 = (0.6 + 0.33333) / 4 = 0.233333
 *     +60: (3 x 2/5 + 1/3) / 4 = (1.2 + 0.33333) / 4 = 0.383333
 *     +90: (3 x 2/5 + 2/3) / 4 = (1.2 + 0.66667) / 4 = 0.466667
 * Counts: 7 contacts, 5 facilities; outcomes reached 3, unreachable 1,
 * declined 1, will_adopt 2; barriers 1:1 2:1 4:2 5:1 6:1 7:1 (5 contacts
 * name one); all clinics; beds band 0 but C5's 7 in 1-19. */
static void test_conversion_by_hand(void **state)
{
    (void)state;
    cJSON *js = summary("");
    NEAR(num(js, "contacts"), 7);
    NEAR(num(js, "facilities"), 5);
    NEAR(num(js, "outcomes.reached"), 3);
    NEAR(num(js, "outcomes.unreachable"), 1);
    NEAR(num(js, "outcomes.declined"), 1);
    NEAR(num(js, "outcomes.will_adopt"), 2);
    NEAR(num(js, "outcomes.adopted"), 0);
    const double bar[7] = {1, 1, 0, 2, 1, 1, 1};
    for (int k = 0; k < 7; k++) {
        char key[48];
        snprintf(key, sizeof key, "barriers.%d", k + 1);
        NEAR(num(js, key), bar[k]);
        snprintf(key, sizeof key, "barriers_by_type.clinic.%d", k + 1);
        NEAR(num(js, key), bar[k]);
        snprintf(key, sizeof key, "barriers_by_type.hospital.%d", k + 1);
        NEAR(num(js, key), 0);
        snprintf(key, sizeof key, "barriers_by_beds.0.%d", k + 1);
        NEAR(num(js, key), k == 6 ? 0 : bar[k]);
    }
    NEAR(num(js, "barriers_by_beds.1-19.7"), 1);
    const double contacted[3] = {5, 5, 4}, adopted[3] = {1, 2, 3};
    const double rate[3] = {0.2, 0.4, 0.75};
    const double baseline[3] = {(3 * 0.2 + 1.0 / 3) / 4,
                                (3 * 0.4 + 1.0 / 3) / 4,
                                (3 * 0.4 + 2.0 / 3) / 4};
    for (int h = 0; h < 3; h++) {
        char key[64];
        int days = 30 * (h + 1);
        snprintf(key, sizeof key, "conversion.%d.contacted", days);
        NEAR(num(js, key), contacted[h]);
        snprintf(key, sizeof key, "conversion.%d.adopted", days);
        NEAR(num(js, key), adopted[h]);
        snprintf(key, sizeof key, "conversion.%d.rate", days);
        NEAR(num(js, key), rate[h]);
        snprintf(key, sizeof key, "conversion.%d.baseline_rate", days);
        NEAR(num(js, key), baseline[h]);
        snprintf(key, sizeof key, "conversion.%d.baseline_n", days);
        NEAR(num(js, key), 4);
    }
    cJSON_Delete(js);
    /* From 2025-02-01: C1 and C3 on 02-20.  C1 operates by then (out);
     * C3 is eligible at +30 (03-22) only.  Its comparable facilities on
     * 02-20: N2, N3, N4, D1 (N1 operates since 02-01); by 03-22 N2 does:
     * baseline 1/4. */
    js = summary("--from 2025-02-01");
    NEAR(num(js, "contacts"), 2);
    NEAR(num(js, "conversion.30.contacted"), 1);
    NEAR(num(js, "conversion.30.adopted"), 0);
    NEAR(num(js, "conversion.30.baseline_rate"), 0.25);
    NEAR(num(js, "conversion.60.contacted"), 0);
    cJSON_Delete(js);
    /* Tokyo alone: C1-C4, 6 contacts. */
    js = summary("--prefecture 13 --to 2025-03-31");
    NEAR(num(js, "contacts"), 6);
    NEAR(num(js, "conversion.90.contacted"), 4);
    NEAR(num(js, "conversion.60.rate"), 0.5);
    cJSON_Delete(js);
}

/* Codes in the order of an exported CSV, with their priority and reason. */
static char *export_order(const char *db, const char *args)
{
    char *out = NULL;
    assert_int_equal(fu_run(db, NULL, NULL,
                            "export non-adopters --program eprescription "
                            "--prefecture 13 --format csv --no-bom %s --out %s",
                            args, fu_path("order.csv")),
                     0);
    assert_int_equal(
        tu_run(&out, NULL,
               "awk -F, 'NR > 1 { print $1 \" \" $(NF-1) \" \" $NF }' %s",
               fu_path("order.csv")),
        0);
    return out;
}

/* Stalled applications first (longest first), then hospitals by beds,
 * then the rest; in each group 13101 (where P1 operates) before 13102. */
static void test_priority_order(void **state)
{
    (void)state;
    char *out = export_order(fu_base, "--order priority");
    assert_string_equal(
        out,
        "1310000021 1 申請後未運用（196日）・同じ市区町村の薬局が運用中\r\n"
        "1310000043 2 申請後未運用（318日）・同じ市区町村の薬局は未運用\r\n"
        "1310000044 3 申請後未運用（135日）・同じ市区町村の薬局は未運用\r\n"
        "1310000045 4 病院（100床）・同じ市区町村の薬局が運用中\r\n"
        "1310000041 5 病院（300床）・同じ市区町村の薬局は未運用\r\n"
        "1310000042 6 病院（50床）・同じ市区町村の薬局は未運用\r\n"
        "1310000003 7 その他・同じ市区町村の薬局が運用中\r\n"
        "1310000013 8 その他・同じ市区町村の薬局が運用中\r\n"
        "1310000014 9 その他・同じ市区町村の薬局が運用中\r\n"
        "1310000051 10 その他・同じ市区町村の薬局は未運用\r\n");
    free(out);
    char *head = NULL;
    assert_int_equal(tu_run(&head, NULL, "head -1 %s", fu_path("order.csv")),
                     0);
    fu_expect_in(head, ",days_since_applied,followup_date,followup_outcome,"
                       "followup_barriers,followup_team,followup_note,priority,"
                       "priority_reason\r\n");
    free(head);
    /* Without --order: the area order, no priority columns. */
    assert_int_equal(fu_run(fu_base, NULL, NULL,
                            "export non-adopters --program eprescription "
                            "--format csv --header ja --out %s",
                            fu_path("ja.csv")),
                     0);
    assert_int_equal(tu_run(&head, NULL, "head -1 %s", fu_path("ja.csv")), 0);
    fu_expect_in(head, "申請からの日数,フォローアップ日,フォローアップ結果,"
                       "導入の障壁,担当チーム,フォローアップメモ\r\n");
    free(head);
    /* C3 was called on 2025-02-20: left out when not contacted since 02-01,
     * kept when since 03-01. */
    out = export_order(calls, "--not-contacted-since 2025-02-01");
    assert_null(strstr(out, "1310000003"));
    fu_expect_in(out, "1310000013");
    free(out);
    out = export_order(calls, "--not-contacted-since 2025-03-01");
    fu_expect_in(out, "1310000003");
    free(out);
    char *err = NULL;
    assert_int_equal(fu_run(fu_base, NULL, &err,
                            "export non-adopters --program eprescription "
                            "--format csv --order priority "
                            "--newly-adopted-since 2025-01-01 --out %s",
                            fu_path("x.csv")),
                     2);
    fu_expect_in(err, "non-adopter list only");
    free(err);
}

static void test_barriers_chart(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(fu_run(calls, NULL, NULL,
                            "chart barriers --program eprescription --out %s "
                            "--csv %s",
                            fu_path("b.svg"), fu_path("b.csv")),
                     0);
    assert_int_equal(tu_run(&out, NULL, "cat %s", fu_path("b.csv")), 0);
    fu_expect_in(out, ",4,導入費用,2,5,7,0.400000\r\n");
    fu_expect_in(out, ",3,ベンダーが機能に未対応,0,5,7,0.000000\r\n");
    free(out);
    assert_int_equal(tu_run(&out, NULL, "grep -c '<svg' %s", fu_path("b.svg")),
                     0);
    free(out);
}

static void test_report_section(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(
        fu_run(calls, NULL, NULL, "report weekly --out %s", fu_path("w.pdf")),
        0);
    assert_int_equal(tu_run(&out, NULL, "pdftotext %s -", fu_path("w.pdf")), 0);
    fu_expect_in(out, "6. フォローアップ");
    fu_expect_in(out, "基準日までの連絡は計 7件（5施設）");
    fu_expect_in(out, "75.0%"); /* 90 days: 3 of 4 */
    fu_expect_in(out, "46.7%"); /* its baseline */
    free(out);
    assert_int_equal(fu_run(calls, NULL, NULL, "report prefecture 13 --out %s",
                            fu_path("p.pdf")),
                     0);
    assert_int_equal(tu_run(&out, NULL, "pdftotext %s -", fu_path("p.pdf")), 0);
    fu_expect_in(out, "基準日までの連絡は計 6件（4施設）");
    fu_expect_in(out, "25.0%"); /* 30 days in Tokyo: 1 of 4 */
    free(out);
}

/* ---- the dashboard ------------------------------------------------------ */

static pid_t serve(int *port)
{
    const char *outf = fu_path("serve.out");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(outf, "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execl(tu_bin("fukyu"), "fukyu", "serve", "--listen", "127.0.0.1:0",
              "--quiet", "--db", calls, "--config", "/dev/null", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 1000; i++) {
        char *s = tu_read_file(outf, NULL);
        const char *p = s ? strstr(s, "(port ") : NULL;
        if (p && strchr(p, ')')) {
            *port = atoi(p + 6);
            free(s);
            return pid;
        }
        free(s);
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    fail_msg("fukyu serve did not start");
    return -1;
}

static void token(const char *scope, char out[80])
{
    char *o = NULL;
    assert_int_equal(
        fu_run(calls, &o, NULL, "token add --scope %s --name t", scope), 0);
    snprintf(out, 80, "%.64s", o);
    free(o);
}

/* The status of GET path with a token ("" = none); the body into *body. */
static int get(int port, const char *tok, const char *path, char **body)
{
    char *out = NULL;
    int rc = tu_run(&out, NULL,
                    "curl -s -w '\\n%%{http_code}' %s%s%s "
                    "'http://127.0.0.1:%d%s'",
                    *tok ? "-H 'Authorization: Bearer " : "", tok,
                    *tok ? "'" : "", port, path);
    assert_int_equal(rc, 0);
    char *nl = strrchr(out, '\n');
    int status = atoi(nl + 1);
    *nl = '\0';
    if (body)
        *body = out;
    else
        free(out);
    return status;
}

static void test_dashboard(void **state)
{
    (void)state;
    char fu13[80], fu27[80], pref13[80], nat[80];
    token("followup:13", fu13);
    token("followup:27", fu27);
    token("pref:13", pref13);
    token("national", nat);
    int port = 0;
    pid_t pid = serve(&port);
    const char *api = "/api/v1/followup?program=eprescription&prefecture=13";
    char *body = NULL;
    assert_int_equal(get(port, "", "/followup/13", NULL), 401);
    assert_int_equal(get(port, fu27, "/followup/13", NULL), 403);
    assert_int_equal(get(port, pref13, "/followup/13", NULL), 403);
    assert_int_equal(get(port, fu13, "/followup", NULL), 403);
    assert_int_equal(get(port, "", api, NULL), 401);
    assert_int_equal(get(port, pref13, api, NULL), 403);
    assert_int_equal(get(port, fu13, "/followup/13", &body), 200);
    fu_expect_in(body, "フォローアップの状況（東京都）");
    fu_expect_in(body, "連絡 <strong>6</strong> 件（4 施設）");
    fu_expect_in(body, "4 導入費用");
    free(body);
    assert_int_equal(get(port, fu13, api, &body), 200);
    fu_expect_in(body,
                 "\"area\":\"13\",\"from\":null,\"to\":null,"
                 "\"as_of\":\"2025-04-15\",\"contacts\":6,\"facilities\":4");
    free(body);
    assert_int_equal(get(port, nat, "/followup", &body), 200);
    fu_expect_in(body, "連絡 <strong>7</strong> 件（5 施設）");
    free(body);
    assert_int_equal(
        get(port, nat, "/api/v1/followup?program=eprescription&from=x", &body),
        400);
    fu_expect_in(body, "from");
    free(body);
    assert_int_equal(get(port, nat, "/followup/48", NULL), 404);
    kill(pid, SIGTERM);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int group_setup(void **state)
{
    (void)state;
    fu_setup();
    snprintf(calls, sizeof calls, "%s/calls.db", fu_dir);
    fu_copy(fu_base, calls);
    for (size_t i = 0; i < sizeof contacts / sizeof contacts[0]; i++)
        if (fu_run(calls, NULL, NULL,
                   "followup add %s --program eprescription --today "
                   "2025-04-20",
                   contacts[i]) != 0)
            return -1;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_list),
        cmocka_unit_test(test_migration_keeps_data),
        cmocka_unit_test(test_conversion_by_hand),
        cmocka_unit_test(test_priority_order),
        cmocka_unit_test(test_barriers_chart),
        cmocka_unit_test(test_report_section),
        cmocka_unit_test(test_dashboard),
    };
    return cmocka_run_group_tests(tests, group_setup, fu_teardown);
}
