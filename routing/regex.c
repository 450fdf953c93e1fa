/*
 * regex: Go's regexp (RE2 syntax, Go 1.19) on PCRE2.  See regex.h.
 *
 * The parser below follows Go's regexp/syntax parse loop (a stack of
 * fragments with "(" and "|" markers, literal merging, collapse of nested
 * concatenations and alternations) so that it accepts what Go accepts and
 * fails where Go fails with the same message and the same quoted
 * expression.  The tree is then written out as PCRE2 syntax that matches
 * the same strings: ^ $ become \A \z (or multiline anchors under (?m), LF
 * only), . becomes [^\n] or (?s:.), \d \s \w and POSIX classes become
 * explicit ASCII ranges (Go's \s has no \v; PCRE2's has), \pX becomes
 * \p{X} or \p{sc:X} (Go's scripts are the Script property, PCRE2's bare
 * names are Script_Extensions), Go's \p{C} has no unassigned code points,
 * (?i) is applied per literal/class, with the code points Go adds to
 * \p{Lu} & co. under (?i) listed explicitly (regex_tables.inc), captures
 * are dropped (deep nesting uses capturing groups, see emit_group),
 * surrogate code points match nothing.
 *
 * Subjects are read as Go reads them: each invalid UTF-8 byte is the rune
 * U+FFFD.  We substitute it before matching instead of compiling with
 * PCRE2_MATCH_INVALID_UTF, because that option makes an invalid byte match
 * nothing, where Go's "." and [^a] match it.
 *
 * Matching: an 8-bit PCRE2 pattern (JIT when available) with a match limit.
 * Backtracking can take exponential time where Go's automaton is linear,
 * and a silence regex comes from API users: when PCRE2 gives up, our own
 * Thompson-NFA matcher (regex_vm.c, Go's algorithm and Unicode tables)
 * answers, and keeps answering for that pattern.  A pattern too large for
 * the 8-bit library (64 KiB of code with Debian's 2-byte links, e.g. an
 * alternation of thousands of hosts) is compiled with the 32-bit library;
 * one PCRE2 refuses altogether is matched by regex_vm alone.  Literal
 * patterns, short alternations of literals ("crit|page"), ".*" and ".+"
 * skip PCRE2.
 *
 * Remaining differences from Go (documented, accepted):
 *  - Unicode tables: Go 1.19 has Unicode 13.0, PCRE2 10.42 has 14.0, so
 *    \p classes and (?i) differ on code points assigned in 14.0.
 *  - Limits: Go rejects trees nested deeper than 1000 ("expression nests
 *    too deeply") and programs over ~3.3M instructions ("regexp/syntax:
 *    internal error"), both measured on its simplified tree.  We model
 *    the simplifications that matter (literal strings, flattening, one
 *    class for an alternation of single characters) but not alternation
 *    factoring, so for size we only reject what is over the limit even
 *    without factoring.  Patterns within a few percent of these limits
 *    (about 1000 nested groups, megabyte programs) may be judged
 *    differently; Go's limit of 32M class runes is not modelled.
 *  - Error messages longer than struct ad_err's buffer are truncated.
 *  - Once PCRE2 gave up on a pattern, that pattern is matched by regex_vm
 *    (correct, linear, but slower than JIT).  A pattern whose automaton
 *    would exceed 16M instructions (far beyond Go's own limit except via
 *    alternations Go factors away) cannot fall back: "no match" and a
 *    warning logged once.
 * Not differences: \b \B are ASCII in both (no UCP); case folding of
 * literals and ranges uses Unicode simple folding in both (k K U+212A,
 * s S U+017F, the three sigmas); non-greedy operators and (?U) do not
 * change whether a pattern matches.
 */
#include "routing/regex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 0
#include <pcre2.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/regex_int.h"

/* Go's parse errors (regexp/syntax.ErrorCode). */
#define E_INTERNAL	"regexp/syntax: internal error"
#define E_CHARRANGE	"invalid character class range"
#define E_ESCAPE	"invalid escape sequence"
#define E_NAMEDCAP	"invalid named capture"
#define E_PERLOP	"invalid or unsupported Perl syntax"
#define E_REPEATOP	"invalid nested repetition operator"
#define E_REPEATSIZE	"invalid repeat count"
#define E_UTF8		"invalid UTF-8"
#define E_BRACKET	"missing closing ]"
#define E_PAREN		"missing closing )"
#define E_MISSINGARG	"missing argument to repetition operator"
#define E_BACKSLASH	"trailing backslash at end of expression"
#define E_UNEXPPAREN	"unexpected )"
#define E_NESTING	"expression nests too deeply"

/* Go's parser limits (regexp/syntax: maxHeight, maxSize, maxRunes). */
#define RE_MAX_HEIGHT	1000
#define RE_MAX_SIZE	((int64_t)(128 << 20) / 40)
#define RE_MAX_RUNES	((int64_t)(128 << 20) / 4)
#define RE_MAX_REPEAT	1000

#define RUNE_MAX	0x10ffffu
#define NOPOS		((size_t)-1)
/* Cap on the PCRE2 pattern we write (Go accepts far less than this). */
#define RE_OUT_CAP	((size_t)64 << 20)
/* Backtracking budget before the linear-time matcher takes over. */
#define RE_MATCH_LIMIT	200000
#define RE_FAST_MAX	16

struct rparser {
	const char	 *s;		/* the whole pattern */
	size_t		  n;
	unsigned	  flags;
	struct rnode	**stack;
	size_t		  nstack, astack;
	struct rnode	**all;		/* every node, freed at the end */
	size_t		  nall, aall;
	int		  ncap;
	int64_t		  nregexp, nfree;	/* Go's allocation count */
	int64_t		  nrunes;
	int64_t		  repeats;
	bool		  sizing;
	struct ad_err	 *err;
};

struct regex_fold_extra {
	const char	*name;
	const uint32_t	(*r)[2];
	size_t		 n;
};

#include "routing/regex_tables.inc"

#define NCATEGORIES	(sizeof(regex_categories) / sizeof(regex_categories[0]))
#define NSCRIPTS	(sizeof(regex_scripts) / sizeof(regex_scripts[0]))

/* Perl and POSIX groups: ASCII ranges, as Go's perl_groups.go defines. */
struct rgroup {
	const char	*name;
	bool		 neg;
	const uint32_t	(*r)[2];
	size_t		 n;
};

static const uint32_t g_digit[][2] = { { '0', '9' } };
static const uint32_t g_perlspace[][2] = { { '\t', '\n' }, { '\f', '\r' },
	{ ' ', ' ' } };
static const uint32_t g_word[][2] = { { '0', '9' }, { 'A', 'Z' },
	{ '_', '_' }, { 'a', 'z' } };
static const uint32_t g_alnum[][2] = { { '0', '9' }, { 'A', 'Z' },
	{ 'a', 'z' } };
static const uint32_t g_alpha[][2] = { { 'A', 'Z' }, { 'a', 'z' } };
static const uint32_t g_ascii[][2] = { { 0, 0x7f } };
static const uint32_t g_blank[][2] = { { '\t', '\t' }, { ' ', ' ' } };
static const uint32_t g_cntrl[][2] = { { 0, 0x1f }, { 0x7f, 0x7f } };
static const uint32_t g_graph[][2] = { { '!', '~' } };
static const uint32_t g_lower[][2] = { { 'a', 'z' } };
static const uint32_t g_print[][2] = { { ' ', '~' } };
static const uint32_t g_punct[][2] = { { '!', '/' }, { ':', '@' },
	{ '[', '`' }, { '{', '~' } };
static const uint32_t g_space[][2] = { { '\t', '\r' }, { ' ', ' ' } };
static const uint32_t g_upper[][2] = { { 'A', 'Z' } };
static const uint32_t g_xdigit[][2] = { { '0', '9' }, { 'A', 'F' },
	{ 'a', 'f' } };

#define G(name, neg, t)	{ name, neg, t, sizeof(t) / sizeof(t[0]) }
static const struct rgroup perl_groups[] = {
	G("\\d", false, g_digit), G("\\D", true, g_digit),
	G("\\s", false, g_perlspace), G("\\S", true, g_perlspace),
	G("\\w", false, g_word), G("\\W", true, g_word),
};
static const struct rgroup posix_groups[] = {
	G("[:alnum:]", false, g_alnum), G("[:^alnum:]", true, g_alnum),
	G("[:alpha:]", false, g_alpha), G("[:^alpha:]", true, g_alpha),
	G("[:ascii:]", false, g_ascii), G("[:^ascii:]", true, g_ascii),
	G("[:blank:]", false, g_blank), G("[:^blank:]", true, g_blank),
	G("[:cntrl:]", false, g_cntrl), G("[:^cntrl:]", true, g_cntrl),
	G("[:digit:]", false, g_digit), G("[:^digit:]", true, g_digit),
	G("[:graph:]", false, g_graph), G("[:^graph:]", true, g_graph),
	G("[:lower:]", false, g_lower), G("[:^lower:]", true, g_lower),
	G("[:print:]", false, g_print), G("[:^print:]", true, g_print),
	G("[:punct:]", false, g_punct), G("[:^punct:]", true, g_punct),
	G("[:space:]", false, g_space), G("[:^space:]", true, g_space),
	G("[:upper:]", false, g_upper), G("[:^upper:]", true, g_upper),
	G("[:word:]", false, g_word), G("[:^word:]", true, g_word),
	G("[:xdigit:]", false, g_xdigit), G("[:^xdigit:]", true, g_xdigit),
};
#undef G

