/* json.c - the simulator's JSON helpers over fk_buf.  Pages are written by
 * hand because building a cJSON tree for 5,000 records would cost more
 * than the rest of a request. */
#include "sim/sim.h"

#include <string.h>

void sim_uint_put(fk_buf *b, uint64_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    fk_buf_put(b, tmp + i, sizeof tmp - (size_t)i);
}

void sim_json_put(fk_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s);
    char *o = fk_buf_reserve(b, n * 6 + 2);
    if (!o) return;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            *o++ = '\\';
            switch (c) {
            case '\n': *o++ = 'n'; break;
            case '\t': *o++ = 't'; break;
            case '\r': *o++ = 'r'; break;
            default:
                *o++ = 'u', *o++ = '0', *o++ = '0';
                *o++ = hex[c >> 4], *o++ = hex[c & 15];
            }
        } else {
            *o++ = (char)c; /* UTF-8 passes through unchanged */
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}
