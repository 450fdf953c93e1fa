/*
 * slack: the Slack integration (slack_configs).
 *
 * Configuration: Alertmanager 0.25's SlackConfig with fields and actions
 * (their own required fields), api_url or api_url_file from global
 * slack_api_url(_file); app_token(_file)/app_url (0.30, and global
 * slack_app_token(_file)/slack_app_url), message_text
 * (0.31), timeout (0.30) and update_message (0.32, parsed only) are
 * CF_NEWER.
 *
 * Sending: notify/slack's request byte for byte as json.Encoder writes it
 * (tests/data/slack/am-0.25 holds the real thing): every field rendered
 * as text in Alertmanager's order, the title cut to 1024 runes with "…",
 * mrkdwn_in defaulting to fallback, pretext and text, fields' short from
 * short_fields when unset.  The webhook URL (api_url, or api_url_file
 * read per notification) is a secret: never logged, "<redacted>" in
 * errors.  With an app token the request goes to app_url with
 * "Authorization: Bearer".  Answers: 2xx ok, except a JSON body with
 * "ok": false (0.26+: failed with Slack's error); 5xx and 429 retried
 * (0.25 and later fail a 429 at once and leave it to the next
 * group_interval; alertd retries it with backoff); other codes fail.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/nhttp.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "templates/tmpl.h"

struct slack_confirm {
	char	*text, *title, *ok_text, *dismiss_text;
};

struct slack_action {
	char			*type, *text, *url, *style, *name, *value;
	struct slack_confirm	*confirm;
};

struct slack_field {
	char	*title, *value;
	bool	 short_, short_set;
};

struct slack_conf {
	struct notifier_conf	  base;
	char			 *api_url;	/* secret URL */
	struct config_file	  api_url_file;
	char			 *app_token;	/* 0.30 */
	struct config_file	  app_token_file;
	char			 *app_url;
	char			 *channel, *username, *color, *title;
	char			 *title_link, *pretext, *text;
	char			 *message_text;	/* 0.31 */
	struct slack_field	**fields;
	size_t			  n_fields;
	bool			  short_fields;
	char			 *footer, *fallback, *callback_id;
	char			 *icon_emoji, *icon_url, *image_url, *thumb_url;
	bool			  link_names;
	char			**mrkdwn_in;
	size_t			  n_mrkdwn_in;
	struct slack_action	**actions;
	size_t			  n_actions;
	bool			  update_message;
	ad_dur_t		  timeout;	/* 0.30; 0: none */
};

#define T	(CF_OMITEMPTY | CF_TEMPLATE)

/* config.DefaultGlobalConfig's slack_app_url (0.30) */
#define SLACK_APP_URL	"https://slack.com/api/chat.postMessage"

static int
confirm_check(void *obj, struct config_check *chk)
{
	struct slack_confirm	*c = obj;

	if (!nconf_nz(c->text))
		return config_check_errf(chk, NULL, "missing text in Slack "
		    "confirmation configuration");
	return 0;
}

static const struct config_field confirm_fields[] = {
	CF_F("text", CF_STR, T, struct slack_confirm, text),
	CF_F("title", CF_STR, T, struct slack_confirm, title),
	CF_F("ok_text", CF_STR, T, struct slack_confirm, ok_text),
	CF_F("dismiss_text", CF_STR, T, struct slack_confirm, dismiss_text),
	CF_END
};

static const struct config_obj confirm_obj = {
	.go_type = "config.plain", .size = sizeof(struct slack_confirm),
	.fields = confirm_fields, .check = confirm_check,
};

static int
action_check(void *obj, struct config_check *chk)
{
	struct slack_action	*a = obj;

	if (!nconf_nz(a->type))
		return config_check_errf(chk, NULL, "missing type in Slack "
		    "action configuration");
	if (!nconf_nz(a->text))
		return config_check_errf(chk, NULL, "missing text in Slack "
		    "action configuration");
	if (nconf_nz(a->url)) {
		/* a link button: Alertmanager clears the message action
		 * fields, confirm included (they are neither sent nor shown) */
		free(a->name);
		free(a->value);
		a->name = a->value = NULL;
		config_obj_release(&confirm_obj, a->confirm);
		free(a->confirm);
		a->confirm = NULL;
		return 0;
	}
	if (nconf_nz(a->name)) {
		free(a->url);
		a->url = NULL;
		return 0;
	}
	return config_check_errf(chk, NULL, "missing name or url in Slack "
	    "action configuration");
}

