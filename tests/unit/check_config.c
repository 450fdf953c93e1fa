/*
 * config/ units: ynode (anchors, merge keys, duplicate keys, caps, syntax
 * errors), decode (yaml.v2's YAML 1.1 scalar resolution and type errors,
 * on a table of its own), durations, URL and host:port parsing, route
 * inheritance, secrets.  Expected texts are yaml.v2's and amtool 0.25's
 * (see tests/data/config/invalid/ for the same texts from amtool).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "config/decode.h"
#include "config/ynode.h"
#include "notifiers/notifier.h"
#include "routing/timeint.h"

/* ------------------------------------------------------------ ynode -- */

static struct ynode_doc *
parse(const char *s, struct ad_err *e)
{
	memset(e, 0, sizeof(*e));
	return ynode_parse(s, strlen(s), e);
}

START_TEST(ynode_tree_lines_and_styles)
{
	struct ad_err		 e;
	struct ynode_doc	*d = parse("a: 1\nb:\n  - 'x'\n  - \"y\"\n"
				    "c: {e: f}\ng:\n  d: |\n    lit\n", &e);
	const struct ynode	*r, *b, *c;

	ck_assert_ptr_nonnull(d);
	r = ynode_root(d);
	ck_assert_int_eq(r->kind, YNODE_MAP);
	ck_assert_uint_eq(r->n, 8);
	b = ynode_map_get(r, "b");
	ck_assert_int_eq(b->kind, YNODE_SEQ);
	ck_assert_int_eq(b->line, 3);
	ck_assert_int_eq(b->child[0]->style, YNODE_SINGLE);
	ck_assert_int_eq(b->child[1]->style, YNODE_DOUBLE);
	ck_assert_int_eq(b->child[1]->line, 4);
	ck_assert_int_eq(b->child[1]->col, 5);
	ck_assert(!b->child[0]->implicit);
	ck_assert(ynode_map_get(r, "a")->implicit);
	c = ynode_map_get(r, "c");
	ck_assert_int_eq(c->style, YNODE_FLOW);
	ck_assert_str_eq(ynode_map_get(c, "e")->value, "f");
	ck_assert_int_eq(ynode_map_get(ynode_map_get(r, "g"), "d")->style,
	    YNODE_LITERAL);
	ck_assert_str_eq(ynode_map_get(ynode_map_get(r, "g"), "d")->value,
	    "lit\n");
	ck_assert_ptr_null(ynode_map_get(r, "zz"));
	ynode_doc_free(d);
}
END_TEST

START_TEST(ynode_anchors_and_aliases)
{
	struct ad_err		 e;
	struct ynode_doc	*d;
	const struct ynode	*r, *b;

	d = parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n", &e);
	ck_assert_ptr_nonnull(d);
	r = ynode_root(d);
	b = ynode_map_get(r, "b");
	ck_assert_int_eq(b->kind, YNODE_ALIAS);
	ck_assert_int_eq(b->line, 2);
	ck_assert_str_eq(ynode_deref(b)->value, "1");
	/* A redefined anchor: later aliases see the newest (yaml.v2). */
	ck_assert_str_eq(ynode_deref(ynode_map_get(r, "d"))->value, "2");
	ynode_doc_free(d);

	ck_assert_ptr_null(parse("a: *nope\n", &e));
	ck_assert_str_eq(e.msg, "yaml: unknown anchor 'nope' referenced");
	/* A node cannot contain itself (the fuzzer's stack overflow). */
	ck_assert_ptr_null(parse("a: &x [1, {b: *x}]\n", &e));
	ck_assert_str_eq(e.msg, "yaml: anchor 'x' value contains itself");
}
END_TEST

START_TEST(ynode_merge_and_null)
{
	struct ad_err		 e;
	struct ynode_doc	*d;
	const struct ynode	*r, *l;

	d = parse("- <<: 1\n- '<<': 1\n- !!merge <<: 1\n"
	    "- [~, null, Null, NULL, '', 'null', !!null x, nil]\n", &e);
	ck_assert_ptr_nonnull(d);
	r = ynode_root(d);
	ck_assert(ynode_is_merge(r->child[0]->child[0]));
	ck_assert(!ynode_is_merge(r->child[1]->child[0]));
	ck_assert(ynode_is_merge(r->child[2]->child[0]));
	l = r->child[3];
	ck_assert(ynode_is_null(l->child[0]));
	ck_assert(ynode_is_null(l->child[1]));
	ck_assert(ynode_is_null(l->child[2]));
	ck_assert(ynode_is_null(l->child[3]));
	ck_assert(!ynode_is_null(l->child[4]));	/* '' is a string */
	ck_assert(!ynode_is_null(l->child[5]));
	ck_assert(ynode_is_null(l->child[6]));
	ck_assert(!ynode_is_null(l->child[7]));
	ck_assert(ynode_is_null(NULL));
	ynode_doc_free(d);
}
END_TEST

