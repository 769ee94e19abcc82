/* apply.c - storing one pull in one transaction (see apply.h).
 *
 * The series model.  Each facility contributes, per program, a vector
 * (adopting, applied, total) that depends on its status: none (0,0,1),
 * applied (0,1,1), operating (1,0,1), not_applicable (0,0,0).  The series
 * stores the day-by-day changes of the sums of these vectors:
 *  - the first pull rebuilds the past: every facility is in the
 *    denominator from the beginning (day 0), and its status part from its
 *    `since` date;
 *  - later, a facility that appears enters on the snapshot's as_of (its
 *    status part from max(since, as_of)), one that disappears leaves on
 *    as_of, one that moves area leaves the old cell and enters the new;
 *  - a status change takes effect on its `since` date, but never before
 *    the day after the previous stored snapshot: the days already reported
 *    stay as they were reported. *
 * Records are not written as they arrive: new and changed ones are staged
 * (stage.h) and written in code order at commit, because a feed in no
 * code order would otherwise put every insert on a random B-tree page.
 * Repeated codes are still caught as they arrive (the index's seen bits,
 * the set of new codes), so the collector learns of them at once.
 *
 * The facility index and the record hash are in apply_index.c, the pull
 * log in pull_log.c. */
#include "data/apply.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "data/apply_int.h"

/* The stage's run buffer: about 22,000 national records; larger pulls
 * spill sorted runs to a temporary file. */
#define STAGE_RUN_BYTES (4u << 20)

enum {
    STAGED_NEW = 0,
    STAGED_CHANGED = 1
};

typedef struct {
    const char *program; /* interned */
    fk_status status;
    fk_day since;
} prog_state;

static int prep(fk_apply *ap, sqlite3_stmt **s, const char *sql)
{
    if (sqlite3_prepare_v3(ap->st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s,
                           NULL) != SQLITE_OK)
        return fk_store_fail(ap->st, "prepare");
    return 0;
}

int fk_apply_step_done(fk_apply *ap, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return fk_store_fail(ap->st, what);
    return 0;
}

static void free_apply(fk_apply *ap)
{
    if (ap->fk_off) fk_store_exec(ap->st, "PRAGMA foreign_keys=ON");
    sqlite3_stmt *all[] = {ap->ins_fac,    ap->upd_fac,    ap->get_fac,
                           ap->get_status, ap->put_status, ap->del_status,
                           ap->ins_hist,   ap->close_fac};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    free(ap->codes);
    free(ap->hashes);
    free(ap->seen);
    for (int i = 0; i < ap->nprogs; i++) free(ap->progs[i]);
    fk_apply_free_rejects(ap);
    fk_delta_free(&ap->deltas);
    fk_stage_free(ap->stage);
    fk_apply_log_unlock(ap);
    free(ap->newset);
    free(ap->odd);
    free(ap);
}

/* Rolls back, logs the pull as failed with the store's error as reason,
 * and frees ap; the store's error still says what went wrong.  The store
 * is taken before ap is freed: nothing of ap may be read after the
 * abort. */
static void fail_logged(fk_apply *ap, const fk_pull_stats *stats)
{
    fk_store *st = ap->st;
    char why[600];
    snprintf(why, sizeof why, "store: %s", st->err);
    fk_apply_abort(ap, why, stats);
    snprintf(st->err, sizeof st->err, "%s", why);
}

