/*
 * regex_vm: the fallback matcher of routing/regex, a Thompson NFA
 * simulation (Pike VM without captures) over the parse tree, which is how
 * Go's regexp matches: time linear in subject length times program size,
 * whatever the pattern.  PCRE2's backtracker can take exponential time on
 * some patterns (and its DFA mode is slow on large bounded repeats), so
 * when PCRE2 gives up, this answers.  Only "is there a match" is computed.
 *
 * Semantics are Go's: runes decoded as utf8.DecodeRune (a bad byte is
 * U+FFFD), Go's Unicode 13 tables for \p (regex_unicode.inc), (?i) by
 * unicode.SimpleFold orbits, ASCII \b, x{n,m} expanded as Go simplifies
 * it.  See regex_int.h.
 */
#include "routing/regex_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

struct vm_table {
	const uint32_t	(*r)[3];	/* lo, hi, stride */
	size_t		 n;
};

#include "routing/regex_unicode.inc"

/* Programs larger than this are not built (Go's own limit is ~3.3M). */
#define VM_MAX_INSTS	(16u << 20)

enum vop { V_FAIL, V_RUNE, V_CLASS, V_ANYNL, V_ANY, V_EMPTY, V_SPLIT, V_JMP,
	V_MATCH };

/* Empty-width conditions (Go's syntax.EmptyOp). */
#define EW_BOL		0x01u
#define EW_EOL		0x02u
#define EW_BOT		0x04u
#define EW_EOT		0x08u
#define EW_WORDB	0x10u
#define EW_NWORDB	0x20u

struct vinst {
	uint8_t		op;
	bool		fold;		/* V_RUNE under (?i) */
	uint32_t	out, out1;	/* next; V_SPLIT's other branch */
	uint32_t	arg;		/* rune, class index, EW_* */
};

struct vprop {
	int	prop;
	bool	neg;
};

struct vclass {
	uint32_t	(*r)[2];	/* sorted, merged */
	size_t		 nr;
	struct vprop	*p;
	size_t		 np;
	bool		 neg, fold;
};

struct regex_vm {
	struct vinst	*prog;		/* prog[0] is V_FAIL */
	size_t		 n, alloc;
	struct vclass	*cls;
	size_t		 ncls, acls;
	uint32_t	 start;
	bool		 anchored;	/* every match starts at \A */
	bool		 toobig;
};

/* A fragment: its entry and the list of its dangling exits, threaded
 * through the exit slots themselves (hole = pc << 1 | slot). */
struct frag {
	uint32_t	i;
	uint32_t	head, tail;
};

/* ------------------------------------------------------------ build --- */

static uint32_t *
hole_slot(struct regex_vm *vm, uint32_t h)
{
	struct vinst	*in = &vm->prog[h >> 1];

	return (h & 1) ? &in->out1 : &in->out;
}

static void
holes_patch(struct regex_vm *vm, struct frag f, uint32_t to)
{
	uint32_t	h = f.head, *slot;

	while (h != 0) {
		slot = hole_slot(vm, h);
		h = *slot;
		*slot = to;
	}
}

static struct frag
holes_append(struct regex_vm *vm, struct frag a, struct frag b)
{
	if (a.head == 0)
		return (struct frag){ 0, b.head, b.tail };
	if (b.head != 0) {
		*hole_slot(vm, a.tail) = b.head;
		a.tail = b.tail;
	}
	return (struct frag){ 0, a.head, a.tail };
}

static uint32_t
inst_new(struct regex_vm *vm, enum vop op)
{
	if (vm->n >= VM_MAX_INSTS) {
		vm->toobig = true;
		return 0;
	}
	if (vm->n == vm->alloc) {
		vm->alloc = vm->alloc ? vm->alloc * 2 : 64;
		vm->prog = xreallocarray(vm->prog, vm->alloc,
		    sizeof(*vm->prog));
	}
	memset(&vm->prog[vm->n], 0, sizeof(vm->prog[0]));
	vm->prog[vm->n].op = (uint8_t)op;
	return (uint32_t)vm->n++;
}

