/* sched.h - the syntax of schedule times, shared by the config checker
 * (core/config.c) and the daemon's schedule (daemon/schedule.c), as
 * documented in fukyu.conf(5):
 *
 *   times         = HH:MM[,HH:MM...]   00:00 .. 23:59, spaces around commas
 *   weekly_report = DAY HH:MM          DAY one of mon tue wed thu fri sat sun
 *
 * Times are JST minutes after midnight.  Every error names the key's
 * value that was wrong. */
#ifndef FK_SCHED_H
#define FK_SCHED_H

#include <stddef.h>

#define FK_SCHED_MAX_TIMES 64

/* "HH:MM" (exactly five characters, len of them) to minutes, or -1. */
int fk_hhmm_parse(const char *s, size_t len);
/* A times list into out (at most FK_SCHED_MAX_TIMES, ascending, duplicates
 * dropped).  Returns the count (0 for an empty list), or -1 with err set:
 * "'25:00' is not HH:MM". */
int fk_times_parse(const char *v, int out[FK_SCHED_MAX_TIMES], char *err,
                   size_t errlen);
/* "mon 07:00" to weekday (0 = Monday) and minutes; 0, or -1 with err set. */
int fk_weekly_parse(const char *v, int *wday, int *min, char *err,
                    size_t errlen);

#endif
