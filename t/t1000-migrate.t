#!/usr/bin/env bash
test_description='cron-admin migrate: from empty, re-run, changed files, failures, concurrency'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

test_expect_success 'set up a database and config' '
	stack_db_start && stack_conf &&
	mkdir sql && cp "$TEST_SRCDIR"/sql/*.sql sql/ &&
	sed -i "s|^sql_dir = .*|sql_dir = $TRASH_DIRECTORY/sql|" "$CRON_CONF"
'

test_expect_success 'migrate --check on an empty database lists pending and exits 1' '
	test_must_fail cron-admin migrate --check >out &&
	test_grep "pending 0001-accounts.sql" out &&
	test "$(stack_sql "SHOW TABLES LIKE \"users\"")" = ""
'

test_expect_success 'migrate from empty applies every migration in order' '
	cron-admin migrate >out &&
	ls sql | sed "s/^/applied /" >expect &&
	test_cmp expect out &&
	stack_sql "SELECT version, name FROM schema_migrations ORDER BY version" >recorded &&
	ls sql | sed "s/^\([0-9]*\)-/\1\t\1-/; s/^0*//" >expect &&
	test_cmp expect recorded
'

test_expect_success 'the first migration holds users, workspaces and memberships' '
	stack_sql "SHOW TABLES" | sort >tables &&
	test_grep "^users$" tables &&
	test_grep "^workspaces$" tables &&
	test_grep "^memberships$" tables &&
	stack_sql "SHOW CREATE TABLE users" >users.sql &&
	test_grep "UNIQUE KEY .users_email." users.sql
'

test_expect_success 'migrate again is a no-op' '
	stack_sql "SELECT COUNT(*), MAX(applied_at) FROM schema_migrations" >before &&
	cron-admin migrate >out &&
	test_grep "database is up to date" out &&
	cron-admin migrate --check >out &&
	stack_sql "SELECT COUNT(*), MAX(applied_at) FROM schema_migrations" >after &&
	test_cmp before after
'

test_expect_success 'a new migration is applied alone, and recorded with its checksum' '
	printf "CREATE TABLE widgets (id INT PRIMARY KEY);\nINSERT INTO widgets VALUES (1), (2);\n" \
		>sql/0999-widgets.sql &&
	cron-admin migrate >out &&
	echo "applied 0999-widgets.sql" >expect &&
	test_cmp expect out &&
	test "$(stack_sql "SELECT COUNT(*) FROM widgets")" = 2 &&
	test "$(stack_sql "SELECT checksum FROM schema_migrations WHERE version = 999")" = \
		"$(sha256sum sql/0999-widgets.sql | cut -d" " -f1)"
'

test_expect_success 'a migration changed after it was applied is refused, nothing runs' '
	echo "-- edited" >>sql/0999-widgets.sql &&
	printf "CREATE TABLE gadgets (id INT);\n" >sql/1000-gadgets.sql &&
	test_must_fail cron-admin migrate 2>err &&
	test_grep "0999-widgets.sql was changed after it was applied" err &&
	test_grep "refusing" err &&
	test "$(stack_sql "SHOW TABLES LIKE \"gadgets\"")" = "" &&
	test "$(stack_sql "SELECT COUNT(*) FROM schema_migrations WHERE version = 1000")" = 0
'

test_expect_success 'a failing migration stops the run and is not recorded' '
	sed -i "\$d" sql/0999-widgets.sql &&
	printf "CREATE TABLE gadgets (id INT);\nTHIS IS NOT SQL;\n" >sql/1000-gadgets.sql &&
	printf "CREATE TABLE later (id INT);\n" >sql/1001-later.sql &&
	test_must_fail cron-admin migrate >out 2>err &&
	test_grep "1000-gadgets.sql failed" err &&
	test "$(stack_sql "SELECT COUNT(*) FROM schema_migrations WHERE version >= 1000")" = 0 &&
	test "$(stack_sql "SHOW TABLES LIKE \"later\"")" = ""
'

test_expect_success 'after fixing it, migrate goes on from there' '
	stack_sql "DROP TABLE gadgets" &&
	printf "CREATE TABLE gadgets (id INT);\n" >sql/1000-gadgets.sql &&
	cron-admin migrate >out &&
	printf "applied 1000-gadgets.sql\napplied 1001-later.sql\n" >expect &&
	test_cmp expect out
'

test_expect_success 'two migrate runs at once apply each migration exactly once' '
	printf "CREATE TABLE race (id INT);\n" >sql/1002-race.sql &&
	{ cron-admin migrate >out1 2>&1 & } &&
	p1=$! &&
	{ cron-admin migrate >out2 2>&1 & } &&
	p2=$! &&
	wait $p1 &&
	wait $p2 &&
	cat out1 out2 | grep -c "applied 1002-race.sql" >count &&
	echo 1 >expect && test_cmp expect count &&
	test "$(stack_sql "SELECT COUNT(*) FROM schema_migrations WHERE version = 1002")" = 1
'

test_expect_success 'two files with the same version are refused' '
	printf "SELECT 1;\n" >sql/1002-other.sql &&
	test_must_fail cron-admin migrate 2>err &&
	test_grep "have the same version" err &&
	rm sql/1002-other.sql
'

test_expect_success 'an unreachable database is a clear error' '
	sed "s|^db_socket = .*|db_socket = /nonexistent/sock|" "$CRON_CONF" >bad.conf &&
	test_must_fail env CRON_CONF=bad.conf cron-admin migrate 2>err &&
	test_grep "cannot connect to the database" err
'

test_expect_success 'a bad config file is refused naming the line' '
	printf "db_port = 3306\nno_such_key = 1\n" >bad2.conf &&
	test_must_fail cron-admin -f bad2.conf migrate 2>err &&
	test_grep "bad2.conf:2: unknown key" err
'

test_done
