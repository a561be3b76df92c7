#!/usr/bin/env bash
test_description='jobs (SPEC 5): create, validation, list, get, PATCH, delete, state changes, run-now, preview, roles'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# Literal private addresses must be refused at create (SPEC 9).
STACK_ALLOW_PRIVATE=0

. "$TEST_SRCDIR/t/lib-jobs.sh"

# post_job JSON [TOKEN]: POST /v1/jobs as O (or TOKEN).
post_job() {
	printf '%s' "$1" >req.json &&
	json POST /v1/jobs -H "$(bearer "${2:-$O_TOKEN}")" --data-binary @req.json
}

# new_job VAR JSON [TOKEN]: creates a job (201); its id goes to VAR.
new_job() {
	post_job "$2" "$3" && expect_status 201 || return 1
	eval "$1=\$(jq -r .id body)"
}

# bad_job FILTER FIELD...: BASE changed by FILTER is refused (422),
# naming exactly FIELD....
bad_job() {
	local f=$1
	shift
	with "$f" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	fields_are "$@"
}

# ok_job FILTER: BASE changed by FILTER is accepted (201).
ok_job() {
	with "$1" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	expect_status 201
}

# execs JOB_ID: "trigger status" of its executions, one a line.
execs() {
	stack_sql "SELECT trigger_kind, status FROM executions WHERE job_id = '$1' ORDER BY id" | tr '\t' ' '
}

# get_job ID [TOKEN] : GET /v1/jobs/ID into ./body (200).
get_job() {
	http GET "/v1/jobs/$1" -H "$(bearer "${2:-$O_TOKEN}")" && expect_status 200
}

# op ID ACTION [TOKEN]: POST /v1/jobs/ID/ACTION.
op() {
	http POST "/v1/jobs/$1/$2" -H "$(bearer "${3:-$O_TOKEN}")"
}

# patch ID JSON [TOKEN]
patch() {
	printf '%s' "$2" >req.json &&
	json PATCH "/v1/jobs/$1" -H "$(bearer "${3:-$O_TOKEN}")" --data-binary @req.json
}

# preview ID QUERY [TOKEN]
preview() {
	http GET "/v1/jobs/$1/preview$2" -H "$(bearer "${3:-$O_TOKEN}")"
}

iso_of() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000Z; }

test_expect_success 'start the stack: owner, member, admin, another workspace, a pending user' '
	stack_up && jobs_team &&
	stack_user L lister@example.com &&
	json POST /v1/api-tokens -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"ci\"}" &&
	expect_status 201 && O_PAT=$(jq -r .token body) &&
	http GET /v1/me -H "$(bearer "$M_TOKEN")" && check ".role == \"member\"" &&
	http GET /v1/me -H "$(bearer "$A_TOKEN")" && check ".role == \"admin\""
'

# --- create ---------------------------------------------------------------

