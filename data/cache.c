/* cache.c - the derived-results cache (see cache.h): one table, key to
 * blob, bounded in count.  Writes take the write lock only if it is free
 * right now (busy timeout 0), so a pull or a render in another process
 * never makes a chart or an API request wait. */
#include "data/cache.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/store_int.h"

/* The busy timeout every connection normally has (data/store.c). */
#define NORMAL_BUSY_MS 10000

int fk_store_cache_get(fk_store *st, const char *key, void **blob, size_t *len)
{
    *blob = NULL, *len = 0;
    if (!key || strlen(key) > FK_CACHE_MAX_KEY) return 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM cache WHERE key = ?1", -1,
                           &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int found = 0;
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) == SQLITE_BLOB) {
        int n = sqlite3_column_bytes(s, 0);
        const void *v = sqlite3_column_blob(s, 0);
        if (v && n > 0 && n <= FK_CACHE_MAX_BLOB) {
            *blob = fk_xmalloc((size_t)n);
            memcpy(*blob, v, (size_t)n);
            *len = (size_t)n;
            found = 1;
        }
    }
    sqlite3_finalize(s);
    return found;
}

static int put_now(sqlite3 *db, const char *key, const void *blob, size_t len)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO cache(key, value)"
                           " VALUES (?1, ?2)",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, blob, (int)len, SQLITE_STATIC);
    int ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    if (!ok) return 0;
    /* INSERT OR REPLACE gives a replaced key a new rowid, so the lowest
     * rowids are the oldest writes. */
    if (sqlite3_prepare_v2(db,
                           "DELETE FROM cache WHERE rowid <="
                           " (SELECT max(rowid) FROM cache) - ?1",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int(s, 1, FK_CACHE_MAX_ENTRIES);
        sqlite3_step(s);
        sqlite3_finalize(s);
    }
    return 1;
}

int fk_store_cache_put(fk_store *st, const char *key, const void *blob,
                       size_t len)
{
    if (!key || strlen(key) > FK_CACHE_MAX_KEY || !blob || len == 0 ||
        len > FK_CACHE_MAX_BLOB)
        return 0;
    /* Inside the caller's transaction the write would share its fate (and
     * its rollback); outside one it is a transaction of its own. */
    if (!sqlite3_get_autocommit(st->db)) return 0;
    sqlite3 *db = st->db;
    if (st->readonly) {
        /* Readers open the store read-only so that they cannot change
         * what was pulled; the cache is written through a connection of
         * its own, which fails (and is skipped) where the file or its
         * directory is not writable. */
        const char *path = sqlite3_db_filename(st->db, "main");
        if (!path || !*path ||
            sqlite3_open_v2(path, &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
            if (db != st->db) sqlite3_close(db);
            return 0;
        }
    }
    sqlite3_busy_timeout(db, 0);
    int ok = 0;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
        ok = put_now(db, key, blob, len) &&
             sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (db != st->db)
        sqlite3_close(db);
    else
        sqlite3_busy_timeout(db, NORMAL_BUSY_MS);
    return ok;
}
