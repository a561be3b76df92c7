# t/test-lib.sh: a small TAP test library in git's t/ vocabulary.
#
#   test_description='what this script tests'
#   . ./test-lib.sh            (scripts source it via "$(dirname "$0")")
#   test_expect_success 'title' '
#           command && command
#   '
#   test_done
#
# Each test body runs in the script's shell (so variables carry over) with
# its output captured to a file that is shown, as TAP comments, only when
# the test fails.  Run a script with -v (or TEST_VERBOSE=1) to see all
# output, -d (TEST_DEBUG=1) to keep the trash directory.

TEST_SRCDIR=${TEST_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TEST_BUILDDIR=${TEST_BUILDDIR:-$TEST_SRCDIR}
export TEST_SRCDIR TEST_BUILDDIR
for arg in "$@"; do
	case $arg in
	-v|--verbose) TEST_VERBOSE=1 ;;
	-d|--debug) TEST_DEBUG=1 ;;
	esac
done
: "${TEST_VERBOSE:=}" "${TEST_DEBUG:=}"

this_test=$(basename "$0" .t)
TRASH_DIRECTORY=$TEST_BUILDDIR/t/trash.$this_test
rm -rf "$TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" || { echo "Bail out! cannot make $TRASH_DIRECTORY"; exit 1; }
cd "$TRASH_DIRECTORY" || exit 1
TRASH_DIRECTORY=$(pwd)

test_count=0
test_failure=0
test_cleanup_cmds=
test_final_cleanup_cmds=
PATH=$TEST_BUILDDIR:$PATH
export PATH

say() { printf '# %s\n' "$*"; }

# Prints a file's lines as TAP comments.
test_show_() { sed -e 's/^/#   /' "$1"; }

# test_when_finished CMD: run CMD after the current test, pass or fail.
test_when_finished() {
	test_cleanup_cmds="$*; $test_cleanup_cmds"
}

# test_atexit CMD: run CMD when the script ends (stopping servers).
test_atexit() {
	test_final_cleanup_cmds="$*; $test_final_cleanup_cmds"
}

test_run_final_cleanup_() {
	if test -n "$test_final_cleanup_cmds"; then
		eval "$test_final_cleanup_cmds" >/dev/null 2>&1
		test_final_cleanup_cmds=
	fi
}
trap 'test_run_final_cleanup_' EXIT

# Runs a test body in a function of its own, so "return 1" in a body
# (the idiom for failing inside a loop) ends the body, not the caller.
test_eval_() {
	eval "$1"
}

test_expect_success() {
	test "$#" = 2 || { echo "Bail out! test_expect_success needs 2 args"; exit 1; }
	test_count=$((test_count + 1))
	out=$TRASH_DIRECTORY/.out.$test_count
	test_cleanup_cmds=
	if test -n "$TEST_VERBOSE"; then
		test_eval_ "$2" > >(tee "$out" | sed 's/^/# /') 2>&1
		status=$?
	else
		test_eval_ "$2" >"$out" 2>&1
		status=$?
	fi
	if test -n "$test_cleanup_cmds"; then
		eval "$test_cleanup_cmds" >>"$out" 2>&1
	fi
	if test "$status" = 0; then
		echo "ok $test_count - $1"
	else
		test_failure=$((test_failure + 1))
		echo "not ok $test_count - $1"
		test_show_ "$out"
	fi
}

# test_skip 'title' 'reason': records a skipped test.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# skip_all REASON: skips the whole script (prints the plan and exits 0).
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

test_done() {
	# A library may check what the stopped services left behind.
	if declare -F test_before_done_hook >/dev/null; then
		test_before_done_hook
	fi
	test_run_final_cleanup_
	echo "1..$test_count"
	if test "$test_failure" = 0; then
		cd "$TEST_BUILDDIR" && test -z "$TEST_DEBUG" &&
			rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	say "failed $test_failure of $test_count; kept $TRASH_DIRECTORY"
	exit 1
}

# test_must_fail CMD...: CMD must exit non-zero but not die by a signal.
test_must_fail() {
	"$@"
	exit_code=$?
	if test "$exit_code" = 0; then
		echo >&2 "test_must_fail: command succeeded: $*"
		return 1
	elif test "$exit_code" -gt 128 && test "$exit_code" -le 192; then
		echo >&2 "test_must_fail: died by signal $((exit_code - 128)): $*"
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: the files must be equal (shows a diff if not).
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep [-v] PATTERN FILE: grep that shows the file when it fails.
test_grep() {
	if test "$1" = "-v"; then
		shift
		if grep -e "$1" "$2" >/dev/null; then
			echo >&2 "test_grep: '$1' unexpectedly found in $2:"
			cat >&2 "$2"
			return 1
		fi
		return 0
	fi
	grep -e "$1" "$2" >/dev/null && return 0
	echo >&2 "test_grep: '$1' not found in $2:"
	cat >&2 "$2"
	return 1
}

# test_wait_for SECONDS CMD...: retries CMD every 0.1 s until it succeeds.
test_wait_for() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		test "$i" -ge "$limit" && { echo >&2 "timed out: $*"; return 1; }
		sleep 0.1
	done
}

# test_have CMD: true if CMD is on PATH.
test_have() { command -v "$1" >/dev/null 2>&1; }
