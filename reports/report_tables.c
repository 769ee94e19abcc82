/* report_tables.c - the report's later sections: the 47-prefecture table
 * (or the prefecture's municipalities), movers, data quality and methods.
 * Long tables break between rows with the header repeated (rp_table_row). */
#include "reports/report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/backtest.h"

#define INK            0x222222u
#define GREY           0x666666u
#define MIN_MUNI_TOTAL FK_CHART_SMALL_MUNI /* smaller ones swing by chance */

static double change(const fk_counts *now, const fk_counts *prev)
{
    return fk_counts_rate(now) - fk_counts_rate(prev);
}

static void pct_or_dash(const fk_counts *c, char *out, size_t n)
{
    if (c->total > 0)
        rp_pct(fk_counts_rate(c), out, n);
    else
        snprintf(out, n, "—");
}

static void pref_table(rp_doc *doc, const rp_data *d, const rp_prog *p)
{
    rp_table t = {
        8,
        {RP_L(d, "順位", "Rank"), RP_L(d, "都道府県", "Prefecture"),
         RP_L(d, "全施設", "All"), RP_L(d, "前週比", "Change"),
         rp_type_label(FK_HOSPITAL, d->en), rp_type_label(FK_CLINIC, d->en),
         rp_type_label(FK_DENTAL, d->en), rp_type_label(FK_PHARMACY, d->en)},
        {38, 78, 58, 58, 60, 80, 80, 63},
        {2, 0, 2, 2, 2, 2, 2, 2},
        8.5,
        0};
    rp_table_head(doc, &t);
    for (int i = 0; i < FK_NPREF; i++) {
        const fk_counts *all = &p->pref_now[FK_NTYPE][i];
        int rank = 1;
        for (int j = 0; j < FK_NPREF; j++)
            rank +=
                fk_counts_rate(&p->pref_now[FK_NTYPE][j]) > fk_counts_rate(all);
        char c[8][48];
        snprintf(c[0], sizeof c[0], "%d", rank);
        snprintf(c[1], sizeof c[1], "%s %s", fk_prefs[i].code2,
                 rp_pref_label(i + 1, d->en));
        pct_or_dash(all, c[2], sizeof c[2]);
        rp_pts(change(all, &p->pref_prev[i]), c[3], sizeof c[3]);
        for (int ty = 0; ty < FK_NTYPE; ty++)
            pct_or_dash(&p->pref_now[ty][i], c[4 + ty], sizeof c[4]);
        const char *cells[8] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
        rp_table_row(doc, &t, cells, d->o.pref == i + 1);
    }
}

static void muni_table(rp_doc *doc, const rp_data *d, const rp_prog *p)
{
    rp_table t = {8,
                  {RP_L(d, "順位", "Rank"), RP_L(d, "市区町村", "Municipality"),
                   RP_L(d, "コード", "Code"), RP_L(d, "運用中", "Operating"),
                   RP_L(d, "対象施設", "Facilities"), RP_L(d, "割合", "Share"),
                   RP_L(d, "前週比", "Change"), RP_L(d, "今週の新規", "New")},
                  {36, 130, 44, 60, 60, 55, 60, 60},
                  {2, 0, 0, 2, 2, 2, 2, 2},
                  8.5,
                  0};
    rp_table_head(doc, &t);
    for (size_t i = 0; i < p->nmunis; i++) {
        const rp_muni *m = &p->munis[i];
        if (m->now.total <= 0) continue;
        int rank = 1;
        for (size_t j = 0; j < p->nmunis; j++)
            rank += p->munis[j].now.total > 0 &&
                    fk_counts_rate(&p->munis[j].now) > fk_counts_rate(&m->now);
        char c[8][48];
        snprintf(c[0], sizeof c[0], "%d", rank);
        snprintf(c[1], sizeof c[1], "%s", fk_muni_label(m->code));
        snprintf(c[2], sizeof c[2], "%s", m->code);
        rp_count((double)m->now.adopting, c[3], sizeof c[3]);
        rp_count((double)m->now.total, c[4], sizeof c[4]);
        rp_pct(fk_counts_rate(&m->now), c[5], sizeof c[5]);
        rp_pts(change(&m->now, &m->prev), c[6], sizeof c[6]);
        rp_signed((double)(m->now.adopting - m->prev.adopting), c[7],
                  sizeof c[7]);
        const char *cells[8] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
        rp_table_row(doc, &t, cells, 0);
    }
}

