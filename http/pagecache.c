/* pagecache.c - the last built copy of each page (/ and the 47
 * /prefecture/NN), reused while nothing it shows can have changed.
 *
 * A page depends on the stored data (which changes only when a pull is
 * stored) and on which rendered files exist (which changes the mtime of
 * the directory holding them).  The key hashes both, so the first request
 * after a pull or a render builds the page again and every other request
 * is a copy: pages are a few sums over the store, and serving them from a
 * copy keeps the HTTP threads light. */
#include "http/http_int.h"

#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t mix(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        h = (h ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ULL;
    return h;
}

static uint64_t mix_dir(uint64_t h, const fk_http *srv, const char *rel)
{
    char path[FK_PATH_MAX + 64];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", srv->out_dir, rel);
    if (stat(path, &sb) < 0) return mix(h, 0);
    h = mix(h, (uint64_t)sb.st_ino);
    h = mix(h, (uint64_t)sb.st_mtim.tv_sec);
    return mix(h, (uint64_t)sb.st_mtim.tv_nsec);
}

int fk_page_key(fk_http *h, fk_store *st, int pref, uint64_t *key)
{
    fk_pull_health ph;
    if (fk_store_pull_health(st, &ph) < 0) return -1;
    uint64_t k = mix(1469598103934665603ULL, (uint64_t)ph.last_stored_id);
    if (pref == 0) {
        k = mix_dir(k, h, "charts/national");
        k = mix_dir(k, h, "reports/weekly");
    } else {
        char rel[64];
        snprintf(rel, sizeof rel, "charts/pref/%02d", pref);
        k = mix_dir(k, h, rel);
        snprintf(rel, sizeof rel, "reports/prefecture/%02d", pref);
        k = mix_dir(k, h, rel);
    }
    *key = k;
    return 0;
}

int fk_page_cached(fk_http *h, int pref, uint64_t key, char **body, size_t *len)
{
    int hit = 0;
    pthread_mutex_lock(&h->cache_mu);
    const fk_page_slot *s = &h->pages[pref];
    if (s->body && s->key == key) {
        *body = fk_xmalloc(s->len);
        memcpy(*body, s->body, s->len);
        *len = s->len;
        hit = 1;
    }
    pthread_mutex_unlock(&h->cache_mu);
    return hit;
}

void fk_page_keep(fk_http *h, int pref, uint64_t key, const char *body,
                  size_t len)
{
    char *copy = fk_xmalloc(len);
    memcpy(copy, body, len);
    pthread_mutex_lock(&h->cache_mu);
    fk_page_slot *s = &h->pages[pref];
    char *old = s->body;
    s->body = copy;
    s->len = len;
    s->key = key;
    pthread_mutex_unlock(&h->cache_mu);
    free(old);
}

void fk_page_cache_free(fk_http *h)
{
    for (int i = 0; i <= FK_NPREF; i++) {
        free(h->pages[i].body);
        h->pages[i].body = NULL;
    }
}
