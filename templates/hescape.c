/*
 * html/template's contextual auto-escaper (Go 1.19.8 escape.go): walks a
 * template and everything it calls, tracking the HTML/CSS/JS/URL context
 * across text, adds the escaping functions each action needs
 * ({{.X}} in an href gets urlfilter | urlnormalizer | attrescaper),
 * derives a copy of a called template per calling context
 * ("name$htmltemplate_stateRCDATA_elementTitle"), and rewrites text:
 * HTML, CSS and JS comments are removed and a stray '<' becomes "&lt;".
 *
 * Go edits the templates of a per-execution clone; we escape copies made
 * in the session arena, and the result (name -> escaped tree) is cached
 * with the field text.  Go's escaper forks ("escapeListConditionally")
 * are kept as logs rolled back to a mark when the fork is discarded.
 */
#include "templates/hctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"

#define HESC_MAX_DEPTH	300

struct hout {
	const char	*name;
	struct hctx	 c;
};

struct hderived {
	const char	*name;
	struct ttree	*t;
};

struct haction {
	struct tnode	*n;
	const char	*esc[4];
	int		 nesc;
};

struct htedit {
	struct tnode	*n;
	const char	*name;
	struct tstr	 text;
};

#define VEC(type, name)	type *name; size_t n_##name, a_##name

struct hrange {
	struct hrange	*outer;
	VEC(struct hctx, breaks);
	VEC(struct hctx, conts);
};

struct hsess {
	struct tarena		*a;
	const struct tns	*ns;
	struct thash		 copies;	/* base name -> session copy */
	VEC(struct hout, out);
	VEC(struct hderived, der);
	VEC(const char *, called);
	VEC(struct haction, act);
	VEC(struct htedit, tpl);
	VEC(struct htedit, txt);
	struct hrange		*rc;
	int			 depth;
	bool			 oom;
};

#define PUSH(s, name, val) do {						\
	if ((s)->n_##name == (s)->a_##name) {				\
		(s)->a_##name = (s)->a_##name ? (s)->a_##name * 2 : 16;	\
		(s)->name = xreallocarray((s)->name, (s)->a_##name,	\
		    sizeof(*(s)->name));				\
	}								\
	(s)->name[(s)->n_##name++] = (val);				\
} while (0)

static struct hctx	escape_node(struct hsess *s, struct hctx c,
			    struct tnode *n);
static struct hctx	escape_list(struct hsess *s, struct hctx c,
			    struct tnode *n);

/* ----------------------------------------------------------- helpers --- */

static struct herr *
herrorf(struct hsess *s, int code, const struct tnode *node, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct herr *
herrorf(struct hsess *s, int code, const struct tnode *node, int line,
    const char *fmt, ...)
{
	struct herr	*e = tarena_zalloc(s->a, sizeof(*e));
	va_list		 ap;

	if (e == NULL) {
		s->oom = true;
		return NULL;
	}
	e->code = code;
	e->node = node;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
	va_end(ap);
	return e;
}

static struct hctx
err_ctx(struct herr *e)
{
	struct hctx	c;

	memset(&c, 0, sizeof(c));
	c.state = ST_ERROR;
	c.err = e;
	return c;
}

static const char *
sdup(struct hsess *s, const char *p, size_t n)
{
	char	*d = tarena_strndup(s->a, p, n);

	if (d == NULL) {
		s->oom = true;
		return "";
	}
	return d;
}

static const char *
node_str(struct hsess *s, const struct tnode *n)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, 1024);
	tnode_string(&b, n);
	p = sdup(s, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return p;
}

static const char *
ctx_str(struct hsess *s, const struct hctx *c)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, 4096);
	hctx_string(&b, c);
	p = sdup(s, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return p;
}

static const char *
quoted(struct hsess *s, const char *name)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, 1024);
	buf_add_goquote(&b, name, strlen(name));
	p = sdup(s, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return p;
}

/* ------------------------------------------------------ context math --- */

static struct hctx
nudge(struct hctx c)
{
	switch (c.state) {
	case ST_TAG:
		c.state = ST_ATTRNAME;
		break;
	case ST_BEFOREVALUE:
		c.state = (uint8_t)hattr_start_states[c.attr];
		c.delim = DL_SPACEORTAGEND;
		c.attr = AT_NONE;
		break;
	case ST_AFTERNAME:
		c.state = ST_ATTRNAME;
		c.attr = AT_NONE;
		break;
	}
	return c;
}

