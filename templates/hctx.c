/*
 * html/template's HTML/CSS/JS context machine (Go 1.19.8 transition.go,
 * context.go, css.go, js.go, attr.go): how template text moves the parser
 * state between text, tags, attributes, URLs, CSS and JS.  Shared by the
 * escaper (hescape.c) and stripTags (hfuncs.c).
 */
#include "templates/hctx.h"

#include <stdio.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"

static const char *const state_names[] = { "stateText", "stateTag",
	"stateAttrName", "stateAfterName", "stateBeforeValue", "stateHTMLCmt",
	"stateRCDATA", "stateAttr", "stateURL", "stateSrcset", "stateJS",
	"stateJSDqStr", "stateJSSqStr", "stateJSBqStr", "stateJSRegexp",
	"stateJSBlockCmt", "stateJSLineCmt", "stateCSS", "stateCSSDqStr",
	"stateCSSSqStr", "stateCSSDqURL", "stateCSSSqURL", "stateCSSURL",
	"stateCSSBlockCmt", "stateCSSLineCmt", "stateError", "stateDead" };
static const char *const delim_names[] = { "delimNone", "delimDoubleQuote",
	"delimSingleQuote", "delimSpaceOrTagEnd" };
static const char *const urlpart_names[] = { "urlPartNone",
	"urlPartPreQuery", "urlPartQueryOrFrag", "urlPartUnknown" };
static const char *const jsctx_names[] = { "jsCtxRegexp", "jsCtxDivOp",
	"jsCtxUnknown" };
static const char *const attr_names[] = { "attrNone", "attrScript",
	"attrScriptType", "attrStyle", "attrURL", "attrSrcset" };
static const char *const element_names[] = { "elementNone",
	"elementScript", "elementStyle", "elementTextarea", "elementTitle" };

bool
hctx_eq(const struct hctx *a, const struct hctx *b)
{
	return a->state == b->state && a->delim == b->delim &&
	    a->urlpart == b->urlpart && a->jsctx == b->jsctx &&
	    a->attr == b->attr && a->element == b->element && a->err == b->err;
}

void
hctx_string(struct buf *b, const struct hctx *c)
{
	buf_addf(b, "{%s %s %s %s %s %s ", state_names[c->state],
	    delim_names[c->delim], urlpart_names[c->urlpart],
	    jsctx_names[c->jsctx], attr_names[c->attr],
	    element_names[c->element]);
	if (c->err != NULL)
		herr_string(b, c->err);
	else
		buf_addstr(b, "<nil>");
	buf_addch(b, '}');
}

void
hctx_mangle(struct buf *b, const struct hctx *c, const char *name)
{
	buf_addstr(b, name);
	if (c->state == ST_TEXT)
		return;
	buf_addf(b, "$htmltemplate_%s", state_names[c->state]);
	if (c->delim != DL_NONE)
		buf_addf(b, "_%s", delim_names[c->delim]);
	if (c->urlpart != UP_NONE)
		buf_addf(b, "_%s", urlpart_names[c->urlpart]);
	if (c->jsctx != JC_REGEXP)
		buf_addf(b, "_%s", jsctx_names[c->jsctx]);
	if (c->attr != AT_NONE)
		buf_addf(b, "_%s", attr_names[c->attr]);
	if (c->element != EL_NONE)
		buf_addf(b, "_%s", element_names[c->element]);
}

void
herr_string(struct buf *b, const struct herr *e)
{
	if (e->node != NULL) {
		buf_addstr(b, "html/template:");
		tnode_location(b, e->node);
		buf_addf(b, ": %s", e->desc);
	} else if (e->line != 0)
		buf_addf(b, "html/template:%s:%d: %s", e->name, e->line,
		    e->desc);
	else if (e->name[0] != '\0')
		buf_addf(b, "html/template:%s: %s", e->name, e->desc);
	else
		buf_addf(b, "html/template: %s", e->desc);
}

bool
hstate_is_comment(int s)
{
	return s == ST_HTMLCMT || s == ST_JSBLOCKCMT || s == ST_JSLINECMT ||
	    s == ST_CSSBLOCKCMT || s == ST_CSSLINECMT;
}

