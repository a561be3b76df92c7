/*
 * Typed calls for the operator's view of the platform: what cron-admin
 * status and cron-admin plan list read.  Each statement is a range of one
 * index (see db_sql.c), so monitoring may run status every minute.
 */
#include "config.h"

#include <stdlib.h>

#include "db.h"
#include "xmalloc.h"

/*
 * Asks the server for its version (into version, truncated to len) and
 * its clock (*now, ms); the rest of status is measured against that clock.
 */
int
db_status_server(struct db *db, char *version, size_t len, int64_t *now)
{
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_STATUS_SERVER, NULL, 0, &res)) != DB_OK)
		return rc;
	rc = DB_ERROR;
	if (db_res_next(res)) {
		db_res_copy(res, 0, version, len);
		if ((*now = db_res_time(res, 1)) != -1)
			rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Counts queued (and ready to run at now) and running executions. */
int
db_status_queue(struct db *db, int64_t now, struct db_queue *q)
{
	char		 t[32];
	struct db_val	 v[] = { dbv_time(now, t) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_STATUS_QUEUE, v, 1, &res)) != DB_OK)
		return rc;
	rc = DB_ERROR;
	if (db_res_next(res)) {
		q->queued = db_res_int(res, 0);
		q->ready = db_res_int(res, 1);
		q->running = db_res_int(res, 2);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/*
 * Counts the active jobs due at now that no scheduler has claimed yet,
 * outside restricted workspaces, up to cap (*n == cap: at least that
 * many); *oldest gets the earliest next_run_at among them, -1 if none.
 */
int
db_status_due(struct db *db, int64_t now, long long cap, long long *n,
    int64_t *oldest)
{
	char		 t[32];
	struct db_val	 v[] = { dbv_time(now, t), dbv_int(cap) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_STATUS_DUE, v, 2, &res)) != DB_OK)
		return rc;
	rc = DB_ERROR;
	if (db_res_next(res)) {
		*n = db_res_int(res, 0);
		*oldest = db_res_time(res, 1);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/*
 * Lists the leases on running executions per owning instance into *out,
 * an owned array of *n (free), in instance order; a lease that expired
 * before now is counted as waiting for a takeover.
 */
int
db_status_leases(struct db *db, int64_t now, struct db_lease_owner **out,
    size_t *n)
{
	char			 t[32];
	struct db_val		 v[] = { dbv_time(now, t) };
	struct db_res		*res;
	struct db_lease_owner	*o;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_STATUS_LEASES, v, 1, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		o = &(*out)[(*n)++];
		db_res_copy(res, 0, o->instance, sizeof(o->instance));
		o->count = db_res_int(res, 1);
		o->expired = db_res_int(res, 2);
		o->earliest = db_res_time(res, 3);
	}
	db_res_free(res);
	return DB_OK;
}

/* Counts mail not sent yet and notification deliveries not made yet. */
int
db_status_outbox(struct db *db, long long *mail, long long *deliveries)
{
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_STATUS_OUTBOX, NULL, 0, &res)) != DB_OK)
		return rc;
	rc = DB_ERROR;
	if (db_res_next(res)) {
		*mail = db_res_int(res, 0);
		*deliveries = db_res_int(res, 1);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/*
 * Counts the workspaces on each stored plan name into *out, an owned
 * array of *n (free), in name order.
 */
int
db_plan_counts(struct db *db, struct db_plan_count **out, size_t *n)
{
	struct db_res		*res;
	struct db_plan_count	*p;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_PLAN_COUNTS, NULL, 0, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		p = &(*out)[(*n)++];
		db_res_copy(res, 0, p->plan, sizeof(p->plan));
		p->workspaces = db_res_int(res, 1);
	}
	db_res_free(res);
	return DB_OK;
}
