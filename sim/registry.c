/* registry.c - the simulator's synthetic national registry of facilities.
 *
 * Everything derives from (seed, scale).  For each prefecture and type a
 * number of facilities present on the anchor date 2025-02-09 is set from the
 * ministry's base (hospitals 7,961, clinics 83,134, dental 60,951, pharmacies
 * 60,323) spread by 2020 population with some noise.  Around them, openings
 * (0.9%/year) and closures (0.3%/year) between 2022-04 and 2028-03 make the
 * national total drift by about +0.6%/year, as the published bases do.
 *
 * e-prescription: within each type, the facilities present on the anchor
 * date are ranked by a hashed key shifted by a prefecture effect (in logit
 * space, so prefectures differ by a few points), and facility of rank i gets
 * u = (i + 0.5) / n; its operating date is the first day the type's curve
 * reaches u.  Ranking rather than raw hashing makes the anchor-date rates
 * exact at any scale.  Applications precede operation by 2 weeks to 12
 * months; some facilities applied early and have not started yet. */
#include "sim/sim.h"

#include "core/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Facilities per type present on the anchor date at scale 1. */
static const double base_count[FK_NTYPE] = {7961, 83134, 60951, 60323};
/* Share of each type that applied early (late 2022 - spring 2023). */
static const double early_apply[FK_NTYPE] = {0.14, 0.22, 0.17, 0.28};
/* Extra EHR applicants who do not start within the horizon. */
static const double ehr_pending[2] = {0.02, 0.003};

#define OPEN_RATE     0.009
#define CLOSE_RATE    0.003
#define MIN_PER_GROUP 3

static fk_day D(int y, int m, int d)
{
    return fk_day_from_ymd(y, m, d);
}

int sim_fee_group(int type)
{
    return type == FK_DENTAL ? 1 : type == FK_PHARMACY ? 2 : 0;
}

uint32_t sim_inst_number(uint64_t seed, int pref, int feegroup, uint32_t k)
{
    /* A 4-round Feistel permutation of 24-bit numbers, cycle-walked until it
     * lands below 10^7: a bijection on 0..9999999, so codes never collide
     * and look scattered rather than consecutive. */
    uint64_t key =
        sim_hash(seed, 0x696e7374ULL, (uint64_t)(pref * 4 + feegroup));
    uint32_t x = k;
    do {
        uint32_t l = x >> 12, r = x & 0xFFF;
        for (uint64_t i = 0; i < 4; i++) {
            uint32_t f = (uint32_t)(sim_hash(key, r, i) & 0xFFF);
            uint32_t nl = r;
            r = l ^ f;
            l = nl;
        }
        x = l << 12 | r;
    } while (x >= 10000000u);
    return x;
}

sim_status sim_fac_status(const sim_fac *f, sim_program p, fk_day d,
                          fk_day *since)
{
    if (p == SIM_EHR && f->type >= FK_DENTAL) return SIM_NA;
    if (f->op[p] <= d) {
        *since = f->op[p];
        return SIM_OPERATING;
    }
    if (f->applied[p] <= d) {
        *since = f->applied[p];
        return SIM_APPLIED;
    }
    return SIM_NONE;
}

/* Largest-remainder split of round(total) over 47 prefectures by weight. */
static void apportion(const double *w, double total, long *out)
{
    double sum = 0, rem[FK_NPREF];
    for (int p = 0; p < FK_NPREF; p++) sum += w[p];
    long want = lround(total), got = 0;
    for (int p = 0; p < FK_NPREF; p++) {
        double q = total * w[p] / sum;
        out[p] = (long)floor(q);
        rem[p] = q - (double)out[p];
        got += out[p];
    }
    while (got < want) {
        int best = 0;
        for (int p = 1; p < FK_NPREF; p++)
            if (rem[p] > rem[best]) best = p;
        out[best]++, rem[best] = -1, got++;
    }
    for (int p = 0; p < FK_NPREF; p++)
        if (out[p] < MIN_PER_GROUP) out[p] = MIN_PER_GROUP;
}

typedef struct {
    double key;
    uint32_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->key < y->key   ? -1
           : x->key > y->key ? 1
                             : (x->i > y->i) - (x->i < y->i);
}

static uint64_t code_key(const sim_fac *f)
{
    return ((uint64_t)f->pref << 40) |
           ((uint64_t)sim_fee_group(f->type) << 32) | f->inst;
}

static int cmp_code(const void *a, const void *b)
{
    uint64_t x = code_key(a), y = code_key(b);
    return (x > y) - (x < y);
}

