/*
 * global: the `global:` section (config.go GlobalConfig) with
 * DefaultGlobalConfig's values, and the checks Config.UnmarshalYAML makes
 * on it.  Fields added after 0.25 are marked CF_NEWER.
 */
#include <stdlib.h>

#include "alertd/xmalloc.h"
#include "config/config_int.h"

#define G	struct config_global
#define NEW(f)	f, .since = "0.28"

static const struct config_field global_fields[] = {
	CF_FI("resolve_timeout", CF_DUR, 0, G, resolve_timeout, 5 * AD_MIN),
	CF_FO("http_config", CF_PTR, CF_OMITEMPTY, G, http, &config_http_obj),
	CF_F("smtp_from", CF_STR, CF_OMITEMPTY, G, smtp_from),
	CF_FD("smtp_hello", CF_STR, CF_OMITEMPTY, G, smtp_hello, "localhost"),
	CF_F("smtp_smarthost", CF_HOSTPORT, CF_OMITEMPTY, G, smtp_smarthost),
	CF_F("smtp_auth_username", CF_STR, CF_OMITEMPTY, G, smtp_auth_username),
	CF_F("smtp_auth_password", CF_SECRET, CF_OMITEMPTY, G,
	    smtp_auth_password),
	CF_F("smtp_auth_password_file", CF_FILE, CF_OMITEMPTY, G,
	    smtp_auth_password_file),
	CF_F("smtp_auth_secret", CF_SECRET, CF_OMITEMPTY, G, smtp_auth_secret),
	CF_F("smtp_auth_identity", CF_STR, CF_OMITEMPTY, G, smtp_auth_identity),
	CF_FI("smtp_require_tls", CF_BOOL, 0, G, smtp_require_tls, 1),
	{ NEW(.key = "smtp_tls_config"), .type = CF_PTR,
	  .flags = CF_OMITEMPTY | CF_NEWER, .off = offsetof(G, smtp_tls_config),
	  .obj = &config_tls_obj },
	CF_F("slack_api_url", CF_SECRET_URL, CF_OMITEMPTY, G, slack_api_url),
	CF_F("slack_api_url_file", CF_FILE, CF_OMITEMPTY, G,
	    slack_api_url_file),
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
	CF_F("wechat_api_corp_id", CF_STR, CF_OMITEMPTY, G, wechat_api_corp_id),
	CF_FD("victorops_api_url", CF_URL, CF_OMITEMPTY, G, victorops_api_url,
	    "https://alert.victorops.com/integrations/generic/20131114/alert/"),
	CF_F("victorops_api_key", CF_SECRET, CF_OMITEMPTY, G,
	    victorops_api_key),
	CF_F("victorops_api_key_file", CF_FILE, CF_OMITEMPTY, G,
	    victorops_api_key_file),
	CF_FD("telegram_api_url", CF_URL, CF_OMITEMPTY, G, telegram_api_url,
	    "https://api.telegram.org"),
	CF_FD("webex_api_url", CF_URL, CF_OMITEMPTY, G, webex_api_url,
	    "https://webexapis.com/v1/messages"),
	{ NEW(.key = "jira_api_url"), .type = CF_URL,
	  .flags = CF_OMITEMPTY | CF_NEWER, .off = offsetof(G, jira_api_url) },
	{ NEW(.key = "rocketchat_api_url"), .type = CF_URL,
	  .flags = CF_OMITEMPTY | CF_NEWER,
	  .off = offsetof(G, rocketchat_api_url) },
	{ NEW(.key = "rocketchat_token"), .type = CF_SECRET,
	  .flags = CF_OMITEMPTY | CF_NEWER,
	  .off = offsetof(G, rocketchat_token) },
	{ NEW(.key = "rocketchat_token_file"), .type = CF_FILE,
	  .flags = CF_OMITEMPTY | CF_NEWER,
	  .off = offsetof(G, rocketchat_token_file) },
	{ NEW(.key = "rocketchat_token_id"), .type = CF_SECRET,
	  .flags = CF_OMITEMPTY | CF_NEWER,
	  .off = offsetof(G, rocketchat_token_id) },
	{ NEW(.key = "rocketchat_token_id_file"), .type = CF_FILE,
	  .flags = CF_OMITEMPTY | CF_NEWER,
	  .off = offsetof(G, rocketchat_token_id_file) },
	CF_END
};

static bool
nz(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The at-most-one checks of Config.UnmarshalYAML. */
static int
global_check(void *obj, struct config_check *chk)
{
	struct config_global	*g = obj;
	int			 rc = 0;

	if (g->slack_api_url != NULL && nz(g->slack_api_url_file.path))
		rc = config_check_errf(chk, "slack_api_url", "at most one of "
		    "slack_api_url & slack_api_url_file must be configured");
	if (nz(g->opsgenie_api_key) && nz(g->opsgenie_api_key_file.path))
		rc = config_check_errf(chk, "opsgenie_api_key", "at most one of "
		    "opsgenie_api_key & opsgenie_api_key_file must be "
		    "configured");
	if (nz(g->victorops_api_key) && nz(g->victorops_api_key_file.path))
		rc = config_check_errf(chk, "victorops_api_key", "at most one "
		    "of victorops_api_key & victorops_api_key_file must be "
		    "configured");
	if (nz(g->smtp_auth_password) && nz(g->smtp_auth_password_file.path))
		rc = config_check_errf(chk, "smtp_auth_password", "at most one "
		    "of smtp_auth_password & smtp_auth_password_file must be "
		    "configured");
	return rc;
}

const struct config_obj config_global_obj = {
	.go_type = "config.plain", .size = sizeof(struct config_global),
	.fields = global_fields, .check = global_check,
};
