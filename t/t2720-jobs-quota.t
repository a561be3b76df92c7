#!/usr/bin/env bash
test_description='job quotas of the plan (SPEC 10): plan.NAME.max_jobs, plan.NAME.min_interval_minutes; create, PATCH and import'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

. "$TEST_SRCDIR/t/lib-jobs.sh"

# post_job TOKEN FILTER: POST /v1/jobs with BASE changed by FILTER.
post_job() {
	with "$2" >req.json &&
	json POST /v1/jobs -H "$(bearer "$1")" --data-binary @req.json
}

# new_job VAR TOKEN FILTER: 201; the id goes to VAR.
new_job() {
	post_job "$2" "$3" && expect_status 201 || return 1
	eval "$1=\$(jq -r .id body)"
}

# over LIMIT VALUE: the answer is 403 plan_limit_exceeded for LIMIT.
over() {
	expect_error plan_limit_exceeded 403 &&
	check ".error.details == {limit: \$l, value: $2}" --arg l "$1"
}

# complete JOB_ID WORKSPACE_ID: what the scheduler does when the single run
# of a job ends (SPEC 7): the job becomes completed and stops counting
# against max_jobs (sql/0005-jobs.sql: workspaces.job_count).
complete() {
	stack_sql "UPDATE jobs SET state = 'completed', next_run_at = NULL WHERE id = '$1' AND state <> 'completed';
		UPDATE workspaces SET job_count = job_count - ROW_COUNT() WHERE id = '$2'"
}

# import TOKEN TEXT [EXTRA JQ]: imports TEXT (printf format) calling HOOK.
import() {
	printf "$2" >crontab &&
	jq -n --rawfile c crontab --arg u "$HOOK" "{crontab: \$c, url: \$u} + (${3:-{\}})" >req.json &&
	json POST /v1/jobs/import -H "$(bearer "$1")" --data-binary @req.json
}

test_expect_success 'start the stack with at most 3 jobs per workspace, runs at least 5 minutes apart' '
	stack_up "plan.free.max_jobs = 3" "plan.free.min_interval_minutes = 5" &&
	stack_user O owner@example.com &&
	stack_user Q interval@example.com &&
	stack_user R import@example.com &&
	stack_user A admin@example.com &&
	stack_sql "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (\"$O_WS\", \"$A_ID\", \"admin\", UTC_TIMESTAMP(3))" &&
	json POST /v1/auth/switch-workspace -H "$(bearer "$A_TOKEN")" -d "{\"workspace_id\":\"$O_WS\"}" &&
	A_TOKEN=$(jq -r .token body)
'

test_expect_success 'three jobs of any state fit; the fourth is 403 plan_limit_exceeded (max_jobs 3)' '
	new_job J1 "$O_TOKEN" ".name = \"active\"" &&
	new_job J2 "$O_TOKEN" ".name = \"draft\" | .state = \"draft\"" &&
	new_job J3 "$O_TOKEN" ".name = \"paused\"" &&
	http POST "/v1/jobs/$J3/pause" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	post_job "$O_TOKEN" ".name = \"fourth\"" && over max_jobs 3 &&
	post_job "$O_TOKEN" ".name = \"fourth\" | .state = \"draft\"" && over max_jobs 3 &&
	post_job "$A_TOKEN" ".name = \"fourth\" | .kind = \"one_time\" | del(.schedule)" && over max_jobs 3 &&
	test "$(njobs "$O_WS")" = 3 &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE workspace_id = \"$O_WS\"")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE name = \"fourth\"")" = 0
'

test_expect_success 'the limit is per workspace: another workspace still creates' '
	new_job Q0 "$Q_TOKEN" ".name = \"q\"" &&
	http DELETE "/v1/jobs/$Q0" -H "$(bearer "$Q_TOKEN")" && expect_status 204
'

test_expect_success 'validation still comes first: a bad job is 422 even when the workspace is full' '
	post_job "$O_TOKEN" ".name = \"\"" && expect_error validation_error 422
