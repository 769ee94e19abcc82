/* apply_index.c - the open facilities' index for one pull, and the record
 * hash (see apply_int.h).
 *
 * Unchanged records cost one comparison: each facility row keeps a hash of
 * the record as last stored, and the open facilities' codes and hashes are
 * held in sorted arrays for the pull.  Memory is the constraint here (the
 * pull must stay within 64 MiB for a registry ten times Japan's), so the
 * arrays hold 12 bytes and a bit a facility: the code, the hash's low 32
 * bits and a seen bit.  A changed record whose 32-bit hash collides with
 * the stored one would be missed with probability 2^-32 per change. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    ap->codes = malloc(cap * sizeof *ap->codes);
    ap->hashes = malloc(cap * sizeof *ap->hashes);
    ap->seen = calloc((cap + 63) / 64, sizeof *ap->seen);
    if (!ap->codes || !ap->hashes || !ap->seen) {
        snprintf(ap->st->err, sizeof ap->st->err, "index: out of memory");
        return -1;
    }
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
    /* Both reads ran inside the pull's write transaction: nothing changed
     * the table between the count and the rows. */
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
