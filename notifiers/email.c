/*
 * email: the email integration (email_configs).
 *
 * Configuration: Alertmanager 0.25's EmailConfig; to is required; from,
 * smarthost, hello, auth_* and require_tls come from the global smtp_*
 * values when unset; header names are canonicalised as Go's
 * textproto.CanonicalMIMEHeaderKey does, and duplicates refused;
 * force_implicit_tls and auth_secret_file (0.31), inherited from global
 * smtp_force_implicit_tls and smtp_auth_secret(_file) as 0.31 does.
 *
 * Sending: notify/email's message byte for byte (tests/data/email/am-0.25
 * holds the real thing): the configured headers rendered and Q-encoded,
 * Message-Id "<unixnano.random@hostname>", an RFC 1123 Date in local time,
 * multipart/alternative with a quoted-printable text part when `text` is
 * set and the HTML part (rendered as html/template), through libcurl's
 * SMTP on the notify thread: envelope from net/mail's parse of `from`
 * (exactly one) and `to`, EHLO `hello`, STARTTLS required when
 * require_tls, implicit TLS on port 465, AUTH as close to Alertmanager's
 * choice as libcurl allows (email_auth).  Kept on purpose: the
 * configured headers in no particular order (Go's map order is random),
 * two spaces before "boundary=", every SMTP error retried.  Differs: the
 * headers come in the config's order; with implicit TLS, require_tls is
 * satisfied (0.31; 0.25 failed for want of STARTTLS); the password file
 * is trimmed (0.26+); MAIL FROM carries no BODY=8BITMIME (the message is
 * 7-bit anyway).
 */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "notifiers/mime.h"
#include "notifiers/nconf.h"
#include "notifiers/nhttp.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"
#include "templates/tmpl.h"

struct email_conf {
	struct notifier_conf	 base;
	char			*to, *from, *hello, *smarthost;
	char			*auth_username, *auth_password;
	struct config_file	 auth_password_file;
	char			*auth_secret, *auth_identity;
	struct config_file	 auth_secret_file;	/* 0.31 */
	struct config_kv	*headers;
	size_t			 n_headers;
	char			*html, *text;
	bool			 require_tls, require_tls_set;
	struct config_tls	 tls;
	/* force_implicit_tls (0.31) */
	bool			 implicit_tls, implicit_tls_set;
};

#define E	struct email_conf

static const struct config_field email_fields[] = {
	NCONF_SEND_RESOLVED(E, 0),
	CF_F("to", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, E, to),
	CF_F("from", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, E, from),
	CF_F("hello", CF_STR, CF_OMITEMPTY, E, hello),
	CF_F("smarthost", CF_HOSTPORT, CF_OMITEMPTY, E, smarthost),
	CF_F("auth_username", CF_STR, CF_OMITEMPTY, E, auth_username),
	CF_F("auth_password", CF_SECRET, CF_OMITEMPTY, E, auth_password),
	CF_F("auth_password_file", CF_FILE, CF_OMITEMPTY, E,
	    auth_password_file),
	CF_F("auth_secret", CF_SECRET, CF_OMITEMPTY, E, auth_secret),
	NCONF_NEWER("auth_secret_file", CF_FILE, CF_OMITEMPTY, E,
	    auth_secret_file, "0.31"),
	CF_F("auth_identity", CF_STR, CF_OMITEMPTY, E, auth_identity),
	CF_FN("headers", CF_MAP, CF_OMITEMPTY | CF_TEMPLATE, E, headers,
	    n_headers),
	CF_FD("html", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, E, html,
	    "{{ template \"email.default.html\" . }}"),
	CF_F("text", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, E, text),
	{ .key = "require_tls", .type = CF_BOOL,
	  .flags = CF_OMITEMPTY | CF_HASSET, .off = offsetof(E, require_tls),
	  .off_set = offsetof(E, require_tls_set) },
	CF_FO("tls_config", CF_OBJ, CF_OMITEMPTY, E, tls, &config_tls_obj),
	{ .key = "force_implicit_tls", .type = CF_BOOL,
	  .flags = CF_OMITEMPTY | CF_HASSET | CF_NEWER,
	  .off = offsetof(E, implicit_tls),
	  .off_set = offsetof(E, implicit_tls_set), .since = "0.31" },
	CF_END
};

