/*
 * Route tree: matching with continue, inheritance, Key()/ID(), group
 * labels and group keys, checked against what Alertmanager 0.25 itself
 * computed for the same configs and label sets (tests/data/routing/<case>:
 * alertd.yml, labels, expected.json; see the README there).  Until the
 * config loader is wired in here, each alertd.yml is rebuilt by hand
 * below, one builder per case.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"
#include "routing/route.h"
#include "routing_fixture.h"

#define DATA	"tests/data/routing/"

static void
set_strv(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* tests/data/routing/basic/alertd.yml */
static struct config_route *
build_basic(void)
{
	struct config_route	*root, *db, *r;

	root = fx_route("default", NULL);
	fx_group_by(root, "cluster");
	db = fx_child(root, fx_route("db", "service=\"db\""));
	fx_group_by(db, "cluster,alertname");
	r = fx_child(db, fx_route("db-pager",
	    "env=\"prod\",severity=~\"crit|page\""));
	fx_timings(r, 10 * AD_SEC, -1, -1);
	r = fx_child(db, fx_route("db-warn", "severity=~\"^(?:warn.*)$\""));
	fx_timings(r, -1, -1, AD_HOUR);
	r = fx_child(root, fx_route("web",
	    "service=~\"^(?:web|api)$\",team=\"frontend\""));
	fx_timings(r, -1, 2 * AD_MIN, -1);
	fx_child(root, fx_route("misc",
	    "team!=\"ops\",env!~\"dev|test\",zone=\"\""));
	return root;
}

/* tests/data/routing/continue/alertd.yml */
static struct config_route *
build_continue(void)
{
	struct config_route	*root, *pager, *r;

	root = fx_route("root", NULL);
	fx_group_by(root, "alertname");
	pager = fx_child(root, fx_route("pager", "severity=\"page\""));
	pager->continue_ = true;
	r = fx_child(pager, fx_route("pager-a", "team=\"a\""));
	r->continue_ = true;
	fx_child(pager, fx_route("pager-ab", "team=~\"a|b\""));
	fx_child(pager, fx_route("pager-any", "team=~\".*\""));
	r = fx_child(root, fx_route("crit", "severity=~\"page|crit\""));
	r->continue_ = true;
	fx_child(root, fx_route("team-a", "team=\"a\""));
	fx_child(root, fx_route("team-a-again", "team=\"a\""));
	r = fx_child(root, fx_route("team-b", "team=\"b\""));
	r->continue_ = true;
	fx_child(root, fx_route("crit", "zone=\"z\""));
	return root;
}

/* tests/data/routing/group_by_all/alertd.yml */
static struct config_route *
build_group_by_all(void)
{
	struct config_route	*root, *ex, *r;

	root = fx_route("all", NULL);
	fx_group_by(root, "...");
	fx_child(root, fx_route("inherit", "kind=\"inherit\""));
	ex = fx_child(root, fx_route("explicit", "kind=\"explicit\""));
	fx_group_by(ex, "job");
	r = fx_child(ex, fx_route("sub-all", "sub=\"all\""));
	fx_group_by(r, "...");
	r = fx_child(ex, fx_route("sub-empty", "sub=\"empty\""));
	fx_group_by(r, "");
	r = fx_child(root, fx_route("empty", "kind=\"empty\""));
	fx_group_by(r, "");
	return root;
}

/* tests/data/routing/inherit/alertd.yml */
static struct config_route *
build_inherit(void)
{
	struct config_route	*root, *a1, *b1, *r;

	root = fx_route("top", NULL);
	fx_group_by(root, "alertname,cluster");
	fx_timings(root, 45 * AD_SEC, 7 * AD_MIN, 3 * AD_HOUR);
	a1 = fx_child(root, fx_route(NULL, "a=\"1\""));
	fx_timings(a1, AD_SEC, -1, -1);
	set_strv(&a1->mute_time_intervals, &a1->n_mute_time_intervals,
	    "nights");
	b1 = fx_child(a1, fx_route("leaf", "b=\"1\""));
	fx_timings(b1, -1, AD_MIN, -1);
	set_strv(&b1->active_time_intervals, &b1->n_active_time_intervals,
	    "weekends");
	r = fx_child(b1, fx_route(NULL, "c=\"1\""));
	fx_timings(r, -1, -1, 5 * AD_MIN);
	r = fx_child(a1, fx_route(NULL, "b=\"2\""));
	fx_group_by(r, "b");
	r = fx_child(root, fx_route("two", "a=\"2\""));
	fx_timings(r, -1, -1, 90 * AD_MIN);
	return root;
}

