/*
 * The HTTP server: libmicrohttpd daemons (one per listen address, each
 * with an internal epoll thread pool), request bodies accumulated under
 * --web.max-body-size in the connection context, and a router that
 * answers as Alertmanager's stack does (net/http ServeMux redirects,
 * prometheus/common route + httprouter text errors, go-swagger JSON
 * errors, content negotiation and rs/cors headers under /api/v2).  See
 * api.h for the table and how to add handlers.
 */
#include "alertd/api.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alertd/alertd.h"
#include "alertd/api_json.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/log.h"
#include "alertd/web.h"
#include "alertd/web_config.h"
#include "alertd/xmalloc.h"
#include "config/decode.h"

/* Every table of handlers; add a module's table here (see api.h). */
static const struct api_route *const api_tables[] = {
	api_core_routes,
	api_alerts_routes,
	api_status_routes,
	api_silences_routes,
	api_metrics_routes,
	NULL
};

struct api {
	struct alertd		 *ad;
	struct MHD_Daemon	**daemons;
	int			 *fds;
	size_t			  n;
	atomic_int		  gets;		/* GET requests in flight */
};

/* Per connection request state (MHD's *con_cls). */
struct reqctx {
	char			*uri;		/* raw request target */
	struct web_config	*web;		/* --web.config.file, or NULL */
	struct api_resp		*deny;		/* web_gate's 401/500 */
	struct buf	 body;
	bool		 started;
	bool		 too_large;
	int64_t		 t0;		/* ad_mono() at the request line */
};

/* ------------------------------------------------------------ helpers -- */

void
api_resp_header(struct api_resp *resp, const char *name, const char *value)
{
	if (resp->n_headers == API_RESP_HEADERS)
		return;
	resp->headers[resp->n_headers].name = name;
	resp->headers[resp->n_headers].value = xstrdup(value);
	resp->n_headers++;
}

void
api_reply_error(struct api_resp *resp, int status, int code, const char *msg)
{
	resp->status = status;
	resp->content_type = "application/json";
	buf_reset(&resp->body);
	api_json_error(&resp->body, code, msg);
}

void
api_reply_string(struct api_resp *resp, int status, const char *msg)
{
	resp->status = status;
	resp->content_type = "application/json";
	buf_reset(&resp->body);
	api_json_string_noesc(&resp->body, msg, strlen(msg));
	buf_addch(&resp->body, '\n');
}

void
api_reply_text(struct api_resp *resp, int status, const char *msg)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	buf_addstr(&resp->body, msg);
	buf_addch(&resp->body, '\n');
	api_resp_header(resp, "X-Content-Type-Options", "nosniff");
}

const char *
api_query_get(const struct api_req *r, const char *key)
{
	const char	*v = NULL;
	size_t		 i;

	for (i = 0; i < r->n_query; i++)
		if (strcmp(r->query[i].key, key) == 0)
			v = r->query[i].value;
	return v;
}

bool
api_query_bool(const struct api_req *r, const char *key, bool dflt)
{
	static const char *const yes[] = { "true", "1", "yes", "ok", "y",
	    "on", "selected", "checked", "t", "enabled", NULL };
	const char	*v = api_query_get(r, key);
	size_t		 i;

	if (v == NULL || v[0] == '\0')
		return dflt;
	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return true;
	return false;
}

/* url.ParseQuery as Request.URL.Query() uses it (bad pairs dropped). */
static void
parse_query(struct api_req *r, const char *q)
{
	struct gourl_values	v;
	size_t			i;

	if (q == NULL)
		return;
	gourl_values_init(&v);
	gourl_values_parse(&v, q);
	r->query = xcalloc(v.n + 1, sizeof(*r->query));
	for (i = 0; i < v.n; i++) {
		r->query[i].key = v.k[i];	/* taken from v */
		r->query[i].value = v.v[i];
	}
	r->n_query = v.n;
	free(v.k);
	free(v.v);
}

