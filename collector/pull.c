/* pull.c - one pull of the feed, page by page, all or nothing
 * (see collector.h and ../shared/feed-v1.md).
 *
 * The error table of the contract maps onto three outcomes here:
 * transient failures (transport errors, 5xx, 429) are retried with
 * exponential backoff and jitter, or as long as Retry-After says (capped);
 * permanent ones (other 4xx, bad bodies, inconsistent pages, an oversized
 * body) fail the pull at once; bad records are set aside, and more than 1%
 * of them fails the pull.  Any failure aborts the store's transaction. */
#include "collector/collector.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/fetch.h"
#include "collector/jsonarena.h"
#include "core/alloc.h"
#include "core/text.h"
#include "collector/record.h"

void fk_collect_options_from_config(fk_collect_options *o, const fk_config *c)
{
    memset(o, 0, sizeof *o);
    o->feed_url = c->feed_url;
    o->token_file = c->token_file;
    o->limit = c->limit;
    o->timeout = c->timeout;
    o->pull_timeout = c->pull_timeout;
    o->retries = c->retries;
    o->max_page_bytes = c->max_page_bytes;
    o->retry_max_wait = c->retry_max_wait;
    o->backoff_ms = c->backoff_ms;
}

typedef struct {
    const fk_collect_options *o;
    fk_store *st;
    fk_fetch *f;
    fk_jsonarena *arena; /* the current page's cJSON tree */
    fk_apply *ap;
    fk_collect_result *res;
    fk_pull_stats ps;
    char base[FK_PATH_MAX];
    char shown[FK_PATH_MAX]; /* base without credentials: for messages,
                                the pull log and the ETag lookup */
    /* the snapshot, fixed by the first page */
    char snapshot[128];
    char as_of_s[16];
    fk_day as_of;
    int64_t total, delivered;
    char **cursors;
    size_t ncursors;
    unsigned rng;
    struct timespec t0; /* when the pull started (CLOCK_MONOTONIC) */
    /* Municipality codes not in the reference table (kept, counted). */
    char (*unknown)[6];
    size_t nunknown, capunknown;
} pull;

/* Notes a well-formed municipality code the table lacks, once.  At most
 * 100,000 five-digit codes: bounded, so fk_xrealloc. */
static void note_unknown_muni(pull *p, const char *code)
{
    if (!code[0] || fk_muni_by_code(code)) return;
    for (size_t i = 0; i < p->nunknown; i++)
        if (!strcmp(p->unknown[i], code)) return;
    if (p->nunknown == p->capunknown) {
        size_t c = p->capunknown ? p->capunknown * 2 : 16;
        p->unknown = fk_xrealloc(p->unknown, c, sizeof *p->unknown);
        p->capunknown = c;
    }
    memcpy(p->unknown[p->nunknown++], code, 6);
}

static int failf(pull *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int failf(pull *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->res->reason, sizeof p->res->reason, fmt, ap);
    va_end(ap);
    return -1;
}

