/*
 * The executor of Go's text/template (exec.go, Go 1.19) with
 * Option("missingkey=zero"), as Alertmanager runs it: field chains,
 * methods before map keys, argument typing (literals typed by the
 * parameter, "wrong type for value"), short-circuit and/or, range over
 * slices and sorted maps with break/continue/else, {{template}} without
 * dynamic scoping, and Go's error texts
 * ("template: name:1:5: executing \"name\" at <.Foo>: ...").
 *
 * Beyond Go, an execution is bounded: output bytes, arena memory,
 * nesting depth and evaluation steps (struct tlimits).  Go's recursion
 * limit is 100000 templates deep; ours is tlimits.max_depth.
 */
#include "templates/tmpl_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"

struct xvar {
	const char	*name;
	struct tval	 v;
};

struct xstate {
	const struct tenv	*env;
	const struct ttree	*tmpl;
	const struct tnode	*node;
	struct buf		*out;
	size_t			 out_start;
	struct buf		*err;
	struct xvar		*vars;
	size_t			 nvars, avars, vbase;
	unsigned		 depth;		/* templates */
	unsigned		 rdepth;	/* recursion */
	uint64_t		 steps;
	struct tarena		 ar;
	char			 fnerr[1024];
	bool			 failed;
	struct tre_cache	*recache;
};

enum { W_OK = 0, W_ERR = -1, W_BREAK = 1, W_CONTINUE = 2 };

static const struct tval missing = { .t = NULL };
#define HAS_FINAL(f)	((f) != NULL)

static int	eval_pipeline(struct xstate *x, const struct tval *dot,
		    const struct tnode *pipe, struct tval *out);
static int	eval_arg(struct xstate *x, const struct tval *dot,
		    const struct ttype *typ, struct tnode *n,
		    struct tval *out);
static int	walk(struct xstate *x, const struct tval *dot,
		    const struct tnode *n);

/* ----------------------------------------------------------- errors --- */

static void
quote_name(struct buf *b, const char *s)
{
	buf_add_goquote(b, s, strlen(s));
}

