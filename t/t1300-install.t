#!/usr/bin/env bash
test_description='make install DESTDIR=...: the installed files and their modes, the systemd units (systemd-analyze verify), sysusers.d and tmpfiles.d, and the installed programs with the installed example config running a job end to end'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"
. "$TEST_SRCDIR/t/lib-jobs.sh"

D=$TRASH_DIRECTORY/root

# bmake ARGS...: make in the build tree, free of the make check that runs
# this script (its MAKEFLAGS would pass on TESTS=... and a jobserver).
bmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s --no-print-directory -C "$TEST_BUILDDIR" "$@"
}

# installdirs: the installation directories the build tree was configured
# with, as shell assignments.
installdirs() {
	printf '%s\n' 'print-installdirs: ; @echo SBIN=$(sbindir) BIN=$(bindir) ETC=$(sysconfdir) DATA=$(pkgdatadir) MAN=$(mandir) UNITS=$(systemdsystemunitdir) SYSUSERS=$(sysusersdir) TMPFILES=$(tmpfilesdir)' |
		bmake -f Makefile -f - print-installdirs
}

# mode FILE: its permission bits in octal (755, 644, ...).
mode() { stat -c %a "$1"; }

must_be_empty() {
	test -s "$1" || return 0
	echo >&2 "not empty: $1"
	cat >&2 "$1"
	return 1
}

# iapi_start SOCKET: the installed cron-api with a listening socket on fd
# 0, as cron-api.socket hands it over (StandardInput=socket).
iapi_start() {
	perl -MSocket -MIO::Socket::UNIX -MPOSIX=dup2 -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Local => shift,
			Listen => 128) or die "listen: $!\n";
		dup2(fileno($s), 0) or die "dup2: $!\n";
		exec @ARGV or die "exec: $!\n";' \
		"$1" "$D$SBIN/cron-api" -f "$CONF" >api.log 2>&1 &
	IAPI_PID=$!
	test_atexit "kill $IAPI_PID 2>/dev/null"
	test_wait_for 30 grep -q "ready:" api.log
}

# notify_listen SOCKET: a datagram socket that logs what is sent to it
# (systemd's NOTIFY_SOCKET) to notify.log, one message a line.
notify_listen() {
	perl -MSocket -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => shift)
			or die "bind: $!\n";
		$| = 1;
		while (defined $s->recv(my $m, 4096)) { print $m, "\n"; }' \
		"$1" >notify.log 2>&1 &
	test_atexit "kill $! 2>/dev/null"
	test_wait_for 10 test -S "$1"
}

# isched_start: the installed cron-scheduler, under a NOTIFY_SOCKET.
isched_start() {
	NOTIFY_SOCKET=$NSOCK "$D$SBIN/cron-scheduler" -f "$CONF" </dev/null \
		>sched.log 2>&1 &
	ISCHED_PID=$!
	test_atexit "sched_kill $ISCHED_PID"
	test_wait_for 30 grep -qx READY=1 notify.log
}