/* net/http's cleanPath: path.Clean, keeping a trailing slash. */
static char *
clean_path(const char *p)
{
	size_t	 n = strlen(p), w = 1, i = 0, dd;
	char	*out = xmalloc(n + 3);

	out[0] = '/';
	while (i < n) {
		if (p[i] == '/')
			i++;
		else if (p[i] == '.' && (i + 1 == n || p[i + 1] == '/'))
			i++;
		else if (p[i] == '.' && p[i + 1] == '.' &&
		    (i + 2 == n || p[i + 2] == '/')) {
			i += 2;
			for (dd = w; dd > 1 && out[dd - 1] != '/'; dd--)
				;
			w = dd > 1 ? dd - 1 : 1;
		} else {
			if (w != 1)
				out[w++] = '/';
			while (i < n && p[i] != '/')
				out[w++] = p[i++];
		}
	}
	if (n > 0 && p[n - 1] == '/' && w != 1)
		out[w++] = '/';
	out[w] = '\0';
	return out;
}

/* Go's http.Redirect. */
static void
redirect(struct api_resp *resp, const char *method, int status,
    const char *to)
{
	resp->status = status;
	api_resp_header(resp, "Location", to);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return;
	resp->content_type = "text/html; charset=utf-8";
	buf_addf(&resp->body, "<a href=\"%s\">%s</a>.\n\n", to,
	    status == 301 ? "Moved Permanently" : "Found");
}

/* ------------------------------------------------------------- router -- */

/* Does path match pattern; sets *param for a trailing "/{}". */
static bool
path_match(const char *pattern, const char *path, const char **param)
{
	size_t	n = strlen(pattern);

	*param = NULL;
	if (n >= 3 && strcmp(pattern + n - 3, "/{}") == 0) {
		if (strncmp(pattern, path, n - 2) != 0 ||
		    path[n - 2] == '\0' || strchr(path + n - 2, '/') != NULL)
			return false;
		*param = path + n - 2;
		return true;
	}
	return strcmp(pattern, path) == 0;
}

/* Fills allow with the methods routes have for path; returns the route
 * for method (NULL if none) and whether any route had the path. */
static const struct api_route *
route_find(const char *method, const char *path, bool v2, struct buf *allow,
    bool *path_known, const char **param)
{
	const struct api_route	*const *t, *r, *found = NULL;
	const char		*p;

	*path_known = false;
	for (t = api_tables; *t != NULL; t++)
		for (r = *t; r->method != NULL; r++) {
			if (((r->flags & API_V2) != 0) != v2 ||
			    !path_match(r->path, path, &p))
				continue;
			*path_known = true;
			if (strstr(buf_str(allow), r->method) == NULL) {
				if (buf_len(allow) > 0)
					buf_addch(allow, ',');
				buf_addstr(allow, r->method);
			}
			if (found == NULL && strcmp(r->method, method) == 0) {
				found = r;
				*param = p;
			}
		}
	return found;
}

/* rs/cors with cors.Default(): simple requests get ACAO, preflights all. */
static bool
cors(struct MHD_Connection *conn, const char *method, struct api_resp *resp)
{
	const char	*origin, *acrm;

	origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	acrm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Access-Control-Request-Method");
	if (strcmp(method, "OPTIONS") == 0 && acrm != NULL) {
		api_resp_header(resp, "Vary", "Origin");
		api_resp_header(resp, "Vary", "Access-Control-Request-Method");
		api_resp_header(resp, "Vary", "Access-Control-Request-Headers");
		if (origin != NULL && origin[0] != '\0' &&
		    (strcasecmp(acrm, "GET") == 0 ||
		    strcasecmp(acrm, "POST") == 0 ||
		    strcasecmp(acrm, "HEAD") == 0)) {
			api_resp_header(resp, "Access-Control-Allow-Origin",
			    "*");
			api_resp_header(resp, "Access-Control-Allow-Methods",
			    acrm);
		}
		return true;
	}
	api_resp_header(resp, "Vary", "Origin");
	if (origin != NULL && origin[0] != '\0' &&
	    (strcmp(method, "GET") == 0 || strcmp(method, "POST") == 0 ||
	    strcmp(method, "HEAD") == 0))
		api_resp_header(resp, "Access-Control-Allow-Origin", "*");
	return false;
}

