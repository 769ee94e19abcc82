/* reply.c - turning bodies and files into HTTP answers: content types,
 * validators (ETag / If-None-Match -> 304), cache and safety headers.
 *
 * ETags: a body built in memory is tagged with a hash of its bytes, so an
 * unchanged page revalidates to 304 even though it was rebuilt; a file is
 * tagged from inode, size and mtime, which change whenever the renderer
 * replaces it. */
#include "http/http_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The page may use inline styles and images from this server, nothing
 * else: no scripts, no external assets. */
#define FK_CSP                                                        \
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; " \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

void fk_reply_common_headers(struct MHD_Response *resp, int cache)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", FK_CSP);
    MHD_add_response_header(resp, "Cache-Control",
                            cache == FK_CACHE_NOSTORE ? "no-store"
                                                      : "no-cache");
}

int fk_etag_matches(fk_req *r, const char *etag)
{
    const char *h = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!h) return 0;
    size_t elen = strlen(etag);
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t')) t--;
        const char *s = p;
        if (t - s >= 2 && s[0] == 'W' && s[1] == '/')
            s += 2; /* weak comparison */
        if ((t - s == 1 && *s == '*') ||
            ((size_t)(t - s) == elen && !memcmp(s, etag, elen)))
            return 1;
        p = e;
    }
    return 0;
}

static enum MHD_Result queue(fk_req *r, unsigned status,
                             struct MHD_Response *resp, uint64_t bytes)
{
    if (!resp) {
        r->status = 500;
        return MHD_NO; /* MHD closes the connection */
    }
    r->status = status;
    r->bytes = bytes;
    enum MHD_Result ret = MHD_queue_response(r->con, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result not_modified(fk_req *r, const char *etag, int cache)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
        fk_reply_common_headers(resp, cache);
    }
    return queue(r, MHD_HTTP_NOT_MODIFIED, resp, 0);
}

enum MHD_Result fk_reply(fk_req *r, unsigned status, const char *ctype,
                         const char *body, size_t len, int cache)
{
    char etag[40] = "";
    if (status == MHD_HTTP_OK && cache != FK_CACHE_NOSTORE) {
        uint64_t hsh = 1469598103934665603ULL; /* FNV-1a */
        for (size_t i = 0; i < len; i++)
            hsh = (hsh ^ (unsigned char)body[i]) * 1099511628211ULL;
        snprintf(etag, sizeof etag, "\"c%016llx%zx\"", (unsigned long long)hsh,
                 len);
        if (fk_etag_matches(r, etag)) return not_modified(r, etag, cache);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
        if (etag[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
        fk_reply_common_headers(resp, cache);
        if (status == MHD_HTTP_UNAUTHORIZED)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                    "Bearer realm=\"fukyu\"");
        if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        if (r->close)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    return queue(r, status, resp, len);
}

enum MHD_Result fk_reply_text(fk_req *r, unsigned status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n > sizeof msg - 2) n = (int)sizeof msg - 2;
    msg[n++] = '\n';
    msg[n] = '\0';
    return fk_reply(r, status, "text/plain; charset=utf-8", msg, (size_t)n,
                    status == MHD_HTTP_OK ? FK_CACHE_REVALIDATE
                                          : FK_CACHE_NOSTORE);
}

enum MHD_Result fk_reply_json_error(fk_req *r, unsigned status, const char *fmt,
                                    ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fk_buf b = {0};
    fk_buf_puts(&b, "{\"error\": \"");
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        if (*p == '"' || *p == '\\')
            fk_buf_printf(&b, "\\%c", *p);
        else if (*p < 0x20)
            fk_buf_printf(&b, "\\u%04x", *p);
        else
            fk_buf_put(&b, (const char *)p, 1);
    }
    fk_buf_puts(&b, "\"}\n");
    enum MHD_Result ret =
        b.oom ? MHD_NO
              : fk_reply(r, status, "application/json; charset=utf-8", b.p,
                         b.len, FK_CACHE_NOSTORE);
    fk_buf_free(&b);
    return ret;
}

enum MHD_Result fk_reply_html_error(fk_req *r, unsigned status, const char *msg)
{
    fk_buf b = {0};
    fk_buf_printf(
        &b,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<title>%u — 電子処方箋・電子カルテ 普及状況</title></head><body>"
        "<h1>%u</h1><p>",
        status, status);
    fk_html_put(&b, msg);
    fk_buf_puts(&b,
                "</p><p><a href=\"/\">全国の概況へ</a></p></body></html>\n");
    enum MHD_Result ret = b.oom
                              ? MHD_NO
                              : fk_reply(r, status, "text/html; charset=utf-8",
                                         b.p, b.len, FK_CACHE_NOSTORE);
    fk_buf_free(&b);
    return ret;
}

enum MHD_Result fk_reply_fd(fk_req *r, int fd, const char *ctype, int cache,
                            const char *download)
{
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return fk_reply_text(r, MHD_HTTP_NOT_FOUND,
                             "まだ作成されていません (not rendered yet)");
    }
    char etag[80] = "";
    if (cache != FK_CACHE_NOSTORE) {
        snprintf(etag, sizeof etag, "\"f%llx-%llx-%llx.%09ld\"",
                 (unsigned long long)sb.st_ino, (unsigned long long)sb.st_size,
                 (unsigned long long)sb.st_mtim.tv_sec,
                 (long)sb.st_mtim.tv_nsec);
        if (fk_etag_matches(r, etag)) {
            close(fd);
            return not_modified(r, etag, cache);
        }
    }
    struct MHD_Response *resp =
        MHD_create_response_from_fd64((uint64_t)sb.st_size, fd);
    if (!resp) {
        close(fd);
        return fk_reply_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                             "cannot create the response");
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (etag[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    if (download) {
        char cd[256];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", download);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
    }
    fk_reply_common_headers(resp, cache);
    return queue(r, MHD_HTTP_OK, resp, (uint64_t)sb.st_size);
}
