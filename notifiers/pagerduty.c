/*
 * pagerduty: the PagerDuty integration (pagerduty_configs).
 *
 * Configuration: Alertmanager 0.25's PagerdutyConfig: a service or
 * routing key (inline or file), url from global pagerduty_url, source
 * defaulting to client, and the default details (firing, resolved,
 * num_firing, num_resolved) added where not set.
 *
 * Sending: notify/pagerduty, byte for byte (tests/data/integrations/
 * pagerduty): a service key selects the Events API v1, posted to its
 * fixed URL (`url` is ignored, as in Go) with incident_key, event_type,
 * "event_action":"" and "payload":null, client fields only to trigger;
 * otherwise v2 to `url` with dedup_key, event_action and the payload
 * (severity "error" when empty, images without src and links without
 * href dropped).  Keys are SHA-256 of the group key; keys from files are
 * read per notification; the description is cut at 1024 runes; an event
 * over 512 KB loses its details to a note.  Answers: 2xx ok, 5xx
 * retried, and 403 (v1) or 429 (v2); a 400 names PagerDuty's errors.
 * Kept on purpose: keys are templated; the 403/429 split.  Not kept: Go
 * writes the "error" severity default into the loaded config.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"
#include "templates/tmpl.h"

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

/* ------------------------------------------------------------ sending --- */

#define PD_V1_URL \
	"https://events.pagerduty.com/generic/2010-04-15/create_event.json"
#define PD_MAX_EVENT_SIZE	512000
#define PD_MAX_RUNES		1024	/* v1 description, v2 summary */

/* A service key (inline or file) selects the v1 events API. */
static bool
pagerduty_v1(const struct pagerduty_conf *c)
{
	return nconf_nz(c->service_key) || nconf_nz(c->service_key_file.path);
}

/* pagerDutyMessage and its payload, rendered. */
struct pd_msg {
	const char	 *routing_key, *service_key, *dedup_key;
	const char	 *incident_key, *event_type, *description;
	const char	 *event_action;
	bool		  payload;	/* v2: an object; v1: null */
	const char	 *summary, *source, *severity, *class, *component;
	const char	 *group;
	const char	 *client, *client_url;
	char		**dk, **dv;	/* details (v2: in payload) */
	size_t		  nd;
	const char	**img;		/* src, alt, href triples */
	size_t		  n_img;
	const char	**lnk;		/* href, text pairs */
	size_t		  n_lnk;
};

/* The comma before a field, unless it is the object's first. */
static void
pd_sep(struct buf *b)
{
	if (buf_len(b) > 0 && buf_str(b)[buf_len(b) - 1] != '{')
		buf_addch(b, ',');
}

/* A string field with omitempty. */
static void
pd_opt(struct buf *b, const char *key, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	pd_sep(b);
	buf_addf(b, "\"%s\":", key);
	njson_str(b, v);
}

static void
pd_details(struct buf *b, const struct pd_msg *m, const char *error)
{
	char	*ek = NULL, *ev = NULL;

	if (error != NULL) {
		ek = xstrdup("error");
		ev = xstrdup(error);
		nsend_json_map(b, &ek, &ev, 1);
		free(ek);
		free(ev);
		return;
	}
	nsend_json_map(b, m->dk, m->dv, m->nd);
}

static void
pd_payload(struct buf *b, const struct pd_msg *m, const char *error)
{
	if (!m->payload) {
		buf_addstr(b, "null");
		return;
	}
	buf_addstr(b, "{\"summary\":");
	njson_str(b, m->summary);
	buf_addstr(b, ",\"source\":");
	njson_str(b, m->source);
	buf_addstr(b, ",\"severity\":");
	njson_str(b, m->severity);
	pd_opt(b, "class", m->class);
	pd_opt(b, "component", m->component);
	pd_opt(b, "group", m->group);
	if (m->nd > 0 || error != NULL) {
		buf_addstr(b, ",\"custom_details\":");
		pd_details(b, m, error);
	}
	buf_addch(b, '}');
}

static void
pd_links(struct buf *b, const struct pd_msg *m)
{
	size_t	i;

	if (m->n_img > 0) {
		buf_addstr(b, ",\"images\":[");
		for (i = 0; i < m->n_img; i++) {
			buf_addstr(b, i > 0 ? ",{\"src\":" : "{\"src\":");
			njson_str(b, m->img[3 * i]);
			buf_addstr(b, ",\"alt\":");
			njson_str(b, m->img[3 * i + 1]);
			buf_addstr(b, ",\"href\":");
			njson_str(b, m->img[3 * i + 2]);
			buf_addch(b, '}');
		}
		buf_addch(b, ']');
	}
	if (m->n_lnk > 0) {
		buf_addstr(b, ",\"links\":[");
		for (i = 0; i < m->n_lnk; i++) {
			buf_addstr(b, i > 0 ? ",{\"href\":" : "{\"href\":");
			njson_str(b, m->lnk[2 * i]);
			buf_addstr(b, ",\"text\":");
			njson_str(b, m->lnk[2 * i + 1]);
			buf_addch(b, '}');
		}
		buf_addch(b, ']');
	}
}

