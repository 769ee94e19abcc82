/* cmd_chart.c - `fukyu chart KIND`: read the store, fill the chart structs
 * of charts/chart.h and write the chart (format from --out's extension)
 * and optionally the numbers drawn as CSV. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "charts/chart.h"
#include "forecast/forecast.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_chart = {
    "chart", run, "draw a chart (PNG, PDF or SVG) from the store",
    "usage: fukyu chart KIND --program P --out FILE [--prefecture NN] [--type T]\n"
    "                   [--date D] [--lang ja|en] [--width W] [--height H] [--scale S]\n"
    "                   [--csv FILE] [--db PATH] [--config PATH]\n"
    "\n"
    "KIND: trend | funnel | ranking | map | weekly | municipalities\n"
    "  --program P      eprescription or ehr_sharing\n"
    "  --out FILE       .png, .pdf or .svg (written atomically)\n"
    "  --prefecture NN  01..47 (trend, funnel, weekly: the area; required for\n"
    "                   municipalities)\n"
    "  --type T         hospital, clinic, dental or pharmacy (default: all)\n"
    "  --date D         YYYY-MM-DD (default: the latest stored as-of date)\n"
    "  --lang ja|en     labels (default: [reports] lang)\n"
    "  --width W --height H  layout size, px for PNG, pt for PDF/SVG (1200x700)\n"
    "  --scale S        PNG pixels per unit (default 1)\n"
    "  --csv FILE       also write the numbers drawn as CSV (RFC 4180, UTF-8)\n",
};

enum { K_TREND, K_FUNNEL, K_RANKING, K_MAP, K_WEEKLY, K_MUNI };

enum { O_PROGRAM = 1, O_PREF, O_TYPE, O_DATE, O_LANG, O_WIDTH, O_HEIGHT, O_SCALE, O_OUT, O_CSV };

typedef struct {
    int kind, type, pref;
    const char *program, *lang, *out, *csv;
    fk_day date;
    fk_chart_opts opts;
    fk_cli_env env;
} chart_args;

static int kind_by_name(const char *s)
{
    static const char *names[] = {"trend", "funnel", "ranking", "map", "weekly", "municipalities"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(s, names[i])) return i;
    return -1;
}

static void add_counts(fk_chart_counts *to, const fk_counts *c)
{
    to->adopting += (double)c->adopting;
    to->applied += (double)c->applied;
    to->total += (double)c->total;
}

static fk_chart_counts conv(const fk_counts *c)
{
    fk_chart_counts r = {0};
    add_counts(&r, c);
    return r;
}

/* Writes a rendered buffer and the CSV; frees both. */
static int finish(const chart_args *a, fk_chart_buf *img, fk_chart_buf *csv, int rc, char *err)
{
    if (rc == 0) rc = fk_chart_buf_save(img, a->out, err, 512);
    if (rc == 0 && a->csv) rc = fk_chart_buf_save(csv, a->csv, err, 512);
    fk_chart_buf_free(img);
    fk_chart_buf_free(csv);
    return rc < 0 ? fk_cli_fail("chart: %s", err) : 0;
}

/* One line of the trend: the daily series, thinned to weekly points ending
 * on the as-of date when it spans more than half a year, and a forecast
 * to the fiscal-year end (left out, with a note, when there is too little
 * data). */
typedef struct {
    fk_chart_obs *obs;
    fk_fc_point *fc;
    fk_forecast f;
} line_data;

