/*
 * matcher: Alertmanager's label matchers (pkg/labels of 0.25) and their
 * three input syntaxes: the classic one of 0.25 (ParseMatchers: optional
 * braces, quotes optional, tolerant unescaping), the UTF-8 one of 0.27+
 * (matcher/parse: a lexer with column-numbered errors) and 0.27's fallback
 * between the two (matcher/compat).
 *
 * Quirks kept on purpose, because configs and amtool depend on them:
 *  - classic: a list is split on commas outside double quotes, where \"
 *    does not count as a quote and a backslash-comma inside quotes keeps
 *    the escape pending; invalid UTF-8 in a list becomes U+FFFD before the
 *    value check can see it (Go ranges over runes); only the last item is
 *    trimmed of Unicode spaces, every item of the ASCII \s around tokens;
 *    names may contain ':'; a lone backslash is literal.
 *  - regexes are anchored by string concatenation, so "a)|(b" is
 *    "^(?:a)|(b)$", as in Alertmanager.
 *  - String() quotes names only when they contain reserved characters,
 *    which the classic parser cannot produce (so 0.25's output is kept).
 */
#include "routing/matcher.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"
#include "routing/regex.h"

enum matcher_parse_mode matcher_parse_mode = MATCHER_PARSE_CLASSIC;

struct matcher {
	enum matcher_type	 type;
	char			*name;
	char			*value;
	struct regex		*re;		/* MATCH_RE, MATCH_NRE */
};

/* Go's unicode.IsSpace. */
static bool
go_isspace(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200a;
	}
}

