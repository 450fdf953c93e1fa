/*
 * nhttp: prometheus/common's HTTPClientConfig (http_config) on a libcurl
 * easy handle, as Alertmanager's notifiers use it:
 *  - basic_auth (password or password_file, read per request and
 *    trimmed, as basicAuthRoundTripper does), authorization (type default
 *    "Bearer", credentials or credentials_file), bearer_token(_file);
 *    each sets Authorization only if the request has none yet;
 *  - oauth2 client credentials with a token cache (tokens reused until
 *    10 s before expiry, as golang.org/x/oauth2; client credentials sent
 *    in the header first, then in the form if that fails, remembered per
 *    token URL: oauth2's AuthStyleAutoDetect);
 *  - tls_config: ca_file, cert_file, key_file, server_name (SNI and the
 *    name verified: the URL's host is replaced by it and the connection
 *    still goes to the real host, with the real Host header),
 *    insecure_skip_verify, min_version (default TLS 1.2, Go's client
 *    default) and max_version;
 *  - proxy_url (no proxy at all when unset: like Go's http.ProxyURL(nil),
 *    the http_proxy environment variables are ignored), follow_redirects
 *    (at most 10, Go's limit), enable_http2.
 *
 * Thread: notify only.  One struct nhttp per notify thread holds the
 * token cache; config_http structs are borrowed for the call.
 */
#ifndef ALERTD_NOTIFIERS_NHTTP_H
#define ALERTD_NOTIFIERS_NHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_err;
struct buf;
struct config_http;
struct curl_slist;
struct notify_job;
struct nhttp;
struct nhttp_token;

struct nhttp	*nhttp_new(const char *user_agent);	/* copies it */
void		 nhttp_free(struct nhttp *h);		/* NULL is fine */

/*
 * The curl_slists a transfer needs (they must outlive it; the caller
 * frees them): request headers (the caller's first), CONNECT_TO, and
 * headers for the proxy (proxy_connect_header).
 */
enum { NHTTP_LIST_HEADERS, NHTTP_LIST_CONNECT_TO, NHTTP_LIST_PROXY,
	NHTTP_LISTS };

/*
 * Sets on the easy handle every option that c (NULL: defaults) asks for
 * a request to url: TLS, proxy, redirects, HTTP version, the URL itself
 * (server_name may rewrite it), and adds to lists what it needs
 * (Authorization unless has_auth, Host and CONNECT_TO for server_name,
 * proxy headers).  oauth2_header is the "Bearer <token>" value to send
 * when c has oauth2 (from nhttp_token_header).  Returns 0, or -1 with
 * err (a secret file that cannot be read).
 */
int		 nhttp_apply(struct nhttp *h, void *easy,
		    const struct config_http *c, const char *url,
		    bool has_auth, const char *oauth2_header,
		    struct curl_slist *lists[NHTTP_LISTS], struct ad_err *err);

/*
 * The URL and tls_config of an SMTP request (t may be NULL: verification
 * against the system CAs, TLS 1.2 or later); server_name as for HTTPS.
 */
struct config_tls;
int		 nhttp_apply_smtp(void *easy, const struct config_tls *t,
		    const char *url, struct curl_slist *lists[NHTTP_LISTS],
		    struct ad_err *err);

/* OAuth2 client-credentials tokens. */
enum nhttp_token_state {
	NHTTP_TOKEN_READY,	/* nhttp_token_header is valid */
	NHTTP_TOKEN_PENDING,	/* a fetch is in flight: wait for it */
	NHTTP_TOKEN_STALE	/* start a fetch (nhttp_token_fetch_setup) */
};

/*
 * The cache entry for c's oauth2 section (c->oauth2), created on
 * first use; the key is the section's content (a changed client secret
 * file makes a new entry, as oauth2RoundTripper re-creates its source).
 * NULL with err when the secret file cannot be read.
 */
struct nhttp_token *nhttp_token_lookup(struct nhttp *h,
		    const struct config_http *c, struct ad_err *err);
enum nhttp_token_state nhttp_token_state(const struct nhttp_token *t,
		    int64_t mono_now);
const char	*nhttp_token_header(const struct nhttp_token *t);
/* Jobs waiting for this token (a list threaded through job->next_). */
struct notify_job **nhttp_token_waiters(struct nhttp_token *t);
/* The error of the last failed fetch (valid until the next one). */
const struct ad_err *nhttp_token_error(const struct nhttp_token *t);

/*
 * Configures easy (reset, owned by the caller) as the token request and
 * marks the token PENDING.  timeout: for the whole request.
 */
int		 nhttp_token_fetch_setup(struct nhttp *h, struct nhttp_token *t,
		    void *easy, ad_dur_t timeout, struct ad_err *err);
/*
 * The token request on easy finished with curl_code.  Returns
 * NHTTP_TOKEN_READY (cached), NHTTP_TOKEN_STALE (try again at once:
 * the header auth style failed, the form style is next), or -1 with err
 * (oauth2's wording: "oauth2: cannot fetch token: 401 Unauthorized
 * Response: ...").
 */
int		 nhttp_token_fetch_done(struct nhttp *h, struct nhttp_token *t,
		    void *easy, int curl_code, int64_t mono_now,
		    struct ad_err *err);

/* Helpers shared with the tests. */
void		 nhttp_base64(struct buf *out, const void *data, size_t len);
/* Reads a small secret file and trims it as strings.TrimSpace. */
char		*nhttp_read_secret_file(const char *path, const char *what,
		    struct ad_err *err);

#endif
