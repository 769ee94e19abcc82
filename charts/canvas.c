/* canvas.c - surfaces, text and the common frame of every chart.
 *
 * fk_charts_init() creates the one Pango font map and context shared by
 * all charts (fontconfig is slow to warm up; doing it per chart would cost
 * more than drawing).  Font options are fixed (no hinting, grey
 * antialiasing) so text lays out identically in PNG, PDF and SVG and the
 * output does not depend on the machine's fontconfig rendering settings.
 * That state is per thread (see chart.h): the publisher draws on several. */
#include "charts/canvas.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Per thread: Pango font maps and contexts are not thread-safe, so each
 * drawing thread has its own (see chart.h); cairo, fontconfig and
 * FreeType underneath are shared and do their own locking. */
static _Thread_local PangoFontMap *g_fontmap;
static _Thread_local PangoContext *g_ctx;
static _Thread_local PangoFontDescription *g_font[2]; /* regular, bold */
static _Thread_local cairo_font_options_t *g_fopts;

int fk_charts_init(char *err, size_t errlen)
{
    if (g_ctx) return 0;
    g_fontmap = pango_cairo_font_map_new();
    if (!g_fontmap) {
        snprintf(err, errlen, "charts: cannot create a Pango font map");
        return -1;
    }
    g_ctx = pango_font_map_create_context(g_fontmap);
    g_fopts = cairo_font_options_create();
    cairo_font_options_set_hint_style(g_fopts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(g_fopts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(g_fopts, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(g_ctx, g_fopts);
    for (int i = 0; i < 2; i++) {
        g_font[i] = pango_font_description_from_string(FK_CHART_FONTS);
        pango_font_description_set_weight(g_font[i], i ? PANGO_WEIGHT_BOLD
                                                       : PANGO_WEIGHT_NORMAL);
    }
    /* Warm fontconfig now: the first layout loads the CJK font. */
    PangoLayout *l = pango_layout_new(g_ctx);
    pango_layout_set_font_description(l, g_font[0]);
    pango_layout_set_text(l, "電子処方箋 0123456789%", -1);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    g_object_unref(l);
    return 0;
}

void fk_charts_shutdown(void)
{
    for (int i = 0; i < 2; i++) {
        if (g_font[i]) pango_font_description_free(g_font[i]);
        g_font[i] = NULL;
    }
    if (g_ctx) g_object_unref(g_ctx);
    if (g_fontmap) g_object_unref(g_fontmap);
    if (g_fopts) cairo_font_options_destroy(g_fopts);
    g_ctx = NULL;
    g_fontmap = NULL;
    g_fopts = NULL;
}

int fk_chart_format_from_path(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/')) return -1;
    if (!strcasecmp(dot, ".png")) return FK_CHART_PNG;
    if (!strcasecmp(dot, ".pdf")) return FK_CHART_PDF;
    if (!strcasecmp(dot, ".svg")) return FK_CHART_SVG;
    return -1;
}

static cairo_status_t sink(void *closure, const unsigned char *data,
                           unsigned int len)
{
    fk_canvas *cv = closure;
    if (fk_buf_put(cv->out, data, len) < 0) {
        cv->write_failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int fk_lang_en(const char *lang)
{
    return lang && !strcmp(lang, "en");
}

int fk_canvas_open(fk_canvas *cv, const fk_chart_opts *o,
                   const fk_chart_target *t, fk_day as_of, char *err,
                   size_t errlen)
{
    fk_chart_format fmt = t->format;
    memset(cv, 0, sizeof *cv);
    if (!g_ctx && fk_charts_init(err, errlen) < 0) return -1;
    int w = o && o->width ? o->width : FK_CHART_DEFAULT_W;
    int h = o && o->height ? o->height : FK_CHART_DEFAULT_H;
    double scale = o && o->scale > 0 ? o->scale : 1.0;
    if (o && o->lang && strcmp(o->lang, "ja") && strcmp(o->lang, "en")) {
        snprintf(err, errlen, "chart: unknown language '%s' (ja or en)",
                 o->lang);
        return -1;
    }
    if (w < 320 || w > 10000 || h < 200 || h > 10000) {
        snprintf(err, errlen,
                 "chart: size %dx%d out of range (320..10000 x 200..10000)", w,
                 h);
        return -1;
    }
    if (scale > 8 || w * scale > 20000 || h * scale > 20000) {
        snprintf(err, errlen, "chart: scale %g too large for %dx%d", scale, w,
                 h);
        return -1;
    }
    cv->fmt = fmt;
    cv->w = w;
    cv->h = h;
    cv->s =
        fmin(2.0, fmax(0.6, sqrt((double)w * h /
                                 (FK_CHART_DEFAULT_W * FK_CHART_DEFAULT_H))));
    cv->en = fk_lang_en(o ? o->lang : NULL);
    cv->out = t->out;
    cv->record = t->record;
    if (cv->out) fk_buf_reset(cv->out);
    if (cv->record)
        cv->surface = cairo_recording_surface_create(
            CAIRO_CONTENT_COLOR_ALPHA, &(cairo_rectangle_t){0, 0, w, h});
    else
        switch ((int)fmt) {
        case FK_CHART_PNG:
            cv->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                     (int)lround(w * scale),
                                                     (int)lround(h * scale));
            break;
        case FK_CHART_PDF: {
            cv->surface = cairo_pdf_surface_create_for_stream(sink, cv, w, h);
            int y, m, d;
            fk_day_to_ymd(as_of >= 0 ? as_of : 0, &y, &m, &d);
            char date[40];
            snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00+09:00", y, m,
                     d);
            cairo_pdf_surface_set_metadata(
                cv->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
            cairo_pdf_surface_set_metadata(cv->surface,
                                           CAIRO_PDF_METADATA_CREATOR, "fukyu");
            break;
        }
        case FK_CHART_SVG:
            cv->surface = cairo_svg_surface_create_for_stream(sink, cv, w, h);
            break;
        default:
            snprintf(err, errlen, "chart: unknown output format");
            return -1;
        }
    if (cairo_surface_status(cv->surface) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "chart: cannot create surface: %s",
                 cairo_status_to_string(cairo_surface_status(cv->surface)));
        cairo_surface_destroy(cv->surface);
        cv->surface = NULL;
        return -1;
    }
    cv->cr = cairo_create(cv->surface);
    cairo_scale(cv->cr, scale, scale);
    pango_cairo_update_context(cv->cr, g_ctx);
    /* White background: PNGs are shown on dark pages too. */
    cairo_set_source_rgb(cv->cr, 1, 1, 1);
    cairo_paint(cv->cr);
    cairo_set_line_join(cv->cr, CAIRO_LINE_JOIN_ROUND);
    return 0;
}

/* Cairo numbers SVG surfaces ("surface12") from a process-wide counter,
 * so the second chart of a run would differ from the first.  Renumber
 * them 1, 2, ... in order of appearance.  Only ids and references (after
 * '"' or '#') are touched; text is drawn as glyph outlines, never as
 * strings, so no label can contain such a token. */
static int svg_renumber(fk_buf *b)
{
    static const char tok[] = "surface";
    long map_from[64];
    int nmap = 0;
    fk_buf o = {0};
    size_t i = 0;
    while (i < b->len) {
        size_t j = i;
        if ((b->p[i] == '"' || b->p[i] == '#') && b->len - i > sizeof tok &&
            !memcmp(b->p + i + 1, tok, sizeof tok - 1) &&
            isdigit(b->p[i + sizeof tok])) {
            j = i + sizeof tok;
            long n = 0;
            while (j < b->len && isdigit(b->p[j]))
                n = n * 10 + (b->p[j++] - '0');
            int k = 0;
            while (k < nmap && map_from[k] != n) k++;
            if (k == nmap) {
                if (nmap ==
                    64) { /* never seen in practice; keep output valid */
                    fk_buf_free(&o);
                    return 0;
                }
                map_from[nmap++] = n;
            }
            if (fk_buf_printf(&o, "%c%s%d", b->p[i], tok, k + 1) < 0) goto oom;
            i = j;
            continue;
        }
        while (j < b->len && b->p[j] != '"' && b->p[j] != '#') j++;
        if (j == i) j++;
        if (fk_buf_put(&o, b->p + i, j - i) < 0) goto oom;
        i = j;
    }
    free(b->p);
    *b = o;
    return 0;
oom:
    fk_buf_free(&o);
    return -1;
}

int fk_canvas_close(fk_canvas *cv, char *err, size_t errlen)
{
    int rc = 0;
    cairo_status_t st = cairo_status(cv->cr);
    cairo_destroy(cv->cr);
    if (cv->record) {
        /* Not finished: a finished surface can no longer be painted. */
        if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(cv->surface);
        if (st == CAIRO_STATUS_SUCCESS) {
            *cv->record = cv->surface;
        } else {
            cairo_surface_destroy(cv->surface);
            snprintf(err, errlen, "chart: rendering failed: %s",
                     cairo_status_to_string(st));
            rc = -1;
        }
        cv->cr = NULL;
        cv->surface = NULL;
        return rc;
    }
    if (st == CAIRO_STATUS_SUCCESS && cv->fmt == FK_CHART_PNG &&
        fk_png_encode(cv->surface, cv->out, err, errlen) < 0)
        rc = -1;
    cairo_surface_finish(cv->surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(cv->surface);
    cairo_surface_destroy(cv->surface);
    if (rc == 0 && (st != CAIRO_STATUS_SUCCESS || cv->write_failed)) {
        snprintf(err, errlen, "chart: rendering failed: %s",
                 cv->write_failed ? "out of memory"
                                  : cairo_status_to_string(st));
        rc = -1;
    }
    if (!rc && cv->fmt == FK_CHART_SVG && svg_renumber(cv->out) < 0) {
        snprintf(err, errlen, "chart: out of memory");
        rc = -1;
    }
    cv->cr = NULL;
    cv->surface = NULL;
    return rc;
}

static PangoLayout *layout(const char *s, double size, int bold, double max_w)
{
    char e[128];
    if (!g_ctx)
        (void)fk_charts_init(e, sizeof e); /* a thread that skipped it */
    PangoLayout *l = pango_layout_new(g_ctx);
    pango_font_description_set_absolute_size(g_font[bold ? 1 : 0],
                                             size * PANGO_SCALE);
    pango_layout_set_font_description(l, g_font[bold ? 1 : 0]);
    if (max_w > 0) {
        pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_text(l, s, -1);
    return l;
}

PangoLayout *fk_canvas_layout(const char *s, double size, int bold,
                              double max_w)
{
    return layout(s, size, bold, max_w);
}

void fk_text_size(fk_canvas *cv, const char *s, double size, int bold,
                  double *w, double *h)
{
    (void)cv;
    PangoLayout *l = layout(s, size, bold, 0);
    PangoRectangle lg;
    pango_layout_get_extents(l, NULL, &lg);
    if (w) *w = (double)lg.width / PANGO_SCALE;
    if (h) *h = (double)lg.height / PANGO_SCALE;
    g_object_unref(l);
}

void fk_text(fk_canvas *cv, const char *s, double size, int bold, double x,
             double y, int halign, int valign, fk_rgb c, double max_w)
{
    PangoLayout *l = layout(s, size, bold, max_w);
    PangoRectangle lg;
    pango_layout_get_extents(l, NULL, &lg);
    double w = (double)lg.width / PANGO_SCALE,
           h = (double)lg.height / PANGO_SCALE;
    double lx = (double)lg.x / PANGO_SCALE;
    x -= lx + (halign == FK_CENTER ? w / 2 : halign == FK_RIGHT ? w : 0);
    y -= valign == FK_MIDDLE ? h / 2 : valign == FK_BOTTOM ? h : 0;
    fk_set_rgb(cv->cr, c);
    cairo_move_to(cv->cr, x, y);
    pango_cairo_show_layout(cv->cr, l);
    cairo_new_path(cv->cr);
    g_object_unref(l);
}

fk_rect fk_frame(fk_canvas *cv, const fk_chart_meta *m, const char *title,
                 const char *unit, const char *note)
{
    double s = cv->s, mg = 22 * s, y = mg, th, sh, fh;
    char area[64], asof[128], sub[512];
    fk_text(cv, title, 24 * s, 1, mg, y, FK_LEFT, FK_TOP, FK_INK,
            cv->w - 2 * mg);
    fk_text_size(cv, title, 24 * s, 1, NULL, &th);
    y += th + 2 * s;
    fk_pref_label(m->pref, cv->en, 0, area, sizeof area);
    fk_asof_label(m->as_of, cv->en, asof, sizeof asof);
    snprintf(sub, sizeof sub, "%s ｜ %s ｜ %s ｜ %s%s%s%s",
             fk_program_label(m->program, cv->en), area, asof,
             FK_L(cv, "単位: ", "unit: "), unit, note ? " ｜ " : "",
             note ? note : "");
    fk_text(cv, sub, 14 * s, 0, mg, y, FK_LEFT, FK_TOP, FK_GREY,
            cv->w - 2 * mg);
    fk_text_size(cv, sub, 14 * s, 0, NULL, &sh);
    y += sh;
    char src[768];
    snprintf(
        src, sizeof src, "%s%s%s%s", FK_L(cv, "出典: ", "Source: "),
        m->source
            ? m->source
            : FK_L(
                  cv,
                  "fukyu 集計（医療機関等の導入状況フィード adoption-feed/1）",
                  "fukyu tally of the facility adoption feed (adoption-feed/1)"),
        m->cites & FK_CHART_CITE_NAMES
            ? FK_L(cv, "、市区町村名: 総務省「全国地方公共団体コード」",
                   "; municipalities: MIC local government codes")
            : "",
        m->cites & FK_CHART_CITE_POPULATION
            ? FK_L(cv, "、人口: 総務省統計局「令和2年国勢調査」",
                   "; population: Statistics Bureau, 2020 census")
            : "");
    fk_text(cv, src, 11 * s, 0, mg, cv->h - mg * 0.6, FK_LEFT, FK_BOTTOM,
            FK_GREY, cv->w - 2 * mg);
    fk_text_size(cv, src, 11 * s, 0, NULL, &fh);
    if (cv->fmt == FK_CHART_PDF && !cv->record)
        cairo_pdf_surface_set_metadata(cv->surface, CAIRO_PDF_METADATA_TITLE,
                                       title);
    return (fk_rect){mg, y + 14 * s, cv->w - mg,
                     cv->h - mg * 0.6 - fh - 10 * s};
}

void fk_value_grid(fk_canvas *cv, double x0, double x1, double top,
                   double bottom, double step, int nt, double fs)
{
    assert(nt >= 2);
    cairo_t *cr = cv->cr;
    char num[32];
    for (int i = 0; i < nt; i++) {
        double x = x0 + (x1 - x0) * i / (nt - 1);
        fk_set_rgb(cr, i ? FK_GRID : FK_GREY);
        cairo_set_line_width(cr, 0.8 * cv->s);
        cairo_move_to(cr, x, top);
        cairo_line_to(cr, x, bottom);
        cairo_stroke(cr);
        fk_fmt_tick(step * i, step, num, sizeof num);
        fk_text(cv, num, fs, 0, x, bottom + 3 * cv->s, FK_CENTER, FK_TOP,
                FK_GREY, 0);
    }
}
