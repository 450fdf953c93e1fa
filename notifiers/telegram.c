/*
 * telegram: the Telegram integration (telegram_configs).
 *
 * Configuration: Alertmanager 0.25's TelegramConfig (bot_token, else
 * global telegram_bot_token(_file) of 0.31): bot_token and a
 * non-zero chat_id required, parse_mode HTML by default; bot_token_file
 * and message_thread_id came later.
 *
 * Sending: what Alertmanager's notify/telegram does through telebot v3's
 * Bot.Send: POST <api_url>/bot<token>/sendMessage with a JSON object of
 * strings, keys sorted (a Go map[string]string): chat_id,
 * disable_notification ("true" when set), disable_web_page_preview
 * (always "true"), message_thread_id (0.27, when set), parse_mode (when
 * not empty), text.  The message is rendered as html/template when
 * parse_mode is exactly "HTML", as text otherwise, then cut to 4096
 * runes.  telebot sets no User-Agent: Go's default goes out, kept here.
 * The URL holds the token: it is never logged.  The answer is judged as
 * telebot does, on its JSON and not on the HTTP status; every failure is
 * retried, as Alertmanager's notifier returns (true, err) for all.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/nhttp.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/ntext.h"
#include "templates/tmpl.h"

struct telegram_conf {
	struct notifier_conf	 base;
	char			*api_url;
	char			*bot_token;
	struct config_file	 bot_token_file;
	int64_t			 chat_id;
	int			 message_thread_id;
	char			*message;
	bool			 disable_notifications;
	char			*parse_mode;
};

#define G	struct telegram_conf

static const struct config_field telegram_fields[] = {
	NCONF_SEND_RESOLVED(G, 1),
	NCONF_HTTP(G),
	CF_F("api_url", CF_URL, CF_NULLDUMP, G, api_url),
	CF_F("bot_token", CF_SECRET, CF_OMITEMPTY, G, bot_token),
	NCONF_NEWER("bot_token_file", CF_FILE, CF_OMITEMPTY, G, bot_token_file,
	    "0.26"),
	CF_F("chat_id", CF_INT64, CF_OMITEMPTY, G, chat_id),
	NCONF_NEWER("message_thread_id", CF_INT, CF_OMITEMPTY, G,
	    message_thread_id, "0.27"),
	CF_FD("message", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, G, message,
	    "{{ template \"telegram.default.message\" . }}"),
	CF_F("disable_notifications", CF_BOOL, CF_OMITEMPTY, G,
	    disable_notifications),
	CF_FD("parse_mode", CF_STR, CF_OMITEMPTY, G, parse_mode, "HTML"),
	CF_END
};

static int
telegram_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct telegram_conf	*c = conf;
	const char		*pm = c->parse_mode;

	if (nconf_nz(c->bot_token) && nconf_nz(c->bot_token_file.path))
		return config_check_errf(chk, "bot_token", "at most one of "
		    "bot_token & bot_token_file must be configured");
	/* global telegram_bot_token(_file) (0.31) */
	if (!nconf_nz(c->bot_token) && !nconf_nz(c->bot_token_file.path)) {
		nconf_default(&c->bot_token, g->telegram_bot_token);
		nconf_file_default(&c->bot_token_file,
		    &g->telegram_bot_token_file);
	}
	if (!nconf_nz(c->bot_token) && !nconf_nz(c->bot_token_file.path))
		return config_check_errf(chk, NULL, "missing bot_token on "
		    "telegram_config");
	if (c->chat_id == 0)
		return config_check_errf(chk, NULL, "missing chat_id on "
		    "telegram_config");
	if (nconf_nz(pm) && strcmp(pm, "Markdown") != 0 &&
	    strcmp(pm, "MarkdownV2") != 0 && strcmp(pm, "HTML") != 0)
		return config_check_errf(chk, "parse_mode", "unknown parse_mode "
		    "on telegram_config, must be Markdown, MarkdownV2, HTML or "
		    "empty string");
	nconf_default(&c->api_url, g->telegram_api_url);
	return 0;
}

/* ------------------------------------------------------------ sending */

/* Telegram's limit (notify/telegram maxMessageLenRunes). */
#define TG_MAX_RUNES	4096

static void
tg_field(struct buf *b, const char *key, const char *value, size_t len)
{
	if (buf_len(b) > 1)
		buf_addch(b, ',');
	njson_str(b, key);
	buf_addch(b, ':');
	njson_string(b, value, len);
}

/* telebot's sendMessage parameters, as json.Encoder writes the map. */
static void
tg_body(struct buf *b, const struct telegram_conf *c, const struct buf *text)
{
	char	num[24];

	buf_addch(b, '{');
	snprintf(num, sizeof(num), "%lld", (long long)c->chat_id);
	tg_field(b, "chat_id", num, strlen(num));
	if (c->disable_notifications)
		tg_field(b, "disable_notification", "true", 4);
	tg_field(b, "disable_web_page_preview", "true", 4);
	if (c->message_thread_id != 0) {
		snprintf(num, sizeof(num), "%d", c->message_thread_id);
		tg_field(b, "message_thread_id", num, strlen(num));
	}
	if (nconf_nz(c->parse_mode))
		tg_field(b, "parse_mode", c->parse_mode, strlen(c->parse_mode));
	tg_field(b, "text", buf_str(text), buf_len(text));
	buf_addstr(b, "}\n");
}

