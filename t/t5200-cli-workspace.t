#!/usr/bin/env bash
test_description='cronctl secrets, tokens, members, channels and rules (SPEC 3.4, 3.5, 4, 8, 11) against the stack'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-cli.sh"

DOWN=http://127.0.0.1:1		# nothing listens there: usage errors send nothing
SEAL=$TEST_BUILDDIR/t/helper/seal
V1='sk_live_4eC39HqLyjWDarjtT1zdp7dc'
WHSEC=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
NOPE=c000000000000000000000zzz

# opens NAME VALUE: secret NAME of workspace W decrypts to exactly VALUE
# (with -f: to the contents of file VALUE).
opens() {
	if test "$1" = -f; then cp "$3" want; shift; else printf '%s' "$2" >want; fi &&
	stack_sql "SELECT HEX(ciphertext) FROM secrets WHERE workspace_id = '$W' AND name = '$1'" |
		"$SEAL" -d "$TRASH_DIRECTORY/keyring" "$W:$1" 1 >plain &&
	test_cmp want plain
}

# the token in the newest mail to $1
mail_token() {
	stack_sql "SELECT body_text FROM mail_outbox WHERE to_addr = '$1' ORDER BY id DESC LIMIT 1" |
		sed 's/\\n/\n/g' | sed -n 's/.*token=\([0-9a-f]\{64\}\).*/\1/p' | head -1
}

# ids: the first column of the table in ./out, without the heading.
ids() { awk 'NR > 1 { print $1 }' out; }

# kv LABEL VALUE: ./out has the detail line "LABEL  VALUE".
kv() { grep -qxF "$(printf "%-13s %s" "$1" "$2")" out || { echo >&2 "no \"$1: $2\" in:"; cat >&2 out; return 1; }; }

test_expect_success 'start the stack: owner O logged in with cronctl; users A and X' '
	test -x "$SEAL" &&
	stack_up &&
	stack_user O owner@example.com && W=$O_WS &&
	stack_user A alice@example.com && stack_user X other@example.com &&
	cli_safe_conf && ctl_ok --api-url "$BASE_URL" login -e owner@example.com -p "$PASSWORD"
'

# --- secrets -----------------------------------------------------------------

test_expect_success 'secrets create --value: the metadata, never the value; stored sealed' '
	ctl_ok secrets create --name stripe-key --value "$V1" &&
	S1=$(sed -n "s/^Created secret stripe-key (\(c[0-9a-z]\{24\}\)); use it in a header as secret:\/\/stripe-key$/\1/p" out) &&
	test -n "$S1" && test "$(wc -l <out)" = 1 &&
	opens stripe-key "$V1" &&
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE INSTR(ciphertext, \"$V1\") > 0")" = 0
'

test_expect_success 'secrets create --json: the API answer, with no value' '
	ctl_ok secrets create --json --name other-key --value "v-other" &&
	jq -e "(keys == [\"created_at\",\"environment\",\"id\",\"key_version\",\"name\"])
		and .name == \"other-key\" and .key_version == \"v1\" and .environment == \"workspace\"" out &&
	S2=$(jq -r .id out) && opens other-key v-other
'

test_expect_success 'secrets create --value-stdin: all of stdin, one final newline dropped' '
	printf "sk_from_stdin\n" | ctl_ok secrets create --name from-stdin --value-stdin &&
	grep -q "^Created secret from-stdin (c[0-9a-z]\{24\});" out && test_grep -v sk_from_stdin out &&
	opens from-stdin sk_from_stdin &&
	printf "line one\nline two\n\n" | ctl_ok secrets create --name two-lines --value-stdin &&
	printf "line one\nline two\n" >two && opens -f two-lines two &&
	printf "no-newline" | ctl_ok secrets create --name bare --value-stdin && opens bare no-newline
'