bool
hstate_in_tag(int s)
{
	return s == ST_TAG || s == ST_ATTRNAME || s == ST_AFTERNAME ||
	    s == ST_BEFOREVALUE || s == ST_ATTR;
}

/* ------------------------------------------------------ attribute types --- */

static const struct {
	const char	*name;
	int		 type;
} attr_types[] = {
	{ "accept", CT_PLAIN }, { "accept-charset", CT_UNSAFE },
	{ "action", CT_URL }, { "alt", CT_PLAIN }, { "archive", CT_URL },
	{ "async", CT_UNSAFE }, { "autocomplete", CT_PLAIN },
	{ "autofocus", CT_PLAIN }, { "autoplay", CT_PLAIN },
	{ "background", CT_URL }, { "border", CT_PLAIN },
	{ "checked", CT_PLAIN }, { "cite", CT_URL },
	{ "challenge", CT_UNSAFE }, { "charset", CT_UNSAFE },
	{ "class", CT_PLAIN }, { "classid", CT_URL }, { "codebase", CT_URL },
	{ "cols", CT_PLAIN }, { "colspan", CT_PLAIN },
	{ "content", CT_UNSAFE }, { "contenteditable", CT_PLAIN },
	{ "contextmenu", CT_PLAIN }, { "controls", CT_PLAIN },
	{ "coords", CT_PLAIN }, { "crossorigin", CT_UNSAFE },
	{ "data", CT_URL }, { "datetime", CT_PLAIN }, { "default", CT_PLAIN },
	{ "defer", CT_UNSAFE }, { "dir", CT_PLAIN }, { "dirname", CT_PLAIN },
	{ "disabled", CT_PLAIN }, { "draggable", CT_PLAIN },
	{ "dropzone", CT_PLAIN }, { "enctype", CT_UNSAFE },
	{ "for", CT_PLAIN }, { "form", CT_UNSAFE }, { "formaction", CT_URL },
	{ "formenctype", CT_UNSAFE }, { "formmethod", CT_UNSAFE },
	{ "formnovalidate", CT_UNSAFE }, { "formtarget", CT_PLAIN },
	{ "headers", CT_PLAIN }, { "height", CT_PLAIN },
	{ "hidden", CT_PLAIN }, { "high", CT_PLAIN }, { "href", CT_URL },
	{ "hreflang", CT_PLAIN }, { "http-equiv", CT_UNSAFE },
	{ "icon", CT_URL }, { "id", CT_PLAIN }, { "ismap", CT_PLAIN },
	{ "keytype", CT_UNSAFE }, { "kind", CT_PLAIN }, { "label", CT_PLAIN },
	{ "lang", CT_PLAIN }, { "language", CT_UNSAFE }, { "list", CT_PLAIN },
	{ "longdesc", CT_URL }, { "loop", CT_PLAIN }, { "low", CT_PLAIN },
	{ "manifest", CT_URL }, { "max", CT_PLAIN }, { "maxlength", CT_PLAIN },
	{ "media", CT_PLAIN }, { "mediagroup", CT_PLAIN },
	{ "method", CT_UNSAFE }, { "min", CT_PLAIN }, { "multiple", CT_PLAIN },
	{ "name", CT_PLAIN }, { "novalidate", CT_UNSAFE },
	{ "open", CT_PLAIN }, { "optimum", CT_PLAIN }, { "pattern", CT_UNSAFE },
	{ "placeholder", CT_PLAIN }, { "poster", CT_URL },
	{ "profile", CT_URL }, { "preload", CT_PLAIN },
	{ "pubdate", CT_PLAIN }, { "radiogroup", CT_PLAIN },
	{ "readonly", CT_PLAIN }, { "rel", CT_UNSAFE },
	{ "required", CT_PLAIN }, { "reversed", CT_PLAIN },
	{ "rows", CT_PLAIN }, { "rowspan", CT_PLAIN },
	{ "sandbox", CT_UNSAFE }, { "spellcheck", CT_PLAIN },
	{ "scope", CT_PLAIN }, { "scoped", CT_PLAIN }, { "seamless", CT_PLAIN },
	{ "selected", CT_PLAIN }, { "shape", CT_PLAIN }, { "size", CT_PLAIN },
	{ "sizes", CT_PLAIN }, { "span", CT_PLAIN }, { "src", CT_URL },
	{ "srcdoc", CT_HTML }, { "srclang", CT_PLAIN },
	{ "srcset", CT_SRCSET }, { "start", CT_PLAIN }, { "step", CT_PLAIN },
	{ "style", CT_CSS }, { "tabindex", CT_PLAIN }, { "target", CT_PLAIN },
	{ "title", CT_PLAIN }, { "type", CT_UNSAFE }, { "usemap", CT_URL },
	{ "value", CT_UNSAFE }, { "width", CT_PLAIN }, { "wrap", CT_PLAIN },
	{ "xmlns", CT_URL },
};

