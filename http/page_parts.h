/* page_parts.h - building blocks of the dashboard's HTML (page_parts.c),
 * used by pages.c.  Private to http/. */
#ifndef FK_PAGE_PARTS_H
#define FK_PAGE_PARTS_H

#include "http/http_int.h"

/* <!DOCTYPE>, <head> with the title and inline CSS, <body>. */
void fk_page_head(fk_buf *b, const char *title);
/* "データ時点: 2025-02-09（令和7年2月9日）" */
void fk_page_asof(fk_buf *b, fk_day as_of);
/* Overall rate and a table per facility type: adopting, total, rate,
 * change against 7 days earlier, applied.  -1 on a store error. */
int fk_page_headline(fk_buf *b, fk_store *st, const char *program, int pref,
                     fk_day as_of);
/* A chart figure: the PNG when rendered (else "まだ作成されていません")
 * and links to its PDF, SVG and CSV where rendered.  dir is "national" or
 * "pref/NN". */
void fk_page_chart(fk_buf *b, const fk_http *h, const char *dir,
                   const char *kind, const char *program);
/* A list item linking a rendered file, or saying it is not there yet. */
void fk_page_link_if(fk_buf *b, const fk_http *h, const char *rel,
                     const char *label);
void fk_page_foot(fk_buf *b);
/* The prefecture a path segment names: exactly two digits, 01..47. */
const fk_pref *fk_page_pref(const char *nn);

#endif
