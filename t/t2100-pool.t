#!/usr/bin/env bash
test_description='cron-api worker pool: replace killed workers, recycle, drain on SIGTERM, inherited socket'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

nworkers() { stack_api_workers | wc -l; }

test_expect_success 'start the stack with 3 workers recycled every 25 requests' '
	STACK_WORKERS=3 stack_up "api_max_requests = 25" "api_debug_routes = 1" &&
	test_wait_for 10 test "$(nworkers)" = 3
'

test_expect_success 'kill -9 of a worker while requests run: the pool replaces it' '
	stack_api_workers | sort >before &&
	victim=$(head -1 before) &&
	{ for i in $(seq 60); do
		curl -s -o /dev/null -w "%{http_code}\n" "$BASE_URL/v1/health"
	  done >load.out & } &&
	load=$! &&
	sleep 0.2 &&
	kill -9 "$victim" &&
	wait $load &&
	test_wait_for 10 test "$(nworkers)" = 3 &&
	! kill -0 "$victim" 2>/dev/null &&
	test_grep "worker $victim killed by signal 9" "$API_LOG"
'

test_expect_success 'after the kill, every request succeeds' '
	for i in $(seq 20); do
		http GET /v1/health && expect_status 200 || return 1
	done
'

test_expect_success 'workers are recycled after api_max_requests, without failed requests' '
	stack_api_workers | sort >gen1 &&
	for i in $(seq 120); do
		http GET /v1/health && expect_status 200 || return 1
	done &&
	test_wait_for 10 test "$(nworkers)" = 3 &&
	stack_api_workers | sort >gen2 &&
	test -z "$(comm -12 gen1 gen2)"
'

test_expect_success 'SIGTERM: an in-flight request completes, then the master exits 0' '
	{ "$TEST_BUILDDIR/t/helper/fcgi-req" -m POST -t application/json \
		-d "{\"slow\":true}" -D 1500 /v1/debug/echo "$API_SOCK" >slow.out 2>slow.err & } &&
	slow=$! &&
	sleep 0.4 &&
	kill -TERM "$API_PID" &&
	wait $slow &&
	test_grep "^Status: 200" slow.out &&
	test_grep "\"received\":{\"slow\":true}" slow.out &&
	wait "$API_PID" &&
	API_PID= &&
	test_grep "draining" "$API_LOG" &&
	test_grep "stopped" "$API_LOG"
'

test_expect_success 'no worker outlives the master' '
	! pgrep -f "cron-api --listen $API_SOCK"
'

test_expect_success 'a listening socket inherited on fd 0 (spawn-fcgi, systemd) is used' '
	sock=$STACK_SOCKDIR/inherited.sock &&
	{ perl -MIO::Socket::UNIX -e "
		my \$s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => shift,
		    Listen => 128) or die \"listen: \$!\";
		open(STDIN, \"<&\", \$s) or die; exec @ARGV or die" \
		"$sock" "$TEST_BUILDDIR/cron-api" >inherit.log 2>&1 & } &&
	inh=$! &&
	test_when_finished "kill $inh; wait $inh" &&
	test_wait_for 10 grep -q "ready:" inherit.log &&
	"$TEST_BUILDDIR/t/helper/fcgi-req" /v1/health "$sock" >inh.out &&
	test_grep "^Status: 200" inh.out
'

test_expect_success 'without --listen, fd 0 that is not a socket is refused' '
	test_must_fail cron-api </dev/null 2>err &&
	test_grep "not a stream socket" err
'

test_expect_success 'cron-api -n checks the config; a bad one names the line' '
	cron-api -n 2>out && test_grep "configuration OK" out &&
	printf "api_workers = 0\n" >bad.conf &&
	test_must_fail cron-api -n -f bad.conf 2>err &&
	test_grep "bad.conf:1: api_workers: out of range" err
'

test_done
