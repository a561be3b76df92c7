/*
 * POST /v1/jobs/import {crontab, url, dry_run, timezone} (SPEC §5.2): each
 * crontab entry becomes a cron job calling url, named after its command,
 * the command kept as the description.  Lines are read as cronie reads a
 * user crontab (lib/crontab.c); every non-blank line gets an item:
 * comments and environment settings "skipped" (CRON_TZ=Zone sets the time
 * zone of the entries after it, as in cronie), entries "created" (or
 * "would_create" in a dry run), and @reboot, bad syntax or a schedule the
 * plan does not allow "error", with the reason.
 *
 * The jobs are created in one transaction: all of them or, when they
 * would exceed the plan's job count, none (403 plan_limit_exceeded).  A
 * dry run runs the same transaction and rolls it back, so it predicts
 * exactly what the real import will do.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "crontab.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "netaddr.h"
#include "timefmt.h"
#include "xmalloc.h"

#define IMPORT_LINES_MAX	10000
#define DESCRIPTION_MAX		2000	/* characters, as job.c accepts */

struct import {
	struct api_req		*req;
	int			 dry_run;
	int64_t			 now;
	struct db_job		*jobs;
	size_t			 njobs;
	struct json_object	*details;
	int			 refused;
};

/* Copies the first max characters of s (len bytes) into a new string. */
static char *
utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t	i, chars = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			break;
	return xstrndup(s, i);
}

/* The first problem of a fields object, as one line of text. */
static char *
first_problem(struct json_object *fields)
{
	json_object_object_foreach(fields, key, val) {
		if (strcmp(key, "schedule.cron") == 0)
			return xstrdup(json_object_get_string(val));
		return xasprintf("%s %s", key, json_object_get_string(val));
	}
	return xstrdup("is not valid");
}

static struct json_object *
item_new(struct json_object *items, size_t line, const char *status)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_int(o, "line", (int64_t)line);
	cron_json_add_str(o, "status", status);
	json_object_array_add(items, o);
	return o;
}

/*
 * Turns one entry into a job in im->jobs; returns NULL, or the reason it
 * cannot be imported (owned).
 */
static char *
import_entry(struct import *im, const struct crontab_line *cl,
    const char *url, const char *tz)
{
	struct api_req		*req = im->req;
	struct json_object	*o, *sc, *rq, *fields;
	struct cron_sched	 s;
	struct db_job		*j = &im->jobs[im->njobs];
	char			 name[4 * CRONTAB_NAME_MAX + 4], *desc, *why;
	int			 min;

	cron_crontab_name(cl->command, cl->command_len, name, sizeof(name));
	desc = utf8_prefix(cl->command, cl->command_len, DESCRIPTION_MAX);
	o = json_object_new_object();
	cron_json_add_str(o, "name", name);
	cron_json_add_str(o, "description", desc);
	cron_json_add_str(o, "kind", "cron");
	sc = json_object_new_object();
	cron_json_add_str(sc, "cron", cl->schedule);
	cron_json_add_str(sc, "timezone", tz);
	json_object_object_add(o, "schedule", sc);
	rq = json_object_new_object();
	cron_json_add_str(rq, "url", url);
	json_object_object_add(o, "request", rq);
	fields = job_validate(req->ctx->conf, o, JOB_FUTURE, im->now, j, &s);
	json_object_put(o);
	free(desc);
	if (fields != NULL) {
		why = first_problem(fields);
		json_object_put(fields);
		return why;
	}
	if ((min = job_interval_limit(api_plan(req), &s, im->now)) != 0) {
		db_job_clear(j);
		return xasprintf("runs more often than the plan allows (at "
		    "most every %d minutes)", min);
	}
	cron_id_new(j->id);
	snprintf(j->workspace_id, sizeof(j->workspace_id), "%s",
	    req->caller.s.workspace_id);
	snprintf(j->created_by, sizeof(j->created_by), "%s",
	    req->caller.s.user_id);
	j->created_at = j->updated_at = im->now;
	j->next_run_at = cron_sched_first(&s, im->now);
	im->njobs++;
	return NULL;
}

static int
import_txn(struct db *db, void *arg)
{
	struct import	*im = arg;
	size_t		 i;
	int		 rc, max = api_plan(im->req)->max_jobs;

	/* the quota first, as h_jobs.c's create_txn (lock order) */
	rc = db_workspace_jobs(db, im->req->caller.s.workspace_id,
	    (int)im->njobs, API_LIMIT(max));
	if (rc == DB_NOTFOUND) {
		im->refused = 1;
		im->details = api_limit_details("max_jobs", max);
		return rc;
	}
	for (i = 0; rc == DB_OK && i < im->njobs; i++)
		rc = db_job_insert(db, &im->jobs[i]);
	/* a dry run checks everything, then rolls back */
	return rc == DB_OK && im->dry_run ? DB_NOTFOUND : rc;
}

