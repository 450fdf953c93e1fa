/*
 * client: alertctl's HTTP client for Alertmanager's API v2 (libcurl easy
 * interface, one request at a time, on the calling thread).
 *
 * The base URL is built as amtool builds it from --alertmanager.url: the
 * host (localhost:9093 when the URL has none), the scheme (http when
 * absent), the URL's path joined with /api/v2, basic auth from the URL's
 * user info.  --http.config.file takes Prometheus' http_config
 * (basic_auth, authorization, bearer_token[_file], tls_config,
 * proxy_url, follow_redirects); relative file names in it are resolved
 * against the directory above the file's own directory, as
 * prometheus/common 0.25 does (a known upstream quirk that existing
 * amtool setups depend on).  Every request shares one deadline: the
 * command's --timeout.  Secrets are never printed.
 *
 * Errors say what happened: the method, the URL and the server's own
 * message for an HTTP error ("POST /api/v2/silences: 400 Bad Request:
 * silence invalid: ..."), curl's words for a transport error.
 * Thread: the caller's (one client per thread).
 */
#ifndef ALERTD_CLI_CLIENT_H
#define ALERTD_CLI_CLIENT_H

#include <stdbool.h>

#include <jansson.h>

#include "alertd/timeutil.h"

struct ad_err;

struct client_opts {
	const char	*url;		/* --alertmanager.url */
	const char	*http_config;	/* --http.config.file, NULL: none */
	ad_dur_t	 timeout;	/* whole command; 0: none */
	bool		 verbose;
};

struct client;

struct client	*client_new(const struct client_opts *o, struct ad_err *err);
void		 client_free(struct client *c);		/* NULL is fine */

/*
 * One request to <base>/api/v2<path> (path includes any query string,
 * already escaped).  body (JSON text) may be NULL.  On 2xx, *out (if out
 * is not NULL) receives the decoded JSON answer (NULL for an empty body);
 * the caller decrefs it.  On an HTTP error, err->code is AD_ENOTFOUND for
 * 404 and the message carries the server's text.  Returns 0 or -1.
 */
int		 client_do(struct client *c, const char *method,
		    const char *path, const char *body, json_t **out,
		    struct ad_err *err);
/* The last response's HTTP status (0 before any, or on transport error). */
long		 client_status(const struct client *c);

/* Percent-encodes s for a query string or a path segment; caller frees. */
char		*client_escape(const char *s);

#endif
