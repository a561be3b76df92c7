/*
 * Unit tests for lib/crontab.c: crontab lines classified one at a time
 * (a table of lines, long lines built at run time, a whole crontab split
 * on '\n' whose entries go through cron_expr_parse()), and job names
 * derived from commands.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crontab.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define B	CRONTAB_BLANK
#define C	CRONTAB_COMMENT
#define V	CRONTAB_ENV
#define E	CRONTAB_ENTRY
#define X	CRONTAB_ERROR

#define ERR_FIELDS	"expected five time fields and a command"
#define ERR_OTHER	"not a cron entry or environment setting"
#define ERR_REBOOT	"@reboot is not supported: jobs run on a schedule"
#define ERR_NOCMD	"missing command"
#define ERR_UNTERM	"unterminated quote in environment value"
#define ERR_AFTERQ	"unexpected text after the quoted environment value"

#define S10	"abcdefghij"
#define S40	S10 S10 S10 S10

/*
 * want1 is the schedule (ENTRY), the name (ENV) or the error (ERROR);
 * want2 the command (ENTRY) or the value (ENV).
 */
static const struct {
	const char		*desc;
	const char		*in;
	size_t			 len;	/* 0: strlen(in) */
	enum crontab_kind	 kind;
	const char		*want1;
	const char		*want2;
} cases[] = {
	/* blank */
	{ "empty", "", 0, B, NULL, NULL },
	{ "spaces", "    ", 0, B, NULL, NULL },
	{ "tabs and spaces", "\t \t", 0, B, NULL, NULL },
	{ "CR only", "\r", 0, B, NULL, NULL },
	{ "blanks and CR", " \t\r", 0, B, NULL, NULL },
	/* comment */
	{ "comment", "# m h dom mon dow command", 0, C, NULL, NULL },
	{ "indented comment", "   # indented", 0, C, NULL, NULL },
	{ "tab, comment", "\t#x", 0, C, NULL, NULL },
	{ "lone #", "#", 0, C, NULL, NULL },
	{ "commented-out entry", "#*/5 * * * * /bin/true", 0, C, NULL, NULL },
	{ "comment with CRLF", "# x\r", 0, C, NULL, NULL },
	/* environment */
	{ "MAILTO", "MAILTO=ops@example.com", 0, V, "MAILTO",
	  "ops@example.com" },
	{ "SHELL", "SHELL=/bin/bash", 0, V, "SHELL", "/bin/bash" },
	{ "spaces around =", "PATH = /usr/bin:/bin", 0, V, "PATH",
	  "/usr/bin:/bin" },
	{ "tabs around =", "FOO\t=\tbar", 0, V, "FOO", "bar" },
	{ "empty double quotes", "MAILTO=\"\"", 0, V, "MAILTO", "" },
	{ "empty value", "MAILTO=", 0, V, "MAILTO", "" },
	{ "blank value", "MAILTO =  ", 0, V, "MAILTO", "" },
	{ "single quotes", "FOO='single quoted'", 0, V, "FOO",
	  "single quoted" },
	{ "double quotes keep inner blanks", "FOO = \"  spaced  \"  ", 0, V,
	  "FOO", "  spaced  " },
	{ "other quote inside", "FOO=\"it's\"", 0, V, "FOO", "it's" },
	{ "quote not at start is kept", "FOO=a\"b", 0, V, "FOO", "a\"b" },
	{ "unquoted inner blanks kept, trailing trimmed", "FOO=bar  baz  ",
	  0, V, "FOO", "bar  baz" },
	{ "'#' in a value", "FOO=\"a#b\"", 0, V, "FOO", "a#b" },
	{ "'=' in a value", "FOO=a=b", 0, V, "FOO", "a=b" },
	{ "underscore and digits", "_X1=1", 0, V, "_X1", "1" },
	{ "CRON_TZ", "CRON_TZ=Europe/Paris", 0, V, "CRON_TZ",
	  "Europe/Paris" },
	{ "env with CRLF", "HOME=/home/u\r", 0, V, "HOME", "/home/u" },
	{ "quoted env with CRLF", "HOME='/home/u'\r", 0, V, "HOME",
	  "/home/u" },
	{ "indented env", "  LANG=C", 0, V, "LANG", "C" },
	/* environment errors */
	{ "unterminated double quote", "FOO=\"abc", 0, X, ERR_UNTERM, NULL },
	{ "mismatched quotes", "FOO='abc\"", 0, X, ERR_UNTERM, NULL },
	{ "lone quote", "FOO='", 0, X, ERR_UNTERM, NULL },
	{ "text after the quotes", "FOO=\"a\" b", 0, X, ERR_AFTERQ, NULL },
	{ "name with '-'", "FOO-BAR=1", 0, X, ERR_OTHER, NULL },
	{ "no name", "=x", 0, X, ERR_OTHER, NULL },
	{ "name with a blank", "FOO BAR=1", 0, X, ERR_OTHER, NULL },
	{ "MAILTO without '='", "MAILTO root", 0, X, ERR_OTHER, NULL },
	{ "MAILTO alone", "MAILTO", 0, X, ERR_OTHER, NULL },
	/* five fields */
	{ "'# keep' is part of the command", "*/5 * * * * /bin/true # keep",
	  0, E, "*/5 * * * *", "/bin/true # keep" },
	{ "weekdays", "0 9 * * 1-5 /usr/local/bin/backup.sh --full", 0, E,
	  "0 9 * * 1-5", "/usr/local/bin/backup.sh --full" },
	{ "tabs", "\t0\t9\t*\t*\t1-5\tcmd\targ\t", 0, E, "0 9 * * 1-5",
	  "cmd\targ" },
	{ "runs of blanks", "  30   2  1,15 * *   echo  hi  ", 0, E,
	  "30 2 1,15 * *", "echo  hi" },
	{ "CRLF", "0 0 * * * cmd\r", 0, E, "0 0 * * *", "cmd" },
	{ "CRLF after blanks", "0 0 * * * cmd  \r", 0, E, "0 0 * * *",
	  "cmd" },
	{ "'%' kept", "0 0 * * * date +\\%Y-\\%m-\\%d % stdin", 0, E,
	  "0 0 * * *", "date +\\%Y-\\%m-\\%d % stdin" },
	{ "names in month and weekday", "0 0 * jan,feb Mon-Fri run", 0, E,
	  "0 0 * jan,feb Mon-Fri", "run" },
	{ "fields not checked here", "61 99 * * * cmd", 0, E, "61 99 * * *",
	  "cmd" },
	{ "shortest", "* * * * * a", 0, E, "* * * * *", "a" },
	{ "quotes in the command", "0 * * * * sh -c 'echo \"x\"'", 0, E,
	  "0 * * * *", "sh -c 'echo \"x\"'" },
	/* five fields: errors */
	{ "four fields and a command", "*/5 * * * backup.sh", 0, X,
	  ERR_FIELDS, NULL },
	{ "five fields, no command", "* * * * *", 0, X, ERR_FIELDS, NULL },
	{ "five fields, blanks", "* * * * *  \t ", 0, X, ERR_FIELDS, NULL },
	{ "five fields, CRLF", "* * * * *\r", 0, X, ERR_FIELDS, NULL },
	{ "three fields", "0 0 *", 0, X, ERR_FIELDS, NULL },
	{ "one digit", "5", 0, X, ERR_FIELDS, NULL },
	{ "digit then a name", "9FOO=1", 0, X, ERR_FIELDS, NULL },
	/* macros */
	{ "@daily", "@daily /bin/true", 0, E, "@daily", "/bin/true" },
	{ "@DAILY as written", "@DAILY cmd", 0, E, "@DAILY", "cmd" },
	{ "@Hourly, tab", "@Hourly\tcmd", 0, E, "@Hourly", "cmd" },
	{ "@yearly", "@yearly x", 0, E, "@yearly", "x" },
	{ "@annually", "@annually x", 0, E, "@annually", "x" },
	{ "@monthly", "@monthly x", 0, E, "@monthly", "x" },
	{ "@weekly, blanks", "  @weekly   cmd  arg  ", 0, E, "@weekly",
	  "cmd  arg" },
	{ "@midnight", "@MidNight x", 0, E, "@MidNight", "x" },
	{ "@hourly, CRLF", "@hourly x # y\r", 0, E, "@hourly", "x # y" },
	{ "macro, no command", "@daily", 0, X, ERR_NOCMD, NULL },
	{ "macro, blanks", "@daily  \t", 0, X, ERR_NOCMD, NULL },
	{ "@reboot", "@reboot /usr/bin/start", 0, X, ERR_REBOOT, NULL },
	{ "@REBOOT", "@REBOOT x", 0, X, ERR_REBOOT, NULL },
	{ "@reboot alone", "@reboot", 0, X, ERR_REBOOT, NULL },
	{ "unknown macro", "@often cmd", 0, X, "unknown macro @often",
	  NULL },
	{ "lone @", "@ cmd", 0, X, "unknown macro @", NULL },
	{ "macro glued to text", "@dailycmd", 0, X,
	  "unknown macro @dailycmd", NULL },
	{ "macro with a suffix", "@daily-ish cmd", 0, X,
	  "unknown macro @daily-ish", NULL },
	{ "long unknown macro", "@" S40 " cmd", 0, X,
	  "unknown macro @" S10 S10 S10 "a...", NULL },
	{ "unknown macro, control and bad bytes", "@a\x01\xff\xc3\xa9 x", 0,
	  X, "unknown macro @a??\xc3\xa9", NULL },
	/* anything else */
	{ "words", "hello world", 0, X, ERR_OTHER, NULL },
	{ "month name first", "jan * * * * cmd", 0, X, ERR_OTHER, NULL },
	{ "minus first", "-5 * * * * cmd", 0, X, ERR_OTHER, NULL },
	{ "question mark", "? * * * * cmd", 0, X, ERR_OTHER, NULL },
	{ "NUL in the command", "0 0 * * * a\0b", 13, X,
	  "line contains a NUL byte", NULL },
	{ "NUL alone", "\0", 1, X, "line contains a NUL byte", NULL },
	/* len, not the NUL, ends the line */
	{ "len shorter than the string", "@daily cmd and more", 10, E,
	  "@daily", "cmd" },
};