fk_apply *fk_apply_begin(fk_store *st, const char *feed)
{
    if (st->readonly) {
        snprintf(st->err, sizeof st->err, "store opened read-only");
        return NULL;
    }
    fk_apply *ap = fk_xcalloc(1, sizeof *ap);
    ap->st = st;
    ap->lock_fd = -1;
    ap->prev_as_of = -1;
    clock_gettime(CLOCK_MONOTONIC, &ap->t0);
    if (fk_apply_log_start(ap, feed) < 0) goto fail;
    /* For a 304's log row; the snapshot reads it again with the index. */
    if (fk_apply_log_prev_as_of(ap) < 0) goto fail_logged;
    if (prep(
            ap, &ap->ins_fac,
            "INSERT INTO facility(code, type, pref, muni, name, address, phone, beds,"
            " first_seen, closed_on, rhash, seen_pull) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,NULL,?10,?11)"
            " ON CONFLICT(code) DO UPDATE SET type = excluded.type, pref = excluded.pref,"
            " muni = excluded.muni, name = excluded.name, address = excluded.address,"
            " phone = excluded.phone, beds = excluded.beds, closed_on = NULL,"
            " rhash = excluded.rhash, seen_pull = excluded.seen_pull"
            " WHERE facility.seen_pull != excluded.seen_pull") < 0 ||
        prep(
            ap, &ap->upd_fac,
            "UPDATE facility SET type = ?2, pref = ?3, muni = ?4, name = ?5, address = ?6,"
            " phone = ?7, beds = ?8, rhash = ?10, seen_pull = ?11 WHERE code = ?1") <
            0 ||
        prep(ap, &ap->get_fac,
             "SELECT type, pref, muni FROM facility WHERE code = ?1") < 0 ||
        prep(ap, &ap->get_status,
             "SELECT program, status, since FROM status WHERE code = ?1") < 0 ||
        prep(ap, &ap->put_status,
             "INSERT OR REPLACE INTO status(code, program, status, since)"
             " VALUES(?1, ?2, ?3, ?4)") < 0 ||
        prep(ap, &ap->del_status,
             "DELETE FROM status WHERE code = ?1 AND program = ?2") < 0 ||
        prep(ap, &ap->ins_hist,
             "INSERT INTO status_history(code, program, status, since,"
             " effective, pull, event) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)") <
            0 ||
        prep(ap, &ap->close_fac,
             "UPDATE facility SET closed_on = ?2 WHERE code = ?1") < 0)
        goto fail_logged;
    return ap;

fail_logged:
    fail_logged(ap, NULL);
    return NULL;
fail:
    free_apply(ap);
    return NULL;
}

int64_t fk_apply_pull_id(const fk_apply *ap)
{
    return ap->pull;
}
int64_t fk_apply_set_aside(const fk_apply *ap)
{
    return ap->set_aside;
}

int fk_apply_snapshot(fk_apply *ap, const char *snapshot, fk_day as_of,
                      const char *etag)
{
    /* The previous as_of, the data version and the index are read in one
     * read transaction, so that they agree with one another; the write
     * lock is taken only at commit (fk_apply_commit checks the version). */
    if (fk_store_exec(ap->st, "BEGIN") < 0) return -1;
    int rc = fk_apply_log_prev_as_of(ap);
    if (rc == 0 && ap->prev_as_of >= 0 && as_of < ap->prev_as_of) {
        char a[FK_DATE_LEN], b[FK_DATE_LEN];
        snprintf(ap->st->err, sizeof ap->st->err,
                 "snapshot as_of %s is older than the stored as_of %s",
                 fk_date_format(as_of, a), fk_date_format(ap->prev_as_of, b));
        rc = -1;
    }
    /* Loaded only now: a 304 never needs the index. */
    if (rc == 0) rc = fk_apply_load_index(ap);
    char keep[sizeof ap->st->err];
    snprintf(keep, sizeof keep, "%s", ap->st->err);
    if (fk_store_exec(ap->st, rc == 0 ? "COMMIT" : "ROLLBACK") < 0 && rc == 0)
        return -1;
    if (rc < 0) {
        snprintf(ap->st->err, sizeof ap->st->err, "%s", keep);
        return -1;
    }
    ap->as_of = as_of;
    snprintf(ap->snapshot, sizeof ap->snapshot, "%s", snapshot);
    snprintf(ap->etag, sizeof ap->etag, "%s", etag ? etag : "");
    return 0;
}

void fk_apply_expect(fk_apply *ap, int64_t total)
{
    ap->expect = total > 0 ? total : 0;
}

static int intern(fk_apply *ap, const char *program)
{
    for (int i = 0; i < ap->nprogs; i++)
        if (!strcmp(ap->progs[i], program)) return i;
    if (ap->nprogs == FK_APPLY_MAX_PROGS) {
        snprintf(ap->st->err, sizeof ap->st->err,
                 "more than 64 distinct programs in one pull");
        return -1;
    }
    ap->progs[ap->nprogs] = fk_xstrdup(program);
    return ap->nprogs++;
}

