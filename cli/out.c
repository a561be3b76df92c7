/*
 * cronctl's output: aligned tables, "key  value" blocks, times shown
 * absolute (UTC) and relative, and the --json passthrough.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "timefmt.h"
#include "xmalloc.h"

#define CELL_MAX	60	/* characters shown in one table cell */
#define TABLE_COLS	12

struct ctl_table {
	size_t	  ncols, nrows;
	char	**cells;		/* nrows + 1 rows (the heading first) */
	size_t	  width[TABLE_COLS];
};

/* Characters (UTF-8 code points) in s. */
static size_t
chars(const char *s)
{
	size_t	n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A copy of s on one line, cut to CELL_MAX characters (ending "..."). */
static char *
cell(const char *s)
{
	size_t	 i, n = 0;
	char	*p;

	if (s == NULL || *s == '\0')
		return xstrdup("-");
	if (chars(s) <= CELL_MAX)
		p = xstrdup(s);
	else {
		for (i = 0; s[i]; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80 &&
			    n++ == CELL_MAX - 3)
				break;
		p = xasprintf("%.*s...", (int)i, s);
	}
	for (i = 0; p[i]; i++)
		if (p[i] == '\n' || p[i] == '\r' || p[i] == '\t')
			p[i] = ' ';
	return p;
}

/* A table with the given NULL-terminated headings. */
struct ctl_table *
ctl_table_new(const char *const *heads)
{
	struct ctl_table	*t = xcalloc(1, sizeof(*t));

	while (heads[t->ncols] != NULL && t->ncols < TABLE_COLS)
		t->ncols++;
	t->cells = xcalloc(t->ncols, sizeof(char *));
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells[i] = xstrdup(heads[i]);
		t->width[i] = chars(heads[i]);
	}
	return t;
}

/* Adds a row from an array of ncols strings (NULL shows as "-"). */
void
ctl_table_rowv(struct ctl_table *t, const char *const *cells)
{
	size_t	 i, base, w;

	t->nrows++;
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof(char *));
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = cell(cells[i]);
		if ((w = chars(t->cells[base + i])) > t->width[i])
			t->width[i] = w;
	}
}

/* Adds a row of ncols strings. */
void
ctl_table_row(struct ctl_table *t, ...)
{
	const char	*cells[TABLE_COLS];
	va_list		 ap;
	size_t		 i;

	va_start(ap, t);
	for (i = 0; i < t->ncols; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	ctl_table_rowv(t, cells);
}

/*
 * Prints o's "items" as a table of the given columns: each a heading, a
 * dotted path into the item, and whether it is a time (shown absolute
 * and relative).
 */
void
ctl_items(struct json_object *o, const struct ctl_col *cols)
{
	const char		*heads[TABLE_COLS + 1], *cells[TABLE_COLS];
	char			*when[TABLE_COLS];
	struct json_object	*items, *it;
	struct ctl_table	*t;
	size_t			 i, k, n;

	for (n = 0; cols[n].head != NULL && n < TABLE_COLS; n++)
		heads[n] = cols[n].head;
	heads[n] = NULL;
	t = ctl_table_new(heads);
	if (!json_object_object_get_ex(o, "items", &items))
		items = NULL;
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		for (k = 0; k < n; k++) {
			cells[k] = ctl_path_str(it, cols[k].path);
			when[k] = cols[k].time ? ctl_when(cells[k]) : NULL;
			if (when[k] != NULL)
				cells[k] = when[k];
		}
		ctl_table_rowv(t, cells);
		for (k = 0; k < n; k++)
			free(when[k]);
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

void
ctl_table_print(struct ctl_table *t, FILE *f)
{
	size_t	r, i, pad;

	for (r = 0; r <= t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * t->ncols + i];

			fputs(s, f);
			if (i + 1 == t->ncols)
				break;
			for (pad = chars(s); pad < t->width[i] + 2; pad++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
}

void
ctl_table_free(struct ctl_table *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < (t->nrows + 1) * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

/* The value of key in o as text (numbers too), or NULL when absent or null. */
const char *
ctl_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* Like ctl_str, with a dotted path: "workspace.name". */
const char *
ctl_path_str(struct json_object *o, const char *path)
{
	char		 key[64];
	const char	*dot;
	size_t		 n;

	while ((dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof(key) || o == NULL)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	return ctl_str(o, path);
}

/* "in 4m", "3h ago", "now": the distance from now to an ISO time; owned by the caller. */
char *
ctl_ago(const char *iso)
{
	int64_t	 t, d;
	char	 unit = 's';
	int	 future;

	if (iso == NULL || cron_time_parse(iso, &t) != 0)
		return xstrdup("-");
	d = (t - cron_now_ms()) / 1000;
	if ((future = d > 0) == 0)
		d = -d;
	if (d < 1)
		return xstrdup("now");
	if (d >= 2 * 86400) {
		d /= 86400;
		unit = 'd';
	} else if (d >= 2 * 3600) {
		d /= 3600;
		unit = 'h';
	} else if (d >= 120) {
		d /= 60;
		unit = 'm';
	}
	return future ? xasprintf("in %" PRId64 "%c", d, unit) :
	    xasprintf("%" PRId64 "%c ago", d, unit);
}

/* "2026-03-15 10:00:00Z (in 4m)": absolute and relative; owned by the caller. */
char *
ctl_when(const char *iso)
{
	char	*rel, *s;

	if (iso == NULL || strlen(iso) != CRON_TIME_LEN)
		return xstrdup(iso ? iso : "-");
	rel = ctl_ago(iso);
	s = xasprintf("%.10s %.8sZ (%s)", iso, iso + 11, rel);
	free(rel);
	return s;
}

/* One "Label       value" line of a detail block (a space after a long label). */
void
ctl_kv(const char *label, const char *fmt, ...)
{
	va_list	ap;

	printf("%-13s ", label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/*
 * Prints a successful answer: the raw JSON with --json, else show(body);
 * for a list, says on stderr how to get the next page.  Frees r.
 */
int
ctl_print(struct ctl *c, struct ctl_resp *r, void (*show)(struct json_object *))
{
	const char	*next;

	if (c->json)
		printf("%s\n", r->raw);
	else if (r->body != NULL)
		show(r->body);
	if (!c->json && (next = ctl_str(r->body, "next_cursor")) != NULL)
		fprintf(stderr, "more: add --cursor %s\n", next);
	ctl_resp_free(r);
	return CTL_OK;
}

/* Prints a successful action: the raw JSON with --json, else a sentence.  Frees r. */
int
ctl_done(struct ctl *c, struct ctl_resp *r, const char *fmt, ...)
{
	va_list	ap;

	if (c->json) {
		if (r->len > 0)
			printf("%s\n", r->raw);
	} else {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	ctl_resp_free(r);
	return CTL_OK;
}