/* ------------------------------------------------------------ tree --- */

static void *
grow(void *v, size_t *alloc, size_t need, size_t size)
{
	size_t	n = *alloc;

	if (need <= n)
		return v;
	n = n ? n : 4;
	while (n < need)
		n *= 2;
	*alloc = n;
	return xreallocarray(v, n, size);
}

static void
node_free(struct rnode *re)
{
	free(re->runes);
	free(re->items);
	free(re->sub);
	free(re);
}

static void
node_add_sub(struct rnode *re, struct rnode *sub)
{
	re->sub = grow(re->sub, &re->asub, re->nsub + 1, sizeof(*re->sub));
	re->sub[re->nsub++] = sub;
}

static void
node_add_rune(struct rnode *re, uint32_t r)
{
	re->runes = grow(re->runes, &re->arunes, re->nrunes + 1,
	    sizeof(*re->runes));
	re->runes[re->nrunes++] = r;
}

static void
node_add_range(struct rnode *re, uint32_t lo, uint32_t hi)
{
	struct citem	*ci;

	re->items = grow(re->items, &re->aitems, re->nitems + 1,
	    sizeof(*re->items));
	ci = &re->items[re->nitems++];
	ci->kind = CI_RANGE;
	ci->neg = false;
	ci->prop = 0;
	ci->lo = lo;
	ci->hi = hi;
}

static void
node_add_prop(struct rnode *re, int prop, bool neg)
{
	struct citem	*ci;

	re->items = grow(re->items, &re->aitems, re->nitems + 1,
	    sizeof(*re->items));
	ci = &re->items[re->nitems++];
	ci->kind = CI_PROP;
	ci->neg = neg;
	ci->prop = prop;
	ci->lo = ci->hi = 0;
}

/* newRegexp: counts allocations as Go does (a reused node is free). */
static struct rnode *
rp_new(struct rparser *p, enum rop op)
{
	struct rnode	*re;

	re = xcalloc(1, sizeof(*re));
	re->op = op;
	re->flags = p->flags;
	re->height = 1;
	re->size = -1;
	p->all = grow(p->all, &p->aall, p->nall + 1, sizeof(*p->all));
	p->all[p->nall++] = re;
	if (p->nfree > 0)
		p->nfree--;
	else
		p->nregexp++;
	return re;
}

static void
rp_reuse(struct rparser *p)
{
	p->nfree++;
}

static void
rp_release(struct rparser *p)
{
	size_t	i;

	for (i = 0; i < p->nall; i++)
		node_free(p->all[i]);
	free(p->all);
	free(p->stack);
}

static int
rp_fail(struct rparser *p, const char *code, size_t from, size_t to)
{
	return ad_err_set(p->err, AD_EINVAL, "error parsing regexp: %s: `%.*s`",
	    code, (int)(to - from), p->s + from);
}

/*
 * nextRune: decodes the rune at pos (below end); at end it yields U+FFFD
 * and consumes nothing, as utf8.DecodeRuneInString("") does.  An invalid
 * byte fails with the rest of the string up to end, as Go reports it.
 */
static int
rp_rune(struct rparser *p, size_t pos, size_t end, uint32_t *r, size_t *next)
{
	int	w;

	if (pos >= end) {
		*r = 0xfffd;
		*next = pos;
		return 0;
	}
	w = utf8_decode((const unsigned char *)p->s + pos, end - pos, r);
	if (w < 0)
		return rp_fail(p, E_UTF8, pos, end);
	*next = pos + (size_t)w;
	return 0;
}

static int
rp_check_utf8(struct rparser *p, size_t from, size_t to)
{
	uint32_t	r;

	while (from < to)
		if (rp_rune(p, from, to, &r, &from) == -1)
			return -1;
	return 0;
}

/* ---------------------------------------------------------- limits --- */

/*
 * calcSize: Go's estimate of the program size.  Go measures its factored
 * tree (a|a|ab becomes a(?:|b)); ours is not factored, so for an
 * alternation we only know bounds: the sum of the alternatives (as Go
 * counts an unfactored one) and the largest alternative.  Only a tree
 * whose lower bound exceeds the limit is rejected, so we never reject a
 * pattern Go accepts because of factoring.
 */
static int64_t
rp_calc_size(struct rnode *re, bool force)
{
	int64_t	size = 0, sub;
	size_t	i;

	if (!force && re->size >= 0)
		return re->size;
	switch (re->op) {
	case ROP_LIT:
		size = (int64_t)re->nrunes;
		break;
	case ROP_CAPTURE:
	case ROP_STAR:
		size = 2 + rp_calc_size(re->sub[0], false);
		break;
	case ROP_PLUS:
	case ROP_QUEST:
		size = 1 + rp_calc_size(re->sub[0], false);
		break;
	case ROP_CONCAT:
		for (i = 0; i < re->nsub; i++)
			size += rp_calc_size(re->sub[i], false);
		break;
	case ROP_ALT:
		for (i = 0; i < re->nsub; i++) {
			sub = rp_calc_size(re->sub[i], false);
			if (sub > size)
				size = sub;
		}
		break;
	case ROP_REPEAT:
		sub = rp_calc_size(re->sub[0], false);
		if (re->max == -1)
			size = re->min == 0 ? 2 + sub : 1 + re->min * sub;
		else
			size = re->max * sub + (re->max - re->min);
		break;
	default:
		break;
	}
	if (size < 1)
		size = 1;
	re->size = size;
	return size;
}

/*
 * checkSize: Go starts measuring program size only once the number of
 * nodes times the product of repeat counts could exceed the limit.
 */
static int
rp_check_size(struct rparser *p, struct rnode *re)
{
	int64_t	n;
	size_t	i;

	if (!p->sizing) {
		if (p->repeats == 0)
			p->repeats = 1;
		if (re->op == ROP_REPEAT) {
			n = re->max == -1 ? re->min : re->max;
			if (n <= 0)
				n = 1;
			if (n > RE_MAX_SIZE / p->repeats)
				p->repeats = RE_MAX_SIZE;
			else
				p->repeats *= n;
		}
		if (p->nregexp < RE_MAX_SIZE / p->repeats)
			return 0;
		p->sizing = true;
		for (i = 0; i < p->nstack; i++)
			if (rp_check_size(p, p->stack[i]) == -1)
				return -1;
	}
	if (rp_calc_size(re, true) > RE_MAX_SIZE)
		return rp_fail(p, E_INTERNAL, 0, p->n);
	return 0;
}

static bool
is_char_class(const struct rnode *re)
{
	return (re->op == ROP_LIT && re->nrunes == 1) || re->op == ROP_CLASS ||
	    re->op == ROP_ANYNL || re->op == ROP_ANY;
}

/*
 * Height as Go measures it, except that Go merges an alternation of
 * single characters into one class (height 1) and we must count the same.
 */
static void
rp_set_height(struct rnode *re)
{
	size_t	i;
	bool	chars = re->op == ROP_ALT;

	re->height = 1;
	for (i = 0; i < re->nsub; i++) {
		if (re->height < 1 + re->sub[i]->height)
			re->height = 1 + re->sub[i]->height;
		chars = chars && is_char_class(re->sub[i]);
	}
	if (chars)
		re->height = 1;
}

static int
rp_check_limits(struct rparser *p, struct rnode *re)
{
	rp_set_height(re);
	if (p->nrunes > RE_MAX_RUNES)
		return rp_fail(p, E_INTERNAL, 0, p->n);
	if (rp_check_size(p, re) == -1)
		return -1;
	if (p->nregexp >= RE_MAX_HEIGHT && re->height > RE_MAX_HEIGHT)
		return rp_fail(p, E_NESTING, 0, p->n);
	return 0;
}

/* repeatIsValid: nested counted repetitions may not exceed 1000 in all. */
static bool
rp_repeat_valid(const struct rnode *re, int n)
{
	size_t	i;
	int	m;

	if (re->op == ROP_REPEAT) {
		m = re->max;
		if (m == 0)
			return true;
		if (m < 0)
			m = re->min;
		if (m > n)
			return false;
		if (m > 0)
			n /= m;
	}
	for (i = 0; i < re->nsub; i++)
		if (!rp_repeat_valid(re->sub[i], n))
			return false;
	return true;
}

/* ----------------------------------------------------------- stack --- */

static bool
is_pseudo(const struct rnode *re)
{
	return re->op >= ROP_LPAREN;
}

/* maybeConcat: merges the two topmost literals with the same (?i). */
static void
rp_maybe_concat(struct rparser *p)
{
	struct rnode	*re1, *re2;
	size_t		 i;

	if (p->nstack < 2)
		return;
	re1 = p->stack[p->nstack - 1];
	re2 = p->stack[p->nstack - 2];
	if (re1->op != ROP_LIT || re2->op != ROP_LIT ||
	    (re1->flags & RF_FOLD) != (re2->flags & RF_FOLD))
		return;
	for (i = 0; i < re1->nrunes; i++)
		node_add_rune(re2, re1->runes[i]);
	p->nstack--;
	rp_reuse(p);
}

