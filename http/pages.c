/* pages.c - the dashboard's two pages, built from the read-only store on
 * each request (a handful of indexed sums; charts are only linked):
 *   /                 national overview: headline per program, national
 *                     charts, reports, the 47 prefectures as a table
 *   /prefecture/NN    the same for one prefecture, with its municipalities */
#include "http/page_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const national_kinds[] = {"trend", "funnel", "ranking",
                                             "map", "weekly"};
static const char *const pref_kinds[] = {"trend", "funnel", "ranking",
                                         "municipalities", "weekly"};

/* Checks parameters and access and takes a store connection.  Answers
 * from the page cache when the page cannot have changed (NULL, *ret set);
 * else returns the connection, the key to keep the page under and the
 * latest as_of.  The key is read before anything the page shows: a pull
 * committing meanwhile leaves the page kept under the older key, which the
 * next request no longer matches, so a stale page is never kept as new. */
static fk_store *begin(fk_req *r, int pref, fk_day *as_of, uint64_t *key,
                       int *have_key, enum MHD_Result *ret)
{
    static const char *const none[] = {NULL};
    if (!fk_params_check(r, none, ret) || !fk_auth_aggregate(r, 0, ret))
        return NULL;
    char err[600];
    fk_store *st = fk_pool_get(r->srv, err, sizeof err);
    if (!st) {
        *ret = fk_reply_html_error(
            r, MHD_HTTP_SERVICE_UNAVAILABLE,
            "データベースを開けません (store not available)");
        return NULL;
    }
    char *body;
    size_t len;
    *have_key = fk_page_key(r->srv, st, pref, key) == 0;
    if (*have_key && fk_page_cached(r->srv, pref, *key, &body, &len)) {
        fk_pool_put(r->srv, st);
        *ret = fk_reply(r, MHD_HTTP_OK, "text/html; charset=utf-8", body, len,
                        FK_CACHE_REVALIDATE);
        free(body);
        return NULL;
    }
    if (fk_store_latest_as_of(st, as_of) < 0) {
        fk_pool_put(r->srv, st);
        *ret = fk_reply_html_error(
            r, MHD_HTTP_SERVICE_UNAVAILABLE,
            "まだデータがありません（最初の取得が完了していません）");
        return NULL;
    }
    return st;
}

static enum MHD_Result finish(fk_req *r, fk_store *st, fk_buf *b, int failed,
                              int pref, uint64_t key, int have_key)
{
    fk_pool_put(r->srv, st);
    enum MHD_Result ret;
    if (b->oom)
        ret = MHD_NO;
    else if (failed)
        ret = fk_reply_html_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  "集計を読み出せませんでした (store error)");
    else {
        if (have_key) fk_page_keep(r->srv, pref, key, b->p, b->len);
        ret = fk_reply(r, MHD_HTTP_OK, "text/html; charset=utf-8", b->p, b->len,
                       FK_CACHE_REVALIDATE);
    }
    fk_buf_free(b);
    return ret;
}

static int pref_table(fk_buf *b, fk_store *st, fk_day as_of)
{
    fk_counts c[FK_NPROGRAM][FK_NPREF];
    for (int p = 0; p < FK_NPROGRAM; p++)
        if (fk_store_counts_by_pref(st, fk_programs[p].key, as_of, -1, c[p]) <
            0)
            return -1;
    fk_buf_puts(
        b,
        "<h2 id=\"prefectures\">都道府県別</h2>\n<table><thead><tr><th scope=\"col\">都道府県</th>"
        "<th scope=\"col\">地方</th>");
    for (int p = 0; p < FK_NPROGRAM; p++) {
        fk_buf_puts(b, "<th scope=\"col\">");
        fk_html_put(b, fk_programs[p].label_ja);
        fk_buf_puts(b, "</th>");
    }
    fk_buf_puts(b, "</tr></thead><tbody>\n");
    for (int i = 0; i < FK_NPREF; i++) {
        const fk_pref *pf = &fk_prefs[i];
        fk_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/prefecture/%s\">",
                      pf->code2);
        fk_html_put(b, pf->name_ja);
        fk_buf_puts(b, "</a></th><td>");
        fk_html_put(b, pf->region_ja);
        fk_buf_puts(b, "</td>");
        for (int p = 0; p < FK_NPROGRAM; p++)
            fk_buf_printf(b, "<td class=\"n\">%.1f%%（%lld / %lld）</td>",
                          100 * fk_counts_rate(&c[p][i]),
                          (long long)c[p][i].adopting,
                          (long long)c[p][i].total);
        fk_buf_puts(b, "</tr>\n");
    }
    fk_buf_puts(b, "</tbody></table>\n");
    return 0;
}

