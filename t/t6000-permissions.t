#!/usr/bin/env bash
test_description='the permission matrix (SPEC 3.3): every route x every kind of caller, exact codes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# 1. The table in cron-api, checked against SPEC 3.3 written out by hand.
#    Columns: METHOD PATH kind verified write token_ok min_role, where
#    kind is public (no credentials), account (the caller's own account)
#    or workspace (needs a role in the token's workspace).
cat >expected.perms <<'PERMS'
GET /v1/health public 0 0 0 member
GET /v1/openapi.json public 0 0 0 member
POST /v1/debug/echo public 0 0 0 member
POST /v1/auth/signup public 0 0 0 member
POST /v1/auth/login public 0 0 0 member
POST /v1/auth/verify-email public 0 0 0 member
GET /v1/auth/verify-email public 0 0 0 member
POST /v1/auth/resend-verification account 0 0 0 member
POST /v1/auth/switch-workspace account 0 0 0 member
POST /v1/auth/change-password account 0 0 0 member
GET /v1/api-tokens workspace 0 0 0 owner
POST /v1/api-tokens workspace 1 1 0 owner
DELETE /v1/api-tokens/:id workspace 1 1 0 owner
GET /v1/me account 0 0 1 member
GET /v1/workspaces account 0 0 0 member
POST /v1/workspaces account 1 0 0 member
DELETE /v1/me account 0 0 0 member
POST /v1/invites/accept account 1 0 0 member
GET /v1/workspace workspace 0 0 1 member
PATCH /v1/workspace workspace 1 1 0 owner
GET /v1/workspace/members workspace 0 0 1 member
PATCH /v1/workspace/members/:user_id workspace 1 1 0 owner
DELETE /v1/workspace/members/:user_id workspace 1 1 0 owner
GET /v1/workspace/invites workspace 0 0 0 owner
POST /v1/workspace/invites workspace 1 1 0 owner
DELETE /v1/workspace/invites/:id workspace 1 1 0 owner
POST /v1/workspace/transfer workspace 1 1 0 owner
GET /v1/workspace/billing workspace 0 0 1 member
PUT /v1/workspace/billing workspace 1 1 0 owner
GET /v1/secrets workspace 0 0 1 member
POST /v1/secrets workspace 1 1 1 admin
DELETE /v1/secrets/:id workspace 1 1 1 admin
GET /v1/jobs workspace 0 0 1 member
GET /v1/jobs/:id workspace 0 0 1 member
GET /v1/jobs/:id/preview workspace 0 0 1 member
POST /v1/jobs workspace 1 1 1 admin
POST /v1/jobs/import workspace 1 1 1 admin
PATCH /v1/jobs/:id workspace 1 1 1 admin
DELETE /v1/jobs/:id workspace 1 1 1 admin
POST /v1/jobs/:id/pause workspace 1 1 1 admin
POST /v1/jobs/:id/resume workspace 1 1 1 admin
POST /v1/jobs/:id/activate workspace 1 1 1 admin
POST /v1/jobs/:id/run-now workspace 1 1 1 admin
GET /v1/jobs/:id/executions workspace 0 0 1 member
GET /v1/executions workspace 0 0 1 member
GET /v1/executions/:id workspace 0 0 1 member
POST /v1/executions/:id/replay workspace 1 1 1 admin
GET /v1/notification-channels workspace 0 0 1 member
POST /v1/notification-channels workspace 1 1 1 admin
GET /v1/notification-channels/:id workspace 0 0 1 member
PATCH /v1/notification-channels/:id workspace 1 1 1 admin
DELETE /v1/notification-channels/:id workspace 1 1 1 admin
POST /v1/notification-channels/:id/test workspace 1 1 1 admin
GET /v1/jobs/:id/notification-rules workspace 0 0 1 member
POST /v1/jobs/:id/notification-rules workspace 1 1 1 admin
DELETE /v1/jobs/:id/notification-rules/:rule_id workspace 1 1 1 admin
PERMS

test_expect_success 'the permission table matches SPEC 3.3 row by row' '
	cron-api --permissions >actual.perms &&
	sort expected.perms >e && sort actual.perms >a &&
	test_cmp e a
'

test_expect_success 'every route has a row (none undefined)' '
	test_grep -v undefined actual.perms
'

