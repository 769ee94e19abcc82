/* funnel.c - adoption stages per facility type: one 100% stacked bar per
 * type (operating, applied, not started), each share labelled inside its
 * segment when it fits and always in the summary column on the right. */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>

static const unsigned stage_hex[3] = {0x0072B2, 0x56B4E9,
                                      0xDDDDDD}; /* L* 46, 70, 88 */

static const char *stage_label(int i, int en)
{
    static const char *ja[3] = {"運用中", "申請済", "未着手"};
    static const char *enl[3] = {"operating", "applied", "not started"};
    return en ? enl[i] : ja[i];
}

static int check(const fk_chart_funnel *c, char *err, size_t errlen)
{
    int any = 0;
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_chart_counts *r = &c->rows[t];
        if (r->adopting < 0 || r->applied < 0 || r->total < 0 ||
            r->adopting + r->applied > r->total + 1e-9) {
            snprintf(
                err, errlen,
                "funnel: %s: need 0 <= operating + applied <= total (got %.0f + %.0f > %.0f)",
                fk_type_label(t, 1), r->adopting, r->applied, r->total);
            return -1;
        }
        any |= r->total > 0;
    }
    if (!any) {
        snprintf(err, errlen, "funnel: every row has total 0; nothing to draw");
        return -1;
    }
    return 0;
}

void fk_title_funnel(const fk_chart_funnel *c, int en, char *out, size_t n)
{
    snprintf(out, n,
             en ? "%s: facilities by adoption stage"
                : "%s 導入段階別の施設割合",
             fk_program_label(c->meta.program, en));
}

int fk_chart_funnel_draw_on(const fk_chart_funnel *c, const fk_chart_opts *o,
                            const fk_chart_target *tg, char *err, size_t errlen)
{
    if (check(c, err, errlen) < 0) return -1;
    fk_canvas cv;
    if (fk_canvas_open(&cv, o, tg, c->meta.as_of, err, errlen) < 0) return -1;
    cairo_t *cr = cv.cr;
    char title[256], buf[160], a[32], b2[32], n[32];
    fk_title_funnel(c, cv.en, title, sizeof title);
    fk_rect b = fk_frame(&cv, &c->meta, title,
                         FK_L(&cv, "%（施設数）", "% (facilities)"), NULL);
    double s = cv.s, fs = 13 * s, w, h;

    /* Legend row. */
    double lx = b.x0;
    fk_text_size(&cv, "運用中", fs, 0, NULL, &h);
    for (int i = 0; i < 3; i++) {
        fk_set_rgb(cr, fk_rgb_hex(stage_hex[i]));
        cairo_rectangle(cr, lx, b.y0 + h * 0.15, h * 0.7 * 1.4, h * 0.7);
        cairo_fill(cr);
        fk_text(&cv, stage_label(i, cv.en), fs, 0, lx + h * 1.1, b.y0, FK_LEFT,
                FK_TOP, FK_INK, 0);
        fk_text_size(&cv, stage_label(i, cv.en), fs, 0, &w, NULL);
        lx += h * 1.1 + w + 24 * s;
    }
    double top = b.y0 + h + 12 * s;

    int rows[FK_NTYPE + 1], nr = 0;
    double labw = 0, sumw = 0;
    for (int t = 0; t <= FK_NTYPE; t++) {
        if (!(c->rows[t].total > 0)) continue;
        rows[nr++] = t;
        fk_text_size(&cv, fk_type_label(t, cv.en), fs, t == FK_NTYPE, &w, NULL);
        labw = fmax(labw, w);
    }
    snprintf(buf, sizeof buf, "%s 100.0%% ・ %s 100.0%%", stage_label(0, cv.en),
             stage_label(1, cv.en));
    fk_text_size(&cv, buf, fs * 0.92, 0, &sumw, NULL);
    double x0 = b.x0 + labw + 12 * s, x1 = b.x1 - sumw - 16 * s;
    double axis_h;
    fk_text_size(&cv, "100%", fs * 0.9, 0, NULL, &axis_h);
    double bottom = b.y1 - axis_h - 6 * s;
    double rh = fmin(80 * s, (bottom - top) / nr), bh = rh * 0.58;

    for (int i = 0; i <= 10; i += 2) { /* 0, 20, ... 100% */
        double x = x0 + (x1 - x0) * i / 10.0;
        fk_set_rgb(cr, FK_GRID);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_move_to(cr, x, top);
        cairo_line_to(cr, x, top + rh * nr);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%d%%", i * 10);
        fk_text(&cv, buf, fs * 0.9, 0, x, top + rh * nr + 4 * s, FK_CENTER,
                FK_TOP, FK_GREY, 0);
    }
    for (int k = 0; k < nr; k++) {
        int t = rows[k];
        const fk_chart_counts *r = &c->rows[t];
        double share[3] = {fk_chart_share(r->adopting, r->total),
                           fk_chart_share(r->applied, r->total), 0};
        share[2] = fmax(0, 1 - share[0] - share[1]);
        double yc = top + rh * (k + 0.5), x = x0;
        if (t == FK_NTYPE) { /* the total row sits apart from the types */
            fk_set_rgb(cr, FK_GREY);
            cairo_set_line_width(cr, 0.8 * s);
            cairo_move_to(cr, b.x0, top + rh * k);
            cairo_line_to(cr, b.x1, top + rh * k);
            cairo_stroke(cr);
        }
        fk_text(&cv, fk_type_label(t, cv.en), fs, t == FK_NTYPE, x0 - 8 * s, yc,
                FK_RIGHT, FK_MIDDLE, FK_INK, 0);
        for (int i = 0; i < 3; i++) {
            double sw = (x1 - x0) * share[i];
            fk_rgb col = fk_rgb_hex(stage_hex[i]);
            fk_set_rgb(cr, col);
            cairo_rectangle(cr, x, yc - bh / 2, sw, bh);
            cairo_fill(cr);
            fk_fmt_pct(share[i], buf, sizeof buf);
            fk_text_size(&cv, buf, fs * 0.9, 0, &w, NULL);
            if (w + 8 * s < sw)
                fk_text(&cv, buf, fs * 0.9, 0, x + sw / 2, yc, FK_CENTER,
                        FK_MIDDLE, fk_ink_on(col), 0);
            x += sw;
        }
        fk_fmt_pct(share[0], a, sizeof a);
        fk_fmt_pct(share[1], b2, sizeof b2);
        snprintf(buf, sizeof buf, "%s %s ・ %s %s", stage_label(0, cv.en), a,
                 stage_label(1, cv.en), b2);
        fk_text(&cv, buf, fs * 0.92, t == FK_NTYPE, x1 + 10 * s, yc - 1 * s,
                FK_LEFT, FK_BOTTOM, FK_INK, 0);
        fk_fmt_count(r->total, n, sizeof n);
        snprintf(buf, sizeof buf,
                 FK_L(&cv, "計 %s 施設", "total %s facilities"), n);
        fk_text(&cv, buf, fs * 0.85, 0, x1 + 10 * s, yc + 1 * s, FK_LEFT,
                FK_TOP, FK_GREY, 0);
    }
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_funnel_render(const fk_chart_funnel *c, const fk_chart_opts *o,
                           fk_chart_format fmt, fk_buf *out, char *err,
                           size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_funnel_draw_on(c, o, &tg, err, errlen);
}
