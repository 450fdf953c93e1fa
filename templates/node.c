/*
 * Parse tree nodes: Go's Node.String() (execution errors quote the node:
 * "executing \"x\" at <.Foo>"), Tree.ErrorContext's "name:line:col"
 * (column 0-based, as Go's), and deep copies for html/template's derived
 * templates.
 */
#include "templates/tmpl_priv.h"

#include <string.h>

#include "alertd/buf.h"

static int
list_string(struct buf *b, struct tnode *const *v, size_t n, const char *sep)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			rc |= buf_addstr(b, sep);
		rc |= tnode_string(b, v[i]);
	}
	return rc;
}

static int
pipe_string(struct buf *b, const struct tnode *p)
{
	int	rc = 0;

	if (p->u.pipe.ndecl > 0) {
		rc |= list_string(b, p->u.pipe.decl, p->u.pipe.ndecl, ", ");
		rc |= buf_addstr(b, " := ");
	}
	rc |= list_string(b, p->u.pipe.cmds, p->u.pipe.ncmds, " | ");
	return rc;
}

static int
cmd_string(struct buf *b, const struct tnode *c)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < c->u.list.n; i++) {
		const struct tnode *a = c->u.list.v[i];

		if (i > 0)
			rc |= buf_addch(b, ' ');
		if (a->type == TN_PIPE) {
			rc |= buf_addch(b, '(');
			rc |= pipe_string(b, a);
			rc |= buf_addch(b, ')');
		} else
			rc |= tnode_string(b, a);
	}
	return rc;
}

static int
branch_string(struct buf *b, const struct tnode *n, const char *name)
{
	int	rc;

	rc = buf_addf(b, "{{%s ", name);
	rc |= pipe_string(b, n->u.br.pipe);
	rc |= buf_addstr(b, "}}");
	rc |= tnode_string(b, n->u.br.list);
	if (n->u.br.elist != NULL) {
		rc |= buf_addstr(b, "{{else}}");
		rc |= tnode_string(b, n->u.br.elist);
	}
	rc |= buf_addstr(b, "{{end}}");
	return rc;
}

static int
ids_string(struct buf *b, const char *const *id, size_t n, bool lead_dot)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++) {
		if (lead_dot || i > 0)
			rc |= buf_addch(b, '.');
		rc |= buf_addstr(b, id[i]);
	}
	return rc;
}

int
tnode_string(struct buf *b, const struct tnode *n)
{
	int	rc = 0;

	switch (n->type) {
	case TN_TEXT:
		return buf_add(b, n->u.text.p, n->u.text.n);
	case TN_COMMENT:
		rc |= buf_addstr(b, "{{");
		rc |= buf_add(b, n->u.text.p, n->u.text.n);
		return rc | buf_addstr(b, "}}");
	case TN_ACTION:
		rc |= buf_addstr(b, "{{");
		rc |= pipe_string(b, n->u.apipe);
		return rc | buf_addstr(b, "}}");
	case TN_BREAK:
		return buf_addstr(b, "{{break}}");
	case TN_CONTINUE:
		return buf_addstr(b, "{{continue}}");
	case TN_IF:
		return branch_string(b, n, "if");
	case TN_RANGE:
		return branch_string(b, n, "range");
	case TN_WITH:
		return branch_string(b, n, "with");
	case TN_LIST:
		return list_string(b, n->u.list.v, n->u.list.n, "");
	case TN_TEMPLATE:
		rc |= buf_addstr(b, "{{template ");
		rc |= buf_add_goquote(b, n->u.tmpl.name,
		    strlen(n->u.tmpl.name));
		if (n->u.tmpl.pipe != NULL) {
			rc |= buf_addch(b, ' ');
			rc |= pipe_string(b, n->u.tmpl.pipe);
		}
		return rc | buf_addstr(b, "}}");
	case TN_PIPE:
		return pipe_string(b, n);
	case TN_CMD:
		return cmd_string(b, n);
	case TN_FIELD:
		return ids_string(b, n->u.field.id, n->u.field.n, true);
	case TN_VAR:
		return ids_string(b, n->u.field.id, n->u.field.n, false);
	case TN_CHAIN:
		if (n->u.chain.node->type == TN_PIPE) {
			rc |= buf_addch(b, '(');
			rc |= pipe_string(b, n->u.chain.node);
			rc |= buf_addch(b, ')');
		} else
			rc |= tnode_string(b, n->u.chain.node);
		return rc | ids_string(b, n->u.chain.id, n->u.chain.n, true);
	case TN_IDENT:
		return buf_addstr(b, n->u.ident.name);
	case TN_DOT:
		return buf_addch(b, '.');
	case TN_NIL:
		return buf_addstr(b, "nil");
	case TN_BOOL:
		return buf_addstr(b, n->u.b ? "true" : "false");
	case TN_NUMBER:
		return buf_addstr(b, n->u.num->text);
	case TN_STRING:
		return buf_add(b, n->u.str.quoted.p, n->u.str.quoted.n);
	case TN_END:
		return buf_addstr(b, "{{end}}");
	case TN_ELSE:
		return buf_addstr(b, "{{else}}");
	}
	return 0;
}

