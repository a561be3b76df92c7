-- 0004: secrets (SPEC §4).  Only AES-256-GCM ciphertext is stored
-- (nonce || ciphertext || tag, lib/keyring.c), with the version of the
-- master key that sealed it; the associated data binds it to its workspace
-- id and name, so a ciphertext copied to another row does not decrypt.
-- Names are case-sensitive (as secret://NAME references are).
CREATE TABLE secrets (
	id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	ciphertext MEDIUMBLOB NOT NULL,
	key_version INT NOT NULL,
	created_by CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY secrets_name (workspace_id, name),
	KEY secrets_workspace (workspace_id, id),
	KEY secrets_key_version (key_version, id),
	CONSTRAINT secrets_workspace FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
