#!/usr/bin/env bash
test_description='plans and quotas (SPEC 10): billing API, jobs, interval, members and monthly executions per plan, claim quota, history per plan, config errors'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

PLANS=(
	"plan.starter.max_jobs = 3"
	"plan.starter.min_interval_minutes = 5"
	"plan.starter.max_executions_per_month = 3"
	"plan.starter.max_members = 2"
	"plan.starter.history_days = 7"
	"plan.pro.max_jobs = 20"
	"plan.pro.max_executions_per_month = 5"
	"default_plan = starter"
)

# quota_error LIMIT VALUE: the body is 403 plan_limit_exceeded naming LIMIT.
quota_error() {
	expect_error plan_limit_exceeded 403 &&
	jq -e --arg l "$1" --argjson v "$2" \
		'.error.details == {limit: $l, value: $v}' body >/dev/null
}

usage_of() { stack_sql "SELECT COALESCE(SUM(executions), 0) FROM workspace_usage WHERE workspace_id = '$1'"; }
nexec() { stack_sql "SELECT COUNT(*) FROM executions WHERE workspace_id = '$1'"; }

test_expect_success 'start the stack with two plans; new workspaces get default_plan' '
	stack_up "${PLANS[@]}" &&
	target_start target &&
	T=$(target_url target) &&
	stack_user O owner@example.com && W=$O_WS &&
	stack_user M member@example.com && stack_join M "$W" member &&
	test "$(stack_sql "SELECT plan FROM workspaces WHERE id = \"$W\"")" = starter
'

