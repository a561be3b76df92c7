# shellcheck shell=bash
# Helpers shared by the jobs scripts (t27xx), sourced after lib-stack.sh.

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
