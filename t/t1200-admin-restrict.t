#!/usr/bin/env bash
test_description='cron-admin user verify|restrict|unrestrict and workspace restrict|unrestrict (SPEC 3.6), seen through the API'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

test_expect_success 'start the stack with a pending user' '
	stack_up && stack_user BOB Bob@Example.com pending
'

test_expect_success 'user verify EMAIL (any case) verifies a pending user, once' '
	cron-admin user verify bob@EXAMPLE.com >out &&
	test_grep "verified" out &&
	http GET /v1/me -H "$(bearer "$BOB_TOKEN")" &&
	jq -e ".user.trust_level == \"verified\"" body &&
	test_must_fail cron-admin user verify bob@example.com 2>err &&
	test_grep "not found or already verified" err &&
	test_must_fail cron-admin user verify nobody@example.com
'

test_expect_success 'user restrict: every request of the user answers 403 account_restricted' '
	cron-admin user restrict bob@example.com --reason "abuse report 42" &&
	test "$(stack_sql "SELECT restriction_reason FROM users WHERE email_norm = \"bob@example.com\"")" = "abuse report 42" &&
	http GET /v1/me -H "$(bearer "$BOB_TOKEN")" && expect_error account_restricted 403 &&
	json POST /v1/auth/login -d "{\"email\":\"bob@example.com\",\"password\":\"correct-horse-battery\"}" &&
	expect_error account_restricted 403
'

test_expect_success 'user unrestrict: requests work again' '
	cron-admin user unrestrict bob@example.com &&
	http GET /v1/me -H "$(bearer "$BOB_TOKEN")" && expect_status 200
'

test_expect_success 'workspace restrict needs a reason; then writes are 403, reads still work' '
	test_must_fail cron-admin workspace restrict "$BOB_WS" 2>err &&
	test_grep "usage" err &&
	cron-admin workspace restrict "$BOB_WS" --reason "Payment failed" &&
	http GET /v1/me -H "$(bearer "$BOB_TOKEN")" && expect_status 200 &&
	jq -e ".workspace.restricted == true and .workspace.restriction_reason == \"Payment failed\"" body &&
	json POST /v1/api-tokens -H "$(bearer "$BOB_TOKEN")" -d "{\"name\":\"x\"}" &&
	expect_error workspace_restricted 403 &&
	http GET /v1/api-tokens -H "$(bearer "$BOB_TOKEN")" && expect_status 200
'

test_expect_success 'workspace unrestrict: writes work again; unknown ids fail' '
	cron-admin workspace unrestrict "$BOB_WS" &&
	json POST /v1/api-tokens -H "$(bearer "$BOB_TOKEN")" -d "{\"name\":\"x\"}" &&
	expect_status 201 &&
	test_must_fail cron-admin workspace unrestrict c000000000000000000000000 2>err &&
	test_grep "not found" err
'

test_expect_success 'user promote: verified 48 h ago and not restricted becomes trusted' '
	stack_user C1 c1@example.com && stack_user C2 c2@example.com &&
	stack_user C3 c3@example.com && stack_user C4 c4@example.com pending &&
	stack_sql "UPDATE users SET verified_at = UTC_TIMESTAMP(3) - INTERVAL 49 HOUR WHERE email_norm IN (\"c1@example.com\", \"c3@example.com\")" &&
	stack_sql "UPDATE users SET verified_at = UTC_TIMESTAMP(3) - INTERVAL 47 HOUR WHERE email_norm = \"c2@example.com\"" &&
	cron-admin user restrict c3@example.com --reason spam &&
	cron-admin user promote >out &&
	test_grep "promoted 1 users" out &&
	stack_sql "SELECT email_norm, trust_level FROM users WHERE email_norm LIKE \"c_@example.com\" ORDER BY email_norm" >levels &&
	printf "c1@example.com\ttrusted\nc2@example.com\tverified\nc3@example.com\tverified\nc4@example.com\tpending_verification\n" >expect &&
	test_cmp expect levels &&
	cron-admin user promote >out && test_grep "promoted 0 users" out
'

test_done