/* textproto.CanonicalMIMEHeaderKey, for ASCII token keys. */
static void
canonical_header(char *k)
{
	bool	upper = true;
	char	*p;

	for (p = k; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' ||
		    strchr("!#$%&'*+.^_`|~", *p) != NULL))
			return;		/* Go leaves such keys alone */
	for (p = k; *p != '\0'; p++) {
		*p = (char)(upper ? toupper((unsigned char)*p) :
		    tolower((unsigned char)*p));
		upper = *p == '-';
	}
}

static int
email_headers(struct email_conf *c, struct config_check *chk)
{
	struct buf	q;
	size_t		i, j;

	for (i = 0; i < c->n_headers; i++) {
		canonical_header(c->headers[i].key);
		for (j = 0; j < i; j++)
			if (strcmp(c->headers[i].key, c->headers[j].key) == 0)
				break;
		if (j < i) {
			buf_init(&q, BUF_NOCAP);
			buf_add_goquote(&q, c->headers[i].key,
			    strlen(c->headers[i].key));
			config_check_errf(chk, "headers", "duplicate header %s "
			    "in email config", buf_str(&q));
			buf_release(&q);
			return -1;
		}
	}
	return 0;
}

static int
email_check(void *conf, struct config_global *g,
    struct config_check *chk)
{
	struct email_conf	*c = conf;

	if (!nconf_nz(c->to))
		return config_check_errf(chk, NULL, "missing to address in "
		    "email config");
	if (email_headers(c, chk) == -1)
		return -1;
	if (!nconf_nz(c->smarthost)) {
		if (!nconf_nz(g->smtp_smarthost))
			return config_check_errf(chk, NULL, "no global SMTP "
			    "smarthost set");
		free(c->smarthost);
		c->smarthost = xstrdup(g->smtp_smarthost);
	}
	if (!nconf_nz(c->from)) {
		if (!nconf_nz(g->smtp_from))
			return config_check_errf(chk, NULL, "no global SMTP "
			    "from set");
		free(c->from);
		c->from = xstrdup(g->smtp_from);
	}
	if (!nconf_nz(c->hello))
		nconf_default(&c->hello, g->smtp_hello);
	if (!nconf_nz(c->auth_username))
		nconf_default(&c->auth_username, g->smtp_auth_username);
	if (!nconf_nz(c->auth_password) &&
	    !nconf_nz(c->auth_password_file.path)) {
		nconf_default(&c->auth_password, g->smtp_auth_password);
		nconf_file_default(&c->auth_password_file,
		    &g->smtp_auth_password_file);
	}
	if (!nconf_nz(c->auth_secret) && !nconf_nz(c->auth_secret_file.path)) {
		nconf_default(&c->auth_secret, g->smtp_auth_secret);
		nconf_file_default(&c->auth_secret_file,
		    &g->smtp_auth_secret_file);
	}
	if (!nconf_nz(c->auth_identity))
		nconf_default(&c->auth_identity, g->smtp_auth_identity);
	if (!c->require_tls_set) {
		c->require_tls = g->smtp_require_tls;
		c->require_tls_set = true;
	}
	/* global smtp_force_implicit_tls (0.31): nil stays nil (by port) */
	if (!c->implicit_tls_set && g->smtp_force_implicit_tls_set) {
		c->implicit_tls = g->smtp_force_implicit_tls;
		c->implicit_tls_set = true;
	}
	return 0;
}

static void
email_header_default(struct email_conf *c, const char *k, const char *v)
{
	size_t	i;

	for (i = 0; i < c->n_headers; i++)
		if (strcmp(c->headers[i].key, k) == 0)
			return;
	c->headers = xreallocarray(c->headers, c->n_headers + 1,
	    sizeof(*c->headers));
	c->headers[c->n_headers].key = xstrdup(k);
	c->headers[c->n_headers].value = xstrdup(v != NULL ? v : "");
	c->n_headers++;
}

