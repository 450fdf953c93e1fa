/*
 * Go's regexp for the template functions match and reReplaceAll.
 *
 * match uses routing/regex (Go 1.19's RE2 parser over PCRE2, with Go's
 * errors, invalid UTF-8 read as U+FFFD and a linear-time fallback).
 * reReplaceAll needs match positions and groups, which routing/regex does
 * not give: the pattern is checked with regex_check (Go's errors), then
 * translated here for PCRE2 where the syntaxes differ (\s \S without \v,
 * \v as the VT character, octal escapes, $ at the end of text only with
 * PCRE2_DOLLAR_ENDONLY) and replaced with Go's ReplaceAllString rules
 * (empty matches after a match are skipped, $1 ${1} $name ${name} $$).
 * An invalid UTF-8 byte in the subject is read as U+FFFD, as in Go.
 * Known difference: PCRE2's backtracking is bounded by a match limit
 * ("regexp match limit exceeded") where RE2 is linear.  Compiled patterns are cached for the
 * duration of one execution (struct tre_cache).
 */
#include "templates/tmpl_priv.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/regex.h"

#define RE_MATCH_LIMIT	2000000
#define RE_DEPTH_LIMIT	10000
#define RE_MAX_REPEAT	1000

struct rx {
	const char	*s;		/* the whole pattern */
	size_t		 n;
	struct buf	*out;		/* PCRE2 translation */
	struct buf	*err;
	int		 depth;		/* open groups */
	bool		 can_repeat;	/* an operand precedes */
	size_t		 last_repeat;	/* start of the previous repeat op */
	bool		 have_last;
};

static int
rx_error(struct rx *r, const char *code, const char *frag, size_t fl)
{
	buf_reset(r->err);
	buf_addf(r->err, "error parsing regexp: %s: `", code);
	buf_add(r->err, frag, fl);
	buf_addch(r->err, '`');
	return -1;
}

static bool
is_alnum_c(int c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static int
unhexc(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 32) >= 'a' && (c | 32) <= 'f')
		return (c | 32) - 'a' + 10;
	return -1;
}

static void
emit_rune(struct buf *b, uint32_t r)
{
	buf_addf(b, "\\x{%x}", r);
}

/*
 * A single-character escape at s[i] == '\\' (Go's parseEscape).  Sets *r
 * and returns the length consumed, or -1 (error reported).
 */
static int
rx_escape(struct rx *r, size_t i, uint32_t *out)
{
	const char	*s = r->s;
	size_t		 n = r->n, j = i + 1, w;
	uint32_t	 c, v = 0;
	int		 k, x, y;

	if (j >= n)
		return rx_error(r, "trailing backslash at end of expression",
		    "", 0);
	w = tu_decode(s + j, n - j, &c);
	j += w;
	if (c < 0x80 && !is_alnum_c((int)c)) {
		*out = c;
		return (int)(j - i);
	}
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (j >= n || s[j] < '0' || s[j] > '7')
			break;
		/* FALLTHROUGH */
	case '0':
		v = c - '0';
		for (k = 1; k < 3 && j < n && s[j] >= '0' && s[j] <= '7'; k++)
			v = v * 8 + (uint32_t)(s[j++] - '0');
		*out = v;
		return (int)(j - i);
	case 'x':
		if (j >= n)
			break;
		if (s[j] == '{') {
			int	nhex = 0;

			for (j++; j < n && s[j] != '}'; j++) {
				x = unhexc((unsigned char)s[j]);
				if (x < 0)
					goto bad;
				v = v * 16 + (uint32_t)x;
				if (v > 0x10ffff)
					goto bad;
				nhex++;
			}
			if (j >= n || nhex == 0)
				goto bad;
			*out = v;
			return (int)(j + 1 - i);
		}
		x = unhexc((unsigned char)s[j]);
		y = j + 1 < n ? unhexc((unsigned char)s[j + 1]) : -1;
		j += j + 1 < n ? 2 : 1;
		if (x < 0 || y < 0)
			break;
		*out = (uint32_t)(x * 16 + y);
		return (int)(j - i);
	case 'a': *out = '\a'; return (int)(j - i);
	case 'f': *out = '\f'; return (int)(j - i);
	case 'n': *out = '\n'; return (int)(j - i);
	case 'r': *out = '\r'; return (int)(j - i);
	case 't': *out = '\t'; return (int)(j - i);
	case 'v': *out = '\v'; return (int)(j - i);
	}
