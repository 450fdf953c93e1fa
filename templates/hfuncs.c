/*
 * The escaping functions html/template inserts into pipelines (Go 1.19.8
 * html.go, url.go, css.go, js.go, content.go), text/template's html, js
 * and urlquery builtins, and encoding/json's Marshal of template values
 * (toJson, jsvalescaper).  safeHtml values (template.HTML) pass through
 * the HTML text escaper and have their tags stripped inside attributes;
 * safeUrl values (template.URL) bypass the URL filter.
 */
#include "templates/hctx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"

#define FILTER_FAILSAFE	"ZgotmplZ"

/* ----------------------------------------------------- plain escapers --- */

int
thtml_escape_string(struct buf *b, const char *s, size_t n)
{
	size_t	i, last = 0;
	int	rc = 0;

	for (i = 0; i < n; i++) {
		const char *r;

		switch (s[i]) {
		case '\0': r = "\xef\xbf\xbd"; break;
		case '"': r = "&#34;"; break;
		case '\'': r = "&#39;"; break;
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		default: continue;
		}
		rc |= buf_add(b, s + last, i - last);
		rc |= buf_addstr(b, r);
		last = i + 1;
	}
	return rc | buf_add(b, s + last, n - last);
}

int
tjs_escape_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		i, last = 0, w;
	uint32_t	r;
	int		rc = 0;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!(c == '\\' || c == '\'' || c == '"' || c == '<' ||
		    c == '>' || c == '&' || c == '=' || c < ' ' || c >= 0x80))
			continue;
		rc |= buf_add(b, s + last, i - last);
		if (c < 0x80) {
			switch (c) {
			case '\\': rc |= buf_addstr(b, "\\\\"); break;
			case '\'': rc |= buf_addstr(b, "\\'"); break;
			case '"': rc |= buf_addstr(b, "\\\""); break;
			case '<': rc |= buf_addstr(b, "\\u003C"); break;
			case '>': rc |= buf_addstr(b, "\\u003E"); break;
			case '&': rc |= buf_addstr(b, "\\u0026"); break;
			case '=': rc |= buf_addstr(b, "\\u003D"); break;
			default:
				rc |= buf_addstr(b, "\\u00");
				rc |= buf_addch(b, hex[c >> 4]);
				rc |= buf_addch(b, hex[c & 15]);
			}
		} else {
			w = tu_decode(s + i, n - i, &r);
			if (utf8_isprint(r))
				rc |= buf_add(b, s + i, w);
			else
				rc |= buf_addf(b, "\\u%04X", r);
			i += w - 1;
		}
		last = i + 1;
	}
	return rc | buf_add(b, s + last, n - last);
}

/* ------------------------------------------------------ HTML entities --- */

static const struct {
	const char	*name;
	const char	*utf8;
} entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", "\xc2\xa0" }, { "AMP", "&" }, { "LT", "<" },
	{ "GT", ">" }, { "QUOT", "\"" }, { "colon", ":" }, { "lpar", "(" },
	{ "rpar", ")" }, { "sol", "/" }, { "Tab", "\t" }, { "NewLine", "\n" },
	{ "semi", ";" }, { "comma", "," }, { "period", "." },
	{ "equals", "=" }, { "num", "#" }, { "excl", "!" },
};

void
hhtml_unescape(struct buf *b, const char *s, size_t n)
{
	size_t		i = 0, j, k;
	uint32_t	v;
	char		enc[4];

	while (i < n) {
		if (s[i] != '&') {
			buf_addch(b, s[i++]);
			continue;
		}
		if (i + 2 < n && s[i + 1] == '#') {
			bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';

			j = i + (hex ? 3 : 2);
			v = 0;
			for (k = j; k < n && k < j + 8; k++) {
				int c = (unsigned char)s[k], d;

				if (c >= '0' && c <= '9')
					d = c - '0';
				else if (hex && (c | 32) >= 'a' &&
				    (c | 32) <= 'f')
					d = (c | 32) - 'a' + 10;
				else
					break;
				v = v * (hex ? 16 : 10) + (uint32_t)d;
			}
			if (k > j) {
				if (v == 0 || v > 0x10ffff ||
				    (v >= 0xd800 && v < 0xe000))
					v = 0xfffd;
				buf_add(b, enc, (size_t)utf8_encode(v, enc));
				i = k < n && s[k] == ';' ? k + 1 : k;
				continue;
			}
		}
		for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
			size_t l = strlen(entities[k].name);

			if (n - i - 1 >= l && memcmp(s + i + 1,
			    entities[k].name, l) == 0) {
				buf_addstr(b, entities[k].utf8);
				i += 1 + l;
				if (i < n && s[i] == ';')
					i++;
				break;
			}
		}
		if (k == sizeof(entities) / sizeof(entities[0]))
			buf_addch(b, s[i++]);
	}
}

