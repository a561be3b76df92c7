/*
 * Notification messages (SPEC §8): what each channel type is sent, built
 * from one description of the event.  Pure: no I/O, no clock, no curl;
 * cron-scheduler makes the requests (scheduler/notify.c) and the mail.
 */
#ifndef CRON_NOTIFY_H
#define CRON_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

/*
 * What a message is about.  A test message reads only type, message_id,
 * timestamp and channel_name.
 */
struct cron_notice {
	const char	*type;		/* "execution.succeeded",
					   "execution.failed" or "test" */
	const char	*message_id;	/* webhook-id; same on every retry */
	int64_t		 timestamp;	/* ms: when the message is built */
	const char	*channel_name;	/* the channel's (test messages) */
	const char	*job_id;	/* NULL for a test message */
	const char	*job_name;
	const char	*execution_id;
	const char	*status;	/* "succeeded" or "failed" */
	const char	*trigger;	/* schedule, run_now, replay, one_time */
	int64_t		 scheduled_for;	/* ms */
	int64_t		 finished_at;	/* ms; -1: none */
	long long	 duration_ms;	/* -1: none */
	int		 attempts;
	int		 status_code;	/* the last attempt's; -1: none */
	int		 latency_ms;	/* the last attempt's; -1: none */
	const char	*error_class;	/* the last attempt's; "" or NULL: none */
	const char	*output;	/* the last attempt's body preview (bytes,
					   maybe not UTF-8); NULL: none */
	size_t		 output_len;
};

#define CRON_NOTIFY_MAX_HEADERS	8

/* An HTTP POST to make; every string owned (cron_notify_req_free). */
struct cron_notify_req {
	char	*url;
	char	*body;				/* JSON text */
	size_t	 body_len;
	char	*headers[CRON_NOTIFY_MAX_HEADERS];	/* "Name: value" */
	int	 nheaders;
};

void	cron_notify_req_free(struct cron_notify_req *);

/*
 * The builders return 0, or -1 (the request left empty) for a NULL url,
 * a message id unfit for a header (signed webhooks), a bot token unfit
 * for a URL path or an empty chat_id (Telegram), and a bad secret.
 */

/*
 * The webhook payload (SPEC §8) with Content-Type: application/json,
 * webhook-id and webhook-timestamp (seconds) always, and signed per
 * Standard Webhooks when secret (whsec_ + base64 of 24..64 bytes) is not
 * NULL: webhook-signature "v1,<base64>".  Returns 0, or -1.
 */
int	cron_notify_webhook(const struct cron_notice *, const char *url,
	    const char *secret, struct cron_notify_req *);

/* Slack incoming webhook: text fallback + blocks; mention_text (may be
 * NULL) leads the text; include_output adds the output preview. */
int	cron_notify_slack(const struct cron_notice *, const char *url,
	    const char *mention_text, int include_output,
	    struct cron_notify_req *);

/* Discord webhook: one embed; thread_id (may be NULL) as ?thread_id=. */
int	cron_notify_discord(const struct cron_notice *, const char *url,
	    const char *thread_id, struct cron_notify_req *);

/* Telegram Bot API sendMessage (HTML) at api_base (no trailing slash,
 * e.g. https://api.telegram.org): url api_base/bot<token>/sendMessage. */
int	cron_notify_telegram(const struct cron_notice *, const char *api_base,
	    const char *bot_token, const char *chat_id,
	    struct cron_notify_req *);

/* An email: subject (UTF-8, one line: the mailer encodes it), plain text
 * and HTML, each owned (free). */
void	cron_notify_email(const struct cron_notice *, char **subject,
	    char **text, char **html);

/*
 * Standard Webhooks: 1 when secret is "whsec_" + standard base64 of 24 to
 * 64 bytes, else 0.  cron_webhook_sign writes "v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>" (NUL-terminated) into out; -1 for a bad secret or
 * a short buffer (64 bytes are enough).
 */
int	cron_webhook_secret_valid(const char *secret);
int	cron_webhook_sign(const char *secret, const char *id, long long ts,
	    const char *body, size_t len, char *out, size_t outlen);

#endif