START_TEST(ynode_duplicate_keys_kept)
{
	struct ad_err		 e;
	struct ynode_doc	*d = parse("a: 1\na: 2\n", &e);

	/* The decoder reports duplicates; the tree keeps both, last wins. */
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(ynode_root(d)->n, 4);
	ck_assert_str_eq(ynode_map_get(ynode_root(d), "a")->value, "2");
	ynode_doc_free(d);
}
END_TEST

START_TEST(ynode_documents_and_errors)
{
	struct ad_err		 e;
	struct ynode_doc	*d;

	d = parse("", &e);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(ynode_root(d)->kind, YNODE_NULL);
	ynode_doc_free(d);
	d = parse("a: 1\n---\nb: 2\n", &e);	/* first document only */
	ck_assert_ptr_nonnull(ynode_map_get(ynode_root(d), "a"));
	ck_assert_ptr_null(ynode_map_get(ynode_root(d), "b"));
	ynode_doc_free(d);
	/* As amtool 0.25 words them (invalid/yaml-syntax, yaml-tab). */
	ck_assert_ptr_null(parse("route:\n  receiver: r\n receivers: []\n",
	    &e));
	ck_assert_str_eq(e.msg, "yaml: line 2: did not find expected key");
	ck_assert_ptr_null(parse("route:\n\treceiver: r\n", &e));
	ck_assert_str_eq(e.msg,
	    "yaml: line 2: found character that cannot start any token");
}
END_TEST

START_TEST(ynode_caps)
{
	struct ad_err	 e;
	struct buf	 b;
	int		 i;

	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < YNODE_MAX_DEPTH + 10; i++)
		buf_addch(&b, '[');
	ck_assert_ptr_null(parse(buf_str(&b), &e));
	ck_assert_int_eq(e.code, AD_ELIMIT);
	ck_assert_ptr_nonnull(strstr(e.msg, "nesting deeper"));
	buf_reset(&b);
	for (i = 0; (size_t)i <= YNODE_MAX_BYTES / 8; i++)
		buf_addstr(&b, "#comment");
	buf_addstr(&b, "\na: 1\n");
	ck_assert_ptr_null(parse(buf_str(&b), &e));
	ck_assert_int_eq(e.code, AD_ELIMIT);
	buf_release(&b);
}
END_TEST

/* ----------------------------------------------------------- decode -- */

struct tdec {
	bool			 b;
	int			 i;
	int64_t			 i64;
	uint64_t		 u;
	char			*s, *secret, *url, *hp;
	ad_dur_t		 d, gd;
	char			**strs;
	size_t			 n_strs;
	struct config_kv	*m;
	size_t			 n_m;
	bool			 t, t_set;
};

#define TD	struct tdec

static const struct config_field tdec_fields[] = {
	CF_F("b", CF_BOOL, 0, TD, b),
	CF_F("i", CF_INT, 0, TD, i),
	CF_F("i64", CF_INT64, 0, TD, i64),
	CF_F("u", CF_UINT64, 0, TD, u),
	CF_FD("s", CF_STR, 0, TD, s, "default"),
	CF_F("secret", CF_SECRET, 0, TD, secret),
	CF_F("url", CF_URL, 0, TD, url),
	CF_F("hp", CF_HOSTPORT, 0, TD, hp),
	CF_FI("d", CF_DUR, 0, TD, d, 5 * AD_MIN),
	CF_F("gd", CF_GODUR, 0, TD, gd),
	CF_FN("strs", CF_STRS, 0, TD, strs, n_strs),
	CF_FN("m", CF_MAP, 0, TD, m, n_m),
	{ .key = "t", .type = CF_BOOL, .flags = CF_HASSET,
	  .off = offsetof(TD, t), .off_set = offsetof(TD, t_set) },
	CF_END
};

static const struct config_obj tdec_obj = {
	.go_type = "config.plain", .size = sizeof(TD), .fields = tdec_fields,
};

