/* report_pdf.c - the report's page layout engine: A4 pages recorded as
 * cairo recording surfaces while the sections flow down them, then
 * replayed into one PDF with the running header and the footer ("X / Y",
 * the as-of date in ISO and 令和) once the page count is known.  Tables
 * break between rows and repeat their header on the next page. */
#include "reports/report_int.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INK  0x222222u
#define GREY 0x666666u

void rp_doc_init(rp_doc *d, const char *title, fk_day as_of, int en)
{
    memset(d, 0, sizeof *d);
    snprintf(d->title, sizeof d->title, "%s", title);
    d->as_of = as_of;
    d->en = en;
}

static void end_page(rp_doc *d)
{
    if (!d->cr) return;
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) d->failed = 1;
    cairo_destroy(d->cr);
    d->cr = NULL;
}

void rp_doc_free(rp_doc *d)
{
    end_page(d);
    for (size_t i = 0; i < d->npages; i++) cairo_surface_destroy(d->pages[i]);
    free(d->pages);
    d->pages = NULL;
    d->npages = d->cap = 0;
}

void rp_page(rp_doc *d)
{
    end_page(d);
    if (d->npages == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        cairo_surface_t **p = realloc(d->pages, cap * sizeof *p);
        if (!p) {
            d->failed = 1;
            return;
        }
        d->pages = p;
        d->cap = cap;
    }
    cairo_surface_t *s = cairo_recording_surface_create(
        CAIRO_CONTENT_COLOR_ALPHA,
        &(cairo_rectangle_t){0, 0, RP_PAGE_W, RP_PAGE_H});
    d->pages[d->npages++] = s;
    d->cr = cairo_create(s);
    cairo_set_line_join(d->cr, CAIRO_LINE_JOIN_ROUND);
    d->y = RP_TOP;
}

int rp_need(rp_doc *d, double h)
{
    if (d->cr && d->y + h <= RP_BOTTOM) return 0;
    rp_page(d);
    return 1;
}

void rp_line(rp_doc *d, const char *s, double size, int bold, unsigned rgb)
{
    double h;
    fk_chart_text_extent(s, size, bold, NULL, &h);
    rp_need(d, h);
    d->y +=
        fk_chart_text(d->cr, s, size, bold, RP_LEFT, d->y, 0, rgb, RP_WIDTH);
}

void rp_para(rp_doc *d, const char *s, double size, unsigned rgb)
{
    /* Measure first (drawing nowhere) so that a paragraph is not split. */
    cairo_surface_t *scratch =
        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(scratch);
    double h = fk_chart_text(cr, s, size, 0, 0, 0, 0, rgb, RP_WIDTH);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    rp_need(d, h);
    d->y += fk_chart_text(d->cr, s, size, 0, RP_LEFT, d->y, 0, rgb, RP_WIDTH) +
            size * 0.5;
}

void rp_heading(rp_doc *d, const char *s, double keep)
{
    /* A heading alone at the foot of a page is useless: keep what follows. */
    if (d->cr && d->y > RP_TOP) d->y += 10;
    rp_need(d, 30 + keep);
    double h = fk_chart_text(d->cr, s, 15, 1, RP_LEFT, d->y, 0, 0x0B3C5Du, 0);
    d->y += h + 3;
    cairo_set_source_rgb(d->cr, 0.04, 0.24, 0.36);
    cairo_set_line_width(d->cr, 1.2);
    cairo_move_to(d->cr, RP_LEFT, d->y);
    cairo_line_to(d->cr, RP_RIGHT, d->y);
    cairo_stroke(d->cr);
    d->y += 8;
}

void rp_subheading(rp_doc *d, const char *s)
{
    rp_need(d, 80);
    d->y += 4;
    d->y += fk_chart_text(d->cr, s, 11.5, 1, RP_LEFT, d->y, 0, INK, 0) + 4;
}

static void cell(rp_doc *d, const rp_table *t, int i, double x, double y,
                 const char *s, int bold)
{
    double pad = 3, w = t->w[i] - 2 * pad;
    if (t->align[i] == 2)
        fk_chart_text(d->cr, s, t->size, bold, x + t->w[i] - pad, y, 2, INK, 0);
    else {
        /* Left-aligned cells are clipped to their column. */
        cairo_save(d->cr);
        cairo_rectangle(d->cr, x, y - 2, t->w[i], t->size * 2);
        cairo_clip(d->cr);
        fk_chart_text(d->cr, s, t->size, bold, x + pad, y, 0, INK, 0);
        cairo_restore(d->cr);
    }
    (void)w;
}