/* A one-instruction fragment exiting through out. */
static struct frag
f_inst(struct regex_vm *vm, enum vop op, uint32_t arg)
{
	uint32_t	pc = inst_new(vm, op);

	if (pc == 0)
		return (struct frag){ 0, 0, 0 };
	vm->prog[pc].arg = arg;
	return (struct frag){ pc, pc << 1, pc << 1 };
}

static struct frag
f_cat(struct regex_vm *vm, struct frag a, struct frag b)
{
	if (a.i == 0 || b.i == 0)
		return (struct frag){ 0, 0, 0 };
	holes_patch(vm, a, b.i);
	return (struct frag){ a.i, b.head, b.tail };
}

static struct frag
f_alt(struct regex_vm *vm, struct frag a, struct frag b)
{
	struct frag	f;
	uint32_t	pc;

	if (a.i == 0)
		return b;
	if (b.i == 0)
		return a;
	pc = inst_new(vm, V_SPLIT);
	if (pc == 0)
		return (struct frag){ 0, 0, 0 };
	vm->prog[pc].out = a.i;
	vm->prog[pc].out1 = b.i;
	f = holes_append(vm, a, b);
	f.i = pc;
	return f;
}

static struct frag f_nop(struct regex_vm *vm);

/* x? (quest) or x* (star): a split whose second exit leaves. */
static struct frag
f_opt(struct regex_vm *vm, struct frag a, bool loop)
{
	struct frag	f;
	uint32_t	pc;

	if (a.i == 0)		/* (fail)? and (fail)* match the empty string */
		return f_nop(vm);
	pc = inst_new(vm, V_SPLIT);
	if (pc == 0)
		return (struct frag){ 0, 0, 0 };
	vm->prog[pc].out = a.i;
	f = (struct frag){ pc, pc << 1 | 1, pc << 1 | 1 };
	if (loop)
		holes_patch(vm, a, pc);
	else {
		f = holes_append(vm, f, a);
		f.i = pc;
	}
	return f;
}

static struct frag
f_plus(struct regex_vm *vm, struct frag a)
{
	struct frag	f;

	if (a.i == 0)
		return a;
	f = f_opt(vm, (struct frag){ a.i, 0, 0 }, false);
	if (f.i == 0)
		return f;
	/* a, then split back to a or out */
	holes_patch(vm, a, f.i);
	f.i = a.i;
	return f;
}

static struct frag f_node(struct regex_vm *vm, const struct rnode *re);

static struct frag
f_nop(struct regex_vm *vm)
{
	return f_inst(vm, V_JMP, 0);
}

/* x{n,m} as Go simplifies it: n copies, then x* or nested (x(x)?)?. */
static struct frag
f_repeat(struct regex_vm *vm, const struct rnode *re)
{
	const struct rnode	*x = re->sub[0];
	struct frag		 f = f_nop(vm), tail;
	int			 i;

	for (i = 0; i < re->min && !vm->toobig; i++)
		f = f_cat(vm, f, f_node(vm, x));
	if (re->max == -1)
		return f_cat(vm, f, f_opt(vm, f_node(vm, x), true));
	if (re->max == re->min)
		return f;
	tail = f_opt(vm, f_node(vm, x), false);
	for (i = re->min + 1; i < re->max && !vm->toobig; i++)
		tail = f_opt(vm, f_cat(vm, f_node(vm, x), tail), false);
	return f_cat(vm, f, tail);
}

