/*
 * cron-scheduler: the daemon that claims and runs due jobs (SPEC §7).
 * One loop: run the duties that are due (housekeep.c: claim, lease, mail,
 * purges), drive the HTTP transfers (run.c, one libcurl multi handle),
 * tell systemd we are alive, then wait in curl_multi_poll until a socket
 * is ready, the next duty is due or a signal arrives (a signalfd), at
 * most a second.  Signals stay blocked, so none interrupts a transfer or
 * a database call half-way.
 *
 * SIGTERM: no more claims or leases; transfers in flight may finish for
 * scheduler_drain_seconds, then the rest are handed back to the queue.
 */
#include "config.h"

#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "keyring.h"
#include "log.h"
#include "sched.h"
#include "timefmt.h"
#include "xmalloc.h"

#define LOOP_MAX_SLEEP_MS	1000

static sigset_t	sched_sigset;
static int	sched_sigfd = -1;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: cron-scheduler [-dnv] [-f file]\n");
	exit(2);
}

int64_t
sched_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Sends one state line to systemd when $NOTIFY_SOCKET is set (sd_notify
 * without libsystemd; a leading '@' names an abstract socket).  Returns 0,
 * or -1 if it was set but the message could not be sent.
 */
static int
sched_notify(const char *msg)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun;
	socklen_t		 sl;
	size_t			 n;
	int			 fd, rc;

	if (path == NULL || *path == '\0')
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, sl) == (ssize_t)strlen(msg) ? 0 : -1;
	close(fd);
	return rc;
}

/*
 * Waits up to ms (0: only looks) for SIGTERM, SIGINT or SIGHUP and takes
 * every one pending, setting s->stop or s->reload.
 */
void
sched_signals(struct sched *s, int64_t ms)
{
	struct timespec	ts;
	int		sig;

	if (ms < 0)
		ms = 0;
	for (;;) {
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000;
		if ((sig = sigtimedwait(&sched_sigset, NULL, &ts)) <= 0)
			return;
		if (sig == SIGHUP)
			s->reload = 1;
		else if (!s->stop) {
			log_info("%s: stopping after the current work",
			    sig == SIGINT ? "SIGINT" : "SIGTERM");
			(void)sched_notify("STOPPING=1");
			s->stop = 1;
		}
		ms = 0;
	}
}

/* Writes a fresh lease owner token (instance:counter) into buf. */
void
sched_claim_token(struct sched *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%lu", s->instance, ++s->claims);
}

/*
 * Loads and checks the configuration at path into c.  Returns 0 (c owns
 * its strings), or -1 with the reason in err (c holds nothing).
 */
