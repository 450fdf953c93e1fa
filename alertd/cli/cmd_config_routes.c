/*
 * config routes show, config routes test: amtool 0.25's routing.go and
 * test_routing.go.  The routes come from --config.file (loaded offline as
 * config.LoadFile loads it) or from the server's running configuration
 * (GET /api/v2/status: config.original, parsed as config.Load parses it),
 * and are drawn as github.com/xlab/treeprint draws a tree.
 * Quirks kept on purpose:
 *  - "Warning: --config.file flag overrides the --alertmanager.url." on
 *    stderr whenever --config.file is given (amtool's URL flag has a
 *    default, so the check always fires);
 *  - match_re prints anchored, {service=~"^(?:a|b)$"} (config/route.c);
 *  - every route without matchers is "default-route", not only the root;
 *  - show ends errors with one newline, test with two (kingpin.Fatalf
 *    "%s" vs "%v\n");
 *  - --verify.receivers: the warning goes to stdout, exit status 1.
 */
#include "alertd/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/cli/cfgerr.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "routing/route.h"

/* treeprint's node: a value and its branches. */
struct tnode {
	char		 *value;
	struct tnode	**kids;
	size_t		  n;
};

static struct tnode *
tnode_add(struct tnode *parent, char *value)
{
	struct tnode	*t = xcalloc(1, sizeof(*t));

	t->value = value;
	if (parent != NULL) {
		parent->kids = xreallocarray(parent->kids, parent->n + 1,
		    sizeof(*parent->kids));
		parent->kids[parent->n++] = t;
	}
	return t;
}

static void
tnode_free(struct tnode *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		tnode_free(t->kids[i]);
	free(t->kids);
	free(t->value);
	free(t);
}

/*
 * treeprint's printNodes: "│" and three blanks for each level whose
 * branch goes on, four spaces for each that ended, then "├── " or "└── "
 * (last) and the value.  ended[level] is set while the last node of a
 * level prints.  The three blanks are two no-break spaces (U+00A0) and a
 * space: the treeprint Debian's amtool 0.25 is built with
 * (0.0~git20181112) has them in its format string, so amtool prints them.
 */
static void
tnode_print_kids(const struct tnode *t, size_t level, bool *ended,
    struct buf *out)
{
	size_t	i, j;
	bool	last;

	for (i = 0; i < t->n; i++) {
		last = i + 1 == t->n;
		ended[level] = last;
		for (j = 0; j < level; j++)
			buf_addstr(out, ended[j] ? "    " :
			    "\u2502\u00a0\u00a0 ");
		buf_addstr(out, last ? "\u2514\u2500\u2500 " :
		    "\u251c\u2500\u2500 ");
		buf_addstr(out, t->kids[i]->value);
		buf_addch(out, '\n');
		tnode_print_kids(t->kids[i], level + 1, ended, out);
	}
}

/* Tree.String() of a tree whose root is ".", then fmt.Println's '\n'. */
static void
tnode_print(const struct tnode *root, size_t depth, struct buf *out)
{
	bool	*ended = xcalloc(depth + 1, sizeof(*ended));

	buf_addstr(out, root->value);
	buf_addch(out, '\n');
	tnode_print_kids(root, 0, ended, out);
	buf_addch(out, '\n');
	free(ended);
}

static size_t
route_depth(const struct route *r)
{
	size_t	i, d, max = 0;

	for (i = 0; i < r->n_routes; i++) {
		d = route_depth(r->routes[i]);
		if (d > max)
			max = d;
	}
	return max + 1;
}

/* getRouteTreeSlug */
static char *
route_slug(const struct route *r, bool show_continue, bool show_receiver)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, BUF_NOCAP);
	if (r->n_matchers == 0) {
		buf_addstr(&b, "default-route");
	} else {
		buf_addch(&b, '{');
		for (i = 0; i < r->n_matchers; i++) {
			if (i > 0)
				buf_addch(&b, ',');
			matcher_string(r->matchers[i], &b);
		}
		buf_addch(&b, '}');
	}
	if (r->continue_ && show_continue)
		buf_addstr(&b, "  continue: true");
	if (show_receiver)
		buf_addf(&b, "  receiver: %s", r->receiver);
	return buf_detach(&b, NULL);
}

