-- 0003: at most one owner per workspace, enforced by the database itself:
-- is_owner is 1 on the owner's row and NULL elsewhere, and (workspace_id,
-- is_owner) is unique, so a second owner row is a duplicate-key error
-- whatever the code does.  Transfer demotes the owner before promoting the
-- new one, in one transaction.
ALTER TABLE memberships
	ADD COLUMN is_owner TINYINT AS (IF(role = 'owner', 1, NULL)) PERSISTENT,
	ADD UNIQUE KEY memberships_one_owner (workspace_id, is_owner);

ALTER TABLE invites ADD KEY invites_email (workspace_id, email_norm);
