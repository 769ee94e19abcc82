/* test_e2e.c - runs tests/e2e_dashboard.sh (the dashboard in headless
 * Chromium) inside the cmocka suite, so `make test` counts it.  Skipped,
 * visibly, where Chromium is not installed. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_dashboard_in_chromium(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    int rc = tu_run(&out, &err, "sh tests/e2e_dashboard.sh %s", tu_bin(""));
    if (rc == 0 && strstr(out, "skipped")) {
        fprintf(stderr, "%s", out);
        free(out), free(err);
        skip();
    }
    if (rc != 0) fail_msg("e2e_dashboard.sh exited %d:\n%s%s", rc, out, err);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dashboard_in_chromium),
    };
    return cmocka_run_group_tests_name("e2e", tests, NULL, NULL);
}
