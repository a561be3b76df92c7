-- 0002: email tokens, invites, API tokens, the mail outbox and rate-limit
-- counters (SPEC §3).  Tokens are stored only as SHA-256 hex digests.

CREATE TABLE email_tokens (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	purpose ENUM('verify_email') NOT NULL,
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	expires_at DATETIME(3) NOT NULL,
	used_at DATETIME(3) NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY email_tokens_hash (token_hash),
	KEY email_tokens_user (user_id, purpose),
	CONSTRAINT email_tokens_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invites (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	email VARCHAR(254) NOT NULL,
	email_norm VARCHAR(254) NOT NULL,
	role ENUM('admin', 'member') NOT NULL,
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	invited_by CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	expires_at DATETIME(3) NOT NULL,
	accepted_at DATETIME(3) NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY invites_hash (token_hash),
	KEY invites_workspace (workspace_id, id),
	CONSTRAINT invites_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- created_by has no foreign key on purpose: when the creator's account is
-- deleted the token stays and answers 401 token_orphaned.
CREATE TABLE api_tokens (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(100) NOT NULL,
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	token_prefix CHAR(4) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_by CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(3) NOT NULL,
	last_used_at DATETIME(3) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY api_tokens_hash (token_hash),
	KEY api_tokens_workspace (workspace_id, id),
	CONSTRAINT api_tokens_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Mail is queued here by the API and sent by cron-scheduler.
CREATE TABLE mail_outbox (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	to_addr VARCHAR(254) NOT NULL,
	subject VARCHAR(255) NOT NULL,
	body_text MEDIUMTEXT NOT NULL,
	status ENUM('queued', 'sent', 'failed') NOT NULL DEFAULT 'queued',
	attempts INT NOT NULL DEFAULT 0,
	next_attempt_at DATETIME(3) NOT NULL,
	lease_owner VARCHAR(64) NULL,
	lease_expires_at DATETIME(3) NULL,
	last_error VARCHAR(500) NULL,
	created_at DATETIME(3) NOT NULL,
	sent_at DATETIME(3) NULL,
	PRIMARY KEY (id),
	KEY mail_outbox_due (status, next_attempt_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Fixed-window request counters shared by every worker and host.
CREATE TABLE rate_limits (
	bucket VARCHAR(190) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	window_start BIGINT NOT NULL,
	hits INT NOT NULL,
	PRIMARY KEY (bucket)
) ENGINE=InnoDB;