static struct hctx
join(struct hsess *s, struct hctx a, struct hctx b, const struct tnode *node,
    const char *name)
{
	struct hctx	c, d, e;

	if (a.state == ST_ERROR)
		return a;
	if (b.state == ST_ERROR)
		return b;
	if (a.state == ST_DEAD)
		return b;
	if (b.state == ST_DEAD)
		return a;
	if (hctx_eq(&a, &b))
		return a;
	c = a;
	c.urlpart = b.urlpart;
	if (hctx_eq(&c, &b)) {
		c.urlpart = UP_UNKNOWN;
		return c;
	}
	c = a;
	c.jsctx = b.jsctx;
	if (hctx_eq(&c, &b)) {
		c.jsctx = JC_UNKNOWN;
		return c;
	}
	c = nudge(a);
	d = nudge(b);
	if (!(hctx_eq(&c, &a) && hctx_eq(&d, &b))) {
		e = join(s, c, d, node, name);
		if (e.state != ST_ERROR)
			return e;
	}
	return err_ctx(herrorf(s, HE_BRANCHEND, node, 0, "{{%s}} branches end "
	    "in different contexts: %s, %s", name, ctx_str(s, &a),
	    ctx_str(s, &b)));
}

/* ------------------------------------------------------------ actions --- */

static bool
is_predefined(const char *id)
{
	return strcmp(id, "html") == 0 || strcmp(id, "urlquery") == 0;
}

static struct hctx
escape_action(struct hsess *s, struct hctx c, struct tnode *n)
{
	struct tnode	*p = n->u.apipe;
	struct haction	 ed = { .n = n };
	size_t		 i;

	if (p->u.pipe.ndecl != 0)
		return c;
	c = nudge(c);
	for (i = 0; i < p->u.pipe.ncmds; i++) {
		const struct tnode *a0 = p->u.pipe.cmds[i]->u.list.v[0];

		if (a0->type != TN_IDENT || !is_predefined(a0->u.ident.name))
			continue;
		if (i + 1 < p->u.pipe.ncmds || (c.state == ST_ATTR &&
		    c.delim == DL_SPACEORTAGEND && strcmp(a0->u.ident.name,
		    "html") == 0))
			return err_ctx(herrorf(s, HE_PREDEFINEDESCAPER, n,
			    (int)n->line, "predefined escaper %s disallowed in "
			    "template", quoted(s, a0->u.ident.name)));
	}
	switch (c.state) {
	case ST_ERROR:
		return c;
	case ST_URL: case ST_CSSDQSTR: case ST_CSSSQSTR: case ST_CSSDQURL:
	case ST_CSSSQURL: case ST_CSSURL:
		switch (c.urlpart) {
		case UP_NONE:
			ed.esc[ed.nesc++] = "_html_template_urlfilter";
			/* FALLTHROUGH */
		case UP_PREQUERY:
			ed.esc[ed.nesc++] = c.state == ST_CSSDQSTR ||
			    c.state == ST_CSSSQSTR ?
			    "_html_template_cssescaper" :
			    "_html_template_urlnormalizer";
			break;
		case UP_QUERYORFRAG:
			ed.esc[ed.nesc++] = "_html_template_urlescaper";
			break;
		default:
			return err_ctx(herrorf(s, HE_AMBIGCONTEXT, n,
			    (int)n->line, "%s appears in an ambiguous context "
			    "within a URL", node_str(s, n)));
		}
		break;
	case ST_JS:
		ed.esc[ed.nesc++] = "_html_template_jsvalescaper";
		c.jsctx = JC_DIVOP;
		break;
	case ST_JSDQSTR:
	case ST_JSSQSTR:
		ed.esc[ed.nesc++] = "_html_template_jsstrescaper";
		break;
	case ST_JSBQSTR:
		return err_ctx(herrorf(s, HE_JSTMPLLIT, n, (int)n->line,
		    "%s appears in a JS template literal", node_str(s, n)));
	case ST_JSREGEXP:
		ed.esc[ed.nesc++] = "_html_template_jsregexpescaper";
		break;
	case ST_CSS:
		ed.esc[ed.nesc++] = "_html_template_cssvaluefilter";
		break;
	case ST_TEXT:
		ed.esc[ed.nesc++] = "_html_template_htmlescaper";
		break;
	case ST_RCDATA:
		ed.esc[ed.nesc++] = "_html_template_rcdataescaper";
		break;
	case ST_ATTR:
		break;
	case ST_ATTRNAME:
	case ST_TAG:
		c.state = ST_ATTRNAME;
		ed.esc[ed.nesc++] = "_html_template_htmlnamefilter";
		break;
	case ST_SRCSET:
		ed.esc[ed.nesc++] = "_html_template_srcsetescaper";
		break;
	default:
		if (hstate_is_comment(c.state))
			ed.esc[ed.nesc++] = "_html_template_commentescaper";
	}
	if (c.delim == DL_SPACEORTAGEND)
		ed.esc[ed.nesc++] = "_html_template_nospaceescaper";
	else if (c.delim != DL_NONE)
		ed.esc[ed.nesc++] = "_html_template_attrescaper";
	PUSH(s, act, ed);
	return c;
}

