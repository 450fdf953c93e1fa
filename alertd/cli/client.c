/*
 * alertctl's API client on libcurl's easy interface (see client.h).  The
 * answer body is capped; error messages name the request and quote what
 * the server said (Alertmanager answers errors with a JSON string, or an
 * object with "message" for schema violations).
 */
#include "alertd/cli/client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/gourl.h"
#include "alertd/cli/httpconf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

#define CLIENT_MAX_BODY	(256 << 20)

struct client {
	CURL		*curl;
	char		*base;		/* scheme://host/path/api/v2 */
	char		*user, *password;
	struct httpconf	 hc;
	bool		 have_hc;
	char		*secret;	/* credentials read from a file */
	int64_t		 deadline;	/* ad_mono(); 0: none */
	ad_dur_t	 timeout;
	long		 status;
	bool		 verbose;
};

static void
curl_once(void)
{
	static bool	done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = true;
	}
}

char *
client_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	struct buf	 b;

	buf_init(&b, BUF_NOCAP);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~') {
			buf_addch(&b, *p);
			continue;
		}
		buf_addch(&b, '%');
		buf_addch(&b, hex[*p >> 4]);
		buf_addch(&b, hex[*p & 15]);
	}
	return buf_detach(&b, NULL);
}

/* Go's path.Join(p, "/api/v2"): cleaned, no trailing slash. */
static void
join_api(struct buf *b, const char *path)
{
	const char	*p = path;
	size_t		 n;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			const char *s = strrchr(buf_str(b), '/');

			if (s != NULL && s > buf_str(b) + strcspn(buf_str(b),
			    ":") + 2)
				buf_setlen(b, (size_t)(s - buf_str(b)));
			p += n;
			continue;
		}
		buf_addch(b, '/');
		buf_add(b, p, n);
		p += n;
	}
	buf_addstr(b, "/api/v2");
}

static int
read_secret(const char *file, char **out, struct ad_err *err)
{
	struct buf	b;
	size_t		n;

	buf_init(&b, 1 << 16);
	if (buf_read_file(&b, file, err) == -1) {
		buf_release(&b);
		return -1;
	}
	n = buf_len(&b);
	while (n > 0 && (buf_str(&b)[n - 1] == '\n' ||
	    buf_str(&b)[n - 1] == '\r' || buf_str(&b)[n - 1] == ' '))
		n--;
	buf_setlen(&b, n);
	*out = buf_detach(&b, NULL);
	if (*out == NULL)
		*out = xstrdup("");
	buf_release(&b);
	return 0;
}

static int
load_http_config(struct client *c, const char *path, struct ad_err *err)
{
	if (httpconf_load(&c->hc, path, err) == -1) {
		ad_err_prefix(err, "failed to load HTTP config file");
		return -1;
	}
	c->have_hc = true;
	if (c->hc.basic_auth && c->hc.basic_password_file != NULL &&
	    *c->hc.basic_password_file != '\0' &&
	    read_secret(c->hc.basic_password_file, &c->secret, err) == -1) {
		ad_err_prefix(err, "unable to read basic auth password file %s",
		    c->hc.basic_password_file);
		return -1;
	}
	if (c->hc.authorization && c->hc.auth_credentials_file != NULL &&
	    *c->hc.auth_credentials_file != '\0' &&
	    read_secret(c->hc.auth_credentials_file, &c->secret, err) == -1) {
		ad_err_prefix(err, "unable to read authorization credentials "
		    "file %s", c->hc.auth_credentials_file);
		return -1;
	}
	return 0;
}