/* convertRouteToTree */
static void
show_tree(const struct route *r, struct tnode *parent)
{
	struct tnode	*branch = tnode_add(parent, route_slug(r, true, true));
	size_t		 i;

	for (i = 0; i < r->n_routes; i++)
		show_tree(r->routes[i], branch);
}

/*
 * getMatchingTree: the children that match, up to the first one without
 * continue; a route none of whose children matched shows its receiver.
 */
static void
match_tree(const struct route *r, struct tnode *parent,
    const struct labels *ls)
{
	struct tnode	*branch = tnode_add(parent, route_slug(r, false,
			    false));
	const struct route *kid;
	size_t		 i;
	bool		 final = true;

	for (i = 0; i < r->n_routes; i++) {
		kid = r->routes[i];
		if (!route_matches(kid, ls))
			continue;
		match_tree(kid, branch, ls);
		final = false;
		if (!kid->continue_)
			break;
	}
	if (final) {
		free(branch->value);
		branch->value = route_slug(r, false, true);
	}
}

/*
 * Why the config did not load: config.Load's one error (which can be
 * long: yaml.v2 lists every type error), or the request's.  fatal: amtool
 * exits from inside its client (kingpin.Fatalf("%s")), one newline.
 */
struct load_err {
	struct buf	msg;
	bool		fatal;
};

static void
load_err_from(struct load_err *le, const struct ad_err *err)
{
	buf_addstr(&le->msg, err->msg[0] != '\0' ? err->msg : "failed");
	le->fatal = strcmp(err->where, CLI_FATAL) == 0;
}

/* amtool's kingpin.Fatalf: "<prog>: error: <msg>\n", twice '\n' for "%v\n". */
static int
load_err_print(const struct cli *c, struct load_err *le, bool two)
{
	fflush(stdout);
	fprintf(stderr, "%s: error: %s\n%s", c->prog, buf_str(&le->msg),
	    two && !le->fatal ? "\n" : "");
	buf_release(&le->msg);
	return 1;
}

/* config.Load of the server's config.original. */
static struct config *
load_remote(struct cli *c, struct load_err *le)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct ad_errs		 errs;
	struct ad_err		 err = { 0 };
	struct client		*cl;
	struct config		*cfg = NULL;
	const char		*orig;
	json_t			*st = NULL;

	cl = cli_client(c, &err);
	if (cl == NULL || client_do(cl, "GET", "/status", NULL, &st,
	    &err) == -1) {
		load_err_from(le, &err);
		goto out;
	}
	orig = json_string_value(json_object_get(json_object_get(st,
	    "config"), "original"));
	if (orig == NULL) {
		buf_addstr(&le->msg, "the server's status has no "
		    "config.original");
		goto out;
	}
	opts.parse_templates = false;
	ad_errs_init(&errs);
	cfg = config_load_bytes("config.original", orig, strlen(orig), ".",
	    &opts, &errs, NULL);
	if (cfg == NULL)
		cfgerr_message(&errs, "config.original", &le->msg);
	ad_errs_release(&errs);
out:
	json_decref(st);
	client_free(cl);
	return cfg;
}

/* loadAlertmanagerConfig: --config.file as config.LoadFile, else remote. */
static struct config *
load_config(struct args_ctx *ctx, struct load_err *le)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct ad_errs		 errs;
	struct config		*cfg;
	const char		*file = args_get(ctx, "config.file");

	buf_init(&le->msg, BUF_NOCAP);
	le->fatal = false;
	if (file == NULL || *file == '\0')
		return load_remote(cli_of(ctx), le);
	fprintf(stderr, "Warning: --config.file flag overrides the "
	    "--alertmanager.url.\n");
	/* LoadFile neither reads templates nor *_file settings. */
	opts.parse_templates = false;
	ad_errs_init(&errs);
	cfg = config_load(file, &opts, &errs, NULL);
	if (cfg == NULL)
		cfgerr_message(&errs, file, &le->msg);
	ad_errs_release(&errs);
	if (cfg != NULL)
		buf_release(&le->msg);
	return cfg;
}