static int
range_cmp(const void *a, const void *b)
{
	const uint32_t	*x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static struct frag
f_class(struct regex_vm *vm, const struct rnode *re)
{
	struct vclass	*c;
	size_t		 i, n = 0;

	if (vm->ncls == vm->acls) {
		vm->acls = vm->acls ? vm->acls * 2 : 8;
		vm->cls = xreallocarray(vm->cls, vm->acls, sizeof(*vm->cls));
	}
	c = &vm->cls[vm->ncls];
	memset(c, 0, sizeof(*c));
	c->neg = re->neg;
	c->fold = (re->flags & RF_FOLD) != 0;
	c->r = xcalloc(re->nitems + 1, sizeof(*c->r));
	c->p = xcalloc(re->nitems + 1, sizeof(*c->p));
	for (i = 0; i < re->nitems; i++) {
		if (re->items[i].kind == CI_PROP) {
			c->p[c->np].prop = re->items[i].prop;
			c->p[c->np++].neg = re->items[i].neg;
			continue;
		}
		c->r[c->nr][0] = re->items[i].lo;
		c->r[c->nr++][1] = re->items[i].hi;
	}
	qsort(c->r, c->nr, sizeof(*c->r), range_cmp);
	for (i = 0; i < c->nr; i++) {
		if (n > 0 && c->r[i][0] <= c->r[n - 1][1] + 1) {
			if (c->r[i][1] > c->r[n - 1][1])
				c->r[n - 1][1] = c->r[i][1];
			continue;
		}
		c->r[n][0] = c->r[i][0];
		c->r[n++][1] = c->r[i][1];
	}
	c->nr = n;
	return f_inst(vm, V_CLASS, (uint32_t)vm->ncls++);
}

static struct frag
f_lit(struct regex_vm *vm, const struct rnode *re)
{
	struct frag	f = f_nop(vm), r;
	size_t		i;

	for (i = 0; i < re->nrunes && !vm->toobig; i++) {
		r = f_inst(vm, V_RUNE, re->runes[i]);
		if (r.i != 0)
			vm->prog[r.i].fold = (re->flags & RF_FOLD) != 0;
		f = f_cat(vm, f, r);
	}
	return f;
}

static struct frag
f_seq(struct regex_vm *vm, const struct rnode *re)
{
	struct frag	f = re->op == ROP_ALT ? (struct frag){ 0, 0, 0 } :
			    f_nop(vm);
	size_t		i;

	for (i = 0; i < re->nsub && !vm->toobig; i++)
		f = re->op == ROP_ALT ? f_alt(vm, f, f_node(vm, re->sub[i])) :
		    f_cat(vm, f, f_node(vm, re->sub[i]));
	return f;
}

static struct frag
f_node(struct regex_vm *vm, const struct rnode *re)
{
	static const uint32_t	ew[] = { [ROP_BOL] = EW_BOL,
				    [ROP_EOL] = EW_EOL, [ROP_BOT] = EW_BOT,
				    [ROP_EOT] = EW_EOT, [ROP_WORDB] = EW_WORDB,
				    [ROP_NWORDB] = EW_NWORDB };

	if (vm->toobig)
		return (struct frag){ 0, 0, 0 };
	switch (re->op) {
	case ROP_NOMATCH:
		return (struct frag){ 0, 0, 0 };
	case ROP_EMPTY:
		return f_nop(vm);
	case ROP_LIT:
		return f_lit(vm, re);
	case ROP_CLASS:
		return f_class(vm, re);
	case ROP_ANYNL:
		return f_inst(vm, V_ANYNL, 0);
	case ROP_ANY:
		return f_inst(vm, V_ANY, 0);
	case ROP_BOL: case ROP_EOL: case ROP_BOT: case ROP_EOT:
	case ROP_WORDB: case ROP_NWORDB:
		return f_inst(vm, V_EMPTY, ew[re->op]);
	case ROP_CAPTURE:
		return f_node(vm, re->sub[0]);
	case ROP_STAR:
		return f_opt(vm, f_node(vm, re->sub[0]), true);
	case ROP_PLUS:
		return f_plus(vm, f_node(vm, re->sub[0]));
	case ROP_QUEST:
		return f_opt(vm, f_node(vm, re->sub[0]), false);
	case ROP_REPEAT:
		return f_repeat(vm, re);
	default:
		return f_seq(vm, re);
	}
}

static bool
tree_anchored(const struct rnode *re)
{
	while (re->op == ROP_CAPTURE || (re->op == ROP_CONCAT && re->nsub > 0))
		re = re->sub[0];
	return re->op == ROP_BOT;
}

void
regex_vm_free(struct regex_vm *vm)
{
	size_t	i;

	if (vm == NULL)
		return;
	for (i = 0; i < vm->ncls; i++) {
		free(vm->cls[i].r);
		free(vm->cls[i].p);
	}
	free(vm->cls);
	free(vm->prog);
	free(vm);
}

struct regex_vm *
regex_vm_build(const struct rnode *root)
{
	struct regex_vm	*vm;
	struct frag	 f;

	vm = xcalloc(1, sizeof(*vm));
	inst_new(vm, V_FAIL);
	f = f_node(vm, root);
	if (f.i != 0)
		f = f_cat(vm, f, f_inst(vm, V_MATCH, 0));
	if (vm->toobig) {
		regex_vm_free(vm);
		return NULL;
	}
	vm->start = f.i;
	vm->anchored = tree_anchored(root);
	return vm;
}

/* ------------------------------------------------------------ match --- */

static bool
table_has(const struct vm_table *t, uint32_t c)
{
	size_t	lo = 0, hi = t->n, m;

	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (c < t->r[m][0])
			hi = m;
		else if (c > t->r[m][1])
			lo = m + 1;
		else
			return (c - t->r[m][0]) % t->r[m][2] == 0;
	}
	return false;
}

