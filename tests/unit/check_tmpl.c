/*
 * Template engine pieces: the lexer's items, parse errors and their
 * locations, Node.String(), fmt verbs, the plain escapers, template.Data
 * built from alerts (QuoteMeta'd receiver, hidden EndsAt, common labels),
 * tmpl_check, the execution limits, and concurrent executions of one set.
 * Expected values come from Go 1.19 (the toolchain amtool 0.25 was built
 * with) or from amtool itself.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "routing/labels.h"
#include "templates/tmpl.h"
#include "templates/tmpl_priv.h"

/* ------------------------------------------------------------ helpers --- */

static struct labels *
mklabels(const char *const *kv)
{
	struct labels_builder	b;
	struct labels		*ls;

	labels_builder_init(&b);
	for (; kv != NULL && kv[0] != NULL; kv += 2)
		labels_builder_adds(&b, kv[0], kv[1]);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

#define T(y, mo, d, h, mi, s)					\
	((time_days_from_civil(y, mo, d) * 86400 + (h) * 3600 +		\
	(mi) * 60 + (s)) * AD_SEC)

/* A group of two alerts: one firing, one resolved at `now`. */
static struct tmpl_data *
sample_data(struct alert *al[2], struct labels **group)
{
	ad_time_t	now = T(2024, 3, 5, 12, 0, 0);

	al[0] = alert_new(mklabels((const char *[]){ "alertname", "Disk",
	    "instance", "a", "job", "node", NULL }),
	    mklabels((const char *[]){ "summary", "full", NULL }),
	    "http://prom/g", T(2024, 3, 5, 10, 0, 0), T(2024, 3, 5, 13, 0, 0),
	    now, false);
	al[1] = alert_new(mklabels((const char *[]){ "alertname", "Disk",
	    "instance", "b", "job", "node", NULL }),
	    mklabels((const char *[]){ "summary", "full", "x", "y", NULL }),
	    NULL, T(2024, 3, 5, 9, 0, 0), T(2024, 3, 5, 11, 0, 0), now, false);
	*group = mklabels((const char *[]){ "alertname", "Disk", NULL });
	return tmpl_data_new("team.a+b", *group, al, 2, "http://am:9093",
	    now);
}

static void
free_sample(struct tmpl_data *d, struct alert *al[2], struct labels *group)
{
	tmpl_data_free(d);
	alert_unref(al[0]);
	alert_unref(al[1]);
	labels_unref(group);
}

/* Renders text on d; returns the output or the error, malloc'd. */
static char *
run(const struct tmpl_set *ts, const char *text, const struct tmpl_data *d,
    bool html, int *rc)
{
	struct buf	out;
	struct ad_err	err;
	char		*s;

	buf_init(&out, BUF_NOCAP);
	*rc = (html ? tmpl_exec_html : tmpl_exec_text)(ts, text, d, &out,
	    &err);
	if (*rc != 0) {
		buf_release(&out);
		return strdup(err.msg);
	}
	s = buf_detach(&out, NULL);
	return s;
}

static void
expect(const struct tmpl_set *ts, const struct tmpl_data *d, bool html,
    const char *text, const char *want)
{
	int	 rc;
	char	*got = run(ts, text, d, html, &rc);

	ck_assert_msg(rc == 0, "%s: error %s", text, got);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n want %s\n got  %s", text,
	    want, got);
	free(got);
}

static void
expect_err(const struct tmpl_set *ts, const struct tmpl_data *d,
    const char *text, const char *want)
{
	int	 rc;
	char	*got = run(ts, text, d, false, &rc);

	ck_assert_msg(rc != 0, "%s: no error (output %s)", text, got);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n want %s\n got  %s", text,
	    want, got);
	free(got);
}

/* -------------------------------------------------------------- lexer --- */

