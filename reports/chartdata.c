/* chartdata.c - reads the store into the chart structs (see chartdata.h).
 * The same rules as `fukyu chart`: trend observations thinned to weekly
 * points ending on the as-of date when the series spans more than half a
 * year; weekly new adopters never below zero (closures are not
 * adoptions).  Forecasts run in threads: each takes a quarter of a second
 * on a national series and they are independent. */
#include "reports/chartdata.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fk_cd_counts_add(fk_chart_counts *to, const fk_counts *c)
{
    to->adopting += (double)c->adopting;
    to->applied += (double)c->applied;
    to->total += (double)c->total;
}

fk_chart_counts fk_cd_counts(const fk_counts *c)
{
    fk_chart_counts r = {0};
    fk_cd_counts_add(&r, c);
    return r;
}

static int store_fail(fk_store *st, char *err, size_t errlen)
{
    snprintf(err, errlen, "store: %s", fk_store_error(st));
    return -1;
}

/* A forecast job: the line's observations in, forecast (and backtest) out. */
typedef struct {
    fk_cd_line *line;
    fk_fc_options o;
    int backtest;
} fc_job;

static void *fc_run(void *arg)
{
    fc_job *j = arg;
    fk_cd_line *l = j->line;
    fk_obs *fo = malloc((l->nobs ? l->nobs : 1) * sizeof *fo);
    if (!fo) {
        snprintf(l->fc_err, sizeof l->fc_err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < l->nobs; i++) fo[i] = (fk_obs){l->obs[i].date, l->obs[i].adopting, l->obs[i].total};
    l->has_fc = fk_forecast_run(fo, l->nobs, &j->o, &l->f, l->fc_err, sizeof l->fc_err) == 0;
    if (l->has_fc && j->backtest) {
        /* The chosen method alone, on the origins auto judged it by. */
        fk_bt_options bo;
        fk_bt_options_default(&bo);
        bo.fc.point_only = 1;
        bo.methods = 1u << l->f.method;
        bo.max_origins = FK_BT_AUTO_ORIGINS;
        fk_backtest bt;
        char e[160];
        if (fk_backtest_run(fo, l->nobs, &bo, &bt, e, sizeof e) == 0 && bt.cell[l->f.method][0].n > 0) {
            l->has_bt = 1;
            l->bt4 = bt.cell[l->f.method][0];
            l->bt13 = bt.cell[l->f.method][2];
        }
    }
    free(fo);
    return NULL;
}

static int load_line(fk_store *st, const char *program, int type, const fk_area *area, fk_day first,
                     fk_day date, fk_cd_line *l, int *weekly, char *err, size_t errlen)
{
    fk_point *pts = NULL;
    size_t n = 0, m = 0;
    if (fk_store_series(st, program, type, area, first, date, &pts, &n) < 0) return store_fail(st, err, errlen);
    *weekly = n > 183;
    size_t step = *weekly ? 7 : 1;
    l->obs = calloc(n ? n : 1, sizeof *l->obs);
    if (!l->obs) {
        free(pts);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Walk from the last day backwards in steps so the as-of date is a point. */
    for (size_t i = n ? (n - 1) % step : 0; i < n; i += step) {
        if (pts[i].c.total <= 0) continue;
        l->obs[m++] = (fk_chart_obs){pts[i].date, (double)pts[i].c.adopting, (double)pts[i].c.total};
    }
    l->nobs = m;
    free(pts);
    return 0;
}

int fk_cd_trend_load(fk_store *st, const char *program, int pref, fk_day date, double target,
                     int backtest, fk_cd_trend *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_day first;
    if (fk_store_first_day(st, program, &first) < 0 || first > date) first = date;
    fk_area area = {pref, ""};
    fk_chart_trend *c = &out->chart;
    c->meta = (fk_chart_meta){program, pref, date, NULL};
    c->target = target;
    c->fy_end = fk_fy_end(date);
    for (int t = 0; t <= FK_NTYPE; t++)
        if (load_line(st, program, t == FK_NTYPE ? -1 : t, &area, first, date, &out->line[t], &c->weekly,
                      err, errlen) < 0) {
            fk_cd_trend_free(out);
            return -1;
        }
    fc_job jobs[FK_NTYPE + 1];
    pthread_t th[FK_NTYPE + 1];
    int started[FK_NTYPE + 1] = {0};
    for (int t = 0; t <= FK_NTYPE; t++) {
        jobs[t].line = &out->line[t];
        jobs[t].backtest = backtest;
        fk_fc_options_default(&jobs[t].o);
        jobs[t].o.method = FK_FC_AUTO;
        jobs[t].o.until = fk_fy_end(date);
        if (jobs[t].o.until - date < 28) jobs[t].o.until = fk_fy_end(date + 28); /* at least 4 weeks */
        jobs[t].o.target = target;
        if (!out->line[t].nobs) {
            snprintf(out->line[t].fc_err, sizeof out->line[t].fc_err, "no facilities");
            continue;
        }
        started[t] = pthread_create(&th[t], NULL, fc_run, &jobs[t]) == 0;
        if (!started[t]) fc_run(&jobs[t]); /* no thread: run it here */
    }
    for (int t = 0; t <= FK_NTYPE; t++) {
        if (started[t]) pthread_join(th[t], NULL);
        fk_cd_line *l = &out->line[t];
        c->lines[t] = (fk_chart_line){l->obs, l->nobs, l->has_fc ? l->f.points : NULL,
                                      l->has_fc ? l->f.npoints : 0};
    }
    return 0;
}

void fk_cd_trend_free(fk_cd_trend *t)
{
    for (int i = 0; i <= FK_NTYPE; i++) {
        free(t->line[i].obs);
        if (t->line[i].has_fc) fk_forecast_free(&t->line[i].f);
    }
    memset(t, 0, sizeof *t);
}

int fk_cd_funnel_load(fk_store *st, const char *program, int pref, fk_day date, fk_chart_funnel *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_area area = {pref, ""};
    fk_counts by[FK_NTYPE];
    if (fk_store_counts(st, program, date, &area, by) < 0) return store_fail(st, err, errlen);
    out->meta = (fk_chart_meta){program, pref, date, NULL};
    for (int t = 0; t < FK_NTYPE; t++) {
        out->rows[t] = fk_cd_counts(&by[t]);
        fk_cd_counts_add(&out->rows[FK_CHART_ALL], &by[t]);
    }
    return 0;
}

int fk_cd_prefs_load(fk_store *st, const char *program, fk_day date, int type, fk_chart_prefs *out,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_counts by[FK_NPREF], nat[FK_NTYPE];
    fk_area area = {0, ""};
    if (fk_store_counts_by_pref(st, program, date, type, by) < 0 ||
        fk_store_counts(st, program, date, &area, nat) < 0)
        return store_fail(st, err, errlen);
    out->meta = (fk_chart_meta){program, 0, date, NULL};
    out->type = type;
    for (int i = 0; i < FK_NPREF; i++) out->prefs[i] = fk_cd_counts(&by[i]);
    for (int t = 0; t < FK_NTYPE; t++)
        if (type < 0 || t == type) fk_cd_counts_add(&out->national, &nat[t]);
    return 0;
}

int fk_cd_weekly_load(fk_store *st, const char *program, int pref, fk_day date, fk_chart_weekly *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_day first, mon_last = date - fk_weekday(date);
    if (fk_store_first_day(st, program, &first) < 0 || first > date) first = date;
    fk_day mon_first = first - fk_weekday(first);
    if ((mon_last - mon_first) / 7 + 1 > 104) mon_first = mon_last - 103 * 7;
    size_t nw = (size_t)((mon_last - mon_first) / 7 + 1);
    fk_chart_week *weeks = calloc(nw, sizeof *weeks);
    if (!weeks) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    fk_area area = {pref, ""};
    for (size_t w = 0; w < nw; w++) weeks[w].monday = mon_first + 7 * (fk_day)w;
    for (int t = 0; t < FK_NTYPE; t++) {
        fk_point *pts = NULL;
        size_t n = 0;
        /* From the day before the first week, so that its rise can be taken. */
        if (fk_store_series(st, program, t, &area, mon_first - 1, date, &pts, &n) < 0) {
            free(weeks);
            return store_fail(st, err, errlen);
        }
        for (size_t w = 0; w < nw && n; w++) {
            fk_day end = weeks[w].monday + 6 > date ? date : weeks[w].monday + 6;
            size_t ie = (size_t)(end - (mon_first - 1)), ib = (size_t)(weeks[w].monday - mon_first);
            if (ie >= n) ie = n - 1;
            if (ib >= n) ib = n - 1;
            double d = (double)(pts[ie].c.adopting - pts[ib].c.adopting);
            weeks[w].added[t] = d > 0 ? d : 0;
        }
        free(pts);
    }
    out->meta = (fk_chart_meta){program, pref, date, NULL};
    out->weeks = weeks;
    out->nweeks = nw;
    return 0;
}

void fk_cd_weekly_free(fk_chart_weekly *w)
{
    free((void *)w->weeks);
    w->weeks = NULL;
    w->nweeks = 0;
}

int fk_cd_munis_load(fk_store *st, const char *program, int pref, fk_day date, int type,
                     fk_chart_munis *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_muni_counts *mc = NULL;
    size_t n = 0;
    fk_counts by[FK_NTYPE];
    fk_area area = {pref, ""};
    if (fk_store_counts_by_muni(st, program, date, pref, type, &mc, &n) < 0 ||
        fk_store_counts(st, program, date, &area, by) < 0) {
        free(mc);
        return store_fail(st, err, errlen);
    }
    fk_chart_muni *m = calloc(n ? n : 1, sizeof *m);
    if (!m) {
        free(mc);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(m[i].code, mc[i].code, sizeof m[i].code);
        m[i].c = fk_cd_counts(&mc[i].c);
    }
    free(mc);
    out->meta = (fk_chart_meta){program, pref, date, NULL};
    out->type = type;
    out->munis = m;
    out->nmunis = n;
    for (int t = 0; t < FK_NTYPE; t++)
        if (type < 0 || t == type) fk_cd_counts_add(&out->pref_total, &by[t]);
    return 0;
}

void fk_cd_munis_free(fk_chart_munis *m)
{
    free((void *)m->munis);
    m->munis = NULL;
    m->nmunis = 0;
}
