/*
 * webex: the Webex integration (webex_configs, new in 0.25).
 *
 * Configuration: Alertmanager 0.25's WebexConfig: room_id and
 * http_config.authorization required, api_url from global.
 *
 * Sending: notify/webex: {"markdown":..,"roomId":..} (roomId omitted
 * when empty), json.Encoder's bytes, posted to api_url with the
 * http_config's Authorization.  The message is cut to 7439 bytes (whole
 * runes, then "…").  room_id is rendered as a template, as Alertmanager
 * 0.28+ does (0.25 sent it as written; the same for any real room id);
 * a room_id template error fails the notification, where 0.28 sends the
 * message without roomId.  Answers: notify.Retrier (2xx ok, 5xx retried).
 */
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/ntext.h"
#include "templates/tmpl.h"

struct webex_conf {
	struct notifier_conf	 base;
	char			*api_url;
	char			*message, *room_id;
};

#define X	struct webex_conf

static const struct config_field webex_fields[] = {
	NCONF_SEND_RESOLVED(X, 1),
	NCONF_HTTP(X),
	CF_F("api_url", CF_URL, CF_OMITEMPTY, X, api_url),
	CF_FD("message", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, X, message,
	    "{{ template \"webex.default.message\" . }}"),
	CF_F("room_id", CF_STR, CF_TEMPLATE, X, room_id),
	CF_END
};

static int
webex_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct webex_conf	*c = conf;

	if (!nconf_nz(c->room_id))
		return config_check_errf(chk, NULL, "missing room_id on "
		    "webex_config");
	/* Checked before the global http_config is inherited, as in Go. */
	if (c->base.http == NULL || c->base.http->authorization == NULL)
		return config_check_errf(chk, "http_config", "missing "
		    "webex_configs.http_config.authorization");
	if (c->api_url == NULL) {
		if (g->webex_api_url == NULL)
			return config_check_errf(chk, NULL, "no global Webex "
			    "URL set");
		c->api_url = xstrdup(g->webex_api_url);
	}
	return 0;
}

/* ------------------------------------------------------------ sending */

/* notify/webex maxMessageSize */
#define WEBEX_MAX_BYTES	7439

static int
webex_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct webex_conf	*c = conf;
	struct tmpl_data	*d = ntext_data(ctx);
	struct buf		 msg, cut, room;
	struct buf		*b = &req->body;
	int			 rc = -1;

	buf_init(&msg, BUF_NOCAP);
	buf_init(&cut, BUF_NOCAP);
	buf_init(&room, BUF_NOCAP);
	if (ntext_render(ctx, d, c->message, false, &msg, err) == -1 ||
	    ntext_render(ctx, d, c->room_id, false, &room, err) == -1)
		goto out;
	if (ntext_truncate_bytes(&cut, buf_str(&msg), buf_len(&msg),
	    WEBEX_MAX_BYTES))
		log_debugkv("message truncated due to exceeding maximum "
		    "allowed length by webex", "integration", "webex", NULL);
	req->url = xstrdup(c->api_url);
	/* Go redacts the URL of a transport error (notify.RedactURL) */
	req->url_is_secret = true;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	buf_addstr(b, "{\"markdown\":");
	njson_string(b, buf_str(&cut), buf_len(&cut));
	if (buf_len(&room) > 0) {
		buf_addstr(b, ",\"roomId\":");
		njson_string(b, buf_str(&room), buf_len(&room));
	}
	buf_addstr(b, "}\n");
	rc = 0;
out:
	buf_release(&msg);
	buf_release(&cut);
	buf_release(&room);
	tmpl_data_free(d);
	return rc;
}

const struct notifier_type notifier_webex = {
	.name = "webex",
	.config_key = "webex_configs",
	.send_resolved_default = true,
	.fields = webex_fields,
	.conf_size = sizeof(struct webex_conf),
	.check = webex_check,
	.prepare = webex_prepare,
};
