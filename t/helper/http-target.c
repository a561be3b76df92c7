/*
 * http-target: a local HTTP/1.1 server for the scheduler's tests and
 * benchmarks.  One process, one thread, non-blocking sockets on an
 * edge-triggered epoll loop, so it holds thousands of connections (each
 * waiting on a timer) and answers a fast target at loopback speed.
 *
 * usage: http-target [-4|-6] [-p PORT] [-l LOGFILE] [-r READYFILE]
 *                    [-n MAXCONN]
 *   -4 / -6	listen on 127.0.0.1 (default) or ::1
 *   -p PORT	port to listen on; 0 (default) picks one
 *   -l FILE	append one JSON line per request received (none without -l)
 *   -r FILE	once listening, write "PORT\n" to FILE (by rename)
 *   -n MAX	hold at most MAX connections (default: file limit - 32)
 * Once listening it prints "ready: PORT" on stdout; SIGTERM or SIGINT
 * prints "served: N" (requests fully received) and exits 0.
 *
 * The answer is chosen by the request's path and query string:
 *   /status/NNN	status NNN (100 < NNN < 600, else 400), body "NNN\n"
 *   delay=MS		answer after MS milliseconds (a timer, nothing blocks)
 *   retry_after=S	add "Retry-After: S"
 *   size=N		a body of N bytes of 'x' (streamed; N up to 1 GiB)
 *   close=1		close the connection without answering (after delay)
 *   hang=1		never answer; close when the client does
 *   header=N:V		add the response header N: V (repeatable)
 *   seq=A,B,C		statuses in turn for successive requests to the
 *			same path, then the last one again (per-path counter)
 *   redirect=URL	302 with "Location: URL"
 * Anything else (other paths, unknown parameters) gets 200 "ok\n".
 * Parameter values are URL-decoded ('+' is a space).  redirect wins over
 * seq, which wins over /status/NNN.  A bad parameter value gets 400.
 * 1xx, 204 and 304 answers have no body, HEAD answers none either.
 *
 * HTTP/1.1 keep-alive and pipelining; "Connection: close" and HTTP/1.0
 * without "Connection: keep-alive" close after the answer.  Request bodies
 * are framed by Content-Length or "Transfer-Encoding: chunked" (decoded;
 * trailers are read and dropped; any other transfer coding gets 501), and
 * "Expect: 100-continue" gets its interim answer.  Limits: 64 KiB of
 * request head (431), 256 header lines (431), 16 MiB of body (413).
 * Requests refused for framing reasons are answered and not logged or
 * counted; the connection is then closed after draining its input (up to
 * 2 s), so the client sees the answer rather than a reset.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX	(64 * 1024)
#define BODY_MAX	(16 * 1024 * 1024)
#define NHDR_MAX	256
#define RESP_SIZE_MAX	(1024ULL * 1024 * 1024)
#define DELAY_MAX	(24LL * 3600 * 1000)
#define INLINE_MAX	(64 * 1024)	/* larger 'x' bodies are streamed */
#define BUF_INIT	4096
#define LINE_MAX_CHUNK	4096		/* chunk-size and trailer lines */
#define XHDR_MAX	32
#define SEQ_MAX		64
#define SEQ_BUCKETS	1024
#define NEVENTS		1024
#define LINGER_MS	2000

enum cstate {
	ST_READ,	/* reading a request */
	ST_WAIT,	/* answer (or close) when the timer fires */
	ST_HANG,	/* never answer */
	ST_WRITE,	/* sending out, then stream bytes of 'x' */
	ST_LINGER	/* refused: discard input until EOF or the timer */
};

enum chstate { CH_SIZE, CH_DATA, CH_CRLF, CH_TRAILER, CH_DONE };

struct sbuf {
	char	*p;
	size_t	 len, cap;
};

