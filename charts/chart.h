/* chart.h - the charts fukyu draws (trend, funnel, ranking, map, weekly,
 * municipalities) as PNG, PDF or SVG, and the numbers behind each as CSV.
 *
 * Input is plain data: callers (the CLI, reports, the dashboard) read the
 * store and fill these structs; nothing in charts/ touches the store.
 *
 * One rendering path: Cairo, all text through Pango with the font list
 * FK_CHART_FONTS, UTF-8 straight to Pango (the process locale is never
 * consulted).  fk_charts_init() builds one Pango font map and context that
 * every chart of the calling thread reuses, so fontconfig is warmed once.
 *
 * Threading: a Pango font map and context are not thread-safe, so they
 * are per thread.  Any thread may draw charts: it calls fk_charts_init()
 * first (drawing without it initialises lazily) and fk_charts_shutdown()
 * before it ends.  The bytes do not depend on the thread that drew them.
 *
 * Output is deterministic: the same data and options give the same bytes
 * (PDF creation date is set to the data's as-of date).
 *
 * All functions return 0, or -1 with a one-line reason in err. */
#ifndef FK_CHART_H
#define FK_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/date.h"
#include "data/ref.h"
#include "forecast/forecast.h"

/* IPAexGothic (IPA's font for Japanese public documents, TrueType) first:
 * cairo 1.16 embeds a TrueType subset of the glyphs used, ~30 KB a chart
 * PDF, where Noto Sans CJK's CFF subset keeps its subroutines whole,
 * ~1 MB to copy and compress per PDF (issue 13: `report all` 30% less CPU,
 * its tree 152 MB instead of 229).  Noto Sans CJK JP stays the fallback
 * for any glyph IPAex lacks, and gives nothing else: its true bold is
 * synthesised from IPAex's regular (cairo embeds the emboldened outlines
 * as CFF fonts of their own). */
#define FK_CHART_FONTS     "IPAexGothic, Noto Sans CJK JP, sans-serif"
#define FK_CHART_DEFAULT_W 1200
#define FK_CHART_DEFAULT_H 700
#define FK_CHART_ALL \
    FK_NTYPE /* index of the all-types row in per-type arrays */

typedef enum {
    FK_CHART_PNG = 0,
    FK_CHART_PDF,
    FK_CHART_SVG
} fk_chart_format;

/* Format from a file name's extension (.png .pdf .svg, any case); -1 if
 * none of those. */
int fk_chart_format_from_path(const char *path);

/* Both act on the calling thread's font map and context. */
int fk_charts_init(char *err, size_t errlen);
void fk_charts_shutdown(void);

typedef struct {
    const char *lang;  /* "ja" (default when NULL) or "en" */
    int width, height; /* layout size: pixels for PNG, points for PDF/SVG;
                        * 0 = FK_CHART_DEFAULT_W x FK_CHART_DEFAULT_H */
    double scale;      /* PNG pixels per layout unit; 0 = 1 (vector: unused) */
} fk_chart_opts;

/* What every chart states in its header and footer. */
typedef struct {
    const char *program; /* program key: "eprescription", "ehr_sharing" */
    int pref;            /* area: 0 = national (全国), 1..47 a prefecture */
    fk_day as_of;        /* the date the data describe (JST) */
    const char *source;  /* source line after "出典: "; NULL = default */
    unsigned cites;      /* FK_CHART_CITE_*: reference data drawn on */
} fk_chart_meta;
/* Reference data a chart uses, cited after the source (open-data terms). */
#define FK_CHART_CITE_NAMES      1u /* 総務省 municipality codes and names */
#define FK_CHART_CITE_POPULATION 2u /* 総務省統計局 2020 census */

/* Counts of one row: operating, applied (not operating) and the
 * denominator; "none" is total - adopting - applied. */
typedef struct {
    double adopting, applied, total;
} fk_chart_counts;

/* part / total, 0 when total is 0: fk_counts_rate's rule (data/store.h)
 * for the charts' counts, which are doubles. */