static int
sched_conf_load(struct cron_conf *c, const char *path, char *err,
    size_t errlen)
{
	char	why[256];

	if (conf_load(c, path, err, errlen) == -1) {
		conf_free(c);
		return -1;
	}
	if (sched_mail_check(c, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		conf_free(c);
		return -1;
	}
	return 0;
}

/* Replaces the keyring with the one in its file; -1 (old one kept) on error. */
static int
keyring_reload(struct sched *s, const char *path)
{
	struct cron_keyring	*k;
	char			 err[256];

	if ((k = cron_keyring_load(path, err, sizeof(err))) == NULL) {
		log_warnx("keyring: %s; keeping the keys already loaded", err);
		return -1;
	}
	cron_keyring_free(s->keyring);
	s->keyring = k;
	return 0;
}

/*
 * Makes sure key version v is loaded: after cron-admin keys rotate the
 * file has a key this process has not seen, so it rereads the file (at
 * most every 10 s, so a value sealed with a pruned key does not make it
 * read the file for every request).
 */
void
sched_keyring_fresh(struct sched *s, int v)
{
	static int64_t	last = -1;
	int64_t		now = sched_mono_ms();

	if (cron_keyring_has(s->keyring, v) ||
	    (last != -1 && now - last < 10000))
		return;
	last = now;
	if (keyring_reload(s, s->conf->keyring_file) == 0)
		log_info("keyring: reread %s for key v%d (%s)",
		    s->conf->keyring_file, v, cron_keyring_has(s->keyring, v) ?
		    "found" : "still missing");
}

/* SIGHUP: rereads the file; an invalid one leaves the old in force. */
static void
sched_reload(struct sched *s)
{
	struct cron_conf	*nc;
	char			 err[512];

	s->reload = 0;
	nc = xcalloc(1, sizeof(*nc));
	if (sched_conf_load(nc, s->conf_file, err, sizeof(err)) == -1) {
		log_warnx("SIGHUP: %s; keeping the old configuration", err);
		free(nc);
		return;
	}
	if (keyring_reload(s, nc->keyring_file) == -1) {
		log_warnx("SIGHUP: keeping the old configuration");
		conf_free(nc);
		free(nc);
		return;
	}
	db_free(s->db);
	conf_free(s->conf);
	free(s->conf);
	s->conf = nc;
	s->db = db_new(nc, 0);
	log_info("SIGHUP: configuration and keyring reloaded from %s",
	    s->conf_file);
	sched_mail_log(nc);
}

/* Names this process for leases: host, pid and a random tag. */
static void
sched_instance(struct sched *s)
{
	char		host[256];
	unsigned	tag;

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	cron_random_bytes(&tag, sizeof(tag));
	snprintf(s->instance, sizeof(s->instance), "%.20s:%ld:%08x", host,
	    (long)getpid(), tag);
}

/*
 * Waits up to ms for a transfer's socket or a signal, then drives the
 * transfers and takes the signals.
 */
static void
sched_wait(struct sched *s, int64_t ms)
{
	struct curl_waitfd	w;

	memset(&w, 0, sizeof(w));
	w.fd = sched_sigfd;
	w.events = CURL_WAIT_POLLIN;
	if (ms < 0)
		ms = 0;
	/* the signalfd only wakes the poll: sigtimedwait takes the signals
	 * (reading them from the fd would consume them) */
	curl_multi_poll(s->multi, &w, 1, (int)ms, NULL);
	sched_signals(s, 0);
	sched_run_perform(s);
}

/* The main loop; returns when stopped and drained. */
static void
sched_loop(struct sched *s)
{
	int64_t	next, wait, drain_end = 0;
	int	ready = 0;
	int64_t	pinged = -1000000;

	for (;;) {
		next = sched_housekeep(s);
		if (!ready) {
			ready = 1;
			if (!db_connected(s->db))
				log_warnx("database not reachable yet; "
				    "retrying");
			log_info("ready: cron-scheduler");
			if (sched_notify("READY=1") == -1)
				log_warn("NOTIFY_SOCKET: cannot send READY=1");
		}
		/* the loop turns many times a second; systemd needs a ping
		 * well within WatchdogSec, not one per turn */
		if (sched_mono_ms() - pinged >= 1000) {
			(void)sched_notify("WATCHDOG=1");
			pinged = sched_mono_ms();
		}
		if (s->reload)
			sched_reload(s);
		if (s->stop) {
			if (drain_end == 0) {
				drain_end = sched_mono_ms() +
				    s->conf->scheduler_drain_seconds * 1000LL;
				if (s->inflight > 0)
					log_info("waiting up to %d s for %d "
					    "request%s in flight",
					    s->conf->scheduler_drain_seconds,
					    s->inflight, s->inflight == 1 ?
					    "" : "s");
			}
			if ((s->inflight == 0 && s->nnotices == 0) ||
			    sched_mono_ms() >= drain_end) {
				sched_run_release(s);
				sched_notify_release(s);
				break;
			}
			next = drain_end;
		}
		wait = next - sched_mono_ms();
		sched_wait(s, wait > LOOP_MAX_SLEEP_MS ? LOOP_MAX_SLEEP_MS :
		    wait);
	}
}

int
main(int argc, char *argv[])
{
	struct sched	 s;
	const char	*file = NULL;
	char		 err[512];
	int		 ch, checkonly = 0, verbose = LOG_LEVEL_INFO;

	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd':
		case 'v':
			verbose = LOG_LEVEL_DEBUG;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("cron-scheduler", verbose);
	memset(&s, 0, sizeof(s));
	s.conf_file = conf_path(file);
	s.conf = xcalloc(1, sizeof(*s.conf));
	if (sched_conf_load(s.conf, s.conf_file, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (checkonly) {
		fprintf(stderr, "configuration OK\n");
		conf_free(s.conf);
		free(s.conf);
		return 0;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	sigemptyset(&sched_sigset);
	sigaddset(&sched_sigset, SIGTERM);
	sigaddset(&sched_sigset, SIGINT);
	sigaddset(&sched_sigset, SIGHUP);
	sigprocmask(SIG_BLOCK, &sched_sigset, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sched_sigfd = signalfd(-1, &sched_sigset, SFD_NONBLOCK |
	    SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	if ((s.keyring = cron_keyring_load(s.conf->keyring_file, err,
	    sizeof(err))) == NULL)
		fatalx("keyring: %s (make one with: cron-admin keys generate)",
		    err);
	if ((s.multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	curl_multi_setopt(s.multi, CURLMOPT_MAXCONNECTS,
	    (long)s.conf->scheduler_max_inflight);
	sched_instance(&s);
	s.started_at = cron_now_ms();
	s.db = db_new(s.conf, 0);
	(void)db_connect(s.db);	/* failure is retried by each duty */
	log_info("starting as %s", s.instance);
	sched_mail_log(s.conf);
	sched_loop(&s);
	sched_instance_gone(&s);
	curl_multi_cleanup(s.multi);
	cron_keyring_free(s.keyring);
	close(sched_sigfd);
	db_free(s.db);
	conf_free(s.conf);
	free(s.conf);
	curl_global_cleanup();
	log_info("stopped");
	return 0;
}
