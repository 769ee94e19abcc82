/* schema.h - versioned migrations of the store (internal to data/). */
#ifndef FK_SCHEMA_H
#define FK_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

/* Brings db to FK_SCHEMA_VERSION in one transaction per step.  Refuses a
 * database whose user_version is newer.  Returns 0 or -1 with err set. */
int fk_schema_migrate(sqlite3 *db, char *err, size_t errlen);

#endif