static int muni_num(const char *muni)
{
    return muni[0] ? atoi(muni) : 0;
}

static void bind_facility(sqlite3_stmt *s, const fk_record *r, int64_t hash,
                          int64_t pull)
{
    sqlite3_bind_int64(s, 1, r->code);
    sqlite3_bind_int(s, 2, (int)r->type);
    sqlite3_bind_int(s, 3, r->pref);
    sqlite3_bind_text(s, 4, r->muni, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, r->name, -1, SQLITE_STATIC);
    if (r->address)
        sqlite3_bind_text(s, 6, r->address, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 6);
    if (r->phone)
        sqlite3_bind_text(s, 7, r->phone, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 7);
    if (r->beds >= 0)
        sqlite3_bind_int(s, 8, r->beds);
    else
        sqlite3_bind_null(s, 8);
    sqlite3_bind_int64(s, 10, hash);
    sqlite3_bind_int64(s, 11, pull);
}

/* ?1..?4 of the status and history statements. */
static void bind_status(sqlite3_stmt *s, int64_t code, const char *program,
                        fk_status status, fk_day since)
{
    sqlite3_bind_int64(s, 1, code);
    sqlite3_bind_text(s, 2, program, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, (int)status);
    if (since >= 0)
        sqlite3_bind_int(s, 4, since);
    else
        sqlite3_bind_null(s, 4);
}

static int put_status(fk_apply *ap, int64_t code, const char *program,
                      fk_status status, fk_day since)
{
    sqlite3_stmt *s = ap->put_status;
    bind_status(s, code, program, status, since);
    return fk_apply_step_done(ap, s, "status");
}

static int history(fk_apply *ap, int64_t code, const char *program,
                   fk_status status, fk_day since, fk_day effective,
                   const char *event)
{
    sqlite3_stmt *s = ap->ins_hist;
    bind_status(s, code, program, status, since);
    sqlite3_bind_int(s, 5, effective);
    sqlite3_bind_int64(s, 6, ap->pull);
    sqlite3_bind_text(s, 7, event, -1, SQLITE_STATIC);
    return fk_apply_step_done(ap, s, "history");
}

/* A facility entering the denominator: new, reopened, or first pull. */
static int enter(fk_apply *ap, const fk_record *r)
{
    fk_day when = ap->first ? 0 : ap->as_of;
    int muni = muni_num(r->muni);
    for (size_t i = 0; i < r->nprog; i++) {
        const fk_record_program *p = &r->prog[i];
        int pi = intern(ap, p->program);
        if (pi < 0) return -1;
        if (fk_apply_contribute(ap, pi, (int)r->type, r->pref, muni, p->status,
                                p->since, when, +1) < 0 ||
            put_status(ap, r->code, p->program, p->status, p->since) < 0)
            return -1;
        if (ap->first) {
            /* Rebuilding the past: the known start of each status. */
            if (p->since >= 0 && history(ap, r->code, p->program, p->status,
                                         p->since, p->since, "initial") < 0)
                return -1;
        } else {
            fk_day eff = p->since > ap->as_of ? p->since : ap->as_of;
            if (history(ap, r->code, p->program, p->status, p->since, eff,
                        "opened") < 0)
                return -1;
            ap->changes++;
        }
    }
    if (!ap->first) ap->openings++;
    return 0;
}

typedef struct {
    int type, pref, muni;
    size_t n;
    prog_state p[FK_MAX_PROGRAMS * 2];
    char names[FK_MAX_PROGRAMS * 2][64];
} old_state;

static int corrupt(fk_apply *ap, int64_t code, const char *what)
{
    snprintf(ap->st->err, sizeof ap->st->err,
             "facility %010lld: stored %s out of range (damaged store?)",
             (long long)code, what);
    return -1;
}

