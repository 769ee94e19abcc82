/* cmd_publish.c - `fukyu publish`: internal, the daemon's render run as its
 * own short-lived process (daemon/publisher.c; the daemon starts it, see
 * daemon.h for the one-line protocol on stdout). */
#include <string.h>

#include "cli/cli.h"
#include "daemon/daemon.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_publish = {
    "publish",
    run,
    "internal: one render of the daemon, in a child process of its own",
    "usage: fukyu publish --db PATH --out DIR [--lang ja|en] [--target F]\n"
    "\n"
    "Internal: `fukyu daemon` starts this for every render, so that the\n"
    "memory the drawing libraries keep ends with the process.  Publishes\n"
    "every chart and report of the latest stored as-of date into DIR, like\n"
    "`fukyu report all`, and reads no configuration file: the daemon passes\n"
    "its settings.  Prints one line on stdout: \"published as_of=D week=W\n"
    "reports=N charts=N csv=N\" (exit 0) or \"failed: REASON\" (exit 1).\n"
    "SIGTERM stops it before the next chart; files written stay whole.\n"
    "\n"
    "  --db PATH    the store (read only)\n"
    "  --out DIR    the output tree (the daemon's [reports] out_dir)\n"
    "  --lang       ja (default) or en\n"
    "  --target F   the adoption target, 0..1 (default and 0: 0.8)\n",
};

enum {
    O_OUT = 1,
    O_LANG,
    O_TARGET
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"out", required_argument, NULL, O_OUT},
        {"lang", required_argument, NULL, O_LANG},
        {"target", required_argument, NULL, O_TARGET},
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_publish;
    fk_cli_env env = {0};
    fk_publish_job j = {.lang = "ja", .target = 0};
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_OUT: j.out_dir = optarg; break;
        case O_LANG:
            if (strcmp(optarg, "ja") && strcmp(optarg, "en"))
                return fk_cli_usage_error(me, "--lang: '%s' is not ja or en",
                                          optarg);
            j.lang = optarg;
            break;
        case O_TARGET:
            if (fk_cli_parse_double(optarg, 0, 1, &j.target) < 0)
                return fk_cli_usage_error(
                    me, "--target: '%s' is not a number in [0, 1]", optarg);
            break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    if (env.config)
        return fk_cli_usage_error(
            me, "--config: publish reads no configuration file");
    if (!env.db || !*env.db) return fk_cli_usage_error(me, "--db is required");
    if (!j.out_dir || !*j.out_dir)
        return fk_cli_usage_error(me, "--out DIR is required");
    j.db = env.db;
    return fk_daemon_publisher_main(&j);
}