/* go-openapi NegotiateContentType against application/json. */
static bool
accepts_json(const char *accept)
{
	const char	*p = accept, *e, *semi, *q;
	size_t		 n;

	if (accept == NULL || accept[0] == '\0')
		return true;
	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(e - p));
		n = (size_t)((semi ? semi : e) - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		q = semi ? strstr(semi, "q=") : NULL;
		if ((q == NULL || q >= e || strtod(q + 2, NULL) > 0) &&
		    ((n == 3 && strncmp(p, "*/*", 3) == 0) ||
		    (n == 13 && strncasecmp(p, "application/*", 13) == 0) ||
		    (n == 16 && strncasecmp(p, "application/json", 16) == 0)))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

static bool
mime_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static size_t
mime_token(const char *s)
{
	size_t	n = 0;

	while (s[n] != '\0' && mime_token_char((unsigned char)s[n]))
		n++;
	return n;
}

/* consumeValue: a token or a quoted string; its length, 0 if none. */
static size_t
mime_value(const char *p)
{
	size_t	i;

	if (*p != '"')
		return mime_token(p);
	for (i = 1; p[i] != '\0' && p[i] != '"'; i++)
		if (p[i] == '\\' && p[i + 1] != '\0')
			i++;
	return p[i] == '"' ? i + 1 : 0;
}

/* mime.ParseMediaType's parameters ("; key=value"...); a lone trailing
 * ';' is fine. */
static bool
mime_params_ok(const char *p)
{
	size_t	t;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t");
		if (*p == '\0' || (p[0] == ';' && p[1 + strspn(p + 1,
		    " \t")] == '\0'))
			return true;
		if (*p != ';')
			return false;
		p += 1 + strspn(p + 1, " \t");
		t = mime_token(p);
		if (t == 0)
			return false;
		p += t + strspn(p + t, " \t");
		if (*p != '=')
			return false;
		p += 1 + strspn(p + 1, " \t");
		t = mime_value(p);
		if (t == 0)
			return false;
		p += t;
	}
	return true;
}

/* mime.ParseMediaType: the lowercased media type, or NULL and *why. */
static char *
media_type(const char *ct, const char **why)
{
	const char	*semi = strchr(ct, ';');
	char		*mt, *s, *e;
	size_t		 t;

	mt = xstrndup(ct, semi ? (size_t)(semi - ct) : strlen(ct));
	for (s = mt; *s; s++)
		*s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	for (s = mt; *s == ' ' || *s == '\t'; s++)
		;
	memmove(mt, s, strlen(s) + 1);
	for (e = mt + strlen(mt); e > mt && (e[-1] == ' ' || e[-1] == '\t');)
		*--e = '\0';
	*why = NULL;
	t = mime_token(mt);
	if (t == 0)
		*why = "mime: no media type";
	else if (mt[t] != '\0' && mt[t] != '/')
		*why = "mime: expected slash after first token";
	else if (mt[t] == '/' && mime_token(mt + t + 1) == 0)
		*why = "mime: expected token after slash";
	else if (mt[t] == '/' && mt[t + 1 + mime_token(mt + t + 1)] != '\0')
		*why = "mime: unexpected content after media subtype";
	else if (!mime_params_ok(semi))
		*why = "mime: invalid media parameter";
	if (*why != NULL) {
		free(mt);
		return NULL;
	}
	return mt;
}

/* go-swagger's consumes check; false with resp filled. */
static bool
check_content_type(const struct api_req *rq, bool has_body,
    struct api_resp *resp)
{
	const char	*ct = rq->content_type, *why;
	char		*mt;
	struct buf	 m;
	bool		 ok;

