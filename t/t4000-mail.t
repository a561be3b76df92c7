#!/usr/bin/env bash
test_description='cron-scheduler: the mail outbox as .eml files and over SMTP, retries, two schedulers, signals, systemd notify'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

SINK=$TEST_BUILDDIR/t/helper/smtp-sink

# mail_id N: an outbox id of the cuid shape (the scheduler names files by it).
mail_id() { printf 'c%024d' "$1"; }

# mail_insert ID TO SUBJECT BODY [ATTEMPTS]: queue a mail, due now.  The
# strings are SQL literals (so \n and \r work); the session is utf8mb4.
mail_insert() {
	stack_sql "SET NAMES utf8mb4; INSERT INTO mail_outbox (id, to_addr,
		subject, body_text, attempts, next_attempt_at, created_at)
		VALUES ('$1', '$2', '$3', '$4', ${5:-0}, UTC_TIMESTAMP(3),
		UTC_TIMESTAMP(3))"
}

# mail_insert_html ID TO SUBJECT TEXT HTML: queue a mail with an HTML
# alternative, due now (SQL literals, like mail_insert).
mail_insert_html() {
	stack_sql "SET NAMES utf8mb4; INSERT INTO mail_outbox (id, to_addr,
		subject, body_text, body_html, next_attempt_at, created_at)
		VALUES ('$1', '$2', '$3', '$4', '$5', UTC_TIMESTAMP(3),
		UTC_TIMESTAMP(3))"
}

# mime_alt FILE TEXT HTML: FILE parses (python3 email) as a 7-bit
# multipart/alternative of exactly a text/plain then a text/html part, both
# UTF-8, whose decoded contents (LF line ends) are the files TEXT and HTML;
# no line over 78 characters, the boundary in neither part, no defect.
# Prints the two parts' Content-Transfer-Encoding.
mime_alt() {
	python3 - "$@" <<-\PY
	import sys, email, email.policy
	path, texp, hexp = sys.argv[1:4]
	raw = open(path, "rb").read()
	assert all(c < 128 for c in raw), "an 8-bit byte"
	for line in raw.split(b"\r\n"):
	    assert len(line) <= 78, line
	msg = email.message_from_bytes(raw, policy=email.policy.default)
	assert msg["MIME-Version"] == "1.0"
	assert msg.get_content_type() == "multipart/alternative"
	assert not msg.defects, msg.defects
	bd = msg.get_boundary()
	assert bd and len(bd) <= 70
	parts = list(msg.iter_parts())
	assert [p.get_content_type() for p in parts] == \
	    ["text/plain", "text/html"], parts
	for p, exp in zip(parts, (texp, hexp)):
	    assert not p.defects, p.defects
	    assert p.get_content_charset() == "utf-8"
	    assert bd not in p.get_payload()
	    got = p.get_content().replace("\r\n", "\n")
	    want = open(exp, encoding="utf-8").read()
	    assert got == want, (got, want)
	print(" ".join(p["Content-Transfer-Encoding"] for p in parts))
	PY
}

# mail_row ID COLUMNS: the row's columns, tab-separated.
mail_row() { stack_sql "SELECT $2 FROM mail_outbox WHERE id = '$1'"; }

mail_status_is() { test "$(mail_row "$1" status)" = "$2"; }

# row_is ID COLUMNS EXPECTED: the row's columns are EXPECTED (a printf
# format, so \t separates them); a command for test_wait_for.
row_is() { test "$(mail_row "$1" "$2")" = "$(printf "$3")"; }

# sql_is SQL EXPECTED: the query prints EXPECTED.
sql_is() { test "$(stack_sql "$1")" = "$2"; }

# sched_stop PID: SIGTERM must end it with status 0 within 5 seconds.
sched_stop() {
	local i st
	kill -TERM "$1" || return 1
	for i in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2>/dev/null; then
		echo >&2 "cron-scheduler $1 still running 5 s after SIGTERM"
		return 1
	fi
	wait "$1"
	st=$?
	test "$st" = 0 || { echo >&2 "cron-scheduler exited $st"; return 1; }
}

