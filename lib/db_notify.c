/*
 * The scheduler's side of notifications (SPEC §8): leasing queued
 * deliveries (and taking over those whose lease expired with their
 * scheduler), what a message says about its execution, and the outcome
 * of each send.  Deliveries are made in the transaction that finishes
 * an execution (db_run_record) or by a channel's test (cron-api).
 *
 * Every write after the lease checks lease_owner, as for executions.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

/*
 * Locks (SKIP LOCKED) up to limit deliveries due at now or, with
 * takeover, whose lease expired; call inside a transaction, then
 * db_notify_start them.
 */
int
db_notify_lease(struct db *db, int takeover, int64_t now, int limit,
    struct db_delivery **out, size_t *n)
{
	char			 t[32];
	struct db_val		 v[] = { dbv_time(now, t), dbv_int(limit) };
	struct db_res		*res;
	struct db_delivery	*d;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, takeover ? DB_NOTIFY_TAKEOVER :
	    DB_NOTIFY_LEASE, v, 2, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		d = &(*out)[(*n)++];
		d->id = (unsigned long long)db_res_int(res, 0);
		db_res_copy(res, 1, d->message_id, sizeof(d->message_id));
		db_res_copy(res, 2, d->workspace_id, sizeof(d->workspace_id));
		db_res_copy(res, 3, d->channel_id, sizeof(d->channel_id));
		db_res_copy(res, 4, d->execution_id, sizeof(d->execution_id));
		db_res_copy(res, 5, d->event, sizeof(d->event));
		d->attempts = (int)db_res_int(res, 6);
		db_res_copy(res, 7, d->type, sizeof(d->type));
		db_res_copy(res, 8, d->channel_name, sizeof(d->channel_name));
		d->config = db_res_dup(res, 9, NULL);
		d->cred = (unsigned char *)db_res_dup(res, 10, &d->credlen);
		d->key_version = db_res_isnull(res, 11) ? 0 :
		    (int)db_res_int(res, 11);
	}
	db_res_free(res);
	return DB_OK;
}

void
db_deliveries_free(struct db_delivery *d, size_t n)
{
	size_t	i;

	for (i = 0; d != NULL && i < n; i++) {
		free(d[i].config);
		if (d[i].cred != NULL)
			explicit_bzero(d[i].cred, d[i].credlen);
		free(d[i].cred);
	}
	free(d);
}

/* Marks n leased deliveries as being sent by owner until expires. */
int
db_notify_start(struct db *db, const struct db_delivery *d, size_t n,
    const char *owner, int64_t expires)
{
	struct db_val	*v = xcalloc(n * 3 + 1, sizeof(*v));
	char		 t[32];
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		v[i * 3] = dbv_str(owner);
		v[i * 3 + 1] = dbv_time(expires, t);
		v[i * 3 + 2] = dbv_int((long long)d[i].id);
	}
	rc = db_exec_rows(db, DB_NOTIFY_START, v, 3, n, NULL);
	free(v);
	return rc;
}

/* What a message about execution id says; DB_NOTFOUND if it is gone. */
int
db_notify_exec(struct db *db, const char *id, struct db_notify_exec *e)
{
	struct db_val	 v[] = { dbv_str(id) };
	struct db_res	*res;
	int		 rc;

	memset(e, 0, sizeof(*e));
	if ((rc = db_query(db, DB_NOTIFY_EXEC, v, 1, &res)) != DB_OK)
		return rc;
	if (!db_res_next(res)) {
		db_res_free(res);
		return DB_NOTFOUND;
	}
	db_res_copy(res, 0, e->job_id, sizeof(e->job_id));
	db_res_copy(res, 1, e->job_name, sizeof(e->job_name));
	db_res_copy(res, 2, e->status, sizeof(e->status));
	db_res_copy(res, 3, e->trigger, sizeof(e->trigger));
	e->scheduled_for = db_res_time(res, 4);
	e->finished_at = db_res_time(res, 5);
	e->duration_ms = db_res_isnull(res, 6) ? -1 : db_res_int(res, 6);
	e->attempts = (int)db_res_int(res, 7);
	e->status_code = db_res_isnull(res, 8) ? -1 : (int)db_res_int(res, 8);
	e->latency_ms = db_res_isnull(res, 9) ? -1 : (int)db_res_int(res, 9);
	db_res_copy(res, 10, e->error_class, sizeof(e->error_class));
	e->output = db_res_dup(res, 11, &e->output_len);
	db_res_free(res);
	return DB_OK;
}

/*
 * Records a send: status "sent", "failed", or "queued" again until next.
 * response_status -1 and error NULL for none.  DB_NOTFOUND when owner no
 * longer holds the lease.
 */
int
db_notify_done(struct db *db, unsigned long long id, const char *owner,
    const char *status, int attempts, int64_t next, int response_status,
    const char *error, int64_t sent_at)
{
	char		t[2][32];
	struct db_val	v[] = { dbv_str(status), dbv_int(attempts),
			    dbv_time(next, t[0]),
			    response_status > 0 ? dbv_int(response_status) :
			    dbv_null(), dbv_str(error),
			    dbv_time_null(sent_at, t[1]),
			    dbv_int((long long)id), dbv_str(owner) };

	return db_exec_one(db, DB_NOTIFY_DONE, v, 8);
}

/* Deletes up to limit finished test deliveries created before `before`. */
int
db_notify_purge(struct db *db, int64_t before, int limit,
    unsigned long long *n)
{
	char		t[32];
	struct db_val	v[] = { dbv_time(before, t), dbv_int(limit) };

	return db_exec(db, DB_NOTIFY_PURGE, v, 2, n);
}