void rp_area_table(rp_doc *doc, const rp_data *d)
{
    rp_heading(doc,
               d->o.pref ? RP_L(d, "4. 市区町村別の状況", "4. Municipalities")
                         : RP_L(d, "4. 都道府県別の状況", "4. Prefectures"),
               200);
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_prog *p = &d->p[i];
        if (p->all_now.total <= 0) continue;
        char s[256];
        snprintf(
            s, sizeof s, "%s%s", rp_program_label(p->program, d->en),
            d->o.pref
                ? RP_L(d,
                       "（コード順。順位は運用中の割合による。対象施設が少ない"
                       "市区町村の割合は偶然に左右されやすい）",
                       " (by code; rank by share operating; small "
                       "municipalities swing by chance)")
                : RP_L(d, "（運用中の割合。順位は全施設の割合による）",
                       " (share operating; rank by all)"));
        rp_subheading(doc, s);
        if (d->o.pref)
            muni_table(doc, d, p);
        else
            pref_table(doc, d, p);
        doc->y += 10;
    }
}

/* ---- movers -------------------------------------------------------------- */
typedef struct {
    int idx;
    double v;
} ranked;

static int by_v_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? 1 : -1;
    return x->idx - y->idx;
}

static void pref_movers(rp_doc *doc, const rp_data *d, const rp_prog *p)
{
    ranked r[FK_NPREF];
    for (int i = 0; i < FK_NPREF; i++)
        r[i] = (ranked){i, change(&p->pref_now[FK_NTYPE][i], &p->pref_prev[i])};
    qsort(r, FK_NPREF, sizeof r[0], by_v_desc);
    rp_table t = {5,
                  {"", RP_L(d, "都道府県", "Prefecture"),
                   RP_L(d, "前週比", "Change"), RP_L(d, "割合", "Share"),
                   RP_L(d, "今週の新規", "New")},
                  {80, 110, 70, 70, 70},
                  {0, 0, 2, 2, 2},
                  8.5,
                  0};
    rp_table_head(doc, &t);
    for (int k = 0; k < 10; k++) {
        int top = k < 5, i = top ? r[k].idx : r[FK_NPREF - 10 + k].idx;
        char c[5][64];
        snprintf(c[0], sizeof c[0], "%s",
                 top ? RP_L(d, "上昇幅 上位", "largest")
                     : RP_L(d, "上昇幅 下位", "smallest"));
        snprintf(c[1], sizeof c[1], "%s", rp_pref_label(i + 1, d->en));
        rp_pts(r[top ? k : FK_NPREF - 10 + k].v, c[2], sizeof c[2]);
        rp_pct(fk_counts_rate(&p->pref_now[FK_NTYPE][i]), c[3], sizeof c[3]);
        rp_signed((double)(p->pref_now[FK_NTYPE][i].adopting -
                           p->pref_prev[i].adopting),
                  c[4], sizeof c[4]);
        const char *cells[5] = {c[0], c[1], c[2], c[3], c[4]};
        rp_table_row(doc, &t, cells, d->o.pref == i + 1);
    }
}

static void muni_movers(rp_doc *doc, const rp_data *d, const rp_prog *p)
{
    ranked *r = malloc((p->nmunis ? p->nmunis : 1) * sizeof *r);
    if (!r) {
        doc->failed = 1;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->nmunis; i++)
        if (p->munis[i].now.total >= MIN_MUNI_TOTAL &&
            p->munis[i].prev.total >= MIN_MUNI_TOTAL)
            r[n++] =
                (ranked){(int)i, change(&p->munis[i].now, &p->munis[i].prev)};
    qsort(r, n, sizeof r[0], by_v_desc);
    size_t k = n < 20 ? n / 2 : 10;
    if (k == 0) {
        rp_para(doc,
                RP_L(d, "対象施設が20以上の市区町村がない。",
                     "No municipality has 20 or more facilities."),
                9, GREY);
        free(r);
        return;
    }
    rp_table t = {7,
                  {"", RP_L(d, "市区町村", "Municipality"),
                   RP_L(d, "都道府県", "Prefecture"),
                   RP_L(d, "前週比", "Change"), RP_L(d, "割合", "Share"),
                   RP_L(d, "今週の新規", "New"),
                   RP_L(d, "対象施設", "Facilities")},
                  {70, 150, 70, 55, 55, 60, 55},
                  {0, 0, 0, 2, 2, 2, 2},
                  8.5,
                  0};
    rp_table_head(doc, &t);
    for (size_t j = 0; j < 2 * k; j++) {
        int top = j < k;
        const ranked *x = top ? &r[j] : &r[n - 2 * k + j];
        const rp_muni *m = &p->munis[x->idx];
        char c[7][64];
        snprintf(c[0], sizeof c[0], "%s",
                 top ? RP_L(d, "上昇幅 上位", "largest")
                     : RP_L(d, "上昇幅 下位", "smallest"));
        /* Name and code: the name alone may repeat across prefectures. */
        if (fk_muni_by_code(m->code))
            snprintf(c[1], sizeof c[1], "%s (%s)", fk_muni_label(m->code),
                     m->code);
        else
            snprintf(c[1], sizeof c[1], "%s", m->code);
        snprintf(c[2], sizeof c[2], "%s", rp_pref_label(m->pref, d->en));
        rp_pts(x->v, c[3], sizeof c[3]);
        rp_pct(fk_counts_rate(&m->now), c[4], sizeof c[4]);
        rp_signed((double)(m->now.adopting - m->prev.adopting), c[5],
                  sizeof c[5]);
        rp_count((double)m->now.total, c[6], sizeof c[6]);
        const char *cells[7] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
        rp_table_row(doc, &t, cells, 0);
    }
    free(r);
}

