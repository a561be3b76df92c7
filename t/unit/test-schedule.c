/*
 * Unit tests for lib/schedule.c: the next run of each kind of job, the
 * anchoring of recurring jobs, and the shortest gap used by the plan's
 * minimum interval.  Expected times are written out by hand.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "schedule.h"
#include "tap.h"
#include "timefmt.h"

#define MIN	60000LL

static int64_t
T(const char *s)
{
	int64_t	ms = -1;

	if (cron_time_parse(s, &ms) == -1)
		printf("# bad time in test: %s\n", s);
	return ms;
}

static void
is_time(int64_t got, const char *want, const char *what)
{
	char	buf[CRON_TIME_LEN + 1] = "-1";

	if (got >= 0)
		cron_time_fmt(got, buf);
	if (!ok(want == NULL ? got == -1 : got == T(want), "%s", what))
		printf("#   got %s, want %s\n", buf, want ? want : "-1");
}

static struct cron_sched
cron_sched(const char *expr, const char *tz)
{
	struct cron_sched	s;
	char			err[160];

	memset(&s, 0, sizeof(s));
	s.kind = CRON_KIND_CRON;
	if (cron_expr_parse(expr, &s.expr, err, sizeof(err)) == -1)
		printf("# bad expression in test: %s: %s\n", expr, err);
	snprintf(s.tz, sizeof(s.tz), "%s", tz);
	return s;
}

static void
test_kinds(void)
{
	is_int(cron_kind_parse("recurring"), CRON_KIND_RECURRING, "recurring");
	is_int(cron_kind_parse("cron"), CRON_KIND_CRON, "cron");
	is_int(cron_kind_parse("scheduled"), CRON_KIND_SCHEDULED, "scheduled");
	is_int(cron_kind_parse("one_time"), CRON_KIND_ONE_TIME, "one_time");
	is_int(cron_kind_parse("Cron"), -1, "kinds are case-sensitive");
	is_int(cron_kind_parse(""), -1, "empty kind");
	is_int(cron_kind_parse("one-time"), -1, "one-time is not one_time");
	is_str(cron_kind_name(CRON_KIND_ONE_TIME), "one_time", "name of one_time");
	is_str(cron_kind_name(CRON_KIND__MAX), "unknown", "name out of range");
}

static void
test_recurring(void)
{
	struct cron_sched	s;
	int64_t			a = T("2026-03-15T10:00:00.123Z"), out[4];

	memset(&s, 0, sizeof(s));
	s.kind = CRON_KIND_RECURRING;
	s.every = 5;
	is_time(cron_sched_first(&s, a), "2026-03-15T10:05:00.123Z",
	    "recurring: first run N minutes after the start, to the ms");
	is_time(cron_sched_next(&s, a, a), "2026-03-15T10:05:00.123Z",
	    "next after the anchor itself is one period on");
	is_time(cron_sched_next(&s, a, a - 1), "2026-03-15T10:00:00.123Z",
	    "next just before the anchor is the anchor");
	is_time(cron_sched_next(&s, a, a + 5 * MIN), "2026-03-15T10:10:00.123Z",
	    "strictly after: a run time itself is not next");
	is_time(cron_sched_next(&s, a, T("2026-03-15T11:02:59.000Z")),
	    "2026-03-15T11:05:00.123Z", "an hour later, on the grid");
	is_time(cron_sched_next(&s, a, T("2026-03-14T09:58:00.000Z")),
	    "2026-03-14T10:00:00.123Z", "a day before the anchor, on the grid");
	is_time(cron_sched_next(&s, a, T("2027-03-15T10:00:00.123Z")),
	    "2027-03-15T10:05:00.123Z", "a year on (no drift)");
	s.every = 1440;
	is_time(cron_sched_next(&s, a, T("2026-03-20T09:00:00.000Z")),
	    "2026-03-20T10:00:00.123Z", "daily (1440): same time of day");
	s.every = 7;
	is_int(cron_sched_next_n(&s, a, a, out, 4), 4, "next_n: four runs");
	is_time(out[3], "2026-03-15T10:28:00.123Z", "next_n: 4 x 7 minutes");
	is_int(cron_sched_min_gap(&s, a), 7 * MIN, "min gap of every 7");
	s.every = 0;
	is_time(cron_sched_first(&s, a), NULL, "every 0 never runs");
	is_time(cron_sched_next(&s, a, a), NULL, "every 0: no next");
}

static void
test_cron(void)
{
	struct cron_sched	s;
	int64_t			out[3];

	s = cron_sched("0 0 1 1 *", "UTC");
	is_time(cron_sched_first(&s, T("2026-11-23T04:00:00.000Z")),
	    "2027-01-01T00:00:00.000Z", "yearly, UTC");
	s = cron_sched("30 9 * * 1-5", "America/New_York");
	is_time(cron_sched_first(&s, T("2026-11-23T04:00:00.000Z")),
	    "2026-11-23T14:30:00.000Z", "09:30 New York (EST) on a Monday");
	is_time(cron_sched_next(&s, 0, T("2026-11-27T14:30:00.000Z")),
	    "2026-11-30T14:30:00.000Z", "Friday -> Monday, anchor ignored");
	is_time(cron_sched_first(&s, T("2026-07-01T00:00:00.000Z")),
	    "2026-07-01T13:30:00.000Z", "09:30 New York (EDT) in July");
	s = cron_sched("30 2 * * *", "America/New_York");
	is_int(cron_sched_next_n(&s, 0, T("2030-03-09T12:00:00.000Z"), out, 3),
	    3, "three runs over spring-forward");
	is_time(out[0], "2030-03-10T07:30:00.000Z",
	    "02:30 skipped: runs at 03:30 EDT");
	is_time(out[1], "2030-03-11T06:30:00.000Z", "then 02:30 EDT");
	s = cron_sched("0 9 * * *", "Mars/Olympus");
	is_time(cron_sched_first(&s, 0), NULL, "an unknown zone never runs");
	s = cron_sched("0 0 30 2 *", "UTC");
	is_time(cron_sched_first(&s, T("2026-01-01T00:00:00.000Z")), NULL,
	    "February 30 never comes");
	is_int(cron_sched_min_gap(&s, 0), -1, "no gap when it never runs");
	s = cron_sched("*/15 * * * *", "UTC");
	is_int(cron_sched_min_gap(&s, T("2026-01-01T00:00:00.000Z")),
	    15 * MIN, "min gap of */15");
	s = cron_sched("0,1 9 * * *", "UTC");
	is_int(cron_sched_min_gap(&s, T("2026-01-01T00:00:00.000Z")), MIN,
	    "min gap of 0,1 at 9 is one minute");
	s = cron_sched("0 9,10 * * *", "UTC");
	is_int(cron_sched_min_gap(&s, T("2026-01-01T00:00:00.000Z")),
	    60 * MIN, "min gap of 9,10 o'clock is an hour");
	s = cron_sched("59 23 * * *", "UTC");
	is_int(cron_sched_min_gap(&s, T("2026-01-01T00:00:00.000Z")),
	    1440 * MIN, "daily at 23:59: a day");
	s = cron_sched("59 23 31 12 *", "UTC");
	is_int(cron_sched_min_gap(&s, T("2026-01-01T00:00:00.000Z")),
	    365 * 1440 * MIN, "yearly: 365 days (2026 to 2027)");
	s = cron_sched("0 1 * * *", "Europe/London");
	is_int(cron_sched_min_gap(&s, T("2026-03-01T00:00:00.000Z")),
	    23 * 60 * MIN, "daily across spring-forward: a 23-hour day");
}

