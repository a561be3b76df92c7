/*
 * When a job runs (SPEC §5.1): the four kinds of schedule and the next run
 * time of each.  Pure functions of their arguments (and the system tz
 * database, read through cron_tz_get's cache), shared by cron-api (create,
 * PATCH, resume, preview) and cron-scheduler (advancing after a claim).
 *
 * Times are milliseconds since the epoch; -1 means "no run".
 */
#ifndef CRON_SCHEDULE_H
#define CRON_SCHEDULE_H

#include <stdint.h>

#include "cronexpr.h"
#include "tz.h"

#define CRON_EVERY_MAX	1440		/* recurring: at most once a day */
#define CRON_MINUTE_MS	60000LL
#define CRON_SCHED_MISSED_MAX	100000	/* misfires counted one by one */

enum cron_kind {
	CRON_KIND_RECURRING,		/* every N minutes from an anchor */
	CRON_KIND_CRON,			/* a cron expression in a zone */
	CRON_KIND_SCHEDULED,		/* once, at run_at */
	CRON_KIND_ONE_TIME,		/* once, queued when activated */
	CRON_KIND__MAX
};

struct cron_sched {
	enum cron_kind	 kind;
	int		 every;			/* recurring: minutes */
	struct cron_expr expr;			/* cron */
	char		 tz[CRON_TZ_NAME_MAX + 1];	/* cron: IANA name */
	int64_t		 run_at;		/* scheduled */
};

/* schedule.c */
int		 cron_kind_parse(const char *);
const char	*cron_kind_name(enum cron_kind);
int64_t		 cron_sched_first(const struct cron_sched *, int64_t);
int64_t		 cron_sched_next(const struct cron_sched *, int64_t, int64_t);
int		 cron_sched_next_n(const struct cron_sched *, int64_t, int64_t,
		    int64_t *, int);
int64_t		 cron_sched_min_gap(const struct cron_sched *, int64_t);
int		 cron_sched_due(const struct cron_sched *, int64_t, int64_t,
		    int64_t *, int64_t *);

/*
 * cron_kind_parse(name): the kind called name ("recurring", "cron",
 * "scheduled", "one_time"), or -1.
 *
 * cron_sched_first(s, now): the first run of a schedule that starts (is
 * created, activated, resumed or changed) at now: recurring now + every
 * minutes; cron the first match strictly after now; scheduled run_at if it
 * is after now; one_time never (it is queued, not scheduled).
 *
 * cron_sched_next(s, anchor, after): the first run strictly after `after`.
 * For recurring jobs the runs are anchor + k * every minutes for any
 * integer k, where anchor is any earlier run (the job's next_run_at); the
 * other kinds ignore anchor.  cron_sched_next_n() writes up to n such runs
 * in increasing order and returns how many.
 *
 * cron_sched_min_gap(s, now): the shortest time between two consecutive
 * runs, in ms (recurring: every minutes; cron: the shortest gap among the
 * next 1,000 runs after now, which covers every minute and hour pattern
 * and a day-of-month/week cycle of daily jobs); -1 for kinds that run
 * once.
 *
 * cron_sched_due(s, next_run_at, now, &slot, &next): what a scheduler
 * does with a job whose next_run_at <= now (SPEC §7, misfires): it runs
 * once, for slot = the latest run time <= now (next_run_at itself when
 * nothing was missed), and its next run is the first one strictly after
 * now (-1: none, for the kinds that run once).  Returns the number of run
 * times skipped (0 when on time; capped at CRON_SCHED_MISSED_MAX, past
 * which slot is found by a coarser search), or -1 if next_run_at > now.
 */

#endif