/*
 * json.Encoder's output for pagerDutyMessage: Go's field order and
 * omitempty (event_action and payload have none: v1 messages carry
 * "event_action":"" and "payload":null); error replaces the details.
 */
static void
pd_encode(struct buf *b, const struct pd_msg *m, const char *error)
{
	buf_addch(b, '{');
	pd_opt(b, "routing_key", m->routing_key);
	pd_opt(b, "service_key", m->service_key);
	pd_opt(b, "dedup_key", m->dedup_key);
	pd_opt(b, "incident_key", m->incident_key);
	pd_opt(b, "event_type", m->event_type);
	pd_opt(b, "description", m->description);
	pd_sep(b);
	buf_addstr(b, "\"event_action\":");
	njson_str(b, m->event_action != NULL ? m->event_action : "");
	buf_addstr(b, ",\"payload\":");
	pd_payload(b, m, error);
	pd_opt(b, "client", m->client);
	pd_opt(b, "client_url", m->client_url);
	if (!m->payload && (m->nd > 0 || error != NULL)) {
		buf_addstr(b, ",\"details\":");
		pd_details(b, m, error);
	}
	pd_links(b, m);
	buf_addstr(b, "}\n");
}

/* encodeMessage: over 512 KB, the details give way to a note. */
static void
pd_encode_capped(struct buf *b, const struct pd_msg *m)
{
	struct buf	note, sz, lim;

	pd_encode(b, m, NULL);
	if (buf_len(b) <= PD_MAX_EVENT_SIZE)
		return;
	buf_init(&note, BUF_NOCAP);
	buf_init(&sz, BUF_NOCAP);
	buf_init(&lim, BUF_NOCAP);
	nsend_metric_bytes(&sz, (int64_t)buf_len(b));
	nsend_metric_bytes(&lim, PD_MAX_EVENT_SIZE);
	buf_addf(&note, "Truncated Details because message of size %s exceeds "
	    "limit %s", buf_str(&sz), buf_str(&lim));
	log_warnkv(buf_str(&note), "integration", "pagerduty", NULL);
	buf_reset(&note);
	buf_addf(&note, "Custom details have been removed because the "
	    "original event exceeds the maximum size of %s", buf_str(&lim));
	buf_reset(b);
	pd_encode(b, m, buf_str(&note));
	buf_release(&note);
	buf_release(&sz);
	buf_release(&lim);
}

/* Renders the details; Go's "%q: failed to template %q" on error. */
static int
pd_render_details(const struct pagerduty_conf *c, struct nsend_tmpl *t,
    struct pd_msg *m, struct ad_err *err)
{
	struct buf	out, qk, qv;
	size_t		i;
	int		rc = 0;

	m->dk = xcalloc(c->n_details + 1, sizeof(*m->dk));
	m->dv = xcalloc(c->n_details + 1, sizeof(*m->dv));
	for (i = 0; i < c->n_details && rc == 0; i++) {
		buf_init(&out, BUF_NOCAP);
		if (tmpl_exec_text(t->ts, c->details[i].value, t->data, &out,
		    err) == -1) {
			buf_init(&qk, BUF_NOCAP);
			buf_init(&qv, BUF_NOCAP);
			buf_add_goquote(&qk, c->details[i].key,
			    strlen(c->details[i].key));
			buf_add_goquote(&qv, c->details[i].value,
			    strlen(c->details[i].value));
			ad_err_prefix(err, "%s: failed to template %s",
			    buf_str(&qk), buf_str(&qv));
			buf_release(&qk);
			buf_release(&qv);
			rc = -1;
		}
		m->dk[m->nd] = xstrdup(c->details[i].key);
		m->dv[m->nd] = buf_detach(&out, NULL);
		if (m->dv[m->nd] == NULL)
			m->dv[m->nd] = xstrdup("");
		m->nd++;
	}
	return rc;
}

static void
pd_msg_release(struct pd_msg *m)
{
	size_t	i;

	for (i = 0; i < m->nd; i++) {
		free(m->dk[i]);
		free(m->dv[i]);
	}
	free(m->dk);
	free(m->dv);
	free(m->img);
	free(m->lnk);
}

