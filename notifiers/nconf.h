/*
 * nconf: helpers for the configuration half of the integration files
 * (notifiers/<name>.c): the common fields every conf struct starts with,
 * and small checks.  Only integration files include it.
 * Thread: the loading thread.
 */
#ifndef ALERTD_NOTIFIERS_NCONF_H
#define ALERTD_NOTIFIERS_NCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "config/decode.h"
#include "notifiers/notifier.h"

/* send_resolved (NotifierConfig, inlined first in every Go struct). */
#define NCONF_SEND_RESOLVED(st, d)					\
	CF_FI("send_resolved", CF_BOOL, 0, st, base.send_resolved, (d))
/* http_config: global's copy when unset. */
#define NCONF_HTTP(st)							\
	CF_FO("http_config", CF_PTR, CF_OMITEMPTY, st, base.http,	\
	    &config_http_obj)
/* A field added after Alertmanager 0.25. */
#define NCONF_NEWER(k, t, fl, st, m, ver)				\
	{ .key = (k), .type = (t), .flags = (fl) | CF_NEWER,		\
	  .off = offsetof(st, m), .since = (ver) }

/* Non-empty string. */
bool	nconf_nz(const char *s);
/* *dst = copy of src when *dst is NULL; returns whether *dst is set. */
bool	nconf_default(char **dst, const char *src);
/* Appends "/" to a URL's path unless it ends with one (Alertmanager does
 * for the OpsGenie, WeChat and VictorOps API URLs). */
void	nconf_url_slash(char **url);
/* A copy of a *_file setting (path and data) into an empty one. */
void	nconf_file_default(struct config_file *dst,
	    const struct config_file *src);

#endif
