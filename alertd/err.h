/*
 * ad_err: the error detail that fallible functions fill in.
 *
 * Functions return 0 or -1 (pointers: NULL) and, when the caller passed a
 * non-NULL struct ad_err *, describe the failure there: a code that the
 * HTTP layer maps to a status, where it happened ("alertd.yml:14:7",
 * "route.routes[2].matchers[0]") and a message.  Messages are lowercase,
 * without a trailing period; quoted subjects use %q-style quotes.
 *
 * ad_errs is a growable list of ad_err for the places that report every
 * error at once (the config loader, alert batches).  Thread: any; an
 * ad_err belongs to its caller.
 */
#ifndef ALERTD_ALERTD_ERR_H
#define ALERTD_ALERTD_ERR_H

#include <stddef.h>

enum ad_errcode {
	AD_OK = 0,
	AD_EINVAL,		/* bad input: 400 */
	AD_ESCHEMA,		/* input violates the API schema: 422 */
	AD_ENOTFOUND,		/* 404 */
	AD_ECONFLICT,		/* 409 */
	AD_ELIMIT,		/* a configured limit: 413 or 400 */
	AD_EIO,			/* disk or network: 500 */
	AD_EINTERNAL		/* 500 */
};

struct ad_err {
	enum ad_errcode	code;
	char		where[256];
	char		msg[512];
};

/* Fill *err if err != NULL; always return -1, so: return ad_err_set(...). */
int	ad_err_set(struct ad_err *err, enum ad_errcode code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Same, also setting where. */
int	ad_err_setw(struct ad_err *err, enum ad_errcode code, const char *where,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Prefix the message with "prefix: " (for callers adding context). */
void	ad_err_prefix(struct ad_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	ad_err_clear(struct ad_err *err);

struct ad_errs {
	struct ad_err	*v;
	size_t		 n, alloc;
};

void	ad_errs_init(struct ad_errs *e);
void	ad_errs_release(struct ad_errs *e);
/* Appends a copy of *err. */
void	ad_errs_add(struct ad_errs *e, const struct ad_err *err);
/* Appends a new error; returns -1 like ad_err_set. */
int	ad_errs_addf(struct ad_errs *e, enum ad_errcode code, const char *where,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
