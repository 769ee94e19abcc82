/* cmd_backtest.c - `fukyu backtest`: how well each forecast method would
 * have done on a series (rolling-origin backtest at 4, 8, 13 and 26 weeks)
 * and which method `forecast --method auto` picks for it. */
#include "cli/cli.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

#include "forecast/backtest.h"
#include "forecast/obs.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_backtest = {
    "backtest",
    run,
    "score the forecast methods on past data",
    "usage: fukyu backtest (--input FILE.csv | --program P [--type T] [--prefecture NN])\n"
    "                      [--method M] [--json] [--db PATH] [--config PATH]\n"
    "\n"
    "Fits each method on the data up to each observation in turn and compares\n"
    "its forecasts 4, 8, 13, 19 and 26 weeks ahead with what was observed then.\n"
    "Prints per method and horizon: n, MAE (percentage points of share),\n"
    "MAPE, how often the 80% and 95% intervals held the actual value and\n"
    "their interval (Winkler) scores: width plus 2/alpha times any miss,\n"
    "lower is better (intervals calibrated, as the forecast does, on the\n"
    "errors already known at each origin, so out of sample); then each\n"
    "method's mean 80% score and coverage at 13 and 19 weeks, and the\n"
    "method auto picks.\n"
    "The auto row re-chooses at every origin from the data up to it.\n"
    "--type all (default) sums the facility types; --method limits the\n"
    "table to one method.\n",
};

enum {
    O_INPUT = 1,
    O_PROGRAM,
    O_TYPE,
    O_PREF,
    O_METHOD,
    O_JSON
};

static double r4(double x)
{
    return round(x * 1e4) / 1e4;
}

static void add_num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, r4(v));
    else
        cJSON_AddNullToObject(o, k);
}

static int print_json(const fk_backtest *bt)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "auto", fk_fc_method_name(bt->pick));
    cJSON_AddNumberToObject(root, "origins", bt->norigins);
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (int m = 0; m < FK_FC_NMETHODS; m++) {
        if (!bt->ran[m]) continue;
        for (int k = 0; k < FK_BT_NH; k++) {
            const fk_bt_cell *c = &bt->cell[m][k];
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "method",
                                    fk_fc_method_name((fk_fc_method)m));
            cJSON_AddNumberToObject(r, "horizon", fk_bt_horizons[k]);
            cJSON_AddNumberToObject(r, "n", c->n);
            add_num(r, "mae", c->mae);
            add_num(r, "mape", c->mape);
            add_num(r, "cover80", c->cover80);
            add_num(r, "cover95", c->cover95);
            add_num(r, "is80", c->is80);
            add_num(r, "is95", c->is95);
            cJSON_AddItemToArray(rows, r);
        }
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s) return fk_cli_fail("out of memory");
    puts(s);
    free(s);
    return 0;
}

/* One right-aligned column of width 9 (leading space included). */
static void cell(double v, int prec, const char *suffix)
{
    if (isfinite(v))
        printf(" %*.*f%s", 8 - (int)(*suffix != 0), prec, v, suffix);
    else
        printf(" %8s", "-");
}

/* Whether a method compared anything (pipeline needs applied counts). */
static int scored(const fk_backtest *bt, int m)
{
    for (int k = 0; k < FK_BT_NH; k++)
        if (bt->cell[m][k].n > 0) return 1;
    return 0;
}