/* ----------------------------------------------------------- branches --- */

static struct hctx
join_range(struct hsess *s, struct hctx c0, struct hrange *rc)
{
	size_t	i;

	for (i = 0; i < rc->n_breaks; i++) {
		c0 = join(s, c0, rc->breaks[i], rc->breaks[i].n, "range");
		if (c0.state == ST_ERROR) {
			struct herr *e = c0.err;
			char tmp[sizeof(e->desc)];

			e->line = (int)rc->breaks[i].n->line;
			snprintf(tmp, sizeof(tmp), "at range loop break: %s",
			    e->desc);
			memcpy(e->desc, tmp, sizeof(tmp));
			return c0;
		}
	}
	for (i = 0; i < rc->n_conts; i++) {
		c0 = join(s, c0, rc->conts[i], rc->conts[i].n, "range");
		if (c0.state == ST_ERROR) {
			struct herr *e = c0.err;
			char tmp[sizeof(e->desc)];

			e->line = (int)rc->conts[i].n->line;
			snprintf(tmp, sizeof(tmp), "at range loop continue: %s",
			    e->desc);
			memcpy(e->desc, tmp, sizeof(tmp));
			return c0;
		}
	}
	return c0;
}

struct hmark {
	size_t	out, der, called, act, tpl, txt;
};

static void
mark(struct hsess *s, struct hmark *m)
{
	m->out = s->n_out;
	m->der = s->n_der;
	m->called = s->n_called;
	m->act = s->n_act;
	m->tpl = s->n_tpl;
	m->txt = s->n_txt;
}

static void
rollback(struct hsess *s, const struct hmark *m)
{
	s->n_out = m->out;
	s->n_der = m->der;
	s->n_called = m->called;
	s->n_act = m->act;
	s->n_tpl = m->tpl;
	s->n_txt = m->txt;
}

static bool
called_since(struct hsess *s, const struct hmark *m, const char *name)
{
	size_t	i;

	for (i = m->called; i < s->n_called; i++) {
		if (strcmp(s->called[i], name) == 0)
			return true;
	}
	return false;
}

/*
 * escapeListConditionally: keeps the escaping done on n only when the
 * result is not an error and, for a template body (tname != NULL), when
 * the template is not recursive or the assumed output context held.
 */
static struct hctx
escape_list_cond(struct hsess *s, struct hctx c, struct tnode *n,
    const char *tname, const struct hctx *assumed, bool *ok)
{
	struct hmark	m;
	struct hctx	c1;

	mark(s, &m);
	c1 = escape_list(s, c, n);
	*ok = false;
	if (tname != NULL && c1.state != ST_ERROR)
		*ok = !called_since(s, &m, tname) || hctx_eq(assumed, &c1);
	if (!*ok)
		rollback(s, &m);
	return c1;
}

static void
range_free(struct hrange *r)
{
	free(r->breaks);
	free(r->conts);
	free(r);
}

static struct hctx
escape_range_body(struct hsess *s, struct hctx c0, struct tnode *n)
{
	struct hrange	*rc;
	struct hctx	 c1;
	bool		 ok;

	rc = xcalloc(1, sizeof(*rc));
	rc->outer = s->rc;
	s->rc = rc;
	c1 = escape_list_cond(s, c0, n->u.br.list, NULL, NULL, &ok);
	c0 = join(s, c0, c1, n, "range");
	if (c0.state == ST_ERROR) {
		char tmp[sizeof(c0.err->desc)];

		s->rc = rc->outer;
		range_free(rc);
		c0.err->line = (int)n->line;
		snprintf(tmp, sizeof(tmp), "on range loop re-entry: %s",
		    c0.err->desc);
		memcpy(c0.err->desc, tmp, sizeof(tmp));
		return c0;
	}
	c0 = join_range(s, c0, rc);
	s->rc = rc->outer;
	range_free(rc);
	return c0;
}

