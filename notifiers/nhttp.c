/*
 * http_config on libcurl (see nhttp.h), after prometheus/common's
 * config/http_config.go and golang.org/x/oauth2's client credentials
 * flow.  Quirks kept: basic_auth passwords are trimmed (inline ones too),
 * secret files are read on every request (so rotation works without a
 * reload), Authorization is only added when the request has none, and
 * environment proxies are ignored when proxy_url is unset.
 */
#include "notifiers/nhttp.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/xmalloc.h"
#include "config/config.h"

#define NHTTP_TOKENS_MAX	256
#define NHTTP_SECRET_MAX	(64 * 1024)
#define NHTTP_TOKEN_BODY_MAX	(1 << 20)	/* oauth2's LimitReader */
#define NHTTP_EXPIRY_DELTA	(10 * AD_SEC)

/* oauth2's AuthStyleAutoDetect: header first, then params, remembered
 * per token URL once one of them worked. */
enum auth_style { STYLE_PROBE, STYLE_PROBE_PARAMS, STYLE_HEADER, STYLE_PARAMS };

struct nhttp_style {
	struct nhttp_style	*next;
	char			*url;
	enum auth_style		 style;
};

struct nhttp_token {
	struct nhttp_token	*next;
	char			*key;
	size_t			 key_len;
	/* the request */
	char			*url, *client_id, *secret, *form;
	char			*proxy_url;
	struct config_tls	 tls;		/* strings owned */
	enum auth_style		 style;
	struct curl_slist	*hdrs;
	char			*post;
	struct buf		 resp;
	/* the token */
	char			*header;	/* "Bearer abc" or NULL */
	int64_t			 expiry;	/* mono; 0: never */
	int64_t			 fetched;
	bool			 pending;
	int64_t			 used;
	struct notify_job	*waiters;
	struct ad_err		 err;
};

struct nhttp {
	char			*ua;
	struct nhttp_token	*tokens;
	size_t			 n_tokens;
	struct nhttp_style	*styles;
	int64_t			 tick;
};

struct nhttp *
nhttp_new(const char *user_agent)
{
	struct nhttp	*h = xcalloc(1, sizeof(*h));

	h->ua = xstrdup(user_agent != NULL ? user_agent : "");
	return h;
}

static void
tls_release(struct config_tls *t)
{
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
	free(t->server_name);
	free(t->min_version);
	free(t->max_version);
}

static void
token_free(struct nhttp_token *t)
{
	free(t->key);
	free(t->url);
	free(t->client_id);
	free(t->secret);
	free(t->form);
	free(t->proxy_url);
	tls_release(&t->tls);
	curl_slist_free_all(t->hdrs);
	free(t->post);
	buf_release(&t->resp);
	free(t->header);
	free(t);
}

void
nhttp_free(struct nhttp *h)
{
	struct nhttp_token	*t, *tn;
	struct nhttp_style	*s, *sn;

	if (h == NULL)
		return;
	for (t = h->tokens; t != NULL; t = tn) {
		tn = t->next;
		token_free(t);
	}
	for (s = h->styles; s != NULL; s = sn) {
		sn = s->next;
		free(s->url);
		free(s);
	}
	free(h->ua);
	free(h);
}

/* ------------------------------------------------------------ helpers --- */

void
nhttp_base64(struct buf *out, const void *data, size_t len)
{
	static const char	tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = data;
	size_t			 i;
	uint32_t		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		buf_addch(out, tab[v >> 18 & 63]);
		buf_addch(out, tab[v >> 12 & 63]);
		buf_addch(out, tab[v >> 6 & 63]);
		buf_addch(out, tab[v & 63]);
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		buf_addch(out, tab[v >> 18 & 63]);
		buf_addch(out, tab[v >> 12 & 63]);
		buf_addstr(out, "==");
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		buf_addch(out, tab[v >> 18 & 63]);
		buf_addch(out, tab[v >> 12 & 63]);
		buf_addch(out, tab[v >> 6 & 63]);
		buf_addch(out, '=');
	}
}

/* strings.TrimSpace (ASCII white space; enough for secret files) */
static char *
trim_dup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