/* Decodes yaml into *t; errs gets every error.  Returns 0 or -1. */
static int
tdecode(const char *yaml, struct tdec *t, struct ad_errs *errs)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct config_check	 chk;
	struct ynode_doc	*d;
	struct ad_err		 e;
	int			 rc;

	memset(t, 0, sizeof(*t));
	config_obj_init(&tdec_obj, t);
	ad_errs_init(errs);
	d = ynode_parse(yaml, strlen(yaml), &e);
	ck_assert_msg(d != NULL, "%s", e.msg);
	memset(&chk, 0, sizeof(chk));
	chk.errs = errs;
	chk.opts = &opts;
	chk.file = "t.yml";
	chk.budget = 100000;
	rc = config_obj_decode(&chk, ynode_root(d), &tdec_obj, t);
	ynode_doc_free(d);
	return rc;
}

static void
tdone(struct tdec *t, struct ad_errs *errs)
{
	config_obj_release(&tdec_obj, t);
	ad_errs_release(errs);
}

/* "where: msg", the way every error is printed. */
static const char *
efull(const struct ad_err *e)
{
	static char	out[sizeof(e->where) + sizeof(e->msg) + 2];

	snprintf(out, sizeof(out), "%s: %s", e->where, e->msg);
	return out;
}

/* Decoding yaml fails with exactly one error: "where: msg". */
static const char *
buf_where_msg(const char *where, const char *msg)
{
	static char	out[1024];

	snprintf(out, sizeof(out), "%s: %s", where, msg);
	return out;
}

static void
tfail(const char *yaml, const char *where, const char *msg)
{
	struct tdec	t;
	struct ad_errs	errs;

	ck_assert_int_eq(tdecode(yaml, &t, &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(efull(&errs.v[0]), buf_where_msg(where, msg));
	tdone(&t, &errs);
}

START_TEST(decode_yaml11_bools)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES",
	    "true", "True", "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO",
	    "false", "False", "FALSE", "off", "Off", "OFF", NULL };
	struct tdec	t;
	struct ad_errs	errs;
	char		y[64];
	size_t		i;

	for (i = 0; yes[i] != NULL; i++) {
		snprintf(y, sizeof(y), "b: %s\n", yes[i]);
		ck_assert_int_eq(tdecode(y, &t, &errs), 0);
		ck_assert_msg(t.b, "%s", yes[i]);
		tdone(&t, &errs);
	}
	for (i = 0; no[i] != NULL; i++) {
		snprintf(y, sizeof(y), "b: %s\n", no[i]);
		ck_assert_int_eq(tdecode(y, &t, &errs), 0);
		ck_assert_msg(!t.b, "%s", no[i]);
		tdone(&t, &errs);
	}
	/* Quoted, it is a string (amtool: invalid/yaml-type-bool). */
	tfail("b: 'yes'\n", "t.yml:1:4",
	    "b: cannot unmarshal !!str `yes` into bool");
	tfail("b: 1\n", "t.yml:1:4", "b: cannot unmarshal !!int `1` into bool");
}
END_TEST

START_TEST(decode_yaml11_numbers)
{
	struct tdec	t;
	struct ad_errs	errs;

	ck_assert_int_eq(tdecode("i: 0x1F\ni64: -0o17\nu: 1_000\n", &t,
	    &errs), 0);
	ck_assert_int_eq(t.i, 31);
	ck_assert_int_eq(t.i64, -15);
	ck_assert_uint_eq(t.u, 1000);
	tdone(&t, &errs);
	ck_assert_int_eq(tdecode("i: 017\nu: 0b101\ni64: 9223372036854775807\n",
	    &t, &errs), 0);
	ck_assert_int_eq(t.i, 15);
	ck_assert_uint_eq(t.u, 5);
	ck_assert_int_eq(t.i64, INT64_MAX);
	tdone(&t, &errs);
	tfail("i: many\n", "t.yml:1:4",
	    "i: cannot unmarshal !!str `many` into int");
	/* yaml.v2 truncates a float into an int field. */
	ck_assert_int_eq(tdecode("i: 1.5\n", &t, &errs), 0);
	ck_assert_int_eq(t.i, 1);
	tdone(&t, &errs);
	tfail("u: -1\n", "t.yml:1:4",
	    "u: cannot unmarshal !!int `-1` into uint64");
	/* yaml.v2 cuts long values in messages. */
	tfail("i: abcdefghijk\n", "t.yml:1:4",
	    "i: cannot unmarshal !!str `abcdefg...` into int");
	/* An explicit tag wins over the form (invalid/yaml-explicit-tag). */
	tfail("u: !!str 5\n", "t.yml:1:4", "u: cannot unmarshal !!str `5` into "
	    "uint64");
}
END_TEST

