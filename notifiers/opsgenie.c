/*
 * opsgenie: the OpsGenie integration (opsgenie_configs).
 *
 * Configuration: Alertmanager 0.25's OpsGenieConfig: api_url and api_key
 * (or file) from global, the URL path ending in "/", responders with an
 * id, username or name and a known (or templated) type.
 *
 * Sending: notify/opsgenie, byte for byte (tests/data/integrations/
 * opsgenie): firing, a create (POST v2/alerts, alias = SHA-256 of the
 * group key, message cut at 130 runes, details = common labels then the
 * configured ones, responders rendered with "teams" split and empty ones
 * dropped, tags and actions split on commas) and, with update_alerts,
 * the message and description PUT by alias, as one chain of requests
 * (a failure retries the whole chain, as Notify does); resolved, a close
 * (POST v2/alerts/<alias>/close).  Authorization: GenieKey, the key
 * rendered as a template.  Answers: 2xx ok, 5xx and 429 retried, the
 * body in the message.  Kept on purpose: the api_url's query is kept
 * raw on create but re-encoded (sorted) with identifierType elsewhere;
 * team names rendered twice.  From 0.26: api_key_file's content trimmed
 * (0.25 sent the newline, which Go's client refuses in a header).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"
#include "routing/labels.h"

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

/* ------------------------------------------------------------ sending --- */

#define OG_MAX_MESSAGE_RUNES	130

/* The details: data.CommonLabels, then the configured ones over them. */
struct og_map {
	char	**k, **v;
	size_t	  n;
};

static void
og_map_set(struct og_map *m, const char *k, const char *v)
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
og_map_release(struct og_map *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		free(m->k[i]);
		free(m->v[i]);
	}
	free(m->k);
	free(m->v);
}

/* template.Data's CommonLabels (alert_common). */
static void
og_common_labels(const struct notify_ctx *ctx, struct og_map *m)
{
	struct labels	*common = alert_common(ctx->alerts, ctx->n_alerts,
			    false);
	uint32_t	 i;

	for (i = 0; i < labels_len(common); i++)
		og_map_set(m, labels_name(common, i), labels_value(common, i));
	labels_unref(common);
}

/* safeSplit: strings.Split(strings.TrimSpace(s), sep), "" dropped; the
 * pieces keep their own spaces. */
static void
og_split_json(struct buf *b, const char *key, const char *s)
{
	const char	*e, *p;
	size_t		 len = strlen(s), n = 0;

	s = nsend_trim_space(s, &len);
	e = s + len;
	for (p = s; p < e; p += len + 1) {
		len = strcspn(p, ",");
		if (p + len > e)
			len = (size_t)(e - p);
		if (len == 0)
			continue;
		if (n++ == 0)
			buf_addf(b, ",\"%s\":[", key);
		else
			buf_addch(b, ',');
		njson_string(b, p, len);
	}
	if (n > 0)
		buf_addch(b, ']');
}

static void
og_opt(struct buf *b, const char *key, const char *v)
{
	if (v[0] == '\0')
		return;
	buf_addf(b, ",\"%s\":", key);
	njson_str(b, v);
}

/* One opsGenieCreateMessageResponder (id, name, username omitempty). */
static void
og_responder(struct buf *b, size_t *n, const char *id, const char *name,
    const char *username, const char *type)
{
	buf_addstr(b, (*n)++ == 0 ? ",\"responders\":[{" : ",{");
	if (id[0] != '\0') {
		buf_addstr(b, "\"id\":");
		njson_str(b, id);
		buf_addch(b, ',');
	}
	if (name[0] != '\0') {
		buf_addstr(b, "\"name\":");
		njson_str(b, name);
		buf_addch(b, ',');
	}
	if (username[0] != '\0') {
		buf_addstr(b, "\"username\":");
		njson_str(b, username);
		buf_addch(b, ',');
	}
	buf_addstr(b, "\"type\":");
	njson_str(b, type);
	buf_addch(b, '}');
}

/*
 * Responders rendered; all-empty ones dropped (filled from labels that
 * may be absent); "teams" split on commas into one "team" each, whose
 * name is rendered again as a template, as Alertmanager does.
 */
