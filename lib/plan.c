/*
 * Plans (SPEC §10): each is defined in cron.conf by plan.NAME.LIMIT
 * lines, and every workspace is on one (workspaces.plan).
 *
 *	plan.free.max_jobs = 5
 *	plan.free.min_interval_minutes = 5
 *	plan.free.max_executions_per_month = 10000
 *	plan.free.max_members = 3
 *	plan.free.history_days = 7
 *	default_plan = free
 *
 * A limit left out takes its default (no limit; a one-minute interval;
 * 30 days of history).  A configuration with no plan lines has one plan,
 * "free", without limits.  A workspace whose stored plan is not (or no
 * longer) defined is held to default_plan.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define P(f)	offsetof(struct cron_plan, f)

static const struct {
	const char	*name;
	size_t		 off;
	int		 min, max, def;
} limits[] = {
	{ "max_jobs", P(max_jobs), 0, 10000000, 0 },
	{ "min_interval_minutes", P(min_interval_minutes), 1, 1440, 1 },
	{ "max_executions_per_month", P(max_executions_per_month), 0,
	    2000000000, 0 },
	{ "max_members", P(max_members), 0, 100000, 0 },
	{ "history_days", P(history_days), 1, 3650, 30 },
};

#define NLIMITS	(sizeof(limits) / sizeof(limits[0]))

static void
plan_defaults(struct cron_plan *p, const char *name, size_t len)
{
	size_t	i;

	memset(p, 0, sizeof(*p));
	memcpy(p->name, name, len);
	for (i = 0; i < NLIMITS; i++)
		*(int *)((char *)p + limits[i].off) = limits[i].def;
}

static int
valid_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > CRON_PLAN_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/*
 * Sets one "NAME.LIMIT = value" (the key without its "plan." prefix).
 * Returns NULL, or a static reason for the error message.
 */
const char *
cron_plan_set(struct cron_conf *c, const char *key, const char *val)
{
	struct cron_plan	*p = NULL;
	const char		*dot = strrchr(key, '.');
	char			*end;
	long			 v;
	size_t			 i, len;

	if (dot == NULL || !valid_name(key, (len = (size_t)(dot - key))))
		return "expected plan.NAME.LIMIT with NAME of 1-32 of a-z 0-9 _ -";
	for (i = 0; i < NLIMITS; i++)
		if (strcmp(limits[i].name, dot + 1) == 0)
			break;
	if (i == NLIMITS)
		return "unknown limit (max_jobs, min_interval_minutes, "
		    "max_executions_per_month, max_members, history_days)";
	for (size_t k = 0; k < c->nplans; k++)
		if (strlen(c->plans[k].name) == len &&
		    memcmp(c->plans[k].name, key, len) == 0)
			p = &c->plans[k];
	if (p == NULL) {
		if (c->nplans == CRON_PLANS_MAX)
			return "too many plans (at most 16)";
		p = &c->plans[c->nplans++];
		plan_defaults(p, key, len);
	}
	if (p->given & (1u << i))
		return "duplicate key";
	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end != '\0' || errno != 0)
		return "not an integer";
	if (v < limits[i].min || v > limits[i].max)
		return limits[i].min == 0 ? "out of range (0 = no limit)" :
		    "out of range";
	*(int *)((char *)p + limits[i].off) = (int)v;
	p->given |= 1u << i;
	return NULL;
}

/*
 * After the whole file: the built-in plan when none is defined, and
 * default_plan must name a plan.  Returns 0, or -1 with err set.
 */
int
cron_plan_finish(struct cron_conf *c, const char *name, char *err,
    size_t errlen)
{
	if (c->nplans == 0)
		plan_defaults(&c->plans[c->nplans++], "free", 4);
	if (c->default_plan == NULL || cron_plan_find(c, c->default_plan) ==
	    NULL) {
		snprintf(err, errlen, "%s: default_plan '%s' is not a plan "
		    "defined by plan.NAME.LIMIT lines", name,
		    c->default_plan ? c->default_plan : "");
		return -1;
	}
	return 0;
}

/* The plan called name, or NULL when the configuration has none by that name. */
const struct cron_plan *
cron_plan_find(const struct cron_conf *c, const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < c->nplans; i++)
		if (strcmp(c->plans[i].name, name) == 0)
			return &c->plans[i];
	return NULL;
}

/*
 * The plan a workspace on plan name is held to: that plan, else the
 * default plan, else (a configuration never parsed) no limits at all.
 */
const struct cron_plan *
cron_plan_of(const struct cron_conf *c, const char *name)
{
	static struct cron_plan	 none;
	const struct cron_plan	*p;

	if ((p = cron_plan_find(c, name)) != NULL ||
	    (p = cron_plan_find(c, c->default_plan)) != NULL)
		return p;
	if (none.history_days == 0)
		plan_defaults(&none, "free", 4);
	return &none;
}