static char *
tg_token(const struct telegram_conf *c, struct ad_err *err)
{
	if (nconf_nz(c->bot_token_file.path))
		return nhttp_read_secret_file(c->bot_token_file.path,
		    "bot_token", err);
	return xstrdup(c->bot_token != NULL ? c->bot_token : "");
}

static int
telegram_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct telegram_conf	*c = conf;
	bool				 html;
	struct tmpl_data		*d;
	struct buf			 msg, text;
	char				*token;
	int				 rc = -1;

	html = c->parse_mode != NULL && strcmp(c->parse_mode, "HTML") == 0;
	d = ntext_data(ctx);
	buf_init(&msg, BUF_NOCAP);
	buf_init(&text, BUF_NOCAP);
	if (ntext_render(ctx, d, c->message, html, &msg, err) == -1)
		goto out;
	if (ntext_truncate_runes(&text, buf_str(&msg), buf_len(&msg),
	    TG_MAX_RUNES))
		log_warnkv("Truncated message", "integration", "telegram",
		    "alert", ctx->group_key, "max_runes", "4096", NULL);
	token = tg_token(c, err);
	if (token == NULL)
		goto out;
	buf_reset(&msg);
	buf_addf(&msg, "%s/bot%s/sendMessage", c->api_url, token);
	free(token);
	req->url = buf_detach(&msg, NULL);
	req->url_is_secret = true;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	notify_req_add_header(req, "User-Agent: Go-http-client/1.1");
	tg_body(&req->body, c, &text);
	rc = 0;
out:
	buf_release(&msg);
	buf_release(&text);
	tmpl_data_free(d);
	return rc;
}

/*
 * telebot's errors for the descriptions it knows (errors.go): they print
 * the part after "Bad Request: " (or their own message) and their own
 * code; others print the whole description and the answer's code.
 */
static const struct tg_known {
	const char	*desc;
	int		 code;
	const char	*msg;		/* NULL: after ": " */
} tg_known[] = {
	{ "Request Entity Too Large", 400, NULL },
	{ "Unauthorized", 401, NULL },
	{ "Not Found", 404, NULL },
	{ "Internal Server Error", 500, NULL },
	{ "Bad Request: BUTTON_DATA_INVALID", 400, NULL },
	{ "Bad Request: expected an Array of String as options", 400, NULL },
	{ "Bad Request: failed to get HTTP URL content", 400, NULL },
	{ "Bad Request: message can't be edited", 400, NULL },
	{ "Bad Request: can't remove chat owner", 400, NULL },
	{ "Bad Request: can't upload file by URL", 400, NULL },
	{ "Bad Request: can't use the media of the specified type in the "
	    "album", 400, NULL },
	{ "Bad Request: chat description is not modified", 400, NULL },
	{ "Bad Request: chat not found", 400, NULL },
	{ "Bad Request: chat_id is empty", 400, NULL },
	{ "Bad Request: message must be non-empty", 400, NULL },
	{ "Bad Request: text is empty", 400, NULL },
	{ "Bad Request: IMAGE_PROCESS_FAILED", 400, "Image process failed" },
	{ "Bad Request: group chat was upgraded to a supergroup chat", 400,
	    NULL },
	{ "Bad Request: message is not modified", 400, NULL },
	{ "Bad Request: message can't be deleted", 400, NULL },
	{ "Bad Request: not enough rights to restrict/unrestrict chat "
	    "member", 400, NULL },
	{ "Bad Request: have no rights to send a message", 400, NULL },
	{ "Bad Request: CHAT_SEND_GIFS_FORBIDDEN", 400,
	    "sending GIFS is not allowed in this chat" },
	{ "Bad Request: not enough rights to send photos to the chat", 400,
	    NULL },
	{ "Bad Request: not enough rights to send stickers to the chat", 400,
	    NULL },
	{ "Bad Request: message to delete not found", 400, NULL },
	{ "Bad Request: message to forward not found", 400, NULL },
	{ "Bad Request: reply message not found", 400, NULL },
	{ "Bad Request: query is too old and response timeout expired or "
	    "query ID is invalid", 400, NULL },
	{ "Bad Request: message is not modified: specified new message "
	    "content and reply markup are exactly the same as a current "
	    "content and reply markup of the message", 400, NULL },
	{ "Bad Request: invalid sticker emojis", 400, NULL },
	{ "Bad Request: STICKERSET_INVALID", 400, "Stickerset is invalid" },
	{ "Bad Request: invalid sticker set name is specified", 400, NULL },
	{ "Bad Request: sticker set name is already occupied", 400, NULL },
	{ "Bad Request: reply markup is too long", 400, NULL },
	{ "Bad Request: message is too long", 400, NULL },
	{ "Bad Request: user is an administrator of the chat", 400, NULL },
	{ "Bad Request: wrong file identifier/HTTP URL specified", 400, NULL },
	{ "Bad Request: wrong remote file id specified: Wrong character in "
	    "the string", 400, NULL },
	{ "Bad Request: wrong remote file id specified: Wrong string length",
	    400, NULL },
	{ "Bad Request: wrong remote file id specified: Wrong padding in the "
	    "string", 400, NULL },
	{ "Bad Request: wrong remote file id specified: can't unserialize "
	    "it. Wrong last symbol", 400, NULL },
	{ "Bad Request: wrong type of the web page content", 400, NULL },
	{ "Bad Request: wrong HTTP URL specified", 400, NULL },
	{ "Bad Request: administrators of the chat restricted message "
	    "forwarding", 400, NULL },
	{ "Forbidden: bot was blocked by the user", 403, NULL },
	{ "Forbidden: bot was kicked from the group chat", 403, NULL },
	{ "Forbidden: bot was kicked from the supergroup chat", 403, NULL },
	{ "Forbidden: bot can't initiate conversation with a user", 403,
	    NULL },
	{ "Forbidden: user is deactivated", 403, NULL },
};

