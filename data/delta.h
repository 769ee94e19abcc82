/* delta.h - an in-memory accumulator of series deltas, keyed by program,
 * type, prefecture, municipality and day (internal to data/).
 *
 * A pull touches a few thousand cells at most; summing them in memory and
 * writing each cell once keeps the write side cheap. */
#ifndef FK_DELTA_H
#define FK_DELTA_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key; /* 0 = empty slot */
    int32_t adopting, applied, total;
} fk_delta_cell;

typedef struct {
    fk_delta_cell *cells;
    size_t cap, used;
} fk_delta_map;

/* Packs a cell key; prog < 64, type < 4, pref < 64, muni < 2^17 (the
 * 5-digit code as a number, 0 when none), day in [-100000, 900000). */
uint64_t fk_delta_key(int prog, int type, int pref, int muni, int32_t day);
void fk_delta_unkey(uint64_t key, int *prog, int *type, int *pref, int *muni,
                    int32_t *day);
int fk_delta_add(fk_delta_map *m, uint64_t key, int adopting, int applied,
                 int total);
/* Empties the map, keeping its memory. */
void fk_delta_clear(fk_delta_map *m);
void fk_delta_free(fk_delta_map *m);

#endif
