/*
 * The lexer of Go's text/template (text/template/parse/lex.go, Go 1.19),
 * as a state machine run on demand: each call to tlex_next runs states
 * until an item is ready.  Items, positions, line numbers and error texts
 * are Go's, since parse errors quote them.  Delimiters are always {{ }}
 * (Alertmanager never changes them); trim markers, comments and
 * break/continue keywords behave as in Go 1.19.
 */
#include "templates/tmpl_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"

#define EOF_RUNE	0xffffffffu

enum {
	LS_STOP, LS_TEXT, LS_LEFT_DELIM, LS_COMMENT, LS_RIGHT_DELIM,
	LS_INSIDE, LS_SPACE, LS_IDENT, LS_FIELD, LS_VARIABLE, LS_CHAR,
	LS_NUMBER, LS_QUOTE, LS_RAW_QUOTE
};

static const struct {
	const char	*word;
	enum titem	 typ;
} keywords[] = {
	{ ".", IT_DOT }, { "block", IT_BLOCK }, { "break", IT_BREAK },
	{ "continue", IT_CONTINUE }, { "define", IT_DEFINE },
	{ "else", IT_ELSE }, { "end", IT_END }, { "if", IT_IF },
	{ "range", IT_RANGE }, { "nil", IT_NIL }, { "template", IT_TEMPLATE },
	{ "with", IT_WITH },
};

static uint32_t
lnext(struct tlexer *l)
{
	uint32_t	r;
	size_t		w;

	if (l->pos >= l->len) {
		l->at_eof = true;
		return EOF_RUNE;
	}
	w = tu_decode(l->input + l->pos, l->len - l->pos, &r);
	l->pos += w;
	if (r == '\n')
		l->line++;
	return r;
}

static void
lbackup(struct tlexer *l)
{
	uint32_t	r;
	size_t		w;

	if (!l->at_eof && l->pos > 0) {
		w = tu_decode_last(l->input, l->pos, &r);
		l->pos -= w;
		if (r == '\n')
			l->line--;
	}
}

static uint32_t
lpeek(struct tlexer *l)
{
	uint32_t	r = lnext(l);

	lbackup(l);
	return r;
}

static int
count_nl(const char *s, size_t n)
{
	int	c = 0;

	while (n-- > 0)
		c += *s++ == '\n';
	return c;
}

static void
lemit(struct tlexer *l, enum titem t)
{
	struct titem_tok	*it;

	it = &l->q[(l->qhead + l->qn) % TLEX_QUEUE];
	l->qn++;
	it->typ = t;
	it->pos = (uint32_t)l->start;
	it->val = l->input + l->start;
	it->len = l->pos - l->start;
	it->line = l->start_line;
	l->start = l->pos;
	l->start_line = l->line;
}

static void
lignore(struct tlexer *l)
{
	l->line += count_nl(l->input + l->start, l->pos - l->start);
	l->start = l->pos;
	l->start_line = l->line;
}

static bool
laccept(struct tlexer *l, const char *valid)
{
	uint32_t	r = lnext(l);

	if (r != EOF_RUNE && r < 0x80 && r != 0 && strchr(valid, (int)r))
		return true;
	lbackup(l);
	return false;
}

static void
laccept_run(struct tlexer *l, const char *valid)
{
	while (laccept(l, valid))
		;
}

