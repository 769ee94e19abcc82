/* map.c - a tile-grid map of Japan: one square per prefecture, placed
 * roughly where it lies (Hokkaido top right, Kyushu left, Okinawa bottom
 * left), coloured by coverage on a colour-blind-safe sequential scale
 * (viridis, reversed so darker = higher) with a legend in the empty
 * north-west corner.  Each tile shows the short name and the value. */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>

#define MAP_COLS 14
#define MAP_ROWS 8

/* Column and row of each prefecture, index 0 = 01 Hokkaido. */
const unsigned char fk_map_tiles[FK_NPREF][2] = {
    {13, 0}, {13, 1}, {13, 2}, {13, 3}, {12, 2}, {12, 3},
    {13, 4}, /* 01-07 Tohoku */
    {13, 5}, {12, 4}, {11, 4}, {11, 5}, {12, 6}, {12, 5},
    {11, 6}, /* 08-14 Kanto */
    {11, 3}, {10, 3}, {9, 3},  {8, 4},  {10, 5}, {10, 4},
    {9, 4},                                              /* 15-21 */
    {10, 6}, {9, 5},  {8, 6},                            /* 22-24 */
    {8, 5},  {7, 4},  {6, 5},  {6, 4},  {7, 5},  {7, 6}, /* 25-30 Kinki */
    {5, 4},  {4, 4},  {5, 5},  {4, 5},  {3, 5},          /* 31-35 Chugoku */
    {5, 7},  {5, 6},  {4, 6},  {4, 7},                   /* 36-39 Shikoku */
    {2, 5},  {1, 5},  {0, 5},  {1, 6},  {2, 6},  {2, 7},
    {1, 7}, /* 40-46 Kyushu */
    {0, 7}, /* 47 Okinawa */
};

