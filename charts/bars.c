/* bars.c - the sorted horizontal bar list behind the ranking and the
 * municipality charts.  Long lists (Hokkaido has ~180 municipalities) flow
 * into up to four columns so rows stay legible; font size follows row
 * height.  A dashed reference line marks the national or prefecture value. */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

typedef struct {
    double v;
    size_t i;
} ranked;

/* The value drawn after a bar: "45.2%", with the denominator on request. */
static void item_value(fk_vkind k, const fk_bar_item *it, char *out, size_t n)
{
    fk_vformat(k, it->c, out, n);
    if (!it->show_n || k == FK_V_COUNT) return;
    char a[32], t[32];
    size_t l = strlen(out);
    fk_fmt_count(it->c->adopting, a, sizeof a);
    fk_fmt_count(it->c->total, t, sizeof t);
    snprintf(out + l, n - l, " (%s/%s)", a, t);
}

/* Pale: the colour mixed 70% with white. */
static fk_rgb pale(fk_rgb c)
{
    return (fk_rgb){c.r + (1 - c.r) * 0.7, c.g + (1 - c.g) * 0.7,
                    c.b + (1 - c.b) * 0.7};
}

static int by_value(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? 1 : -1;
    return x->i < y->i ? -1 : x->i > y->i; /* ties keep input (code) order */
}

void fk_bars(fk_canvas *cv, fk_rect b, const fk_bar_item *items, size_t n,
             fk_vkind k, const fk_chart_counts *ref, const char *ref_label,
             fk_rgb color)
{
    cairo_t *cr = cv->cr;
    double s = cv->s, w, h, vmax = ref ? fk_vvalue(k, ref) : 0;
    char buf[128], val[64];
    ranked *rk = fk_xcalloc(n, sizeof *rk);
    for (size_t i = 0; i < n; i++) {
        rk[i].v = fk_vvalue(k, items[i].c);
        rk[i].i = i;
        vmax = fmax(vmax, rk[i].v);
    }
    qsort(rk, n, sizeof *rk, by_value);
    if (k == FK_V_PCT) vmax = fmin(vmax, 100);

    double axis_fs = 11 * s, top_h;
    fk_text_size(cv, "0", axis_fs, 0, NULL, &top_h);
    double top = b.y0 + top_h + 6 * s, bottom = b.y1 - top_h - 6 * s;
    int ncol = 1;
    size_t per = n;
    double rh = 0;
    for (ncol = 1; ncol <= 4; ncol++) {
        per = (n + (size_t)ncol - 1) / (size_t)ncol;
        rh = (bottom - top) / (double)(per ? per : 1);
        if (rh >= 11 * s) break;
    }
    if (ncol > 4) ncol = 4;
    per = (n + (size_t)ncol - 1) / (size_t)ncol;
    rh = fmin(32 * s, (bottom - top) / (double)(per ? per : 1));
    double fs = fmax(6.5 * s, fmin(12.5 * s, rh * 0.8)), gap = 24 * s;
    double colw = (b.x1 - b.x0 - gap * (ncol - 1)) / ncol;
    double labw = 0, valw = 0;
    for (size_t i = 0; i < n; i++) {
        /* Room for the highlight's bold label and its marker. */
        snprintf(buf, sizeof buf, "%s%s", items[i].highlight ? "▶ " : "",
                 items[i].label);
        fk_text_size(cv, buf, fs, items[i].highlight, &w, NULL);
        labw = fmax(labw, w);
        item_value(k, &items[i], val, sizeof val);
        fk_text_size(cv, val, fs, items[i].highlight, &w, NULL);
        valw = fmax(valw, w);
    }
    labw = fmin(labw, colw * 0.35);
    double step;
    int nt;
    for (int target = 5;; target--) {
        fk_ticks(vmax, target, &step, &nt);
        fk_fmt_tick(step * (nt - 1), step, buf, sizeof buf);
        fk_text_size(cv, buf, axis_fs, 0, &w, NULL);
        double barw = colw - labw - valw - 16 * s;
        if (target <= 2 || barw / (nt - 1) > w + 10 * s) break;
    }
    double xmax = step * (nt - 1);
    for (int col = 0; col < ncol; col++) {
        size_t from = (size_t)col * per, to = from + per < n ? from + per : n;
        if (from >= to) break;
        double cx0 = b.x0 + col * (colw + gap), bx0 = cx0 + labw + 6 * s;
        double bx1 = cx0 + colw - valw - 10 * s,
               yb = top + rh * (double)(to - from);
        fk_value_grid(cv, bx0, bx1, top, yb, step, nt, axis_fs);
        /* The reference line goes under the bars and their labels. */
        double xref = -1;
        if (ref && ref->total > 0) {
            double x = bx0 + (bx1 - bx0) * fmin(1, fk_vvalue(k, ref) / xmax),
                   d[2] = {4 * s, 3 * s};
            xref = x;
            fk_set_rgb(cr, fk_rgb_hex(0xB00000));
            cairo_set_line_width(cr, 1.4 * s);
            cairo_set_dash(cr, d, 2, 0);
            cairo_move_to(cr, x, top - 2 * s);
            cairo_line_to(cr, x, yb);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            fk_vformat(k, ref, val, sizeof val);
            snprintf(buf, sizeof buf, "%s %s", ref_label, val);
            fk_text_size(cv, buf, axis_fs, 1, &w, &h);
            /* Keep the label inside the column whichever side the line is on. */
            double lx = fmin(fmax(x - w / 2, cx0), cx0 + colw - w);
            fk_text(cv, buf, axis_fs, 1, lx, top - 3 * s, FK_LEFT, FK_BOTTOM,
                    fk_rgb_hex(0xB00000), 0);
        }
        for (size_t r = from; r < to; r++) {
            const fk_bar_item *it = &items[rk[r].i];
            double yc = top + rh * ((double)(r - from) + 0.5);
            double x = bx0 + (bx1 - bx0) * fmin(1, rk[r].v / xmax);
            int hi = it->highlight;
            if (hi) { /* a band behind the row, so it is found at a glance */
                fk_set_rgb(cr, fk_rgb_hex(0xFFF1C7));
                cairo_rectangle(cr, cx0, yc - rh / 2, colw, rh);
                cairo_fill(cr);
            }
            snprintf(buf, sizeof buf, "%s%s", hi ? "▶ " : "", it->label);
            fk_text(cv, buf, fs, hi, bx0 - 5 * s, yc, FK_RIGHT, FK_MIDDLE,
                    hi          ? fk_rgb_hex(0x8A3B00)
                    : it->faint ? FK_GREY
                                : FK_INK,
                    labw);
            fk_set_rgb(cr, hi          ? fk_rgb_hex(0xD55E00)
                           : it->faint ? pale(color)
                                       : color);
            cairo_rectangle(cr, bx0, yc - rh * 0.36, x - bx0, rh * 0.72);
            cairo_fill(cr);
            item_value(k, it, val, sizeof val);
            fk_text_size(cv, val, fs, hi, &w, NULL);
            /* A value that would cross the reference line starts after it. */
            double vx = x + 4 * s;
            if (xref >= 0 && vx - 2 * s < xref && vx + w + 2 * s > xref)
                vx = xref + 4 * s;
            fk_text(cv, val, fs, hi, vx, yc, FK_LEFT, FK_MIDDLE,
                    hi ? fk_rgb_hex(0x8A3B00) : FK_INK, 0);
        }
    }
    free(rk);
}