static void
og_responders(struct buf *b, const struct opsgenie_conf *c,
    struct nsend_tmpl *t)
{
	const struct opsgenie_responder	*r;
	const char			*id, *name, *user, *type, *s, *e;
	size_t				 i, n = 0, len;
	char				*team;

	for (i = 0; i < c->n_responders; i++) {
		r = c->responders[i];
		id = nsend_text(t, r->id);
		name = nsend_text(t, r->name);
		user = nsend_text(t, r->username);
		type = nsend_text(t, r->type);
		if (*id == '\0' && *name == '\0' && *user == '\0' &&
		    *type == '\0')
			continue;
		if (strcmp(type, "teams") != 0) {
			og_responder(b, &n, id, name, user, type);
			continue;
		}
		len = strlen(name);
		s = nsend_trim_space(name, &len);
		e = s + len;
		for (; s < e; s += len + 1) {
			len = strcspn(s, ",");
			if (s + len > e)
				len = (size_t)(e - s);
			if (len == 0)
				continue;
			team = xstrndup(s, len);
			og_responder(b, &n, "", nsend_text(t, team), "",
			    nsend_text(t, "team"));
			free(team);
		}
	}
	if (n > 0)
		buf_addch(b, ']');
}

/*
 * opsGenieCreateMessage, json.Encoder's output; fields rendered in
 * Alertmanager's order (responders before the others), so that the
 * first template error is its.
 */
static void
og_create_body(struct buf *b, const struct opsgenie_conf *c,
    struct nsend_tmpl *t, const struct og_map *d, const char *alias,
    const char *message, const char **description)
{
	struct buf	resp;

	buf_init(&resp, BUF_NOCAP);
	og_responders(&resp, c, t);
	buf_addstr(b, "{\"alias\":");
	njson_str(b, alias);
	buf_addstr(b, ",\"message\":");
	njson_str(b, message);
	*description = nsend_text(t, c->description);
	og_opt(b, "description", *description);
	buf_addstr(b, ",\"details\":");
	nsend_json_map(b, d->k, d->v, d->n);
	buf_addstr(b, ",\"source\":");
	njson_str(b, nsend_text(t, c->source));
	buf_add(b, buf_str(&resp), buf_len(&resp));
	og_split_json(b, "tags", nsend_text(t, c->tags));
	og_opt(b, "note", nsend_text(t, c->note));
	og_opt(b, "priority", nsend_text(t, c->priority));
	og_opt(b, "entity", nsend_text(t, c->entity));
	og_split_json(b, "actions", nsend_text(t, c->actions));
	buf_addstr(b, "}\n");
	buf_release(&resp);
}

/* APIURL.Copy(), Path += path, and ?identifierType=alias when by_alias. */
static char *
og_url(const struct opsgenie_conf *c, const char *path, bool by_alias)
{
	struct nsend_url	u;
	char			*s;

	nsend_url_parse(&u, c->api_url);
	nsend_url_path_add(&u, path);
	if (by_alias)
		nsend_url_query_set(&u, "identifierType", "alias");
	s = nsend_url_string(&u);
	nsend_url_release(&u);
	return s;
}

/* A request of the chain: url, method, JSON body {"<key>":v} (omitempty). */
static void
og_put(struct notify_req *r, char *url, const char *key, const char *v)
{
	r->url = url;
	r->method = "PUT";
	buf_addch(&r->body, '{');
	if (v[0] != '\0') {
		buf_addf(&r->body, "\"%s\":", key);
		njson_str(&r->body, v);
	}
	buf_addstr(&r->body, "}\n");
}

static bool
og_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

