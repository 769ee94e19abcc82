/* followup.h - follow-up lists coming back from the teams' spreadsheets,
 * and what the calls tell in the shapes the CLI, the reports and the
 * dashboard share.
 *
 * Reading (sheet_csv.c, sheet_xlsx.c): a filled-in list is CSV in UTF-8
 * (with or without a BOM) or cp932, or an XLSX workbook (its first sheet,
 * xl/worksheets/sheet1.xml, with shared or inline strings).  Files are
 * treated as hostile: the file, every inflated XML part, the rows, the
 * columns and each cell are bounded, DOCTYPEs are refused, and every error
 * names the line (CSV) or spreadsheet row (XLSX) it is about.
 *
 * Checking (followup_import.c): columns are found by their English keys
 * or Japanese titles (those of `fukyu export`); rows without a follow-up
 * date are skipped; every other row must name a known facility, a date on
 * or before today, an outcome and barriers among 1..7, or it is reported
 * with its line number and everything wrong with it. */
#ifndef FK_REPORTS_FOLLOWUP_H
#define FK_REPORTS_FOLLOWUP_H

#include <stddef.h>
#include <stdint.h>

#include "charts/chart.h"
#include "data/followup.h"

/* Limits on what is read. */
#define FK_SHEET_MAX_BYTES (64u << 20) /* a file, or one inflated part */
#define FK_SHEET_MAX_ROWS  1000000
#define FK_SHEET_MAX_COLS  1024
#define FK_SHEET_MAX_CELL  32768 /* bytes of one cell's text */

/* The columns the export adds for the teams to fill, in order:
 * [column][0] the English key, [1] the Japanese title. */
#define FK_FU_NCOL 5
extern const char *const fk_followup_columns[FK_FU_NCOL][2];

typedef struct {
    char *text;  /* UTF-8, never NULL */
    int numeric; /* an XLSX number (dates are day serials) */
} fk_sheet_cell;

typedef struct {
    int line; /* CSV: the line the record starts on; XLSX: its row */
    int n;
    fk_sheet_cell *cells;
} fk_sheet_row;

typedef struct {
    fk_sheet_row *rows; /* non-empty rows, in order */
    size_t n, cap;
    const char *format; /* "csv utf-8", "csv utf-8 bom", "csv cp932", "xlsx" */
} fk_sheet;

/* Reads path as XLSX when it is a zip archive, else as CSV.  0, or -1
 * with the reason (and where) in err. */
int fk_sheet_read(const char *path, fk_sheet *out, char *err, size_t errlen);
int fk_sheet_read_csv(const char *data, size_t len, fk_sheet *out, char *err,
                      size_t errlen);
int fk_sheet_read_xlsx(const char *path, fk_sheet *out, char *err,
                       size_t errlen);
void fk_sheet_free(fk_sheet *s);
/* Internal to the readers: appends a cell to the last row. */
int fk_sheet_put(fk_sheet *s, int col, const char *text, size_t len,
                 int numeric, char *err, size_t errlen);
int fk_sheet_new_row(fk_sheet *s, int line, char *err, size_t errlen);

typedef struct {
    const char *program; /* the export's program */
    const char *team;    /* for rows with an empty team; NULL = "" */
    fk_day today;        /* dates after it are refused */
} fk_import_opts;

typedef struct {
    int line;
    char msg[512];
} fk_import_error;

typedef struct {
    fk_contact *contacts; /* the valid rows; strings point into the sheet */
    size_t n;
    fk_import_error *errors;
    size_t nerr;
    int64_t rows;    /* data rows after the header */
    int64_t skipped; /* rows without a follow-up date */
} fk_import;

/* Checks every row of sh.  0 (bad rows are in out->errors), or -1 with
 * err when the file cannot be a list at all (no header with the needed
 * columns) or the store failed. */
int fk_import_check(fk_store *st, const fk_sheet *sh, const fk_import_opts *o,
                    fk_import *out, char *err, size_t errlen);
void fk_import_free(fk_import *im);

/* Parses "1;4" (also separated by ',', '、', '・' or spaces) into a bit
 * set; 0, or -1 with what is wrong in err. */
int fk_barriers_parse(const char *s, unsigned *out, char *err, size_t errlen);
/* "1;4" into out. */
void fk_barriers_format(unsigned b, char *out, size_t n);

/* ---- what the calls tell (followup_json.c) ---------------------------- */
/* {"program","area","from","to","as_of","contacts","facilities",
 *  "outcomes":{kind:n},"barriers":{"1".."7":n},
 *  "barriers_by_type":{type:{"1".."7":n}},
 *  "barriers_by_beds":{"0"|"1-19"|"20-199"|"200+"|"unknown":{...}},
 *  "conversion":{"30"|"60"|"90":{contacted,adopted,rate,baseline_rate,
 *  baseline_n}}}; malloc'd, NULL when out of memory. */
char *fk_json_followup(const fk_followup_filter *f,
                       const fk_followup_summary *s);

/* The barriers chart of a summary (program and area from f). */
void fk_followup_chart(const fk_followup_filter *f,
                       const fk_followup_summary *s, fk_chart_barriers *out);

#endif
