/* chartdata.c - reads the store into the chart structs (see chartdata.h).
 * The same rules as `fukyu chart`: trend observations thinned to weekly
 * points (Sundays) and the as-of date when the series spans
 * more than half a year; weekly new adopters never below zero (closures are not
 * adoptions).  Forecasts run in threads: each takes a quarter of a second
 * on a national series and they are independent. */
#include "reports/chartdata.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/cache.h"
#include "forecast/obs.h"

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

/* A forecast job: the line's observations and what the store's cache
 * held for them in (read on the calling thread, which owns the store),
 * forecast (and backtest) and what to cache out. */
typedef struct {
    fk_cd_line *line;
    fk_fc_options o;
    int backtest;
    fk_obs *fo; /* [line->nobs] */
    char key[FK_FC_KEY_LEN], bt_key[FK_FC_KEY_LEN];
    void *saved, *blob, *bt_saved, *bt_blob;
    size_t saved_len, blob_len, bt_saved_len, bt_blob_len;
    fk_fc_chains ch; /* the curve fits per origin, in and out */
} fc_job;

static void fc_prepare(fk_store *st, fc_job *j)
{
    fk_cd_line *l = j->line;
    j->fo = fk_xcalloc(l->nobs, sizeof *j->fo);
    for (size_t i = 0; i < l->nobs; i++)
        j->fo[i] = (fk_obs){l->obs[i].date, l->obs[i].adopting, l->obs[i].total,
                            l->applied ? l->applied[i] : NAN};
    fk_fc_key(j->fo, l->nobs, &j->o, j->key);
    fk_store_cache_get(st, j->key, &j->saved, &j->saved_len);
    if (j->backtest) {
        fk_bt_key_of(j->key, j->bt_key);
        fk_store_cache_get(st, j->bt_key, &j->bt_saved, &j->bt_saved_len);
    }
    /* what the results saved above do not cover is computed, from the
     * curve fits of the last pull where they are saved */
    if (!j->saved || (j->backtest && !j->bt_saved)) {
        fk_fc_options any = j->o;
        any.method = FK_FC_AUTO; /* the backtest's method is not known yet */
        fk_fc_chains_load(st, j->fo, l->nobs, &any, &j->ch);
    }
}

/* The backtest of method m on the forecast's chains: the same origins,
 * so the curve fits the forecast made or restored are reused. */
static int run_backtest(fc_job *j, const fk_bt_options *bo, fk_backtest *bt)
{
    fk_fc_chains bc = {0};
    char e[160];
    for (int m = 0; m < FK_FC_NMETHODS; m++) {
        bc.in[m] = j->ch.out[m] ? j->ch.out[m] : j->ch.in[m]; /* borrowed */
        bc.in_len[m] = j->ch.out[m] ? j->ch.out_len[m] : j->ch.in_len[m];
    }
    int rc =
        fk_backtest_run_chains(j->fo, j->line->nobs, bo, &bc, bt, e, sizeof e);
    for (int m = 0; m < FK_FC_NMETHODS; m++) {
        if (bc.out[m] && !j->ch.out[m]) { /* new fits: saved with the rest */
            j->ch.out[m] = bc.out[m], j->ch.out_len[m] = bc.out_len[m];
            memcpy(j->ch.out_key[m], bc.out_key[m], FK_FC_KEY_LEN);
        } else {
            free(bc.out[m]);
        }
    }
    return rc;
}

