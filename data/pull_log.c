/* pull_log.c - the pull log (see apply_int.h): every pull is logged as
 * 'running' before any data is touched, in a transaction of its own, then
 * gets its outcome (stored, unchanged, failed) with its figures and the
 * records it set aside.
 *
 * A pull holds the write lock only while it applies what it staged, so the
 * lock no longer tells a live pull from a dead one.  Each pull holds an
 * exclusive flock(2) on a file beside the store ("STORE-pull.lock") from
 * before its 'running' row to its end; the kernel drops it when the
 * process dies.  A pull that gets the lock knows that every row still
 * 'running' belongs to a process that died, and marks it 'interrupted'; a
 * pull that cannot get it fails at once, naming the pull that runs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "data/apply_int.h"

/* Set-aside records kept for the log; the count goes on past this. */
#define MAX_REJECTS_KEPT 100000

double fk_apply_elapsed(const fk_apply *ap)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - ap->t0.tv_sec) +
           (double)(t.tv_nsec - ap->t0.tv_nsec) / 1e9;
}

int fk_store_last_etag(fk_store *st, const char *feed, char *etag, size_t n)
{
    sqlite3_stmt *s;
    etag[0] = '\0';
    if (sqlite3_prepare_v2(
            st->db,
            "SELECT etag FROM pull WHERE feed = ?1 AND outcome = 'stored'"
            " AND as_of <= ?2 ORDER BY id DESC LIMIT 1",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "last etag");
    sqlite3_bind_text(s, 1, feed, -1, SQLITE_TRANSIENT);
    /* Not the ETag of a quarantined snapshot: a 304 would confirm it. */
    sqlite3_bind_int(s, 2, fk_store_last_real_day());
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(etag, n, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : fk_store_fail(st, "last etag");
}

/* Takes the pull lock (see the top of the file) into ap->lock_fd. */
static int pull_lock(fk_apply *ap)
{
    fk_store *st = ap->st;
    const char *db = sqlite3_db_filename(st->db, "main");
    if (!db || !*db) return 0; /* in memory: no other process shares it */
    char path[4200];
    snprintf(path, sizeof path, "%s-pull.lock", db);
    ap->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (ap->lock_fd < 0) {
        snprintf(st->err, sizeof st->err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(ap->lock_fd, LOCK_EX | LOCK_NB) == 0) return 0;
    int e = errno, found = 0;
    int64_t id = 0;
    if (e == EWOULDBLOCK)
        fk_store_one_int(st,
                         "SELECT MAX(id) FROM pull WHERE outcome = 'running'",
                         NULL, &found, &id);
    if (e == EWOULDBLOCK)
        snprintf(st->err, sizeof st->err,
                 "another pull of this store is running (pull %lld); this "
                 "one was not started",
                 (long long)(found ? id : 0));
    else
        snprintf(st->err, sizeof st->err, "%s: %s", path, strerror(e));
    return -1;
}

void fk_apply_log_unlock(fk_apply *ap)
{
    if (ap->lock_fd >= 0) close(ap->lock_fd); /* drops the flock */
    ap->lock_fd = -1;
}

int fk_apply_log_start(fk_apply *ap, const char *feed)
{
    fk_store *st = ap->st;
    char now[32];
    fk_store_now(now, sizeof now);
    if (pull_lock(ap) < 0) return -1;
    /* With the pull lock held, any pull still 'running' belongs to a
     * process that died. */
    if (fk_store_exec(st, "BEGIN IMMEDIATE") < 0) return -1;
    sqlite3_stmt *s = NULL;
    if (fk_store_exec(
            st,
            "UPDATE pull SET outcome = 'interrupted', reason ="
            " 'the collector stopped before finishing' WHERE outcome = 'running'") <
            0 ||
        sqlite3_prepare_v2(
            st->db,
            "INSERT INTO pull(started_at, feed, outcome) VALUES(?1, ?2, 'running')",
            -1, &s, NULL) != SQLITE_OK) {
        if (!st->err[0]) fk_store_fail(st, "pull log");
        sqlite3_finalize(s);
        fk_store_exec(st, "ROLLBACK");
        return -1;
    }
    sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, feed, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fk_store_fail(st, "pull log");
        fk_store_exec(st, "ROLLBACK");
        return -1;
    }
    ap->pull = sqlite3_last_insert_rowid(st->db);
    return fk_store_exec(st, "COMMIT") < 0 ? -1 : 0;
}

fk_day fk_store_last_real_day(void)
{
    return fk_today_jst() + 1;
}

int fk_apply_log_prev_as_of(fk_apply *ap)
{
    int found;
    int64_t v;
    char lim[24];
    snprintf(lim, sizeof lim, "%d", (int)fk_store_last_real_day());
    /* Snapshots dated in the future are quarantined: the order of as_of
     * dates is checked against the real ones only. */
    if (fk_store_one_int(ap->st,
                         "SELECT as_of FROM pull WHERE outcome = 'stored'"
                         " AND as_of <= CAST(?1 AS INTEGER)"
                         " ORDER BY id DESC LIMIT 1",
                         lim, &found, &v) < 0)
        return -1;
    ap->prev_as_of = found ? (fk_day)v : -1;
    if (fk_store_data_version(ap->st, &ap->version) < 0) return -1;
    ap->first = ap->version == 0;
    return 0;
}

/* A snapshot dated after fk_store_last_real_day() can only come from an
 * older fukyu (which did not refuse one) or from a clock that was wrong.
 * Left as it is, it would hold every later as_of back for ever.  Every
 * change it dated after `day` is dated `day` instead (the pulls, the
 * series deltas, the history, first-seen and closing dates): the store is
 * then what it would be had the snapshot said as_of `day`: the JST day
 * it was pulled on, kept between the previous real as_of and the as_of of
 * the pull now being stored.  Nothing a real pull wrote is touched: its
 * dates are at most its as_of, at most the previous real as_of.  Runs
 * inside the write transaction of the pull that follows (all or nothing
 * with it); the re-dated pulls' log rows say so in their reason.  Sets
 * *day; 1 when something was re-dated, 0 when nothing was in the future,
 * -1 on a store error. */
int fk_apply_redate_future(fk_apply *ap, fk_day lo, fk_day hi, fk_day *dayp)
{
    int found;
    int64_t first, pulled;
    char lim[24];
    snprintf(lim, sizeof lim, "%d", (int)fk_store_last_real_day());
    if (fk_store_one_int(ap->st,
                         "SELECT MIN(as_of) FROM pull WHERE outcome = 'stored'"
                         " AND as_of > CAST(?1 AS INTEGER)",
                         lim, &found, &first) < 0)
        return -1;
    if (!found) return 0;
    /* started_at is UTC; 2440587.5 is the Julian day of 1970-01-01. */
    if (fk_store_one_int(ap->st,
                         "SELECT CAST(julianday(started_at, '+9 hours')"
                         " - 2440587.5 AS INTEGER) FROM pull"
                         " WHERE outcome = 'stored' AND"
                         " as_of > CAST(?1 AS INTEGER) ORDER BY id LIMIT 1",
                         lim, &found, &pulled) < 0)
        return -1;
    fk_day day = found ? (fk_day)pulled : hi;
    if (day > hi) day = hi;
    if (day < lo) day = lo;
    *dayp = day;
    char d[FK_DATE_LEN], f[FK_DATE_LEN];
    fk_date_format(day, d);
    fk_date_format((fk_day)first, f);
    snprintf(ap->redated, sizeof ap->redated,
             "snapshot as_of %s (from the future) re-dated to %s", f, d);
    char *sql = sqlite3_mprintf(
        "INSERT INTO series_delta(program, type, pref, muni, day, d_adopting,"
        " d_applied, d_total) SELECT program, type, pref, muni, %d,"
        " SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
        " WHERE day > %d GROUP BY program, type, pref, muni"
        " ON CONFLICT(program, pref, muni, type, day) DO UPDATE SET"
        " d_adopting = d_adopting + excluded.d_adopting,"
        " d_applied = d_applied + excluded.d_applied,"
        " d_total = d_total + excluded.d_total;"
        "DELETE FROM series_delta WHERE day > %d;"
        "UPDATE status_history SET effective = %d WHERE effective > %d;"
        "UPDATE facility SET first_seen = %d WHERE first_seen > %d;"
        "UPDATE facility SET closed_on = %d WHERE closed_on > %d;"
        "UPDATE pull SET reason = printf('as_of %%s was in the future;"
        " re-dated to %q by pull %lld', date(as_of * 86400, 'unixepoch')),"
        " as_of = %d WHERE outcome = 'stored' AND as_of > %d;",
        (int)day, (int)day, (int)day, (int)day, (int)day, (int)day, (int)day,
        (int)day, (int)day, d, (long long)ap->pull, (int)day, (int)day);
    if (!sql) {
        snprintf(ap->st->err, sizeof ap->st->err, "re-dating: out of memory");
        return -1;
    }
    int rc = fk_store_exec(ap->st, sql);
    sqlite3_free(sql);
    return rc < 0 ? -1 : 1;
}

/* p (of *cap elements of size bytes) with room for need elements: p
 * itself, or moved.  Bounded by MAX_REJECTS_KEPT, so fk_xrealloc. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return p;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) ncap *= 2;
    *cap = ncap;
    return fk_xrealloc(p, ncap, size);
}

void fk_apply_reject(fk_apply *ap, int64_t position, const char *code,
                     const char *reason)
{
    /* Counted in any case; the details of the first MAX_REJECTS_KEPT are
     * kept (the log's figure stays right, the list is the first so many).  The
     * reasons share one block: one allocation, not one per record. */
    ap->set_aside++;
    if (ap->nrejects == MAX_REJECTS_KEPT) return;
    size_t rlen = strlen(reason) + 1;
    ap->rejects = grow(ap->rejects, &ap->caprejects, ap->nrejects + 1,
                       sizeof *ap->rejects);
    ap->reasons =
        grow(ap->reasons, &ap->reasons_cap, ap->reasons_len + rlen, 1);
    fk_apply_reject_t *rj = &ap->rejects[ap->nrejects++];
    rj->position = position;
    snprintf(rj->code, sizeof rj->code, "%s", code ? code : "");
    rj->reason = ap->reasons_len;
    memcpy(ap->reasons + ap->reasons_len, reason, rlen);
    ap->reasons_len += rlen;
}

void fk_apply_free_rejects(fk_apply *ap)
{
    free(ap->rejects);
    free(ap->reasons);
    ap->rejects = NULL;
    ap->reasons = NULL;
    ap->nrejects = ap->caprejects = 0;
    ap->reasons_len = ap->reasons_cap = 0;
}

int fk_apply_write_rejects(fk_apply *ap)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            ap->st->db,
            "INSERT OR REPLACE INTO reject(pull, position, code, reason)"
            " VALUES(?1, ?2, ?3, ?4)",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(ap->st, "rejects");
    for (size_t i = 0; i < ap->nrejects; i++) {
        sqlite3_bind_int64(s, 1, ap->pull);
        sqlite3_bind_int64(s, 2, ap->rejects[i].position);
        sqlite3_bind_text(s, 3, ap->rejects[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, ap->reasons + ap->rejects[i].reason, -1,
                          SQLITE_STATIC);
        if (fk_apply_step_done(ap, s, "rejects") < 0) {
            sqlite3_finalize(s);
            return -1;
        }
    }
    sqlite3_finalize(s);
    return 0;
}

int fk_apply_log_outcome(fk_apply *ap, const char *outcome, const char *reason,
                         const fk_pull_stats *ps)
{
    sqlite3_stmt *s;
    char now[32];
    fk_store_now(now, sizeof now);
    if (sqlite3_prepare_v2(
            ap->st->db,
            "UPDATE pull SET finished_at = ?2, outcome = ?3, reason = ?4,"
            " snapshot = ?5, as_of = ?6, etag = ?7, http_status = ?8, pages = ?9,"
            " records = ?10, changes = ?11, openings = ?12, closures = ?13,"
            " set_aside = ?14, bytes = ?15, seconds = ?16, wire_bytes = ?17,"
            " unknown_munis = ?18 WHERE id = ?1",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(ap->st, "pull log");
    sqlite3_bind_int64(s, 1, ap->pull);
    sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, outcome, -1, SQLITE_STATIC);
    if (reason) sqlite3_bind_text(s, 4, reason, -1, SQLITE_TRANSIENT);
    if (ap->snapshot[0]) {
        sqlite3_bind_text(s, 5, ap->snapshot, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 6, ap->as_of);
    } else if (!reason && ap->prev_as_of >= 0) {
        /* A 304 confirms the stored snapshot: log its as_of. */
        sqlite3_bind_int(s, 6, ap->prev_as_of);
    }
    if (ap->etag[0]) sqlite3_bind_text(s, 7, ap->etag, -1, SQLITE_STATIC);
    if (ps) {
        sqlite3_bind_int(s, 8, ps->http_status);
        sqlite3_bind_int64(s, 9, ps->pages);
        sqlite3_bind_int64(s, 15, ps->bytes);
        sqlite3_bind_int64(s, 17, ps->wire_bytes);
    }
    sqlite3_bind_int64(s, 10, ap->records);
    sqlite3_bind_int64(s, 11, ap->changes);
    sqlite3_bind_int64(s, 12, ap->openings);
    sqlite3_bind_int64(s, 13, ap->closures);
    sqlite3_bind_int64(s, 14, ap->set_aside);
    sqlite3_bind_double(s, 16, fk_apply_elapsed(ap));
    /* Like records, only a stored pull keeps its count. */
    sqlite3_bind_int64(
        s, 18, ps && !strcmp(outcome, "stored") ? ps->unknown_munis : 0);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : fk_store_fail(ap->st, "pull log");
}
