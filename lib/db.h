/*
 * The database layer: one connection with reconnect, the table of prepared
 * statements indexed by enum db_stmt, and typed db_<entity>_<verb> calls.
 */
#ifndef CRON_DB_H
#define CRON_DB_H

#include <stddef.h>
#include <stdint.h>

struct cron_conf;

/* Every SQL statement the programs run; the text is in db_sql.c. */
enum db_stmt {
	DB_PING,
	DB_MIGRATION_INIT,
	DB_MIGRATION_LIST,
	DB_MIGRATION_INSERT,
	DB_LOCK_GET,
	DB_LOCK_RELEASE,
	DB_USER_INSERT,
	DB_USER_BY_EMAIL,
	DB_USER_GET,
	DB_USER_SET_PASSWORD,
	DB_USER_VERIFY,
	DB_USER_VERIFY_EMAIL,
	DB_USER_RESTRICT,
	DB_WORKSPACE_INSERT,
	DB_WORKSPACE_RESTRICT,
	DB_WORKSPACE_GET,
	DB_WORKSPACE_UPDATE,
	DB_WORKSPACE_DELETE_SOLE,
	DB_MEMBER_LIST,
	DB_MEMBER_ROLE_LOCK,
	DB_MEMBER_SET_ROLE,
	DB_MEMBER_DELETE,
	DB_MEMBER_OWNED_SHARED,
	DB_INVITE_INSERT,
	DB_INVITE_DELETE_PENDING,
	DB_INVITE_LIST,
	DB_INVITE_DELETE,
	DB_INVITE_FIND,
	DB_INVITE_ACCEPT,
	DB_USER_DELETE,
	DB_RATE_HIT,
	DB_RATE_PURGE,
	DB_USER_PROMOTE,
	DB_SECRET_INSERT,
	DB_SECRET_LIST,
	DB_SECRET_DELETE,
	DB_SECRET_BY_NAME,
	DB_SECRET_STALE,
	DB_SECRET_REWRAP,
	DB_SECRET_VERSIONS,
	DB_MEMBERSHIP_INSERT,
	DB_MEMBERSHIP_LIST_USER,
	DB_AUTH_SESSION,
	DB_AUTH_TOKEN,
	DB_TOKEN_TOUCH,
	DB_TOKEN_INSERT,
	DB_TOKEN_LIST,
	DB_TOKEN_DELETE,
	DB_EMAIL_TOKEN_INSERT,
	DB_EMAIL_TOKEN_FIND,
	DB_EMAIL_TOKEN_USE,
	DB_MAIL_INSERT,
	DB_MAIL_LEASE,
	DB_MAIL_LEASED,
	DB_MAIL_SENT,
	DB_MAIL_RETRY,
	DB_MAIL_FAIL,
	DB_MAIL_RELEASE,
	DB_WORKSPACE_JOBS_ADD,
	DB_WORKSPACE_JOBS_SUB,
	DB_JOB_INSERT,
	DB_JOB_GET,
	DB_JOB_LOCK,
	DB_JOB_LIST,
	DB_JOB_UPDATE,
	DB_JOB_DELETE,
	DB_EXEC_INSERT,
	DB_EXEC_DELETE_QUEUED,
	DB_EXEC_LIST,
	DB_EXEC_LIST_JOB,
	DB_EXEC_GET,
	DB_EXEC_ATTEMPTS,
	DB_CLAIM_DUE,
	DB_CLAIM_ADVANCE,
	DB_CLAIM_EXEC,
	DB_CLAIM_EARLIEST,
	DB_RUN_LEASE,
	DB_RUN_TAKEOVER,
	DB_RUN_START,
	DB_RUN_ATTEMPT,
	DB_RUN_RETRY,
	DB_RUN_FINISH,
	DB_RUN_JOB_LAST,
	DB_RUN_JOB_COMPLETE,
	DB_RUN_RELEASE,
	DB_RUN_PURGE,
	DB_USAGE_ENSURE,
	DB_USAGE_TAKE,
	DB_USAGE_LOCK,
	DB_USAGE_ADD,
	DB_USAGE_GET,
	DB_USAGE_SEATS,
	DB_WORKSPACE_PLAN_SET,
	DB_NOTIFY_CREATE,
	DB_NOTIFY_TEST,
	DB_NOTIFY_LEASE,
	DB_NOTIFY_TAKEOVER,
	DB_NOTIFY_START,
	DB_NOTIFY_EXEC,
	DB_NOTIFY_DONE,
	DB_NOTIFY_PURGE,
	DB_CHANNEL_STALE,
	DB_CHANNEL_REWRAP,
	DB_CHANNEL_VERSIONS,
	/* notifications, cron-api (h_channels.c, h_rules.c) */
	DB_CHANNEL_INSERT,
	DB_CHANNEL_GET,
	DB_CHANNEL_LOCK,
	DB_CHANNEL_LIST,
	DB_CHANNEL_UPDATE,
	DB_CHANNEL_DELETE,
	DB_RULE_INSERT,
	DB_RULE_COUNT,
	DB_RULE_LIST,
	DB_RULE_DELETE,
	DB_EXEC_DELIVERIES,
	/* scheduler heartbeats (db_instance.c) */
	DB_INSTANCE_BEAT,
	DB_INSTANCE_DELETE,
	DB_INSTANCE_PURGE,
	DB_INSTANCE_LIVE,
	/* cron-admin status and plan (db_admin.c) */
	DB_STATUS_SERVER,
	DB_STATUS_QUEUE,
	DB_STATUS_DUE,
	DB_STATUS_LEASES,
	DB_STATUS_OUTBOX,
	DB_PLAN_COUNTS,
	DB_STMT__MAX
};

