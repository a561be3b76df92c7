#!/usr/bin/env bash
test_description='nginx in front of cron-api: HTTP and HTTPS, auth pool, headers, production site'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

test_expect_success 'start the stack with a separate auth pool' '
	stack_db_start && stack_conf && stack_migrate >/dev/null &&
	stack_api_start && MAIN_PID=$API_PID && MAIN_LOG=$API_LOG &&
	AUTH_SOCK=$STACK_SOCKDIR/auth.sock AUTH_LOG=$TRASH_DIRECTORY/auth.log &&
	{ "$TEST_BUILDDIR/cron-api" --listen "$AUTH_SOCK" --workers 1 \
		</dev/null >"$AUTH_LOG" 2>&1 & } &&
	AUTH_PID=$! &&
	test_atexit "kill $AUTH_PID" &&
	test_wait_for 10 grep -q ready: "$AUTH_LOG" &&
	stack_nginx_start
'

test_expect_success 'health over plain HTTP' '
	http GET /v1/health && expect_status 200 &&
	jq -e ".status == \"ok\"" body
'

test_expect_success 'health over HTTPS, verifying the certificate' '
	URL=$TLS_URL http GET /v1/health --cacert "$CA_CERT" &&
	expect_status 200 && jq -e ".db == \"ok\"" body &&
	test "$(header strict-transport-security)" = "max-age=63072000"
'

test_expect_success 'HTTPS with an untrusted certificate is refused by the client' '
	test_must_fail curl -sS -o /dev/null "$TLS_URL/v1/health" 2>err &&
	grep -qi "certificate" err
'

test_expect_success 'security headers are on API responses and errors' '
	for p in /v1/health /v1/nope; do
		http GET $p &&
		test "$(header x-content-type-options)" = nosniff &&
		test "$(header x-frame-options)" = DENY &&
		test -n "$(header content-security-policy)" &&
		test "$(header cache-control)" = no-store || return 1
	done &&
	test -z "$(header strict-transport-security)"
'

test_expect_success '/v1/auth/ goes to the auth pool, the rest to the main pool' '
	http GET /v1/auth/anything -H "X-Request-Id: to-auth-1" &&
	expect_error not_found 404 &&
	http GET /v1/health -H "X-Request-Id: to-main-1" &&
	test_wait_for 5 grep -q "to-auth-1 GET /v1/auth/anything" "$AUTH_LOG" &&
	test_wait_for 5 grep -q "to-main-1 GET /v1/health" "$MAIN_LOG" &&
	test_grep -v "to-auth-1" "$MAIN_LOG" &&
	test_grep -v "to-main-1" "$AUTH_LOG"
'

test_expect_success 'nginx and cron-api log the same request id' '
	http GET /v1/health &&
	rid=$(header x-request-id) &&
	test_wait_for 5 grep -q "rid=$rid" "$NGINX_PREFIX/logs/access.log" &&
	test_wait_for 5 grep -q "$rid GET /v1/health 200" "$MAIN_LOG"
'

test_expect_success 'cron-api stopped: nginx answers 503 service_unavailable as JSON' '
	stack_api_stop &&
	http GET /v1/health &&
	expect_error service_unavailable 503 &&
	test "$(header retry-after)" = 1 &&
	test -n "$(header x-request-id)"
'

test_expect_success 'cron-api started again: the API answers at once' '
	stack_api_start &&
	http GET /v1/health && expect_status 200
'

# The production site, run for real: only ports, certificate, socket and
# log paths are rewritten to the test's.
test_expect_success 'production site: nginx -t accepts it' '
	P=$TRASH_DIRECTORY/prod && mkdir -p $P/logs $P/tmp $P/snippets &&
	cp "$TEST_SRCDIR"/nginx/snippets/*.conf $P/snippets/ &&
	PHTTP=$(stack_free_port) && PHTTPS=$(stack_free_port) &&
	sed -e "s|listen 80;|listen 127.0.0.1:$PHTTP;|" \
	    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$PHTTPS ssl http2;|" \
	    -e "/listen \[::\]/d" \
	    -e "s|/etc/letsencrypt/live/cron.example.com/fullchain.pem|$CA_CERT|" \
	    -e "s|/etc/letsencrypt/live/cron.example.com/privkey.pem|$NGINX_PREFIX/dev.key|" \
	    -e "s|/run/cron-platform/api.sock|$API_SOCK|" \
	    -e "s|/run/cron-platform/auth.sock|$AUTH_SOCK|" \
	    -e "s|/var/log/nginx/|$P/logs/|" \
	    "$TEST_SRCDIR/nginx/cron-platform.conf" >$P/site.conf &&
	user= && test "$(id -u)" = 0 && user="user root;"
	cat >$P/nginx.conf <<-CONF &&
	$user
	pid $P/nginx.pid;
	error_log $P/logs/error.log;
	events { worker_connections 64; }
	http {
		client_body_temp_path $P/tmp/body; fastcgi_temp_path $P/tmp/fcgi;
		proxy_temp_path $P/tmp/proxy; uwsgi_temp_path $P/tmp/uwsgi;
		scgi_temp_path $P/tmp/scgi;
		include site.conf;
	}
	CONF
	nginx -t -p $P -c $P/nginx.conf -e $P/logs/error.log
'

test_expect_success 'production site: HTTP redirects to HTTPS, HTTPS serves the API' '
	nginx -p $P -c $P/nginx.conf -e $P/logs/error.log &&
	test_atexit "kill -QUIT \$(cat $P/nginx.pid)" &&
	test_wait_for 5 test -s $P/nginx.pid &&
	curl -sS -o /dev/null -D redir.h -H "Host: cron.example.com" \
		"http://127.0.0.1:$PHTTP/v1/health" &&
	grep -q "^HTTP/1.1 301" redir.h &&
	grep -qi "^location: https://cron.example.com/v1/health" redir.h &&
	curl -sS -k -D tls.h -o tls.body "https://127.0.0.1:$PHTTPS/v1/health" &&
	jq -e ".status == \"ok\"" tls.body &&
	grep -qi "^strict-transport-security: max-age=63072000; includeSubDomains" tls.h &&
	grep -qi "^x-content-type-options: nosniff" tls.h
'

test_done
