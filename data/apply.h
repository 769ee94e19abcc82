/* apply.h - storing one pull, all or nothing (the store's write side).
 *
 * The collector validates records and hands them over one at a time; the
 * store stages them (sorted, spilled to a temporary file past a few MiB)
 * without holding the write lock, so that token commands and other
 * writers are not held up while the pages are fetched.  Only
 * fk_apply_commit(), after the collector has checked the whole snapshot,
 * takes the write lock and applies everything in one transaction.  Until
 * its COMMIT readers see the previous state (WAL), and a failure, a crash
 * or a kill leaves the store exactly as it was.  The pull itself is logged
 * in any case: 'running' from the start, then stored / unchanged / failed
 * ('interrupted' when a later pull finds a dead one); one pull of a store
 * runs at a time (the pull lock, pull_log.c). */
#ifndef FK_APPLY_H
#define FK_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "data/store.h"

#define FK_MAX_PROGRAMS 16

/* A record that passed the contract's rules; strings are borrowed. */
typedef struct {
    const char *program;
    fk_status status;
    fk_day since; /* -1 when none */
} fk_record_program;

typedef struct {
    int64_t code; /* the 10 digits as a number */
    fk_type type;
    int pref;
    char muni[6]; /* "" when absent */
    const char *name;
    const char *address; /* NULL when absent */
    const char *phone;   /* NULL when absent */
    int beds;            /* -1 when absent */
    size_t nprog;
    fk_record_program prog[FK_MAX_PROGRAMS];
} fk_record;

typedef struct fk_apply fk_apply;

/* Takes the pull lock and logs a new pull of feed as 'running'.  Returns
 * NULL with the reason in the store's error on failure (another pull
 * running, a store error). */
fk_apply *fk_apply_begin(fk_store *st, const char *feed);
int64_t fk_apply_pull_id(const fk_apply *ap);

/* The snapshot the pages describe; must be called before any record.
 * Fails when as_of is older than the latest stored one that is not from
 * the future (store.h, fk_store_last_real_day). */
int fk_apply_snapshot(fk_apply *ap, const char *snapshot, fk_day as_of,
                      const char *etag);

/* The number of records the snapshot says it has, so that the pull sizes
 * its tables once rather than growing them (optional; a hint only). */
void fk_apply_expect(fk_apply *ap, int64_t total);

enum {
    FK_APPLY_OK = 0,
    FK_APPLY_DUP = 1
};
/* Stages one record.  Returns FK_APPLY_OK, FK_APPLY_DUP when the code was
 * already seen in this pull (the record is not applied), or -1 on a store
 * error. */
int fk_apply_record(fk_apply *ap, const fk_record *r);

/* Remembers a set-aside record; written with the pull's outcome. */
void fk_apply_reject(fk_apply *ap, int64_t position, const char *code,
                     const char *reason);

/* Records set aside so far in this pull. */
int64_t fk_apply_set_aside(const fk_apply *ap);

typedef struct {
    int64_t records; /* records stored */
    int64_t changes; /* status changes (history entries) */
    int64_t openings, closures;
    int64_t set_aside;
    int64_t unknown_munis; /* distinct municipality codes of the stored
                            * records that fk_munis lacks (the collector
                            * counts them; logged with a stored pull) */
    int64_t pages, bytes;  /* bytes: JSON after gzip decoding */
    int64_t wire_bytes;    /* as received */
    int http_status;
    double seconds;
    /* Set by a stored pull that re-dated a snapshot from the future
     * (store.h, fk_store_last_real_day); "" otherwise. */
    char redated[160];
} fk_pull_stats;

/* Takes the write lock, re-dates a stored snapshot from the future (see
 * fk_store_last_real_day), applies the staged records, closures and the
 * series, logs the pull as stored and commits.  Fails when another pull
 * was stored since fk_apply_snapshot().  On -1 nothing was applied and the
 * failure is logged.  Frees ap. */
int fk_apply_commit(fk_apply *ap, fk_pull_stats *stats);
/* Rolls back and logs the pull as failed (or unchanged when reason is
 * NULL: a 304).  Frees ap. */
void fk_apply_abort(fk_apply *ap, const char *reason,
                    const fk_pull_stats *stats);

/* The ETag of the latest stored pull of this feed, for If-None-Match;
 * "" when none.  0 or -1. */
int fk_store_last_etag(fk_store *st, const char *feed, char *etag, size_t n);

#endif