/* tests/data/routing/escaping/alertd.yml */
static struct config_route *
build_escaping(void)
{
	struct config_route	*root;

	root = fx_route("r", NULL);
	fx_group_by(root, "alertname,v,a0,a");
	fx_child(root, fx_route("quote", "q=\"say \\\"hi\\\"\""));
	fx_child(root, fx_route("backslash", "bs=\"back\\\\slash\""));
	fx_child(root, fx_route("newline", "nl=~\"^(?:line1\\nline2)$\""));
	fx_child(root, fx_route("unicode", "u=\"h\xc3\xa9llo \xe2\x98\x83\""));
	fx_child(root, fx_route("tabre", "t=~\"a\\\\tb|c.d\""));
	return root;
}

static json_t *
load_expected(const char *name)
{
	json_error_t	 jerr;
	json_t		*j;
	char		*path;

	path = xasprintf(DATA "%s/expected.json", name);
	j = json_load_file(path, 0, &jerr);
	ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
	free(path);
	return j;
}

static void
check_strv(json_t *want, const char *const *got, size_t n, const char *what)
{
	size_t	i;

	ck_assert_msg(json_array_size(want) == n, "%s: %zu entries, want %zu",
	    what, n, json_array_size(want));
	for (i = 0; i < n; i++)
		ck_assert_str_eq(got[i],
		    json_string_value(json_array_get(want, i)));
}

static void
check_route_opts(const struct route *r, json_t *w)
{
	ck_assert_str_eq(r->key, json_string_value(json_object_get(w, "key")));
	ck_assert_str_eq(r->id, json_string_value(json_object_get(w, "id")));
	ck_assert_str_eq(r->receiver,
	    json_string_value(json_object_get(w, "receiver")));
	check_strv(json_object_get(w, "group_by"), r->group_by, r->n_group_by,
	    r->id);
	ck_assert(r->group_by_all ==
	    json_boolean_value(json_object_get(w, "group_by_all")));
	ck_assert_int_eq(r->group_wait,
	    json_integer_value(json_object_get(w, "group_wait")));
	ck_assert_int_eq(r->group_interval,
	    json_integer_value(json_object_get(w, "group_interval")));
	ck_assert_int_eq(r->repeat_interval,
	    json_integer_value(json_object_get(w, "repeat_interval")));
	ck_assert(r->continue_ ==
	    json_boolean_value(json_object_get(w, "continue")));
	check_strv(json_object_get(w, "mute_time_intervals"),
	    (const char *const *)r->mute_time_intervals,
	    r->n_mute_time_intervals, "mute");
	check_strv(json_object_get(w, "active_time_intervals"),
	    (const char *const *)r->active_time_intervals,
	    r->n_active_time_intervals, "active");
}

