/* sheet_csv.c - reading a filled-in list: the sheet rows both readers
 * build, the choice between XLSX and CSV, and the CSV reader (encoding by
 * BOM, then strict UTF-8, else cp932 through glibc's iconv; RFC 4180
 * quoting with CRLF, LF or CR line ends, as spreadsheets save them). */
#include "reports/followup.h"

#include "core/alloc.h"
#include "core/buf.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fk_sheet_free(fk_sheet *s)
{
    for (size_t i = 0; i < s->n; i++) {
        for (int j = 0; j < s->rows[i].n; j++) free(s->rows[i].cells[j].text);
        free(s->rows[i].cells);
    }
    free(s->rows);
    s->rows = NULL;
    s->n = s->cap = 0;
}

int fk_sheet_new_row(fk_sheet *s, int line, char *err, size_t errlen)
{
    if (s->n && s->rows[s->n - 1].n == 0) { /* reuse an empty row */
        s->rows[s->n - 1].line = line;
        return 0;
    }
    if (s->n >= FK_SHEET_MAX_ROWS) {
        snprintf(err, errlen, "line %d: more than %d rows", line,
                 FK_SHEET_MAX_ROWS);
        return -1;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->rows = fk_xrealloc(s->rows, s->cap, sizeof *s->rows);
    }
    s->rows[s->n++] = (fk_sheet_row){line, 0, NULL};
    return 0;
}

int fk_sheet_put(fk_sheet *s, int col, const char *text, size_t len,
                 int numeric, char *err, size_t errlen)
{
    fk_sheet_row *r = &s->rows[s->n - 1];
    if (col >= FK_SHEET_MAX_COLS) {
        snprintf(err, errlen, "line %d: more than %d columns", r->line,
                 FK_SHEET_MAX_COLS);
        return -1;
    }
    if (len > FK_SHEET_MAX_CELL) {
        snprintf(err, errlen, "line %d: column %d holds more than %d bytes",
                 r->line, col + 1, FK_SHEET_MAX_CELL);
        return -1;
    }
    if (col >= r->n) {
        r->cells = fk_xrealloc(r->cells, (size_t)col + 1, sizeof *r->cells);
        for (int j = r->n; j <= col; j++)
            r->cells[j] = (fk_sheet_cell){fk_xcalloc(1, 1), 0};
        r->n = col + 1;
    }
    char *t = fk_xmalloc(len + 1);
    memcpy(t, text, len);
    t[len] = '\0';
    free(r->cells[col].text);
    r->cells[col] = (fk_sheet_cell){t, numeric};
    return 0;
}

/* Length of the valid UTF-8 prefix of p (no overlongs, no surrogates). */
static size_t utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k;
        if (c < 0x80)
            k = 0;
        else if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3;
        else
            return i;
        if (i + k >= n) return i;
        for (size_t j = 1; j <= k; j++)
            if ((p[i + j] & 0xC0) != 0x80) return i;
        if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F) ||
            (c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] > 0x8F))
            return i;
        i += k + 1;
    }
    return i;
}

static int line_of(const char *p, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++) line += p[i] == '\n';
    return line;
}

/* The cp932 converter, opened on first use and kept for the process (an
 * import reads one file on the CLI's one thread): glibc declares
 * iconv_open an allocator, so a failed open, which returns (iconv_t)-1,
 * and closing on every path are clearer held in one place. */
static iconv_t cp932(void)
{
    static iconv_t cd = (iconv_t)-1;
    if (cd == (iconv_t)-1) cd = iconv_open("UTF-8", "CP932");
    if (cd != (iconv_t)-1) iconv(cd, NULL, NULL, NULL, NULL); /* reset */
    return cd;
}

/* cp932 to UTF-8 (malloc'd); on a byte cp932 cannot hold, names its line. */
static char *from_cp932(const char *in, size_t n, size_t *outlen, char *err,
                        size_t errlen)
{
    iconv_t cd = cp932();
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "iconv cannot convert from cp932: %s",
                 strerror(errno));
        return NULL;
    }
    /* A cp932 character is 1 or 2 bytes and becomes at most 3 in UTF-8. */
    size_t cap = n * 3 / 2 + 16;
    char *out = fk_xmalloc(cap);
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = cap;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) break;
        if (errno == E2BIG) {
            size_t used = (size_t)(op - out);
            out = fk_xrealloc(out, cap, 2);
            cap *= 2;
            op = out + used;
            ol = cap - used;
            continue;
        }
        size_t off = (size_t)(ip - in);
        snprintf(err, errlen,
                 "line %d: byte 0x%02X is neither UTF-8 nor cp932 text; "
                 "save the file as CSV in UTF-8 or Shift_JIS",
                 line_of(in, off), (unsigned char)in[off]);
        free(out);
        return NULL;
    }
    *outlen = (size_t)(op - out);
    return out;
}

/* One more byte of a field, or -1 when the field is too long. */
static int put_byte(char *field, size_t *len, char c, int line, int col,
                    char *err, size_t errlen)
{
    if (*len == FK_SHEET_MAX_CELL) {
        snprintf(err, errlen, "line %d: column %d holds more than %d bytes",
                 line, col + 1, FK_SHEET_MAX_CELL);
        return -1;
    }
    field[(*len)++] = c;
    return 0;
}

