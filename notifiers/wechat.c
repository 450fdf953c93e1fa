/*
 * wechat: the WeChat integration (wechat_configs).
 *
 * Configuration: Alertmanager 0.25's WechatConfig: api_url, api_secret
 * and corp_id from global, message_type text (default) or markdown;
 * api_secret_file and global wechat_api_secret_file (0.31), read and
 * trimmed per notification.
 *
 * Sending: notify/wechat, byte for byte (tests/data/integrations/
 * wechat): without a token younger than two hours, a GET of
 * api_url + "gettoken?corpid=...&corpsecret=..." (rendered; the API
 * URL's own query replaced) comes first, in the same chain of requests;
 * its answer completes the message's URL.  The message: POST
 * api_url + "message/send?access_token=..." with weChatMessage's JSON
 * (text and markdown objects both present, "safe":"0").  URLs are never
 * logged (RedactURL).  Answers: see wechat_verdict; an expired token
 * (42001) is forgotten and the notification retried, fetching a new one.
 * Departures: tokens are cached per credentials and survive reloads
 * (Alertmanager keeps one per notifier, lost on reload); a template
 * error in the secret or corp id fails even when a token is cached.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"

struct wechat_conf {
	struct notifier_conf	 base;
	char			*api_secret, *corp_id, *message, *api_url;
	char			*to_user, *to_party, *to_tag, *agent_id;
	char			*message_type;
	struct config_file	 api_secret_file;	/* 0.31 */
};

#define W	struct wechat_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field wechat_fields[] = {
	NCONF_SEND_RESOLVED(W, 0),
	NCONF_HTTP(W),
	CF_F("api_secret", CF_SECRET, CF_OMITEMPTY, W, api_secret),
	NCONF_NEWER("api_secret_file", CF_FILE, CF_OMITEMPTY, W,
	    api_secret_file, "0.31"),
	CF_F("corp_id", CF_STR, CF_OMITEMPTY, W, corp_id),
	CF_FD("message", CF_STR, T, W, message,
	    "{{ template \"wechat.default.message\" . }}"),
	CF_F("api_url", CF_URL, CF_OMITEMPTY, W, api_url),
	CF_FD("to_user", CF_STR, T, W, to_user,
	    "{{ template \"wechat.default.to_user\" . }}"),
	CF_FD("to_party", CF_STR, T, W, to_party,
	    "{{ template \"wechat.default.to_party\" . }}"),
	CF_FD("to_tag", CF_STR, T, W, to_tag,
	    "{{ template \"wechat.default.to_tag\" . }}"),
	CF_FD("agent_id", CF_STR, T, W, agent_id,
	    "{{ template \"wechat.default.agent_id\" . }}"),
	CF_F("message_type", CF_STR, CF_OMITEMPTY, W, message_type),
	CF_END
};

static int
wechat_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct wechat_conf	*c = conf;
	struct buf		 q;

	if (!nconf_nz(c->message_type)) {
		free(c->message_type);
		c->message_type = xstrdup("text");
	}
	if (strcmp(c->message_type, "text") != 0 &&
	    strcmp(c->message_type, "markdown") != 0) {
		buf_init(&q, BUF_NOCAP);
		buf_add_goquote(&q, c->message_type, strlen(c->message_type));
		config_check_errf(chk, "message_type", "weChat message type %s "
		    "does not match valid options ^(text|markdown)$",
		    buf_str(&q));
		buf_release(&q);
		return -1;
	}
	if (c->api_url == NULL) {
		if (g->wechat_api_url == NULL)
			return config_check_errf(chk, NULL, "no global Wechat "
			    "URL set");
		/* Go shares the global *URL, so the "/" appended below
		 * shows in the global section too. */
		nconf_url_slash(&g->wechat_api_url);
		c->api_url = xstrdup(g->wechat_api_url);
	}
	if (nconf_nz(c->api_secret) && nconf_nz(c->api_secret_file.path))
		return config_check_errf(chk, "api_secret", "at most one of "
		    "api_secret & api_secret_file must be configured");
	if (!nconf_nz(c->api_secret) && !nconf_nz(c->api_secret_file.path)) {
		/* 0.25's wording; 0.31 says "no global Wechat Api Secret
		 * set either inline or in a file" */
		if (!nconf_nz(g->wechat_api_secret) &&
		    !nconf_nz(g->wechat_api_secret_file.path))
			return config_check_errf(chk, NULL, "no global Wechat "
			    "ApiSecret set");
		nconf_default(&c->api_secret, g->wechat_api_secret);
		nconf_file_default(&c->api_secret_file,
		    &g->wechat_api_secret_file);
	}
	if (!nconf_nz(c->corp_id)) {
		if (!nconf_nz(g->wechat_api_corp_id))
			return config_check_errf(chk, NULL, "no global Wechat "
			    "CorpID set");
		free(c->corp_id);
		c->corp_id = xstrdup(g->wechat_api_corp_id);
	}
	nconf_url_slash(&c->api_url);
	return 0;
}

