/*
 * sns: the AWS SNS integration (sns_configs).
 *
 * Configuration: Alertmanager 0.25's SNSConfig with sigv4; exactly one
 * of topic_arn, phone_number, target_arn (Go's chained != quirk kept: all
 * three set passes, as in Alertmanager).
 *
 * Sending: what Alertmanager's notify/sns makes aws-sdk-go v1 send: the
 * query-protocol Publish action, form-encoded and sorted as url.Values
 * (Action, Message, MessageAttributes -- "MessageAttributes=" when
 * there are none --, MessageDeduplicationId and MessageGroupId (the
 * group key's SHA-256) for a ".fifo" topic, PhoneNumber, Subject,
 * TargetArn, TopicArn, Version), every field a template; the message
 * cut to 256 KiB (1600 bytes for an SMS) at a byte count, with a
 * "truncated" attribute; POST <endpoint>/ signed with AWS SigV4
 * (nsigv4.c, checked against the SDK's signatures), the SDK's
 * User-Agent.  Credentials: the sigv4 keys, else the environment, else
 * the shared credentials file; role_arn (STS) is not supported yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"
#include "notifiers/nhttp.h"
#include "notifiers/notify.h"
#include "notifiers/nsigv4.h"
#include "notifiers/ntext.h"
#include "templates/tmpl.h"

struct sns_sigv4 {
	char	*region, *access_key, *secret_key, *profile, *role_arn;
};

struct sns_conf {
	struct notifier_conf	 base;
	char			*api_url;
	struct sns_sigv4	 sigv4;
	char			*topic_arn, *phone_number, *target_arn;
	char			*subject, *message;
	struct config_kv	*attributes;
	size_t			 n_attributes;
};

static const struct config_field sigv4_fields[] = {
	CF_F("region", CF_STR, CF_OMITEMPTY, struct sns_sigv4, region),
	CF_F("access_key", CF_STR, CF_OMITEMPTY, struct sns_sigv4, access_key),
	CF_F("secret_key", CF_SECRET, CF_OMITEMPTY, struct sns_sigv4,
	    secret_key),
	CF_F("profile", CF_STR, CF_OMITEMPTY, struct sns_sigv4, profile),
	CF_F("role_arn", CF_STR, CF_OMITEMPTY, struct sns_sigv4, role_arn),
	CF_END
};

/* SigV4Config.Validate: both keys or neither. */
static int
sigv4_check(void *obj, struct config_check *chk)
{
	struct sns_sigv4	*s = obj;

	if (nconf_nz(s->access_key) != nconf_nz(s->secret_key))
		return config_check_errf(chk, NULL, "must provide a AWS SigV4 "
		    "Access key and Secret Key if credentials are specified in "
		    "the SigV4 config");
	return 0;
}

static const struct config_obj sigv4_obj = {
	.go_type = "sigv4.plain", .size = sizeof(struct sns_sigv4),
	.fields = sigv4_fields, .check = sigv4_check,
};

#define S	struct sns_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field sns_fields[] = {
	NCONF_SEND_RESOLVED(S, 1),
	NCONF_HTTP(S),
	CF_F("api_url", CF_STR, T, S, api_url),
	CF_FO("sigv4", CF_OBJ, 0, S, sigv4, &sigv4_obj),
	CF_F("topic_arn", CF_STR, T, S, topic_arn),
	CF_F("phone_number", CF_STR, T, S, phone_number),
	CF_F("target_arn", CF_STR, T, S, target_arn),
	CF_FD("subject", CF_STR, T, S, subject,
	    "{{ template \"sns.default.subject\" . }}"),
	CF_FD("message", CF_STR, T, S, message,
	    "{{ template \"sns.default.message\" . }}"),
	CF_FN("attributes", CF_MAP, T, S, attributes, n_attributes),
	CF_END
};

