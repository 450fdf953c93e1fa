/*
 * tmpl_set: the templates of a configuration (Alertmanager's
 * template.FromGlobs), the cache of parsed field texts, and the entry
 * points ExecuteTextString / ExecuteHTMLString.
 *
 * Go clones the whole set and reparses each field text on every
 * notification; we parse a field text once, keep its own {{define}}s as
 * an overlay over the set (so they shadow the set's templates only for
 * that text, as in Go's clone), and for HTML keep the escaped templates
 * too.  The cache is read-mostly (rwlock); entries are immutable.
 */
#include "templates/tmpl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "templates/tmpl_priv.h"

#define FILE_MAX	((size_t)16 << 20)
#define PARSE_MEM_MAX	((size_t)512 << 20)
#define FIELD_MEM_MAX	((size_t)64 << 20)
#define CACHE_MAX	4096

const struct tmpl_limits tmpl_default_limits = {
	.max_output = (size_t)64 << 20,
	.max_memory = (size_t)256 << 20,
	.max_depth = 1000,
	.max_steps = 100000000,
};

struct field {
	char			*text;
	size_t			 len;
	bool			 html;
	struct tarena		 ar;
	struct thash		 over;		/* the text's own templates */
	const struct ttree	*root;		/* the text itself ("") */
	struct thash		 escaped;	/* html: name -> escaped tree */
	const struct ttree	*entry;		/* html: escaped root */
	bool			 shadows;	/* defines besides its root */
	char			*err;		/* parse or escape error */
	char			 where[96];
};

struct tmpl_set {
	struct tarena		 ar;		/* parse trees */
	struct thash		 trees;
	struct tlimits		 lim;
	pthread_rwlock_t	 lock;
	struct thash		 cache[2];	/* text, html */
	size_t			 ncached;
};

struct tmpl_set *
tmpl_set_new_bare(void)
{
	struct tmpl_set	*ts = xcalloc(1, sizeof(*ts));

	tarena_init(&ts->ar, PARSE_MEM_MAX);
	thash_init(&ts->trees);
	thash_init(&ts->cache[0]);
	thash_init(&ts->cache[1]);
	pthread_rwlock_init(&ts->lock, NULL);
	tmpl_set_limits(ts, &tmpl_default_limits);
	return ts;
}

void
tmpl_set_limits(struct tmpl_set *ts, const struct tmpl_limits *lim)
{
	ts->lim.max_output = lim->max_output;
	ts->lim.max_memory = lim->max_memory;
	ts->lim.max_depth = lim->max_depth;
	ts->lim.max_steps = lim->max_steps;
}

static void
field_free(struct field *f)
{
	if (f == NULL)
		return;
	thash_release(&f->over);
	thash_release(&f->escaped);
	tarena_release(&f->ar);
	free(f->err);
	free(f->text);
	free(f);
}

static void
cache_flush(struct tmpl_set *ts)
{
	size_t	i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < ts->cache[k].cap; i++) {
			if (ts->cache[k].e[i].key != NULL)
				field_free(ts->cache[k].e[i].val);
		}
		thash_release(&ts->cache[k]);
		thash_init(&ts->cache[k]);
	}
	ts->ncached = 0;
}

void
tmpl_set_free(struct tmpl_set *ts)
{
	if (ts == NULL)
		return;
	cache_flush(ts);
	thash_release(&ts->trees);
	tarena_release(&ts->ar);
	pthread_rwlock_destroy(&ts->lock);
	free(ts);
}

/* text/template's association: an empty tree never replaces a template. */
static void
associate(struct thash *h, struct ttree *t)
{
	const struct ttree	*old;

	old = thash_get(h, t->name, strlen(t->name));
	if (old != NULL && tnode_is_empty(t->root))
		return;
	thash_put(h, t->name, strlen(t->name), t);
}

/* Binds {{template}} calls of the set's templates to their callees. */
static void
resolve_all(struct tmpl_set *ts)
{
	struct tns	ns = { NULL, &ts->trees };
	size_t		i;

	for (i = 0; i < ts->trees.cap; i++) {
		if (ts->trees.e[i].key != NULL)
			tnode_resolve(
			    ((struct ttree *)ts->trees.e[i].val)->root, &ns);
	}
}