static fk_day spread(fk_day from, fk_day to, long i, long n, uint64_t h)
{
    /* Stratified: member i of n lands in the i-th slice of [from, to]. */
    double f = ((double)i + sim_unit(h)) / (double)n;
    return from + (fk_day)floor(f * (double)(to - from + 1));
}

static double logit(double u)
{
    return log(u / (1 - u));
}
static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}

/* Opening, closing and the rest of a facility's static fields. */
static void make_group(sim_registry *r, int pref, int t, long present,
                       uint32_t kbase, double *keys)
{
    const fk_day S = D(2022, 4, 1), A = D(2025, 2, 9), E = D(2028, 3, 31);
    double ysa = (A - S) / 365.25, yae = (E - A) / 365.25;
    long nb = lround(OPEN_RATE * present * ysa),
         ca = lround(CLOSE_RATE * present * yae);
    long cb = lround(CLOSE_RATE * present * ysa),
         na = lround(OPEN_RATE * present * yae);
    if (nb + ca > present) nb = ca = 0;
    long perm = present - nb - ca, g = present + cb + na;
    double effect =
        (sim_unit(sim_hash(r->seed, 0x70726566ULL, (uint64_t)pref)) - 0.5) *
            0.5 +
        (sim_unit(sim_hash(r->seed, 0x70747970ULL, (uint64_t)(pref * 8 + t))) -
         0.5) *
            0.2;
    for (long j = 0; j < g; j++) {
        sim_fac *f = &r->fac[r->n];
        uint64_t id =
            ((uint64_t)pref << 40) | ((uint64_t)t << 32) | (uint64_t)j;
        uint64_t h = sim_hash(r->seed, id, 1), h2 = sim_hash(r->seed, id, 2);
        memset(f, 0, sizeof *f);
        f->pref = (uint8_t)pref;
        f->type = (uint8_t)t;
        f->inst = sim_inst_number(r->seed, pref, sim_fee_group(t),
                                  kbase + (uint32_t)j);
        f->seed = (uint32_t)(h >> 32);
        f->muni = (uint16_t)sim_muni_pick(&r->munis, pref, sim_unit(h2));
        /* Opened long before the horizon unless said otherwise. */
        f->open = D(1960, 1, 1) + (fk_day)(h % (uint64_t)(S - D(1960, 1, 1)));
        f->close = SIM_NEVER;
        long i = j;
        if (i < perm) {
        } else if ((i -= perm) < nb) {
            f->open = spread(S, A, i, nb, sim_mix(h2 + 7));
        } else if ((i -= nb) < ca) {
            f->close = spread(A + 1, E, i, ca, sim_mix(h2 + 7));
        } else if ((i -= ca) < cb) {
            f->close = spread(S, A - 1, i, cb, sim_mix(h2 + 7));
        } else {
            f->open = spread(A + 1, E, i - cb, na, sim_mix(h2 + 7));
        }
        /* Beds: hospitals 20..900, mostly small; one clinic in ten has 1..19. */
        double ub = sim_unit(sim_mix(h2 + 3));
        if (t == FK_HOSPITAL)
            f->beds = (uint16_t)(20 + lround(880 * pow(ub, 2.2)));
        else if (t == FK_CLINIC && ub < 0.1)
            f->beds = (uint16_t)(1 + (h2 >> 40) % 19);
        /* Awkward names exporters must survive. */
        if (pref == 13 && t == FK_CLINIC && j == 0)
            f->special = SIM_NAME_LONG;
        else if (pref % 10 == 3 && j == 1)
            f->special = t % 2 ? SIM_NAME_QUOTE : SIM_NAME_COMMA;
        double u = sim_unit(sim_hash(r->seed, id, 3));
        if (u < 1e-9) u = 1e-9;
        keys[r->n] = logit(u) + effect;
        r->n++;
    }
}