int
cmd_config_routes_show(struct args_ctx *ctx)
{
	struct cli		*c = cli_of(ctx);
	struct load_err		 le;
	struct config		*cfg;
	struct route_tree	*t;
	struct tnode		*root;
	struct buf		 out;

	cfg = load_config(ctx, &le);
	if (cfg == NULL)
		return load_err_print(c, &le, false);
	t = route_build(cfg);
	root = tnode_add(NULL, xstrdup("."));
	show_tree(route_tree_root(t), root);
	buf_init(&out, BUF_NOCAP);
	buf_addstr(&out, "Routing tree:\n");
	tnode_print(root, route_depth(route_tree_root(t)) + 1, &out);
	cli_print(&out);
	buf_release(&out);
	tnode_free(root);
	route_tree_free(t);
	config_unref(cfg);
	return 0;
}

/*
 * parseLabels: every argument a matcher of type "=" (no alertname
 * shortcut here), else "labels must be specified as key=value pairs";
 * a repeated name keeps its last value.  The matchers live until the
 * builder has copied their strings.
 */
static struct labels *
parse_labels(char *const *v, size_t n, struct ad_err *err)
{
	struct labels_builder	 b;
	struct labels		*ls = NULL;
	struct matchers		 ms;
	struct matcher		*m;
	size_t			 i;

	labels_builder_init(&b);
	matchers_init(&ms);
	for (i = 0; i < n; i++) {
		m = cli_parse_matcher(v[i], err);
		if (m == NULL)
			goto out;
		matchers_add(&ms, m);
		if (matcher_type(m) != MATCH_EQ) {
			ad_err_set(err, AD_EINVAL,
			    "labels must be specified as key=value pairs");
			goto out;
		}
		labels_builder_adds(&b, matcher_name(m), matcher_value(m));
	}
	ls = labels_builder_finish(&b);
out:
	labels_builder_release(&b);
	matchers_release(&ms);
	return ls;
}

/* printMatchingTree: "Matching routes:", the tree, one more blank line. */
static void
print_matching(const struct route_tree *t, const struct labels *ls,
    struct buf *out)
{
	const struct route	*r = route_tree_root(t);
	struct tnode		*root = tnode_add(NULL, xstrdup("."));

	match_tree(r, root, ls);
	buf_addstr(out, "Matching routes:\n");
	tnode_print(root, route_depth(r) + 1, out);
	buf_addch(out, '\n');
	tnode_free(root);
}

/* The receivers joined with ',', then --verify.receivers' verdict. */
static int
print_receivers(const struct route_tree *t, const struct labels *ls,
    const char *expect, struct buf *out)
{
	const char	**recv;
	size_t		  i, n, start = buf_len(out);
	bool		  ok;

	recv = xcalloc(route_tree_len(t) + 1, sizeof(*recv));
	n = route_receivers(t, ls, recv);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(out, ',');
		buf_addstr(out, recv[i]);
	}
	free(recv);
	ok = expect == NULL || *expect == '\0' ||
	    strcmp(expect, buf_str(out) + start) == 0;
	buf_addch(out, '\n');
	if (ok)
		return 0;
	buf_addstr(out, "WARNING: Expected receivers did not match resolved "
	    "receivers.\n");
	return 1;
}

int
cmd_config_routes_test(struct args_ctx *ctx)
{
	struct cli		*c = cli_of(ctx);
	struct load_err		 le;
	struct ad_err		 err = { 0 };
	struct config		*cfg;
	struct route_tree	*t;
	struct labels		*ls;
	struct buf		 out;
	char *const		*lv;
	size_t			 n;
	int			 rc;

	cfg = load_config(ctx, &le);
	if (cfg == NULL)
		return load_err_print(c, &le, true);
	lv = args_list(ctx, "labels", &n);
	ls = parse_labels(lv, n, &err);
	if (ls == NULL) {
		config_unref(cfg);
		ad_err_prefix(&err, "Failed to parse labels");
		return cli_error(c, &err);
	}
	t = route_build(cfg);
	buf_init(&out, BUF_NOCAP);
	if (args_bool(ctx, "tree"))
		print_matching(t, ls, &out);
	rc = print_receivers(t, ls, args_get(ctx, "verify.receivers"), &out);
	cli_print(&out);
	buf_release(&out);
	labels_unref(ls);
	route_tree_free(t);
	config_unref(cfg);
	return rc;
}
