#!/usr/bin/env bash
test_description='executions (SPEC 6): list with filters and pages, per job, get with attempts, replay, roles'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

# Executions come from run-now; what the scheduler would then record
# (status, times, attempts) is written with SQL, as it would write it.

# remember VAR ID: sets VAR to ID and names ID VAR in lists (see ids).
remember() {
	eval "$1=\$2"
	echo "$2 $1" >>names
}

# ids: the ids of ./body's items, as the names remember gave them.
ids() {
	jq -r '.items[].id' body | while read -r id; do
		awk -v i="$id" '$1 == i { n = $2 } END { print n ? n : i }' names
	done | paste -sd' '
}

# list PATH [TOKEN]: GET PATH into ./body.
list() { http GET "$1" -H "$(bearer "${2:-$O_TOKEN}")"; }

# lists PATH NAME...: PATH answers 200 with exactly the executions NAME...,
# in that order, and no next page.
lists() {
	local path=$1 got
	shift
	list "$path" && expect_status 200 || return 1
	got=$(ids)
	test "$got" = "$*" && check '.next_cursor == null' && return 0
	echo >&2 "GET $path: got [$got], want [$*]"
	return 1
}

# run_now VAR JOB [TOKEN]: POST /v1/jobs/JOB/run-now (202); the
# execution's id goes to VAR.
run_now() {
	http POST "/v1/jobs/$2/run-now" -H "$(bearer "${3:-$O_TOKEN}")" &&
	expect_status 202 && remember "$1" "$(jq -r .id body)"
}

# post_job JSON: POST /v1/jobs as O.
post_job() {
	printf '%s' "$1" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json
}

# get_exec ID [TOKEN]: GET /v1/executions/ID into ./body.
get_exec() { http GET "/v1/executions/$1" -H "$(bearer "${2:-$O_TOKEN}")"; }

# replay ID [TOKEN]: POST /v1/executions/ID/replay.
replay() { http POST "/v1/executions/$1/replay" -H "$(bearer "${2:-$O_TOKEN}")"; }

# finish ID STATUS: what the scheduler records when an execution ends.
finish() {
	stack_sql "UPDATE executions SET status = '$2', attempt_count = 1,
		started_at = UTC_TIMESTAMP(3), finished_at = UTC_TIMESTAMP(3),
		duration_ms = 3 WHERE id = '$1'"
}

# simulate: the history of E1..E7 as the scheduler would have written it,
# each scheduled on its own day of January 2030.  E3's attempts are
# inserted out of order; E5's body is not valid UTF-8.
simulate() {
	stack_sql "
	UPDATE executions SET scheduled_for = '2030-01-01 00:00:00.000' WHERE id = '$E1';
	UPDATE executions SET scheduled_for = '2030-01-02 00:00:00.000',
		status = 'running', started_at = '2030-01-02 00:00:00.250',
		lease_owner = 'sched-1', lease_expires_at = '2030-01-02 00:05:00.000'
		WHERE id = '$E2';
	UPDATE executions SET trigger_kind = 'schedule',
		scheduled_for = '2030-01-03 00:00:00.000', slot = '2030-01-03 00:00:00.000',
		status = 'succeeded', started_at = '2030-01-03 00:00:00.100',
		finished_at = '2030-01-03 00:00:31.000', duration_ms = 30900,
		attempt_count = 2 WHERE id = '$E3';
	INSERT INTO execution_attempts (execution_id, number, status, status_code,
		latency_ms, body_preview, response_headers, error_class, started_at)
	VALUES ('$E3', 2, 'SUCCESS', 200, 187, '{\"ok\":true}',
		'{\"content-type\":\"application/json\",\"content-length\":\"11\"}',
		NULL, '2030-01-03 00:00:30.800'),
	('$E3', 1, 'TIMEOUT', NULL, 30000, NULL, NULL, 'timeout',
		'2030-01-03 00:00:00.100');
	UPDATE executions SET scheduled_for = '2030-01-04 00:00:00.000',
		status = 'failed', started_at = '2030-01-04 00:00:00.010',
		finished_at = '2030-01-04 00:00:00.022', duration_ms = 12,
		attempt_count = 1 WHERE id = '$E4';
	INSERT INTO execution_attempts (execution_id, number, status, status_code,
		latency_ms, body_preview, response_headers, error_class, started_at)
	VALUES ('$E4', 1, 'HTTP_ERROR', 500, 12, 'oops',
		'{\"content-type\":\"text/plain\",\"retry-after\":\"5\"}',
		'http_status', '2030-01-04 00:00:00.010');
	UPDATE executions SET scheduled_for = '2030-01-05 00:00:00.000',
		status = 'succeeded', started_at = '2030-01-05 00:00:01.000',
		finished_at = '2030-01-05 00:00:01.040', duration_ms = 40,
		attempt_count = 1 WHERE id = '$E5';
	INSERT INTO execution_attempts (execution_id, number, status, status_code,
		latency_ms, body_preview, response_headers, error_class, started_at)
	VALUES ('$E5', 1, 'SUCCESS', 200, 40, X'c3a9ffe2824100f09f9880', NULL,
		NULL, '2030-01-05 00:00:01.000');
	UPDATE executions SET scheduled_for = '2030-01-06 00:00:00.000' WHERE id = '$E6';
	UPDATE executions SET scheduled_for = '2030-01-07 00:00:00.000',
		status = 'failed', started_at = '2030-01-07 00:00:00.000',
		finished_at = '2030-01-07 00:00:05.000', duration_ms = 5000,
		attempt_count = 1 WHERE id = '$E7';
	INSERT INTO execution_attempts (execution_id, number, status, status_code,
		latency_ms, body_preview, response_headers, error_class, started_at)
	VALUES ('$E7', 1, 'CONNECTION_ERROR', NULL, 5000, NULL, NULL, 'connect',
		'2030-01-07 00:00:00.000');"
}

