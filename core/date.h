/* date.h - civil dates as day numbers, JST "today", fiscal years, ISO weeks
 * and the Japanese era (令和) form used in reports.
 *
 * A date is an fk_day: days since 1970-01-01 in the proleptic Gregorian
 * calendar.  Dates in fukyu are Japanese calendar dates (JST); there is no
 * time of day and no time zone arithmetic except in fk_today_jst(). */
#ifndef FK_DATE_H
#define FK_DATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef int32_t fk_day;

#define FK_DATE_LEN 11 /* "YYYY-MM-DD" + NUL */
/* Japan Standard Time is UTC+9 all year: Japan has no daylight saving. */
#define FK_JST_OFFSET (9 * 3600)

fk_day fk_day_from_ymd(int y, int m, int d);
void fk_day_to_ymd(fk_day day, int *y, int *m, int *d);
/* Strict YYYY-MM-DD, a real calendar date in years 1900..2999.
 * Returns 0 and sets *out, or -1. */
int fk_date_parse(const char *s, fk_day *out);
/* Same, on a string that is not NUL-terminated. */
int fk_date_parsen(const char *s, size_t len, fk_day *out);
/* Writes "YYYY-MM-DD" into out (FK_DATE_LEN bytes) and returns out. */
char *fk_date_format(fk_day day, char out[FK_DATE_LEN]);
/* Today's date in Japan (UTC+9, no DST) at time t. */
fk_day fk_day_jst(time_t t);
fk_day fk_today_jst(void);
/* The fiscal-year end (31 March) on or after day. */
fk_day fk_fy_end(fk_day day);
/* The fiscal year (April start) a day falls in: 2024 for 2025-02-09. */
int fk_fiscal_year(fk_day day);
/* Day of week, 0 = Monday .. 6 = Sunday. */
int fk_weekday(fk_day day);
/* 1 when a daily series thinned to weekly points keeps day: every Sunday
 * (the day the ministry's weekly figures are counted on) and the series'
 * last day.  A new day of data leaves the earlier points where they
 * were, so forecasts reuse their fits at them (forecast/chain.c). */
int fk_weekly_point(fk_day day, fk_day last);
/* ISO 8601 week: year and week of a day; and the Monday of a week. */
void fk_iso_week(fk_day day, int *year, int *week);
fk_day fk_iso_week_monday(int year, int week);
/* Parses "YYYY-Www" to the week's Monday; 0 or -1. */
int fk_iso_week_parse(const char *s, fk_day *monday);
/* "令和7年2月9日" (or "平成…" before 2019-05-01); returns out. */
char *fk_date_wareki(fk_day day, char *out, size_t n);

#endif
