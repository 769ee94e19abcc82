/* store.h - the SQLite store: the only module that speaks SQL.
 *
 * What it holds: facilities and their current status per program, the
 * status history, the pull log, records set aside, and the adoption series.
 * The series is kept as sparse daily deltas per program x facility type x
 * prefecture x municipality; any day's counts are the running sum of deltas
 * up to that day.  Each stored pull adds its own deltas, so the series is
 * maintained incrementally and costs nothing for days without change.
 *
 * Writers: the collector, through the fk_apply_* calls (apply.h).
 * Readers: forecast, charts, reports, the dashboard, through the queries
 * below.  Every call returns 0 on success or -1 with a message in the
 * store's error buffer (fk_store_error()). */
#ifndef FK_STORE_H
#define FK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "data/ref.h"

#define FK_SCHEMA_VERSION 1

typedef struct fk_store fk_store;

enum { FK_STORE_RW = 0, FK_STORE_READONLY = 1 };

/* Opens (creating when missing, unless read-only) and migrates the store.
 * A store written by a newer fukyu is refused and left untouched.  On
 * failure returns NULL and writes the reason into err. */
fk_store *fk_store_open(const char *path, int flags, char *err, size_t errlen);
void fk_store_close(fk_store *st);
const char *fk_store_error(const fk_store *st);
int fk_store_user_version(fk_store *st);

/* ---- adoption counts ---------------------------------------------------- */

typedef struct {
    int64_t adopting; /* status operating, since on or before the date */
    int64_t applied;  /* status applied (not yet operating) */
    int64_t total;    /* denominator: present and not not_applicable */
} fk_counts;

/* An area: national (pref 0), a prefecture, or a municipality
 * ("13101"; muni "" means the whole prefecture). */
typedef struct {
    int pref;          /* 0 = national, 1..47 */
    char muni[6];      /* "" or a 5-digit municipality code */
} fk_area;

/* Counts per facility type on a date in an area; by_type[FK_NTYPE]. */
int fk_store_counts(fk_store *st, const char *program, fk_day date,
                    const fk_area *area, fk_counts by_type[FK_NTYPE]);

/* Counts on a date for each prefecture (index 0 = prefecture 01) for one
 * type, or all types when type < 0. */
int fk_store_counts_by_pref(fk_store *st, const char *program, fk_day date,
                            int type, fk_counts out[FK_NPREF]);

/* Counts on a date for each municipality of a prefecture (type < 0: all).
 * Returns a malloc'd array sorted by code; the caller frees it. */
typedef struct {
    char code[6];
    fk_counts c;
} fk_muni_counts;
int fk_store_counts_by_muni(fk_store *st, const char *program, fk_day date,
                            int pref, int type, fk_muni_counts **out,
                            size_t *n);

/* A daily series from..to inclusive (one point per day) for one type
 * (type < 0: all types) in an area.  Malloc'd; the caller frees it. */
typedef struct {
    fk_day date;
    fk_counts c;
} fk_point;
int fk_store_series(fk_store *st, const char *program, int type,
                    const fk_area *area, fk_day from, fk_day to,
                    fk_point **out, size_t *n);

/* The as_of of the latest stored pull; -1 with *as_of untouched if none. */
int fk_store_latest_as_of(fk_store *st, fk_day *as_of);
/* The first day with any adoption or applied delta for a program (the
 * start of the series), or the first as_of if none. */
int fk_store_first_day(fk_store *st, const char *program, fk_day *first);

/* ---- facilities --------------------------------------------------------- */

typedef enum {
    FK_ST_NONE = 0, FK_ST_APPLIED, FK_ST_OPERATING, FK_ST_NOT_APPLICABLE
} fk_status;
const char *fk_status_key(fk_status s);     /* "none", "applied", ... */
const char *fk_status_label_ja(fk_status s);/* 未着手, 申請済, 運用中, 対象外 */
int fk_status_by_key(const char *key);      /* fk_status or -1 */

typedef struct {
    char code[11];
    fk_type type;
    int pref;
    char muni[6];
    const char *name, *address, *phone; /* valid during the callback */
    int beds;                           /* -1 when unknown */
    fk_status status;
    fk_day since;                       /* -1 when none */
    fk_day first_seen;
} fk_facility_row;

typedef struct {
    const char *program;
    int pref;            /* 0 = all */
    const char *muni;    /* NULL = all */
    int type;            /* -1 = all */
    unsigned statuses;   /* bit mask of (1u << fk_status); 0 = all */
    fk_day adopted_since;/* >= 0: operating with since >= this; else -1 */
} fk_facility_filter;

/* Calls fn for each open facility matching the filter, ordered by
 * prefecture, municipality, code.  fn returns non-zero to stop. */
typedef int (*fk_facility_fn)(const fk_facility_row *row, void *ctx);
int fk_store_each_facility(fk_store *st, const fk_facility_filter *f,
                           fk_facility_fn fn, void *ctx);

/* ---- pull log ----------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *started_at;   /* RFC 3339 UTC */
    const char *feed;
    const char *as_of;        /* "" when unknown */
    const char *outcome;      /* stored, unchanged, failed, running, interrupted */
    const char *reason;       /* "" when none */
    int64_t records, changes, set_aside;
    double seconds;
} fk_pull_row;
typedef int (*fk_pull_fn)(const fk_pull_row *row, void *ctx);
/* Newest first; limit <= 0 means all; since (RFC 3339 prefix) may be NULL. */
int fk_store_each_pull(fk_store *st, int limit, const char *since,
                       fk_pull_fn fn, void *ctx);

typedef struct {
    int64_t pull_id;
    int64_t position;     /* record index within the pull, from 0 */
    const char *code;     /* as received; "" when missing */
    const char *reason;
} fk_reject_row;
typedef int (*fk_reject_fn)(const fk_reject_row *row, void *ctx);
/* pull_id <= 0: the latest pull with rejects. */
int fk_store_each_reject(fk_store *st, int64_t pull_id, fk_reject_fn fn,
                         void *ctx);

#endif
