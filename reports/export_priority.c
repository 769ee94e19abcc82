/* export_priority.c - who to call first (the rule is in export.h): the
 * non-adopters are collected, grouped (stalled applications, hospitals by
 * beds, the rest), split by whether their municipality already has a
 * pharmacy operating the program, sorted and given a reason in Japanese,
 * since the reason is read by the teams. */
#include "reports/export_int.h"
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    fk_facility_row r; /* name, address and phone point into text */
    char *text;
    int group;    /* 0 stalled, 1 hospital, 2 the rest */
    int far;      /* 0 when the municipality has an operating pharmacy */
    int64_t key;  /* within the group: smaller first */
    size_t order; /* position in the store's order */
    char reason[200];
} prow;

struct fk_prio {
    prow *rows;
    size_t n, cap;
};

fk_prio *fk_prio_new(void)
{
    return fk_xcalloc(1, sizeof(fk_prio));
}

void fk_prio_free(fk_prio *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->rows[i].text);
    }
    free(p->rows);
    free(p);
}

void fk_prio_add(fk_prio *p, const fk_facility_row *r)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        p->rows = fk_xrealloc(p->rows, cap, sizeof *p->rows);
        p->cap = cap;
    }
    /* The three strings in one allocation, copied from the callback's
     * row, which is valid only during the callback. */
    const char *name = r->name ? r->name : "",
               *addr = r->address ? r->address : "",
               *phone = r->phone ? r->phone : "";
    size_t ln = strlen(name), la = strlen(addr), lp = strlen(phone);
    char *text = fk_xmalloc(ln + la + lp + 3);
    memcpy(text, name, ln + 1);
    memcpy(text + ln + 1, addr, la + 1);
    memcpy(text + ln + la + 2, phone, lp + 1);
    prow *x = &p->rows[p->n];
    memset(x, 0, sizeof *x);
    x->r = *r;
    x->r.name = text;
    x->r.address = text + ln + 1;
    x->r.phone = text + ln + la + 2;
    x->text = text;
    x->order = p->n++;
}

size_t fk_prio_count(const fk_prio *p)
{
    return p->n;
}

const fk_facility_row *fk_prio_row(const fk_prio *p, size_t i,
                                   const char **reason)
{
    *reason = p->rows[i].reason;
    return &p->rows[i].r;
}

static int by_priority(const void *a, const void *b)
{
    const prow *x = a, *y = b;
    if (x->group != y->group) return x->group - y->group;
    if (x->far != y->far) return x->far - y->far;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int by_code(const void *key, const void *m)
{
    return strcmp(key, ((const fk_muni_counts *)m)->code);
}

/* Marks each row whose municipality has an operating pharmacy. */
static int mark_near(fk_prio *p, fk_store *st, const char *program,
                     fk_day as_of, char *err, size_t errlen)
{
    int seen[FK_NPREF + 1] = {0};
    for (size_t i = 0; i < p->n; i++) {
        p->rows[i].far = 1;
        if (p->rows[i].r.pref >= 1 && p->rows[i].r.pref <= FK_NPREF)
            seen[p->rows[i].r.pref] = 1;
    }
    for (int pref = 1; pref <= FK_NPREF; pref++) {
        if (!seen[pref]) continue;
        fk_muni_counts *m = NULL;
        size_t nm = 0;
        if (fk_store_counts_by_muni(st, program, as_of, pref, FK_PHARMACY, &m,
                                    &nm) < 0) {
            snprintf(err, errlen, "store: %s", fk_store_error(st));
            return -1;
        }
        for (size_t i = 0; i < p->n; i++) {
            prow *x = &p->rows[i];
            if (x->r.pref != pref || !x->r.muni[0]) continue;
            const fk_muni_counts *c =
                nm ? bsearch(x->r.muni, m, nm, sizeof *m, by_code) : NULL;
            if (c && c->c.adopting > 0) x->far = 0;
        }
        free(m);
    }
    return 0;
}

int fk_prio_rank(fk_prio *p, fk_store *st, const char *program, fk_day as_of,
                 char *err, size_t errlen)
{
    if (mark_near(p, st, program, as_of, err, errlen) < 0) return -1;
    for (size_t i = 0; i < p->n; i++) {
        prow *x = &p->rows[i];
        char why[120];
        if (x->r.status == FK_ST_APPLIED) {
            x->group = 0;
            /* Longest stalled first; an unknown date after every known. */
            x->key = x->r.since >= 0 ? x->r.since : INT64_MAX;
            if (x->r.since >= 0)
                snprintf(why, sizeof why, "申請後未運用（%d日）",
                         (int)(as_of - x->r.since));
            else
                snprintf(why, sizeof why, "申請後未運用（申請日不明）");
        } else if (x->r.type == FK_HOSPITAL) {
            x->group = 1;
            x->key = x->r.beds >= 0 ? -(int64_t)x->r.beds : 1;
            if (x->r.beds >= 0)
                snprintf(why, sizeof why, "病院（%d床）", x->r.beds);
            else
                snprintf(why, sizeof why, "病院（病床数不明）");
        } else {
            x->group = 2;
            x->key = 0;
            snprintf(why, sizeof why, "その他");
        }
        snprintf(x->reason, sizeof x->reason, "%s・%s", why,
                 x->far ? "同じ市区町村の薬局は未運用"
                        : "同じ市区町村の薬局が運用中");
    }
    qsort(p->rows, p->n, sizeof *p->rows, by_priority);
    return 0;
}
