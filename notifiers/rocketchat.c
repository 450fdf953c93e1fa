/*
 * rocketchat: the Rocket.Chat integration (rocketchat_configs, upstream
 * 0.28).
 *
 * Configuration: upstream's RocketchatConfig: api_url (global
 * rocketchat_api_url, else https://open.rocket.chat/), token_id and
 * token (or their _file), each from the global section when the
 * receiver has neither; at most one of a secret and its file.  Actions
 * and fields have no yaml tags in Go: their keys are the lower-cased
 * field names (text, url, msg, short, ...).  send_resolved false.
 * Departs: upstream takes a global *_file even when the receiver has the
 * inline secret (cmp.Or on each), and the file then wins; alertd keeps
 * the receiver's own secret.
 *
 * Sending: notify/rocketchat's chat.postMessage as json.Encoder writes
 * PostMessage (channel, emoji, avatar and one attachment: title cut to
 * 1024 runes, title_link, text, image_url, thumb_url, color, fields with
 * "short" always written (its own, else short_fields), button actions
 * with is_webview and msg_in_chat_window always false), POSTed to
 * <api_url>/api/v1/chat.postMessage with X-Auth-Token and X-User-Id.
 * The *_file secrets are read at load, as upstream's New reads them.
 * Answers: notify.Retrier (5xx retried), then the JSON body: "success"
 * false fails with Rocket.Chat's error, a body that is not JSON is
 * retried; every error prefixed with the channel.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"

struct rc_field {
	bool	 short_, short_set;	/* *bool */
	char	*title, *value;
};

struct rc_action {
	char	*type, *text, *url, *image_url;
	bool	 is_webview;
	char	*webview_height_ratio, *msg;
	bool	 msg_in_chat_window;
	char	*msg_processing_type;
};

struct rocketchat_conf {
	struct notifier_conf	 base;
	char			*api_url;
	char			*token_id;	/* *Secret */
	struct config_file	 token_id_file;
	char			*token;		/* *Secret */
	struct config_file	 token_file;
	char			*channel, *color, *title, *title_link, *text;
	struct rc_field		**fields;
	size_t			 n_fields;
	bool			 short_fields;
	char			*emoji, *icon_url, *image_url, *thumb_url;
	bool			 link_names;
	struct rc_action	**actions;
	size_t			 n_actions;
};

#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field rc_field_fields[] = {
	{ .key = "short", .type = CF_BOOL, .flags = CF_HASSET,
	  .off = offsetof(struct rc_field, short_),
	  .off_set = offsetof(struct rc_field, short_set) },
	CF_F("title", CF_STR, CF_TEMPLATE, struct rc_field, title),
	CF_F("value", CF_STR, CF_TEMPLATE, struct rc_field, value),
	CF_END
};

static const struct config_obj rc_field_obj = {
	.go_type = "rocketchat.RocketchatAttachmentField",
	.go_list_type = "[]*rocketchat.RocketchatAttachmentField",
	.size = sizeof(struct rc_field), .fields = rc_field_fields,
};

#define A	struct rc_action
static const struct config_field rc_action_fields[] = {
	CF_F("type", CF_STR, 0, A, type),
	CF_F("text", CF_STR, CF_TEMPLATE, A, text),
	CF_F("url", CF_STR, CF_TEMPLATE, A, url),
	CF_F("imageurl", CF_STR, 0, A, image_url),
	CF_F("iswebview", CF_BOOL, 0, A, is_webview),
	CF_F("webviewheightratio", CF_STR, 0, A, webview_height_ratio),
	CF_F("msg", CF_STR, CF_TEMPLATE, A, msg),
	CF_F("msginchatwindow", CF_BOOL, 0, A, msg_in_chat_window),
	CF_F("msgprocessingtype", CF_STR, 0, A, msg_processing_type),
	CF_END
};

