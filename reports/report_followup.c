/* report_followup.c - the reports' follow-up section (フォローアップ): per
 * program with contacts, the week's contacts and outcomes, the barriers
 * chart and table (by facility type and bed band) of every contact up to
 * the report date, and the conversion table against the baseline of
 * comparable facilities nobody called. */
#include "reports/report_int.h"

#include <stdio.h>
#include <string.h>

#include "reports/followup.h"

#define INK  0x222222u
#define GREY 0x666666u

int rp_followup_load(fk_store *st, rp_data *d, char *err, size_t errlen)
{
    for (int i = 0; i < FK_NPROGRAM; i++) {
        rp_followup *f = &d->fu[i];
        f->week_f = (fk_followup_filter){d->p[i].program, d->o.pref,  NULL,
                                         d->o.as_of - 6,  d->o.as_of, 1};
        f->all_f = (fk_followup_filter){d->p[i].program, d->o.pref, NULL, -1,
                                        d->o.as_of,      0};
        if (fk_followup_summarize(st, &f->week_f, &f->week) < 0 ||
            fk_followup_summarize(st, &f->all_f, &f->all) < 0) {
            snprintf(err, errlen, "follow-up: %s", fk_store_error(st));
            return -1;
        }
    }
    return 0;
}

static void outcomes_line(const rp_data *d, const fk_followup_summary *s,
                          char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < FK_NOUTCOME && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%s %lld", i ? "、" : "",
                              d->en ? fk_outcomes[i].label_en
                                    : fk_outcomes[i].label_ja,
                              (long long)s->outcomes[i]);
}

static void barrier_table(rp_doc *doc, const rp_data *d,
                          const fk_followup_summary *s)
{
    rp_table t = {8, {RP_L(d, "区分", "Group")}, {115}, {0}, 8.5, 0};
    static const char *const code[FK_NBARRIER] = {"1", "2", "3", "4",
                                                  "5", "6", "7"};
    for (int k = 0; k < FK_NBARRIER; k++) {
        t.head[k + 1] = code[k];
        t.w[k + 1] = 57;
        t.align[k + 1] = 2;
    }
    rp_table_head(doc, &t);
    for (int r = 0; r < FK_NTYPE + FK_NBEDBAND; r++) {
        const int64_t *v =
            r < FK_NTYPE ? s->by_type[r] : s->by_beds[r - FK_NTYPE];
        char label[64], c[FK_NBARRIER][24];
        if (r < FK_NTYPE)
            snprintf(label, sizeof label, "%s", rp_type_label(r, d->en));
        else if (r - FK_NTYPE == FK_NBEDBAND - 1)
            snprintf(label, sizeof label, "%s",
                     RP_L(d, "病床数不明", "beds unknown"));
        else
            snprintf(label, sizeof label, RP_L(d, "病床 %s", "beds %s"),
                     fk_bed_bands[r - FK_NTYPE]);
        const char *cells[8] = {label};
        for (int k = 0; k < FK_NBARRIER; k++) {
            rp_count((double)v[k], c[k], sizeof c[k]);
            cells[k + 1] = c[k];
        }
        rp_table_row(doc, &t, cells, 0);
    }
}

/* A share (or, with a unit, a difference in points), or a dash when
 * there is nothing to measure. */
static void pct_or_dash(int have, double v, const char *unit, char *out,
                        size_t n)
{
    if (!have)
        snprintf(out, n, "—");
    else if (!*unit)
        rp_pct(v, out, n);
    else {
        rp_pts(v, out, n);
        strncat(out, unit, n - strlen(out) - 1);
    }
}

static void conversion_table(rp_doc *doc, const rp_data *d,
                             const fk_followup_summary *s)
{
    rp_table t = {6,
                  {RP_L(d, "初回連絡から", "After first contact"),
                   RP_L(d, "対象施設", "Contacted"),
                   RP_L(d, "うち運用開始", "Now operating"),
                   RP_L(d, "割合", "Share"),
                   RP_L(d, "未連絡の比較対象", "Not contacted"),
                   RP_L(d, "差", "Difference")},
                  {105, 80, 80, 70, 105, 75},
                  {0, 2, 2, 2, 2, 2},
                  9,
                  0};
    rp_table_head(doc, &t);
    for (int h = 0; h < FK_NHORIZON; h++) {
        const fk_conversion *c = &s->conv[h];
        char c0[32], c1[32], c2[32], c3[32], c4[32], c5[48];
        snprintf(c0, sizeof c0, RP_L(d, "%d日後", "%d days"), fk_horizons[h]);
        rp_count((double)c->contacted, c1, sizeof c1);
        rp_count((double)c->adopted, c2, sizeof c2);
        pct_or_dash(c->contacted > 0, c->rate, "", c3, sizeof c3);
        pct_or_dash(c->baseline_n > 0, c->baseline_rate, "", c4, sizeof c4);
        pct_or_dash(c->contacted && c->baseline_n, c->rate - c->baseline_rate,
                    RP_L(d, "pt", " pt"), c5, sizeof c5);
        const char *cells[6] = {c0, c1, c2, c3, c4, c5};
        rp_table_row(doc, &t, cells, 0);
    }
}