static double row_h(const rp_table *t)
{
    return t->size * 1.75;
}

void rp_table_head(rp_doc *d, rp_table *t)
{
    double h = row_h(t) * 1.2;
    rp_need(d, h + 3 * row_h(t));
    double x = RP_LEFT, total = 0;
    for (int i = 0; i < t->ncol; i++) total += t->w[i];
    cairo_set_source_rgb(d->cr, 0.86, 0.90, 0.94);
    cairo_rectangle(d->cr, RP_LEFT, d->y, total, h);
    cairo_fill(d->cr);
    for (int i = 0; i < t->ncol; i++) {
        cell(d, t, i, x, d->y + (h - t->size * 1.3) / 2, t->head[i], 1);
        x += t->w[i];
    }
    d->y += h;
    t->row = 0;
}

void rp_table_row(rp_doc *d, rp_table *t, const char *const *cells, int bold)
{
    double h = row_h(t);
    if (d->y + h > RP_BOTTOM) {
        rp_page(d);
        rp_table_head(d, t);
    }
    double x = RP_LEFT, total = 0;
    for (int i = 0; i < t->ncol; i++) total += t->w[i];
    if (bold || t->row % 2) {
        if (bold)
            cairo_set_source_rgb(d->cr, 1.0, 0.95, 0.80);
        else
            cairo_set_source_rgb(d->cr, 0.96, 0.96, 0.96);
        cairo_rectangle(d->cr, RP_LEFT, d->y, total, h);
        cairo_fill(d->cr);
    }
    for (int i = 0; i < t->ncol; i++) {
        cell(d, t, i, x, d->y + (h - t->size * 1.3) / 2, cells[i], bold);
        x += t->w[i];
    }
    d->y += h;
    t->row++;
}

/* ---- output ------------------------------------------------------------ */
static cairo_status_t sink(void *closure, const unsigned char *data,
                           unsigned int len)
{
    return fk_buf_put(closure, data, len) < 0 ? CAIRO_STATUS_WRITE_ERROR
                                              : CAIRO_STATUS_SUCCESS;
}

static void furniture(rp_doc *d, cairo_t *cr, size_t page)
{
    char asof[64], wareki[64], left[160], num[32];
    fk_date_format(d->as_of, asof);
    fk_date_wareki(d->as_of, wareki, sizeof wareki);
    fk_chart_text(cr, d->title, 8.5, 0, RP_LEFT, 24, 0, GREY, 0);
    snprintf(left, sizeof left, "%s %s（%s）", RP_L(d, "基準日", "As of"), asof,
             wareki);
    fk_chart_text(cr, left, 8.5, 0, RP_RIGHT, 24, 2, GREY, 0);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, RP_LEFT, 38);
    cairo_line_to(cr, RP_RIGHT, 38);
    cairo_move_to(cr, RP_LEFT, RP_PAGE_H - 36);
    cairo_line_to(cr, RP_RIGHT, RP_PAGE_H - 36);
    cairo_stroke(cr);
    fk_chart_text(cr, left, 8.5, 0, RP_LEFT, RP_PAGE_H - 31, 0, GREY, 0);
    snprintf(num, sizeof num, "%zu / %zu", page + 1, d->npages);
    fk_chart_text(cr, num, 9, 0, RP_PAGE_W / 2, RP_PAGE_H - 31, 1, INK, 0);
    fk_chart_text(cr, "fukyu", 8.5, 0, RP_RIGHT, RP_PAGE_H - 31, 2, GREY, 0);
}

int rp_doc_pdf(rp_doc *d, fk_buf *out, char *err, size_t errlen)
{
    end_page(d);
    if (d->failed) {
        snprintf(err, errlen, "report: drawing failed (out of memory)");
        return -1;
    }
    fk_buf_reset(out);
    cairo_surface_t *pdf =
        cairo_pdf_surface_create_for_stream(sink, out, RP_PAGE_W, RP_PAGE_H);
    /* The as-of date as creation date: the same data give the same bytes. */
    int y, m, dd;
    fk_day_to_ymd(d->as_of, &y, &m, &dd);
    char date[40];
    snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00+09:00", y, m, dd);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "fukyu");
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_t *cr = cairo_create(pdf);
    for (size_t i = 0; i < d->npages; i++) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_set_source_surface(cr, d->pages[i], 0, 0);
        cairo_paint(cr);
        furniture(d, cr, i);
        cairo_show_page(cr);
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(pdf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "report: PDF output failed: %s",
                 cairo_status_to_string(st));
        return -1;
    }
    return 0;
}
