/*
 * Configuration: flat "key = value" lines with "#" comments, validated by
 * one table (redis static_configs).  Unknown keys, duplicates and bad values
 * are errors that name the file and line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xmalloc.h"

#ifndef CRON_SYSCONFDIR
#define CRON_SYSCONFDIR "/etc"
#endif
#ifndef CRON_DATADIR
#define CRON_DATADIR "/usr/share/cron-platform"
#endif

#define CONF_LINE_MAX	4096
#define O(f)	offsetof(struct cron_conf, f)

static const struct conf_key conf_table[] = {
	{ "db_host",		CONF_STR,  O(db_host),		0, 255, "localhost" },
	{ "db_port",		CONF_INT,  O(db_port),		1, 65535, "3306" },
	{ "db_socket",		CONF_STR,  O(db_socket),	0, 1024, "" },
	{ "db_user",		CONF_STR,  O(db_user),		1, 80, "cron" },
	{ "db_password",	CONF_STR,  O(db_password),	0, 255, "" },
	{ "db_name",		CONF_STR,  O(db_name),		1, 64, "cron" },
	{ "db_connect_timeout",	CONF_INT,  O(db_connect_timeout), 1, 60, "3" },
	{ "db_io_timeout",	CONF_INT,  O(db_io_timeout),	1, 3600, "30" },
	{ "api_workers",	CONF_INT,  O(api_workers),	1, 256, "8" },
	{ "api_max_requests",	CONF_INT,  O(api_max_requests),	0, 1000000000, "10000" },
	{ "api_backlog",	CONF_INT,  O(api_backlog),	1, 65535, "1024" },
	{ "api_max_body",	CONF_INT,  O(api_max_body),	1024, 16777216, "262144" },
	{ "api_max_json_depth",	CONF_INT,  O(api_max_json_depth), 2, 64, "16" },
	{ "api_drain_seconds",	CONF_INT,  O(api_drain_seconds), 1, 3600, "30" },
	{ "api_debug_routes",	CONF_BOOL, O(api_debug_routes), 0, 1, "0" },
	{ "jwt_secret",		CONF_STR,  O(jwt_secret),	0, 512, "" },
	{ "password_scrypt_log2n", CONF_INT, O(password_scrypt_log2n), 10, 22, "17" },
	{ "password_scrypt_r",	CONF_INT,  O(password_scrypt_r), 1, 32, "8" },
	{ "password_scrypt_p",	CONF_INT,  O(password_scrypt_p), 1, 16, "1" },
	{ "rate_limit_window_seconds", CONF_INT, O(rate_limit_window_seconds), 1, 86400, "60" },
	{ "rate_limit_user",	CONF_INT,  O(rate_limit_user),	0, 1000000, "600" },
	{ "rate_limit_ip",	CONF_INT,  O(rate_limit_ip),	0, 1000000, "20" },
	{ "rate_limit_login_email", CONF_INT, O(rate_limit_login_email), 0, 1000000, "10" },
	{ "rate_limit_resend",	CONF_INT,  O(rate_limit_resend), 0, 1000000, "3" },
	{ "rate_limit_exempt_loopback", CONF_BOOL, O(rate_limit_exempt_loopback), 0, 1, "0" },
	{ "keyring_file",	CONF_STR,  O(keyring_file),	1, 1024,
	    CRON_SYSCONFDIR "/cron-platform/keyring" },
	{ "public_url",		CONF_STR,  O(public_url),	1, 255, "https://localhost" },
	{ "sql_dir",		CONF_STR,  O(sql_dir),		1, 1024, CRON_DATADIR "/sql" },
	{ "allow_private_targets", CONF_BOOL, O(allow_private_targets), 0, 1, "0" },
	{ "mail_dir",		CONF_STR,  O(mail_dir),		0, 1024, "" },
	{ "smtp_url",		CONF_STR,  O(smtp_url),		0, 1024, "" },
	{ "mail_from",		CONF_STR,  O(mail_from),	1, 255,
	    "cron-platform <noreply@localhost>" },
	{ "smtp_username",	CONF_STR,  O(smtp_username),	0, 255, "" },
	{ "smtp_password",	CONF_STR,  O(smtp_password),	0, 255, "" },
	{ "smtp_starttls",	CONF_BOOL, O(smtp_starttls),	0, 1, "0" },
	{ "smtp_timeout",	CONF_INT,  O(smtp_timeout),	1, 300, "30" },
	{ "mail_retry_base_seconds", CONF_INT, O(mail_retry_base_seconds), 1, 3600,
	    "30" },
	/* plans: the plan.NAME.LIMIT keys are read by lib/plan.c */
	{ "default_plan", CONF_STR, O(default_plan), 1, CRON_PLAN_NAME_MAX,
	    "free" },
	/* the runner (cron-scheduler) */
	{ "scheduler_max_inflight", CONF_INT, O(scheduler_max_inflight), 1,
	    100000, "1000" },
	{ "scheduler_drain_seconds", CONF_INT, O(scheduler_drain_seconds), 0,
	    3600, "30" },
	{ "scheduler_lease_margin_seconds", CONF_INT,
	    O(scheduler_lease_margin_seconds), 1, 3600, "60" },
	/* notification deliveries (cron-scheduler) */
	{ "notify_retry_base_seconds", CONF_INT, O(notify_retry_base_seconds),
	    1, 3600, "30" },
	{ "notify_max_attempts", CONF_INT, O(notify_max_attempts), 1, 20,
	    "8" },
	{ "notify_timeout_seconds", CONF_INT, O(notify_timeout_seconds), 1,
	    120, "15" },
	{ "telegram_api_url", CONF_STR, O(telegram_api_url), 1, 255,
	    "https://api.telegram.org" },
};

