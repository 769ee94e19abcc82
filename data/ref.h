/* ref.h - reference data: the 47 prefectures, the 1,912 municipalities and
 * designated-city wards, the four facility types and the tracked programs.
 * Static tables; the prefectures, types and programs are also written into
 * the store by the first migration so that SQL reports can join on them. */
#ifndef FK_REF_H
#define FK_REF_H

#include <stddef.h>
#include <stdint.h>

#define FK_NPREF    47
#define FK_NTYPE    4
#define FK_NPROGRAM 2
#define FK_NMUNI    1912

typedef struct {
    int code;          /* JIS X 0401, 1..47 */
    const char *code2; /* "01".."47" */
    const char *name_ja, *name_en, *region_ja, *region_en;
    int32_t population_2020;
} fk_pref;

/* Facility types, in report order.  The fee-table digit is the third digit
 * of a facility code: 1 for hospitals and clinics, 3 dental, 4 pharmacy. */
typedef enum {
    FK_HOSPITAL = 0,
    FK_CLINIC,
    FK_DENTAL,
    FK_PHARMACY
} fk_type;

typedef struct {
    fk_type type;
    const char *key;      /* feed / CLI name: "hospital" */
    const char *label_ja; /* 病院 */
    const char *label_en;
    char fee_digit;
} fk_type_info;

typedef struct {
    const char *key;      /* "eprescription" */
    const char *label_ja; /* 電子処方箋 */
    const char *label_en;
} fk_program_info;

/* Municipalities (市区町村, JIS X 0402), from data/municipalities.csv:
 * 1,741 municipalities and the 171 wards of the 20 designated cities. */
typedef enum {
    FK_MUNI_CITY = 0,
    FK_MUNI_DESIGNATED_CITY, /* 政令指定都市: counted through its wards too */
    FK_MUNI_DESIGNATED_WARD, /* 行政区 of a designated city */
    FK_MUNI_SPECIAL_WARD, /* Tokyo's 23 特別区: municipalities of their own */
    FK_MUNI_TOWN,
    FK_MUNI_VILLAGE
} fk_muni_kind;

typedef struct {
    char code[6];        /* "13101": the feed's `municipality` */
    const char *name_ja; /* wards with their city: 札幌市中央区 */
    const char *name_kana;
    fk_muni_kind kind;
    char parent[6];          /* a ward's city ("01100"); "" otherwise */
    int32_t population_2020; /* 0 for wards: their city carries it */
} fk_muni;
/* Follow-up calls: the ministry's barrier codes 1..7 (fk_barriers[k - 1])
 * and the outcomes a team records, in this order. */
#define FK_NBARRIER 7
#define FK_NOUTCOME 5
typedef struct {
    const char *label_ja, *label_en; /* short, for charts and tables */
} fk_barrier_info;
typedef struct {
    const char *key;      /* "will_adopt" */
    const char *label_ja; /* 導入予定 */
    const char *label_en;
} fk_outcome_info;

extern const fk_pref fk_prefs[FK_NPREF];
extern const fk_muni fk_munis[FK_NMUNI]; /* sorted by code */
extern const fk_type_info fk_types[FK_NTYPE];
extern const fk_program_info fk_programs[FK_NPROGRAM];
extern const fk_barrier_info fk_barriers[FK_NBARRIER];
extern const fk_outcome_info fk_outcomes[FK_NOUTCOME];

/* Lookups return NULL / -1 when not found. */
const fk_pref *fk_pref_by_code(int code);
/* Accepts "13" or "1" .. "47" (1 or 2 ASCII digits). */
const fk_pref *fk_pref_by_str(const char *s);
int fk_type_by_key(const char *key); /* fk_type or -1 */
const fk_program_info *fk_program_by_key(const char *key);
/* An outcome by its key or its Japanese label; index or -1. */
int fk_outcome_by_name(const char *s);

/* A well-formed municipality code: 5 ASCII digits whose first two are a
 * prefecture (01..47).  It need not be in fk_munis: the feed may carry a
 * municipality newer than the table.  Copies it into out and returns its
 * prefecture; -1 with the reason (naming the code) in why otherwise. */
int fk_muni_parse(const char *s, char out[6], char *why, size_t whylen);
/* The table's row for a code, or NULL (unknown or malformed). */
const fk_muni *fk_muni_by_code(const char *code);
/* The name to show for a code: the table's name, else the code itself
 * (a code the table does not know is shown as is). */
const char *fk_muni_label(const char *code);
/* The municipality a code counts toward: a ward's city, else the code's
 * own row; NULL when unknown. */
const fk_muni *fk_muni_city(const char *code);
/* The codes an area chosen by code covers, as an inclusive range of codes
 * [lo, hi]: a designated city spans itself and its wards (01100 ..
 * 01110), anything else just itself. */
void fk_muni_span(const char *code, char lo[6], char hi[6]);
/* The 2020 population of a prefecture's municipalities (all of Japan for
 * pref 0), wards counted through their city. */
int64_t fk_muni_population(int pref);

#endif
