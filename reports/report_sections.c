/* report_sections.c - the report's first sections: the summary (headline
 * per program and the table of coverage per type with the week's change,
 * new adopters and applied vs operating), the trend charts with their
 * forecasts, and the map and ranking (or, for a prefecture, where it
 * stands among the 47 and its municipalities). */
#include "reports/report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INK  0x222222u
#define GREY 0x666666u

static fk_chart_opts chart_opts(const rp_doc *doc, double h)
{
    return (fk_chart_opts){doc->en ? "en" : "ja", (int)RP_WIDTH, (int)h, 0};
}

int rp_summary(rp_doc *doc, const rp_data *d, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    rp_heading(doc, RP_L(d, "1. 概況", "1. Summary"), 200);
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_prog *p = &d->p[i];
        char line[2048];
        rp_subheading(doc, rp_program_label(p->program, d->en));
        rp_headline(d, p, line, sizeof line);
        rp_para(doc, line, 10, INK);
        rp_table t = {8,
                      {RP_L(d, "施設種別", "Type"),
                       RP_L(d, "運用中", "Operating"), RP_L(d, "割合", "Share"),
                       RP_L(d, "人口カバー率", "Pop. coverage"),
                       RP_L(d, "前週比", "Week change"),
                       RP_L(d, "今週の新規", "New this week"),
                       RP_L(d, "申請済(未運用)", "Applied"),
                       RP_L(d, "対象施設数", "Facilities")},
                      {80, 52, 40, 70, 62, 74, 70, 67},
                      {0, 2, 2, 2, 2, 2, 2, 2},
                      9,
                      0};
        rp_table_head(doc, &t);
        for (int ty = 0; ty <= FK_NTYPE; ty++) {
            const fk_counts *now = ty == FK_NTYPE ? &p->all_now : &p->now[ty];
            const fk_counts *prev =
                ty == FK_NTYPE ? &p->all_prev : &p->prev[ty];
            if (now->total <= 0 && ty < FK_NTYPE) continue;
            char c1[32], c2[32], c3[48], c4[32], c5[32], c6[32], c7[32];
            rp_count((double)now->adopting, c1, sizeof c1);
            rp_pct(fk_counts_rate(now), c2, sizeof c2);
            rp_pct(p->cov[ty], c7, sizeof c7);
            rp_pts(fk_counts_rate(now) - fk_counts_rate(prev), c3, sizeof c3);
            strncat(c3, RP_L(d, "pt", " pt"), sizeof c3 - strlen(c3) - 1);
            /* New adopters: the rise in operating facilities over the week. */
            rp_signed((double)(now->adopting - prev->adopting), c4, sizeof c4);
            rp_count((double)now->applied, c5, sizeof c5);
            rp_count((double)now->total, c6, sizeof c6);
            const char *cells[8] = {
                rp_type_label(ty, d->en), c1, c2, c7, c3, c4, c5, c6};
            rp_table_row(doc, &t, cells, ty == FK_NTYPE);
        }
        doc->y += 10;
    }
    rp_para(
        doc,
        RP_L(
            d,
            "運用中＝基準日までに運用を開始した施設。申請済＝利用申請済みでまだ運用していない施設。"
            "前週比は7日前との比較（ポイント）、今週の新規は運用中施設数の7日間の増加。"
            "人口カバー率＝その種別の運用中施設が1つ以上ある市区町村の人口（2020年国勢調査、政令市の区は市に合算）の割合。",
            "Operating = in operation on or before the date. Applied = applied, not yet operating. Week change "
            "compares with 7 days earlier (percentage points); new this week is the rise in operating "
            "facilities over those 7 days. Population coverage = the share of the population (2020 census; "
            "wards count toward their city) living in municipalities with at least one such facility operating."),
        8.5, GREY);
    return 0;
}

static void fc_cells(const rp_data *d, const fk_cd_line *l, double target,
                     char *fy, size_t nfy, char *tg, size_t ntg)
{
    if (l->reached >= 0) { /* passed already: no projection, the day */
        char day[64];
        rp_date(l->reached, d->en, day, sizeof day);
        snprintf(tg, ntg, RP_L(d, "達成済み（%s）", "reached (%s)"), day);
    }
    if (!l->has_fc) {
        snprintf(fy, nfy, "%s", RP_L(d, "データ不足", "too little data"));
        if (l->reached < 0) snprintf(tg, ntg, "—");
        return;
    }
    if (l->f.has_fy_end) {
        char r[32], lo[32], hi[32];
        rp_pct(l->f.fy_end.rate, r, sizeof r);
        rp_pct(l->f.fy_end.lo80, lo, sizeof lo);
        rp_pct(l->f.fy_end.hi80, hi, sizeof hi);
        snprintf(fy, nfy, "%s (%s–%s)", r, lo, hi);
    } else {
        snprintf(fy, nfy, "—");
    }
    if (l->reached >= 0)
        ; /* said above */
    else if (l->f.target_date >= 0)
        rp_date(l->f.target_date, d->en, tg, ntg);
    else
        snprintf(tg, ntg, "%s",
                 RP_L(d, "年度内には到達しない見込み",
                      "not within the fiscal year"));
    (void)target;
}

