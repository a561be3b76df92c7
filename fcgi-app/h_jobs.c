/*
 * /v1/jobs (SPEC §5.2): create, list, get, PATCH, delete, the state
 * changes (pause, resume, activate), run-now and preview.  Validation is
 * job.c's; when a job runs next is lib/schedule.c's.  Writes that read
 * before they write (quota, PATCH, state changes) lock the row they
 * depend on inside one transaction.
 *
 * States: active <-> paused (pause, resume), draft -> active (activate),
 * and completed, set by the scheduler after the single run of a scheduled
 * or one_time job.  Asking for the state a job is already in answers 200
 * and changes nothing; any other transition is 409 conflict.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

#define PREVIEW_MAX	100

enum job_op {
	JOB_OP_CREATE,
	JOB_OP_PATCH,
	JOB_OP_DELETE,
	JOB_OP_PAUSE,
	JOB_OP_RESUME,
	JOB_OP_ACTIVATE,
	JOB_OP_RUN
};

/* One write, run inside db_txn; err/why/details say how it was refused. */
struct job_txn {
	struct api_req		*req;
	enum job_op		 op;
	const char		*wid;
	const char		*id;
	int64_t			 now;
	struct db_job		 j;		/* the job as written */
	struct cron_sched	 s;
	struct json_object	*patch;
	int			 answered;	/* a 4xx was sent in the txn */
	enum api_err		 err;
	const char		*why;
	struct json_object	*details;
	int			 queue;		/* queue a one_time run */
	struct db_exec		 ex;
	int			 changed;	/* anything written */
};

/* Answers 404 for a path id that cannot be an id; returns -1. */
static int
job_id_param(struct api_req *req)
{
	if (cron_id_valid(req->params[0]))
		return 0;
	api_error(req, API_E_NOT_FOUND, "no such job", NULL);
	return -1;
}

/* Refuses the transaction's write with err (4xx). */
static int
refuse(struct job_txn *t, enum api_err err, const char *why)
{
	t->err = err;
	t->why = why;
	return DB_NOTFOUND;
}

/* Queues t->ex if asked to: DB_OK, a db error, or a 403 refusal for the quota. */
static int
queue_exec(struct db *db, struct job_txn *t)
{
	int	rc;

	if (!t->queue)
		return DB_OK;
	if ((rc = exec_insert(db, t->req, &t->ex)) != EXEC_QUOTA)
		return rc;
	t->details = api_limit_details("max_executions_per_month",
	    api_plan(t->req)->max_executions_per_month);
	return refuse(t, API_E_PLAN_LIMIT_EXCEEDED, "the plan's executions "
	    "for this month are used up");
}

/* Fills t->ex to queue the single run of a one_time job now. */
static void
queue_one_time(struct job_txn *t)
{
	exec_queued(&t->ex, &t->j, "one_time", t->now, NULL);
	t->queue = 1;
}

/*
 * Makes t->j active from t->now: next_run_at from its schedule, or the
 * single run of a one_time job queued.  Returns 0, or -1 (refused) when a
 * scheduled job's run_at has passed.
 */
static int
start_job(struct job_txn *t)
{
	snprintf(t->j.state, sizeof(t->j.state), "active");
	t->j.next_run_at = -1;
	if (t->s.kind == CRON_KIND_ONE_TIME)
		return 0;
	t->j.next_run_at = cron_sched_first(&t->s, t->now);
	if (t->j.next_run_at == -1 && t->s.kind == CRON_KIND_SCHEDULED) {
		refuse(t, API_E_CONFLICT, "run_at has passed: set a new "
		    "run_at with PATCH first");
		return -1;
	}
	return 0;
}

/* The schedule of a stored job (its expression was valid when stored). */
static void
job_sched(const struct db_job *j, struct cron_sched *s)
{
	char	err[160];

	memset(s, 0, sizeof(*s));
	s->kind = (enum cron_kind)cron_kind_parse(j->kind);
	s->every = j->every_n_minutes;
	s->run_at = j->run_at;
	if (s->kind == CRON_KIND_CRON) {
		(void)cron_expr_parse(j->cron_expr, &s->expr, err, sizeof(err));
		snprintf(s->tz, sizeof(s->tz), "%s", j->timezone);
	}
}

