/*
 * goscan: Go's JSON syntax check (encoding/json's scanner), written as one
 * state machine.  A state that Go hands the byte on to another state
 * ("state1 sees a non-digit: it is state0's byte") loops here with the
 * same byte.  At the end of input Go feeds one space, so "tr" fails as
 * "invalid character ' ' in literal true (expecting 'u')" and "1." as
 * "... ' ' after decimal point in numeric literal": kept.
 */
#include "alertd/cli/goscan.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/err.h"
#include "alertd/xmalloc.h"

#define SCAN_DEPTH_MAX	10000	/* Go's maxNestingDepth */

enum scan_st {
	ST_BEGIN_VALUE_OR_EMPTY, ST_BEGIN_VALUE, ST_BEGIN_STRING_OR_EMPTY,
	ST_BEGIN_STRING, ST_END_VALUE, ST_END_TOP, ST_IN_STRING,
	ST_IN_STRING_ESC, ST_IN_STRING_ESC_U, ST_NEG, ST_1, ST_0, ST_DOT,
	ST_DOT0, ST_E, ST_ESIGN, ST_E0, ST_LITERAL
};

/* What the innermost open value expects next. */
enum scan_ps { PS_OBJECT_KEY, PS_OBJECT_VALUE, PS_ARRAY_VALUE };

struct scanner {
	enum scan_st	 st;
	unsigned char	*stack;		/* enum scan_ps */
	size_t		 depth;
	bool		 end_top;
	const char	*lit;		/* ST_LITERAL: true, false or null */
	int		 lit_i;		/* next expected letter */
	int		 hex;		/* ST_IN_STRING_ESC_U: digits seen */
};

