/*
 * Go 1.19's net/url (gourl.h): shouldEscape's modes, escape and
 * unescape, url.Values, and url.Parse / ParseRequestURI split and checked
 * as Go does it, in the same order and with the same messages.  Go's
 * quirks are kept: a parse error quotes the URL without its fragment, a
 * fragment error the whole URL; control bytes are checked before the
 * '#' only; a host may %-encode only non-ASCII bytes (and "%25").
 */
#include "alertd/gourl.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

/* ------------------------------------------------------------ escape -- */

int
gourl_unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Whether one of the reserved characters must be escaped in mode. */
static bool
reserved_escapes(unsigned char c, enum gourl_enc mode)
{
	switch (mode) {
	case GOURL_ENC_PATH:
		return c == '?';
	case GOURL_ENC_PATH_SEGMENT:
		return c == '/' || c == ';' || c == ',' || c == '?';
	case GOURL_ENC_USER_PASSWORD:
		return c == '@' || c == '/' || c == '?' || c == ':';
	case GOURL_ENC_QUERY_COMPONENT:
		return true;
	case GOURL_ENC_FRAGMENT:
		return false;
	case GOURL_ENC_HOST:
	case GOURL_ENC_ZONE:
	default:
		return true;
	}
}

bool
gourl_should_escape(unsigned char c, enum gourl_enc mode)
{
	if (is_alnum(c))
		return false;
	if ((mode == GOURL_ENC_HOST || mode == GOURL_ENC_ZONE) && c != '\0' &&
	    strchr("!$&'()*+,;=:[]<>\"", c) != NULL)
		return false;
	if (c == '-' || c == '_' || c == '.' || c == '~')
		return false;
	if (c != '\0' && strchr("$&+,/:;=?@", c) != NULL)
		return reserved_escapes(c, mode);
	if (mode == GOURL_ENC_FRAGMENT && c != '\0' &&
	    strchr("!()*", c) != NULL)
		return false;
	return true;
}

bool
gourl_valid_encoded(const char *s, size_t n, enum gourl_enc mode)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		/* RFC 3986's sub-delims, ':' '@', '[' ']' and '%' stand */
		if (c != '\0' && strchr("!$&'()*+,;=:@[]%", c) != NULL)
			continue;
		if (gourl_should_escape(c, mode))
			return false;
	}
	return true;
}

int
gourl_escape(struct buf *out, const char *s, size_t n, enum gourl_enc mode)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i;
	int			rc = 0;

	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == ' ' && mode == GOURL_ENC_QUERY_COMPONENT)
			rc |= buf_addch(out, '+');
		else if (gourl_should_escape(c, mode))
			rc |= buf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
		else
			rc |= buf_addch(out, c);
	}
	return rc;
}

int
gourl_query_escape(struct buf *out, const char *s, size_t n)
{
	return gourl_escape(out, s, n, GOURL_ENC_QUERY_COMPONENT);
}

int
gourl_path_escape(struct buf *out, const char *s, size_t n)
{
	return gourl_escape(out, s, n, GOURL_ENC_PATH_SEGMENT);
}

/* Go's EscapeError / InvalidHostError texts. */
static int
unescape_error(struct ad_err *err, const char *what, const char *s,
    size_t n, const char *tail)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, what);
	buf_add_goquote(&b, s, n);
	buf_addstr(&b, tail);
	ad_err_set(err, AD_EINVAL, "%s", buf_str(&b));
	buf_release(&b);
	return -1;
}

/* The checks of Go's unescape on the escape at s[0..3). */
static int
check_escape(const char *s, size_t left, enum gourl_enc mode,
    struct ad_err *err)
{
	int	v;

	if (left < 3 || gourl_unhex(s[1]) < 0 || gourl_unhex(s[2]) < 0)
		return unescape_error(err, "invalid URL escape ", s,
		    left < 3 ? left : 3, "");
	/* a host %-encodes only non-ASCII bytes; "%25" is RFC 6874's */
	if (mode == GOURL_ENC_HOST && gourl_unhex(s[1]) < 8 &&
	    strncmp(s, "%25", 3) != 0)
		return unescape_error(err, "invalid URL escape ", s, 3, "");
	v = gourl_unhex(s[1]) << 4 | gourl_unhex(s[2]);
	if (mode == GOURL_ENC_ZONE && strncmp(s, "%25", 3) != 0 &&
	    v != ' ' && gourl_should_escape((unsigned char)v, GOURL_ENC_HOST))
		return unescape_error(err, "invalid URL escape ", s, 3, "");
	return 0;
}