# want_e3, want_e4, want_e5: GET /v1/executions/:id of each, exactly (keys
# in order), as jq -c prints it.
want_e3() {
	jq -cn --arg id "$E3" --arg job "$JA" '{id: $id, job_id: $job,
		job_name: "alpha", trigger: "schedule", status: "succeeded",
		scheduled_for: "2030-01-03T00:00:00.000Z",
		started_at: "2030-01-03T00:00:00.100Z",
		finished_at: "2030-01-03T00:00:31.000Z", duration_ms: 30900,
		attempts: [
			{number: 1, status: "TIMEOUT", statusCode: null, latencyMs: 30000,
			 bodyPreview: null, responseHeaders: {}, errorClass: "timeout",
			 started_at: "2030-01-03T00:00:00.100Z"},
			{number: 2, status: "SUCCESS", statusCode: 200, latencyMs: 187,
			 bodyPreview: "{\"ok\":true}",
			 responseHeaders: {"content-type": "application/json",
			 "content-length": "11"}, errorClass: null,
			 started_at: "2030-01-03T00:00:30.800Z"}],
		replay_of: null, notifications: []}'
}

want_e4() {
	jq -cn --arg id "$E4" --arg job "$JB" '{id: $id, job_id: $job,
		job_name: "beta", trigger: "run_now", status: "failed",
		scheduled_for: "2030-01-04T00:00:00.000Z",
		started_at: "2030-01-04T00:00:00.010Z",
		finished_at: "2030-01-04T00:00:00.022Z", duration_ms: 12,
		attempts: [
			{number: 1, status: "HTTP_ERROR", statusCode: 500, latencyMs: 12,
			 bodyPreview: "oops",
			 responseHeaders: {"content-type": "text/plain", "retry-after": "5"},
			 errorClass: "http_status", started_at: "2030-01-04T00:00:00.010Z"}],
		replay_of: null, notifications: []}'
}

want_e5_body() {
	jq -cn '"\u00e9\ufffd\ufffdA\u0000\ud83d\ude00"'
}

ITEM_KEYS='["attempt_count","duration_ms","finished_at","id","job_id","job_name","replay_of","scheduled_for","started_at","status","trigger"]'
EXEC_KEYS='["attempts","duration_ms","finished_at","id","job_id","job_name","notifications","replay_of","scheduled_for","started_at","status","trigger"]'
NOID=c000000000000000000000zzz

