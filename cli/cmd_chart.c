/* cmd_chart.c - `fukyu chart KIND`: read the store, fill the chart structs
 * of charts/chart.h and write the chart (format from --out's extension)
 * and optionally the numbers drawn as CSV. */
#include "cli/cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charts/chart.h"
#include "core/file.h"
#include "reports/chartdata.h"
#include "reports/followup.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_chart = {
    "chart",
    run,
    "draw a chart (PNG, PDF or SVG) from the store",
    "usage: fukyu chart KIND --program P --out FILE [--prefecture NN] [--type T]\n"
    "                   [--date D] [--lang ja|en] [--width W] [--height H] [--scale S]\n"
    "                   [--metric rate|population_coverage] [--csv FILE]\n"
    "                   [--db PATH] [--config PATH]\n"
    "\n"
    "KIND: trend | funnel | ranking | map | weekly | municipalities | barriers\n"
    "  --program P      eprescription or ehr_sharing\n"
    "  --out FILE       .png, .pdf or .svg (written atomically)\n"
    "  --prefecture NN  01..47 (trend, funnel, weekly: the area; required for\n"
    "                   municipalities)\n"
    "  --type T         hospital, clinic, dental, pharmacy or all (default)\n"
    "  --date D         YYYY-MM-DD (default: the latest stored as-of date)\n"
    "  --lang ja|en     labels (default: [reports] lang)\n"
    "  --width W --height H  layout size, px for PNG, pt for PDF/SVG (1200x700)\n"
    "  --scale S        PNG pixels per unit (default 1)\n"
    "  --metric M       trend only: rate (default, with forecasts) or\n"
    "                   population_coverage (人口カバー率: the share of the\n"
    "                   area's 2020 population living in municipalities with\n"
    "                   at least one adopting facility)\n"
    "  --csv FILE       also write the numbers drawn as CSV (RFC 4180, UTF-8)\n"
    "barriers: the barriers (codes 1-7) named in follow-up contacts from\n"
    "  --from D to --date D (each open by default), national or --prefecture\n",
};

enum {
    K_TREND,
    K_FUNNEL,
    K_RANKING,
    K_MAP,
    K_WEEKLY,
    K_MUNI,
    K_BARRIERS
};

enum {
    O_PROGRAM = 1,
    O_PREF,
    O_TYPE,
    O_DATE,
    O_LANG,
    O_WIDTH,
    O_HEIGHT,
    O_SCALE,
    O_OUT,
    O_CSV,
    O_METRIC,
    O_FROM
};

typedef struct {
    int kind, type, pref, coverage;
    const char *program, *lang, *out, *csv;
    fk_day date, from;
    int date_given; /* barriers: the period ends on --date, else is open */
    fk_chart_opts opts;
    fk_cli_env env;
} chart_args;

static int kind_by_name(const char *s)
{
    static const char *names[] = {"trend",  "funnel",         "ranking", "map",
                                  "weekly", "municipalities", "barriers"};
    for (int i = 0; i < 7; i++)
        if (!strcmp(s, names[i])) return i;
    return -1;
}

/* Writes a rendered buffer and the CSV; frees both. */
static int finish(const chart_args *a, fk_buf *img, fk_buf *csv, int rc,
                  char *err)
{
    if (rc == 0) rc = fk_file_write(a->out, img->p, img->len, err, 512);
    if (rc == 0 && a->csv)
        rc = fk_file_write(a->csv, csv->p, csv->len, err, 512);
    fk_buf_free(img);
    fk_buf_free(csv);
    return rc < 0 ? fk_cli_fail("chart: %s", err) : 0;
}

/* The data come from reports/chartdata.h, the same reading of the store
 * that the weekly report and the publisher use; --type only hides the
 * other types' rows. */
static int do_trend(fk_store *st, const chart_args *a, fk_chart_format fmt,
                    char *err)
{
    fk_cd_trend t;
    if ((a->coverage
             ? fk_cd_coverage_load(st, a->program, a->pref, a->date, &t, err,
                                   512)
             : fk_cd_trend_load(st, a->program, a->pref, a->date,
                                a->env.cfg.target, 0, &t, err, 512)) < 0)
        return fk_cli_fail("chart: %s", err);
    for (int i = 0; i <= FK_NTYPE; i++) {
        if (a->type >= 0 && i != a->type) {
            t.chart.lines[i].nobs = 0;
            t.chart.lines[i].nfc = 0;
        } else if (t.line[i].nobs && !t.line[i].has_fc && !a->coverage) {
            fprintf(stderr, "fukyu chart: no forecast for %s: %s\n",
                    i == FK_NTYPE ? "all types" : fk_types[i].key,
                    t.line[i].fc_err);
        }
    }
    fk_buf img = {0}, csv = {0};
    int r = fk_chart_trend_render(&t.chart, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv)
        r = fk_chart_trend_csv(&t.chart, a->opts.lang, &csv, err, 512);
    fk_cd_trend_free(&t);
    return finish(a, &img, &csv, r, err);
}

