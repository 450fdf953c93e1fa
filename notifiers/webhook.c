/*
 * webhook: the generic webhook integration (webhook_configs).
 *
 * Configuration: Alertmanager 0.25's WebhookConfig (url required, http or
 * https; max_alerts), plus url_file and timeout from later releases.
 */
#include <stdlib.h>

#include "notifiers/nconf.h"

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

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_webhook = {
	.name = "webhook",
	.config_key = "webhook_configs",
	.send_resolved_default = true,
	.fields = webhook_fields,
	.conf_size = sizeof(struct webhook_conf),
	.check = webhook_check,
	.prepare = NULL,
};
