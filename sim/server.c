/* server.c - the simulator's HTTP side (libmicrohttpd, one thread per
 * connection): GET [/prefix]/v1/facilities per feed-v1.md with ETag,
 * If-None-Match, gzip, bearer token and the request-level faults; plus the
 * control endpoints POST /_sim/date?d=YYYY-MM-DD and GET /_sim/counts.
 * The current snapshot is reference-counted so a date change never pulls
 * one out from under a request being served. */
#include "sim/sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

typedef struct {
    sim_registry *reg;
    sim_faults *faults;
    const sim_server_opts *o;
    pthread_mutex_t lock;
    sim_snapshot *cur;
} server;

static sim_snapshot *acquire(server *sv)
{
    pthread_mutex_lock(&sv->lock);
    sim_snapshot *s = sv->cur;
    s->refs++;
    pthread_mutex_unlock(&sv->lock);
    return s;
}

static void release(server *sv, sim_snapshot *s)
{
    pthread_mutex_lock(&sv->lock);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&sv->lock);
    if (last) sim_snapshot_free(s);
}

static int set_date(server *sv, fk_day d)
{
    sim_snapshot *s = sim_snapshot_build(sv->reg, sv->faults, d);
    if (!s) return -1;
    pthread_mutex_lock(&sv->lock);
    sim_snapshot *old = sv->cur;
    sv->cur = s;
    pthread_mutex_unlock(&sv->lock);
    if (old) release(sv, old);
    return 0;
}

static int gzip_buf(const fk_buf *in, fk_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t bound = deflateBound(&z, (uLong)in->len);
    if (!fk_buf_reserve(out, bound)) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)in->p;
    z.avail_in = (uInt)in->len;
    z.next_out = (Bytef *)out->p;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    out->len = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

typedef struct {
    int code;
    fk_buf body;
    const char *ctype;
    char etag[40];   /* empty: no ETag header */
    int retry_after; /* -1: none */
    int gzipped, auth;
} reply;

