/* delta.c - open-addressing hash map of series deltas (see delta.h). */
#include "data/delta.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define DAY_BIAS 100000
#define DAY_END  900000

uint64_t fk_delta_key(int prog, int type, int pref, int muni, int32_t day)
{
    /* Out of range, one field would spill into the next and two cells
     * would silently merge.  The callers (apply.c) pass an index that
     * intern() handed out (below 64), a type and a prefecture (0..47) and
     * a 5-digit municipality number that collector/record.c checked on the
     * record or load_old() on the stored row, and days made from dates
     * that fk_date_parse() limits to the years 1900..2999. */
    assert(prog >= 0 && prog < 64);
    assert(type >= 0 && type < 4);
    assert(pref >= 0 && pref < 64);
    assert(muni >= 0 && muni < (1 << 17));
    assert(day >= -DAY_BIAS && day < DAY_END);
    /* Bit 63 is always set so that no valid key is 0 (the empty mark). */
    return (1ULL << 63) | ((uint64_t)prog << 57) | ((uint64_t)type << 55) |
           ((uint64_t)pref << 49) | ((uint64_t)muni << 32) |
           (uint64_t)(uint32_t)(day + DAY_BIAS);
}

void fk_delta_unkey(uint64_t key, int *prog, int *type, int *pref, int *muni,
                    int32_t *day)
{
    *prog = (int)((key >> 57) & 63);
    *type = (int)((key >> 55) & 3);
    *pref = (int)((key >> 49) & 63);
    *muni = (int)((key >> 32) & 0x1FFFF);
    *day = (int32_t)(key & 0xFFFFFFFFu) - DAY_BIAS;
}

static size_t slot(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static int grow(fk_delta_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 4096;
    fk_delta_cell *nc = fk_xcalloc(ncap, sizeof *nc);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->cells[i].key) continue;
        size_t j = slot(m->cells[i].key, ncap);
        while (nc[j].key) j = (j + 1) & (ncap - 1);
        nc[j] = m->cells[i];
    }
    free(m->cells);
    m->cells = nc;
    m->cap = ncap;
    return 0;
}

int fk_delta_add(fk_delta_map *m, uint64_t key, int adopting, int applied,
                 int total)
{
    /* Keys come from fk_delta_key(), which sets bit 63: 0 marks a free
     * slot and must never be stored. */
    assert(key >> 63);
    if (!adopting && !applied && !total) return 0;
    if ((m->used + 1) * 10 >= m->cap * 7 && grow(m) < 0) return -1;
    /* The load stays under 70%, so the probe below always meets a free
     * slot or the key. */
    assert(m->used < m->cap);
    size_t j = slot(key, m->cap);
    while (m->cells[j].key && m->cells[j].key != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->cells[j].key) {
        m->cells[j].key = key;
        m->used++;
    }
    m->cells[j].adopting += adopting;
    m->cells[j].applied += applied;
    m->cells[j].total += total;
    return 0;
}

void fk_delta_clear(fk_delta_map *m)
{
    if (m->cells) memset(m->cells, 0, m->cap * sizeof *m->cells);
    m->used = 0;
}

void fk_delta_free(fk_delta_map *m)
{
    free(m->cells);
    m->cells = NULL;
    m->cap = m->used = 0;
}