# sink_start DIR [ARGS]: start smtp-sink on a free port; sets SINK_PID, SINK_PORT.
sink_start() {
	local dir=$1
	shift
	mkdir -p "$dir" || return 1
	"$SINK" -t 300 "$@" "$dir" >"$dir.port" 2>>"$dir.sink-log" &
	SINK_PID=$!
	test_atexit "kill $SINK_PID 2>/dev/null"
	test_when_finished "kill $SINK_PID 2>/dev/null"
	test_wait_for 10 test -s "$dir.port" &&
	SINK_PORT=$(cat "$dir.port")
}

sink_stop() {
	kill -TERM "$1" && wait "$1"
}

count_files() { ls "$1" 2>/dev/null | grep -c "$2"; }

files_are() { test "$(count_files "$1" "$2")" = "$3"; }

# hdr FILE NAME: the unfolded value of header NAME (first match), no CR.
hdr() {
	perl -0777 -ne '($h) = split /\r\n\r\n/, $_, 2; $h =~ s/\r\n[ \t]/ /g;
		print "$1\n" if $h =~ /^\Q'"$2"'\E: (.*)$/mi' "$1" | tr -d '\r'
}

# body FILE: the body, bytes as they are.
body() { perl -0777 -ne 'print $1 if /\r\n\r\n(.*)\z/s' "$1"; }

# decode_subject FILE: the Subject with RFC 2047 words decoded, as UTF-8.
decode_subject() {
	hdr "$1" Subject | perl -MEncode -ne 'chomp;
		print encode("UTF-8", decode("MIME-Header", $_)), "\n"'
}

# crlf_only FILE: every line ends in CRLF.
crlf_only() {
	perl -0777 -ne 'exit(/(?<!\r)\n/ || !/\r\n\z/ ? 1 : 0)' "$1"
}

# date_ok FILE: Date is RFC 5322 in UTC and within 5 minutes of now.
date_ok() {
	local d
	d=$(hdr "$1" Date) &&
	echo "$d" | grep -Eq '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \+0000$' &&
	test $(( $(date +%s) - $(date -d "$d" +%s) )) -lt 300 &&
	test $(( $(date -d "$d" +%s) - $(date +%s) )) -lt 300
}

test_expect_success 'database and configuration' '
	stack_db_start &&
	stack_conf "mail_retry_base_seconds = 2" &&
	stack_migrate >/dev/null &&
	cp "$CRON_CONF" base.conf
'

test_expect_success '-n checks the configuration and exits' '
	cron-scheduler -n 2>out &&
	grep -q "configuration OK" out &&
	{ cat base.conf; echo "no_such_key = 1"; } >bad1.conf &&
	test_must_fail cron-scheduler -n -f bad1.conf 2>out &&
	grep -q "bad1.conf:[0-9]*: unknown key .no_such_key." out &&
	{ cat base.conf; echo "smtp_url = http://127.0.0.1:25"; } >bad2.conf &&
	test_must_fail cron-scheduler -n -f bad2.conf 2>out &&
	grep -q "smtp_url must start with smtp://" out &&
	{ cat base.conf; echo "mail_from = nobody"; } >bad3.conf &&
	test_must_fail cron-scheduler -n -f bad3.conf 2>out &&
	grep -q "mail_from must be" out &&
	{ cat base.conf; echo "smtp_timeout = 0"; } >bad4.conf &&
	test_must_fail cron-scheduler -n -f bad4.conf 2>out &&
	grep -q "smtp_timeout: out of range" out &&
	CRON_CONF=bad1.conf test_must_fail cron-scheduler -n 2>out &&
	grep -q "unknown key" out
'

