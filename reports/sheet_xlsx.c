/* sheet_xlsx.c - reading the first sheet of an XLSX workbook: libzip opens
 * the archive, expat parses xl/sharedStrings.xml and then
 * xl/worksheets/sheet1.xml as they inflate.
 *
 * The file is hostile until proven otherwise: bytes are counted as they
 * inflate (the sizes the archive claims are not trusted, so a zip bomb
 * stops at FK_SHEET_MAX_BYTES), a DOCTYPE (and with it any entity trick)
 * ends the parse, shared-string indexes are checked, and rows and columns
 * are bounded.  Phonetic guides (<rPh>, the furigana Japanese Excel adds
 * to shared strings) are not part of a cell's text. */
#include "reports/followup.h"

#include "core/alloc.h"
#include "core/buf.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct {
    XML_Parser xp;
    char *err;
    size_t errlen;
    int failed;
    fk_buf text; /* being collected */
    int in_text; /* inside <t> (or <v>) that counts */
    int in_rph;
    /* shared strings */
    char **ss;
    size_t nss, capss;
    /* sheet */
    fk_sheet *sheet;
    int row, next_row, col, next_col;
    char type[16];
    int in_cell, has_value;
} xctx;

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **a, const char *key)
{
    for (; a && a[0]; a += 2)
        if (!strcmp(local(a[0]), key)) return a[1];
    return NULL;
}

static void fail(xctx *x, const char *msg)
{
    if (!x->failed) snprintf(x->err, x->errlen, "%s", msg);
    x->failed = 1;
    XML_StopParser(x->xp, XML_FALSE);
}

static void on_text(void *ud, const XML_Char *s, int n)
{
    xctx *x = ud;
    if (!x->in_text || x->in_rph || x->failed) return;
    if (x->text.len + (size_t)n > FK_SHEET_MAX_CELL) {
        char msg[128];
        snprintf(msg, sizeof msg, "row %d: a cell holds more than %d bytes",
                 x->row, FK_SHEET_MAX_CELL);
        fail(x, msg);
        return;
    }
    if (fk_buf_put(&x->text, s, (size_t)n) < 0) fail(x, "out of memory");
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                       const XML_Char *pub, int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    fail(ud, "the workbook holds a DOCTYPE, which XLSX never needs");
}

/* ---- xl/sharedStrings.xml: <si> of <t> runs, <rPh> left out ---------- */
static void ss_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    xctx *x = ud;
    (void)a;
    const char *n = local(name);
    if (!strcmp(n, "si"))
        fk_buf_reset(&x->text);
    else if (!strcmp(n, "t"))
        x->in_text = 1;
    else if (!strcmp(n, "rPh"))
        x->in_rph = 1;
}

static void ss_end(void *ud, const XML_Char *name)
{
    xctx *x = ud;
    const char *n = local(name);
    if (!strcmp(n, "t"))
        x->in_text = 0;
    else if (!strcmp(n, "rPh"))
        x->in_rph = 0;
    else if (!strcmp(n, "si") && !x->failed) {
        if (x->nss == x->capss) {
            x->capss = x->capss ? x->capss * 2 : 256;
            x->ss = fk_xrealloc(x->ss, x->capss, sizeof *x->ss);
        }
        char *t = fk_xmalloc(x->text.len + 1);
        memcpy(t, x->text.p ? x->text.p : "", x->text.len);
        t[x->text.len] = '\0';
        x->ss[x->nss++] = t;
    }
}

/* ---- xl/worksheets/sheet1.xml ---------------------------------------- */

/* "BC12" -> column 54 (0-based), -1 when it is not a cell reference. */
static int col_of(const char *ref)
{
    int c = 0, k = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++, k++) {
        if (k == 3) return -1;
        c = c * 26 + (*ref - 'A' + 1);
    }
    return k ? c - 1 : -1;
}

static void sh_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    xctx *x = ud;
    if (x->failed) return;
    const char *n = local(name);
    char msg[160];
    if (!strcmp(n, "row")) {
        const char *r = attr(a, "r");
        x->row = r ? atoi(r) : x->next_row;
        if (x->row < x->next_row || x->row > FK_SHEET_MAX_ROWS) {
            snprintf(msg, sizeof msg, "row %d: row numbers out of order",
                     x->row);
            return fail(x, msg);
        }
        x->next_row = x->row + 1;
        x->next_col = 0;
        if (fk_sheet_new_row(x->sheet, x->row, msg, sizeof msg) < 0)
            fail(x, msg);
    } else if (!strcmp(n, "c")) {
        const char *r = attr(a, "r"), *t = attr(a, "t");
        x->col = r ? col_of(r) : x->next_col;
        if (x->col < 0) {
            snprintf(msg, sizeof msg, "row %d: bad cell reference", x->row);
            return fail(x, msg);
        }
        x->next_col = x->col + 1;
        snprintf(x->type, sizeof x->type, "%s", t ? t : "n");
        x->in_cell = 1;
        x->has_value = 0;
        fk_buf_reset(&x->text);
    } else if (x->in_cell && (!strcmp(n, "v") || !strcmp(n, "t"))) {
        x->in_text = 1;
        x->has_value = 1;
    } else if (!strcmp(n, "rPh")) {
        x->in_rph = 1;
    }
}