'

test_expect_success 'completed jobs do not count' '
	complete "$J1" "$O_WS" &&
	new_job J4 "$O_TOKEN" ".name = \"after completed\"" &&
	post_job "$O_TOKEN" ".name = \"fifth\"" && over max_jobs 3 &&
	test "$(njobs "$O_WS")" = 4
'

test_expect_success 'deleting a job frees its place; deleting a completed one does not' '
	http DELETE "/v1/jobs/$J2" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	new_job J5 "$O_TOKEN" ".name = \"after delete\"" &&
	post_job "$O_TOKEN" ".name = \"sixth\"" && over max_jobs 3 &&
	http DELETE "/v1/jobs/$J1" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	post_job "$O_TOKEN" ".name = \"sixth\"" && over max_jobs 3 &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE workspace_id = \"$O_WS\" AND state <> \"completed\"")" = 3
'

test_expect_success 'concurrent creates never go over the limit' '
	stack_user C concurrent@example.com &&
	with ".name = \"race\"" >race.json &&
	pids= &&
	for i in $(seq 8); do
		curl -sS -o /dev/null -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
			-H "$(bearer "$C_TOKEN")" --data-binary @race.json "$BASE_URL/v1/jobs" >code.$i &
		pids="$pids $!"
	done &&
	for p in $pids; do wait $p || return 1; done &&
	cat code.* | sort | uniq -c | sed "s/^ *//" >codes &&
	printf "3 201\n5 403\n" >expect &&
	test_cmp expect codes &&
	test "$(njobs "$C_WS")" = 3
'

test_expect_success 'state changes and run-now never hit the job limit' '
	http POST "/v1/jobs/$J3/resume" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	http POST "/v1/jobs/$J3/pause" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	http POST "/v1/jobs/$J3/run-now" -H "$(bearer "$O_TOKEN")" && expect_status 202 &&
	json PATCH "/v1/jobs/$J5" -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"renamed\"}" && expect_status 200
'

test_expect_success 'recurring jobs: every 1 or 4 minutes is 403 (min_interval_minutes 5); every 5 is fine' '
	post_job "$Q_TOKEN" ".schedule.every_n_minutes = 1" && over min_interval_minutes 5 &&
	post_job "$Q_TOKEN" ".schedule.every_n_minutes = 4" && over min_interval_minutes 5 &&
	post_job "$Q_TOKEN" ".schedule.every_n_minutes = 4 | .state = \"draft\"" && over min_interval_minutes 5 &&
	test "$(njobs "$Q_WS")" = 0 &&
	new_job QR "$Q_TOKEN" ".schedule.every_n_minutes = 5" &&
	test "$(njobs "$Q_WS")" = 1
'

test_expect_success 'cron jobs: the shortest gap between runs counts' '
	for c in "*/2 * * * *" "* * * * *" "0,2 * * * *" "*/4 * * * *" "58,59 9 * * *" "0-3 0 1 1 *"; do
		post_job "$Q_TOKEN" ".kind = \"cron\" | .schedule = {cron: \"$c\"}" &&
		over min_interval_minutes 5 || { echo >&2 "allowed: $c"; return 1; }
	done &&
	test "$(njobs "$Q_WS")" = 1 &&
	new_job QC "$Q_TOKEN" ".kind = \"cron\" | .schedule = {cron: \"*/5 * * * *\"}" &&
	test "$(njobs "$Q_WS")" = 2
'

test_expect_success 'jobs that run once are not limited by the interval' '
	new_job QO "$Q_TOKEN" ".kind = \"one_time\" | del(.schedule)" &&
	http DELETE "/v1/jobs/$QO" -H "$(bearer "$Q_TOKEN")" && expect_status 204 &&
	new_job QS "$Q_TOKEN" ".kind = \"scheduled\" | .schedule = {run_at: \"2035-01-01T00:00:00Z\"}" &&
	http DELETE "/v1/jobs/$QS" -H "$(bearer "$Q_TOKEN")" && expect_status 204
