/* export.c - facility lists for follow-up teams (see export.h): picks the
 * columns, walks the store's facilities and hands each row to the CSV or
 * XLSX writer, writing under a temporary name beside the target and
 * renaming it into place only when everything was written. */
#include "reports/export_int.h"
#include "reports/followup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    C_CODE,
    C_NAME,
    C_TYPE,
    C_PREF_CODE,
    C_PREF,
    C_MUNI,
    C_MUNI_NAME, /* from the reference table; "" for a code it lacks */
    C_ADDRESS,
    C_PHONE,
    C_BEDS,
    C_STATUS,
    C_STATUS_JA,
    C_SINCE,
    C_DAYS,
    NCOL_MAX
};

/* Column titles: [list][lang][column]; list 0 = non-adopters, 1 = newly
 * adopted (which has no day count).  The English keys are a stable
 * interface for scripts; change them only with a new column. */
static const char *const titles[2][2][NCOL_MAX] = {
    {{"code", "name", "type", "prefecture_code", "prefecture", "municipality",
      "municipality_name", "address", "phone", "beds", "status", "status_ja",
      "applied_since", "days_since_applied"},
     {"医療機関コード", "名称", "種別", "都道府県コード", "都道府県",
      "市区町村コード", "市区町村名", "所在地", "電話番号", "病床数",
      "状況区分", "状況", "申請日", "申請からの日数"}},
    {{"code", "name", "type", "prefecture_code", "prefecture", "municipality",
      "municipality_name", "address", "phone", "beds", "status", "status_ja",
      "operating_since", NULL},
     {"医療機関コード", "名称", "種別", "都道府県コード", "都道府県",
      "市区町村コード", "市区町村名", "所在地", "電話番号", "病床数",
      "状況区分", "状況", "運用開始日", NULL}},
};

/* The non-adopter list's columns after the table above: the follow-up
 * columns the teams fill (titles in reports/followup.h), then priority
 * and its reason with --order priority. */
enum {
    X_FU = NCOL_MAX,
    X_PRIORITY = X_FU + FK_FU_NCOL,
    X_REASON,
    NCELL
};
static const char *const priority_titles[2][2] = {
    {"priority", "優先順位"}, {"priority_reason", "優先理由"}};

static const char *const sheet_names[2][2] = {
    {"non-adopters", "未導入施設"}, {"newly-adopted", "新規導入施設"}};

typedef struct {
    fk_csv *csv;
    fk_xlsx *xlsx;
    int adopted; /* the newly-adopted list */
    fk_day as_of;
    int64_t rows;
    int failed;    /* the writer failed; its error says why */
    int ncell;     /* cells per row */
    fk_prio *prio; /* rows wait here to be ranked (--order priority) */
    int64_t *skip; /* codes left out (contacted), ascending */
    size_t nskip;
    int64_t priority; /* of the row being written; 0 = none */
    const char *reason;
} walk;

static int write_row(walk *w, const fk_cell *cells, int n)
{
    int rc =
        w->csv ? fk_csv_row(w->csv, cells, n) : fk_xlsx_row(w->xlsx, cells, n);
    if (rc < 0) w->failed = 1;
    return rc;
}

