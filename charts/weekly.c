/* weekly.c - new adopters per ISO week (Monday start), stacked by facility
 * type in the type palette (distinct lightness, so the stack reads in
 * grey too), with the latest week's total labelled. */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>

void fk_title_weekly(const fk_chart_weekly *c, int en, char *out, size_t n)
{
    snprintf(out, n,
             en ? "%s: new adopters per week" : "%s 週別の新規運用開始施設数",
             fk_program_label(c->meta.program, en));
}

int fk_chart_weekly_draw_on(const fk_chart_weekly *c, const fk_chart_opts *o,
                            const fk_chart_target *tg, char *err, size_t errlen)
{
    if (!c->nweeks) {
        snprintf(err, errlen, "weekly: no weeks to draw");
        return -1;
    }
    double vmax = 0;
    for (size_t i = 0; i < c->nweeks; i++) {
        double sum = 0;
        if (fk_weekday(c->weeks[i].monday) != 0 ||
            (i && c->weeks[i].monday <= c->weeks[i - 1].monday)) {
            char d[FK_DATE_LEN];
            snprintf(err, errlen,
                     "weekly: week %zu (%s): need ascending Mondays", i + 1,
                     fk_date_format(c->weeks[i].monday, d));
            return -1;
        }
        for (int t = 0; t < FK_NTYPE; t++) {
            if (!(c->weeks[i].added[t] >= 0)) {
                snprintf(err, errlen, "weekly: week %zu, %s: negative count",
                         i + 1, fk_type_label(t, 1));
                return -1;
            }
            sum += c->weeks[i].added[t];
        }
        vmax = fmax(vmax, sum);
    }
    fk_canvas cv;
    if (fk_canvas_open(&cv, o, tg, c->meta.as_of, err, errlen) < 0) return -1;
    cairo_t *cr = cv.cr;
    char title[256], buf[64];
    fk_title_weekly(c, cv.en, title, sizeof title);
    fk_rect b =
        fk_frame(&cv, &c->meta, title, FK_L(&cv, "施設数", "facilities"),
                 FK_L(&cv, "ISO週（月曜始まり）", "ISO weeks (Monday start)"));
    double s = cv.s, fs = 12.5 * s, w, h, lx = b.x0;
    fk_text_size(&cv, "薬局", fs, 0, NULL, &h);
    for (int t = 0; t < FK_NTYPE; t++) { /* legend in stacking order */
        fk_set_rgb(cr, fk_type_rgb[t]);
        cairo_rectangle(cr, lx, b.y0 + h * 0.15, h * 1.0, h * 0.7);
        cairo_fill(cr);
        fk_text(&cv, fk_type_label(t, cv.en), fs, 0, lx + h * 1.3, b.y0,
                FK_LEFT, FK_TOP, FK_INK, 0);
        fk_text_size(&cv, fk_type_label(t, cv.en), fs, 0, &w, NULL);
        lx += h * 1.3 + w + 22 * s;
    }
    double step;
    int nt;
    fk_ticks(fmax(vmax, 5) * 1.08, 6, &step,
             &nt); /* headroom for the last label */
    double ymax = step * (nt - 1), lw = 0;
    for (int i = 0; i < nt; i++) {
        fk_fmt_tick(step * i, step, buf, sizeof buf);
        fk_text_size(&cv, buf, fs, 0, &w, NULL);
        lw = fmax(lw, w);
    }
    double x0 = b.x0 + lw + 10 * s, x1 = b.x1 - 10 * s;
    double y0 = b.y0 + h + 16 * s, y1 = b.y1 - h - 8 * s;
    for (int i = 0; i < nt; i++) {
        double y = y1 - (y1 - y0) * i / (nt - 1);
        fk_set_rgb(cr, i ? FK_GRID : FK_GREY);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_stroke(cr);
        fk_fmt_tick(step * i, step, buf, sizeof buf);
        fk_text(&cv, buf, fs, 0, x0 - 6 * s, y, FK_RIGHT, FK_MIDDLE, FK_GREY,
                0);
    }
    fk_day lo = c->weeks[0].monday, hi = c->weeks[c->nweeks - 1].monday + 7;
    double dayw = (x1 - x0) / (hi - lo), barw = fmax(1.0, dayw * 7 * 0.78);
    for (size_t i = 0; i < c->nweeks; i++) {
        double x = x0 + (c->weeks[i].monday - lo + 3.5) * dayw, acc = 0;
        for (int t = 0; t < FK_NTYPE; t++) {
            double v = c->weeks[i].added[t];
            if (v <= 0) continue;
            double ya = y1 - (y1 - y0) * acc / ymax,
                   yb = y1 - (y1 - y0) * (acc + v) / ymax;
            fk_set_rgb(cr, fk_type_rgb[t]);
            cairo_rectangle(cr, x - barw / 2, yb, barw, ya - yb);
            cairo_fill(cr);
            acc += v;
        }
        if (i == c->nweeks - 1) {
            fk_fmt_count(acc, buf, sizeof buf);
            fk_text(&cv, buf, fs * 0.95, 1, fmin(x, x1 - 20 * s),
                    y1 - (y1 - y0) * acc / ymax - 3 * s, FK_CENTER, FK_BOTTOM,
                    FK_INK, 0);
        }
    }
    /* Month ticks under the bars. */
    fk_text_size(&cv, cv.en ? "Oct 2024" : "2024年10月", fs, 0, &w, NULL);
    int months, y, m, d, first = 1;
    fk_month_ticks(lo, hi, (int)((x1 - x0) / (w + 14 * s)), &months);
    fk_day_to_ymd(lo, &y, &m, &d);
    int idx = y * 12 + (m - 1) + (d > 1);
    idx = (idx + months - 1) / months * months;
    for (;; idx += months) {
        fk_day day = fk_day_from_ymd(idx / 12, idx % 12 + 1, 1);
        if (day > hi) break;
        double x = x0 + (day - lo) * dayw;
        fk_set_rgb(cr, FK_GREY);
        cairo_set_line_width(cr, 1 * s);
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x, y1 + 4 * s);
        cairo_stroke(cr);
        fk_month_label(idx / 12, idx % 12 + 1,
                       first || idx % 12 == 0 || months >= 12, cv.en, buf,
                       sizeof buf);
        fk_text(&cv, buf, fs, 0, x, y1 + 6 * s, FK_CENTER, FK_TOP, FK_GREY, 0);
        first = 0;
    }
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_weekly_render(const fk_chart_weekly *c, const fk_chart_opts *o,
                           fk_chart_format fmt, fk_buf *out, char *err,
                           size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_weekly_draw_on(c, o, &tg, err, errlen);
}
