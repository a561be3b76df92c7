#!/usr/bin/env bash
test_description='notifications API (SPEC 8): channels (create, list, get, PATCH, delete, test), rules, deliveries in GET /v1/executions/:id; credentials sealed, never shown'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# Literal private addresses are refused first; the API is restarted with
# allow_private_targets = 1 near the end.
STACK_ALLOW_PRIVATE=0

. "$TEST_SRCDIR/t/lib-jobs.sh"

# The credentials: none may ever appear in a response, a log or the
# database in clear.
WHSEC=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
WHSEC2=whsec_$(openssl rand -base64 48)
SLACK_TOK=slackTOKENa1b2c3d4e5f6
SLACK_URL=https://hooks.slack.com/services/T0001/B0001/$SLACK_TOK
SLACK_TOK2=slackTOKENnew9z8y7x6w5
DISCORD_TOK=discordTOKENq1w2e3r4t5y6
DISCORD_URL=https://discord.com/api/webhooks/1234567890/$DISCORD_TOK
BOT_TOKEN=123456789:AAF1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW
SECRETS="$WHSEC $WHSEC2 $SLACK_TOK $SLACK_TOK2 $DISCORD_TOK ${BOT_TOKEN#*:}"

# Every response body is kept, to look for credentials at the end.
eval "stack_$(declare -f http)"
http() {
	stack_http "$@"
	local rc=$?
	{ cat body; echo; } >>"$TRASH_DIRECTORY/responses" 2>/dev/null
	return $rc
}

# chan NAME TYPE CONFIG: a create body.
chan() {
	jq -cn --arg n "$1" --arg t "$2" --argjson c "$3" \
		'{name: $n, type: $t, config: $c}'
}

# post_channel JSON [TOKEN]
post_channel() {
	printf '%s' "$1" >req.json &&
	json POST /v1/notification-channels -H "$(bearer "${2:-$O_TOKEN}")" \
		--data-binary @req.json
}

# new_channel VAR JSON [TOKEN]: creates a channel (201); its id goes to VAR.
new_channel() {
	post_channel "$2" "$3" && expect_status 201 || return 1
	eval "$1=\$(jq -r .id body)"
}

# bad_channel JSON FIELD...: refused (422) naming exactly FIELD....
bad_channel() {
	local j=$1
	shift
	post_channel "$j" && fields_are "$@"
}

# patch_channel ID JSON [TOKEN]
patch_channel() {
	printf '%s' "$2" >req.json &&
	json PATCH "/v1/notification-channels/$1" -H "$(bearer "${3:-$O_TOKEN}")" \
		--data-binary @req.json
}

# get_channel ID [TOKEN]
get_channel() {
	http GET "/v1/notification-channels/$1" -H "$(bearer "${2:-$O_TOKEN}")"
}

# post_rule JOB JSON [TOKEN]
post_rule() {
	printf '%s' "$2" >req.json &&
	json POST "/v1/jobs/$1/notification-rules" -H "$(bearer "${3:-$O_TOKEN}")" \
		--data-binary @req.json
}

# rule CHANNEL EVENT: a rule body.
rule() { jq -cn --arg c "$1" --arg e "$2" '{channel_id: $c, event: $e}'; }

# creds ID: the sealed credentials of channel ID in hex ("NULL" if none).
creds() {
	stack_sql "SELECT IFNULL(HEX(credentials), 'NULL') FROM notification_channels WHERE id = '$1'"
}

# key_version ID
key_version() {
	stack_sql "SELECT IFNULL(key_version, 'NULL') FROM notification_channels WHERE id = '$1'"
}

# open_creds ID [AAD]: the credentials of channel ID opened with the
# keyring and the associated data "channel:<workspace>:<id>" (or AAD), as
# the scheduler opens them (python3-cryptography); fails if they do not.
open_creds() {
	stack_sql "SELECT workspace_id, id, key_version, HEX(credentials) FROM notification_channels WHERE id = '$1'" >row &&
	python3 - "$TRASH_DIRECTORY/keyring" "${2:-}" <<-\PY
	import base64, sys
	from cryptography.hazmat.primitives.ciphers.aead import AESGCM
	keys = {}
	for line in open(sys.argv[1]):
	    f = line.split()
	    if len(f) == 2 and f[0].startswith("v") and f[0][1:].isdigit():
	        keys[int(f[0][1:])] = base64.b64decode(f[1])
	wid, cid, ver, hexct = open("row").read().split()
	ct = bytes.fromhex(hexct)
	aad = (sys.argv[2] or "channel:%s:%s" % (wid, cid)).encode()
	print(AESGCM(keys[int(ver)]).decrypt(ct[:12], ct[12:], aad).decode())
	PY
}

test_expect_success 'start the stack: owner, member, admin, another workspace, a pending user' '
	stack_up && jobs_team &&
	json POST /v1/api-tokens -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"ci\"}" &&
	expect_status 201 && O_PAT=$(jq -r .token body)
'

# post_job JSON [TOKEN]: POST /v1/jobs.
post_job() {
	printf '%s' "$1" >req.json &&
	json POST /v1/jobs -H "$(bearer "${2:-$O_TOKEN}")" --data-binary @req.json
}

