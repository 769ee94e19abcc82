/* html.c - HTML escaping into an fk_buf, for pages and attributes. */
#include "http/http_int.h"

#include <string.h>

void fk_html_put(fk_buf *b, const char *s)
{
    const char *run = s;
    for (const char *p = s;; p++) {
        const char *e = NULL;
        switch (*p) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        case '\0': break;
        default: continue;
        }
        fk_buf_put(b, run, (size_t)(p - run));
        if (!e) return;
        fk_buf_puts(b, e);
        run = p + 1;
    }
}
