/*
 * incidentio: the incident.io integration (incidentio_configs,
 * Alertmanager 0.29).
 *
 * Configuration: upstream's IncidentioConfig: url or url_file (exactly
 * one), alert_source_token or alert_source_token_file (at most one, and
 * not with http_config.authorization; a receiver http_config without
 * authorization needs one of them), max_alerts, timeout; send_resolved
 * true.  The global http_config is inherited after these checks, as
 * upstream's Config.UnmarshalYAML does.
 *
 * Sending: notify/incidentio's Message as json.Encoder writes it: the
 * template data (as the webhook's: receiver through regexp.QuoteMeta,
 * status, alerts, groupLabels, commonLabels, commonAnnotations,
 * externalURL), then version "1", groupKey and truncatedAlerts.
 * max_alerts keeps the first alerts and counts the rest; a body over
 * 512 KiB keeps only its first alert (the group fields and the count
 * unchanged), as upstream's encodeMessage.  The token goes as
 * "Authorization: Bearer <token>", in place of http_config's
 * authorization; alert_source_token_file is read at load (upstream reads
 * it when it builds the notifier), url_file per notification ("read
 * url_file: ...").  The URL is redacted in errors and logs (RedactURL).
 * Answers: 2xx ok; 5xx and 429 retried; others fail; the message is
 * "unexpected status code N" followed by ": message: error: errors..."
 * from a JSON answer (upstream's errDetails), nothing else of the body.
 *
 * Departure: the template data is 0.25's (as the webhook's): 0.32 added
 * "notification_reason" and 0.34 "routeLabels", which alertd's
 * pipeline does not carry.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"
#include "routing/labels.h"

/* incident.io's limit on a payload (upstream's maxPayloadSize). */
#define IIO_MAX_PAYLOAD	(512 * 1024)

struct incidentio_conf {
	struct notifier_conf	 base;
	char			*url;
	struct config_file	 url_file;
	char			*alert_source_token;		/* secret */
	struct config_file	 alert_source_token_file;
	uint64_t		 max_alerts;
	ad_dur_t		 timeout;	/* 0: none */
};

#define I	struct incidentio_conf

static const struct config_field incidentio_fields[] = {
	NCONF_SEND_RESOLVED(I, 1),
	NCONF_HTTP(I),
	/* yaml:"url" and yaml:"url_file": no omitempty */
	CF_F("url", CF_URL, CF_NULLDUMP, I, url),
	CF_F("url_file", CF_FILE, 0, I, url_file),
	CF_F("alert_source_token", CF_SECRET, CF_OMITEMPTY, I,
	    alert_source_token),
	CF_F("alert_source_token_file", CF_FILE, CF_OMITEMPTY, I,
	    alert_source_token_file),
	CF_F("max_alerts", CF_UINT64, 0, I, max_alerts),
	CF_F("timeout", CF_GODUR, 0, I, timeout),
	CF_END
};

static int
incidentio_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct incidentio_conf	*c = conf;
	bool			 tok, auth;

	(void)g;
	if (c->url == NULL && !nconf_nz(c->url_file.path))
		return config_check_errf(chk, NULL, "one of url or url_file "
		    "must be configured");
	if (c->url != NULL && nconf_nz(c->url_file.path))
		return config_check_errf(chk, NULL, "at most one of url & "
		    "url_file must be configured");
	if (nconf_nz(c->alert_source_token) &&
	    nconf_nz(c->alert_source_token_file.path))
		return config_check_errf(chk, NULL, "at most one of "
		    "alert_source_token & alert_source_token_file must be "
		    "configured");
	/* the receiver's own http_config: the global one comes later */
	tok = nconf_nz(c->alert_source_token) ||
	    nconf_nz(c->alert_source_token_file.path);
	auth = c->base.http != NULL && c->base.http->authorization != NULL;
	if (auth && tok)
		return config_check_errf(chk, NULL, "cannot specify "
		    "alert_source_token or alert_source_token_file when using "
		    "http_config.authorization");
	if (c->base.http != NULL && !auth && !tok)
		return config_check_errf(chk, NULL, "at least one of "
		    "alert_source_token, alert_source_token_file or "
		    "http_config.authorization must be configured");
	return 0;
}

/* ------------------------------------------------------------ sending */

/*
 * The Message for alerts[0..n) (the data), of which the first `shown`
 * are written in "alerts".
 */
static void
iio_message(struct buf *b, const struct notify_ctx *ctx, size_t n,
    size_t shown, uint64_t truncated)
{
	njson_webhook_data(b, ctx, n, shown);
	buf_addstr(b, ",\"version\":\"1\",\"groupKey\":");
	njson_str(b, ctx->group_key);
	buf_addf(b, ",\"truncatedAlerts\":%llu}\n",
	    (unsigned long long)truncated);
}

