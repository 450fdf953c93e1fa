/*
 * amtool's one error for a config that does not load (see cfgerr.h).
 * alertd's loader reports every error, in document order, each with its
 * place; from those this picks what yaml.v2 and config.Load would have
 * stopped at: the first check of a decoded object without type errors
 * inside it, else every type error grouped as yaml.v2 groups them, else
 * the first of the config-wide checks.
 */
#include "alertd/cli/cfgerr.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"

/* yaml.v2's decoder.terrors. */
static bool
is_type_error(const char *msg)
{
	if (strncmp(msg, "cannot unmarshal ", 17) == 0)
		return true;
	if (strncmp(msg, "field ", 6) == 0 &&
	    (strstr(msg, " not found in type ") != NULL ||
	    strstr(msg, " already set in type ") != NULL))
		return true;
	return strncmp(msg, "key ", 4) == 0 &&
	    strstr(msg, " already set in map") != NULL;
}

/* Checks of Config.UnmarshalYAML after the decode, and of config.Load. */
static bool
is_config_check(const char *msg)
{
	static const char *const prefixes[] = {
		"at most one of slack_api_url & ",
		"at most one of opsgenie_api_key & ",
		"at most one of victorops_api_key & ",
		"at most one of smtp_auth_password & ",
		"notification config name ",
		"no global ",
		"no discord webhook URL provided",
		"no routes provided",
		"no route provided in config",
		"cannot have continue in root route",
		"root route must ",
		"undefined receiver ",
		"undefined time interval ",
		NULL
	};
	static const char	unique[] = " is not unique";
	size_t			i, n = strlen(msg);

	for (i = 0; prefixes[i] != NULL; i++)
		if (strncmp(msg, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	if (n < sizeof(unique) - 1 ||
	    strcmp(msg + n - (sizeof(unique) - 1), unique) != 0)
		return false;
	return strncmp(msg, "mute time interval \"", 20) == 0 ||
	    strncmp(msg, "time interval \"", 15) == 0;
}

/* where is "file:line:col: path", "file:line:col" or "file". */
static const char *
where_rest(const char *where, const char *file)
{
	size_t	n = strlen(file);

	if (strncmp(where, file, n) == 0 && where[n] == ':')
		return where + n + 1;
	return NULL;
}

static int
where_line(const char *where, const char *file)
{
	const char	*p = where_rest(where, file);

	return p != NULL ? (int)strtol(p, NULL, 10) : 0;
}

static const char *
where_path(const char *where, const char *file)
{
	const char	*p = where_rest(where, file), *sep;

	if (p == NULL)
		return "";
	sep = strstr(p, ": ");
	return sep != NULL ? sep + 2 : "";
}

/* Is path inside (or equal to) the object at prefix? */
static bool
path_within(const char *path, const char *prefix)
{
	size_t	n = strlen(prefix);

	if (n == 0)
		return true;
	return strncmp(path, prefix, n) == 0 &&
	    (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

/* Did the object of errs->v[k] have a type error inside it? */
static bool
blocked(const struct ad_errs *errs, size_t k, const char *file)
{
	const char	*at = where_path(errs->v[k].where, file);
	size_t		 i;

	for (i = 0; i < errs->n; i++)
		if (is_type_error(errs->v[i].msg) &&
		    path_within(where_path(errs->v[i].where, file), at))
			return true;
	return false;
}

void
cfgerr_message(const struct ad_errs *errs, const char *file,
    struct buf *out)
{
	const struct ad_err	*e;
	size_t			 i;
	bool			 typed = false;

	for (i = 0; i < errs->n; i++) {
		e = &errs->v[i];
		if (is_type_error(e->msg)) {
			typed = true;
			continue;
		}
		if (!is_config_check(e->msg) && !blocked(errs, i, file)) {
			buf_addstr(out, e->msg);
			return;
		}
	}
	if (!typed) {
		buf_addstr(out, errs->n > 0 ? errs->v[0].msg : "");
		return;
	}
	buf_addstr(out, "yaml: unmarshal errors:");
	for (i = 0; i < errs->n; i++) {
		e = &errs->v[i];
		if (is_type_error(e->msg))
			buf_addf(out, "\n  line %d: %s",
			    where_line(e->where, file), e->msg);
	}
}
