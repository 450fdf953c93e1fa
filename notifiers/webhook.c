/*
 * webhook: the generic webhook integration (webhook_configs).
 *
 * Configuration: Alertmanager 0.25's WebhookConfig (url required, http or
 * https; max_alerts), plus url_file and timeout from later releases.
 *
 * Sending: notify/webhook's Message, version "4", byte for byte as
 * json.Encoder writes it (field order, HTML escaping, trailing newline;
 * tests/data/webhook/am-0.25 holds the real thing): template.Data
 * (receiver through regexp.QuoteMeta, a quirk kept; status; alerts with
 * a zero endsAt while firing; groupLabels, commonLabels and
 * commonAnnotations of the alerts sent), then version, groupKey and
 * truncatedAlerts.  max_alerts keeps the first alerts and counts the
 * rest.  url_file is read on each notification (0.26).  Answers: 2xx ok,
 * 5xx retried, others fail, with "url: body" in the message as 0.25's
 * errDetails (the URL redacted when it came from url_file).  Times keep
 * the UTC offset the client posted them with, as Go's time.Time keeps
 * its zone ("2020-01-01T10:00:00.5+02:00"; tests/data/webhook/offsets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/nhttp.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "routing/labels.h"

struct webhook_conf {
	struct notifier_conf	 base;
	char			*url;		/* secret URL in 0.26+ */
	struct config_file	 url_file;	/* 0.26 */
	uint64_t		 max_alerts;
	ad_dur_t		 timeout;	/* 0.28; 0: none */
};

#define W	struct webhook_conf

static const struct config_field webhook_fields[] = {
	NCONF_SEND_RESOLVED(W, 1),
	NCONF_HTTP(W),
	CF_F("url", CF_URL, CF_NULLDUMP, W, url),
	NCONF_NEWER("url_file", CF_FILE, CF_OMITEMPTY, W, url_file, "0.26"),
	CF_F("max_alerts", CF_UINT64, 0, W, max_alerts),
	NCONF_NEWER("timeout", CF_GODUR, CF_OMITEMPTY, W, timeout, "0.28"),
	CF_END
};

static int
webhook_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct webhook_conf	*c = conf;

	(void)g;
	if (c->url == NULL && !nconf_nz(c->url_file.path))
		return config_check_errf(chk, NULL, "missing URL in webhook "
		    "config");
	if (c->url != NULL && nconf_nz(c->url_file.path))
		return config_check_errf(chk, "url", "at most one of url & "
		    "url_file must be configured");
	return 0;
}

/* ------------------------------------------------------------ sending */

static void
webhook_u64(struct buf *b, uint64_t v)
{
	char	d[24];
	size_t	i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	buf_add(b, d + i, sizeof(d) - i);
}

/* webhook.Message for alerts[0..n) */
static void
webhook_message(struct buf *b, const struct notify_ctx *ctx, size_t n,
    uint64_t truncated)
{
	njson_webhook_data(b, ctx, n, n);
	buf_addstr(b, ",\"version\":\"4\",\"groupKey\":");
	njson_str(b, ctx->group_key);
	buf_addstr(b, ",\"truncatedAlerts\":");
	webhook_u64(b, truncated);
	buf_addstr(b, "}\n");
}

/* The payload: max_alerts keeps the first alerts and counts the rest. */
static void
webhook_body(const void *conf, const struct notify_ctx *ctx, struct buf *b)
{
	const struct webhook_conf	*c = conf;
	size_t				 n = ctx->n_alerts;
	uint64_t			 truncated = 0;

	if (c->max_alerts != 0 && n > c->max_alerts) {
		truncated = n - c->max_alerts;
		n = (size_t)c->max_alerts;
	}
	/* about 1 KiB per alert: one allocation instead of a dozen */
	(void)buf_reserve(b, 1023 + 1024 * (n < 1024 ? n : 1024));
	webhook_message(b, ctx, n, truncated);
}

static int
webhook_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct webhook_conf	*c = conf;

	if (nconf_nz(c->url_file.path)) {
		req->url = nhttp_read_secret_file(c->url_file.path,
		    "webhook url", err);
		if (req->url == NULL)
			return -1;
		req->url_is_secret = true;
	} else {
		req->url = xstrdup(c->url);
	}
	req->http = c->base.http;
	req->timeout = c->timeout;
	notify_req_add_header(req, "Content-Type: application/json");
	if (!ctx->body_later)
		webhook_body(conf, ctx, &req->body);
	return 0;
}

/* notify.Retrier with errDetails: "unexpected status code N: url: body" */
static enum notify_verdict
webhook_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	(void)conf;
	if (r->status == 0)
		return notifier_default_verdict(conf, r, err);
	if (r->status / 100 == 2)
		return NOTIFY_OK;
	ad_err_set(err, AD_EIO, "unexpected status code %ld: %s: %.*s",
	    r->status, r->url, (int)r->body_len, r->body);
	return r->status / 100 == 5 ? NOTIFY_RETRY : NOTIFY_FAIL;
}

const struct notifier_type notifier_webhook = {
	.name = "webhook",
	.config_key = "webhook_configs",
	.send_resolved_default = true,
	.fields = webhook_fields,
	.conf_size = sizeof(struct webhook_conf),
	.check = webhook_check,
	.prepare = webhook_prepare,
	.body = webhook_body,
	.verdict = webhook_verdict,
};
