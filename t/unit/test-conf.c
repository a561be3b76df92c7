/*
 * Unit tests for lib/conf.c: the key table and its defaults, parsing of
 * "key = value" text, every error (each naming the file and line), the
 * path lookup and loading a real file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef CRON_DATADIR
#define CRON_DATADIR "/usr/share/cron-platform"
#endif

/* The table as documented, written out independently of lib/conf.c. */
static const struct {
	const char	*name;
	enum conf_type	 type;
	long long	 min, max;
	const char	*def;
} want_keys[] = {
	{ "db_host", CONF_STR, 0, 255, "localhost" },
	{ "db_port", CONF_INT, 1, 65535, "3306" },
	{ "db_socket", CONF_STR, 0, 1024, "" },
	{ "db_user", CONF_STR, 1, 80, "cron" },
	{ "db_password", CONF_STR, 0, 255, "" },
	{ "db_name", CONF_STR, 1, 64, "cron" },
	{ "db_connect_timeout", CONF_INT, 1, 60, "3" },
	{ "db_io_timeout", CONF_INT, 1, 3600, "30" },
	{ "api_workers", CONF_INT, 1, 256, "8" },
	{ "api_max_requests", CONF_INT, 0, 1000000000, "10000" },
	{ "api_backlog", CONF_INT, 1, 65535, "1024" },
	{ "api_max_body", CONF_INT, 1024, 16777216, "262144" },
	{ "api_max_json_depth", CONF_INT, 2, 64, "16" },
	{ "api_drain_seconds", CONF_INT, 1, 3600, "30" },
	{ "api_debug_routes", CONF_BOOL, 0, 1, "0" },
	{ "jwt_secret", CONF_STR, 0, 512, "" },
	{ "password_scrypt_log2n", CONF_INT, 10, 22, "17" },
	{ "password_scrypt_r", CONF_INT, 1, 32, "8" },
	{ "password_scrypt_p", CONF_INT, 1, 16, "1" },
	{ "rate_limit_window_seconds", CONF_INT, 1, 86400, "60" },
	{ "rate_limit_user", CONF_INT, 0, 1000000, "600" },
	{ "rate_limit_ip", CONF_INT, 0, 1000000, "20" },
	{ "rate_limit_login_email", CONF_INT, 0, 1000000, "10" },
	{ "rate_limit_resend", CONF_INT, 0, 1000000, "3" },
	{ "rate_limit_exempt_loopback", CONF_BOOL, 0, 1, "0" },
	{ "keyring_file", CONF_STR, 1, 1024, CRON_SYSCONFDIR "/cron-platform/keyring" },
	{ "public_url", CONF_STR, 1, 255, "https://localhost" },
	{ "sql_dir", CONF_STR, 1, 1024, CRON_DATADIR "/sql" },
	{ "allow_private_targets", CONF_BOOL, 0, 1, "0" },
	{ "mail_dir", CONF_STR, 0, 1024, "" },
	{ "smtp_url", CONF_STR, 0, 1024, "" },
	{ "mail_from", CONF_STR, 1, 255, "cron-platform <noreply@localhost>" },
	{ "smtp_username", CONF_STR, 0, 255, "" },
	{ "smtp_password", CONF_STR, 0, 255, "" },
	{ "smtp_starttls", CONF_BOOL, 0, 1, "0" },
	{ "smtp_timeout", CONF_INT, 1, 300, "30" },
	{ "mail_retry_base_seconds", CONF_INT, 1, 3600, "30" },
	{ "default_plan", CONF_STR, 1, 32, "free" },
	{ "scheduler_max_inflight", CONF_INT, 1, 100000, "1000" },
	{ "scheduler_drain_seconds", CONF_INT, 0, 3600, "30" },
	{ "scheduler_lease_margin_seconds", CONF_INT, 1, 3600, "60" },
	{ "notify_retry_base_seconds", CONF_INT, 1, 3600, "30" },
	{ "notify_max_attempts", CONF_INT, 1, 20, "8" },
	{ "notify_timeout_seconds", CONF_INT, 1, 120, "15" },
	{ "telegram_api_url", CONF_STR, 1, 255, "https://api.telegram.org" },
};

