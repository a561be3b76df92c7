/*
 * Claiming (SPEC §7): due jobs become queued executions.  Each batch is
 * one short transaction: lock up to CLAIM_BATCH due jobs (FOR UPDATE SKIP
 * LOCKED, so schedulers running side by side take disjoint batches), and
 * for each insert the execution of its slot and move next_run_at on.
 * The unique key (job_id, slot) makes a second execution of one slot
 * impossible even where the locks are not shared (Galera: the loser's
 * commit fails certification and db_txn reruns the batch).
 *
 * Misfires: a job that missed runs (no scheduler was up) runs once, for
 * the latest missed slot, and continues from the first run after now
 * (lib/schedule.c: cron_sched_due).  A job of a restricted workspace, or
 * of one that has used its plan's executions for the month (SPEC §10),
 * has its slot skipped: next_run_at moves on, nothing runs.  A scheduled job
 * keeps state active with next_run_at NULL until its execution finishes
 * (the runner completes it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "db.h"
#include "id.h"
#include "log.h"
#include "sched.h"
#include "schedule.h"
#include "timefmt.h"
#include "xmalloc.h"

#define CLAIM_BATCH	DB_USAGE_BATCH	/* its workspaces fit one usage lock */

struct claim {
	struct sched	*s;
	int64_t		 now;
	size_t		 found;		/* due jobs locked */
	size_t		 queued;	/* executions inserted */
	int		 bulk;		/* the batch in one go */
	char		 first[26];	/* an execution id, for the log */
};

/* The schedule of a due job; -1 if its stored schedule is unusable. */
static int
due_sched(const struct db_due *d, struct cron_sched *cs)
{
	char	err[160];
	int	k;

	memset(cs, 0, sizeof(*cs));
	if ((k = cron_kind_parse(d->kind)) == -1)
		return -1;
	cs->kind = (enum cron_kind)k;
	cs->every = d->every_n_minutes;
	cs->run_at = d->run_at;
	if (cs->kind == CRON_KIND_CRON) {
		if (cron_expr_parse(d->cron_expr, &cs->expr, err,
		    sizeof(err)) == -1)
			return -1;
		snprintf(cs->tz, sizeof(cs->tz), "%s", d->timezone);
	}
	return 0;
}

/* The index of workspace id in wids[0..nw), or nw. */
static size_t
ws_index(const char **wids, size_t nw, const char *id)
{
	size_t	w;

	for (w = 0; w < nw && strcmp(wids[w], id) != 0; w++)
		;
	return w;
}

/*
 * The monthly execution quota (SPEC §10) of the batch's queued slots:
 * locks the counters of their workspaces (when a plan limits them) and
 * clears the id of every slot past its workspace's limit.  Fills wids[]
 * and adds[] (what each workspace will run) for quota_count; returns
 * how many workspaces, or -1 with *rc set.
 */
static int
quota_check(struct claim *c, struct db *db, struct db_claimed *cl, size_t n,
    const char **wids, int *adds, int *rc)
{
	long long		 used[DB_USAGE_BATCH];
	int			 max[DB_USAGE_BATCH], limited = 0;
	size_t			 i, w, nw = 0;

	for (i = 0; i < n; i++) {
		if (cl[i].id[0] == '\0')
			continue;
		w = ws_index(wids, nw, cl[i].due->workspace_id);
		if (w == nw && nw < DB_USAGE_BATCH) {
			wids[nw] = cl[i].due->workspace_id;
			max[nw] = cron_plan_of(c->s->conf,
			    cl[i].due->plan)->max_executions_per_month;
			limited |= max[nw] > 0;
			adds[nw++] = 0;
		}
	}
	memset(used, 0, sizeof(used));
	if (limited && (*rc = db_usage_lock(db, c->now, wids, nw, used)) !=
	    DB_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (cl[i].id[0] == '\0')
			continue;
		w = ws_index(wids, nw, cl[i].due->workspace_id);
		if (w < nw && max[w] > 0 && used[w] + adds[w] >= max[w]) {
			log_info("job %s skipped: workspace %s has run its "
			    "plan's %d executions this month", cl[i].due->id,
			    wids[w], max[w]);
			cl[i].id[0] = '\0';
		} else if (w < nw)
			adds[w]++;
	}
	return (int)nw;
}