static int
create_txn(struct db *db, void *arg)
{
	struct job_txn	*t = arg;
	int		 rc, max = api_plan(t->req)->max_jobs;

	/* first: the inserts' foreign key checks share-lock the workspace
	 * row, and taking the exclusive lock after them would deadlock two
	 * concurrent creates */
	if ((rc = db_workspace_jobs(db, t->wid, 1, API_LIMIT(max))) ==
	    DB_NOTFOUND) {
		t->details = api_limit_details("max_jobs", max);
		return refuse(t, API_E_PLAN_LIMIT_EXCEEDED,
		    "the plan's job limit is reached");
	}
	if (rc != DB_OK || (rc = db_job_insert(db, &t->j)) != DB_OK)
		return rc;
	return queue_exec(db, t);
}

/* Runs t in a transaction and answers any refusal; 0 when it was done. */
static int
run_txn(struct job_txn *t, int (*fn)(struct db *, void *))
{
	int	rc;

	t->err = API_E__MAX;
	rc = db_txn(t->req->ctx->db, fn, t);
	if (t->answered)
		return -1;
	if (t->err != API_E__MAX) {
		api_error(t->req, t->err, t->why, t->details);
		t->details = NULL;
		return -1;
	}
	if (rc == DB_NOTFOUND) {
		api_error(t->req, API_E_NOT_FOUND, "no such job", NULL);
		return -1;
	}
	if (rc != DB_OK)
		return api_db_error(t->req, rc);
	return 0;
}

static void
job_txn_init(struct job_txn *t, struct api_req *req, enum job_op op)
{
	memset(t, 0, sizeof(*t));
	t->req = req;
	t->op = op;
	t->wid = req->caller.s.workspace_id;
	t->id = req->nparams > 0 ? req->params[0] : NULL;
	t->now = cron_now_ms();
	t->err = API_E__MAX;
}

/* POST /v1/jobs -> 201 job (a one_time job also queues its run). */
void
h_jobs_create(struct api_req *req)
{
	struct job_txn	t;

	job_txn_init(&t, req, JOB_OP_CREATE);
	if (job_build(req, req->json, JOB_CREATE | JOB_FUTURE, t.now, &t.j,
	    &t.s) == -1)
		return;
	if (job_check_interval(req, &t.s, t.now) == -1)
		goto out;
	cron_id_new(t.j.id);
	snprintf(t.j.workspace_id, sizeof(t.j.workspace_id), "%s", t.wid);
	snprintf(t.j.created_by, sizeof(t.j.created_by), "%s",
	    req->caller.s.user_id);
	t.j.created_at = t.j.updated_at = t.now;
	if (strcmp(t.j.state, "active") == 0) {
		(void)start_job(&t);	/* run_at was checked: future */
		if (t.s.kind == CRON_KIND_ONE_TIME)
			queue_one_time(&t);
	}
	if (run_txn(&t, create_txn) == -1)
		goto out;
	log_info("%s job %s created (%s, %s) in workspace %s",
	    req->request_id, t.j.id, t.j.kind, t.j.state, t.wid);
	if (t.queue)
		log_info("%s execution %s queued (one_time) for job %s",
		    req->request_id, t.ex.id, t.j.id);
	api_respond(req, 201, job_json(&t.j));
out:
	db_job_clear(&t.j);
}

/* GET /v1/jobs?state=&kind=&limit=&cursor= : newest first. */
void
h_jobs_list(struct api_req *req)
{
	struct json_object	*items;
	struct db_job		*j;
	char			 cursor[26], state[16], kind[16];
	size_t			 n, i;
	int			 limit, rc, hs, hk;

	if (api_page(req, &limit, cursor) == -1)
		return;
	hs = api_query(req, "state", state, sizeof(state));
	if (hs != -1 && (hs < 0 || job_state_valid(state) != NULL)) {
		api_invalid(req, "state", "must be one of active, paused, "
		    "draft, completed");
		return;
	}
	hk = api_query(req, "kind", kind, sizeof(kind));
	if (hk != -1 && (hk < 0 || job_kind_valid(kind) != NULL)) {
		api_invalid(req, "kind", "must be one of recurring, cron, "
		    "scheduled, one_time");
		return;
	}
	rc = db_job_list(req->ctx->db, req->caller.s.workspace_id, cursor,
	    hs != -1 ? state : NULL, hk != -1 ? kind : NULL, limit + 1, &j,
	    &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, job_json(&j[i]));
	api_respond_page(req, items, limit, n > 0 ?
	    j[api_page_last(n, limit)].id : NULL);
	db_jobs_free(j, n);
}

