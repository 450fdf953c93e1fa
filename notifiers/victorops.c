/*
 * victorops: the VictorOps integration (victorops_configs).
 *
 * Configuration: Alertmanager 0.25's VictorOpsConfig: routing_key
 * required, api_url and api_key (or file) from global, the URL path
 * ending in "/", custom_fields must not shadow the fixed fields.
 *
 * Sending: notify/victorops, byte for byte (tests/data/integrations/
 * victorops): POST to api_url + "<api key>/<routing key>" (the key as
 * written or read per notification from its file, the routing key
 * rendered; the path escaped as Go's URL.String() escapes a changed
 * path; the URL never logged: RedactURL), a JSON map sorted by key:
 * message_type (RECOVERY when resolved, CRITICAL when firing with a
 * type other than INFO, WARNING or CRITICAL), entity_id (SHA-256 of the
 * group key), entity_display_name, state_message (cut at 20480 runes),
 * monitoring_tool and the custom fields.  Answers: notify.Retrier's
 * default.  Not kept: Alertmanager retries a template error in the
 * payload (its Notify returns true with it) until the deadline; alertd
 * fails such a notification at once, as it does every other template
 * error.
 */
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"

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

/* ------------------------------------------------------------ sending --- */

#define VO_MAX_MESSAGE_RUNES	20480

static bool
vo_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

/* The payload map: fixed fields, then custom fields over them (check
 * forbids the clash), written sorted as encoding/json writes a map. */
struct vo_map {
	char	**k, **v;
	size_t	  n;
};

static void
vo_put(struct vo_map *m, const char *k, const char *v)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->k[i], k) == 0) {
			free(m->v[i]);
			m->v[i] = xstrdup(v);
			return;
		}
	m->k = xreallocarray(m->k, m->n + 1, sizeof(*m->k));
	m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
	m->k[m->n] = xstrdup(k);
	m->v[m->n++] = xstrdup(v);
}

static void
vo_map_release(struct vo_map *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		free(m->k[i]);
		free(m->v[i]);
	}
	free(m->k);
	free(m->v);
}

/* createVictorOpsPayload */
static int
vo_payload(const struct victorops_conf *c, struct nsend_tmpl *t,
    const struct notify_ctx *ctx, struct buf *out, struct ad_err *err)
{
	const char	*type, *state;
	char		 hash[NSEND_KEY_HASH_LEN];
	struct vo_map	 m;
	struct buf	 sm;
	size_t		 i;
	bool		 firing = vo_firing(ctx);

	type = nsend_text(t, c->message_type);
	state = nsend_text(t, c->state_message);
	if (firing && strcmp(type, "INFO") != 0 &&
	    strcmp(type, "WARNING") != 0 && strcmp(type, "CRITICAL") != 0)
		type = "CRITICAL";
	if (!firing)
		type = "RECOVERY";
	buf_init(&sm, BUF_NOCAP);
	if (nsend_truncate_runes(&sm, state, VO_MAX_MESSAGE_RUNES))
		log_warnkv("Truncated state_message", "integration",
		    "victorops", "incident", ctx->group_key, "max_runes",
		    "20480", NULL);
	nsend_key_hash(ctx->group_key, hash);
	memset(&m, 0, sizeof(m));
	vo_put(&m, "message_type", type);
	vo_put(&m, "entity_id", hash);
	vo_put(&m, "entity_display_name", nsend_text(t,
	    c->entity_display_name));
	vo_put(&m, "state_message", buf_str(&sm));
	vo_put(&m, "monitoring_tool", nsend_text(t, c->monitoring_tool));
	for (i = 0; i < c->n_custom_fields; i++)
		vo_put(&m, c->custom_fields[i].key, nsend_text(t,
		    c->custom_fields[i].value));
	nsend_json_map(out, m.k, m.v, m.n);
	buf_addch(out, '\n');
	vo_map_release(&m);
	buf_release(&sm);
	if (t->failed) {
		ad_err_prefix(err, "templating error");
		return -1;
	}
	return 0;
}

/* APIURL.Copy(); Path += apiKey + "/" + routing key (rendered). */
static char *
vo_url(const struct victorops_conf *c, struct nsend_tmpl *t,
    struct ad_err *err)
{
	struct nsend_url	 u;
	char			*key, *s;
	const char		*rk;

	if (nconf_nz(c->api_key)) {
		key = xstrdup(c->api_key);
	} else {
		key = nsend_read_file(c->api_key_file.path, true, err);
		if (key == NULL) {
			ad_err_prefix(err, "failed to read API key from file");
			return NULL;
		}
	}
	rk = nsend_text(t, c->routing_key);
	if (t->failed) {
		free(key);
		ad_err_prefix(err, "templating error");
		return NULL;
	}
	nsend_url_parse(&u, c->api_url);
	nsend_url_path_add(&u, key);
	nsend_url_path_add(&u, "/");
	nsend_url_path_add(&u, rk);
	s = nsend_url_string(&u);
	nsend_url_release(&u);
	free(key);
	return s;
}

static int
victorops_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct victorops_conf	*c = conf;
	struct nsend_tmpl		 t;
	int				 rc = -1;

	nsend_tmpl_init(&t, ctx, err);
	req->url = vo_url(c, &t, err);
	if (req->url == NULL)
		goto out;
	/* the API key is in the path */
	req->url_is_secret = true;
	if (vo_payload(c, &t, ctx, &req->body, err) == -1)
		goto out;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	rc = 0;
out:
	nsend_tmpl_release(&t);
	return rc;
}

/* notify.Retrier{}: the default verdict; the URL shows as <redacted>. */
const struct notifier_type notifier_victorops = {
	.name = "victorops",
	.config_key = "victorops_configs",
	.send_resolved_default = true,
	.fields = victorops_fields,
	.conf_size = sizeof(struct victorops_conf),
	.check = victorops_check,
	.prepare = victorops_prepare,
	.verdict = NULL,
};
