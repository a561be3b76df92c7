/* The one configuration file shared by every program (SPEC §1). */
#ifndef CRON_CONF_H
#define CRON_CONF_H

#include <stddef.h>

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
	/* job quotas (until plans, issue 9) */
	int	 jobs_max_per_workspace;
	int	 jobs_min_interval_minutes;
	/* the runner (cron-scheduler) */
	int	 scheduler_max_inflight;
	int	 scheduler_drain_seconds;
	int	 scheduler_lease_margin_seconds;
	int	 history_days;
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

#endif