/* GET /v1/jobs/:id */
void
h_jobs_get(struct api_req *req)
{
	struct db_job	j;
	int		rc;

	if (job_id_param(req) == -1)
		return;
	rc = db_job_get(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0], 0, &j);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, "no such job", NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else
		api_respond(req, 200, job_json(&j));
	db_job_clear(&j);
}

/*
 * Merges a PATCH body onto the stored job's editable fields: top-level
 * fields replace, null removes (so an optional field returns to its
 * default); the members of schedule, request and retry_policy are merged
 * one level deep the same way (request.headers and request.body are
 * replaced whole), except that a new kind replaces the schedule.
 */
static void
merge_patch(struct json_object *base, struct json_object *patch,
    int kind_changed)
{
	struct json_object	*sub;

	json_object_object_foreach(patch, key, val) {
		if (val == NULL) {
			json_object_object_del(base, key);
			continue;
		}
		if (json_object_is_type(val, json_type_object) &&
		    (strcmp(key, "request") == 0 ||
		    strcmp(key, "retry_policy") == 0 ||
		    (strcmp(key, "schedule") == 0 && !kind_changed)) &&
		    json_object_object_get_ex(base, key, &sub) &&
		    json_object_is_type(sub, json_type_object)) {
			json_object_object_foreach(val, k2, v2) {
				if (v2 == NULL)
					json_object_object_del(sub, k2);
				else
					json_object_object_add(sub, k2,
					    json_object_get(v2));
			}
			continue;
		}
		json_object_object_add(base, key, json_object_get(val));
	}
}

/* Whether two stored jobs run on the same schedule. */
static int
same_schedule(const struct db_job *a, const struct db_job *b)
{
	return strcmp(a->kind, b->kind) == 0 &&
	    a->every_n_minutes == b->every_n_minutes &&
	    strcmp(a->cron_expr, b->cron_expr) == 0 &&
	    strcmp(a->timezone, b->timezone) == 0 && a->run_at == b->run_at;
}

static int
patch_txn(struct db *db, void *arg)
{
	struct job_txn		*t = arg;
	struct json_object	*merged;
	struct db_job		 old;
	const char		*kind;
	int			 rc, kind_changed, sched_given, oldk, newk;

	db_job_clear(&t->j);
	if ((rc = db_job_get(db, t->wid, t->id, 1, &old)) != DB_OK)
		return rc;
	kind = cron_json_str(t->patch, "kind");
	kind_changed = kind != NULL && strcmp(kind, old.kind) != 0;
	sched_given = json_object_object_get_ex(t->patch, "schedule", NULL) ||
	    json_object_object_get_ex(t->patch, "kind", NULL);
	oldk = cron_kind_parse(old.kind);
	newk = kind != NULL ? cron_kind_parse(kind) : oldk;
	if (sched_given && strcmp(old.state, "completed") == 0) {
		db_job_clear(&old);
		return refuse(t, API_E_CONFLICT, "a completed job's schedule "
		    "cannot change; create a new job");
	}
	if (kind_changed && newk != -1 && (oldk == CRON_KIND_ONE_TIME ||
	    newk == CRON_KIND_ONE_TIME)) {
		db_job_clear(&old);
		t->answered = 1;
		api_invalid(t->req, "kind", "cannot change to or from "
		    "one_time; create a new job");
		return DB_NOTFOUND;
	}
	merged = job_spec_json(&old);
	merge_patch(merged, t->patch, kind_changed);
	rc = job_build(t->req, merged, sched_given ? JOB_FUTURE : 0, t->now,
	    &t->j, &t->s);
	json_object_put(merged);
	if (rc == -1) {
		db_job_clear(&old);
		t->answered = 1;
		return DB_NOTFOUND;
	}
	/* what PATCH does not change */
	memcpy(t->j.id, old.id, sizeof(old.id));
	memcpy(t->j.workspace_id, old.workspace_id, sizeof(old.workspace_id));
	memcpy(t->j.state, old.state, sizeof(old.state));
	memcpy(t->j.created_by, old.created_by, sizeof(old.created_by));
	memcpy(t->j.last_status, old.last_status, sizeof(old.last_status));
	t->j.last_run_at = old.last_run_at;
	t->j.created_at = old.created_at;
	t->j.next_run_at = old.next_run_at;
	t->j.updated_at = t->now;
	if (!same_schedule(&old, &t->j)) {
		if (job_check_interval(t->req, &t->s, t->now) == -1) {
			db_job_clear(&old);
			t->answered = 1;
			return DB_NOTFOUND;
		}
		if (strcmp(old.state, "active") == 0)
			t->j.next_run_at = cron_sched_first(&t->s, t->now);
	}
	db_job_clear(&old);
	return db_job_update(db, &t->j);
}

