/*
 * Lookup of the embedded UI files (see web.h).
 */
#include "alertd/web.h"

#include <string.h>

const struct web_asset *
web_asset_find(const char *path)
{
	const struct web_asset	*a;

	if (strcmp(path, "/") == 0 || path[0] == '\0')
		path = "/index.html";
	for (a = web_assets; a->path != NULL; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}