/* Outcome of a database call, for callers that branch on the cause. */
enum db_err {
	DB_OK = 0,
	DB_ERROR = -1,		/* anything else: logged, caller answers 500 */
	DB_GONE = -2,		/* server unreachable or connection lost */
	DB_DUPLICATE = -3,	/* unique key violated (1062) */
	DB_DEADLOCK = -4,	/* deadlock or Galera certification failure (1213) */
	DB_NOTFOUND = -5	/* no such row (typed functions only) */
};

enum db_type {
	DB_T_NULL,
	DB_T_INT,
	DB_T_STR,
	DB_T_BLOB
};

/* A statement parameter; strings and blobs are borrowed for the call. */
struct db_val {
	enum db_type	 type;
	long long	 i;
	const void	*p;
	size_t		 len;
};

struct db_val	 dbv_int(long long);
struct db_val	 dbv_str(const char *);
struct db_val	 dbv_blob(const void *, size_t);
struct db_val	 dbv_null(void);
struct db_val	 dbv_time(int64_t, char *);
struct db_val	 dbv_time_null(int64_t, char *);

struct db;
struct db_res;

/* db.c */
struct db	*db_new(const struct cron_conf *, int);
void		 db_free(struct db *);
int		 db_connect(struct db *);
int		 db_connected(const struct db *);
int		 db_exec(struct db *, enum db_stmt, const struct db_val *,
		    size_t, unsigned long long *);
int		 db_exec_one(struct db *, enum db_stmt, const struct db_val *,
		    size_t);
int		 db_exec_rows(struct db *, enum db_stmt, const struct db_val *,
		    size_t, size_t, unsigned long long *);
int		 db_query(struct db *, enum db_stmt, const struct db_val *,
		    size_t, struct db_res **);
int		 db_script(struct db *, const char *, size_t, char *, size_t);
int		 db_txn(struct db *, int (*)(struct db *, void *), void *);
int		 db_health(struct db *);
unsigned	 db_last_errno(const struct db *);

/* db_res.c */
size_t		 db_res_rows(const struct db_res *);
int		 db_res_next(struct db_res *);
int		 db_res_isnull(const struct db_res *, size_t);
const char	*db_res_str(const struct db_res *, size_t);
size_t		 db_res_len(const struct db_res *, size_t);
long long	 db_res_int(const struct db_res *, size_t);
int64_t		 db_res_time(const struct db_res *, size_t);
void		 db_res_copy(const struct db_res *, size_t, char *, size_t);
char		*db_res_dup(const struct db_res *, size_t, size_t *);
void		 db_res_free(struct db_res *);

/* db_sql.c */
const char	*db_sql(enum db_stmt);

