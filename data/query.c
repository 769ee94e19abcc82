/* query.c - read side of the store: adoption counts, series, facilities,
 * the pull log and set-aside records.
 *
 * Counts on a day are sums of the sparse deltas up to that day (see
 * store.h); the primary key (program, pref, muni, type, day) serves the
 * prefecture and municipality filters directly. */
#include "data/store_int.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const char *status_keys[] = {"none", "applied", "operating",
                                    "not_applicable"};
static const char *status_ja[] = {"未着手", "申請済", "運用中", "対象外"};

const char *fk_status_key(fk_status s)
{
    return (unsigned)s < 4 ? status_keys[s] : "unknown";
}

const char *fk_status_label_ja(fk_status s)
{
    return (unsigned)s < 4 ? status_ja[s] : "不明";
}

int fk_status_by_key(const char *key)
{
    for (int i = 0; key && i < 4; i++)
        if (!strcmp(status_keys[i], key)) return i;
    return -1;
}

static int prepare(fk_store *st, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "prepare");
    return 0;
}

static void read_counts(sqlite3_stmt *s, int col, fk_counts *c)
{
    c->adopting = sqlite3_column_int64(s, col);
    c->applied = sqlite3_column_int64(s, col + 1);
    c->total = sqlite3_column_int64(s, col + 2);
}

/* Area filter: national (the pref = 0 roll-up rows), prefecture, or
 * municipality.  A designated city's code stands for the city and all its
 * wards, a range of codes (fk_muni_span), which the key serves too. */
static const char *area_sql(const fk_area *a)
{
    if (!a || a->pref == 0) return " AND pref = 0";
    return a->muni[0] ? " AND pref = ?3 AND muni BETWEEN ?4 AND ?5"
                      : " AND pref = ?3";
}

static void bind_area(sqlite3_stmt *s, const fk_area *a)
{
    if (!a || a->pref == 0) return;
    sqlite3_bind_int(s, 3, a->pref);
    if (!a->muni[0]) return;
    char lo[6], hi[6];
    fk_muni_span(a->muni, lo, hi);
    sqlite3_bind_text(s, 4, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, hi, -1, SQLITE_TRANSIENT);
}

int fk_store_counts(fk_store *st, const char *program, fk_day date,
                    const fk_area *area, fk_counts by_type[FK_NTYPE])
{
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT type, SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
        " WHERE program = ?1 AND day <= ?2%s GROUP BY type",
        area_sql(area));
    sqlite3_stmt *s;
    if (prepare(st, sql, &s) < 0) return -1;
    sqlite3_bind_text(s, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, date);
    bind_area(s, area);
    memset(by_type, 0, sizeof(fk_counts) * FK_NTYPE);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int t = sqlite3_column_int(s, 0);
        if (t >= 0 && t < FK_NTYPE) read_counts(s, 1, &by_type[t]);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : fk_store_fail(st, "counts");
}

int fk_store_counts_by_pref(fk_store *st, const char *program, fk_day date,
                            int type, fk_counts out[FK_NPREF])
{
    const char *sql =
        type < 0
            ? "SELECT pref, SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
              " WHERE program = ?1 AND pref > 0 AND day <= ?2 GROUP BY pref"
            : "SELECT pref, SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
              " WHERE program = ?1 AND pref > 0 AND day <= ?2 AND type = ?3 GROUP BY pref";
    sqlite3_stmt *s;
    if (prepare(st, sql, &s) < 0) return -1;
    sqlite3_bind_text(s, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, date);
    if (type >= 0) sqlite3_bind_int(s, 3, type);
    memset(out, 0, sizeof(fk_counts) * FK_NPREF);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int p = sqlite3_column_int(s, 0);
        if (p >= 1 && p <= FK_NPREF) read_counts(s, 1, &out[p - 1]);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : fk_store_fail(st, "counts by prefecture");
}

int fk_store_counts_by_muni(fk_store *st, const char *program, fk_day date,
                            int pref, int type, fk_muni_counts **out, size_t *n)
{
    const char *sql =
        type < 0
            ? "SELECT muni, SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
              " WHERE program = ?1 AND day <= ?2 AND pref = ?3 GROUP BY muni ORDER BY muni"
            : "SELECT muni, SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
              " WHERE program = ?1 AND day <= ?2 AND pref = ?3 AND type = ?4"
              " GROUP BY muni ORDER BY muni";
    sqlite3_stmt *s;
    *out = NULL;
    *n = 0;
    if (prepare(st, sql, &s) < 0) return -1;
    sqlite3_bind_text(s, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, date);
    sqlite3_bind_int(s, 3, pref);
    if (type >= 0) sqlite3_bind_int(s, 4, type);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_counts c;
        read_counts(s, 1, &c);
        if (c.total == 0 && c.adopting == 0 && c.applied == 0)
            continue; /* all closed */
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = fk_xrealloc(*out, cap, sizeof **out);
        }
        fk_muni_counts *m = &(*out)[(*n)++];
        const unsigned char *code = sqlite3_column_text(s, 0);
        snprintf(m->code, sizeof m->code, "%s", code ? (const char *)code : "");
        m->c = c;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return fk_store_fail(st, "counts by municipality");
    }
    return 0;
}