static void *fc_run(void *arg)
{
    fc_job *j = arg;
    fk_cd_line *l = j->line;
    fk_obs *fo = j->fo;
    l->has_fc =
        fk_forecast_run_reuse(fo, l->nobs, &j->o, j->saved, j->saved_len,
                              &j->blob, &j->blob_len, &j->ch, &l->f, l->fc_err,
                              sizeof l->fc_err) == 0;
    if (l->has_fc && j->backtest) {
        /* The chosen method alone, on the origins auto judged it by. */
        fk_bt_options bo;
        fk_bt_options_default(&bo);
        bo.fc.point_only = 1;
        bo.methods = 1u << l->f.method;
        bo.max_origins = FK_BT_AUTO_ORIGINS;
        fk_backtest bt;
        int ok = fk_bt_saved_decode(j->bt_saved, j->bt_saved_len, j->bt_key,
                                    l->f.method, &bt) == 0;
        if (!ok && run_backtest(j, &bo, &bt) == 0) {
            ok = 1;
            fk_bt_saved_encode(&bt, l->f.method, j->bt_key, &j->bt_blob,
                               &j->bt_blob_len);
        }
        if (ok && bt.cell[l->f.method][0].n > 0) {
            l->has_bt = 1;
            l->bt4 = bt.cell[l->f.method][0];
            l->bt13 = bt.cell[l->f.method][2];
        }
    }
    return NULL;
}

/* One line from daily points (days with no denominator are skipped),
 * weekly once it spans more than half a year, ending on the last day;
 * and the first day the target was reached. */
static void make_line(const fk_point *pts, size_t n, double target,
                      fk_cd_line *l, int *weekly)
{
    size_t m = 0;
    l->reached = -1; /* on the daily series, before thinning */
    for (size_t i = 0; target > 0 && i < n && l->reached < 0; i++)
        if (pts[i].c.total > 0 && fk_counts_rate(&pts[i].c) >= target)
            l->reached = pts[i].date;
    *weekly = n > 183;
    l->obs = fk_xcalloc(n, sizeof *l->obs);
    l->applied = fk_xcalloc(n, sizeof *l->applied);
    /* Weekly: Sundays and the as-of date (fk_weekly_point), as
     * forecast/obs.c samples the store's series, so that `fukyu
     * forecast` and the charts forecast the same observations. */
    for (size_t i = 0; i < n; i++) {
        if ((*weekly && !fk_weekly_point(pts[i].date, pts[n - 1].date)) ||
            pts[i].c.total <= 0)
            continue;
        l->applied[m] = (double)pts[i].c.applied;
        l->obs[m++] = (fk_chart_obs){pts[i].date, (double)pts[i].c.adopting,
                                     (double)pts[i].c.total};
    }
    l->nobs = m;
}

int fk_cd_trend_load(fk_store *st, const char *program, int pref, fk_day date,
                     double target, int backtest, fk_cd_trend *out, char *err,
                     size_t errlen)
{
    return fk_cd_trend_load_with(st, program, pref, date, target, backtest,
                                 NULL, out, err, errlen);
}

int fk_cd_trend_load_with(fk_store *st, const char *program, int pref,
                          fk_day date, double target, int backtest,
                          const fk_fc_method methods[FK_NTYPE + 1],
                          fk_cd_trend *out, char *err, size_t errlen)
{
    if (fk_cd_trend_start(st, program, pref, date, target, backtest, methods,
                          out, err, errlen) < 0)
        return -1;
    fk_cd_trend_wait(out);
    return 0;
}

struct fk_cd_jobs {
    fk_store *st; /* where wait saves the jobs' results */
    fc_job job[FK_NTYPE + 1];
    pthread_t th[FK_NTYPE + 1];
    int started[FK_NTYPE + 1];
};