static bool
ascii_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A class of one rune is a literal in Go (case-insensitive too when the
 * rune's only case partner is the other ASCII case).  Only tree shape
 * (limits) depends on it.
 */
static void
rp_class_to_literal(struct rnode *re)
{
	uint32_t	c;
	size_t		i;

	if (re->op != ROP_CLASS || re->neg || re->nitems == 0)
		return;
	c = re->items[0].lo;
	for (i = 0; i < re->nitems; i++)
		if (re->items[i].kind != CI_RANGE || re->items[i].lo != c ||
		    re->items[i].hi != c)
			return;
	if ((re->flags & RF_FOLD) != 0) {
		if (c >= 0x80 || c == 'k' || c == 'K' || c == 's' || c == 'S')
			return;
		if (!ascii_letter(c))
			re->flags &= ~RF_FOLD;
	}
	re->op = ROP_LIT;
	re->nitems = 0;
	node_add_rune(re, c);
}

static int
rp_push(struct rparser *p, struct rnode *re)
{
	if (re->op == ROP_LIT)
		p->nrunes += (int64_t)re->nrunes;
	else if (re->op == ROP_CLASS)
		p->nrunes += 2 * (int64_t)re->nitems;
	rp_class_to_literal(re);
	rp_maybe_concat(p);
	p->stack = grow(p->stack, &p->astack, p->nstack + 1,
	    sizeof(*p->stack));
	p->stack[p->nstack++] = re;
	return rp_check_limits(p, re);
}

static int
rp_op(struct rparser *p, enum rop op)
{
	return rp_push(p, rp_new(p, op));
}

static int
rp_literal(struct rparser *p, uint32_t r)
{
	struct rnode	*re;

	re = rp_new(p, ROP_LIT);
	node_add_rune(re, r);
	return rp_push(p, re);
}

static struct rnode *
rp_collapse(struct rparser *p, struct rnode **subs, size_t n, enum rop op)
{
	struct rnode	*re;
	size_t		 i, j;

	if (n == 1)
		return subs[0];
	re = rp_new(p, op);
	for (i = 0; i < n; i++) {
		if (subs[i]->op != op) {
			node_add_sub(re, subs[i]);
			continue;
		}
		for (j = 0; j < subs[i]->nsub; j++)
			node_add_sub(re, subs[i]->sub[j]);
		rp_reuse(p);
	}
	return re;
}

/* Replaces the fragments above the topmost marker by their op. */
static int
rp_reduce(struct rparser *p, enum rop op, enum rop empty)
{
	struct rnode	*re;
	size_t		 i;

	i = p->nstack;
	while (i > 0 && !is_pseudo(p->stack[i - 1]))
		i--;
	if (i == p->nstack)
		return rp_push(p, rp_new(p, empty));
	re = rp_collapse(p, p->stack + i, p->nstack - i, op);
	p->nstack = i;
	return rp_push(p, re);
}

static int
rp_concat(struct rparser *p)
{
	rp_maybe_concat(p);
	return rp_reduce(p, ROP_CONCAT, ROP_EMPTY);
}

static int
rp_alternate(struct rparser *p)
{
	return rp_reduce(p, ROP_ALT, ROP_NOMATCH);
}

/* swapVerticalBar, without Go's merging of adjacent char classes. */
static bool
rp_swap_vbar(struct rparser *p)
{
	struct rnode	*tmp;
	size_t		 n = p->nstack;

	if (n < 2 || p->stack[n - 2]->op != ROP_VBAR)
		return false;
	tmp = p->stack[n - 1];
	p->stack[n - 1] = p->stack[n - 2];
	p->stack[n - 2] = tmp;
	return true;
}

static int
rp_vertical_bar(struct rparser *p)
{
	if (rp_concat(p) == -1)
		return -1;
	if (!rp_swap_vbar(p))
		return rp_op(p, ROP_VBAR);
	return 0;
}

static int
rp_right_paren(struct rparser *p)
{
	struct rnode	*re1, *re2;

	if (rp_concat(p) == -1)
		return -1;
	if (rp_swap_vbar(p))
		p->nstack--;
	if (rp_alternate(p) == -1)
		return -1;
	if (p->nstack < 2)
		return rp_fail(p, E_UNEXPPAREN, 0, p->n);
	re1 = p->stack[p->nstack - 1];
	re2 = p->stack[p->nstack - 2];
	p->nstack -= 2;
	if (re2->op != ROP_LPAREN)
		return rp_fail(p, E_UNEXPPAREN, 0, p->n);
	p->flags = re2->flags;
	if (re2->cap == 0)
		return rp_push(p, re1);
	re2->op = ROP_CAPTURE;
	node_add_sub(re2, re1);
	return rp_push(p, re2);
}

static int
rp_open_paren(struct rparser *p, int cap)
{
	struct rnode	*re;

	re = rp_new(p, ROP_LPAREN);
	re->cap = cap;
	return rp_push(p, re);
}

/*
 * repeat: applies *, +, ?, {n,m} (from before) to the top of the stack;
 * *after moves past a non-greedy '?'.  last is where the previous token
 * started when it was a repetition too (Go rejects a**, a{2}{3}).
 */
static int
rp_repeat(struct rparser *p, enum rop op, int min, int max, size_t before,
    size_t *after, size_t last)
{
	struct rnode	*re, *sub;
	size_t		 a = *after;

	if (a < p->n && p->s[a] == '?')
		a++;
	if (last != NOPOS)
		return rp_fail(p, E_REPEATOP, last, a);
	if (p->nstack == 0 || is_pseudo(p->stack[p->nstack - 1]))
		return rp_fail(p, E_MISSINGARG, before, a);
	sub = p->stack[p->nstack - 1];
	re = rp_new(p, op);
	re->min = min;
	re->max = max;
	node_add_sub(re, sub);
	p->stack[p->nstack - 1] = re;
	if (rp_check_limits(p, re) == -1)
		return -1;
	if (op == ROP_REPEAT && (min >= 2 || max >= 2) &&
	    !rp_repeat_valid(re, RE_MAX_REPEAT))
		return rp_fail(p, E_REPEATSIZE, before, a);
	*after = a;
	return 0;
}

/* ---------------------------------------------------------- lexing --- */

static bool
is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || ascii_letter(c);
}

