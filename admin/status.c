/*
 * cron-admin status [--json]: is the platform working, for an operator
 * (one "key: value" line each) or a monitoring script (--json).  It reads
 * and changes nothing: the database and its version, migrations applied
 * and pending, the execution queue, due jobs no scheduler has claimed and
 * how late the oldest is, the schedulers that sent a heartbeat in the last
 * minute (scheduler_instances) and the leases each holds, leases expired
 * and waiting for a takeover, mail and notifications not delivered yet.
 *
 * Exit status 0 when healthy; 1 when the database is unreachable, a
 * migration is pending (or an applied one was changed since), no
 * scheduler was seen in the last minute, or a count could not be read;
 * each reason is printed ("problem: ...").  Every count is one range of
 * one index (lib/db_sql.c), so it can run every minute.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "admin.h"
#include "conf.h"
#include "db.h"
#include "jsonutil.h"
#include "timefmt.h"
#include "xmalloc.h"

#define STATUS_SEEN_SECONDS	60	/* a scheduler beats every 10 s */
#define STATUS_DUE_CAP		10000	/* due jobs counted at most */
#define STATUS_PROBLEMS_MAX	16

/* Everything status found; a section whose *_ok is 0 could not be read. */
struct status {
	int			 reachable;
	char			 version[128];
	int64_t			 now;		/* the server's clock */
	int			 mig_ok;
	char			**pending;
	size_t			 npending, napplied, nchanged;
	int			 queue_ok;
	struct db_queue		 queue;
	int			 due_ok;
	long long		 due;
	int64_t			 due_oldest;	/* -1: none due */
	int			 sched_ok;
	struct db_instance	*scheds;
	size_t			 nscheds;
	int			 leases_ok;
	struct db_lease_owner	*owners;
	size_t			 nowners;
	int			 outbox_ok;
	long long		 mail, deliveries;
	char			*problems[STATUS_PROBLEMS_MAX];
	size_t			 nproblems;
};

static void __attribute__((format(printf, 2, 3)))
problem(struct status *st, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];

	if (st->nproblems == STATUS_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	st->problems[st->nproblems++] = xstrdup(buf);
}

static void
status_free(struct status *st)
{
	size_t	i;

	for (i = 0; i < st->npending; i++)
		free(st->pending[i]);
	free(st->pending);
	free(st->scheds);
	free(st->owners);
	for (i = 0; i < st->nproblems; i++)
		free(st->problems[i]);
}

/* Seconds from a to b (the server's clock), rounded down. */
static long long
secs(int64_t a, int64_t b)
{
	return (b - a) / 1000;
}

/* Migrations: the files in sql_dir not applied yet. */
static void
gather_migrations(const struct cron_conf *conf, struct db *db,
    struct status *st)
{
	char	list[512];
	size_t	i, len = 0;

	if (adm_migrate_pending(db, conf->sql_dir, &st->pending, &st->npending,
	    &st->napplied, &st->nchanged) == -1) {
		problem(st, "cannot compare %s with schema_migrations",
		    conf->sql_dir);
		return;
	}
	st->mig_ok = 1;
	list[0] = '\0';
	for (i = 0; i < st->npending && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    i > 0 ? ", " : "", st->pending[i]);
	if (st->npending > 0)
		problem(st, "%zu migration%s pending: %s (run cron-admin "
		    "migrate)", st->npending, st->npending == 1 ? "" : "s",
		    list);
	if (st->nchanged > 0)
		problem(st, "%zu applied migration%s changed since "
		    "(cron-admin migrate refuses to run)", st->nchanged,
		    st->nchanged == 1 ? "" : "s");
}

/* The queue, due jobs, schedulers, leases and the outboxes. */
static void
gather_work(struct db *db, struct status *st)
{
	if (!(st->queue_ok = db_status_queue(db, st->now, &st->queue) ==
	    DB_OK))
		problem(st, "cannot count executions");
	if (!(st->due_ok = db_status_due(db, st->now, STATUS_DUE_CAP,
	    &st->due, &st->due_oldest) == DB_OK))
		problem(st, "cannot count due jobs");
	if (!(st->sched_ok = db_instance_live(db, st->now -
	    STATUS_SEEN_SECONDS * 1000LL, &st->scheds, &st->nscheds) == DB_OK))
		problem(st, "cannot read scheduler_instances");
	else if (st->nscheds == 0)
		problem(st, "no scheduler seen in the last %d s",
		    STATUS_SEEN_SECONDS);
	if (!(st->leases_ok = db_status_leases(db, st->now, &st->owners,
	    &st->nowners) == DB_OK))
		problem(st, "cannot read leases");
	if (!(st->outbox_ok = db_status_outbox(db, &st->mail,
	    &st->deliveries) == DB_OK))
		problem(st, "cannot count mail and notifications");
}

