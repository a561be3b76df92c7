#!/usr/bin/env bash
test_description='cron-api survives a MariaDB restart: health 503 while down, 200 after, no cron-api restart'
. "$(dirname "$0")/test-lib.sh"
STACK_PRIVATE_DB=1	# this script stops its server; never the shared one
. "$TEST_SRCDIR/t/lib-stack.sh"

test_expect_success 'start the stack on a private MariaDB' '
	STACK_WORKERS=2 stack_up &&
	http GET /v1/health && expect_status 200 &&
	stack_api_workers | sort >workers.before
'

test_expect_success 'every worker has answered from its connection' '
	for i in 1 2 3 4 5 6 7 8; do
		http GET /v1/health && expect_status 200 || return 1
	done
'

test_expect_success 'with MariaDB stopped, health is 503 with db unreachable' '
	stack_db_stop &&
	for i in 1 2 3 4; do
		http GET /v1/health &&
		expect_status 503 &&
		jq -e ".status == \"unavailable\" and .db == \"unreachable\"" body &&
		test "$(header retry-after)" = 1 || return 1
	done
'

test_expect_success 'the unreachable database is logged without the password' '
	test_grep "database: connect" "$API_LOG" &&
	test_grep -v "$DB_PASS" "$API_LOG"
'

test_expect_success 'with MariaDB back, health is 200 again on every worker' '
	stack_db_restart &&
	for i in 1 2 3 4 5 6 7 8; do
		http GET /v1/health && expect_status 200 || return 1
	done
'

test_expect_success 'cron-api was not restarted: same master, same workers' '
	kill -0 "$API_PID" &&
	stack_api_workers | sort >workers.after &&
	test_cmp workers.before workers.after
'

test_done
