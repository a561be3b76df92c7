/*
 * smtp-sink: a small SMTP server for tests.  Listens on 127.0.0.1, serves
 * one connection at a time, speaks enough ESMTP for libcurl (EHLO/HELO,
 * AUTH PLAIN, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and
 * writes each accepted message byte for byte as DIR/NNNN.eml, its envelope
 * as DIR/NNNN.env ("from ADDR" and "to ADDR" lines), both by rename so a
 * reader never sees half a file.  Commands are logged on stderr.
 *
 * usage: smtp-sink [-p PORT] [-r K] [-t SECONDS] [-a USER:PASS] DIR
 *   -p PORT	port to listen on; 0 (default) picks one and prints it
 *   -r K	answer the first K messages with 451 at the end of DATA
 *   -t SEC	exit after SEC seconds (default 600); SIGTERM exits at once
 *   -a U:P	advertise AUTH PLAIN and require these credentials
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN	(64 * 1024)
#define MSG_MAX		(10 * 1024 * 1024)
#define RCPT_MAX	100
#define IDLE_SECONDS	30

struct conn {
	int	 fd;
	char	 buf[8192];
	size_t	 off, len;
};

struct session {
	int	 helo, authed, mail, nrcpt;
	char	 from[1024];
	char	*rcpt[RCPT_MAX];
};

static volatile sig_atomic_t	 stop;
static time_t			 deadline;
static const char		*dir;
static const char		*cred;		/* "user:pass" or NULL */
static int			 reject_left;
static int			 seq;

static void
onterm(int sig)
{
	(void)sig;
	stop = 1;
}

static int
expired(void)
{
	return stop || time(NULL) >= deadline;
}

/* Waits until fd is readable; returns 1, or 0 on stop, deadline or idle. */
static int
wait_readable(int fd, int idle)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	time_t		until = time(NULL) + idle;

	while (!expired() && (idle == 0 || time(NULL) < until)) {
		if (poll(&pfd, 1, 200) > 0)
			return 1;
	}
	return 0;
}

/*
 * Reads one line, terminator included, into line (size LINE_MAX_LEN + 1).
 * Returns its length, or -1 on EOF, error, timeout or an overlong line.
 */
static ssize_t
read_line(struct conn *c, char *line)
{
	size_t	n = 0;
	ssize_t	r;
	char	ch;

	for (;;) {
		if (c->off == c->len) {
			if (!wait_readable(c->fd, IDLE_SECONDS))
				return -1;
			if ((r = read(c->fd, c->buf, sizeof(c->buf))) <= 0)
				return -1;
			c->off = 0;
			c->len = (size_t)r;
		}
		ch = c->buf[c->off++];
		if (n == LINE_MAX_LEN)
			return -1;
		line[n++] = ch;
		if (ch == '\n') {
			line[n] = '\0';
			return (ssize_t)n;
		}
	}
}

static void __attribute__((format(printf, 2, 3)))
reply(struct conn *c, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > sizeof(buf) - 3)
		n = (int)sizeof(buf) - 3;
	fprintf(stderr, "S: %s\n", buf);
	memcpy(buf + n, "\r\n", 2);
	if (write(c->fd, buf, (size_t)n + 2) < 0)
		warn("write");
}

/* Decodes base64 in into out (size outlen); returns the length or -1. */
static ssize_t
b64_decode(const char *in, unsigned char *out, size_t outlen)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	unsigned		 acc = 0;
	size_t			 n = 0;
	int			 bits = 0;

	for (; *in != '\0' && *in != '=' && *in != '\r' && *in != '\n'; in++) {
		if ((p = strchr(tab, *in)) == NULL)
			return -1;
		acc = (acc << 6) | (unsigned)(p - tab);
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (n == outlen)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (ssize_t)n;
}

/* Checks an AUTH PLAIN response "authzid\0user\0pass" against cred. */
static int
auth_ok(const char *b64)
{
	unsigned char	 dec[1024];
	const char	*user, *pass, *colon = strchr(cred, ':');
	ssize_t		 n;
	size_t		 ulen;

	if ((n = b64_decode(b64, dec, sizeof(dec) - 1)) < 0)
		return 0;
	dec[n] = '\0';
	if ((user = memchr(dec, '\0', (size_t)n)) == NULL)
		return 0;
	user++;
	ulen = strlen(user);
	if (user + ulen >= (char *)dec + n)
		return 0;
	pass = user + ulen + 1;
	return (size_t)(colon - cred) == ulen &&
	    strncmp(cred, user, ulen) == 0 && strcmp(colon + 1, pass) == 0 &&
	    pass + strlen(pass) == (char *)dec + n;
}