static int load_old(fk_apply *ap, int64_t code, old_state *o)
{
    sqlite3_stmt *s = ap->get_fac;
    sqlite3_bind_int64(s, 1, code);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return fk_store_fail(ap->st, "facility lookup");
    }
    o->type = sqlite3_column_int(s, 0);
    o->pref = sqlite3_column_int(s, 1);
    const unsigned char *m = sqlite3_column_text(s, 2);
    o->muni = m ? atoi((const char *)m) : 0;
    sqlite3_reset(s);
    /* Only this code writes these rows, from checked records; a row out of
     * range means the file was edited or damaged: an error, not a crash. */
    if (o->type < 0 || o->type >= FK_NTYPE || o->pref < 0 || o->pref > 47 ||
        o->muni < 0 || o->muni > 99999)
        return corrupt(ap, code, "type, prefecture or municipality");
    s = ap->get_status;
    sqlite3_bind_int64(s, 1, code);
    o->n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && o->n < FK_MAX_PROGRAMS * 2) {
        snprintf(o->names[o->n], sizeof o->names[0], "%s",
                 (const char *)sqlite3_column_text(s, 0));
        o->p[o->n].program = o->names[o->n];
        o->p[o->n].status = (fk_status)sqlite3_column_int(s, 1);
        o->p[o->n].since = sqlite3_column_type(s, 2) == SQLITE_NULL
                               ? -1
                               : sqlite3_column_int(s, 2);
        if (o->p[o->n].status < FK_ST_NONE ||
            o->p[o->n].status > FK_ST_NOT_APPLICABLE) {
            sqlite3_reset(s);
            return corrupt(ap, code, "status");
        }
        o->n++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fk_store_fail(ap->st, "status lookup");
    return 0;
}

/* A known facility whose record differs from the stored one. */
static int change(fk_apply *ap, const fk_record *r)
{
    old_state o;
    if (load_old(ap, r->code, &o) < 0) return -1;
    int muni = muni_num(r->muni);
    int moved = o.type != (int)r->type || o.pref != r->pref || o.muni != muni;
    /* Programs that vanished from the record leave the series. */
    for (size_t j = 0; j < o.n; j++) {
        int still = 0;
        for (size_t i = 0; i < r->nprog; i++)
            if (!strcmp(r->prog[i].program, o.p[j].program)) still = 1;
        if (still) continue;
        int pi = intern(ap, o.p[j].program);
        if (pi < 0 || fk_apply_contribute(ap, pi, o.type, o.pref, o.muni,
                                          o.p[j].status, -1, ap->as_of, -1) < 0)
            return -1;
        sqlite3_bind_int64(ap->del_status, 1, r->code);
        sqlite3_bind_text(ap->del_status, 2, o.p[j].program, -1, SQLITE_STATIC);
        if (fk_apply_step_done(ap, ap->del_status, "status") < 0) return -1;
    }
    for (size_t i = 0; i < r->nprog; i++) {
        const fk_record_program *p = &r->prog[i];
        const prog_state *old = NULL;
        for (size_t j = 0; j < o.n; j++)
            if (!strcmp(o.p[j].program, p->program)) old = &o.p[j];
        int same = old && old->status == p->status && old->since == p->since;
        if (same && !moved) continue;
        int pi = intern(ap, p->program);
        if (pi < 0) return -1;
        fk_day eff = ap->as_of;
        if (!moved && p->since >= 0 &&
            (p->status == FK_ST_APPLIED || p->status == FK_ST_OPERATING)) {
            eff = p->since > ap->prev_as_of ? p->since : ap->prev_as_of + 1;
            if (eff > ap->as_of) eff = ap->as_of;
        }
        if (old && fk_apply_contribute(ap, pi, o.type, o.pref, o.muni,
                                       old->status, -1, eff, -1) < 0)
            return -1;
        if (fk_apply_contribute(ap, pi, (int)r->type, r->pref, muni, p->status,
                                -1, eff, +1) < 0)
            return -1;
        if (!same) {
            if (put_status(ap, r->code, p->program, p->status, p->since) < 0 ||
                history(ap, r->code, p->program, p->status, p->since, eff,
                        "status") < 0)
                return -1;
            ap->changes++;
        }
    }
    return 0;
}

static int write_staged(fk_apply *ap);

