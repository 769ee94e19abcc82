/* cmd_serve.c - `fukyu serve`: the dashboard's HTTP server alone, over an
 * existing store and out_dir, until SIGTERM or SIGINT.  The daemon embeds
 * the same server (http/http.h) next to its pulls. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/http.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_serve = {
    "serve",
    run,
    "serve the dashboard over HTTP (no pulling)",
    "usage: fukyu serve [--listen ADDR:PORT] [--out DIR] [--quiet] [--db PATH] [--config PATH]\n"
    "\n"
    "Serves the dashboard from the store (read-only) and the charts and\n"
    "reports rendered under DIR, until SIGTERM or SIGINT.\n"
    "  --listen ADDR:PORT   default [http] listen (127.0.0.1:8470); IPv6 as\n"
    "                       [::1]:8470; port 0 picks a free port\n"
    "  --out DIR            default [reports] out_dir\n"
    "  --quiet              no access log on stderr\n"
    "Prints 'listening on ADDR:PORT' once ready.\n",
};

enum {
    O_LISTEN = 1,
    O_OUT,
    O_QUIET
};

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"out", required_argument, NULL, O_OUT},
        {"quiet", no_argument, NULL, O_QUIET},
        FK_COMMON_LONGOPTS,
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_serve;
    fk_cli_env env = {0};
    const char *listen = NULL, *out = NULL;
    int quiet = 0, o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_LISTEN: listen = optarg; break;
        case O_OUT: out = optarg; break;
        case O_QUIET: quiet = 1; break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    char err[512];
    struct sockaddr_storage ss;
    size_t sslen;
    if (listen &&
        fk_http_parse_listen(listen, 1, &ss, &sslen, err, sizeof err) < 0)
        return fk_cli_usage_error(me, "--listen: %s", err);
    if (fk_cli_setup(&env) < 0) return 1;
    const fk_config *c = &env.cfg;
    fk_http_options ho;
    fk_http_options_from_config(&ho, c);
    if (listen) ho.listen = listen;
    if (out) ho.out_dir = out;
    ho.quiet = quiet;
    /* Block the signals before the server's threads start so that they
     * inherit the mask and only sigwait() below receives them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    fk_http *h = fk_http_start(&ho, err, sizeof err);
    if (!h) return fk_cli_fail("serve: %s", err);
    /* The bound port replaces the configured one (they differ for port 0). */
    const char *colon = strrchr(ho.listen, ':');
    printf("listening on %.*s:%d (port %d)\n", (int)(colon - ho.listen),
           ho.listen, fk_http_port(h), fk_http_port(h));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "serve: %s, stopping\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    /* serve only reads: a request still computing when the grace ends is
     * abandoned, and a service manager sees a prompt stop. */
    if (fk_http_stop_within(h, FK_HTTP_STOP_GRACE_MS) < 0) {
        fprintf(stderr,
                "serve: a request was still being answered after %d s; "
                "exiting without it\n",
                FK_HTTP_STOP_GRACE_MS / 1000);
        fflush(stdout);
        fflush(stderr);
        _exit(0);
    }
    return 0;
}
