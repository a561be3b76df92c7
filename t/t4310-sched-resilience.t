#!/usr/bin/env bash
test_description='cron-scheduler resilience (SPEC 7): Retry-After, keep-alive reuse, a MariaDB restart under load'
. "$(dirname "$0")/test-lib.sh"
STACK_PRIVATE_DB=1	# this script stops its server; never the shared one
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

# The load: LOAD_JOBS active recurring jobs "load I" (every 60 minutes, so
# each has exactly one slot in this script), due 0 to 9 s from now, ten a
# second, each calling /load/I with a 2 s delay; and one queued run-now
# execution of each, due at once.  Ids are c1... (jobs), c2... (run-now).
LOAD_JOBS=100
load_sql() {
	local i req pol='{"max_attempts":3,"retry_on_statuses":[500,502,503,504]}'
	printf 'INSERT INTO jobs (id, workspace_id, name, description, kind, state, every_n_minutes, cron_expr, timezone, run_at, request, retry_policy, next_run_at, created_by, created_at, updated_at) VALUES '
	for i in $(seq "$LOAD_JOBS"); do
		req="{\"url\":\"$T/load/$i?delay=2000\",\"method\":\"GET\",\"headers\":{},\"timeout_seconds\":5,\"success_statuses\":[200]}"
		printf "('c1%023d', '%s', 'load %d', '', 'recurring', 'active', 60, NULL, NULL, NULL, '%s', '%s', UTC_TIMESTAMP(3) + INTERVAL %d SECOND, '%s', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))\n" \
			"$i" "$W" "$i" "$req" "$pol" $((i % 10)) "$O_ID"
	done | paste -sd,
	printf ';\nINSERT INTO executions (id, workspace_id, job_id, job_name, trigger_kind, status, scheduled_for, run_after, created_at) VALUES '
	for i in $(seq "$LOAD_JOBS"); do
		printf "('c2%023d', '%s', 'c1%023d', 'load %d', 'run_now', 'queued', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))\n" \
			"$i" "$W" "$i" "$i"
	done | paste -sd,
}

# load_count [WHERE]: the load's executions (matching the extra condition).
load_count() {
	stack_sql "SELECT COUNT(*) FROM executions WHERE job_name LIKE 'load %' ${1:+AND $1}"
}
# load_busy: runs of both kinds in flight.
load_busy() {
	test "$(load_count "status = 'running'")" -ge 20 &&
	test "$(load_count "status = 'running' AND trigger_kind = 'schedule'")" -ge 5
}
# load_settled: every job has had its slot claimed and nothing is left
# queued or running.
load_settled() {
	test "$(load_count)" = $((2 * LOAD_JOBS)) &&
	test "$(load_count "status NOT IN ('succeeded', 'failed')")" = 0
}
now_utc() { date -u '+%Y-%m-%d %H:%M:%S.%3N'; }

test_expect_success 'start the stack on a private MariaDB, a target and a scheduler' '
	stack_up "scheduler_lease_margin_seconds = 2" "scheduler_drain_seconds = 5" &&
	jobs_team && target_start target && T=$(target_url target) &&
	sched_daemon sched && SCHED=$SCHED_PID
'