void
goscan_quote_char(unsigned char c, char *out, size_t n)
{
	static const char	 esc[] = "\a\b\f\n\r\t\v";
	static const char	 name[] = "abfnrtv";
	const char		*e = c != '\0' ? strchr(esc, c) : NULL;

	if (c == '\'')
		snprintf(out, n, "'\\''");
	else if (c == '\\')
		snprintf(out, n, "'\\\\'");
	else if (c >= 0x20 && c < 0x7f)
		snprintf(out, n, "'%c'", c);
	else if (e != NULL)
		snprintf(out, n, "'\\%c'", name[e - esc]);
	else if (c < 0x80)
		snprintf(out, n, "'\\x%02x'", c);
	else if (c <= 0xa0 || c == 0xad)
		/* not strconv.IsPrint */
		snprintf(out, n, "'\\u%04x'", c);
	else
		snprintf(out, n, "'%c%c'", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
}

static int
scan_error(unsigned char c, const char *context, struct ad_err *err)
{
	char	q[16];

	goscan_quote_char(c, q, sizeof(q));
	return ad_err_set(err, AD_EINVAL, "invalid character %s %s", q,
	    context);
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
push(struct scanner *s, enum scan_ps ps, unsigned char c,
    struct ad_err *err)
{
	if (s->depth == SCAN_DEPTH_MAX)
		return scan_error(c, "exceeded max depth", err);
	s->stack[s->depth++] = (unsigned char)ps;
	return 0;
}

static void
pop(struct scanner *s)
{
	s->depth--;
	if (s->depth == 0) {
		s->st = ST_END_TOP;
		s->end_top = true;
	} else
		s->st = ST_END_VALUE;
}

static void
literal(struct scanner *s, const char *lit)
{
	s->st = ST_LITERAL;
	s->lit = lit;
	s->lit_i = 1;
}

/* stateBeginValue on a byte that is not white space. */
static int
begin_value(struct scanner *s, unsigned char c, struct ad_err *err)
{
	switch (c) {
	case '{':
		s->st = ST_BEGIN_STRING_OR_EMPTY;
		return push(s, PS_OBJECT_KEY, c, err);
	case '[':
		s->st = ST_BEGIN_VALUE_OR_EMPTY;
		return push(s, PS_ARRAY_VALUE, c, err);
	case '"':
		s->st = ST_IN_STRING;
		return 0;
	case '-':
		s->st = ST_NEG;
		return 0;
	case '0':
		s->st = ST_0;
		return 0;
	case 't':
		literal(s, "true");
		return 0;
	case 'f':
		literal(s, "false");
		return 0;
	case 'n':
		literal(s, "null");
		return 0;
	default:
		if (c >= '1' && c <= '9') {
			s->st = ST_1;
			return 0;
		}
		return scan_error(c, "looking for beginning of value", err);
	}
}

/* stateEndValue inside an object or array, on a non-space byte. */
static int
end_value(struct scanner *s, unsigned char c, struct ad_err *err)
{
	unsigned char	*top = &s->stack[s->depth - 1];

	switch (*top) {
	case PS_OBJECT_KEY:
		if (c != ':')
			return scan_error(c, "after object key", err);
		*top = PS_OBJECT_VALUE;
		s->st = ST_BEGIN_VALUE;
		return 0;
	case PS_OBJECT_VALUE:
		if (c == ',') {
			*top = PS_OBJECT_KEY;
			s->st = ST_BEGIN_STRING;
			return 0;
		}
		if (c != '}')
			return scan_error(c, "after object key:value pair",
			    err);
		pop(s);
		return 0;
	default:
		if (c == ',') {
			s->st = ST_BEGIN_VALUE;
			return 0;
		}
		if (c != ']')
			return scan_error(c, "after array element", err);
		pop(s);
		return 0;
	}
}

static int
in_string(struct scanner *s, unsigned char c, struct ad_err *err)
{
	switch (s->st) {
	case ST_IN_STRING:
		if (c == '"')
			s->st = ST_END_VALUE;
		else if (c == '\\')
			s->st = ST_IN_STRING_ESC;
		else if (c < 0x20)
			return scan_error(c, "in string literal", err);
		return 0;
	case ST_IN_STRING_ESC:
		if (c != '\0' && strchr("bfnrt\\/\"", c) != NULL)
			s->st = ST_IN_STRING;
		else if (c == 'u') {
			s->st = ST_IN_STRING_ESC_U;
			s->hex = 0;
		} else
			return scan_error(c, "in string escape code", err);
		return 0;
	default:
		if (!is_digit(c) && !(c >= 'a' && c <= 'f') &&
		    !(c >= 'A' && c <= 'F'))
			return scan_error(c, "in \\u hexadecimal character "
			    "escape", err);
		if (++s->hex == 4)
			s->st = ST_IN_STRING;
		return 0;
	}
}

/*
 * A number's states.  1 when the byte ends the number: the caller hands
 * it on to ST_END_VALUE.
 */
static int
in_number(struct scanner *s, unsigned char c, struct ad_err *err)
{
	switch (s->st) {
	case ST_NEG:
		if (c == '0' || (c >= '1' && c <= '9')) {
			s->st = c == '0' ? ST_0 : ST_1;
			return 0;
		}
		return scan_error(c, "in numeric literal", err);
	case ST_1:
		if (is_digit(c))
			return 0;
		/* FALLTHROUGH */
	case ST_0:
		if (c == '.' || c == 'e' || c == 'E') {
			s->st = c == '.' ? ST_DOT : ST_E;
			return 0;
		}
		return 1;
	case ST_DOT:
		if (!is_digit(c))
			return scan_error(c, "after decimal point in numeric "
			    "literal", err);
		s->st = ST_DOT0;
		return 0;
	case ST_DOT0:
		if (is_digit(c))
			return 0;
		if (c != 'e' && c != 'E')
			return 1;
		s->st = ST_E;
		return 0;
	case ST_E:
		if (c == '+' || c == '-') {
			s->st = ST_ESIGN;
			return 0;
		}
		/* FALLTHROUGH */
	case ST_ESIGN:
		if (!is_digit(c))
			return scan_error(c, "in exponent of numeric literal",
			    err);
		s->st = ST_E0;
		return 0;
	default:	/* ST_E0 */
		return is_digit(c) ? 0 : 1;
	}
}

static int
in_literal(struct scanner *s, unsigned char c, struct ad_err *err)
{
	char	ctx[64];

	if (c != (unsigned char)s->lit[s->lit_i]) {
		snprintf(ctx, sizeof(ctx), "in literal %s (expecting '%c')",
		    s->lit, s->lit[s->lit_i]);
		return scan_error(c, ctx, err);
	}
	if (s->lit[++s->lit_i] == '\0')
		s->st = ST_END_VALUE;
	return 0;
}

static int
step(struct scanner *s, unsigned char c, struct ad_err *err)
{
	int	rc;

	for (;;) {
		switch (s->st) {
		case ST_BEGIN_VALUE_OR_EMPTY:
			if (is_space(c))
				return 0;
			s->st = c == ']' ? ST_END_VALUE : ST_BEGIN_VALUE;
			continue;
		case ST_BEGIN_STRING_OR_EMPTY:
			if (is_space(c))
				return 0;
			if (c == '}') {
				s->stack[s->depth - 1] = PS_OBJECT_VALUE;
				s->st = ST_END_VALUE;
			} else
				s->st = ST_BEGIN_STRING;
			continue;
		case ST_BEGIN_VALUE:
			return is_space(c) ? 0 : begin_value(s, c, err);
		case ST_BEGIN_STRING:
			if (is_space(c))
				return 0;
			if (c != '"')
				return scan_error(c, "looking for beginning of "
				    "object key string", err);
			s->st = ST_IN_STRING;
			return 0;
		case ST_END_VALUE:
			if (s->depth == 0) {
				s->st = ST_END_TOP;
				s->end_top = true;
				continue;
			}
			return is_space(c) ? 0 : end_value(s, c, err);
		case ST_END_TOP:
			return is_space(c) ? 0 : scan_error(c,
			    "after top-level value", err);
		case ST_IN_STRING:
		case ST_IN_STRING_ESC:
		case ST_IN_STRING_ESC_U:
			return in_string(s, c, err);
		case ST_LITERAL:
			return in_literal(s, c, err);
		default:
			rc = in_number(s, c, err);
			if (rc != 1)
				return rc;
			s->st = ST_END_VALUE;
			continue;
		}
	}
}

int
goscan_check_valid(const char *p, size_t len, struct ad_err *err)
{
	struct scanner	s = { .st = ST_BEGIN_VALUE };
	size_t		i;
	int		rc = 0;

	s.stack = xmalloc(SCAN_DEPTH_MAX);
	for (i = 0; rc == 0 && i < len; i++)
		rc = step(&s, (unsigned char)p[i], err);
	/* eof(): one more space ends a number or fails a literal. */
	if (rc == 0 && !s.end_top)
		rc = step(&s, ' ', err);
	if (rc == 0 && !s.end_top)
		rc = ad_err_set(err, AD_EINVAL, "unexpected end of JSON input");
	free(s.stack);
	return rc;
}
