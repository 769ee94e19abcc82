/* main.c - fukyu-feedsim: command line of the bundled feed simulator.
 * Builds the deterministic registry for --seed/--scale, then either prints
 * the counts for --date (--counts), writes the snapshot as static pages
 * (--dump) or serves the feed until SIGTERM/SIGINT. */
#include "sim/sim.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: fukyu-feedsim [--port N] [--bind ADDR] [--date YYYY-MM-DD] [--scale X]\n"
    "                     [--seed N] [--page-max N] [--token T] [--fault SPEC]...\n"
    "                     [--order code|random] [--counts] [--quiet] [--help]\n"
    "       fukyu-feedsim --dump DIR [--limit N] [--date D] [--scale X] [--seed N]\n"
    "                     [--order code|random] [--fault SPEC]...\n"
    "\n"
    "Serves a deterministic synthetic national registry of medical facilities\n"
    "and their e-prescription / EHR-sharing status as the adoption feed\n"
    "(GET [/prefix]/v1/facilities?limit=N[&cursor=C], feed-v1).\n"
    "\n"
    "  --port N         listen port (default 8471)\n"
    "  --bind ADDR      listen address (default 127.0.0.1)\n"
    "  --date D         snapshot date (default: today in Japan)\n"
    "  --scale X        registry size, 0.01..10 (default 1: about 212,000 facilities)\n"
    "  --seed N         registry seed (default 1); same flags give identical responses\n"
    "  --page-max N     return at most N records per page\n"
    "  --token T        require 'Authorization: Bearer T'\n"
    "  --order O        feed order: code (sorted, default) or random (a shuffle\n"
    "                   fixed by --seed, the same on every date)\n"
    "  --counts         print the counts for --date as JSON and exit\n"
    "  --dump DIR       write the snapshot for --date as static files and exit:\n"
    "                   DIR/v1/facilities/N/first.json, DIR/v1/facilities/N/CURSOR.json\n"
    "                   (pages of --limit N records, default 5000) and DIR/pages.txt\n"
    "                   (the request paths in order); mtimes are the snapshot time.\n"
    "                   Body faults are written into the pages; request faults\n"
    "                   (status, reset, delay, not-json, truncate) are not\n"
    "  --quiet          no request log on stderr\n"
    "\n"
    "Control: POST /_sim/date?d=YYYY-MM-DD switches the snapshot date;\n"
    "GET /_sim/counts returns the --counts JSON for the current date.\n"
    "\n"
    "Faults (pages count from 0 as offset/limit; repeat --fault to combine):\n"
    "  status:CODE[:PAGE[:COUNT]]  answer CODE (page 0 by default; every time unless COUNT)\n"
    "  retry-after:S               Retry-After seconds for 429/503 (default 1)\n"
    "  reset:PAGE[:COUNT]          drop the connection without a response\n"
    "  delay:MS[:PAGE]             wait MS before answering (every page by default)\n"
    "  not-json:PAGE  truncate:PAGE  schema:PAGE  cursor-loop:PAGE\n"
    "  missing:FIELD:PAGE  mistype:FIELD:PAGE   FIELD: snapshot|as_of|total|facilities\n"
    "  drift-asof:PAGE  drift-snapshot:PAGE  drift-total:PAGE\n"
    "  short:N  extra:N            deliver N fewer / N more records than total\n"
    "  big:PAGE:BYTES              pad the page with an unknown field of BYTES bytes\n"
    "  bad-record:KIND:COUNT       corrupt COUNT records spread through the snapshot;\n"
    "      KIND: code type-digit pref muni date future dup name beds status\n"
    "            missing-since, and two valid ones the collector must keep:\n"
    "            unknown-field, new-muni (a code like 13999, not in the table)\n";

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fukyu-feedsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return 2;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    enum {
        O_PORT = 256,
        O_BIND,
        O_DATE,
        O_SCALE,
        O_SEED,
        O_PAGE_MAX,
        O_TOKEN,
        O_FAULT,
        O_COUNTS,
        O_QUIET,
        O_ORDER,
        O_DUMP,
        O_LIMIT
    };
    static const struct option opts[] = {
        {"port", required_argument, 0, O_PORT},
        {"bind", required_argument, 0, O_BIND},
        {"date", required_argument, 0, O_DATE},
        {"scale", required_argument, 0, O_SCALE},
        {"seed", required_argument, 0, O_SEED},
        {"page-max", required_argument, 0, O_PAGE_MAX},
        {"token", required_argument, 0, O_TOKEN},
        {"fault", required_argument, 0, O_FAULT},
        {"counts", no_argument, 0, O_COUNTS},
        {"quiet", no_argument, 0, O_QUIET},
        {"order", required_argument, 0, O_ORDER},
        {"dump", required_argument, 0, O_DUMP},
        {"limit", required_argument, 0, O_LIMIT},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    sim_server_opts so = {.bind = "127.0.0.1", .port = 8471};
    sim_faults fs = {.retry_after = 1};
    pthread_mutex_init(&fs.lock, NULL);
    fk_day date = fk_today_jst();
    double scale = 1.0;
    uint64_t seed = 1;
    int counts = 0, shuffled = 0, limit = 5000, o, rc = 0;
    const char *dump = NULL;
    long v;
    char err[256];
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        const char *a = optarg;
        switch (o) {
        case 'h':
            fputs(usage, stdout);
            sim_faults_free(&fs);
            return 0;
        case O_PORT:
            if (parse_long(a, 1, 65535, &v) < 0)
                rc = usage_error("--port '%s': expected 1..65535", a);
            so.port = (int)v;
            break;
        case O_BIND: so.bind = a; break;
        case O_DATE:
            if (fk_date_parse(a, &date) < 0)
                rc = usage_error("--date '%s': expected YYYY-MM-DD", a);
            break;
        case O_SCALE: {
            char *end;
            errno = 0;
            scale = strtod(a, &end);
            if (!*a || *end || errno || !(scale >= 0.01 && scale <= 10))
                rc = usage_error(
                    "--scale '%s': expected a number from 0.01 to 10", a);
            break;
        }
        case O_SEED: {
            char *end;
            errno = 0;
            seed = strtoull(a, &end, 10);
            if (!*a || *end || errno || a[0] == '-')
                rc = usage_error("--seed '%s': expected a non-negative integer",
                                 a);
            break;
        }
        case O_PAGE_MAX:
            if (parse_long(a, 1, 10000, &v) < 0)
                rc = usage_error("--page-max '%s': expected 1..10000", a);
            so.page_max = (int)v;
            break;
        case O_TOKEN: so.token = a; break;
        case O_FAULT:
            if (sim_fault_parse(&fs, a, err, sizeof err) < 0)
                rc = usage_error("%s", err);
            break;
        case O_COUNTS: counts = 1; break;
        case O_QUIET: so.quiet = 1; break;
        case O_ORDER:
            if (strcmp(a, "code") && strcmp(a, "random"))
                rc = usage_error("--order '%s': expected code or random", a);
            shuffled = !strcmp(a, "random");
            break;
        case O_DUMP: dump = a; break;
        case O_LIMIT:
            if (parse_long(a, 1, 10000, &v) < 0)
                rc = usage_error("--limit '%s': expected 1..10000", a);
            limit = (int)v;
            break;
        case ':':
            rc = usage_error("option '%s' needs a value", argv[optind - 1]);
            break;
        default:
            rc = usage_error("unknown option '%s'", argv[optind - 1]);
            break;
        }
        if (rc) break;
    }
    if (!rc && optind < argc)
        rc = usage_error("unexpected argument '%s'", argv[optind]);
    if (rc) {
        sim_faults_free(&fs);
        return rc;
    }

    sim_registry reg;
    if (sim_registry_build(&reg, seed, scale) < 0) {
        fputs("fukyu-feedsim: out of memory building the registry\n", stderr);
        sim_registry_free(&reg);
        sim_faults_free(&fs);
        return 1;
    }
    reg.shuffled = shuffled;
    if (dump) {
        rc = sim_dump(&reg, &fs, date, dump, limit);
    } else if (counts) {
        sim_snapshot *s = sim_snapshot_build(&reg, &fs, date);
        if (!s) {
            fputs("fukyu-feedsim: out of memory building the snapshot\n",
                  stderr);
            rc = 1;
        } else {
            fk_buf b = {0};
            sim_snapshot_counts_json(s, &b);
            puts(b.p);
            fk_buf_free(&b);
            sim_snapshot_free(s);
        }
    } else {
        rc = sim_serve(&reg, &fs, date, &so);
    }
    sim_registry_free(&reg);
    sim_faults_free(&fs);
    pthread_mutex_destroy(&fs.lock);
    return rc;
}