test_expect_success 'bad flags print the usage and exit 2' '
	test_expect_code_2() { "$@"; test $? = 2; } &&
	test_expect_code_2 cron-scheduler -x 2>out &&
	grep -q "^usage: cron-scheduler \[-dnv\] \[-f file\]" out &&
	test_expect_code_2 cron-scheduler extra 2>out &&
	grep -q "^usage:" out
'

M1=$(mail_id 1) M2=$(mail_id 2) M3=$(mail_id 3) M4=$(mail_id 4)
SUBJ2="Bestätigung für Ihr Konto – bitte klicken Sie den Link in dieser Nachricht ✓"

test_expect_success 'without smtp_url, mail is written to mail_dir as .eml files' '
	mail_insert $M1 ada@example.com "Confirm your email address" \
		"Hello Ada,\n\nopen https://x/v1/auth/verify-email?token=SECRETTOKEN\n.\n..two dots\r\nend" &&
	mail_insert $M2 bob@example.com "$SUBJ2" "Grüße\n" &&
	mail_insert $M3 eve@example.com "Hi\r\nBcc: evil@example.com" "x" &&
	mail_insert $M4 "not an address" "Hello" "never sent" &&
	sched_start file &&
	test_wait_for 20 files_are mail "\.eml$" 3 &&
	test_wait_for 10 mail_status_is $M4 failed &&
	sched_stop $SCHED_PID
'

test_expect_success 'the readiness line was printed once' '
	test "$(grep -c "ready: cron-scheduler" file.log)" = 1
'

test_expect_success 'the .eml file has the headers, and the body with CRLF line ends' '
	f=mail/$M1.eml &&
	test "$(hdr $f From)" = "cron-platform <noreply@localhost>" &&
	test "$(hdr $f To)" = "ada@example.com" &&
	test "$(hdr $f Subject)" = "Confirm your email address" &&
	test "$(hdr $f Message-ID)" = "<$M1@localhost>" &&
	test "$(hdr $f MIME-Version)" = "1.0" &&
	test "$(hdr $f Content-Type)" = "text/plain; charset=utf-8" &&
	test "$(hdr $f Content-Transfer-Encoding)" = "8bit" &&
	date_ok $f &&
	crlf_only $f &&
	printf "Hello Ada,\r\n\r\nopen https://x/v1/auth/verify-email?token=SECRETTOKEN\r\n.\r\n..two dots\r\nend\r\n" >expect &&
	body $f >actual &&
	test_cmp expect actual &&
	test "$(stat -c %a $f)" = 600 &&
	test "$(ls -A mail | grep -vc "\.eml$")" = 0
'

test_expect_success 'a non-ASCII subject is RFC 2047 encoded, in words of at most 75 characters' '
	f=mail/$M2.eml &&
	hdr $f Subject | grep -q "^=?UTF-8?B?" &&
	echo "$SUBJ2" >expect &&
	decode_subject $f >actual &&
	test_cmp expect actual &&
	grep -o "=?UTF-8?B?[^?]*?=" $f >words &&
	test "$(wc -l <words)" -ge 2 &&
	test "$(awk "length > 75" words | wc -l)" = 0 &&
	printf "Grüße\r\n" >expect &&
	body $f >actual &&
	test_cmp expect actual &&
	crlf_only $f
'

test_expect_success 'CR and LF in a subject cannot add a header' '
	f=mail/$M3.eml &&
	test "$(hdr $f Subject)" = "HiBcc: evil@example.com" &&
	! grep -qi "^Bcc:" $f
'

test_expect_success 'sent rows are marked sent with the body cleared; a bad address fails at once' '
	for m in $M1 $M2 $M3; do
		test "$(mail_row $m "status, attempts, body_text = \"\", sent_at IS NOT NULL, lease_owner IS NULL")" = "$(printf "sent\t1\t1\t1\t1")" || return 1
	done &&
	test "$(mail_row $M4 "status, attempts, body_text, last_error")" = "$(printf "failed\t1\t\tinvalid recipient address")" &&
	test_must_fail test -e mail/$M4.eml
