/*
 * Reading user crontab lines for the import endpoint (crontab.h has the
 * rules).  Everything works on (pointer, length) ranges of the caller's
 * line, without allocation.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crontab.h"

#define QUOTE_MAX	32	/* characters of the line quoted in a message */
#define NAME_BUFSZ	(4 * CRONTAB_NAME_MAX + 4)
#define ENV_NAME_MAX	(sizeof(((struct crontab_line *)0)->env_name) - 1)
#define ENV_VALUE_MAX	(sizeof(((struct crontab_line *)0)->env_value) - 1)

static const char *const macros[] = {
	"yearly", "annually", "monthly", "weekly", "daily", "midnight",
	"hourly",
};

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Whitespace and other control characters, for names and messages. */
static int
is_space_or_control(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

static int
is_name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/*
 * Returns the length (1-4) of the well-formed UTF-8 character at p, of
 * which n > 0 bytes are available, or 0 if it is not one (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF).
 */
static size_t
utf8_char_len(const unsigned char *p, size_t n)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need;
}

/* Sets out to an error; fmt must produce text that fits. */
static void __attribute__((format(printf, 2, 3)))
set_error(struct crontab_line *out, const char *fmt, ...)
{
	va_list	ap;

	memset(out, 0, sizeof(*out));
	out->kind = CRONTAB_ERROR;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

/*
 * Writes the n bytes at p into dst (dstsz bytes) as printable UTF-8:
 * control characters and bytes that are not UTF-8 become '?', and text
 * past QUOTE_MAX characters is replaced by "...".  dstsz of at least
 * 4 * QUOTE_MAX + 4 holds any result.
 */
static void
quote_text(char *dst, size_t dstsz, const char *p, size_t n)
{
	const unsigned char	*s = (const unsigned char *)p;
	const char		*src;
	size_t			 i = 0, o = 0, chars = 0, cl, outlen;

	while (i < n) {
		if (chars == QUOTE_MAX) {
			if (o + 3 < dstsz) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		cl = utf8_char_len(s + i, n - i);
		if (cl == 0 || (cl == 1 && is_space_or_control(s[i]) &&
		    s[i] != ' ')) {
			src = "?";
			outlen = 1;
			if (cl == 0)
				cl = 1;
		} else {
			src = p + i;
			outlen = cl;
		}
		if (o + outlen >= dstsz)
			break;
		memcpy(dst + o, src, outlen);
		o += outlen;
		i += cl;
		chars++;
	}
	dst[o] = '\0';
}

/* Returns 1 if the n bytes at p are word, any case. */
static int
word_eq(const char *p, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(p, word, n) == 0;
}

/*
 * Sets the command of the entry in out to [p, end) trimmed of blanks;
 * returns 0, or -1 if it is empty.
 */
static int
set_command(struct crontab_line *out, const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end)
		return -1;
	out->command = p;
	out->command_len = end - p;
	return 0;
}

/* "@macro command", p at the '@'. */
static void
parse_macro(struct crontab_line *out, const char *p, const char *end)
{
	char		 q[4 * QUOTE_MAX + 4];
	const char	*t;
	size_t		 i, n;

	for (t = p; t < end && !is_blank(*t); t++)
		;
	n = t - p;
	if (word_eq(p + 1, n - 1, "reboot")) {
		set_error(out, "@reboot is not supported: jobs run on a "
		    "schedule");
		return;
	}
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (word_eq(p + 1, n - 1, macros[i]))
			break;
	if (i == sizeof(macros) / sizeof(macros[0])) {
		quote_text(q, sizeof(q), p, n);
		set_error(out, "unknown macro %s", q);
		return;
	}
	if (set_command(out, t, end) == -1) {
		set_error(out, "missing command");
		return;
	}
	memcpy(out->schedule, p, n);
	out->schedule[n] = '\0';
	out->kind = CRONTAB_ENTRY;
}

/* "f1 f2 f3 f4 f5 command", p at the first field. */
static void
parse_fields(struct crontab_line *out, const char *p, const char *end)
{
	const char	*t;
	size_t		 len = 0, n;
	int		 nfields, toolong = 0;

	for (nfields = 0; nfields < 5; nfields++) {
		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			break;
		for (t = p; t < end && !is_blank(*t); t++)
			;
		n = t - p;
		if (toolong || n + (len > 0) > CRON_EXPR_MAX - len)
			toolong = 1;
		else {
			if (len > 0)
				out->schedule[len++] = ' ';
			memcpy(out->schedule + len, p, n);
			len += n;
		}
		p = t;
	}
	out->schedule[len] = '\0';
	if (nfields < 5 || set_command(out, p, end) == -1) {
		set_error(out, "expected five time fields and a command");
		return;
	}
	if (toolong) {
		set_error(out, "time fields are longer than %d characters",
		    CRON_EXPR_MAX);
		return;
	}
	out->kind = CRONTAB_ENTRY;
}

/* "NAME = VALUE", p at the first non-blank. */
static void
parse_env(struct crontab_line *out, const char *p, const char *end)
{
	const char	*t, *v, *close;
	size_t		 n;

	if (!is_name_start(*p))
		goto notours;
	for (t = p; t < end && is_name_char(*t); t++)
		;
	n = t - p;
	while (t < end && is_blank(*t))
		t++;
	if (t == end || *t != '=')
		goto notours;
	if (n > ENV_NAME_MAX) {
		set_error(out, "environment variable name is longer than %zu "
		    "characters", ENV_NAME_MAX);
		return;
	}
	for (v = t + 1; v < end && is_blank(*v); v++)
		;
	while (end > v && is_blank(end[-1]))
		end--;
	if (v < end && (*v == '"' || *v == '\'')) {
		close = memchr(v + 1, *v, end - v - 1);
		if (close == NULL) {
			set_error(out, "unterminated quote in environment "
			    "value");
			return;
		}
		if (close + 1 != end) {
			set_error(out, "unexpected text after the quoted "
			    "environment value");
			return;
		}
		v++;
		end = close;
	}
	if ((size_t)(end - v) > ENV_VALUE_MAX) {
		set_error(out, "environment value is longer than %zu "
		    "characters", ENV_VALUE_MAX);
		return;
	}
	memcpy(out->env_name, p, n);
	out->env_name[n] = '\0';
	memcpy(out->env_value, v, end - v);
	out->env_value[end - v] = '\0';
	out->kind = CRONTAB_ENV;
	return;

notours:
	set_error(out, "not a cron entry or environment setting");
}

int
cron_crontab_line(const char *line, size_t len, struct crontab_line *out)
{
	const char	*p, *end;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		line = "";
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > CRONTAB_LINE_MAX) {
		set_error(out, "line is longer than %d characters",
		    CRONTAB_LINE_MAX);
		return 0;
	}
	if (len > 0 && memchr(line, '\0', len) != NULL) {
		set_error(out, "line contains a NUL byte");
		return 0;
	}
	p = line;
	end = line + len;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		out->kind = CRONTAB_BLANK;
	else if (*p == '#')
		out->kind = CRONTAB_COMMENT;
	else if (*p == '@')
		parse_macro(out, p, end);
	else if (*p == '*' || (*p >= '0' && *p <= '9'))
		parse_fields(out, p, end);
	else
		parse_env(out, p, end);
	return 0;
}