static int
sns_check(void *conf, struct config_global *g, struct config_check *chk)
{
	struct sns_conf	*c = conf;
	bool		 a = !nconf_nz(c->target_arn);
	bool		 b = !nconf_nz(c->topic_arn);
	bool		 d = !nconf_nz(c->phone_number);

	(void)g;
	if ((a != b) != d)
		return config_check_errf(chk, NULL, "must provide either a "
		    "Target ARN, Topic ARN, or Phone Number for SNS config");
	return 0;
}

/* ------------------------------------------------------------ sending */

/* Message limits (bytes): SNS's 256 KiB, 1600 for an SMS. */
#define SNS_MAX_TOPIC	(256 * 1024)
#define SNS_MAX_SMS	1600
#define SNS_API_VERSION	"2010-03-31"
/* What Alertmanager 0.25's aws-sdk-go sends (Debian's build). */
#define SNS_USER_AGENT	"aws-sdk-go/1.44.133 (go1.19.8; linux; amd64)"
#define SNS_CTYPE	"application/x-www-form-urlencoded; charset=utf-8"

struct sns_kv {
	char	*k, *v;
};

struct sns_form {
	struct sns_kv	*v;
	size_t		 n, alloc;
};

static void
sns_form_add(struct sns_form *f, const char *k, const char *v, size_t vlen)
{
	if (f->n == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 16;
		f->v = xreallocarray(f->v, f->alloc, sizeof(*f->v));
	}
	f->v[f->n].k = xstrdup(k);
	f->v[f->n].v = xstrndup(v, vlen);
	f->n++;
}

static void
sns_form_release(struct sns_form *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].k);
		free(f->v[i].v);
	}
	free(f->v);
}

static int
sns_kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sns_kv *)a)->k,
	    ((const struct sns_kv *)b)->k);
}

/* url.Values.Encode: keys sorted (unique here), QueryEscape'd. */
static void
sns_form_encode(struct sns_form *f, struct buf *b)
{
	size_t	i;

	qsort(f->v, f->n, sizeof(*f->v), sns_kv_cmp);
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			buf_addch(b, '&');
		gourl_query_escape(b, f->v[i].k, strlen(f->v[i].k));
		buf_addch(b, '=');
		gourl_query_escape(b, f->v[i].v, strlen(f->v[i].v));
	}
}

/* ------------------------------------------------------- credentials */

struct sns_creds {
	char	*access, *secret, *token, *region;
};

static void
sns_creds_release(struct sns_creds *c)
{
	if (c->secret != NULL)
		explicit_bzero(c->secret, strlen(c->secret));
	free(c->access);
	free(c->secret);
	free(c->token);
	free(c->region);
}

