/*
 * msteams: the Microsoft Teams integration (msteams_configs, added in
 * Alertmanager 0.26): configuration only, parsed as plain fields.
 */
#include "notifiers/nconf.h"

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

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_msteams = {
	.name = "msteams",
	.config_key = "msteams_configs",
	.send_resolved_default = true,
	.since = "0.26",
	.fields = msteams_fields,
	.conf_size = sizeof(struct msteams_conf),
	.check = msteams_check,
	.prepare = NULL,
};
