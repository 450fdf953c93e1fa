/*
 * Go's encoding/json scanner (scanner.go's states and error texts) run
 * byte by byte over a body; see api_jscan.h.  It only checks syntax: the
 * decoders walk the value afterwards, or walk first and call this to word
 * the error when they find the body malformed.
 */
#include "alertd/api_jscan.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

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

/* encoding/json quoteChar. */
static void
quote_char(struct buf *b, unsigned char c)
{
	struct buf	q;
	char		u[4];
	int		n;

	if (c == '\'') {
		buf_addstr(b, "'\\''");
		return;
	}
	if (c == '"') {
		buf_addstr(b, "'\"'");
		return;
	}
	/* Go's string(c) makes the rune U+00c. */
	n = utf8_encode(c, u);
	buf_init(&q, BUF_NOCAP);
	buf_add_goquote(&q, u, (size_t)n);
	buf_addch(b, '\'');
	buf_add(b, buf_str(&q) + 1, buf_len(&q) - 2);
	buf_addch(b, '\'');
	buf_release(&q);
}

enum sstate {
	SS_BEGIN_VALUE, SS_BEGIN_VALUE_OR_EMPTY, SS_BEGIN_STRING_OR_EMPTY,
	SS_BEGIN_STRING, SS_END_VALUE, SS_STR, SS_STR_ESC, SS_STR_U,
	SS_NEG, SS_ONE, SS_ZERO, SS_DOT, SS_DOT0, SS_E, SS_ESIGN, SS_E0,
	SS_LIT, SS_DONE
};

enum pstate { PS_OBJ_KEY, PS_OBJ_VALUE, PS_ARRAY };

struct scanner {
	enum sstate	 st;
	unsigned char	*stack;		/* enum pstate per level */
	size_t		 depth;
	const char	*lit;		/* "true", "false", "null" */
	size_t		 litpos, upos;
	const char	*ctx;		/* error context, NULL: no error */
	size_t		 end;
	size_t		 base;		/* levels above the first value */
	size_t		 cap;		/* of stack */
	unsigned char	 small[64];	/* the stack until it grows */
};

static void
scan_init(struct scanner *sc, size_t base)
{
	memset(sc, 0, sizeof(*sc));
	sc->st = SS_BEGIN_VALUE;
	sc->base = base;
	sc->stack = sc->small;
	sc->cap = sizeof(sc->small);
}

static void
scan_release(struct scanner *sc)
{
	if (sc->stack != sc->small)
		free(sc->stack);
}

static void
scan_push(struct scanner *sc, enum pstate ps)
{
	if (sc->depth == sc->cap) {
		sc->cap *= 4;
		if (sc->stack == sc->small)
			sc->stack = xmemdup(sc->small, sizeof(sc->small));
		sc->stack = xrealloc(sc->stack, sc->cap);
	}
	sc->stack[sc->depth++] = (unsigned char)ps;
	if (sc->depth + sc->base > API_JSCAN_MAX_DEPTH)
		sc->ctx = "exceeded max depth";
}

static void scan_byte(struct scanner *sc, unsigned char c, size_t i);

/* stateEndValue */
static void
scan_end_value(struct scanner *sc, unsigned char c, size_t i)
{
	if (sc->depth == 0) {
		sc->st = SS_DONE;
		sc->end = i;
		return;
	}
	sc->st = SS_END_VALUE;
	if (is_space(c))
		return;
	switch (sc->stack[sc->depth - 1]) {
	case PS_OBJ_KEY:
		if (c == ':') {
			sc->stack[sc->depth - 1] = PS_OBJ_VALUE;
			sc->st = SS_BEGIN_VALUE;
		} else
			sc->ctx = "after object key";
		return;
	case PS_OBJ_VALUE:
		if (c == ',') {
			sc->stack[sc->depth - 1] = PS_OBJ_KEY;
			sc->st = SS_BEGIN_STRING;
		} else if (c == '}')
			sc->depth--;
		else
			sc->ctx = "after object key:value pair";
		break;
	default:
		if (c == ',')
			sc->st = SS_BEGIN_VALUE;
		else if (c == ']')
			sc->depth--;
		else
			sc->ctx = "after array element";
		break;
	}
	if (sc->ctx == NULL && sc->depth == 0 && (c == '}' || c == ']')) {
		sc->st = SS_DONE;
		sc->end = i + 1;
	}
}

