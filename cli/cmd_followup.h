/* cmd_followup.h - the parts of `fukyu followup` (cmd_followup.c parses
 * and runs add and list; import and summary have their own files). */
#ifndef FK_CMD_FOLLOWUP_H
#define FK_CMD_FOLLOWUP_H

#include "cli/cli.h"
#include "data/followup.h"

extern const fk_command fk_cmd_followup;

typedef struct {
    const char *action;
    const char *arg; /* add: CODE; import: FILE */
    const char *program, *team, *note, *outcome, *barriers;
    int pref, csv, json, strict;
    fk_day date, since, from, to, today;
    fk_cli_env env;
} fu_args;

int fk_followup_import_run(fu_args *a);
int fk_followup_summary_run(fu_args *a);

#endif