/* email.New: the default Subject, To and From headers. */
static void
email_activate(void *conf)
{
	struct email_conf	*c = conf;

	email_header_default(c, "Subject",
	    "{{ template \"email.default.subject\" . }}");
	email_header_default(c, "To", c->to);
	email_header_default(c, "From", c->from);
}

/* ------------------------------------------------------------ sending */

/* Where email.go connects: smarthost split as net.SplitHostPort. */
struct email_target {
	char	*host, *port;
	bool	 implicit_tls;	/* smtps:// */
};

static void
email_target(const struct email_conf *c, struct email_target *t)
{
	const char	*sh = c->smarthost, *colon = strrchr(sh, ':');
	size_t		 hlen;

	if (colon == NULL)
		colon = sh + strlen(sh);
	hlen = (size_t)(colon - sh);
	if (hlen >= 2 && sh[0] == '[' && sh[hlen - 1] == ']')
		t->host = xstrndup(sh + 1, hlen - 2);
	else
		t->host = xstrndup(sh, hlen);
	t->port = xstrdup(*colon == ':' ? colon + 1 : "");
	/* force_implicit_tls (0.31), else port 465 as in every release */
	t->implicit_tls = c->implicit_tls_set ? c->implicit_tls :
	    strcmp(t->port, "465") == 0;
}

static void
email_target_release(struct email_target *t)
{
	free(t->host);
	free(t->port);
}

/* smtp[s]://smarthost/<EHLO name, escaped>; curl says EHLO <name>. */
static char *
email_url(const struct email_conf *c, const struct email_target *t)
{
	const char	*h = nconf_nz(c->hello) ? c->hello : "localhost";
	struct buf	 b;

	/* an empty hello: net/smtp's own "localhost", not curl's host name */
	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "%s://%s/", t->implicit_tls ? "smtps" : "smtp",
	    c->smarthost);
	for (; *h != '\0'; h++)
		if (isalnum((unsigned char)*h) || strchr("-._~", *h) != NULL)
			buf_addch(&b, *h);
		else
			buf_addf(&b, "%%%02X", (unsigned char)*h);
	return buf_detach(&b, NULL);
}

/* Go's smtp.PlainAuth refuses to send a password in clear text, but to
 * localhost. */
static bool
email_is_localhost(const char *host)
{
	return strcmp(host, "localhost") == 0 ||
	    strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0;
}

/* auth_secret_file (0.31): read per notification, untrimmed, with
 * email.go's "could not read <path>: " before os.ReadFile's error. */
static char *
email_read_raw(const char *path, struct ad_err *err)
{
	char	*s = nsend_read_file(path, false, err);

	if (s == NULL)
		ad_err_prefix(err, "could not read %s", path);
	return s;
}

/*
 * email.go's auth(): without a username, no AUTH.  Alertmanager takes
 * the first mechanism of the server's AUTH list it has credentials for:
 * CRAM-MD5 with auth_secret, PLAIN (with auth_identity) or LOGIN with
 * the password.  libcurl decides inside one transfer, from the mechanisms
 * it is allowed: it prefers CRAM-MD5, then PLAIN, then LOGIN, and uses
 * one password for all.  So: with a password, PLAIN and LOGIN (PLAIN not
 * over clear text to a remote host, which smtp.PlainAuth refuses); with
 * only a secret, CRAM-MD5; with neither, a mechanism no server lets
 * libcurl use ("XOAUTH2" without a token), so that a server offering
 * AUTH fails the notification as Alertmanager's "missing password"
 * does, while a server without AUTH gets the mail, as in Alertmanager.
 */
