/*
 * web_config: --web.config.file, the Prometheus exporter-toolkit web
 * configuration Alertmanager 0.25 reads (exporter-toolkit 0.8):
 *
 *	tls_server_config:	cert_file, key_file, client_auth_type,
 *				client_ca_file, min_version, max_version,
 *				cipher_suites, curve_preferences,
 *				prefer_server_cipher_suites
 *	http_server_config:	http2, headers
 *	basic_auth_users:	user: bcrypt hash
 *
 * Loading is exporter-toolkit's getConfig (yaml.v2 UnmarshalStrict with
 * its defaults, the header checks, relative paths joined with the file's
 * directory) and start-up is its Serve: every error text is the one
 * Alertmanager logs as "Listen error" (web_config_validate).
 *
 * Reload, as exporter-toolkit: the file is read again for every request
 * (basic auth users, headers; a file that no longer parses answers 500)
 * and for every TLS connection (certificate, key, client CAs, client
 * auth, versions, ciphers, curves; a broken file fails the handshake).
 * alertd re-reads only when stat(2) of a file changed (device, inode,
 * size, mtime, ctime), which is what reading it every time observes.
 * SIGHUP and /-/reload do not touch it, as in Alertmanager.  Whether the
 * server speaks TLS at all is decided at start-up, as Serve decides.
 *
 * Basic auth is exporter-toolkit's: bcrypt hashes ($2a$, $2b$, $2y$)
 * checked with libcrypt, one check at a time, an unknown user checked
 * against a dummy hash (no user enumeration by timing), results cached
 * (100 entries, random eviction) under an HMAC of user, hash and password
 * so that no password is kept in memory; a refusal is 401 with
 * "WWW-Authenticate: Basic".
 *
 * Threads: a watch is shared by every MHD thread (its own lock); a
 * struct web_config is immutable and refcounted.
 */
#ifndef ALERTD_ALERTD_WEB_CONFIG_H
#define ALERTD_ALERTD_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;
struct config_kv;
struct MHD_OptionItem;
struct MHD_Connection;

struct web_config;		/* one reading of the file */
struct web_config_watch;	/* the file, re-read when it changes */

/*
 * getConfig: reads and parses path.  NULL with err (exporter-toolkit's
 * text: "open f: no such file or directory", "yaml: unmarshal errors:\n
 * line 2: field x not found in type web.TLSConfig", "unknown cipher: x",
 * "HTTP header \"X\" can not be configured", ...).  Thread: any.
 */
struct web_config *web_config_load(const char *path, struct ad_err *err);
struct web_config *web_config_ref(struct web_config *c);
void		 web_config_unref(struct web_config *c);	/* NULL: ok */

/* Whether tls_server_config enables TLS (any of its four paths set). */
bool		 web_config_tls(const struct web_config *c);
/* http_server_config.http2 (default true; alertd serves HTTP/1.1 only). */
bool		 web_config_http2(const struct web_config *c);
/* http_server_config.headers, in file order (borrowed). */
const struct config_kv *web_config_headers(const struct web_config *c,
		    size_t *n);

/*
 * Serve's start-up checks, in its order: the users' bcrypt hashes, the
 * file, then the TLS settings (certificate and key loaded and matched,
 * client CA file read, client auth policy, HTTP/2's cipher requirement).
 * Fills *tls.  Thread: main.
 */
int		 web_config_validate(const char *path, bool *tls,
		    struct ad_err *err);

/* After web_config_validate succeeded.  Thread: main. */
struct web_config_watch *web_config_watch_new(const char *path);
void		 web_config_watch_free(struct web_config_watch *w);

/*
 * The current config (a new reference), read again if the file changed,
 * or NULL with err (the request then answers 500).  Thread: any.
 */
struct web_config *web_config_watch_get(struct web_config_watch *w,
		    struct ad_err *err);

/*
 * exporter-toolkit's basic auth for one request under c: true when c has
 * no users, or authorization (the Authorization header, NULL if absent)
 * is "Basic" with a known user and the password its hash was made from.
 * May run bcrypt (tens of ms).  Thread: any.
 */
bool		 web_config_authorized(struct web_config_watch *w,
		    const struct web_config *c, const char *authorization);

/*
 * TLS for an MHD daemon: fills opts (room for WEB_CONFIG_MHD_OPTIONS)
 * with the certificate and key for MHD's start and the per-connection
 * hook that applies the current TLS settings to each new connection;
 * returns how many were filled, or -1 with err if the TLS settings do
 * not load now.  The daemon needs MHD_USE_TLS.  Thread: main.
 */
#define WEB_CONFIG_MHD_OPTIONS	4
int		 web_config_mhd_options(struct web_config_watch *w,
		    struct MHD_OptionItem *opts, struct ad_err *err);

#endif