static void
scan_begin_value(struct scanner *sc, unsigned char c)
{
	if (is_space(c))
		return;
	switch (c) {
	case '{':
		sc->st = SS_BEGIN_STRING_OR_EMPTY;
		scan_push(sc, PS_OBJ_KEY);
		return;
	case '[':
		sc->st = SS_BEGIN_VALUE_OR_EMPTY;
		scan_push(sc, PS_ARRAY);
		return;
	case '"':
		sc->st = SS_STR;
		return;
	case '-':
		sc->st = SS_NEG;
		return;
	case '0':
		sc->st = SS_ZERO;
		return;
	case 't':
		sc->lit = "true";
		break;
	case 'f':
		sc->lit = "false";
		break;
	case 'n':
		sc->lit = "null";
		break;
	default:
		if (c >= '1' && c <= '9') {
			sc->st = SS_ONE;
			return;
		}
		sc->ctx = "looking for beginning of value";
		return;
	}
	sc->st = SS_LIT;
	sc->litpos = 1;
}

static bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void
scan_string(struct scanner *sc, unsigned char c)
{
	switch (sc->st) {
	case SS_STR:
		if (c == '"')
			sc->st = SS_END_VALUE;
		else if (c == '\\')
			sc->st = SS_STR_ESC;
		else if (c < 0x20)
			sc->ctx = "in string literal";
		return;
	case SS_STR_ESC:
		if (strchr("bfnrt\\/\"", c) != NULL && c != '\0')
			sc->st = SS_STR;
		else if (c == 'u') {
			sc->st = SS_STR_U;
			sc->upos = 0;
		} else
			sc->ctx = "in string escape code";
		return;
	default:
		if (!is_hex(c))
			sc->ctx = "in \\u hexadecimal character escape";
		else if (++sc->upos == 4)
			sc->st = SS_STR;
		return;
	}
}

/* The number states; returns true when c ended the number. */
static bool
scan_number(struct scanner *sc, unsigned char c)
{
	switch (sc->st) {
	case SS_NEG:
		if (c == '0')
			sc->st = SS_ZERO;
		else if (c >= '1' && c <= '9')
			sc->st = SS_ONE;
		else
			sc->ctx = "in numeric literal";
		return false;
	case SS_ONE:
		if (is_digit(c))
			return false;
		/* FALLTHROUGH */
	case SS_ZERO:
		if (c == '.')
			sc->st = SS_DOT;
		else if (c == 'e' || c == 'E')
			sc->st = SS_E;
		else
			return true;
		return false;
	case SS_DOT:
		if (is_digit(c))
			sc->st = SS_DOT0;
		else
			sc->ctx = "after decimal point in numeric literal";
		return false;
	case SS_DOT0:
		if (is_digit(c))
			return false;
		if (c == 'e' || c == 'E') {
			sc->st = SS_E;
			return false;
		}
		return true;
	case SS_E:
		if (c == '+' || c == '-') {
			sc->st = SS_ESIGN;
			return false;
		}
		/* FALLTHROUGH */
	case SS_ESIGN:
		if (is_digit(c))
			sc->st = SS_E0;
		else
			sc->ctx = "in exponent of numeric literal";
		return false;
	default:	/* SS_E0 */
		return !is_digit(c);
	}
}

static void
scan_byte(struct scanner *sc, unsigned char c, size_t i)
{
	switch (sc->st) {
	case SS_BEGIN_VALUE_OR_EMPTY:
		if (is_space(c))
			return;
		if (c == ']') {
			scan_end_value(sc, c, i);
			return;
		}
		scan_begin_value(sc, c);
		return;
	case SS_BEGIN_VALUE:
		scan_begin_value(sc, c);
		return;
	case SS_BEGIN_STRING_OR_EMPTY:
		if (is_space(c))
			return;
		if (c == '}') {
			sc->stack[sc->depth - 1] = PS_OBJ_VALUE;
			scan_end_value(sc, c, i);
			return;
		}
		/* FALLTHROUGH */
	case SS_BEGIN_STRING:
		if (is_space(c))
			return;
		if (c == '"')
			sc->st = SS_STR;
		else
			sc->ctx = "looking for beginning of object key string";
		return;
	case SS_END_VALUE:
		scan_end_value(sc, c, i);
		return;
	case SS_STR:
	case SS_STR_ESC:
	case SS_STR_U:
		scan_string(sc, c);
		return;
	case SS_LIT:
		if (c != (unsigned char)sc->lit[sc->litpos])
			sc->ctx = "";	/* worded by the caller */
		else if (sc->lit[++sc->litpos] == '\0')
			sc->st = SS_END_VALUE;
		return;
	case SS_DONE:
		return;
	default:
		if (scan_number(sc, c))
			scan_end_value(sc, c, i);
		return;
	}
}