static const struct config_obj rc_action_obj = {
	.go_type = "rocketchat.RocketchatAttachmentAction",
	.go_list_type = "[]*rocketchat.RocketchatAttachmentAction",
	.size = sizeof(A), .fields = rc_action_fields,
};

#define R	struct rocketchat_conf
#define DEF(k)	"{{ template \"rocketchat.default." k "\" . }}"

static const struct config_field rocketchat_fields[] = {
	NCONF_SEND_RESOLVED(R, 0),
	NCONF_HTTP(R),
	CF_F("api_url", CF_URL, CF_OMITEMPTY, R, api_url),
	CF_F("token_id", CF_SECRET, CF_OMITEMPTY, R, token_id),
	CF_F("token_id_file", CF_FILE, CF_OMITEMPTY, R, token_id_file),
	CF_F("token", CF_SECRET, CF_OMITEMPTY, R, token),
	CF_F("token_file", CF_FILE, CF_OMITEMPTY, R, token_file),
	CF_F("channel", CF_STR, T, R, channel),
	CF_FD("color", CF_STR, T, R, color,
	    "{{ if eq .Status \"firing\" }}red{{ else }}green{{ end }}"),
	CF_FD("title", CF_STR, T, R, title, DEF("title")),
	CF_FD("title_link", CF_STR, T, R, title_link, DEF("titlelink")),
	CF_FD("text", CF_STR, T, R, text, DEF("text")),
	CF_FL("fields", CF_OMITEMPTY, R, fields, n_fields, &rc_field_obj),
	CF_F("short_fields", CF_BOOL, 0, R, short_fields),
	CF_FD("emoji", CF_STR, T, R, emoji, DEF("emoji")),
	CF_FD("icon_url", CF_STR, T, R, icon_url, DEF("iconurl")),
	CF_F("image_url", CF_STR, T, R, image_url),
	CF_F("thumb_url", CF_STR, T, R, thumb_url),
	CF_F("link_names", CF_BOOL, 0, R, link_names),
	CF_FL("actions", CF_OMITEMPTY, R, actions, n_actions, &rc_action_obj),
	CF_END
};

/* config.DefaultGlobalConfig's rocketchat_api_url (0.28), applied here:
 * 0.25's dump of the global section has no such key. */
#define RC_API_URL	"https://open.rocket.chat/"

/* One secret: the receiver's, else the global one. */
static int
rc_secret(struct config_check *chk, char **v, struct config_file *f,
    char *gv, const struct config_file *gf, const char *what)
{
	if (*v == NULL && !nconf_nz(f->path)) {
		nconf_default(v, gv);
		nconf_file_default(f, gf);
	}
	if (*v == NULL && !nconf_nz(f->path))
		return config_check_errf(chk, NULL, "no global Rocketchat %s "
		    "set either inline or in a file", what);
	return 0;
}

static int
rocketchat_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct rocketchat_conf	*c = conf;

	if (c->token != NULL && nconf_nz(c->token_file.path))
		return config_check_errf(chk, "token", "at most one of token & "
		    "token_file must be configured");
	if (c->token_id != NULL && nconf_nz(c->token_id_file.path))
		return config_check_errf(chk, "token_id", "at most one of "
		    "token_id & token_id_file must be configured");
	nconf_default(&c->api_url, g->rocketchat_api_url);
	nconf_default(&c->api_url, RC_API_URL);
	if (rc_secret(chk, &c->token_id, &c->token_id_file,
	    g->rocketchat_token_id, &g->rocketchat_token_id_file,
	    "TokenID") == -1)
		return -1;
	return rc_secret(chk, &c->token, &c->token_file, g->rocketchat_token,
	    &g->rocketchat_token_file, "Token");
}

/* ------------------------------------------------------------ sending */

#define RC_TITLE_MAX_RUNES	1024

static void
rc_member(struct buf *b, bool *first, const char *k, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	buf_addstr(b, *first ? "" : ",");
	*first = false;
	njson_str(b, k);
	buf_addch(b, ':');
	njson_str(b, v);
}