/* Counts the executions the batch queued against their workspaces' month. */
static int
quota_count(struct claim *c, struct db *db, const struct db_claimed *cl,
    size_t n, const char **wids, int *adds, size_t nw)
{
	size_t	i, w;

	memset(adds, 0, nw * sizeof(*adds));
	for (i = 0; i < n; i++)
		if (cl[i].id[0] != '\0' &&
		    (w = ws_index(wids, nw, cl[i].due->workspace_id)) < nw)
			adds[w]++;
	return db_usage_add(db, c->now, wids, adds, nw);
}

static int
claim_txn(struct db *db, void *arg)
{
	struct claim		*c = arg;
	struct db_due		*due;
	struct db_claimed	*cl;
	struct cron_sched	 cs;
	const char		*wids[DB_USAGE_BATCH];
	int			 adds[DB_USAGE_BATCH], nw;
	size_t			 n, i;
	int			 rc, missed;

	c->found = c->queued = 0;
	if ((rc = db_claim_due(db, c->now, CLAIM_BATCH, &due, &n)) != DB_OK)
		return rc;
	c->found = n;
	cl = xcalloc(n + 1, sizeof(*cl));
	for (i = 0; i < n; i++) {
		cl[i].due = &due[i];
		if (due_sched(&due[i], &cs) == -1 ||
		    (missed = cron_sched_due(&cs, due[i].next_run_at, c->now,
		    &cl[i].slot, &cl[i].next)) == -1) {
			/* cannot happen for a job the API stored; never
			 * leave it due forever */
			log_warnx("job %s: unusable schedule; not scheduled",
			    due[i].id);
			cl[i].next = -1;
			continue;
		}
		if (missed > 0)
			log_info("job %s missed %d run%s; running once for %s",
			    due[i].id, missed, missed == 1 ? "" : "s",
			    "the latest");
		if (due[i].restricted)
			log_info("job %s skipped: workspace %s is restricted",
			    due[i].id, due[i].workspace_id);
		else
			cron_id_new(cl[i].id);
	}
	if ((nw = quota_check(c, db, cl, n, wids, adds, &rc)) == -1) {
		free(cl);
		free(due);
		return rc;
	}
	if (c->bulk)
		rc = db_claim_save(db, cl, n);
	else
		/* after a duplicate: one at a time, to know which */
		for (i = 0, rc = DB_OK; i < n && rc == DB_OK; i++)
			if ((rc = db_claim_save(db, &cl[i], 1)) ==
			    DB_DUPLICATE) {
				log_info("job %s: slot already has an "
				    "execution", due[i].id);
				cl[i].id[0] = '\0';
				rc = db_claim_save(db, &cl[i], 1);
			}
	if (rc == DB_OK)
		rc = quota_count(c, db, cl, n, wids, adds, (size_t)nw);
	for (i = 0; i < n && rc == DB_OK; i++) {
		if (cl[i].id[0] == '\0')
			continue;
		if (c->queued++ == 0)
			memcpy(c->first, cl[i].id, sizeof(c->first));
		log_debug("execution %s queued for job %s", cl[i].id,
		    due[i].id);
	}
	free(cl);
	free(due);
	return rc;
}

/*
 * The claim duty: one batch.  Returns 1 when it was full (more may be
 * due: the loop comes back at once, after the lease duty has started
 * what this batch queued), 0 when done, -1 when the database failed.
 */
int
sched_claim_run(struct sched *s)
{
	struct claim	c;
	int		rc;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.now = cron_now_ms();
	c.bulk = 1;
	if ((rc = db_txn(s->db, claim_txn, &c)) == DB_DUPLICATE) {
		c.bulk = 0;
		rc = db_txn(s->db, claim_txn, &c);
	}
	if (rc != DB_OK) {
		log_warnx("claim: database error %d; retrying", rc);
		return -1;
	}
	if (c.queued > 0) {
		log_info("claimed %zu due jobs, %zu executions queued "
		    "(first %s)", c.found, c.queued, c.first);
		s->due[SCHED_DUTY_LEASE] = 0;	/* start them now */
	}
	return c.found == CLAIM_BATCH;
}

/*
 * When the claim duty should run next (monotonic ms): at the earliest
 * next_run_at of an active job, but no later than max_ms from now (jobs
 * created or resumed meanwhile may be due sooner).
 */
int64_t
sched_claim_next(struct sched *s, int64_t max_ms)
{
	int64_t	at, wall = cron_now_ms(), mono = sched_mono_ms();

	if (db_claim_earliest(s->db, &at) != DB_OK || at == -1 ||
	    at - wall > max_ms)
		return mono + max_ms;
	return at <= wall ? mono : mono + (at - wall);
}
