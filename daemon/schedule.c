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
#include "core/sched.h"

#define DAY 86400

/* Floor division, so that the grid stays right for any sign of t + 9 h. */
static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int fk_schedule_from_config(fk_schedule *s, const fk_config *c, char *err,
                            size_t n)
{
    memset(s, 0, sizeof *s);
    s->interval = c->interval;
    char why[200];
    if (c->interval < 0) {
        snprintf(err, n, "schedule.interval: %d is negative", c->interval);
        return -1;
    }
    if (c->interval == 0) {
        s->ntimes = fk_times_parse(c->times, s->times, why, sizeof why);
        if (s->ntimes < 0) {
            snprintf(err, n, "schedule.times: %s", why);
            return -1;
        }
        if (s->ntimes == 0) {
            snprintf(err, n, "schedule: interval is 0 and times is empty");
            return -1;
        }
    }
    if (fk_weekly_parse(c->weekly_report, &s->weekly_wday, &s->weekly_min, why,
                        sizeof why) < 0) {
        snprintf(err, n, "schedule.weekly_report: %s", why);
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
