-- 0001: users, workspaces and memberships (SPEC §3).
-- Ids are 25-character k-sortable strings (SPEC §2); times are UTC DATETIME(3).

CREATE TABLE users (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	email VARCHAR(254) NOT NULL,
	email_norm VARCHAR(254) NOT NULL COMMENT 'lower-cased email, unique',
	name VARCHAR(100) NOT NULL,
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	trust_level ENUM('pending_verification', 'verified', 'trusted')
		NOT NULL DEFAULT 'pending_verification',
	verified_at DATETIME(3) NULL,
	restricted TINYINT(1) NOT NULL DEFAULT 0,
	restriction_reason VARCHAR(500) NULL,
	created_at DATETIME(3) NOT NULL,
	updated_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY users_email (email_norm)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE workspaces (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(100) NOT NULL,
	timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
	plan VARCHAR(32) NOT NULL DEFAULT 'free',
	restricted TINYINT(1) NOT NULL DEFAULT 0,
	restriction_reason VARCHAR(500) NULL,
	created_at DATETIME(3) NOT NULL,
	updated_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE memberships (
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	role ENUM('owner', 'admin', 'member') NOT NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (workspace_id, user_id),
	KEY memberships_user (user_id),
	CONSTRAINT memberships_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE,
	CONSTRAINT memberships_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
