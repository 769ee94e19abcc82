/* apply_int.h - the insides of a pull being applied, shared by the three
 * files that do the work (internal to data/):
 *
 *   apply.c        the apply logic: statuses, history, series deltas,
 *                  closures, commit and abort;
 *   apply_index.c  the open facilities' index and the record hash that
 *                  lets an unchanged record cost one comparison;
 *   pull_log.c     the pull log: 'running', the outcome, set-aside records
 *                  and the stored ETag.
 *
 * The public face stays data/apply.h. */
#ifndef FK_APPLY_INT_H
#define FK_APPLY_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "data/apply.h"
#include "data/delta.h"
#include "data/stage.h"
#include "data/store_int.h"

/* Distinct programs one pull may name; a program's index here is its part
 * of a series delta key (fk_delta_key allows prog < 64). */
#define FK_APPLY_MAX_PROGS 64

typedef struct {
    int64_t position;
    char code[24];
    size_t reason; /* offset of its text in fk_apply.reasons */
} fk_apply_reject_t;

struct fk_apply {
    fk_store *st;
    int64_t pull;
    struct timespec t0;
    int in_tx;
    int lock_fd; /* the pull lock (pull_log.c), -1 when not held */
    int fk_off;  /* foreign keys turned off for the pull (apply.c) */
    int first;   /* no stored pull yet: rebuild the past */
    fk_day as_of, prev_as_of; /* prev: the latest real (not future) one */
    /* The data version (latest stored pull) the index was read at: the
     * pull is staged without the write lock, and applied only if no other
     * pull was stored meanwhile. */
    int64_t version;
    char redated[160]; /* what fk_apply_redate_future() did, or "" */
    char snapshot[128], etag[512];
    /* open facilities at the start, sorted by code */
    int64_t *codes;
    uint32_t *hashes;
    uint64_t *seen; /* bit set */
    size_t n;
    char *progs[FK_APPLY_MAX_PROGS]; /* interned; index = series key */
    int nprogs;
    fk_delta_map deltas;
    /* records to write, applied in code order at commit (stage.h) */
    fk_stage *stage;
    /* codes of this pull not in the index: a set of packed codes, and
     * the codes that do not pack (outside the feed's rules) in a list */
    uint32_t *newset;
    size_t newcap, newused;
    int64_t expect; /* records the snapshot says it has (fk_apply_expect) */
    int64_t *odd;
    size_t nodd, capodd;
    fk_apply_reject_t *rejects;
    size_t nrejects, caprejects;
    char *reasons; /* the rejects' reasons, each NUL-terminated */
    size_t reasons_len, reasons_cap;
    int64_t set_aside, records, changes, openings, closures;
    sqlite3_stmt *ins_fac, *upd_fac, *get_fac, *get_status, *put_status,
        *del_status, *ins_hist, *close_fac;
};

/* Steps a statement that returns no rows and resets it; on failure sets
 * the store's error, prefixed by what, and returns -1. */
int fk_apply_step_done(fk_apply *ap, sqlite3_stmt *s, const char *what);

/* apply_index.c */
/* Loads the open facilities' codes and hashes, sorted by code. */
int fk_apply_load_index(fk_apply *ap);
/* The index of code among the open facilities, or (size_t)-1. */
size_t fk_apply_find(const fk_apply *ap, int64_t code);
/* Remembers a code that is not in the index: 0 the first time, 1 when
 * this pull has seen it already, -1 out of memory. */
int fk_apply_seen_new(fk_apply *ap, int64_t code);
/* Drops the secondary indexes of the tables a first pull fills and
 * returns their CREATE statements to run after the inserts (sqlite3_free);
 * NULL with the store's error set on failure. */
char *fk_apply_drop_indexes(fk_apply *ap);
/* A hash of everything stored from a record, independent of the order of
 * its programs. */
int64_t fk_apply_record_hash(const fk_record *r);

/* apply_series.c */
/* Adds sign x the contribution of one status of a facility to its cell
 * and the national one, from enter (the status part from max(since,
 * enter)); flushes the cells when they grow past their bound.  0 or -1. */
int fk_apply_contribute(fk_apply *ap, int prog, int type, int pref, int muni,
                        fk_status status, fk_day since, fk_day enter, int sign);
/* Writes the cells into series_delta and leaves the map to be cleared. */
int fk_apply_flush_series(fk_apply *ap);

/* pull_log.c */
/* Seconds since the pull began. */
double fk_apply_elapsed(const fk_apply *ap);
/* Takes the pull lock, marks pulls left 'running' by a dead process as
 * interrupted and logs this one as 'running', in a transaction of its own
 * so the log keeps it whatever happens next.  Sets ap->pull.  0 or -1. */
int fk_apply_log_start(fk_apply *ap, const char *feed);
/* Drops the pull lock (free_apply). */
void fk_apply_log_unlock(fk_apply *ap);
/* The as_of of the latest stored pull that is not from the future into
 * ap->prev_as_of (-1 if none), the data version into ap->version and
 * ap->first (no stored pull at all).  0 or -1. */
int fk_apply_log_prev_as_of(fk_apply *ap);
/* Re-dates stored snapshots from the future (see pull_log.c) to a day in
 * [lo, hi], written to *day.  1 done, 0 none, -1 store error. */
int fk_apply_redate_future(fk_apply *ap, fk_day lo, fk_day hi, fk_day *day);
/* Writes the set-aside records kept so far. */
int fk_apply_write_rejects(fk_apply *ap);
/* Writes the pull's outcome and figures into its log row. */
int fk_apply_log_outcome(fk_apply *ap, const char *outcome, const char *reason,
                         const fk_pull_stats *ps);
/* Frees what fk_apply_reject kept. */
void fk_apply_free_rejects(fk_apply *ap);

#endif
