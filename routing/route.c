/*
 * The routing tree: Alertmanager 0.25's dispatch.NewRoute, Route.Match,
 * Route.Key and (0.26+) Route.ID, and the group labels and group key of
 * dispatch.go.  Keys are computed once at build time, so the dispatcher
 * never formats them per alert.
 *
 * Quirks kept on purpose: `group_by: []` inherits (Go sees a nil slice),
 * time intervals are not inherited, and Key() is not unique (two siblings
 * with the same matchers share it; ID() adds the position).
 */
#include "routing/route.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"
#include "routing/matcher.h"

struct route_tree {
	struct route	 *root;
	struct route	**walk;		/* every route, in Walk() order */
	size_t		  n;
};

static int
matcherp_cmp(const void *x, const void *y)
{
	return matcher_cmp(*(const struct matcher *const *)x,
	    *(const struct matcher *const *)y);
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * A timing: the route's own when set, else the parent's; an unset root
 * takes the value the loader filled in, or Alertmanager's default.
 */
static ad_dur_t
inherit_dur(bool set, ad_dur_t own, bool has_parent, ad_dur_t inherited)
{
	if (set)
		return own;
	if (has_parent || own == 0)
		return inherited;
	return own;
}

static void
route_set_opts(struct route *r, const struct config_route *cr,
    const struct route *parent)
{
	size_t	i;

	if (parent != NULL) {
		r->receiver = parent->receiver;
		r->group_by_all = parent->group_by_all;
		r->group_wait = parent->group_wait;
		r->group_interval = parent->group_interval;
		r->repeat_interval = parent->repeat_interval;
	} else {
		r->receiver = "";
		r->group_wait = ROUTE_DEFAULT_GROUP_WAIT;
		r->group_interval = ROUTE_DEFAULT_GROUP_INTERVAL;
		r->repeat_interval = ROUTE_DEFAULT_REPEAT_INTERVAL;
	}
	if (cr->receiver != NULL && cr->receiver[0] != '\0')
		r->receiver = cr->receiver;
	/*
	 * A non-empty group_by of its own replaces the parent's (and '...');
	 * `group_by: []` is no list at all for Go, so it inherits.  The
	 * loader may have copied the parent's list into cr already: only
	 * group_by_set says the list is the route's own.
	 */
	if (cr->group_by_set && cr->n_group_by > 0) {
		r->n_group_by = cr->n_group_by;
		r->group_by = xcalloc(cr->n_group_by, sizeof(*r->group_by));
		for (i = 0; i < cr->n_group_by; i++)
			r->group_by[i] = cr->group_by[i];
		qsort(r->group_by, r->n_group_by, sizeof(*r->group_by),
		    str_cmp);
		r->group_by_all = false;
	} else {
		if (parent != NULL && parent->n_group_by > 0) {
			r->n_group_by = parent->n_group_by;
			r->group_by = xmemdup(parent->group_by,
			    parent->n_group_by * sizeof(*r->group_by));
		}
		if (cr->group_by_all)
			r->group_by_all = true;
	}
	r->group_wait = inherit_dur(cr->group_wait_set, cr->group_wait,
	    parent != NULL, r->group_wait);
	r->group_interval = inherit_dur(cr->group_interval_set,
	    cr->group_interval, parent != NULL, r->group_interval);
	r->repeat_interval = inherit_dur(cr->repeat_interval_set,
	    cr->repeat_interval, parent != NULL, r->repeat_interval);
	r->mute_time_intervals = cr->mute_time_intervals;
	r->n_mute_time_intervals = cr->n_mute_time_intervals;
	r->active_time_intervals = cr->active_time_intervals;
	r->n_active_time_intervals = cr->n_active_time_intervals;
}

static void
route_set_keys(struct route *r)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, BUF_NOCAP);
	if (r->parent != NULL) {
		buf_addstr(&b, r->parent->key);
		buf_addch(&b, '/');
	}
	buf_addch(&b, '{');
	for (i = 0; i < r->n_matchers; i++) {
		if (i > 0)
			buf_addch(&b, ',');
		matcher_string(r->matchers[i], &b);
	}
	buf_addch(&b, '}');
	r->key = xstrdup(buf_str(&b));
	if (r->parent != NULL)
		buf_addf(&b, "/%zu", r->sibling);
	r->id = buf_detach(&b, NULL);
}