START_TEST(decode_strings_and_nulls)
{
	struct tdec	t;
	struct ad_errs	errs;

	/* Any scalar is its text in a string field; null keeps defaults. */
	ck_assert_int_eq(tdecode("s: 1.50\nstrs: [yes, 0x1F, ~]\n", &t, &errs),
	    0);
	ck_assert_str_eq(t.s, "1.50");
	ck_assert_uint_eq(t.n_strs, 3);
	ck_assert_str_eq(t.strs[0], "yes");
	ck_assert_str_eq(t.strs[1], "0x1F");
	ck_assert_str_eq(t.strs[2], "");
	tdone(&t, &errs);
	/* yaml.v2 sets a field given null to its zero value (Alertmanager
	 * then shows resolve_timeout: 0s), a pointer to nil (not set). */
	ck_assert_int_eq(tdecode("s:\nd: ~\nt: false\nt: null\n", &t, &errs),
	    -1);				/* t twice */
	tdone(&t, &errs);
	ck_assert_int_eq(tdecode("s:\nd: ~\nt: null\nstrs: ~\n", &t, &errs), 0);
	ck_assert_ptr_null(t.s);
	ck_assert_int_eq(t.d, 0);
	ck_assert(!t.t_set);
	ck_assert_uint_eq(t.n_strs, 0);
	tdone(&t, &errs);
	ck_assert_int_eq(tdecode("t: false\n", &t, &errs), 0);
	ck_assert(t.t_set);
	tdone(&t, &errs);
	tfail("s: {a: b}\n", "t.yml:1:4",
	    "s: cannot unmarshal !!map into string");
	tfail("strs: a\n", "t.yml:1:7", "strs: cannot unmarshal !!str `a` into "
	    "[]string");
}
END_TEST

START_TEST(decode_strict_fields_and_maps)
{
	struct tdec	t;
	struct ad_errs	errs;

	tfail("zz: 1\n", "t.yml:1:1",
	    "field zz not found in type config.plain");
	tfail("s: a\ns: b\n", "t.yml:2:1",
	    "field s already set in type config.plain");
	tfail("m: {a: b, a: c}\n", "t.yml:1:11", "m: key \"a\" already set in "
	    "map");	/* at the second key */
	/* Every error at once, each at its place. */
	ck_assert_int_eq(tdecode("b: x\ni: y\nzz: 1\n", &t, &errs), -1);
	ck_assert_uint_eq(errs.n, 3);
	ck_assert_str_eq(errs.v[1].where, "t.yml:2:4: i");
	ck_assert_str_eq(errs.v[2].where, "t.yml:3:1");
	tdone(&t, &errs);
}
END_TEST

START_TEST(decode_merge_keys)
{
	struct tdec	t;
	struct ad_errs	errs;

	/* Keys written after the merge win; in a merge list, the first. */
	ck_assert_int_eq(tdecode("<<: [{s: first, i: 1}, {s: second, i: 2, "
	    "u: 3}]\ni: 9\n", &t, &errs), 0);
	ck_assert_str_eq(t.s, "first");
	ck_assert_int_eq(t.i, 9);
	ck_assert_uint_eq(t.u, 3);
	tdone(&t, &errs);
	/* In a string map, a key merged in is already set (strict). */
	tfail("m:\n  <<: {a: '1', b: '2'}\n  b: '3'\n", "t.yml:3:3",
	    "m: key \"b\" already set in map");
	tfail("<<: x\n", "t.yml:1:5", "yaml: map merge requires map or "
	    "sequence of maps as the value");
}
END_TEST

START_TEST(decode_alias_bomb_is_bounded)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct ad_errs		 errs;
	struct config		*c;
	const char		*bomb =
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	    "route:\n  receiver: r\n  group_by: [*g, *g, *g, *g, *g, *g]\n"
	    "receivers: [{name: r}]\n";

	ad_errs_init(&errs);
	c = config_load_bytes("bomb.yml", bomb, strlen(bomb), NULL, &opts,
	    &errs, NULL);
	ck_assert_ptr_null(c);
	ck_assert_uint_gt(errs.n, 0);
	ad_errs_release(&errs);
}
END_TEST

