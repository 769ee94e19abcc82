/* stage.c - staged records of one pull, sorted by code (see stage.h).
 *
 * A record is packed as a fixed head, its programs and its strings (each
 * NUL-terminated, so that they can be handed out in place), padded to 8
 * bytes.  The run buffer holds records in arrival order with a key array
 * (code, offset) beside it; sorting the keys sorts the run.  A full run is
 * written out in sorted order to one unlinked temporary file, runs one
 * after the other; fk_stage_next() merges the file runs and the last run
 * still in memory, taking the smallest code and, among equal codes, the
 * earliest run, so records of one code come back in the order put. */
#include "data/stage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

#define NO_TEXT   UINT32_MAX
#define READ_BUF  (16 * 1024) /* per run while merging: ~80 records */
#define WRITE_BUF (256 * 1024)

typedef struct {
    int64_t code, hash;
    uint32_t size; /* the whole packed record */
    uint32_t name_len, addr_len, phone_len;
    int16_t beds;
    uint8_t type, pref, nprog, kind;
    char muni[6];
} head;

typedef struct {
    int32_t since;
    uint8_t id, status;
} prog;

typedef struct {
    int64_t code;
    uint32_t off, pad;
} key;

typedef struct {
    off_t pos, end; /* what is left of the run in the file */
    char *buf;
    size_t cap, have, at;
} file_run;

struct fk_stage {
    char *run; /* the run buffer */
    size_t cap, used;
    key *keys;
    size_t nkeys, capkeys, count;
    int fd; /* the temporary file, -1 until a run spills */
    off_t fsize;
    file_run *files;
    size_t nfiles;
    size_t mem_at; /* merge: next key of the in-memory run */
    long last;     /* merge: source handed out last (-1 none, nfiles: mem) */
    int sorted;
};

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static int fail(char *err, size_t n, const char *what)
{
    snprintf(err, n, "staging the pull: %s: %s", what, strerror(errno));
    return -1;
}

fk_stage *fk_stage_new(size_t run_bytes)
{
    fk_stage *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->fd = -1;
    s->last = -1;
    s->cap = run_bytes;
    s->run = malloc(run_bytes);
    if (!s->run) {
        free(s);
        return NULL;
    }
    return s;
}

size_t fk_stage_count(const fk_stage *s)
{
    return s->count;
}

static int by_key(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->code != y->code) return x->code < y->code ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int open_temp(fk_stage *s)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/fukyu-stage-XXXXXX",
             dir && *dir ? dir : "/tmp");
    s->fd = mkstemp(path);
    if (s->fd < 0) return -1;
    unlink(path);
    return 0;
}

/* Writes the in-memory run out, sorted, as the next file run. */
static int spill(fk_stage *s, char *err, size_t errlen)
{
    if (s->fd < 0 && open_temp(s) < 0)
        return fail(err, errlen, "temporary file");
    file_run *nf = realloc(s->files, (s->nfiles + 1) * sizeof *nf);
    if (!nf) return fail(err, errlen, "out of memory");
    s->files = nf;
    qsort(s->keys, s->nkeys, sizeof *s->keys, by_key);
    char *out = malloc(WRITE_BUF);
    if (!out) return fail(err, errlen, "out of memory");
    size_t o = 0;
    int bad = 0;
    for (size_t i = 0; i < s->nkeys && !bad; i++) {
        const char *r = s->run + s->keys[i].off;
        head h;
        memcpy(&h, r, sizeof h);
        if (o + h.size > WRITE_BUF) {
            bad = write_all(s->fd, out, o) < 0;
            o = 0;
        }
        memcpy(out + o, r, h.size);
        o += h.size;
    }
    if (!bad) bad = write_all(s->fd, out, o) < 0;
    free(out);
    if (bad) return fail(err, errlen, "writing the temporary file");
    off_t end = lseek(s->fd, 0, SEEK_CUR);
    s->files[s->nfiles++] = (file_run){.pos = s->fsize, .end = end};
    s->fsize = end;
    s->used = s->nkeys = 0;
    return 0;
}