test_expect_success 'create a recurring job: 201, the full shape, every default filled in' '
	new_job REC "{\"name\":\"ping\",\"kind\":\"recurring\",\"schedule\":{\"every_n_minutes\":5},\"request\":{\"url\":\"$HOOK\"}}" &&
	check "(keys == [\"created_at\",\"created_by\",\"description\",\"id\",\"kind\",\"last_run_at\",\"last_status\",\"name\",\"next_run_at\",\"request\",\"retry_policy\",\"schedule\",\"state\",\"updated_at\"])
		and (.id | test(\"^c[0-9a-z]{24}$\"))
		and .name == \"ping\" and .description == \"\" and .kind == \"recurring\" and .state == \"active\"
		and .schedule == {\"every_n_minutes\": 5}
		and .request == {\"url\": \"$HOOK\", \"method\": \"GET\", \"headers\": {}, \"timeout_seconds\": 30, \"success_statuses\": [200,201,202,204]}
		and .retry_policy == {\"max_attempts\": 3, \"retry_on_statuses\": [429,500,502,503,504]}
		and .last_run_at == null and .last_status == null and .created_by == \"$O_ID\"
		and (.created_at | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$\"))
		and .updated_at == .created_at
		and (.next_run_at | ms) == (.created_at | ms) + 5 * 60000" &&
	cp body rec.json &&
	get_job "$REC" && jq -S . body >got && jq -S . rec.json >want && test_cmp want got &&
	test "$(execs "$REC")" = ""
'

test_expect_success 'recurring every 1 and every 1440 minutes are accepted' '
	ok_job ".schedule.every_n_minutes = 1" &&
	check "(.next_run_at | ms) == (.created_at | ms) + 60000" &&
	ok_job ".schedule.every_n_minutes = 1440" &&
	check "(.next_run_at | ms) == (.created_at | ms) + 1440 * 60000"
'

test_expect_success 'create a cron job: timezone defaults to UTC, next_run_at is the first match' '
	new_job CRONY "{\"name\":\"new year\",\"kind\":\"cron\",\"schedule\":{\"cron\":\"0 0 1 1 *\"},\"request\":{\"url\":\"$HOOK\"}}" &&
	check ".kind == \"cron\" and .schedule == {\"cron\": \"0 0 1 1 *\", \"timezone\": \"UTC\"}
		and .next_run_at == \"\((.created_at[0:4] | tonumber) + 1)-01-01T00:00:00.000Z\""
'

test_expect_success 'a cron job in America/New_York: next_run_at is the next 09:30 there' '
	new_job NY "{\"name\":\"ny\",\"kind\":\"cron\",\"schedule\":{\"cron\":\"30 9 * * *\",\"timezone\":\"America/New_York\"},\"request\":{\"url\":\"$HOOK\"}}" &&
	check ".schedule == {\"cron\": \"30 9 * * *\", \"timezone\": \"America/New_York\"}" &&
	now=$(jq -r "$JQ_DEFS .created_at | ms / 1000 | floor" body) &&
	day=$(TZ=America/New_York date -d "@$now" +%F) &&
	t=$(TZ=America/New_York date -d "$day 09:30:00" +%s) &&
	if test "$t" -le "$now"; then
		day=$(date -d "$day 12:00 +1 day" +%F) &&
		t=$(TZ=America/New_York date -d "$day 09:30:00" +%s)
	fi &&
	check ".next_run_at == \$w" --arg w "$(iso_of "$t")"
'

test_expect_success 'create a scheduled job: next_run_at is run_at (normalised to UTC)' '
	new_job SCH "{\"name\":\"once\",\"kind\":\"scheduled\",\"schedule\":{\"run_at\":\"2035-06-01T11:00:00+02:00\"},\"request\":{\"url\":\"$HOOK\"}}" &&
	check ".kind == \"scheduled\" and .state == \"active\" and .schedule == {\"run_at\": \"2035-06-01T09:00:00.000Z\"}
		and .next_run_at == \"2035-06-01T09:00:00.000Z\""
'

test_expect_success 'a scheduled run_at in the past is 422 schedule.run_at' '
	bad_job ".kind = \"scheduled\" | .schedule = {\"run_at\": \"2020-01-01T00:00:00.000Z\"}" schedule.run_at &&
	check ".error.details.fields[\"schedule.run_at\"] | test(\"future\")"
'

test_expect_success 'create a one_time job: no next_run_at, exactly one queued one_time execution' '
	new_job ONE "{\"name\":\"now\",\"kind\":\"one_time\",\"request\":{\"url\":\"$HOOK\",\"method\":\"POST\",\"body\":{\"a\":1}}}" &&
	check ".kind == \"one_time\" and .state == \"active\" and .next_run_at == null and .schedule == {}
		and .request.body == {\"a\": 1} and .request.method == \"POST\"" &&
	test "$(execs "$ONE")" = "one_time queued" &&
	test "$(stack_sql "SELECT job_name FROM executions WHERE job_id = \"$ONE\"")" = now
'

test_expect_success 'state "draft" on create: no next_run_at, no execution for a one_time draft' '
	new_job DREC "$(with ".state = \"draft\"")" &&
	check ".state == \"draft\" and .next_run_at == null" &&
	new_job DONE "{\"name\":\"later\",\"kind\":\"one_time\",\"state\":\"draft\",\"request\":{\"url\":\"$HOOK\"}}" &&
	check ".state == \"draft\" and .next_run_at == null" &&
	test "$(execs "$DONE")" = "" &&
	ok_job ".state = \"active\"" && check ".state == \"active\"" &&
	bad_job ".state = \"paused\"" state &&
	bad_job ".state = \"completed\"" state
'

test_expect_success 'create accepts every request field and keeps it' '
	ok_job ".description = \"line one\nline two\" | .request = {url: \"https://example.com/x?y=1\", method: \"PATCH\",
		headers: {\"Authorization\": \"Bearer secret://api-key\", \"X-Trace\": \"a\tb\"}, body: \"raw text\",
		timeout_seconds: 300, success_statuses: [200, 299]}
		| .retry_policy = {max_attempts: 10, retry_on_statuses: []}" &&
	check ".description == \"line one\nline two\" and .request == {url: \"https://example.com/x?y=1\", method: \"PATCH\",
		headers: {\"Authorization\": \"Bearer secret://api-key\", \"X-Trace\": \"a\tb\"}, body: \"raw text\",
		timeout_seconds: 300, success_statuses: [200, 299]}
		and .retry_policy == {max_attempts: 10, retry_on_statuses: []}" &&
	ok_job ".request.timeout_seconds = 1 | .retry_policy.max_attempts = 1 | .request.method = \"DELETE\"" &&
	check ".request.timeout_seconds == 1 and .retry_policy == {max_attempts: 1, retry_on_statuses: [429,500,502,503,504]}"
'

# --- validation -----------------------------------------------------------

test_expect_success 'validation: name missing, empty, longer than 200, control characters' '
	bad_job "del(.name)" name &&
	bad_job ".name = \"\"" name &&
	bad_job ".name = (\"n\" * 201)" name &&
	bad_job ".name = \"a\u0001b\"" name &&
	bad_job ".name = \"a\nb\"" name &&
	bad_job ".name = 5" name &&
	ok_job ".name = (\"n\" * 200)" && check ".name | length == 200" &&
	bad_job ".name = (\"\u00e9\" * 201)" name &&
	ok_job ".name = (\"\u00e9\" * 200)" && check ".name == (\"\u00e9\" * 200)" &&
	get_job "$(jq -r .id body)" && check ".name == (\"\u00e9\" * 200)"
'

test_expect_success 'validation: description up to 2000 characters, newlines and tabs only' '
	bad_job ".description = (\"d\" * 2001)" description &&
	bad_job ".description = \"a\rb\"" description &&
	bad_job ".description = \"a\u001bb\"" description &&
	bad_job ".description = 5" description &&
	ok_job ".description = (\"d\" * 2000)" && check ".description | length == 2000" &&
	ok_job ".description = \"\"" && check ".description == \"\""
'

test_expect_success 'wrong methods on job paths are 405 with Allow' '
	http PUT "/v1/jobs/$REC" -H "$(bearer "$O_TOKEN")" && expect_error method_not_allowed 405 &&
	header Allow >allow && test_grep PATCH allow && test_grep DELETE allow && test_grep GET allow &&
	http GET "/v1/jobs/$REC/pause" -H "$(bearer "$O_TOKEN")" && expect_error method_not_allowed 405 &&
	header Allow >allow && test_grep POST allow &&
	http DELETE /v1/jobs -H "$(bearer "$O_TOKEN")" && expect_error method_not_allowed 405
'

test_expect_success 'validation: unknown top-level field, bad kind, missing schedule' '
	bad_job ".foo = 1" foo &&
	bad_job ".next_run_at = \"2030-01-01T00:00:00.000Z\"" next_run_at &&
	bad_job ".kind = \"weekly\"" kind &&
	bad_job "del(.kind)" kind &&
	bad_job "del(.schedule)" schedule &&
	bad_job ".kind = \"cron\" | del(.schedule)" schedule &&
	bad_job ".kind = \"scheduled\" | del(.schedule)" schedule &&
	bad_job ".schedule = \"every 5\"" schedule
'

test_expect_success 'validation: every_n_minutes 0, 1441, not an integer, with other members' '
	bad_job ".schedule.every_n_minutes = 0" schedule.every_n_minutes &&
	bad_job ".schedule.every_n_minutes = 1441" schedule.every_n_minutes &&
	bad_job ".schedule.every_n_minutes = \"5\"" schedule.every_n_minutes &&
	bad_job ".schedule = {}" schedule.every_n_minutes &&
	bad_job ".schedule.cron = \"* * * * *\"" schedule.cron
'

test_expect_success 'validation: bad cron expressions, @reboot, never matching, unknown zone' '
	bad_job ".kind = \"cron\" | .schedule = {cron: \"61 * * * *\"}" schedule.cron &&
	check ".error.details.fields[\"schedule.cron\"] | test(\"minute\")" &&
	bad_job ".kind = \"cron\" | .schedule = {cron: \"* * * *\"}" schedule.cron &&
	bad_job ".kind = \"cron\" | .schedule = {cron: \"@reboot\"}" schedule.cron &&
	bad_job ".kind = \"cron\" | .schedule = {cron: \"0 0 30 2 *\"}" schedule.cron &&
	check ".error.details.fields[\"schedule.cron\"] | test(\"never\")" &&
	bad_job ".kind = \"cron\" | .schedule = {cron: \"0 0 * * *\", timezone: \"Mars/Olympus\"}" schedule.timezone &&
	bad_job ".kind = \"cron\" | .schedule = {cron: \"0 0 * * *\", timezone: \"\"}" schedule.timezone &&
	ok_job ".kind = \"cron\" | .schedule = {cron: \"@hourly\"}" &&
	check ".schedule == {cron: \"@hourly\", timezone: \"UTC\"} and (.next_run_at | test(\":00:00.000Z$\"))" &&
	ok_job ".kind = \"cron\" | .schedule = {cron: \"0 9 * jan-mar mon-fri\", timezone: \"Europe/London\"}"
'

test_expect_success 'validation: run_at not ISO, without a zone, not a real date' '
	bad_job ".kind = \"scheduled\" | .schedule = {run_at: \"tomorrow\"}" schedule.run_at &&
	bad_job ".kind = \"scheduled\" | .schedule = {run_at: \"2035-01-01T00:00:00\"}" schedule.run_at &&
	bad_job ".kind = \"scheduled\" | .schedule = {run_at: \"2035-02-30T00:00:00Z\"}" schedule.run_at &&
	bad_job ".kind = \"scheduled\" | .schedule = {run_at: 2051222400}" schedule.run_at &&
	bad_job ".kind = \"one_time\" | .schedule = {run_at: \"2035-01-01T00:00:00Z\"}" schedule.run_at
'

test_expect_success 'validation: request missing or not an object' '
	bad_job "del(.request)" request &&
	bad_job ".request = \"https://example.com/\"" request &&
	bad_job ".request = {}" request.url &&
	bad_job ".request.foo = 1" request.foo
'

test_expect_success 'validation: request.url scheme, host, credentials, spaces, length' '
	bad_job ".request.url = \"ftp://example.com/\"" request.url &&
	bad_job ".request.url = \"file:///etc/passwd\"" request.url &&
	bad_job ".request.url = \"https://\"" request.url &&
	bad_job ".request.url = \"https:///path\"" request.url &&
	bad_job ".request.url = \"example.com/hook\"" request.url &&
	bad_job ".request.url = \"https://u:p@example.com\"" request.url &&
	bad_job ".request.url = \"https://example.com/a b\"" request.url &&
	bad_job ".request.url = \"\"" request.url &&
	bad_job ".request.url = (\"https://example.com/\" + (\"a\" * 2029))" request.url &&
	ok_job ".request.url = (\"https://example.com/\" + (\"a\" * 2028))" &&
	check ".request.url | length == 2048" &&
	ok_job ".request.url = \"HTTP://Example.COM:8080/Path?q=1#frag\""
'

test_expect_success 'validation: literal loopback, private, link-local, mapped and decimal addresses are 422' '
	for u in http://127.0.0.1/ http://10.0.0.1/ http://192.168.1.1/ http://172.16.0.1/ \
		http://169.254.169.254/latest/meta-data http://100.64.0.1/ http://0.0.0.0/ \
		"http://[::1]/" "http://[::ffff:127.0.0.1]/" "http://[fd00::1]/" "http://[fe80::1]/" \
		http://2130706433/ http://0x7f000001/ http://0177.0.0.1/ http://127.1/ http://localhost/ \
		http://localhost./ http://LOCALHOST:8080/ http://foo.localhost/ http://127.0.0.1.:8080/ \
		"http://[::]/" "http://[::ffff:7f00:1]/" "http://[64:ff9b::a00:1]/" "http://[2002:a00:1::]/" \
		https://192.168.0.10:8443/x https://224.0.0.1/
	do
		bad_job ".request.url = \"$u\"" request.url &&
		check ".error.details.fields[\"request.url\"] | test(\"private|loopback|non-public\")" ||
		{ echo >&2 "not refused: $u"; return 1; }
	done
'

test_expect_success 'a public literal address and a public name are accepted' '
	ok_job ".request.url = \"http://93.184.216.34/\"" &&
	ok_job ".request.url = \"https://[2606:2800:220:1:248:1893:25c8:1946]/\"" &&
	ok_job ".request.url = \"https://api.example.com:8443/v1/ping\""
'

test_expect_success 'validation: request.method' '
	bad_job ".request.method = \"get\"" request.method &&
	bad_job ".request.method = \"TRACE\"" request.method &&
	bad_job ".request.method = \"\"" request.method &&
	for m in GET POST PUT PATCH DELETE; do
		ok_job ".request.method = \"$m\"" && check ".request.method == \"$m\"" || return 1
	done
'

test_expect_success 'validation: request.headers CR/LF, bad names, reserved names, count' '
	bad_job ".request.headers = {\"X-Foo\": \"a\r\nInjected: 1\"}" request.headers.X-Foo &&
	bad_job ".request.headers = {\"X-Foo\": \"a\nb\"}" request.headers.X-Foo &&
	bad_job ".request.headers = {\"Bad Header\": \"v\"}" "request.headers.Bad Header" &&
	bad_job ".request.headers = {\"X-Ok\": \"v\", \"Bad:Name\": \"v\"}" "request.headers.Bad:Name" &&
	bad_job ".request.headers = {\"Host\": \"evil.example\"}" request.headers.Host &&
	bad_job ".request.headers = {\"Content-Length\": \"5\"}" request.headers.Content-Length &&
	bad_job ".request.headers = {\"X-Cron-Service-Job-Id\": \"x\"}" request.headers.X-Cron-Service-Job-Id &&
	bad_job ".request.headers = {\"X-Num\": 5}" request.headers.X-Num &&
	bad_job ".request.headers = \"X-A: 1\"" request.headers &&
	bad_job ".request.headers = {\"X-A\": \"1\", \"x-a\": \"2\"}" request.headers.x-a &&
	bad_job ".request.headers = {\"X-Big\": (\"v\" * 8193)}" request.headers.X-Big &&
	bad_job ".request.headers = {\"\": \"v\"}" request.headers. &&
	ok_job ".request.headers = {\"X-Big\": (\"v\" * 8192), \"Authorization\": \"Bearer secret://a secret://b\"}" &&
	bad_job ".request.headers = ([range(51)] | map({key: \"X-H\(.)\", value: \"v\"}) | from_entries)" request.headers &&
	ok_job ".request.headers = ([range(50)] | map({key: \"X-H\(.)\", value: \"v\"}) | from_entries)" &&
	check ".request.headers | length == 50"
'

test_expect_success 'validation: request.body up to 64 KiB' '
	bad_job ".request.body = (\"x\" * 65537)" request.body &&
	ok_job ".request.body = (\"x\" * 65536)" &&
	check ".request.body | length == 65536" &&
	bad_job ".request.body = {\"a\": (\"x\" * 65536)}" request.body &&
	ok_job ".request.body = {\"deep\": {\"list\": [1, 2, null, true]}}" &&
	check ".request.body == {\"deep\": {\"list\": [1, 2, null, true]}}"
'

test_expect_success 'validation: timeout_seconds 1-300, success_statuses a list of distinct codes' '
	bad_job ".request.timeout_seconds = 0" request.timeout_seconds &&
	bad_job ".request.timeout_seconds = 301" request.timeout_seconds &&
	bad_job ".request.timeout_seconds = 2.5" request.timeout_seconds &&
	bad_job ".request.success_statuses = []" request.success_statuses &&
	bad_job ".request.success_statuses = [99]" request.success_statuses &&
	bad_job ".request.success_statuses = [600]" request.success_statuses &&
	bad_job ".request.success_statuses = [200, 200]" request.success_statuses &&
	bad_job ".request.success_statuses = \"200\"" request.success_statuses &&
	bad_job ".request.success_statuses = [\"200\"]" request.success_statuses
'

test_expect_success 'validation: retry_policy' '
	bad_job ".retry_policy = {max_attempts: 0}" retry_policy.max_attempts &&
	bad_job ".retry_policy = {max_attempts: 11}" retry_policy.max_attempts &&
	bad_job ".retry_policy = {retry_on_statuses: [500, 500]}" retry_policy.retry_on_statuses &&
	bad_job ".retry_policy = {retry_on_statuses: [200]}" retry_policy.retry_on_statuses &&
	check ".error.details.fields[\"retry_policy.retry_on_statuses\"] | test(\"success status\")" &&
	bad_job ".request.success_statuses = [200, 503] | .retry_policy = {retry_on_statuses: [503]}" retry_policy.retry_on_statuses &&
	bad_job ".retry_policy = {backoff: 2}" retry_policy.backoff &&
	bad_job ".retry_policy = 3" retry_policy &&
	ok_job ".request.success_statuses = [200, 503] | .retry_policy = {retry_on_statuses: [500]}" &&
	check ".retry_policy == {max_attempts: 3, retry_on_statuses: [500]}"
'

test_expect_success 'a body that is not an object is 422 body; not JSON is 400' '
	post_job "[1,2]" && fields_are body &&
	post_job "\"job\"" && fields_are body &&
	post_job "null" && fields_are body &&
	post_job "{\"name\":" && expect_error invalid_json 400 &&
	http POST /v1/jobs -H "$(bearer "$O_TOKEN")" -H "Content-Type: text/plain" -d "$BASE" &&
	expect_error unsupported_media_type 415
'

test_expect_success 'a NUL character anywhere is refused (400 invalid_json)' '
	post_job "{\"name\":\"a\\u0000b\",\"kind\":\"one_time\",\"request\":{\"url\":\"$HOOK\"}}" &&
	expect_error invalid_json 400 &&
	post_job "{\"name\":\"n\",\"kind\":\"one_time\",\"request\":{\"url\":\"$HOOK\",\"headers\":{\"X-A\":\"a\\u0000\\r\\nX-Injected: 1\"}}}" &&
	expect_error invalid_json 400 &&
	post_job "{\"name\":\"n\",\"kind\":\"one_time\",\"request\":{\"url\":\"https://example.com\\u0000.evil/\"}}" &&
	expect_error invalid_json 400 &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE request LIKE \"%Injected%\" OR request LIKE \"%evil%\"")" = 0
'

test_expect_success 'every problem of a request is reported at once' '
	post_job "{\"name\":\"\",\"kind\":\"weekly\",\"extra\":1,\"request\":{\"url\":\"ftp://x\",\"method\":\"get\",\"timeout_seconds\":0,\"headers\":{\"Host\":\"h\"}},\"retry_policy\":{\"max_attempts\":11}}" &&
	fields_are name kind extra request.url request.method request.timeout_seconds request.headers.Host retry_policy.max_attempts &&
	with ".schedule.every_n_minutes = 0 | .request.success_statuses = [] | .name = \"\"" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	fields_are name schedule.every_n_minutes request.success_statuses
'

test_expect_success 'nothing refused was stored' '
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE name = \"\" OR kind = \"cron\" AND cron_expr IN (\"61 * * * *\", \"0 0 30 2 *\")")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE request LIKE \"%127.0.0.1%\" OR request LIKE \"%localhost%\"")" = 0
'

# --- list -----------------------------------------------------------------

test_expect_success 'list: newest first, every job of the workspace' '
	http GET "/v1/jobs?limit=200" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	check "(keys == [\"items\",\"next_cursor\"]) and .next_cursor == null
		and ([.items[].id] == ([.items[].id] | sort | reverse))
		and ([.items[].created_at] == ([.items[].created_at] | sort | reverse))
		and (.items | length) == $(stack_sql "SELECT COUNT(*) FROM jobs WHERE workspace_id = \"$W\"")
		and ([.items[] | select(.id == \"$REC\")] | length) == 1"
'

test_expect_success 'list in a workspace of its own: 7 jobs of every kind' '
	IDS= &&
	for j in "$(with ".name = \"j1\"")" \
		"$(with ".name = \"j2\" | .kind = \"cron\" | .schedule = {cron: \"0 * * * *\"}")" \
		"$(with ".name = \"j3\"")" \
		"$(with ".name = \"j4\" | .kind = \"scheduled\" | .schedule = {run_at: \"2035-01-01T00:00:00Z\"}")" \
		"$(with ".name = \"j5\" | .kind = \"cron\" | .schedule = {cron: \"0 0 * * *\"}")" \
		"$(with ".name = \"j6\" | .kind = \"one_time\" | del(.schedule)")" \
		"$(with ".name = \"j7\"")"
	do
		new_job id "$j" "$L_TOKEN" && IDS="$IDS $id" || return 1
	done &&
	set -- $IDS && J1=$1 J2=$2 J3=$3 J4=$4 J5=$5 J6=$6 J7=$7 &&
	op "$J3" pause "$L_TOKEN" && expect_status 200 &&
	http GET /v1/jobs -H "$(bearer "$L_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$J7\",\"$J6\",\"$J5\",\"$J4\",\"$J3\",\"$J2\",\"$J1\"] and .next_cursor == null
		and [.items[].name] == [\"j7\",\"j6\",\"j5\",\"j4\",\"j3\",\"j2\",\"j1\"]"
'

test_expect_success 'list filters: state, kind, both' '
	http GET "/v1/jobs?kind=cron" -H "$(bearer "$L_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$J5\",\"$J2\"]" &&
	http GET "/v1/jobs?state=paused" -H "$(bearer "$L_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$J3\"] and .items[0].state == \"paused\"" &&
	http GET "/v1/jobs?state=active&kind=recurring" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$J7\",\"$J1\"]" &&
	http GET "/v1/jobs?kind=one_time" -H "$(bearer "$L_TOKEN")" && check "[.items[].id] == [\"$J6\"]" &&
	http GET "/v1/jobs?kind=scheduled" -H "$(bearer "$L_TOKEN")" && check "[.items[].id] == [\"$J4\"]" &&
	http GET "/v1/jobs?state=draft" -H "$(bearer "$L_TOKEN")" && check ".items == [] and .next_cursor == null" &&
	http GET "/v1/jobs?state=completed" -H "$(bearer "$L_TOKEN")" && check ".items == []"
'

test_expect_success 'list: a bad filter, limit or cursor is 422 naming it' '
	http GET "/v1/jobs?state=running" -H "$(bearer "$L_TOKEN")" && fields_are state &&
	http GET "/v1/jobs?state=" -H "$(bearer "$L_TOKEN")" && fields_are state &&
	http GET "/v1/jobs?kind=weekly" -H "$(bearer "$L_TOKEN")" && fields_are kind &&
	http GET "/v1/jobs?kind=CRON" -H "$(bearer "$L_TOKEN")" && fields_are kind &&
	http GET "/v1/jobs?limit=0" -H "$(bearer "$L_TOKEN")" && fields_are limit &&
	http GET "/v1/jobs?limit=201" -H "$(bearer "$L_TOKEN")" && fields_are limit &&
	http GET "/v1/jobs?limit=abc" -H "$(bearer "$L_TOKEN")" && fields_are limit &&
	http GET "/v1/jobs?cursor=nope" -H "$(bearer "$L_TOKEN")" && fields_are cursor
'

test_expect_success 'list: limit and cursor page through every job once, in order' '
	http GET "/v1/jobs?limit=3" -H "$(bearer "$L_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$J7\",\"$J6\",\"$J5\"] and (.next_cursor | type) == \"string\"" &&
	C=$(jq -r .next_cursor body) &&
	http GET "/v1/jobs?limit=3&cursor=$C" -H "$(bearer "$L_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$J4\",\"$J3\",\"$J2\"] and (.next_cursor | type) == \"string\"" &&
	C=$(jq -r .next_cursor body) &&
	http GET "/v1/jobs?limit=3&cursor=$C" -H "$(bearer "$L_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$J1\"] and .next_cursor == null" &&
	http GET "/v1/jobs?limit=7" -H "$(bearer "$L_TOKEN")" &&
	check "(.items | length) == 7 and .next_cursor == null" &&
	http GET "/v1/jobs?kind=recurring&limit=2" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$J7\",\"$J3\"] and (.next_cursor | type) == \"string\"" &&
	C=$(jq -r .next_cursor body) &&
	http GET "/v1/jobs?kind=recurring&limit=2&cursor=$C" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$J1\"] and .next_cursor == null"
'

test_expect_success 'list: pagination is stable under inserts; new jobs only on a fresh first page' '
	http GET "/v1/jobs?limit=3" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$J7\",\"$J6\",\"$J5\"]" && C=$(jq -r .next_cursor body) &&
	new_job N1 "$(with ".name = \"n1\"")" "$L_TOKEN" &&
	new_job N2 "$(with ".name = \"n2\"")" "$L_TOKEN" &&
	new_job N3 "$(with ".name = \"n3\"")" "$L_TOKEN" &&
	http GET "/v1/jobs?limit=3&cursor=$C" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$J4\",\"$J3\",\"$J2\"]" && C=$(jq -r .next_cursor body) &&
	http GET "/v1/jobs?limit=3&cursor=$C" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$J1\"] and .next_cursor == null" &&
	http GET "/v1/jobs?limit=3" -H "$(bearer "$L_TOKEN")" &&
	check "[.items[].id] == [\"$N3\",\"$N2\",\"$N1\"]"
'

# --- get, tenancy ---------------------------------------------------------

test_expect_success 'get: unknown and malformed ids are 404 not_found' '
	http GET /v1/jobs/c000000000000000000000000 -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	http GET /v1/jobs/nope -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	http GET "/v1/jobs/${REC}x" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	http GET "/v1/jobs/$(echo "$REC" | tr a-z A-Z)" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	for a in pause resume activate run-now; do
		op c000000000000000000000000 $a && expect_error not_found 404 &&
		op nope $a && expect_error not_found 404 || return 1
	done &&
	patch c000000000000000000000000 "{\"name\":\"x\"}" && expect_error not_found 404 &&
	http DELETE /v1/jobs/c000000000000000000000000 -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	preview c000000000000000000000000 "" && expect_error not_found 404
'

test_expect_success 'another workspace gets 404 for everything on the job and does not list it' '
	http GET "/v1/jobs/$REC" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404 &&
	patch "$REC" "{\"name\":\"stolen\"}" "$X_TOKEN" && expect_error not_found 404 &&
	for a in pause resume activate run-now; do
		op "$REC" $a "$X_TOKEN" && expect_error not_found 404 || return 1
	done &&
	preview "$REC" "" "$X_TOKEN" && expect_error not_found 404 &&
	http DELETE "/v1/jobs/$REC" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404 &&
	http GET /v1/jobs -H "$(bearer "$X_TOKEN")" && expect_status 200 && check ".items == []" &&
	get_job "$REC" && jq -S "del(.updated_at)" body >got && jq -S "del(.updated_at)" rec.json >want && test_cmp want got &&
	test "$(execs "$REC")" = ""
'

# --- PATCH ----------------------------------------------------------------

test_expect_success 'PATCH name only keeps everything else' '
	new_job PJ "$(with ".name = \"before\" | .request.headers = {\"X-A\": \"1\"} | .request.method = \"PUT\" | .request.body = \"b\"")" &&
	cp body pj.json &&
	patch "$PJ" "{\"name\":\"after\"}" && expect_status 200 &&
	check ".name == \"after\" and (.updated_at | ms) >= (.created_at | ms)" &&
	jq -S "del(.name, .updated_at)" body >got && jq -S "del(.name, .updated_at)" pj.json >want &&
	test_cmp want got &&
	get_job "$PJ" && check ".name == \"after\"" && cp body pj.json
'

test_expect_success 'PATCH of the schedule recomputes next_run_at; the same schedule does not move it' '
	patch "$PJ" "{\"schedule\":{\"every_n_minutes\":10}}" && expect_status 200 &&
	check ".schedule == {every_n_minutes: 10}
		and (.next_run_at | ms) == (.updated_at | ms) + 10 * 60000
		and (.next_run_at | ms) > (\$old | ms)" --arg old "$(jq -r .next_run_at pj.json)" &&
	NEXT=$(jq -r .next_run_at body) &&
	patch "$PJ" "{\"schedule\":{\"every_n_minutes\":10}}" && expect_status 200 &&
	check ".next_run_at == \$n" --arg n "$NEXT" &&
	patch "$PJ" "{\"kind\":\"recurring\",\"name\":\"after\"}" && expect_status 200 &&
	check ".next_run_at == \$n" --arg n "$NEXT" &&
	patch "$PJ" "{\"request\":{\"timeout_seconds\":7}}" && expect_status 200 &&
	check ".next_run_at == \$n and .request.timeout_seconds == 7" --arg n "$NEXT"
'

test_expect_success 'PATCH merges request members; null returns an optional member to its default' '
	patch "$PJ" "{\"request\":{\"method\":\"POST\"}}" && expect_status 200 &&
	check ".request == {url: \"$HOOK\", method: \"POST\", headers: {\"X-A\": \"1\"}, body: \"b\",
		timeout_seconds: 7, success_statuses: [200,201,202,204]}" &&
	patch "$PJ" "{\"request\":{\"timeout_seconds\":null,\"body\":null}}" && expect_status 200 &&
	check ".request == {url: \"$HOOK\", method: \"POST\", headers: {\"X-A\": \"1\"},
		timeout_seconds: 30, success_statuses: [200,201,202,204]}" &&
	patch "$PJ" "{\"request\":{\"headers\":{\"X-B\":\"2\"}}}" && expect_status 200 &&
	check ".request.headers == {\"X-B\": \"2\"}" &&
	patch "$PJ" "{\"retry_policy\":{\"max_attempts\":5}}" && expect_status 200 &&
	check ".retry_policy == {max_attempts: 5, retry_on_statuses: [429,500,502,503,504]}" &&
	patch "$PJ" "{\"retry_policy\":null}" && expect_status 200 &&
	check ".retry_policy == {max_attempts: 3, retry_on_statuses: [429,500,502,503,504]}" &&
	patch "$PJ" "{\"description\":\"about\"}" && expect_status 200 && check ".description == \"about\"" &&
	patch "$PJ" "{\"description\":null}" && expect_status 200 && check ".description == \"\"" &&
	get_job "$PJ" && check ".description == \"\" and .request.method == \"POST\""