static void
test_cases(void)
{
	struct crontab_line	 cl;
	const char		*in;
	size_t			 i, len;
	int			 rc;
	char			 cmd[256];

	for (i = 0; i < NELEM(cases); i++) {
		in = cases[i].in;
		len = cases[i].len ? cases[i].len : strlen(in);
		memset(&cl, 0x5a, sizeof(cl));
		rc = cron_crontab_line(in, len, &cl);
		is_int(rc, 0, "%s: returns 0", cases[i].desc);
		is_int(cl.kind, cases[i].kind, "%s: kind", cases[i].desc);
		switch (cases[i].kind) {
		case CRONTAB_ENTRY:
			is_str(cl.schedule, cases[i].want1, "%s: schedule",
			    cases[i].desc);
			ok(cl.command != NULL && cl.command >= in &&
			    cl.command + cl.command_len <= in + len,
			    "%s: command points into the line",
			    cases[i].desc);
			if (cl.command != NULL &&
			    cl.command_len < sizeof(cmd)) {
				memcpy(cmd, cl.command, cl.command_len);
				cmd[cl.command_len] = '\0';
			} else
				memcpy(cmd, "(bad)", 6);
			is_str(cmd, cases[i].want2, "%s: command",
			    cases[i].desc);
			ok(cl.env_name[0] == '\0' && cl.error[0] == '\0',
			    "%s: no name, no error", cases[i].desc);
			break;
		case CRONTAB_ENV:
			is_str(cl.env_name, cases[i].want1, "%s: name",
			    cases[i].desc);
			is_str(cl.env_value, cases[i].want2, "%s: value",
			    cases[i].desc);
			ok(cl.command == NULL && cl.schedule[0] == '\0' &&
			    cl.error[0] == '\0',
			    "%s: no command, no error", cases[i].desc);
			break;
		case CRONTAB_ERROR:
			is_str(cl.error, cases[i].want1, "%s: error",
			    cases[i].desc);
			ok(cl.command == NULL && cl.command_len == 0 &&
			    cl.schedule[0] == '\0' && cl.env_name[0] == '\0',
			    "%s: no command, no name", cases[i].desc);
			break;
		default:
			ok(cl.command == NULL && cl.schedule[0] == '\0' &&
			    cl.env_name[0] == '\0' && cl.error[0] == '\0',
			    "%s: nothing else set", cases[i].desc);
			break;
		}
	}
}

