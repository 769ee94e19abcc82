/* page_parts.c - the pieces the dashboard's HTML pages are built from:
 * head with inline CSS, headline table per program, chart figures (with
 * links to the PDF, SVG and CSV versions), footer.  Everything shown is
 * escaped; no scripts and no external assets. */
#include "http/page_parts.h"

#include <stdio.h>
#include <string.h>

static const char css[] =
    "body{font-family:'Noto Sans CJK JP','Hiragino Sans',sans-serif;margin:0 auto;max-width:1240px;"
    "padding:0 16px 32px;color:#222;line-height:1.6}"
    "header{border-bottom:3px solid #1f5f8b;margin-bottom:16px}h1{font-size:1.5em;margin:16px 0 4px}"
    "h2{font-size:1.25em;border-left:6px solid #1f5f8b;padding-left:8px;margin-top:32px}"
    "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px}"
    "th{background:#eef3f7}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".up{color:#0a6b2d}.down{color:#a31515}figure{margin:16px 0}"
    "figure img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:.95em;font-weight:bold}"
    ".missing{color:#777;font-style:italic}nav a{margin-right:12px}footer{margin-top:32px;"
    "font-size:.85em;color:#555;border-top:1px solid #ccc}";

static const struct {
    const char *key, *label;
} kinds[] = {
    {"trend", "普及率の推移"},
    {"funnel", "導入段階（未着手・申請済・運用中）"},
    {"ranking", "都道府県別の普及率"},
    {"map", "都道府県別の普及率（地図）"},
    {"municipalities", "市区町村別の普及率"},
    {"weekly", "週ごとの新規運用開始"},
};

static const char *kind_label(const char *key)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].key, key)) return kinds[i].label;
    return key;
}

