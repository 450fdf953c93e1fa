/*
 * msteamsv2: the Microsoft Teams integration through Workflows / Power
 * Automate (msteamsv2_configs, Alertmanager 0.28).
 *
 * Configuration: upstream's MSTeamsV2Config: webhook_url (a secret URL)
 * or webhook_url_file, exactly one; title and text templates
 * (msteamsv2.default.*); send_resolved true.  A receiver http_config
 * without proxy_url takes the global one (upstream, 0.31).
 *
 * Sending: notify/msteamsv2's message as json.Encoder writes it: a
 * "message" with one Adaptive Card attachment (contentUrl null), its body
 * two TextBlocks, the title (Bolder, Medium, wrap, heading, coloured
 * Attention while an alert fires, Good once all are resolved) and the
 * text (wrap), and msteams.width "full" (a struct: omitempty never drops
 * it).  Fields rendered title then text (the first error is reported).
 * webhook_url_file is read and trimmed per notification ("read
 * webhook_url_file: ..." when it cannot be).  The URL is a secret: never
 * logged.  Answers: notify.Retrier, 2xx ok, 5xx retried, others fail.
 */
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
#include "notifiers/nsend.h"
#include "notifiers/ntext.h"
#include "templates/tmpl.h"

struct msteamsv2_conf {
	struct notifier_conf	 base;
	char			*webhook_url;	/* secret URL */
	struct config_file	 webhook_url_file;
	char			*title, *text;
};

#define M	struct msteamsv2_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field msteamsv2_fields[] = {
	NCONF_SEND_RESOLVED(M, 1),
	NCONF_HTTP(M),
	CF_F("webhook_url", CF_SECRET_URL, CF_OMITEMPTY, M, webhook_url),
	CF_F("webhook_url_file", CF_FILE, CF_OMITEMPTY, M, webhook_url_file),
	CF_FD("title", CF_STR, T, M, title,
	    "{{ template \"msteamsv2.default.title\" . }}"),
	CF_FD("text", CF_STR, T, M, text,
	    "{{ template \"msteamsv2.default.text\" . }}"),
	CF_END
};

static int
msteamsv2_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct msteamsv2_conf	*c = conf;

	if (c->webhook_url == NULL && !nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, NULL, "one of webhook_url or "
		    "webhook_url_file must be configured");
	if (c->webhook_url != NULL && nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, "webhook_url", "at most one of "
		    "webhook_url & webhook_url_file must be configured");
	/* a partial http_config keeps the global proxy_url */
	if (c->base.http != NULL && c->base.http->proxy_url == NULL &&
	    g->http != NULL && g->http->proxy_url != NULL)
		c->base.http->proxy_url = xstrdup(g->http->proxy_url);
	return 0;
}

/* ------------------------------------------------------------ sending */

/* types.Alerts.Status(): firing while one alert fires. */
static bool
msteamsv2_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

static void
msteamsv2_body(struct buf *b, const struct buf *title,
    const struct buf *text, const char *color)
{
	buf_addstr(b, "{\"type\":\"message\",\"attachments\":[{"
	    "\"contentType\":\"application/vnd.microsoft.card.adaptive\","
	    "\"contentUrl\":null,\"content\":{"
	    "\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
	    "\"type\":\"AdaptiveCard\",\"version\":\"1.2\",\"body\":["
	    "{\"type\":\"TextBlock\",\"text\":");
	njson_string(b, buf_str(title), buf_len(title));
	buf_addf(b, ",\"weight\":\"Bolder\",\"size\":\"Medium\",\"wrap\":true,"
	    "\"style\":\"heading\",\"color\":\"%s\"},", color);
	buf_addstr(b, "{\"type\":\"TextBlock\",\"text\":");
	njson_string(b, buf_str(text), buf_len(text));
	buf_addstr(b, ",\"wrap\":true}],\"msteams\":{\"width\":\"full\"}}}]}\n");
}

static char *
msteamsv2_url(const struct msteamsv2_conf *c, struct ad_err *err)
{
	char	*u;

	if (c->webhook_url != NULL)
		return xstrdup(c->webhook_url);
	u = nsend_read_file(c->webhook_url_file.path, true, err);
	if (u == NULL)
		ad_err_prefix(err, "read webhook_url_file");
	return u;
}

static int
msteamsv2_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct msteamsv2_conf	*c = conf;
	struct tmpl_data		*d = ntext_data(ctx);
	struct buf			 title, text;
	int				 rc = -1;

	buf_init(&title, BUF_NOCAP);
	buf_init(&text, BUF_NOCAP);
	if (ntext_render(ctx, d, c->title, false, &title, err) == -1 ||
	    ntext_render(ctx, d, c->text, false, &text, err) == -1)
		goto out;
	req->url = msteamsv2_url(c, err);
	if (req->url == NULL)
		goto out;
	req->url_is_secret = true;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	msteamsv2_body(&req->body, &title, &text, msteamsv2_firing(ctx) ?
	    "Attention" : "Good");
	rc = 0;
out:
	buf_release(&title);
	buf_release(&text);
	tmpl_data_free(d);
	return rc;
}

const struct notifier_type notifier_msteamsv2 = {
	.name = "msteamsv2",
	.config_key = "msteamsv2_configs",
	.send_resolved_default = true,
	.since = "0.28",
	.fields = msteamsv2_fields,
	.conf_size = sizeof(struct msteamsv2_conf),
	.check = msteamsv2_check,
	.prepare = msteamsv2_prepare,
};