static int
lerrorf(struct tlexer *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
lerrorf(struct tlexer *l, const char *fmt, ...)
{
	struct titem_tok	*it;
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(l->errmsg, sizeof(l->errmsg), fmt, ap);
	va_end(ap);
	it = &l->q[(l->qhead + l->qn) % TLEX_QUEUE];
	l->qn++;
	it->typ = IT_ERROR;
	it->pos = (uint32_t)l->start;
	it->val = l->errmsg;
	it->len = strlen(l->errmsg);
	it->line = l->start_line;
	return LS_STOP;
}

static bool
is_space(uint32_t r)
{
	return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

static bool
is_alnum(uint32_t r)
{
	return r != EOF_RUNE && (r == '_' || tu_is_letter(r) ||
	    tu_is_digit(r));
}

static bool
has_left_trim(const char *s, size_t n)
{
	return n >= 2 && s[0] == '-' && is_space((unsigned char)s[1]);
}

static bool
has_right_trim(const char *s, size_t n)
{
	return n >= 2 && is_space((unsigned char)s[0]) && s[1] == '-';
}

static bool
has_prefix(const char *s, size_t n, const char *p)
{
	size_t	pl = strlen(p);

	return n >= pl && memcmp(s, p, pl) == 0;
}

/* %#U formatting for error texts. */
static void
fmt_rune(char *out, size_t len, uint32_t r)
{
	char	enc[5];
	int	w;

	if (r == EOF_RUNE) {
		snprintf(out, len, "U+FFFFFFFFFFFFFFFF");
		return;
	}
	if (!tu_is_print(r)) {
		snprintf(out, len, "U+%04X", r);
		return;
	}
	w = utf8_encode(r, enc);
	enc[w] = '\0';
	snprintf(out, len, "U+%04X '%s'", r, enc);
}

static int
lex_text(struct tlexer *l)
{
	const char	*p;
	size_t		 x, trim = 0, i;

	p = memmem(l->input + l->pos, l->len - l->pos, "{{", 2);
	if (p == NULL) {
		l->pos = l->len;
		if (l->pos > l->start) {
			l->line += count_nl(l->input + l->start,
			    l->pos - l->start);
			lemit(l, IT_TEXT);
		}
		lemit(l, IT_EOF);
		return LS_STOP;
	}
	x = (size_t)(p - l->input);
	l->pos = x;
	if (has_left_trim(p + 2, l->len - x - 2)) {
		for (i = x; i > l->start && is_space(
		    (unsigned char)l->input[i - 1]); i--)
			trim++;
	}
	l->pos -= trim;
	if (l->pos > l->start) {
		l->line += count_nl(l->input + l->start, l->pos - l->start);
		lemit(l, IT_TEXT);
	}
	l->pos += trim;
	lignore(l);
	return LS_LEFT_DELIM;
}

static bool
at_right_delim(struct tlexer *l, bool *trim)
{
	const char	*s = l->input + l->pos;
	size_t		 n = l->len - l->pos;

	if (has_right_trim(s, n) && has_prefix(s + 2, n - 2, "}}")) {
		*trim = true;
		return true;
	}
	*trim = false;
	return has_prefix(s, n, "}}");
}

static size_t
left_trim_len(const char *s, size_t n)
{
	size_t	i = 0;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	return i;
}

static int
lex_left_delim(struct tlexer *l)
{
	bool	trim;
	size_t	after;

	l->pos += 2;
	trim = has_left_trim(l->input + l->pos, l->len - l->pos);
	after = trim ? 2 : 0;
	if (has_prefix(l->input + l->pos + after, l->len - l->pos - after,
	    "/*")) {
		l->pos += after;
		lignore(l);
		return LS_COMMENT;
	}
	lemit(l, IT_LDELIM);
	l->pos += after;
	lignore(l);
	l->paren_depth = 0;
	return LS_INSIDE;
}

static int
lex_comment(struct tlexer *l)
{
	const char	*p;
	bool		 trim;

	l->pos += 2;
	p = memmem(l->input + l->pos, l->len - l->pos, "*/", 2);
	if (p == NULL)
		return lerrorf(l, "unclosed comment");
	l->pos = (size_t)(p - l->input) + 2;
	if (!at_right_delim(l, &trim))
		return lerrorf(l, "comment ends before closing delimiter");
	if (trim)
		l->pos += 2;
	l->pos += 2;
	if (trim)
		l->pos += left_trim_len(l->input + l->pos, l->len - l->pos);
	lignore(l);
	return LS_TEXT;
}

static int
lex_right_delim(struct tlexer *l)
{
	bool	trim;

	trim = has_right_trim(l->input + l->pos, l->len - l->pos);
	if (trim) {
		l->pos += 2;
		lignore(l);
	}
	l->pos += 2;
	lemit(l, IT_RDELIM);
	if (trim) {
		l->pos += left_trim_len(l->input + l->pos, l->len - l->pos);
		lignore(l);
	}
	return LS_TEXT;
}

static int
lex_inside(struct tlexer *l)
{
	bool		trim;
	uint32_t	r;
	char		rs[32];

	if (at_right_delim(l, &trim)) {
		if (l->paren_depth == 0)
			return LS_RIGHT_DELIM;
		return lerrorf(l, "unclosed left paren");
	}
	r = lnext(l);
	if (r == EOF_RUNE)
		return lerrorf(l, "unclosed action");
	if (is_space(r)) {
		lbackup(l);
		return LS_SPACE;
	}
	switch (r) {
	case '=':
		lemit(l, IT_ASSIGN);
		return LS_INSIDE;
	case ':':
		if (lnext(l) != '=')
			return lerrorf(l, "expected :=");
		lemit(l, IT_DECLARE);
		return LS_INSIDE;
	case '|':
		lemit(l, IT_PIPE);
		return LS_INSIDE;
	case '"':
		return LS_QUOTE;
	case '`':
		return LS_RAW_QUOTE;
	case '$':
		return LS_VARIABLE;
	case '\'':
		return LS_CHAR;
	case '.':
		if (l->pos < l->len && (l->input[l->pos] < '0' ||
		    l->input[l->pos] > '9'))
			return LS_FIELD;
		lbackup(l);
		return LS_NUMBER;
	case '(':
		lemit(l, IT_LPAREN);
		l->paren_depth++;
		return LS_INSIDE;
	case ')':
		lemit(l, IT_RPAREN);
		l->paren_depth--;
		if (l->paren_depth < 0) {
			fmt_rune(rs, sizeof(rs), r);
			return lerrorf(l, "unexpected right paren %s", rs);
		}
		return LS_INSIDE;
	}
	if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
		lbackup(l);
		return LS_NUMBER;
	}
	if (is_alnum(r)) {
		lbackup(l);
		return LS_IDENT;
	}
	if (r < 0x80 && tu_is_print(r)) {
		lemit(l, IT_CHAR);
		return LS_INSIDE;
	}
	fmt_rune(rs, sizeof(rs), r);
	return lerrorf(l, "unrecognized character in action: %s", rs);
}

static int
lex_space(struct tlexer *l)
{
	int	nspaces = 0;

	while (is_space(lpeek(l))) {
		lnext(l);
		nspaces++;
	}
	if (has_right_trim(l->input + l->pos - 1, l->len - l->pos + 1) &&
	    has_prefix(l->input + l->pos + 1, l->len - l->pos - 1, "}}")) {
		lbackup(l);
		if (nspaces == 1)
			return LS_RIGHT_DELIM;
	}
	lemit(l, IT_SPACE);
	return LS_INSIDE;
}

static bool
at_terminator(struct tlexer *l)
{
	uint32_t	r = lpeek(l);

	if (is_space(r))
		return true;
	switch (r) {
	case EOF_RUNE: case '.': case ',': case '|': case ':': case ')':
	case '(':
		return true;
	}
	return has_prefix(l->input + l->pos, l->len - l->pos, "}}");
}

static int
lex_ident(struct tlexer *l)
{
	const char	*w;
	size_t		 wl, i;
	uint32_t	 r;
	char		 rs[32];

	for (;;) {
		r = lnext(l);
		if (is_alnum(r))
			continue;
		lbackup(l);
		break;
	}
	w = l->input + l->start;
	wl = l->pos - l->start;
	if (!at_terminator(l)) {
		fmt_rune(rs, sizeof(rs), r);
		return lerrorf(l, "bad character %s", rs);
	}
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == wl &&
		    memcmp(keywords[i].word, w, wl) == 0) {
			enum titem t = keywords[i].typ;

			if ((t == IT_BREAK && !l->break_ok) ||
			    (t == IT_CONTINUE && !l->continue_ok))
				t = IT_IDENT;
			lemit(l, t);
			return LS_INSIDE;
		}
	}
	if (w[0] == '.')
		lemit(l, IT_FIELD);
	else if ((wl == 4 && memcmp(w, "true", 4) == 0) ||
	    (wl == 5 && memcmp(w, "false", 5) == 0))
		lemit(l, IT_BOOL);
	else
		lemit(l, IT_IDENT);
	return LS_INSIDE;
}

