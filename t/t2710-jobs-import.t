#!/usr/bin/env bash
test_description='POST /v1/jobs/import (SPEC 5.2): a crontab becomes cron jobs, line by line'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

STACK_ALLOW_PRIVATE=0

. "$TEST_SRCDIR/t/lib-jobs.sh"

# import FILE [JQ EXPR FOR THE EXTRA MEMBERS] [TOKEN]: sends the crontab in
# FILE with url HOOK; extra members (e.g. {dry_run: true}) are merged in.
import() {
	jq -n --rawfile c "$1" --arg u "$HOOK" "{crontab: \$c, url: \$u} + (${2:-{\}})" >req.json &&
	json POST /v1/jobs/import -H "$(bearer "${3:-$O_TOKEN}")" --data-binary @req.json
}

# import_raw JSON [TOKEN]
import_raw() {
	printf '%s' "$1" >req.json &&
	json POST /v1/jobs/import -H "$(bearer "${2:-$O_TOKEN}")" --data-binary @req.json
}

# item LINE: the item of ./body for crontab line LINE.
item() { jq -c --argjson l "$1" '[.items[] | select(.line == $l)] | if length == 1 then .[0] else error("not one item") end' body; }

test_expect_success 'start the stack: an owner, a member, an admin, another workspace, a pending user' '
	stack_up && jobs_team
'

test_expect_success 'write a realistic crontab' '
	{
	printf "%s\n" "# Edit this file to introduce tasks to be run by cron."	# 1
	printf "\n"								# 2
	printf "%s\n" "MAILTO=ops@example.com"					# 3
	printf "%s\n" "SHELL=/bin/bash"						# 4
	printf "%s\n" "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/bin"	# 5
	printf "%s\n" "*/15 * * * * /usr/local/bin/backup.sh --full"		# 6
	printf "%s\n" "0 9 * jan-mar mon-fri /opt/reports/weekly.py --send"	# 7
	printf "%s\n" "@daily /usr/bin/cleanup.sh"				# 8
	printf "%s\n" "@hourly   curl -s https://example.com/ping"		# 9
	printf "%s\n" "@reboot /usr/bin/start-agent"				# 10
	printf "%s\n" "61 * * * * x"						# 11
	printf "%s\n" "hello world"						# 12
	printf " \t \n"								# 13
	printf "%s\n" "CRON_TZ=Europe/London"					# 14
	printf "30   2\t1-15/2 * *   date +%%Y-%%m-%%d >> /var/log/x.log # keep  \n"	# 15
	printf "0 0 * * 0 ./rotate.sh\r\n"					# 16
	printf "%s\n" "@weekly /usr/local/bin/rotate-logs"			# 17
	printf "\t# indented comment\n"						# 18
	printf "%s\n" "MAILTO=\"\""						# 19
	printf "%s\n" "5 4 * * sun  echo \"hi\""				# 20
	printf "%s\n" "CRON_TZ=Mars/Olympus"					# 21
	printf "%s\n" "0 12 1 * * after-bad-tz.sh"				# 22
	} >crontab &&
	test "$(wc -l <crontab)" = 22 &&
	sed -n 16p crontab | grep -q "$(printf "\r")" &&
	! sed -n 15p crontab | grep -q "$(printf "\r")"
'