static struct route *
route_new(struct route_tree *t, const struct config_route *cr,
    const struct route *parent, size_t sibling)
{
	struct route	*r;
	size_t		 i;

	r = xcalloc(1, sizeof(*r));
	r->parent = parent;
	r->cr = cr;
	r->sibling = sibling;
	r->continue_ = cr->continue_;
	r->n_matchers = cr->matchers.n;
	r->matchers = xcalloc(r->n_matchers + 1, sizeof(*r->matchers));
	for (i = 0; i < r->n_matchers; i++)
		r->matchers[i] = cr->matchers.v[i];
	qsort(r->matchers, r->n_matchers, sizeof(*r->matchers), matcherp_cmp);
	route_set_opts(r, cr, parent);
	route_set_keys(r);
	r->idx = t->n;
	t->walk = xreallocarray(t->walk, t->n + 1, sizeof(*t->walk));
	t->walk[t->n++] = r;
	r->n_routes = cr->n_routes;
	r->routes = xcalloc(cr->n_routes + 1, sizeof(*r->routes));
	for (i = 0; i < cr->n_routes; i++)
		r->routes[i] = route_new(t, cr->routes[i], r, i);
	return r;
}

struct route_tree *
route_tree_new(const struct config_route *root)
{
	struct route_tree	*t;

	t = xcalloc(1, sizeof(*t));
	t->root = route_new(t, root, NULL, 0);
	return t;
}

struct route_tree *
route_build(const struct config *cfg)
{
	return route_tree_new(cfg->route);
}

void
route_tree_free(struct route_tree *t)
{
	struct route	*r;
	size_t		 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		r = t->walk[i];
		free(r->routes);
		free(r->matchers);
		free(r->group_by);
		free(r->key);
		free(r->id);
		free(r);
	}
	free(t->walk);
	free(t);
}

const struct route *
route_tree_root(const struct route_tree *t)
{
	return t->root;
}

size_t
route_tree_len(const struct route_tree *t)
{
	return t->n;
}

const struct route *
route_tree_get(const struct route_tree *t, size_t idx)
{
	return idx < t->n ? t->walk[idx] : NULL;
}

bool
route_matches(const struct route *r, const struct labels *ls)
{
	size_t	i;

	for (i = 0; i < r->n_matchers; i++)
		if (!matcher_matches(r->matchers[i],
		    labels_get(ls, matcher_name(r->matchers[i]))))
			return false;
	return true;
}

static size_t
match_rec(const struct route *r, const struct labels *ls,
    const struct route **out)
{
	size_t	i, n = 0, k;

	if (!route_matches(r, ls))
		return 0;
	for (i = 0; i < r->n_routes; i++) {
		k = match_rec(r->routes[i], ls, out + n);
		n += k;
		if (k > 0 && !r->routes[i]->continue_)
			break;
	}
	if (n == 0)
		out[n++] = r;
	return n;
}

size_t
route_match(const struct route_tree *t, const struct labels *ls,
    const struct route **out)
{
	return match_rec(t->root, ls, out);
}

size_t
route_receivers(const struct route_tree *t, const struct labels *ls,
    const char **out)
{
	const struct route	**rs;
	size_t			  i, n;

	rs = xcalloc(t->n, sizeof(*rs));
	n = route_match(t, ls, rs);
	for (i = 0; i < n; i++)
		out[i] = rs[i]->receiver;
	free(rs);
	return n;
}

struct labels *
route_group_labels(const struct route *r, struct labels *ls)
{
	if (r->group_by_all)
		return labels_ref(ls);
	return labels_only(ls, r->group_by, r->n_group_by);
}

static uint64_t
fp_add_pair(uint64_t h, const char *name, const char *value)
{
	static const unsigned char sep = 0xff;

	h = fnv1a64_add(h, name, strlen(name));
	h = fnv1a64_add(h, &sep, 1);
	h = fnv1a64_add(h, value, strlen(value));
	return fnv1a64_add(h, &sep, 1);
}

uint64_t
route_group_fp(const struct route *r, const struct labels *ls)
{
	uint64_t	h = FNV1A64_INIT;
	uint32_t	i = 0;
	size_t		j = 0;
	int		c;

	if (r->group_by_all)
		return labels_fingerprint(ls);
	/* Both are sorted by name: walk them together. */
	while (i < labels_len(ls) && j < r->n_group_by) {
		c = strcmp(labels_name(ls, i), r->group_by[j]);
		if (c == 0)
			h = fp_add_pair(h, labels_name(ls, i),
			    labels_value(ls, i));
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	return h;
}

int
route_group_key(const struct route *r, const struct labels *group_labels,
    struct buf *out)
{
	if (buf_addstr(out, r->key) == -1 || buf_addch(out, ':') == -1)
		return -1;
	return labels_string(group_labels, out);
}