START_TEST(lexer_items)
{
	static const struct {
		enum titem	 typ;
		const char	*val;
	} want[] = {
		{ IT_TEXT, "a" }, { IT_LDELIM, "{{" }, { IT_IF, "if" },
		{ IT_SPACE, " " }, { IT_FIELD, ".X" }, { IT_FIELD, ".Y" },
		{ IT_RDELIM, "}}" }, { IT_LDELIM, "{{" },
		{ IT_VARIABLE, "$v" }, { IT_SPACE, " " }, { IT_DECLARE, ":=" },
		{ IT_SPACE, " " }, { IT_NUMBER, "-1.5e3" }, { IT_SPACE, " " },
		{ IT_PIPE, "|" }, { IT_SPACE, " " }, { IT_IDENT, "printf" },
		{ IT_SPACE, " " }, { IT_STRING, "\"%v\"" }, { IT_SPACE, " " },
		{ IT_RAW_STRING, "`r`" }, { IT_SPACE, " " },
		{ IT_CHAR_CONST, "'x'" }, { IT_SPACE, " " }, { IT_LPAREN, "(" },
		{ IT_DOT, "." }, { IT_RPAREN, ")" }, { IT_SPACE, " " },
		{ IT_COMPLEX, "1+2i" }, { IT_SPACE, " " }, { IT_BOOL, "true" },
		{ IT_SPACE, " " }, { IT_NIL, "nil" }, { IT_RDELIM, "}}" },
		{ IT_TEXT, "b" }, { IT_EOF, "" },
	};
	/* Trim markers eat the spaces around "a" and "b"; the comment goes. */
	static const char src[] = "a \n{{- if .X.Y}}{{$v := -1.5e3 | printf "
	    "\"%v\" `r` 'x' (.) 1+2i true nil -}}\n b{{/* c */}}";
	struct tlexer		l;
	struct titem_tok	it;
	size_t			i;

	tlex_init(&l, src, sizeof(src) - 1, true, true);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		it = tlex_next(&l);
		ck_assert_msg(it.typ == want[i].typ,
		    "item %zu: type %d want %d", i, it.typ, want[i].typ);
		ck_assert_msg(it.len == strlen(want[i].val) &&
		    memcmp(it.val, want[i].val, it.len) == 0,
		    "item %zu: %.*s want %s", i, (int)it.len, it.val,
		    want[i].val);
	}
}
END_TEST

START_TEST(lexer_errors)
{
	static const struct {
		const char	*src, *msg;
	} cases[] = {
		{ "{{ \"abc }}", "unterminated quoted string" },
		{ "{{ 'ab", "unterminated character constant" },
		{ "{{ `x", "unterminated raw quoted string" },
		{ "{{ .X", "unclosed action" },
		{ "{{ ( .X }}", "unclosed left paren" },
		{ "{{ .X ) }}", "unexpected right paren U+0029 ')'" },
		{ "{{ 3k }}", "bad number syntax: \"3k\"" },
		{ "{{ .X@ }}", "bad character U+0040 '@'" },
		{ "{{ \x01 }}", "unrecognized character in action: U+0001" },
		{ "{{/* x", "unclosed comment" },
		{ "{{ $x : 1 }}", "expected :=" },
	};
	struct tlexer		l;
	struct titem_tok	it;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tlex_init(&l, cases[i].src, strlen(cases[i].src), true, true);
		do
			it = tlex_next(&l);
		while (it.typ != IT_ERROR && it.typ != IT_EOF);
		ck_assert_msg(it.typ == IT_ERROR, "%s: no error", cases[i].src);
		ck_assert_msg(it.len == strlen(cases[i].msg) &&
		    memcmp(it.val, cases[i].msg, it.len) == 0, "%s: %.*s",
		    cases[i].src, (int)it.len, it.val);
	}
}
END_TEST

/* ------------------------------------------------------------- parser --- */

START_TEST(parse_errors_and_locations)
{
	static const struct {
		const char	*src, *msg;
		int		 line, col;
	} cases[] = {
		{ "a\n{{ end }}", "template: t.tmpl:2: unexpected {{end}}",
		  2, 8 },
		{ "{{ if .X }}\n\n{{ nope 1 }}{{ end }}",
		  "template: t.tmpl:3: function \"nope\" not defined", 3, 4 },
		{ "{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}",
		  "template: t.tmpl:1: template: multiple definition of "
		  "template \"a\"", 1, 51 },
		{ "x\n{{ .A\n\n}", "template: t.tmpl:4: unexpected \"}\" in "
		  "operand", 4, 1 },
		{ "x\n{{ .A\n\n", "template: t.tmpl:4: unclosed action "
		  "started at t.tmpl:2", 4, 1 },
		{ "{{ if .X }}\nx\n{{ .Y",
		  "template: t.tmpl:3: unclosed action", 3, 6 },
		{ "{{ range $a, $b, $c := . }}{{ end }}",
		  "template: t.tmpl:1: too many declarations in range", 1, 16 },
		{ "{{ (1) | 2 }}", "template: t.tmpl:1: non executable command "
		  "in pipeline stage 2", 1, 12 },
	};
	struct tarena	  a;
	struct ttree	**trees;
	struct buf	  err;
	size_t		  i, n;
	int		  line, col;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tarena_init(&a, 1 << 20);
		buf_init(&err, 4096);
		ck_assert_int_eq(tparse("t.tmpl", cases[i].src,
		    strlen(cases[i].src), &a, &trees, &n, &err, &line, &col),
		    -1);
		ck_assert_str_eq(buf_str(&err), cases[i].msg);
		ck_assert_msg(line == cases[i].line && col == cases[i].col,
		    "%s: %d:%d", cases[i].src, line, col);
		buf_release(&err);
		tarena_release(&a);
	}
}
END_TEST