static int
lex_field_or_var(struct tlexer *l, enum titem typ)
{
	uint32_t	r;
	char		rs[32];

	if (at_terminator(l)) {
		lemit(l, typ == IT_VARIABLE ? IT_VARIABLE : IT_DOT);
		return LS_INSIDE;
	}
	for (;;) {
		r = lnext(l);
		if (!is_alnum(r)) {
			lbackup(l);
			break;
		}
	}
	if (!at_terminator(l)) {
		fmt_rune(rs, sizeof(rs), r);
		return lerrorf(l, "bad character %s", rs);
	}
	lemit(l, typ);
	return LS_INSIDE;
}

static int
lex_variable(struct tlexer *l)
{
	if (at_terminator(l)) {
		lemit(l, IT_VARIABLE);
		return LS_INSIDE;
	}
	return lex_field_or_var(l, IT_VARIABLE);
}

static int
lex_char(struct tlexer *l)
{
	uint32_t	r;

	for (;;) {
		r = lnext(l);
		if (r == '\\') {
			r = lnext(l);
			if (r != EOF_RUNE && r != '\n')
				continue;
			return lerrorf(l, "unterminated character constant");
		}
		if (r == EOF_RUNE || r == '\n')
			return lerrorf(l, "unterminated character constant");
		if (r == '\'')
			break;
	}
	lemit(l, IT_CHAR_CONST);
	return LS_INSIDE;
}

