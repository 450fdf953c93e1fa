/*
 * mattermost: the Mattermost integration (mattermost_configs, upstream
 * 0.30; global mattermost_webhook_url(_file) 0.32).
 *
 * Configuration: upstream's MattermostConfig: webhook_url (a secret URL)
 * or webhook_url_file, at most one, else the global ones ("missing
 * webhook_url or webhook_url_file on mattermost_config" without them);
 * Slack-like attachment fields at the top level or a list of
 * `attachments`; fields need a title and a value; props.card;
 * priority (priority, requested_ack, persistent_notifications).
 * send_resolved true.
 *
 * Sending: notify/mattermost's request as json.Encoder writes it, every
 * field omitempty (text, channel, username, icon_url, icon_emoji,
 * attachments, type, props, priority).  Without `attachments` the
 * top-level fields make the one attachment and the text goes into it
 * (the request has no text); with them, the text is the request's, cut
 * to 16383 runes.  priority is lowered, "standard" when not one of
 * urgent/important/standard; requested_ack only above standard,
 * persistent_notifications only when urgent.  Fields are rendered in
 * the Go notifier's order (its first template error is reported).  The
 * URL is read (and trimmed) per notification from webhook_url_file,
 * never logged.  Answers: notify.Retrier (2xx ok, 5xx retried, others
 * fail), errors prefixed with the channel as upstream ("channel \"x\": ").
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"

struct mm_field {
	char	*title, *value;
	bool	 short_, short_set;	/* *bool */
};

/* The attachment fields, in the JSON order; the top-level ones too. */
enum {
	MM_FALLBACK, MM_COLOR, MM_PRETEXT, MM_TEXT, MM_AUTHOR_NAME,
	MM_AUTHOR_LINK, MM_AUTHOR_ICON, MM_TITLE, MM_TITLE_LINK, MM_THUMB_URL,
	MM_FOOTER, MM_FOOTER_ICON, MM_IMAGE_URL, MM_NATT
};

static const char *const mm_att_keys[MM_NATT] = { "fallback", "color",
	"pretext", "text", "author_name", "author_link", "author_icon",
	"title", "title_link", "thumb_url", "footer", "footer_icon",
	"image_url" };

struct mm_attachment {
	char		 *s[MM_NATT];
	struct mm_field	**fields;
	size_t		  n_fields;
};

struct mm_props {
	char	*card;
};

struct mm_priority {
	char	*priority;
	bool	 requested_ack, persistent_notifications;
};

struct mattermost_conf {
	struct notifier_conf	  base;
	char			 *webhook_url;	/* secret URL */
	struct config_file	  webhook_url_file;
	char			 *channel, *username;
	char			 *text, *fallback, *color, *pretext;
	char			 *author_name, *author_link, *author_icon;
	char			 *title, *title_link;
	struct mm_field		**fields;
	size_t			  n_fields;
	char			 *thumb_url, *footer, *footer_icon, *image_url;
	char			 *icon_url, *icon_emoji;
	struct mm_attachment	**attachments;
	size_t			  n_attachments;
	char			 *type;
	struct mm_props		 *props;
	struct mm_priority	 *priority;
};

#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static int
mm_field_check(void *obj, struct config_check *chk)
{
	struct mm_field	*f = obj;

	if (!nconf_nz(f->title))
		return config_check_errf(chk, NULL, "missing title in "
		    "Mattermost field configuration");
	if (!nconf_nz(f->value))
		return config_check_errf(chk, NULL, "missing value in "
		    "Mattermost field configuration");
	return 0;
}

static const struct config_field mm_field_fields[] = {
	CF_F("title", CF_STR, T, struct mm_field, title),
	CF_F("value", CF_STR, T, struct mm_field, value),
	{ .key = "short", .type = CF_BOOL, .flags = CF_OMITEMPTY | CF_HASSET,
	  .off = offsetof(struct mm_field, short_),
	  .off_set = offsetof(struct mm_field, short_set) },
	CF_END
};

static const struct config_obj mm_field_obj = {
	.go_type = "mattermost.plain",
	.go_list_type = "[]*mattermost.MattermostField",
	.size = sizeof(struct mm_field), .fields = mm_field_fields,
	.check = mm_field_check,
};

#define A	struct mm_attachment
#define AF(i, k)	CF_F(k, CF_STR, T, A, s[i])

