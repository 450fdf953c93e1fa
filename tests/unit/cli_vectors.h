/*
 * Helpers for alertctl's unit tests (check_cli_*.c): loading the
 * Go-derived vectors of tests/data/cli/ (see tests/data/cli/README.md).
 *
 * The check_cli_*.c files compile alertd/cli/<module>.c into themselves
 * (the binary's objects are not in libalertd.a), one module per file, so
 * that their static helpers are testable and no symbol is defined twice.
 */
#ifndef TESTS_UNIT_CLI_VECTORS_H
#define TESTS_UNIT_CLI_VECTORS_H

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static inline json_t *
cli_vectors(const char *name)
{
	char		path[256];
	json_error_t	jerr;
	json_t		*v;

	snprintf(path, sizeof(path), "tests/data/cli/%s", name);
	v = json_load_file(path, JSON_ALLOW_NUL, &jerr);
	ck_assert_msg(v != NULL, "%s: %s", path, jerr.text);
	ck_assert(json_is_array(v));
	return v;
}

static inline const char *
cli_vstr(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s != NULL, "vector without %s", key);
	return s;
}

/* Decodes a hex string; the result is NUL-terminated; caller frees. */
static inline char *
cli_unhex(const char *hex, size_t *len)
{
	size_t	n = strlen(hex) / 2, i;
	char	*out = malloc(n + 1);
	unsigned int v;

	for (i = 0; i < n; i++) {
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (char)v;
	}
	out[n] = '\0';
	*len = n;
	return out;
}

#endif