test_expect_success 'jobs to notify about: two in W, one in the other workspace' '
	post_job "$(with ".name = \"alpha\"")" && expect_status 201 && JA=$(jq -r .id body) &&
	post_job "$(with ".name = \"beta\"")" && expect_status 201 && JB=$(jq -r .id body) &&
	post_job "$(with ".name = \"xjob\"")" "$X_TOKEN" && expect_status 201 && JX=$(jq -r .id body)
'

# --- create ---------------------------------------------------------------

test_expect_success 'create a webhook channel: 201, the secret sealed, only secret_set shown' '
	new_channel CW "$(chan pager webhook "{\"url\":\"https://hooks.example.com/cron\",\"secret\":\"$WHSEC\"}")" &&
	check "(keys == [\"config\",\"created_at\",\"id\",\"name\",\"type\",\"updated_at\"])
		and (.id | test(\"^c[0-9a-z]{24}$\")) and .name == \"pager\" and .type == \"webhook\"
		and .config == {url: \"https://hooks.example.com/cron\", secret_set: true}
		and (.created_at | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$\"))
		and .updated_at == .created_at" &&
	test_grep -v "$WHSEC" body
'

test_expect_success 'the webhook secret is stored only sealed: key version, length, no plaintext' '
	test "$(key_version "$CW")" = 1 &&
	test "$(stack_sql "SELECT LENGTH(credentials) FROM notification_channels WHERE id = \"$CW\"")" = $(( ${#WHSEC} + 13 + 28 )) &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_channels WHERE INSTR(credentials, \"${WHSEC#whsec_}\") > 0 OR INSTR(config, \"${WHSEC#whsec_}\") > 0")" = 0 &&
	test "$(stack_sql "SELECT config FROM notification_channels WHERE id = \"$CW\"")" = "{\"url\":\"https://hooks.example.com/cron\"}"
'

if python3 -c "import cryptography" 2>/dev/null; then
test_expect_success 'the sealed credentials open with the keyring and "channel:<workspace>:<id>" only' '
	open_creds "$CW" >opened &&
	echo "{\"secret\":\"$WHSEC\"}" >want && test_cmp want opened &&
	test_must_fail open_creds "$CW" "channel:$X_WS:$CW" 2>/dev/null &&
	test_must_fail open_creds "$CW" "$W:$CW" 2>/dev/null
'
else
test_skip 'the sealed credentials open with the keyring' 'python3 cryptography not installed'
fi

test_expect_success 'create a webhook channel without a secret: secret_set false, no credentials' '
	new_channel CW2 "$(chan plain-hook webhook "{\"url\":\"https://hooks.example.com/plain\"}")" &&
	check ".config == {url: \"https://hooks.example.com/plain\", secret_set: false}" &&
	test "$(creds "$CW2")" = NULL && test "$(key_version "$CW2")" = NULL
'

test_expect_success 'create an email channel' '
	new_channel CE "$(chan ops-mail email "{\"email\":\"Ops@Example.com\"}")" &&
	check ".type == \"email\" and .config == {email: \"Ops@Example.com\"}" &&
	test "$(creds "$CE")" = NULL
'

test_expect_success 'create a slack channel with webhook_url: stored as url, sealed; defaults shown' '
	new_channel CS "$(chan ops-slack slack "{\"webhook_url\":\"$SLACK_URL\"}")" &&
	check ".type == \"slack\" and .config == {url_set: true, mention_text: null, include_output: false}" &&
	test_grep -v "$SLACK_TOK" body &&
	test "$(key_version "$CS")" = 1 &&
	test "$(stack_sql "SELECT LENGTH(credentials) FROM notification_channels WHERE id = \"$CS\"")" = $(( ${#SLACK_URL} + 10 + 28 )) &&
	test "$(stack_sql "SELECT config FROM notification_channels WHERE id = \"$CS\"")" = "{\"include_output\":false}" &&
	if python3 -c "import cryptography" 2>/dev/null; then
		open_creds "$CS" >opened && echo "{\"url\":\"$SLACK_URL\"}" >want && test_cmp want opened
	fi
'

test_expect_success 'create a slack channel with url, mention_text and include_output' '
	new_channel CS2 "$(chan dev-slack slack "{\"url\":\"$SLACK_URL\",\"mention_text\":\"<!here> look\",\"include_output\":true}")" &&
	check ".config == {url_set: true, mention_text: \"<!here> look\", include_output: true}"
'

test_expect_success 'create a discord channel: thread_id given as a number is kept as text' '
	new_channel CD "$(chan ops-discord discord "{\"url\":\"$DISCORD_URL\",\"thread_id\":987654321}")" &&
	check ".type == \"discord\" and .config == {url_set: true, thread_id: \"987654321\"}" &&
	test_grep -v "$DISCORD_TOK" body
'

test_expect_success 'create a telegram channel: chat_id number or @name, kept as text' '
	new_channel CT "$(chan ops-telegram telegram "{\"bot_token\":\"$BOT_TOKEN\",\"chat_id\":-1001234567890}")" &&
	check ".type == \"telegram\" and .config == {bot_token_set: true, chat_id: \"-1001234567890\"}" &&
	test_grep -v "${BOT_TOKEN#*:}" body &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_channels WHERE INSTR(credentials, \"${BOT_TOKEN#*:}\") > 0 OR INSTR(config, \"${BOT_TOKEN#*:}\") > 0")" = 0 &&
	new_channel CT2 "$(chan news-telegram telegram "{\"bot_token\":\"$BOT_TOKEN\",\"chat_id\":\"@news_channel\"}")" &&
	check ".config.chat_id == \"@news_channel\""
'

test_expect_success 'a duplicate name is 409 conflict (names compare without case)' '
	post_channel "$(chan pager email "{\"email\":\"a@example.com\"}")" &&
	expect_error conflict 409 &&
	post_channel "$(chan PAGER email "{\"email\":\"a@example.com\"}")" &&
	expect_error conflict 409 &&
	post_channel "$(chan pager email "{\"email\":\"a@example.com\"}")" "$X_TOKEN" &&
	expect_status 201
'

# --- validation -------------------------------------------------------------

test_expect_success 'validation: name, type and config are required, nothing else is accepted' '
	bad_channel "{}" name type config &&
	bad_channel "{\"name\":\"n\",\"type\":\"email\",\"config\":{\"email\":\"a@example.com\"},\"id\":\"x\"}" id &&
	bad_channel "[]" body &&
	bad_channel "$(chan "" email "{\"email\":\"a@example.com\"}")" name &&
	bad_channel "$(chan "$(printf "n%.0s" $(seq 101))" email "{\"email\":\"a@example.com\"}")" name &&
	post_channel "$(chan "$(printf "é%.0s" $(seq 100))" email "{\"email\":\"a@example.com\"}")" &&
	expect_status 201 &&
	bad_channel "$(chan "tab	name" email "{\"email\":\"a@example.com\"}")" name &&
	bad_channel "$(chan n sms "{}")" type &&
	check ".error.details.fields.type == \"must be one of webhook, email, slack, discord, telegram\"" &&
	bad_channel "{\"name\":\"n\",\"type\":\"email\",\"config\":\"a@example.com\"}" config
'

test_expect_success 'validation: unknown config keys are named' '
	bad_channel "$(chan n email "{\"email\":\"a@example.com\",\"cc\":\"b@example.com\",\"bcc\":1}")" config.cc config.bcc &&
	check ".error.details.fields[\"config.cc\"] == \"is not a known field\"" &&
	bad_channel "$(chan n webhook "{\"url\":\"https://e.example\",\"bot_token\":\"$BOT_TOKEN\"}")" config.bot_token
'

test_expect_success 'validation: webhook url and secret' '
	bad_channel "$(chan n webhook "{}")" config.url &&
	check ".error.details.fields[\"config.url\"] == \"is required\"" &&
	bad_channel "$(chan n webhook "{\"url\":42}")" config.url &&
	bad_channel "$(chan n webhook "{\"url\":\"ftp://example.com/x\"}")" config.url &&
	check ".error.details.fields[\"config.url\"] == \"must use http or https\"" &&
	bad_channel "$(chan n webhook "{\"url\":\"https://example.com\",\"secret\":\"whsec_c2hvcnQ=\"}")" config.secret &&
	check ".error.details.fields[\"config.secret\"] | startswith(\"must be whsec_\")" &&
	bad_channel "$(chan n webhook "{\"url\":\"https://example.com\",\"secret\":\"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}")" config.secret &&
	bad_channel "$(chan n webhook "{\"url\":\"https://example.com\",\"secret\":\"whsec_$(openssl rand -base64 65 | tr -d "\n")\"}")" config.secret &&
	bad_channel "$(chan n webhook "{\"url\":\"https://example.com\",\"secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!\"}")" config.secret &&
	post_channel "$(chan hook64 webhook "{\"url\":\"https://example.com\",\"secret\":\"whsec_$(openssl rand -base64 64 | tr -d "\n")\"}")" &&
	expect_status 201
'

test_expect_success 'validation: email' '
	bad_channel "$(chan n email "{}")" config.email &&
	bad_channel "$(chan n email "{\"email\":\"not-an-address\"}")" config.email &&
	check ".error.details.fields[\"config.email\"] == \"is not a valid email address\"" &&
	bad_channel "$(chan n email "{\"email\":\"$(printf "a%.0s" $(seq 250))@example.com\"}")" config.email &&
	bad_channel "$(chan n email "{\"email\":null}")" config.email
'

test_expect_success 'validation: slack' '
	bad_channel "$(chan n slack "{}")" config.url &&
	bad_channel "$(chan n slack "{\"url\":\"$SLACK_URL\",\"webhook_url\":\"$SLACK_URL\"}")" config.webhook_url &&
	check ".error.details.fields[\"config.webhook_url\"] == \"give url or webhook_url, not both\"" &&
	bad_channel "$(chan n slack "{\"url\":\"http://hooks.slack.com/services/x\"}")" config.url &&
	check ".error.details.fields[\"config.url\"] == \"must use https\"" &&
	bad_channel "$(chan n slack "{\"webhook_url\":\"http://hooks.slack.com/services/x\"}")" config.webhook_url &&
	bad_channel "$(chan n slack "{\"url\":\"$SLACK_URL\",\"mention_text\":\"$(printf "m%.0s" $(seq 201))\"}")" config.mention_text &&
	bad_channel "$(chan n slack "{\"url\":\"$SLACK_URL\",\"mention_text\":\"\"}")" config.mention_text &&
	bad_channel "$(chan n slack "{\"url\":\"$SLACK_URL\",\"include_output\":\"yes\"}")" config.include_output &&
	check ".error.details.fields[\"config.include_output\"] == \"must be true or false\"" &&
	post_channel "$(chan slack200 slack "{\"url\":\"$SLACK_URL\",\"mention_text\":\"$(printf "m%.0s" $(seq 200))\"}")" &&
	expect_status 201
'

test_expect_success 'validation: discord' '
	bad_channel "$(chan n discord "{\"thread_id\":\"1\"}")" config.url &&
	bad_channel "$(chan n discord "{\"url\":\"$DISCORD_URL\",\"thread_id\":\"abc\"}")" config.thread_id &&
	bad_channel "$(chan n discord "{\"url\":\"$DISCORD_URL\",\"thread_id\":\"$(printf "1%.0s" $(seq 33))\"}")" config.thread_id &&
	bad_channel "$(chan n discord "{\"url\":\"$DISCORD_URL\",\"thread_id\":-5}")" config.thread_id &&
	bad_channel "$(chan n discord "{\"url\":\"$DISCORD_URL\",\"mention_text\":\"x\"}")" config.mention_text
'

test_expect_success 'validation: telegram' '
	bad_channel "$(chan n telegram "{}")" config.bot_token config.chat_id &&
	bad_channel "$(chan n telegram "{\"bot_token\":\"123:short\",\"chat_id\":1}")" config.bot_token &&
	bad_channel "$(chan n telegram "{\"bot_token\":\"abc:AAF1b2C3d4E5f6G7h8I9j0KlMnOp\",\"chat_id\":1}")" config.bot_token &&
	bad_channel "$(chan n telegram "{\"bot_token\":\"$BOT_TOKEN\",\"chat_id\":\"chat\"}")" config.chat_id &&
	bad_channel "$(chan n telegram "{\"bot_token\":\"$BOT_TOKEN\",\"chat_id\":\"@abc\"}")" config.chat_id &&
	bad_channel "$(chan n telegram "{\"bot_token\":\"$BOT_TOKEN\",\"chat_id\":true}")" config.chat_id &&
	check ".error.details.fields[\"config.chat_id\"] == \"must be an integer chat id or @channelname\""
'

test_expect_success 'SSRF: literal private, loopback, link-local addresses refused (422)' '
	for u in http://127.0.0.1/x http://10.1.2.3/ http://169.254.169.254/latest "http://[::1]:8080/" http://localhost/ http://192.168.0.1/; do
		bad_channel "$(chan n webhook "{\"url\":\"$u\"}")" config.url &&
		check ".error.details.fields[\"config.url\"] | test(\"non-public\")" || return 1
	done &&
	bad_channel "$(chan n slack "{\"url\":\"https://10.0.0.1/hook\"}")" config.url &&
	bad_channel "$(chan n discord "{\"webhook_url\":\"https://[fd00::1]/hook\"}")" config.webhook_url
'

test_expect_success 'nothing refused was stored' '
	test "$(stack_sql "SELECT COUNT(*) FROM notification_channels WHERE name = \"n\"")" = 0