/* The regexp \s of Go: [\t\n\f\r ]. */
static bool
re_space(char c)
{
	return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

/* Decodes as Go's range loop does: an invalid byte is U+FFFD, width 1. */
static size_t
rune_at(const char *s, size_t len, uint32_t *r)
{
	int	w;

	w = utf8_decode((const unsigned char *)s, len, r);
	return w < 0 ? 1 : (size_t)w;
}

/* ---------------------------------------------------------- matcher --- */

struct matcher *
matcher_new(enum matcher_type type, const char *name, const char *value,
    struct ad_err *err)
{
	struct matcher	*m;
	struct buf	 pat;

	m = xcalloc(1, sizeof(*m));
	m->type = type;
	m->name = xstrdup(name);
	m->value = xstrdup(value);
	if (type != MATCH_RE && type != MATCH_NRE)
		return m;
	buf_init(&pat, BUF_NOCAP);
	buf_addstr(&pat, "^(?:");
	buf_addstr(&pat, value);
	buf_addstr(&pat, ")$");
	m->re = regex_compile(buf_str(&pat), buf_len(&pat), err);
	buf_release(&pat);
	if (m->re == NULL) {
		matcher_free(m);
		return NULL;
	}
	return m;
}

struct matcher *
matcher_new_trusted(enum matcher_type type, const char *name,
    const char *value)
{
	struct matcher	*m;

	char		 stack[256], *pat = stack;
	size_t		 vlen = strlen(value), len = vlen + 6;

	m = xcalloc(1, sizeof(*m));
	m->type = type;
	m->name = xstrdup(name);
	m->value = xmemdup(value, vlen + 1);
	if (type != MATCH_RE && type != MATCH_NRE)
		return m;
	if (len > sizeof(stack))
		pat = xmalloc(len);
	memcpy(pat, "^(?:", 4);
	memcpy(pat + 4, value, vlen);
	memcpy(pat + 4 + vlen, ")$", 2);
	m->re = regex_new_lazy(pat, len);
	if (pat != stack)
		free(pat);
	return m;
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	regex_unref(m->re);
	free(m->name);
	free(m->value);
	free(m);
}

struct matcher *
matcher_dup(const struct matcher *m)
{
	struct matcher	*d;

	d = xcalloc(1, sizeof(*d));
	d->type = m->type;
	d->name = xstrdup(m->name);
	d->value = xstrdup(m->value);
	d->re = m->re != NULL ? regex_ref(m->re) : NULL;
	return d;
}

enum matcher_type
matcher_type(const struct matcher *m)
{
	return m->type;
}

const char *
matcher_name(const struct matcher *m)
{
	return m->name;
}

const char *
matcher_value(const struct matcher *m)
{
	return m->value;
}

const char *
matcher_type_str(enum matcher_type t)
{
	switch (t) {
	case MATCH_EQ:
		return "=";
	case MATCH_NE:
		return "!=";
	case MATCH_RE:
		return "=~";
	default:
		return "!~";
	}
}

bool
matcher_matches(const struct matcher *m, const char *value)
{
	if (value == NULL)
		value = "";
	switch (m->type) {
	case MATCH_EQ:
		return strcmp(value, m->value) == 0;
	case MATCH_NE:
		return strcmp(value, m->value) != 0;
	case MATCH_RE:
		return regex_match(m->re, value, strlen(value));
	default:
		/* A trusted pattern that turned out invalid matches nothing,
		 * whichever the operator. */
		return !regex_match(m->re, value, strlen(value)) &&
		    !regex_failed(m->re);
	}
}

/* isReserved of matcher/parse: what the UTF-8 syntax must quote. */
static bool
is_reserved(uint32_t r)
{
	return go_isspace(r) || (r < 0x80 && r != 0 &&
	    strchr("{}!=~,\\\"'`", (int)r) != NULL);
}

static bool
name_needs_quotes(const char *name)
{
	size_t		len = strlen(name), i = 0;
	uint32_t	r;

	while (i < len) {
		i += rune_at(name + i, len - i, &r);
		if (is_reserved(r))
			return true;
	}
	return false;
}

int
matcher_string(const struct matcher *m, struct buf *out)
{
	size_t		 start = buf_len(out);
	const char	*p;
	int		 rc = 0;

	if (name_needs_quotes(m->name)) {
		rc |= buf_add_goquote(out, m->name, strlen(m->name));
		rc |= buf_addstr(out, matcher_type_str(m->type));
		rc |= buf_add_goquote(out, m->value, strlen(m->value));
	} else {
		rc |= buf_addstr(out, m->name);
		rc |= buf_addstr(out, matcher_type_str(m->type));
		rc |= buf_addch(out, '"');
		for (p = m->value; *p != '\0' && rc == 0; p++) {
			if (*p == '\\' || *p == '"')
				rc |= buf_addch(out, '\\');
			if (*p == '\n')
				rc |= buf_addstr(out, "\\n");
			else
				rc |= buf_addch(out, *p);
		}
		rc |= buf_addch(out, '"');
	}
	if (rc != 0) {
		buf_setlen(out, start);
		return -1;
	}
	return 0;
}

int
matcher_cmp(const struct matcher *a, const struct matcher *b)
{
	int	c;

	c = strcmp(a->name, b->name);
	if (c == 0)
		c = strcmp(a->value, b->value);
	if (c == 0)
		c = (int)a->type - (int)b->type;
	return c < 0 ? -1 : c > 0;
}

static bool
matcher_equal(const struct matcher *a, const struct matcher *b)
{
	return matcher_cmp(a, b) == 0;
}

/* --------------------------------------------------------- matchers --- */

void
matchers_init(struct matchers *ms)
{
	ms->v = NULL;
	ms->n = ms->alloc = 0;
}

void
matchers_release(struct matchers *ms)
{
	size_t	i;

	for (i = 0; i < ms->n; i++)
		matcher_free(ms->v[i]);
	free(ms->v);
	matchers_init(ms);
}

void
matchers_add(struct matchers *ms, struct matcher *m)
{
	if (ms->n == ms->alloc) {
		ms->alloc = ms->alloc ? ms->alloc * 2 : 4;
		ms->v = xreallocarray(ms->v, ms->alloc, sizeof(*ms->v));
	}
	ms->v[ms->n++] = m;
}

static int
matchers_qcmp(const void *a, const void *b)
{
	return matcher_cmp(*(struct matcher *const *)a,
	    *(struct matcher *const *)b);
}

void
matchers_sort(struct matchers *ms)
{
	if (ms->n > 1)
		qsort(ms->v, ms->n, sizeof(*ms->v), matchers_qcmp);
}

bool
matchers_match(const struct matchers *ms, const struct labels *ls)
{
	size_t	i;

	for (i = 0; i < ms->n; i++)
		if (!matcher_matches(ms->v[i], labels_get(ls, ms->v[i]->name)))
			return false;
	return true;
}

int
matchers_string(const struct matchers *ms, struct buf *out)
{
	size_t	start = buf_len(out), i;
	int	rc;

	rc = buf_addch(out, '{');
	for (i = 0; i < ms->n && rc == 0; i++) {
		if (i > 0)
			rc |= buf_addch(out, ',');
		rc |= matcher_string(ms->v[i], out);
	}
	rc |= buf_addch(out, '}');
	if (rc != 0) {
		buf_setlen(out, start);
		return -1;
	}
	return 0;
}

static void
matchers_move(struct matchers *dst, struct matchers *src)
{
	size_t	i;

	for (i = 0; i < src->n; i++)
		matchers_add(dst, src->v[i]);
	free(src->v);
	matchers_init(src);
}

static bool
matchers_equal(const struct matchers *a, const struct matchers *b)
{
	size_t	i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!matcher_equal(a->v[i], b->v[i]))
			return false;
	return true;
}

void
matcher_thread_cleanup(void)
{
	regex_thread_cleanup();
}

/* ------------------------------------------------- classic (0.25) --- */