int
gourl_unescape(struct buf *out, const char *s, size_t n, enum gourl_enc mode,
    struct ad_err *err)
{
	bool	host = mode == GOURL_ENC_HOST || mode == GOURL_ENC_ZONE;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (check_escape(s + i, n - i, mode, err) == -1)
				return -1;
			i += 2;
		} else if (host && (unsigned char)s[i] < 0x80 &&
		    gourl_should_escape((unsigned char)s[i], mode)) {
			return unescape_error(err, "invalid character ",
			    s + i, 1, " in host name");
		}
	}
	for (i = 0; out != NULL && i < n; i++) {
		if (s[i] == '%') {
			buf_addch(out, gourl_unhex(s[i + 1]) << 4 |
			    gourl_unhex(s[i + 2]));
			i += 2;
		} else if (s[i] == '+' && mode == GOURL_ENC_QUERY_COMPONENT) {
			buf_addch(out, ' ');
		} else {
			buf_addch(out, s[i]);
		}
	}
	return 0;
}

char *
gourl_unescape_dup(const char *s, size_t n, enum gourl_enc mode,
    struct ad_err *err)
{
	struct buf	b;
	char		*r;

	buf_init(&b, BUF_NOCAP);
	if (gourl_unescape(&b, s, n, mode, err) == -1) {
		buf_release(&b);
		return NULL;
	}
	r = buf_detach(&b, NULL);
	return r != NULL ? r : xstrdup("");
}

/* ------------------------------------------------------------ values -- */

void
gourl_values_init(struct gourl_values *q)
{
	memset(q, 0, sizeof(*q));
}

void
gourl_values_release(struct gourl_values *q)
{
	size_t	i;

	for (i = 0; i < q->n; i++) {
		free(q->k[i]);
		free(q->v[i]);
	}
	free(q->k);
	free(q->v);
	gourl_values_init(q);
}

/* Takes k and v. */
static void
values_take(struct gourl_values *q, char *k, char *v)
{
	q->k = xreallocarray(q->k, q->n + 1, sizeof(*q->k));
	q->v = xreallocarray(q->v, q->n + 1, sizeof(*q->v));
	q->k[q->n] = k;
	q->v[q->n] = v;
	q->n++;
}

void
gourl_values_add(struct gourl_values *q, const char *k, const char *v)
{
	values_take(q, xstrdup(k), xstrdup(v));
}

void
gourl_values_addn(struct gourl_values *q, const char *k, const char *v,
    size_t vn)
{
	values_take(q, xstrdup(k), xstrndup(v, vn));
}

const char *
gourl_values_get(const struct gourl_values *q, const char *k)
{
	size_t	i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->k[i], k) == 0)
			return q->v[i];
	return NULL;
}

void
gourl_values_set(struct gourl_values *q, const char *k, const char *v)
{
	size_t	i, j = 0;

	for (i = 0; i < q->n; i++) {
		if (strcmp(q->k[i], k) == 0) {
			free(q->k[i]);
			free(q->v[i]);
			continue;
		}
		q->k[j] = q->k[i];
		q->v[j++] = q->v[i];
	}
	q->n = j;
	gourl_values_add(q, k, v);
}

void
gourl_values_parse(struct gourl_values *q, const char *raw)
{
	const char	*p = raw, *end, *eq;
	char		*k, *v;
	size_t		 len;

	while (*p != '\0') {
		len = strcspn(p, "&");
		end = p + len;
		/* Go 1.17+: a ';' makes the pair an error, skipped */
		if (len > 0 && memchr(p, ';', len) == NULL) {
			eq = memchr(p, '=', len);
			k = gourl_unescape_dup(p, eq != NULL ? (size_t)(eq - p) :
			    len, GOURL_ENC_QUERY_COMPONENT, NULL);
			v = eq != NULL ? gourl_unescape_dup(eq + 1,
			    (size_t)(end - eq - 1), GOURL_ENC_QUERY_COMPONENT,
			    NULL) : xstrdup("");
			if (k != NULL && v != NULL) {
				values_take(q, k, v);
			} else {
				free(k);
				free(v);
			}
		}
		p = *end == '&' ? end + 1 : end;
	}
}