have_mail() { ls "$TRASH_DIRECTORY"/mail/*.eml; }
watchdogs_ge() { test "$(grep -cx WATCHDOG=1 notify.log)" -ge "$1"; }

test_expect_success 'make install DESTDIR=... into the trash directory' '
	bmake install DESTDIR="$D" >install.log 2>&1 &&
	installdirs >dirs && cat dirs && eval "$(cat dirs)" &&
	test -n "$SBIN" && test -n "$ETC" && test -n "$DATA" &&
	say "sbindir $SBIN, sysconfdir $ETC, units $UNITS"
'

test_expect_success 'programs: sbin cron-api, cron-scheduler, cron-admin; bin cronctl; mode 755' '
	for p in "$SBIN/cron-api" "$SBIN/cron-scheduler" "$SBIN/cron-admin" "$BIN/cronctl"; do
		test -x "$D$p" && test "$(mode "$D$p")" = 755 ||
		{ echo >&2 "missing or mode $(mode "$D$p" 2>&1): $p"; return 1; }
	done &&
	"$D$BIN/cronctl" --help >help.out 2>&1 && test_grep "^usage: cronctl" help.out
'

test_expect_success 'data: every sql/ migration, the OpenAPI document, the nginx site and snippets; mode 644' '
	ls "$TEST_SRCDIR"/sql/*.sql >want && test -s want &&
	while read -r f; do
		i=$D$DATA/sql/$(basename "$f") &&
		cmp "$f" "$i" && test "$(mode "$i")" = 644 || return 1
	done <want &&
	test "$(ls "$D$DATA"/sql/*.sql | wc -l)" = "$(wc -l <want)" &&
	for f in openapi.json nginx/cron-platform.conf nginx/snippets/cron-api.conf \
		nginx/snippets/cron-fastcgi-params.conf; do
		test "$(mode "$D$DATA/$f")" = 644 || return 1
	done
'

test_expect_success 'man pages: cronctl(1), cron.conf(5), cron-api(8), cron-scheduler(8), cron-admin(8)' '
	for m in man1/cronctl.1 man5/cron.conf.5 man8/cron-api.8 man8/cron-scheduler.8 \
		man8/cron-admin.8; do
		test -s "$D$MAN/$m" && test "$(mode "$D$MAN/$m")" = 644 ||
		{ echo >&2 "missing: $MAN/$m"; return 1; }
	done
'

test_expect_success 'the example config is installed; a real cron.conf is never created or replaced' '
	EX=$D$ETC/cron-platform/cron.conf.example &&
	test "$(mode "$EX")" = 644 &&
	! test -e "$D$ETC/cron-platform/cron.conf" &&
	echo "# mine" >"$D$ETC/cron-platform/cron.conf" &&
	bmake install DESTDIR="$D" >install2.log 2>&1 &&
	test "$(cat "$D$ETC/cron-platform/cron.conf")" = "# mine" &&
	rm "$D$ETC/cron-platform/cron.conf"
'

test_expect_success 'the example config names every key of lib/conf.c and every plan limit, and is valid as shipped' '
	sed -n "s/^[[:space:]]*{ \"\([a-z_0-9]*\)\",.*CONF_.*/\1/p" "$TEST_SRCDIR/lib/conf.c" >keys &&
	test "$(wc -l <keys)" -gt 30 &&
	while read -r k; do
		grep -Eq "^#?$k =( |\$)" "$EX" || { echo >&2 "not in the example: $k"; return 1; }
	done <keys &&
	for l in max_jobs min_interval_minutes max_executions_per_month max_members history_days; do
		grep -q "^plan\.[a-z]*\.$l = " "$EX" || { echo >&2 "no plan line for $l"; return 1; }
	done &&
	! grep -n "@[a-z]*@" "$EX" &&
	grep -q "^#keyring_file = $ETC/cron-platform/keyring$" "$EX" &&
	grep -q "^#sql_dir = $DATA/sql$" "$EX" &&
	"$D$SBIN/cron-scheduler" -n -f "$EX"
'

if test "$UNITS" = no; then
	test_skip 'systemd units' 'configured --without-systemdsystemunitdir'
else
test_expect_success 'systemd units: installed 644, ExecStart names the installed programs and config' '
	U=$D$UNITS &&
	for u in cron-api.socket cron-api.service cron-api-auth.socket \
		cron-api-auth.service cron-scheduler.service; do
		test "$(mode "$U/$u")" = 644 || { echo >&2 "missing: $UNITS/$u"; return 1; }
	done &&
	! grep -n "@[a-z]*@" "$U"/* &&
	test "$(sed -n "s/^ExecStart=//p" "$U/cron-api.service")" = \
		"$SBIN/cron-api -f $ETC/cron-platform/cron.conf" &&
	test "$(sed -n "s/^ExecStart=//p" "$U/cron-scheduler.service")" = \
		"$SBIN/cron-scheduler -f $ETC/cron-platform/cron.conf" &&
	grep -q "^ExecStart=$SBIN/cron-api -f $ETC/cron-platform/cron.conf --workers" \
		"$U/cron-api-auth.service" &&
	grep -qx "StandardInput=socket" "$U/cron-api.service" &&
	grep -qx "Type=notify" "$U/cron-scheduler.service" &&
	grep -q "^WatchdogSec=" "$U/cron-scheduler.service" &&
	for u in cron-api.service cron-api-auth.service cron-scheduler.service; do
		for k in User=cron-platform ProtectSystem=strict NoNewPrivileges=yes \
			PrivateTmp=yes StandardError=journal; do
			grep -qx "$k" "$U/$u" || { echo >&2 "$u: no $k"; return 1; }
		done
	done
'

test_expect_success 'the sockets are where the nginx site sends /v1/ and /v1/auth/' '
	site=$D$DATA/nginx/cron-platform.conf &&
	upstream() { sed -n "/^upstream $1 {/,/}/s/^[[:space:]]*server unix:\([^;]*\);.*/\1/p" "$site"; } &&
	test -n "$(upstream cron_api)" &&
	test "$(sed -n "s/^ListenStream=//p" "$U/cron-api.socket")" = "$(upstream cron_api)" &&
	test "$(sed -n "s/^ListenStream=//p" "$U/cron-api-auth.socket")" = "$(upstream cron_api_auth)"
'

# systemd-analyze verify checks that ExecStart= programs exist and that
# Documentation= man pages are found: it checks copies whose ExecStart=
# points into DESTDIR, with MANPATH on the installed man pages (without
# man-db, --man=no).  --root is no help: it wants a whole system tree,
# sysinit.target included.  Warnings do not change its exit status, so
# its output must be empty.
if ! test_have systemd-analyze; then
	test_skip 'systemd-analyze verify' 'systemd-analyze not installed (Debian: apt-get install systemd)'
else
test_expect_success 'systemd-analyze verify: the units are clean' '
	mkdir -p units &&
	for f in "$U"/*; do
		sed "s|^\(Exec[A-Za-z]*=\)$SBIN/|\1$D$SBIN/|" "$f" >"units/$(basename "$f")" || return 1
	done &&
	grep -q "^ExecStart=$D$SBIN/cron-scheduler " units/cron-scheduler.service &&
	man=--man=yes &&
	{ test_have man || { man=--man=no && say "man-db not installed: Documentation= not checked"; }; } &&
	(cd units && MANPATH=$D$MAN SYSTEMD_LOG_COLOR=0 systemd-analyze verify $man ./*) >verify.out 2>&1 &&
	must_be_empty verify.out
'
fi
fi

if test "$SYSUSERS" = no || test "$TMPFILES" = no || test "$(id -u)" != 0 ||
	! test_have systemd-sysusers || ! test_have systemd-tmpfiles; then
	test_skip 'sysusers.d and tmpfiles.d applied in DESTDIR' 'needs root, systemd-sysusers and systemd-tmpfiles'
else
test_expect_success 'sysusers.d makes the cron-platform user, tmpfiles.d its directories (in DESTDIR)' '
	mkdir -p "$D/etc" &&
	systemd-sysusers --root="$D" "$D$SYSUSERS/cron-platform.conf" &&
	grep -q "^cron-platform:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$" "$D/etc/passwd" &&
	systemd-tmpfiles --root="$D" --create "$D$TMPFILES/cron-platform.conf" &&
	uid=$(sed -n "s/^cron-platform:x:\([0-9]*\):.*/\1/p" "$D/etc/passwd") &&
	test "$(stat -c "%a %u" "$D$ETC/cron-platform")" = "700 $uid" &&
	test "$(stat -c "%a %u" "$D/var/lib/cron-platform")" = "700 $uid"
'
fi

# The smoke run: only installed files.  The config is the installed
# example with this script's database and keys filled in.
test_expect_success 'config from the installed example; cron-admin migrate and keys generate' '
	stack_db_start &&
	CONF=$TRASH_DIRECTORY/cron.conf &&
	sed -e "s|^db_socket = .*|db_socket = $DB_SOCKET|" \
		-e "s|^db_user = .*|db_user = $DB_USER|" \
		-e "s|^db_password =.*|db_password = $DB_PASS|" \
		-e "s|^db_name = .*|db_name = $DB_NAME|" \
		-e "s|^jwt_secret =.*|jwt_secret = $(openssl rand -hex 32)|" \
		-e "s|^smtp_url = .*|smtp_url =|" \
		-e "s|^#mail_dir =.*|mail_dir = $TRASH_DIRECTORY/mail|" \
		-e "s|^#keyring_file = .*|keyring_file = $TRASH_DIRECTORY/keyring|" \
		-e "s|^#sql_dir = .*|sql_dir = $D$DATA/sql|" \
		-e "s|^#api_workers = .*|api_workers = 2|" \
		-e "s|^#allow_private_targets = .*|allow_private_targets = 1|" \
		-e "s|^#rate_limit_exempt_loopback = .*|rate_limit_exempt_loopback = 1|" \
		"$EX" >"$CONF" &&
	chmod 600 "$CONF" &&
	unset CRON_CONF &&
	"$D$SBIN/cron-admin" -f "$CONF" keys generate >keys.out 2>&1 &&
	test "$(mode keyring)" = 600 &&
	"$D$SBIN/cron-admin" -f "$CONF" migrate >migrate.out 2>&1 &&
	"$D$SBIN/cron-admin" -f "$CONF" migrate --check &&
	"$D$SBIN/cron-api" -n -f "$CONF"
'

test_expect_success 'installed cron-api (socket on fd 0), nginx, cron-scheduler (NOTIFY_SOCKET)' '
	API_SOCK=$STACK_SOCKDIR/api.sock NSOCK=$STACK_SOCKDIR/notify.sock &&
	iapi_start "$API_SOCK" &&
	stack_nginx_start &&
	notify_listen "$NSOCK" &&
	isched_start &&
	test_wait_for 10 watchdogs_ge 3
'

test_expect_success 'signup through nginx, the verification mail, a job run now against a local target' '
	stack_user O owner@example.com &&
	test_wait_for 20 have_mail &&
	target_start target && T=$(target_url target) &&
	job J "$T/installed" &&
	run "$J" && done_as "$EXEC" succeeded &&
	test "$(seen /installed | wc -l)" = 1
'

test_expect_success 'the installed cronctl reads the execution over HTTPS' '
	HOME=$TRASH_DIRECTORY/home "$D$BIN/cronctl" --api-url "$TLS_URL" \
		--cacert "$CA_CERT" --token "$O_TOKEN" --json executions get "$EXEC" >exec.json &&
	jq -e --arg e "$EXEC" ".id == \$e and .status == \"succeeded\"" exec.json
'

test_expect_success 'SIGTERM: cron-scheduler says STOPPING=1 and exits 0; cron-api exits 0' '
	kill -TERM "$ISCHED_PID" && wait "$ISCHED_PID" &&
	grep -qx STOPPING=1 notify.log &&
	kill -TERM "$IAPI_PID" && wait "$IAPI_PID" &&
	test_grep "stopped" api.log
'

test_expect_success 'make uninstall DESTDIR=... removes what it installed' '
	bmake uninstall DESTDIR="$D" >uninstall.log 2>&1 &&
	! test -e "$D$SBIN/cron-api" && ! test -e "$D$BIN/cronctl" &&
	! test -e "$D$ETC/cron-platform/cron.conf.example" &&
	test -z "$(find "$D$DATA" -type f 2>/dev/null)" &&
	{ test "$UNITS" = no || test -z "$(find "$D$UNITS" -type f)"; }
'

test_done
