/* cmd_summary.c - `fukyu summary`: adoption on a date, national or one
 * prefecture, as a table or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "reports/json.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_summary = {
    "summary",
    run,
    "adoption per facility type on a date (table or JSON)",
    "usage: fukyu summary --program P [--date YYYY-MM-DD] [--prefecture NN] [--json]\n"
    "                     [--db PATH] [--config PATH]\n"
    "\n"
    "Adoption of program P (eprescription, ehr_sharing) per facility type on a\n"
    "date (default: the latest stored as_of), nationally or for one prefecture.\n"
    "adopting = operating on that date; total = facilities present whose status\n"
    "is not not_applicable; rate = adopting / total (0 when total is 0);\n"
    "applied = applied but not yet operating; population_coverage = the share\n"
    "of the area's 2020 population living in municipalities where at least\n"
    "one facility of the type is adopting (人口カバー率; wards count toward\n"
    "their city).\n",
};

enum {
    O_PROGRAM = 1,
    O_DATE,
    O_PREF,
    O_JSON
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"program", required_argument, NULL, O_PROGRAM},
        {"date", required_argument, NULL, O_DATE},
        {"prefecture", required_argument, NULL, O_PREF},
        {"json", no_argument, NULL, O_JSON},
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_summary;
    fk_cli_env env = {0};
    const char *program = NULL;
    fk_day date = -1;
    int pref = 0, json = 0, o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_PROGRAM:
            if (fk_cli_arg_program(me, optarg, &program)) return 2;
            break;
        case O_DATE:
            if (fk_cli_arg_date(me, "--date", optarg, &date)) return 2;
            break;
        case O_PREF:
            if (fk_cli_arg_pref(me, optarg, &pref)) return 2;
            break;
        case O_JSON: json = 1; break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    if (!program) return fk_cli_usage_error(me, "--program is required");
    if (fk_cli_setup(&env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&env, FK_STORE_READONLY);
    if (!st) return 1;
    if (date < 0 && fk_store_latest_as_of(st, &date) < 0) {
        int rc = fk_cli_fail("summary: %s", fk_store_error(st));
        fk_store_close(st);
        return rc;
    }
    fk_area area = {pref, ""};
    fk_counts by[FK_NTYPE], all = {0, 0, 0};
    double cov[FK_NTYPE + 1];
    if (fk_store_counts(st, program, date, &area, by) < 0 ||
        fk_store_coverage(st, program, date, pref, cov) < 0) {
        int rc = fk_cli_fail("summary: %s", fk_store_error(st));
        fk_store_close(st);
        return rc;
    }
    for (int t = 0; t < FK_NTYPE; t++) {
        all.adopting += by[t].adopting;
        all.applied += by[t].applied;
        all.total += by[t].total;
    }
    char ds[FK_DATE_LEN];
    fk_date_format(date, ds);
    if (json) {
        char err[600];
        char *js = fk_json_summary(st, program, date, pref, err, sizeof err);
        fk_store_close(st);
        if (!js) return fk_cli_fail("summary: %s", err);
        puts(js);
        free(js);
        return 0;
    }
    fk_store_close(st);
    const fk_program_info *pi = fk_program_by_key(program);
    char wareki[64];
    printf("%s (%s) — %s — %s (%s)\n", pi->label_ja, program,
           pref ? fk_pref_by_code(pref)->name_ja : "全国", ds,
           fk_date_wareki(date, wareki, sizeof wareki));
    printf("%-10s %10s %10s %8s %10s %13s\n", "type", "adopting", "total",
           "rate", "applied", "pop_coverage");
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_counts *c = t < FK_NTYPE ? &by[t] : &all;
        printf("%-10s %10lld %10lld %7.1f%% %10lld %12.1f%%\n",
               t < FK_NTYPE ? fk_types[t].key : "all", (long long)c->adopting,
               (long long)c->total, 100 * fk_counts_rate(c),
               (long long)c->applied, 100 * cov[t]);
    }
    return 0;
}
