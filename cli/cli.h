/* cli.h - what every subcommand shares: the command table, option
 * conventions and exit codes.
 *
 * Exit codes: 0 success, 1 a runtime failure (one line on stderr naming
 * what failed), 2 a usage error (usage on stderr).
 *
 * Every command that touches data accepts --db PATH and --config PATH;
 * --db overrides [store] path.  A missing config file is fine when it is
 * the default path; a path given with --config must exist. */
#ifndef FK_CLI_H
#define FK_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "core/config.h"
#include "data/store.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full usage text, printed by CMD --help */
} fk_command;

const fk_command *fk_cli_find(const char *name);

/* Option letters shared by all commands.  Use FK_COMMON_LONGOPTS inside a
 * command's struct option array and fk_cli_common() in its switch. */
#define FK_OPT_DB     1001
#define FK_OPT_CONFIG 1002
#define FK_COMMON_LONGOPTS                                  \
    {"db", required_argument, NULL, FK_OPT_DB},             \
        {"config", required_argument, NULL, FK_OPT_CONFIG}, \
    {                                                       \
        "help", no_argument, NULL, 'h'                      \
    }

typedef struct {
    const char *db;     /* --db */
    const char *config; /* --config */
    fk_config cfg;      /* loaded by fk_cli_setup */
} fk_cli_env;

/* Handles a common option; returns 1 if it was one, -1 for --help (usage
 * printed, caller returns 0), 0 otherwise. */
int fk_cli_common(const fk_command *cmd, int opt, fk_cli_env *env);
/* Loads the config (defaults, then file) and applies --db.  Prints the
 * error and returns -1 on failure. */
int fk_cli_setup(fk_cli_env *env);
/* Opens the store named by env (after fk_cli_setup); prints on failure. */
fk_store *fk_cli_open_store(fk_cli_env *env, int flags);

/* Print "fukyu CMD: message" and the usage to stderr; returns 2. */
int fk_cli_usage_error(const fk_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "fukyu: message" to stderr; returns 1. */
int fk_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Argument parsers: 0 ok, -1 bad (nothing printed). */
int fk_cli_parse_int(const char *s, long long min, long long max,
                     long long *out);
int fk_cli_parse_double(const char *s, double min, double max, double *out);

/* Domain arguments.  Each returns 0, or prints a usage error naming the
 * option and the accepted values and returns 2 (the exit code). */
int fk_cli_arg_program(const fk_command *cmd, const char *s, const char **out);
int fk_cli_arg_type(const fk_command *cmd, const char *s,
                    int *out); /* -1 = all */
int fk_cli_arg_pref(const fk_command *cmd, const char *s, int *out); /* 1..47 */
int fk_cli_arg_date(const fk_command *cmd, const char *opt, const char *s,
                    fk_day *out);
/* --municipality CODE (fk_muni_parse): sets *pref to the code's prefecture,
 * which must agree with a --prefecture already given (*pref != 0). */
int fk_cli_arg_muni(const fk_command *cmd, const char *s, int *pref,
                    char out[6]);

/* Resets getopt for a fresh parse. */
void fk_cli_getopt_reset(void);

#endif
