/* muni.c - the simulated registry's municipalities: the real ones
 * (data/ref.h's table, JIS X 0402 codes and names).  Facilities are placed
 * in proportion to the 2020 census population.  A designated city's
 * facilities sit in its wards, never on the city code itself; the census
 * table carries only the city's population, so it is shared among the
 * wards with a deterministic spread (0.6..1.4 of an equal share).
 * Municipalities with no population (双葉町 in 2020) get no facilities. */
#include "sim/sim.h"

#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

/* The name without its last character (市, 区, 町, 村), and for a ward
 * without its city's name either: 札幌市中央区 -> 中央. */
static void set_stem(sim_muni *m, const fk_muni *row, const fk_muni *city)
{
    const char *s = row->name_ja;
    if (city) s += strlen(city->name_ja);
    size_t n = strlen(s), last = n;
    while (last > 0 && ((unsigned char)s[last - 1] & 0xC0) == 0x80) last--;
    if (last > 0) last--; /* the lead byte of the last character */
    if (last >= sizeof m->stem) last = sizeof m->stem - 1;
    memcpy(m->stem, s, last);
    m->stem[last] = '\0';
}

int sim_munis_build(sim_munis *ms, uint64_t seed)
{
    memset(ms, 0, sizeof *ms);
    ms->m = fk_xcalloc(FK_NMUNI, sizeof *ms->m);
    ms->cum = fk_xcalloc(FK_NMUNI, sizeof *ms->cum);
    for (size_t i = 0; i < FK_NMUNI;) {
        int pref = atoi(fk_munis[i].code) / 1000;
        ms->first[pref] = (uint32_t)ms->n;
        double w = 0;
        for (; i < FK_NMUNI && atoi(fk_munis[i].code) / 1000 == pref; i++) {
            const fk_muni *row = &fk_munis[i];
            if (row->kind == FK_MUNI_DESIGNATED_CITY) continue;
            const fk_muni *city = NULL;
            double pop = row->population_2020;
            if (row->kind == FK_MUNI_DESIGNATED_WARD) {
                city = fk_muni_by_code(row->parent);
                double wards = 0; /* they follow their city in the table */
                for (const fk_muni *wd = city + 1;
                     wd < fk_munis + FK_NMUNI &&
                     !strcmp(wd->parent, city->code);
                     wd++)
                    wards++;
                uint64_t h = sim_hash(seed, 0x77617264ULL, (uint64_t)i);
                pop = city->population_2020 / wards *
                      (0.6 + 0.8 * sim_unit(sim_mix(h)));
            }
            if (pop <= 0) continue;
            sim_muni *m = &ms->m[ms->n];
            m->row = row;
            m->pref = (uint8_t)pref;
            m->owner = city                                ? "市立"
                       : row->kind == FK_MUNI_SPECIAL_WARD ? "区立"
                       : row->kind == FK_MUNI_TOWN         ? "町立"
                       : row->kind == FK_MUNI_VILLAGE      ? "村立"
                                                           : "市立";
            set_stem(m, row, city);
            w += pop;
            ms->cum[ms->n++] = w;
        }
        ms->count[pref] = (uint32_t)ms->n - ms->first[pref];
        for (uint32_t j = 0; j < ms->count[pref]; j++)
            ms->cum[ms->first[pref] + j] /= w;
    }
    return 0;
}

void sim_munis_free(sim_munis *ms)
{
    free(ms->m);
    free(ms->cum);
    memset(ms, 0, sizeof *ms);
}

uint32_t sim_muni_pick(const sim_munis *ms, int pref, double u)
{
    const double *c = ms->cum + ms->first[pref];
    uint32_t lo = 0, hi = ms->count[pref] - 1;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (c[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return ms->first[pref] + lo;
}