START_TEST(node_string)
{
	/* Go's Node.String() of the parsed trees (note ":=" for "="). */
	static const struct {
		const char	*src, *want;
	} cases[] = {
		{ "{{ $x = .A.B | printf \"%d\" 1 }}",
		  "{{$x := .A.B | printf \"%d\" 1}}" },
		{ "{{if eq .X 1}}a{{else if .Y}}b{{else}}c{{end}}",
		  "{{if eq .X 1}}a{{else}}{{if .Y}}b{{else}}c{{end}}{{end}}" },
		{ "{{ range $i, $e := (index . 0).F }}{{ break }}{{ end }}",
		  "{{range $i, $e := (index . 0).F}}{{break}}{{end}}" },
		{ "{{ template `t` $.X }}{{ with nil }}{{ 'a' }}{{ end }}",
		  "{{template \"t\" $.X}}{{with nil}}{{'a'}}{{end}}" },
	};
	struct tarena	  a;
	struct ttree	**trees;
	struct buf	  b, err;
	size_t		  i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tarena_init(&a, 1 << 20);
		buf_init(&err, 4096);
		buf_init(&b, 4096);
		ck_assert_int_eq(tparse("", cases[i].src, strlen(cases[i].src),
		    &a, &trees, &n, &err, NULL, NULL), 0);
		tnode_string(&b, trees[n - 1]->root);
		ck_assert_str_eq(buf_str(&b), cases[i].want);
		buf_release(&b);
		buf_release(&err);
		tarena_release(&a);
	}
}
END_TEST

/* ---------------------------------------------------------------- fmt --- */

#define PF	"%5.1f|%-6d|%+.3e|%x|%q|%08.3f|%#o|%U"

START_TEST(printf_verbs)
{
	struct tval	v[10];
	struct buf	b;
	static const int ints[] = { 1, 2 };

	buf_init(&b, BUF_NOCAP);
	(void)ints;
	v[0] = (struct tval){ .t = &tt_float64, .u.f = 3.14159 };
	v[1] = tv_int(&tt_int, 42);
	v[2] = (struct tval){ .t = &tt_float64, .u.f = 12345.678 };
	v[3] = tv_str(&tt_string, "hi", 2);
	v[4] = tv_str(&tt_string, "a\nb", 3);
	v[5] = (struct tval){ .t = &tt_float64, .u.f = -1.5 };
	v[6] = tv_int(&tt_int, 8);
	v[7] = tv_int(&tt_int, 0x1F600);
	ck_assert_int_eq(tfmt_sprintf(&b, PF, strlen(PF), v, 8), 0);
	ck_assert_str_eq(buf_str(&b),
	    "  3.1|42    |+1.235e+04|6869|\"a\\nb\"|-001.500|010|U+1F600");
	buf_reset(&b);
	ck_assert_int_eq(tfmt_sprintf(&b, "%d %!", 5, &v[3], 1), 0);
	ck_assert_str_eq(buf_str(&b), "%!d(string=hi) %!!(MISSING)");
	buf_reset(&b);
	v[0] = tv_int(&tt_int, 1);
	v[1] = tv_int(&tt_int, 2);
	v[2] = tv_str(&tt_string, "a", 1);
	v[3] = tv_int(&tt_int, 3);
	v[4] = tv_str(&tt_string, "b", 1);
	v[5] = tv_str(&tt_string, "c", 1);
	v[6] = (struct tval){ .t = &tt_float64, .u.f = 4.5 };
	v[7] = (struct tval){ .t = NULL };
	ck_assert_int_eq(tfmt_sprint(&b, v, 8), 0);
	ck_assert_str_eq(buf_str(&b), "1 2a3bc4.5 <nil>");
	buf_reset(&b);
	ck_assert_int_eq(tfmt_sprintln(&b, (struct tval[]){ v[0], v[2], v[7] },
	    3), 0);
	ck_assert_str_eq(buf_str(&b), "1 a <nil>\n");
	buf_release(&b);
}
END_TEST

