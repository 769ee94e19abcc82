/* cmd_followup.c - `fukyu followup add|list|import|summary`: what the
 * follow-up teams learn on the phone.  This file parses the options of
 * every action and runs add and list; import (cmd_followup_import.c) and
 * summary (cmd_followup_summary.c) have their own files. */
#include "cli/cmd_followup.h"

#include <stdlib.h>
#include <string.h>

#include "reports/followup.h"

static int run(int argc, char **argv);

const fk_command fk_cmd_followup = {
    "followup",
    run,
    "follow-up contacts: add, list, import a filled-in list, summary",
    "usage: fukyu followup add CODE --program P --date YYYY-MM-DD --outcome O\n"
    "                      [--barrier 1,4] [--team T] [--note TEXT]\n"
    "       fukyu followup list [--program P] [--prefecture NN] [--team T]\n"
    "                      [--since YYYY-MM-DD] [--csv]\n"
    "       fukyu followup import FILE.csv|FILE.xlsx [--program P] [--team T]\n"
    "                      [--strict]\n"
    "       fukyu followup summary --program P [--prefecture NN]\n"
    "                      [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
    "       (every action also takes --db PATH and --config PATH)\n"
    "\n"
    "A contact is one call to a facility about program P (eprescription,\n"
    "ehr_sharing): its date, the team, the outcome (reached, unreachable,\n"
    "declined, will_adopt, adopted; or 対応あり, 不通, 導入せず, 導入予定,\n"
    "導入済), the barriers named (the ministry's codes 1-7, several allowed)\n"
    "and a note.  Barriers: 1 unsure it can be run safely, 2 repeated system\n"
    "changes / vendors stretched, 3 vendor lacks the functions, 4 cost,\n"
    "5 nearby facilities have not adopted, 6 no demand from patients, 7 no\n"
    "electronic health records.  A contact is the same contact when facility,\n"
    "program, date, team and outcome are: storing it again adds nothing.\n"
    "\n"
    "  add      stores one contact; CODE is the 10-digit facility code\n"
    "  list     contacts by date (all programs unless --program), as a table\n"
    "           or RFC 4180 CSV\n"
    "  import   reads a list written by `fukyu export non-adopters` after a\n"
    "           team filled its followup_* columns in a spreadsheet: CSV in\n"
    "           UTF-8 (with or without BOM) or cp932, or XLSX; English keys or\n"
    "           Japanese titles.  Rows without a followup date are skipped.\n"
    "           Each bad row (unknown facility code, bad outcome, barrier\n"
    "           outside 1-7, bad or future date) is reported with its line\n"
    "           (XLSX: row) number.  The valid rows are stored in one\n"
    "           transaction; with --strict nothing is stored if any row is\n"
    "           bad.  Exit 1 when any row was bad.  --program defaults to\n"
    "           eprescription; --team fills rows whose team is empty\n"
    "  summary  contacts, facilities, outcomes, barriers (by type and bed\n"
    "           band) in a period, and conversion: of the facilities first\n"
    "           contacted in it while not operating, the share operating 30,\n"
    "           60 and 90 days later, beside the share among comparable\n"
    "           facilities never contacted (same type, prefecture and status\n"
    "           on the day of the first contact)\n"
    "\n"
    "Dates after today (JST) are refused; --today YYYY-MM-DD sets today\n"
    "(for tests and for entering a backlog on a known day).\n",
};

enum {
    O_PROGRAM = 1,
    O_DATE,
    O_OUTCOME,
    O_BARRIER,
    O_TEAM,
    O_NOTE,
    O_PREF,
    O_SINCE,
    O_CSV,
    O_STRICT,
    O_FROM,
    O_TO,
    O_JSON,
    O_TODAY
};

/* Which options each action takes (bit per O_ value). */
#define B(o) (1u << (o))
static const struct {
    const char *name;
    unsigned allowed;
} actions[] = {
    {"add", B(O_PROGRAM) | B(O_DATE) | B(O_OUTCOME) | B(O_BARRIER) | B(O_TEAM) |
                B(O_NOTE) | B(O_TODAY)},
    {"list", B(O_PROGRAM) | B(O_PREF) | B(O_TEAM) | B(O_SINCE) | B(O_CSV)},
    {"import", B(O_PROGRAM) | B(O_TEAM) | B(O_STRICT) | B(O_TODAY)},
    {"summary", B(O_PROGRAM) | B(O_PREF) | B(O_FROM) | B(O_TO) | B(O_JSON)},
};