/* ------------------------------------------------------------ sending --- */

/* Alertmanager refreshes its token after two hours. */
#define WC_TOKEN_TTL	(2 * AD_HOUR)
#define WC_CACHE_MAX	256

/*
 * The access tokens, keyed by the token request's URL (API URL, corp id
 * and secret as rendered).  Alertmanager keeps one per notifier; alertd
 * shares one per credentials, across reloads too.  Written by verdict,
 * read by prepare, both on the notify thread; the lock lets the unit
 * tests call them from theirs.
 */
struct wc_token {
	char	*key, *token;
	int64_t	 at;		/* ad_mono() of the fetch */
};

static pthread_mutex_t	 wc_mu = PTHREAD_MUTEX_INITIALIZER;
static struct wc_token	 wc_cache[WC_CACHE_MAX];
static size_t		 wc_n;

static void
wc_drop(size_t i)
{
	free(wc_cache[i].key);
	free(wc_cache[i].token);
	wc_cache[i] = wc_cache[--wc_n];
}

/* The cached token for key, or NULL; expired ones are dropped. */
static char *
wc_cache_get(const char *key)
{
	char	*tok = NULL;
	int64_t	 now = ad_mono();
	size_t	 i;

	pthread_mutex_lock(&wc_mu);
	for (i = 0; i < wc_n; i++) {
		if (now - wc_cache[i].at > WC_TOKEN_TTL) {
			wc_drop(i--);
			continue;
		}
		if (strcmp(wc_cache[i].key, key) == 0)
			tok = xstrdup(wc_cache[i].token);
	}
	pthread_mutex_unlock(&wc_mu);
	return tok;
}

static void
wc_cache_put(const char *key, const char *token)
{
	size_t	i;

	pthread_mutex_lock(&wc_mu);
	for (i = 0; i < wc_n; i++)
		if (strcmp(wc_cache[i].key, key) == 0)
			wc_drop(i--);
	if (wc_n == WC_CACHE_MAX)
		wc_drop(0);
	wc_cache[wc_n].key = xstrdup(key);
	wc_cache[wc_n].token = xstrdup(token);
	wc_cache[wc_n++].at = ad_mono();
	pthread_mutex_unlock(&wc_mu);
}

/* An expired token (42001): forget it. */
static void
wc_cache_forget(const char *token)
{
	size_t	i;

	pthread_mutex_lock(&wc_mu);
	for (i = 0; i < wc_n; i++)
		if (strcmp(wc_cache[i].token, token) == 0)
			wc_drop(i--);
	pthread_mutex_unlock(&wc_mu);
}

/* An omitempty string field after the first. */
static void
wc_opt(struct buf *b, const char *key, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	buf_addf(b, ",\"%s\":", key);
	njson_str(b, v);
}

/* The message's URL with the token just fetched. */
static void
wc_set_token(struct notify_req *msg, const char *token)
{
	struct nsend_url	u;

	nsend_url_parse(&u, msg->url);
	nsend_url_query_set(&u, "access_token", token);
	free(msg->url);
	msg->url = nsend_url_string(&u);
	nsend_url_release(&u);
}

/* Forgets the token a message URL carried. */
static void
wc_forget_url_token(const char *url)
{
	struct gourl_values	 q;
	const char		*query = strchr(url, '?');
	size_t			 i;

	gourl_values_init(&q);
	gourl_values_parse(&q, query != NULL ? query + 1 : "");
	for (i = 0; i < q.n; i++)
		if (strcmp(q.k[i], "access_token") == 0)
			wc_cache_forget(q.v[i]);
	gourl_values_release(&q);
}

/* weChatMessage, json.Encoder's output: both contents are written
 * (omitempty does not apply to structs), "safe" is always "0". */
static void
wc_body(struct buf *b, const struct wechat_conf *c, struct nsend_tmpl *t)
{
	const char	*user, *party, *tag, *agent, *content;
	bool		 md = strcmp(c->message_type, "markdown") == 0;

	user = nsend_text(t, c->to_user);
	party = nsend_text(t, c->to_party);
	tag = nsend_text(t, c->to_tag);
	agent = nsend_text(t, c->agent_id);
	content = nsend_text(t, c->message);
	buf_addstr(b, "{\"text\":{\"content\":");
	njson_str(b, md ? "" : content);
	buf_addch(b, '}');
	wc_opt(b, "touser", user);
	wc_opt(b, "toparty", party);
	wc_opt(b, "totag", tag);
	wc_opt(b, "agentid", agent);
	wc_opt(b, "safe", "0");
	wc_opt(b, "msgtype", c->message_type);
	buf_addstr(b, ",\"markdown\":{\"content\":");
	njson_str(b, md ? content : "");
	buf_addstr(b, "}}\n");
}