void rp_movers(rp_doc *doc, const rp_data *d)
{
    rp_heading(doc,
               RP_L(d, "5. 今週の動き（前週比）", "5. Movers (week on week)"),
               200);
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_prog *p = &d->p[i];
        if (p->all_now.total <= 0) continue;
        char s[256];
        snprintf(s, sizeof s, "%s — %s", rp_program_label(p->program, d->en),
                 RP_L(d, "都道府県", "prefectures"));
        rp_subheading(doc, s);
        pref_movers(doc, d, p);
        snprintf(s, sizeof s,
                 RP_L(d, "%s — 市区町村（%s、対象施設%d以上）",
                      "%s — municipalities (%s, %d+ facilities)"),
                 rp_program_label(p->program, d->en),
                 d->o.pref ? rp_pref_label(d->o.pref, d->en)
                           : RP_L(d, "全国", "all of Japan"),
                 MIN_MUNI_TOTAL);
        doc->y += 6;
        rp_subheading(doc, s);
        muni_movers(doc, d, p);
        doc->y += 8;
    }
}

/* ---- data quality ----------------------------------------------------------- */
/* Municipality codes fukyu's table lacks: the records are kept and the
 * codes shown as they are; the area's current ones are listed with their
 * facilities, so a new municipality after a merger is noticed. */
static void unknown_codes(rp_doc *doc, const rp_data *d, int64_t most)
{
    const rp_prog *p = &d->p[0];
    char s[512];
    size_t k = 0, shown = 0, n = 0;
    for (size_t i = 0; i < p->nmunis; i++) {
        const rp_muni *m = &p->munis[i];
        if (!m->code[0] || m->now.total <= 0 || fk_muni_by_code(m->code))
            continue;
        n++;
        if (shown < 8 && k < sizeof s - 64) {
            k += (size_t)snprintf(s + k, sizeof s - k,
                                  RP_L(d, "%s%s（%lld施設）", "%s%s (%lld)"),
                                  shown ? RP_L(d, "、", ", ") : "", m->code,
                                  (long long)m->now.total);
            shown++;
        }
    }
    char line[768];
    if (n == 0 && most == 0) {
        snprintf(line, sizeof line, "%s",
                 RP_L(d, "市区町村コードはすべて市区町村表（総務省）にある。",
                      "Every municipality code is in the municipality table "
                      "(MIC)."));
    } else {
        snprintf(line, sizeof line,
                 RP_L(d,
                      "市区町村表（総務省）にない市区町村コード：今週の取得で"
                      "最大%lld件、現在%zu件%s%s%s。記録は保持し、コードのまま"
                      "表示する（合併等で新設された市区町村の可能性）。",
                      "Municipality codes not in the table (MIC): up to %lld "
                      "in this week's pulls, %zu now%s%s%s. The records are "
                      "kept and the codes shown as they are (perhaps a "
                      "municipality formed by a merger)."),
                 (long long)most, n, n ? RP_L(d, "（", " (") : "", n ? s : "",
                 n > shown ? RP_L(d, "…）", "…)")
                 : n       ? RP_L(d, "）", ")")
                           : "");
    }
    rp_para(doc, line, 9, n || most ? INK : GREY);
}

