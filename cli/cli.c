/* cli.c - shared option handling and error reporting for subcommands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int fk_cli_common(const fk_command *cmd, int opt, fk_cli_env *env)
{
    switch (opt) {
    case FK_OPT_DB: env->db = optarg; return 1;
    case FK_OPT_CONFIG: env->config = optarg; return 1;
    case 'h': fputs(cmd->usage, stdout); return -1;
    default: return 0;
    }
}

int fk_cli_setup(fk_cli_env *env)
{
    char err[1200];
    fk_config_defaults(&env->cfg);
    const char *path = env->config ? env->config : FK_CONFIG_DEFAULT_PATH;
    if (fk_config_load(&env->cfg, path, env->config != NULL, err, sizeof err) <
        0) {
        fprintf(stderr, "fukyu: config: %s\n", err);
        return -1;
    }
    if (env->db) {
        if (strlen(env->db) >= sizeof env->cfg.db_path) {
            fprintf(stderr, "fukyu: --db: path too long\n");
            return -1;
        }
        snprintf(env->cfg.db_path, sizeof env->cfg.db_path, "%s", env->db);
    }
    return 0;
}

fk_store *fk_cli_open_store(fk_cli_env *env, int flags)
{
    char err[1200];
    fk_store *st = fk_store_open(env->cfg.db_path, flags, err, sizeof err);
    if (!st) fprintf(stderr, "fukyu: store: %s\n", err);
    return st;
}

int fk_cli_usage_error(const fk_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fukyu %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fputs(cmd->usage, stderr);
    return 2;
}

int fk_cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("fukyu: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    return 1;
}

int fk_cli_parse_int(const char *s, long long min, long long max,
                     long long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s) return -1;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < min || v > max) return -1;
    *out = v;
    return 0;
}

int fk_cli_parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    if (!s || !*s) return -1;
    double v = strtod(s, &end);
    if (*end || errno || !(v >= min && v <= max)) return -1;
    *out = v;
    return 0;
}

void fk_cli_getopt_reset(void)
{
    optind = 0; /* glibc: 0 re-initialises getopt completely */
    opterr = 0; /* commands report unknown options themselves */
}

int fk_cli_arg_program(const fk_command *cmd, const char *s, const char **out)
{
    const fk_program_info *p = fk_program_by_key(s);
    if (!p)
        return fk_cli_usage_error(
            cmd, "--program: unknown program '%s' (eprescription, ehr_sharing)",
            s);
    *out = p->key;
    return 0;
}

int fk_cli_arg_type(const fk_command *cmd, const char *s, int *out)
{
    if (!strcmp(s, "all")) {
        *out = -1;
        return 0;
    }
    int t = fk_type_by_key(s);
    if (t < 0)
        return fk_cli_usage_error(
            cmd,
            "--type: unknown facility type '%s' (hospital, clinic, dental, pharmacy, all)",
            s);
    *out = t;
    return 0;
}

int fk_cli_arg_pref(const fk_command *cmd, const char *s, int *out)
{
    const fk_pref *p = fk_pref_by_str(s);
    if (!p)
        return fk_cli_usage_error(
            cmd, "--prefecture: '%s' is not a prefecture code 01..47", s);
    *out = p->code;
    return 0;
}

int fk_cli_arg_muni(const fk_command *cmd, const char *s, int *pref,
                    char out[6])
{
    char why[128];
    int p = fk_muni_parse(s, out, why, sizeof why);
    if (p < 0) return fk_cli_usage_error(cmd, "--municipality: %s", why);
    if (*pref && *pref != p)
        return fk_cli_usage_error(
            cmd, "--municipality %s is not in --prefecture %02d", s, *pref);
    *pref = p;
    return 0;
}

int fk_cli_arg_date(const fk_command *cmd, const char *opt, const char *s,
                    fk_day *out)
{
    if (fk_date_parse(s, out) < 0)
        return fk_cli_usage_error(cmd, "%s: '%s' is not a date YYYY-MM-DD", opt,
                                  s);
    return 0;
}
