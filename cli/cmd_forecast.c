/* cmd_forecast.c - `fukyu forecast`: project a coverage series forward
 * with 80% and 95% intervals, the fiscal-year-end value and the date a
 * target share is reached.  Input is a date,adopting,total CSV file or the
 * store's series for a program. */
#include "cli/cli.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/forecast.h"
#include "forecast/obs.h"
#include "reports/json.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_forecast = {
    "forecast",
    run,
    "project adoption forward with intervals",
    "usage: fukyu forecast (--input FILE.csv | --program P [--type T] [--prefecture NN])\n"
    "                      [--until DATE | --horizon WEEKS] [--method M] [--target SHARE]\n"
    "                      [--cap SHARE] [--json] [--db PATH] [--config PATH]\n"
    "\n"
    "Projects the adoption share (adopting / total) weekly from the last\n"
    "observation, with 80% and 95% intervals.\n"
    "  --input FILE     CSV with header date,adopting,total[,applied], dates\n"
    "                   ascending\n"
    "  --program P      the stored series of a program (eprescription,\n"
    "                   ehr_sharing), sampled weekly; --type hospital|clinic|\n"
    "                   dental|pharmacy (default all) and --prefecture\n"
    "                   01..47 narrow it\n"
    "  --until DATE     last day of the horizon (default: the next 31 March,\n"
    "                   at least 4 weeks ahead); --horizon WEEKS instead\n"
    "  --method M       auto (default: best in a backtest), pace, holt,\n"
    "                   logistic, bass, pipeline (from applied counts:\n"
    "                   the store, or a CSV with an applied column)\n"

    "  --target SHARE   report when this share is reached (default:\n"
    "                   [reports] target from the configuration)\n"
    "  --cap SHARE      fix the logistic ceiling instead of fitting it\n"
    "  --json           print JSON instead of a table\n"
    "\n"
    "Intervals are on the increment over the last share (log scale), from\n"
    "the method's own past errors 1-26 weeks ahead (rolling origins) pooled\n"
    "with a prior; no lower bound falls below the last share except as a\n"
    "growing denominator explains; see `fukyu backtest`.\n",
};

enum {
    O_INPUT = 1,
    O_PROGRAM,
    O_TYPE,
    O_PREF,
    O_UNTIL,
    O_HORIZON,
    O_METHOD,
    O_TARGET,
    O_CAP,
    O_JSON
};

typedef struct {
    const char *input, *program;
    int type, pref;
    fk_day until;
    long long horizon;
    int method;
    double target, cap;
    int has_target, json;
} fc_args;

/* Loads the observations the arguments name; prints and returns -1. */
/* Reads the observations; *st stays open (for the forecast cache) when
 * they came from the store, else NULL. */
static int load(const fc_args *a, fk_cli_env *env, fk_store **stp, fk_obs **obs,
                size_t *n)
{
    *stp = NULL;
    char err[1200];
    if (a->input) {
        if (fk_obs_load_csv(a->input, obs, n, err, sizeof err) < 0) {
            fk_cli_fail("%s", err);
            return -1;
        }
        return 0;
    }
    fk_store *st = fk_cli_open_store(env, FK_STORE_READONLY);
    if (!st) return -1;
    fk_area area = {a->pref, ""};
    int rc = fk_obs_from_store(st, a->program, a->type, &area, obs, n, err,
                               sizeof err);
    if (rc < 0) {
        fk_store_close(st);
        fk_cli_fail("%s", err);
        return -1;
    }
    *stp = st;
    return 0;
}

static int print_json(const fk_forecast *f, double target)
{
    char *s = fk_json_forecast(f, target > 0, target);
    if (!s) return fk_cli_fail("out of memory");
    puts(s);
    free(s);
    return 0;
}

static void print_table(const fk_forecast *f, double target, fk_day end)
{
    char d[FK_DATE_LEN];
    printf("method %s; last observation %s: %.2f%%\n\n",
           fk_fc_method_name(f->method), fk_date_format(f->last_date, d),
           100 * f->last_rate);
    printf("%-10s  %7s  %17s  %17s\n", "date", "rate", "80% interval",
           "95% interval");
    for (size_t i = 0; i < f->npoints; i++) {
        const fk_fc_point *p = &f->points[i];
        printf("%-10s  %6.2f%%  %6.2f%% - %6.2f%%  %6.2f%% - %6.2f%%\n",
               fk_date_format(p->date, d), 100 * p->rate, 100 * p->lo80,
               100 * p->hi80, 100 * p->lo95, 100 * p->hi95);
    }
    putchar('\n');
    if (f->has_fy_end)
        printf(
            "fiscal year end %s: %.2f%% (80%%: %.2f%% - %.2f%%, 95%%: %.2f%% - %.2f%%)\n",
            fk_date_format(f->fy_end.date, d), 100 * f->fy_end.rate,
            100 * f->fy_end.lo80, 100 * f->fy_end.hi80, 100 * f->fy_end.lo95,
            100 * f->fy_end.hi95);
    else
        printf("fiscal year end: beyond the horizon\n");
    if (target > 0) {
        if (f->target_reached)
            printf("target %.1f%%: already reached, first observed %s\n",
                   100 * target, fk_date_format(f->target_date, d));
        else if (f->target_date >= 0)
            printf("target %.1f%%: reached %s\n", 100 * target,
                   fk_date_format(f->target_date, d));
        else
            printf("target %.1f%%: not reached by %s\n", 100 * target,
                   fk_date_format(end, d));
    }
}