static int parse_csv(const char *p, size_t n, fk_sheet *s, char *err,
                     size_t errlen)
{
    size_t i = 0;
    int line = 1;
    char *field = fk_xmalloc(FK_SHEET_MAX_CELL + 1);
    int rc = 0;
    while (i < n && rc == 0) {
        int start = line, col = 0;
        if (fk_sheet_new_row(s, start, err, errlen) < 0) {
            rc = -1;
            break;
        }
        for (;;) {
            size_t len = 0;
            int quoted = i < n && p[i] == '"';
            if (quoted) {
                int qline = line;
                for (i++;; i++) {
                    if (i >= n) {
                        snprintf(err, errlen,
                                 "line %d: a quoted field is not closed",
                                 qline);
                        rc = -1;
                        break;
                    }
                    if (p[i] == '"' && i + 1 < n && p[i + 1] == '"')
                        i++;
                    else if (p[i] == '"')
                        break;
                    line += p[i] == '\n';
                    if ((rc = put_byte(field, &len, p[i], start, col, err,
                                       errlen)))
                        break;
                }
                if (rc) break;
                i++;
                if (i < n && p[i] != ',' && p[i] != '\r' && p[i] != '\n') {
                    snprintf(err, errlen,
                             "line %d: text after the closing quote of "
                             "column %d",
                             line, col + 1);
                    rc = -1;
                    break;
                }
            } else {
                for (; i < n && p[i] != ',' && p[i] != '\r' && p[i] != '\n';
                     i++)
                    if ((rc = put_byte(field, &len, p[i], start, col, err,
                                       errlen)))
                        break;
                if (rc) break;
            }
            if ((len || quoted) &&
                fk_sheet_put(s, col, field, len, 0, err, errlen) < 0) {
                rc = -1;
                break;
            }
            col++;
            if (i < n && p[i] == ',') {
                i++;
                continue;
            }
            if (i < n && p[i] == '\r') i++;
            if (i < n && p[i] == '\n') i++;
            line++;
            break;
        }
    }
    free(field);
    if (rc == 0 && s->n && s->rows[s->n - 1].n == 0) s->n--; /* no cells */
    return rc;
}

int fk_sheet_read_csv(const char *data, size_t len, fk_sheet *out, char *err,
                      size_t errlen)
{
    const unsigned char *u = (const unsigned char *)data;
    memset(out, 0, sizeof *out);
    if (len >= 2 &&
        ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        snprintf(err, errlen,
                 "the file is UTF-16 text; save it as CSV (UTF-8 or "
                 "Shift_JIS) or XLSX");
        return -1;
    }
    int rc;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        out->format = "csv utf-8 bom";
        data += 3, len -= 3;
        size_t ok = utf8_valid((const unsigned char *)data, len);
        if (ok < len) {
            snprintf(err, errlen,
                     "line %d: byte 0x%02X is not UTF-8 although the file "
                     "starts with a UTF-8 BOM",
                     line_of(data, ok), (unsigned char)data[ok]);
            return -1;
        }
        rc = parse_csv(data, len, out, err, errlen);
    } else if (utf8_valid(u, len) == len) {
        out->format = "csv utf-8";
        rc = parse_csv(data, len, out, err, errlen);
    } else {
        size_t n;
        char *conv = from_cp932(data, len, &n, err, errlen);
        if (!conv) return -1;
        out->format = "csv cp932";
        rc = parse_csv(conv, n, out, err, errlen);
        free(conv);
    }
    if (rc < 0) fk_sheet_free(out);
    return rc;
}

int fk_sheet_read(const char *path, fk_sheet *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char magic[4] = {0};
    size_t got = fread(magic, 1, 4, f);
    if (got == 4 && !memcmp(magic, "PK\3\4", 4)) {
        fclose(f);
        return fk_sheet_read_xlsx(path, out, err, errlen);
    }
    rewind(f);
    /* Read in chunks into a buffer capped a chunk past the limit, so
     * that a larger file is known to be larger without reading it all. */
    enum {
        CHUNK = 65536
    };
    fk_buf b = {.max = FK_SHEET_MAX_BYTES + CHUNK + 1};
    got = CHUNK;
    while (got == CHUNK && !b.oom) {
        char *p = fk_buf_reserve(&b, CHUNK);
        got = p ? fread(p, 1, CHUNK, f) : 0;
        b.len += got;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom || b.len > FK_SHEET_MAX_BYTES) {
        if (bad)
            snprintf(err, errlen, "%s: read error", path);
        else
            snprintf(err, errlen, "%s: larger than %u MiB; split the list",
                     path, FK_SHEET_MAX_BYTES >> 20);
        fk_buf_free(&b);
        return -1;
    }
    const char *buf = b.p ? b.p : "";
    size_t n = b.len;
    char inner[400];
    int rc = fk_sheet_read_csv(buf, n, out, inner, sizeof inner);
    fk_buf_free(&b);
    if (rc < 0) snprintf(err, errlen, "%s: %s", path, inner);
    return rc;
}
