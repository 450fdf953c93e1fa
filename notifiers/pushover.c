/*
 * pushover: the Pushover integration (pushover_configs).
 *
 * Configuration: Alertmanager 0.25's PushoverConfig: user_key and token
 * required; retry and expire are Go durations (1m, 1h by default);
 * user_key_file, token_file, device, ttl, monospace came later.
 */
#include "notifiers/nconf.h"

struct pushover_conf {
	struct notifier_conf	 base;
	char			*user_key;
	struct config_file	 user_key_file;
	char			*token;
	struct config_file	 token_file;
	char			*title, *message, *url, *url_title, *device;
	char			*sound, *priority;
	ad_dur_t		 retry, expire, ttl;
	bool			 html, monospace;
};

#define P	struct pushover_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field pushover_fields[] = {
	NCONF_SEND_RESOLVED(P, 1),
	NCONF_HTTP(P),
	CF_F("user_key", CF_SECRET, CF_OMITEMPTY, P, user_key),
	NCONF_NEWER("user_key_file", CF_FILE, CF_OMITEMPTY, P, user_key_file,
	    "0.26"),
	CF_F("token", CF_SECRET, CF_OMITEMPTY, P, token),
	NCONF_NEWER("token_file", CF_FILE, CF_OMITEMPTY, P, token_file, "0.26"),
	CF_FD("title", CF_STR, T, P, title,
	    "{{ template \"pushover.default.title\" . }}"),
	CF_FD("message", CF_STR, T, P, message,
	    "{{ template \"pushover.default.message\" . }}"),
	CF_FD("url", CF_STR, T, P, url,
	    "{{ template \"pushover.default.url\" . }}"),
	CF_F("url_title", CF_STR, T, P, url_title),
	NCONF_NEWER("device", CF_STR, T, P, device, "0.26"),
	CF_F("sound", CF_STR, T, P, sound),
	CF_FD("priority", CF_STR, T, P, priority,
	    "{{ if eq .Status \"firing\" }}2{{ else }}0{{ end }}"),
	CF_FI("retry", CF_GODUR, CF_OMITEMPTY, P, retry, AD_MIN),
	CF_FI("expire", CF_GODUR, CF_OMITEMPTY, P, expire, AD_HOUR),
	NCONF_NEWER("ttl", CF_GODUR, CF_OMITEMPTY, P, ttl, "0.26"),
	CF_F("html", CF_BOOL, 0, P, html),
	NCONF_NEWER("monospace", CF_BOOL, CF_OMITEMPTY, P, monospace, "0.27"),
	CF_END
};

static int
pushover_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct pushover_conf	*c = conf;

	(void)g;
	if (!nconf_nz(c->user_key) && !nconf_nz(c->user_key_file.path))
		return config_check_errf(chk, NULL, "missing user key in "
		    "Pushover config");
	if (nconf_nz(c->user_key) && nconf_nz(c->user_key_file.path))
		return config_check_errf(chk, "user_key", "at most one of "
		    "user_key & user_key_file must be configured");
	if (!nconf_nz(c->token) && !nconf_nz(c->token_file.path))
		return config_check_errf(chk, NULL, "missing token in Pushover "
		    "config");
	if (nconf_nz(c->token) && nconf_nz(c->token_file.path))
		return config_check_errf(chk, "token", "at most one of token & "
		    "token_file must be configured");
	if (c->html && c->monospace)
		return config_check_errf(chk, "monospace", "at most one of "
		    "monospace & html must be configured");
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_pushover = {
	.name = "pushover",
	.config_key = "pushover_configs",
	.send_resolved_default = true,
	.fields = pushover_fields,
	.conf_size = sizeof(struct pushover_conf),
	.check = pushover_check,
	.prepare = NULL,
};