test_expect_success 'start the stack: owner, member, admin, another workspace, a pending user' '
	: >names &&
	stack_up && jobs_team &&
	json POST /v1/api-tokens -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"ci\"}" &&
	expect_status 201 && O_PAT=$(jq -r .token body) &&
	post_job "$(with ".name = \"alpha\"")" && expect_status 201 && JA=$(jq -r .id body) &&
	post_job "$(with ".name = \"beta\"")" && expect_status 201 && JB=$(jq -r .id body) &&
	post_job "$(with ".name = \"gamma\"")" && expect_status 201 && JX=$(jq -r .id body)
'

test_expect_success 'seven executions: run-now, then the history the scheduler would record' '
	run_now E1 "$JA" && run_now E2 "$JA" && run_now E3 "$JA" &&
	run_now E4 "$JB" && run_now E5 "$JB" && run_now E6 "$JB" &&
	run_now E7 "$JA" &&
	simulate &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE workspace_id = \"$W\"")" = 7
'

test_expect_success 'the run-now answer is the execution as GET /v1/executions/:id shows it' '
	run_now RN "$JX" && jq -c . body >want &&
	check "(keys == $EXEC_KEYS) and .status == \"queued\" and .trigger == \"run_now\"
		and .attempts == [] and .started_at == null and .replay_of == null" &&
	get_exec "$RN" && expect_status 200 && jq -c . body >got &&
	test_cmp want got &&
	stack_sql "DELETE FROM executions WHERE id = \"$RN\""
'

# --- list ----------------------------------------------------------------

test_expect_success 'list: newest first, every execution of the workspace, the list shape' '
	lists /v1/executions E7 E6 E5 E4 E3 E2 E1 &&
	check "all(.items[]; keys == $ITEM_KEYS)" &&
	check ".items[4] == {id: \"$E3\", job_id: \"$JA\", job_name: \"alpha\", trigger: \"schedule\",
		status: \"succeeded\", scheduled_for: \"2030-01-03T00:00:00.000Z\",
		started_at: \"2030-01-03T00:00:00.100Z\", finished_at: \"2030-01-03T00:00:31.000Z\",
		duration_ms: 30900, attempt_count: 2, replay_of: null}" &&
	check "[.items[].attempt_count] == [1, 0, 1, 1, 2, 0, 0]" &&
	check ".items[5] | .status == \"running\" and .started_at == \"2030-01-02T00:00:00.250Z\"
		and .finished_at == null and .duration_ms == null"
'

test_expect_success 'list filter: status' '
	lists "/v1/executions?status=queued" E6 E1 &&
	lists "/v1/executions?status=running" E2 &&
	lists "/v1/executions?status=succeeded" E5 E3 &&
	lists "/v1/executions?status=failed" E7 E4
'

test_expect_success 'list filter: job_id; an unknown job has none' '
	lists "/v1/executions?job_id=$JA" E7 E3 E2 E1 &&
	lists "/v1/executions?job_id=$JB" E6 E5 E4 &&
	lists "/v1/executions?job_id=$NOID"
'

test_expect_success 'list filter: job_name matches exactly (case, trailing space)' '
	lists "/v1/executions?job_name=alpha" E7 E3 E2 E1 &&
	lists "/v1/executions?job_name=beta" E6 E5 E4 &&
	lists "/v1/executions?job_name=Alpha" &&
	lists "/v1/executions?job_name=alpha%20" &&
	lists "/v1/executions?job_name=alph"
'

test_expect_success 'list filter: from is inclusive, to exclusive, on scheduled_for' '
	lists "/v1/executions?from=2030-01-03T00:00:00.000Z" E7 E6 E5 E4 E3 &&
	lists "/v1/executions?from=2030-01-03T00:00:00.001Z" E7 E6 E5 E4 &&
	lists "/v1/executions?to=2030-01-03T00:00:00.000Z" E2 E1 &&
	lists "/v1/executions?to=2030-01-03T00:00:00.001Z" E3 E2 E1 &&
	lists "/v1/executions?from=2030-01-03T00:00:00.000Z&to=2030-01-05T00:00:00.000Z" E4 E3 &&
	lists "/v1/executions?from=2030-01-03T02:00:00%2B02:00&to=2030-01-04T19:00:00-05:00" E4 E3 &&
	lists "/v1/executions?from=2030-01-03T00:00:00Z&to=2030-01-03T00:00:00.001Z" E3 &&
	lists "/v1/executions?from=2031-01-01T00:00:00Z" &&
	lists "/v1/executions?to=2030-01-01T00:00:00Z"
