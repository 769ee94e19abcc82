/* export_xlsx.c - the XLSX writer behind `fukyu export`, on libxlsxwriter.
 *
 * Constant-memory mode streams each row to a temporary file, so a national
 * list costs no more memory than a small one; column widths and the
 * autofilter range are only known at the end, and libxlsxwriter writes both
 * when it assembles the sheet, so they are set in fk_xlsx_close().  Dates
 * are real Excel dates (serial numbers shown as yyyy-mm-dd); beds and day
 * counts are numbers; codes stay text so leading zeros survive.  The file
 * is read back by export_verify.c before it counts as written. */
#include "reports/export_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define MAX_COLS  32
#define WIDTH_CAP 60.0
/* Excel's serial number of 1970-01-01 (fk_day 0) in the 1900 date system. */
#define EXCEL_EPOCH 25569

struct fk_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *date;
    lxw_row_t row; /* next row to write */
    int ncols;
    size_t width[MAX_COLS];
    char path[PATH_MAX + 32];
    char tmpdir[PATH_MAX + 32];
    char err[256];
};

fk_xlsx *fk_xlsx_open(const char *path, const char *sheet, char *err,
                      size_t errlen)
{
    fk_xlsx *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* libxlsxwriter's own scratch files go beside the output, not into a
     * possibly memory-backed /tmp. */
    snprintf(x->path, sizeof x->path, "%s", path);
    snprintf(x->tmpdir, sizeof x->tmpdir, "%s", path);
    char *slash = strrchr(x->tmpdir, '/');
    if (!slash)
        snprintf(x->tmpdir, sizeof x->tmpdir, ".");
    else if (slash == x->tmpdir)
        x->tmpdir[1] = '\0'; /* "/name": the root */
    else
        *slash = '\0';
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE,
                                .tmpdir = x->tmpdir,
                                .use_zip64 = LXW_FALSE};
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb) {
        snprintf(err, errlen, "%s: cannot create workbook", path);
        free(x);
        return NULL;
    }
    x->ws = workbook_add_worksheet(x->wb, sheet);
    x->bold = workbook_add_format(x->wb);
    x->date = workbook_add_format(x->wb);
    if (!x->ws || !x->bold || !x->date) {
        snprintf(err, errlen, "%s: cannot add worksheet '%s'", path, sheet);
        fk_xlsx_discard(x);
        return NULL;
    }
    format_set_bold(x->bold);
    format_set_num_format(x->date, "yyyy-mm-dd");
    worksheet_freeze_panes(x->ws, 1, 0);
    return x;
}

static size_t cell_width(const fk_cell *c)
{
    char num[32];
    switch (c->kind) {
    case FK_CELL_TEXT: return c->text ? fk_export_text_width(c->text) : 0;
    case FK_CELL_INT:
        return (size_t)snprintf(num, sizeof num, "%lld", (long long)c->num);
    case FK_CELL_DATE: return 10;
    default: return 0;
    }
}

int fk_xlsx_row(fk_xlsx *x, const fk_cell *cells, int n)
{
    if (n > MAX_COLS) {
        snprintf(x->err, sizeof x->err, "too many columns (%d)", n);
        return -1;
    }
    if (n > x->ncols) x->ncols = n;
    lxw_format *f = x->row == 0 ? x->bold : NULL;
    for (int i = 0; i < n; i++) {
        const fk_cell *c = &cells[i];
        lxw_error e = LXW_NO_ERROR;
        lxw_col_t col = (lxw_col_t)i;
        if (c->kind == FK_CELL_TEXT && c->text && *c->text)
            e = worksheet_write_string(x->ws, x->row, col, c->text, f);
        else if (c->kind == FK_CELL_INT)
            e = worksheet_write_number(x->ws, x->row, col, (double)c->num, f);
        else if (c->kind == FK_CELL_DATE)
            e = worksheet_write_number(x->ws, x->row, col,
                                       (double)(c->num + EXCEL_EPOCH), x->date);
        if (e != LXW_NO_ERROR) {
            snprintf(x->err, sizeof x->err, "row %lu column %d: %s",
                     (unsigned long)x->row + 1, i + 1, lxw_strerror(e));
            return -1;
        }
        size_t w = cell_width(c);
        if (w > x->width[i]) x->width[i] = w;
    }
    x->row++;
    return 0;
}

const char *fk_xlsx_error(const fk_xlsx *x)
{
    return x->err;
}

int fk_xlsx_close(fk_xlsx *x, char *err, size_t errlen)
{
    lxw_error e = LXW_NO_ERROR;
    for (int i = 0; i < x->ncols && e == LXW_NO_ERROR; i++) {
        /* Two cells of padding for the autofilter button; long names and
         * addresses are capped rather than making the sheet unreadable. */
        double w = (double)x->width[i] + 2;
        e = worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
                                 w > WIDTH_CAP ? WIDTH_CAP : w, NULL);
    }
    if (e == LXW_NO_ERROR && x->row > 0 && x->ncols > 0)
        e = worksheet_autofilter(x->ws, 0, 0, x->row - 1,
                                 (lxw_col_t)(x->ncols - 1));
    lxw_error ce = workbook_close(x->wb);
    if (e == LXW_NO_ERROR) e = ce;
    int rc = 0;
    if (e != LXW_NO_ERROR) {
        snprintf(err, errlen, "xlsx: %s", lxw_strerror(e));
        rc = -1;
    } else {
        rc = fk_xlsx_verify(x->path, "xl/worksheets/sheet1.xml",
                            (int64_t)x->row, err, errlen);
    }
    /* The caller's fk_atomic_commit syncs the file before renaming it. */
    free(x);
    return rc;
}

void fk_xlsx_discard(fk_xlsx *x)
{
    /* libxlsxwriter can only free a workbook by writing it; the caller
     * removes the half-made file. */
    workbook_close(x->wb);
    free(x);
}
