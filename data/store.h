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

#define FK_SCHEMA_VERSION 4

typedef struct fk_store fk_store;

enum {
    FK_STORE_RW = 0,
    FK_STORE_READONLY = 1
};

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

/* The adoption rate adopting / total, 0 when total is 0: the one
 * definition every report, chart and API uses. */
static inline double fk_counts_rate(const fk_counts *c)
{
    return c->total > 0 ? (double)c->adopting / (double)c->total : 0.0;
}

/* An area: national (pref 0), a prefecture, or a municipality
 * ("13101"; muni "" means the whole prefecture). */
typedef struct {
    int pref;     /* 0 = national, 1..47 */
    char muni[6]; /* "" or a 5-digit municipality code */
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
                    const fk_area *area, fk_day from, fk_day to, fk_point **out,
                    size_t *n);

/* Population coverage (人口カバー率, data/coverage.c): the 2020 population
 * of the municipalities of an area (pref 0 = Japan) in which at least one
 * facility of a type is adopting the program on a day, divided by the
 * area's whole population; wards count toward their city.  Per type on a
 * date (out[FK_NTYPE] = any type), or daily from..to for one type (type < 0:
 * any type; out holds to - from + 1 values). */
int fk_store_coverage(fk_store *st, const char *program, fk_day date, int pref,
                      double out[FK_NTYPE + 1]);
int fk_store_coverage_series(fk_store *st, const char *program, int type,
                             int pref, fk_day from, fk_day to, double *out);

/* The last day a snapshot may describe: today (JST) and one more day for
 * clocks and feeds published just after midnight.  The collector refuses
 * a later as_of; a stored snapshot dated later (by an older fukyu or a
 * wrong clock) is quarantined: no reader sees it, and the next stored pull
 * re-dates it (data/pull_log.c). */
fk_day fk_store_last_real_day(void);

/* The as_of of the latest stored pull that is not quarantined; -1 with
 * *as_of untouched if none. */
int fk_store_latest_as_of(fk_store *st, fk_day *as_of);
/* The first day with any adoption or applied delta for a program (the
 * start of the series), or the first as_of if none. */
int fk_store_first_day(fk_store *st, const char *program, fk_day *first);

/* ---- facilities --------------------------------------------------------- */

typedef enum {
    FK_ST_NONE = 0,
    FK_ST_APPLIED,
    FK_ST_OPERATING,
    FK_ST_NOT_APPLICABLE
} fk_status;
const char *fk_status_key(fk_status s); /* "none", "applied", ... */
const char *fk_status_label_ja(
    fk_status s); /* 未着手, 申請済, 運用中, 対象外 */
int fk_status_by_key(const char *key); /* fk_status or -1 */

typedef struct {
    char code[11];
    fk_type type;
    int pref;
    char muni[6];
    const char *name, *address, *phone; /* valid during the callback */
    int beds;                           /* -1 when unknown */
    fk_status status;
    fk_day since; /* -1 when none */
    fk_day first_seen;
} fk_facility_row;

typedef struct {
    const char *program;
    int pref;             /* 0 = all */
    const char *muni;     /* NULL = all */
    int type;             /* -1 = all */
    unsigned statuses;    /* bit mask of (1u << fk_status); 0 = all */
    fk_day adopted_since; /* >= 0: operating with since >= this; else -1 */
} fk_facility_filter;

/* Calls fn for each open facility matching the filter, ordered by
 * prefecture, municipality, code.  fn returns non-zero to stop. */
typedef int (*fk_facility_fn)(const fk_facility_row *row, void *ctx);
int fk_store_each_facility(fk_store *st, const fk_facility_filter *f,
                           fk_facility_fn fn, void *ctx);

/* ---- pull log ----------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *started_at; /* RFC 3339 UTC */
    const char *feed;
    const char *as_of;   /* "" when unknown */
    const char *outcome; /* stored, unchanged, failed, running, interrupted */
    const char *reason;  /* "" when none */
    int64_t records, changes, set_aside;
    int64_t unknown_munis; /* distinct municipality codes not in fk_munis */
    double seconds;
} fk_pull_row;
typedef int (*fk_pull_fn)(const fk_pull_row *row, void *ctx);
/* Newest first; limit <= 0 means all; since (RFC 3339 prefix) may be NULL. */
int fk_store_each_pull(fk_store *st, int limit, const char *since,
                       fk_pull_fn fn, void *ctx);

typedef struct {
    int64_t pull_id;
    int64_t position; /* record index within the pull, from 0 */
    const char *code; /* as received; "" when missing */
    const char *reason;
} fk_reject_row;
typedef int (*fk_reject_fn)(const fk_reject_row *row, void *ctx);
/* pull_id <= 0: the latest pull with rejects. */
int fk_store_each_reject(fk_store *st, int64_t pull_id, fk_reject_fn fn,
                         void *ctx);

/* ---- pull health (data/health.c): /healthz and /metrics ---------------- */

typedef struct {
    int64_t stored, unchanged, failed, running,
        interrupted;        /* pulls by outcome */
    int64_t last_ok_time;   /* Unix time the latest stored/unchanged pull
                               finished; -1 when none */
    fk_day last_ok_as_of;   /* its as_of; -1 when none */
    int64_t last_stored_id; /* the latest pull that changed data; 0 none */
    /* The latest pull that is no longer running (last_id 0 when none). */
    int64_t last_id;
    char last_outcome[16];
    double last_seconds;
    int64_t last_records, last_set_aside;
    int64_t last_finished; /* Unix time; -1 when unknown */
} fk_pull_health;
int fk_store_pull_health(fk_store *st, fk_pull_health *out);
/* The version of the stored data: the id of the latest pull that stored
 * anything (0 before the first).  Only a stored pull changes what the
 * queries above answer, so anything derived from them may be kept for as
 * long as this stays the same. */
int fk_store_data_version(fk_store *st, int64_t *version);

/* ---- dashboard access tokens (data/tokens.c) --------------------------- */

/* A token is 32 random bytes shown once as 64 lowercase hex digits; only
 * its SHA-256 is stored.  A scope is "national", "pref:NN" or
 * "followup:NN" (NN 01..47, always two digits). */
#define FK_TOKEN_HEX 64
typedef enum {
    FK_SCOPE_NATIONAL = 0,
    FK_SCOPE_PREF,
    FK_SCOPE_FOLLOWUP
} fk_scope_kind;
typedef struct {
    fk_scope_kind kind;
    int pref; /* 0 for national */
} fk_scope;
/* Strict parse; 0 or -1. */
int fk_scope_parse(const char *s, fk_scope *out);
/* 1 when the scope covers the area (pref 0 = national: only "national"). */
int fk_scope_covers(const fk_scope *sc, int pref);

/* Creates a token (store opened read-write); writes its text, to be shown
 * once, and its id. */
int fk_token_add(fk_store *st, const char *name, const char *scope,
                 char token[FK_TOKEN_HEX + 1], int64_t *id);
/* Marks a live token revoked; -1 when there is no live token with that id. */
int fk_token_revoke(fk_store *st, int64_t id);
typedef struct {
    int64_t id;
    const char *name, *scope, *created_at;
    const char *revoked_at; /* "" when live */
} fk_token_row;
typedef int (*fk_token_fn)(const fk_token_row *row, void *ctx);
int fk_token_each(fk_store *st, fk_token_fn fn, void *ctx);
/* Checks a presented token: 1 with its scope (and id) when live, 0 when
 * unknown, malformed or revoked, -1 on a store error. */
int fk_token_verify(fk_store *st, const char *token, fk_scope *scope,
                    int64_t *id);

#endif
