#!/usr/bin/env bash
test_description='accounts: signup, verification, login, JWT, me, workspaces, switch, password (SPEC 3.1, 3.2; the seed document)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"


# b64url: base64url without padding, for crafting tokens by hand.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# jwt HEADER PAYLOAD [SECRET]: an HS256 token made independently of cron-api.
jwt() {
	local h p s
	h=$(printf '%s' "$1" | b64url) p=$(printf '%s' "$2" | b64url)
	s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -hmac "${3:-$STACK_JWT_SECRET}" -binary | b64url)
	echo "$h.$p.$s"
}

# the verification link of the newest mail to $1
verify_token() {
	stack_sql "SELECT body_text FROM mail_outbox WHERE to_addr = '$1' ORDER BY id DESC LIMIT 1" |
		sed -n 's/\\n/\n/g; p' | sed -n 's/.*verify-email?token=\([0-9a-f]*\).*/\1/p' | head -1
}

ALICE='{"name":"Alice","email":"Alice@Example.com","password":"your-secure-password","workspace_name":"My Workspace","timezone":"UTC"}'

test_expect_success 'start the stack' '
	stack_up
'

test_expect_success 'signup answers 202 exactly as the seed shows' '
	json POST /v1/auth/signup -d "$ALICE" &&
	expect_status 202 &&
	jq -e "(keys == [\"email_verification_required\",\"token\",\"user\",\"workspace\"])
		and .email_verification_required == true
		and (.token | test(\"^eyJ\"))
		and .workspace.name == \"My Workspace\" and (.workspace.id | test(\"^c[0-9a-z]{24}$\"))
		and .user.name == \"Alice\" and .user.email == \"Alice@Example.com\"
		and .user.trust_level == \"pending_verification\"
		and (.user.id | test(\"^c[0-9a-z]{24}$\"))" body &&
	TOKEN=$(jq -r .token body) && WS1=$(jq -r .workspace.id body) &&
	ALICE_ID=$(jq -r .user.id body)
'

test_expect_success 'signup made the user, the workspace, an owner membership and one mail' '
	test "$(stack_sql "SELECT role FROM memberships WHERE workspace_id = \"$WS1\" AND user_id = \"$ALICE_ID\"")" = owner &&
	test "$(stack_sql "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = \"Alice@Example.com\"")" = 1 &&
	test "$(stack_sql "SELECT password_hash LIKE \"\$s1\$%\" FROM users WHERE id = \"$ALICE_ID\"")" = 1 &&
	test "$(stack_sql "SELECT COUNT(*) FROM email_tokens WHERE user_id = \"$ALICE_ID\" AND expires_at BETWEEN UTC_TIMESTAMP() + INTERVAL 23 HOUR AND UTC_TIMESTAMP() + INTERVAL 25 HOUR")" = 1
'

test_expect_success 'the same email in another case is a 409 conflict, and nothing is written' '
	json POST /v1/auth/signup -d "$(echo "$ALICE" | sed s/Alice@Example/alice@example/)" &&
	expect_error conflict 409 &&
	test "$(stack_sql "SELECT COUNT(*) FROM users")" = 1 &&
	test "$(stack_sql "SELECT COUNT(*) FROM workspaces")" = 1
'

test_expect_success 'signup validation: every bad field is named in details.fields' '
	json POST /v1/auth/signup -d "{\"name\":\"\",\"email\":\"not-an-email\",\"password\":\"short\",\"timezone\":\"Mars/Base\",\"admin\":true}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields | .name and .email and .password and .timezone
		and .workspace_name == \"is required\" and .admin == \"is not a known field\"" body &&
	json POST /v1/auth/signup -d "[1]" && expect_error validation_error 422 &&
	json POST /v1/auth/signup -d "{\"name\":\"$(printf "%0101d" 0)\",\"email\":\"a@b.co\",\"password\":\"0123456789\",\"workspace_name\":\"w\",\"timezone\":\"../../etc/passwd\"}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields | .name == \"is too long\" and .timezone" body
'

test_expect_success 'a pending user reads (GET /v1/me) but cannot write (email_not_verified)' '
	http GET /v1/me -H "$(bearer "$TOKEN")" && expect_status 200 &&
	jq -e ".user.trust_level == \"pending_verification\" and .role == \"owner\"
		and .workspace.id == \"$WS1\" and .workspace.restricted == false
		and .workspace.restriction_reason == null" body &&
	json POST /v1/workspaces -H "$(bearer "$TOKEN")" -d "{\"name\":\"Acme Corp\"}" &&
	expect_error email_not_verified 403
'

test_expect_success 'resend-verification queues a new mail (202)' '
	http POST /v1/auth/resend-verification -H "$(bearer "$TOKEN")" &&
	expect_status 202 &&
	test "$(stack_sql "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = \"Alice@Example.com\"")" = 2
'

