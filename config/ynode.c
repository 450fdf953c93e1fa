/*
 * ynode: libyaml events into a node tree, the way gopkg.in/yaml.v2's
 * parser builds its nodes (decode.go: parser.parse).
 *
 * Kept on purpose from yaml.v2: only the first document is read; an
 * anchor may be redefined (later aliases see the newest one); an alias
 * to an unknown anchor fails with "unknown anchor 'x' referenced"; syntax
 * errors carry yaml.v2's "line N: " prefix rules (scanner errors count
 * lines from 1, parser errors from the problem mark).
 */
#include "config/ynode.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "alertd/err.h"
#include "alertd/xmalloc.h"

struct anchor {
	char		*name;
	struct ynode	*node;
};

struct ynode_doc {
	struct ynode	**all;		/* every node, for freeing */
	size_t		  n_all, alloc_all;
	struct ynode	 *root;
	struct anchor	 *anchors;
	size_t		  n_anchors, alloc_anchors;
};

struct yparser {
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	bool		 have_ev;
	struct ynode_doc *doc;
	struct ad_err	*err;
	int		 depth;
	/* Collections being read: an alias to one of them is a cycle. */
	struct ynode	*open[YNODE_MAX_DEPTH + 1];
};

static struct ynode	*yp_node(struct yparser *yp);

static int
yp_fail(struct yparser *yp)
{
	int	line = 0;

	if (yp->p.problem_mark.line != 0) {
		line = (int)yp->p.problem_mark.line;
		if (yp->p.error == YAML_SCANNER_ERROR)
			line++;
	} else if (yp->p.context_mark.line != 0)
		line = (int)yp->p.context_mark.line;
	if (yp->p.error == YAML_MEMORY_ERROR)
		return ad_err_set(yp->err, AD_EINVAL, "yaml: out of memory");
	if (line != 0)
		return ad_err_set(yp->err, AD_EINVAL, "yaml: line %d: %s", line,
		    yp->p.problem != NULL ? yp->p.problem :
		    "unknown problem parsing YAML content");
	return ad_err_set(yp->err, AD_EINVAL, "yaml: %s",
	    yp->p.problem != NULL ? yp->p.problem :
	    "unknown problem parsing YAML content");
}

/* Makes the next event current; -1 on a syntax error. */
static int
yp_peek(struct yparser *yp)
{
	if (yp->have_ev)
		return 0;
	if (!yaml_parser_parse(&yp->p, &yp->ev))
		return yp_fail(yp);
	yp->have_ev = true;
	return 0;
}

static void
yp_consume(struct yparser *yp)
{
	if (yp->have_ev)
		yaml_event_delete(&yp->ev);
	yp->have_ev = false;
}

static struct ynode *
yp_new(struct yparser *yp, enum ynode_kind kind)
{
	struct ynode_doc	*d = yp->doc;
	struct ynode		*n;

	if (d->n_all >= YNODE_MAX_NODES) {
		ad_err_set(yp->err, AD_ELIMIT, "yaml: document has more than "
		    "%d nodes", YNODE_MAX_NODES);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (int)yp->ev.start_mark.line + 1;
	n->col = (int)yp->ev.start_mark.column + 1;
	if (d->n_all == d->alloc_all) {
		d->alloc_all = d->alloc_all ? d->alloc_all * 2 : 64;
		d->all = xreallocarray(d->all, d->alloc_all, sizeof(*d->all));
	}
	d->all[d->n_all++] = n;
	return n;
}

static void
yp_add_child(struct ynode *parent, struct ynode *c, size_t *alloc)
{
	if (parent->n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		parent->child = xreallocarray(parent->child, *alloc,
		    sizeof(*parent->child));
	}
	parent->child[parent->n++] = c;
}

static void
yp_anchor(struct yparser *yp, struct ynode *n, const yaml_char_t *anchor)
{
	struct ynode_doc	*d = yp->doc;

	if (anchor == NULL)
		return;
	n->anchor = xstrdup((const char *)anchor);
	if (d->n_anchors == d->alloc_anchors) {
		d->alloc_anchors = d->alloc_anchors ? d->alloc_anchors * 2 : 8;
		d->anchors = xreallocarray(d->anchors, d->alloc_anchors,
		    sizeof(*d->anchors));
	}
	d->anchors[d->n_anchors].name = n->anchor;
	d->anchors[d->n_anchors].node = n;
	d->n_anchors++;
}

static struct ynode *
yp_lookup(struct ynode_doc *d, const char *name)
{
	size_t	i;

	for (i = d->n_anchors; i > 0; i--)	/* newest definition wins */
		if (strcmp(d->anchors[i - 1].name, name) == 0)
			return d->anchors[i - 1].node;
	return NULL;
}

static enum ynode_style
yp_scalar_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return YNODE_SINGLE;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return YNODE_DOUBLE;
	case YAML_LITERAL_SCALAR_STYLE:
		return YNODE_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return YNODE_FOLDED;
	default:
		return YNODE_PLAIN;
	}
}