'

test_expect_success 'one log line per mail, with its id and never the body or link' '
	grep -q "mail $M1 sent (attempt 1)" file.log &&
	grep -q "mail $M2 sent (attempt 1)" file.log &&
	grep -q "mail $M3 sent (attempt 1)" file.log &&
	grep -q "mail $M4 failed for good (attempt 1): invalid recipient address" file.log &&
	test_grep -v SECRETTOKEN file.log &&
	test_grep -v verify-email file.log &&
	grep -q "stopped" file.log
'

HTEXT="Job “nightly” failed ✗\n\nDetails: https://x/executions/1\n.\nend"
HHTML="<!DOCTYPE html>\n<html><body><p>Job <b>“nightly”</b> failed ✗</p>\n<p style=\"color: #c00\">=_ a=b</p>\n<p>$(printf "x%.0s" $(seq 1200))</p>\n.\n</body></html>"
JTEXT="ジョブ「夜間バックアップ」が失敗しました。詳細はダッシュボードをご覧ください。"

test_expect_success 'a mail with body_html goes as multipart/alternative, text then HTML' '
	MH1=$(mail_id 20) MH2=$(mail_id 21) &&
	mail_insert_html $MH1 ada@example.com "Job failed ✗" "$HTEXT" "$HHTML" &&
	mail_insert_html $MH2 bob@example.com "失敗" "$JTEXT" "<p>$JTEXT</p>" &&
	sched_start html &&
	test_wait_for 20 mail_status_is $MH1 sent &&
	test_wait_for 20 mail_status_is $MH2 sent &&
	sched_stop $SCHED_PID &&
	f=mail/$MH1.eml &&
	test "$(hdr $f To)" = ada@example.com &&
	test "$(hdr $f Message-ID)" = "<$MH1@localhost>" &&
	hdr $f Content-Type | grep -q "^multipart/alternative; boundary=\"=_[0-9a-f]\{32\}\"$" &&
	date_ok $f && crlf_only $f &&
	printf "$HTEXT\n" >text.expect && printf "$HHTML\n" >html.expect &&
	mime_alt $f text.expect html.expect >cte &&
	echo "quoted-printable quoted-printable" >expect &&
	test_cmp expect cte
'

test_expect_success 'mostly non-ASCII parts are base64; the text survives' '
	f=mail/$MH2.eml &&
	printf "%s\n" "$JTEXT" >text.expect && printf "<p>%s</p>\n" "$JTEXT" >html.expect &&
	mime_alt $f text.expect html.expect >cte &&
	echo "base64 base64" >expect &&
	test_cmp expect cte &&
	crlf_only $f
'

test_expect_success 'a sent HTML mail has both bodies cleared; plain mail keeps body_html NULL' '
	for m in $MH1 $MH2; do
		test "$(mail_row $m "status, body_text, body_html IS NULL")" = "$(printf "sent\t\t1")" || return 1
	done &&
	test "$(stack_sql "SELECT COUNT(*) FROM mail_outbox WHERE body_html IS NOT NULL")" = 0 &&
	test "$(hdr mail/$M1.eml Content-Type)" = "text/plain; charset=utf-8"
'

test_expect_success 'SIGTERM stops an idle scheduler at once with status 0' '
	sched_start idle &&
	start=$(date +%s%N) &&
	sched_stop $SCHED_PID &&
	test $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 &&
	grep -q "stopped" idle.log
'