static bool
prop_has(int prop, uint32_t c)
{
	return prop == 0 || table_has(&vm_props[prop - 1], c);
}

/* unicode.SimpleFold. */
static uint32_t
simple_fold(uint32_t c)
{
	size_t	lo = 0, hi = sizeof(vm_fold) / sizeof(vm_fold[0]), m;

	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (c < vm_fold[m][0])
			hi = m;
		else if (c > vm_fold[m][0])
			lo = m + 1;
		else
			return vm_fold[m][1];
	}
	return c;
}

static bool
ranges_have(const struct vclass *k, uint32_t c)
{
	size_t	lo = 0, hi = k->nr, m;

	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (c < k->r[m][0])
			hi = m;
		else if (c > k->r[m][1])
			lo = m + 1;
		else
			return true;
	}
	return false;
}

/*
 * Go folds a class item by item (the closure of each item under
 * SimpleFold), so under (?i) a rune matches a positive item when one of
 * its orbit does, and \P{X} when none of its orbit is in X.
 */
static bool
class_has(const struct vclass *k, uint32_t c)
{
	uint32_t	o;
	size_t		i;
	bool		all;

	o = c;
	do {
		if (ranges_have(k, o))
			return !k->neg;
		for (i = 0; i < k->np; i++)
			if (!k->p[i].neg && prop_has(k->p[i].prop, o))
				return !k->neg;
		o = k->fold ? simple_fold(o) : c;
	} while (o != c);
	for (i = 0; i < k->np; i++) {
		if (!k->p[i].neg)
			continue;
		o = c;
		all = true;
		do {
			all = all && !prop_has(k->p[i].prop, o);
			o = k->fold ? simple_fold(o) : c;
		} while (o != c && all);
		if (all)
			return !k->neg;
	}
	return k->neg;
}

static bool
inst_takes(const struct regex_vm *vm, const struct vinst *in, uint32_t r)
{
	uint32_t	o;

	switch (in->op) {
	case V_RUNE:
		if (r == in->arg)
			return true;
		if (!in->fold)
			return false;
		for (o = simple_fold(in->arg); o != in->arg; o = simple_fold(o))
			if (o == r)
				return true;
		return false;
	case V_CLASS:
		return class_has(&vm->cls[in->arg], r);
	case V_ANYNL:
		return r != '\n';
	case V_ANY:
		return true;
	default:
		return false;
	}
}

/* Per-thread run state: two sparse sets and a stack, sized to the
 * largest program this thread ran. */
struct vm_tls {
	uint32_t	*sparse[2], *dense[2], *stack;
	size_t		 cap;
};

static _Thread_local struct vm_tls	*vm_tls;
static pthread_key_t			 vm_tls_key;
static pthread_once_t			 vm_tls_once = PTHREAD_ONCE_INIT;

static void
vm_tls_free(void *v)
{
	struct vm_tls	*t = v;
	int		 i;

	if (t == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(t->sparse[i]);
		free(t->dense[i]);
	}
	free(t->stack);
	free(t);
}

static void
vm_tls_key_init(void)
{
	if (pthread_key_create(&vm_tls_key, vm_tls_free) != 0)
		abort();
}

static struct vm_tls *
vm_tls_get(size_t n)
{
	struct vm_tls	*t = vm_tls;
	int		 i;

	if (t == NULL) {
		pthread_once(&vm_tls_once, vm_tls_key_init);
		t = xcalloc(1, sizeof(*t));
		vm_tls = t;
		pthread_setspecific(vm_tls_key, t);
	}
	if (t->cap < n) {
		for (i = 0; i < 2; i++) {
			free(t->sparse[i]);
			free(t->dense[i]);
			t->sparse[i] = xcalloc(n, sizeof(uint32_t));
			t->dense[i] = xcalloc(n, sizeof(uint32_t));
		}
		free(t->stack);
		t->stack = xcalloc(2 * n + 1, sizeof(uint32_t));
		t->cap = n;
	}
	return t;
}

