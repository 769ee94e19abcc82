/* alloc.h - fukyu's one out-of-memory policy.
 *
 * Two kinds of allocation, two answers:
 *
 * - Fixed or bounded allocations (a struct, a table sized by the reference
 *   data, a copy of a config string) go through fk_xmalloc and friends.
 *   When one fails the process prints "fukyu: out of memory" and aborts.
 *   That is safe: every store write is one SQLite transaction, which a
 *   crash rolls back, and every published file is renamed into place only
 *   when complete (core/file.h), so nothing stored is lost or half
 *   written; systemd restarts the daemon.
 *
 * - Growth sized by outside input (a feed page, an HTTP reply, a chart,
 *   an export line) goes through fk_buf (core/buf.h).  A failed growth
 *   sets the buffer's sticky oom flag; the one request, pull or export
 *   checks it once and fails cleanly with an error, and the process goes
 *   on serving the others.
 *
 * Code outside these two never checks malloc's result itself. */
#ifndef FK_ALLOC_H
#define FK_ALLOC_H

#include <stddef.h>

void *fk_xmalloc(size_t n);
/* Zeroed; n * size is checked for overflow. */
void *fk_xcalloc(size_t n, size_t size);
/* n * size bytes, checked for overflow. */
void *fk_xrealloc(void *p, size_t n, size_t size);
char *fk_xstrdup(const char *s);
/* Prints "fukyu: out of memory" and aborts. */
_Noreturn void fk_oom(void);

#endif
