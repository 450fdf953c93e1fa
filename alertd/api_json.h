/*
 * api_json: JSON codecs of API v2 alerts, shared by the daemon and the CLI.
 *
 * Decoding reproduces what Alertmanager 0.25's go-swagger server does with
 * a POST /api/v2/alerts body, so that alertd accepts, rejects and words
 * errors the same way:
 *   1. json.Decoder reads the first JSON value (anything after it is
 *      ignored); a syntax error or a truncated value is a 400 "parsing
 *      alerts body from \"\" failed, because <Go's message>", an empty
 *      body a 422 (code 602) "alerts in body is required";
 *   2. encoding/json decodes it into PostableAlerts: keys match fields
 *      case-insensitively, duplicate keys merge (maps) or overwrite,
 *      invalid UTF-8 becomes U+FFFD, a wrong type is a 400 with Go's
 *      "json: cannot unmarshal ..." message;
 *   3. go-swagger validates: a missing labels map is a 422 (602)
 *      "<i>.labels in body is required", a generatorURL that
 *      url.ParseRequestURI rejects a 422 (601).
 * The semantic checks (types.Alert.Validate, limits) are the API's.
 * The decoder is a hand-written single pass over the body with no
 * recursion (nesting is bounded by Go's limit of 10000 levels anyway);
 * strings without escapes are not copied until the label set is built.
 *
 * Encoding writes Go's encoding/json output: HTML characters escaped as
 * \u003c, invalid UTF-8 as \ufffd, map keys sorted, times as strfmt
 * prints them, fields in go-swagger's order.
 *
 * Thread: any.
 */
#ifndef ALERTD_ALERTD_API_JSON_H
#define ALERTD_ALERTD_API_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct alert;
struct alert_status;
struct buf;
struct labels;

/* One element of a PostableAlerts array as go-swagger binds it. */
struct api_postable_alert {
	struct labels	*labels;	/* NULL: absent or null */
	struct labels	*annotations;	/* NULL: absent or null */
	const char	*generator_url;	/* never NULL; "" when unset; owned
					 * by the api_postable_alerts */
	size_t		 generator_url_len;
	ad_time_t	 starts_at;	/* AD_TIME_ZERO when unset */
	ad_time_t	 ends_at;
	int32_t		 starts_off;	/* UTC offsets as written */
	int32_t		 ends_off;
	bool		 nul_byte;	/* a label or annotation held U+0000 */
};

struct api_postable_alerts {
	struct api_postable_alert	*v;
	size_t				 n;
	void				*arena;	/* strings of v */
};

/* Why a body was rejected, as go-swagger serves it. */
struct api_json_err {
	int	 status;	/* HTTP status: 400, 413, 422 */
	int	 code;		/* the body's "code": 400, 413, 601, 602 */
	char	*msg;		/* owned; NULL when no error */
};

void	api_json_err_release(struct api_json_err *e);

/*
 * Decodes a POST /api/v2/alerts body.  max_alerts bounds the array (0:
 * no bound; more is a 413).  On success fills out (release it with
 * api_postable_alerts_release) and returns 0; else fills err and returns
 * -1, out empty.
 */
int	api_json_decode_alerts(const char *body, size_t len, size_t max_alerts,
	    struct api_postable_alerts *out, struct api_json_err *err);
void	api_postable_alerts_release(struct api_postable_alerts *pa);

/*
 * A JSON string as Go's encoding/json writes it: json.Marshal escapes
 * <, > and & (api_json_string: go-openapi error bodies and the models with
 * their own MarshalJSON, gettableAlert among them); go-openapi's
 * producer, an Encoder with SetEscapeHTML(false), does not
 * (api_json_string_noesc: plain payloads such as strings, receivers,
 * status).  Both escape U+2028, U+2029 and write invalid UTF-8 as \ufffd.
 */
void	api_json_string(struct buf *out, const char *s, size_t len);
void	api_json_string_noesc(struct buf *out, const char *s, size_t len);
/* A label set as a JSON object, keys in byte order. */
void	api_json_labels(struct buf *out, const struct labels *ls);
/* A time as strfmt.DateTime marshals it, quoted. */
void	api_json_time(struct buf *out, ad_time_t t, int32_t off);
/*
 * One gettableAlert: annotations, endsAt, fingerprint, receivers,
 * startsAt, status (inhibitedBy, mutedBy, silencedBy, state), updatedAt,
 * generatorURL (omitted when empty), labels.  All but the receivers and
 * the status is encoded once per alert and kept on it (alert_memo.h):
 * the alert must not change after its first encoding (stored alerts
 * never do).
 */
void	api_json_alert(struct buf *out, const struct alert *a,
	    const struct alert_status *st, const char *const *receivers,
	    size_t n_receivers);
/*
 * The alert's JSON without receivers and status, and its sort keys, from
 * its memo (built on first use).
 */
struct alert_json;
const struct alert_json *api_json_memo(const struct alert *a);
/* The receivers array's contents: {"name":"a"},{"name":"b"}. */
void	api_json_receivers(struct buf *out, const char *const *receivers,
	    size_t n_receivers);
/* api_json_alert with the receivers already encoded (rcv_json). */
void	api_json_alert_rcv(struct buf *out, const struct alert *a,
	    const struct alert_status *st, const char *rcv_json,
	    size_t rcv_len);
/* go-openapi's error body: {"code":N,"message":"..."} (no newline). */
void	api_json_error(struct buf *out, int code, const char *msg);

#endif