int
tmpl_set_add_text(struct tmpl_set *ts, const char *name, const char *text,
    size_t len, struct ad_err *err)
{
	struct ttree	**trees;
	struct buf	  msg;
	size_t		  n, i;
	int		  line = 0, col = 0;

	buf_init(&msg, 4096);
	if (tparse(name, text, len, &ts->ar, &trees, &n, &msg, &line,
	    &col) != 0) {
		char	where[96];

		snprintf(where, sizeof(where), "%s:%d:%d", name, line, col);
		ad_err_setw(err, AD_EINVAL, where, "%s", buf_str(&msg));
		buf_release(&msg);
		return -1;
	}
	buf_release(&msg);
	for (i = 0; i < n; i++)
		associate(&ts->trees, trees[i]);
	resolve_all(ts);
	cache_flush(ts);
	return 0;
}

int
tmpl_set_add_file(struct tmpl_set *ts, const char *path, struct ad_err *err)
{
	struct buf	 b;
	const char	*base = strrchr(path, '/');
	int		 rc;

	base = base != NULL ? base + 1 : path;
	buf_init(&b, FILE_MAX);
	if (buf_read_file(&b, path, err) != 0) {
		buf_release(&b);
		return -1;
	}
	rc = tmpl_set_add_text(ts, base, buf_str(&b), buf_len(&b), err);
	if (rc != 0 && err != NULL) {
		/* where: the path, not the template name. */
		const char *lc = strchr(err->where + strlen(base), ':');
		char w[96];

		snprintf(w, sizeof(w), "%s%s", path, lc != NULL ? lc : "");
		snprintf(err->where, sizeof(err->where), "%s", w);
	}
	buf_release(&b);
	return rc;
}

extern const char tmpl_embed_default[], tmpl_embed_email[];
extern const size_t tmpl_embed_default_len, tmpl_embed_email_len;

struct tmpl_set *
tmpl_set_new(struct ad_err *err)
{
	struct tmpl_set	*ts = tmpl_set_new_bare();

	/* Alertmanager parses its defaults into the unnamed root template. */
	if (tmpl_set_add_text(ts, "", tmpl_embed_default,
	    tmpl_embed_default_len, err) != 0 ||
	    tmpl_set_add_text(ts, "", tmpl_embed_email, tmpl_embed_email_len,
	    err) != 0) {
		tmpl_set_free(ts);
		return NULL;
	}
	return ts;
}

/* ------------------------------------------------------------ fields --- */

static struct field *
field_build(const struct tmpl_set *ts, const char *text, size_t len,
    bool html)
{
	struct field	 *f = xcalloc(1, sizeof(*f));
	struct ttree	**trees;
	struct buf	  msg;
	struct tns	  ns;
	size_t		  n, i;
	int		  line = 0, col = 0;

	f->text = xmemdup(text, len + 1);
	f->len = len;
	f->html = html;
	tarena_init(&f->ar, FIELD_MEM_MAX);
	thash_init(&f->over);
	thash_init(&f->escaped);
	buf_init(&msg, 4096);
	if (tparse("", text, len, &f->ar, &trees, &n, &msg, &line,
	    &col) != 0) {
		f->err = xstrdup(buf_str(&msg));
		snprintf(f->where, sizeof(f->where), ":%d:%d", line, col);
		buf_release(&msg);
		return f;
	}
	for (i = 0; i < n; i++) {
		if (trees[i]->name[0] == '\0')
			f->root = trees[i];
		else if (!tnode_is_empty(trees[i]->root))
			f->shadows = true;
		associate(&f->over, trees[i]);
	}
	ns.over = &f->over;
	ns.base = &ts->trees;
	for (i = 0; i < n; i++)
		tnode_resolve(trees[i]->root, &ns);
	if (html) {
		if (thtml_escape(f->root, &ns, &f->ar, &f->escaped, &f->entry,
		    &msg) != 0)
			f->err = xstrdup(buf_str(&msg));
	}
	buf_release(&msg);
	return f;
}

/*
 * Returns the cached entry for text, building it if needed; *own is set
 * when the entry is not cached (the caller frees it).
 */
static struct field *
field_get(const struct tmpl_set *ts_c, const char *text, bool html,
    bool *own)
{
	struct tmpl_set	*ts = (struct tmpl_set *)ts_c;
	struct field	*f, *g;
	size_t		 len = strlen(text);

	*own = false;
	pthread_rwlock_rdlock(&ts->lock);
	f = thash_get(&ts->cache[html], text, len);
	pthread_rwlock_unlock(&ts->lock);
	if (f != NULL)
		return f;
	f = field_build(ts, text, len, html);
	pthread_rwlock_wrlock(&ts->lock);
	g = thash_get(&ts->cache[html], text, len);
	if (g != NULL) {
		pthread_rwlock_unlock(&ts->lock);
		field_free(f);
		return g;
	}
	if (ts->ncached < CACHE_MAX) {
		thash_put(&ts->cache[html], f->text, f->len, f);
		ts->ncached++;
	} else
		*own = true;
	pthread_rwlock_unlock(&ts->lock);
	return f;
}

