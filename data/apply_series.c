/* apply_series.c - the series deltas of a pull (see apply_int.h and the
 * series model at the top of apply.c): each status a record gains or loses
 * adds to day cells in memory, written out in the table's key order. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/apply_int.h"

/* The series cells a first pull touches grow with the registry (one per
 * municipality, type and `since` day); past this many (about 6 MiB) they
 * are written out and the map starts again, so memory stays flat. */
#define DELTA_FLUSH_CELLS (256 * 1024)

/* (adopting, applied, total) per status: none, applied, operating,
 * not_applicable. */
static const int vec[4][3] = {{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {0, 0, 0}};

/* Adds sign x the contribution of one status to a cell.  The denominator
 * part counts from `enter`, the status part from max(since, enter). */
static int contribute_cell(fk_apply *ap, int prog, int type, int pref, int muni,
                           fk_status status, fk_day since, fk_day enter,
                           int sign)
{
    /* A record's statuses were checked by collector/record.c, stored ones
     * by load_old(); vec has one row per status. */
    assert(status >= FK_ST_NONE && status <= FK_ST_NOT_APPLICABLE);
    assert(sign == 1 || sign == -1);
    const int *v = vec[status];
    fk_day from = since > enter ? since : enter;
    if (status == FK_ST_APPLIED || status == FK_ST_OPERATING) {
        if (fk_delta_add(&ap->deltas,
                         fk_delta_key(prog, type, pref, muni, enter), 0, 0,
                         sign * v[2]) < 0 ||
            fk_delta_add(&ap->deltas,
                         fk_delta_key(prog, type, pref, muni, from),
                         sign * v[0], sign * v[1], 0) < 0)
            goto oom;
    } else if (fk_delta_add(&ap->deltas,
                            fk_delta_key(prog, type, pref, muni, enter),
                            sign * v[0], sign * v[1], sign * v[2]) < 0) {
        goto oom;
    }
    return 0;
oom:
    snprintf(ap->st->err, sizeof ap->st->err, "series: out of memory");
    return -1;
}

/* To the facility's own cell and to the national roll-up (pref 0). */
int fk_apply_contribute(fk_apply *ap, int prog, int type, int pref, int muni,
                        fk_status status, fk_day since, fk_day enter, int sign)
{
    if (contribute_cell(ap, prog, type, pref, muni, status, since, enter,
                        sign) < 0 ||
        contribute_cell(ap, prog, type, 0, 0, status, since, enter, sign) < 0)
        return -1;
    if (ap->deltas.used > DELTA_FLUSH_CELLS) {
        if (fk_apply_flush_series(ap) < 0) return -1;
        fk_delta_clear(&ap->deltas);
    }
    return 0;
}

static int by_cell_key(const void *a, const void *b)
{
    uint64_t x = ((const fk_delta_cell *)a)->key,
             y = ((const fk_delta_cell *)b)->key;
    return x < y ? -1 : x > y;
}

int fk_apply_flush_series(fk_apply *ap)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            ap->st->db,
            "INSERT INTO series_delta(program, type, pref, muni, day, d_adopting,"
            " d_applied, d_total) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
            " ON CONFLICT DO UPDATE SET d_adopting = d_adopting + excluded.d_adopting,"
            " d_applied = d_applied + excluded.d_applied,"
            " d_total = d_total + excluded.d_total",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(ap->st, "series");
    /* Written in the table's key order (program, pref, muni, type, day),
     * so that the upserts walk the B-tree once rather than at random:
     * the cells are compacted in place under a sort key, which leaves the
     * map to be cleared (or freed) after. */
    int rank[FK_APPLY_MAX_PROGS], by_rank[FK_APPLY_MAX_PROGS];
    for (int i = 0; i < ap->nprogs; i++) {
        rank[i] = 0;
        for (int j = 0; j < ap->nprogs; j++)
            rank[i] += strcmp(ap->progs[j], ap->progs[i]) < 0;
        by_rank[rank[i]] = i;
    }
    fk_delta_cell *cells = ap->deltas.cells;
    size_t n = 0;
    for (size_t i = 0; i < ap->deltas.cap; i++) {
        fk_delta_cell c = cells[i];
        if (!c.key || (!c.adopting && !c.applied && !c.total)) continue;
        int prog, type, pref, muni;
        int32_t day;
        fk_delta_unkey(c.key, &prog, &type, &pref, &muni, &day);
        /* Every key was made from an index intern() returned, and the key
         * packs its fields without loss. */
        assert(prog < ap->nprogs);
        assert(fk_delta_key(prog, type, pref, muni, day) == c.key);
        /* 6 + 6 + 17 + 2 + 32 bits, most significant first */
        c.key = (uint64_t)rank[prog] << 57 | (uint64_t)pref << 51 |
                (uint64_t)muni << 34 | (uint64_t)type << 32 | (uint32_t)day;
        cells[n++] = c;
    }
    ap->deltas.used = n; /* no longer a hash map */
    if (n) qsort(cells, n, sizeof *cells, by_cell_key);
    for (size_t i = 0; i < n; i++) {
        const fk_delta_cell *c = &cells[i];
        int prog = by_rank[c->key >> 57 & 63], pref = (int)(c->key >> 51 & 63),
            muni = (int)(c->key >> 34 & 0x1FFFF),
            type = (int)(c->key >> 32 & 3);
        int32_t day = (int32_t)(uint32_t)c->key;
        char m[8] = "";
        if (muni) snprintf(m, sizeof m, "%05d", muni);
        sqlite3_bind_text(s, 1, ap->progs[prog], -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, type);
        sqlite3_bind_int(s, 3, pref);
        sqlite3_bind_text(s, 4, m, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 5, day);
        sqlite3_bind_int(s, 6, c->adopting);
        sqlite3_bind_int(s, 7, c->applied);
        sqlite3_bind_int(s, 8, c->total);
        if (fk_apply_step_done(ap, s, "series") < 0) {
            sqlite3_finalize(s);
            return -1;
        }
    }
    sqlite3_finalize(s);
    return 0;
}
