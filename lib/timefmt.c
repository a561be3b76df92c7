/*
 * Time as milliseconds since the epoch (int64), formatted and parsed
 * without touching TZ or any process-global time zone state.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

#define MS_PER_DAY	86400000LL

int64_t
cron_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int64_t
cron_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
cron_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Splits ms into civil fields; returns -1 outside years 0000..9999. */
static int
split(int64_t ms, int64_t *y, unsigned *mo, unsigned *d, unsigned *h,
    unsigned *mi, unsigned *s, unsigned *frac)
{
	int64_t	days, rem;

	days = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		days--;
	}
	cron_civil_from_days(days, y, mo, d);
	if (*y < 0 || *y > 9999)
		return -1;
	*h = (unsigned)(rem / 3600000);
	*mi = (unsigned)(rem / 60000 % 60);
	*s = (unsigned)(rem / 1000 % 60);
	*frac = (unsigned)(rem % 1000);
	return 0;
}

/* Formats ms as 2026-03-15T10:00:00.000Z; returns -1 if out of range. */
int
cron_time_fmt(int64_t ms, char out[CRON_TIME_LEN + 1])
{
	int64_t		y;
	unsigned	mo, d, h, mi, s, f;

	if (split(ms, &y, &mo, &d, &h, &mi, &s, &f) == -1) {
		out[0] = '\0';
		return -1;
	}
	snprintf(out, CRON_TIME_LEN + 1, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ",
	    (int)y, mo, d, h, mi, s, f);
	return 0;
}

/* Formats ms as a MariaDB DATETIME(3) literal: 2026-03-15 10:00:00.000. */
void
cron_time_db(int64_t ms, char out[CRON_TIME_LEN + 1])
{
	if (cron_time_fmt(ms, out) == -1)
		snprintf(out, CRON_TIME_LEN + 1, "1970-01-01 00:00:00.000");
	out[10] = ' ';
	out[23] = '\0';
}

/* Reads exactly n digits at *p into *v, advancing *p; -1 if not digits. */
static int
digits(const char **p, int n, unsigned *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (unsigned)(**p - '0');
		(*p)++;
	}
	return 0;
}

static int
days_in_month(int64_t y, unsigned m)
{
	static const int	dm[] = { 31,28,31,30,31,30,31,31,30,31,30,31 };
	int			leap;

	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

/*
 * Parses an ISO 8601 date-time: YYYY-MM-DDTHH:MM:SS[.fraction] followed by
 * Z or +HH:MM/-HH:MM (a space instead of T and a missing zone, as MariaDB
 * returns DATETIME, are read as UTC).  Fractions past milliseconds are
 * truncated.  Returns 0 and sets *ms, or -1 on any malformation.
 */
int
cron_time_parse(const char *str, int64_t *ms)
{
	const char	*p = str;
	unsigned	 y, mo, d, h, mi, s, oh, om, frac = 0, scale = 100;
	int64_t		 off = 0;
	int		 sign;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != ' '))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &s))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || (int)d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || s > 59)
		return -1;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (unsigned)(*p - '0') * scale;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
		off = sign * (int64_t)(oh * 60 + om) * 60000;
	} else if (str[10] != ' ')
		return -1;
	if (*p != '\0')
		return -1;
	*ms = cron_days_from_civil(y, mo, d) * MS_PER_DAY +
	    (int64_t)h * 3600000 + (int64_t)mi * 60000 + (int64_t)s * 1000 +
	    frac - off;
	return 0;
}
