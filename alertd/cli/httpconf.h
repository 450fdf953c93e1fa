/*
 * httpconf: Prometheus' http_config (prometheus/common/config
 * HTTPClientConfig) as amtool's --http.config.file reads it, for alertctl's
 * client: strict YAML (unknown fields fail), the same validation messages
 * ("at most one of basic_auth, oauth2 & authorization must be
 * configured"), bearer_token folded into authorization, file names made
 * absolute.  Secrets stay in memory only.  Thread: main only.
 */
#ifndef ALERTD_CLI_HTTPCONF_H
#define ALERTD_CLI_HTTPCONF_H

#include <stdbool.h>

struct ad_err;

struct httpconf {
	char	*basic_user, *basic_password, *basic_password_file;
	bool	 basic_auth;
	char	*auth_type, *auth_credentials, *auth_credentials_file;
	bool	 authorization;
	char	*proxy_url;
	char	*ca_file, *cert_file, *key_file, *server_name;
	char	*min_version, *max_version;
	bool	 insecure_skip_verify;
	bool	 follow_redirects;	/* default true */
	bool	 enable_http2;		/* default true */
	bool	 oauth2;
};

/*
 * Loads path.  dir is where relative file names are anchored (amtool: the
 * parent of the file's directory).  Returns 0 or -1.
 */
int	httpconf_load(struct httpconf *hc, const char *path, struct ad_err *err);
void	httpconf_release(struct httpconf *hc);

#endif