static char *
sns_env(const char *a, const char *b)
{
	const char	*v = getenv(a);

	if ((v == NULL || *v == '\0') && b != NULL)
		v = getenv(b);
	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

/* One "key = value" of [profile] in an INI-like credentials file. */
static char *
sns_ini_get(const char *text, const char *profile, const char *key)
{
	const char	*p = text, *eol, *k, *v;
	bool		 in = false;
	size_t		 klen = strlen(key);

	for (; *p != '\0'; p = *eol == '\0' ? eol : eol + 1) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		for (k = p; k < eol && (*k == ' ' || *k == '\t'); k++)
			;
		if (*k == '[') {
			v = memchr(k, ']', (size_t)(eol - k));
			in = v != NULL &&
			    (size_t)(v - k - 1) == strlen(profile) &&
			    memcmp(k + 1, profile, strlen(profile)) == 0;
			continue;
		}
		if (!in || (size_t)(eol - k) <= klen ||
		    strncmp(k, key, klen) != 0)
			continue;
		for (v = k + klen; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		if (v == eol || *v != '=')
			continue;
		for (v++; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (k = eol; k > v && strchr(" \t\r", k[-1]) != NULL; k--)
			;
		return xstrndup(v, (size_t)(k - v));
	}
	return NULL;
}

/* The shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/credentials), profile from the config, AWS_PROFILE or
 * "default". */
static void
sns_creds_file(const struct sns_conf *c, struct sns_creds *cr)
{
	const char	*path = getenv("AWS_SHARED_CREDENTIALS_FILE");
	const char	*home = getenv("HOME");
	const char	*profile = c->sigv4.profile;
	struct buf	 p, data;
	struct ad_err	 e;

	if (!nconf_nz(profile))
		profile = getenv("AWS_PROFILE");
	if (profile == NULL || *profile == '\0')
		profile = "default";
	buf_init(&p, BUF_NOCAP);
	if (path != NULL && *path != '\0')
		buf_addstr(&p, path);
	else if (home != NULL)
		buf_addf(&p, "%s/.aws/credentials", home);
	buf_init(&data, 1 << 20);
	if (buf_len(&p) > 0 && buf_read_file(&data, buf_str(&p), &e) == 0 &&
	    buf_len(&data) > 0) {
		cr->access = sns_ini_get(buf_str(&data), profile,
		    "aws_access_key_id");
		cr->secret = sns_ini_get(buf_str(&data), profile,
		    "aws_secret_access_key");
		cr->token = sns_ini_get(buf_str(&data), profile,
		    "aws_session_token");
		explicit_bzero(data.b_ptr, buf_len(&data));
	}
	buf_release(&data);
	buf_release(&p);
}

/*
 * aws-sdk-go's session: the sigv4 keys when both are set, else the
 * environment, else the shared credentials file (no EC2/ECS role, no
 * STS AssumeRole: they need requests of their own).  Region: sigv4's,
 * else AWS_REGION, else AWS_DEFAULT_REGION.  On failure cr holds
 * nothing.
 */
static int
sns_creds(const struct sns_conf *c, struct sns_creds *cr, struct ad_err *err)
{
	const struct sns_sigv4	*s = &c->sigv4;

	memset(cr, 0, sizeof(*cr));
	if (nconf_nz(s->role_arn))
		return ad_err_set(err, AD_EINVAL, "sigv4 role_arn (STS "
		    "AssumeRole) is not supported by alertd yet");
	cr->region = nconf_nz(s->region) ? xstrdup(s->region) :
	    sns_env("AWS_REGION", "AWS_DEFAULT_REGION");
	if (cr->region == NULL)
		return ad_err_set(err, AD_EINVAL, "region not configured in "
		    "sns.sigv4.region or in default credentials chain");
	if (nconf_nz(s->access_key) && nconf_nz(s->secret_key)) {
		cr->access = xstrdup(s->access_key);
		cr->secret = xstrdup(s->secret_key);
		return 0;
	}
	cr->access = sns_env("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY");
	cr->secret = sns_env("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY");
	if (cr->access != NULL && cr->secret != NULL) {
		cr->token = sns_env("AWS_SESSION_TOKEN", NULL);
		return 0;
	}
	free(cr->access);
	free(cr->secret);
	cr->access = cr->secret = NULL;
	sns_creds_file(c, cr);
	if (cr->access != NULL && cr->secret != NULL)
		return 0;
	sns_creds_release(cr);
	return ad_err_set(err, AD_EINVAL, "NoCredentialProviders: no valid "
	    "providers in chain (sigv4 keys, AWS_ACCESS_KEY_ID and "
	    "AWS_SECRET_ACCESS_KEY, shared credentials file)");
}

/* ---------------------------------------------------------- endpoint */

struct sns_endpoint {
	struct buf	 url;	/* scheme://authority path ?query */
	char		*host;	/* authority, no default port */
	char		*path;	/* with the operation's "/" */
	struct buf	 query;	/* canonical */
};

/* The endpoint's query as the signer re-encodes it: url.Values parsed
 * from it, encoded sorted, a space as %20. */
static void
sns_query(const char *q, struct buf *out)
{
	struct gourl_values	 v;
	struct buf		 e;
	const char		*p;

	gourl_values_init(&v);
	gourl_values_parse(&v, q);
	buf_init(&e, BUF_NOCAP);
	gourl_values_encode(&v, &e);
	for (p = buf_str(&e); *p != '\0'; p++)
		if (*p == '+')
			buf_addstr(out, "%20");
		else
			buf_addch(out, *p);
	buf_release(&e);
	gourl_values_release(&v);
}

/* endpoints.AddScheme's test: ^([^:]+):// */
static bool
sns_has_scheme(const char *u)
{
	size_t	n = strcspn(u, ":");

	return n > 0 && strncmp(u + n, "://", 3) == 0;
}

/*
 * aws-sdk-go's endpoint: api_url (https:// added when it has no
 * scheme) or https://sns.<region>.amazonaws.com, then the Publish
 * operation's path "/" appended unless the path ends with one.
 */
static void
sns_endpoint(const char *api_url, const char *region, struct sns_endpoint *ep)
{
	struct buf	 u;
	const char	*s, *auth, *path, *query;
	size_t		 alen, plen;

	buf_init(&u, BUF_NOCAP);
	if (api_url == NULL || *api_url == '\0')
		buf_addf(&u, "https://sns.%s.amazonaws.com%s", region,
		    strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
	else if (!sns_has_scheme(api_url))
		buf_addf(&u, "https://%s", api_url);
	else
		buf_addstr(&u, api_url);
	s = buf_str(&u);
	auth = strstr(s, "://") + 3;
	alen = strcspn(auth, "/?#");
	path = auth + alen;
	plen = strcspn(path, "?#");
	query = path[plen] == '?' ? path + plen + 1 : "";

	buf_init(&ep->url, BUF_NOCAP);
	buf_init(&ep->query, BUF_NOCAP);
	buf_add(&ep->url, s, (size_t)(path - s));
	ep->host = xstrndup(auth, alen);
	if ((strncmp(s, "https://", 8) == 0 && alen > 4 &&
	    strcmp(ep->host + alen - 4, ":443") == 0))
		ep->host[alen - 4] = '\0';
	else if (strncmp(s, "http://", 7) == 0 && alen > 3 &&
	    strcmp(ep->host + alen - 3, ":80") == 0)
		ep->host[alen - 3] = '\0';
	ep->path = xmalloc(plen + 2);
	memcpy(ep->path, path, plen);
	if (plen == 0 || path[plen - 1] != '/')
		ep->path[plen++] = '/';
	ep->path[plen] = '\0';
	buf_addstr(&ep->url, ep->path);
	if (*query != '\0') {
		char	*q = xstrndup(query, strcspn(query, "#"));

		sns_query(q, &ep->query);
		free(q);
		buf_addf(&ep->url, "?%s", buf_str(&ep->query));
	}
	buf_release(&u);
}

static void
sns_endpoint_release(struct sns_endpoint *ep)
{
	buf_release(&ep->url);
	buf_release(&ep->query);
	free(ep->host);
	free(ep->path);
}

/* ------------------------------------------------------------ publish */

enum { SNS_API_URL, SNS_TOPIC, SNS_PHONE, SNS_TARGET, SNS_MESSAGE,
	SNS_SUBJECT, SNS_NFIELDS };

struct sns_msg {
	struct buf	 f[SNS_NFIELDS];
	struct sns_form	 attrs;	/* rendered names and values */
};

static void
sns_msg_release(struct sns_msg *m)
{
	int	i;

	for (i = 0; i < SNS_NFIELDS; i++)
		buf_release(&m->f[i]);
	sns_form_release(&m->attrs);
}

/*
 * Every template, in the order Alertmanager renders them (api_url,
 * attributes, topic_arn, phone_number, target_arn, message, subject);
 * the first error fails the notification (0.25 sent empty strings; later
 * releases return the error).
 */
static int
sns_render(const struct sns_conf *c, const struct notify_ctx *ctx,
    struct sns_msg *m, struct ad_err *err)
{
	const char		*texts[SNS_NFIELDS] = { c->api_url,
				    c->topic_arn, c->phone_number,
				    c->target_arn, c->message, c->subject };
	struct tmpl_data	*d = ntext_data(ctx);
	struct buf		 k, v;
	size_t			 i;
	int			 rc = 0;

	buf_init(&k, BUF_NOCAP);
	buf_init(&v, BUF_NOCAP);
	for (i = 0; i < SNS_NFIELDS; i++)
		buf_init(&m->f[i], BUF_NOCAP);
	rc = ntext_render(ctx, d, texts[SNS_API_URL], false,
	    &m->f[SNS_API_URL], err);
	for (i = 0; rc == 0 && i < c->n_attributes; i++) {
		rc = ntext_render(ctx, d, c->attributes[i].key, false, &k, err);
		if (rc == 0)
			rc = ntext_render(ctx, d, c->attributes[i].value, false,
			    &v, err);
		if (rc == 0)
			sns_form_add(&m->attrs, buf_str(&k), buf_str(&v),
			    buf_len(&v));
	}
	for (i = SNS_TOPIC; rc == 0 && i < SNS_NFIELDS; i++)
		rc = ntext_render(ctx, d, texts[i], false, &m->f[i], err);
	buf_release(&k);
	buf_release(&v);
	tmpl_data_free(d);
	return rc;
}

/* A map[string]*MessageAttributeValue entry (a later one of the same
 * name replaces an earlier one, as in Go's map). */
static void
sns_attr_set(struct sns_form *a, const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].k, name) != 0)
			continue;
		free(a->v[i].v);
		a->v[i].v = xstrdup(value);
		return;
	}
	sns_form_add(a, name, value, strlen(value));
}

