/* canvas.h - internal to charts/: the drawing surface behind every chart
 * (format by extension, fixed font options, text through Pango), the
 * common header and footer, palette, axis ticks and number formatting.
 * Not part of the public API; use chart.h. */
#ifndef FK_CHART_CANVAS_H
#define FK_CHART_CANVAS_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "charts/chart.h"

typedef struct {
    double r, g, b;
} fk_rgb;

typedef struct {
    double x0, y0, x1, y1;
} fk_rect;

/* Where a renderer draws: the bytes of format into out, or, with record
 * set (embedding, charts/embed.c), a recording surface in layout units
 * (points, whatever format) handed to *record unfinished, so that a report
 * can paint the chart, still vector, on its own page. */
typedef struct {
    fk_chart_format format;
    fk_buf *out;
    cairo_surface_t **record;
} fk_chart_target;

typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    fk_chart_format fmt;
    double w, h; /* layout units */
    double s;    /* font and stroke scale for this canvas size */
    int en;      /* English labels */
    fk_buf *out;
    cairo_surface_t **record; /* embedding: the recording goes here */
    int write_failed;
} fk_canvas;

/* Opens a canvas on target t (its out is emptied first).  as_of becomes
 * the PDF creation date so that equal data give equal bytes. */
int fk_canvas_open(fk_canvas *cv, const fk_chart_opts *o,
                   const fk_chart_target *t, fk_day as_of, char *err,
                   size_t errlen);
/* Finishes the surface and completes out; always releases the canvas. */
int fk_canvas_close(fk_canvas *cv, char *err, size_t errlen);
/* Appends an ARGB32 image surface to out as PNG (charts/png.c). */
int fk_png_encode(cairo_surface_t *img, fk_buf *out, char *err, size_t errlen);

/* The renderers behind fk_chart_*_render and fk_chart_*_draw. */
int fk_chart_trend_draw_on(const fk_chart_trend *c, const fk_chart_opts *o,
                           const fk_chart_target *tg, char *err, size_t errlen);
int fk_chart_funnel_draw_on(const fk_chart_funnel *c, const fk_chart_opts *o,
                            const fk_chart_target *tg, char *err,
                            size_t errlen);
int fk_chart_ranking_draw_on(const fk_chart_prefs *c, const fk_chart_opts *o,
                             const fk_chart_target *tg, char *err,
                             size_t errlen);
int fk_chart_map_draw_on(const fk_chart_prefs *c, const fk_chart_opts *o,
                         const fk_chart_target *tg, char *err, size_t errlen);
int fk_chart_weekly_draw_on(const fk_chart_weekly *c, const fk_chart_opts *o,
                            const fk_chart_target *tg, char *err,
                            size_t errlen);
int fk_chart_munis_draw_on(const fk_chart_munis *c, const fk_chart_opts *o,
                           const fk_chart_target *tg, char *err, size_t errlen);
int fk_chart_barriers_draw_on(const fk_chart_barriers *c,
                              const fk_chart_opts *o, const fk_chart_target *tg,
                              char *err, size_t errlen);

/* A layout in the charts' shared Pango context and fonts (fk_charts_init
 * first); the caller unrefs it. */
PangoLayout *fk_canvas_layout(const char *s, double size, int bold,
                              double max_w);

/* Text.  size in layout units; halign 0 left, 1 centre, 2 right; valign
 * 0 top, 1 middle, 2 bottom (of the logical box).  max_w > 0 ellipsizes
 * text that would be wider. */
enum {
    FK_LEFT = 0,
    FK_CENTER = 1,
    FK_RIGHT = 2
};
enum {
    FK_TOP = 0,
    FK_MIDDLE = 1,
    FK_BOTTOM = 2
};
void fk_text_size(fk_canvas *cv, const char *s, double size, int bold,
                  double *w, double *h);
void fk_text(fk_canvas *cv, const char *s, double size, int bold, double x,
             double y, int halign, int valign, fk_rgb c, double max_w);

/* Title, subtitle (program, area, as-of, unit) and source footer.
 * Returns the body rectangle left for the chart. */
fk_rect fk_frame(fk_canvas *cv, const fk_chart_meta *m, const char *title,
                 const char *unit, const char *note);

/* Localised string: ja or en. */
#define FK_L(cv, s_ja, s_en) ((cv)->en ? (s_en) : (s_ja))
int fk_lang_en(const char *lang);
const char *fk_program_label(const char *key, int en);
const char *fk_type_label(int type, int en); /* -1 or FK_NTYPE: all types */
/* Prefecture name (full or short: 東京, 北海道) into out. */
const char *fk_pref_label(int pref, int en, int shortname, char *out, size_t n);
/* "2025年2月9日時点（令和7年2月9日）" / "as of 9 Feb 2025". */
void fk_asof_label(fk_day d, int en, char *out, size_t n);