'

test_expect_success 'PATCH with a new kind replaces the schedule' '
	patch "$PJ" "{\"kind\":\"cron\",\"schedule\":{\"cron\":\"*/5 * * * *\"}}" && expect_status 200 &&
	check ".kind == \"cron\" and .schedule == {cron: \"*/5 * * * *\", timezone: \"UTC\"}
		and (.next_run_at | ms) > (.updated_at | ms)
		and (.next_run_at | ms) <= (.updated_at | ms) + 5 * 60000
		and (.next_run_at | ms) % (5 * 60000) == 0" &&
	patch "$PJ" "{\"kind\":\"scheduled\",\"schedule\":{\"run_at\":\"2036-01-01T00:00:00Z\"}}" && expect_status 200 &&
	check ".kind == \"scheduled\" and .schedule == {run_at: \"2036-01-01T00:00:00.000Z\"} and .next_run_at == \"2036-01-01T00:00:00.000Z\"" &&
	patch "$PJ" "{\"kind\":\"recurring\",\"schedule\":{\"every_n_minutes\":3}}" && expect_status 200 &&
	check ".kind == \"recurring\" and .schedule == {every_n_minutes: 3} and (.next_run_at | ms) == (.updated_at | ms) + 3 * 60000" &&
	patch "$PJ" "{\"kind\":\"cron\"}" && expect_error validation_error 422 &&
	check ".error.details.fields | has(\"schedule.cron\") or has(\"schedule\")"
