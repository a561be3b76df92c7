/*
 * cron-api internal interface: prototypes grouped by source file
 * (OpenBSD httpd.h style).
 */
#ifndef CRON_API_H
#define CRON_API_H

#include <stddef.h>
#include <stdint.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "db.h"
#include "schedule.h"

struct cron_conf;
struct cron_plan;
struct cron_keyring;
struct db;

#define API_MAX_PARAMS		4
#define API_REQUEST_ID_MAX	128

enum api_method {
	API_GET,
	API_POST,
	API_PUT,
	API_PATCH,
	API_DELETE,
	API_METHOD__MAX
};

/* Every error the API answers with; the status and code live in http.c. */
enum api_err {
	API_E_INVALID_JSON,
	API_E_UNAUTHORIZED,
	API_E_INVALID_CREDENTIALS,
	API_E_TOKEN_ORPHANED,
	API_E_TOKEN_CREATOR_REMOVED,
	API_E_EMAIL_NOT_VERIFIED,
	API_E_INSUFFICIENT_ROLE,
	API_E_WORKSPACE_RESTRICTED,
	API_E_ACCOUNT_RESTRICTED,
	API_E_PLAN_LIMIT_EXCEEDED,
	API_E_NOT_FOUND,
	API_E_METHOD_NOT_ALLOWED,
	API_E_CONFLICT,
	API_E_PAYLOAD_TOO_LARGE,
	API_E_UNSUPPORTED_MEDIA_TYPE,
	API_E_VALIDATION,
	API_E_RATE_LIMITED,
	API_E_INTERNAL,
	API_E_UNAVAILABLE,
	API_E__MAX
};

/* Operations: the key of the permission table (authz, issue 3). */
enum api_op {
	API_OP_HEALTH,
	API_OP_OPENAPI,
	API_OP_DEBUG,
	API_OP_AUTH_SIGNUP,
	API_OP_AUTH_LOGIN,
	API_OP_AUTH_VERIFY,
	API_OP_AUTH_RESEND,
	API_OP_AUTH_SWITCH,
	API_OP_AUTH_PASSWORD,
	API_OP_ME_GET,
	API_OP_WORKSPACES_LIST,
	API_OP_WORKSPACES_CREATE,
	API_OP_TOKENS_LIST,
	API_OP_TOKENS_CREATE,
	API_OP_TOKENS_DELETE,
	API_OP_ME_DELETE,
	API_OP_WORKSPACE_GET,
	API_OP_WORKSPACE_UPDATE,
	API_OP_MEMBERS_LIST,
	API_OP_MEMBERS_UPDATE,
	API_OP_MEMBERS_DELETE,
	API_OP_INVITES_LIST,
	API_OP_INVITES_CREATE,
	API_OP_INVITES_DELETE,
	API_OP_INVITES_ACCEPT,
	API_OP_WORKSPACE_TRANSFER,
	API_OP_BILLING_GET,
	API_OP_BILLING_UPDATE,
	API_OP_SECRETS_LIST,
	API_OP_SECRETS_CREATE,
	API_OP_SECRETS_DELETE,
	API_OP_JOBS_LIST,
	API_OP_JOBS_GET,
	API_OP_JOBS_PREVIEW,
	API_OP_JOBS_CREATE,
	API_OP_JOBS_UPDATE,
	API_OP_JOBS_DELETE,
	API_OP_JOBS_PAUSE,
	API_OP_JOBS_RESUME,
	API_OP_JOBS_ACTIVATE,
	API_OP_JOBS_RUN,
	API_OP_JOBS_IMPORT,
	API_OP_JOBS_EXECUTIONS,
	API_OP_EXECUTIONS_LIST,
	API_OP_EXECUTIONS_GET,
	API_OP_EXECUTIONS_REPLAY,
	API_OP_CHANNELS_LIST,
	API_OP_CHANNELS_GET,
	API_OP_CHANNELS_CREATE,
	API_OP_CHANNELS_UPDATE,
	API_OP_CHANNELS_DELETE,
	API_OP_CHANNELS_TEST,
	API_OP_RULES_LIST,
	API_OP_RULES_CREATE,
	API_OP_RULES_DELETE,
	API_OP__MAX
};

#define ROUTE_BODY	0x01	/* takes a JSON request body */
#define ROUTE_DEBUG	0x02	/* exists only with api_debug_routes = 1 */

enum api_role {
	API_ROLE_MEMBER,
	API_ROLE_ADMIN,
	API_ROLE_OWNER,
	API_ROLE__MAX
};

/* A row of the permission table (authz.c), indexed by enum api_op. */
struct api_perm {
	unsigned	 defined:1;	/* the row exists */
	unsigned	 public:1;	/* no credentials needed */
	unsigned	 account:1;	/* about the caller's account: no
					   workspace role needed */
	unsigned	 verified:1;	/* needs a verified email */
	unsigned	 write:1;	/* blocked when workspace restricted */
	unsigned	 token_ok:1;	/* API tokens may do it */
	unsigned	 limited:1;	/* public, but rate limited by address */
	enum api_role	 min_role;
};

