/*
 * Executions counted per workspace and UTC month (SPEC §10: the monthly
 * execution quota), in the transaction that creates them.  The API takes
 * one at a time with a conditional UPDATE under the row's lock; a claim
 * batch locks the rows of its workspaces (in primary key order, so two
 * schedulers cannot deadlock on them), decides how many each may run,
 * and adds them in one round trip.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "timefmt.h"
#include "xmalloc.h"

/* "2026-11": the UTC month of now (ms). */
void
db_usage_month(int64_t now, char month[8])
{
	char	t[CRON_TIME_LEN + 1];

	cron_time_fmt(now, t);
	memcpy(month, t, 7);
	month[7] = '\0';
}

/*
 * Counts n executions for workspace wid this month.  With max > 0 the
 * count may not pass max: DB_NOTFOUND (nothing counted) when it would.
 */
int
db_usage_take(struct db *db, const char *wid, int64_t now, int n, int max)
{
	char			 month[8];
	struct db_val		 v[5];
	unsigned long long	 found = 0;
	int			 rc;

	db_usage_month(now, month);
	if (max <= 0) {
		v[0] = dbv_str(wid);
		v[1] = dbv_str(month);
		v[2] = dbv_int(n);
		return db_exec(db, DB_USAGE_ADD, v, 3, NULL);
	}
	v[0] = dbv_str(wid);
	v[1] = dbv_str(month);
	if ((rc = db_exec(db, DB_USAGE_ENSURE, v, 2, NULL)) != DB_OK)
		return rc;
	v[0] = dbv_int(n);
	v[1] = dbv_str(wid);
	v[2] = dbv_str(month);
	v[3] = dbv_int(n);
	v[4] = dbv_int(max);
	if ((rc = db_exec(db, DB_USAGE_TAKE, v, 5, &found)) != DB_OK)
		return rc;
	return found == 1 ? DB_OK : DB_NOTFOUND;
}

/*
 * Locks this month's counters of the n (<= DB_USAGE_BATCH) workspaces
 * wids[] (making missing ones) and reads them into counts[].
 */
int
db_usage_lock(struct db *db, int64_t now, const char *const *wids, size_t n,
    long long *counts)
{
	struct db_val	 v[DB_USAGE_BATCH * 2 + 1];
	struct db_res	*res;
	char		 month[8], id[26];
	size_t		 i;
	int		 rc;

	if (n == 0 || n > DB_USAGE_BATCH)
		return n == 0 ? DB_OK : DB_ERROR;
	db_usage_month(now, month);
	for (i = 0; i < n; i++) {
		v[i * 2] = dbv_str(wids[i]);
		v[i * 2 + 1] = dbv_str(month);
		counts[i] = 0;
	}
	if ((rc = db_exec_rows(db, DB_USAGE_ENSURE, v, 2, n, NULL)) != DB_OK)
		return rc;
	v[0] = dbv_str(month);
	for (i = 0; i < DB_USAGE_BATCH; i++)
		v[1 + i] = dbv_str(wids[i < n ? i : 0]);
	if ((rc = db_query(db, DB_USAGE_LOCK, v, DB_USAGE_BATCH + 1, &res)) !=
	    DB_OK)
		return rc;
	while (db_res_next(res)) {
		db_res_copy(res, 0, id, sizeof(id));
		for (i = 0; i < n; i++)
			if (strcmp(wids[i], id) == 0)
				counts[i] = db_res_int(res, 1);
	}
	db_res_free(res);
	return DB_OK;
}

/* Adds adds[i] executions to this month's counter of wids[i], n rows at once. */
int
db_usage_add(struct db *db, int64_t now, const char *const *wids,
    const int *adds, size_t n)
{
	struct db_val	*v;
	char		 month[8];
	size_t		 i, k;
	int		 rc;

	db_usage_month(now, month);
	v = xcalloc(n * 3 + 1, sizeof(*v));
	for (i = k = 0; i < n; i++) {
		if (adds[i] == 0)
			continue;
		v[k * 3] = dbv_str(wids[i]);
		v[k * 3 + 1] = dbv_str(month);
		v[k * 3 + 2] = dbv_int(adds[i]);
		k++;
	}
	rc = db_exec_rows(db, DB_USAGE_ADD, v, 3, k, NULL);
	free(v);
	return rc;
}

/* *count = the executions of workspace wid this month. */
int
db_usage_get(struct db *db, const char *wid, int64_t now, long long *count)
{
	char		 month[8];
	struct db_val	 v[2];
	struct db_res	*res;
	int		 rc;

	db_usage_month(now, month);
	v[0] = dbv_str(wid);
	v[1] = dbv_str(month);
	*count = 0;
	if ((rc = db_query(db, DB_USAGE_GET, v, 2, &res)) != DB_OK)
		return rc;
	if (db_res_next(res))
		*count = db_res_int(res, 0);
	db_res_free(res);
	return DB_OK;
}

/*
 * Locks workspace wid's row and reads its plan, job count, members and
 * pending (unexpired) invites: what the plan's quotas count.
 */
int
db_usage_seats(struct db *db, const char *wid, struct db_seats *s)
{
	struct db_val	 v[] = { dbv_str(wid) };
	struct db_res	*res;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((rc = db_query(db, DB_USAGE_SEATS, v, 1, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		db_res_copy(res, 0, s->plan, sizeof(s->plan));
		s->jobs = db_res_int(res, 1);
		s->members = db_res_int(res, 2);
		s->invites = db_res_int(res, 3);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Moves workspace wid to plan; DB_NOTFOUND when there is no such workspace. */
int
db_workspace_plan_set(struct db *db, const char *wid, const char *plan)
{
	struct db_val		v[] = { dbv_str(plan), dbv_str(wid) };
	unsigned long long	n = 0;
	int			rc;

	if ((rc = db_exec(db, DB_WORKSPACE_PLAN_SET, v, 2, &n)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}