char *
nhttp_read_secret_file(const char *path, const char *what,
    struct ad_err *err)
{
	struct buf	b;
	struct ad_err	e;
	char		*s;

	buf_init(&b, NHTTP_SECRET_MAX);
	if (buf_read_file(&b, path, &e) == -1) {
		buf_release(&b);
		ad_err_set(err, AD_EIO, "unable to read %s file %s: %s", what,
		    path, e.msg);
		return NULL;
	}
	s = trim_dup(buf_str(&b), buf_len(&b));
	buf_release(&b);
	return s;
}

static void
add_header(struct curl_slist **hdrs, const char *name, const char *value)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "%s: %s", name, value);
	*hdrs = curl_slist_append(*hdrs, buf_str(&b));
	buf_release(&b);
}

/* --------------------------------------------------------------- auth --- */

/* A secret given inline or as a *_file, read per request as Go does. */
static char *
secret_value(const char *inline_value, const struct config_file *file,
    const char *what, bool trim, struct ad_err *err)
{
	if (file != NULL && file->path != NULL && file->path[0] != '\0')
		return nhttp_read_secret_file(file->path, what, err);
	if (inline_value == NULL)
		inline_value = "";
	return trim ? trim_dup(inline_value, strlen(inline_value)) :
	    xstrdup(inline_value);
}

static int
basic_auth(const struct config_basic_auth *ba, struct curl_slist **hdrs,
    struct ad_err *err)
{
	struct buf	cred, b64;
	char		*pw;

	/* basicAuthRoundTripper trims inline passwords too */
	pw = secret_value(ba->password, &ba->password_file,
	    "basic auth password", true, err);
	if (pw == NULL)
		return -1;
	buf_init(&cred, BUF_NOCAP);
	buf_init(&b64, BUF_NOCAP);
	buf_addf(&cred, "%s:%s", ba->username != NULL ? ba->username : "", pw);
	buf_addstr(&b64, "Basic ");
	nhttp_base64(&b64, buf_str(&cred), buf_len(&cred));
	add_header(hdrs, "Authorization", buf_str(&b64));
	buf_release(&cred);
	buf_release(&b64);
	free(pw);
	return 0;
}

/* authorization (and the folded bearer_token): "<type> <credentials>" */
static int
credentials(const char *type, const char *cred, const struct config_file *file,
    struct curl_slist **hdrs, struct ad_err *err)
{
	struct buf	v;
	char		*c;

	if ((cred == NULL || cred[0] == '\0') &&
	    (file == NULL || file->path == NULL || file->path[0] == '\0'))
		return 0;
	c = secret_value(cred, file, "authorization credentials", false, err);
	if (c == NULL)
		return -1;
	buf_init(&v, BUF_NOCAP);
	buf_addf(&v, "%s %s", type != NULL && type[0] != '\0' ? type :
	    "Bearer", c);
	add_header(hdrs, "Authorization", buf_str(&v));
	buf_release(&v);
	free(c);
	return 0;
}

/* Precedence as the round-tripper chain: basic_auth, bearer_token, then
 * authorization (oauth2 is handled by the caller). */
static int
apply_auth(const struct config_http *c, struct curl_slist **hdrs,
    struct ad_err *err)
{
	if (c->basic_auth != NULL)
		return basic_auth(c->basic_auth, hdrs, err);
	if ((c->bearer_token != NULL && c->bearer_token[0] != '\0') ||
	    (c->bearer_token_file.path != NULL &&
	    c->bearer_token_file.path[0] != '\0'))
		return credentials("Bearer", c->bearer_token,
		    &c->bearer_token_file, hdrs, err);
	if (c->authorization != NULL)
		return credentials(c->authorization->type,
		    c->authorization->credentials,
		    &c->authorization->credentials_file, hdrs, err);
	return 0;
}

/* ---------------------------------------------------------------- tls --- */