static void
test_once(void)
{
	struct cron_sched	s;
	int64_t			at = T("2026-12-01T09:00:00.000Z");

	memset(&s, 0, sizeof(s));
	s.kind = CRON_KIND_SCHEDULED;
	s.run_at = at;
	is_time(cron_sched_first(&s, at - 1), "2026-12-01T09:00:00.000Z",
	    "scheduled: run_at when it is ahead");
	is_time(cron_sched_first(&s, at), NULL, "scheduled: not at run_at");
	is_time(cron_sched_next(&s, 0, at + 1), NULL, "scheduled: past");
	is_int(cron_sched_min_gap(&s, 0), -1, "scheduled: no gap");
	s.kind = CRON_KIND_ONE_TIME;
	is_time(cron_sched_first(&s, 0), NULL, "one_time is never scheduled");
	is_int(cron_sched_min_gap(&s, 0), -1, "one_time: no gap");
}

/* cron_sched_due: one run for the latest missed slot, never a burst */
static void
test_due(void)
{
	struct cron_sched	s;
	int64_t			slot = 0, next = 0;

	memset(&s, 0, sizeof(s));
	s.kind = CRON_KIND_RECURRING;
	s.every = 5;
	is_int(cron_sched_due(&s, T("2026-03-15T10:05:00.123Z"),
	    T("2026-03-15T10:05:00.123Z"), &slot, &next), 0,
	    "due exactly on time: nothing missed");
	is_time(slot, "2026-03-15T10:05:00.123Z", "on time: the slot");
	is_time(next, "2026-03-15T10:10:00.123Z", "on time: next one");
	is_int(cron_sched_due(&s, T("2026-03-15T10:05:00.123Z"),
	    T("2026-03-15T10:05:00.100Z"), &slot, &next), -1,
	    "not due yet: -1");
	is_int(cron_sched_due(&s, T("2026-03-15T10:05:00.123Z"),
	    T("2026-03-15T10:23:00.000Z"), &slot, &next), 3,
	    "18 minutes late: 3 runs skipped");
	is_time(slot, "2026-03-15T10:20:00.123Z", "runs once, for 10:20");
	is_time(next, "2026-03-15T10:25:00.123Z", "then on its grid");
	is_int(cron_sched_due(&s, T("2026-03-15T10:05:00.123Z"),
	    T("2027-03-15T10:05:00.123Z"), &slot, &next),
	    CRON_SCHED_MISSED_MAX, "a year late (105,120 runs): the count is "
	    "capped");
	is_time(slot, "2027-03-15T10:05:00.123Z", "a year late: one run now");

	s = cron_sched("*/15 * * * *", "UTC");
	is_int(cron_sched_due(&s, T("2026-03-15T10:00:00.000Z"),
	    T("2026-03-15T10:50:00.000Z"), &slot, &next), 3,
	    "cron 50 minutes late: 10:15, 10:30, 10:45 missed");
	is_time(slot, "2026-03-15T10:45:00.000Z", "cron: the latest slot");
	is_time(next, "2026-03-15T11:00:00.000Z", "cron: next after now");
	s = cron_sched("* * * * *", "UTC");
	is_int(cron_sched_due(&s, T("2026-01-01T00:00:00.000Z"),
	    T("2026-06-01T00:00:30.000Z"), &slot, &next),
	    CRON_SCHED_MISSED_MAX, "every minute, 5 months late: capped");
	is_time(slot, "2026-06-01T00:00:00.000Z",
	    "found the last run before now past the cap");
	is_time(next, "2026-06-01T00:01:00.000Z", "and the next minute");
	s = cron_sched("30 2 * * *", "America/New_York");
	is_int(cron_sched_due(&s, T("2030-03-09T07:30:00.000Z"),
	    T("2030-03-10T08:00:00.000Z"), &slot, &next), 1,
	    "missed the DST-shifted run");
	is_time(slot, "2030-03-10T07:30:00.000Z", "the shifted 03:30 EDT");
	is_time(next, "2030-03-11T06:30:00.000Z", "next 02:30 EDT");

	memset(&s, 0, sizeof(s));
	s.kind = CRON_KIND_SCHEDULED;
	s.run_at = T("2026-12-01T09:00:00.000Z");
	is_int(cron_sched_due(&s, s.run_at, T("2026-12-03T00:00:00.000Z"),
	    &slot, &next), 0, "scheduled, late: runs once");
	is_time(slot, "2026-12-01T09:00:00.000Z", "scheduled: slot run_at");
	is_time(next, NULL, "scheduled: nothing after");
}

int
main(void)
{
	test_kinds();
	test_recurring();
	test_cron();
	test_once();
	test_due();
	return done_testing();
}
