/*
 * xmalloc: allocation that never returns NULL.
 *
 * An allocation failure logs one line and aborts (Redis zmalloc, OpenSMTPD
 * xmalloc): alertd cannot do anything sensible without memory, and callers
 * stay free of NULL checks.  Thread: any.
 */
#ifndef ALERTD_ALERTD_XMALLOC_H
#define ALERTD_ALERTD_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *ptr, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* Returns a newly allocated string. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Duplicates n bytes into a new buffer (not NUL-terminated unless s was). */
void	*xmemdup(const void *s, size_t n);

#endif