/* The main loop; stops after the first value, an error or n. */
static size_t
scan_run(struct scanner *sc, const char *s, size_t n, size_t i,
    size_t *first)
{
	for (; i < n && sc->st != SS_DONE; i++) {
		if (sc->st == SS_STR) {
			/* Most bytes are in strings: skip the plain ones. */
			while (i < n && (unsigned char)s[i] >= 0x20 &&
			    s[i] != '"' && s[i] != '\\')
				i++;
			if (i == n)
				break;
		}
		if (*first == n && !is_space((unsigned char)s[i]))
			*first = i;
		scan_byte(sc, (unsigned char)s[i], i);
		if (sc->ctx != NULL)
			break;
	}
	return i;
}

/* Go's SyntaxError text for the byte c the scanner stopped at. */
static void
word_error(const struct scanner *sc, unsigned char c, struct buf *msg)
{
	buf_addstr(msg, "invalid character ");
	quote_char(msg, c);
	if (sc->st == SS_LIT)
		buf_addf(msg, " in literal %s (expecting '%c')", sc->lit,
		    sc->lit[sc->litpos]);
	else
		buf_addf(msg, " %s", sc->ctx);
}

int
api_jscan_first(const char *s, size_t n, size_t *start, size_t *end,
    struct buf *msg)
{
	struct scanner	sc;
	size_t		i, first = n;
	int		rc = 1;

	scan_init(&sc, 0);
	i = scan_run(&sc, s, n, 0, &first);
	if (sc.ctx != NULL) {
		word_error(&sc, (unsigned char)s[i], msg);
		rc = -1;
	} else if (sc.st != SS_DONE) {
		/* At EOF Go steps once more with ' '. */
		if (first == n)
			rc = 0;
		else if (sc.depth == 0 && (sc.st == SS_END_VALUE ||
		    sc.st == SS_ONE || sc.st == SS_ZERO || sc.st == SS_DOT0 ||
		    sc.st == SS_E0))
			sc.end = n;
		else {
			buf_addstr(msg, "unexpected EOF");
			rc = -1;
		}
	}
	scan_release(&sc);
	*start = first;
	*end = sc.end;
	return rc;
}

/* checkValid: the value, then white space only; at EOF, eof()'s step. */
static int
check_valid(struct scanner *sc, const char *s, size_t n, struct buf *msg)
{
	size_t	i, first = n;

	i = scan_run(sc, s, n, 0, &first);
	if (sc->ctx != NULL) {
		word_error(sc, (unsigned char)s[i], msg);
		return -1;
	}
	if (sc->st != SS_DONE) {
		scan_byte(sc, ' ', n);
		if (sc->ctx != NULL) {
			word_error(sc, ' ', msg);
			return -1;
		}
		if (sc->st != SS_DONE) {
			buf_addstr(msg, "unexpected end of JSON input");
			return -1;
		}
		return 0;
	}
	for (i = sc->end; i < n; i++) {
		if (!is_space((unsigned char)s[i])) {
			sc->ctx = "after top-level value";
			word_error(sc, (unsigned char)s[i], msg);
			return -1;
		}
	}
	return 0;
}

int
api_jscan_check_valid(const char *s, size_t n, struct ad_err *err)
{
	struct scanner	sc;
	struct buf	msg;
	int		rc;

	scan_init(&sc, 0);
	buf_init(&msg, BUF_NOCAP);
	rc = check_valid(&sc, s, n, &msg);
	if (rc == -1)
		ad_err_set(err, AD_EINVAL, "%s", buf_str(&msg));
	buf_release(&msg);
	scan_release(&sc);
	return rc;
}

int
api_jscan_skip(const char *s, size_t n, size_t i, size_t depth, size_t *end)
{
	struct scanner	sc;
	size_t		first = n;
	int		rc = 0;

	scan_init(&sc, depth);
	scan_run(&sc, s, n, i, &first);
	if (sc.ctx != NULL || sc.st != SS_DONE)
		rc = -1;
	*end = sc.end;
	scan_release(&sc);
	return rc;
}