/* Classifies buf[0..len) and checks its kind and error (NULL: none). */
static void
check_built(const char *desc, const char *buf, size_t len,
    enum crontab_kind kind, const char *err)
{
	struct crontab_line	cl;

	cron_crontab_line(buf, len, &cl);
	is_int(cl.kind, kind, "%s: kind", desc);
	is_str(cl.error, err ? err : "", "%s: error", desc);
}

/* Lines near CRONTAB_LINE_MAX, long fields, long names and values. */
static void
test_long(void)
{
	struct crontab_line	 cl;
	char			*buf;

	buf = malloc(5000 + 2);
	if (buf == NULL)
		abort();

	/* 5000 characters */
	memcpy(buf, "* * * * * ", 10);
	memset(buf + 10, 'x', 4990);
	check_built("line of 5000", buf, 5000, X,
	    "line is longer than 4096 characters");
	check_built("line of 4097", buf, 4097, X,
	    "line is longer than 4096 characters");
	cron_crontab_line(buf, 4096, &cl);
	is_int(cl.kind, E, "line of 4096: kind");
	is_int(cl.command_len, 4086, "line of 4096: command length");
	buf[4096] = '\r';
	check_built("line of 4096 and CR", buf, 4097, E, NULL);
	buf[0] = '#';
	check_built("comment of 5000", buf, 5000, X,
	    "line is longer than 4096 characters");
	memset(buf, ' ', 5000);
	check_built("5000 blanks", buf, 5000, X,
	    "line is longer than 4096 characters");

	/* fields of 256 characters in all, then 257 */
	memset(buf, '1', 248);
	memcpy(buf + 248, " * * * * cmd", 12);
	cron_crontab_line(buf, 260, &cl);
	is_int(cl.kind, E, "fields of 256: kind");
	is_int(strlen(cl.schedule), 256, "fields of 256: schedule length");
	buf[248] = '1';
	memcpy(buf + 249, " * * * *  cmd", 13);
	check_built("fields of 257", buf, 262, X,
	    "time fields are longer than 256 characters");
	memcpy(buf + 249, " * * * ", 7);
	check_built("fields of 257, four of them", buf, 256, X, ERR_FIELDS);

	/* environment name of 64 and 65, value of 256 and 257 */
	memset(buf, 'N', 65);
	memcpy(buf + 64, "=v", 2);
	cron_crontab_line(buf, 66, &cl);
	is_int(cl.kind, V, "name of 64: kind");
	is_int(strlen(cl.env_name), 64, "name of 64: length");
	memcpy(buf + 64, "N=v", 3);
	check_built("name of 65", buf, 67, X,
	    "environment variable name is longer than 64 characters");
	memcpy(buf, "V=\"", 3);
	memset(buf + 3, 'v', 256);
	buf[259] = '"';
	cron_crontab_line(buf, 260, &cl);
	is_int(cl.kind, V, "quoted value of 256: kind");
	is_int(strlen(cl.env_value), 256, "quoted value of 256: length");
	buf[259] = 'v';
	buf[260] = '"';
	check_built("quoted value of 257", buf, 261, X,
	    "environment value is longer than 256 characters");
	memcpy(buf, "V=", 2);
	memset(buf + 2, 'v', 257);
	check_built("unquoted value of 257", buf, 259, X,
	    "environment value is longer than 256 characters");
	cron_crontab_line(buf, 258, &cl);
	is_int(strlen(cl.env_value), 256, "unquoted value of 256: length");

	/* NULL with length 0 */
	check_built("NULL, 0", NULL, 0, B, NULL);
	free(buf);
}

