/* http_int.h - shared by the files of http/ only: the server, one request,
 * replies, the store pool, access checks and the route handlers. */
#ifndef FK_HTTP_INT_H
#define FK_HTTP_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "core/config.h"
#include "data/store.h"
#include "http/http.h"

#define FK_HTTP_POOL 8

/* A built page and the key it was built under (pagecache.c). */
typedef struct {
    uint64_t key;
    char *body;
    size_t len;
} fk_page_slot;

/* An API answer and what it was built from (apicache.c). */
#define FK_API_SLOTS    64
#define FK_API_MAX_BODY (256 * 1024) /* at most 16 MiB kept in all */
typedef struct {
    uint64_t hash;   /* of key */
    int64_t version; /* fk_store_data_version it was built under */
    char *key, *body;
    size_t len;
} fk_api_slot;

struct fk_http {
    struct MHD_Daemon *mhd;
    int port;
    char db_path[FK_PATH_MAX];
    char out_dir[FK_PATH_MAX];
    int public_aggregates, stale_after, quiet;
    double target;
    /* Read-only store connections, opened on demand and reused; a
     * connection is used by one request at a time. */
    pthread_mutex_t pool_mu;
    fk_store *pool[FK_HTTP_POOL];
    int npool;
    /* Built pages: [0] is /, [NN] is /prefecture/NN. */
    pthread_mutex_t cache_mu;
    fk_page_slot pages[1 + FK_NPREF];
    /* API answers by parameters and data version. */
    pthread_rwlock_t api_mu;
    fk_api_slot api[FK_API_SLOTS];
    /* Requests answered, by status class (1xx..5xx), for /metrics. */
    uint64_t answered[6];
    /* The slow-client guard (guard.c): one slot per open connection. */
    pthread_mutex_t guard_mu;
    pthread_cond_t guard_cv;
    pthread_t guard_thread;
    struct fk_guard_slot *guard;
    int nguard, guard_seconds, guard_stop;
    uint64_t slow_closed; /* connections cut at their header deadline */
};

/* One request, from its first callback to its completion. */
typedef struct {
    fk_http *srv;
    struct MHD_Connection *con;
    const char *url; /* path, percent-decoded by MHD */
    char method[8];
    char logpath[160]; /* path for the log, control bytes escaped */
    struct timespec t0;
    unsigned status;
    uint64_t bytes;
    int close; /* answer with Connection: close (framing in doubt) */
} fk_req;

/* ---- slow-client guard (guard.c) ---- */
/* Starts the watchdog for up to slots connections with a head deadline of
 * seconds (0: no guard).  Returns 0, or -1 when out of resources. */
int fk_guard_start(fk_http *h, int slots, int seconds);
void fk_guard_stop(fk_http *h);
/* MHD_OPTION_NOTIFY_CONNECTION callback (cls is the fk_http). */
void fk_guard_notify(void *cls, struct MHD_Connection *con, void **ctx,
                     enum MHD_ConnectionNotificationCode code);
/* armed 0: the request head is complete; 1: a new deadline from now for
 * the next request on this connection. */
void fk_guard_arm(fk_http *h, struct MHD_Connection *con, int armed);

/* ---- HTML (html.c) ---- */
/* Appends s with & < > " ' escaped for HTML text and attributes. */
void fk_html_put(fk_buf *b, const char *s);

/* ---- replies (reply.c); each returns what MHD_queue_response did ---- */
enum {
    FK_CACHE_REVALIDATE = 0,
    FK_CACHE_NOSTORE
};
/* A body from memory (copied).  For 200 an ETag of the content is sent and
 * a matching If-None-Match gets 304. */
enum MHD_Result fk_reply(fk_req *r, unsigned status, const char *ctype,
                         const char *body, size_t len, int cache);
