/*
 * The Go values templates see, as reflect sees them: type descriptors
 * (names as reflect.Type.String(), for %T and error texts), Go's
 * assignability and truth rules, and the methods of Alertmanager's
 * template types (KV.SortedPairs, KV.Remove, Alerts.Firing, ...).
 *
 * Kept on purpose (Alertmanager 0.25): KV and Pairs are not Stringers, so
 * {{ .Labels }} prints map[a:b].  Their String() methods (Alertmanager
 * 0.26+) can still be called explicitly: {{ .Labels.String }}.
 */
#include "templates/tmpl_priv.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"

static int	kv_sorted_pairs(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	kv_remove(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	kv_names(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	kv_values(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	kv_string(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	pairs_names(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	pairs_values(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	pairs_string(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	alerts_firing(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);
static int	alerts_resolved(struct xstate *, const struct tval *,
		    struct tval *, size_t, struct tval *);

static const struct ttype tt_pair_slice, tt_map_ss;

#define M0(n, f, res)	{ .name = n, .fn = f, .nout = 1 }
static const struct tfunc kv_methods[] = {
	M0("Names", kv_names, &tt_string_slice),
	{ .name = "Remove", .fn = kv_remove, .params = { &tt_string_slice },
	    .nparams = 1, .nout = 1 },
	M0("SortedPairs", kv_sorted_pairs, &tt_pairs),
	M0("String", kv_string, &tt_string),
	M0("Values", kv_values, &tt_string_slice),
	{ .name = NULL }
};

static const struct tfunc pairs_methods[] = {
	M0("Names", pairs_names, &tt_string_slice),
	M0("String", pairs_string, &tt_string),
	M0("Values", pairs_values, &tt_string_slice),
	{ .name = NULL }
};

static const struct tfunc alerts_methods[] = {
	M0("Firing", alerts_firing, &tt_alert_slice),
	M0("Resolved", alerts_resolved, &tt_alert_slice),
	{ .name = NULL }
};

static const char *const data_fields[] = { "Receiver", "Status", "Alerts",
	"GroupLabels", "CommonLabels", "CommonAnnotations", "ExternalURL",
	NULL };
static const struct ttype *const data_ftypes[] = { &tt_string, &tt_string,
	&tt_alerts, &tt_kv, &tt_kv, &tt_kv, &tt_string };
static const char *const alert_fields[] = { "Status", "Labels",
	"Annotations", "StartsAt", "EndsAt", "GeneratorURL", "Fingerprint",
	NULL };
static const struct ttype *const alert_ftypes[] = { &tt_string, &tt_kv,
	&tt_kv, &tt_time, &tt_time, &tt_string, &tt_string };
static const char *const pair_fields[] = { "Name", "Value", NULL };
static const struct ttype *const pair_ftypes[] = { &tt_string, &tt_string };

#define BASIC(var, nm, k, b)	const struct ttype var = { .name = nm, \
	.kind = k, .under = &var, .named = true, .bits = b }

BASIC(tt_bool, "bool", TK_BOOL, 0);
BASIC(tt_int, "int", TK_INT, 64);
BASIC(tt_int64, "int64", TK_INT, 64);
BASIC(tt_uint8, "uint8", TK_UINT, 8);
BASIC(tt_float64, "float64", TK_FLOAT, 64);
BASIC(tt_complex128, "complex128", TK_COMPLEX, 128);
BASIC(tt_string, "string", TK_STRING, 0);

const struct ttype tt_html = { .name = "template.HTML", .kind = TK_STRING,
	.under = &tt_string, .named = true };
const struct ttype tt_url = { .name = "template.URL", .kind = TK_STRING,
	.under = &tt_string, .named = true };
const struct ttype tt_duration = { .name = "time.Duration", .kind = TK_INT,
	.under = &tt_int64, .named = true, .stringer = true, .bits = 64,
	.methods = tm_duration_methods };
const struct ttype tt_month = { .name = "time.Month", .kind = TK_INT,
	.under = &tt_int, .named = true, .stringer = true, .bits = 64,
	.methods = tm_month_methods };
const struct ttype tt_weekday = { .name = "time.Weekday", .kind = TK_INT,
	.under = &tt_int, .named = true, .stringer = true, .bits = 64,
	.methods = tm_weekday_methods };
const struct ttype tt_time = { .name = "time.Time", .kind = TK_STRUCT,
	.under = &tt_time, .named = true, .stringer = true,
	.methods = tm_time_methods };
const struct ttype tt_location = { .name = "*time.Location", .kind = TK_PTR,
	.under = &tt_location, .stringer = true,
	.methods = tm_location_methods };
const struct ttype tt_data = { .name = "template.Data", .kind = TK_STRUCT,
	.under = &tt_data, .named = true, .fields = data_fields,
	.ftypes = data_ftypes };
const struct ttype tt_data_ptr = { .name = "*template.Data", .kind = TK_PTR,
	.elem = &tt_data, .under = &tt_data_ptr };
const struct ttype tt_alert = { .name = "template.Alert", .kind = TK_STRUCT,
	.under = &tt_alert, .named = true, .fields = alert_fields,
	.ftypes = alert_ftypes };
const struct ttype tt_alert_slice = { .name = "[]template.Alert",
	.kind = TK_SLICE, .elem = &tt_alert, .under = &tt_alert_slice };
const struct ttype tt_alerts = { .name = "template.Alerts", .kind = TK_SLICE,
	.elem = &tt_alert, .under = &tt_alert_slice, .named = true,
	.methods = alerts_methods };
const struct ttype tt_pair = { .name = "template.Pair", .kind = TK_STRUCT,
	.under = &tt_pair, .named = true, .fields = pair_fields,
	.ftypes = pair_ftypes };
static const struct ttype tt_pair_slice = { .name = "[]template.Pair",
	.kind = TK_SLICE, .elem = &tt_pair, .under = &tt_pair_slice };
const struct ttype tt_pairs = { .name = "template.Pairs", .kind = TK_SLICE,
	.elem = &tt_pair, .under = &tt_pair_slice, .named = true,
	.methods = pairs_methods };
static const struct ttype tt_map_ss = { .name = "map[string]string",
	.kind = TK_MAP, .elem = &tt_string, .under = &tt_map_ss };
const struct ttype tt_kv = { .name = "template.KV", .kind = TK_MAP,
	.elem = &tt_string, .under = &tt_map_ss, .named = true,
	.methods = kv_methods };
const struct ttype tt_string_slice = { .name = "[]string", .kind = TK_SLICE,
	.elem = &tt_string, .under = &tt_string_slice };
const struct ttype tt_any = { .name = "interface {}", .kind = TK_IFACE,
	.under = &tt_any };
const struct ttype tt_any_slice = { .name = "[]interface {}",
	.kind = TK_SLICE, .elem = &tt_any, .under = &tt_any_slice };
const struct ttype tt_any_map = { .name = "map[string]interface {}",
	.kind = TK_MAP, .elem = &tt_any, .under = &tt_any_map };
const struct ttype tt_rvalue = { .name = "reflect.Value",
	.kind = TK_RVALUE, .under = &tt_rvalue, .named = true };

/* ------------------------------------------------------ generic ops --- */

struct tval
tv_zero(const struct ttype *t, struct tarena *a)
{
	struct tval	 v = { .t = t };
	struct tval	*f;
	size_t		 i, n;

	if (t == &tt_time) {
		v.u.tm = &gtime_zero;
	} else if (t == &tt_location) {
		v.u.loc = NULL;		/* a nil *time.Location */
	} else if (t->kind == TK_STRUCT && t->fields != NULL) {
		for (n = 0; t->fields[n] != NULL; n++)
			;
		f = a != NULL ? tarena_alloc(a, sizeof(*f) * n) : NULL;
		if (f == NULL)
			return (struct tval){ .t = NULL };
		for (i = 0; i < n; i++)
			f[i] = tv_zero(t->ftypes[i], a);
		v.u.fv = f;
	} else if (t->kind == TK_STRING) {
		v.u.s.p = "";
	}
	return v;
}

size_t
tv_len(const struct tval *v)
{
	switch (v->t->kind) {
	case TK_STRING:
		return v->u.s.n;
	case TK_SLICE:
		return v->u.sl != NULL ? v->u.sl->n : 0;
	case TK_MAP:
		return v->u.m != NULL ? v->u.m->n : 0;
	default:
		return 0;
	}
}

bool
tv_isnil(const struct tval *v)
{
	if (v->t == NULL)
		return true;
	switch (v->t->kind) {
	case TK_SLICE:
		return v->u.sl == NULL;
	case TK_MAP:
		return v->u.m == NULL;
	case TK_IFACE:
		return true;		/* only nil interfaces are boxed */
	case TK_PTR:
		return v->u.fv == NULL && v->u.loc == NULL;
	default:
		return false;
	}
}

bool
tv_truth(const struct tval *v, bool *ok)
{
	*ok = true;
	if (v->t == NULL)
		return false;
	switch (v->t->kind) {
	case TK_STRING:
	case TK_SLICE:
	case TK_MAP:
		return tv_len(v) > 0;
	case TK_BOOL:
		return v->u.b;
	case TK_COMPLEX:
		return v->u.c.re != 0 || v->u.c.im != 0;
	case TK_PTR:
	case TK_IFACE:
		return !tv_isnil(v);
	case TK_INT:
		return v->u.i != 0;
	case TK_FLOAT:
		return v->u.f != 0;
	case TK_UINT:
		return v->u.u != 0;
	case TK_STRUCT:
		return true;
	default:
		*ok = false;
		return false;
	}
}

bool
tv_assignable(const struct ttype *from, const struct ttype *to)
{
	if (from == to || to->kind == TK_IFACE)
		return true;
	return (!from->named || !to->named) && from->under == to->under;
}

bool
tt_can_be_nil(const struct ttype *t)
{
	switch (t->kind) {
	case TK_MAP:
	case TK_PTR:
	case TK_SLICE:
	case TK_IFACE:
	case TK_RVALUE:
		return true;
	default:
		return false;
	}
}

static int
strcmp_n(const char *a, size_t an, const char *b, size_t bn)
{
	int	c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

const struct tval *
tmap_get(const struct tmap *m, const char *k, size_t n)
{
	size_t	lo = 0, hi;

	if (m == NULL)
		return NULL;
	hi = m->n;
	while (lo < hi) {
		size_t	mid = (lo + hi) / 2;
		int	c = strcmp_n(m->e[mid].k.p, m->e[mid].k.n, k, n);

		if (c == 0)
			return &m->e[mid].v;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct tslice *
tslice_new(struct tarena *a, size_t n)
{
	struct tslice	*s;

	s = tarena_alloc(a, sizeof(*s) + sizeof(s->v[0]) * n);
	if (s != NULL)
		s->n = n;
	return s;
}

struct tmap *
tmap_new(struct tarena *a, size_t n)
{
	struct tmap	*m;

	m = tarena_alloc(a, sizeof(*m) + sizeof(m->e[0]) * n);
	if (m != NULL)
		m->n = n;
	return m;
}

static int
ent_cmp(const void *x, const void *y)
{
	const struct tmap_ent	*a = x, *b = y;
	int			 c;

	c = strcmp_n(a->k.p, a->k.n, b->k.p, b->k.n);
	if (c != 0)
		return c;
	/* Stable: keep insertion order among equal keys. */
	return a < b ? -1 : a > b;
}

size_t
tmap_sort(struct tmap_ent *e, size_t n)
{
	size_t	i, o = 0;

	qsort(e, n, sizeof(*e), ent_cmp);
	for (i = 0; i < n; i++) {
		if (o > 0 && strcmp_n(e[o - 1].k.p, e[o - 1].k.n, e[i].k.p,
		    e[i].k.n) == 0)
			e[o - 1] = e[i];	/* the later value wins */
		else
			e[o++] = e[i];
	}
	return o;
}

const struct tval *
tv_fields(const struct tval *v)
{
	return v->u.fv;
}

const struct tfunc *
tt_method(const struct ttype *t, const char *name, size_t n)
{
	const struct tfunc	*m;

	if (t == NULL || t->methods == NULL)
		return NULL;
	for (m = t->methods; m->name != NULL; m++) {
		if (strlen(m->name) == n && memcmp(m->name, name, n) == 0)
			return m;
	}
	return NULL;
}

/* ------------------------------------------------------- KV methods --- */

/* SortedPairs' key order: alertname first, then sorted. */
static void
kv_order(const struct tmap *m, size_t *order)
{
	size_t	i, k = 0, an = (size_t)-1;

	for (i = 0; m != NULL && i < m->n; i++) {
		if (m->e[i].k.n == 9 &&
		    memcmp(m->e[i].k.p, "alertname", 9) == 0)
			an = i;
	}
	if (an != (size_t)-1)
		order[k++] = an;
	for (i = 0; m != NULL && i < m->n; i++) {
		if (i != an)
			order[k++] = i;
	}
}

static struct tslice *
kv_pairs(struct tarena *a, const struct tmap *m)
{
	size_t		 n = m != NULL ? m->n : 0, i, *order;
	struct tslice	*s;
	struct tval	*f;

	order = n > 0 ? tarena_alloc(a, sizeof(*order) * n) : NULL;
	s = tslice_new(a, n);
	f = n > 0 ? tarena_alloc(a, sizeof(*f) * 2 * n) : NULL;
	if (s == NULL || (n > 0 && (order == NULL || f == NULL)))
		return NULL;
	kv_order(m, order);
	for (i = 0; i < n; i++) {
		const struct tmap_ent *e = &m->e[order[i]];

		f[2 * i] = tv_str(&tt_string, e->k.p, e->k.n);
		f[2 * i + 1] = e->v;
		s->v[i].t = &tt_pair;
		s->v[i].u.fv = &f[2 * i];
	}
	return s;
}

static int
kv_sorted_pairs(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	(void)argv;
	(void)argc;
	out->t = &tt_pairs;
	out->u.sl = kv_pairs(xarena(x), recv->u.m);
	return out->u.sl == NULL ? xoom(x) : 0;
}

static bool
in_slice(const struct tslice *s, const struct tstr *k)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->n; i++) {
		if (s->v[i].u.s.n == k->n && memcmp(s->v[i].u.s.p, k->p,
		    k->n) == 0)
			return true;
	}
	return false;
}

static int
kv_remove(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	const struct tmap	*m = recv->u.m;
	struct tmap		*r;
	size_t			 i, n = 0;

	(void)argc;
	r = tmap_new(xarena(x), m != NULL ? m->n : 0);
	if (r == NULL)
		return xoom(x);
	for (i = 0; m != NULL && i < m->n; i++) {
		if (!in_slice(argv[0].u.sl, &m->e[i].k))
			r->e[n++] = m->e[i];
	}
	r->n = n;
	out->t = &tt_kv;
	out->u.m = r;
	return 0;
}

static int
pairs_column(struct xstate *x, const struct tslice *ps, int col,
    struct tval *out)
{
	size_t		 n = ps != NULL ? ps->n : 0, i;
	struct tslice	*s = tslice_new(xarena(x), n);

	if (s == NULL)
		return xoom(x);
	for (i = 0; i < n; i++)
		s->v[i] = ps->v[i].u.fv[col];
	out->t = &tt_string_slice;
	out->u.sl = s;
	return 0;
}

static int
kv_names(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	struct tslice	*ps = kv_pairs(xarena(x), recv->u.m);

	(void)argv;
	(void)argc;
	return ps == NULL ? xoom(x) : pairs_column(x, ps, TP_NAME, out);
}

static int
kv_values(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	struct tslice	*ps = kv_pairs(xarena(x), recv->u.m);

	(void)argv;
	(void)argc;
	return ps == NULL ? xoom(x) : pairs_column(x, ps, TP_VALUE, out);
}

static int
pairs_names(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	(void)argv;
	(void)argc;
	return pairs_column(x, recv->u.sl, TP_NAME, out);
}

static int
pairs_values(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	(void)argv;
	(void)argc;
	return pairs_column(x, recv->u.sl, TP_VALUE, out);
}

/* Pairs.String (Alertmanager 0.26+): "a=1, b=2". */
static int
pairs_string(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	const struct tslice	*ps = recv->u.sl;
	struct buf		 b;
	size_t			 i;
	int			 rc = 0;

	(void)argv;
	(void)argc;
	xbuf_init(x, &b);
	for (i = 0; ps != NULL && i < ps->n; i++) {
		const struct tval *f = ps->v[i].u.fv;

		if (i > 0)
			rc |= buf_addstr(&b, ", ");
		rc |= buf_add(&b, f[0].u.s.p, f[0].u.s.n);
		rc |= buf_addch(&b, '=');
		rc |= buf_add(&b, f[1].u.s.p, f[1].u.s.n);
	}
	if (rc != 0) {
		buf_release(&b);
		return xoom(x);
	}
	return xbuf_finish(x, &b, &tt_string, out);
}

static int
kv_string(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	struct tval	ps;

	if (kv_sorted_pairs(x, recv, argv, argc, &ps) != 0)
		return -1;
	return pairs_string(x, &ps, argv, argc, out);
}

static int
alerts_filter(struct xstate *x, const struct tslice *as, const char *status,
    struct tval *out)
{
	size_t		 n = as != NULL ? as->n : 0, i, k = 0;
	size_t		 sl = strlen(status);
	struct tslice	*s = tslice_new(xarena(x), n);

	if (s == NULL)
		return xoom(x);
	for (i = 0; i < n; i++) {
		const struct tval *st = &as->v[i].u.fv[TA_STATUS];

		if (st->u.s.n == sl && memcmp(st->u.s.p, status, sl) == 0)
			s->v[k++] = as->v[i];
	}
	s->n = k;
	out->t = &tt_alert_slice;
	out->u.sl = s;
	return 0;
}

static int
alerts_firing(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	(void)argv;
	(void)argc;
	return alerts_filter(x, recv->u.sl, "firing", out);
}

static int
alerts_resolved(struct xstate *x, const struct tval *recv, struct tval *argv,
    size_t argc, struct tval *out)
{
	(void)argv;
	(void)argc;
	return alerts_filter(x, recv->u.sl, "resolved", out);
}
