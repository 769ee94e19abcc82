/* fuzz_record.c - libFuzzer harness for the feed-v1 record validator
 * (collector/record.c): the input is one facility record as JSON, checked
 * as the collector checks every record of a page.  The helpers the page
 * checks share (UTF-8 counting, RFC 3339 times) get the raw bytes too.
 *
 * Whatever the bytes, the validator must answer accept or reject without
 * touching memory it does not own; an accepted record must be one the
 * store could take (the checks below restate feed-v1's invariants). */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    (void)fk_utf8_chars(s);
    (void)fk_rfc3339_ok(s);

    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (j) {
        fk_record r;
        char code[24], why[300];
        fk_day as_of = fk_day_from_ymd(2025, 2, 9);
        if (fk_record_check(j, as_of, &r, code, sizeof code, why, sizeof why) ==
            0) {
            /* What the store relies on when a record passes. */
            if (r.code < 100000000LL || r.code > 4799999999LL || r.pref < 1 ||
                r.pref > 47 || (unsigned)r.type >= FK_NTYPE ||
                r.nprog > FK_MAX_PROGRAMS || !r.name || !r.name[0] ||
                r.beds < -1 || r.beds > 5000)
                abort();
            for (size_t i = 0; i < r.nprog; i++)
                if (r.prog[i].since > as_of) abort();
        } else if (!why[0]) {
            abort(); /* a rejection must say why */
        }
        cJSON_Delete(j);
    }
    free(s);
    return 0;
}