int fk_chart_map_draw_on(const fk_chart_prefs *c, const fk_chart_opts *o,
                         const fk_chart_target *tg, char *err, size_t errlen)
{
    if (fk_chart_prefs_check(c, err, errlen) < 0) return -1;
    fk_canvas cv;
    fk_chart_meta meta = c->meta;
    meta.pref = 0;
    if (fk_canvas_open(&cv, o, tg, meta.as_of, err, errlen) < 0) return -1;
    cairo_t *cr = cv.cr;
    fk_vkind k = fk_vkind_for(c->prefs, FK_NPREF, c->mode);
    char title[256], name[48], val[64], buf[160];
    fk_title_prefs(c, 1, cv.en, title, sizeof title);
    fk_rect b = fk_frame(&cv, &meta, title, fk_vunit(k, cv.en), NULL);
    double s = cv.s, vmax = 0, vmin = INFINITY;
    for (int i = 0; i < FK_NPREF; i++) {
        vmax = fmax(vmax, fk_vvalue(k, &c->prefs[i]));
        if (c->prefs[i].total > 0)
            vmin = fmin(vmin, fk_vvalue(k, &c->prefs[i]));
    }
    if (k == FK_V_PCT) vmax = fmin(vmax, 100);
    /* The colours span the prefectures' own range (from a round value
     * below the lowest), so that 21% and 30% do not look alike on a 0-30
     * scale; a wide spread (the lowest under a quarter of the highest)
     * keeps the scale at 0. */
    double step, dmin = 0;
    int nt;
    if (isfinite(vmin) && vmax > vmin && vmin >= vmax * 0.25) {
        fk_ticks(vmax - vmin, 5, &step, &nt);
        dmin = floor(vmin / step) * step;
        nt = (int)ceil((vmax - dmin) / step - 1e-9) + 1;
        if (nt < 2) nt = 2;
    } else {
        fk_ticks(vmax, 5, &step, &nt);
    }
    double dmax = dmin + step * (nt - 1);

    double tile = fmin((b.x1 - b.x0) / MAP_COLS, (b.y1 - b.y0) / MAP_ROWS);
    double mx = b.x0 + ((b.x1 - b.x0) - tile * MAP_COLS) / 2, my = b.y0;
    double pad = fmax(1.0, tile * 0.04), nfs = tile * 0.2, vfs = tile * 0.19;
    for (int i = 0; i < FK_NPREF; i++) {
        const fk_chart_counts *pc = &c->prefs[i];
        double x = mx + fk_map_tiles[i][0] * tile,
               y = my + fk_map_tiles[i][1] * tile;
        fk_rgb col =
            pc->total > 0
                ? fk_seq_color((fk_vvalue(k, pc) - dmin) / (dmax - dmin))
                : fk_rgb_hex(0xBBBBBB);
        fk_set_rgb(cr, col);
        cairo_rectangle(cr, x + pad, y + pad, tile - 2 * pad, tile - 2 * pad);
        cairo_fill(cr);
        fk_rgb ink = fk_ink_on(col);
        fk_pref_label(i + 1, cv.en, 1, name, sizeof name);
        fk_text(&cv, name, cv.en ? nfs * 0.8 : nfs, 1, x + tile / 2,
                y + tile * 0.42, FK_CENTER, FK_BOTTOM, ink, tile - 3 * pad);
        fk_vformat(k, pc, val, sizeof val);
        fk_text(&cv, val, vfs, 0, x + tile / 2, y + tile * 0.48, FK_CENTER,
                FK_TOP, ink, tile - 3 * pad);
    }

    /* Legend in the empty north-west: gradient bar, ticks, national value. */
    double lx = mx + tile * 0.3, ly = my + tile * 0.7, lw = tile * 6,
           lh = tile * 0.28, fs = 12 * s;
    snprintf(buf, sizeof buf, "%s（%s）", FK_L(&cv, "凡例", "Legend"),
             fk_vunit(k, cv.en));
    fk_text(&cv, buf, fs, 1, lx, ly - 6 * s, FK_LEFT, FK_BOTTOM, FK_INK,
            tile * 9);
    for (int i = 0; i < 64; i++) {
        fk_set_rgb(cr, fk_seq_color((i + 0.5) / 64));
        cairo_rectangle(cr, lx + lw * i / 64, ly, lw / 64 + 0.5, lh);
        cairo_fill(cr);
    }
    int every = nt > 6 ? 2 : 1;
    for (int t = 0; t < nt; t += every) {
        double x = lx + lw * t / (nt - 1);
        fk_set_rgb(cr, FK_INK);
        cairo_set_line_width(cr, 1 * s);
        cairo_move_to(cr, x, ly + lh);
        cairo_line_to(cr, x, ly + lh + 4 * s);
        cairo_stroke(cr);
        fk_fmt_tick(dmin + step * t, step, buf, sizeof buf);
        fk_text(&cv, buf, fs * 0.9, 0, x, ly + lh + 5 * s, FK_CENTER, FK_TOP,
                FK_GREY, 0);
    }
    if (c->national.total > 0 && k != FK_V_COUNT) {
        double x =
            lx + lw * fmin(1, fmax(0, (fk_vvalue(k, &c->national) - dmin) /
                                          (dmax - dmin)));
        fk_set_rgb(cr, fk_rgb_hex(0xB00000));
        cairo_set_line_width(cr, 2 * s);
        cairo_move_to(cr, x, ly - 2 * s);
        cairo_line_to(cr, x, ly + lh + 2 * s);
        cairo_stroke(cr);
        fk_vformat(k, &c->national, val, sizeof val);
        snprintf(buf, sizeof buf, "%s %s", FK_L(&cv, "全国", "national"), val);
        fk_text(&cv, buf, fs, 1, lx, ly + lh + 8 * s + fs * 1.3, FK_LEFT,
                FK_TOP, fk_rgb_hex(0xB00000), 0);
    }
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_map_render(const fk_chart_prefs *c, const fk_chart_opts *o,
                        fk_chart_format fmt, fk_buf *out, char *err,
                        size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_map_draw_on(c, o, &tg, err, errlen);
}