static enum MHD_Result send_reply(struct MHD_Connection *c, reply *r)
{
    size_t len;
    char *p = fk_buf_detach(&r->body, &len);
    if (!p) return MHD_NO; /* out of memory: drop this connection only */
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(p);
        return MHD_NO;
    }
    if (len || r->code != 304)
        MHD_add_response_header(resp, "Content-Type", r->ctype);
    if (r->etag[0]) MHD_add_response_header(resp, "ETag", r->etag);
    if (r->gzipped) MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (r->auth) MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
    if (r->retry_after >= 0) {
        char s[16];
        snprintf(s, sizeof s, "%d", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", s);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->code, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void error_body(reply *r, int code, const char *msg)
{
    r->code = code;
    fk_buf_reset(&r->body);
    fk_buf_puts(&r->body, "{\"error\":");
    sim_json_put(&r->body, msg);
    fk_buf_puts(&r->body, "}");
}

static int parse_limit(const char *s, long *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > 10000) return -1;
    *out = v;
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

/* GET .../v1/facilities.  Returns 0, or -1 to drop the connection. */
static int facilities(server *sv, struct MHD_Connection *c, reply *r,
                      char *note, size_t nn)
{
    const char *tok = sv->o->token;
    if (tok) {
        const char *auth =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        if (!auth || strncmp(auth, "Bearer ", 7) != 0 ||
            strcmp(auth + 7, tok) != 0) {
            error_body(r, 401, "missing or wrong bearer token");
            r->auth = 1;
            return 0;
        }
    }
    long limit;
    const char *ls =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    if (parse_limit(ls, &limit) < 0) {
        error_body(r, 400, "limit must be an integer from 1 to 10000");
        return 0;
    }
    if (sv->o->page_max > 0 && limit > sv->o->page_max) limit = sv->o->page_max;
    sim_snapshot *s = acquire(sv);
    size_t offset = 0;
    const char *cur =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cursor");
    if (cur) {
        int rc = sim_cursor_parse(cur, s->hash, &offset);
        if (rc < 0) {
            error_body(r, 400,
                       rc == -2 ? "cursor is from another snapshot"
                                : "malformed cursor");
            release(sv, s);
            return 0;
        }
    }
    int page = (int)(offset / (size_t)limit);
    snprintf(note, nn, " limit=%ld page=%d", limit, page);
    sim_faults *fs = sv->faults;
    const sim_fault *f;
    if ((f = sim_fault_take(fs, SIM_F_DELAY, page)) != NULL) sleep_ms(f->value);
    if (sim_fault_take(fs, SIM_F_RESET, page)) {
        release(sv, s);
        return -1;
    }
    if ((f = sim_fault_take(fs, SIM_F_STATUS, page)) != NULL) {
        char msg[64];
        snprintf(msg, sizeof msg, "simulated HTTP %ld", f->value);
        error_body(r, (int)f->value, msg);
        if (f->value == 429 || f->value == 503)
            r->retry_after = fs->retry_after;
        release(sv, s);
        return 0;
    }
    snprintf(r->etag, sizeof r->etag, "%s", s->etag);
    const char *inm =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (!cur && inm && strcmp(inm, s->etag) == 0) {
        r->code = 304;
        release(sv, s);
        return 0;
    }
    r->code = 200;
    sim_page_req q = {sv->reg, s, fs, offset, (size_t)limit, page, cur};
    sim_render_page(&q, &r->body);
    if (sim_fault_take(fs, SIM_F_NOT_JSON, page)) {
        fk_buf_reset(&r->body);
        fk_buf_puts(&r->body,
                    "<html><body><h1>502 Bad Gateway</h1></body></html>\n");
        r->ctype = "text/html";
    } else if (sim_fault_take(fs, SIM_F_TRUNCATE, page)) {
        r->body.len /= 2;
    }
    release(sv, s);
    const char *ae =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    if (ae && strstr(ae, "gzip")) {
        fk_buf z = {0};
        if (gzip_buf(&r->body, &z) == 0) {
            fk_buf_free(&r->body);
            r->body = z;
            r->gzipped = 1;
        } else {
            fk_buf_free(&z);
        }
    }
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    static int marker;
    server *sv = cls;
    (void)version, (void)upload;
    if (!*con_cls) { /* headers only so far; wait for the body, if any */
        *con_cls = &marker;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    reply r = {.code = 404,
               .ctype = "application/json; charset=utf-8",
               .retry_after = -1};
    char note[64] = "";
    size_t ulen = strlen(url);
    static const char suffix[] = "/v1/facilities";
    if (ulen >= sizeof suffix - 1 &&
        strcmp(url + ulen - (sizeof suffix - 1), suffix) == 0) {
        if (strcmp(method, "GET") != 0) {
            error_body(&r, 405, "only GET is supported");
        } else {
            if (facilities(sv, c, &r, note, sizeof note) < 0) {
                if (!sv->o->quiet)
                    fprintf(stderr, "feedsim: %s %s%s -> reset\n", method, url,
                            note);
                return MHD_NO;
            }
        }
    } else if (strcmp(url, "/_sim/date") == 0 && strcmp(method, "POST") == 0) {
        const char *ds =
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "d");
        fk_day d;
        if (!ds || fk_date_parse(ds, &d) < 0) {
            error_body(&r, 400, "d must be a date YYYY-MM-DD");
        } else if (set_date(sv, d) < 0) {
            error_body(&r, 500, "out of memory");
        } else {
            r.code = 200;
            fk_buf_printf(&r.body, "{\"as_of\":\"%s\"}", ds);
        }
    } else if (strcmp(url, "/_sim/counts") == 0 && strcmp(method, "GET") == 0) {
        sim_snapshot *s = acquire(sv);
        sim_snapshot_counts_json(s, &r.body);
        release(sv, s);
        r.code = 200;
    } else {
        error_body(&r, 404, "no such resource");
    }
    if (!sv->o->quiet)
        fprintf(stderr, "feedsim: %s %s%s -> %d (%zu bytes%s)\n", method, url,
                note, r.code, r.body.len, r.gzipped ? ", gzip" : "");
    enum MHD_Result ret = send_reply(c, &r);
    fk_buf_free(&r.body);
    return ret;
}

int sim_serve(sim_registry *reg, sim_faults *fs, fk_day date,
              const sim_server_opts *o)
{
    server sv = {.reg = reg, .faults = fs, .o = o};
    pthread_mutex_init(&sv.lock, NULL);
    if (set_date(&sv, date) < 0) {
        fprintf(stderr, "fukyu-feedsim: out of memory building the snapshot\n");
        return 1;
    }
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    const struct sockaddr *sa;
    unsigned flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (inet_pton(AF_INET, o->bind, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)o->port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, o->bind, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)o->port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr,
                "fukyu-feedsim: --bind '%s' is not an IPv4 or IPv6 address\n",
                o->bind);
        release(&sv, sv.cur);
        return 1;
    }
    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, handle, &sv, MHD_OPTION_SOCK_ADDR,
        sa, MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fukyu-feedsim: cannot listen on %s port %d: %s\n",
                o->bind, o->port, strerror(errno));
        release(&sv, sv.cur);
        return 1;
    }
    if (!o->quiet)
        fprintf(
            stderr,
            "feedsim: serving %zu facilities as of %s on http://%s:%d/v1/facilities\n",
            sv.cur->n, sv.cur->as_of, o->bind, o->port);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    release(&sv, sv.cur);
    pthread_mutex_destroy(&sv.lock);
    if (!o->quiet) fprintf(stderr, "feedsim: stopped by signal %d\n", sig);
    return 0;
}