static int
email_auth(const struct email_conf *c, const struct email_target *t,
    bool clear_text, struct notify_req *req, struct ad_err *err)
{
	char	*pw = NULL;

	if (!nconf_nz(c->auth_username))
		return 0;
	if (nconf_nz(c->auth_password_file.path)) {
		pw = nhttp_read_secret_file(c->auth_password_file.path,
		    "smtp auth_password", err);
		if (pw == NULL)
			return -1;
	} else if (nconf_nz(c->auth_password))
		pw = xstrdup(c->auth_password);
	req->smtp_user = xstrdup(c->auth_username);
	if (pw != NULL && pw[0] != '\0') {
		req->smtp_password = pw;
		req->smtp_auth = xstrdup(clear_text &&
		    !email_is_localhost(t->host) ? "LOGIN" : "PLAIN LOGIN");
		if (nconf_nz(c->auth_identity))
			req->smtp_authzid = xstrdup(c->auth_identity);
		return 0;
	}
	free(pw);
	if (nconf_nz(c->auth_secret_file.path)) {
		/* getAuthSecret: the file as it is, not trimmed */
		pw = email_read_raw(c->auth_secret_file.path, err);
		if (pw == NULL)
			return -1;
		req->smtp_password = pw;
		req->smtp_auth = xstrdup("CRAM-MD5");
	} else if (nconf_nz(c->auth_secret)) {
		req->smtp_password = xstrdup(c->auth_secret);
		req->smtp_auth = xstrdup("CRAM-MD5");
	} else
		req->smtp_auth = xstrdup("XOAUTH2");
	return 0;
}

/* The headers to write: the configured ones, with email.New's defaults
 * should the config not have been activated. */
static const char *
email_header_value(const struct email_conf *c, const char *k)
{
	size_t	i;

	for (i = 0; i < c->n_headers; i++)
		if (strcmp(c->headers[i].key, k) == 0)
			return c->headers[i].value;
	return NULL;
}

static int
email_header(struct buf *out, const char *k, const char *tmpl,
    const struct tmpl_set *ts, const struct tmpl_data *d, struct ad_err *err)
{
	struct buf	v, q;

	buf_init(&v, BUF_NOCAP);
	if (tmpl_exec_text(ts, tmpl, d, &v, err) == -1) {
		buf_init(&q, BUF_NOCAP);
		buf_add_goquote(&q, k, strlen(k));
		ad_err_prefix(err, "execute %s header template", buf_str(&q));
		buf_release(&q);
		buf_release(&v);
		return -1;
	}
	buf_addf(out, "%s: ", k);
	mime_qencode(out, buf_str(&v), buf_len(&v));
	buf_addstr(out, "\r\n");
	buf_release(&v);
	return 0;
}

/*
 * The header block: the configured headers (Alertmanager writes them in
 * Go's random map order; here in the config's order, then Subject, To
 * and From), each value rendered and Q-encoded; Message-Id unless
 * configured; Date; the multipart Content-Type (with its two spaces);
 * MIME-Version.
 */
static int
email_head(struct buf *out, const struct email_conf *c,
    const struct tmpl_set *ts, const struct tmpl_data *d,
    const char *boundary, struct ad_err *err)
{
	static const char *const defs[] = { "Subject", "To", "From" };
	const char	*dv[3] = { "{{ template \"email.default.subject\" . }}",
	    c->to, c->from };
	char		 host[256];
	uint64_t	 rnd;
	size_t		 i;
	ad_time_t	 now = ad_now();

	for (i = 0; i < c->n_headers; i++)
		if (email_header(out, c->headers[i].key, c->headers[i].value,
		    ts, d, err) == -1)
			return -1;
	for (i = 0; i < 3; i++)
		if (email_header_value(c, defs[i]) == NULL &&
		    email_header(out, defs[i], dv[i], ts, d, err) == -1)
			return -1;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost.localdomain");
	host[sizeof(host) - 1] = '\0';
	mime_random(&rnd, sizeof(rnd));
	if (email_header_value(c, "Message-Id") == NULL)
		buf_addf(out, "Message-Id: <%lld.%llu@%s>\r\n", (long long)now,
		    (unsigned long long)rnd, host);
	buf_addstr(out, "Date: ");
	mime_date(out, now);
	buf_addf(out, "\r\nContent-Type: multipart/alternative;  "
	    "boundary=%s\r\nMIME-Version: 1.0\r\n\r\n", boundary);
	return 0;
}

/* One part of multipart.Writer: its delimiter, sorted headers, the body
 * quoted-printable. */