static int
unhex(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* parseInt: decimal without leading zeros; -1 when too big. */
static bool
rp_parse_int(const struct rparser *p, size_t *pos, int *val)
{
	size_t	t = *pos;
	int	n = 0;

	if (t >= p->n || p->s[t] < '0' || p->s[t] > '9')
		return false;
	if (t + 1 < p->n && p->s[t] == '0' && p->s[t + 1] >= '0' &&
	    p->s[t + 1] <= '9')
		return false;
	for (; t < p->n && p->s[t] >= '0' && p->s[t] <= '9'; t++) {
		if (n >= 100000000)
			n = -1;
		if (n >= 0)
			n = n * 10 + (p->s[t] - '0');
	}
	*pos = t;
	*val = n;
	return true;
}

/* parseRepeat: {n}, {n,}, {n,m} at pos; false if it is not one. */
static bool
rp_parse_repeat(const struct rparser *p, size_t pos, int *min, int *max,
    size_t *after)
{
	if (pos >= p->n || p->s[pos] != '{')
		return false;
	pos++;
	if (!rp_parse_int(p, &pos, min) || pos >= p->n)
		return false;
	if (p->s[pos] != ',')
		*max = *min;
	else {
		pos++;
		if (pos >= p->n)
			return false;
		if (p->s[pos] == '}')
			*max = -1;
		else if (!rp_parse_int(p, &pos, max))
			return false;
		else if (*max < 0)
			*min = -1;
	}
	if (pos >= p->n || p->s[pos] != '}')
		return false;
	*after = pos + 1;
	return true;
}

static int
rp_escape_hex(struct rparser *p, size_t pos, size_t t, uint32_t *r,
    size_t *next)
{
	uint32_t	c, v = 0;
	int		x, y, nhex = 0;

	if (t >= p->n)
		return rp_fail(p, E_ESCAPE, pos, t);
	if (rp_rune(p, t, p->n, &c, &t) == -1)
		return -1;
	if (c != '{') {
		x = unhex(c);
		if (rp_rune(p, t, p->n, &c, &t) == -1)
			return -1;
		y = unhex(c);
		if (x < 0 || y < 0)
			return rp_fail(p, E_ESCAPE, pos, t);
		*r = (uint32_t)(x * 16 + y);
		*next = t;
		return 0;
	}
	for (;;) {
		if (t >= p->n)
			return rp_fail(p, E_ESCAPE, pos, t);
		if (rp_rune(p, t, p->n, &c, &t) == -1)
			return -1;
		if (c == '}')
			break;
		x = unhex(c);
		if (x < 0)
			return rp_fail(p, E_ESCAPE, pos, t);
		v = v * 16 + (uint32_t)x;
		if (v > RUNE_MAX)
			return rp_fail(p, E_ESCAPE, pos, t);
		nhex++;
	}
	if (nhex == 0)
		return rp_fail(p, E_ESCAPE, pos, t);
	*r = v;
	*next = t;
	return 0;
}

/* parseEscape: a single-character escape at pos (a backslash). */
static int
rp_escape(struct rparser *p, size_t pos, uint32_t *r, size_t *next)
{
	static const char	cesc[] = "afnrtv", cval[] = "\a\f\n\r\t\v";
	const char		*q;
	uint32_t		 c, v;
	size_t			 t = pos + 1;
	int			 i;

	if (t >= p->n)
		return rp_fail(p, E_BACKSLASH, 0, 0);
	if (rp_rune(p, t, p->n, &c, &t) == -1)
		return -1;
	if (c >= '1' && c <= '7' &&
	    (t >= p->n || p->s[t] < '0' || p->s[t] > '7'))
		return rp_fail(p, E_ESCAPE, pos, t);	/* backreference */
	if (c >= '0' && c <= '7') {
		v = c - '0';
		for (i = 1; i < 3 && t < p->n && p->s[t] >= '0' &&
		    p->s[t] <= '7'; i++)
			v = v * 8 + (uint32_t)(p->s[t++] - '0');
		*r = v;
		*next = t;
		return 0;
	}
	if (c == 'x')
		return rp_escape_hex(p, pos, t, r, next);
	q = c != 0 && c < 0x80 ? strchr(cesc, (int)c) : NULL;
	if (q != NULL) {
		*r = (uint32_t)(unsigned char)cval[q - cesc];
		*next = t;
		return 0;
	}
	if (c < 0x80 && !is_alnum(c)) {
		*r = c;
		*next = t;
		return 0;
	}
	return rp_fail(p, E_ESCAPE, pos, t);
}

/* ---------------------------------------------------------- classes --- */

/* Property index: 0 Any, then Go's categories, then Go's scripts. */
static const char *
prop_name(int prop)
{
	if (prop == 0)
		return "Any";
	if ((size_t)prop <= NCATEGORIES)
		return regex_categories[prop - 1];
	return regex_scripts[(size_t)prop - 1 - NCATEGORIES];
}

static bool
prop_is_script(int prop)
{
	return (size_t)prop > NCATEGORIES;
}

static int
name_search(const char *const *v, size_t n, const char *name, size_t len)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(v[mid], name, len);
		if (c == 0 && v[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* unicodeTable: "Any", a category or a script, case-sensitively. */
static int
prop_lookup(const char *name, size_t len)
{
	int	i;

	if (len == 3 && memcmp(name, "Any", 3) == 0)
		return 0;
	i = name_search(regex_categories, NCATEGORIES, name, len);
	if (i >= 0)
		return i + 1;
	i = name_search(regex_scripts, NSCRIPTS, name, len);
	if (i >= 0)
		return i + 1 + (int)NCATEGORIES;
	return -1;
}

static const struct regex_fold_extra *
prop_fold_extra(int prop)
{
	const char	*name = prop_name(prop);
	size_t		 i;

	for (i = 0; i < sizeof(regex_fold_extras) /
	    sizeof(regex_fold_extras[0]); i++)
		if (strcmp(regex_fold_extras[i].name, name) == 0)
			return &regex_fold_extras[i];
	return NULL;
}

/*
 * Appends a Perl or POSIX group.  Under (?i) Go folds the (ASCII) set
 * before negating it: the closure adds the other ASCII case and, for k
 * and s, U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S.
 */
static void
rp_add_group(struct rnode *re, const struct rgroup *g, bool fold)
{
	bool		in[128] = { false };
	uint32_t	set[70][2], c, lo;
	size_t		i, n = 0;

	for (i = 0; i < g->n; i++)
		for (c = g->r[i][0]; c <= g->r[i][1]; c++)
			in[c] = true;
	if (fold)
		for (c = 'a'; c <= 'z'; c++)
			in[c] = in[c - 32] = in[c] || in[c - 32];
	for (c = 0; c < 128; c++) {
		if (!in[c])
			continue;
		if (n > 0 && set[n - 1][1] + 1 == c)
			set[n - 1][1] = c;
		else {
			set[n][0] = set[n][1] = c;
			n++;
		}
	}
	if (fold && in['s']) {
		set[n][0] = set[n][1] = 0x17f;
		n++;
	}
	if (fold && in['k']) {
		set[n][0] = set[n][1] = 0x212a;
		n++;
	}
	if (!g->neg) {
		for (i = 0; i < n; i++)
			node_add_range(re, set[i][0], set[i][1]);
		return;
	}
	for (lo = 0, i = 0; i < n; lo = set[i][1] + 1, i++)
		if (set[i][0] > lo)
			node_add_range(re, lo, set[i][0] - 1);
	node_add_range(re, lo, RUNE_MAX);
}

static const struct rgroup *
perl_group_at(const struct rparser *p, size_t pos)
{
	size_t	i;

	if (p->n - pos < 2 || p->s[pos] != '\\')
		return NULL;
	for (i = 0; i < sizeof(perl_groups) / sizeof(perl_groups[0]); i++)
		if (perl_groups[i].name[1] == p->s[pos + 1])
			return &perl_groups[i];
	return NULL;
}

/*
 * parseUnicodeClass at pos ("\p" or "\P"): \pL, \p{Greek}, \p{^Greek}.
 * Sets *found; Go commits as soon as it sees \p, so any problem is an
 * error.
 */
static int
rp_unicode_class(struct rparser *p, size_t pos, struct rnode *re,
    size_t *next, bool *found)
{
	const char	*end;
	uint32_t	 c;
	size_t		 t = 0, name, nend, seqend;
	bool		 neg = p->s[pos + 1] == 'P';
	int		 prop;

	*found = false;
	if (rp_rune(p, pos + 2, p->n, &c, &t) == -1)
		return -1;
	if (c != '{') {
		name = pos + 2;
		nend = seqend = t;
	} else {
		end = memchr(p->s + pos, '}', p->n - pos);
		if (end == NULL) {
			if (rp_check_utf8(p, pos, p->n) == -1)
				return -1;
			return rp_fail(p, E_CHARRANGE, pos, p->n);
		}
		name = pos + 3;
		nend = (size_t)(end - p->s);
		seqend = nend + 1;
		if (rp_check_utf8(p, name, nend) == -1)
			return -1;
	}
	if (name < nend && p->s[name] == '^') {
		neg = !neg;
		name++;
	}
	prop = prop_lookup(p->s + name, nend - name);
	if (prop < 0)
		return rp_fail(p, E_CHARRANGE, pos, seqend);
	node_add_prop(re, prop, neg);
	*next = seqend;
	*found = true;
	return 0;
}

/* parseNamedClass: [:alpha:] inside a class. */
static int
rp_named_class(struct rparser *p, size_t pos, struct rnode *re,
    size_t *next, bool *found)
{
	const char	*colon;
	size_t		 i, len, end;

	*found = false;
	colon = memmem(p->s + pos + 2, p->n - pos - 2, ":]", 2);
	if (colon == NULL)
		return 0;
	end = (size_t)(colon - p->s) + 2;
	len = end - pos;
	for (i = 0; i < sizeof(posix_groups) / sizeof(posix_groups[0]); i++) {
		if (strlen(posix_groups[i].name) == len &&
		    memcmp(posix_groups[i].name, p->s + pos, len) == 0) {
			rp_add_group(re, &posix_groups[i],
			    (p->flags & RF_FOLD) != 0);
			*next = end;
			*found = true;
			return 0;
		}
	}
	return rp_fail(p, E_CHARRANGE, pos, end);
}

/* parseClassChar: one possibly escaped character of a class. */
static int
rp_class_char(struct rparser *p, size_t pos, size_t start, uint32_t *r,
    size_t *next)
{
	if (pos >= p->n)
		return rp_fail(p, E_BRACKET, start, p->n);
	if (p->s[pos] == '\\')
		return rp_escape(p, pos, r, next);
	return rp_rune(p, pos, p->n, r, next);
}

/* One item of a class at *pos: named, Unicode or Perl class, or range. */
static int
rp_class_item(struct rparser *p, size_t *pos, size_t start, struct rnode *re)
{
	const struct rgroup	*g;
	uint32_t		 lo, hi;
	size_t			 t = *pos, rng = *pos;
	bool			 found;

	if (p->n - t > 2 && p->s[t] == '[' && p->s[t + 1] == ':') {
		if (rp_named_class(p, t, re, pos, &found) == -1)
			return -1;
		if (found)
			return 0;
	}
	if (p->n - t >= 2 && p->s[t] == '\\' &&
	    (p->s[t + 1] == 'p' || p->s[t + 1] == 'P'))
		return rp_unicode_class(p, t, re, pos, &found);
	g = perl_group_at(p, t);
	if (g != NULL) {
		rp_add_group(re, g, (p->flags & RF_FOLD) != 0);
		*pos = t + 2;
		return 0;
	}
	if (rp_class_char(p, t, start, &lo, &t) == -1)
		return -1;
	hi = lo;
	if (p->n - t >= 2 && p->s[t] == '-' && p->s[t + 1] != ']') {
		if (rp_class_char(p, t + 1, start, &hi, &t) == -1)
			return -1;
		if (hi < lo)
			return rp_fail(p, E_CHARRANGE, rng, t);
	}
	node_add_range(re, lo, hi);
	*pos = t;
	return 0;
}

/* parseClass: [...] at *pos. */
static int
rp_class(struct rparser *p, size_t *pos)
{
	struct rnode	*re;
	size_t		 start = *pos, t = *pos + 1;
	bool		 first = true;

	re = rp_new(p, ROP_CLASS);
	if (t < p->n && p->s[t] == '^') {
		re->neg = true;
		t++;
	}
	while (t >= p->n || p->s[t] != ']' || first) {
		first = false;
		if (rp_class_item(p, &t, start, re) == -1)
			return -1;
	}
	*pos = t + 1;
	return rp_push(p, re);
}

/* ------------------------------------------------------------ parse --- */

/* parsePerlFlags at *pos ("(?"): named captures, flag groups. */
static int
rp_named_capture(struct rparser *p, size_t *pos)
{
	const char	*gt;
	size_t		 t = *pos, end, i;

	gt = memchr(p->s + t, '>', p->n - t);
	if (gt == NULL) {
		if (rp_check_utf8(p, t, p->n) == -1)
			return -1;
		return rp_fail(p, E_NAMEDCAP, t, p->n);
	}
	end = (size_t)(gt - p->s);
	if (rp_check_utf8(p, t + 4, end) == -1)
		return -1;
	if (end == t + 4)
		return rp_fail(p, E_NAMEDCAP, t, end + 1);
	for (i = t + 4; i < end; i++)
		if (p->s[i] != '_' && !is_alnum((unsigned char)p->s[i]))
			return rp_fail(p, E_NAMEDCAP, t, end + 1);
	*pos = end + 1;
	return rp_open_paren(p, ++p->ncap);
}

static int
rp_perl_flags(struct rparser *p, size_t *pos)
{
	unsigned	flags = p->flags;
	uint32_t	c;
	size_t		t = *pos;
	bool		neg = false, saw = false;

	if (p->n - t > 4 && p->s[t + 2] == 'P' && p->s[t + 3] == '<')
		return rp_named_capture(p, pos);
	t += 2;
	while (t < p->n) {
		if (rp_rune(p, t, p->n, &c, &t) == -1)
			return -1;
		if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
			if (c == 'i')
				flags |= RF_FOLD;
			else if (c == 'm')
				flags &= ~RF_ONELINE;
			else if (c == 's')
				flags |= RF_DOTNL;
			else
				flags |= RF_NONGREEDY;
			saw = true;
			continue;
		}
		if (c == '-' && !neg) {
			neg = true;
			flags = ~flags;		/* so |= clears and &= sets */
			saw = false;
			continue;
		}
		if (c != ':' && c != ')')
			break;
		if (neg) {
			if (!saw)
				break;
			flags = ~flags;
		}
		if (c == ':' && rp_open_paren(p, 0) == -1)
			return -1;
		p->flags = flags;
		*pos = t;
		return 0;
	}
	return rp_fail(p, E_PERLOP, *pos, t);
}

static int
rp_quote(struct rparser *p, size_t *pos)
{
	const char	*e;
	uint32_t	 c;
	size_t		 t = *pos + 2, end, next;

	e = memmem(p->s + t, p->n - t, "\\E", 2);
	end = e != NULL ? (size_t)(e - p->s) : p->n;
	next = e != NULL ? end + 2 : p->n;
	while (t < end) {
		if (rp_rune(p, t, end, &c, &t) == -1)
			return -1;
		if (rp_literal(p, c) == -1)
			return -1;
	}
	*pos = next;
	return 0;
}

/* A backslash outside a class. */
static int
rp_backslash(struct rparser *p, size_t *pos)
{
	const struct rgroup	*g;
	struct rnode		*re;
	uint32_t		 c;
	size_t			 t = *pos;
	bool			 found;
	int			 rc;

	if (p->n - t >= 2) {
		switch (p->s[t + 1]) {
		case 'A': *pos += 2; return rp_op(p, ROP_BOT);
		case 'b': *pos += 2; return rp_op(p, ROP_WORDB);
		case 'B': *pos += 2; return rp_op(p, ROP_NWORDB);
		case 'z': *pos += 2; return rp_op(p, ROP_EOT);
		case 'C': return rp_fail(p, E_ESCAPE, t, t + 2);
		case 'Q': return rp_quote(p, pos);
		default: break;
		}
	}
	re = rp_new(p, ROP_CLASS);
	if (p->n - t >= 2 && (p->s[t + 1] == 'p' || p->s[t + 1] == 'P')) {
		rc = rp_unicode_class(p, t, re, pos, &found);
		if (rc == -1 || found)
			return rc == -1 ? -1 : rp_push(p, re);
	}
	g = perl_group_at(p, t);
	if (g != NULL) {
		rp_add_group(re, g, (p->flags & RF_FOLD) != 0);
		*pos = t + 2;
		return rp_push(p, re);
	}
	rp_reuse(p);
	if (rp_escape(p, t, &c, pos) == -1)
		return -1;
	return rp_literal(p, c);
}

static int
rp_brace(struct rparser *p, size_t *pos, size_t last, size_t *rep)
{
	size_t	before = *pos, after;
	int	min, max;

	if (!rp_parse_repeat(p, *pos, &min, &max, &after)) {
		(*pos)++;
		return rp_literal(p, '{');
	}
	if (min < 0 || min > RE_MAX_REPEAT || max > RE_MAX_REPEAT ||
	    (max >= 0 && min > max))
		return rp_fail(p, E_REPEATSIZE, before, after);
	if (rp_repeat(p, ROP_REPEAT, min, max, before, &after, last) == -1)
		return -1;
	*rep = before;
	*pos = after;
	return 0;
}

static int
rp_token(struct rparser *p, size_t *pos, size_t last, size_t *rep)
{
	uint32_t	c;
	size_t		t = *pos, after = t + 1;
	unsigned	f = p->flags;

	switch (p->s[t]) {
	case '(':
		if (t + 1 < p->n && p->s[t + 1] == '?')
			return rp_perl_flags(p, pos);
		*pos = after;
		return rp_open_paren(p, ++p->ncap);
	case '|':
		*pos = after;
		return rp_vertical_bar(p);
	case ')':
		*pos = after;
		return rp_right_paren(p);
	case '^':
		*pos = after;
		return rp_op(p, (f & RF_ONELINE) ? ROP_BOT : ROP_BOL);
	case '$':
		*pos = after;
		return rp_op(p, (f & RF_ONELINE) ? ROP_EOT : ROP_EOL);
	case '.':
		*pos = after;
		return rp_op(p, (f & RF_DOTNL) ? ROP_ANY : ROP_ANYNL);
	case '[':
		return rp_class(p, pos);
	case '*':
	case '+':
	case '?':
		if (rp_repeat(p, p->s[t] == '*' ? ROP_STAR : p->s[t] == '+' ?
		    ROP_PLUS : ROP_QUEST, 0, 0, t, &after, last) == -1)
			return -1;
		*rep = t;
		*pos = after;
		return 0;
	case '{':
		return rp_brace(p, pos, last, rep);
	case '\\':
		return rp_backslash(p, pos);
	default:
		if (rp_rune(p, t, p->n, &c, pos) == -1)
			return -1;
		return rp_literal(p, c);
	}
}

/* syntax.Parse(s, syntax.Perl): the tree, or NULL with Go's error. */
static struct rnode *
rp_parse(struct rparser *p)
{
	size_t	t = 0, last = NOPOS, rep;

	p->flags = RF_ONELINE;
	while (t < p->n) {
		rep = NOPOS;
		if (rp_token(p, &t, last, &rep) == -1)
			return NULL;
		last = rep;
	}
	if (rp_concat(p) == -1)
		return NULL;
	if (rp_swap_vbar(p))
		p->nstack--;
	if (rp_alternate(p) == -1)
		return NULL;
	if (p->nstack != 1) {
		rp_fail(p, E_PAREN, 0, p->n);
		return NULL;
	}
	return p->stack[0];
}

/* ------------------------------------------------------------- emit --- */

#define EMIT_NOMATCH	"[^\\x{0}-\\x{10ffff}]"
#define EMIT_ANY	"(?s:.)"

static bool
is_surrogate(uint32_t r)
{
	return r >= 0xd800 && r <= 0xdfff;
}

static bool
lit_has_surrogate(const struct rnode *re)
{
	size_t	i;

	for (i = 0; i < re->nrunes; i++)
		if (is_surrogate(re->runes[i]))
			return true;
	return false;
}

static void
emit_rune(struct buf *b, uint32_t r)
{
	char	u[4];

	if (r < 0x80 && is_alnum(r))
		buf_addch(b, (int)r);
	else if (r < 0x80)
		buf_addf(b, "\\x{%x}", r);
	else
		buf_add(b, u, (size_t)utf8_encode(r, u));
}

/* A range inside [...]; surrogates cannot occur in UTF-8, so drop them. */
static void
emit_range(struct buf *b, uint32_t lo, uint32_t hi)
{
	if (lo <= 0xdfff && hi >= 0xd800) {
		if (lo < 0xd800)
			emit_range(b, lo, 0xd7ff);
		if (hi > 0xdfff)
			emit_range(b, 0xe000, hi);
		return;
	}
	if (lo == hi)
		buf_addf(b, "\\x{%x}", lo);
	else
		buf_addf(b, "\\x{%x}-\\x{%x}", lo, hi);
}

/* The members of a property as PCRE2 class items (no brackets). */
static void
emit_prop_set(struct buf *b, int prop, bool fold)
{
	const struct regex_fold_extra	*fx;
	size_t				 i;

	if (prop == 0) {
		emit_range(b, 0, RUNE_MAX);
		return;
	}
	if (strcmp(prop_name(prop), "C") == 0)
		buf_addstr(b, "\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}");
	else
		buf_addf(b, "\\p{%s%s}", prop_is_script(prop) ? "sc:" : "",
		    prop_name(prop));
	fx = fold ? prop_fold_extra(prop) : NULL;
	for (i = 0; fx != NULL && i < fx->n; i++)
		emit_range(b, fx->r[i][0], fx->r[i][1]);
}

/*
 * A negated property is a plain \P{X} unless Go's set is not PCRE2's
 * complement (\P{C}, or (?i) extras): then it is a separate [^...] atom.
 */
static bool
prop_neg_is_simple(int prop, bool fold)
{
	if (prop == 0)
		return true;
	if (strcmp(prop_name(prop), "C") == 0)
		return false;
	return !fold || prop_fold_extra(prop) == NULL;
}

static void
emit_class_simple(struct buf *b, const struct rnode *re, bool fold)
{
	const struct citem	*ci;
	size_t			 i;

	for (i = 0; i < re->nitems; i++) {
		ci = &re->items[i];
		if (ci->kind == CI_RANGE)
			emit_range(b, ci->lo, ci->hi);
		else if (!ci->neg)
			emit_prop_set(b, ci->prop, fold);
		else if (ci->prop != 0 && prop_neg_is_simple(ci->prop, fold))
			buf_addf(b, "\\P{%s%s}", prop_is_script(ci->prop) ?
			    "sc:" : "", prop_name(ci->prop));
	}
}

static size_t
class_ncomplex(const struct rnode *re, bool fold)
{
	size_t	i, n = 0;

	for (i = 0; i < re->nitems; i++)
		if (re->items[i].kind == CI_PROP && re->items[i].neg &&
		    !prop_neg_is_simple(re->items[i].prop, fold))
			n++;
	return n;
}

/*
 * A class is the union of its items, which Go then negates for [^...].
 * Items PCRE2 cannot write inside one bracket become alternatives.
 */
static void
emit_class(struct buf *b, const struct rnode *re)
{
	const struct citem	*ci;
	bool			 fold = (re->flags & RF_FOLD) != 0;
	size_t			 i, mark, nalt = 0;

	buf_addstr(b, fold ? "(?i:" : "");
	if (class_ncomplex(re, fold) == 0) {
		mark = buf_len(b);
		buf_addstr(b, re->neg ? "[^" : "[");
		emit_class_simple(b, re, fold);
		if (buf_len(b) == mark + (re->neg ? 2 : 1)) {
			buf_setlen(b, mark);
			buf_addstr(b, re->neg ? EMIT_ANY : EMIT_NOMATCH);
		} else
			buf_addch(b, ']');
		buf_addstr(b, fold ? ")" : "");
		return;
	}
	buf_addstr(b, re->neg ? "(?:(?!" : "(?:");
	mark = buf_len(b);
	buf_addch(b, '[');
	emit_class_simple(b, re, fold);
	if (buf_len(b) == mark + 1)
		buf_setlen(b, mark);
	else {
		buf_addch(b, ']');
		nalt++;
	}
	for (i = 0; i < re->nitems; i++) {
		ci = &re->items[i];
		if (ci->kind != CI_PROP || !ci->neg ||
		    prop_neg_is_simple(ci->prop, fold))
			continue;
		buf_addstr(b, nalt++ > 0 ? "|[^" : "[^");
		emit_prop_set(b, ci->prop, fold);
		buf_addch(b, ']');
	}
	buf_addstr(b, re->neg ? ")" EMIT_ANY ")" : ")");
	buf_addstr(b, fold ? ")" : "");
}

/*
 * PCRE2 tracks (?: groups on a small fixed stack (a few hundred levels);
 * deeper wrappers are written as capturing groups, which only the
 * parenthesis nesting limit bounds.  Captures are never read.
 */
#define EMIT_NCGROUP_MAX	200

struct emitter {
	struct buf	*b;
	int		 depth;
};

static void emit_node(struct emitter *e, const struct rnode *re);

/* Go's capture groups do not change what matches. */
static const struct rnode *
emit_strip(const struct rnode *re)
{
	while (re->op == ROP_CAPTURE)
		re = re->sub[0];
	return re;
}

static bool
emit_is_atom(const struct rnode *re)
{
	switch (re->op) {
	case ROP_LIT:
		return re->nrunes == 1 || (re->flags & RF_FOLD) != 0 ||
		    lit_has_surrogate(re);
	case ROP_NOMATCH:
	case ROP_EMPTY:
	case ROP_CLASS:
	case ROP_ANY:
	case ROP_ANYNL:
		return true;
	default:
		return false;
	}
}

static void
emit_group(struct emitter *e, const struct rnode *re, bool wrap)
{
	if (!wrap) {
		emit_node(e, re);
		return;
	}
	e->depth++;
	buf_addstr(e->b, e->depth > EMIT_NCGROUP_MAX ? "(" : "(?:");
	emit_node(e, re);
	buf_addch(e->b, ')');
	e->depth--;
}

static void
emit_repeat(struct emitter *e, const struct rnode *re)
{
	const struct rnode	*sub = emit_strip(re->sub[0]);
	struct buf		*b = e->b;

	emit_group(e, sub, !emit_is_atom(sub));
	if (re->op == ROP_STAR)
		buf_addch(b, '*');
	else if (re->op == ROP_PLUS)
		buf_addch(b, '+');
	else if (re->op == ROP_QUEST)
		buf_addch(b, '?');
	else if (re->max == re->min)
		buf_addf(b, "{%d}", re->min);
	else if (re->max == -1)
		buf_addf(b, "{%d,}", re->min);
	else
		buf_addf(b, "{%d,%d}", re->min, re->max);
}

static void
emit_lit(struct buf *b, const struct rnode *re)
{
	size_t	i;

	if (lit_has_surrogate(re)) {
		buf_addstr(b, EMIT_NOMATCH);
		return;
	}
	if (re->flags & RF_FOLD)
		buf_addstr(b, "(?i:");
	for (i = 0; i < re->nrunes; i++)
		emit_rune(b, re->runes[i]);
	if (re->flags & RF_FOLD)
		buf_addch(b, ')');
}

static void
emit_node(struct emitter *e, const struct rnode *re)
{
	static const char *const simple[] = {
		[ROP_NOMATCH] = EMIT_NOMATCH, [ROP_EMPTY] = "(?:)",
		[ROP_ANYNL] = "[^\\n]", [ROP_ANY] = EMIT_ANY,
		[ROP_BOL] = "(?m:^)", [ROP_EOL] = "(?m:$)",
		[ROP_BOT] = "\\A", [ROP_EOT] = "\\z",
		[ROP_WORDB] = "\\b", [ROP_NWORDB] = "\\B",
	};
	const struct rnode	*sub;
	size_t			 i;

	re = emit_strip(re);
	switch (re->op) {
	case ROP_LIT:
		emit_lit(e->b, re);
		break;
	case ROP_CLASS:
		emit_class(e->b, re);
		break;
	case ROP_STAR:
	case ROP_PLUS:
	case ROP_QUEST:
	case ROP_REPEAT:
		emit_repeat(e, re);
		break;
	case ROP_CONCAT:
	case ROP_ALT:
		for (i = 0; i < re->nsub; i++) {
			sub = emit_strip(re->sub[i]);
			if (re->op == ROP_ALT && i > 0)
				buf_addch(e->b, '|');
			emit_group(e, sub, re->op == ROP_CONCAT &&
			    sub->op == ROP_ALT);
		}
		break;
	default:
		buf_addstr(e->b, simple[re->op]);
		break;
	}
}

/* Parses pattern; on success *root is the tree (owned by p). */
static int
rp_run(struct rparser *p, const char *pattern, size_t len,
    struct rnode **root, struct ad_err *err)
{
	memset(p, 0, sizeof(*p));
	p->s = pattern;
	p->n = len;
	p->err = err;
	*root = rp_parse(p);
	return *root == NULL ? -1 : 0;
}

int
regex_check(const char *pattern, size_t len, struct ad_err *err)
{
	struct rparser	 p;
	struct rnode	*root;
	int		 rc;

	rc = rp_run(&p, pattern, len, &root, err);
	rp_release(&p);
	return rc;
}

static int
translate_tree(const struct rnode *root, struct buf *out, struct ad_err *err)
{
	struct buf	b;
	struct emitter	e = { &b, 0 };

	buf_init(&b, RE_OUT_CAP);
	emit_node(&e, root);
	if (buf_len(&b) >= RE_OUT_CAP - 1) {
		buf_release(&b);
		return ad_err_set(err, AD_EINVAL,
		    "regexp too large to translate for PCRE2");
	}
	buf_addstr(out, buf_str(&b));
	buf_release(&b);
	return 0;
}

int
regex_translate(const char *pattern, size_t len, struct buf *out,
    struct ad_err *err)
{
	struct rparser	 p;
	struct rnode	*root;
	int		 rc;

	rc = rp_run(&p, pattern, len, &root, err);
	if (rc == 0)
		rc = translate_tree(root, out, err);
	rp_release(&p);
	return rc;
}

/* ------------------------------------------------------------ PCRE2 --- */

enum regex_fast {
	FAST_NONE,
	FAST_LITS,		/* one of lits[] exactly */
	FAST_NONL,		/* .*: no newline */
	FAST_NONL1,		/* .+: non-empty, no newline */
	FAST_ALL,		/* (?s:.*) */
	FAST_ALL1		/* (?s:.+) */
};

/*
 * How far a pattern got.  regex_compile checks the syntax (and finds the
 * fast path) at once, but leaves PCRE2 (translation, compilation and the
 * JIT, most of the cost) to the first match; regex_new_lazy leaves even
 * the parse to it.  A pattern never matched against (most silences: the
 * index finds no candidate) costs nothing more.
 */
enum regex_state {
	RX_UNPARSED,		/* regex_new_lazy: not even parsed */
	RX_PARSED,		/* syntax checked, PCRE2 not compiled */
	RX_READY,		/* fast path, PCRE2 or regex_vm: matchable */
	RX_FAILED		/* a lazy pattern that did not parse */
};

struct regex {
	atomic_uint		 refs;
	_Atomic int		 state;		/* enum regex_state */
	enum regex_fast		 fast;
	char			**lits;
	size_t			*litlens;
	size_t			 nlits;
	pcre2_code_8		*code8;
	pcre2_code_32		*code32;	/* too large for code8 */
	bool			 jit;
	/* The fallback: built from the pattern when first needed. */
	char			*pattern;
	size_t			 plen;
	struct regex_vm *_Atomic vm;
	atomic_bool		 vm_only;	/* PCRE2 gave up on it once */
	atomic_bool		 vm_failed;	/* too large to build */
	pthread_mutex_t		 vm_lock;
};

/* Per-thread PCRE2 state: match data cannot be shared between threads. */
struct regex_tls {
	pcre2_match_data_8	*md8;
	pcre2_match_context_8	*mc8;
	pcre2_jit_stack_8	*js8;
	pcre2_match_data_32	*md32;
	pcre2_match_context_32	*mc32;
	pcre2_jit_stack_32	*js32;
	char			*fix;		/* subject with U+FFFD */
	size_t			 afix;
	uint32_t		*u32;		/* subject as UTF-32 */
	size_t			 au32;
};

static _Thread_local struct regex_tls	*regex_tls;
static pthread_key_t			 regex_tls_key;
static pthread_once_t			 regex_tls_once = PTHREAD_ONCE_INIT;

static void
regex_tls_free(void *v)
{
	struct regex_tls	*t = v;

	if (t == NULL)
		return;
	pcre2_match_data_free_8(t->md8);
	pcre2_match_context_free_8(t->mc8);
	pcre2_jit_stack_free_8(t->js8);
	pcre2_match_data_free_32(t->md32);
	pcre2_match_context_free_32(t->mc32);
	pcre2_jit_stack_free_32(t->js32);
	free(t->fix);
	free(t->u32);
	free(t);
}

static void
regex_tls_key_init(void)
{
	if (pthread_key_create(&regex_tls_key, regex_tls_free) != 0)
		abort();
}

static struct regex_tls *
regex_tls_get(void)
{
	struct regex_tls	*t = regex_tls;

	if (t != NULL)
		return t;
	pthread_once(&regex_tls_once, regex_tls_key_init);
	t = xcalloc(1, sizeof(*t));
	t->md8 = pcre2_match_data_create_8(1, NULL);
	t->mc8 = pcre2_match_context_create_8(NULL);
	t->js8 = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, NULL);
	if (t->md8 == NULL || t->mc8 == NULL)
		abort();
	pcre2_set_match_limit_8(t->mc8, RE_MATCH_LIMIT);
	if (t->js8 != NULL)
		pcre2_jit_stack_assign_8(t->mc8, NULL, t->js8);
	regex_tls = t;
	pthread_setspecific(regex_tls_key, t);
	return t;
}

static void
regex_tls_init32(struct regex_tls *t)
{
	if (t->md32 != NULL)
		return;
	t->md32 = pcre2_match_data_create_32(1, NULL);
	t->mc32 = pcre2_match_context_create_32(NULL);
	t->js32 = pcre2_jit_stack_create_32(32 * 1024, 1024 * 1024, NULL);
	if (t->md32 == NULL || t->mc32 == NULL)
		abort();
	pcre2_set_match_limit_32(t->mc32, RE_MATCH_LIMIT);
	if (t->js32 != NULL)
		pcre2_jit_stack_assign_32(t->mc32, NULL, t->js32);
}

void
regex_thread_cleanup(void)
{
	regex_vm_thread_cleanup();
	if (regex_tls == NULL)
		return;
	regex_tls_free(regex_tls);
	regex_tls = NULL;
	pthread_setspecific(regex_tls_key, NULL);
}

static void
regex_free(struct regex *re)
{
	size_t	i;

	for (i = 0; i < re->nlits; i++)
		free(re->lits[i]);
	free(re->lits);
	free(re->litlens);
	pcre2_code_free_8(re->code8);
	pcre2_code_free_32(re->code32);
	regex_vm_free(atomic_load(&re->vm));
	pthread_mutex_destroy(&re->vm_lock);
	free(re->pattern);
	free(re);
}

struct regex *
regex_ref(struct regex *re)
{
	atomic_fetch_add_explicit(&re->refs, 1, memory_order_relaxed);
	return re;
}

void
regex_unref(struct regex *re)
{
	if (re == NULL)
		return;
	if (atomic_fetch_sub_explicit(&re->refs, 1, memory_order_acq_rel) == 1)
		regex_free(re);
}

static bool
fast_lit_ok(const struct rnode *re)
{
	return re->op == ROP_EMPTY || (re->op == ROP_LIT &&
	    (re->flags & RF_FOLD) == 0 && !lit_has_surrogate(re));
}

static void
fast_add_lit(struct regex *rx, const struct rnode *re)
{
	struct buf	b;
	size_t		i;
	char		u[4];

	buf_init(&b, BUF_NOCAP);
	for (i = 0; re->op == ROP_LIT && i < re->nrunes; i++)
		buf_add(&b, u, (size_t)utf8_encode(re->runes[i], u));
	rx->lits = xreallocarray(rx->lits, rx->nlits + 1, sizeof(*rx->lits));
	rx->litlens = xreallocarray(rx->litlens, rx->nlits + 1,
	    sizeof(*rx->litlens));
	rx->lits[rx->nlits] = buf_detach(&b, &rx->litlens[rx->nlits]);
	rx->nlits++;
}

/*
 * Alertmanager's "^(?:v)$" for a literal, a short alternation of
 * literals, .* or .+ needs no regex engine.
 */
static bool
fast_path(struct regex *rx, const struct rnode *root)
{
	const struct rnode	*x;
	size_t			 i;

	if (root->op != ROP_CONCAT || root->nsub != 3 ||
	    root->sub[0]->op != ROP_BOT || root->sub[2]->op != ROP_EOT)
		return false;
	x = root->sub[1];
	if ((x->op == ROP_STAR || x->op == ROP_PLUS) &&
	    (x->sub[0]->op == ROP_ANYNL || x->sub[0]->op == ROP_ANY)) {
		rx->fast = x->sub[0]->op == ROP_ANY ?
		    (x->op == ROP_STAR ? FAST_ALL : FAST_ALL1) :
		    (x->op == ROP_STAR ? FAST_NONL : FAST_NONL1);
		return true;
	}
	if (fast_lit_ok(x)) {
		fast_add_lit(rx, x);
		rx->fast = FAST_LITS;
		return true;
	}
	if (x->op != ROP_ALT || x->nsub > RE_FAST_MAX)
		return false;
	for (i = 0; i < x->nsub; i++)
		if (!fast_lit_ok(x->sub[i]))
			return false;
	for (i = 0; i < x->nsub; i++)
		fast_add_lit(rx, x->sub[i]);
	rx->fast = FAST_LITS;
	return true;
}

#define RE_COMPILE_OPTS	(PCRE2_UTF | PCRE2_NO_UTF_CHECK | \
	PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_UCP | \
	PCRE2_NEVER_BACKSLASH_C)
