/*
 * ad_err and ad_errs: error detail for fallible functions (see err.h).
 */
#include "alertd/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/xmalloc.h"

int
ad_err_set(struct ad_err *err, enum ad_errcode code, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return -1;
	err->code = code;
	err->where[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ad_err_setw(struct ad_err *err, enum ad_errcode code, const char *where,
    const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return -1;
	err->code = code;
	snprintf(err->where, sizeof(err->where), "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
ad_err_prefix(struct ad_err *err, const char *fmt, ...)
{
	char	prefix[256], old[sizeof(err->msg)];
	va_list	ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
}

void
ad_err_clear(struct ad_err *err)
{
	if (err == NULL)
		return;
	err->code = AD_OK;
	err->where[0] = '\0';
	err->msg[0] = '\0';
}

void
ad_errs_init(struct ad_errs *e)
{
	e->v = NULL;
	e->n = e->alloc = 0;
}

void
ad_errs_release(struct ad_errs *e)
{
	free(e->v);
	ad_errs_init(e);
}

void
ad_errs_add(struct ad_errs *e, const struct ad_err *err)
{
	if (e->n == e->alloc) {
		e->alloc = e->alloc ? e->alloc * 2 : 8;
		e->v = xreallocarray(e->v, e->alloc, sizeof(*e->v));
	}
	e->v[e->n++] = *err;
}

int
ad_errs_addf(struct ad_errs *e, enum ad_errcode code, const char *where,
    const char *fmt, ...)
{
	struct ad_err	err;
	va_list		ap;

	err.code = code;
	snprintf(err.where, sizeof(err.where), "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	ad_errs_add(e, &err);
	return -1;
}
