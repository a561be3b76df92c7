/*
 * /v1/executions (SPEC §6): a workspace's runs, newest first, filtered by
 * status, job, job name and scheduled time (also per job, under
 * /v1/jobs/:id/executions); one execution with its attempts; and replay,
 * which queues a new run of a finished execution's job with the job's
 * current request.  The scheduler runs what is queued; execution.c
 * renders every answer.
 */
#include "config.h"

#include <string.h>

#include "api.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"

#define JOB_NAME_CHARS	200

/* A list request: the page and the filters, with their storage. */
struct exec_query {
	struct db_exec_filter	 f;
	int			 limit;
	char			 cursor[26];
	char			 status[16];
	char			 job_id[32];
	char			 job_name[DB_JOB_NAME_MAX];
};

/* An execution, its attempts and its deliveries, read in one snapshot. */
struct exec_read {
	const char		*wid;
	const char		*id;
	struct db_exec		 e;
	struct db_attempt	*a;
	size_t			 n;
	struct db_exec_delivery	*d;
	size_t			 nd;
};

/* One replay, run inside db_txn; why says how it was refused (409). */
struct replay_txn {
	const char	*wid;
	const char	*id;
	int64_t		 now;
	struct db_exec	 e;		/* the new execution */
	const char	*why;
	const struct api_req *req;
};

static int
exec_status_valid(const char *s)
{
	static const char *const st[] = { "queued", "running", "succeeded",
	    "failed" };
	size_t	i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (strcmp(s, st[i]) == 0)
			return 1;
	return 0;
}

/* Whether s (n bytes) can be a job name: 1-200 characters of UTF-8. */
static int
job_name_valid(const char *s, int n)
{
	size_t	chars = 0;

	if (n <= 0 || !cron_utf8_valid(s, (size_t)n))
		return 0;
	for (; *s != '\0'; s++)
		chars += ((unsigned char)*s & 0xc0) != 0x80;
	return chars <= JOB_NAME_CHARS;
}

/*
 * Reads a list request's query into q: limit and cursor, then the
 * filters (job_id only when with_job).  Every bad filter is reported at
 * once.  Returns 0, or -1 after answering 422.
 */
static int
read_query(struct api_req *req, struct exec_query *q, int with_job)
{
	struct json_object	*fields;
	int			 n, from, to;

	memset(q, 0, sizeof(*q));
	if (api_page(req, &q->limit, q->cursor) == -1)
		return -1;
	fields = json_object_new_object();
	n = api_query(req, "status", q->status, sizeof(q->status));
	if (n >= 0 && exec_status_valid(q->status))
		q->f.status = q->status;
	else if (n != -1)
		api_field_bad(fields, NULL, "status", "must be one of queued, "
		    "running, succeeded, failed");
	n = with_job ? api_query(req, "job_id", q->job_id,
	    sizeof(q->job_id)) : -1;
	if (n >= 0 && cron_id_valid(q->job_id))
		q->f.job_id = q->job_id;
	else if (n != -1)
		api_field_bad(fields, NULL, "job_id", "is not a valid id");
	n = api_query(req, "job_name", q->job_name, sizeof(q->job_name));
	if (n >= 0 && job_name_valid(q->job_name, n))
		q->f.job_name = q->job_name;
	else if (n != -1)
		api_field_bad(fields, NULL, "job_name",
		    "must be a job name (1-200 characters)");
	from = api_query_time(req, "from", &q->f.from, fields);
	to = api_query_time(req, "to", &q->f.to, fields);
	q->f.has_from = from == 1;
	q->f.has_to = to == 1;
	if (from == 1 && to == 1 && q->f.to <= q->f.from)
		api_field_bad(fields, NULL, "to", "must be after from");
	return api_fields_answer(req, fields);
}

/* Answers one page of the workspace's executions that pass q. */
static void
exec_list(struct api_req *req, const struct exec_query *q)
{
	struct json_object	*items;
	struct db_exec		*e;
	size_t			 n, i;
	int			 rc;

	rc = db_exec_list(req->ctx->db, req->caller.s.workspace_id,
	    q->cursor, &q->f, q->limit + 1, &e, &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, exec_item_json(&e[i]));
	api_respond_page(req, items, q->limit, n > 0 ?
	    e[api_page_last(n, q->limit)].id : NULL);
	db_execs_free(e, n);
}

/*
 * GET /v1/executions?status=&job_id=&job_name=&from=&to=&limit=&cursor=
 * newest first; from and to bound scheduled_for (from inclusive, to
 * exclusive).
 */
void
h_executions_list(struct api_req *req)
{
	struct exec_query	q;

	if (read_query(req, &q, 1) == 0)
		exec_list(req, &q);
}