'

test_expect_success 'list filters combine' '
	lists "/v1/executions?status=succeeded&job_id=$JA" E3 &&
	lists "/v1/executions?status=failed&job_name=beta" E4 &&
	lists "/v1/executions?status=queued&from=2030-01-02T00:00:00Z" E6 &&
	lists "/v1/executions?job_id=$JB&from=2030-01-05T00:00:00Z&to=2030-01-07T00:00:00Z" E6 E5 &&
	lists "/v1/executions?status=succeeded&job_id=$JB&job_name=beta&from=2030-01-05T00:00:00Z&to=2030-01-06T00:00:00Z" E5 &&
	lists "/v1/executions?job_id=$JA&job_name=beta" &&
	lists "/v1/executions?status=running&job_id=$JB"
'

test_expect_success 'list: a bad filter is 422 naming it' '
	for q in status=done status= status=SUCCEEDED "status=queued,failed"; do
		list "/v1/executions?$q" && fields_are status || return 1
	done &&
	for q in job_id=nope job_id= "job_id=${JA}x" "job_id=C${JA#c}"; do
		list "/v1/executions?$q" && fields_are job_id || return 1
	done &&
	long=$(printf "n%.0s" $(seq 201)) &&
	for q in job_name= job_name=%FF "job_name=$long"; do
		list "/v1/executions?$q" && fields_are job_name || return 1
	done &&
	for v in yesterday 2030-01-01 2030-01-01T00:00:00 2030-01-01T00:00:00.000 \
		2030-13-01T00:00:00Z "2030-01-01%2000:00:00Z" 2030-01-01T00:00:00+02:00 ""; do
		list "/v1/executions?from=$v" && fields_are from &&
		list "/v1/executions?to=$v" && fields_are to || return 1
	done &&
	list "/v1/executions?from=2030-01-03T00:00:00Z&to=2030-01-03T00:00:00Z" && fields_are to &&
	list "/v1/executions?from=2030-01-03T00:00:00Z&to=2030-01-02T00:00:00Z" && fields_are to &&
	check ".error.details.fields.to == \"must be after from\"" &&
	list "/v1/executions?status=x&job_id=y&job_name=&from=z&to=w" &&
	fields_are status job_id job_name from to &&
	check ".error.details.fields.status == \"must be one of queued, running, succeeded, failed\"" &&
	list "/v1/executions?limit=0" && fields_are limit &&
	list "/v1/executions?limit=201" && fields_are limit &&
	list "/v1/executions?cursor=zzz" && fields_are cursor
'

test_expect_success 'list: limit=2 pages through all seven once, in order; inserts between pages do not show' '
	list /v1/executions?limit=2 && expect_status 200 &&
	test "$(ids)" = "E7 E6" && check ".next_cursor == \"$E6\"" &&
	run_now N1 "$JA" &&
	list "/v1/executions?limit=2&cursor=$E6" && test "$(ids)" = "E5 E4" &&
	check ".next_cursor == \"$E4\"" &&
	run_now N2 "$JB" &&
	list "/v1/executions?limit=2&cursor=$E4" && test "$(ids)" = "E3 E2" &&
	list "/v1/executions?limit=2&cursor=$E2" && test "$(ids)" = "E1" &&
	check ".next_cursor == null" &&
	list "/v1/executions?limit=2" && test "$(ids)" = "N2 N1" &&
	list "/v1/executions?limit=7&cursor=$N1" && test "$(ids)" = "E7 E6 E5 E4 E3 E2 E1" &&
	check ".next_cursor == null" &&
	list "/v1/executions?limit=6&cursor=$N1" && check ".next_cursor == \"$E2\"" &&
	stack_sql "DELETE FROM executions WHERE id IN (\"$N1\", \"$N2\")"
'