'

# --- read -----------------------------------------------------------------

test_expect_success 'get: the channel as created; another workspace and bad ids are 404' '
	get_channel "$CS" && expect_status 200 &&
	check ".id == \"$CS\" and .name == \"ops-slack\" and .config == {url_set: true, mention_text: null, include_output: false}" &&
	get_channel "$CS" "$X_TOKEN" && expect_error not_found 404 &&
	get_channel c000000000000000000000zzz && expect_error not_found 404 &&
	get_channel not-an-id && expect_error not_found 404
'

test_expect_success 'list: newest first, paginated; a member and an API token read it' '
	http GET /v1/notification-channels -H "$(bearer "$M_TOKEN")" && expect_status 200 &&
	check ".next_cursor == null and (.items | length) == 11
		and .items[0].name == \"slack200\" and .items[-1].id == \"$CW\"
		and ([.items[].id] == ([.items[].id] | sort | reverse))" &&
	http GET "/v1/notification-channels?limit=5" -H "$(bearer "$O_PAT")" && expect_status 200 &&
	check "(.items | length) == 5 and (.next_cursor | type) == \"string\"" &&
	cur=$(jq -r .next_cursor body) && jq -r ".items[].id" body >page1 &&
	http GET "/v1/notification-channels?limit=5&cursor=$cur" -H "$(bearer "$O_TOKEN")" &&
	check "(.items | length) == 5" && jq -r ".items[].id" body >page2 &&
	test -z "$(sort page1 page2 | uniq -d)" &&
	http GET "/v1/notification-channels?limit=0" -H "$(bearer "$O_TOKEN")" && fields_are limit &&
	http GET /v1/notification-channels -H "$(bearer "$X_TOKEN")" &&
	check "[.items[].name] == [\"pager\"]"
