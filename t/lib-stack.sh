# t/lib-stack.sh: start the real stack for a test script: a MariaDB server
# (shared when CRON_TEST_DB_SOCKET is set, else private to the script), a
# fresh database and user, cron-api, and nginx from the development
# template.  Source it after test-lib.sh.  Everything started here is
# stopped when the script ends.

STACK_SOCKDIR=$(mktemp -d /tmp/cront.XXXXXX)	# UNIX socket paths must be short
test_atexit "rm -rf '$STACK_SOCKDIR'"
: "${CRON_TEST_WRAP:=}"

stack_mysql() {
	mariadb --no-defaults -S "$DB_SOCKET" -uroot -N -B "$@"
}

# stack_db_template: a pristine datadir, made once per build tree.
stack_db_template() {
	local tpl=$TEST_BUILDDIR/t/.db-template
	(
		flock 9
		test -d "$tpl" && exit 0
		rm -rf "$tpl.tmp"
		mariadb-install-db --no-defaults --user="$(id -un)" \
			--auth-root-authentication-method=normal --skip-test-db \
			--datadir="$tpl.tmp" >"$TEST_BUILDDIR/t/.db-template.log" 2>&1 &&
		mv "$tpl.tmp" "$tpl"
	) 9>"$TEST_BUILDDIR/t/.db-template.lock"
}

# stack_db_boot DATADIR SOCKET: start mariadbd on DATADIR (made from the
# template if missing) and wait until it answers.  Sets DB_PID.
# STACK_DB_ARGS: more mariadbd options (split on blanks), appended so they
# win, e.g. a larger --innodb-buffer-pool-size for a benchmark.
stack_db_boot() {
	local datadir=$1 sock=$2
	if ! test -d "$datadir"; then
		stack_db_template && cp -a "$TEST_BUILDDIR/t/.db-template" "$datadir" ||
			return 1
	fi
	mariadbd --no-defaults --user="$(id -un)" --datadir="$datadir" \
		--socket="$sock" --skip-networking --pid-file="$datadir/mariadbd.pid" \
		--log-error="$datadir/error.log" --skip-name-resolve \
		--innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
		--innodb-flush-log-at-trx-commit=2 --max-connections=500 \
		${STACK_DB_ARGS:-} </dev/null >/dev/null 2>&1 &
	DB_PID=$!
	DB_DATADIR=$datadir
	test_wait_for 30 mariadb-admin --no-defaults -S "$sock" -uroot ping
}

# stack_db_start: a fresh database and user for this script.
stack_db_start() {
	if test -n "${CRON_TEST_DB_SOCKET:-}" && test -z "${STACK_PRIVATE_DB:-}"; then
		DB_SOCKET=$CRON_TEST_DB_SOCKET
	else
		DB_SOCKET=$STACK_SOCKDIR/db.sock
		stack_db_boot "$TRASH_DIRECTORY/db" "$DB_SOCKET" || return 1
		test_atexit "stack_db_stop"
	fi
	DB_NAME=t_$(printf '%s' "$this_test" | tr -c 'a-z0-9' _ | cut -c1-40)_$$
	DB_USER=u_$$_$RANDOM
	DB_PASS=$(openssl rand -hex 16)
	stack_mysql -e "CREATE DATABASE $DB_NAME;
		CREATE USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
		GRANT ALL ON $DB_NAME.* TO '$DB_USER'@'localhost';" || return 1
	test_atexit "stack_mysql -e \"DROP DATABASE IF EXISTS $DB_NAME; DROP USER IF EXISTS '$DB_USER'@'localhost'\""
}

# stack_db_stop: stop the private server (for restart tests).
stack_db_stop() {
	test -n "${DB_PID:-}" || return 0
	kill "$DB_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$DB_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$DB_PID" 2>/dev/null
	wait "$DB_PID" 2>/dev/null
	DB_PID=
}

# stack_db_restart: start the private server again on the same datadir.
stack_db_restart() {
	stack_db_boot "$DB_DATADIR" "$DB_SOCKET"
}

# stack_sql SQL: run SQL in this script's database as its user.
stack_sql() {
	mariadb --no-defaults -S "$DB_SOCKET" -u"$DB_USER" -p"$DB_PASS" \
		-N -B "$DB_NAME" -e "$1"
}

# stack_conf [EXTRA LINES]: write cron.conf for this script; sets CRON_CONF.
stack_conf() {
	CRON_CONF=$TRASH_DIRECTORY/cron.conf
	export CRON_CONF
	: "${STACK_JWT_SECRET:=$(openssl rand -hex 32)}"
	cat >"$CRON_CONF" <<-CONF
	# written by t/lib-stack.sh for $this_test
	db_socket = $DB_SOCKET
	db_user = $DB_USER
	db_password = $DB_PASS
	db_name = $DB_NAME
	db_connect_timeout = 2
	api_workers = ${STACK_WORKERS:-3}
	sql_dir = $TEST_SRCDIR/sql
	public_url = http://127.0.0.1
	allow_private_targets = ${STACK_ALLOW_PRIVATE:-1}
	mail_dir = $TRASH_DIRECTORY/mail
	jwt_secret = $STACK_JWT_SECRET
	rate_limit_exempt_loopback = ${STACK_EXEMPT_LOOPBACK:-1}
	keyring_file = $TRASH_DIRECTORY/keyring
	CONF
	if test $# -gt 0; then printf '%s\n' "$@" >>"$CRON_CONF"; fi
	chmod 600 "$CRON_CONF"
	test -f "$TRASH_DIRECTORY/keyring" ||
		"$TEST_BUILDDIR/cron-admin" keys generate >/dev/null
}