/* PATCH /v1/jobs/:id: partial, validated as a whole -> 200 job. */
void
h_jobs_patch(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_ANY, 0, 0, 0, NULL },
		{ "description", API_F_ANY, 0, 0, 0, NULL },
		{ "kind", API_F_ANY, 0, 0, 0, NULL },
		{ "schedule", API_F_ANY, 0, 0, 0, NULL },
		{ "request", API_F_ANY, 0, 0, 0, NULL },
		{ "retry_policy", API_F_ANY, 0, 0, 0, NULL },
	};
	struct job_txn	t;

	if (job_id_param(req) == -1 ||
	    api_validate(req, f, sizeof(f) / sizeof(f[0])) == -1)
		return;
	job_txn_init(&t, req, JOB_OP_PATCH);
	t.patch = req->json;
	if (run_txn(&t, patch_txn) == 0) {
		log_info("%s job %s updated", req->request_id, t.j.id);
		api_respond(req, 200, job_json(&t.j));
	}
	db_job_clear(&t.j);
}

static int
delete_txn(struct db *db, void *arg)
{
	struct job_txn	*t = arg;
	int		 rc;

	db_job_clear(&t->j);
	if ((rc = db_job_get(db, t->wid, t->id, 1, &t->j)) != DB_OK)
		return rc;
	if ((rc = db_exec_delete_queued(db, t->wid, t->id)) != DB_OK ||
	    (rc = db_job_delete(db, t->wid, t->id)) != DB_OK)
		return rc;
	return strcmp(t->j.state, "completed") == 0 ? DB_OK :
	    db_workspace_jobs(db, t->wid, -1, 0);
}

/* DELETE /v1/jobs/:id -> 204; its executions stay until retention. */
void
h_jobs_delete(struct api_req *req)
{
	struct job_txn	t;

	if (job_id_param(req) == -1)
		return;
	job_txn_init(&t, req, JOB_OP_DELETE);
	if (run_txn(&t, delete_txn) == 0) {
		log_info("%s job %s deleted", req->request_id, t.id);
		api_respond(req, 204, NULL);
	}
	db_job_clear(&t.j);
}

/* The state changes: from the one state each applies to, to its target. */
static const struct transition {
	enum job_op	 op;
	const char	*from;
	const char	*to;
	const char	*refusal;	/* 409 message from any other state */
} transitions[] = {
	{ JOB_OP_PAUSE, "active", "paused",
	    "only an active job can be paused" },
	{ JOB_OP_RESUME, "paused", "active",
	    "only a paused job can be resumed (a draft is started with "
	    "activate; a completed job cannot run again)" },
	{ JOB_OP_ACTIVATE, "draft", "active",
	    "only a draft job can be activated (a paused job is started "
	    "with resume; a completed job cannot run again)" },
};

static int
state_txn(struct db *db, void *arg)
{
	struct job_txn		*t = arg;
	const struct transition	*tr = NULL;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].op == t->op)
			tr = &transitions[i];
	if (tr == NULL)
		return DB_ERROR;
	db_job_clear(&t->j);
	t->queue = t->changed = 0;
	if ((rc = db_job_get(db, t->wid, t->id, 1, &t->j)) != DB_OK)
		return rc;
	if (strcmp(t->j.state, tr->to) == 0)
		return DB_OK;		/* already there: nothing to do */
	if (strcmp(t->j.state, tr->from) != 0)
		return refuse(t, API_E_CONFLICT, tr->refusal);
	job_sched(&t->j, &t->s);
	if (strcmp(tr->to, "active") != 0) {
		snprintf(t->j.state, sizeof(t->j.state), "%s", tr->to);
		t->j.next_run_at = -1;
	} else if (start_job(t) == -1)
		return DB_NOTFOUND;
	/* a one_time draft's single run is queued when it starts; a paused
	 * one_time job was queued when it started */
	if (t->op == JOB_OP_ACTIVATE && t->s.kind == CRON_KIND_ONE_TIME)
		queue_one_time(t);
	t->j.updated_at = t->now;
	t->changed = 1;
	if ((rc = db_job_update(db, &t->j)) != DB_OK)
		return rc;
	return queue_exec(db, t);
}