test_expect_success 'secrets create: usage errors (exit 2), a taken name (conflict), a bad name (validation)' '
	echo x | ctl_expect 2 --api-url $DOWN secrets create --name n --value v --value-stdin &&
	err_is "cronctl: give one of --value and --value-stdin (see '\''cronctl secrets create --help'\'')" &&
	ctl_expect 2 --api-url $DOWN secrets create --name n &&
	err_is "cronctl: give one of --value and --value-stdin (see '\''cronctl secrets create --help'\'')" &&
	head -c 65537 /dev/zero | tr "\0" v | ctl_expect 2 --api-url $DOWN secrets create --name n --value-stdin &&
	err_is "cronctl: the value is over 64 KiB (see '\''cronctl secrets create --help'\'')" &&
	ctl_expect 1 secrets create --name stripe-key --value other && api_error_is conflict &&
	opens stripe-key "$V1" &&
	ctl_expect 1 secrets create --name "bad name!" --value v && api_error_is validation_error &&
	grep -q "^  name: ." err
'

test_expect_success 'secrets list: names and key versions, never a value; --json is the API answer' '
	ctl_ok secrets list &&
	test "$(words "$(head -n 1 out)")" = "ID NAME KEY CREATED" &&
	http GET /v1/secrets -H "$(bearer "$O_TOKEN")" && jq -r ".items[].id" body >expect &&
	ids >got && test_cmp expect got && test "$(wc -l <got)" = 5 &&
	test "$(words "$(row_of "$S1")" | cut -d" " -f1-3)" = "$S1 stripe-key v1" &&
	test_grep -v "$V1" out && test_grep -v sk_from_stdin out &&
	ctl_ok secrets list --json && same_as_api /v1/secrets &&
	test_grep -v "$V1" out &&
	ctl_ok secrets list --limit 2 --json && jq -e "(.items | length) == 2 and (.next_cursor | type) == \"string\"" out
'

test_expect_success 'secrets delete; deleting it again is not_found' '
	ctl_ok secrets delete "$S2" && out_is "Deleted secret $S2" &&
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE id = \"$S2\"")" = 0 &&
	ctl_expect 1 secrets delete "$S2" && api_error_is not_found &&
	ctl_ok secrets list && test_grep -v "$S2" out
'

# --- API tokens ----------------------------------------------------------------

test_expect_success 'tokens create: the raw token alone on stdout, once' '
	ctl_expect 0 tokens create --name ci &&
	PAT=$(cat out) && test "$(wc -l <out)" = 1 &&
	echo "$PAT" | grep -q "^cron_pat_[0-9a-f]\{64\}$" &&
	TID=$(sed -n "s/^Created token ci (\(c[0-9a-z]\{24\}\)). Copy it now: it is not shown again.$/\1/p" err) &&
	test -n "$TID" && test "$(wc -l <err)" = 1
'

test_expect_success 'tokens list: the masked value only; --json is the API answer' '
	ctl_ok tokens list &&
	test "$(words "$(head -n 1 out)")" = "ID NAME TOKEN CREATED LAST USED" &&
	test "$(ids)" = "$TID" &&
	test "$(words "$(row_of "$TID")" | cut -d" " -f1-3)" = "$TID ci ${PAT:0:13}••••" &&
	test "$(row_of "$TID" | awk "{ print \$NF }")" = "-" &&
	test_grep -v "$PAT" out &&
	ctl_ok tokens list --json && same_as_api /v1/api-tokens && test_grep -v "$PAT" out
'

test_expect_success 'the token works as CRON_TOKEN, with CRON_API_URL and no config file' '
	mkdir -p empty-home &&
	HOME=$TRASH_DIRECTORY/empty-home CRON_API_URL=$BASE_URL CRON_TOKEN=$PAT ctl_ok whoami &&
	kv User "O <owner@example.com> ($O_ID)" && kv Workspace "O space ($W)" &&
	kv Role owner && kv Credential api_token &&
	test_path_is_missing empty-home/.cronctl &&
	ctl_ok tokens list && test "$(row_of "$TID" | awk "{ print \$NF }")" != "-"
'

