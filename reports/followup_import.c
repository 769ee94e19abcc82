/* followup_import.c - checking a filled-in list row by row (followup.h):
 * finds the columns by key or Japanese title, skips rows without a
 * follow-up date, and turns the others into contacts or into one error
 * line each that says everything wrong with the row. */
#include "reports/followup.h"
#include "core/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fk_followup_columns[FK_FU_NCOL][2] = {
    {"followup_date", "フォローアップ日"},
    {"followup_outcome", "フォローアップ結果"},
    {"followup_barriers", "導入の障壁"},
    {"followup_team", "担当チーム"},
    {"followup_note", "フォローアップメモ"},
};

enum {
    K_CODE,
    K_DATE,
    K_OUTCOME,
    K_BARRIERS,
    K_TEAM,
    K_NOTE,
    NKEY
};

/* Text without surrounding ASCII or ideographic spaces, into out. */
static void trimmed(const char *s, char *out, size_t n)
{
    while (*s == ' ' || *s == '\t' || !strncmp(s, "\u3000", 3))
        s += *s == ' ' || *s == '\t' ? 1 : 3;
    size_t len = strlen(s);
    for (;;) {
        if (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        else if (len >= 3 && !strncmp(s + len - 3, "\u3000", 3))
            len -= 3;
        else
            break;
    }
    if (len >= n) len = n - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

static int find_columns(const fk_sheet_row *h, int col[NKEY])
{
    static const char *const code[2] = {"code", "医療機関コード"};
    for (int k = 0; k < NKEY; k++) col[k] = -1;
    for (int j = 0; j < h->n; j++) {
        char t[128];
        trimmed(h->cells[j].text, t, sizeof t);
        for (int l = 0; l < 2; l++) {
            if (!strcmp(t, code[l]) && col[K_CODE] < 0) col[K_CODE] = j;
            for (int k = 0; k < FK_FU_NCOL; k++)
                if (!strcmp(t, fk_followup_columns[k][l]) && col[k + 1] < 0)
                    col[k + 1] = j;
        }
    }
    return col[K_CODE] >= 0 && col[K_DATE] >= 0 && col[K_OUTCOME] >= 0;
}

int fk_barriers_parse(const char *s, unsigned *out, char *err, size_t errlen)
{
    unsigned b = 0;
    const char *p = s;
    while (*p) {
        if (*p == ';' || *p == ',' || *p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        if (!strncmp(p, "、", 3) || !strncmp(p, "・", 3) ||
            !strncmp(p, "；", 3) || !strncmp(p, "\u3000", 3)) {
            p += 3;
            continue;
        }
        const char *q = p;
        long v = 0;
        while (*q >= '0' && *q <= '9' && v < 1000) v = v * 10 + (*q++ - '0');
        if (q == p ||
            (*q && !strchr(";, \t", *q) && (unsigned char)*q < 0x80)) {
            snprintf(err, errlen, "barriers '%s': '%.*s' is not a code 1-7", s,
                     (int)strcspn(p, ";, \t"), p);
            return -1;
        }
        if (v < 1 || v > FK_NBARRIER) {
            snprintf(err, errlen, "barrier %ld is outside 1-7", v);
            return -1;
        }
        b |= 1u << (v - 1);
        p = q;
    }
    *out = b;
    return 0;
}

void fk_barriers_format(unsigned b, char *out, size_t n)
{
    size_t k = 0;
    if (n) out[0] = '\0';
    for (int i = 0; i < FK_NBARRIER && k + 3 < n; i++)
        if (b >> i & 1)
            k += (size_t)snprintf(out + k, n - k, "%s%d", k ? ";" : "", i + 1);
}

/* A date cell: YYYY-MM-DD, YYYY/MM/DD (or /M/D), or an XLSX day serial. */
static int cell_date(const fk_sheet_cell *c, const char *t, fk_day *out)
{
    if (c->numeric) {
        char *end;
        double v = strtod(t, &end);
        if (*end || v < 1 || v > 2958465) return -1;
        *out = (fk_day)v - 25569; /* serial 25569 is 1970-01-01 */
        return 0;
    }
    if (fk_date_parse(t, out) == 0) return 0;
    int y, m, d;
    char extra;
    if (sscanf(t, "%4d/%2d/%2d%c", &y, &m, &d, &extra) == 3) {
        char iso[16];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        return fk_date_parse(iso, out);
    }
    return -1;
}

/* The facility code: 10 digits, or 9 when a spreadsheet read the code as
 * a number and dropped its leading zero. */
static int cell_code(const char *t, char out[11])
{
    size_t n = strlen(t);
    if ((n != 9 && n != 10) || strspn(t, "0123456789") != n) return -1;
    snprintf(out, 11, "%s%s", n == 9 ? "0" : "", t);
    return 0;
}

static const char *cell(const fk_sheet_row *r, int col)
{
    return col >= 0 && col < r->n ? r->cells[col].text : "";
}

typedef struct {
    char msg[512];
    size_t len;
} problems;

static void add(problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(problems *p, const char *fmt, ...)
{
    if (p->len + 3 >= sizeof p->msg) return;
    if (p->len) p->len += (size_t)snprintf(p->msg + p->len, 3, "; ");
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(p->msg + p->len, sizeof p->msg - p->len, fmt, ap);
    va_end(ap);
    p->len += k > 0 ? (size_t)k : 0;
    if (p->len >= sizeof p->msg) p->len = sizeof p->msg - 1;
}

/* One row into c, or its problems into p.  -1 on a store error. */
static int check_row(fk_store *st, const fk_sheet_row *r, const int col[NKEY],
                     const fk_import_opts *o, fk_contact *c, problems *p)
{
    char t[FK_SHEET_MAX_CELL + 1], d1[FK_DATE_LEN], d2[FK_DATE_LEN];
    memset(c, 0, sizeof *c);
    c->program = o->program;
    trimmed(cell(r, col[K_CODE]), t, sizeof t);
    if (!*t)
        add(p, "the facility code is empty");
    else if (cell_code(t, c->code) < 0)
        add(p, "facility code '%s' is not 10 digits", t);
    else {
        int known = fk_followup_known(st, c->code);
        if (known < 0) return -1;
        if (!known) add(p, "unknown facility code %s", c->code);
    }
    /* Rows without a date were skipped, so the date cell is there. */
    const fk_sheet_cell *dc = &r->cells[col[K_DATE]];
    trimmed(dc->text, t, sizeof t);
    if (cell_date(dc, t, &c->day) < 0)
        add(p, "date '%s' is not a date (YYYY-MM-DD)", t);
    else if (c->day > o->today)
        add(p, "date %s is in the future (today is %s)",
            fk_date_format(c->day, d1), fk_date_format(o->today, d2));
    trimmed(cell(r, col[K_OUTCOME]), t, sizeof t);
    c->outcome = fk_outcome_by_name(t);
    if (!*t)
        add(p, "the outcome is empty");
    else if (c->outcome < 0)
        add(p,
            "outcome '%s' is not one of reached, unreachable, declined, "
            "will_adopt, adopted",
            t);
    trimmed(cell(r, col[K_BARRIERS]), t, sizeof t);
    char berr[200];
    if (fk_barriers_parse(t, &c->barriers, berr, sizeof berr) < 0)
        add(p, "%s", berr);
    c->team = cell(r, col[K_TEAM]);
    if (!*c->team && o->team) c->team = o->team;
    if (strlen(c->team) > FK_TEAM_MAX)
        add(p, "the team name is longer than %d bytes", FK_TEAM_MAX);
    c->note = cell(r, col[K_NOTE]);
    if (strlen(c->note) > FK_NOTE_MAX)
        add(p, "the note is longer than %d bytes", FK_NOTE_MAX);
    return 0;
}

int fk_import_check(fk_store *st, const fk_sheet *sh, const fk_import_opts *o,
                    fk_import *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int col[NKEY];
    if (!sh->n || !find_columns(&sh->rows[0], col)) {
        snprintf(err, errlen,
                 "line %d: the header needs the columns code, followup_date "
                 "and followup_outcome (or 医療機関コード, %s and %s), as "
                 "`fukyu export non-adopters` writes them",
                 sh->n ? sh->rows[0].line : 1, fk_followup_columns[0][1],
                 fk_followup_columns[1][1]);
        return -1;
    }
    out->contacts = fk_xcalloc(sh->n, sizeof *out->contacts);
    out->errors = fk_xcalloc(sh->n, sizeof *out->errors);
    for (size_t i = 1; i < sh->n; i++) {
        const fk_sheet_row *r = &sh->rows[i];
        char t[64];
        out->rows++;
        trimmed(cell(r, col[K_DATE]), t, sizeof t);
        if (!*t) {
            out->skipped++;
            continue;
        }
        problems p = {.len = 0};
        p.msg[0] = '\0';
        if (check_row(st, r, col, o, &out->contacts[out->n], &p) < 0) {
            snprintf(err, errlen, "store: %s", fk_store_error(st));
            fk_import_free(out);
            return -1;
        }
        if (p.len) {
            fk_import_error *e = &out->errors[out->nerr++];
            e->line = r->line;
            snprintf(e->msg, sizeof e->msg, "%s", p.msg);
        } else {
            out->n++;
        }
    }
    return 0;
}

void fk_import_free(fk_import *im)
{
    free(im->contacts);
    free(im->errors);
    memset(im, 0, sizeof *im);
}
