/* json.c - JSON shapes shared by the CLI and the dashboard (see json.h). */
#include "reports/json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *counts_json(const fk_counts *c, double coverage)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "adopting", (double)c->adopting);
    cJSON_AddNumberToObject(o, "total", (double)c->total);
    cJSON_AddNumberToObject(o, "rate", fk_counts_rate(c));
    cJSON_AddNumberToObject(o, "population_coverage", coverage);
    cJSON_AddNumberToObject(o, "applied", (double)c->applied);
    return o;
}

static char *finish(cJSON *root, char *err, size_t errlen)
{
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s) snprintf(err, errlen, "out of memory");
    return s;
}

char *fk_json_summary(fk_store *st, const char *program, fk_day date, int pref,
                      char *err, size_t errlen)
{
    fk_area area = {pref, ""};
    fk_counts by[FK_NTYPE], all = {0, 0, 0};
    double cov[FK_NTYPE + 1];
    if (fk_store_counts(st, program, date, &area, by) < 0 ||
        fk_store_coverage(st, program, date, pref, cov) < 0) {
        snprintf(err, errlen, "%s", fk_store_error(st));
        return NULL;
    }
    for (int t = 0; t < FK_NTYPE; t++) {
        all.adopting += by[t].adopting;
        all.applied += by[t].applied;
        all.total += by[t].total;
    }
    char ds[FK_DATE_LEN], areas[4];
    snprintf(areas, sizeof areas, "%02d", pref);
    cJSON *root = cJSON_CreateObject(), *types = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "program", program);
    cJSON_AddStringToObject(root, "date", fk_date_format(date, ds));
    cJSON_AddStringToObject(root, "area", pref ? areas : "national");
    for (int t = 0; t < FK_NTYPE; t++)
        cJSON_AddItemToObject(types, fk_types[t].key,
                              counts_json(&by[t], cov[t]));
    cJSON_AddItemToObject(root, "types", types);
    cJSON_AddItemToObject(root, "all", counts_json(&all, cov[FK_NTYPE]));
    return finish(root, err, errlen);
}

char *fk_json_series(fk_store *st, const char *program, int type,
                     const fk_area *area, fk_day from, fk_day to, int weekly,
                     int coverage, char *err, size_t errlen)
{
    fk_point *pts = NULL;
    size_t n = 0;
    double *cov = NULL;
    if (coverage && area->muni[0]) {
        snprintf(err, errlen,
                 "population coverage is for Japan or a "
                 "prefecture, not a municipality");
        return NULL;
    }
    if (coverage && !(cov = calloc((size_t)(to - from) + 1, sizeof *cov))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (fk_store_series(st, program, type, area, from, to, &pts, &n) < 0 ||
        (cov && fk_store_coverage_series(st, program, type, area->pref, from,
                                         to, cov) < 0)) {
        snprintf(err, errlen, "%s", fk_store_error(st));
        free(pts);
        free(cov);
        return NULL;
    }
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    char areas[8], ds[FK_DATE_LEN];
    snprintf(areas, sizeof areas, "%02d", area->pref);
    cJSON_AddStringToObject(root, "program", program);
    cJSON_AddStringToObject(root, "type",
                            type < 0 ? "all" : fk_types[type].key);
    cJSON_AddStringToObject(root, "area",
                            area->muni[0] ? area->muni
                            : area->pref  ? areas
                                          : "national");
    if (area->muni[0]) { /* null: a code newer than the table */
        const fk_muni *m = fk_muni_by_code(area->muni);
        if (m)
            cJSON_AddStringToObject(root, "name", m->name_ja);
        else
            cJSON_AddNullToObject(root, "name");
    }
    cJSON_AddStringToObject(root, "metric",
                            coverage ? "population_coverage" : "rate");
    /* Weekly: the days whose distance to `to` is a multiple of 7. */
    for (size_t i = weekly ? (n - 1) % 7 : 0; i < n; i += weekly ? 7 : 1) {
        const fk_counts *c = &pts[i].c;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "date", fk_date_format(pts[i].date, ds));
        cJSON_AddNumberToObject(p, "adopting", (double)c->adopting);
        cJSON_AddNumberToObject(p, "applied", (double)c->applied);
        cJSON_AddNumberToObject(p, "total", (double)c->total);
        cJSON_AddNumberToObject(p, "rate", fk_counts_rate(c));
        if (cov) cJSON_AddNumberToObject(p, "population_coverage", cov[i]);
        cJSON_AddItemToArray(arr, p);
    }
    free(pts);
    free(cov);
    cJSON_AddItemToObject(root, "points", arr);
    return finish(root, err, errlen);
}

static double r6(double x)
{
    return round(x * 1e6) / 1e6;
}

static void add_band(cJSON *o, const fk_fc_point *p, int with95)
{
    char d[FK_DATE_LEN];
    cJSON_AddStringToObject(o, "date", fk_date_format(p->date, d));
    cJSON_AddNumberToObject(o, "rate", r6(p->rate));
    cJSON_AddNumberToObject(o, "lo80", r6(p->lo80));
    cJSON_AddNumberToObject(o, "hi80", r6(p->hi80));
    if (with95) {
        cJSON_AddNumberToObject(o, "lo95", r6(p->lo95));
        cJSON_AddNumberToObject(o, "hi95", r6(p->hi95));
    }
}

char *fk_json_forecast(const fk_forecast *f, int has_target, double target)
{
    char d[FK_DATE_LEN];
    cJSON *root = cJSON_CreateObject(), *last = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "method", fk_fc_method_name(f->method));
    cJSON_AddStringToObject(last, "date", fk_date_format(f->last_date, d));
    cJSON_AddNumberToObject(last, "rate", r6(f->last_rate));
    cJSON_AddItemToObject(root, "last", last);
    cJSON *pts = cJSON_AddArrayToObject(root, "points");
    for (size_t i = 0; i < f->npoints; i++) {
        cJSON *p = cJSON_CreateObject();
        add_band(p, &f->points[i], 1);
        cJSON_AddItemToArray(pts, p);
    }
    if (f->has_fy_end) {
        cJSON *fy = cJSON_CreateObject();
        add_band(fy, &f->fy_end, 0);
        cJSON_AddItemToObject(root, "fy_end", fy);
    } else {
        cJSON_AddNullToObject(root, "fy_end");
    }
    if (has_target) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddNumberToObject(t, "rate", target);
        if (f->target_date >= 0)
            cJSON_AddStringToObject(t, "date",
                                    fk_date_format(f->target_date, d));
        else
            cJSON_AddNullToObject(t, "date");
        cJSON_AddBoolToObject(t, "reached", f->target_reached);
        cJSON_AddItemToObject(root, "target", t);
    } else {
        cJSON_AddNullToObject(root, "target");
    }
    char err[64];
    return finish(root, err, sizeof err);
}