test_expect_success 'tokens create --json: the API answer, with the token' '
	ctl_ok tokens create --name deploy --json &&
	jq -e ".name == \"deploy\" and (.token | test(\"^cron_pat_[0-9a-f]{64}$\"))
		and .masked_value == (.token[0:13] + \"••••\")" out &&
	TID2=$(jq -r .id out) &&
	ctl_ok tokens list && ids | sort >got && printf "%s\n" "$TID" "$TID2" | sort >expect &&
	test_cmp expect got
'

test_expect_success 'tokens revoke: the token stops working at once (unauthorized, exit 1)' '
	ctl_ok tokens revoke "$TID" && out_is "Revoked token $TID" &&
	CRON_TOKEN=$PAT ctl_expect 1 whoami && api_error_is unauthorized &&
	ctl_ok tokens list && test "$(ids)" = "$TID2" &&
	ctl_expect 1 tokens revoke "$TID" && api_error_is not_found &&
	ctl_expect 2 --api-url $DOWN tokens revoke &&
	err_is "cronctl: '\''tokens revoke'\'' needs ID (see '\''cronctl tokens revoke --help'\'')"
'

# --- members ---------------------------------------------------------------------

test_expect_success 'members list: the owner alone' '
	ctl_ok members list &&
	test "$(words "$(head -n 1 out)")" = "USER NAME EMAIL ROLE JOINED" &&
	test "$(ids)" = "$O_ID" &&
	test "$(words "$(row_of "$O_ID")" | cut -d" " -f1-4)" = "$O_ID O owner@example.com owner"
'

test_expect_success 'members invite EMAIL --role admin: an invite is mailed; the user accepts it' '
	ctl_ok members invite alice@example.com --role admin &&
	INV=$(sed -n "s/^Invited alice@example.com as admin (invite \(c[0-9a-z]\{24\}\), expires [0-9-]\{10\} [0-9:]\{8\}Z (in [0-9]*[dh]))$/\1/p" out) &&
	test -n "$INV" &&
	http GET /v1/workspace/invites -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	jq -e "[.items[] | [.id, .email, .role]] == [[\"$INV\", \"alice@example.com\", \"admin\"]]" body &&
	TA=$(mail_token alice@example.com) && test ${#TA} = 64 &&
	json POST /v1/invites/accept -H "$(bearer "$A_TOKEN")" -d "{\"token\":\"$TA\"}" && expect_status 200 &&
	json POST /v1/auth/switch-workspace -H "$(bearer "$A_TOKEN")" -d "{\"workspace_id\":\"$W\"}" &&
	expect_status 200 && AW=$(jq -r .token body)
'

test_expect_success 'members list shows the new admin; --json is the API answer' '
	ctl_ok members list && test "$(ids | wc -l)" = 2 &&
	test "$(words "$(row_of "$A_ID")" | cut -d" " -f1-4)" = "$A_ID A alice@example.com admin" &&
	ctl_ok members list --json && same_as_api /v1/workspace/members
'

test_expect_success 'members invite: the role defaults to member; bad input is a validation error' '
	ctl_ok members invite bob@example.com &&
	grep -q "^Invited bob@example.com as member (invite c[0-9a-z]\{24\}, expires " out &&
	ctl_expect 1 members invite not-an-email --role owner && api_error_is validation_error &&
	grep -q "^  email: ." err && grep -q "^  role: ." err &&
	ctl_expect 1 members invite alice@example.com && api_error_is conflict
'

test_expect_success 'members role USER ROLE; never to owner, never the owner' '
	ctl_ok members role "$A_ID" member && out_is "$A_ID is now member" &&
	test "$(stack_sql "SELECT role FROM memberships WHERE workspace_id = \"$W\" AND user_id = \"$A_ID\"")" = member &&
	ctl_expect 1 members role "$A_ID" owner && api_error_is validation_error && grep -q "^  role: ." err &&
	ctl_expect 1 members role "$O_ID" admin && api_error_is conflict &&
	ctl_expect 1 members role "$X_ID" admin && api_error_is not_found &&
	ctl_expect 2 --api-url $DOWN members role "$A_ID" &&
	err_is "cronctl: '\''members role'\'' needs USER ROLE (see '\''cronctl members role --help'\'')"
'

test_expect_success 'a member (read-only) reads but cannot write: insufficient_role, exit 1' '
	CRON_TOKEN=$AW ctl_ok secrets list && test "$(ids | wc -l)" = 4 &&
	CRON_TOKEN=$AW ctl_ok members list &&
	CRON_TOKEN=$AW ctl_expect 1 secrets create --name m --value v && api_error_is insufficient_role &&
	CRON_TOKEN=$AW ctl_expect 1 secrets delete "$S1" && api_error_is insufficient_role &&
	CRON_TOKEN=$AW ctl_expect 1 tokens create --name m && api_error_is insufficient_role &&
	CRON_TOKEN=$AW ctl_expect 1 members invite m@example.com && api_error_is insufficient_role &&
	CRON_TOKEN=$AW ctl_expect 1 channels create --name m --type email --email m@example.com &&
	api_error_is insufficient_role &&
	CRON_TOKEN=$AW ctl_expect 1 jobs create --name m --every 5 --url https://example.com/m &&
	api_error_is insufficient_role &&
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE name = \"m\"")" = 0
'

