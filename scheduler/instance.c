/*
 * The heartbeat (SPEC §7, operations): every running scheduler keeps one
 * row of scheduler_instances fresh, with the number of executions it has
 * in flight, so cron-admin status can tell a live scheduler that has
 * nothing to do (and holds no lease) from none at all.  The row goes at a
 * clean stop; the rows of schedulers that died are purged after a day.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "sched.h"

/* This process's row as it is now. */
static void
instance_row(struct sched *s, struct db_instance *i)
{
	memset(i, 0, sizeof(*i));
	snprintf(i->instance, sizeof(i->instance), "%s", s->instance);
	if (gethostname(i->host, sizeof(i->host)) == -1)
		snprintf(i->host, sizeof(i->host), "localhost");
	i->host[sizeof(i->host) - 1] = '\0';
	i->pid = (long long)getpid();
	snprintf(i->version, sizeof(i->version), "%s", PACKAGE_VERSION);
	i->started_at = s->started_at;
	i->inflight = s->inflight;
}

/*
 * The heartbeat duty: refreshes this scheduler's row and drops those of
 * schedulers gone for a day.  Returns 0, or -1 when the database failed.
 */
int
sched_instance_beat(struct sched *s)
{
	struct db_instance	 i;
	unsigned long long	 n = 0;

	instance_row(s, &i);
	if (db_instance_beat(s->db, &i) != DB_OK ||
	    db_instance_purge(s->db, &n) != DB_OK)
		return -1;
	if (n > 0)
		log_info("forgot %llu scheduler%s not seen for a day", n,
		    n == 1 ? "" : "s");
	return 0;
}

/* At a clean stop: this scheduler is no longer running. */
void
sched_instance_gone(struct sched *s)
{
	if (db_instance_delete(s->db, s->instance) != DB_OK)
		log_warnx("could not remove %s from scheduler_instances; it "
		    "ages out", s->instance);
}