/* ------------------------------------------------------------ stringify --- */

static bool
is_nil(const struct tval *v)
{
	return v->t == NULL || v->t->kind == TK_IFACE;
}

/* html/template's stringify. */
static int
stringify(struct tval *argv, size_t argc, struct buf *b, int *ct)
{
	size_t	i, k = 0;

	*ct = CT_PLAIN;
	if (argc == 1 && argv[0].t != NULL) {
		const struct ttype *t = argv[0].t;

		if (t == &tt_string || t == &tt_html || t == &tt_url) {
			*ct = t == &tt_html ? CT_HTML : t == &tt_url ?
			    CT_URL : CT_PLAIN;
			return buf_add(b, argv[0].u.s.p, argv[0].u.s.n);
		}
	}
	for (i = 0; i < argc; i++) {
		if (is_nil(&argv[i]))
			continue;
		argv[k] = argv[i];
		if (argv[k].t == &tt_data_ptr)
			argv[k].t = &tt_data;
		k++;
	}
	return tfmt_sprint(b, argv, k);
}

/* ------------------------------------------------------ HTML escaping --- */

enum { TBL_HTML, TBL_HTMLNORM, TBL_NOSPACE, TBL_NOSPACENORM };

static const char *
html_repl(int tbl, uint32_t r)
{
	bool	nospace = tbl == TBL_NOSPACE || tbl == TBL_NOSPACENORM;
	bool	norm = tbl == TBL_HTMLNORM || tbl == TBL_NOSPACENORM;

	switch (r) {
	case 0: return nospace ? "&#xfffd;" : "\xef\xbf\xbd";
	case '"': return "&#34;";
	case '&': return norm ? NULL : "&amp;";
	case '\'': return "&#39;";
	case '+': return "&#43;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	}
	if (!nospace)
		return NULL;
	switch (r) {
	case '\t': return "&#9;";
	case '\n': return "&#10;";
	case '\v': return "&#11;";
	case '\f': return "&#12;";
	case '\r': return "&#13;";
	case ' ': return "&#32;";
	case '=': return "&#61;";
	case '`': return "&#96;";
	}
	return NULL;
}

static int
html_replacer(struct buf *b, const char *s, size_t n, int tbl, bool bad_runes)
{
	size_t		i = 0, w, written = 0;
	uint32_t	r;
	const char	*rep;
	int		rc = 0;

	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		rep = r < 0x80 ? html_repl(tbl, r) : NULL;
		if (rep != NULL) {
			rc |= buf_add(b, s + written, i - written);
			rc |= buf_addstr(b, rep);
			written = i + w;
		} else if (!bad_runes && r >= 0x80 && ((r >= 0xfdd0 &&
		    r <= 0xfdef) || (r >= 0xfff0 && r <= 0xffff))) {
			rc |= buf_add(b, s + written, i - written);
			rc |= buf_addf(b, "&#x%x;", r);
			written = i + w;
		}
		i += w;
	}
	return rc | buf_add(b, s + written, n - written);
}

