/* health.c - the pull log seen from outside: how many pulls ended how,
 * when the last good one finished and what the latest one did.  Feeds the
 * dashboard's /healthz and /metrics. */
#include "data/store_int.h"

#include <stdio.h>
#include <string.h>

int fk_store_data_version(fk_store *st, int64_t *version)
{
    /* Scans the pull log from its end: one row in the usual case. */
    int found;
    if (fk_store_one_int(st,
                         "SELECT id FROM pull WHERE outcome = 'stored'"
                         " ORDER BY id DESC LIMIT 1",
                         NULL, &found, version) < 0)
        return -1;
    if (!found) *version = 0;
    return 0;
}

int fk_store_pull_health(fk_store *st, fk_pull_health *h)
{
    memset(h, 0, sizeof *h);
    h->last_ok_time = -1;
    h->last_finished = -1;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            st->db, "SELECT outcome, COUNT(*) FROM pull GROUP BY outcome", -1,
            &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "pull health");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *o = (const char *)sqlite3_column_text(s, 0);
        int64_t n = sqlite3_column_int64(s, 1);
        if (!o) continue;
        if (!strcmp(o, "stored"))
            h->stored = n;
        else if (!strcmp(o, "unchanged"))
            h->unchanged = n;
        else if (!strcmp(o, "failed"))
            h->failed = n;
        else if (!strcmp(o, "running"))
            h->running = n;
        else if (!strcmp(o, "interrupted"))
            h->interrupted = n;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return fk_store_fail(st, "pull health");

    /* finished_at is "YYYY-MM-DDTHH:MM:SSZ", which SQLite reads as UTC. */
    if (sqlite3_prepare_v2(
            st->db,
            "SELECT CAST(strftime('%s', finished_at) AS INTEGER), as_of FROM pull"
            " WHERE outcome IN ('stored', 'unchanged') AND finished_at IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "pull health");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        h->last_ok_time = sqlite3_column_int64(s, 0);
        h->last_ok_as_of = sqlite3_column_type(s, 1) == SQLITE_NULL
                               ? -1
                               : sqlite3_column_int(s, 1);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fk_store_fail(st, "pull health");

    if (fk_store_data_version(st, &h->last_stored_id) < 0) return -1;

    if (sqlite3_prepare_v2(
            st->db,
            "SELECT id, outcome, COALESCE(seconds, 0), records, set_aside,"
            " CAST(strftime('%s', finished_at) AS INTEGER) FROM pull"
            " WHERE outcome <> 'running' ORDER BY id DESC LIMIT 1",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(st, "pull health");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        h->last_id = sqlite3_column_int64(s, 0);
        const unsigned char *o = sqlite3_column_text(s, 1);
        snprintf(h->last_outcome, sizeof h->last_outcome, "%s",
                 o ? (const char *)o : "");
        h->last_seconds = sqlite3_column_double(s, 2);
        h->last_records = sqlite3_column_int64(s, 3);
        h->last_set_aside = sqlite3_column_int64(s, 4);
        h->last_finished = sqlite3_column_type(s, 5) == SQLITE_NULL
                               ? -1
                               : sqlite3_column_int64(s, 5);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fk_store_fail(st, "pull health");
    return 0;
}
