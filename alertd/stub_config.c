/*
 * TEMPORARY STUB of config/config.h until branch `config` lands on main;
 * delete this file then.  Reads only what the API needs from an
 * alertmanager.yml: global.resolve_timeout, the route tree (receiver,
 * match, match_re, matchers, continue, routes) and the receiver names.
 * YAML errors, unknown top-level keys and undefined receivers fail the
 * load.  config_dump_yaml returns the file as written.
 */
#include "config/config.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

struct ld {
	yaml_document_t	*doc;
	const char	*name;
	struct ad_errs	*errs;
};

static yaml_node_t *
node(struct ld *l, int i)
{
	return yaml_document_get_node(l->doc, i);
}

static const char *
scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

static void
err_at(struct ld *l, yaml_node_t *n, const char *fmt, const char *arg)
{
	char	where[96];

	snprintf(where, sizeof(where), "%s:%zu:%zu", l->name,
	    n->start_mark.line + 1, n->start_mark.column + 1);
	ad_errs_addf(l->errs, AD_EINVAL, where, fmt, arg);
}

static void
route_free(struct config_route *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_routes; i++)
		route_free(r->routes[i]);
	free(r->routes);
	matchers_release(&r->matchers);
	free(r->receiver);
	free(r);
}

static void
add_match(struct ld *l, struct config_route *r, yaml_node_t *m,
    enum matcher_type t)
{
	yaml_node_pair_t	*p;
	struct matcher		*mt;
	struct ad_err		 e;

	if (m->type != YAML_MAPPING_NODE)
		return;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	    p++) {
		mt = matcher_new(t, scalar(node(l, p->key)) ?: "",
		    scalar(node(l, p->value)) ?: "", &e);
		if (mt == NULL)
			err_at(l, node(l, p->value), "%s", e.msg);
		else
			matchers_add(&r->matchers, mt);
	}
}

static void
add_matchers(struct ld *l, struct config_route *r, yaml_node_t *m)
{
	yaml_node_item_t	*it;
	struct ad_err		 e;

	if (m->type != YAML_SEQUENCE_NODE)
		return;
	for (it = m->data.sequence.items.start;
	    it < m->data.sequence.items.top; it++)
		if (matchers_parse(scalar(node(l, *it)) ?: "", &r->matchers,
		    &e) == -1)
			err_at(l, node(l, *it), "%s", e.msg);
}

static struct config_route *
route_load(struct ld *l, yaml_node_t *n, const struct config_route *parent)
{
	struct config_route	*r = xcalloc(1, sizeof(*r));
	yaml_node_pair_t	*p;
	yaml_node_item_t	*it;
	yaml_node_t		*v;
	const char		*k;

	matchers_init(&r->matchers);
	r->line = (int)n->start_mark.line + 1;
	for (p = n->data.mapping.pairs.start; n->type == YAML_MAPPING_NODE &&
	    p < n->data.mapping.pairs.top; p++) {
		k = scalar(node(l, p->key)) ?: "";
		v = node(l, p->value);
		if (strcmp(k, "receiver") == 0 && scalar(v) != NULL)
			r->receiver = xstrdup(scalar(v));
		else if (strcmp(k, "continue") == 0)
			r->continue_ = scalar(v) && strcmp(scalar(v), "true") == 0;
		else if (strcmp(k, "match") == 0)
			add_match(l, r, v, MATCH_EQ);
		else if (strcmp(k, "match_re") == 0)
			add_match(l, r, v, MATCH_RE);
		else if (strcmp(k, "matchers") == 0)
			add_matchers(l, r, v);
		else if (strcmp(k, "routes") == 0 &&
		    v->type == YAML_SEQUENCE_NODE)
			for (it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				r->routes = xreallocarray(r->routes,
				    r->n_routes + 1, sizeof(*r->routes));
				r->routes[r->n_routes++] =
				    route_load(l, node(l, *it), r);
			}
	}
	if (r->receiver == NULL && parent != NULL && parent->receiver != NULL)
		r->receiver = xstrdup(parent->receiver);
	matchers_sort(&r->matchers);
	return r;
}

static void
receivers_load(struct ld *l, struct config *c, yaml_node_t *n)
{
	yaml_node_item_t	*it;
	yaml_node_pair_t	*p;
	yaml_node_t		*rn;

	if (n->type != YAML_SEQUENCE_NODE)
		return;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		rn = node(l, *it);
		if (rn->type != YAML_MAPPING_NODE)
			continue;
		c->receivers = xreallocarray(c->receivers, c->n_receivers + 1,
		    sizeof(*c->receivers));
		memset(&c->receivers[c->n_receivers], 0,
		    sizeof(c->receivers[0]));
		for (p = rn->data.mapping.pairs.start;
		    p < rn->data.mapping.pairs.top; p++)
			if (strcmp(scalar(node(l, p->key)) ?: "", "name") == 0)
				c->receivers[c->n_receivers].name =
				    xstrdup(scalar(node(l, p->value)) ?: "");
		if (c->receivers[c->n_receivers].name == NULL)
			c->receivers[c->n_receivers].name = xstrdup("");
		c->n_receivers++;
	}
}

