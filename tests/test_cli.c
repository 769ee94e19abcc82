/* test_cli.c - CLI conventions: help, version, usage errors, config errors. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_help_and_version(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run(&out, &err, "%s help", tu_bin("fukyu")), 0);
    assert_non_null(strstr(out, "check-config"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s --version", tu_bin("fukyu")), 0);
    assert_non_null(strstr(out, "fukyu "));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s check-config --help", tu_bin("fukyu")), 0);
    assert_non_null(strstr(out, "usage: fukyu check-config"));
    free(out), free(err);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run(&out, &err, "%s frobnicate", tu_bin("fukyu")), 2);
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    assert_non_null(strstr(err, "usage:"));
    assert_string_equal(out, "");
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s check-config --bogus", tu_bin("fukyu")), 2);
    assert_non_null(strstr(err, "--bogus"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s check-config --config", tu_bin("fukyu")), 2);
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "%s", tu_bin("fukyu")), 2);
    free(out), free(err);
    /* Municipality and metric arguments, checked before any store. */
    static const struct {
        const char *args, *needle;
    } bad[] = {
        {"series --program eprescription --csv --municipality 131",
         "--municipality: '131' is not a 5-digit municipality code"},
        {"series --program eprescription --csv --municipality 49101",
         "first two digits are not a prefecture"},
        {"series --program eprescription --csv --prefecture 14 "
         "--municipality 13101",
         "13101 is not in --prefecture 14"},
        {"series --program eprescription --csv --metric share",
         "'share' is not rate or population_coverage"},
        {"series --program eprescription --csv --municipality 13101 "
         "--metric population_coverage",
         "not --municipality"},
        {"chart funnel --program eprescription --out x.png "
         "--metric population_coverage",
         "drawn by trend only"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = tu_run(&out, &err, "%s %s --db /nonexistent/x.db",
                        tu_bin("fukyu"), bad[i].args);
        if (rc != 2 || !strstr(err, bad[i].needle))
            fail_msg("%s: exit %d: %s", bad[i].args, rc, err);
        free(out), free(err);
    }
}

static void test_config_errors(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), path[600], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s/c.conf", dir);

    tu_write_file(path, "[feed]\nurl = http://x\n\n[feed]\nbogus = 1\n");
    assert_int_equal(tu_run(&out, &err, "%s check-config --config %s",
                            tu_bin("fukyu"), path),
                     1);
    assert_non_null(strstr(err, ":5: unknown key 'bogus' in [feed]"));
    free(out), free(err);

    tu_write_file(path, "[feed]\nlimit = 0\n");
    assert_int_equal(tu_run(&out, &err, "%s check-config --config %s",
                            tu_bin("fukyu"), path),
                     1);
    assert_non_null(strstr(err, ":2: feed.limit: integer out of range"));
    free(out), free(err);

    tu_write_file(path, "[nope]\n");
    assert_int_equal(tu_run(&out, &err, "%s check-config --config %s",
                            tu_bin("fukyu"), path),
                     1);
    assert_non_null(strstr(err, ":1: unknown section [nope]"));
    free(out), free(err);

    tu_write_file(path, "limit = 3\n");
    assert_int_equal(tu_run(&out, &err, "%s check-config --config %s",
                            tu_bin("fukyu"), path),
                     1);
    assert_non_null(strstr(err, ":1: key 'limit' outside any section"));
    free(out), free(err);

    tu_write_file(path, "[schedule]\ntimes = 25:00\n");
    assert_int_equal(tu_run(&out, &err, "%s check-config --config %s",
                            tu_bin("fukyu"), path),
                     1);
    assert_non_null(strstr(err, ":2: schedule.times"));
    free(out), free(err);

    tu_write_file(path, "[reports]\ntarget = 1.5\n");
    assert_int_equal(tu_run(&out, &err, "%s check-config --config %s",
                            tu_bin("fukyu"), path),
                     1);
    assert_non_null(strstr(err, "reports.target"));
    free(out), free(err);

    assert_int_equal(tu_run(&out, &err,
                            "%s check-config --config %s/missing.conf",
                            tu_bin("fukyu"), dir),
                     1);
    assert_non_null(strstr(err, "cannot open"));
    free(out), free(err);

    /* The example file documents every key and must itself be valid. */
    assert_int_equal(tu_run(&out, &err,
                            "%s check-config --config etc/fukyu.conf.example",
                            tu_bin("fukyu")),
                     0);
    assert_non_null(strstr(out, "ok"));
    free(out), free(err);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
