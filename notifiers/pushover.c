/*
 * pushover: the Pushover integration (pushover_configs).
 *
 * Configuration: Alertmanager 0.25's PushoverConfig: user_key and token
 * required; retry and expire are Go durations (1m, 1h by default);
 * user_key_file, token_file, device, ttl, monospace came later.
 *
 * Sending: notify/pushover, byte for byte (tests/data/integrations/
 * pushover): an empty text/plain POST to the fixed API URL with the form
 * in its query string (url.Values.Encode: sorted, '+' for spaces; the
 * URL never logged), title, message and url cut at 250, 1024 and 512
 * runes with Alertmanager's warnings, the message trimmed and "(no
 * details)" when empty, rendered as HTML with html: true, priority
 * rendered, retry and expire in whole seconds.  Later releases' fields
 * as they send them (token_file and user_key_file read per notification,
 * untrimmed; monospace=1; ttl when positive), except device, sent only
 * when configured.  Answers: notify.Retrier's default.
 */
#include <stdio.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"

struct pushover_conf {
	struct notifier_conf	 base;
	char			*user_key;
	struct config_file	 user_key_file;
	char			*token;
	struct config_file	 token_file;
	char			*title, *message, *url, *url_title, *device;
	char			*sound, *priority;
	ad_dur_t		 retry, expire, ttl;
	bool			 html, monospace;
};

#define P	struct pushover_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field pushover_fields[] = {
	NCONF_SEND_RESOLVED(P, 1),
	NCONF_HTTP(P),
	CF_F("user_key", CF_SECRET, CF_OMITEMPTY, P, user_key),
	NCONF_NEWER("user_key_file", CF_FILE, CF_OMITEMPTY, P, user_key_file,
	    "0.26"),
	CF_F("token", CF_SECRET, CF_OMITEMPTY, P, token),
	NCONF_NEWER("token_file", CF_FILE, CF_OMITEMPTY, P, token_file, "0.26"),
	CF_FD("title", CF_STR, T, P, title,
	    "{{ template \"pushover.default.title\" . }}"),
	CF_FD("message", CF_STR, T, P, message,
	    "{{ template \"pushover.default.message\" . }}"),
	CF_FD("url", CF_STR, T, P, url,
	    "{{ template \"pushover.default.url\" . }}"),
	CF_F("url_title", CF_STR, T, P, url_title),
	NCONF_NEWER("device", CF_STR, T, P, device, "0.26"),
	CF_F("sound", CF_STR, T, P, sound),
	CF_FD("priority", CF_STR, T, P, priority,
	    "{{ if eq .Status \"firing\" }}2{{ else }}0{{ end }}"),
	CF_FI("retry", CF_GODUR, CF_OMITEMPTY, P, retry, AD_MIN),
	CF_FI("expire", CF_GODUR, CF_OMITEMPTY, P, expire, AD_HOUR),
	NCONF_NEWER("ttl", CF_GODUR, CF_OMITEMPTY, P, ttl, "0.26"),
	CF_F("html", CF_BOOL, 0, P, html),
	NCONF_NEWER("monospace", CF_BOOL, CF_OMITEMPTY, P, monospace, "0.27"),
	CF_END
};

static int
pushover_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct pushover_conf	*c = conf;

	(void)g;
	if (!nconf_nz(c->user_key) && !nconf_nz(c->user_key_file.path))
		return config_check_errf(chk, NULL, "missing user key in "
		    "Pushover config");
	if (nconf_nz(c->user_key) && nconf_nz(c->user_key_file.path))
		return config_check_errf(chk, "user_key", "at most one of "
		    "user_key & user_key_file must be configured");
	if (!nconf_nz(c->token) && !nconf_nz(c->token_file.path))
		return config_check_errf(chk, NULL, "missing token in Pushover "
		    "config");
	if (nconf_nz(c->token) && nconf_nz(c->token_file.path))
		return config_check_errf(chk, "token", "at most one of token & "
		    "token_file must be configured");
	if (c->html && c->monospace)
		return config_check_errf(chk, "monospace", "at most one of "
		    "monospace & html must be configured");
	return 0;
}

/* ------------------------------------------------------------ sending --- */

#define PO_API_URL		"https://api.pushover.net/1/messages.json"
#define PO_MAX_TITLE_RUNES	250
#define PO_MAX_MESSAGE_RUNES	1024
#define PO_MAX_URL_RUNES	512

/* TruncateInRunes with Alertmanager's warning; the result kept in t. */
static const char *
po_truncate(struct nsend_tmpl *t, const char *s, size_t n, const char *what,
    const char *key)
{
	struct buf	b;
	char		max[16];

	buf_init(&b, BUF_NOCAP);
	if (nsend_truncate_runes(&b, s, n)) {
		snprintf(max, sizeof(max), "%zu", n);
		log_warnkv(what, "integration", "pushover", "incident", key,
		    "max_runes", max, NULL);
	}
	return nsend_keep(t, buf_detach(&b, NULL));
}

