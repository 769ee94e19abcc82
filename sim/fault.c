/* fault.c - parsing and bookkeeping of --fault SPEC, the misbehaviours the
 * simulator can put on for the collector's tests (see sim_usage in main.c
 * for the list).  Pages are numbered from 0 by offset / limit. */
#include "sim/sim.h"

#include "core/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const bad_names[SIM_BAD_NKINDS] = {
    [SIM_BAD_CODE] = "code",
    [SIM_BAD_TYPE_DIGIT] = "type-digit",
    [SIM_BAD_PREF] = "pref",
    [SIM_BAD_MUNI] = "muni",
    [SIM_BAD_DATE] = "date",
    [SIM_BAD_FUTURE] = "future",
    [SIM_BAD_DUP] = "dup",
    [SIM_BAD_NAME] = "name",
    [SIM_BAD_BEDS] = "beds",
    [SIM_BAD_STATUS] = "status",
    [SIM_BAD_MISSING_SINCE] = "missing-since",
    [SIM_BAD_UNKNOWN_FIELD] = "unknown-field",
    [SIM_BAD_NEW_MUNI] = "new-muni",
};

static const char *const field_names[] = {"snapshot", "as_of", "total",
                                          "facilities"};

const char *sim_bad_kind_name(int kind)
{
    return kind > 0 && kind < SIM_BAD_NKINDS ? bad_names[kind] : "none";
}

/* A spec split at ':': the fault's name, then its arguments. */
typedef struct {
    char *part[8];
    int n;
} args;

