/*
 * url: URLs as Go's net/url writes them back (URL.String()), for the
 * dumped config and for the "/" Alertmanager appends to some API URLs.
 *
 * url.Parse keeps the path decoded (Path) and the original form
 * (RawPath) only while the two agree; String() writes RawPath when it is
 * still a valid encoding of Path, else re-escapes Path.  So "a b" comes
 * back "a%20b", and once Alertmanager has appended "/" to Path, a path
 * like "/a!b" comes back "/a%21b/".  Same for the fragment.
 */
#include "config/decode.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/buf.h"
#include "alertd/gourl.h"

/* escape(unescape(s)), plus suffix (decoded) when not NULL. */
static void
reescape(struct buf *out, const char *s, size_t len, const char *suffix,
    enum gourl_enc m)
{
	struct buf	dec;

	buf_init(&dec, BUF_NOCAP);
	/* s was accepted by config_parse_url: its escapes are valid */
	if (gourl_unescape(&dec, s, len, m, NULL) == -1)
		buf_add(&dec, s, len);
	if (suffix != NULL)
		buf_addstr(&dec, suffix);
	gourl_escape(out, buf_str(&dec), buf_len(&dec), m);
	buf_release(&dec);
}

/* EscapedPath / EscapedFragment of what url.Parse made of s[0..len). */
static void
escaped(struct buf *out, const char *s, size_t len, enum gourl_enc m)
{
	if (gourl_valid_encoded(s, len, m))
		buf_add(out, s, len);
	else
		reescape(out, s, len, NULL, m);
}

/*
 * The parts of a URL config_parse_url accepted; false for the forms
 * written back unchanged (no "scheme://").
 */
static bool
url_split(const char *raw, const char **auth, const char **path,
    const char **query, const char **frag)
{
	const char	*sep = strstr(raw, "://");

	if (sep == NULL || strcspn(raw, "/?#") < (size_t)(sep - raw))
		return false;
	*auth = sep + 3;
	*path = *auth + strcspn(*auth, "/?#");
	*frag = *path + strcspn(*path, "#");
	*query = *path + strcspn(*path, "?#");
	return true;
}

/* scheme (lower-cased), "://", authority (password redacted). */
static void
url_head(struct buf *out, const char *raw, const char *auth,
    const char *path, bool redact)
{
	const char	*p, *at = NULL, *colon;

	for (p = raw; p < auth - 3; p++)
		buf_addch(out, tolower((unsigned char)*p));
	buf_addstr(out, "://");
	for (p = auth; p < path; p++)
		if (*p == '@')
			at = p;
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (redact && colon != NULL) {
		buf_add(out, auth, (size_t)(colon - auth));
		buf_addstr(out, ":xxxxx");
		auth = at;
	}
	buf_add(out, auth, (size_t)(path - auth));
}

static void
url_tail(struct buf *out, const char *query, const char *frag)
{
	buf_add(out, query, (size_t)(frag - query));
	if (*frag == '#') {
		buf_addch(out, '#');
		escaped(out, frag + 1, strlen(frag + 1), GOURL_ENC_FRAGMENT);
	}
}

void
config_url_string(const char *raw, bool redact, struct buf *out)
{
	const char	*auth, *path, *query, *frag;

	if (!url_split(raw, &auth, &path, &query, &frag)) {
		buf_addstr(out, raw);
		return;
	}
	url_head(out, raw, auth, path, redact);
	escaped(out, path, (size_t)(query - path), GOURL_ENC_PATH);
	url_tail(out, query, frag);
}

char *
config_url_add_slash(const char *raw)
{
	const char	*auth, *path, *query, *frag;
	struct buf	 b;
	char		*s;

	buf_init(&b, BUF_NOCAP);
	if (!url_split(raw, &auth, &path, &query, &frag)) {
		buf_addstr(&b, raw);
		buf_addch(&b, '/');
	} else if ((query > path && query[-1] == '/') ||
	    (query - path >= 3 && strncasecmp(query - 3, "%2f", 3) == 0)) {
		buf_addstr(&b, raw);		/* Path ends with "/" */
	} else {
		/* RawPath no longer matches Path: String() re-escapes. */
		buf_add(&b, raw, (size_t)(path - raw));
		reescape(&b, path, (size_t)(query - path), "/", GOURL_ENC_PATH);
		buf_addstr(&b, query);
	}
	s = buf_detach(&b, NULL);
	return s;
}