union peer {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

struct conn {
	struct conn	*prev, *next;
	int		 fd;
	enum cstate	 state;
	int		 readable;	/* EPOLLIN seen and not drained */
	int		 eof;		/* EPOLLRDHUP seen: read() until 0 */
	int		 keepalive;	/* keep the connection afterwards */
	int		 drop;		/* close instead of answering */
	int		 linger;	/* drain input before closing */
	char		*buf;		/* request bytes */
	size_t		 len, cap;
	size_t		 scan;		/* head search / raw chunk position */
	size_t		 hlen;		/* head length, 0 while reading it */
	size_t		 clen;		/* Content-Length */
	int		 chunked;
	enum chstate	 chs;
	size_t		 chleft;	/* bytes left in the current chunk */
	size_t		 bend;		/* end of the decoded chunked body */
	size_t		 tlen;		/* trailer bytes so far */
	struct sbuf	 out;		/* response head and inline body */
	size_t		 ooff;
	uint64_t	 stream;	/* 'x' bytes to send after out */
	long long	 deadline;	/* CLOCK_MONOTONIC ms, in ST_WAIT */
	size_t		 hidx;		/* timer heap index + 1, 0 if none */
	union peer	 peer;
};

struct span {
	const char	*p;
	size_t		 n;
};

struct req {
	struct span	 method, path, query;
	int		 minor;		/* HTTP/1.minor */
	int		 nhdr;
	struct span	 name[NHDR_MAX], val[NHDR_MAX];
	const char	*body;
	size_t		 blen;
};

struct params {
	int		 bad;		/* a bad value: answer 400 */
	const char	*badname;
	long long	 delay;
	uint64_t	 size;
	int		 has_size, close, hang;
	struct span	 retry_after, redirect;
	int		 nxhdr;
	struct span	 xname[XHDR_MAX], xval[XHDR_MAX];
	int		 nseq;
	int		 seq[SEQ_MAX];
};

struct seqent {
	struct seqent	*next;
	unsigned	 count;
	size_t		 plen;
	char		 path[];
};

static volatile sig_atomic_t	 stop;
static int			 epfd = -1, lfd = -1, logfd = -1;
static int			 accept_paused;
static size_t			 nconn, maxconn;
static unsigned long long	 served;
static struct conn		*conns;
static struct conn		**heap;
static size_t			 nheap, heapcap;
static struct seqent		*seqtab[SEQ_BUCKETS];
static struct sbuf		 logline, hv;
static struct req		 rq;
static char			 arena[HEAD_MAX];	/* decoded values */
static char			 xbytes[64 * 1024];

static void
onterm(int sig)
{
	(void)sig;
	stop = 1;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Growable buffers. */

static void
sb_reserve(struct sbuf *sb, size_t more)
{
	size_t	cap;

	if (sb->cap - sb->len >= more)
		return;
	cap = sb->cap ? sb->cap : 256;
	while (cap - sb->len < more)
		cap *= 2;
	if ((sb->p = realloc(sb->p, cap)) == NULL)
		err(1, "realloc");
	sb->cap = cap;
}

static void
sb_add(struct sbuf *sb, const void *p, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->p + sb->len, p, n);
	sb->len += n;
}

static void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

static void
sb_num(struct sbuf *sb, unsigned long long v)
{
	char	tmp[24];
	int	i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sb_add(sb, tmp + i, sizeof(tmp) - (size_t)i);
}

/* Length of the valid UTF-8 sequence of 2-4 bytes at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		k, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return k;
}

/*
 * Appends s as a JSON string.  Valid UTF-8 passes through; quotes,
 * backslashes, control characters and DEL are escaped, and each byte that
 * is not part of valid UTF-8 becomes \u00XX (read as Latin-1).
 */
static void
sb_json(struct sbuf *sb, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, run, k;
	char			 esc[6];

	sb_reserve(sb, n + 2);
	sb->p[sb->len++] = '"';
	while (i < n) {
		for (run = i; run < n && u[run] >= 0x20 && u[run] < 0x7f &&
		    u[run] != '"' && u[run] != '\\'; run++)
			;
		if (run > i) {
			sb_add(sb, s + i, run - i);
			i = run;
			continue;
		}
		if (u[i] >= 0x80 && (k = utf8_len(u + i, n - i)) != 0) {
			sb_add(sb, s + i, k);
			i += k;
			continue;
		}
		esc[0] = '\\';
		switch (u[i]) {
		case '"':
		case '\\':
			esc[1] = (char)u[i];
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 15];
			sb_add(sb, esc, 6);
			i++;
			continue;
		}
		sb_add(sb, esc, 2);
		i++;
	}
	sb_add(sb, "\"", 1);
}