enum MHD_Result fk_route_home(fk_req *r)
{
    enum MHD_Result ret;
    fk_day as_of;
    uint64_t key;
    int have_key;
    fk_store *st = begin(r, 0, &as_of, &key, &have_key, &ret);
    if (!st) return ret;
    fk_buf b = {0};
    int failed = 0;
    fk_page_head(&b,
                 "電子処方箋・電子カルテ情報共有サービスの普及状況（全国）");
    fk_buf_puts(
        &b,
        "<header><h1>電子処方箋・電子カルテ情報共有サービスの普及状況（全国）</h1>\n");
    fk_page_asof(&b, as_of);
    fk_buf_puts(&b, "<nav>");
    for (int p = 0; p < FK_NPROGRAM; p++) {
        fk_buf_printf(&b, "<a href=\"#%s\">", fk_programs[p].key);
        fk_html_put(&b, fk_programs[p].label_ja);
        fk_buf_puts(&b, "</a>");
    }
    fk_buf_puts(
        &b,
        "<a href=\"#prefectures\">都道府県別</a><a href=\"#reports\">レポート</a></nav></header>\n");
    for (int p = 0; p < FK_NPROGRAM && !failed; p++) {
        const char *prog = fk_programs[p].key;
        fk_buf_printf(&b, "<section><h2 id=\"%s\">", prog);
        fk_html_put(&b, fk_programs[p].label_ja);
        fk_buf_puts(&b, "</h2>\n");
        failed = fk_page_headline(&b, st, prog, 0, as_of) < 0;
        for (size_t k = 0; k < sizeof national_kinds / sizeof national_kinds[0];
             k++)
            fk_page_chart(&b, r->srv, "national", national_kinds[k], prog);
        fk_buf_puts(&b, "</section>\n");
    }
    fk_buf_puts(&b, "<h2 id=\"reports\">レポート</h2><ul>\n");
    fk_page_link_if(&b, r->srv, "reports/weekly/latest.pdf",
                    "週次レポート（最新、PDF）");
    fk_buf_puts(&b, "</ul>\n");
    if (!failed) failed = pref_table(&b, st, as_of) < 0;
    fk_page_foot(&b);
    return finish(r, st, &b, failed, 0, key, have_key);
}

