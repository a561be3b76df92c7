#!/usr/bin/env bash
test_description='team: workspace settings, members, invites, ownership transfer, account deletion (SPEC 3.4)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# the token in the newest mail to $1
mail_token() {
	stack_sql "SELECT body_text FROM mail_outbox WHERE to_addr = '$1' ORDER BY id DESC LIMIT 1" |
		sed 's/\\n/\n/g' | sed -n 's/.*token=\([0-9a-f]\{64\}\).*/\1/p' | head -1
}
owners() { stack_sql "SELECT COUNT(*) FROM memberships WHERE workspace_id = '$W' AND role = 'owner'"; }

test_expect_success 'start the stack: an owner and three other users' '
	stack_up &&
	stack_user O owner@example.com && W=$O_WS &&
	stack_user A alice@example.com && stack_user M mallory@example.com &&
	stack_user X xavier@example.com
'

test_expect_success 'GET /v1/workspace shows the settings' '
	http GET /v1/workspace -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	jq -e ".id == \"$W\" and .name == \"O space\" and .timezone == \"UTC\"
		and .restricted == false and .restriction_reason == null and (.created_at | test(\"Z$\"))" body
'

test_expect_success 'PATCH /v1/workspace changes name and timezone; validated' '
	json PATCH /v1/workspace -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"Acme\",\"timezone\":\"Asia/Tokyo\"}" &&
	expect_status 200 && jq -e ".name == \"Acme\" and .timezone == \"Asia/Tokyo\"" body &&
	json PATCH /v1/workspace -H "$(bearer "$O_TOKEN")" -d "{\"timezone\":\"Nowhere/City\",\"plan\":\"x\"}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields | .timezone and .plan" body
'

test_expect_success 'invites: owner invites by email; the mail carries the token' '
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"Alice@Example.com\",\"role\":\"admin\"}" &&
	expect_status 201 &&
	jq -e ".email == \"Alice@Example.com\" and .role == \"admin\" and .invited_by == \"$O_ID\"
		and (.expires_at | test(\"Z$\"))" body &&
	INV1=$(jq -r .id body) &&
	T1=$(mail_token Alice@Example.com) && test ${#T1} = 64
'

test_expect_success 'a second invite to the same address replaces the first' '
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"alice@example.com\",\"role\":\"admin\"}" &&
	expect_status 201 && INV2=$(jq -r .id body) &&
	TA=$(mail_token alice@example.com) && test "$TA" != "$T1" &&
	http GET /v1/workspace/invites -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	jq -e "[.items[].id] == [\"$INV2\"]" body
'

test_expect_success 'invite validation: role owner, bad email, unknown field are 422' '
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"x\",\"role\":\"owner\",\"note\":1}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields | .email and .role and .note" body
'

test_expect_success 'an invite is refused for another address and for the old token' '
	json POST /v1/invites/accept -H "$(bearer "$X_TOKEN")" -d "{\"token\":\"$TA\"}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields.token | test(\"another email\")" body &&
	json POST /v1/invites/accept -H "$(bearer "$A_TOKEN")" -d "{\"token\":\"$T1\"}" &&
	expect_error validation_error 422
'

test_expect_success 'the invited user accepts once and becomes an admin' '
	json POST /v1/invites/accept -H "$(bearer "$A_TOKEN")" -d "{\"token\":\"$TA\"}" &&
	expect_status 200 &&
	jq -e ".workspace.id == \"$W\" and .workspace.name == \"Acme\" and .role == \"admin\"" body &&
	json POST /v1/invites/accept -H "$(bearer "$A_TOKEN")" -d "{\"token\":\"$TA\"}" &&
	expect_error validation_error 422 &&
	http GET /v1/workspace/invites -H "$(bearer "$O_TOKEN")" && jq -e ".items == []" body
'

test_expect_success 'inviting a member is a 409; expired invites cannot be accepted' '
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"alice@example.com\",\"role\":\"member\"}" &&
	expect_error conflict 409 &&
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"mallory@example.com\",\"role\":\"member\"}" &&
	expect_status 201 && MINV=$(jq -r .id body) && TM=$(mail_token mallory@example.com) &&
	stack_sql "UPDATE invites SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = \"$MINV\"" &&
	json POST /v1/invites/accept -H "$(bearer "$M_TOKEN")" -d "{\"token\":\"$TM\"}" &&
	expect_error validation_error 422 &&
	http DELETE "/v1/workspace/invites/$MINV" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	http DELETE "/v1/workspace/invites/$MINV" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404
'

test_expect_success 'the members list: user, role, joined_at, paginated' '
	json POST /v1/workspace/invites -H "$(bearer "$O_TOKEN")" -d "{\"email\":\"mallory@example.com\",\"role\":\"member\"}" &&
	TM=$(mail_token mallory@example.com) &&
	json POST /v1/invites/accept -H "$(bearer "$M_TOKEN")" -d "{\"token\":\"$TM\"}" && expect_status 200 &&
	http GET /v1/workspace/members -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	jq -e "(.items | length) == 3 and .next_cursor == null
		and ([.items[] | select(.role == \"owner\") | .user.id] == [\"$O_ID\"])
		and ([.items[] | select(.user.email == \"alice@example.com\") | .role] == [\"admin\"])
		and (.items[0].joined_at | test(\"Z$\"))" body &&
	http GET "/v1/workspace/members?limit=2" -H "$(bearer "$O_TOKEN")" &&
	jq -e "(.items | length) == 2 and (.next_cursor | type) == \"string\"" body &&
	http GET "/v1/workspace/members?limit=2&cursor=$(jq -r .next_cursor body)" -H "$(bearer "$O_TOKEN")" &&
	jq -e "(.items | length) == 1 and .next_cursor == null" body
'

test_expect_success 'role changes: admin to member; never to or from owner' '
	json PATCH "/v1/workspace/members/$A_ID" -H "$(bearer "$O_TOKEN")" -d "{\"role\":\"member\"}" &&
	expect_status 200 && jq -e ".role == \"member\"" body &&
	json PATCH "/v1/workspace/members/$A_ID" -H "$(bearer "$O_TOKEN")" -d "{\"role\":\"owner\"}" &&
	expect_error validation_error 422 &&
	json PATCH "/v1/workspace/members/$O_ID" -H "$(bearer "$O_TOKEN")" -d "{\"role\":\"admin\"}" &&
	expect_error conflict 409 &&
	json PATCH "/v1/workspace/members/$X_ID" -H "$(bearer "$O_TOKEN")" -d "{\"role\":\"admin\"}" &&
	expect_error not_found 404 &&
	test "$(owners)" = 1
'

test_expect_success 'a demoted admin loses admin rights at once (role read per request)' '
	json POST /v1/auth/switch-workspace -H "$(bearer "$A_TOKEN")" -d "{\"workspace_id\":\"$W\"}" &&
	AW=$(jq -r .token body) &&
	http GET /v1/me -H "$(bearer "$AW")" && jq -e ".role == \"member\"" body
'

test_expect_success 'the owner cannot remove themself; removing a member works at once' '
	http DELETE "/v1/workspace/members/$O_ID" -H "$(bearer "$O_TOKEN")" &&
	expect_error conflict 409 &&
	http DELETE "/v1/workspace/members/$A_ID" -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	http GET /v1/workspace -H "$(bearer "$AW")" && expect_error unauthorized 401 &&
	http GET /v1/me -H "$(bearer "$AW")" && expect_status 200 &&
	jq -e ".workspace == null and .role == null" body &&
	http DELETE "/v1/workspace/members/$A_ID" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404
'

test_expect_success 'ownership transfer: the new owner and the old one (now admin)' '
	json POST /v1/workspace/transfer -H "$(bearer "$O_TOKEN")" -d "{\"user_id\":\"$X_ID\"}" &&
	expect_error not_found 404 &&
	json POST /v1/workspace/transfer -H "$(bearer "$O_TOKEN")" -d "{\"user_id\":\"$M_ID\"}" &&
	expect_status 200 &&
	jq -e ".owner_id == \"$M_ID\" and .previous_owner_id == \"$O_ID\" and .previous_owner_role == \"admin\"" body &&
	test "$(owners)" = 1 &&
	test "$(stack_sql "SELECT role FROM memberships WHERE workspace_id = \"$W\" AND user_id = \"$O_ID\"")" = admin &&
	json PATCH /v1/workspace -H "$(bearer "$O_TOKEN")" -d "{\"name\":\"Nope\"}" &&
	expect_error insufficient_role 403
'

test_expect_success 'the database itself refuses a second owner' '
	test_must_fail stack_sql "UPDATE memberships SET role = \"owner\" WHERE workspace_id = \"$W\" AND user_id = \"$O_ID\"" 2>err &&
	test_grep "Duplicate entry" err &&
	test "$(owners)" = 1
'

test_expect_success 'DELETE /v1/me is refused while owning a workspace with other members' '
	json POST /v1/auth/switch-workspace -H "$(bearer "$M_TOKEN")" -d "{\"workspace_id\":\"$W\"}" &&
	MW=$(jq -r .token body) &&
	http DELETE /v1/me -H "$(bearer "$MW")" && expect_error conflict 409
'

test_expect_success 'DELETE /v1/me deletes the account and the workspaces it owned alone' '
	http DELETE /v1/me -H "$(bearer "$X_TOKEN")" && expect_status 204 &&
	test "$(stack_sql "SELECT COUNT(*) FROM users WHERE id = \"$X_ID\"")" = 0 &&
	test "$(stack_sql "SELECT COUNT(*) FROM workspaces WHERE id = \"$X_WS\"")" = 0 &&
	http GET /v1/me -H "$(bearer "$X_TOKEN")" && expect_error unauthorized 401 &&
	json POST /v1/auth/login -d "{\"email\":\"xavier@example.com\",\"password\":\"correct-horse-battery\"}" &&
	expect_error invalid_credentials 401
'

test_expect_success 'the old owner (admin of W) deletes their account; W keeps its owner' '
	json POST /v1/auth/switch-workspace -H "$(bearer "$O_TOKEN")" -d "{\"workspace_id\":\"$W\"}" &&
	http DELETE /v1/me -H "$(bearer "$O_TOKEN")" && expect_status 204 &&
	test "$(stack_sql "SELECT COUNT(*) FROM workspaces WHERE id = \"$W\"")" = 1 &&
	test "$(owners)" = 1
'

test_expect_success 'no invite token in the server logs' '
	test_grep -v "$TA" "$API_LOG" && test_grep -v "$TM" "$API_LOG"
'

test_done
