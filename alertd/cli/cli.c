/*
 * Helpers shared by alertctl's commands (see cli.h): error reporting in
 * amtool's words, the API client with amtool's version check, and the
 * matcher conventions of amtool's arguments.
 */
#include "alertd/cli/cli.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "routing/matcher.h"

struct cli *
cli_of(struct args_ctx *ctx)
{
	return ctx->user;
}

int
cli_error(const struct cli *c, const struct ad_err *err)
{
	if (err != NULL && strcmp(err->where, CLI_FATAL) == 0)
		return cli_fatal(c, err);
	fflush(stdout);
	fprintf(stderr, "%s: error: %s\n\n", c->prog,
	    err != NULL && err->msg[0] != '\0' ? err->msg : "failed");
	return 1;
}

int
cli_fatal(const struct cli *c, const struct ad_err *err)
{
	fflush(stdout);
	fprintf(stderr, "%s: error: %s\n", c->prog,
	    err != NULL && err->msg[0] != '\0' ? err->msg : "failed");
	return 1;
}

int
cli_errorf(const struct cli *c, const char *fmt, ...)
{
	struct ad_err	err = { 0 };
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	return cli_error(c, &err);
}

void
cli_print(const struct buf *b)
{
	fwrite(buf_str(b), 1, buf_len(b), stdout);
	fflush(stdout);
}

/* golang.org/x/mod/semver.MajorMinor("v" + v): "" when not semver. */
static void
major_minor(const char *v, char *out, size_t n)
{
	const char	*p = v, *maj, *min = NULL;
	size_t		 lmaj, lmin = 0;

	out[0] = '\0';
	maj = p;
	while (isdigit((unsigned char)*p))
		p++;
	lmaj = (size_t)(p - maj);
	if (lmaj == 0 || (lmaj > 1 && maj[0] == '0'))
		return;
	if (*p == '.') {
		min = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		lmin = (size_t)(p - min);
		if (lmin == 0 || (lmin > 1 && min[0] == '0'))
			return;
		if (*p == '.') {
			const char *pat = ++p;

			while (isdigit((unsigned char)*p))
				p++;
			if (p == pat || (p - pat > 1 && pat[0] == '0'))
				return;
			if (*p == '-' || *p == '+')
				p += strlen(p);
		}
	}
	if (*p != '\0')
		return;
	snprintf(out, n, "v%.*s.%.*s", (int)lmaj, maj,
	    min != NULL ? (int)lmin : 1, min != NULL ? min : "0");
}

static void
version_check(const struct cli *c, struct client *cl)
{
	json_t		*st = NULL;
	const char	*v;
	char		 ours[32], theirs[32];

	if (client_do(cl, "GET", "/status", NULL, &st, NULL) == -1)
		return;
	v = json_string_value(json_object_get(json_object_get(st,
	    "versionInfo"), "version"));
	if (v != NULL) {
		major_minor(ALERTCTL_VERSION, ours, sizeof(ours));
		major_minor(v, theirs, sizeof(theirs));
		if (strcmp(ours, theirs) != 0)
			fprintf(stderr, "Warning: %s version (%s) and "
			    "alertmanager version (%s) are different.\n",
			    c->prog, ALERTCTL_VERSION, v);
	}
	json_decref(st);
}

struct client *
cli_client(struct cli *c, struct ad_err *err)
{
	struct client	*cl = client_new(&c->copts, err);

	if (cl == NULL) {
		/* amtool exits through kingpin.Fatalf here. */
		snprintf(err->where, sizeof(err->where), "%s", CLI_FATAL);
		return NULL;
	}
	if (c->version_check)
		version_check(c, cl);
	return cl;
}

struct matcher *
cli_parse_matcher(const char *s, struct ad_err *err)
{
	return matcher_parse(s, err);
}

char *
cli_fix_first(const char *first)
{
	struct matcher	*m = matcher_parse(first, NULL);

	if (m != NULL) {
		matcher_free(m);
		return NULL;
	}
	return xasprintf("alertname=%s", first);
}

/* pkg/labels' openMetricsEscape: \ newline " only. */
static void
om_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_addstr(out, "\\\\");
		else if (*s == '\n')
			buf_addstr(out, "\\n");
		else if (*s == '"')
			buf_addstr(out, "\\\"");
		else
			buf_addch(out, *s);
	}
}

/*
 * Formats the API's matcher without compiling it (matcher_string() needs
 * a compiled matcher, and a display must not fail on a server's regex).
 * A missing isEqual means true: older servers did not send it.
 */
void
cli_matcher_string(struct buf *out, json_t *m)
{
	json_t		*eq = json_object_get(m, "isEqual");
	bool		 is_eq = eq == NULL || json_is_null(eq) ||
			    json_is_true(eq);
	bool		 is_re = json_is_true(json_object_get(m, "isRegex"));
	const char	*name = json_string_value(json_object_get(m, "name"));
	const char	*value = json_string_value(json_object_get(m,
			    "value"));

	buf_addstr(out, name != NULL ? name : "");
	buf_addstr(out, is_re ? (is_eq ? "=~" : "!~") : (is_eq ? "=" : "!="));
	buf_addch(out, '"');
	om_escape(out, value != NULL ? value : "");
	buf_addch(out, '"');
}