static void
rc_fields(struct buf *b, bool *att_first, const struct rocketchat_conf *c,
    struct nsend_tmpl *t)
{
	const struct rc_field	*f;
	bool			 first, sh;
	size_t			 i;

	buf_addstr(b, *att_first ? "\"fields\":[" : ",\"fields\":[");
	*att_first = false;
	for (i = 0; i < c->n_fields; i++) {
		f = c->fields[i];
		sh = f->short_set ? f->short_ : c->short_fields;
		buf_addf(b, "%s{\"short\":%s", i > 0 ? "," : "",
		    sh ? "true" : "false");
		first = false;
		rc_member(b, &first, "title", nsend_text(t, f->title));
		rc_member(b, &first, "value", nsend_text(t, f->value));
		buf_addch(b, '}');
	}
	buf_addch(b, ']');
}

static void
rc_actions(struct buf *b, bool *att_first, const struct rocketchat_conf *c,
    struct nsend_tmpl *t)
{
	const struct rc_action	*a;
	bool			 first;
	size_t			 i;

	buf_addstr(b, *att_first ? "\"actions\":[" : ",\"actions\":[");
	*att_first = false;
	for (i = 0; i < c->n_actions; i++) {
		a = c->actions[i];
		buf_addstr(b, i > 0 ? ",{\"type\":\"button\"" :
		    "{\"type\":\"button\"");
		first = false;
		rc_member(b, &first, "text", nsend_text(t, a->text));
		rc_member(b, &first, "url", nsend_text(t, a->url));
		buf_addstr(b, ",\"is_webview\":false");
		rc_member(b, &first, "msg", nsend_text(t, a->msg));
		buf_addstr(b, ",\"msg_in_chat_window\":false}");
	}
	buf_addch(b, ']');
}

/*
 * The attachment, rendered in the Go notifier's order (title, title_link,
 * text, image_url, thumb_url, color, fields, actions) into att; channel,
 * emoji and avatar come after it.
 */
static void
rc_attachment(struct buf *att, const struct rocketchat_conf *c,
    struct nsend_tmpl *t)
{
	static const char *const keys[] = { "title_link", "text", "image_url",
		"thumb_url", "color" };
	const char	*vals[5];
	struct buf	 title;
	bool		 first = true;
	size_t		 i;

	buf_init(&title, BUF_NOCAP);
	nsend_truncate_runes(&title, nsend_text(t, c->title),
	    RC_TITLE_MAX_RUNES);
	vals[0] = nsend_text(t, c->title_link);
	vals[1] = nsend_text(t, c->text);
	vals[2] = nsend_text(t, c->image_url);
	vals[3] = nsend_text(t, c->thumb_url);
	vals[4] = nsend_text(t, c->color);
	buf_addch(att, '{');
	rc_member(att, &first, "title", buf_str(&title));
	for (i = 0; i < 5; i++)
		rc_member(att, &first, keys[i], vals[i]);
	if (c->n_fields > 0)
		rc_fields(att, &first, c, t);
	if (c->n_actions > 0)
		rc_actions(att, &first, c, t);
	buf_addch(att, '}');
	buf_release(&title);
}

/* <api_url>/api/v1/chat.postMessage as url.JoinPath makes it (the
 * path's trailing slashes dropped first; query and fragment kept). */
static char *
rc_url(const char *api)
{
	struct buf	b;
	size_t		n = strcspn(api, "?#"), end = n;
	const char	*path = strstr(api, "://");

	path = path != NULL ? strchr(path + 3, '/') : NULL;
	while (path != NULL && end > (size_t)(path - api) && api[end - 1] == '/')
		end--;
	buf_init(&b, BUF_NOCAP);
	buf_add(&b, api, end);
	buf_addstr(&b, "/api/v1/chat.postMessage");
	buf_addstr(&b, api + n);
	return buf_detach(&b, NULL);
}

/* A secret as upstream's New takes it: the file's (trimmed at load),
 * else the inline one. */