/* pause, resume, activate -> 200 job */
static void
job_state_change(struct api_req *req, enum job_op op)
{
	struct job_txn	t;

	if (job_id_param(req) == -1)
		return;
	job_txn_init(&t, req, op);
	if (run_txn(&t, state_txn) == 0) {
		if (t.changed)
			log_info("%s job %s is now %s", req->request_id,
			    t.j.id, t.j.state);
		if (t.queue)
			log_info("%s execution %s queued (one_time) for job "
			    "%s", req->request_id, t.ex.id, t.j.id);
		api_respond(req, 200, job_json(&t.j));
	}
	db_job_clear(&t.j);
}

void
h_jobs_pause(struct api_req *req)
{
	job_state_change(req, JOB_OP_PAUSE);
}

void
h_jobs_resume(struct api_req *req)
{
	job_state_change(req, JOB_OP_RESUME);
}

void
h_jobs_activate(struct api_req *req)
{
	job_state_change(req, JOB_OP_ACTIVATE);
}

/*
 * POST /v1/jobs/:id/run-now -> 202 execution: queued at once, whatever
 * the job's state; next_run_at does not move.
 */
static int
run_now_txn(struct db *db, void *arg)
{
	struct job_txn	*t = arg;
	int		 rc;

	/* the row lock keeps a concurrent delete from orphaning the run */
	db_job_clear(&t->j);
	if ((rc = db_job_get(db, t->wid, t->id, 1, &t->j)) != DB_OK)
		return rc;
	exec_queued(&t->ex, &t->j, "run_now", t->now, NULL);
	t->queue = 1;
	return queue_exec(db, t);
}

void
h_jobs_run(struct api_req *req)
{
	struct job_txn	t;

	if (job_id_param(req) == -1)
		return;
	job_txn_init(&t, req, JOB_OP_RUN);
	if (run_txn(&t, run_now_txn) == 0) {
		log_info("%s execution %s queued (run_now) for job %s",
		    req->request_id, t.ex.id, t.j.id);
		api_respond(req, 202, exec_json(&t.ex, NULL, 0));
	}
	db_job_clear(&t.j);
}

/*
 * GET /v1/jobs/:id/preview?count=5&from=ISO -> {"items": [times]}: the
 * next count (1-100) runs after from (default now).  For a job that is
 * not running (draft, paused) the runs it would have if started now; a
 * completed or one_time job has none.
 */
void
h_jobs_preview(struct api_req *req)
{
	struct json_object	*o, *items, *fields;
	struct cron_sched	 s;
	struct db_job		 j;
	int64_t			 now = cron_now_ms(), from = now, anchor;
	int64_t			 out[PREVIEW_MAX];
	char			 buf[64], *end;
	long			 count = 5;
	int			 n, i, rc;

	if (job_id_param(req) == -1)
		return;
	if ((n = api_query(req, "count", buf, sizeof(buf))) != -1) {
		count = n > 0 ? strtol(buf, &end, 10) : 0;
		if (n <= 0 || *end != '\0' || count < 1 || count > PREVIEW_MAX) {
			api_invalid(req, "count",
			    "must be an integer from 1 to 100");
			return;
		}
	}
	fields = json_object_new_object();
	(void)api_query_time(req, "from", &from, fields);
	if (api_fields_answer(req, fields) == -1)
		return;
	rc = db_job_get(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0], 0, &j);
	if (rc != DB_OK) {
		if (rc == DB_NOTFOUND)
			api_error(req, API_E_NOT_FOUND, "no such job", NULL);
		else
			api_db_error(req, rc);
		db_job_clear(&j);
		return;
	}
	job_sched(&j, &s);
	n = 0;
	if (strcmp(j.state, "completed") != 0) {
		/* recurring: runs are anchored on the next one (or on a
		 * start now) and none comes before it */
		anchor = j.next_run_at != -1 ? j.next_run_at :
		    cron_sched_first(&s, now);
		if (s.kind == CRON_KIND_RECURRING && from < anchor)
			from = anchor - 1;
		n = cron_sched_next_n(&s, anchor, from, out, (int)count);
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++) {
		cron_time_fmt(out[i], buf);
		json_object_array_add(items, json_object_new_string(buf));
	}
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	api_respond(req, 200, o);
	db_job_clear(&j);
}