static bool
contains(const char *s, size_t n, const char *sub)
{
	return memmem(s, n, sub, strlen(sub)) != NULL;
}

int
hattr_type(const char *name, size_t n)
{
	const char	*colon;
	size_t		 i;

	colon = memchr(name, ':', n);
	if (n >= 5 && memcmp(name, "data-", 5) == 0) {
		name += 5;
		n -= 5;
	} else if (colon != NULL) {
		if (colon - name == 5 && memcmp(name, "xmlns", 5) == 0)
			return CT_URL;
		n -= (size_t)(colon - name) + 1;
		name = colon + 1;
	}
	for (i = 0; i < sizeof(attr_types) / sizeof(attr_types[0]); i++) {
		if (strlen(attr_types[i].name) == n &&
		    memcmp(attr_types[i].name, name, n) == 0)
			return attr_types[i].type;
	}
	if (n >= 2 && name[0] == 'o' && name[1] == 'n')
		return CT_JS;
	if (contains(name, n, "src") || contains(name, n, "uri") ||
	    contains(name, n, "url"))
		return CT_URL;
	return CT_PLAIN;
}

/* ---------------------------------------------------------------- CSS --- */

bool
hcss_is_nmchar(uint32_t r)
{
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
	    (r >= '0' && r <= '9') || r == '-' || r == '_' ||
	    (r >= 0x80 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) ||
	    (r >= 0x10000 && r <= 0x10ffff);
}