test_expect_success 'list: filters page too' '
	list "/v1/executions?status=succeeded&limit=1" && test "$(ids)" = E5 &&
	check ".next_cursor == \"$E5\"" &&
	lists "/v1/executions?status=succeeded&limit=1&cursor=$E5" E3 &&
	lists "/v1/executions?status=succeeded&cursor=$E3"
'

# --- per job -------------------------------------------------------------

test_expect_success 'GET /v1/jobs/:id/executions: the job'"'"'s executions, with the same filters and pages' '
	lists "/v1/jobs/$JA/executions" E7 E3 E2 E1 &&
	check "all(.items[]; keys == $ITEM_KEYS)" &&
	lists "/v1/jobs/$JB/executions" E6 E5 E4 &&
	lists "/v1/jobs/$JA/executions?status=succeeded" E3 &&
	lists "/v1/jobs/$JA/executions?from=2030-01-02T00:00:00Z&to=2030-01-07T00:00:00Z" E3 E2 &&
	lists "/v1/jobs/$JB/executions?job_name=alpha" &&
	list "/v1/jobs/$JA/executions?limit=3" && test "$(ids)" = "E7 E3 E2" &&
	check ".next_cursor == \"$E2\"" &&
	lists "/v1/jobs/$JA/executions?limit=3&cursor=$E2" E1 &&
	list "/v1/jobs/$JA/executions?status=nope" && fields_are status &&
	list "/v1/jobs/$JA/executions?from=x&limit=0" && fields_are limit
'

test_expect_success 'GET /v1/jobs/:id/executions of an unknown or malformed job is 404' '
	list "/v1/jobs/$NOID/executions" && expect_error not_found 404 &&
	list "/v1/jobs/nope/executions" && expect_error not_found 404 &&
	list "/v1/jobs/$E3/executions" && expect_error not_found 404
'

# --- get -----------------------------------------------------------------

test_expect_success 'get: the execution with its attempts, in order, camelCase, exactly' '
	get_exec "$E3" && expect_status 200 &&
	jq -c . body >got && want_e3 >want && test_cmp want got
'

test_expect_success 'get: an HTTP_ERROR attempt with its response headers as an object' '
	get_exec "$E4" && expect_status 200 &&
	jq -c . body >got && want_e4 >want && test_cmp want got
'

test_expect_success 'get: a body preview that is not UTF-8 has U+FFFD for each bad sequence' '
	get_exec "$E5" && expect_status 200 &&
	jq -c ".attempts[0].bodyPreview" body >got && want_e5_body >want && test_cmp want got &&
	check ".attempts[0].responseHeaders == {} and .attempts[0].errorClass == null"
'

test_expect_success 'get: queued, running and connection-error executions' '
	get_exec "$E1" && expect_status 200 &&
	check "(keys == $EXEC_KEYS) and .status == \"queued\" and .attempts == [] and .started_at == null" &&
	get_exec "$E2" && expect_status 200 &&
	check ".status == \"running\" and .attempts == [] and .started_at == \"2030-01-02T00:00:00.250Z\"" &&
	get_exec "$E7" && expect_status 200 &&
	check ".attempts == [{number: 1, status: \"CONNECTION_ERROR\", statusCode: null, latencyMs: 5000,
		bodyPreview: null, responseHeaders: {}, errorClass: \"connect\",
		started_at: \"2030-01-07T00:00:00.000Z\"}]"
'

test_expect_success 'get: unknown and malformed ids are 404; so is a job id' '
	get_exec "$NOID" && expect_error not_found 404 &&
	get_exec nope && expect_error not_found 404 &&
	get_exec "$JA" && expect_error not_found 404
'

test_expect_success 'wrong methods on execution paths are 405 with Allow' '
	http GET "/v1/executions/$E3/replay" -H "$(bearer "$O_TOKEN")" &&
	expect_error method_not_allowed 405 && test "$(header Allow)" = POST &&
	http DELETE "/v1/executions/$E3" -H "$(bearer "$O_TOKEN")" &&
	expect_error method_not_allowed 405 && test "$(header Allow)" = "GET, HEAD" &&
	http POST /v1/executions -H "$(bearer "$O_TOKEN")" && expect_error method_not_allowed 405 &&
	http POST "/v1/jobs/$JA/executions" -H "$(bearer "$O_TOKEN")" && expect_error method_not_allowed 405
