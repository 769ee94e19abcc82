/* coverage.c - population coverage (人口カバー率), the ministry's measure of
 * reach: the 2020 population of the municipalities of an area in which at
 * least one facility (of a type, or of any type) is adopting a program on a
 * day, divided by the population of the whole area, municipalities without
 * any facility included.  A designated city's wards count toward their city
 * (the census carries the city's population only); codes the table does
 * not know carry no population.
 *
 * Read from the same sparse deltas as the counts: per municipality and
 * day the adopting delta, walked in day order, keeping a running count per
 * city and the covered population as cities cross zero. */
#include "data/store_int.h"

#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL FK_NTYPE /* the slot of "any type" */

typedef struct {
    int64_t n[FK_NTYPE + 1][FK_NMUNI]; /* adopting per city (table index) */
    int64_t covered[FK_NTYPE + 1];     /* population of cities with n > 0 */
} cov_state;

static void add(cov_state *cs, int slot, size_t city, int64_t d)
{
    int64_t *n = &cs->n[slot][city];
    int before = *n > 0;
    *n += d;
    int after = *n > 0;
    if (before != after)
        cs->covered[slot] +=
            (after ? 1 : -1) * (int64_t)fk_munis[city].population_2020;
}

/* Fills out[slot][0 .. to-from] (slots FK_HOSPITAL.. and ALL; NULL slots
 * are skipped).  type >= 0 reads that type only (its slot and ALL). */
static int coverage(fk_store *st, const char *program, int pref, int type,
                    fk_day from, fk_day to, double *out[FK_NTYPE + 1])
{
    char sql[512];
    /* Deltas before `from` are lumped on `from`: one row per municipality
     * for a single day. */
    snprintf(sql, sizeof sql,
             "SELECT type, muni, MAX(day, ?2) AS d, SUM(d_adopting)"
             " FROM series_delta WHERE program = ?1 AND day <= ?3%s%s"
             " GROUP BY type, pref, muni, d ORDER BY d",
             pref ? " AND pref = ?4" : " AND pref > 0",
             type >= 0 ? " AND type = ?5" : "");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "population coverage");
    sqlite3_bind_text(s, 1, program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, from);
    sqlite3_bind_int(s, 3, to);
    if (pref) sqlite3_bind_int(s, 4, pref);
    if (type >= 0) sqlite3_bind_int(s, 5, type);
    cov_state *cs = fk_xcalloc(1, sizeof *cs); /* fixed size: 75 KiB */
    double pop = (double)fk_muni_population(pref);
    size_t len = (size_t)(to - from) + 1, i = 0;
    int rc;
    for (;;) {
        rc = sqlite3_step(s);
        fk_day d = rc == SQLITE_ROW ? sqlite3_column_int(s, 2) : to + 1;
        /* Days before this row's are final. */
        for (; i < len && from + (fk_day)i < d; i++)
            for (int k = 0; k <= ALL; k++)
                if (out[k]) out[k][i] = pop > 0 ? cs->covered[k] / pop : 0;
        if (rc != SQLITE_ROW) break;
        int t = sqlite3_column_int(s, 0);
        const unsigned char *code = sqlite3_column_text(s, 1);
        const fk_muni *city = fk_muni_city((const char *)code);
        if (!city || t < 0 || t >= FK_NTYPE) continue; /* no population */
        int64_t delta = sqlite3_column_int64(s, 3);
        size_t c = (size_t)(city - fk_munis);
        add(cs, t, c, delta);
        add(cs, ALL, c, delta);
    }
    free(cs);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : fk_store_fail(st, "population coverage");
}

int fk_store_coverage(fk_store *st, const char *program, fk_day date, int pref,
                      double out[FK_NTYPE + 1])
{
    double *slots[FK_NTYPE + 1];
    for (int k = 0; k <= ALL; k++) slots[k] = &out[k];
    return coverage(st, program, pref, -1, date, date, slots);
}

int fk_store_coverage_series(fk_store *st, const char *program, int type,
                             int pref, fk_day from, fk_day to, double *out)
{
    if (to < from) {
        snprintf(st->err, sizeof st->err, "coverage: empty date range");
        return -1;
    }
    double *slots[FK_NTYPE + 1] = {0};
    slots[type >= 0 ? type : ALL] = out;
    return coverage(st, program, pref, type, from, to, slots);
}