/* telebot's Error.Error(): the text after the one ": ", if only one. */
static void
tg_short_error(const char *desc, int code, struct ad_err *err)
{
	const char	*sep = strstr(desc, ": ");

	if (sep != NULL && strstr(sep + 2, ": ") == NULL)
		desc = sep + 2;
	ad_err_set(err, AD_EIO, "telegram: %s (%d)", desc, code);
}

/* extractOk's error for {"ok":false,...}. */
static void
tg_api_error(json_t *root, struct ad_err *err)
{
	const char	*desc = json_string_value(json_object_get(root,
			    "description"));
	int		 code = (int)json_integer_value(json_object_get(root,
			    "error_code"));
	size_t		 i;

	if (desc == NULL)
		desc = "";
	for (i = 0; i < sizeof(tg_known) / sizeof(tg_known[0]); i++) {
		if (strcmp(desc, tg_known[i].desc) != 0)
			continue;
		if (tg_known[i].msg != NULL)
			ad_err_set(err, AD_EIO, "telegram: %s (%d)",
			    tg_known[i].msg, tg_known[i].code);
		else
			tg_short_error(desc, tg_known[i].code, err);
		return;
	}
	/* a flood error (429) prints as a known one */
	if (code == 429)
		tg_short_error(desc, code, err);
	else
		ad_err_set(err, AD_EIO, "telegram: %s (%d)", desc, code);
}

/*
 * The answer of a message that was sent holds the message, text included:
 * it may exceed what notify keeps (NOTIFY_RESP_BODY_MAX).  Telegram
 * writes "ok" first; a cut answer that starts with {"ok":true is one.
 */
static bool
tg_cut_ok(const struct notify_resp *r)
{
	const char	*p = r->body, *end = r->body + r->body_len;
	const char	*want[] = { "{", "\"ok\"", ":", "true" };
	size_t		 i, n;

	if (r->body_len < NOTIFY_RESP_BODY_MAX)
		return false;
	for (i = 0; i < 4; i++) {
		while (p < end && strchr(" \t\r\n", *p) != NULL)
			p++;
		n = strlen(want[i]);
		if ((size_t)(end - p) < n || memcmp(p, want[i], n) != 0)
			return false;
		p += n;
	}
	return true;
}

/* extractOk, then extractMessage, on the answer's JSON. */
static enum notify_verdict
telegram_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	json_t		*root, *res;
	json_error_t	 je;

	(void)conf;
	if (r->status == 0) {
		ad_err_set(err, AD_EIO, "telebot: Post \"%s\": %s", r->url,
		    r->curl_error != NULL ? r->curl_error : "request failed");
		return NOTIFY_RETRY;
	}
	root = json_loadb(r->body, r->body_len, JSON_DISABLE_EOF_CHECK, &je);
	if (root == NULL) {
		if (tg_cut_ok(r))
			return NOTIFY_OK;
		ad_err_set(err, AD_EIO, "telebot: %s (HTTP status %ld)",
		    je.text, r->status);
		return NOTIFY_RETRY;
	}
	if (!json_is_true(json_object_get(root, "ok"))) {
		tg_api_error(root, err);
		json_decref(root);
		return NOTIFY_RETRY;
	}
	res = json_object_get(root, "result");
	if (res != NULL && !json_is_object(res) && !json_is_null(res)) {
		if (json_is_true(res))
			ad_err_set(err, AD_EIO, "telebot: result is True");
		else
			ad_err_set(err, AD_EIO, "telebot: json: cannot "
			    "unmarshal the result into a message");
		json_decref(root);
		return NOTIFY_RETRY;
	}
	/* (a missing result makes Alertmanager 0.25 panic; taken as sent) */
	json_decref(root);
	return NOTIFY_OK;
}

const struct notifier_type notifier_telegram = {
	.name = "telegram",
	.config_key = "telegram_configs",
	.send_resolved_default = true,
	.fields = telegram_fields,
	.conf_size = sizeof(struct telegram_conf),
	.check = telegram_check,
	.prepare = telegram_prepare,
	.verdict = telegram_verdict,
};
