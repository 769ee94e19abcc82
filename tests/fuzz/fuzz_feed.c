/* fuzz_feed.c - libFuzzer harness for the feed page parser: the whole of
 * collector/pull.c (page heads, records, cursors, totals, the 1% rule)
 * down to the store, with the network replaced by the input.
 *
 * The input is a sequence of page bodies separated by a line "\n===\n";
 * the collector asks for page after page as it would of a server, and
 * each answer is the next body with HTTP 200 (past the last one, a 404).
 * This file defines the functions of collector/fetch.h, so the linker
 * takes them instead of the libcurl ones from libfukyu.a.  Each input is
 * pulled into a fresh store (a copy of an empty one made at start-up, in
 * /dev/shm), so runs do not depend on each other; a pull must end stored
 * or failed with a reason, never crash. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/collector.h"
#include "collector/fetch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP     "\n===\n"
#define MAXPAGE 64

struct fk_fetch {
    char *body;
};

static const uint8_t *in;
static size_t in_len, in_pos;
static int served;

fk_fetch *fk_fetch_new(const fk_collect_options *o, char *err, size_t errlen)
{
    (void)o, (void)err, (void)errlen;
    return calloc(1, sizeof(fk_fetch));
}

void fk_fetch_get(fk_fetch *f, const char *url, const char *if_none_match,
                  fk_response *r)
{
    (void)url, (void)if_none_match;
    memset(r, 0, sizeof *r);
    r->retry_after = -1;
    free(f->body);
    f->body = NULL;
    if (in_pos > in_len || served++ >= MAXPAGE) {
        r->status = 404;
        f->body = strdup("");
        r->body = f->body;
        return;
    }
    const uint8_t *p = in + in_pos;
    size_t left = in_len - in_pos;
    const uint8_t *e = memmem(p, left, SEP, strlen(SEP));
    size_t n = e ? (size_t)(e - p) : left;
    in_pos += n + (e ? strlen(SEP) : 1);
    f->body = malloc(n + 1);
    if (!f->body) abort();
    memcpy(f->body, p, n);
    f->body[n] = '\0';
    r->status = 200;
    r->body = f->body;
    r->len = n;
    r->wire_bytes = (int64_t)n;
    strcpy(r->etag, "\"fuzz\"");
}

char *fk_fetch_escape(fk_fetch *f, const char *s)
{
    (void)f;
    return strdup(s);
}

void fk_fetch_free(fk_fetch *f)
{
    if (!f) return;
    free(f->body);
    free(f);
}

static char dir[64];
static char empty_db[64], work_db[64];
static char *empty;
static size_t empty_len;

static void cleanup(void)
{
    char p[80];
    static const char *const ext[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", work_db, ext[i]), unlink(p);
        snprintf(p, sizeof p, "%s%s", empty_db, ext[i]), unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char err[600];
    snprintf(dir, sizeof dir, "/dev/shm/fukyu-fuzz-feed-XXXXXX");
    if (!mkdtemp(dir)) {
        snprintf(dir, sizeof dir, "/tmp/fukyu-fuzz-feed-XXXXXX");
        if (!mkdtemp(dir)) abort();
    }
    atexit(cleanup);
    snprintf(empty_db, sizeof empty_db, "%s/empty.db", dir);
    snprintf(work_db, sizeof work_db, "%s/work.db", dir);
    fk_store *st = fk_store_open(empty_db, FK_STORE_RW, err, sizeof err);
    if (!st) abort();
    fk_store_close(st); /* checkpoints: the whole store is in the file */
    FILE *f = fopen(empty_db, "rb");
    if (!f || fseek(f, 0, SEEK_END) < 0) abort();
    empty_len = (size_t)ftell(f);
    rewind(f);
    if (!(empty = malloc(empty_len)) ||
        fread(empty, 1, empty_len, f) != empty_len)
        abort();
    fclose(f);
    return 0;
}

/* A fresh empty store at work_db. */
static fk_store *fresh_store(void)
{
    char p[80], err[600];
    snprintf(p, sizeof p, "%s-wal", work_db), unlink(p);
    snprintf(p, sizeof p, "%s-shm", work_db), unlink(p);
    int fd = open(work_db, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, empty, empty_len) != (ssize_t)empty_len) abort();
    close(fd);
    fk_store *st = fk_store_open(work_db, FK_STORE_RW, err, sizeof err);
    if (!st) abort();
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = data, in_len = size, in_pos = 0, served = 0;
    fk_store *st = fresh_store();
    fk_collect_options o = {.feed_url = "http://fuzz.invalid",
                            .limit = 5000,
                            .timeout = 1,
                            .retries = 0,
                            .max_page_bytes = 1 << 24,
                            .retry_max_wait = 0,
                            .backoff_ms = 0};
    fk_collect_result res;
    int rc = fk_collect_once(st, &o, &res);
    if (rc < 0 && !res.reason[0]) abort(); /* a failure must say why */
    if (rc == 0 && strcmp(res.outcome, "stored") != 0) abort();
    fk_store_close(st);
    return 0;
}