void
gourl_values_encode(const struct gourl_values *q, struct buf *out)
{
	size_t	*idx = xcalloc(q->n + 1, sizeof(*idx));
	size_t	 i, j;

	/* insertion sort by key: stable, and there are few */
	for (i = 0; i < q->n; i++) {
		for (j = i; j > 0 && strcmp(q->k[idx[j - 1]], q->k[i]) > 0;
		    j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
	for (i = 0; i < q->n; i++) {
		if (i > 0)
			buf_addch(out, '&');
		gourl_query_escape(out, q->k[idx[i]], strlen(q->k[idx[i]]));
		buf_addch(out, '=');
		gourl_query_escape(out, q->v[idx[i]], strlen(q->v[idx[i]]));
	}
	free(idx);
}

/* ------------------------------------------------------------- parse -- */

static int
why(struct ad_err *err, const char *msg)
{
	return ad_err_set(err, AD_EINVAL, "%s", msg);
}

/* Go's getScheme: *len 0 when there is none; -1 for a leading ':'. */
static int
get_scheme(const char *s, size_t *len)
{
	size_t	i;

	*len = 0;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char	c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
		    c == '.') {
			if (i == 0)
				return 0;
			continue;
		}
		if (c == ':') {
			if (i == 0)
				return -1;
			*len = i;
		}
		return 0;
	}
	return 0;
}

/* Go's validOptionalPort. */
static bool
valid_port(const char *p, size_t n)
{
	size_t	i;

	if (n == 0)
		return true;
	if (p[0] != ':')
		return false;
	for (i = 1; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static int
port_error(struct ad_err *err, const char *port, size_t n)
{
	return unescape_error(err, "invalid port ", port, n, " after host");
}

/* Go's parseHost: the decoded host into out. */
static int
parse_host(const char *h, size_t n, struct buf *out, struct ad_err *err)
{
	const char	*close, *colon, *zone;

	if (n > 0 && h[0] == '[') {
		close = memrchr(h, ']', n);
		if (close == NULL)
			return why(err, "missing ']' in host");
		if (!valid_port(close + 1, n - (size_t)(close + 1 - h)))
			return port_error(err, close + 1,
			    n - (size_t)(close + 1 - h));
		zone = memmem(h, (size_t)(close - h), "%25", 3);
		if (zone != NULL) {
			if (gourl_unescape(out, h, (size_t)(zone - h),
			    GOURL_ENC_HOST, err) == -1 ||
			    gourl_unescape(out, zone, (size_t)(close - zone),
			    GOURL_ENC_ZONE, err) == -1)
				return -1;
			return gourl_unescape(out, close,
			    n - (size_t)(close - h), GOURL_ENC_HOST, err);
		}
	} else {
		colon = memrchr(h, ':', n);
		if (colon != NULL && !valid_port(colon, n - (size_t)(colon - h)))
			return port_error(err, colon, n - (size_t)(colon - h));
	}
	return gourl_unescape(out, h, n, GOURL_ENC_HOST, err);
}

/* Go's validUserinfo (a byte of a multi-byte rune is not valid). */
static bool
valid_userinfo(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && (s[i] == '\0' ||
		    strchr("-._:~!$&'()*+,;=%@", s[i]) == NULL))
			return false;
	return true;
}

/* Go's parseAuthority. */
static int
parse_authority(const char *a, size_t n, struct gourl *u, struct ad_err *err)
{
	const char	*at = memrchr(a, '@', n), *h = at != NULL ? at + 1 : a;
	const char	*colon;
	struct buf	 host;
	size_t		 ulen;

	buf_init(&host, BUF_NOCAP);
	if (parse_host(h, n - (size_t)(h - a), &host, err) == -1) {
		buf_release(&host);
		return -1;
	}
	u->host = buf_detach(&host, NULL);
	if (u->host == NULL)
		u->host = xstrdup("");
	if (at == NULL)
		return 0;
	ulen = (size_t)(at - a);
	if (!valid_userinfo(a, ulen))
		return why(err, "net/url: invalid userinfo");
	colon = memchr(a, ':', ulen);
	u->user = gourl_unescape_dup(a, colon != NULL ? (size_t)(colon - a) : ulen,
	    GOURL_ENC_USER_PASSWORD, err);
	if (u->user == NULL)
		return -1;
	if (colon != NULL) {
		u->password = gourl_unescape_dup(colon + 1,
		    ulen - (size_t)(colon + 1 - a), GOURL_ENC_USER_PASSWORD,
		    err);
		if (u->password == NULL)
			return -1;
	}
	return 0;
}

/* The part of Go's parse after the scheme and query are split off. */
static int
parse_rest(const char *rest, bool via_request, struct gourl *u,
    struct ad_err *err)
{
	size_t	n;

	if (rest[0] != '/') {
		if (u->scheme[0] != '\0') {
			u->opaque = true;	/* rootless: opaque */
			return 0;
		}
		if (via_request)
			return why(err, "invalid URI for request");
		if (memchr(rest, ':', strcspn(rest, "/")) != NULL)
			return why(err, "first path segment in URL cannot "
			    "contain colon");
	}
	if ((u->scheme[0] != '\0' || (!via_request &&
	    strncmp(rest, "///", 3) != 0)) && strncmp(rest, "//", 2) == 0) {
		rest += 2;
		n = strcspn(rest, "/");
		if (parse_authority(rest, n, u, err) == -1)
			return -1;
		rest += n;
	}
	free(u->path);
	u->path = gourl_unescape_dup(rest, strlen(rest), GOURL_ENC_PATH, err);
	return u->path == NULL ? -1 : 0;
}

/* Go's parse(s, viaRequest) on the NUL-free s. */
static int
parse(const char *s, bool via_request, struct gourl *u, struct ad_err *err)
{
	char	*buf, *q, *p;
	size_t	 slen;
	int	 rc;

	if (via_request && s[0] == '\0')
		return why(err, "empty url");
	u->scheme = xstrdup("");
	u->path = xstrdup("");
	if (strcmp(s, "*") == 0) {
		free(u->path);
		u->path = xstrdup("*");
		return 0;
	}
	if (get_scheme(s, &slen) == -1)
		return why(err, "missing protocol scheme");
	free(u->scheme);
	u->scheme = xstrndup(s, slen);
	for (p = u->scheme; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	buf = xstrdup(s + (slen > 0 ? slen + 1 : 0));
	/* Go's ForceQuery ("x?") only tells String() to keep the '?' */
	q = strchr(buf, '?');
	if (q != NULL) {
		u->raw_query = xstrdup(q + 1);
		*q = '\0';
	}
	rc = parse_rest(buf, via_request, u, err);
	free(buf);
	return rc;
}

static bool
has_ctl(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return true;
	return false;
}

/* *url.Error{"parse", s[0..n), inner}. */
static int
url_error(struct ad_err *err, const char *s, size_t n,
    const struct ad_err *inner)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "parse ");
	buf_add_goquote(&b, s, n);
	buf_addf(&b, ": %s", inner->msg);
	ad_err_set(err, AD_EINVAL, "%s", buf_str(&b));
	buf_release(&b);
	return -1;
}