static void
test_table(void)
{
	const struct conf_key	*k;
	size_t			 n, i, j;

	k = conf_keys(&n);
	is_int(n, NELEM(want_keys), "conf_keys: %zu keys", NELEM(want_keys));
	for (i = 0; i < NELEM(want_keys); i++) {
		for (j = 0; j < n; j++)
			if (strcmp(k[j].name, want_keys[i].name) == 0)
				break;
		if (!ok(j < n, "conf_keys has %s", want_keys[i].name))
			continue;
		ok(k[j].type == want_keys[i].type &&
		    k[j].min == want_keys[i].min &&
		    k[j].max == want_keys[i].max &&
		    strcmp(k[j].def, want_keys[i].def) == 0,
		    "%s: type, bounds and default", want_keys[i].name);
	}
}

static void
test_defaults(void)
{
	struct cron_conf	c;

	memset(&c, 0xa5, sizeof(c));
	conf_defaults(&c);
	is_str(c.db_host, "localhost", "default db_host");
	is_int(c.db_port, 3306, "default db_port");
	is_str(c.db_socket, "", "default db_socket");
	is_str(c.db_user, "cron", "default db_user");
	is_str(c.db_password, "", "default db_password");
	is_str(c.db_name, "cron", "default db_name");
	is_int(c.db_connect_timeout, 3, "default db_connect_timeout");
	is_int(c.db_io_timeout, 30, "default db_io_timeout");
	is_int(c.api_workers, 8, "default api_workers");
	is_int(c.api_max_requests, 10000, "default api_max_requests");
	is_int(c.api_backlog, 1024, "default api_backlog");
	is_int(c.api_max_body, 262144, "default api_max_body");
	is_int(c.api_max_json_depth, 16, "default api_max_json_depth");
	is_int(c.api_drain_seconds, 30, "default api_drain_seconds");
	is_int(c.api_debug_routes, 0, "default api_debug_routes");
	is_str(c.public_url, "https://localhost", "default public_url");
	is_str(c.sql_dir, CRON_DATADIR "/sql", "default sql_dir");
	is_int(c.allow_private_targets, 0, "default allow_private_targets");
	is_str(c.mail_dir, "", "default mail_dir");
	is_str(c.smtp_url, "", "default smtp_url");
	conf_free(&c);
	is_str(c.db_host, NULL, "conf_free clears the strings");
	conf_free(&c);	/* twice is harmless */
}

static const char good_text[] =
    "# cron-platform configuration\n"
    "\n"
    "   # an indented comment\n"
    "db_host = db.example.com\n"
    "db_port=3307\n"
    "\tdb_user\t=\tscheduler\t\n"
    "db_password = \"  two spaces # and a hash  \"\n"
    "db_name = \"quoted\"\n"
    "db_socket = \"\"\n"
    "db_connect_timeout = 60\n"
    "db_io_timeout = 1\n"
    "api_workers = 256\n"
    "api_max_requests = 0\n"
    "api_max_body = 1024\n"
    "api_max_json_depth = 64\n"
    "api_debug_routes = yes\n"
    "allow_private_targets = on\n"
    "public_url = https://cron.example.com/a=b\n"
    "mail_dir = /var/mail/cron\r\n"
    "   \n"
    "smtp_url = smtp://relay:25";	/* no final newline */