#define RE_PARENS_LIMIT	5000

static int
compile8(struct regex *rx, const char *pat, size_t len, int *ec)
{
	pcre2_compile_context_8	*cc;
	PCRE2_SIZE		 off;

	cc = pcre2_compile_context_create_8(NULL);
	if (cc == NULL)
		abort();
	pcre2_set_newline_8(cc, PCRE2_NEWLINE_LF);
	pcre2_set_parens_nest_limit_8(cc, RE_PARENS_LIMIT);
	rx->code8 = pcre2_compile_8((PCRE2_SPTR8)pat, len, RE_COMPILE_OPTS, ec,
	    &off, cc);
	pcre2_compile_context_free_8(cc);
	if (rx->code8 == NULL)
		return -1;
	rx->jit = pcre2_jit_compile_8(rx->code8, PCRE2_JIT_COMPLETE) == 0;
	return 0;
}

static int
compile32(struct regex *rx, const char *pat, size_t len, int *ec)
{
	pcre2_compile_context_32	*cc;
	uint32_t			*u;
	PCRE2_SIZE			 off;
	size_t				 i, n = 0;
	int				 w;

	u = xreallocarray(NULL, len + 1, sizeof(*u));
	for (i = 0; i < len; i += (size_t)w, n++) {
		w = utf8_decode((const unsigned char *)pat + i, len - i, &u[n]);
		if (w < 0)
			w = 1;
	}
	cc = pcre2_compile_context_create_32(NULL);
	if (cc == NULL)
		abort();
	pcre2_set_newline_32(cc, PCRE2_NEWLINE_LF);
	pcre2_set_parens_nest_limit_32(cc, RE_PARENS_LIMIT);
	rx->code32 = pcre2_compile_32(u, n, RE_COMPILE_OPTS, ec, &off, cc);
	pcre2_compile_context_free_32(cc);
	free(u);
	if (rx->code32 == NULL)
		return -1;
	rx->jit = pcre2_jit_compile_32(rx->code32, PCRE2_JIT_COMPLETE) == 0;
	return 0;
}