/* The query protocol's MessageAttributes: entries sorted by name. */
static void
sns_form_attrs(struct sns_form *form, struct sns_form *attrs)
{
	char	key[64];
	size_t	i, j, keep;

	/* duplicates from two templates rendering alike: the last wins */
	for (i = 0, keep = 0; i < attrs->n; i++) {
		for (j = i + 1; j < attrs->n; j++)
			if (strcmp(attrs->v[i].k, attrs->v[j].k) == 0)
				break;
		if (j < attrs->n) {
			free(attrs->v[i].k);
			free(attrs->v[i].v);
			continue;
		}
		attrs->v[keep++] = attrs->v[i];
	}
	attrs->n = keep;
	if (attrs->n == 0) {
		sns_form_add(form, "MessageAttributes", "", 0);
		return;
	}
	qsort(attrs->v, attrs->n, sizeof(*attrs->v), sns_kv_cmp);
	for (i = 0; i < attrs->n; i++) {
		snprintf(key, sizeof(key), "MessageAttributes.entry.%zu.Name",
		    i + 1);
		sns_form_add(form, key, attrs->v[i].k, strlen(attrs->v[i].k));
		snprintf(key, sizeof(key), "MessageAttributes.entry.%zu.Value."
		    "DataType", i + 1);
		sns_form_add(form, key, "String", 6);
		snprintf(key, sizeof(key), "MessageAttributes.entry.%zu.Value."
		    "StringValue", i + 1);
		sns_form_add(form, key, attrs->v[i].v, strlen(attrs->v[i].v));
	}
}

