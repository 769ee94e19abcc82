/* export_int.h - private to reports/export*.c: the typed cells a list row
 * is made of and the two file writers (CSV, XLSX) that export.c drives.
 * Each writer writes to the path it is given (a temporary name; export.c
 * renames it) and reports errors into its own buffer. */
#ifndef FK_EXPORT_INT_H
#define FK_EXPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/file.h"
#include "reports/export.h"

typedef enum {
    FK_CELL_EMPTY = 0,
    FK_CELL_TEXT,
    FK_CELL_INT,
    FK_CELL_DATE
} fk_cell_kind;

typedef struct {
    fk_cell_kind kind;
    const char *text; /* FK_CELL_TEXT */
    int64_t num;      /* FK_CELL_INT, or an fk_day for FK_CELL_DATE */
} fk_cell;

/* RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma,
 * quote, CR or LF, quotes doubled.  In cp932, characters with no cp932
 * form become '?' and are counted. */
typedef struct fk_csv fk_csv;
fk_csv *fk_csv_open(const char *path, fk_export_encoding enc, int bom,
                    char *err, size_t errlen);
int fk_csv_row(fk_csv *c, const fk_cell *cells, int n);
/* Flushes, syncs and closes; frees c.  Returns 0 or -1 with the reason in
 * err (err may be NULL); replaced (may be NULL) gets the '?' count. */
int fk_csv_close(fk_csv *c, int64_t *replaced, char *err, size_t errlen);
/* The reason for the last -1 (valid until fk_csv_close). */
const char *fk_csv_error(const fk_csv *c);

/* XLSX through libxlsxwriter in constant-memory mode (rows are streamed, so
 * a national list of 200,000 facilities stays small in memory).  The first
 * row is the header: bold, frozen, with an autofilter over all rows. */
typedef struct fk_xlsx fk_xlsx;
fk_xlsx *fk_xlsx_open(const char *path, const char *sheet, char *err,
                      size_t errlen);
int fk_xlsx_row(fk_xlsx *x, const fk_cell *cells, int n);
/* Sets column widths and the autofilter, writes the file, frees x.
 * Returns 0 or -1 with the reason in err. */
int fk_xlsx_close(fk_xlsx *x, char *err, size_t errlen);
const char *fk_xlsx_error(const fk_xlsx *x);
/* Frees x without writing a usable file (after an earlier error). */
void fk_xlsx_discard(fk_xlsx *x);

/* Reads the written workbook back: every XML part must inflate and end
 * with its root's closing tag, and sheet_part must hold `rows` rows.
 * libxlsxwriter does not check its own temporary-file writes, so this is
 * what turns a full disk into an error rather than a truncated list. */
int fk_xlsx_verify(const char *path, const char *sheet_part, int64_t rows,
                   char *err, size_t errlen);

/* The priority order (export_priority.c; the rule is in export.h): rows
 * are collected (their text copied), ranked, then read back in order. */
typedef struct fk_prio fk_prio;
fk_prio *fk_prio_new(void);
void fk_prio_add(fk_prio *p, const fk_facility_row *r);
/* Sorts the rows; reads which municipalities have an operating pharmacy.
 * 0 or -1 with err. */
int fk_prio_rank(fk_prio *p, fk_store *st, const char *program, fk_day as_of,
                 char *err, size_t errlen);
size_t fk_prio_count(const fk_prio *p);
/* Row i of the ranked list (priority i + 1) and why it is there. */
const fk_facility_row *fk_prio_row(const fk_prio *p, size_t i,
                                   const char **reason);
void fk_prio_free(fk_prio *p);

#endif
