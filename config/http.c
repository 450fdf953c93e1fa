/*
 * http: prometheus/common's HTTPClientConfig and TLSConfig, as the
 * Debian build of amtool 0.25 knows them (no no_proxy, no
 * proxy_from_environment: those came later and are unknown fields).
 *
 * Validate() runs as check: its messages, and its folding of
 * bearer_token / bearer_token_file into authorization (type Bearer).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "config/config_int.h"
#include "config/yemit.h"
#include "config/ynode.h"

static int
tls_version_decode(struct config_check *chk, const struct ynode *n,
    void *field)
{
	char		**v = field;
	const char	 *s = n->value;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_SCALAR)
		return config_check_errn(chk, n, NULL, "cannot unmarshal %s "
		    "into string", n->kind == YNODE_MAP ? "!!map" : "!!seq");
	if (strcmp(s, "TLS10") != 0 && strcmp(s, "TLS11") != 0 &&
	    strcmp(s, "TLS12") != 0 && strcmp(s, "TLS13") != 0)
		return config_check_errn(chk, n, NULL,
		    "unknown TLS version: %s", s);
	free(*v);
	*v = xstrdup(s);
	return 0;
}

static void
str_release(void *field)
{
	free(*(char **)field);
}

/*
 * TLSVersion is a uint16 whose MarshalYAML has a pointer receiver, which
 * yaml.v2 never calls on a struct field: Alertmanager shows the number
 * (TLS12 is 771).
 */
static int
tls_version_dump(const void *field, struct yemit *e)
{
	static const char *const names[] = { "TLS10", "TLS11", "TLS12",
	    "TLS13" };
	const char	*v = *(char *const *)field;
	char		 b[8];
	int		 i;

	for (i = 0; i < 4; i++)
		if (v != NULL && strcmp(v, names[i]) == 0)
			break;
	snprintf(b, sizeof(b), "%d", i < 4 ? 0x301 + i : 0);
	return yemit_plain(e, b);
}

static bool
str_zero(const void *field)
{
	return *(char *const *)field == NULL;
}

#define TLS_VERSION(k, m)						\
	{ .key = (k), .type = CF_CUSTOM, .flags = CF_OMITEMPTY,		\
	  .off = offsetof(struct config_tls, m),			\
	  .decode = tls_version_decode, .release = str_release,	\
	  .dump = tls_version_dump, .zero = str_zero }

static const struct config_field tls_fields[] = {
	CF_F("ca_file", CF_STR, CF_OMITEMPTY | CF_DIRPATH, struct config_tls,
	    ca_file),
	CF_F("cert_file", CF_STR, CF_OMITEMPTY | CF_DIRPATH, struct config_tls,
	    cert_file),
	CF_F("key_file", CF_STR, CF_OMITEMPTY | CF_DIRPATH, struct config_tls,
	    key_file),
	CF_F("server_name", CF_STR, CF_OMITEMPTY, struct config_tls,
	    server_name),
	CF_F("insecure_skip_verify", CF_BOOL, 0, struct config_tls,
	    insecure_skip_verify),
	TLS_VERSION("min_version", min_version),
	TLS_VERSION("max_version", max_version),
	CF_END
};

static int
tls_copy(void *dst, const void *src)
{
	const struct config_tls	*s = src;
	struct config_tls	*d = dst;

	d->min_version = s->min_version ? xstrdup(s->min_version) : NULL;
	d->max_version = s->max_version ? xstrdup(s->max_version) : NULL;
	return 0;
}

const struct config_obj config_tls_obj = {
	.go_type = "config.plain", .size = sizeof(struct config_tls),
	.fields = tls_fields, .copy = tls_copy,
};

static const struct config_field basic_auth_fields[] = {
	CF_F("username", CF_STR, 0, struct config_basic_auth, username),
	CF_F("password", CF_SECRET, CF_OMITEMPTY, struct config_basic_auth,
	    password),
	CF_F("password_file", CF_FILE, CF_OMITEMPTY | CF_DIRPATH,
	    struct config_basic_auth,
	    password_file),
	CF_END
};

static const struct config_obj basic_auth_obj = {
	.go_type = "config.plain", .size = sizeof(struct config_basic_auth),
	.fields = basic_auth_fields,
};

static const struct config_field authorization_fields[] = {
	CF_F("type", CF_STR, CF_OMITEMPTY, struct config_authorization, type),
	CF_F("credentials", CF_SECRET, CF_OMITEMPTY,
	    struct config_authorization, credentials),
	CF_F("credentials_file", CF_FILE, CF_OMITEMPTY | CF_DIRPATH,
	    struct config_authorization, credentials_file),
	CF_END
};

