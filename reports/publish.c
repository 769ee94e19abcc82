/* publish.c - fk_publish_all: the output tree the dashboard serves (see
 * report.h for the layout): every chart of Japan and of each prefecture in
 * PNG, PDF and SVG with its numbers as CSV, and the weekly reports with
 * latest.pdf beside them.  Each area's trend is loaded and forecast once
 * and shared by its chart files and its report. */
#include "reports/report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdirs(const char *path, char *err, size_t errlen)
{
    char p[FK_PATH_BUF];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                snprintf(err, errlen, "%s: cannot create directory: %s", p, strerror(errno));
                return -1;
            }
            *s = c;
            if (!c) break;
        }
    }
    return 0;
}

/* latest.pdf -> the week's file: a new link under a temporary name renamed
 * over the old one, so a reader sees the old report or the new. */
static int link_latest(const char *dir, const char *target, char *err, size_t errlen)
{
    char tmp[FK_PATH_BUF], dst[FK_PATH_BUF];
    snprintf(tmp, sizeof tmp, "%s/.latest.pdf.%ld", dir, (long)getpid());
    snprintf(dst, sizeof dst, "%s/latest.pdf", dir);
    unlink(tmp);
    if (symlink(target, tmp) < 0 || rename(tmp, dst) < 0) {
        snprintf(err, errlen, "%s: cannot link latest.pdf: %s", dir, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

typedef struct {
    const fk_publish_opts *o;
    fk_publish_stats *stats;
    char dir[FK_PATH_BUF];   /* charts/national or charts/pref/NN */
    const char *program;
} ctx;

static const fk_chart_format formats[3] = {FK_CHART_PNG, FK_CHART_PDF, FK_CHART_SVG};
static const char *const exts[3] = {"png", "pdf", "svg"};

static int save(ctx *c, const char *kind, const char *ext, fk_chart_buf *b, char *err, size_t errlen)
{
    char path[FK_PATH_BUF];
    snprintf(path, sizeof path, "%s/%s-%s.%s", c->dir, kind, c->program, ext);
    int rc = fk_chart_buf_save(b, path, err, errlen);
    fk_chart_buf_free(b);
    return rc;
}

/* One chart in the three formats and its CSV.  R renders, W writes CSV. */
#define EMIT(c, kind, chart, R, W)                                                        \
    do {                                                                                  \
        fk_chart_opts co = {(c)->o->lang, 0, 0, 0};                                       \
        for (int f = 0; f < 3; f++) {                                                     \
            fk_chart_buf b = {0};                                                         \
            if (R(chart, &co, formats[f], &b, err, errlen) < 0) {                         \
                fk_chart_buf_free(&b);                                                    \
                return -1;                                                                \
            }                                                                             \
            if (save(c, kind, exts[f], &b, err, errlen) < 0) return -1;                   \
            (c)->stats->charts++;                                                         \
        }                                                                                 \
        fk_chart_buf b = {0};                                                             \
        if (W(chart, (c)->o->lang, &b, err, errlen) < 0) {                                \
            fk_chart_buf_free(&b);                                                        \
            return -1;                                                                    \
        }                                                                                 \
        if (save(c, kind, "csv", &b, err, errlen) < 0) return -1;                         \
        (c)->stats->csv++;                                                                \
    } while (0)

static int area_charts(fk_store *st, ctx *c, int pref, fk_day as_of, const fk_cd_trend *trend, char *err,
                       size_t errlen)
{
    EMIT(c, "trend", &trend->chart, fk_chart_trend_render, fk_chart_trend_csv);
    fk_chart_funnel fu;
    fk_cd_funnel_from_trend(trend, &fu);
    EMIT(c, "funnel", &fu, fk_chart_funnel_render, fk_chart_funnel_csv);
    fk_chart_weekly wk;
    if (fk_cd_weekly_from_trend(trend, &wk, err, errlen) < 0) return -1;
    int rc = 0;
    {
        /* EMIT returns on failure; keep the weeks freed either way. */
        fk_chart_opts co = {c->o->lang, 0, 0, 0};
        for (int f = 0; f < 3 && rc == 0; f++) {
            fk_chart_buf b = {0};
            rc = fk_chart_weekly_render(&wk, &co, formats[f], &b, err, errlen);
            if (rc == 0) rc = save(c, "weekly", exts[f], &b, err, errlen), c->stats->charts += rc == 0;
            else fk_chart_buf_free(&b);
        }
        fk_chart_buf b = {0};
        if (rc == 0) rc = fk_chart_weekly_csv(&wk, c->o->lang, &b, err, errlen);
        if (rc == 0) rc = save(c, "weekly", "csv", &b, err, errlen), c->stats->csv += rc == 0;
        else fk_chart_buf_free(&b);
    }
    fk_cd_weekly_free(&wk);
    if (rc < 0) return -1;
    if (pref == 0) {
        fk_chart_prefs pr;
        if (fk_cd_prefs_load(st, c->program, as_of, -1, &pr, err, errlen) < 0) return -1;
        EMIT(c, "ranking", &pr, fk_chart_ranking_render, fk_chart_prefs_csv);
        EMIT(c, "map", &pr, fk_chart_map_render, fk_chart_prefs_csv);
        return 0;
    }
    fk_chart_munis mu;
    if (fk_cd_munis_load(st, c->program, pref, as_of, -1, &mu, err, errlen) < 0) return -1;
    fk_chart_opts co = {c->o->lang, 0, 0, 0};
    for (int f = 0; f < 3 && rc == 0; f++) {
        fk_chart_buf b = {0};
        rc = fk_chart_munis_render(&mu, &co, formats[f], &b, err, errlen);
        if (rc == 0) rc = save(c, "municipalities", exts[f], &b, err, errlen), c->stats->charts += rc == 0;
        else fk_chart_buf_free(&b);
    }
    fk_chart_buf b = {0};
    if (rc == 0) rc = fk_chart_munis_csv(&mu, c->o->lang, &b, err, errlen);
    if (rc == 0) rc = save(c, "municipalities", "csv", &b, err, errlen), c->stats->csv += rc == 0;
    else fk_chart_buf_free(&b);
    fk_cd_munis_free(&mu);
    return rc;
}

/* Charts and report of one area (0 = Japan, which runs first and leaves
 * in methods[program][type] what auto chose, for the prefectures). */
static int publish_area(fk_store *st, const fk_publish_opts *o, fk_publish_stats *s, int pref,
                        fk_fc_method methods[FK_NPROGRAM][FK_NTYPE + 1], rp_data *nat, char *err, size_t errlen)
{
    ctx c = {o, s, "", NULL};
    char rdir[FK_PATH_BUF], file[FK_PATH_BUF + 32];
    if (pref) {
        snprintf(c.dir, sizeof c.dir, "%s/charts/pref/%s", o->out_dir, fk_prefs[pref - 1].code2);
        snprintf(rdir, sizeof rdir, "%s/reports/prefecture/%s", o->out_dir, fk_prefs[pref - 1].code2);
    } else {
        snprintf(c.dir, sizeof c.dir, "%s/charts/national", o->out_dir);
        snprintf(rdir, sizeof rdir, "%s/reports/weekly", o->out_dir);
    }
    if (mkdirs(c.dir, err, errlen) < 0 || mkdirs(rdir, err, errlen) < 0) return -1;
    fk_cd_trend tr[FK_NPROGRAM];
    fk_cd_trend *trp[FK_NPROGRAM];
    int loaded = 0, rc = 0;
    for (int i = 0; i < FK_NPROGRAM && rc == 0; i++) {
        rc = fk_cd_trend_load_with(st, fk_programs[i].key, pref, s->as_of, o->target > 0 ? o->target : 0.8, 1,
                                   pref ? methods[i] : NULL, &tr[i], err, errlen);
        trp[i] = &tr[i];
        loaded += rc == 0;
        for (int t = 0; rc == 0 && !pref && t <= FK_NTYPE; t++)
            methods[i][t] = tr[i].line[t].has_fc ? tr[i].line[t].f.method : FK_FC_AUTO;
    }
    for (int i = 0; i < FK_NPROGRAM && rc == 0; i++) {
        c.program = fk_programs[i].key;
        rc = area_charts(st, &c, pref, s->as_of, &tr[i], err, errlen);
    }
    if (rc == 0) {
        fk_report_opts ro = {pref, s->as_of, o->lang, o->target};
        snprintf(file, sizeof file, "%s/%s.pdf", rdir, s->week);
        /* Japan's figures (loaded first) serve the prefectures' tables. */
        rp_data d;
        rc = rp_data_load(st, &ro, trp, pref ? nat : NULL, &d, err, errlen);
        if (rc == 0) {
            rc = rp_render(&d, file, err, errlen);
            if (rc == 0 && !pref) {
                *nat = d;
                for (int i = 0; i < FK_NPROGRAM; i++) nat->p[i].trend = NULL; /* freed below */
            } else {
                rp_data_free(&d);
            }
        }
        if (rc == 0) {
            s->reports++;
            snprintf(file, sizeof file, "%s.pdf", s->week);
            rc = link_latest(rdir, file, err, errlen);
        }
    }
    for (int i = 0; i < loaded; i++) fk_cd_trend_free(&tr[i]);
    return rc;
}

int fk_publish_all(fk_store *st, const fk_publish_opts *o, fk_publish_stats *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!o->out_dir || !o->out_dir[0] || strlen(o->out_dir) > FK_PATH_BUF - 100) {
        snprintf(err, errlen, "publish: output directory missing or too long");
        return -1;
    }
    if (fk_charts_init(err, errlen) < 0) return -1;
    out->as_of = o->as_of;
    if (out->as_of < 0 && fk_store_latest_as_of(st, &out->as_of) < 0) {
        snprintf(err, errlen, "publish: no pull stored yet; run `fukyu collect` first");
        return -1;
    }
    fk_report_week_name(out->as_of, out->week);
    fk_fc_method methods[FK_NPROGRAM][FK_NTYPE + 1];
    rp_data nat;
    memset(&nat, 0, sizeof nat);
    int rc = 0;
    for (int pref = 0; rc == 0 && pref <= (o->national_only ? 0 : FK_NPREF); pref++)
        rc = publish_area(st, o, out, pref, methods, &nat, err, errlen);
    rp_data_free(&nat);
    return rc;
}