/* Sleeps ms, in slices, giving up early when asked to stop. */
static int nap(const pull *p, long ms)
{
    while (ms > 0) {
        if (p->o->stop && *p->o->stop) return -1;
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = {step / 1000, (step % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
    return 0;
}

static double elapsed(const pull *p)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - p->t0.tv_sec) +
           (double)(t.tv_nsec - p->t0.tv_nsec) / 1e9;
}

/* The wall-time bound of a whole pull (pull_timeout): a feed that never
 * ends, or that keeps the collector retrying, cannot hold it for ever. */
static int out_of_time(pull *p, int page)
{
    if (p->o->pull_timeout <= 0 || elapsed(p) < p->o->pull_timeout) return 0;
    failf(p,
          "page %d: the pull took longer than pull_timeout (%d s); giving up",
          page, p->o->pull_timeout);
    return 1;
}

static long backoff_ms(pull *p, int attempt)
{
    double ms = (double)p->o->backoff_ms * pow(2.0, attempt);
    double cap = (double)p->o->retry_max_wait * 1000.0;
    if (ms > cap) ms = cap;
    /* Full jitter in [ms/2, ms]: spreads retries of many collectors. */
    p->rng = p->rng * 1103515245u + 12345u;
    double u = (double)((p->rng >> 8) & 0xFFFF) / 65536.0;
    return (long)(ms * (0.5 + 0.5 * u));
}

/* Fetches one page with retries.  Returns 200, 304, or -1 (reason set). */
static int get_page(pull *p, const char *full, int page, const char *inm,
                    fk_response *r)
{
    char url[FK_PATH_MAX + 64]; /* for messages: no credentials */
    fk_redact_url(full, url, sizeof url);
    for (int attempt = 0;; attempt++) {
        fk_fetch_get(p->f, full, inm, r);
        if (r->status) p->ps.http_status = (int)r->status;
        if (r->stopped || (p->o->stop && *p->o->stop))
            return failf(p, "stopped: pull abandoned on request");
        if (r->too_big)
            return failf(
                p,
                "page %d: body larger than max_page_bytes (%lld bytes) from %s",
                page, (long long)p->o->max_page_bytes, p->shown);
        long wait;
        char what[400];
        if (r->transport_error) {
            snprintf(what, sizeof what, "%s", r->error);
            wait = backoff_ms(p, attempt);
        } else if (r->status == 200 || (r->status == 304 && page == 0 && inm)) {
            p->ps.bytes += (int64_t)r->len;
            p->ps.wire_bytes += r->wire_bytes;
            return (int)r->status;
        } else if (r->status == 429 || r->status == 503) {
            snprintf(what, sizeof what, "HTTP %ld", r->status);
            wait = r->retry_after >= 0 ? r->retry_after * 1000L
                                       : backoff_ms(p, attempt);
            long cap = (long)p->o->retry_max_wait * 1000L;
            if (wait > cap) wait = cap;
        } else if (r->status >= 500 && r->status <= 599) {
            snprintf(what, sizeof what, "HTTP %ld", r->status);
            wait = backoff_ms(p, attempt);
        } else if (r->status >= 400 && r->status <= 499) {
            return failf(p, "page %d: HTTP %ld from %s", page, r->status, url);
        } else {
            return failf(p, "page %d: unexpected HTTP %ld from %s", page,
                         r->status, url);
        }
        if (attempt >= p->o->retries)
            return failf(p, "page %d: %s from %s (gave up after %d attempts)",
                         page, what, url, attempt + 1);
        if (nap(p, wait) < 0)
            return failf(p, "stopped: pull abandoned on request");
        if (out_of_time(p, page)) return -1;
    }
}

static const char *type_name(const cJSON *v)
{
    if (!v) return "missing";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsArray(v)) return "an array";
    return "an object";
}

/* The top-level fields; the first page fixes snapshot, as_of and total,
 * the others must repeat them. */
