/* The one configuration file shared by every program (SPEC §1). */
#ifndef CRON_CONF_H
#define CRON_CONF_H

#include <stddef.h>

#define CRON_PLANS_MAX		16
#define CRON_PLAN_NAME_MAX	32

/* A plan's limits (SPEC §10); 0 means unlimited for the max_ ones. */
struct cron_plan {
	char	 name[CRON_PLAN_NAME_MAX + 1];
	int	 max_jobs;
	int	 min_interval_minutes;
	int	 max_executions_per_month;
	int	 max_members;
	int	 history_days;
	unsigned given;		/* limits set in the file (a bit each) */
};

struct cron_conf {
	/* database */
	char	*db_host;
	int	 db_port;
	char	*db_socket;
	char	*db_user;
	char	*db_password;
	char	*db_name;
	int	 db_connect_timeout;
	int	 db_io_timeout;
	/* cron-api */
	int	 api_workers;
	int	 api_max_requests;
	int	 api_backlog;
	int	 api_max_body;
	int	 api_max_json_depth;
	int	 api_drain_seconds;
	int	 api_debug_routes;
	/* accounts */
	char	*jwt_secret;
	int	 password_scrypt_log2n;
	int	 password_scrypt_r;
	int	 password_scrypt_p;
	/* rate limits (per window, shared by every worker and host) */
	int	 rate_limit_window_seconds;
	int	 rate_limit_user;
	int	 rate_limit_ip;
	int	 rate_limit_login_email;
	int	 rate_limit_resend;
	int	 rate_limit_exempt_loopback;
	/* secrets */
	char	*keyring_file;
	/* shared */
	char	*public_url;
	char	*sql_dir;
	int	 allow_private_targets;
	char	*mail_dir;
	char	*smtp_url;
	/* mail (cron-scheduler) */
	char	*mail_from;
	char	*smtp_username;
	char	*smtp_password;
	int	 smtp_starttls;
	int	 smtp_timeout;
	int	 mail_retry_base_seconds;
	/* plans (lib/plan.c): plan.NAME.LIMIT keys */
	struct cron_plan plans[CRON_PLANS_MAX];
	size_t	 nplans;
	char	*default_plan;
	/* the runner (cron-scheduler) */
	int	 scheduler_max_inflight;
	int	 scheduler_drain_seconds;
	int	 scheduler_lease_margin_seconds;
	int	 notify_retry_base_seconds;
	int	 notify_max_attempts;
	int	 notify_timeout_seconds;
	char	*telegram_api_url;
};

enum conf_type {
	CONF_INT,
	CONF_BOOL,
	CONF_STR,
	CONF_TYPE__MAX
};

/* One row of the validation table: name, type, bounds, default. */
struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	long long	 min;	/* INT: value bounds; STR: length bounds */
	long long	 max;
	const char	*def;
};

const char	*conf_default_path(void);
const char	*conf_path(const char *);
void		 conf_defaults(struct cron_conf *);
int		 conf_load(struct cron_conf *, const char *, char *, size_t);
int		 conf_parse(struct cron_conf *, const char *, const char *,
		    char *, size_t);
void		 conf_free(struct cron_conf *);
const struct conf_key *conf_keys(size_t *);

/* plan.c */
const char	*cron_plan_set(struct cron_conf *, const char *, const char *);
int		 cron_plan_finish(struct cron_conf *, const char *, char *,
		    size_t);
const struct cron_plan *cron_plan_find(const struct cron_conf *,
		    const char *);
const struct cron_plan *cron_plan_of(const struct cron_conf *, const char *);

#endif
