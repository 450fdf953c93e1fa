/*
 * The parser of Go's text/template (text/template/parse, Go 1.19): the
 * same grammar, node positions, three-token lookahead and error texts
 * ("template: name:line: msg"), since users see these errors.  Each
 * {{define}} or {{block}} gets its own tree with its own lookahead, as in
 * Go, sharing the lexer.  Errors unwind with longjmp, as Go's parser
 * panics: everything is allocated in the caller's arena.
 *
 * Beyond Go: nesting deeper than PARSE_MAX_DEPTH is an error, so a
 * template cannot exhaust the stack of the thread that parses it.
 */
#include "templates/tmpl_priv.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"

#define PARSE_MAX_DEPTH	500

struct pstate {
	struct tlexer		 lex;
	struct tarena		*a;
	const char		*name;		/* ParseName */
	const char		*text;
	size_t			 len;
	struct ttree		**trees;	/* treeSet, in order */
	size_t			 ntrees, atrees;
	jmp_buf			 jb;
	struct buf		*err;
	int			 errline, errcol;
	int			 depth;
};

struct ptree {
	struct pstate		*ps;
	struct ttree		*tree;
	struct titem_tok	 token[3];
	int			 peek_count;
	const char		**vars;
	size_t			 nvars, avars;
	int			 action_line;
	int			 range_depth;
};

static void	*palloc(struct pstate *ps, size_t n);

/* ---------------------------------------------------------- errors --- */

static void perrorf(struct ptree *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
perrorf(struct ptree *t, const char *fmt, ...)
{
	struct pstate	*ps = t->ps;
	va_list		 ap;
	uint32_t	 pos = t->token[0].pos, i;

	buf_reset(ps->err);
	buf_addf(ps->err, "template: %s:%d: ", ps->name, t->token[0].line);
	va_start(ap, fmt);
	buf_vaddf(ps->err, fmt, ap);
	va_end(ap);
	ps->errline = t->token[0].line;
	for (i = pos; i > 0 && i <= ps->len && ps->text[i - 1] != '\n'; i--)
		;
	ps->errcol = (int)(pos - i) + 1;
	longjmp(ps->jb, 1);
}

/* Go's item.String(). */
static void
item_string(struct buf *b, const struct titem_tok *it)
{
	size_t	i, n;

	if (it->typ == IT_EOF) {
		buf_addstr(b, "EOF");
		return;
	}
	if (it->typ == IT_ERROR) {
		buf_add(b, it->val, it->len);
		return;
	}
	if (it->typ > IT_KEYWORD) {
		buf_addf(b, "<%.*s>", (int)it->len, it->val);
		return;
	}
	/* %.10q: at most 10 runes, quoted, then "..." when longer. */
	for (i = 0, n = 0; i < it->len && n < 10; n++) {
		uint32_t r;

		i += tu_decode(it->val + i, it->len - i, &r);
	}
	buf_add_goquote(b, it->val, i);
	if (it->len > 10)
		buf_addstr(b, "...");
}

static void punexpected(struct ptree *t, const struct titem_tok *tok,
    const char *context) __attribute__((noreturn));

static void
punexpected(struct ptree *t, const struct titem_tok *tok, const char *context)
{
	struct buf	s, extra;

	buf_init(&s, 1024);
	buf_init(&extra, 512);
	item_string(&s, tok);
	if (tok->typ == IT_ERROR) {
		if (t->action_line != 0 && t->action_line != tok->line) {
			bool	act = tok->len >= 7 && memcmp(tok->val +
			    tok->len - 7, " action", 7) == 0;

			buf_addf(&extra, "%s started at %s:%d",
			    act ? "" : " in action", t->ps->name,
			    t->action_line);
		}
		buf_add(&s, buf_str(&extra), buf_len(&extra));
		/* Copy before longjmp: s and extra are released first. */
		{
			char msg[1200];

			snprintf(msg, sizeof(msg), "%s", buf_str(&s));
			buf_release(&s);
			buf_release(&extra);
			perrorf(t, "%s", msg);
		}
	}
	{
		char msg[1200];

		snprintf(msg, sizeof(msg), "unexpected %s in %s", buf_str(&s),
		    context);
		buf_release(&s);
		buf_release(&extra);
		perrorf(t, "%s", msg);
	}
}

/* ------------------------------------------------------- lookahead --- */

static struct titem_tok
pnext(struct ptree *t)
{
	if (t->peek_count > 0)
		t->peek_count--;
	else
		t->token[0] = tlex_next(&t->ps->lex);
	return t->token[t->peek_count];
}

static void
pbackup(struct ptree *t)
{
	t->peek_count++;
}

static void
pbackup2(struct ptree *t, struct titem_tok t1)
{
	t->token[1] = t1;
	t->peek_count = 2;
}

static void
pbackup3(struct ptree *t, struct titem_tok t2, struct titem_tok t1)
{
	t->token[1] = t1;
	t->token[2] = t2;
	t->peek_count = 3;
}

static struct titem_tok
ppeek(struct ptree *t)
{
	if (t->peek_count > 0)
		return t->token[t->peek_count - 1];
	t->peek_count = 1;
	t->token[0] = tlex_next(&t->ps->lex);
	return t->token[0];
}

static struct titem_tok
pnext_nonspace(struct ptree *t)
{
	struct titem_tok	tok;

	do
		tok = pnext(t);
	while (tok.typ == IT_SPACE);
	return tok;
}

static struct titem_tok
ppeek_nonspace(struct ptree *t)
{
	struct titem_tok	tok = pnext_nonspace(t);

	pbackup(t);
	return tok;
}

static struct titem_tok
pexpect(struct ptree *t, enum titem want, const char *context)
{
	struct titem_tok	tok = pnext_nonspace(t);

	if (tok.typ != want)
		punexpected(t, &tok, context);
	return tok;
}

/* ----------------------------------------------------------- nodes --- */

static void *
palloc(struct pstate *ps, size_t n)
{
	void	*p = tarena_zalloc(ps->a, n);

	if (p == NULL) {
		buf_reset(ps->err);
		buf_addf(ps->err, "template: %s: template too large", ps->name);
		ps->errline = 0;
		longjmp(ps->jb, 1);
	}
	return p;
}

static char *
pstrndup(struct pstate *ps, const char *s, size_t n)
{
	char	*p = palloc(ps, n + 1);

	memcpy(p, s, n);
	return p;
}

static struct tnode *
newnode(struct ptree *t, enum tn_type type, uint32_t pos)
{
	struct tnode	*n = palloc(t->ps, sizeof(*n));

	n->type = type;
	n->pos = pos;
	n->tr = t->tree;
	return n;
}

/* Appends to a node vector kept in the arena (capacity = next pow2). */
static void
vec_append(struct pstate *ps, struct tnode ***v, size_t *n,
    struct tnode *node)
{
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		struct tnode	**nv = palloc(ps, sizeof(*nv) * (*n ? *n * 2 :
		    1));

		if (*n > 0)
			memcpy(nv, *v, sizeof(*nv) * *n);
		*v = nv;
	}
	(*v)[(*n)++] = node;
}