test_expect_success 'the emailed GET link verifies the account, once' '
	VT=$(verify_token Alice@Example.com) && test ${#VT} = 64 &&
	http GET "/v1/auth/verify-email?token=$VT" && expect_status 200 &&
	jq -e ".verified == true and .trust_level == \"verified\"" body &&
	http GET "/v1/auth/verify-email?token=$VT" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields.token" body
'

test_expect_success 'verification tokens are stored hashed, never raw' '
	test "$(stack_sql "SELECT COUNT(*) FROM email_tokens WHERE token_hash = \"$VT\"")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM email_tokens WHERE token_hash = SHA2(\"$VT\", 256)")" = 1
'

test_expect_success 'bad, missing and expired tokens are 422; POST works like GET' '
	json POST /v1/auth/verify-email -d "{\"token\":\"nope\"}" &&
	expect_error validation_error 422 &&
	http GET /v1/auth/verify-email && expect_error validation_error 422 &&
	stack_sql "UPDATE email_tokens SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE used_at IS NULL" &&
	OLD=$(stack_sql "SELECT 1") &&
	json POST /v1/auth/verify-email -d "{\"token\":\"$VT\"}" &&
	expect_error validation_error 422
'

test_expect_success 'resend after verification is a 409 conflict' '
	http POST /v1/auth/resend-verification -H "$(bearer "$TOKEN")" &&
	expect_error conflict 409
'

test_expect_success 'verified: POST /v1/workspaces creates a workspace the caller owns' '
	json POST /v1/workspaces -H "$(bearer "$TOKEN")" \
		-d "{\"name\":\"Acme Corp\",\"timezone\":\"Europe/Berlin\"}" &&
	expect_status 201 &&
	jq -e ".workspace.name == \"Acme Corp\" and .workspace.timezone == \"Europe/Berlin\" and .role == \"owner\"" body &&
	WS2=$(jq -r .workspace.id body) &&
	http GET /v1/workspaces -H "$(bearer "$TOKEN")" && expect_status 200 &&
	jq -e "[.items[] | .workspace.id] == [\"$WS1\", \"$WS2\"] and [.items[].role] == [\"owner\",\"owner\"]" body
'

test_expect_success 'login answers 200 as the seed shows, scoped to the first workspace' '
	json POST /v1/auth/login -d "{\"email\":\"alice@example.com\",\"password\":\"your-secure-password\"}" &&
	expect_status 200 &&
	jq -e "(keys == [\"token\",\"user\",\"workspace\",\"workspaces\"])
		and .workspace.id == \"$WS1\" and .user.id == \"$ALICE_ID\"
		and .user.trust_level == \"verified\" and (.user | keys == [\"id\",\"name\",\"trust_level\"])
		and (.workspaces | length == 2) and .workspaces[1].workspace.name == \"Acme Corp\"
		and .workspaces[1].role == \"owner\"" body &&
	LOGIN=$(jq -r .token body)
'

test_expect_success 'wrong password and unknown email are the same 401 invalid_credentials' '
	json POST /v1/auth/login -d "{\"email\":\"alice@example.com\",\"password\":\"wrong-password\"}" &&
	expect_error invalid_credentials 401 && cp body wrong.json &&
	json POST /v1/auth/login -d "{\"email\":\"nobody@example.com\",\"password\":\"wrong-password\"}" &&
	expect_error invalid_credentials 401 &&
	test_cmp wrong.json body
'

test_expect_success 'switch-workspace returns a JWT scoped to the other workspace' '
	json POST /v1/auth/switch-workspace -H "$(bearer "$LOGIN")" -d "{\"workspace_id\":\"$WS2\"}" &&
	expect_status 200 &&
	jq -e ".workspace.id == \"$WS2\" and .role == \"owner\"" body &&
	T2=$(jq -r .token body) &&
	http GET /v1/me -H "$(bearer "$T2")" &&
	jq -e ".workspace.id == \"$WS2\" and .workspace.timezone == \"Europe/Berlin\"" body
'

test_expect_success 'switching to a workspace one is not a member of is 404' '
	json POST /v1/auth/switch-workspace -H "$(bearer "$LOGIN")" -d "{\"workspace_id\":\"c000000000000000000000001\"}" &&
	expect_error not_found 404 &&
	json POST /v1/auth/switch-workspace -H "$(bearer "$LOGIN")" -d "{\"workspace_id\":\"x\"}" &&
	expect_error validation_error 422
'

test_expect_success 'missing, malformed and foreign credentials are 401 unauthorized' '
	http GET /v1/me && expect_error unauthorized 401 &&
	http GET /v1/me -H "Authorization: Basic abc" && expect_error unauthorized 401 &&
	http GET /v1/me -H "$(bearer garbage)" && expect_error unauthorized 401 &&
	http GET /v1/me -H "$(bearer cron_pat_nosuchtoken)" && expect_error unauthorized 401
'