static int muni_table(fk_buf *b, fk_store *st, int pref, fk_day as_of)
{
    fk_muni_counts *m[FK_NPROGRAM] = {0};
    size_t n[FK_NPROGRAM] = {0};
    int rc = 0;
    for (int p = 0; p < FK_NPROGRAM && rc == 0; p++)
        rc = fk_store_counts_by_muni(st, fk_programs[p].key, as_of, pref, -1,
                                     &m[p], &n[p]);
    if (rc == 0 && n[0] > 0) {
        fk_buf_puts(
            b, "<h2 id=\"municipalities\">市区町村別</h2>\n<table><thead><tr>"
               "<th scope=\"col\">市区町村</th><th scope=\"col\">コード</th>");
        for (int p = 0; p < FK_NPROGRAM; p++) {
            fk_buf_puts(b, "<th scope=\"col\">");
            fk_html_put(b, fk_programs[p].label_ja);
            fk_buf_puts(b, "</th>");
        }
        fk_buf_puts(b, "</tr></thead><tbody>\n");
        /* Both lists are sorted by code; walk the first and look each code
         * up in the others. */
        size_t j[FK_NPROGRAM] = {0};
        for (size_t i = 0; i < n[0]; i++) {
            fk_buf_puts(b, "<tr><th scope=\"row\">");
            fk_html_put(b, fk_muni_label(m[0][i].code));
            fk_buf_puts(b, "</th><td>");
            fk_html_put(b, m[0][i].code);
            fk_buf_puts(b, "</td>");
            for (int p = 0; p < FK_NPROGRAM; p++) {
                while (j[p] < n[p] && strcmp(m[p][j[p]].code, m[0][i].code) < 0)
                    j[p]++;
                if (j[p] < n[p] && !strcmp(m[p][j[p]].code, m[0][i].code)) {
                    const fk_counts *c = &m[p][j[p]].c;
                    fk_buf_printf(b,
                                  "<td class=\"n\">%.1f%%（%lld / %lld）</td>",
                                  100 * fk_counts_rate(c),
                                  (long long)c->adopting, (long long)c->total);
                } else {
                    fk_buf_puts(b, "<td class=\"n\">—</td>");
                }
            }
            fk_buf_puts(b, "</tr>\n");
        }
        fk_buf_puts(b, "</tbody></table>\n");
    }
    for (int p = 0; p < FK_NPROGRAM; p++) free(m[p]);
    return rc;
}

enum MHD_Result fk_route_pref(fk_req *r)
{
    const char *nn = r->url + strlen("/prefecture/");
    const fk_pref *pf = fk_page_pref(nn);
    if (!pf)
        return fk_reply_html_error(
            r, MHD_HTTP_NOT_FOUND,
            "都道府県コードは 01〜47 です (no such prefecture)");
    enum MHD_Result ret;
    fk_day as_of;
    uint64_t key;
    int have_key;
    fk_store *st = begin(r, pf->code, &as_of, &key, &have_key, &ret);
    if (!st) return ret;
    fk_buf b = {0};
    int failed = 0;
    char title[256], dir[16], rel[96];
    snprintf(title, sizeof title,
             "電子処方箋・電子カルテ情報共有サービスの普及状況（%s）",
             pf->name_ja);
    snprintf(dir, sizeof dir, "pref/%s", pf->code2);
    fk_page_head(&b, title);
    fk_buf_puts(&b, "<header><h1>");
    fk_html_put(&b, title);
    fk_buf_puts(&b, "</h1>\n");
    fk_page_asof(&b, as_of);
    fk_buf_puts(&b, "<nav><a href=\"/\">全国</a>");
    for (int p = 0; p < FK_NPROGRAM; p++) {
        fk_buf_printf(&b, "<a href=\"#%s\">", fk_programs[p].key);
        fk_html_put(&b, fk_programs[p].label_ja);
        fk_buf_puts(&b, "</a>");
    }
    fk_buf_puts(&b,
                "<a href=\"#municipalities\">市区町村別</a></nav></header>\n");
    for (int p = 0; p < FK_NPROGRAM && !failed; p++) {
        const char *prog = fk_programs[p].key;
        fk_buf_printf(&b, "<section><h2 id=\"%s\">", prog);
        fk_html_put(&b, fk_programs[p].label_ja);
        fk_buf_puts(&b, "</h2>\n");
        failed = fk_page_headline(&b, st, prog, pf->code, as_of) < 0;
        for (size_t k = 0; k < sizeof pref_kinds / sizeof pref_kinds[0]; k++)
            fk_page_chart(&b, r->srv, dir, pref_kinds[k], prog);
        fk_buf_puts(&b, "</section>\n");
    }
    fk_buf_puts(&b, "<h2>レポート</h2><ul>\n");
    snprintf(rel, sizeof rel, "reports/prefecture/%s/latest.pdf", pf->code2);
    fk_page_link_if(&b, r->srv, rel, "都道府県レポート（最新、PDF）");
    fk_buf_puts(&b, "</ul>\n");
    if (!failed) failed = muni_table(&b, st, pf->code, as_of) < 0;
    fk_page_foot(&b);
    return finish(r, st, &b, failed, pf->code, key, have_key);
}
