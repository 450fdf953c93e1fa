/*
 * opsgenie: the OpsGenie integration (opsgenie_configs).
 *
 * Configuration: Alertmanager 0.25's OpsGenieConfig: api_url and api_key
 * (or file) from global, the URL path ending in "/", responders with an
 * id, username or name and a known (or templated) type.
 */
#include <ctype.h>
#include <string.h>

#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

struct opsgenie_responder {
	char	*id, *name, *username, *type;
};

struct opsgenie_conf {
	struct notifier_conf		  base;
	char				 *api_key;
	struct config_file		  api_key_file;
	char				 *api_url;
	char				 *message, *description, *source;
	struct config_kv		 *details;
	size_t				  n_details;
	char				 *entity;
	struct opsgenie_responder	**responders;
	size_t				  n_responders;
	char				 *actions, *tags, *note, *priority;
	bool				  update_alerts;
};

#define R	struct opsgenie_responder
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field responder_fields[] = {
	CF_F("id", CF_STR, T, R, id),
	CF_F("name", CF_STR, T, R, name),
	CF_F("username", CF_STR, T, R, username),
	CF_F("type", CF_STR, T, R, type),
	CF_END
};

static const struct config_obj responder_obj = {
	.go_type = "config.OpsGenieConfigResponder",
	.go_list_type = "[]config.OpsGenieConfigResponder",
	.size = sizeof(R), .fields = responder_fields,
};

#define O	struct opsgenie_conf

static const struct config_field opsgenie_fields[] = {
	NCONF_SEND_RESOLVED(O, 1),
	NCONF_HTTP(O),
	CF_F("api_key", CF_SECRET, CF_OMITEMPTY, O, api_key),
	CF_F("api_key_file", CF_FILE, CF_OMITEMPTY, O, api_key_file),
	CF_F("api_url", CF_URL, CF_OMITEMPTY, O, api_url),
	CF_FD("message", CF_STR, T, O, message,
	    "{{ template \"opsgenie.default.message\" . }}"),
	CF_FD("description", CF_STR, T, O, description,
	    "{{ template \"opsgenie.default.description\" . }}"),
	CF_FD("source", CF_STR, T, O, source,
	    "{{ template \"opsgenie.default.source\" . }}"),
	CF_FN("details", CF_MAP, T, O, details, n_details),
	CF_F("entity", CF_STR, T, O, entity),
	CF_FL("responders", CF_OMITEMPTY, O, responders, n_responders,
	    &responder_obj),
	CF_F("actions", CF_STR, T, O, actions),
	CF_F("tags", CF_STR, T, O, tags),
	CF_F("note", CF_STR, T, O, note),
	CF_F("priority", CF_STR, T, O, priority),
	CF_F("update_alerts", CF_BOOL, CF_OMITEMPTY, O, update_alerts),
	CF_END
};

static const char *
s0(const char *s)
{
	return s != NULL ? s : "";
}

static int
check_responder(struct opsgenie_responder *r, struct config_check *chk)
{
	static const char *const types[] = { "team", "teams", "user",
	    "escalation", "schedule", NULL };
	size_t	i;
	char	*p;

	if (!nconf_nz(r->id) && !nconf_nz(r->username) && !nconf_nz(r->name))
		return config_check_errf(chk, "responders", "opsGenieConfig "
		    "responder {%s %s %s %s} has to have at least one of id, "
		    "username or name specified", s0(r->id), s0(r->name),
		    s0(r->username), s0(r->type));
	if (r->type != NULL && strstr(r->type, "{{") != NULL)
		return 0;
	if (r->type == NULL)
		r->type = xstrdup("");
	for (p = r->type; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; types[i] != NULL; i++)
		if (strcmp(types[i], r->type) == 0)
			return 0;
	return config_check_errf(chk, "responders", "opsGenieConfig responder "
	    "{%s %s %s %s} type does not match valid options "
	    "^(team|teams|user|escalation|schedule)$", s0(r->id), s0(r->name),
	    s0(r->username), r->type);
}

static int
opsgenie_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct opsgenie_conf	*c = conf;
	size_t			 i;

	if (nconf_nz(c->api_key) && nconf_nz(c->api_key_file.path))
		return config_check_errf(chk, "api_key", "at most one of "
		    "api_key & api_key_file must be configured");
	for (i = 0; i < c->n_responders; i++)
		if (check_responder(c->responders[i], chk) == -1)
			return -1;
	if (c->api_url == NULL) {
		if (g->opsgenie_api_url == NULL)
			return config_check_errf(chk, NULL, "no global OpsGenie "
			    "URL set");
		/* Go shares the global *URL, so the "/" appended below
		 * shows in the global section too. */
		nconf_url_slash(&g->opsgenie_api_url);
		c->api_url = xstrdup(g->opsgenie_api_url);
	}
	nconf_url_slash(&c->api_url);
	if (!nconf_nz(c->api_key) && !nconf_nz(c->api_key_file.path)) {
		if (!nconf_nz(g->opsgenie_api_key) &&
		    !nconf_nz(g->opsgenie_api_key_file.path))
			return config_check_errf(chk, NULL, "no global OpsGenie "
			    "API Key set either inline or in a file");
		nconf_default(&c->api_key, g->opsgenie_api_key);
		nconf_file_default(&c->api_key_file, &g->opsgenie_api_key_file);
	}
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_opsgenie = {
	.name = "opsgenie",
	.config_key = "opsgenie_configs",
	.send_resolved_default = true,
	.fields = opsgenie_fields,
	.conf_size = sizeof(struct opsgenie_conf),
	.check = opsgenie_check,
	.prepare = NULL,
};