static struct hctx
escape_branch(struct hsess *s, struct hctx c, struct tnode *n,
    const char *name)
{
	struct hctx	 c0, c1;
	struct hrange	*rc = NULL;
	bool		 range = n->type == TN_RANGE;

	if (range) {
		rc = xcalloc(1, sizeof(*rc));
		rc->outer = s->rc;
		s->rc = rc;
	}
	c0 = escape_list(s, c, n->u.br.list);
	if (range) {
		if (c0.state != ST_ERROR)
			c0 = join_range(s, c0, rc);
		s->rc = rc->outer;
		range_free(rc);
		if (c0.state == ST_ERROR)
			return c0;
		c0 = escape_range_body(s, c0, n);
		if (c0.state == ST_ERROR)
			return c0;
	}
	c1 = escape_list(s, c, n->u.br.elist);
	return join(s, c0, c1, n, name);
}

/* ---------------------------------------------------------- templates --- */

static struct ttree *
session_copy(struct hsess *s, const char *name)
{
	const struct ttree	*t;
	struct ttree		*c;

	c = thash_get(&s->copies, name, strlen(name));
	if (c != NULL)
		return c;
	t = tns_lookup(s->ns, name);
	if (t == NULL)
		return NULL;
	c = tarena_alloc(s->a, sizeof(*c));
	if (c == NULL) {
		s->oom = true;
		return NULL;
	}
	*c = *t;
	c->root = tnode_copy(s->a, t->root, t);
	if (c->root == NULL) {
		s->oom = true;
		return NULL;
	}
	thash_put(&s->copies, c->name, strlen(c->name), c);
	return c;
}

static struct ttree *
find_derived(struct hsess *s, const char *name)
{
	size_t	i;

	for (i = s->n_der; i > 0; i--) {
		if (strcmp(s->der[i - 1].name, name) == 0)
			return s->der[i - 1].t;
	}
	return NULL;
}

static const struct hctx *
find_output(struct hsess *s, const char *name)
{
	size_t	i;

	for (i = s->n_out; i > 0; i--) {
		if (strcmp(s->out[i - 1].name, name) == 0)
			return &s->out[i - 1].c;
	}
	return NULL;
}

static struct hctx
escape_body(struct hsess *s, struct hctx c, struct ttree *t, bool *ok)
{
	struct hout	o = { t->name, c };

	PUSH(s, out, o);
	return escape_list_cond(s, c, t->root, t->name, &c, ok);
}

static struct hctx
compute_out_ctx(struct hsess *s, struct hctx c, struct ttree *t)
{
	struct hctx	c1, c2;
	bool		ok, ok2;

	c1 = escape_body(s, c, t, &ok);
	if (!ok) {
		c2 = escape_body(s, c1, t, &ok2);
		if (ok2) {
			c1 = c2;
			ok = true;
		}
	}
	if (!ok && c1.state != ST_ERROR)
		return err_ctx(herrorf(s, HE_OUTPUTCONTEXT, t->root, 0,
		    "cannot compute output context for template %s",
		    t->name));
	return c1;
}

static struct hctx
escape_tree(struct hsess *s, struct hctx c, const struct tnode *node,
    const char *name, int line, const char **dname_out)
{
	const struct hctx	*out;
	struct ttree		*t, *dt;
	struct buf		 b;
	const char		*dname;

	buf_init(&b, BUF_NOCAP);
	hctx_mangle(&b, &c, name);
	dname = sdup(s, buf_str(&b), buf_len(&b));
	buf_release(&b);
	*dname_out = dname;
	PUSH(s, called, dname);
	out = find_output(s, dname);
	if (out != NULL)
		return *out;
	t = session_copy(s, name);
	if (t == NULL)
		return err_ctx(herrorf(s, HE_NOSUCHTEMPLATE, node, line,
		    "no such template %s", quoted(s, name)));
	if (strcmp(dname, name) != 0) {
		dt = find_derived(s, dname);
		if (dt == NULL) {
			struct hderived d;

			dt = tarena_alloc(s->a, sizeof(*dt));
			if (dt == NULL) {
				s->oom = true;
				return err_ctx(NULL);
			}
			*dt = *t;
			dt->name = dname;
			dt->root = tnode_copy(s->a, t->root, t);
			if (dt->root == NULL) {
				s->oom = true;
				return err_ctx(NULL);
			}
			d.name = dname;
			d.t = dt;
			PUSH(s, der, d);
		}
		t = dt;
	}
	if (++s->depth > HESC_MAX_DEPTH) {
		s->depth--;
		return err_ctx(herrorf(s, HE_OUTPUTCONTEXT, node, line,
		    "templates nested too deeply"));
	}
	c = compute_out_ctx(s, c, t);
	s->depth--;
	return c;
}