static int check_page_head(pull *p, const cJSON *doc, int page)
{
    if (!cJSON_IsObject(doc))
        return failf(p, "page %d: body is not a JSON object", page);
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
    if (!cJSON_IsString(schema))
        return failf(p, "page %d: field 'schema' is %s, expected a string",
                     page, type_name(schema));
    if (strcmp(schema->valuestring, "adoption-feed/1"))
        return failf(p, "page %d: schema '%.60s' is not adoption-feed/1", page,
                     schema->valuestring);
    const cJSON *snap = cJSON_GetObjectItemCaseSensitive(doc, "snapshot");
    const cJSON *asof = cJSON_GetObjectItemCaseSensitive(doc, "as_of");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(doc, "total");
    const cJSON *fac = cJSON_GetObjectItemCaseSensitive(doc, "facilities");
    if (!cJSON_IsString(snap))
        return failf(p, "page %d: field 'snapshot' is %s, expected a string",
                     page, type_name(snap));
    if (!fk_rfc3339_ok(snap->valuestring) ||
        strlen(snap->valuestring) >= sizeof p->snapshot)
        return failf(p, "page %d: snapshot '%.60s' is not an RFC 3339 time",
                     page, snap->valuestring);
    if (!cJSON_IsString(asof))
        return failf(p, "page %d: field 'as_of' is %s, expected a string", page,
                     type_name(asof));
    fk_day d;
    if (fk_date_parse(asof->valuestring, &d) < 0)
        return failf(p, "page %d: as_of '%.40s' is not a YYYY-MM-DD date", page,
                     asof->valuestring);
    if (!cJSON_IsNumber(total) ||
        total->valuedouble != floor(total->valuedouble) ||
        total->valuedouble < 0 || total->valuedouble > 1e9)
        return failf(
            p, "page %d: field 'total' is %s, expected a non-negative integer",
            page, type_name(total));
    if (!cJSON_IsArray(fac))
        return failf(p, "page %d: field 'facilities' is %s, expected an array",
                     page, type_name(fac));
    int64_t t = (int64_t)total->valuedouble;
    /* A snapshot cannot describe a day that has not come: one more day is
     * allowed for clocks and for feeds published just after midnight. */
    if (d > fk_store_last_real_day()) {
        char ts[FK_DATE_LEN];
        fk_day today = fk_today_jst();
        return failf(p,
                     "page %d: as_of %s is more than a day after today (%s "
                     "JST); refusing a snapshot from the future",
                     page, asof->valuestring, fk_date_format(today, ts));
    }
    if (page == 0) {
        snprintf(p->snapshot, sizeof p->snapshot, "%s", snap->valuestring);
        snprintf(p->as_of_s, sizeof p->as_of_s, "%s", asof->valuestring);
        p->as_of = d;
        p->total = t;
        return 0;
    }
    if (strcmp(p->snapshot, snap->valuestring))
        return failf(
            p, "page %d: snapshot changed during the pull ('%s' then '%.60s')",
            page, p->snapshot, snap->valuestring);
    if (d != p->as_of)
        return failf(p,
                     "page %d: as_of changed during the pull (%s then %.40s)",
                     page, p->as_of_s, asof->valuestring);
    if (t != p->total)
        return failf(p,
                     "page %d: total changed during the pull (%lld then %lld)",
                     page, (long long)p->total, (long long)t);
    return 0;
}

static int take_records(pull *p, const cJSON *doc, int page)
{
    const cJSON *fac = cJSON_GetObjectItemCaseSensitive(doc, "facilities");
    const cJSON *rec;
    cJSON_ArrayForEach(rec, fac)
    {
        int64_t pos = p->delivered++;
        if (p->delivered > p->total)
            return failf(
                p, "page %d: the pages deliver more records than total (%lld)",
                page, (long long)p->total);
        fk_record r;
        char code[24], why[300];
        if (fk_record_check(rec, p->as_of, &r, code, sizeof code, why,
                            sizeof why) < 0) {
            fk_apply_reject(p->ap, pos, code, why);
            continue;
        }
        int rc = fk_apply_record(p->ap, &r);
        if (rc < 0) return failf(p, "store: %s", fk_store_error(p->st));
        if (rc == FK_APPLY_OK) note_unknown_muni(p, r.muni);
        if (rc == FK_APPLY_DUP) {
            snprintf(why, sizeof why,
                     "code: %s repeats a code already seen in this pull", code);
            fk_apply_reject(p->ap, pos, code, why);
        }
    }
    /* Checked for each record above. */
    assert(p->delivered <= p->total);
    return 0;
}

/* Cursors are opaque to the collector but not unbounded: 64 KiB covers any
 * sane server-side state and keeps the request URL reasonable. */
#define FK_CURSOR_MAX 65536

/* Returns 1 with *next set (malloc'd) when another page follows, 0 at the
 * end, -1 on a bad, oversized or repeated cursor. */
static int next_cursor(pull *p, const cJSON *doc, int page, char **next)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "next_cursor");
    *next = NULL;
    if (!c || cJSON_IsNull(c)) return 0;
    if (!cJSON_IsString(c))
        return failf(
            p, "page %d: field 'next_cursor' is %s, expected a string or null",
            page, type_name(c));
    size_t clen = strlen(c->valuestring);
    if (clen > FK_CURSOR_MAX)
        return failf(p, "page %d: next_cursor is %zu bytes, at most %d", page,
                     clen, FK_CURSOR_MAX);
    for (size_t i = 0; i < p->ncursors; i++)
        if (!strcmp(p->cursors[i], c->valuestring))
            return failf(
                p, "page %d: cursor repeats an earlier page's cursor (a loop)",
                page);
    p->cursors = fk_xrealloc(p->cursors, p->ncursors + 1, sizeof *p->cursors);
    p->cursors[p->ncursors] = fk_xstrdup(c->valuestring);
    *next = p->cursors[p->ncursors++];
    return 1;
}

