/* followup_sum.c - what the calls tell: contacts, outcomes and barriers in
 * a period, and conversion (see fk_conversion in followup.h).
 *
 * A facility's status on a past day is read from what the store keeps:
 * operating from its current `since` when it operates now, applied from
 * the earliest application date in its history, otherwise not started.
 * Conversion compares each contacted facility with the facilities of its
 * own type, prefecture and status on the day of its first contact that
 * were never called; the facilities are loaded once and grouped, so each
 * (type, prefecture, status, day) group is counted once. */
#include "data/followup.h"
#include "core/alloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_int.h"

const char *const fk_bed_bands[FK_NBEDBAND] = {"0", "1-19", "20-199", "200+",
                                               "unknown"};
const int fk_horizons[FK_NHORIZON] = {30, 60, 90};

int fk_bed_band(int beds)
{
    if (beds < 0) return 4;
    if (beds == 0) return 0;
    if (beds < 20) return 1;
    if (beds < 200) return 2;
    return 3;
}

typedef struct {
    int64_t code;
    int type, pref;
    fk_day first_seen, closed; /* closed: INT_MAX while open */
    fk_day op_since;           /* operating now since; -1 when not */
    fk_day applied;            /* first application; -1 when none */
    int na;                    /* not applicable now */
    int called;                /* ever contacted for the program */
    fk_day first;              /* first contact in the period; -1 none */
} fac;

static int status_at(const fac *f, fk_day d)
{
    if (f->op_since >= 0 && f->op_since <= d) return FK_ST_OPERATING;
    if (f->applied >= 0 && f->applied <= d) return FK_ST_APPLIED;
    return FK_ST_NONE;
}

static int by_group(const void *a, const void *b)
{
    const fac *x = a, *y = b;
    if (x->type != y->type) return x->type - y->type;
    if (x->pref != y->pref) return x->pref - y->pref;
    return x->code < y->code ? -1 : x->code > y->code;
}

static fac *find(fac *fs, size_t n, int type, int pref, int64_t code)
{
    if (!n) return NULL;
    fac key = {.code = code, .type = type, .pref = pref};
    return bsearch(&key, fs, n, sizeof *fs, by_group);
}

static int load_facilities(fk_store *st, const fk_followup_filter *f, fac **out,
                           size_t *n)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db,
            "SELECT f.code, f.type, f.pref, f.first_seen, f.closed_on,"
            " s.status, s.since, (SELECT MIN(COALESCE(h.since, h.effective))"
            "  FROM status_history h WHERE h.code = f.code"
            "  AND h.program = ?1 AND h.status = 1),"
            " EXISTS(SELECT 1 FROM contact c WHERE c.code = f.code"
            "  AND c.program = ?1)"
            " FROM facility f JOIN status s ON s.code = f.code"
            " AND s.program = ?1 WHERE (?2 = 0 OR f.pref = ?2)"
            " ORDER BY f.type, f.pref, f.code",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "follow-up facilities");
    sqlite3_bind_text(s, 1, f->program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, f->pref);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            *out = fk_xrealloc(*out, cap, sizeof **out);
        }
        fac *x = &(*out)[(*n)++];
        int status = sqlite3_column_int(s, 5);
        int has_since = sqlite3_column_type(s, 6) != SQLITE_NULL;
        *x = (fac){
            .code = sqlite3_column_int64(s, 0),
            .type = sqlite3_column_int(s, 1),
            .pref = sqlite3_column_int(s, 2),
            .first_seen = sqlite3_column_int(s, 3),
            .closed = sqlite3_column_type(s, 4) == SQLITE_NULL
                          ? INT_MAX
                          : sqlite3_column_int(s, 4),
            .op_since = status != FK_ST_OPERATING ? -1
                        : has_since               ? sqlite3_column_int(s, 6)
                                                  : sqlite3_column_int(s, 3),
            .applied = sqlite3_column_type(s, 7) == SQLITE_NULL
                           ? -1
                           : sqlite3_column_int(s, 7),
            .na = status == FK_ST_NOT_APPLICABLE,
            .called = sqlite3_column_int(s, 8),
            .first = -1,
        };
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        return fk_store_fail(st, "follow-up facilities");
    }
    return 0;
}