/* stripTags: the text content of an HTML fragment. */
static void
strip_tags(struct buf *out, const char *s, size_t n, struct tarena *a)
{
	struct hctx	c, d;
	size_t		i = 0, i1, j;
	bool		all_text = true;
	size_t		start = buf_len(out);

	memset(&c, 0, sizeof(c));
	while (i != n) {
		if (c.delim == DL_NONE) {
			int st = c.state;

			if (c.element != EL_NONE && !hstate_in_tag(st))
				st = ST_RCDATA;
			d = c;
			d.state = (uint8_t)st;
			i1 = i + htransition(&d, s + i, n - i, a);
			if (c.state == ST_TEXT || c.state == ST_RCDATA) {
				j = i1;
				if (d.state != c.state) {
					size_t j1;

					for (j1 = j; j1 > i; j1--) {
						if (s[j1 - 1] == '<') {
							j = j1 - 1;
							break;
						}
					}
				}
				buf_add(out, s + i, j - i);
			} else
				all_text = false;
			c = d;
			i = i1;
			continue;
		}
		{
			static const char *const ends[] = { "", "\"", "'",
				" \t\n\f\r>" };
			size_t k = strcspn_n(s + i, n - i, ends[c.delim]);

			if (k == n - i)
				break;
			i1 = i + k;
			if (c.delim != DL_SPACEORTAGEND)
				i1++;
			{
				int el = c.element;

				memset(&c, 0, sizeof(c));
				c.state = ST_TAG;
				c.element = (uint8_t)el;
			}
			i = i1;
		}
	}
	if (all_text) {
		buf_setlen(out, start);
		buf_add(out, s, n);
	} else if (c.state == ST_TEXT || c.state == ST_RCDATA)
		buf_add(out, s + i, n - i);
}

static int
esc_html_like(struct xstate *x, struct tval *argv, size_t argc,
    struct buf *out, int which)
{
	struct buf	s, st;
	int		ct, rc;

	xbuf_init(x, &s);
	if (stringify(argv, argc, &s, &ct) != 0) {
		buf_release(&s);
		return -1;
	}
	switch (which) {
	case HE_HTML:
		rc = ct == CT_HTML ? buf_add(out, buf_str(&s), buf_len(&s)) :
		    html_replacer(out, buf_str(&s), buf_len(&s), TBL_HTML,
		    true);
		break;
	case HE_RCDATA:
		rc = html_replacer(out, buf_str(&s), buf_len(&s),
		    ct == CT_HTML ? TBL_HTMLNORM : TBL_HTML, true);
		break;
	case HE_ATTR:
	case HE_NOSPACE:
		if (ct == CT_HTML) {
			buf_init(&st, BUF_NOCAP);
			strip_tags(&st, buf_str(&s), buf_len(&s), xarena(x));
			rc = html_replacer(out, buf_str(&st), buf_len(&st),
			    which == HE_ATTR ? TBL_HTMLNORM : TBL_NOSPACENORM,
			    which == HE_ATTR);
			buf_release(&st);
		} else
			rc = html_replacer(out, buf_str(&s), buf_len(&s),
			    which == HE_ATTR ? TBL_HTML : TBL_NOSPACE,
			    which == HE_ATTR);
		break;
	default:
		rc = -1;
	}
	buf_release(&s);
	return rc;
}

static int
esc_html_name(struct buf *out, const char *s, size_t n)
{
	char	low[256];
	size_t	i;

	if (n == 0 || n >= sizeof(low))
		return buf_addstr(out, FILTER_FAILSAFE);
	for (i = 0; i < n; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 32 : s[i]);
	low[n] = '\0';
	if (hattr_type(low, n) != CT_PLAIN)
		return buf_addstr(out, FILTER_FAILSAFE);
	for (i = 0; i < n; i++) {
		if (!((low[i] >= '0' && low[i] <= '9') || (low[i] >= 'a' &&
		    low[i] <= 'z')))
			return buf_addstr(out, FILTER_FAILSAFE);
	}
	return buf_add(out, low, n);
}

/* --------------------------------------------------------------- URLs --- */

static bool
is_safe_url(const char *s, size_t n)
{
	const char	*colon = memchr(s, ':', n);
	size_t		 pl;

	if (colon == NULL)
		return true;
	pl = (size_t)(colon - s);
	if (memchr(s, '/', pl) != NULL)
		return true;
	return (pl == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (pl == 5 && strncasecmp(s, "https", 5) == 0) ||
	    (pl == 6 && strncasecmp(s, "mailto", 6) == 0);
}

static bool
hexdig(int c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/* processURLOnto; returns whether anything was escaped. */
static bool
process_url(struct buf *b, const char *s, size_t n, bool norm)
{
	size_t	i, written = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '!': case '#': case '$': case '&': case '*': case '+':
		case ',': case '/': case ':': case ';': case '=': case '?':
		case '@': case '[': case ']':
			if (norm)
				continue;
			break;
		case '-': case '.': case '_': case '~':
			continue;
		case '%':
			if (norm && i + 2 < n &&
			    hexdig((unsigned char)s[i + 1]) &&
			    hexdig((unsigned char)s[i + 2]))
				continue;
			break;
		default:
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9'))
				continue;
		}
		buf_add(b, s + written, i - written);
		buf_addf(b, "%%%02x", c);
		written = i + 1;
	}
	buf_add(b, s + written, n - written);
	return written != 0;
}

