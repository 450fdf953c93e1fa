/*
 * discord: the Discord integration (discord_configs, new in 0.25).
 *
 * Configuration: Alertmanager 0.25's DiscordConfig; webhook_url required
 * (checked by Config, "no discord webhook URL provided"); webhook_url_file,
 * content, username, avatar_url came later.
 */
#include "notifiers/nconf.h"

struct discord_conf {
	struct notifier_conf	 base;
	char			*webhook_url;	/* secret URL */
	struct config_file	 webhook_url_file;
	char			*content, *title, *message, *username;
	char			*avatar_url;
};

#define D	struct discord_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field discord_fields[] = {
	NCONF_SEND_RESOLVED(D, 1),
	NCONF_HTTP(D),
	CF_F("webhook_url", CF_SECRET_URL, CF_OMITEMPTY, D, webhook_url),
	NCONF_NEWER("webhook_url_file", CF_FILE, CF_OMITEMPTY, D,
	    webhook_url_file, "0.26"),
	NCONF_NEWER("content", CF_STR, T, D, content, "0.28"),
	CF_FD("title", CF_STR, T, D, title,
	    "{{ template \"discord.default.title\" . }}"),
	CF_FD("message", CF_STR, T, D, message,
	    "{{ template \"discord.default.message\" . }}"),
	NCONF_NEWER("username", CF_STR, T, D, username, "0.28"),
	NCONF_NEWER("avatar_url", CF_STR, T, D, avatar_url, "0.28"),
	CF_END
};

static int
discord_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct discord_conf	*c = conf;

	(void)g;
	if (c->webhook_url != NULL && nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, "webhook_url", "at most one of "
		    "webhook_url & webhook_url_file must be configured");
	if (c->webhook_url == NULL && !nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, NULL, "no discord webhook URL "
		    "provided");
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_discord = {
	.name = "discord",
	.config_key = "discord_configs",
	.send_resolved_default = true,
	.fields = discord_fields,
	.conf_size = sizeof(struct discord_conf),
	.check = discord_check,
	.prepare = NULL,
};
