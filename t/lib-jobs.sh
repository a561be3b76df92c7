# shellcheck shell=bash
# Helpers shared by the jobs scripts (t27xx) and the scheduler scripts
# (t4xxx), sourced after lib-stack.sh.

HOOK=https://example.com/hook
BASE='{"name":"n","kind":"recurring","schedule":{"every_n_minutes":5},"request":{"url":"https://example.com/hook"}}'
# jq: ms turns an ISO 8601 time with milliseconds into epoch milliseconds.
JQ_DEFS='def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber);'

# with FILTER: the valid job BASE changed by the jq FILTER.
with() { jq -cn --argjson b "$BASE" "\$b | $1"; }

# check FILTER [JQ ARGS]: FILTER (which may use ms) must be true of ./body.
check() {
	local f=$1
	shift
	jq -e "$JQ_DEFS $f" "$@" body >/dev/null && return 0
	echo >&2 "check failed: $f"
	cat >&2 body
	echo >&2
	return 1
}

# fields_are FIELD...: the answer is a 422 naming exactly these fields.
fields_are() {
	local want
	want=$(printf '%s\n' "$@" | jq -R . | jq -sc sort)
	expect_error validation_error 422 &&
	check '(.error.details.fields | keys) == $w' --argjson w "$want"
}

# njobs [WORKSPACE]: how many jobs WORKSPACE (default $W) has.
njobs() { stack_sql "SELECT COUNT(*) FROM jobs WHERE workspace_id = '${1:-$W}'"; }

# jobs_team: owner O (workspace W), member M and admin A of W, X with a
# workspace of its own, and P whose email is not verified.
jobs_team() {
	stack_user O owner@example.com && W=$O_WS &&
	stack_user M member@example.com && stack_join M "$W" member &&
	stack_user A admin@example.com && stack_join A "$W" admin &&
	stack_user X other@example.com &&
	stack_user P pending@example.com pending
}

# --- the scheduler scripts: a local HTTP target, run-now, outcomes ---

# target_start NAME [ARGS]: t/helper/http-target logging every request it
# receives to NAME.log (one JSON line each), stopped when the script ends;
# ARGS go to it (-p PORT).
target_start() {
	"$TEST_BUILDDIR/t/helper/http-target" -l "$TRASH_DIRECTORY/$1.log" \
		-r "$TRASH_DIRECTORY/$1.port" "${@:2}" </dev/null \
		>"$TRASH_DIRECTORY/$1.out" 2>&1 &
	test_atexit "kill $! 2>/dev/null"
	test_wait_for 10 test -s "$TRASH_DIRECTORY/$1.port"
}

# target_url NAME: the base URL of target NAME.
target_url() { echo "http://127.0.0.1:$(cat "$TRASH_DIRECTORY/$1.port")"; }

# job VAR URL [JQ FILTER]: a draft recurring job calling URL (so only
# run-now runs it); its id goes to VAR.
job() {
	with ".state = \"draft\" | .request.url = \"$2\" | ${3:-.}" >req.json &&
	json POST /v1/jobs -H "$(bearer "$O_TOKEN")" --data-binary @req.json &&
	expect_status 201 || return 1
	eval "$1=\$(jq -r .id body)"
}

# run JOB: run-now; the execution id goes to EXEC.
run() {
	http POST "/v1/jobs/$1/run-now" -H "$(bearer "$O_TOKEN")" &&
	expect_status 202 && EXEC=$(jq -r .id body)
}

status_of() { stack_sql "SELECT status FROM executions WHERE id = '$1'"; }
finished() { case $(status_of "$1") in succeeded|failed) return 0 ;; esac; return 1; }

# done_as EXEC STATUS: wait for the execution to finish, with STATUS.
done_as() {
	test_wait_for 30 finished "$1" &&
	test "$(status_of "$1")" = "$2" &&
	http GET "/v1/executions/$1" -H "$(bearer "$O_TOKEN")" && expect_status 200
}

# seen PATH [NAME]: the log lines of target NAME (default: target) for
# requests to PATH.
seen() { jq -c --arg p "$1" 'select(.path == $p)' "$TRASH_DIRECTORY/${2:-target}.log"; }
