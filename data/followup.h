/* followup.h - what follow-up teams learn on the phone: contacts with
 * facilities (data/followup.c) and what the calls tell (followup_sum.c).
 *
 * A contact is one call: facility, program, day, team, outcome (an index
 * of fk_outcomes), the barriers named (bit k-1 = barrier code k, see
 * fk_barriers) and a note.  Its natural key is (facility, program, day,
 * team, outcome): storing the same contact again adds nothing, which is
 * what makes importing the same file twice harmless. */
#ifndef FK_FOLLOWUP_H
#define FK_FOLLOWUP_H

#include <stddef.h>
#include <stdint.h>

#include "data/store.h"

#define FK_TEAM_MAX 100  /* bytes of a team name */
#define FK_NOTE_MAX 2000 /* bytes of a note */

typedef struct {
    char code[11];
    const char *program;
    fk_day day;
    const char *team; /* "" when none */
    int outcome;      /* index of fk_outcomes */
    unsigned barriers;
    const char *note; /* "" when none */
} fk_contact;

/* 1 when a facility with this 10-digit code is in the store, 0 when not,
 * -1 on a store error. */
int fk_followup_known(fk_store *st, const char *code);

/* Stores contacts in one transaction (all or nothing); contacts already
 * stored under the same natural key are left as they were.  source says
 * where they came from ("cli" or a file name).  *added (may be NULL) gets
 * the number actually added.  0 or -1. */
int fk_followup_store(fk_store *st, const fk_contact *cs, size_t n,
                      const char *source, int64_t *added);

typedef struct {
    const char *program; /* NULL = every program */
    int pref;            /* 0 = all */
    const char *team;    /* NULL = every team */
    fk_day from, to;     /* inclusive; -1 = open */
    int no_conversion;   /* summaries: counts only (cheaper) */
} fk_followup_filter;

typedef struct {
    fk_contact c;
    const char *name; /* the facility's, valid during the callback */
    fk_type type;
    int pref;
    char muni[6];
} fk_contact_row;
typedef int (*fk_contact_fn)(const fk_contact_row *row, void *ctx);
/* Contacts matching f by day, then facility code; fn returns non-zero to
 * stop. */
int fk_followup_each(fk_store *st, const fk_followup_filter *f,
                     fk_contact_fn fn, void *ctx);

/* The codes (as numbers, ascending, malloc'd) of facilities with a
 * contact for program on or after since. */
int fk_followup_contacted_since(fk_store *st, const char *program, fk_day since,
                                int64_t **codes, size_t *n);

/* ---- what the calls tell (followup_sum.c) ---------------------------- */

/* Bed-size bands: 0, 1-19, 20-199, 200+, and unknown beds. */
#define FK_NBEDBAND 5
extern const char *const fk_bed_bands[FK_NBEDBAND];
int fk_bed_band(int beds);

#define FK_NHORIZON 3
extern const int fk_horizons[FK_NHORIZON]; /* 30, 60, 90 days */

typedef struct {
    /* Facilities first contacted in the period that were not operating
     * then, contacted at least `days` before the latest data (as_of):
     * how many, how many were operating `days` after that first contact. */
    int64_t contacted, adopted;
    double rate; /* adopted / contacted, 0 when none */
    /* For each of them, the share operating `days` later among comparable
     * facilities never contacted: same type and prefecture, present and
     * with the same status (none or applied) on the day of the first
     * contact.  baseline_rate is the mean of those shares over the
     * facilities that had any comparable one (baseline_n of them). */
    double baseline_rate;
    int64_t baseline_n;
} fk_conversion;

typedef struct {
    fk_day as_of;       /* the latest stored pull's */
    int64_t contacts;   /* contacts in the period */
    int64_t facilities; /* distinct facilities among them */
    int64_t outcomes[FK_NOUTCOME];
    int64_t barriers[FK_NBARRIER]; /* contacts naming each code */
    int64_t with_barrier;          /* contacts naming at least one */
    int64_t by_type[FK_NTYPE][FK_NBARRIER];
    int64_t by_beds[FK_NBEDBAND][FK_NBARRIER];
    fk_conversion conv[FK_NHORIZON];
} fk_followup_summary;

/* f->program is required; f->team is ignored (conversion is about the
 * facilities, whoever called).  0 or -1. */
int fk_followup_summarize(fk_store *st, const fk_followup_filter *f,
                          fk_followup_summary *out);

#endif
