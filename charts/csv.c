/* csv.c - the numbers each chart draws, as RFC 4180 CSV (UTF-8, CRLF, a
 * header row, fields quoted when they hold a comma, quote or line break).
 * Every row repeats the chart title, program, area and as-of date so the
 * file stands alone when rows are filtered or files concatenated.  Rates
 * are fractions (0..1) with their numerator and denominator beside them. */
#include "charts/canvas.h"

#include <stdio.h>
#include <string.h>

static int field(fk_buf *b, const char *s, int last)
{
    int rc = 0;
    if (strpbrk(s, ",\"\r\n")) {
        rc |= fk_buf_put(b, "\"", 1);
        for (const char *p = s; *p; p++)
            rc |= *p == '"' ? fk_buf_put(b, "\"\"", 2) : fk_buf_put(b, p, 1);
        rc |= fk_buf_put(b, "\"", 1);
    } else {
        rc |= fk_buf_put(b, s, strlen(s));
    }
    return rc | (last ? fk_buf_put(b, "\r\n", 2) : fk_buf_put(b, ",", 1));
}

/* The leading columns: chart, program, area, as_of. */
static int lead(fk_buf *b, const char *title, const fk_chart_meta *m, int en)
{
    char area[64], d[FK_DATE_LEN];
    fk_pref_label(m->pref, en, 0, area, sizeof area);
    return field(b, title, 0) | field(b, m->program ? m->program : "", 0) |
           field(b, area, 0) | field(b, fk_date_format(m->as_of, d), 0);
}

static int done(fk_buf *b, int rc, char *err, size_t errlen)
{
    if (rc) {
        snprintf(err, errlen, "csv: out of memory");
        return -1;
    }
    (void)b;
    return 0;
}

int fk_chart_trend_csv(const fk_chart_trend *c, const char *lang, fk_buf *out,
                       char *err, size_t errlen)
{
    int en = fk_lang_en(lang), rc = 0;
    char title[256], d[FK_DATE_LEN];
    fk_title_trend(c, en, title, sizeof title);
    fk_buf_reset(out);
    rc |= fk_buf_printf(out,
                        "chart,program,area,as_of,type,date,series,%s,rate,"
                        "lo80,hi80,lo95,hi95\r\n",
                        c->coverage ? "covered_population,population"
                                    : "adopting,total");
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_chart_line *l = &c->lines[t];
        const char *key = t < FK_NTYPE ? fk_types[t].key : "all";
        for (size_t i = 0; i < l->nobs; i++) {
            rc |= lead(out, title, &c->meta, en);
            rc |= fk_buf_printf(
                out, "%s,%s,observed,%.0f,%.0f,%.6f,,,,\r\n", key,
                fk_date_format(l->obs[i].date, d), l->obs[i].adopting,
                l->obs[i].total,
                fk_chart_share(l->obs[i].adopting, l->obs[i].total));
        }
        for (size_t i = 0; i < l->nfc; i++) {
            const fk_fc_point *f = &l->fc[i];
            rc |= lead(out, title, &c->meta, en);
            rc |= fk_buf_printf(out,
                                "%s,%s,forecast,,,%.6f,%.6f,%.6f,%.6f,%.6f\r\n",
                                key, fk_date_format(f->date, d), f->rate,
                                f->lo80, f->hi80, f->lo95, f->hi95);
        }
    }
    return done(out, rc, err, errlen);
}

int fk_chart_funnel_csv(const fk_chart_funnel *c, const char *lang, fk_buf *out,
                        char *err, size_t errlen)
{
    int en = fk_lang_en(lang), rc = 0;
    char title[256];
    fk_title_funnel(c, en, title, sizeof title);
    fk_buf_reset(out);
    rc |= fk_buf_printf(
        out, "chart,program,area,as_of,type,operating,applied,none,total,"
             "operating_rate,applied_rate\r\n");
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_chart_counts *r = &c->rows[t];
        if (!(r->total > 0)) continue;
        rc |= lead(out, title, &c->meta, en);
        rc |= fk_buf_printf(out, "%s,%.0f,%.0f,%.0f,%.0f,%.6f,%.6f\r\n",
                            t < FK_NTYPE ? fk_types[t].key : "all", r->adopting,
                            r->applied, r->total - r->adopting - r->applied,
                            r->total, fk_chart_share(r->adopting, r->total),
                            fk_chart_share(r->applied, r->total));
    }
    return done(out, rc, err, errlen);
}