/* A job name being built: at most CRONTAB_NAME_MAX characters. */
struct namebuf {
	char	buf[NAME_BUFSZ];
	size_t	len;
	size_t	chars;
	int	space;		/* a space is due before the next character */
	int	full;		/* characters were left out */
};

/* Adds the cl bytes of one character at s (a space collapses). */
static void
name_add(struct namebuf *nb, const char *s, size_t cl)
{
	if (nb->full)
		return;
	if (cl == 1 && *s == ' ') {
		if (nb->len > 0)
			nb->space = 1;
		return;
	}
	if (nb->chars + nb->space + 1 > CRONTAB_NAME_MAX) {
		nb->full = 1;
		return;
	}
	if (nb->space) {
		nb->buf[nb->len++] = ' ';
		nb->chars++;
		nb->space = 0;
	}
	memcpy(nb->buf + nb->len, s, cl);
	nb->len += cl;
	nb->chars++;
}

/* Adds the n bytes at p, made printable UTF-8, to nb. */
static void
name_add_text(struct namebuf *nb, const char *p, size_t n)
{
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 i, cl;

	for (i = 0; i < n && !nb->full; i += cl) {
		cl = utf8_char_len(s + i, n - i);
		if (cl == 0) {
			cl = 1;
			name_add(nb, "?", 1);
		} else if (cl == 1 && is_space_or_control(s[i]))
			name_add(nb, " ", 1);
		else
			name_add(nb, p + i, cl);
	}
}

void
cron_crontab_name(const char *command, size_t len, char *out, size_t outsz)
{
	struct namebuf	 nb;
	const char	*p, *end, *w, *we, *slash;
	size_t		 n, cl;

	if (outsz == 0)
		return;
	memset(&nb, 0, sizeof(nb));
	if (len == 0)
		command = "";
	p = command;
	end = command + len;

	/* The first word, and its basename if it holds a '/'. */
	while (p < end && is_space_or_control(*p))
		p++;
	for (w = p; w < end && !is_space_or_control(*w); w++)
		;
	we = w;
	if (memchr(p, '/', w - p) != NULL) {
		while (we - p > 1 && we[-1] == '/')
			we--;
		for (slash = we - 1; slash > p && *slash != '/'; slash--)
			;
		if (*slash == '/' && slash + 1 < we)
			p = slash + 1;
		else if (*slash == '/')
			p = slash;
	}
	name_add_text(&nb, p, we - p);
	name_add_text(&nb, w, end - w);

	if (nb.len == 0) {
		memcpy(nb.buf, "crontab job", 11);
		nb.len = 11;
	} else if (nb.full) {
		/* A space due at the cut was never written. */
		memcpy(nb.buf + nb.len, "...", 3);
		nb.len += 3;
	}

	/* Into out, cut at a character boundary if it is too small. */
	for (n = 0; n < nb.len; n += cl) {
		cl = utf8_char_len((unsigned char *)nb.buf + n, nb.len - n);
		if (cl == 0)
			cl = 1;	/* not reached: nb.buf is UTF-8 */
		if (n + cl >= outsz)
			break;
	}
	memcpy(out, nb.buf, n);
	out[n] = '\0';
}
