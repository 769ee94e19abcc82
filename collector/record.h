/* record.h - checks one facility record against feed-v1's rules and turns
 * it into an fk_record (internal to collector/). */
#ifndef FK_RECORD_H
#define FK_RECORD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "data/apply.h"

/* Returns 0 and fills r (strings borrowed from j), or -1 with the reason
 * ("prefecture: '14' does not match code 1312345678").  code_out gets the
 * record's code as received, for the set-aside list. */
int fk_record_check(const cJSON *j, fk_day as_of, fk_record *r, char *code_out,
                    size_t code_len, char *why, size_t why_len);

/* Helpers shared with the page checks. */
int fk_utf8_chars(const char *s); /* code points, -1 if not UTF-8 */
int fk_rfc3339_ok(const char *s);

#endif
