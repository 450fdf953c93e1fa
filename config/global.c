/*
 * global: the `global:` section (config.go GlobalConfig) with
 * DefaultGlobalConfig's values, and the checks Config.UnmarshalYAML makes
 * on it.  Fields added after 0.25 are marked CF_NEWER.
 */
#include <stdlib.h>
#include <string.h>

#include "alertd/xmalloc.h"
#include "config/config_int.h"

#define G	struct config_global
/* A field added after 0.25, in release `v`. */
#define NEWF(k, t, m, v)						\
	{ .key = (k), .type = (t), .flags = CF_OMITEMPTY | CF_NEWER,	\
	  .off = offsetof(G, m), .since = (v) }

/*
 * In the order of upstream's GlobalConfig (jira_api_url comes third
 * there).  The later defaults of slack_app_url and rocketchat_api_url
 * are not stored here: 0.25's dump has no such keys, so they are applied
 * where a receiver inherits them (notifiers/slack.c, rocketchat.c).
 */
static const struct config_field global_fields[] = {
	CF_FI("resolve_timeout", CF_DUR, 0, G, resolve_timeout, 5 * AD_MIN),
	CF_FO("http_config", CF_PTR, CF_OMITEMPTY, G, http, &config_http_obj),
	NEWF("jira_api_url", CF_URL, jira_api_url, "0.28"),
	CF_F("smtp_from", CF_STR, CF_OMITEMPTY, G, smtp_from),
	CF_FD("smtp_hello", CF_STR, CF_OMITEMPTY, G, smtp_hello, "localhost"),
	CF_F("smtp_smarthost", CF_HOSTPORT, CF_OMITEMPTY, G, smtp_smarthost),
	CF_F("smtp_auth_username", CF_STR, CF_OMITEMPTY, G, smtp_auth_username),
	CF_F("smtp_auth_password", CF_SECRET, CF_OMITEMPTY, G,
	    smtp_auth_password),
	CF_F("smtp_auth_password_file", CF_FILE, CF_OMITEMPTY, G,
	    smtp_auth_password_file),
	CF_F("smtp_auth_secret", CF_SECRET, CF_OMITEMPTY, G, smtp_auth_secret),
	NEWF("smtp_auth_secret_file", CF_FILE, smtp_auth_secret_file, "0.31"),
	CF_F("smtp_auth_identity", CF_STR, CF_OMITEMPTY, G, smtp_auth_identity),
	CF_FI("smtp_require_tls", CF_BOOL, 0, G, smtp_require_tls, 1),
	{ .key = "smtp_tls_config", .type = CF_PTR,
	  .flags = CF_OMITEMPTY | CF_NEWER, .off = offsetof(G, smtp_tls_config),
	  .obj = &config_tls_obj, .since = "0.28" },
	/* *bool: shown once set, false included */
	{ .key = "smtp_force_implicit_tls", .type = CF_BOOL,
	  .flags = CF_OMITEMPTY | CF_HASSET | CF_NEWER,
	  .off = offsetof(G, smtp_force_implicit_tls),
	  .off_set = offsetof(G, smtp_force_implicit_tls_set),
	  .since = "0.31" },
	CF_F("slack_api_url", CF_SECRET_URL, CF_OMITEMPTY, G, slack_api_url),
	CF_F("slack_api_url_file", CF_FILE, CF_OMITEMPTY, G,
	    slack_api_url_file),
	NEWF("slack_app_token", CF_SECRET, slack_app_token, "0.30"),
	NEWF("slack_app_token_file", CF_FILE, slack_app_token_file, "0.30"),
	NEWF("slack_app_url", CF_URL, slack_app_url, "0.30"),
	CF_FD("pagerduty_url", CF_URL, CF_OMITEMPTY, G, pagerduty_url,
	    "https://events.pagerduty.com/v2/enqueue"),
	CF_FD("opsgenie_api_url", CF_URL, CF_OMITEMPTY, G, opsgenie_api_url,
	    "https://api.opsgenie.com/"),
	CF_F("opsgenie_api_key", CF_SECRET, CF_OMITEMPTY, G, opsgenie_api_key),
	CF_F("opsgenie_api_key_file", CF_FILE, CF_OMITEMPTY, G,
	    opsgenie_api_key_file),
	CF_FD("wechat_api_url", CF_URL, CF_OMITEMPTY, G, wechat_api_url,
	    "https://qyapi.weixin.qq.com/cgi-bin/"),
	CF_F("wechat_api_secret", CF_SECRET, CF_OMITEMPTY, G,
	    wechat_api_secret),
	NEWF("wechat_api_secret_file", CF_FILE, wechat_api_secret_file,
	    "0.31"),
	CF_F("wechat_api_corp_id", CF_STR, CF_OMITEMPTY, G, wechat_api_corp_id),
	CF_FD("victorops_api_url", CF_URL, CF_OMITEMPTY, G, victorops_api_url,
	    "https://alert.victorops.com/integrations/generic/20131114/alert/"),
	CF_F("victorops_api_key", CF_SECRET, CF_OMITEMPTY, G,
	    victorops_api_key),
	CF_F("victorops_api_key_file", CF_FILE, CF_OMITEMPTY, G,
	    victorops_api_key_file),
	CF_FD("telegram_api_url", CF_URL, CF_OMITEMPTY, G, telegram_api_url,
	    "https://api.telegram.org"),
	NEWF("telegram_bot_token", CF_SECRET, telegram_bot_token, "0.31"),
	NEWF("telegram_bot_token_file", CF_FILE, telegram_bot_token_file,
	    "0.31"),
	CF_FD("webex_api_url", CF_URL, CF_OMITEMPTY, G, webex_api_url,
	    "https://webexapis.com/v1/messages"),
	NEWF("rocketchat_api_url", CF_URL, rocketchat_api_url, "0.28"),
	NEWF("rocketchat_token", CF_SECRET, rocketchat_token, "0.28"),
	NEWF("rocketchat_token_file", CF_FILE, rocketchat_token_file, "0.28"),
	NEWF("rocketchat_token_id", CF_SECRET, rocketchat_token_id, "0.28"),
	NEWF("rocketchat_token_id_file", CF_FILE, rocketchat_token_id_file,
	    "0.28"),
	NEWF("mattermost_webhook_url", CF_SECRET_URL, mattermost_webhook_url,
	    "0.32"),
	NEWF("mattermost_webhook_url_file", CF_FILE,
	    mattermost_webhook_url_file, "0.32"),
	CF_END
};

