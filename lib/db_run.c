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

/* Copies column col into an owned string, NULL for NULL. */
static char *
dup_or_null(const struct db_res *res, size_t col)
{
	const char	*s = db_res_str(res, col);
	size_t		 len = db_res_len(res, col);
	char		*p;

	if (s == NULL)
		return NULL;
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

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
		l->request = dup_or_null(res, 8);
		l->retry_policy = dup_or_null(res, 9);
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

/* Marks a leased execution running under owner until expires. */
int
db_run_start(struct db *db, const char *id, const char *owner, int64_t now,
    int64_t expires)
{
	char		t[2][32];
	struct db_val	v[] = { dbv_str(owner), dbv_time(expires, t[0]),
			    dbv_time(now, t[1]), dbv_str(id) };

	return db_exec_one(db, DB_RUN_START, v, 4);
}

/* Records (or, after a takeover, rewrites) one attempt. */
int
db_run_attempt(struct db *db, const char *exec_id, const struct db_attempt *a)
{
	char		t[32];
	struct db_val	v[] = { dbv_str(exec_id), dbv_int(a->number),
			    dbv_str(a->status),
			    a->status_code > 0 ? dbv_int(a->status_code) :
			    dbv_null(),
			    dbv_int(a->latency_ms),
			    a->body != NULL ?
			    dbv_blob(a->body, a->body_len) : dbv_null(),
			    a->headers != NULL ?
			    dbv_str(a->headers) : dbv_null(),
			    a->error_class[0] != '\0' ?
			    dbv_str(a->error_class) : dbv_null(),
			    dbv_time(a->started_at, t) };

	return db_exec(db, DB_RUN_ATTEMPT, v, 9, NULL);
}

/* Back to the queue until run_after, if owner still holds the lease. */
int
db_run_retry(struct db *db, const char *id, const char *owner, int attempts,
    int64_t run_after)
{
	char		t[32];
	struct db_val	v[] = { dbv_time(run_after, t), dbv_int(attempts),
			    dbv_str(id), dbv_str(owner) };

	return db_exec_one(db, DB_RUN_RETRY, v, 4);
}

/*
 * Finishes execution id (status "succeeded" or "failed") if owner still
 * holds the lease; DB_NOTFOUND when it does not.
 */
int
db_run_finish(struct db *db, const char *id, const char *owner,
    const char *status, int attempts, int64_t now, long long duration_ms)
{
	char		t[32];
	struct db_val	v[] = { dbv_str(status), dbv_int(attempts),
			    dbv_time(now, t), dbv_int(duration_ms),
			    dbv_str(id), dbv_str(owner) };

	return db_exec_one(db, DB_RUN_FINISH, v, 6);
}

/*
 * The job's side of a finished run: last_run_at and last_status, and for
 * a job that runs once (complete), state completed and one job fewer
 * against the workspace's max_jobs.
 */
int
db_run_job_done(struct db *db, const char *wid, const char *job_id,
    const char *status, int64_t at, int complete)
{
	char		t[32];
	struct db_val	v[] = { dbv_time(at, t), dbv_str(status),
			    dbv_str(job_id) };
	struct db_val	c[] = { dbv_str(job_id) };
	int		rc;

	if ((rc = db_exec(db, DB_RUN_JOB_LAST, v, 3, NULL)) != DB_OK ||
	    !complete)
		return rc;
	if ((rc = db_exec_one(db, DB_RUN_JOB_COMPLETE, c, 1)) == DB_NOTFOUND)
		return DB_OK;		/* already completed, or deleted */
	return rc == DB_OK ? db_workspace_jobs(db, wid, -1, 0) : rc;
}

/* Gives back owner's leases of executions not yet started again. */
int
db_run_release(struct db *db, const char *id, const char *owner)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(owner) };

	return db_exec(db, DB_RUN_RELEASE, v, 2, NULL);
}

/* Deletes up to limit finished executions created before `before`. */
int
db_run_purge(struct db *db, int64_t before, int limit,
    unsigned long long *n)
{
	char		t[32];
	struct db_val	v[] = { dbv_time(before, t), dbv_int(limit) };

	return db_exec(db, DB_RUN_PURGE, v, 2, n);
}
