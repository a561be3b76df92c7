/*
 * Next run times for the four kinds of job (SPEC §5.1); see schedule.h.
 */
#include "config.h"

#include <string.h>

#include "schedule.h"

static const char *const kind_names[CRON_KIND__MAX] = {
	[CRON_KIND_RECURRING] = "recurring",
	[CRON_KIND_CRON] = "cron",
	[CRON_KIND_SCHEDULED] = "scheduled",
	[CRON_KIND_ONE_TIME] = "one_time",
};

int
cron_kind_parse(const char *s)
{
	int	k;

	for (k = 0; k < CRON_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *
cron_kind_name(enum cron_kind k)
{
	return (unsigned)k < CRON_KIND__MAX ? kind_names[k] : "unknown";
}

/* The zone of a cron schedule, or NULL (UTC) when it cannot be read. */
static const struct cron_tz *
sched_tz(const struct cron_sched *s)
{
	char	err[128];

	return s->tz[0] == '\0' ? NULL : cron_tz_get(s->tz, err, sizeof(err));
}

int64_t
cron_sched_next(const struct cron_sched *s, int64_t anchor, int64_t after)
{
	const struct cron_tz	*tz;
	int64_t			 period, k;

	switch (s->kind) {
	case CRON_KIND_RECURRING:
		if (s->every < 1)
			return -1;
		period = s->every * CRON_MINUTE_MS;
		/* the smallest anchor + k * period > after, any integer k */
		k = (after - anchor) / period;
		if (anchor + k * period > after)
			k--;
		while (anchor + k * period <= after)
			k++;
		return anchor + k * period;
	case CRON_KIND_CRON:
		tz = sched_tz(s);
		if (tz == NULL && s->tz[0] != '\0')
			return -1;
		return cron_expr_next(&s->expr, tz, after);
	case CRON_KIND_SCHEDULED:
		return s->run_at > after ? s->run_at : -1;
	default:
		return -1;
	}
}

int64_t
cron_sched_first(const struct cron_sched *s, int64_t now)
{
	if (s->kind == CRON_KIND_RECURRING)
		return s->every < 1 ? -1 : now + s->every * CRON_MINUTE_MS;
	return cron_sched_next(s, now, now);
}

int
cron_sched_next_n(const struct cron_sched *s, int64_t anchor, int64_t after,
    int64_t *out, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		if ((after = cron_sched_next(s, anchor, after)) == -1)
			break;
		out[i] = after;
	}
	return i;
}

int64_t
cron_sched_min_gap(const struct cron_sched *s, int64_t now)
{
	int64_t	prev, t, gap = -1;
	int	i;

	switch (s->kind) {
	case CRON_KIND_RECURRING:
		return s->every * CRON_MINUTE_MS;
	case CRON_KIND_CRON:
		if ((prev = cron_sched_next(s, now, now)) == -1)
			return -1;
		for (i = 0; i < 1000; i++, prev = t) {
			if ((t = cron_sched_next(s, now, prev)) == -1)
				break;
			if (gap == -1 || t - prev < gap)
				gap = t - prev;
			if (gap <= CRON_MINUTE_MS)
				break;
		}
		return gap;
	default:
		return -1;
	}
}

int
cron_sched_due(const struct cron_sched *s, int64_t next_run_at, int64_t now,
    int64_t *slot, int64_t *next)
{
	int64_t	period, t, step;
	int	missed = 0;

	if (next_run_at > now)
		return -1;
	*slot = next_run_at;
	switch (s->kind) {
	case CRON_KIND_RECURRING:
		period = s->every * CRON_MINUTE_MS;
		if (period > 0) {
			missed = (int)((now - next_run_at) / period >
			    CRON_SCHED_MISSED_MAX ? CRON_SCHED_MISSED_MAX :
			    (now - next_run_at) / period);
			*slot = next_run_at + (now - next_run_at) / period *
			    period;
		}
		break;
	case CRON_KIND_CRON:
		/* walk the missed runs; after a long outage, jump back from
		 * now in growing steps to find the last run <= now */
		while ((t = cron_sched_next(s, *slot, *slot)) != -1 &&
		    t <= now) {
			*slot = t;
			if (++missed == CRON_SCHED_MISSED_MAX)
				break;
		}
		if (missed == CRON_SCHED_MISSED_MAX) {
			for (step = CRON_MINUTE_MS; now - step > *slot;
			    step *= 2)
				if ((t = cron_sched_next(s, 0, now - step)) !=
				    -1 && t <= now) {
					*slot = t;
					while ((t = cron_sched_next(s, 0,
					    *slot)) != -1 && t <= now)
						*slot = t;
					break;
				}
		}
		break;
	default:
		break;
	}
	*next = cron_sched_next(s, *slot, now);
	return missed;
}