'

test_expect_success 'PATCH to a shorter interval is 403 and changes nothing; other changes work' '
	http GET "/v1/jobs/$QR" -H "$(bearer "$Q_TOKEN")" && jq -S . body >want &&
	json PATCH "/v1/jobs/$QR" -H "$(bearer "$Q_TOKEN")" -d "{\"schedule\":{\"every_n_minutes\":2}}" &&
	over min_interval_minutes 5 &&
	json PATCH "/v1/jobs/$QR" -H "$(bearer "$Q_TOKEN")" -d "{\"kind\":\"cron\",\"schedule\":{\"cron\":\"*/3 * * * *\"}}" &&
	over min_interval_minutes 5 &&
	http GET "/v1/jobs/$QR" -H "$(bearer "$Q_TOKEN")" && jq -S . body >got && test_cmp want got &&
	json PATCH "/v1/jobs/$QC" -H "$(bearer "$Q_TOKEN")" -d "{\"schedule\":{\"cron\":\"*/4 * * * *\"}}" &&
	over min_interval_minutes 5 &&
	json PATCH "/v1/jobs/$QR" -H "$(bearer "$Q_TOKEN")" -d "{\"schedule\":{\"every_n_minutes\":6},\"name\":\"six\"}" &&
	expect_status 200 && check ".schedule == {every_n_minutes: 6} and .name == \"six\""
'

test_expect_success 'import: lines that run too often are errors; the others are created' '
	import "$R_TOKEN" "* * * * * a.sh\n*/2 * * * * b.sh\n0 * * * * c.sh\n" && expect_status 200 &&
	check "[.items[] | [.line, .status]] == [[1, \"error\"], [2, \"error\"], [3, \"created\"]]
		and (.items[0].error | test(\"5 minutes\")) and (.items[1].error | test(\"5 minutes\"))" &&
	test "$(njobs "$R_WS")" = 1
'

test_expect_success 'import over the job limit is 403 and creates nothing (all or nothing), in a dry run too' '
	import "$R_TOKEN" "0 1 * * * d.sh\n0 2 * * * e.sh\n0 3 * * * f.sh\n" "{dry_run: true}" &&
	over max_jobs 3 &&
	import "$R_TOKEN" "0 1 * * * d.sh\n0 2 * * * e.sh\n0 3 * * * f.sh\n" &&
	over max_jobs 3 &&
	test "$(njobs "$R_WS")" = 1 &&
	import "$R_TOKEN" "# only comments\nMAILTO=x\n@reboot g.sh\n" && expect_status 200 &&
	import "$R_TOKEN" "0 1 * * * d.sh\n0 2 * * * e.sh\n" "{dry_run: true}" && expect_status 200 &&
	check "[.items[].status] == [\"would_create\", \"would_create\"]" &&
	test "$(njobs "$R_WS")" = 1 &&
	import "$R_TOKEN" "0 1 * * * d.sh\n0 2 * * * e.sh\n" && expect_status 200 &&
	check "[.items[].status] == [\"created\", \"created\"]" &&
	test "$(njobs "$R_WS")" = 3 &&
	import "$R_TOKEN" "0 4 * * * g.sh\n" && over max_jobs 3 &&
	import "$R_TOKEN" "0 4 * * * g.sh\n" "{dry_run: true}" && over max_jobs 3 &&
	test "$(njobs "$R_WS")" = 3
'

test_expect_success 'import: completed jobs do not count' '
	complete "$(stack_sql "SELECT id FROM jobs WHERE workspace_id = \"$R_WS\" AND description = \"c.sh\"")" "$R_WS" &&
	import "$R_TOKEN" "0 4 * * * g.sh\n" && expect_status 200 &&
	check ".items[0].status == \"created\"" &&
	test "$(njobs "$R_WS")" = 4 &&
	post_job "$R_TOKEN" ".name = \"one more\"" && over max_jobs 3
'

test_done
