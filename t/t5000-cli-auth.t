#!/usr/bin/env bash
test_description='cronctl (SPEC 11): help, usage errors, login, whoami, logout, workspaces, the config file and its overrides, TLS, exit statuses'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"
. "$TEST_SRCDIR/t/lib-cli.sh"

DOWN=http://127.0.0.1:1		# nothing listens there

test_expect_success 'start the stack: owner O, another user X; cronctl is the built one' '
	stack_up &&
	stack_user O owner@example.com && W=$O_WS &&
	stack_user X other@example.com &&
	test "$(command -v cronctl)" = "$TEST_BUILDDIR/cronctl"
'

test_expect_success 'cronctl --help lists every command; COMMAND --help describes its flags' '
	ctl_ok --help &&
	for c in "login " "logout " "whoami " "workspaces list " "workspaces switch ID " \
		"jobs list " "jobs get ID " "jobs create " "jobs update ID " "jobs delete ID " \
		"jobs pause ID " "jobs resume ID " "jobs run ID " "jobs preview ID " "jobs import FILE " \
		"executions list " "executions get ID " "executions replay ID " \
		"secrets list " "secrets create " "secrets delete ID " \
		"tokens list " "tokens create " "tokens revoke ID " \
		"channels list " "channels create " "channels delete ID " "channels test ID " \
		"rules list JOB " "rules add JOB " "rules delete JOB RULE " \
		"members list " "members invite EMAIL " "members remove USER " "members role USER ROLE "
	do
		grep -q "^  $c " out || { echo >&2 "no \"$c\" in --help"; return 1; }
	done &&
	grep -q "^Exit status: 0 success, 1 API error, 2 usage error, 3 network error.$" out &&
	ctl_ok jobs create --help &&
	head -n 1 out >line && echo "usage: cronctl jobs create [options]" >expect && test_cmp expect line &&
	for f in "-f, --file FILE" "--name NAME" "--url URL" "--kind KIND" "--every MINUTES" \
		"--cron EXPR" "--tz ZONE" "--run-at TIME" "--method METHOD" "-H, --header" \
		"--body TEXT" "--timeout SECONDS" "--max-attempts N" "--api-url URL" "--token TOKEN" \
		"--json" "-k, --insecure"
	do
		grep -q -e "^  *$f " out || { echo >&2 "no \"$f\" in jobs create --help"; return 1; }
	done &&
	ctl_ok login --help &&
	grep -q "^  -e, --email EMAIL " out && grep -q "^  -p, --password PASSWORD " out &&
	grep -q "^      --password-stdin " out &&
	ctl_ok executions list --help &&
	grep -q "^      --job ID " out && grep -q "^      --status STATUS " out
'

# usage CMDLINE EXPECTED-STDERR: exit 2, nothing on stdout.  The API URL
# is a closed port, so a command that tried to send anything would exit 3.
usage() {
	local cmdline=$1
	shift
	eval "ctl_expect 2 --api-url $DOWN $cmdline" && test_must_be_empty out && err_is "$@"
}

test_expect_success 'usage errors exit 2 and send nothing: commands and arguments' '
	ctl_expect 2 && err_is "cronctl: no command given (see '\''cronctl --help'\'')" &&
	usage "frobnicate" "cronctl: unknown command '\''frobnicate'\'' (see '\''cronctl --help'\'')" &&
	usage "jobs frob" "cronctl: unknown command '\''jobs frob'\'' (see '\''cronctl --help'\'')" &&
	usage "jobs" "cronctl: '\''jobs'\'' needs a command (see '\''cronctl --help'\'')" &&
	usage "jobs get" "cronctl: '\''jobs get'\'' needs ID (see '\''cronctl jobs get --help'\'')" &&
	usage "rules delete J1" "cronctl: '\''rules delete'\'' needs JOB RULE (see '\''cronctl rules delete --help'\'')" &&
	usage "jobs get a b" "cronctl: unexpected argument '\''b'\'' (see '\''cronctl jobs get --help'\'')" &&
	usage "whoami extra" "cronctl: unexpected argument '\''extra'\'' (see '\''cronctl whoami --help'\'')"
