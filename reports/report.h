/* report.h - the weekly PDF reports (national and per prefecture) and the
 * published output tree the dashboard serves.
 *
 * A report is A4, Japanese by default (English labels with lang "en"),
 * fonts embedded, charts drawn as vectors, "page X / Y" and the as-of date
 * (ISO and 令和) on every page.  Sections: summary (a headline sentence per
 * program, coverage per type with week-on-week change and new adopters,
 * applied vs operating), trend with forecast to the fiscal-year end and
 * the target, map and ranking, the prefecture (or municipality) table,
 * movers, data quality (the week's pulls), methods.
 *
 * Files are written atomically: a temporary file in the same directory,
 * then rename; on failure the existing file is left as it was. */
#ifndef FK_REPORT_H
#define FK_REPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "data/store.h"

typedef struct {
    int pref;         /* 0 = national report, 1..47 = that prefecture's */
    fk_day as_of;     /* the report's date (fk_report_pick_date) */
    const char *lang; /* "ja" (NULL) or "en" */
    double target;    /* adoption target, (0, 1]; 0 = 0.8 */
} fk_report_opts;

/* The report date: for week "YYYY-Www" the latest stored as_of in that
 * ISO week, else the week's Sunday when the stored series covers it; for
 * a date (>= 0) that date when the series covers it; with neither, the
 * latest stored as_of.  0, or -1 with a reason in err. */
int fk_report_pick_date(fk_store *st, const char *week, fk_day date,
                        fk_day *as_of, char *err, size_t errlen);

/* "2025-W07" for a date (9 bytes with the NUL). */
void fk_report_week_name(fk_day d, char out[16]);

/* Writes the report to path (atomically).  0, or -1 with err. */
int fk_report_write(fk_store *st, const fk_report_opts *o, const char *path,
                    char *err, size_t errlen);

/* ---- publishing ----------------------------------------------------------
 * The store is read on the calling thread while areas already read are
 * drawn and written on one thread per CPU (each with its own fonts; the
 * files are the same bytes as drawn on one thread).  Writes under out_dir:
 *   charts/national/{trend,funnel,ranking,map,weekly}-{program}.{png,pdf,svg,csv}
 *   charts/pref/NN/{trend,funnel,municipalities,weekly}-{program}.{png,pdf,svg,csv}
 *   reports/weekly/YYYY-Www.pdf and reports/weekly/latest.pdf
 *   reports/prefecture/NN/YYYY-Www.pdf and .../NN/latest.pdf
 * (latest.pdf is a symbolic link to the week's file, replaced atomically).
 * Forecasts are computed once per (program, type, area) and shared by the
 * trend charts and the reports. */
typedef struct {
    const char *out_dir;
    const char *lang;  /* "ja" (NULL) or "en" */
    double target;     /* 0 = 0.8 */
    fk_day as_of;      /* < 0: the latest stored as_of */
    int national_only; /* 1: skip the 47 prefectures (tests, quick runs) */
    int threads;       /* drawing threads; 0 = one per CPU (at most 8) */
    /* Non-zero (a signal handler sets it): stop before the next chart or
     * area and fail with "stopped"; files already written stay whole (each
     * is replaced atomically), the rest keep their previous version. */
    const volatile sig_atomic_t *stop;
} fk_publish_opts;

/* Time of one kind of file: drawing and encoding, not writing, in CPU
 * time of the drawing thread (its cost, whatever else shares the cores). */
typedef struct {
    int n;
    double total_ms, max_ms;
} fk_publish_time;

typedef struct {
    fk_day as_of;
    char week[16];          /* "2025-W07" */
    int reports;            /* PDF reports written */
    int charts;             /* chart files written (png, pdf, svg) */
    int csv;                /* CSV files written */
    int threads;            /* drawing threads used */
    fk_publish_time fmt[3]; /* per chart file, by fk_chart_format */
    fk_publish_time report; /* per PDF report */
    double pref_sets_ms;    /* the 47 prefectures' chart sets (every
                               * format and CSV, written): CPU time summed
                               * over the drawing threads */
    double load_ms;         /* reading the store and forecasting, wall
                               * time (alongside the drawing) */
    double total_ms;        /* the whole run, wall clock */
} fk_publish_stats;

int fk_publish_all(fk_store *st, const fk_publish_opts *o,
                   fk_publish_stats *out, char *err, size_t errlen);

#endif
