/* date.c - day-number arithmetic for civil dates (see date.h).
 *
 * Conversions use Howard Hinnant's days_from_civil / civil_from_days
 * algorithms, which are exact over the whole proleptic Gregorian range and
 * need no tables. */
#include "core/date.h"

#include <stdio.h>
#include <string.h>

fk_day fk_day_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (fk_day)(era * 146097 + doe - 719468);
}

void fk_day_to_ymd(fk_day day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int dd = doy - (153 * mp + 2) / 5 + 1;
    int mm = mp + (mp < 10 ? 3 : -9);
    if (y) *y = yy + (mm <= 2);
    if (m) *m = mm;
    if (d) *d = dd;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int fk_date_parsen(const char *s, size_t len, fk_day *out)
{
    if (!s || len != 10 || s[4] != '-' || s[7] != '-') return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return -1;
    if (d > days_in_month(y, m)) return -1;
    *out = fk_day_from_ymd(y, m, d);
    return 0;
}

int fk_date_parse(const char *s, fk_day *out)
{
    return s ? fk_date_parsen(s, strlen(s), out) : -1;
}

char *fk_date_format(fk_day day, char out[FK_DATE_LEN])
{
    int y, m, d;
    fk_day_to_ymd(day, &y, &m, &d);
    /* By hand: hot in exports, and snprintf cannot prove the width. */
    y = ((y % 10000) + 10000) % 10000;
    out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
    out[4] = '-', out[5] = (char)('0' + m / 10), out[6] = (char)('0' + m % 10);
    out[7] = '-', out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return out;
}

fk_day fk_day_jst(time_t t)
{
    long long s = (long long)t + FK_JST_OFFSET;
    long long q = s / 86400;
    if (s < 0 && s % 86400) q--;
    return (fk_day)q;
}

fk_day fk_today_jst(void)
{
    return fk_day_jst(time(NULL));
}

int fk_fiscal_year(fk_day day)
{
    int y, m;
    fk_day_to_ymd(day, &y, &m, NULL);
    return m >= 4 ? y : y - 1;
}

fk_day fk_fy_end(fk_day day)
{
    return fk_day_from_ymd(fk_fiscal_year(day) + 1, 3, 31);
}

int fk_weekday(fk_day day)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int w = (int)((day + 3) % 7);
    return w < 0 ? w + 7 : w;
}

int fk_weekly_point(fk_day day, fk_day last)
{
    return day == last || fk_weekday(day) == 6;
}

fk_day fk_iso_week_monday(int year, int week)
{
    fk_day jan4 = fk_day_from_ymd(year, 1, 4);
    fk_day week1 = jan4 - fk_weekday(jan4);
    return week1 + (week - 1) * 7;
}

void fk_iso_week(fk_day day, int *year, int *week)
{
    fk_day thursday = day - fk_weekday(day) + 3;
    int y;
    fk_day_to_ymd(thursday, &y, NULL, NULL);
    if (year) *year = y;
    if (week) *week = (int)((thursday - fk_day_from_ymd(y, 1, 1)) / 7 + 1);
}

int fk_iso_week_parse(const char *s, fk_day *monday)
{
    if (!s || strlen(s) != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w'))
        return -1;
    int y = digits(s, 4), w = digits(s + 6, 2);
    if (y < 1900 || y > 2999 || w < 1 || w > 53) return -1;
    fk_day mon = fk_iso_week_monday(y, w);
    int yy, ww;
    fk_iso_week(mon, &yy, &ww);
    if (yy != y || ww != w) return -1; /* week 53 of a 52-week year */
    *monday = mon;
    return 0;
}

char *fk_date_wareki(fk_day day, char *out, size_t n)
{
    int y, m, d;
    fk_day_to_ymd(day, &y, &m, &d);
    if (day >= fk_day_from_ymd(2019, 5, 1)) {
        if (y == 2019)
            snprintf(out, n, "令和元年%d月%d日", m, d);
        else
            snprintf(out, n, "令和%d年%d月%d日", y - 2018, m, d);
    } else if (day >= fk_day_from_ymd(1989, 1, 8)) {
        if (y == 1989)
            snprintf(out, n, "平成元年%d月%d日", m, d);
        else
            snprintf(out, n, "平成%d年%d月%d日", y - 1988, m, d);
    } else {
        snprintf(out, n, "%d年%d月%d日", y, m, d);
    }
    return out;
}
