/*
 * slack: the Slack integration (slack_configs).
 *
 * Configuration: Alertmanager 0.25's SlackConfig with fields and actions
 * (their own required fields), api_url or api_url_file from global
 * slack_api_url(_file); app_token/app_url/message_text and the like from
 * later releases are CF_NEWER.
 */
#include <stdlib.h>

#include "notifiers/nconf.h"

struct slack_confirm {
	char	*text, *title, *ok_text, *dismiss_text;
};

struct slack_action {
	char			*type, *text, *url, *style, *name, *value;
	struct slack_confirm	*confirm;
};

struct slack_field {
	char	*title, *value;
	bool	 short_, short_set;
};

struct slack_conf {
	struct notifier_conf	  base;
	char			 *api_url;	/* secret URL */
	struct config_file	  api_url_file;
	char			 *app_token;	/* 0.30 */
	struct config_file	  app_token_file;
	char			 *app_url;
	char			 *channel, *username, *color, *title;
	char			 *title_link, *pretext, *text;
	struct slack_field	**fields;
	size_t			  n_fields;
	bool			  short_fields;
	char			 *footer, *fallback, *callback_id;
	char			 *icon_emoji, *icon_url, *image_url, *thumb_url;
	bool			  link_names;
	char			**mrkdwn_in;
	size_t			  n_mrkdwn_in;
	struct slack_action	**actions;
	size_t			  n_actions;
	bool			  update_message;
};

#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static int
confirm_check(void *obj, struct config_check *chk)
{
	struct slack_confirm	*c = obj;

	if (!nconf_nz(c->text))
		return config_check_errf(chk, NULL, "missing text in Slack "
		    "confirmation configuration");
	return 0;
}

static const struct config_field confirm_fields[] = {
	CF_F("text", CF_STR, T, struct slack_confirm, text),
	CF_F("title", CF_STR, T, struct slack_confirm, title),
	CF_F("ok_text", CF_STR, T, struct slack_confirm, ok_text),
	CF_F("dismiss_text", CF_STR, T, struct slack_confirm, dismiss_text),
	CF_END
};

static const struct config_obj confirm_obj = {
	.go_type = "config.plain", .size = sizeof(struct slack_confirm),
	.fields = confirm_fields, .check = confirm_check,
};

static int
action_check(void *obj, struct config_check *chk)
{
	struct slack_action	*a = obj;

	if (!nconf_nz(a->type))
		return config_check_errf(chk, NULL, "missing type in Slack "
		    "action configuration");
	if (!nconf_nz(a->text))
		return config_check_errf(chk, NULL, "missing text in Slack "
		    "action configuration");
	if (nconf_nz(a->url) || nconf_nz(a->name))
		return 0;
	return config_check_errf(chk, NULL, "missing name or url in Slack "
	    "action configuration");
}

#define A	struct slack_action

static const struct config_field action_fields[] = {
	CF_F("type", CF_STR, T, A, type),
	CF_F("text", CF_STR, T, A, text),
	CF_F("url", CF_STR, T, A, url),
	CF_F("style", CF_STR, T, A, style),
	CF_F("name", CF_STR, T, A, name),
	CF_F("value", CF_STR, T, A, value),
	CF_FO("confirm", CF_PTR, CF_OMITEMPTY, A, confirm, &confirm_obj),
	CF_END
};

static const struct config_obj action_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.SlackAction",
	.size = sizeof(A), .fields = action_fields, .check = action_check,
};

static int
field_check(void *obj, struct config_check *chk)
{
	struct slack_field	*f = obj;

	if (!nconf_nz(f->title))
		return config_check_errf(chk, NULL, "missing title in Slack "
		    "field configuration");
	if (!nconf_nz(f->value))
		return config_check_errf(chk, NULL, "missing value in Slack "
		    "field configuration");
	return 0;
}

static const struct config_field field_fields[] = {
	CF_F("title", CF_STR, T, struct slack_field, title),
	CF_F("value", CF_STR, T, struct slack_field, value),
	{ .key = "short", .type = CF_BOOL, .flags = CF_OMITEMPTY | CF_HASSET,
	  .off = offsetof(struct slack_field, short_),
	  .off_set = offsetof(struct slack_field, short_set) },
	CF_END
};