START_TEST(float_formatting)
{
	static const struct {
		double		 f;
		int		 fmt, prec;
		const char	*want;
	} cases[] = {
		{ 1e6, 'g', -1, "1e+06" }, { 123456.0, 'g', -1, "123456" },
		{ 1e-5, 'g', -1, "1e-05" }, { 0.0001, 'g', -1, "0.0001" },
		{ 0.1 + 0.2, 'g', -1, "0.30000000000000004" },
		{ 5e-324, 'g', -1, "5e-324" },
		{ 1234.5678, 'g', 3, "1.23e+03" },
		{ 2.5, 'f', 0, "2" }, { 3.0, 'x', -1, "0x1.8p+01" },
		{ 1.0, 'b', -1, "4503599627370496p-52" },
		{ -0.0, 'g', -1, "-0" }, { 1e21, 'e', -1, "1e+21" },
	};
	struct buf	b;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 256);
		tfmt_float(&b, cases[i].f, cases[i].fmt, cases[i].prec);
		ck_assert_str_eq(buf_str(&b), cases[i].want);
		buf_release(&b);
	}
}
END_TEST

/* ---------------------------------------------------------- escaping --- */

START_TEST(plain_escapers)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	thtml_escape_string(&b, "<a href=\"x\">&'\0", 15);
	ck_assert_str_eq(buf_str(&b),
	    "&lt;a href=&#34;x&#34;&gt;&amp;&#39;\xef\xbf\xbd");
	buf_reset(&b);
	tjs_escape_string(&b, "a'b\"c<d>=&\\\n\xe2\x80\xa8\xc3\xa9\x01", 18);
	ck_assert_str_eq(buf_str(&b), "a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026"
	    "\\\\\\u000A\\u2028\xc3\xa9\\u0001");
	buf_reset(&b);
	gourl_query_escape(&b, "a b&c=d/\xc3\xa9?#+~_.-", 17);
	ck_assert_str_eq(buf_str(&b), "a+b%26c%3Dd%2F%C3%A9%3F%23%2B~_.-");
	buf_release(&b);
}
END_TEST

START_TEST(html_contexts)
{
	struct tmpl_set		*ts = tmpl_set_new_bare();
	struct tmpl_data	*d;
	struct ad_err		 err;
	static const char	 js[] = "{\"receiver\":\"r<&>\\\"x\\\"\","
	    "\"externalURL\":\"http://am/?a=1&b\"}";

	d = tmpl_data_from_json(js, sizeof(js) - 1, &err);
	ck_assert_ptr_nonnull(d);
	/* Outputs of html/template (Go 1.19.8). */
	expect(ts, d, true, "<b>{{ .Receiver }}</b>",
	    "<b>r&lt;&amp;&gt;&#34;x&#34;</b>");
	expect(ts, d, true, "<p title='{{ .Receiver }}'>",
	    "<p title='r&lt;&amp;&gt;&#34;x&#34;'>");
	expect(ts, d, true, "<a href=\"{{ .ExternalURL }}&x={{ .Receiver }}\">",
	    "<a href=\"http://am/?a=1&amp;b&x=r%3c&amp;%3e%22x%22\">");
	expect(ts, d, true, "<a href=\"{{ \"javascript:x()\" }}\">",
	    "<a href=\"#ZgotmplZ\">");
	expect(ts, d, true, "<script>var r = {{ .Receiver }};</script>",
	    "<script>var r = \"r\\u003c\\u0026\\u003e\\\"x\\\"\";</script>");
	expect(ts, d, true, "a<!-- c -->b{{ safeHtml \"<i>\" }}", "ab<i>");
	expect(ts, d, true, "<title>{{ \"<\" }}</title>",
	    "<title>&lt;</title>");
	tmpl_data_free(d);
	tmpl_set_free(ts);
}
END_TEST

/* -------------------------------------------------------------- data --- */

