/* report_data.c - reads from the store everything one report shows, for
 * both programs: the area's counts on the as-of date and a week before,
 * the trend and its forecasts (or the publisher's, shared), every
 * prefecture's counts, the municipalities (all of Japan for the national
 * report, for movers), the week's pulls and a few set-aside records. */
#include "reports/report_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

static int store_fail(fk_store *st, char *err, size_t errlen)
{
    snprintf(err, errlen, "store: %s", fk_store_error(st));
    return -1;
}

static void sum(fk_counts *to, const fk_counts *by)
{
    memset(to, 0, sizeof *to);
    for (int t = 0; t < FK_NTYPE; t++) {
        to->adopting += by[t].adopting;
        to->applied += by[t].applied;
        to->total += by[t].total;
    }
}

/* Appends one prefecture's municipalities on both dates, joined by code
 * (both lists are sorted; a municipality may exist on one date only). */
static int load_munis(fk_store *st, rp_prog *p, int pref, fk_day now,
                      fk_day prev, size_t *cap, char *err, size_t errlen)
{
    fk_muni_counts *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    if (fk_store_counts_by_muni(st, p->program, now, pref, -1, &a, &na) < 0 ||
        fk_store_counts_by_muni(st, p->program, prev, pref, -1, &b, &nb) < 0) {
        free(a);
        free(b);
        return store_fail(st, err, errlen);
    }
    if (p->nmunis + na + nb > *cap) {
        size_t c = (*cap ? *cap * 2 : 256) + na + nb;
        p->munis = fk_xrealloc(p->munis, c, sizeof *p->munis);
        *cap = c;
    }
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].code, b[j].code);
        rp_muni *m = &p->munis[p->nmunis++];
        memset(m, 0, sizeof *m);
        m->pref = pref;
        memcpy(m->code, c <= 0 ? a[i].code : b[j].code, sizeof m->code);
        if (c <= 0) m->now = a[i++].c;
        if (c >= 0) m->prev = b[j++].c;
    }
    free(a);
    free(b);
    return 0;
}

/* The prefecture-level figures (every report of a date shows the same):
 * from the store, or copied from `nat`, a report already loaded. */
static int load_prefs(fk_store *st, rp_data *d, rp_prog *p, const rp_prog *nat,
                      char *err, size_t errlen)
{
    if (nat) {
        memcpy(p->pref_now, nat->pref_now, sizeof p->pref_now);
        memcpy(p->pref_prev, nat->pref_prev, sizeof p->pref_prev);
        p->prefs = nat->prefs;
        return 0;
    }
    for (int t = 0; t <= FK_NTYPE; t++)
        if (fk_store_counts_by_pref(st, p->program, d->o.as_of,
                                    t == FK_NTYPE ? -1 : t, p->pref_now[t]) < 0)
            return store_fail(st, err, errlen);
    if (fk_store_counts_by_pref(st, p->program, d->prev, -1, p->pref_prev) < 0)
        return store_fail(st, err, errlen);
    /* The map and ranking draw what the table lists. */
    memset(&p->prefs, 0, sizeof p->prefs);
    p->prefs.meta = (fk_chart_meta){p->program, 0, d->o.as_of, NULL, 0};
    p->prefs.type = -1;
    for (int i = 0; i < FK_NPREF; i++) {
        p->prefs.prefs[i] = fk_cd_counts(&p->pref_now[FK_NTYPE][i]);
        fk_cd_counts_add(&p->prefs.national, &p->pref_now[FK_NTYPE][i]);
    }
    return 0;
}

static int load_prog(fk_store *st, rp_data *d, rp_prog *p, fk_cd_trend *shared,
                     const rp_prog *nat, char *err, size_t errlen)
{
    fk_day now = d->o.as_of;
    if (shared) {
        p->trend = shared;
    } else {
        p->trend = fk_xmalloc(sizeof *p->trend);
        /* Forecasts run in the background while the rest is read; the
         * caller waits (rp_data_load). */
        if (fk_cd_trend_start(st, p->program, d->o.pref, now, d->o.target, 1,
                              NULL, p->trend, err, errlen) < 0) {
            free(p->trend);
            p->trend = NULL;
            return -1;
        }
        p->trend_owned = 1;
    }
    /* The area's counts come from the trend's daily series (one store
     * query per type for everything). */
    fk_cd_counts_from_trend(p->trend, now, p->now);
    fk_cd_counts_from_trend(p->trend, d->prev, p->prev);
    sum(&p->all_now, p->now);
    sum(&p->all_prev, p->prev);
    if (fk_store_coverage(st, p->program, now, d->o.pref, p->cov) < 0)
        return store_fail(st, err, errlen);
    if (load_prefs(st, d, p, nat, err, errlen) < 0) return -1;
    size_t cap = 0;
    if (nat && !d->o.pref) { /* the national municipalities, shared */
        p->munis = fk_xcalloc(nat->nmunis, sizeof *p->munis);
        memcpy(p->munis, nat->munis, nat->nmunis * sizeof *p->munis);
        p->nmunis = nat->nmunis;
        return 0;
    }
    for (int pref = 1; pref <= FK_NPREF; pref++)
        if ((!d->o.pref || pref == d->o.pref) &&
            load_munis(st, p, pref, now, d->prev, &cap, err, errlen) < 0)
            return -1;
    return 0;
}

typedef struct {
    rp_pull *v;
    size_t n, cap;
} pull_list;