'

test_expect_success 'PATCH cannot change kind to or from one_time' '
	patch "$PJ" "{\"kind\":\"one_time\"}" && fields_are kind &&
	patch "$ONE" "{\"kind\":\"recurring\",\"schedule\":{\"every_n_minutes\":5}}" && fields_are kind &&
	patch "$PJ" "{\"kind\":\"weekly\"}" && expect_error validation_error 422 &&
	check ".error.details.fields | has(\"kind\")"
'

test_expect_success 'an invalid PATCH is 422 and changes nothing' '
	get_job "$PJ" && cp body pj.json &&
	patch "$PJ" "{\"name\":\"ok\",\"request\":{\"url\":\"ftp://example.com/\"}}" && fields_are request.url &&
	patch "$PJ" "{\"name\":\"\"}" && fields_are name &&
	patch "$PJ" "{\"schedule\":{\"every_n_minutes\":0}}" && fields_are schedule.every_n_minutes &&
	patch "$PJ" "{\"request\":{\"url\":\"http://127.0.0.1/\"}}" && fields_are request.url &&
	patch "$PJ" "{\"request\":{\"headers\":{\"Host\":\"x\"}}}" && fields_are request.headers.Host &&
	patch "$PJ" "{\"retry_policy\":{\"retry_on_statuses\":[200]}}" && fields_are retry_policy.retry_on_statuses &&
	patch "$PJ" "{\"name\":null}" && fields_are name &&
	patch "$PJ" "{\"request\":null}" && fields_are request &&
	patch "$PJ" "[]" && fields_are body &&
	get_job "$PJ" && jq -S . body >got && jq -S . pj.json >want && test_cmp want got
