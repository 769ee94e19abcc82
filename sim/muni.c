/* muni.c - synthetic municipalities for the simulated registry.
 *
 * Each prefecture gets as many municipalities as it really has (市区町村,
 * counting Tokyo's 23 special wards; 1,741 in all), with JIS-style codes
 * PP + 3 digits (wards 101.., cities 201.., towns and villages 301..) and
 * made-up two-kanji names unique within the prefecture.  Facilities are
 * spread unevenly: the first municipalities are the big cities. */
#include "sim/sim.h"

#include "core/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Municipalities per prefecture, 01..47 (total 1,741). */
static const uint8_t muni_counts[FK_NPREF] = {
    179, 40, 33, 35, 25, 35, 59, 44, 25, 35, 63, 54, 62, 33, 30, 15,
    19,  17, 27, 77, 42, 35, 54, 29, 19, 26, 43, 41, 39, 30, 19, 19,
    27,  23, 19, 24, 17, 20, 34, 60, 20, 21, 45, 18, 26, 43, 41,
};

static const char *const head[] = {
    "東", "西", "南", "北", "中", "大", "小", "高", "新", "上", "下",
    "若", "桜", "松", "竹", "梅", "青", "白", "赤", "緑", "長", "広",
    "富", "福", "豊", "朝", "日", "月", "星", "春", "秋", "美",
};
static const char *const tail[] = {
    "山", "川", "島", "田", "野", "原", "沢", "岡", "浜", "崎", "宮",
    "森", "林", "井", "谷", "津", "見", "瀬", "里", "丘", "坂", "尾",
    "江", "浦", "平", "根", "木", "倉", "間", "戸", "橋", "郷",
};
#define NHEAD (sizeof head / sizeof head[0])
#define NTAIL (sizeof tail / sizeof tail[0])

int sim_munis_build(sim_munis *ms, uint64_t seed)
{
    memset(ms, 0, sizeof *ms);
    size_t total = 0;
    for (int p = 0; p < FK_NPREF; p++) total += muni_counts[p];
    ms->m = fk_xcalloc(total, sizeof *ms->m);
    ms->cum = fk_xcalloc(total, sizeof *ms->cum);
    for (int pref = 1; pref <= FK_NPREF; pref++) {
        uint32_t n = muni_counts[pref - 1];
        uint32_t wards = pref == 13 ? 23 : 0;
        uint32_t cities = wards + (uint32_t)lround((n - wards) * 0.4);
        ms->first[pref] = (uint32_t)ms->n;
        ms->count[pref] = n;
        uint8_t used[NHEAD][NTAIL] = {{0}};
        double w = 0;
        for (uint32_t j = 0; j < n; j++) {
            sim_muni *m = &ms->m[ms->n];
            uint64_t h =
                sim_hash(seed, 0x6d756e69ULL * 100 + (uint64_t)pref, j);
            size_t a = h % NHEAD, b = (h >> 16) % NTAIL;
            while (used[a][b]) { /* next free name: deterministic and unique */
                if (++b == NTAIL) b = 0, a = (a + 1) % NHEAD;
            }
            used[a][b] = 1;
            strcpy(m->stem, head[a]);
            strcat(m->stem, tail[b]);
            m->pref = (uint8_t)pref;
            const char *suffix;
            if (j < wards) {
                m->code3 = (uint16_t)(101 + j), suffix = "区";
            } else if (j < cities) {
                m->code3 = (uint16_t)(201 + j - wards), suffix = "市",
                m->city = 1;
            } else {
                m->code3 = (uint16_t)(301 + j - cities);
                suffix = (j - cities) % 5 == 4 ? "村" : "町";
            }
            strcpy(m->name, m->stem);
            strcat(m->name, suffix);
            /* Zipf-like weights with some noise: a few big cities hold many. */
            w += (0.6 + 0.8 * sim_unit(sim_mix(h + 8))) / pow(j + 1.0, 0.9);
            ms->cum[ms->n] = w;
            ms->n++;
        }
        for (uint32_t j = 0; j < n; j++) ms->cum[ms->first[pref] + j] /= w;
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