static int
email_part(struct buf *out, const char *boundary, bool html,
    const char *tmpl, const struct tmpl_set *ts, const struct tmpl_data *d,
    struct ad_err *err)
{
	struct buf	body;
	int		rc;

	buf_init(&body, BUF_NOCAP);
	rc = html ? tmpl_exec_html(ts, tmpl, d, &body, err) :
	    tmpl_exec_text(ts, tmpl, d, &body, err);
	if (rc == -1) {
		ad_err_prefix(err, "execute %s template", html ? "html" :
		    "text");
		buf_release(&body);
		return -1;
	}
	buf_addf(out, "%s--%s\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\nContent-Type: text/%s; charset=UTF-8\r\n\r\n",
	    buf_len(out) > 0 ? "\r\n" : "", boundary, html ? "html" : "plain");
	mime_qp(out, buf_str(&body), buf_len(&body));
	buf_release(&body);
	return 0;
}

/* DATA as textproto's dotWriter sends it: a bare LF becomes CRLF
 * (libcurl escapes the dots). */
static void
email_crlf(struct buf *out, const struct buf *in)
{
	const char	*s = buf_str(in);
	size_t		 i, n = buf_len(in);

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			buf_addch(out, '\r');
		buf_addch(out, s[i]);
	}
}

/* The message of email.go: head, text part when `text` is set, HTML
 * part when `html` is (the preferred alternative last), closing
 * delimiter. */
static int
email_message(struct buf *out, const struct email_conf *c,
    const struct tmpl_set *ts, const struct tmpl_data *d,
    struct ad_err *err)
{
	char		boundary[MIME_BOUNDARY_LEN + 1];
	struct buf	head, parts;
	int		rc = -1;

	mime_boundary(boundary);
	buf_init(&head, BUF_NOCAP);
	buf_init(&parts, BUF_NOCAP);
	if (email_head(&head, c, ts, d, boundary, err) == -1)
		goto out;
	if (nconf_nz(c->text) &&
	    email_part(&parts, boundary, false, c->text, ts, d, err) == -1)
		goto out;
	if (nconf_nz(c->html) &&
	    email_part(&parts, boundary, true, c->html, ts, d, err) == -1)
		goto out;
	buf_addf(&parts, "\r\n--%s--\r\n", boundary);
	buf_add(&head, buf_str(&parts), buf_len(&parts));
	email_crlf(out, &head);
	rc = 0;
out:
	buf_release(&head);
	buf_release(&parts);
	return rc;
}

/* `from` and `to` rendered and parsed as net/mail address lists. */
static int
email_envelope(const struct email_conf *c, const struct tmpl_set *ts,
    const struct tmpl_data *d, struct notify_req *req, struct ad_err *err)
{
	struct buf		 from, to;
	struct mime_addrs	 a = { NULL, 0 };
	int			 rc = -1;

	buf_init(&from, BUF_NOCAP);
	buf_init(&to, BUF_NOCAP);
	if (tmpl_exec_text(ts, c->from, d, &from, err) == -1) {
		ad_err_prefix(err, "execute 'from' template");
		goto out;
	}
	if (tmpl_exec_text(ts, c->to, d, &to, err) == -1) {
		ad_err_prefix(err, "execute 'to' template");
		goto out;
	}
	if (mime_parse_address_list(buf_str(&from), &a, err) == -1) {
		ad_err_prefix(err, "parse 'from' addresses");
		goto out;
	}
	if (a.n != 1) {
		ad_err_set(err, AD_EINVAL, "must be exactly one 'from' "
		    "address (got: %zu)", a.n);
		goto out;
	}
	req->mail_from = xstrdup(a.v[0]);
	mime_addrs_release(&a);
	if (mime_parse_address_list(buf_str(&to), &a, err) == -1) {
		ad_err_prefix(err, "parse 'to' addresses");
		goto out;
	}
	req->rcpt = a.v;
	req->n_rcpt = a.n;
	a.v = NULL;
	a.n = 0;
	rc = 0;
out:
	mime_addrs_release(&a);
	buf_release(&from);
	buf_release(&to);
	return rc;
}