static const struct config_obj authorization_obj = {
	.go_type = "config.Authorization",
	.size = sizeof(struct config_authorization),
	.fields = authorization_fields,
};

static const struct config_field oauth2_fields[] = {
	CF_F("client_id", CF_STR, 0, struct config_oauth2, client_id),
	CF_F("client_secret", CF_SECRET, 0, struct config_oauth2,
	    client_secret),
	CF_F("client_secret_file", CF_FILE, CF_DIRPATH, struct config_oauth2,
	    client_secret_file),
	CF_FN("scopes", CF_STRS, CF_OMITEMPTY, struct config_oauth2, scopes,
	    n_scopes),
	CF_F("token_url", CF_STR, 0, struct config_oauth2, token_url),
	CF_FN("endpoint_params", CF_MAP, CF_OMITEMPTY, struct config_oauth2,
	    endpoint_params, n_endpoint_params),
	CF_F("proxy_url", CF_PURL, CF_OMITEMPTY, struct config_oauth2,
	    proxy_url),
	CF_FO("tls_config", CF_OBJ, CF_OMITEMPTY, struct config_oauth2, tls,
	    &config_tls_obj),
	CF_END
};

static const struct config_obj oauth2_obj = {
	.go_type = "config.OAuth2", .size = sizeof(struct config_oauth2),
	.fields = oauth2_fields,
};