struct client *
client_new(const struct client_opts *o, struct ad_err *err)
{
	struct client	*c = xcalloc(1, sizeof(*c));
	struct gourl	 u;
	struct buf	 b;

	curl_once();
	if (gourl_parse(o->url, &u, err) == -1) {
		free(c);
		return NULL;
	}
	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "%s://%s", u.scheme[0] != '\0' ? u.scheme : "http",
	    u.host[0] != '\0' ? u.host : "localhost:9093");
	join_api(&b, u.path);
	c->base = buf_detach(&b, NULL);
	buf_release(&b);
	if (u.user != NULL) {
		c->user = xstrdup(u.user);
		c->password = xstrdup(u.password != NULL ? u.password : "");
	}
	gourl_release(&u);
	c->timeout = o->timeout;
	c->deadline = o->timeout > 0 ? ad_mono() + o->timeout : 0;
	c->verbose = o->verbose;
	if (c->user != NULL && o->http_config != NULL) {
		ad_err_set(err, AD_EINVAL, "basic authentication and "
		    "http.config.file are mutually exclusive");
		client_free(c);
		return NULL;
	}
	if (o->http_config != NULL &&
	    load_http_config(c, o->http_config, err) == -1) {
		client_free(c);
		return NULL;
	}
	c->curl = curl_easy_init();
	return c;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	if (c->have_hc)
		httpconf_release(&c->hc);
	free(c->base);
	free(c->user);
	free(c->password);
	if (c->secret != NULL)
		explicit_bzero(c->secret, strlen(c->secret));
	free(c->secret);
	free(c);
}

long
client_status(const struct client *c)
{
	return c->status;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0;
	return size * n;
}

static void
setup_tls(struct client *c)
{
	const struct httpconf *hc = &c->hc;

	if (hc->ca_file != NULL && *hc->ca_file != '\0')
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, hc->ca_file);
	if (hc->cert_file != NULL && *hc->cert_file != '\0')
		curl_easy_setopt(c->curl, CURLOPT_SSLCERT, hc->cert_file);
	if (hc->key_file != NULL && *hc->key_file != '\0')
		curl_easy_setopt(c->curl, CURLOPT_SSLKEY, hc->key_file);
	if (hc->insecure_skip_verify) {
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (hc->min_version != NULL && strcmp(hc->min_version, "TLS13") == 0)
		curl_easy_setopt(c->curl, CURLOPT_SSLVERSION,
		    CURL_SSLVERSION_TLSv1_3);
	else if (hc->min_version != NULL &&
	    strcmp(hc->min_version, "TLS12") == 0)
		curl_easy_setopt(c->curl, CURLOPT_SSLVERSION,
		    CURL_SSLVERSION_TLSv1_2);
}

/* Auth and transport options from --http.config.file or the URL. */
static void
setup_auth(struct client *c, struct curl_slist **hdrs)
{
	const struct httpconf	*hc = &c->hc;
	char			*h;

	if (c->user != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD, c->password);
	}
	if (!c->have_hc)
		return;
	if (hc->basic_auth) {
		curl_easy_setopt(c->curl, CURLOPT_USERNAME,
		    hc->basic_user != NULL ? hc->basic_user : "");
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD,
		    c->secret != NULL ? c->secret : hc->basic_password != NULL ?
		    hc->basic_password : "");
	}
	if (hc->authorization) {
		h = xasprintf("Authorization: %s %s", hc->auth_type,
		    c->secret != NULL ? c->secret :
		    hc->auth_credentials != NULL ? hc->auth_credentials : "");
		*hdrs = curl_slist_append(*hdrs, h);
		explicit_bzero(h, strlen(h));
		free(h);
	}
	curl_easy_setopt(c->curl, CURLOPT_PROXY, hc->proxy_url != NULL ?
	    hc->proxy_url : "");
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION,
	    hc->follow_redirects ? 1L : 0L);
	if (hc->server_name != NULL && *hc->server_name != '\0')
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	setup_tls(c);
}

/* The server's words: a JSON string, {"message": ...}, or the text. */
static void
server_message(const struct buf *body, struct buf *out)
{
	json_t		*v;
	json_error_t	 jerr;
	const char	*s = buf_str(body);
	size_t		 n = buf_len(body);

	v = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (json_is_string(v)) {
		buf_add(out, json_string_value(v), json_string_length(v));
	} else if (json_is_object(v) &&
	    json_is_string(json_object_get(v, "message"))) {
		buf_addstr(out, json_string_value(json_object_get(v,
		    "message")));
	} else {
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
			n--;
		buf_add(out, s, n > 512 ? 512 : n);
	}
	json_decref(v);
}