'

# --- another workspace ---------------------------------------------------

test_expect_success 'another workspace sees none of it: empty lists, 404 on get, replay and the job' '
	list /v1/executions "$X_TOKEN" && expect_status 200 &&
	check ".items == [] and .next_cursor == null" &&
	list "/v1/executions?job_id=$JA" "$X_TOKEN" && check ".items == []" &&
	list "/v1/executions?job_name=alpha" "$X_TOKEN" && check ".items == []" &&
	list "/v1/jobs/$JA/executions" "$X_TOKEN" && expect_error not_found 404 &&
	for e in "$E1" "$E3" "$E4"; do
		get_exec "$e" "$X_TOKEN" && expect_error not_found 404 &&
		replay "$e" "$X_TOKEN" && expect_error not_found 404 || return 1
	done &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions")" = 7
'

# --- replay --------------------------------------------------------------

test_expect_success 'replay a succeeded execution: 202 a new queued execution with the job'"'"'s current name' '
	json PATCH "/v1/jobs/$JA" -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"alpha v2\"}" &&
	expect_status 200 &&
	before=$(date +%s%3N) &&
	replay "$E3" && expect_status 202 && after=$(date +%s%3N) &&
	remember R1 "$(jq -r .id body)" && jq -c . body >r1.json &&
	check "(keys == $EXEC_KEYS) and (.id | test(\"^c[0-9a-z]{24}$\")) and .id != \"$E3\"
		and .job_id == \"$JA\" and .job_name == \"alpha v2\" and .trigger == \"replay\"
		and .status == \"queued\" and .replay_of == \"$E3\" and .attempts == []
		and .started_at == null and .finished_at == null and .duration_ms == null
		and (.scheduled_for | ms) >= $before - 1000 and (.scheduled_for | ms) <= $after + 1000" &&
	test "$(stack_sql "SELECT trigger_kind, status, replay_of, job_name, workspace_id, slot IS NULL, attempt_count FROM executions WHERE id = \"$R1\"" | tr "\t" " ")" = "replay queued $E3 alpha v2 $W 1 0" &&
	get_exec "$R1" && jq -c . body >got && test_cmp r1.json got &&
	get_exec "$E3" && jq -c . body >got && want_e3 >want && test_cmp want got
'

test_expect_success 'the replay is listed; the history keeps the names the job had' '
	lists "/v1/executions?job_id=$JA" R1 E7 E3 E2 E1 &&
	lists "/v1/executions?job_name=alpha" E7 E3 E2 E1 &&
	lists "/v1/executions?job_name=alpha%20v2" R1 &&
	list /v1/executions?limit=1 && check ".items[0].replay_of == \"$E3\" and .items[0].attempt_count == 0"
'

test_expect_success 'replay a failed execution: 202' '
	replay "$E4" && expect_status 202 && remember R2 "$(jq -r .id body)" &&
	check ".replay_of == \"$E4\" and .job_name == \"beta\" and .job_id == \"$JB\""
'

test_expect_success 'replay of a queued or running execution is 409 and queues nothing' '
	n=$(stack_sql "SELECT COUNT(*) FROM executions") &&
	for e in "$E1" "$E2" "$E6" "$R1"; do
		replay "$e" && expect_error conflict 409 &&
		check ".error.message | test(\"finished\")" || return 1
	done &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions")" = "$n"
'

test_expect_success 'replay of a replay, once it finished' '
	finish "$R1" succeeded &&
	replay "$R1" && expect_status 202 && remember R3 "$(jq -r .id body)" &&
	check ".replay_of == \"$R1\" and .job_name == \"alpha v2\""
'

test_expect_success 'replay works on a paused job and leaves it paused' '
	http POST "/v1/jobs/$JB/pause" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	replay "$E5" && expect_status 202 && remember R4 "$(jq -r .id body)" &&
	check ".replay_of == \"$E5\" and .trigger == \"replay\"" &&
	http GET "/v1/jobs/$JB" -H "$(bearer "$O_TOKEN")" &&
	check ".state == \"paused\" and .next_run_at == null"
