/* files.c - serving what the daemon rendered into out_dir:
 *
 *   /charts/national/{trend,funnel,ranking,map,weekly}-PROGRAM.EXT
 *   /charts/pref/NN/{trend,funnel,municipalities,weekly}-PROGRAM.EXT
 *   /reports/weekly/{latest,YYYY-Www}.pdf
 *   /reports/prefecture/NN/{latest,YYYY-Www}.pdf
 *
 * EXT is png, pdf, svg or csv; NN 01..47.  Every path component is
 * matched against these names and the file path is then written from the
 * canonical strings of the tables, never from request bytes, so nothing a
 * client sends ("..", encoded slashes, NUL) can reach the file system. */
#include "http/http_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const national_kinds[] = {"trend", "funnel", "ranking",
                                             "map",   "weekly", NULL};
static const char *const pref_kinds[] = {"trend",          "funnel", "ranking",
                                         "municipalities", "weekly", NULL};

static const struct {
    const char *ext, *ctype;
} exts[] = {
    {"png", "image/png"},
    {"pdf", "application/pdf"},
    {"svg", "image/svg+xml"},
    {"csv", "text/csv; charset=utf-8"},
};
#define NEXT (sizeof exts / sizeof exts[0])

#define MAXPARTS 6

/* Splits the path (after its leading '/') into at most MAXPARTS
 * components; empty components (//, a trailing /) make it invalid. */
static int split(const char *url, char parts[MAXPARTS][64], int *n)
{
    if (url[0] != '/') return -1;
    const char *p = url + 1;
    *n = 0;
    for (;;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len >= 64 || *n == MAXPARTS) return -1;
        memcpy(parts[*n], p, len);
        parts[*n][len] = '\0';
        (*n)++;
        if (!e) return 0;
        p = e + 1;
    }
}

static const fk_pref *pref2(const char *s)
{
    /* Exactly two digits: "1" or "013" would be other spellings. */
    if (strlen(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return NULL;
    return fk_pref_by_str(s);
}

/* "KIND-PROGRAM.EXT" -> canonical name and ext index, or -1. */
static int chart_name(const char *s, const char *const *kinds, char *out,
                      size_t n, size_t *ext)
{
    for (int k = 0; kinds[k]; k++) {
        size_t kl = strlen(kinds[k]);
        if (strncmp(s, kinds[k], kl) || s[kl] != '-') continue;
        const char *rest = s + kl + 1;
        for (int p = 0; p < FK_NPROGRAM; p++) {
            size_t pl = strlen(fk_programs[p].key);
            if (strncmp(rest, fk_programs[p].key, pl) || rest[pl] != '.')
                continue;
            for (size_t x = 0; x < NEXT; x++) {
                if (strcmp(rest + pl + 1, exts[x].ext)) continue;
                snprintf(out, n, "%s-%s.%s", kinds[k], fk_programs[p].key,
                         exts[x].ext);
                *ext = x;
                return 0;
            }
        }
    }
    return -1;
}

/* "latest.pdf" or "YYYY-Www.pdf" (a real ISO week) -> canonical name. */
static int report_name(const char *s, char *out, size_t n)
{
    if (!strcmp(s, "latest.pdf")) {
        snprintf(out, n, "latest.pdf");
        return 0;
    }
    char wk[9];
    fk_day monday;
    if (strlen(s) != 12 || strcmp(s + 8, ".pdf")) return -1;
    memcpy(wk, s, 8);
    wk[8] = '\0';
    if (wk[4] != '-' || wk[5] != 'W' || fk_iso_week_parse(wk, &monday) < 0)
        return -1;
    int y, w;
    fk_iso_week(monday, &y, &w);
    snprintf(out, n, "%04d-W%02d.pdf", y, w);
    return strcmp(out, s) ? -1 : 0; /* the week must exist as written */
}

/* The path under out_dir for a request, and its content type; -1 when the
 * path is not one of the layout's. */
static int resolve(const char *url, char *rel, size_t n, const char **ctype)
{
    char parts[MAXPARTS][64], name[64];
    int np;
    size_t x;
    if (split(url, parts, &np) < 0) return -1;
    if (np == 3 && !strcmp(parts[0], "charts") &&
        !strcmp(parts[1], "national") &&
        chart_name(parts[2], national_kinds, name, sizeof name, &x) == 0) {
        snprintf(rel, n, "charts/national/%s", name);
        *ctype = exts[x].ctype;
        return 0;
    }
    const fk_pref *p;
    if (np == 4 && !strcmp(parts[0], "charts") && !strcmp(parts[1], "pref") &&
        (p = pref2(parts[2])) &&
        chart_name(parts[3], pref_kinds, name, sizeof name, &x) == 0) {
        snprintf(rel, n, "charts/pref/%s/%s", p->code2, name);
        *ctype = exts[x].ctype;
        return 0;
    }
    *ctype = "application/pdf";
    if (np == 3 && !strcmp(parts[0], "reports") &&
        !strcmp(parts[1], "weekly") &&
        report_name(parts[2], name, sizeof name) == 0) {
        snprintf(rel, n, "reports/weekly/%s", name);
        return 0;
    }
    if (np == 4 && !strcmp(parts[0], "reports") &&
        !strcmp(parts[1], "prefecture") && (p = pref2(parts[2])) &&
        report_name(parts[3], name, sizeof name) == 0) {
        snprintf(rel, n, "reports/prefecture/%s/%s", p->code2, name);
        return 0;
    }
    return -1;
}

int fk_rendered_exists(const fk_http *h, const char *rel)
{
    char path[FK_PATH_MAX + 128];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", h->out_dir, rel);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

enum MHD_Result fk_route_files(fk_req *r)
{
    char rel[192];
    const char *ctype;
    enum MHD_Result ret;
    if (resolve(r->url, rel, sizeof rel, &ctype) < 0)
        return fk_reply_text(r, MHD_HTTP_NOT_FOUND,
                             "not found: no such chart or report");
    static const char *const none[] = {NULL};
    if (!fk_params_check(r, none, &ret)) return ret;
    if (!fk_auth_aggregate(r, 0, &ret)) return ret;
    char path[FK_PATH_MAX + 256];
    snprintf(path, sizeof path, "%s/%s", r->srv->out_dir, rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return fk_reply_text(
                r, MHD_HTTP_NOT_FOUND,
                "まだ作成されていません (%s is not rendered yet)", rel);
        return fk_reply_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                             "%s cannot be read", rel);
    }
    return fk_reply_fd(r, fd, ctype, FK_CACHE_REVALIDATE, NULL);
}
