/* Allocation wrappers: out of memory is fatal (git wrapper.c). */
#ifndef CRON_XMALLOC_H
#define CRON_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	 xfreezero(void *, size_t);

#endif
