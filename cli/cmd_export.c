/* cmd_export.c - `fukyu export non-adopters`: the facilities that have not
 * started a program (or, with --newly-adopted-since, those that just did),
 * as CSV or XLSX for the teams that phone them. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "reports/export.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_export = {
    "export",
    run,
    "facility lists for follow-up calls (CSV, XLSX)",
    "usage: fukyu export non-adopters --program P --format csv|xlsx --out FILE\n"
    "                    [--prefecture NN] [--municipality CODE] [--type T]\n"
    "                    [--status none|applied|all] [--newly-adopted-since YYYY-MM-DD]\n"
    "                    [--header en|ja] [--encoding utf-8|cp932] [--no-bom]\n"
    "                    [--order priority] [--not-contacted-since YYYY-MM-DD]\n"
    "                    [--db PATH] [--config PATH]\n"
    "\n"
    "Writes every facility that has not adopted program P (eprescription,\n"
    "ehr_sharing) in the latest stored pull: status none (not started),\n"
    "applied, or both (--status all, the default).  Narrow it with\n"
    "--prefecture, --municipality (5-digit code; a designated city's code\n"
    "covers its wards) and --type (hospital, clinic,\n"
    "dental, pharmacy).  --newly-adopted-since D lists instead the facilities\n"
    "operating since D or later (to thank them, or to stop calling them).\n"
    "\n"
    "Columns: code, name, type, prefecture_code, prefecture, municipality,\n"
    "municipality_name (empty for a code newer than fukyu's table), address,\n"
    "phone, beds, status, status_ja, applied_since, days_since_applied\n"
    "(operating_since instead of the last two with --newly-adopted-since);\n"
    "--header ja gives Japanese titles (and sheet name) instead.\n"
    "\n"
    "CSV is RFC 4180 in UTF-8 with a BOM so that Excel reads it (--no-bom to\n"
    "omit it), or --encoding cp932 for older Excel; characters cp932 cannot\n"
    "hold become '?' with a warning.  XLSX has a bold frozen header, an\n"
    "autofilter, fitted column widths, numbers and real dates.  Spreadsheets\n"
    "that open a CSV directly read codes as numbers and drop their leading\n"
    "zeros (0110050775 -> 110050775); give Excel users the XLSX file, where\n"
    "codes are text.  FILE is replaced atomically; on failure it is left as\n"
    "it was.\n"
    "\n"
    "The non-adopter list ends with empty columns for the follow-up teams:\n"
    "followup_date, followup_outcome, followup_barriers (e.g. 1;4),\n"
    "followup_team, followup_note (フォローアップ日, フォローアップ結果, 導入の障壁,\n"
    "担当チーム, フォローアップメモ); `fukyu followup import` reads the filled-in\n"
    "file back.  --not-contacted-since D leaves out the facilities contacted\n"
    "for P on or after D.\n"
    "\n"
    "--order priority adds priority (1 = call first) and priority_reason and\n"
    "sorts by them: (1) stalled applications (applied, not operating), the\n"
    "longest stalled first; (2) hospitals not started, most beds first;\n"
    "(3) the rest in area order.  Within each group, facilities whose\n"
    "municipality already has a pharmacy operating P come first (the\n"
    "'nearby facilities have not adopted' barrier is weaker there).\n",
};

enum {
    O_PROGRAM = 1,
    O_PREF,
    O_MUNI,
    O_TYPE,
    O_STATUS,
    O_SINCE,
    O_FORMAT,
    O_OUT,
    O_HEADER,
    O_ENCODING,
    O_NO_BOM,
    O_ORDER,
    O_NOT_CONTACTED
};

typedef struct {
    fk_export_opts x;
    const char *out, *muni, *status, *encoding;
    char muni_code[6];
    int have_format;
} args;

static int parse(const fk_command *me, int argc, char **argv, fk_cli_env *env,
                 args *a)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"program", required_argument, NULL, O_PROGRAM},
        {"prefecture", required_argument, NULL, O_PREF},
        {"municipality", required_argument, NULL, O_MUNI},
        {"type", required_argument, NULL, O_TYPE},
        {"status", required_argument, NULL, O_STATUS},
        {"newly-adopted-since", required_argument, NULL, O_SINCE},
        {"format", required_argument, NULL, O_FORMAT},
        {"out", required_argument, NULL, O_OUT},
        {"header", required_argument, NULL, O_HEADER},
        {"encoding", required_argument, NULL, O_ENCODING},
        {"no-bom", no_argument, NULL, O_NO_BOM},
        {"order", required_argument, NULL, O_ORDER},
        {"not-contacted-since", required_argument, NULL, O_NOT_CONTACTED},
        {0, 0, 0, 0},
    };
    fk_facility_filter *f = &a->x.filter;
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, env);
        if (r < 0) return -1;
        if (r > 0) continue;
        switch (o) {
        case O_PROGRAM:
            if (fk_cli_arg_program(me, optarg, &f->program)) return 2;
            break;
        case O_PREF:
            if (fk_cli_arg_pref(me, optarg, &f->pref)) return 2;
            break;
        case O_MUNI: a->muni = optarg; break;
        case O_TYPE:
            if (fk_cli_arg_type(me, optarg, &f->type)) return 2;
            break;
        case O_STATUS: a->status = optarg; break;
        case O_SINCE:
            if (fk_cli_arg_date(me, "--newly-adopted-since", optarg,
                                &f->adopted_since))
                return 2;
            break;
        case O_FORMAT:
            if (!strcmp(optarg, "csv"))
                a->x.format = FK_EXPORT_CSV;
            else if (!strcmp(optarg, "xlsx"))
                a->x.format = FK_EXPORT_XLSX;
            else
                return fk_cli_usage_error(
                    me, "--format: '%s' is not csv or xlsx", optarg);
            a->have_format = 1;
            break;
        case O_OUT: a->out = optarg; break;
        case O_HEADER:
            if (strcmp(optarg, "en") && strcmp(optarg, "ja"))
                return fk_cli_usage_error(me, "--header: '%s' is not en or ja",
                                          optarg);
            a->x.header_ja = !strcmp(optarg, "ja");
            break;
        case O_ENCODING: a->encoding = optarg; break;
        case O_NO_BOM: a->x.bom = 0; break;
        case O_ORDER:
            if (strcmp(optarg, "priority") && strcmp(optarg, "area"))
                return fk_cli_usage_error(
                    me, "--order: '%s' is not priority or area", optarg);
            a->x.order_priority = !strcmp(optarg, "priority");
            break;
        case O_NOT_CONTACTED:
            if (fk_cli_arg_date(me, "--not-contacted-since", optarg,
                                &a->x.not_contacted_since))
                return 2;
            a->x.not_contacted = 1;
            break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return fk_cli_usage_error(me, "which list? (non-adopters)");
    if (strcmp(argv[optind], "non-adopters"))
        return fk_cli_usage_error(me, "unknown list '%s' (non-adopters)",
                                  argv[optind]);
    if (optind + 1 < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'",
                                  argv[optind + 1]);
    return 0;
}

/* The checks that need several options together. */
static int check(const fk_command *me, args *a)
{
    fk_facility_filter *f = &a->x.filter;
    if (!f->program) return fk_cli_usage_error(me, "--program is required");
    if (!a->have_format)
        return fk_cli_usage_error(me, "--format is required (csv or xlsx)");
    if (!a->out || !*a->out) return fk_cli_usage_error(me, "--out is required");
    if (a->muni) {
        if (fk_cli_arg_muni(me, a->muni, &f->pref, a->muni_code)) return 2;
        f->muni = a->muni_code;
    }
    if ((a->x.order_priority || a->x.not_contacted) && f->adopted_since >= 0)
        return fk_cli_usage_error(me,
                                  "--order priority and --not-contacted-since "
                                  "apply to the non-adopter list only");
    if (a->status && f->adopted_since >= 0)
        return fk_cli_usage_error(
            me, "--status and --newly-adopted-since do not go together");
    if (!a->status || !strcmp(a->status, "all"))
        f->statuses = 1u << FK_ST_NONE | 1u << FK_ST_APPLIED;
    else if (!strcmp(a->status, "none"))
        f->statuses = 1u << FK_ST_NONE;
    else if (!strcmp(a->status, "applied"))
        f->statuses = 1u << FK_ST_APPLIED;
    else
        return fk_cli_usage_error(
            me, "--status: '%s' is not none, applied or all", a->status);
    if (a->encoding) {
        if (a->x.format != FK_EXPORT_CSV)
            return fk_cli_usage_error(
                me, "--encoding applies to --format csv only");
        if (!strcmp(a->encoding, "utf-8") || !strcmp(a->encoding, "utf8"))
            a->x.encoding = FK_EXPORT_UTF8;
        else if (!strcmp(a->encoding, "cp932"))
            a->x.encoding = FK_EXPORT_CP932;
        else
            return fk_cli_usage_error(
                me, "--encoding: '%s' is not utf-8 or cp932", a->encoding);
    }
    return 0;
}

static int run(int argc, char **argv)
{
    const fk_command *me = &fk_cmd_export;
    fk_cli_env env = {0};
    args a = {.x = {.filter = {.type = -1, .adopted_since = -1}, .bom = 1}};
    int rc = parse(me, argc, argv, &env, &a);
    if (rc < 0) return 0; /* --help */
    if (rc || (rc = check(me, &a))) return rc;
    if (fk_cli_setup(&env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&env, FK_STORE_READONLY);
    if (!st) return 1;
    char err[1200];
    fk_export_result res;
    rc = fk_export_facilities(st, &a.x, a.out, &res, err, sizeof err);
    fk_store_close(st);
    if (rc < 0) return fk_cli_fail("export: %s", err);
    if (res.replaced)
        fprintf(
            stderr,
            "fukyu: warning: %lld character%s no cp932 form and %s written as '?'\n",
            (long long)res.replaced, res.replaced == 1 ? " has" : "s have",
            res.replaced == 1 ? "was" : "were");
    fprintf(stderr, "%lld facilities written to %s\n", (long long)res.rows,
            a.out);
    return 0;
}
