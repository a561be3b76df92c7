/*
 * Unit tests for lib/timefmt.c: ISO 8601 formatting and parsing, the
 * MariaDB form, and the civil calendar conversions.  Expected values were
 * computed independently (Python datetime, date -u).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "timefmt.h"

#define MS_0000	(-62167219200000LL)	/* 0000-01-01T00:00:00.000Z */
#define MS_10000 253402300800000LL	/* 10000-01-01T00:00:00.000Z */
#define MS_2026	1773568800000LL		/* 2026-03-15T10:00:00.000Z */

static const struct {
	int64_t		 ms;
	const char	*iso;
} rt_cases[] = {
	{ 0LL, "1970-01-01T00:00:00.000Z" },
	{ 1LL, "1970-01-01T00:00:00.001Z" },
	{ 86400000LL, "1970-01-02T00:00:00.000Z" },
	{ -1LL, "1969-12-31T23:59:59.999Z" },
	{ -86400000LL, "1969-12-31T00:00:00.000Z" },
	{ -14182940000LL, "1969-07-20T20:17:40.000Z" },
	{ -2208988800000LL, "1900-01-01T00:00:00.000Z" },
	{ -2203891200001LL, "1900-02-28T23:59:59.999Z" },
	{ -2203891200000LL, "1900-03-01T00:00:00.000Z" },
	{ -11670955200000LL, "1600-02-29T12:00:00.000Z" },
	{ -62135596800000LL, "0001-01-01T00:00:00.000Z" },
	{ -62162121600000LL, "0000-02-29T00:00:00.000Z" },
	{ MS_0000, "0000-01-01T00:00:00.000Z" },
	{ 519199628090LL, "1986-06-15T06:07:08.090Z" },
	{ 946684799999LL, "1999-12-31T23:59:59.999Z" },
	{ 946684800000LL, "2000-01-01T00:00:00.000Z" },
	{ 951782400000LL, "2000-02-29T00:00:00.000Z" },
	{ 951868800000LL, "2000-03-01T00:00:00.000Z" },
	{ 1000000000000LL, "2001-09-09T01:46:40.000Z" },
	{ 1078099199999LL, "2004-02-29T23:59:59.999Z" },
	{ 1234567890123LL, "2009-02-13T23:31:30.123Z" },
	{ 1677628799999LL, "2023-02-28T23:59:59.999Z" },
	{ 1677628800000LL, "2023-03-01T00:00:00.000Z" },
	{ 1709164800000LL, "2024-02-29T00:00:00.000Z" },
	{ 1709210096789LL, "2024-02-29T12:34:56.789Z" },
	{ 1735689599999LL, "2024-12-31T23:59:59.999Z" },
	{ MS_2026, "2026-03-15T10:00:00.000Z" },
	{ 2147483647000LL, "2038-01-19T03:14:07.000Z" },
	{ 2147483648000LL, "2038-01-19T03:14:08.000Z" },
	{ 4107456000000LL, "2100-02-28T00:00:00.000Z" },
	{ 4107542400000LL, "2100-03-01T00:00:00.000Z" },
	{ 13574563200000LL, "2400-02-29T00:00:00.000Z" },
	{ 99999999999999LL, "5138-11-16T09:46:39.999Z" },
	{ MS_10000 - 1, "9999-12-31T23:59:59.999Z" },
};

