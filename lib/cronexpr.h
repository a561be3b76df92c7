/*
 * Cron expressions (SPEC §5.1): parsed once into bitsets, evaluated in a
 * time zone's local civil time without allocation and without scanning
 * minute by minute.
 *
 * Syntax: five fields separated by blanks, minute (0-59), hour (0-23),
 * day-of-month (1-31), month (1-12 or JAN-DEC), day-of-week (0-7, 0 and 7
 * are Sunday, or SUN-SAT); names are three letters, any case, and only in
 * those two fields.  A field is a comma-separated list of items; an item
 * is '*', a value N, or a range N-M (N <= M, no wrap-around), optionally
 * followed by /S (1 <= S <= the number of values of the field): '*' /S
 * and N-M/S take every S-th value from the start, and N/S means N-max/S
 * as in Vixie cron.  Macros (any case, nothing may follow them):
 * @yearly = @annually = "0 0 1 1 *", @monthly = "0 0 1 * *", @weekly =
 * "0 0 * * 0", @daily = @midnight = "0 0 * * *", @hourly = "0 * * * *";
 * @reboot is refused.  At most CRON_EXPR_MAX characters.
 *
 * Days (Vixie cron): when both day fields are restricted, i.e. neither
 * field's text starts with '*', a day matches when EITHER matches ("0 0
 * 1,15 * 1": the 1st, the 15th and every Monday); otherwise both must
 * ("0 0 * * 1": Mondays; "0 0 *\/2 * 1": odd days that are Mondays).
 *
 * Daylight saving (SPEC §5.1).  The schedule is the set of local civil
 * minutes the expression matches, each mapped to one instant:
 *  - a local time that exists once runs then;
 *  - a local time skipped when clocks go forward runs shifted forward by
 *    the length of the gap (02:30 runs at 03:30 when clocks jump from
 *    02:00 to 03:00; with Lord Howe's 30-minute jump 02:10 runs at 02:40).
 *    A shifted time can land on an instant that matches in its own right
 *    ("*\/15": 02:15 shifts onto 03:15) or that another shifted time
 *    lands on: the instant runs once.  It can also land after existing
 *    times that follow the gap (Lord Howe, "25,35 2 * * *": 02:25 is
 *    skipped and runs at 02:55, after 02:35): runs come in time order
 *    regardless (02:35, then 02:55);
 *  - a local time repeated when clocks go back runs once, at its first
 *    occurrence.  The repeated local times are not run again in their
 *    second occurrence: with "*\/15" in New York on 2026-11-01 the runs
 *    are 01:00, 01:15, 01:30, 01:45 EDT, then 02:00 EST, 75 minutes
 *    later; an hourly job runs at 01:00 EDT and next at 02:00 EST.
 * The runs are the distinct instants so obtained, in increasing order:
 * cron_expr_next() after a run gives the next one, never a repeat.  This
 * is how java.time and Python's zoneinfo (fold=0) map local times, and
 * what the common JavaScript cron libraries do.
 *
 * (In this comment "*\/" stands for a star followed by a slash.)
 *
 * Results are milliseconds since the epoch, on a whole local minute (so
 * a whole UTC minute for every zone in use today); -1 is never a result.
 */
#ifndef CRON_CRONEXPR_H
#define CRON_CRONEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "tz.h"

#define CRON_EXPR_MAX		256	/* longest accepted expression */
#define CRON_EXPR_YEARS		400	/* search horizon, local years */
#define CRON_EXPR_DOM_STAR	0x01	/* day-of-month field starts with * */
#define CRON_EXPR_DOW_STAR	0x02	/* day-of-week field starts with * */

/* A parsed expression; plain data, copy it freely. */
struct cron_expr {
	uint64_t	minute;		/* bit m: minute m */
	uint32_t	hour;		/* bit h: hour h */
	uint32_t	dom;		/* bit d: day d of the month, 1-31 */
	uint16_t	month;		/* bit m: month m, 1-12 */
	uint8_t		dow;		/* bit d: weekday d, 0 = Sunday */
	uint8_t		flags;		/* CRON_EXPR_DOM_STAR, _DOW_STAR */
};

/* cronexpr.c */
int	cron_expr_parse(const char *, struct cron_expr *, char *, size_t);
int64_t	cron_expr_next(const struct cron_expr *, const struct cron_tz *,
	    int64_t);
int	cron_expr_next_n(const struct cron_expr *, const struct cron_tz *,
	    int64_t, int64_t *, int);

/*
 * cron_expr_parse(text, out, err, errlen): returns 0 and fills *out, or
 * -1 with a message in err naming the field, the token and the reason,
 * e.g. "day-of-week: 8 is out of range 0-7".
 *
 * cron_expr_next(e, tz, after_ms): the first run strictly after after_ms
 * in zone tz (NULL means UTC), or -1 if the expression matches no date
 * within CRON_EXPR_YEARS local years, which (the Gregorian calendar
 * repeating every 400 years) means it never matches, as "0 0 30 2 *" or
 * "0 0 31 4 *"; also -1 for after_ms outside years 1-9999.
 *
 * cron_expr_next_n(e, tz, after_ms, out, n): the next n runs, strictly
 * increasing, into out[]; returns how many were written (fewer than n
 * only when there are no more).
 */

#endif
