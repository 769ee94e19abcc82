/* cmd_series.c - `fukyu series`: the daily (or weekly) adoption series of
 * one program, type and area as CSV or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "reports/json.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_series = {
    "series",
    run,
    "the adoption series by day or week (CSV or JSON)",
    "usage: fukyu series --program P [--type T] [--prefecture NN]\n"
    "                    [--municipality CODE] [--from D] [--to D] [--weekly]\n"
    "                    [--metric rate|population_coverage]\n"
    "                    (--csv | --json) [--db PATH] [--config PATH]\n"
    "\n"
    "Counts per day from --from (default: the program's first adoption) to --to\n"
    "(default: the latest stored as_of): adopting, applied, total and rate.\n"
    "--weekly keeps every 7th day, ending on --to.  --type all (default) sums\n"
    "the four facility types.  --municipality CODE (JIS X 0402, 5 digits)\n"
    "narrows to one municipality; a designated city's code (01100) covers all\n"
    "its wards; the CSV then starts with municipality,municipality_name.\n"
    "--metric population_coverage adds population_coverage: the share of the\n"
    "area's 2020 population living in municipalities with at least one\n"
    "adopting facility (Japan or a prefecture).\n",
};

enum {
    O_PROGRAM = 1,
    O_TYPE,
    O_PREF,
    O_MUNI,
    O_FROM,
    O_TO,
    O_WEEKLY,
    O_CSV,
    O_JSON,
    O_METRIC
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"program", required_argument, NULL, O_PROGRAM},
        {"type", required_argument, NULL, O_TYPE},
        {"prefecture", required_argument, NULL, O_PREF},
        {"municipality", required_argument, NULL, O_MUNI},
        {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},
        {"weekly", no_argument, NULL, O_WEEKLY},
        {"csv", no_argument, NULL, O_CSV},
        {"json", no_argument, NULL, O_JSON},
        {"metric", required_argument, NULL, O_METRIC},
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_series;
    fk_cli_env env = {0};
    const char *program = NULL, *muni = NULL;
    int type = -1, pref = 0, weekly = 0, csv = 0, json = 0, cover = 0, o;
    fk_day from = -1, to = -1;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_PROGRAM:
            if (fk_cli_arg_program(me, optarg, &program)) return 2;
            break;
        case O_TYPE:
            if (fk_cli_arg_type(me, optarg, &type)) return 2;
            break;
        case O_PREF:
            if (fk_cli_arg_pref(me, optarg, &pref)) return 2;
            break;
        case O_MUNI: muni = optarg; break;
        case O_FROM:
            if (fk_cli_arg_date(me, "--from", optarg, &from)) return 2;
            break;
        case O_TO:
            if (fk_cli_arg_date(me, "--to", optarg, &to)) return 2;
            break;
        case O_WEEKLY: weekly = 1; break;
        case O_CSV: csv = 1; break;
        case O_JSON: json = 1; break;
        case O_METRIC:
            if (strcmp(optarg, "rate") && strcmp(optarg, "population_coverage"))
                return fk_cli_usage_error(
                    me, "--metric: '%s' is not rate or population_coverage",
                    optarg);
            cover = !strcmp(optarg, "population_coverage");
            break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    if (!program) return fk_cli_usage_error(me, "--program is required");
    if (csv == json)
        return fk_cli_usage_error(me, "choose one of --csv or --json");
    fk_area area = {pref, ""};
    if (muni && fk_cli_arg_muni(me, muni, &area.pref, area.muni)) return 2;
    if (muni && cover)
        return fk_cli_usage_error(me, "--metric population_coverage is for "
                                      "Japan or a prefecture, not "
                                      "--municipality");
    if (from >= 0 && to >= 0 && to < from)
        return fk_cli_usage_error(me, "--to is before --from");
    if (fk_cli_setup(&env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&env, FK_STORE_READONLY);
    if (!st) return 1;
    fk_point *pts = NULL;
    size_t n = 0;
    if ((to < 0 && fk_store_latest_as_of(st, &to) < 0) ||
        (from < 0 && fk_store_first_day(st, program, &from) < 0)) {
        int rc = fk_cli_fail("series: %s", fk_store_error(st));
        fk_store_close(st);
        return rc;
    }
    if (from > to) from = to;
    if (json) {
        char err[600];
        char *js = fk_json_series(st, program, type, &area, from, to, weekly,
                                  cover, err, sizeof err);
        fk_store_close(st);
        if (!js) return fk_cli_fail("series: %s", err);
        puts(js);
        free(js);
        return 0;
    }
    double *cov = cover ? calloc((size_t)(to - from) + 1, sizeof *cov) : NULL;
    if ((cover && !cov) ||
        fk_store_series(st, program, type, &area, from, to, &pts, &n) < 0 ||
        (cov && fk_store_coverage_series(st, program, type, area.pref, from, to,
                                         cov) < 0)) {
        int rc = fk_cli_fail("series: %s", cover && !cov ? "out of memory"
                                                         : fk_store_error(st));
        fk_store_close(st);
        free(pts);
        free(cov);
        return rc;
    }
    fk_store_close(st);
    /* Weekly: the days whose distance to `to` is a multiple of 7. */
    size_t start = weekly ? (n - 1) % 7 : 0, step = weekly ? 7 : 1;
    char ds[FK_DATE_LEN], where[96] = "";
    const fk_muni *mrow = fk_muni_by_code(area.muni);
    if (muni) /* names never hold a comma or a quote (test_ref) */
        snprintf(where, sizeof where, "%s,%s,", area.muni,
                 mrow ? mrow->name_ja : "");
    printf("%sdate,adopting,applied,total,rate%s\n",
           muni ? "municipality,municipality_name," : "",
           cov ? ",population_coverage" : "");
    for (size_t i = start; i < n; i += step) {
        const fk_counts *c = &pts[i].c;
        printf("%s%s,%lld,%lld,%lld,%.6f", where,
               fk_date_format(pts[i].date, ds), (long long)c->adopting,
               (long long)c->applied, (long long)c->total, fk_counts_rate(c));
        if (cov) printf(",%.6f", cov[i]);
        putchar('\n');
    }
    free(pts);
    free(cov);
    return 0;
}
