/*
 * api_gofmt: the Go library behaviours that decide whether Alertmanager's
 * API accepts a value, reproduced so that alertd accepts and rejects the
 * same inputs with the same messages:
 *
 *   - go-openapi strfmt.ParseDateTime (startsAt, endsAt): ten layouts
 *     tried in turn with Go's time.Parse; "" is the Unix epoch (a quirk
 *     kept: Alertmanager stores 1970-01-01 for "startsAt": "");
 *   - net/url.ParseRequestURI (the "uri" format of generatorURL);
 *   - strfmt.DateTime's output format with the time's own UTC offset.
 *
 * Thread: any (pure functions).
 */
#ifndef ALERTD_ALERTD_API_GOFMT_H
#define ALERTD_ALERTD_API_GOFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct buf;

/*
 * strfmt.ParseDateTime(s).  On success sets *t (AD_TIME_ZERO for Go's
 * zero instant) and *off (the UTC offset written, in seconds) and returns
 * 0.  On failure appends Go's error text (the last layout's time.Parse
 * error, e.g. `parsing time "x" as "2006-01-02 15:04:05": cannot parse
 * "x" as "2006"`) to msg and returns -1.  Instants outside ad_time_t's
 * range (1678-2262) fail with a message of alertd's.
 */
int	api_go_parse_datetime(const char *s, size_t len, ad_time_t *t,
	    int32_t *off, struct buf *msg);
/*
 * The same, but an instant outside ad_time_t's range saturates to the
 * nearest one it holds instead of failing (silences: Alertmanager accepts
 * "endsAt": "9999-12-31T23:59:59Z", a silence meant to last forever, and
 * so does alertd, storing the last instant it can hold).
 */
int	api_go_parse_datetime_sat(const char *s, size_t len, ad_time_t *t,
	    int32_t *off, struct buf *msg);
/*
 * The Unix seconds and nanoseconds of a non-empty s that
 * api_go_parse_datetime* accepts, without range limits (for what
 * Alertmanager does with instants alertd cannot hold); else -1.
 */
int	api_go_datetime_unix(const char *s, size_t len, int64_t *sec,
	    int32_t *nsec);

/* govalidator.IsRequestURI: url.ParseRequestURI(s) succeeds. */
bool	api_go_request_uri_valid(const char *s, size_t len);

#define API_GO_TIME_MAX	40
/* strfmt.DateTime.String(): "2006-01-02T15:04:05.000Z07:00" at offset off. */
char	*api_go_format_datetime(ad_time_t t, int32_t off,
	    char out[API_GO_TIME_MAX]);

#endif