#define A	struct slack_action

static const struct config_field action_fields[] = {
	CF_F("type", CF_STR, T, A, type),
	CF_F("text", CF_STR, T, A, text),
	CF_F("url", CF_STR, T, A, url),
	CF_F("style", CF_STR, T, A, style),
	CF_F("name", CF_STR, T, A, name),
	CF_F("value", CF_STR, T, A, value),
	CF_FO("confirm", CF_PTR, CF_OMITEMPTY, A, confirm, &confirm_obj),
	CF_END
};

static const struct config_obj action_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.SlackAction",
	.size = sizeof(A), .fields = action_fields, .check = action_check,
};

static int
field_check(void *obj, struct config_check *chk)
{
	struct slack_field	*f = obj;

	if (!nconf_nz(f->title))
		return config_check_errf(chk, NULL, "missing title in Slack "
		    "field configuration");
	if (!nconf_nz(f->value))
		return config_check_errf(chk, NULL, "missing value in Slack "
		    "field configuration");
	return 0;
}

static const struct config_field field_fields[] = {
	CF_F("title", CF_STR, T, struct slack_field, title),
	CF_F("value", CF_STR, T, struct slack_field, value),
	{ .key = "short", .type = CF_BOOL, .flags = CF_OMITEMPTY | CF_HASSET,
	  .off = offsetof(struct slack_field, short_),
	  .off_set = offsetof(struct slack_field, short_set) },
	CF_END
};

static const struct config_obj field_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.SlackField",
	.size = sizeof(struct slack_field), .fields = field_fields,
	.check = field_check,
};

#define S	struct slack_conf

static const struct config_field slack_fields[] = {
	NCONF_SEND_RESOLVED(S, 0),
	NCONF_HTTP(S),
	CF_F("api_url", CF_SECRET_URL, CF_OMITEMPTY, S, api_url),
	CF_F("api_url_file", CF_FILE, CF_OMITEMPTY, S, api_url_file),
	NCONF_NEWER("app_token", CF_SECRET, CF_OMITEMPTY, S, app_token, "0.30"),
	NCONF_NEWER("app_token_file", CF_FILE, CF_OMITEMPTY, S, app_token_file,
	    "0.30"),
	NCONF_NEWER("app_url", CF_URL, CF_OMITEMPTY, S, app_url, "0.30"),
	CF_F("channel", CF_STR, T, S, channel),
	CF_FD("username", CF_STR, T, S, username,
	    "{{ template \"slack.default.username\" . }}"),
	CF_FD("color", CF_STR, T, S, color,
	    "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}"),
	CF_FD("title", CF_STR, T, S, title,
	    "{{ template \"slack.default.title\" . }}"),
	CF_FD("title_link", CF_STR, T, S, title_link,
	    "{{ template \"slack.default.titlelink\" . }}"),
	CF_FD("pretext", CF_STR, T, S, pretext,
	    "{{ template \"slack.default.pretext\" . }}"),
	CF_FD("text", CF_STR, T, S, text,
	    "{{ template \"slack.default.text\" . }}"),
	NCONF_NEWER("message_text", CF_STR, T, S, message_text, "0.31"),
	CF_FL("fields", CF_OMITEMPTY, S, fields, n_fields, &field_obj),
	CF_F("short_fields", CF_BOOL, 0, S, short_fields),
	CF_FD("footer", CF_STR, T, S, footer,
	    "{{ template \"slack.default.footer\" . }}"),
	CF_FD("fallback", CF_STR, T, S, fallback,
	    "{{ template \"slack.default.fallback\" . }}"),
	CF_FD("callback_id", CF_STR, T, S, callback_id,
	    "{{ template \"slack.default.callbackid\" . }}"),
	CF_FD("icon_emoji", CF_STR, T, S, icon_emoji,
	    "{{ template \"slack.default.iconemoji\" . }}"),
	CF_FD("icon_url", CF_STR, T, S, icon_url,
	    "{{ template \"slack.default.iconurl\" . }}"),
	CF_F("image_url", CF_STR, T, S, image_url),
	CF_F("thumb_url", CF_STR, T, S, thumb_url),
	CF_F("link_names", CF_BOOL, 0, S, link_names),
	CF_FN("mrkdwn_in", CF_STRS, CF_OMITEMPTY, S, mrkdwn_in, n_mrkdwn_in),
	CF_FL("actions", CF_OMITEMPTY, S, actions, n_actions, &action_obj),
	NCONF_NEWER("update_message", CF_BOOL, CF_OMITEMPTY, S, update_message,
	    "0.32"),
	NCONF_NEWER("timeout", CF_GODUR, CF_OMITEMPTY, S, timeout, "0.30"),
	CF_END
};