bad:
	if (j > n)
		j = n;
	return rx_error(r, "invalid escape sequence", s + i, j - i);
}

/* \d \D \w \W \s \S: returns the translation or NULL. */
static const char *
perl_class(char c, bool in_class)
{
	switch (c) {
	case 'd': return in_class ? "0-9" : "[0-9]";
	case 'D': return in_class ? "\\x00-/:-\\x{10ffff}" : "[^0-9]";
	case 'w': return in_class ? "0-9A-Za-z_" : "[0-9A-Za-z_]";
	case 'W': return in_class ? "\\x00-/:-@\\[-^`{-\\x{10ffff}" :
	    "[^0-9A-Za-z_]";
	case 's': return in_class ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]";
	case 'S': return in_class ? "\\x00-\\x08\\x0b\\x0e-\\x1f!-\\x{10ffff}" :
	    "[^\\t\\n\\f\\r ]";
	}
	return NULL;
}

/* \pN, \p{Name}, \PN, \P{Name}; returns length or -1. */
static int
rx_unicode_class(struct rx *r, size_t i)
{
	const char	*s = r->s;
	size_t		 n = r->n, j = i + 2, end;

	if (j >= n)
		return rx_error(r, "invalid character class range", s + i,
		    n - i);
	if (s[j] == '{') {
		const char *e = memchr(s + j, '}', n - j);

		if (e == NULL)
			return rx_error(r, "invalid character class range",
			    s + i, n - i);
		end = (size_t)(e - s) + 1;
		if (end - j < 3 || s[j + 1] == 'X' || memchr(s + j, '&',
		    end - j) != NULL || memchr(s + j, ' ', end - j) != NULL ||
		    memchr(s + j, '=', end - j) != NULL)
			return rx_error(r, "invalid character class range",
			    s + i, end - i);
	} else {
		uint32_t c;

		end = j + tu_decode(s + j, n - j, &c);
	}
	buf_add(r->out, s + i, end - i);
	return (int)(end - i);
}

static int
rx_class_atom(struct rx *r, size_t i, uint32_t *lit, bool *is_lit)
{
	const char	*s = r->s, *pc;
	size_t		 n = r->n;
	int		 k;

	*is_lit = false;
	if (s[i] == '[' && i + 1 < n && s[i + 1] == ':') {
		const char *e = strstr(s + i + 2, ":]");

		if (e != NULL && (size_t)(e - s) < n) {
			static const char *const names[] = { "alnum", "alpha",
				"ascii", "blank", "cntrl", "digit", "graph",
				"lower", "print", "punct", "space", "upper",
				"word", "xdigit" };
			size_t	len = (size_t)(e - s) + 2 - i, q, nl;
			const char *nm = s + i + 2;

			nl = (size_t)(e - nm);
			if (nl > 0 && nm[0] == '^') {
				nm++;
				nl--;
			}
			for (q = 0; q < sizeof(names) / sizeof(names[0]); q++)
				if (strlen(names[q]) == nl &&
				    memcmp(names[q], nm, nl) == 0)
					break;
			if (q == sizeof(names) / sizeof(names[0]))
				return rx_error(r, "invalid character class "
				    "range", s + i, len);
			buf_add(r->out, s + i, len);
			return (int)len;
		}
	}
	if (s[i] == '\\' && i + 1 < n) {
		if (s[i + 1] == 'p' || s[i + 1] == 'P')
			return rx_unicode_class(r, i);
		pc = perl_class(s[i + 1], true);
		if (pc != NULL) {
			buf_addstr(r->out, pc);
			return 2;
		}
		k = rx_escape(r, i, lit);
		if (k > 0)
			*is_lit = true;
		return k;
	}
	*is_lit = true;
	return (int)tu_decode(s + i, n - i, lit);
}

