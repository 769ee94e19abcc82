/* apply_index.c - the open facilities' index for one pull, the set of
 * new codes it delivers, the record hash, and the table indexes a first
 * pull builds after its inserts (see apply_int.h).
 *
 * Unchanged records cost one comparison: each facility row keeps a hash of
 * the record as last stored, and the open facilities' codes and hashes are
 * held in sorted arrays for the pull.  Memory is the constraint here (the
 * pull must stay within 64 MiB for a registry ten times Japan's), so the
 * arrays hold 12 bytes and a bit a facility: the code, the hash's low 32
 * bits and a seen bit.  A changed record whose 32-bit hash collides with
 * the stored one would be missed with probability 2^-32 per change.
 *
 * Codes not in the index (new facilities: all of them on a first pull)
 * go into a hash set so that a repeat is known at once; a code packs into
 * 32 bits as (prefecture, fee-table group, institution number), 4 bytes a
 * facility, which keeps a first pull of ten times Japan within bounds. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/apply_int.h"

int fk_apply_load_index(fk_apply *ap)
{
    sqlite3_stmt *s;
    int found;
    int64_t count = 0;
    if (fk_store_one_int(
            ap->st, "SELECT COUNT(*) FROM facility WHERE closed_on IS NULL",
            NULL, &found, &count) < 0)
        return -1;
    size_t cap = (size_t)count + 1;
    ap->codes = fk_xcalloc(cap, sizeof *ap->codes);
    ap->hashes = fk_xcalloc(cap, sizeof *ap->hashes);
    ap->seen = fk_xcalloc((cap + 63) / 64, sizeof *ap->seen);
    if (sqlite3_prepare_v2(
            ap->st->db,
            "SELECT code, rhash FROM facility WHERE closed_on IS NULL ORDER BY code",
            -1, &s, NULL) != SQLITE_OK)
        return fk_store_fail(ap->st, "index");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && ap->n < cap) {
        int64_t code = sqlite3_column_int64(s, 0);
        /* code is the table's unique key and the rows come ORDER BY code:
         * strictly increasing, which fk_apply_find()'s search needs. */
        assert(ap->n == 0 || ap->codes[ap->n - 1] < code);
        ap->codes[ap->n] = code;
        ap->hashes[ap->n] = (uint32_t)sqlite3_column_int64(s, 1);
        ap->n++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return fk_store_fail(ap->st, "index");
    /* Both reads ran inside one read transaction (fk_apply_snapshot):
     * nothing changed the table between the count and the rows. */
    assert(ap->n == (size_t)count);
    return 0;
}

size_t fk_apply_find(const fk_apply *ap, int64_t code)
{
    size_t lo = 0, hi = ap->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ap->codes[mid] < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ap->n && ap->codes[lo] == code ? lo : (size_t)-1;
}

/* 1 + (pref * 3 + group) * 10^7 + institution, or 0 when code does not
 * have the shape the feed's rules give it (fee digit 1, 3 or 4). */
static uint32_t pack(int64_t code)
{
    if (code < 0 || code > 9999999999LL) return 0;
    int64_t pref = code / 100000000, digit = code / 10000000 % 10;
    int64_t group = digit == 1 ? 0 : digit == 3 ? 1 : digit == 4 ? 2 : -1;
    if (group < 0) return 0;
    return (uint32_t)(1 + (pref * 3 + group) * 10000000 + code % 10000000);
}

/* Any table size, not only powers of two (multiply-shift). */
static size_t slot(uint32_t v, size_t cap)
{
    uint32_t h = (v ^ (v >> 16)) * 0x9E3779B1u;
    return (size_t)(((uint64_t)h * cap) >> 32);
}

/* The next size: straight to what the snapshot's total needs (at 80%
 * load) when that is known, but never more than 8 times the current size,
 * so that a total the pages will not deliver cannot inflate it. */
