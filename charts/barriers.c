/* barriers.c - the barriers follow-up calls heard: one bar per code of
 * the ministry's list (1-7, in its order, so that charts of different
 * weeks and areas read alike), its length the number of contacts that
 * named it, labelled with the count and the share of the contacts that
 * named any barrier (several may be named, so shares add up past 100%). */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>

static int check(const fk_chart_barriers *c, char *err, size_t errlen)
{
    for (int k = 0; k < FK_NBARRIER; k++)
        if (!(c->counts[k] >= 0) || c->counts[k] > c->with_barrier ||
            c->with_barrier > c->contacts) {
            snprintf(err, errlen,
                     "barriers: need 0 <= count <= contacts naming a barrier "
                     "<= contacts (code %d: %.0f, %.0f, %.0f)",
                     k + 1, c->counts[k], c->with_barrier, c->contacts);
            return -1;
        }
    return 0;
}

static void title(const fk_chart_barriers *c, int en, char *out, size_t n)
{
    snprintf(out, n,
             en ? "%s: barriers named in follow-up calls"
                : "%s フォローアップで聞かれた導入の障壁",
             fk_program_label(c->meta.program, en));
}

static void period(const fk_chart_barriers *c, int en, char *out, size_t n)
{
    char a[FK_DATE_LEN] = "", b[FK_DATE_LEN] = "", cn[32], wn[32];
    if (c->from >= 0) fk_date_format(c->from, a);
    if (c->to >= 0) fk_date_format(c->to, b);
    fk_fmt_count(c->contacts, cn, sizeof cn);
    fk_fmt_count(c->with_barrier, wn, sizeof wn);
    /* The subtitle already says the as-of date: a period open at the
     * start and ending on it needs no words. */
    char span[64] = "";
    if (c->from >= 0 || (c->to >= 0 && c->to != c->meta.as_of))
        snprintf(span, sizeof span, "%s%s%s ", a, en ? "–" : "〜", b);
    snprintf(out, n,
             en ? "%s%s contacts, %s naming barriers (several allowed)"
                : "%s連絡%s件中 障壁の回答%s件（複数回答）",
             span, cn, wn);
}

int fk_chart_barriers_draw_on(const fk_chart_barriers *c,
                              const fk_chart_opts *o, const fk_chart_target *tg,
                              char *err, size_t errlen)
{
    if (check(c, err, errlen) < 0) return -1;
    fk_canvas cv;
    if (fk_canvas_open(&cv, o, tg, c->meta.as_of, err, errlen) < 0) return -1;
    cairo_t *cr = cv.cr;
    char t[256], note[256], label[160], val[64], pct[32], num[32];
    title(c, cv.en, t, sizeof t);
    period(c, cv.en, note, sizeof note);
    fk_rect b = fk_frame(&cv, &c->meta, t, FK_L(&cv, "件", "contacts"), note);
    /* Counts are whole: at least 5 on the axis keeps its ticks whole. */
    double s = cv.s, fs = 13 * s, w, labw = 0, valw = 0, vmax = 5;
    for (int k = 0; k < FK_NBARRIER; k++) {
        snprintf(label, sizeof label, "%d %s", k + 1,
                 cv.en ? fk_barriers[k].label_en : fk_barriers[k].label_ja);
        fk_text_size(&cv, label, fs, 0, &w, NULL);
        labw = fmax(labw, w);
        vmax = fmax(vmax, c->counts[k]);
    }
    fk_text_size(&cv, "8,888 (100.0%)", fs, 0, &valw, NULL);
    labw = fmin(labw, (b.x1 - b.x0) * 0.45);
    double step;
    int nt;
    fk_ticks(vmax, 5, &step, &nt);
    double xmax = step * (nt - 1), axis_h;
    fk_text_size(&cv, "0", fs * 0.85, 0, NULL, &axis_h);
    double x0 = b.x0 + labw + 10 * s, x1 = b.x1 - valw - 10 * s;
    double top = b.y0 + 4 * s, bottom = b.y1 - axis_h - 6 * s;
    double rh = (bottom - top) / FK_NBARRIER;
    fk_value_grid(&cv, x0, x1, top, bottom, step, nt, fs * 0.85);
    for (int k = 0; k < FK_NBARRIER; k++) {
        double yc = top + rh * (k + 0.5);
        double x = x0 + (x1 - x0) * fmin(1, c->counts[k] / xmax);
        snprintf(label, sizeof label, "%d %s", k + 1,
                 cv.en ? fk_barriers[k].label_en : fk_barriers[k].label_ja);
        fk_text(&cv, label, fs, 0, x0 - 6 * s, yc, FK_RIGHT, FK_MIDDLE, FK_INK,
                labw);
        fk_set_rgb(cr, fk_rgb_hex(0xD55E00));
        cairo_rectangle(cr, x0, yc - rh * 0.3, x - x0, rh * 0.6);
        cairo_fill(cr);
        fk_fmt_count(c->counts[k], num, sizeof num);
        if (c->with_barrier > 0)
            fk_fmt_pct(c->counts[k] / c->with_barrier, pct, sizeof pct);
        else
            snprintf(pct, sizeof pct, "—");
        snprintf(val, sizeof val, "%s (%s)", num, pct);
        fk_text(&cv, val, fs, 0, x + 5 * s, yc, FK_LEFT, FK_MIDDLE, FK_INK, 0);
    }
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_barriers_render(const fk_chart_barriers *c, const fk_chart_opts *o,
                             fk_chart_format fmt, fk_buf *out, char *err,
                             size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_barriers_draw_on(c, o, &tg, err, errlen);
}

int fk_chart_barriers_csv(const fk_chart_barriers *c, const char *lang,
                          fk_buf *out, char *err, size_t errlen)
{
    int en = fk_lang_en(lang), rc = 0;
    char t[256], area[64], d[FK_DATE_LEN], a[FK_DATE_LEN] = "",
                                           z[FK_DATE_LEN] = "";
    if (check(c, err, errlen) < 0) return -1;
    title(c, en, t, sizeof t);
    fk_pref_label(c->meta.pref, en, 0, area, sizeof area);
    if (c->from >= 0) fk_date_format(c->from, a);
    if (c->to >= 0) fk_date_format(c->to, z);
    fk_buf_reset(out);
    rc |= fk_buf_printf(out, "chart,program,area,as_of,from,to,barrier,label,"
                             "contacts_naming,contacts_naming_any,contacts,"
                             "share\r\n");
    for (int k = 0; k < FK_NBARRIER; k++)
        rc |= fk_buf_printf(
            out, "%s,%s,%s,%s,%s,%s,%d,%s,%.0f,%.0f,%.0f,%.6f\r\n", t,
            c->meta.program ? c->meta.program : "", area,
            fk_date_format(c->meta.as_of, d), a, z, k + 1,
            en ? fk_barriers[k].label_en : fk_barriers[k].label_ja,
            c->counts[k], c->with_barrier, c->contacts,
            c->with_barrier > 0 ? c->counts[k] / c->with_barrier : 0.0);
    if (rc) {
        snprintf(err, errlen, "csv: out of memory");
        return -1;
    }
    return 0;
}