stack_migrate() {
	cron-admin migrate
}

# stack_api_start [ARGS]: start cron-api on a UNIX socket; sets API_PID, API_SOCK.
stack_api_start() {
	API_SOCK=$STACK_SOCKDIR/api.sock
	API_LOG=$TRASH_DIRECTORY/api.log
	: >>"$API_LOG"
	local before
	before=$(grep -c 'ready:' "$API_LOG")
	$CRON_TEST_WRAP "$TEST_BUILDDIR/cron-api" --listen "$API_SOCK" "$@" \
		</dev/null >>"$API_LOG" 2>&1 &
	API_PID=$!
	test_atexit "stack_api_stop"
	test_wait_for 30 stack_api_ready_ "$before"
}

stack_api_ready_() {
	test "$(grep -c 'ready:' "$API_LOG")" -gt "$1"
}

stack_api_stop() {
	test -n "${API_PID:-}" || return 0
	kill -TERM "$API_PID" 2>/dev/null
	for _ in $(seq 300); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$API_PID" 2>/dev/null
	wait "$API_PID" 2>/dev/null
	API_PID=
}

# stack_api_workers: the pids of cron-api's current workers.
stack_api_workers() {
	pgrep -P "$API_PID"
}

stack_free_port() {
	perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
		LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1)->sockport, "\n"'
}

# stack_cert DIR: a self-signed certificate for 127.0.0.1/localhost.
stack_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 3 -subj /CN=localhost \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-keyout "$1/dev.key" -out "$1/dev.crt" >/dev/null 2>&1
}

# stack_nginx_start: nginx from nginx/dev.conf.in in front of cron-api;
# sets HTTP_PORT, HTTPS_PORT, BASE_URL, TLS_URL, NGINX_PREFIX.
stack_nginx_start() {
	NGINX_PREFIX=$TRASH_DIRECTORY/nginx
	mkdir -p "$NGINX_PREFIX/logs" "$NGINX_PREFIX/tmp"
	stack_cert "$NGINX_PREFIX" || return 1
	local try
	for try in 1 2 3; do
		HTTP_PORT=$(stack_free_port) HTTPS_PORT=$(stack_free_port)
		"$TEST_SRCDIR/dev/render-nginx" "$TEST_SRCDIR/nginx" \
			"$NGINX_PREFIX" "$HTTP_PORT" "$HTTPS_PORT" "$API_SOCK" \
			"${AUTH_SOCK:-$API_SOCK}" || return 1
		nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" \
			-e "$NGINX_PREFIX/logs/error.log" </dev/null >/dev/null 2>&1 &&
			break
	done
	test_atexit "stack_nginx_stop"
	BASE_URL=http://127.0.0.1:$HTTP_PORT
	TLS_URL=https://127.0.0.1:$HTTPS_PORT
	CA_CERT=$NGINX_PREFIX/dev.crt
	test_wait_for 10 test -s "$NGINX_PREFIX/nginx.pid"
}

stack_nginx_stop() {
	test -s "$NGINX_PREFIX/nginx.pid" || return 0
	local pid
	pid=$(cat "$NGINX_PREFIX/nginx.pid")
	kill -QUIT "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
	rm -f "$NGINX_PREFIX/nginx.pid"
}

# stack_up: database, migrations, cron-api and nginx, in that order.
stack_up() {
	stack_db_start && stack_conf "$@" && stack_migrate >/dev/null &&
	stack_api_start && stack_nginx_start
}

# http METHOD PATH [CURL ARGS]: a request through nginx.  Sets STATUS;
# the body is in ./body and the headers in ./headers.
http() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -sS -o body -D headers -w '%{http_code}' -X "$method" \
		"$@" "${URL:-$BASE_URL}$path")
}

# expect_status CODE: STATUS must be CODE (shows the response if not).
expect_status() {
	test "$STATUS" = "$1" && return 0
	echo >&2 "expected HTTP $1, got $STATUS"
	cat >&2 headers body 2>/dev/null
	echo >&2		# bodies have no final newline
	return 1
}

# expect_error CODE STATUS: the body is the error envelope with CODE.
expect_error() {
	expect_status "$2" &&
	jq -e --arg c "$1" '.error.code == $c and (.error.message | type) == "string"
		and (.error.details | type) == "object" and (keys == ["error"])' body >/dev/null ||
	{ echo >&2 "expected error $1:"; cat >&2 body; echo >&2; return 1; }
}

