/* store_int.h - the store's insides, shared by the files of data/ only. */
#ifndef FK_STORE_INT_H
#define FK_STORE_INT_H

#include <sqlite3.h>

#include "data/store.h"

struct fk_store {
    sqlite3 *db;
    int readonly;
    char err[512];
};

/* Sets st->err from the connection's last error, prefixed by what. */
int fk_store_fail(fk_store *st, const char *what);
int fk_store_exec(fk_store *st, const char *sql);

#endif
