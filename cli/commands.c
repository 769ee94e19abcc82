/* commands.c - the table of subcommands.  Each command lives in its own
 * cli/cmd_NAME.c, which defines one `const fk_command fk_cmd_NAME`; list it
 * here (declaration and table row) in the order `fukyu help` shows. */
#include "cli/cli.h"

extern const fk_command fk_cmd_check_config;
extern const fk_command fk_cmd_chart;
extern const fk_command fk_cmd_report;
extern const fk_command fk_cmd_export;
extern const fk_command fk_cmd_collect;
extern const fk_command fk_cmd_summary;
extern const fk_command fk_cmd_series;
extern const fk_command fk_cmd_pulls;
extern const fk_command fk_cmd_rejects;
extern const fk_command fk_cmd_forecast;
extern const fk_command fk_cmd_backtest;
extern const fk_command fk_cmd_serve;
extern const fk_command fk_cmd_daemon;
extern const fk_command fk_cmd_publish;
extern const fk_command fk_cmd_token;
extern const fk_command fk_cmd_followup;

const fk_command *const fk_commands[] = {
    &fk_cmd_collect,
    &fk_cmd_summary,
    &fk_cmd_series,
    &fk_cmd_pulls,
    &fk_cmd_rejects,
    &fk_cmd_forecast,
    &fk_cmd_backtest,
    &fk_cmd_chart,
    &fk_cmd_report,
    &fk_cmd_export,
    &fk_cmd_followup,
    &fk_cmd_daemon,
    &fk_cmd_serve,
    &fk_cmd_token,
    &fk_cmd_check_config,
    &fk_cmd_publish,
    NULL,
};