static int
incidentio_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct incidentio_conf	*c = conf;
	const char			*tok = c->alert_source_token;
	char				*tok_read = NULL;
	size_t				 n = ctx->n_alerts;
	uint64_t			 truncated = 0;

	if (c->max_alerts != 0 && n > c->max_alerts) {
		truncated = n - c->max_alerts;
		n = (size_t)c->max_alerts;
	}
	iio_message(&req->body, ctx, n, n, truncated);
	if (buf_len(&req->body) > IIO_MAX_PAYLOAD && n > 1) {
		/* for most uses one alert per group is what incident.io
		 * needs: keep the first, as upstream does */
		buf_reset(&req->body);
		iio_message(&req->body, ctx, n, 1, truncated);
	}
	if (c->url != NULL) {
		req->url = xstrdup(c->url);
	} else {
		req->url = nsend_read_file(c->url_file.path, true, err);
		if (req->url == NULL) {
			ad_err_prefix(err, "read url_file");
			return -1;
		}
	}
	if (nconf_nz(c->alert_source_token_file.path)) {
		/* read at load; read now if the loader did not */
		tok = c->alert_source_token_file.data;
		if (tok == NULL) {
			tok_read = nsend_read_file(
			    c->alert_source_token_file.path, true, err);
			if (tok_read == NULL) {
				ad_err_prefix(err, "failed to read "
				    "alert_source_token_file");
				return -1;
			}
			tok = tok_read;
		}
	}
	req->url_is_secret = true;	/* notify.RedactURL */
	req->http = c->base.http;
	req->timeout = c->timeout;
	notify_req_add_header(req, "Content-Type: application/json");
	if (nconf_nz(tok))
		notify_req_add_header(req, "Authorization: Bearer %s", tok);
	free(tok_read);
	return 0;
}

/* A JSON string member of an errDetails answer into *out; false when it
 * is neither a string nor null (a Go decoding error). */
static bool
iio_str_member(json_t *v, const char **out)
{
	if (json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*out = json_string_value(v);
	return true;
}

static bool
iio_errors_member(json_t *v, struct buf *joined)
{
	json_t	*e;
	size_t	 i;

	if (json_is_null(v))
		return true;
	if (!json_is_array(v))
		return false;
	buf_reset(joined);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) && !json_is_null(e))
			return false;
		if (i > 0)
			buf_addstr(joined, ", ");
		if (json_is_string(e))
			buf_addstr(joined, json_string_value(e));
	}
	return true;
}

/*
 * Upstream's errDetails: the answer decoded as {message, error, errors}
 * (keys matched case-insensitively, as encoding/json does) into
 * "message: error: errors joined by ', '", the empty parts left out;
 * nothing when the answer does not decode.
 */
static void
iio_details(const struct notify_resp *r, struct buf *out)
{
	const char	*msg = "", *er = "", *key;
	struct buf	 errs;
	json_error_t	 je;
	json_t		*root, *v;
	bool		 ok = true;

	root = json_loadb(r->body, r->body_len, JSON_DECODE_ANY |
	    JSON_DISABLE_EOF_CHECK, &je);
	if (root == NULL || !(json_is_object(root) || json_is_null(root))) {
		json_decref(root);
		return;
	}
	buf_init(&errs, BUF_NOCAP);
	json_object_foreach(root, key, v) {
		if (strcasecmp(key, "message") == 0)
			ok = ok && iio_str_member(v, &msg);
		else if (strcasecmp(key, "error") == 0)
			ok = ok && iio_str_member(v, &er);
		else if (strcasecmp(key, "errors") == 0)
			ok = ok && iio_errors_member(v, &errs);
	}
	if (ok) {
		if (msg[0] != '\0')
			buf_addf(out, ": %s", msg);
		if (er[0] != '\0')
			buf_addf(out, ": %s", er);
		if (buf_len(&errs) > 0)
			buf_addf(out, ": %s", buf_str(&errs));
	}
	buf_release(&errs);
	json_decref(root);
}

/* notify.Retrier{RetryCodes: 429, CustomDetailsFunc: errDetails} */
static enum notify_verdict
incidentio_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	const struct incidentio_conf	*c = conf;
	enum notify_verdict		 v;
	struct buf			 d;
	char				 dur[DUR_FMT_MAX];

	if (r->status == 0) {
		v = notifier_default_verdict(conf, r, err);
		if (r->curl_code == CURLE_OPERATION_TIMEDOUT && c->timeout > 0)
			ad_err_set(err, AD_EIO, "%s: configured incident.io "
			    "timeout reached (%s)", r->curl_error != NULL ?
			    r->curl_error : "timeout",
			    dur_format_go(c->timeout, dur));
		return v;
	}
	if (r->status / 100 == 2)
		return NOTIFY_OK;
	buf_init(&d, BUF_NOCAP);
	iio_details(r, &d);
	ad_err_set(err, AD_EIO, "unexpected status code %ld%s", r->status,
	    buf_str(&d));
	buf_release(&d);
	return r->status / 100 == 5 || r->status == 429 ? NOTIFY_RETRY :
	    NOTIFY_FAIL;
}

const struct notifier_type notifier_incidentio = {
	.name = "incidentio",
	.config_key = "incidentio_configs",
	.send_resolved_default = true,
	.since = "0.29",
	.fields = incidentio_fields,
	.conf_size = sizeof(struct incidentio_conf),
	.check = incidentio_check,
	.prepare = incidentio_prepare,
	.verdict = incidentio_verdict,
};