	if (!has_body)
		return true;
	if (ct == NULL || ct[0] == '\0')
		ct = "application/octet-stream";
	buf_init(&m, BUF_NOCAP);
	mt = media_type(ct, &why);
	if (mt == NULL) {
		buf_addstr(&m, "parsing Content-Type header from ");
		buf_add_goquote(&m, ct, strlen(ct));
		buf_addf(&m, " failed, because %s", why);
		api_reply_error(resp, 400, 400, buf_str(&m));
		ok = false;
	} else if (strcmp(mt, "application/json") == 0 ||
	    strcmp(mt, "*/*") == 0 || strcmp(mt, "application/*") == 0)
		ok = true;
	else {
		buf_addstr(&m, "unsupported media type ");
		buf_add_goquote(&m, mt, strlen(mt));
		buf_addstr(&m, ", only [application/json] are allowed");
		api_reply_error(resp, 415, 415, buf_str(&m));
		ok = false;
	}
	free(mt);
	buf_release(&m);
	return ok;
}

static bool
get_admit(struct api *api, const char *method, struct api_resp *resp)
{
	char	msg[128];
	int	lim = api->ad->limits.get_concurrency;

	if (strcmp(method, "GET") != 0)
		return true;
	if (atomic_fetch_add(&api->gets, 1) < lim) {
		api_metrics_get_inflight(api->ad, 1);
		return true;
	}
	atomic_fetch_sub(&api->gets, 1);
	api_metrics_get_limited(api->ad);
	snprintf(msg, sizeof(msg), "Limit of concurrent GET requests reached "
	    "(%d), try again later.\n", lim);
	api_reply_text(resp, 503, msg);
	return false;
}

/* Returns whether the handler ran (false: the GET limit answered 503). */
static bool
run_handler(struct api *api, const struct api_route *r, struct api_req *rq,
    struct api_resp *resp)
{
	if (!get_admit(api, rq->method, resp))
		return false;
	r->handler(rq, resp);
	if (strcmp(rq->method, "GET") == 0) {
		atomic_fetch_sub(&api->gets, 1);
		api_metrics_get_inflight(api->ad, -1);
	}
	return true;
}

/*
 * run_handler for the plain router, instrumented as Alertmanager's
 * route.Router (alertmanager_http_*{handler}); HEAD bodies are not sent.
 */
static void
run_instrumented(struct api *api, const struct api_route *r,
    struct api_req *rq, struct api_resp *resp)
{
	int64_t	t0 = ad_mono();

	if (run_handler(api, r, rq, resp))
		api_metrics_http(api->ad, r->path, rq->method, ad_mono() - t0,
		    strcmp(rq->method, "HEAD") == 0 ? 0 :
		    buf_len(&resp->body));
}

static void
route_v2(struct api *api, struct MHD_Connection *conn, struct api_req *rq,
    bool has_body, struct api_resp *resp)
{
	const struct api_route	*r;
	struct buf		 allow, msg;
	char			*path;
	size_t			 n;
	bool			 known;

	buf_init(&allow, BUF_NOCAP);
	buf_init(&msg, BUF_NOCAP);
	path = xstrdup(rq->path);
	n = strlen(path);
	if (n > 8 && path[n - 1] == '/')
		path[n - 1] = '\0';
	r = route_find(rq->method, path, true, &allow, &known, &rq->param);
	if (cors(conn, rq->method, resp))
		;
	else if (!known) {
		buf_addf(&msg, "path %s was not found", rq->path);
		api_reply_error(resp, 404, 404, buf_str(&msg));
	} else if (r == NULL) {
		buf_addf(&msg, "method %s is not allowed, but [%s] are",
		    rq->method, buf_str(&allow));
		api_reply_error(resp, 405, 405, buf_str(&msg));
		api_resp_header(resp, "Allow", buf_str(&allow));
	} else if ((r->flags & API_JSON) &&
	    !check_content_type(rq, has_body, resp))
		;
	else if (!accepts_json(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, "Accept")))
		api_reply_error(resp, 406, 406, "unsupported media type "
		    "requested, only [application/json] are available");
	else
		run_handler(api, r, rq, resp);	/* param points into path */
	free(path);
	buf_release(&allow);
	buf_release(&msg);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* httprouter's Allow: the path's methods and OPTIONS, sorted. */
