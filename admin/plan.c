/*
 * cron-admin plan list | set WORKSPACE_ID PLAN (SPEC §10): the plans
 * cron.conf defines (plan.NAME.LIMIT lines, lib/plan.c) with their limits
 * and how many workspaces are on each, and an operator's move of one
 * workspace to another plan.  A move changes workspaces.plan only: what
 * the workspace already has is kept even when the new plan's limits are
 * lower (the next write over a limit is refused), which set points out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "conf.h"
#include "db.h"
#include "xmalloc.h"

#define PLAN_COLS	7
#define PLAN_CELL	48

static const char *const plan_head[PLAN_COLS] = {
	"plan", "workspaces", "max_jobs", "min_interval_minutes",
	"max_executions_per_month", "max_members", "history_days"
};

/* A max_ limit as shown: 0 is no limit. */
static void
limit_cell(char *buf, int v)
{
	if (v == 0)
		snprintf(buf, PLAN_CELL, "unlimited");
	else
		snprintf(buf, PLAN_CELL, "%d", v);
}

/* The workspaces on plan name, from the counts of db_plan_counts. */
static long long
plan_count(const struct db_plan_count *pc, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(pc[i].plan, name) == 0)
			return pc[i].workspaces;
	return 0;
}

/* Fills row r of the table with plan p and its count. */
static void
plan_row(char (*row)[PLAN_CELL], const struct cron_plan *p, int dflt,
    long long count)
{
	snprintf(row[0], PLAN_CELL, "%s%s", p->name, dflt ? " (default)" : "");
	snprintf(row[1], PLAN_CELL, "%lld", count);
	limit_cell(row[2], p->max_jobs);
	snprintf(row[3], PLAN_CELL, "%d", p->min_interval_minutes);
	limit_cell(row[4], p->max_executions_per_month);
	limit_cell(row[5], p->max_members);
	snprintf(row[6], PLAN_CELL, "%d", p->history_days);
}

/* Prints nrows rows of cells as aligned columns. */
static void
print_table(char (*cells)[PLAN_COLS][PLAN_CELL], size_t nrows)
{
	size_t	w[PLAN_COLS] = { 0 }, r, c;

	for (r = 0; r < nrows; r++)
		for (c = 0; c < PLAN_COLS; c++)
			if (strlen(cells[r][c]) > w[c])
				w[c] = strlen(cells[r][c]);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < PLAN_COLS; c++)
			printf("%-*s%s", c + 1 < PLAN_COLS ? (int)w[c] : 0,
			    cells[r][c], c + 1 < PLAN_COLS ? "  " : "\n");
}

/*
 * cron-admin plan list: every configured plan, then the plan names that
 * workspaces have but the configuration no longer defines (those
 * workspaces are held to default_plan).
 */
static int
plan_list(const struct cron_conf *conf)
{
	struct db		*db = db_new(conf, 0);
	struct db_plan_count	*pc = NULL;
	char			(*cells)[PLAN_COLS][PLAN_CELL];
	size_t			 i, n = 0;
	int			 rc;

	if ((rc = db_plan_counts(db, &pc, &n)) != DB_OK) {
		fprintf(stderr, "cron-admin: plan list: %s\n", rc == DB_GONE ?
		    "cannot connect to the database" : "database error");
		db_free(db);
		return 1;
	}
	cells = xcalloc(conf->nplans + 1, sizeof(*cells));
	for (i = 0; i < PLAN_COLS; i++)
		snprintf(cells[0][i], PLAN_CELL, "%s", plan_head[i]);
	for (i = 0; i < conf->nplans; i++)
		plan_row(cells[i + 1], &conf->plans[i],
		    strcmp(conf->plans[i].name, conf->default_plan) == 0,
		    plan_count(pc, n, conf->plans[i].name));
	print_table(cells, conf->nplans + 1);
	for (i = 0; i < n; i++)
		if (cron_plan_find(conf, pc[i].plan) == NULL)
			printf("not configured: %s, %lld workspace%s (held to "
			    "%s)\n", pc[i].plan, pc[i].workspaces,
			    pc[i].workspaces == 1 ? "" : "s",
			    conf->default_plan);
	free(cells);
	free(pc);
	db_free(db);
	return 0;
}

/* What plan set changes, for the transaction. */
struct plan_move {
	const char	*id;
	const char	*plan;
	struct db_seats	 seats;		/* before the move */
};

static int
plan_move_txn(struct db *db, void *arg)
{
	struct plan_move	*m = arg;
	int			 rc;

	if ((rc = db_usage_seats(db, m->id, &m->seats)) != DB_OK)
		return rc;
	if (strcmp(m->seats.plan, m->plan) == 0)
		return DB_OK;
	return db_workspace_plan_set(db, m->id, m->plan);
}

/* Points out what the workspace has over the new plan's limits. */
static void
plan_over(const struct plan_move *m, const struct cron_plan *p)
{
	long long	seats = m->seats.members + m->seats.invites;

	if (p->max_jobs > 0 && m->seats.jobs > p->max_jobs)
		printf("note: %lld jobs, over max_jobs %d of plan %s (kept; "
		    "no more can be created)\n", m->seats.jobs, p->max_jobs,
		    p->name);
	if (p->max_members > 0 && seats > p->max_members)
		printf("note: %lld members and pending invites, over "
		    "max_members %d of plan %s (kept; no more can be "
		    "invited)\n", seats, p->max_members, p->name);
}

/* Lists the configured plan names into buf, for a message. */
static const char *
plan_names(const struct cron_conf *conf, char *buf, size_t len)
{
	size_t	i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < conf->nplans && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i > 0 ? ", " : "", conf->plans[i].name);
	return buf;
}

/* cron-admin plan set WORKSPACE_ID PLAN */
static int
plan_set(const struct cron_conf *conf, const char *id, const char *name)
{
	const struct cron_plan	*p;
	struct plan_move	 m;
	struct db		*db;
	char			 names[CRON_PLANS_MAX * (CRON_PLAN_NAME_MAX + 2)];
	int			 rc;

	if ((p = cron_plan_find(conf, name)) == NULL) {
		fprintf(stderr, "cron-admin: plan '%s' is not configured "
		    "(plans: %s)\n", name, plan_names(conf, names,
		    sizeof(names)));
		return 1;
	}
	memset(&m, 0, sizeof(m));
	m.id = id;
	m.plan = p->name;
	db = db_new(conf, 0);
	rc = db_txn(db, plan_move_txn, &m);
	db_free(db);
	if (rc == DB_NOTFOUND) {
		fprintf(stderr, "cron-admin: workspace %s: not found\n", id);
		return 1;
	}
	if (rc != DB_OK) {
		fprintf(stderr, "cron-admin: workspace %s: %s\n", id,
		    rc == DB_GONE ? "cannot connect to the database" :
		    "database error");
		return 1;
	}
	printf("workspace %s: plan %s -> %s%s\n", id, m.seats.plan, p->name,
	    strcmp(m.seats.plan, p->name) == 0 ? " (unchanged)" : "");
	plan_over(&m, p);
	return 0;
}

/* cron-admin plan list | set WORKSPACE_ID PLAN */
int
adm_plan(const struct cron_conf *conf, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return plan_list(conf);
	if (argc == 4 && strcmp(argv[1], "set") == 0)
		return plan_set(conf, argv[2], argv[3]);
	fprintf(stderr, "usage: cron-admin plan list | set WORKSPACE_ID "
	    "PLAN\n");
	return 2;
}
