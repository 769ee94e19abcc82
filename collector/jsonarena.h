/* jsonarena.h - cJSON trees of feed pages allocated from one arena
 * (internal to collector/).
 *
 * A page of 5,000 records is some 200,000 cJSON nodes and strings; with
 * malloc and free for each, allocation was half the cost of parsing a
 * pull.  While an arena is active on a thread, cJSON allocates from it by
 * bumping a pointer and frees nothing; fk_jsonarena_reset() drops a whole
 * page at once.  cJSON's hooks are process-wide, so they are installed
 * once (fk_jsonarena_init); on threads without an active arena they are
 * plain malloc and free, and other cJSON users see no difference. */
#ifndef FK_JSONARENA_H
#define FK_JSONARENA_H

#include <stddef.h>

typedef struct fk_jsonarena fk_jsonarena;

/* Installs the hooks; idempotent and thread-safe, but call it before
 * other threads use cJSON (fk_collect_init does). */
void fk_jsonarena_init(void);
fk_jsonarena *fk_jsonarena_new(void);
/* Makes a the calling thread's arena (NULL: none, back to malloc). */
void fk_jsonarena_use(fk_jsonarena *a);
/* Forgets every allocation, keeping the largest block for the next page. */
void fk_jsonarena_reset(fk_jsonarena *a);
void fk_jsonarena_free(fk_jsonarena *a);

#endif