/* "TLS10".."TLS13" (prometheus/common's TLSVersion names). */
static long
tls_version(const char *v, bool max)
{
	if (v != NULL && strcmp(v, "TLS10") == 0)
		return max ? CURL_SSLVERSION_MAX_TLSv1_0 : CURL_SSLVERSION_TLSv1_0;
	if (v != NULL && strcmp(v, "TLS11") == 0)
		return max ? CURL_SSLVERSION_MAX_TLSv1_1 : CURL_SSLVERSION_TLSv1_1;
	if (v != NULL && strcmp(v, "TLS12") == 0)
		return max ? CURL_SSLVERSION_MAX_TLSv1_2 : CURL_SSLVERSION_TLSv1_2;
	if (v != NULL && strcmp(v, "TLS13") == 0)
		return max ? CURL_SSLVERSION_MAX_TLSv1_3 : CURL_SSLVERSION_TLSv1_3;
	/* Go's client default minimum is TLS 1.2 */
	return max ? CURL_SSLVERSION_MAX_DEFAULT : CURL_SSLVERSION_TLSv1_2;
}

static void
apply_tls(CURL *e, const struct config_tls *t)
{
	if (t->ca_file != NULL && t->ca_file[0] != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
	if (t->cert_file != NULL && t->cert_file[0] != '\0')
		curl_easy_setopt(e, CURLOPT_SSLCERT, t->cert_file);
	if (t->key_file != NULL && t->key_file[0] != '\0')
		curl_easy_setopt(e, CURLOPT_SSLKEY, t->key_file);
	if (t->insecure_skip_verify) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(e, CURLOPT_SSLVERSION,
	    tls_version(t->min_version, false) |
	    tls_version(t->max_version, true));
}

/*
 * tls_config.server_name: Go sends it as SNI and verifies the certificate
 * against it, while connecting to the URL's host.  curl has no such
 * option, so the URL's host becomes server_name, CONNECT_TO sends the
 * connection to the real host, and Host keeps the real value.
 */
static int
apply_server_name(CURL *e, const char *url, const char *sn,
    struct curl_slist **hdrs, struct curl_slist **connect_to)
{
	CURLU		*u = curl_url();
	char		*scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
	struct buf	 b;
	int		 rc = 0;

	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    strcasecmp(scheme, "http") == 0 ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    strcasecmp(host, sn) == 0) {
		curl_easy_setopt(e, CURLOPT_URL, url);
		goto out;
	}
	(void)curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "%s:%s:%s:%s", sn, port, host, port);
	*connect_to = curl_slist_append(*connect_to, buf_str(&b));
	curl_free(port);
	port = NULL;
	(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (strcasecmp(scheme, "https") == 0) {
		buf_reset(&b);
		buf_addf(&b, "%s%s%s", host, port != NULL ? ":" : "",
		    port != NULL ? port : "");
		add_header(hdrs, "Host", buf_str(&b));
	}
	buf_release(&b);
	curl_url_set(u, CURLUPART_HOST, sn, 0);
	if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
		rc = -1;
		goto out;
	}
	curl_easy_setopt(e, CURLOPT_URL, out);
	curl_easy_setopt(e, CURLOPT_CONNECT_TO, *connect_to);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(out);
	curl_url_cleanup(u);
	return rc;
}

int
nhttp_apply(struct nhttp *h, void *easy, const struct config_http *c,
    const char *url, bool has_auth, const char *oauth2_header,
    struct curl_slist *lists[NHTTP_LISTS], struct ad_err *err)
{
	CURL	*e = easy;
	size_t	 i;

