/*
 * njson: JSON written byte for byte as Go's encoding/json (Go 1.19, which
 * Alertmanager 0.25 is built with) writes it, for the integrations whose
 * payloads are Go structs marshalled by json.Marshal / json.Encoder:
 *  - strings: `<`, `>`, `&` as \u003c \u003e \u0026 (HTML escaping is on
 *    by default), `"` and `\` escaped, \n \r \t, other control bytes as
 *    \u00XX (Go 1.19 has no \b or \f), U+2028 and U+2029 as \u2028
 *    \u2029, invalid UTF-8 as \ufffd; everything else raw (DEL too);
 *  - map[string]string: keys sorted bytewise;
 *  - time.Time: RFC 3339 with nanoseconds, trailing zeros dropped.
 * Appends to a struct buf (sized by the caller's cap).  Thread: any.
 */
#ifndef ALERTD_NOTIFIERS_NJSON_H
#define ALERTD_NOTIFIERS_NJSON_H

#include <stddef.h>

#include "alertd/timeutil.h"

struct buf;
struct labels;
struct notify_ctx;

void	njson_string(struct buf *b, const char *s, size_t len);
void	njson_str(struct buf *b, const char *s);	/* NUL-terminated */
/* A label set as a JSON object (model.LabelSet, template.KV). */
void	njson_labels(struct buf *b, const struct labels *ls);
/* A time.Time as a JSON string; AD_TIME_ZERO is "0001-01-01T00:00:00Z". */
void	njson_time(struct buf *b, ad_time_t t);
/* Go's regexp.QuoteMeta, then as a JSON string. */
void	njson_quotemeta(struct buf *b, const char *s);
/*
 * The fields of webhook.Message's template.Data for ctx's alerts[0..n),
 * of which the first `shown` are written in "alerts": `{"receiver":...,
 * "status","alerts","groupLabels","commonLabels","commonAnnotations",
 * "externalURL"` without the closing brace (the webhook and incident.io
 * add their own fields).  Times in the UTC offset the client posted.
 */
void	njson_webhook_data(struct buf *b, const struct notify_ctx *ctx,
	    size_t n, size_t shown);

#endif