/* Palette: per type (index FK_NTYPE = all), distinct in hue and in
 * greyscale lightness, plus dash patterns and marker shapes. */
extern const fk_rgb fk_type_rgb[FK_NTYPE + 1];
fk_rgb fk_rgb_hex(unsigned hex);
void fk_set_rgb(cairo_t *cr, fk_rgb c);
void fk_set_rgba(cairo_t *cr, fk_rgb c, double a);
void fk_type_dash(fk_canvas *cv, int type);
void fk_marker(fk_canvas *cv, int type, double x, double y, double r);
/* Viridis, reversed so that larger values are darker; t in [0, 1]. */
fk_rgb fk_seq_color(double t);
/* Black or white, whichever reads on background c. */
fk_rgb fk_ink_on(fk_rgb c);
#define FK_INK  fk_rgb_hex(0x222222)
#define FK_GREY fk_rgb_hex(0x666666)
#define FK_GRID fk_rgb_hex(0xDDDDDD)

/* 1-2-5 ticks covering [0, hi]: step and count (ticks 0, step, ...). */
void fk_ticks(double hi, int target, double *step, int *n);
/* Month ticks between two days: first tick day, months between ticks. */
void fk_month_ticks(fk_day lo, fk_day hi, int max_ticks, int *months);
/* Month label ("2024年4月" / "4月"; "Apr 2024" / "Apr"). */
void fk_month_label(int y, int m, int with_year, int en, char *out, size_t n);

/* Numbers without the locale: "12,345", "24.3%", "0.83‰". */
void fk_fmt_count(double v, char *out, size_t n);
void fk_fmt_pct(double rate, char *out, size_t n);
void fk_fmt_permille(double rate, char *out, size_t n);
/* A tick value on an axis with the given step. */
void fk_fmt_tick(double v, double step, char *out, size_t n);
/* The value axis of a horizontal bar chart: nt >= 2 vertical grid lines
 * from x0 (value 0, drawn darker) to x1 (step * (nt - 1)) between top and
 * bottom, each labelled below bottom in size fs. */
void fk_value_grid(fk_canvas *cv, double x0, double x1, double top,
                   double bottom, double step, int nt, double fs);

/* How a per-area value is shown: a percentage; per-mille when every rate
 * is below 1% (a program that has barely started); or facility counts. */
typedef enum {
    FK_V_PCT = 0,
    FK_V_PERMILLE,
    FK_V_COUNT
} fk_vkind;
fk_vkind fk_vkind_for(const fk_chart_counts *rows, size_t n,
                      fk_chart_mode mode);
double fk_vvalue(fk_vkind k, const fk_chart_counts *c);
void fk_vformat(fk_vkind k, const fk_chart_counts *c, char *out, size_t n);
const char *fk_vunit(fk_vkind k, int en);
int fk_counts_check(const char *what, const char *row, const fk_chart_counts *c,
                    char *err, size_t errlen);

/* Checks a prefecture chart's input (ranking.c). */
int fk_chart_prefs_check(const fk_chart_prefs *c, char *err, size_t errlen);

/* Tile-grid map positions (column, row) per prefecture (map.c). */
extern const unsigned char fk_map_tiles[FK_NPREF][2];

/* A sorted horizontal bar list (ranking, municipalities) in rect b, in as
 * many columns as it needs for legible rows, with a reference line.  A
 * highlighted row (the report's own prefecture) is drawn dark with a bold
 * label and a marker; a faint one (too few facilities to compare) pale;
 * show_n adds the denominator to the value ("45.2% (12/27)").  Value
 * labels are moved past the reference line rather than drawn over it. */
typedef struct {
    const char *label;
    const fk_chart_counts *c;
    int highlight, faint, show_n;
} fk_bar_item;
void fk_bars(fk_canvas *cv, fk_rect b, const fk_bar_item *items, size_t n,
             fk_vkind k, const fk_chart_counts *ref, const char *ref_label,
             fk_rgb color);

/* Chart titles, shared by the renderers and the CSV writers. */
void fk_title_trend(const fk_chart_trend *c, int en, char *out, size_t n);
void fk_title_funnel(const fk_chart_funnel *c, int en, char *out, size_t n);
void fk_title_prefs(const fk_chart_prefs *c, int map, int en, char *out,
                    size_t n);
void fk_title_weekly(const fk_chart_weekly *c, int en, char *out, size_t n);
fk_vkind fk_munis_vkind(const fk_chart_munis *c);
void fk_title_munis(const fk_chart_munis *c, fk_vkind k, int en, char *out,
                    size_t n);

#endif