static void
test_parse_good(void)
{
	struct cron_conf	c;
	char			err[256];
	int			rc;

	conf_defaults(&c);
	err[0] = '\0';
	rc = conf_parse(&c, "good.conf", good_text, err, sizeof(err));
	is_int(rc, 0, "parse a valid file");
	if (rc != 0)
		printf("#   %s\n", err);
	is_str(c.db_host, "db.example.com", "db_host");
	is_int(c.db_port, 3307, "no spaces around =");
	is_str(c.db_user, "scheduler", "tabs around key and value");
	is_str(c.db_password, "  two spaces # and a hash  ",
	    "quotes keep spaces and '#'");
	is_str(c.db_name, "quoted", "quotes are removed");
	is_str(c.db_socket, "", "\"\" is the empty string");
	is_int(c.db_connect_timeout, 60, "int at its maximum");
	is_int(c.db_io_timeout, 1, "int at its minimum");
	is_int(c.api_workers, 256, "api_workers at its maximum");
	is_int(c.api_max_requests, 0, "api_max_requests at its minimum");
	is_int(c.api_max_body, 1024, "api_max_body at its minimum");
	is_int(c.api_max_json_depth, 64, "api_max_json_depth at its maximum");
	is_int(c.api_debug_routes, 1, "bool yes");
	is_int(c.allow_private_targets, 1, "bool on");
	is_str(c.public_url, "https://cron.example.com/a=b",
	    "the first '=' splits key and value");
	is_str(c.mail_dir, "/var/mail/cron", "CRLF line ending");
	is_str(c.smtp_url, "smtp://relay:25", "last line without newline");
	is_int(c.api_backlog, 1024, "keys not given keep their default");
	is_str(c.sql_dir, CRON_DATADIR "/sql", "sql_dir keeps its default");
	conf_free(&c);

	/* Empty and comment-only files are valid and change nothing. */
	conf_defaults(&c);
	is_int(conf_parse(&c, "e.conf", "", err, sizeof(err)), 0, "empty text");
	is_int(conf_parse(&c, "e.conf", "\n\n# x\n  \t\n#db_port=1\n", err,
	    sizeof(err)), 0, "only comments and blank lines");
	is_int(c.db_port, 3306, "a commented-out key is ignored");
	conf_free(&c);
}

static const struct {
	const char	*v;
	int		 want;
} bool_cases[] = {
	{ "yes", 1 }, { "true", 1 }, { "on", 1 }, { "1", 1 },
	{ "no", 0 }, { "false", 0 }, { "off", 0 }, { "0", 0 },
	{ "\"yes\"", 1 }, { "\"off\"", 0 },
};

static void
test_bools(void)
{
	struct cron_conf	c;
	char			text[128], err[256];
	size_t			i;
	int			rc;

	for (i = 0; i < NELEM(bool_cases); i++) {
		conf_defaults(&c);
		c.api_debug_routes = c.allow_private_targets = 7;
		snprintf(text, sizeof(text), "api_debug_routes = %s\n"
		    "allow_private_targets=%s\n", bool_cases[i].v,
		    bool_cases[i].v);
		rc = conf_parse(&c, "b.conf", text, err, sizeof(err));
		ok(rc == 0 && c.api_debug_routes == bool_cases[i].want &&
		    c.allow_private_targets == bool_cases[i].want,
		    "bool %s is %d", bool_cases[i].v, bool_cases[i].want);
		conf_free(&c);
	}
}

/* One bad file: the line it fails on and a word the message must have. */
static const struct {
	const char	*text;
	int		 line;
	const char	*why;
} bad_cases[] = {
	{ "nope = 1\n", 1, "unknown key" },
	{ "# c\n\ndb_hostname = x\n", 3, "unknown key 'db_hostname'" },
	{ "DB_PORT = 1\n", 1, "unknown key" },
	{ "db port = 1\n", 1, "unknown key" },
	{ "= 5\n", 1, "unknown key" },
	{ "db_port = 1\ndb_port = 2\n", 2, "duplicate key 'db_port'" },
	{ "db_host=a\n#\ndb_host = a\n", 3, "duplicate key" },
	{ "db_port 3306\n", 1, "expected 'key = value'" },
	{ "\n\n\nallow_private_targets\n", 4, "expected" },
	{ "db_port = abc\n", 1, "not an integer" },
	{ "db_port = 12abc\n", 1, "not an integer" },
	{ "db_port =\n", 1, "not an integer" },
	{ "db_port = \"\"\n", 1, "not an integer" },
	{ "db_port = 1.5\n", 1, "not an integer" },
	{ "db_port = 0x10\n", 1, "not an integer" },
	{ "db_port = 3306 # comment\n", 1, "not an integer" },
	{ "db_port = 99999999999999999999\n", 1, "not an integer" },
	{ "db_port = 0\n", 1, "out of range (1..65535)" },
	{ "db_port = 65536\n", 1, "out of range (1..65535)" },
	{ "db_port = -1\n", 1, "out of range" },
	{ "api_workers = 0\n", 1, "out of range (1..256)" },
	{ "api_workers = 257\n", 1, "out of range (1..256)" },
	{ "api_max_body = 1023\n", 1, "out of range (1024..16777216)" },
	{ "api_max_body = 16777217\n", 1, "out of range" },
	{ "api_max_json_depth = 1\n", 1, "out of range (2..64)" },
	{ "api_max_json_depth = 65\n", 1, "out of range (2..64)" },
	{ "db_connect_timeout = 0\n", 1, "out of range (1..60)" },
	{ "db_connect_timeout = 61\n", 1, "out of range (1..60)" },
	{ "api_max_requests = -1\n", 1, "out of range (0..1000000000)" },
	{ "api_max_requests = 1000000001\n", 1, "out of range" },
	{ "api_max_requests = 4294967296\n", 1, "out of range" },
	{ "api_debug_routes = maybe\n", 1, "not a boolean" },
	{ "api_debug_routes =\n", 1, "not a boolean" },
	{ "api_debug_routes = 2\n", 1, "out of range (0..1)" },
	{ "allow_private_targets = -1\n", 1, "out of range" },
	{ "db_user =\n", 1, "length out of range (1..80)" },
	{ "db_name = \"\"\n", 1, "length out of range (1..64)" },
	{ "public_url = \n", 1, "length out of range" },
};