/* parse on s[0..n); u NULL: check only. */
static int
parse_url(const char *s, size_t n, bool via_request, struct gourl *u,
    struct ad_err *err)
{
	struct gourl	 tmp;
	struct ad_err	 inner;
	char		*str;
	int		 rc;

	if (u == NULL)
		u = &tmp;
	memset(u, 0, sizeof(*u));
	ad_err_clear(&inner);
	if (has_ctl(s, n)) {
		why(&inner, "net/url: invalid control character in URL");
		return url_error(err, s, n, &inner);
	}
	str = xstrndup(s, n);
	rc = parse(str, via_request, u, &inner);
	free(str);
	if (rc == -1 || u == &tmp)
		gourl_release(u);
	if (rc == -1)
		return url_error(err, s, n, &inner);
	if (u != &tmp && u->host == NULL)
		u->host = xstrdup("");
	return 0;
}

int
gourl_parse(const char *s, struct gourl *u, struct ad_err *err)
{
	const char	*hash = strchr(s, '#');
	size_t		 n = hash != NULL ? (size_t)(hash - s) : strlen(s);
	struct ad_err	 inner;
	struct buf	 frag;

	if (parse_url(s, n, false, u, err) == -1)
		return -1;
	if (hash == NULL)
		return 0;
	ad_err_clear(&inner);
	buf_init(&frag, BUF_NOCAP);
	if (gourl_unescape(&frag, hash + 1, strlen(hash + 1),
	    GOURL_ENC_FRAGMENT, &inner) == -1) {
		buf_release(&frag);
		if (u != NULL)
			gourl_release(u);
		return url_error(err, s, strlen(s), &inner);
	}
	if (u != NULL) {
		u->fragment = buf_detach(&frag, NULL);
		if (u->fragment == NULL)
			u->fragment = xstrdup("");
	}
	buf_release(&frag);
	return 0;
}

int
gourl_parse_request_uri(const char *s, size_t n, struct gourl *u,
    struct ad_err *err)
{
	return parse_url(s, n, true, u, err);
}

void
gourl_release(struct gourl *u)
{
	free(u->scheme);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->path);
	free(u->raw_query);
	free(u->fragment);
	memset(u, 0, sizeof(*u));
}