void rp_quality(rp_doc *doc, const rp_data *d)
{
    rp_heading(doc,
               RP_L(d, "7. データ品質（今週の取得）",
                    "7. Data quality (this week's pulls)"),
               120);
    int64_t failed = 0, set_aside = 0, stored = 0, unknown = 0;
    for (size_t i = 0; i < d->npulls; i++) {
        failed += strcmp(d->pulls[i].outcome, "failed") == 0 ||
                  strcmp(d->pulls[i].outcome, "interrupted") == 0;
        stored += strcmp(d->pulls[i].outcome, "stored") == 0 ||
                  strcmp(d->pulls[i].outcome, "unchanged") == 0;
        set_aside += d->pulls[i].set_aside;
        if (d->pulls[i].unknown_munis > unknown)
            unknown = d->pulls[i].unknown_munis;
    }
    char s[512], a[32], b[32];
    fk_date_format(d->prev + 1, a);
    fk_date_format(d->o.as_of, b);
    snprintf(
        s, sizeof s,
        RP_L(
            d,
            "基準日が%s〜%sの取得：%zu回（成功%lld、失敗%lld）。除外したレコード：計%lld件。",
            "Pulls of snapshots dated %s to %s: %zu (%lld succeeded, %lld failed). Records set aside: %lld."),
        a, b, d->npulls, (long long)stored, (long long)failed,
        (long long)set_aside);
    rp_para(doc, s, 10, INK);
    unknown_codes(doc, d, unknown);
    if (d->npulls) {
        rp_table t = {8,
                      {"#", RP_L(d, "開始 (UTC)", "Started (UTC)"),
                       RP_L(d, "基準日", "As of"), RP_L(d, "結果", "Outcome"),
                       RP_L(d, "件数", "Records"), RP_L(d, "変更", "Changes"),
                       RP_L(d, "未収録コード", "Unknown codes"),
                       RP_L(d, "除外・理由", "Set aside / reason")},
                      {28, 100, 58, 50, 52, 45, 62, 120},
                      {2, 0, 0, 0, 2, 2, 2, 0},
                      8,
                      0};
        rp_table_head(doc, &t);
        for (size_t i = 0; i < d->npulls; i++) {
            const rp_pull *p = &d->pulls[i];
            char c[8][220];
            snprintf(c[0], sizeof c[0], "%lld", (long long)p->id);
            snprintf(c[1], sizeof c[1], "%.19s", p->started);
            snprintf(c[2], sizeof c[2], "%s", p->as_of[0] ? p->as_of : "—");
            snprintf(c[3], sizeof c[3], "%s", p->outcome);
            rp_count((double)p->records, c[4], sizeof c[4]);
            rp_count((double)p->changes, c[5], sizeof c[5]);
            rp_count((double)p->unknown_munis, c[6], sizeof c[6]);
            if (p->reason[0])
                snprintf(c[7], sizeof c[7], "%lld %s", (long long)p->set_aside,
                         p->reason);
            else
                snprintf(c[7], sizeof c[7], "%lld", (long long)p->set_aside);
            const char *cells[8] = {c[0], c[1], c[2], c[3],
                                    c[4], c[5], c[6], c[7]};
            rp_table_row(doc, &t, cells, strcmp(p->outcome, "failed") == 0);
        }
    }
    if (d->nrej) {
        snprintf(s, sizeof s,
                 RP_L(d, "除外の例（取得 #%lld）",
                      "Examples of records set aside (pull #%lld)"),
                 (long long)d->rej_pull);
        doc->y += 6;
        rp_subheading(doc, s);
        for (int i = 0; i < d->nrej; i++) {
            snprintf(s, sizeof s, "%s: %s",
                     d->rej_code[i][0] ? d->rej_code[i] : "—",
                     d->rej_reason[i]);
            rp_line(doc, s, 8.5, 0, GREY);
        }
    }
}