static int stage(fk_apply *ap, const fk_record *r, int64_t hash, int kind)
{
    uint8_t ids[FK_MAX_PROGRAMS];
    for (size_t i = 0; i < r->nprog; i++) {
        int pi = intern(ap, r->prog[i].program);
        if (pi < 0) return -1;
        ids[i] = (uint8_t)pi;
    }
    if (!ap->stage) ap->stage = fk_stage_new(STAGE_RUN_BYTES);
    return fk_stage_put(ap->stage, r, ids, hash, (uint8_t)kind, ap->st->err,
                        sizeof ap->st->err);
}

int fk_apply_record(fk_apply *ap, const fk_record *r)
{
    if ((int)r->type < 0 || (int)r->type >= FK_NTYPE || r->pref < 1 ||
        r->pref > FK_NPREF) {
        snprintf(ap->st->err, sizeof ap->st->err,
                 "record %lld: type %d or prefecture %d is not known",
                 (long long)r->code, (int)r->type, r->pref);
        return -1;
    }
    int64_t h = fk_apply_record_hash(r);
    size_t i = fk_apply_find(ap, r->code);
    int kind = STAGED_NEW;
    if (i != (size_t)-1) {
        if (ap->seen[i / 64] >> (i % 64) & 1) return FK_APPLY_DUP;
        ap->seen[i / 64] |= 1ULL << (i % 64);
        if (ap->hashes[i] == (uint32_t)h) {
            ap->records++;
            return FK_APPLY_OK;
        }
        /* The stored rows are read now, so that a damaged one fails this
         * record at once; only the write waits for the commit. */
        old_state o;
        if (load_old(ap, r->code, &o) < 0) return -1;
        kind = STAGED_CHANGED;
    } else {
        int seen = fk_apply_seen_new(ap, r->code);
        if (seen < 0) {
            snprintf(ap->st->err, sizeof ap->st->err, "codes: out of memory");
            return -1;
        }
        if (seen) return FK_APPLY_DUP;
    }
    if (stage(ap, r, h, kind) < 0) return -1;
    ap->records++;
    return FK_APPLY_OK;
}

/* Writes the staged records, in code order: each insert appends. */
static int apply_staged(fk_apply *ap)
{
    if (!ap->stage) return 0;
    char *indexes = NULL;
    if (ap->first && !(indexes = fk_apply_drop_indexes(ap))) return -1;
    int rc = write_staged(ap);
    if (indexes) {
        if (rc == 0 && fk_store_exec(ap->st, indexes) < 0) rc = -1;
        sqlite3_free(indexes);
    }
    return rc;
}

static int write_staged(fk_apply *ap)
{
    char *err = ap->st->err;
    size_t errlen = sizeof ap->st->err;
    if (fk_stage_sort(ap->stage, err, errlen) < 0) return -1;
    fk_staged x;
    int rc;
    while ((rc = fk_stage_next(ap->stage, &x, err, errlen)) == 1) {
        fk_record *r = &x.rec;
        for (size_t i = 0; i < r->nprog; i++)
            r->prog[i].program = ap->progs[x.prog_id[i]];
        if (x.kind == STAGED_CHANGED) {
            if (change(ap, r) < 0) return -1;
            bind_facility(ap->upd_fac, r, x.hash, ap->pull);
            if (fk_apply_step_done(ap, ap->upd_fac, "facility") < 0) return -1;
        } else {
            bind_facility(ap->ins_fac, r, x.hash, ap->pull);
            sqlite3_bind_int(ap->ins_fac, 9, ap->as_of);
            if (fk_apply_step_done(ap, ap->ins_fac, "facility") < 0 ||
                enter(ap, r) < 0)
                return -1;
        }
    }
    return rc;
}

