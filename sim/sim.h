/* sim.h - internals of the bundled feed simulator (fukyu-feedsim): the
 * deterministic synthetic registry, per-date snapshots, page rendering,
 * faults and the HTTP server.  Nothing outside sim/ includes this. */
#ifndef FK_SIM_H
#define FK_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/date.h"
#include "data/ref.h"

/* ---- JSON output into an fk_buf (json.c) ---- */
/* Appends s as a JSON string literal, quotes included. */
void sim_json_put(fk_buf *b, const char *s);
void sim_uint_put(fk_buf *b, uint64_t v);

/* ---- hashing: everything random derives from the seed through these ---- */
static inline uint64_t sim_mix(uint64_t x)
{
    /* splitmix64 finaliser */
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
static inline uint64_t sim_hash(uint64_t seed, uint64_t a, uint64_t b)
{
    return sim_mix(seed ^ sim_mix(a ^ sim_mix(b)));
}
/* Uniform in [0, 1). */
static inline double sim_unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1.0p-53;
}

#define SIM_NEVER INT32_MAX

/* ---- adoption curves (curve.c) ---- */
typedef enum {
    SIM_EP = 0,
    SIM_EHR = 1
} sim_program;

/* The share of a facility type adopting a program on a day: monotone,
 * 0 before the program starts, flat after the horizon. */
double sim_curve_at(sim_program prog, fk_type t, fk_day d);
/* First day the curve reaches u, or SIM_NEVER. */
fk_day sim_curve_first(sim_program prog, fk_type t, double u);
void sim_curves_init(void);

/* ---- municipalities (muni.c) ---- */
typedef struct {
    const fk_muni *row; /* code and name (a ward, never a designated city) */
    const char *owner; /* 市立, 区立, 町立 or 村立: for public hospitals */
    uint8_t pref;
    char stem[40]; /* name without 市/区/町/村 (and a ward's city) */
} sim_muni;

typedef struct {
    sim_muni *m;
    size_t n;
    uint32_t first[FK_NPREF + 1], count[FK_NPREF + 1];
    double *cum; /* per municipality: cumulative weight inside its prefecture */
} sim_munis;

int sim_munis_build(sim_munis *ms, uint64_t seed);
void sim_munis_free(sim_munis *ms);
/* A municipality of pref chosen by u in [0,1), weighted by population. */
uint32_t sim_muni_pick(const sim_munis *ms, int pref, double u);

/* ---- the registry (registry.c) ---- */
enum {
    SIM_NAME_PLAIN = 0,
    SIM_NAME_COMMA,
    SIM_NAME_QUOTE,
    SIM_NAME_LONG
};

typedef struct {
    int32_t open, close;       /* present on D iff open <= D < close */
    int32_t applied[2], op[2]; /* per sim_program; SIM_NEVER when never */
    uint32_t inst;             /* 7-digit institution number */
    uint32_t seed;             /* name, address and phone variation */
    uint16_t muni;             /* index into sim_munis.m */
    uint16_t beds;
    uint8_t pref, type, special;
} sim_fac;

typedef struct {
    uint64_t seed;
    double scale;
    sim_fac *fac; /* sorted by code */
    size_t n;
    int shuffled; /* feed order: 0 by code, 1 a fixed shuffle (--order) */
    sim_munis munis;
    uint32_t kcount[FK_NPREF + 1]
                   [3]; /* codes used per (pref, fee digit 1/3/4) */
} sim_registry;

int sim_registry_build(sim_registry *r, uint64_t seed, double scale);
void sim_registry_free(sim_registry *r);
/* Institution number k of a (pref, fee group): a bijection on 0..9999999. */
uint32_t sim_inst_number(uint64_t seed, int pref, int feegroup, uint32_t k);
int sim_fee_group(int type); /* 0 for digit 1, 1 for 3, 2 for 4 */

/* Status of a facility for a program on day d. */
typedef enum {
    SIM_NONE = 0,
    SIM_APPLIED,
    SIM_OPERATING,
    SIM_NA
} sim_status;
sim_status sim_fac_status(const sim_fac *f, sim_program p, fk_day d,
                          fk_day *since);

/* ---- names, addresses, phones (names.c) ---- */
void sim_fac_name(const sim_registry *r, const sim_fac *f, fk_buf *out);
void sim_fac_address(const sim_registry *r, const sim_fac *f, fk_buf *out);
void sim_fac_phone(const sim_fac *f, fk_buf *out);

/* ---- faults (fault.c) ---- */
typedef enum {
    SIM_F_STATUS,
    SIM_F_RESET,
    SIM_F_DELAY,
    SIM_F_NOT_JSON,
    SIM_F_TRUNCATE,
    SIM_F_SCHEMA,
    SIM_F_MISSING,
    SIM_F_MISTYPE,
    SIM_F_DRIFT_ASOF,
    SIM_F_DRIFT_SNAPSHOT,
    SIM_F_DRIFT_TOTAL,
    SIM_F_SHORT,
    SIM_F_EXTRA,
    SIM_F_CURSOR_LOOP,
    SIM_F_BIG,
    SIM_F_BAD_RECORD,
    SIM_F_RETRY_AFTER
} sim_fault_kind;