static bool
nz(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Validate() of prometheus/common, message for message. */
static int
http_validate_auth(struct config_http *h, struct config_check *chk)
{
	struct config_authorization	*a = h->authorization;
	bool bearer = nz(h->bearer_token) || nz(h->bearer_token_file.path);
	char	*t;

	if (nz(h->bearer_token) && nz(h->bearer_token_file.path))
		return config_check_errf(chk, "bearer_token", "at most one of "
		    "bearer_token & bearer_token_file must be configured");
	if ((h->basic_auth != NULL || h->oauth2 != NULL) && bearer)
		return config_check_errf(chk, NULL, "at most one of basic_auth, "
		    "oauth2, bearer_token & bearer_token_file must be "
		    "configured");
	if (h->basic_auth != NULL && nz(h->basic_auth->password) &&
	    nz(h->basic_auth->password_file.path))
		return config_check_errf(chk, "basic_auth", "at most one of "
		    "basic_auth password & password_file must be configured");
	if (a == NULL) {
		if (!bearer)
			return 0;
		a = h->authorization = xcalloc(1, sizeof(*a));
		a->type = xstrdup("Bearer");
		a->credentials = h->bearer_token;
		a->credentials_file = h->bearer_token_file;
		h->bearer_token = NULL;
		memset(&h->bearer_token_file, 0, sizeof(h->bearer_token_file));
		return 0;
	}
	if (bearer)
		return config_check_errf(chk, "authorization", "authorization "
		    "is not compatible with bearer_token & bearer_token_file");
	if (nz(a->credentials) && nz(a->credentials_file.path))
		return config_check_errf(chk, "authorization", "at most one of "
		    "authorization credentials & credentials_file must be "
		    "configured");
	t = a->type != NULL ? a->type : xstrdup("");
	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		memmove(t, t + 1, strlen(t));
	while (t[0] != '\0' && strchr(" \t\r\n", t[strlen(t) - 1]) != NULL)
		t[strlen(t) - 1] = '\0';
	if (t[0] == '\0') {
		free(t);
		t = xstrdup("Bearer");
	}
	a->type = t;
	if (strcasecmp(t, "basic") == 0)
		return config_check_errf(chk, "authorization", "authorization "
		    "type cannot be set to \"basic\", use \"basic_auth\" "
		    "instead");
	if (h->basic_auth != NULL || h->oauth2 != NULL)
		return config_check_errf(chk, NULL, "at most one of basic_auth, "
		    "oauth2 & authorization must be configured");
	return 0;
}

static int
http_check(void *obj, struct config_check *chk)
{
	struct config_http	*h = obj;
	struct config_oauth2	*o = h->oauth2;

	if (http_validate_auth(h, chk) == -1)
		return -1;
	if (o != NULL) {
		if (h->basic_auth != NULL)
			return config_check_errf(chk, NULL, "at most one of "
			    "basic_auth, oauth2 & authorization must be "
			    "configured");
		if (!nz(o->client_id))
			return config_check_errf(chk, "oauth2", "oauth2 "
			    "client_id must be configured");
		if (!nz(o->client_secret) && !nz(o->client_secret_file.path))
			return config_check_errf(chk, "oauth2", "either oauth2 "
			    "client_secret or client_secret_file must be "
			    "configured");
		if (!nz(o->token_url))
			return config_check_errf(chk, "oauth2", "oauth2 "
			    "token_url must be configured");
		if (nz(o->client_secret) && nz(o->client_secret_file.path))
			return config_check_errf(chk, "oauth2", "at most one of "
			    "oauth2 client_secret & client_secret_file must be "
			    "configured");
	}
	if (h->n_proxy_connect_header > 0 && !nz(h->proxy_url))
		return config_check_errf(chk, "proxy_connect_header", "if "
		    "proxy_connect_header is configured proxy_url must also "
		    "be configured");
	return 0;
}

/* One header's []Secret, joined by ", " into *out. */
static int
header_values(struct config_check *chk, const struct ynode *v, char **out)
{
	struct buf	b;
	size_t		j;

	*out = NULL;
	if (ynode_is_null(v)) {
		*out = xstrdup("");
		return 0;
	}
	if (v->kind == YNODE_SCALAR && v->len > 10)	/* yaml.v2 cuts it */
		return config_check_errn(chk, v, NULL, "cannot unmarshal !!str "
		    "`%.7s...` into []config.Secret", v->value);
	if (v->kind == YNODE_SCALAR)
		return config_check_errn(chk, v, NULL, "cannot unmarshal !!str "
		    "`%s` into []config.Secret", v->value);
	if (v->kind != YNODE_SEQ)
		return config_check_errn(chk, v, NULL, "cannot unmarshal !!map "
		    "into []config.Secret");
	buf_init(&b, BUF_NOCAP);
	for (j = 0; j < v->n; j++) {
		const struct ynode *e = ynode_deref(v->child[j]);

		if (e->kind != YNODE_SCALAR) {
			buf_release(&b);
			/* Secret's UnmarshalYAML decodes into its plain type. */
			return config_check_errn(chk, e, NULL, "cannot unmarshal "
			    "%s into config.plain", e->kind == YNODE_MAP ?
			    "!!map" : "!!seq");
		}
		buf_addf(&b, "%s%s", j > 0 ? ", " : "", e->value);
	}
	*out = buf_detach(&b, NULL);
	if (*out == NULL)
		*out = xstrdup("");
	return 0;
}

/* proxy_connect_header: map[string][]Secret; kept as name -> values
 * joined by ", " (how they are sent). */
static int
header_decode(struct config_check *chk, const struct ynode *n, void *field)
{
	struct config_http	*h = (struct config_http *)((char *)field -
				    offsetof(struct config_http,
				    proxy_connect_header));
	struct config_kv	*kv;
	struct buf		 q;
	size_t			 i, j;
	int			 rc = 0;
	char			*joined;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_MAP)
		return config_check_errn(chk, n, NULL, "cannot unmarshal %s into "
		    "config.Header", n->kind == YNODE_SEQ ? "!!seq" : "!!str");
	for (i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *k = ynode_deref(n->child[i]);

		if (k->kind != YNODE_SCALAR) {
			rc = config_check_errn(chk, k, NULL, "cannot unmarshal "
			    "%s into string", k->kind == YNODE_MAP ? "!!map" :
			    "!!seq");
			continue;
		}
		for (j = 0; j < h->n_proxy_connect_header; j++)
			if (strcmp(h->proxy_connect_header[j].key,
			    k->value) == 0)
				break;
		if (j < h->n_proxy_connect_header) {
			buf_init(&q, BUF_NOCAP);
			buf_add_goquote(&q, k->value, k->len);
			rc = config_check_errn(chk, k, NULL, "key %s already set "
			    "in map", buf_str(&q));
			buf_release(&q);
			continue;
		}
		if (header_values(chk, ynode_deref(n->child[i + 1]),
		    &joined) == -1) {
			rc = -1;
			continue;
		}
		h->proxy_connect_header = xreallocarray(h->proxy_connect_header,
		    h->n_proxy_connect_header + 1,
		    sizeof(*h->proxy_connect_header));
		kv = &h->proxy_connect_header[h->n_proxy_connect_header++];
		kv->key = xstrdup(k->value);
		kv->value = joined;
	}
	return rc;
}