/* Facilities of the previous snapshot that this one did not deliver. */
static int close_missing(fk_apply *ap)
{
    for (size_t i = 0; i < ap->n; i++) {
        if (ap->seen[i / 64] >> (i % 64) & 1) continue;
        old_state o;
        if (load_old(ap, ap->codes[i], &o) < 0) return -1;
        for (size_t j = 0; j < o.n; j++) {
            int pi = intern(ap, o.p[j].program);
            if (pi < 0 ||
                fk_apply_contribute(ap, pi, o.type, o.pref, o.muni,
                                    o.p[j].status, -1, ap->as_of, -1) < 0 ||
                history(ap, ap->codes[i], o.p[j].program, o.p[j].status,
                        o.p[j].since, ap->as_of, "closed") < 0)
                return -1;
        }
        sqlite3_bind_int64(ap->close_fac, 1, ap->codes[i]);
        sqlite3_bind_int(ap->close_fac, 2, ap->as_of);
        if (fk_apply_step_done(ap, ap->close_fac, "closure") < 0) return -1;
        ap->closures++;
    }
    return 0;
}

/* Takes the write lock for the staged pull: foreign keys off for it (the
 * pragma only works outside a transaction): checking them cost a B-tree
 * lookup for every row, 15% of a first pull, and the rows hold by
 * construction: a status or history row follows its facility's, the pull
 * row was written at the start, and fk_apply_record refuses a type or
 * prefecture outside the reference tables.  Then checks that no other
 * pull was stored since the index was read (its records would have been
 * compared against a state that is gone) and re-dates a snapshot from the
 * future that the store may hold. */
static int lock_for_commit(fk_apply *ap)
{
    if (fk_store_exec(ap->st, "PRAGMA foreign_keys=OFF") < 0) return -1;
    ap->fk_off = 1;
    if (fk_store_exec(ap->st, "BEGIN IMMEDIATE") < 0) return -1;
    ap->in_tx = 1;
    int64_t v;
    if (fk_store_data_version(ap->st, &v) < 0) return -1;
    if (v != ap->version) {
        snprintf(ap->st->err, sizeof ap->st->err,
                 "another pull (%lld) was stored while this one was fetched; "
                 "nothing of this one was stored (the next pull compares "
                 "against it)",
                 (long long)v);
        return -1;
    }
    fk_day day;
    int rc = fk_apply_redate_future(ap, ap->prev_as_of, ap->as_of, &day);
    if (rc < 0) return -1;
    /* The re-dated snapshot is now the previous one. */
    if (rc == 1) ap->prev_as_of = day;
    return 0;
}

int fk_apply_commit(fk_apply *ap, fk_pull_stats *stats)
{
    fk_pull_stats ps = stats ? *stats : (fk_pull_stats){0};
    if (lock_for_commit(ap) < 0 || apply_staged(ap) < 0 ||
        close_missing(ap) < 0 || fk_apply_flush_series(ap) < 0 ||
        fk_apply_write_rejects(ap) < 0 ||
        fk_apply_log_outcome(ap, "stored", NULL, &ps) < 0 ||
        fk_store_exec(ap->st, "COMMIT") < 0) {
        fail_logged(ap, stats);
        return -1;
    }
    if (stats) {
        stats->records = ap->records;
        stats->changes = ap->changes;
        stats->openings = ap->openings;
        stats->closures = ap->closures;
        stats->set_aside = ap->set_aside;
        stats->seconds = fk_apply_elapsed(ap);
        snprintf(stats->redated, sizeof stats->redated, "%s", ap->redated);
    }
    free_apply(ap);
    return 0;
}

void fk_apply_abort(fk_apply *ap, const char *reason,
                    const fk_pull_stats *stats)
{
    if (!ap) return;
    if (ap->in_tx) fk_store_exec(ap->st, "ROLLBACK");
    ap->in_tx = 0;
    /* Nothing of the pull's data stays; its record in the log does. */
    ap->records = ap->changes = ap->openings = ap->closures = 0;
    char keep[512];
    snprintf(keep, sizeof keep, "%s", ap->st->err);
    if (fk_store_exec(ap->st, "BEGIN IMMEDIATE") == 0) {
        int bad = fk_apply_write_rejects(ap) < 0 ||
                  fk_apply_log_outcome(ap, reason ? "failed" : "unchanged",
                                       reason, stats) < 0;
        fk_store_exec(ap->st, bad ? "ROLLBACK" : "COMMIT");
    }
    snprintf(ap->st->err, sizeof ap->st->err, "%s", keep);
    free_apply(ap);
}
