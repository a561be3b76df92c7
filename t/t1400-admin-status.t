#!/usr/bin/env bash
test_description='cron-admin status: database, migrations, queue, due jobs, schedulers (their heartbeat rows) and leases, outboxes; exit 1 with the reason when unhealthy'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# ids: a letter and 24 digits
mkid() { printf "%s%024d" "$1" "$2"; }
W1=$(mkid w 1) W2=$(mkid w 2) C1=$(mkid c 1)

# job N WORKSPACE STATE SECONDS: a job whose next_run_at is now + SECONDS
job() {
	stack_sql "INSERT INTO jobs (id, workspace_id, name, kind, state, every_n_minutes, request, retry_policy, next_run_at, created_by, created_at, updated_at)
		VALUES (\"$(mkid j "$1")\", \"$2\", \"j$1\", \"recurring\", \"$3\", 5, \"{}\", \"{}\",
		UTC_TIMESTAMP(3) + INTERVAL $4 SECOND, \"$(mkid u 1)\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"
}

# exe N STATUS RUN_AFTER_SECONDS [LEASE_OWNER LEASE_SECONDS]
exe() {
	local owner=NULL expires=NULL
	test -n "${4:-}" && owner="\"$4\"" expires="UTC_TIMESTAMP(3) + INTERVAL $5 SECOND"
	stack_sql "INSERT INTO executions (id, workspace_id, job_id, job_name, trigger_kind, status, scheduled_for, run_after, lease_owner, lease_expires_at, created_at)
		VALUES (\"$(mkid e "$1")\", \"$W1\", \"$(mkid j 1)\", \"j1\", \"schedule\", \"$2\", UTC_TIMESTAMP(3),
		UTC_TIMESTAMP(3) + INTERVAL $3 SECOND, $owner, $expires, UTC_TIMESTAMP(3))"
}

# no_instance NAME: scheduler_instances has no row NAME
no_instance() {
	test "$(stack_sql "SELECT COUNT(*) FROM scheduler_instances WHERE instance = \"$1\"")" = 0
}

# field KEY: the value of "KEY: value" in out
field() { sed -n "s/^$1: //p" out; }

test_expect_success 'set up a migrated database' '
	stack_db_start && stack_conf && stack_migrate >/dev/null
'

test_expect_success 'no scheduler: exit 1, and says so; the rest is reported' '
	test_must_fail cron-admin status >out &&
	test "$(field database)" = reachable &&
	field "server version" | grep -i mariadb &&
	test "$(field "migrations applied")" = "$(ls "$TEST_SRCDIR"/sql/*.sql | wc -l)" &&
	test "$(field "migrations pending")" = 0 &&
	test "$(field "schedulers running")" = 0 &&
	test_grep "^problem: no scheduler seen in the last 60 s$" out &&
	test "$(field health)" = unhealthy &&
	test "$(grep -c "^problem:" out)" = 1
'