/* TruncateInRunes on the description, with Alertmanager's warning. */
static const char *
pd_truncate(struct nsend_tmpl *t, const char *s, const char *what,
    const char *key)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	if (nsend_truncate_runes(&b, s, PD_MAX_RUNES))
		log_warnkv(what, "integration", "pagerduty", "key", key,
		    "max_runes", "1024", NULL);
	return nsend_keep(t, buf_detach(&b, NULL));
}

/* The key inline, else read from its file (per notification, as Go). */
static const char *
pd_key(struct nsend_tmpl *t, const char *inline_key, const char *path,
    const char *what, struct ad_err *err)
{
	char	*k;

	if (nconf_nz(inline_key))
		return inline_key;
	k = nsend_read_file(path, true, err);
	if (k == NULL) {
		ad_err_prefix(err, "failed to read %s from file", what);
		return NULL;
	}
	return nsend_keep(t, k);
}

/* notifyV1: the Events API v1 message (incident_key, event_type). */
static int
pd_v1(const struct pagerduty_conf *c, struct nsend_tmpl *t,
    struct pd_msg *m, const char *event, const char *key,
    struct ad_err *err)
{
	const char	*sk;

	m->description = pd_truncate(t, nsend_text(t, c->description),
	    "Truncated description", key);
	sk = pd_key(t, c->service_key, c->service_key_file.path,
	    "service key", err);
	if (sk == NULL)
		return -1;
	m->service_key = nsend_text(t, sk);
	m->event_type = event;
	if (strcmp(event, "trigger") == 0) {
		m->client = nsend_text(t, c->client);
		m->client_url = nsend_text(t, c->client_url);
	}
	if (t->failed) {
		ad_err_prefix(err, "failed to template PagerDuty v1 message");
		return -1;
	}
	if (m->service_key[0] == '\0')
		return ad_err_set(err, AD_EINVAL, "service key cannot be "
		    "empty");
	return 0;
}

static void
pd_v2_images(const struct pagerduty_conf *c, struct nsend_tmpl *t,
    struct pd_msg *m)
{
	const char	*src, *alt, *href;
	size_t		 i;

	m->img = xcalloc(3 * c->n_images + 1, sizeof(*m->img));
	for (i = 0; i < c->n_images; i++) {
		src = nsend_text(t, c->images[i]->src);
		alt = nsend_text(t, c->images[i]->alt);
		href = nsend_text(t, c->images[i]->href);
		if (src[0] == '\0')
			continue;
		m->img[3 * m->n_img] = src;
		m->img[3 * m->n_img + 1] = alt;
		m->img[3 * m->n_img + 2] = href;
		m->n_img++;
	}
	m->lnk = xcalloc(2 * c->n_links + 1, sizeof(*m->lnk));
	for (i = 0; i < c->n_links; i++) {
		href = nsend_text(t, c->links[i]->href);
		alt = nsend_text(t, c->links[i]->text);
		if (href[0] == '\0')
			continue;
		m->lnk[2 * m->n_lnk] = href;
		m->lnk[2 * m->n_lnk + 1] = alt;
		m->n_lnk++;
	}
}

/* notifyV2: the Events API v2 message (dedup_key, payload). */
static int
pd_v2(const struct pagerduty_conf *c, struct nsend_tmpl *t,
    struct pd_msg *m, const char *event, const char *key,
    struct ad_err *err)
{
	const char	*rk;

	m->summary = pd_truncate(t, nsend_text(t, c->description),
	    "Truncated summary", key);
	rk = pd_key(t, c->routing_key, c->routing_key_file.path,
	    "routing key", err);
	if (rk == NULL)
		return -1;
	m->client = nsend_text(t, c->client);
	m->client_url = nsend_text(t, c->client_url);
	m->routing_key = nsend_text(t, rk);
	m->event_action = event;
	m->payload = true;
	m->source = nsend_text(t, c->source);
	/* Go writes "error" into the config when severity is empty */
	m->severity = nsend_text(t, nconf_nz(c->severity) ? c->severity :
	    "error");
	m->class = nsend_text(t, c->class);
	m->component = nsend_text(t, c->component);
	m->group = nsend_text(t, c->group);
	pd_v2_images(c, t, m);
	if (t->failed) {
		ad_err_prefix(err, "failed to template PagerDuty v2 message");
		return -1;
	}
	if (m->routing_key[0] == '\0')
		return ad_err_set(err, AD_EINVAL, "routing key cannot be "
		    "empty");
	return 0;
}

/* conf.URL.String() */
static char *
pd_url(const char *raw)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	config_url_string(raw, false, &b);
	return buf_detach(&b, NULL);
}

