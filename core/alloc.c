/* alloc.c - allocation that aborts on failure (the policy is in alloc.h). */
#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void fk_oom(void)
{
    /* write(2), not stdio: stdio may itself need memory. */
    static const char msg[] = "fukyu: out of memory\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    abort();
}

void *fk_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) fk_oom();
    return p;
}

void *fk_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) fk_oom();
    return p;
}

void *fk_xrealloc(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) fk_oom();
    size_t bytes = n * size;
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q) fk_oom();
    return q;
}

char *fk_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = fk_xmalloc(n);
    memcpy(p, s, n);
    return p;
}
