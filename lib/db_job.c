/*
 * Typed calls for jobs (executions are db_exec.c's).  Every statement is
 * filtered by workspace id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "timefmt.h"
#include "xmalloc.h"

/*
 * Changes the number of wid's jobs that count against the max_jobs quota
 * by delta.  Adding is refused (DB_NOTFOUND, nothing changed) when the
 * count would exceed max.  The row stays locked until the caller's
 * transaction ends: do it before inserting rows whose foreign key check
 * share-locks the same row, or two such transactions deadlock.
 */
int
db_workspace_jobs(struct db *db, const char *wid, int delta, int max)
{
	struct db_val	add[] = { dbv_int(delta), dbv_str(wid), dbv_int(delta),
			    dbv_int(max) };
	struct db_val	sub[] = { dbv_int(-delta), dbv_str(wid) };

	if (delta > 0)
		return db_exec_one(db, DB_WORKSPACE_JOBS_ADD, add, 4);
	return delta < 0 ? db_exec(db, DB_WORKSPACE_JOBS_SUB, sub, 2, NULL) :
	    DB_OK;
}

static struct db_val
str_or_null(const char *s)
{
	return s[0] == '\0' ? dbv_null() : dbv_str(s);
}

/*
 * The values of j's columns from name to next_run_at, in the order both
 * DB_JOB_INSERT and DB_JOB_UPDATE list them, into v[0..10]; t holds the
 * time texts.
 */
#define JOB_NVALS	11
static void
job_vals(const struct db_job *j, struct db_val *v, char t[2][32])
{
	v[0] = dbv_str(j->name);
	v[1] = dbv_str(j->description);
	v[2] = dbv_str(j->kind);
	v[3] = dbv_str(j->state);
	v[4] = j->every_n_minutes > 0 ? dbv_int(j->every_n_minutes) :
	    dbv_null();
	v[5] = str_or_null(j->cron_expr);
	v[6] = str_or_null(j->timezone);
	v[7] = dbv_time_null(j->run_at, t[0]);
	v[8] = dbv_str(j->request);
	v[9] = dbv_str(j->retry_policy);
	v[10] = dbv_time_null(j->next_run_at, t[1]);
}

int
db_job_insert(struct db *db, const struct db_job *j)
{
	char		t[4][32];
	struct db_val	v[JOB_NVALS + 5];

	v[0] = dbv_str(j->id);
	v[1] = dbv_str(j->workspace_id);
	job_vals(j, v + 2, t);
	v[JOB_NVALS + 2] = dbv_str(j->created_by);
	v[JOB_NVALS + 3] = dbv_time(j->created_at, t[2]);
	v[JOB_NVALS + 4] = dbv_time(j->updated_at, t[3]);
	return db_exec(db, DB_JOB_INSERT, v, JOB_NVALS + 5, NULL);
}

/* Copies column col into an owned string ("" for NULL). */
static char *
dup_col(const struct db_res *res, size_t col)
{
	const char	*s = db_res_str(res, col);
	size_t		 len = db_res_len(res, col);
	char		*p = xmalloc(len + 1);

	if (s != NULL)
		memcpy(p, s, len);
	else
		len = 0;
	p[len] = '\0';
	return p;
}

/* Fills j from the current row of a DB_JOB_COLUMNS result. */
static void
job_row(const struct db_res *res, struct db_job *j)
{
	memset(j, 0, sizeof(*j));
	db_res_copy(res, 0, j->id, sizeof(j->id));
	db_res_copy(res, 1, j->workspace_id, sizeof(j->workspace_id));
	db_res_copy(res, 2, j->name, sizeof(j->name));
	j->description = dup_col(res, 3);
	db_res_copy(res, 4, j->kind, sizeof(j->kind));
	db_res_copy(res, 5, j->state, sizeof(j->state));
	j->every_n_minutes = (int)db_res_int(res, 6);
	db_res_copy(res, 7, j->cron_expr, sizeof(j->cron_expr));
	db_res_copy(res, 8, j->timezone, sizeof(j->timezone));
	j->run_at = db_res_time(res, 9);
	j->request = dup_col(res, 10);
	j->retry_policy = dup_col(res, 11);
	j->next_run_at = db_res_time(res, 12);
	j->last_run_at = db_res_time(res, 13);
	db_res_copy(res, 14, j->last_status, sizeof(j->last_status));
	db_res_copy(res, 15, j->created_by, sizeof(j->created_by));
	j->created_at = db_res_time(res, 16);
	j->updated_at = db_res_time(res, 17);
}

/*
 * Fetches job id of workspace wid into j (db_job_clear it); lock takes a
 * row lock (inside a transaction).  DB_NOTFOUND when there is none.
 */
int
db_job_get(struct db *db, const char *wid, const char *id, int lock,
    struct db_job *j)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(id) };
	struct db_res	*res;
	int		 rc;

	memset(j, 0, sizeof(*j));
	rc = db_query(db, lock ? DB_JOB_LOCK : DB_JOB_GET, v, 2, &res);
	if (rc != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		job_row(res, j);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Lists wid's jobs older than cursor, optionally of one state and kind. */
int
db_job_list(struct db *db, const char *wid, const char *cursor,
    const char *state, const char *kind, int limit, struct db_job **out,
    size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(cursor),
			    state ? dbv_str(state) : dbv_null(),
			    state ? dbv_str(state) : dbv_null(),
			    kind ? dbv_str(kind) : dbv_null(),
			    kind ? dbv_str(kind) : dbv_null(),
			    dbv_int(limit) };
	struct db_res	*res;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_JOB_LIST, v, 7, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res))
		job_row(res, &(*out)[(*n)++]);
	db_res_free(res);
	return DB_OK;
}

/* Writes every mutable column of j (PATCH and state changes). */
int
db_job_update(struct db *db, const struct db_job *j)
{
	char		t[3][32];
	struct db_val	v[JOB_NVALS + 3];

	job_vals(j, v, t);
	v[JOB_NVALS] = dbv_time(j->updated_at, t[2]);
	v[JOB_NVALS + 1] = dbv_str(j->workspace_id);
	v[JOB_NVALS + 2] = dbv_str(j->id);
	/* the row is locked by the caller's transaction: an update that
	 * changes nothing is not "not found" */
	return db_exec(db, DB_JOB_UPDATE, v, JOB_NVALS + 3, NULL);
}

int
db_job_delete(struct db *db, const char *wid, const char *id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(id) };

	return db_exec_one(db, DB_JOB_DELETE, v, 2);
}

void
db_job_clear(struct db_job *j)
{
	free(j->description);
	free(j->request);
	free(j->retry_policy);
	j->description = j->request = j->retry_policy = NULL;
}

void
db_jobs_free(struct db_job *j, size_t n)
{
	size_t	i;

	for (i = 0; j != NULL && i < n; i++)
		db_job_clear(&j[i]);
	free(j);
}
