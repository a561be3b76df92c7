#!/usr/bin/env bash
test_description='secrets (SPEC 4, the seed document): create, list metadata only, delete, recreate, rotation'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

VALUE1='sk_live_abc123-first-value'
VALUE2='sk_live_new_value-second'

test_expect_success 'start the stack: an owner, a member of the same workspace, another workspace' '
	stack_up &&
	stack_user O owner@example.com && W=$O_WS &&
	stack_user M member@example.com &&
	stack_sql "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (\"$W\", \"$M_ID\", \"member\", UTC_TIMESTAMP(3))" &&
	json POST /v1/auth/switch-workspace -H "$(bearer "$M_TOKEN")" -d "{\"workspace_id\":\"$W\"}" &&
	M_TOKEN=$(jq -r .token body) &&
	stack_user X other@example.com &&
	stack_user P pending@example.com pending
'

test_expect_success 'create answers 201 with metadata exactly as the seed shows, never the value' '
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"stripe-key\",\"value\":\"$VALUE1\"}" &&
	expect_status 201 &&
	jq -e "(keys == [\"created_at\",\"environment\",\"id\",\"key_version\",\"name\"])
		and .name == \"stripe-key\" and .environment == \"workspace\"
		and .key_version == \"v1\" and (.created_at | test(\"^[0-9-]{10}T[0-9:.]{12}Z$\"))" body &&
	test_grep -v "$VALUE1" body &&
	SID=$(jq -r .id body)
'

test_expect_success 'only ciphertext is stored, bound to the key version' '
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE id = \"$SID\" AND key_version = 1 AND LENGTH(ciphertext) = $(( ${#VALUE1} + 28 ))")" = 1 &&
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE INSTR(ciphertext, \"$VALUE1\") > 0")" = 0
'

test_expect_success 'list shows metadata only' '
	http GET /v1/secrets -H "$(bearer "$M_TOKEN")" && expect_status 200 &&
	jq -e "[.items[].name] == [\"stripe-key\"] and (.items[0] | has(\"value\") | not) and .next_cursor == null" body &&
	test_grep -v "$VALUE1" body
'

test_expect_success 'a duplicate name is 409; names are case-sensitive' '
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"stripe-key\",\"value\":\"x\"}" &&
	expect_error conflict 409 &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"Stripe-Key\",\"value\":\"x\"}" &&
	expect_status 201 && OTHER=$(jq -r .id body)
'

test_expect_success 'validation: name charset and length, value 1 byte to 64 KiB, no other fields' '
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"bad name!\",\"value\":\"\",\"env\":\"prod\"}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields | .name and .value and .env" body &&
	n65=$(printf "a%.0s" $(seq 65)) &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"$n65\",\"value\":\"v\"}" &&
	expect_error validation_error 422 &&
	n64=$(printf "a%.0s" $(seq 64)) &&
	printf "{\"name\":\"%s\",\"value\":\"%s\"}" "$n64" "$(head -c 65536 /dev/zero | tr "\0" v)" >max.json &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" --data-binary @max.json &&
	expect_status 201 &&
	printf "{\"name\":\"big\",\"value\":\"%s\"}" "$(head -c 65537 /dev/zero | tr "\0" v)" >big.json &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" --data-binary @big.json &&
	expect_error validation_error 422
'

test_expect_success 'a member cannot create or delete (403 insufficient_role)' '
	json POST /v1/secrets -H "$(bearer "$M_TOKEN")" -d "{\"name\":\"m\",\"value\":\"v\"}" &&
	expect_error insufficient_role 403 &&
	http DELETE "/v1/secrets/$SID" -H "$(bearer "$M_TOKEN")" &&
	expect_error insufficient_role 403
'

test_expect_success 'an unverified user cannot create (403 email_not_verified)' '
	json POST /v1/secrets -H "$(bearer "$P_TOKEN")" -d "{\"name\":\"p\",\"value\":\"v\"}" &&
	expect_error email_not_verified 403
'