static const struct config_field mm_att_fields[] = {
	AF(MM_FALLBACK, "fallback"), AF(MM_COLOR, "color"),
	AF(MM_PRETEXT, "pretext"), AF(MM_TEXT, "text"),
	AF(MM_AUTHOR_NAME, "author_name"), AF(MM_AUTHOR_LINK, "author_link"),
	AF(MM_AUTHOR_ICON, "author_icon"), AF(MM_TITLE, "title"),
	AF(MM_TITLE_LINK, "title_link"),
	CF_FL("fields", CF_OMITEMPTY, A, fields, n_fields, &mm_field_obj),
	AF(MM_THUMB_URL, "thumb_url"), AF(MM_FOOTER, "footer"),
	AF(MM_FOOTER_ICON, "footer_icon"), AF(MM_IMAGE_URL, "image_url"),
	CF_END
};

static const struct config_obj mm_att_obj = {
	.go_type = "mattermost.MattermostAttachment",
	.go_list_type = "[]*mattermost.MattermostAttachment",
	.size = sizeof(A), .fields = mm_att_fields,
};

static const struct config_field mm_props_fields[] = {
	CF_F("card", CF_STR, T, struct mm_props, card),
	CF_END
};

static const struct config_obj mm_props_obj = {
	.go_type = "mattermost.MattermostProps",
	.size = sizeof(struct mm_props), .fields = mm_props_fields,
};

#define P	struct mm_priority
static const struct config_field mm_prio_fields[] = {
	CF_F("priority", CF_STR, T, P, priority),
	CF_F("requested_ack", CF_BOOL, CF_OMITEMPTY, P, requested_ack),
	CF_F("persistent_notifications", CF_BOOL, CF_OMITEMPTY, P,
	    persistent_notifications),
	CF_END
};

static const struct config_obj mm_prio_obj = {
	.go_type = "mattermost.MattermostPriority",
	.size = sizeof(P), .fields = mm_prio_fields,
};

#define M	struct mattermost_conf
#define DEF(k)	"{{ template \"mattermost.default." k "\" . }}"

static const struct config_field mattermost_fields[] = {
	NCONF_SEND_RESOLVED(M, 1),
	NCONF_HTTP(M),
	CF_F("webhook_url", CF_SECRET_URL, CF_OMITEMPTY, M, webhook_url),
	CF_F("webhook_url_file", CF_FILE, CF_OMITEMPTY, M, webhook_url_file),
	CF_F("channel", CF_STR, T, M, channel),
	CF_FD("username", CF_STR, T, M, username, DEF("username")),
	CF_FD("text", CF_STR, T, M, text, DEF("text")),
	CF_FD("fallback", CF_STR, T, M, fallback, DEF("fallback")),
	CF_FD("color", CF_STR, T, M, color, DEF("color")),
	CF_F("pretext", CF_STR, T, M, pretext),
	CF_F("author_name", CF_STR, T, M, author_name),
	CF_F("author_link", CF_STR, T, M, author_link),
	CF_F("author_icon", CF_STR, T, M, author_icon),
	CF_FD("title", CF_STR, T, M, title, DEF("title")),
	CF_FD("title_link", CF_STR, T, M, title_link, DEF("titlelink")),
	CF_FL("fields", CF_OMITEMPTY, M, fields, n_fields, &mm_field_obj),
	CF_F("thumb_url", CF_STR, T, M, thumb_url),
	CF_F("footer", CF_STR, T, M, footer),
	CF_F("footer_icon", CF_STR, T, M, footer_icon),
	CF_F("image_url", CF_STR, T, M, image_url),
	CF_F("icon_url", CF_STR, T, M, icon_url),
	CF_F("icon_emoji", CF_STR, T, M, icon_emoji),
	CF_FL("attachments", CF_OMITEMPTY, M, attachments, n_attachments,
	    &mm_att_obj),
	CF_F("type", CF_STR, T, M, type),
	CF_FO("props", CF_PTR, CF_OMITEMPTY, M, props, &mm_props_obj),
	CF_FO("priority", CF_PTR, CF_OMITEMPTY, M, priority, &mm_prio_obj),
	CF_END
};

static int
mattermost_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct mattermost_conf	*c = conf;

	if (c->webhook_url != NULL && nconf_nz(c->webhook_url_file.path))
		return config_check_errf(chk, "webhook_url", "at most one of "
		    "webhook_url & webhook_url_file must be configured");
	if (c->webhook_url != NULL || nconf_nz(c->webhook_url_file.path))
		return 0;
	if (g->mattermost_webhook_url == NULL &&
	    !nconf_nz(g->mattermost_webhook_url_file.path))
		return config_check_errf(chk, NULL, "missing webhook_url or "
		    "webhook_url_file on mattermost_config");
	nconf_default(&c->webhook_url, g->mattermost_webhook_url);
	nconf_file_default(&c->webhook_url_file,
	    &g->mattermost_webhook_url_file);
	return 0;
}

