/*
 * config: loading alertmanager.yml as Alertmanager 0.25's config.Load /
 * LoadFile and Config.UnmarshalYAML do: strict decoding, global defaults
 * and inheritance, every cross-check with its wording, templates parsed
 * relative to the file's directory.  Every error is collected; the config
 * is returned only when there is none.
 *
 * Beyond 0.25 (load options): *_file settings are read at load, an
 * integration alertd cannot send is refused, and field templates are
 * checked.  check-config (amtool's verdict) turns those off.
 */
#include "config/config.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/goglob.h"
#include "alertd/xmalloc.h"
#include "config/config_int.h"
#include "config/ynode.h"
#include "notifiers/notifier.h"
#include "routing/timeint.h"
#include "templates/tmpl.h"

#define CONFIG_DECODE_BUDGET	2000000	/* node visits: alias bombs */

#define C	struct config

static const struct config_field top_fields[] = {
	/* global is decoded first (receivers need it): see config_decode. */
	{ .key = "global", .type = CF_ANY },
	CF_FO("route", CF_PTR, CF_OMITEMPTY, C, route, &config_route_obj),
	CF_FL("inhibit_rules", CF_OMITEMPTY, C, inhibit_rules, n_inhibit_rules,
	    &config_inhibit_obj),
	CF_FL("receivers", CF_OMITEMPTY, C, receivers, n_receivers,
	    &config_receiver_obj),
	CF_FN("templates", CF_STRS, 0, C, templates, n_templates),
	CF_FL("mute_time_intervals", CF_OMITEMPTY, C, mute_time_intervals_w,
	    n_mute_time_intervals_w, &config_mute_timeint_obj),
	CF_FL("time_intervals", CF_OMITEMPTY, C, time_intervals_w,
	    n_time_intervals_w, &config_timeint_obj),
	CF_END
};

const struct config_obj config_top_obj = {
	.go_type = "config.plain", .size = sizeof(struct config),
	.fields = top_fields,
};

struct config_load_opts
config_load_opts_daemon(void)
{
	struct config_load_opts	o = {
		.read_files = true, .require_senders = true,
		.schema_025 = false, .strict_templates = true,
		.parse_templates = true,
	};

	return o;
}

struct config_load_opts
config_load_opts_amtool(void)
{
	struct config_load_opts	o = {
		.read_files = false, .require_senders = false,
		.schema_025 = true, .strict_templates = false,
		.parse_templates = true,
	};

	return o;
}

