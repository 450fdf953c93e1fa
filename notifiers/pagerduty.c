/*
 * pagerduty: the PagerDuty integration (pagerduty_configs).
 *
 * Configuration: Alertmanager 0.25's PagerdutyConfig: a service or
 * routing key (inline or file), url from global pagerduty_url, source
 * defaulting to client, and the default details (firing, resolved,
 * num_firing, num_resolved) added where not set.
 */
#include <stdlib.h>
#include <string.h>

#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

struct pagerduty_image {
	char	*src, *alt, *href;
};

struct pagerduty_link {
	char	*href, *text;
};

struct pagerduty_conf {
	struct notifier_conf	  base;
	char			 *service_key;
	struct config_file	  service_key_file;
	char			 *routing_key;
	struct config_file	  routing_key_file;
	char			 *url;
	char			 *client, *client_url, *description;
	struct config_kv	 *details;
	size_t			  n_details;
	struct pagerduty_image	**images;
	size_t			  n_images;
	struct pagerduty_link	**links;
	size_t			  n_links;
	char			 *source, *severity, *class, *component;
	char			 *group;
};

static const struct config_field image_fields[] = {
	CF_F("src", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, struct pagerduty_image,
	    src),
	CF_F("alt", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, struct pagerduty_image,
	    alt),
	CF_F("href", CF_STR, CF_OMITEMPTY | CF_TEMPLATE,
	    struct pagerduty_image, href),
	CF_END
};

static const struct config_obj image_obj = {
	.go_type = "config.PagerdutyImage",
	.go_list_type = "[]config.PagerdutyImage",
	.size = sizeof(struct pagerduty_image), .fields = image_fields,
};

static const struct config_field link_fields[] = {
	CF_F("href", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, struct pagerduty_link,
	    href),
	CF_F("text", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, struct pagerduty_link,
	    text),
	CF_END
};

static const struct config_obj link_obj = {
	.go_type = "config.PagerdutyLink",
	.go_list_type = "[]config.PagerdutyLink",
	.size = sizeof(struct pagerduty_link), .fields = link_fields,
};

#define P	struct pagerduty_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field pagerduty_fields[] = {
	NCONF_SEND_RESOLVED(P, 1),
	NCONF_HTTP(P),
	CF_F("service_key", CF_SECRET, CF_OMITEMPTY, P, service_key),
	CF_F("service_key_file", CF_FILE, CF_OMITEMPTY, P, service_key_file),
	CF_F("routing_key", CF_SECRET, CF_OMITEMPTY, P, routing_key),
	CF_F("routing_key_file", CF_FILE, CF_OMITEMPTY, P, routing_key_file),
	CF_F("url", CF_URL, CF_OMITEMPTY, P, url),
	CF_FD("client", CF_STR, T, P, client,
	    "{{ template \"pagerduty.default.client\" . }}"),
	CF_FD("client_url", CF_STR, T, P, client_url,
	    "{{ template \"pagerduty.default.clientURL\" . }}"),
	CF_FD("description", CF_STR, T, P, description,
	    "{{ template \"pagerduty.default.description\" .}}"),
	CF_FN("details", CF_MAP, T, P, details, n_details),
	CF_FL("images", CF_OMITEMPTY, P, images, n_images, &image_obj),
	CF_FL("links", CF_OMITEMPTY, P, links, n_links, &link_obj),
	CF_F("source", CF_STR, T, P, source),
	CF_F("severity", CF_STR, T, P, severity),
	CF_F("class", CF_STR, T, P, class),
	CF_F("component", CF_STR, T, P, component),
	CF_F("group", CF_STR, T, P, group),
	CF_END
};

static void
add_detail(struct pagerduty_conf *c, const char *k, const char *v)
{
	size_t	i;

	for (i = 0; i < c->n_details; i++)
		if (strcmp(c->details[i].key, k) == 0)
			return;
	c->details = xreallocarray(c->details, c->n_details + 1,
	    sizeof(*c->details));
	c->details[c->n_details].key = xstrdup(k);
	c->details[c->n_details].value = xstrdup(v);
	c->n_details++;
}

static int
pagerduty_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct pagerduty_conf	*c = conf;

	if (!nconf_nz(c->routing_key) && !nconf_nz(c->service_key) &&
	    !nconf_nz(c->routing_key_file.path) &&
	    !nconf_nz(c->service_key_file.path))
		return config_check_errf(chk, NULL, "missing service or "
		    "routing key in PagerDuty config");
	if (nconf_nz(c->routing_key) && nconf_nz(c->routing_key_file.path))
		return config_check_errf(chk, "routing_key", "at most one of "
		    "routing_key & routing_key_file must be configured");
	if (nconf_nz(c->service_key) && nconf_nz(c->service_key_file.path))
		return config_check_errf(chk, "service_key", "at most one of "
		    "service_key & service_key_file must be configured");
	if (!nconf_nz(c->source)) {
		free(c->source);
		c->source = c->client != NULL ? xstrdup(c->client) : NULL;
	}
	add_detail(c, "firing",
	    "{{ template \"pagerduty.default.instances\" .Alerts.Firing }}");
	add_detail(c, "resolved",
	    "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}");
	add_detail(c, "num_firing", "{{ .Alerts.Firing | len }}");
	add_detail(c, "num_resolved", "{{ .Alerts.Resolved | len }}");
	if (c->url == NULL) {
		if (g->pagerduty_url == NULL)
			return config_check_errf(chk, NULL, "no global "
			    "PagerDuty URL set");
		c->url = xstrdup(g->pagerduty_url);
	}
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_pagerduty = {
	.name = "pagerduty",
	.config_key = "pagerduty_configs",
	.send_resolved_default = true,
	.fields = pagerduty_fields,
	.conf_size = sizeof(struct pagerduty_conf),
	.check = pagerduty_check,
	.prepare = NULL,
};