static int xerrorf(struct xstate *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
xerrorf(struct xstate *x, const char *fmt, ...)
{
	va_list	ap;

	if (x->failed)
		return -1;
	x->failed = true;
	buf_reset(x->err);
	buf_addstr(x->err, "template: ");
	if (x->node == NULL) {
		buf_addf(x->err, "%s: ", x->tmpl->name);
	} else {
		tnode_location(x->err, x->node);
		buf_addstr(x->err, ": executing ");
		quote_name(x->err, x->tmpl->name);
		buf_addstr(x->err, " at <");
		tnode_string(x->err, x->node);
		buf_addstr(x->err, ">: ");
	}
	va_start(ap, fmt);
	buf_vaddf(x->err, fmt, ap);
	va_end(ap);
	return -1;
}

int
xoom(struct xstate *x)
{
	return xerrorf(x, "template memory limit (%zu bytes) exceeded",
	    x->env->lim->max_memory);
}

int
xfail(struct xstate *x, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(x->fnerr, sizeof(x->fnerr), fmt, ap);
	va_end(ap);
	return -1;
}

struct tarena *
xarena(struct xstate *x)
{
	return &x->ar;
}

struct tre_cache **
xrecache(struct xstate *x)
{
	return &x->recache;
}

void
xnow(struct xstate *x, struct gtime *t)
{
	gtime_now(t);
	if (x->env->has_now) {
		t->sec = x->env->now_ns / AD_SEC;
		t->nsec = (int32_t)(x->env->now_ns % AD_SEC);
		if (t->nsec < 0) {
			t->nsec += (int32_t)AD_SEC;
			t->sec--;
		}
	}
}

void
xbuf_init(struct xstate *x, struct buf *b)
{
	size_t	left = tarena_left(&x->ar);

	buf_init(b, left > 64 ? left - 64 : 0);
}

int
xbuf_finish(struct xstate *x, struct buf *b, const struct ttype *t,
    struct tval *out)
{
	size_t	n;
	char	*p;

	p = tarena_take_buf(&x->ar, b, &n);
	if (p == NULL)
		return xoom(x);
	*out = tv_str(t, p, n);
	return 0;
}

/* A Go %v rendering of v for error messages. */
static const char *
vstr(struct xstate *x, const struct tval *v)
{
	struct buf	b;
	char		*p;

	buf_init(&b, 4096);
	tfmt_value(&b, v, 'v');
	p = tarena_strndup(&x->ar, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return p != NULL ? p : "";
}

static const char *
nstr(struct xstate *x, const struct tnode *n)
{
	struct buf	b;
	char		*p;

	buf_init(&b, 4096);
	tnode_string(&b, n);
	p = tarena_strndup(&x->ar, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return p != NULL ? p : "";
}

/* -------------------------------------------------------- variables --- */

static void
push_var(struct xstate *x, const char *name, const struct tval *v)
{
	if (x->nvars == x->avars) {
		x->avars = x->avars ? x->avars * 2 : 16;
		x->vars = xreallocarray(x->vars, x->avars, sizeof(*x->vars));
	}
	x->vars[x->nvars].name = name;
	x->vars[x->nvars].v = *v;
	x->nvars++;
}

static struct tval *
find_var(struct xstate *x, const char *name)
{
	size_t	i;

	for (i = x->nvars; i > x->vbase; i--) {
		if (strcmp(x->vars[i - 1].name, name) == 0)
			return &x->vars[i - 1].v;
	}
	return NULL;
}

/* --------------------------------------------------------- checking --- */

static int
step(struct xstate *x)
{
	if (++x->steps > x->env->lim->max_steps)
		return xerrorf(x, "execution step limit (%llu) exceeded",
		    (unsigned long long)x->env->lim->max_steps);
	return 0;
}

static int
enter(struct xstate *x)
{
	if (++x->rdepth > x->env->lim->max_depth * 2)
		return xerrorf(x, "exceeded maximum template depth (%u)",
		    x->env->lim->max_depth);
	return 0;
}

static int
out_full(struct xstate *x)
{
	if (x->failed)
		return -1;
	x->failed = true;
	buf_reset(x->err);
	buf_addf(x->err, "template: output exceeds the limit of %zu bytes",
	    x->env->lim->max_output);
	return -1;
}

static bool
out_over(struct xstate *x)
{
	return buf_len(x->out) - x->out_start > x->env->lim->max_output;
}

static int
write_out(struct xstate *x, const char *p, size_t n)
{
	if (n > x->env->lim->max_output ||
	    buf_len(x->out) - x->out_start > x->env->lim->max_output - n ||
	    buf_add(x->out, p, n) == -1)
		return out_full(x);
	return 0;
}

/* ------------------------------------------------------- evaluation --- */

static int
not_a_function(struct xstate *x, const struct tnode *cmd, size_t nargs,
    const struct tval *final)
{
	if (nargs > 1 || HAS_FINAL(final))
		return xerrorf(x, "can't give argument to non-function %s",
		    nstr(x, cmd->u.list.v[0]));
	return 0;
}

static int
ideal_constant(struct xstate *x, const struct tnode *n, struct tval *out)
{
	const struct tnumber	*c = n->u.num;

	x->node = n;
	if (c->is_complex) {
		out->t = &tt_complex128;
		out->u.c.re = c->re;
		out->u.c.im = c->im;
		return 0;
	}
	if (c->is_float && !(strlen(c->text) > 2 && c->text[0] == '0' &&
	    (c->text[1] == 'x' || c->text[1] == 'X') &&
	    strpbrk(c->text, "pP") == NULL) && c->text[0] != '\'' &&
	    strpbrk(c->text, ".eEpP") != NULL) {
		out->t = &tt_float64;
		out->u.f = c->f;
		return 0;
	}
	if (c->is_int) {
		*out = tv_int(&tt_int, c->i);
		return 0;
	}
	if (c->is_uint)
		return xerrorf(x, "%s overflows int", c->text);
	*out = missing;
	return 0;
}

static const struct tval *
indirect(const struct tval *v, struct tval *tmp)
{
	if (v->t == &tt_data_ptr && v->u.fv != NULL) {
		tmp->t = &tt_data;
		tmp->u.fv = v->u.fv;
		return tmp;
	}
	return v;
}

static int
validate_type(struct xstate *x, const struct tval *v, const struct ttype *typ,
    struct tval *out)
{
	if (!tv_valid(v)) {
		if (typ == NULL) {
			*out = missing;
			return 0;
		}
		if (tt_can_be_nil(typ)) {
			*out = typ == &tt_rvalue ? missing :
			    tv_zero(typ, &x->ar);
			return 0;
		}
		return xerrorf(x, "invalid value; expected %s", typ->name);
	}
	if (typ == NULL || typ == &tt_rvalue || tv_assignable(v->t, typ)) {
		*out = *v;
		return 0;
	}
	if (v->t == &tt_data_ptr && typ == &tt_data) {
		out->t = &tt_data;
		out->u.fv = v->u.fv;
		return 0;
	}
	return xerrorf(x, "wrong type for value; expected %s; got %s",
	    typ->name, v->t->name);
}

static int
eval_call(struct xstate *x, const struct tval *dot, const struct tfunc *fn,
    const struct tval *recv, const struct tnode *node, const char *name,
    struct tnode *const *args, size_t nargs, const struct tval *final,
    struct tval *out);

static int
eval_field(struct xstate *x, const struct tval *dot, const char *field,
    const struct tnode *node, struct tnode *const *args, size_t nargs,
    const struct tval *final, const struct tval *recv, struct tval *out)
{
	const struct tfunc	*m;
	const struct tval	*r, *fv;
	struct tval		 tmp;
	size_t			 i, fl = strlen(field);
	bool			 has_args = nargs > 1 || HAS_FINAL(final);

	if (!tv_valid(recv)) {
		*out = missing;
		return 0;
	}
	r = indirect(recv, &tmp);
	if (r->t->kind == TK_IFACE)
		return xerrorf(x, "nil pointer evaluating %s.%s",
		    recv->t->name, field);
	m = tt_method(r->t, field, fl);
	if (m != NULL)
		return eval_call(x, dot, m, r, node, field, args, nargs, final,
		    out);
	if (r->t->kind == TK_STRUCT && r->t->fields != NULL) {
		for (i = 0; r->t->fields[i] != NULL; i++) {
			if (strcmp(r->t->fields[i], field) != 0)
				continue;
			if (has_args)
				return xerrorf(x, "%s has arguments but cannot "
				    "be invoked as function", field);
			*out = r->u.fv[i];
			return 0;
		}
	} else if (r->t->kind == TK_MAP) {
		if (has_args)
			return xerrorf(x, "%s is not a method but has "
			    "arguments", field);
		fv = tmap_get(r->u.m, field, fl);
		*out = fv != NULL ? *fv : tv_zero(r->t->elem, &x->ar);
		return 0;
	}
	return xerrorf(x, "can't evaluate field %s in type %s", field,
	    recv->t->name);
}

static int
eval_field_chain(struct xstate *x, const struct tval *dot,
    const struct tval *recv, const struct tnode *node, const char **id,
    size_t nid, struct tnode *const *args, size_t nargs,
    const struct tval *final, struct tval *out)
{
	struct tval	cur = *recv;
	size_t		i;

	for (i = 0; i + 1 < nid; i++) {
		if (eval_field(x, dot, id[i], node, NULL, 0, NULL, &cur,
		    &cur) != 0)
			return -1;
	}
	return eval_field(x, dot, id[nid - 1], node, args, nargs, final, &cur,
	    out);
}

static int
eval_field_node(struct xstate *x, const struct tval *dot,
    const struct tnode *f, struct tnode *const *args, size_t nargs,
    const struct tval *final, struct tval *out)
{
	x->node = f;
	return eval_field_chain(x, dot, dot, f, f->u.field.id, f->u.field.n,
	    args, nargs, final, out);
}

static int
eval_chain_node(struct xstate *x, const struct tval *dot,
    const struct tnode *c, struct tnode *const *args, size_t nargs,
    const struct tval *final, struct tval *out)
{
	struct tval	pipe;

	x->node = c;
	if (c->u.chain.node->type == TN_NIL)
		return xerrorf(x, "indirection through explicit nil in %s",
		    nstr(x, c));
	if (eval_arg(x, dot, NULL, c->u.chain.node, &pipe) != 0)
		return -1;
	return eval_field_chain(x, dot, &pipe, c, c->u.chain.id, c->u.chain.n,
	    args, nargs, final, out);
}

static int
eval_variable_node(struct xstate *x, const struct tval *dot,
    const struct tnode *v, struct tnode *const *args, size_t nargs,
    const struct tval *final, struct tval *out)
{
	struct tval	*val;

	x->node = v;
	val = find_var(x, v->u.field.id[0]);
	if (val == NULL)
		return xerrorf(x, "undefined variable: %s", v->u.field.id[0]);
	if (v->u.field.n == 1) {
		if (nargs > 1 || HAS_FINAL(final))
			return xerrorf(x, "can't give argument to "
			    "non-function %s", nstr(x, args[0]));
		*out = *val;
		return 0;
	}
	return eval_field_chain(x, dot, val, v, v->u.field.id + 1,
	    v->u.field.n - 1, args, nargs, final, out);
}

static int
eval_function(struct xstate *x, const struct tval *dot,
    const struct tnode *id, const struct tnode *cmd,
    struct tnode *const *args, size_t nargs, const struct tval *final,
    struct tval *out)
{
	x->node = id;
	return eval_call(x, dot, id->u.ident.fn, NULL, cmd, id->u.ident.name,
	    args, nargs, final, out);
}

static int
eval_literal(struct xstate *x, const struct ttype *typ, const struct tnode *n,
    struct tval *out)
{
	const struct tnumber	*num = n->type == TN_NUMBER ? n->u.num : NULL;

	x->node = n;
	switch (typ->kind) {
	case TK_BOOL:
		if (n->type != TN_BOOL)
			return xerrorf(x, "expected bool; found %s",
			    nstr(x, n));
		out->t = typ;
		out->u.b = n->u.b;
		return 0;
	case TK_STRING:
		if (n->type != TN_STRING)
			return xerrorf(x, "expected string; found %s",
			    nstr(x, n));
		*out = tv_str(typ, n->u.str.s.p, n->u.str.s.n);
		return 0;
	case TK_INT:
		if (num == NULL || !num->is_int)
			return xerrorf(x, "expected integer; found %s",
			    nstr(x, n));
		*out = tv_int(typ, num->i);
		return 0;
	case TK_UINT:
		if (num == NULL || !num->is_uint)
			return xerrorf(x, "expected unsigned integer; found %s",
			    nstr(x, n));
		out->t = typ;
		out->u.u = typ->bits == 8 ? (uint8_t)num->u : num->u;
		return 0;
	case TK_FLOAT:
		if (num == NULL || !num->is_float)
			return xerrorf(x, "expected float; found %s",
			    nstr(x, n));
		out->t = typ;
		out->u.f = num->f;
		return 0;
	case TK_COMPLEX:
		if (num == NULL || !num->is_complex)
			return xerrorf(x, "expected complex; found %s",
			    nstr(x, n));
		out->t = typ;
		out->u.c.re = num->re;
		out->u.c.im = num->im;
		return 0;
	default:
		return xerrorf(x, "can't handle %s for arg of type %s",
		    nstr(x, n), typ->name);
	}
}

static int
eval_empty_iface(struct xstate *x, const struct tval *dot,
    const struct tnode *n, struct tval *out)
{
	x->node = n;
	switch (n->type) {
	case TN_BOOL:
		*out = tv_bool(n->u.b);
		return 0;
	case TN_NUMBER:
		return ideal_constant(x, n, out);
	case TN_STRING:
		*out = tv_str(&tt_string, n->u.str.s.p, n->u.str.s.n);
		return 0;
	default:
		(void)dot;
		return xerrorf(x, "can't handle assignment of %s to empty "
		    "interface argument", nstr(x, n));
	}
}

static int
eval_arg(struct xstate *x, const struct tval *dot, const struct ttype *typ,
    struct tnode *n, struct tval *out)
{
	struct tval	v;
	int		rc;

	x->node = n;
	switch (n->type) {
	case TN_DOT:
		return validate_type(x, dot, typ, out);
	case TN_NIL:
		if (typ != NULL && tt_can_be_nil(typ)) {
			*out = typ == &tt_rvalue ? missing : tv_zero(typ,
			    &x->ar);
			return 0;
		}
		return xerrorf(x, "cannot assign nil to %s",
		    typ != NULL ? typ->name : "<nil>");
	case TN_FIELD:
		rc = eval_field_node(x, dot, n, &n, 1, NULL, &v);
		break;
	case TN_VAR:
		rc = eval_variable_node(x, dot, n, NULL, 0, NULL, &v);
		break;
	case TN_PIPE:
		rc = eval_pipeline(x, dot, n, &v);
		break;
	case TN_IDENT:
		rc = eval_function(x, dot, n, n, NULL, 0, NULL, &v);
		break;
	case TN_CHAIN:
		rc = eval_chain_node(x, dot, n, NULL, 0, NULL, &v);
		break;
	default:
		if (typ == NULL)
			return xerrorf(x, "can't handle %s", nstr(x, n));
		if (typ->kind == TK_IFACE || typ->kind == TK_RVALUE)
			return eval_empty_iface(x, dot, n, out);
		return eval_literal(x, typ, n, out);
	}
	if (rc != 0)
		return -1;
	return validate_type(x, &v, typ, out);
}

static bool
truth_of(const struct tval *v)
{
	bool	ok;

	return tv_truth(v, &ok);
}

static int
eval_and_or(struct xstate *x, const struct tval *dot, const struct tfunc *fn,
    struct tnode *const *args, size_t nargs, const struct tval *final,
    struct tval *out)
{
	struct tval	v = missing;
	size_t		i;

	for (i = 0; i < nargs; i++) {
		if (eval_arg(x, dot, &tt_rvalue, args[i], &v) != 0)
			return -1;
		if (truth_of(&v) == (fn->special == TF_OR)) {
			*out = v;
			return 0;
		}
	}
	if (HAS_FINAL(final))
		v = *final;
	*out = v;
	return 0;
}

static int
call_fn(struct xstate *x, const struct tfunc *fn, const struct tval *recv,
    const struct tnode *node, const char *name, struct tval *argv,
    size_t argc, struct tval *out)
{
	int	rc;

	x->fnerr[0] = '\0';
	rc = fn->fn(x, recv, argv, argc, out);
	if (rc == 0)
		return 0;
	if (x->failed)
		return -1;
	x->node = node;
	return xerrorf(x, "error calling %s: %s", name, x->fnerr);
}

static int
eval_call(struct xstate *x, const struct tval *dot, const struct tfunc *fn,
    const struct tval *recv, const struct tnode *node, const char *name,
    struct tnode *const *args, size_t nargs, const struct tval *final,
    struct tval *out)
{
	struct tval		*argv;
	const struct ttype	*t;
	size_t			 numin, nfixed, i;

	if (args != NULL) {
		args++;
		nargs--;
	}
	numin = nargs + HAS_FINAL(final);
	nfixed = nargs;
	if (fn->variadic) {
		nfixed = fn->nparams - 1u;
		if (numin < nfixed)
			return xerrorf(x, "wrong number of args for %s: want "
			    "at least %d got %zu", name, fn->nparams - 1,
			    nargs);
	} else if (numin != fn->nparams)
		return xerrorf(x, "wrong number of args for %s: want %d got "
		    "%zu", name, fn->nparams, numin);
	if (fn->nout != 1)
		return xerrorf(x, "can't call method/function \"%s\" with %d "
		    "results", name, fn->nout + fn->err);
	if (fn->special == TF_AND || fn->special == TF_OR)
		return eval_and_or(x, dot, fn, args, nargs, final, out);
	argv = tarena_alloc(&x->ar, sizeof(*argv) * (numin + 1));
	if (argv == NULL)
		return xoom(x);
	for (i = 0; i < nfixed && i < nargs; i++) {
		if (eval_arg(x, dot, fn->params[i], args[i], &argv[i]) != 0)
			return -1;
	}
	for (; fn->variadic && i < nargs; i++) {
		if (eval_arg(x, dot, fn->params[fn->nparams - 1], args[i],
		    &argv[i]) != 0)
			return -1;
	}
	if (HAS_FINAL(final)) {
		t = fn->params[fn->nparams - 1];
		if (fn->variadic && numin - 1 < nfixed)
			t = fn->params[numin - 1];
		if (validate_type(x, final, t, &argv[i]) != 0)
			return -1;
	}
	return call_fn(x, fn, recv, node, name, argv, numin, out);
}

static int
eval_command(struct xstate *x, const struct tval *dot, const struct tnode *cmd,
    const struct tval *final, struct tval *out)
{
	struct tnode *const	*args = cmd->u.list.v;
	size_t			 nargs = cmd->u.list.n;
	const struct tnode	*first = args[0];

	switch (first->type) {
	case TN_FIELD:
		return eval_field_node(x, dot, first, args, nargs, final, out);
	case TN_CHAIN:
		return eval_chain_node(x, dot, first, args, nargs, final, out);
	case TN_IDENT:
		return eval_function(x, dot, first, cmd, args, nargs, final,
		    out);
	case TN_PIPE:
		if (not_a_function(x, cmd, nargs, final) != 0)
			return -1;
		return eval_pipeline(x, dot, first, out);
	case TN_VAR:
		return eval_variable_node(x, dot, first, args, nargs, final,
		    out);
	default:
		break;
	}
	x->node = first;
	if (not_a_function(x, cmd, nargs, final) != 0)
		return -1;
	switch (first->type) {
	case TN_BOOL:
		*out = tv_bool(first->u.b);
		return 0;
	case TN_DOT:
		*out = *dot;
		return 0;
	case TN_NIL:
		return xerrorf(x, "nil is not a command");
	case TN_NUMBER:
		return ideal_constant(x, first, out);
	case TN_STRING:
		*out = tv_str(&tt_string, first->u.str.s.p, first->u.str.s.n);
		return 0;
	default:
		return xerrorf(x, "can't evaluate command %s", nstr(x, first));
	}
}

static int
eval_pipeline(struct xstate *x, const struct tval *dot,
    const struct tnode *pipe, struct tval *out)
{
	struct tval	 v = missing, next;
	bool		 have = false;
	size_t		 i;
	struct tval	*var;

	*out = missing;
	if (pipe == NULL)
		return 0;
	if (enter(x) != 0)
		return -1;
	x->node = pipe;
	for (i = 0; i < pipe->u.pipe.ncmds; i++) {
		if (eval_command(x, dot, pipe->u.pipe.cmds[i],
		    have ? &v : NULL, &next) != 0)
			return -1;
		v = next;
		have = true;
		/* A nil interface{} is digged into: no value. */
		if (v.t != NULL && v.t->kind == TK_IFACE)
			v = missing;
	}
	for (i = 0; i < pipe->u.pipe.ndecl; i++) {
		const char *name = pipe->u.pipe.decl[i]->u.field.id[0];

		if (!pipe->u.pipe.assign) {
			push_var(x, name, &v);
			continue;
		}
		var = find_var(x, name);
		if (var == NULL)
			return xerrorf(x, "undefined variable: %s", name);
		*var = v;
	}
	x->rdepth--;
	*out = v;
	return 0;
}

/* ----------------------------------------------------------- walking --- */

static int
print_value(struct xstate *x, const struct tnode *n, const struct tval *v)
{
	struct tval	 tmp;
	const struct tval *p = indirect(v, &tmp);
	size_t		 before = buf_len(x->out);

	x->node = n;
	if (!tv_valid(p))
		return write_out(x, "<no value>", 10);
	if (tfmt_value(x->out, p, 'v') != 0 || out_over(x)) {
		buf_setlen(x->out, before);
		return out_full(x);
	}
	return 0;
}

static int
walk_if_with(struct xstate *x, const struct tval *dot, const struct tnode *n)
{
	size_t		mark = x->nvars;
	struct tval	val;
	int		rc;

	if (eval_pipeline(x, dot, n->u.br.pipe, &val) != 0)
		return W_ERR;
	if (truth_of(&val))
		rc = walk(x, n->type == TN_WITH ? &val : dot, n->u.br.list);
	else if (n->u.br.elist != NULL)
		rc = walk(x, dot, n->u.br.elist);
	else
		rc = W_OK;
	x->nvars = mark;
	return rc;
}

static int
range_once(struct xstate *x, const struct tnode *r, size_t mark,
    const struct tval *index, const struct tval *elem)
{
	size_t	nd = r->u.br.pipe->u.pipe.ndecl;
	int	rc;

	if (nd > 0)
		x->vars[mark - 1].v = *elem;
	if (nd > 1)
		x->vars[mark - 2].v = *index;
	rc = walk(x, elem, r->u.br.list);
	x->nvars = mark;
	return rc == W_CONTINUE ? W_OK : rc;
}

static int
walk_range(struct xstate *x, const struct tval *dot, const struct tnode *r)
{
	size_t			 mark0 = x->nvars, mark, i;
	struct tval		 val, tmp, idx;
	const struct tval	*v;
	int			 rc = W_OK;

	x->node = r;
	if (eval_pipeline(x, dot, r->u.br.pipe, &val) != 0)
		return W_ERR;
	v = indirect(&val, &tmp);
	mark = x->nvars;
	if (!tv_valid(v))
		goto empty;
	if (v->t->kind == TK_SLICE) {
		if (tv_len(v) == 0)
			goto empty;
		for (i = 0; i < v->u.sl->n && rc == W_OK; i++) {
			idx = tv_int(&tt_int, (int64_t)i);
			rc = range_once(x, r, mark, &idx, &v->u.sl->v[i]);
		}
	} else if (v->t->kind == TK_MAP) {
		if (tv_len(v) == 0)
			goto empty;
		for (i = 0; i < v->u.m->n && rc == W_OK; i++) {
			const struct tmap_ent *e = &v->u.m->e[i];

			idx = tv_str(&tt_string, e->k.p, e->k.n);
			rc = range_once(x, r, mark, &idx, &e->v);
		}
	} else {
		return xerrorf(x, "range can't iterate over %s", vstr(x, v));
	}
	x->nvars = mark0;
	return rc == W_BREAK ? W_OK : rc;
empty:
	if (r->u.br.elist != NULL)
		rc = walk(x, dot, r->u.br.elist);
	x->nvars = mark0;
	return rc;
}

static int
walk_template(struct xstate *x, const struct tval *dot, const struct tnode *t)
{
	const struct ttree	*callee, *saved_tmpl;
	struct tval		 newdot;
	size_t			 saved_base, saved_n;
	int			 rc;

	x->node = t;
	callee = x->env->resolved ? t->u.tmpl.res : NULL;
	if (callee == NULL)
		callee = tns_lookup(x->env->ns, t->u.tmpl.name);
	if (callee == NULL) {
		struct buf	q;
		char		name[600];

		buf_init(&q, 550);
		quote_name(&q, t->u.tmpl.name);
		snprintf(name, sizeof(name), "%s", buf_str(&q));
		buf_release(&q);
		return xerrorf(x, "template %s not defined", name);
	}
	if (x->depth == x->env->lim->max_depth)
		return xerrorf(x, "exceeded maximum template depth (%u)",
		    x->env->lim->max_depth);
	if (eval_pipeline(x, dot, t->u.tmpl.pipe, &newdot) != 0)
		return W_ERR;
	saved_tmpl = x->tmpl;
	saved_base = x->vbase;
	saved_n = x->nvars;
	x->depth++;
	x->tmpl = callee;
	x->vbase = x->nvars;
	push_var(x, "$", &newdot);
	rc = walk(x, &newdot, callee->root);
	x->depth--;
	x->tmpl = saved_tmpl;
	x->vbase = saved_base;
	x->nvars = saved_n;
	return rc;
}

static int
walk_list(struct xstate *x, const struct tval *dot, const struct tnode *n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < n->u.list.n; i++) {
		rc = walk(x, dot, n->u.list.v[i]);
		if (rc != W_OK)
			return rc;
	}
	return W_OK;
}

static int
walk(struct xstate *x, const struct tval *dot, const struct tnode *n)
{
	struct tval	val;
	int		rc;

	x->node = n;
	if (step(x) != 0 || enter(x) != 0)
		return W_ERR;
	switch (n->type) {
	case TN_ACTION:
		rc = eval_pipeline(x, dot, n->u.apipe, &val);
		if (rc == 0 && n->u.apipe->u.pipe.ndecl == 0)
			rc = print_value(x, n, &val);
		break;
	case TN_BREAK:
		rc = W_BREAK;
		break;
	case TN_CONTINUE:
		rc = W_CONTINUE;
		break;
	case TN_COMMENT:
		rc = W_OK;
		break;
	case TN_IF:
	case TN_WITH:
		rc = walk_if_with(x, dot, n);
		break;
	case TN_LIST:
		rc = walk_list(x, dot, n);
		break;
	case TN_RANGE:
		rc = walk_range(x, dot, n);
		break;
	case TN_TEMPLATE:
		rc = walk_template(x, dot, n);
		break;
	case TN_TEXT:
		rc = write_out(x, n->u.text.p, n->u.text.n);
		break;
	default:
		rc = xerrorf(x, "unknown node: %s", nstr(x, n));
	}
	x->rdepth--;
	return rc;
}

int
texec(const struct tenv *env, const struct ttree *t, const struct tval *dot,
    struct buf *out, struct buf *err)
{
	struct xstate	x;
	int		rc;

	memset(&x, 0, sizeof(x));
	x.env = env;
	x.tmpl = t;
	x.out = out;
	x.out_start = buf_len(out);
	x.err = err;
	tarena_init(&x.ar, env->lim->max_memory);
	push_var(&x, "$", dot);
	if (t->root == NULL)
		rc = xerrorf(&x, "\"%s\" is an incomplete or empty template",
		    t->name);
	else
		rc = walk(&x, dot, t->root);
	free(x.vars);
	tre_cache_free(x.recache);
	tarena_release(&x.ar);
	return rc == W_ERR || x.failed ? -1 : 0;
}