static int
span_eq(struct span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static int
span_caseeq(struct span s, const char *lit)
{
	return s.n == strlen(lit) && strncasecmp(s.p, lit, s.n) == 0;
}

/* Whether the comma-separated list v holds token tok (any case). */
static int
has_token(struct span v, const char *tok)
{
	const char	*p = v.p, *end = v.p + v.n, *e;
	struct span	 t;

	while (p < end) {
		for (e = p; e < end && *e != ','; e++)
			;
		t.p = p;
		t.n = (size_t)(e - p);
		while (t.n > 0 && (*t.p == ' ' || *t.p == '\t')) {
			t.p++;
			t.n--;
		}
		while (t.n > 0 && (t.p[t.n - 1] == ' ' || t.p[t.n - 1] == '\t'))
			t.n--;
		if (span_caseeq(t, tok))
			return 1;
		p = e + 1;
	}
	return 0;
}

static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static int
is_token(struct span s)
{
	size_t	i;

	if (s.n == 0)
		return 0;
	for (i = 0; i < s.n; i++)
		if (!tchar((unsigned char)s.p[i]))
			return 0;
	return 1;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int
all_digits(struct span s)
{
	size_t	i;

	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return s.n > 0;
}

/* Parses decimal digits s (all of them) up to max; returns -1 if bad. */
static long long
parse_num(struct span s, long long max)
{
	long long	v = 0;
	size_t		i;

	if (s.n == 0)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
		if (v > max)
			return -1;
	}
	return v;
}

/* Timers: a binary min-heap of connections by deadline. */

static void
heap_set(size_t i, struct conn *c)
{
	heap[i] = c;
	c->hidx = i + 1;
}

static void
heap_up(size_t i)
{
	struct conn	*c = heap[i];

	while (i > 0 && heap[(i - 1) / 2]->deadline > c->deadline) {
		heap_set(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(i, c);
}

static void
heap_down(size_t i)
{
	struct conn	*c = heap[i];
	size_t		 k;

	while ((k = 2 * i + 1) < nheap) {
		if (k + 1 < nheap && heap[k + 1]->deadline < heap[k]->deadline)
			k++;
		if (heap[k]->deadline >= c->deadline)
			break;
		heap_set(i, heap[k]);
		i = k;
	}
	heap_set(i, c);
}

static void
timer_add(struct conn *c, long long deadline)
{
	if (nheap == heapcap) {
		heapcap = heapcap ? heapcap * 2 : 1024;
		if ((heap = reallocarray(heap, heapcap, sizeof(*heap))) == NULL)
			err(1, "reallocarray");
	}
	c->deadline = deadline;
	heap_set(nheap++, c);
	heap_up(nheap - 1);
}

static void
timer_del(struct conn *c)
{
	struct conn	*last;
	size_t		 i = c->hidx - 1;

	if (c->hidx == 0)
		return;
	c->hidx = 0;
	if (i == --nheap)
		return;
	last = heap[nheap];
	heap_set(i, last);
	heap_up(i);
	heap_down(last->hidx - 1);
}

/* Per-path counters for seq=. */

static unsigned
seq_next(struct span path)
{
	struct seqent	*e;
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < path.n; i++)
		h = (h ^ (unsigned char)path.p[i]) * 16777619u;
	h %= SEQ_BUCKETS;
	for (e = seqtab[h]; e != NULL; e = e->next)
		if (e->plen == path.n && memcmp(e->path, path.p, path.n) == 0)
			return e->count++;
	if ((e = malloc(sizeof(*e) + path.n)) == NULL)
		err(1, "malloc");
	memcpy(e->path, path.p, path.n);
	e->plen = path.n;
	e->count = 1;
	e->next = seqtab[h];
	seqtab[h] = e;
	return 0;
}

/* Connections. */

static void accept_conns(void);

static void
conn_close(struct conn *c)
{
	timer_del(c);
	close(c->fd);	/* also drops it from the epoll set */
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	free(c->buf);
	free(c->out.p);
	free(c);
	nconn--;
}

static void
accept_conns(void)
{
	struct epoll_event	 ev;
	struct conn		*c;
	union peer		 peer;
	socklen_t		 plen;
	int			 fd, on = 1;

	accept_paused = 0;
	while (nconn < maxconn) {
		plen = sizeof(peer);
		fd = accept4(lfd, &peer.sa, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EMFILE && errno != ENFILE &&
			    errno != ENOBUFS && errno != ENOMEM)
				warn("accept");
			accept_paused = 1;	/* retried from the loop */
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		if ((c = calloc(1, sizeof(*c))) == NULL)
			err(1, "calloc");
		c->fd = fd;
		c->peer = peer;
		c->keepalive = 1;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ev.data.ptr = c;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
			err(1, "epoll_ctl");
		c->next = conns;
		if (conns != NULL)
			conns->prev = c;
		conns = c;
		nconn++;
	}
	accept_paused = 1;
}

static const char *
reason(int status)
{
	switch (status) {
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Status";
	}
}

/* Starts a response: the status line. */
static void
out_status(struct conn *c, int status)
{
	struct sbuf	*o = &c->out;

	o->len = 0;
	c->ooff = 0;
	c->stream = 0;
	sb_str(o, "HTTP/1.1 ");
	sb_num(o, (unsigned)status);
	sb_add(o, " ", 1);
	sb_str(o, reason(status));
	sb_add(o, "\r\n", 2);
}

static void
out_header(struct conn *c, const char *name, struct span v)
{
	sb_str(&c->out, name);
	sb_add(&c->out, ": ", 2);
	sb_add(&c->out, v.p, v.n);
	sb_add(&c->out, "\r\n", 2);
}

/* A refusal before a request is complete: answer and close. */
static void
out_error(struct conn *c, int status)
{
	out_status(c, status);
	sb_str(&c->out, "Content-Type: text/plain\r\nContent-Length: 4\r\n"
	    "Connection: close\r\n\r\n");
	sb_num(&c->out, (unsigned)status);
	sb_add(&c->out, "\n", 1);
	c->keepalive = 0;
	c->linger = 1;
	c->state = ST_WRITE;
}

/*
 * Discards input until EOF, so that closing a connection that was refused
 * with unread request bytes does not reset it and lose the answer.
 * Returns -1 when c was closed.
 */
static int
conn_linger(struct conn *c)
{
	static char	sink[16384];
	ssize_t		n;

	for (;;) {
		if ((n = read(c->fd, sink, sizeof(sink))) > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		conn_close(c);
		return -1;
	}
}

/*
 * Sends what is pending; when the answer is out, closes the connection or
 * goes back to ST_READ.  Returns -1 when c was closed, 0 while waiting for
 * the socket, 1 when done and reading again.
 */
static int
conn_output(struct conn *c)
{
	ssize_t	n;
	size_t	want;

	while (c->ooff < c->out.len) {
		n = send(c->fd, c->out.p + c->ooff, c->out.len - c->ooff,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			conn_close(c);
			return -1;
		}
		c->ooff += (size_t)n;
	}
	while (c->stream > 0) {
		want = c->stream < sizeof(xbytes) ? c->stream : sizeof(xbytes);
		n = send(c->fd, xbytes, want, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			conn_close(c);
			return -1;
		}
		c->stream -= (uint64_t)n;
	}
	if (!c->keepalive && c->linger) {
		shutdown(c->fd, SHUT_WR);
		c->state = ST_LINGER;
		timer_add(c, now_ms() + LINGER_MS);
		return conn_linger(c) == -1 ? -1 : 0;
	}
	if (!c->keepalive) {
		conn_close(c);
		return -1;
	}
	c->state = ST_READ;
	if (c->out.cap > INLINE_MAX * 2) {
		free(c->out.p);
		memset(&c->out, 0, sizeof(c->out));
	}
	return 1;
}

/* Finds the end of the request head from c->scan on; 1 if found. */
static int
find_head(struct conn *c)
{
	const char	*p = c->buf + c->scan, *end = c->buf + c->len;
	const char	*nl, *q;

	for (; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1) {
		q = nl + 1;
		if (q == end || (q + 1 == end && *q == '\r')) {
			c->scan = (size_t)(nl - c->buf);
			return 0;
		}
		if (*q == '\n') {
			c->hlen = (size_t)(q + 1 - c->buf);
			return 1;
		}
		if (q[0] == '\r' && q[1] == '\n') {
			c->hlen = (size_t)(q + 2 - c->buf);
			return 1;
		}
	}
	c->scan = (size_t)(p - c->buf);
	return 0;
}

static void
trim(struct span *s)
{
	while (s->n > 0 && (*s->p == ' ' || *s->p == '\t')) {
		s->p++;
		s->n--;
	}
	while (s->n > 0 && (s->p[s->n - 1] == ' ' || s->p[s->n - 1] == '\t'))
		s->n--;
}

/* Parses the request head buf[0..hlen) into r; 0 or an HTTP status. */
static int
parse_head(const char *buf, size_t hlen, struct req *r)
{
	const char	*p, *end = buf + hlen, *nl, *le, *sp1, *sp2, *v, *q;
	struct span	 target, name, val;
	size_t		 i;

	r->nhdr = 0;
	nl = memchr(buf, '\n', hlen);
	le = nl > buf && nl[-1] == '\r' ? nl - 1 : nl;
	if ((sp1 = memchr(buf, ' ', (size_t)(le - buf))) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(le - sp1 - 1))) == NULL)
		return 400;
	r->method.p = buf;
	r->method.n = (size_t)(sp1 - buf);
	target.p = sp1 + 1;
	target.n = (size_t)(sp2 - sp1 - 1);
	v = sp2 + 1;
	if (!is_token(r->method) || target.n == 0 || le - v != 8 ||
	    memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1')
		return 505;
	r->minor = v[7] - '0';
	for (i = 0; i < target.n; i++)
		if ((unsigned char)target.p[i] <= ' ' || target.p[i] == 0x7f)
			return 400;
	if (target.n > 7 && (strncasecmp(target.p, "http://", 7) == 0 ||
	    strncasecmp(target.p, "https://", 8) == 0)) {
		/* absolute form: keep what follows the authority */
		q = (const char *)memchr(target.p, ':', target.n) + 3;
		while (q < target.p + target.n && *q != '/' && *q != '?')
			q++;
		target.n -= (size_t)(q - target.p);
		target.p = q;
	} else if (target.p[0] != '/' && !span_eq(target, "*"))
		return 400;
	r->path = target;
	r->query.p = "";
	r->query.n = 0;
	if ((q = memchr(target.p, '?', target.n)) != NULL) {
		r->path.n = (size_t)(q - target.p);
		r->query.p = q + 1;
		r->query.n = target.n - r->path.n - 1;
	}
	if (r->path.n == 0) {
		r->path.p = "/";
		r->path.n = 1;
	}
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (le == p)
			break;
		if (*p == ' ' || *p == '\t')
			return 400;		/* obsolete line folding */
		if ((v = memchr(p, ':', (size_t)(le - p))) == NULL)
			return 400;
		name.p = p;
		name.n = (size_t)(v - p);
		if (!is_token(name))
			return 400;
		val.p = v + 1;
		val.n = (size_t)(le - v - 1);
		trim(&val);
		if (r->nhdr == NHDR_MAX)
			return 431;
		r->name[r->nhdr] = name;
		r->val[r->nhdr++] = val;
	}
	return 0;
}

/*
 * Reads the framing of the request just parsed into rq: body length or
 * chunked, keep-alive.  Returns 0 or an HTTP status.
 */
static int
framing(struct conn *c, int *expect)
{
	struct span	 v;
	long long	 n;
	int		 i, has_cl = 0, te = 0, ka;

	c->clen = 0;
	c->chunked = 0;
	*expect = 0;
	ka = rq.minor >= 1;
	for (i = 0; i < rq.nhdr; i++) {
		v = rq.val[i];
		if (span_caseeq(rq.name[i], "content-length")) {
			if ((n = parse_num(v, BODY_MAX)) < 0)
				return all_digits(v) ? 413 : 400;
			if (has_cl && (size_t)n != c->clen)
				return 400;
			has_cl = 1;
			c->clen = (size_t)n;
		} else if (span_caseeq(rq.name[i], "transfer-encoding")) {
			if (te || !span_caseeq(v, "chunked"))
				return 501;
			te = 1;
		} else if (span_caseeq(rq.name[i], "connection")) {
			if (has_token(v, "close"))
				ka = 0;
			else if (has_token(v, "keep-alive"))
				ka = 1;
		} else if (span_caseeq(rq.name[i], "expect"))
			*expect = span_caseeq(v, "100-continue");
	}
	if (te && has_cl)
		return 400;
	if (rq.minor == 0 && te)
		return 400;
	c->chunked = te;
	c->keepalive = ka;
	return 0;
}

/*
 * Decodes a chunked body in place as it arrives: chunk data moves down to
 * c->bend, c->scan is the next raw byte.  Returns 1 once the last chunk
 * and the trailers are in, 0 for more input, or an HTTP status.
 */
static int
dechunk(struct conn *c)
{
	char	*p, *nl;
	size_t	 n, sz, i;
	int	 d;

	for (;;) {
		switch (c->chs) {
		case CH_SIZE:
		case CH_TRAILER:
			p = c->buf + c->scan;
			if ((nl = memchr(p, '\n', c->len - c->scan)) == NULL)
				return c->len - c->scan > LINE_MAX_CHUNK ?
				    400 : 0;
			n = (size_t)(nl - p);
			if (n > 0 && p[n - 1] == '\r')
				n--;
			c->scan = (size_t)(nl + 1 - c->buf);
			if (c->chs == CH_TRAILER) {
				if (n == 0) {
					c->chs = CH_DONE;
					return 1;
				}
				if ((c->tlen += n) > HEAD_MAX)
					return 431;
				break;
			}
			for (sz = 0, i = 0; i < n; i++) {
				if ((d = hexval(p[i])) < 0)
					break;
				if (sz > BODY_MAX)
					return 413;
				sz = sz * 16 + (size_t)d;
			}
			if (i == 0 || (i < n && p[i] != ';' && p[i] != ' ' &&
			    p[i] != '\t'))
				return 400;
			if (sz == 0) {
				c->chs = CH_TRAILER;
				break;
			}
			if (c->bend - c->hlen + sz > BODY_MAX)
				return 413;
			c->chleft = sz;
			c->chs = CH_DATA;
			break;
		case CH_DATA:
			n = c->len - c->scan;
			if (n > c->chleft)
				n = c->chleft;
			if (n == 0)
				return 0;
			if (c->bend != c->scan)
				memmove(c->buf + c->bend, c->buf + c->scan, n);
			c->bend += n;
			c->scan += n;
			if ((c->chleft -= n) == 0)
				c->chs = CH_CRLF;
			break;
		case CH_CRLF:
			if (c->scan == c->len)
				return 0;
			if (c->buf[c->scan] == '\n') {
				c->scan++;
			} else if (c->buf[c->scan] != '\r') {
				return 400;
			} else if (c->scan + 1 == c->len) {
				return 0;
			} else if (c->buf[c->scan + 1] != '\n') {
				return 400;
			} else
				c->scan += 2;
			c->chs = CH_SIZE;
			break;
		case CH_DONE:
			return 1;
		}
	}
}

/* Appends the JSON log line of the request in rq and writes it. */
static void
log_request(struct conn *c)
{
	struct sbuf	*sb = &logline;
	struct timespec	 ts;
	char		 addr[INET6_ADDRSTRLEN], lname[256], *name;
	size_t		 off;
	ssize_t		 n;
	int		 i, j, first = 1, port;

	clock_gettime(CLOCK_REALTIME, &ts);
	sb->len = 0;
	sb_str(sb, "{\"t\":");
	sb_num(sb, (unsigned long long)ts.tv_sec * 1000 +
	    (unsigned long long)ts.tv_nsec / 1000000);
	sb_add(sb, ".", 1);
	sb_reserve(sb, 3);
	sb->p[sb->len++] = (char)('0' + ts.tv_nsec / 100000 % 10);
	sb->p[sb->len++] = (char)('0' + ts.tv_nsec / 10000 % 10);
	sb->p[sb->len++] = (char)('0' + ts.tv_nsec / 1000 % 10);
	sb_str(sb, ",\"method\":");
	sb_json(sb, rq.method.p, rq.method.n);
	sb_str(sb, ",\"path\":");
	sb_json(sb, rq.path.p, rq.path.n);
	sb_str(sb, ",\"query\":");
	sb_json(sb, rq.query.p, rq.query.n);
	sb_str(sb, ",\"headers\":{");
	for (i = 0; i < rq.nhdr; i++) {
		for (j = 0; j < i; j++)
			if (rq.name[j].n == rq.name[i].n &&
			    strncasecmp(rq.name[j].p, rq.name[i].p,
			    rq.name[i].n) == 0)
				break;
		if (j < i)
			continue;		/* joined in already */
		if (!first)
			sb_add(sb, ",", 1);
		first = 0;
		name = rq.name[i].n <= sizeof(lname) ? lname : NULL;
		if (name == NULL && (name = malloc(rq.name[i].n)) == NULL)
			err(1, "malloc");
		for (off = 0; off < rq.name[i].n; off++) {
			name[off] = rq.name[i].p[off];
			if (name[off] >= 'A' && name[off] <= 'Z')
				name[off] += 'a' - 'A';
		}
		sb_json(sb, name, rq.name[i].n);
		if (name != lname)
			free(name);
		sb_add(sb, ":", 1);
		/* the values of all lines with this name, ", "-joined */
		hv.len = 0;
		sb_add(&hv, rq.val[i].p, rq.val[i].n);
		for (j = i + 1; j < rq.nhdr; j++)
			if (rq.name[j].n == rq.name[i].n &&
			    strncasecmp(rq.name[j].p, rq.name[i].p,
			    rq.name[i].n) == 0) {
				sb_add(&hv, ", ", 2);
				sb_add(&hv, rq.val[j].p, rq.val[j].n);
			}
		sb_json(sb, hv.p != NULL ? hv.p : "", hv.len);
	}
	sb_str(sb, "},\"body\":");
	sb_json(sb, rq.body, rq.blen);
	sb_str(sb, ",\"remote\":\"");
	if (c->peer.sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &c->peer.sin6.sin6_addr, addr,
		    sizeof(addr));
		port = ntohs(c->peer.sin6.sin6_port);
		sb_add(sb, "[", 1);
		sb_str(sb, addr);
		sb_add(sb, "]", 1);
	} else {
		inet_ntop(AF_INET, &c->peer.sin.sin_addr, addr, sizeof(addr));
		port = ntohs(c->peer.sin.sin_port);
		sb_str(sb, addr);
	}
	sb_add(sb, ":", 1);
	sb_num(sb, (unsigned)port);
	sb_str(sb, "\"}\n");
	for (off = 0; off < sb->len; off += (size_t)n) {
		if ((n = write(logfd, sb->p + off, sb->len - off)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			warn("write log");
			break;
		}
	}
}

/* URL-decodes s into the arena at *ap ('+' is a space). */
static struct span
decode(struct span s, char **ap)
{
	struct span	 d;
	char		*o = *ap;
	size_t		 i;
	int		 hi, lo;

	d.p = o;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] == '+')
			*o++ = ' ';
		else if (s.p[i] == '%' && i + 2 < s.n &&
		    (hi = hexval(s.p[i + 1])) >= 0 &&
		    (lo = hexval(s.p[i + 2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s.p[i];
	}
	d.n = (size_t)(o - d.p);
	*ap = o;
	return d;
}

/* Whether a decoded header value is safe to send (no CR, LF, NUL). */
static int
safe_value(struct span v)
{
	size_t	i;

	for (i = 0; i < v.n; i++)
		if (v.p[i] == '\r' || v.p[i] == '\n' || v.p[i] == '\0')
			return 0;
	return 1;
}

static int
parse_status(struct span s)
{
	long long	v = parse_num(s, 999);

	return v > 100 && v < 600 ? (int)v : -1;
}

static void
bad_param(struct params *pa, const char *name)
{
	if (!pa->bad)
		pa->badname = name;
	pa->bad = 1;
}

/* Reads the query string of rq into pa. */
static void
parse_params(struct params *pa)
{
	const char	*p = rq.query.p, *end = rq.query.p + rq.query.n, *e;
	char		*ap = arena;
	struct span	 k, v, d;
	long long	 n;
	const char	*colon;

	memset(pa, 0, sizeof(*pa));
	while (p < end) {
		for (e = p; e < end && *e != '&'; e++)
			;
		k.p = p;
		k.n = (size_t)(e - p);
		v.p = e;
		v.n = 0;
		if ((colon = memchr(k.p, '=', k.n)) != NULL) {
			v.p = colon + 1;
			v.n = (size_t)(e - v.p);
			k.n = (size_t)(colon - k.p);
		}
		p = e + 1;
		if (span_eq(k, "delay")) {
			if ((n = parse_num(v, DELAY_MAX)) < 0)
				bad_param(pa, "delay");
			else
				pa->delay = n;
		} else if (span_eq(k, "size")) {
			if ((n = parse_num(v, (long long)RESP_SIZE_MAX)) < 0)
				bad_param(pa, "size");
			else {
				pa->size = (uint64_t)n;
				pa->has_size = 1;
			}
		} else if (span_eq(k, "close"))
			pa->close = !span_eq(v, "0") && v.n > 0;
		else if (span_eq(k, "hang"))
			pa->hang = !span_eq(v, "0") && v.n > 0;
		else if (span_eq(k, "retry_after")) {
			d = decode(v, &ap);
			trim(&d);
			if (d.n == 0 || !safe_value(d))
				bad_param(pa, "retry_after");
			else
				pa->retry_after = d;
		} else if (span_eq(k, "redirect")) {
			d = decode(v, &ap);
			if (d.n == 0 || !safe_value(d))
				bad_param(pa, "redirect");
			else
				pa->redirect = d;
		} else if (span_eq(k, "header")) {
			d = decode(v, &ap);
			if ((colon = memchr(d.p, ':', d.n)) == NULL ||
			    pa->nxhdr == XHDR_MAX) {
				bad_param(pa, "header");
				continue;
			}
			k.p = d.p;
			k.n = (size_t)(colon - d.p);
			v.p = colon + 1;
			v.n = d.n - k.n - 1;
			trim(&v);
			if (!is_token(k) || !safe_value(v)) {
				bad_param(pa, "header");
				continue;
			}
			pa->xname[pa->nxhdr] = k;
			pa->xval[pa->nxhdr++] = v;
		} else if (span_eq(k, "seq")) {
			pa->nseq = 0;
			for (;;) {
				colon = memchr(v.p, ',', v.n);
				d.p = v.p;
				d.n = colon ? (size_t)(colon - v.p) : v.n;
				if (pa->nseq == SEQ_MAX ||
				    (n = parse_status(d)) < 0) {
					bad_param(pa, "seq");
					pa->nseq = 0;
					break;
				}
				pa->seq[pa->nseq++] = (int)n;
				if (colon == NULL)
					break;
				v.p = colon + 1;
				v.n -= d.n + 1;
				if (v.n == 0) {		/* trailing comma */
					bad_param(pa, "seq");
					pa->nseq = 0;
					break;
				}
			}
		}
	}
}

/*
 * Handles the complete request in rq: logs it, then answers it now, arms a
 * timer, or leaves it hanging.  Returns -1 when c was closed.
 */
static int
dispatch(struct conn *c, size_t consumed)
{
	struct params	 pa;
	struct span	 sv;
	char		 num[8];
	unsigned	 k;
	int		 status = 200, explicit = 0, i, nobody, has_ct = 0;
	int		 head;

	served++;
	if (logfd != -1)
		log_request(c);
	parse_params(&pa);
	if (rq.path.n > 8 && memcmp(rq.path.p, "/status/", 8) == 0) {
		sv.p = rq.path.p + 8;
		sv.n = rq.path.n - 8;
		explicit = 1;
		if ((status = parse_status(sv)) < 0)
			bad_param(&pa, "status");
	}
	if (pa.nseq > 0) {
		if ((k = seq_next(rq.path)) >= (unsigned)pa.nseq)
			k = (unsigned)pa.nseq - 1;
		status = pa.seq[k];
		explicit = 1;
	}
	if (pa.redirect.n > 0) {
		status = 302;
		explicit = 1;
	}
	head = span_eq(rq.method, "HEAD");

	/* the answer, built now and sent now or when the timer fires */
	if (pa.bad) {
		out_status(c, 400);
		sb_str(&c->out, "Content-Type: text/plain\r\nContent-Length: ");
		sb_num(&c->out, strlen(pa.badname) + 15);
		sb_str(&c->out, c->keepalive ? "\r\n\r\n" :
		    "\r\nConnection: close\r\n\r\n");
		if (!head) {
			sb_str(&c->out, "bad parameter ");
			sb_str(&c->out, pa.badname);
			sb_add(&c->out, "\n", 1);
		}
		pa.delay = 0;
		pa.close = pa.hang = 0;
	} else {
		out_status(c, status);
		nobody = status < 200 || status == 204 || status == 304;
		for (i = 0; i < pa.nxhdr; i++)
			if (span_caseeq(pa.xname[i], "content-type"))
				has_ct = 1;
		if (!has_ct)
			sb_str(&c->out, "Content-Type: text/plain\r\n");
		if (!nobody) {
			sb_str(&c->out, "Content-Length: ");
			sb_num(&c->out, pa.has_size ? pa.size :
			    explicit ? 4 : 3);
			sb_add(&c->out, "\r\n", 2);
		}
		if (!c->keepalive)
			sb_str(&c->out, "Connection: close\r\n");
		else if (rq.minor == 0)
			sb_str(&c->out, "Connection: keep-alive\r\n");
		if (pa.retry_after.n > 0)
			out_header(c, "Retry-After", pa.retry_after);
		if (pa.redirect.n > 0)
			out_header(c, "Location", pa.redirect);
		for (i = 0; i < pa.nxhdr; i++) {
			sb_add(&c->out, pa.xname[i].p, pa.xname[i].n);
			sb_add(&c->out, ": ", 2);
			sb_add(&c->out, pa.xval[i].p, pa.xval[i].n);
			sb_add(&c->out, "\r\n", 2);
		}
		sb_add(&c->out, "\r\n", 2);
		if (nobody || head)
			;
		else if (pa.has_size && pa.size > INLINE_MAX)
			c->stream = pa.size;
		else if (pa.has_size) {
			sb_reserve(&c->out, (size_t)pa.size);
			memset(c->out.p + c->out.len, 'x', (size_t)pa.size);
			c->out.len += (size_t)pa.size;
		} else if (explicit) {
			snprintf(num, sizeof(num), "%d\n", status);
			sb_str(&c->out, num);
		} else
			sb_str(&c->out, "ok\n");
	}

	/* the request is done with: keep only what was pipelined after it */
	if (consumed < c->len)
		memmove(c->buf, c->buf + consumed, c->len - consumed);
	c->len -= consumed;
	c->hlen = 0;
	c->scan = 0;
	if (c->len == 0 && c->cap > HEAD_MAX) {
		free(c->buf);
		c->buf = NULL;
		c->cap = 0;
	}

	c->drop = pa.close;
	if (pa.hang) {
		c->state = ST_HANG;
		return 0;
	}
	if (pa.delay > 0) {
		c->state = ST_WAIT;
		timer_add(c, now_ms() + pa.delay);
		return 0;
	}
	if (c->drop) {
		conn_close(c);
		return -1;
	}
	c->state = ST_WRITE;
	return conn_output(c) == -1 ? -1 : 0;
}

/*
 * Looks at the buffered input: parses the head, collects the body, and
 * dispatches a complete request.  Returns 1 when it handled a request or
 * a refusal (look at c->state again), 0 when it needs more input, -1 when
 * c was closed.
 */
static int
try_request(struct conn *c)
{
	static const char	cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	size_t			skip;
	int			st, expect = 0;

	if (c->hlen == 0) {
		/* tolerate empty lines before a request line */
		for (skip = 0; skip < c->len && (c->buf[skip] == '\r' ||
		    c->buf[skip] == '\n'); skip++)
			;
		if (skip > 0) {
			memmove(c->buf, c->buf + skip, c->len - skip);
			c->len -= skip;
			c->scan = 0;
		}
		if (!find_head(c)) {
			if (c->len >= HEAD_MAX) {
				out_error(c, 431);
				return conn_output(c) == -1 ? -1 : 1;
			}
			return 0;
		}
		if (c->hlen > HEAD_MAX)
			st = 431;
		else if ((st = parse_head(c->buf, c->hlen, &rq)) == 0)
			st = framing(c, &expect);
		if (st != 0) {
			out_error(c, st);
			return conn_output(c) == -1 ? -1 : 1;
		}
		c->scan = c->bend = c->hlen;
		c->chs = CH_SIZE;
		c->tlen = 0;
		if (expect && (c->chunked || c->len < c->hlen + c->clen) &&
		    send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(cont) - 1) {
			conn_close(c);
			return -1;
		}
		if (!c->chunked && c->clen == 0) {
			/* the common case: no body, head just parsed */
			rq.body = "";
			rq.blen = 0;
			return dispatch(c, c->hlen) == -1 ? -1 : 1;
		}
	}
	if (c->chunked) {
		if ((st = dechunk(c)) == 0)
			return 0;
		if (st != 1) {
			out_error(c, st);
			return conn_output(c) == -1 ? -1 : 1;
		}
	} else if (c->len < c->hlen + c->clen)
		return 0;
	parse_head(c->buf, c->hlen, &rq);	/* the buffer may have moved */
	rq.body = c->buf + c->hlen;
	rq.blen = c->chunked ? c->bend - c->hlen : c->clen;
	return dispatch(c, c->chunked ? c->scan : c->hlen + c->clen) == -1 ?
	    -1 : 1;
}

/* Makes room to read; returns the free space, 0 if at the limit. */
static size_t
room(struct conn *c)
{
	size_t	limit, want, cap;

	if (c->hlen == 0)
		limit = want = HEAD_MAX;
	else if (c->chunked)
		limit = want = c->hlen + BODY_MAX + 2 * LINE_MAX_CHUNK;
	else {
		limit = c->hlen + c->clen;
		want = limit;	/* the whole body at once */
		if (limit < HEAD_MAX)
			limit = HEAD_MAX;
	}
	if (c->len < c->cap)
		return c->cap - c->len;
	if (c->cap >= limit)
		return 0;
	cap = c->cap ? c->cap * 2 : BUF_INIT;
	if (c->hlen != 0 && !c->chunked && cap < want)
		cap = want;
	if (cap > limit)
		cap = limit;
	if ((c->buf = realloc(c->buf, cap)) == NULL)
		err(1, "realloc");
	c->cap = cap;
	return c->cap - c->len;
}

/* Reads and handles requests while in ST_READ; -1 when c was closed. */
static int
conn_input(struct conn *c)
{
	size_t	space;
	ssize_t	n;
	int	r;

	while (c->state == ST_READ) {
		if (c->len > 0) {
			if ((r = try_request(c)) == -1)
				return -1;
			if (r == 1)
				continue;
		}
		if (!c->readable)
			return 0;
		if ((space = room(c)) == 0) {
			out_error(c, c->hlen == 0 ? 431 : 413);
			return conn_output(c) == -1 ? -1 : 0;
		}
		n = read(c->fd, c->buf + c->len, space);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				c->readable = 0;
				return 0;
			}
			conn_close(c);
			return -1;
		}
		if (n == 0) {
			conn_close(c);
			return -1;
		}
		if ((size_t)n < space && !c->eof)
			c->readable = 0;	/* drained: epoll will tell */
		c->len += (size_t)n;
	}
	return 0;
}