int fk_cd_trend_start(fk_store *st, const char *program, int pref, fk_day date,
                      double target, int backtest,
                      const fk_fc_method methods[FK_NTYPE + 1],
                      fk_cd_trend *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_day first;
    if (fk_store_first_day(st, program, &first) < 0 || first > date)
        first = date;
    fk_area area = {pref, ""};
    fk_chart_trend *c = &out->chart;
    c->meta = (fk_chart_meta){program, pref, date, NULL, 0};
    c->target = target;
    c->fy_end = fk_fy_end(date);
    out->daily_from = first - fk_weekday(first) - 1;
    for (int t = 0; t < FK_NTYPE; t++) {
        size_t n = 0;
        if (fk_store_series(st, program, t, &area, out->daily_from, date,
                            &out->daily[t], &n) < 0) {
            fk_cd_trend_free(out);
            return store_fail(st, err, errlen);
        }
        out->ndaily = n;
    }
    /* The lines start on the first day; all types is the sum of the four. */
    size_t skip = (size_t)(first - out->daily_from),
           n = out->ndaily > skip ? out->ndaily - skip : 0;
    fk_point *all = fk_xcalloc(n, sizeof *all);
    for (size_t i = 0; i < n; i++) {
        all[i].date = out->daily[0][skip + i].date;
        for (int t = 0; t < FK_NTYPE; t++) {
            all[i].c.adopting += out->daily[t][skip + i].c.adopting;
            all[i].c.applied += out->daily[t][skip + i].c.applied;
            all[i].c.total += out->daily[t][skip + i].c.total;
        }
    }
    for (int t = 0; t <= FK_NTYPE; t++)
        make_line(t == FK_NTYPE ? all : out->daily[t] + skip, n, target,
                  &out->line[t], &c->weekly);
    free(all);
    struct fk_cd_jobs *js = fk_xcalloc(1, sizeof *js);
    out->jobs = js;
    js->st = st;
    out->fixed_methods = methods != NULL;
    fc_job *jobs = js->job;
    pthread_t *th = js->th;
    int *started = js->started;
    for (int t = 0; t <= FK_NTYPE; t++) {
        jobs[t].line = &out->line[t];
        jobs[t].backtest = backtest;
        fk_fc_options_default(&jobs[t].o);
        jobs[t].o.method = methods ? methods[t] : FK_FC_AUTO;
        jobs[t].o.until = fk_fy_end(date);
        if (jobs[t].o.until - date < 28)
            jobs[t].o.until = fk_fy_end(date + 28); /* at least 4 weeks */
        jobs[t].o.target = target;
        if (!out->line[t].nobs) {
            snprintf(out->line[t].fc_err, sizeof out->line[t].fc_err,
                     "no facilities");
            continue;
        }
        fc_prepare(st, &jobs[t]);
        started[t] = pthread_create(&th[t], NULL, fc_run, &jobs[t]) == 0;
        if (!started[t]) fc_run(&jobs[t]); /* no thread: run it here */
    }
    for (int t = 0; t <= FK_NTYPE; t++)
        c->lines[t] =
            (fk_chart_line){out->line[t].obs, out->line[t].nobs, NULL, 0};
    return 0;
}

void fk_cd_trend_wait(fk_cd_trend *t)
{
    if (!t->jobs) return;
    for (int i = 0; i <= FK_NTYPE; i++) {
        fc_job *j = &t->jobs->job[i];
        if (t->jobs->started[i]) pthread_join(t->jobs->th[i], NULL);
        if (j->blob)
            fk_store_cache_put(t->jobs->st, j->key, j->blob, j->blob_len);
        if (j->bt_blob)
            fk_store_cache_put(t->jobs->st, j->bt_key, j->bt_blob,
                               j->bt_blob_len);
        fk_fc_chains_save(t->jobs->st, &j->ch);
        fk_fc_chains_free(&j->ch);
        free(j->blob), free(j->saved), free(j->fo);
        free(j->bt_blob), free(j->bt_saved);
        fk_cd_line *l = &t->line[i];
        t->chart.lines[i] =
            (fk_chart_line){l->obs, l->nobs, l->has_fc ? l->f.points : NULL,
                            l->has_fc ? l->f.npoints : 0};
    }
    free(t->jobs);
    t->jobs = NULL;
}

void fk_cd_trend_free(fk_cd_trend *t)
{
    fk_cd_trend_wait(t);
    for (int i = 0; i <= FK_NTYPE; i++) {
        free(t->line[i].obs);
        free(t->line[i].applied);
        if (t->line[i].has_fc) fk_forecast_free(&t->line[i].f);
    }
    for (int i = 0; i < FK_NTYPE; i++) free(t->daily[i]);
    memset(t, 0, sizeof *t);
}

