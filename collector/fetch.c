/* fetch.c - libcurl plumbing for feed requests (see fetch.h).
 *
 * One easy handle for the whole pull, so the connection is kept alive
 * between pages.  TLS verification stays on; only http and https are
 * allowed; redirects are not followed (a feed that moves must be
 * reconfigured, not silently chased).  The body is counted in the write
 * callback, after gzip decoding, and the transfer is aborted as soon as it
 * passes the cap, so an oversized page is never read to its end. */
#include "collector/fetch.h"

#include "core/alloc.h"
#include "core/buf.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fk_fetch {
    CURL *curl;
    struct curl_slist *headers;     /* with the token, if any */
    struct curl_slist *headers_inm; /* the same plus If-None-Match */
    fk_buf body;
    int64_t max; /* the body cap, counted after gzip decoding */
    fk_response *r;
    const volatile sig_atomic_t *stop;
    char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    fk_fetch *f = ud;
    size_t add = size * n;
    if ((int64_t)(f->body.len + add) > f->max) {
        f->r->too_big = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    /* Out of memory also aborts it: this pull fails, the process goes on. */
    return fk_buf_put(&f->body, p, add) < 0 ? 0 : add;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    fk_fetch *f = ud;
    size_t len = size * n;
    char line[1024];
    if (len >= sizeof line) return len;
    memcpy(line, p, len);
    line[len] = '\0';
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        line[--len] = '\0';
    /* A new status line (e.g. after 100 Continue) starts a new header set. */
    if (!strncmp(line, "HTTP/", 5)) {
        f->r->etag[0] = '\0';
        f->r->retry_after = -1;
        return size * n;
    }
    char *colon = strchr(line, ':');
    if (!colon) return size * n;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    if (!strcasecmp(line, "ETag")) {
        snprintf(f->r->etag, sizeof f->r->etag, "%s", v);
    } else if (!strcasecmp(line, "Retry-After")) {
        char *end;
        long s = strtol(v, &end, 10);
        /* Delta-seconds only; an HTTP-date falls back to our backoff. */
        if (end != v && !*end && s >= 0) f->r->retry_after = s;
    }
    return size * n;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c,
                       curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    fk_fetch *f = ud;
    return f->stop && *f->stop ? 1 : 0;
}

/* Reads the first line of the token file; never logged anywhere. */
static int read_token(const char *path, char *tok, size_t n, char *err,
                      size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "token file %s: cannot open", path);
        return -1;
    }
    if (!fgets(tok, (int)n, fp)) tok[0] = '\0';
    fclose(fp);
    size_t len = strlen(tok);
    while (len && isspace((unsigned char)tok[len - 1])) tok[--len] = '\0';
    if (!len) {
        snprintf(err, errlen, "token file %s: empty", path);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        if (!isgraph((unsigned char)tok[i])) {
            snprintf(err, errlen, "token file %s: token has invalid characters",
                     path);
            return -1;
        }
    return 0;
}

fk_fetch *fk_fetch_new(const fk_collect_options *o, char *err, size_t errlen)
{
    static int global_done;
    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = 1;
    }
    fk_fetch *f = fk_xcalloc(1, sizeof *f);
    if (!(f->curl = curl_easy_init())) {
        snprintf(err, errlen, "cannot initialise libcurl");
        free(f);
        return NULL;
    }
    f->max = o->max_page_bytes;
    f->stop = o->stop;
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
    if (o->token_file && o->token_file[0]) {
        char tok[4096], hdr[4200];
        if (read_token(o->token_file, tok, sizeof tok, err, errlen) < 0) {
            curl_slist_free_all(h);
            fk_fetch_free(f);
            return NULL;
        }
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", tok);
        h = curl_slist_append(h, hdr);
        memset(tok, 0, sizeof tok);
        memset(hdr, 0, sizeof hdr);
    }
    f->headers = h;
    CURL *c = f->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* Basic-auth credentials belong in ~/.netrc (or the token file), not in
     * the URL, where they would show in logs and reports. */
    curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)o->timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
                     (long)(o->timeout < 30 ? o->timeout : 30));
    /* A stalled server: under 1 KiB/s for the whole timeout. */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)o->timeout);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "fukyu/" FK_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, f);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, f->errbuf);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)o->max_page_bytes);
    return f;
}

void fk_fetch_get(fk_fetch *f, const char *url, const char *if_none_match,
                  fk_response *r)
{
    memset(r, 0, sizeof *r);
    r->retry_after = -1;
    f->r = r;
    fk_buf_reset(&f->body);
    f->errbuf[0] = '\0';
    curl_slist_free_all(f->headers_inm);
    f->headers_inm = NULL;
    struct curl_slist *h = f->headers;
    if (if_none_match && *if_none_match) {
        char hdr[600];
        snprintf(hdr, sizeof hdr, "If-None-Match: %s", if_none_match);
        for (struct curl_slist *i = f->headers; i; i = i->next)
            f->headers_inm = curl_slist_append(f->headers_inm, i->data);
        f->headers_inm = curl_slist_append(f->headers_inm, hdr);
        h = f->headers_inm;
    }
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    CURLcode rc = curl_easy_perform(f->curl);
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_off_t wire = 0;
    curl_easy_getinfo(f->curl, CURLINFO_SIZE_DOWNLOAD_T, &wire);
    r->wire_bytes = (int64_t)wire;
    if (rc == CURLE_FILESIZE_EXCEEDED) r->too_big = 1;
    if (rc != CURLE_OK) {
        r->transport_error = !r->too_big;
        r->stopped = rc == CURLE_ABORTED_BY_CALLBACK;
        snprintf(r->error, sizeof r->error, "%s",
                 f->errbuf[0] ? f->errbuf : curl_easy_strerror(rc));
        /* A response cut short is not a response. */
        r->status = r->too_big ? r->status : 0;
    }
    if (f->body.oom)
        snprintf(r->error, sizeof r->error, "out of memory reading the body");
    /* Never NULL: an empty (or unallocatable) body is "". */
    static char empty[1];
    fk_buf_reserve(&f->body, 0);
    r->body = f->body.p ? f->body.p : empty;
    r->len = f->body.len;
}

char *fk_fetch_escape(fk_fetch *f, const char *s)
{
    char *e = curl_easy_escape(f->curl, s, 0);
    /* A cursor is at most 64 KiB (pull.c): bounded, so fk_xstrdup. */
    char *copy = e ? fk_xstrdup(e) : NULL;
    curl_free(e);
    return copy;
}

void fk_fetch_free(fk_fetch *f)
{
    if (!f) return;
    curl_easy_cleanup(f->curl);
    /* The header list holds the token: wipe it before freeing. */
    for (struct curl_slist *i = f->headers; i; i = i->next)
        memset(i->data, 0, strlen(i->data));
    for (struct curl_slist *i = f->headers_inm; i; i = i->next)
        memset(i->data, 0, strlen(i->data));
    curl_slist_free_all(f->headers);
    curl_slist_free_all(f->headers_inm);
    fk_buf_free(&f->body);
    free(f);
}