static bool
sns_suffix(const struct buf *b, const char *sfx)
{
	size_t	n = strlen(sfx);

	return buf_len(b) >= n && memcmp(buf_str(b) + buf_len(b) - n, sfx,
	    n) == 0;
}

/* createPublishInput: the Publish parameters as a form. */
static int
sns_publish(const struct sns_conf *c, const struct notify_ctx *ctx,
    struct sns_msg *m, struct sns_form *form, struct ad_err *err)
{
	size_t		 max = SNS_MAX_TOPIC, len;
	unsigned char	 h[NSIGV4_SHA256_LEN];
	char		 hex[2 * NSIGV4_SHA256_LEN + 1];
	const struct buf *msg = &m->f[SNS_MESSAGE];

	sns_form_add(form, "Action", "Publish", 7);
	sns_form_add(form, "Version", SNS_API_VERSION, 10);
	if (nconf_nz(c->topic_arn)) {
		sns_form_add(form, "TopicArn", buf_str(&m->f[SNS_TOPIC]),
		    buf_len(&m->f[SNS_TOPIC]));
		/* a FIFO topic: deduplicated and grouped by the group key */
		if (sns_suffix(&m->f[SNS_TOPIC], ".fifo")) {
			nsigv4_sha256(ctx->group_key, strlen(ctx->group_key),
			    h);
			nsigv4_hex(h, sizeof(h), hex);
			sns_form_add(form, "MessageDeduplicationId", hex, 64);
			sns_form_add(form, "MessageGroupId", hex, 64);
		}
	}
	if (nconf_nz(c->phone_number)) {
		sns_form_add(form, "PhoneNumber", buf_str(&m->f[SNS_PHONE]),
		    buf_len(&m->f[SNS_PHONE]));
		max = SNS_MAX_SMS;
	}
	if (nconf_nz(c->target_arn))
		sns_form_add(form, "TargetArn", buf_str(&m->f[SNS_TARGET]),
		    buf_len(&m->f[SNS_TARGET]));
	if (!utf8_valid(buf_str(msg), buf_len(msg)))
		return ad_err_set(err, AD_EINVAL, "non utf8 encoded message "
		    "string");
	/* cut at a byte count, a rune split or not, as Alertmanager does */
	len = buf_len(msg);
	if (len > max) {
		len = max;
		sns_attr_set(&m->attrs, "truncated", "true");
	}
	sns_form_add(form, "Message", buf_str(msg), len);
	sns_form_attrs(form, &m->attrs);
	if (nconf_nz(c->subject))
		sns_form_add(form, "Subject", buf_str(&m->f[SNS_SUBJECT]),
		    buf_len(&m->f[SNS_SUBJECT]));
	return 0;
}

