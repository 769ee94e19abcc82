/* followup.c - what the follow-up calls tell, on the dashboard:
 *   /followup, /followup/NN   a page per area (national or a prefecture):
 *                             contacts, outcomes, barriers (as bars drawn
 *                             in CSS, no script), by type and bed band,
 *                             and conversion against the baseline
 *   /api/v1/followup          the JSON of `fukyu followup summary --json`
 * Both need a national token, or a followup:NN token for that prefecture:
 * notes and contacts are the teams' working data, not public aggregates. */
#include "http/page_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/followup.h"

static fk_store *open_store(fk_req *r, int json, enum MHD_Result *ret)
{
    char err[600];
    fk_store *st = fk_pool_get(r->srv, err, sizeof err);
    if (!st)
        *ret = json ? fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                          "the store is not available")
                    : fk_reply_html_error(
                          r, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "データベースを開けません (store not available)");
    return st;
}

enum MHD_Result fk_route_api_followup(fk_req *r)
{
    static const char *const allowed[] = {"program", "prefecture", "from", "to",
                                          NULL};
    enum MHD_Result ret;
    fk_followup_filter f = {.from = -1, .to = -1};
    fk_day from = 0, to = 0;
    int has_from, has_to, has_prog;
    if (!fk_params_check(r, allowed, &ret) ||
        (has_prog = fk_param_program(r, &f.program, &ret)) < 0 ||
        fk_param_pref(r, &f.pref, &ret) < 0 ||
        (has_from = fk_param_date(r, "from", &from, &ret)) < 0 ||
        (has_to = fk_param_date(r, "to", &to, &ret)) < 0)
        return ret;
    if (!has_prog)
        return fk_reply_json_error(
            r, MHD_HTTP_BAD_REQUEST,
            "program: required (eprescription, ehr_sharing)");
    if (has_from) f.from = from;
    if (has_to) f.to = to;
    if (has_from && has_to && from > to)
        return fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "from: must not be after to");
    if (!fk_auth_followup(r, f.pref, 1, &ret)) return ret;
    fk_store *st = open_store(r, 1, &ret);
    if (!st) return ret;
    fk_followup_summary s;
    int rc = fk_followup_summarize(st, &f, &s);
    char msg[600];
    snprintf(msg, sizeof msg, "%s", rc < 0 ? fk_store_error(st) : "");
    fk_pool_put(r->srv, st);
    if (rc < 0)
        return fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "followup: %s", msg);
    char *js = fk_json_followup(&f, &s);
    if (!js)
        return fk_reply_json_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "out of memory");
    size_t n = strlen(js);
    ret = fk_reply(r, MHD_HTTP_OK, "application/json; charset=utf-8", js, n,
                   FK_CACHE_NOSTORE);
    free(js);
    return ret;
}

static void barriers_html(fk_buf *b, const fk_followup_summary *s)
{
    int64_t max = 1;
    for (int k = 0; k < FK_NBARRIER; k++)
        if (s->barriers[k] > max) max = s->barriers[k];
    fk_buf_printf(b,
                  "<h3>導入の障壁（複数回答、障壁を挙げた連絡 %lld 件）</h3>\n"
                  "<table class=\"bars\"><tbody>\n",
                  (long long)s->with_barrier);
    for (int k = 0; k < FK_NBARRIER; k++) {
        double share = s->with_barrier
                           ? (double)s->barriers[k] / (double)s->with_barrier
                           : 0;
        fk_buf_printf(b, "<tr><th scope=\"row\" style=\"text-align:left\">%d ",
                      k + 1);
        fk_html_put(b, fk_barriers[k].label_ja);
        fk_buf_printf(b,
                      "</th><td><span style=\"display:inline-block;height:1em;"
                      "background:#d55e00;width:%.1fem\"></span></td>"
                      "<td class=\"n\">%lld 件（%.1f%%）</td></tr>\n",
                      30.0 * (double)s->barriers[k] / (double)max,
                      (long long)s->barriers[k], 100 * share);
    }
    fk_buf_puts(b, "</tbody></table>\n<h3>施設種別・病床規模別</h3>\n"
                   "<table><thead><tr><th scope=\"col\">区分</th>");
    for (int k = 0; k < FK_NBARRIER; k++)
        fk_buf_printf(b, "<th scope=\"col\">%d</th>", k + 1);
    fk_buf_puts(b, "</tr></thead><tbody>\n");
    for (int r = 0; r < FK_NTYPE + FK_NBEDBAND; r++) {
        const int64_t *v =
            r < FK_NTYPE ? s->by_type[r] : s->by_beds[r - FK_NTYPE];
        fk_buf_puts(b, "<tr><th scope=\"row\">");
        if (r < FK_NTYPE)
            fk_html_put(b, fk_types[r].label_ja);
        else if (r - FK_NTYPE == FK_NBEDBAND - 1)
            fk_buf_puts(b, "病床数不明");
        else
            fk_buf_printf(b, "病床 %s", fk_bed_bands[r - FK_NTYPE]);
        fk_buf_puts(b, "</th>");
        for (int k = 0; k < FK_NBARRIER; k++)
            fk_buf_printf(b, "<td class=\"n\">%lld</td>", (long long)v[k]);
        fk_buf_puts(b, "</tr>\n");
    }
    fk_buf_puts(b, "</tbody></table>\n");
}