static void
text_allow(const char *methods, struct buf *out)
{
	char	*copy = xstrdup(methods), *v[16], *tok, *save;
	size_t	 n = 0, i;

	for (tok = strtok_r(copy, ",", &save); tok != NULL && n < 15;
	    tok = strtok_r(NULL, ",", &save))
		v[n++] = tok;
	v[n++] = (char *)"OPTIONS";
	qsort(v, n, sizeof(v[0]), str_cmp);
	for (i = 0; i < n; i++)
		buf_addf(out, "%s%s", i ? ", " : "", v[i]);
	free(copy);
}

static void
route_text(struct api *api, struct api_req *rq, struct api_resp *resp)
{
	const struct api_route	*r;
	const struct web_asset	*a;
	struct buf		 allow, hdr;
	int64_t			 t0;
	bool			 known;

	buf_init(&allow, BUF_NOCAP);
	buf_init(&hdr, BUF_NOCAP);
	r = route_find(rq->method, rq->path, false, &allow, &known,
	    &rq->param);
	a = web_asset_find(rq->path);
	if (r != NULL)
		run_instrumented(api, r, rq, resp);
	else if (known) {
		text_allow(buf_str(&allow), &hdr);
		api_resp_header(resp, "Allow", buf_str(&hdr));
		if (strcmp(rq->method, "OPTIONS") == 0)
			resp->status = 200;
		else
			api_reply_text(resp, 405, "Method Not Allowed");
	} else if (a != NULL && strcmp(rq->method, "GET") == 0) {
		t0 = ad_mono();
		resp->content_type = a->content_type;
		buf_add(&resp->body, a->data, a->len);
		api_resp_header(resp, "Cache-Control",
		    "no-cache, no-store, must-revalidate");
		api_resp_header(resp, "Pragma", "no-cache");
		api_resp_header(resp, "Expires", "0");
		api_metrics_http(api->ad, strcmp(rq->path, "/") == 0 ? "/" :
		    a->path, rq->method, ad_mono() - t0, a->len);
	} else
		api_reply_text(resp, 404, "404 page not found");
	buf_release(&allow);
	buf_release(&hdr);
}

/* The route prefix and the ServeMux rules; false when resp is final. */
static bool
strip_prefix(struct api *api, struct api_req *rq, struct api_resp *resp)
{
	const char	*pfx = api->ad->route_prefix;
	size_t		 n = strlen(pfx);
	struct buf	 to;

	if (strcmp(pfx, "/") == 0)
		return true;
	buf_init(&to, BUF_NOCAP);
	if (strcmp(rq->path, "/") == 0 && strcmp(rq->method, "GET") == 0)
		redirect(resp, rq->method, 302, pfx);
	else if (strcmp(rq->path, pfx) == 0) {
		buf_addf(&to, "%s/", pfx);
		redirect(resp, rq->method, 301, buf_str(&to));
	} else if (strncmp(rq->path, pfx, n) != 0 || rq->path[n] != '/')
		api_reply_text(resp, 404, "404 page not found");
	else {
		rq->path += n;
		buf_release(&to);
		return true;
	}
	buf_release(&to);
	return false;
}

static void
route(struct api *api, struct MHD_Connection *conn, struct api_req *rq,
    char *path, const char *rawq, bool has_body, struct api_resp *resp)
{
	const char	*pfx = api->ad->route_prefix;
	char		*clean;
	struct buf	 to;

	buf_init(&to, BUF_NOCAP);
	clean = clean_path(path);
	rq->path = path;
	if (strcmp(clean, path) != 0 && strcmp(rq->method, "CONNECT") != 0) {
		buf_addf(&to, "%s%s%s", clean, rawq ? "?" : "",
		    rawq ? rawq : "");
		redirect(resp, rq->method, 301, buf_str(&to));
	} else if (!strip_prefix(api, rq, resp))
		;
	else if (strcmp(rq->path, "/api/v2") == 0) {
		buf_addf(&to, "%s/api/v2/%s%s", strcmp(pfx, "/") ? pfx : "",
		    rawq ? "?" : "", rawq ? rawq : "");
		redirect(resp, rq->method, 301, buf_str(&to));
	} else if (strncmp(rq->path, "/api/v2/", 8) == 0)
		route_v2(api, conn, rq, has_body, resp);
	else
		route_text(api, rq, resp);
	free(clean);
	buf_release(&to);
}