static struct hctx
escape_template(struct hsess *s, struct hctx c, struct tnode *n)
{
	const char	*dname;
	struct htedit	 ed = { .n = n };

	c = escape_tree(s, c, n, n->u.tmpl.name, (int)n->line, &dname);
	if (strcmp(dname, n->u.tmpl.name) != 0) {
		ed.name = dname;
		PUSH(s, tpl, ed);
	}
	return c;
}

/* --------------------------------------------------------------- text --- */

static size_t
delim_end(const char *s, size_t n, int delim)
{
	static const char *const ends[] = { "", "\"", "'", " \t\n\f\r>" };

	return strcspn_n(s, n, ends[delim]);
}

static struct hctx
after_attr_value(struct hsess *s, struct hctx c, const char *p, size_t n,
    size_t *nread)
{
	size_t		 i = delim_end(p, n, c.delim), j, off;
	struct buf	 u;
	int		 el = c.element;

	if (c.delim == DL_SPACEORTAGEND) {
		j = strcspn_n(p, i, "\"'<=`");
		if (j < i) {
			struct buf q1, q2;

			buf_init(&q1, 64);
			buf_init(&q2, 4096);
			buf_add_goquote(&q1, p + j, 1);
			buf_add_goquote(&q2, p, i);
			c = err_ctx(herrorf(s, HE_BADHTML, NULL, 0,
			    "%s in unquoted attr: %s", buf_str(&q1),
			    buf_str(&q2)));
			buf_release(&q1);
			buf_release(&q2);
			*nread = n;
			return c;
		}
	}
	if (i == n) {
		buf_init(&u, BUF_NOCAP);
		hhtml_unescape(&u, p, n);
		for (off = 0; off < buf_len(&u);)
			off += htransition(&c, buf_str(&u) + off,
			    buf_len(&u) - off, s->a);
		buf_release(&u);
		*nread = n;
		return c;
	}
	if (c.state == ST_ATTR && c.element == EL_SCRIPT &&
	    c.attr == AT_SCRIPTTYPE && !hjs_is_type(p, i))
		el = EL_NONE;
	if (c.delim != DL_SPACEORTAGEND)
		i++;
	memset(&c, 0, sizeof(c));
	c.state = ST_TAG;
	c.element = (uint8_t)el;
	*nread = i;
	return c;
}

/* contextAfterText. */
static struct hctx
after_text(struct hsess *s, struct hctx c, const char *p, size_t n,
    size_t *nread)
{
	struct hctx	c1;
	size_t		i;

	if (c.delim != DL_NONE)
		return after_attr_value(s, c, p, n, nread);
	c1 = c;
	i = ht_special_tag_end(&c1, p, n);
	if (i == 0) {
		*nread = 0;
		return c1;
	}
	*nread = htransition(&c, p, i, s->a);
	return c;
}

static bool
doctype_at(const char *p, size_t n)
{
	static const char dt[] = "<!DOCTYPE";
	size_t	i;

	if (n < 9)
		return false;
	for (i = 0; i < 9; i++) {
		char c = p[i] >= 'a' && p[i] <= 'z' ? p[i] - 32 : p[i];

		if (c != dt[i])
			return false;
	}
	return true;
}

static bool
has_line_break(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r')
			return true;
		if (i + 2 < n && (unsigned char)p[i] == 0xe2 &&
		    (unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] == 0xa8 ||
		    (unsigned char)p[i + 2] == 0xa9))
			return true;
	}
	return false;
}