static void
global_load(struct ld *l, struct config *c, yaml_node_t *n)
{
	yaml_node_pair_t	*p;
	struct ad_err		 e;

	for (p = n->data.mapping.pairs.start; n->type == YAML_MAPPING_NODE &&
	    p < n->data.mapping.pairs.top; p++)
		if (strcmp(scalar(node(l, p->key)) ?: "", "resolve_timeout") ==
		    0 && dur_parse_prom(scalar(node(l, p->value)) ?: "",
		    &c->global.resolve_timeout, &e) == -1)
			err_at(l, node(l, p->value), "%s", e.msg);
}

static void
check_receivers(struct ld *l, struct config *c, struct config_route *r)
{
	size_t	i;

	if (r->receiver != NULL && config_receiver(c, r->receiver) == NULL)
		ad_errs_addf(l->errs, AD_EINVAL, l->name,
		    "undefined receiver \"%s\" used in route", r->receiver);
	for (i = 0; i < r->n_routes; i++)
		check_receivers(l, c, r->routes[i]);
}

static void
root_load(struct ld *l, struct config *c, yaml_node_t *root)
{
	static const char *const known[] = { "global", "route", "receivers",
	    "inhibit_rules", "templates", "time_intervals",
	    "mute_time_intervals", NULL };
	yaml_node_pair_t	*p;
	const char		*k;
	size_t			 i;

	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		k = scalar(node(l, p->key)) ?: "";
		for (i = 0; known[i] != NULL && strcmp(known[i], k) != 0; i++)
			;
		if (known[i] == NULL)
			err_at(l, node(l, p->key),
			    "field %s not found in type config.plain", k);
		else if (strcmp(k, "global") == 0)
			global_load(l, c, node(l, p->value));
		else if (strcmp(k, "receivers") == 0)
			receivers_load(l, c, node(l, p->value));
		else if (strcmp(k, "route") == 0)
			c->route = route_load(l, node(l, p->value), NULL);
	}
	if (c->route == NULL)
		ad_errs_addf(l->errs, AD_EINVAL, l->name,
		    "no route provided in config");
	else if (c->route->receiver == NULL)
		ad_errs_addf(l->errs, AD_EINVAL, l->name,
		    "root route must specify a default receiver");
	else
		check_receivers(l, c, c->route);
}

struct config *
config_load_bytes(const char *name, const char *data, size_t len,
    const char *base_dir, struct ad_errs *errs)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	yaml_node_t	*root;
	struct config	*c;
	struct ld	 l = { &doc, name, errs };
	size_t		 first = errs->n;

	(void)base_dir;
	c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->path = xstrdup(name);
	c->raw = xmemdup(data, len + 1);
	c->raw[len] = '\0';
	c->raw_len = len;
	c->global.resolve_timeout = 5 * AD_MIN;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ad_errs_addf(errs, AD_EINVAL, name, "yaml: line %zu: %s",
		    parser.problem_mark.line + 1, parser.problem ?: "error");
		yaml_parser_delete(&parser);
		config_unref(c);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE)
		ad_errs_addf(errs, AD_EINVAL, name, "no route provided in config");
	else
		root_load(&l, c, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (errs->n > first) {
		config_unref(c);
		return NULL;
	}
	return c;
}

struct config *
config_load(const char *path, struct ad_errs *errs)
{
	struct buf	 b;
	struct ad_err	 e;
	struct config	*c;
	char		*dir;

	buf_init(&b, 64 << 20);
	if (buf_read_file(&b, path, &e) == -1) {
		ad_errs_add(errs, &e);
		buf_release(&b);
		return NULL;
	}
	dir = xstrdup(path);
	c = config_load_bytes(path, buf_str(&b), buf_len(&b), dirname(dir),
	    errs);
	free(dir);
	buf_release(&b);
	return c;
}

struct config *
config_ref(struct config *c)
{
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	return c;
}

void
config_unref(struct config *c)
{
	size_t	i;

	if (c == NULL || atomic_fetch_sub_explicit(&c->refs, 1,
	    memory_order_acq_rel) != 1)
		return;
	route_free(c->route);
	for (i = 0; i < c->n_receivers; i++)
		free(c->receivers[i].name);
	free(c->receivers);
	free(c->path);
	free(c->raw);
	free(c);
}

const struct config_receiver *
config_receiver(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->n_receivers; i++)
		if (strcmp(c->receivers[i].name, name) == 0)
			return &c->receivers[i];
	return NULL;
}

const struct timeint *
config_time_interval(const struct config *c, const char *name)
{
	(void)c;
	(void)name;
	return NULL;
}

int
config_dump_yaml(const struct config *c, struct buf *out)
{
	return buf_add(out, c->raw, c->raw_len);
}

double
config_hash(const struct config *c)
{
	(void)c;
	return 0;
}