	(void)h;
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION,
	    c == NULL || c->follow_redirects ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, c == NULL ||
	    c->enable_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_PROXY, c != NULL && c->proxy_url != NULL ?
	    c->proxy_url : "");
	if (c == NULL) {
		curl_easy_setopt(e, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
		curl_easy_setopt(e, CURLOPT_URL, url);
		return 0;
	}
	for (i = 0; i < c->n_proxy_connect_header; i++)
		add_header(&lists[NHTTP_LIST_PROXY],
		    c->proxy_connect_header[i].key,
		    c->proxy_connect_header[i].value);
	if (lists[NHTTP_LIST_PROXY] != NULL) {
		curl_easy_setopt(e, CURLOPT_HEADEROPT, CURLHEADER_SEPARATE);
		curl_easy_setopt(e, CURLOPT_PROXYHEADER,
		    lists[NHTTP_LIST_PROXY]);
	}
	apply_tls(e, &c->tls);
	if (c->tls.server_name != NULL && c->tls.server_name[0] != '\0') {
		if (apply_server_name(e, url, c->tls.server_name,
		    &lists[NHTTP_LIST_HEADERS],
		    &lists[NHTTP_LIST_CONNECT_TO]) == -1)
			return ad_err_set(err, AD_EINVAL, "invalid url");
	} else {
		curl_easy_setopt(e, CURLOPT_URL, url);
	}
	if (has_auth)
		return 0;
	if (c->oauth2 != NULL) {
		if (oauth2_header != NULL)
			add_header(&lists[NHTTP_LIST_HEADERS], "Authorization",
			    oauth2_header);
		return 0;
	}
	return apply_auth(c, &lists[NHTTP_LIST_HEADERS], err);
}

