/* muni.c - lookups on the municipality table (generated at build time from
 * data/municipalities.csv) and the one check of a municipality code that
 * the collector, the CLI and the dashboard share. */
#include "data/ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fk_muni_parse(const char *s, char out[6], char *why, size_t whylen)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 5 || strspn(s, "0123456789") != 5) {
        snprintf(why, whylen, "'%.20s' is not a 5-digit municipality code",
                 s ? s : "");
        return -1;
    }
    int pref = (s[0] - '0') * 10 + (s[1] - '0');
    if (!fk_pref_by_code(pref)) {
        snprintf(why, whylen,
                 "'%s': its first two digits are not a prefecture (01..47)", s);
        return -1;
    }
    memcpy(out, s, 6);
    return pref;
}

static int by_code(const void *key, const void *row)
{
    return strcmp(key, ((const fk_muni *)row)->code);
}

const fk_muni *fk_muni_by_code(const char *code)
{
    if (!code || strlen(code) != 5) return NULL;
    return bsearch(code, fk_munis, FK_NMUNI, sizeof fk_munis[0], by_code);
}

const char *fk_muni_label(const char *code)
{
    const fk_muni *m = fk_muni_by_code(code);
    return m ? m->name_ja : code;
}

const fk_muni *fk_muni_city(const char *code)
{
    const fk_muni *m = fk_muni_by_code(code);
    if (m && m->kind == FK_MUNI_DESIGNATED_WARD) m = fk_muni_by_code(m->parent);
    return m;
}

void fk_muni_span(const char *code, char lo[6], char hi[6])
{
    snprintf(lo, 6, "%s", code);
    snprintf(hi, 6, "%s", code);
    const fk_muni *m = fk_muni_by_code(code);
    if (!m || m->kind != FK_MUNI_DESIGNATED_CITY) return;
    /* The table is sorted and a city's ward codes follow its own. */
    for (const fk_muni *w = m + 1;
         w < fk_munis + FK_NMUNI && !strcmp(w->parent, m->code); w++)
        memcpy(hi, w->code, 6);
}

int64_t fk_muni_population(int pref)
{
    int64_t sum = 0;
    for (size_t i = 0; i < FK_NMUNI; i++)
        if (!pref || atoi(fk_munis[i].code) / 1000 == pref)
            sum += fk_munis[i].population_2020;
    return sum;
}