static int trend_line(fk_store *st, const chart_args *a, int type, fk_day first, double target,
                      line_data *ld, fk_chart_line *line, int *weekly)
{
    fk_area area = {a->pref, ""};
    fk_point *pts = NULL;
    size_t n = 0, m = 0;
    if (fk_store_series(st, a->program, type, &area, first, a->date, &pts, &n) < 0) {
        fk_cli_fail("store: %s", fk_store_error(st));
        return -1;
    }
    *weekly = n > 183;
    size_t step = *weekly ? 7 : 1;
    ld->obs = calloc(n ? n : 1, sizeof *ld->obs);
    fk_obs *fo = calloc(n ? n : 1, sizeof *fo);
    if (!ld->obs || !fo) {
        free(pts);
        free(fo);
        fk_cli_fail("chart: out of memory");
        return -1;
    }
    /* Walk back from the last day so the as-of date is always a point. */
    size_t start = n ? (n - 1) % step : 0;
    for (size_t i = start; i < n; i += step) {
        if (pts[i].c.total <= 0) continue;
        ld->obs[m] = (fk_chart_obs){pts[i].date, (double)pts[i].c.adopting, (double)pts[i].c.total};
        fo[m] = (fk_obs){pts[i].date, (double)pts[i].c.adopting, (double)pts[i].c.total};
        m++;
    }
    free(pts);
    *line = (fk_chart_line){ld->obs, m, NULL, 0};
    fk_fc_options o;
    fk_fc_options_default(&o);
    o.method = FK_FC_AUTO;
    o.until = fk_fy_end(a->date);
    if (o.until - a->date < 28) o.until = fk_fy_end(a->date + 28); /* at least 4 weeks ahead */
    o.target = target;
    char err[512];
    if (m && fk_forecast_run(fo, m, &o, &ld->f, err, sizeof err) == 0) {
        line->fc = ld->f.points;
        line->nfc = ld->f.npoints;
    } else if (m) {
        fprintf(stderr, "fukyu chart: no forecast for %s: %s\n",
                type < 0 ? "all types" : fk_types[type].key, err);
    }
    free(fo);
    return 0;
}

static int do_trend(fk_store *st, const chart_args *a, fk_chart_format fmt, char *err)
{
    fk_day first;
    if (fk_store_first_day(st, a->program, &first) < 0) first = a->date;
    if (first > a->date) first = a->date;
    fk_chart_trend c = {0};
    c.meta = (fk_chart_meta){a->program, a->pref, a->date, NULL};
    c.target = a->env.cfg.target;
    c.fy_end = fk_fy_end(a->date);
    line_data ld[FK_NTYPE + 1] = {0};
    int rc = 0;
    for (int t = 0; t <= FK_NTYPE && rc == 0; t++) {
        if (a->type >= 0 && t != a->type) continue;
        rc = trend_line(st, a, t == FK_NTYPE ? -1 : t, first, c.target, &ld[t], &c.lines[t], &c.weekly);
    }
    fk_chart_buf img = {0}, csv = {0};
    int r = rc < 0 ? -2 : fk_chart_trend_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv) r = fk_chart_trend_csv(&c, a->opts.lang, &csv, err, 512);
    for (int t = 0; t <= FK_NTYPE; t++) {
        free(ld[t].obs);
        if (ld[t].f.points) fk_forecast_free(&ld[t].f);
    }
    if (r == -2) {
        fk_chart_buf_free(&img);
        return 1;
    }
    return finish(a, &img, &csv, r, err);
}

static int do_funnel(fk_store *st, const chart_args *a, fk_chart_format fmt, char *err)
{
    fk_area area = {a->pref, ""};
    fk_counts by[FK_NTYPE];
    if (fk_store_counts(st, a->program, a->date, &area, by) < 0)
        return fk_cli_fail("store: %s", fk_store_error(st));
    fk_chart_funnel c = {0};
    c.meta = (fk_chart_meta){a->program, a->pref, a->date, NULL};
    for (int t = 0; t < FK_NTYPE; t++) {
        if (a->type >= 0 && t != a->type) continue;
        c.rows[t] = conv(&by[t]);
        add_counts(&c.rows[FK_CHART_ALL], &by[t]);
    }
    fk_chart_buf img = {0}, csv = {0};
    int r = fk_chart_funnel_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv) r = fk_chart_funnel_csv(&c, a->opts.lang, &csv, err, 512);
    return finish(a, &img, &csv, r, err);
}

static int do_prefs(fk_store *st, const chart_args *a, fk_chart_format fmt, char *err)
{
    fk_counts by[FK_NPREF], nat[FK_NTYPE];
    fk_area area = {0, ""};
    if (fk_store_counts_by_pref(st, a->program, a->date, a->type, by) < 0 ||
        fk_store_counts(st, a->program, a->date, &area, nat) < 0)
        return fk_cli_fail("store: %s", fk_store_error(st));
    fk_chart_prefs c = {0};
    c.meta = (fk_chart_meta){a->program, 0, a->date, NULL};
    c.type = a->type;
    for (int i = 0; i < FK_NPREF; i++) c.prefs[i] = conv(&by[i]);
    for (int t = 0; t < FK_NTYPE; t++)
        if (a->type < 0 || t == a->type) add_counts(&c.national, &nat[t]);
    fk_chart_buf img = {0}, csv = {0};
    int r = a->kind == K_MAP ? fk_chart_map_render(&c, &a->opts, fmt, &img, err, 512)
                             : fk_chart_ranking_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv) r = fk_chart_prefs_csv(&c, a->opts.lang, &csv, err, 512);
    return finish(a, &img, &csv, r, err);
}

