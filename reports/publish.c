/* publish.c - fk_publish_all: the output tree the dashboard serves (see
 * report.h).  A pipeline: the calling thread reads the store area by area
 * (Japan first, then the 47 prefectures; each area's trend is loaded and
 * forecast once and shared by its chart files and its report) while
 * drawing threads, one per CPU, draw and write the areas already read
 * (publish_area.c).  Drawing is nine tenths of the work and areas are
 * independent, so it scales with the cores; the store (one SQLite
 * connection) stays on one thread.  A short queue bounds the memory held
 * by areas read but not yet drawn.
 *
 * Japan's dashboard charts come first (issue 13: within 2 s of a new
 * pull): reading the next area starts that area's forecasts, ten threads
 * that would take the cores from Japan's drawing thread, so the reader
 * waits until Japan's PNGs are written. */
#include "reports/report_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

#define QCAP        4 /* areas read ahead of the drawing threads */
#define MAX_THREADS 8

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pub_area *q[QCAP];
    size_t head, n;
    int closed;     /* no more areas will come */
    int failed;     /* an area failed: skip the rest */
    int pngs_ready; /* Japan's PNGs are written */
} queue;

static void pngs_ready(void *arg)
{
    queue *q = arg;
    pthread_mutex_lock(&q->mu);
    q->pngs_ready = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Until Japan's PNGs are written, or an area failed. */
static void wait_pngs(queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (!q->pngs_ready && !q->failed) pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
}

static void *worker(void *arg)
{
    queue *q = arg;
    char e[256];
    (void)fk_charts_init(
        e, sizeof e); /* this thread's fonts; drawing reports a failure */
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (!q->n && !q->closed) pthread_cond_wait(&q->cv, &q->mu);
        if (!q->n) {
            pthread_mutex_unlock(&q->mu);
            break;
        }
        pub_area *a = q->q[q->head];
        q->head = (q->head + 1) % QCAP;
        q->n--;
        int skip = q->failed;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
        if (skip) {
            a->rc = -1; /* no reason of its own: the failed area gives it */
        } else {
            pub_area_write(a);
        }
        pub_area_free(a);
        if (a->rc < 0) {
            pthread_mutex_lock(&q->mu);
            q->failed = 1;
            pthread_cond_broadcast(&q->cv);
            pthread_mutex_unlock(&q->mu);
        }
    }
    fk_charts_shutdown();
    return NULL;
}