'

test_expect_success 'usage errors exit 2 and send nothing: options and required flags' '
	usage "whoami --frob" "cronctl: unknown option --frob (see '\''cronctl whoami --help'\'')" &&
	usage "whoami -z" "cronctl: unknown option -z (see '\''cronctl whoami --help'\'')" &&
	usage "whoami --email x" "cronctl: unknown option --email (see '\''cronctl whoami --help'\'')" &&
	usage "whoami --json=yes" "cronctl: --json takes no value (see '\''cronctl whoami --help'\'')" &&
	usage "jobs list --limit" "cronctl: --limit needs a value (N) (see '\''cronctl jobs list --help'\'')" &&
	usage "secrets create --value v" "cronctl: --name is required (see '\''cronctl secrets create --help'\'')" &&
	usage "tokens create" "cronctl: --name is required (see '\''cronctl tokens create --help'\'')" &&
	usage "rules add J1" "cronctl: --channel is required (see '\''cronctl rules add --help'\'')" &&
	usage "jobs import crontab.txt" "cronctl: --url is required (the URL the jobs call) (see '\''cronctl jobs import --help'\'')" &&
	usage "jobs create --name x" "cronctl: give -f FILE or the job'\''s flags (at least --url) (see '\''cronctl jobs create --help'\'')" &&
	usage "workspaces create" "cronctl: --name is required (see '\''cronctl workspaces create --help'\'')"
'

test_expect_success 'usage errors exit 2 and send nothing: a bad --limit, a bad API URL' '
	for l in 0 201 -1 ten 5x ""; do
		usage "jobs list --limit \"$l\"" "cronctl: --limit must be a whole number from 1 to 200 (see '\''cronctl jobs list --help'\'')" ||
		return 1
	done &&
	usage "secrets list --limit=999" "cronctl: --limit must be a whole number from 1 to 200 (see '\''cronctl secrets list --help'\'')" &&
	usage "executions list --limit 0" "cronctl: --limit must be a whole number from 1 to 200 (see '\''cronctl executions list --help'\'')" &&
	ctl_expect 2 --api-url ftp://example.com whoami &&
	err_is "cronctl: the API URL (from --api-url) must start with https:// or http:// (see '\''cronctl whoami --help'\'')"
'

test_expect_success 'no token: the API says unauthorized (exit 1) and cronctl says how to log in' '
	ctl_expect 1 --api-url "$BASE_URL" whoami && api_error_is unauthorized &&
	grep -q "^  log in with '\''cronctl login'\'' or set CRON_TOKEN$" err &&
	test_path_is_missing "$HOME/.cronctl"
'

test_expect_success 'login -e -p: saves the API URL and the token (never the password) in a 0600 file in a 0700 directory' '
	(umask 0 && ctl_ok --api-url "$BASE_URL/v1/" login -e owner@example.com -p "$PASSWORD") &&
	out_is "Logged in to $BASE_URL as O <owner@example.com>, workspace O space ($W)" &&
	test "$(stat -c %a "$HOME/.cronctl")" = 700 &&
	test "$(stat -c %a "$CONF")" = 600 &&
	test "$(ls -A "$HOME/.cronctl")" = config.json &&
	jq -e --arg u "$BASE_URL" "keys == [\"api_url\", \"token\"] and .api_url == \$u" "$CONF" &&
	test_grep -v "$PASSWORD" "$CONF" &&
	http GET /v1/me -H "$(bearer "$(saved token)")" && expect_status 200 &&
	jq -e --arg u "$O_ID" --arg w "$W" ".user.id == \$u and .workspace.id == \$w" body
'