static bool
is_hex(int c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

static int
hexv(int c)
{
	return c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

void
hcss_decode(struct buf *b, const char *s, size_t n)
{
	size_t		i = 0, j;
	uint32_t	r;
	char		enc[4];

	while (i < n) {
		const char *bs = memchr(s + i, '\\', n - i);
		size_t	k = bs != NULL ? (size_t)(bs - s) : n;

		buf_add(b, s + i, k - i);
		i = k;
		if (n - i < 2)
			break;
		if (is_hex((unsigned char)s[i + 1])) {
			for (j = i + 2; j < n && j < i + 7 &&
			    is_hex((unsigned char)s[j]); j++)
				;
			r = 0;
			for (k = i + 1; k < j; k++)
				r = r << 4 |
				    (uint32_t)hexv((unsigned char)s[k]);
			if (r > 0x10ffff) {
				r /= 16;
				j--;
			}
			buf_add(b, enc, (size_t)utf8_encode(r, enc));
			i = j;
			if (i < n) {
				if (s[i] == '\t' || s[i] == '\n' ||
				    s[i] == '\f' || s[i] == ' ')
					i++;
				else if (s[i] == '\r')
					i += i + 1 < n && s[i + 1] == '\n' ?
					    2 : 1;
			}
		} else {
			size_t w = tu_decode(s + i + 1, n - i - 1, &r);

			buf_add(b, s + i + 1, w);
			i += 1 + w;
		}
	}
}

static bool
ends_with_css_keyword(const char *b, size_t n, const char *kw)
{
	size_t		k = strlen(kw), i, j;
	uint32_t	r;

	if (n < k)
		return false;
	i = n - k;
	if (i != 0) {
		tu_decode_last(b, i, &r);
		if (hcss_is_nmchar(r))
			return false;
	}
	for (j = 0; j < k; j++) {
		if ((b[i + j] | 32) != kw[j] || !((b[i + j] | 32) >= 'a' &&
		    (b[i + j] | 32) <= 'z'))
			return false;
	}
	return true;
}

/* ----------------------------------------------------------------- JS --- */

bool
hjs_is_ident_part(uint32_t r)
{
	return r == '$' || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') ||
	    r == '_' || (r >= 'a' && r <= 'z');
}

static int
next_js_ctx(const char *s, size_t n, int preceding)
{
	static const char *const kw[] = { "break", "case", "continue",
		"delete", "do", "else", "finally", "in", "instanceof",
		"return", "throw", "try", "typeof", "void" };
	size_t	start, j, i;
	char	c;

	/* Trim JS white space, including U+2028 and U+2029. */
	while (n > 0) {
		c = s[n - 1];
		if (c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
		    c == ' ')
			n--;
		else if (n >= 3 && (unsigned char)s[n - 3] == 0xe2 &&
		    (unsigned char)s[n - 2] == 0x80 &&
		    ((unsigned char)s[n - 1] == 0xa8 ||
		    (unsigned char)s[n - 1] == 0xa9))
			n -= 3;
		else
			break;
	}
	if (n == 0)
		return preceding;
	c = s[n - 1];
	switch (c) {
	case '+':
	case '-':
		start = n - 1;
		while (start > 0 && s[start - 1] == c)
			start--;
		return ((n - start) & 1) == 1 ? JC_REGEXP : JC_DIVOP;
	case '.':
		if (n != 1 && s[n - 2] >= '0' && s[n - 2] <= '9')
			return JC_DIVOP;
		return JC_REGEXP;
	case ',': case '<': case '>': case '=': case '*': case '%': case '&':
	case '|': case '^': case '?': case '!': case '~': case '(': case '[':
	case ':': case ';': case '{': case '}':
		return JC_REGEXP;
	}
	for (j = n; j > 0 && hjs_is_ident_part((unsigned char)s[j - 1]); j--)
		;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (strlen(kw[i]) == n - j && memcmp(kw[i], s + j, n - j) == 0)
			return JC_REGEXP;
	}
	return JC_DIVOP;
}

bool
hjs_is_type(const char *s, size_t n)
{
	static const char *const types[] = { "application/ecmascript",
		"application/javascript", "application/json",
		"application/ld+json", "application/x-ecmascript",
		"application/x-javascript", "module", "text/ecmascript",
		"text/javascript", "text/javascript1.0", "text/javascript1.1",
		"text/javascript1.2", "text/javascript1.3",
		"text/javascript1.4", "text/javascript1.5", "text/jscript",
		"text/livescript", "text/x-ecmascript", "text/x-javascript" };
	char	buf[64];
	size_t	i, k = 0, a, b;
	const char *semi = memchr(s, ';', n);

	if (semi != NULL)
		n = (size_t)(semi - s);
	for (a = 0; a < n && (s[a] == ' ' || (s[a] >= '\t' && s[a] <= '\r'));
	    a++)
		;
	for (b = n; b > a && (s[b - 1] == ' ' || (s[b - 1] >= '\t' &&
	    s[b - 1] <= '\r')); b--)
		;
	if (b - a >= sizeof(buf))
		return false;
	for (i = a; i < b; i++)
		buf[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 32 :
		    s[i]);
	buf[k] = '\0';
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(types[i], buf) == 0)
			return true;
	}
	return false;
}

/* -------------------------------------------------------- transitions --- */