test_expect_success 'another workspace sees nothing and gets 404 on delete' '
	http GET /v1/secrets -H "$(bearer "$X_TOKEN")" && jq -e ".items == []" body &&
	http DELETE "/v1/secrets/$SID" -H "$(bearer "$X_TOKEN")" && expect_error not_found 404
'

test_expect_success 'an API token acts with its creator role' '
	json POST /v1/api-tokens -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"ci\"}" &&
	PAT=$(jq -r .token body) &&
	json POST /v1/secrets -H "$(bearer "$PAT")" -d "{\"name\":\"from-ci\",\"value\":\"v\"}" &&
	expect_status 201
'

test_expect_success 'delete, then recreate the same name with a new value (the seed update flow)' '
	http DELETE "/v1/secrets/$SID" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	http DELETE "/v1/secrets/$SID" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"stripe-key\",\"value\":\"$VALUE2\"}" &&
	expect_status 201 && SID2=$(jq -r .id body) && test "$SID2" != "$SID"
'

test_expect_success 'pagination of the list' '
	http GET "/v1/secrets?limit=2" -H "$(bearer "$O_TOKEN")" &&
	jq -e "(.items | length) == 2 and (.next_cursor | type) == \"string\"" body
'

test_expect_success 'keys rotate: a new current version, every secret re-encrypted, values kept' '
	before=$(stack_sql "SELECT HEX(ciphertext) FROM secrets WHERE id = \"$SID2\"") &&
	cron-admin keys rotate >out &&
	test_grep "key v2 is now current" out &&
	test_grep "re-encrypted 4 secrets and 0 channel credentials to key v2" out &&
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE key_version <> 2")" = 0 &&
	after=$(stack_sql "SELECT HEX(ciphertext) FROM secrets WHERE id = \"$SID2\"") &&
	test "$before" != "$after" &&
	http GET /v1/secrets -H "$(bearer "$O_TOKEN")" &&
	jq -e "[.items[].key_version] | unique == [\"v2\"]" body
'

test_expect_success 'after rotation cron-api (restarted) seals new values with v2' '
	stack_api_stop && stack_api_start &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"after-rotate\",\"value\":\"v\"}" &&
	expect_status 201 && jq -e ".key_version == \"v2\"" body
'

test_expect_success 'keys status and prune: v1 unused, removed; v2 kept' '
	cron-admin keys status >status &&
	test_grep "^v1 0 secrets, 0 channel credentials$" status && test_grep "^v2 (current) 5 secrets, 0 channel credentials$" status &&
	cron-admin keys prune >out && test_grep "removed v1" out &&
	cron-admin keys status >status && test_grep -v "^v1" status
'

test_expect_success 'the v2 values decrypt: a second rotation re-encrypts all of them, none fails' '
	cron-admin keys rotate >out &&
	test_grep "re-encrypted 5 secrets and 0 channel credentials to key v3" out &&
	test_grep -v "could not be decrypted" out &&
	cron-admin keys prune >out && test_grep "removed v2" out
'

test_expect_success 'a ciphertext moved to another row does not decrypt (AAD), and rotation reports it' '
	stack_sql "UPDATE secrets s JOIN secrets t ON t.id = \"$OTHER\" SET s.ciphertext = t.ciphertext WHERE s.id = \"$SID2\"" &&
	stack_sql "UPDATE secrets SET key_version = 1 WHERE id = \"$SID2\"" &&
	cron-admin keys status >status && test_grep "v1 MISSING from the keyring: 1 secrets" status &&
	cron-admin keys rotate --resume >out 2>err;
	test_grep "secret $SID2 (key v1) does not decrypt" err &&
	stack_sql "UPDATE secrets SET key_version = 3 WHERE id = \"$SID2\"" &&
	cron-admin keys rotate >out 2>err;
	test_grep "secret $SID2 (key v3) does not decrypt" err &&
	test_grep "1 could not be decrypted" out
'

test_expect_success 'the keyring file is 0600 and the values never reached a log' '
	test "$(stat -c %a "$TRASH_DIRECTORY/keyring")" = 600 &&
	test_grep -v "$VALUE1" "$API_LOG" && test_grep -v "$VALUE2" "$API_LOG"
'

test_done