static const char **
split_ident(struct pstate *ps, const char *s, size_t len, size_t *count)
{
	const char	**v;
	size_t		  n = 1, i, start = 0, k = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '.';
	v = palloc(ps, sizeof(*v) * n);
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			v[k++] = pstrndup(ps, s + start, i - start);
			start = i + 1;
		}
	}
	*count = n;
	return v;
}

static struct tnode *
new_variable(struct ptree *t, uint32_t pos, const char *s, size_t len)
{
	struct tnode	*n = newnode(t, TN_VAR, pos);

	n->u.field.id = split_ident(t->ps, s, len, &n->u.field.n);
	return n;
}

static struct tnode *
new_field(struct ptree *t, uint32_t pos, const char *s, size_t len)
{
	struct tnode	*n = newnode(t, TN_FIELD, pos);

	/* s starts with '.' */
	n->u.field.id = split_ident(t->ps, s + 1, len - 1, &n->u.field.n);
	return n;
}

/* ---------------------------------------------------------- numbers --- */

static int
lowerc(int c)
{
	return c | ('x' - 'X');
}

static bool
underscore_ok(const char *s, size_t n)
{
	int	saw = '^';
	size_t	i = 0;
	bool	hex = false;

	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && (lowerc(s[1]) == 'b' ||
	    lowerc(s[1]) == 'o' || lowerc(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lowerc(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if ((s[i] >= '0' && s[i] <= '9') || (hex &&
		    lowerc(s[i]) >= 'a' && lowerc(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint(s, 0, 64); 0 ok, -1 syntax, -2 range. */
static int
go_parse_uint(const char *s, size_t n, uint64_t *out)
{
	const char	*s0 = s;
	size_t		 n0 = n, i;
	unsigned	 base = 10;
	uint64_t	 v = 0;
	bool		 us = false, any = false;

	if (n == 0)
		return -1;
	if (s[0] == '0') {
		if (n >= 3 && lowerc(s[1]) == 'b') {
			base = 2; s += 2; n -= 2;
		} else if (n >= 3 && lowerc(s[1]) == 'o') {
			base = 8; s += 2; n -= 2;
		} else if (n >= 3 && lowerc(s[1]) == 'x') {
			base = 16; s += 2; n -= 2;
		} else {
			base = 8; s += 1; n -= 1;
			any = true;
		}
	}
	for (i = 0; i < n; i++) {
		int	c = (unsigned char)s[i], d;

		if (c == '_') {
			us = true;
			continue;
		}
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (lowerc(c) >= 'a' && lowerc(c) <= 'z')
			d = lowerc(c) - 'a' + 10;
		else
			return -1;
		if ((unsigned)d >= base)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -2;
		v = v * base + (uint64_t)d;
		any = true;
	}
	if (!any || (us && !underscore_ok(s0, n0)))
		return -1;
	*out = v;
	return 0;
}

static int
go_parse_int(const char *s, size_t n, int64_t *out)
{
	bool		neg = false;
	uint64_t	u;
	int		rc;

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	rc = go_parse_uint(s, n, &u);
	if (rc != 0)
		return rc;
	if (!neg && u > (uint64_t)INT64_MAX)
		return -2;
	if (neg && u > (uint64_t)INT64_MAX + 1)
		return -2;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/* strconv.ParseFloat(s, 64), decimal and hex forms. */
static int
go_parse_float(const char *s, size_t n, double *out)
{
	char		 tmp[512];
	const char	*p;
	size_t		 i, k = 0;
	bool		 us = false, hex;
	char		*end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	p = s;
	if (*p == '+' || *p == '-')
		p++;
	hex = (size_t)(p - s) + 1 < n && p[0] == '0' && lowerc(p[1]) == 'x';
	for (i = 0; i < n; i++) {
		if (s[i] == '_') {
			us = true;
			continue;
		}
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '+' || s[i] == '-' || lowerc(s[i]) == 'e' ||
		    (hex && (lowerc(s[i]) == 'x' || lowerc(s[i]) == 'p' ||
		    (lowerc(s[i]) >= 'a' && lowerc(s[i]) <= 'f')))))
			return -1;
		tmp[k++] = s[i];
	}
	tmp[k] = '\0';
	if (us && !underscore_ok(s, n))
		return -1;
	if (hex && strchr(tmp, 'p') == NULL && strchr(tmp, 'P') == NULL)
		return -1;
	errno = 0;
	*out = strtod(tmp, &end);
	if (end != tmp + k || k == 0)
		return -1;
	if (errno == ERANGE && isinf(*out))
		return -2;
	return 0;
}

/* strconv.UnquoteChar; returns bytes consumed or -1. */
static int
unquote_char(const char *s, size_t n, char quote, uint32_t *r, bool *mb)
{
	uint32_t	v = 0;
	size_t		need = 0, j;
	int		c;

	*mb = false;
	if (n == 0)
		return -1;
	c = (unsigned char)s[0];
	if (c == quote && (quote == '\'' || quote == '"'))
		return -1;
	if (c >= 0x80) {
		*mb = true;
		return (int)tu_decode(s, n, r);
	}
	if (c != '\\') {
		*r = (uint32_t)c;
		return 1;
	}
	if (n <= 1)
		return -1;
	c = (unsigned char)s[1];
	switch (c) {
	case 'a': *r = '\a'; return 2;
	case 'b': *r = '\b'; return 2;
	case 'f': *r = '\f'; return 2;
	case 'n': *r = '\n'; return 2;
	case 'r': *r = '\r'; return 2;
	case 't': *r = '\t'; return 2;
	case 'v': *r = '\v'; return 2;
	case '\\': *r = '\\'; return 2;
	case '\'': case '"':
		if (c != quote)
			return -1;
		*r = (uint32_t)c;
		return 2;
	case 'x': need = 2; break;
	case 'u': need = 4; break;
	case 'U': need = 8; break;
	case '0': case '1': case '2': case '3': case '4': case '5': case '6':
	case '7':
		if (n < 4)
			return -1;
		v = (uint32_t)(c - '0');
		for (j = 2; j < 4; j++) {
			if (s[j] < '0' || s[j] > '7')
				return -1;
			v = (v << 3) | (uint32_t)(s[j] - '0');
		}
		if (v > 255)
			return -1;
		*r = v;
		return 4;
	default:
		return -1;
	}
	if (n < 2 + need)
		return -1;
	for (j = 0; j < need; j++) {
		int	h = (unsigned char)s[2 + j];

		if (h >= '0' && h <= '9')
			v = v << 4 | (uint32_t)(h - '0');
		else if (lowerc(h) >= 'a' && lowerc(h) <= 'f')
			v = v << 4 | (uint32_t)(lowerc(h) - 'a' + 10);
		else
			return -1;
	}
	if (c != 'x') {
		if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
			return -1;
		*mb = true;
	}
	*r = v;
	return (int)(2 + need);
}

static void
add_rune(struct buf *b, uint32_t r, bool mb)
{
	char	enc[4];

	if (r < 0x80 || !mb)
		buf_addch(b, (int)r);
	else
		buf_add(b, enc, (size_t)utf8_encode(r, enc));
}

/* strconv.Unquote; -1 on syntax error. */
static int
go_unquote(const char *s, size_t n, struct buf *out)
{
	char	q;
	size_t	i;

	if (n < 2 || s[0] != s[n - 1])
		return -1;
	q = s[0];
	if (q == '`') {
		for (i = 1; i < n - 1; i++) {
			if (s[i] == '`')
				return -1;
			if (s[i] != '\r')
				buf_addch(out, s[i]);
		}
		return 0;
	}
	if (q != '"' && q != '\'')
		return -1;
	for (i = 1; i < n - 1;) {
		uint32_t	r;
		bool		mb;
		int		w;

		if (s[i] == '\n')
			return -1;
		w = unquote_char(s + i, n - 1 - i, q, &r, &mb);
		if (w < 0)
			return -1;
		add_rune(out, r, mb);
		i += (size_t)w;
		if (q == '\'' && i != n - 1)
			return -1;
	}
	return q == '\'' && n == 2 ? -1 : 0;
}

static void
simplify_complex(struct tnumber *n)
{
	n->is_float = n->im == 0;
	if (n->is_float) {
		n->f = n->re;
		n->is_int = n->f >= -9.2233720368547758e18 &&
		    n->f < 9.2233720368547758e18 &&
		    (double)(int64_t)n->f == n->f;
		if (n->is_int)
			n->i = (int64_t)n->f;
		n->is_uint = n->f >= 0 && n->f < 1.8446744073709552e19 &&
		    (double)(uint64_t)n->f == n->f;
		if (n->is_uint)
			n->u = (uint64_t)n->f;
	}
}

static int
number_char(struct ptree *t, struct tnumber *n, const char *s, size_t len)
{
	uint32_t	r;
	bool		mb;
	int		w;

	w = unquote_char(s + 1, len - 1, s[0], &r, &mb);
	if (w < 0)
		perrorf(t, "invalid syntax");
	if ((size_t)w + 2 != len || s[len - 1] != '\'')
		perrorf(t, "malformed character constant: %.*s", (int)len, s);
	n->i = (int64_t)r;
	n->u = r;
	n->f = (double)r;
	n->is_int = n->is_uint = n->is_float = true;
	return 0;
}

static void
number_complex(struct ptree *t, struct tnumber *n, const char *s, size_t len)
{
	size_t	i;

	/* "re+imi" or "re-imi": split at the sign after the first char. */
	for (i = len - 1; i > 0; i--) {
		if ((s[i] == '+' || s[i] == '-') && lowerc(s[i - 1]) != 'e' &&
		    lowerc(s[i - 1]) != 'p')
			break;
	}
	if (i == 0 || go_parse_float(s, i, &n->re) != 0 ||
	    go_parse_float(s + i, len - i - 1, &n->im) != 0)
		perrorf(t, "expected integer");
	n->is_complex = true;
	simplify_complex(n);
}

static void
number_plain(struct ptree *t, struct tnumber *n, const char *s, size_t len)
{
	uint64_t	u = 0;
	int64_t		i;
	double		f;

	if (len > 0 && s[len - 1] == 'i' &&
	    go_parse_float(s, len - 1, &f) == 0) {
		n->is_complex = true;
		n->im = f;
		simplify_complex(n);
		return;
	}
	if (go_parse_uint(s, len, &u) == 0) {
		n->is_uint = true;
		n->u = u;
	}
	if (go_parse_int(s, len, &i) == 0) {
		n->is_int = true;
		n->i = i;
		if (i == 0) {
			n->is_uint = true;
			n->u = u;
		}
	}
	if (n->is_int) {
		n->is_float = true;
		n->f = (double)n->i;
	} else if (n->is_uint) {
		n->is_float = true;
		n->f = (double)n->u;
	} else if (go_parse_float(s, len, &f) == 0) {
		if (strpbrk(n->text, ".eEpP") == NULL) {
			struct buf	q;
			char		msg[300];

			buf_init(&q, 200);
			buf_add_goquote(&q, s, len);
			snprintf(msg, sizeof(msg), "%s", buf_str(&q));
			buf_release(&q);
			perrorf(t, "integer overflow: %s", msg);
		}
		n->is_float = true;
		n->f = f;
		if (f >= -9.2233720368547758e18 && f < 9.2233720368547758e18 &&
		    (double)(int64_t)f == f) {
			n->is_int = true;
			n->i = (int64_t)f;
		}
		if (f >= 0 && f < 1.8446744073709552e19 &&
		    (double)(uint64_t)f == f) {
			n->is_uint = true;
			n->u = (uint64_t)f;
		}
	}
	if (!n->is_int && !n->is_uint && !n->is_float) {
		struct buf	q;
		char		msg[300];

		buf_init(&q, 200);
		buf_add_goquote(&q, s, len);
		snprintf(msg, sizeof(msg), "%s", buf_str(&q));
		buf_release(&q);
		perrorf(t, "illegal number syntax: %s", msg);
	}
}

static struct tnode *
new_number(struct ptree *t, const struct titem_tok *tok)
{
	struct tnode	*node = newnode(t, TN_NUMBER, tok->pos);
	struct tnumber	*n = palloc(t->ps, sizeof(*n));

	n->text = pstrndup(t->ps, tok->val, tok->len);
	node->u.num = n;
	if (tok->typ == IT_CHAR_CONST)
		number_char(t, n, n->text, tok->len);
	else if (tok->typ == IT_COMPLEX)
		number_complex(t, n, n->text, tok->len);
	else
		number_plain(t, n, n->text, tok->len);
	return node;
}

static struct tnode *
new_string(struct ptree *t, const struct titem_tok *tok)
{
	struct tnode	*n = newnode(t, TN_STRING, tok->pos);
	struct buf	 b;

	buf_init(&b, BUF_NOCAP);
	if (go_unquote(tok->val, tok->len, &b) != 0) {
		buf_release(&b);
		perrorf(t, "invalid syntax");
	}
	n->u.str.quoted.p = pstrndup(t->ps, tok->val, tok->len);
	n->u.str.quoted.n = tok->len;
	n->u.str.s.p = pstrndup(t->ps, buf_str(&b), buf_len(&b));
	n->u.str.s.n = buf_len(&b);
	buf_release(&b);
	return n;
}

/* ----------------------------------------------------------- trees --- */

static void
pvars_push(struct ptree *t, const char *name)
{
	if (t->nvars == t->avars) {
		const char	**nv;

		t->avars = t->avars ? t->avars * 2 : 8;
		nv = palloc(t->ps, sizeof(*nv) * t->avars);
		if (t->nvars > 0)
			memcpy(nv, t->vars, sizeof(*nv) * t->nvars);
		t->vars = nv;
	}
	t->vars[t->nvars++] = name;
}

static void
ptree_start(struct ptree *t, struct pstate *ps, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->ps = ps;
	t->tree = palloc(ps, sizeof(*t->tree));
	t->tree->name = name;
	t->tree->parse_name = ps->name;
	t->tree->src = ps->text;
	t->tree->src_len = ps->len;
	pvars_push(t, "$");
}

static void
tree_add(struct ptree *t)
{
	struct pstate	*ps = t->ps;
	size_t		 i;

	for (i = 0; i < ps->ntrees; i++) {
		if (strcmp(ps->trees[i]->name, t->tree->name) != 0)
			continue;
		if (tnode_is_empty(ps->trees[i]->root)) {
			ps->trees[i] = t->tree;
			return;
		}
		if (!tnode_is_empty(t->tree->root)) {
			struct buf	q;
			char		msg[600];

			buf_init(&q, 500);
			buf_add_goquote(&q, t->tree->name,
			    strlen(t->tree->name));
			snprintf(msg, sizeof(msg), "%s", buf_str(&q));
			buf_release(&q);
			perrorf(t, "template: multiple definition of "
			    "template %s", msg);
		}
		return;
	}
	if (ps->ntrees == ps->atrees) {
		struct ttree	**nv;

		ps->atrees = ps->atrees ? ps->atrees * 2 : 8;
		nv = palloc(ps, sizeof(*nv) * ps->atrees);
		if (ps->ntrees > 0)
			memcpy(nv, ps->trees, sizeof(*nv) * ps->ntrees);
		ps->trees = nv;
	}
	ps->trees[ps->ntrees++] = t->tree;
}

static void
depth_enter(struct ptree *t)
{
	if (++t->ps->depth > PARSE_MAX_DEPTH)
		perrorf(t, "template nested too deeply");
}

static struct tnode	*p_pipeline(struct ptree *t, const char *context,
			    enum titem end);
static struct tnode	*p_text_or_action(struct ptree *t);
static struct tnode	*p_if(struct ptree *t);

static struct tnode *
p_item_list(struct ptree *t, struct tnode **next)
{
	struct tnode	*list;

	list = newnode(t, TN_LIST, ppeek_nonspace(t).pos);
	depth_enter(t);
	while (ppeek_nonspace(t).typ != IT_EOF) {
		struct tnode *n = p_text_or_action(t);

		if (n->type == TN_END || n->type == TN_ELSE) {
			t->ps->depth--;
			*next = n;
			return list;
		}
		vec_append(t->ps, &list->u.list.v, &list->u.list.n, n);
	}
	perrorf(t, "unexpected EOF");
}

static const char *
node_str(struct ptree *t, const struct tnode *n)
{
	struct buf	b;
	char		*s;

	buf_init(&b, 4096);
	tnode_string(&b, n);
	s = pstrndup(t->ps, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return s;
}

static const char *
template_name(struct ptree *t, const struct titem_tok *tok,
    const char *context)
{
	struct buf	 b;
	const char	*s;

	if (tok->typ != IT_STRING && tok->typ != IT_RAW_STRING)
		punexpected(t, tok, context);
	buf_init(&b, BUF_NOCAP);
	if (go_unquote(tok->val, tok->len, &b) != 0) {
		buf_release(&b);
		perrorf(t, "invalid syntax");
	}
	s = pstrndup(t->ps, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return s;
}

static void
p_definition(struct ptree *t)
{
	struct titem_tok	 tok;
	struct tnode		*end = NULL;

	tok = pnext_nonspace(t);
	if (tok.typ != IT_STRING && tok.typ != IT_RAW_STRING)
		punexpected(t, &tok, "define clause");
	t->tree->name = template_name(t, &tok, "define clause");
	pexpect(t, IT_RDELIM, "define clause");
	t->tree->root = p_item_list(t, &end);
	if (end->type != TN_END)
		perrorf(t, "unexpected %s in define clause", node_str(t, end));
	tree_add(t);
}

static struct tnode *
p_template(struct ptree *t)
{
	struct titem_tok	 tok;
	struct tnode		*n;
	const char		*name;

	tok = pnext_nonspace(t);
	name = template_name(t, &tok, "template clause");
	n = newnode(t, TN_TEMPLATE, tok.pos);
	n->line = (uint32_t)tok.line;
	n->u.tmpl.name = name;
	if (pnext_nonspace(t).typ != IT_RDELIM) {
		pbackup(t);
		n->u.tmpl.pipe = p_pipeline(t, "template clause", IT_RDELIM);
	}
	return n;
}

static struct tnode *
p_block(struct ptree *t)
{
	struct titem_tok	 tok;
	struct tnode		*pipe, *end = NULL, *n;
	struct ptree		 block;
	const char		*name;

	tok = pnext_nonspace(t);
	name = template_name(t, &tok, "block clause");
	pipe = p_pipeline(t, "block clause", IT_RDELIM);
	ptree_start(&block, t->ps, name);
	block.tree->root = p_item_list(&block, &end);
	if (end->type != TN_END)
		perrorf(t, "unexpected %s in block clause", node_str(t, end));
	tree_add(&block);
	n = newnode(t, TN_TEMPLATE, tok.pos);
	n->line = (uint32_t)tok.line;
	n->u.tmpl.name = name;
	n->u.tmpl.pipe = pipe;
	return n;
}

static struct tnode *
p_loopctl(struct ptree *t, const struct titem_tok *kw)
{
	struct titem_tok	 tok = pnext_nonspace(t);
	bool			 brk = kw->typ == IT_BREAK;
	struct tnode		*n;

	if (tok.typ != IT_RDELIM)
		punexpected(t, &tok, brk ? "{{break}}" : "{{continue}}");
	if (t->range_depth == 0)
		perrorf(t, "%s outside {{range}}", brk ? "{{break}}" :
		    "{{continue}}");
	n = newnode(t, brk ? TN_BREAK : TN_CONTINUE, kw->pos);
	n->line = (uint32_t)kw->line;
	return n;
}

static struct tnode *
p_control(struct ptree *t, enum tn_type type, const char *context)
{
	struct tnode	*n = NULL, *pipe, *list, *elist = NULL, *next = NULL;
	size_t		 nvars = t->nvars;

	pipe = p_pipeline(t, context, IT_RDELIM);
	if (type == TN_RANGE)
		t->range_depth++;
	list = p_item_list(t, &next);
	if (type == TN_RANGE)
		t->range_depth--;
	if (next->type == TN_ELSE) {
		if (type == TN_IF && ppeek(t).typ == IT_IF) {
			pnext(t);
			elist = newnode(t, TN_LIST, next->pos);
			depth_enter(t);
			vec_append(t->ps, &elist->u.list.v, &elist->u.list.n,
			    p_if(t));
			t->ps->depth--;
		} else {
			elist = p_item_list(t, &next);
			if (next->type != TN_END)
				perrorf(t, "expected end; found %s",
				    node_str(t, next));
		}
	}
	t->nvars = nvars;
	n = newnode(t, type, pipe->pos);
	n->line = pipe->line;
	n->u.br.pipe = pipe;
	n->u.br.list = list;
	n->u.br.elist = elist;
	return n;
}

static struct tnode *
p_if(struct ptree *t)
{
	return p_control(t, TN_IF, "if");
}

static struct tnode *
p_else(struct ptree *t)
{
	struct titem_tok	 peek = ppeek_nonspace(t), tok;
	struct tnode		*n;

	if (peek.typ == IT_IF) {
		n = newnode(t, TN_ELSE, peek.pos);
		n->line = (uint32_t)peek.line;
		return n;
	}
	tok = pexpect(t, IT_RDELIM, "else");
	n = newnode(t, TN_ELSE, tok.pos);
	n->line = (uint32_t)tok.line;
	return n;
}

static struct tnode *
p_action(struct ptree *t)
{
	struct titem_tok	 tok = pnext_nonspace(t);
	struct tnode		*n, *pipe;

	switch (tok.typ) {
	case IT_BLOCK:
		return p_block(t);
	case IT_BREAK:
	case IT_CONTINUE:
		return p_loopctl(t, &tok);
	case IT_ELSE:
		return p_else(t);
	case IT_END:
		tok = pexpect(t, IT_RDELIM, "end");
		return newnode(t, TN_END, tok.pos);
	case IT_IF:
		return p_if(t);
	case IT_RANGE:
		return p_control(t, TN_RANGE, "range");
	case IT_TEMPLATE:
		return p_template(t);
	case IT_WITH:
		return p_control(t, TN_WITH, "with");
	default:
		break;
	}
	pbackup(t);
	tok = ppeek(t);
	pipe = p_pipeline(t, "command", IT_RDELIM);
	n = newnode(t, TN_ACTION, tok.pos);
	n->line = (uint32_t)tok.line;
	n->u.apipe = pipe;
	return n;
}

static struct tnode *
p_text_or_action(struct ptree *t)
{
	struct titem_tok	 tok = pnext_nonspace(t);
	struct tnode		*n;

	switch (tok.typ) {
	case IT_TEXT:
		n = newnode(t, TN_TEXT, tok.pos);
		n->u.text.p = pstrndup(t->ps, tok.val, tok.len);
		n->u.text.n = tok.len;
		return n;
	case IT_LDELIM:
		t->action_line = tok.line;
		n = p_action(t);
		t->action_line = 0;
		return n;
	default:
		punexpected(t, &tok, "input");
	}
}

/* ------------------------------------------------------- pipelines --- */

static bool
has_var(struct ptree *t, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < t->nvars; i++) {
		if (strlen(t->vars[i]) == n && memcmp(t->vars[i], s, n) == 0)
			return true;
	}
	return false;
}

static struct tnode *
use_var(struct ptree *t, const struct titem_tok *tok)
{
	struct tnode	*v = new_variable(t, tok->pos, tok->val, tok->len);
	const char	*name = v->u.field.id[0];
	struct buf	 q;
	char		 msg[300];

	if (has_var(t, name, strlen(name)))
		return v;
	buf_init(&q, 200);
	buf_add_goquote(&q, name, strlen(name));
	snprintf(msg, sizeof(msg), "%s", buf_str(&q));
	buf_release(&q);
	perrorf(t, "undefined variable %s", msg);
}

static struct tnode *
p_term(struct ptree *t)
{
	struct titem_tok	 tok = pnext_nonspace(t);
	struct tnode		*n;

	switch (tok.typ) {
	case IT_IDENT:
		n = newnode(t, TN_IDENT, tok.pos);
		n->u.ident.name = pstrndup(t->ps, tok.val, tok.len);
		n->u.ident.fn = tfunc_lookup(tok.val, tok.len);
		if (n->u.ident.fn == NULL) {
			struct buf	q;
			char		msg[300];

			buf_init(&q, 200);
			buf_add_goquote(&q, tok.val, tok.len);
			snprintf(msg, sizeof(msg), "%s", buf_str(&q));
			buf_release(&q);
			perrorf(t, "function %s not defined", msg);
		}
		return n;
	case IT_DOT:
		return newnode(t, TN_DOT, tok.pos);
	case IT_NIL:
		return newnode(t, TN_NIL, tok.pos);
	case IT_VARIABLE:
		return use_var(t, &tok);
	case IT_FIELD:
		return new_field(t, tok.pos, tok.val, tok.len);
	case IT_BOOL:
		n = newnode(t, TN_BOOL, tok.pos);
		n->u.b = tok.len == 4;
		return n;
	case IT_CHAR_CONST:
	case IT_COMPLEX:
	case IT_NUMBER:
		return new_number(t, &tok);
	case IT_LPAREN:
		depth_enter(t);
		n = p_pipeline(t, "parenthesized pipeline", IT_RPAREN);
		t->ps->depth--;
		return n;
	case IT_STRING:
	case IT_RAW_STRING:
		return new_string(t, &tok);
	default:
		pbackup(t);
		return NULL;
	}
}

static struct tnode *
p_operand(struct ptree *t)
{
	struct tnode	*node = p_term(t), *chain;
	struct buf	 b;

	if (node == NULL || ppeek(t).typ != IT_FIELD)
		return node;
	chain = newnode(t, TN_CHAIN, ppeek(t).pos);
	chain->u.chain.node = node;
	while (ppeek(t).typ == IT_FIELD) {
		struct titem_tok	f = pnext(t);
		const char		**nv;

		nv = palloc(t->ps, sizeof(*nv) * (chain->u.chain.n + 1));
		if (chain->u.chain.n > 0)
			memcpy(nv, chain->u.chain.id, sizeof(*nv) *
			    chain->u.chain.n);
		nv[chain->u.chain.n++] = pstrndup(t->ps, f.val + 1, f.len - 1);
		chain->u.chain.id = nv;
	}
	switch (node->type) {
	case TN_FIELD:
	case TN_VAR:
		buf_init(&b, BUF_NOCAP);
		tnode_string(&b, chain);
		node = node->type == TN_FIELD ?
		    new_field(t, chain->pos, buf_str(&b), buf_len(&b)) :
		    new_variable(t, chain->pos, buf_str(&b), buf_len(&b));
		buf_release(&b);
		return node;
	case TN_BOOL:
	case TN_STRING:
	case TN_NUMBER:
	case TN_NIL:
	case TN_DOT:
		buf_init(&b, BUF_NOCAP);
		tnode_string(&b, node);
		{
			struct buf	q;
			char		msg[600];

			buf_init(&q, 500);
			buf_add_goquote(&q, buf_str(&b), buf_len(&b));
			snprintf(msg, sizeof(msg), "%s", buf_str(&q));
			buf_release(&q);
			buf_release(&b);
			perrorf(t, "unexpected . after term %s", msg);
		}
	default:
		return chain;
	}
}

static struct tnode *
p_command(struct ptree *t)
{
	struct tnode		*cmd = newnode(t, TN_CMD,
				    ppeek_nonspace(t).pos);
	struct tnode		*op;
	struct titem_tok	 tok;

	for (;;) {
		ppeek_nonspace(t);
		op = p_operand(t);
		if (op != NULL)
			vec_append(t->ps, &cmd->u.list.v, &cmd->u.list.n, op);
		tok = pnext(t);
		if (tok.typ == IT_SPACE)
			continue;
		if (tok.typ == IT_RDELIM || tok.typ == IT_RPAREN)
			pbackup(t);
		else if (tok.typ != IT_PIPE)
			punexpected(t, &tok, "operand");
		break;
	}
	if (cmd->u.list.n == 0)
		perrorf(t, "empty command");
	return cmd;
}

static void
p_check_pipeline(struct ptree *t, struct tnode *pipe, const char *context)
{
	size_t	i;

	if (pipe->u.pipe.ncmds == 0)
		perrorf(t, "missing value for %s", context);
	for (i = 1; i < pipe->u.pipe.ncmds; i++) {
		switch (pipe->u.pipe.cmds[i]->u.list.v[0]->type) {
		case TN_BOOL: case TN_DOT: case TN_NIL: case TN_NUMBER:
		case TN_STRING:
			perrorf(t, "non executable command in pipeline "
			    "stage %zu", i + 1);
		default:
			break;
		}
	}
}

static void
add_decl(struct ptree *t, struct tnode *pipe, const struct titem_tok *v)
{
	vec_append(t->ps, &pipe->u.pipe.decl, &pipe->u.pipe.ndecl,
	    new_variable(t, v->pos, v->val, v->len));
	pvars_push(t, pstrndup(t->ps, v->val, v->len));
}

static void
p_decls(struct ptree *t, struct tnode *pipe, const char *context)
{
	struct titem_tok	v, after, next;

again:
	v = ppeek_nonspace(t);
	if (v.typ != IT_VARIABLE)
		return;
	pnext(t);
	after = ppeek(t);
	next = ppeek_nonspace(t);
	if (next.typ == IT_ASSIGN || next.typ == IT_DECLARE) {
		pipe->u.pipe.assign = next.typ == IT_ASSIGN;
		pnext_nonspace(t);
		add_decl(t, pipe, &v);
	} else if (next.typ == IT_CHAR && next.len == 1 && next.val[0] == ',') {
		pnext_nonspace(t);
		add_decl(t, pipe, &v);
		if (strcmp(context, "range") == 0 && pipe->u.pipe.ndecl < 2) {
			switch (ppeek_nonspace(t).typ) {
			case IT_VARIABLE: case IT_RDELIM: case IT_RPAREN:
				goto again;
			default:
				perrorf(t, "range can only initialize "
				    "variables");
			}
		}
		perrorf(t, "too many declarations in %s", context);
	} else if (after.typ == IT_SPACE)
		pbackup3(t, v, after);
	else
		pbackup2(t, v);
}

static struct tnode *
p_pipeline(struct ptree *t, const char *context, enum titem end)
{
	struct titem_tok	 tok = ppeek_nonspace(t);
	struct tnode		*pipe = newnode(t, TN_PIPE, tok.pos);

	pipe->line = (uint32_t)tok.line;
	p_decls(t, pipe, context);
	for (;;) {
		tok = pnext_nonspace(t);
		if (tok.typ == end) {
			p_check_pipeline(t, pipe, context);
			return pipe;
		}
		switch (tok.typ) {
		case IT_BOOL: case IT_CHAR_CONST: case IT_COMPLEX: case IT_DOT:
		case IT_FIELD: case IT_IDENT: case IT_NUMBER: case IT_NIL:
		case IT_RAW_STRING: case IT_STRING: case IT_VARIABLE:
		case IT_LPAREN:
			pbackup(t);
			vec_append(t->ps, &pipe->u.pipe.cmds,
			    &pipe->u.pipe.ncmds, p_command(t));
			break;
		default:
			punexpected(t, &tok, context);
		}
	}
}

/* ------------------------------------------------------------- top --- */

static void
p_top(struct ptree *t)
{
	struct tnode	*n;

	t->tree->root = newnode(t, TN_LIST, ppeek(t).pos);
	while (ppeek(t).typ != IT_EOF) {
		if (ppeek(t).typ == IT_LDELIM) {
			struct titem_tok delim = pnext(t);

			if (pnext_nonspace(t).typ == IT_DEFINE) {
				struct ptree	def;

				ptree_start(&def, t->ps, "definition");
				p_definition(&def);
				continue;
			}
			pbackup2(t, delim);
		}
		n = p_text_or_action(t);
		if (n->type == TN_END || n->type == TN_ELSE)
			perrorf(t, "unexpected %s", node_str(t, n));
		vec_append(t->ps, &t->tree->root->u.list.v,
		    &t->tree->root->u.list.n, n);
	}
}

int
tparse(const char *name, const char *text, size_t len, struct tarena *a,
    struct ttree ***trees, size_t *ntrees, struct buf *err, int *line,
    int *col)
{
	struct pstate	ps;
	struct ptree	top;

	memset(&ps, 0, sizeof(ps));
	ps.a = a;
	ps.err = err;
	ps.len = len;
	if (setjmp(ps.jb) != 0) {
		if (line != NULL)
			*line = ps.errline;
		if (col != NULL)
			*col = ps.errcol;
		return -1;
	}
	ps.name = pstrndup(&ps, name, strlen(name));
	ps.text = pstrndup(&ps, text, len);
	tlex_init(&ps.lex, ps.text, len, true, true);
	ptree_start(&top, &ps, ps.name);
	p_top(&top);
	tree_add(&top);
	*trees = ps.trees;
	*ntrees = ps.ntrees;
	return 0;
}

/* ------------------------------------------------------ node utils --- */

bool
tnode_is_empty(const struct tnode *n)
{
	size_t	i;

	if (n == NULL)
		return true;
	switch (n->type) {
	case TN_COMMENT:
		return true;
	case TN_LIST:
		for (i = 0; i < n->u.list.n; i++) {
			if (!tnode_is_empty(n->u.list.v[i]))
				return false;
		}
		return true;
	case TN_TEXT:
		for (i = 0; i < n->u.text.n; i++) {
			/* bytes.TrimSpace: Unicode white space. */
			unsigned char c = (unsigned char)n->u.text.p[i];

			if (c == ' ' || (c >= '\t' && c <= '\r'))
				continue;
			if (c == 0xc2 && i + 1 < n->u.text.n &&
			    ((unsigned char)n->u.text.p[i + 1] == 0x85 ||
			    (unsigned char)n->u.text.p[i + 1] == 0xa0)) {
				i++;
				continue;
			}
			return false;
		}
		return true;
	default:
		return false;
	}
}