'

test_expect_success 'a member reads one channel too' '
	get_channel "$CT" "$M_TOKEN" && expect_status 200 &&
	check ".config == {bot_token_set: true, chat_id: \"-1001234567890\"}"
'

# --- permissions --------------------------------------------------------------

test_expect_success 'a member cannot create, change, delete or test (403 insufficient_role)' '
	post_channel "$(chan m email "{\"email\":\"m@example.com\"}")" "$M_TOKEN" &&
	expect_error insufficient_role 403 &&
	patch_channel "$CE" "{\"name\":\"m\"}" "$M_TOKEN" && expect_error insufficient_role 403 &&
	http DELETE "/v1/notification-channels/$CE" -H "$(bearer "$M_TOKEN")" &&
	expect_error insufficient_role 403 &&
	http POST "/v1/notification-channels/$CE/test" -H "$(bearer "$M_TOKEN")" &&
	expect_error insufficient_role 403
'

test_expect_success 'an unverified owner cannot create (403 email_not_verified)' '
	post_channel "$(chan p email "{\"email\":\"p@example.com\"}")" "$P_TOKEN" &&
	expect_error email_not_verified 403
'

test_expect_success 'an admin and an API token of the owner can create' '
	new_channel CA "$(chan admin-mail email "{\"email\":\"admin@example.com\"}")" "$A_TOKEN" &&
	new_channel CP "$(chan ci-hook webhook "{\"url\":\"https://ci.example.com/hook\"}")" "$O_PAT" &&
	test "$(stack_sql "SELECT created_by FROM notification_channels WHERE id = \"$CP\"")" = "$O_ID"