int fk_chart_prefs_csv(const fk_chart_prefs *c, const char *lang, fk_buf *out,
                       char *err, size_t errlen)
{
    int en = fk_lang_en(lang), rc = 0;
    char title[256], name[64];
    fk_chart_meta m = c->meta;
    m.pref = 0;
    fk_title_prefs(c, 0, en, title, sizeof title);
    fk_buf_reset(out);
    rc |= fk_buf_printf(
        out, "chart,program,area,as_of,type,prefecture_code,prefecture,"
             "adopting,applied,total,rate\r\n");
    const char *key =
        c->type >= 0 && c->type < FK_NTYPE ? fk_types[c->type].key : "all";
    for (int i = 0; i <= FK_NPREF; i++) {
        const fk_chart_counts *r = i < FK_NPREF ? &c->prefs[i] : &c->national;
        rc |= lead(out, title, &m, en);
        rc |= fk_buf_printf(out, "%s,%02d,", key, i < FK_NPREF ? i + 1 : 0);
        rc |= field(
            out,
            fk_pref_label(i < FK_NPREF ? i + 1 : 0, en, 0, name, sizeof name),
            0);
        rc |= fk_buf_printf(out, "%.0f,%.0f,%.0f,%.6f\r\n", r->adopting,
                            r->applied, r->total,
                            fk_chart_share(r->adopting, r->total));
    }
    return done(out, rc, err, errlen);
}

int fk_chart_weekly_csv(const fk_chart_weekly *c, const char *lang, fk_buf *out,
                        char *err, size_t errlen)
{
    int en = fk_lang_en(lang), rc = 0;
    char title[256], d[FK_DATE_LEN];
    fk_title_weekly(c, en, title, sizeof title);
    fk_buf_reset(out);
    rc |= fk_buf_printf(
        out, "chart,program,area,as_of,week,monday,hospital,clinic,dental,"
             "pharmacy,total\r\n");
    for (size_t i = 0; i < c->nweeks; i++) {
        const fk_chart_week *w = &c->weeks[i];
        int wy, wn;
        fk_iso_week(w->monday, &wy, &wn);
        rc |= lead(out, title, &c->meta, en);
        double sum = 0;
        for (int t = 0; t < FK_NTYPE; t++) sum += w->added[t];
        rc |= fk_buf_printf(out, "%d-W%02d,%s,%.0f,%.0f,%.0f,%.0f,%.0f\r\n", wy,
                            wn, fk_date_format(w->monday, d), w->added[0],
                            w->added[1], w->added[2], w->added[3], sum);
    }
    return done(out, rc, err, errlen);
}

int fk_chart_munis_csv(const fk_chart_munis *c, const char *lang, fk_buf *out,
                       char *err, size_t errlen)
{
    int en = fk_lang_en(lang), rc = 0;
    char title[256];
    fk_title_munis(c, fk_munis_vkind(c), en, title, sizeof title);
    fk_buf_reset(out);
    rc |= fk_buf_printf(
        out, "chart,program,area,as_of,type,municipality_code,municipality,"
             "adopting,applied,total,rate\r\n");
    const char *key =
        c->type >= 0 && c->type < FK_NTYPE ? fk_types[c->type].key : "all";
    for (size_t i = 0; i <= c->nmunis; i++) {
        const fk_chart_counts *r =
            i < c->nmunis ? &c->munis[i].c : &c->pref_total;
        rc |= lead(out, title, &c->meta, en);
        rc |= fk_buf_printf(out, "%s,%s,", key,
                            i < c->nmunis ? c->munis[i].code : "");
        rc |= field(out,
                    i < c->nmunis ? (c->munis[i].name ? c->munis[i].name : "")
                                  : (en ? "(prefecture)" : "（都道府県計）"),
                    0);
        rc |= fk_buf_printf(out, "%.0f,%.0f,%.0f,%.6f\r\n", r->adopting,
                            r->applied, r->total,
                            fk_chart_share(r->adopting, r->total));
    }
    return done(out, rc, err, errlen);
}