static const char *
rc_secret_value(const char *v, const struct config_file *f)
{
	if (nconf_nz(f->path))
		return f->data != NULL ? f->data : "";
	return v != NULL ? v : "";
}

static int
rocketchat_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct rocketchat_conf	*c = conf;
	struct nsend_tmpl		 t;
	struct buf			 att;
	const char			*channel, *emoji, *avatar;
	bool				 first = true;
	int				 rc = -1;

	nsend_tmpl_init(&t, ctx, err);
	buf_init(&att, BUF_NOCAP);
	rc_attachment(&att, c, &t);
	channel = nsend_text(&t, c->channel);
	emoji = nsend_text(&t, c->emoji);
	avatar = nsend_text(&t, c->icon_url);
	if (t.failed)
		goto out;
	req->url = rc_url(c->api_url != NULL ? c->api_url : RC_API_URL);
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	notify_req_add_header(req, "X-Auth-Token: %s",
	    rc_secret_value(c->token, &c->token_file));
	notify_req_add_header(req, "X-User-Id: %s",
	    rc_secret_value(c->token_id, &c->token_id_file));
	buf_addch(&req->body, '{');
	rc_member(&req->body, &first, "channel", channel);
	rc_member(&req->body, &first, "emoji", emoji);
	rc_member(&req->body, &first, "avatar", avatar);
	buf_addstr(&req->body, first ? "\"attachments\":[" :
	    ",\"attachments\":[");
	buf_add(&req->body, buf_str(&att), buf_len(&att));
	buf_addstr(&req->body, "]}\n");
	req->verdict_note = xstrdup(channel);
	rc = 0;
out:
	buf_release(&att);
	nsend_tmpl_release(&t);
	return rc;
}

/* checkJSONResponseError, after notify.Retrier's check of the status. */
static enum notify_verdict
rc_body_verdict(const struct notify_resp *r, struct ad_err *err)
{
	json_error_t		 je;
	json_t			*j, *e;
	enum notify_verdict	 v = NOTIFY_OK;
	struct buf		 q;

	j = json_loadb(r->body != NULL ? r->body : "", r->body_len, 0, &je);
	if (j == NULL || !json_is_object(j)) {
		buf_init(&q, BUF_NOCAP);
		buf_add_goquote(&q, r->body != NULL ? r->body : "",
		    r->body_len);
		ad_err_set(err, AD_EIO, "could not unmarshal JSON response "
		    "%s: %s", buf_str(&q), j == NULL ? je.text :
		    "not an object");
		buf_release(&q);
		json_decref(j);
		return NOTIFY_RETRY;
	}
	if (!json_is_true(json_object_get(j, "success"))) {
		e = json_object_get(j, "error");
		ad_err_set(err, AD_EIO, "error response from Rocketchat: %s",
		    json_is_string(e) ? json_string_value(e) : "");
		v = NOTIFY_FAIL;
	}
	json_decref(j);
	return v;
}

static enum notify_verdict
rocketchat_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	enum notify_verdict	 v = notifier_default_verdict(conf, r, err);
	const char		*ch = r->verdict_note != NULL ?
				    r->verdict_note : "";
	struct buf		 q;

	if (r->status == 0)
		return v;
	if (v == NOTIFY_OK)
		v = rc_body_verdict(r, err);
	if (v == NOTIFY_OK)
		return v;
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, ch, strlen(ch));
	ad_err_prefix(err, "channel %s", buf_str(&q));
	buf_release(&q);
	return v;
}

const struct notifier_type notifier_rocketchat = {
	.name = "rocketchat",
	.config_key = "rocketchat_configs",
	.send_resolved_default = false,
	.since = "0.28",
	.fields = rocketchat_fields,
	.conf_size = sizeof(struct rocketchat_conf),
	.check = rocketchat_check,
	.prepare = rocketchat_prepare,
	.verdict = rocketchat_verdict,
};