#define CONF_NKEYS	(sizeof(conf_table) / sizeof(conf_table[0]))

/* Keys of earlier versions, refused with what replaced them. */
static const struct {
	const char	*name;
	const char	*instead;
} conf_removed[] = {
	{ "jobs_max_per_workspace", "plan.NAME.max_jobs" },
	{ "jobs_min_interval_minutes", "plan.NAME.min_interval_minutes" },
	{ "history_days", "plan.NAME.history_days" },
};

const struct conf_key *
conf_keys(size_t *n)
{
	*n = CONF_NKEYS;
	return conf_table;
}

const char *
conf_default_path(void)
{
	return CRON_SYSCONFDIR "/cron-platform/cron.conf";
}

/* Returns the file to read: the -f flag, else $CRON_CONF, else the default. */
const char *
conf_path(const char *flag)
{
	const char	*env;

	if (flag != NULL && *flag != '\0')
		return flag;
	if ((env = getenv("CRON_CONF")) != NULL && *env != '\0')
		return env;
	return conf_default_path();
}

/* Stores value v into key k of c; returns NULL or a static reason. */
static const char *
conf_set(struct cron_conf *c, const struct conf_key *k, const char *v)
{
	char		*end, **sp;
	long long	 n;
	size_t		 len;

	switch (k->type) {
	case CONF_INT:
	case CONF_BOOL:
		if (k->type == CONF_BOOL && (!strcmp(v, "yes") ||
		    !strcmp(v, "true") || !strcmp(v, "on")))
			v = "1";
		else if (k->type == CONF_BOOL && (!strcmp(v, "no") ||
		    !strcmp(v, "false") || !strcmp(v, "off")))
			v = "0";
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0)
			return k->type == CONF_BOOL ? "not a boolean" :
			    "not an integer";
		if (n < k->min || n > k->max)
			return "out of range";
		*(int *)((char *)c + k->off) = (int)n;
		return NULL;
	case CONF_STR:
		len = strlen(v);
		if ((long long)len < k->min || (long long)len > k->max)
			return "length out of range";
		sp = (char **)((char *)c + k->off);
		free(*sp);
		*sp = xstrdup(v);
		return NULL;
	default:
		return "bad key type";
	}
}

/* Fills c with every key's default.  Owned strings: free with conf_free. */
void
conf_defaults(struct cron_conf *c)
{
	size_t	i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CONF_NKEYS; i++)
		if (conf_set(c, &conf_table[i], conf_table[i].def) != NULL)
			abort();
}

