#!/usr/bin/env bash
test_description='rate limits (SPEC 3.7): per user/token, per IP, per login email, pool-wide, headers, 429'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

hdr_int() { header "$1" | tr -dc 0-9; }

test_expect_success 'start the stack with small limits and 3 workers' '
	STACK_WORKERS=3 STACK_EXEMPT_LOOPBACK=0 stack_up "rate_limit_user = 6" \
		"rate_limit_ip = 4" "rate_limit_login_email = 3" "rate_limit_resend = 2" \
		"rate_limit_window_seconds = 3600" &&
	stack_user U u@example.com
'

test_expect_success 'authenticated calls carry X-RateLimit-* and count down across the pool' '
	: >remaining &&
	for i in 1 2 3 4 5; do
		http GET /v1/me -H "$(bearer "$U_TOKEN")" && expect_status 200 &&
		test "$(hdr_int x-ratelimit-limit)" = 6 &&
		echo "$(hdr_int x-ratelimit-remaining)" >>remaining || return 1
	done &&
	printf "5\n4\n3\n2\n1\n" >expect && test_cmp expect remaining &&
	test "$(hdr_int x-ratelimit-reset)" -gt "$(date +%s)" &&
	test "$(awk "/GET \/v1\/me 200/ { print \$2 }" "$API_LOG" | wc -l)" -ge 5 &&
	test "$(grep "GET /v1/me 200" "$API_LOG" | sed "s/.*cron-api\[\([0-9]*\)\].*/\1/" | sort -u | wc -l)" -ge 2
'

test_expect_success 'over the limit: 429 rate_limited with Retry-After' '
	http GET /v1/me -H "$(bearer "$U_TOKEN")" && expect_status 200 &&
	test "$(hdr_int x-ratelimit-remaining)" = 0 &&
	http GET /v1/me -H "$(bearer "$U_TOKEN")" &&
	expect_error rate_limited 429 &&
	ra=$(hdr_int retry-after) && test "$ra" -ge 1 && test "$ra" -le 3600 &&
	test "$(hdr_int x-ratelimit-remaining)" = 0
'

test_expect_success 'an API token has its own bucket' '
	stack_user V v@example.com &&
	json POST /v1/api-tokens -H "$(bearer "$V_TOKEN")" -d "{\"name\":\"t\"}" &&
	expect_status 201 && PAT=$(jq -r .token body) &&
	http GET /v1/me -H "$(bearer "$PAT")" && expect_status 200 &&
	test "$(hdr_int x-ratelimit-remaining)" = 5
'

test_expect_success 'login is limited per email, whatever the password' '
	for i in 1 2 3; do
		json POST /v1/auth/login -H "X-Forwarded-For: ignored" \
			-d "{\"email\":\"Target@Example.com\",\"password\":\"wrong-password-$i\"}" &&
		expect_error invalid_credentials 401 || return 1
	done &&
	json POST /v1/auth/login -d "{\"email\":\"target@example.com\",\"password\":\"x\"}" &&
	expect_error rate_limited 429 &&
	test -n "$(header retry-after)"
'

test_expect_success 'the public auth endpoints are limited per client address' '
	for i in 1 2 3 4; do
		json POST /v1/auth/verify-email -d "{\"token\":\"nope$i\"}" &&
		expect_error validation_error 422 || return 1
	done &&
	json POST /v1/auth/verify-email -d "{\"token\":\"nope5\"}" &&
	expect_error rate_limited 429
'

test_expect_success 'resend-verification is limited per user' '
	stack_user P p@example.com pending &&
	http POST /v1/auth/resend-verification -H "$(bearer "$P_TOKEN")" && expect_status 202 &&
	http POST /v1/auth/resend-verification -H "$(bearer "$P_TOKEN")" && expect_status 202 &&
	http POST /v1/auth/resend-verification -H "$(bearer "$P_TOKEN")" &&
	expect_error rate_limited 429
'

test_expect_success 'with rate_limit_exempt_loopback, loopback skips per-IP limits only' '
	sed -i "s/^rate_limit_exempt_loopback = .*/rate_limit_exempt_loopback = 1/" "$CRON_CONF" &&
	stack_api_stop && stack_api_start &&
	json POST /v1/auth/verify-email -d "{\"token\":\"nope6\"}" &&
	expect_error validation_error 422 &&
	json POST /v1/auth/login -d "{\"email\":\"target@example.com\",\"password\":\"x\"}" &&
	expect_error rate_limited 429
'

test_expect_success 'a new window starts from zero' '
	sed -i "s/^rate_limit_window_seconds = .*/rate_limit_window_seconds = 2/" "$CRON_CONF" &&
	stack_api_stop && stack_api_start &&
	# The 7 calls that fill a window may straddle a window boundary; keep
	# calling until one window is full (at most a few windows on a slow host).
	for i in $(seq 1 40); do
		http GET /v1/me -H "$(bearer "$U_TOKEN")" || return 1
		test "$STATUS" = 429 && break
	done &&
	expect_error rate_limited 429 &&
	sleep "$(hdr_int retry-after)" && sleep 0.2 &&
	http GET /v1/me -H "$(bearer "$U_TOKEN")" && expect_status 200
'

test_done