static const char *const opt_names[] = {
    [O_PROGRAM] = "--program", [O_DATE] = "--date",   [O_OUTCOME] = "--outcome",
    [O_BARRIER] = "--barrier", [O_TEAM] = "--team",   [O_NOTE] = "--note",
    [O_PREF] = "--prefecture", [O_SINCE] = "--since", [O_CSV] = "--csv",
    [O_STRICT] = "--strict",   [O_FROM] = "--from",   [O_TO] = "--to",
    [O_JSON] = "--json",       [O_TODAY] = "--today",
};

static int parse(const fk_command *me, int argc, char **argv, fu_args *a)
{
    static const struct option opts[] = {
        FK_COMMON_LONGOPTS,
        {"program", required_argument, NULL, O_PROGRAM},
        {"date", required_argument, NULL, O_DATE},
        {"outcome", required_argument, NULL, O_OUTCOME},
        {"barrier", required_argument, NULL, O_BARRIER},
        {"barriers", required_argument, NULL, O_BARRIER},
        {"team", required_argument, NULL, O_TEAM},
        {"note", required_argument, NULL, O_NOTE},
        {"prefecture", required_argument, NULL, O_PREF},
        {"since", required_argument, NULL, O_SINCE},
        {"csv", no_argument, NULL, O_CSV},
        {"strict", no_argument, NULL, O_STRICT},
        {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},
        {"json", no_argument, NULL, O_JSON},
        {"today", required_argument, NULL, O_TODAY},
        {0, 0, 0, 0},
    };
    unsigned seen = 0;
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int r = fk_cli_common(me, o, &a->env);
        if (r < 0) return -1;
        if (r > 0) continue;
        if (o >= O_PROGRAM && o <= O_TODAY) seen |= B(o);
        switch (o) {
        case O_PROGRAM:
            if (fk_cli_arg_program(me, optarg, &a->program)) return 2;
            break;
        case O_DATE:
            if (fk_cli_arg_date(me, "--date", optarg, &a->date)) return 2;
            break;
        case O_OUTCOME: a->outcome = optarg; break;
        case O_BARRIER: a->barriers = optarg; break;
        case O_TEAM: a->team = optarg; break;
        case O_NOTE: a->note = optarg; break;
        case O_PREF:
            if (fk_cli_arg_pref(me, optarg, &a->pref)) return 2;
            break;
        case O_SINCE:
            if (fk_cli_arg_date(me, "--since", optarg, &a->since)) return 2;
            break;
        case O_CSV: a->csv = 1; break;
        case O_STRICT: a->strict = 1; break;
        case O_FROM:
            if (fk_cli_arg_date(me, "--from", optarg, &a->from)) return 2;
            break;
        case O_TO:
            if (fk_cli_arg_date(me, "--to", optarg, &a->to)) return 2;
            break;
        case O_JSON: a->json = 1; break;
        case O_TODAY:
            if (fk_cli_arg_date(me, "--today", optarg, &a->today)) return 2;
            break;
        default:
            return fk_cli_usage_error(me, "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return fk_cli_usage_error(
            me, "missing action (add, list, import, summary)");
    a->action = argv[optind++];
    size_t k = 0, na = sizeof actions / sizeof actions[0];
    while (k < na && strcmp(actions[k].name, a->action)) k++;
    if (k == na)
        return fk_cli_usage_error(
            me, "unknown action '%s' (add, list, import, summary)", a->action);
    for (int i = O_PROGRAM; i <= O_TODAY; i++)
        if (seen & B(i) & ~actions[k].allowed)
            return fk_cli_usage_error(me, "%s does not take %s", a->action,
                                      opt_names[i]);
    int wants_arg = !strcmp(a->action, "add") || !strcmp(a->action, "import");
    if (wants_arg) {
        if (optind >= argc)
            return fk_cli_usage_error(me, "%s: missing %s", a->action,
                                      k == 0 ? "CODE" : "FILE");
        a->arg = argv[optind++];
    }
    if (optind < argc)
        return fk_cli_usage_error(me, "unexpected argument '%s'", argv[optind]);
    if (a->from >= 0 && a->to >= 0 && a->from > a->to)
        return fk_cli_usage_error(me, "--from is after --to");
    return 0;
}

static int add(const fk_command *me, fu_args *a)
{
    fk_contact c = {.program = a->program,
                    .day = a->date,
                    .team = a->team ? a->team : "",
                    .note = a->note ? a->note : ""};
    char err[300];
    if (!a->program)
        return fk_cli_usage_error(me, "add: --program is required");
    if (a->date < 0) return fk_cli_usage_error(me, "add: --date is required");
    char d1[FK_DATE_LEN], d2[FK_DATE_LEN];
    if (a->date > a->today)
        return fk_cli_usage_error(
            me, "--date %s is in the future (today is %s)",
            fk_date_format(a->date, d1), fk_date_format(a->today, d2));
    if (!a->outcome)
        return fk_cli_usage_error(me, "add: --outcome is required");
    if ((c.outcome = fk_outcome_by_name(a->outcome)) < 0)
        return fk_cli_usage_error(
            me,
            "--outcome: '%s' is not reached, unreachable, declined, "
            "will_adopt or adopted",
            a->outcome);
    if (a->barriers &&
        fk_barriers_parse(a->barriers, &c.barriers, err, sizeof err) < 0)
        return fk_cli_usage_error(me, "--barrier: %s", err);
    if (strlen(a->arg) != 10 || strspn(a->arg, "0123456789") != 10)
        return fk_cli_usage_error(me, "add: '%s' is not a 10-digit code",
                                  a->arg);
    if (strlen(c.team) > FK_TEAM_MAX || strlen(c.note) > FK_NOTE_MAX)
        return fk_cli_usage_error(me, "--team or --note is too long");
    memcpy(c.code, a->arg, 11);
    if (fk_cli_setup(&a->env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&a->env, FK_STORE_RW);
    if (!st) return 1;
    int rc = 0, known = fk_followup_known(st, c.code);
    int64_t added = 0;
    if (known < 0)
        rc = fk_cli_fail("followup add: %s", fk_store_error(st));
    else if (!known)
        rc = fk_cli_fail("followup add: unknown facility code %s", c.code);
    else if (fk_followup_store(st, &c, 1, "cli", &added) < 0)
        rc = fk_cli_fail("followup add: %s", fk_store_error(st));
    else
        printf(added ? "contact stored\n"
                     : "contact already stored; nothing added\n");
    fk_store_close(st);
    return rc;
}

/* One CSV field, quoted when it needs to be (RFC 4180). */
static void csv_field(const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"') putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    fputs(last ? "\r\n" : ",", stdout);
}

static int list_row(const fk_contact_row *r, void *ctx)
{
    const fu_args *a = ctx;
    char d[FK_DATE_LEN], b[32], pref[3];
    fk_date_format(r->c.day, d);
    fk_barriers_format(r->c.barriers, b, sizeof b);
    snprintf(pref, sizeof pref, "%02d", r->pref);
    const char *outcome =
        r->c.outcome >= 0 ? fk_outcomes[r->c.outcome].key : "";
    if (a->csv) {
        const char *f[] = {d,    r->c.code,    r->name,   fk_types[r->type].key,
                           pref, r->c.program, r->c.team, outcome,
                           b,    r->c.note};
        for (int i = 0; i < 10; i++) csv_field(f[i], i == 9);
    } else {
        printf("%s  %s  %-12s  %-10s  %-7s  %-9s  %s  %s\n", d, r->c.code,
               outcome, r->c.team[0] ? r->c.team : "-", b[0] ? b : "-",
               r->c.program, r->name, r->c.note);
    }
    return 0;
}

static int list(fu_args *a)
{
    if (fk_cli_setup(&a->env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&a->env, FK_STORE_READONLY);
    if (!st) return 1;
    fk_followup_filter f = {.program = a->program,
                            .pref = a->pref,
                            .team = a->team,
                            .from = a->since,
                            .to = -1};
    if (a->csv)
        fputs("date,code,name,type,prefecture_code,program,team,outcome,"
              "barriers,note\r\n",
              stdout);
    int rc = 0;
    if (fk_followup_each(st, &f, list_row, a) < 0)
        rc = fk_cli_fail("followup list: %s", fk_store_error(st));
    fk_store_close(st);
    return rc;
}

static int run(int argc, char **argv)
{
    const fk_command *me = &fk_cmd_followup;
    fu_args a = {.date = -1, .since = -1, .from = -1, .to = -1, .today = -1};
    int rc = parse(me, argc, argv, &a);
    if (rc < 0) return 0; /* --help */
    if (rc) return rc;
    if (a.today < 0) a.today = fk_today_jst();
    if (!strcmp(a.action, "add")) return add(me, &a);
    if (!strcmp(a.action, "list")) return list(&a);
    if (!strcmp(a.action, "import")) return fk_followup_import_run(&a);
    return fk_followup_summary_run(&a);
}
