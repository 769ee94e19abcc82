/* embed.c - charts drawn onto someone else's page, and text in the charts'
 * fonts there: the weekly reports lay out A4 PDF pages themselves and put
 * the charts on them as vectors (not pictures), so the renderers draw into
 * a recording surface (an explicit recording target) that is then replayed on
 * the caller's context. */
#include "charts/canvas.h"

#include <stdio.h>

/* Replays a captured chart at (x, y); the render call's rc decides. */
static int place(cairo_t *cr, double x, double y, cairo_surface_t *rec, int rc)
{
    if (rc < 0 || !rec) {
        if (rec) cairo_surface_destroy(rec);
        return -1;
    }
    cairo_save(cr);
    cairo_set_source_surface(cr, rec, x, y);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(rec);
    return 0;
}

/* Draws into a recording surface (an explicit target: no output bytes)
 * and replays it on cr. */
#define EMBED(name, c)                                                  \
    do {                                                                \
        cairo_surface_t *rec = NULL;                                    \
        fk_chart_target tg = {FK_CHART_PDF, NULL, &rec};                \
        int rc = fk_chart_##name##_draw_on(c, o, &tg, err, errlen);     \
        if (place(cr, x, y, rec, rc) < 0) {                             \
            if (rc == 0) snprintf(err, errlen, "chart: nothing drawn"); \
            return -1;                                                  \
        }                                                               \
        return 0;                                                       \
    } while (0)

int fk_chart_trend_draw(cairo_t *cr, double x, double y,
                        const fk_chart_trend *c, const fk_chart_opts *o,
                        char *err, size_t errlen)
{
    EMBED(trend, c);
}

int fk_chart_ranking_draw(cairo_t *cr, double x, double y,
                          const fk_chart_prefs *c, const fk_chart_opts *o,
                          char *err, size_t errlen)
{
    EMBED(ranking, c);
}

int fk_chart_map_draw(cairo_t *cr, double x, double y, const fk_chart_prefs *c,
                      const fk_chart_opts *o, char *err, size_t errlen)
{
    EMBED(map, c);
}

int fk_chart_munis_draw(cairo_t *cr, double x, double y,
                        const fk_chart_munis *c, const fk_chart_opts *o,
                        char *err, size_t errlen)
{
    EMBED(munis, c);
}

double fk_chart_text(cairo_t *cr, const char *s, double size, int bold,
                     double x, double y, int halign, unsigned rgb,
                     double wrap_w)
{
    PangoLayout *l = fk_canvas_layout(s, size, bold, 0);
    if (wrap_w > 0) {
        pango_layout_set_width(l, (int)(wrap_w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_cairo_update_context(cr, pango_layout_get_context(l));
    pango_layout_context_changed(l);
    PangoRectangle lg;
    pango_layout_get_extents(l, NULL, &lg);
    double w = (double)lg.width / PANGO_SCALE,
           h = (double)lg.height / PANGO_SCALE;
    if (wrap_w <= 0)
        x -= (double)lg.x / PANGO_SCALE + (halign == FK_CENTER  ? w / 2
                                           : halign == FK_RIGHT ? w
                                                                : 0);
    fk_set_rgb(cr, fk_rgb_hex(rgb));
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    cairo_new_path(cr);
    g_object_unref(l);
    return h;
}

void fk_chart_text_extent(const char *s, double size, int bold, double *w,
                          double *h)
{
    fk_text_size(NULL, s, size, bold, w, h);
}

int fk_chart_barriers_draw(cairo_t *cr, double x, double y,
                           const fk_chart_barriers *c, const fk_chart_opts *o,
                           char *err, size_t errlen)
{
    EMBED(barriers, c);
}
