/*
 * gourl: Go 1.19's net/url, the one place alertd reproduces it.
 *  - escaping and unescaping per URL part (shouldEscape's modes):
 *    QueryEscape/QueryUnescape, PathEscape/PathUnescape, EscapedPath,
 *    the host, zone and user-info checks of url.Parse, validEncoded;
 *  - url.Values: ParseQuery (what parses is kept, as URL.Query() does)
 *    and Encode (keys sorted, stable);
 *  - url.Parse and url.ParseRequestURI: the same accepted inputs, the
 *    same error texts ("parse \"http://[::1\": missing ']' in host"),
 *    and the decoded parts.
 * Used by alertctl (--alertmanager.url), config (URL fields), the API
 * (generatorURL), the templates (urlquery, urlUnescape) and the
 * notifiers (forms, query strings, paths).  Thread: any (no state).
 */
#ifndef ALERTD_ALERTD_GOURL_H
#define ALERTD_ALERTD_GOURL_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;
struct buf;

/* Go's encoding modes: which part of a URL a string is. */
enum gourl_enc {
	GOURL_ENC_PATH,			/* the path as a whole */
	GOURL_ENC_PATH_SEGMENT,		/* PathEscape */
	GOURL_ENC_HOST,
	GOURL_ENC_ZONE,			/* an IPv6 zone after "%25" */
	GOURL_ENC_USER_PASSWORD,
	GOURL_ENC_QUERY_COMPONENT,	/* QueryEscape: ' ' as '+' */
	GOURL_ENC_FRAGMENT
};

/* The value of hex digit c, or -1. */
int	gourl_unhex(int c);
/* shouldEscape(c, mode). */
bool	gourl_should_escape(unsigned char c, enum gourl_enc mode);
/* validEncoded(s, mode): s may stand as the escaped form as it is. */
bool	gourl_valid_encoded(const char *s, size_t n, enum gourl_enc mode);

/*
 * escape(s[0..n), mode) appended to out (upper-case hex).  -1 when out's
 * cap is reached (out then holds part of it), else 0.
 */
int	gourl_escape(struct buf *out, const char *s, size_t n,
	    enum gourl_enc mode);
/* url.QueryEscape and url.PathEscape, as gourl_escape. */
int	gourl_query_escape(struct buf *out, const char *s, size_t n);
int	gourl_path_escape(struct buf *out, const char *s, size_t n);

/*
 * unescape(s[0..n), mode): checks s first; on a bad escape, or a byte a
 * host may not hold, fails with Go's text ("invalid URL escape \"%zz\"",
 * "invalid character \" \" in host name") and leaves out alone.  Else
 * appends the decoded bytes to out (out may be NULL: check only).  '+'
 * is a space in GOURL_ENC_QUERY_COMPONENT only.
 */
int	gourl_unescape(struct buf *out, const char *s, size_t n,
	    enum gourl_enc mode, struct ad_err *err);

/* unescape into a new string (owned), or NULL with err set. */
char	*gourl_unescape_dup(const char *s, size_t n, enum gourl_enc mode,
	    struct ad_err *err);

/* url.Values: pairs in insertion order (the strings are owned). */
struct gourl_values {
	char	**k, **v;
	size_t	  n;
};
void	gourl_values_init(struct gourl_values *q);
void	gourl_values_release(struct gourl_values *q);
void	gourl_values_add(struct gourl_values *q, const char *k,
	    const char *v);
/* Add with the value v[0..vn). */
void	gourl_values_addn(struct gourl_values *q, const char *k,
	    const char *v, size_t vn);
/* Get: the first value of k (borrowed), NULL when there is none. */
const char *gourl_values_get(const struct gourl_values *q, const char *k);
/* Set: replaces every value of k by v. */
void	gourl_values_set(struct gourl_values *q, const char *k,
	    const char *v);
/*
 * url.ParseQuery, keeping what parses (as URL.Query() does): pairs with
 * a bad escape or a ';' (Go 1.17 and later) are skipped.
 */
void	gourl_values_parse(struct gourl_values *q, const char *raw);
/* Encode: "k=v&..." sorted by key (stable), QueryEscape'd. */
void	gourl_values_encode(const struct gourl_values *q, struct buf *out);

/* A parsed URL; every string owned, released by gourl_release. */
struct gourl {
	char	*scheme;	/* lower-cased; "" when absent */
	char	*user;		/* decoded; NULL when absent */
	char	*password;	/* decoded; NULL when absent */
	char	*host;		/* decoded host[:port], "" when absent */
	char	*path;		/* decoded path, "" when absent */
	char	*raw_query;	/* after '?'; NULL when there is no '?' */
	char	*fragment;	/* decoded; NULL when there is no '#' */
	bool	 opaque;	/* "scheme:opaque" (no '/'): path is "" */
};

/*
 * url.Parse(s) and url.ParseRequestURI(s[0..n)): fill u (release with
 * gourl_release) or fail with Go's *url.Error text, "parse \"s\": why".
 * u may be NULL (check only).
 */
int	gourl_parse(const char *s, struct gourl *u, struct ad_err *err);
int	gourl_parse_request_uri(const char *s, size_t n, struct gourl *u,
	    struct ad_err *err);
void	gourl_release(struct gourl *u);

#endif
