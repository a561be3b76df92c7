/*
 * The statement table: every SQL statement any program runs, indexed by
 * enum db_stmt (openradtool, sqlbox).  Nothing else in the tree holds SQL
 * except the migrations in sql/.  Times are DATETIME(3) in UTC.
 */
#include "config.h"

#include "db.h"

#define DB_JOB_COLUMNS							\
	"id, workspace_id, name, description, kind, state, "		\
	"every_n_minutes, cron_expr, timezone, run_at, request, "	\
	"retry_policy, next_run_at, last_run_at, last_status, "	\
	"created_by, created_at, updated_at"

#define DB_EXEC_COLUMNS							\
	"id, workspace_id, job_id, job_name, trigger_kind, status, "	\
	"scheduled_for, started_at, finished_at, duration_ms, "		\
	"attempt_count, replay_of"

/* the optional filters of an execution list: status, job name, from, to */
#define DB_EXEC_FILTERS							\
	"AND (? IS NULL OR status = ?) "				\
	"AND (? IS NULL OR job_name COLLATE utf8mb4_nopad_bin = ?) "	\
	"AND (? IS NULL OR scheduled_for >= ?) "			\
	"AND (? IS NULL OR scheduled_for < ?) "

#define DB_RUN_COLUMNS							\
	"e.id, e.workspace_id, e.job_id, e.job_name, e.trigger_kind, "	\
	"e.scheduled_for, e.attempt_count, e.started_at, "		\
	"(SELECT j.request FROM jobs j WHERE j.id = e.job_id), "	\
	"(SELECT j.retry_policy FROM jobs j WHERE j.id = e.job_id), "	\
	"(SELECT j.kind FROM jobs j WHERE j.id = e.job_id), "		\
	"(SELECT JSON_VALUE(j.request, '$.timeout_seconds') "	\
	"FROM jobs j WHERE j.id = e.job_id)"

/* a channel as cron-api shows it: whether credentials are set, not them */
#define DB_CHANNEL_COLUMNS						\
	"id, workspace_id, name, type, config, "			\
	"credentials IS NOT NULL, key_version, created_by, "		\
	"created_at, updated_at"

/* DB_RECORD_BATCH placeholders */
#define DB_Q10	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define DB_Q100	DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " \
		DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " DB_Q10

/* CLAIM_BATCH placeholders */
#define DB_Q50	DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " DB_Q10 ", " DB_Q10

/* a delivery and its channel, read by subqueries, which lock nothing:
 * two schedulers deliver to one channel side by side */
#define DB_NOTIFY_COLUMNS						\
	"d.id, d.message_id, d.workspace_id, d.channel_id, "		\
	"d.execution_id, d.event, d.attempts, "				\
	"(SELECT c.type FROM notification_channels c "			\
	"WHERE c.id = d.channel_id), "					\
	"(SELECT c.name FROM notification_channels c "			\
	"WHERE c.id = d.channel_id), "					\
	"(SELECT c.config FROM notification_channels c "		\
	"WHERE c.id = d.channel_id), "					\
	"(SELECT c.credentials FROM notification_channels c "		\
	"WHERE c.id = d.channel_id), "					\
	"(SELECT c.key_version FROM notification_channels c "		\
	"WHERE c.id = d.channel_id)"