/* Chains of anchors nest without end; decoding stops at a depth. */
START_TEST(decode_alias_chain_depth_is_bounded)
{
	struct ad_errs	 errs;
	struct config	*c;
	struct buf	 b;
	size_t		 i;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "route:\n  receiver: r\n  routes:\n");
	buf_addstr(&b, "    - &r0 {receiver: r}\n");
	for (i = 1; i < 2000; i++)
		buf_addf(&b, "    - &r%zu {routes: [*r%zu]}\n", i, i - 1);
	buf_addstr(&b, "receivers: [{name: r}]\n");
	ad_errs_init(&errs);
	c = config_load_bytes("deep.yml", buf_str(&b), buf_len(&b), NULL,
	    NULL, &errs, NULL);
	ck_assert_ptr_null(c);
	for (i = 0; i < errs.n; i++)
		if (strstr(errs.v[i].msg, "document nests deeper than 512 "
		    "levels (through aliases)") != NULL)
			break;
	ck_assert_msg(i < errs.n, "no depth error");
	ad_errs_release(&errs);
	buf_release(&b);
}
END_TEST

/* -------------------------------------------------------- durations -- */

START_TEST(durations_prometheus_and_go)
{
	struct tdec	t;
	struct ad_errs	errs;

	ck_assert_int_eq(tdecode("d: 1y2w3d4h5m6s7ms\ngd: 1h2m3.5s\n", &t,
	    &errs), 0);
	ck_assert_int_eq(t.d, 365 * 24 * AD_HOUR + 17 * 24 * AD_HOUR +
	    4 * AD_HOUR + 5 * AD_MIN + 6 * AD_SEC + 7 * AD_MS);
	ck_assert_int_eq(t.gd, AD_HOUR + 2 * AD_MIN + 3 * AD_SEC + AD_SEC / 2);
	tdone(&t, &errs);
	ck_assert_int_eq(tdecode("d: 0\ngd: 0\n", &t, &errs), 0);
	ck_assert_int_eq(t.d, 0);
	tdone(&t, &errs);
	ck_assert_int_eq(tdecode("d: 90s\n", &t, &errs), 0);
	ck_assert_int_eq(t.d, 90 * AD_SEC);
	tdone(&t, &errs);
	/* amtool: invalid/route-duration-*, invalid/pushover-retry. */
	tfail("d: 1.5m\n", "t.yml:1:4", "d: not a valid duration string: "
	    "\"1.5m\"");
	tfail("d: ''\n", "t.yml:1:4", "d: empty duration string");
	tfail("gd: 1d\n", "t.yml:1:5",
	    "gd: time: unknown unit \"d\" in duration \"1d\"");
	tfail("gd: 10\n", "t.yml:1:5", "gd: time: missing unit in duration "
	    "\"10\"");
	tfail("gd: x\n", "t.yml:1:5", "gd: time: invalid duration \"x\"");
}
END_TEST

/* ------------------------------------------------- URLs, host:port -- */

