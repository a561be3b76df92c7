/*
 * The scheduler's runner (SPEC §7): leasing queued executions (and taking
 * over those whose lease expired with their scheduler), recording each
 * attempt, and the outcome: retry later, or finish (with the job's
 * last_run_at/last_status and, for jobs that run once, completed).
 *
 * Every write after the lease checks lease_owner, so an instance whose
 * lease was taken over cannot overwrite the new owner's work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

/*
 * Locks (SKIP LOCKED) up to limit executions that are due to run at now
 * (queued, run_after passed) or, with takeover, whose lease has expired;
 * call inside a transaction, then db_run_start each.
 */
int
db_run_lease(struct db *db, int takeover, int64_t now, int limit,
    struct db_lease **out, size_t *n)
{
	char		 t[32];
	struct db_val	 v[] = { dbv_time(now, t), dbv_int(limit) };
	struct db_res	*res;
	struct db_lease	*l;
	int		 rc;

	*out = NULL;
	*n = 0;
	rc = db_query(db, takeover ? DB_RUN_TAKEOVER : DB_RUN_LEASE, v, 2,
	    &res);
	if (rc != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		l = &(*out)[(*n)++];
		db_res_copy(res, 0, l->id, sizeof(l->id));
		db_res_copy(res, 1, l->workspace_id, sizeof(l->workspace_id));
		db_res_copy(res, 2, l->job_id, sizeof(l->job_id));
		db_res_copy(res, 3, l->job_name, sizeof(l->job_name));
		db_res_copy(res, 4, l->trigger, sizeof(l->trigger));
		l->scheduled_for = db_res_time(res, 5);
		l->attempts = (int)db_res_int(res, 6);
		l->started_at = db_res_time(res, 7);
		l->request = db_res_dup(res, 8, NULL);
		l->retry_policy = db_res_dup(res, 9, NULL);
		db_res_copy(res, 10, l->kind, sizeof(l->kind));
		l->timeout = db_res_isnull(res, 11) ? 30 :
		    (int)db_res_int(res, 11);
	}
	db_res_free(res);
	return DB_OK;
}

void
db_leases_free(struct db_lease *l, size_t n)
{
	size_t	i;

	for (i = 0; l != NULL && i < n; i++) {
		free(l[i].request);
		free(l[i].retry_policy);
	}
	free(l);
}

/*
 * Marks n leased executions running under owner, each until now plus its
 * request's timeout plus margin_ms: one round trip.
 */
int
db_run_start(struct db *db, const struct db_lease *l, size_t n,
    const char *owner, int64_t now, int64_t margin_ms)
{
	struct db_val	*v = xcalloc(n * 4 + 1, sizeof(*v));
	char		(*t)[32] = xcalloc(n + 1, sizeof(*t)), tnow[32];
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		v[i * 4] = dbv_str(owner);
		v[i * 4 + 1] = dbv_time(now + l[i].timeout * 1000LL +
		    margin_ms, t[i]);
		v[i * 4 + 2] = dbv_time(now, tnow);
		v[i * 4 + 3] = dbv_str(l[i].id);
	}
	rc = db_exec_rows(db, DB_RUN_START, v, 4, n, NULL);
	free(t);
	free(v);
	return rc;
}

/* The values of outcome o's attempt row (9). */
static void
attempt_vals(struct db_val *v, const struct db_outcome *o, char *t)
{
	const struct db_attempt	*a = &o->a;

	v[0] = dbv_str(o->id);
	v[1] = dbv_int(a->number);
	v[2] = dbv_str(a->status);
	v[3] = a->status_code > 0 ? dbv_int(a->status_code) : dbv_null();
	v[4] = dbv_int(a->latency_ms);
	v[5] = a->body != NULL ? dbv_blob(a->body, a->body_len) : dbv_null();
	v[6] = dbv_str(a->headers);
	v[7] = a->error_class[0] != '\0' ? dbv_str(a->error_class) :
	    dbv_null();
	v[8] = dbv_time(a->started_at, t);
}

/* Queues the deliveries of the finished ones among n <= DB_RECORD_BATCH. */
static int
notify_create(struct db *db, const struct db_outcome *o, size_t n,
    unsigned long long *notices)
{
	struct db_val		v[DB_RECORD_BATCH];
	unsigned long long	q = 0;
	size_t			i, k;
	int			rc;

	for (i = k = 0; i < n; i++)
		if (o[i].final != NULL)
			v[k++] = dbv_str(o[i].id);
	if (k == 0)
		return DB_OK;
	for (i = k; i < DB_RECORD_BATCH; i++)
		v[i] = v[k - 1];
	if ((rc = db_exec(db, DB_NOTIFY_CREATE, v, DB_RECORD_BATCH, &q)) ==
	    DB_OK && notices != NULL)
		*notices += q;
	return rc;
}