/* New adopters per ISO week: the rise in operating facilities from the
 * end of one week to the end of the next (never below zero: closures are
 * not adoptions), for at most the last 104 weeks. */
static int do_weekly(fk_store *st, const chart_args *a, fk_chart_format fmt, char *err)
{
    fk_day first, mon_last = a->date - fk_weekday(a->date);
    if (fk_store_first_day(st, a->program, &first) < 0 || first > a->date) first = a->date;
    fk_day mon_first = first - fk_weekday(first);
    if ((mon_last - mon_first) / 7 + 1 > 104) mon_first = mon_last - 103 * 7;
    size_t nw = (size_t)((mon_last - mon_first) / 7 + 1);
    fk_chart_week *weeks = calloc(nw, sizeof *weeks);
    if (!weeks) return fk_cli_fail("chart: out of memory");
    fk_area area = {a->pref, ""};
    for (size_t w = 0; w < nw; w++) weeks[w].monday = mon_first + 7 * (fk_day)w;
    for (int t = 0; t < FK_NTYPE; t++) {
        if (a->type >= 0 && t != a->type) continue;
        fk_point *pts = NULL;
        size_t n = 0;
        /* From the day before the first week, so its rise can be taken. */
        if (fk_store_series(st, a->program, t, &area, mon_first - 1, a->date, &pts, &n) < 0) {
            free(weeks);
            return fk_cli_fail("store: %s", fk_store_error(st));
        }
        for (size_t w = 0; w < nw && n; w++) {
            fk_day end = weeks[w].monday + 6 > a->date ? a->date : weeks[w].monday + 6;
            size_t ie = (size_t)(end - (mon_first - 1)), ib = (size_t)(weeks[w].monday - 1 - (mon_first - 1));
            if (ie >= n) ie = n - 1;
            if (ib >= n) ib = n - 1;
            double d = (double)(pts[ie].c.adopting - pts[ib].c.adopting);
            weeks[w].added[t] = d > 0 ? d : 0;
        }
        free(pts);
    }
    fk_chart_weekly c = {0};
    c.meta = (fk_chart_meta){a->program, a->pref, a->date, NULL};
    c.weeks = weeks;
    c.nweeks = nw;
    fk_chart_buf img = {0}, csv = {0};
    int r = fk_chart_weekly_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv) r = fk_chart_weekly_csv(&c, a->opts.lang, &csv, err, 512);
    free(weeks);
    return finish(a, &img, &csv, r, err);
}

static int do_munis(fk_store *st, const chart_args *a, fk_chart_format fmt, char *err)
{
    fk_muni_counts *mc = NULL;
    size_t n = 0;
    fk_counts by[FK_NTYPE];
    fk_area area = {a->pref, ""};
    if (fk_store_counts_by_muni(st, a->program, a->date, a->pref, a->type, &mc, &n) < 0 ||
        fk_store_counts(st, a->program, a->date, &area, by) < 0) {
        free(mc);
        return fk_cli_fail("store: %s", fk_store_error(st));
    }
    fk_chart_muni *m = calloc(n ? n : 1, sizeof *m);
    if (!m) {
        free(mc);
        return fk_cli_fail("chart: out of memory");
    }
    fk_chart_munis c = {0};
    for (size_t i = 0; i < n; i++) {
        memcpy(m[i].code, mc[i].code, sizeof m[i].code);
        m[i].c = conv(&mc[i].c);
    }
    free(mc);
    c.meta = (fk_chart_meta){a->program, a->pref, a->date, NULL};
    c.type = a->type;
    c.munis = m;
    c.nmunis = n;
    for (int t = 0; t < FK_NTYPE; t++)
        if (a->type < 0 || t == a->type) add_counts(&c.pref_total, &by[t]);
    fk_chart_buf img = {0}, csv = {0};
    int r = fk_chart_munis_render(&c, &a->opts, fmt, &img, err, 512);
    if (r == 0 && a->csv) r = fk_chart_munis_csv(&c, a->opts.lang, &csv, err, 512);
    free(m);
    return finish(a, &img, &csv, r, err);
}

