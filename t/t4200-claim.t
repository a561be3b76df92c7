#!/usr/bin/env bash
test_description='cron-scheduler claims due jobs (SPEC 7): each kind, misfires, paused and restricted, two schedulers'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

# new_job VAR JSON: creates a job as O; its id goes to VAR.
new_job() {
	printf '%s' "$2" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	expect_status 201 || return 1
	eval "$1=\$(jq -r .id body)"
}

# due JOB SECONDS: moves the job's next_run_at to now + SECONDS (may be < 0).
due() {
	stack_sql "UPDATE jobs SET next_run_at = UTC_TIMESTAMP(3) + INTERVAL $2 SECOND WHERE id = '$1'"
}

# runs JOB: its scheduled executions, one "slot status" line each.
runs() {
	stack_sql "SELECT DATE_FORMAT(slot, '%Y-%m-%dT%H:%i:%s.%f'), status FROM executions WHERE job_id = '$1' AND trigger_kind = 'schedule' ORDER BY slot"
}
nruns() { stack_sql "SELECT COUNT(*) FROM executions WHERE job_id = '$1' AND trigger_kind = 'schedule'"; }
nruns_is() { test "$(nruns "$1")" = "$2"; }
bulk_is() { test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE job_name LIKE 'bulk %'")" = "$1"; }
next_of() { stack_sql "SELECT next_run_at FROM jobs WHERE id = '$1'"; }
# ahead JOB: next_run_at is in the future.
ahead() { test "$(stack_sql "SELECT next_run_at > UTC_TIMESTAMP(3) FROM jobs WHERE id = '$1'")" = 1; }

test_expect_success 'start the stack; an owner and a restricted workspace' '
	stack_up && jobs_team &&
	stack_user R restricted@example.com
'

test_expect_success 'a recurring job due in 2 s runs once for that slot and moves on one period' '
	new_job REC "$(with ".schedule.every_n_minutes = 1")" &&
	due "$REC" 2 && slot=$(next_of "$REC") &&
	sched_start sched &&
	test_wait_for 15 nruns_is "$REC" 1 &&
	test "$(stack_sql "SELECT slot = scheduled_for AND trigger_kind = \"schedule\" FROM executions WHERE job_id = \"$REC\"")" = 1 &&
	test "$(stack_sql "SELECT TIMESTAMPDIFF(MICROSECOND, \"$slot\", next_run_at) FROM jobs WHERE id = \"$REC\"")" = 60000000 &&
	test "$(stack_sql "SELECT slot FROM executions WHERE job_id = \"$REC\"")" = "$slot"
'

test_expect_success 'misfire: 10 minutes of missed runs give one run, for the latest slot' '
	new_job MIS "$(with ".schedule.every_n_minutes = 1")" &&
	stack_sql "UPDATE jobs SET next_run_at = next_run_at - INTERVAL 11 MINUTE WHERE id = \"$MIS\"" &&
	sched_start sched &&
	test_wait_for 15 nruns_is "$MIS" 1 &&
	sleep 1 && test "$(nruns "$MIS")" = 1 &&
	ahead "$MIS" &&
	test "$(stack_sql "SELECT TIMESTAMPDIFF(SECOND, slot, UTC_TIMESTAMP(3)) < 60 FROM executions WHERE job_id = \"$MIS\"")" = 1 &&
	test_grep "job $MIS missed 10 runs" sched.log
'

test_expect_success 'a cron job in the past runs once and continues from its next match' '
	new_job CRON "$(with ".kind = \"cron\" | .schedule = {cron: \"*/5 * * * *\"}")" &&
	due "$CRON" -3600 &&
	sched_start sched &&
	test_wait_for 15 nruns_is "$CRON" 1 &&
	ahead "$CRON" &&
	test "$(stack_sql "SELECT MINUTE(slot) % 5 = 0 AND SECOND(slot) = 0 AND MINUTE(next_run_at) % 5 = 0 FROM executions e JOIN jobs j ON j.id = e.job_id WHERE e.job_id = \"$CRON\"")" = 1
'

