# dev/lib.sh: shared by dev/up, dev/down and dev/check.  Bash.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR=$TOP/var

# Debian 12 packages the build, the stack and the tests need.
DEV_PACKAGES="build-essential autoconf automake libtool pkg-config
	libfcgi-dev libmariadb-dev libjson-c-dev libcurl4-openssl-dev libssl-dev
	libscrypt-dev mariadb-server mariadb-client nginx curl jq openssl perl
	wrk valgrind procps util-linux systemd"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# dev_install_deps [EXTRA PACKAGES]: apt-get install what is missing.
dev_install_deps() {
	local missing="" p
	for p in $DEV_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $p"
	done
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		missing="$missing nodejs npm"
	fi
	test -z "$missing" && return 0
	test "$(id -u)" = 0 ||
		die "missing Debian packages:$missing (run: sudo apt-get install$missing)"
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null &&
	apt-get install -y -q $missing >/dev/null ||
		die "apt-get install failed"
}

# dev_build [CONFIGURE ARGS]: autotools from a clean clone, then make.
dev_build() {
	cd "$TOP" || exit 1
	test -x configure || autoreconf -fi >/dev/null 2>&1 || die "autoreconf failed"
	if ! test -f Makefile || test -n "${1:-}"; then
		./configure -q "$@" || die "configure failed"
	fi
	make -s -j"$(nproc)" >/dev/null || make -j1 || die "build failed"
}

# dev_mariadb_start DATADIR SOCKET LOG: a private server (socket only).
dev_mariadb_start() {
	local datadir=$1 sock=$2 log=$3 i
	if ! test -d "$datadir/mysql"; then
		mkdir -p "$datadir"
		mariadb-install-db --no-defaults --user="$(id -un)" \
			--auth-root-authentication-method=normal --skip-test-db \
			--datadir="$datadir" >"$log.install" 2>&1 ||
			die "mariadb-install-db failed, see $log.install"
	fi
	setsid mariadbd --no-defaults --user="$(id -un)" --datadir="$datadir" \
		--socket="$sock" --skip-networking --pid-file="$datadir/mariadbd.pid" \
		--log-error="$log" --skip-name-resolve --max-connections=500 \
		--innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 \
		</dev/null >/dev/null 2>&1 &
	for i in $(seq 300); do
		mariadb-admin --no-defaults -S "$sock" -uroot ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "MariaDB did not start, see $log"
}

# dev_stop_pidfile FILE: TERM the process, wait up to 30 s, then KILL.
dev_stop_pidfile() {
	local f=$1 pid i
	test -s "$f" || return 0
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$f"
}