test_expect_success 'whoami: the user, workspace and role, from the saved settings' '
	ctl_ok whoami &&
	{
		printf "%-14s%s\n" API "$BASE_URL" "User" "O <owner@example.com> ($O_ID)" \
			"Trust level" verified "Workspace" "O space ($W)" "Time zone" UTC \
			Role owner Credential session
	} >expect &&
	test_cmp expect out
'

test_expect_success 'whoami --json prints exactly what GET /v1/me answers' '
	ctl_ok whoami --json &&
	http GET /v1/me -H "$(bearer "$(saved token)")" && expect_status 200 &&
	{ cat body && echo; } >expect && test_cmp expect out &&
	jq -e ".role == \"owner\" and .user.email == \"owner@example.com\"" out
'

test_expect_success 'a wrong password is invalid_credentials (exit 1); the saved token is kept' '
	cp "$CONF" before &&
	ctl_expect 1 login -e owner@example.com -p wrong-password-1 && api_error_is invalid_credentials &&
	ctl_expect 1 login -e nobody@example.com -p "$PASSWORD" && api_error_is invalid_credentials &&
	test_cmp before "$CONF"
'

test_expect_success 'login --password-stdin reads the first line of stdin; a new token is saved' '
	old=$(saved token) &&
	printf "%s\nnot-this-line\n" "$PASSWORD" | ctl_ok login -e owner@example.com --password-stdin &&
	out_is "Logged in to $BASE_URL as O <owner@example.com>, workspace O space ($W)" &&
	test "$(saved token)" != "$old" &&
	test_grep -v "$PASSWORD" "$CONF" &&
	ctl_ok whoami && grep -q "^User          O <owner@example.com>" out
'

test_expect_success 'login without a password on a terminal exits 2 and saves nothing' '
	cp "$CONF" before &&
	ctl_expect 2 login -e owner@example.com </dev/null && test_must_be_empty out &&
	err_is "cronctl: no password: give -p, --password-stdin, or run on a terminal (see '\''cronctl login --help'\'')" &&
	ctl_expect 2 login -p "$PASSWORD" </dev/null &&
	err_is "cronctl: no email: give -e EMAIL (see '\''cronctl login --help'\'')" &&
	ctl_expect 2 login -e owner@example.com --password-stdin </dev/null &&
	err_is "cronctl: --password-stdin: no password on stdin (see '\''cronctl login --help'\'')" &&
	echo "$PASSWORD" | ctl_expect 2 login -e owner@example.com -p "$PASSWORD" --password-stdin &&
	err_is "cronctl: give -p or --password-stdin, not both (see '\''cronctl login --help'\'')" &&
	test_cmp before "$CONF"
'

test_expect_success 'a config file readable by others gets a warning; login writes it back 0600' '
	chmod 644 "$CONF" &&
	ctl_expect 0 whoami && grep -q "^Role          owner$" out &&
	err_is "cronctl: warning: $CONF is readable by others (mode 0644); run chmod 600 $CONF" &&
	chmod 640 "$CONF" &&
	ctl_expect 0 whoami &&
	err_is "cronctl: warning: $CONF is readable by others (mode 0640); run chmod 600 $CONF" &&
	ctl_expect 0 login -e owner@example.com -p "$PASSWORD" &&
	test "$(stat -c %a "$CONF")" = 600 &&
	ctl_ok whoami
'

test_expect_success 'a config file that is not JSON is ignored with a warning' '
	cp "$CONF" good &&
	echo "api_url = $BASE_URL" >"$CONF" &&
	ctl_expect 1 --api-url "$BASE_URL" whoami && test_must_be_empty out &&
	head -n 1 err >line && echo "cronctl: warning: $CONF is not a JSON object; ignoring it" >expect &&
	test_cmp expect line && sed -n 2p err | grep -q "^cronctl: unauthorized: " &&
	cp good "$CONF"
'

# conf_set KEY VALUE: changes the config file in place (keeping its mode).
conf_set() {
	jq --arg k "$1" --arg v "$2" ".[\$k] = \$v" "$CONF" >conf.tmp && cat conf.tmp >"$CONF"
}

