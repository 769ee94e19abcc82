/* cmd_followup_import.c - `fukyu followup import FILE`: reads a filled-in
 * list (reports/followup.h), reports every bad row by its line, and stores
 * the valid contacts in one transaction (none with --strict when any row
 * is bad). */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_followup.h"
#include "reports/followup.h"

int fk_followup_import_run(fu_args *a)
{
    const char *program = a->program ? a->program : "eprescription";
    char err[1200];
    fk_sheet sh;
    if (fk_sheet_read(a->arg, &sh, err, sizeof err) < 0)
        return fk_cli_fail("followup import: %s", err);
    if (fk_cli_setup(&a->env) < 0) {
        fk_sheet_free(&sh);
        return 1;
    }
    fk_store *st = fk_cli_open_store(&a->env, FK_STORE_RW);
    if (!st) {
        fk_sheet_free(&sh);
        return 1;
    }
    fk_import im;
    fk_import_opts o = {program, a->team, a->today};
    int rc = 0;
    if (fk_import_check(st, &sh, &o, &im, err, sizeof err) < 0) {
        rc = fk_cli_fail("followup import: %s: %s", a->arg, err);
        goto out;
    }
    const char *unit = !strcmp(sh.format, "xlsx") ? "row" : "line";
    for (size_t i = 0; i < im.nerr; i++)
        fprintf(stderr, "%s: %s %d: %s\n", a->arg, unit, im.errors[i].line,
                im.errors[i].msg);
    int64_t added = 0;
    int store = im.n > 0 && !(a->strict && im.nerr);
    /* The source names the file, not its directory: it is shown to
     * people, and the same file imported from elsewhere is the same. */
    const char *base = strrchr(a->arg, '/');
    base = base ? base + 1 : a->arg;
    if (store && fk_followup_store(st, im.contacts, im.n, base, &added) < 0) {
        rc = fk_cli_fail("followup import: %s: nothing stored: %s", a->arg,
                         fk_store_error(st));
        goto out;
    }
    fprintf(stderr,
            "%s (%s): %lld rows, %lld without a follow-up date, %zu bad, "
            "%zu valid; %lld contacts stored, %lld already there%s\n",
            a->arg, sh.format, (long long)im.rows, (long long)im.skipped,
            im.nerr, im.n, (long long)added,
            store ? (long long)im.n - (long long)added : 0,
            a->strict && im.nerr ? " (--strict: nothing stored)" : "");
    if (im.nerr) rc = 1;
out:
    fk_import_free(&im);
    fk_store_close(st);
    fk_sheet_free(&sh);
    return rc;
}
