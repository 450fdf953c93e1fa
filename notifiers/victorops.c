/*
 * victorops: the VictorOps integration (victorops_configs).
 *
 * Configuration: Alertmanager 0.25's VictorOpsConfig: routing_key
 * required, api_url and api_key (or file) from global, the URL path
 * ending in "/", custom_fields must not shadow the fixed fields.
 */
#include <string.h>

#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

struct victorops_conf {
	struct notifier_conf	 base;
	char			*api_key;
	struct config_file	 api_key_file;
	char			*api_url, *routing_key, *message_type;
	char			*state_message, *entity_display_name;
	char			*monitoring_tool;
	struct config_kv	*custom_fields;
	size_t			 n_custom_fields;
};

#define V	struct victorops_conf
#define T	CF_TEMPLATE

static const struct config_field victorops_fields[] = {
	NCONF_SEND_RESOLVED(V, 1),
	NCONF_HTTP(V),
	CF_F("api_key", CF_SECRET, CF_OMITEMPTY, V, api_key),
	CF_F("api_key_file", CF_FILE, CF_OMITEMPTY, V, api_key_file),
	CF_F("api_url", CF_URL, CF_NULLDUMP, V, api_url),
	CF_F("routing_key", CF_STR, T, V, routing_key),
	CF_FD("message_type", CF_STR, T, V, message_type, "CRITICAL"),
	CF_FD("state_message", CF_STR, T, V, state_message,
	    "{{ template \"victorops.default.state_message\" . }}"),
	CF_FD("entity_display_name", CF_STR, T, V, entity_display_name,
	    "{{ template \"victorops.default.entity_display_name\" . }}"),
	CF_FD("monitoring_tool", CF_STR, T, V, monitoring_tool,
	    "{{ template \"victorops.default.monitoring_tool\" . }}"),
	CF_FN("custom_fields", CF_MAP, CF_OMITEMPTY | T, V, custom_fields,
	    n_custom_fields),
	CF_END
};

static int
victorops_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	static const char *const reserved[] = { "routing_key", "message_type",
	    "state_message", "entity_display_name", "monitoring_tool",
	    "entity_id", "entity_state", NULL };
	struct victorops_conf	*c = conf;
	size_t			 i, j;

	if (!nconf_nz(c->routing_key))
		return config_check_errf(chk, NULL, "missing Routing key in "
		    "VictorOps config");
	if (nconf_nz(c->api_key) && nconf_nz(c->api_key_file.path))
		return config_check_errf(chk, "api_key", "at most one of "
		    "api_key & api_key_file must be configured");
	for (i = 0; reserved[i] != NULL; i++)
		for (j = 0; j < c->n_custom_fields; j++)
			if (strcmp(c->custom_fields[j].key, reserved[i]) == 0)
				return config_check_errf(chk, "custom_fields",
				    "victorOps config contains custom field %s "
				    "which cannot be used as it conflicts with "
				    "the fixed/static fields", reserved[i]);
	if (c->api_url == NULL) {
		if (g->victorops_api_url == NULL)
			return config_check_errf(chk, NULL, "no global "
			    "VictorOps URL set");
		/* Go shares the global *URL, so the "/" appended below
		 * shows in the global section too. */
		nconf_url_slash(&g->victorops_api_url);
		c->api_url = xstrdup(g->victorops_api_url);
	}
	nconf_url_slash(&c->api_url);
	if (!nconf_nz(c->api_key) && !nconf_nz(c->api_key_file.path)) {
		if (!nconf_nz(g->victorops_api_key) &&
		    !nconf_nz(g->victorops_api_key_file.path))
			return config_check_errf(chk, NULL, "no global "
			    "VictorOps API Key set");
		nconf_default(&c->api_key, g->victorops_api_key);
		nconf_file_default(&c->api_key_file,
		    &g->victorops_api_key_file);
	}
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_victorops = {
	.name = "victorops",
	.config_key = "victorops_configs",
	.send_resolved_default = true,
	.fields = victorops_fields,
	.conf_size = sizeof(struct victorops_conf),
	.check = victorops_check,
	.prepare = NULL,
};
