/* report_text.c - numbers and words of the reports: counts with thousands
 * separators, percentages and percentage points written without the
 * process locale, Japanese and English labels, and the headline sentence
 * per program (the "quick stats" line that opens the report). */
#include "reports/report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void rp_count(double v, char *out, size_t n)
{
    long long x = llround(fabs(v));
    char digits[32], buf[48];
    snprintf(digits, sizeof digits, "%lld", x);
    size_t len = strlen(digits), j = 0;
    if (v < 0 && x) buf[j++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = 0;
    snprintf(out, n, "%s", buf);
}

void rp_pct(double rate, char *out, size_t n)
{
    /* A program that has barely started would read 0.0% everywhere. */
    int dec = rate > 0 && rate < 0.001 ? 3 : rate > 0 && rate < 0.01 ? 2 : 1;
    snprintf(out, n, "%.*f%%", dec, rate * 100);
}

void rp_pts(double d, char *out, size_t n)
{
    double v = round(d * 1000) / 10; /* points, one decimal */
    snprintf(out, n, "%s%.1f", v > 0 ? "+" : v < 0 ? "-" : "±", fabs(v));
}

void rp_signed(double v, char *out, size_t n)
{
    char c[40];
    rp_count(fabs(v), c, sizeof c);
    snprintf(out, n, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "±", c);
}

void rp_date(fk_day d, int en, char *out, size_t n)
{
    static const char *mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, dd;
    fk_day_to_ymd(d, &y, &m, &dd);
    if (en)
        snprintf(out, n, "%d %s %d", dd, mon[m - 1], y);
    else
        snprintf(out, n, "%d年%d月%d日", y, m, dd);
}

const char *rp_type_label(int type, int en)
{
    if (type < 0 || type >= FK_NTYPE) return en ? "All facilities" : "全施設";
    return en ? fk_types[type].label_en : fk_types[type].label_ja;
}

const char *rp_program_label(const char *key, int en)
{
    const fk_program_info *p = fk_program_by_key(key);
    if (!p) return key;
    return en ? p->label_en : p->label_ja;
}

const char *rp_pref_label(int pref, int en)
{
    const fk_pref *p = fk_pref_by_code(pref);
    if (!p) return en ? "Japan" : "全国";
    return en ? p->name_en : p->name_ja;
}

/* Types in the order the headline lists them: the furthest along first,
 * as the ministry's own summaries do. */
static const int headline_order[FK_NTYPE] = {FK_PHARMACY, FK_HOSPITAL,
                                             FK_CLINIC, FK_DENTAL};

void rp_headline(const rp_data *d, const rp_prog *p, char *out, size_t n)
{
    int en = d->en;
    char date[64], pct[32], cnt[40], dpts[32], dcnt[40],
        types[512] = "", fc[256], fy[64], cov[512] = "";
    rp_date(d->o.as_of, en, date, sizeof date);
    rp_pct(fk_counts_rate(&p->all_now), pct, sizeof pct);
    rp_count((double)p->all_now.adopting, cnt, sizeof cnt);
    rp_pts(fk_counts_rate(&p->all_now) - fk_counts_rate(&p->all_prev), dpts,
           sizeof dpts);
    rp_signed((double)(p->all_now.adopting - p->all_prev.adopting), dcnt,
              sizeof dcnt);
    size_t k = 0;
    for (int i = 0; i < FK_NTYPE; i++) {
        int t = headline_order[i];
        if (p->now[t].total <= 0) continue;
        char r[32];
        rp_pct(fk_counts_rate(&p->now[t]), r, sizeof r);
        k += (size_t)snprintf(
            types + k, sizeof types - (k < sizeof types ? k : sizeof types),
            "%s%s %s", k ? (en ? ", " : "、") : "", rp_type_label(t, en), r);
        if (k >= sizeof types) break;
    }
    /* Population coverage (人口カバー率), in the same type order. */
    k = 0;
    for (int i = 0; i < FK_NTYPE; i++) {
        int t = headline_order[i];
        if (p->now[t].total <= 0) continue;
        char r[32];
        rp_pct(p->cov[t], r, sizeof r);
        k += (size_t)snprintf(
            cov + k, sizeof cov - (k < sizeof cov ? k : sizeof cov),
            en ? "%s%s %s" : "%s%sの人口カバー率%s",
            k ? (en ? ", " : "、") : "", rp_type_label(t, en), r);
        if (k >= sizeof cov) break;
    }
    const fk_cd_line *all = &p->trend->line[FK_NTYPE];
    if (all->has_fc && all->f.has_fy_end) {
        char r[32];
        rp_date(all->f.fy_end.date, en, fy, sizeof fy);
        rp_pct(all->f.fy_end.rate, r, sizeof r);
        if (en)
            snprintf(fc, sizeof fc,
                     " At this pace, %s by the fiscal-year end (%s).", r, fy);
        else
            snprintf(fc, sizeof fc, "このペースでは年度末（%s）に%sの見込み。",
                     fy, r);
    } else {
        snprintf(fc, sizeof fc, "%s",
                 en ? " Too little data for a forecast yet."
                    : "予測に足るデータはまだない。");
    }
    const char *area = rp_pref_label(d->o.pref, en);
    if (en)
        snprintf(
            out, n,
            "%s: as of %s, %s of all facilities%s%s (%s) were operating, %s points (%s) on the week "
            "before. %s. Population coverage: %s.%s",
            rp_program_label(p->program, 1), date, pct, d->o.pref ? " in " : "",
            d->o.pref ? area : "", cnt, dpts, dcnt, types, cov, fc);
    else
        snprintf(
            out, n,
            "%s：%s時点で%s%s全施設の%s（%s施設）が運用中。前週から%sポイント（%s施設）。%s。%s。%s",
            rp_program_label(p->program, 0), date, d->o.pref ? area : "",
            d->o.pref ? "の" : "", pct, cnt, dpts, dcnt, types, cov, fc);
}
