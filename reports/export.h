/* export.h - facility lists for follow-up teams, as CSV or XLSX files.
 *
 * Two lists: the non-adopters of a program (status none and/or applied,
 * never operating or not_applicable), and the facilities that started
 * operating on or after a date (filter.adopted_since >= 0), so callers can
 * thank them or stop calling.  Every matching facility is written; there is
 * no row cap.  The file appears atomically: it is written under a temporary
 * name in the same directory and renamed into place, or not at all.
 *
 * Columns (stable English keys, or Japanese titles with header_ja):
 *   code, name, type (Japanese label), prefecture_code, prefecture,
 *   municipality (code; names are not in the feed), address, phone, beds,
 *   status (none/applied/operating), status_ja (未着手/申請済/運用中), then
 *   applied_since, days_since_applied   for the non-adopter list, or
 *   operating_since                      for the newly-adopted list.
 * "days since applied" counts from `since` to the as-of date of the latest
 * stored pull; it is empty when the facility has not applied.
 *
 * The non-adopter list then has five empty columns for the follow-up
 * teams to fill (followup_date, followup_outcome, followup_barriers,
 * followup_team, followup_note; see reports/followup.h), which
 * `fukyu followup import` reads back.  With order_priority it also has
 * priority (1 = call first) and priority_reason, and is sorted by them:
 *   1. stalled applications (applied, not operating), longest stalled
 *      first (unknown application date last);
 *   2. hospitals not started, most beds first (unknown beds last);
 *   3. every other facility, in the usual area order;
 * and within each group the facilities whose municipality already has a
 * pharmacy operating the program come before those where none does (the
 * "nearby facilities have not adopted" barrier is weaker there). */
#ifndef FK_EXPORT_H
#define FK_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "data/store.h"

typedef enum {
    FK_EXPORT_CSV = 0,
    FK_EXPORT_XLSX
} fk_export_format;
typedef enum {
    FK_EXPORT_UTF8 = 0,
    FK_EXPORT_CP932
} fk_export_encoding;

typedef struct {
    /* Which facilities.  statuses 0 means every non-adopter (none and
     * applied); bits other than none/applied are refused unless
     * adopted_since >= 0, which selects the newly-adopted list instead. */
    fk_facility_filter filter;
    fk_export_format format;
    int header_ja;               /* Japanese column titles and sheet name */
    fk_export_encoding encoding; /* CSV only */
    int bom;                     /* CSV in UTF-8 only: start with EF BB BF */
    int order_priority;          /* non-adopters: sort by priority */
    int not_contacted;           /* leave out facilities contacted for the
                                  * program on or after not_contacted_since */
    fk_day not_contacted_since;
} fk_export_opts;

typedef struct {
    int64_t rows;     /* facilities written (header not counted) */
    int64_t replaced; /* characters with no cp932 form, written as '?' */
    fk_day as_of;     /* the latest stored pull's as_of */
} fk_export_result;

/* Writes the list to path.  Returns 0, or -1 with the reason in err (the
 * store, the file system or the encoder) and no file left behind. */
int fk_export_facilities(fk_store *st, const fk_export_opts *o,
                         const char *path, fk_export_result *res, char *err,
                         size_t errlen);

/* Display width of UTF-8 text in character cells: East Asian wide and
 * full-width characters count 2, everything else 1 (used for XLSX column
 * widths, exposed for the tests). */
size_t fk_export_text_width(const char *s);

#endif