/* APIURL.Copy(); Path += path; then the query replaced by q, or its
 * access_token set. */
static char *
wc_url(const struct wechat_conf *c, const char *path,
    const struct gourl_values *q, const char *token)
{
	struct nsend_url	 u;
	char			*s;

	nsend_url_parse(&u, c->api_url);
	nsend_url_path_add(&u, path);
	if (q != NULL)
		nsend_url_query_replace(&u, q);
	if (token != NULL)
		nsend_url_query_set(&u, "access_token", token);
	s = nsend_url_string(&u);
	nsend_url_release(&u);
	return s;
}

/*
 * The message, preceded by the token request when no token is cached
 * (the token request's verdict completes the message's URL).  Built
 * again before each retry: a 42001 answer forgets the token.
 */
static int
wechat_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct wechat_conf	*c = conf;
	struct nsend_tmpl		 t;
	struct gourl_values		 q;
	struct notify_req		*msg = req;
	char				*tok_url, *tok, *secret;
	int				 rc = -1;

	nsend_tmpl_init(&t, ctx, err);
	gourl_values_init(&q);
	/* api_secret_file (0.31): read per notification, trimmed; Go's
	 * os.ReadFile error as it is */
	secret = nconf_nz(c->api_secret_file.path) ?
	    nsend_read_file(c->api_secret_file.path, true, err) :
	    xstrdup(c->api_secret != NULL ? c->api_secret : "");
	if (secret == NULL)
		goto out;
	gourl_values_add(&q, "corpsecret", nsend_text(&t, secret));
	free(secret);
	gourl_values_add(&q, "corpid", nsend_text(&t, c->corp_id));
	if (t.failed) {
		ad_err_prefix(err, "templating error");
		goto out;
	}
	tok_url = wc_url(c, "gettoken", &q, NULL);
	tok = wc_cache_get(tok_url);
	if (tok == NULL) {
		req->url = tok_url;
		req->method = "GET";
		msg = notify_req_chain(req);
	} else {
		free(tok_url);
	}
	req->reprepare = true;
	wc_body(&msg->body, c, &t);
	msg->url = wc_url(c, "message/send", NULL, tok != NULL ? tok : "");
	free(tok);
	if (t.failed) {
		ad_err_prefix(err, "templating error");
		goto out;
	}
	for (; req != NULL; req = req->next) {
		req->http = c->base.http;
		req->url_is_secret = true;	/* secret or token inside */
	}
	notify_req_add_header(msg, "Content-Type: application/json");
	rc = 0;
out:
	gourl_values_release(&q);
	nsend_tmpl_release(&t);
	return rc;
}

/* json's name for the kind of a value in its type errors. */
static const char *
wc_kind(const json_t *v)
{
	if (json_is_object(v))
		return "object";
	if (json_is_array(v))
		return "array";
	if (json_is_string(v))
		return "string";
	if (json_is_boolean(v))
		return "bool";
	return "number";
}

/*
 * Decodes an answer as encoding/json would into a struct: NULL with
 * Go's message on a syntax error ("EOF" for nothing, as a Decoder says;
 * "unexpected end of JSON input" for Unmarshal) or on a value that is
 * neither an object nor null.
 */
static json_t *
wc_decode(const struct notify_resp *r, bool decoder, const char *type,
    struct ad_err *err)
{
	const char	*p = r->body, *end = r->body + r->body_len;
	json_error_t	 je;
	json_t		*v;

	while (p < end && strchr(" \t\r\n", *p) != NULL)
		p++;
	if (p == end) {
		ad_err_set(err, AD_EIO, "%s", decoder ? "EOF" :
		    "unexpected end of JSON input");
		return NULL;
	}
	if (strchr("{[\"-0123456789tfn", *p) == NULL) {
		ad_err_set(err, AD_EIO, "invalid character '%c' looking for "
		    "beginning of value", *p);
		return NULL;
	}
	v = json_loadb(r->body, r->body_len, JSON_DECODE_ANY |
	    (decoder ? JSON_DISABLE_EOF_CHECK : 0), &je);
	if (v == NULL) {
		ad_err_set(err, AD_EIO, "%s", decoder ? "unexpected EOF" :
		    "unexpected end of JSON input");
		return NULL;
	}
	if (!json_is_object(v) && !json_is_null(v)) {
		ad_err_set(err, AD_EIO, "json: cannot unmarshal %s into Go "
		    "value of type %s", wc_kind(v), type);
		json_decref(v);
		return NULL;
	}
	return v;
}