static int do_funnel(fk_store *st, const chart_args *a, fk_chart_format fmt,
                     char *err)
{
    fk_chart_funnel c;
    if (fk_cd_funnel_load(st, a->program, a->pref, a->date, &c, err, 512) < 0)
        return fk_cli_fail("chart: %s", err);
    if (a->type >= 0) {
        for (int t = 0; t < FK_NTYPE; t++)
            if (t != a->type) c.rows[t] = (fk_chart_counts){0, 0, 0};
        c.rows[FK_CHART_ALL] = c.rows[a->type];
    }
    fk_buf img = {0}, csv = {0};
    int r = fk_chart_funnel_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv)
        r = fk_chart_funnel_csv(&c, a->opts.lang, &csv, err, 512);
    return finish(a, &img, &csv, r, err);
}

static int do_prefs(fk_store *st, const chart_args *a, fk_chart_format fmt,
                    char *err)
{
    fk_chart_prefs c;
    if (fk_cd_prefs_load(st, a->program, a->date, a->type, &c, err, 512) < 0)
        return fk_cli_fail("chart: %s", err);
    fk_buf img = {0}, csv = {0};
    int r = a->kind == K_MAP
                ? fk_chart_map_render(&c, &a->opts, fmt, &img, err, 512)
                : fk_chart_ranking_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv)
        r = fk_chart_prefs_csv(&c, a->opts.lang, &csv, err, 512);
    return finish(a, &img, &csv, r, err);
}

static int do_weekly(fk_store *st, const chart_args *a, fk_chart_format fmt,
                     char *err)
{
    fk_chart_weekly c;
    if (fk_cd_weekly_load(st, a->program, a->pref, a->date, &c, err, 512) < 0)
        return fk_cli_fail("chart: %s", err);
    /* The weeks are ours (malloc'd by fk_cd_weekly_load); the chart
     * struct only promises the renderer not to change them. */
    fk_chart_week *weeks = (fk_chart_week *)(uintptr_t)c.weeks;
    for (size_t w = 0; a->type >= 0 && w < c.nweeks; w++)
        for (int t = 0; t < FK_NTYPE; t++)
            if (t != a->type) weeks[w].added[t] = 0;
    fk_buf img = {0}, csv = {0};
    int r = fk_chart_weekly_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv)
        r = fk_chart_weekly_csv(&c, a->opts.lang, &csv, err, 512);
    fk_cd_weekly_free(&c);
    return finish(a, &img, &csv, r, err);
}

static int do_munis(fk_store *st, const chart_args *a, fk_chart_format fmt,
                    char *err)
{
    fk_chart_munis c;
    if (fk_cd_munis_load(st, a->program, a->pref, a->date, a->type, &c, err,
                         512) < 0)
        return fk_cli_fail("chart: %s", err);
    fk_buf img = {0}, csv = {0};
    int r = fk_chart_munis_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv)
        r = fk_chart_munis_csv(&c, a->opts.lang, &csv, err, 512);
    fk_cd_munis_free(&c);
    return finish(a, &img, &csv, r, err);
}

/* The follow-up summary of the period, as reports/followup.h reads it. */
static int do_barriers(fk_store *st, const chart_args *a, fk_chart_format fmt,
                       char *err)
{
    fk_followup_filter f = {.program = a->program,
                            .pref = a->pref,
                            .from = a->from,
                            .to = a->date_given ? a->date : -1,
                            .no_conversion = 1};
    fk_followup_summary s;
    if (fk_followup_summarize(st, &f, &s) < 0)
        return fk_cli_fail("chart: %s", fk_store_error(st));
    fk_chart_barriers c;
    fk_followup_chart(&f, &s, &c);
    fk_buf img = {0}, csv = {0};
    int r = fk_chart_barriers_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv)
        r = fk_chart_barriers_csv(&c, a->opts.lang, &csv, err, 512);
    return finish(a, &img, &csv, r, err);
}