static void
text_step(const char *s, size_t i, size_t i1, struct hctx c, struct hctx c1,
    struct buf *b, size_t *written)
{
	size_t	end, j;

	if (c.state == ST_TEXT || c.state == ST_RCDATA) {
		end = i1;
		if (c1.state != c.state) {
			for (j = end; j > i; j--) {
				if (s[j - 1] == '<') {
					end = j - 1;
					break;
				}
			}
		}
		for (j = i; j < end; j++) {
			if (s[j] == '<' && !doctype_at(s + j, end - j + 9 >
			    end ? end - j : 9)) {
				buf_add(b, s + *written, j - *written);
				buf_addstr(b, "&lt;");
				*written = j + 1;
			}
		}
	} else if (hstate_is_comment(c.state) && c.delim == DL_NONE) {
		if (c.state == ST_JSBLOCKCMT)
			buf_addch(b, has_line_break(s + *written,
			    i1 - *written) ? '\n' : ' ');
		else if (c.state == ST_CSSBLOCKCMT)
			buf_addch(b, ' ');
		*written = i1;
	}
	if (c.state != c1.state && hstate_is_comment(c1.state) &&
	    c1.delim == DL_NONE) {
		size_t cs = i1 - 2;

		if (c1.state == ST_HTMLCMT)
			cs -= 2;
		buf_add(b, s + *written, cs - *written);
		*written = i1;
	}
}

static struct hctx
escape_text(struct hsess *s, struct hctx c, struct tnode *n)
{
	const char	*p = n->u.text.p;
	size_t		 len = n->u.text.n, i = 0, i1, nread, written = 0;
	struct hctx	 c1;
	struct buf	 b;
	struct htedit	 ed = { .n = n };

	buf_init(&b, BUF_NOCAP);
	while (i != len) {
		c1 = after_text(s, c, p + i, len - i, &nread);
		i1 = i + nread;
		text_step(p, i, i1, c, c1, &b, &written);
		if (i == i1 && c.state == c1.state)
			break;		/* cannot happen; Go panics */
		c = c1;
		i = i1;
	}
	if (written != 0 && c.state != ST_ERROR) {
		if (!hstate_is_comment(c.state) || c.delim != DL_NONE)
			buf_add(&b, p + written, len - written);
		ed.text.p = sdup(s, buf_str(&b), buf_len(&b));
		ed.text.n = buf_len(&b);
		PUSH(s, txt, ed);
	}
	buf_release(&b);
	return c;
}

/* --------------------------------------------------------------- walk --- */

static struct hctx
escape_list(struct hsess *s, struct hctx c, struct tnode *n)
{
	size_t	i;

	if (n == NULL)
		return c;
	for (i = 0; i < n->u.list.n; i++) {
		c = escape_node(s, c, n->u.list.v[i]);
		if (c.state == ST_DEAD)
			break;
	}
	return c;
}

static struct hctx
escape_node(struct hsess *s, struct hctx c, struct tnode *n)
{
	struct hctx	dead;

	memset(&dead, 0, sizeof(dead));
	dead.state = ST_DEAD;
	switch (n->type) {
	case TN_ACTION:
		return escape_action(s, c, n);
	case TN_BREAK:
		c.n = n;
		PUSH(s->rc, breaks, c);
		return dead;
	case TN_CONTINUE:
		/* Go 1.19 appends to the breaks: continues = breaks + c. */
		c.n = n;
		s->rc->conts = xreallocarray(s->rc->conts, s->rc->n_breaks + 1,
		    sizeof(*s->rc->conts));
		if (s->rc->n_breaks > 0)
			memcpy(s->rc->conts, s->rc->breaks,
			    sizeof(c) * s->rc->n_breaks);
		s->rc->conts[s->rc->n_breaks] = c;
		s->rc->n_conts = s->rc->n_breaks + 1;
		return dead;
	case TN_IF:
		return escape_branch(s, c, n, "if");
	case TN_WITH:
		return escape_branch(s, c, n, "with");
	case TN_RANGE:
		return escape_branch(s, c, n, "range");
	case TN_LIST:
		return escape_list(s, c, n);
	case TN_TEMPLATE:
		return escape_template(s, c, n);
	case TN_TEXT:
		return escape_text(s, c, n);
	default:
		return c;
	}
}

/* ------------------------------------------------------------- commit --- */

