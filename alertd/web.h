/*
 * web: the embedded web UI.  contrib/embed-ui.sh compiles the files of
 * alertd/ui/ into web_assets[] (terminated by a NULL path).
 */
#ifndef ALERTD_ALERTD_WEB_H
#define ALERTD_ALERTD_WEB_H

#include <stddef.h>

struct web_asset {
	const char		*path;		/* "/index.html" */
	const char		*content_type;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct web_asset web_assets[];

/* The asset served at path ("/" is "/index.html"), or NULL. */
const struct web_asset *web_asset_find(const char *path);

#endif