static inline double fk_chart_share(double part, double total)
{
    return total > 0 ? part / total : 0.0;
}

/* y axis of the trend, ranking and map: rates, counts, or chosen from the
 * data (AUTO: counts / per-mille when every rate is below 1%). */
typedef enum {
    FK_CHART_AUTO = 0,
    FK_CHART_RATE,
    FK_CHART_COUNT
} fk_chart_mode;

/* ---- trend: observed rates per type, optional forecast ---------------- */
typedef struct {
    fk_day date;
    double adopting, total; /* total > 0 */
} fk_chart_obs;

typedef struct {
    const fk_chart_obs *obs; /* ascending dates; nobs == 0 hides the line */
    size_t nobs;
    const fk_fc_point *fc; /* optional forecast after the last obs */
    size_t nfc;
} fk_chart_line;

typedef struct {
    fk_chart_meta meta;
    fk_chart_line lines[FK_NTYPE + 1]; /* by fk_type; [FK_CHART_ALL] = all */
    int weekly;    /* observations are weekly (noted in the header) */
    double target; /* target rate drawn as a line; 0 = none */
    fk_day fy_end; /* fiscal-year-end marker; < 0 = none */
    fk_chart_mode mode;
    int coverage; /* population coverage: obs adopting = covered population,
                   * total = the area's population (always as rates) */
} fk_chart_trend;

/* ---- funnel: none / applied / operating per type ---------------------- */
typedef struct {
    fk_chart_meta meta;
    fk_chart_counts rows[FK_NTYPE + 1]; /* rows with total 0 are skipped */
} fk_chart_funnel;

/* ---- ranking and map: one value per prefecture ------------------------ */
typedef struct {
    fk_chart_meta meta; /* meta.pref is ignored: the area is Japan */
    int type;           /* facility type shown, -1 = all types */
    fk_chart_counts prefs[FK_NPREF]; /* index 0 = prefecture 01 */
    fk_chart_counts national;
    fk_chart_mode mode;
    int highlight; /* the ranking highlights and labels this prefecture
                    * (1..47: a prefecture's report or page); 0 = none */
} fk_chart_prefs;

/* ---- weekly: new adopters per ISO week, stacked by type ---------------- */
typedef struct {
    fk_day monday;
    double added[FK_NTYPE];
} fk_chart_week;

typedef struct {
    fk_chart_meta meta;
    const fk_chart_week *weeks; /* ascending */
    size_t nweeks;
} fk_chart_weekly;

/* ---- municipalities of one prefecture --------------------------------- */
/* Municipalities with fewer facilities than this swing by chance: the
 * chart draws them pale, the movers table leaves them out. */
#define FK_CHART_SMALL_MUNI 20

typedef struct {
    char code[6];     /* JIS X 0402 */
    const char *name; /* NULL: the code is shown */
    fk_chart_counts c;
} fk_chart_muni;

typedef struct {
    fk_chart_meta meta; /* meta.pref: the prefecture (required) */
    int type;           /* -1 = all types */
    const fk_chart_muni *munis;
    size_t nmunis;
    fk_chart_counts pref_total; /* drawn as the prefecture line */
    fk_chart_mode mode;
} fk_chart_munis;

/* ---- output ------------------------------------------------------------ */
/* The renderers write into an fk_buf (core/buf.h); fk_file_write
 * (core/file.h) publishes one atomically. */
int fk_chart_trend_render(const fk_chart_trend *c, const fk_chart_opts *o,
                          fk_chart_format fmt, fk_buf *out, char *err,
                          size_t errlen);
int fk_chart_funnel_render(const fk_chart_funnel *c, const fk_chart_opts *o,
                           fk_chart_format fmt, fk_buf *out, char *err,
                           size_t errlen);
int fk_chart_ranking_render(const fk_chart_prefs *c, const fk_chart_opts *o,
                            fk_chart_format fmt, fk_buf *out, char *err,
                            size_t errlen);