static struct herr *
mkerr(struct tarena *a, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct herr *
mkerr(struct tarena *a, int code, const char *fmt, ...)
{
	struct herr	*e = tarena_zalloc(a, sizeof(*e));
	va_list		 ap;

	if (e == NULL)
		return NULL;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
	va_end(ap);
	return e;
}

static void
error_ctx(struct hctx *c, struct herr *e)
{
	memset(c, 0, sizeof(*c));
	c->state = ST_ERROR;
	c->err = e;
}

/* %q and %.32q of bytes, as the error texts quote them. */
static const char *
qstr(struct tarena *a, const char *s, size_t n, int maxrunes)
{
	struct buf	 b;
	size_t		 i = 0, k = 0;
	uint32_t	 r;
	char		*p;

	while (maxrunes >= 0 && i < n && k < (size_t)maxrunes) {
		i += tu_decode(s + i, n - i, &r);
		k++;
	}
	if (maxrunes < 0)
		i = n;
	buf_init(&b, 4096);
	buf_add_goquote(&b, s, i);
	p = tarena_strndup(a, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return p != NULL ? p : "\"\"";
}

static size_t
eat_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\f' || s[i] == '\r'))
		i++;
	return i;
}

static bool
ascii_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
ascii_alnum(int c)
{
	return ascii_alpha(c) || (c >= '0' && c <= '9');
}

static size_t
eat_tag_name(const char *s, size_t n, size_t i, int *el)
{
	static const char *const names[] = { NULL, "script", "style",
		"textarea", "title" };
	size_t	j, k, q;

	*el = EL_NONE;
	if (i == n || !ascii_alpha((unsigned char)s[i]))
		return i;
	j = i + 1;
	while (j < n) {
		if (ascii_alnum((unsigned char)s[j])) {
			j++;
			continue;
		}
		if ((s[j] == ':' || s[j] == '-') && j + 1 < n &&
		    ascii_alnum((unsigned char)s[j + 1])) {
			j += 2;
			continue;
		}
		break;
	}
	for (k = 1; k < 5; k++) {
		if (strlen(names[k]) != j - i)
			continue;
		for (q = 0; q < j - i; q++) {
			if ((s[i + q] | 32) != names[k][q])
				break;
		}
		if (q == j - i)
			*el = (int)k;
	}
	return j;
}

static size_t
t_text(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	size_t	k = 0, i, j;
	bool	end;
	int	el;

	(void)a;
	for (;;) {
		const char *lt = memchr(s + k, '<', n - k);

		if (lt == NULL || (size_t)(lt - s) + 1 == n)
			return n;
		i = (size_t)(lt - s);
		if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
			memset(c, 0, sizeof(*c));
			c->state = ST_HTMLCMT;
			return i + 4;
		}
		i++;
		end = false;
		if (s[i] == '/') {
			if (i + 1 == n)
				return n;
			end = true;
			i++;
		}
		j = eat_tag_name(s, n, i, &el);
		if (j != i) {
			memset(c, 0, sizeof(*c));
			c->state = ST_TAG;
			c->element = end ? EL_NONE : el;
			return j;
		}
		k = j;
	}
}

static int
eat_attr_name(const char *s, size_t n, size_t i, size_t *j, struct herr **err,
    struct tarena *a)
{
	size_t	k;

	for (k = i; k < n; k++) {
		switch (s[k]) {
		case ' ': case '\t': case '\n': case '\f': case '\r': case '=':
		case '>':
			*j = k;
			return 0;
		case '\'': case '"': case '<':
			*err = mkerr(a, HE_BADHTML, "%s in attribute name: %s",
			    qstr(a, s + k, 1, -1), qstr(a, s, n, 32));
			return -1;
		}
	}
	*j = n;
	return 0;
}