/*
 * Compiles the translation with 8-bit PCRE2, or 32-bit when too large.
 * Should PCRE2 refuse it anyway, the linear-time matcher does all the
 * matching: Go accepted the pattern, so must we.
 */
static void
regex_pcre2(struct regex *rx, const struct rnode *root)
{
	struct buf	pat;
	int		ec = 0;

	buf_init(&pat, BUF_NOCAP);
	if (translate_tree(root, &pat, NULL) == -1 ||
	    (compile8(rx, buf_str(&pat), buf_len(&pat), &ec) == -1 &&
	    (ec != PCRE2_ERROR_PATTERN_TOO_LARGE ||
	    compile32(rx, buf_str(&pat), buf_len(&pat), &ec) == -1))) {
		atomic_store(&rx->vm_only, true);
		atomic_store(&rx->vm, regex_vm_build(root));
		atomic_store(&rx->vm_failed, atomic_load(&rx->vm) == NULL);
	}
	buf_release(&pat);
}

static struct regex *
regex_alloc(const char *pattern, size_t len, enum regex_state st)
{
	struct regex	*rx;

	rx = xcalloc(1, sizeof(*rx));
	atomic_init(&rx->refs, 1);
	atomic_init(&rx->state, st);
	pthread_mutex_init(&rx->vm_lock, NULL);
	rx->pattern = xmemdup(pattern, len);
	rx->plen = len;
	return rx;
}