static struct ynode *
yp_scalar(struct yparser *yp)
{
	yaml_event_t	*e = &yp->ev;
	struct ynode	*n;

	n = yp_new(yp, YNODE_SCALAR);
	if (n == NULL)
		return NULL;
	n->value = xmemdup(e->data.scalar.value, e->data.scalar.length + 1);
	n->len = e->data.scalar.length;
	n->style = yp_scalar_style(e->data.scalar.style);
	if (e->data.scalar.tag != NULL)
		n->tag = xstrdup((const char *)e->data.scalar.tag);
	n->implicit = e->data.scalar.plain_implicit;
	yp_anchor(yp, n, e->data.scalar.anchor);
	yp_consume(yp);
	return n;
}

static struct ynode *
yp_alias(struct yparser *yp)
{
	struct ynode	*n, *t;
	const char	*name = (const char *)yp->ev.data.alias.anchor;
	int		 i;

	t = yp_lookup(yp->doc, name);
	if (t == NULL) {
		ad_err_set(yp->err, AD_EINVAL,
		    "yaml: unknown anchor '%s' referenced", name);
		return NULL;
	}
	/* `&a [*a]`: yaml.v2 fails when it decodes it; the tree stays a
	 * DAG here. */
	for (i = 0; i < yp->depth; i++)
		if (yp->open[i] == t) {
			ad_err_set(yp->err, AD_EINVAL, "yaml: anchor '%s' value "
			    "contains itself", name);
			return NULL;
		}
	n = yp_new(yp, YNODE_ALIAS);
	if (n == NULL)
		return NULL;
	n->value = xstrdup(name);
	n->len = strlen(name);
	n->target = t;
	yp_consume(yp);
	return n;
}

/* Sequence or mapping: children until the matching end event. */
static struct ynode *
yp_collection(struct yparser *yp, bool map)
{
	yaml_event_type_t	 end = map ? YAML_MAPPING_END_EVENT :
				    YAML_SEQUENCE_END_EVENT;
	struct ynode		*n, *c;
	const yaml_char_t	*tag, *anchor;
	size_t			 alloc = 0;
	bool			 flow;

	if (++yp->depth > YNODE_MAX_DEPTH) {
		ad_err_set(yp->err, AD_ELIMIT, "yaml: line %d: nesting deeper "
		    "than %d levels", (int)yp->ev.start_mark.line + 1,
		    YNODE_MAX_DEPTH);
		return NULL;
	}
	n = yp_new(yp, map ? YNODE_MAP : YNODE_SEQ);
	if (n == NULL)
		return NULL;
	if (map) {
		tag = yp->ev.data.mapping_start.tag;
		anchor = yp->ev.data.mapping_start.anchor;
		flow = yp->ev.data.mapping_start.style ==
		    YAML_FLOW_MAPPING_STYLE;
	} else {
		tag = yp->ev.data.sequence_start.tag;
		anchor = yp->ev.data.sequence_start.anchor;
		flow = yp->ev.data.sequence_start.style ==
		    YAML_FLOW_SEQUENCE_STYLE;
	}
	n->style = flow ? YNODE_FLOW : YNODE_BLOCK;
	yp->open[yp->depth - 1] = n;
	if (tag != NULL)
		n->tag = xstrdup((const char *)tag);
	yp_anchor(yp, n, anchor);
	yp_consume(yp);
	for (;;) {
		if (yp_peek(yp) == -1)
			return NULL;
		if (yp->ev.type == end)
			break;
		c = yp_node(yp);
		if (c == NULL)
			return NULL;
		yp_add_child(n, c, &alloc);
	}
	yp_consume(yp);
	yp->depth--;
	return n;
}