static void
check_bad(const char *text, int line, const char *why, const char *what)
{
	struct cron_conf	c;
	char			err[256], where[64];
	int			rc;

	conf_defaults(&c);
	snprintf(err, sizeof(err), "(unset)");
	rc = conf_parse(&c, "bad.conf", text, err, sizeof(err));
	snprintf(where, sizeof(where), "bad.conf:%d: ", line);
	ok(rc == -1 && strncmp(err, where, strlen(where)) == 0 &&
	    strstr(err, why) != NULL, "%s: %s", what, why);
	if (rc != -1 || strncmp(err, where, strlen(where)) != 0 ||
	    strstr(err, why) == NULL)
		printf("#   got %d '%s', want '%s...%s'\n", rc, err, where, why);
	conf_free(&c);
}

/* Returns a malloc'd "key = " followed by n copies of ch and a newline. */
static char *
long_line(const char *key, size_t n, int ch)
{
	char	*s;
	size_t	 k;

	k = strlen(key);
	if ((s = malloc(k + 3 + n + 2)) == NULL)
		abort();
	memcpy(s, key, k);
	memcpy(s + k, " = ", 3);
	memset(s + k + 3, ch, n);
	s[k + 3 + n] = '\n';
	s[k + 3 + n + 1] = '\0';
	return s;
}

static void
test_parse_bad(void)
{
	struct cron_conf	 c;
	char			 name[64], err[256], *s, *t;
	size_t			 i;

	for (i = 0; i < NELEM(bad_cases); i++) {
		snprintf(name, sizeof(name), "bad case %zu", i);
		check_bad(bad_cases[i].text, bad_cases[i].line,
		    bad_cases[i].why, name);
	}

	/* Strings: the maximum length is fine, one more is not. */
	s = long_line("db_name", 64, 'n');
	conf_defaults(&c);
	ok(conf_parse(&c, "x", s, err, sizeof(err)) == 0 &&
	    strlen(c.db_name) == 64, "db_name of 64 characters");
	conf_free(&c);
	free(s);
	s = long_line("db_name", 65, 'n');
	check_bad(s, 1, "db_name: length out of range (1..64)", "db_name 65");
	free(s);
	s = long_line("db_host", 256, 'h');
	check_bad(s, 1, "length out of range (0..255)", "db_host 256");
	free(s);
	s = long_line("db_password", 256, 'p');
	check_bad(s, 1, "length out of range (0..255)", "db_password 256");
	free(s);
	s = long_line("db_socket", 1024, 's');
	conf_defaults(&c);
	ok(conf_parse(&c, "x", s, err, sizeof(err)) == 0 &&
	    strlen(c.db_socket) == 1024, "db_socket of 1024 characters");
	conf_free(&c);
	free(s);
	s = long_line("db_socket", 1025, 's');
	check_bad(s, 1, "length out of range (0..1024)", "db_socket 1025");
	free(s);

	/* Lines: 4095 bytes (plus newline) are read, 4096 are too long. */
	s = long_line("#", 4095 - 4, 'c');
	conf_defaults(&c);
	ok(conf_parse(&c, "x", s, err, sizeof(err)) == 0,
	    "a line of 4095 bytes");
	conf_free(&c);
	free(s);
	s = long_line("#", 4096 - 4, 'c');
	if (asprintf(&t, "db_port = 1\n\n%s", s) == -1)
		abort();
	check_bad(t, 3, "line too long", "a line of 4096 bytes");
	free(t);
	free(s);
	s = long_line("db_host", 5000, 'h');
	check_bad(s, 1, "line too long", "a line of 5010 bytes");
	free(s);
}