static bool
html_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static void
srcset_element(struct buf *b, const char *s, size_t left, size_t right)
{
	size_t	start = left, end = right, i;
	bool	ok = true;

	while (start < right && html_space((unsigned char)s[start]))
		start++;
	for (i = start; i < right; i++) {
		if (html_space((unsigned char)s[i])) {
			end = i;
			break;
		}
	}
	if (is_safe_url(s + start, end - start)) {
		for (i = end; i < right; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!(html_space(c) || (c >= '0' && c <= '9') ||
			    ((c | 32) >= 'a' && (c | 32) <= 'z')))
				ok = false;
		}
		if (ok) {
			buf_add(b, s + left, start - left);
			process_url(b, s + start, end - start, true);
			buf_add(b, s + end, right - end);
			return;
		}
	}
	buf_addstr(b, "#" FILTER_FAILSAFE);
}

static void
esc_srcset(struct buf *b, const char *s, size_t n, int ct)
{
	size_t	i, written = 0;

	if (ct == CT_URL) {
		struct buf	t;
		const char	*p;

		buf_init(&t, BUF_NOCAP);
		process_url(&t, s, n, true);
		for (p = buf_str(&t); *p != '\0'; p++) {
			if (*p == ',')
				buf_addstr(b, "%2c");
			else
				buf_addch(b, *p);
		}
		buf_release(&t);
		return;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == ',') {
			srcset_element(b, s, written, i);
			buf_addch(b, ',');
			written = i + 1;
		}
	}
	srcset_element(b, s, written, n);
}

/* ---------------------------------------------------------------- CSS --- */

static const char *
css_repl(uint32_t r)
{
	switch (r) {
	case 0: return "\\0";
	case '\t': return "\\9";
	case '\n': return "\\a";
	case '\f': return "\\c";
	case '\r': return "\\d";
	case '"': return "\\22";
	case '&': return "\\26";
	case '\'': return "\\27";
	case '(': return "\\28";
	case ')': return "\\29";
	case '+': return "\\2b";
	case '/': return "\\2f";
	case ':': return "\\3a";
	case ';': return "\\3b";
	case '<': return "\\3c";
	case '>': return "\\3e";
	case '\\': return "\\\\";
	case '{': return "\\7b";
	case '}': return "\\7d";
	}
	return NULL;
}

static void
esc_css(struct buf *b, const char *s, size_t n)
{
	size_t		i = 0, w, written = 0;
	uint32_t	r;
	const char	*rep;

	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		rep = r < 0x80 ? css_repl(r) : NULL;
		if (rep != NULL) {
			buf_add(b, s + written, i - written);
			buf_addstr(b, rep);
			written = i + w;
			if (strcmp(rep, "\\\\") != 0 && (written == n ||
			    hexdig((unsigned char)s[written]) ||
			    html_space((unsigned char)s[written])))
				buf_addch(b, ' ');
		}
		i += w;
	}
	buf_add(b, s + written, n - written);
}

static void
esc_css_value(struct buf *b, const char *s, size_t n)
{
	struct buf	d;
	char		id[1024];
	size_t		i, k = 0;
	const char	*p;

	buf_init(&d, BUF_NOCAP);
	hcss_decode(&d, s, n);
	p = buf_str(&d);
	for (i = 0; i < buf_len(&d); i++) {
		unsigned char c = (unsigned char)p[i];

		switch (c) {
		case 0: case '"': case '\'': case '(': case ')': case '/':
		case ';': case '@': case '[': case '\\': case ']': case '`':
		case '{': case '}':
			goto fail;
		case '-':
			if (i != 0 && p[i - 1] == '-')
				goto fail;
			break;
		default:
			if (c < 0x80 && hcss_is_nmchar(c) && k < sizeof(id) - 1)
				id[k++] = (char)(c >= 'A' && c <= 'Z' ? c | 32 :
				    c);
		}
	}
	id[k] = '\0';
	if (strstr(id, "expression") != NULL || strstr(id, "mozbinding") !=
	    NULL)
		goto fail;
	buf_add(b, p, buf_len(&d));
	buf_release(&d);
	return;
fail:
	buf_addstr(b, FILTER_FAILSAFE);
	buf_release(&d);
}

