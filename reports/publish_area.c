/* publish_area.c - draws and writes one area's part of the published tree
 * (report.h): every chart in PNG first (what the dashboard shows, so a
 * first render fills the pages soonest), then each in PDF and SVG with
 * its CSV, then the area's weekly report and its latest.pdf link.  Runs on the publisher's
 * drawing threads from figures already read (publish.c), so nothing here
 * touches the store; each chart file is timed for the run's stats. */
#include "reports/report_int.h"

#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double clock_ms(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

double pub_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

/* A file's cost is the drawing thread's CPU time: wall time would count
 * the other threads sharing the cores (the store reader, forecasts). */
static double cpu_ms(void)
{
    return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

/* latest.pdf -> the week's file: a new link under a temporary name renamed
 * over the old one, so a reader sees the old report or the new. */
static int link_latest(const char *dir, const char *target, char *err,
                       size_t errlen)
{
    char tmp[FK_PATH_BUF], dst[FK_PATH_BUF];
    snprintf(tmp, sizeof tmp, "%s/.latest.pdf.%ld", dir, (long)getpid());
    snprintf(dst, sizeof dst, "%s/latest.pdf", dir);
    unlink(tmp);
    if (symlink(target, tmp) < 0 || rename(tmp, dst) < 0) {
        snprintf(err, errlen, "%s: cannot link latest.pdf: %s", dir,
                 strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

enum {
    K_TREND,
    K_FUNNEL,
    K_RANKING,
    K_MAP,
    K_WEEKLY,
    K_MUNIS
};
static const char *const kind_name[] = {"trend", "funnel", "ranking",
                                        "map",   "weekly", "municipalities"};
static const char *const exts[3] = {"png", "pdf", "svg"};

static int render(int kind, const void *c, const fk_chart_opts *o,
                  fk_chart_format f, fk_buf *b, char *err, size_t n)
{
    switch (kind) {
    case K_TREND: return fk_chart_trend_render(c, o, f, b, err, n);
    case K_FUNNEL: return fk_chart_funnel_render(c, o, f, b, err, n);
    case K_RANKING: return fk_chart_ranking_render(c, o, f, b, err, n);
    case K_MAP: return fk_chart_map_render(c, o, f, b, err, n);
    case K_WEEKLY: return fk_chart_weekly_render(c, o, f, b, err, n);
    default: return fk_chart_munis_render(c, o, f, b, err, n);
    }
}

static int csv(int kind, const void *c, const char *lang, fk_buf *b, char *err,
               size_t n)
{
    switch (kind) {
    case K_TREND: return fk_chart_trend_csv(c, lang, b, err, n);
    case K_FUNNEL: return fk_chart_funnel_csv(c, lang, b, err, n);
    case K_RANKING:
    case K_MAP: return fk_chart_prefs_csv(c, lang, b, err, n);
    case K_WEEKLY: return fk_chart_weekly_csv(c, lang, b, err, n);
    default: return fk_chart_munis_csv(c, lang, b, err, n);
    }
}

static void count(fk_publish_time *t, double ms)
{
    t->n++;
    t->total_ms += ms;
    if (ms > t->max_ms) t->max_ms = ms;
}

/* One chart in the formats of fmts (bit per fk_chart_format) and, if
 * with_csv, its numbers as CSV, into dir. */
static int emit_as(pub_area *a, const char *dir, const char *program, int kind,
                   const void *chart, unsigned fmts, int with_csv)
{
    char path[FK_PATH_BUF + 64];
    fk_chart_opts co = {a->o->lang, 0, 0, 0};
    /* A stop (SIGTERM to the daemon) is honoured between charts: a render
     * is long, a service must stop within seconds. */
    if (a->o->stop && *a->o->stop) {
        snprintf(a->err, sizeof a->err, "stopped: render abandoned on request");
        return -1;
    }
    for (int f = 0; f <= FK_CHART_SVG; f++) {
        if (!(fmts & 1u << f)) continue;
        fk_buf b = {0};
        double t0 = cpu_ms();
        int rc = render(kind, chart, &co, (fk_chart_format)f, &b, a->err,
                        sizeof a->err);
        count(&a->s.fmt[f], cpu_ms() - t0);
        snprintf(path, sizeof path, "%s/%s-%s.%s", dir, kind_name[kind],
                 program, exts[f]);
        if (rc == 0)
            rc = fk_file_write(path, b.p, b.len, a->err, sizeof a->err);
        fk_buf_free(&b);
        if (rc < 0) return -1;
        a->s.charts++;
    }
    if (!with_csv) return 0;
    fk_buf b = {0};
    snprintf(path, sizeof path, "%s/%s-%s.csv", dir, kind_name[kind], program);
    int rc = csv(kind, chart, a->o->lang, &b, a->err, sizeof a->err);
    if (rc == 0) rc = fk_file_write(path, b.p, b.len, a->err, sizeof a->err);
    fk_buf_free(&b);
    if (rc == 0) a->s.csv++;
    return rc;
}

/* The passes over an area's charts: the dashboard's PNGs, then the rest. */
enum {
    PASS_PNG,
    PASS_REST
};

static int emit(pub_area *a, const char *dir, const char *program, int kind,
                const void *chart, int pass)
{
    unsigned fmts = pass == PASS_PNG ? 1u << FK_CHART_PNG
                                     : 1u << FK_CHART_PDF | 1u << FK_CHART_SVG;
    return emit_as(a, dir, program, kind, chart, fmts, pass == PASS_REST);
}

/* The charts of one program in the area, in one pass. */
static int area_charts(pub_area *a, const char *dir, int i, int pass)
{
    const fk_cd_trend *tr = &a->tr[i];
    const char *program = fk_programs[i].key;
    if (emit(a, dir, program, K_TREND, &tr->chart, pass) < 0) return -1;
    fk_chart_funnel fu;
    fk_cd_funnel_from_trend(tr, &fu);
    if (emit(a, dir, program, K_FUNNEL, &fu, pass) < 0) return -1;
    fk_chart_weekly wk;
    fk_cd_weekly_from_trend(tr, &wk);
    int rc = emit(a, dir, program, K_WEEKLY, &wk, pass);
    fk_cd_weekly_free(&wk);
    if (rc < 0) return -1;
    if (a->pref) {
        /* Where the prefecture stands: the ranking with its own bar
         * marked, for the prefecture's page (PNG; the report draws its
         * own, and the national PDF/SVG hold the same figures). */
        fk_chart_prefs rk = a->d.p[i].prefs;
        rk.highlight = a->pref;
        if (emit_as(a, dir, program, K_RANKING, &rk,
                    pass == PASS_PNG ? 1u << FK_CHART_PNG : 0,
                    pass == PASS_REST) < 0)
            return -1;
        return emit(a, dir, program, K_MUNIS, &a->munis[i], pass);
    }
    /* The map and ranking draw the report's prefecture figures. */
    if (emit(a, dir, program, K_RANKING, &a->d.p[i].prefs, pass) < 0) return -1;
    return emit(a, dir, program, K_MAP, &a->d.p[i].prefs, pass);
}

void pub_area_write(pub_area *a)
{
    const fk_publish_opts *o = a->o;
    char dir[FK_PATH_BUF], rdir[FK_PATH_BUF], file[FK_PATH_BUF + 32];
    if (a->pref) {
        snprintf(dir, sizeof dir, "%s/charts/pref/%s", o->out_dir,
                 fk_prefs[a->pref - 1].code2);
        snprintf(rdir, sizeof rdir, "%s/reports/prefecture/%s", o->out_dir,
                 fk_prefs[a->pref - 1].code2);
    } else {
        snprintf(dir, sizeof dir, "%s/charts/national", o->out_dir);
        snprintf(rdir, sizeof rdir, "%s/reports/weekly", o->out_dir);
    }
    a->rc = -1;
    if (fk_mkdir_p(dir, a->err, sizeof a->err) < 0 ||
        fk_mkdir_p(rdir, a->err, sizeof a->err) < 0)
        return;
    double t0 = cpu_ms();
    for (int pass = PASS_PNG; pass <= PASS_REST; pass++) {
        for (int i = 0; i < FK_NPROGRAM; i++)
            if (area_charts(a, dir, i, pass) < 0) return;
        if (pass == PASS_PNG && a->pngs_done) a->pngs_done(a->pngs_arg);
    }
    if (a->pref) a->s.pref_sets_ms += cpu_ms() - t0;
    fk_buf b = {0};
    t0 = cpu_ms();
    int rc = rp_render_buf(&a->d, &b, a->err, sizeof a->err);
    count(&a->s.report, cpu_ms() - t0);
    snprintf(file, sizeof file, "%s/%s.pdf", rdir, a->week);
    if (rc == 0) rc = fk_file_write(file, b.p, b.len, a->err, sizeof a->err);
    fk_buf_free(&b);
    if (rc < 0) return;
    a->s.reports++;
    snprintf(file, sizeof file, "%s.pdf", a->week);
    if (link_latest(rdir, file, a->err, sizeof a->err) < 0) return;
    a->rc = 0;
}

void pub_area_free(pub_area *a)
{
    if (a->has_d && a->own_d) rp_data_free(&a->d);
    a->has_d = 0;
    for (int i = 0; i < a->nmunis; i++) fk_cd_munis_free(&a->munis[i]);
    a->nmunis = 0;
    for (int i = 0; i < a->ntr; i++) fk_cd_trend_free(&a->tr[i]);
    a->ntr = 0;
}