static int on_pull(const fk_pull_row *r, void *ctx)
{
    pull_list *l = ctx;
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 64;
        l->v = fk_xrealloc(l->v, c, sizeof *l->v);
        l->cap = c;
    }
    rp_pull *p = &l->v[l->n++];
    p->id = r->id;
    snprintf(p->started, sizeof p->started, "%s", r->started_at);
    snprintf(p->as_of, sizeof p->as_of, "%s", r->as_of);
    snprintf(p->outcome, sizeof p->outcome, "%s", r->outcome);
    snprintf(p->reason, sizeof p->reason, "%s", r->reason);
    /* Older versions stored the URL as given, credentials and all. */
    fk_redact_url(r->feed, p->feed, sizeof p->feed);
    p->records = r->records, p->changes = r->changes,
    p->set_aside = r->set_aside, p->unknown_munis = r->unknown_munis;
    return 0;
}

/* The prefecture a set-aside record belongs to: the first two digits of
 * its code (the feed contract's definition) when the code is 10 ASCII
 * digits starting with 01..47; 0 when it is malformed, which leaves the
 * record to the national report alone. */
static int reject_pref(const char *code)
{
    if (strlen(code) != 10) return 0;
    for (int i = 0; i < 10; i++)
        if (code[i] < '0' || code[i] > '9') return 0;
    const fk_pref *p = fk_pref_by_code((code[0] - '0') * 10 + (code[1] - '0'));
    return p ? p->code : 0;
}

/* A prefecture's report is public: it shows only its own facilities'
 * codes, never another prefecture's. */
static int on_reject(const fk_reject_row *r, void *ctx)
{
    rp_data *d = ctx;
    if (d->nrej >= 5) return 1;
    if (d->o.pref && reject_pref(r->code) != d->o.pref) return 0;
    d->rej_pull = r->pull_id;
    snprintf(d->rej_code[d->nrej], sizeof d->rej_code[0], "%s", r->code);
    snprintf(d->rej_reason[d->nrej], sizeof d->rej_reason[0], "%s", r->reason);
    d->nrej++;
    return 0;
}

/* The week's pulls: those whose snapshot is dated in the 7 days up to the
 * as-of date, and the failed ones (which have no as_of) between them and
 * the next later snapshot, since a failure is part of the week it
 * interrupted.  Pulls run at wall-clock times unrelated to the data's
 * dates (a backfill, the simulator), so the snapshot date decides. */
static int load_pulls(fk_store *st, rp_data *d, char *err, size_t errlen)
{
    pull_list l = {0};
    if (fk_store_each_pull(st, 5000, NULL, on_pull, &l) < 0) {
        free(l.v);
        return store_fail(st, err, errlen);
    }
    int64_t lo = -1, hi = INT64_MAX;
    d->first_pull = -1;
    for (size_t i = 0; i < l.n; i++) { /* newest first */
        fk_day a;
        if (fk_date_parse(l.v[i].as_of, &a) < 0) continue;
        if (strcmp(l.v[i].outcome, "stored") == 0 ||
            strcmp(l.v[i].outcome, "unchanged") == 0)
            d->first_pull = a;
        if (a > d->o.as_of)
            hi = l.v[i].id;
        else if (a > d->prev)
            lo = lo < 0 || l.v[i].id < lo ? l.v[i].id : lo;
        if (!d->feed[0] && a <= d->o.as_of)
            snprintf(d->feed, sizeof d->feed, "%s", l.v[i].feed);
    }
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++) {
        fk_day a;
        int dated = fk_date_parse(l.v[i].as_of, &a) == 0;
        int in = dated ? a > d->prev && a <= d->o.as_of
                       : lo >= 0 && l.v[i].id > lo && l.v[i].id < hi;
        if (in) l.v[k++] = l.v[i];
    }
    d->pulls = l.v;
    d->npulls = k;
    if (fk_store_each_reject(st, 0, on_reject, d) < 0)
        return store_fail(st, err, errlen);
    return 0;
}

int rp_data_load(fk_store *st, const fk_report_opts *o,
                 fk_cd_trend *const trends[FK_NPROGRAM], const rp_data *nat,
                 rp_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->o = *o;
    if (!(d->o.target > 0)) d->o.target = 0.8;
    d->en = o->lang && strcmp(o->lang, "en") == 0;
    d->prev = o->as_of - 7;
    for (int i = 0; i < FK_NPROGRAM; i++) d->p[i].program = fk_programs[i].key;
    for (int i = 0; i < FK_NPROGRAM; i++)
        if (load_prog(st, d, &d->p[i], trends ? trends[i] : NULL,
                      nat ? &nat->p[i] : NULL, err, errlen) < 0) {
            rp_data_free(d);
            return -1;
        }
    if (load_pulls(st, d, err, errlen) < 0 ||
        rp_followup_load(st, d, err, errlen) < 0) {
        rp_data_free(d);
        return -1;
    }
    for (int i = 0; i < FK_NPROGRAM; i++) fk_cd_trend_wait(d->p[i].trend);
    return 0;
}

void rp_data_free(rp_data *d)
{
    for (int i = 0; i < FK_NPROGRAM; i++) {
        rp_prog *p = &d->p[i];
        free(p->munis);
        if (p->trend_owned && p->trend) {
            fk_cd_trend_free(p->trend);
            free(p->trend);
        }
        p->munis = NULL;
        p->trend = NULL;
    }
    free(d->pulls);
    d->pulls = NULL;
}
