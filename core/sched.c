/* sched.c - parsing schedule times (see sched.h). */
#include "core/sched.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fk_hhmm_parse(const char *s, size_t len)
{
    if (len != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
        !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
        !isdigit((unsigned char)s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int fk_times_parse(const char *v, int out[FK_SCHED_MAX_TIMES], char *err,
                   size_t errlen)
{
    int n = 0;
    const char *p = v;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) p++, len--;
        while (len && isspace((unsigned char)p[len - 1])) len--;
        int m = fk_hhmm_parse(p, len);
        if (m < 0) {
            snprintf(err, errlen, "'%.*s' is not HH:MM", (int)len, p);
            return -1;
        }
        if (n == FK_SCHED_MAX_TIMES) {
            snprintf(err, errlen, "more than %d times", FK_SCHED_MAX_TIMES);
            return -1;
        }
        out[n++] = m;
        if (!e) break;
        p = e + 1;
    }
    qsort(out, (size_t)n, sizeof out[0], cmp_int);
    int k = 0; /* duplicates would only mean two pulls in one minute */
    for (int i = 0; i < n; i++)
        if (k == 0 || out[k - 1] != out[i]) out[k++] = out[i];
    return k;
}

int fk_weekly_parse(const char *v, int *wday, int *min, char *err,
                    size_t errlen)
{
    static const char *days[] = {"mon", "tue", "wed", "thu",
                                 "fri", "sat", "sun"};
    *wday = *min = -1;
    for (int i = 0; i < 7; i++)
        if (!strncmp(v, days[i], 3) && v[3] == ' ') *wday = i;
    if (*wday >= 0) *min = fk_hhmm_parse(v + 4, strlen(v + 4));
    if (*min < 0) {
        snprintf(err, errlen, "'%s' is not DAY HH:MM, e.g. \"mon 07:00\"", v);
        *wday = -1;
        return -1;
    }
    return 0;
}