int fk_chart_map_render(const fk_chart_prefs *c, const fk_chart_opts *o,
                        fk_chart_format fmt, fk_buf *out, char *err,
                        size_t errlen);
int fk_chart_weekly_render(const fk_chart_weekly *c, const fk_chart_opts *o,
                           fk_chart_format fmt, fk_buf *out, char *err,
                           size_t errlen);
int fk_chart_munis_render(const fk_chart_munis *c, const fk_chart_opts *o,
                          fk_chart_format fmt, fk_buf *out, char *err,
                          size_t errlen);

/* The numbers each chart draws, as RFC 4180 CSV (UTF-8, CRLF line ends):
 * a title row, the as-of date, then one row per value drawn with its
 * numerator and denominator.  lang as in fk_chart_opts. */
int fk_chart_trend_csv(const fk_chart_trend *c, const char *lang, fk_buf *out,
                       char *err, size_t errlen);
int fk_chart_funnel_csv(const fk_chart_funnel *c, const char *lang, fk_buf *out,
                        char *err, size_t errlen);
int fk_chart_prefs_csv(const fk_chart_prefs *c, const char *lang, fk_buf *out,
                       char *err, size_t errlen);
int fk_chart_weekly_csv(const fk_chart_weekly *c, const char *lang, fk_buf *out,
                        char *err, size_t errlen);
int fk_chart_munis_csv(const fk_chart_munis *c, const char *lang, fk_buf *out,
                       char *err, size_t errlen);

/* ---- barriers: what follow-up calls heard, by the ministry's codes ----- */
typedef struct {
    fk_chart_meta meta;
    fk_day from, to;            /* the period (-1: open), for the subtitle */
    double counts[FK_NBARRIER]; /* contacts naming barrier k + 1 */
    double with_barrier;        /* contacts naming at least one */
    double contacts;            /* every contact of the period */
} fk_chart_barriers;

int fk_chart_barriers_render(const fk_chart_barriers *c, const fk_chart_opts *o,
                             fk_chart_format fmt, fk_buf *out, char *err,
                             size_t errlen);
int fk_chart_barriers_csv(const fk_chart_barriers *c, const char *lang,
                          fk_buf *out, char *err, size_t errlen);

/* ---- drawing onto a caller's page (charts/embed.c) -------------------- */
/* Each chart drawn as vectors into cr with its top-left corner at (x, y),
 * at its layout size (o->width x o->height points; scale is unused), so
 * that reports embed charts in their own PDF pages. */
#include <cairo.h>
int fk_chart_trend_draw(cairo_t *cr, double x, double y,
                        const fk_chart_trend *c, const fk_chart_opts *o,
                        char *err, size_t errlen);
int fk_chart_ranking_draw(cairo_t *cr, double x, double y,
                          const fk_chart_prefs *c, const fk_chart_opts *o,
                          char *err, size_t errlen);
int fk_chart_map_draw(cairo_t *cr, double x, double y, const fk_chart_prefs *c,
                      const fk_chart_opts *o, char *err, size_t errlen);
int fk_chart_munis_draw(cairo_t *cr, double x, double y,
                        const fk_chart_munis *c, const fk_chart_opts *o,
                        char *err, size_t errlen);

int fk_chart_barriers_draw(cairo_t *cr, double x, double y,
                           const fk_chart_barriers *c, const fk_chart_opts *o,
                           char *err, size_t errlen);

/* Text in the charts' fonts on a caller's cairo context (fk_charts_init
 * first).  size in points; halign 0 left, 1 centre, 2 right; y is the top
 * of the text.  wrap_w > 0 wraps at that width (Japanese breaks between
 * any characters); returns the height used.  rgb as 0xRRGGBB. */
double fk_chart_text(cairo_t *cr, const char *s, double size, int bold,
                     double x, double y, int halign, unsigned rgb,
                     double wrap_w);
/* Width and height the text would take (no wrapping). */
void fk_chart_text_extent(const char *s, double size, int bold, double *w,
                          double *h);

#endif