/* tls_config, else the global smtp_tls_config (0.28) when set. */
static const struct config_tls *
email_tls(const struct email_conf *c, const struct config *cfg)
{
	static const struct config_tls	zero;

	if (memcmp(&c->tls, &zero, sizeof(zero)) == 0 && cfg != NULL &&
	    cfg->global.smtp_tls_config != NULL)
		return cfg->global.smtp_tls_config;
	return &c->tls;
}

static int
email_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct email_conf	*c = conf;
	struct email_target	 t;
	struct tmpl_data	*d;
	int			 rc = -1;

	d = tmpl_data_new(ctx->receiver, ctx->group_labels, ctx->alerts,
	    ctx->n_alerts, ctx->external_url, ctx->now);
	email_target(c, &t);
	req->smtp = true;
	req->url = email_url(c, &t);
	req->smtp_implicit_tls = t.implicit_tls;
	/* STARTTLS or fail; with implicit TLS the connection is already
	 * encrypted (0.31; 0.25 then failed for want of STARTTLS) */
	req->smtp_require_tls = c->require_tls && !t.implicit_tls;
	req->smtp_tls = email_tls(c, ctx->cfg);
	if (email_envelope(c, ctx->tmpl, d, req, err) == -1 ||
	    email_message(&req->body, c, ctx->tmpl, d, err) == -1 ||
	    email_auth(c, &t, !t.implicit_tls && !c->require_tls, req,
	    err) == -1)
		goto out;
	rc = 0;
out:
	email_target_release(&t);
	tmpl_data_free(d);
	return rc;
}

/* The part of notify's "send \"url\": <curl's message>" after the URL. */
static const char *
email_curl_msg(const struct notify_resp *r)
{
	const char	*p = r->curl_error != NULL ?
	    strstr(r->curl_error, "\": ") : NULL;

	return p != NULL ? p + 3 : r->curl_error != NULL ? r->curl_error :
	    "send failed";
}

/*
 * Every SMTP failure is retried, as email.go returns true for all of
 * them.  The message takes email.go's prefix for the step that failed,
 * as far as libcurl's error tells it.
 */
static enum notify_verdict
email_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	const struct email_conf	*c = conf;
	const char		*m = email_curl_msg(r);

	if (r->curl_code == 0)
		return NOTIFY_OK;
	if (strstr(m, "STARTTLS not supported") != NULL)
		ad_err_set(err, AD_EIO, "'require_tls' is true (default) but "
		    "\"%s\" does not advertise the STARTTLS extension",
		    c->smarthost);
	else if (strncmp(m, "MAIL failed", 11) == 0)
		ad_err_set(err, AD_EIO, "send MAIL command: %s", m);
	else if (strncmp(m, "RCPT failed", 11) == 0)
		ad_err_set(err, AD_EIO, "send RCPT command: %s", m);
	else if (strncmp(m, "DATA failed", 11) == 0)
		ad_err_set(err, AD_EIO, "send DATA command: %s", m);
	else if (strncmp(m, "STARTTLS denied", 15) == 0)
		ad_err_set(err, AD_EIO, "send STARTTLS command: %s", m);
	else if (r->curl_code == CURLE_LOGIN_DENIED)
		ad_err_set(err, AD_EIO, "auth: %s (no usable mechanism among "
		    "the server's, or credentials refused)", m);
	else if (r->curl_code == CURLE_COULDNT_CONNECT ||
	    r->curl_code == CURLE_COULDNT_RESOLVE_HOST)
		ad_err_set(err, AD_EIO, "establish connection to server: %s",
		    m);
	else
		ad_err_set(err, AD_EIO, "%s", r->curl_error != NULL ?
		    r->curl_error : m);
	return NOTIFY_RETRY;
}

const struct notifier_type notifier_email = {
	.name = "email",
	.config_key = "email_configs",
	.send_resolved_default = false,
	.fields = email_fields,
	.conf_size = sizeof(struct email_conf),
	.check = email_check,
	.activate = email_activate,
	.prepare = email_prepare,
	.verdict = email_verdict,
};