test_expect_success 'members remove USER; the owner cannot be removed' '
	ctl_ok members remove "$A_ID" && out_is "Removed member $A_ID" &&
	ctl_ok members list && test "$(ids)" = "$O_ID" &&
	CRON_TOKEN=$AW ctl_expect 1 secrets list && api_error_is unauthorized &&
	ctl_expect 1 members remove "$O_ID" && api_error_is conflict &&
	ctl_expect 1 members remove "$A_ID" && api_error_is not_found
'

# --- notification channels ----------------------------------------------------

test_expect_success 'channels create webhook: the secret is sealed, only secret_set shown' '
	ctl_ok channels create --name pager --type webhook --url https://hooks.example.com/cron --secret "$WHSEC" &&
	CW=$(sed -n "s/^ID  *\(c[0-9a-z]\{24\}\)$/\1/p" out) && test -n "$CW" &&
	kv Name pager && kv Type webhook && kv "  url" https://hooks.example.com/cron &&
	kv "  secret_set" true && test_grep -v "${WHSEC#whsec_}" out &&
	stack_sql "SELECT HEX(credentials) FROM notification_channels WHERE id = \"$CW\"" |
		"$SEAL" -d "$TRASH_DIRECTORY/keyring" "channel:$W:$CW" 1 >plain &&
	printf "{\"secret\":\"%s\"}" "$WHSEC" >want && test_cmp want plain
'

test_expect_success 'channels create email, and slack from -f FILE with flags overriding it' '
	ctl_ok channels create --name ops-mail --type email --email ops@example.com &&
	CE=$(sed -n "s/^ID  *\(c[0-9a-z]\{24\}\)$/\1/p" out) && kv Type email && kv "  email" ops@example.com &&
	echo "{\"name\":\"file-slack\",\"type\":\"slack\",\"config\":{\"url\":\"https://hooks.slack.com/services/T0/B0/file\",\"mention_text\":\"from file\"}}" >slack.json &&
	ctl_ok channels create -f slack.json --name dev-slack --mention-text "<!here>" --include-output --json &&
	CS=$(jq -r .id out) &&
	jq -e ".name == \"dev-slack\" and .type == \"slack\"
		and .config == {url_set: true, mention_text: \"<!here>\", include_output: true}" out &&
	ctl_ok channels get "$CS" && kv Name dev-slack && kv "  mention_text" "<!here>" &&
	kv "  include_output" true && kv "  url_set" true
'

test_expect_success 'channels create: usage errors (exit 2), validation and conflict (exit 1)' '
	ctl_expect 2 --api-url $DOWN channels create --name x &&
	err_is "cronctl: give --name and --type (or -f FILE) (see '\''cronctl channels create --help'\'')" &&
	echo "not json" >bad.json &&
	ctl_expect 2 --api-url $DOWN channels create -f bad.json &&
	err_is "cronctl: bad.json is not a readable JSON object (see '\''cronctl channels create --help'\'')" &&
	ctl_expect 1 channels create --name pigeon --type carrier-pigeon && api_error_is validation_error &&
	grep -q "^  type: ." err &&
	ctl_expect 1 channels create --name pager --type email --email a@example.com && api_error_is conflict
'

test_expect_success 'channels list and get; --json is the API answer' '
	ctl_ok channels list &&
	test "$(words "$(head -n 1 out)")" = "ID NAME TYPE CREATED" &&
	http GET /v1/notification-channels -H "$(bearer "$O_TOKEN")" && jq -r ".items[].id" body >expect &&
	ids >got && test_cmp expect got && test "$(wc -l <got)" = 3 &&
	test "$(words "$(row_of "$CW")" | cut -d" " -f1-3)" = "$CW pager webhook" &&
	test "$(words "$(row_of "$CE")" | cut -d" " -f1-3)" = "$CE ops-mail email" &&
	ctl_ok channels list --json && same_as_api /v1/notification-channels &&
	ctl_ok channels get "$CW" --json && same_as_api "/v1/notification-channels/$CW" &&
	test_grep -v "${WHSEC#whsec_}" out &&
	ctl_expect 1 channels get "$NOPE" && api_error_is not_found
'

test_expect_success 'channels test: a test message is queued for the channel' '
	ctl_ok channels test "$CE" &&
	MSG=$(sed -n "s/^Queued a test message to channel $CE (message id \(msg_c[0-9a-z]\{24\}\))$/\1/p" out) &&
	test -n "$MSG" &&
	test "$(stack_sql "SELECT channel_id, event, status FROM notification_deliveries WHERE message_id = \"$MSG\"" | tr "\t" " ")" = "$CE test queued" &&
	ctl_expect 1 channels test "$NOPE" && api_error_is not_found