int rp_followup_section(rp_doc *doc, const rp_data *d, char *err, size_t errlen)
{
    /* Kept with the first program's sentence and barriers chart. */
    rp_heading(doc, RP_L(d, "6. フォローアップ", "6. Follow-up"), 330);
    int any = 0;
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_followup *f = &d->fu[i];
        if (!f->all.contacts) continue;
        any = 1;
        char s[1024], o[400], from[64], to[64];
        rp_subheading(doc, rp_program_label(d->p[i].program, d->en));
        rp_date(f->week_f.from, d->en, from, sizeof from);
        rp_date(f->week_f.to, d->en, to, sizeof to);
        outcomes_line(d, &f->week, o, sizeof o);
        snprintf(s, sizeof s,
                 RP_L(d,
                      "今週（%s〜%s）の連絡 %lld件（%lld施設）：%s。"
                      "基準日までの連絡は計 %lld件（%lld施設）。",
                      "This week (%s – %s): %lld contacts (%lld facilities): "
                      "%s. Up to the date: %lld contacts (%lld facilities)."),
                 from, to, (long long)f->week.contacts,
                 (long long)f->week.facilities, o, (long long)f->all.contacts,
                 (long long)f->all.facilities);
        rp_para(doc, s, 10, INK);
        fk_chart_barriers c;
        fk_followup_chart(&f->all_f, &f->all, &c);
        fk_chart_opts co = {d->en ? "en" : "ja", (int)RP_WIDTH, 250, 0};
        rp_need(doc, co.height + 8);
        if (fk_chart_barriers_draw(doc->cr, RP_LEFT, doc->y, &c, &co, err,
                                   errlen) < 0)
            return -1;
        doc->y += co.height + 8;
        rp_line(doc,
                RP_L(d, "障壁の回答数（施設種別・病床規模別）",
                     "Barriers named, by facility type and bed band"),
                9.5, 1, INK);
        barrier_table(doc, d, &f->all);
        doc->y += 8;
        rp_line(doc,
                RP_L(d, "連絡の効果（初回連絡後に運用を開始した割合）",
                     "Conversion (share operating after the first contact)"),
                9.5, 1, INK);
        conversion_table(doc, d, &f->all);
        doc->y += 10;
    }
    if (!any) {
        rp_para(doc,
                RP_L(d,
                     "基準日までのフォローアップ記録はありません（fukyu "
                     "followup import で記入済みの一覧を取り込めます）。",
                     "No follow-up contacts recorded up to the date (import "
                     "a filled-in list with fukyu followup import)."),
                10, INK);
        return 0;
    }
    rp_para(
        doc,
        RP_L(
            d,
            "障壁の番号：1 安全に運用できるか不安、2 度重なる改修の負担・ベンダー逼迫、"
            "3 ベンダーが機能に未対応、4 導入費用、5 近隣施設が未導入、6 患者からの要望がない、"
            "7 電子カルテ未導入（複数回答）。連絡の効果：初回連絡の時点で未運用だった施設のうち、"
            "30・60・90日後に運用中の割合。その日数が基準日までに経過した施設だけを数える。"
            "比較対象は、一度も連絡していない同じ種別・都道府県の施設で、初回連絡の日に同じ状況"
            "（未着手または申請済）だったものの同じ日数後の運用割合（連絡した各施設の比較対象の平均）。",
            "Barrier codes: 1 unsure it runs safely, 2 repeated system changes / busy vendors, "
            "3 vendor lacks the functions, 4 cost, 5 nearby facilities have not adopted, 6 no "
            "demand from patients, 7 no electronic health records (several allowed). Conversion: "
            "of the facilities not operating at their first contact, the share operating 30, 60 "
            "and 90 days later, counting only those for which that many days have passed by the "
            "date. The comparison is the same share among facilities never contacted of the same "
            "type and prefecture with the same status (not started or applied) on the day of the "
            "first contact, averaged over the contacted facilities."),
        8.5, GREY);
    return 0;
}