'

test_expect_success 'PATCH of state, id or any unknown field is 422 (not a known field)' '
	patch "$PJ" "{\"state\":\"paused\"}" && fields_are state &&
	patch "$PJ" "{\"id\":\"c000000000000000000000000\"}" && fields_are id &&
	patch "$PJ" "{\"next_run_at\":null,\"created_by\":\"$X_ID\"}" && fields_are next_run_at created_by &&
	get_job "$PJ" && jq -S . body >got && test_cmp want got
'

test_expect_success 'a scheduled job: PATCH to a past run_at is 422; other changes keep run_at' '
	new_job SP "$(with ".kind = \"scheduled\" | .schedule = {run_at: \"2035-03-03T03:03:03.000Z\"}")" &&
	patch "$SP" "{\"schedule\":{\"run_at\":\"2021-01-01T00:00:00Z\"}}" && fields_are schedule.run_at &&
	patch "$SP" "{\"name\":\"renamed\"}" && expect_status 200 &&
	check ".schedule.run_at == \"2035-03-03T03:03:03.000Z\" and .next_run_at == \"2035-03-03T03:03:03.000Z\""
'

test_expect_success 'a completed job: schedule or kind change is 409, a rename works' '
	new_job CJ "$(with ".name = \"done\"")" &&
	stack_sql "UPDATE jobs SET state = \"completed\", next_run_at = NULL WHERE id = \"$CJ\"" &&
	patch "$CJ" "{\"schedule\":{\"every_n_minutes\":9}}" && expect_error conflict 409 &&
	patch "$CJ" "{\"kind\":\"cron\",\"schedule\":{\"cron\":\"0 * * * *\"}}" && expect_error conflict 409 &&
	get_job "$CJ" && check ".schedule == {every_n_minutes: 5} and .state == \"completed\" and .next_run_at == null" &&
	patch "$CJ" "{\"name\":\"done and renamed\",\"request\":{\"method\":\"POST\"}}" && expect_status 200 &&
	check ".name == \"done and renamed\" and .request.method == \"POST\" and .state == \"completed\" and .next_run_at == null"
