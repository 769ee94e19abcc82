/* export_csv.c - the CSV writer behind `fukyu export`: RFC 4180 (CRLF,
 * quoting of fields holding a comma, quote, CR or LF, quotes doubled,
 * text that would read as a formula prefixed with a quote),
 * UTF-8 with an optional BOM (Excel needs it to read UTF-8), or cp932 for
 * older Excel.  Each row is built in UTF-8 and then encoded as a whole:
 * cp932 trail bytes never fall in 0x00-0x3F, so quoting done in UTF-8
 * stays correct after conversion. */
#include "reports/export_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

struct fk_csv {
    FILE *f;
    iconv_t cd; /* (iconv_t)-1 for UTF-8 */
    int64_t replaced;
    fk_buf line, enc; /* the row in UTF-8, and encoded */
    char err[256];
};

static int put(fk_csv *c, const char *s, size_t n)
{
    return fk_buf_put(&c->line, s, n);
}

/* Text that a spreadsheet would take for a formula (= + - @, and tab or
 * CR, which some tools skip before looking) gets a leading single quote,
 * as OWASP recommends against CSV injection: a facility named
 * "=HYPERLINK(...)" is shown as that text, never run.  Only text cells
 * are guarded; our own numbers and dates (a negative count) stay numbers.
 * The XLSX writer stores text cells as strings and needs none of this. */
static int put_field(fk_csv *c, const char *s, int text)
{
    size_t q = text && s[0] && strchr("=+-@\t\r", s[0]) ? 1 : 0;
    if (!strpbrk(s, ",\"\r\n")) return put(c, "'", q) | put(c, s, strlen(s));
    int rc = put(c, "\"", 1) | put(c, "'", q);
    for (const char *p = s; *p && !rc; p++)
        rc = *p == '"' ? put(c, "\"\"", 2) : put(c, p, 1);
    return rc | put(c, "\"", 1);
}

fk_csv *fk_csv_open(const char *path, fk_export_encoding enc, int bom,
                    char *err, size_t errlen)
{
    /* The converter first, so that its failure has nothing to undo. */
    iconv_t cd = (iconv_t)-1;
    if (enc == FK_EXPORT_CP932) {
        cd = iconv_open("CP932", "UTF-8");
        /* glibc declares iconv_open with iconv_close as its deallocator,
         * so gcc -fanalyzer (12) takes the (iconv_t)-1 failure value for
         * an open descriptor and reports it leaked on this return; there
         * is nothing to close. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
        if (cd == (iconv_t)-1) {
            snprintf(
                err, errlen,
                "cp932: the C library has no UTF-8 to CP932 converter (%s)",
                strerror(errno));
            return NULL;
        }
#pragma GCC diagnostic pop
    }
    fk_csv *c = fk_xcalloc(1, sizeof *c);
    c->cd = cd;
    c->f = fopen(path, "wb");
    if (!c->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (c->cd != (iconv_t)-1) iconv_close(c->cd);
        free(c);
        return NULL;
    }
    /* A BOM exists only for Unicode encodings. */
    if (bom && enc == FK_EXPORT_UTF8 &&
        fwrite("\xEF\xBB\xBF", 1, 3, c->f) != 3) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        fk_csv_close(c, NULL, NULL, 0);
        return NULL;
    }
    return c;
}

/* Length of the UTF-8 sequence starting with lead byte b (1 when invalid,
 * so that a bad byte is replaced on its own). */
static size_t seq_len(unsigned char b)
{
    if (b >= 0xF0 && b <= 0xF4) return 4;
    if (b >= 0xE0) return b <= 0xEF ? 3 : 1;
    if (b >= 0xC2) return 2;
    return 1;
}

/* Encodes c->line into c->enc; returns the encoded length or -1. */
static long encode(fk_csv *c)
{
    fk_buf_reset(&c->enc);
    char *in = c->line.p;
    size_t inleft = c->line.len;
    while (inleft) {
        /* Room for the worst case of what is left, grown when short. */
        size_t room = inleft * 2 + 16;
        char *out = fk_buf_reserve(&c->enc, room), *start = out;
        if (!out) return -1;
        size_t outleft = room;
        size_t r = iconv(c->cd, &in, &inleft, &out, &outleft);
        int e = errno;
        c->enc.len += (size_t)(out - start);
        if (r != (size_t)-1 || e == E2BIG) continue;
        /* EILSEQ or EINVAL: a character with no cp932 form. */
        size_t skip = seq_len((unsigned char)*in);
        if (skip > inleft) skip = inleft;
        fk_buf_putc(&c->enc, '?');
        in += skip;
        inleft -= skip;
        c->replaced++;
    }
    return c->enc.oom ? -1 : (long)c->enc.len;
}

int fk_csv_row(fk_csv *c, const fk_cell *cells, int n)
{
    fk_buf_reset(&c->line);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char num[32];
        const char *s = "";
        if (cells[i].kind == FK_CELL_TEXT)
            s = cells[i].text ? cells[i].text : "";
        else if (cells[i].kind == FK_CELL_INT)
            snprintf(num, sizeof num, "%lld", (long long)cells[i].num), s = num;
        else if (cells[i].kind == FK_CELL_DATE)
            s = fk_date_format((fk_day)cells[i].num, num);
        rc = (i ? put(c, ",", 1) : 0) |
             put_field(c, s, cells[i].kind == FK_CELL_TEXT);
    }
    if (rc || put(c, "\r\n", 2) < 0) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return -1;
    }
    const char *data = c->line.p;
    size_t len = c->line.len;
    if (c->cd != (iconv_t)-1) {
        long el = encode(c);
        if (el < 0) {
            snprintf(c->err, sizeof c->err, "out of memory");
            return -1;
        }
        data = c->enc.p;
        len = (size_t)el;
    }
    if (fwrite(data, 1, len, c->f) != len) {
        snprintf(c->err, sizeof c->err, "write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

const char *fk_csv_error(const fk_csv *c)
{
    return c->err;
}

int fk_csv_close(fk_csv *c, int64_t *replaced, char *err, size_t errlen)
{
    int rc = 0;
    /* The caller's fk_atomic_commit syncs the file before renaming it. */
    if (fflush(c->f) != 0) rc = -1;
    if (fclose(c->f) != 0) rc = -1;
    if (rc && err) snprintf(err, errlen, "write: %s", strerror(errno));
    if (replaced) *replaced = c->replaced;
    if (c->cd != (iconv_t)-1) iconv_close(c->cd);
    fk_buf_free(&c->line);
    fk_buf_free(&c->enc);
    free(c);
    return rc;
}