test_expect_success 'a JWT made independently with the server key is accepted (the format is standard)' '
	now=$(date +%s) &&
	T=$(jwt "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" "{\"sub\":\"$ALICE_ID\",\"wid\":\"$WS1\",\"iat\":$now,\"exp\":$((now + 60)),\"jti\":\"c000000000000000000000abc\"}") &&
	http GET /v1/me -H "$(bearer "$T")" && expect_status 200
'

test_expect_success 'forged, tampered, alg none, HS512, expired JWTs are 401' '
	now=$(date +%s) &&
	claims="{\"sub\":\"$ALICE_ID\",\"wid\":\"$WS1\",\"iat\":$now,\"exp\":$((now + 60)),\"jti\":\"c000000000000000000000abc\"}" &&
	bad_key=$(jwt "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" "$claims" "0123456789abcdef0123456789abcdef-wrong") &&
	none="$(printf "{\"alg\":\"none\"}" | b64url).$(printf "%s" "$claims" | b64url)." &&
	hs512=$(jwt "{\"alg\":\"HS512\",\"typ\":\"JWT\"}" "$claims") &&
	expired=$(jwt "{\"alg\":\"HS256\"}" "{\"sub\":\"$ALICE_ID\",\"wid\":\"$WS1\",\"iat\":$((now - 100)),\"exp\":$((now - 1)),\"jti\":\"c000000000000000000000abc\"}") &&
	other=$(jwt "{\"alg\":\"HS256\"}" "{\"sub\":\"c000000000000000000000999\",\"wid\":\"$WS1\",\"iat\":$now,\"exp\":$((now + 60)),\"jti\":\"c000000000000000000000abc\"}") &&
	tampered=$(echo "$LOGIN" | awk -F. "{ print \$1 \".\" \$2 \"x.\" \$3 }") &&
	for t in "$bad_key" "$none" "$hs512" "$expired" "$other" "$tampered"; do
		http GET /v1/me -H "$(bearer "$t")" &&
		expect_error unauthorized 401 || return 1
	done
'

test_expect_success 'change-password: wrong current is 422, short new is 422, then it works' '
	json POST /v1/auth/change-password -H "$(bearer "$LOGIN")" \
		-d "{\"current_password\":\"nope-nope-nope\",\"new_password\":\"another-long-password\"}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields.current_password" body &&
	json POST /v1/auth/change-password -H "$(bearer "$LOGIN")" \
		-d "{\"current_password\":\"your-secure-password\",\"new_password\":\"short\"}" &&
	expect_error validation_error 422 &&
	json POST /v1/auth/change-password -H "$(bearer "$LOGIN")" \
		-d "{\"current_password\":\"your-secure-password\",\"new_password\":\"another-long-password\"}" &&
	expect_status 200 &&
	json POST /v1/auth/login -d "{\"email\":\"alice@example.com\",\"password\":\"your-secure-password\"}" &&
	expect_error invalid_credentials 401 &&
	json POST /v1/auth/login -d "{\"email\":\"alice@example.com\",\"password\":\"another-long-password\"}" &&
	expect_status 200
'

test_expect_success 'stronger scrypt parameters: the hash is upgraded at the next login' '
	old=$(stack_sql "SELECT password_hash FROM users WHERE id = \"$ALICE_ID\"") &&
	echo "password_scrypt_log2n = 18" >>"$CRON_CONF" &&
	stack_api_stop && stack_api_start &&
	json POST /v1/auth/login -d "{\"email\":\"alice@example.com\",\"password\":\"another-long-password\"}" &&
	expect_status 200 &&
	new=$(stack_sql "SELECT password_hash FROM users WHERE id = \"$ALICE_ID\"") &&
	test "$new" != "$old" &&
	test_grep "password hash of user $ALICE_ID upgraded" "$API_LOG" &&
	json POST /v1/auth/login -d "{\"email\":\"alice@example.com\",\"password\":\"another-long-password\"}" &&
	expect_status 200
'

test_expect_success 'cron-api refuses a short jwt_secret and weak scrypt settings' '
	sed "s/^jwt_secret = .*/jwt_secret = short/" "$CRON_CONF" >short.conf &&
	test_must_fail cron-api -n -f short.conf 2>err && test_grep "jwt_secret must be" err &&
	sed "s/^password_scrypt_log2n = .*/password_scrypt_log2n = 14/" "$CRON_CONF" >weak.conf &&
	test_must_fail cron-api -n -f weak.conf 2>err && test_grep "OWASP" err &&
	sed "s/^password_scrypt_log2n = .*/password_scrypt_log2n = 22/" "$CRON_CONF" >huge.conf &&
	test_must_fail cron-api -n -f huge.conf 2>err && test_grep "not a usable scrypt" err
'

test_expect_success 'no password, JWT or verification token in the server logs' '
	for s in your-secure-password another-long-password "$VT" "$TOKEN" "$LOGIN" "$STACK_JWT_SECRET"; do
		test_grep -v "$s" "$API_LOG" || return 1
	done
'

test_done
