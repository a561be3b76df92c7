#!/usr/bin/env bash
test_description='cron-api request pipeline: every protocol error with its envelope, X-Request-Id'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# cron-api's own body limit is set lower than nginx's (256 KiB) so both
# limits can be seen; the echo route gives the pipeline a JSON write.
test_expect_success 'start the stack' '
	stack_up "api_max_body = 2048" "api_max_json_depth = 8" "api_debug_routes = 1"
'

test_expect_success 'health answers 200 with status, db and version' '
	http GET /v1/health &&
	expect_status 200 &&
	jq -e ".status == \"ok\" and .db == \"ok\" and (.version | length > 0)" body &&
	test "$(header content-type)" = application/json
'

test_expect_success 'unknown routes are 404 not_found' '
	http GET /v1/no-such-thing && expect_error not_found 404 &&
	http GET /v1/health/extra && expect_error not_found 404 &&
	http GET /v1 && expect_error not_found 404 &&
	http POST /v1/nothing -H "Content-Type: application/json" -d "{}" &&
	expect_error not_found 404
'

test_expect_success 'a known path with the wrong method is 405 with Allow' '
	http DELETE /v1/health && expect_error method_not_allowed 405 &&
	test "$(header allow)" = "GET, HEAD" &&
	http OPTIONS /v1/openapi.json && expect_error method_not_allowed 405 &&
	test "$(header allow)" = "GET, HEAD" &&
	http GET /v1/debug/echo && expect_error method_not_allowed 405 &&
	test "$(header allow)" = "POST"
'

test_expect_success 'HEAD is answered like GET' '
	curl -sS -I "$BASE_URL/v1/health" >head.out &&
	grep -q "^HTTP/1.1 200" head.out
'

test_expect_success 'a valid JSON write reaches the handler' '
	http POST /v1/debug/echo -H "Content-Type: application/json; charset=utf-8" \
		-d "{\"a\":[1,2,{\"b\":\"\\u00e9\"}]}" &&
	expect_status 200 &&
	jq -e ".received.a[2].b == \"é\"" body
'

test_expect_success 'a write without a JSON content type is 415' '
	http POST /v1/debug/echo -H "Content-Type: text/plain" -d "{}" &&
	expect_error unsupported_media_type 415 &&
	http POST /v1/debug/echo -H "Content-Type: application/jsonx" -d "{}" &&
	expect_error unsupported_media_type 415 &&
	http POST /v1/debug/echo &&
	expect_error unsupported_media_type 415
'

test_expect_success 'malformed JSON is 400 invalid_json' '
	for b in "{" "{\"a\":}" "[1,2" "{} {}" "nul" "{\"a\":1,}" "" " " \
		"NaN" "[01]" "{'"'"'a'"'"':1}" "[1.]" "{\"u\":\"a\\u0000b\"}"; do
		http POST /v1/debug/echo -H "Content-Type: application/json" -d "$b" &&
		expect_error invalid_json 400 || return 1
	done
'

test_expect_success 'JSON nested deeper than the bound is 400 invalid_json' '
	http POST /v1/debug/echo -H "Content-Type: application/json" \
		-d "[[[[[[[1]]]]]]]" &&
	expect_status 200 &&
	http POST /v1/debug/echo -H "Content-Type: application/json" \
		-d "[[[[[[[[[[[[1]]]]]]]]]]]]" &&
	expect_error invalid_json 400 &&
	jq -e ".error.message | test(\"deep\")" body
'

test_expect_success 'invalid UTF-8 is 400 invalid_json' '
	printf "{\"a\":\"\\377\"}" >bad1 &&
	printf "{\"a\":\"\\300\\257\"}" >bad2 &&
	printf "{\"a\":\"\\355\\240\\200\"}" >bad3 &&
	for f in bad1 bad2 bad3; do
		http POST /v1/debug/echo -H "Content-Type: application/json" \
			--data-binary "@$f" &&
		expect_error invalid_json 400 &&
		jq -e ".error.message | test(\"UTF-8\")" body || return 1
	done
'

test_expect_success 'a body over cron-api api_max_body is 413 payload_too_large' '
	printf "{\"a\":\"%03000d\"}" 0 >big &&
	http POST /v1/debug/echo -H "Content-Type: application/json" --data-binary @big &&
	expect_error payload_too_large 413 &&
	printf "{\"a\":\"%0200000d\"}" 0 >big2 &&
	for i in 1 2 3; do
		http POST /v1/debug/echo -H "Content-Type: application/json" \
			--data-binary @big2 &&
		expect_error payload_too_large 413 || return 1
	done
'

test_expect_success 'a body over nginx client_max_body_size is 413 with the same envelope' '
	head -c 300000 /dev/zero | tr "\0" a >huge &&
	http POST /v1/debug/echo -H "Content-Type: application/json" --data-binary @huge &&
	expect_error payload_too_large 413 &&
	test -n "$(header x-request-id)"
'

test_expect_success 'X-Request-Id is echoed when valid and logged' '
	http GET /v1/health -H "X-Request-Id: test-rid.42:a" &&
	test "$(header x-request-id)" = "test-rid.42:a" &&
	test_wait_for 5 grep -q "test-rid.42:a GET /v1/health 200" "$API_LOG"
'

test_expect_success 'X-Request-Id is generated when absent or invalid' '
	http GET /v1/no-such -H "X-Request-Id: bad id with spaces" &&
	rid=$(header x-request-id) &&
	test -n "$rid" && test "$rid" != "bad id with spaces" &&
	test_wait_for 5 grep -q "$rid GET /v1/no-such 404 not_found" "$API_LOG" &&
	http GET /v1/health &&
	rid2=$(header x-request-id) && test -n "$rid2" && test "$rid2" != "$rid"
'

test_expect_success 'every error response carries X-Request-Id' '
	for p in /v1/nope /v1/health; do
		http PUT $p -H "Content-Type: application/json" -d "{}" &&
		test -n "$(header x-request-id)" || return 1
	done
'

test_expect_success 'the debug route does not exist unless enabled' '
	stack_api_stop &&
	sed -i "/api_debug_routes/d" "$CRON_CONF" &&
	stack_api_start &&
	http POST /v1/debug/echo -H "Content-Type: application/json" -d "{}" &&
	expect_error not_found 404
'

test_done
