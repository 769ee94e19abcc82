/* buf.c - a growing text buffer for building pages and bodies, with HTML
 * escaping.  Allocation failure is remembered (oom) rather than reported
 * at every call, so page code stays readable; the caller checks once. */
#include "http/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(fk_sbuf *b, size_t more)
{
    if (b->oom) return -1;
    if (b->len + more + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void fk_sb_put(fk_sbuf *b, const char *s, size_t n)
{
    if (reserve(b, n) < 0) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void fk_sb_puts(fk_sbuf *b, const char *s)
{
    fk_sb_put(b, s, strlen(s));
}

void fk_sb_printf(fk_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) < 0) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void fk_sb_html(fk_sbuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': fk_sb_puts(b, "&amp;"); break;
        case '<': fk_sb_puts(b, "&lt;"); break;
        case '>': fk_sb_puts(b, "&gt;"); break;
        case '"': fk_sb_puts(b, "&quot;"); break;
        case '\'': fk_sb_puts(b, "&#39;"); break;
        default: fk_sb_put(b, p, 1);
        }
    }
}

void fk_sb_free(fk_sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
