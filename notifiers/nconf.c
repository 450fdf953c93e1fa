/*
 * nconf: shared helpers of the integrations' configuration code.
 */
#include "notifiers/nconf.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/xmalloc.h"

bool
nconf_nz(const char *s)
{
	return s != NULL && s[0] != '\0';
}

bool
nconf_default(char **dst, const char *src)
{
	if (*dst == NULL && src != NULL)
		*dst = xstrdup(src);
	return *dst != NULL;
}

void
nconf_url_slash(char **url)
{
	char	*u = *url;

	if (u == NULL)
		return;
	*url = config_url_add_slash(u);
	free(u);
}

void
nconf_file_default(struct config_file *dst, const struct config_file *src)
{
	if (src->path != NULL && dst->path == NULL)
		dst->path = xstrdup(src->path);
	if (src->data != NULL && dst->data == NULL)
		dst->data = xstrdup(src->data);
}
