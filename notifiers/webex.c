/*
 * webex: the Webex integration (webex_configs, new in 0.25).
 *
 * Configuration: Alertmanager 0.25's WebexConfig: room_id and
 * http_config.authorization required, api_url from global.
 */
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

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

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_webex = {
	.name = "webex",
	.config_key = "webex_configs",
	.send_resolved_default = true,
	.fields = webex_fields,
	.conf_size = sizeof(struct webex_conf),
	.check = webex_check,
	.prepare = NULL,
};