static int parse(int argc, char **argv, chart_args *a)
{
    static const struct option opts[] = {
        {"program", required_argument, NULL, O_PROGRAM}, {"prefecture", required_argument, NULL, O_PREF},
        {"type", required_argument, NULL, O_TYPE},       {"date", required_argument, NULL, O_DATE},
        {"lang", required_argument, NULL, O_LANG},       {"width", required_argument, NULL, O_WIDTH},
        {"height", required_argument, NULL, O_HEIGHT},   {"scale", required_argument, NULL, O_SCALE},
        {"out", required_argument, NULL, O_OUT},         {"csv", required_argument, NULL, O_CSV},
        FK_COMMON_LONGOPTS,                              {0, 0, 0, 0}};
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
                return fk_cli_usage_error(cmd, "--program: unknown program '%s'", optarg);
            a->program = optarg;
            break;
        case O_PREF: {
            const fk_pref *p = fk_pref_by_str(optarg);
            if (!p) return fk_cli_usage_error(cmd, "--prefecture: '%s' is not 01..47", optarg);
            a->pref = p->code;
            break;
        }
        case O_TYPE:
            if ((a->type = fk_type_by_key(optarg)) < 0)
                return fk_cli_usage_error(cmd, "--type: unknown facility type '%s'", optarg);
            break;
        case O_DATE:
            if (fk_date_parse(optarg, &a->date) < 0)
                return fk_cli_usage_error(cmd, "--date: '%s' is not a YYYY-MM-DD date", optarg);
            break;
        case O_LANG:
            if (strcmp(optarg, "ja") && strcmp(optarg, "en"))
                return fk_cli_usage_error(cmd, "--lang: '%s' is not ja or en", optarg);
            a->lang = optarg;
            break;
        case O_WIDTH:
        case O_HEIGHT:
            if (fk_cli_parse_int(optarg, o == O_WIDTH ? 320 : 200, 10000, &v) < 0)
                return fk_cli_usage_error(cmd, "--%s: '%s' out of range", o == O_WIDTH ? "width" : "height",
                                          optarg);
            *(o == O_WIDTH ? &a->opts.width : &a->opts.height) = (int)v;
            break;
        case O_SCALE:
            if (fk_cli_parse_double(optarg, 0.25, 8, &a->opts.scale) < 0)
                return fk_cli_usage_error(cmd, "--scale: '%s' is not a number in 0.25..8", optarg);
            break;
        case O_OUT: a->out = optarg; break;
        case O_CSV: a->csv = optarg; break;
        default:
            return fk_cli_usage_error(cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return fk_cli_usage_error(cmd, "missing KIND");
    if ((a->kind = kind_by_name(argv[optind])) < 0)
        return fk_cli_usage_error(cmd, "unknown chart kind '%s'", argv[optind]);
    if (optind + 1 < argc) return fk_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    if (!a->program) return fk_cli_usage_error(cmd, "--program is required");
    if (!a->out) return fk_cli_usage_error(cmd, "--out is required");
    if (fk_chart_format_from_path(a->out) < 0)
        return fk_cli_usage_error(cmd, "--out: '%s' must end in .png, .pdf or .svg", a->out);
    if (a->kind == K_MUNI && !a->pref)
        return fk_cli_usage_error(cmd, "municipalities needs --prefecture");
    return -1; /* parsed; go on */
}

static int run(int argc, char **argv)
{
    chart_args a = {.type = -1, .date = -1};
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
        rc = fk_cli_fail("chart: no pull stored yet in %s; run `fukyu collect` first", a.env.cfg.db_path);
    } else {
        fk_chart_format fmt = (fk_chart_format)fk_chart_format_from_path(a.out);
        switch (a.kind) {
        case K_TREND: rc = do_trend(st, &a, fmt, err); break;
        case K_FUNNEL: rc = do_funnel(st, &a, fmt, err); break;
        case K_WEEKLY: rc = do_weekly(st, &a, fmt, err); break;
        case K_MUNI: rc = do_munis(st, &a, fmt, err); break;
        default: rc = do_prefs(st, &a, fmt, err); break;
        }
    }
    fk_store_close(st);
    fk_charts_shutdown();
    return rc;
}
