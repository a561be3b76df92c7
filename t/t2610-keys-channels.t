#!/usr/bin/env bash
test_description='cron-admin keys: notification channel credentials are rotated, counted and kept like secrets'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# The channels API may not seal credentials yet, so rows are written with
# SQL and sealed by t/helper/seal with the keyring (AAD as cron-api uses).
SEAL=$TEST_BUILDDIR/t/helper/seal
CREDS='{"signing_secret":"whsec_Sëcret-crédential"}'
N=150	# channels: more than one rotation batch (100)

chan_id() { printf 'c%024d' "$1"; }
aad() { printf 'channel:%s:%s' "$W" "$1"; }

# seal_with KEYRING ID: "VERSION HEX" of $CREDS sealed for channel ID.
seal_with() { printf '%s' "$CREDS" | "$SEAL" "$1" "$(aad "$2")"; }

# chan_values ID VERSION HEX: a VALUES tuple of notification_channels
# (HEX "": no credentials).
chan_values() {
	local ct=NULL
	test -z "$3" || ct="X'$3'"
	printf "('%s', '%s', 'hook %s', 'webhook', '{\"url\":\"https://example.com/h\"}', %s, %s, '%s', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))" \
		"$1" "$W" "$1" "$ct" "$2" "$O_ID"
}
chan_insert() {
	stack_sql "INSERT INTO notification_channels (id, workspace_id, name,
		type, config, credentials, key_version, created_by, created_at,
		updated_at) VALUES $*"
}

# opens ID VERSION: the stored credentials of channel ID open with key
# VERSION of the current keyring file and give back $CREDS.
opens() {
	stack_sql "SELECT HEX(credentials) FROM notification_channels WHERE id = '$1'" |
		"$SEAL" -d "$TRASH_DIRECTORY/keyring" "$(aad "$1")" "$2" >plain &&
	printf '%s' "$CREDS" >expect && test_cmp expect plain
}

C1=$(chan_id 1) CNULL=$(chan_id 2) CLATE=$(chan_id 3) CMOVED=$(chan_id 4)

test_expect_success 'start the stack; a secret and channels sealed with v1' '
	test -x "$SEAL" &&
	stack_up &&
	stack_user O owner@example.com && W=$O_WS &&
	json POST /v1/secrets -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"k\",\"value\":\"v\"}" &&
	expect_status 201 &&
	set -- $(seal_with "$TRASH_DIRECTORY/keyring" $C1) &&
	test "$1" = 1 && C1_V1=$2 &&
	{
		chan_values $C1 1 $C1_V1 &&
		printf ", " && chan_values $CNULL NULL "" &&
		for i in $(seq 100 $((100 + N - 2))); do
			set -- $(seal_with "$TRASH_DIRECTORY/keyring" $(chan_id $i)) &&
			printf ", " && chan_values $(chan_id $i) $1 $2 || return 1
		done
	} >values &&
	chan_insert "$(cat values)" &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_channels WHERE key_version = 1")" = $N &&
	opens $C1 1 &&
	cp "$TRASH_DIRECTORY/keyring" keyring.v1
'

test_expect_success 'keys status counts secrets and channel credentials apart' '
	cron-admin keys status >status &&
	echo "v1 (current) 1 secrets, $N channel credentials" >expect &&
	test_cmp expect status
'

test_expect_success 'keys rotate re-encrypts secrets and every channel credentials, in batches' '
	cron-admin keys rotate >out &&
	test_grep "key v2 is now current" out &&
	test_grep "re-encrypted 1 secrets and $N channel credentials to key v2$" out &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_channels WHERE credentials IS NOT NULL AND key_version <> 2")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM secrets WHERE key_version <> 2")" = 0
'

test_expect_success 'the new ciphertext differs and opens under v2 with the channel AAD only' '
	test "$(stack_sql "SELECT HEX(credentials) FROM notification_channels WHERE id = \"$C1\"")" != "$C1_V1" &&
	opens $C1 2 &&
	opens $(chan_id $((100 + N - 2))) 2 &&
	stack_sql "SELECT HEX(credentials) FROM notification_channels WHERE id = \"$C1\"" >ct &&
	test_must_fail "$SEAL" -d "$TRASH_DIRECTORY/keyring" "$W:$C1" 2 <ct &&
	test_must_fail "$SEAL" -d "$TRASH_DIRECTORY/keyring" "$(aad $CNULL)" 2 <ct
'

test_expect_success 'a channel without credentials is left alone' '
	test "$(stack_sql "SELECT credentials IS NULL, key_version IS NULL FROM notification_channels WHERE id = \"$CNULL\"")" = "$(printf "1\t1")"
'

test_expect_success 'prune refuses to drop a version a channel still uses' '
	set -- $(seal_with keyring.v1 $CLATE) && test "$1" = 1 &&
	chan_insert "$(chan_values $CLATE 1 $2)" &&
	cron-admin keys status >status &&
	test_grep "^v1 0 secrets, 1 channel credentials$" status &&
	test_grep "^v2 (current) 1 secrets, $N channel credentials$" status &&
	cron-admin keys prune >out &&
	test_grep "^kept v1: still used by 0 secrets, 1 channel credentials$" out &&
	test_grep "nothing to prune" out &&
	test_grep "^v1 " "$TRASH_DIRECTORY/keyring" &&
	opens $CLATE 1
'

test_expect_success 'rotate --resume moves it; then prune drops v1' '
	cron-admin keys rotate --resume >out &&
	test_grep -v "is now current" out &&
	test_grep "re-encrypted 0 secrets and 1 channel credentials to key v2$" out &&
	opens $CLATE 2 &&
	cron-admin keys prune >out && test_grep "^removed v1$" out &&
	cron-admin keys status >status &&
	echo "v2 (current) 1 secrets, $((N + 1)) channel credentials" >expect &&
	test_cmp expect status
'

test_expect_success 'credentials moved to another channel do not decrypt; rotation reports it by id' '
	chan_insert "$(chan_values $CMOVED 2 "")" &&
	stack_sql "UPDATE notification_channels c JOIN notification_channels s ON s.id = \"$C1\" SET c.credentials = s.credentials WHERE c.id = \"$CMOVED\"" &&
	test_must_fail cron-admin keys rotate >out 2>err &&
	test_grep "channel $CMOVED (key v2) does not decrypt" err &&
	test_grep "re-encrypted 1 secrets and $((N + 1)) channel credentials to key v3, 1 could not be decrypted$" out &&
	test_grep -v "whsec_" err && test_grep -v "whsec_" out &&
	opens $C1 3 &&
	test "$(stack_sql "SELECT key_version FROM notification_channels WHERE id = \"$CMOVED\"")" = 2 &&
	cron-admin keys prune >out && test_grep "^kept v2: still used by 0 secrets, 1 channel credentials$" out
'

test_expect_success 'a deleted channel takes its credentials out of the counts' '
	stack_sql "DELETE FROM notification_channels WHERE id = \"$CMOVED\"" &&
	cron-admin keys prune >out && test_grep "^removed v2$" out &&
	cron-admin keys status >status &&
	echo "v3 (current) 1 secrets, $((N + 1)) channel credentials" >expect &&
	test_cmp expect status
'

test_done