static void
test_path(void)
{
	char	*saved;

	saved = getenv("CRON_CONF") ? strdup(getenv("CRON_CONF")) : NULL;

	unsetenv("CRON_CONF");
	is_str(conf_path(NULL), conf_default_path(), "no flag, no env: default");
	is_str(conf_path(""), conf_default_path(), "empty flag: default");
	ok(strstr(conf_default_path(), "/cron-platform/cron.conf") != NULL,
	    "default ends in cron-platform/cron.conf");
	is_str(conf_path("/flag.conf"), "/flag.conf", "flag, no env");

	setenv("CRON_CONF", "/env.conf", 1);
	is_str(conf_path(NULL), "/env.conf", "env beats the default");
	is_str(conf_path(""), "/env.conf", "env beats an empty flag");
	is_str(conf_path("/flag.conf"), "/flag.conf", "flag beats env");

	setenv("CRON_CONF", "", 1);
	is_str(conf_path(NULL), conf_default_path(), "empty env: default");

	if (saved != NULL) {
		setenv("CRON_CONF", saved, 1);
		free(saved);
	} else
		unsetenv("CRON_CONF");
}

/* Writes n bytes of text to a new temporary file; returns its path. */
static void
temp_file(char *path, const char *text, size_t n)
{
	int	fd;

	snprintf(path, 32, "/tmp/test-conf.XXXXXX");
	if ((fd = mkstemp(path)) == -1 || write(fd, text, n) != (ssize_t)n ||
	    close(fd) == -1) {
		perror("temp file");
		exit(1);
	}
}

static void
test_load(void)
{
	static const char	 good[] = "db_port = 3310\n"
	    "db_password = s3cret\n";
	static const char	 bad[] = "# one\ndb_port = 3310\nbogus = 1\n";
	static const char	 nul[] = "db_port = 3310\n\0db_host = x\n";
	struct cron_conf	 c;
	char			 path[32], err[256], want[64];

	temp_file(path, good, sizeof(good) - 1);
	is_int(conf_load(&c, path, err, sizeof(err)), 0, "load a file");
	is_int(c.db_port, 3310, "loaded db_port");
	is_str(c.db_password, "s3cret", "loaded db_password");
	is_str(c.db_host, "localhost", "load starts from the defaults");
	conf_free(&c);

	/* A second load starts again from the defaults. */
	memset(&c, 0, sizeof(c));
	is_int(conf_load(&c, path, err, sizeof(err)), 0, "load it again");
	conf_free(&c);
	unlink(path);

	temp_file(path, bad, sizeof(bad) - 1);
	is_int(conf_load(&c, path, err, sizeof(err)), -1, "load a bad file");
	snprintf(want, sizeof(want), "%s:3: unknown key 'bogus'", path);
	is_str(err, want, "the message names the file and line");
	conf_free(&c);
	unlink(path);

	temp_file(path, nul, sizeof(nul) - 1);
	is_int(conf_load(&c, path, err, sizeof(err)), -1, "load a file with "
	    "a NUL byte");
	ok(strstr(err, path) != NULL && strstr(err, "NUL") != NULL,
	    "the message names the file and the NUL");
	conf_free(&c);
	unlink(path);

	temp_file(path, "", 0);
	is_int(conf_load(&c, path, err, sizeof(err)), 0, "load an empty file");
	is_int(c.db_port, 3306, "an empty file gives the defaults");
	conf_free(&c);
	unlink(path);

	is_int(conf_load(&c, path, err, sizeof(err)), -1, "load a missing file");
	ok(strstr(err, path) != NULL && strstr(err, "No such file") != NULL,
	    "the message names the file and the cause (%s)", err);
	is_str(c.db_host, "localhost", "a missing file leaves the defaults");
	conf_free(&c);
}

int
main(void)
{
	test_table();
	test_defaults();
	test_parse_good();
	test_bools();
	test_parse_bad();
	test_path();
	test_load();
	return done_testing();
}
