/*
 * cronctl: the end-user command-line client (SPEC §11).  One internal
 * header, prototypes grouped by source file.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* Exit statuses (SPEC §11). */
enum ctl_exit {
	CTL_OK = 0,		/* success */
	CTL_EAPI = 1,		/* the API answered with an error */
	CTL_EUSAGE = 2,		/* bad command line, nothing sent */
	CTL_ENET = 3,		/* the API could not be reached */
};

/* A command-line option a command accepts (besides the global ones). */
struct ctl_optdef {
	const char	*name;		/* long name, without "--" */
	int		 key;		/* short letter, or 0 */
	const char	*arg;		/* argument's name, NULL for a switch */
	const char	*help;
};

struct ctl;

/* A command: "GROUP VERB" (or "VERB" when group is NULL). */
struct ctl_cmd {
	const char		*group;
	const char		*verb;
	int			(*fn)(struct ctl *);
	int			 nargs;		/* positional arguments required */
	const char		*args;		/* their names, for usage */
	const char		*summary;
	const struct ctl_optdef	*opts;		/* NULL-terminated, or NULL */
	const char		*more;		/* extra help text, or NULL */
};

#define CTL_MAX_OPTS	64

/* Everything a command needs: resolved settings and its parsed command line. */
struct ctl {
	/* settings, resolved flag > environment > config file */
	const char		*api_url;	/* without a trailing "/" or "/v1" */
	const char		*token;
	const char		*cacert;
	int			 insecure;
	int			 json;		/* --json: the API's JSON unchanged */
	const char		*url_from;	/* "--api-url", "CRON_API_URL", ... */
	const char		*token_from;
	char			*conf_path;	/* ~/.cronctl/config.json */
	struct json_object	*conf;		/* its contents (an object) */

	/* the command and its command line */
	const struct ctl_cmd	*cmd;
	struct {
		const char	*name;
		char		*val;		/* NULL for a switch */
	}			 opt[CTL_MAX_OPTS];
	size_t			 nopt;
	char			**args;		/* positional arguments */
	int			 nargs;
};

/* An API answer. */
struct ctl_resp {
	long			 status;	/* HTTP status */
	char			*raw;		/* the body as received, NUL-ended */
	size_t			 len;
	struct json_object	*body;		/* parsed, or NULL */
	long			 retry_after;	/* seconds, or -1 */
};

/* main.c */
int		 ctl_usage(struct ctl *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*ctl_opt(const struct ctl *, const char *);
int		 ctl_has(const struct ctl *, const char *);
size_t		 ctl_opt_all(const struct ctl *, const char *, const char **,
		    size_t);
int		 ctl_opt_int(struct ctl *, const char *, long, long, long *);

/* conf.c */
int		 ctl_conf_load(struct ctl *);
int		 ctl_conf_save(struct ctl *);
void		 ctl_conf_set(struct ctl *, const char *, const char *);

/* http.c */
void		 ctl_http_init(void);
void		 ctl_http_cleanup(void);
int		 ctl_call(struct ctl *, const char *, const char *,
		    struct json_object *, struct ctl_resp *);
int		 ctl_call_q(struct ctl *, const char *, const char *,
		    const char *const *, struct ctl_resp *);
int		 ctl_show(struct ctl *, const char *, const char *,
		    struct json_object *, void (*)(struct json_object *));
int		 ctl_show_id(struct ctl *, const char *, const char *,
		    const char *, struct json_object *,
		    void (*)(struct json_object *));
int		 ctl_list(struct ctl *, const char *,
		    void (*)(struct json_object *));
int		 ctl_delete(struct ctl *, const char *, const char *,
		    const char *);
void		 ctl_resp_free(struct ctl_resp *);
void		 ctl_json_wipe(struct json_object *, const char *);
char		*ctl_path(const char *, const char *, const char *);

/* out.c */
struct ctl_table;
struct ctl_col {
	const char	*head;		/* the heading */
	const char	*path;		/* dotted path in an item */
	int		 time;		/* an ISO time: absolute + relative */
};
struct ctl_table *ctl_table_new(const char *const *);
void		 ctl_table_row(struct ctl_table *, ...);
void		 ctl_table_rowv(struct ctl_table *, const char *const *);
void		 ctl_items(struct json_object *, const struct ctl_col *);
void		 ctl_table_print(struct ctl_table *, FILE *);
void		 ctl_table_free(struct ctl_table *);
const char	*ctl_str(struct json_object *, const char *);
const char	*ctl_path_str(struct json_object *, const char *);
char		*ctl_when(const char *);
char		*ctl_ago(const char *);
void		 ctl_kv(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 ctl_print(struct ctl *, struct ctl_resp *,
		    void (*)(struct json_object *));
int		 ctl_done(struct ctl *, struct ctl_resp *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 ctl_warn(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* cmd_auth.c */
int		 ctl_login(struct ctl *);
int		 ctl_logout(struct ctl *);
int		 ctl_whoami(struct ctl *);
int		 ctl_ws_list(struct ctl *);
int		 ctl_ws_switch(struct ctl *);
int		 ctl_ws_create(struct ctl *);
extern const struct ctl_optdef ctl_login_opts[], ctl_ws_create_opts[];

/* cmd_jobs.c */
int		 ctl_jobs_list(struct ctl *);
int		 ctl_jobs_get(struct ctl *);
int		 ctl_jobs_create(struct ctl *);
int		 ctl_jobs_update(struct ctl *);
int		 ctl_jobs_delete(struct ctl *);
int		 ctl_jobs_pause(struct ctl *);
int		 ctl_jobs_resume(struct ctl *);
int		 ctl_jobs_activate(struct ctl *);
int		 ctl_jobs_run(struct ctl *);
int		 ctl_jobs_preview(struct ctl *);
int		 ctl_jobs_import(struct ctl *);
extern const struct ctl_optdef ctl_jobs_list_opts[], ctl_job_opts[],
		 ctl_jobs_preview_opts[], ctl_jobs_import_opts[];
extern const char ctl_job_help[];

/* cmd_exec.c */
int		 ctl_exec_list(struct ctl *);
int		 ctl_exec_get(struct ctl *);
int		 ctl_exec_replay(struct ctl *);
extern const struct ctl_optdef ctl_exec_list_opts[];

/* cmd_workspace.c: secrets, tokens, members */
int		 ctl_secrets_list(struct ctl *);
int		 ctl_secrets_create(struct ctl *);
int		 ctl_secrets_delete(struct ctl *);
int		 ctl_tokens_list(struct ctl *);
int		 ctl_tokens_create(struct ctl *);
int		 ctl_tokens_revoke(struct ctl *);
int		 ctl_members_list(struct ctl *);
int		 ctl_members_invite(struct ctl *);
int		 ctl_members_remove(struct ctl *);
int		 ctl_members_role(struct ctl *);
extern const struct ctl_optdef ctl_list_opts[], ctl_secrets_create_opts[],
		 ctl_name_opts[], ctl_invite_opts[];

/* cmd_notify.c: channels and rules */
int		 ctl_channels_list(struct ctl *);
int		 ctl_channels_get(struct ctl *);
int		 ctl_channels_create(struct ctl *);
int		 ctl_channels_delete(struct ctl *);
int		 ctl_channels_test(struct ctl *);
int		 ctl_rules_list(struct ctl *);
int		 ctl_rules_add(struct ctl *);
int		 ctl_rules_delete(struct ctl *);
extern const struct ctl_optdef ctl_channel_opts[], ctl_rule_opts[];
extern const char ctl_channel_help[];

#endif