test_expect_success 'queued, running, due jobs, leases and outboxes count the rows there are' '
	stack_sql "INSERT INTO workspaces (id, name, restricted, created_at, updated_at) VALUES
		(\"$W1\", \"one\", 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
		(\"$W2\", \"two\", 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" &&
	job 1 "$W1" active -120 && job 2 "$W1" active -30 && job 3 "$W1" active -1 &&
	job 4 "$W2" active -1000 &&	# restricted workspace: skipped, not due
	job 5 "$W1" paused -500 && job 6 "$W1" active 600 &&
	exe 1 queued -5 && exe 2 queued -1 && exe 3 queued 300 &&
	exe 4 running -60 host-a:10:aaaa 60 &&
	exe 5 running -60 host-b:20:bbbb:7 -30 &&
	exe 6 running -60 host-b:20:bbbb:8 90 &&
	exe 7 succeeded -60 && exe 8 failed -60 &&
	stack_sql "INSERT INTO mail_outbox (id, to_addr, subject, body_text, status, next_attempt_at, created_at) VALUES
		(\"$(mkid m 1)\", \"a@x.io\", \"s\", \"b\", \"queued\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
		(\"$(mkid m 2)\", \"a@x.io\", \"s\", \"b\", \"sent\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
		(\"$(mkid m 3)\", \"a@x.io\", \"s\", \"b\", \"queued\", UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, UTC_TIMESTAMP(3))" &&
	stack_sql "INSERT INTO notification_channels (id, workspace_id, name, type, config, created_by, created_at, updated_at)
		VALUES (\"$C1\", \"$W1\", \"hook\", \"webhook\", \"{}\", \"$(mkid u 1)\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" &&
	for d in 1:queued 2:sending 3:sent 4:failed; do
		stack_sql "INSERT INTO notification_deliveries (message_id, workspace_id, channel_id, event, status, next_attempt_at, created_at)
			VALUES (\"msg_${d%%:*}\", \"$W1\", \"$C1\", \"test\", \"${d#*:}\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" || return 1
	done &&
	test_must_fail cron-admin status >out &&
	test "$(field "executions queued")" = "3 (2 ready to run)" &&
	test "$(field "executions running")" = 3 &&
	test "$(field "due jobs not claimed")" = 3 &&
	field "oldest due job late" | grep -E "^12[0-9] s$" &&
	test_grep "^leases of host-a:10:aaaa (not running): 1 lease (first expires in [0-9]* s, 0 expired)$" out &&
	test_grep "^leases of host-b:20:bbbb (not running): 2 leases (first expires [0-9]* s ago, 1 expired)$" out &&
	test "$(field leases)" = "3 held, 1 expired waiting for takeover" &&
	test "$(field "mail undelivered")" = 2 &&
	test "$(field "notifications pending")" = 2
'

test_expect_success '--json has the same figures, and parses' '
	test_must_fail cron-admin status --json >out.json &&
	test -s out.json && jq -e ".healthy == false and .problems == [\"no scheduler seen in the last 60 s\"]
		and .database.reachable and (.database.version | test(\"MariaDB\"))
		and .migrations.pending == [] and .migrations.changed == 0
		and .executions == {queued: 3, ready: 2, running: 3}
		and .due_jobs.count == 3 and .due_jobs.capped == false
		and (.due_jobs.oldest_late_seconds >= 120 and .due_jobs.oldest_late_seconds < 130)
		and .schedulers == [] and .leases.held == 3 and .leases.expired == 1
		and ([.leases.owners[] | [.instance, .count, .expired, .running]]
			== [[\"host-a:10:aaaa\", 1, 0, false], [\"host-b:20:bbbb\", 2, 1, false]])
		and .mail_undelivered == 2 and .notifications_pending == 2" out.json
'

test_expect_success 'with a scheduler running (rows cleared first): healthy, exit 0, and its row' '
	stack_sql "DELETE FROM executions; DELETE FROM jobs; DELETE FROM mail_outbox; DELETE FROM notification_deliveries" &&
	sched_daemon sched &&
	test "$(stack_sql "SELECT COUNT(*) FROM scheduler_instances WHERE pid = $SCHED_PID")" = 1 &&
	INSTANCE=$(stack_sql "SELECT instance FROM scheduler_instances WHERE pid = $SCHED_PID") &&
	test_grep "starting as $INSTANCE" sched.log &&
	cron-admin status >out &&
	test "$(field health)" = ok &&
	test_grep -v "^problem:" out &&
	test "$(field "schedulers running")" = 1 &&
	field "scheduler $INSTANCE" >line &&
	test_grep "^host $(hostname), pid $SCHED_PID, version [0-9.]*, started 20[0-9-]*T[0-9:.]*Z, seen [0-9]* s ago, 0 in flight, 0 leases$" line &&
	test "$(field leases)" = "0 held, 0 expired waiting for takeover" &&
	cron-admin status --json >out.json &&
	test -s out.json && jq -e --arg i "$INSTANCE" --argjson pid "$SCHED_PID" \
		".healthy and .problems == [] and (.schedulers | length) == 1 and
		 .schedulers[0].instance == \$i and .schedulers[0].pid == \$pid and
		 .schedulers[0].host == \"$(hostname)\" and .schedulers[0].inflight == 0 and
		 .schedulers[0].seen_seconds_ago < 60 and (.schedulers[0].started_at | test(\"Z$\"))" out.json
'

test_expect_success 'a pending migration: exit 1, naming it' '
	mkdir sql && cp "$TEST_SRCDIR"/sql/*.sql sql/ &&
	echo "SELECT 1;" >sql/9999-x.sql &&
	sed "s|^sql_dir = .*|sql_dir = $TRASH_DIRECTORY/sql|" "$CRON_CONF" >pending.conf &&
	test_must_fail cron-admin -f pending.conf status >out &&
	test "$(field "migrations pending")" = 1 &&
	test "$(field "migration pending")" = 9999-x.sql &&
	test_grep "^problem: 1 migration pending: 9999-x.sql (run cron-admin migrate)$" out &&
	test "$(field health)" = unhealthy &&
	test_must_fail cron-admin -f pending.conf status --json >out.json &&
	test -s out.json && jq -e ".healthy == false and .migrations.pending == [\"9999-x.sql\"] and
		(.problems | length) == 1" out.json &&
	test "$(stack_sql "SELECT COUNT(*) FROM schema_migrations WHERE version = 9999")" = 0
'

test_expect_success 'the heartbeat refreshes the row within 10 s and forgets schedulers gone a day' '
	stack_sql "UPDATE scheduler_instances SET seen_at = seen_at - INTERVAL 5 MINUTE;
		INSERT INTO scheduler_instances VALUES
		(\"old:1:dead\", \"old\", 1, \"0.0.1\", UTC_TIMESTAMP(3) - INTERVAL 3 DAY, UTC_TIMESTAMP(3) - INTERVAL 25 HOUR, 0),
		(\"gone:2:beef\", \"gone\", 2, \"0.0.1\", UTC_TIMESTAMP(3) - INTERVAL 3 DAY, UTC_TIMESTAMP(3) - INTERVAL 2 HOUR, 0)" &&
	test_must_fail cron-admin status >out &&
	test_grep "^problem: no scheduler seen in the last 60 s$" out &&
	test_wait_for 15 cron-admin status &&
	test_wait_for 5 no_instance old:1:dead &&
	stack_sql "SELECT instance FROM scheduler_instances ORDER BY instance" >rows &&
	printf "%s\n" gone:2:beef "$INSTANCE" | sort >expect &&
	sort rows >actual && test_cmp expect actual &&
	cron-admin status >out && test "$(field "schedulers running")" = 1
'

test_expect_success 'SIGTERM: the scheduler removes its row; status says none runs' '
	sched_kill $SCHED_PID &&
	test_grep "stopped" sched.log &&
	no_instance "$INSTANCE" &&
	test_must_fail cron-admin status >out &&
	test "$(field "schedulers running")" = 0 &&
	test_grep "^problem: no scheduler seen in the last 60 s$" out
'

test_expect_success 'an unreachable database: exit 1, and says so' '
	sed "s|^db_socket = .*|db_socket = $TRASH_DIRECTORY/no.sock|" "$CRON_CONF" >down.conf &&
	test_must_fail cron-admin -f down.conf status >out 2>err &&
	test "$(field database)" = unreachable &&
	test_grep "^problem: the database is unreachable$" out &&
	test "$(field health)" = unhealthy &&
	test_must_fail cron-admin -f down.conf status --json >out.json 2>err &&
	test -s out.json && jq -e ".healthy == false and .database == {reachable: false} and .migrations == null" out.json
'

test_expect_success 'usage errors exit 2' '
	test_expect_code_2() { "$@"; test $? = 2; } &&
	test_expect_code_2 cron-admin status --bogus 2>err && test_grep usage err &&
	test_expect_code_2 cron-admin status extra 2>err && test_grep usage err
'

test_done