/* --------------------------------------------------------------- MHD -- */

static void
resp_release(struct api_resp *resp)
{
	size_t	i;

	buf_release(&resp->body);
	for (i = 0; i < resp->n_headers; i++)
		free(resp->headers[i].value);
}

/* Whether resp already sets header name (any case). */
static bool
resp_has(const struct api_resp *resp, const char *name)
{
	size_t	i;

	for (i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return true;
	return false;
}

/*
 * exporter-toolkit sets the web config's headers before the handler runs,
 * which may set them again: a header the response has wins.
 */
static void
web_headers(struct MHD_Response *r, const struct web_config *web,
    const struct api_resp *resp)
{
	const struct config_kv	*h;
	size_t			 n, i;

	if (web == NULL)
		return;
	h = web_config_headers(web, &n);
	for (i = 0; i < n; i++)
		if (!resp_has(resp, h[i].key))
			MHD_add_response_header(r, h[i].key, h[i].value);
}

static enum MHD_Result
send_resp(struct MHD_Connection *conn, const struct reqctx *rc,
    struct api_resp *resp)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	size_t			 len, i;
	char			*data;

	data = buf_detach(&resp->body, &len);
	if (data == NULL)
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(len, data,
		    MHD_RESPMEM_MUST_FREE);
	web_headers(r, rc->web, resp);
	for (i = 0; i < resp->n_headers; i++)
		MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value);
	if (resp->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    resp->content_type);
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	resp_release(resp);
	return ret;
}

static void
resp_init(struct api_resp *resp, size_t cap)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	buf_init(&resp->body, cap);
}

static bool
has_body(struct MHD_Connection *conn, const struct reqctx *rc)
{
	const char	*cl, *te;

	if (buf_len(&rc->body) > 0)
		return true;
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);
	return (cl != NULL && strtoull(cl, NULL, 10) > 0) || te != NULL;
}

static void
web_timeout(struct api *api, const struct reqctx *rc, struct api_resp *resp)
{
	ad_dur_t	 t = api->ad->limits.web_timeout;
	char		 d[DUR_FMT_MAX], msg[160];
	size_t		 i;

	if (t <= 0 || ad_mono() - rc->t0 <= t)
		return;
	for (i = 0; i < resp->n_headers; i++)
		free(resp->headers[i].value);
	resp->n_headers = 0;
	snprintf(msg, sizeof(msg), "Exceeded configured timeout of %s.\n",
	    dur_format_go(t, d));
	resp->status = 503;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	buf_addstr(&resp->body, msg);
}

static enum MHD_Result
respond(struct api *api, struct MHD_Connection *conn, struct reqctx *rc,
    const char *method)
{
	struct api_req	 rq;
	struct api_resp	 resp;
	char		*path, *q;
	enum MHD_Result	 ret;
	size_t		 i;

	log_set_component("api");
	memset(&rq, 0, sizeof(rq));
	resp_init(&resp, BUF_NOCAP);
	rq.ad = api->ad;
	rq.method = method;
	rq.conn = conn;
	rq.body = buf_str(&rc->body);
	rq.body_len = buf_len(&rc->body);
	rq.content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	q = strchr(rc->uri, '?');
	path = gourl_unescape_dup(rc->uri, q ? (size_t)(q - rc->uri) :
	    strlen(rc->uri), GOURL_ENC_PATH, NULL);
	if (rc->too_large) {
		char	msg[160];

		snprintf(msg, sizeof(msg), "request body too large: the limit "
		    "is %zu bytes (--web.max-body-size)",
		    api->ad->limits.max_body);
		api_reply_error(&resp, 413, 413, msg);
	} else if (path == NULL || path[0] != '/')
		api_reply_text(&resp, 400, "400 Bad Request");
	else {
		parse_query(&rq, q ? q + 1 : NULL);
		route(api, conn, &rq, path, q ? q + 1 : NULL,
		    has_body(conn, rc), &resp);
		web_timeout(api, rc, &resp);
	}
	ret = send_resp(conn, rc, &resp);
	for (i = 0; i < rq.n_query; i++) {
		free(rq.query[i].key);
		free(rq.query[i].value);
	}
	free(rq.query);
	free(path);
	return ret;
}

