/* cache.h - a small store of derived results (schema version 4): blobs
 * under a key that names what they were derived from, so that a new pull
 * or a new algorithm simply asks for a key that is not there yet.
 *
 * The cache is an optimisation and never a reason to fail or wait: a
 * reader that finds nothing recomputes, and a write that cannot be made at
 * once (a store file that is not writable, another connection holding the
 * write lock, a transaction open on this connection, a full disk) is
 * skipped.  A connection opened FK_STORE_READONLY still writes the cache,
 * through a short-lived connection of its own: readers are where results
 * are derived, and what was pulled stays out of their reach. */
#ifndef FK_CACHE_H
#define FK_CACHE_H

#include <stddef.h>

#include "data/store.h"

/* At most this many entries are kept; writing a new one drops the oldest
 * written (entries whose key no longer occurs are never asked for again).
 * A render of `report all` writes up to seven per line (forecast,
 * backtest, a chain per method: about 2,400 for 480 lines of which some
 * have no data), and the next pull reads the chains of the one before, so
 * this keeps the last three pulls' (a chain is about 11 KB for two years
 * of weekly points: 14 MB a render, 90 MB at most). */
#define FK_CACHE_MAX_ENTRIES 8192
/* Keys are at most this long, blobs at most FK_CACHE_MAX_BLOB bytes. */
#define FK_CACHE_MAX_KEY  200
#define FK_CACHE_MAX_BLOB (1 << 20)

/* 1 with *blob (malloc'd, the caller frees) and *len when key is cached;
 * 0 when it is not, or cannot be read (a miss: the caller recomputes). */
int fk_store_cache_get(fk_store *st, const char *key, void **blob, size_t *len);
/* Stores blob under key, replacing what was there; 1 when written, 0 when
 * skipped (see above).  Never waits for a lock. */
int fk_store_cache_put(fk_store *st, const char *key, const void *blob,
                       size_t len);

#endif
