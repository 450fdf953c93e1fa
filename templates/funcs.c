/*
 * The functions templates can call: text/template's builtins (Go 1.19
 * funcs.go: index, slice, len, eq/lt/..., print*, html, js, urlquery) and
 * Alertmanager's function map: 0.25's toUpper toLower title join match
 * safeHtml reReplaceAll stringSlice, and the later releases' trimSpace
 * date tz now since humanizeDuration safeUrl urlUnescape toJson list
 * append dict toDate base64encode base64decode.  Each has its Go
 * signature (the executor types arguments by it) and Go's error texts.
 */
#include "templates/tmpl_priv.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/utf8.h"

#define ARGS	struct xstate *x, const struct tval *recv, struct tval *argv, \
		size_t argc, struct tval *out
#define UNUSED	(void)x; (void)recv; (void)argv; (void)argc

static const struct tval nilv = { .t = NULL };

static int
str_out(struct xstate *x, struct buf *b, struct tval *out)
{
	return xbuf_finish(x, b, &tt_string, out);
}

static bool
is_nil(const struct tval *v)
{
	return v->t == NULL || v->t->kind == TK_IFACE;
}

/* text/template's evalArgs: Sprint of printable values. */
static int
eval_args(struct xstate *x, struct tval *argv, size_t argc, struct buf *b)
{
	size_t	i;

	xbuf_init(x, b);
	if (argc == 1 && argv[0].t == &tt_string)
		return buf_add(b, argv[0].u.s.p, argv[0].u.s.n);
	for (i = 0; i < argc; i++) {
		if (argv[i].t == &tt_data_ptr) {
			argv[i].t = &tt_data;
		} else if (is_nil(&argv[i]))
			argv[i] = tv_str(&tt_string, "<no value>", 10);
	}
	return tfmt_sprint(b, argv, argc);
}

/* ----------------------------------------------------------- builtins --- */