test_expect_success 'the API URL: CRON_API_URL overrides the file, --api-url overrides both' '
	conf_set api_url "$DOWN" &&
	ctl_expect 3 whoami && test_must_be_empty out &&
	grep -q "^cronctl: cannot reach $DOWN (from ~/.cronctl/config.json): " err &&
	CRON_API_URL=$BASE_URL ctl_ok whoami && grep -q "^API           $BASE_URL$" out &&
	CRON_API_URL=http://127.0.0.1:2 ctl_expect 3 whoami &&
	grep -q "^cronctl: cannot reach http://127.0.0.1:2 (from CRON_API_URL): " err &&
	CRON_API_URL=http://127.0.0.1:2 ctl_ok --api-url "$BASE_URL" whoami &&
	grep -q "^User          O <owner@example.com>" out &&
	CRON_API_URL= ctl_expect 3 whoami &&
	grep -q "(from ~/.cronctl/config.json)" err &&
	conf_set api_url "$BASE_URL" && ctl_ok whoami
'

test_expect_success 'the token: CRON_TOKEN overrides the file, --token overrides both' '
	CRON_TOKEN=$X_TOKEN ctl_ok whoami && grep -q "^User          X <other@example.com> ($X_ID)$" out &&
	CRON_TOKEN=$X_TOKEN ctl_ok --token "$O_TOKEN" whoami &&
	grep -q "^User          O <owner@example.com> ($O_ID)$" out &&
	CRON_TOKEN=not-a-token ctl_expect 1 whoami && api_error_is unauthorized &&
	test_grep -v "log in with" err &&
	CRON_TOKEN= ctl_ok whoami && grep -q "^User          O <owner@example.com>" out &&
	ctl_expect 1 --token not-a-token whoami && api_error_is unauthorized
'

test_expect_success 'login while CRON_TOKEN is set: saves the new token, warns that the environment wins' '
	CRON_TOKEN=$X_TOKEN ctl_expect 0 login -e owner@example.com -p "$PASSWORD" &&
	err_is "cronctl: warning: CRON_TOKEN is set and overrides the saved token" &&
	http GET /v1/me -H "$(bearer "$(saved token)")" && expect_status 200 &&
	jq -e --arg u "$O_ID" ".user.id == \$u" body
'

test_expect_success 'the seed lines over HTTPS (CRON_API_URL, CRON_CA_CERT): login, whoami, secrets list/create/delete' '
	test_when_finished "unset CRON_API_URL CRON_CA_CERT" &&
	export CRON_API_URL=$TLS_URL CRON_CA_CERT=$CA_CERT &&
	cronctl login -e owner@example.com -p correct-horse-battery >out 2>err &&
	test_must_be_empty err &&
	out_is "Logged in to $TLS_URL as O <owner@example.com>, workspace O space ($W)" &&
	test "$(saved api_url)" = "$TLS_URL" &&
	test "$(saved ca_cert)" = "$(realpath "$CA_CERT")" &&
	cronctl whoami >out 2>err && test_must_be_empty err &&
	grep -q "^API           $TLS_URL$" out && grep -q "^Role          owner$" out &&
	cronctl secrets list >out 2>err && test_must_be_empty err &&
	out_is "ID  NAME  KEY  CREATED" &&
	cronctl secrets create --name api-key --value "sk_live_..." >out 2>err &&
	test_must_be_empty err &&
	SID=$(sed -n "s/^Created secret api-key (\(c[0-9a-z]\{24\}\)); use it in a header as secret:\/\/api-key$/\1/p" out) &&
	test -n "$SID" &&
	cronctl secrets list >out 2>err && test_must_be_empty err &&
	test "$(wc -l <out)" = 2 && test_grep -v sk_live_ out &&
	test "$(words "$(row_of "$SID")" | cut -d" " -f1-3)" = "$SID api-key v1" &&
	cronctl secrets delete "$SID" >out 2>err && test_must_be_empty err &&
	out_is "Deleted secret $SID" &&
	cronctl secrets list >out && out_is "ID  NAME  KEY  CREATED"
