/*
 * gourl: the parts of Go's net/url.Parse that amtool's --alertmanager.url
 * goes through: the same accepted inputs, the same error texts
 * ("parse \"http://[::1\": missing ']' in host"), and the pieces amtool
 * then uses (scheme, user info, host, path).  Thread: any.
 */
#ifndef ALERTD_CLI_GOURL_H
#define ALERTD_CLI_GOURL_H

#include <stdbool.h>

struct ad_err;

struct gourl {
	char	*scheme;	/* lower-cased; "" when absent */
	char	*user;		/* decoded; NULL when absent */
	char	*password;	/* decoded; NULL when absent */
	char	*host;		/* host[:port], "" when absent */
	char	*path;		/* decoded path, "" when absent */
	char	*raw_query;
	bool	 opaque;	/* "scheme:opaque" (no //) */
};

/* url.Parse(s).  Fills u (release with gourl_release) or fails. */
int	gourl_parse(const char *s, struct gourl *u, struct ad_err *err);
void	gourl_release(struct gourl *u);

#endif