static int
f_print(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	if (tfmt_sprint(&b, argv, argc) != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return str_out(x, &b, out);
}

static int
f_println(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	if (tfmt_sprintln(&b, argv, argc) != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return str_out(x, &b, out);
}

static int
f_printf(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	if (tfmt_sprintf(&b, argv[0].u.s.p, argv[0].u.s.n, argv + 1,
	    argc - 1) != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return str_out(x, &b, out);
}

static int
f_escaper(struct xstate *x, struct tval *argv, size_t argc, struct tval *out,
    int (*esc)(struct buf *, const char *, size_t))
{
	struct buf	s, b;

	if (eval_args(x, argv, argc, &s) != 0) {
		buf_release(&s);
		return xoom(x);
	}
	xbuf_init(x, &b);
	if (esc(&b, buf_str(&s), buf_len(&s)) != 0) {
		buf_release(&s);
		buf_release(&b);
		return xoom(x);
	}
	buf_release(&s);
	return str_out(x, &b, out);
}

static int
f_html(ARGS)
{
	UNUSED;
	return f_escaper(x, argv, argc, out, thtml_escape_string);
}

static int
f_js(ARGS)
{
	UNUSED;
	return f_escaper(x, argv, argc, out, tjs_escape_string);
}

static int
f_urlquery(ARGS)
{
	UNUSED;
	return f_escaper(x, argv, argc, out, gourl_query_escape);
}

static int
f_not(ARGS)
{
	bool	ok;

	UNUSED;
	*out = tv_bool(!tv_truth(&argv[0], &ok));
	return 0;
}

static int
f_len(ARGS)
{
	struct tval	*v = &argv[0];

	UNUSED;
	if (v->t == NULL)
		return xfail(x, "reflect: call of reflect.Value.Type on zero "
		    "Value");
	if (v->t->kind == TK_IFACE)
		return xfail(x, "len of nil pointer");
	if (v->t == &tt_data_ptr)
		return xfail(x, "len of type %s", tt_data.name);
	switch (v->t->kind) {
	case TK_STRING:
	case TK_SLICE:
	case TK_MAP:
		*out = tv_int(&tt_int, (int64_t)tv_len(v));
		return 0;
	default:
		return xfail(x, "len of type %s", v->t->name);
	}
}

static int
index_arg(struct xstate *x, const struct tval *v, size_t cap, size_t *out)
{
	int64_t	i;

	if (v->t == NULL || v->t->kind == TK_IFACE)
		return xfail(x, "cannot index slice/array with nil");
	if (v->t->kind == TK_INT)
		i = v->u.i;
	else if (v->t->kind == TK_UINT)
		i = (int64_t)v->u.u;
	else
		return xfail(x, "cannot index slice/array with type %s",
		    v->t->name);
	if (i < 0 || (uint64_t)i > cap)
		return xfail(x, "index out of range: %lld", (long long)i);
	*out = (size_t)i;
	return 0;
}

static int
index_one(struct xstate *x, struct tval *item, const struct tval *idx)
{
	const struct tval	*e;
	size_t			 i = 0;

	if (item->t == &tt_data_ptr)
		item->t = &tt_data;
	switch (item->t->kind) {
	case TK_STRING:
	case TK_SLICE:
		if (index_arg(x, idx, tv_len(item), &i) != 0)
			return -1;
		if (i == tv_len(item))
			return xfail(x, "reflect: %s index out of range",
			    item->t->kind == TK_STRING ? "string" : "slice");
		if (item->t->kind == TK_STRING) {
			item->t = &tt_uint8;
			item->u.u = (unsigned char)item->u.s.p[i];
		} else
			*item = item->u.sl->v[i];
		return 0;
	case TK_MAP:
		if (idx->t == NULL || idx->t->kind == TK_IFACE)
			return xfail(x, "value is nil; should be of type "
			    "string");
		if (!tv_assignable(idx->t, &tt_string))
			return xfail(x, "value has type %s; should be string",
			    idx->t->name);
		e = tmap_get(item->u.m, idx->u.s.p, idx->u.s.n);
		*item = e != NULL ? *e : tv_zero(item->t->elem, xarena(x));
		return 0;
	default:
		return xfail(x, "can't index item of type %s", item->t->name);
	}
}

static int
f_index(ARGS)
{
	struct tval	item = argv[0];
	size_t		i;

	UNUSED;
	if (is_nil(&item))
		return xfail(x, "index of untyped nil");
	for (i = 1; i < argc; i++) {
		if (is_nil(&item))
			return xfail(x, "index of nil pointer");
		if (index_one(x, &item, &argv[i]) != 0)
			return -1;
	}
	*out = item;
	return 0;
}

static int
f_slice(ARGS)
{
	struct tval	 item = argv[0];
	size_t		 idx[3] = { 0, 0, 0 }, cap, i;
	struct tslice	*s;

	UNUSED;
	if (is_nil(&item))
		return xfail(x, "slice of untyped nil");
	if (argc - 1 > 3)
		return xfail(x, "too many slice indexes: %zu", argc - 1);
	if (item.t->kind == TK_STRING) {
		if (argc - 1 == 3)
			return xfail(x, "cannot 3-index slice a string");
	} else if (item.t->kind != TK_SLICE)
		return xfail(x, "can't slice item of type %s", item.t->name);
	cap = tv_len(&item);
	idx[1] = cap;
	for (i = 1; i < argc; i++) {
		if (index_arg(x, &argv[i], cap, &idx[i - 1]) != 0)
			return -1;
	}
	if (idx[0] > idx[1])
		return xfail(x, "invalid slice index: %zu > %zu", idx[0],
		    idx[1]);
	if (argc - 1 == 3 && idx[1] > idx[2])
		return xfail(x, "invalid slice index: %zu > %zu", idx[1],
		    idx[2]);
	if (item.t->kind == TK_STRING) {
		item.u.s.p += idx[0];
		item.u.s.n = idx[1] - idx[0];
		*out = item;
		return 0;
	}
	if (item.u.sl == NULL) {
		*out = item;
		return 0;
	}
	s = tslice_new(xarena(x), idx[1] - idx[0]);
	if (s == NULL)
		return xoom(x);
	memcpy(s->v, item.u.sl->v + idx[0], sizeof(s->v[0]) * s->n);
	out->t = item.t;
	out->u.sl = s;
	return 0;
}

static int
f_call(ARGS)
{
	UNUSED;
	(void)out;
	if (is_nil(&argv[0]))
		return xfail(x, "call of nil");
	return xfail(x, "non-function of type %s", argv[0].t->name);
}

/* --------------------------------------------------------- comparison --- */

enum { K_INVALID, K_BOOL, K_COMPLEX, K_INT, K_FLOAT, K_STRING, K_UINT };

static int
basic_kind(const struct tval *v)
{
	if (v->t == NULL)
		return K_INVALID;
	switch (v->t->kind) {
	case TK_BOOL: return K_BOOL;
	case TK_INT: return K_INT;
	case TK_UINT: return K_UINT;
	case TK_FLOAT: return K_FLOAT;
	case TK_COMPLEX: return K_COMPLEX;
	case TK_STRING: return K_STRING;
	default: return K_INVALID;
	}
}

static bool
str_eq(const struct tval *a, const struct tval *b)
{
	return a->u.s.n == b->u.s.n &&
	    memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0;
}

static bool
comparable_type(const struct ttype *t)
{
	return t->kind != TK_SLICE && t->kind != TK_MAP && t != &tt_data &&
	    t != &tt_alert;
}

static int
eq_other(struct xstate *x, const struct tval *a, const struct tval *b,
    bool *truth)
{
	struct buf	s1, s2;
	int		rc;

	if (!(a->t == NULL || b->t == NULL || a->t->kind == b->t->kind)) {
		buf_init(&s1, 512);
		buf_init(&s2, 512);
		tfmt_value(&s1, a, 's');
		tfmt_value(&s2, b, 'v');
		rc = xfail(x, "non-comparable types %s: %s, %s: %s",
		    buf_str(&s1), a->t->name, b->t->name, buf_str(&s2));
		buf_release(&s1);
		buf_release(&s2);
		return rc;
	}
	if (tv_isnil(a) || tv_isnil(b)) {
		*truth = tv_isnil(a) == tv_isnil(b);
		return 0;
	}
	if (!comparable_type(b->t)) {
		buf_init(&s1, 512);
		tfmt_value(&s1, b, 's');
		rc = xfail(x, "non-comparable type %s: %s", buf_str(&s1),
		    b->t->name);
		buf_release(&s1);
		return rc;
	}
	if (a->t != b->t) {
		*truth = false;
		return 0;
	}
	if (a->t == &tt_time)
		*truth = a->u.tm->sec == b->u.tm->sec &&
		    a->u.tm->nsec == b->u.tm->nsec &&
		    a->u.tm->loc == b->u.tm->loc &&
		    a->u.tm->mono == b->u.tm->mono &&
		    (!a->u.tm->mono || a->u.tm->mono_ns == b->u.tm->mono_ns);
	else if (a->t == &tt_pair)
		*truth = str_eq(&a->u.fv[0], &b->u.fv[0]) &&
		    str_eq(&a->u.fv[1], &b->u.fv[1]);
	else
		*truth = a->u.fv == b->u.fv;
	return 0;
}

static int
eq2(struct xstate *x, const struct tval *a, const struct tval *b, bool *truth)
{
	int	k1 = basic_kind(a), k2 = basic_kind(b);

	*truth = false;
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*truth = a->u.i >= 0 && (uint64_t)a->u.i == b->u.u;
		else if (k1 == K_UINT && k2 == K_INT)
			*truth = b->u.i >= 0 && a->u.u == (uint64_t)b->u.i;
		else if (!is_nil(a) && !is_nil(b))
			return xfail(x, "incompatible types for comparison");
		return 0;
	}
	switch (k1) {
	case K_BOOL:
		*truth = a->u.b == b->u.b;
		return 0;
	case K_COMPLEX:
		*truth = a->u.c.re == b->u.c.re && a->u.c.im == b->u.c.im;
		return 0;
	case K_FLOAT:
		*truth = a->u.f == b->u.f;
		return 0;
	case K_INT:
		*truth = a->u.i == b->u.i;
		return 0;
	case K_STRING:
		*truth = str_eq(a, b);
		return 0;
	case K_UINT:
		*truth = a->u.u == b->u.u;
		return 0;
	default:
		return eq_other(x, a, b, truth);
	}
}

static struct tval
unbox(const struct tval *v)
{
	return v->t != NULL && v->t->kind == TK_IFACE ? nilv : *v;
}

static int
f_eq(ARGS)
{
	struct tval	a = unbox(&argv[0]), b;
	bool		truth = false;
	size_t		i;

	UNUSED;
	if (argc < 2)
		return xfail(x, "missing argument for comparison");
	for (i = 1; i < argc && !truth; i++) {
		b = unbox(&argv[i]);
		if (eq2(x, &a, &b, &truth) != 0)
			return -1;
	}
	*out = tv_bool(truth);
	return 0;
}

static int
f_ne(ARGS)
{
	struct tval	a = unbox(&argv[0]), b = unbox(&argv[1]);
	bool		truth;

	UNUSED;
	if (eq2(x, &a, &b, &truth) != 0)
		return -1;
	*out = tv_bool(!truth);
	return 0;
}

static int
cmp_strs(const struct tval *a, const struct tval *b)
{
	size_t	n = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
	int	c = memcmp(a->u.s.p, b->u.s.p, n);

	if (c != 0)
		return c;
	return a->u.s.n < b->u.s.n ? -1 : a->u.s.n > b->u.s.n;
}

static int
lt2(struct xstate *x, const struct tval *av, const struct tval *bv, bool *lt)
{
	struct tval	a = unbox(av), b = unbox(bv);
	int		k1 = basic_kind(&a), k2 = basic_kind(&b);

	if (k1 == K_INVALID || k2 == K_INVALID)
		return xfail(x, "invalid type for comparison");
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*lt = a.u.i < 0 || (uint64_t)a.u.i < b.u.u;
		else if (k1 == K_UINT && k2 == K_INT)
			*lt = b.u.i >= 0 && a.u.u < (uint64_t)b.u.i;
		else
			return xfail(x, "incompatible types for comparison");
		return 0;
	}
	switch (k1) {
	case K_BOOL:
	case K_COMPLEX:
		return xfail(x, "invalid type for comparison");
	case K_FLOAT:
		*lt = a.u.f < b.u.f;
		break;
	case K_INT:
		*lt = a.u.i < b.u.i;
		break;
	case K_STRING:
		*lt = cmp_strs(&a, &b) < 0;
		break;
	default:
		*lt = a.u.u < b.u.u;
	}
	return 0;
}

static int
le2(struct xstate *x, const struct tval *a, const struct tval *b, bool *le)
{
	struct tval	ua = unbox(a), ub = unbox(b);

	if (lt2(x, a, b, le) != 0)
		return -1;
	if (*le)
		return 0;
	return eq2(x, &ua, &ub, le);
}

static int
f_lt(ARGS)
{
	bool	r;

	UNUSED;
	if (lt2(x, &argv[0], &argv[1], &r) != 0)
		return -1;
	*out = tv_bool(r);
	return 0;
}

static int
f_le(ARGS)
{
	bool	r;

	UNUSED;
	if (le2(x, &argv[0], &argv[1], &r) != 0)
		return -1;
	*out = tv_bool(r);
	return 0;
}

static int
f_gt(ARGS)
{
	bool	r;

	UNUSED;
	if (le2(x, &argv[0], &argv[1], &r) != 0)
		return -1;
	*out = tv_bool(!r);
	return 0;
}

static int
f_ge(ARGS)
{
	bool	r;

	UNUSED;
	if (lt2(x, &argv[0], &argv[1], &r) != 0)
		return -1;
	*out = tv_bool(!r);
	return 0;
}

/* ------------------------------------------------------------ strings --- */

static int
map_runes(struct xstate *x, const struct tval *s, uint32_t (*fn)(uint32_t),
    struct tval *out)
{
	struct buf	b;
	size_t		i = 0, w;
	uint32_t	r;
	char		enc[4];
	int		rc = 0;

	xbuf_init(x, &b);
	while (i < s->u.s.n) {
		w = tu_decode(s->u.s.p + i, s->u.s.n - i, &r);
		rc |= buf_add(&b, enc, (size_t)utf8_encode(fn(r), enc));
		i += w;
	}
	if (rc != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return str_out(x, &b, out);
}

static int
f_to_upper(ARGS)
{
	UNUSED;
	return map_runes(x, &argv[0], tu_upper, out);
}

static int
f_to_lower(ARGS)
{
	UNUSED;
	return map_runes(x, &argv[0], tu_lower, out);
}

static bool
is_space_rune(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200a;
}

static int
f_trim_space(ARGS)
{
	const char	*p = argv[0].u.s.p;
	size_t		 n = argv[0].u.s.n, w;
	uint32_t	 r;

	UNUSED;
	while (n > 0) {
		w = tu_decode(p, n, &r);
		if (!is_space_rune(r))
			break;
		p += w;
		n -= w;
	}
	while (n > 0) {
		w = tu_decode_last(p, n, &r);
		if (!is_space_rune(r))
			break;
		n -= w;
	}
	*out = tv_str(&tt_string, p, n);
	return 0;
}

/*
 * golang.org/x/text/cases.Title (und / en-US): the first cased letter of a
 * word is title-cased, the following ones lower-cased.  Words break at
 * runes that are neither letters, digits, '_' nor mid-word punctuation
 * ("." ":" "'"); two mid-word runes in a row break too.
 */
static bool
title_is_mid(uint32_t r)
{
	switch (r) {
	case '.': case ':': case '\'': case 0xb7: case 0x387: case 0x5f4:
	case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xfe13:
	case 0xfe52: case 0xfe55: case 0xff07: case 0xff0e: case 0xff1a:
		return true;
	}
	return false;
}

static bool
title_is_break(uint32_t r)
{
	if (r < 0x80)
		return !((r | 32) >= 'a' && (r | 32) <= 'z') &&
		    !(r >= '0' && r <= '9') && r != '_' && !title_is_mid(r);
	if (title_is_mid(r) || tu_is_letter(r))
		return false;
	/* Combining marks (Extend) do not break. */
	if ((r >= 0x300 && r <= 0x36f) || (r >= 0x1ab0 && r <= 0x1aff) ||
	    (r >= 0x1dc0 && r <= 0x1dff) || (r >= 0x20d0 && r <= 0x20ff) ||
	    (r >= 0xfe20 && r <= 0xfe2f) || r == 0x200d)
		return false;
	return true;
}

static bool
title_is_cased(uint32_t r)
{
	return tu_upper(r) != r || tu_lower(r) != r ||
	    (r >= 0x1c5 && r <= 0x1cb && r % 3 == 2) || r == 0x1f2 ||
	    r == 0xdf || r == 0x149 || r == 0x1f0 || (r >= 0xfb00 &&
	    r <= 0xfb06);
}

static void
title_upper(struct buf *b, uint32_t r)
{
	static const char *const lig[] = { "Ff", "Fi", "Fl", "Ffi", "Ffl",
		"St", "St" };
	char	enc[4];

	if (r == 0xdf) {
		buf_addstr(b, "Ss");
		return;
	}
	if (r >= 0xfb00 && r <= 0xfb06) {
		buf_addstr(b, lig[r - 0xfb00]);
		return;
	}
	if (r == 0x149) {
		buf_addstr(b, "\xca\xbcN");
		return;
	}
	buf_add(b, enc, (size_t)utf8_encode(tu_title(r), enc));
}

static void
title_lower(struct buf *b, const char *s, size_t n, size_t i, uint32_t r,
    bool prev_cased)
{
	char		enc[4];
	uint32_t	nr;

	if (r == 0x130) {
		buf_addstr(b, "i\xcc\x87");
		return;
	}
	if (r == 0x3a3 && prev_cased) {
		/* Final sigma: no cased letter follows. */
		nr = 0;
		if (i < n)
			tu_decode(s + i, n - i, &nr);
		if (i >= n || !title_is_cased(nr)) {
			buf_addstr(b, "\xcf\x82");
			return;
		}
	}
	buf_add(b, enc, (size_t)utf8_encode(tu_lower(r), enc));
}

static int
f_title(ARGS)
{
	const char	*s = argv[0].u.s.p;
	size_t		 n = argv[0].u.s.n, i = 0, w;
	uint32_t	 r;
	bool		 mid_word = false, was_mid = false, cased;
	struct buf	 b;

	UNUSED;
	xbuf_init(x, &b);
	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		if (was_mid && title_is_mid(r))
			mid_word = false;
		was_mid = title_is_mid(r);
		cased = title_is_cased(r);
		if (cased) {
			if (!mid_word) {
				title_upper(&b, r);
				mid_word = true;
			} else
				title_lower(&b, s, n, i + w, r, true);
		} else {
			buf_add(&b, s + i, w);
			if (title_is_break(r))
				mid_word = false;
		}
		i += w;
	}
	return str_out(x, &b, out);
}

static int
f_join(ARGS)
{
	const struct tslice	*sl = argv[1].u.sl;
	struct buf		 b;
	size_t			 i;
	int			 rc = 0;

	UNUSED;
	xbuf_init(x, &b);
	for (i = 0; sl != NULL && i < sl->n; i++) {
		if (i > 0)
			rc |= buf_add(&b, argv[0].u.s.p, argv[0].u.s.n);
		rc |= buf_add(&b, sl->v[i].u.s.p, sl->v[i].u.s.n);
	}
	if (rc != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return str_out(x, &b, out);
}

static int
f_match(ARGS)
{
	struct buf	err;
	bool		m = false;
	int		rc;

	UNUSED;
	buf_init(&err, 512);
	rc = tre_match(xrecache(x), argv[0].u.s.p, argv[0].u.s.n,
	    argv[1].u.s.p, argv[1].u.s.n, &m, &err);
	if (rc != 0)
		xfail(x, "%s", buf_str(&err));
	buf_release(&err);
	if (rc != 0)
		return -1;
	*out = tv_bool(m);
	return 0;
}

static int
f_re_replace_all(ARGS)
{
	struct buf	b, err;
	int		rc;

	UNUSED;
	xbuf_init(x, &b);
	buf_init(&err, 512);
	rc = tre_replace_all(xrecache(x), argv[0].u.s.p, argv[0].u.s.n,
	    argv[1].u.s.p, argv[1].u.s.n, argv[2].u.s.p, argv[2].u.s.n, &b,
	    &err);
	if (rc != 0) {
		rc = buf_len(&err) > 0 ? xfail(x, "%s", buf_str(&err)) :
		    xoom(x);
		buf_release(&b);
		buf_release(&err);
		return rc;
	}
	buf_release(&err);
	return str_out(x, &b, out);
}

static int
f_safe_html(ARGS)
{
	UNUSED;
	*out = argv[0];
	out->t = &tt_html;
	return 0;
}

static int
f_safe_url(ARGS)
{
	UNUSED;
	*out = argv[0];
	out->t = &tt_url;
	return 0;
}

static int
f_string_slice(ARGS)
{
	struct tslice	*s;

	UNUSED;
	out->t = &tt_string_slice;
	out->u.sl = NULL;
	if (argc == 0)
		return 0;
	s = tslice_new(xarena(x), argc);
	if (s == NULL)
		return xoom(x);
	memcpy(s->v, argv, sizeof(*argv) * argc);
	out->u.sl = s;
	return 0;
}

/* url.QueryUnescape. */
static int
f_url_unescape(ARGS)
{
	struct ad_err	e;
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	if (gourl_unescape(&b, argv[0].u.s.p, argv[0].u.s.n,
	    GOURL_ENC_QUERY_COMPONENT, &e) == -1) {
		buf_release(&b);
		xfail(x, "%s", e.msg);
		return -1;
	}
	return str_out(x, &b, out);
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
f_b64encode(ARGS)
{
	const unsigned char	*s = (const unsigned char *)argv[0].u.s.p;
	size_t			 n = argv[0].u.s.n, i;
	struct buf		 b;
	uint32_t		 v;
	char			 q[4];

	UNUSED;
	xbuf_init(x, &b);
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64url[v >> 18 & 63];
		q[1] = b64url[v >> 12 & 63];
		q[2] = i + 1 < n ? b64url[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64url[v & 63] : '=';
		if (buf_add(&b, q, 4) != 0) {
			buf_release(&b);
			return xoom(x);
		}
	}
	return str_out(x, &b, out);
}

static int
b64val(unsigned char c)
{
	const char	*p = c != 0 ? strchr(b64url, c) : NULL;

	return p != NULL ? (int)(p - b64url) : -1;
}

/* encoding/base64 URLEncoding.DecodeString; -1 with the byte offset. */
static int
b64decode(const unsigned char *s, size_t n, struct buf *b, size_t *bad)
{
	size_t	si = 0, j, dlen;
	int	d[4], v;

	for (;;) {
		dlen = 4;
		for (j = 0; j < 4; j++) {
			if (si == n) {
				if (j == 0)
					return 0;
				*bad = si - j;
				return -1;
			}
			v = b64val(s[si++]);
			if (v >= 0) {
				d[j] = v;
				continue;
			}
			if (s[si - 1] == '\n' || s[si - 1] == '\r') {
				j--;
				continue;
			}
			if (s[si - 1] != '=' || j < 2) {
				*bad = si - 1;
				return -1;
			}
			if (j == 2) {
				while (si < n && (s[si] == '\n' ||
				    s[si] == '\r'))
					si++;
				if (si == n) {
					*bad = n;
					return -1;
				}
				if (s[si] != '=') {
					*bad = si - 1;
					return -1;
				}
				si++;
			}
			while (si < n && (s[si] == '\n' || s[si] == '\r'))
				si++;
			if (si < n) {
				*bad = si;
				return -1;
			}
			dlen = j;
			break;
		}
		for (; j < 4; j++)
			d[j] = 0;
		v = d[0] << 18 | d[1] << 12 | d[2] << 6 | d[3];
		buf_addch(b, v >> 16 & 255);
		if (dlen >= 3)
			buf_addch(b, v >> 8 & 255);
		if (dlen == 4)
			buf_addch(b, v & 255);
		if (dlen < 4)
			return 0;
	}
}

static int
f_b64decode(ARGS)
{
	struct buf	b;
	size_t		bad = 0;

	UNUSED;
	xbuf_init(x, &b);
	if (b64decode((const unsigned char *)argv[0].u.s.p, argv[0].u.s.n, &b,
	    &bad) != 0) {
		buf_release(&b);
		return xfail(x, "illegal base64 data at input byte %zu", bad);
	}
	return str_out(x, &b, out);
}

/* ---------------------------------------------------------------- time --- */

static int
time_out(struct xstate *x, const struct gtime *t, struct tval *out)
{
	struct gtime	*nt = tarena_alloc(xarena(x), sizeof(*nt));

	if (nt == NULL)
		return xoom(x);
	*nt = *t;
	out->t = &tt_time;
	out->u.tm = nt;
	return 0;
}

static int
f_date(ARGS)
{
	struct buf	b;

	UNUSED;
	xbuf_init(x, &b);
	gtime_format(&b, argv[1].u.tm, argv[0].u.s.p, argv[0].u.s.n);
	return str_out(x, &b, out);
}

static int
f_tz(ARGS)
{
	const struct gloc	*l;
	struct gtime		 t;
	char			 err[256], *name;

	UNUSED;
	name = tarena_strndup(xarena(x), argv[0].u.s.p, argv[0].u.s.n);
	if (name == NULL)
		return xoom(x);
	if (strlen(name) != argv[0].u.s.n)
		return xfail(x, "unknown time zone %s", name);
	l = gloc_load(name, err, sizeof(err));
	if (l == NULL)
		return xfail(x, "%s", err);
	t = *argv[1].u.tm;
	t.loc = l;
	return time_out(x, &t, out);
}

static int
f_now(ARGS)
{
	struct gtime	t;

	UNUSED;
	xnow(x, &t);
	return time_out(x, &t, out);
}

static int
f_since(ARGS)
{
	struct gtime	t;

	UNUSED;
	xnow(x, &t);
	*out = tv_int(&tt_duration, gtime_sub(&t, argv[0].u.tm));
	return 0;
}

static int
f_to_date(ARGS)
{
	struct gtime	t;
	struct buf	err;

	UNUSED;
	buf_init(&err, 1024);
	if (gtime_parse(argv[0].u.s.p, argv[0].u.s.n, argv[1].u.s.p,
	    argv[1].u.s.n, gloc_utc(), xarena(x), &t, &err) != 0)
		t = gtime_zero;
	buf_release(&err);
	return time_out(x, &t, out);
}

/* prometheus/common/helpers/templates.ConvertToFloat. */
static int
to_float(struct xstate *x, const struct tval *v, double *f)
{
	char	*s, *end;

	if (v->t == &tt_float64)
		*f = v->u.f;
	else if (v->t == &tt_int || v->t == &tt_int64)
		*f = (double)v->u.i;
	else if (v->t == &tt_duration)
		*f = (double)(v->u.i / 1000000000) +
		    (double)(v->u.i % 1000000000) / 1e9;
	else if (v->t == &tt_string) {
		s = tarena_strndup(xarena(x), v->u.s.p, v->u.s.n);
		if (s == NULL)
			return xoom(x);
		*f = strtod(s, &end);
		if (*s == '\0' || *end != '\0' || isspace((unsigned char)*s) ||
		    strpbrk(s, "xX") != NULL) {
			struct buf q;

			buf_init(&q, 256);
			buf_add_goquote(&q, v->u.s.p, v->u.s.n);
			xfail(x, "strconv.ParseFloat: parsing %s: invalid "
			    "syntax", buf_str(&q));
			buf_release(&q);
			return -1;
		}
	} else
		return xfail(x, "can't convert %s to float",
		    is_nil(v) ? "<nil>" : v->t->name);
	return 0;
}

static int
sprintf_out(struct buf *b, const char *fmt, double v)
{
	struct tval	a = { .t = &tt_float64 };

	a.u.f = v;
	return tfmt_sprintf(b, fmt, strlen(fmt), &a, 1);
}

static int
f_humanize_duration(ARGS)
{
	struct buf	b;
	double		v = 0;
	int64_t		d, s, m, h, days;
	const char	*sign = "";
	static const char *const pre[] = { "m", "u", "n", "p", "f", "a", "z",
		"y" };
	const char	*prefix = "";
	size_t		i;

	UNUSED;
	if (to_float(x, &argv[0], &v) != 0)
		return -1;
	xbuf_init(x, &b);
	if (isnan(v) || isinf(v)) {
		sprintf_out(&b, "%.4g", v);
	} else if (v == 0) {
		sprintf_out(&b, "%.4gs", v);
	} else if (fabs(v) >= 1) {
		if (v < 0) {
			sign = "-";
			v = -v;
		}
		d = v >= 9.2233720368547758e18 ? INT64_MIN : (int64_t)v;
		s = d % 60;
		m = d / 60 % 60;
		h = d / 3600 % 24;
		days = d / 86400;
		if (days != 0)
			buf_addf(&b, "%s%lldd %lldh %lldm %llds", sign,
			    (long long)days, (long long)h, (long long)m,
			    (long long)s);
		else if (h != 0)
			buf_addf(&b, "%s%lldh %lldm %llds", sign, (long long)h,
			    (long long)m, (long long)s);
		else if (m != 0)
			buf_addf(&b, "%s%lldm %llds", sign, (long long)m,
			    (long long)s);
		else {
			buf_addstr(&b, sign);
			sprintf_out(&b, "%.4gs", v);
		}
	} else {
		for (i = 0; i < 8 && fabs(v) < 1; i++) {
			prefix = pre[i];
			v *= 1000;
		}
		sprintf_out(&b, "%.4g", v);
		buf_addstr(&b, prefix);
		buf_addch(&b, 's');
	}
	return str_out(x, &b, out);
}

/* -------------------------------------------------- lists and maps --- */

static int
f_to_json(ARGS)
{
	struct buf	b, err;
	int		rc;

	UNUSED;
	xbuf_init(x, &b);
	buf_init(&err, 512);
	rc = tjson_marshal(&b, &argv[0], true, &err);
	if (rc != 0) {
		if (buf_len(&err) > 0)
			xfail(x, "%s", buf_str(&err));
		buf_release(&b);
		rc = buf_len(&err) > 0 ? -1 : xoom(x);
		buf_release(&err);
		return rc;
	}
	buf_release(&err);
	return str_out(x, &b, out);
}

static int
f_list(ARGS)
{
	struct tslice	*s;

	UNUSED;
	s = tslice_new(xarena(x), argc);
	if (s == NULL)
		return xoom(x);
	if (argc > 0)
		memcpy(s->v, argv, sizeof(*argv) * argc);
	out->t = &tt_any_slice;
	out->u.sl = s;
	return 0;
}

static int
f_append(ARGS)
{
	const struct tslice	*old = argv[0].u.sl;
	size_t			 on = old != NULL ? old->n : 0;
	struct tslice		*s;

	UNUSED;
	if (argc == 1) {
		*out = argv[0];
		return 0;
	}
	s = tslice_new(xarena(x), on + argc - 1);
	if (s == NULL)
		return xoom(x);
	if (on > 0)
		memcpy(s->v, old->v, sizeof(s->v[0]) * on);
	memcpy(s->v + on, argv + 1, sizeof(*argv) * (argc - 1));
	out->t = &tt_any_slice;
	out->u.sl = s;
	return 0;
}

static int
f_dict(ARGS)
{
	struct tmap	*m;
	size_t		 i;

	UNUSED;
	if (argc % 2 != 0)
		return xfail(x, "dict requires an even number of arguments");
	m = tmap_new(xarena(x), argc / 2);
	if (m == NULL)
		return xoom(x);
	for (i = 0; i < argc; i += 2) {
		if (argv[i].t != &tt_string)
			return xfail(x, "dict keys must be strings");
		m->e[i / 2].k = argv[i].u.s;
		m->e[i / 2].v = argv[i + 1];
	}
	m->n = tmap_sort(m->e, m->n);
	out->t = &tt_any_map;
	out->u.m = m;
	return 0;
}

/* ------------------------------------------------------------- table --- */

#define RV	&tt_rvalue
#define STR	&tt_string
#define F(n, f, ...)	{ .name = n, .fn = f, .params = { __VA_ARGS__ }, \
	.nparams = sizeof((const struct ttype *[]){ __VA_ARGS__ }) / \
	sizeof(const struct ttype *), .nout = 1
#define V	.variadic = true
#define E	.err = true
#define B	.builtin = true

static const struct tfunc funcs[] = {
	/* text/template builtins */
	{ .name = "and", .params = { RV, RV }, .nparams = 2, V, .nout = 1,
	    .special = TF_AND, B },
	F("call", f_call, RV, RV), V, E, B },
	F("eq", f_eq, RV, RV), V, E, B },
	F("ge", f_ge, RV, RV), E, B },
	F("gt", f_gt, RV, RV), E, B },
	F("html", f_html, &tt_any), V, B },
	F("index", f_index, RV, RV), V, E, B },
	F("js", f_js, &tt_any), V, B },
	F("le", f_le, RV, RV), E, B },
	F("len", f_len, RV), E, B },
	F("lt", f_lt, RV, RV), E, B },
	F("ne", f_ne, RV, RV), E, B },
	F("not", f_not, RV), B },
	{ .name = "or", .params = { RV, RV }, .nparams = 2, V, .nout = 1,
	    .special = TF_OR, B },
	F("print", f_print, &tt_any), V, B },
	F("printf", f_printf, STR, &tt_any), V, B },
	F("println", f_println, &tt_any), V, B },
	F("slice", f_slice, RV, RV), V, E, B },
	F("urlquery", f_urlquery, &tt_any), V, B },
	/* Alertmanager 0.25 */
	F("join", f_join, STR, &tt_string_slice) },
	F("match", f_match, STR, STR), E },
	F("reReplaceAll", f_re_replace_all, STR, STR, STR) },
	F("safeHtml", f_safe_html, STR) },
	F("stringSlice", f_string_slice, STR), V },
	F("title", f_title, STR) },
	F("toLower", f_to_lower, STR) },
	F("toUpper", f_to_upper, STR) },
	/* later Alertmanager releases */
	F("append", f_append, &tt_any_slice, &tt_any), V },
	F("base64decode", f_b64decode, STR), E },
	F("base64encode", f_b64encode, STR) },
	F("date", f_date, STR, &tt_time) },
	F("dict", f_dict, &tt_any), V, E },
	F("humanizeDuration", f_humanize_duration, &tt_any), E },
	F("list", f_list, &tt_any), V, E },
	{ .name = "now", .fn = f_now, .nout = 1 },
	F("safeUrl", f_safe_url, STR) },
	F("since", f_since, &tt_time) },
	F("toDate", f_to_date, STR, STR) },
	F("toJson", f_to_json, &tt_any), E },
	F("trimSpace", f_trim_space, STR) },
	F("tz", f_tz, STR, &tt_time), E },
	F("urlUnescape", f_url_unescape, STR), E },
	{ .name = NULL }
};

const struct tfunc *
tfunc_lookup(const char *name, size_t len)
{
	const struct tfunc	*f;

	for (f = funcs; f->name != NULL; f++) {
		if (strlen(f->name) == len && memcmp(f->name, name, len) == 0)
			return f;
	}
	return NULL;
}