'

# --- PATCH --------------------------------------------------------------------

test_expect_success 'PATCH name: 200, updated_at moves, config kept; a taken name is 409' '
	get_channel "$CE" && created=$(jq -r .created_at body) &&
	sleep 0.01 &&
	patch_channel "$CE" "{\"name\":\"ops-email\"}" && expect_status 200 &&
	check ".name == \"ops-email\" and .config == {email: \"Ops@Example.com\"}
		and .created_at == \"$created\" and .updated_at > .created_at" &&
	patch_channel "$CE" "{\"name\":\"pager\"}" && expect_error conflict 409 &&
	patch_channel "$CE" "{\"name\":\"ops-email\",\"type\":\"email\"}" && expect_status 200
'

test_expect_success 'PATCH: the type cannot change; unknown fields and bad values are 422' '
	patch_channel "$CE" "{\"type\":\"webhook\"}" && fields_are type &&
	check ".error.details.fields.type | startswith(\"cannot change\")" &&
	patch_channel "$CE" "{\"type\":\"sms\"}" && fields_are type &&
	patch_channel "$CE" "{\"created_at\":\"2020-01-01T00:00:00.000Z\"}" && fields_are created_at &&
	patch_channel "$CE" "{\"name\":\"\"}" && fields_are name &&
	patch_channel "$CE" "{\"config\":{\"email\":\"bad\"}}" && fields_are config.email &&
	patch_channel "$CE" "{\"config\":{\"email\":null}}" && fields_are config.email &&
	patch_channel "$CE" "{\"config\":{\"cc\":\"x@example.com\"}}" && fields_are config.cc &&
	patch_channel "$CE" "{\"config\":[]}" && fields_are config &&
	get_channel "$CE" && check ".name == \"ops-email\" and .config == {email: \"Ops@Example.com\"}"
'

test_expect_success 'PATCH config: keys given replace, the rest is kept; the sealed URL is untouched' '
	before=$(creds "$CS") &&
	patch_channel "$CS" "{\"config\":{\"mention_text\":\"<!channel>\",\"include_output\":true}}" &&
	expect_status 200 &&
	check ".config == {url_set: true, mention_text: \"<!channel>\", include_output: true}" &&
	test "$(creds "$CS")" = "$before" &&
	patch_channel "$CS" "{\"config\":{\"mention_text\":null,\"include_output\":null}}" &&
	expect_status 200 &&
	check ".config == {url_set: true, mention_text: null, include_output: false}" &&
	test "$(stack_sql "SELECT config FROM notification_channels WHERE id = \"$CS\"")" = "{\"include_output\":false}" &&
	patch_channel "$CS" "{\"config\":{\"url\":null}}" && fields_are config.url &&
	patch_channel "$CS" "{\"config\":{\"url\":\"http://hooks.slack.com/x\"}}" && fields_are config.url
'

test_expect_success 'PATCH a credential: sealed anew (webhook_url spelling too), never shown' '
	before=$(creds "$CS") &&
	patch_channel "$CS" "{\"config\":{\"webhook_url\":\"https://hooks.slack.com/services/T0001/B0001/$SLACK_TOK2\"}}" &&
	expect_status 200 && check ".config.url_set == true" &&
	after=$(creds "$CS") && test "$after" != "$before" && test "$(key_version "$CS")" = 1 &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_channels WHERE INSTR(credentials, \"$SLACK_TOK2\") > 0")" = 0 &&
	if python3 -c "import cryptography" 2>/dev/null; then
		open_creds "$CS" >opened && test_grep "$SLACK_TOK2" opened
	fi &&
	before=$(creds "$CW") &&
	patch_channel "$CW" "{\"config\":{\"secret\":\"$WHSEC2\"}}" && expect_status 200 &&
	check ".config == {url: \"https://hooks.example.com/cron\", secret_set: true}" &&
	test "$(creds "$CW")" != "$before" &&
	test "$(stack_sql "SELECT LENGTH(credentials) FROM notification_channels WHERE id = \"$CW\"")" = $(( ${#WHSEC2} + 13 + 28 ))