enum MHD_Result fk_reply_text(fk_req *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* {"error": "..."} */
enum MHD_Result fk_reply_json_error(fk_req *r, unsigned status, const char *fmt,
                                    ...) __attribute__((format(printf, 3, 4)));
/* A Japanese HTML error page. */
enum MHD_Result fk_reply_html_error(fk_req *r, unsigned status,
                                    const char *msg);
/* An open regular file: Content-Type, ETag from inode+size+mtime, 304 on
 * a match.  Takes ownership of fd.  download names a Content-Disposition
 * attachment, or NULL. */
enum MHD_Result fk_reply_fd(fk_req *r, int fd, const char *ctype, int cache,
                            const char *download);
/* Whether If-None-Match names etag (or is "*"). */
int fk_etag_matches(fk_req *r, const char *etag);
/* Adds the headers every answer carries. */
void fk_reply_common_headers(struct MHD_Response *resp, int cache);

/* ---- store pool (pool.c) ---- */
/* A read-only connection for this request, or NULL with err set. */
fk_store *fk_pool_get(fk_http *h, char *err, size_t errlen);
void fk_pool_put(fk_http *h, fk_store *st);
void fk_pool_close(fk_http *h);

/* ---- page cache (pagecache.c) ---- */
/* The key a page of an area (pref 0 = national) is built under now. */
int fk_page_key(fk_http *h, fk_store *st, int pref, uint64_t *key);
/* 1 with a malloc'd copy of the page when one was kept under key. */
int fk_page_cached(fk_http *h, int pref, uint64_t key, char **body,
                   size_t *len);
void fk_page_keep(fk_http *h, int pref, uint64_t key, const char *body,
                  size_t len);
void fk_page_cache_free(fk_http *h);

/* ---- API answer cache (apicache.c) ---- */
void fk_api_cache_init(fk_http *h);
/* When an answer for key (the route and its checked parameters) was kept
 * under this data version, queues it (200, or 304 on a matching ETag)
 * into *ret and returns 1; otherwise 0. */
int fk_api_cached(fk_req *r, int64_t version, const char *key,
                  const char *ctype, enum MHD_Result *ret);
/* Keeps a copy of body as the answer for key under version (not kept when
 * version is 0, i.e. nothing stored, or the body is over FK_API_MAX_BODY). */
void fk_api_keep(fk_http *h, int64_t version, const char *key, const char *body,
                 size_t len);
void fk_api_cache_free(fk_http *h);

/* ---- access (auth.c) ---- */
/* Aggregates (pages, charts, reports, aggregate APIs): allowed when public
 * or with any live token.  Returns 1 when allowed; otherwise queues 401 or
 * 503 into *ret and returns 0.  json selects the error format. */
int fk_auth_aggregate(fk_req *r, int json, enum MHD_Result *ret);
/* Facility-level data for an area (pref 0 = national): needs a live token
 * whose scope covers it (401 without one, 403 outside its scope). */
int fk_auth_area(fk_req *r, int pref, int json, enum MHD_Result *ret);
/* Follow-up figures of an area (pref 0 = national): a national token, or
 * a followup:NN token for that prefecture (a pref:NN token is not one). */
int fk_auth_followup(fk_req *r, int pref, int json, enum MHD_Result *ret);

/* ---- query parameters (params.c) ---- */
/* Checks that every query parameter is in allowed (NULL-terminated) and
 * given at most once; otherwise queues a 400 JSON error and returns 0. */
int fk_params_check(fk_req *r, const char *const *allowed,
                    enum MHD_Result *ret);
const char *fk_param(fk_req *r, const char *key);
/* Typed readers: 1 when present and valid, 0 when absent (out untouched);
 * on a bad value they queue 400 into *ret and return -1. */
int fk_param_program(fk_req *r, const char **out, enum MHD_Result *ret);
int fk_param_pref(fk_req *r, int *out, enum MHD_Result *ret);
int fk_param_type(fk_req *r, int *out, enum MHD_Result *ret); /* "all" = -1 */
/* municipality=CODE (fk_muni_parse) into out[6]; sets *pref to its
 * prefecture, which must agree with a prefecture given before (*pref). */
int fk_param_muni(fk_req *r, int *pref, char out[6], enum MHD_Result *ret);
int fk_param_date(fk_req *r, const char *key, fk_day *out,
                  enum MHD_Result *ret);
int fk_param_int(fk_req *r, const char *key, long min, long max, long *out,
                 enum MHD_Result *ret);

/* ---- routes ---- */
enum MHD_Result fk_route_files(
    fk_req *r); /* /charts/..., /reports/... (files.c) */
enum MHD_Result fk_route_api(fk_req *r);    /* /api/v1/... (api.c) */
enum MHD_Result fk_route_export(fk_req *r); /* /exports/... (exports.c) */
/* /followup and /followup/NN, /api/v1/followup (followup.c) */
enum MHD_Result fk_route_followup(fk_req *r);
enum MHD_Result fk_route_api_followup(fk_req *r);
enum MHD_Result fk_route_home(fk_req *r);    /* / (pages.c) */
enum MHD_Result fk_route_pref(fk_req *r);    /* /prefecture/NN (pages.c) */
enum MHD_Result fk_route_healthz(fk_req *r); /* (ops.c) */
enum MHD_Result fk_route_metrics(fk_req *r); /* (ops.c) */

/* Whether a rendered file exists under out_dir (rel built from
 * whitelisted names only). */
int fk_rendered_exists(const fk_http *h, const char *rel);

#endif