static const char *
norm_esc(const char *e)
{
	if (strcmp(e, "_html_template_attrescaper") == 0 ||
	    strcmp(e, "_html_template_htmlescaper") == 0 ||
	    strcmp(e, "_html_template_rcdataescaper") == 0)
		return "html";
	if (strcmp(e, "_html_template_urlescaper") == 0 ||
	    strcmp(e, "_html_template_urlnormalizer") == 0)
		return "urlquery";
	return e;
}

static bool
redundant(const char *last, const char *next)
{
	if (strcmp(last, "_html_template_commentescaper") == 0)
		return strcmp(next, "_html_template_attrescaper") == 0 ||
		    strcmp(next, "_html_template_nospaceescaper") == 0 ||
		    strcmp(next, "_html_template_htmlescaper") == 0;
	if (strcmp(last, "_html_template_cssescaper") == 0 ||
	    strcmp(last, "_html_template_jsregexpescaper") == 0 ||
	    strcmp(last, "_html_template_jsstrescaper") == 0)
		return strcmp(next, "_html_template_attrescaper") == 0;
	if (strcmp(last, "_html_template_urlescaper") == 0)
		return strcmp(next, "_html_template_urlnormalizer") == 0;
	return false;
}

static struct tnode *
ident_cmd(struct hsess *s, const char *name, const struct tnode *pipe)
{
	struct tnode	*cmd, *id, **v;

	cmd = tarena_zalloc(s->a, sizeof(*cmd));
	id = tarena_zalloc(s->a, sizeof(*id));
	v = tarena_alloc(s->a, sizeof(*v));
	if (cmd == NULL || id == NULL || v == NULL) {
		s->oom = true;
		return NULL;
	}
	id->type = TN_IDENT;
	id->pos = pipe->pos;
	id->tr = pipe->tr;
	id->u.ident.name = name;
	id->u.ident.fn = tfunc_lookup(name, strlen(name));
	if (id->u.ident.fn == NULL)
		id->u.ident.fn = tfunc_escaper(name);
	cmd->type = TN_CMD;
	cmd->pos = pipe->pos;
	cmd->tr = pipe->tr;
	v[0] = id;
	cmd->u.list.v = v;
	cmd->u.list.n = 1;
	return cmd;
}

static void
append_cmd(struct tnode **cmds, size_t *n, struct tnode *cmd)
{
	const struct tnode	*last, *next;

	if (*n > 0) {
		last = cmds[*n - 1]->u.list.v[0];
		next = cmd->u.list.v[0];
		if (last->type == TN_IDENT && next->type == TN_IDENT &&
		    redundant(last->u.ident.name, next->u.ident.name))
			return;
	}
	cmds[(*n)++] = cmd;
}

/* ensurePipelineContains. */
static void
ensure_pipeline(struct hsess *s, struct tnode *p, const struct haction *ed)
{
	const char	*esc[4];
	struct tnode	**cmds, *last, *c;
	size_t		 len = p->u.pipe.ncmds, j, n = 0;
	bool		 dup = false, seen;
	int		 k;

	if (ed->nesc == 0)
		return;
	memcpy(esc, ed->esc, sizeof(esc));
	cmds = tarena_alloc(s->a, sizeof(*cmds) * (len + 6));
	if (cmds == NULL) {
		s->oom = true;
		return;
	}
	memcpy(cmds, p->u.pipe.cmds, sizeof(*cmds) * len);
	if (len > 0) {
		last = cmds[len - 1];
		if (last->u.list.v[0]->type == TN_IDENT &&
		    is_predefined(last->u.list.v[0]->u.ident.name)) {
			const char *pre = last->u.list.v[0]->u.ident.name;

			if (len == 1 && last->u.list.n > 1) {
				/* {{html a b}} -> {{_eval_args_ a b | html}} */
				struct tnode	*nl, **args;

				nl = tarena_alloc(s->a, sizeof(*nl));
				args = tarena_alloc(s->a, sizeof(*args) *
				    last->u.list.n);
				c = ident_cmd(s, "_eval_args_", p);
				if (nl == NULL || args == NULL || c == NULL) {
					s->oom = true;
					return;
				}
				*nl = *last;
				memcpy(args, last->u.list.v, sizeof(*args) *
				    last->u.list.n);
				args[0] = c->u.list.v[0];
				args[0]->pos = last->u.list.v[0]->pos;
				nl->u.list.v = args;
				cmds[0] = nl;
				c = ident_cmd(s, pre, p);
				if (c == NULL)
					return;
				cmds[len++] = c;
			}
			for (k = 0; k < ed->nesc; k++) {
				if (strcmp(norm_esc(pre), norm_esc(esc[k])) ==
				    0) {
					esc[k] = pre;
					dup = true;
				}
			}
			if (dup)
				len--;
		}
	}
	n = len;
	for (k = 0; k < ed->nesc; k++) {
		seen = false;
		for (j = 0; j < len; j++) {
			const struct tnode *a0 = cmds[j]->u.list.v[0];

			if (a0->type == TN_IDENT && strcmp(norm_esc(
			    a0->u.ident.name), norm_esc(esc[k])) == 0)
				seen = true;
		}
		if (seen)
			continue;
		c = ident_cmd(s, esc[k], p);
		if (c == NULL)
			return;
		append_cmd(cmds, &n, c);
	}
	p->u.pipe.cmds = cmds;
	p->u.pipe.ncmds = n;
}

