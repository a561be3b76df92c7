/*
 * Housekeeping: the table of duties the loop runs, each on its own
 * interval (SPEC §7).  Mail is the first; job claiming, trust promotions,
 * history purges and lease reclaiming join the table as rows.
 */
#include "config.h"

#include <stdint.h>

#include "log.h"
#include "sched.h"

#define DUTY_BACKOFF_MAX_MS	30000

/*
 * A duty's run function returns 1 when it left work for an immediate
 * rerun, 0 when it is done until its next interval, -1 when it failed (the
 * database is down): then it is retried after a backoff.
 */
struct duty {
	const char	*name;
	int		(*run)(struct sched *);
	int		 interval_ms;
};

static const struct duty duties[SCHED_DUTY__MAX] = {
	[SCHED_DUTY_MAIL] =	{ "mail", sched_mail_run, 1000 },
};

/* Returns when duty i is due again after it returned rc at now. */
static int64_t
duty_next(struct sched *s, int i, int rc, int64_t now)
{
	int64_t	delay = duties[i].interval_ms;
	int	n;

	if (rc > 0) {
		s->fails[i] = 0;
		return now;
	}
	if (rc == 0) {
		s->fails[i] = 0;
		return now + delay;
	}
	if (s->fails[i] < 16)
		s->fails[i]++;
	for (n = 1; n < s->fails[i] && delay < DUTY_BACKOFF_MAX_MS; n++)
		delay *= 2;
	if (delay > DUTY_BACKOFF_MAX_MS)
		delay = DUTY_BACKOFF_MAX_MS;
	log_debug("%s: failed %d times in a row, next try in %lld ms",
	    duties[i].name, s->fails[i], (long long)delay);
	return now + delay;
}

/*
 * Runs every duty that is due, in table order, unless a stop was asked
 * for.  Returns the monotonic time (ms) at which the next one is due.
 */
int64_t
sched_housekeep(struct sched *s)
{
	int64_t	now, next = INT64_MAX;
	int	i, rc;

	for (i = 0; i < SCHED_DUTY__MAX; i++) {
		now = sched_mono_ms();
		if (!s->stop && s->due[i] <= now) {
			rc = duties[i].run(s);
			s->due[i] = duty_next(s, i, rc, sched_mono_ms());
		}
		if (s->due[i] < next)
			next = s->due[i];
	}
	return next;
}
