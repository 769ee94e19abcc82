/* cmd_token.c - `fukyu token add|list|revoke`: dashboard access tokens.
 * A new token is printed once; the store keeps only its SHA-256. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_token = {
    "token",
    run,
    "manage dashboard access tokens (add, list, revoke)",
    "usage: fukyu token add --scope SCOPE --name TEXT [--db PATH] [--config PATH]\n"
    "       fukyu token list [--db PATH] [--config PATH]\n"
    "       fukyu token revoke ID [--db PATH] [--config PATH]\n"
    "\n"
    "Tokens open the dashboard's facility-level exports (and everything else\n"
    "when [http] public_aggregates = no).  Clients send them as\n"
    "'Authorization: Bearer TOKEN'.\n"
    "  add      prints a new token once; only its SHA-256 is stored, so keep it\n"
    "           now.  SCOPE is national, pref:NN (a prefecture, 01..47) or\n"
    "           followup:NN (a prefecture's follow-up team)\n"
    "  list     id, scope, name, created and revoked times (never tokens)\n"
    "  revoke   revokes the token with that id at once\n",
};

enum {
    O_SCOPE = 1,
    O_NAME
};

static int print_row(const fk_token_row *t, void *ctx)
{
    (void)ctx;
    printf("%-5lld %-12s %-20s %-20s %s\n", (long long)t->id, t->scope,
           t->created_at, t->revoked_at[0] ? t->revoked_at : "-", t->name);
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"scope", required_argument, NULL, O_SCOPE},
        {"name", required_argument, NULL, O_NAME},
        FK_COMMON_LONGOPTS,
        {0, 0, 0, 0},
    };
    const fk_command *me = &fk_cmd_token;
    fk_cli_env env = {0};
    const char *scope = NULL, *name = NULL;
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &env);
        if (r < 0) return 0;
        if (r > 0) continue;
        switch (o) {
        case O_SCOPE: scope = optarg; break;
        case O_NAME: name = optarg; break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return fk_cli_usage_error(me, "missing action (add, list, revoke)");
    const char *action = argv[optind++];
    long long id = 0;
    fk_scope sc;
    if (!strcmp(action, "add")) {
        if (!scope) return fk_cli_usage_error(me, "add: --scope is required");
        if (fk_scope_parse(scope, &sc) < 0)
            return fk_cli_usage_error(
                me,
                "--scope: '%s' is not national, pref:NN or followup:NN (NN 01..47)",
                scope);
        if (!name || !*name)
            return fk_cli_usage_error(me, "add: --name is required");
        if (optind < argc)
            return fk_cli_usage_error(me, "unexpected argument '%s'",
                                      argv[optind]);
    } else if (!strcmp(action, "list")) {
        if (scope || name)
            return fk_cli_usage_error(me, "list takes no --scope or --name");
        if (optind < argc)
            return fk_cli_usage_error(me, "unexpected argument '%s'",
                                      argv[optind]);
    } else if (!strcmp(action, "revoke")) {
        if (scope || name)
            return fk_cli_usage_error(me, "revoke takes no --scope or --name");
        if (optind >= argc) return fk_cli_usage_error(me, "revoke: missing ID");
        if (fk_cli_parse_int(argv[optind], 1, INT64_MAX, &id) < 0)
            return fk_cli_usage_error(me, "revoke: '%s' is not a token id",
                                      argv[optind]);
        if (++optind < argc)
            return fk_cli_usage_error(me, "unexpected argument '%s'",
                                      argv[optind]);
    } else {
        return fk_cli_usage_error(me, "unknown action '%s' (add, list, revoke)",
                                  action);
    }
    if (fk_cli_setup(&env) < 0) return 1;
    int list = !strcmp(action, "list");
    fk_store *st =
        fk_cli_open_store(&env, list ? FK_STORE_READONLY : FK_STORE_RW);
    if (!st) return 1;
    int rc = 0;
    if (!strcmp(action, "add")) {
        char tok[FK_TOKEN_HEX + 1];
        int64_t newid;
        if (fk_token_add(st, name, scope, tok, &newid) < 0)
            rc = fk_cli_fail("token add: %s", fk_store_error(st));
        else {
            printf("%s\n", tok);
            fprintf(stderr,
                    "token %lld (%s) created; it is shown only this once\n",
                    (long long)newid, scope);
            memset(tok, 0, sizeof tok);
        }
    } else if (list) {
        printf("%-5s %-12s %-20s %-20s %s\n", "id", "scope", "created",
               "revoked", "name");
        if (fk_token_each(st, print_row, NULL) < 0)
            rc = fk_cli_fail("token list: %s", fk_store_error(st));
    } else {
        if (fk_token_revoke(st, id) < 0)
            rc = fk_cli_fail("token revoke: %s", fk_store_error(st));
        else
            printf("token %lld revoked\n", id);
    }
    fk_store_close(st);
    return rc;
}
