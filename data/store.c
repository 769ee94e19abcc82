/* store.c - opening the store: connection settings and migrations. */
#include "data/store_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "data/schema.h"

int fk_store_fail(fk_store *st, const char *what)
{
    snprintf(st->err, sizeof st->err, "%s: %s", what, sqlite3_errmsg(st->db));
    return -1;
}

int fk_store_exec(fk_store *st, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(st->err, sizeof st->err, "%s: %s", sql, msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int fk_store_one_int(fk_store *st, const char *sql, const char *arg, int *found,
                     int64_t *v)
{
    sqlite3_stmt *s;
    *found = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "prepare");
    if (arg) sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
    if (*found) *v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fk_store_fail(st, sql);
    return 0;
}

void fk_store_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *fk_store_error(const fk_store *st)
{
    return st->err;
}

/* SQLite's memory statistics take a global mutex on every allocation
 * (some 2% of a first pull); nothing here reads them.  Only possible
 * before SQLite initialises, so on the first open. */
static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

fk_store *fk_store_open(const char *path, int flags, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure);
    fk_store *st = fk_xcalloc(1, sizeof *st);
    st->readonly = (flags & FK_STORE_READONLY) != 0;
    int oflags = st->readonly ? SQLITE_OPEN_READONLY
                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "cannot open");
        fk_store_close(st);
        return NULL;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* Readers and the collector work at once: wait for locks rather than
     * fail, a generous 10 s because a first pull commits a large WAL. */
    sqlite3_busy_timeout(st->db, 10000);
    const char *setup =
        st->readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                     : "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
    char msg[600];
    /* Errors from here name the file, not the statement that met them. */
    if (fk_store_exec(st, setup) < 0) {
        snprintf(st->err, sizeof st->err, "%s: %s", path,
                 sqlite3_errmsg(st->db));
        goto fail;
    }
    if (!st->readonly) {
        /* The schema check comes before WAL: switching the journal mode
         * writes to the file, and a newer database must stay untouched. */
        sqlite3_stmt *s;
        int v = 0;
        if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) ==
                SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int(s, 0);
        else {
            sqlite3_finalize(s);
            fk_store_fail(st, path);
            goto fail;
        }
        sqlite3_finalize(s);
        if (v <= FK_SCHEMA_VERSION &&
            fk_store_exec(st, "PRAGMA journal_mode=WAL") < 0) {
            int ro =
                (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_READONLY;
            snprintf(st->err, sizeof st->err, "%s: %s%s", path,
                     ro ? "the store is read-only" : sqlite3_errmsg(st->db),
                     ro ? " (the file or its directory is not writable by "
                          "this user); it can still be read"
                        : "");
            goto fail;
        }
        if (fk_schema_migrate(st->db, msg, sizeof msg) < 0) {
            snprintf(st->err, sizeof st->err, "%s: %s", path, msg);
            goto fail;
        }
        /* Test-only: where no small file system can be mounted to fill,
         * the fault-injection tests cap the store's size instead; growing
         * past the cap fails exactly as a full disk does (SQLITE_FULL). */
        const char *cap = getenv("FK_TEST_MAX_PAGE_COUNT");
        if (cap && *cap) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld",
                     strtoll(cap, NULL, 10));
            if (fk_store_exec(st, sql) < 0) goto fail;
        }
    } else {
        int v = fk_store_user_version(st);
        if (v < 0) {
            /* Reading a WAL store needs its -shm file, which a read-only
             * directory cannot hold: say what failed, not "version -1". */
            int ro =
                (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_READONLY ||
                (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CANTOPEN;
            snprintf(st->err, sizeof st->err, "%s: cannot read the store: %s%s",
                     path, sqlite3_errmsg(st->db),
                     ro ? " (a read-only store needs its -wal and -shm files, "
                          "or a writable directory to create them)"
                        : "");
            goto fail;
        }
        if (v != FK_SCHEMA_VERSION) {
            snprintf(
                st->err, sizeof st->err,
                v > FK_SCHEMA_VERSION
                    ? "%s: database schema version %d is newer than this fukyu supports"
                    : "%s: database schema version %d is not current; open it read-write once to migrate",
                path, v);
            goto fail;
        }
    }
    return st;
fail:
    snprintf(err, errlen, "%s", st->err);
    fk_store_close(st);
    return NULL;
}

void fk_store_close(fk_store *st)
{
    if (!st) return;
    sqlite3_close_v2(st->db);
    free(st);
}

int fk_store_user_version(fk_store *st)
{
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}
