/*
 * telegram: the Telegram integration (telegram_configs).
 *
 * Configuration: Alertmanager 0.25's TelegramConfig: bot_token and a
 * non-zero chat_id required, parse_mode HTML by default; bot_token_file
 * and message_thread_id came later.
 */
#include <string.h>

#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

struct telegram_conf {
	struct notifier_conf	 base;
	char			*api_url;
	char			*bot_token;
	struct config_file	 bot_token_file;
	int64_t			 chat_id;
	int			 message_thread_id;
	char			*message;
	bool			 disable_notifications;
	char			*parse_mode;
};

#define G	struct telegram_conf

static const struct config_field telegram_fields[] = {
	NCONF_SEND_RESOLVED(G, 1),
	NCONF_HTTP(G),
	CF_F("api_url", CF_URL, CF_NULLDUMP, G, api_url),
	CF_F("bot_token", CF_SECRET, CF_OMITEMPTY, G, bot_token),
	NCONF_NEWER("bot_token_file", CF_FILE, CF_OMITEMPTY, G, bot_token_file,
	    "0.26"),
	CF_F("chat_id", CF_INT64, CF_OMITEMPTY, G, chat_id),
	NCONF_NEWER("message_thread_id", CF_INT, CF_OMITEMPTY, G,
	    message_thread_id, "0.27"),
	CF_FD("message", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, G, message,
	    "{{ template \"telegram.default.message\" . }}"),
	CF_F("disable_notifications", CF_BOOL, CF_OMITEMPTY, G,
	    disable_notifications),
	CF_FD("parse_mode", CF_STR, CF_OMITEMPTY, G, parse_mode, "HTML"),
	CF_END
};

static int
telegram_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct telegram_conf	*c = conf;
	const char		*pm = c->parse_mode;

	if (!nconf_nz(c->bot_token) && !nconf_nz(c->bot_token_file.path))
		return config_check_errf(chk, NULL, "missing bot_token on "
		    "telegram_config");
	if (nconf_nz(c->bot_token) && nconf_nz(c->bot_token_file.path))
		return config_check_errf(chk, "bot_token", "at most one of "
		    "bot_token & bot_token_file must be configured");
	if (c->chat_id == 0)
		return config_check_errf(chk, NULL, "missing chat_id on "
		    "telegram_config");
	if (nconf_nz(pm) && strcmp(pm, "Markdown") != 0 &&
	    strcmp(pm, "MarkdownV2") != 0 && strcmp(pm, "HTML") != 0)
		return config_check_errf(chk, "parse_mode", "unknown parse_mode "
		    "on telegram_config, must be Markdown, MarkdownV2, HTML or "
		    "empty string");
	nconf_default(&c->api_url, g->telegram_api_url);
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_telegram = {
	.name = "telegram",
	.config_key = "telegram_configs",
	.send_resolved_default = true,
	.fields = telegram_fields,
	.conf_size = sizeof(struct telegram_conf),
	.check = telegram_check,
	.prepare = NULL,
};