int fk_stage_put(fk_stage *s, const fk_record *r, const uint8_t *prog_id,
                 int64_t hash, uint8_t kind, char *err, size_t errlen)
{
    head h = {.code = r->code,
              .hash = hash,
              .name_len = (uint32_t)strlen(r->name),
              .addr_len = r->address ? (uint32_t)strlen(r->address) : NO_TEXT,
              .phone_len = r->phone ? (uint32_t)strlen(r->phone) : NO_TEXT,
              .beds = (int16_t)r->beds,
              .type = (uint8_t)r->type,
              .pref = (uint8_t)r->pref,
              .nprog = (uint8_t)r->nprog,
              .kind = kind};
    memcpy(h.muni, r->muni, sizeof h.muni);
    size_t text = h.name_len + 1 +
                  (h.addr_len == NO_TEXT ? 0 : h.addr_len + 1) +
                  (h.phone_len == NO_TEXT ? 0 : h.phone_len + 1);
    size_t size = pad8(sizeof h + r->nprog * sizeof(prog) + text);
    if (size > s->cap || size > UINT32_MAX) {
        snprintf(err, errlen, "staging the pull: a record of %zu bytes", size);
        return -1;
    }
    if (s->used + size > s->cap && spill(s, err, errlen) < 0) return -1;
    if (s->nkeys == s->capkeys) {
        size_t ncap = s->capkeys ? s->capkeys * 2 : 4096;
        key *nk = realloc(s->keys, ncap * sizeof *nk);
        if (!nk) return fail(err, errlen, "out of memory");
        s->keys = nk;
        s->capkeys = ncap;
    }
    h.size = (uint32_t)size;
    char *p = s->run + s->used;
    s->keys[s->nkeys++] = (key){r->code, (uint32_t)s->used, 0};
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    for (size_t i = 0; i < r->nprog; i++) {
        prog g = {r->prog[i].since, prog_id[i], (uint8_t)r->prog[i].status};
        memcpy(p, &g, sizeof g);
        p += sizeof g;
    }
    memcpy(p, r->name, h.name_len + 1);
    p += h.name_len + 1;
    if (r->address) {
        memcpy(p, r->address, h.addr_len + 1);
        p += h.addr_len + 1;
    }
    if (r->phone) memcpy(p, r->phone, h.phone_len + 1);
    s->used += size;
    s->count++;
    return 0;
}

int fk_stage_sort(fk_stage *s, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    if (s->nkeys) qsort(s->keys, s->nkeys, sizeof *s->keys, by_key);
    s->sorted = 1;
    return 0;
}

/* Makes the file run's next record whole in its buffer: 1, 0 when the run
 * is done, -1 on a read error. */
static int fill(fk_stage *s, file_run *f)
{
    for (;;) {
        head h;
        size_t left = f->have - f->at, need = READ_BUF;
        if (left >= sizeof h) {
            memcpy(&h, f->buf + f->at, sizeof h);
            if (left >= h.size) return 1;
            if (h.size > need) need = h.size; /* larger than usual */
        }
        if (f->pos >= f->end) return left ? -1 : 0;
        if (f->cap < need) {
            f->buf = fk_xrealloc(f->buf, need, 1);
            f->cap = need;
        }
        memmove(f->buf, f->buf + f->at, left);
        f->at = 0;
        f->have = left;
        while (f->have < f->cap && f->pos < f->end) {
            size_t want = f->cap - f->have;
            if ((off_t)want > f->end - f->pos) want = (size_t)(f->end - f->pos);
            ssize_t n = pread(s->fd, f->buf + f->have, want, f->pos);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return -1;
            f->have += (size_t)n;
            f->pos += n;
        }
    }
}

static void unpack(const char *p, fk_staged *out)
{
    head h;
    memcpy(&h, p, sizeof h);
    fk_record *r = &out->rec;
    memset(r, 0, sizeof *r);
    r->code = h.code;
    r->type = (fk_type)h.type;
    r->pref = h.pref;
    memcpy(r->muni, h.muni, sizeof r->muni);
    r->beds = h.beds;
    r->nprog = h.nprog;
    out->hash = h.hash;
    out->kind = h.kind;
    p += sizeof h;
    for (size_t i = 0; i < h.nprog; i++) {
        prog g;
        memcpy(&g, p, sizeof g);
        p += sizeof g;
        r->prog[i].status = (fk_status)g.status;
        r->prog[i].since = g.since;
        out->prog_id[i] = g.id;
    }
    r->name = p;
    p += h.name_len + 1;
    if (h.addr_len != NO_TEXT) {
        r->address = p;
        p += h.addr_len + 1;
    }
    if (h.phone_len != NO_TEXT) r->phone = p;
}

int fk_stage_next(fk_stage *s, fk_staged *out, char *err, size_t errlen)
{
    if (!s->sorted) {
        snprintf(err, errlen, "staging the pull: read before sort");
        return -1;
    }
    /* Step past the record handed out last time. */
    if (s->last == (long)s->nfiles) {
        s->mem_at++;
    } else if (s->last >= 0) {
        file_run *f = &s->files[s->last];
        head h;
        memcpy(&h, f->buf + f->at, sizeof h);
        f->at += h.size;
    }
    long best = -1;
    int64_t code = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        int rc = fill(s, &s->files[i]);
        if (rc < 0) return fail(err, errlen, "reading the temporary file");
        if (rc == 0) continue;
        int64_t c;
        memcpy(&c, s->files[i].buf + s->files[i].at, sizeof c);
        if (best < 0 || c < code) best = (long)i, code = c;
    }
    if (s->mem_at < s->nkeys && (best < 0 || s->keys[s->mem_at].code < code))
        best = (long)s->nfiles;
    s->last = best;
    if (best < 0) return 0;
    if (best == (long)s->nfiles)
        unpack(s->run + s->keys[s->mem_at].off, out);
    else
        unpack(s->files[best].buf + s->files[best].at, out);
    return 1;
}

void fk_stage_free(fk_stage *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nfiles; i++) free(s->files[i].buf);
    free(s->files);
    if (s->fd >= 0) close(s->fd);
    free(s->keys);
    free(s->run);
    free(s);
}
