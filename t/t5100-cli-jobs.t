#!/usr/bin/env bash
test_description='cronctl jobs and executions (SPEC 5, 6, 11) against the stack, with a scheduler and a local target'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"
. "$TEST_SRCDIR/t/lib-cli.sh"

DOWN=http://127.0.0.1:1		# nothing listens there: usage errors send nothing
Y=$(( $(date -u +%Y) + 3 ))	# a year in the future for --run-at

# new_id: the id of the job or execution cronctl just showed ("ID  c...").
new_id() { sed -n "s/^ID            \(c[0-9a-z]\{24\}\)$/\1/p" out; }

# get_job ID: GET /v1/jobs/ID into ./body.
get_job() { http GET "/v1/jobs/$1" -H "$(bearer "$O_TOKEN")" && expect_status 200; }

# ids: the first column of the table in ./out, without the heading.
ids() { awk 'NR > 1 { print $1 }' out; }

# at ISO: how cronctl shows the absolute part of an ISO time.
at() { printf '%s %sZ' "${1:0:10}" "${1:11:8}"; }

test_expect_success 'start the stack, a target and a scheduler; O logs in with cronctl' '
	stack_up && jobs_team && target_start target && T=$(target_url target) &&
	sched_daemon sched &&
	cli_safe_conf && ctl_ok --api-url "$BASE_URL" login -e owner@example.com -p "$PASSWORD"
'

test_expect_success 'jobs create --every: a recurring job, shown as the API stored it' '
	ctl_ok jobs create --name ping --every 5 --url "$T/ping" &&
	J1=$(new_id) && test -n "$J1" &&
	get_job "$J1" &&
	check ".name == \"ping\" and .kind == \"recurring\" and .schedule == {every_n_minutes: 5}
		and .state == \"active\" and .request.url == \"$T/ping\" and .request.method == \"GET\"
		and .request.headers == {} and .retry_policy.max_attempts == 3 and .created_by == \"$O_ID\"" &&
	printf "%-14s%s\n" ID "$J1" Name ping Kind recurring Schedule "every 5 min" State active \
		Request "GET $T/ping" Timeout "30 s" "Success on" "200, 201, 202, 204" Attempts 3 \
		"Retry on" "429, 500, 502, 503, 504, timeouts, connection errors" >expect &&
	grep -v "^\(Next run\|Last run\|Created\|Updated\) " out >got && test_cmp expect got &&
	grep -q "^Next run      $(at "$(jq -r .next_run_at body)") (in [45]m)$" out &&
	grep -q "^Last run      -$" out &&
	grep -q "^Created       $(at "$(jq -r .created_at body)") (" out
'

test_expect_success 'jobs get --json prints what GET /v1/jobs/ID answers; create --json likewise' '
	ctl_ok jobs get "$J1" --json && same_as_api "/v1/jobs/$J1" &&
	ctl_ok jobs create --json --name ping-json --every 7 --url "$T/ping" &&
	JJ=$(jq -r .id out) && jq -e ".schedule.every_n_minutes == 7" out && same_as_api "/v1/jobs/$JJ"
'

test_expect_success 'jobs create --cron --tz: a cron job in its time zone' '
	ctl_ok jobs create --name report --cron "30 9 * * 1-5" --tz America/New_York --url "$T/report" &&
	J2=$(new_id) && get_job "$J2" &&
	check ".kind == \"cron\" and .schedule == {cron: \"30 9 * * 1-5\", timezone: \"America/New_York\"}" &&
	grep -q "^Schedule      30 9 \* \* 1-5 (America/New_York)$" out &&
	grep -q "^Kind          cron$" out
'