static size_t
t_tag(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	static const int content[] = { ST_TEXT, ST_JS, ST_CSS, ST_RCDATA,
		ST_RCDATA };
	size_t		 i = eat_ws(s, n, 0), j, k;
	struct herr	*err = NULL;
	char		 lname[128];
	int		 attr = AT_NONE, el = c->element;

	if (i == n)
		return n;
	if (s[i] == '>') {
		memset(c, 0, sizeof(*c));
		c->state = content[el];
		c->element = el;
		return i + 1;
	}
	if (eat_attr_name(s, n, i, &j, &err, a) != 0) {
		error_ctx(c, err);
		return n;
	}
	if (i == j) {
		error_ctx(c, mkerr(a, HE_BADHTML, "expected space, attr name, "
		    "or end of tag, but got %s", qstr(a, s + i, n - i, -1)));
		return n;
	}
	for (k = 0; k < j - i && k < sizeof(lname) - 1; k++)
		lname[k] = (char)(s[i + k] >= 'A' && s[i + k] <= 'Z' ?
		    s[i + k] | 32 : s[i + k]);
	lname[k] = '\0';
	if (el == EL_SCRIPT && strcmp(lname, "type") == 0)
		attr = AT_SCRIPTTYPE;
	else {
		switch (hattr_type(lname, k)) {
		case CT_URL: attr = AT_URL; break;
		case CT_CSS: attr = AT_STYLE; break;
		case CT_JS: attr = AT_SCRIPT; break;
		case CT_SRCSET: attr = AT_SRCSET; break;
		}
	}
	memset(c, 0, sizeof(*c));
	c->state = j == n ? ST_ATTRNAME : ST_AFTERNAME;
	c->element = el;
	c->attr = attr;
	return j;
}

static size_t
t_attr_name(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	struct herr	*err = NULL;
	size_t		 i;

	if (eat_attr_name(s, n, 0, &i, &err, a) != 0) {
		error_ctx(c, err);
		return n;
	}
	if (i != n)
		c->state = ST_AFTERNAME;
	return i;
}

static size_t
t_after_name(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	size_t	i = eat_ws(s, n, 0);

	(void)a;
	if (i == n)
		return n;
	if (s[i] != '=') {
		c->state = ST_TAG;
		return i;
	}
	c->state = ST_BEFOREVALUE;
	return i + 1;
}

const int hattr_start_states[] = { ST_ATTR, ST_JS, ST_ATTR, ST_CSS, ST_URL,
	ST_SRCSET };

static size_t
t_before_value(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	size_t	i = eat_ws(s, n, 0);
	int	delim = DL_SPACEORTAGEND;

	(void)a;
	if (i == n)
		return n;
	if (s[i] == '\'') {
		delim = DL_SINGLEQUOTE;
		i++;
	} else if (s[i] == '"') {
		delim = DL_DOUBLEQUOTE;
		i++;
	}
	c->state = hattr_start_states[c->attr];
	c->delim = delim;
	return i;
}

static size_t
t_html_cmt(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	const char	*e = memmem(s, n, "-->", 3);

	(void)a;
	if (e != NULL) {
		memset(c, 0, sizeof(*c));
		return (size_t)(e - s) + 3;
	}
	return n;
}

static long
index_tag_end(const char *s, size_t n, const char *tag)
{
	size_t	res = 0, tl = strlen(tag), q;

	while (n > 0) {
		const char *p = memmem(s, n, "</", 2);
		size_t	i;

		if (p == NULL)
			return -1;
		i = (size_t)(p - s);
		s += i + 2;
		n -= i + 2;
		if (tl <= n) {
			for (q = 0; q < tl; q++) {
				if ((s[q] | 32) != tag[q])
					break;
			}
			if (q == tl) {
				s += tl;
				n -= tl;
				if (n > 0 &&
				    memchr("> \t\n\f/", s[0], 5) != NULL)
					return (long)(res + i);
				res += tl;
			}
		}
		res += i + 2;
	}
	return -1;
}

size_t
ht_special_tag_end(struct hctx *c, const char *s, size_t n)
{
	static const char *const tags[] = { NULL, "script", "style",
		"textarea", "title" };
	long	i;

	if (c->element != EL_NONE) {
		i = index_tag_end(s, n, tags[c->element]);
		if (i != -1) {
			memset(c, 0, sizeof(*c));
			return (size_t)i;
		}
	}
	return n;
}

static size_t
t_special(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	(void)a;
	return ht_special_tag_end(c, s, n);
}

static size_t
t_attr(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	(void)c;
	(void)s;
	(void)a;
	return n;
}