static void
gather(const struct cron_conf *conf, struct db *db, struct status *st)
{
	if (db_connect(db) != DB_OK || db_status_server(db, st->version,
	    sizeof(st->version), &st->now) != DB_OK) {
		problem(st, "the database is unreachable");
		return;
	}
	st->reachable = 1;
	gather_migrations(conf, db, st);
	gather_work(db, st);
}

/* The leases held by instance, or NULL. */
static const struct db_lease_owner *
owner_of(const struct status *st, const char *instance)
{
	size_t	i;

	for (i = 0; i < st->nowners; i++)
		if (strcmp(st->owners[i].instance, instance) == 0)
			return &st->owners[i];
	return NULL;
}

static int
is_running(const struct status *st, const char *instance)
{
	size_t	i;

	for (i = 0; i < st->nscheds; i++)
		if (strcmp(st->scheds[i].instance, instance) == 0)
			return 1;
	return 0;
}

/* ", N leases (first expires in S s, E expired)" for o, into buf. */
static const char *
lease_text(const struct status *st, const struct db_lease_owner *o,
    char *buf, size_t len)
{
	long long	d;

	if (o == NULL || o->count == 0) {
		snprintf(buf, len, "0 leases");
		return buf;
	}
	d = secs(st->now, o->earliest);
	snprintf(buf, len, "%lld lease%s (first expires %s%lld s%s, %lld "
	    "expired)", o->count, o->count == 1 ? "" : "s", d < 0 ? "" : "in ",
	    d < 0 ? -d : d, d < 0 ? " ago" : "", o->expired);
	return buf;
}

static void
text_schedulers(const struct status *st)
{
	const struct db_instance	*i;
	char				 t[CRON_TIME_LEN + 1], l[160];
	size_t				 k;
	long long			 held = 0, expired = 0;

	printf("schedulers running: %zu\n", st->nscheds);
	for (k = 0; k < st->nscheds; k++) {
		i = &st->scheds[k];
		if (cron_time_fmt(i->started_at, t) == -1)
			snprintf(t, sizeof(t), "-");
		printf("scheduler %s: host %s, pid %lld, version %s, started "
		    "%s, seen %lld s ago, %d in flight, %s\n", i->instance,
		    i->host, i->pid, i->version, t, secs(i->seen_at, st->now),
		    i->inflight, lease_text(st, owner_of(st, i->instance), l,
		    sizeof(l)));
	}
	if (!st->leases_ok)
		return;
	for (k = 0; k < st->nowners; k++) {
		held += st->owners[k].count;
		expired += st->owners[k].expired;
		if (!is_running(st, st->owners[k].instance))
			printf("leases of %s (not running): %s\n",
			    st->owners[k].instance, lease_text(st,
			    &st->owners[k], l, sizeof(l)));
	}
	printf("leases: %lld held, %lld expired waiting for takeover\n", held,
	    expired);
}

static void
text_work(const struct status *st)
{
	if (st->queue_ok) {
		printf("executions queued: %lld (%lld ready to run)\n",
		    st->queue.queued, st->queue.ready);
		printf("executions running: %lld\n", st->queue.running);
	}
	if (st->due_ok) {
		printf("due jobs not claimed: %lld%s\n", st->due,
		    st->due >= STATUS_DUE_CAP ? " or more" : "");
		if (st->due_oldest != -1)
			printf("oldest due job late: %lld s\n",
			    secs(st->due_oldest, st->now));
		else
			printf("oldest due job late: -\n");
	}
	if (st->sched_ok)
		text_schedulers(st);
	if (st->outbox_ok) {
		printf("mail undelivered: %lld\n", st->mail);
		printf("notifications pending: %lld\n", st->deliveries);
	}
}

static void
print_text(const struct status *st)
{
	char	t[CRON_TIME_LEN + 1];
	size_t	i;

	printf("database: %s\n", st->reachable ? "reachable" : "unreachable");
	if (st->reachable) {
		printf("server version: %s\n", st->version);
		if (cron_time_fmt(st->now, t) == 0)
			printf("server time: %s\n", t);
	}
	if (st->mig_ok) {
		printf("migrations applied: %zu\n", st->napplied);
		printf("migrations pending: %zu\n", st->npending);
		for (i = 0; i < st->npending; i++)
			printf("migration pending: %s\n", st->pending[i]);
	}
	if (st->reachable)
		text_work(st);
	for (i = 0; i < st->nproblems; i++)
		printf("problem: %s\n", st->problems[i]);
	printf("health: %s\n", st->nproblems == 0 ? "ok" : "unhealthy");
}

static struct json_object *
json_leases(const struct status *st)
{
	struct json_object	*o, *a, *e;
	long long		 held = 0, expired = 0;
	size_t			 k;

	o = json_object_new_object();
	a = json_object_new_array();
	for (k = 0; k < st->nowners; k++) {
		e = json_object_new_object();
		cron_json_add_str(e, "instance", st->owners[k].instance);
		json_object_object_add(e, "running", json_object_new_boolean(
		    is_running(st, st->owners[k].instance)));
		cron_json_add_int(e, "count", st->owners[k].count);
		cron_json_add_int(e, "expired", st->owners[k].expired);
		cron_json_add_time(e, "earliest_expiry",
		    st->owners[k].earliest);
		json_object_array_add(a, e);
		held += st->owners[k].count;
		expired += st->owners[k].expired;
	}
	cron_json_add_int(o, "held", held);
	cron_json_add_int(o, "expired", expired);
	json_object_object_add(o, "owners", a);
	return o;
}