/*
 * Slack app tokens (0.30): a bot token sent as "Authorization: Bearer"
 * to app_url (chat.postMessage), instead of a webhook URL.
 */
static bool
slack_app_mode(const struct slack_conf *c)
{
	return nconf_nz(c->app_token) || nconf_nz(c->app_token_file.path);
}

/* The receiver's own app token settings (SlackConfig.UnmarshalYAML). */
static int
slack_check_own(struct slack_conf *c, struct config_check *chk)
{
	if (c->api_url != NULL && nconf_nz(c->api_url_file.path))
		return config_check_errf(chk, "api_url", "at most one of "
		    "api_url & api_url_file must be configured");
	if (nconf_nz(c->app_token) && nconf_nz(c->app_token_file.path))
		return config_check_errf(chk, "app_token", "at most one of "
		    "app_token & app_token_file must be configured");
	if (slack_app_mode(c) &&
	    (c->api_url != NULL || nconf_nz(c->api_url_file.path)))
		return config_check_errf(chk, NULL, "at most one of "
		    "api_url/api_url_file & app_token/app_token_file must be "
		    "configured");
	return 0;
}

/*
 * Config.UnmarshalYAML's Slack part: the global app token (0.30) when the
 * receiver has neither a token, an Authorization of its own nor an
 * api_url; else the global webhook URL.  app_url (global slack_app_url,
 * else chat.postMessage) is filled in app mode only: 0.25's dump of a
 * webhook receiver has no app_url.
 */
static int
slack_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct slack_conf		*c = conf;
	const struct config_http	*h;

	if (slack_check_own(c, chk) == -1)
		return -1;
	if (!slack_app_mode(c) && c->api_url == NULL &&
	    (c->base.http == NULL || c->base.http->authorization == NULL)) {
		nconf_default(&c->app_token, g->slack_app_token);
		nconf_file_default(&c->app_token_file,
		    &g->slack_app_token_file);
	}
	if (!slack_app_mode(c) && c->api_url == NULL &&
	    !nconf_nz(c->api_url_file.path)) {
		if (g->slack_api_url == NULL &&
		    !nconf_nz(g->slack_api_url_file.path))
			return config_check_errf(chk, NULL, "no global Slack "
			    "API URL set either inline or in a file");
		nconf_default(&c->api_url, g->slack_api_url);
		nconf_file_default(&c->api_url_file, &g->slack_api_url_file);
	}
	if (!slack_app_mode(c))
		return 0;
	h = c->base.http != NULL ? c->base.http : g->http;
	if (h != NULL && h->authorization != NULL)
		return config_check_errf(chk, NULL, "http authorization can't "
		    "be set when using Slack App tokens");
	nconf_default(&c->app_url, g->slack_app_url);
	nconf_default(&c->app_url, SLACK_APP_URL);
	return 0;
}

/* ------------------------------------------------------------ sending */

/* Slack's limit for an attachment title: 1024 (runes, as Alertmanager
 * reads it). */
#define SLACK_TITLE_MAX_RUNES	1024

/*
 * notify.TmplText: the first error sticks and later fields render as ""
 * (the message fails anyway).  Each field is rendered into its own string
 * of `out`, in Alertmanager's order, so that the first error reported is
 * Alertmanager's.
 */
struct slack_tmpl {
	const struct tmpl_set	*ts;
	const struct tmpl_data	*d;
	struct ad_err		*err;
	bool			 failed;
	char			**strs;		/* every rendered string */
	size_t			 n_strs;
};

static const char *
slack_text(struct slack_tmpl *t, const char *text)
{
	struct buf	b;
	char		*s;

	buf_init(&b, BUF_NOCAP);
	if (!t->failed && text != NULL &&
	    tmpl_exec_text(t->ts, text, t->d, &b, t->err) == -1) {
		t->failed = true;
		buf_reset(&b);
	}
	s = buf_detach(&b, NULL);
	if (s == NULL)
		s = xstrdup("");
	t->strs = xreallocarray(t->strs, t->n_strs + 1, sizeof(*t->strs));
	t->strs[t->n_strs++] = s;
	return s;
}

static void
slack_tmpl_release(struct slack_tmpl *t)
{
	size_t	i;

	for (i = 0; i < t->n_strs; i++)
		free(t->strs[i]);
	free(t->strs);
}