/* Record corruptions of bad-record; the last two are valid records the
 * collector must keep (sim_bad_valid). */
typedef enum {
    SIM_BAD_NONE = 0,
    SIM_BAD_CODE,
    SIM_BAD_TYPE_DIGIT,
    SIM_BAD_PREF,
    SIM_BAD_MUNI,
    SIM_BAD_DATE,
    SIM_BAD_FUTURE,
    SIM_BAD_DUP,
    SIM_BAD_NAME,
    SIM_BAD_BEDS,
    SIM_BAD_STATUS,
    SIM_BAD_MISSING_SINCE,
    SIM_BAD_UNKNOWN_FIELD,
    SIM_BAD_NEW_MUNI, /* a well-formed municipality code the table lacks */
    SIM_BAD_NKINDS
} sim_bad_kind;

typedef enum {
    SIM_FLD_SNAPSHOT,
    SIM_FLD_AS_OF,
    SIM_FLD_TOTAL,
    SIM_FLD_FACILITIES
} sim_field;

typedef struct {
    sim_fault_kind kind;
    int page;   /* -1: every page */
    long count; /* requests affected; -1: every time */
    long value; /* HTTP code, ms, N, bytes, seconds, bad-record count */
    int sub;    /* sim_field or sim_bad_kind */
    long hits;  /* requests seen so far (guarded by sim_faults.lock) */
} sim_fault;

typedef struct {
    sim_fault *f;
    size_t n;
    int retry_after; /* seconds for 429/503 */
    uint64_t hash;   /* 0 without faults; folded into the ETag */
    pthread_mutex_t lock;
} sim_faults;

/* Parses one --fault SPEC; on error writes a message naming the problem. */
int sim_fault_parse(sim_faults *fs, const char *spec, char *err, size_t errlen);
void sim_faults_free(sim_faults *fs);
/* The first fault of kind that applies to page, counting the request
 * against its COUNT when it has one; NULL when none applies. */
const sim_fault *sim_fault_take(sim_faults *fs, sim_fault_kind kind, int page);
/* Sum of value over faults of kind (short, extra). */
long sim_fault_sum(const sim_faults *fs, sim_fault_kind kind);
const char *sim_bad_kind_name(int kind);

/* ---- snapshots (snapshot.c) ---- */
typedef struct {
    long adopting, applied, total;
} sim_count;

typedef struct sim_snapshot {
    fk_day date;
    uint64_t hash; /* names the snapshot in ETags and cursors */
    char etag[40];
    char as_of[FK_DATE_LEN];
    char stamp[32]; /* RFC 3339 snapshot time */
    uint32_t *idx;  /* present facilities, in feed order */
    size_t n;
    uint8_t *bad; /* sim_bad_kind per position, or NULL */
    long counted; /* facilities not set aside */
    sim_count counts[2][FK_NPREF + 1]
                    [FK_NTYPE]; /* [prog][0 = national][type] */
    int refs;
} sim_snapshot;

sim_snapshot *sim_snapshot_build(const sim_registry *r, const sim_faults *fs,
                                 fk_day d);
void sim_snapshot_free(sim_snapshot *s);
/* The --counts JSON document (no trailing newline). */
void sim_snapshot_counts_json(const sim_snapshot *s, fk_buf *out);

/* ---- page rendering (render.c) ---- */
typedef struct {
    const sim_registry *reg;
    const sim_snapshot *snap;
    sim_faults *faults;
    size_t offset, limit; /* limit already capped by --page-max */
    int page;
    const char *cursor_in; /* the cursor of this request, or NULL */
} sim_page_req;

/* Records the pages list in all: the snapshot with short/extra applied. */
size_t sim_page_listed(const sim_snapshot *s, const sim_faults *fs);
/* Renders the JSON body of one page into out. */
void sim_render_page(const sim_page_req *q, fk_buf *out);
/* Opaque cursor: base64url of "offset:hash". */
void sim_cursor_make(size_t offset, uint64_t hash, char *out, size_t n);
/* 0 and *offset, -1 malformed, -2 from another snapshot. */
int sim_cursor_parse(const char *c, uint64_t hash, size_t *offset);

/* ---- the server (server.c) ---- */
typedef struct {
    const char *bind;
    int port;
    const char *token;
    int page_max;
    int quiet;
} sim_server_opts;

int sim_serve(sim_registry *r, sim_faults *fs, fk_day date,
              const sim_server_opts *o);

/* ---- static pages (dump.c) ---- */
/* Writes the snapshot of date as the files a static web server can serve
 * as the feed (layout in dump.c).  0, or -1 with a message on stderr. */
int sim_dump(const sim_registry *r, sim_faults *fs, fk_day date,
             const char *dir, int limit);

#endif
