/*
 * wechat: the WeChat integration (wechat_configs).
 *
 * Configuration: Alertmanager 0.25's WechatConfig: api_url, api_secret
 * and corp_id from global, message_type text (default) or markdown.
 */
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

struct wechat_conf {
	struct notifier_conf	 base;
	char			*api_secret, *corp_id, *message, *api_url;
	char			*to_user, *to_party, *to_tag, *agent_id;
	char			*message_type;
};

#define W	struct wechat_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field wechat_fields[] = {
	NCONF_SEND_RESOLVED(W, 0),
	NCONF_HTTP(W),
	CF_F("api_secret", CF_SECRET, CF_OMITEMPTY, W, api_secret),
	CF_F("corp_id", CF_STR, CF_OMITEMPTY, W, corp_id),
	CF_FD("message", CF_STR, T, W, message,
	    "{{ template \"wechat.default.message\" . }}"),
	CF_F("api_url", CF_URL, CF_OMITEMPTY, W, api_url),
	CF_FD("to_user", CF_STR, T, W, to_user,
	    "{{ template \"wechat.default.to_user\" . }}"),
	CF_FD("to_party", CF_STR, T, W, to_party,
	    "{{ template \"wechat.default.to_party\" . }}"),
	CF_FD("to_tag", CF_STR, T, W, to_tag,
	    "{{ template \"wechat.default.to_tag\" . }}"),
	CF_FD("agent_id", CF_STR, T, W, agent_id,
	    "{{ template \"wechat.default.agent_id\" . }}"),
	CF_F("message_type", CF_STR, CF_OMITEMPTY, W, message_type),
	CF_END
};

static int
wechat_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct wechat_conf	*c = conf;
	struct buf		 q;

	if (!nconf_nz(c->message_type)) {
		free(c->message_type);
		c->message_type = xstrdup("text");
	}
	if (strcmp(c->message_type, "text") != 0 &&
	    strcmp(c->message_type, "markdown") != 0) {
		buf_init(&q, BUF_NOCAP);
		buf_add_goquote(&q, c->message_type, strlen(c->message_type));
		config_check_errf(chk, "message_type", "weChat message type %s "
		    "does not match valid options ^(text|markdown)$",
		    buf_str(&q));
		buf_release(&q);
		return -1;
	}
	if (c->api_url == NULL) {
		if (g->wechat_api_url == NULL)
			return config_check_errf(chk, NULL, "no global Wechat "
			    "URL set");
		/* Go shares the global *URL, so the "/" appended below
		 * shows in the global section too. */
		nconf_url_slash(&g->wechat_api_url);
		c->api_url = xstrdup(g->wechat_api_url);
	}
	if (!nconf_nz(c->api_secret)) {
		if (!nconf_nz(g->wechat_api_secret))
			return config_check_errf(chk, NULL, "no global Wechat "
			    "ApiSecret set");
		free(c->api_secret);
		c->api_secret = xstrdup(g->wechat_api_secret);
	}
	if (!nconf_nz(c->corp_id)) {
		if (!nconf_nz(g->wechat_api_corp_id))
			return config_check_errf(chk, NULL, "no global Wechat "
			    "CorpID set");
		free(c->corp_id);
		c->corp_id = xstrdup(g->wechat_api_corp_id);
	}
	nconf_url_slash(&c->api_url);
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_wechat = {
	.name = "wechat",
	.config_key = "wechat_configs",
	.send_resolved_default = false,
	.fields = wechat_fields,
	.conf_size = sizeof(struct wechat_conf),
	.check = wechat_check,
	.prepare = NULL,
};