/* A field of a decoded object, matched as encoding/json matches names
 * (case-insensitively); the last one wins. */
static json_t *
wc_field(json_t *obj, const char *name)
{
	const char	*k;
	json_t		*v, *found = NULL;

	json_object_foreach(obj, k, v)
		if (strcasecmp(k, name) == 0)
			found = v;
	return found;
}

/* The token answer: its status is not looked at, as in Alertmanager. */
static enum notify_verdict
wc_token_verdict(const struct wechat_conf *c, const struct notify_resp *r,
    struct ad_err *err)
{
	json_t		*root, *tok;
	enum notify_verdict v = NOTIFY_FAIL;

	root = wc_decode(r, true, "wechat.token", err);
	if (root == NULL)
		return NOTIFY_FAIL;
	tok = json_is_object(root) ? wc_field(root, "access_token") : NULL;
	if (tok != NULL && !json_is_string(tok) && !json_is_null(tok)) {
		ad_err_set(err, AD_EIO, "json: cannot unmarshal %s into Go "
		    "struct field token.access_token of type string",
		    wc_kind(tok));
	} else if (!json_is_string(tok) || json_string_length(tok) == 0) {
		ad_err_set(err, AD_EIO, "invalid APISecret for CorpID: %s",
		    c->corp_id);
	} else {
		wc_cache_put(r->req->url, json_string_value(tok));
		wc_set_token(r->next, json_string_value(tok));
		v = NOTIFY_OK;
	}
	json_decref(root);
	return v;
}

/* The message answer: 200 and errcode 0, or why not. */
static enum notify_verdict
wc_send_verdict(const struct notify_resp *r, struct ad_err *err)
{
	json_t		*root, *code, *msg, *bad = NULL;
	enum notify_verdict v;

	if (r->status != 200) {
		ad_err_set(err, AD_EIO, "unexpected status code %ld",
		    r->status);
		return NOTIFY_RETRY;
	}
	root = wc_decode(r, false, "wechat.weChatResponse", err);
	if (root == NULL)
		return NOTIFY_RETRY;
	code = json_is_object(root) ? wc_field(root, "errcode") : NULL;
	msg = json_is_object(root) ? wc_field(root, "errmsg") : NULL;
	if (code != NULL && !json_is_integer(code) && !json_is_null(code))
		bad = code;
	else if (msg != NULL && !json_is_string(msg) && !json_is_null(msg))
		bad = msg;
	if (bad != NULL) {
		ad_err_set(err, AD_EIO, "json: cannot unmarshal %s into Go "
		    "struct field weChatResponse.%s", wc_kind(bad),
		    bad == code ? "errcode of type int" :
		    "errmsg of type string");
		json_decref(root);
		return NOTIFY_RETRY;
	}
	if (!json_is_integer(code) || json_integer_value(code) == 0) {
		v = NOTIFY_OK;
	} else {
		ad_err_set(err, AD_EIO, "%s", json_is_string(msg) ?
		    json_string_value(msg) : "");
		v = NOTIFY_FAIL;
		if (json_integer_value(code) == 42001) {
			/* the token expired: forget it, fetch another */
			wc_forget_url_token(r->req->url);
			v = NOTIFY_RETRY;
		}
	}
	json_decref(root);
	return v;
}

/*
 * The token request: fails unless a token comes (no retry), whatever
 * the status.  The message: retried on a transport error, a status
 * other than 200, an answer that does not decode, and 42001 (expired
 * token); errcode 0 is success; other codes fail with errmsg.  The
 * fields are "errcode" and "errmsg" as from 0.26 (0.25 read "code" and
 * "error", which WeChat never sends, so it took every answer for
 * success).
 */
static enum notify_verdict
wechat_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	if (r->status == 0) {
		ad_err_set(err, AD_EIO, "%s", r->curl_error != NULL ?
		    r->curl_error : "request failed");
		return NOTIFY_RETRY;
	}
	if (r->next != NULL)
		return wc_token_verdict(conf, r, err);
	return wc_send_verdict(r, err);
}

const struct notifier_type notifier_wechat = {
	.name = "wechat",
	.config_key = "wechat_configs",
	.send_resolved_default = false,
	.fields = wechat_fields,
	.conf_size = sizeof(struct wechat_conf),
	.check = wechat_check,
	.prepare = wechat_prepare,
	.verdict = wechat_verdict,
};
