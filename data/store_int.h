/* store_int.h - the store's insides, shared by the files of data/ only. */
#ifndef FK_STORE_INT_H
#define FK_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "data/store.h"

struct fk_store {
    sqlite3 *db;
    int readonly;
    char err[512];
};

/* Sets st->err from the connection's last error, prefixed by what. */
int fk_store_fail(fk_store *st, const char *what);
int fk_store_exec(fk_store *st, const char *sql);
/* Runs a query of one integer column (arg, when not NULL, bound to ?1):
 * *found is 0 when there is no row or the value is NULL.  0 or -1. */
int fk_store_one_int(fk_store *st, const char *sql, const char *arg, int *found,
                     int64_t *v);
/* The current UTC time as stored in the log columns,
 * "YYYY-MM-DDTHH:MM:SSZ" (SQLite's strftime reads it as UTC). */
void fk_store_now(char *buf, size_t n);

#endif
