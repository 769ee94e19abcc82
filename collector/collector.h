/* collector.h - pulls the national facility snapshot (feed-v1) and stores
 * it all or nothing.
 *
 * One call, one pull: pages are fetched and parsed one at a time (memory
 * is bounded by one page), each record is checked against the contract's
 * rules and staged in the store; the store commits only after the last
 * page checks out.  Transient failures are retried with backoff; every
 * failure is logged in the store's pull log with its reason. */
#ifndef FK_COLLECTOR_H
#define FK_COLLECTOR_H

#include <signal.h>
#include <stdint.h>

#include "core/config.h"
#include "data/apply.h"
#include "data/store.h"

typedef struct {
    const char *feed_url;   /* base URL; /v1/facilities is appended */
    const char *token_file; /* NULL or "": no Authorization header */
    int limit;              /* page size, 1..10000 */
    int timeout;            /* seconds per request */
    int pull_timeout;       /* seconds for the whole pull (0: no limit) */
    int retries;            /* retries per request after the first try */
    int64_t max_page_bytes; /* cap on one page's decoded body */
    int retry_max_wait;     /* cap on any wait, seconds */
    int backoff_ms;         /* first backoff step */
    const volatile sig_atomic_t *stop; /* non-zero: abandon the pull */
} fk_collect_options;

void fk_collect_options_from_config(fk_collect_options *o, const fk_config *c);

typedef struct {
    int64_t pull_id;
    char outcome[16]; /* "stored", "unchanged" or "failed" */
    char as_of[16];   /* "" when unknown */
    char reason[512]; /* why it failed */
    fk_pull_stats stats;
} fk_collect_result;

/* Sets up what the pulls share process-wide (cJSON's allocation hooks).
 * fk_collect_once() does it too; a program with threads that use cJSON
 * calls it before starting them. */
void fk_collect_init(void);

/* Runs one pull.  Returns 0 when stored or unchanged, -1 when it failed
 * (res->reason says why; the store is as it was). */
int fk_collect_once(fk_store *st, const fk_collect_options *o,
                    fk_collect_result *res);

#endif
