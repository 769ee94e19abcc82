/* commands.c - the table of subcommands.  Each command lives in its own
 * cli/cmd_NAME.c, which defines one `const fk_command fk_cmd_NAME`; list it
 * here (declaration and table row) in the order `fukyu help` shows. */
#include "cli/cli.h"

extern const fk_command fk_cmd_check_config;

const fk_command *const fk_commands[] = {
    &fk_cmd_check_config,
    NULL,
};