# The attempt times are whole milliseconds read from the wall and the
# monotonic clocks, so the gap may come out 1 ms short of the delay.
test_expect_success 'Retry-After on a 503 is honoured: attempt 2 starts 2 s after attempt 1 ended' '
	job R1 "$T/ra503?seq=503,200&retry_after=2" &&
	run "$R1" && done_as "$EXEC" succeeded &&
	check "[.attempts[].statusCode] == [503, 200] and [.attempts[].number] == [1, 2]
		and .attempts[0].responseHeaders[\"retry-after\"] == \"2\"
		and (.attempts[1].started_at | ms) - (.attempts[0].started_at | ms) - .attempts[0].latencyMs >= 1999" &&
	seen /ra503 | jq -s -e "length == 2 and .[1].t - .[0].t >= 1999"
'

test_expect_success 'Retry-After on a 429 likewise' '
	job R2 "$T/ra429?seq=429,200&retry_after=2" &&
	run "$R2" && done_as "$EXEC" succeeded &&
	check "[.attempts[].statusCode] == [429, 200]
		and .attempts[0].responseHeaders[\"retry-after\"] == \"2\"
		and (.attempts[1].started_at | ms) - (.attempts[0].started_at | ms) - .attempts[0].latencyMs >= 1999" &&
	seen /ra429 | jq -s -e "length == 2 and .[1].t - .[0].t >= 1999"
'

test_expect_success 'keep-alive: sequential executions to one target reuse one connection' '
	target_start ka && KA_T=$(target_url ka) &&
	job KA "$KA_T/keepalive" &&
	for i in 1 2 3 4 5; do
		run "$KA" && done_as "$EXEC" succeeded || return 1
	done &&
	seen /keepalive ka >ka.seen &&
	jq -s -e "length == 5 and ([.[].remote] | unique | length) == 1" ka.seen
'

test_expect_success 'MariaDB stopped for a few seconds under load: the same scheduler finishes every execution, each requested once' '
	load_sql >load.sql && stack_sql "$(cat load.sql)" &&
	test_wait_for 30 load_busy &&
	stack_db_stop && t_stop=$(now_utc) &&
	sleep 4 &&
	t_start=$(now_utc) && stack_db_restart &&
	test_wait_for 120 load_settled &&

	# the same process, never restarted, and it saw the outage
	kill -0 "$SCHED" && test "$SCHED_PID" = "$SCHED" &&
	test "$(grep -c "ready: cron-scheduler" sched.log)" = 1 &&
	test_grep "database: .*connection lost\|database: connect:" sched.log &&
	test_grep "database error" sched.log &&
	last_err=$(grep -n "database: \|database error" sched.log | tail -n 1 | cut -d: -f1) &&
	tail -n +"$last_err" sched.log >after.log &&
	test_grep "recorded every outcome kept while the database was unreachable" after.log &&
	test_grep -v "took over [0-9]* executions whose lease expired" sched.log &&
	test_grep "claimed [0-9]* due jobs" after.log &&

	# every execution succeeded, once, with its lease released
	test "$(load_count "status = \"succeeded\" AND attempt_count = 1 AND lease_owner IS NULL AND finished_at IS NOT NULL")" = $((2 * LOAD_JOBS)) &&
	test "$(stack_sql "SELECT COUNT(*), SUM(a.number = 1 AND a.status = \"SUCCESS\") FROM execution_attempts a JOIN executions e ON e.id = a.execution_id WHERE e.job_name LIKE \"load %\"" | tr "\t" " ")" = "$((2 * LOAD_JOBS)) $((2 * LOAD_JOBS))" &&

	# one run per job for its one slot, none twice; all moved on
	test "$(load_count "trigger_kind = \"schedule\"")" = "$LOAD_JOBS" &&
	test "$(stack_sql "SELECT COUNT(DISTINCT job_id) FROM executions WHERE job_name LIKE \"load %\" AND trigger_kind = \"schedule\"")" = "$LOAD_JOBS" &&
	test -z "$(stack_sql "SELECT job_id, slot FROM executions WHERE job_name LIKE \"load %\" GROUP BY job_id, slot HAVING COUNT(*) > 1 AND slot IS NOT NULL")" &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions e JOIN jobs j ON j.id = e.job_id WHERE j.name LIKE \"load %\" AND e.trigger_kind = \"schedule\" AND e.slot = e.scheduled_for AND j.next_run_at = e.slot + INTERVAL 60 MINUTE")" = "$LOAD_JOBS" &&

	# slots that fell due while the database was down ran afterwards
	down=$(load_count "trigger_kind = \"schedule\" AND slot > \"$t_stop\" AND slot < \"$t_start\"") &&
	test "$down" -ge 1 &&
	test "$(load_count "trigger_kind = \"schedule\" AND slot > \"$t_stop\" AND slot < \"$t_start\" AND created_at >= \"$t_start\"")" = "$down" &&

	# the target saw every execution exactly once: outcomes that came in
	# while the database was down were kept and recorded when it was back,
	# not left to their leases (which would have made the requests again)
	jq -s -e --argjson n $((2 * LOAD_JOBS)) "[.[] | select(.path | startswith(\"/load/\"))]
		| all(.headers[\"x-cron-service-attempt\"] == \"1\")
		and (group_by(.headers[\"x-cron-service-execution-id\"]) | length == \$n and (map(length) | max) == 1)" target.log
'

test_expect_success 'after the restart the scheduler still stops cleanly on SIGTERM' '
	kill -TERM "$SCHED" &&
	test_wait_for 30 eval "! kill -0 $SCHED" &&
	wait "$SCHED" &&
	test_grep "stopped" sched.log
'

test_done