int fk_store_series(fk_store *st, const char *program, int type,
                    const fk_area *area, fk_day from, fk_day to, fk_point **out,
                    size_t *n)
{
    *out = NULL;
    *n = 0;
    if (to < from) {
        snprintf(st->err, sizeof st->err, "series: empty date range");
        return -1;
    }
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT day, SUM(d_adopting), SUM(d_applied), SUM(d_total) FROM series_delta"
        " WHERE program = ?1 AND day <= ?2%s%s GROUP BY day ORDER BY day",
        area_sql(area), type >= 0 ? " AND type = ?6" : "");
    sqlite3_stmt *s;
    if (prepare(st, sql, &s) < 0) return -1;
    sqlite3_bind_text(s, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, to);
    bind_area(s, area);
    if (type >= 0) sqlite3_bind_int(s, 6, type);
    size_t len = (size_t)(to - from) + 1;
    fk_point *p = fk_xcalloc(len, sizeof *p);
    fk_counts run = {0, 0, 0};
    size_t i = 0;
    int rc;
    /* Walk days in order, carrying the running sum across days without
     * deltas. */
    fk_day last = INT32_MIN;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_day d = sqlite3_column_int(s, 0);
        /* GROUP BY day ORDER BY day: each day once, in order, and none
         * after `to` (WHERE day <= ?2); else the running sums would be
         * carried onto the wrong cells. */
        assert(d > last && d <= to);
        last = d;
        while (i < len && from + (fk_day)i < d) {
            p[i].date = from + (fk_day)i;
            p[i].c = run;
            i++;
        }
        run.adopting += sqlite3_column_int64(s, 1);
        run.applied += sqlite3_column_int64(s, 2);
        run.total += sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(p);
        return fk_store_fail(st, "series");
    }
    for (; i < len; i++) {
        p[i].date = from + (fk_day)i;
        p[i].c = run;
    }
    /* One cell per day of [from, to]: the callers index by day - from. */
    assert(len == (size_t)(to - from) + 1 && p[len - 1].date == to);
    *out = p;
    *n = len;
    return 0;
}

static int no_pull(fk_store *st)
{
    snprintf(st->err, sizeof st->err,
             "no stored pull yet: run `fukyu collect` first");
    return -1;
}

/* Runs sql with ?1 bound to the last real day (fk_store_last_real_day):
 * readers never see a snapshot from the future. */
static int one_real(fk_store *st, const char *sql, int *found, int64_t *v)
{
    char lim[24];
    snprintf(lim, sizeof lim, "%d", (int)fk_store_last_real_day());
    return fk_store_one_int(st, sql, lim, found, v);
}

int fk_store_latest_as_of(fk_store *st, fk_day *as_of)
{
    int found;
    int64_t v;
    if (one_real(st,
                 "SELECT as_of FROM pull WHERE outcome = 'stored'"
                 " AND as_of <= CAST(?1 AS INTEGER) ORDER BY id DESC LIMIT 1",
                 &found, &v) < 0)
        return -1;
    if (!found) return no_pull(st);
    *as_of = (fk_day)v;
    return 0;
}

