/* fetch.h - one HTTP GET of a feed page with libcurl (internal to
 * collector/).  Retries are the caller's business. */
#ifndef FK_FETCH_H
#define FK_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "collector/collector.h"

typedef struct fk_fetch fk_fetch;

typedef struct {
    long status; /* HTTP status, 0 when no response */
    char *body;  /* NUL-terminated; owned by the fetcher */
    size_t len;
    char etag[512];
    long retry_after;    /* seconds, -1 when absent */
    int64_t wire_bytes;  /* bytes received, before gzip decoding */
    int too_big;         /* body exceeded max_page_bytes */
    int stopped;         /* the stop flag aborted the transfer */
    int transport_error; /* no usable response (connect, reset, ...) */
    char error[300];     /* transport error text */
} fk_response;

fk_fetch *fk_fetch_new(const fk_collect_options *o, char *err, size_t errlen);
/* One attempt.  Fills r (r->body stays valid until the next call). */
void fk_fetch_get(fk_fetch *f, const char *url, const char *if_none_match,
                  fk_response *r);
/* URL-encodes s (malloc'd; NULL on failure). */
char *fk_fetch_escape(fk_fetch *f, const char *s);
void fk_fetch_free(fk_fetch *f);

#endif