/* ----------------------------------------------------------------- JS --- */

static const char *
js_repl(uint32_t r, int tbl, char low[8])
{
	if (r < 0x20) {
		switch (r) {
		case '\t': return "\\t";
		case '\n': return "\\n";
		case '\f': return "\\f";
		case '\r': return "\\r";
		case '\v': return "\\u000b";
		}
		snprintf(low, 8, "\\u%04x", r);
		return low;
	}
	switch (r) {
	case '"': return "\\u0022";
	case '&': return "\\u0026";
	case '\'': return "\\u0027";
	case '+': return "\\u002b";
	case '/': return "\\/";
	case '<': return "\\u003c";
	case '>': return "\\u003e";
	case '\\': return "\\\\";
	case '`': return tbl == 0 ? "\\u0060" : NULL;
	case 0x2028: return "\\u2028";
	case 0x2029: return "\\u2029";
	}
	if (tbl == 1) {
		switch (r) {
		case '$': return "\\$";
		case '(': return "\\(";
		case ')': return "\\)";
		case '*': return "\\*";
		case '-': return "\\-";
		case '.': return "\\.";
		case '?': return "\\?";
		case '[': return "\\[";
		case ']': return "\\]";
		case '^': return "\\^";
		case '{': return "\\{";
		case '|': return "\\|";
		case '}': return "\\}";
		}
	}
	return NULL;
}

/* replace() with jsStrReplacementTable (0) or jsRegexpReplacementTable (1). */
static void
js_replace(struct buf *b, const char *s, size_t n, int tbl)
{
	size_t		i = 0, w, written = 0;
	uint32_t	r;
	const char	*rep;
	char		low[8];

	while (i < n) {
		w = tu_decode(s + i, n - i, &r);
		if (w == 1 && r == 0xfffd && (unsigned char)s[i] >= 0x80)
			rep = NULL;
		else
			rep = js_repl(r, tbl, low);
		if (rep != NULL) {
			buf_add(b, s + written, i - written);
			buf_addstr(b, rep);
			written = i + w;
		}
		i += w;
	}
	buf_add(b, s + written, n - written);
}

static int
esc_js_val(struct xstate *x, struct tval *argv, size_t argc, struct buf *out)
{
	struct buf	 j, err;
	struct tval	 a;
	uint32_t	 first, last;
	bool		 pad;
	size_t		 i, w;

	buf_init(&j, BUF_NOCAP);
	buf_init(&err, 1024);
	if (argc == 1) {
		a = argv[0];
		if (a.t == &tt_data_ptr)
			a.t = &tt_data;
		if (a.t != NULL && a.t->stringer && a.t != &tt_time) {
			struct buf s;

			xbuf_init(x, &s);
			tfmt_stringer(&s, &a);
			if (xbuf_finish(x, &s, &tt_string, &a) != 0)
				return -1;
		}
	} else {
		struct buf s;

		xbuf_init(x, &s);
		stringify(argv, argc, &s, &(int){ 0 });
		if (xbuf_finish(x, &s, &tt_string, &a) != 0)
			return -1;
	}
	if (tjson_marshal(&j, &a, true, &err) != 0) {
		const char	*m = buf_str(&err), *p;

		buf_addstr(out, " /* ");
		for (p = m; *p != '\0'; p++) {
			if (p[0] == '*' && p[1] == '/') {
				buf_addstr(out, "* /");
				p++;
			} else
				buf_addch(out, *p);
		}
		buf_addstr(out, " */null ");
		buf_release(&j);
		buf_release(&err);
		return 0;
	}
	buf_release(&err);
	if (buf_len(&j) == 0) {
		buf_release(&j);
		return buf_addstr(out, " null ");
	}
	tu_decode(buf_str(&j), buf_len(&j), &first);
	tu_decode_last(buf_str(&j), buf_len(&j), &last);
	pad = hjs_is_ident_part(first) || hjs_is_ident_part(last);
	if (pad)
		buf_addch(out, ' ');
	for (i = 0; i < buf_len(&j); i += w) {
		uint32_t r;

		w = tu_decode(buf_str(&j) + i, buf_len(&j) - i, &r);
		if (r == 0x2028 || r == 0x2029)
			buf_addf(out, "\\u%04x", r);
		else
			buf_add(out, buf_str(&j) + i, w);
	}
	if (pad)
		buf_addch(out, ' ');
	buf_release(&j);
	return 0;
}

