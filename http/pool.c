/* pool.c - read-only store connections for the request threads.
 *
 * SQLite connections here are opened without their own mutex, so each is
 * used by one request at a time: a request takes an idle connection (or
 * opens one) and gives it back when done.  At most FK_HTTP_POOL idle
 * connections are kept; the number in use is bounded by the connection
 * limit.  Reads run in WAL mode, so a pull being stored never blocks them
 * and they see either the old or the new state. */
#include "http/http_int.h"

#include <stdio.h>

fk_store *fk_pool_get(fk_http *h, char *err, size_t errlen)
{
    fk_store *st = NULL;
    pthread_mutex_lock(&h->pool_mu);
    if (h->npool > 0) st = h->pool[--h->npool];
    pthread_mutex_unlock(&h->pool_mu);
    if (st) return st;
    return fk_store_open(h->db_path, FK_STORE_READONLY, err, errlen);
}

void fk_pool_put(fk_http *h, fk_store *st)
{
    if (!st) return;
    pthread_mutex_lock(&h->pool_mu);
    if (h->npool < FK_HTTP_POOL) {
        h->pool[h->npool++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&h->pool_mu);
    fk_store_close(st);
}

void fk_pool_close(fk_http *h)
{
    pthread_mutex_lock(&h->pool_mu);
    for (int i = 0; i < h->npool; i++) fk_store_close(h->pool[i]);
    h->npool = 0;
    pthread_mutex_unlock(&h->pool_mu);
}
