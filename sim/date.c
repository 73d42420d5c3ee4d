#include "date.h"

#include <string.h>

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool date_parse(const char *text, struct date *out)
{
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return false;
    struct date d;
    d.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    d.month = (text[5] - '0') * 10 + (text[6] - '0');
    d.day = (text[8] - '0') * 10 + (text[9] - '0');
    if (d.year < DATE_MIN_YEAR || d.month < 1 || d.month > 12 || d.day < 1
        || d.day > month_days(d.year, d.month))
        return false;
    *out = d;
    return true;
}

/* Howard Hinnant's days_from_civil / civil_from_days algorithms. */
long date_to_days(struct date d)
{
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct date date_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    struct date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

struct date date_add_months(struct date d, int months)
{
    int index = d.year * 12 + (d.month - 1) + months;
    struct date r;
    r.year = index / 12;
    r.month = index % 12 + 1;
    int last = month_days(r.year, r.month);
    r.day = d.day < last ? d.day : last;
    return r;
}

void date_format(struct date d, char buf[DATE_TEXT_SIZE])
{
    unsigned y = (unsigned)d.year % 10000u, m = (unsigned)d.month % 100u, day = (unsigned)d.day % 100u;
    const char digits[] = "0123456789";
    buf[0] = digits[y / 1000];
    buf[1] = digits[y / 100 % 10];
    buf[2] = digits[y / 10 % 10];
    buf[3] = digits[y % 10];
    buf[4] = '-';
    buf[5] = digits[m / 10];
    buf[6] = digits[m % 10];
    buf[7] = '-';
    buf[8] = digits[day / 10];
    buf[9] = digits[day % 10];
    buf[10] = '\0';
}

long date_diff(struct date a, struct date b) { return date_to_days(b) - date_to_days(a); }