int
nhttp_apply_smtp(void *easy, const struct config_tls *t, const char *url,
    struct curl_slist *lists[NHTTP_LISTS], struct ad_err *err)
{
	CURL	*e = easy;

	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (t == NULL) {
		curl_easy_setopt(e, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
		curl_easy_setopt(e, CURLOPT_URL, url);
		return 0;
	}
	apply_tls(e, t);
	if (t->server_name != NULL && t->server_name[0] != '\0') {
		if (apply_server_name(e, url, t->server_name,
		    &lists[NHTTP_LIST_HEADERS],
		    &lists[NHTTP_LIST_CONNECT_TO]) == -1)
			return ad_err_set(err, AD_EINVAL, "invalid url");
		return 0;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	return 0;
}

/* ------------------------------------------------------------- oauth2 --- */

static void
key_add(struct buf *k, const char *s)
{
	buf_addstr(k, s != NULL ? s : "");
	buf_addch(k, '\0');
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
tls_copy(struct config_tls *dst, const struct config_tls *src)
{
	*dst = *src;
	dst->ca_file = dup_or_null(src->ca_file);
	dst->cert_file = dup_or_null(src->cert_file);
	dst->key_file = dup_or_null(src->key_file);
	dst->server_name = dup_or_null(src->server_name);
	dst->min_version = dup_or_null(src->min_version);
	dst->max_version = dup_or_null(src->max_version);
}

/* Go's url.Values.Encode of a set of pairs: sorted by key. */
struct kv {
	const char	*k, *v;
};

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}

static int
form_build(const struct config_oauth2 *c, struct buf *form, struct ad_err *err)
{
	struct kv	*v;
	struct buf	 scope;
	size_t		 n = 0, i, j;

	v = xcalloc(c->n_endpoint_params + 2, sizeof(*v));
	v[n++] = (struct kv){ "grant_type", "client_credentials" };
	buf_init(&scope, BUF_NOCAP);
	for (i = 0; i < c->n_scopes; i++)
		buf_addf(&scope, "%s%s", i > 0 ? " " : "", c->scopes[i]);
	if (c->n_scopes > 0)
		v[n++] = (struct kv){ "scope", buf_str(&scope) };
	for (i = 0; i < c->n_endpoint_params; i++) {
		const struct config_kv *p = &c->endpoint_params[i];

		for (j = 0; j < n; j++)
			if (strcmp(v[j].k, p->key) == 0)
				break;
		if (j < n && strcmp(p->key, "grant_type") != 0) {
			free(v);
			buf_release(&scope);
			return ad_err_set(err, AD_EINVAL, "oauth2: cannot "
			    "overwrite parameter \"%s\"", p->key);
		}
		v[j] = (struct kv){ p->key, p->value != NULL ? p->value : "" };
		if (j == n)
			n++;
	}
	qsort(v, n, sizeof(*v), kv_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(form, '&');
		gourl_query_escape(form, v[i].k, strlen(v[i].k));
		buf_addch(form, '=');
		gourl_query_escape(form, v[i].v, strlen(v[i].v));
	}
	free(v);
	buf_release(&scope);
	return 0;
}

static void
token_evict(struct nhttp *h)
{
	struct nhttp_token	**pp, **victim = NULL;

	for (pp = &h->tokens; *pp != NULL; pp = &(*pp)->next)
		if (!(*pp)->pending && (victim == NULL ||
		    (*pp)->used < (*victim)->used))
			victim = pp;
	if (victim != NULL) {
		struct nhttp_token *t = *victim;

		*victim = t->next;
		token_free(t);
		h->n_tokens--;
	}
}

static struct nhttp_token *
token_new(struct nhttp *h, const struct config_oauth2 *c, struct buf *key,
    char *secret, struct ad_err *err)
{
	struct nhttp_token	*t;
	struct nhttp_style	*s;
	struct buf		 form;

	buf_init(&form, BUF_NOCAP);
	if (form_build(c, &form, err) == -1) {
		buf_release(&form);
		free(secret);
		return NULL;
	}
	if (h->n_tokens >= NHTTP_TOKENS_MAX)
		token_evict(h);
	t = xcalloc(1, sizeof(*t));
	t->key = buf_detach(key, &t->key_len);
	t->url = xstrdup(c->token_url != NULL ? c->token_url : "");
	t->client_id = xstrdup(c->client_id != NULL ? c->client_id : "");
	t->secret = secret;
	t->form = buf_detach(&form, NULL);
	t->proxy_url = dup_or_null(c->proxy_url);
	tls_copy(&t->tls, &c->tls);
	buf_init(&t->resp, NHTTP_TOKEN_BODY_MAX);
	t->style = STYLE_PROBE;
	for (s = h->styles; s != NULL; s = s->next)
		if (strcmp(s->url, t->url) == 0)
			t->style = s->style;
	t->next = h->tokens;
	h->tokens = t;
	h->n_tokens++;
	return t;
}

struct nhttp_token *
nhttp_token_lookup(struct nhttp *h, const struct config_http *http,
    struct ad_err *err)
{
	const struct config_oauth2	*c = http->oauth2;
	struct nhttp_token		*t;
	struct buf			 key;
	char				*secret;
	size_t				 i;

	/* oauth2RoundTripper reads the secret file on every request */
	secret = secret_value(c->client_secret, &c->client_secret_file,
	    "oauth2 client secret", false, err);
	if (secret == NULL)
		return NULL;
	buf_init(&key, BUF_NOCAP);
	key_add(&key, c->token_url);
	key_add(&key, c->client_id);
	key_add(&key, secret);
	for (i = 0; i < c->n_scopes; i++)
		key_add(&key, c->scopes[i]);
	key_add(&key, "\x01");
	for (i = 0; i < c->n_endpoint_params; i++) {
		key_add(&key, c->endpoint_params[i].key);
		key_add(&key, c->endpoint_params[i].value);
	}
	key_add(&key, c->proxy_url);
	key_add(&key, c->tls.ca_file);
	key_add(&key, c->tls.cert_file);
	key_add(&key, c->tls.key_file);
	key_add(&key, c->tls.server_name);
	key_add(&key, c->tls.min_version);
	key_add(&key, c->tls.max_version);
	buf_addf(&key, "%d", c->tls.insecure_skip_verify);
	for (t = h->tokens; t != NULL; t = t->next)
		if (t->key_len == buf_len(&key) &&
		    memcmp(t->key, buf_str(&key), t->key_len) == 0)
			break;
	if (t == NULL) {
		t = token_new(h, c, &key, secret, err);
		secret = NULL;
	}
	free(secret);
	buf_release(&key);
	if (t != NULL)
		t->used = ++h->tick;
	return t;
}

enum nhttp_token_state
nhttp_token_state(const struct nhttp_token *t, int64_t mono_now)
{
	if (t->pending)
		return NHTTP_TOKEN_PENDING;
	if (t->header == NULL)
		return NHTTP_TOKEN_STALE;
	/* A token just fetched serves the requests that waited for it,
	 * even one that expires within expiryDelta. */
	if (t->expiry == 0 || mono_now - t->fetched < AD_SEC ||
	    t->expiry - NHTTP_EXPIRY_DELTA > mono_now)
		return NHTTP_TOKEN_READY;
	return NHTTP_TOKEN_STALE;
}

const char *
nhttp_token_header(const struct nhttp_token *t)
{
	return t->header;
}

struct notify_job **
nhttp_token_waiters(struct nhttp_token *t)
{
	return &t->waiters;
}

const struct ad_err *
nhttp_token_error(const struct nhttp_token *t)
{
	return &t->err;
}

static size_t
token_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;

	if (buf_add(b, ptr, size * nmemb) == -1)
		return 0;
	return size * nmemb;
}

int
nhttp_token_fetch_setup(struct nhttp *h, struct nhttp_token *t, void *easy,
    ad_dur_t timeout, struct ad_err *err)
{
	CURL		*e = easy;
	struct buf	 body, cred, auth;

	(void)err;
	buf_init(&body, BUF_NOCAP);
	buf_addstr(&body, t->form);
	curl_slist_free_all(t->hdrs);
	t->hdrs = NULL;
	t->hdrs = curl_slist_append(t->hdrs,
	    "Content-Type: application/x-www-form-urlencoded");
	t->hdrs = curl_slist_append(t->hdrs, "Expect:");
	t->hdrs = curl_slist_append(t->hdrs, "Accept:");
	if (t->style == STYLE_PARAMS || t->style == STYLE_PROBE_PARAMS) {
		buf_addstr(&body, "&client_id=");
		gourl_query_escape(&body, t->client_id,
		    strlen(t->client_id));
		if (t->secret[0] != '\0') {
			buf_addstr(&body, "&client_secret=");
			gourl_query_escape(&body, t->secret,
			    strlen(t->secret));
		}
	} else {
		buf_init(&cred, BUF_NOCAP);
		buf_init(&auth, BUF_NOCAP);
		gourl_query_escape(&cred, t->client_id,
		    strlen(t->client_id));
		buf_addch(&cred, ':');
		gourl_query_escape(&cred, t->secret, strlen(t->secret));
		buf_addstr(&auth, "Authorization: Basic ");
		nhttp_base64(&auth, buf_str(&cred), buf_len(&cred));
		t->hdrs = curl_slist_append(t->hdrs, buf_str(&auth));
		buf_release(&cred);
		buf_release(&auth);
	}
	free(t->post);
	t->post = buf_detach(&body, NULL);
	buf_reset(&t->resp);
	curl_easy_setopt(e, CURLOPT_URL, t->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_PROXY, t->proxy_url != NULL ?
	    t->proxy_url : "");
	apply_tls(e, &t->tls);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->ua);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->post);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(t->post));
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, token_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->resp);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout / AD_MS));
	t->pending = true;
	return 0;
}