test_expect_success 'a scheduled job runs at run_at, then has no next_run_at and stays active until its run ends' '
	at=$(date -u -d "@$(( $(date +%s) + 2 ))" +%Y-%m-%dT%H:%M:%S.000Z) &&
	new_job ONCE "$(with ".kind = \"scheduled\" | .schedule = {run_at: \"$at\"}")" &&
	sched_start sched &&
	test_wait_for 15 nruns_is "$ONCE" 1 &&
	test "$(stack_sql "SELECT CONCAT(state, \"/\", IFNULL(next_run_at, \"none\")) FROM jobs WHERE id = \"$ONCE\"")" = active/none &&
	test "$(stack_sql "SELECT DATE_FORMAT(slot, \"%Y-%m-%dT%H:%i:%s.000Z\") FROM executions WHERE job_id = \"$ONCE\"")" = "$at"
'

test_expect_success 'paused, draft and completed jobs are not claimed' '
	new_job P1 "$(with ".schedule.every_n_minutes = 1")" &&
	http POST "/v1/jobs/$P1/pause" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	new_job D1 "$(with ".schedule.every_n_minutes = 1 | .state = \"draft\"")" &&
	new_job C1 "$(with ".schedule.every_n_minutes = 1")" &&
	stack_sql "UPDATE jobs SET next_run_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE id IN (\"$P1\", \"$D1\", \"$C1\");
		UPDATE jobs SET state = \"completed\" WHERE id = \"$C1\"" &&
	new_job MARK "$(with ".schedule.every_n_minutes = 1")" && due "$MARK" -1 &&
	sched_start sched &&
	test_wait_for 15 nruns_is "$MARK" 1 &&
	test "$(nruns "$P1")$(nruns "$D1")$(nruns "$C1")" = 000
'

test_expect_success 'a restricted workspace: the slot is skipped, next_run_at moves on' '
	json POST /v1/jobs -H "$(bearer "$R_TOKEN")" --data-binary "$(with ".schedule.every_n_minutes = 1")" &&
	expect_status 201 && RJ=$(jq -r .id body) &&
	due "$RJ" -1 &&
	stack_sql "UPDATE workspaces SET restricted = 1 WHERE id = \"$R_WS\"" &&
	sched_start sched &&
	test_wait_for 15 ahead "$RJ" &&
	test "$(nruns "$RJ")" = 0 &&
	test_grep "job $RJ skipped: workspace $R_WS is restricted" sched.log
'

test_expect_success 'run-now and one_time executions are not scheduled slots (no claim involved)' '
	new_job OT "{\"name\":\"o\",\"kind\":\"one_time\",\"request\":{\"url\":\"$HOOK\"}}" &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE job_id = \"$OT\" AND slot IS NULL AND trigger_kind = \"one_time\"")" = 1
'

test_expect_success 'two schedulers, 300 jobs due at once: exactly one execution per slot' '
	for i in $(seq 300); do
		printf "(\"c%024d\", \"%s\", \"bulk %d\", \"\", \"recurring\", \"active\", 1, NULL, NULL, NULL, \"{}\", \"{}\", UTC_TIMESTAMP(3) + INTERVAL 2 SECOND, \"%s\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))\n" \
			"$i" "$W" "$i" "$O_ID"
	done | paste -sd, >rows &&
	stack_sql "INSERT INTO jobs (id, workspace_id, name, description, kind, state, every_n_minutes, cron_expr, timezone, run_at, request, retry_policy, next_run_at, created_by, created_at, updated_at) VALUES $(cat rows)" &&
	sched_start sched1 && S1=$SCHED_PID &&
	sched_bg sched2 &&
	test_wait_for 20 bulk_is 300 &&
	sleep 1 &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE job_name LIKE \"bulk %\"")" = 300 &&
	test "$(stack_sql "SELECT COUNT(DISTINCT job_id) FROM executions WHERE job_name LIKE \"bulk %\"")" = 300 &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE name LIKE \"bulk %\" AND next_run_at > UTC_TIMESTAMP(3)")" = 300
'

test_done
