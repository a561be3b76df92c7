#!/usr/bin/env bash
test_description='cron-admin plan list (configured plans, their limits, workspaces on each) and plan set WORKSPACE_ID PLAN (SPEC 10)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

mkid() { printf "%s%024d" "$1" "$2"; }
W1=$(mkid w 1) W2=$(mkid w 2) W3=$(mkid w 3) W4=$(mkid w 4) NOWS=$(mkid w 99)

plan_of() { stack_sql "SELECT plan FROM workspaces WHERE id = '$1'"; }

# row CELLS...: one line of plan list as it aligns these columns
row() {
	printf "%-14s  %-10s  %-9s  %-20s  %-24s  %-11s  %s\n" "$@"
}

test_expect_success 'a database with workspaces on two plans and on one no longer configured' '
	stack_db_start &&
	stack_conf "plan.free.max_jobs = 5" "plan.free.min_interval_minutes = 5" \
		"plan.free.max_members = 3" "plan.free.history_days = 7" \
		"plan.pro.max_executions_per_month = 100000" "plan.pro.history_days = 90" \
		"default_plan = free" &&
	stack_migrate >/dev/null &&
	stack_sql "INSERT INTO workspaces (id, name, plan, job_count, created_at, updated_at) VALUES
		(\"$W1\", \"one\", \"free\", 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
		(\"$W2\", \"two\", \"free\", 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
		(\"$W3\", \"three\", \"pro\", 7, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
		(\"$W4\", \"four\", \"legacy\", 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"
'

test_expect_success 'plan list: every configured plan with its limits (0 = unlimited) and workspace count' '
	cron-admin plan list >out &&
	{
		row plan workspaces max_jobs min_interval_minutes max_executions_per_month max_members history_days &&
		row "free (default)" 2 5 5 unlimited 3 7 &&
		row pro 1 unlimited 1 100000 unlimited 90 &&
		echo "not configured: legacy, 1 workspace (held to free)"
	} >expect &&
	test_cmp expect out
'

test_expect_success 'plan set moves a workspace and prints old -> new; list counts follow' '
	cron-admin plan set "$W1" pro >out &&
	echo "workspace $W1: plan free -> pro" >expect &&
	test_cmp expect out &&
	test "$(plan_of "$W1")" = pro &&
	cron-admin plan list >out &&
	test_grep "^free (default)  1  " out &&
	test_grep "^pro             2  " out
'

test_expect_success 'plan set to the plan it is on: unchanged' '
	cron-admin plan set "$W1" pro >out &&
	echo "workspace $W1: plan pro -> pro (unchanged)" >expect &&
	test_cmp expect out
'

test_expect_success 'plan set refuses a plan that is not configured, changing nothing' '
	test_must_fail cron-admin plan set "$W2" gold >out 2>err &&
	echo "cron-admin: plan '\''gold'\'' is not configured (plans: free, pro)" >expect &&
	test_cmp expect err &&
	test_must_be_empty_() { test ! -s "$1"; } && test_must_be_empty_ out &&
	test "$(plan_of "$W2")" = free &&
	test_must_fail cron-admin plan set "$W2" legacy 2>err &&
	test_grep "plan .legacy. is not configured" err
'

test_expect_success 'plan set refuses an unknown workspace' '
	test_must_fail cron-admin plan set "$NOWS" pro >out 2>err &&
	echo "cron-admin: workspace $NOWS: not found" >expect &&
	test_cmp expect err &&
	test "$(stack_sql "SELECT COUNT(*) FROM workspaces WHERE plan = \"pro\"")" = 2
'

test_expect_success 'a workspace on an unconfigured plan can be moved to a configured one' '
	cron-admin plan set "$W4" free >out &&
	echo "workspace $W4: plan legacy -> free" >expect &&
	test_cmp expect out &&
	cron-admin plan list >out &&
	test_grep -v "^not configured" out
'

test_expect_success 'a move below what the workspace has is made, and pointed out' '
	cron-admin plan set "$W3" free >out &&
	printf "%s\n" "workspace $W3: plan pro -> free" \
		"note: 7 jobs, over max_jobs 5 of plan free (kept; no more can be created)" >expect &&
	test_cmp expect out &&
	test "$(plan_of "$W3")" = free
'

test_expect_success 'without plan lines: the built-in free plan, without limits' '
	grep -v "^plan\.\|^default_plan" "$CRON_CONF" >plain.conf &&
	cron-admin -f plain.conf plan list >out &&
	test_grep "^free (default)  3  *unlimited  *1  *unlimited  *unlimited  *30$" out &&
	test_grep "^not configured: pro, 1 workspace (held to free)$" out
'

test_expect_success 'usage errors exit 2' '
	code2() { "$@"; test $? = 2; } &&
	code2 cron-admin plan 2>err && test_grep "usage: cron-admin plan list | set WORKSPACE_ID PLAN" err &&
	code2 cron-admin plan set "$W1" 2>err && test_grep usage err &&
	code2 cron-admin plan list extra 2>err && test_grep usage err &&
	code2 cron-admin plan frobnicate 2>err && test_grep usage err
'

test_done
