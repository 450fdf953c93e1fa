/*
 * email: the email integration (email_configs).
 *
 * Configuration: Alertmanager 0.25's EmailConfig; to is required; from,
 * smarthost, hello, auth_* and require_tls come from the global smtp_*
 * values when unset; header names are canonicalised as Go's
 * textproto.CanonicalMIMEHeaderKey does, and duplicates refused.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "notifiers/nconf.h"

struct email_conf {
	struct notifier_conf	 base;
	char			*to, *from, *hello, *smarthost;
	char			*auth_username, *auth_password;
	struct config_file	 auth_password_file;
	char			*auth_secret, *auth_identity;
	struct config_kv	*headers;
	size_t			 n_headers;
	char			*html, *text;
	bool			 require_tls, require_tls_set;
	struct config_tls	 tls;
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
	if (!nconf_nz(c->auth_password) && !nconf_nz(c->auth_password_file.path)) {
		nconf_default(&c->auth_password, g->smtp_auth_password);
		nconf_file_default(&c->auth_password_file,
		    &g->smtp_auth_password_file);
	}
	if (!nconf_nz(c->auth_secret))
		nconf_default(&c->auth_secret, g->smtp_auth_secret);
	if (!nconf_nz(c->auth_identity))
		nconf_default(&c->auth_identity, g->smtp_auth_identity);
	if (!c->require_tls_set) {
		c->require_tls = g->smtp_require_tls;
		c->require_tls_set = true;
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

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_email = {
	.name = "email",
	.config_key = "email_configs",
	.send_resolved_default = false,
	.fields = email_fields,
	.conf_size = sizeof(struct email_conf),
	.check = email_check,
	.activate = email_activate,
	.prepare = NULL,
};
