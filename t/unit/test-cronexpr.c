/*
 * Unit tests for lib/cronexpr.c: parsing into bitsets, parse errors that
 * name the field, and next run times (leap years, impossible days, the
 * Vixie day-of-month/day-of-week rule, steps, names, macros, and the DST
 * rules of SPEC §5.1 in several zones).  Every expected value comes from
 * t/unit/cron-cases.h, computed by t/unit/gen-cron-cases.py with its own
 * parser, a brute-force minute scan and Python's zoneinfo.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cronexpr.h"
#include "timefmt.h"
#include "tz.h"
#include "tap.h"

#define CRON_CASES_CRON
#include "cron-cases.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int64_t
iso(const char *s)
{
	int64_t	ms;

	if (cron_time_parse(s, &ms) == -1) {
		printf("# bad time in table: %s\n", s);
		return INT64_MIN;
	}
	return ms;
}

static const char *
fmt(int64_t ms)
{
	static char	buf[4][CRON_TIME_LEN + 1];
	static int	i;

	i = (i + 1) % 4;
	if (ms == -1)
		return "never";
	if (cron_time_fmt(ms, buf[i]) == -1)
		snprintf(buf[i], sizeof(buf[i]), "%lld", (long long)ms);
	return buf[i];
}

static void
test_parse_ok(void)
{
	struct cron_expr	 e;
	char			 err[256];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(cron_parse_cases); i++) {
		const struct cron_parse_case *c = &cron_parse_cases[i];

		err[0] = '\0';
		memset(&e, 0xa5, sizeof(e));
		rc = cron_expr_parse(c->expr, &e, err, sizeof(err));
		if (!ok(rc == 0 && e.minute == c->minute && e.hour == c->hour &&
		    e.dom == c->dom && e.month == c->month && e.dow == c->dow &&
		    e.flags == c->flags, "parse \"%s\"", c->expr))
			printf("#   rc %d (%s): minute %#llx hour %#x dom %#x "
			    "month %#x dow %#x flags %u\n", rc, err,
			    (unsigned long long)e.minute, e.hour, e.dom,
			    e.month, e.dow, e.flags);
	}
}

static void
test_parse_bad(void)
{
	struct cron_expr	 e;
	char			 err[256];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(cron_parse_bad); i++) {
		const struct cron_parse_bad *c = &cron_parse_bad[i];

		snprintf(err, sizeof(err), "(unset)");
		rc = cron_expr_parse(c->expr, &e, err, sizeof(err));
		if (!ok(rc == -1 && strstr(err, c->msg) != NULL,
		    "refuse #%zu: %s", i, c->msg))
			printf("#   rc %d, err \"%s\"\n", rc, err);
	}
	/* No buffer for the message is fine; a short one is cut, not overrun. */
	is_int(cron_expr_parse("61 * * * *", &e, NULL, 0), -1,
	    "refuse with no error buffer");
	memset(err, 'x', sizeof(err));
	is_int(cron_expr_parse("* * * * 8", &e, err, 8), -1,
	    "refuse with a short error buffer");
	ok(strcmp(err, "day-of-") == 0 && err[8] == 'x', "message cut at 7");
	is_int(cron_expr_parse(NULL, &e, err, sizeof(err)), -1,
	    "refuse NULL");
	is_str(err, "empty expression", "NULL is empty");
}

/* Checks one table case: next_n, then next() from around each run. */
static int
check_case(const struct cron_case *c, const struct cron_tz *tz,
    const struct cron_expr *e)
{
	int64_t	from, want[CRON_CASE_RUNS], got[CRON_CASE_RUNS + 1], x;
	int	i, n, good = 1;

	from = iso(c->from);
	for (i = 0; i < c->nruns; i++)
		want[i] = iso(c->runs[i]);
	n = cron_expr_next_n(e, tz, from, got, c->nruns > 0 ? c->nruns : 3);
	if (n != c->nruns) {
		printf("#   next_n gave %d runs, want %d\n", n, c->nruns);
		good = 0;
	}
	for (i = 0; i < n && i < c->nruns; i++)
		if (got[i] != want[i]) {
			printf("#   run %d: got %s, want %s\n", i, fmt(got[i]),
			    fmt(want[i]));
			good = 0;
		}
	if (c->nruns == 0 && (x = cron_expr_next(e, tz, from)) != -1) {
		printf("#   next gave %s, want never\n", fmt(x));
		good = 0;
	}
	/* Strictly after: from 1 ms before a run gives it, from it the next. */
	for (i = 0; i < c->nruns; i++) {
		if ((x = cron_expr_next(e, tz, want[i] - 1)) != want[i]) {
			printf("#   next(%s - 1ms) = %s\n", fmt(want[i]),
			    fmt(x));
			good = 0;
		}
		if (i + 1 < c->nruns &&
		    (x = cron_expr_next(e, tz, want[i])) != want[i + 1]) {
			printf("#   next(%s) = %s, want %s\n", fmt(want[i]),
			    fmt(x), fmt(want[i + 1]));
			good = 0;
		}
	}
	return good;
}