/* A JSON string escape "\u0000" decodes to a NUL byte, which would cut
 * the value short unnoticed (a code "1319000004\u0000junk" would read as
 * 1319000004).  Each such escape becomes "\u001f", a control character
 * that the record rules refuse, so the record is set aside instead.
 * Returns how many were found. */
static int mark_nul_escapes(char *b, size_t len)
{
    /* Backslashes are only valid inside strings, so each one found from
     * the start (skipping the character it escapes) opens an escape: a
     * page with a backslash outside a string is not JSON either way.
     * memchr rather than a loop over every byte: this runs over all 58 MB
     * of a national pull. */
    int n = 0;
    char *at = b, *end = b + len;
    while (at < end && (at = memchr(at, '\\', (size_t)(end - at))) != NULL) {
        if (end - at >= 6 && !memcmp(at + 1, "u0000", 5)) {
            memcpy(at + 2, "001f", 4);
            n++;
        }
        at = end - at > 2 ? at + 2 : end; /* past the escaped character */
    }
    return n;
}

static int pages(pull *p, char *etag, char *url, size_t cap)
{
    if (fk_store_last_etag(p->st, p->shown, etag, 512) < 0)
        return failf(p, "store: %s", fk_store_error(p->st));
    const char *cursor = NULL;
    for (int page = 0;; page++) {
        if (page > 0 && out_of_time(p, page)) return -1;
        int n = snprintf(url, cap, "%s/v1/facilities?limit=%d", p->base,
                         p->o->limit);
        if (cursor) {
            char *esc = fk_fetch_escape(p->f, cursor);
            if (!esc) return failf(p, "libcurl could not escape the cursor");
            snprintf(url + n, cap - (size_t)n, "&cursor=%s", esc);
            free(esc);
        }
        fk_response r;
        int status =
            get_page(p, url, page, page == 0 && etag[0] ? etag : NULL, &r);
        if (status < 0) return -1;
        p->ps.pages++;
        /* One count per page answered; the retries of a page are not
         * pages. */
        assert(p->ps.pages == page + 1);
        if (status == 304) return 304;
        const char *end = NULL;
        mark_nul_escapes(r.body, r.len);
        fk_jsonarena_use(p->arena); /* only while cJSON allocates */
        cJSON *doc = cJSON_ParseWithLengthOpts(r.body, r.len, &end, 0);
        fk_jsonarena_use(NULL);
        if (!doc) {
            fk_jsonarena_reset(p->arena);
            long at = end ? (long)(end - r.body) : 0;
            return failf(p,
                         "page %d: body is not valid JSON (at byte %ld of %zu)",
                         page, at, r.len);
        }
        size_t at = (size_t)(end - r.body);
        while (at < r.len && strchr(" \t\r\n", r.body[at]) && r.body[at]) at++;
        if (at < r.len) {
            fk_jsonarena_reset(p->arena); /* the tree lives in the arena */
            return failf(p,
                         "page %d: bytes after the JSON document (at byte %zu "
                         "of %zu)",
                         page, at, r.len);
        }
        const cJSON *fac = cJSON_GetObjectItemCaseSensitive(doc, "facilities");
        int empty = !fac || !fac->child; /* not a walk of 5,000 nodes */
        int rc = check_page_head(p, doc, page);
        if (rc == 0 && page == 0 &&
            fk_apply_snapshot(p->ap, p->snapshot, p->as_of, r.etag) < 0)
            rc = failf(p, "%s", fk_store_error(p->st));
        if (rc == 0 && page == 0) fk_apply_expect(p->ap, p->total);
        if (rc == 0) rc = take_records(p, doc, page);
        char *next = NULL;
        if (rc == 0) rc = next_cursor(p, doc, page, &next);
        fk_jsonarena_reset(p->arena); /* the page's tree, all at once */
        if (rc < 0) return -1;
        if (rc == 0) break;
        /* feed-v1 allows an empty page only as the last one; with that,
         * every page but the last delivers a record, and total bounds the
         * number of pages. */
        if (empty)
            return failf(p,
                         "page %d: an empty page with a next_cursor (only the "
                         "last page may be empty)",
                         page);
        cursor = next;
    }
    if (p->delivered != p->total)
        return failf(p, "the pages delivered %lld records but total says %lld",
                     (long long)p->delivered, (long long)p->total);
    return 200;
}

