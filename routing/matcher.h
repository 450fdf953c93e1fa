/*
 * matcher: label matchers as Alertmanager's pkg/labels (=, !=, =~, !~).
 *
 * A regex matcher is anchored as Alertmanager anchors it, "^(?:re)$", and
 * compiled by routing/regex (Go's RE2 syntax checked by our own parser,
 * Go's error texts, PCRE2 underneath, JIT where available).  Patterns
 * that Go rejects (backreferences, lookaround, possessive quantifiers, ...)
 * are rejected here too, so a config that loads in alertd loads in
 * Alertmanager; see regex.c for the PCRE2/RE2 differences that remain.
 *
 * A label that is absent matches as the empty string (Alertmanager's
 * semantics: {foo=""} matches alerts without foo).
 *
 * Matchers are immutable after creation and may be used from any thread
 * concurrently (regex matching keeps per-thread PCRE2 match data).
 * matcher_parse_mode is set once at startup, before threads.  Thread: any.
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
 * labels.NewMatcher: copies name and value; a regex value is compiled as
 * "^(?:value)$".  An invalid regex fails with Go's regexp error text, e.g.
 * "error parsing regexp: missing closing ): `^(?:(a)$`" (AD_EINVAL): this
 * is also what Alertmanager reports for an invalid `match_re`.  The name
 * is not validated (callers check it as their context requires).
 */
struct matcher	*matcher_new(enum matcher_type type, const char *name,
		    const char *value, struct ad_err *err);
/*
 * The same for a matcher checked before (a stored silence's): nothing is
 * checked or compiled now, a regex is compiled at its first match (see
 * regex_new_lazy).  Should the regex turn out invalid, the matcher
 * matches nothing, =~ and !~ alike.  Never fails.
 */
struct matcher	*matcher_new_trusted(enum matcher_type type, const char *name,
		    const char *value);
void		 matcher_free(struct matcher *m);	/* NULL is fine */
/* A copy; the compiled regex is shared (refcounted), so this is cheap. */
struct matcher	*matcher_dup(const struct matcher *m);

enum matcher_type matcher_type(const struct matcher *m);
const char	*matcher_name(const struct matcher *m);	/* borrowed */
const char	*matcher_value(const struct matcher *m);	/* as given */
/* "=", "!=", "=~", "!~" */
const char	*matcher_type_str(enum matcher_type t);

/* Does value (NULL = absent = "") match?  Hot path: no allocation. */
bool		 matcher_matches(const struct matcher *m, const char *value);

/*
 * Matcher.String(): name, operator, value in double quotes with
 * OpenMetrics escaping of \, newline and " (`foo=~"a|b"`).  A name that
 * contains a space or one of {}!=~,\"'` (possible only with the UTF-8
 * parser) is printed as Alertmanager 0.27+ does: name and value in Go %q
 * form.  Returns 0, or -1 if out is full.
 */
int		 matcher_string(const struct matcher *m, struct buf *out);
/* labels.Matchers.Less: by name, then value, then type (= != =~ !~). */
int		 matcher_cmp(const struct matcher *a, const struct matcher *b);

/* A list of matchers; all must match. */
struct matchers {
	struct matcher	**v;
	size_t		  n;
	size_t		  alloc;
};

void	matchers_init(struct matchers *ms);
void	matchers_release(struct matchers *ms);		/* frees the matchers */
/* Takes ownership of m. */
void	matchers_add(struct matchers *ms, struct matcher *m);
/* Sorts as sort.Sort(labels.Matchers) (matcher_cmp). */
void	matchers_sort(struct matchers *ms);
/* Matchers.Matches: absent labels match as "". */
bool	matchers_match(const struct matchers *ms, const struct labels *ls);
/*
 * Matchers.String(): "{a=\"b\",c=~\"d\"}", in list order (route keys,
 * `{}` for none).  Returns 0, or -1 if out is full.
 */
int	matchers_string(const struct matchers *ms, struct buf *out);

/*
 * Parsers.  The input syntax is chosen by matcher_parse_mode:
 *   MATCHER_PARSE_CLASSIC  pkg/labels.ParseMatchers/ParseMatcher of 0.25
 *                          (the default: amtool and config of 0.25);
 *   MATCHER_PARSE_UTF8     matcher/parse, the UTF-8 parser of 0.27+;
 *   MATCHER_PARSE_FALLBACK 0.27+'s default (matcher/compat): the result of
 *                          the classic parser when it accepts the input
 *                          (a warning is logged when the UTF-8 parser
 *                          rejects it or reads it differently), else the
 *                          UTF-8 parser's; both failing gives the classic
 *                          error.
 * Each fails with -1 and Alertmanager's error text (AD_EINVAL), e.g.
 * "bad matcher format: foo", "matcher value contains unescaped double
 * quote: \"a", "3:4: unexpected ,: expected label name", or a regexp
 * error ("failed to create matcher: error parsing regexp: ..." in the
 * UTF-8 syntax).
 */
enum matcher_parse_mode {
	MATCHER_PARSE_CLASSIC,
	MATCHER_PARSE_UTF8,
	MATCHER_PARSE_FALLBACK
};
extern enum matcher_parse_mode matcher_parse_mode;	/* set at startup */

/*
 * One matcher: `foo="bar"`, `foo=~"a|b"`, `foo!=bar` (ParseMatcher: no
 * braces, in the classic syntax no list; API filters, amtool arguments).
 */
struct matcher	*matcher_parse(const char *s, struct ad_err *err);
/*
 * A list: `{foo="bar",baz!~"x"}` or without braces, possibly empty (""
 * and "{}" give no matchers).  Appended to *out in input order, unsorted
 * (the config sorts after joining all lines); on error *out is unchanged.
 */
int		 matchers_parse(const char *s, struct matchers *out,
		    struct ad_err *err);
/* The same with an explicit syntax. */
struct matcher	*matcher_parse_with(enum matcher_parse_mode mode,
		    const char *s, struct ad_err *err);
int		 matchers_parse_with(enum matcher_parse_mode mode,
		    const char *s, struct matchers *out, struct ad_err *err);

/* Frees the calling thread's regex match data (else freed at its exit). */
void		 matcher_thread_cleanup(void);

#endif
