/*
 * discord: the Discord integration (discord_configs, new in 0.25).
 *
 * Configuration: Alertmanager 0.25's DiscordConfig; webhook_url required
 * (checked by Config, "no discord webhook URL provided"); webhook_url_file,
 * content, username, avatar_url came later (username and avatar_url are
 * not templates).
 *
 * Sending: notify/discord: {"content":..,"embeds":[{"title":..,
 * "description":..,"color":..}]} and, when set, "username" and
 * "avatar_url" (0.28), json.Encoder's bytes, posted to the secret webhook
 * URL (webhook_url_file read per notification).  Colour 0x992D22 while
 * an alert fires, 0x2ECC71 when all are resolved.  Title, description
 * and content are cut to Discord's limits (256, 4096 and 2000 runes) as
 * Alertmanager 0.27+ does; 0.25 sent them whole, which Discord rejects
 * with a 400.  Answers: notify.Retrier (2xx ok, 5xx retried).
 */
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
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

struct discord_conf {
	struct notifier_conf	 base;
	char			*webhook_url;	/* secret URL */
	struct config_file	 webhook_url_file;
	char			*content, *title, *message, *username;
	char			*avatar_url;
};

#define D	struct discord_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field discord_fields[] = {
	NCONF_SEND_RESOLVED(D, 1),
	NCONF_HTTP(D),
	CF_F("webhook_url", CF_SECRET_URL, CF_OMITEMPTY, D, webhook_url),
	NCONF_NEWER("webhook_url_file", CF_FILE, CF_OMITEMPTY, D,
	    webhook_url_file, "0.26"),
	NCONF_NEWER("content", CF_STR, T, D, content, "0.28"),
	CF_FD("title", CF_STR, T, D, title,
	    "{{ template \"discord.default.title\" . }}"),
	CF_FD("message", CF_STR, T, D, message,
	    "{{ template \"discord.default.message\" . }}"),
	NCONF_NEWER("username", CF_STR, CF_OMITEMPTY, D, username, "0.28"),
	NCONF_NEWER("avatar_url", CF_STR, CF_OMITEMPTY, D, avatar_url, "0.28"),
	CF_END
};

static int
discord_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct discord_conf	*c = conf;

	(void)g;
	if (c->webhook_url != NULL && nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, "webhook_url", "at most one of "
		    "webhook_url & webhook_url_file must be configured");
	if (c->webhook_url == NULL && !nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, NULL, "no discord webhook URL "
		    "provided");
	return 0;
}

/* ------------------------------------------------------------ sending */

#define DISCORD_RED	0x992D22
#define DISCORD_GREEN	0x2ECC71

/* Discord's limits (notify/discord, 0.27+). */
enum { DISCORD_TITLE_MAX = 256, DISCORD_DESC_MAX = 4096,
	DISCORD_CONTENT_MAX = 2000, DISCORD_NFIELDS = 3 };

static const struct {
	const char	*what;		/* the log line's */
	size_t		 max;
} discord_limits[DISCORD_NFIELDS] = {
	{ "Truncated title", DISCORD_TITLE_MAX },
	{ "Truncated message", DISCORD_DESC_MAX },
	{ "Truncated message", DISCORD_CONTENT_MAX },
};

static bool
discord_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

/* title, message, content: rendered and cut in Go's order */
static int
discord_render(const struct discord_conf *c, const struct notify_ctx *ctx,
    struct buf out[DISCORD_NFIELDS], struct ad_err *err)
{
	const char		*texts[DISCORD_NFIELDS] = { c->title,
				    c->message, c->content };
	struct tmpl_data	*d = ntext_data(ctx);
	struct buf		 tmp;
	char			 max[16];
	int			 i, rc = 0;

	buf_init(&tmp, BUF_NOCAP);
	for (i = 0; i < DISCORD_NFIELDS && rc == 0; i++) {
		rc = ntext_render(ctx, d, texts[i], false, &tmp, err);
		if (rc == -1 || !ntext_truncate_runes(&out[i], buf_str(&tmp),
		    buf_len(&tmp), discord_limits[i].max))
			continue;
		snprintf(max, sizeof(max), "%zu", discord_limits[i].max);
		log_warnkv(discord_limits[i].what, "integration", "discord",
		    "key", ctx->group_key, "max_runes", max, NULL);
	}
	buf_release(&tmp);
	tmpl_data_free(d);
	return rc;
}

/* url.Parse's "invalid control character in URL": Go drops the avatar */
static bool
discord_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void
discord_body(struct buf *b, const struct discord_conf *c,
    const struct buf f[DISCORD_NFIELDS], bool firing)
{
	buf_addstr(b, "{\"content\":");
	njson_string(b, buf_str(&f[2]), buf_len(&f[2]));
	buf_addstr(b, ",\"embeds\":[{\"title\":");
	njson_string(b, buf_str(&f[0]), buf_len(&f[0]));
	buf_addstr(b, ",\"description\":");
	njson_string(b, buf_str(&f[1]), buf_len(&f[1]));
	buf_addf(b, ",\"color\":%d}]", firing ? DISCORD_RED : DISCORD_GREEN);
	if (nconf_nz(c->username)) {
		buf_addstr(b, ",\"username\":");
		njson_str(b, c->username);
	}
	if (nconf_nz(c->avatar_url) && !discord_has_ctl(c->avatar_url)) {
		buf_addstr(b, ",\"avatar_url\":");
		njson_str(b, c->avatar_url);
	}
	buf_addstr(b, "}\n");
}

static int
discord_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct discord_conf	*c = conf;
	struct buf			 f[DISCORD_NFIELDS];
	int				 i, rc = -1;

	for (i = 0; i < DISCORD_NFIELDS; i++)
		buf_init(&f[i], BUF_NOCAP);
	if (discord_render(c, ctx, f, err) == -1)
		goto out;
	if (c->webhook_url != NULL)
		req->url = xstrdup(c->webhook_url);
	else
		req->url = nhttp_read_secret_file(c->webhook_url_file.path,
		    "webhook_url", err);
	if (req->url == NULL)
		goto out;
	req->url_is_secret = true;
	req->http = c->base.http;
	notify_req_add_header(req, "Content-Type: application/json");
	discord_body(&req->body, c, f, discord_firing(ctx));
	rc = 0;
out:
	for (i = 0; i < DISCORD_NFIELDS; i++)
		buf_release(&f[i]);
	return rc;
}

const struct notifier_type notifier_discord = {
	.name = "discord",
	.config_key = "discord_configs",
	.send_resolved_default = true,
	.fields = discord_fields,
	.conf_size = sizeof(struct discord_conf),
	.check = discord_check,
	.prepare = discord_prepare,
};
