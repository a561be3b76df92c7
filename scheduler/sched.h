/*
 * cron-scheduler: the daemon that polls MariaDB for due work (SPEC §7).
 * One internal header; prototypes grouped by source file.
 */
#ifndef CRON_SCHED_H
#define CRON_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

struct cron_conf;
struct cron_keyring;
struct db;
struct outcome;
struct run;
struct notice;

/*
 * The head of every transfer's private data (CURLOPT_PRIVATE and the
 * connect guard's argument): what it is, and whether the guard refused
 * its address.
 */
enum xfer_kind { XFER_RUN = 1, XFER_NOTICE };
struct xfer {
	enum xfer_kind	 kind;
	struct sched	*s;
	int		 blocked;
};

/* The housekeeping duties, in the order each loop pass runs them. */
enum sched_duty {
	SCHED_DUTY_CLAIM,
	SCHED_DUTY_LEASE,
	SCHED_DUTY_NOTIFY,
	SCHED_DUTY_MAIL,
	SCHED_DUTY_PROMOTE,
	SCHED_DUTY_RATE_PURGE,
	SCHED_DUTY_HISTORY_PURGE,
	SCHED_DUTY_HEARTBEAT,
	SCHED_DUTY__MAX
};

/* The daemon's state: one per process. */
struct sched {
	struct cron_conf	*conf;		/* owned, new on SIGHUP */
	struct db		*db;		/* owned; made from conf */
	const char		*conf_file;
	char			 instance[48];	/* host:pid:tag */
	int64_t			 started_at;	/* wall clock ms */
	unsigned long		 claims;	/* tokens handed out */
	int			 stop;		/* SIGTERM/SIGINT seen */
	int			 reload;	/* SIGHUP seen */
	int64_t			 due[SCHED_DUTY__MAX];	/* mono ms */
	int			 fails[SCHED_DUTY__MAX];
	struct cron_keyring	*keyring;	/* secrets, loaded at start */
	void			*multi;		/* CURLM: every transfer */
	struct run		*runs;		/* executions in flight */
	int			 inflight;
	struct outcome		*unsaved;	/* outcomes to record when
						   the database is back */
	size_t			 nunsaved, unsavedcap;
	struct notice		*notices;	/* notifications in flight */
	int			 nnotices;
};

/* main.c */
int64_t	sched_mono_ms(void);
void	sched_signals(struct sched *, int64_t);
void	sched_claim_token(struct sched *, char *, size_t);
void	sched_keyring_fresh(struct sched *, int);

/* claim.c */
int	sched_claim_run(struct sched *);
int64_t	sched_claim_next(struct sched *, int64_t);

/* run.c */
int	sched_run_lease(struct sched *);
void	sched_run_perform(struct sched *);
void	sched_run_release(struct sched *);
int	sched_run_purge(struct sched *);
curl_socket_t	sched_open_socket(void *, curlsocktype, struct curl_sockaddr *);

/* notify.c */
int	sched_notify_run(struct sched *);
void	sched_notify_done(struct sched *, struct notice *, CURLcode);
void	sched_notify_release(struct sched *);

/* instance.c */
int	sched_instance_beat(struct sched *);
void	sched_instance_gone(struct sched *);

/* housekeep.c */
int64_t	sched_housekeep(struct sched *);

/* mail.c */
int	sched_mail_check(const struct cron_conf *, char *, size_t);
void	sched_mail_log(const struct cron_conf *);
int	sched_mail_run(struct sched *);

#endif