/* db_migration.c */
struct db_migration {
	int	 version;
	char	 name[256];
	char	 checksum[65];
};
int		 db_migration_init(struct db *);
int		 db_migration_list(struct db *, struct db_migration **, size_t *);
int		 db_migration_insert(struct db *, int, const char *, const char *);
int		 db_lock_get(struct db *, const char *, int);
int		 db_lock_release(struct db *, const char *);

/* db_user.c: users, email tokens, and who is calling */
#define DB_NAME_MAX	404	/* 100 characters of utf8mb4, NUL */
#define DB_EMAIL_MAX	255

struct db_user {
	char	 id[26];
	char	 name[DB_NAME_MAX];
	char	 email[DB_EMAIL_MAX];
	char	 trust_level[24];
	int	 restricted;
	char	 password_hash[256];
};

/* The caller of a request, resolved in one query (see DB_AUTH_SESSION). */
struct db_session {
	int	 found;			/* the user exists */
	char	 user_id[26];
	char	 user_name[DB_NAME_MAX];
	char	 user_email[DB_EMAIL_MAX];
	char	 trust_level[24];
	int	 user_restricted;
	char	 role[8];		/* "" when not a member */
	char	 workspace_id[26];	/* "" when not a member */
	char	 workspace_name[DB_NAME_MAX];
	char	 timezone[65];
	int	 ws_restricted;
	char	 restriction_reason[2004];
	char	 plan[33];		/* workspaces.plan */
	char	 token_id[26];		/* API tokens only */
	int	 token_touch;		/* last_used_at is a minute old */
};

struct db_email_token {
	char	 id[26];
	char	 user_id[26];
	int	 expired;
	int	 used;
};

int	db_user_insert(struct db *, const char *, const char *, const char *,
	    const char *, const char *);
int	db_user_by_email(struct db *, const char *, struct db_user *);
int	db_user_get(struct db *, const char *, struct db_user *);
int	db_user_verify_email(struct db *, const char *);
int	db_user_restrict(struct db *, const char *, int, const char *);
int	db_user_set_password(struct db *, const char *, const char *);
int	db_user_verify(struct db *, const char *);
int	db_auth_session(struct db *, const char *, const char *,
	    struct db_session *);
int	db_auth_token(struct db *, const char *, struct db_session *);
int	db_token_touch(struct db *, const char *);
struct db_token {
	char	 id[26];
	char	 name[DB_NAME_MAX];
	char	 prefix[8];
	char	 created_by[26];
	int64_t	 created_at;
	int64_t	 last_used_at;		/* -1: never */
};

int	db_token_insert(struct db *, const char *, const char *, const char *,
	    const char *, const char *, const char *);
int	db_token_list(struct db *, const char *, const char *, int,
	    struct db_token **, size_t *);
int	db_token_delete(struct db *, const char *, const char *);
int	db_email_token_insert(struct db *, const char *, const char *,
	    const char *, const char *, int);
int	db_email_token_find(struct db *, const char *, const char *,
	    struct db_email_token *);
int	db_email_token_use(struct db *, const char *);

/* db_workspace.c: workspaces and memberships */
struct db_membership {
	char	 workspace_id[26];
	char	 name[DB_NAME_MAX];
	char	 role[8];
};

int	db_workspace_restrict(struct db *, const char *, int, const char *);
int	db_workspace_insert(struct db *, const char *, const char *,
	    const char *, const char *);
int	db_membership_insert(struct db *, const char *, const char *,
	    const char *);
int	db_membership_list_user(struct db *, const char *,
	    struct db_membership **, size_t *);

/* db_team.c: workspace settings, members, invites */
struct db_workspace {
	char	 id[26];
	char	 name[DB_NAME_MAX];
	char	 timezone[65];
	int	 restricted;
	char	 restriction_reason[2004];
	int64_t	 created_at;
};

struct db_member {
	char	 user_id[26];
	char	 name[DB_NAME_MAX];
	char	 email[DB_EMAIL_MAX];
	char	 role[8];
	int64_t	 joined_at;
};

