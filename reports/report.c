/* report.c - the weekly report as a whole: which date a week means, and
 * the sections laid out in order into one PDF written atomically. */
#include "reports/report_int.h"

#include "core/file.h"

#include <stdio.h>
#include <string.h>

void fk_report_week_name(fk_day d, char out[16])
{
    int y, w;
    fk_iso_week(d, &y, &w);
    snprintf(out, 16, "%04d-W%02d", y % 10000, w % 100);
}

typedef struct {
    fk_day lo, hi, best;
} week_pick;

static int on_pull(const fk_pull_row *r, void *ctx)
{
    week_pick *w = ctx;
    fk_day a;
    if (strcmp(r->outcome, "stored") && strcmp(r->outcome, "unchanged"))
        return 0;
    if (fk_date_parse(r->as_of, &a) == 0 && a >= w->lo && a <= w->hi &&
        a > w->best)
        w->best = a;
    return 0;
}

int fk_report_pick_date(fk_store *st, const char *week, fk_day date,
                        fk_day *as_of, char *err, size_t errlen)
{
    fk_day latest, first;
    if (fk_store_latest_as_of(st, &latest) < 0) {
        snprintf(err, errlen, "no pull stored yet; run `fukyu collect` first");
        return -1;
    }
    if (fk_store_first_day(st, fk_programs[0].key, &first) < 0) first = latest;
    char a[FK_DATE_LEN], b[FK_DATE_LEN], c[FK_DATE_LEN];
    if (week) {
        fk_day mon;
        if (fk_iso_week_parse(week, &mon) < 0) {
            snprintf(err, errlen, "week '%s' is not YYYY-Www", week);
            return -1;
        }
        week_pick w = {mon, mon + 6, -1};
        if (fk_store_each_pull(st, 0, NULL, on_pull, &w) < 0) {
            snprintf(err, errlen, "store: %s", fk_store_error(st));
            return -1;
        }
        if (w.best < 0 && mon + 6 >= first && mon + 6 <= latest)
            w.best = mon + 6;
        if (w.best < 0) {
            snprintf(err, errlen,
                     "week %s: no stored data (the series covers %s to %s)",
                     week, fk_date_format(first, a), fk_date_format(latest, b));
            return -1;
        }
        *as_of = w.best;
        return 0;
    }
    if (date >= 0) {
        if (date < first || date > latest) {
            snprintf(err, errlen,
                     "date %s: outside the stored series (%s to %s)",
                     fk_date_format(date, c), fk_date_format(first, a),
                     fk_date_format(latest, b));
            return -1;
        }
        *as_of = date;
        return 0;
    }
    *as_of = latest;
    return 0;
}

int rp_render_buf(const rp_data *dp, fk_buf *buf, char *err, size_t errlen)
{
    const rp_data d = *dp;
    const fk_report_opts *o = &d.o;
    char title[256], wk[16];
    fk_report_week_name(o->as_of, wk);
    snprintf(title, sizeof title, "%s %s %s — %s",
             d.en ? "E-prescription and EHR sharing adoption,"
                  : "電子処方箋・電子カルテ情報共有サービス 普及状況",
             d.en ? "weekly report" : "週報", wk, rp_pref_label(o->pref, d.en));
    rp_doc doc;
    rp_doc_init(&doc, title, o->as_of, d.en);
    rp_page(&doc);
    char big[256], asof[64], wareki[64];
    rp_date(o->as_of, d.en, asof, sizeof asof);
    fk_date_wareki(o->as_of, wareki, sizeof wareki);
    snprintf(big, sizeof big, "%s %s", rp_pref_label(o->pref, d.en),
             d.en ? "weekly adoption report" : "普及状況 週報");
    rp_line(&doc, big, 20, 1, 0x0B3C5Du);
    snprintf(big, sizeof big,
             d.en ? "Week %s, as of %s (%s)" : "%s（%s時点、%s）", wk, asof,
             wareki);
    rp_line(&doc, big, 11, 0, 0x444444u);
    doc.y += 6;
    int rc = rp_summary(&doc, &d, err, errlen);
    if (rc == 0) rc = rp_trends(&doc, &d, err, errlen);
    if (rc == 0) rc = rp_maps(&doc, &d, err, errlen);
    if (rc == 0) {
        rp_area_table(&doc, &d);
        rp_movers(&doc, &d);
        rc = rp_followup_section(&doc, &d, err, errlen);
    }
    if (rc == 0) {
        rp_quality(&doc, &d);
        rp_methods(&doc, &d);
    }
    if (rc == 0) rc = rp_doc_pdf(&doc, buf, err, errlen);
    rp_doc_free(&doc);
    return rc;
}

int rp_render(const rp_data *d, const char *path, char *err, size_t errlen)
{
    fk_buf buf = {0};
    int rc = rp_render_buf(d, &buf, err, errlen);
    if (rc == 0) rc = fk_file_write(path, buf.p, buf.len, err, errlen);
    fk_buf_free(&buf);
    return rc;
}

int fk_report_write(fk_store *st, const fk_report_opts *o, const char *path,
                    char *err, size_t errlen)
{
    char e[512];
    if (fk_charts_init(e, sizeof e) < 0) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    if (o->pref < 0 || o->pref > FK_NPREF) {
        snprintf(err, errlen, "report: prefecture %d is not 1..47", o->pref);
        return -1;
    }
    rp_data d;
    if (rp_data_load(st, o, NULL, NULL, &d, err, errlen) < 0) return -1;
    int rc = rp_render(&d, path, err, errlen);
    rp_data_free(&d);
    return rc;
}