# header NAME: the value of response header NAME (case-insensitive).
header() {
	tr -d '\r' <headers | awk -v n="$(echo "$1" | tr A-Z a-z)" -F': ' \
		'tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }'
}

# After the last test: stop the services, then fail if any of their logs
# holds a sanitizer or valgrind report (a worker that died of one is
# replaced by the pool, so the requests alone would not show it).
test_before_done_hook() {
	test_expect_success 'services stopped; their logs have no sanitizer or valgrind reports' '
		test_run_final_cleanup_ &&
		! grep -E "AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|==[0-9]+== .*(are definitely lost|Invalid (read|write|free)|Conditional jump|uninitialised|Mismatched free|Source and destination overlap|Syscall param)|definitely lost: [1-9]" \
			"$TRASH_DIRECTORY"/*.log /dev/null
	'
}

# json METHOD PATH [CURL ARGS]: a JSON request through nginx (see http).
json() { http "$1" "$2" -H "Content-Type: application/json" "${@:3}"; }

# bearer TOKEN: the Authorization header for TOKEN.
bearer() { echo "Authorization: Bearer $1"; }

# stack_user VAR EMAIL [verified|pending]: signs up a user (with its own
# workspace) through the API and, unless "pending", marks the email
# verified in the database.  Sets VAR_TOKEN, VAR_ID and VAR_WS.
stack_user() {
	local var=$1 email=$2 state=${3:-verified}
	json POST /v1/auth/signup -d "{\"name\":\"$var\",\"email\":\"$email\",\"password\":\"correct-horse-battery\",\"workspace_name\":\"$var space\"}" &&
	expect_status 202 || return 1
	eval "${var}_TOKEN=\$(jq -r .token body) ${var}_ID=\$(jq -r .user.id body) ${var}_WS=\$(jq -r .workspace.id body)"
	if test "$state" != pending; then
		stack_sql "UPDATE users SET trust_level = 'verified', verified_at = UTC_TIMESTAMP(3) WHERE email_norm = LOWER('$email')"
	fi
}

# stack_join VAR WORKSPACE ROLE: makes user VAR (from stack_user) a ROLE of
# WORKSPACE and switches VAR_TOKEN into it.
stack_join() {
	local var=$1 ws=$2 role=$3 id token
	eval "id=\$${var}_ID token=\$${var}_TOKEN"
	stack_sql "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ('$ws', '$id', '$role', UTC_TIMESTAMP(3))" &&
	json POST /v1/auth/switch-workspace -H "$(bearer "$token")" -d "{\"workspace_id\":\"$ws\"}" &&
	expect_status 200 || return 1
	eval "${var}_TOKEN=\$(jq -r .token body)"
}

# sched_start NAME [ARGS]: start cron-scheduler logging to NAME.log and wait
# for its readiness line; sets SCHED_PID and SCHED_LOG.  It is stopped when
# the test ends, so a failing test leaves nothing running for the next.
sched_start() {
	SCHED_LOG=$TRASH_DIRECTORY/$1.log
	shift
	: >>"$SCHED_LOG"
	local before
	before=$(grep -c 'ready: cron-scheduler' "$SCHED_LOG")
	$CRON_TEST_WRAP "$TEST_BUILDDIR/cron-scheduler" "$@" </dev/null \
		>>"$SCHED_LOG" 2>&1 &
	SCHED_PID=$!
	test_atexit "sched_kill $SCHED_PID"
	test_when_finished "sched_kill $SCHED_PID"
	test_wait_for 30 sched_ready_ "$SCHED_LOG" "$before"
}

# sched_daemon NAME [ARGS]: like sched_start, but it keeps running across
# tests until the script ends (or sched_kill $SCHED_PID).
sched_daemon() {
	SCHED_LOG=$TRASH_DIRECTORY/$1.log
	shift
	: >>"$SCHED_LOG"
	local before
	before=$(grep -c 'ready: cron-scheduler' "$SCHED_LOG")
	$CRON_TEST_WRAP "$TEST_BUILDDIR/cron-scheduler" "$@" </dev/null \
		>>"$SCHED_LOG" 2>&1 &
	SCHED_PID=$!
	test_atexit "sched_kill $SCHED_PID"
	test_wait_for 30 sched_ready_ "$SCHED_LOG" "$before"
}

# sched_bg NAME: start cron-scheduler logging to NAME.log; sets BG_PID.
sched_bg() {
	$CRON_TEST_WRAP "$TEST_BUILDDIR/cron-scheduler" </dev/null \
		>>"$TRASH_DIRECTORY/$1.log" 2>&1 &
	BG_PID=$!
	test_atexit "sched_kill $BG_PID"
	test_when_finished "sched_kill $BG_PID"
}

sched_ready_() {
	test "$(grep -c 'ready: cron-scheduler' "$1")" -gt "$2"
}

sched_kill() {
	kill -TERM "$1" 2>/dev/null || return 0
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