'

test_expect_success 'HTTPS without the CA: the certificate is not trusted (exit 3); --insecure works and warns' '
	jq "del(.ca_cert)" "$HOME/.cronctl/config.json" >conf.tmp &&
	cat conf.tmp >"$HOME/.cronctl/config.json" &&
	CRON_API_URL=$TLS_URL ctl_expect 3 whoami && test_must_be_empty out &&
	grep -q "^cronctl: cannot reach $TLS_URL (from CRON_API_URL): .*certificate" err &&
	CRON_API_URL=$TLS_URL ctl_expect 0 --insecure whoami &&
	grep -q "^Role          owner$" out &&
	err_is "cronctl: warning: --insecure: the server'\''s TLS certificate is not verified; anyone on the path can read your token" &&
	CRON_API_URL=$TLS_URL ctl_expect 0 whoami -k && grep -q "^Role          owner$" out &&
	CRON_API_URL=$TLS_URL ctl_ok --cacert "$CA_CERT" whoami
'

test_expect_success 'login --cacert saves the CA in the config file; later commands trust it' '
	ctl_ok --api-url "$TLS_URL" --cacert "$CA_CERT" login -e owner@example.com -p "$PASSWORD" &&
	test "$(saved ca_cert)" = "$CA_CERT" && test "$(saved api_url)" = "$TLS_URL" &&
	ctl_ok whoami && grep -q "^API           $TLS_URL$" out &&
	ctl_ok --api-url "$BASE_URL" login -e owner@example.com -p "$PASSWORD" &&
	test "$(saved api_url)" = "$BASE_URL"
'

# the workspaces table for the saved token, the current one (W) marked
ws_table() {
	http GET /v1/workspaces -H "$(bearer "$(saved token)")" && expect_status 200 &&
	jq -r --arg w "$1" ".items[] | [(if .workspace.id == \$w then \"*\" else \" \" end),
		.workspace.id, .workspace.name, .role] | @tsv" body |
	awk -F"\t" "BEGIN { printf \"%-1s  %-25s  %-7s  %s\n\", \"\", \"ID\", \"NAME\", \"ROLE\" }
		{ printf \"%s  %s  %-7s  %s\n\", \$1, \$2, \$3, \$4 }" >expect
}

test_expect_success 'workspaces create: a second workspace the user owns' '
	ctl_ok workspaces create --name Second --tz Europe/Paris &&
	W2=$(sed -n "s/^Created workspace Second (\(c[0-9a-z]\{24\}\)); use it with .cronctl workspaces switch \1.$/\1/p" out) &&
	test -n "$W2" &&
	test "$(stack_sql "SELECT role FROM memberships WHERE workspace_id = \"$W2\" AND user_id = \"$O_ID\"")" = owner
'

test_expect_success 'workspaces list: every workspace, the current one marked' '
	ctl_ok workspaces list &&
	ws_table "$W" && test "$(grep -c "" expect)" = 3 && test_cmp expect out &&
	grep -q "^\*  $W  O space  owner$" out &&
	ctl_ok workspaces list --json && same_as_api /v1/workspaces
'

test_expect_success 'workspaces switch ID: the new token is saved; whoami shows the workspace' '
	old=$(saved token) &&
	ctl_ok workspaces switch "$W2" &&
	out_is "Switched to workspace Second ($W2) as owner" &&
	test "$(saved token)" != "$old" && test "$(saved api_url)" = "$BASE_URL" &&
	test "$(stat -c %a "$CONF")" = 600 &&
	ctl_ok whoami &&
	grep -q "^Workspace     Second ($W2)$" out && grep -q "^Time zone     Europe/Paris$" out &&
	ctl_ok workspaces list && ws_table "$W2" && test_cmp expect out &&
	grep -q "^\*  $W2  Second   owner$" out
'