static void
conn_event(struct conn *c, uint32_t ev)
{
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
		c->readable = 1;	/* read() tells data from EOF */
	if (ev & (EPOLLRDHUP | EPOLLHUP))
		c->eof = 1;		/* no further edge will come */
	if (ev & EPOLLERR) {
		conn_close(c);
		return;
	}
	switch (c->state) {
	case ST_READ:
		if (c->readable)
			conn_input(c);
		break;
	case ST_WRITE:
		if ((ev & (EPOLLOUT | EPOLLHUP)) && conn_output(c) == 1)
			conn_input(c);
		break;
	case ST_HANG:
		/* the client gave up */
		if (ev & (EPOLLRDHUP | EPOLLHUP))
			conn_close(c);
		break;
	case ST_WAIT:
		/* a half-closed client may still want its answer */
		if (ev & EPOLLHUP)
			conn_close(c);
		break;
	case ST_LINGER:
		conn_linger(c);
		break;
	}
}

static void
run_timers(void)
{
	struct conn	*c;
	long long	 now = now_ms();

	while (nheap > 0 && heap[0]->deadline <= now) {
		c = heap[0];
		timer_del(c);
		if (c->drop || c->state == ST_LINGER) {
			conn_close(c);
			continue;
		}
		c->state = ST_WRITE;
		if (conn_output(c) == 1)
			conn_input(c);
	}
}

