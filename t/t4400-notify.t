#!/usr/bin/env bash
test_description='notification deliveries (SPEC 8): rules, signed webhooks, Slack, Discord, Telegram, email, retries, SSRF'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
BOT=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw

# the jobs here are all called "nightly report"
BASE=$(jq -c '.name = "nightly report"' <<<"$BASE")

# channel VAR JSON: a notification channel; its id goes to VAR.
channel() {
	json POST /v1/notification-channels -H "$(bearer "$O_TOKEN")" -d "$2" &&
	expect_status 201 || return 1
	eval "$1=\$(jq -r .id body)"
}

# rule JOB CHANNEL EVENT
rule() {
	json POST "/v1/jobs/$1/notification-rules" -H "$(bearer "$O_TOKEN")" \
		-d "{\"channel_id\":\"$2\",\"event\":\"$3\"}" &&
	expect_status 201
}

# deliveries EXEC: "event status attempts" per delivery of EXEC, in order.
deliveries() {
	stack_sql "SELECT event, status, attempts FROM notification_deliveries
		WHERE execution_id = '$1' ORDER BY id" | tr '\t' ' '
}
# settled EXEC N: N deliveries of EXEC, none queued or being sent.
settled() {
	test "$(stack_sql "SELECT COUNT(*), SUM(status IN ('sent', 'failed'))
		FROM notification_deliveries WHERE execution_id = '$1'" | tr '\t' ' ')" = "$2 $2"
}


