/*
 * regex: Go regular expressions (regexp.Compile, RE2 syntax) on PCRE2.
 *
 * regex_compile accepts exactly the syntax Go 1.19's regexp/syntax accepts
 * in Perl mode and fails with Go's error text ("error parsing regexp:
 * missing closing ): `(a`"), so configuration errors read as
 * Alertmanager's.  The pattern is parsed by our own RE2 parser into a tree,
 * which is then written out as an equivalent PCRE2 pattern (Go's \s, \z,
 * (?m)^, \pN, [[:word:]], \Q..\E, octal and \x{...} escapes, flag groups,
 * (?i) on classes ...) and compiled with PCRE2, JIT when available.  The
 * PCRE2 work is done at the first match, not at compilation: most
 * silence patterns are never matched against.
 *
 * Only whether a pattern matches somewhere in a string is offered (not
 * where): that is all that matchers need, and for that question
 * leftmost-first and leftmost-longest semantics agree, so non-greedy
 * operators and (?U) need no translation.  The subject is read as Go reads
 * it: an invalid UTF-8 byte is the rune U+FFFD.  Matching time is bounded
 * as in Go: when PCRE2's backtracking gives up on a pathological pattern,
 * a linear-time automaton (regex_vm.c) answers.  See regex.c for what
 * still differs from Go.
 *
 * A struct regex is immutable (apart from internal caches) and refcounted;
 * matching is safe from any number of threads at once (each thread keeps
 * its own match state).  Thread: any.
 */
#ifndef ALERTD_ROUTING_REGEX_H
#define ALERTD_ROUTING_REGEX_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;
struct buf;

struct regex;

/*
 * regexp.Compile(pattern): the pattern is used as given (callers add
 * Alertmanager's "^(?:" ... ")$" themselves).  On failure err->msg is Go's
 * err.Error() (truncated to the size of ad_err.msg), code AD_EINVAL.
 */
struct regex	*regex_compile(const char *pattern, size_t len,
		    struct ad_err *err);
/*
 * For a pattern that regex_compile accepted before (a stored silence's):
 * no check now, the pattern is parsed and compiled on its first match.
 * Should it not parse after all, it matches nothing, regex_failed says
 * so and a warning is logged.  Never fails.
 */
struct regex	*regex_new_lazy(const char *pattern, size_t len);
/* Did a lazy pattern turn out not to parse (known after a match)? */
bool		 regex_failed(const struct regex *re);
struct regex	*regex_ref(struct regex *re);
void		 regex_unref(struct regex *re);		/* NULL is fine */

/* regexp.MatchString(s): does the pattern match anywhere in s[0..len)? */
bool		 regex_match(const struct regex *re, const char *s,
		    size_t len);

/* Syntax check only (what regex_compile checks before PCRE2 is called). */
int		 regex_check(const char *pattern, size_t len,
		    struct ad_err *err);
/* The PCRE2 pattern that pattern translates to (tests, debugging). */
int		 regex_translate(const char *pattern, size_t len,
		    struct buf *out, struct ad_err *err);

/*
 * Frees the calling thread's PCRE2 match data now (it is otherwise freed
 * when the thread exits).  Optional.
 */
void		 regex_thread_cleanup(void);

#endif