test_expect_success 'SIGHUP rereads the configuration, keeping the old one if invalid' '
	sched_start hup &&
	{ cat base.conf; echo "bogus = 1"; } >"$CRON_CONF" &&
	kill -HUP $SCHED_PID &&
	test_wait_for 10 grep -q "keeping the old configuration" hup.log &&
	mail_insert $(mail_id 5) a@example.com "old config" "x" &&
	test_wait_for 10 test -f mail/$(mail_id 5).eml &&
	{ cat base.conf; echo "mail_dir = $TRASH_DIRECTORY/mail2"; } |
		grep -v "^mail_dir = $TRASH_DIRECTORY/mail$" >"$CRON_CONF" &&
	kill -HUP $SCHED_PID &&
	test_wait_for 10 grep -q "SIGHUP: configuration and keyring reloaded" hup.log &&
	mail_insert $(mail_id 6) a@example.com "new config" "x" &&
	test_wait_for 10 test -f mail2/$(mail_id 6).eml &&
	kill -0 $SCHED_PID &&
	sched_stop $SCHED_PID &&
	cp base.conf "$CRON_CONF"
'

# SMTP: a relay that wants a login, a sender with a non-ASCII name.
smtp_conf() {
	{ cat base.conf; printf "%s\n" "$@"; } >"$CRON_CONF"
}

test_expect_success 'with smtp_url, the message arrives at the relay intact' '
	sink_start sink1 -a robot:s3cret-pw &&
	smtp_conf "smtp_url = smtp://127.0.0.1:$SINK_PORT" \
		"smtp_username = robot" "smtp_password = s3cret-pw" \
		"mail_from = Crön Platform <robot@example.test>" &&
	M=$(mail_id 10) &&
	mail_insert $M carol@example.org "Your link" \
		"Hello Carol,\n.\n.hidden\n..\nlink: https://x/?token=SECRETTOKEN\n\nbye" &&
	sched_start smtp &&
	test_wait_for 20 mail_status_is $M sent &&
	sched_stop $SCHED_PID &&
	f=sink1/0001.eml &&
	test -f $f &&
	printf "from robot@example.test\nto carol@example.org\n" >expect &&
	test_cmp expect sink1/0001.env &&
	test "$(hdr $f From | perl -MEncode -ne "chomp; print encode(q(UTF-8), decode(q(MIME-Header), \$_))")" = "Crön Platform <robot@example.test>" &&
	hdr $f From | grep -q "^=?UTF-8?B?.*?= <robot@example.test>$" &&
	test "$(hdr $f To)" = carol@example.org &&
	test "$(hdr $f Subject)" = "Your link" &&
	test "$(hdr $f Message-ID)" = "<$M@example.test>" &&
	test "$(hdr $f Content-Type)" = "text/plain; charset=utf-8" &&
	date_ok $f &&
	crlf_only $f &&
	printf "Hello Carol,\r\n.\r\n.hidden\r\n..\r\nlink: https://x/?token=SECRETTOKEN\r\n\r\nbye\r\n" >expect &&
	body $f >actual &&
	test_cmp expect actual &&
	test "$(mail_row $M "attempts, body_text")" = "$(printf "1\t")" &&
	test_grep -v s3cret-pw smtp.log &&
	test_grep -v SECRETTOKEN smtp.log &&
	sink_stop $SINK_PID
'

test_expect_success 'over SMTP an HTML mail arrives as the same multipart/alternative' '
	sink_start sink5 &&
	smtp_conf "smtp_url = smtp://127.0.0.1:$SINK_PORT" &&
	M=$(mail_id 22) &&
	mail_insert_html $M carol@example.org "HTML über SMTP" "$HTEXT" "$HHTML" &&
	sched_start smtphtml &&
	test_wait_for 20 mail_status_is $M sent &&
	sched_stop $SCHED_PID &&
	sink_stop $SINK_PID &&
	f=sink5/0001.eml &&
	test "$(hdr $f Message-ID)" = "<$M@localhost>" &&
	crlf_only $f &&
	printf "$HTEXT\n" >text.expect && printf "$HHTML\n" >html.expect &&
	mime_alt $f text.expect html.expect >cte &&
	echo "quoted-printable quoted-printable" >expect &&
	test_cmp expect cte &&
	test "$(mail_row $M "body_text, body_html IS NULL")" = "$(printf "\t1")"
