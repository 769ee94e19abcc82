/* obs.c - reading forecast observations from a CSV file or the store
 * (see obs.h).  Every rejection names the file and line, because these
 * files are typed or exported by hand. */
#include "forecast/obs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define MAX_FILE (64L << 20)

/* A non-negative decimal number, the whole field. */
static int parse_num(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.')) return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* One data row of `ncol` fields (3, or 4 with applied). */
static int parse_row(const char *s, size_t len, int ncol, fk_obs *o, char *why,
                     size_t wn)
{
    const char *f[4];
    size_t fl[4], nf = 0;
    const char *p = s, *end = s + len;
    const char *want =
        ncol == 4 ? "date,adopting,total,applied" : "date,adopting,total";
    for (;;) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        if (nf == (size_t)ncol) {
            snprintf(why, wn, "more than %d fields (expected %s)", ncol, want);
            return -1;
        }
        f[nf] = p, fl[nf] = (size_t)((c ? c : end) - p), nf++;
        if (!c) break;
        p = c + 1;
    }
    if (nf != (size_t)ncol) {
        snprintf(why, wn, "%zu field%s (expected %s)", nf, nf == 1 ? "" : "s",
                 want);
        return -1;
    }
    if (fk_date_parsen(f[0], fl[0], &o->date) < 0) {
        snprintf(why, wn, "date '%.*s' is not a YYYY-MM-DD calendar date",
                 (int)fl[0], f[0]);
        return -1;
    }
    if (parse_num(f[1], fl[1], &o->adopting) < 0) {
        snprintf(why, wn, "adopting '%.*s' is not a non-negative number",
                 (int)fl[1], f[1]);
        return -1;
    }
    if (parse_num(f[2], fl[2], &o->total) < 0 || o->total <= 0) {
        snprintf(why, wn, "total '%.*s' is not a positive number", (int)fl[2],
                 f[2]);
        return -1;
    }
    if (o->adopting > o->total) {
        snprintf(why, wn, "adopting %.*s exceeds total %.*s", (int)fl[1], f[1],
                 (int)fl[2], f[2]);
        return -1;
    }
    o->applied = NAN;
    if (ncol == 4) {
        if (parse_num(f[3], fl[3], &o->applied) < 0) {
            snprintf(why, wn, "applied '%.*s' is not a non-negative number",
                     (int)fl[3], f[3]);
            return -1;
        }
        if (o->adopting + o->applied > o->total) {
            snprintf(why, wn,
                     "adopting %.*s plus applied %.*s exceeds total %.*s",
                     (int)fl[1], f[1], (int)fl[3], f[3], (int)fl[2], f[2]);
            return -1;
        }
    }
    return 0;
}

int fk_obs_parse_csv(const char *text, size_t len, const char *name,
                     fk_obs **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL, *n = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    fk_obs *v = NULL;
    size_t nv = 0, cap = 0, line = 0, blank_at = 0;
    int ncol = 3;
    const char *p = text, *end = text + len;
    char why[200];
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t l = (size_t)(le - p);
        if (l > 0 && p[l - 1] == '\r') l--;
        line++;
        if (memchr(p, '\0', l) || memchr(p, '\r', l)) {
            snprintf(err, errlen, "%s:%zu: stray control character", name,
                     line);
            goto fail;
        }
        if (l == 0) {
            if (!blank_at) blank_at = line;
        } else if (blank_at) {
            snprintf(err, errlen, "%s:%zu: blank line inside the data", name,
                     blank_at);
            goto fail;
        } else if (line == 1) {
            if (l == 19 && memcmp(p, "date,adopting,total", 19) == 0)
                ncol = 3;
            else if (l == 27 &&
                     memcmp(p, "date,adopting,total,applied", 27) == 0)
                ncol = 4;
            else {
                snprintf(err, errlen,
                         "%s:1: header must be exactly 'date,adopting,total' "
                         "or 'date,adopting,total,applied'",
                         name);
                goto fail;
            }
        } else {
            fk_obs o;
            if (parse_row(p, l, ncol, &o, why, sizeof why) < 0) {
                snprintf(err, errlen, "%s:%zu: %s", name, line, why);
                goto fail;
            }
            if (nv > 0 && o.date <= v[nv - 1].date) {
                char a[FK_DATE_LEN], b[FK_DATE_LEN];
                snprintf(err, errlen,
                         "%s:%zu: date %s is not after the previous row's %s",
                         name, line, fk_date_format(o.date, a),
                         fk_date_format(v[nv - 1].date, b));
                goto fail;
            }
            if (nv == cap) {
                cap = cap ? cap * 2 : 64;
                v = fk_xrealloc(v, cap, sizeof *v);
            }
            v[nv++] = o;
        }
        p = nl ? nl + 1 : end;
    }
    if (line == 0) {
        snprintf(err, errlen,
                 "%s:1: empty file (expected header 'date,adopting,total')",
                 name);
        goto fail;
    }
    if (nv == 0) {
        snprintf(err, errlen, "%s: no observations after the header", name);
        goto fail;
    }
    *out = v, *n = nv;
    return 0;
fail:
    free(v);
    return -1;
}

int fk_obs_load_csv(const char *path, fk_obs **out, size_t *n, char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= (size_t)MAX_FILE) {
                snprintf(err, errlen, "%s: larger than 64 MiB", path);
                goto fail;
            }
            cap = cap ? cap * 2 : 65536;
            buf = fk_xrealloc(buf, cap, 1);
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    int rc = fk_obs_parse_csv(buf ? buf : "", len, path, out, n, err, errlen);
    free(buf);
    return rc;
fail:
    fclose(f);
    free(buf);
    return -1;
}

void fk_obs_from_series(const fk_point *pts, size_t npts, fk_obs **out,
                        size_t *n)
{
    *out = NULL, *n = 0;
    if (npts == 0) return;
    fk_obs *v = fk_xcalloc(npts / 7 + 2, sizeof *v);
    size_t nv = 0;
    /* Sundays and the last day (fk_weekly_point): the observations of
     * the charts' lines (reports/chartdata.c), and a new day of data
     * leaves the earlier ones where they were. */
    for (size_t i = 0; i < npts; i++) {
        const fk_point *p = &pts[i];
        if (!fk_weekly_point(p->date, pts[npts - 1].date) || p->c.total <= 0)
            continue;
        v[nv++] = (fk_obs){p->date, (double)p->c.adopting, (double)p->c.total,
                           (double)p->c.applied};
    }
    *out = v, *n = nv;
}

int fk_obs_from_store(fk_store *st, const char *program, int type,
                      const fk_area *area, fk_obs **out, size_t *n, char *err,
                      size_t errlen)
{
    *out = NULL, *n = 0;
    fk_day first, last;
    if (fk_store_latest_as_of(st, &last) < 0) {
        snprintf(err, errlen,
                 "store: no stored pull yet (run fukyu pull first)");
        return -1;
    }
    if (fk_store_first_day(st, program, &first) < 0) {
        snprintf(err, errlen, "store: %s", fk_store_error(st));
        return -1;
    }
    if (first > last) first = last;
    fk_point *pts = NULL;
    size_t np = 0;
    if (fk_store_series(st, program, type, area, first, last, &pts, &np) < 0) {
        snprintf(err, errlen, "store: %s", fk_store_error(st));
        return -1;
    }
    fk_obs_from_series(pts, np, out, n);
    free(pts);
    return 0;
}