/* A string field with `omitempty`: nothing when empty. */
static void
json_opt(struct buf *b, bool *first, const char *key, const char *v)
{
	if (v[0] == '\0')
		return;
	buf_addstr(b, *first ? "{\"" : ",\"");
	*first = false;
	buf_addstr(b, key);
	buf_addstr(b, "\":");
	njson_str(b, v);
}

/* A field always present. */
static void
json_req(struct buf *b, bool *first, const char *key, const char *v)
{
	buf_addstr(b, *first ? "{\"" : ",\"");
	*first = false;
	buf_addstr(b, key);
	buf_addstr(b, "\":");
	njson_str(b, v);
}

static void
json_close(struct buf *b, bool first)
{
	buf_addstr(b, first ? "{}" : "}");
}

/* config.SlackField with short from short_fields when unset. */
static void
slack_fields_json(struct buf *b, struct slack_tmpl *t,
    const struct slack_conf *c)
{
	const struct slack_field	*f;
	bool				 first, shrt;
	size_t				 i;

	buf_addstr(b, ",\"fields\":[");
	for (i = 0; i < c->n_fields; i++) {
		f = c->fields[i];
		shrt = f->short_set ? f->short_ : c->short_fields;
		first = true;
		if (i > 0)
			buf_addch(b, ',');
		json_opt(b, &first, "title", slack_text(t, f->title));
		json_opt(b, &first, "value", slack_text(t, f->value));
		buf_addstr(b, first ? "{\"short\":" : ",\"short\":");
		buf_addstr(b, shrt ? "true}" : "false}");
	}
	buf_addch(b, ']');
}

/* "confirm": rendered title first, as Go's composite literal, then
 * written in the struct's order. */
static void
slack_confirm_json(struct buf *b, struct slack_tmpl *t,
    const struct slack_confirm *cf)
{
	const char	*title = slack_text(t, cf->title);
	const char	*text = slack_text(t, cf->text);
	const char	*ok = slack_text(t, cf->ok_text);
	const char	*no = slack_text(t, cf->dismiss_text);
	bool		 first = true;

	buf_addstr(b, "\"confirm\":");
	json_opt(b, &first, "text", text);
	json_opt(b, &first, "title", title);
	json_opt(b, &first, "ok_text", ok);
	json_opt(b, &first, "dismiss_text", no);
	json_close(b, first);
}

/* config.SlackAction, its confirm object when configured. */
static void
slack_actions_json(struct buf *b, struct slack_tmpl *t,
    const struct slack_conf *c)
{
	const struct slack_action	*a;
	bool				 first;
	size_t				 i;

	buf_addstr(b, ",\"actions\":[");
	for (i = 0; i < c->n_actions; i++) {
		a = c->actions[i];
		first = true;
		if (i > 0)
			buf_addch(b, ',');
		json_opt(b, &first, "type", slack_text(t, a->type));
		json_opt(b, &first, "text", slack_text(t, a->text));
		json_opt(b, &first, "url", slack_text(t, a->url));
		json_opt(b, &first, "style", slack_text(t, a->style));
		json_opt(b, &first, "name", slack_text(t, a->name));
		json_opt(b, &first, "value", slack_text(t, a->value));
		if (a->confirm != NULL) {
			buf_addstr(b, first ? "{" : ",");
			first = false;
			slack_confirm_json(b, t, a->confirm);
		}
		json_close(b, first);
	}
	buf_addch(b, ']');
}

/*
 * notify.TruncateInRunes(s, 1024): the first 1023 runes and "…" when s
 * has more than 1024 (an invalid byte counts as one rune).
 */
static const char *
slack_truncate_title(const char *s, const char *group_key, struct buf *tmp)
{
	size_t		len = strlen(s), i, runes = 0;
	uint32_t	r;
	int		n;

	if (utf8_runecount(s, len) <= SLACK_TITLE_MAX_RUNES)
		return s;
	for (i = 0; i < len && runes < SLACK_TITLE_MAX_RUNES - 1; runes++) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &r);
		i += n < 0 ? 1 : (size_t)n;
	}
	buf_add(tmp, s, i);
	buf_addstr(tmp, "\xe2\x80\xa6");
	log_warnkv("Truncated title", "key", group_key, "max_runes", "1024",
	    NULL);
	return buf_str(tmp);
}