static const struct config_http *
http_of_header(const void *field)
{
	return (const struct config_http *)(const void *)((const char *)field -
	    offsetof(struct config_http, proxy_connect_header));
}

/* Header is map[string][]Secret: each value a list of "<secret>". */
static int
header_dump(const void *field, struct yemit *e)
{
	const struct config_http	*h = http_of_header(field);
	struct config_kv		**v;
	size_t				  i, j;

	v = xcalloc(h->n_proxy_connect_header + 1, sizeof(*v));
	for (i = 0; i < h->n_proxy_connect_header; i++)
		v[i] = &h->proxy_connect_header[i];
	qsort(v, h->n_proxy_connect_header, sizeof(*v), config_kv_yaml_cmp);
	yemit_map_start(e, false);
	for (i = 0; i < h->n_proxy_connect_header; i++) {
		const char	*p = v[i]->value;

		yemit_str(e, v[i]->key);
		yemit_seq_start(e, false);
		/* The values were joined by ", " (see header_decode). */
		for (j = 0; p != NULL && p[0] != '\0'; j++) {
			const char *next = strstr(p, ", ");

			yemit_str(e, "<secret>");
			p = next != NULL ? next + 2 : NULL;
		}
		yemit_seq_end(e);
	}
	free(v);
	return yemit_map_end(e);
}

static bool
header_zero(const void *field)
{
	return http_of_header(field)->n_proxy_connect_header == 0;
}

static void
http_release(void *obj)
{
	struct config_http	*h = obj;
	size_t			 i;

	for (i = 0; i < h->n_proxy_connect_header; i++) {
		free(h->proxy_connect_header[i].key);
		free(h->proxy_connect_header[i].value);
	}
	free(h->proxy_connect_header);
}

static int
http_copy(void *dst, const void *src)
{
	const struct config_http	*s = src;
	struct config_http		*d = dst;
	size_t				 i;

	d->proxy_connect_header = NULL;
	if (s->n_proxy_connect_header == 0)
		return 0;
	d->proxy_connect_header = xcalloc(s->n_proxy_connect_header,
	    sizeof(*d->proxy_connect_header));
	for (i = 0; i < s->n_proxy_connect_header; i++) {
		d->proxy_connect_header[i].key =
		    xstrdup(s->proxy_connect_header[i].key);
		d->proxy_connect_header[i].value =
		    xstrdup(s->proxy_connect_header[i].value);
	}
	return 0;
}

static const struct config_field http_fields[] = {
	CF_FO("basic_auth", CF_PTR, CF_OMITEMPTY, struct config_http,
	    basic_auth, &basic_auth_obj),
	CF_FO("authorization", CF_PTR, CF_OMITEMPTY, struct config_http,
	    authorization, &authorization_obj),
	CF_FO("oauth2", CF_PTR, CF_OMITEMPTY, struct config_http, oauth2,
	    &oauth2_obj),
	CF_F("bearer_token", CF_SECRET, CF_OMITEMPTY, struct config_http,
	    bearer_token),
	CF_F("bearer_token_file", CF_FILE, CF_OMITEMPTY | CF_DIRPATH,
	    struct config_http,
	    bearer_token_file),
	CF_F("proxy_url", CF_PURL, CF_OMITEMPTY, struct config_http,
	    proxy_url),
	{ .key = "proxy_connect_header", .type = CF_CUSTOM,
	  .flags = CF_OMITEMPTY,
	  .off = offsetof(struct config_http, proxy_connect_header),
	  .decode = header_decode, .dump = header_dump, .zero = header_zero },
	CF_FO("tls_config", CF_OBJ, CF_OMITEMPTY, struct config_http, tls,
	    &config_tls_obj),
	CF_FI("follow_redirects", CF_BOOL, 0, struct config_http,
	    follow_redirects, 1),
	CF_FI("enable_http2", CF_BOOL, 0, struct config_http, enable_http2, 1),
	CF_END
};

const struct config_obj config_http_obj = {
	.go_type = "config.plain", .size = sizeof(struct config_http),
	.fields = http_fields, .check = http_check, .release = http_release,
	.copy = http_copy,
};

struct config_http *
config_http_dup(const struct config_http *h)
{
	struct config_http	*d = xcalloc(1, sizeof(*d));

	config_obj_copy(&config_http_obj, d, h);
	return d;
}

void
config_http_free(struct config_http *h)
{
	if (h == NULL)
		return;
	config_obj_release(&config_http_obj, h);
	free(h);
}