static struct json_object *
json_schedulers(const struct status *st)
{
	const struct db_instance	*i;
	const struct db_lease_owner	*l;
	struct json_object		*a, *e;
	size_t				 k;

	a = json_object_new_array();
	for (k = 0; k < st->nscheds; k++) {
		i = &st->scheds[k];
		l = owner_of(st, i->instance);
		e = json_object_new_object();
		cron_json_add_str(e, "instance", i->instance);
		cron_json_add_str(e, "host", i->host);
		cron_json_add_int(e, "pid", i->pid);
		cron_json_add_str(e, "version", i->version);
		cron_json_add_time(e, "started_at", i->started_at);
		cron_json_add_time(e, "seen_at", i->seen_at);
		cron_json_add_int(e, "seen_seconds_ago",
		    secs(i->seen_at, st->now));
		cron_json_add_int(e, "inflight", i->inflight);
		cron_json_add_int(e, "leases", l != NULL ? l->count : 0);
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *
json_migrations(const struct status *st)
{
	struct json_object	*o, *a;
	size_t			 i;

	o = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < st->npending; i++)
		json_object_array_add(a, json_object_new_string(
		    st->pending[i]));
	cron_json_add_int(o, "applied", (int64_t)st->napplied);
	json_object_object_add(o, "pending", a);
	cron_json_add_int(o, "changed", (int64_t)st->nchanged);
	return o;
}

/* A JSON count, or null when it could not be read. */
static struct json_object *
jcount(int ok, long long n)
{
	return ok ? json_object_new_int64(n) : NULL;
}

static void
json_work(const struct status *st, struct json_object *root)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "queued", jcount(st->queue_ok,
	    st->queue.queued));
	json_object_object_add(o, "ready", jcount(st->queue_ok,
	    st->queue.ready));
	json_object_object_add(o, "running", jcount(st->queue_ok,
	    st->queue.running));
	json_object_object_add(root, "executions", o);
	o = json_object_new_object();
	json_object_object_add(o, "count", jcount(st->due_ok, st->due));
	json_object_object_add(o, "capped", json_object_new_boolean(
	    st->due_ok && st->due >= STATUS_DUE_CAP));
	json_object_object_add(o, "oldest_late_seconds", jcount(st->due_ok &&
	    st->due_oldest != -1, secs(st->due_oldest, st->now)));
	json_object_object_add(root, "due_jobs", o);
	json_object_object_add(root, "schedulers", st->sched_ok ?
	    json_schedulers(st) : NULL);
	json_object_object_add(root, "leases", st->leases_ok ?
	    json_leases(st) : NULL);
	json_object_object_add(root, "mail_undelivered", jcount(st->outbox_ok,
	    st->mail));
	json_object_object_add(root, "notifications_pending",
	    jcount(st->outbox_ok, st->deliveries));
}

static void
print_json(const struct status *st)
{
	struct json_object	*root, *o, *a;
	size_t			 i;

	root = json_object_new_object();
	json_object_object_add(root, "healthy",
	    json_object_new_boolean(st->nproblems == 0));
	a = json_object_new_array();
	for (i = 0; i < st->nproblems; i++)
		json_object_array_add(a, json_object_new_string(
		    st->problems[i]));
	json_object_object_add(root, "problems", a);
	o = json_object_new_object();
	json_object_object_add(o, "reachable",
	    json_object_new_boolean(st->reachable));
	if (st->reachable) {
		cron_json_add_str(o, "version", st->version);
		cron_json_add_time(o, "time", st->now);
	}
	json_object_object_add(root, "database", o);
	json_object_object_add(root, "migrations", st->mig_ok ?
	    json_migrations(st) : NULL);
	if (st->reachable)
		json_work(st, root);
	printf("%s\n", json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

/* cron-admin status [--json] */
int
adm_status(const struct cron_conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ NULL,		0,		NULL, 0 }
	};
	struct status	 st;
	struct db	*db;
	int		 ch, json = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j') {
			fprintf(stderr, "usage: cron-admin status [--json]\n");
			return 2;
		}
		json = 1;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: cron-admin status [--json]\n");
		return 2;
	}
	memset(&st, 0, sizeof(st));
	st.due_oldest = -1;
	db = db_new(conf, 0);
	gather(conf, db, &st);
	db_free(db);
	if (json)
		print_json(&st);
	else
		print_text(&st);
	ch = st.nproblems == 0 ? 0 : 1;
	status_free(&st);
	return ch;
}