int
tnode_location(struct buf *b, const struct tnode *n)
{
	const struct ttree	*tr = n->tr;
	size_t			 pos = n->pos, i, nl = 0, line = 1;

	if (pos > tr->src_len)
		pos = tr->src_len;
	for (i = 0; i < pos; i++) {
		if (tr->src[i] == '\n') {
			line++;
			nl = i + 1;
		}
	}
	return buf_addf(b, "%s:%zu:%zu", tr->parse_name, line,
	    line == 1 ? pos : pos - nl);
}

static struct tnode **
copy_vec(struct tarena *a, struct tnode *const *v, size_t n,
    const struct ttree *tr, bool *fail)
{
	struct tnode	**nv;
	size_t		  i;

	if (n == 0)
		return NULL;
	nv = tarena_alloc(a, sizeof(*nv) * n);
	if (nv == NULL) {
		*fail = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		nv[i] = tnode_copy(a, v[i], tr);
		if (nv[i] == NULL)
			*fail = true;
	}
	return nv;
}

static bool
copy_children(struct tarena *a, struct tnode *c, const struct tnode *n,
    const struct ttree *tr)
{
	bool	fail = false;

	switch (n->type) {
	case TN_LIST:
	case TN_CMD:
		c->u.list.v = copy_vec(a, n->u.list.v, n->u.list.n, tr, &fail);
		break;
	case TN_ACTION:
		c->u.apipe = tnode_copy(a, n->u.apipe, tr);
		fail = c->u.apipe == NULL;
		break;
	case TN_IF:
	case TN_RANGE:
	case TN_WITH:
		c->u.br.pipe = tnode_copy(a, n->u.br.pipe, tr);
		c->u.br.list = tnode_copy(a, n->u.br.list, tr);
		c->u.br.elist = n->u.br.elist == NULL ? NULL :
		    tnode_copy(a, n->u.br.elist, tr);
		fail = c->u.br.pipe == NULL || c->u.br.list == NULL ||
		    (n->u.br.elist != NULL && c->u.br.elist == NULL);
		break;
	case TN_TEMPLATE:
		if (n->u.tmpl.pipe != NULL) {
			c->u.tmpl.pipe = tnode_copy(a, n->u.tmpl.pipe, tr);
			fail = c->u.tmpl.pipe == NULL;
		}
		break;
	case TN_PIPE:
		c->u.pipe.decl = copy_vec(a, n->u.pipe.decl, n->u.pipe.ndecl,
		    tr, &fail);
		c->u.pipe.cmds = copy_vec(a, n->u.pipe.cmds, n->u.pipe.ncmds,
		    tr, &fail);
		break;
	case TN_CHAIN:
		c->u.chain.node = tnode_copy(a, n->u.chain.node, tr);
		fail = c->u.chain.node == NULL;
		break;
	default:
		break;		/* leaves share immutable payloads */
	}
	return !fail;
}

struct tnode *
tnode_copy(struct tarena *a, const struct tnode *n, const struct ttree *tr)
{
	struct tnode	*c;

	(void)tr;
	c = tarena_alloc(a, sizeof(*c));
	if (c == NULL)
		return NULL;
	*c = *n;
	if (!copy_children(a, c, n, tr))
		return NULL;
	return c;
}

void
tnode_resolve(struct tnode *n, const struct tns *ns)
{
	size_t	i;

	if (n == NULL)
		return;
	switch (n->type) {
	case TN_LIST:
		for (i = 0; i < n->u.list.n; i++)
			tnode_resolve(n->u.list.v[i], ns);
		break;
	case TN_IF:
	case TN_RANGE:
	case TN_WITH:
		tnode_resolve(n->u.br.list, ns);
		tnode_resolve(n->u.br.elist, ns);
		break;
	case TN_TEMPLATE:
		n->u.tmpl.res = n->u.tmpl.name[0] == '\0' ? NULL :
		    tns_lookup(ns, n->u.tmpl.name);
		break;
	default:
		break;
	}
}
