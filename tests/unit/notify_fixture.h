/*
 * What the notifier unit tests that replay recorded captures share
 * (check_webhook/slack/email): a capture's config with its port
 * placeholder filled in, and the alerts of one group of a capture's
 * alerts file as the dispatcher holds them at `now` (firing ones with a
 * zero endsAt).  Failures are Check assertions.
 */
#ifndef ALERTD_TESTS_NOTIFY_FIXTURE_H
#define ALERTD_TESTS_NOTIFY_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "alertd/timeutil.h"

struct alert;
struct config;
struct labels;

/* The file's bytes, NUL-terminated (len, if not NULL, gets the size). */
char		*nfix_slurp(const char *path, size_t *len);
/* path's YAML with every `placeholder` replaced by `port`, loaded. */
struct config	*nfix_capture_config(const char *path,
		    const char *placeholder, const char *port);
/* A JSON object of strings as a label set. */
struct labels	*nfix_labels_of(json_t *obj);
/* An RFC 3339 member of o; AD_TIME_ZERO when absent. */
ad_time_t	 nfix_time_of(json_t *o, const char *key);
/* The alerts of file whose alertname is `alertname` (starts with it when
 * prefix); returns how many were put in out. */
size_t		 nfix_load_alerts(const char *file, const char *alertname,
		    bool prefix, ad_time_t now, struct alert **out);

#endif