/* ------------------------------------------------------------ sending */

#define MM_MAX_TEXT_RUNES	16383

/* One attachment, rendered. */
struct mm_att_out {
	const char		 *s[MM_NATT];
	struct mm_field *const	 *cf;		/* configured fields */
	size_t			  nf;
	const char		**ft, **fv;	/* rendered title, value */
};

/* Renders an attachment in Go's order: the strings, then the fields.
 * text: already rendered (top level) or NULL (render s[MM_TEXT]). */
static void
mm_att_render(struct nsend_tmpl *t, char *const s[MM_NATT],
    struct mm_field *const *cf, size_t nf, const char *text,
    struct mm_att_out *o)
{
	size_t	i;

	for (i = 0; i < MM_NATT; i++)
		o->s[i] = i == MM_TEXT && text != NULL ? text :
		    nsend_text(t, s[i]);
	o->cf = cf;
	o->nf = nf;
	o->ft = xcalloc(nf + 1, sizeof(*o->ft));
	o->fv = xcalloc(nf + 1, sizeof(*o->fv));
	for (i = 0; i < nf; i++) {
		o->ft[i] = nsend_text(t, cf[i]->title);
		o->fv[i] = nsend_text(t, cf[i]->value);
	}
}

/* An omitempty string member: written when not empty. */
static void
mm_member(struct buf *b, bool *first, const char *k, const char *v)
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
mm_att_json(struct buf *b, const struct mm_att_out *o)
{
	bool	first = true, ff;
	size_t	i, j;

	buf_addch(b, '{');
	for (i = 0; i < MM_NATT; i++) {
		mm_member(b, &first, mm_att_keys[i], o->s[i]);
		if (i != MM_TITLE_LINK || o->nf == 0)
			continue;
		buf_addstr(b, first ? "\"fields\":[" : ",\"fields\":[");
		first = false;
		for (j = 0; j < o->nf; j++) {
			buf_addstr(b, j > 0 ? ",{" : "{");
			ff = true;
			mm_member(b, &ff, "title", o->ft[j]);
			mm_member(b, &ff, "value", o->fv[j]);
			if (o->cf[j]->short_set)
				buf_addf(b, "%s\"short\":%s", ff ? "" : ",",
				    o->cf[j]->short_ ? "true" : "false");
			buf_addch(b, '}');
		}
		buf_addch(b, ']');
	}
	buf_addch(b, '}');
}

/* sanitizeRequest's priority rules. */
static void
mm_priority_json(struct buf *b, const struct mm_priority *p,
    const char *rendered)
{
	const char	*v = "standard";
	bool		 ack, persist;

	if (strcasecmp(rendered, "urgent") == 0)
		v = "urgent";
	else if (strcasecmp(rendered, "important") == 0)
		v = "important";
	ack = p->requested_ack && strcmp(v, "standard") != 0;
	persist = p->persistent_notifications && strcmp(v, "urgent") == 0;
	buf_addf(b, ",\"priority\":{\"priority\":\"%s\"%s%s}", v,
	    ack ? ",\"requested_ack\":true" : "",
	    persist ? ",\"persistent_notifications\":true" : "");
}

/* The top-level attachment fields as an attachment's strings. */
static void
mm_top(const struct mattermost_conf *c, char *s[MM_NATT])
{
	s[MM_FALLBACK] = c->fallback;
	s[MM_COLOR] = c->color;
	s[MM_PRETEXT] = c->pretext;
	s[MM_TEXT] = NULL;
	s[MM_AUTHOR_NAME] = c->author_name;
	s[MM_AUTHOR_LINK] = c->author_link;
	s[MM_AUTHOR_ICON] = c->author_icon;
	s[MM_TITLE] = c->title;
	s[MM_TITLE_LINK] = c->title_link;
	s[MM_THUMB_URL] = c->thumb_url;
	s[MM_FOOTER] = c->footer;
	s[MM_FOOTER_ICON] = c->footer_icon;
	s[MM_IMAGE_URL] = c->image_url;
}

struct mm_req {
	const char		*text, *channel, *username, *icon_url;
	const char		*icon_emoji, *type, *prio, *card;
	struct mm_att_out	*att;
	size_t			 n_att;
};

/* createRequest: every field rendered in the Go notifier's order. */
static void
mm_render(const struct mattermost_conf *c, struct nsend_tmpl *t,
    struct mm_req *r)
{
	char	*top[MM_NATT];
	size_t	 i;

