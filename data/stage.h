/* stage.h - the records of one pull, held compactly and given back sorted
 * by code (internal to data/).
 *
 * A registry export lists facilities in no particular code order; written
 * to SQLite in that order, every insert lands on a random B-tree page and
 * a page cache of any affordable size thrashes.  So a pull stages the
 * records that must be written (new and changed ones) and the store
 * applies them in code order at commit, where every insert appends.
 * Memory stays flat at any registry size: records are packed into a run
 * buffer of fixed size; a full run is sorted and written to an unlinked
 * temporary file, and the runs are merged at the end. */
#ifndef FK_STAGE_H
#define FK_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "data/apply.h"

typedef struct fk_stage fk_stage;

/* One staged record as given back.  rec's strings point into the stage
 * and stay valid until the next fk_stage_next(); prog[i].program is NULL,
 * prog_id[i] is what fk_stage_put() was given. */
typedef struct {
    fk_record rec;
    int64_t hash;
    uint8_t kind;
    uint8_t prog_id[FK_MAX_PROGRAMS];
} fk_staged;

/* run_bytes: the run buffer's size.  NULL when out of memory. */
fk_stage *fk_stage_new(size_t run_bytes);
/* Copies r (and its program ids) in.  0, or -1 with the reason in err. */
int fk_stage_put(fk_stage *s, const fk_record *r, const uint8_t *prog_id,
                 int64_t hash, uint8_t kind, char *err, size_t errlen);
/* Records staged so far. */
size_t fk_stage_count(const fk_stage *s);
/* Ends staging: after this only fk_stage_next().  0 or -1 (err). */
int fk_stage_sort(fk_stage *s, char *err, size_t errlen);
/* The next record in code order (records of one code in the order they
 * were put): 1, 0 at the end, -1 on a read error (err). */
int fk_stage_next(fk_stage *s, fk_staged *out, char *err, size_t errlen);
void fk_stage_free(fk_stage *s);

#endif