enum api_cred {
	API_CRED_NONE,
	API_CRED_JWT,
	API_CRED_TOKEN
};

/* Who is calling: filled by authn.c before the permission check. */
struct api_caller {
	enum api_cred		 cred;
	struct db_session	 s;
	enum api_role		 role;		/* valid when member */
	int			 member;
};

/* Field declarations for api_validate (valid.c). */
enum api_ftype {
	API_F_STRING,		/* min/max: length in characters */
	API_F_INT,		/* min/max: value */
	API_F_BOOL,
	API_F_OBJECT,		/* any JSON object; members checked apart */
	API_F_ANY		/* any JSON value; checked apart */
};
#define API_F_REQUIRED	0x01

struct api_field {
	const char	*name;
	enum api_ftype	 type;
	unsigned	 flags;
	long long	 min;
	long long	 max;
	const char	*(*check)(const char *);
};

struct api_req;

struct api_route {
	enum api_method	 method;
	const char	*pattern;	/* "/v1/jobs/:id" */
	void		(*handler)(struct api_req *);
	enum api_op	 op;
	unsigned	 flags;
};

/* Per-worker state, alive for the life of the worker. */
struct api_ctx {
	const struct cron_conf	*conf;
	struct db		*db;
	struct cron_keyring	*keyring;	/* secrets; loaded at start */
};

/* One request; everything it owns is freed by api_req_free. */
struct api_req {
	FCGX_Request		*fcgx;
	struct api_ctx		*ctx;
	enum api_method		 method;
	const char		*method_str;
	char			*path;
	const char		*query;
	const char		*remote_addr;
	char			 request_id[API_REQUEST_ID_MAX + 1];
	const struct api_route	*route;
	char			*pathbuf;
	const char		*params[API_MAX_PARAMS];
	size_t			 nparams;
	char			*body;
	size_t			 body_len;
	struct json_object	*json;
	char			*headers;	/* extra response headers */
	size_t			 headers_len;
	int			 status;
	const char		*errcode;
	int64_t			 start_us;
	struct api_caller	 caller;
};

/* pool.c */
struct api_pool {
	int	  listen_fd;
	int	  workers;
	int	  max_requests;
	int	  drain_seconds;
	void	(*worker_init)(void *);
	void	(*worker_fini)(void *);
	void	(*handle)(FCGX_Request *, void *);
	void	 *arg;
};
int	 api_listen(const char *, int);
int	 api_pool_run(const struct api_pool *);