/* ------------------------------------------------------------ escapers --- */

int
thtml_run_escaper(struct xstate *x, int which, struct tval *argv, size_t argc,
    struct tval *out)
{
	struct buf	s, b;
	int		ct = CT_PLAIN, rc = 0;

	xbuf_init(x, &b);
	switch (which) {
	case HE_HTML:
	case HE_RCDATA:
	case HE_ATTR:
	case HE_NOSPACE:
		rc = esc_html_like(x, argv, argc, &b, which);
		break;
	case HE_COMMENT:
		break;
	case HE_JSVAL:
		rc = esc_js_val(x, argv, argc, &b);
		break;
	default:
		xbuf_init(x, &s);
		if (stringify(argv, argc, &s, &ct) != 0) {
			buf_release(&s);
			buf_release(&b);
			return xoom(x);
		}
		switch (which) {
		case HE_HTMLNAME:
			rc = esc_html_name(&b, buf_str(&s), buf_len(&s));
			break;
		case HE_URLFILTER:
			if (ct != CT_URL && !is_safe_url(buf_str(&s),
			    buf_len(&s)))
				rc = buf_addstr(&b, "#" FILTER_FAILSAFE);
			else
				rc = buf_add(&b, buf_str(&s), buf_len(&s));
			break;
		case HE_URL:
		case HE_URLNORM:
			process_url(&b, buf_str(&s), buf_len(&s),
			    which == HE_URLNORM || ct == CT_URL);
			break;
		case HE_SRCSET:
			esc_srcset(&b, buf_str(&s), buf_len(&s), ct);
			break;
		case HE_CSS:
			esc_css(&b, buf_str(&s), buf_len(&s));
			break;
		case HE_CSSVALUE:
			esc_css_value(&b, buf_str(&s), buf_len(&s));
			break;
		case HE_JSSTR:
			js_replace(&b, buf_str(&s), buf_len(&s), 0);
			break;
		case HE_JSREGEXP:
			js_replace(&b, buf_str(&s), buf_len(&s), 1);
			if (buf_len(&b) == 0)
				buf_addstr(&b, "(?:)");
			break;
		case HE_EVALARGS:
		default:
			rc = buf_add(&b, buf_str(&s), buf_len(&s));
			break;
		}
		buf_release(&s);
	}
	if (rc != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return xbuf_finish(x, &b, &tt_string, out);
}

#define ESC(fname, id)							\
static int								\
fname(struct xstate *x, const struct tval *recv, struct tval *argv,	\
    size_t argc, struct tval *out)					\
{									\
	(void)recv;							\
	return thtml_run_escaper(x, id, argv, argc, out);		\
}
ESC(e_attr, HE_ATTR)
ESC(e_comment, HE_COMMENT)
ESC(e_css, HE_CSS)
ESC(e_cssvalue, HE_CSSVALUE)
ESC(e_htmlname, HE_HTMLNAME)
ESC(e_html, HE_HTML)
ESC(e_jsregexp, HE_JSREGEXP)
ESC(e_jsstr, HE_JSSTR)
ESC(e_jsval, HE_JSVAL)
ESC(e_nospace, HE_NOSPACE)
ESC(e_rcdata, HE_RCDATA)
ESC(e_srcset, HE_SRCSET)
ESC(e_url, HE_URL)
ESC(e_urlfilter, HE_URLFILTER)
ESC(e_urlnorm, HE_URLNORM)
ESC(e_evalargs, HE_EVALARGS)

#define EF(n, f)	{ .name = n, .fn = f, .params = { &tt_any }, \
	.nparams = 1, .variadic = true, .nout = 1, .special = TF_ESCAPER }

