# shellcheck shell=bash
# Helpers shared by the cronctl scripts (t5xxx), sourced after lib-stack.sh.
# cronctl is the one in the build tree (test-lib.sh puts it first on PATH);
# HOME is private to the script, so ~/.cronctl/config.json is too, and no
# setting comes from the caller's environment.

unset CRON_API_URL CRON_TOKEN CRON_CA_CERT
HOME=$TRASH_DIRECTORY/home
export HOME
mkdir -p "$HOME"
CONF=$HOME/.cronctl/config.json
PASSWORD=correct-horse-battery		# stack_user's

# cli_safe_conf: a config file whose API URL is a closed port, so that if
# the login that follows fails, later commands fail (exit 3) instead of
# going to the built-in default URL.
cli_safe_conf() {
	mkdir -p -m 700 "$HOME/.cronctl" &&
	(umask 077 && echo "{\"api_url\": \"http://127.0.0.1:1\"}" >"$CONF")
}

# ctl_expect CODE ARGS...: cronctl ARGS must exit with CODE; its stdout is
# in ./out and its stderr in ./err (both shown when the status is wrong).
ctl_expect() {
	local want=$1 rc
	shift
	cronctl "$@" >out 2>err
	rc=$?
	test "$rc" = "$want" && return 0
	echo >&2 "cronctl $*: expected exit $want, got $rc"
	echo >&2 "--- stdout:"
	cat >&2 out
	echo >&2 "--- stderr:"
	cat >&2 err
	return 1
}

# ctl_ok ARGS...: cronctl ARGS must succeed and print nothing on stderr.
ctl_ok() { ctl_expect 0 "$@" && test_must_be_empty err; }

test_must_be_empty() {
	test -s "$1" || return 0
	echo >&2 "$1 is not empty:"
	cat >&2 "$1"
	return 1
}

test_path_is_missing() {
	test ! -e "$1" && return 0
	echo >&2 "$1 exists"
	return 1
}

# err_is LINE...: ./err is exactly these lines.
err_is() { printf '%s\n' "$@" >expect.err && test_cmp expect.err err; }

# out_is LINE...: ./out is exactly these lines.
out_is() { printf '%s\n' "$@" >expect.out && test_cmp expect.out out; }

# api_error_is CODE: cronctl failed with the API's error CODE: stderr starts
# with "cronctl: CODE: MESSAGE" and stdout is empty.
api_error_is() {
	head -n 1 err | grep -q "^cronctl: $1: ." && test_must_be_empty out && return 0
	echo >&2 "expected the API error $1 on stderr:"
	cat >&2 err out
	return 1
}

# saved KEY: KEY of the config file ("" when absent).
saved() { jq -r --arg k "$1" '.[$k] // ""' "$CONF"; }

# same_as_api PATH [TOKEN]: ./out (cronctl --json) is the JSON that GET PATH
# answers (with the saved token by default).
same_as_api() {
	http GET "$1" -H "$(bearer "${2:-$(saved token)}")" && expect_status 200 &&
	jq -S . body >api.json && jq -S . out >cli.json && test_cmp api.json cli.json
}

# row_of ID: the line of the table in ./out whose first column is ID.
row_of() { awk -v id="$1" '$1 == id' out; }

# words LINE: LINE with runs of blanks squeezed to one space.
words() { printf '%s\n' "$1" | tr -s ' '; }