static int
http_error(struct client *c, const char *method, const char *path,
    const struct buf *body, struct ad_err *err)
{
	struct buf	msg;
	const char	*reason;

	switch (c->status) {
	case 400: reason = " Bad Request"; break;
	case 401: reason = " Unauthorized"; break;
	case 403: reason = " Forbidden"; break;
	case 404: reason = " Not Found"; break;
	case 422: reason = " Unprocessable Entity"; break;
	case 500: reason = " Internal Server Error"; break;
	case 503: reason = " Service Unavailable"; break;
	default: reason = "";
	}
	buf_init(&msg, BUF_NOCAP);
	buf_addf(&msg, "%s /api/v2%s: %ld%s", method, path, c->status, reason);
	if (buf_len(body) > 0) {
		buf_addstr(&msg, ": ");
		server_message(body, &msg);
	}
	ad_err_set(err, c->status == 404 ? AD_ENOTFOUND : AD_EIO, "%s",
	    buf_str(&msg));
	buf_release(&msg);
	return -1;
}

static int
decode(const struct buf *body, const char *method, const char *path,
    json_t **out, struct ad_err *err)
{
	json_error_t	jerr;

	*out = NULL;
	if (buf_len(body) == 0)
		return 0;
	*out = json_loadb(buf_str(body), buf_len(body),
	    JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (*out == NULL)
		return ad_err_set(err, AD_EIO, "%s /api/v2%s: invalid JSON in "
		    "the answer: %s", method, path, jerr.text);
	return 0;
}

static int
set_timeout(struct client *c, const char *method, const char *url,
    struct ad_err *err)
{
	int64_t	left;

	if (c->deadline == 0)
		return 0;
	left = c->deadline - ad_mono();
	if (left <= 0)
		return ad_err_set(err, AD_EIO, "%s %s: timed out after %.3gs "
		    "(--timeout)", method, url, (double)c->timeout / AD_SEC);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS,
	    (long)(left / AD_MS > 0 ? left / AD_MS : 1));
	return 0;
}

static int
perform(struct client *c, const char *method, const char *url,
    const char *body, struct buf *resp, struct ad_err *err)
{
	struct curl_slist	*hdrs = NULL;
	char			 ebuf[CURL_ERROR_SIZE] = "";
	CURLcode		 rc;

	curl_easy_reset(c->curl);
	if (set_timeout(c, method, url, err) == -1)
		return -1;
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "alertctl");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (body != NULL) {
		hdrs = curl_slist_append(hdrs,
		    "Content-Type: application/json");
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
	}
	setup_auth(c, &hdrs);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		c->status = 0;
		if (rc == CURLE_OPERATION_TIMEDOUT)
			return ad_err_set(err, AD_EIO, "%s %s: timed out after "
			    "%.3gs (--timeout)", method, url,
			    (double)c->timeout / AD_SEC);
		return ad_err_set(err, AD_EIO, "%s %s: %s", method, url,
		    ebuf[0] != '\0' ? ebuf : curl_easy_strerror(rc));
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	return 0;
}

int
client_do(struct client *c, const char *method, const char *path,
    const char *body, json_t **out, struct ad_err *err)
{
	struct buf	resp;
	char		*url = xasprintf("%s%s", c->base, path);
	json_t		*v = NULL;
	int		 rc = -1;

	buf_init(&resp, CLIENT_MAX_BODY);
	if (c->verbose)
		fprintf(stderr, "%s %s\n", method, url);
	if (perform(c, method, url, body, &resp, err) == -1)
		goto out;
	if (c->status < 200 || c->status > 299) {
		http_error(c, method, path, &resp, err);
		goto out;
	}
	if (decode(&resp, method, path, out != NULL ? out : &v, err) == -1)
		goto out;
	rc = 0;
out:
	json_decref(v);
	buf_release(&resp);
	free(url);
	return rc;
}
