-- 0006: notifications (SPEC §8): channels, rules on jobs, deliveries.
--
-- A channel's settings that are not credentials (an email address, a
-- webhook URL, a Slack mention, a Telegram chat id) are JSON in `config`;
-- its credentials (a webhook's signing secret, a Slack or Discord webhook
-- URL, a Telegram bot token) are one JSON object sealed with the secrets
-- keyring (lib/keyring.c; associated data "channel:<workspace>:<id>"),
-- re-encrypted by `cron-admin keys rotate` like secrets.

CREATE TABLE notification_channels (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(100) NOT NULL,
	type ENUM('webhook', 'email', 'slack', 'discord', 'telegram') NOT NULL,
	config TEXT NOT NULL COMMENT 'JSON: settings that are not credentials',
	credentials MEDIUMBLOB NULL COMMENT 'sealed JSON; NULL: none set',
	key_version INT NULL,
	created_by CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(3) NOT NULL,
	updated_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY channels_name (workspace_id, name),
	KEY channels_workspace (workspace_id, id),
	KEY channels_key_version (key_version, id),
	CONSTRAINT channels_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One rule per (job, channel, event); the channel is in the job's
-- workspace (checked by cron-api).  Both cascade.
CREATE TABLE notification_rules (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	job_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	channel_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	event ENUM('on_success', 'on_failure', 'on_completion') NOT NULL,
	created_by CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY rules_job (job_id, channel_id, event),
	KEY rules_channel (channel_id),
	CONSTRAINT rules_job FOREIGN KEY (job_id)
		REFERENCES jobs (id) ON DELETE CASCADE,
	CONSTRAINT rules_channel FOREIGN KEY (channel_id)
		REFERENCES notification_channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A message to send: made by the scheduler in the transaction that
-- finishes an execution (one per matching rule), or by a channel's test.
-- message_id is the webhook-id, the same on every retry.  Deliveries go
-- with their execution (retention) and with their channel.
CREATE TABLE notification_deliveries (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	message_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	channel_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	execution_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'NULL: a test message',
	event ENUM('on_success', 'on_failure', 'on_completion', 'test') NOT NULL,
	status ENUM('queued', 'sending', 'sent', 'failed') NOT NULL,
	attempts INT NOT NULL DEFAULT 0,
	next_attempt_at DATETIME(3) NOT NULL,
	lease_owner VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	lease_expires_at DATETIME(3) NULL,
	response_status INT NULL,
	last_error VARCHAR(500) NULL,
	created_at DATETIME(3) NOT NULL,
	sent_at DATETIME(3) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY deliveries_message (message_id),
	KEY deliveries_due (status, next_attempt_at, id),
	KEY deliveries_lease (status, lease_expires_at, id),
	KEY deliveries_execution (execution_id, id),
	CONSTRAINT deliveries_execution FOREIGN KEY (execution_id)
		REFERENCES executions (id) ON DELETE CASCADE,
	CONSTRAINT deliveries_channel FOREIGN KEY (channel_id)
		REFERENCES notification_channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Email notifications carry an HTML alternative.
ALTER TABLE mail_outbox ADD COLUMN body_html MEDIUMTEXT NULL AFTER body_text;