/* ---- methods ----------------------------------------------------------------- */
void rp_methods(rp_doc *doc, const rp_data *d)
{
    rp_heading(doc, RP_L(d, "8. 方法", "8. Methods"), 200);
    char s[1024], first[64];
    rp_para(
        doc,
        RP_L(
            d,
            "分母：基準日のスナップショットに含まれる施設のうち、当該事業の状態が「対象外」でない施設"
            "（廃止された施設は消えた日から分母を離れる）。運用中：状態が運用中で、運用開始日（since）が基準日"
            "以前の施設。申請済：利用申請済み・準備中でまだ運用していない施設。割合＝運用中÷分母。",
            "Denominator: facilities in the snapshot on the date whose status for the program is not "
            "not_applicable (a closed facility leaves it from the day it disappears). Operating: status "
            "operating with a start date (since) on or before the date. Applied: applied or preparing, not yet "
            "operating. Share = operating / denominator."),
        9, INK);
    if (d->first_pull >= 0) {
        rp_date(d->first_pull, d->en, first, sizeof first);
        snprintf(
            s, sizeof s,
            RP_L(
                d,
                "最初の取得（基準日%s）より前の推移は、各施設の運用開始日・申請日から再構成したもの"
                "（その後に廃止された施設は含まれないため、過去の分母はやや小さい）。",
                "History before the first pull (as of %s) is rebuilt from the facilities' since dates (facilities "
                "closed before then are missing, so early denominators are slightly low)."),
            first);
        rp_para(doc, s, 9, INK);
    }
    snprintf(s, sizeof s,
             RP_L(d, "データ源：%s（adoption-feed/1）",
                  "Source: %s (adoption-feed/1)"),
             d->feed[0] ? d->feed : RP_L(d, "不明", "unknown"));
    rp_para(doc, s, 9, INK);
    char tp[32];
    rp_pct(d->o.target, tp, sizeof tp);
    snprintf(
        s, sizeof s,
        RP_L(
            d,
            "予測：週次の観測から各手法（pace＝直近8週の増加ペース、holt、logistic、bass、"
            "pipeline＝申請済施設が運用に移る率と新規申請から）を過去の時点から繰り返し当てはめる検証"
            "（ローリング・オリジン）で比べ、誤差と区間の精度の両方で最も良い手法を自動で選ぶ（auto）。"
            "区間は同じ検証の誤差から求めた80%%区間で、今後の増加分の幅を表す（運用中の施設は減らないため、"
            "下限は現在の率を下回らない）。目標は%s。誤差（MAE）は4週先・13週先の予測と実績の差の平均（ポイント）。",
            "Forecast: each method (pace = the last 8 weeks' rate of increase, holt, logistic, bass, "
            "pipeline = applied facilities turning operational, plus new applications) is refitted at past "
            "origins on the weekly observations and the one best on both error and interval score is chosen "
            "(auto). Intervals are 80%% intervals on the increase still to come, from the same backtest "
            "errors (operating facilities stay, so no lower bound falls below today's rate). Target: %s. "
            "MAE: mean absolute error of 4- and 13-week-ahead forecasts, in percentage points."),
        tp);
    rp_para(doc, s, 9, INK);
    if (d->p[0].trend->fixed_methods)
        rp_para(
            doc,
            RP_L(
                d,
                "この報告の予測手法は、全国の同じ系列について自動選択された手法（誤差は当該地域の系列で検証）。",
                "The forecast methods here are those auto chose for the same national series (errors are "
                "measured on this area's series)."),
            9, INK);
    for (int i = 0; i < FK_NPROGRAM; i++) {
        const rp_prog *p = &d->p[i];
        rp_table t = {5,
                      {rp_program_label(p->program, d->en),
                       RP_L(d, "手法", "Method"), RP_L(d, "MAE 4週", "MAE 4w"),
                       RP_L(d, "MAE 13週", "MAE 13w"),
                       RP_L(d, "検証数", "Forecasts")},
                      {175, 80, 80, 80, 80},
                      {0, 0, 2, 2, 2},
                      8.5,
                      0};
        rp_table_head(doc, &t);
        for (int ty = 0; ty <= FK_NTYPE; ty++) {
            const fk_cd_line *l = &p->trend->line[ty];
            if (!l->nobs) continue;
            char c[5][160];
            snprintf(c[0], sizeof c[0], "%s", rp_type_label(ty, d->en));
            if (!l->has_fc) {
                snprintf(
                    c[1], sizeof c[1], "%s",
                    RP_L(d, "なし（データ不足）", "none (too little data)"));
                snprintf(c[2], sizeof c[2], "—");
                snprintf(c[3], sizeof c[3], "—");
                snprintf(c[4], sizeof c[4], "0");
            } else {
                snprintf(c[1], sizeof c[1], "%s",
                         fk_fc_method_name(l->f.method));
                if (l->has_bt)
                    snprintf(c[2], sizeof c[2], "%.2f pt", l->bt4.mae);
                else
                    snprintf(c[2], sizeof c[2], "—");
                if (l->has_bt && l->bt13.n > 0)
                    snprintf(c[3], sizeof c[3], "%.2f pt", l->bt13.mae);
                else
                    snprintf(c[3], sizeof c[3], "—");
                snprintf(c[4], sizeof c[4], "%d", l->has_bt ? l->bt4.n : 0);
            }
            const char *cells[5] = {c[0], c[1], c[2], c[3], c[4]};
            rp_table_row(doc, &t, cells, ty == FK_NTYPE);
        }
        doc->y += 8;
    }
}