int rp_trends(rp_doc *doc, const rp_data *d, char *err, size_t errlen)
{
    rp_heading(doc,
               RP_L(d, "2. 推移と年度末までの予測",
                    "2. Trend and forecast to the fiscal-year end"),
               440);
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_prog *p = &d->p[i];
        const double h = 300;
        rp_need(doc, h + 140);
        fk_chart_opts o = chart_opts(doc, h);
        if (fk_chart_trend_draw(doc->cr, RP_LEFT, doc->y, &p->trend->chart, &o,
                                err, errlen) < 0)
            return -1;
        doc->y += h + 6;
        char tpct[32], head[64];
        rp_pct(d->o.target, tpct, sizeof tpct);
        snprintf(head, sizeof head,
                 RP_L(d, "目標%s到達（見込み）", "Reaches %s (projected)"),
                 tpct);
        rp_table t = {
            5,
            {RP_L(d, "施設種別", "Type"), RP_L(d, "現在", "Now"),
             RP_L(d, "年度末見込み（80%区間）", "FY end (80% interval)"), head,
             RP_L(d, "予測手法", "Method")},
            {105, 60, 150, 140, 60},
            {0, 2, 2, 2, 0},
            9,
            0};
        rp_table_head(doc, &t);
        for (int ty = 0; ty <= FK_NTYPE; ty++) {
            const fk_cd_line *l = &p->trend->line[ty];
            if (!l->nobs) continue;
            char now[32], fy[96], tg[96];
            const fk_chart_obs *last = &l->obs[l->nobs - 1];
            rp_pct(fk_chart_share(last->adopting, last->total), now,
                   sizeof now);
            fc_cells(d, l, d->o.target, fy, sizeof fy, tg, sizeof tg);
            const char *cells[5] = {rp_type_label(ty, d->en), now, fy, tg,
                                    l->has_fc ? fk_fc_method_name(l->f.method)
                                              : "—"};
            rp_table_row(doc, &t, cells, ty == FK_NTYPE);
        }
        doc->y += 12;
    }
    return 0;
}

/* Rank of a prefecture by coverage (1 = highest) among the 47. */
static int rank_of(const fk_counts *by, int pref)
{
    int r = 1;
    double me = fk_counts_rate(&by[pref - 1]);
    for (int i = 0; i < FK_NPREF; i++)
        if (fk_counts_rate(&by[i]) > me) r++;
    return r;
}

int rp_maps(rp_doc *doc, const rp_data *d, char *err, size_t errlen)
{
    rp_heading(doc,
               d->o.pref ? RP_L(d, "3. 全国の中での位置と市区町村",
                                "3. Standing among the prefectures")
                         : RP_L(d, "3. 都道府県別の状況（地図・順位）",
                                "3. Prefectures: map and ranking"),
               d->o.pref ? 300 : 300 + 380 + 8);
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_prog *p = &d->p[i];
        fk_chart_prefs prefs = p->prefs;
        prefs.highlight = d->o.pref;
        if (d->o.pref) {
            char s[512], r[32], nat[32];
            rp_pct(fk_counts_rate(&p->pref_now[FK_NTYPE][d->o.pref - 1]), r,
                   sizeof r);
            /* all_now is the prefecture's own; the national share is in prefs. */
            rp_pct(
                fk_chart_share(prefs.national.adopting, prefs.national.total),
                nat, sizeof nat);
            snprintf(s, sizeof s,
                     RP_L(d, "%s：%sは47都道府県中%d位（%s、全国%s）。",
                          "%s: %s ranks %d of 47 (%s; Japan %s)."),
                     rp_program_label(p->program, d->en),
                     rp_pref_label(d->o.pref, d->en),
                     rank_of(p->pref_now[FK_NTYPE], d->o.pref), r, nat);
            rp_para(doc, s, 10, INK);
        }
        /* National: the map and the ranking of a program share a page. */
        fk_chart_opts o = chart_opts(doc, d->o.pref ? 560 : 300);
        if (!d->o.pref) {
            rp_need(doc, 300 + 380 + 8);
            if (fk_chart_map_draw(doc->cr, RP_LEFT, doc->y, &prefs, &o, err,
                                  errlen) < 0)
                return -1;
            doc->y += o.height + 8;
            o.height = 380;
        }
        rp_need(doc, o.height);
        if (fk_chart_ranking_draw(doc->cr, RP_LEFT, doc->y, &prefs, &o, err,
                                  errlen) < 0)
            return -1;
        doc->y += o.height + 8;
    }
    if (d->o.pref) {
        for (int i = 0; i < FK_NPROGRAM; i++) {
            fk_chart_munis m;
            memset(&m, 0, sizeof m);
            const rp_prog *p = &d->p[i];
            fk_chart_muni *mm = calloc(p->nmunis ? p->nmunis : 1, sizeof *mm);
            if (!mm) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            size_t k = 0;
            for (size_t j = 0; j < p->nmunis; j++) {
                if (p->munis[j].now.total <= 0) continue;
                memcpy(mm[k].code, p->munis[j].code, sizeof mm[k].code);
                mm[k].name = fk_muni_label(p->munis[j].code);
                mm[k++].c = fk_cd_counts(&p->munis[j].now);
            }
            m.meta = (fk_chart_meta){p->program, d->o.pref, d->o.as_of, NULL,
                                     FK_CHART_CITE_NAMES};
            m.type = -1;
            m.munis = mm;
            m.nmunis = k;
            m.pref_total = fk_cd_counts(&p->all_now);
            if (k == 0 || p->all_now.total <= 0) {
                free(mm);
                continue;
            }
            fk_chart_opts o = chart_opts(doc, 640);
            rp_need(doc, o.height);
            int rc = fk_chart_munis_draw(doc->cr, RP_LEFT, doc->y, &m, &o, err,
                                         errlen);
            free(mm);
            if (rc < 0) return -1;
            doc->y += o.height + 8;
        }
    }
    return 0;
}