static size_t next_cap(const fk_apply *ap)
{
    size_t want = (size_t)(ap->expect + ap->expect / 4 + 1);
    if (!ap->newcap)
        return want < 4096 ? 4096 : want > 1 << 20 ? 1 << 20 : want;
    if (want > ap->newcap + ap->newcap / 4)
        return want < ap->newcap * 8 ? want : ap->newcap * 8;
    return ap->newcap * 2;
}

static int grow_newset(fk_apply *ap)
{
    size_t ncap = next_cap(ap);
    uint32_t *n = fk_xcalloc(ncap, sizeof *n);
    for (size_t i = 0; i < ap->newcap; i++) {
        uint32_t v = ap->newset[i];
        if (!v) continue;
        size_t j = slot(v, ncap);
        while (n[j]) j = j + 1 == ncap ? 0 : j + 1;
        n[j] = v;
    }
    free(ap->newset);
    ap->newset = n;
    ap->newcap = ncap;
    return 0;
}

int fk_apply_seen_new(fk_apply *ap, int64_t code)
{
    uint32_t v = pack(code);
    if (!v) {
        for (size_t i = 0; i < ap->nodd; i++)
            if (ap->odd[i] == code) return 1;
        if (ap->nodd == ap->capodd) {
            size_t ncap = ap->capodd ? ap->capodd * 2 : 16;
            ap->odd = fk_xrealloc(ap->odd, ncap, sizeof *ap->odd);
            ap->capodd = ncap;
        }
        ap->odd[ap->nodd++] = code;
        return 0;
    }
    if ((ap->newused + 1) * 5 > ap->newcap * 4 && grow_newset(ap) < 0)
        return -1;
    size_t j = slot(v, ap->newcap);
    while (ap->newset[j]) {
        if (ap->newset[j] == v) return 1;
        j = j + 1 == ap->newcap ? 0 : j + 1;
    }
    ap->newset[j] = v;
    ap->newused++;
    return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    return s ? fnv(h, s, strlen(s) + 1) : fnv(h, "\xff", 1);
}

int64_t fk_apply_record_hash(const fk_record *r)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int head[4] = {(int)r->type, r->pref, r->beds, (int)r->nprog};
    h = fnv(h, head, sizeof head);
    h = fnv_str(h, r->muni);
    h = fnv_str(h, r->name);
    h = fnv_str(h, r->address);
    h = fnv_str(h, r->phone);
    uint64_t progs = 0;
    for (size_t i = 0; i < r->nprog; i++) {
        uint64_t p = fnv_str(0xcbf29ce484222325ULL, r->prog[i].program);
        int st[2] = {(int)r->prog[i].status, r->prog[i].since};
        p = fnv(p, st, sizeof st);
        progs += p * 0x9E3779B97F4A7C15ULL; /* commutative: order-free */
    }
    h = fnv(h, &progs, sizeof progs);
    return (int64_t)h;
}

/* A first pull fills empty tables, so their secondary indexes are dropped
 * before the inserts and built again after them, in the same transaction:
 * one sort each instead of an insert at a random place per row, which
 * thrashes the page cache of a registry ten times Japan's.  Returns the
 * indexes' CREATE statements (sqlite3_free), NULL on failure. */
char *fk_apply_drop_indexes(fk_apply *ap)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            ap->st->db,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
            " sql IS NOT NULL AND tbl_name IN ('facility', 'status_history')",
            -1, &s, NULL) != SQLITE_OK) {
        fk_store_fail(ap->st, "indexes");
        return NULL;
    }
    char *drop = sqlite3_mprintf(""), *create = sqlite3_mprintf("");
    while (drop && create && sqlite3_step(s) == SQLITE_ROW) {
        drop = sqlite3_mprintf("%z DROP INDEX \"%w\";", drop,
                               (const char *)sqlite3_column_text(s, 0));
        create = sqlite3_mprintf("%z %s;", create,
                                 (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    if (!drop || !create || fk_store_exec(ap->st, drop) < 0) {
        if (!drop || !create)
            snprintf(ap->st->err, sizeof ap->st->err, "indexes: out of memory");
        sqlite3_free(create);
        create = NULL;
    }
    sqlite3_free(drop);
    return create;
}
