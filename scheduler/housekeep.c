/*
 * The table of duties the loop runs, each on its own interval (SPEC §7):
 * claiming due jobs (woken at the earliest next_run_at), mail, trust
 * promotions and the purge of old rate-limit counters; leasing
 * executions, notification deliveries and history purges; the heartbeat
 * row cron-admin status reads (instance.c).
 */
#include "config.h"

#include <stdint.h>

#include "conf.h"
#include "db.h"
#include "log.h"
#include "sched.h"
#include "timefmt.h"

#define DUTY_BACKOFF_MAX_MS	30000

/*
 * A duty's run function returns 1 when it left work for an immediate
 * rerun, 0 when it is done until its next interval, -1 when it failed (the
 * database is down): then it is retried after a backoff.
 */
struct duty {
	const char	*name;
	int		(*run)(struct sched *);
	int		 interval_ms;	/* at most this long between runs */
	int64_t		(*next)(struct sched *, int64_t);	/* sooner */
};

/* verified -> trusted 48 h after verification (SPEC §3.1) */
static int
duty_promote(struct sched *s)
{
	unsigned long long	n = 0;

	if (db_user_promote(s->db, &n) != DB_OK)
		return -1;
	if (n > 0)
		log_info("promoted %llu users to trusted", n);
	return 0;
}

/* Counters of windows long past are dead weight; drop them in chunks. */
static int
duty_rate_purge(struct sched *s)
{
	unsigned long long	n = 0;
	long long		before;

	before = cron_now_ms() / 1000 -
	    2LL * s->conf->rate_limit_window_seconds;
	if (db_rate_purge(s->db, before, &n) != DB_OK)
		return -1;
	return n >= 10000;	/* a full chunk: there may be more */
}

static const struct duty duties[SCHED_DUTY__MAX] = {
	[SCHED_DUTY_CLAIM] =		{ "claim", sched_claim_run, 1000,
					  sched_claim_next },
	[SCHED_DUTY_LEASE] =		{ "lease", sched_run_lease, 200 },
	[SCHED_DUTY_NOTIFY] =		{ "notify", sched_notify_run, 1000 },
	[SCHED_DUTY_MAIL] =		{ "mail", sched_mail_run, 1000 },
	[SCHED_DUTY_PROMOTE] =		{ "promote", duty_promote, 60000 },
	[SCHED_DUTY_RATE_PURGE] =	{ "rate-purge", duty_rate_purge, 300000 },
	[SCHED_DUTY_HISTORY_PURGE] =	{ "history-purge", sched_run_purge,
					  3600000 },
	[SCHED_DUTY_HEARTBEAT] =	{ "heartbeat", sched_instance_beat,
					  10000 },
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
		return duties[i].next != NULL ? duties[i].next(s, delay) :
		    now + delay;
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
