/* buf.c - the growable byte buffer with a sticky out-of-memory flag (see
 * buf.h for the contract and core/alloc.h for why it is sticky). */
#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int (*fk_buf_fail_hook)(size_t want);

char *fk_buf_reserve(fk_buf *b, size_t extra)
{
    if (b->oom) return NULL;
    if (extra > SIZE_MAX / 2 - b->len) goto fail;
    size_t want = b->len + extra + 1;
    if (want <= b->cap) return b->p + b->len;
    if (b->max && want > b->max) goto fail;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < want) cap *= 2;
    if (b->max && cap > b->max) cap = b->max;
    if (fk_buf_fail_hook && fk_buf_fail_hook(cap)) goto fail;
    char *p = realloc(b->p, cap);
    if (!p) goto fail;
    if (!b->p) p[0] = '\0';
    b->p = p;
    b->cap = cap;
    return b->p + b->len;
fail:
    b->oom = 1;
    return NULL;
}

int fk_buf_put(fk_buf *b, const void *s, size_t n)
{
    char *o = fk_buf_reserve(b, n);
    if (!o) return -1;
    if (n) memcpy(o, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int fk_buf_puts(fk_buf *b, const char *s)
{
    return fk_buf_put(b, s, strlen(s));
}

int fk_buf_putc(fk_buf *b, int c)
{
    char ch = (char)c;
    return fk_buf_put(b, &ch, 1);
}

int fk_buf_vprintf(fk_buf *b, const char *fmt, va_list ap)
{
    if (b->oom) return -1;
    va_list ap2;
    va_copy(ap2, ap);
    /* Usually the text fits in the room already there: one pass. */
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        if (b->p) b->p[b->len] = '\0';
        return -1;
    }
    if ((size_t)n >= room) {
        if (!fk_buf_reserve(b, (size_t)n)) {
            va_end(ap2);
            if (b->p) b->p[b->len] = '\0';
            return -1;
        }
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    b->len += (size_t)n;
    return 0;
}

int fk_buf_printf(fk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = fk_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

void fk_buf_reset(fk_buf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->p) b->p[0] = '\0';
}

char *fk_buf_detach(fk_buf *b, size_t *len)
{
    if (!b->oom && !b->p) fk_buf_reserve(b, 0);
    char *p = b->oom ? NULL : b->p;
    if (len) *len = p ? b->len : 0;
    if (!p) free(b->p);
    size_t max = b->max;
    *b = (fk_buf){.max = max};
    return p;
}

void fk_buf_free(fk_buf *b)
{
    free(b->p);
    size_t max = b->max;
    *b = (fk_buf){.max = max};
}