static void conversion_html(fk_buf *b, const fk_followup_summary *s)
{
    fk_buf_puts(
        b,
        "<h3>連絡の効果</h3>\n<table><thead><tr><th scope=\"col\">初回連絡から"
        "</th><th scope=\"col\">対象施設</th><th scope=\"col\">うち運用開始"
        "</th><th scope=\"col\">割合</th><th scope=\"col\">未連絡の比較対象"
        "</th></tr></thead><tbody>\n");
    for (int h = 0; h < FK_NHORIZON; h++) {
        const fk_conversion *c = &s->conv[h];
        fk_buf_printf(b,
                      "<tr><th scope=\"row\">%d日後</th><td class=\"n\">%lld"
                      "</td><td class=\"n\">%lld</td>",
                      fk_horizons[h], (long long)c->contacted,
                      (long long)c->adopted);
        if (c->contacted)
            fk_buf_printf(b, "<td class=\"n\">%.1f%%</td>", 100 * c->rate);
        else
            fk_buf_puts(b, "<td class=\"n\">—</td>");
        if (c->baseline_n)
            fk_buf_printf(b, "<td class=\"n\">%.1f%%</td></tr>\n",
                          100 * c->baseline_rate);
        else
            fk_buf_puts(b, "<td class=\"n\">—</td></tr>\n");
    }
    fk_buf_puts(
        b,
        "</tbody></table>\n<p>対象施設：初回連絡の時点で未運用で、その日数が"
        "データ時点までに経過した施設。比較対象：一度も連絡していない同じ種別・"
        "都道府県の施設のうち、初回連絡の日に同じ状況（未着手または申請済）"
        "だったものの運用割合（連絡した各施設の比較対象の平均）。</p>\n");
}

/* One program's part of the page; -1 on a store error. */
static int program_html(fk_buf *b, fk_store *st, const fk_program_info *p,
                        int pref)
{
    fk_followup_filter f = {
        .program = p->key, .pref = pref, .from = -1, .to = -1};
    fk_followup_summary s;
    if (fk_followup_summarize(st, &f, &s) < 0) return -1;
    fk_buf_printf(b, "<section><h2 id=\"%s\">", p->key);
    fk_html_put(b, p->label_ja);
    fk_buf_puts(b, "</h2>\n");
    if (!s.contacts) {
        fk_buf_puts(b,
                    "<p class=\"missing\">フォローアップの記録はまだありません"
                    "</p></section>\n");
        return 0;
    }
    fk_buf_printf(b,
                  "<p class=\"headline\">連絡 <strong>%lld</strong> 件"
                  "（%lld 施設）</p>\n<table><thead><tr>",
                  (long long)s.contacts, (long long)s.facilities);
    for (int i = 0; i < FK_NOUTCOME; i++) {
        fk_buf_puts(b, "<th scope=\"col\">");
        fk_html_put(b, fk_outcomes[i].label_ja);
        fk_buf_puts(b, "</th>");
    }
    fk_buf_puts(b, "</tr></thead><tbody><tr>");
    for (int i = 0; i < FK_NOUTCOME; i++)
        fk_buf_printf(b, "<td class=\"n\">%lld</td>", (long long)s.outcomes[i]);
    fk_buf_puts(b, "</tr></tbody></table>\n");
    barriers_html(b, &s);
    conversion_html(b, &s);
    fk_buf_printf(b, "<p><a href=\"/api/v1/followup?program=%s", p->key);
    if (pref) fk_buf_printf(b, "&amp;prefecture=%02d", pref);
    fk_buf_puts(b, "\">JSON</a></p></section>\n");
    return 0;
}

enum MHD_Result fk_route_followup(fk_req *r)
{
    static const char *const none[] = {NULL};
    const char *nn = r->url + strlen("/followup");
    const fk_pref *pf = NULL;
    if (*nn) {
        pf = fk_page_pref(nn + 1); /* after the slash */
        if (!pf)
            return fk_reply_html_error(
                r, MHD_HTTP_NOT_FOUND,
                "都道府県コードは 01〜47 です (no such prefecture)");
    }
    int pref = pf ? pf->code : 0;
    enum MHD_Result ret;
    if (!fk_params_check(r, none, &ret) || !fk_auth_followup(r, pref, 0, &ret))
        return ret;
    fk_store *st = open_store(r, 0, &ret);
    if (!st) return ret;
    fk_day as_of;
    if (fk_store_latest_as_of(st, &as_of) < 0) {
        fk_pool_put(r->srv, st);
        return fk_reply_html_error(
            r, MHD_HTTP_SERVICE_UNAVAILABLE,
            "まだデータがありません（最初の取得が完了していません）");
    }
    char title[256];
    snprintf(title, sizeof title, "フォローアップの状況（%s）",
             pf ? pf->name_ja : "全国");
    fk_buf b = {0};
    fk_page_head(&b, title);
    fk_buf_puts(&b, "<header><h1>");
    fk_html_put(&b, title);
    fk_buf_puts(&b, "</h1>\n");
    fk_page_asof(&b, as_of);
    if (pf)
        fk_buf_printf(&b, "<nav><a href=\"/prefecture/%s\">普及状況</a></nav>",
                      pf->code2);
    else
        fk_buf_puts(&b, "<nav><a href=\"/\">普及状況</a></nav>");
    fk_buf_puts(&b, "</header>\n");
    int failed = 0;
    for (int p = 0; p < FK_NPROGRAM && !failed; p++)
        failed = program_html(&b, st, &fk_programs[p], pref) < 0;
    fk_pool_put(r->srv, st);
    fk_page_foot(&b);
    if (b.oom)
        ret = MHD_NO;
    else if (failed)
        ret = fk_reply_html_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  "集計を読み出せませんでした (store error)");
    else
        ret = fk_reply(r, MHD_HTTP_OK, "text/html; charset=utf-8", b.p, b.len,
                       FK_CACHE_NOSTORE);
    fk_buf_free(&b);
    return ret;
}