struct db_invite {
	char	 id[26];
	char	 workspace_id[26];
	char	 workspace_name[DB_NAME_MAX];
	char	 email[DB_EMAIL_MAX];
	char	 role[8];
	char	 invited_by[26];
	int64_t	 created_at;
	int64_t	 expires_at;
	int	 expired;
	int	 accepted;
};

int	db_workspace_get(struct db *, const char *, struct db_workspace *);
int	db_workspace_update(struct db *, const char *, const char *,
	    const char *);
int	db_workspace_delete_sole(struct db *, const char *);
int	db_member_list(struct db *, const char *, const char *, int,
	    struct db_member **, size_t *);
int	db_member_role_lock(struct db *, const char *, const char *, char *,
	    size_t);
int	db_member_set_role(struct db *, const char *, const char *,
	    const char *);
int	db_member_delete(struct db *, const char *, const char *);
int	db_member_owned_shared(struct db *, const char *, long long *);
int	db_invite_insert(struct db *, const char *, const char *, const char *,
	    const char *, const char *, const char *, const char *, int);
int	db_invite_delete_pending(struct db *, const char *, const char *);
int	db_invite_list(struct db *, const char *, const char *, int,
	    struct db_invite **, size_t *);
int	db_invite_delete(struct db *, const char *, const char *);
int	db_invite_find(struct db *, const char *, struct db_invite *);
int	db_invite_accept(struct db *, const char *);
int	db_user_delete(struct db *, const char *);

/* db_rate.c */
int	db_rate_hit(struct db *, const char *, long long, long long *);
int	db_rate_purge(struct db *, long long, unsigned long long *);
int	db_user_promote(struct db *, unsigned long long *);

/* db_secret.c: sealed values; plaintext never passes through here */
struct db_secret {
	char		 id[26];
	char		 workspace_id[26];
	char		 name[65];
	int		 key_version;
	int64_t		 created_at;
	unsigned char	*ct;		/* owned by the list/record */
	size_t		 ctlen;
};

int	db_secret_insert(struct db *, const char *, const char *, const char *,
	    const unsigned char *, size_t, int, const char *);
int	db_secret_list(struct db *, const char *, const char *, int,
	    struct db_secret **, size_t *);
int	db_secret_delete(struct db *, const char *, const char *);
int	db_secret_by_name(struct db *, const char *, const char *,
	    struct db_secret *);
int	db_secret_stale(struct db *, int, const char *, int,
	    struct db_secret **, size_t *);
int	db_secret_rewrap(struct db *, const char *, const unsigned char *,
	    size_t, int, int);
int	db_secret_versions(struct db *, int *, long long *, size_t, size_t *);
void	db_secrets_free(struct db_secret *, size_t);
/* channel credentials for keys rotate/status (name is ""; ct: credentials) */
int	db_channel_stale(struct db *, int, const char *, int,
	    struct db_secret **, size_t *);
int	db_channel_rewrap(struct db *, const char *, const unsigned char *,
	    size_t, int, int);
int	db_channel_versions(struct db *, int *, long long *, size_t, size_t *);

/* db_mail.c: the outbox */
int	db_mail_insert(struct db *, const char *, const char *, const char *,
	    const char *);
int	db_mail_insert_html(struct db *, const char *, const char *,
	    const char *, const char *, const char *);

/* A leased outbox row; strings owned by the list (db_mail_list_free). */
struct db_mail {
	char	 id[26];
	char	*to;
	char	*subject;
	char	*body;
	char	*html;		/* HTML alternative; NULL: plain text only */
	int	 attempts;	/* attempts made before this one */
};

int	db_mail_claim(struct db *, const char *, int, int, struct db_mail **,
	    size_t *);
void	db_mail_list_free(struct db_mail *, size_t);
int	db_mail_sent(struct db *, const char *);
int	db_mail_retry(struct db *, const char *, const char *, const char *,
	    int);
int	db_mail_fail(struct db *, const char *, const char *, const char *);
int	db_mail_release(struct db *, const char *);

/* db_job.c: jobs */
#define DB_JOB_NAME_MAX	801	/* 200 characters of utf8mb4, NUL */