static int num(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int sim_fault_parse(sim_faults *fs, const char *spec, char *err, size_t errlen)
{
    char copy[256];
    if (strlen(spec) >= sizeof copy) {
        snprintf(err, errlen, "fault '%.40s...': too long", spec);
        return -1;
    }
    strcpy(copy, spec);
    args a = {{0}, 0};
    for (char *s = copy, *tok; (tok = strsep(&s, ":")) != NULL; a.n++)
        if (a.n < 8) a.part[a.n] = tok;
    if (a.n > 8) a.n = 8; /* no fault takes that many; rejected below */
    sim_fault f = {.page = -1, .count = -1};
    const char *name = a.part[0];
    long v = 0;
    int ok = 0, n = a.n - 1; /* number of arguments */
#define ARG(i, lo, hi, dst) \
    (n > (i) ? num(a.part[(i) + 1], lo, hi, &v) == 0 && ((dst) = v, 1) : 1)
    static const struct {
        const char *name;
        sim_fault_kind kind;
    } page_only[] = {
        {"not-json", SIM_F_NOT_JSON},
        {"truncate", SIM_F_TRUNCATE},
        {"schema", SIM_F_SCHEMA},
        {"drift-asof", SIM_F_DRIFT_ASOF},
        {"drift-snapshot", SIM_F_DRIFT_SNAPSHOT},
        {"drift-total", SIM_F_DRIFT_TOTAL},
        {"cursor-loop", SIM_F_CURSOR_LOOP},
    };
    if (strcmp(name, "status") == 0) {
        f.kind = SIM_F_STATUS;
        f.page = 0;
        ok = n >= 1 && n <= 3 && ARG(0, 100, 599, f.value) &&
             ARG(1, 0, 1000000, f.page) && ARG(2, 1, 1000000000, f.count);
    } else if (strcmp(name, "retry-after") == 0) {
        f.kind = SIM_F_RETRY_AFTER;
        ok = n == 1 && ARG(0, 0, 86400, f.value);
    } else if (strcmp(name, "reset") == 0) {
        f.kind = SIM_F_RESET;
        ok = n >= 1 && n <= 2 && ARG(0, 0, 1000000, f.page) &&
             ARG(1, 1, 1000000000, f.count);
    } else if (strcmp(name, "delay") == 0) {
        f.kind = SIM_F_DELAY;
        ok = n >= 1 && n <= 2 && ARG(0, 0, 600000, f.value) &&
             ARG(1, 0, 1000000, f.page);
    } else if (strcmp(name, "missing") == 0 || strcmp(name, "mistype") == 0) {
        f.kind = strcmp(name, "missing") == 0 ? SIM_F_MISSING : SIM_F_MISTYPE;
        f.sub = -1;
        for (int i = 0; n == 2 && i < 4; i++)
            if (strcmp(a.part[1], field_names[i]) == 0) f.sub = i;
        if (f.sub < 0) {
            snprintf(
                err, errlen,
                "fault '%s': FIELD must be snapshot, as_of, total or facilities",
                spec);
            return -1;
        }
        ok = ARG(1, 0, 1000000, f.page);
    } else if (strcmp(name, "short") == 0 || strcmp(name, "extra") == 0) {
        f.kind = name[0] == 's' ? SIM_F_SHORT : SIM_F_EXTRA;
        ok = n == 1 && ARG(0, 1, 1000000, f.value);
    } else if (strcmp(name, "big") == 0) {
        f.kind = SIM_F_BIG;
        ok = n == 2 && ARG(0, 0, 1000000, f.page) &&
             ARG(1, 1, 1L << 30, f.value);
    } else if (strcmp(name, "bad-record") == 0) {
        f.kind = SIM_F_BAD_RECORD;
        for (int i = 1; n == 2 && i < SIM_BAD_NKINDS; i++)
            if (strcmp(a.part[1], bad_names[i]) == 0) f.sub = i;
        if (f.sub == 0) {
            snprintf(
                err, errlen,
                "fault '%s': KIND must be one of code, type-digit, pref, muni, date, future, "
                "dup, name, beds, status, missing-since, unknown-field",
                spec);
            return -1;
        }
        ok = ARG(1, 1, 10000000, f.value);
    } else {
        for (size_t i = 0; i < sizeof page_only / sizeof page_only[0]; i++)
            if (strcmp(name, page_only[i].name) == 0) {
                f.kind = page_only[i].kind;
                ok = n == 1 && ARG(0, 0, 1000000, f.page);
                goto parsed;
            }
        snprintf(err, errlen, "fault '%s': unknown fault '%s'", spec, name);
        return -1;
    }
parsed:
#undef ARG
    if (!ok) {
        snprintf(err, errlen,
                 "fault '%s': bad or missing arguments (see --help)", spec);
        return -1;
    }
    if (f.kind == SIM_F_RETRY_AFTER) {
        fs->retry_after = (int)f.value;
    } else {
        sim_fault *p = fk_xrealloc(fs->f, fs->n + 1, sizeof *p);
        fs->f = p;
        fs->f[fs->n++] = f;
    }
    /* Any fault gives the snapshot a different ETag, so a 304 never hides it. */
    uint64_t h = fs->hash ? fs->hash : 0x66617574ULL;
    for (const unsigned char *c = (const unsigned char *)spec; *c; c++)
        h = sim_mix(h ^ *c);
    fs->hash = h ? h : 1;
    return 0;
}

void sim_faults_free(sim_faults *fs)
{
    free(fs->f);
    fs->f = NULL;
    fs->n = 0;
}

const sim_fault *sim_fault_take(sim_faults *fs, sim_fault_kind kind, int page)
{
    const sim_fault *hit = NULL;
    if (!fs->n) return NULL;
    pthread_mutex_lock(&fs->lock);
    for (size_t i = 0; i < fs->n && !hit; i++) {
        sim_fault *f = &fs->f[i];
        if (f->kind != kind || (f->page >= 0 && f->page != page)) continue;
        if (f->count < 0 || f->hits < f->count) {
            f->hits++;
            hit = f;
        }
    }
    pthread_mutex_unlock(&fs->lock);
    return hit;
}

long sim_fault_sum(const sim_faults *fs, sim_fault_kind kind)
{
    long s = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i].kind == kind) s += fs->f[i].value;
    return s;
}
