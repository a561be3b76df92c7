#!/usr/bin/env bash
test_description='the test library itself: failures are reported, helpers fail when they should'
. "$(dirname "$0")/test-lib.sh"

# run_sub BODY: runs a sub-script with one test whose body is BODY; its
# TAP output lands in sub.out and its exit status is returned.
run_sub() {
	cat >sub.t <<-EOF
	test_description=sub
	. "$TEST_SRCDIR/t/test-lib.sh"
	test_expect_success 'inner' '
	$1
	'
	test_done
	EOF
	TEST_BUILDDIR=$TRASH_DIRECTORY/sub bash sub.t >sub.out 2>&1
}

test_expect_success 'a passing test is ok and the script exits 0' '
	mkdir -p sub/t && run_sub "true" &&
	test_grep "^ok 1 - inner" sub.out &&
	test_grep "^1..1$" sub.out
'

test_expect_success 'a failing test is not ok, its output shown, exit 1' '
	test_must_fail run_sub "echo visible-output && false" &&
	test_grep "^not ok 1 - inner" sub.out &&
	test_grep "#   visible-output" sub.out
'

test_expect_success 'return 1 inside a loop fails the test (and is reported)' '
	test_must_fail run_sub "for i in 1 2; do false || return 1; done; true" &&
	test_grep "^not ok 1 - inner" sub.out &&
	test_grep "^1..1$" sub.out
'

test_expect_success 'test_must_fail: success is a failure, a signal is a failure' '
	! test_must_fail true 2>/dev/null &&
	test_must_fail false &&
	! test_must_fail sh -c "kill -9 \$\$" 2>/dev/null
'

test_expect_success 'test_cmp fails on a difference' '
	echo a >x && echo b >y &&
	! test_cmp x y >/dev/null &&
	test_cmp x x
'

test_expect_success 'test_grep fails when the pattern is missing (and -v when present)' '
	echo hello >f &&
	! test_grep nope f 2>/dev/null &&
	! test_grep -v hello f 2>/dev/null &&
	test_grep hello f
'

test_expect_success 'test_when_finished runs even when the test fails' '
	test_must_fail run_sub "test_when_finished \"touch $TRASH_DIRECTORY/cleaned\" && false" &&
	test -f cleaned
'

test_done
