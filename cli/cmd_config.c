/* cmd_config.c - `fukyu check-config`: validate the configuration file. */
#include <sys/socket.h>

#include "cli/cli.h"
#include "core/text.h"
#include "http/http.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_check_config = {
    "check-config",
    run,
    "validate the configuration file and exit",
    "usage: fukyu check-config [--config PATH] [--db PATH]\n"
    "\n"
    "Reads the configuration (default " FK_CONFIG_DEFAULT_PATH
    "), checks every\n"
    "key and value, prints the effective settings and exits 0, or prints\n"
    "FILE:LINE: what is wrong and exits 1.\n",
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {FK_COMMON_LONGOPTS, {0, 0, 0, 0}};
    fk_cli_env env = {0};
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(&fk_cmd_check_config, o, &env);
        if (r < 0) return 0;
        if (r == 0)
            return fk_cli_usage_error(&fk_cmd_check_config,
                                      "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
    }
    if (optind < argc)
        return fk_cli_usage_error(&fk_cmd_check_config,
                                  "unexpected argument '%s'", argv[optind]);
    if (fk_cli_setup(&env) < 0) return 1;
    char err[256];
    if (fk_config_validate(&env.cfg, err, sizeof err) < 0)
        return fk_cli_fail("config: %s", err);
    const fk_config *c = &env.cfg;
    /* The daemon would refuse these at start; say so now. */
    struct sockaddr_storage ss;
    size_t sslen;
    if (fk_http_parse_listen(c->listen, 1, &ss, &sslen, err, sizeof err) < 0)
        return fk_cli_fail("config: http.listen: %s", err);
    char feed[FK_PATH_MAX];
    fk_redact_url(c->feed_url, feed, sizeof feed);
    printf("config %s: ok\n", env.config ? env.config : FK_CONFIG_DEFAULT_PATH);
    printf(
        "feed.url = %s\nfeed.limit = %d\nfeed.timeout = %d\nfeed.retries = %d\n"
        "feed.max_page_bytes = %lld\nstore.path = %s\nschedule.interval = %d\n"
        "schedule.times = %s\nschedule.weekly_report = %s\nreports.out_dir = %s\n"
        "reports.lang = %s\nreports.target = %g\nhttp.listen = %s\n",
        feed, c->limit, c->timeout, c->retries, (long long)c->max_page_bytes,
        c->db_path, c->interval, c->times, c->weekly_report, c->out_dir,
        c->lang, c->target, c->listen);
    return 0;
}