/* The attachment, rendered in Alertmanager's order. */
static void
slack_attachment_json(struct buf *b, struct slack_tmpl *t,
    const struct slack_conf *c, const char *group_key)
{
	struct buf	 tbuf;
	const char	*title, *link, *pretext, *text, *fallback, *cb;
	const char	*image, *thumb, *footer, *color;
	bool		 first = true;
	size_t		 i;

	buf_init(&tbuf, BUF_NOCAP);
	title = slack_truncate_title(slack_text(t, c->title), group_key,
	    &tbuf);
	link = slack_text(t, c->title_link);
	pretext = slack_text(t, c->pretext);
	text = slack_text(t, c->text);
	fallback = slack_text(t, c->fallback);
	cb = slack_text(t, c->callback_id);
	image = slack_text(t, c->image_url);
	thumb = slack_text(t, c->thumb_url);
	footer = slack_text(t, c->footer);
	color = slack_text(t, c->color);
	json_opt(b, &first, "title", title);
	json_opt(b, &first, "title_link", link);
	json_opt(b, &first, "pretext", pretext);
	json_req(b, &first, "text", text);
	json_req(b, &first, "fallback", fallback);
	json_req(b, &first, "callback_id", cb);
	if (c->n_fields > 0)
		slack_fields_json(b, t, c);
	if (c->n_actions > 0)
		slack_actions_json(b, t, c);
	json_opt(b, &first, "image_url", image);
	json_opt(b, &first, "thumb_url", thumb);
	json_req(b, &first, "footer", footer);
	json_opt(b, &first, "color", color);
	/* mrkdwn_in defaults to fallback, pretext and text */
	buf_addstr(b, ",\"mrkdwn_in\":[");
	if (c->n_mrkdwn_in == 0)
		buf_addstr(b, "\"fallback\",\"pretext\",\"text\"");
	for (i = 0; i < c->n_mrkdwn_in; i++) {
		if (i > 0)
			buf_addch(b, ',');
		njson_str(b, c->mrkdwn_in[i]);
	}
	buf_addstr(b, "]}");
	buf_release(&tbuf);
}

/*
 * The request of slack.go, as json.Encoder writes it (field order,
 * omitempty, HTML escaping, trailing newline).  The attachment is
 * rendered first, as Alertmanager does, then the top-level fields.
 */
static int
slack_payload(struct buf *out, const struct slack_conf *c,
    const struct notify_ctx *ctx, char **channel, struct ad_err *err)
{
	struct slack_tmpl	 t;
	struct tmpl_data	*d;
	struct buf		 att;
	const char		*chan, *user, *emoji, *icon, *mtext;
	bool			 first = true;
	int			 rc = 0;

	d = tmpl_data_new(ctx->receiver, ctx->group_labels, ctx->alerts,
	    ctx->n_alerts, ctx->external_url, ctx->now);
	memset(&t, 0, sizeof(t));
	t.ts = ctx->tmpl;
	t.d = d;
	t.err = err;
	buf_init(&att, BUF_NOCAP);
	slack_attachment_json(&att, &t, c, ctx->group_key);
	chan = slack_text(&t, c->channel);
	user = slack_text(&t, c->username);
	emoji = slack_text(&t, c->icon_emoji);
	icon = slack_text(&t, c->icon_url);
	mtext = slack_text(&t, c->message_text);
	if (t.failed) {
		rc = -1;
		goto out;
	}
	json_opt(out, &first, "channel", chan);
	json_opt(out, &first, "username", user);
	json_opt(out, &first, "icon_emoji", emoji);
	json_opt(out, &first, "icon_url", icon);
	if (c->link_names) {
		buf_addstr(out, first ? "{" : ",");
		first = false;
		buf_addstr(out, "\"link_names\":true");
	}
	json_opt(out, &first, "text", mtext);
	buf_addstr(out, first ? "{\"attachments\":[" : ",\"attachments\":[");
	buf_add(out, buf_str(&att), buf_len(&att));
	buf_addstr(out, "]}\n");
	*channel = xstrdup(chan);
out:
	buf_release(&att);
	slack_tmpl_release(&t);
	tmpl_data_free(d);
	return rc;
}

/* Where the request goes: the webhook URL (secret), or app_url with the
 * bot token.  Files are read on each notification, as Alertmanager. */
static int
slack_target(const struct slack_conf *c, struct notify_req *req,
    struct ad_err *err)
{
	char	*token;

