/* schedule.c - when the daemon pulls and writes the weekly report: slot
 * arithmetic in JST (UTC+9, no DST) on Unix seconds, with no use of the
 * process time zone, so a server set to UTC or anything else behaves the
 * same.  See daemon.h. */
#include "daemon/daemon.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

#define DAY 86400

/* Floor division, so that the grid stays right for any sign of t + 9 h. */
static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int hhmm(const char *p, size_t len)
{
    if (len != 5 || p[2] != ':' || !isdigit((unsigned char)p[0]) ||
        !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[3]) ||
        !isdigit((unsigned char)p[4]))
        return -1;
    int h = (p[0] - '0') * 10 + p[1] - '0', m = (p[3] - '0') * 10 + p[4] - '0';
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int parse_times(fk_schedule *s, const char *v, char *err, size_t n)
{
    s->ntimes = 0;
    const char *p = v;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) p++, len--;
        while (len && isspace((unsigned char)p[len - 1])) len--;
        int m = hhmm(p, len);
        if (m < 0) {
            snprintf(err, n, "schedule.times: '%.*s' is not HH:MM", (int)len,
                     p);
            return -1;
        }
        if (s->ntimes == FK_SCHED_MAX_TIMES) {
            snprintf(err, n, "schedule.times: more than %d times",
                     FK_SCHED_MAX_TIMES);
            return -1;
        }
        s->times[s->ntimes++] = m;
        if (!e) break;
        p = e + 1;
    }
    qsort(s->times, (size_t)s->ntimes, sizeof s->times[0], cmp_int);
    int k = 0; /* duplicates would only mean two pulls in one minute */
    for (int i = 0; i < s->ntimes; i++)
        if (k == 0 || s->times[k - 1] != s->times[i])
            s->times[k++] = s->times[i];
    s->ntimes = k;
    return 0;
}

int fk_schedule_from_config(fk_schedule *s, const fk_config *c, char *err,
                            size_t n)
{
    static const char *days[] = {"mon", "tue", "wed", "thu",
                                 "fri", "sat", "sun"};
    memset(s, 0, sizeof *s);
    s->interval = c->interval;
    if (c->interval < 0) {
        snprintf(err, n, "schedule.interval: %d is negative", c->interval);
        return -1;
    }
    if (c->interval == 0) {
        if (parse_times(s, c->times, err, n) < 0) return -1;
        if (s->ntimes == 0) {
            snprintf(err, n, "schedule: interval is 0 and times is empty");
            return -1;
        }
    }
    const char *w = c->weekly_report;
    s->weekly_wday = -1;
    for (int i = 0; i < 7; i++)
        if (!strncmp(w, days[i], 3) && w[3] == ' ') s->weekly_wday = i;
    s->weekly_min = s->weekly_wday < 0 ? -1 : hhmm(w + 4, strlen(w + 4));
    if (s->weekly_min < 0) {
        snprintf(
            err, n,
            "schedule.weekly_report: '%s' is not DAY HH:MM, e.g. \"mon 07:00\"",
            w);
        return -1;
    }
    return 0;
}

/* The Unix time of minute m of the JST day d. */
static int64_t jst_time(int64_t day, int m)
{
    return day * DAY + (int64_t)m * 60 - FK_JST_OFFSET;
}

static int64_t jst_day(int64_t t)
{
    return floordiv(t + FK_JST_OFFSET, DAY);
}

int64_t fk_schedule_prev_pull(const fk_schedule *s, int64_t now)
{
    if (s->interval > 0) {
        int64_t step = (int64_t)s->interval * 60;
        return floordiv(now + FK_JST_OFFSET, step) * step - FK_JST_OFFSET;
    }
    /* Today's times first, then yesterday's: one of them is <= now. */
    for (int64_t d = jst_day(now); d >= jst_day(now) - 1; d--)
        for (int i = s->ntimes - 1; i >= 0; i--) {
            int64_t t = jst_time(d, s->times[i]);
            if (t <= now) return t;
        }
    return -1; /* not reached with ntimes >= 1 */
}

int64_t fk_schedule_next_pull(const fk_schedule *s, int64_t now)
{
    if (s->interval > 0)
        return fk_schedule_prev_pull(s, now) + (int64_t)s->interval * 60;
    for (int64_t d = jst_day(now); d <= jst_day(now) + 1; d++)
        for (int i = 0; i < s->ntimes; i++) {
            int64_t t = jst_time(d, s->times[i]);
            if (t > now) return t;
        }
    return -1;
}

static int weekday_of(int64_t day)
{
    return fk_weekday((fk_day)day);
}

int64_t fk_schedule_prev_weekly(const fk_schedule *s, int64_t now)
{
    for (int64_t d = jst_day(now); d >= jst_day(now) - 7; d--) {
        int64_t t = jst_time(d, s->weekly_min);
        if (weekday_of(d) == s->weekly_wday && t <= now) return t;
    }
    return -1;
}

int64_t fk_schedule_next_weekly(const fk_schedule *s, int64_t now)
{
    for (int64_t d = jst_day(now); d <= jst_day(now) + 7; d++) {
        int64_t t = jst_time(d, s->weekly_min);
        if (weekday_of(d) == s->weekly_wday && t > now) return t;
    }
    return -1;
}

int fk_schedule_missed(int64_t prev_slot, int64_t last_run)
{
    return last_run < 0 || last_run < prev_slot;
}

char *fk_schedule_format(int64_t t, char *out, size_t n)
{
    int64_t d = jst_day(t);
    int64_t m = floordiv(t + FK_JST_OFFSET - d * DAY, 60);
    char date[FK_DATE_LEN];
    fk_date_format((fk_day)d, date);
    snprintf(out, n, "%s %02d:%02d JST", date, (int)(m / 60), (int)(m % 60));
    return out;
}
