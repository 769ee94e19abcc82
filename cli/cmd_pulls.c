/* cmd_pulls.c - `fukyu pulls` (the pull log) and `fukyu rejects` (records
 * set aside, with their reasons). */
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"

static int run_pulls(int argc, char **argv);
static int run_rejects(int argc, char **argv);

const fk_command fk_cmd_pulls = {
    "pulls",
    run_pulls,
    "list the pull log (newest first)",
    "usage: fukyu pulls [--limit N] [--db PATH] [--config PATH]\n"
    "\n"
    "One line per pull: id, start time (UTC), outcome (stored, unchanged,\n"
    "failed, running, interrupted), as_of, records, status changes, records\n"
    "set aside, municipality codes not in fukyu's table (unknown_munis: kept,\n"
    "e.g. a municipality formed after the table's date), seconds, feed, and\n"
    "the reason of a failure.\n",
};

const fk_command fk_cmd_rejects = {
    "rejects",
    run_rejects,
    "list records set aside by a pull, with reasons",
    "usage: fukyu rejects [--pull ID] [--db PATH] [--config PATH]\n"
    "\n"
    "Records of one pull (default: the latest pull that set any aside) that\n"
    "broke a rule of the feed contract: position in the pull, code, reason.\n",
};

static int print_pull(const fk_pull_row *r, void *ctx)
{
    (void)ctx;
    /* Older versions stored the URL as given, credentials and all; the
     * reason may quote feed text, control characters included. */
    char feed[4096], red[FK_PATH_MAX], why[2048];
    fk_escape_ctl(fk_redact_url(r->feed, red, sizeof red), feed, sizeof feed);
    fk_escape_ctl(r->reason, why, sizeof why);
    printf("%-5lld %-20s %-11s %-10s %8lld %8lld %6lld %13lld %8.2f  %s%s%s\n",
           (long long)r->id, r->started_at, r->outcome,
           r->as_of[0] ? r->as_of : "-", (long long)r->records,
           (long long)r->changes, (long long)r->set_aside,
           (long long)r->unknown_munis, r->seconds, feed,
           r->reason[0] ? "  reason: " : "", why);
    return 0;
}

static int print_reject(const fk_reject_row *r, void *ctx)
{
    (*(long *)ctx)++;
    /* Code and reason quote what the feed sent, control characters and
     * all: escaped so that no record can forge a line or drive the
     * terminal. */
    char code[96], why[2048];
    fk_escape_ctl(r->code, code, sizeof code);
    fk_escape_ctl(r->reason, why, sizeof why);
    printf("%-6lld %-8lld %-12s %s\n", (long long)r->pull_id,
           (long long)r->position, code[0] ? code : "-", why);
    return 0;
}

enum {
    O_LIMIT = 1,
    O_PULL
};

static int parse(const fk_command *me, int argc, char **argv, fk_cli_env *env,
                 long long *num, int numopt)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"limit", required_argument, NULL, O_LIMIT},
        {"pull", required_argument, NULL, O_PULL},
        {0, 0, 0, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, env);
        if (r < 0) return 0;
        if (r > 0) continue;
        if (o == numopt) {
            if (fk_cli_parse_int(optarg, 1, 1LL << 40, num) < 0)
                return fk_cli_usage_error(
                    me, "%s: expected a positive integer, got '%s'",
                    argv[optind - 1], optarg);
            continue;
        }
        return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                  argv[optind - 1]);
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    return -1; /* go on */
}

static int run_pulls(int argc, char **argv)
{
    fk_cli_env env = {0};
    long long limit = 50;
    int rc = parse(&fk_cmd_pulls, argc, argv, &env, &limit, O_LIMIT);
    if (rc >= 0) return rc;
    if (fk_cli_setup(&env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&env, FK_STORE_READONLY);
    if (!st) return 1;
    printf("%-5s %-20s %-11s %-10s %8s %8s %6s %13s %8s  %s\n", "id",
           "started (UTC)", "outcome", "as_of", "records", "changes", "aside",
           "unknown_munis", "seconds", "feed");
    rc = fk_store_each_pull(st, (int)limit, NULL, print_pull, NULL);
    if (rc < 0) rc = fk_cli_fail("pulls: %s", fk_store_error(st));
    fk_store_close(st);
    return rc;
}

static int run_rejects(int argc, char **argv)
{
    fk_cli_env env = {0};
    long long pull = 0;
    int rc = parse(&fk_cmd_rejects, argc, argv, &env, &pull, O_PULL);
    if (rc >= 0) return rc;
    if (fk_cli_setup(&env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&env, FK_STORE_READONLY);
    if (!st) return 1;
    long n = 0;
    printf("%-6s %-8s %-12s %s\n", "pull", "position", "code", "reason");
    rc = fk_store_each_reject(st, pull, print_reject, &n);
    if (rc < 0)
        rc = fk_cli_fail("rejects: %s", fk_store_error(st));
    else
        fprintf(stderr, "%ld record(s) set aside\n", n);
    fk_store_close(st);
    return rc;
}