/* A secret inline, else its file's content as read (0.26: not
 * trimmed), both rendered as templates. */
static const char *
po_secret(struct nsend_tmpl *t, const char *inline_v, const char *path,
    const char *what, struct ad_err *err)
{
	char	*v;

	if (nconf_nz(inline_v))
		return inline_v;
	v = nsend_read_file(path, false, err);
	if (v == NULL) {
		ad_err_prefix(err, "read %s", what);
		return NULL;
	}
	return nsend_keep(t, v);
}

/* The message: cut, trimmed, "(no details)" when empty. */
static const char *
po_message(const struct pushover_conf *c, struct nsend_tmpl *t,
    const char *key)
{
	const char	*m, *s;
	size_t		 len;

	m = c->html ? nsend_html(t, c->message) : nsend_text(t, c->message);
	m = po_truncate(t, m, PO_MAX_MESSAGE_RUNES, "Truncated message", key);
	len = strlen(m);
	s = nsend_trim_space(m, &len);
	/* Pushover rejects empty messages */
	if (len == 0)
		return "(no details)";
	return nsend_keep(t, xstrndup(s, len));
}

static void
po_seconds(struct gourl_values *q, const char *k, ad_dur_t d)
{
	char	v[32];

	snprintf(v, sizeof(v), "%lld", (long long)(d / AD_SEC));
	gourl_values_add(q, k, v);
}

/* url.Values, added in Alertmanager's order (Encode sorts them). */
static int
po_values(const struct pushover_conf *c, struct nsend_tmpl *t,
    const char *key, struct gourl_values *q, struct ad_err *err)
{
	const char	*token, *user;

	token = po_secret(t, c->token, c->token_file.path, "token_file", err);
	if (token == NULL)
		return -1;
	user = po_secret(t, c->user_key, c->user_key_file.path,
	    "user_key_file", err);
	if (user == NULL)
		return -1;
	gourl_values_add(q, "token", nsend_text(t, token));
	gourl_values_add(q, "user", nsend_text(t, user));
	gourl_values_add(q, "title", po_truncate(t, nsend_text(t, c->title),
	    PO_MAX_TITLE_RUNES, "Truncated title", key));
	if (c->html)
		gourl_values_add(q, "html", "1");
	if (c->monospace)
		gourl_values_add(q, "monospace", "1");
	gourl_values_add(q, "message", po_message(c, t, key));
	gourl_values_add(q, "url", po_truncate(t, nsend_text(t, c->url),
	    PO_MAX_URL_RUNES, "Truncated URL", key));
	gourl_values_add(q, "url_title", nsend_text(t, c->url_title));
	gourl_values_add(q, "priority", nsend_text(t, c->priority));
	po_seconds(q, "retry", c->retry);
	po_seconds(q, "expire", c->expire);
	/* device (0.26) is sent by newer releases even when empty; alertd
	 * sends it when configured, so 0.25 configs send what 0.25 does */
	if (c->device != NULL)
		gourl_values_add(q, "device", nsend_text(t, c->device));
	gourl_values_add(q, "sound", nsend_text(t, c->sound));
	if (c->ttl / AD_SEC > 0)
		po_seconds(q, "ttl", c->ttl);
	return t->failed ? -1 : 0;
}

static int
pushover_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct pushover_conf	*c = conf;
	struct nsend_tmpl		 t;
	struct gourl_values		 q;
	struct buf			 url;
	int				 rc = -1;

	nsend_tmpl_init(&t, ctx, err);
	gourl_values_init(&q);
	if (po_values(c, &t, ctx->group_key, &q, err) == -1)
		goto out;
	buf_init(&url, BUF_NOCAP);
	buf_addstr(&url, PO_API_URL "?");
	gourl_values_encode(&q, &url);
	req->url = buf_detach(&url, NULL);
	/* token and user key in the query (#1825) */
	req->url_is_secret = true;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: text/plain");
	rc = 0;
out:
	gourl_values_release(&q);
	nsend_tmpl_release(&t);
	return rc;
}

/* notify.Retrier{}: the default verdict; the URL shows as <redacted>. */
const struct notifier_type notifier_pushover = {
	.name = "pushover",
	.config_key = "pushover_configs",
	.send_resolved_default = true,
	.fields = pushover_fields,
	.conf_size = sizeof(struct pushover_conf),
	.check = pushover_check,
	.prepare = pushover_prepare,
	.verdict = NULL,
};