/*
 * ParseMatcher's regexp, ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*
 * ((?s).*?)\s*$, is deterministic: skip spaces, the longest name, spaces,
 * the operator, spaces; the value is the rest without trailing spaces.
 */
static bool
classic_split(const char *s, size_t len, size_t *name, size_t *nlen,
    enum matcher_type *type, size_t *val, size_t *vlen)
{
	size_t	i = 0, e = len;

	while (i < len && re_space(s[i]))
		i++;
	*name = i;
	if (i >= len || !(s[i] == '_' || s[i] == ':' ||
	    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return false;
	while (i < len && (s[i] == '_' || s[i] == ':' || (s[i] >= 'a' &&
	    s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
	    s[i] <= '9')))
		i++;
	*nlen = i - *name;
	while (i < len && re_space(s[i]))
		i++;
	if (i + 1 < len && s[i] == '=' && s[i + 1] == '~') {
		*type = MATCH_RE;
		i += 2;
	} else if (i < len && s[i] == '=') {
		*type = MATCH_EQ;
		i++;
	} else if (i + 1 < len && s[i] == '!' && (s[i + 1] == '=' ||
	    s[i + 1] == '~')) {
		*type = s[i + 1] == '=' ? MATCH_NE : MATCH_NRE;
		i += 2;
	} else
		return false;
	while (i < len && re_space(s[i]))
		i++;
	while (e > i && re_space(s[e - 1]))
		e--;
	*val = i;
	*vlen = e - i;
	return true;
}

/* ParseMatcher's unescaping of the value (raw, without an opening quote). */
static int
classic_unescape(const char *raw, size_t len, bool quoted, struct buf *out)
{
	size_t		i = 0, w;
	uint32_t	r;
	bool		escaped = false;

	while (i < len) {
		w = rune_at(raw + i, len - i, &r);
		if (escaped) {
			escaped = false;
			if (r == 'n')
				buf_addch(out, '\n');
			else {
				if (r != '"' && r != '\\')
					buf_addch(out, '\\');
				buf_add(out, raw + i, w);
			}
		} else if (r == '\\' && i < len - 1)
			escaped = true;
		else if (r == '"') {
			if (!quoted || i < len - 1)
				return -1;
			quoted = false;
		} else
			buf_add(out, raw + i, w);
		i += w;
	}
	return quoted ? -1 : 0;
}

static struct matcher *
classic_parse_one(const char *s, size_t len, struct ad_err *err)
{
	struct matcher		*m = NULL;
	struct buf		 name, value;
	enum matcher_type	 type;
	size_t			 n, nlen, v, vlen, raw, rawlen;
	bool			 quoted;

	if (!classic_split(s, len, &n, &nlen, &type, &v, &vlen)) {
		ad_err_set(err, AD_EINVAL, "bad matcher format: %.*s", (int)len,
		    s);
		return NULL;
	}
	quoted = vlen > 0 && s[v] == '"';
	raw = v + (quoted ? 1 : 0);
	rawlen = vlen - (quoted ? 1 : 0);
	if (!utf8_valid(s + raw, rawlen)) {
		ad_err_set(err, AD_EINVAL, "matcher value not valid UTF-8: %.*s",
		    (int)vlen, s + v);
		return NULL;
	}
	buf_init(&name, BUF_NOCAP);
	buf_init(&value, BUF_NOCAP);
	buf_add(&name, s + n, nlen);
	if (classic_unescape(s + raw, rawlen, quoted, &value) == -1)
		ad_err_set(err, AD_EINVAL, "matcher value contains unescaped "
		    "double quote: %.*s", (int)vlen, s + v);
	else
		m = matcher_new(type, buf_str(&name), buf_str(&value), err);
	buf_release(&name);
	buf_release(&value);
	return m;
}

/* strings.TrimSpace. */
static void
trim_space(const char *s, size_t len, size_t *start, size_t *end)
{
	size_t		i = 0, e = len, w, j;
	uint32_t	r;

	while (i < len) {
		w = rune_at(s + i, len - i, &r);
		if (!go_isspace(r))
			break;
		i += w;
	}
	while (e > i) {
		/* Step back to the start of the last rune. */
		for (j = e - 1; j > i && ((unsigned char)s[j] & 0xc0) == 0x80 &&
		    e - j < 4; j--)
			;
		if (rune_at(s + j, e - j, &r) != e - j || !go_isspace(r))
			break;
		e = j;
	}
	*start = i;
	*end = e;
}

/*
 * ParseMatchers' tokenizer: the input re-encoded rune by rune (invalid
 * bytes become U+FFFD) and split on commas outside quotes.
 */
static void
classic_tokens(const char *s, size_t len, struct buf *text, size_t **ends,
    size_t *nends)
{
	size_t		i = 0, w, alloc = 0;
	uint32_t	r;
	bool		inside = false, escaped = false;
	char		enc[4];

	*ends = NULL;
	*nends = 0;
	while (i < len) {
		w = rune_at(s + i, len - i, &r);
		i += w;
		if (r == ',' && !inside) {
			if (*nends == alloc) {
				alloc = alloc ? alloc * 2 : 8;
				*ends = xreallocarray(*ends, alloc,
				    sizeof(**ends));
			}
			(*ends)[(*nends)++] = buf_len(text);
			continue;
		}
		if (r == '"') {
			if (!escaped)
				inside = !inside;
			else
				escaped = false;
		} else if (r == '\\')
			escaped = !escaped;
		else if (r != ',')
			escaped = false;
		buf_add(text, enc, (size_t)utf8_encode(r, enc));
	}
}

static int
classic_parse_list(const char *s, struct matchers *out, struct ad_err *err)
{
	struct matchers	 ms;
	struct matcher	*m;
	struct buf	 text;
	const char	*t;
	size_t		 len = strlen(s), *ends, nends, i, from = 0, a, e;
	int		 rc = 0;

	if (len > 0 && s[0] == '{') {
		s++;
		len--;
	}
	if (len > 0 && s[len - 1] == '}')
		len--;
	buf_init(&text, BUF_NOCAP);
	classic_tokens(s, len, &text, &ends, &nends);
	t = buf_str(&text);
	matchers_init(&ms);
	for (i = 0; i <= nends && rc == 0; i++) {
		a = from;
		e = i < nends ? ends[i] : buf_len(&text);
		if (i == nends) {
			trim_space(t + from, e - from, &a, &e);
			a += from;
			e += from;
			if (a == e)
				break;
		}
		m = classic_parse_one(t + a, e - a, err);
		if (m == NULL)
			rc = -1;
		else
			matchers_add(&ms, m);
		from = e;
	}
	if (rc == 0)
		matchers_move(out, &ms);
	matchers_release(&ms);
	free(ends);
	buf_release(&text);
	return rc;
}

/* ---------------------------------------------- UTF-8 (0.27+) lexer --- */

enum tok_kind {
	TOK_EOF = 0x00,
	TOK_OPEN = 0x01, TOK_CLOSE = 0x02, TOK_COMMA = 0x04,
	TOK_EQ = 0x08, TOK_NE = 0x10, TOK_RE = 0x20, TOK_NRE = 0x40,
	TOK_QUOTED = 0x80, TOK_UNQUOTED = 0x100
};

#define TOK_EOF_RUNE	(-1)

struct tok {
	enum tok_kind	 kind;
	const char	*v;
	size_t		 vlen;
	size_t		 off_start, off_end;
	int		 col_start, col_end;
};

struct lexer {
	const char	*in;
	size_t		 len;
	bool		 failed;	/* errors are sticky, as in Go */
	char		 msg[512];
	size_t		 start, pos, width;
	int		 column, cols;
};

static int32_t
lex_next(struct lexer *l)
{
	uint32_t	r;

	if (l->pos >= l->len) {
		l->width = 0;
		return TOK_EOF_RUNE;
	}
	l->width = rune_at(l->in + l->pos, l->len - l->pos, &r);
	l->pos += l->width;
	l->cols++;
	return (int32_t)r;
}

static void
lex_rewind(struct lexer *l)
{
	l->pos -= l->width;
	if (l->width > 0)
		l->cols--;
}

static bool
lex_accept(struct lexer *l, char c)
{
	if (lex_next(l) == c)
		return true;
	lex_rewind(l);
	return false;
}

static void
lex_emit(struct lexer *l, struct tok *t, enum tok_kind kind)
{
	t->kind = kind;
	t->v = l->in + l->start;
	t->vlen = l->pos - l->start;
	t->off_start = l->start;
	t->off_end = l->pos;
	t->col_start = l->column;
	t->col_end = l->cols;
	l->start = l->pos;
	l->column = l->cols;
}

static int
lex_fail(struct lexer *l, const char *what)
{
	l->failed = true;
	snprintf(l->msg, sizeof(l->msg), "%d:%d: %.*s: %s", l->column,
	    l->cols, (int)(l->pos - l->start), l->in + l->start, what);
	return -1;
}

/* expectedError: the text so far, or end of input, and what was wanted. */
static int
lex_fail_expected(struct lexer *l, const char *expected)
{
	l->failed = true;
	if (l->pos >= l->len)
		snprintf(l->msg, sizeof(l->msg), "%d:%d: unexpected end of "
		    "input, expected one of '%s'", l->column, l->cols,
		    expected);
	else
		snprintf(l->msg, sizeof(l->msg), "%d:%d: %.*s: expected one "
		    "of '%s'", l->column, l->cols, (int)(l->pos - l->start),
		    l->in + l->start, expected);
	return -1;
}

static int
lex_operator(struct lexer *l, struct tok *t)
{
	if (lex_accept(l, '!')) {
		if (lex_accept(l, '='))
			lex_emit(l, t, TOK_NE);
		else if (lex_accept(l, '~'))
			lex_emit(l, t, TOK_NRE);
		else
			return lex_fail_expected(l, "=~");
		return 0;
	}
	if (lex_accept(l, '=')) {
		lex_emit(l, t, lex_accept(l, '~') ? TOK_RE : TOK_EQ);
		return 0;
	}
	return lex_fail_expected(l, "!=");
}

static int
lex_quoted(struct lexer *l, struct tok *t)
{
	int32_t	r;
	bool	escaped = false;

	lex_accept(l, '"');
	for (r = lex_next(l); r != TOK_EOF_RUNE; r = lex_next(l)) {
		if (escaped)
			escaped = false;
		else if (r == '\\')
			escaped = true;
		else if (r == '"') {
			lex_rewind(l);
			break;
		}
	}
	if (!lex_accept(l, '"'))
		return lex_fail(l, "missing end \"");
	lex_emit(l, t, TOK_QUOTED);
	return 0;
}

static void
lex_unquoted(struct lexer *l, struct tok *t)
{
	int32_t	r;

	for (r = lex_next(l); r != TOK_EOF_RUNE; r = lex_next(l)) {
		if (is_reserved((uint32_t)r)) {
			lex_rewind(l);
			break;
		}
	}
	lex_emit(l, t, TOK_UNQUOTED);
}

/* scan: the next token (TOK_EOF at the end), or -1 with l->msg. */
static int
lex_scan(struct lexer *l, struct tok *t)
{
	int32_t	r;

	memset(t, 0, sizeof(*t));
	if (l->failed)
		return -1;
	for (r = lex_next(l); r != TOK_EOF_RUNE; r = lex_next(l)) {
		if (r == '{' || r == '}' || r == ',') {
			lex_emit(l, t, r == '{' ? TOK_OPEN : r == '}' ?
			    TOK_CLOSE : TOK_COMMA);
			return 0;
		}
		if (r == '=' || r == '!') {
			lex_rewind(l);
			return lex_operator(l, t);
		}
		if (r == '"') {
			lex_rewind(l);
			return lex_quoted(l, t);
		}
		if (!is_reserved((uint32_t)r)) {
			lex_rewind(l);
			lex_unquoted(l, t);
			return 0;
		}
		if (!go_isspace((uint32_t)r))
			return lex_fail(l, "invalid input");
		l->start = l->pos;		/* skip */
		l->column = l->cols;
	}
	return 0;
}

static int
lex_peek(struct lexer *l, struct tok *t)
{
	struct lexer	saved = *l;
	int		rc;

	rc = lex_scan(l, t);
	l->start = saved.start;
	l->pos = saved.pos;
	l->width = saved.width;
	l->column = saved.column;
	l->cols = saved.cols;
	return rc;
}

/* ------------------------------------------------ UTF-8 (0.27+) parser --- */

enum { P_OK, P_EOF, P_ERR };

struct uparser {
	struct lexer	 l;
	bool		 open;
	struct matchers	 ms;
	char		 msg[512];	/* the error so far */
};

/* expectPeek/acceptPeek: the next token without consuming it. */
static int
up_peek(struct uparser *p, struct tok *t)
{
	if (lex_peek(&p->l, t) == -1) {
		snprintf(p->msg, sizeof(p->msg), "%s", p->l.msg);
		return P_ERR;
	}
	if (t->kind == TOK_EOF) {
		snprintf(p->msg, sizeof(p->msg), "end of input");
		return P_EOF;
	}
	return P_OK;
}

static int
up_expect_peek(struct uparser *p, unsigned kinds, struct tok *t)
{
	int	rc;

	rc = up_peek(p, t);
	if (rc != P_OK)
		return rc;
	if ((t->kind & kinds) == 0) {
		snprintf(p->msg, sizeof(p->msg), "%d:%d: unexpected %.*s",
		    t->col_start, t->col_end, (int)t->vlen, t->v);
		return P_ERR;
	}
	return P_OK;
}

static int
up_expect(struct uparser *p, unsigned kinds, struct tok *t)
{
	struct tok	dummy;
	int		rc;

	rc = up_expect_peek(p, kinds, t);
	if (rc == P_OK)
		lex_scan(&p->l, &dummy);
	return rc;
}

/* Appends ": what" (Go's fmt.Errorf("%w: %w", err, what)). */
static int
up_wrap(struct uparser *p, const char *what)
{
	size_t	n = strlen(p->msg);

	snprintf(p->msg + n, sizeof(p->msg) - n, ": %s", what);
	return P_ERR;
}

/*
 * strconv.Unquote of a "..." token as Go 1.19 does it (invalid UTF-8
 * becomes U+FFFD, \x escapes are bytes, \u and \U runes).
 */
static int
unquote_char(const char *s, size_t n, struct buf *out, size_t *used)
{
	static const char	esc[] = "abfnrtv\\\"", val[] = "\a\b\f\n\r\t\v\\\"";
	const char		*q;
	uint32_t		 v = 0, r;
	size_t			 k, j;
	char			 enc[4];
	int			 x;

	if ((unsigned char)s[0] >= 0x80) {
		*used = rune_at(s, n, &r);
		buf_add(out, enc, (size_t)utf8_encode(r, enc));
		return 0;
	}
	if (s[0] != '\\') {
		*used = 1;
		return buf_addch(out, s[0]);
	}
	if (n < 2)
		return -1;
	q = s[1] != '\0' ? strchr(esc, s[1]) : NULL;
	if (q != NULL) {
		*used = 2;
		return buf_addch(out, val[q - esc]);
	}
	if (s[1] == 'x' || s[1] == 'u' || s[1] == 'U') {
		k = s[1] == 'x' ? 2 : s[1] == 'u' ? 4 : 8;
		if (n - 2 < k)
			return -1;
		for (j = 0; j < k; j++) {
			x = s[2 + j];
			x = x >= '0' && x <= '9' ? x - '0' : x >= 'a' &&
			    x <= 'f' ? x - 'a' + 10 : x >= 'A' && x <= 'F' ?
			    x - 'A' + 10 : -1;
			if (x < 0)
				return -1;
			v = v << 4 | (uint32_t)x;
		}
		*used = 2 + k;
		if (s[1] == 'x')
			return buf_addch(out, (int)v);
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return -1;
		return buf_add(out, enc, (size_t)utf8_encode(v, enc));
	}
	if (s[1] < '0' || s[1] > '7' || n < 4)
		return -1;
	for (v = 0, j = 1; j < 4; j++) {
		if (s[j] < '0' || s[j] > '7')
			return -1;
		v = v << 3 | (uint32_t)(s[j] - '0');
	}
	*used = 4;
	return v > 255 ? -1 : buf_addch(out, (int)v);
}

static int
go_unquote(const char *s, size_t n, struct buf *out)
{
	const char	*end;
	size_t		 i, used;

	if (n < 2 || s[0] != '"')
		return -1;
	end = memchr(s + 1, '"', n - 1);
	if (end == NULL)
		return -1;
	i = (size_t)(end - s) + 1;
	if (memchr(s, '\\', i) == NULL && memchr(s, '\n', i) == NULL &&
	    utf8_valid(s + 1, i - 2))
		return i == n ? buf_add(out, s + 1, i - 2) : -1;
	for (i = 1; i < n && s[i] != '"'; i += used)
		if (s[i] == '\n' || unquote_char(s + i, n - i, out, &used) == -1)
			return -1;
	return i + 1 == n ? 0 : -1;
}

/* token.unquote: quoted tokens must unquote to valid UTF-8. */
static int
up_token_string(struct uparser *p, const struct tok *t, struct buf *out)
{
	if (t->kind == TOK_UNQUOTED)
		return buf_add(out, t->v, t->vlen);
	if (go_unquote(t->v, t->vlen, out) == 0 &&
	    utf8_valid(buf_str(out), buf_len(out)))
		return 0;
	snprintf(p->msg, sizeof(p->msg), "%d:%d: %.*s: invalid input",
	    t->col_start, t->col_end, (int)t->vlen, t->v);
	return -1;
}

enum up_state { S_OPEN, S_CLOSE, S_MATCHER, S_END, S_COMMA, S_EOF, S_DONE };

static int
up_open_brace(struct uparser *p, enum up_state *next)
{
	struct tok	t;
	int		rc;

	rc = up_peek(p, &t);
	if (rc == P_EOF) {
		*next = S_EOF;
		return P_OK;
	}
	if (rc == P_ERR)
		return P_ERR;
	p->open = t.kind == TOK_OPEN;
	if (p->open)
		lex_scan(&p->l, &t);
	rc = up_peek(p, &t);
	if (rc == P_ERR)
		return P_ERR;
	*next = rc == P_EOF || t.kind == TOK_CLOSE ? S_CLOSE : S_MATCHER;
	return P_OK;
}

static int
up_close_brace(struct uparser *p, enum up_state *next)
{
	struct tok	t;
	char		inner[512];

	if (p->open) {
		if (up_expect(p, TOK_CLOSE, &t) != P_OK) {
			snprintf(inner, sizeof(inner), "%s", p->msg);
			snprintf(p->msg, sizeof(p->msg), "0:%d: %s: expected "
			    "close brace", p->l.cols, inner);
			return P_ERR;
		}
	} else if (up_expect(p, TOK_CLOSE, &t) == P_OK) {
		snprintf(p->msg, sizeof(p->msg), "0:%d: }: expected opening "
		    "brace", p->l.cols);
		return P_ERR;
	}
	*next = S_EOF;
	return P_OK;
}

static int
up_matcher(struct uparser *p, enum up_state *next)
{
	static const unsigned	ops = TOK_EQ | TOK_NE | TOK_RE | TOK_NRE;
	struct matcher		*m;
	struct buf		 name, value;
	struct tok		 t;
	enum matcher_type	 type;
	struct ad_err		 merr;
	int			 rc = P_ERR;

	buf_init(&name, BUF_NOCAP);
	buf_init(&value, BUF_NOCAP);
	if (up_expect(p, TOK_QUOTED | TOK_UNQUOTED, &t) != P_OK) {
		up_wrap(p, "expected label name");
		goto out;
	}
	if (up_token_string(p, &t, &name) == -1)
		goto out;
	if (up_expect(p, ops, &t) != P_OK) {
		up_wrap(p, "expected an operator such as '=', '!=', '=~' or "
		    "'!~'");
		goto out;
	}
	type = t.kind == TOK_EQ ? MATCH_EQ : t.kind == TOK_NE ? MATCH_NE :
	    t.kind == TOK_RE ? MATCH_RE : MATCH_NRE;
	if (up_expect(p, TOK_UNQUOTED | TOK_QUOTED, &t) != P_OK) {
		up_wrap(p, "expected label value");
		goto out;
	}
	if (up_token_string(p, &t, &value) == -1)
		goto out;
	m = matcher_new(type, buf_str(&name), buf_str(&value), &merr);
	if (m == NULL) {
		snprintf(p->msg, sizeof(p->msg), "failed to create matcher: %s",
		    merr.msg);
		goto out;
	}
	matchers_add(&p->ms, m);
	*next = S_END;
	rc = P_OK;
out:
	buf_release(&name);
	buf_release(&value);
	return rc;
}

static int
up_end_of_matcher(struct uparser *p, enum up_state *next)
{
	struct tok	t;
	int		rc;

	rc = up_expect_peek(p, TOK_COMMA | TOK_CLOSE, &t);
	if (rc == P_ERR)
		return up_wrap(p, "expected a comma or close brace");
	*next = rc == P_EOF || t.kind == TOK_CLOSE ? S_CLOSE : S_COMMA;
	return P_OK;
}

static int
up_comma(struct uparser *p, enum up_state *next)
{
	struct tok	t;
	int		rc;

	if (up_expect(p, TOK_COMMA, &t) != P_OK)
		return up_wrap(p, "expected a comma");
	rc = up_expect_peek(p, TOK_CLOSE | TOK_UNQUOTED | TOK_QUOTED, &t);
	if (rc == P_ERR)
		return up_wrap(p, "expected a matcher or close brace after "
		    "comma");
	*next = rc == P_EOF || t.kind == TOK_CLOSE ? S_CLOSE : S_MATCHER;
	return P_OK;
}

static int
up_eof(struct uparser *p, enum up_state *next)
{
	struct tok	t;

	if (lex_scan(&p->l, &t) == -1) {
		snprintf(p->msg, sizeof(p->msg), "%s", p->l.msg);
		return up_wrap(p, "expected end of input");
	}
	if (t.kind != TOK_EOF) {
		snprintf(p->msg, sizeof(p->msg), "%d:%d: %.*s: expected end of "
		    "input", t.col_start, t.col_end, (int)t.vlen, t.v);
		return P_ERR;
	}
	*next = S_DONE;
	return P_OK;
}

/* matcher/parse.Matchers: 0, or -1 with Alertmanager's message. */
static int
utf8_parse_list(const char *s, struct matchers *out, struct ad_err *err)
{
	struct uparser	p;
	enum up_state	st = S_OPEN;
	int		rc = P_OK;

	memset(&p, 0, sizeof(p));
	p.l.in = s;
	p.l.len = strlen(s);
	matchers_init(&p.ms);
	while (st != S_DONE && rc == P_OK) {
		switch (st) {
		case S_OPEN: rc = up_open_brace(&p, &st); break;
		case S_CLOSE: rc = up_close_brace(&p, &st); break;
		case S_MATCHER: rc = up_matcher(&p, &st); break;
		case S_END: rc = up_end_of_matcher(&p, &st); break;
		case S_COMMA: rc = up_comma(&p, &st); break;
		default: rc = up_eof(&p, &st); break;
		}
	}
	if (rc != P_OK) {
		matchers_release(&p.ms);
		return ad_err_set(err, AD_EINVAL, "%s", p.msg);
	}
	matchers_move(out, &p.ms);
	return 0;
}

/* compat.UTF8MatcherParser: exactly one matcher, no braces. */
static struct matcher *
utf8_parse_one(const char *s, struct ad_err *err)
{
	struct matchers	 ms;
	struct matcher	*m = NULL;
	size_t		 len = strlen(s);

	if ((len > 0 && s[0] == '{') || (len > 0 && s[len - 1] == '}')) {
		ad_err_set(err, AD_EINVAL, "unexpected open or close brace: %s",
		    s);
		return NULL;
	}
	matchers_init(&ms);
	if (utf8_parse_list(s, &ms, err) == -1)
		return NULL;
	if (ms.n == 1) {
		m = ms.v[0];
		ms.n = 0;
	} else if (ms.n == 0)
		ad_err_set(err, AD_EINVAL, "no matchers");
	else
		ad_err_set(err, AD_EINVAL, "expected 1 matcher, found %zu",
		    ms.n);
	matchers_release(&ms);
	return m;
}

/* ------------------------------------------------------------ modes --- */

static void
fallback_warn(const char *s, const char *nerr, const struct matchers *cms)
{
	struct buf	sugg;
	size_t		i;

	if (!log_enabled(LOG_WARN))
		return;
	buf_init(&sugg, BUF_NOCAP);
	for (i = 0; i < cms->n; i++) {
		if (i > 0)
			buf_addch(&sugg, ',');
		matcher_string(cms->v[i], &sugg);
	}
	if (nerr != NULL)
		log_warnkv("Alertmanager is moving to a new parser for labels "
		    "and matchers, and this input is incompatible. Alertmanager "
		    "has instead parsed the input using the classic matchers "
		    "parser as a fallback. To make this input compatible with "
		    "the UTF-8 matchers parser please make sure all regular "
		    "expressions and values are double-quoted and backslashes "
		    "are escaped.", "input", s, "err", nerr, "suggestion",
		    buf_str(&sugg), NULL);
	else
		log_warnkv("Matchers input has disagreement", "input", s, NULL);
	buf_release(&sugg);
}

/*
 * compat.FallbackMatchersParser: the classic result whenever the classic
 * parser accepts the input (equal results or a disagreement both end
 * there), the UTF-8 result when only it does, else the classic error.
 */
static int
fallback_parse_list(const char *s, struct matchers *out, struct ad_err *err)
{
	struct matchers	nms, cms;
	struct ad_err	nerr;
	int		nrc, crc;

	matchers_init(&nms);
	matchers_init(&cms);
	nrc = utf8_parse_list(s, &nms, &nerr);
	crc = classic_parse_list(s, &cms, err);
	if (nrc == 0 && crc == -1) {
		matchers_move(out, &nms);
		return 0;
	}
	if (crc == 0 && (nrc == -1 || !matchers_equal(&nms, &cms)))
		fallback_warn(s, nrc == -1 ? nerr.msg : NULL, &cms);
	if (crc == 0)
		matchers_move(out, &cms);
	matchers_release(&nms);
	matchers_release(&cms);
	return crc;
}

static struct matcher *
fallback_parse_one(const char *s, struct ad_err *err)
{
	struct matchers	 cms;
	struct matcher	*n, *c;
	struct ad_err	 nerr;
	size_t		 len = strlen(s);

	if ((len > 0 && s[0] == '{') || (len > 0 && s[len - 1] == '}')) {
		ad_err_set(err, AD_EINVAL, "unexpected open or close brace: %s",
		    s);
		return NULL;
	}
	n = utf8_parse_one(s, &nerr);
	c = classic_parse_one(s, len, err);
	if (c == NULL)
		return n;
	if (n == NULL || !matcher_equal(n, c)) {
		cms.v = &c;
		cms.n = cms.alloc = 1;
		fallback_warn(s, n == NULL ? nerr.msg : NULL, &cms);
	}
	matcher_free(n);
	return c;
}

struct matcher *
matcher_parse_with(enum matcher_parse_mode mode, const char *s,
    struct ad_err *err)
{
	switch (mode) {
	case MATCHER_PARSE_UTF8:
		return utf8_parse_one(s, err);
	case MATCHER_PARSE_FALLBACK:
		return fallback_parse_one(s, err);
	default:
		return classic_parse_one(s, strlen(s), err);
	}
}

int
matchers_parse_with(enum matcher_parse_mode mode, const char *s,
    struct matchers *out, struct ad_err *err)
{
	switch (mode) {
	case MATCHER_PARSE_UTF8:
		return utf8_parse_list(s, out, err);
	case MATCHER_PARSE_FALLBACK:
		return fallback_parse_list(s, out, err);
	default:
		return classic_parse_list(s, out, err);
	}
}

struct matcher *
matcher_parse(const char *s, struct ad_err *err)
{
	return matcher_parse_with(matcher_parse_mode, s, err);
}

int
matchers_parse(const char *s, struct matchers *out, struct ad_err *err)
{
	return matchers_parse_with(matcher_parse_mode, s, out, err);
}
