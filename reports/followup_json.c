/* followup_json.c - a summary in the shapes others show: the JSON of
 * `fukyu followup summary --json` and /api/v1/followup (shape in
 * followup.h), and the barriers chart's data. */
#include "reports/followup.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static cJSON *barrier_counts(const int64_t n[FK_NBARRIER])
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < FK_NBARRIER; k++) {
        char key[4];
        snprintf(key, sizeof key, "%d", k + 1);
        cJSON_AddNumberToObject(o, key, (double)n[k]);
    }
    return o;
}

static void add_day(cJSON *o, const char *key, fk_day d)
{
    char ds[FK_DATE_LEN];
    if (d < 0)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, fk_date_format(d, ds));
}

char *fk_json_followup(const fk_followup_filter *f,
                       const fk_followup_summary *s)
{
    char area[4];
    snprintf(area, sizeof area, "%02d", f->pref);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "program", f->program);
    cJSON_AddStringToObject(root, "area", f->pref ? area : "national");
    add_day(root, "from", f->from);
    add_day(root, "to", f->to);
    add_day(root, "as_of", s->as_of);
    cJSON_AddNumberToObject(root, "contacts", (double)s->contacts);
    cJSON_AddNumberToObject(root, "facilities", (double)s->facilities);
    cJSON *o = cJSON_AddObjectToObject(root, "outcomes");
    for (int i = 0; i < FK_NOUTCOME; i++)
        cJSON_AddNumberToObject(o, fk_outcomes[i].key, (double)s->outcomes[i]);
    cJSON_AddItemToObject(root, "barriers", barrier_counts(s->barriers));
    cJSON *bt = cJSON_AddObjectToObject(root, "barriers_by_type");
    for (int t = 0; t < FK_NTYPE; t++)
        cJSON_AddItemToObject(bt, fk_types[t].key,
                              barrier_counts(s->by_type[t]));
    cJSON *bb = cJSON_AddObjectToObject(root, "barriers_by_beds");
    for (int b = 0; b < FK_NBEDBAND; b++)
        cJSON_AddItemToObject(bb, fk_bed_bands[b],
                              barrier_counts(s->by_beds[b]));
    cJSON *cv = cJSON_AddObjectToObject(root, "conversion");
    for (int h = 0; h < FK_NHORIZON; h++) {
        char key[8];
        snprintf(key, sizeof key, "%d", fk_horizons[h]);
        const fk_conversion *c = &s->conv[h];
        cJSON *x = cJSON_AddObjectToObject(cv, key);
        cJSON_AddNumberToObject(x, "contacted", (double)c->contacted);
        cJSON_AddNumberToObject(x, "adopted", (double)c->adopted);
        cJSON_AddNumberToObject(x, "rate", c->rate);
        cJSON_AddNumberToObject(x, "baseline_rate", c->baseline_rate);
        cJSON_AddNumberToObject(x, "baseline_n", (double)c->baseline_n);
    }
    char *js = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return js;
}

void fk_followup_chart(const fk_followup_filter *f,
                       const fk_followup_summary *s, fk_chart_barriers *out)
{
    memset(out, 0, sizeof *out);
    out->meta = (fk_chart_meta){f->program, f->pref, s->as_of, NULL, 0};
    out->from = f->from;
    out->to = f->to;
    for (int k = 0; k < FK_NBARRIER; k++)
        out->counts[k] = (double)s->barriers[k];
    out->with_barrier = (double)s->with_barrier;
    out->contacts = (double)s->contacts;
}