static enum MHD_Result
too_large_now(struct api *api, struct MHD_Connection *conn,
    struct reqctx *rc)
{
	const char	*cl;

	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL || strtoull(cl, NULL, 10) <= api->ad->limits.max_body)
		return MHD_NO;
	rc->too_large = true;
	return MHD_YES;
}

/*
 * exporter-toolkit's webHandler, before anything else: the web config
 * read again if it changed (500 if it no longer parses), then basic auth
 * (401 with WWW-Authenticate: Basic).  A refusal is kept in rc->deny and
 * sent once the body was read (and dropped), so the connection stays
 * usable as Go's does.
 */
static void
web_gate(struct api *api, struct MHD_Connection *conn, struct reqctx *rc)
{
	struct api_resp	*resp;
	struct ad_err	 err;

	if (api->ad->web == NULL)
		return;
	memset(&err, 0, sizeof(err));
	rc->web = web_config_watch_get(api->ad->web, &err);
	resp = xmalloc(sizeof(*resp));
	resp_init(resp, BUF_NOCAP);
	if (rc->web == NULL) {
		log_set_component(NULL);
		log_errorkv("Unable to parse configuration", "err", err.msg,
		    (char *)NULL);
		api_reply_text(resp, 500, "Internal Server Error");
	} else if (!web_config_authorized(api->ad->web, rc->web,
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION))) {
		api_resp_header(resp, "WWW-Authenticate", "Basic");
		api_reply_text(resp, 401, "Unauthorized");
	} else {
		resp_release(resp);
		free(resp);
		return;
	}
	rc->deny = resp;
}

static enum MHD_Result
send_deny(struct MHD_Connection *conn, struct reqctx *rc)
{
	enum MHD_Result	ret = send_resp(conn, rc, rc->deny);

	free(rc->deny);
	rc->deny = NULL;
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct api	*api = cls;
	struct reqctx	*rc = *con_cls;

	(void)url;
	(void)version;
	if (rc == NULL)
		return MHD_NO;
	if (!rc->started) {
		rc->started = true;
		web_gate(api, conn, rc);
		if (too_large_now(api, conn, rc) == MHD_NO)
			return MHD_YES;
		if (rc->deny != NULL)
			return send_deny(conn, rc);
		return respond(api, conn, rc, method);
	}
	if (*upload_data_size > 0) {
		if (rc->deny == NULL && !rc->too_large && buf_add(&rc->body,
		    upload_data, *upload_data_size) == -1) {
			rc->too_large = true;
			buf_release(&rc->body);
		}
		*upload_data_size = 0;
		/* A client trickling its body cannot hold us forever. */
		if (ad_mono() - rc->t0 > api->ad->limits.conn_timeout)
			return MHD_NO;
		return MHD_YES;
	}
	if (rc->deny != NULL)
		return send_deny(conn, rc);
	return respond(api, conn, rc, method);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct api	*api = cls;
	struct reqctx	*rc;

	(void)conn;
	rc = xcalloc(1, sizeof(*rc));
	rc->uri = xstrdup(uri);
	buf_init(&rc->body, api->ad->limits.max_body);
	rc->t0 = ad_mono();
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct reqctx	*rc = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (rc == NULL)
		return;
	buf_release(&rc->body);
	if (rc->deny != NULL) {
		resp_release(rc->deny);
		free(rc->deny);
	}
	web_config_unref(rc->web);
	free(rc->uri);
	free(rc);
	*con_cls = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	msg[512];
	size_t	n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debugkv("libmicrohttpd", "err", msg, (char *)NULL);
}