static void
commit(struct hsess *s, struct thash *out)
{
	struct tns	ns;
	size_t		i;

	for (i = 0; i < s->n_act; i++)
		ensure_pipeline(s, s->act[i].n->u.apipe, &s->act[i]);
	for (i = 0; i < s->n_tpl; i++)
		s->tpl[i].n->u.tmpl.name = s->tpl[i].name;
	for (i = 0; i < s->n_txt; i++)
		s->txt[i].n->u.text = s->txt[i].text;
	for (i = 0; i < s->copies.cap; i++) {
		const struct thash_ent *e = &s->copies.e[i];

		if (e->key != NULL)
			thash_put(out, e->key, e->klen, e->val);
	}
	for (i = 0; i < s->n_der; i++)
		thash_put(out, s->der[i].name, strlen(s->der[i].name),
		    s->der[i].t);
	ns.over = out;
	ns.base = NULL;
	for (i = 0; i < out->cap; i++) {
		if (out->e[i].key != NULL)
			tnode_resolve(((struct ttree *)out->e[i].val)->root,
			    &ns);
	}
}

static void
sess_release(struct hsess *s)
{
	while (s->rc != NULL) {
		struct hrange *o = s->rc->outer;

		range_free(s->rc);
		s->rc = o;
	}
	free(s->out);
	free(s->der);
	free(s->called);
	free(s->act);
	free(s->tpl);
	free(s->txt);
	thash_release(&s->copies);
}

int
thtml_escape(const struct ttree *t, const struct tns *ns, struct tarena *a,
    struct thash *out, const struct ttree **entry, struct buf *err)
{
	struct hsess	 s;
	struct hctx	 c;
	const char	*dname;
	int		 rc = 0;
	struct ttree	*copy;

	memset(&s, 0, sizeof(s));
	s.a = a;
	s.ns = ns;
	thash_init(&s.copies);
	memset(&c, 0, sizeof(c));
	/* The field text itself, even when it is empty. */
	copy = tarena_alloc(a, sizeof(*copy));
	if (copy != NULL) {
		*copy = *t;
		copy->root = tnode_copy(a, t->root, t);
	}
	if (copy == NULL || copy->root == NULL) {
		buf_addstr(err, "html/template: out of memory");
		sess_release(&s);
		return -1;
	}
	thash_put(&s.copies, copy->name, strlen(copy->name), copy);
	c = escape_tree(&s, c, t->root, t->name, 0, &dname);
	if (s.oom) {
		buf_addstr(err, "html/template: out of memory");
		rc = -1;
	} else if (c.err != NULL) {
		snprintf(c.err->name, sizeof(c.err->name), "%s", t->name);
		herr_string(err, c.err);
		rc = -1;
	} else if (c.state != ST_TEXT) {
		struct herr *e = herrorf(&s, HE_ENDCONTEXT, NULL, 0,
		    "ends in a non-text context: %s", ctx_str(&s, &c));

		if (e != NULL) {
			snprintf(e->name, sizeof(e->name), "%s", t->name);
			herr_string(err, e);
		}
		rc = -1;
	} else {
		commit(&s, out);
		*entry = thash_get(&s.copies, t->name, strlen(t->name));
		if (s.oom) {
			buf_addstr(err, "html/template: out of memory");
			rc = -1;
		}
	}
	sess_release(&s);
	return rc;
}