static bool
nz(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* "at most one of a & b must be configured" when both are set. */
static int
global_one(struct config_check *chk, bool a, bool b, const char *ka,
    const char *kb)
{
	if (!a || !b)
		return 0;
	return config_check_errf(chk, ka, "at most one of %s & %s must be "
	    "configured", ka, kb);
}

/*
 * Slack app tokens (0.30): a token and a webhook URL together only when
 * the URL is the app URL (the workaround of upstream issue 2513: a
 * global slack_api_url and per-receiver bearer tokens).
 */
static int
global_check_slack(const struct config_global *g, struct config_check *chk)
{
	const char	*app = g->slack_app_url;

	if (!nz(g->slack_app_token) && !nz(g->slack_app_token_file.path))
		return 0;
	if (g->slack_api_url == NULL && !nz(g->slack_api_url_file.path))
		return 0;
	/* Go compares the URLs' String(); a file's URL is never equal */
	if (g->slack_api_url != NULL && app != NULL &&
	    strcmp(g->slack_api_url, app) == 0)
		return 0;
	return config_check_errf(chk, "slack_app_token", "at most one of "
	    "slack_app_token/slack_app_token_file & "
	    "slack_api_url/slack_api_url_file must be configured");
}

/* The at-most-one checks of Config.UnmarshalYAML, in its order; Go stops
 * at the first. */
static int
global_check(void *obj, struct config_check *chk)
{
	struct config_global	*g = obj;

	if (global_one(chk, nz(g->slack_app_token),
	    nz(g->slack_app_token_file.path), "slack_app_token",
	    "slack_app_token_file") == -1 ||
	    global_one(chk, g->slack_api_url != NULL,
	    nz(g->slack_api_url_file.path), "slack_api_url",
	    "slack_api_url_file") == -1 ||
	    global_check_slack(g, chk) == -1 ||
	    global_one(chk, nz(g->opsgenie_api_key),
	    nz(g->opsgenie_api_key_file.path), "opsgenie_api_key",
	    "opsgenie_api_key_file") == -1 ||
	    global_one(chk, nz(g->victorops_api_key),
	    nz(g->victorops_api_key_file.path), "victorops_api_key",
	    "victorops_api_key_file") == -1 ||
	    global_one(chk, nz(g->telegram_bot_token),
	    nz(g->telegram_bot_token_file.path), "telegram_bot_token",
	    "telegram_bot_token_file") == -1 ||
	    global_one(chk, nz(g->smtp_auth_password),
	    nz(g->smtp_auth_password_file.path), "smtp_auth_password",
	    "smtp_auth_password_file") == -1)
		return -1;
	/* rocketchat_token(_id) are *Secret in Go: set even when empty */
	if (global_one(chk, g->rocketchat_token != NULL,
	    nz(g->rocketchat_token_file.path), "rocketchat_token",
	    "rocketchat_token_file") == -1 ||
	    global_one(chk, g->rocketchat_token_id != NULL,
	    nz(g->rocketchat_token_id_file.path), "rocketchat_token_id",
	    "rocketchat_token_id_file") == -1 ||
	    global_one(chk, nz(g->smtp_auth_secret),
	    nz(g->smtp_auth_secret_file.path), "smtp_auth_secret",
	    "smtp_auth_secret_file") == -1 ||
	    global_one(chk, nz(g->wechat_api_secret),
	    nz(g->wechat_api_secret_file.path), "wechat_api_secret",
	    "wechat_api_secret_file") == -1 ||
	    global_one(chk, g->mattermost_webhook_url != NULL,
	    nz(g->mattermost_webhook_url_file.path), "mattermost_webhook_url",
	    "mattermost_webhook_url_file") == -1)
		return -1;
	return 0;
}

const struct config_obj config_global_obj = {
	.go_type = "config.plain", .size = sizeof(struct config_global),
	.fields = global_fields, .check = global_check,
};