static const struct tfunc escapers[] = {
	EF("_html_template_attrescaper", e_attr),
	EF("_html_template_commentescaper", e_comment),
	EF("_html_template_cssescaper", e_css),
	EF("_html_template_cssvaluefilter", e_cssvalue),
	EF("_html_template_htmlnamefilter", e_htmlname),
	EF("_html_template_htmlescaper", e_html),
	EF("_html_template_jsregexpescaper", e_jsregexp),
	EF("_html_template_jsstrescaper", e_jsstr),
	EF("_html_template_jsvalescaper", e_jsval),
	EF("_html_template_nospaceescaper", e_nospace),
	EF("_html_template_rcdataescaper", e_rcdata),
	EF("_html_template_srcsetescaper", e_srcset),
	EF("_html_template_urlescaper", e_url),
	EF("_html_template_urlfilter", e_urlfilter),
	EF("_html_template_urlnormalizer", e_urlnorm),
	EF("_eval_args_", e_evalargs),
	{ .name = NULL }
};

const struct tfunc *
tfunc_escaper(const char *name)
{
	const struct tfunc	*f;

	for (f = escapers; f->name != NULL; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

/* --------------------------------------------------------------- JSON --- */

static int
json_string(struct buf *b, const char *s, size_t n, bool html)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i = 0, w;
	uint32_t	r;
	int		rc = buf_addch(b, '"');

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (c >= 0x20 && c != '"' && c != '\\' && (!html ||
			    (c != '<' && c != '>' && c != '&'))) {
				rc |= buf_addch(b, c);
			} else if (c == '"' || c == '\\') {
				rc |= buf_addch(b, '\\');
				rc |= buf_addch(b, c);
			} else if (c == '\n') {
				rc |= buf_addstr(b, "\\n");
			} else if (c == '\r') {
				rc |= buf_addstr(b, "\\r");
			} else if (c == '\t') {
				rc |= buf_addstr(b, "\\t");
			} else {
				rc |= buf_addstr(b, "\\u00");
				rc |= buf_addch(b, hex[c >> 4]);
				rc |= buf_addch(b, hex[c & 15]);
			}
			i++;
			continue;
		}
		w = tu_decode(s + i, n - i, &r);
		if (w == 1 && r == 0xfffd)
			rc |= buf_addstr(b, "\\ufffd");
		else if (r == 0x2028 || r == 0x2029)
			rc |= buf_addf(b, "\\u%04x", r);
		else
			rc |= buf_add(b, s + i, w);
		i += w;
	}
	return rc | buf_addch(b, '"');
}

static int
json_float(struct buf *b, double f, struct buf *err)
{
	struct buf	t;
	const char	*p;
	size_t		n;
	double		a = fabs(f);
	int		fmt = 'f', rc;

	if (isnan(f) || isinf(f)) {
		buf_addstr(err, "json: unsupported value: ");
		tfmt_float(err, f, 'g', -1);
		return -1;
	}
	if (a != 0 && (a < 1e-6 || a >= 1e21))
		fmt = 'e';
	buf_init(&t, 64);
	tfmt_float(&t, f, fmt, -1);
	p = buf_str(&t);
	n = buf_len(&t);
	if (fmt == 'e' && n >= 4 && p[n - 4] == 'e' && p[n - 3] == '-' &&
	    p[n - 2] == '0') {
		rc = buf_add(b, p, n - 2);
		rc |= buf_addch(b, p[n - 1]);
	} else
		rc = buf_add(b, p, n);
	buf_release(&t);
	return rc;
}

static const char *const data_json[] = { "receiver", "status", "alerts",
	"groupLabels", "commonLabels", "commonAnnotations", "externalURL" };
static const char *const alert_json[] = { "status", "labels", "annotations",
	"startsAt", "endsAt", "generatorURL", "fingerprint" };

static int	json_value(struct buf *b, const struct tval *v, bool html,
		    struct buf *err, int depth);