void
conf_free(struct cron_conf *c)
{
	size_t	 i;
	char	**sp;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (conf_table[i].type != CONF_STR)
			continue;
		sp = (char **)((char *)c + conf_table[i].off);
		if ((conf_table[i].off == O(db_password) ||
		    conf_table[i].off == O(jwt_secret) ||
		    conf_table[i].off == O(smtp_password)) && *sp != NULL)
			explicit_bzero(*sp, strlen(*sp));
		free(*sp);
		*sp = NULL;
	}
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Parses one line "key = value" into c.  Returns 0, or -1 with err set.
 * seen[] marks keys already given so duplicates are refused.
 */
static int
conf_line(struct cron_conf *c, char *line, unsigned char *seen,
    const char *name, int lineno, char *err, size_t errlen)
{
	char		*eq, *key, *val;
	const char	*why;
	size_t		 i, vlen;

	if ((key = trim(line))[0] == '\0' || key[0] == '#')
		return 0;
	if ((eq = strchr(key, '=')) == NULL) {
		snprintf(err, errlen, "%s:%d: expected 'key = value'",
		    name, lineno);
		return -1;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	vlen = strlen(val);
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val[vlen - 1] = '\0';
		val++;
	}
	if (strncmp(key, "plan.", 5) == 0) {
		if ((why = cron_plan_set(c, key + 5, val)) != NULL) {
			snprintf(err, errlen, "%s:%d: %s: %s", name, lineno,
			    key, why);
			return -1;
		}
		return 0;
	}
	for (i = 0; i < sizeof(conf_removed) / sizeof(conf_removed[0]); i++)
		if (strcmp(conf_removed[i].name, key) == 0) {
			snprintf(err, errlen, "%s:%d: '%s' was replaced by "
			    "plans: use %s (see cron.conf(5))", name, lineno,
			    key, conf_removed[i].instead);
			return -1;
		}
	for (i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_table[i].name, key) == 0)
			break;
	if (i == CONF_NKEYS) {
		snprintf(err, errlen, "%s:%d: unknown key '%.64s'",
		    name, lineno, key);
		return -1;
	}
	if (seen[i]++) {
		snprintf(err, errlen, "%s:%d: duplicate key '%s'",
		    name, lineno, key);
		return -1;
	}
	if ((why = conf_set(c, &conf_table[i], val)) != NULL) {
		snprintf(err, errlen, "%s:%d: %s: %s (%lld..%lld)", name, lineno,
		    key, why, conf_table[i].min, conf_table[i].max);
		return -1;
	}
	return 0;
}

/*
 * Parses the text of a configuration (name is used in messages) on top of
 * whatever c holds.  Returns 0, or -1 with a message naming the line in err.
 */
int
conf_parse(struct cron_conf *c, const char *name, const char *text,
    char *err, size_t errlen)
{
	unsigned char	 seen[CONF_NKEYS];
	char		 line[CONF_LINE_MAX];
	const char	*p = text, *nl;
	size_t		 len;
	int		 lineno = 0;

	memset(seen, 0, sizeof(seen));
	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long",
			    name, lineno);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (conf_line(c, line, seen, name, lineno, err, errlen) == -1)
			return -1;
		p += len + (nl != NULL);
	}
	return cron_plan_finish(c, name, err, errlen);
}

/*
 * Loads defaults and then the file at path.  Returns 0, or -1 with a
 * message in err.  The caller owns c's strings (conf_free).
 */
int
conf_load(struct cron_conf *c, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	*text;
	long	 size;
	int	 rc;

	conf_defaults(c);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (size = ftell(f)) < 0 ||
	    size > 1024 * 1024 || fseek(f, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: unreadable or too large", path);
		fclose(f);
		return -1;
	}
	text = xmalloc((size_t)size + 1);
	text[fread(text, 1, (size_t)size, f)] = '\0';
	fclose(f);
	if (strlen(text) != (size_t)size) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		rc = -1;
	} else
		rc = conf_parse(c, path, text, err, errlen);
	explicit_bzero(text, (size_t)size);
	free(text);
	return rc;
}
