/*
 * The prefork pool: a master process holds the listening socket, forks N
 * workers that each run the libfcgi accept loop, replaces a worker that
 * dies (rate-limited), and on SIGTERM drains: idle workers leave at once,
 * busy ones finish their request first.  bench/ builds its minimal
 * responder from this same file.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "log.h"
#include "xmalloc.h"

#define RESTART_WINDOW_MS	10000	/* crash restarts counted over this */
#define RESEND_MS		200	/* SIGTERM re-sent while draining */

struct slot {
	pid_t	 pid;		/* 0: not running */
	int64_t	 restart_at;	/* ms (monotonic) when to start it again */
};

static volatile sig_atomic_t	 w_stop;

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Returns a listening FastCGI socket: spec is a UNIX socket path or
 * [HOST]:PORT; with spec NULL, fd 0 must already be a listening socket
 * (spawn-fcgi, systemd StandardInput=socket).  Returns -1 on error.
 */
int
api_listen(const char *spec, int backlog)
{
	int		 fd, type, acc;
	socklen_t	 len;

	if (spec != NULL) {
		if (strchr(spec, '/') != NULL)
			(void)unlink(spec);	/* a stale socket from a crash */
		if ((fd = FCGX_OpenSocket(spec, backlog)) < 0)
			log_warnx("cannot listen on %s", spec);
		return fd < 0 ? -1 : fd;
	}
	len = sizeof(type);
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM) {
		log_warnx("no --listen given and fd 0 is not a stream socket");
		return -1;
	}
	len = sizeof(acc);
	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == -1 ||
	    !acc) {
		log_warnx("fd 0 is a socket but not listening");
		return -1;
	}
	return 0;
}

static void
w_onterm(int sig)
{
	(void)sig;
	w_stop = 1;
	FCGX_ShutdownPending();
}

/*
 * A worker: accept and handle requests until told to stop or until it has
 * served max_requests.  SIGTERM is blocked while a request is handled, so
 * it only ever interrupts accept(), never a request.  Does not return.
 */
static void __attribute__((noreturn))
worker_main(const struct api_pool *p, pid_t master)
{
	FCGX_Request		 req;
	struct sigaction	 sa;
	sigset_t		 term, none;
	long			 n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = w_onterm;	/* no SA_RESTART: accept gets EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master)
		exit(0);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (p->worker_init != NULL)
		p->worker_init(p->arg);
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&req, p->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		fatalx("FCGX_Init failed");
	for (n = 0; !w_stop && (p->max_requests == 0 || n < p->max_requests);
	    n++) {
		if (FCGX_Accept_r(&req) < 0) {
			if (w_stop)
				break;
			log_warnx("accept failed");
			usleep(100000);	/* never spin on a broken socket */
			continue;
		}
		sigprocmask(SIG_BLOCK, &term, NULL);
		p->handle(&req, p->arg);
		FCGX_Finish_r(&req);
		sigprocmask(SIG_UNBLOCK, &term, NULL);
	}
	FCGX_Free(&req, 0);
	if (p->worker_fini != NULL)
		p->worker_fini(p->arg);
	log_debug("worker exiting after %ld requests", n);
	exit(0);
}

/* Forks a worker into slot s; returns 0, or -1 if fork failed. */
static int
spawn(const struct api_pool *p, struct slot *s, const sigset_t *oldmask)
{
	pid_t	pid, master = getpid();

	if ((pid = fork()) == -1) {
		log_warn("fork");
		s->restart_at = mono_ms() + 1000;
		return -1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		worker_main(p, master);
	}
	s->pid = pid;
	s->restart_at = 0;
	return 0;
}

/*
 * Reaps exited workers.  Unless draining, schedules each slot's restart:
 * at once for a worker that exited cleanly (recycled), after a delay when
 * crashes come faster than the pool size per window.
 */