/* Writes data (n bytes) to DIR/name via a temporary file and rename. */
static int
save_file(const char *name, const char *data, size_t n)
{
	char	tmp[4096], dst[4096];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s/.tmp.%s", dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fwrite(data, 1, n, f) != n || fclose(f) != 0)
		return -1;
	return rename(tmp, dst);
}

static int
save_message(const struct session *s, const char *msg, size_t len)
{
	char	name[64], env[RCPT_MAX * 1100 + 1100];
	size_t	o;
	int	i;

	seq++;
	o = (size_t)snprintf(env, sizeof(env), "from %s\n", s->from);
	for (i = 0; i < s->nrcpt; i++)
		o += (size_t)snprintf(env + o, sizeof(env) - o, "to %s\n",
		    s->rcpt[i]);
	snprintf(name, sizeof(name), "%04d.env", seq);
	if (save_file(name, env, o) == -1)
		return -1;
	snprintf(name, sizeof(name), "%04d.eml", seq);
	return save_file(name, msg, len);
}

static void
session_reset(struct session *s)
{
	int	i;

	for (i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	s->nrcpt = 0;
	s->mail = 0;
	s->from[0] = '\0';
}

/* Returns the argument of "VERB:<arg>" (case-insensitive), or NULL. */
static const char *
path_arg(const char *line, const char *verb, char *out, size_t outlen)
{
	size_t		 vl = strlen(verb);
	const char	*p, *e;

	if (strncasecmp(line, verb, vl) != 0)
		return NULL;
	p = line + vl;
	while (*p == ' ')
		p++;
	if (*p++ != '<' || (e = strchr(p, '>')) == NULL ||
	    (size_t)(e - p) >= outlen)
		return NULL;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return out;
}

/* Reads the DATA content up to the lone dot; returns 0, or -1 if lost. */
static int
read_data(struct conn *c, char *line, char **msg, size_t *len)
{
	ssize_t	n;
	char	*p;

	*msg = NULL;
	*len = 0;
	for (;;) {
		if ((n = read_line(c, line)) < 0)
			return -1;
		if (strcmp(line, ".\r\n") == 0 || strcmp(line, ".\n") == 0)
			return 0;
		p = line[0] == '.' ? line + 1 : line;	/* unstuff */
		n -= p - line;
		if (*len + (size_t)n > MSG_MAX)
			return -1;
		if ((*msg = realloc(*msg, *len + (size_t)n + 1)) == NULL)
			err(1, "realloc");
		memcpy(*msg + *len, p, (size_t)n);
		*len += (size_t)n;
	}
}

static int
cmd_data(struct conn *c, struct session *s, char *line)
{
	char	*msg;
	size_t	 len;

	if (!s->mail || s->nrcpt == 0) {
		reply(c, "503 5.5.1 need MAIL and RCPT first");
		return 0;
	}
	reply(c, "354 end data with <CR><LF>.<CR><LF>");
	if (read_data(c, line, &msg, &len) == -1) {
		free(msg);
		return -1;
	}
	if (reject_left > 0) {
		reject_left--;
		reply(c, "451 4.3.0 try again later");
	} else if (save_message(s, msg != NULL ? msg : "", len) == -1)
		reply(c, "452 4.3.1 cannot store: %s", strerror(errno));
	else
		reply(c, "250 2.0.0 Ok: queued as %04d", seq);
	free(msg);
	session_reset(s);
	return 0;
}

static int
cmd_auth(struct conn *c, struct session *s, char *line)
{
	const char	*arg = line + 10;	/* after "AUTH PLAIN" */

	if (cred == NULL || strncasecmp(line, "AUTH PLAIN", 10) != 0) {
		reply(c, "504 5.5.4 mechanism not supported");
		return 0;
	}
	while (*arg == ' ')
		arg++;
	if (*arg == '\0') {
		reply(c, "334 ");
		if (read_line(c, line) < 0)
			return -1;
		line[strcspn(line, "\r\n")] = '\0';
		arg = line;
	}
	if ((s->authed = auth_ok(arg)))
		reply(c, "235 2.7.0 authentication successful");
	else
		reply(c, "535 5.7.8 authentication credentials invalid");
	return 0;
}

static void
cmd_ehlo(struct conn *c, struct session *s, const char *line)
{
	s->helo = 1;
	session_reset(s);
	if (strncasecmp(line, "HELO", 4) == 0) {
		reply(c, "250 smtp-sink");
		return;
	}
	reply(c, "250-smtp-sink");
	reply(c, "250-8BITMIME");
	if (cred != NULL)
		reply(c, "250-AUTH PLAIN");
	reply(c, "250 SIZE %d", MSG_MAX);
}

/* Handles one command line; returns 1 to end the session. */
static int
command(struct conn *c, struct session *s, char *line)
{
	char	arg[1024];

	line[strcspn(line, "\r\n")] = '\0';
	fprintf(stderr, "C: %s\n", strncasecmp(line, "AUTH", 4) == 0 ?
	    "AUTH (hidden)" : line);
	if (strncasecmp(line, "EHLO", 4) == 0 ||
	    strncasecmp(line, "HELO", 4) == 0)
		cmd_ehlo(c, s, line);
	else if (strncasecmp(line, "AUTH ", 5) == 0)
		return cmd_auth(c, s, line) == -1;
	else if (path_arg(line, "MAIL FROM:", arg, sizeof(arg)) != NULL) {
		if (cred != NULL && !s->authed) {
			reply(c, "530 5.7.0 authentication required");
			return 0;
		}
		session_reset(s);
		snprintf(s->from, sizeof(s->from), "%s", arg);
		s->mail = 1;
		reply(c, "250 2.1.0 Ok");
	} else if (path_arg(line, "RCPT TO:", arg, sizeof(arg)) != NULL) {
		if (!s->mail || s->nrcpt == RCPT_MAX) {
			reply(c, "503 5.5.1 bad sequence of commands");
			return 0;
		}
		if ((s->rcpt[s->nrcpt++] = strdup(arg)) == NULL)
			err(1, "strdup");
		reply(c, "250 2.1.5 Ok");
	} else if (strcasecmp(line, "DATA") == 0)
		return cmd_data(c, s, line) == -1;
	else if (strcasecmp(line, "RSET") == 0) {
		session_reset(s);
		reply(c, "250 2.0.0 Ok");
	} else if (strncasecmp(line, "NOOP", 4) == 0)
		reply(c, "250 2.0.0 Ok");
	else if (strcasecmp(line, "QUIT") == 0) {
		reply(c, "221 2.0.0 Bye");
		return 1;
	} else
		reply(c, "502 5.5.2 command not recognized");
	return 0;
}

static void
serve(int fd)
{
	static char	 line[LINE_MAX_LEN + 1];
	struct conn	 c;
	struct session	 s;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.fd = fd;
	fprintf(stderr, "connection\n");
	reply(&c, "220 smtp-sink ESMTP");
	while (read_line(&c, line) >= 0)
		if (command(&c, &s, line))
			break;
	session_reset(&s);
	close(fd);
	fprintf(stderr, "closed\n");
}

static int
listen_on(int port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind 127.0.0.1:%d", port);
	if (listen(fd, 16) == -1)
		err(1, "listen");
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	printf("%d\n", ntohs(sin.sin_port));
	fflush(stdout);
	return fd;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: smtp-sink [-p port] [-r K] [-t seconds] "
	    "[-a user:pass] dir\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sigaction	sa;
	int			ch, lfd, fd, port = 0, timeout = 600;

	while ((ch = getopt(argc, argv, "a:p:r:t:")) != -1) {
		switch (ch) {
		case 'a':
			if (strchr(optarg, ':') == NULL)
				usage();
			cred = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'r':
			reject_left = atoi(optarg);
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	dir = argv[optind];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onterm;	/* no SA_RESTART: poll sees EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	deadline = time(NULL) + timeout;
	lfd = listen_on(port);
	while (wait_readable(lfd, 0)) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		serve(fd);
	}
	close(lfd);
	return 0;
}