static const struct config_obj field_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.SlackField",
	.size = sizeof(struct slack_field), .fields = field_fields,
	.check = field_check,
};

#define S	struct slack_conf

static const struct config_field slack_fields[] = {
	NCONF_SEND_RESOLVED(S, 0),
	NCONF_HTTP(S),
	CF_F("api_url", CF_SECRET_URL, CF_OMITEMPTY, S, api_url),
	CF_F("api_url_file", CF_FILE, CF_OMITEMPTY, S, api_url_file),
	NCONF_NEWER("app_token", CF_SECRET, CF_OMITEMPTY, S, app_token, "0.30"),
	NCONF_NEWER("app_token_file", CF_FILE, CF_OMITEMPTY, S, app_token_file,
	    "0.30"),
	NCONF_NEWER("app_url", CF_URL, CF_OMITEMPTY, S, app_url, "0.30"),
	CF_F("channel", CF_STR, T, S, channel),
	CF_FD("username", CF_STR, T, S, username,
	    "{{ template \"slack.default.username\" . }}"),
	CF_FD("color", CF_STR, T, S, color,
	    "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}"),
	CF_FD("title", CF_STR, T, S, title,
	    "{{ template \"slack.default.title\" . }}"),
	CF_FD("title_link", CF_STR, T, S, title_link,
	    "{{ template \"slack.default.titlelink\" . }}"),
	CF_FD("pretext", CF_STR, T, S, pretext,
	    "{{ template \"slack.default.pretext\" . }}"),
	CF_FD("text", CF_STR, T, S, text,
	    "{{ template \"slack.default.text\" . }}"),
	CF_FL("fields", CF_OMITEMPTY, S, fields, n_fields, &field_obj),
	CF_F("short_fields", CF_BOOL, 0, S, short_fields),
	CF_FD("footer", CF_STR, T, S, footer,
	    "{{ template \"slack.default.footer\" . }}"),
	CF_FD("fallback", CF_STR, T, S, fallback,
	    "{{ template \"slack.default.fallback\" . }}"),
	CF_FD("callback_id", CF_STR, T, S, callback_id,
	    "{{ template \"slack.default.callbackid\" . }}"),
	CF_FD("icon_emoji", CF_STR, T, S, icon_emoji,
	    "{{ template \"slack.default.iconemoji\" . }}"),
	CF_FD("icon_url", CF_STR, T, S, icon_url,
	    "{{ template \"slack.default.iconurl\" . }}"),
	CF_F("image_url", CF_STR, T, S, image_url),
	CF_F("thumb_url", CF_STR, T, S, thumb_url),
	CF_F("link_names", CF_BOOL, 0, S, link_names),
	CF_FN("mrkdwn_in", CF_STRS, CF_OMITEMPTY, S, mrkdwn_in, n_mrkdwn_in),
	CF_FL("actions", CF_OMITEMPTY, S, actions, n_actions, &action_obj),
	NCONF_NEWER("update_message", CF_BOOL, CF_OMITEMPTY, S, update_message,
	    "0.29"),
	CF_END
};

static int
slack_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct slack_conf	*c = conf;

	if (c->api_url != NULL && nconf_nz(c->api_url_file.path))
		return config_check_errf(chk, "api_url", "at most one of "
		    "api_url & api_url_file must be configured");
	if (c->api_url == NULL && !nconf_nz(c->api_url_file.path) &&
	    c->app_token == NULL && !nconf_nz(c->app_token_file.path)) {
		if (g->slack_api_url == NULL &&
		    !nconf_nz(g->slack_api_url_file.path))
			return config_check_errf(chk, NULL, "no global Slack "
			    "API URL set either inline or in a file");
		nconf_default(&c->api_url, g->slack_api_url);
		nconf_file_default(&c->api_url_file, &g->slack_api_url_file);
	}
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_slack = {
	.name = "slack",
	.config_key = "slack_configs",
	.send_resolved_default = false,
	.fields = slack_fields,
	.conf_size = sizeof(struct slack_conf),
	.check = slack_check,
	.prepare = NULL,
};