void fk_page_head(fk_buf *b, const char *title)
{
    fk_buf_puts(
        b,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    fk_html_put(b, title);
    fk_buf_printf(b, "</title><style>%s</style></head>\n<body>\n", css);
}

void fk_page_asof(fk_buf *b, fk_day as_of)
{
    char iso[FK_DATE_LEN], wa[64];
    fk_buf_puts(b, "<p>データ時点: <time datetime=\"");
    fk_buf_puts(b, fk_date_format(as_of, iso));
    fk_buf_puts(b, "\">");
    fk_buf_puts(b, iso);
    fk_buf_puts(b, "（");
    fk_html_put(b, fk_date_wareki(as_of, wa, sizeof wa));
    fk_buf_puts(b, "）</time></p>\n");
}

static void sum(const fk_counts by[FK_NTYPE], fk_counts *all)
{
    *all = (fk_counts){0, 0, 0};
    for (int t = 0; t < FK_NTYPE; t++) {
        all->adopting += by[t].adopting;
        all->applied += by[t].applied;
        all->total += by[t].total;
    }
}

static void row(fk_buf *b, const char *label, const fk_counts *now,
                const fk_counts *prev, double cov)
{
    double pt = 100 * (fk_counts_rate(now) - fk_counts_rate(prev));
    long long d = (long long)(now->adopting - prev->adopting);
    fk_buf_puts(b, "<tr><th scope=\"row\">");
    fk_html_put(b, label);
    fk_buf_printf(
        b,
        "</th><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%.1f%%</td>"
        "<td class=\"n\">%.1f%%</td>"
        "<td class=\"n %s\">%+.2f pt（%+lld）</td><td class=\"n\">%lld</td></tr>\n",
        (long long)now->adopting, (long long)now->total,
        100 * fk_counts_rate(now), 100 * cov,
        pt > 0   ? "up"
        : pt < 0 ? "down"
                 : "",
        pt, d, (long long)now->applied);
}

int fk_page_headline(fk_buf *b, fk_store *st, const char *program, int pref,
                     fk_day as_of)
{
    fk_area area = {pref, ""};
    fk_counts now[FK_NTYPE], prev[FK_NTYPE], all_now, all_prev;
    double cov[FK_NTYPE + 1];
    if (fk_store_counts(st, program, as_of, &area, now) < 0 ||
        fk_store_counts(st, program, as_of - 7, &area, prev) < 0 ||
        fk_store_coverage(st, program, as_of, pref, cov) < 0)
        return -1;
    sum(now, &all_now);
    sum(prev, &all_prev);
    fk_buf_printf(
        b,
        "<p class=\"headline\">全体の普及率 <strong>%.1f%%</strong>（%lld / %lld 施設）</p>\n",
        100 * fk_counts_rate(&all_now), (long long)all_now.adopting,
        (long long)all_now.total);
    fk_buf_puts(
        b,
        "<table><thead><tr><th scope=\"col\">施設種別</th><th scope=\"col\">運用中</th>"
        "<th scope=\"col\">対象施設</th><th scope=\"col\">普及率</th>"
        "<th scope=\"col\" title=\"運用中の施設が1つ以上ある市区町村の"
        "人口（2020年国勢調査）の割合\">人口カバー率</th>"
        "<th scope=\"col\">前週比</th><th scope=\"col\">申請済（未運用）</th></tr></thead><tbody>\n");
    for (int t = 0; t < FK_NTYPE; t++)
        row(b, fk_types[t].label_ja, &now[t], &prev[t], cov[t]);
    row(b, "合計", &all_now, &all_prev, cov[FK_NTYPE]);
    fk_buf_puts(b, "</tbody></table>\n");
    return 0;
}

void fk_page_chart(fk_buf *b, const fk_http *h, const char *dir,
                   const char *kind, const char *program)
{
    static const char *const other[] = {"pdf", "svg", "csv"};
    char rel[160];
    const char *label = kind_label(kind);
    /* The caption comes first so that a missing chart reads as
     * "title: not yet made" rather than floating under the previous one. */
    fk_buf_puts(b, "<figure><figcaption>");
    fk_html_put(b, label);
    for (int i = 0; i < 3; i++) {
        snprintf(rel, sizeof rel, "charts/%s/%s-%s.%s", dir, kind, program,
                 other[i]);
        if (fk_rendered_exists(h, rel))
            fk_buf_printf(b, " <a href=\"/%s\">%s</a>", rel, other[i]);
    }
    fk_buf_puts(b, "</figcaption>");
    snprintf(rel, sizeof rel, "charts/%s/%s-%s.png", dir, kind, program);
    if (fk_rendered_exists(h, rel)) {
        fk_buf_printf(b, "<img src=\"/%s\" alt=\"", rel);
        fk_html_put(b, label);
        fk_buf_puts(b, "\" width=\"1200\" height=\"700\">");
    } else {
        fk_buf_puts(b, "<p class=\"missing\">まだ作成されていません</p>");
    }
    fk_buf_puts(b, "</figure>\n");
}

void fk_page_link_if(fk_buf *b, const fk_http *h, const char *rel,
                     const char *label)
{
    if (fk_rendered_exists(h, rel)) {
        fk_buf_printf(b, "<li><a href=\"/%s\">", rel);
        fk_html_put(b, label);
        fk_buf_puts(b, "</a></li>\n");
    } else {
        fk_buf_puts(b, "<li>");
        fk_html_put(b, label);
        fk_buf_puts(b, "（まだ作成されていません）</li>\n");
    }
}

void fk_page_foot(fk_buf *b)
{
    fk_buf_puts(
        b,
        "<footer><p>出典: 医療機関等の導入状況フィード（adoption-feed/1）を fukyu が集計。"
        "普及率 = 運用中の施設 ÷ 対象施設（対象外を除く）。</p>"
        "<p>データ: <a href=\"/api/v1/summary?program=eprescription\">API（JSON）</a> · "
        "<a href=\"/healthz\">稼働状況</a></p></footer>\n</body></html>\n");
}

const fk_pref *fk_page_pref(const char *nn)
{
    if (strlen(nn) == 2 && nn[0] >= '0' && nn[0] <= '9' && nn[1] >= '0' &&
        nn[1] <= '9')
        return fk_pref_by_str(nn);
    return NULL;
}