'

# --- notification rules ---------------------------------------------------------

test_expect_success 'rules add JOB --channel: on_failure by default, or --event' '
	ctl_ok jobs create --name watched --every 60 --url https://example.com/w --draft &&
	JOB=$(sed -n "s/^ID  *\(c[0-9a-z]\{24\}\)$/\1/p" out) && test -n "$JOB" &&
	ctl_ok rules add "$JOB" --channel "$CW" &&
	R1=$(sed -n "s/^Created rule \(c[0-9a-z]\{24\}\): job $JOB notifies channel $CW on_failure$/\1/p" out) &&
	test -n "$R1" &&
	ctl_ok rules add "$JOB" --channel "$CE" --event on_success &&
	R2=$(sed -n "s/^Created rule \(c[0-9a-z]\{24\}\): job $JOB notifies channel $CE on_success$/\1/p" out) &&
	test -n "$R2" &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_rules WHERE job_id = \"$JOB\"")" = 2
'

test_expect_success 'rules add: a bad event, another workspace'\''s job, no --channel' '
	ctl_expect 1 rules add "$JOB" --channel "$CW" --event on_sunday && api_error_is validation_error &&
	grep -q "^  event: ." err &&
	CRON_TOKEN=$X_TOKEN ctl_expect 1 rules add "$JOB" --channel "$CW" && api_error_is not_found &&
	ctl_expect 2 --api-url $DOWN rules add "$JOB" --event on_success &&
	err_is "cronctl: --channel is required (see '\''cronctl rules add --help'\'')"
'

test_expect_success 'rules list JOB: a table of the rules; --json is the API answer' '
	ctl_ok rules list "$JOB" &&
	test "$(words "$(head -n 1 out)")" = "ID CHANNEL EVENT CREATED" &&
	ids | sort >got && printf "%s\n" "$R1" "$R2" | sort >expect && test_cmp expect got &&
	test "$(words "$(row_of "$R1")" | cut -d" " -f1-3)" = "$R1 $CW on_failure" &&
	test "$(words "$(row_of "$R2")" | cut -d" " -f1-3)" = "$R2 $CE on_success" &&
	ctl_ok rules list "$JOB" --json && same_as_api "/v1/jobs/$JOB/notification-rules"
'

test_expect_success 'rules delete JOB RULE' '
	ctl_ok rules delete "$JOB" "$R1" && out_is "Deleted rule $R1" &&
	ctl_ok rules list "$JOB" && test "$(ids)" = "$R2" &&
	ctl_expect 1 rules delete "$JOB" "$R1" && api_error_is not_found
'

test_expect_success 'channels delete: the channel and its rules go' '
	ctl_ok channels delete "$CE" && out_is "Deleted channel $CE" &&
	ctl_ok rules list "$JOB" && test -z "$(ids)" &&
	ctl_expect 1 channels get "$CE" && api_error_is not_found &&
	ctl_ok channels list && test "$(ids | wc -l)" = 2
'

test_done
