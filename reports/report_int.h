/* report_int.h - internal to the report files: the page layout engine
 * (report_pdf.c), the figures a report shows (report_data.c), the
 * sections (report_sections.c, report_tables.c) and text helpers
 * (report_text.c).  Not part of the public API; use report.h. */
#ifndef FK_REPORT_INT_H
#define FK_REPORT_INT_H

#include <cairo.h>

#include "charts/chart.h"
#include "reports/chartdata.h"
#include "data/followup.h"
#include "reports/report.h"

/* ---- pages (report_pdf.c) ----------------------------------------------
 * Pages are recorded first and written to the PDF at the end, once their
 * number is known, so that every page can say "X / Y". */
#define RP_PAGE_W   595.28
#define RP_PAGE_H   841.89
#define RP_LEFT     40.0
#define RP_RIGHT    (RP_PAGE_W - 40.0)
#define RP_TOP      58.0
#define RP_BOTTOM   (RP_PAGE_H - 48.0)
#define RP_WIDTH    (RP_RIGHT - RP_LEFT)
#define FK_PATH_BUF 1400 /* an output path: the directory plus a file name */

typedef struct {
    cairo_surface_t **pages;
    size_t npages, cap;
    cairo_t *cr; /* the current page */
    double y;    /* where the next thing goes */
    int en;
    fk_day as_of;
    char title[256]; /* running header */
    int failed;      /* out of memory or a cairo error */
} rp_doc;

void rp_doc_init(rp_doc *d, const char *title, fk_day as_of, int en);
void rp_doc_free(rp_doc *d);
void rp_page(rp_doc *d); /* starts a new page */
/* Starts a new page when h more points do not fit; returns 1 if it did. */
int rp_need(rp_doc *d, double h);
/* Text at the cursor (advances it); wrap_w 0 = one line. */
void rp_line(rp_doc *d, const char *s, double size, int bold, unsigned rgb);
void rp_para(rp_doc *d, const char *s, double size, unsigned rgb);
/* Section heading, kept on one page with the next `keep` points. */
void rp_heading(rp_doc *d, const char *s, double keep);
void rp_subheading(rp_doc *d, const char *s);
/* Writes all pages as a PDF into out. */
int rp_doc_pdf(rp_doc *d, fk_buf *out, char *err, size_t errlen);

/* Tables: fixed columns; rows break across pages with the header again. */
#define RP_MAXCOL 12
typedef struct {
    int ncol;
    const char *head[RP_MAXCOL];
    double w[RP_MAXCOL];  /* widths, points */
    int align[RP_MAXCOL]; /* 0 left, 2 right */
    double size;          /* font size */
    int row;              /* rows drawn (for banding) */
} rp_table;
void rp_table_head(rp_doc *d, rp_table *t);
/* cells[ncol]; bold highlights the row. */
void rp_table_row(rp_doc *d, rp_table *t, const char *const *cells, int bold);

/* ---- figures (report_data.c) -------------------------------------------- */
typedef struct {
    char code[6];
    int pref;
    fk_counts now, prev; /* all types */
} rp_muni;

typedef struct {
    const char *program;
    fk_counts now[FK_NTYPE], prev[FK_NTYPE]; /* the area, as_of and - 7 */
    fk_counts all_now, all_prev;
    double cov[FK_NTYPE + 1]; /* population coverage on as_of; [FK_NTYPE] all */
    fk_cd_trend *trend;       /* owned unless shared */
    int trend_owned;
    fk_chart_prefs prefs; /* all types on as_of, for map and ranking */
    /* per prefecture: [type] with [FK_NTYPE] = all types */
    fk_counts pref_now[FK_NTYPE + 1][FK_NPREF], pref_prev[FK_NPREF];
    rp_muni *munis; /* national: every municipality; else the pref's */
    size_t nmunis;
} rp_prog;

typedef struct {
    int64_t id;
    char started[32], as_of[16], outcome[16], reason[200], feed[200];
    int64_t records, changes, set_aside, unknown_munis;
} rp_pull;

/* Follow-up contacts of a program in the report's area: the week to the
 * report date, and everything up to it (with conversion). */
typedef struct {
    fk_followup_filter week_f, all_f;
    fk_followup_summary week, all;
} rp_followup;