static bool
has_name(char **v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void
quoted(struct buf *b, const char *s)
{
	buf_reset(b);
	buf_add_goquote(b, s, strlen(s));
}

/* checkReceiver and checkTimeInterval, over the whole tree. */
static void
check_route_refs(struct config_check *chk, const struct config_route *r,
    const struct ynode *n, char **rcv, size_t nrcv, char **ti, size_t nti)
{
	const struct ynode	*kids = ynode_deref(ynode_map_get(n, "routes"));
	struct buf		 q;
	size_t			 i, mark;

	buf_init(&q, BUF_NOCAP);
	for (i = 0; i < r->n_routes; i++) {
		mark = config_check_push(chk, "routes[%zu]", i);
		check_route_refs(chk, r->routes[i], kids != NULL &&
		    kids->kind == YNODE_SEQ && i < kids->n ?
		    ynode_deref(kids->child[i]) : n, rcv, nrcv, ti, nti);
		config_check_pop(chk, mark);
	}
	chk->node = n;
	if (r->receiver != NULL && r->receiver[0] != '\0' &&
	    !has_name(rcv, nrcv, r->receiver)) {
		quoted(&q, r->receiver);
		config_check_errf(chk, "receiver", "undefined receiver %s used "
		    "in route", buf_str(&q));
	}
	for (i = 0; i < r->n_active_time_intervals; i++)
		if (!has_name(ti, nti, r->active_time_intervals[i])) {
			quoted(&q, r->active_time_intervals[i]);
			config_check_errf(chk, "active_time_intervals",
			    "undefined time interval %s used in route",
			    buf_str(&q));
		}
	for (i = 0; i < r->n_mute_time_intervals; i++)
		if (!has_name(ti, nti, r->mute_time_intervals[i])) {
			quoted(&q, r->mute_time_intervals[i]);
			config_check_errf(chk, "mute_time_intervals",
			    "undefined time interval %s used in route",
			    buf_str(&q));
		}
	buf_release(&q);
}

static void
check_root(struct config_check *chk, struct config *c, const struct ynode *rn)
{
	struct config_route	*r = c->route;

	chk->node = rn;
	config_check_push(chk, "route");
	if (r->receiver == NULL || r->receiver[0] == '\0')
		config_check_errf(chk, "receiver", "root route must specify a "
		    "default receiver");
	if (r->n_match > 0 || r->n_match_re > 0 || r->matchers_written.n > 0)
		config_check_errf(chk, NULL, "root route must not have any "
		    "matchers");
	if (r->n_mute_time_intervals > 0)
		config_check_errf(chk, "mute_time_intervals", "root route must "
		    "not have any mute time intervals");
	if (r->n_active_time_intervals > 0)
		config_check_errf(chk, "active_time_intervals", "root route "
		    "must not have any active time intervals");
	if (r->continue_)
		config_check_errf(chk, "continue", "cannot have continue in "
		    "root route");
}

/* Receiver names unique; returns the names (borrowed strings). */
static char **
check_receivers(struct config_check *chk, struct config *c,
    const struct ynode *root, size_t *n)
{
	const struct ynode	*rn = ynode_deref(ynode_map_get(root,
				    "receivers"));
	char			**names = xcalloc(c->n_receivers + 1,
				    sizeof(*names));
	struct buf		 q;
	size_t			 i, mark;

	buf_init(&q, BUF_NOCAP);
	*n = 0;
	for (i = 0; i < c->n_receivers; i++) {
		const char *name = c->receivers[i]->name ?
		    c->receivers[i]->name : "";

		if (has_name(names, *n, name)) {
			chk->node = rn != NULL && rn->kind == YNODE_SEQ &&
			    i < rn->n ? ynode_deref(rn->child[i]) : root;
			quoted(&q, name);
			mark = config_check_push(chk, "receivers[%zu]", i);
			config_check_errf(chk, "name", "notification config "
			    "name %s is not unique", buf_str(&q));
			config_check_pop(chk, mark);
			continue;
		}
		names[(*n)++] = (char *)name;
	}
	buf_release(&q);
	return names;
}

/* Time interval names unique; compiles them.  Returns the names. */
static char **
check_time_intervals(struct config_check *chk, struct config *c,
    const struct ynode *root, size_t *n)
{
	size_t		 total = c->n_mute_time_intervals_w +
			    c->n_time_intervals_w, i;
	char		**names = xcalloc(total + 1, sizeof(*names));
	struct buf	 q;

	buf_init(&q, BUF_NOCAP);
	*n = 0;
	c->time_intervals = xcalloc(total + 1, sizeof(*c->time_intervals));
	chk->node = root;
	for (i = 0; i < total; i++) {
		bool mute = i < c->n_mute_time_intervals_w;
		struct config_timeint_written *w = mute ?
		    c->mute_time_intervals_w[i] :
		    c->time_intervals_w[i - c->n_mute_time_intervals_w];
		const char *name = w->name != NULL ? w->name : "";
		struct timeint *ti;

		if (has_name(names, *n, name)) {
			quoted(&q, name);
			config_check_errf(chk, mute ? "mute_time_intervals" :
			    "time_intervals", "%stime interval %s is not unique",
			    mute ? "mute " : "", buf_str(&q));
			continue;
		}
		names[(*n)++] = (char *)name;
		ti = config_timeint_compile(chk, w, root);
		if (ti != NULL)
			c->time_intervals[c->n_time_intervals++] = ti;
	}
	buf_release(&q);
	return names;
}

void
config_path_clean(char *p)
{
	size_t	n = strlen(p), r = 0, w = 0, dotdot = 0;
	bool	rooted = p[0] == '/';
	char	*out = xmalloc(n + 2);

	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' &&
		    (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				for (w--; w > dotdot && out[w] != '/'; w--)
					;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && p[r] != '/'; r++)
				out[w++] = p[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	memcpy(p, out, w);
	p[w] = '\0';
	free(out);
}

char *
config_join_dir(const char *dir, const char *p)
{
	char	*j;

	if (p[0] == '\0' || p[0] == '/')
		return xstrdup(p);
	if (dir == NULL || dir[0] == '\0')
		j = xstrdup(p);
	else
		j = xasprintf("%s/%s", dir, p);
	config_path_clean(j);
	return j;
}

/* The files one `templates:` pattern matches, parsed into c->tmpl. */
static void
load_template_glob(struct config_check *chk, struct config *c,
    const struct ynode *root, const char *pattern)
{
	struct goglob	g;
	struct ad_err	e;
	size_t		j;

	memset(&e, 0, sizeof(e));
	if (goglob_glob(pattern, &g, &e) == -1) {
		config_check_errn(chk, ynode_map_get(root, "templates"),
		    "templates", "%s", e.msg);
		goglob_release(&g);
		return;
	}
	for (j = 0; j < g.n; j++) {
		memset(&e, 0, sizeof(e));
		if (tmpl_set_add_file(c->tmpl, g.v[j], &e) == -1)
			config_check_errn(chk, ynode_map_get(root,
			    "templates"), "templates", "%s", e.msg);
	}
	goglob_release(&g);
}

/*
 * template.FromGlobs: each pattern is expanded with Go's filepath.Glob
 * (alertd/goglob.h, not glob(3): "[^x]" negates but "[!x]" does not, '*'
 * matches dot files, a lone '[' is a syntax error), each may match
 * nothing (0.25), and the files of one pattern are parsed in Glob's
 * sorted order.  A bad pattern fails the load with Go's "syntax error in
 * pattern" (Alertmanager fails the reload, amtool check-config the
 * file).
 */
static void
load_templates(struct config_check *chk, struct config *c,
    const struct ynode *root)
{
	struct ad_err	e;
	size_t		i;

	memset(&e, 0, sizeof(e));
	c->tmpl = tmpl_set_new(&e);
	if (c->tmpl == NULL) {
		config_check_errn(chk, root, NULL, "%s", e.msg);
		return;
	}
	for (i = 0; i < c->n_templates; i++) {
		char	*p;

		p = config_join_dir(chk->base_dir, c->templates[i]);
		free(c->templates[i]);
		c->templates[i] = p;
		if (chk->opts->parse_templates)
			load_template_glob(chk, c, root, p);
	}
}

/* The node of root.receivers[i].<key>[idx], or NULL. */
static const struct ynode *
integration_node(const struct ynode *root, size_t i, const char *key,
    unsigned idx)
{
	const struct ynode	*n;

	n = ynode_deref(ynode_map_get(root, "receivers"));
	if (n == NULL || n->kind != YNODE_SEQ || i >= n->n)
		return NULL;
	n = ynode_deref(ynode_map_get(n->child[i], key));
	if (n == NULL || n->kind != YNODE_SEQ || idx >= n->n)
		return NULL;
	return n->child[idx];
}

static void
read_all_files(struct config_check *chk, struct config *c,
    const struct ynode *root)
{
	struct config_obj	o;
	const struct ynode	*n;
	size_t			i, j, mark;

	mark = config_check_push(chk, "global");
	config_obj_read_files(chk, &config_global_obj, &c->global);
	config_check_pop(chk, mark);
	for (i = 0; i < c->n_receivers; i++) {
		struct config_receiver *r = c->receivers[i];

		for (j = 0; j < r->n_integrations; j++) {
			memset(&o, 0, sizeof(o));
			o.go_type = "config.plain";
			o.size = r->integrations[j].type->conf_size;
			o.fields = r->integrations[j].type->fields;
			mark = config_check_push(chk, "receivers[%zu].%s[%u]", i,
			    r->integrations[j].type->config_key,
			    r->integrations[j].idx);
			n = integration_node(root, i,
			    r->integrations[j].type->config_key,
			    r->integrations[j].idx);
			chk->node = n != NULL ? n : root;
			config_obj_read_files(chk, &o, r->integrations[j].conf);
			config_obj_check_templates(chk, &o,
			    r->integrations[j].conf, c->tmpl);
			chk->node = root;
			config_check_pop(chk, mark);
		}
	}
}

/* Config.UnmarshalYAML after the fields: the cross-checks. */
static void
config_validate(struct config_check *chk, struct config *c,
    const struct ynode *root)
{
	char	**rcv, **ti;
	size_t	  nrcv, nti;
	const struct ynode *rn = ynode_deref(ynode_map_get(root, "route"));

	rcv = check_receivers(chk, c, root, &nrcv);
	ti = check_time_intervals(chk, c, root, &nti);
	if (c->route == NULL) {
		chk->node = root;
		config_check_errf(chk, NULL, "no routes provided");
	} else {
		size_t mark;

		check_root(chk, c, rn);
		check_route_refs(chk, c->route, rn, rcv, nrcv, ti, nti);
		chk->path[0] = '\0';
		mark = config_check_push(chk, "route");
		config_route_finish(chk, c->route, NULL, rn);
		config_check_pop(chk, mark);
	}
	chk->path[0] = '\0';
	free(rcv);
	free(ti);
}

static bool
route_uses(const struct config_route *r, const char *name)
{
	size_t	i;

	if (r->receiver != NULL && strcmp(r->receiver, name) == 0)
		return true;
	for (i = 0; i < r->n_routes; i++)
		if (route_uses(r->routes[i], name))
			return true;
	return false;
}

/*
 * Alertmanager builds the integrations of the receivers some route uses
 * (after inheritance), and the email notifier's constructor writes its
 * default headers into the config: do what it does, where it does it.
 */
static void
activate_receivers(struct config *c)
{
	size_t	i, j;

	for (i = 0; i < c->n_receivers; i++) {
		struct config_receiver *r = c->receivers[i];

		if (c->route == NULL || !route_uses(c->route, r->name))
			continue;
		for (j = 0; j < r->n_integrations; j++)
			if (r->integrations[j].type->activate != NULL)
				r->integrations[j].type->activate(
				    r->integrations[j].conf);
	}
}

static int
config_decode(struct config_check *chk, struct config *c,
    const struct ynode *root)
{
	size_t	mark;

	config_obj_init(&config_global_obj, &c->global);
	c->global.http = xcalloc(1, sizeof(*c->global.http));
	config_obj_init(&config_http_obj, c->global.http);
	c->has_global = true;
	mark = config_check_push(chk, "global");
	config_obj_decode(chk, ynode_map_get(root, "global"),
	    &config_global_obj, &c->global);
	config_check_pop(chk, mark);
	config_loading_global = &c->global;
	config_obj_decode(chk, root, &config_top_obj, c);
	config_loading_global = NULL;
	if (chk->nerr > 0 && root->kind != YNODE_MAP)
		return -1;
	config_validate(chk, c, root);
	return chk->nerr > 0 ? -1 : 0;
}

static void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	config_obj_release(&config_top_obj, c);
	config_obj_release(&config_global_obj, &c->global);
	for (i = 0; i < c->n_time_intervals; i++)
		timeint_free(c->time_intervals[i]);
	free(c->time_intervals);
	tmpl_set_free(c->tmpl);
	free(c->path);
	free(c->base_dir);
	free(c->raw);
	free(c);
}

struct config *
config_load_bytes(const char *name, const char *data, size_t len,
    const char *base_dir, const struct config_load_opts *opts,
    struct ad_errs *errs, struct ad_errs *warnings)
{
	struct config_load_opts	 dflt = config_load_opts_daemon();
	struct config_check	 chk;
	struct ynode_doc	*doc;
	const struct ynode	*root;
	struct config		*c;
	struct ad_err		 e;

	memset(&chk, 0, sizeof(chk));
	chk.errs = errs;
	chk.warnings = warnings;
	chk.opts = opts != NULL ? opts : &dflt;
	chk.file = name;
	chk.base_dir = base_dir;
	chk.budget = CONFIG_DECODE_BUDGET;
	memset(&e, 0, sizeof(e));
	doc = ynode_parse(data, len, &e);
	if (doc == NULL) {
		ad_errs_addf(errs, AD_EINVAL, name, "%s", e.msg);
		return NULL;
	}
	root = ynode_deref(ynode_root(doc));
	if (ynode_is_null(root)) {
		/* config.Load: an empty document never reaches
		 * UnmarshalYAML. */
		ad_errs_addf(errs, AD_EINVAL, name, "no route provided in "
		    "config");
		ynode_doc_free(doc);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->path = xstrdup(name);
	c->base_dir = base_dir != NULL ? xstrdup(base_dir) : NULL;
	c->raw = xmalloc(len + 1);	/* data need not be NUL-terminated */
	memcpy(c->raw, data, len);
	c->raw[len] = '\0';
	c->raw_len = len;
	chk.node = root;
	if (config_decode(&chk, c, root) == 0) {
		activate_receivers(c);
		load_templates(&chk, c, root);
		if (chk.opts->read_files)
			read_all_files(&chk, c, root);
	}
	ynode_doc_free(doc);
	if (chk.nerr > 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

struct config *
config_load(const char *path, const struct config_load_opts *opts,
    struct ad_errs *errs, struct ad_errs *warnings)
{
	struct buf	 b;
	struct ad_err	 e;
	struct config	*c;
	char		*dcopy;

	buf_init(&b, YNODE_MAX_BYTES);
	memset(&e, 0, sizeof(e));
	if (buf_read_file(&b, path, &e) == -1) {
		ad_errs_addf(errs, AD_EIO, path, "%s", e.msg);
		buf_release(&b);
		return NULL;
	}
	dcopy = xstrdup(path);
	c = config_load_bytes(path, buf_str(&b), buf_len(&b), dirname(dcopy),
	    opts, errs, warnings);
	free(dcopy);
	buf_release(&b);
	return c;
}

struct config *
config_ref(struct config *c)
{
	atomic_fetch_add(&c->refs, 1);
	return c;
}

void
config_unref(struct config *c)
{
	if (c == NULL)
		return;
	if (atomic_fetch_sub(&c->refs, 1) == 1)
		config_free(c);
}

const struct config_receiver *
config_receiver(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->n_receivers; i++)
		if (c->receivers[i]->name != NULL &&
		    strcmp(c->receivers[i]->name, name) == 0)
			return c->receivers[i];
	return NULL;
}

const struct timeint *
config_time_interval(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->n_time_intervals; i++)
		if (strcmp(c->time_intervals[i]->name, name) == 0)
			return c->time_intervals[i];
	return NULL;
}

double
config_hash(const struct config *c)
{
	unsigned char	sum[16];
	uint64_t	v = 0;
	int		i;

	config_md5(c->raw, c->raw_len, sum);
	for (i = 5; i >= 0; i--)
		v = (v << 8) | sum[i];
	return (double)v;
}