static int
next_timeout(void)
{
	long long	d;

	if (accept_paused)
		return 100;
	if (nheap == 0)
		return -1;
	d = heap[0]->deadline - now_ms();
	if (d < 0)
		return 0;
	return d > 60000 ? 60000 : (int)d + 1;
}

static int
listen_on(int family, int port)
{
	union peer	sa;
	socklen_t	len;
	int		fd, on = 1;

	if ((fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sa, 0, sizeof(sa));
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		sa.sin6.sin6_family = AF_INET6;
		sa.sin6.sin6_port = htons((unsigned short)port);
		sa.sin6.sin6_addr = in6addr_loopback;
		len = sizeof(sa.sin6);
	} else {
		sa.sin.sin_family = AF_INET;
		sa.sin.sin_port = htons((unsigned short)port);
		sa.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(sa.sin);
	}
	if (bind(fd, &sa.sa, len) == -1)
		err(1, "bind %s port %d", family == AF_INET6 ? "::1" :
		    "127.0.0.1", port);
	if (listen(fd, 65535) == -1)
		err(1, "listen");
	if (getsockname(fd, &sa.sa, &len) == -1)
		err(1, "getsockname");
	return fd;
}

/* Writes "PORT\n" to path through a temporary file and rename. */
static void
write_ready(const char *path, int port)
{
	char	tmp[4096];
	FILE	*f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid()) >= sizeof(tmp))
		errx(1, "%s: name too long", path);
	if ((f = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0)
		err(1, "%s", tmp);
	if (rename(tmp, path) == -1)
		err(1, "rename %s", path);
}