/* Headers, signature: what aws-sdk-go's handlers and v4 signer add. */
static void
sns_sign(struct notify_req *req, const struct sns_endpoint *ep,
    const struct sns_creds *cr, ad_time_t now)
{
	char			 clen[24], date[NSIGV4_DATE_LEN];
	struct nsigv4_header	 h[5];
	struct nsigv4_req	 r;
	struct nsigv4_key	 k = { cr->access, cr->secret, cr->region,
				    "sns" };
	struct buf		 auth;
	size_t			 n = 0;

	nsigv4_date(now, date);
	snprintf(clen, sizeof(clen), "%zu", buf_len(&req->body));
	h[n++] = (struct nsigv4_header){ "content-length", clen };
	h[n++] = (struct nsigv4_header){ "content-type", SNS_CTYPE };
	h[n++] = (struct nsigv4_header){ "x-amz-date", date };
	if (cr->token != NULL)
		h[n++] = (struct nsigv4_header){ "x-amz-security-token",
		    cr->token };
	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.path = ep->path;
	r.query = buf_str(&ep->query);
	r.headers = h;
	r.n_headers = n;
	r.host = ep->host;
	r.body = buf_str(&req->body);
	r.body_len = buf_len(&req->body);
	buf_init(&auth, BUF_NOCAP);
	nsigv4_sign(&r, &k, now, &auth, NULL);
	notify_req_add_header(req, "Host: %s", ep->host);
	notify_req_add_header(req, "User-Agent: %s", SNS_USER_AGENT);
	notify_req_add_header(req, "Content-Type: %s", SNS_CTYPE);
	notify_req_add_header(req, "X-Amz-Date: %s", date);
	if (cr->token != NULL)
		notify_req_add_header(req, "X-Amz-Security-Token: %s",
		    cr->token);
	notify_req_add_header(req, "Authorization: %s", buf_str(&auth));
	buf_release(&auth);
}

static int
sns_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct sns_conf	*c = conf;
	struct sns_creds	 cr;
	struct sns_msg		 m;
	struct sns_form		 form = { 0 };
	struct sns_endpoint	 ep;
	int			 rc = -1;

	memset(&m, 0, sizeof(m));
	if (sns_render(c, ctx, &m, err) == -1 || sns_creds(c, &cr, err) == -1)
		goto out_msg;
	if (sns_publish(c, ctx, &m, &form, err) == -1)
		goto out_creds;
	sns_endpoint(buf_str(&m.f[SNS_API_URL]), cr.region, &ep);
	sns_form_encode(&form, &req->body);
	req->url = buf_detach(&ep.url, NULL);
	req->http = c->base.http;
	/* signed at the flush's time: valid 15 minutes, the retries too */
	sns_sign(req, &ep, &cr, ctx->now);
	sns_endpoint_release(&ep);
	rc = 0;
