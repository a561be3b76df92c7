/*
 * The scheduler's claim of due jobs (SPEC §7): a batch of active jobs
 * whose next_run_at has come, locked with FOR UPDATE SKIP LOCKED through
 * the jobs_due index (state, next_run_at, id), so concurrent schedulers
 * take disjoint batches without waiting.  The workspace's restriction is
 * read by a subquery, which takes no lock (checked: a second transaction
 * can lock that workspace row while the batch is held).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

int
db_claim_due(struct db *db, int64_t now, int limit, struct db_due **out,
    size_t *n)
{
	char		 t[32];
	struct db_val	 v[] = { dbv_time(now, t), dbv_int(limit) };
	struct db_res	*res;
	struct db_due	*d;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_CLAIM_DUE, v, 2, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		d = &(*out)[(*n)++];
		db_res_copy(res, 0, d->id, sizeof(d->id));
		db_res_copy(res, 1, d->workspace_id, sizeof(d->workspace_id));
		db_res_copy(res, 2, d->name, sizeof(d->name));
		db_res_copy(res, 3, d->kind, sizeof(d->kind));
		d->every_n_minutes = (int)db_res_int(res, 4);
		db_res_copy(res, 5, d->cron_expr, sizeof(d->cron_expr));
		db_res_copy(res, 6, d->timezone, sizeof(d->timezone));
		d->run_at = db_res_time(res, 7);
		d->next_run_at = db_res_time(res, 8);
		d->restricted = (int)db_res_int(res, 9);
	}
	db_res_free(res);
	return DB_OK;
}

/* Moves a claimed job on: next_run_at (-1: nothing more scheduled). */
int
db_claim_advance(struct db *db, const char *id, int64_t next)
{
	char		t[32];
	struct db_val	v[] = { dbv_time_null(next, t), dbv_str(id) };

	return db_exec(db, DB_CLAIM_ADVANCE, v, 2, NULL);
}

/*
 * Records the execution of one scheduled slot.  DB_DUPLICATE when that
 * slot already has one (another scheduler won the race).
 */
int
db_claim_exec(struct db *db, const char *id, const struct db_due *d,
    int64_t slot)
{
	char		t[3][32];
	struct db_val	v[] = { dbv_str(id), dbv_str(d->workspace_id),
			    dbv_str(d->id), dbv_str(d->name),
			    dbv_time(slot, t[0]), dbv_time(slot, t[1]),
			    dbv_time(slot, t[2]) };

	return db_exec(db, DB_CLAIM_EXEC, v, 7, NULL);
}

/* The earliest next_run_at of an active job, or -1 when there is none. */
int
db_claim_earliest(struct db *db, int64_t *at)
{
	struct db_res	*res;
	int		 rc;

	*at = -1;
	if ((rc = db_query(db, DB_CLAIM_EARLIEST, NULL, 0, &res)) != DB_OK)
		return rc;
	if (db_res_next(res))
		*at = db_res_time(res, 0);
	db_res_free(res);
	return DB_OK;
}