test_expect_success 'workspaces switch to a workspace one is not a member of: not_found, nothing saved' '
	cp "$CONF" before &&
	ctl_expect 1 workspaces switch "$X_WS" && api_error_is not_found &&
	test_cmp before "$CONF" &&
	ctl_ok workspaces switch "$W" && ctl_ok whoami && grep -q "^Workspace     O space ($W)$" out
'

test_expect_success 'an API error: its code and message on stderr, exit 1; with --json the envelope on stdout' '
	http GET /v1/jobs/c000000000000000000000zzz -H "$(bearer "$(saved token)")" &&
	expect_error not_found 404 &&
	ctl_expect 1 jobs get c000000000000000000000zzz && test_must_be_empty out &&
	err_is "cronctl: not_found: $(jq -r .error.message body)" &&
	ctl_expect 1 jobs get c000000000000000000000zzz --json &&
	jq -S . body >api.json && jq -S . out >cli.json && test_cmp api.json cli.json
'

test_expect_success 'a validation error names each bad field on stderr' '
	ctl_expect 1 workspaces create --name "" --tz Nowhere/City &&
	api_error_is validation_error &&
	grep -q "^  name: ." err && grep -q "^  timezone: ." err && test "$(wc -l <err)" = 3
'

test_expect_success 'logout removes the token (and keeps the URL); then requests are unauthorized' '
	ctl_ok logout && out_is "Logged out: token removed from $CONF" &&
	jq -e --arg u "$BASE_URL" "has(\"token\") == false and .api_url == \$u" "$CONF" &&
	test "$(stat -c %a "$CONF")" = 600 &&
	ctl_expect 1 whoami && api_error_is unauthorized &&
	grep -q "^  log in with '\''cronctl login'\'' or set CRON_TOKEN$" err &&
	ctl_ok logout && out_is "Not logged in"
'

test_expect_success 'the server down: a closed port exits 3' '
	ctl_expect 3 --api-url "$DOWN" --token "$O_TOKEN" whoami && test_must_be_empty out &&
	grep -q "^cronctl: cannot reach $DOWN (from --api-url): " err &&
	ctl_expect 3 --api-url "$DOWN" --token "$O_TOKEN" --json whoami && test_must_be_empty out
'

test_expect_success 'a proxy answering a bare 502 (no API behind it) exits 3' '
	target_start proxy &&
	P="$(target_url proxy)/status/502?to=" &&
	ctl_expect 3 --api-url "$P" --token "$O_TOKEN" whoami && test_must_be_empty out &&
	err_is "cronctl: $P answered HTTP 502 without an API error (is cron-api running?)" &&
	ctl_expect 1 --api-url "$(target_url proxy)/status/404?to=" --token "$O_TOKEN" whoami &&
	grep -q "answered HTTP 404 without an API error$" err
'

test_expect_success 'nginx up, cron-api stopped: the 503 service_unavailable exits 3' '
	stack_api_stop &&
	http GET /v1/me -H "$(bearer "$O_TOKEN")" && expect_error service_unavailable 503 &&
	ctl_expect 3 --api-url "$BASE_URL" --token "$O_TOKEN" whoami && test_must_be_empty out &&
	err_is "cronctl: service_unavailable: $(jq -r .error.message body)" &&
	ctl_expect 3 --api-url "$BASE_URL" --token "$O_TOKEN" secrets create --name n --value v &&
	api_error_is service_unavailable
'

test_expect_success 'credentials over plain http to another host warn; loopback does not; --version' '
	ctl_expect 3 --api-url http://192.0.2.1:9 --token x whoami &&
	grep -q "^cronctl: warning: http://192.0.2.1:9 is not https: your token or password travels in clear text$" err &&
	ctl_expect 3 --api-url http://127.0.0.1:9 --token x whoami &&
	test_grep -v "not https" err &&
	ctl_ok --version && out_is "cronctl $(sed -n "s/^AC_INIT(\[cron-platform\], \[\([^]]*\)\].*/\1/p" "$TEST_SRCDIR/configure.ac")"
'

test_done
