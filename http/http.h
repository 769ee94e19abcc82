/* http.h - the dashboard: a small HTTP server (libmicrohttpd) that serves
 * Japanese HTML pages, the charts and reports the daemon has rendered into
 * out_dir, JSON APIs in the CLI's shapes, facility exports for token
 * holders, /healthz and /metrics.
 *
 * It only reads: the store through a small pool of read-only connections
 * (one per request at a time; SQLite connections are never shared between
 * threads at once), and rendered files under out_dir, reached only through
 * paths built from whitelisted names.  Rendering happens elsewhere (the
 * daemon), never on the HTTP threads.
 *
 * Embedding: the daemon fills fk_http_options, calls fk_http_start() once
 * and fk_http_stop() at shutdown; requests are served on the server's own
 * threads meanwhile, so the caller's thread stays free to pull and render. */
#ifndef FK_HTTP_H
#define FK_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

typedef struct fk_http fk_http;

typedef struct {
    const char *listen;    /* "127.0.0.1:8470", "[::1]:8470", "0.0.0.0:80" */
    const char *db_path;   /* the store, opened read-only */
    const char *out_dir;   /* where charts/ and reports/ are rendered */
    int public_aggregates; /* 1: pages, charts, reports, aggregate APIs
                                need no token */
    int max_connections;   /* concurrent connections at most (>= 1) */
    int request_timeout;   /* seconds a connection may idle (>= 1) */
    int max_per_client;    /* connections from one address; 0: no limit */
    int header_timeout;    /* seconds from connecting (or from the last
                              answer) to a complete request head, however
                              busy the client keeps the line; 0: none */
    int stale_after;       /* /healthz: minutes since the last good pull */
    double target;         /* adoption target for /api/v1/forecast */
    int quiet;             /* 1: no access log on stderr */
} fk_http_options;

/* The options from the configuration's [http] and [store] settings;
 * quiet is 0.  The strings point into c. */
void fk_http_options_from_config(fk_http_options *o, const fk_config *c);

/* Parses "host:port" or "[v6]:port" (port 1..65535; port 0 too when
 * allow_zero, to let the system choose) into a socket address.  Returns 0,
 * or -1 with the reason in err. */
struct sockaddr_storage;
int fk_http_parse_listen(const char *s, int allow_zero,
                         struct sockaddr_storage *out, size_t *outlen,
                         char *err, size_t errlen);

/* Starts serving.  Returns NULL with the reason in err (bad address,
 * port in use, ...).  The store may not exist yet: requests that need it
 * answer 503 until it does. */
fk_http *fk_http_start(const fk_http_options *o, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
int fk_http_port(const fk_http *h);
/* Stops accepting, waits for requests in flight, frees everything. */
void fk_http_stop(fk_http *h);
/* How long a stop on SIGTERM waits for the requests being answered. */
#define FK_HTTP_STOP_GRACE_MS 3000
/* fk_http_stop, waiting at most grace_ms for requests in flight.  0 once
 * stopped; -1 when a request was still being answered then: the server is
 * left to its threads and the caller should _exit() soon (the server only
 * reads, so nothing is lost). */
int fk_http_stop_within(fk_http *h, int grace_ms);

#endif