/* Go's parseClass: [...]; returns the length. */
static int
rx_class(struct rx *r, size_t start)
{
	const char	*s = r->s;
	size_t		 n = r->n, i = start + 1;
	bool		 first = true, is_lit, is_lit2;
	uint32_t	 lo, hi;
	int		 k, k2;

	buf_addch(r->out, '[');
	if (i < n && s[i] == '^') {
		buf_addch(r->out, '^');
		i++;
	}
	while (i < n && (s[i] != ']' || first)) {
		size_t	at = i;

		first = false;
		k = rx_class_atom(r, i, &lo, &is_lit);
		if (k < 0)
			return -1;
		i += (size_t)k;
		if (!is_lit)
			continue;
		if (i + 1 < n && s[i] == '-' && s[i + 1] != ']') {
			k2 = rx_class_atom(r, i + 1, &hi, &is_lit2);
			if (k2 < 0)
				return -1;
			if (!is_lit2 || hi < lo)
				return rx_error(r, "invalid character class "
				    "range", s + at, i + 1 + (size_t)k2 - at);
			emit_rune(r->out, lo);
			buf_addch(r->out, '-');
			emit_rune(r->out, hi);
			i += 1 + (size_t)k2;
			continue;
		}
		emit_rune(r->out, lo);
	}
	if (i >= n)
		return rx_error(r, "missing closing ]", s + start, n - start);
	buf_addch(r->out, ']');
	return (int)(i + 1 - start);
}

static bool
valid_cap_name(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_alnum_c((unsigned char)s[i]) && s[i] != '_')
			return false;
	}
	return true;
}

/* Go's parsePerlFlags at s[i] == '(' && s[i+1] == '?'. */
static int
rx_perl_flags(struct rx *r, size_t i)
{
	const char	*s = r->s;
	size_t		 n = r->n, j = i + 2;
	int		 sign = 1;
	bool		 saw = false;

	if (n - i > 4 && s[i + 2] == 'P' && s[i + 3] == '<') {
		const char *e = memchr(s + i, '>', n - i);

		if (e == NULL)
			return rx_error(r, "invalid named capture", s + i,
			    n - i);
		if (!valid_cap_name(s + i + 4, (size_t)(e - s) - i - 4))
			return rx_error(r, "invalid named capture", s + i,
			    (size_t)(e - s) + 1 - i);
		buf_add(r->out, s + i, (size_t)(e - s) + 1 - i);
		r->depth++;
		return (int)((size_t)(e - s) + 1 - i);
	}
	while (j < n) {
		char c = s[j++];

		switch (c) {
		case 'i': case 'm': case 's': case 'U':
			saw = true;
			continue;
		case '-':
			if (sign < 0)
				goto bad;
			sign = -1;
			saw = false;
			continue;
		case ':':
		case ')':
			if (sign < 0 && !saw)
				goto bad;
			buf_add(r->out, s + i, j - i);
			if (c == ':')
				r->depth++;
			return (int)(j - i);
		default:
			goto bad;
		}
	}
bad:
	return rx_error(r, "invalid or unsupported Perl syntax", s + i, j - i);
}

