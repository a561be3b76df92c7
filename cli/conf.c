/*
 * cronctl's settings: ~/.cronctl/config.json (created 0600 in a 0700
 * directory) holds api_url, token and ca_cert; CRON_API_URL, CRON_TOKEN
 * and CRON_CA_CERT override it; --api-url, --token and --cacert override
 * both (SPEC §11).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

#define CONF_MAX	(64 * 1024)	/* a config file is a few lines */

static const char *
home_dir(void)
{
	const char	*h = getenv("HOME");
	struct passwd	*pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : NULL;
}

/* The file's JSON object, or a new empty one (with a warning) when it is unreadable. */
static struct json_object *
read_conf(const char *path)
{
	struct json_object	*o = NULL;
	struct stat		 st;
	char			*buf;
	ssize_t			 n;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			ctl_warn("%s: %s", path, strerror(errno));
		return json_object_new_object();
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		ctl_warn("%s is readable by others (mode %04o); run chmod 600 %s",
		    path, (unsigned)(st.st_mode & 07777), path);
	buf = xmalloc(CONF_MAX + 1);
	n = read(fd, buf, CONF_MAX + 1);
	close(fd);
	if (n >= 0 && n <= CONF_MAX) {
		buf[n] = '\0';
		o = json_tokener_parse(buf);
	}
	explicit_bzero(buf, CONF_MAX + 1);
	free(buf);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		ctl_warn("%s is not a JSON object; ignoring it", path);
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

/*
 * Picks the first non-empty of a flag ("--name"), an environment variable
 * and a config key; *from says which.
 */
static const char *
pick(struct ctl *c, const char *flag, const char *env, const char *key,
    const char **from)
{
	struct json_object	*v;
	const char		*s;

	if ((s = ctl_opt(c, flag + 2)) != NULL) {
		*from = flag;
		return s;
	}
	if ((s = getenv(env)) != NULL && *s != '\0') {
		*from = env;
		return s;
	}
	if (json_object_object_get_ex(c->conf, key, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0) {
		*from = "~/.cronctl/config.json";
		return json_object_get_string(v);
	}
	*from = NULL;
	return NULL;
}

/* Strips "/" and "/v1" from the end of the API URL, in place. */
static void
trim_url(char *u)
{
	size_t	n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	if (n >= 3 && strcmp(u + n - 3, "/v1") == 0)
		u[n -= 3] = '\0';
	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
}

/*
 * Reads the config file and resolves the settings into c.  Returns 0, or
 * CTL_EUSAGE when the API URL is not an http(s) URL.
 */
int
ctl_conf_load(struct ctl *c)
{
	const char	*home = home_dir(), *from, *u;
	static char	 url[2048];

	if (home == NULL)
		home = ".";
	c->conf_path = xasprintf("%s/.cronctl/config.json", home);
	c->conf = read_conf(c->conf_path);
	if ((u = pick(c, "--api-url", "CRON_API_URL", "api_url", &from)) == NULL) {
		u = CTL_DEFAULT_API_URL;
		from = "default";
	}
	snprintf(url, sizeof(url), "%s", u);
	trim_url(url);
	c->api_url = url;
	c->url_from = from;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return ctl_usage(c, "the API URL (from %s) must start with "
		    "https:// or http://", from);
	c->token = pick(c, "--token", "CRON_TOKEN", "token", &c->token_from);
	c->cacert = pick(c, "--cacert", "CRON_CA_CERT", "ca_cert", &from);
	c->insecure = ctl_has(c, "insecure");
	c->json = ctl_has(c, "json");
	if (c->insecure)
		ctl_warn("--insecure: the server's TLS certificate is not "
		    "verified; anyone on the path can read your token");
	return 0;
}

/* Sets key to value in the loaded config (NULL removes it); see ctl_conf_save. */
void
ctl_conf_set(struct ctl *c, const char *key, const char *value)
{
	if (value == NULL)
		json_object_object_del(c->conf, key);
	else
		json_object_object_add(c->conf, key,
		    json_object_new_string(value));
}

/*
 * Writes the config atomically: a 0600 temporary file in the 0700
 * directory, then rename.  Returns 0, or 1 with a message.
 */
int
ctl_conf_save(struct ctl *c)
{
	const char	*text;
	char		*dir, *tmp, *slash;
	size_t		 len;
	int		 fd, ok, rc = 1;

	dir = xstrdup(c->conf_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	tmp = xasprintf("%s.tmp", c->conf_path);
	if ((mkdir(dir, 0700) == -1 && errno != EEXIST) || chmod(dir, 0700) ==
	    -1) {
		fprintf(stderr, "cronctl: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || fchmod(fd, 0600) == -1) {
		fprintf(stderr, "cronctl: %s: %s\n", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	text = json_object_to_json_string_length(c->conf,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	    fsync(fd) == 0;
	if (close(fd) == -1)
		ok = 0;
	if (!ok || rename(tmp, c->conf_path) == -1) {
		fprintf(stderr, "cronctl: %s: %s\n", c->conf_path,
		    strerror(errno));
		(void)unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(dir);
	return rc;
}