int fk_cd_coverage_load(fk_store *st, const char *program, int pref,
                        fk_day date, fk_cd_trend *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_day first;
    if (fk_store_first_day(st, program, &first) < 0 || first > date)
        first = date;
    fk_chart_trend *c = &out->chart;
    c->meta =
        (fk_chart_meta){program, pref, date, NULL, FK_CHART_CITE_POPULATION};
    c->fy_end = -1;
    c->coverage = 1;
    size_t n = (size_t)(date - first) + 1;
    double *cov = fk_xcalloc(n, sizeof *cov);
    fk_point *pts = fk_xcalloc(n, sizeof *pts);
    int64_t pop = fk_muni_population(pref);
    int rc = 0;
    /* Lines as counts: covered population over the area's population. */
    for (int t = 0; t <= FK_NTYPE && rc == 0; t++) {
        if (fk_store_coverage_series(st, program, t < FK_NTYPE ? t : -1, pref,
                                     first, date, cov) < 0) {
            rc = store_fail(st, err, errlen);
            break;
        }
        for (size_t i = 0; i < n; i++)
            pts[i] = (fk_point){first + (fk_day)i,
                                {llround(cov[i] * (double)pop), 0, pop}};
        make_line(pts, n, 0, &out->line[t], &c->weekly);
        c->lines[t] =
            (fk_chart_line){out->line[t].obs, out->line[t].nobs, NULL, 0};
    }
    free(cov);
    free(pts);
    if (rc < 0) fk_cd_trend_free(out);
    return rc;
}

int fk_cd_funnel_load(fk_store *st, const char *program, int pref, fk_day date,
                      fk_chart_funnel *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_area area = {pref, ""};
    fk_counts by[FK_NTYPE];
    if (fk_store_counts(st, program, date, &area, by) < 0)
        return store_fail(st, err, errlen);
    out->meta = (fk_chart_meta){program, pref, date, NULL, 0};
    for (int t = 0; t < FK_NTYPE; t++) {
        out->rows[t] = fk_cd_counts(&by[t]);
        fk_cd_counts_add(&out->rows[FK_CHART_ALL], &by[t]);
    }
    return 0;
}

int fk_cd_prefs_load(fk_store *st, const char *program, fk_day date, int type,
                     fk_chart_prefs *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_counts by[FK_NPREF];
    if (fk_store_counts_by_pref(st, program, date, type, by) < 0)
        return store_fail(st, err, errlen);
    out->meta = (fk_chart_meta){program, 0, date, NULL, 0};
    out->type = type;
    /* Every facility has a prefecture: Japan is the sum of the 47. */
    for (int i = 0; i < FK_NPREF; i++) {
        out->prefs[i] = fk_cd_counts(&by[i]);
        fk_cd_counts_add(&out->national, &by[i]);
    }
    return 0;
}

/* Weeks (Monday first) from the program's first week to the date, at
 * most the last 104; the rise of each type's operating count over each
 * week, read from daily points starting on `from`. */
static void cut_weeks(const char *program, int pref, fk_day first, fk_day date,
                      fk_point *const daily[FK_NTYPE], size_t n, fk_day from,
                      fk_chart_weekly *out)
{
    memset(out, 0, sizeof *out);
    fk_day mon_last = date - fk_weekday(date),
           mon_first = first - fk_weekday(first);
    if ((mon_last - mon_first) / 7 + 1 > 104) mon_first = mon_last - 103 * 7;
    size_t nw = (size_t)((mon_last - mon_first) / 7 + 1);
    fk_chart_week *weeks = fk_xcalloc(nw, sizeof *weeks);
    for (size_t w = 0; w < nw; w++) weeks[w].monday = mon_first + 7 * (fk_day)w;
    for (int t = 0; t < FK_NTYPE; t++)
        for (size_t w = 0; w < nw && n; w++) {
            fk_day end =
                weeks[w].monday + 6 > date ? date : weeks[w].monday + 6;
            size_t ie = (size_t)(end - from),
                   ib = (size_t)(weeks[w].monday - 1 - from);
            if (ie >= n) ie = n - 1;
            if (ib >= n) ib = n - 1;
            double d =
                (double)(daily[t][ie].c.adopting - daily[t][ib].c.adopting);
            weeks[w].added[t] = d > 0 ? d : 0; /* closures are not adoptions */
        }
    out->meta = (fk_chart_meta){program, pref, date, NULL, 0};
    out->weeks = weeks;
    out->nweeks = nw;
}