'

test_expect_success 'PATCH of a paused or draft job keeps next_run_at null' '
	new_job PP "$(with ".name = \"pp\"")" && op "$PP" pause && expect_status 200 &&
	patch "$PP" "{\"schedule\":{\"every_n_minutes\":15}}" && expect_status 200 &&
	check ".state == \"paused\" and .next_run_at == null and .schedule.every_n_minutes == 15" &&
	patch "$DREC" "{\"schedule\":{\"every_n_minutes\":15}}" && expect_status 200 &&
	check ".state == \"draft\" and .next_run_at == null"
'

# --- delete ---------------------------------------------------------------

test_expect_success 'DELETE: 204, then 404; its queued executions go with it' '
	new_job DJ "$(with ".name = \"to delete\"")" &&
	op "$DJ" run-now && expect_status 202 &&
	op "$DJ" run-now && expect_status 202 &&
	test "$(execs "$DJ")" = "run_now queued
run_now queued" &&
	http DELETE "/v1/jobs/$DJ" -H "$(bearer "$O_TOKEN")" && expect_status 204 && test ! -s body &&
	http GET "/v1/jobs/$DJ" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	http DELETE "/v1/jobs/$DJ" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE id = \"$DJ\"")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM executions WHERE job_id = \"$DJ\"")" = 0
'

test_expect_success 'DELETE keeps the history of executions that already ran' '
	new_job DK "$(with ".name = \"keep history\"")" &&
	op "$DK" run-now && expect_status 202 && E1=$(jq -r .id body) &&
	op "$DK" run-now && expect_status 202 && E2=$(jq -r .id body) &&
	stack_sql "UPDATE executions SET status = \"succeeded\", attempt_count = 1, started_at = UTC_TIMESTAMP(3), finished_at = UTC_TIMESTAMP(3), duration_ms = 5 WHERE id = \"$E1\"" &&
	http DELETE "/v1/jobs/$DK" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	test "$(stack_sql "SELECT id FROM executions WHERE job_id = \"$DK\"")" = "$E1"
'

# --- state changes --------------------------------------------------------

test_expect_success 'pause: active -> paused, next_run_at null; pausing again changes nothing' '
	new_job TJ "$(with ".name = \"trans\" | .schedule.every_n_minutes = 7")" &&
	op "$TJ" pause && expect_status 200 &&
	check ".id == \"$TJ\" and .state == \"paused\" and .next_run_at == null" && cp body paused.json &&
	op "$TJ" pause && expect_status 200 &&
	jq -S . body >got && jq -S . paused.json >want && test_cmp want got &&
	get_job "$TJ" && jq -S . body >got && test_cmp want got &&
	test "$(stack_sql "SELECT state, next_run_at IS NULL FROM jobs WHERE id = \"$TJ\"" | tr "\t" " ")" = "paused 1"
'

test_expect_success 'activate on a paused job is 409; resume: next_run_at from now, not the old anchor' '
	op "$TJ" activate && expect_error conflict 409 &&
	sleep 1 &&
	op "$TJ" resume && expect_status 200 &&
	check ".state == \"active\" and (.next_run_at | ms) == (.updated_at | ms) + 7 * 60000
		and ((.next_run_at | ms) - (.created_at | ms)) % (7 * 60000) != 0" &&
	cp body resumed.json &&
	op "$TJ" resume && expect_status 200 &&
	jq -S . body >got && jq -S . resumed.json >want && test_cmp want got &&
	op "$TJ" activate && expect_status 200 &&
	jq -S . body >got && test_cmp want got
'

test_expect_success 'a draft: pause and resume are 409, activate starts it' '
	new_job DJ2 "$(with ".name = \"draft\" | .state = \"draft\" | .schedule.every_n_minutes = 11")" &&
	op "$DJ2" pause && expect_error conflict 409 &&
	op "$DJ2" resume && expect_error conflict 409 &&
	get_job "$DJ2" && check ".state == \"draft\" and .next_run_at == null" &&
	op "$DJ2" activate && expect_status 200 &&
	check ".state == \"active\" and (.next_run_at | ms) == (.updated_at | ms) + 11 * 60000" &&
	new_job DJ3 "$(with ".state = \"draft\" | .kind = \"cron\" | .schedule = {cron: \"0 0 1 1 *\"}")" &&
	op "$DJ3" activate && expect_status 200 &&
	check ".state == \"active\" and .next_run_at == \"\((.updated_at[0:4] | tonumber) + 1)-01-01T00:00:00.000Z\""
'

test_expect_success 'activating a one_time draft queues exactly one execution' '
	op "$DONE" activate && expect_status 200 &&
	check ".state == \"active\" and .next_run_at == null" &&
	test "$(execs "$DONE")" = "one_time queued" &&
	op "$DONE" activate && expect_status 200 &&
	test "$(execs "$DONE")" = "one_time queued"
'

