/* cmd_report.c - `fukyu report weekly|prefecture NN|all`: the weekly PDF
 * report for Japan or one prefecture, or the whole published tree (every
 * report and chart) under a directory. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "charts/chart.h"
#include "reports/report.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_report = {
    "report",
    run,
    "write the weekly PDF reports (national, per prefecture, or all)",
    "usage: fukyu report weekly [--week YYYY-Www | --date D] --out FILE.pdf\n"
    "       fukyu report prefecture NN [--week YYYY-Www | --date D] --out FILE.pdf\n"
    "       fukyu report all [--week YYYY-Www | --date D] --dir DIR\n"
    "                    [--lang ja|en] [--db PATH] [--config PATH]\n"
    "\n"
    "weekly      the national report (A4 PDF, written atomically)\n"
    "prefecture  the same for prefecture NN (01..47), with its municipalities\n"
    "all         the national report, the 47 prefecture reports and every chart\n"
    "            (PNG, PDF, SVG and CSV) under DIR, reports named by ISO week\n"
    "            with latest.pdf beside them (the dashboard serves DIR)\n"
    "  --week W   the latest stored as-of date in ISO week W (default: the\n"
    "             latest stored as-of date)\n"
    "  --date D   the report for date D (YYYY-MM-DD)\n"
    "  --lang     ja or en (default: [reports] lang)\n",
};

enum {
    O_WEEK = 1,
    O_DATE,
    O_OUT,
    O_DIR,
    O_LANG
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"week", required_argument, NULL, O_WEEK},
        {"date", required_argument, NULL, O_DATE},
        {"out", required_argument, NULL, O_OUT},
        {"dir", required_argument, NULL, O_DIR},
        {"lang", required_argument, NULL, O_LANG},
        FK_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    const fk_command *cmd = &fk_cmd_report;
    fk_cli_env env = {0};
    const char *week = NULL, *out = NULL, *dir = NULL, *lang = NULL;
    fk_day date = -1, mon;
    int o, pref = 0;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(cmd, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_WEEK:
            if (fk_iso_week_parse(optarg, &mon) < 0)
                return fk_cli_usage_error(
                    cmd, "--week: '%s' is not an ISO week YYYY-Www", optarg);
            week = optarg;
            break;
        case O_DATE:
            if (fk_cli_arg_date(cmd, "--date", optarg, &date)) return 2;
            break;
        case O_OUT: out = optarg; break;
        case O_DIR: dir = optarg; break;
        case O_LANG:
            if (strcmp(optarg, "ja") && strcmp(optarg, "en"))
                return fk_cli_usage_error(cmd, "--lang: '%s' is not ja or en",
                                          optarg);
            lang = optarg;
            break;
        default:
            return fk_cli_usage_error(cmd, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return fk_cli_usage_error(
            cmd, "missing what to write: weekly, prefecture NN or all");
    const char *what = argv[optind++];
    int all = strcmp(what, "all") == 0;
    if (strcmp(what, "prefecture") == 0) {
        if (optind >= argc)
            return fk_cli_usage_error(
                cmd, "prefecture: missing the prefecture code NN");
        const fk_pref *p = fk_pref_by_str(argv[optind]);
        if (!p)
            return fk_cli_usage_error(
                cmd, "prefecture: '%s' is not a prefecture code 01..47",
                argv[optind]);
        pref = p->code;
        optind++;
    } else if (!all && strcmp(what, "weekly") != 0) {
        return fk_cli_usage_error(
            cmd, "unknown report '%s' (weekly, prefecture NN or all)", what);
    }
    if (optind < argc)
        return fk_cli_usage_error(cmd, "unexpected argument '%s'",
                                  argv[optind]);
    if (week && date >= 0)
        return fk_cli_usage_error(cmd, "--week and --date exclude each other");
    if (all && !dir) return fk_cli_usage_error(cmd, "all needs --dir DIR");
    if (all && out)
        return fk_cli_usage_error(
            cmd, "all writes into --dir; --out is for one report");
    if (!all && !out)
        return fk_cli_usage_error(cmd, "--out FILE.pdf is required");
    if (!all && dir)
        return fk_cli_usage_error(cmd, "--dir is for `report all`");
    if (out && fk_chart_format_from_path(out) != FK_CHART_PDF)
        return fk_cli_usage_error(cmd, "--out: '%s' must end in .pdf", out);

    if (fk_cli_setup(&env) < 0) return 1;
    if (!lang) lang = env.cfg.lang;
    char err[512];
    if (fk_charts_init(err, sizeof err) < 0)
        return fk_cli_fail("report: %s", err);
    fk_store *st = fk_cli_open_store(&env, FK_STORE_READONLY);
    if (!st) {
        fk_charts_shutdown();
        return 1;
    }
    fk_day as_of;
    int rc = 0;
    if (fk_report_pick_date(st, week, date, &as_of, err, sizeof err) < 0) {
        rc = fk_cli_fail("report: %s", err);
    } else if (all) {
        fk_publish_opts po = {dir, lang, env.cfg.target, as_of, 0, 0, NULL};
        fk_publish_stats ps;
        if (fk_publish_all(st, &po, &ps, err, sizeof err) < 0) {
            rc = fk_cli_fail("report: %s", err);
        } else {
            printf(
                "%s: %d reports, %d chart files, %d CSV files for %s under %s\n",
                ps.week, ps.reports, ps.charts, ps.csv,
                fk_date_format(ps.as_of, (char[FK_DATE_LEN]){0}), dir);
            /* Timings on stderr: stdout stays the same from run to run. */
            const fk_publish_time *f = ps.fmt;
            fprintf(
                stderr,
                "report: %.2f s on %d threads; per chart ms avg/max: png %.1f/%.1f, pdf %.1f/%.1f, "
                "svg %.1f/%.1f; 47 prefecture chart sets %.2f s; %d reports avg %.0f ms; store %.2f s\n",
                ps.total_ms / 1e3, ps.threads,
                f[0].n ? f[0].total_ms / f[0].n : 0, f[0].max_ms,
                f[1].n ? f[1].total_ms / f[1].n : 0, f[1].max_ms,
                f[2].n ? f[2].total_ms / f[2].n : 0, f[2].max_ms,
                ps.pref_sets_ms / 1e3, ps.report.n,
                ps.report.n ? ps.report.total_ms / ps.report.n : 0,
                ps.load_ms / 1e3);
        }
    } else {
        fk_report_opts ro = {pref, as_of, lang, env.cfg.target};
        if (fk_report_write(st, &ro, out, err, sizeof err) < 0)
            rc = fk_cli_fail("report: %s", err);
    }
    fk_store_close(st);
    fk_charts_shutdown();
    return rc;
}