struct regex *
regex_compile(const char *pattern, size_t len, struct ad_err *err)
{
	struct rparser	 p;
	struct rnode	*root;
	struct regex	*rx;

	if (rp_run(&p, pattern, len, &root, err) == -1) {
		rp_release(&p);
		return NULL;
	}
	rx = regex_alloc(pattern, len, RX_PARSED);
	if (fast_path(rx, root))
		atomic_store_explicit(&rx->state, RX_READY,
		    memory_order_relaxed);
	rp_release(&p);
	return rx;
}

struct regex *
regex_new_lazy(const char *pattern, size_t len)
{
	return regex_alloc(pattern, len, RX_UNPARSED);
}

bool
regex_failed(const struct regex *rx)
{
	return atomic_load_explicit(&rx->state, memory_order_acquire) ==
	    RX_FAILED;
}

/*
 * Makes rx matchable (the first match does this, once): parses the
 * pattern again (the tree was not kept) and compiles it with PCRE2, or
 * finds that a lazy pattern is invalid after all.  Returns whether rx
 * can be matched.
 */
static bool
regex_prepare(struct regex *rx)
{
	struct rparser	 p;
	struct rnode	*root;
	struct ad_err	 err;
	int		 st;

	pthread_mutex_lock(&rx->vm_lock);
	st = atomic_load_explicit(&rx->state, memory_order_relaxed);
	if (st == RX_UNPARSED || st == RX_PARSED) {
		if (rp_run(&p, rx->pattern, rx->plen, &root, &err) == -1) {
			log_warn("regex: stored pattern %.*s does not parse, "
			    "it matches nothing: %s", (int)rx->plen,
			    rx->pattern, err.msg);
			st = RX_FAILED;
		} else {
			if (st == RX_PARSED || !fast_path(rx, root))
				regex_pcre2(rx, root);
			st = RX_READY;
		}
		rp_release(&p);
		atomic_store_explicit(&rx->state, st, memory_order_release);
	}
	pthread_mutex_unlock(&rx->vm_lock);
	return st == RX_READY;
}

