/*
 * libFuzzer target for the matcher parsers (classic, UTF-8, fallback) and
 * the Go regex parser/translator.  The input is split at the first NUL:
 * before it a pattern or matcher text, after it a subject to match.
 * Any input must neither crash nor leak; results are also checked for
 * consistency (a parsed list prints and re-parses in the UTF-8 syntax).
 *
 *	make fuzz	(clang -fsanitize=fuzzer,address,undefined)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "routing/regex.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_regex(const char *pat, size_t plen, const char *subj, size_t slen)
{
	struct regex	*re;
	struct ad_err	 err;
	int		 rc;

	rc = regex_check(pat, plen, &err);
	re = regex_compile(pat, plen, &err);
	/* The syntax check and the compiler agree, except for patterns
	 * only PCRE2's limits refuse. */
	if (rc == -1 && re != NULL)
		abort();
	if (re != NULL) {
		regex_match(re, subj, slen);
		regex_match(re, pat, plen);
		regex_unref(re);
	}
}

static void
fuzz_list(enum matcher_parse_mode mode, const char *s, const char *subj)
{
	struct matchers	 ms, again;
	struct labels	*ls;
	struct ad_err	 err;
	struct buf	 b;

	matchers_init(&ms);
	if (matchers_parse_with(mode, s, &ms, &err) == -1) {
		if (ms.n != 0)
			abort();
		return;
	}
	matchers_sort(&ms);
	buf_init(&b, BUF_NOCAP);
	matchers_string(&ms, &b);
	ls = labels_empty();
	matchers_match(&ms, ls);
	if (ms.n > 0)
		matcher_matches(ms.v[0], subj);
	/* String() output is valid UTF-8-syntax input for the same list
	 * whenever the values are valid UTF-8. */
	matchers_init(&again);
	if (mode == MATCHER_PARSE_UTF8 &&
	    matchers_parse_with(MATCHER_PARSE_UTF8, buf_str(&b), &again,
	    &err) == 0 && again.n != ms.n)
		abort();
	matchers_release(&again);
	buf_release(&b);
	matchers_release(&ms);
}

static void
fuzz_one(enum matcher_parse_mode mode, const char *s)
{
	struct matcher	*m, *d;
	struct ad_err	 err;
	struct buf	 b;

	m = matcher_parse_with(mode, s, &err);
	if (m == NULL)
		return;
	d = matcher_dup(m);
	buf_init(&b, BUF_NOCAP);
	matcher_string(d, &b);
	if (matcher_cmp(m, d) != 0)
		abort();
	matcher_matches(d, s);
	buf_release(&b);
	matcher_free(d);
	matcher_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	const char	*nul;
	char		*s, *subj;
	size_t		 plen;

	if (!init) {
		log_init(LOG_ERROR, LOG_LOGFMT);
		init = 1;
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nul = memchr(s, '\0', size);
	plen = nul != NULL ? (size_t)(nul - s) : size;
	subj = nul != NULL ? s + plen + 1 : s + size;
	fuzz_regex(s, plen, subj, size - plen - (nul != NULL));
	fuzz_list(MATCHER_PARSE_CLASSIC, s, subj);
	fuzz_list(MATCHER_PARSE_UTF8, s, subj);
	fuzz_list(MATCHER_PARSE_FALLBACK, s, subj);
	fuzz_one(MATCHER_PARSE_CLASSIC, s);
	fuzz_one(MATCHER_PARSE_UTF8, s);
	fuzz_one(MATCHER_PARSE_FALLBACK, s);
	free(s);
	return 0;
}