/*
 * Records n outcomes of owner's executions; call inside a transaction.
 * Each: its attempt (at-least-once: an attempt redone after a takeover
 * replaces the first record of it), then back to the queue until
 * run_after, or finished with the job's last_run_at/last_status (and a
 * job that runs once completed, one job fewer for the workspace's quota,
 * and a delivery queued for each of the job's matching notification
 * rules).
 * *notices gets how many deliveries were queued.
 * A few statements for the lot, each one round trip.  DB_NOTFOUND when
 * owner no longer holds one of the leases: roll back and record them one
 * at a time to learn which.
 */
int
db_run_record(struct db *db, const char *owner, const struct db_outcome *o,
    size_t n, unsigned long long *notices)
{
	struct db_val		*v = xcalloc(n * 9 + 1, sizeof(*v));
	char			(*t)[32] = xcalloc(n + 1, sizeof(*t));
	struct db_val		 c[1];
	unsigned long long	 got;
	size_t			 i, k, want;
	int			 rc;

	for (i = k = 0; i < n; i++)
		if (o[i].a.number > 0)
			attempt_vals(&v[k++ * 9], &o[i], t[i]);
	if ((rc = db_exec_rows(db, DB_RUN_ATTEMPT, v, 9, k, NULL)) != DB_OK)
		goto out;

	for (i = k = 0; i < n; i++)
		if (o[i].final == NULL) {
			v[k * 4] = dbv_time(o[i].run_after, t[i]);
			v[k * 4 + 1] = dbv_int(o[i].attempts);
			v[k * 4 + 2] = dbv_str(o[i].id);
			v[k++ * 4 + 3] = dbv_str(owner);
		}
	if ((rc = db_exec_rows(db, DB_RUN_RETRY, v, 4, k, &got)) != DB_OK)
		goto out;
	want = k;

	for (i = k = 0; i < n; i++)
		if (o[i].final != NULL) {
			v[k * 6] = dbv_str(o[i].final);
			v[k * 6 + 1] = dbv_int(o[i].attempts);
			v[k * 6 + 2] = dbv_time(o[i].now, t[i]);
			v[k * 6 + 3] = dbv_int(o[i].duration_ms);
			v[k * 6 + 4] = dbv_str(o[i].id);
			v[k++ * 6 + 5] = dbv_str(owner);
		}
	if (got != want || (rc = db_exec_rows(db, DB_RUN_FINISH, v, 6, k,
	    &got)) != DB_OK || got != k) {
		rc = rc != DB_OK ? rc : DB_NOTFOUND;
		goto out;
	}

	for (i = k = 0; i < n; i++)
		if (o[i].final != NULL) {
			v[k * 3] = dbv_time(o[i].now, t[i]);
			v[k * 3 + 1] = dbv_str(o[i].final);
			v[k++ * 3 + 2] = dbv_str(o[i].job_id);
		}
	if ((rc = db_exec_rows(db, DB_RUN_JOB_LAST, v, 3, k, NULL)) != DB_OK)
		goto out;

	/* the notifications their jobs' rules ask for, in this
	 * transaction: DB_RECORD_BATCH ids a statement, padded */
	if (notices != NULL)
		*notices = 0;
	for (i = 0; i < n && rc == DB_OK; i += DB_RECORD_BATCH)
		rc = notify_create(db, o + i, n - i < DB_RECORD_BATCH ?
		    n - i : DB_RECORD_BATCH, notices);
	if (rc != DB_OK)
		goto out;

	for (i = 0; i < n && rc == DB_OK; i++) {
		if (o[i].final == NULL || !o[i].complete)
			continue;
		c[0] = dbv_str(o[i].job_id);
		if ((rc = db_exec_one(db, DB_RUN_JOB_COMPLETE, c, 1)) ==
		    DB_NOTFOUND)
			rc = DB_OK;	/* already completed, or deleted */
		else if (rc == DB_OK)
			rc = db_workspace_jobs(db, o[i].workspace_id, -1, 0);
	}
out:
	free(t);
	free(v);
	return rc;
}

/* Gives back owner's leases of executions not yet started again. */
int
db_run_release(struct db *db, const char *id, const char *owner)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(owner) };

	return db_exec(db, DB_RUN_RELEASE, v, 2, NULL);
}

/*
 * Deletes up to limit finished executions created before `before` in the
 * workspaces on plan names[k] -- and, for the default plan (k == 0), in
 * those whose plan is none of the n configured names[] (at most 16).
 */
int
db_run_purge(struct db *db, const char *const *names, size_t n, size_t k,
    int64_t before, int limit, unsigned long long *count)
{
	char		t[32];
	struct db_val	v[20];
	size_t		i;

	v[0] = dbv_time(before, t);
	v[1] = dbv_str(names[k]);
	v[2] = dbv_int(k == 0);
	for (i = 0; i < 16; i++)
		v[3 + i] = dbv_str(names[i < n ? i : 0]);
	v[19] = dbv_int(limit);
	return db_exec(db, DB_RUN_PURGE, v, 20, count);
}