typedef struct {
    fk_report_opts o;
    int en;
    fk_day prev; /* as_of - 7 */
    rp_prog p[FK_NPROGRAM];
    rp_pull *pulls; /* in the 7 days up to as_of, newest first */
    size_t npulls;
    char feed[200];    /* of the latest pull */
    fk_day first_pull; /* as_of of the first stored pull, or -1 */
    char rej_code[5][16], rej_reason[5][200];
    int nrej;
    int64_t rej_pull;
    rp_followup fu[FK_NPROGRAM];
} rp_data;

/* Reads everything the report shows; trends[p] (may be NULL) are shared
 * instead of loaded, and the prefecture-level figures are copied from
 * nat (a report of the same date; may be NULL).  0 or -1 with err. */
int rp_data_load(fk_store *st, const fk_report_opts *o,
                 fk_cd_trend *const trends[FK_NPROGRAM], const rp_data *nat,
                 rp_data *d, char *err, size_t errlen);
void rp_data_free(rp_data *d);

/* ---- sections (report_sections.c, report_tables.c) --------------------- */
int rp_summary(rp_doc *doc, const rp_data *d, char *err, size_t errlen);
int rp_trends(rp_doc *doc, const rp_data *d, char *err, size_t errlen);
int rp_maps(rp_doc *doc, const rp_data *d, char *err, size_t errlen);
void rp_area_table(rp_doc *doc, const rp_data *d);
void rp_movers(rp_doc *doc, const rp_data *d);
void rp_quality(rp_doc *doc, const rp_data *d);
/* The follow-up section (report_followup.c) and its figures. */
int rp_followup_load(fk_store *st, rp_data *d, char *err, size_t errlen);
int rp_followup_section(rp_doc *doc, const rp_data *d, char *err,
                        size_t errlen);
void rp_methods(rp_doc *doc, const rp_data *d);

/* Lays out the report of loaded figures and writes it atomically; _buf
 * leaves the PDF in buf (emptied first) instead. */
int rp_render(const rp_data *d, const char *path, char *err, size_t errlen);
int rp_render_buf(const rp_data *d, fk_buf *buf, char *err, size_t errlen);

/* ---- publishing (publish.c reads, publish_area.c draws and writes) ----- */
/* One area read from the store, waiting to be drawn and written. */
typedef struct {
    int pref; /* 0 = Japan */
    const fk_publish_opts *o;
    const char *week;                  /* "2025-W07" */
    fk_cd_trend tr[FK_NPROGRAM];       /* forecasts finished */
    int ntr;                           /* trends loaded */
    fk_chart_munis munis[FK_NPROGRAM]; /* a prefecture's municipalities */
    int nmunis;
    rp_data d;          /* the report's figures (trends shared) */
    int has_d, own_d;   /* Japan's d is the prefectures' too:
                                        * the publisher frees it at the end */
    fk_publish_stats s; /* this area's counts and times */
    /* called (if set) once the area's PNGs are written, before the rest */
    void (*pngs_done)(void *arg);
    void *pngs_arg;
    int rc;
    char err[512];
} pub_area;

/* Draws and writes every file of the area (any thread with fonts: see
 * chart.h); the outcome in a->rc, a->err and a->s. */
void pub_area_write(pub_area *a);
/* Frees what was loaded; the outcome stays. */
void pub_area_free(pub_area *a);
double pub_ms(void); /* a monotonic clock in milliseconds */

/* ---- text (report_text.c) ---------------------------------------------- */
#define RP_L(d, s_ja, s_en) ((d)->en ? (s_en) : (s_ja))
void rp_count(double v, char *out, size_t n);        /* "51,606" */
void rp_pct(double rate, char *out, size_t n);       /* "24.3%" */
void rp_pts(double delta_rate, char *out, size_t n); /* "+0.4" (points) */
void rp_signed(double v, char *out, size_t n);       /* "+812" */
void rp_date(fk_day d, int en, char *out,
             size_t n);                      /* 2025年2月9日 / 9 Feb 2025 */
const char *rp_type_label(int type, int en); /* FK_NTYPE = all */
const char *rp_program_label(const char *key, int en);
const char *rp_pref_label(int pref, int en); /* 0 = 全国 */
/* The headline sentence of one program (see the brief's example). */
void rp_headline(const rp_data *d, const rp_prog *p, char *out, size_t n);

#endif
