/* followup.c - storing and listing follow-up contacts (see followup.h).
 * Contacts are written in one transaction with INSERT OR IGNORE on the
 * natural key, so a batch is all or nothing and a repeat adds nothing. */
#include "data/followup.h"
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_int.h"

static int prepare(fk_store *st, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "prepare");
    return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

int fk_followup_known(fk_store *st, const char *code)
{
    int found;
    int64_t v;
    if (fk_store_one_int(
            st, "SELECT 1 FROM facility WHERE code = CAST(?1 AS INTEGER)", code,
            &found, &v) < 0)
        return -1;
    return found;
}

int fk_followup_store(fk_store *st, const fk_contact *cs, size_t n,
                      const char *source, int64_t *added)
{
    char now[32];
    fk_store_now(now, sizeof now);
    if (fk_store_exec(st, "BEGIN IMMEDIATE") < 0) return -1;
    sqlite3_stmt *s;
    if (prepare(st,
                "INSERT OR IGNORE INTO contact(code, program, day, team,"
                " outcome, barriers, note, source, created_at)"
                " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                &s) < 0) {
        fk_store_exec(st, "ROLLBACK");
        return -1;
    }
    int64_t n_added = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < n; i++) {
        const fk_contact *c = &cs[i];
        if (c->outcome < 0 || c->outcome >= FK_NOUTCOME ||
            c->barriers >= 1u << FK_NBARRIER) {
            snprintf(st->err, sizeof st->err, "contact %zu: bad outcome", i);
            ok = 0;
            break;
        }
        sqlite3_bind_int64(s, 1, strtoll(c->code, NULL, 10));
        sqlite3_bind_text(s, 2, c->program, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 3, c->day);
        sqlite3_bind_text(s, 4, c->team ? c->team : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 5, fk_outcomes[c->outcome].key, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 6, (int)c->barriers);
        sqlite3_bind_text(s, 7, c->note ? c->note : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 8, source ? source : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 9, now, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_DONE) {
            fk_store_fail(st, "storing a contact");
            ok = 0;
        }
        n_added += sqlite3_changes(st->db);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (!ok || fk_store_exec(st, "COMMIT") < 0) {
        char keep[sizeof st->err];
        memcpy(keep, st->err, sizeof keep);
        fk_store_exec(st, "ROLLBACK");
        memcpy(st->err, keep, sizeof keep);
        return -1;
    }
    if (added) *added = n_added;
    return 0;
}

int fk_followup_each(fk_store *st, const fk_followup_filter *f,
                     fk_contact_fn fn, void *ctx)
{
    sqlite3_stmt *s;
    if (prepare(st,
                "SELECT c.code, c.program, c.day, c.team, c.outcome,"
                " c.barriers, c.note, f.name, f.type, f.pref, f.muni"
                " FROM contact c JOIN facility f ON f.code = c.code"
                " WHERE (?1 IS NULL OR c.program = ?1)"
                " AND (?2 = 0 OR f.pref = ?2) AND (?3 IS NULL OR c.team = ?3)"
                " AND (?4 < 0 OR c.day >= ?4) AND (?5 < 0 OR c.day <= ?5)"
                " ORDER BY c.day, c.code, c.id",
                &s) < 0)
        return -1;
    if (f->program) sqlite3_bind_text(s, 1, f->program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, f->pref);
    if (f->team) sqlite3_bind_text(s, 3, f->team, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 4, f->from);
    sqlite3_bind_int(s, 5, f->to);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        fk_contact_row r;
        memset(&r, 0, sizeof r);
        snprintf(r.c.code, sizeof r.c.code, "%010lld",
                 (long long)sqlite3_column_int64(s, 0));
        r.c.program = col_text(s, 1);
        r.c.day = sqlite3_column_int(s, 2);
        r.c.team = col_text(s, 3);
        r.c.outcome = fk_outcome_by_name(col_text(s, 4));
        r.c.barriers = (unsigned)sqlite3_column_int(s, 5);
        r.c.note = col_text(s, 6);
        r.name = col_text(s, 7);
        r.type = (fk_type)sqlite3_column_int(s, 8);
        r.pref = sqlite3_column_int(s, 9);
        snprintf(r.muni, sizeof r.muni, "%s", col_text(s, 10));
        stop = fn(&r, ctx);
    }
    sqlite3_finalize(s);
    if (!stop && rc != SQLITE_DONE) return fk_store_fail(st, "contacts");
    return 0;
}

int fk_followup_contacted_since(fk_store *st, const char *program, fk_day since,
                                int64_t **codes, size_t *n)
{
    sqlite3_stmt *s;
    *codes = NULL;
    *n = 0;
    if (prepare(st,
                "SELECT DISTINCT code FROM contact WHERE program = ?1"
                " AND day >= ?2 ORDER BY code",
                &s) < 0)
        return -1;
    sqlite3_bind_text(s, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, since);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            *codes = fk_xrealloc(*codes, cap, sizeof **codes);
        }
        (*codes)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(*codes);
        *codes = NULL;
        *n = 0;
        return fk_store_fail(st, "contacted facilities");
    }
    return 0;
}