void
h_jobs_import(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "crontab", API_F_STRING, API_F_REQUIRED, 0, 1 << 30, NULL },
		{ "url", API_F_STRING, API_F_REQUIRED, 1, CRON_URL_MAX, NULL },
		{ "dry_run", API_F_BOOL, 0, 0, 0, NULL },
		{ "timezone", API_F_STRING, 0, 1, CRON_TZ_NAME_MAX,
		    valid_timezone },
	};
	struct import		 im;
	struct crontab_line	 cl;
	struct json_object	*items, *it, *o, *job, *fields;
	const char		*text, *p, *nl, *url, *why;
	char			 tz[CRON_TZ_NAME_MAX + 1], *err;
	size_t			 line, nlines, *at, i, len;
	int			 rc;

	fields = json_object_new_object();
	if (!json_object_is_type(req->json, json_type_object)) {
		cron_json_add_str(fields, "body", "must be a JSON object");
		api_fields_answer(req, fields);
		return;
	}
	api_check_fields(req->json, NULL, f, sizeof(f) / sizeof(f[0]), fields);
	url = cron_json_str(req->json, "url");
	if (url != NULL && !json_object_object_get_ex(fields, "url", NULL) &&
	    (why = job_url_why(url, req->ctx->conf)) != NULL)
		api_field_bad(fields, NULL, "url", why);
	/* lines: each newline ends one, and text after the last is one */
	text = cron_json_str(req->json, "crontab");
	for (nlines = 0, p = text; p != NULL && *p != '\0'; nlines++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (nlines > IMPORT_LINES_MAX &&
	    !json_object_object_get_ex(fields, "crontab", NULL))
		api_field_bad(fields, NULL, "crontab",
		    "has more than 10000 lines");
	if (api_fields_answer(req, fields) == -1)
		return;
	memset(&im, 0, sizeof(im));
	im.req = req;
	im.now = cron_now_ms();
	(void)cron_json_bool(req->json, "dry_run", &im.dry_run);
	im.jobs = xcalloc(nlines + 1, sizeof(*im.jobs));
	at = xcalloc(nlines + 1, sizeof(*at));
	snprintf(tz, sizeof(tz), "%s", cron_json_str(req->json, "timezone") ?
	    cron_json_str(req->json, "timezone") : "UTC");

	items = json_object_new_array();
	for (line = 1, p = text; *p != '\0' || line == 1; line++) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		cron_crontab_line(p, len, &cl);
		switch (cl.kind) {
		case CRONTAB_BLANK:
			break;
		case CRONTAB_COMMENT:
			item_new(items, line, "skipped");
			break;
		case CRONTAB_ENV:
			if (strcmp(cl.env_name, "CRON_TZ") == 0 &&
			    valid_timezone(cl.env_value) != NULL) {
				it = item_new(items, line, "error");
				cron_json_add_str(it, "error", "CRON_TZ is not "
				    "a known IANA time zone");
				break;
			}
			if (strcmp(cl.env_name, "CRON_TZ") == 0)	/* valid */
				memcpy(tz, cl.env_value,
				    strlen(cl.env_value) + 1);
			item_new(items, line, "skipped");
			break;
		case CRONTAB_ENTRY:
			at[im.njobs] = json_object_array_length(items);
			it = item_new(items, line, "error");
			if ((err = import_entry(&im, &cl, url, tz)) != NULL) {
				cron_json_add_str(it, "error", err);
				free(err);
			}
			break;
		default:
			it = item_new(items, line, "error");
			cron_json_add_str(it, "error", cl.error);
			break;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}

	im.details = NULL;
	rc = im.njobs > 0 ? db_txn(req->ctx->db, import_txn, &im) : DB_OK;
	if (rc == DB_NOTFOUND && !im.refused)
		rc = DB_OK;		/* the dry run's rollback */
	if (im.refused) {
		api_error(req, API_E_PLAN_LIMIT_EXCEEDED, "importing these "
		    "jobs would exceed the plan's job limit", im.details);
		json_object_put(items);
	} else if (rc != DB_OK) {
		api_db_error(req, rc);
		json_object_put(items);
	} else {
		for (i = 0; i < im.njobs; i++) {
			it = json_object_array_get_idx(items, at[i]);
			cron_json_add_str(it, "status", im.dry_run ?
			    "would_create" : "created");
			job = job_json(&im.jobs[i]);
			if (im.dry_run) {
				json_object_object_add(job, "id", NULL);
				json_object_object_add(job, "created_at", NULL);
				json_object_object_add(job, "updated_at", NULL);
			}
			json_object_object_add(it, "job", job);
		}
		if (!im.dry_run && im.njobs > 0)
			log_info("%s imported %zu jobs from a crontab into "
			    "workspace %s", req->request_id, im.njobs,
			    req->caller.s.workspace_id);
		o = json_object_new_object();
		json_object_object_add(o, "items", items);
		api_respond(req, 200, o);
	}
	db_jobs_free(im.jobs, im.njobs);
	free(at);
}