struct db_job {
	char	 id[26];
	char	 workspace_id[26];
	char	 name[DB_JOB_NAME_MAX];
	char	*description;		/* owned */
	char	 kind[12];
	char	 state[12];
	int	 every_n_minutes;	/* recurring, else 0 */
	char	 cron_expr[257];	/* cron, else "" */
	char	 timezone[65];		/* cron, else "" */
	int64_t	 run_at;		/* scheduled, else -1 */
	char	*request;		/* normalised JSON, owned */
	char	*retry_policy;		/* normalised JSON, owned */
	int64_t	 next_run_at;		/* -1: none */
	int64_t	 last_run_at;		/* -1: never */
	char	 last_status[12];	/* "" when never run */
	char	 created_by[26];
	int64_t	 created_at;
	int64_t	 updated_at;
};

int	db_workspace_jobs(struct db *, const char *, int, int);
int	db_job_insert(struct db *, const struct db_job *);
int	db_job_get(struct db *, const char *, const char *, int,
	    struct db_job *);
int	db_job_list(struct db *, const char *, const char *, const char *,
	    const char *, int, struct db_job **, size_t *);
int	db_job_update(struct db *, const struct db_job *);
int	db_job_delete(struct db *, const char *, const char *);
void	db_job_clear(struct db_job *);
void	db_jobs_free(struct db_job *, size_t);

/* db_exec.c: executions and their attempts (SPEC §6) */
struct db_exec {
	char	 id[26];
	char	 workspace_id[26];
	char	 job_id[26];
	char	 job_name[DB_JOB_NAME_MAX];
	char	 trigger[12];		/* schedule, run_now, replay, one_time */
	char	 status[12];		/* queued, running, succeeded, failed */
	int64_t	 scheduled_for;
	int64_t	 started_at;		/* -1: not started */
	int64_t	 finished_at;		/* -1: not finished */
	int64_t	 duration_ms;		/* -1: not finished */
	int	 attempt_count;
	char	 replay_of[26];		/* "" unless a replay */
};

/* One HTTP attempt; body and headers are owned (db_attempts_free). */
struct db_attempt {
	int	 number;		/* 1, 2, ... */
	char	 status[20];		/* SUCCESS, TIMEOUT, ... */
	int	 status_code;		/* -1: no response */
	int	 latency_ms;
	char	*body;			/* body_len bytes, not text; NULL: none */
	size_t	 body_len;
	char	*headers;		/* a JSON object's text; NULL: none */
	char	 error_class[33];	/* "" when none */
	int64_t	 started_at;
};

/* The optional filters of db_exec_list; NULL or unset matches all. */
struct db_exec_filter {
	const char	*status;
	const char	*job_id;
	const char	*job_name;	/* exact, byte for byte */
	int64_t		 from;		/* scheduled_for >= from */
	int64_t		 to;		/* scheduled_for < to */
	unsigned	 has_from:1;
	unsigned	 has_to:1;
};

int	db_exec_insert(struct db *, const struct db_exec *);
int	db_exec_delete_queued(struct db *, const char *, const char *);
int	db_exec_list(struct db *, const char *, const char *,
	    const struct db_exec_filter *, int, struct db_exec **, size_t *);
int	db_exec_get(struct db *, const char *, const char *, struct db_exec *);
int	db_exec_attempts(struct db *, const char *, const char *,
	    struct db_attempt **, size_t *);
void	db_execs_free(struct db_exec *, size_t);
void	db_attempts_free(struct db_attempt *, size_t);

/* A notification delivery made for an execution, as the API shows it. */
struct db_exec_delivery {
	char	 message_id[65];
	char	 channel_id[26];
	char	 channel_name[DB_NAME_MAX];
	char	 type[12];
	char	 event[16];
	char	 status[12];		/* queued, sending, sent, failed */
	int	 attempts;
	int	 response_status;	/* -1: none */
	char	*error;			/* owned; NULL: none */
	int64_t	 created_at;
	int64_t	 sent_at;		/* -1: not sent */
};

int	db_exec_deliveries(struct db *, const char *, const char *,
	    struct db_exec_delivery **, size_t *);
void	db_exec_deliveries_free(struct db_exec_delivery *, size_t);