static struct labels *
json_labels(json_t *obj)
{
	struct labels_builder	 b;
	struct labels		*ls;
	const char		*k;
	json_t			*v;

	labels_builder_init(&b);
	json_object_foreach(obj, k, v)
		labels_builder_adds(&b, k, json_string_value(v));
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

struct got_group {
	char		*key;
	const char	*receiver;
	struct labels	*labels;
};

static int
got_cmp(const void *x, const void *y)
{
	const struct got_group *a = x, *b = y;
	int	c = strcmp(a->key, b->key);

	return c != 0 ? c : strcmp(a->receiver, b->receiver);
}

static void
check_groups(const struct route **rs, size_t n, struct labels *ls,
    json_t *want)
{
	struct got_group	*g;
	struct labels		*wl;
	struct buf		 b;
	size_t			 i;
	json_t			*w;

	g = xcalloc(n, sizeof(*g));
	for (i = 0; i < n; i++) {
		buf_init(&b, BUF_NOCAP);
		g[i].labels = route_group_labels(rs[i], ls);
		ck_assert_uint_eq(route_group_fp(rs[i], ls),
		    labels_fingerprint(g[i].labels));
		route_group_key(rs[i], g[i].labels, &b);
		g[i].key = buf_detach(&b, NULL);
		g[i].receiver = rs[i]->receiver;
	}
	qsort(g, n, sizeof(*g), got_cmp);
	ck_assert_uint_eq(json_array_size(want), n);
	for (i = 0; i < n; i++) {
		w = json_array_get(want, i);
		ck_assert_str_eq(g[i].key,
		    json_string_value(json_object_get(w, "group_key")));
		ck_assert_str_eq(g[i].receiver,
		    json_string_value(json_object_get(w, "receiver")));
		wl = json_labels(json_object_get(w, "group_labels"));
		ck_assert(labels_equal(wl, g[i].labels));
		labels_unref(wl);
		labels_unref(g[i].labels);
		free(g[i].key);
	}
	free(g);
}

static void
check_tree(const char *name, struct route_tree *t)
{
	const struct route	**rs;
	const char		**recv;
	struct labels		 *ls;
	json_t			 *exp, *routes, *cases, *c;
	size_t			  i, j, n;

	exp = load_expected(name);
	routes = json_object_get(exp, "routes");
	ck_assert_uint_eq(route_tree_len(t), json_array_size(routes));
	for (i = 0; i < route_tree_len(t); i++) {
		ck_assert_uint_eq(route_tree_get(t, i)->idx, i);
		check_route_opts(route_tree_get(t, i),
		    json_array_get(routes, i));
	}
	rs = xcalloc(route_tree_len(t), sizeof(*rs));
	recv = xcalloc(route_tree_len(t), sizeof(*recv));
	cases = json_object_get(exp, "cases");
	ck_assert_uint_gt(json_array_size(cases), 0);
	json_array_foreach(cases, i, c) {
		ls = json_labels(json_object_get(c, "labels"));
		n = route_match(t, ls, rs);
		ck_assert_uint_eq(json_array_size(
		    json_object_get(c, "route_keys")), n);
		for (j = 0; j < n; j++)
			ck_assert_str_eq(rs[j]->key, json_string_value(
			    json_array_get(json_object_get(c, "route_keys"),
			    j)));
		ck_assert_uint_eq(route_receivers(t, ls, recv), n);
		check_strv(json_object_get(c, "receivers"), recv, n,
		    "receivers");
		check_groups(rs, n, ls, json_object_get(c, "groups"));
		labels_unref(ls);
	}
	free(rs);
	free(recv);
	json_decref(exp);
}

/* The hand-built tree of a case. */
static void
check_case(const char *name, struct config_route *root)
{
	struct route_tree	*t = route_tree_new(root);

	check_tree(name, t);
	route_tree_free(t);
	fx_route_free(root);
}

/* The case's alertd.yml, through the config loader. */
static void
check_loaded(const char *name)
{
	struct ad_errs		 errs;
	struct config		*cfg;
	struct route_tree	*t;
	char			*path;

	ad_errs_init(&errs);
	path = xasprintf(DATA "%s/alertd.yml", name);
	cfg = config_load(path, NULL, &errs, NULL);
	ck_assert_msg(cfg != NULL, "%s: %s", path,
	    errs.n > 0 ? errs.v[0].msg : "?");
	t = route_build(cfg);
	check_tree(name, t);
	route_tree_free(t);
	config_unref(cfg);
	ad_errs_release(&errs);
	free(path);
}

START_TEST(basic_matches_alertmanager)
{
	check_case("basic", build_basic());
}
END_TEST

START_TEST(continue_matches_alertmanager)
{
	check_case("continue", build_continue());
}
END_TEST

START_TEST(group_by_all_matches_alertmanager)
{
	check_case("group_by_all", build_group_by_all());
}
END_TEST

START_TEST(inherit_matches_alertmanager)
{
	check_case("inherit", build_inherit());
}
END_TEST

START_TEST(escaping_matches_alertmanager)
{
	check_case("escaping", build_escaping());
}
END_TEST

START_TEST(loaded_configs_match_alertmanager)
{
	static const char *const cases[] = { "basic", "continue",
	    "group_by_all", "inherit", "escaping", NULL };
	size_t	i;

	for (i = 0; cases[i] != NULL; i++)
		check_loaded(cases[i]);
}
END_TEST

START_TEST(defaults_for_an_empty_root)
{
	struct config_route	*root = fx_route(NULL, NULL);
	struct route_tree	*t = route_tree_new(root);
	const struct route	*r = route_tree_root(t);
	struct labels		*ls = fx_labels(FX_L("a", "b"));
	struct labels		*gl;
	struct buf		 b;

	ck_assert_str_eq(r->receiver, "");
	ck_assert_int_eq(r->group_wait, 30 * AD_SEC);
	ck_assert_int_eq(r->group_interval, 5 * AD_MIN);
	ck_assert_int_eq(r->repeat_interval, 4 * AD_HOUR);
	ck_assert_str_eq(r->key, "{}");
	ck_assert_str_eq(r->id, "{}");
	ck_assert_ptr_null(route_tree_get(t, 1));
	/* No group_by: every alert lands in the one group {}. */
	gl = route_group_labels(r, ls);
	ck_assert_uint_eq(labels_len(gl), 0);
	ck_assert_uint_eq(route_group_fp(r, ls), FNV1A64_INIT);
	buf_init(&b, BUF_NOCAP);
	route_group_key(r, gl, &b);
	ck_assert_str_eq(buf_str(&b), "{}:{}");
	buf_release(&b);
	labels_unref(gl);
	labels_unref(ls);
	route_tree_free(t);
	fx_route_free(root);
}
END_TEST

START_TEST(root_that_does_not_match)
{
	struct config_route	*root = fx_route("r", "x=\"1\"");
	struct route_tree	*t = route_tree_new(root);
	const struct route	*out[1];
	struct labels		*ls = fx_labels(FX_L("x", "2"));

	ck_assert_uint_eq(route_match(t, ls, out), 0);
	labels_unref(ls);
	route_tree_free(t);
	fx_route_free(root);
}
END_TEST

START_TEST(matchers_sorted_by_name_value_type)
{
	struct config_route	*root = fx_route("r", NULL);
	struct route_tree	*t;

	/* labels.Matchers.Less: name, then value, then type. */
	fx_child(root, fx_route(NULL,
	    "b=~\"x\",b=\"x\",a!=\"z\",b!~\"a\",a=\"z\""));
	t = route_tree_new(root);
	ck_assert_str_eq(route_tree_get(t, 1)->key,
	    "{}/{a=\"z\",a!=\"z\",b!~\"a\",b=\"x\",b=~\"x\"}");
	ck_assert_str_eq(route_tree_get(t, 1)->id,
	    "{}/{a=\"z\",a!=\"z\",b!~\"a\",b=\"x\",b=~\"x\"}/0");
	route_tree_free(t);
	fx_route_free(root);
}
END_TEST

Suite *
route_suite(void)
{
	Suite	*s = suite_create("route");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, basic_matches_alertmanager);
	tcase_add_test(tc, continue_matches_alertmanager);
	tcase_add_test(tc, group_by_all_matches_alertmanager);
	tcase_add_test(tc, inherit_matches_alertmanager);
	tcase_add_test(tc, escaping_matches_alertmanager);
	tcase_add_test(tc, loaded_configs_match_alertmanager);
	tcase_add_test(tc, defaults_for_an_empty_root);
	tcase_add_test(tc, root_that_does_not_match);
	tcase_add_test(tc, matchers_sorted_by_name_value_type);
	suite_add_tcase(s, tc);
	return s;
}
