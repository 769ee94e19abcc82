/* jsonarena.c - bump allocation for cJSON page trees (see jsonarena.h).
 *
 * Blocks double in size as a page needs more; reset keeps only the
 * largest, so after the first page a page parses in one block and memory
 * is bounded by the largest page's tree. */
#include "collector/jsonarena.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define FIRST_BLOCK ((size_t)1 << 20)

typedef struct block {
    struct block *next;
    size_t size, used;
    max_align_t data[];
} block;

struct fk_jsonarena {
    block *head; /* the block being filled; older ones follow */
};

static _Thread_local fk_jsonarena *current;

static void *arena_malloc(size_t n)
{
    fk_jsonarena *a = current;
    if (!a) return malloc(n);
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = b ? b->size * 2 : FIRST_BLOCK;
        while (size < n) size *= 2;
        block *nb = malloc(sizeof *nb + size);
        if (!nb) return NULL;
        nb->next = b;
        nb->size = size;
        nb->used = 0;
        a->head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(void *p)
{
    /* Inside an arena nothing is freed one by one: cJSON only frees a
     * tree (or a partial one after a parse error), and reset drops it. */
    if (!current) free(p);
}

static void install(void)
{
    cJSON_Hooks h = {arena_malloc, arena_free};
    cJSON_InitHooks(&h);
}

void fk_jsonarena_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
}

fk_jsonarena *fk_jsonarena_new(void)
{
    fk_jsonarena_init();
    return calloc(1, sizeof(fk_jsonarena));
}

void fk_jsonarena_use(fk_jsonarena *a)
{
    current = a;
}

void fk_jsonarena_reset(fk_jsonarena *a)
{
    if (!a || !a->head) return;
    block *keep = a->head, *b = keep->next; /* the newest is the largest */
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    keep->next = NULL;
    keep->used = 0;
    a->head = keep;
}

void fk_jsonarena_free(fk_jsonarena *a)
{
    if (!a) return;
    if (current == a) current = NULL;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}