test_expect_success 'a scheduled draft whose run_at has passed cannot be activated (409)' '
	new_job SD "$(with ".state = \"draft\" | .kind = \"scheduled\" | .schedule = {run_at: \"2035-01-01T00:00:00Z\"}")" &&
	stack_sql "UPDATE jobs SET run_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE id = \"$SD\"" &&
	op "$SD" activate && expect_error conflict 409 &&
	get_job "$SD" && check ".state == \"draft\" and .next_run_at == null" &&
	new_job SD2 "$(with ".state = \"draft\" | .kind = \"scheduled\" | .schedule = {run_at: \"2035-01-01T00:00:00Z\"}")" &&
	op "$SD2" activate && expect_status 200 &&
	check ".state == \"active\" and .next_run_at == \"2035-01-01T00:00:00.000Z\""
'

test_expect_success 'a paused scheduled job whose run_at has passed cannot be resumed (409)' '
	new_job SR "$(with ".kind = \"scheduled\" | .schedule = {run_at: \"2035-01-01T00:00:00Z\"}")" &&
	op "$SR" pause && expect_status 200 &&
	stack_sql "UPDATE jobs SET run_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE id = \"$SR\"" &&
	op "$SR" resume && expect_error conflict 409 &&
	get_job "$SR" && check ".state == \"paused\""
'

test_expect_success 'a completed job: pause, resume and activate are all 409' '
	for a in pause resume activate; do
		op "$CJ" $a && expect_error conflict 409 || return 1
	done &&
	get_job "$CJ" && check ".state == \"completed\" and .next_run_at == null"
'

# --- run-now --------------------------------------------------------------

test_expect_success 'run-now: 202 with the queued execution; next_run_at does not move' '
	get_job "$REC" && cp body before.json &&
	op "$REC" run-now && expect_status 202 &&
	check "(keys == [\"attempts\",\"duration_ms\",\"finished_at\",\"id\",\"job_id\",\"job_name\",\"notifications\",\"replay_of\",\"scheduled_for\",\"started_at\",\"status\",\"trigger\"])
		and (.id | test(\"^c[0-9a-z]{24}$\")) and .id != \"$REC\"
		and .job_id == \"$REC\" and .job_name == \"ping\" and .trigger == \"run_now\" and .status == \"queued\"
		and (.scheduled_for | test(\"^[0-9-]{10}T[0-9:.]{12}Z$\"))
		and .started_at == null and .finished_at == null and .duration_ms == null
		and .attempts == [] and .replay_of == null" &&
	EX=$(jq -r .id body) &&
	test "$(stack_sql "SELECT trigger_kind, status, job_id, workspace_id FROM executions WHERE id = \"$EX\"" | tr "\t" " ")" = "run_now queued $REC $W" &&
	get_job "$REC" && jq -S . body >got && jq -S . before.json >want && test_cmp want got
'

test_expect_success 'run-now works on a paused job, a draft job and a completed job' '
	op "$PP" run-now && expect_status 202 && check ".job_id == \"$PP\"" &&
	get_job "$PP" && check ".state == \"paused\" and .next_run_at == null" &&
	op "$DREC" run-now && expect_status 202 && check ".job_id == \"$DREC\" and .trigger == \"run_now\"" &&
	get_job "$DREC" && check ".state == \"draft\" and .next_run_at == null" &&
	op "$CJ" run-now && expect_status 202 &&
	test "$(execs "$PP")" = "run_now queued" &&
	test "$(execs "$DREC")" = "run_now queued" &&
	test "$(execs "$CJ")" = "run_now queued"
'

# --- preview --------------------------------------------------------------

test_expect_success 'preview: 5 by default; count 1 and 100' '
	new_job PV "$(with ".kind = \"cron\" | .schedule = {cron: \"0 12 * * *\"}")" &&
	N=$(jq -r .next_run_at body) &&
	preview "$PV" "" && expect_status 200 &&
	check "(keys == [\"items\"]) and (.items | length) == 5
		and all(.items[]; test(\"T12:00:00.000Z$\"))
		and .items[0] == \$n and .items == (.items | sort)" --arg n "$N" &&
	preview "$PV" "?count=1" && expect_status 200 && check "(.items | length) == 1" &&
	preview "$PV" "?count=100" && expect_status 200 &&
	check "(.items | length) == 100 and (.items | unique | length) == 100"
'

test_expect_success 'preview: a bad count or from is 422 naming it' '
	for c in 0 101 abc -1 "" 5x 1.5; do
		preview "$PV" "?count=$c" && fields_are count || return 1
	done &&
	for f in yesterday 2030-01-01 2030-01-01T00:00:00 2030-13-01T00:00:00Z ""; do
		preview "$PV" "?from=$f" && fields_are from || return 1
	done
'

test_expect_success 'preview from a time: runs strictly after it' '
	preview "$PV" "?from=2030-01-01T00:00:00.000Z&count=3" && expect_status 200 &&
	check ".items == [\"2030-01-01T12:00:00.000Z\",\"2030-01-02T12:00:00.000Z\",\"2030-01-03T12:00:00.000Z\"]" &&
	preview "$PV" "?from=2030-01-01T12:00:00.000Z&count=2" && expect_status 200 &&
	check ".items == [\"2030-01-02T12:00:00.000Z\",\"2030-01-03T12:00:00.000Z\"]" &&
	preview "$PV" "?from=2030-01-01T11:59:59.999Z&count=1" &&
	check ".items == [\"2030-01-01T12:00:00.000Z\"]" &&
	preview "$PV" "?from=2030-01-01T15:00:00%2B02:00&count=1" &&
	check ".items == [\"2030-01-02T12:00:00.000Z\"]"
'

test_expect_success 'preview in a zone: 09:30 New York is 14:30Z in winter, 13:30Z in summer' '
	preview "$NY" "?from=2030-01-15T00:00:00Z&count=2" && expect_status 200 &&
	check ".items == [\"2030-01-15T14:30:00.000Z\",\"2030-01-16T14:30:00.000Z\"]" &&
	preview "$NY" "?from=2030-07-01T00:00:00Z&count=2" && expect_status 200 &&
	check ".items == [\"2030-07-01T13:30:00.000Z\",\"2030-07-02T13:30:00.000Z\"]"
'

test_expect_success 'preview across daylight saving: a missing time is shifted, a repeated one runs once' '
	new_job DST "$(with ".kind = \"cron\" | .schedule = {cron: \"30 2 * * *\", timezone: \"America/New_York\"}")" &&
	preview "$DST" "?from=2030-03-09T12:00:00Z&count=2" && expect_status 200 &&
	check ".items == [\"2030-03-10T07:30:00.000Z\",\"2030-03-11T06:30:00.000Z\"]" &&
	new_job DST2 "$(with ".kind = \"cron\" | .schedule = {cron: \"30 1 * * *\", timezone: \"America/New_York\"}")" &&
	preview "$DST2" "?from=2030-11-02T12:00:00Z&count=3" && expect_status 200 &&
	check ".items == [\"2030-11-03T05:30:00.000Z\",\"2030-11-04T06:30:00.000Z\",\"2030-11-05T06:30:00.000Z\"]"
'

test_expect_success 'preview of a recurring job: every N minutes from next_run_at' '
	get_job "$REC" && N=$(jq -r .next_run_at body) &&
	preview "$REC" "?count=4" && expect_status 200 &&
	check "[.items[] | ms] == [range(4) | (\$n | ms) + . * 5 * 60000]" --arg n "$N" &&
	later=$(jq -nr --arg n "$N" "$JQ_DEFS (\$n | ms) + 12 * 60000 | . / 1000 | floor | todate") &&
	preview "$REC" "?from=$later&count=2" && expect_status 200 &&
	check "[.items[] | ms] == [(\$n | ms) + 15 * 60000, (\$n | ms) + 20 * 60000]" --arg n "$N"
'

test_expect_success 'preview of a scheduled job is its run_at; completed and one_time jobs have none' '
	preview "$SCH" "" && expect_status 200 && check ".items == [\"2035-06-01T09:00:00.000Z\"]" &&
	preview "$SCH" "?from=2035-06-01T09:00:00Z" && check ".items == []" &&
	preview "$CJ" "" && expect_status 200 && check ".items == []" &&
	preview "$ONE" "" && expect_status 200 && check ".items == []" &&
	preview "$DONE" "?count=3" && expect_status 200 && check ".items == []"
'

test_expect_success 'preview of a paused or draft job: the runs it would have if started now' '
	preview "$PP" "?count=3" && expect_status 200 &&
	check "(.items | length) == 3 and ((.items[1] | ms) - (.items[0] | ms)) == 15 * 60000
		and ((.items[2] | ms) - (.items[1] | ms)) == 15 * 60000" &&
	get_job "$PP" && check ".next_run_at == null"
'

test_expect_success 'preview: day-of-month and day-of-week combine as in Vixie cron; names and 7 = Sunday' '
	new_job VX "$(with ".kind = \"cron\" | .schedule = {cron: \"0 0 13 * 5\"}")" &&
	preview "$VX" "?from=2030-10-01T00:00:00Z&count=5" && expect_status 200 &&
	check ".items == [\"2030-10-04T00:00:00.000Z\",\"2030-10-11T00:00:00.000Z\",\"2030-10-13T00:00:00.000Z\",\"2030-10-18T00:00:00.000Z\",\"2030-10-25T00:00:00.000Z\"]" &&
	new_job V7 "$(with ".kind = \"cron\" | .schedule = {cron: \"15 6 * jul,aug 7\"}")" &&
	preview "$V7" "?from=2030-07-01T00:00:00Z&count=3" && expect_status 200 &&
	check ".items == [\"2030-07-07T06:15:00.000Z\",\"2030-07-14T06:15:00.000Z\",\"2030-07-21T06:15:00.000Z\"]" &&
	preview "$V7" "?from=2030-08-31T00:00:00Z&count=1" &&
	check ".items == [\"2031-07-06T06:15:00.000Z\"]" &&
	new_job VM "$(with ".kind = \"cron\" | .schedule = {cron: \"@monthly\", timezone: \"Asia/Tokyo\"}")" &&
	preview "$VM" "?from=2030-01-15T00:00:00Z&count=2" &&
	check ".items == [\"2030-01-31T15:00:00.000Z\",\"2030-02-28T15:00:00.000Z\"]"
