/* main.c - entry point of the fukyu binary: git-style subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

extern const fk_command *const fk_commands[];

static void usage(FILE *out)
{
    fputs("usage: fukyu COMMAND [OPTIONS]\n"
          "       fukyu help | --version | COMMAND --help\n\ncommands:\n",
          out);
    for (const fk_command *const *c = fk_commands; *c; c++)
        fprintf(out, "  %-14s %s\n", (*c)->name, (*c)->summary);
}

const fk_command *fk_cli_find(const char *name)
{
    for (const fk_command *const *c = fk_commands; *c; c++)
        if (strcmp((*c)->name, name) == 0) return *c;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("fukyu %s\n", FK_VERSION);
        return 0;
    }
    if (!strcmp(name, "help") || !strcmp(name, "--help") ||
        !strcmp(name, "-h")) {
        if (argc > 2) {
            const fk_command *c = fk_cli_find(argv[2]);
            if (!c) {
                fprintf(stderr, "fukyu: unknown command '%s'\n", argv[2]);
                usage(stderr);
                return 2;
            }
            fputs(c->usage, stdout);
            return 0;
        }
        usage(stdout);
        return 0;
    }
    const fk_command *c = fk_cli_find(name);
    if (!c) {
        fprintf(stderr, "fukyu: unknown command '%s'\n", name);
        usage(stderr);
        return 2;
    }
    fk_cli_getopt_reset();
    return c->run(argc - 1, argv + 1);
}