int fk_store_first_day(fk_store *st, const char *program, fk_day *first)
{
    int found;
    int64_t v;
    if (fk_store_one_int(
            st,
            "SELECT MIN(day) FROM series_delta WHERE program = ?1 AND pref = 0 AND day > 0"
            " AND (d_adopting != 0 OR d_applied != 0)",
            program, &found, &v) < 0)
        return -1;
    if (found) {
        *first = (fk_day)v;
        return 0;
    }
    if (one_real(st,
                 "SELECT MIN(as_of) FROM pull WHERE outcome = 'stored'"
                 " AND as_of <= CAST(?1 AS INTEGER)",
                 &found, &v) < 0)
        return -1;
    if (!found) return no_pull(st);
    *first = (fk_day)v;
    return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

int fk_store_each_facility(fk_store *st, const fk_facility_filter *f,
                           fk_facility_fn fn, void *ctx)
{
    char sql[1024];
    snprintf(
        sql, sizeof sql,
        "SELECT f.code, f.type, f.pref, f.muni, f.name, f.address, f.phone, f.beds,"
        " s.status, s.since, f.first_seen FROM facility f"
        " JOIN status s ON s.code = f.code AND s.program = ?1"
        " WHERE f.closed_on IS NULL%s%s%s%s%s ORDER BY f.pref, f.muni, f.code",
        f->pref ? " AND f.pref = ?2" : "",
        f->muni ? " AND f.muni BETWEEN ?3 AND ?7" : "",
        f->type >= 0 ? " AND f.type = ?4" : "",
        f->statuses ? " AND ((?5 >> s.status) & 1)" : "",
        f->adopted_since >= 0 ? " AND s.status = 2 AND s.since >= ?6" : "");
    sqlite3_stmt *s;
    if (prepare(st, sql, &s) < 0) return -1;
    sqlite3_bind_text(s, 1, f->program, -1, SQLITE_TRANSIENT);
    if (f->pref) sqlite3_bind_int(s, 2, f->pref);
    if (f->muni) { /* a designated city: with its wards (fk_muni_span) */
        char lo[6], hi[6];
        fk_muni_span(f->muni, lo, hi);
        sqlite3_bind_text(s, 3, lo, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 7, hi, -1, SQLITE_TRANSIENT);
    }
    if (f->type >= 0) sqlite3_bind_int(s, 4, f->type);
    if (f->statuses) sqlite3_bind_int(s, 5, (int)f->statuses);
    if (f->adopted_since >= 0) sqlite3_bind_int(s, 6, f->adopted_since);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_facility_row r;
        snprintf(r.code, sizeof r.code, "%010lld",
                 (long long)sqlite3_column_int64(s, 0));
        r.type = (fk_type)sqlite3_column_int(s, 1);
        r.pref = sqlite3_column_int(s, 2);
        snprintf(r.muni, sizeof r.muni, "%s", col_text(s, 3));
        r.name = col_text(s, 4);
        r.address = col_text(s, 5);
        r.phone = col_text(s, 6);
        r.beds = sqlite3_column_type(s, 7) == SQLITE_NULL
                     ? -1
                     : sqlite3_column_int(s, 7);
        r.status = (fk_status)sqlite3_column_int(s, 8);
        r.since = sqlite3_column_type(s, 9) == SQLITE_NULL
                      ? -1
                      : sqlite3_column_int(s, 9);
        r.first_seen = sqlite3_column_int(s, 10);
        stop = fn(&r, ctx);
    }
    sqlite3_finalize(s);
    if (!stop && rc != SQLITE_DONE) return fk_store_fail(st, "facilities");
    return 0;
}

int fk_store_each_pull(fk_store *st, int limit, const char *since,
                       fk_pull_fn fn, void *ctx)
{
    sqlite3_stmt *s;
    if (prepare(
            st,
            "SELECT id, started_at, feed, as_of, outcome, reason, records, changes,"
            " set_aside, seconds, unknown_munis FROM pull"
            " WHERE (?1 IS NULL OR started_at >= ?1)"
            " ORDER BY id DESC LIMIT ?2",
            &s) < 0)
        return -1;
    if (since) sqlite3_bind_text(s, 1, since, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit > 0 ? limit : -1);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_pull_row r;
        char asof[FK_DATE_LEN] = "";
        r.id = sqlite3_column_int64(s, 0);
        r.started_at = col_text(s, 1);
        r.feed = col_text(s, 2);
        if (sqlite3_column_type(s, 3) != SQLITE_NULL)
            fk_date_format(sqlite3_column_int(s, 3), asof);
        r.as_of = asof;
        r.outcome = col_text(s, 4);
        r.reason = col_text(s, 5);
        r.records = sqlite3_column_int64(s, 6);
        r.changes = sqlite3_column_int64(s, 7);
        r.set_aside = sqlite3_column_int64(s, 8);
        r.seconds = sqlite3_column_double(s, 9);
        r.unknown_munis = sqlite3_column_int64(s, 10);
        stop = fn(&r, ctx);
    }
    sqlite3_finalize(s);
    if (!stop && rc != SQLITE_DONE) return fk_store_fail(st, "pulls");
    return 0;
}

int fk_store_each_reject(fk_store *st, int64_t pull_id, fk_reject_fn fn,
                         void *ctx)
{
    sqlite3_stmt *s;
    if (prepare(
            st,
            "SELECT pull, position, code, reason FROM reject WHERE pull ="
            " CASE WHEN ?1 > 0 THEN ?1 ELSE (SELECT MAX(pull) FROM reject) END"
            " ORDER BY position",
            &s) < 0)
        return -1;
    sqlite3_bind_int64(s, 1, pull_id);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_reject_row r = {sqlite3_column_int64(s, 0),
                           sqlite3_column_int64(s, 1), col_text(s, 2),
                           col_text(s, 3)};
        stop = fn(&r, ctx);
    }
    sqlite3_finalize(s);
    if (!stop && rc != SQLITE_DONE) return fk_store_fail(st, "rejects");
    return 0;
}