test_expect_success 'jobs create --run-at with every request flag: a scheduled job' '
	ctl_ok jobs create --name later --run-at $Y-01-01T09:00:00Z --url "$T/later" \
		--method post -H "Authorization: Bearer secret://api-key" --header "X-Team:ops" \
		--body "{\"a\": [1, 2]}" --timeout 10 --max-attempts 2 --description "the later one" &&
	J3=$(new_id) && get_job "$J3" &&
	check ".kind == \"scheduled\" and .schedule == {run_at: \"$Y-01-01T09:00:00.000Z\"}
		and .description == \"the later one\" and .request.method == \"POST\"
		and .request.headers == {Authorization: \"Bearer secret://api-key\", \"X-Team\": \"ops\"}
		and .request.body == {a: [1, 2]} and .request.timeout_seconds == 10
		and .retry_policy.max_attempts == 2" &&
	grep -q "^Schedule      at $Y-01-01T09:00:00.000Z$" out &&
	grep -q "^Request       POST $T/later$" out &&
	grep -q "^  Header      Authorization: Bearer secret://api-key$" out &&
	grep -q "^  Header      X-Team: ops$" out &&
	grep -q "^Description   the later one$" out &&
	grep -q "^Timeout       10 s$" out && grep -q "^Attempts      2$" out &&
	grep -q "^Next run      $Y-01-01 09:00:00Z (in [0-9]*d)$" out
'

test_expect_success 'jobs create --kind one_time: runs at once, then is completed' '
	ctl_ok jobs create --name once --kind one_time --url "$T/once" &&
	J4=$(new_id) && grep -q "^Schedule      once$" out && grep -q "^Kind          one_time$" out &&
	get_job "$J4" && check ".kind == \"one_time\" and .schedule == {}" &&
	test_wait_for 30 eval "test \"\$(stack_sql \"SELECT state FROM jobs WHERE id = '\''$J4'\''\")\" = completed" &&
	ctl_ok jobs get "$J4" && grep -q "^State         completed$" out &&
	grep -q "^Last run      .*, succeeded$" out &&
	ctl_ok executions list --job "$J4" &&
	test "$(ids | wc -l)" = 1 && E4=$(ids) &&
	test "$(row_of "$E4" | awk "{ print \$2, \$3, \$4, \$NF }")" = "once succeeded one_time 1" &&
	test "$(seen /once | wc -l)" = 1
'

test_expect_success 'jobs create -f job.json; flags override the file; -f - reads stdin' '
	jq -n --arg u "$T/file" "{name: \"from-file\", description: \"d\", kind: \"cron\",
		schedule: {cron: \"0 3 * * *\", timezone: \"Europe/Paris\"},
		request: {url: \$u, method: \"PUT\", headers: {\"X-From\": \"file\"}},
		retry_policy: {max_attempts: 4}}" >job.json &&
	ctl_ok jobs create -f job.json && JF=$(new_id) && get_job "$JF" &&
	check ".name == \"from-file\" and .description == \"d\" and .kind == \"cron\"
		and .schedule == {cron: \"0 3 * * *\", timezone: \"Europe/Paris\"}
		and .request.url == \"$T/file\" and .request.method == \"PUT\"
		and .request.headers == {\"X-From\": \"file\"} and .retry_policy.max_attempts == 4" &&
	ctl_ok jobs create -f job.json --name override --every 10 --method delete --timeout 5 &&
	JF2=$(new_id) && get_job "$JF2" &&
	check ".name == \"override\" and .description == \"d\" and .kind == \"recurring\"
		and .schedule == {every_n_minutes: 10} and .request.method == \"DELETE\"
		and .request.timeout_seconds == 5 and .request.url == \"$T/file\"
		and .request.headers == {\"X-From\": \"file\"} and .retry_policy.max_attempts == 4" &&
	ctl_ok jobs create -f - --name from-stdin <job.json && JF3=$(new_id) && get_job "$JF3" &&
	check ".name == \"from-stdin\" and .schedule.cron == \"0 3 * * *\""
'

test_expect_success 'jobs create: bad files and contradicting flags are usage errors (exit 2, nothing sent)' '
	ctl_expect 2 --api-url $DOWN jobs create -f missing.json && test_must_be_empty out &&
	err_is "cronctl: missing.json: No such file or directory" &&
	echo "[1, 2]" >array.json &&
	ctl_expect 2 --api-url $DOWN jobs create -f array.json &&
	err_is "cronctl: array.json is not a JSON object (see '\''cronctl jobs create --help'\'')" &&
	ctl_expect 2 --api-url $DOWN jobs create --url "$T/x" --every 5 --cron "* * * * *" &&
	err_is "cronctl: give one of --every, --cron and --run-at (see '\''cronctl jobs create --help'\'')" &&
	ctl_expect 2 --api-url $DOWN jobs create --url "$T/x" --kind cron --every 5 &&
	err_is "cronctl: --kind cron contradicts the schedule flag (a recurring job) (see '\''cronctl jobs create --help'\'')" &&
	ctl_expect 2 --api-url $DOWN jobs create --url "$T/x" --every 5 --tz Europe/Paris &&
	err_is "cronctl: --tz goes with --cron (see '\''cronctl jobs create --help'\'')" &&
	ctl_expect 2 --api-url $DOWN jobs create --url "$T/x" --every 5 -H no-colon &&
	err_is "cronctl: --header '\''no-colon'\'' is not '\''Name: value'\'' (see '\''cronctl jobs create --help'\'')" &&
	ctl_expect 2 --api-url $DOWN jobs create --url "$T/x" --every five &&
	grep -q "^cronctl: --every must be a whole number" err &&
	ctl_expect 2 --api-url $DOWN jobs create --url "$T/x" --every 5 --frequency 3 &&
	err_is "cronctl: unknown option --frequency (see '\''cronctl jobs create --help'\'')"
'

test_expect_success 'jobs create: a validation error names every bad field on stderr (exit 1)' '
	n=$(njobs) &&
	ctl_expect 1 jobs create --name "" --every 0 --url ftp://example.com/x --timeout 0 --max-attempts 11 &&
	api_error_is validation_error &&
	sed -n "s/^  \([a-z_.]*\): .*/\1/p" err | sort >fields &&
	printf "%s\n" name request.timeout_seconds request.url retry_policy.max_attempts \
		schedule.every_n_minutes >expect &&
	test_cmp expect fields &&
	test "$(njobs)" = "$n"
'

test_expect_success 'jobs create --draft; jobs activate makes it active with a next run' '
	ctl_ok jobs create --name drafty --every 15 --url "$T/d" --draft &&
	JD=$(new_id) && grep -q "^State         draft$" out && grep -q "^Next run      -$" out &&
	ctl_ok jobs activate "$JD" && grep -q "^State         active$" out &&
	get_job "$JD" && check ".state == \"active\" and .next_run_at != null" &&
	ctl_ok jobs create --name still-draft --every 15 --url "$T/d2" --draft && JD2=$(new_id) &&
	ctl_expect 2 jobs update "$JD2" --draft && err_is "cronctl: --draft is for create (see '\''cronctl jobs update --help'\'')"
'

test_expect_success 'jobs list: every job, newest first, in a table' '
	ctl_ok jobs list &&
	test "$(words "$(head -n 1 out)")" = "ID NAME KIND SCHEDULE STATE NEXT RUN LAST RUN" &&
	http GET /v1/jobs -H "$(bearer "$O_TOKEN")" && jq -r ".items[].id" body >expect &&
	ids >got && test_cmp expect got && test "$(wc -l <got)" = 10 &&
	test "$(words "$(row_of "$J2")" | cut -d" " -f1-10)" = "$J2 report cron 30 9 * * 1-5 (America/New_York) active" &&
	test "$(words "$(row_of "$J1")" | cut -d" " -f1-6)" = "$J1 ping recurring every 5 min"
'

test_expect_success 'jobs list --state and --kind filter' '
	ctl_ok jobs list --state draft && test "$(ids)" = "$JD2" &&
	ctl_ok jobs list --state completed && test "$(ids)" = "$J4" &&
	ctl_ok jobs list --kind cron && ids | sort >got &&
	printf "%s\n" "$J2" "$JF" "$JF3" | sort >expect && test_cmp expect got &&
	ctl_ok jobs list --kind scheduled --state active && test "$(ids)" = "$J3" &&
	ctl_ok jobs list --kind cron --json && same_as_api "/v1/jobs?kind=cron" &&
	jq -e "[.items[].kind] | unique == [\"cron\"]" out &&
	ctl_expect 1 jobs list --state sleeping && api_error_is validation_error
'

test_expect_success 'jobs list --limit pages with --cursor' '
	ctl_expect 0 jobs list --limit 3 && ids >page1 && test "$(wc -l <page1)" = 3 &&
	cursor=$(sed -n "s/^more: add --cursor //p" err) && test -n "$cursor" &&
	ctl_expect 0 jobs list --limit 3 --cursor "$cursor" && ids >page2 && test "$(wc -l <page2)" = 3 &&
	http GET /v1/jobs -H "$(bearer "$O_TOKEN")" && jq -r ".items[].id" body | head -n 6 >expect &&
	cat page1 page2 >got && test_cmp expect got
'

test_expect_success 'jobs update: only what is given changes; a new schedule replaces the old' '
	get_job "$J1" && next_before=$(jq -r .next_run_at body) &&
	ctl_ok jobs update "$J1" --name ping2 --every 10 -H "X-New: 1" --body hello --method post &&
	grep -q "^Name          ping2$" out && grep -q "^Schedule      every 10 min$" out &&
	get_job "$J1" &&
	check ".name == \"ping2\" and .kind == \"recurring\" and .schedule == {every_n_minutes: 10}
		and .request.headers == {\"X-New\": \"1\"} and .request.body == \"hello\"
		and .request.method == \"POST\" and .request.url == \"$T/ping\"
		and .next_run_at != \"$next_before\" and ((.next_run_at | ms) - (.created_at | ms)) >= 590000" &&
	ctl_ok jobs update "$JF2" --cron "15 * * * *" && get_job "$JF2" &&
	check ".kind == \"cron\" and .schedule.cron == \"15 * * * *\" and .name == \"override\"" &&
	ctl_expect 2 jobs update "$J1" && err_is "cronctl: nothing to change (see '\''cronctl jobs update --help'\'')" &&
	ctl_expect 1 jobs update c000000000000000000000zzz --name x && api_error_is not_found &&
	ctl_expect 1 jobs update "$J1" --every 5000 && api_error_is validation_error &&
	grep -q "^  schedule.every_n_minutes: " err
'

test_expect_success 'jobs pause and resume' '
	ctl_ok jobs pause "$J2" && grep -q "^State         paused$" out &&
	get_job "$J2" && check ".state == \"paused\"" &&
	ctl_ok jobs list --state paused && test "$(ids)" = "$J2" &&
	ctl_ok jobs resume "$J2" && grep -q "^State         active$" out &&
	get_job "$J2" && check ".state == \"active\" and (.next_run_at | ms) > (now * 1000)"
'

test_expect_success 'jobs run: queues an execution; executions get shows it with its attempt' '
	ctl_ok jobs run "$J1" &&
	E1=$(sed -n "s/^Queued execution \(c[0-9a-z]\{24\}\) (see .cronctl executions get \1.)$/\1/p" out) &&
	test -n "$E1" && done_as "$E1" succeeded &&
	ctl_ok executions get "$E1" &&
	printf "%-14s%s\n" ID "$E1" Job "ping2 ($J1)" Status succeeded Trigger run_now >expect &&
	head -n 4 out >got && test_cmp expect got &&
	sed -n "/^Attempts$/,\$p" out >attempts &&
	test "$(words "$(sed -n 2p attempts)")" = "# STATUS HTTP LATENCY ERROR STARTED RESPONSE" &&
	test "$(sed -n 3p attempts | awk "{ print \$1, \$2, \$3, \$5, \$6 }")" = "1 SUCCESS 200 ms -" &&
	test "$(sed -n 3p attempts | awk "{ print \$NF }")" = ok &&
	test "$(wc -l <attempts)" = 3 &&
	test "$(seen /ping | jq -r .method)" = POST &&
	ctl_ok executions get "$E1" --json && same_as_api "/v1/executions/$E1"
'

test_expect_success 'a failing target: executions list --job --status failed, get shows every attempt' '
	ctl_ok jobs create --name failing --every 60 --url "$T/fail?seq=500" --max-attempts 2 --draft &&
	JX=$(new_id) &&
	ctl_ok jobs run "$JX" && E2=$(sed -n "s/^Queued execution \(c[0-9a-z]*\) .*/\1/p" out) &&
	done_as "$E2" failed &&
	ctl_ok executions list --job "$JX" --status failed && test "$(ids)" = "$E2" &&
	test "$(row_of "$E2" | awk "{ print \$2, \$3, \$4, \$NF }")" = "failing failed run_now 2" &&
	ctl_ok executions list --job "$JX" --status succeeded && test -z "$(ids)" &&
	test "$(words "$(cat out)")" = "ID JOB STATUS TRIGGER SCHEDULED FOR DURATION ATTEMPTS" &&
	ctl_ok executions list --status failed && ids >failed && test_grep "^$E2$" failed &&
	test_grep -v "^$E1$" failed &&
	ctl_ok executions list --job "$JX" --json && same_as_api "/v1/executions?job_id=$JX" &&
	ctl_ok executions get "$E2" && grep -q "^Status        failed$" out &&
	sed -n "/^Attempts$/,\$p" out >attempts && test "$(wc -l <attempts)" = 4 &&
	test "$(sed -n 3p attempts | awk "{ print \$1, \$2, \$3, \$6 }")" = "1 HTTP_ERROR 500 http_status" &&
	test "$(sed -n 4p attempts | awk "{ print \$1, \$2, \$3, \$6 }")" = "2 HTTP_ERROR 500 http_status"
'

test_expect_success 'executions replay: a new execution, replay_of the original' '
	ctl_ok executions replay "$E2" &&
	E3=$(sed -n "s/^Queued execution \(c[0-9a-z]\{24\}\), a replay of $E2$/\1/p" out) &&
	test -n "$E3" && test "$E3" != "$E2" &&
	done_as "$E3" failed && check ".trigger == \"replay\" and .replay_of == \"$E2\"" &&
	ctl_ok executions get "$E3" && grep -q "^Trigger       replay, replay of $E2$" out &&
	ctl_expect 1 executions replay c000000000000000000000zzz && api_error_is not_found
'

test_expect_success 'jobs preview -n: the next run times, as the API computes them' '
	ctl_ok jobs preview "$J2" -n 3 --from 2030-01-05T00:00:00.000Z &&
	cut -c1-20 out >got &&
	printf "%s\n" "2030-01-07 14:30:00Z" "2030-01-08 14:30:00Z" "2030-01-09 14:30:00Z" >expect &&
	test_cmp expect got &&
	ctl_ok jobs preview "$J2" --count 3 --from 2030-01-05T00:00:00.000Z --json &&
	same_as_api "/v1/jobs/$J2/preview?count=3&from=2030-01-05T00:00:00.000Z" &&
	ctl_ok jobs preview "$J2" && test "$(wc -l <out)" = 5 &&
	ctl_expect 2 --api-url $DOWN jobs preview "$J2" -n 0 &&
	err_is "cronctl: --count must be a whole number from 1 to 100 (see '\''cronctl jobs preview --help'\'')" &&
	ctl_expect 2 --api-url $DOWN jobs preview "$J2" -n 101
'

test_expect_success 'jobs delete; the job is then not found' '
	ctl_ok jobs delete "$JF3" && out_is "Deleted job $JF3" &&
	http GET "/v1/jobs/$JF3" -H "$(bearer "$O_TOKEN")" && expect_error not_found 404 &&
	ctl_expect 1 jobs get "$JF3" && api_error_is not_found &&
	ctl_expect 1 jobs delete "$JF3" && api_error_is not_found
'

test_expect_success 'jobs import --dry-run: what would be created; nothing is' '
	printf "%s\n" "# nightly" "MAILTO=ops@example.com" "*/30 * * * * /usr/local/bin/backup.sh --full" \
		"0 4 * * sun /opt/rotate-logs" >crontab.txt &&
	n=$(njobs) &&
	ctl_ok jobs import crontab.txt --url "$T/imported" --dry-run &&
	test "$(njobs)" = "$n" &&
	printf "%s\n" "LINE STATUS JOB DETAIL" "1 skipped - -" "2 skipped - -" \
		"3 would_create - */30 * * * *" "4 would_create - 0 4 * * sun" >expect &&
	tr -s " " <out >got && test_cmp expect got &&
	ctl_ok jobs import - --url "$T/imported" --dry-run <crontab.txt && tr -s " " <out >got &&
	test_cmp expect got && test "$(njobs)" = "$n"
'

test_expect_success 'jobs import: a bad line exits 1 and the rest is imported' '
	printf "%s\n" "61 * * * * /bin/bad" "@reboot /usr/bin/agent" >>crontab.txt &&
	n=$(njobs) &&
	ctl_expect 1 jobs import crontab.txt --url "$T/imported" &&
	err_is "cronctl: 2 lines not imported" &&
	test "$(njobs)" = $((n + 2)) &&
	test "$(awk "\$1 == 3 || \$1 == 4 { print \$2 }" out | sort -u)" = created &&
	test "$(awk "\$1 == 5 || \$1 == 6 { print \$2 }" out)" = "$(printf "error\nerror")" &&
	JI=$(awk "\$1 == 3 { print \$3 }" out) && get_job "$JI" &&
	check ".name == \"backup.sh --full\" and .description == \"/usr/local/bin/backup.sh --full\"
		and .kind == \"cron\" and .schedule.cron == \"*/30 * * * *\" and .request.url == \"$T/imported\"" &&
	ctl_expect 2 jobs import nope.txt --url "$T/imported" &&
	err_is "cronctl: nope.txt: No such file or directory"
'

test_expect_success 'a member (read-only) reads but cannot create, pause or replay: insufficient_role' '
	CRON_TOKEN=$M_TOKEN ctl_ok jobs list && test "$(ids | wc -l)" -ge 10 &&
	n=$(njobs) &&
	CRON_TOKEN=$M_TOKEN ctl_expect 1 jobs create --name m --every 5 --url "$T/m" &&
	api_error_is insufficient_role && test "$(njobs)" = "$n" &&
	CRON_TOKEN=$M_TOKEN ctl_expect 1 jobs pause "$J1" && api_error_is insufficient_role &&
	CRON_TOKEN=$M_TOKEN ctl_expect 1 executions replay "$E2" && api_error_is insufficient_role &&
	CRON_TOKEN=$A_TOKEN ctl_ok jobs pause "$J1" && grep -q "^State         paused$" out &&
	CRON_TOKEN=$P_TOKEN ctl_expect 1 jobs create --name p --every 5 --url "$T/p" &&
	api_error_is email_not_verified &&
	CRON_TOKEN=$X_TOKEN ctl_expect 1 jobs get "$J1" && api_error_is not_found
'

test_done