void fk_collect_init(void)
{
    fk_jsonarena_init();
}

static int run_pages(pull *p)
{
    char etag[512];
    size_t cap = strlen(p->base) + 64 + 3 * FK_CURSOR_MAX;
    char *url = fk_xmalloc(cap); /* bounded by FK_CURSOR_MAX */
    int rc = pages(p, etag, url, cap);
    free(url);
    return rc;
}

int fk_collect_once(fk_store *st, const fk_collect_options *o,
                    fk_collect_result *res)
{
    memset(res, 0, sizeof *res);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pull p = {.o = o, .st = st, .res = res, .t0 = t0};
    p.rng = (unsigned)time(NULL) ^ (unsigned)clock();
    snprintf(p.base, sizeof p.base, "%s", o->feed_url);
    size_t bl = strlen(p.base);
    while (bl && p.base[bl - 1] == '/') p.base[--bl] = '\0';
    fk_redact_url(o->feed_url, p.shown, sizeof p.shown);

    p.ap = fk_apply_begin(st, p.shown);
    if (!p.ap) {
        snprintf(res->reason, sizeof res->reason, "store: %s",
                 fk_store_error(st));
        snprintf(res->outcome, sizeof res->outcome, "failed");
        return -1;
    }
    res->pull_id = fk_apply_pull_id(p.ap);
    char err[300];
    p.f = fk_fetch_new(o, err, sizeof err);
    p.arena = fk_jsonarena_new();
    int rc = !p.arena ? failf(&p, "out of memory")
             : p.f    ? run_pages(&p)
                      : failf(&p, "%s", err);
    fk_jsonarena_free(p.arena);
    for (size_t i = 0; i < p.ncursors; i++) free(p.cursors[i]);
    free(p.cursors);
    free(p.unknown);
    fk_fetch_free(p.f);
    snprintf(res->as_of, sizeof res->as_of, "%s", p.as_of_s);
    if (rc == 304) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        p.ps.seconds = (double)(t1.tv_sec - t0.tv_sec) +
                       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fk_apply_abort(p.ap, NULL, &p.ps);
        snprintf(res->outcome, sizeof res->outcome, "unchanged");
        res->stats = p.ps;
        return 0;
    }
    if (rc == 200) {
        int64_t aside = fk_apply_set_aside(p.ap);
        /* take_records() sets a delivered record aside at most once. */
        assert(aside >= 0 && aside <= p.delivered);
        if (aside * 100 > p.delivered) {
            failf(&p, "%lld of %lld records set aside, more than 1%%",
                  (long long)aside, (long long)p.delivered);
            rc = -1;
        }
    }
    if (rc == 200) {
        p.ps.unknown_munis = (int64_t)p.nunknown;
        if (fk_apply_commit(p.ap, &p.ps) < 0) {
            snprintf(res->reason, sizeof res->reason, "%s", fk_store_error(st));
            snprintf(res->outcome, sizeof res->outcome, "failed");
            return -1;
        }
        /* Every delivered record was either stored (fk_apply_record OK,
         * counted in records) or set aside (bad or a repeat), never both. */
        assert(p.ps.records + p.ps.set_aside == p.delivered);
        snprintf(res->outcome, sizeof res->outcome, "stored");
        res->stats = p.ps;
        return 0;
    }
    res->stats = p.ps;
    res->stats.set_aside = fk_apply_set_aside(p.ap);
    fk_apply_abort(p.ap, res->reason, &p.ps);
    snprintf(res->outcome, sizeof res->outcome, "failed");
    return -1;
}