static const char *const db_sql_table[DB_STMT__MAX] = {
	[DB_PING] =
	    "SELECT 1",
	[DB_MIGRATION_INIT] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INT NOT NULL PRIMARY KEY,"
	    " name VARCHAR(255) NOT NULL,"
	    " checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
	    " applied_at DATETIME(3) NOT NULL"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	[DB_MIGRATION_LIST] =
	    "SELECT version, name, checksum FROM schema_migrations "
	    "ORDER BY version",
	[DB_MIGRATION_INSERT] =
	    "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
	    "VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
	[DB_LOCK_GET] =
	    "SELECT GET_LOCK(?, ?)",
	[DB_LOCK_RELEASE] =
	    "SELECT RELEASE_LOCK(?)",

	/* accounts (db_user.c) */
	[DB_USER_INSERT] =
	    "INSERT INTO users (id, email, email_norm, name, password_hash, "
	    "created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
	[DB_USER_BY_EMAIL] =
	    "SELECT id, name, email, trust_level, restricted, password_hash "
	    "FROM users WHERE email_norm = ?",
	[DB_USER_GET] =
	    "SELECT id, name, email, trust_level, restricted, password_hash "
	    "FROM users WHERE id = ?",
	[DB_USER_SET_PASSWORD] =
	    "UPDATE users SET password_hash = ?, updated_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ?",
	[DB_USER_VERIFY] =
	    "UPDATE users SET trust_level = 'verified', "
	    "verified_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ? AND trust_level = 'pending_verification'",
	[DB_USER_VERIFY_EMAIL] =
	    "UPDATE users SET trust_level = 'verified', "
	    "verified_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) "
	    "WHERE email_norm = ? AND trust_level = 'pending_verification'",
	[DB_USER_RESTRICT] =
	    "UPDATE users SET restricted = ?, restriction_reason = ?, "
	    "updated_at = UTC_TIMESTAMP(3) WHERE email_norm = ?",
	[DB_WORKSPACE_RESTRICT] =
	    "UPDATE workspaces SET restricted = ?, restriction_reason = ?, "
	    "updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
	/* team (db_team.c) */
	[DB_WORKSPACE_GET] =
	    "SELECT id, name, timezone, restricted, restriction_reason, "
	    "created_at FROM workspaces WHERE id = ?",
	[DB_WORKSPACE_UPDATE] =
	    "UPDATE workspaces SET name = COALESCE(?, name), "
	    "timezone = COALESCE(?, timezone), updated_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ?",
	/* the workspaces a user owns alone, deleted with the account */
	[DB_WORKSPACE_DELETE_SOLE] =
	    "DELETE w FROM workspaces w JOIN memberships m "
	    "ON m.workspace_id = w.id AND m.user_id = ? AND m.role = 'owner' "
	    "WHERE NOT EXISTS (SELECT 1 FROM memberships o "
	    "WHERE o.workspace_id = w.id AND o.user_id <> m.user_id)",
	[DB_MEMBER_LIST] =
	    "SELECT u.id, u.name, u.email, m.role, m.created_at "
	    "FROM memberships m JOIN users u ON u.id = m.user_id "
	    "WHERE m.workspace_id = ? AND m.user_id < ? "
	    "ORDER BY m.user_id DESC LIMIT ?",
	[DB_MEMBER_ROLE_LOCK] =
	    "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ? "
	    "FOR UPDATE",
	[DB_MEMBER_SET_ROLE] =
	    "UPDATE memberships SET role = ? WHERE workspace_id = ? "
	    "AND user_id = ?",
	[DB_MEMBER_DELETE] =
	    "DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?",
	/* workspaces the user owns that have other members */
	[DB_MEMBER_OWNED_SHARED] =
	    "SELECT COUNT(*) FROM memberships m WHERE m.user_id = ? "
	    "AND m.role = 'owner' AND EXISTS (SELECT 1 FROM memberships o "
	    "WHERE o.workspace_id = m.workspace_id AND o.user_id <> m.user_id)",
	[DB_INVITE_INSERT] =
	    "INSERT INTO invites (id, workspace_id, email, email_norm, role, "
	    "token_hash, invited_by, expires_at, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND, "
	    "UTC_TIMESTAMP(3))",
	[DB_INVITE_DELETE_PENDING] =
	    "DELETE FROM invites WHERE workspace_id = ? AND email_norm = ? "
	    "AND accepted_at IS NULL",
	[DB_INVITE_LIST] =
	    "SELECT id, email, role, invited_by, created_at, expires_at "
	    "FROM invites WHERE workspace_id = ? AND accepted_at IS NULL "
	    "AND id < ? ORDER BY id DESC LIMIT ?",
	[DB_INVITE_DELETE] =
	    "DELETE FROM invites WHERE workspace_id = ? AND id = ? "
	    "AND accepted_at IS NULL",
	[DB_INVITE_FIND] =
	    "SELECT i.id, i.workspace_id, i.email_norm, i.role, "
	    "i.expires_at < UTC_TIMESTAMP(3), i.accepted_at, w.name "
	    "FROM invites i JOIN workspaces w ON w.id = i.workspace_id "
	    "WHERE i.token_hash = ? FOR UPDATE",
	[DB_INVITE_ACCEPT] =
	    "UPDATE invites SET accepted_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ? AND accepted_at IS NULL",
	[DB_USER_DELETE] =
	    "DELETE FROM users WHERE id = ?",

	/* rate limits (db_rate.c): count a hit, one round trip */
	[DB_RATE_HIT] =
	    "INSERT INTO rate_limits (bucket, window_start, hits) "
	    "VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE "
	    "hits = IF(window_start = VALUES(window_start), hits + 1, 1), "
	    "window_start = VALUES(window_start) RETURNING hits",
	[DB_RATE_PURGE] =
	    "DELETE FROM rate_limits WHERE window_start < ? LIMIT 10000",
	/* secrets (db_secret.c): ciphertext only, never a value */
	[DB_SECRET_INSERT] =
	    "INSERT INTO secrets (id, workspace_id, name, ciphertext, "
	    "key_version, created_by, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
	[DB_SECRET_LIST] =
	    "SELECT id, name, key_version, created_at FROM secrets "
	    "WHERE workspace_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
	[DB_SECRET_DELETE] =
	    "DELETE FROM secrets WHERE workspace_id = ? AND id = ?",
	[DB_SECRET_BY_NAME] =
	    "SELECT id, ciphertext, key_version FROM secrets "
	    "WHERE workspace_id = ? AND name = ?",
	/* rotation: a batch of rows not yet under the current key */
	[DB_SECRET_STALE] =
	    "SELECT id, workspace_id, name, ciphertext, key_version "
	    "FROM secrets WHERE key_version <> ? AND id > ? ORDER BY id LIMIT ? "
	    "FOR UPDATE SKIP LOCKED",
	[DB_SECRET_REWRAP] =
	    "UPDATE secrets SET ciphertext = ?, key_version = ? "
	    "WHERE id = ? AND key_version = ?",
	/* every sealed value: secrets and channel credentials */
	[DB_SECRET_VERSIONS] =
	    "SELECT key_version, COUNT(*) FROM (SELECT key_version FROM "
	    "secrets UNION ALL SELECT key_version FROM notification_channels "
	    "WHERE credentials IS NOT NULL) k GROUP BY key_version "
	    "ORDER BY key_version",
	/* SPEC 3.1: verified -> trusted 48 h after verification, unless
	 * restricted (housekeeping) */
	[DB_USER_PROMOTE] =
	    "UPDATE users SET trust_level = 'trusted', "
	    "updated_at = UTC_TIMESTAMP(3) WHERE trust_level = 'verified' "
	    "AND restricted = 0 AND verified_at <= UTC_TIMESTAMP(3) - "
	    "INTERVAL 48 HOUR",
	[DB_WORKSPACE_INSERT] =
	    "INSERT INTO workspaces (id, name, timezone, plan, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
	[DB_MEMBERSHIP_INSERT] =
	    "INSERT INTO memberships (workspace_id, user_id, role, created_at) "
	    "VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
	[DB_MEMBERSHIP_LIST_USER] =
	    "SELECT w.id, w.name, m.role FROM memberships m "
	    "JOIN workspaces w ON w.id = m.workspace_id "
	    "WHERE m.user_id = ? ORDER BY m.created_at, w.id",
	/* One round trip per request: the caller, their role in the token's
	 * workspace (NULL if not a member) and both restriction flags. */
	[DB_AUTH_SESSION] =
	    "SELECT u.id, u.trust_level, u.restricted, m.role, w.id, "
	    "w.restricted, w.restriction_reason, w.name, w.timezone, u.name, "
	    "u.email, w.plan FROM users u "
	    "LEFT JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ? "
	    "LEFT JOIN workspaces w ON w.id = m.workspace_id WHERE u.id = ?",
	[DB_AUTH_TOKEN] =
	    "SELECT u.id, u.trust_level, u.restricted, m.role, w.id, "
	    "w.restricted, w.restriction_reason, w.name, w.timezone, u.name, "
	    "u.email, w.plan, t.id, t.created_by, (t.last_used_at IS NULL OR "
	    "t.last_used_at < UTC_TIMESTAMP(3) - INTERVAL 60 SECOND) "
	    "FROM api_tokens t "
	    "JOIN workspaces w ON w.id = t.workspace_id "
	    "LEFT JOIN users u ON u.id = t.created_by "
	    "LEFT JOIN memberships m ON m.workspace_id = t.workspace_id "
	    "AND m.user_id = t.created_by WHERE t.token_hash = ?",
	/* at most one write a minute per token, not one per request */
	[DB_TOKEN_TOUCH] =
	    "UPDATE api_tokens SET last_used_at = UTC_TIMESTAMP(3) WHERE id = ? "
	    "AND (last_used_at IS NULL OR "
	    "last_used_at < UTC_TIMESTAMP(3) - INTERVAL 60 SECOND)",
	[DB_TOKEN_INSERT] =
	    "INSERT INTO api_tokens (id, workspace_id, name, token_hash, "
	    "token_prefix, created_by, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
	/* newest first; ids sort by creation time, so the cursor is an id */
	[DB_TOKEN_LIST] =
	    "SELECT id, name, token_prefix, created_by, created_at, "
	    "last_used_at FROM api_tokens WHERE workspace_id = ? AND id < ? "
	    "ORDER BY id DESC LIMIT ?",
	[DB_TOKEN_DELETE] =
	    "DELETE FROM api_tokens WHERE workspace_id = ? AND id = ?",
	[DB_EMAIL_TOKEN_INSERT] =
	    "INSERT INTO email_tokens (id, user_id, purpose, token_hash, "
	    "expires_at, created_at) VALUES (?, ?, ?, ?, "
	    "UTC_TIMESTAMP(3) + INTERVAL ? SECOND, UTC_TIMESTAMP(3))",
	[DB_EMAIL_TOKEN_FIND] =
	    "SELECT id, user_id, expires_at < UTC_TIMESTAMP(3), used_at "
	    "FROM email_tokens WHERE token_hash = ? AND purpose = ? FOR UPDATE",
	[DB_EMAIL_TOKEN_USE] =
	    "UPDATE email_tokens SET used_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ? AND used_at IS NULL",

	/* mail outbox (db_mail.c) */
	[DB_MAIL_INSERT] =
	    "INSERT INTO mail_outbox (id, to_addr, subject, body_text, "
	    "body_html, next_attempt_at, created_at) "
	    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
	/* Leases up to N due rows to one claim token.  The scan follows
	 * mail_outbox_due, so a second scheduler waits only for the first's
	 * short transaction and then skips the rows it leased. */
	[DB_MAIL_LEASE] =
	    "UPDATE mail_outbox SET lease_owner = ?, "
	    "lease_expires_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND "
	    "WHERE status = 'queued' AND next_attempt_at <= UTC_TIMESTAMP(3) "
	    "AND (lease_expires_at IS NULL OR "
	    "lease_expires_at < UTC_TIMESTAMP(3)) "
	    "ORDER BY next_attempt_at, id LIMIT ?",
	[DB_MAIL_LEASED] =
	    "SELECT id, to_addr, subject, body_text, attempts, body_html "
	    "FROM mail_outbox "
	    "WHERE status = 'queued' AND lease_owner = ? "
	    "ORDER BY next_attempt_at, id",
	/* Sent is final even if the lease was lost meanwhile: it stops a
	 * second copy.  The body holds one-time links, so it goes. */
	[DB_MAIL_SENT] =
	    "UPDATE mail_outbox SET status = 'sent', "
	    "sent_at = UTC_TIMESTAMP(3), body_text = '', body_html = NULL, "
	    "attempts = attempts + 1, lease_owner = NULL, "
	    "lease_expires_at = NULL WHERE id = ? AND status = 'queued'",
	[DB_MAIL_RETRY] =
	    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, "
	    "next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND, "
	    "lease_owner = NULL, lease_expires_at = NULL "
	    "WHERE id = ? AND status = 'queued' AND lease_owner = ?",
	[DB_MAIL_FAIL] =
	    "UPDATE mail_outbox SET status = 'failed', body_text = '', "
	    "body_html = NULL, "
	    "attempts = attempts + 1, last_error = ?, "
	    "lease_owner = NULL, lease_expires_at = NULL "
	    "WHERE id = ? AND status = 'queued' AND lease_owner = ?",
	[DB_MAIL_RELEASE] =
	    "UPDATE mail_outbox SET lease_owner = NULL, lease_expires_at = NULL "
	    "WHERE status = 'queued' AND lease_owner = ?",

	/* jobs (db_job.c); every query is filtered by workspace */
	/* the max_jobs quota: add only while under the limit */
	[DB_WORKSPACE_JOBS_ADD] =
	    "UPDATE workspaces SET job_count = job_count + ? "
	    "WHERE id = ? AND job_count + ? <= ?",
	[DB_WORKSPACE_JOBS_SUB] =
	    "UPDATE workspaces SET job_count = GREATEST(job_count - ?, 0) "
	    "WHERE id = ?",
	[DB_JOB_INSERT] =
	    "INSERT INTO jobs (id, workspace_id, name, description, kind, state, "
	    "every_n_minutes, cron_expr, timezone, run_at, request, "
	    "retry_policy, next_run_at, created_by, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[DB_JOB_GET] =
	    "SELECT " DB_JOB_COLUMNS " FROM jobs "
	    "WHERE workspace_id = ? AND id = ?",
	[DB_JOB_LOCK] =
	    "SELECT " DB_JOB_COLUMNS " FROM jobs "
	    "WHERE workspace_id = ? AND id = ? FOR UPDATE",
	/* the filters are optional: NULL matches every state or kind */
	[DB_JOB_LIST] =
	    "SELECT " DB_JOB_COLUMNS " FROM jobs "
	    "WHERE workspace_id = ? AND id < ? "
	    "AND (? IS NULL OR state = ?) AND (? IS NULL OR kind = ?) "
	    "ORDER BY id DESC LIMIT ?",
	[DB_JOB_UPDATE] =
	    "UPDATE jobs SET name = ?, description = ?, kind = ?, state = ?, "
	    "every_n_minutes = ?, cron_expr = ?, timezone = ?, run_at = ?, "
	    "request = ?, retry_policy = ?, next_run_at = ?, updated_at = ? "
	    "WHERE workspace_id = ? AND id = ?",
	[DB_JOB_DELETE] =
	    "DELETE FROM jobs WHERE workspace_id = ? AND id = ?",

	/* executions (db_exec.c); every query is filtered by workspace */
	/* queued at once by the API: run-now, one_time, replay */
	[DB_EXEC_INSERT] =
	    "INSERT INTO executions (id, workspace_id, job_id, job_name, "
	    "trigger_kind, status, scheduled_for, slot, run_after, replay_of, "
	    "created_at) "
	    "VALUES (?, ?, ?, ?, ?, 'queued', ?, NULL, ?, ?, UTC_TIMESTAMP(3))",
	/* a deleted job's runs that never started go with it */
	[DB_EXEC_DELETE_QUEUED] =
	    "DELETE FROM executions WHERE workspace_id = ? AND job_id = ? "
	    "AND status = 'queued' AND attempt_count = 0",
	/* Newest first.  Each filter is optional (NULL matches all); a job
	 * name matches byte for byte, not by the column's case- and
	 * accent-blind collation.  Each list names its index: left alone,
	 * the planner's ORDER BY ... LIMIT shortcut scanned the primary key
	 * backwards through every workspace (2,543 rows read for a page of
	 * 50 of one job; 50 through executions_job), and one index cannot
	 * serve both orders, so a job's list is a statement of its own. */
	[DB_EXEC_LIST] =
	    "SELECT " DB_EXEC_COLUMNS " FROM executions "
	    "FORCE INDEX (executions_workspace) "
	    "WHERE workspace_id = ? AND id < ? " DB_EXEC_FILTERS
	    "ORDER BY id DESC LIMIT ?",
	[DB_EXEC_LIST_JOB] =
	    "SELECT " DB_EXEC_COLUMNS " FROM executions "
	    "FORCE INDEX (executions_job) "
	    "WHERE workspace_id = ? AND job_id = ? AND id < ? " DB_EXEC_FILTERS
	    "ORDER BY id DESC LIMIT ?",
	[DB_EXEC_GET] =
	    "SELECT " DB_EXEC_COLUMNS " FROM executions "
	    "WHERE workspace_id = ? AND id = ?",
	/* the join keeps even this lookup inside the workspace */
	[DB_EXEC_ATTEMPTS] =
	    "SELECT a.number, a.status, a.status_code, a.latency_ms, "
	    "a.body_preview, a.response_headers, a.error_class, a.started_at "
	    "FROM execution_attempts a "
	    "JOIN executions e ON e.id = a.execution_id "
	    "WHERE e.workspace_id = ? AND a.execution_id = ? "
	    "ORDER BY a.number",

	/* the scheduler's claim (db_claim.c): the WHERE and ORDER BY match
	 * the jobs_due index exactly, so SKIP LOCKED skips instead of
	 * waiting; the subquery reads the workspace flag without a lock */
	[DB_CLAIM_DUE] =
	    "SELECT j.id, j.workspace_id, j.name, j.kind, j.every_n_minutes, "
	    "j.cron_expr, j.timezone, j.run_at, j.next_run_at, "
	    "(SELECT w.restricted FROM workspaces w "
	    "WHERE w.id = j.workspace_id), "
	    "(SELECT w.plan FROM workspaces w WHERE w.id = j.workspace_id) "
	    "FROM jobs j WHERE j.state = 'active' AND j.next_run_at <= ? "
	    "ORDER BY j.next_run_at, j.id LIMIT ? FOR UPDATE SKIP LOCKED",
	[DB_CLAIM_ADVANCE] =
	    "UPDATE jobs SET next_run_at = ? WHERE id = ?",
	[DB_CLAIM_EXEC] =
	    "INSERT INTO executions (id, workspace_id, job_id, job_name, "
	    "trigger_kind, status, scheduled_for, slot, run_after, created_at) "
	    "VALUES (?, ?, ?, ?, 'schedule', 'queued', ?, ?, ?, "
	    "UTC_TIMESTAMP(3))",
	[DB_CLAIM_EARLIEST] =
	    "SELECT next_run_at FROM jobs WHERE state = 'active' "
	    "AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT 1",

	/* the runner (db_run.c): queued executions through executions_queue
	 * (status, run_after, id), expired leases through executions_lease;
	 * the job's request read by subqueries, which lock nothing */
	[DB_RUN_LEASE] =
	    "SELECT " DB_RUN_COLUMNS " FROM executions e "
	    "WHERE e.status = 'queued' AND e.run_after <= ? "
	    "ORDER BY e.run_after, e.id LIMIT ? FOR UPDATE SKIP LOCKED",
	[DB_RUN_TAKEOVER] =
	    "SELECT " DB_RUN_COLUMNS " FROM executions e "
	    "WHERE e.status = 'running' AND e.lease_expires_at < ? "
	    "ORDER BY e.lease_expires_at, e.id LIMIT ? FOR UPDATE SKIP LOCKED",
	[DB_RUN_START] =
	    "UPDATE executions SET status = 'running', lease_owner = ?, "
	    "lease_expires_at = ?, started_at = IFNULL(started_at, ?) "
	    "WHERE id = ?",
	/* at-least-once: an attempt redone after a takeover replaces the
	 * first record of it */
	[DB_RUN_ATTEMPT] =
	    "INSERT INTO execution_attempts (execution_id, number, status, "
	    "status_code, latency_ms, body_preview, response_headers, "
	    "error_class, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE status = VALUES(status), "
	    "status_code = VALUES(status_code), "
	    "latency_ms = VALUES(latency_ms), "
	    "body_preview = VALUES(body_preview), "
	    "response_headers = VALUES(response_headers), "
	    "error_class = VALUES(error_class), "
	    "started_at = VALUES(started_at)",
	[DB_RUN_RETRY] =
	    "UPDATE executions SET status = 'queued', run_after = ?, "
	    "attempt_count = ?, lease_owner = NULL, lease_expires_at = NULL "
	    "WHERE id = ? AND lease_owner = ?",
	[DB_RUN_FINISH] =
	    "UPDATE executions SET status = ?, attempt_count = ?, "
	    "finished_at = ?, duration_ms = ?, lease_owner = NULL, "
	    "lease_expires_at = NULL WHERE id = ? AND lease_owner = ?",
	[DB_RUN_JOB_LAST] =
	    "UPDATE jobs SET last_run_at = ?, last_status = ? WHERE id = ?",
	[DB_RUN_JOB_COMPLETE] =
	    "UPDATE jobs SET state = 'completed', next_run_at = NULL "
	    "WHERE id = ? AND state <> 'completed'",
	/* a stopping scheduler hands its work back at once */
	[DB_RUN_RELEASE] =
	    "UPDATE executions SET status = 'queued', lease_owner = NULL, "
	    "lease_expires_at = NULL WHERE id = ? AND lease_owner = ? "
	    "AND status = 'running'",
	/* notifications (db_notify.c) */
	/* at the end of up to DB_RECORD_BATCH executions, in the
	 * transaction that finishes them: one delivery per rule of each
	 * one's job for its outcome (on_success or on_failure, and
	 * on_completion).  One statement for the batch: the id list is
	 * padded with repeats (array binding cannot run INSERT ... SELECT).
	 * The webhook-id is made of the execution and the rule, so it is the
	 * same on every retry */
	[DB_NOTIFY_CREATE] =
	    "INSERT INTO notification_deliveries (message_id, workspace_id, "
	    "channel_id, execution_id, event, status, next_attempt_at, "
	    "created_at) "
	    "SELECT CONCAT('msg_', e.id, '_', r.id), r.workspace_id, "
	    "r.channel_id, e.id, r.event, 'queued', UTC_TIMESTAMP(3), "
	    "UTC_TIMESTAMP(3) FROM executions e "
	    "JOIN notification_rules r ON r.job_id = e.job_id "
	    "WHERE e.id IN (" DB_Q100 ") "
	    "AND e.status IN ('succeeded', 'failed') "
	    "AND (r.event = 'on_completion' OR r.event = "
	    "IF(e.status = 'succeeded', 'on_success', 'on_failure'))",
	/* a channel's test message */
	[DB_NOTIFY_TEST] =
	    "INSERT INTO notification_deliveries (message_id, workspace_id, "
	    "channel_id, execution_id, event, status, next_attempt_at, "
	    "created_at) VALUES (?, ?, ?, NULL, 'test', 'queued', ?, ?)",
	[DB_NOTIFY_LEASE] =
	    "SELECT " DB_NOTIFY_COLUMNS " FROM notification_deliveries d "
	    "WHERE d.status = 'queued' AND d.next_attempt_at <= ? "
	    "ORDER BY d.next_attempt_at, d.id LIMIT ? FOR UPDATE SKIP LOCKED",
	[DB_NOTIFY_TAKEOVER] =
	    "SELECT " DB_NOTIFY_COLUMNS " FROM notification_deliveries d "
	    "WHERE d.status = 'sending' AND d.lease_expires_at < ? "
	    "ORDER BY d.lease_expires_at, d.id LIMIT ? "
	    "FOR UPDATE SKIP LOCKED",
	[DB_NOTIFY_START] =
	    "UPDATE notification_deliveries SET status = 'sending', "
	    "lease_owner = ?, lease_expires_at = ? WHERE id = ?",
	/* what a message says about its execution: the job and the last
	 * attempt */
	[DB_NOTIFY_EXEC] =
	    "SELECT e.job_id, e.job_name, e.status, e.trigger_kind, "
	    "e.scheduled_for, e.finished_at, e.duration_ms, e.attempt_count, "
	    "a.status_code, a.latency_ms, a.error_class, a.body_preview "
	    "FROM executions e LEFT JOIN execution_attempts a "
	    "ON a.execution_id = e.id AND a.number = e.attempt_count "
	    "WHERE e.id = ?",
	[DB_NOTIFY_DONE] =
	    "UPDATE notification_deliveries SET status = ?, attempts = ?, "
	    "next_attempt_at = ?, response_status = ?, last_error = ?, "
	    "sent_at = ?, lease_owner = NULL, lease_expires_at = NULL "
	    "WHERE id = ? AND lease_owner = ?",
	/* test messages have no execution to go with */
	[DB_NOTIFY_PURGE] =
	    "DELETE FROM notification_deliveries WHERE execution_id IS NULL "
	    "AND created_at < ? AND status IN ('sent', 'failed') LIMIT ?",
	/* keys rotate: channel credentials like secrets */
	[DB_CHANNEL_STALE] =
	    "SELECT id, workspace_id, credentials, key_version "
	    "FROM notification_channels WHERE credentials IS NOT NULL "
	    "AND key_version <> ? AND id > ? ORDER BY id LIMIT ? "
	    "FOR UPDATE SKIP LOCKED",
	[DB_CHANNEL_REWRAP] =
	    "UPDATE notification_channels SET credentials = ?, key_version = ? "
	    "WHERE id = ? AND key_version = ?",
	/* channels and rules (db_channel.c, cron-api); every statement is
	 * filtered by workspace.  A channel's credentials are read only to
	 * be written back unopened by a PATCH that does not change them. */
	[DB_CHANNEL_INSERT] =
	    "INSERT INTO notification_channels (id, workspace_id, name, type, "
	    "config, credentials, key_version, created_by, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[DB_CHANNEL_GET] =
	    "SELECT " DB_CHANNEL_COLUMNS " FROM notification_channels "
	    "WHERE workspace_id = ? AND id = ?",
	[DB_CHANNEL_LOCK] =
	    "SELECT " DB_CHANNEL_COLUMNS ", credentials "
	    "FROM notification_channels "
	    "WHERE workspace_id = ? AND id = ? FOR UPDATE",
	[DB_CHANNEL_LIST] =
	    "SELECT " DB_CHANNEL_COLUMNS " FROM notification_channels "
	    "WHERE workspace_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
	[DB_CHANNEL_UPDATE] =
	    "UPDATE notification_channels SET name = ?, config = ?, "
	    "credentials = ?, key_version = ?, updated_at = ? "
	    "WHERE workspace_id = ? AND id = ?",
	/* its rules and deliveries go with it (foreign key cascades) */
	[DB_CHANNEL_DELETE] =
	    "DELETE FROM notification_channels "
	    "WHERE workspace_id = ? AND id = ?",
	[DB_RULE_INSERT] =
	    "INSERT INTO notification_rules (id, workspace_id, job_id, "
	    "channel_id, event, created_by, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[DB_RULE_COUNT] =
	    "SELECT COUNT(*) FROM notification_rules "
	    "WHERE workspace_id = ? AND job_id = ?",
	[DB_RULE_LIST] =
	    "SELECT id, job_id, channel_id, event, created_at "
	    "FROM notification_rules WHERE workspace_id = ? AND job_id = ? "
	    "ORDER BY id DESC",
	[DB_RULE_DELETE] =
	    "DELETE FROM notification_rules "
	    "WHERE workspace_id = ? AND job_id = ? AND id = ?",
	/* GET /v1/executions/:id: the deliveries made for it, in order; the
	 * joins keep the lookup inside the workspace */
	[DB_EXEC_DELIVERIES] =
	    "SELECT d.message_id, d.channel_id, c.name, c.type, d.event, "
	    "d.status, d.attempts, d.response_status, d.last_error, "
	    "d.created_at, d.sent_at "
	    "FROM notification_deliveries d "
	    "JOIN executions e ON e.id = d.execution_id "
	    "JOIN notification_channels c ON c.id = d.channel_id "
	    "AND c.workspace_id = e.workspace_id "
	    "WHERE e.workspace_id = ? AND d.execution_id = ? ORDER BY d.id",
	/* channel credentials per key version (keys status) */
	[DB_CHANNEL_VERSIONS] =
	    "SELECT key_version, COUNT(*) FROM notification_channels "
	    "WHERE credentials IS NOT NULL GROUP BY key_version "
	    "ORDER BY key_version",

	/* retention: finished history older than the window; attempts go
	 * with it (foreign key cascade) */
	/* executions per workspace and UTC month (SPEC §10, db_usage.c): the
	 * API takes one at a time under the row's lock (the conditional
	 * UPDATE finds no row when the quota would be passed); a claim batch
	 * locks its workspaces' rows, decides, then adds */
	[DB_USAGE_ENSURE] =
	    "INSERT IGNORE INTO workspace_usage (workspace_id, month) "
	    "VALUES (?, ?)",
	[DB_USAGE_TAKE] =
	    "UPDATE workspace_usage SET executions = executions + ? "
	    "WHERE workspace_id = ? AND month = ? AND executions + ? <= ?",
	[DB_USAGE_LOCK] =
	    "SELECT workspace_id, executions FROM workspace_usage "
	    "WHERE month = ? AND workspace_id IN (" DB_Q50 ") FOR UPDATE",
	[DB_USAGE_ADD] =
	    "INSERT INTO workspace_usage (workspace_id, month, executions) "
	    "VALUES (?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE executions = executions + VALUES(executions)",
	/* members and pending invites, under the workspace row's lock */
	[DB_USAGE_SEATS] =
	    "SELECT w.plan, w.job_count, (SELECT COUNT(*) FROM memberships m "
	    "WHERE m.workspace_id = w.id), (SELECT COUNT(*) FROM invites i "
	    "WHERE i.workspace_id = w.id AND i.accepted_at IS NULL "
	    "AND i.expires_at > UTC_TIMESTAMP(3)) "
	    "FROM workspaces w WHERE w.id = ? FOR UPDATE",
	[DB_WORKSPACE_PLAN_SET] =
	    "UPDATE workspaces SET plan = ?, updated_at = UTC_TIMESTAMP(3) "
	    "WHERE id = ?",
	[DB_USAGE_GET] =
	    "SELECT executions FROM workspace_usage "
	    "WHERE workspace_id = ? AND month = ?",
	/* per plan (SPEC §10): the workspaces on plan ?, and with the
	 * second ? set those whose plan is none of the 16 configured */
	[DB_RUN_PURGE] =
	    "DELETE FROM executions WHERE created_at < ? "
	    "AND status IN ('succeeded', 'failed') AND workspace_id IN "
	    "(SELECT id FROM workspaces WHERE plan = ? OR (? AND plan NOT IN "
	    "(" DB_Q10 ", ?, ?, ?, ?, ?, ?))) LIMIT ?",

	/* scheduler heartbeats (db_instance.c): started_at is kept from
	 * the first beat, seen_at is the server's clock */
	[DB_INSTANCE_BEAT] =
	    "INSERT INTO scheduler_instances (instance, host, pid, version, "
	    "started_at, seen_at, inflight) "
	    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?) "
	    "ON DUPLICATE KEY UPDATE seen_at = VALUES(seen_at), "
	    "inflight = VALUES(inflight)",
	[DB_INSTANCE_DELETE] =
	    "DELETE FROM scheduler_instances WHERE instance = ?",
	[DB_INSTANCE_PURGE] =
	    "DELETE FROM scheduler_instances "
	    "WHERE seen_at < UTC_TIMESTAMP(3) - INTERVAL 1 DAY",
	[DB_INSTANCE_LIVE] =
	    "SELECT instance, host, pid, version, started_at, seen_at, "
	    "inflight FROM scheduler_instances WHERE seen_at >= ? "
	    "ORDER BY instance",

	/* cron-admin status (db_admin.c): each a range of one index */
	[DB_STATUS_SERVER] =
	    "SELECT VERSION(), UTC_TIMESTAMP(3)",
	/* executions_queue (status, run_after, id), index only */
	[DB_STATUS_QUEUE] =
	    "SELECT COALESCE(SUM(status = 'queued'), 0), "
	    "COALESCE(SUM(status = 'queued' AND run_after <= ?), 0), "
	    "COALESCE(SUM(status = 'running'), 0) FROM executions "
	    "WHERE status IN ('queued', 'running')",
	/* what the claim would take (DB_CLAIM_DUE) less the restricted
	 * workspaces' jobs, in jobs_due order and at most ? of them: the
	 * count stops at the cap, the first row is the oldest.  The scalar
	 * subquery is one primary-key lookup per due job; NOT EXISTS here
	 * becomes an anti-join that scans all of workspaces. */
	[DB_STATUS_DUE] =
	    "SELECT COUNT(*), MIN(d.next_run_at) FROM ("
	    "SELECT j.next_run_at FROM jobs j "
	    "WHERE j.state = 'active' AND j.next_run_at <= ? "
	    "AND (SELECT w.restricted FROM workspaces w "
	    "WHERE w.id = j.workspace_id) = 0 "
	    "ORDER BY j.next_run_at, j.id LIMIT ?) d",
	/* executions_lease (status, lease_expires_at, id); lease_owner is
	 * host:pid:tag, or that and :counter */
	[DB_STATUS_LEASES] =
	    "SELECT SUBSTRING_INDEX(lease_owner, ':', 3) AS owner, COUNT(*), "
	    "COALESCE(SUM(lease_expires_at < ?), 0), MIN(lease_expires_at) "
	    "FROM executions WHERE status = 'running' "
	    "AND lease_owner IS NOT NULL GROUP BY owner ORDER BY owner",
	/* mail_outbox_due and deliveries_due, index only */
	[DB_STATUS_OUTBOX] =
	    "SELECT (SELECT COUNT(*) FROM mail_outbox "
	    "WHERE status = 'queued'), "
	    "(SELECT COUNT(*) FROM notification_deliveries "
	    "WHERE status IN ('queued', 'sending'))",
	/* cron-admin plan list: a scan of workspaces, an operator's
	 * command (no index on plan) */
	[DB_PLAN_COUNTS] =
	    "SELECT plan, COUNT(*) FROM workspaces GROUP BY plan "
	    "ORDER BY plan",
};

const char *
db_sql(enum db_stmt s)
{
	return s < DB_STMT__MAX ? db_sql_table[s] : NULL;
}