'

test_expect_success 'a 4xx from the relay is retried after the backoff, then delivered' '
	sink_start sink2 -r 1 &&
	smtp_conf "smtp_url = smtp://127.0.0.1:$SINK_PORT" &&
	M=$(mail_id 11) &&
	mail_insert $M dave@example.org "Retry me" "hello" &&
	sched_start retry &&
	test_wait_for 20 row_is $M "status, attempts, next_attempt_at > UTC_TIMESTAMP(3), lease_owner IS NULL, last_error LIKE \"%451%\"" "queued\t1\t1\t1\t1" &&
	test_wait_for 20 mail_status_is $M sent &&
	test "$(mail_row $M "attempts, sent_at >= created_at + INTERVAL 2 SECOND")" = "$(printf "2\t1")" &&
	files_are sink2 "\.eml$" 1 &&
	test "$(hdr sink2/0001.eml Message-ID)" = "<$M@localhost>" &&
	grep -q "mail $M failed (attempt 1 of 10), retrying in 2s: smtp: .*(reply 451)" retry.log &&
	grep -q "mail $M sent (attempt 2)" retry.log &&
	sched_stop $SCHED_PID &&
	sink_stop $SINK_PID
'

test_expect_success 'the tenth failed attempt fails the mail for good and clears its body' '
	sink_start sink3 -r 1 &&
	smtp_conf "smtp_url = smtp://127.0.0.1:$SINK_PORT" &&
	M=$(mail_id 12) &&
	mail_insert $M erin@example.org "Last try" "body" 9 &&
	sched_start tenth &&
	test_wait_for 20 mail_status_is $M failed &&
	test "$(mail_row $M "attempts, body_text, sent_at IS NULL")" = "$(printf "10\t\t1")" &&
	grep -q "mail $M failed for good (attempt 10)" tenth.log &&
	sched_stop $SCHED_PID &&
	sink_stop $SINK_PID
'

test_expect_success 'an unreachable relay is a retry; the error names no credential' '
	port=$(stack_free_port) &&
	smtp_conf "smtp_url = smtp://robot:urlpass@127.0.0.1:$port" \
		"smtp_username = robot" "smtp_password = s3cret-pw" &&
	M=$(mail_id 13) &&
	mail_insert $M frank@example.org "Nobody home" "body" &&
	sched_start down &&
	test_wait_for 20 row_is $M "status, attempts" "queued\t1" &&
	sched_stop $SCHED_PID &&
	mail_row $M last_error >err &&
	test_grep "^smtp: " err &&
	test_grep -v s3cret-pw err &&
	test_grep -v urlpass err &&
	test_grep -v s3cret-pw down.log &&
	test_grep -v urlpass down.log &&
	stack_sql "DELETE FROM mail_outbox WHERE id = \"$M\""
'