static int
field_error(const struct field *f, struct ad_err *err)
{
	return ad_err_setw(err, AD_EINVAL, f->where, "%s", f->err);
}

static int
exec_field(const struct tmpl_set *ts, const char *text,
    const struct tmpl_data *d, struct buf *out, struct ad_err *err,
    bool html)
{
	struct field	*f;
	struct tns	 ns;
	struct tenv	 env;
	struct buf	 e;
	bool		 own;
	int		 rc;

	if (*text == '\0')
		return 0;
	f = field_get(ts, text, html, &own);
	if (f->err != NULL) {
		rc = field_error(f, err);
		goto out;
	}
	memset(&env, 0, sizeof(env));
	if (html) {
		ns.over = &f->escaped;
		ns.base = NULL;
	} else {
		ns.over = &f->over;
		ns.base = &ts->trees;
	}
	env.ns = &ns;
	env.lim = &ts->lim;
	env.html = html;
	env.resolved = html || !f->shadows;
	buf_init(&e, 4096);
	rc = texec(&env, html ? f->entry : f->root, tmpl_data_dot(d), out, &e);
	if (rc != 0)
		ad_err_set(err, AD_EINVAL, "%s", buf_str(&e));
	buf_release(&e);
out:
	if (own)
		field_free(f);
	return rc;
}

int
tmpl_exec_text(const struct tmpl_set *ts, const char *text,
    const struct tmpl_data *d, struct buf *out, struct ad_err *err)
{
	return exec_field(ts, text, d, out, err, false);
}

int
tmpl_exec_html(const struct tmpl_set *ts, const char *text,
    const struct tmpl_data *d, struct buf *out, struct ad_err *err)
{
	return exec_field(ts, text, d, out, err, true);
}

/* ------------------------------------------------------------- check --- */

struct checker {
	const struct tns	*ns;
	struct thash		 seen;
	struct ad_err		*err;
	int			 depth;
};

static int	check_node(struct checker *c, const struct tnode *n);

static int
check_tree(struct checker *c, const struct ttree *t)
{
	int	rc;

	if (thash_get(&c->seen, t->name, strlen(t->name)) != NULL)
		return 0;
	thash_put(&c->seen, t->name, strlen(t->name), (void *)t);
	if (++c->depth > 1000)
		return 0;
	rc = check_node(c, t->root);
	c->depth--;
	return rc;
}

static int
check_node(struct checker *c, const struct tnode *n)
{
	const struct ttree	*t;
	size_t			 i;
	struct buf		 loc;

	if (n == NULL)
		return 0;
	switch (n->type) {
	case TN_LIST:
		for (i = 0; i < n->u.list.n; i++) {
			if (check_node(c, n->u.list.v[i]) != 0)
				return -1;
		}
		return 0;
	case TN_IF:
	case TN_RANGE:
	case TN_WITH:
		if (check_node(c, n->u.br.list) != 0)
			return -1;
		return check_node(c, n->u.br.elist);
	case TN_TEMPLATE:
		t = tns_lookup(c->ns, n->u.tmpl.name);
		if (t != NULL)
			return check_tree(c, t);
		buf_init(&loc, 256);
		tnode_location(&loc, n);
		ad_err_setw(c->err, AD_EINVAL, buf_str(&loc),
		    "template: %s: template \"%s\" not defined", buf_str(&loc),
		    n->u.tmpl.name);
		buf_release(&loc);
		return -1;
	default:
		return 0;
	}
}

static int
check_field(const struct tmpl_set *ts, const char *text, bool html,
    struct ad_err *err)
{
	struct field	*f;
	struct checker	 c;
	struct tns	 ns;
	bool		 own;
	int		 rc;

	if (*text == '\0')
		return 0;
	f = field_get(ts, text, html, &own);
	if (f->err != NULL) {
		rc = field_error(f, err);
		goto out;
	}
	ns.over = &f->over;
	ns.base = &ts->trees;
	memset(&c, 0, sizeof(c));
	c.ns = &ns;
	c.err = err;
	thash_init(&c.seen);
	rc = check_tree(&c, f->root);
	thash_release(&c.seen);
out:
	if (own)
		field_free(f);
	return rc;
}

int
tmpl_check(const struct tmpl_set *ts, const char *text, struct ad_err *err)
{
	return check_field(ts, text, false, err);
}

int
tmpl_check_html(const struct tmpl_set *ts, const char *text,
    struct ad_err *err)
{
	return check_field(ts, text, true, err);
}