'

test_expect_success 'replay works on a completed job and on a draft' '
	stack_sql "UPDATE jobs SET state = \"completed\", next_run_at = NULL WHERE id = \"$JA\"" &&
	replay "$E7" && expect_status 202 && remember R5 "$(jq -r .id body)" &&
	check ".replay_of == \"$E7\"" &&
	test "$(stack_sql "SELECT state FROM jobs WHERE id = \"$JA\"")" = completed &&
	post_job "$(with ".name = \"draft\" | .state = \"draft\"")" && expect_status 201 &&
	JD=$(jq -r .id body) && run_now ED "$JD" && finish "$ED" failed &&
	replay "$ED" && expect_status 202 && check ".job_id == \"$JD\" and .replay_of == \"$ED\""
'

test_expect_success 'a deleted job: its history stays readable, replay is 409 and queues nothing' '
	post_job "$(with ".name = \"doomed\"")" && expect_status 201 && JZ=$(jq -r .id body) &&
	run_now EZ "$JZ" && finish "$EZ" succeeded &&
	http DELETE "/v1/jobs/$JZ" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	get_exec "$EZ" && expect_status 200 && check ".job_name == \"doomed\" and .status == \"succeeded\"" &&
	lists "/v1/executions?job_id=$JZ" EZ &&
	list "/v1/jobs/$JZ/executions" && expect_error not_found 404 &&
	replay "$EZ" && expect_error conflict 409 &&
	check ".error.message == \"the job was deleted; its request is gone\"" &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE replay_of = \"$EZ\"")" = 0
'

test_expect_success 'replay of an unknown or malformed id is 404' '
	replay "$NOID" && expect_error not_found 404 &&
	replay nope && expect_error not_found 404 &&
	replay "$JB" && expect_error not_found 404
'

# --- roles ---------------------------------------------------------------

test_expect_success 'a member reads executions but replay is 403 insufficient_role' '
	list /v1/executions "$M_TOKEN" && expect_status 200 && check ".items | length > 7" &&
	list "/v1/jobs/$JB/executions" "$M_TOKEN" && expect_status 200 &&
	get_exec "$E3" "$M_TOKEN" && expect_status 200 &&
	jq -c . body >got && want_e3 >want && test_cmp want got &&
	replay "$E3" "$M_TOKEN" && expect_error insufficient_role 403 &&
	replay "$NOID" "$M_TOKEN" && expect_error insufficient_role 403
'

test_expect_success 'an admin replays' '
	replay "$E4" "$A_TOKEN" && expect_status 202 && check ".replay_of == \"$E4\""
'

test_expect_success 'a pending user reads but cannot replay (403 email_not_verified)' '
	list /v1/executions "$P_TOKEN" && expect_status 200 && check ".items == []" &&
	replay "$E3" "$P_TOKEN" && expect_error email_not_verified 403
'

test_expect_success 'the owner API token lists, gets and replays' '
	list "/v1/executions?status=failed&job_id=$JB" "$O_PAT" && expect_status 200 &&
	test "$(ids)" = E4 &&
	get_exec "$E4" "$O_PAT" && jq -c . body >got && want_e4 >want && test_cmp want got &&
	replay "$E4" "$O_PAT" && expect_status 202 && check ".replay_of == \"$E4\""
'

test_expect_success 'a restricted workspace: replay 403 workspace_restricted, reads 200' '
	cron-admin workspace restrict "$W" --reason "Payment failed" &&
	replay "$E3" && expect_error workspace_restricted 403 &&
	replay "$E3" "$O_PAT" && expect_error workspace_restricted 403 &&
	replay "$E3" "$M_TOKEN" && expect_error insufficient_role 403 &&
	list /v1/executions && expect_status 200 &&
	get_exec "$E3" && expect_status 200 &&
	list "/v1/jobs/$JA/executions" && expect_status 200 &&
	cron-admin workspace unrestrict "$W" &&
	replay "$E3" && expect_status 202
'

test_expect_success 'the API log records each replay with the original' '
	test_grep "execution $R1 queued (replay of $E3) for job $JA" "$API_LOG"
'

test_done