/* Counts the period's contacts and marks each facility's first one. */
static int count_contacts(fk_store *st, const fk_followup_filter *f, fac *fs,
                          size_t n, fk_followup_summary *out)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db,
            "SELECT c.code, c.day, c.outcome, c.barriers, f.type, f.pref,"
            " f.beds FROM contact c JOIN facility f ON f.code = c.code"
            " WHERE c.program = ?1 AND (?2 = 0 OR f.pref = ?2)"
            " AND (?3 < 0 OR c.day >= ?3) AND (?4 < 0 OR c.day <= ?4)"
            " ORDER BY c.code, c.day",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "contacts");
    sqlite3_bind_text(s, 1, f->program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, f->pref);
    sqlite3_bind_int(s, 3, f->from);
    sqlite3_bind_int(s, 4, f->to);
    int rc;
    int64_t last = -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t code = sqlite3_column_int64(s, 0);
        fk_day day = sqlite3_column_int(s, 1);
        int o = fk_outcome_by_name((const char *)sqlite3_column_text(s, 2));
        unsigned bar = (unsigned)sqlite3_column_int(s, 3);
        int type = sqlite3_column_int(s, 4), pref = sqlite3_column_int(s, 5);
        int band = fk_bed_band(sqlite3_column_type(s, 6) == SQLITE_NULL
                                   ? -1
                                   : sqlite3_column_int(s, 6));
        out->contacts++;
        if (o >= 0) out->outcomes[o]++;
        out->with_barrier += bar != 0;
        for (int k = 0; k < FK_NBARRIER; k++) {
            if (!(bar >> k & 1)) continue;
            out->barriers[k]++;
            if (type >= 0 && type < FK_NTYPE) out->by_type[type][k]++;
            out->by_beds[band][k]++;
        }
        if (code != last) {
            out->facilities++;
            fac *x = find(fs, n, type, pref, code);
            if (x) x->first = day; /* ordered by day: the first */
            last = code;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return fk_store_fail(st, "contacts");
    return 0;
}

/* Of the never-contacted facilities in [lo, hi) (one type and prefecture)
 * present on day d with status `status` and still open on d + days, the
 * share operating by d + days; -1 when there is none. */
static double baseline(const fac *fs, size_t lo, size_t hi, fk_day d,
                       int status, int days)
{
    int64_t n = 0, adopted = 0;
    for (size_t j = lo; j < hi; j++) {
        const fac *y = &fs[j];
        if (y->called || y->na || y->first_seen > d || y->closed <= d + days ||
            status_at(y, d) != status)
            continue;
        n++;
        adopted += y->op_since >= 0 && y->op_since <= d + days;
    }
    return n ? (double)adopted / (double)n : -1;
}

/* Baselines already counted in the current group: calls cluster on a few
 * days, so most facilities of a group share one. */
typedef struct {
    fk_day d;
    int status, days;
    double share;
} memo;
#define NMEMO 64

static double baseline_memo(memo *m, int *nm, const fac *fs, size_t lo,
                            size_t hi, fk_day d, int status, int days)
{
    for (int i = 0; i < *nm; i++)
        if (m[i].d == d && m[i].status == status && m[i].days == days)
            return m[i].share;
    double b = baseline(fs, lo, hi, d, status, days);
    int slot = *nm < NMEMO ? (*nm)++ : (int)(d % NMEMO);
    m[slot] = (memo){d, status, days, b};
    return b;
}

static void conversion(const fac *fs, size_t n, fk_followup_summary *out)
{
    double base_sum[FK_NHORIZON] = {0};
    memo m[NMEMO];
    size_t lo = 0;
    while (lo < n) {
        int nm = 0;
        size_t hi = lo;
        while (hi < n && fs[hi].type == fs[lo].type &&
               fs[hi].pref == fs[lo].pref)
            hi++;
        for (size_t i = lo; i < hi; i++) {
            const fac *x = &fs[i];
            if (x->first < 0 || x->na) continue;
            int st0 = status_at(x, x->first);
            if (st0 == FK_ST_OPERATING) continue;
            for (int h = 0; h < FK_NHORIZON; h++) {
                int days = fk_horizons[h];
                fk_day end = x->first + days;
                if (end > out->as_of || x->closed <= end) continue;
                fk_conversion *c = &out->conv[h];
                c->contacted++;
                c->adopted += x->op_since >= 0 && x->op_since <= end;
                double b =
                    baseline_memo(m, &nm, fs, lo, hi, x->first, st0, days);
                if (b >= 0) {
                    base_sum[h] += b;
                    c->baseline_n++;
                }
            }
        }
        lo = hi;
    }
    for (int h = 0; h < FK_NHORIZON; h++) {
        fk_conversion *c = &out->conv[h];
        c->rate = c->contacted ? (double)c->adopted / (double)c->contacted : 0;
        c->baseline_rate =
            c->baseline_n ? base_sum[h] / (double)c->baseline_n : 0;
    }
}

int fk_followup_summarize(fk_store *st, const fk_followup_filter *f,
                          fk_followup_summary *out)
{
    memset(out, 0, sizeof *out);
    if (!f->program || !fk_program_by_key(f->program)) {
        snprintf(st->err, sizeof st->err, "unknown program '%s'",
                 f->program ? f->program : "(none)");
        return -1;
    }
    if (fk_store_latest_as_of(st, &out->as_of) < 0) return -1;
    /* The counts first: without contacts (or conversion) there is no
     * need to read every facility. */
    if (count_contacts(st, f, NULL, 0, out) < 0) return -1;
    if (!out->contacts || f->no_conversion) return 0;
    fac *fs = NULL;
    size_t n = 0;
    if (load_facilities(st, f, &fs, &n) < 0) return -1;
    fk_followup_summary again;
    memset(&again, 0, sizeof again);
    again.as_of = out->as_of;
    int rc = count_contacts(st, f, fs, n, &again);
    if (rc == 0) {
        conversion(fs, n, &again);
        *out = again;
    }
    free(fs);
    return rc;
}