START_TEST(data_from_alerts)
{
	struct tmpl_set		*ts = tmpl_set_new_bare();
	struct tmpl_data	*d;
	struct alert		*al[2];
	struct labels		*group;

	d = sample_data(al, &group);
	/* Receiver through regexp.QuoteMeta, as Alertmanager does. */
	expect(ts, d, false, "{{ .Receiver }}", "team\\.a\\+b");
	expect(ts, d, false, "{{ .Status }} {{ len .Alerts.Firing }} "
	    "{{ len .Alerts.Resolved }}", "firing 1 1");
	/* The firing alert's future EndsAt is hidden (types.Alerts). */
	expect(ts, d, false, "{{ range .Alerts }}{{ .Status }} {{ .EndsAt }};"
	    "{{ end }}", "firing 0001-01-01 00:00:00 +0000 UTC;resolved "
	    "2024-03-05 11:00:00 +0000 UTC;");
	expect(ts, d, false, "{{ .CommonLabels }} {{ .CommonAnnotations }} "
	    "{{ .GroupLabels }}", "map[alertname:Disk job:node] "
	    "map[summary:full] map[alertname:Disk]");
	expect(ts, d, false, "{{ (index .Alerts 0).Fingerprint }} "
	    "{{ (index .Alerts 1).GeneratorURL }}|{{ .ExternalURL }}",
	    "6d6bf26352ad2d0e |http://am:9093");
	/* The daemon passes *template.Data. */
	expect(ts, d, false, "{{ printf \"%T\" . }} "
	    "{{ slice (printf \"%v\" .) 0 12 }}",
	    "*template.Data &{team\\.a\\+b");
	free_sample(d, al, group);
	tmpl_set_free(ts);
}
END_TEST

START_TEST(data_json_errors)
{
	struct ad_err	err;

	ck_assert_ptr_null(tmpl_data_from_json("{", 1, &err));
	ck_assert_ptr_null(tmpl_data_from_json("{\"receiver\":1}", 14, &err));
	ck_assert_str_eq(err.msg, "json: cannot unmarshal number into Go "
	    "struct field Data.receiver of type string");
	ck_assert_ptr_null(tmpl_data_from_json(
	    "{\"alerts\":[{\"startsAt\":\"yesterday\"}]}", 37, &err));
	ck_assert_str_eq(err.msg, "parsing time \"\\\"yesterday\\\"\" as "
	    "\"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse "
	    "\"yesterday\\\"\" as \"2006\"");
}
END_TEST

/* ------------------------------------------------------------- check --- */

START_TEST(check_undefined_templates)
{
	struct tmpl_set	*ts;
	struct ad_err	 err;
	static const char user[] = "{{ define \"my.title\" }}{{ template "
	    "\"__subject\" . }}{{ template \"my.missing\" . }}{{ end }}";

	ts = tmpl_set_new(&err);
	ck_assert_ptr_nonnull(ts);
	ck_assert_int_eq(tmpl_set_add_text(ts, "user.tmpl", user,
	    sizeof(user) - 1, &err), 0);
	ck_assert_int_eq(tmpl_check(ts, "{{ template \"slack.default.title\" "
	    ". }}", &err), 0);
	ck_assert_int_eq(tmpl_check(ts, "", &err), 0);
	ck_assert_int_eq(tmpl_check(ts, "{{ template \"nope\" . }}", &err), -1);
	ck_assert_str_eq(err.msg, "template: :1:12: template \"nope\" not "
	    "defined");
	/* Followed into the user's template. */
	ck_assert_int_eq(tmpl_check(ts, "x{{ template \"my.title\" . }}",
	    &err), -1);
	ck_assert_str_eq(err.where, "user.tmpl:1:63");
	/* A define inside the field text counts. */
	ck_assert_int_eq(tmpl_check(ts, "{{ define \"x\" }}{{ end }}"
	    "{{ template \"x\" }}", &err), 0);
	ck_assert_int_eq(tmpl_check(ts, "{{ if }}", &err), -1);
	ck_assert_str_eq(err.msg, "template: :1: missing value for if");
	ck_assert_int_eq(tmpl_check_html(ts, "<a href=\"{{ . }}", &err), -1);
	tmpl_set_free(ts);
}
END_TEST