test_expect_success 'dry run: would_create items with no id, and nothing is stored' '
	before=$(njobs) &&
	import crontab "{dry_run: true}" && expect_status 200 &&
	cp body dry.json &&
	test "$(njobs)" = "$before" &&
	check "(keys == [\"items\"])
		and [.items[].line] == [1,3,4,5,6,7,8,9,10,11,12,14,15,16,17,18,19,20,21,22]
		and [.items[] | select(.status == \"would_create\") | .line] == [6,7,8,9,15,16,17,20,22]
		and all(.items[] | select(.status == \"would_create\"); .job.id == null and .job.kind == \"cron\")
		and ([.items[].status] | index(\"created\")) == null"
'

test_expect_success 'import: each line gets its item (blank lines none)' '
	before=$(njobs) &&
	import crontab && expect_status 200 &&
	cp body real.json &&
	test "$(njobs)" = $((before + 9)) &&
	check "(keys == [\"items\"])
		and [.items[] | [.line, .status]] == [[1,\"skipped\"],[3,\"skipped\"],[4,\"skipped\"],[5,\"skipped\"],
			[6,\"created\"],[7,\"created\"],[8,\"created\"],[9,\"created\"],[10,\"error\"],[11,\"error\"],
			[12,\"error\"],[14,\"skipped\"],[15,\"created\"],[16,\"created\"],[17,\"created\"],
			[18,\"skipped\"],[19,\"skipped\"],[20,\"created\"],[21,\"error\"],[22,\"created\"]]
		and all(.items[] | select(.status == \"skipped\"); keys == [\"line\",\"status\"])
		and all(.items[] | select(.status == \"error\"); keys == [\"error\",\"line\",\"status\"] and (.error | type == \"string\" and length > 0))"
'

test_expect_success 'the dry run answered the same items as the import' '
	jq -c "[.items[] | {line, status: (if .status == \"would_create\" then \"created\" else .status end), error,
		job: (.job | if . then del(.id, .created_at, .updated_at, .next_run_at) else . end)}]" dry.json >dry &&
	jq -c "[.items[] | {line, status, error,
		job: (.job | if . then del(.id, .created_at, .updated_at, .next_run_at) else . end)}]" real.json >real &&
	test_cmp real dry
'

test_expect_success 'created jobs: cron kind, five fields joined by single spaces, name and description from the command' '
	cp real.json body &&
	check "[.items[] | select(.status == \"created\") | .job | [.schedule.cron, .schedule.timezone, .name, .description]] == [
		[\"*/15 * * * *\", \"UTC\", \"backup.sh --full\", \"/usr/local/bin/backup.sh --full\"],
		[\"0 9 * jan-mar mon-fri\", \"UTC\", \"weekly.py --send\", \"/opt/reports/weekly.py --send\"],
		[\"@daily\", \"UTC\", \"cleanup.sh\", \"/usr/bin/cleanup.sh\"],
		[\"@hourly\", \"UTC\", \"curl -s https://example.com/ping\", \"curl -s https://example.com/ping\"],
		[\"30 2 1-15/2 * *\", \"Europe/London\", \"date +%Y-%m-%d >> /var/log/x.log # keep\", \"date +%Y-%m-%d >> /var/log/x.log # keep\"],
		[\"0 0 * * 0\", \"Europe/London\", \"rotate.sh\", \"./rotate.sh\"],
		[\"@weekly\", \"Europe/London\", \"rotate-logs\", \"/usr/local/bin/rotate-logs\"],
		[\"5 4 * * sun\", \"Europe/London\", \"echo \\\"hi\\\"\", \"echo \\\"hi\\\"\"],
		[\"0 12 1 * *\", \"Europe/London\", \"after-bad-tz.sh\", \"after-bad-tz.sh\"]]"
'

test_expect_success 'created jobs: the request calls the url with every default; active; stored' '
	cp real.json body &&
	check "all(.items[] | select(.status == \"created\") | .job;
		(.id | test(\"^c[0-9a-z]{24}$\")) and .kind == \"cron\" and .state == \"active\"
		and .request == {url: \"$HOOK\", method: \"GET\", headers: {}, timeout_seconds: 30, success_statuses: [200,201,202,204]}
		and .retry_policy == {max_attempts: 3, retry_on_statuses: [429,500,502,503,504]}
		and .created_by == \"$O_ID\" and .last_run_at == null and (.next_run_at | ms) > (.created_at | ms))" &&
	jq -r ".items[] | select(.status == \"created\") | .job.id" real.json >ids &&
	test "$(sort -u ids | wc -l)" = 9 &&
	while read id; do
		http GET "/v1/jobs/$id" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
		jq -S "del(.next_run_at)" body >got &&
		jq -S --arg id "$id" ".items[] | select(.job.id == \$id) | .job | del(.next_run_at)" real.json >want &&
		test_cmp want got || return 1
	done <ids
'

test_expect_success 'created jobs: next_run_at follows the schedule and its zone' '
	jq ".items[] | select(.line == 6)" real.json >body &&
	check "(.job.next_run_at | test(\"T[0-9]{2}:(00|15|30|45):00.000Z$\"))
		and (.job.next_run_at | ms) - (.job.created_at | ms) <= 15 * 60000" &&
	jq ".items[] | select(.line == 8)" real.json >body &&
	check "(.job.next_run_at | test(\"T00:00:00.000Z$\")) and (.job.next_run_at | ms) - (.job.created_at | ms) <= 86400000" &&
	id=$(jq -r ".items[] | select(.line == 15) | .job.id" real.json) &&
	http GET "/v1/jobs/$id/preview?from=2030-07-01T00:00:00Z&count=3" -H "$(bearer "$O_TOKEN")" &&
	check ".items == [\"2030-07-01T01:30:00.000Z\",\"2030-07-03T01:30:00.000Z\",\"2030-07-05T01:30:00.000Z\"]" &&
	http GET "/v1/jobs/$id/preview?from=2030-01-01T00:00:00Z&count=2" -H "$(bearer "$O_TOKEN")" &&
	check ".items == [\"2030-01-01T02:30:00.000Z\",\"2030-01-03T02:30:00.000Z\"]" &&
	id=$(jq -r ".items[] | select(.line == 7) | .job.id" real.json) &&
	http GET "/v1/jobs/$id/preview?from=2030-03-29T00:00:00Z&count=3" -H "$(bearer "$O_TOKEN")" &&
	check ".items == [\"2030-03-29T09:00:00.000Z\",\"2031-01-01T09:00:00.000Z\",\"2031-01-02T09:00:00.000Z\"]"
'

test_expect_success 'errors say why: @reboot, the bad field, not an entry, a bad CRON_TZ' '
	cp real.json body &&
	check "(.items[] | select(.line == 10) | .error | test(\"@reboot\"))
		and (.items[] | select(.line == 11) | .error | test(\"minute\"))
		and (.items[] | select(.line == 12) | .error | length > 0)
		and (.items[] | select(.line == 21) | .error | test(\"CRON_TZ\"))" &&
	test "$(stack_sql "SELECT COUNT(*) FROM jobs WHERE description IN (\"/usr/bin/start-agent\", \"x\") OR name = \"hello world\"")" = 0
'

test_expect_success 'the imported jobs are listed, newest first' '
	http GET "/v1/jobs?kind=cron&limit=9" -H "$(bearer "$O_TOKEN")" && expect_status 200 &&
	check "[.items[].id] == \$ids" --argjson ids "$(jq -R . ids | jq -sc reverse)"
'

test_expect_success 'the timezone field sets the zone until a CRON_TZ line' '
	printf "0 9 * * * a.sh\nCRON_TZ=Asia/Tokyo\n0 9 * * * b.sh\nCRON_TZ=UTC\n0 9 * * * c.sh\n" >tz.crontab &&
	import tz.crontab "{timezone: \"America/New_York\", dry_run: true}" && expect_status 200 &&
	check "[.items[] | select(.job) | .job.schedule.timezone] == [\"America/New_York\", \"Asia/Tokyo\", \"UTC\"]
		and [.items[] | select(.job) | .job.next_run_at | test(\"T(13|14):00:00.000Z$\")] == [true, false, false]
		and [.items[] | select(.job) | .job.next_run_at | test(\"T00:00:00.000Z$\")] == [false, true, false]
		and [.items[] | select(.job) | .job.next_run_at | test(\"T09:00:00.000Z$\")] == [false, false, true]"
'

test_expect_success 'names: a long command is cut to 100 characters and "..."; the description keeps it all' '
	long=$(printf "a%.0s" $(seq 300)) &&
	printf "0 1 * * * /bin/%s  --x\n" "$long" >long.crontab &&
	import long.crontab "{dry_run: true}" && expect_status 200 &&
	check ".items[0].job.name == (\"a\" * 100) + \"...\" and .items[0].job.description == \"/bin/\" + (\"a\" * 300) + \"  --x\"" &&
	printf "0 1 * * * /srv/app/   run   now\n" >sp.crontab &&
	import sp.crontab "{dry_run: true}" && expect_status 200 &&
	check ".items[0].job.name == \"app run now\" and .items[0].job.description == \"/srv/app/   run   now\""
'

test_expect_success 'macros, a quoted CRON_TZ, a very long command, a line over 4096 characters' '
	{
	printf "%s\n" "@annually a.sh" "@yearly b.sh" "@monthly c.sh" "@midnight d.sh" "@REBOOT e.sh" "@often f.sh"
	printf "%s\n" "CRON_TZ=\"Asia/Tokyo\"" "0 9 * * * g.sh"
	printf "0 9 * * * %s\n" "$(printf "c%.0s" $(seq 2500))"
	printf "0 9 * * * %s\n" "$(printf "x%.0s" $(seq 4100))"
	} >misc.crontab &&
	import misc.crontab "{dry_run: true}" && expect_status 200 &&
	check "[.items[] | [.line, .status, .job.schedule.cron]] == [[1,\"would_create\",\"@annually\"],[2,\"would_create\",\"@yearly\"],
		[3,\"would_create\",\"@monthly\"],[4,\"would_create\",\"@midnight\"],[5,\"error\",null],[6,\"error\",null],
		[7,\"skipped\",null],[8,\"would_create\",\"0 9 * * *\"],[9,\"would_create\",\"0 9 * * *\"],[10,\"error\",null]]
		and (.items[4].error | test(\"reboot\"; \"i\")) and (.items[5].error | test(\"@often\"))
		and .items[7].job.schedule.timezone == \"Asia/Tokyo\" and (.items[7].job.next_run_at | test(\"T00:00:00.000Z$\"))
		and .items[8].job.description == (\"c\" * 2000) and .items[8].job.name == (\"c\" * 100) + \"...\"
		and (.items[9].error | test(\"4096\"))
		and (.items[3].job.next_run_at | test(\"T00:00:00.000Z$\"))
		and (.items[2].job.next_run_at | test(\"-01T00:00:00.000Z$\"))"
'

test_expect_success 'an empty crontab and one with only comments create nothing' '
	before=$(njobs) &&
	import_raw "{\"crontab\":\"\",\"url\":\"$HOOK\"}" && expect_status 200 && check ".items == []" &&
	import_raw "{\"crontab\":\"# a\\n\\n# b\\nFOO=bar\\n\",\"url\":\"$HOOK\"}" && expect_status 200 &&
	check ".items == [{line: 1, status: \"skipped\"}, {line: 3, status: \"skipped\"}, {line: 4, status: \"skipped\"}]" &&
	test "$(njobs)" = "$before"
'

test_expect_success 'a crontab with only bad lines creates nothing and still answers 200' '
	before=$(njobs) &&
	import_raw "{\"crontab\":\"@reboot a\\n* * * b\\n0 0 30 2 * c\\n@often d\",\"url\":\"$HOOK\"}" && expect_status 200 &&
	check "[.items[] | [.line, .status]] == [[1,\"error\"],[2,\"error\"],[3,\"error\"],[4,\"error\"]]
		and (.items[2].error | test(\"never\"))" &&
	test "$(njobs)" = "$before"
'

test_expect_success 'validation: url missing, not http(s), private; crontab missing or not text' '
	import_raw "{\"crontab\":\"0 * * * * a\"}" && fields_are url &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"ftp://example.com/\"}" && fields_are url &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"not a url\"}" && fields_are url &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"http://127.0.0.1/\"}" && fields_are url &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"http://[::1]/\"}" && fields_are url &&
	import_raw "{\"url\":\"$HOOK\"}" && fields_are crontab &&
	import_raw "{\"crontab\":5,\"url\":\"$HOOK\"}" && fields_are crontab &&
	import_raw "{\"crontab\":[\"0 * * * * a\"],\"url\":\"$HOOK\"}" && fields_are crontab
'

test_expect_success 'validation: timezone, dry_run, unknown fields, not an object' '
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"$HOOK\",\"timezone\":\"Mars/Olympus\"}" && fields_are timezone &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"$HOOK\",\"timezone\":\"\"}" && fields_are timezone &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"$HOOK\",\"dry_run\":\"yes\"}" && fields_are dry_run &&
	import_raw "{\"crontab\":\"0 * * * * a\",\"url\":\"$HOOK\",\"method\":\"POST\"}" && fields_are method &&
	import_raw "[]" && fields_are body
'

test_expect_success 'every problem of an import request is reported at once (the url too)' '
	import_raw "{\"url\":\"ftp://x\",\"timezone\":\"Nowhere\",\"extra\":1}" && fields_are url timezone extra crontab
'

test_expect_success 'more than 10000 lines is 422 crontab' '
	{ for i in $(seq 10001); do echo "#"; done; } >big.crontab &&
	test "$(wc -l <big.crontab)" = 10001 &&
	import big.crontab && fields_are crontab &&
	check ".error.details.fields.crontab | test(\"10000\")"
'

test_expect_success 'a crontab of exactly 10000 lines (each ending in a newline) is accepted' '
	before=$(njobs) &&
	head -n 10000 big.crontab >max.crontab &&
	test "$(wc -l <max.crontab)" = 10000 &&
	import max.crontab "{dry_run: true}" && expect_status 200 && check "(.items | length) == 10000" &&
	test "$(njobs)" = "$before"
'

test_expect_success 'roles: member 403, pending 403, admin imports, another workspace imports into its own' '
	before=$(njobs) &&
	printf "0 3 * * * /usr/bin/nightly\n" >one.crontab &&
	import one.crontab "" "$M_TOKEN" && expect_error insufficient_role 403 &&
	import one.crontab "{dry_run: true}" "$M_TOKEN" && expect_error insufficient_role 403 &&
	import one.crontab "" "$P_TOKEN" && expect_error email_not_verified 403 &&
	test "$(njobs)" = "$before" &&
	import one.crontab "" "$A_TOKEN" && expect_status 200 &&
	check ".items[0].status == \"created\" and .items[0].job.created_by == \"$A_ID\"" &&
	test "$(njobs)" = $((before + 1)) &&
	import one.crontab "" "$X_TOKEN" && expect_status 200 &&
	test "$(njobs)" = $((before + 1)) && test "$(njobs "$X_WS")" = 1 &&
	http GET /v1/jobs -H "$(bearer "$X_TOKEN")" &&
	check "[.items[].name] == [\"nightly\"]"
'

test_done