/* Go's http.StatusText for the codes a token endpoint answers with. */
static const char *
status_text(long code)
{
	static const struct {
		long		 code;
		const char	*text;
	} tab[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};
	size_t	i;

	for (i = 0; i < sizeof(tab) / sizeof(*tab); i++)
		if (tab[i].code == code)
			return tab[i].text;
	return "";
}

struct token_fields {
	char	*access, *type;
	long	 expires_in;
};

static int
token_parse_json(const char *body, size_t len, struct token_fields *f,
    struct ad_err *err)
{
	json_error_t	 je;
	json_t		*root, *v;

	root = json_loadb(body, len, 0, &je);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return ad_err_set(err, AD_EIO, "oauth2: cannot parse token "
		    "response: %s", root == NULL ? je.text : "not an object");
	}
	v = json_object_get(root, "access_token");
	if (json_is_string(v))
		f->access = xstrdup(json_string_value(v));
	v = json_object_get(root, "token_type");
	if (json_is_string(v))
		f->type = xstrdup(json_string_value(v));
	v = json_object_get(root, "expires_in");
	if (json_is_integer(v))
		f->expires_in = (long)json_integer_value(v);
	else if (json_is_real(v))
		f->expires_in = (long)json_real_value(v);
	else if (json_is_string(v))
		f->expires_in = strtol(json_string_value(v), NULL, 10);
	json_decref(root);
	return 0;
}