out_creds:
	sns_creds_release(&cr);
out_msg:
	sns_form_release(&form);
	sns_msg_release(&m);
	return rc;
}

/* ------------------------------------------------------------ verdict */

/* The text of <tag> in an AWS query-protocol error, entities decoded. */
static void
sns_xml_text(const char *body, size_t len, const char *tag, struct buf *out)
{
	static const char *const ent[][2] = { { "&lt;", "<" }, { "&gt;", ">" },
	    { "&amp;", "&" }, { "&quot;", "\"" }, { "&apos;", "'" } };
	char		 open[32], close_[32];
	const char	*p, *end;
	size_t		 i;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close_, sizeof(close_), "</%s>", tag);
	p = memmem(body, len, open, strlen(open));
	if (p == NULL)
		return;
	p += strlen(open);
	end = memmem(p, len - (size_t)(p - body), close_, strlen(close_));
	if (end == NULL)
		return;
	while (p < end) {
		for (i = 0; i < 5; i++)
			if ((size_t)(end - p) >= strlen(ent[i][0]) &&
			    memcmp(p, ent[i][0], strlen(ent[i][0])) == 0)
				break;
		if (i < 5) {
			buf_addstr(out, ent[i][1]);
			p += strlen(ent[i][0]);
		} else {
			buf_addch(out, *p++);
		}
	}
}

/* aws-sdk-go's throttle and timeout codes, which it retries itself. */
static bool
sns_retryable_code(const char *code)
{
	static const char *const codes[] = { "Throttling",
	    "ThrottlingException", "ThrottledException",
	    "RequestThrottledException", "TooManyRequestsException",
	    "ProvisionedThroughputExceededException",
	    "TransactionInProgressException", "RequestLimitExceeded",
	    "BandwidthLimitExceeded", "LimitExceededException",
	    "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	    "EC2ThrottledException", "RequestTimeout",
	    "RequestTimeoutException" };
	size_t	i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/*
 * An awserr.RequestFailure goes through notify.Retrier with the error's
 * message: "unexpected status code 400: Invalid parameter: TopicArn".
 * 5xx are retried, and so are throttling and timeouts (the SDK retries
 * them three times before Alertmanager sees them).  Any 2xx is sent.
 */
static enum notify_verdict
sns_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	struct buf		code, msg;
	enum notify_verdict	v;

	(void)conf;
	if (r->status == 0) {
		ad_err_set(err, AD_EIO, "RequestError: send request failed: "
		    "Post \"%s\": %s", r->url, r->curl_error != NULL ?
		    r->curl_error : "request failed");
		return NOTIFY_RETRY;
	}
	if (r->status / 100 == 2)
		return NOTIFY_OK;
	buf_init(&code, BUF_NOCAP);
	buf_init(&msg, BUF_NOCAP);
	sns_xml_text(r->body, r->body_len, "Code", &code);
	sns_xml_text(r->body, r->body_len, "Message", &msg);
	if (buf_len(&msg) > 0)
		ad_err_set(err, AD_EIO, "unexpected status code %ld: %s",
		    r->status, buf_str(&msg));
	else
		ad_err_set(err, AD_EIO, "unexpected status code %ld",
		    r->status);
	v = r->status / 100 == 5 || r->status == 429 ||
	    sns_retryable_code(buf_str(&code)) ? NOTIFY_RETRY : NOTIFY_FAIL;
	buf_release(&code);
	buf_release(&msg);
	return v;
}

const struct notifier_type notifier_sns = {
	.name = "sns",
	.config_key = "sns_configs",
	.send_resolved_default = true,
	.fields = sns_fields,
	.conf_size = sizeof(struct sns_conf),
	.check = sns_check,
	.prepare = sns_prepare,
	.verdict = sns_verdict,
};
