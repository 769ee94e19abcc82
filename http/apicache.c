/* apicache.c - the answers of /api/v1/summary|series|forecast, kept per
 * version of the stored data.
 *
 * An answer is a function of its (checked) parameters and of the stored
 * data, and the data changes only when a pull is stored
 * (fk_store_data_version).  So each answer is kept under its parameters
 * and the data version it was built from; a request with the same
 * parameters under the same version is a copy, and the first request
 * after a new pull builds the answer again.  Building a summary sums over
 * every facility and a forecast fits models, while a copy costs a lookup:
 * that is the difference between hundreds and tens of thousands of
 * answers a second.
 *
 * The table is direct-mapped (a key has one slot, a newer answer evicts
 * an older one) with a bounded body size, so its memory is bounded however
 * many different queries arrive.  Readers share a read lock and reply
 * from the kept bytes (MHD copies them); only a miss takes the write
 * lock. */
#include "http/http_int.h"

#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

void fk_api_cache_init(fk_http *h)
{
    /* Writers first: under a steady stream of hits the reader-preferring
     * default could keep a new answer waiting indefinitely. */
    pthread_rwlockattr_t a;
    pthread_rwlockattr_init(&a);
    pthread_rwlockattr_setkind_np(&a,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&h->api_mu, &a);
    pthread_rwlockattr_destroy(&a);
}

int fk_api_cached(fk_req *r, int64_t version, const char *key,
                  const char *ctype, enum MHD_Result *ret)
{
    fk_http *h = r->srv;
    if (version <= 0) return 0;
    uint64_t hk = hash_key(key);
    int hit = 0;
    pthread_rwlock_rdlock(&h->api_mu);
    const fk_api_slot *s = &h->api[hk % FK_API_SLOTS];
    if (s->body && s->version == version && s->hash == hk &&
        !strcmp(s->key, key)) {
        *ret = fk_reply(r, MHD_HTTP_OK, ctype, s->body, s->len,
                        FK_CACHE_REVALIDATE);
        hit = 1;
    }
    pthread_rwlock_unlock(&h->api_mu);
    return hit;
}

void fk_api_keep(fk_http *h, int64_t version, const char *key, const char *body,
                 size_t len)
{
    if (version <= 0 || len > FK_API_MAX_BODY) return;
    size_t klen = strlen(key);
    /* Bounded by FK_API_MAX_BODY: the fk_xmalloc kind (core/alloc.h). */
    char *kcopy = fk_xmalloc(klen + 1), *bcopy = fk_xmalloc(len ? len : 1);
    memcpy(kcopy, key, klen + 1);
    memcpy(bcopy, body, len);
    uint64_t hk = hash_key(key);
    pthread_rwlock_wrlock(&h->api_mu);
    fk_api_slot *s = &h->api[hk % FK_API_SLOTS];
    char *oldk = s->key, *oldb = s->body;
    s->key = kcopy;
    s->body = bcopy;
    s->len = len;
    s->hash = hk;
    s->version = version;
    pthread_rwlock_unlock(&h->api_mu);
    free(oldk);
    free(oldb);
}

void fk_api_cache_free(fk_http *h)
{
    for (int i = 0; i < FK_API_SLOTS; i++) {
        free(h->api[i].key);
        free(h->api[i].body);
        h->api[i].key = h->api[i].body = NULL;
    }
    pthread_rwlock_destroy(&h->api_mu);
}