/* ----------------------------------------------------------- sockets -- */

/* "host:port", ":port", "[v6]:port" -> a listening socket. */
static int
listen_on(const char *addr, struct ad_err *err)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*colon = strrchr(addr, ':');
	char		*host;
	int		 fd = -1, one = 1, zero = 0, gai;

	if (colon == NULL)
		return ad_err_set(err, AD_EINVAL, "listen tcp %s: address %s: "
		    "missing port in address", addr, addr);
	host = xstrndup(addr, (size_t)(colon - addr));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_family = host[0] == '\0' ? AF_INET6 : AF_UNSPEC;
	gai = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
	if (gai != 0 && host[0] == '\0') {
		hints.ai_family = AF_INET;
		gai = getaddrinfo(NULL, colon + 1, &hints, &res);
	}
	if (gai != 0) {
		ad_err_set(err, AD_EINVAL, "listen tcp %s: %s", addr,
		    gai_strerror(gai));
		goto out;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		ad_err_set(err, AD_EIO, "listen tcp %s: socket: %s", addr,
		    strerror(errno));
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 4096) == -1) {
		ad_err_set(err, AD_EIO, "listen tcp %s: bind: %s", addr,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
out:
	if (res != NULL)
		freeaddrinfo(res);
	free(host);
	return fd;
}

/*
 * TLS comes from --web.config.file (web_config.h): its options when the
 * file enables TLS, else none (MHD_OPTION_END).
 */
static struct MHD_Daemon *
start_daemon(struct api *api, int fd, bool tls, struct ad_err *err)
{
	struct MHD_OptionItem	tlsopts[WEB_CONFIG_MHD_OPTIONS];
	unsigned		timeout, flags;

	tlsopts[0] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	if (tls && web_config_mhd_options(api->ad->web, tlsopts, err) == -1)
		return NULL;
	timeout = (unsigned)((api->ad->limits.conn_timeout + AD_SEC - 1) /
	    AD_SEC);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0);
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, api,
	    MHD_OPTION_ARRAY, tlsopts,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, api,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)api->ad->limits.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)10000,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, api,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, api,
	    MHD_OPTION_END);
}

struct api *
api_start(struct alertd *ad, char *const *listen, size_t n, bool tls,
    struct ad_err *err)
{
	struct api	*api;
	struct ad_err	 e;
	size_t		 i;

	api = xcalloc(1, sizeof(*api));
	api->ad = ad;
	api->daemons = xcalloc(n, sizeof(*api->daemons));
	api->fds = xcalloc(n, sizeof(*api->fds));
	atomic_init(&api->gets, 0);
	for (i = 0; i < n; i++) {
		api->fds[i] = listen_on(listen[i], err);
		if (api->fds[i] == -1)
			goto fail;
		api->n = i + 1;
		log_infokv("Listening on", "address", listen[i], (char *)NULL);
		memset(&e, 0, sizeof(e));
		api->daemons[i] = start_daemon(api, api->fds[i], tls, &e);
		if (api->daemons[i] == NULL) {
			ad_err_set(err, AD_EIO, "%s", e.msg[0] != '\0' ? e.msg :
			    "cannot start the HTTP server");
			goto fail;
		}
		api->fds[i] = -1;	/* MHD closes it when it stops */
		/* http2: alertd serves HTTP/1.1 only (ALPN), whatever
		 * http_server_config says. */
		log_infokv(tls ? "TLS is enabled." : "TLS is disabled.",
		    "http2", "false", "address", listen[i], (char *)NULL);
	}
	return api;
fail:
	api_stop(api);
	return NULL;
}

void
api_stop(struct api *api)
{
	size_t	i;

	if (api == NULL)
		return;
	for (i = 0; i < api->n; i++) {
		if (api->daemons[i] != NULL)
			MHD_stop_daemon(api->daemons[i]);
		if (api->fds[i] != -1)
			close(api->fds[i]);
	}
	free(api->daemons);
	free(api->fds);
	free(api);
}