static bool
pd_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

static int
pagerduty_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct pagerduty_conf	*c = conf;
	const char			*event;
	struct nsend_tmpl		 t;
	struct pd_msg			 m;
	char				 hash[NSEND_KEY_HASH_LEN];
	int				 rc = -1;

	event = pd_firing(ctx) ? "trigger" : "resolve";
	nsend_tmpl_init(&t, ctx, err);
	memset(&m, 0, sizeof(m));
	nsend_key_hash(ctx->group_key, hash);
	if (pd_render_details(c, &t, &m, err) == -1)
		goto out;
	if (pagerduty_v1(c)) {
		m.incident_key = hash;
		if (pd_v1(c, &t, &m, event, ctx->group_key, err) == -1)
			goto out;
		req->url = xstrdup(PD_V1_URL);
	} else {
		m.dedup_key = hash;
		if (pd_v2(c, &t, &m, event, ctx->group_key, err) == -1)
			goto out;
		req->url = pd_url(c->url);
	}
	pd_encode_capped(&req->body, &m);
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	rc = 0;
out:
	pd_msg_release(&m);
	nsend_tmpl_release(&t);
	return rc;
}

/*
 * errDetails: for a 400, the JSON answer's "message: error1,error2"
 * (json.Decoder: field names matched case-insensitively, trailing data
 * ignored); nothing otherwise, nor when the answer does not decode.
 */
static void
pd_err_details(const struct notify_resp *r, struct buf *out)
{
	json_t		*root, *v, *e;
	json_error_t	 je;
	const char	*k, *msg = "";
	struct buf	 errs;
	size_t		 i;
	bool		 ok = true;

	if (r->status != 400)
		return;
	root = json_loadb(r->body, r->body_len, JSON_DISABLE_EOF_CHECK |
	    JSON_DECODE_ANY, &je);
	if (root == NULL)
		return;
	buf_init(&errs, BUF_NOCAP);
	if (!json_is_object(root) && !json_is_null(root))
		ok = false;
	json_object_foreach(root, k, v) {
		if (strcasecmp(k, "status") == 0) {
			ok = ok && (json_is_string(v) || json_is_null(v));
		} else if (strcasecmp(k, "message") == 0) {
			ok = ok && (json_is_string(v) || json_is_null(v));
			if (json_is_string(v))
				msg = json_string_value(v);
		} else if (strcasecmp(k, "errors") == 0) {
			ok = ok && (json_is_array(v) || json_is_null(v));
			buf_reset(&errs);
			json_array_foreach(v, i, e) {
				ok = ok && (json_is_string(e) ||
				    json_is_null(e));
				if (i > 0)
					buf_addch(&errs, ',');
				if (json_is_string(e))
					buf_addstr(&errs, json_string_value(e));
			}
		}
	}
	if (ok)
		buf_addf(out, "%s: %s", msg, buf_str(&errs));
	buf_release(&errs);
	json_decref(root);
}

/*
 * notify.Retrier with errDetails: 2xx ok; 5xx retried, and 403 (v1) or
 * 429 (v2), PagerDuty's rate limiting; others fail.
 */
static enum notify_verdict
pagerduty_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	const struct pagerduty_conf	*c = conf;
	bool				 v1 = pagerduty_v1(c);
	struct buf			 d;
	bool				 retry;

	if (r->status == 0) {
		ad_err_set(err, AD_EIO, "failed to post message to "
		    "PagerDuty%s: %s", v1 ? " v1" : "", r->curl_error != NULL ?
		    r->curl_error : "request failed");
		return NOTIFY_RETRY;
	}
	if (r->status / 100 == 2)
		return NOTIFY_OK;
	retry = r->status / 100 == 5 || r->status == (v1 ? 403 : 429);
	buf_init(&d, BUF_NOCAP);
	pd_err_details(r, &d);
	if (buf_len(&d) > 0)
		ad_err_set(err, AD_EIO, "unexpected status code %ld: %s",
		    r->status, buf_str(&d));
	else
		ad_err_set(err, AD_EIO, "unexpected status code %ld",
		    r->status);
	buf_release(&d);
	return retry ? NOTIFY_RETRY : NOTIFY_FAIL;
}

const struct notifier_type notifier_pagerduty = {
	.name = "pagerduty",
	.config_key = "pagerduty_configs",
	.send_resolved_default = true,
	.fields = pagerduty_fields,
	.conf_size = sizeof(struct pagerduty_conf),
	.check = pagerduty_check,
	.prepare = pagerduty_prepare,
	.verdict = pagerduty_verdict,
};