static struct ynode *
yp_node(struct yparser *yp)
{
	if (yp_peek(yp) == -1)
		return NULL;
	switch (yp->ev.type) {
	case YAML_SCALAR_EVENT:
		return yp_scalar(yp);
	case YAML_ALIAS_EVENT:
		return yp_alias(yp);
	case YAML_MAPPING_START_EVENT:
		return yp_collection(yp, true);
	case YAML_SEQUENCE_START_EVENT:
		return yp_collection(yp, false);
	default:
		ad_err_set(yp->err, AD_EINVAL, "yaml: attempted to go past the "
		    "end of stream; corrupted value?");
		return NULL;
	}
}

/* Stream start, then the first document (or an empty stream). */
static int
yp_document(struct yparser *yp)
{
	if (yp_peek(yp) == -1)
		return -1;
	yp_consume(yp);				/* STREAM-START */
	if (yp_peek(yp) == -1)
		return -1;
	if (yp->ev.type == YAML_STREAM_END_EVENT) {
		yp->doc->root = yp_new(yp, YNODE_NULL);
		return 0;
	}
	yp_consume(yp);				/* DOCUMENT-START */
	yp->doc->root = yp_node(yp);
	if (yp->doc->root == NULL)
		return -1;
	if (yp_peek(yp) == -1)			/* DOCUMENT-END */
		return -1;
	yp_consume(yp);
	return 0;
}

struct ynode_doc *
ynode_parse(const char *data, size_t len, struct ad_err *err)
{
	struct yparser	yp;
	int		rc;

	if (len > YNODE_MAX_BYTES) {
		ad_err_set(err, AD_ELIMIT, "yaml: document larger than %u bytes",
		    YNODE_MAX_BYTES);
		return NULL;
	}
	memset(&yp, 0, sizeof(yp));
	if (!yaml_parser_initialize(&yp.p)) {
		ad_err_set(err, AD_EINTERNAL, "yaml: cannot initialize parser");
		return NULL;
	}
	yaml_parser_set_input_string(&yp.p, (const unsigned char *)data, len);
	yp.doc = xcalloc(1, sizeof(*yp.doc));
	yp.err = err;
	rc = yp_document(&yp);
	yp_consume(&yp);
	yaml_parser_delete(&yp.p);
	if (rc == -1) {
		ynode_doc_free(yp.doc);
		return NULL;
	}
	return yp.doc;
}

void
ynode_doc_free(struct ynode_doc *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n_all; i++) {
		free(d->all[i]->tag);
		free(d->all[i]->anchor);
		free(d->all[i]->value);
		free(d->all[i]->child);
		free(d->all[i]);
	}
	free(d->all);
	free(d->anchors);
	free(d);
}

const struct ynode *
ynode_root(const struct ynode_doc *d)
{
	return d->root;
}

const struct ynode *
ynode_deref(const struct ynode *n)
{
	int	hops = 0;

	/* An anchor cannot refer to a later alias, so chains are short;
	 * the bound only guards against a malformed tree. */
	while (n != NULL && n->kind == YNODE_ALIAS && hops++ < 64)
		n = n->target;
	return n;
}

bool
ynode_is_null(const struct ynode *n)
{
	if (n == NULL || n->kind == YNODE_NULL)
		return true;
	if (n->tag != NULL && strcmp(n->tag, YTAG_PREFIX "null") == 0)
		return true;
	if (n->kind != YNODE_SCALAR || n->tag != NULL || !n->implicit)
		return false;
	return strcmp(n->value, "null") == 0 || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0 ||
	    n->len == 0;
}

bool
ynode_is_merge(const struct ynode *n)
{
	return n->kind == YNODE_SCALAR && strcmp(n->value, "<<") == 0 &&
	    (n->implicit || (n->tag != NULL &&
	    strcmp(n->tag, YTAG_PREFIX "merge") == 0));
}

const struct ynode *
ynode_map_get(const struct ynode *map, const char *key)
{
	const struct ynode	*found = NULL, *k;
	size_t			 i;

	map = ynode_deref(map);
	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2) {
		k = ynode_deref(map->child[i]);
		if (k != NULL && k->kind == YNODE_SCALAR &&
		    strcmp(k->value, key) == 0)
			found = map->child[i + 1];
	}
	return found;
}

const char *
ynode_short_tag(const char *tag, char *buf, size_t size)
{
	if (strncmp(tag, YTAG_PREFIX, strlen(YTAG_PREFIX)) == 0) {
		snprintf(buf, size, "!!%s", tag + strlen(YTAG_PREFIX));
		return buf;
	}
	return tag;
}