/* db_channel.c: notification channels and rules (SPEC §8), cron-api */
struct db_channel {
	char		 id[26];
	char		 workspace_id[26];
	char		 name[DB_NAME_MAX];
	char		 type[12];
	char		*config;	/* JSON text of the settings, owned */
	int		 has_creds;	/* credentials are stored */
	unsigned char	*creds;		/* sealed; owned, read with a lock
					   only; NULL: none or not read */
	size_t		 creds_len;
	int		 key_version;	/* of creds; 0: none */
	char		 created_by[26];
	int64_t		 created_at;
	int64_t		 updated_at;
};

struct db_rule {
	char	 id[26];
	char	 job_id[26];
	char	 channel_id[26];
	char	 event[16];
	int64_t	 created_at;
};

int	db_channel_insert(struct db *, const struct db_channel *);
int	db_channel_get(struct db *, const char *, const char *, int,
	    struct db_channel *);
int	db_channel_list(struct db *, const char *, const char *, int,
	    struct db_channel **, size_t *);
int	db_channel_update(struct db *, const struct db_channel *);
int	db_channel_delete(struct db *, const char *, const char *);
int	db_channel_test(struct db *, const char *, const char *, const char *,
	    int64_t);
void	db_channel_clear(struct db_channel *);
void	db_channels_free(struct db_channel *, size_t);
int	db_rule_insert(struct db *, const struct db_rule *, const char *,
	    const char *);
int	db_rule_count(struct db *, const char *, const char *, long long *);
int	db_rule_list(struct db *, const char *, const char *,
	    struct db_rule **, size_t *);
int	db_rule_delete(struct db *, const char *, const char *, const char *);

/* db_claim.c: the scheduler's claim of due jobs */
struct db_due {
	char	 id[26];
	char	 workspace_id[26];
	char	 name[DB_JOB_NAME_MAX];
	char	 kind[12];
	int	 every_n_minutes;
	char	 cron_expr[257];
	char	 timezone[65];
	int64_t	 run_at;
	int64_t	 next_run_at;
	int	 restricted;		/* the workspace is restricted */
	char	 plan[33];		/* the workspace's plan */
};

int	db_claim_due(struct db *, int64_t, int, struct db_due **, size_t *);

/* A claimed slot, for db_claim_save. */
struct db_claimed {
	const struct db_due	*due;
	char			 id[26];	/* the execution; "": none */
	int64_t			 slot;
	int64_t			 next;		/* -1: none */
};

int	db_claim_save(struct db *, const struct db_claimed *, size_t);
int	db_claim_earliest(struct db *, int64_t *);

/* db_run.c: leasing and recording executions */
struct db_lease {
	char	 id[26];
	char	 workspace_id[26];
	char	 job_id[26];
	char	 job_name[DB_JOB_NAME_MAX];
	char	 trigger[12];
	int64_t	 scheduled_for;
	int64_t	 started_at;		/* -1: first start */
	int	 attempts;		/* attempts made before */
	char	*request;		/* the job's, owned; NULL: job deleted */
	char	*retry_policy;		/* owned */
	char	 kind[12];
	int	 timeout;		/* request.timeout_seconds */
};

int	db_run_lease(struct db *, int, int64_t, int, struct db_lease **,
	    size_t *);
void	db_leases_free(struct db_lease *, size_t);
/* Outcomes db_run_record takes in one statement (DB_NOTIFY_CREATE). */
#define DB_RECORD_BATCH	100

/* What one run came to, for db_run_record. */
struct db_outcome {
	const char		*id;		/* the execution's */
	const char		*workspace_id;
	const char		*job_id;
	struct db_attempt	 a;		/* a.number 0: none made */
	const char		*final;		/* succeeded, failed; NULL:
						   retry at run_after */
	int			 attempts;	/* attempt_count to record */
	int64_t			 run_after;
	int64_t			 now;
	long long		 duration_ms;
	int			 complete;	/* the job's only run */
};

int	db_run_start(struct db *, const struct db_lease *, size_t,
	    const char *, int64_t, int64_t);
int	db_run_record(struct db *, const char *, const struct db_outcome *,
	    size_t, unsigned long long *);

