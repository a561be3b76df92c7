/*
 * The scheduler's claim of due jobs (SPEC §7): a batch of active jobs
 * whose next_run_at has come, locked with FOR UPDATE SKIP LOCKED through
 * the jobs_due index (state, next_run_at, id), so concurrent schedulers
 * take disjoint batches without waiting.  The workspace's restriction and
 * plan are read by subqueries, which take no lock (checked: a second transaction
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
		db_res_copy(res, 10, d->plan, sizeof(d->plan));
	}
	db_res_free(res);
	return DB_OK;
}

/*
 * Records n claimed slots, each one round trip for the lot: the queued
 * execution of each that has one (id set), then every job's next_run_at
 * (-1: nothing more scheduled).  DB_DUPLICATE when a slot already has an
 * execution (another scheduler won the race): with n > 1 nothing is known
 * of which, so roll back and record them one at a time.
 */
int
db_claim_save(struct db *db, const struct db_claimed *c, size_t n)
{
	struct db_val	*v = xcalloc(n * 7 + 1, sizeof(*v));
	char		(*t)[32] = xcalloc(n + 1, sizeof(*t));
	size_t		 i, k;
	int		 rc;

	for (i = k = 0; i < n; i++) {
		if (c[i].id[0] == '\0')
			continue;
		v[k * 7] = dbv_str(c[i].id);
		v[k * 7 + 1] = dbv_str(c[i].due->workspace_id);
		v[k * 7 + 2] = dbv_str(c[i].due->id);
		v[k * 7 + 3] = dbv_str(c[i].due->name);
		v[k * 7 + 4] = dbv_time(c[i].slot, t[i]);
		v[k * 7 + 5] = v[k * 7 + 4];
		v[k * 7 + 6] = v[k * 7 + 4];
		k++;
	}
	if ((rc = db_exec_rows(db, DB_CLAIM_EXEC, v, 7, k, NULL)) == DB_OK) {
		for (i = 0; i < n; i++) {
			v[i * 2] = dbv_time_null(c[i].next, t[i]);
			v[i * 2 + 1] = dbv_str(c[i].due->id);
		}
		rc = db_exec_rows(db, DB_CLAIM_ADVANCE, v, 2, n, NULL);
	}
	free(t);
	free(v);
	return rc;
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