/* http.c */
void	 api_handle(FCGX_Request *, void *);
const char *api_param(const struct api_req *, const char *);
int	 api_read_body(struct api_req *);
int	 api_query(const struct api_req *, const char *, char *, size_t);
int	 api_json_content_type(const char *);
void	 api_header(struct api_req *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 api_respond(struct api_req *, int, struct json_object *);
void	 api_respond_raw(struct api_req *, int, const char *, const void *,
	    size_t);
void	 api_error(struct api_req *, enum api_err, const char *,
	    struct json_object *);
const char *api_method_name(enum api_method);

/* route.c */
void	 api_dispatch(struct api_req *);
void	 api_routes_print(int);

/* authn.c */
int	 api_authenticate(struct api_req *);
char	*api_jwt_issue(const struct api_req *, const char *, const char *);
enum api_role api_role_parse(const char *);
const char *api_role_name(enum api_role);
int	 api_db_error(struct api_req *, int);

/* ratelimit.c */
int	 api_rate_public(struct api_req *);
int	 api_rate_caller(struct api_req *);

/* valid.c */
int	 api_validate(struct api_req *, const struct api_field *, size_t);
size_t	 api_utf8_chars(const char *);
void	 api_check_fields(struct json_object *, const char *,
	    const struct api_field *, size_t, struct json_object *);
void	 api_field_bad(struct json_object *, const char *, const char *,
	    const char *);
int	 api_fields_answer(struct api_req *, struct json_object *);
int	 api_invalid(struct api_req *, const char *, const char *);
int	 api_query_time(struct api_req *, const char *, int64_t *,
	    struct json_object *);
const char *valid_email(const char *);
const char *valid_timezone(const char *);
const char *valid_id(const char *);
void	 api_email_norm(const char *, char *);
int	 api_page(struct api_req *, int *, char[26]);
size_t	 api_page_last(size_t, int);
void	 api_respond_page(struct api_req *, struct json_object *, int,
	    const char *);

/* authz.c */
const struct api_perm *api_perm(enum api_op);
int	 api_authorize(struct api_req *);

/* h_auth.c */
void	 h_auth_signup(struct api_req *);
void	 h_auth_login(struct api_req *);
void	 h_auth_verify_post(struct api_req *);
void	 h_auth_verify_get(struct api_req *);
void	 h_auth_resend(struct api_req *);
void	 h_auth_switch(struct api_req *);
void	 h_auth_password(struct api_req *);

/* h_tokens.c */
void	 h_tokens_create(struct api_req *);
void	 h_tokens_list(struct api_req *);
void	 h_tokens_delete(struct api_req *);

/* h_me.c */
void	 h_me_get(struct api_req *);
void	 h_workspaces_list(struct api_req *);
void	 h_workspaces_create(struct api_req *);
void	 h_me_delete(struct api_req *);

/* h_secrets.c */
void	 h_secrets_create(struct api_req *);
void	 h_secrets_list(struct api_req *);
void	 h_secrets_delete(struct api_req *);

/* job.c */
#define JOB_CREATE	0x01	/* "state" (active or draft) may be given */
#define JOB_FUTURE	0x02	/* a scheduled run_at must be in the future */
const char *job_state_valid(const char *);
const char *job_kind_valid(const char *);
struct json_object *job_validate(const struct cron_conf *, struct json_object *,
	    int, int64_t, struct db_job *, struct cron_sched *);
int	 job_build(struct api_req *, struct json_object *, int, int64_t,
	    struct db_job *, struct cron_sched *);
const char *job_url_why(const char *, const struct cron_conf *);
int	 job_interval_limit(const struct cron_plan *,
	    const struct cron_sched *, int64_t);
int	 job_check_interval(struct api_req *, const struct cron_sched *,
	    int64_t);
struct json_object *job_spec_json(const struct db_job *);
struct json_object *job_json(const struct db_job *);
struct json_object *api_limit_details(const char *, long long);
const struct cron_plan *api_plan(const struct api_req *);
/* a plan's max_ limit as a bound: 0 (no limit) is INT_MAX */
#define API_LIMIT(n)	((n) > 0 ? (n) : INT_MAX)

/* h_jobs.c */
void	 h_jobs_create(struct api_req *);
void	 h_jobs_list(struct api_req *);
void	 h_jobs_get(struct api_req *);
void	 h_jobs_patch(struct api_req *);
void	 h_jobs_delete(struct api_req *);
void	 h_jobs_pause(struct api_req *);
void	 h_jobs_resume(struct api_req *);
void	 h_jobs_activate(struct api_req *);
void	 h_jobs_run(struct api_req *);
void	 h_jobs_preview(struct api_req *);

/* h_jobs_import.c */
void	 h_jobs_import(struct api_req *);

/* execution.c */
void	 exec_queued(struct db_exec *, const struct db_job *, const char *,
	    int64_t, const char *);
#define EXEC_QUOTA	(-100)	/* exec_insert: the month's executions are used */
int	 exec_insert(struct db *, const struct api_req *,
	    const struct db_exec *);
void	 exec_quota_error(struct api_req *);
struct json_object *exec_json(const struct db_exec *,
	    const struct db_attempt *, size_t);
void	 exec_notifications(struct json_object *,
	    const struct db_exec_delivery *, size_t);
struct json_object *exec_item_json(const struct db_exec *);

/* h_executions.c */
void	 h_executions_list(struct api_req *);
void	 h_executions_get(struct api_req *);
void	 h_executions_replay(struct api_req *);
void	 h_jobs_executions(struct api_req *);

/* channel.c */
/* A channel's settings as validated: what to store. */
struct chan_spec {
	struct json_object	*config;	/* settings, normalised (owned) */
	struct json_object	*creds;		/* credentials given (owned);
						   NULL: none given */
	int			 creds_drop;	/* the stored ones go */
};
const char *channel_type_valid(const char *);
const char *channel_name_valid(const char *);
int	 channel_config(const struct cron_conf *, const char *,
	    struct json_object *, const char *, int, struct chan_spec *,
	    struct json_object *);
void	 chan_spec_clear(struct chan_spec *);
int	 channel_store(struct api_req *, const struct chan_spec *,
	    struct db_channel *);
void	 channel_wipe(struct api_req *);
struct json_object *channel_json(const struct db_channel *);
struct json_object *delivery_json(const struct db_exec_delivery *);
struct json_object *rule_json(const struct db_rule *);

/* h_channels.c */
void	 h_channels_create(struct api_req *);
void	 h_channels_list(struct api_req *);
void	 h_channels_get(struct api_req *);
void	 h_channels_patch(struct api_req *);
void	 h_channels_delete(struct api_req *);
void	 h_channels_test(struct api_req *);
void	 h_rules_create(struct api_req *);
void	 h_rules_list(struct api_req *);
void	 h_rules_delete(struct api_req *);

/* h_team.c */
void	 h_workspace_get(struct api_req *);
void	 h_workspace_patch(struct api_req *);
void	 h_members_list(struct api_req *);
void	 h_member_patch(struct api_req *);
void	 h_member_delete(struct api_req *);
void	 h_workspace_transfer(struct api_req *);

/* h_billing.c */
void	 h_billing_get(struct api_req *);
void	 h_billing_put(struct api_req *);
void	 h_invites_create(struct api_req *);
void	 h_invites_list(struct api_req *);
void	 h_invites_delete(struct api_req *);
void	 h_invites_accept(struct api_req *);

/* h_health.c */
void	 h_health(struct api_req *);

/* h_debug.c */
void	 h_debug_echo(struct api_req *);

/* h_openapi.c */
void	 h_openapi(struct api_req *);

/* openapi-data.c (generated from docs/openapi.json) */
extern const unsigned char	api_openapi_json[];
extern const size_t		api_openapi_json_len;

#endif