static const struct {
	const char	*desc;
	const char	*in;
	const char	*want;
} names[] = {
	{ "basename", "/usr/local/bin/backup.sh --full", "backup.sh --full" },
	{ "relative path", "./run.sh", "run.sh" },
	{ "dir/", "bin/ x", "bin x" },
	{ "trailing slashes", "/opt/tool// arg", "tool arg" },
	{ "root", "/", "/" },
	{ "slashes", "// x", "/ x" },
	{ "only the first word", "/bin/sh /etc/x.sh", "sh /etc/x.sh" },
	{ "cd is kept", "cd /srv/app && ./run.sh", "cd /srv/app && ./run.sh" },
	{ "collapsing", "echo   hello\t\tworld", "echo hello world" },
	{ "trimmed", " \t leading and trailing \t ", "leading and trailing" },
	{ "path after blanks", "   /bin/true", "true" },
	{ "control characters", "a\x01\x7f" "b\r\nc", "a b c" },
	{ "bad UTF-8", "x\xff\xc3y \xed\xa0\x80", "x??y ???" },
	{ "UTF-8 kept", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	  "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "'%' and '#' kept", "date +\\%s # x", "date +\\%s # x" },
	{ "empty", "", "crontab job" },
	{ "blanks", " \t ", "crontab job" },
};

/* Returns the number of UTF-8 characters in s. */
static size_t
nchars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
check_name(const char *desc, const char *in, size_t len, size_t outsz,
    const char *want)
{
	char	out[4 * CRONTAB_NAME_MAX + 4 + 16];

	memset(out, 'Z', sizeof(out));
	cron_crontab_name(in, len, out, outsz);
	is_str(out, want, "name, %s", desc);
	ok(out[outsz] == 'Z', "name, %s: nothing written past outsz", desc);
}

static void
test_names(void)
{
	char	 in[1024], want[1024];
	char	 out[4 * CRONTAB_NAME_MAX + 4];
	size_t	 i;

	for (i = 0; i < NELEM(names); i++)
		check_name(names[i].desc, names[i].in, strlen(names[i].in),
		    4 * CRONTAB_NAME_MAX + 4, names[i].want);
	check_name("NULL, 0", NULL, 0, 64, "crontab job");
	check_name("len ends the command", "backup.sh --full", 9, 64,
	    "backup.sh");

	/* 100 characters: as is; 101: cut to 100 and "..." */
	memset(in, 'a', 101);
	in[101] = '\0';
	memset(want, 'a', 100);
	want[100] = '\0';
	check_name("100 characters", in, 100, sizeof(out), want);
	memcpy(want + 100, "...", 4);
	check_name("101 characters", in, 101, sizeof(out), want);

	/* "é" as the 100th character: kept whole; as the 101st: dropped */
	memset(in, 'a', 99);
	memcpy(in + 99, "\xc3\xa9", 3);
	memcpy(want, in, 102);
	check_name("2-byte 100th character", in, 101, sizeof(out), want);
	memcpy(in + 101, "b", 2);
	memcpy(want + 101, "...", 4);
	check_name("2-byte 100th character, then more", in, 102,
	    sizeof(out), want);
	memset(in, 'a', 100);
	memcpy(in + 100, "\xe2\x82\xac", 4);
	memset(want, 'a', 100);
	memcpy(want + 100, "...", 4);
	check_name("3-byte 101st character", in, 103, sizeof(out), want);

	/* a blank at the cut is not kept before "..." */
	memset(in, 'a', 99);
	memcpy(in + 99, " b", 3);
	memset(want, 'a', 99);
	memcpy(want + 99, "...", 4);
	check_name("blank as the 100th character", in, 101, sizeof(out),
	    want);

	/* 101 4-byte characters: the longest name, 403 bytes */
	for (i = 0; i < 101; i++)
		memcpy(in + 4 * i, "\xf0\x9f\x98\x80", 4);
	memcpy(want, in, 400);
	memcpy(want + 400, "...", 4);
	check_name("101 4-byte characters", in, 404, sizeof(out), want);
	cron_crontab_name(in, 404, out, sizeof(out));
	is_int(strlen(out), 403, "name, 101 4-byte characters: bytes");
	is_int(nchars(out), 103, "name, 101 4-byte characters: characters");

	/* small outsz: cut at a character boundary */
	check_name("outsz 5", "backup.sh", 9, 5, "back");
	check_name("outsz 3, 2-byte characters", "\xc3\xa9\xc3\xa9", 4, 3,
	    "\xc3\xa9");
	check_name("outsz 2, 2-byte characters", "\xc3\xa9\xc3\xa9", 4, 2,
	    "");
	check_name("outsz 1", "x", 1, 1, "");
	out[0] = 'Z';
	cron_crontab_name("x", 1, out, 0);
	is_int(out[0], 'Z', "name, outsz 0: nothing written");
}

/* A realistic crontab, with CRLF endings in part. */
static const char crontab[] =
    "# Edit this file to introduce tasks to be run by cron.\n"
    "# m h  dom mon dow   command\n"
    "\n"
    "SHELL=/bin/bash\n"
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
    "MAILTO=\"ops@example.com\"\n"
    "CRON_TZ = 'Europe/Berlin'\r\n"
    "\n"
    "# backups\n"
    "30 2 * * * /usr/local/bin/backup.sh --full > /var/log/backup.log "
    "2>&1\n"
    "*/15 9-17 * * mon-fri cd /srv/app && ./bin/sync --quiet\r\n"
    "0 0 1,15 * 1 /usr/bin/find /tmp -mtime +7 -delete\n"
    "@daily /usr/bin/certbot renew -q\n"
    "@HOURLY curl -fsS https://example.com/ping >/dev/null\n"
    "@reboot /home/u/start.sh\n"
    "\t  \n"
    "   # indented comment\n"
    "5 4 * * sun echo \"weekly\" | mail -s report root % body\n"
    "61 * * * * /bin/true\n"
    "0 12 * * /bin/false\n"
    "@fortnightly /bin/true\n"
    "*/5 * * * * /bin/true # keep\n"
    "hello world\n";

static void
test_crontab(void)
{
	struct crontab_line	 cl;
	struct cron_expr	 e;
	const char		*p, *nl, *end;
	char			 err[128], name[4 * CRONTAB_NAME_MAX + 4];
	int			 counts[5] = { 0 }, lines = 0, parsed = 0;
	int			 badexpr = 0, named = 0;

	end = crontab + sizeof(crontab) - 1;
	for (p = crontab; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		lines++;
		cron_crontab_line(p, nl - p, &cl);
		counts[cl.kind]++;
		if (cl.kind != CRONTAB_ENTRY)
			continue;
		if (cron_expr_parse(cl.schedule, &e, err, sizeof(err)) == 0)
			parsed++;
		else
			badexpr++;
		cron_crontab_name(cl.command, cl.command_len, name,
		    sizeof(name));
		if (strcmp(name, "backup.sh --full > /var/log/backup.log "
		    "2>&1") == 0 || strcmp(name, "cd /srv/app && ./bin/sync "
		    "--quiet") == 0 || strcmp(name, "certbot renew -q") == 0)
			named++;
	}
	is_int(lines, 23, "crontab: lines");
	is_int(counts[CRONTAB_BLANK], 3, "crontab: blank lines");
	is_int(counts[CRONTAB_COMMENT], 4, "crontab: comments");
	is_int(counts[CRONTAB_ENV], 4, "crontab: environment settings");
	is_int(counts[CRONTAB_ENTRY], 8, "crontab: entries");
	is_int(counts[CRONTAB_ERROR], 4, "crontab: errors");
	is_int(parsed, 7, "crontab: schedules cron_expr_parse accepts");
	is_int(badexpr, 1, "crontab: schedules it refuses (61 * * * *)");
	is_int(named, 3, "crontab: derived names");
}

int
main(void)
{
	test_cases();
	test_long();
	test_names();
	test_crontab();
	return done_testing();
}
