/* server.c - the dashboard's HTTP server: libmicrohttpd set up with
 * bounds (connections in all and per client address, idle time, a head
 * deadline that does not restart with each byte (guard.c), header memory),
 * one request's life from
 * first callback to its access-log line, and dispatch by path.
 *
 * Threading: one thread per connection (bounded by max_connections), so a
 * slow handler such as a forecast never holds up other clients.  Handlers
 * only read: the store through the read-only pool, rendered files by
 * whitelisted paths. */
#include "http/http_int.h"

#include "core/alloc.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Request line and headers must fit here; bigger requests get 431/413
 * from MHD.  Nothing we serve needs more. */
#define FK_HTTP_MEMORY_LIMIT (32 * 1024)

int fk_http_parse_listen(const char *s, int allow_zero,
                         struct sockaddr_storage *out, size_t *outlen,
                         char *err, size_t errlen)
{
    char host[128];
    const char *port;
    memset(out, 0, sizeof *out);
    if (!s || !*s || strlen(s) >= sizeof host) {
        snprintf(err, errlen, "listen address '%s': expected HOST:PORT",
                 s ? s : "");
        return -1;
    }
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':') {
            snprintf(err, errlen, "listen address '%s': expected [IPv6]:PORT",
                     s);
            return -1;
        }
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = '\0';
        port = e + 2;
    } else {
        const char *c = strrchr(s, ':');
        if (!c || strchr(s, ':') != c) {
            snprintf(
                err, errlen,
                "listen address '%s': expected HOST:PORT (IPv6 as [ADDR]:PORT)",
                s);
            return -1;
        }
        memcpy(host, s, (size_t)(c - s));
        host[c - s] = '\0';
        port = c + 1;
    }
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    if (!*port || *end || errno || p < (allow_zero ? 0 : 1) || p > 65535 ||
        *port == '+' || *port == '-') {
        snprintf(err, errlen, "listen address '%s': port '%s' is not 1..65535",
                 s, port);
        return -1;
    }
    if (s[0] == '[') {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)p);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
            snprintf(err, errlen,
                     "listen address '%s': '%s' is not an IPv6 address", s,
                     host);
            return -1;
        }
        *outlen = sizeof *a;
        return 0;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)p);
    if (!strcmp(host, "localhost")) snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
        snprintf(
            err, errlen,
            "listen address '%s': '%s' is not an IPv4 address (or localhost)",
            s, host);
        return -1;
    }
    *outlen = sizeof *a;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decoding of the path and of query values, in place.  Escapes
 * that would produce a slash, a backslash or a control byte (NUL above
 * all) are left as they are, so "%2f" can never add a path component and
 * "%00" can never cut a name short: such requests simply match nothing. */
static size_t unescape(void *cls, struct MHD_Connection *con, char *s)
{
    (void)cls;
    (void)con;
    char *w = s;
    for (const char *p = s; *p; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
            int c = hi * 16 + lo;
            if (c >= 0x20 && c != 0x7f && c != '/' && c != '\\') {
                *w++ = (char)c;
                p += 2;
                continue;
            }
        }
        *w++ = *p;
    }
    *w = '\0';
    return (size_t)(w - s);
}

static int prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static enum MHD_Result dispatch(fk_req *r)
{
    const char *u = r->url;
    if (!strcmp(u, "/")) return fk_route_home(r);
    if (!strcmp(u, "/healthz")) return fk_route_healthz(r);
    if (!strcmp(u, "/metrics")) return fk_route_metrics(r);
    if (prefix(u, "/prefecture/")) return fk_route_pref(r);
    if (prefix(u, "/charts/") || prefix(u, "/reports/"))
        return fk_route_files(r);
    if (prefix(u, "/api/")) return fk_route_api(r);
    if (prefix(u, "/exports/")) return fk_route_export(r);
    if (!strcmp(u, "/followup") || prefix(u, "/followup/"))
        return fk_route_followup(r);
    return fk_reply_html_error(r, MHD_HTTP_NOT_FOUND,
                               "ページが見つかりません (not found)");
}

/* The path as it may appear in a log line: bytes outside printable ASCII
 * as \xNN so that no request can forge or split log lines. */
static void log_path(char *out, size_t n, const char *url)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)url; *p && o + 5 < n;
         p++) {
        if (*p >= 0x21 && *p < 0x7f && *p != '\\')
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", *p);
    }
    out[o] = '\0';
}