N=100
test_expect_success "two schedulers at once deliver each of $N mails exactly once" '
	sink_start sink4 &&
	smtp_conf "smtp_url = smtp://127.0.0.1:$SINK_PORT" &&
	for i in $(seq 1000 $((1000 + N - 1))); do
		printf "(\"%s\", \"u%s@example.org\", \"Mail %s\", \"body %s\", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))\n" \
			$(mail_id $i) $i $i $i
	done | paste -sd, >values &&
	stack_sql "INSERT INTO mail_outbox (id, to_addr, subject, body_text, next_attempt_at, created_at) VALUES $(cat values)" &&
	sched_bg twoA && PA=$BG_PID &&
	sched_bg twoB && PB=$BG_PID &&
	test_wait_for 30 sched_ready_ twoA.log 0 &&
	test_wait_for 30 sched_ready_ twoB.log 0 &&
	test_wait_for 60 sql_is "SELECT COUNT(*) FROM mail_outbox WHERE status = \"sent\" AND id >= \"$(mail_id 1000)\"" $N &&
	sched_stop $PA && sched_stop $PB &&
	sink_stop $SINK_PID &&
	files_are sink4 "\.eml$" $N &&
	cat sink4/*.eml | tr -d "\r" | grep "^Message-ID:" | sort -u >ids &&
	test "$(wc -l <ids)" = $N &&
	a=$(grep -c "sent (attempt 1)" twoA.log) &&
	b=$(grep -c "sent (attempt 1)" twoB.log) &&
	say "scheduler A sent $a, scheduler B sent $b" &&
	test $((a + b)) = $N &&
	test_grep -v "another scheduler" twoA.log &&
	test_grep -v "another scheduler" twoB.log
'

# notify_listen SOCKET OUT: a datagram listener writing each message as a
# line to OUT; SOCKET "@name" is abstract.  Sets NOTIFY_PID.
notify_listen() {
	perl -MIO::Socket::UNIX -MSocket -e '
		my ($path, $out) = @ARGV;
		$path =~ s/^\@/\0/;
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path)
			or die "bind: $!";
		open(my $fh, ">>", $out) or die; $fh->autoflush(1);
		print $fh "listening\n";
		while (defined $s->recv(my $buf, 4096)) { print $fh "$buf\n" }
	' "$1" "$2" &
	NOTIFY_PID=$!
	test_atexit "kill $NOTIFY_PID 2>/dev/null"
	test_when_finished "kill $NOTIFY_PID 2>/dev/null"
	test_wait_for 10 grep -q listening "$2"
}

test_expect_success 'READY=1, WATCHDOG=1 and STOPPING=1 go to $NOTIFY_SOCKET' '
	cp base.conf "$CRON_CONF" &&
	notify_listen "$STACK_SOCKDIR/notify" notify.out &&
	NOTIFY_SOCKET=$STACK_SOCKDIR/notify sched_start notify &&
	test_wait_for 10 grep -qx READY=1 notify.out &&
	test_wait_for 10 grep -qx WATCHDOG=1 notify.out &&
	test "$(sed -n 2p notify.out)" = READY=1 &&
	sched_stop $SCHED_PID &&
	test_wait_for 5 grep -qx STOPPING=1 notify.out
'

test_expect_success 'an abstract $NOTIFY_SOCKET (@name) works too' '
	notify_listen "@cront-$$-notify" notify2.out &&
	NOTIFY_SOCKET=@cront-$$-notify sched_start notify2 &&
	test_wait_for 10 grep -qx READY=1 notify2.out &&
	sched_stop $SCHED_PID
'

test_expect_success 'end to end: signup through the API, the scheduler writes the mail, its link verifies' '
	stack_api_start && stack_nginx_start &&
	sched_start e2e &&
	http POST /v1/auth/signup -H "Content-Type: application/json" \
		-d "{\"name\":\"Gina\",\"email\":\"gina@example.com\",\"password\":\"a-long-enough-password\",\"workspace_name\":\"G\",\"timezone\":\"UTC\"}" &&
	expect_status 202 &&
	id=$(stack_sql "SELECT id FROM mail_outbox WHERE to_addr = \"gina@example.com\"") &&
	test_wait_for 20 test -f mail/$id.eml &&
	test "$(hdr mail/$id.eml To)" = gina@example.com &&
	link=$(body mail/$id.eml | tr -d "\r" | grep -o "http://127.0.0.1/v1/auth/verify-email?token=[A-Za-z0-9_-]*") &&
	http GET "${link#http://127.0.0.1}" &&
	expect_status 200 &&
	test "$(stack_sql "SELECT trust_level FROM users WHERE email = \"gina@example.com\"")" = verified &&
	test "$(mail_row $id "status, body_text")" = "$(printf "sent\t")" &&
	sched_stop $SCHED_PID
'

test_done