static int parse(int argc, char **argv, fc_args *a, fk_cli_env *env)
{
    static const struct option opts[] = {
        {"input", required_argument, NULL, O_INPUT},
        {"program", required_argument, NULL, O_PROGRAM},
        {"type", required_argument, NULL, O_TYPE},
        {"prefecture", required_argument, NULL, O_PREF},
        {"until", required_argument, NULL, O_UNTIL},
        {"horizon", required_argument, NULL, O_HORIZON},
        {"method", required_argument, NULL, O_METHOD},
        {"target", required_argument, NULL, O_TARGET},
        {"cap", required_argument, NULL, O_CAP},
        {"json", no_argument, NULL, O_JSON},
        FK_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    const fk_command *c = &fk_cmd_forecast;
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(c, o, env);
        if (r < 0) return 0;
        if (r > 0) continue;
        const fk_pref *pf;
        switch (o) {
        case O_INPUT: a->input = optarg; break;
        case O_PROGRAM:
            if (!fk_program_by_key(optarg))
                return fk_cli_usage_error(c, "unknown program '%s'", optarg);
            a->program = optarg;
            break;
        case O_TYPE:
            if ((r = fk_cli_arg_type(c, optarg, &a->type)) != 0) return r;
            break;
        case O_PREF:
            if (!(pf = fk_pref_by_str(optarg)))
                return fk_cli_usage_error(c, "unknown prefecture '%s' (01..47)",
                                          optarg);
            a->pref = pf->code;
            break;
        case O_UNTIL:
            if (fk_date_parse(optarg, &a->until) < 0)
                return fk_cli_usage_error(
                    c, "--until: '%s' is not a YYYY-MM-DD date", optarg);
            break;
        case O_HORIZON:
            if (fk_cli_parse_int(optarg, 1, 2600, &a->horizon) < 0)
                return fk_cli_usage_error(
                    c, "--horizon: '%s' is not a number of weeks 1..2600",
                    optarg);
            break;
        case O_METHOD:
            if ((a->method = fk_fc_method_by_name(optarg)) < 0)
                return fk_cli_usage_error(c, "unknown method '%s'", optarg);
            break;
        case O_TARGET:
            if (fk_cli_parse_double(optarg, 0, 1, &a->target) < 0 ||
                a->target <= 0)
                return fk_cli_usage_error(
                    c, "--target: '%s' is not a share in (0, 1]", optarg);
            a->has_target = 1;
            break;
        case O_CAP:
            if (fk_cli_parse_double(optarg, 0, 1, &a->cap) < 0 || a->cap <= 0)
                return fk_cli_usage_error(
                    c, "--cap: '%s' is not a share in (0, 1]", optarg);
            break;
        case O_JSON: a->json = 1; break;
        default:
            return fk_cli_usage_error(c, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    if (!a->input == !a->program)
        return fk_cli_usage_error(c,
                                  "give exactly one of --input and --program");
    if (a->input && (a->type >= 0 || a->pref))
        return fk_cli_usage_error(
            c,
            "--type and --prefecture select from the store; not with --input");
    if (a->until && a->horizon)
        return fk_cli_usage_error(c, "give --until or --horizon, not both");
    return 1;
}

static int run(int argc, char **argv)
{
    fc_args a = {.type = -1, .method = FK_FC_AUTO};
    fk_cli_env env = {0};
    int r = parse(argc, argv, &a, &env);
    if (r != 1) return r;
    if (fk_cli_setup(&env) < 0) return 1;
    fk_obs *obs = NULL;
    size_t n = 0;
    fk_store *st;
    if (load(&a, &env, &st, &obs, &n) < 0) return 1;

    fk_fc_options o;
    fk_fc_options_default(&o);
    o.method = (fk_fc_method)a.method;
    o.target = a.has_target ? a.target : env.cfg.target;
    o.cap = a.cap;
    fk_day last = n ? obs[n - 1].date : 0, end;
    if (a.horizon) {
        o.horizon_weeks = (int)a.horizon;
        end = last + 7 * (fk_day)a.horizon;
    } else {
        end = a.until ? a.until : fk_fy_end(last + 1);
        if (!a.until && end < last + 28) end = last + 28;
        o.until = end;
    }
    fk_forecast f;
    char err[512];
    int rc = fk_forecast_cached(st, obs, n, &o, &f, err, sizeof err);
    fk_store_close(st);
    free(obs);
    if (rc < 0) return fk_cli_fail("forecast: %s", err);
    rc = 0;
    if (a.json)
        rc = print_json(&f, o.target);
    else
        print_table(&f, o.target, end);
    fk_forecast_free(&f);
    return rc;
}