	if (!slack_app_mode(c)) {
		if (c->api_url != NULL)
			req->url = xstrdup(c->api_url);
		else {
			req->url = nhttp_read_secret_file(c->api_url_file.path,
			    "slack api_url", err);
			if (req->url == NULL)
				return -1;
		}
		req->url_is_secret = true;
		return 0;
	}
	if (nconf_nz(c->app_token))
		token = xstrdup(c->app_token);
	else {
		token = nhttp_read_secret_file(c->app_token_file.path,
		    "slack app_token", err);
		if (token == NULL)
			return -1;
	}
	req->url = xstrdup(c->app_url != NULL ? c->app_url : SLACK_APP_URL);
	notify_req_add_header(req, "Authorization: Bearer %s", token);
	free(token);
	return 0;
}

static int
slack_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct slack_conf	*c = conf;
	char			*channel = NULL;

	if (slack_payload(&req->body, c, ctx, &channel, err) == -1)
		return -1;
	if (slack_target(c, req, err) == -1) {
		free(channel);
		return -1;
	}
	req->http = c->base.http;
	req->timeout = c->timeout;
	req->verdict_note = channel;
	notify_req_add_header(req, "Content-Type: application/json");
	return 0;
}

/*
 * Slack's Web API answers errors with 200 and {"ok": false, "error":
 * "..."}; Alertmanager 0.26+ fails such a notification without retry.
 * Only a JSON object with "ok": false counts: an incoming webhook
 * answers "ok", Slack-compatible endpoints answer other bodies, and
 * Alertmanager 0.25 accepted every 2xx.
 */
static bool
slack_ok_false(const struct notify_resp *r, struct buf *why)
{
	json_t		*root, *ok, *e;
	json_error_t	 je;
	bool		 bad = false;

	if (r->body_len == 0 || r->body[0] != '{')
		return false;
	root = json_loadb(r->body, r->body_len, 0, &je);
	if (root == NULL)
		return false;
	ok = json_object_get(root, "ok");
	if (json_is_false(ok)) {
		bad = true;
		e = json_object_get(root, "error");
		buf_addstr(why, json_is_string(e) ? json_string_value(e) : "");
	}
	json_decref(root);
	return bad;
}

/* A transport error, retried; a cut by `timeout` says so (0.30). */
static enum notify_verdict
slack_transport_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	const struct slack_conf	*c = conf;
	enum notify_verdict	 v = notifier_default_verdict(conf, r, err);
	char			 d[DUR_FMT_MAX];

	if (r->curl_code == CURLE_OPERATION_TIMEDOUT && c->timeout > 0)
		ad_err_set(err, AD_EIO, "%s: configured slack timeout reached "
		    "(%s)", r->curl_error != NULL ? r->curl_error : "timeout",
		    dur_format_go(c->timeout, d));
	return v;
}

/*
 * Retrier with 429 retried: 2xx ok (unless ok:false), 5xx and 429 retried
 * with backoff, other codes fail; errors name the channel, as
 * Alertmanager's `channel "#x": unexpected status code 400: body`.
 */
static enum notify_verdict
slack_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	struct buf	q, why;
	enum notify_verdict v = NOTIFY_OK;

	if (r->status == 0)
		return slack_transport_verdict(conf, r, err);
	buf_init(&q, BUF_NOCAP);
	buf_init(&why, BUF_NOCAP);
	buf_add_goquote(&q, r->verdict_note != NULL ? r->verdict_note : "",
	    r->verdict_note != NULL ? strlen(r->verdict_note) : 0);
	if (r->status / 100 == 2) {
		if (slack_ok_false(r, &why)) {
			ad_err_set(err, AD_EIO, "channel %s: error response "
			    "from Slack: %s", buf_str(&q), buf_str(&why));
			v = NOTIFY_FAIL;
		}
	} else {
		if (r->body_len > 0)
			ad_err_set(err, AD_EIO, "channel %s: unexpected status "
			    "code %ld: %.*s", buf_str(&q), r->status,
			    (int)r->body_len, r->body);
		else
			ad_err_set(err, AD_EIO, "channel %s: unexpected status "
			    "code %ld", buf_str(&q), r->status);
		v = r->status / 100 == 5 || r->status == 429 ? NOTIFY_RETRY :
		    NOTIFY_FAIL;
	}
	buf_release(&q);
	buf_release(&why);
	return v;
}

const struct notifier_type notifier_slack = {
	.name = "slack",
	.config_key = "slack_configs",
	.send_resolved_default = false,
	.fields = slack_fields,
	.conf_size = sizeof(struct slack_conf),
	.check = slack_check,
	.prepare = slack_prepare,
	.verdict = slack_verdict,
};