static int parse(int argc, char **argv, chart_args *a)
{
    static const struct option opts[] = {
        {"program", required_argument, NULL, O_PROGRAM},
        {"prefecture", required_argument, NULL, O_PREF},
        {"type", required_argument, NULL, O_TYPE},
        {"date", required_argument, NULL, O_DATE},
        {"lang", required_argument, NULL, O_LANG},
        {"width", required_argument, NULL, O_WIDTH},
        {"height", required_argument, NULL, O_HEIGHT},
        {"scale", required_argument, NULL, O_SCALE},
        {"out", required_argument, NULL, O_OUT},
        {"csv", required_argument, NULL, O_CSV},
        {"metric", required_argument, NULL, O_METRIC},
        {"from", required_argument, NULL, O_FROM},
        FK_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    const fk_command *cmd = &fk_cmd_chart;
    long long v;
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(cmd, o, &a->env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_PROGRAM:
            if (!fk_program_by_key(optarg))
                return fk_cli_usage_error(
                    cmd, "--program: unknown program '%s'", optarg);
            a->program = optarg;
            break;
        case O_PREF: {
            const fk_pref *p = fk_pref_by_str(optarg);
            if (!p)
                return fk_cli_usage_error(
                    cmd, "--prefecture: '%s' is not 01..47", optarg);
            a->pref = p->code;
            break;
        }
        case O_TYPE:
            if (fk_cli_arg_type(cmd, optarg, &a->type)) return 2;
            break;
        case O_DATE:
            if (fk_date_parse(optarg, &a->date) < 0)
                return fk_cli_usage_error(
                    cmd, "--date: '%s' is not a YYYY-MM-DD date", optarg);
            a->date_given = 1;
            break;
        case O_LANG:
            if (strcmp(optarg, "ja") && strcmp(optarg, "en"))
                return fk_cli_usage_error(cmd, "--lang: '%s' is not ja or en",
                                          optarg);
            a->lang = optarg;
            break;
        case O_WIDTH:
        case O_HEIGHT:
            if (fk_cli_parse_int(optarg, o == O_WIDTH ? 320 : 200, 10000, &v) <
                0)
                return fk_cli_usage_error(cmd, "--%s: '%s' out of range",
                                          o == O_WIDTH ? "width" : "height",
                                          optarg);
            *(o == O_WIDTH ? &a->opts.width : &a->opts.height) = (int)v;
            break;
        case O_SCALE:
            if (fk_cli_parse_double(optarg, 0.25, 8, &a->opts.scale) < 0)
                return fk_cli_usage_error(
                    cmd, "--scale: '%s' is not a number in 0.25..8", optarg);
            break;
        case O_OUT: a->out = optarg; break;
        case O_CSV: a->csv = optarg; break;
        case O_METRIC:
            if (strcmp(optarg, "rate") && strcmp(optarg, "population_coverage"))
                return fk_cli_usage_error(
                    cmd, "--metric: '%s' is not rate or population_coverage",
                    optarg);
            a->coverage = !strcmp(optarg, "population_coverage");
            break;
        case O_FROM:
            if (fk_cli_arg_date(cmd, "--from", optarg, &a->from)) return 2;
            break;
        default:
            return fk_cli_usage_error(cmd, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc) return fk_cli_usage_error(cmd, "missing KIND");
    if ((a->kind = kind_by_name(argv[optind])) < 0)
        return fk_cli_usage_error(cmd, "unknown chart kind '%s'", argv[optind]);
    if (optind + 1 < argc)
        return fk_cli_usage_error(cmd, "unexpected argument '%s'",
                                  argv[optind + 1]);
    if (!a->program) return fk_cli_usage_error(cmd, "--program is required");
    if (!a->out) return fk_cli_usage_error(cmd, "--out is required");
    if (fk_chart_format_from_path(a->out) < 0)
        return fk_cli_usage_error(
            cmd, "--out: '%s' must end in .png, .pdf or .svg", a->out);
    if (a->coverage && a->kind != K_TREND)
        return fk_cli_usage_error(
            cmd, "--metric population_coverage is drawn by trend only");
    if (a->from >= 0 && a->kind != K_BARRIERS)
        return fk_cli_usage_error(cmd, "--from applies to barriers only");
    if (a->kind == K_MUNI && !a->pref)
        return fk_cli_usage_error(cmd, "municipalities needs --prefecture");
    return -1; /* parsed; go on */
}

static int run(int argc, char **argv)
{
    chart_args a = {.type = -1, .date = -1, .from = -1};
    int pr = parse(argc, argv, &a);
    if (pr >= 0) return pr;
    if (fk_cli_setup(&a.env) < 0) return 1;
    a.opts.lang = a.lang ? a.lang : a.env.cfg.lang;
    char err[512];
    if (fk_charts_init(err, sizeof err) < 0) return fk_cli_fail("%s", err);
    fk_store *st = fk_cli_open_store(&a.env, FK_STORE_READONLY);
    if (!st) {
        fk_charts_shutdown();
        return 1;
    }
    int rc;
    if (a.date < 0 && fk_store_latest_as_of(st, &a.date) < 0) {
        rc = fk_cli_fail(
            "chart: no pull stored yet in %s; run `fukyu collect` first",
            a.env.cfg.db_path);
    } else {
        fk_chart_format fmt = (fk_chart_format)fk_chart_format_from_path(a.out);
        switch (a.kind) {
        case K_TREND: rc = do_trend(st, &a, fmt, err); break;
        case K_FUNNEL: rc = do_funnel(st, &a, fmt, err); break;
        case K_WEEKLY: rc = do_weekly(st, &a, fmt, err); break;
        case K_MUNI: rc = do_munis(st, &a, fmt, err); break;
        case K_BARRIERS: rc = do_barriers(st, &a, fmt, err); break;
        default: rc = do_prefs(st, &a, fmt, err); break;
        }
    }
    fk_store_close(st);
    fk_charts_shutdown();
    return rc;
}