	memset(r, 0, sizeof(*r));
	r->text = nsend_text(t, c->text);
	r->channel = nsend_text(t, c->channel);
	r->username = nsend_text(t, c->username);
	r->icon_url = nsend_text(t, c->icon_url);
	r->icon_emoji = nsend_text(t, c->icon_emoji);
	r->type = nsend_text(t, c->type);
	if (c->priority != NULL && nconf_nz(c->priority->priority))
		r->prio = nsend_text(t, c->priority->priority);
	if (c->props != NULL && nconf_nz(c->props->card))
		r->card = nsend_text(t, c->props->card);
	if (c->n_attachments == 0) {
		mm_top(c, top);
		r->n_att = 1;
		r->att = xcalloc(1, sizeof(*r->att));
		mm_att_render(t, top, c->fields, c->n_fields, r->text,
		    &r->att[0]);
		r->text = "";	/* the text went into the attachment */
		return;
	}
	r->n_att = c->n_attachments;
	r->att = xcalloc(r->n_att, sizeof(*r->att));
	for (i = 0; i < r->n_att; i++)
		mm_att_render(t, c->attachments[i]->s,
		    c->attachments[i]->fields, c->attachments[i]->n_fields,
		    NULL, &r->att[i]);
}

static void
mm_req_release(struct mm_req *r)
{
	size_t	i;

	for (i = 0; i < r->n_att; i++) {
		free(r->att[i].ft);
		free(r->att[i].fv);
	}
	free(r->att);
}

static void
mm_json(struct buf *b, const struct mattermost_conf *c,
    const struct mm_req *r)
{
	struct buf	text;
	bool		first = true;
	size_t		i;

	buf_init(&text, BUF_NOCAP);
	nsend_truncate_runes(&text, r->text, MM_MAX_TEXT_RUNES);
	buf_addch(b, '{');
	mm_member(b, &first, "text", buf_str(&text));
	mm_member(b, &first, "channel", r->channel);
	mm_member(b, &first, "username", r->username);
	mm_member(b, &first, "icon_url", r->icon_url);
	mm_member(b, &first, "icon_emoji", r->icon_emoji);
	buf_addstr(b, first ? "\"attachments\":[" : ",\"attachments\":[");
	for (i = 0; i < r->n_att; i++) {
		if (i > 0)
			buf_addch(b, ',');
		mm_att_json(b, &r->att[i]);
	}
	buf_addch(b, ']');
	mm_member(b, &first, "type", r->type);
	if (r->card != NULL) {
		buf_addstr(b, ",\"props\":{");
		first = true;
		mm_member(b, &first, "card", r->card);
		buf_addch(b, '}');
	}
	if (r->prio != NULL)
		mm_priority_json(b, c->priority, r->prio);
	buf_addstr(b, "}\n");
	buf_release(&text);
}

static char *
mm_url(const struct mattermost_conf *c, struct ad_err *err)
{
	char	*u;

	if (c->webhook_url != NULL)
		u = xstrdup(c->webhook_url);
	else
		u = nsend_read_file(c->webhook_url_file.path, true, err);
	if (u != NULL && u[0] == '\0') {
		free(u);
		ad_err_set(err, AD_EINVAL, "webhook url missing");
		return NULL;
	}
	return u;
}

static int
mattermost_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct mattermost_conf	*c = conf;
	struct nsend_tmpl		 t;
	struct mm_req			 r;
	int				 rc = -1;

	req->url = mm_url(c, err);
	if (req->url == NULL)
		return -1;
	req->url_is_secret = true;
	nsend_tmpl_init(&t, ctx, err);
	mm_render(c, &t, &r);
	if (!t.failed) {
		req->http = c->base.http;
		notify_req_add_header(req, "Content-Type: application/json");
		mm_json(&req->body, c, &r);
		req->verdict_note = xstrdup(r.channel);
		rc = 0;
	}
	mm_req_release(&r);
	nsend_tmpl_release(&t);
	return rc;
}

/* notify.Retrier, its error after "channel \"x\": " as upstream. */
static enum notify_verdict
mattermost_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	enum notify_verdict	 v = notifier_default_verdict(conf, r, err);
	const char		*ch = r->verdict_note != NULL ?
				    r->verdict_note : "";
	struct buf		 q;

	if (v == NOTIFY_OK || r->status == 0)
		return v;
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, ch, strlen(ch));
	ad_err_prefix(err, "channel %s", buf_str(&q));
	buf_release(&q);
	return v;
}

const struct notifier_type notifier_mattermost = {
	.name = "mattermost",
	.config_key = "mattermost_configs",
	.send_resolved_default = true,
	.since = "0.30",
	.fields = mattermost_fields,
	.conf_size = sizeof(struct mattermost_conf),
	.check = mattermost_check,
	.prepare = mattermost_prepare,
	.verdict = mattermost_verdict,
};