/* Go's parseRepeat: {n}, {n,}, {n,m}; false when not a repeat. */
static bool
parse_repeat(const char *s, size_t n, int *min, int *max, size_t *len)
{
	size_t	i = 1;
	int	v;

	if (n < 2 || s[0] != '{')
		return false;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	for (v = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v > 100000000 ? v : v * 10 + (s[i] - '0');
	*min = v;
	*max = v;
	if (i < n && s[i] == ',') {
		i++;
		if (i < n && s[i] == '}')
			*max = -1;
		else {
			if (i >= n || s[i] < '0' || s[i] > '9')
				return false;
			for (v = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				v = v > 100000000 ? v : v * 10 + (s[i] - '0');
			*max = v;
		}
	}
	if (i >= n || s[i] != '}')
		return false;
	*len = i + 1;
	return true;
}

static int
rx_repeat(struct rx *r, size_t i, size_t oplen)
{
	size_t	after = i + oplen;

	if (after < r->n && r->s[after] == '?')
		after++;
	if (r->have_last)
		return rx_error(r, "invalid nested repetition operator",
		    r->s + r->last_repeat, after - r->last_repeat);
	if (!r->can_repeat)
		return rx_error(r, "missing argument to repetition operator",
		    r->s + i, after - i);
	buf_add(r->out, r->s + i, after - i);
	r->last_repeat = i;
	return (int)(after - i);
}

static int
rx_backslash(struct rx *r, size_t i)
{
	const char	*s = r->s, *pc;
	size_t		 n = r->n;
	uint32_t	 c;
	int		 k;

	if (i + 1 < n) {
		switch (s[i + 1]) {
		case 'A': case 'b': case 'B': case 'z':
			buf_add(r->out, s + i, 2);
			r->can_repeat = true;
			return 2;
		case 'C':
			return rx_error(r, "invalid escape sequence", s + i, 2);
		case 'Q': {
			const char	*e = memmem(s + i + 2, n - i - 2, "\\E",
					    2);
			size_t		 q, end;

			end = e != NULL ? (size_t)(e - s) : n;

			for (q = i + 2; q < end; q += (size_t)k) {
				k = (int)tu_decode(s + q, end - q, &c);
				emit_rune(r->out, c);
			}
			r->can_repeat = end > i + 2 || r->can_repeat;
			return (int)((e != NULL ? end + 2 : n) - i);
		}
		case 'p':
		case 'P':
			r->can_repeat = true;
			return rx_unicode_class(r, i);
		}
		pc = perl_class(s[i + 1], false);
		if (pc != NULL) {
			buf_addstr(r->out, pc);
			r->can_repeat = true;
			return 2;
		}
	}
	k = rx_escape(r, i, &c);
	if (k < 0)
		return -1;
	emit_rune(r->out, c);
	r->can_repeat = true;
	return k;
}

static int
rx_step(struct rx *r, size_t i, bool *repeated)
{
	const char	*s = r->s;
	size_t		 n = r->n, len;
	int		 min, max, k;
	uint32_t	 c;

	*repeated = false;
	switch (s[i]) {
	case '(':
		r->can_repeat = false;
		if (i + 1 < n && s[i + 1] == '?') {
			k = rx_perl_flags(r, i);
			return k;
		}
		buf_addch(r->out, '(');
		r->depth++;
		return 1;
	case '|':
		buf_addch(r->out, '|');
		r->can_repeat = false;
		return 1;
	case ')':
		if (r->depth == 0)
			return rx_error(r, "unexpected )", s, n);
		r->depth--;
		buf_addch(r->out, ')');
		r->can_repeat = true;
		return 1;
	case '^': case '$': case '.':
		buf_addch(r->out, s[i]);
		r->can_repeat = true;
		return 1;
	case '[':
		r->can_repeat = true;
		return rx_class(r, i);
	case '*': case '+': case '?':
		*repeated = true;
		return rx_repeat(r, i, 1);
	case '{':
		if (!parse_repeat(s + i, n - i, &min, &max, &len)) {
			buf_addstr(r->out, "\\{");
			r->can_repeat = true;
			return 1;
		}
		if (min < 0 || min > RE_MAX_REPEAT || max > RE_MAX_REPEAT ||
		    (max >= 0 && min > max))
			return rx_error(r, "invalid repeat count", s + i, len);
		*repeated = true;
		return rx_repeat(r, i, len);
	case '\\':
		return rx_backslash(r, i);
	default:
		k = (int)tu_decode(s + i, n - i, &c);
		if (k == 1 && c == 0xfffd && (unsigned char)s[i] >= 0x80)
			return rx_error(r, "invalid UTF-8", s + i, n - i);
		emit_rune(r->out, c);
		r->can_repeat = true;
		return k;
	}
}

/* Checks Go syntax and writes the PCRE2 pattern to out. */
static int
rx_translate(const char *s, size_t n, struct buf *out, struct buf *err)
{
	struct rx	r = { .s = s, .n = n, .out = out, .err = err };
	size_t		i = 0;
	bool		repeated;
	int		k;

	while (i < n) {
		k = rx_step(&r, i, &repeated);
		if (k < 0)
			return -1;
		r.have_last = repeated;
		i += (size_t)k;
	}
	if (r.depth != 0)
		return rx_error(&r, "missing closing )", s, n);
	return 0;
}

/* ------------------------------------------------------------ pcre2 --- */

struct rcode {
	pcre2_code		*code;
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
};

static int
re_compile(const char *re, size_t rn, struct rcode *rc, struct buf *err)
{
	struct buf		 pat;
	int			 e;
	PCRE2_SIZE		 off;
	pcre2_compile_context	*cc;

	memset(rc, 0, sizeof(*rc));
	buf_init(&pat, 1 << 20);
	if (rx_translate(re, rn, &pat, err) != 0) {
		buf_release(&pat);
		return -1;
	}
	cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	rc->code = pcre2_compile((PCRE2_SPTR)buf_str(&pat), buf_len(&pat),
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
	    PCRE2_DUPNAMES, &e, &off, cc);
	pcre2_compile_context_free(cc);
	buf_release(&pat);
	if (rc->code == NULL) {
		PCRE2_UCHAR	msg[256];

		pcre2_get_error_message(e, msg, sizeof(msg));
		buf_reset(err);
		buf_addf(err, "error parsing regexp: %s: `%.*s`", msg,
		    (int)rn, re);
		return -1;
	}
	rc->md = pcre2_match_data_create_from_pattern(rc->code, NULL);
	rc->mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(rc->mc, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(rc->mc, RE_DEPTH_LIMIT);
	return 0;
}

static void
re_free(struct rcode *rc)
{
	pcre2_match_context_free(rc->mc);
	pcre2_match_data_free(rc->md);
	pcre2_code_free(rc->code);
}

/* 1 match, 0 none, -1 error. */
static int
re_exec(struct rcode *rc, const char *s, size_t n, size_t start,
    struct buf *err)
{
	int	r;

	r = pcre2_match(rc->code, (PCRE2_SPTR)s, n, start, 0, rc->md, rc->mc);
	if (r >= 0)
		return 1;
	if (r == PCRE2_ERROR_NOMATCH)
		return 0;
	buf_reset(err);
	buf_addstr(err, "regexp match limit exceeded");
	return -1;
}

#define TRE_CACHE_MAX	16

struct tre_ent {
	char		*pat;
	size_t		 len;
	struct regex	*go;		/* match */
	struct rcode	 rc;		/* reReplaceAll */
	bool		 has_rc;
};

struct tre_cache {
	struct tre_ent	e[TRE_CACHE_MAX];
	size_t		n, next;
};

void
tre_cache_free(struct tre_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		regex_unref(c->e[i].go);
		if (c->e[i].has_rc)
			re_free(&c->e[i].rc);
		free(c->e[i].pat);
	}
	free(c);
}

static struct tre_ent *
cache_slot(struct tre_cache **cp, const char *re, size_t rn)
{
	struct tre_cache	*c = *cp;
	struct tre_ent		*e;
	size_t			 i;

	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		*cp = c;
	}
	for (i = 0; i < c->n; i++) {
		if (c->e[i].len == rn && memcmp(c->e[i].pat, re, rn) == 0)
			return &c->e[i];
	}
	if (c->n < TRE_CACHE_MAX)
		e = &c->e[c->n++];
	else {
		e = &c->e[c->next];
		c->next = (c->next + 1) % TRE_CACHE_MAX;
		regex_unref(e->go);
		if (e->has_rc)
			re_free(&e->rc);
		free(e->pat);
	}
	memset(e, 0, sizeof(*e));
	e->pat = xmemdup(re, rn + 1);
	e->pat[rn] = '\0';
	e->len = rn;
	return e;
}

int
tre_match(struct tre_cache **cache, const char *re, size_t rn, const char *s,
    size_t sn, bool *matched, struct buf *err)
{
	struct tre_ent	*e = cache_slot(cache, re, rn);
	struct ad_err	 ae;

	if (e->go == NULL) {
		e->go = regex_compile(re, rn, &ae);
		if (e->go == NULL) {
			buf_reset(err);
			buf_addstr(err, ae.msg);
			return -1;
		}
	}
	*matched = regex_match(e->go, s, sn);
	return 0;
}

/* Go's extract: the group name or number after '$'. */
static bool
expand_ref(const char *t, size_t n, size_t *used, const char **name,
    size_t *nlen, long *num)
{
	size_t		i = 0, w;
	bool		brace = false;
	uint32_t	r;

	if (n == 0)
		return false;
	if (t[0] == '{') {
		brace = true;
		t++;
		n--;
	}
	while (i < n) {
		w = tu_decode(t + i, n - i, &r);
		if (!(r == '_' || tu_is_letter(r) || tu_is_digit(r)))
			break;
		i += w;
	}
	if (i == 0)
		return false;
	*name = t;
	*nlen = i;
	if (brace) {
		if (i >= n || t[i] != '}')
			return false;
		i++;
	}
	*num = 0;
	for (w = 0; w < *nlen; w++) {
		if (t[w] < '0' || t[w] > '9' || *num >= 100000000) {
			*num = -1;
			break;
		}
		*num = *num * 10 + (t[w] - '0');
	}
	if (t[0] == '0' && *nlen > 1)
		*num = -1;
	*used = i + (brace ? 1 : 0);
	return true;
}

static long
group_by_name(struct rcode *rc, const PCRE2_SIZE *ov, uint32_t ng,
    const char *name, size_t nlen)
{
	PCRE2_SPTR	tab;
	uint32_t	count, esize, i;
	long		best = -1;

	pcre2_pattern_info(rc->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(rc->code, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	pcre2_pattern_info(rc->code, PCRE2_INFO_NAMETABLE, &tab);
	for (i = 0; i < count; i++) {
		const unsigned char *e = tab + i * esize;
		long g = (long)(e[0] << 8 | e[1]);

		if (strlen((const char *)e + 2) != nlen ||
		    memcmp(e + 2, name, nlen) != 0)
			continue;
		if ((uint32_t)g < ng && ov[2 * g] != PCRE2_UNSET &&
		    (best < 0 || g < best))
			best = g;
	}
	return best;
}

/* Offset in the caller's string of offset o of the matched subject. */
static size_t
orig(const size_t *map, size_t o)
{
	return map != NULL ? map[o] : o;
}

static int
expand(struct rcode *rc, struct buf *out, const char *t, size_t tn,
    const char *src, const size_t *map, const PCRE2_SIZE *ov, uint32_t ng)
{
	const char	*name;
	size_t		 used, nlen;
	long		 num;
	int		 rc2 = 0;

	while (tn > 0) {
		const char *d = memchr(t, '$', tn);

		if (d == NULL)
			break;
		rc2 |= buf_add(out, t, (size_t)(d - t));
		tn -= (size_t)(d - t) + 1;
		t = d + 1;
		if (tn > 0 && t[0] == '$') {
			rc2 |= buf_addch(out, '$');
			t++;
			tn--;
			continue;
		}
		if (!expand_ref(t, tn, &used, &name, &nlen, &num)) {
			rc2 |= buf_addch(out, '$');
			continue;
		}
		t += used;
		tn -= used;
		if (num < 0)
			num = group_by_name(rc, ov, ng, name, nlen);
		if (num >= 0 && (uint32_t)num < ng &&
		    ov[2 * num] != PCRE2_UNSET)
			rc2 |= buf_add(out, src + orig(map, ov[2 * num]),
			    orig(map, ov[2 * num + 1]) -
			    orig(map, ov[2 * num]));
	}
	rc2 |= buf_add(out, t, tn);
	return rc2;
}

/* regexp.MustCompile's panic text: Compile(`re`) or Compile("re"). */
static void
must_compile_error(const char *re, size_t rn, struct buf *err)
{
	struct buf	msg;
	size_t		i;
	bool		bq = utf8_valid(re, rn);

	for (i = 0; i < rn && bq; i++) {
		unsigned char c = (unsigned char)re[i];

		if ((c < ' ' && c != '\t') || c == '`' || c == 0x7f)
			bq = false;
	}
	if (bq && rn >= 3 && memmem(re, rn, "\xef\xbb\xbf", 3) != NULL)
		bq = false;
	buf_init(&msg, 4096);
	buf_addstr(&msg, "regexp: Compile(");
	if (bq) {
		buf_addch(&msg, '`');
		buf_add(&msg, re, rn);
		buf_addch(&msg, '`');
	} else
		buf_add_goquote(&msg, re, rn);
	buf_addstr(&msg, "): ");
	buf_add(&msg, buf_str(err), buf_len(err));
	buf_reset(err);
	buf_add(err, buf_str(&msg), buf_len(&msg));
	buf_release(&msg);
}

static int
replace_compile(struct tre_ent *e, struct buf *err)
{
	struct ad_err	ae;

	if (e->has_rc)
		return 0;
	if (regex_check(e->pat, e->len, &ae) != 0) {
		buf_reset(err);
		buf_addstr(err, ae.msg);
		must_compile_error(e->pat, e->len, err);
		return -1;
	}
	if (re_compile(e->pat, e->len, &e->rc, err) != 0) {
		must_compile_error(e->pat, e->len, err);
		return -1;
	}
	e->has_rc = true;
	return 0;
}

/*
 * Go reads an invalid UTF-8 byte as U+FFFD: match on a copy with the
 * substitution, and map its offsets back to s.
 */
static char *
substitute(const char *s, size_t n, size_t **mapp, size_t *tn)
{
	struct buf	 t;
	size_t		*map, i = 0, w, k;
	uint32_t	 r;

	map = xcalloc(3 * n + 1, sizeof(*map));
	buf_init(&t, BUF_NOCAP);
	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		if (w == 1 && (unsigned char)s[i] >= 0x80) {
			for (k = 0; k < 3; k++)
				map[buf_len(&t) + k] = i;
			buf_add(&t, "\xef\xbf\xbd", 3);
		} else {
			for (k = 0; k < w; k++)
				map[buf_len(&t) + k] = i + k;
			buf_add(&t, s + i, w);
		}
		i += w;
	}
	map[buf_len(&t)] = n;
	*mapp = map;
	return buf_detach(&t, tn);
}

static int
replace_loop(struct rcode *rc, const char *repl, size_t pn, const char *s,
    const char *t, size_t tn, const size_t *map, struct buf *out,
    struct buf *err)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(rc->md);
	uint32_t	 ng = pcre2_get_ovector_count(rc->md), cp;
	size_t		 last = 0, pos = 0, w;
	int		 r, res = 0;

	while (pos <= tn && res == 0) {
		r = re_exec(rc, t, tn, pos, err);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		res |= buf_add(out, s + orig(map, last),
		    orig(map, ov[0]) - orig(map, last));
		if (ov[1] > last || ov[0] == 0)
			res |= expand(rc, out, repl, pn, s, map, ov, ng);
		last = ov[1];
		w = pos < tn ? tu_decode(t + pos, tn - pos, &cp) : 0;
		if (pos + w > ov[1])
			pos += w;
		else if (pos + 1 > ov[1])
			pos++;
		else
			pos = ov[1];
	}
	if (res == 0)
		res |= buf_add(out, s + orig(map, last),
		    orig(map, tn) - orig(map, last));
	return res;
}

int
tre_replace_all(struct tre_cache **cache, const char *re, size_t rn,
    const char *repl, size_t pn, const char *s, size_t sn, struct buf *out,
    struct buf *err)
{
	struct tre_ent	*e = cache_slot(cache, re, rn);
	size_t		*map, tn;
	char		*t;
	int		 res;

	if (replace_compile(e, err) != 0)
		return -1;
	if (utf8_valid(s, sn))
		return replace_loop(&e->rc, repl, pn, s, s, sn, NULL, out, err);
	t = substitute(s, sn, &map, &tn);
	res = replace_loop(&e->rc, repl, pn, s, t, tn, map, out, err);
	free(t);
	free(map);
	return res;
}