static void print_table(const fk_backtest *bt)
{
    printf("%-9s %7s %4s %8s %8s %8s %8s %8s %8s\n", "method", "horizon", "n",
           "MAE(pt)", "MAPE(%)", "cover80", "cover95", "IS80(pt)", "IS95(pt)");
    for (int m = 1; m <= FK_FC_NMETHODS; m++) {
        int mm = m % FK_FC_NMETHODS; /* auto last */
        if (!bt->ran[mm] || !scored(bt, mm)) continue;
        for (int k = 0; k < FK_BT_NH; k++) {
            const fk_bt_cell *c = &bt->cell[mm][k];
            printf("%-9s %6dw %4d", fk_fc_method_name((fk_fc_method)mm),
                   fk_bt_horizons[k], c->n);
            cell(c->mae, 3, "");
            cell(c->mape, 1, "");
            cell(100 * c->cover80, 0, "%");
            cell(100 * c->cover95, 0, "%");
            cell(c->is80, 3, "");
            cell(c->is95, 3, "");
            putchar('\n');
        }
    }
    printf(
        "\n80%% interval score (pt), mean over the 13w and 19w forecasts:\n");
    for (int m = 1; m <= FK_FC_NMETHODS; m++) {
        int mm = m % FK_FC_NMETHODS, n;
        double is, cov;
        if (!bt->ran[mm] || !scored(bt, mm)) continue;
        fk_bt_mid_score(bt, (fk_fc_method)mm, &is, &cov, &n);
        printf("%-9s %4d", fk_fc_method_name((fk_fc_method)mm), n);
        cell(is, 3, "");
        cell(100 * cov, 0, "%");
        putchar('\n');
    }
    if (bt->ran[FK_FC_PIPELINE] && !scored(bt, FK_FC_PIPELINE))
        printf("\npipeline: no applied counts in this series\n");
    printf("\norigins: %d\nauto picks: %s\n", bt->norigins,
           fk_fc_method_name(bt->pick));
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, NULL, O_INPUT},
        {"program", required_argument, NULL, O_PROGRAM},
        {"type", required_argument, NULL, O_TYPE},
        {"prefecture", required_argument, NULL, O_PREF},
        {"method", required_argument, NULL, O_METHOD},
        {"json", no_argument, NULL, O_JSON},
        FK_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    const fk_command *c = &fk_cmd_backtest;
    const char *input = NULL, *program = NULL;
    int type = -1, pref = 0, method = -1, json = 0, o;
    fk_cli_env env = {0};
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(c, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        const fk_pref *pf;
        switch (o) {
        case O_INPUT: input = optarg; break;
        case O_PROGRAM:
            if (!fk_program_by_key(optarg))
                return fk_cli_usage_error(c, "unknown program '%s'", optarg);
            program = optarg;
            break;
        case O_TYPE:
            if ((r = fk_cli_arg_type(c, optarg, &type)) != 0) return r;
            break;
        case O_PREF:
            if (!(pf = fk_pref_by_str(optarg)))
                return fk_cli_usage_error(c, "unknown prefecture '%s' (01..47)",
                                          optarg);
            pref = pf->code;
            break;
        case O_METHOD:
            if ((method = fk_fc_method_by_name(optarg)) < 0)
                return fk_cli_usage_error(c, "unknown method '%s'", optarg);
            break;
        case O_JSON: json = 1; break;
        default:
            return fk_cli_usage_error(c, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    if (!input == !program)
        return fk_cli_usage_error(c,
                                  "give exactly one of --input and --program");
    if (input && (type >= 0 || pref))
        return fk_cli_usage_error(
            c,
            "--type and --prefecture select from the store; not with --input");
    if (fk_cli_setup(&env) < 0) return 1;

    char err[1200];
    fk_obs *obs = NULL;
    size_t n = 0;
    fk_store *st = NULL;
    if (input) {
        if (fk_obs_load_csv(input, &obs, &n, err, sizeof err) < 0)
            return fk_cli_fail("%s", err);
    } else {
        st = fk_cli_open_store(&env, FK_STORE_READONLY);
        if (!st) return 1;
        fk_area area = {pref, ""};
        int rc = fk_obs_from_store(st, program, type, &area, &obs, &n, err,
                                   sizeof err);
        if (rc < 0) {
            fk_store_close(st);
            return fk_cli_fail("%s", err);
        }
    }
    fk_bt_options bo;
    fk_bt_options_default(&bo);
    /* all methods always run, so that the auto pick is the real one; on
     * the store's series the fits and bands at each origin come from the
     * store's cache where an earlier forecast or backtest left them, and
     * what is new goes back (forecast/chain.c) */
    fk_fc_chains ch = {0};
    if (st) fk_fc_chains_load(st, obs, n, &bo.fc, &ch);
    fk_backtest bt;
    int rc = fk_backtest_run_chains(obs, n, &bo, st ? &ch : NULL, &bt, err,
                                    sizeof err);
    if (st) fk_fc_chains_save(st, &ch);
    fk_fc_chains_free(&ch);
    fk_store_close(st);
    free(obs);
    if (rc < 0) return fk_cli_fail("backtest: %s", err);
    if (method >= 0)
        for (int m = 0; m < FK_FC_NMETHODS; m++) bt.ran[m] = m == method;
    if (json) return print_json(&bt);
    print_table(&bt);
    return 0;
}
