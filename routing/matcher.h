/*
 * matcher: label matchers as Alertmanager's pkg/labels (=, !=, =~, !~).
 *
 * A regex matcher is anchored as Alertmanager anchors it, "^(?:re)$", and
 * compiled with PCRE2 (JIT where available).  Patterns that Go's RE2
 * rejects (backreferences, lookaround, possessive quantifiers, ...) are
 * rejected here too, so a config that loads in alertd loads in
 * Alertmanager; see matcher.c for the PCRE2/RE2 differences that remain.
 *
 * A label that is absent matches as the empty string (Alertmanager's
 * semantics: {foo=""} matches alerts without foo).
 *
 * Matchers are immutable after creation and may be used from any thread
 * concurrently (matching uses per-thread match data).  Thread: any.
 */
#ifndef ALERTD_ROUTING_MATCHER_H
#define ALERTD_ROUTING_MATCHER_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;
struct buf;
struct labels;

enum matcher_type {
	MATCH_EQ,	/* = */
	MATCH_NE,	/* != */
	MATCH_RE,	/* =~ */
	MATCH_NRE	/* !~ */
};

struct matcher;		/* opaque */

/*
 * labels.NewMatcher: errors for an invalid regex carry Go's wording where
 * it matters for config errors ("error parsing regexp: ...").
 */
struct matcher	*matcher_new(enum matcher_type type, const char *name,
		    const char *value, struct ad_err *err);
void		 matcher_free(struct matcher *m);	/* NULL is fine */
struct matcher	*matcher_dup(const struct matcher *m);

enum matcher_type matcher_type(const struct matcher *m);
const char	*matcher_name(const struct matcher *m);
const char	*matcher_value(const struct matcher *m);
/* "=", "!=", "=~", "!~" */
const char	*matcher_type_str(enum matcher_type t);

/* Does value (NULL = absent = "") match? */
bool		 matcher_matches(const struct matcher *m, const char *value);

/* Matcher.String(): name, operator, value in double quotes (OpenMetrics
 * escaping of \, newline, "). */
int		 matcher_string(const struct matcher *m, struct buf *out);

/* A list of matchers; all must match. */
struct matchers {
	struct matcher	**v;
	size_t		  n;
};

void	matchers_init(struct matchers *ms);
void	matchers_release(struct matchers *ms);		/* frees the matchers */
/* Takes ownership of m. */
void	matchers_add(struct matchers *ms, struct matcher *m);
/* Sorts as labels.Matchers sorts (name, then type, then value). */
void	matchers_sort(struct matchers *ms);
bool	matchers_match(const struct matchers *ms, const struct labels *ls);
/* Matchers.String(): "{a=\"b\",c=~\"d\"}" as Alertmanager prints it. */
int	matchers_string(const struct matchers *ms, struct buf *out);

/*
 * Parsers.  The input syntax is chosen by matcher_parse_mode:
 *   MATCHER_PARSE_CLASSIC  pkg/labels.ParseMatchers of 0.25 (amtool, the
 *                          `matchers:` config fields);
 *   MATCHER_PARSE_UTF8     the stricter UTF-8 parser of 0.27+;
 *   MATCHER_PARSE_FALLBACK 0.27+'s default: UTF-8 first, classic on error.
 * Each returns 0 or -1 with Alertmanager's error text.
 */
enum matcher_parse_mode {
	MATCHER_PARSE_CLASSIC,
	MATCHER_PARSE_UTF8,
	MATCHER_PARSE_FALLBACK
};
extern enum matcher_parse_mode matcher_parse_mode;	/* set at startup */

/* One matcher: `foo="bar"`, `foo=~"a|b"`, `foo!=bar`. */
struct matcher	*matcher_parse(const char *s, struct ad_err *err);
/* A list: `{foo="bar",baz!~"x"}` or without braces; appended to *out. */
int		 matchers_parse(const char *s, struct matchers *out,
		    struct ad_err *err);

#endif