/* Application and operation dates of both programs. */
static void make_dates(sim_registry *r, size_t k, double u_ep)
{
    sim_fac *f = &r->fac[k];
    uint64_t id =
        ((uint64_t)f->pref << 40) | ((uint64_t)f->type << 32) | f->inst;
    uint64_t h = sim_hash(r->seed, id, 4), h2 = sim_hash(r->seed, id, 5);
    fk_type t = f->type;
    fk_day op = sim_curve_first(SIM_EP, t, u_ep), ap = SIM_NEVER;
    if (op != SIM_NEVER && op < f->open)
        op = f->open; /* opened already operating */
    int early = sim_unit(h) < early_apply[t];
    fk_day early_day =
        spread(D(2022, 11, 1), D(2023, 4, 20), 0, 1, sim_mix(h + 3));
    if (op != SIM_NEVER) {
        ap = op -
             (fk_day)(14 + lround(351 * pow(sim_unit(sim_mix(h + 9)), 1.6)));
        if (early && early_day < ap) ap = early_day;
    } else if (early) {
        ap = early_day;
    } else if (sim_unit(sim_mix(h + 13)) < 0.03) {
        ap = spread(D(2023, 6, 1), D(2027, 12, 31), 0, 1, sim_mix(h + 17));
    }
    if (ap != SIM_NEVER) {
        if (ap < D(2022, 10, 1)) ap = D(2022, 10, 1);
        if (ap < f->open) ap = f->open;
        if (ap > op) ap = op;
    }
    f->op[SIM_EP] = op;
    f->applied[SIM_EP] = ap;

    f->op[SIM_EHR] = f->applied[SIM_EHR] = SIM_NEVER;
    if (t > FK_CLINIC) return;
    double u = sim_unit(h2);
    op = sim_curve_first(SIM_EHR, t, u);
    ap = SIM_NEVER;
    if (op != SIM_NEVER) {
        if (op < f->open) op = f->open;
        ap = op - (fk_day)(30 + (h2 >> 20) % 211);
        if (ap < D(2024, 12, 1)) ap = D(2024, 12, 1);
    } else if (u < sim_curve_at(SIM_EHR, t, SIM_NEVER - 1) + ehr_pending[t]) {
        ap = spread(D(2025, 3, 1), D(2027, 12, 31), 0, 1, sim_mix(h2 + 24));
    }
    if (ap != SIM_NEVER) {
        if (ap < f->open) ap = f->open;
        if (ap > op) ap = op;
    }
    f->op[SIM_EHR] = op;
    f->applied[SIM_EHR] = ap;
}

int sim_registry_build(sim_registry *r, uint64_t seed, double scale)
{
    memset(r, 0, sizeof *r);
    r->seed = seed;
    r->scale = scale;
    sim_curves_init();
    if (sim_munis_build(&r->munis, seed) < 0) return -1;

    long present[FK_NTYPE][FK_NPREF];
    size_t cap = 0;
    for (int t = 0; t < FK_NTYPE; t++) {
        double w[FK_NPREF];
        for (int p = 0; p < FK_NPREF; p++) {
            double noise =
                0.85 + 0.3 * sim_unit(sim_hash(seed, 0x706f70ULL,
                                               (uint64_t)(p * 8 + t)));
            w[p] = fk_prefs[p].population_2020 * noise;
        }
        apportion(w, base_count[t] * scale, present[t]);
        for (int p = 0; p < FK_NPREF; p++)
            cap += (size_t)present[t][p] * 11 / 10 + 4;
    }
    r->fac = fk_xcalloc(cap, sizeof *r->fac);
    double *keys = fk_xcalloc(cap, sizeof *keys);
    ranked *rk = fk_xcalloc(cap, sizeof *rk);
    for (int p = 1; p <= FK_NPREF; p++)
        for (int t = 0; t < FK_NTYPE; t++) {
            size_t before = r->n;
            int fg = sim_fee_group(t);
            make_group(r, p, t, present[t][p - 1], r->kcount[p][fg], keys);
            r->kcount[p][fg] += (uint32_t)(r->n - before);
        }

    const fk_day A = D(2025, 2, 9);
    for (int t = 0; t < FK_NTYPE; t++) {
        size_t m = 0;
        for (size_t i = 0; i < r->n; i++) {
            const sim_fac *f = &r->fac[i];
            if (f->type != t) continue;
            if (f->open <= A && A < f->close)
                rk[m++] = (ranked){keys[i], (uint32_t)i};
            else
                make_dates(r, i, logistic(keys[i]));
        }
        qsort(rk, m, sizeof *rk, cmp_ranked);
        for (size_t i = 0; i < m; i++)
            make_dates(r, rk[i].i, ((double)i + 0.5) / (double)m);
    }
    free(keys);
    free(rk);
    qsort(r->fac, r->n, sizeof *r->fac, cmp_code);
    return 0;
}

void sim_registry_free(sim_registry *r)
{
    free(r->fac);
    sim_munis_free(&r->munis);
    memset(r, 0, sizeof *r);
}