static int
json_struct(struct buf *b, const struct tval *v, bool html, struct buf *err,
    int depth)
{
	const char *const	*names = v->t->fields;
	size_t			 i;
	int			 rc = 0;

	if (v->t == &tt_data)
		names = data_json;
	else if (v->t == &tt_alert)
		names = alert_json;
	rc |= buf_addch(b, '{');
	for (i = 0; v->t->fields[i] != NULL; i++) {
		if (i > 0)
			rc |= buf_addch(b, ',');
		rc |= json_string(b, names[i], strlen(names[i]), html);
		rc |= buf_addch(b, ':');
		if (json_value(b, &v->u.fv[i], html, err, depth + 1) != 0)
			return -1;
	}
	return rc | buf_addch(b, '}');
}

static int
json_time(struct buf *b, const struct tval *v, struct buf *err)
{
	struct gcivil	c;
	struct buf	t;
	int		rc;

	gtime_civil(v->u.tm, &c);
	if (c.year < 0 || c.year > 9999) {
		buf_addstr(err, "json: error calling MarshalJSON for type "
		    "time.Time: Time.MarshalJSON: year outside of range "
		    "[0,9999]");
		return -1;
	}
	buf_init(&t, 64);
	gtime_rfc3339nano(&t, v->u.tm);
	rc = buf_addch(b, '"');
	rc |= buf_add(b, buf_str(&t), buf_len(&t));
	rc |= buf_addch(b, '"');
	buf_release(&t);
	return rc;
}

static int
json_value(struct buf *b, const struct tval *v, bool html, struct buf *err,
    int depth)
{
	size_t	i;
	int	rc = 0;

	if (depth > 1000) {
		buf_addstr(err, "json: value nested too deeply");
		return -1;
	}
	if (v->t == NULL || v->t->kind == TK_IFACE)
		return buf_addstr(b, "null");
	switch (v->t->kind) {
	case TK_BOOL:
		return buf_addstr(b, v->u.b ? "true" : "false");
	case TK_INT:
		return buf_addf(b, "%lld", (long long)v->u.i);
	case TK_UINT:
		return buf_addf(b, "%llu", (unsigned long long)v->u.u);
	case TK_FLOAT:
		return json_float(b, v->u.f, err);
	case TK_COMPLEX:
		buf_addstr(err, "json: unsupported type: complex128");
		return -1;
	case TK_STRING:
		return json_string(b, v->u.s.p, v->u.s.n, html);
	case TK_SLICE:
		if (v->u.sl == NULL)
			return buf_addstr(b, "null");
		rc |= buf_addch(b, '[');
		for (i = 0; i < v->u.sl->n; i++) {
			if (i > 0)
				rc |= buf_addch(b, ',');
			if (json_value(b, &v->u.sl->v[i], html, err,
			    depth + 1) != 0)
				return -1;
		}
		return rc | buf_addch(b, ']');
	case TK_MAP:
		if (v->u.m == NULL)
			return buf_addstr(b, "null");
		rc |= buf_addch(b, '{');
		for (i = 0; i < v->u.m->n; i++) {
			if (i > 0)
				rc |= buf_addch(b, ',');
			rc |= json_string(b, v->u.m->e[i].k.p,
			    v->u.m->e[i].k.n, html);
			rc |= buf_addch(b, ':');
			if (json_value(b, &v->u.m->e[i].v, html, err,
			    depth + 1) != 0)
				return -1;
		}
		return rc | buf_addch(b, '}');
	case TK_STRUCT:
		if (v->t == &tt_time)
			return json_time(b, v, err);
		return json_struct(b, v, html, err, depth);
	case TK_PTR:
		if (v->t == &tt_data_ptr) {
			struct tval d = { .t = &tt_data };

			d.u.fv = v->u.fv;
			return json_struct(b, &d, html, err, depth);
		}
		return buf_addstr(b, v->u.loc == NULL ? "null" : "{}");
	default:
		buf_addf(err, "json: unsupported type: %s", v->t->name);
		return -1;
	}
}

int
tjson_marshal(struct buf *b, const struct tval *v, bool html_safe,
    struct buf *err)
{
	size_t	start = buf_len(b);

	if (json_value(b, v, html_safe, err, 0) != 0) {
		buf_setlen(b, start);
		return -1;
	}
	return 0;
}