static void
reap(const struct api_pool *p, struct slot *slots, int64_t *crashes,
    int draining)
{
	pid_t	pid;
	int	status, i, j, recent;
	int64_t	now = mono_ms();

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < p->workers && slots[i].pid != pid; i++)
			;
		if (i == p->workers)
			continue;
		slots[i].pid = 0;
		if (draining)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			slots[i].restart_at = now;
			continue;
		}
		if (WIFSIGNALED(status))
			log_warnx("worker %ld killed by signal %d",
			    (long)pid, WTERMSIG(status));
		else
			log_warnx("worker %ld exited with status %d",
			    (long)pid, WEXITSTATUS(status));
		for (j = 0, recent = 0; j < p->workers * 2; j++)
			if (crashes[j] > now - RESTART_WINDOW_MS)
				recent++;
		memmove(crashes + 1, crashes,
		    sizeof(*crashes) * (size_t)(p->workers * 2 - 1));
		crashes[0] = now;
		slots[i].restart_at = recent >= p->workers * 2 - 1 ?
		    now + 1000 : now;
		if (recent >= p->workers * 2 - 1)
			log_warnx("workers are crashing fast; "
			    "delaying restart by 1s");
	}
}

/* Signals every live worker with sig. */
static void
broadcast(const struct api_pool *p, struct slot *slots, int sig)
{
	int	i;

	for (i = 0; i < p->workers; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, sig);
}

static int
alive(const struct api_pool *p, const struct slot *slots)
{
	int	i, n = 0;

	for (i = 0; i < p->workers; i++)
		n += slots[i].pid > 0;
	return n;
}

/* Waits up to ms for one of the blocked signals; returns it or 0. */
static int
wait_signal(const sigset_t *set, int64_t ms)
{
	struct timespec	ts;
	int		sig;

	if (ms < 0)
		ms = 0;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	sig = sigtimedwait(set, NULL, &ts);
	return sig < 0 ? 0 : sig;
}

/* Stops the pool: lets busy workers finish within drain_seconds. */
static void
drain(const struct api_pool *p, struct slot *slots, const sigset_t *set,
    int64_t *crashes)
{
	int64_t	deadline = mono_ms() + (int64_t)p->drain_seconds * 1000;

	log_info("draining %d workers", alive(p, slots));
	broadcast(p, slots, SIGTERM);
	while (alive(p, slots) > 0 && mono_ms() < deadline) {
		(void)wait_signal(set, RESEND_MS);
		reap(p, slots, crashes, 1);
		broadcast(p, slots, SIGTERM);	/* one racing into accept() */
	}
	if (alive(p, slots) > 0) {
		log_warnx("drain timeout: killing %d workers",
		    alive(p, slots));
		broadcast(p, slots, SIGKILL);
		while (alive(p, slots) > 0 && waitpid(-1, NULL, 0) > 0)
			reap(p, slots, crashes, 1);
		memset(slots, 0, sizeof(*slots) * (size_t)p->workers);
	}
}

/*
 * Runs the master loop until SIGTERM or SIGINT, then drains.  Returns the
 * process exit status (0 after a clean drain).
 */
int
api_pool_run(const struct api_pool *p)
{
	struct slot	*slots;
	int64_t		*crashes, now, next;
	sigset_t	 set, oldmask;
	int		 i, sig;

	slots = xcalloc((size_t)p->workers, sizeof(*slots));
	crashes = xcalloc((size_t)p->workers * 2, sizeof(*crashes));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &oldmask);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < p->workers; i++)
		(void)spawn(p, &slots[i], &oldmask);
	log_info("ready: %d workers", p->workers);
	for (;;) {
		now = mono_ms();
		next = now + 1000;
		for (i = 0; i < p->workers; i++) {
			if (slots[i].pid != 0)
				continue;
			if (slots[i].restart_at <= now)
				(void)spawn(p, &slots[i], &oldmask);
			else if (slots[i].restart_at < next)
				next = slots[i].restart_at;
		}
		sig = wait_signal(&set, next - now);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			log_info("SIGHUP ignored by the master; "
			    "restart cron-api to reread the config");
		reap(p, slots, crashes, 0);
	}
	drain(p, slots, &set, crashes);
	log_info("stopped");
	free(slots);
	free(crashes);
	return 0;
}