static int cmp_code(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int write_facility(walk *w, const fk_facility_row *r)
{
    const fk_pref *p = fk_pref_by_code(r->pref);
    const fk_muni *m = fk_muni_by_code(r->muni);
    char code2[3];
    snprintf(code2, sizeof code2, "%02d", r->pref);
    fk_cell c[NCELL] = {
        [C_CODE] = {FK_CELL_TEXT, r->code, 0},
        [C_NAME] = {FK_CELL_TEXT, r->name, 0},
        [C_TYPE] = {FK_CELL_TEXT,
                    (unsigned)r->type < FK_NTYPE ? fk_types[r->type].label_ja
                                                 : "",
                    0},
        [C_PREF_CODE] = {FK_CELL_TEXT, code2, 0},
        [C_PREF] = {FK_CELL_TEXT, p ? p->name_ja : "", 0},
        [C_MUNI] = {FK_CELL_TEXT, r->muni, 0},
        [C_MUNI_NAME] = {FK_CELL_TEXT, m ? m->name_ja : "", 0},
        [C_ADDRESS] = {FK_CELL_TEXT, r->address, 0},
        [C_PHONE] = {FK_CELL_TEXT, r->phone, 0},
        [C_BEDS] = {r->beds >= 0 ? FK_CELL_INT : FK_CELL_EMPTY, NULL, r->beds},
        [C_STATUS] = {FK_CELL_TEXT, fk_status_key(r->status), 0},
        [C_STATUS_JA] = {FK_CELL_TEXT, fk_status_label_ja(r->status), 0},
        [C_SINCE] = {r->since >= 0 ? FK_CELL_DATE : FK_CELL_EMPTY, NULL,
                     r->since},
    };
    if (!w->adopted && r->status == FK_ST_APPLIED && r->since >= 0)
        c[C_DAYS] = (fk_cell){FK_CELL_INT, NULL, (int64_t)w->as_of - r->since};
    if (w->priority) {
        c[X_PRIORITY] = (fk_cell){FK_CELL_INT, NULL, w->priority};
        c[X_REASON] = (fk_cell){FK_CELL_TEXT, w->reason, 0};
    }
    if (write_row(w, c, w->ncell) < 0) return 1;
    w->rows++;
    return 0;
}

static int on_facility(const fk_facility_row *r, void *ctx)
{
    walk *w = ctx;
    if (w->nskip) {
        int64_t code = strtoll(r->code, NULL, 10);
        if (bsearch(&code, w->skip, w->nskip, sizeof code, cmp_code)) return 0;
    }
    if (!w->prio) return write_facility(w, r);
    fk_prio_add(w->prio, r);
    return 0;
}

/* Ranks the collected rows and writes them in priority order. */
static int write_ranked(walk *w, fk_store *st, const char *program, char *err,
                        size_t errlen)
{
    if (fk_prio_rank(w->prio, st, program, w->as_of, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < fk_prio_count(w->prio); i++) {
        const fk_facility_row *r = fk_prio_row(w->prio, i, &w->reason);
        w->priority = (int64_t)i + 1;
        if (write_facility(w, r)) return -1;
    }
    return 0;
}

static int header(walk *w, int ja)
{
    fk_cell c[NCELL];
    int n = 0;
    for (const char *const *t = titles[w->adopted][ja]; n < NCOL_MAX && t[n];
         n++)
        c[n] = (fk_cell){FK_CELL_TEXT, t[n], 0};
    for (int k = 0; !w->adopted && k < FK_FU_NCOL; k++)
        c[X_FU + k] = (fk_cell){FK_CELL_TEXT, fk_followup_columns[k][ja], 0};
    for (int k = 0; w->prio && k < 2; k++)
        c[X_PRIORITY + k] = (fk_cell){FK_CELL_TEXT, priority_titles[k][ja], 0};
    w->ncell = w->adopted ? NCOL_MAX - 1 : w->prio ? NCELL : X_PRIORITY;
    return write_row(w, c, w->ncell);
}

static int check_filter(const fk_export_opts *o, fk_facility_filter *f,
                        char *err, size_t errlen)
{
    const unsigned non = 1u << FK_ST_NONE | 1u << FK_ST_APPLIED;
    *f = o->filter;
    if (!f->program || !fk_program_by_key(f->program)) {
        snprintf(err, errlen, "unknown program '%s'",
                 f->program ? f->program : "(none)");
        return -1;
    }
    if (f->adopted_since >= 0 && !o->order_priority) {
        f->statuses = 1u << FK_ST_OPERATING;
        return 0;
    }
    if (f->adopted_since >= 0) {
        snprintf(err, errlen,
                 "the priority order applies to the non-adopter list only");
        return -1;
    }
    if (!f->statuses) f->statuses = non;
    if (f->statuses & ~non) {
        snprintf(err, errlen,
                 "the non-adopter list takes only statuses none and applied");
        return -1;
    }
    return 0;
}

int fk_export_facilities(fk_store *st, const fk_export_opts *o,
                         const char *path, fk_export_result *res, char *err,
                         size_t errlen)
{
    fk_facility_filter f;
    if (check_filter(o, &f, err, errlen) < 0) return -1;
    walk w = {.adopted = f.adopted_since >= 0};
    if (fk_store_latest_as_of(st, &w.as_of) < 0) {
        snprintf(err, errlen, "store: %s", fk_store_error(st));
        return -1;
    }
    if (o->not_contacted &&
        fk_followup_contacted_since(st, f.program, o->not_contacted_since,
                                    &w.skip, &w.nskip) < 0) {
        snprintf(err, errlen, "store: %s", fk_store_error(st));
        return -1;
    }
    if (o->order_priority) w.prio = fk_prio_new();
    /* The writers open the temporary file by name (libxlsxwriter can do
     * nothing else); fk_atomic_commit syncs it and renames it into place. */
    fk_atomic at;
    if (fk_atomic_begin(&at, path, err, errlen) < 0) {
        free(w.skip);
        fk_prio_free(w.prio);
        return -1;
    }
    close(at.fd);
    at.fd = -1;
    const char *tmp = at.tmp;
    int ja = o->header_ja != 0;
    if (o->format == FK_EXPORT_XLSX)
        w.xlsx = fk_xlsx_open(tmp, sheet_names[w.adopted][ja], err, errlen);
    else
        w.csv = fk_csv_open(tmp, o->encoding, o->bom, err, errlen);
    if (!w.xlsx && !w.csv) {
        fk_atomic_abort(&at);
        free(w.skip);
        fk_prio_free(w.prio);
        return -1;
    }
    int rc = header(&w, ja), have_err = 0;
    if (rc == 0) rc = fk_store_each_facility(st, &f, on_facility, &w);
    if (rc == 0 && w.prio && write_ranked(&w, st, f.program, err, errlen) < 0) {
        rc = -1;
        have_err = !w.failed;
    }
    free(w.skip);
    fk_prio_free(w.prio);
    if (w.failed)
        snprintf(err, errlen, "%s: %s", path,
                 w.csv ? fk_csv_error(w.csv) : fk_xlsx_error(w.xlsx));
    else if (rc < 0 && !have_err)
        snprintf(err, errlen, "store: %s", fk_store_error(st));
    int ok = rc == 0 && !w.failed;
    int64_t replaced = 0;
    char cerr[300];
    if (w.csv) {
        if (fk_csv_close(w.csv, &replaced, cerr, sizeof cerr) < 0 && ok) {
            snprintf(err, errlen, "%s: %s", path, cerr);
            ok = 0;
        }
    } else if (!ok) {
        fk_xlsx_discard(w.xlsx);
    } else if (fk_xlsx_close(w.xlsx, cerr, sizeof cerr) < 0) {
        snprintf(err, errlen, "%s: %s", path, cerr);
        ok = 0;
    }
    if (!ok) {
        fk_atomic_abort(&at);
        return -1;
    }
    if (fk_atomic_commit(&at, err, errlen) < 0) return -1;
    if (res) *res = (fk_export_result){w.rows, replaced, w.as_of};
    return 0;
}

/* East Asian Wide and Fullwidth ranges (Unicode UAX #11), enough for
 * Japanese text: kana, kanji, full-width forms, CJK symbols. */
static int is_wide(unsigned long cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
           (cp >= 0x3041 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
           (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t fk_export_text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned long cp = *p;
        int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (extra) cp &= 0x3Fu >> extra;
        p++;
        for (; extra && (*p & 0xC0) == 0x80; extra--, p++)
            cp = cp << 6 | (*p & 0x3Fu);
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}
