/* cmd_daemon.c - `fukyu daemon`: the long-running service (daemon/daemon.h):
 * pulls on the schedule, renders after each stored pull and weekly, and
 * serves the dashboard, until SIGTERM. */
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "daemon/daemon.h"
#include "http/http.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_daemon = {
    "daemon",
    run,
    "pull on schedule, render and serve the dashboard (systemd service)",
    "usage: fukyu daemon [--config PATH] [--feed URL] [--db PATH] [--listen ADDR:PORT]\n"
    "                    [--out DIR] [--run-now]\n"
    "\n"
    "Runs until SIGTERM or SIGINT: pulls the feed at the [schedule] interval or\n"
    "times (JST), renders every chart and report into out_dir after each pull\n"
    "that stored new data and at the weekly report time (each render in a\n"
    "child process, `fukyu publish`), and serves the\n"
    "dashboard on the [http] address.  A slot missed while the daemon was down\n"
    "is made up by one pull at start.  SIGHUP reloads the configuration (a bad\n"
    "one is logged with FILE:LINE and the running one kept); SIGTERM during a\n"
    "pull abandons it and leaves the store as it was.  Flags override the\n"
    "configuration file, also across reloads.\n"
    "\n"
    "  --feed URL          base URL of the feed ([feed] url)\n"
    "  --listen ADDR:PORT  dashboard address ([http] listen); port 0 picks one\n"
    "  --out DIR           where charts and reports go ([reports] out_dir)\n"
    "  --run-now           pull once at start, whatever the schedule says\n"
    "\n"
    "Logs one line per event on stderr; under systemd (Type=notify) it sends\n"
    "READY=1, STATUS= and watchdog pings.  Exit 0 after SIGTERM or SIGINT, 1\n"
    "when it cannot start (bad configuration, address in use).\n",
};

enum {
    O_FEED = 1,
    O_LISTEN,
    O_OUT,
    O_RUN_NOW
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"feed", required_argument, NULL, O_FEED},
        {"listen", required_argument, NULL, O_LISTEN},
        {"out", required_argument, NULL, O_OUT},
        {"run-now", no_argument, NULL, O_RUN_NOW},
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_daemon;
    fk_cli_env env = {0};
    fk_daemon_options d = {0};
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_FEED: d.feed = optarg; break;
        case O_LISTEN: d.listen = optarg; break;
        case O_OUT: d.out = optarg; break;
        case O_RUN_NOW: d.run_now = 1; break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    if (d.feed && strncmp(d.feed, "http://", 7) &&
        strncmp(d.feed, "https://", 8))
        return fk_cli_usage_error(
            me, "--feed: expected an http:// or https:// URL, got '%s'",
            d.feed);
    char err[512];
    struct sockaddr_storage ss;
    size_t sslen;
    if (d.listen &&
        fk_http_parse_listen(d.listen, 1, &ss, &sslen, err, sizeof err) < 0)
        return fk_cli_usage_error(me, "--listen: %s", err);
    if (d.out && !*d.out)
        return fk_cli_usage_error(me, "--out: empty directory name");
    d.config_path = env.config;
    d.db = env.db;
    return fk_daemon_run(&d);
}