/* Waits for room; 0, or -1 when an area has failed (a is not queued). */
static int push(queue *q, pub_area *a)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == QCAP && !q->failed) pthread_cond_wait(&q->cv, &q->mu);
    int rc = q->failed ? -1 : 0;
    if (rc == 0) {
        q->q[(q->head + q->n) % QCAP] = a;
        q->n++;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

/* Reads one area: its trends (each line's forecast method chosen on the
 * area's own series; the store's cache keeps the choice, so only a new
 * pull pays for it), a prefecture's municipalities, and the report's
 * figures; Japan's become *nat, which the prefectures' reports copy
 * from. */
static int load_area(fk_store *st, pub_area *a, rp_data *nat)
{
    const fk_publish_opts *o = a->o;
    fk_day as_of = a->s.as_of;
    char *err = a->err;
    size_t errlen = sizeof a->err;
    fk_cd_trend *trp[FK_NPROGRAM];
    /* Both programs' forecasts run together while the rest is read;
     * rp_data_load waits for them. */
    for (int i = 0; i < FK_NPROGRAM; i++) {
        if (fk_cd_trend_start(st, fk_programs[i].key, a->pref, as_of,
                              o->target > 0 ? o->target : 0.8, 1, NULL,
                              &a->tr[i], err, errlen) < 0)
            goto fail;
        a->ntr++;
        trp[i] = &a->tr[i];
    }
    for (int i = 0; a->pref && i < FK_NPROGRAM; i++) {
        if (fk_cd_munis_load(st, fk_programs[i].key, a->pref, as_of, -1,
                             &a->munis[i], err, errlen) < 0)
            goto fail;
        a->nmunis++;
    }
    fk_report_opts ro = {a->pref, as_of, o->lang, o->target};
    if (rp_data_load(st, &ro, trp, a->pref ? nat : NULL, &a->d, err, errlen) <
        0)
        goto fail;
    a->has_d = 1;
    a->own_d = a->pref != 0;
    if (!a->pref) {
        *nat = a->d; /* shares its lists with a->d until the end of the run */
        for (int i = 0; i < FK_NPROGRAM; i++) nat->p[i].trend = NULL;
    }
    return 0;
fail: /* forecasts still running end here, with the store still open */
    for (int i = 0; i < a->ntr; i++) fk_cd_trend_wait(&a->tr[i]);
    return -1;
}

static void add_time(fk_publish_time *to, const fk_publish_time *t)
{
    to->n += t->n;
    to->total_ms += t->total_ms;
    if (t->max_ms > to->max_ms) to->max_ms = t->max_ms;
}

static int thread_count(const fk_publish_opts *o)
{
    long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int fk_publish_all(fk_store *st, const fk_publish_opts *o,
                   fk_publish_stats *out, char *err, size_t errlen)
{
    double t0 = pub_ms();
    memset(out, 0, sizeof *out);
    if (!o->out_dir || !o->out_dir[0] ||
        strlen(o->out_dir) > FK_PATH_BUF - 100) {
        snprintf(err, errlen, "publish: output directory missing or too long");
        return -1;
    }
    if (fk_charts_init(err, errlen) < 0) return -1;
    out->as_of = o->as_of;
    if (out->as_of < 0 && fk_store_latest_as_of(st, &out->as_of) < 0) {
        snprintf(err, errlen,
                 "publish: no pull stored yet; run `fukyu collect` first");
        return -1;
    }
    fk_report_week_name(out->as_of, out->week);
    int last = o->national_only ? 0 : FK_NPREF;
    pub_area *areas[FK_NPREF + 1] = {0};
    queue q = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    pthread_t th[MAX_THREADS];
    int nth = 0, want = thread_count(o);
    while (nth < want && pthread_create(&th[nth], NULL, worker, &q) == 0) nth++;
    out->threads = nth;
    rp_data nat;
    memset(&nat, 0, sizeof nat);
    int rc = 0;
    for (int pref = 0; rc == 0 && pref <= last; pref++) {
        pub_area *a = fk_xcalloc(1, sizeof *a);
        a->pref = pref;
        a->o = o;
        a->week = out->week;
        a->s.as_of = out->as_of;
        if (o->stop && *o->stop) {
            snprintf(a->err, sizeof a->err,
                     "stopped: render abandoned on request");
            rc = a->rc = -1;
            areas[pref] = a;
            break;
        }
        double tl = pub_ms();
        rc = load_area(st, a, &nat);
        out->load_ms += pub_ms() - tl;
        if (rc == 0 && nth == 0) { /* no thread could start: draw here */
            pub_area_write(a);
            pub_area_free(a);
            rc = a->rc;
        } else if (rc == 0) {
            if (pref == 0) a->pngs_done = pngs_ready, a->pngs_arg = &q;
            if (push(&q, a) < 0)
                rc = -1; /* a drawing thread failed; its area says why */
            else if (pref == 0)
                wait_pngs(&q);
        }
        if (rc < 0) {
            a->rc = -1;
            pub_area_free(a);
        }
        areas[pref] = a;
    }
    pthread_mutex_lock(&q.mu);
    q.closed = 1;
    pthread_cond_broadcast(&q.cv);
    pthread_mutex_unlock(&q.mu);
    for (int i = 0; i < nth; i++) pthread_join(th[i], NULL);
    rp_data_free(&nat);
    /* The first area that failed with a reason says why (areas skipped
     * after a failure, or not queued, have none). */
    const char *why = NULL;
    for (int pref = 0; pref <= last; pref++) {
        pub_area *a = areas[pref];
        if (!a) continue;
        if (a->rc < 0 && !why && a->err[0]) why = a->err;
        if (a->rc < 0) rc = -1;
        out->reports += a->s.reports;
        out->charts += a->s.charts;
        out->csv += a->s.csv;
        for (int f = 0; f < 3; f++) add_time(&out->fmt[f], &a->s.fmt[f]);
        add_time(&out->report, &a->s.report);
        out->pref_sets_ms += a->s.pref_sets_ms;
    }
    if (rc < 0) snprintf(err, errlen, "%s", why ? why : "publish failed");
    for (int pref = 0; pref <= last; pref++) free(areas[pref]);
    out->total_ms = pub_ms() - t0;
    return rc;
}