# 2. Every non-public route, called by every kind of caller.
test_expect_success 'callers: owner, admin, member (JWT), their API tokens, pending, restricted account, restricted workspace' '
	stack_up &&
	stack_user OWNER owner@example.com && W=$OWNER_WS &&
	stack_user ADMIN admin@example.com && stack_user MEMBER member@example.com &&
	stack_sql "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (\"$W\", \"$ADMIN_ID\", \"admin\", UTC_TIMESTAMP(3)), (\"$W\", \"$MEMBER_ID\", \"member\", UTC_TIMESTAMP(3))" &&
	for who in ADMIN MEMBER; do
		eval "t=\$${who}_TOKEN" &&
		json POST /v1/auth/switch-workspace -H "$(bearer "$t")" -d "{\"workspace_id\":\"$W\"}" &&
		expect_status 200 &&
		eval "${who}_TOKEN=\$(jq -r .token body)" || return 1
	done &&
	for who in OWNER ADMIN MEMBER; do
		eval "uid=\$${who}_ID" &&
		raw=cron_pat_$(openssl rand -hex 32) &&
		stack_sql "INSERT INTO api_tokens VALUES (\"c00000000000000000000$(echo $who | cut -c1-4 | tr A-Z a-z)\", \"$W\", \"$who\", SHA2(\"$raw\", 256), \"${raw:9:4}\", \"$uid\", UTC_TIMESTAMP(3), NULL)" &&
		eval "PAT_$who=\$raw" || return 1
	done &&
	stack_user PENDING pending@example.com pending &&
	stack_user RUSER restricted@example.com &&
	stack_sql "UPDATE users SET restricted = 1 WHERE id = \"$RUSER_ID\"" &&
	stack_user RWS rws@example.com &&
	stack_sql "UPDATE workspaces SET restricted = 1, restriction_reason = \"Payment failed\" WHERE id = \"$RWS_WS\""
'

# caller NAME -> "credential role verified restricted ws_restricted"
caller() {
	case $1 in
	owner) echo "$OWNER_TOKEN jwt owner 1 0 0" ;;
	admin) echo "$ADMIN_TOKEN jwt admin 1 0 0" ;;
	member) echo "$MEMBER_TOKEN jwt member 1 0 0" ;;
	pat_owner) echo "$PAT_OWNER token owner 1 0 0" ;;
	pat_admin) echo "$PAT_ADMIN token admin 1 0 0" ;;
	pat_member) echo "$PAT_MEMBER token member 1 0 0" ;;
	pending) echo "$PENDING_TOKEN jwt owner 0 0 0" ;;
	restricted) echo "$RUSER_TOKEN jwt owner 1 1 0" ;;
	ws_restricted) echo "$RWS_TOKEN jwt owner 1 0 1" ;;
	esac
}

rank() { case $1 in member) echo 0 ;; admin) echo 1 ;; owner) echo 2 ;; esac; }

# expect KIND VERIFIED WRITE TOKEN_OK MIN_ROLE CRED ROLE CVERIFIED CRESTR WSRESTR:
# the SPEC 3.3 order: account restricted, email verified, role (tokens
# only where allowed), workspace restricted.  Prints the error code, or
# "allowed".
expect() {
	if test "$9" = 1; then echo account_restricted
	elif test "$2" = 1 && test "$8" = 0; then echo email_not_verified
	elif test "$6" = token && test "$4" = 0; then echo insufficient_role
	elif test "$1" = account; then echo allowed
	elif test "$(rank "$7")" -lt "$(rank "$5")"; then echo insufficient_role
	elif test "$3" = 1 && test "${10}" = 1; then echo workspace_restricted
	else echo allowed
	fi
}

test_expect_success 'every route x every caller answers the code the matrix says' '
	: >results &&
	# DELETE /v1/me would really delete the callers; t2400 covers it.
	grep -v " public " actual.perms | grep -v "^DELETE /v1/me " |
	while read -r method path kind ver wr tok minrole; do
		url=$(echo "$path" | sed "s/:[a-z_]*/c000000000000000000000zzz/g") &&
		for who in owner admin member pat_owner pat_admin pat_member pending restricted ws_restricted; do
			set -- $(caller $who) &&
			want=$(expect "$kind" "$ver" "$wr" "$tok" "$minrole" "$2" "$3" "$4" "$5" "$6") &&
			case $method in
			POST|PUT|PATCH) json "$method" "$url" -H "$(bearer "$1")" -d "{}" ;;
			*) http "$method" "$url" -H "$(bearer "$1")" ;;
			esac &&
			got=$(jq -r ".error.code // \"none\"" body 2>/dev/null) &&
			if test "$want" = allowed; then
				case $STATUS in 401|403) r=FAIL ;; *) r=ok ;; esac
			else
				test "$got" = "$want" && test "$STATUS" = 403 && r=ok || r=FAIL
			fi &&
			echo "$r $method $path $who want=$want got=$STATUS/$got" >>results || return 1
		done
	done &&
	cat results &&
	test "$(grep -c . results)" -gt 50 &&
	test_grep -v "^FAIL" results
'

test_expect_success 'a restricted workspace still allows reads' '
	http GET /v1/me -H "$(bearer "$RWS_TOKEN")" && expect_status 200 &&
	jq -e ".workspace.restricted == true and .workspace.restriction_reason == \"Payment failed\"" body
'

test_done