static size_t
t_url(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	(void)a;
	if (memchr(s, '#', n) != NULL || memchr(s, '?', n) != NULL)
		c->urlpart = UP_QUERYORFRAG;
	else if (n != eat_ws(s, n, 0) && c->urlpart == UP_NONE)
		c->urlpart = UP_PREQUERY;
	return n;
}

static size_t
t_js(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	size_t	i = strcspn_n(s, n, "\"`'/");

	if (i == n) {
		c->jsctx = next_js_ctx(s, n, c->jsctx);
		return n;
	}
	c->jsctx = next_js_ctx(s, i, c->jsctx);
	switch (s[i]) {
	case '"':
		c->state = ST_JSDQSTR;
		c->jsctx = JC_REGEXP;
		break;
	case '\'':
		c->state = ST_JSSQSTR;
		c->jsctx = JC_REGEXP;
		break;
	case '`':
		c->state = ST_JSBQSTR;
		c->jsctx = JC_REGEXP;
		break;
	default:
		if (i + 1 < n && s[i + 1] == '/') {
			c->state = ST_JSLINECMT;
			i++;
		} else if (i + 1 < n && s[i + 1] == '*') {
			c->state = ST_JSBLOCKCMT;
			i++;
		} else if (c->jsctx == JC_REGEXP)
			c->state = ST_JSREGEXP;
		else if (c->jsctx == JC_DIVOP)
			c->jsctx = JC_REGEXP;
		else {
			error_ctx(c, mkerr(a, HE_SLASHAMBIG, "'/' could start "
			    "a division or regexp: %s", qstr(a, s + i, n - i,
			    32)));
			return n;
		}
	}
	return i + 1;
}

static size_t
t_js_delimited(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	const char	*specials = "\\\"";
	size_t		 k = 0, i;
	bool		 in_charset = false;

	if (c->state == ST_JSSQSTR)
		specials = "\\'";
	else if (c->state == ST_JSBQSTR)
		specials = "`\\";
	else if (c->state == ST_JSREGEXP)
		specials = "\\/[]";
	for (;;) {
		i = k + strcspn_n(s + k, n - k, specials);
		if (i >= n)
			break;
		switch (s[i]) {
		case '\\':
			i++;
			if (i == n) {
				error_ctx(c, mkerr(a, HE_PARTIALESCAPE,
				    "unfinished escape sequence in JS string: "
				    "%s", qstr(a, s, n, -1)));
				return n;
			}
			break;
		case '[':
			in_charset = true;
			break;
		case ']':
			in_charset = false;
			break;
		default:
			if (!in_charset) {
				c->state = ST_JS;
				c->jsctx = JC_DIVOP;
				return i + 1;
			}
		}
		k = i + 1;
	}
	if (in_charset) {
		error_ctx(c, mkerr(a, HE_PARTIALCHARSET, "unfinished JS regexp "
		    "charset: %s", qstr(a, s, n, -1)));
		return n;
	}
	return n;
}

static size_t
t_block_cmt(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	const char	*e = memmem(s, n, "*/", 2);

	(void)a;
	if (e == NULL)
		return n;
	c->state = c->state == ST_JSBLOCKCMT ? ST_JS : ST_CSS;
	return (size_t)(e - s) + 2;
}

static size_t
t_line_cmt(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	size_t	i;

	(void)a;
	if (c->state == ST_JSLINECMT) {
		for (i = 0; i < n; i++) {
			if (s[i] == '\n' || s[i] == '\r')
				break;
			if (i + 2 < n && (unsigned char)s[i] == 0xe2 &&
			    (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 ||
			    (unsigned char)s[i + 2] == 0xa9))
				break;
		}
		if (i == n)
			return n;
		c->state = ST_JS;
		return i;
	}
	i = strcspn_n(s, n, "\n\f\r");
	if (i == n)
		return n;
	c->state = ST_CSS;
	return i;
}