/* The create request, and with update_alerts the two PUTs after it. */
static void
og_create(struct notify_req *req, const struct opsgenie_conf *c,
    struct nsend_tmpl *t, const struct notify_ctx *ctx,
    const struct og_map *d, const char *alias)
{
	const char	*description;
	struct buf	 m, path;

	buf_init(&m, BUF_NOCAP);
	if (nsend_truncate_runes(&m, nsend_text(t, c->message),
	    OG_MAX_MESSAGE_RUNES))
		log_warnkv("Truncated message", "integration", "opsgenie",
		    "alert", ctx->group_key, "max_runes", "130", NULL);
	req->url = og_url(c, "v2/alerts", false);
	og_create_body(&req->body, c, t, d, alias, buf_str(&m),
	    &description);
	if (c->update_alerts) {
		buf_init(&path, BUF_NOCAP);
		buf_addf(&path, "v2/alerts/%s/message", alias);
		og_put(notify_req_chain(req), og_url(c, buf_str(&path), true),
		    "message", buf_str(&m));
		buf_reset(&path);
		buf_addf(&path, "v2/alerts/%s/description", alias);
		og_put(notify_req_chain(req), og_url(c, buf_str(&path), true),
		    "description", description);
		buf_release(&path);
	}
	buf_release(&m);
}

/* The API key: inline, else from its file (per notification); rendered
 * as a template, as Alertmanager does. */
static const char *
og_api_key(const struct opsgenie_conf *c, struct nsend_tmpl *t,
    struct ad_err *err)
{
	char		*k;
	const char	*key;
	size_t		 len;

	if (nconf_nz(c->api_key))
		return nsend_text(t, c->api_key);
	k = nsend_read_file(c->api_key_file.path, false, err);
	if (k == NULL) {
		ad_err_prefix(err, "read key_file error");
		return NULL;
	}
	key = nsend_text(t, k);
	free(k);
	/* 0.26+ trims it (0.25 sent the file's newline, which Go's client
	 * refuses in a header) */
	len = strlen(key);
	key = nsend_trim_space(key, &len);
	return nsend_keep(t, xstrndup(key, len));
}

static int
opsgenie_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct opsgenie_conf	*c = conf;
	struct nsend_tmpl		 t;
	struct notify_req		*r;
	const char			*key;
	char				 alias[NSEND_KEY_HASH_LEN];
	struct og_map			 d;
	struct buf			 path;
	size_t				 i;
	int				 rc = -1;

	nsend_tmpl_init(&t, ctx, err);
	nsend_key_hash(ctx->group_key, alias);
	memset(&d, 0, sizeof(d));
	og_common_labels(ctx, &d);
	for (i = 0; i < c->n_details; i++)
		og_map_set(&d, c->details[i].key,
		    nsend_text(&t, c->details[i].value));
	if (og_firing(ctx)) {
		og_create(req, c, &t, ctx, &d, alias);
	} else {
		buf_init(&path, BUF_NOCAP);
		buf_addf(&path, "v2/alerts/%s/close", alias);
		req->url = og_url(c, buf_str(&path), true);
		buf_release(&path);
		buf_addstr(&req->body, "{\"source\":");
		njson_str(&req->body, nsend_text(&t, c->source));
		buf_addstr(&req->body, "}\n");
	}
	key = og_api_key(c, &t, err);
	if (key == NULL)
		goto out;
	if (t.failed) {
		ad_err_prefix(err, "templating error");
		goto out;
	}
	for (r = req; r != NULL; r = r->next) {
		r->http = c->base.http;
		notify_req_add_header(r, "Content-Type: application/json");
		notify_req_add_header(r, "Authorization: GenieKey %s", key);
	}
	rc = 0;
out:
	og_map_release(&d);
	nsend_tmpl_release(&t);
	return rc;
}

/* notify.Retrier with 429 retried; the answer's body in the message. */
static enum notify_verdict
opsgenie_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	enum notify_verdict	v = notifier_default_verdict(conf, r, err);

	return r->status == 429 ? NOTIFY_RETRY : v;
}

const struct notifier_type notifier_opsgenie = {
	.name = "opsgenie",
	.config_key = "opsgenie_configs",
	.send_resolved_default = true,
	.fields = opsgenie_fields,
	.conf_size = sizeof(struct opsgenie_conf),
	.check = opsgenie_check,
	.prepare = opsgenie_prepare,
	.verdict = opsgenie_verdict,
};