/*
 * GET /v1/jobs/:id/executions: the same list for one job of the
 * workspace (404 when there is no such job; a deleted job's history
 * stays listable with ?job_id=).
 */
void
h_jobs_executions(struct api_req *req)
{
	struct exec_query	q;
	struct db_job		j;
	int			rc;

	if (!cron_id_valid(req->params[0])) {
		api_error(req, API_E_NOT_FOUND, "no such job", NULL);
		return;
	}
	if (read_query(req, &q, 0) == -1)
		return;
	rc = db_job_get(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0], 0, &j);
	db_job_clear(&j);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, "no such job", NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		q.f.job_id = req->params[0];
		exec_list(req, &q);
	}
}

/* Answers 404 for a path id that cannot be an execution's; returns -1. */
static int
exec_id_param(struct api_req *req)
{
	if (cron_id_valid(req->params[0]))
		return 0;
	api_error(req, API_E_NOT_FOUND, "no such execution", NULL);
	return -1;
}

static int
read_txn(struct db *db, void *arg)
{
	struct exec_read	*r = arg;
	int			 rc;

	db_attempts_free(r->a, r->n);
	db_exec_deliveries_free(r->d, r->nd);
	r->a = NULL;
	r->n = 0;
	r->d = NULL;
	r->nd = 0;
	if ((rc = db_exec_get(db, r->wid, r->id, &r->e)) != DB_OK ||
	    (rc = db_exec_attempts(db, r->wid, r->id, &r->a, &r->n)) != DB_OK)
		return rc;
	return db_exec_deliveries(db, r->wid, r->id, &r->d, &r->nd);
}

/*
 * GET /v1/executions/:id: the execution with its attempts and the
 * notification deliveries made for it, each in order.
 */
void
h_executions_get(struct api_req *req)
{
	struct json_object	*o;
	struct exec_read	 r;
	int			 rc;

	if (exec_id_param(req) == -1)
		return;
	memset(&r, 0, sizeof(r));
	r.wid = req->caller.s.workspace_id;
	r.id = req->params[0];
	/* one transaction: the attempts and deliveries match the
	 * execution's state */
	rc = db_txn(req->ctx->db, read_txn, &r);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, "no such execution", NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		o = exec_json(&r.e, r.a, r.n);
		exec_notifications(o, r.d, r.nd);
		api_respond(req, 200, o);
	}
	db_attempts_free(r.a, r.n);
	db_exec_deliveries_free(r.d, r.nd);
}

static int
replay_txn(struct db *db, void *arg)
{
	struct replay_txn	*t = arg;
	struct db_exec		 orig;
	struct db_job		 j;
	int			 rc;

	t->why = NULL;
	if ((rc = db_exec_get(db, t->wid, t->id, &orig)) != DB_OK)
		return rc;
	if (strcmp(orig.status, "succeeded") != 0 &&
	    strcmp(orig.status, "failed") != 0) {
		t->why = "only a finished (succeeded or failed) execution can "
		    "be replayed";
		return DB_NOTFOUND;
	}
	/* the job's row lock orders this against a delete of the job,
	 * which removes the queued executions it finds */
	rc = db_job_get(db, t->wid, orig.job_id, 1, &j);
	if (rc == DB_NOTFOUND)
		t->why = "the job was deleted; its request is gone";
	else if (rc == DB_OK) {
		exec_queued(&t->e, &j, "replay", t->now, orig.id);
		rc = exec_insert(db, t->req, &t->e);
	}
	db_job_clear(&j);
	return rc;
}

/*
 * POST /v1/executions/:id/replay -> 202 a new execution of the job with
 * its current request and name (trigger replay, replay_of the original),
 * whatever the job's state; only for a finished execution (409 while
 * queued or running, and when the job was deleted).
 */
void
h_executions_replay(struct api_req *req)
{
	struct replay_txn	t;
	int			rc;

	if (exec_id_param(req) == -1)
		return;
	memset(&t, 0, sizeof(t));
	t.wid = req->caller.s.workspace_id;
	t.id = req->params[0];
	t.now = cron_now_ms();
	t.req = req;
	rc = db_txn(req->ctx->db, replay_txn, &t);
	if (rc == EXEC_QUOTA)
		exec_quota_error(req);
	else if (rc == DB_NOTFOUND && t.why != NULL)
		api_error(req, API_E_CONFLICT, t.why, NULL);
	else if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, "no such execution", NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		log_info("%s execution %s queued (replay of %s) for job %s",
		    req->request_id, t.e.id, t.id, t.e.job_id);
		api_respond(req, 202, exec_json(&t.e, NULL, 0));
	}
}
