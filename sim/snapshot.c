/* snapshot.c - one date's snapshot of the simulated registry: which
 * facilities are present (in feed order: by code, or shuffled the same way
 * on every date for --order random), which positions the bad-record
 * faults corrupt, and the counts the simulator reports for --counts and
 * GET /_sim/counts (records the contract sets aside are not counted). */
#include "sim/sim.h"

#include "core/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t key;
    uint32_t i;
} order_key;

static int by_key(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* A registry export in no particular code order.  The key depends on the
 * facility only, so consecutive snapshots list survivors in the same
 * relative order, as a real export would. */
static int shuffle(const sim_registry *r, sim_snapshot *s)
{
    order_key *k = malloc((s->n ? s->n : 1) * sizeof *k);
    if (!k) return -1;
    for (size_t p = 0; p < s->n; p++)
        k[p] = (order_key){sim_hash(r->seed, 0x6f72646572ULL, s->idx[p]),
                           s->idx[p]};
    qsort(k, s->n, sizeof *k, by_key);
    for (size_t p = 0; p < s->n; p++) s->idx[p] = k[p].i;
    free(k);
    return 0;
}

static void place_bad(sim_snapshot *s, const sim_faults *fs)
{
    size_t n = s->n, used = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const sim_fault *f = &fs->f[i];
        if (f->kind != SIM_F_BAD_RECORD || n < 2) continue;
        size_t count = (size_t)f->value;
        for (size_t k = 0; k < count && used < n - 1; k++) {
            /* Spread evenly; a dup needs an earlier record to repeat. */
            size_t p = (size_t)(((double)k + 0.5) * (double)n / (double)count);
            if (p >= n) p = n - 1;
            while (s->bad[p] || (p == 0 && f->sub == SIM_BAD_DUP))
                p = (p + 1) % n;
            s->bad[p] = (uint8_t)f->sub;
            used++;
        }
    }
}

sim_snapshot *sim_snapshot_build(const sim_registry *r, const sim_faults *fs,
                                 fk_day d)
{
    sim_snapshot *s = fk_xcalloc(1, sizeof *s);
    s->date = d;
    uint64_t scale_bits;
    memcpy(&scale_bits, &r->scale, sizeof scale_bits);
    s->hash = sim_hash(r->seed ^ scale_bits, (uint64_t)(uint32_t)d,
                       fs ? fs->hash : 0);
    snprintf(s->etag, sizeof s->etag, "\"%016llx\"",
             (unsigned long long)s->hash);
    fk_date_format(d, s->as_of);
    snprintf(s->stamp, sizeof s->stamp, "%sT04:00:00+09:00", s->as_of);
    s->idx = fk_xcalloc(r->n ? r->n : 1, sizeof *s->idx);
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->fac[i].open <= d && d < r->fac[i].close)
            s->idx[n++] = (uint32_t)i;
    s->n = n;
    if (r->shuffled && shuffle(r, s) < 0) {
        sim_snapshot_free(s);
        return NULL;
    }
    if (fs && sim_fault_sum(fs, SIM_F_BAD_RECORD) > 0) {
        s->bad = fk_xcalloc(s->n, 1);
        place_bad(s, fs);
    }
    for (size_t p = 0; p < s->n; p++) {
        if (s->bad && s->bad[p] && s->bad[p] != SIM_BAD_UNKNOWN_FIELD &&
            s->bad[p] != SIM_BAD_NEW_MUNI)
            continue;
        const sim_fac *f = &r->fac[s->idx[p]];
        s->counted++;
        for (int prog = 0; prog < 2; prog++) {
            fk_day since;
            sim_status st = sim_fac_status(f, (sim_program)prog, d, &since);
            if (st == SIM_NA) continue;
            sim_count *c[2] = {&s->counts[prog][0][f->type],
                               &s->counts[prog][f->pref][f->type]};
            for (int k = 0; k < 2; k++) {
                c[k]->total++;
                c[k]->adopting += st == SIM_OPERATING;
                c[k]->applied += st == SIM_APPLIED;
            }
        }
    }
    s->refs = 1;
    return s;
}

void sim_snapshot_free(sim_snapshot *s)
{
    if (!s) return;
    free(s->idx);
    free(s->bad);
    free(s);
}

static void counts_obj(fk_buf *out, const sim_count *c)
{
    for (int t = 0; t < FK_NTYPE; t++)
        fk_buf_printf(
            out, "%s\"%s\":{\"adopting\":%ld,\"applied\":%ld,\"total\":%ld}",
            t ? "," : "{", fk_types[t].key, c[t].adopting, c[t].applied,
            c[t].total);
    fk_buf_puts(out, "}");
}

void sim_snapshot_counts_json(const sim_snapshot *s, fk_buf *out)
{
    fk_buf_printf(out, "{\"as_of\":\"%s\",\"facilities\":%ld,\"programs\":{",
                  s->as_of, s->counted);
    for (int prog = 0; prog < 2; prog++) {
        fk_buf_printf(out, "%s\"%s\":{\"national\":", prog ? "," : "",
                      fk_programs[prog].key);
        counts_obj(out, s->counts[prog][0]);
        fk_buf_puts(out, ",\"prefectures\":{");
        for (int p = 1; p <= FK_NPREF; p++) {
            fk_buf_printf(out, "%s\"%s\":", p > 1 ? "," : "",
                          fk_prefs[p - 1].code2);
            counts_obj(out, s->counts[prog][p]);
        }
        fk_buf_puts(out, "}}");
    }
    fk_buf_puts(out, "}}");
}