int fk_cd_weekly_load(fk_store *st, const char *program, int pref, fk_day date,
                      fk_chart_weekly *out, char *err, size_t errlen)
{
    fk_day first;
    if (fk_store_first_day(st, program, &first) < 0 || first > date)
        first = date;
    fk_day from = first - fk_weekday(first) - 1;
    fk_area area = {pref, ""};
    fk_point *daily[FK_NTYPE] = {0};
    size_t n = 0;
    int rc = 0;
    for (int t = 0; t < FK_NTYPE && rc == 0; t++)
        if (fk_store_series(st, program, t, &area, from, date, &daily[t], &n) <
            0)
            rc = store_fail(st, err, errlen);
    if (rc == 0) cut_weeks(program, pref, first, date, daily, n, from, out);
    for (int t = 0; t < FK_NTYPE; t++) free(daily[t]);
    return rc;
}

void fk_cd_weekly_from_trend(const fk_cd_trend *t, fk_chart_weekly *out)
{
    const fk_chart_meta *m = &t->chart.meta;
    cut_weeks(m->program, m->pref,
              t->daily_from + 1 /* the first week's Monday */, m->as_of,
              t->daily, t->ndaily, t->daily_from, out);
}

void fk_cd_weekly_free(fk_chart_weekly *w)
{
    free((void *)w->weeks);
    w->weeks = NULL;
    w->nweeks = 0;
}

int fk_cd_munis_load(fk_store *st, const char *program, int pref, fk_day date,
                     int type, fk_chart_munis *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    fk_muni_counts *mc = NULL;
    size_t n = 0;
    fk_counts by[FK_NPREF]; /* the prefecture line: not the sum of its
                               municipalities, which the feed may omit */
    if (fk_store_counts_by_muni(st, program, date, pref, type, &mc, &n) < 0 ||
        fk_store_counts_by_pref(st, program, date, type, by) < 0) {
        free(mc);
        return store_fail(st, err, errlen);
    }
    fk_chart_muni *m = fk_xcalloc(n, sizeof *m);
    for (size_t i = 0; i < n; i++) {
        memcpy(m[i].code, mc[i].code, sizeof m[i].code);
        m[i].name =
            fk_muni_by_code(m[i].code) ? fk_muni_label(m[i].code) : NULL;
        m[i].c = fk_cd_counts(&mc[i].c);
    }
    free(mc);
    out->meta = (fk_chart_meta){program, pref, date, NULL, FK_CHART_CITE_NAMES};
    out->type = type;
    out->munis = m;
    out->nmunis = n;
    out->pref_total = fk_cd_counts(&by[pref - 1]);
    return 0;
}

void fk_cd_munis_free(fk_chart_munis *m)
{
    free((void *)m->munis);
    m->munis = NULL;
    m->nmunis = 0;
}

int fk_cd_counts_from_trend(const fk_cd_trend *t, fk_day date,
                            fk_counts by_type[FK_NTYPE])
{
    memset(by_type, 0, sizeof(fk_counts) * FK_NTYPE);
    if (!t->ndaily || date < t->daily_from ||
        date >= t->daily_from + (fk_day)t->ndaily)
        return -1;
    for (int ty = 0; ty < FK_NTYPE; ty++)
        by_type[ty] = t->daily[ty][date - t->daily_from].c;
    return 0;
}

void fk_cd_funnel_from_trend(const fk_cd_trend *t, fk_chart_funnel *out)
{
    memset(out, 0, sizeof *out);
    out->meta = t->chart.meta;
    fk_counts by[FK_NTYPE];
    fk_cd_counts_from_trend(t, t->chart.meta.as_of, by);
    for (int ty = 0; ty < FK_NTYPE; ty++) {
        out->rows[ty] = fk_cd_counts(&by[ty]);
        fk_cd_counts_add(&out->rows[FK_CHART_ALL], &by[ty]);
    }
}