static char *
form_dup(const struct gourl_values *form, const char *key)
{
	const char	*v = gourl_values_get(form, key);

	return v != NULL ? xstrdup(v) : NULL;
}

/* token.Type(): bearer, mac and basic get their canonical case. */
static const char *
token_type(const char *t)
{
	if (t == NULL || t[0] == '\0' || strcasecmp(t, "bearer") == 0)
		return "Bearer";
	if (strcasecmp(t, "mac") == 0)
		return "MAC";
	if (strcasecmp(t, "basic") == 0)
		return "Basic";
	return t;
}

static int
token_parse(struct nhttp_token *t, CURL *e, int64_t now, struct ad_err *err)
{
	struct token_fields	 f = { NULL, NULL, 0 };
	struct gourl_values	 form;
	char			*ctype = NULL;
	const char		*exp;
	struct buf		 hdr;

	curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype);
	if (ctype != NULL && (strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) == 0 ||
	    strncasecmp(ctype, "text/plain", 10) == 0)) {
		/* url.ParseQuery of the body, then Get */
		gourl_values_init(&form);
		gourl_values_parse(&form, buf_str(&t->resp));
		f.access = form_dup(&form, "access_token");
		f.type = form_dup(&form, "token_type");
		exp = gourl_values_get(&form, "expires_in");
		f.expires_in = exp != NULL ? strtol(exp, NULL, 10) : 0;
		gourl_values_release(&form);
	} else if (token_parse_json(buf_str(&t->resp), buf_len(&t->resp), &f,
	    err) == -1) {
		return -1;
	}
	if (f.access == NULL || f.access[0] == '\0') {
		free(f.access);
		free(f.type);
		return ad_err_set(err, AD_EIO, "oauth2: server response "
		    "missing access_token");
	}
	buf_init(&hdr, BUF_NOCAP);
	buf_addf(&hdr, "%s %s", token_type(f.type), f.access);
	free(t->header);
	t->header = buf_detach(&hdr, NULL);
	t->expiry = f.expires_in != 0 ? now + f.expires_in * AD_SEC : 0;
	t->fetched = now;
	free(f.access);
	free(f.type);
	return 0;
}

static void
style_remember(struct nhttp *h, const char *url, enum auth_style style)
{
	struct nhttp_style	*s;

	for (s = h->styles; s != NULL; s = s->next)
		if (strcmp(s->url, url) == 0)
			break;
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->url = xstrdup(url);
		s->next = h->styles;
		h->styles = s;
	}
	s->style = style;
}

int
nhttp_token_fetch_done(struct nhttp *h, struct nhttp_token *t, void *easy,
    int curl_code, int64_t mono_now, struct ad_err *err)
{
	CURL	*e = easy;
	long	 status = 0;
	int	 rc;

	t->pending = false;
	ad_err_clear(&t->err);
	if (curl_code != CURLE_OK) {
		rc = ad_err_set(&t->err, AD_EIO, "Post \"%s\": %s", t->url,
		    curl_easy_strerror((CURLcode)curl_code));
	} else {
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		if (status < 200 || status > 299)
			rc = ad_err_set(&t->err, AD_EIO, "oauth2: cannot fetch "
			    "token: %ld %s\nResponse: %s", status,
			    status_text(status), buf_str(&t->resp));
		else
			rc = token_parse(t, e, mono_now, &t->err);
	}
	if (rc == 0) {
		if (t->style == STYLE_PROBE || t->style == STYLE_PROBE_PARAMS) {
			t->style = t->style == STYLE_PROBE ? STYLE_HEADER :
			    STYLE_PARAMS;
			style_remember(h, t->url, t->style);
		}
		return NHTTP_TOKEN_READY;
	}
	if (t->style == STYLE_PROBE) {
		t->style = STYLE_PROBE_PARAMS;
		return NHTTP_TOKEN_STALE;
	}
	if (t->style == STYLE_PROBE_PARAMS)
		t->style = STYLE_PROBE;
	if (err != NULL)
		*err = t->err;
	return -1;
}
