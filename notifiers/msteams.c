/*
 * msteams: the Microsoft Teams integration (msteams_configs, added in
 * Alertmanager 0.26; summary and webhook_url_file in 0.27).
 *
 * Sending: Alertmanager 0.27's notify/msteams (unchanged since but for
 * logging): an Office 365 connector MessageCard posted as JSON to the
 * webhook URL, fields in Go's order (@context, type, title, summary,
 * text, themeColor), none omitted; themeColor red while an alert fires,
 * green once all are resolved.  No truncation.  webhook_url_file is read
 * per notification.  The URL is a secret: never logged.  Answers:
 * notify.Retrier, 2xx ok, 5xx retried, others fail.
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
#include "notifiers/ntext.h"
#include "templates/tmpl.h"

struct msteams_conf {
	struct notifier_conf	 base;
	char			*webhook_url;	/* secret URL */
	struct config_file	 webhook_url_file;
	char			*title, *summary, *text;
};

#define M	struct msteams_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field msteams_fields[] = {
	NCONF_SEND_RESOLVED(M, 1),
	NCONF_HTTP(M),
	CF_F("webhook_url", CF_SECRET_URL, CF_OMITEMPTY, M, webhook_url),
	CF_F("webhook_url_file", CF_FILE, CF_OMITEMPTY, M, webhook_url_file),
	CF_FD("title", CF_STR, T, M, title,
	    "{{ template \"msteams.default.title\" . }}"),
	CF_FD("summary", CF_STR, T, M, summary,
	    "{{ template \"msteams.default.summary\" . }}"),
	CF_FD("text", CF_STR, T, M, text,
	    "{{ template \"msteams.default.text\" . }}"),
	CF_END
};

static int
msteams_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct msteams_conf	*c = conf;

	(void)g;
	if (c->webhook_url == NULL && !nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, NULL, "one of webhook_url or "
		    "webhook_url_file must be configured");
	if (c->webhook_url != NULL && nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, "webhook_url", "at most one of "
		    "webhook_url & webhook_url_file must be configured");
	return 0;
}

/* ------------------------------------------------------------ sending */

#define MSTEAMS_RED	"8C1A1A"
#define MSTEAMS_GREEN	"2DC72D"

/* types.Alerts.Status(): firing while one alert fires. */
static bool
msteams_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

static void
msteams_field(struct buf *b, const char *key, const struct buf *v)
{
	buf_addch(b, ',');
	njson_str(b, key);
	buf_addch(b, ':');
	njson_string(b, buf_str(v), buf_len(v));
}

/* title, text, summary: rendered in Go's order (the first error wins) */
static int
msteams_render(const struct msteams_conf *c, const struct notify_ctx *ctx,
    struct buf out[3], struct ad_err *err)
{
	const char		*texts[3] = { c->title, c->text, c->summary };
	struct tmpl_data	*d = ntext_data(ctx);
	int			 i, rc = 0;

	for (i = 0; i < 3 && rc == 0; i++)
		rc = ntext_render(ctx, d, texts[i], false, &out[i], err);
	tmpl_data_free(d);
	return rc;
}

static int
msteams_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct msteams_conf	*c = conf;
	struct buf			 f[3];
	struct buf			*b = &req->body;
	int				 i, rc = -1;

	for (i = 0; i < 3; i++)
		buf_init(&f[i], BUF_NOCAP);
	if (msteams_render(c, ctx, f, err) == -1)
		goto out;
	if (c->webhook_url != NULL)
		req->url = xstrdup(c->webhook_url);
	else
		req->url = nhttp_read_secret_file(c->webhook_url_file.path,
		    "webhook_url", err);
	if (req->url == NULL)
		goto out;
	req->url_is_secret = true;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	buf_addstr(b, "{\"@context\":\"http://schema.org/extensions\","
	    "\"type\":\"MessageCard\"");
	msteams_field(b, "title", &f[0]);
	msteams_field(b, "summary", &f[2]);
	msteams_field(b, "text", &f[1]);
	buf_addf(b, ",\"themeColor\":\"%s\"}\n", msteams_firing(ctx) ?
	    MSTEAMS_RED : MSTEAMS_GREEN);
	rc = 0;
out:
	for (i = 0; i < 3; i++)
		buf_release(&f[i]);
	return rc;
}

const struct notifier_type notifier_msteams = {
	.name = "msteams",
	.config_key = "msteams_configs",
	.send_resolved_default = true,
	.since = "0.26",
	.fields = msteams_fields,
	.conf_size = sizeof(struct msteams_conf),
	.check = msteams_check,
	.prepare = msteams_prepare,
};