static void
test_roundtrip(void)
{
	char	buf[CRON_TIME_LEN + 1];
	int64_t	ms;
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(rt_cases) / sizeof(rt_cases[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		rc = cron_time_fmt(rt_cases[i].ms, buf);
		ok(rc == 0 && strcmp(buf, rt_cases[i].iso) == 0,
		    "fmt(%lld) = %s", (long long)rt_cases[i].ms,
		    rt_cases[i].iso);
		if (rc != 0 || strcmp(buf, rt_cases[i].iso) != 0)
			printf("#   got %d '%.*s'\n", rc, CRON_TIME_LEN, buf);
		ms = 42;
		rc = cron_time_parse(rt_cases[i].iso, &ms);
		ok(rc == 0 && ms == rt_cases[i].ms, "parse(%s) = %lld",
		    rt_cases[i].iso, (long long)rt_cases[i].ms);
		if (rc != 0 || ms != rt_cases[i].ms)
			printf("#   got %d %lld\n", rc, (long long)ms);
	}
}

static const int64_t fmt_bad[] = {
	MS_10000, MS_0000 - 1, INT64_MAX, INT64_MIN, -INT64_MAX,
};

static void
test_fmt_range(void)
{
	char	buf[CRON_TIME_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof(fmt_bad) / sizeof(fmt_bad[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		is_int(cron_time_fmt(fmt_bad[i], buf), -1, "fmt(%lld) is out "
		    "of range", (long long)fmt_bad[i]);
		is_str(buf, "", "fmt(%lld) leaves an empty string",
		    (long long)fmt_bad[i]);
	}
}

static const struct {
	const char	*s;
	int64_t		 ms;
} parse_ok[] = {
	{ "2026-03-15T10:00:00.000Z", MS_2026 },
	{ "2026-03-15T10:00:00.000z", MS_2026 },
	{ "2026-03-15T10:00:00Z", MS_2026 },
	{ "2026-03-15T10:00:00+00:00", MS_2026 },
	{ "2026-03-15T10:00:00-00:00", MS_2026 },
	{ "2026-03-15T12:00:00.000+02:00", MS_2026 },
	{ "2026-03-15T04:30:00.000-05:30", MS_2026 },
	{ "2026-03-15T23:59:00+13:59", MS_2026 },
	{ "2026-03-15T00:30:00.000+01:00", 1773531000000LL },	/* day before */
	{ "2026-03-14T23:00:00.000-23:00", 1773612000000LL },	/* day after */
	{ "2026-03-15T10:00:00.1Z", MS_2026 + 100 },
	{ "2026-03-15T10:00:00.12Z", MS_2026 + 120 },
	{ "2026-03-15T10:00:00.123Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.1239Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.12399Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.123999Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.1239999Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.12399999Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.123999999Z", MS_2026 + 123 },
	{ "2026-03-15T10:00:00.999999999Z", MS_2026 + 999 },
	{ "2026-03-15T10:00:00.000000001Z", MS_2026 },
	{ "2026-03-15T10:00:00.5+02:00", MS_2026 - 7200000 + 500 },
	{ "2026-03-15 10:00:00.000", MS_2026 },		/* MariaDB DATETIME(3) */
	{ "2026-03-15 10:00:00", MS_2026 },
	{ "2026-03-15 10:00:00.7", MS_2026 + 700 },
	{ "2026-03-15 10:00:00.000Z", MS_2026 },
	{ "1970-01-01 00:00:00.000", 0 },
	{ "2024-02-29T00:00:00Z", 1709164800000LL },
	{ "2000-02-29T00:00:00Z", 951782400000LL },
	{ "1969-12-31T23:59:59.999Z", -1 },
	{ "1970-01-01T00:59:59.999+01:00", -1 },
};

static const char *const parse_bad[] = {
	"",
	"2026-02-30T00:00:00.000Z",	/* Feb 30 */
	"2023-02-29T00:00:00.000Z",	/* not a leap year */
	"1900-02-29T00:00:00.000Z",	/* century, not a leap year */
	"2026-02-31T00:00:00.000Z",
	"2026-04-31T00:00:00.000Z",
	"2026-01-32T00:00:00.000Z",
	"2026-01-00T00:00:00.000Z",
	"2026-13-01T00:00:00.000Z",	/* month 13 */
	"2026-00-01T00:00:00.000Z",
	"2026-03-15T24:00:00.000Z",	/* hour 24 */
	"2026-03-15T10:60:00.000Z",	/* minute 60 */
	"2026-03-15T10:00:60.000Z",	/* no leap seconds */
	"2026-03-15T10:00Z",		/* missing seconds */
	"2026-03-15T10:00",
	"2026-03-15T10",
	"2026-03-15T",
	"2026-03-15",
	"2026-03-15T10:00:00.000Zjunk",	/* trailing junk */
	"2026-03-15T10:00:00.000Z ",
	"2026-03-15T10:00:00.000Z\n",
	"2026-03-15T10:00:00.000ZZ",
	"2026-03-15T10:00:00.000+02:00x",
	"2026-03-15 10:00:00.000 ",
	"2026-03-15T10:00:00.000",	/* "T" with no zone */
	"2026-03-15T10:00:00",
	"2026-03-15T10:00:00.000+2:00",	/* bad offsets */
	"2026-03-15T10:00:00.000+02",
	"2026-03-15T10:00:00.000+0200",
	"2026-03-15T10:00:00.000+24:00",
	"2026-03-15T10:00:00.000+02:60",
	"2026-03-15T10:00:00.000+",
	"2026-03-15T10:00:00.Z",	/* a dot with no digits */
	"2026-03-15T10:00:00.",
	"2026-03-15T10:00:00,000Z",
	"2026-3-15T10:00:00.000Z",
	"26-03-15T10:00:00.000Z",
	"2026/03/15T10:00:00.000Z",
	"2026-03-15X10:00:00.000Z",
	"2026-03-15T10-00-00.000Z",
	" 2026-03-15T10:00:00.000Z",
	"-2026-03-15T10:00:00.000Z",
	"+2026-03-15T10:00:00.000Z",
	"20260315T100000Z",
	"2026-03-15T1a:00:00.000Z",
	"abcd-ef-ghTij:kl:mn.000Z",
};

static void
test_parse(void)
{
	int64_t	ms;
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(parse_ok) / sizeof(parse_ok[0]); i++) {
		ms = 42;
		rc = cron_time_parse(parse_ok[i].s, &ms);
		ok(rc == 0 && ms == parse_ok[i].ms, "parse accepts \"%s\"",
		    parse_ok[i].s);
		if (rc != 0 || ms != parse_ok[i].ms)
			printf("#   got %d %lld, want 0 %lld\n", rc,
			    (long long)ms, (long long)parse_ok[i].ms);
	}
	for (i = 0; i < sizeof(parse_bad) / sizeof(parse_bad[0]); i++) {
		ms = 42;
		rc = cron_time_parse(parse_bad[i], &ms);
		ok(rc == -1 && ms == 42, "parse rejects \"%.*s\"",
		    (int)strcspn(parse_bad[i], "\n"), parse_bad[i]);
	}
}

static const struct {
	int64_t		 ms;
	const char	*db;
} db_cases[] = {
	{ MS_2026, "2026-03-15 10:00:00.000" },
	{ 0, "1970-01-01 00:00:00.000" },
	{ -1, "1969-12-31 23:59:59.999" },
	{ 1709210096789LL, "2024-02-29 12:34:56.789" },
	{ 946684799999LL, "1999-12-31 23:59:59.999" },
	{ MS_10000 - 1, "9999-12-31 23:59:59.999" },
	{ MS_0000, "0000-01-01 00:00:00.000" },
	{ MS_10000, "1970-01-01 00:00:00.000" },	/* out of range */
};

static void
test_db(void)
{
	char	buf[CRON_TIME_LEN + 1];
	int64_t	ms;
	size_t	i;

	for (i = 0; i < sizeof(db_cases) / sizeof(db_cases[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		cron_time_db(db_cases[i].ms, buf);
		is_str(buf, db_cases[i].db, "cron_time_db(%lld)",
		    (long long)db_cases[i].ms);
	}
	ms = 42;
	ok(cron_time_parse("2024-02-29 12:34:56.789", &ms) == 0 &&
	    ms == 1709210096789LL, "the DB form parses back");
}

static const struct {
	int64_t		y;
	unsigned	m, d;
	int64_t		days;
} civil_cases[] = {
	{ 1970, 1, 1, 0 },
	{ 1970, 1, 2, 1 },
	{ 1969, 12, 31, -1 },
	{ 2000, 1, 1, 10957 },
	{ 2000, 2, 29, 11016 },
	{ 2000, 3, 1, 11017 },
	{ 2026, 3, 15, 20527 },
	{ 1900, 3, 1, -25508 },
	{ 1600, 1, 1, -135140 },
	{ 2400, 2, 29, 157113 },
	{ 1, 1, 1, -719162 },
	{ 0, 3, 1, -719468 },
	{ 0, 1, 1, -719528 },
	{ 9999, 12, 31, 2932896 },
	{ -1, 12, 31, -719529 },
	{ -400, 3, 1, -719468 - 146097 },
};

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Advances y-m-d by one day, by the rules, not by the code under test. */
static void
next_day(int64_t *y, unsigned *m, unsigned *d)
{
	static const unsigned	dm[] = { 31,28,31,30,31,30,31,31,30,31,30,31 };
	unsigned		last;

	last = *m == 2 ? 28 + (unsigned)leap(*y) : dm[*m - 1];
	if (++*d <= last)
		return;
	*d = 1;
	if (++*m <= 12)
		return;
	*m = 1;
	++*y;
}

static void
test_civil(void)
{
	int64_t		y, wy, z, badz = 0;
	unsigned	m, d, wm, wd;
	size_t		i;
	int		inverse = 1, walk = 1;

	for (i = 0; i < sizeof(civil_cases) / sizeof(civil_cases[0]); i++) {
		is_int(cron_days_from_civil(civil_cases[i].y, civil_cases[i].m,
		    civil_cases[i].d), civil_cases[i].days,
		    "days_from_civil(%lld-%02u-%02u)",
		    (long long)civil_cases[i].y, civil_cases[i].m,
		    civil_cases[i].d);
		cron_civil_from_days(civil_cases[i].days, &y, &m, &d);
		ok(y == civil_cases[i].y && m == civil_cases[i].m &&
		    d == civil_cases[i].d, "civil_from_days(%lld)",
		    (long long)civil_cases[i].days);
	}

	/* Inverse of each other on every day in +-800000 (about 2190 years). */
	for (z = -800000; z <= 800000; z++) {
		cron_civil_from_days(z, &y, &m, &d);
		if (m < 1 || m > 12 || d < 1 || d > 31 ||
		    cron_days_from_civil(y, m, d) != z) {
			inverse = 0;
			badz = z;
			break;
		}
	}
	ok(inverse, "days_from_civil(civil_from_days(z)) == z, |z| <= 800000");
	if (!inverse)
		printf("#   first bad z %lld\n", (long long)badz);

	/* Every day from 0000-03-01 on is the day after the one before. */
	wy = 0, wm = 3, wd = 1;
	for (z = -719468; z <= 800000; z++) {
		cron_civil_from_days(z, &y, &m, &d);
		if (y != wy || m != wm || d != wd) {
			walk = 0;
			badz = z;
			break;
		}
		next_day(&wy, &wm, &wd);
	}
	ok(walk, "civil_from_days walks the calendar day by day");
	if (!walk)
		printf("#   first bad z %lld\n", (long long)badz);
}

static void
test_now(void)
{
	int64_t	now, wall;

	wall = (int64_t)time(NULL) * 1000;
	now = cron_now_ms();
	ok(now >= wall && now < wall + 2000, "cron_now_ms is the wall clock");
}

int
main(void)
{
	test_roundtrip();
	test_fmt_range();
	test_parse();
	test_db();
	test_civil();
	test_now();
	return done_testing();
}