START_TEST(add_file_errors)
{
	struct tmpl_set	*ts = tmpl_set_new_bare();
	struct ad_err	 err;

	ck_assert_int_eq(tmpl_set_add_file(ts,
	    "tests/data/templates/tmpl/parse_error.tmpl", &err), -1);
	ck_assert_str_eq(err.msg, "template: parse_error.tmpl:4: unexpected "
	    "EOF");
	ck_assert_str_eq(err.where,
	    "tests/data/templates/tmpl/parse_error.tmpl:4:1");
	ck_assert_int_eq(tmpl_set_add_file(ts, "tests/data/nope.tmpl", &err),
	    -1);
	ck_assert_int_eq(err.code, AD_EIO);
	tmpl_set_free(ts);
}
END_TEST

/* ------------------------------------------------------------ limits --- */

START_TEST(limits_bound_execution)
{
	struct tmpl_set		*ts = tmpl_set_new_bare();
	struct tmpl_data	*d = tmpl_data_sample();
	struct tmpl_limits	 lim = tmpl_default_limits;
	int			 rc;
	char			*s;

	lim.max_output = 1000;
	lim.max_memory = 1 << 20;
	lim.max_depth = 50;
	lim.max_steps = 100000;
	tmpl_set_limits(ts, &lim);
	s = run(ts, "{{ range (stringSlice \"a\" \"b\" \"c\" \"d\") }}{{ range "
	    "(stringSlice \"a\" \"b\" \"c\" \"d\") }}{{ printf \"%0300d\" 1 }}"
	    "{{ end }}{{ end }}", d, false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(s, "template: output exceeds the limit of 1000 bytes");
	free(s);
	s = run(ts, "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}"
	    "{{ template \"r\" . }}", d, false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(s, "exceeded maximum template depth (50)") != NULL,
	    "%s", s);
	free(s);
	s = run(ts, "{{ $s := \"xxxxxxxxxxxxxxxx\" }}{{ $l := stringSlice "
	    "\"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\" }}"
	    "{{ range $l }}{{ range $l }}{{ $s = printf \"%s%s\" $s $s }}"
	    "{{ end }}{{ end }}{{ len $s }}", d, false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(s, "memory limit") != NULL, "%s", s);
	free(s);
	s = run(ts, "{{ $l := stringSlice \"a\" \"a\" \"a\" \"a\" \"a\" "
	    "\"a\" \"a\" \"a\" \"a\" \"a\" }}{{ range $l }}{{ range $l }}"
	    "{{ range $l }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}"
	    "{{ end }}{{ end }}{{ end }}", d, false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(s, "step limit") != NULL, "%s", s);
	free(s);
	tmpl_data_free(d);
	tmpl_set_free(ts);
}
END_TEST

START_TEST(deep_nesting_is_an_error)
{
	struct tmpl_set		*ts = tmpl_set_new_bare();
	struct tmpl_data	*d = tmpl_data_sample();
	struct buf		 src;
	int			 i, rc;
	char			*s;

	buf_init(&src, BUF_NOCAP);
	buf_addstr(&src, "{{ ");
	for (i = 0; i < 5000; i++)
		buf_addch(&src, '(');
	buf_addch(&src, '1');
	for (i = 0; i < 5000; i++)
		buf_addch(&src, ')');
	buf_addstr(&src, " }}");
	s = run(ts, buf_str(&src), d, false, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(s, "nested too deeply") != NULL, "%s", s);
	free(s);
	buf_release(&src);
	tmpl_data_free(d);
	tmpl_set_free(ts);
}
END_TEST

/* ------------------------------------------------------------ threads --- */

struct worker {
	const struct tmpl_set	*ts;
	const struct tmpl_data	*d;
	const char		*want_text, *want_html;
	int			 bad;
};

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	int		 i, rc;
	char		*s;

	for (i = 0; i < 50; i++) {
		s = run(w->ts, "{{ template \"slack.default.title\" . }}|"
		    "{{ template \"__text_alert_list\" .Alerts }}", w->d, false,
		    &rc);
		w->bad += rc != 0 || strcmp(s, w->want_text) != 0;
		free(s);
		s = run(w->ts, "{{ template \"email.default.html\" . }}", w->d,
		    true, &rc);
		w->bad += rc != 0 || strcmp(s, w->want_html) != 0;
		free(s);
	}
	return NULL;
}