'

test_expect_success 'PATCH an optional credential to null: removed, secret_set false' '
	patch_channel "$CW" "{\"config\":{\"secret\":null,\"url\":\"https://hooks.example.com/v2\"}}" &&
	expect_status 200 &&
	check ".config == {url: \"https://hooks.example.com/v2\", secret_set: false}" &&
	test "$(creds "$CW")" = NULL && test "$(key_version "$CW")" = NULL &&
	patch_channel "$CW" "{\"config\":{\"secret\":\"$WHSEC\"}}" && expect_status 200 &&
	check ".config.secret_set == true" && test "$(key_version "$CW")" = 1
'

test_expect_success 'PATCH: another workspace gets 404; a bad id is 404' '
	patch_channel "$CE" "{\"name\":\"mine\"}" "$X_TOKEN" && expect_error not_found 404 &&
	patch_channel c000000000000000000000zzz "{\"name\":\"x\"}" && expect_error not_found 404 &&
	get_channel "$CE" && check ".name == \"ops-email\""
'

# --- test messages --------------------------------------------------------------

test_expect_success 'test: 202 with the queued delivery; the row is queued for now' '
	before=$(date +%s%3N) &&
	http POST "/v1/notification-channels/$CS/test" -H "$(bearer "$O_TOKEN")" &&
	expect_status 202 && after=$(date +%s%3N) &&
	check "(keys == [\"delivery\"]) and (.delivery | keys) == [\"attempts\",\"channel_id\",\"channel_name\",\"created_at\",\"error\",\"event\",\"message_id\",\"response_status\",\"sent_at\",\"status\",\"type\"]
		and .delivery.channel_id == \"$CS\" and .delivery.channel_name == \"ops-slack\"
		and .delivery.type == \"slack\" and .delivery.event == \"test\" and .delivery.status == \"queued\"
		and .delivery.attempts == 0 and .delivery.response_status == null and .delivery.error == null
		and .delivery.sent_at == null and (.delivery.message_id | test(\"^msg_c[0-9a-z]{24}$\"))
		and (.delivery.created_at | ms) >= $before - 1000 and (.delivery.created_at | ms) <= $after + 1000" &&
	MSG=$(jq -r .delivery.message_id body) &&
	test "$(stack_sql "SELECT workspace_id, channel_id, IFNULL(execution_id, \"NULL\"), event, status, attempts, next_attempt_at <= UTC_TIMESTAMP(3) FROM notification_deliveries WHERE message_id = \"$MSG\"" | tr "\t" " ")" = "$W $CS NULL test queued 0 1"
'

test_expect_success 'test: each call queues its own message; an API token may; others 404' '
	http POST "/v1/notification-channels/$CW/test" -H "$(bearer "$O_PAT")" && expect_status 202 &&
	http POST "/v1/notification-channels/$CW/test" -H "$(bearer "$A_TOKEN")" && expect_status 202 &&
	test "$(stack_sql "SELECT COUNT(DISTINCT message_id) FROM notification_deliveries WHERE channel_id = \"$CW\" AND event = \"test\"")" = 2 &&
	http POST "/v1/notification-channels/$CW/test" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404 &&
	http POST /v1/notification-channels/c000000000000000000000zzz/test -H "$(bearer "$O_TOKEN")" &&
	expect_error not_found 404 &&
	http GET "/v1/notification-channels/$CW/test" -H "$(bearer "$O_TOKEN")" &&
	expect_error method_not_allowed 405
'

# --- rules --------------------------------------------------------------------

test_expect_success 'create a rule: 201 with its shape' '
	post_rule "$JA" "$(rule "$CS" on_failure)" && expect_status 201 &&
	check "(keys == [\"channel_id\",\"created_at\",\"event\",\"id\",\"job_id\"])
		and (.id | test(\"^c[0-9a-z]{24}$\")) and .job_id == \"$JA\" and .channel_id == \"$CS\"
		and .event == \"on_failure\"" &&
	R1=$(jq -r .id body) &&
	test "$(stack_sql "SELECT workspace_id, job_id, channel_id, event, created_by FROM notification_rules WHERE id = \"$R1\"" | tr "\t" " ")" = "$W $JA $CS on_failure $O_ID"
'

test_expect_success 'the same job, channel and event twice is 409; other events and channels are fine' '
	post_rule "$JA" "$(rule "$CS" on_failure)" && expect_error conflict 409 &&
	post_rule "$JA" "$(rule "$CS" on_success)" && expect_status 201 && R2=$(jq -r .id body) &&
	post_rule "$JA" "$(rule "$CW" on_completion)" && expect_status 201 && R3=$(jq -r .id body) &&
	post_rule "$JB" "$(rule "$CS" on_failure)" && expect_status 201 && RB=$(jq -r .id body)
'

test_expect_success 'rule validation: fields, events, a channel of another workspace (422)' '
	post_rule "$JA" "{}" && fields_are channel_id event &&
	post_rule "$JA" "{\"channel_id\":\"$CS\",\"event\":\"on_failure\",\"x\":1}" && fields_are x &&
	post_rule "$JA" "$(rule "$CS" on_start)" && fields_are event &&
	check ".error.details.fields.event == \"must be one of on_success, on_failure, on_completion\"" &&
	post_rule "$JA" "$(rule not-an-id on_failure)" && fields_are channel_id &&
	xchan=$(stack_sql "SELECT id FROM notification_channels WHERE workspace_id = \"$X_WS\"") &&
	post_rule "$JA" "$(rule "$xchan" on_failure)" && fields_are channel_id &&
	check ".error.details.fields.channel_id == \"no such channel in this workspace\"" &&
	post_rule "$JA" "$(rule c000000000000000000000zzz on_failure)" && fields_are channel_id
'

test_expect_success 'rules of a job of another workspace are 404' '
	post_rule "$JX" "$(rule "$CS" on_failure)" && expect_error not_found 404 &&
	post_rule "$JA" "$(rule "$xchan" on_failure)" "$X_TOKEN" && expect_error not_found 404 &&
	http GET "/v1/jobs/$JA/notification-rules" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404 &&
	http DELETE "/v1/jobs/$JA/notification-rules/$R1" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404 &&
	post_rule c000000000000000000000zzz "$(rule "$CS" on_failure)" && expect_error not_found 404 &&
	http GET /v1/jobs/nope/notification-rules -H "$(bearer "$O_TOKEN")" && expect_error not_found 404
'

test_expect_success 'list a job'"'"'s rules: newest first, the list shape; a member reads them' '
	http GET "/v1/jobs/$JA/notification-rules" -H "$(bearer "$M_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == [\"$R3\", \"$R2\", \"$R1\"] and .next_cursor == null
		and .items[2] == {id: \"$R1\", job_id: \"$JA\", channel_id: \"$CS\", event: \"on_failure\", created_at: .items[2].created_at}" &&
	http GET "/v1/jobs/$JB/notification-rules" -H "$(bearer "$O_PAT")" && expect_status 200 &&
	check "[.items[].id] == [\"$RB\"]"
'

test_expect_success 'a member cannot add or delete rules; an API token can add' '
	post_rule "$JA" "$(rule "$CE" on_failure)" "$M_TOKEN" && expect_error insufficient_role 403 &&
	http DELETE "/v1/jobs/$JA/notification-rules/$R1" -H "$(bearer "$M_TOKEN")" &&
	expect_error insufficient_role 403 &&
	post_rule "$JA" "$(rule "$CE" on_failure)" "$O_PAT" && expect_status 201 && R4=$(jq -r .id body)
'

test_expect_success 'delete a rule: 204, then 404; a rule under another job is 404' '
	http DELETE "/v1/jobs/$JB/notification-rules/$R4" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	http DELETE "/v1/jobs/$JA/notification-rules/$R4" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	http DELETE "/v1/jobs/$JA/notification-rules/$R4" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	http DELETE "/v1/jobs/$JA/notification-rules/bad" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404
'

test_expect_success 'at most 20 rules per job (422)' '
	post_job "$(with ".name = \"many\"")" && expect_status 201 && JM=$(jq -r .id body) &&
	n=0 &&
	for c in $CW $CW2 $CE $CS $CS2 $CD $CT; do
		for e in on_success on_failure on_completion; do
			post_rule "$JM" "$(rule "$c" "$e")" || return 1
			n=$((n + 1))
			if test $n -le 20; then expect_status 201 || return 1
			else fields_are job_id || return 1
			fi
		done
	done &&
	check ".error.details.fields.job_id | test(\"20\")" &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_rules WHERE job_id = \"$JM\"")" = 20
'

test_expect_success 'deleting a job deletes its rules' '
	http DELETE "/v1/jobs/$JM" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_rules WHERE job_id = \"$JM\"")" = 0
'

# --- deliveries in GET /v1/executions/:id -----------------------------------------

test_expect_success 'GET /v1/executions/:id lists the deliveries made for it, in order' '
	http POST "/v1/jobs/$JA/run-now" -H "$(bearer "$O_TOKEN")" && expect_status 202 &&
	check ".notifications == []" && EX=$(jq -r .id body) &&
	http POST "/v1/jobs/$JB/run-now" -H "$(bearer "$O_TOKEN")" && expect_status 202 && EX2=$(jq -r .id body) &&
	stack_sql "UPDATE executions SET status = \"failed\", attempt_count = 1, started_at = UTC_TIMESTAMP(3), finished_at = UTC_TIMESTAMP(3), duration_ms = 5 WHERE id IN (\"$EX\", \"$EX2\");
		INSERT INTO notification_deliveries (message_id, workspace_id, channel_id, execution_id, event, status, attempts, next_attempt_at, response_status, last_error, created_at, sent_at) VALUES
		(\"msg_${EX}_$R1\", \"$W\", \"$CS\", \"$EX\", \"on_failure\", \"sent\", 1, \"2030-01-01 00:00:00.000\", 200, NULL, \"2030-01-01 00:00:00.000\", \"2030-01-01 00:00:00.250\"),
		(\"msg_${EX}_$R3\", \"$W\", \"$CW\", \"$EX\", \"on_completion\", \"failed\", 5, \"2030-01-01 00:00:00.000\", 500, \"HTTP 500 from the receiver\", \"2030-01-01 00:00:00.001\", NULL),
		(\"msg_${EX}_x\", \"$W\", \"$CE\", \"$EX\", \"on_failure\", \"queued\", 0, \"2030-01-01 00:00:00.000\", NULL, NULL, \"2030-01-01 00:00:00.002\", NULL),
		(\"msg_${EX2}_$RB\", \"$W\", \"$CS\", \"$EX2\", \"on_failure\", \"sending\", 1, \"2030-01-01 00:00:00.000\", NULL, \"timeout\", \"2030-01-01 00:00:00.003\", NULL),
		(\"msg_${EX}_other\", \"$X_WS\", \"$xchan\", \"$EX\", \"on_failure\", \"sent\", 1, \"2030-01-01 00:00:00.000\", 200, NULL, \"2030-01-01 00:00:00.004\", NULL);" &&
	http GET "/v1/executions/$EX" -H "$(bearer "$M_TOKEN")" && expect_status 200 &&
	jq -c .notifications body >got &&
	jq -cn --arg ex "$EX" --arg r1 "$R1" --arg r3 "$R3" --arg cs "$CS" --arg cw "$CW" --arg ce "$CE" "[
		{message_id: (\"msg_\" + \$ex + \"_\" + \$r1), channel_id: \$cs, channel_name: \"ops-slack\", type: \"slack\", event: \"on_failure\", status: \"sent\", attempts: 1, response_status: 200, error: null, created_at: \"2030-01-01T00:00:00.000Z\", sent_at: \"2030-01-01T00:00:00.250Z\"},
		{message_id: (\"msg_\" + \$ex + \"_\" + \$r3), channel_id: \$cw, channel_name: \"pager\", type: \"webhook\", event: \"on_completion\", status: \"failed\", attempts: 5, response_status: 500, error: \"HTTP 500 from the receiver\", created_at: \"2030-01-01T00:00:00.001Z\", sent_at: null},
		{message_id: (\"msg_\" + \$ex + \"_x\"), channel_id: \$ce, channel_name: \"ops-email\", type: \"email\", event: \"on_failure\", status: \"queued\", attempts: 0, response_status: null, error: null, created_at: \"2030-01-01T00:00:00.002Z\", sent_at: null}]" >want &&
	test_cmp want got &&
	check "(keys | index(\"notifications\")) != null and (.attempts | length) == 0" &&
	http GET "/v1/executions/$EX2" -H "$(bearer "$O_PAT")" && expect_status 200 &&
	check "[.notifications[] | [.status, .error, .channel_id]] == [[\"sending\", \"timeout\", \"$CS\"]]"
'

test_expect_success 'lists of executions are unchanged (no notifications member)' '
	http GET "/v1/executions?job_id=$JA" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	check "(.items | length) >= 1 and ([.items[] | has(\"notifications\")] | any | not)"
'

test_expect_success 'another workspace cannot see the execution or its deliveries' '
	http GET "/v1/executions/$EX" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404
'

test_expect_success 'deleting a channel deletes its rules and its deliveries' '
	http DELETE "/v1/notification-channels/$CS" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404 &&
	http DELETE "/v1/notification-channels/$CS" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	http DELETE "/v1/notification-channels/$CS" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	get_channel "$CS" && expect_error not_found 404 &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_rules WHERE channel_id = \"$CS\"")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_deliveries WHERE channel_id = \"$CS\"")" = 0 &&
	http GET "/v1/jobs/$JA/notification-rules" -H "$(bearer "$O_TOKEN")" &&
	check "[.items[].id] == [\"$R3\"]" &&
	http GET "/v1/executions/$EX" -H "$(bearer "$O_TOKEN")" &&
	check "[.notifications[].channel_id] == [\"$CW\", \"$CE\"]"
'

# --- allow_private_targets ------------------------------------------------------

test_expect_success 'with allow_private_targets = 1 (development, tests) private and http URLs are accepted' '
	STACK_ALLOW_PRIVATE=1 && stack_conf && stack_api_stop && stack_api_start &&
	new_channel CL "$(chan local-hook webhook "{\"url\":\"http://127.0.0.1:9/hook\"}")" &&
	check ".config.url == \"http://127.0.0.1:9/hook\"" &&
	new_channel CLS "$(chan local-slack slack "{\"url\":\"http://127.0.0.1:9/slack/$SLACK_TOK\"}")" &&
	new_channel CLD "$(chan local-discord discord "{\"webhook_url\":\"http://[::1]:9/discord\"}")" &&
	patch_channel "$CW" "{\"config\":{\"url\":\"http://10.0.0.1/x\"}}" && expect_status 200
'

# --- credentials never leave ------------------------------------------------------

test_expect_success 'no response body ever held a credential' '
	test -s "$TRASH_DIRECTORY/responses" &&
	for s in $SECRETS; do
		test_grep -v "$s" "$TRASH_DIRECTORY/responses" || return 1
	done
'

test_expect_success 'no log line ever held a credential' '
	test_grep "channel $CW updated (config)" "$API_LOG" &&
	for s in $SECRETS; do
		for f in "$API_LOG" "$NGINX_PREFIX"/logs/*; do
			test_grep -v "$s" "$f" || return 1
		done
	done
'

test_expect_success 'the database holds no credential in clear' '
	stack_mysql "$DB_NAME" -e "SELECT * FROM notification_channels" >dump &&
	for s in $SECRETS; do
		test_grep -v "$s" dump || return 1
	done
'

test_done