static bool
scan_number(struct tlexer *l)
{
	const char	*digits = "0123456789_";

	laccept(l, "+-");
	if (laccept(l, "0")) {
		if (laccept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (laccept(l, "oO"))
			digits = "01234567_";
		else if (laccept(l, "bB"))
			digits = "01_";
	}
	laccept_run(l, digits);
	if (laccept(l, "."))
		laccept_run(l, digits);
	if (strlen(digits) == 11 && laccept(l, "eE")) {
		laccept(l, "+-");
		laccept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && laccept(l, "pP")) {
		laccept(l, "+-");
		laccept_run(l, "0123456789_");
	}
	laccept(l, "i");
	if (is_alnum(lpeek(l))) {
		lnext(l);
		return false;
	}
	return true;
}

static int
lex_bad_number(struct tlexer *l)
{
	struct buf	b;
	int		rc;

	buf_init(&b, 150);
	buf_add_goquote(&b, l->input + l->start, l->pos - l->start);
	rc = lerrorf(l, "bad number syntax: %s", buf_str(&b));
	buf_release(&b);
	return rc;
}

static int
lex_number(struct tlexer *l)
{
	uint32_t	sign;

	if (!scan_number(l))
		return lex_bad_number(l);
	sign = lpeek(l);
	if (sign == '+' || sign == '-') {
		if (!scan_number(l) || l->input[l->pos - 1] != 'i')
			return lex_bad_number(l);
		lemit(l, IT_COMPLEX);
	} else
		lemit(l, IT_NUMBER);
	return LS_INSIDE;
}

static int
lex_quote(struct tlexer *l)
{
	uint32_t	r;

	for (;;) {
		r = lnext(l);
		if (r == '\\') {
			r = lnext(l);
			if (r != EOF_RUNE && r != '\n')
				continue;
			return lerrorf(l, "unterminated quoted string");
		}
		if (r == EOF_RUNE || r == '\n')
			return lerrorf(l, "unterminated quoted string");
		if (r == '"')
			break;
	}
	lemit(l, IT_STRING);
	return LS_INSIDE;
}

static int
lex_raw_quote(struct tlexer *l)
{
	uint32_t	r;

	for (;;) {
		r = lnext(l);
		if (r == EOF_RUNE)
			return lerrorf(l, "unterminated raw quoted string");
		if (r == '`')
			break;
	}
	lemit(l, IT_RAW_STRING);
	return LS_INSIDE;
}

static int
lex_step(struct tlexer *l)
{
	switch (l->state) {
	case LS_TEXT:		return lex_text(l);
	case LS_LEFT_DELIM:	return lex_left_delim(l);
	case LS_COMMENT:	return lex_comment(l);
	case LS_RIGHT_DELIM:	return lex_right_delim(l);
	case LS_INSIDE:		return lex_inside(l);
	case LS_SPACE:		return lex_space(l);
	case LS_IDENT:		return lex_ident(l);
	case LS_FIELD:		return lex_field_or_var(l, IT_FIELD);
	case LS_VARIABLE:	return lex_variable(l);
	case LS_CHAR:		return lex_char(l);
	case LS_NUMBER:		return lex_number(l);
	case LS_QUOTE:		return lex_quote(l);
	case LS_RAW_QUOTE:	return lex_raw_quote(l);
	}
	return LS_STOP;
}

void
tlex_init(struct tlexer *l, const char *input, size_t len, bool break_ok,
    bool continue_ok)
{
	memset(l, 0, sizeof(*l));
	l->input = input;
	l->len = len;
	l->line = l->start_line = 1;
	l->break_ok = break_ok;
	l->continue_ok = continue_ok;
	l->state = LS_TEXT;
}

struct titem_tok
tlex_next(struct tlexer *l)
{
	struct titem_tok	it;

	while (l->qn == 0 && l->state != LS_STOP)
		l->state = lex_step(l);
	if (l->qn == 0) {
		/* Go's closed channel yields the zero item. */
		memset(&it, 0, sizeof(it));
		it.typ = IT_EOF;
		it.val = "";
		return it;
	}
	it = l->q[l->qhead];
	l->qhead = (l->qhead + 1) % TLEX_QUEUE;
	l->qn--;
	return it;
}