typedef struct {
    int lengths, chunked, body;
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    (void)kind;
    framing *f = cls;
    if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        f->lengths++;
        if (!value || strcmp(value, "0")) f->body = 1;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        f->chunked = 1;
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    fk_http *h = cls;
    fk_req *r = *req_cls;
    if (r) {
        /* The second call comes once the (empty) request is complete;
         * answering then, not at the first call, lets MHD keep the
         * connection alive.  A body arriving after an early refusal is
         * dropped. */
        if (*upload_data_size) {
            *upload_data_size = 0;
            return MHD_YES;
        }
        if (r->status) return MHD_YES;
        r->url = url;
        return dispatch(r);
    }
    fk_guard_arm(h, con, 0);
    r = fk_xcalloc(1, sizeof *r);
    *req_cls = r;
    r->srv = h;
    r->con = con;
    r->url = url;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    snprintf(r->method, sizeof r->method, "%s", method);
    log_path(r->logpath, sizeof r->logpath, url);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return fk_reply_text(r, MHD_HTTP_METHOD_NOT_ALLOWED,
                             "method %s not allowed (GET, HEAD)", r->method);
    /* Framing: where this request ends must not be open to two readings
     * (a proxy in front could take the other one and smuggle a second
     * request in the body).  Whatever the answer, the connection is then
     * closed rather than parsed further. */
    framing f = {0, 0, 0};
    MHD_get_connection_values(con, MHD_HEADER_KIND, count_framing, &f);
    if (f.lengths > 1 || (f.chunked && f.lengths)) {
        r->close = 1;
        return fk_reply_text(r, MHD_HTTP_BAD_REQUEST,
                             "conflicting Content-Length / Transfer-Encoding "
                             "headers");
    }
    if (f.body || f.chunked) {
        r->close = 1;
        return fk_reply_text(r, MHD_HTTP_CONTENT_TOO_LARGE,
                             "request bodies are not accepted");
    }
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    fk_http *h = cls;
    fk_req *r = *req_cls;
    if (!r) return;
    *req_cls = NULL;
    fk_guard_arm(h, con, 1);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 +
                (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
    unsigned cls100 = r->status / 100;
    if (cls100 >= 1 && cls100 <= 5)
        __atomic_fetch_add(&h->answered[cls100], 1, __ATOMIC_RELAXED);
    if (!h->quiet)
        fprintf(stderr, "http: %s %s %u %llu %.1fms%s\n", r->method, r->logpath,
                r->status, (unsigned long long)r->bytes, ms,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    free(r);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const fk_http *h = cls;
    if (h->quiet) return;
    fputs("http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

void fk_http_options_from_config(fk_http_options *o, const fk_config *c)
{
    *o = (fk_http_options){
        .listen = c->listen,
        .db_path = c->db_path,
        .out_dir = c->out_dir,
        .public_aggregates = c->public_aggregates,
        .max_connections = c->max_connections,
        .request_timeout = c->request_timeout,
        .max_per_client = c->max_per_client,
        .header_timeout = c->header_timeout,
        .stale_after = c->stale_after,
        .target = c->target,
    };
}

fk_http *fk_http_start(const fk_http_options *o, char *err, size_t errlen)
{
    struct sockaddr_storage addr;
    size_t alen;
    if (fk_http_parse_listen(o->listen, 1, &addr, &alen, err, errlen) < 0)
        return NULL;
    if (!o->db_path || !o->out_dir || strlen(o->db_path) >= FK_PATH_MAX ||
        strlen(o->out_dir) >= FK_PATH_MAX) {
        snprintf(
            err, errlen,
            "http: the store path and out_dir must be set (and shorter than %d bytes)",
            FK_PATH_MAX);
        return NULL;
    }
    if (o->max_connections < 1 || o->request_timeout < 1 ||
        o->max_per_client < 0 || o->header_timeout < 0) {
        snprintf(err, errlen,
                 "http: max_connections and request_timeout must be at least "
                 "1, max_per_client and header_timeout not negative");
        return NULL;
    }
    fk_http *h = fk_xcalloc(1, sizeof *h);
    snprintf(h->db_path, sizeof h->db_path, "%s", o->db_path);
    snprintf(h->out_dir, sizeof h->out_dir, "%s", o->out_dir);
    h->public_aggregates = o->public_aggregates;
    h->stale_after = o->stale_after;
    h->target = o->target;
    h->quiet = o->quiet;
    if (fk_guard_start(h, o->max_connections + 4, o->header_timeout) < 0) {
        snprintf(err, errlen, "http: cannot start the connection guard");
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->pool_mu, NULL);
    pthread_mutex_init(&h->cache_mu, NULL);
    fk_api_cache_init(h);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    h->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->request_timeout,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_client,
        MHD_OPTION_NOTIFY_CONNECTION, fk_guard_notify, h,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FK_HTTP_MEMORY_LIMIT,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (!h->mhd) {
        snprintf(err, errlen,
                 "http: cannot listen on %s (address in use or not available)",
                 o->listen);
        fk_guard_stop(h);
        pthread_mutex_destroy(&h->pool_mu);
        pthread_mutex_destroy(&h->cache_mu);
        fk_api_cache_free(h);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : 0;
    return h;
}

int fk_http_port(const fk_http *h)
{
    return h->port;
}

void fk_http_stop(fk_http *h)
{
    if (!h) return;
    MHD_stop_daemon(h->mhd);
    fk_guard_stop(h);
    fk_pool_close(h);
    fk_page_cache_free(h);
    fk_api_cache_free(h);
    pthread_mutex_destroy(&h->pool_mu);
    pthread_mutex_destroy(&h->cache_mu);
    free(h);
}

typedef struct {
    fk_http *h;
    atomic_int done;
} stopper;

static void *stop_thread(void *arg)
{
    stopper *s = arg;
    fk_http_stop(s->h);
    atomic_store(&s->done, 1);
    return NULL;
}

int fk_http_stop_within(fk_http *h, int grace_ms)
{
    /* Static: when the grace ends first, the stopping thread still uses
     * it until the process exits. */
    static stopper s;
    s.h = h;
    atomic_init(&s.done, 0);
    pthread_t t;
    if (pthread_create(&t, NULL, stop_thread, &s) != 0) {
        fk_http_stop(h);
        return 0;
    }
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0); /* sleeps stretch under load */
    for (;;) {
        if (atomic_load(&s.done)) {
            pthread_join(t, NULL);
            return 0;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (long)(now.tv_sec - t0.tv_sec) * 1000L +
                  (now.tv_nsec - t0.tv_nsec) / 1000000L;
        if (ms >= grace_ms) return -1;
        struct timespec step = {0, 20 * 1000000L};
        nanosleep(&step, NULL);
    }
}
