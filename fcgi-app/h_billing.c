/*
 * GET/PUT /v1/workspace/billing (SPEC §10): the workspace's plan, its
 * limits and what counts against them, and (owner) a change of plan.
 * Plans come from the configuration (lib/plan.c); payment is out of scope.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "db.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"

/* A max_ limit: null when the plan has none. */
static void
add_max(struct json_object *o, const char *key, int v)
{
	json_object_object_add(o, key, v > 0 ? json_object_new_int(v) : NULL);
}

static struct json_object *
limits_json(const struct cron_plan *p)
{
	struct json_object	*o = json_object_new_object();

	add_max(o, "max_jobs", p->max_jobs);
	cron_json_add_int(o, "min_interval_minutes", p->min_interval_minutes);
	add_max(o, "max_executions_per_month", p->max_executions_per_month);
	add_max(o, "max_members", p->max_members);
	cron_json_add_int(o, "history_days", p->history_days);
	return o;
}

/* Answers 200 with the billing document of the caller's workspace. */
static void
respond_billing(struct api_req *req)
{
	const struct cron_conf	*conf = req->ctx->conf;
	const struct cron_plan	*p;
	struct json_object	*o, *u, *plans, *it;
	struct db_seats		 s;
	long long		 execs;
	int64_t			 now = cron_now_ms();
	char			 month[8];
	size_t			 i;
	int			 rc;

	rc = db_usage_seats(req->ctx->db, req->caller.s.workspace_id, &s);
	if (rc == DB_OK)
		rc = db_usage_get(req->ctx->db, req->caller.s.workspace_id, now,
		    &execs);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	p = cron_plan_of(conf, s.plan);
	db_usage_month(now, month);
	o = json_object_new_object();
	cron_json_add_str(o, "plan", p->name);
	json_object_object_add(o, "limits", limits_json(p));
	u = json_object_new_object();
	cron_json_add_int(u, "jobs", s.jobs);
	cron_json_add_int(u, "members", s.members);
	cron_json_add_int(u, "pending_invites", s.invites);
	cron_json_add_str(u, "month", month);
	cron_json_add_int(u, "executions_this_month", execs);
	json_object_object_add(o, "usage", u);
	plans = json_object_new_array();
	for (i = 0; i < conf->nplans; i++) {
		it = json_object_new_object();
		cron_json_add_str(it, "name", conf->plans[i].name);
		json_object_object_add(it, "limits",
		    limits_json(&conf->plans[i]));
		json_object_array_add(plans, it);
	}
	json_object_object_add(o, "plans", plans);
	api_respond(req, 200, o);
}

/* GET /v1/workspace/billing -> {plan, limits, usage, plans} */
void
h_billing_get(struct api_req *req)
{
	respond_billing(req);
}

struct plan_change {
	const struct api_req	*req;
	const struct cron_plan	*to;
	const char		*limit;		/* refused: which */
	int			 value;
	char			 from[33];
};

/* Moves the workspace to c->to unless what it has already passes a limit. */
static int
plan_txn(struct db *db, void *arg)
{
	struct plan_change	*c = arg;
	const char		*wid = c->req->caller.s.workspace_id;
	struct db_seats		 s;
	int			 rc;

	c->limit = NULL;
	if ((rc = db_usage_seats(db, wid, &s)) != DB_OK)
		return rc;
	snprintf(c->from, sizeof(c->from), "%s", s.plan);
	if (c->to->max_jobs > 0 && s.jobs > c->to->max_jobs) {
		c->limit = "max_jobs";
		c->value = c->to->max_jobs;
	} else if (c->to->max_members > 0 && s.members + s.invites >
	    c->to->max_members) {
		c->limit = "max_members";
		c->value = c->to->max_members;
	}
	if (c->limit != NULL)
		return DB_NOTFOUND;
	return db_workspace_plan_set(db, wid, c->to->name);
}

static const char *
valid_plan_name(const char *s)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n == strlen(s) ? NULL : "is not a plan name";
}

/*
 * PUT /v1/workspace/billing {plan} (owner): 422 for a plan the service
 * does not offer, 403 plan_limit_exceeded when the workspace already has
 * more jobs or members than the new plan allows.  Existing jobs are not
 * checked against its minimum interval; their next change is.
 */
void
h_billing_put(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "plan", API_F_STRING, API_F_REQUIRED, 1, CRON_PLAN_NAME_MAX,
		    valid_plan_name },
	};
	struct plan_change	c;
	int			rc;

	if (api_validate(req, f, 1) == -1)
		return;
	memset(&c, 0, sizeof(c));
	c.req = req;
	if ((c.to = cron_plan_find(req->ctx->conf,
	    cron_json_str(req->json, "plan"))) == NULL) {
		api_invalid(req, "plan", "is not a plan this service offers "
		    "(GET /v1/workspace/billing lists them)");
		return;
	}
	rc = db_txn(req->ctx->db, plan_txn, &c);
	if (c.limit != NULL) {
		api_error(req, API_E_PLAN_LIMIT_EXCEEDED, "the workspace has "
		    "more than the plan allows", api_limit_details(c.limit,
		    c.value));
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s workspace %s plan %s -> %s", req->request_id,
	    req->caller.s.workspace_id, c.from, c.to->name);
	respond_billing(req);
}
