/* buf.h - the one growable byte buffer: pages, replies, charts, CSV, feed
 * bodies and the simulator's output are all built in an fk_buf.
 *
 * Out of memory is sticky (see core/alloc.h): when a growth fails, oom is
 * set, the contents stay as they were, and every later call is a no-op
 * until fk_buf_reset.  The caller writes without checking and looks at
 * b->oom once at the end.  The contents are always NUL-terminated once
 * anything has been written (p may be NULL while the buffer is empty).
 *
 * A zeroed fk_buf is an empty buffer: `fk_buf b = {0};`.  max > 0 caps the
 * size: growth past max bytes (the NUL included) counts as a failure. */
#ifndef FK_BUF_H
#define FK_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct fk_buf {
    char *p;
    size_t len, cap;
    size_t max; /* 0: no cap */
    int oom;    /* a growth failed: p holds what was written before it */
} fk_buf;

/* Room for extra more bytes (and the NUL); returns p + len, or NULL when
 * the buffer is (now) out of memory.  The caller then adds to len. */
char *fk_buf_reserve(fk_buf *b, size_t extra);
/* Each returns 0, or -1 when the buffer is out of memory. */
int fk_buf_put(fk_buf *b, const void *s, size_t n);
int fk_buf_puts(fk_buf *b, const char *s);
int fk_buf_putc(fk_buf *b, int c);
int fk_buf_printf(fk_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fk_buf_vprintf(fk_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Empties the buffer and clears oom; the memory is kept for reuse. */
void fk_buf_reset(fk_buf *b);
/* Hands the contents (NUL-terminated, never NULL unless oom) to the
 * caller, who frees them; the buffer is left empty.  *len may be NULL. */
char *fk_buf_detach(fk_buf *b, size_t *len);
void fk_buf_free(fk_buf *b);

/* Tests: when set, the next growth fails once the hook returns nonzero. */
extern int (*fk_buf_fail_hook)(size_t want);

#endif
