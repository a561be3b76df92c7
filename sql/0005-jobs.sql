-- 0005: jobs, executions and attempts (SPEC §5, §6, §7).
--
-- The scheduler claims due jobs with
--   SELECT ... FROM jobs WHERE state = 'active' AND next_run_at <= ?
--   ORDER BY next_run_at, id LIMIT ? FOR UPDATE SKIP LOCKED
-- and SKIP LOCKED only skips instead of waiting when an index matches the
-- WHERE and the ORDER BY exactly (no filesort): jobs_due is that index.
-- Runners lease queued executions the same way through executions_queue,
-- and take over expired leases through executions_lease.
-- jobs_workspace_state serves the list filtered by state.
--
-- workspaces.job_count counts the jobs that are not completed, for the
-- max_jobs quota (SPEC §10): a create adds to it with a conditional
-- UPDATE in the creating transaction (refused when over the limit, so
-- concurrent creates cannot overshoot and never count rows), a delete
-- and the scheduler's completion of a job subtract.
--
-- A job's request and retry policy are stored as the validated, normalised
-- JSON the API accepted (defaults filled in); the scheduler reads them at
-- run time, so replay and run-now use the job's current request (SPEC §6).
-- Jobs are deleted for real; their executions keep job_id and job_name and
-- stay listable until the retention purge, so executions have no foreign
-- key to jobs.

ALTER TABLE workspaces ADD COLUMN job_count INT NOT NULL DEFAULT 0
	COMMENT 'jobs not completed: the max_jobs quota';

CREATE TABLE jobs (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(200) NOT NULL,
	description VARCHAR(2000) NOT NULL DEFAULT '',
	kind ENUM('recurring', 'cron', 'scheduled', 'one_time') NOT NULL,
	state ENUM('active', 'paused', 'draft', 'completed') NOT NULL,
	every_n_minutes INT NULL COMMENT 'recurring',
	cron_expr VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'cron',
	timezone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'cron: IANA zone',
	run_at DATETIME(3) NULL COMMENT 'scheduled',
	request MEDIUMTEXT NOT NULL COMMENT 'normalised JSON',
	retry_policy TEXT NOT NULL COMMENT 'normalised JSON',
	next_run_at DATETIME(3) NULL COMMENT 'NULL: nothing scheduled',
	last_run_at DATETIME(3) NULL,
	last_status ENUM('succeeded', 'failed') NULL,
	created_by CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(3) NOT NULL,
	updated_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	KEY jobs_due (state, next_run_at, id),
	KEY jobs_workspace (workspace_id, id),
	KEY jobs_workspace_state (workspace_id, state, id),
	CONSTRAINT jobs_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- slot is scheduled_for for runs the scheduler claims (trigger 'schedule')
-- and NULL for run-now, replay and one_time runs: the unique key
-- (job_id, slot) makes two executions of one scheduled slot impossible,
-- even when two schedulers race (NULLs never collide).
CREATE TABLE executions (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	job_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	job_name VARCHAR(200) NOT NULL,
	trigger_kind ENUM('schedule', 'run_now', 'replay', 'one_time') NOT NULL,
	status ENUM('queued', 'running', 'succeeded', 'failed') NOT NULL,
	scheduled_for DATETIME(3) NOT NULL,
	slot DATETIME(3) NULL,
	run_after DATETIME(3) NOT NULL COMMENT 'next attempt not before',
	attempt_count INT NOT NULL DEFAULT 0,
	lease_owner VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	lease_expires_at DATETIME(3) NULL,
	started_at DATETIME(3) NULL,
	finished_at DATETIME(3) NULL,
	duration_ms INT NULL,
	replay_of CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY executions_slot (job_id, slot),
	KEY executions_queue (status, run_after, id),
	KEY executions_lease (status, lease_expires_at, id),
	KEY executions_workspace (workspace_id, id),
	KEY executions_job (workspace_id, job_id, id),
	KEY executions_created (created_at),
	CONSTRAINT executions_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per HTTP attempt of an execution (SPEC §6: the API shows these
-- with camelCase names).  response_headers is a JSON object of the
-- selected headers; body_preview the first 64 KiB of the response body.
CREATE TABLE execution_attempts (
	execution_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	number INT NOT NULL,
	status ENUM('SUCCESS', 'TIMEOUT', 'CONNECTION_ERROR', 'HTTP_ERROR')
		NOT NULL,
	status_code INT NULL,
	latency_ms INT NOT NULL,
	body_preview MEDIUMBLOB NULL,
	response_headers TEXT NULL,
	error_class VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
	started_at DATETIME(3) NOT NULL,
	PRIMARY KEY (execution_id, number),
	CONSTRAINT execution_attempts_execution FOREIGN KEY (execution_id)
		REFERENCES executions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
