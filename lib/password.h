/* Password hashing with scrypt (libscrypt), stored in libscrypt's MCF form. */
#ifndef CRON_PASSWORD_H
#define CRON_PASSWORD_H

#define CRON_PASSWORD_MAXLEN	1024	/* longest password, in bytes */
#define CRON_SCRYPT_MAX_LOG2_N	24
#define CRON_SCRYPT_MAX_MEM	(1UL << 30)	/* 128 * r * N bytes */

/* Cost parameters: N = 2^log2_n, block size r, parallelism p. */
struct cron_scrypt {
	int	log2_n;
	int	r;
	int	p;
};

int	 cron_scrypt_valid(const struct cron_scrypt *);
char	*cron_password_hash(const char *, const struct cron_scrypt *);
int	 cron_password_verify(const char *, const char *);
int	 cron_password_needs_rehash(const char *, const struct cron_scrypt *);
void	 cron_password_dummy_verify(const struct cron_scrypt *);

#endif
