#!/usr/bin/env bash
test_description='API tokens: create once, list, use, revoke, orphaned, creator removed (SPEC 3.5)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

test_expect_success 'start the stack with a verified owner and a second workspace owner' '
	stack_up &&
	stack_user OWNER owner@example.com &&
	stack_user OTHER other@example.com
'

test_expect_success 'create answers 201 with the raw token, shown only here' '
	json POST /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" -d "{\"name\":\"ci-pipeline\"}" &&
	expect_status 201 &&
	jq -e "(keys | contains([\"id\",\"name\",\"masked_value\",\"token\"]))
		and .name == \"ci-pipeline\" and (.token | test(\"^cron_pat_[0-9a-f]{64}$\"))
		and .masked_value == (.token[0:13] + \"\u2022\u2022\u2022\u2022\")" body &&
	PAT=$(jq -r .token body) && PAT_ID=$(jq -r .id body)
'

test_expect_success 'only the SHA-256 of the token is stored' '
	test "$(stack_sql "SELECT COUNT(*) FROM api_tokens WHERE token_hash = SHA2(\"$PAT\", 256)")" = 1 &&
	test "$(stack_sql "SELECT COUNT(*) FROM api_tokens WHERE token_hash = \"$PAT\"")" = 0
'

test_expect_success 'the list shows metadata, never the token' '
	http GET /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" && expect_status 200 &&
	jq -e ".items | length == 1" body &&
	jq -e ".items[0] | .id == \"$PAT_ID\" and .created_by == \"$OWNER_ID\"
		and .last_used_at == null and (has(\"token\") | not)" body &&
	jq -e ".next_cursor == null" body &&
	test_grep -v "${PAT#cron_pat_}" body
'

test_expect_success 'the token authenticates as its creator in its workspace' '
	http GET /v1/me -H "$(bearer "$PAT")" && expect_status 200 &&
	jq -e ".user.id == \"$OWNER_ID\" and .workspace.id == \"$OWNER_WS\" and .role == \"owner\"
		and .credential == \"api_token\"" body &&
	test -n "$(stack_sql "SELECT last_used_at FROM api_tokens WHERE id = \"$PAT_ID\"" | grep -v NULL)"
'

test_expect_success 'a token cannot manage tokens (owner-only, never tokens)' '
	json POST /v1/api-tokens -H "$(bearer "$PAT")" -d "{\"name\":\"x\"}" &&
	expect_error insufficient_role 403 &&
	http GET /v1/api-tokens -H "$(bearer "$PAT")" &&
	expect_error insufficient_role 403
'

test_expect_success 'validation: name required, 1-100 characters, no other fields' '
	json POST /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" -d "{}" &&
	expect_error validation_error 422 && jq -e ".error.details.fields.name == \"is required\"" body &&
	json POST /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" -d "{\"name\":\"\",\"scope\":\"all\"}" &&
	expect_error validation_error 422 &&
	jq -e ".error.details.fields | .name and .scope" body
'

test_expect_success 'pagination: newest first, limit, next_cursor, stable under inserts' '
	for i in 1 2 3 4; do
		json POST /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" -d "{\"name\":\"t$i\"}" &&
		expect_status 201 || return 1
	done &&
	http GET "/v1/api-tokens?limit=2" -H "$(bearer "$OWNER_TOKEN")" &&
	jq -e "[.items[].name] == [\"t4\",\"t3\"] and (.next_cursor | type) == \"string\"" body &&
	c=$(jq -r .next_cursor body) &&
	json POST /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" -d "{\"name\":\"t5\"}" &&
	http GET "/v1/api-tokens?limit=2&cursor=$c" -H "$(bearer "$OWNER_TOKEN")" &&
	jq -e "[.items[].name] == [\"t2\",\"t1\"]" body &&
	c=$(jq -r .next_cursor body) &&
	http GET "/v1/api-tokens?limit=2&cursor=$c" -H "$(bearer "$OWNER_TOKEN")" &&
	jq -e "[.items[].name] == [\"ci-pipeline\"] and .next_cursor == null" body
'

test_expect_success 'bad limit and cursor values are 422' '
	for q in limit=0 limit=201 limit=abc limit= cursor=nope "cursor=%00"; do
		http GET "/v1/api-tokens?$q" -H "$(bearer "$OWNER_TOKEN")" &&
		expect_error validation_error 422 || return 1
	done
'

test_expect_success 'another workspace cannot see or revoke the token (404)' '
	http GET /v1/api-tokens -H "$(bearer "$OTHER_TOKEN")" &&
	jq -e ".items == []" body &&
	http DELETE "/v1/api-tokens/$PAT_ID" -H "$(bearer "$OTHER_TOKEN")" &&
	expect_error not_found 404 &&
	http DELETE /v1/api-tokens/not-an-id -H "$(bearer "$OTHER_TOKEN")" &&
	expect_error not_found 404
'

test_expect_success 'revoke answers 204 and the token is refused at once' '
	http DELETE "/v1/api-tokens/$PAT_ID" -H "$(bearer "$OWNER_TOKEN")" &&
	expect_status 204 &&
	http GET /v1/me -H "$(bearer "$PAT")" && expect_error unauthorized 401 &&
	http DELETE "/v1/api-tokens/$PAT_ID" -H "$(bearer "$OWNER_TOKEN")" &&
	expect_error not_found 404
'

test_expect_success 'creator removed from the workspace: 401 token_creator_removed' '
	json POST /v1/api-tokens -H "$(bearer "$OWNER_TOKEN")" -d "{\"name\":\"gone\"}" &&
	T=$(jq -r .token body) &&
	stack_sql "DELETE FROM memberships WHERE user_id = \"$OWNER_ID\" AND workspace_id = \"$OWNER_WS\"" &&
	http GET /v1/me -H "$(bearer "$T")" && expect_error token_creator_removed 401 &&
	stack_sql "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (\"$OWNER_WS\", \"$OWNER_ID\", \"owner\", UTC_TIMESTAMP(3))" &&
	http GET /v1/me -H "$(bearer "$T")" && expect_status 200
'

test_expect_success 'creator restricted: 403 account_restricted' '
	stack_sql "UPDATE users SET restricted = 1 WHERE id = \"$OWNER_ID\"" &&
	http GET /v1/me -H "$(bearer "$T")" && expect_error account_restricted 403 &&
	stack_sql "UPDATE users SET restricted = 0 WHERE id = \"$OWNER_ID\""
'

test_expect_success 'creator account deleted: 401 token_orphaned' '
	stack_sql "SET FOREIGN_KEY_CHECKS = 0; DELETE FROM memberships WHERE user_id = \"$OWNER_ID\"; DELETE FROM users WHERE id = \"$OWNER_ID\"; SET FOREIGN_KEY_CHECKS = 1" &&
	http GET /v1/me -H "$(bearer "$T")" && expect_error token_orphaned 401
'

test_expect_success 'no token value in the server logs' '
	test_grep -v "${PAT#cron_pat_}" "$API_LOG" && test_grep -v "${T#cron_pat_}" "$API_LOG"
'

test_done