/* ------------------------------------------------------------ match --- */

/* The subject as Go reads it: every invalid byte becomes U+FFFD. */
static const char *
subject_fix(struct regex_tls *t, const char *s, size_t *len)
{
	size_t		i = 0, o = 0, n = *len;
	uint32_t	r;
	int		w;

	t->fix = grow(t->fix, &t->afix, 3 * n + 1, 1);
	while (i < n) {
		w = utf8_decode((const unsigned char *)s + i, n - i, &r);
		if (w < 0) {
			memcpy(t->fix + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(t->fix + o, s + i, (size_t)w);
		o += (size_t)w;
		i += (size_t)w;
	}
	*len = o;
	return t->fix;
}

static bool
match_fast(const struct regex *rx, const char *s, size_t len)
{
	size_t	i;

	switch (rx->fast) {
	case FAST_NONL:
		return memchr(s, '\n', len) == NULL;
	case FAST_NONL1:
		return len > 0 && memchr(s, '\n', len) == NULL;
	case FAST_ALL:
		return true;
	case FAST_ALL1:
		return len > 0;
	default:
		break;
	}
	for (i = 0; i < rx->nlits; i++)
		if (rx->litlens[i] == len && memcmp(rx->lits[i], s, len) == 0)
			return true;
	return false;
}

/* The linear-time matcher, built from the pattern on first use. */
static const struct regex_vm *
vm_get(struct regex *rx)
{
	struct regex_vm	*vm;
	struct rparser	 p;
	struct rnode	*root;

	vm = atomic_load_explicit(&rx->vm, memory_order_acquire);
	if (vm != NULL || atomic_load(&rx->vm_failed))
		return vm;
	pthread_mutex_lock(&rx->vm_lock);
	vm = atomic_load_explicit(&rx->vm, memory_order_acquire);
	if (vm == NULL && !atomic_load(&rx->vm_failed)) {
		if (rp_run(&p, rx->pattern, rx->plen, &root, NULL) == 0)
			vm = regex_vm_build(root);
		rp_release(&p);
		atomic_store(&rx->vm_failed, vm == NULL);
		atomic_store_explicit(&rx->vm, vm, memory_order_release);
	}
	pthread_mutex_unlock(&rx->vm_lock);
	return vm;
}

/*
 * PCRE2 gave up (match or memory limits): backtracking can take
 * exponential time where Go's automaton is linear.  Answer with our own
 * automaton, and use it directly for this pattern from now on.
 */
static bool
match_vm(const struct regex *crx, const char *s, size_t len)
{
	struct regex		*rx = (struct regex *)crx;	/* caches only */
	const struct regex_vm	*vm;
	static atomic_int	 warned;

	atomic_store(&rx->vm_only, true);
	vm = vm_get(rx);
	if (vm != NULL)
		return regex_vm_match(vm, s, len);
	if (atomic_exchange(&warned, 1) == 0)
		log_warn("regex: pattern too large for the fallback matcher, "
		    "treating as no match");
	return false;
}

bool
regex_match_vm(const struct regex *rx, const char *s, size_t len)
{
	const struct regex_vm	*vm;

	vm = vm_get((struct regex *)rx);
	return vm != NULL && regex_vm_match(vm, s, len);
}

static bool
match8(const struct regex *rx, struct regex_tls *t, const char *s,
    size_t len)
{
	PCRE2_SPTR8	subj = (PCRE2_SPTR8)s;
	int		rc;

	if (rx->jit)
		rc = pcre2_jit_match_8(rx->code8, subj, len, 0, 0, t->md8,
		    t->mc8);
	else
		rc = pcre2_match_8(rx->code8, subj, len, 0, PCRE2_NO_UTF_CHECK,
		    t->md8, t->mc8);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		return rc >= 0;
	return match_vm(rx, s, len);
}

static bool
match32(const struct regex *rx, struct regex_tls *t, const char *s,
    size_t len)
{
	size_t	i, n = 0;
	int	w, rc;

	regex_tls_init32(t);
	t->u32 = grow(t->u32, &t->au32, len + 1, sizeof(*t->u32));
	for (i = 0; i < len; i += (size_t)w, n++) {
		w = utf8_decode((const unsigned char *)s + i, len - i,
		    &t->u32[n]);
		if (w < 0)
			w = 1;
	}
	if (rx->jit)
		rc = pcre2_jit_match_32(rx->code32, t->u32, n, 0, 0, t->md32,
		    t->mc32);
	else
		rc = pcre2_match_32(rx->code32, t->u32, n, 0,
		    PCRE2_NO_UTF_CHECK, t->md32, t->mc32);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		return rc >= 0;
	return match_vm(rx, s, len);
}

bool
regex_match(const struct regex *rx, const char *s, size_t len)
{
	struct regex_tls	*t;
	bool			 valid;

	if (atomic_load_explicit(&rx->state, memory_order_acquire) !=
	    RX_READY && !regex_prepare((struct regex *)rx))	/* caches only */
		return false;
	valid = utf8_valid(s, len);
	if (rx->fast != FAST_NONE && (valid || rx->fast != FAST_LITS))
		return match_fast(rx, s, len);
	if (atomic_load_explicit(&rx->vm_only, memory_order_relaxed))
		return match_vm(rx, s, len);
	t = regex_tls_get();
	if (rx->code32 != NULL)
		return match32(rx, t, s, len);
	if (!valid)
		s = subject_fix(t, s, &len);
	if (rx->fast != FAST_NONE)
		return match_fast(rx, s, len);
	return match8(rx, t, s, len);
}