START_TEST(concurrent_executions)
{
	struct tmpl_set		*ts;
	struct tmpl_data	*d;
	struct alert		*al[2];
	struct labels		*group;
	struct ad_err		 err;
	struct worker		 w[8];
	pthread_t		 th[8];
	char			*text, *html;
	int			 i, rc;

	ts = tmpl_set_new(&err);
	d = sample_data(al, &group);
	/* Reference renderings, on a second set so the cache starts cold. */
	{
		struct tmpl_set *ref = tmpl_set_new(&err);

		text = run(ref, "{{ template \"slack.default.title\" . }}|"
		    "{{ template \"__text_alert_list\" .Alerts }}", d, false,
		    &rc);
		ck_assert_int_eq(rc, 0);
		html = run(ref, "{{ template \"email.default.html\" . }}", d,
		    true, &rc);
		ck_assert_int_eq(rc, 0);
		tmpl_set_free(ref);
	}
	for (i = 0; i < 8; i++) {
		w[i] = (struct worker){ ts, d, text, html, 0 };
		pthread_create(&th[i], NULL, worker_run, &w[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(w[i].bad, 0);
	}
	free(text);
	free(html);
	free_sample(d, al, group);
	tmpl_set_free(ts);
}
END_TEST

/* -------------------------------------------------------------- misc --- */

START_TEST(field_text_defines_shadow_the_set)
{
	struct tmpl_set		*ts;
	struct tmpl_data	*d = tmpl_data_sample();
	struct ad_err		 err;

	ts = tmpl_set_new(&err);
	expect(ts, d, false, "{{ define \"__subject\" }}S{{ end }}"
	    "{{ template \"slack.default.title\" . }}", "S");
	/* Only for that text. */
	expect(ts, d, false, "{{ template \"slack.default.title\" . }}",
	    "[ALERTSTATUS] grouplabelvalue1 grouplabelvalue2 ");
	expect(ts, d, false, "", "");
	expect_err(ts, d, "{{ template \"nope\" }}", "template: :1:12: "
	    "executing \"\" at <{{template \"nope\"}}>: template \"nope\" not "
	    "defined");
	tmpl_data_free(d);
	tmpl_set_free(ts);
}
END_TEST

START_TEST(regex_semantics)
{
	struct tmpl_set		*ts = tmpl_set_new_bare();
	struct tmpl_data	*d = tmpl_data_sample();

	/* RE2: \s has no \v, $ is end of text, \d is ASCII. */
	expect(ts, d, false, "{{ match \"^\\\\s$\" \"\\v\" }} "
	    "{{ match \"x$\" \"x\\n\" }} {{ match \"^\\\\d$\" \"\\u0663\" }}",
	    "false false false");
	expect(ts, d, false, "{{ reReplaceAll \"a|\" \"-\" \"bab\" }}",
	    "-b-b-");
	expect(ts, d, false, "{{ reReplaceAll \"(\\\\w+)@(\\\\w+)\" "
	    "\"$2 at ${1}x $3 $$\" \"joe@host\" }}", "host at joex  $");
	expect_err(ts, d, "{{ match \"a++\" \"a\" }}", "template: :1:3: "
	    "executing \"\" at <match \"a++\" \"a\">: error calling match: "
	    "error parsing regexp: invalid nested repetition operator: `++`");
	tmpl_data_free(d);
	tmpl_set_free(ts);
}
END_TEST

Suite *
tmpl_suite(void)
{
	Suite	*s = suite_create("tmpl");
	TCase	*tc = tcase_create("tmpl");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lexer_items);
	tcase_add_test(tc, lexer_errors);
	tcase_add_test(tc, parse_errors_and_locations);
	tcase_add_test(tc, node_string);
	tcase_add_test(tc, printf_verbs);
	tcase_add_test(tc, float_formatting);
	tcase_add_test(tc, plain_escapers);
	tcase_add_test(tc, html_contexts);
	tcase_add_test(tc, data_from_alerts);
	tcase_add_test(tc, data_json_errors);
	tcase_add_test(tc, check_undefined_templates);
	tcase_add_test(tc, add_file_errors);
	tcase_add_test(tc, limits_bound_execution);
	tcase_add_test(tc, deep_nesting_is_an_error);
	tcase_add_test(tc, concurrent_executions);
	tcase_add_test(tc, field_text_defines_shadow_the_set);
	tcase_add_test(tc, regex_semantics);
	suite_add_tcase(s, tc);
	return s;
}
