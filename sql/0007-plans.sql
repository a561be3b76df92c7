-- 0007: plans and quotas (SPEC §10) and the schedulers' heartbeats.
--
-- workspaces.plan (from 0001) names a plan defined in cron.conf
-- (plan.NAME.LIMIT keys).  Executions are counted per workspace and UTC
-- month as they are created (claimed by a scheduler, run-now, replay,
-- one_time), in the transaction that creates them, so the monthly quota
-- holds across every API worker and scheduler.
CREATE TABLE workspace_usage (
	workspace_id CHAR(25) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	month CHAR(7) CHARACTER SET ascii NOT NULL,	-- '2026-11' (UTC)
	executions INT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (workspace_id, month),
	CONSTRAINT workspace_usage_ws FOREIGN KEY (workspace_id)
		REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per running cron-scheduler, refreshed every few seconds, for
-- cron-admin status (a scheduler with nothing to do holds no lease, so
-- leases alone cannot show it).  Rows not seen for a day are purged.
CREATE TABLE scheduler_instances (
	instance VARCHAR(48) CHARACTER SET ascii NOT NULL,	-- host:pid:tag
	host VARCHAR(255) NOT NULL,
	pid INT UNSIGNED NOT NULL,
	version VARCHAR(32) NOT NULL,
	started_at DATETIME(3) NOT NULL,
	seen_at DATETIME(3) NOT NULL,
	inflight INT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (instance),
	KEY scheduler_instances_seen (seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