test_expect_success 'GET /v1/workspace/billing: plan, limits (null = none), usage, every plan' '
	http GET /v1/workspace/billing -H "$(bearer "$M_TOKEN")" && expect_status 200 &&
	jq -e ".plan == \"starter\"
		and .limits == {max_jobs: 3, min_interval_minutes: 5,
			max_executions_per_month: 3, max_members: 2, history_days: 7}
		and .usage.jobs == 0 and .usage.members == 2 and .usage.pending_invites == 0
		and .usage.executions_this_month == 0
		and (.usage.month | test(\"^[0-9]{4}-[0-9]{2}$\"))
		and ([.plans[].name] == [\"starter\", \"pro\"])
		and .plans[1].limits == {max_jobs: 20, min_interval_minutes: 1,
			max_executions_per_month: 5, max_members: null, history_days: 30}" body
'

test_expect_success 'PUT billing: owner only; an unknown plan is 422; unknown fields are 422' '
	json PUT /v1/workspace/billing -H "$(bearer "$M_TOKEN")" -d "{\"plan\":\"pro\"}" &&
	expect_error insufficient_role 403 &&
	json PUT /v1/workspace/billing -H "$(bearer "$O_TOKEN")" -d "{\"plan\":\"gold\"}" &&
	expect_error validation_error 422 && jq -e ".error.details.fields.plan" body &&
	json PUT /v1/workspace/billing -H "$(bearer "$O_TOKEN")" -d "{\"plan\":\"pro\",\"card\":1}" &&
	expect_error validation_error 422 && jq -e ".error.details.fields.card" body &&
	test "$(stack_sql "SELECT plan FROM workspaces WHERE id = \"$W\"")" = starter
'

test_expect_success 'max_jobs and min_interval_minutes of the plan' '
	for n in 1 2 3; do
		with ".name = \"j$n\"" >req.json &&
		json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
		expect_status 201 || return 1
	done &&
	with ".name = \"j4\"" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	quota_error max_jobs 3 &&
	with ".schedule.every_n_minutes = 1" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	quota_error min_interval_minutes 5
'

test_expect_success 'moving to pro lifts the limits; moving back with too many jobs is refused' '
	json PUT /v1/workspace/billing -H "$(bearer "$O_TOKEN")" -d "{\"plan\":\"pro\"}" &&
	expect_status 200 && jq -e ".plan == \"pro\" and .limits.max_jobs == 20 and .usage.jobs == 3" body &&
	with ".name = \"j4\" | .schedule.every_n_minutes = 1" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	expect_status 201 && J4=$(jq -r .id body) &&
	json PUT /v1/workspace/billing -H "$(bearer "$O_TOKEN")" -d "{\"plan\":\"starter\"}" &&
	quota_error max_jobs 3 &&
	test "$(stack_sql "SELECT plan FROM workspaces WHERE id = \"$W\"")" = pro &&
	http DELETE "/v1/jobs/$J4" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	json PUT /v1/workspace/billing -H "$(bearer "$O_TOKEN")" -d "{\"plan\":\"starter\"}" &&
	expect_status 200 && jq -e ".plan == \"starter\"" body
'

test_expect_success 'max_members counts members and pending invites' '
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"a@example.com\",\"role\":\"member\"}" &&
	quota_error max_members 2 &&
	http DELETE "/v1/workspace/members/$M_ID" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"a@example.com\",\"role\":\"member\"}" &&
	expect_status 201 && INV=$(jq -r .id body) &&
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"b@example.com\",\"role\":\"member\"}" &&
	quota_error max_members 2 &&
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"a@example.com\",\"role\":\"admin\"}" &&
	expect_status 201 &&
	http GET /v1/workspace/billing -H "$(bearer "$O_TOKEN")" &&
	jq -e ".usage.members == 1 and .usage.pending_invites == 1" body
'

test_expect_success 'an invite cannot be accepted when the plan shrank under it' '
	stack_user A a@example.com &&
	hash=$(stack_sql "SELECT token_hash FROM invites WHERE email_norm = \"a@example.com\" AND accepted_at IS NULL") &&
	for t in $(stack_sql "SELECT body_text FROM mail_outbox WHERE to_addr = \"a@example.com\"" |
		sed -n "s/.*token=\([0-9a-f]\{64\}\).*/\1/p"); do
		if test "$(printf %s "$t" | sha256sum | cut -c1-64)" = "$hash"; then token=$t; fi
	done &&
	test -n "$token" &&
	stack_sql "UPDATE workspaces SET plan = \"tiny\" WHERE id = \"$W\"" &&
	stack_sql "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (\"$W\", \"$M_ID\", \"member\", UTC_TIMESTAMP(3))" &&
	json POST /v1/invites/accept -H "$(bearer "$A_TOKEN")" -d "{\"token\":\"$token\"}" &&
	quota_error max_members 2 &&
	stack_sql "DELETE FROM memberships WHERE workspace_id = \"$W\" AND user_id = \"$M_ID\"" &&
	json POST /v1/invites/accept -H "$(bearer "$A_TOKEN")" -d "{\"token\":\"$token\"}" &&
	expect_status 200
'

test_expect_success 'a workspace on a plan no longer configured is held to default_plan' '
	http GET /v1/workspace/billing -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	jq -e ".plan == \"starter\" and .limits.max_members == 2" body &&
	stack_sql "UPDATE workspaces SET plan = \"starter\" WHERE id = \"$W\""
'

test_expect_success 'monthly executions: run-now, replay and one_time count; the fourth is refused' '
	http GET /v1/jobs -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	for id in $(jq -r ".items[].id" body); do
		http DELETE "/v1/jobs/$id" -H "$(bearer "$O_TOKEN")" && expect_status 204 || return 1
	done &&
	job J1 "$T/q" ".name = \"q1\"" &&
	run "$J1" && E1=$EXEC &&
	run "$J1" &&
	test "$(usage_of "$W")" = 2 &&
	with ".name = \"once\" | .kind = \"one_time\" | del(.schedule) | .request.url = \"$T/once\"" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json && expect_status 201 &&
	test "$(usage_of "$W")" = 3 &&
	before=$(nexec "$W") &&
	http POST "/v1/jobs/$J1/run-now" -H "$(bearer "$O_TOKEN")" &&
	quota_error max_executions_per_month 3 &&
	with ".name = \"once2\" | .kind = \"one_time\" | del(.schedule)" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	quota_error max_executions_per_month 3 &&
	test "$(nexec "$W")" = "$before" &&
	test "$(usage_of "$W")" = 3 &&
	http GET /v1/workspace/billing -H "$(bearer "$O_TOKEN")" &&
	jq -e ".usage.executions_this_month == 3" body
'

test_expect_success 'replay is refused over the quota too; last month does not count' '
	sched_daemon sched &&
	done_as "$E1" succeeded &&
	http POST "/v1/executions/$E1/replay" -H "$(bearer "$O_TOKEN")" &&
	quota_error max_executions_per_month 3 &&
	stack_sql "UPDATE workspace_usage SET month = \"2000-01\" WHERE workspace_id = \"$W\"" &&
	http POST "/v1/executions/$E1/replay" -H "$(bearer "$O_TOKEN")" &&
	expect_status 202 && test "$(usage_of "$W")" = 4
'

test_expect_success 'the scheduler skips due slots of a workspace past its quota, and counts what it claims' '
	stack_user P pro@example.com && PW=$P_WS &&
	json PUT /v1/workspace/billing -H "$(bearer "$P_TOKEN")" -d "{\"plan\":\"pro\"}" && expect_status 200 &&
	for n in 1 2 3 4 5 6 7 8; do
		with ".name = \"p$n\" | .request.url = \"$T/p$n\"" >req.json &&
		json POST /v1/jobs -H "$(bearer "$P_TOKEN")" --data-binary @req.json &&
		expect_status 201 || return 1
	done &&
	stack_sql "UPDATE jobs SET next_run_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE workspace_id = \"$PW\"" &&
	test_wait_for 20 eval "test \$(stack_sql \"SELECT COUNT(*) FROM jobs WHERE workspace_id = \\\"$PW\\\" AND next_run_at < UTC_TIMESTAMP(3)\") = 0" &&
	test "$(nexec "$PW")" = 5 &&
	test "$(usage_of "$PW")" = 5 &&
	test "$(grep -c "skipped: workspace $PW has run its plan.s 5 executions" "$SCHED_LOG")" = 3
'

test_expect_success 'history is purged per plan: 7 days on starter, 30 on pro' '
	for ws in "$W" "$PW"; do
		stack_sql "INSERT INTO executions (id, workspace_id, job_id, job_name, trigger_kind, status, scheduled_for, run_after, created_at)
			VALUES (CONCAT(\"c0old\", LEFT(\"$ws\", 20)), \"$ws\", \"c0000000000000000000nojob\", \"old\", \"run_now\", \"succeeded\",
				UTC_TIMESTAMP(3) - INTERVAL 10 DAY, UTC_TIMESTAMP(3) - INTERVAL 10 DAY, UTC_TIMESTAMP(3) - INTERVAL 10 DAY)" || return 1
	done &&
	sched_kill "$SCHED_PID" && sched_daemon sched2 &&
	test_wait_for 20 eval "test \$(stack_sql \"SELECT COUNT(*) FROM executions WHERE job_name = \\\"old\\\"\") = 1" &&
	test "$(stack_sql "SELECT workspace_id FROM executions WHERE job_name = \"old\"")" = "$PW" &&
	grep "purged 1 executions older than 7 days (plan starter)" "$SCHED_LOG"
'

test_expect_success 'plan lines are checked at start-up, naming the line' '
	printf "plan.starter.max_jobs = 3\nplan.starter.max_jobz = 1\n" >bad1.conf &&
	test_must_fail "$TEST_BUILDDIR/cron-api" -n -f bad1.conf 2>err &&
	test_grep "bad1.conf:2: plan.starter.max_jobz: unknown limit" err &&
	printf "plan.Big.max_jobs = 3\n" >bad2.conf &&
	test_must_fail "$TEST_BUILDDIR/cron-api" -n -f bad2.conf 2>err &&
	test_grep "bad2.conf:1: plan.Big.max_jobs: expected plan.NAME.LIMIT" err &&
	printf "plan.pro.max_jobs = 3\n" >bad3.conf &&
	test_must_fail "$TEST_BUILDDIR/cron-api" -n -f bad3.conf 2>err &&
	test_grep "default_plan .free. is not a plan" err &&
	printf "plan.pro.max_jobs = 3\nplan.pro.max_jobs = 4\n" >bad4.conf &&
	test_must_fail "$TEST_BUILDDIR/cron-api" -n -f bad4.conf 2>err &&
	test_grep "bad4.conf:2: plan.pro.max_jobs: duplicate key" err &&
	printf "jobs_max_per_workspace = 3\n" >bad5.conf &&
	test_must_fail "$TEST_BUILDDIR/cron-api" -n -f bad5.conf 2>err &&
	test_grep "bad5.conf:1: .jobs_max_per_workspace. was replaced by plans: use plan.NAME.max_jobs" err
'

test_done