static void
test_cases(void)
{
	const struct cron_tz	*tz;
	struct cron_expr	 e;
	char			 err[256];
	size_t			 i;

	for (i = 0; i < NELEM(cron_cases); i++) {
		const struct cron_case *c = &cron_cases[i];

		if ((tz = cron_tz_get(c->zone, err, sizeof(err))) == NULL ||
		    cron_expr_parse(c->expr, &e, err, sizeof(err)) == -1) {
			ok(0, "case %zu: %s", i, err);
			continue;
		}
		ok(check_case(c, tz, &e), "case %zu: \"%s\" %s from %s: %d runs",
		    i, c->expr, c->zone, c->from, c->nruns);
	}
	printf("# %zu cron cases\n", NELEM(cron_cases));
}

/* Long chains of next(): counts and sums over whole ranges. */
static void
test_spans(void)
{
	const struct cron_tz	*tz;
	struct cron_expr	 e;
	char			 err[256];
	int64_t			 t, to, prev, minutes;
	size_t			 i;
	int			 count, order;

	for (i = 0; i < NELEM(cron_spans); i++) {
		const struct cron_span *c = &cron_spans[i];

		if ((tz = cron_tz_get(c->zone, err, sizeof(err))) == NULL ||
		    cron_expr_parse(c->expr, &e, err, sizeof(err)) == -1) {
			ok(0, "span %zu: %s", i, err);
			continue;
		}
		t = prev = iso(c->from);
		to = iso(c->to);
		count = 0;
		minutes = 0;
		order = 1;
		while ((t = cron_expr_next(&e, tz, t)) != -1 && t < to) {
			if (t <= prev || t % 60000 != 0)
				order = 0;
			prev = t;
			count++;
			minutes += t / 60000;
		}
		if (!ok(order && count == c->count && minutes == c->minutes,
		    "span \"%s\" %s %s..%s: %d runs", c->expr, c->zone,
		    c->from, c->to, c->count))
			printf("#   got %d runs, sum %lld, increasing %d\n",
			    count, (long long)minutes, order);
	}
}

static void
test_misc(void)
{
	const struct cron_tz	*utc, *ny;
	struct cron_expr	 e;
	int64_t			 from, out[4];
	char			 err[256];

	utc = cron_tz_get("UTC", err, sizeof(err));
	cron_expr_parse("*/7 9-17 * * 1-5", &e, err, sizeof(err));
	from = iso("2026-05-01T00:00:00.000Z");
	is_int(cron_expr_next(&e, NULL, from), cron_expr_next(&e, utc, from),
	    "a NULL zone is UTC");
	is_int(cron_expr_next(&e, utc, iso("0001-01-01T00:00:00.000Z") - 1),
	    -1, "before year 1: -1");
	is_int(cron_expr_next(&e, utc, iso("9999-12-31T23:59:59.999Z") + 1),
	    -1, "after year 9999: -1");
	is_int(cron_expr_next(&e, utc, INT64_MAX), -1, "INT64_MAX: -1");
	is_int(cron_expr_next(&e, utc, INT64_MIN), -1, "INT64_MIN: -1");
	cron_expr_parse("0 0 1 1 *", &e, err, sizeof(err));
	is_int(cron_expr_next(&e, utc, iso("9999-06-01T00:00:00Z")),
	    cron_days_from_civil(10000, 1, 1) * 86400000LL,
	    "a run in year 10000 is still returned");
	is_int(cron_expr_next(&e, utc, iso("1969-12-31T23:59:59.999Z")), 0,
	    "the epoch itself is a run (never -1 for a real run)");
	is_int(cron_expr_next(&e, utc, iso("1900-06-01T00:00:00Z")),
	    iso("1901-01-01T00:00:00Z"), "before the epoch");
	is_int(cron_expr_next_n(&e, utc, 0, out, 0), 0, "n = 0");
	cron_expr_parse("0 0 30 2 *", &e, err, sizeof(err));
	is_int(cron_expr_next_n(&e, utc, 0, out, 4), 0, "never: 0 runs");
	/* Seconds and milliseconds in `after` round up to the next minute. */
	ny = cron_tz_get("America/New_York", err, sizeof(err));
	cron_expr_parse("* * * * *", &e, err, sizeof(err));
	is_int(cron_expr_next(&e, ny, iso("2026-03-08T06:59:59.999Z")),
	    iso("2026-03-08T07:00:00Z"), "01:59:59.999 EST -> 03:00 EDT");
	is_int(cron_expr_next(&e, ny, iso("2026-11-01T05:59:30Z")),
	    iso("2026-11-01T07:00:00Z"), "01:59:30 EDT -> 02:00 EST");
}

int
main(void)
{
	test_parse_ok();
	test_parse_bad();
	test_cases();
	test_spans();
	test_misc();
	cron_tz_cache_clear();
	return done_testing();
}