static void sh_end(void *ud, const XML_Char *name)
{
    xctx *x = ud;
    if (x->failed) return;
    const char *n = local(name);
    char msg[160];
    if (!strcmp(n, "v") || !strcmp(n, "t")) {
        x->in_text = 0;
    } else if (!strcmp(n, "rPh")) {
        x->in_rph = 0;
    } else if (!strcmp(n, "c")) {
        x->in_cell = 0;
        if (!x->has_value) return;
        const char *s = x->text.p ? x->text.p : "";
        size_t len = x->text.len;
        int numeric = 0;
        if (!strcmp(x->type, "s")) {
            char idx[24];
            snprintf(idx, sizeof idx, "%.*s", (int)(len < 20 ? len : 20), s);
            char *end;
            unsigned long i = strtoul(idx, &end, 10);
            if (!len || *end || i >= x->nss) {
                snprintf(msg, sizeof msg,
                         "row %d: cell refers to shared string %s of %zu",
                         x->row, idx, x->nss);
                return fail(x, msg);
            }
            s = x->ss[i];
            len = strlen(s);
        } else if (!strcmp(x->type, "n")) {
            numeric = 1;
        }
        if (fk_sheet_put(x->sheet, x->col, s, len, numeric, msg, sizeof msg) <
            0)
            fail(x, msg);
    }
}

/* Inflates one part through the parser, counting what it inflates.
 * Returns 0, 1 when the part is missing, -1 on error. */
static int parse_part(zip_t *z, const char *part, xctx *x,
                      XML_StartElementHandler start, XML_EndElementHandler end)
{
    zip_file_t *zf = zip_fopen(z, part, 0);
    if (!zf) return 1;
    XML_Parser xp = XML_ParserCreate("UTF-8");
    if (!xp) {
        zip_fclose(zf);
        snprintf(x->err, x->errlen, "out of memory");
        return -1;
    }
    x->xp = xp;
    XML_SetUserData(xp, x);
    XML_SetElementHandler(xp, start, end);
    XML_SetCharacterDataHandler(xp, on_text);
    XML_SetStartDoctypeDeclHandler(xp, on_doctype);
    char buf[65536];
    size_t total = 0;
    int rc = 0;
    for (;;) {
        zip_int64_t got = zip_fread(zf, buf, sizeof buf);
        if (got < 0) {
            snprintf(x->err, x->errlen, "%s: cannot inflate: %s", part,
                     zip_file_strerror(zf));
            rc = -1;
            break;
        }
        total += (size_t)got;
        if (total > FK_SHEET_MAX_BYTES) {
            snprintf(x->err, x->errlen,
                     "%s inflates to more than %u MiB; refusing it", part,
                     FK_SHEET_MAX_BYTES >> 20);
            rc = -1;
            break;
        }
        if (XML_Parse(xp, buf, (int)got, got == 0) != XML_STATUS_OK) {
            if (!x->failed)
                snprintf(x->err, x->errlen, "%s: line %lu: %s", part,
                         (unsigned long)XML_GetCurrentLineNumber(xp),
                         XML_ErrorString(XML_GetErrorCode(xp)));
            rc = -1;
            break;
        }
        if (got == 0) break;
    }
    if (x->failed) rc = -1;
    XML_ParserFree(xp);
    zip_fclose(zf);
    return rc;
}

int fk_sheet_read_xlsx(const char *path, fk_sheet *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->format = "xlsx";
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        snprintf(err, errlen, "%s: not a readable XLSX file: %s", path,
                 zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    char inner[400] = "";
    xctx x = {
        .err = inner, .errlen = sizeof inner, .sheet = out, .next_row = 1};
    int rc = parse_part(z, "xl/sharedStrings.xml", &x, ss_start, ss_end);
    if (rc >= 0) {
        x.in_text = x.in_rph = 0;
        rc = parse_part(z, "xl/worksheets/sheet1.xml", &x, sh_start, sh_end);
        if (rc == 1) {
            snprintf(inner, sizeof inner,
                     "no first worksheet (xl/worksheets/sheet1.xml)");
            rc = -1;
        }
    }
    zip_close(z);
    for (size_t i = 0; i < x.nss; i++) free(x.ss[i]);
    free(x.ss);
    fk_buf_free(&x.text);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", path, inner);
        fk_sheet_free(out);
        return -1;
    }
    if (out->n && out->rows[out->n - 1].n == 0) out->n--;
    return 0;
}