static size_t
t_css(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	size_t	k = 0, i, p, j;

	(void)a;
	for (;;) {
		i = k + strcspn_n(s + k, n - k, "(\"'/");
		if (i >= n)
			return n;
		switch (s[i]) {
		case '(':
			for (p = i; p > 0 && memchr("\t\n\f\r ", s[p - 1], 5) !=
			    NULL; p--)
				;
			if (ends_with_css_keyword(s, p, "url")) {
				j = eat_ws(s, n, i + 1);
				if (j != n && s[j] == '"') {
					c->state = ST_CSSDQURL;
					j++;
				} else if (j != n && s[j] == '\'') {
					c->state = ST_CSSSQURL;
					j++;
				} else
					c->state = ST_CSSURL;
				return j;
			}
			break;
		case '/':
			if (i + 1 < n) {
				if (s[i + 1] == '/') {
					c->state = ST_CSSLINECMT;
					return i + 2;
				}
				if (s[i + 1] == '*') {
					c->state = ST_CSSBLOCKCMT;
					return i + 2;
				}
			}
			break;
		case '"':
			c->state = ST_CSSDQSTR;
			return i + 1;
		case '\'':
			c->state = ST_CSSSQSTR;
			return i + 1;
		}
		k = i + 1;
	}
}

static size_t
t_url_decoded(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	struct buf	d;
	size_t		r;

	buf_init(&d, BUF_NOCAP);
	hcss_decode(&d, s, n);
	r = t_url(c, buf_str(&d), buf_len(&d), a);
	(void)r;
	buf_release(&d);
	return n;
}

static size_t
t_css_str(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	const char	*end;
	size_t		 k = 0, i;

	if (c->state == ST_CSSDQSTR || c->state == ST_CSSDQURL)
		end = "\\\"";
	else if (c->state == ST_CSSSQSTR || c->state == ST_CSSSQURL)
		end = "\\'";
	else
		end = "\\\t\n\f\r )";
	for (;;) {
		i = k + strcspn_n(s + k, n - k, end);
		if (i >= n) {
			t_url_decoded(c, s + k, n - k, a);
			return n;
		}
		if (s[i] == '\\') {
			i++;
			if (i == n) {
				error_ctx(c, mkerr(a, HE_PARTIALESCAPE,
				    "unfinished escape sequence in CSS string: "
				    "%s", qstr(a, s, n, -1)));
				return n;
			}
		} else {
			c->state = ST_CSS;
			return i + 1;
		}
		t_url_decoded(c, s, i + 1, a);
		k = i + 1;
	}
}

static size_t
t_error(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	(void)c;
	(void)s;
	(void)a;
	return n;
}

size_t
htransition(struct hctx *c, const char *s, size_t n, struct tarena *a)
{
	switch (c->state) {
	case ST_TEXT: return t_text(c, s, n, a);
	case ST_TAG: return t_tag(c, s, n, a);
	case ST_ATTRNAME: return t_attr_name(c, s, n, a);
	case ST_AFTERNAME: return t_after_name(c, s, n, a);
	case ST_BEFOREVALUE: return t_before_value(c, s, n, a);
	case ST_HTMLCMT: return t_html_cmt(c, s, n, a);
	case ST_RCDATA: return t_special(c, s, n, a);
	case ST_ATTR: return t_attr(c, s, n, a);
	case ST_URL:
	case ST_SRCSET: return t_url(c, s, n, a);
	case ST_JS: return t_js(c, s, n, a);
	case ST_JSDQSTR:
	case ST_JSSQSTR:
	case ST_JSBQSTR:
	case ST_JSREGEXP: return t_js_delimited(c, s, n, a);
	case ST_JSBLOCKCMT:
	case ST_CSSBLOCKCMT: return t_block_cmt(c, s, n, a);
	case ST_JSLINECMT:
	case ST_CSSLINECMT: return t_line_cmt(c, s, n, a);
	case ST_CSS: return t_css(c, s, n, a);
	case ST_CSSDQSTR:
	case ST_CSSSQSTR:
	case ST_CSSDQURL:
	case ST_CSSSQURL:
	case ST_CSSURL: return t_css_str(c, s, n, a);
	default: return t_error(c, s, n, a);
	}
}

size_t
strcspn_n(const char *s, size_t n, const char *reject)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] != '\0' && strchr(reject, s[i]) != NULL)
			return i;
	}
	return n;
}
