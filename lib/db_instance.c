/*
 * Typed calls for scheduler_instances: each running cron-scheduler keeps
 * its row fresh (a heartbeat), so cron-admin status can show schedulers
 * that hold no lease.
 */
#include "config.h"

#include <stdlib.h>

#include "db.h"
#include "xmalloc.h"

/*
 * Inserts or refreshes the row of i->instance: seen_at becomes the
 * server's now and inflight i->inflight; the other columns are kept from
 * the first beat.
 */
int
db_instance_beat(struct db *db, const struct db_instance *i)
{
	char		t[32];
	struct db_val	v[] = { dbv_str(i->instance), dbv_str(i->host),
			    dbv_int(i->pid), dbv_str(i->version),
			    dbv_time(i->started_at, t), dbv_int(i->inflight) };

	return db_exec(db, DB_INSTANCE_BEAT, v, 6, NULL);
}

/* Deletes the row of instance (a clean stop). */
int
db_instance_delete(struct db *db, const char *instance)
{
	struct db_val	v[] = { dbv_str(instance) };

	return db_exec(db, DB_INSTANCE_DELETE, v, 1, NULL);
}

/* Deletes the rows of schedulers not seen for a day; *n gets how many. */
int
db_instance_purge(struct db *db, unsigned long long *n)
{
	return db_exec(db, DB_INSTANCE_PURGE, NULL, 0, n);
}

/*
 * Lists the schedulers seen at or after since (the server's clock) into
 * *out, an owned array of *n (free), in instance order.
 */
int
db_instance_live(struct db *db, int64_t since, struct db_instance **out,
    size_t *n)
{
	char			 t[32];
	struct db_val		 v[] = { dbv_time(since, t) };
	struct db_res		*res;
	struct db_instance	*i;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_INSTANCE_LIVE, v, 1, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		i = &(*out)[(*n)++];
		db_res_copy(res, 0, i->instance, sizeof(i->instance));
		db_res_copy(res, 1, i->host, sizeof(i->host));
		i->pid = db_res_int(res, 2);
		db_res_copy(res, 3, i->version, sizeof(i->version));
		i->started_at = db_res_time(res, 4);
		i->seen_at = db_res_time(res, 5);
		i->inflight = (int)db_res_int(res, 6);
	}
	db_res_free(res);
	return DB_OK;
}
