/*
 * Typed calls for executions and their attempts (SPEC §6): the ones
 * cron-api queues (run-now, one_time, replay) and the history it shows.
 * Every statement is filtered by workspace id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

/* Queues e to run at once (run-now, one_time, replay). */
int
db_exec_insert(struct db *db, const struct db_exec *e)
{
	char		t[2][32];
	struct db_val	v[] = { dbv_str(e->id), dbv_str(e->workspace_id),
			    dbv_str(e->job_id), dbv_str(e->job_name),
			    dbv_str(e->trigger),
			    dbv_time(e->scheduled_for, t[0]),
			    dbv_time(e->scheduled_for, t[1]),
			    e->replay_of[0] != '\0' ? dbv_str(e->replay_of) :
			    dbv_null() };

	return db_exec(db, DB_EXEC_INSERT, v, 8, NULL);
}

/* Removes the executions of a job being deleted that never started. */
int
db_exec_delete_queued(struct db *db, const char *wid, const char *job_id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(job_id) };

	return db_exec(db, DB_EXEC_DELETE_QUEUED, v, 2, NULL);
}

/* Fills e from the current row of a DB_EXEC_COLUMNS result. */
static void
exec_row(const struct db_res *res, struct db_exec *e)
{
	memset(e, 0, sizeof(*e));
	db_res_copy(res, 0, e->id, sizeof(e->id));
	db_res_copy(res, 1, e->workspace_id, sizeof(e->workspace_id));
	db_res_copy(res, 2, e->job_id, sizeof(e->job_id));
	db_res_copy(res, 3, e->job_name, sizeof(e->job_name));
	db_res_copy(res, 4, e->trigger, sizeof(e->trigger));
	db_res_copy(res, 5, e->status, sizeof(e->status));
	e->scheduled_for = db_res_time(res, 6);
	e->started_at = db_res_time(res, 7);
	e->finished_at = db_res_time(res, 8);
	e->duration_ms = db_res_isnull(res, 9) ? -1 : db_res_int(res, 9);
	e->attempt_count = (int)db_res_int(res, 10);
	db_res_copy(res, 11, e->replay_of, sizeof(e->replay_of));
}

/*
 * Lists wid's executions older than cursor (an id), newest first, that
 * pass the filters in f; *out (db_execs_free) gets up to limit of them.
 */
int
db_exec_list(struct db *db, const char *wid, const char *cursor,
    const struct db_exec_filter *f, int limit, struct db_exec **out,
    size_t *n)
{
	char		 t[2][32];
	struct db_val	 v[13], from, to;
	struct db_res	*res;
	size_t		 k = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	from = f->has_from ? dbv_time(f->from, t[0]) : dbv_null();
	to = f->has_to ? dbv_time(f->to, t[1]) : dbv_null();
	v[k++] = dbv_str(wid);
	if (f->job_id != NULL)
		v[k++] = dbv_str(f->job_id);
	v[k++] = dbv_str(cursor);
	v[k++] = dbv_str(f->status);
	v[k++] = dbv_str(f->status);
	v[k++] = dbv_str(f->job_name);
	v[k++] = dbv_str(f->job_name);
	v[k++] = from;
	v[k++] = from;
	v[k++] = to;
	v[k++] = to;
	v[k++] = dbv_int(limit);
	rc = db_query(db, f->job_id != NULL ? DB_EXEC_LIST_JOB : DB_EXEC_LIST,
	    v, k, &res);
	if (rc != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res))
		exec_row(res, &(*out)[(*n)++]);
	db_res_free(res);
	return DB_OK;
}

/* Fetches execution id of workspace wid into e; DB_NOTFOUND if none. */
int
db_exec_get(struct db *db, const char *wid, const char *id,
    struct db_exec *e)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(id) };
	struct db_res	*res;
	int		 rc;

	memset(e, 0, sizeof(*e));
	if ((rc = db_query(db, DB_EXEC_GET, v, 2, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		exec_row(res, e);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Fills a from the current row of a DB_EXEC_ATTEMPTS result. */
static void
attempt_row(const struct db_res *res, struct db_attempt *a)
{
	size_t	len;

	memset(a, 0, sizeof(*a));
	a->number = (int)db_res_int(res, 0);
	db_res_copy(res, 1, a->status, sizeof(a->status));
	a->status_code = db_res_isnull(res, 2) ? -1 : (int)db_res_int(res, 2);
	a->latency_ms = (int)db_res_int(res, 3);
	a->body = db_res_dup(res, 4, &a->body_len);
	a->headers = db_res_dup(res, 5, &len);
	db_res_copy(res, 6, a->error_class, sizeof(a->error_class));
	a->started_at = db_res_time(res, 7);
}

/*
 * Fetches the attempts of execution id of workspace wid, in order; *out
 * (db_attempts_free) gets them, none for an unknown id.
 */
int
db_exec_attempts(struct db *db, const char *wid, const char *id,
    struct db_attempt **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(id) };
	struct db_res	*res;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_EXEC_ATTEMPTS, v, 2, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res))
		attempt_row(res, &(*out)[(*n)++]);
	db_res_free(res);
	return DB_OK;
}

/*
 * Fetches the notification deliveries made for execution id of workspace
 * wid, in the order they were made; *out (db_exec_deliveries_free) gets
 * them, none for an unknown id.
 */
int
db_exec_deliveries(struct db *db, const char *wid, const char *id,
    struct db_exec_delivery **out, size_t *n)
{
	struct db_val		 v[] = { dbv_str(wid), dbv_str(id) };
	struct db_res		*res;
	struct db_exec_delivery	*d;
	size_t			 len;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_EXEC_DELIVERIES, v, 2, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		d = &(*out)[(*n)++];
		db_res_copy(res, 0, d->message_id, sizeof(d->message_id));
		db_res_copy(res, 1, d->channel_id, sizeof(d->channel_id));
		db_res_copy(res, 2, d->channel_name, sizeof(d->channel_name));
		db_res_copy(res, 3, d->type, sizeof(d->type));
		db_res_copy(res, 4, d->event, sizeof(d->event));
		db_res_copy(res, 5, d->status, sizeof(d->status));
		d->attempts = (int)db_res_int(res, 6);
		d->response_status = db_res_isnull(res, 7) ? -1 :
		    (int)db_res_int(res, 7);
		d->error = db_res_dup(res, 8, &len);
		d->created_at = db_res_time(res, 9);
		d->sent_at = db_res_time(res, 10);
	}
	db_res_free(res);
	return DB_OK;
}

void
db_exec_deliveries_free(struct db_exec_delivery *d, size_t n)
{
	size_t	i;

	for (i = 0; d != NULL && i < n; i++)
		free(d[i].error);
	free(d);
}

void
db_execs_free(struct db_exec *e, size_t n)
{
	(void)n;	/* nothing owned inside a row (yet) */
	free(e);
}

void
db_attempts_free(struct db_attempt *a, size_t n)
{
	size_t	i;

	for (i = 0; a != NULL && i < n; i++) {
		free(a[i].body);
		free(a[i].headers);
	}
	free(a);
}