'

test_expect_success 'preview: an hourly job across both daylight saving changes runs once per instant' '
	new_job HR "$(with ".kind = \"cron\" | .schedule = {cron: \"30 * * * *\", timezone: \"America/New_York\"}")" &&
	preview "$HR" "?from=2030-03-10T06:00:00Z&count=3" && expect_status 200 &&
	check ".items == [\"2030-03-10T06:30:00.000Z\",\"2030-03-10T07:30:00.000Z\",\"2030-03-10T08:30:00.000Z\"]" &&
	preview "$HR" "?from=2030-11-03T04:00:00Z&count=4" && expect_status 200 &&
	check ".items == [\"2030-11-03T04:30:00.000Z\",\"2030-11-03T05:30:00.000Z\",\"2030-11-03T07:30:00.000Z\",\"2030-11-03T08:30:00.000Z\"]"
'

# --- roles ----------------------------------------------------------------

test_expect_success 'a member reads jobs (list, get, preview) but every write is 403 insufficient_role' '
	http GET /v1/jobs -H "$(bearer "$M_TOKEN")" && expect_status 200 &&
	check "[.items[].id] | index(\"$REC\") != null" &&
	get_job "$REC" "$M_TOKEN" &&
	preview "$REC" "" "$M_TOKEN" && expect_status 200 &&
	post_job "$BASE" "$M_TOKEN" && expect_error insufficient_role 403 &&
	post_job "{\"name\":\"\"}" "$M_TOKEN" && expect_error insufficient_role 403 &&
	patch "$REC" "{\"name\":\"m\"}" "$M_TOKEN" && expect_error insufficient_role 403 &&
	for a in pause resume activate run-now; do
		op "$REC" $a "$M_TOKEN" && expect_error insufficient_role 403 || return 1
	done &&
	http DELETE "/v1/jobs/$REC" -H "$(bearer "$M_TOKEN")" && expect_error insufficient_role 403 &&
	json POST /v1/jobs/import -H "$(bearer "$M_TOKEN")" -d "{\"crontab\":\"0 * * * * x\",\"url\":\"$HOOK\"}" &&
	expect_error insufficient_role 403 &&
	get_job "$REC" && jq -S . body >got && jq -S . before.json >want && test_cmp want got
'

test_expect_success 'an admin can do every write' '
	new_job AJ "$(with ".name = \"by admin\"")" "$A_TOKEN" && check ".created_by == \"$A_ID\"" &&
	patch "$AJ" "{\"name\":\"admin renamed\"}" "$A_TOKEN" && expect_status 200 &&
	op "$AJ" pause "$A_TOKEN" && expect_status 200 &&
	op "$AJ" resume "$A_TOKEN" && expect_status 200 &&
	op "$AJ" run-now "$A_TOKEN" && expect_status 202 &&
	preview "$AJ" "" "$A_TOKEN" && expect_status 200 &&
	http DELETE "/v1/jobs/$AJ" -H "$(bearer "$A_TOKEN")" && expect_status 204 &&
	patch "$REC" "{\"description\":\"seen by admin\"}" "$A_TOKEN" && expect_status 200
'

test_expect_success 'a pending user cannot create (403 email_not_verified) but can list' '
	post_job "$BASE" "$P_TOKEN" && expect_error email_not_verified 403 &&
	post_job "[]" "$P_TOKEN" && expect_error email_not_verified 403 &&
	http GET /v1/jobs -H "$(bearer "$P_TOKEN")" && expect_status 200 && check ".items == []"
'

test_expect_success 'the owner API token creates and lists jobs' '
	new_job TKJ "$(with ".name = \"by token\"")" "$O_PAT" &&
	check ".created_by == \"$O_ID\"" &&
	http GET /v1/jobs -H "$(bearer "$O_PAT")" && expect_status 200 &&
	check ".items[0].id == \"$TKJ\"" &&
	op "$TKJ" pause "$O_PAT" && expect_status 200
'

test_expect_success 'a restricted workspace: writes 403 workspace_restricted, reads 200' '
	cron-admin workspace restrict "$W" --reason "Payment failed" &&
	post_job "$BASE" && expect_error workspace_restricted 403 &&
	post_job "$BASE" "$O_PAT" && expect_error workspace_restricted 403 &&
	post_job "$BASE" "$M_TOKEN" && expect_error insufficient_role 403 &&
	patch "$REC" "{\"name\":\"x\"}" && expect_error workspace_restricted 403 &&
	for a in pause resume activate run-now; do
		op "$REC" $a && expect_error workspace_restricted 403 || return 1
	done &&
	http DELETE "/v1/jobs/$REC" -H "$(bearer "$O_TOKEN")" && expect_error workspace_restricted 403 &&
	json POST /v1/jobs/import -H "$(bearer "$O_TOKEN")" -d "{\"crontab\":\"0 * * * * x\",\"url\":\"$HOOK\"}" &&
	expect_error workspace_restricted 403 &&
	http GET /v1/jobs -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	get_job "$REC" && preview "$REC" "" && expect_status 200 &&
	cron-admin workspace unrestrict "$W" &&
	post_job "$BASE" && expect_status 201
'

test_expect_success 'the API log names the jobs but holds no request secrets' '
	test_grep "job $REC created" "$API_LOG" &&
	test_grep -v "secret://api-key" "$API_LOG"
'

test_done