static void
url_err(const char *url, bool any, const char *want)
{
	char	msg[512];

	ck_assert_int_eq(config_parse_url(url, any, msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, want);
}

START_TEST(urls_as_alertmanager)
{
	char	msg[512];

	ck_assert_int_eq(config_parse_url("https://h:8080/p?q=1#f", false, msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(config_parse_url("HTTP://[::1]:80/", false, msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(config_parse_url("u:p@h", true, msg, sizeof(msg)),
	    0);
	/* amtool: invalid/webhook-url-*, invalid/global-url-scheme. */
	url_err("ftp://a/", false, "unsupported scheme \"ftp\" for URL");
	url_err("events.pagerduty.com", false,
	    "unsupported scheme \"\" for URL");
	url_err("http:///path", false, "missing host for URL");
	url_err("http://a b/", false,
	    "parse \"http://a b/\": invalid character \" \" in host name");
	url_err("http://a/%zz", false,
	    "parse \"http://a/%zz\": invalid URL escape \"%zz\"");
	url_err("http://a:b/", false, "parse \"http://a:b/\": invalid port "
	    "\":b\" after host");
	url_err(":x", true, "parse \":x\": missing protocol scheme");
}
END_TEST

static void
url_back(const char *raw, bool redact, const char *want)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	config_url_string(raw, redact, &b);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
}

/* As Go's url.Parse(s).String() gives them back (dump case urls). */
START_TEST(urls_written_back_as_go)
{
	char	*s;

	url_back("HTTPS://Example.ORG:443/A%2fB?Q=1#F", false,
	    "https://Example.ORG:443/A%2fB?Q=1#F");
	url_back("http://x/a b", false, "http://x/a%20b");
	url_back("http://x/a!b*(c)", false, "http://x/a!b*(c)");
	url_back("http://u:p@x/\xc3\xa9", false, "http://u:p@x/%C3%A9");
	url_back("http://x?a=b c", false, "http://x?a=b c");
	url_back("http://x/#a b", false, "http://x/#a%20b");
	url_back("http://u:p@proxy:1/", true, "http://u:xxxxx@proxy:1/");
	url_back("http://u@proxy:1/", true, "http://u@proxy:1/");
	s = config_url_add_slash("http://x/a!b");
	ck_assert_str_eq(s, "http://x/a%21b/");
	free(s);
	s = config_url_add_slash("https://v?x=1");
	ck_assert_str_eq(s, "https://v/?x=1");
	free(s);
	s = config_url_add_slash("https://w/%41%2f");
	ck_assert_str_eq(s, "https://w/%41%2f");
	free(s);
}
END_TEST

START_TEST(hostports_as_go)
{
	char	msg[512];

	ck_assert_int_eq(config_parse_hostport("h:25", msg, sizeof(msg)), 0);
	ck_assert_int_eq(config_parse_hostport("[::1]:25", msg, sizeof(msg)),
	    0);
	ck_assert_int_eq(config_parse_hostport("", msg, sizeof(msg)), 0);
	/* amtool: invalid/email-smarthost-*, invalid/global-smarthost. */
	ck_assert_int_eq(config_parse_hostport("h", msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "address h: missing port in address");
	ck_assert_int_eq(config_parse_hostport("h:", msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "address \"h:\": port cannot be empty");
	ck_assert_int_eq(config_parse_hostport("a:b:c", msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "address a:b:c: too many colons in address");
}
END_TEST

/* ---------------------------------------------------- config level -- */

static struct config *
load(const char *yaml, struct ad_errs *errs)
{
	struct config_load_opts	opts = config_load_opts_amtool();

	ad_errs_init(errs);
	return config_load_bytes("c.yml", yaml, strlen(yaml), NULL, &opts,
	    errs, NULL);
}

START_TEST(route_options_inherited)
{
	struct ad_errs		 errs;
	struct config		*c = load(
	    "route:\n"
	    "  receiver: top\n"
	    "  group_by: [a]\n"
	    "  group_wait: 1s\n"
	    "  routes:\n"
	    "    - receiver: mid\n"
	    "      group_interval: 2m\n"
	    "      group_by: ['...']\n"
	    "      routes:\n"
	    "        - repeat_interval: 3h\n"
	    "          group_by: []\n"
	    "    - group_by: [b, c]\n"
	    "receivers: [{name: top}, {name: mid}]\n", &errs);
	const struct config_route *r, *mid, *leaf, *other;

	ck_assert_msg(c != NULL, "%s", errs.n ? errs.v[0].msg : "");
	r = c->route;
	ck_assert_int_eq(r->group_wait, AD_SEC);
	ck_assert_int_eq(r->group_interval, 5 * AD_MIN);
	ck_assert_int_eq(r->repeat_interval, 4 * AD_HOUR);
	mid = r->routes[0];
	ck_assert_str_eq(mid->receiver, "mid");
	ck_assert_int_eq(mid->group_wait, AD_SEC);
	ck_assert_int_eq(mid->group_interval, 2 * AD_MIN);
	ck_assert(mid->group_by_all);
	leaf = mid->routes[0];
	ck_assert_str_eq(leaf->receiver, "mid");
	ck_assert(!leaf->receiver_set);
	ck_assert_int_eq(leaf->group_interval, 2 * AD_MIN);
	ck_assert_int_eq(leaf->repeat_interval, 3 * AD_HOUR);
	ck_assert(leaf->group_by_all);		/* [] inherits */
	other = r->routes[1];
	ck_assert_str_eq(other->receiver, "top");
	ck_assert_uint_eq(other->n_group_by, 2);
	ck_assert(!other->group_by_all);
	ck_assert_uint_eq(r->n_group_by, 1);
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

START_TEST(root_defaults)
{
	struct ad_errs	 errs;
	struct config	*c;

	c = load("route: {receiver: r}\nreceivers: [{name: r}]\n", &errs);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->global.resolve_timeout, 5 * AD_MIN);
	ck_assert_int_eq(c->route->group_wait, 30 * AD_SEC);
	ck_assert_int_eq(c->route->group_interval, 5 * AD_MIN);
	ck_assert_int_eq(c->route->repeat_interval, 4 * AD_HOUR);
	ck_assert_str_eq(c->global.smtp_hello, "localhost");
	ck_assert(c->global.smtp_require_tls);
	ck_assert(c->global.http->follow_redirects);
	ck_assert(c->global.http->enable_http2);
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

START_TEST(secrets_masked_everywhere)
{
	struct ad_errs	 errs;
	struct buf	 b;
	struct config	*c = load(
	    "global:\n"
	    "  smtp_auth_password: Zk01\n"
	    "  smtp_auth_secret: Zk02\n"
	    "  slack_api_url: https://hooks.example.org/Zk03\n"
	    "  opsgenie_api_key: Zk04\n"
	    "  victorops_api_key: Zk05\n"
	    "  wechat_api_secret: Zk06\n"
	    "  http_config:\n"
	    "    basic_auth: {username: u, password: Zk07}\n"
	    "    proxy_url: http://u:Zk08@proxy:1\n"
	    "    proxy_connect_header: {X: [Zk09]}\n"
	    "route: {receiver: r}\n"
	    "receivers:\n"
	    "  - name: r\n"
	    "    pagerduty_configs: [{routing_key: Zk10, service_key: Zk11}]\n"
	    "    pushover_configs: [{user_key: Zk12, token: Zk13}]\n"
	    "    telegram_configs: [{bot_token: Zk14, chat_id: 1}]\n"
	    "    discord_configs: [{webhook_url: 'https://d/Zk15'}]\n"
	    "    sns_configs: [{topic_arn: t, sigv4: {access_key: a, "
	    "secret_key: Zk16}}]\n"
	    "    webhook_configs: [{url: 'http://w/', http_config: {oauth2: "
	    "{client_id: i, client_secret: Zk17, token_url: 'http://t/'}}}]\n",
	    &errs);
	static const char *const secrets[] = { "Zk01", "Zk02", "Zk03", "Zk04",
	    "Zk05", "Zk06", "Zk07", "Zk08", "Zk09", "Zk10", "Zk11", "Zk12",
	    "Zk13", "Zk14", "Zk15", "Zk16", "Zk17", NULL };
	size_t	i;

	ck_assert_msg(c != NULL, "%s", errs.n ? errs.v[0].msg : "");
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(config_dump_yaml(c, &b), 0);
	for (i = 0; secrets[i] != NULL; i++)
		ck_assert_msg(strstr(buf_str(&b), secrets[i]) == NULL,
		    "%s shown", secrets[i]);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "<secret>"));
	/* A proxy password becomes xxxxx, as prometheus/common redacts it. */
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "http://u:xxxxx@proxy:1"));
	buf_release(&b);
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

START_TEST(errors_carry_place_and_path)
{
	struct ad_errs	 errs;
	struct config	*c = load(
	    "route:\n"
	    "  receiver: r\n"
	    "  routes:\n"
	    "    - receiver: nope\n"
	    "      group_wait: soon\n"
	    "receivers:\n"
	    "  - name: r\n"
	    "    webhook_configs: [{}]\n", &errs);

	/* Every error of the file, where Alertmanager stops at one. */
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(errs.n, 3);
	/* where: file:line:col and the field; msg: Alertmanager's words. */
	ck_assert_str_eq(errs.v[0].where, "c.yml:5:19: route.routes[0].group_wait");
	ck_assert_str_eq(errs.v[0].msg, "not a valid duration string: \"soon\"");
	ck_assert_str_eq(efull(&errs.v[1]), "c.yml:8:23: "
	    "receivers[0].webhook_configs[0]: "
	    "missing URL in webhook config");
	ck_assert_str_eq(efull(&errs.v[2]), "c.yml:4:17: "
	    "route.routes[0].receiver: undefined receiver \"nope\" used in "
	    "route");
	ad_errs_release(&errs);
}
END_TEST

/* `weekdays: []` is given and empty: it matches nothing, as in Go. */
START_TEST(time_interval_empty_list_given)
{
	struct ad_errs		 errs;
	const struct timeint	*ti;
	struct config		*c = load(
	    "route: {receiver: r, routes: [{mute_time_intervals: [a, b]}]}\n"
	    "receivers: [{name: r}]\n"
	    "time_intervals:\n"
	    "  - name: a\n"
	    "    time_intervals: [{weekdays: []}]\n"
	    "  - name: b\n"
	    "    time_intervals: [{months: ['january:december']}]\n", &errs);

	ck_assert_msg(c != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ti = config_time_interval(c, "a");
	ck_assert_ptr_nonnull(ti);
	ck_assert_uint_eq(ti->specs[0].n_weekdays, 0);
	ck_assert(ti->specs[0].set & TIMEINT_SET_WEEKDAYS);
	ck_assert(!(ti->specs[0].set & TIMEINT_SET_MONTHS));
	ck_assert(!timeint_contains(ti, 1700000000 * AD_SEC));
	ti = config_time_interval(c, "b");
	ck_assert(timeint_contains(ti, 1700000000 * AD_SEC));
	config_unref(c);
	ad_errs_release(&errs);
}
END_TEST

/* Later plain fields: unknown to amtool 0.25, accepted by the daemon. */
START_TEST(newer_fields_by_mode)
{
	struct config_load_opts	 opts = config_load_opts_daemon();
	struct ad_errs		 errs, warns;
	struct config		*c;
	const char		*y = "route: {receiver: r}\n"
				    "receivers:\n"
				    "  - name: r\n"
				    "    webhook_configs: [{url_file: /run/url, "
				    "timeout: 10s}]\n";

	ad_errs_init(&errs);
	ad_errs_init(&warns);
	opts.read_files = false;
	opts.require_senders = false;
	c = config_load_bytes("n.yml", y, strlen(y), NULL, &opts, &errs,
	    NULL);
	ck_assert_msg(c != NULL, "%s", errs.n ? errs.v[0].msg : "");
	config_unref(c);
	opts = config_load_opts_amtool();
	c = config_load_bytes("n.yml", y, strlen(y), NULL, &opts, &errs,
	    &warns);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(efull(&errs.v[0]), "n.yml:4:24: "
	    "receivers[0].webhook_configs[0]: "
	    "field url_file not found in type config.plain");
	ck_assert_uint_gt(warns.n, 0);
	ck_assert_ptr_nonnull(strstr(warns.v[0].msg, "0.26"));
	ad_errs_release(&errs);
	ad_errs_release(&warns);
}
END_TEST

/* The daemon refuses an integration it cannot send yet, naming it. */
START_TEST(daemon_names_unsupported_integrations)
{
	struct config_load_opts	 opts = config_load_opts_daemon();
	struct ad_errs		 errs;
	struct config		*c;
	const char		*y = "route: {receiver: r}\n"
				    "receivers:\n"
				    "  - name: r\n"
				    "    pushover_configs: [{user_key: u, token: t}]\n";
	const struct notifier_type *t = notifier_lookup("pushover");

	ad_errs_init(&errs);
	c = config_load_bytes("u.yml", y, strlen(y), NULL, &opts, &errs,
	    NULL);
	if (t->prepare != NULL) {	/* alertd sends it now */
		ck_assert_ptr_nonnull(c);
		config_unref(c);
		ad_errs_release(&errs);
		return;
	}
	ck_assert_ptr_null(c);
	ck_assert_str_eq(efull(&errs.v[0]), "u.yml:4:24" ": "
	    "receivers[0].pushover_configs[0]: "
	    "integration pushover_configs is not supported by alertd yet");
	ad_errs_release(&errs);
}
END_TEST

Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*y = tcase_create("ynode");
	TCase	*d = tcase_create("decode");
	TCase	*c = tcase_create("config");

	tcase_add_test(y, ynode_tree_lines_and_styles);
	tcase_add_test(y, ynode_anchors_and_aliases);
	tcase_add_test(y, ynode_merge_and_null);
	tcase_add_test(y, ynode_duplicate_keys_kept);
	tcase_add_test(y, ynode_documents_and_errors);
	tcase_add_test(y, ynode_caps);
	suite_add_tcase(s, y);
	tcase_add_test(d, decode_yaml11_bools);
	tcase_add_test(d, decode_yaml11_numbers);
	tcase_add_test(d, decode_strings_and_nulls);
	tcase_add_test(d, decode_strict_fields_and_maps);
	tcase_add_test(d, decode_merge_keys);
	tcase_add_test(d, decode_alias_bomb_is_bounded);
	tcase_add_test(d, decode_alias_chain_depth_is_bounded);
	tcase_add_test(d, durations_prometheus_and_go);
	tcase_add_test(d, urls_as_alertmanager);
	tcase_add_test(d, urls_written_back_as_go);
	tcase_add_test(d, hostports_as_go);
	suite_add_tcase(s, d);
	tcase_add_test(c, route_options_inherited);
	tcase_add_test(c, root_defaults);
	tcase_add_test(c, secrets_masked_everywhere);
	tcase_add_test(c, errors_carry_place_and_path);
	tcase_add_test(c, time_interval_empty_list_given);
	tcase_add_test(c, newer_fields_by_mode);
	tcase_add_test(c, daemon_names_unsupported_integrations);
	suite_add_tcase(s, c);
	return s;
}