# verify REQUEST-JSON: check a Standard Webhooks signature with openssl,
# independently of the production code: base64(HMAC-SHA256(key,
# id.timestamp.body)), key = base64-decoded secret after "whsec_".
verify() {
	local id ts sig key want
	id=$(jq -r '.headers["webhook-id"]' "$1") &&
	ts=$(jq -r '.headers["webhook-timestamp"]' "$1") &&
	sig=$(jq -r '.headers["webhook-signature"]' "$1") &&
	key=$(printf '%s' "${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n') &&
	want=$({ printf '%s.%s.' "$id" "$ts"; jq -j .body "$1"; } |
		openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64) &&
	test "$sig" = "v1,$want" &&
	now=$(date +%s) && test "$ts" -le "$now" && test "$ts" -ge $((now - 120))
}

test_expect_success 'start the stack, the receivers and a scheduler' '
	target_start target && H=$(target_url target) &&
	stack_up "notify_retry_base_seconds = 1" "notify_max_attempts = 3" \
		"telegram_api_url = $H/tg" "scheduler_lease_margin_seconds = 2" &&
	jobs_team && sched_daemon sched
'

test_expect_success 'a signed webhook on success: one delivery, the SPEC payload, a valid Standard Webhooks signature' '
	job JOK "$H/job/ok" &&
	channel CH "{\"name\":\"hook\",\"type\":\"webhook\",\"config\":{\"url\":\"$H/hook\",\"secret\":\"$SECRET\"}}" &&
	channel CF "{\"name\":\"fail-hook\",\"type\":\"webhook\",\"config\":{\"url\":\"$H/fail-hook\"}}" &&
	rule "$JOK" "$CH" on_success && rule "$JOK" "$CF" on_failure &&
	run "$JOK" && E1=$EXEC && test_wait_for 30 settled "$E1" 1 &&
	test "$(deliveries "$E1")" = "on_success sent 1" &&
	seen /hook >hook.json && test "$(wc -l <hook.json)" = 1 &&
	test -z "$(seen /fail-hook)" &&
	jq -e ".method == \"POST\" and .headers[\"content-type\"] == \"application/json\"
		and (.headers[\"user-agent\"] | startswith(\"cron-platform/\"))
		and (.headers[\"webhook-id\"] | startswith(\"msg_\"))" hook.json &&
	verify hook.json &&
	jq -r .body hook.json >payload.json &&
	jq -e --arg j "$JOK" --arg e "$E1" ".type == \"execution.succeeded\"
		and (.timestamp | test(\"^[0-9-]{10}T[0-9:.]+Z$\"))
		and .data.job.id == \$j and .data.job.name == \"nightly report\"
		and .data.execution.id == \$e and .data.execution.status == \"succeeded\"
		and .data.execution.attempts == 1 and .data.execution.statusCode == 200
		and (.data.execution.latencyMs | type == \"number\")
		and .data.execution.scheduled_for != null and .data.execution.finished_at != null" payload.json
'

test_expect_success 'a tampered body or another secret does not verify (the check can fail)' '
	jq -c ".body |= sub(\"succeeded\"; \"failed\")" hook.json >tampered.json &&
	test_must_fail verify tampered.json &&
	SECRET=whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh test_must_fail verify hook.json
'

test_expect_success 'GET /v1/executions/:id lists the deliveries made for it' '
	http GET "/v1/executions/$E1" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	jq -e --arg c "$CH" ".notifications | length == 1 and .[0].channel_id == \$c
		and .[0].event == \"on_success\" and .[0].status == \"sent\"
		and .[0].response_status == 200 and .[0].attempts == 1" body
'

test_expect_success 'on_failure fires once, after the last retry, not on the failed attempts before it' '
	job JBAD "$H/status/500" ".retry_policy = {max_attempts: 3, retry_on_statuses: [500]}" &&
	rule "$JBAD" "$CF" on_failure && rule "$JBAD" "$CH" on_success &&
	run "$JBAD" && E2=$EXEC && test_wait_for 60 finished "$E2" &&
	test "$(status_of "$E2")" = failed &&
	test_wait_for 30 settled "$E2" 1 &&
	test "$(deliveries "$E2")" = "on_failure sent 1" &&
	seen /fail-hook >fail.json && test "$(wc -l <fail.json)" = 1 &&
	jq -r .body fail.json | jq -e --arg e "$E2" ".type == \"execution.failed\"
		and .data.execution.id == \$e and .data.execution.attempts == 3
		and .data.execution.statusCode == 500" &&
	test "$(stack_sql "SELECT COUNT(*) FROM notification_deliveries d
		JOIN executions e ON e.id = d.execution_id
		WHERE d.execution_id = \"$E2\" AND d.created_at >= e.finished_at")" = 1
'

test_expect_success 'on_completion fires for both outcomes' '
	channel CC "{\"name\":\"done\",\"type\":\"webhook\",\"config\":{\"url\":\"$H/done\"}}" &&
	job JC1 "$H/job/c1" && job JC2 "$H/status/404" &&
	rule "$JC1" "$CC" on_completion && rule "$JC2" "$CC" on_completion &&
	run "$JC1" && E3=$EXEC && run "$JC2" && E4=$EXEC &&
	test_wait_for 30 settled "$E3" 1 && test_wait_for 30 settled "$E4" 1 &&
	test "$(deliveries "$E3")" = "on_completion sent 1" &&
	test "$(deliveries "$E4")" = "on_completion sent 1" &&
	seen /done | jq -r .body | jq -r .type | sort >types &&
	printf "execution.failed\nexecution.succeeded\n" >expect && test_cmp expect types
'

test_expect_success 'many executions finishing together: each gets its deliveries, in one batch' '
	channel CM "{\"name\":\"many\",\"type\":\"webhook\",\"config\":{\"url\":\"$H/many\"}}" &&
	: >many.ids &&
	for i in 1 2 3 4 5 6 7 8; do
		job JM "$H/job/many?delay=300" && rule "$JM" "$CM" on_completion &&
		rule "$JM" "$CF" on_failure && echo "$JM" >>many.ids || return 1
	done &&
	# queued while no scheduler runs, so one lease starts them together
	# and their outcomes are recorded together
	sched_kill "$SCHED_PID" &&
	for j in $(cat many.ids); do run "$j" && echo "$EXEC" >>many.execs || return 1; done &&
	sched_daemon sched &&
	for e in $(cat many.execs); do test_wait_for 30 settled "$e" 1 || return 1; done &&
	test "$(seen /many | wc -l)" = 8 &&
	test "$(seen /many | jq -r .headers[\"webhook-id\"] | sort -u | wc -l)" = 8 &&
	test_grep -v "database: execute" "$TRASH_DIRECTORY/sched.log"
'

test_expect_success 'Slack: text with the mention, blocks, and the output preview' '
	channel CS "{\"name\":\"slack\",\"type\":\"slack\",\"config\":{\"webhook_url\":\"$H/services/T0/B0/xyzzy\",\"mention_text\":\"<!here>\",\"include_output\":true}}" &&
	job JS "$H/job/slack" && rule "$JS" "$CS" on_success &&
	run "$JS" && test_wait_for 30 settled "$EXEC" 1 &&
	test "$(deliveries "$EXEC")" = "on_success sent 1" &&
	seen /services/T0/B0/xyzzy | jq -r .body >slack.json &&
	jq -e "(.text | contains(\"<!here>\") and contains(\"nightly report\"))
		and (.blocks | length >= 2)
		and ([.blocks[] | tostring] | any(contains(\"ok\")))" slack.json
'

test_expect_success 'Discord: an embed, to the thread' '
	channel CD "{\"name\":\"discord\",\"type\":\"discord\",\"config\":{\"url\":\"$H/api/webhooks/1/tok\",\"thread_id\":\"1234567890\"}}" &&
	job JD "$H/status/500" ".retry_policy.max_attempts = 1" &&
	rule "$JD" "$CD" on_failure &&
	run "$JD" && test_wait_for 30 settled "$EXEC" 1 &&
	seen /api/webhooks/1/tok >discord.json && test "$(wc -l <discord.json)" = 1 &&
	jq -e ".query | contains(\"thread_id=1234567890\")" discord.json &&
	jq -r .body discord.json | jq -e "(.embeds | length == 1) and (.embeds[0].title | type == \"string\")
		and (.embeds[0].fields | length >= 2)"
'

test_expect_success 'Telegram: sendMessage with HTML to the configured Bot API base' '
	channel CT "{\"name\":\"telegram\",\"type\":\"telegram\",\"config\":{\"bot_token\":\"$BOT\",\"chat_id\":\"-1001234\"}}" &&
	job JT "$H/job/tg" && rule "$JT" "$CT" on_completion &&
	run "$JT" && test_wait_for 30 settled "$EXEC" 1 &&
	test "$(deliveries "$EXEC")" = "on_completion sent 1" &&
	seen "/tg/bot$BOT/sendMessage" | jq -r .body >tg.json &&
	jq -e ".chat_id == \"-1001234\" and .parse_mode == \"HTML\"
		and (.text | contains(\"nightly report\"))" tg.json
'

test_expect_success 'email: a text + HTML message through the outbox' '
	channel CE "{\"name\":\"mail\",\"type\":\"email\",\"config\":{\"email\":\"ops@example.com\"}}" &&
	job JE "$H/status/503" ".retry_policy.max_attempts = 1" &&
	rule "$JE" "$CE" on_failure &&
	run "$JE" && test_wait_for 30 settled "$EXEC" 1 &&
	test "$(deliveries "$EXEC")" = "on_failure sent 1" &&
	test_wait_for 30 eval "grep -l \"ops@example.com\" \"$TRASH_DIRECTORY\"/mail/*.eml" &&
	f=$(grep -l "ops@example.com" "$TRASH_DIRECTORY"/mail/*.eml | head -n 1) &&
	python3 - "$f" <<-\EOF
	import email, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"))
	assert "nightly report" in m["Subject"] and "failed" in m["Subject"], m["Subject"]
	assert m.get_content_type() == "multipart/alternative", m.get_content_type()
	kinds = [p.get_content_type() for p in m.walk() if not p.is_multipart()]
	assert kinds == ["text/plain", "text/html"], kinds
	for p in m.walk():
	    if not p.is_multipart():
	        assert "nightly report" in p.get_payload(decode=True).decode()
	EOF
'

test_expect_success 'retries: 503 twice then 200 is sent on the third attempt; the execution is untouched' '
	channel CR "{\"name\":\"flaky\",\"type\":\"webhook\",\"config\":{\"url\":\"$H/flaky?seq=503,503,200\"}}" &&
	job JR "$H/job/r" && rule "$JR" "$CR" on_success &&
	run "$JR" && test_wait_for 60 settled "$EXEC" 1 &&
	test "$(deliveries "$EXEC")" = "on_success sent 3" &&
	test "$(status_of "$EXEC")" = succeeded &&
	test "$(seen /flaky | jq -r .headers[\"webhook-id\"] | sort -u | wc -l)" = 1
'

test_expect_success 'a receiver that keeps failing: failed after notify_max_attempts, with its answer; the job still succeeded' '
	channel CX "{\"name\":\"broken\",\"type\":\"webhook\",\"config\":{\"url\":\"$H/status/500?hook=broken\"}}" &&
	job JX "$H/job/x" && rule "$JX" "$CX" on_success &&
	run "$JX" && test_wait_for 60 settled "$EXEC" 1 &&
	test "$(deliveries "$EXEC")" = "on_success failed 3" &&
	test "$(status_of "$EXEC")" = succeeded &&
	test "$(stack_sql "SELECT response_status, last_error FROM notification_deliveries WHERE execution_id = \"$EXEC\"" | tr "\t" " ")" = "500 HTTP 500: 500" &&
	http POST "/v1/notification-channels/$CX/test" -H "$(bearer "$O_TOKEN")" &&
	expect_status 202 &&
	test_wait_for 60 eval "test \"\$(stack_sql \"SELECT status FROM notification_deliveries WHERE channel_id = \\\"$CX\\\" AND event = \\\"test\\\"\")\" = failed"
'

test_expect_success 'a receiver that is down, then up: delivered once it answers' '
	port=$(stack_free_port) &&
	channel CU "{\"name\":\"later\",\"type\":\"webhook\",\"config\":{\"url\":\"http://127.0.0.1:$port/up\"}}" &&
	job JU "$H/job/u" && rule "$JU" "$CU" on_success &&
	run "$JU" && E5=$EXEC &&
	test_wait_for 30 eval "test \"\$(stack_sql \"SELECT attempts FROM notification_deliveries WHERE execution_id = \\\"$E5\\\"\")\" -ge 1" &&
	test "$(stack_sql "SELECT status FROM notification_deliveries WHERE execution_id = \"$E5\"")" = queued &&
	target_start later -p "$port" &&
	test_wait_for 30 settled "$E5" 1 &&
	test "$(stack_sql "SELECT status, attempts >= 2 FROM notification_deliveries WHERE execution_id = \"$E5\"" | tr "\t" " ")" = "sent 1" &&
	test "$(jq -c "select(.path == \"/up\")" "$TRASH_DIRECTORY/later.log" | wc -l)" = 1
'

test_expect_success 'a test message: type "test", signed, sent now' '
	http POST "/v1/notification-channels/$CH/test" -H "$(bearer "$O_TOKEN")" &&
	expect_status 202 &&
	test_wait_for 30 eval "test \"\$(seen /hook | wc -l)\" = 2" &&
	seen /hook | tail -n 1 >test.json && verify test.json &&
	jq -r .body test.json | jq -e ".type == \"test\" and .data.channel.name == \"hook\""
'

test_expect_success 'SSRF: with allow_private_targets = 0 the scheduler refuses the receiver at connect time' '
	sched_kill "$SCHED_PID" &&
	channel CB "{\"name\":\"private\",\"type\":\"webhook\",\"config\":{\"url\":\"http://localhost:$(cat target.port)/private\"}}" &&
	job JB "$H/job/b" && rule "$JB" "$CB" on_success &&
	sed -i "s/^allow_private_targets = .*/allow_private_targets = 0/" "$CRON_CONF" &&
	stack_sql "INSERT INTO executions (id, workspace_id, job_id, job_name, trigger_kind, status,
		scheduled_for, run_after, attempt_count, finished_at, created_at)
		SELECT \"c000000000000000000ssrf01\", workspace_id, id, name, \"run_now\", \"succeeded\",
		UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
		FROM jobs WHERE id = \"$JB\";
		INSERT INTO notification_deliveries (message_id, workspace_id, channel_id, execution_id,
		event, status, next_attempt_at, created_at)
		SELECT \"msg_ssrf\", workspace_id, \"$CB\", \"c000000000000000000ssrf01\", \"on_success\",
		\"queued\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) FROM jobs WHERE id = \"$JB\"" &&
	sched_daemon sched &&
	test_wait_for 30 settled c000000000000000000ssrf01 1 &&
	test "$(stack_sql "SELECT status, attempts, last_error FROM notification_deliveries WHERE message_id = \"msg_ssrf\"" | tr "\t" " ")" = "failed 1 blocked_address" &&
	test -z "$(seen /private)" &&
	sed -i "s/^allow_private_targets = .*/allow_private_targets = 1/" "$CRON_CONF"
'

test_expect_success 'credentials appear in no log and no response' '
	for f in "$API_LOG" "$TRASH_DIRECTORY"/sched.log; do
		test_grep -v "$SECRET" "$f" && test_grep -v "$BOT" "$f" &&
		test_grep -v "xyzzy" "$f" && test_grep -v "webhooks/1/tok" "$f" || return 1
	done &&
	http GET /v1/notification-channels -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	test_grep -v "$SECRET" body && test_grep -v "$BOT" body && test_grep -v xyzzy body
'

test_done
