/*
 * A reduced Go url.Parse (gourl.h): scheme, authority, path, query and
 * fragment are split as Go splits them, and the checks that make Go's
 * parser fail are made in the same order with the same messages.
 * Percent-decoding follows Go's unescape for the path and user info.
 */
#include "alertd/cli/gourl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

static int
url_error(struct ad_err *err, const char *s, const char *msg)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "parse ");
	buf_add_goquote(&b, s, strlen(s));
	buf_addf(&b, ": %s", msg);
	ad_err_set(err, AD_EINVAL, "%s", buf_str(&b));
	buf_release(&b);
	return -1;
}

static int
unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Go's unescape (path/user-info mode, no '+'): NULL on a bad escape. */
static char *
unescape(const char *s, size_t n, char **bad)
{
	char	*out = xmalloc(n + 1), *o = out;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= n || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0) {
			size_t	l = n - i < 3 ? n - i : 3;

			*bad = xstrndup(s + i, l);
			free(out);
			return NULL;
		}
		*o++ = (char)(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
		i += 2;
	}
	*o = '\0';
	return out;
}

static int
escape_error(struct ad_err *err, const char *s, char *bad)
{
	struct buf	b;
	int		rc;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "invalid URL escape ");
	buf_add_goquote(&b, bad, strlen(bad));
	rc = url_error(err, s, buf_str(&b));
	buf_release(&b);
	free(bad);
	return rc;
}

/* Go's getScheme: "" when there is none; -1 for a leading ':'. */
static int
get_scheme(const char *s, size_t *len)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		char	c = s[i];

		if (isalpha((unsigned char)c))
			continue;
		if (isdigit((unsigned char)c) || c == '+' || c == '-' ||
		    c == '.') {
			if (i == 0)
				break;
			continue;
		}
		if (c == ':') {
			if (i == 0)
				return -1;
			*len = i;
			return 0;
		}
		break;
	}
	*len = 0;
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
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

static int
port_error(struct ad_err *err, const char *s, const char *port, size_t n)
{
	struct buf	b;
	int		rc;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "invalid port ");
	buf_add_goquote(&b, port, n);
	buf_addstr(&b, " after host");
	rc = url_error(err, s, buf_str(&b));
	buf_release(&b);
	return rc;
}

static int
parse_host(const char *s, const char *h, size_t n, struct ad_err *err)
{
	const char	*close, *colon;

	if (n > 0 && h[0] == '[') {
		close = memchr(h, ']', n);
		if (close == NULL)
			return url_error(err, s, "missing ']' in host");
		if (!valid_port(close + 1, n - (size_t)(close + 1 - h)))
			return port_error(err, s, close + 1,
			    n - (size_t)(close + 1 - h));
		return 0;
	}
	colon = memrchr(h, ':', n);
	if (colon != NULL && !valid_port(colon, n - (size_t)(colon - h)))
		return port_error(err, s, colon, n - (size_t)(colon - h));
	return 0;
}

static int
parse_authority(const char *s, const char *a, size_t n, struct gourl *u,
    struct ad_err *err)
{
	const char	*at = memrchr(a, '@', n), *h = a, *colon;
	char		*bad = NULL;
	size_t		 ulen;

	if (at != NULL) {
		h = at + 1;
		ulen = (size_t)(at - a);
		colon = memchr(a, ':', ulen);
		u->user = unescape(a, colon != NULL ? (size_t)(colon - a) :
		    ulen, &bad);
		if (u->user == NULL)
			return escape_error(err, s, bad);
		if (colon != NULL) {
			u->password = unescape(colon + 1,
			    ulen - (size_t)(colon + 1 - a), &bad);
			if (u->password == NULL)
				return escape_error(err, s, bad);
		}
	}
	if (parse_host(s, h, n - (size_t)(h - a), err) == -1)
		return -1;
	u->host = xstrndup(h, n - (size_t)(h - a));
	return 0;
}

static bool
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return true;
	return false;
}

static int
parse_rest(const char *s, const char *rest, struct gourl *u,
    struct ad_err *err)
{
	const char	*slash, *colon;
	char		*bad = NULL;
	size_t		 n;

	if (rest[0] != '/' && u->scheme[0] != '\0') {
		u->opaque = true;
		u->path = xstrdup("");
		return 0;
	}
	if (rest[0] != '/') {
		slash = strchr(rest, '/');
		colon = strchr(rest, ':');
		if (colon != NULL && (slash == NULL || colon < slash))
			return url_error(err, s,
			    "first path segment in URL cannot contain colon");
	}
	if (strncmp(rest, "//", 2) == 0) {
		rest += 2;
		n = strcspn(rest, "/");
		if (parse_authority(s, rest, n, u, err) == -1)
			return -1;
		rest += n;
	}
	u->path = unescape(rest, strlen(rest), &bad);
	if (u->path == NULL)
		return escape_error(err, s, bad);
	return 0;
}

int
gourl_parse(const char *s, struct gourl *u, struct ad_err *err)
{
	char	*buf, *q;
	size_t	 slen;
	int	 rc;

	memset(u, 0, sizeof(*u));
	buf = xstrndup(s, strcspn(s, "#"));
	if (has_ctl(buf)) {
		free(buf);
		return url_error(err, s, "net/url: invalid control character "
		    "in URL");
	}
	if (get_scheme(buf, &slen) == -1) {
		free(buf);
		return url_error(err, s, "missing protocol scheme");
	}
	u->scheme = xstrndup(buf, slen);
	for (q = u->scheme; *q != '\0'; q++)
		*q = (char)tolower((unsigned char)*q);
	q = strchr(buf + (slen ? slen + 1 : 0), '?');
	if (q != NULL) {
		u->raw_query = xstrdup(q + 1);
		*q = '\0';
	}
	rc = parse_rest(s, buf + (slen ? slen + 1 : 0), u, err);
	free(buf);
	if (rc == -1) {
		gourl_release(u);
		return -1;
	}
	if (u->host == NULL)
		u->host = xstrdup("");
	return 0;
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
	memset(u, 0, sizeof(*u));
}