/* db_notify.c: notification deliveries (cron-scheduler) */
struct db_delivery {
	unsigned long long	 id;
	char			 message_id[65];
	char			 workspace_id[26];
	char			 channel_id[26];
	char			 execution_id[26];	/* "": a test */
	char			 event[16];
	int			 attempts;		/* made before */
	char			 type[12];		/* the channel's */
	char			 channel_name[404];
	char			*config;		/* JSON text, owned */
	unsigned char		*cred;			/* sealed, owned; NULL:
							   none */
	size_t			 credlen;
	int			 key_version;
};

/* What a message says about its execution (the last attempt's fields). */
struct db_notify_exec {
	char		 job_id[26];
	char		 job_name[DB_JOB_NAME_MAX];
	char		 status[12];
	char		 trigger[12];
	int64_t		 scheduled_for;
	int64_t		 finished_at;
	long long	 duration_ms;
	int		 attempts;
	int		 status_code;		/* -1: none */
	int		 latency_ms;		/* -1: none */
	char		 error_class[33];
	char		*output;		/* owned; NULL: none */
	size_t		 output_len;
};

int	db_notify_lease(struct db *, int, int64_t, int, struct db_delivery **,
	    size_t *);
void	db_deliveries_free(struct db_delivery *, size_t);
int	db_notify_start(struct db *, const struct db_delivery *, size_t,
	    const char *, int64_t);
int	db_notify_exec(struct db *, const char *, struct db_notify_exec *);
int	db_notify_done(struct db *, unsigned long long, const char *,
	    const char *, int, int64_t, int, const char *, int64_t);
int	db_notify_purge(struct db *, int64_t, int, unsigned long long *);
int	db_run_release(struct db *, const char *, const char *);
int	db_run_purge(struct db *, const char *const *, size_t, size_t,
	    int64_t, int, unsigned long long *);

/* db_usage.c: executions per workspace and month (SPEC §10) */
#define DB_USAGE_BATCH	50	/* workspaces in one db_usage_lock */
void	db_usage_month(int64_t, char[8]);
int	db_usage_take(struct db *, const char *, int64_t, int, int);
int	db_usage_lock(struct db *, int64_t, const char *const *, size_t,
	    long long *);
int	db_usage_add(struct db *, int64_t, const char *const *, const int *,
	    size_t);
int	db_usage_get(struct db *, const char *, int64_t, long long *);
/* a workspace's plan and what its quotas count (db_usage_seats) */
struct db_seats {
	char		plan[33];
	long long	jobs;		/* workspaces.job_count */
	long long	members;
	long long	invites;	/* pending, unexpired */
};
int	db_usage_seats(struct db *, const char *, struct db_seats *);
int	db_workspace_plan_set(struct db *, const char *, const char *);

/* db_instance.c: one row per running cron-scheduler (scheduler_instances) */
struct db_instance {
	char	 instance[49];		/* host:pid:tag */
	char	 host[256];
	long long pid;
	char	 version[33];
	int64_t	 started_at;
	int64_t	 seen_at;		/* the server's clock */
	int	 inflight;
};

int	db_instance_beat(struct db *, const struct db_instance *);
int	db_instance_delete(struct db *, const char *);
int	db_instance_purge(struct db *, unsigned long long *);
int	db_instance_live(struct db *, int64_t, struct db_instance **,
	    size_t *);

/* db_admin.c: what cron-admin status and plan read */
struct db_queue {
	long long	 queued;
	long long	 ready;		/* queued, run_after reached */
	long long	 running;
};

/* The leases held by one scheduler instance (lease_owner's prefix). */
struct db_lease_owner {
	char		 instance[65];
	long long	 count;
	long long	 expired;	/* waiting for a takeover */
	int64_t		 earliest;	/* the first to expire */
};

struct db_plan_count {
	char		 plan[33];
	long long	 workspaces;
};

int	db_status_server(struct db *, char *, size_t, int64_t *);
int	db_status_queue(struct db *, int64_t, struct db_queue *);
int	db_status_due(struct db *, int64_t, long long, long long *,
	    int64_t *);
int	db_status_leases(struct db *, int64_t, struct db_lease_owner **,
	    size_t *);
int	db_status_outbox(struct db *, long long *, long long *);
int	db_plan_counts(struct db *, struct db_plan_count **, size_t *);

#endif