static void
cleanup(void)
{
	struct seqent	*e;
	size_t		 i;

	while (conns != NULL)
		conn_close(conns);
	for (i = 0; i < SEQ_BUCKETS; i++)
		while ((e = seqtab[i]) != NULL) {
			seqtab[i] = e->next;
			free(e);
		}
	free(heap);
	free(logline.p);
	free(hv.p);
	close(lfd);
	close(epfd);
	if (logfd != -1)
		close(logfd);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: http-target [-4|-6] [-p port] [-l logfile] "
	    "[-r readyfile] [-n maxconn]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 evs[NEVENTS], ev;
	struct sigaction	 sa;
	struct rlimit		 rl;
	sigset_t		 block, waitmask;
	union peer		 addr;
	socklen_t		 alen = sizeof(addr);
	const char		*logpath = NULL, *ready = NULL;
	char			*ep;
	long			 v;
	int			 ch, i, n, family = AF_INET, port = 0;

	while ((ch = getopt(argc, argv, "46l:n:p:r:")) != -1) {
		switch (ch) {
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'n':
			v = strtol(optarg, &ep, 10);
			if (*optarg == '\0' || *ep != '\0' || v < 1)
				usage();
			maxconn = (size_t)v;
			break;
		case 'p':
			v = strtol(optarg, &ep, 10);
			if (*optarg == '\0' || *ep != '\0' || v < 0 ||
			    v > 65535)
				usage();
			port = (int)v;
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			warn("setrlimit");
	}
	if (maxconn == 0) {
		maxconn = 1024;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 64)
			maxconn = (size_t)rl.rlim_cur - 32;
	}
	memset(xbytes, 'x', sizeof(xbytes));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onterm;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* the signals are only taken inside epoll_pwait: no lost wake-up */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	if (logpath != NULL && (logfd = open(logpath,
	    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) == -1)
		err(1, "%s", logpath);
	lfd = listen_on(family, port);
	if (getsockname(lfd, &addr.sa, &alen) == -1)
		err(1, "getsockname");
	port = ntohs(family == AF_INET6 ? addr.sin6.sin6_port :
	    addr.sin.sin_port);
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLET;
	ev.data.ptr = NULL;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) == -1)
		err(1, "epoll_ctl");
	if (ready != NULL)
		write_ready(ready, port);
	printf("ready: %d\n", port);
	fflush(stdout);

	while (!stop) {
		n = epoll_pwait(epfd, evs, NEVENTS, next_timeout(), &waitmask);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_pwait");
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				accept_conns();
			else
				conn_event(evs[i].data.ptr, evs[i].events);
		}
		run_timers();
		if (accept_paused && nconn < maxconn)
			accept_conns();
	}
	printf("served: %llu\n", served);
	fflush(stdout);
	cleanup();
	return 0;
}
