/* ref.h - reference data: the 47 prefectures, the four facility types and
 * the tracked programs.  Static tables, also written into the store by the
 * first migration so that SQL reports can join on them. */
#ifndef FK_REF_H
#define FK_REF_H

#include <stdint.h>

#define FK_NPREF    47
#define FK_NTYPE    4
#define FK_NPROGRAM 2

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

#endif
