/* export_verify.c - reads back an XLSX file that libxlsxwriter has just
 * written and checks that it is whole.
 *
 * Why: libxlsxwriter stages every part of the workbook in temporary files
 * and does not check those writes, so a full disk or a file size limit
 * gives a "successful" workbook whose sheet is cut off mid-row.  A follow-up
 * list that silently lost half its facilities is worse than no list, so
 * after writing we inflate every part (zlib), require each to end with its
 * root element's closing tag, and count the sheet's rows. */
#include "reports/export_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/alloc.h"

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

typedef struct {
    char root[64];   /* the part's root element name */
    size_t head_len; /* bytes of the opening seen, to find the root */
    char head[512];
    char tail[128]; /* the last bytes written */
    size_t tail_len;
    char carry[8]; /* the end of the previous chunk, for "<row " */
    size_t carry_len;
    int64_t rows;
} scan;

static void scan_chunk(scan *s, const unsigned char *p, size_t n)
{
    if (s->head_len < sizeof s->head - 1) {
        size_t k = n < sizeof s->head - 1 - s->head_len
                       ? n
                       : sizeof s->head - 1 - s->head_len;
        memcpy(s->head + s->head_len, p, k);
        s->head_len += k;
        s->head[s->head_len] = '\0';
    }
    /* "<row " across the chunk boundary: search carry + the chunk's start. */
    char edge[16];
    size_t e = s->carry_len, k = n < 4 ? n : 4;
    memcpy(edge, s->carry, e);
    memcpy(edge + e, p, k);
    for (size_t i = 0; i + 5 <= e + k; i++)
        if (!memcmp(edge + i, "<row ", 5) && i < e) s->rows++;
    for (const unsigned char *q = p;
         (q = memmem(q, n - (size_t)(q - p), "<row ", 5)); q++)
        s->rows++;
    s->carry_len = n < 4 ? n : 4;
    memcpy(s->carry, p + n - s->carry_len, s->carry_len);
    if (n >= sizeof s->tail) {
        memcpy(s->tail, p + n - sizeof s->tail, sizeof s->tail);
        s->tail_len = sizeof s->tail;
    } else {
        size_t keep =
            sizeof s->tail - n < s->tail_len ? sizeof s->tail - n : s->tail_len;
        memmove(s->tail, s->tail + s->tail_len - keep, keep);
        memcpy(s->tail + keep, p, n);
        s->tail_len = keep + n;
    }
}

/* 0 when the part ends with the closing tag of its root element. */
static int scan_whole(const scan *s)
{
    const char *p = s->head;
    while ((p = strchr(p, '<')) && (p[1] == '?' || p[1] == '!')) p++;
    if (!p) return -1;
    size_t n = strcspn(p + 1, " \t\r\n/>");
    if (n == 0 || n + 4 > sizeof s->tail) return -1;
    char want[80];
    snprintf(want, sizeof want, "</%.*s>", (int)n, p + 1);
    size_t t = s->tail_len, w = strlen(want);
    while (t && strchr(" \t\r\n", s->tail[t - 1])) t--;
    return t >= w && !memcmp(s->tail + t - w, want, w) ? 0 : -1;
}

static int inflate_part(const unsigned char *data, size_t clen, unsigned method,
                        scan *s)
{
    if (method == 0) {
        scan_chunk(s, data, clen);
        return 0;
    }
    if (method != 8) return -1;
    z_stream z = {0};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return -1;
    unsigned char out[65536];
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)clen;
    int rc;
    do {
        z.next_out = out;
        z.avail_out = sizeof out;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        if (sizeof out - z.avail_out)
            scan_chunk(s, out, sizeof out - z.avail_out);
    } while (rc == Z_OK && (z.avail_in || z.avail_out == 0));
    inflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

int fk_xlsx_verify(const char *path, const char *sheet_part, int64_t rows,
                   char *err, size_t errlen)
{
    size_t len = 0;
    unsigned char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long l = ftell(f);
        if (l > 0) {
            buf = fk_xmalloc((size_t)l);
            len = (size_t)l;
            rewind(f);
            if (fread(buf, 1, len, f) != len) len = 0;
        }
    }
    if (f) fclose(f);
    int rc = -1;
    /* The end-of-central-directory record: the last 22 bytes, unless the
     * archive has a comment (libxlsxwriter writes none). */
    if (len < 22 || le32(buf + len - 22) != 0x06054b50u) {
        snprintf(err, errlen, "not a complete zip archive (%s)",
                 len ? "no end record" : strerror(errno));
        goto out;
    }
    size_t count = le16(buf + len - 12), off = le32(buf + len - 6);
    int sheet_seen = 0;
    for (size_t i = 0; i < count; i++) {
        if (off + 46 > len || le32(buf + off) != 0x02014b50u) {
            snprintf(err, errlen, "damaged zip directory");
            goto out;
        }
        const unsigned char *c = buf + off;
        unsigned method = le16(c + 10);
        size_t clen = le32(c + 20), nlen = le16(c + 28), loc = le32(c + 42);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(nlen < 255 ? nlen : 255),
                 (const char *)c + 46);
        off += 46 + nlen + le16(c + 30) + le16(c + 32);
        if (loc + 30 > len || le32(buf + loc) != 0x04034b50u) {
            snprintf(err, errlen, "damaged zip entry %s", name);
            goto out;
        }
        size_t data = loc + 30 + le16(buf + loc + 26) + le16(buf + loc + 28);
        scan s = {0};
        if (data + clen > len ||
            inflate_part(buf + data, clen, method, &s) < 0) {
            snprintf(err, errlen, "zip entry %s does not inflate", name);
            goto out;
        }
        size_t nl = strlen(name);
        if (nl > 4 &&
            (!strcmp(name + nl - 4, ".xml") ||
             !strcmp(name + nl - 5, ".rels")) &&
            scan_whole(&s) < 0) {
            snprintf(err, errlen,
                     "%s is cut short (disk full or file size limit?)", name);
            goto out;
        }
        if (!strcmp(name, sheet_part)) {
            sheet_seen = 1;
            if (s.rows != rows) {
                snprintf(err, errlen, "%s holds %lld rows, %lld were written",
                         name, (long long)s.rows, (long long)rows);
                goto out;
            }
        }
    }
    if (!sheet_seen)
        snprintf(err, errlen, "no %s in the workbook", sheet_part);
    else
        rc = 0;
out:
    free(buf);
    return rc;
}
