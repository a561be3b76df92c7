#!/usr/bin/env bash
test_description='cron-scheduler housekeeping: trust promotion after 48 h, purge of old rate-limit counters'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

level() { stack_sql "SELECT trust_level FROM users WHERE id = '$1'"; }

test_expect_success 'a database with users in every state and old counters' '
	stack_db_start && stack_conf && stack_migrate >/dev/null &&
	for u in old:verified:49 young:verified:47 pend:pending_verification:49 restr:verified:49; do
		IFS=: read -r name lvl hours <<-EOF
		$u
		EOF
		id=$(printf "c%024d" $RANDOM$RANDOM | cut -c1-25 | tr 0-9 a-j | sed "s/^./c/") &&
		eval "ID_$name=$id" &&
		stack_sql "INSERT INTO users (id, email, email_norm, name, password_hash, trust_level, verified_at, restricted, created_at, updated_at)
			VALUES (\"$id\", \"$name@x.io\", \"$name@x.io\", \"$name\", \"x\", \"$lvl\",
			UTC_TIMESTAMP(3) - INTERVAL $hours HOUR, $(test $name = restr && echo 1 || echo 0), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" || return 1
	done &&
	now=$(date +%s) &&
	stack_sql "INSERT INTO rate_limits VALUES (\"user:old\", $((now - 3600)), 5), (\"user:new\", $((now - now % 60)), 5)"
'

test_expect_success 'the scheduler promotes only verified, unrestricted users verified 48 h ago' '
	{ cron-scheduler -d </dev/null >sched.log 2>&1 & } && SCHED=$! &&
	test_atexit "kill $SCHED" &&
	test_wait_for 20 grep -q "ready: cron-scheduler" sched.log &&
	test "$(level "$ID_old")" = trusted &&
	test "$(level "$ID_young")" = verified &&
	test "$(level "$ID_pend")" = pending_verification &&
	test "$(level "$ID_restr")" = verified &&
	test_grep "promoted 1 users to trusted" sched.log
'

test_expect_success 'counters of long-past windows are purged, current ones kept' '
	test "$(stack_sql "SELECT GROUP_CONCAT(bucket) FROM rate_limits")" = "user:new"
'

test_expect_success 'SIGTERM stops it with status 0' '
	kill -TERM $SCHED && wait $SCHED
'

test_done