void
regex_vm_thread_cleanup(void)
{
	vm_tls_free(vm_tls);
	vm_tls = NULL;
	if (pthread_once(&vm_tls_once, vm_tls_key_init) == 0)
		pthread_setspecific(vm_tls_key, NULL);
}

struct vset {
	uint32_t	*sparse, *dense;
	size_t		 n;
};

static bool
is_word(int32_t r)
{
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') ||
	    (r >= 'A' && r <= 'Z') || r == '_';
}

/* syntax.EmptyOpContext: what holds between runes r1 and r2 (-1: edge). */
static unsigned
ew_context(int32_t r1, int32_t r2)
{
	unsigned	op = 0;

	if (r1 < 0)
		op |= EW_BOT | EW_BOL;
	if (r1 == '\n')
		op |= EW_BOL;
	if (r2 < 0)
		op |= EW_EOT | EW_EOL;
	if (r2 == '\n')
		op |= EW_EOL;
	op |= is_word(r1) != is_word(r2) ? EW_WORDB : EW_NWORDB;
	return op;
}

/* Adds pc and everything reachable without input; true at a match. */
static bool
vm_add(const struct regex_vm *vm, struct vset *l, uint32_t *stack,
    uint32_t pc, unsigned ctx)
{
	const struct vinst	*in;
	size_t			 sp = 0;

	stack[sp++] = pc;
	while (sp > 0) {
		pc = stack[--sp];
		if (pc == 0 || (l->sparse[pc] < l->n &&
		    l->dense[l->sparse[pc]] == pc))
			continue;
		l->sparse[pc] = (uint32_t)l->n;
		l->dense[l->n++] = pc;
		in = &vm->prog[pc];
		switch (in->op) {
		case V_MATCH:
			return true;
		case V_JMP:
			stack[sp++] = in->out;
			break;
		case V_SPLIT:
			stack[sp++] = in->out1;
			stack[sp++] = in->out;
			break;
		case V_EMPTY:
			if ((ctx & in->arg) == in->arg)
				stack[sp++] = in->out;
			break;
		default:
			break;
		}
	}
	return false;
}

static int32_t
rune_at(const char *s, size_t len, size_t pos, size_t *w)
{
	uint32_t	r;
	int		n;

	if (pos >= len) {
		*w = 0;
		return -1;
	}
	n = utf8_decode((const unsigned char *)s + pos, len - pos, &r);
	*w = n < 0 ? 1 : (size_t)n;
	return (int32_t)r;
}

bool
regex_vm_match(const struct regex_vm *vm, const char *s, size_t len)
{
	struct vm_tls	*t;
	struct vset	 cl, nl, tmp;
	const struct vinst *in;
	size_t		 pos = 0, w, nw, i;
	int32_t		 cur, next;

	if (vm->start == 0)
		return false;
	t = vm_tls_get(vm->n);
	cl = (struct vset){ t->sparse[0], t->dense[0], 0 };
	nl = (struct vset){ t->sparse[1], t->dense[1], 0 };
	cur = rune_at(s, len, 0, &w);
	if (vm_add(vm, &cl, t->stack, vm->start, ew_context(-1, cur)))
		return true;
	while (cur >= 0 && cl.n + !vm->anchored > 0) {
		next = rune_at(s, len, pos + w, &nw);
		nl.n = 0;
		for (i = 0; i < cl.n; i++) {
			in = &vm->prog[cl.dense[i]];
			if (inst_takes(vm, in, (uint32_t)cur) && vm_add(vm, &nl,
			    t->stack, in->out, ew_context(cur, next)))
				return true;
		}
		if (!vm->anchored && vm_add(vm, &nl, t->stack, vm->start,
		    ew_context(cur, next)))
			return true;
		pos += w;
		w = nw;
		cur = next;
		tmp = cl;
		cl = nl;
		nl = tmp;
	}
	return false;
}
