/* cmd_collect.c - `fukyu collect --once`: one pull of the feed. */
#include <signal.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "collector/collector.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_collect = {
    "collect",
    run,
    "pull the feed's snapshot once and store it (all or nothing)",
    "usage: fukyu collect --once [--feed URL] [--db PATH] [--config PATH]\n"
    "                     [--limit N] [--timeout S] [--retries N]\n"
    "                     [--max-page-bytes B] [--token-file F]\n"
    "                     [--backoff-ms MS] [--retry-max-wait S]\n"
    "\n"
    "Pulls the national snapshot from the feed (adoption-feed/1) page by page\n"
    "and stores it in one transaction after the last page checks out.  Flags\n"
    "override the [feed] section of the configuration.\n"
    "\n"
    "  --once              pull once and exit (the daemon pulls on a schedule)\n"
    "  --feed URL          base URL; /v1/facilities is appended\n"
    "  --limit N           page size to ask for, 1..10000 (default 5000)\n"
    "  --timeout S         seconds per request (default 60)\n"
    "  --retries N         retries of a request after a transient failure (5)\n"
    "  --max-page-bytes B  largest page body accepted (default 64 MiB)\n"
    "  --token-file F      file whose first line is the bearer token\n"
    "  --backoff-ms MS     first backoff step (default 1000)\n"
    "  --retry-max-wait S  cap on any wait between tries (default 300)\n"
    "\n"
    "Exit 0 when the snapshot was stored or unchanged (HTTP 304), printing one\n"
    "line; exit 1 when the pull failed, with the reason.  The store is then\n"
    "exactly as before, and the failure is in `fukyu pulls`.\n",
};

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

enum {
    O_ONCE = 1,
    O_FEED,
    O_LIMIT,
    O_TIMEOUT,
    O_RETRIES,
    O_MAXB,
    O_TOKEN,
    O_BACKOFF,
    O_MAXWAIT
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"once", no_argument, NULL, O_ONCE},
        {"feed", required_argument, NULL, O_FEED},
        {"limit", required_argument, NULL, O_LIMIT},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"retries", required_argument, NULL, O_RETRIES},
        {"max-page-bytes", required_argument, NULL, O_MAXB},
        {"token-file", required_argument, NULL, O_TOKEN},
        {"backoff-ms", required_argument, NULL, O_BACKOFF},
        {"retry-max-wait", required_argument, NULL, O_MAXWAIT},
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_collect;
    fk_cli_env env = {0};
    int once = 0, o;
    const char *feed = NULL, *token = NULL;
    long long limit = -1, timeout = -1, retries = -1, maxb = -1, backoff = -1,
              maxwait = -1;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_ONCE: once = 1; break;
        case O_FEED: feed = optarg; break;
        case O_TOKEN: token = optarg; break;
#define NUM(opt, var, lo, hi)                                                \
    case opt:                                                                \
        if (fk_cli_parse_int(optarg, lo, hi, &var) < 0)                      \
            return fk_cli_usage_error(                                       \
                me, "%s: expected an integer %lld..%lld, got '%s'",          \
                argv[optind - 1], (long long)(lo), (long long)(hi), optarg); \
        break;
            NUM(O_LIMIT, limit, 1, 10000)
            NUM(O_TIMEOUT, timeout, 1, 3600)
            NUM(O_RETRIES, retries, 0, 100)
            NUM(O_MAXB, maxb, 1024, 1LL << 34)
            NUM(O_BACKOFF, backoff, 1, 600000)
            NUM(O_MAXWAIT, maxwait, 0, 86400)
#undef NUM
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    if (!once)
        return fk_cli_usage_error(
            me, "--once is required (the daemon pulls on a schedule)");
    if (fk_cli_setup(&env) < 0) return 1;
    fk_config *c = &env.cfg;
    if (feed) {
        if (strncmp(feed, "http://", 7) && strncmp(feed, "https://", 8))
            return fk_cli_usage_error(
                me, "--feed: expected an http:// or https:// URL, got '%s'",
                feed);
        snprintf(c->feed_url, sizeof c->feed_url, "%s", feed);
    }
    if (token) snprintf(c->token_file, sizeof c->token_file, "%s", token);
    if (limit > 0) c->limit = (int)limit;
    if (timeout > 0) c->timeout = (int)timeout;
    if (retries >= 0) c->retries = (int)retries;
    if (maxb > 0) c->max_page_bytes = maxb;
    if (backoff > 0) c->backoff_ms = (int)backoff;
    if (maxwait >= 0) c->retry_max_wait = (int)maxwait;

    fk_store *st = fk_cli_open_store(&env, FK_STORE_RW);
    if (!st) return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    fk_collect_options co;
    fk_collect_options_from_config(&co, c);
    co.stop = &stop_flag;
    fk_collect_result res;
    int rc = fk_collect_once(st, &co, &res);
    fk_day latest = -1;
    if (rc == 0 && !strcmp(res.outcome, "unchanged"))
        fk_store_latest_as_of(st, &latest);
    fk_store_close(st);
    if (rc < 0) {
        /* The reason may quote feed text: no control characters raw. */
        char why[4 * sizeof res.reason];
        return fk_cli_fail("pull %lld failed: %s", (long long)res.pull_id,
                           fk_escape_ctl(res.reason, why, sizeof why));
    }
    if (!strcmp(res.outcome, "unchanged")) {
        char ds[FK_DATE_LEN] = "?";
        if (latest >= 0) fk_date_format(latest, ds);
        printf(
            "pull %lld unchanged (HTTP 304): as_of %s is current, 0 records, 0 status changes,"
            " 0 set aside, %.2f s\n",
            (long long)res.pull_id, ds, res.stats.seconds);
        return 0;
    }
    printf(
        "pull %lld stored: as_of %s, %lld records, %lld status changes, %lld set aside,"
        " %lld opened, %lld closed, %.2f s; %lld pages, %.1f MiB received (%.1f MiB JSON)\n",
        (long long)res.pull_id, res.as_of, (long long)res.stats.records,
        (long long)res.stats.changes, (long long)res.stats.set_aside,
        (long long)res.stats.openings, (long long)res.stats.closures,
        res.stats.seconds, (long long)res.stats.pages,
        (double)res.stats.wire_bytes / 1048576.0,
        (double)res.stats.bytes / 1048576.0);
    if (res.stats.redated[0])
        fprintf(stderr, "warning: pull %lld: %s (see fukyu pulls)\n",
                (long long)res.pull_id, res.stats.redated);
    if (res.stats.unknown_munis > 0)
        printf("pull %lld: %lld municipality code(s) not in fukyu's table; "
               "records kept, codes shown as they are (fukyu pulls)\n",
               (long long)res.pull_id, (long long)res.stats.unknown_munis);
    return 0;
}
