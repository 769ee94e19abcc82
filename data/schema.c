/* schema.c - the store's tables and their migrations.
 *
 * PRAGMA user_version holds the schema version.  Each migration runs in
 * its own transaction together with the version bump, so a crash leaves
 * either the old or the new schema.  A database from a newer fukyu
 * (user_version > FK_SCHEMA_VERSION) is refused and never altered.
 *
 * Dates are stored as day numbers (INTEGER, days since 1970-01-01; see
 * core/date.h): they compare and sum cheaply and the series is all about
 * date arithmetic.  Times of pulls are RFC 3339 text. */
#include "data/schema.h"

#include <stdio.h>
#include <string.h>

#include "data/ref.h"
#include "data/store.h"

/* Version 1: the whole first design. */
static const char *v1 =
    /* Reference data, joined by reports. */
    "CREATE TABLE prefecture("
    "  code INTEGER PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
    "  region_ja TEXT NOT NULL, region_en TEXT NOT NULL, population INTEGER);"
    "CREATE TABLE facility_type("
    "  id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, label_ja TEXT NOT NULL,"
    "  label_en TEXT NOT NULL, fee_digit TEXT NOT NULL);"
    "CREATE TABLE program("
    "  key TEXT PRIMARY KEY, label_ja TEXT, label_en TEXT);"
    /* The pull log: one row per attempt, written before the pull starts
     * (outcome 'running') so that an interrupted pull leaves a trace. */
    "CREATE TABLE pull("
    "  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,"
    "  feed TEXT NOT NULL, snapshot TEXT, as_of INTEGER, etag TEXT,"
    "  outcome TEXT NOT NULL CHECK(outcome IN"
    "    ('running','stored','unchanged','failed','interrupted')),"
    "  reason TEXT, http_status INTEGER, pages INTEGER DEFAULT 0,"
    "  records INTEGER DEFAULT 0, changes INTEGER DEFAULT 0,"
    "  openings INTEGER DEFAULT 0, closures INTEGER DEFAULT 0,"
    "  set_aside INTEGER DEFAULT 0, bytes INTEGER DEFAULT 0,"
    "  wire_bytes INTEGER DEFAULT 0, seconds REAL);"
    "CREATE INDEX pull_outcome ON pull(outcome, id);"
    /* Facilities ever seen.  closed_on is set when a facility disappears
     * from a snapshot; rhash is a hash of the record as last stored, so an
     * unchanged record costs one comparison on the next pull. */
    "CREATE TABLE facility("
    "  code INTEGER PRIMARY KEY," /* the 10 digits as a number */
    "  type INTEGER NOT NULL REFERENCES facility_type(id),"
    "  pref INTEGER NOT NULL REFERENCES prefecture(code),"
    "  muni TEXT NOT NULL DEFAULT '',"
    "  name TEXT NOT NULL, address TEXT, phone TEXT, beds INTEGER,"
    "  first_seen INTEGER NOT NULL, closed_on INTEGER,"
    "  rhash INTEGER NOT NULL, seen_pull INTEGER NOT NULL);"
    "CREATE INDEX facility_area ON facility(pref, muni, type);"
    /* Current status per facility and program. */
    "CREATE TABLE status("
    "  code INTEGER NOT NULL REFERENCES facility(code),"
    "  program TEXT NOT NULL, status INTEGER NOT NULL, since INTEGER,"
    "  PRIMARY KEY(code, program)) WITHOUT ROWID;"
    /* Every status a facility has had, from the date it took effect. */
    "CREATE TABLE status_history("
    "  id INTEGER PRIMARY KEY, code INTEGER NOT NULL REFERENCES facility(code),"
    "  program TEXT NOT NULL, status INTEGER NOT NULL, since INTEGER,"
    "  effective INTEGER NOT NULL, pull INTEGER NOT NULL REFERENCES pull(id),"
    "  event TEXT NOT NULL DEFAULT 'status');"
    "CREATE INDEX status_history_code ON status_history(code, program);"
    "CREATE INDEX status_history_pull ON status_history(pull);"
    /* Records set aside, with the reason. */
    "CREATE TABLE reject("
    "  pull INTEGER NOT NULL REFERENCES pull(id), position INTEGER NOT NULL,"
    "  code TEXT, reason TEXT NOT NULL, PRIMARY KEY(pull, position));"
    /* The series as sparse daily deltas; counts on a day are the sum of
     * deltas up to and including it.  Rows with pref = 0 (and muni '')
     * repeat the national sum per type and day, so national figures read
     * a few thousand rows instead of every municipality's. */
    "CREATE TABLE series_delta("
    "  program TEXT NOT NULL, type INTEGER NOT NULL, pref INTEGER NOT NULL,"
    "  muni TEXT NOT NULL, day INTEGER NOT NULL,"
    "  d_adopting INTEGER NOT NULL DEFAULT 0, d_applied INTEGER NOT NULL DEFAULT 0,"
    "  d_total INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(program, pref, muni, type, day)) WITHOUT ROWID;"
    /* Dashboard access tokens: only the SHA-256 of a token is kept. */
    "CREATE TABLE token("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL,"
    "  sha256 TEXT UNIQUE NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);";

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int seed_reference(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(
        db, "INSERT INTO prefecture VALUES(?,?,?,?,?,?)", -1, &s, NULL);
    for (int i = 0; rc == SQLITE_OK && i < FK_NPREF; i++) {
        const fk_pref *p = &fk_prefs[i];
        sqlite3_bind_int(s, 1, p->code);
        sqlite3_bind_text(s, 2, p->name_ja, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, p->name_en, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, p->region_ja, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, p->region_en, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 6, p->population_2020);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            db, "INSERT INTO facility_type VALUES(?,?,?,?,?)", -1, &s, NULL);
    for (int i = 0; rc == SQLITE_OK && i < FK_NTYPE; i++) {
        const fk_type_info *t = &fk_types[i];
        char digit[2] = {t->fee_digit, 0};
        sqlite3_bind_int(s, 1, (int)t->type);
        sqlite3_bind_text(s, 2, t->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, t->label_ja, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, t->label_en, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, digit, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO program VALUES(?,?,?)", -1, &s,
                                NULL);
    for (int i = 0; rc == SQLITE_OK && i < FK_NPROGRAM; i++) {
        sqlite3_bind_text(s, 1, fk_programs[i].key, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, fk_programs[i].label_ja, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, fk_programs[i].label_en, -1, SQLITE_STATIC);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "seeding reference data: %s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static int migrate_to_1(sqlite3 *db, char *err, size_t errlen)
{
    if (exec(db, v1, err, errlen) < 0) return -1;
    return seed_reference(db, err, errlen);
}

/* Version 2: follow-up contacts (data/followup.c).  One row per call a
 * team made; barriers is a bit set (bit k-1 = barrier code k, 1..7).  The
 * natural key (facility, program, day, team, outcome) is unique, so a
 * file imported twice adds nothing the second time. */
static int migrate_to_2(sqlite3 *db, char *err, size_t errlen)
{
    return exec(
        db,
        "CREATE TABLE contact("
        "  id INTEGER PRIMARY KEY,"
        "  code INTEGER NOT NULL REFERENCES facility(code),"
        "  program TEXT NOT NULL REFERENCES program(key),"
        "  day INTEGER NOT NULL, team TEXT NOT NULL DEFAULT '',"
        "  outcome TEXT NOT NULL CHECK(outcome IN"
        "    ('reached','unreachable','declined','will_adopt','adopted')),"
        "  barriers INTEGER NOT NULL DEFAULT 0"
        "    CHECK(barriers BETWEEN 0 AND 127),"
        "  note TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',"
        "  created_at TEXT NOT NULL,"
        "  UNIQUE(code, program, day, team, outcome));"
        "CREATE INDEX contact_day ON contact(program, day);",
        err, errlen);
}

/* Version 3: the pull log counts the municipality codes of a pull that the
 * reference table lacks (a municipality newer than fukyu's table; the
 * records are kept).  A count per pull cannot be derived afterwards: the
 * facility table keeps only each facility's latest municipality.  */
static int migrate_to_3(sqlite3 *db, char *err, size_t errlen)
{
    return exec(db,
                "ALTER TABLE pull ADD COLUMN unknown_munis INTEGER NOT NULL"
                " DEFAULT 0",
                err, errlen);
}

/* Version 4: derived results (data/cache.c), e.g. fitted forecasts, under
 * a key naming the data and the algorithm they came from.  Nothing in it
 * is needed: dropping every row only costs recomputation. */
static int migrate_to_4(sqlite3 *db, char *err, size_t errlen)
{
    return exec(db,
                "CREATE TABLE cache(key TEXT PRIMARY KEY,"
                " value BLOB NOT NULL)",
                err, errlen);
}

/* migrations[i] brings version i to i + 1. */
static int (*const migrations[])(sqlite3 *, char *, size_t) = {
    migrate_to_1, migrate_to_2, migrate_to_3, migrate_to_4};

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

int fk_schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
    int v = user_version(db);
    if (v < 0) {
        snprintf(err, errlen, "cannot read schema version: %s",
                 sqlite3_errmsg(db));
        return -1;
    }
    if (v > FK_SCHEMA_VERSION) {
        snprintf(
            err, errlen,
            "database schema version %d is newer than this fukyu supports (%d); "
            "upgrade fukyu, the database was not changed",
            v, FK_SCHEMA_VERSION);
        return -1;
    }
    while (v < FK_SCHEMA_VERSION) {
        char msg[512];
        if (exec(db, "BEGIN IMMEDIATE", err, errlen) < 0) return -1;
        /* Re-read inside the write lock: another process may have migrated. */
        v = user_version(db);
        if (v >= FK_SCHEMA_VERSION) {
            exec(db, "COMMIT", msg, sizeof msg);
            break;
        }
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (migrations[v](db, msg, sizeof msg) < 0 ||
            exec(db, bump, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "migration to schema version %d failed: %s",
                     v + 1, msg);
            exec(db, "ROLLBACK", msg, sizeof msg);
            return -1;
        }
        if (exec(db, "COMMIT", err, errlen) < 0) return -1;
        v++;
    }
    return 0;
}
