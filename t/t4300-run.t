#!/usr/bin/env bash
test_description='cron-scheduler runs executions (SPEC 7): headers, secrets, outcomes, retries, timeouts, SSRF, completion'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

test_expect_success 'start the stack, the target and a scheduler' '
	stack_up "scheduler_lease_margin_seconds = 2" "scheduler_drain_seconds = 5" &&
	jobs_team && target_start target && T=$(target_url target) &&
	sched_daemon sched
'

test_expect_success 'run-now: one attempt, SUCCESS 200, the four headers and the User-Agent' '
	job J1 "$T/one" ".request.method = \"POST\" | .request.body = {hello: \"world\"}" &&
	run "$J1" && done_as "$EXEC" succeeded &&
	check ".attempts | length == 1 and .[0].number == 1 and .[0].status == \"SUCCESS\"
		and .[0].statusCode == 200 and .[0].errorClass == null and .[0].bodyPreview == \"ok\n\"
		and .[0].responseHeaders[\"content-type\"] != null" &&
	seen /one >req.log && test "$(wc -l <req.log)" = 1 &&
	jq -e --arg j "$J1" --arg e "$EXEC" ".method == \"POST\" and .body == \"{\\\"hello\\\":\\\"world\\\"}\"
		and .headers[\"x-cron-service-job-id\"] == \$j
		and .headers[\"x-cron-service-execution-id\"] == \$e
		and .headers[\"x-cron-service-attempt\"] == \"1\"
		and (.headers[\"x-cron-service-scheduled-for\"] | test(\"^[0-9-]{10}T[0-9:.]{12}Z$\"))
		and (.headers[\"user-agent\"] | startswith(\"cron-platform/\"))
		and .headers[\"content-type\"] == \"application/json\"" req.log &&
	test "$(stack_sql "SELECT last_status FROM jobs WHERE id = \"$J1\"")" = succeeded
'

test_expect_success 'secret://NAME is substituted at run time; a missing secret is sent literally' '
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"api-key\",\"value\":\"sk_live_run_time\"}" &&
	expect_status 201 &&
	job J2 "$T/secret" ".request.headers = {Authorization: \"Bearer secret://api-key\", \"X-Other\": \"secret://nope\"}" &&
	run "$J2" && done_as "$EXEC" succeeded &&
	seen /secret | jq -e ".headers.authorization == \"Bearer sk_live_run_time\" and .headers[\"x-other\"] == \"secret://nope\"" &&
	test_grep -v sk_live_run_time "$SCHED_LOG"
'

test_expect_success 'after cron-admin keys rotate the running scheduler rereads the keyring (no restart)' '
	"$TEST_BUILDDIR/cron-admin" keys rotate >out &&
	test "$(stack_sql "SELECT key_version FROM secrets WHERE name = \"api-key\"")" = 2 &&
	: >"$TRASH_DIRECTORY/target.log" &&
	run "$J2" && done_as "$EXEC" succeeded &&
	seen /secret | jq -e ".headers.authorization == \"Bearer sk_live_run_time\"" &&
	grep -q "keyring: reread .* for key v2 (found)" "$SCHED_LOG" &&
	test_grep -v "cannot be decrypted" "$SCHED_LOG"
'

test_expect_success 'a retry status retries with backoff until success: 500, 500, 200' '
	job J3 "$T/flaky?seq=500,500,200" ".retry_policy.max_attempts = 3" &&
	run "$J3" && done_as "$EXEC" succeeded &&
	check "[.attempts[].status] == [\"HTTP_ERROR\", \"HTTP_ERROR\", \"SUCCESS\"]
		and [.attempts[].statusCode] == [500, 500, 200] and .attempts[0].errorClass == \"http_status\"" &&
	seen /flaky | jq -s -e "[.[].headers[\"x-cron-service-attempt\"]] == [\"1\", \"2\", \"3\"]"
'

test_expect_success 'retries stop at max_attempts: the execution fails' '
	job J4 "$T/always?seq=503" ".retry_policy.max_attempts = 2" &&
	run "$J4" && done_as "$EXEC" failed &&
	check ".attempts | length == 2" &&
	test "$(stack_sql "SELECT last_status FROM jobs WHERE id = \"$J4\"")" = failed
'

test_expect_success 'a status that is neither success nor retry fails at once; 3xx is not followed' '
	job J5 "$T/status/404" &&
	run "$J5" && done_as "$EXEC" failed && check ".attempts | length == 1 and .[0].statusCode == 404" &&
	job J6 "$T/moved?redirect=$T/elsewhere" &&
	run "$J6" && done_as "$EXEC" failed && check ".attempts[0].statusCode == 302" &&
	test -z "$(seen /elsewhere)"
'

test_expect_success 'timeout_seconds is enforced: TIMEOUT, retried, then failed' '
	job J7 "$T/slow?delay=3000" ".request.timeout_seconds = 1 | .retry_policy.max_attempts = 2" &&
	run "$J7" && done_as "$EXEC" failed &&
	check "[.attempts[].status] == [\"TIMEOUT\", \"TIMEOUT\"] and .attempts[0].errorClass == \"timeout\"
		and .attempts[0].statusCode == null"
'

test_expect_success 'a closed port is CONNECTION_ERROR connect' '
	job J8 "http://127.0.0.1:1/" ".retry_policy.max_attempts = 1" &&
	run "$J8" && done_as "$EXEC" failed &&
	check ".attempts[0].status == \"CONNECTION_ERROR\" and .attempts[0].errorClass == \"connect\""
'

test_expect_success 'a one_time job runs at once and is then completed (one job fewer for the quota)' '
	before=$(stack_sql "SELECT job_count FROM workspaces WHERE id = \"$W\"") &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"now\",\"kind\":\"one_time\",\"request\":{\"url\":\"$T/once\"}}" &&
	expect_status 201 && OT=$(jq -r .id body) &&
	EXEC=$(stack_sql "SELECT id FROM executions WHERE job_id = \"$OT\"") &&
	done_as "$EXEC" succeeded &&
	test "$(stack_sql "SELECT state FROM jobs WHERE id = \"$OT\"")" = completed &&
	test "$(stack_sql "SELECT job_count FROM workspaces WHERE id = \"$W\"")" = $((before))
'

test_expect_success 'a deleted job: its started execution fails without a request' '
	job J9 "$T/gone" &&
	stack_sql "INSERT INTO executions (id, workspace_id, job_id, job_name, trigger_kind, status, scheduled_for, run_after, created_at)
		VALUES (\"c0000000000000000000gone1\", \"$W\", \"c0000000000000000000nojob\", \"gone\", \"run_now\", \"queued\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" &&
	test_wait_for 30 finished c0000000000000000000gone1 &&
	test "$(status_of c0000000000000000000gone1)" = failed
'

test_expect_success 'SSRF: with allow_private_targets = 0 loopback is refused at connect time, in every spelling' '
	sched_kill "$SCHED_PID" &&
	stack_conf "scheduler_lease_margin_seconds = 2" &&
	sed -i "s/^allow_private_targets = .*/allow_private_targets = 0/" "$CRON_CONF" &&
	port=$(cat "$TRASH_DIRECTORY/target.port") &&
	n=0 &&
	for u in "http://127.0.0.1:$port/ssrf" "http://localhost:$port/ssrf" "http://[::1]:$port/ssrf" \
		"http://[::ffff:127.0.0.1]:$port/ssrf" "http://2130706433:$port/ssrf" "http://0x7f.1:$port/ssrf"; do
		n=$((n + 1)) &&
		stack_sql "INSERT INTO jobs (id, workspace_id, name, kind, state, every_n_minutes, request, retry_policy, created_by, created_at, updated_at)
			VALUES (\"c00000000000000000000ssr$n\", \"$W\", \"ssrf $n\", \"recurring\", \"draft\", 5,
			\"{\\\"url\\\":\\\"$u\\\",\\\"method\\\":\\\"GET\\\",\\\"headers\\\":{},\\\"timeout_seconds\\\":5,\\\"success_statuses\\\":[200]}\",
			\"{\\\"max_attempts\\\":3,\\\"retry_on_statuses\\\":[500]}\", \"$O_ID\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
			INSERT INTO executions (id, workspace_id, job_id, job_name, trigger_kind, status, scheduled_for, run_after, created_at)
			VALUES (\"c00000000000000000000xsr$n\", \"$W\", \"c00000000000000000000ssr$n\", \"ssrf\", \"run_now\", \"queued\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" || return 1
	done &&
	sched_daemon sched-ssrf &&
	for i in 1 2 3 4 5 6; do
		test_wait_for 30 finished "c00000000000000000000xsr$i" &&
		test "$(status_of "c00000000000000000000xsr$i")" = failed &&
		test "$(stack_sql "SELECT CONCAT(status, \"/\", error_class) FROM execution_attempts WHERE execution_id = \"c00000000000000000000xsr$i\"")" = CONNECTION_ERROR/blocked_address || return 1
	done &&
	test -z "$(seen /ssrf)"
'

running_is() { test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE status = 'running' AND job_id = '$1'")" = "$2"; }
finished_is() { test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE status IN ('succeeded', 'failed') AND job_id = '$1'")" = "$2"; }

test_expect_success 'SIGTERM: a request in flight finishes, then the scheduler exits 0' '
	sched_kill "$SCHED_PID" &&
	sed -i "s/^allow_private_targets = .*/allow_private_targets = 1/" "$CRON_CONF" &&
	sched_daemon sched-term &&
	job JT "$T/term?delay=1500" &&
	run "$JT" &&
	test_wait_for 20 running_is "$JT" 1 &&
	kill -TERM "$SCHED_PID" && wait "$SCHED_PID" &&
	test "$(status_of "$EXEC")" = succeeded &&
	test_grep "waiting up to [0-9]* s for 1 request in flight" "$SCHED_LOG" &&
	test_grep "stopped" "$SCHED_LOG"
'

test_expect_success 'kill -9 in the middle of a batch: a second scheduler takes the leases over and finishes every one' '
	job JK "$T/kill?delay=3000" &&
	for i in $(seq 20); do run "$JK" || return 1; done &&
	sched_daemon sched-a && A=$SCHED_PID &&
	test_wait_for 20 running_is "$JK" 20 &&
	kill -9 "$A" && wait "$A" 2>/dev/null;
	sched_daemon sched-b &&
	test_wait_for 60 finished_is "$JK" 20 &&
	running_is "$JK" 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE job_id = \"$JK\" AND status = \"succeeded\"")" = 20 &&
	test "$(stack_sql "SELECT COUNT(*) FROM execution_attempts a JOIN executions e ON e.id = a.execution_id WHERE e.job_id = \"$JK\"")" = 20 &&
	test_grep "took over 20 executions whose lease expired" "$SCHED_LOG"
'

test_done
