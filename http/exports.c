/* exports.c - /exports/non-adopters.csv and .xlsx: the facility list of
 * `fukyu export` (reports/export.h) for token holders.
 *
 * Facility-level data: a token must cover the area (pref:NN and
 * followup:NN only their prefecture; a list without prefecture is national
 * and needs the national scope).  The list is written to a private
 * temporary file, which is unlinked at once and streamed from its open
 * descriptor, so nothing is left behind whatever happens to the request. */
#include "http/http_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/export.h"

/* Writes the list into a fresh private directory and returns an open
 * descriptor of the file (already unlinked), or -1 with err. */
static int write_list(fk_store *st, const fk_export_opts *o, char *err,
                      size_t errlen)
{
    const char *base = getenv("TMPDIR");
    char dir[FK_PATH_MAX], path[FK_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/fukyu-export-XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a temporary directory");
        return -1;
    }
    snprintf(path, sizeof path, "%s/list", dir);
    fk_export_result res;
    int fd = -1;
    if (fk_export_facilities(st, o, path, &res, err, errlen) == 0) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) snprintf(err, errlen, "cannot reopen the list");
    }
    unlink(path);
    rmdir(dir);
    return fd;
}

static enum MHD_Result bad(fk_req *r, const char *msg)
{
    return fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST, "%s", msg);
}

enum MHD_Result fk_route_export(fk_req *r)
{
    fk_export_opts o = {0};
    if (!strcmp(r->url, "/exports/non-adopters.csv"))
        o.format = FK_EXPORT_CSV;
    else if (!strcmp(r->url, "/exports/non-adopters.xlsx"))
        o.format = FK_EXPORT_XLSX;
    else
        return fk_reply_json_error(
            r, MHD_HTTP_NOT_FOUND,
            "not found (non-adopters.csv, non-adopters.xlsx)");
    static const char *const allowed[] = {
        "program", "prefecture", "municipality", "type", "status",
        "header",  "encoding",   "bom",          NULL};
    enum MHD_Result ret;
    const char *program = NULL;
    int pref = 0, type = -1, p;
    long bom = 1;
    if (!fk_params_check(r, allowed, &ret) ||
        (p = fk_param_program(r, &program, &ret)) < 0 ||
        fk_param_pref(r, &pref, &ret) < 0 ||
        fk_param_type(r, &type, &ret) < 0 ||
        fk_param_int(r, "bom", 0, 1, &bom, &ret) < 0)
        return ret;
    if (p == 0) return bad(r, "program: required (eprescription, ehr_sharing)");
    char code[6];
    int muni = fk_param_muni(r, &pref, code, &ret);
    if (muni < 0) return ret;
    const char *status = fk_param(r, "status");
    if (!status || !strcmp(status, "all"))
        o.filter.statuses = 1u << FK_ST_NONE | 1u << FK_ST_APPLIED;
    else if (!strcmp(status, "none"))
        o.filter.statuses = 1u << FK_ST_NONE;
    else if (!strcmp(status, "applied"))
        o.filter.statuses = 1u << FK_ST_APPLIED;
    else
        return bad(r, "status: not none, applied or all");
    const char *header = fk_param(r, "header");
    if (header && strcmp(header, "en") && strcmp(header, "ja"))
        return bad(r, "header: not en or ja");
    o.header_ja = header && !strcmp(header, "ja");
    const char *enc = fk_param(r, "encoding");
    if (enc && o.format != FK_EXPORT_CSV)
        return bad(r, "encoding: applies to the CSV list only");
    if (enc && strcmp(enc, "utf-8") && strcmp(enc, "utf8") &&
        strcmp(enc, "cp932"))
        return bad(r, "encoding: not utf-8 or cp932");
    o.encoding =
        enc && !strcmp(enc, "cp932") ? FK_EXPORT_CP932 : FK_EXPORT_UTF8;
    o.bom = o.encoding == FK_EXPORT_UTF8 && bom;
    o.filter.program = program;
    o.filter.pref = pref;
    o.filter.muni = muni > 0 ? code : NULL;
    o.filter.type = type;
    o.filter.adopted_since = -1;

    if (!fk_auth_area(r, pref, 1, &ret)) return ret;
    char err[600];
    fk_store *st = fk_pool_get(r->srv, err, sizeof err);
    if (!st)
        return fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "the store is not available");
    fk_day latest;
    if (fk_store_latest_as_of(st, &latest) < 0) {
        fk_pool_put(r->srv, st);
        return fk_reply_json_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "no pull has been stored yet");
    }
    int fd = write_list(st, &o, err, sizeof err);
    fk_pool_put(r->srv, st);
    if (fd < 0)
        return fk_reply_json_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "export: %s", err);
    char name[96], area[8];
    snprintf(area, sizeof area, "%02d", pref);
    snprintf(name, sizeof name, "non-adopters-%s-%s.%s", program,
             pref ? area : "national",
             o.format == FK_EXPORT_CSV ? "csv" : "xlsx");
    const char *ctype =
        o.format == FK_EXPORT_XLSX
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : o.encoding == FK_EXPORT_CP932 ? "text/csv; charset=Shift_JIS"
                                        : "text/csv; charset=utf-8";
    return fk_reply_fd(r, fd, ctype, FK_CACHE_NOSTORE, name);
}
