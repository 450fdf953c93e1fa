/*
 * Matchers and Go regexes against vectors recorded from real Go (see
 * tests/data/matchers/README): regexp.Compile verdicts and messages,
 * MatchString, pkg/labels (0.25) ParseMatchers/ParseMatcher, matcher/parse
 * (0.27+) and compat's fallback, String(), sorting, anchored matching.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "routing/regex.h"
#include "routing/regex_int.h"

#define DATA	"tests/data/matchers/"
#define MAXF	64

/* One line of a vector file: tab-separated fields, strings Go-quoted. */
struct vline {
	char	*f[MAXF];
	size_t	 len[MAXF];
	int	 n;
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* strconv.Unquote for the strconv.Quote output the generators wrote. */
static char *
unquote(const char *s, size_t n, size_t *outlen)
{
	struct buf	b;
	size_t		i, k, j;
	uint32_t	r;
	char		u[4];
	int		w;

	buf_init(&b, BUF_NOCAP);
	for (i = 1; i + 1 < n; i++) {
		if (s[i] != '\\') {
			buf_addch(&b, s[i]);
			continue;
		}
		switch (s[++i]) {
		case 'a': buf_addch(&b, '\a'); break;
		case 'b': buf_addch(&b, '\b'); break;
		case 'f': buf_addch(&b, '\f'); break;
		case 'n': buf_addch(&b, '\n'); break;
		case 'r': buf_addch(&b, '\r'); break;
		case 't': buf_addch(&b, '\t'); break;
		case 'v': buf_addch(&b, '\v'); break;
		case 'x':
			buf_addch(&b, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
			break;
		case 'u':
		case 'U':
			k = s[i] == 'u' ? 4 : 8;
			for (r = 0, j = 1; j <= k; j++)
				r = r * 16 + (uint32_t)hexval(s[i + j]);
			i += k;
			w = r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
			if (w == 1)
				u[0] = (char)r;
			else if (w == 2) {
				u[0] = (char)(0xc0 | r >> 6);
				u[1] = (char)(0x80 | (r & 0x3f));
			} else if (w == 3) {
				u[0] = (char)(0xe0 | r >> 12);
				u[1] = (char)(0x80 | ((r >> 6) & 0x3f));
				u[2] = (char)(0x80 | (r & 0x3f));
			} else {
				u[0] = (char)(0xf0 | r >> 18);
				u[1] = (char)(0x80 | ((r >> 12) & 0x3f));
				u[2] = (char)(0x80 | ((r >> 6) & 0x3f));
				u[3] = (char)(0x80 | (r & 0x3f));
			}
			buf_add(&b, u, (size_t)w);
			break;
		default:
			buf_addch(&b, s[i]);
			break;
		}
	}
	return buf_detach(&b, outlen);
}

static void
vline_free(struct vline *v)
{
	int	i;

	for (i = 0; i < v->n; i++)
		free(v->f[i]);
	v->n = 0;
}

/* Reads the next line; quoted fields are unquoted, others kept. */
static bool
vline_read(FILE *fp, struct vline *v)
{
	static char	*line;
	static size_t	 cap;
	ssize_t		 n;
	char		*p, *tab;
	size_t		 len;

	vline_free(v);
	n = getline(&line, &cap, fp);
	if (n <= 0) {
		free(line);
		line = NULL;
		cap = 0;
		return false;
	}
	if (line[n - 1] == '\n')
		line[--n] = '\0';
	for (p = line; v->n < MAXF; p = tab + 1) {
		tab = strchr(p, '\t');
		len = tab != NULL ? (size_t)(tab - p) : strlen(p);
		if (len > 0 && p[0] == '"')
			v->f[v->n] = unquote(p, len, &v->len[v->n]);
		else {
			v->f[v->n] = strndup(p, len);
			v->len[v->n] = len;
		}
		v->n++;
		if (tab == NULL)
			break;
	}
	return true;
}

static FILE *
vopen(const char *name)
{
	FILE	*fp;

	fp = fopen(name, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", name);
	return fp;
}

/* Go's message, cut where struct ad_err cuts it. */
static void
assert_msg(const char *got, const char *want, const char *what)
{
	char	w[sizeof(((struct ad_err *)0)->msg)];

	snprintf(w, sizeof(w), "%s", want);
	ck_assert_msg(strcmp(got, w) == 0, "%s: got <%s> want <%s>", what,
	    got, w);
}

START_TEST(regex_compile_matches_go)
{
	struct vline	 v = { .n = 0 };
	struct regex	*re;
	struct ad_err	 err;
	FILE		*fp = vopen(DATA "regex.txt");
	int		 n = 0;

	while (vline_read(fp, &v)) {
		ad_err_clear(&err);
		re = regex_compile(v.f[0], v.len[0], &err);
		if (strcmp(v.f[1], "ok") == 0)
			ck_assert_msg(re != NULL, "%s: %s", v.f[0], err.msg);
		else {
			ck_assert_msg(re == NULL, "%s: Go rejects it", v.f[0]);
			ck_assert_int_eq(err.code, AD_EINVAL);
			assert_msg(err.msg, v.f[2], v.f[0]);
			ck_assert_int_eq(regex_check(v.f[0], v.len[0], NULL), -1);
		}
		regex_unref(re);
		n++;
	}
	fclose(fp);
	ck_assert_int_gt(n, 2800);
}
END_TEST

START_TEST(regex_match_matches_go)
{
	struct vline	 v = { .n = 0 };
	struct regex	*re = NULL;
	char		*last = NULL;
	FILE		*fp = vopen(DATA "regex_match.txt");
	int		 n = 0, yes = 0;
	bool		 got;

	while (vline_read(fp, &v)) {
		if (last == NULL || strcmp(last, v.f[0]) != 0) {
			regex_unref(re);
			free(last);
			last = strdup(v.f[0]);
			re = regex_compile(v.f[0], v.len[0], NULL);
			ck_assert_ptr_nonnull(re);
		}
		got = regex_match(re, v.f[1], v.len[1]);
		ck_assert_msg(got == (v.f[2][0] == '1'),
		    "pattern <%s> subject <%s>: got %d", v.f[0], v.f[1], got);
		/* The linear-time fallback must agree too. */
		got = regex_match_vm(re, v.f[1], v.len[1]);
		ck_assert_msg(got == (v.f[2][0] == '1'),
		    "fallback: pattern <%s> subject <%s>: got %d", v.f[0],
		    v.f[1], got);
		yes += got;
		n++;
	}
	regex_unref(re);
	free(last);
	fclose(fp);
	ck_assert_int_gt(n, 30000);
	ck_assert_int_gt(yes, 5000);
}
END_TEST

/*
 * A lazy regex (a stored silence's) answers as the compiled one once it
 * is first matched; one that Go rejects fails at its first match and
 * matches nothing.
 */
START_TEST(regex_lazy_matches_go)
{
	struct vline	 v = { .n = 0 };
	struct regex	*re = NULL;
	char		*last = NULL;
	FILE		*fp = vopen(DATA "regex_match.txt");
	int		 n = 0;
	bool		 got;

	while (vline_read(fp, &v)) {
		if (last == NULL || strcmp(last, v.f[0]) != 0) {
			regex_unref(re);
			free(last);
			last = strdup(v.f[0]);
			re = regex_new_lazy(v.f[0], v.len[0]);
		}
		got = regex_match(re, v.f[1], v.len[1]);
		ck_assert_msg(got == (v.f[2][0] == '1'),
		    "lazy: pattern <%s> subject <%s>: got %d", v.f[0], v.f[1],
		    got);
		ck_assert(!regex_failed(re));
		n++;
	}
	regex_unref(re);
	free(last);
	fclose(fp);
	ck_assert_int_gt(n, 30000);
	fp = vopen(DATA "regex.txt");
	n = 0;
	while (vline_read(fp, &v)) {
		if (strcmp(v.f[1], "ok") == 0)
			continue;
		re = regex_new_lazy(v.f[0], v.len[0]);
		ck_assert(!regex_failed(re));
		ck_assert(!regex_match(re, "", 0));
		ck_assert(!regex_match(re, v.f[0], v.len[0]));
		ck_assert_msg(regex_failed(re), "%s", v.f[0]);
		regex_unref(re);
		n++;
	}
	fclose(fp);
	ck_assert_int_gt(n, 100);
}
END_TEST

START_TEST(matcher_trusted_invalid_matches_nothing)
{
	struct matcher	*re, *nre, *ok;

	re = matcher_new_trusted(MATCH_RE, "a", "x(");
	nre = matcher_new_trusted(MATCH_NRE, "a", "x(");
	ok = matcher_new_trusted(MATCH_NRE, "a", "x|y");
	ck_assert(!matcher_matches(re, "x("));
	ck_assert(!matcher_matches(nre, "z"));
	ck_assert(!matcher_matches(nre, NULL));
	ck_assert(matcher_matches(ok, "z"));
	ck_assert(!matcher_matches(ok, "y"));
	ck_assert_str_eq(matcher_value(nre), "x(");
	matcher_free(re);
	matcher_free(nre);
	matcher_free(ok);
}
END_TEST

START_TEST(regex_translation)
{
	static const char *const cases[][2] = {
		{ "^(?:crit|page)$", "\\A(?:crit|page)\\z" },
		{ "\\s", "[\\x{9}-\\x{a}\\x{c}-\\x{d}\\x{20}]" },
		{ "(?m)^a$", "(?m:^)a(?m:$)" },
		{ "(a|b)*c", "(?:a|b)*c" },
		{ "(((a)))+", "a+" },
		{ "\\Qa.b\\E", "a\\x{2e}b" },
		{ "\\p{Greek}", "[\\p{sc:Greek}]" },
		{ "\\p{C}", "[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}]" },
		{ "\\x{D800}", "[^\\x{0}-\\x{10ffff}]" },
		{ "a.", "a[^\\n]" },
		{ "(?s:.)", "(?s:.)" },
		{ "(?i)k", "(?i:k)" },
	};
	struct buf	b;
	size_t		i;

	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		ck_assert_int_eq(regex_translate(cases[i][0],
		    strlen(cases[i][0]), &b, NULL), 0);
		ck_assert_str_eq(buf_str(&b), cases[i][1]);
	}
	buf_release(&b);
}
END_TEST

START_TEST(regex_large_uses_32bit_pcre2)
{
	struct regex	*re;
	struct buf	 b;
	int		 i;

	/* A 70 KiB alternation: too large for 8-bit PCRE2 with 2-byte
	 * links; Go accepts it. */
	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "^(?:");
	for (i = 0; i < 5000; i++)
		buf_addf(&b, "%shost-%05d\\.example", i ? "|" : "", i);
	buf_addstr(&b, ")$");
	re = regex_compile(buf_str(&b), buf_len(&b), NULL);
	ck_assert_ptr_nonnull(re);
	ck_assert(regex_match(re, "host-04321.example", 18));
	ck_assert(regex_match(re, "host-00000.example", 18));
	ck_assert(!regex_match(re, "host-05000.example", 18));
	ck_assert(!regex_match(re, "host-04321xexample", 18));
	regex_unref(re);
	buf_release(&b);
}
END_TEST

/* Found by fuzzing: 500 copies of a nullable alternation.  Go: true in
 * about 0.1 s; PCRE2's DFA mode took 8 s. */
#define FUZZ_SLOW	"(mmmmmmmmmmmmmmmmmmmmmmm||mmmmmmmmmmmmmmmmmmmmmmmm" \
	"mmmmmmmm0}mmmmmmmmmmmmmmm||mmmmmmmmmm*mmmmmmmmmmmmmmmmmmmmmm0}" \
	"mmmmm0}}){500}Ll"

static void
check_patho(const char *pat, const char *s, bool want)
{
	struct regex	*re;

	re = regex_compile(pat, strlen(pat), NULL);
	ck_assert_ptr_nonnull(re);
	ck_assert_int_eq(regex_match(re, s, strlen(s)), want);
	ck_assert_int_eq(regex_match(re, s, strlen(s)), want);	/* cached */
	ck_assert_int_eq(regex_match_vm(re, s, strlen(s)), want);
	regex_unref(re);
}

START_TEST(regex_pathological_is_linear)
{
	char	s[80];

	/* Exponential for a backtracker, linear for RE2 (results: Go). */
	memset(s, 'a', 63);
	s[63] = '\0';
	check_patho("^(?:(a|aa|aaa)*(b|a{2,}c))$", s, false);
	s[62] = 'c';
	check_patho("^(?:(a|aa|aaa)*(b|a{2,}c))$", s, true);
	memset(s, 'x', 40);
	s[40] = '\0';
	check_patho("^(?:(x+x+)+y)$", s, false);
	s[40] = 'y';
	s[41] = '\0';
	check_patho("^(?:(x+x+)+y)$", s, true);
	check_patho(FUZZ_SLOW, FUZZ_SLOW, true);
}
END_TEST

START_TEST(regex_invalid_utf8_subject_is_fffd)
{
	struct regex	*re;

	re = regex_compile("^a.b$", 5, NULL);
	ck_assert(regex_match(re, "a\xff" "b", 3));
	ck_assert(!regex_match(re, "a\xe2\x82" "b", 4));	/* two runes */
	regex_unref(re);
	re = regex_compile("^\xef\xbf\xbd$", 5, NULL);		/* U+FFFD */
	ck_assert(regex_match(re, "\xff", 1));
	ck_assert(regex_match(re, "\xef\xbf\xbd", 3));
	ck_assert(!regex_match(re, "\xff\xff", 2));
	regex_unref(re);
}
END_TEST

static enum matcher_type
type_of(const char *op)
{
	if (strcmp(op, "=") == 0)
		return MATCH_EQ;
	if (strcmp(op, "!=") == 0)
		return MATCH_NE;
	if (strcmp(op, "=~") == 0)
		return MATCH_RE;
	ck_assert_str_eq(op, "!~");
	return MATCH_NRE;
}

/* Compares a parse result with "ok name op value ..." or "err msg". */
static void
check_parsed(const struct vline *v, int rc, const struct matchers *ms,
    const struct ad_err *err)
{
	size_t	i;

	if (strcmp(v->f[1], "err") == 0) {
		ck_assert_msg(rc == -1, "input <%s>: Go fails with <%s>",
		    v->f[0], v->f[2]);
		ck_assert_int_eq(err->code, AD_EINVAL);
		assert_msg(err->msg, v->f[2], v->f[0]);
		return;
	}
	ck_assert_msg(rc == 0, "input <%s>: %s", v->f[0], err->msg);
	ck_assert_msg(ms->n == (size_t)(v->n - 2) / 3,
	    "input <%s>: %zu matchers", v->f[0], ms->n);
	for (i = 0; i < ms->n; i++) {
		ck_assert_str_eq(matcher_name(ms->v[i]), v->f[2 + 3 * i]);
		ck_assert_int_eq(matcher_type(ms->v[i]),
		    type_of(v->f[3 + 3 * i]));
		ck_assert_str_eq(matcher_value(ms->v[i]), v->f[4 + 3 * i]);
	}
}

static int
run_parse_file(const char *name, enum matcher_parse_mode mode, bool one)
{
	struct vline	 v = { .n = 0 };
	struct matchers	 ms;
	struct matcher	*m;
	struct ad_err	 err;
	FILE		*fp = vopen(name);
	int		 n = 0, rc;

	while (vline_read(fp, &v)) {
		matchers_init(&ms);
		ad_err_clear(&err);
		if (one) {
			m = matcher_parse_with(mode, v.f[0], &err);
			rc = m != NULL ? 0 : -1;
			if (m != NULL)
				matchers_add(&ms, m);
		} else {
			rc = matchers_parse_with(mode, v.f[0], &ms, &err);
			if (rc == -1)
				ck_assert_uint_eq(ms.n, 0);
		}
		check_parsed(&v, rc, &ms, &err);
		matchers_release(&ms);
		n++;
	}
	fclose(fp);
	return n;
}

START_TEST(parse_classic_matches_alertmanager_0_25)
{
	ck_assert_int_gt(run_parse_file(DATA "parse_classic.txt",
	    MATCHER_PARSE_CLASSIC, false), 2500);
	ck_assert_int_gt(run_parse_file(DATA "parse_classic_one.txt",
	    MATCHER_PARSE_CLASSIC, true), 2500);
}
END_TEST

START_TEST(parse_utf8_matches_alertmanager)
{
	ck_assert_int_gt(run_parse_file(DATA "parse_utf8.txt",
	    MATCHER_PARSE_UTF8, false), 4000);
	ck_assert_int_gt(run_parse_file(DATA "parse_utf8_one.txt",
	    MATCHER_PARSE_UTF8, true), 4000);
}
END_TEST

START_TEST(parse_fallback_matches_alertmanager)
{
	int	fd = open("/dev/null", O_WRONLY);

	/* Fallbacks log a warning each, as Alertmanager does. */
	log_set_fd(fd);
	ck_assert_int_gt(run_parse_file(DATA "parse_fallback.txt",
	    MATCHER_PARSE_FALLBACK, false), 4000);
	ck_assert_int_gt(run_parse_file(DATA "parse_fallback_one.txt",
	    MATCHER_PARSE_FALLBACK, true), 4000);
	log_set_fd(-1);
	close(fd);
}
END_TEST

START_TEST(parse_default_mode_is_classic)
{
	struct matchers	 ms;
	struct matcher	*m;
	struct ad_err	 err;

	ck_assert_int_eq(matcher_parse_mode, MATCHER_PARSE_CLASSIC);
	matchers_init(&ms);
	/* Unquoted regex with a backslash: classic only. */
	ck_assert_int_eq(matchers_parse("{a=~\\d+, b=c,}", &ms, &err), 0);
	ck_assert_uint_eq(ms.n, 2);
	ck_assert_str_eq(matcher_value(ms.v[0]), "\\d+");
	ck_assert_int_eq(matchers_parse("a=\"b", &ms, &err), -1);
	ck_assert_str_eq(err.msg,
	    "matcher value contains unescaped double quote: \"b");
	ck_assert_uint_eq(ms.n, 2);
	matchers_release(&ms);
	m = matcher_parse("foo", &err);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err.msg, "bad matcher format: foo");
}
END_TEST

START_TEST(matcher_string_and_sort_match_go)
{
	struct vline	 v = { .n = 0 };
	struct matcher	*all[32];
	struct matchers	 ms;
	struct buf	 b;
	FILE		*fp = vopen(DATA "matcher_string.txt");
	size_t		 n = 0;
	int		 i, nsort = 0;

	buf_init(&b, BUF_NOCAP);
	while (vline_read(fp, &v)) {
		buf_reset(&b);
		if (strcmp(v.f[0], "sort") != 0) {
			all[n] = matcher_new(type_of(v.f[0]), v.f[1], v.f[2],
			    NULL);
			ck_assert_ptr_nonnull(all[n]);
			ck_assert_int_eq(matcher_string(all[n], &b), 0);
			ck_assert_str_eq(buf_str(&b), v.f[3]);
			n++;
			continue;
		}
		if (n == 14) {	/* the generator's extra matchers */
			all[n++] = matcher_new(MATCH_NRE, "foo", "bar", NULL);
			all[n++] = matcher_new(MATCH_RE, "foo", "bar", NULL);
			all[n++] = matcher_new(MATCH_EQ, "foo", "bar", NULL);
			all[n++] = matcher_new(MATCH_EQ, "foo", "baa", NULL);
			all[n++] = matcher_new(MATCH_EQ, "fo", "zzz", NULL);
		}
		matchers_init(&ms);
		for (i = 1; i < v.n - 1; i++)
			matchers_add(&ms, matcher_dup(all[atoi(v.f[i])]));
		matchers_sort(&ms);
		ck_assert_int_eq(matchers_string(&ms, &b), 0);
		ck_assert_str_eq(buf_str(&b), v.f[v.n - 1]);
		matchers_release(&ms);
		nsort++;
	}
	fclose(fp);
	ck_assert_int_eq(nsort, 5);
	while (n > 0)
		matcher_free(all[--n]);
	buf_release(&b);
}
END_TEST

START_TEST(matcher_matches_anchored_as_go)
{
	struct vline	 v = { .n = 0 };
	struct matcher	*m;
	FILE		*fp = vopen(DATA "matcher_match.txt");
	int		 n = 0;

	while (vline_read(fp, &v)) {
		m = matcher_new(type_of(v.f[0]), "l", v.f[1], NULL);
		ck_assert_ptr_nonnull(m);
		ck_assert_msg(matcher_matches(m, v.f[2]) == (v.f[3][0] == '1'),
		    "%s <%s> on <%s>", v.f[0], v.f[1], v.f[2]);
		matcher_free(m);
		n++;
	}
	fclose(fp);
	ck_assert_int_gt(n, 2500);
}
END_TEST

START_TEST(matcher_regex_error_is_go_text)
{
	struct matcher	*m;
	struct ad_err	 err;

	ck_assert_ptr_null(matcher_new(MATCH_RE, "a", "(a", &err));
	ck_assert_str_eq(err.msg,
	    "error parsing regexp: missing closing ): `^(?:(a)$`");
	ck_assert_ptr_null(matcher_new(MATCH_NRE, "a", "(?=x)", &err));
	ck_assert_str_eq(err.msg, "error parsing regexp: invalid or "
	    "unsupported Perl syntax: `(?=`");
	ck_assert_ptr_null(matcher_new(MATCH_RE, "a", "\\1", &err));
	ck_assert_str_eq(err.msg,
	    "error parsing regexp: invalid escape sequence: `\\1`");
	ck_assert_ptr_null(matcher_new(MATCH_RE, "a", "a**", &err));
	ck_assert_str_eq(err.msg,
	    "error parsing regexp: invalid nested repetition operator: `**`");
	/* Equality matchers take any value. */
	m = matcher_new(MATCH_EQ, "a", "(a", &err);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(matcher_value(m), "(a");
	matcher_free(m);
}
END_TEST

static struct labels *
mklabels(const char *const *kv)
{
	struct labels_builder	 b;
	struct labels		*ls;

	labels_builder_init(&b);
	for (; kv[0] != NULL; kv += 2)
		labels_builder_adds(&b, kv[0], kv[1]);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

START_TEST(matchers_match_absent_is_empty)
{
	struct matchers	 ms;
	struct labels	*ls;
	struct ad_err	 err;
	struct buf	 b;

	ls = mklabels((const char *[]){ "env", "prod", "severity", "crit",
	    NULL });
	matchers_init(&ms);
	ck_assert(matchers_match(&ms, ls));		/* {} matches all */
	ck_assert_int_eq(matchers_parse("{severity=~\"crit|page\", "
	    "env=\"prod\", team=\"\"}", &ms, &err), 0);
	ck_assert(matchers_match(&ms, ls));
	matchers_sort(&ms);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(matchers_string(&ms, &b), 0);
	ck_assert_str_eq(buf_str(&b),
	    "{env=\"prod\",severity=~\"crit|page\",team=\"\"}");
	ck_assert_int_eq(matchers_parse("team!=\"\"", &ms, &err), 0);
	ck_assert(!matchers_match(&ms, ls));
	matchers_release(&ms);
	buf_reset(&b);
	ck_assert_int_eq(matchers_string(&ms, &b), 0);
	ck_assert_str_eq(buf_str(&b), "{}");
	buf_release(&b);
	labels_unref(ls);
}
END_TEST

START_TEST(matcher_string_quotes_utf8_names)
{
	struct matchers	ms;
	struct ad_err	err;
	struct buf	b;

	matchers_init(&ms);
	ck_assert_int_eq(matchers_parse_with(MATCHER_PARSE_UTF8,
	    "{\"foo bar\"=\"x\\ny\", \"a\"=~\"b\"}", &ms, &err), 0);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(matchers_string(&ms, &b), 0);
	ck_assert_str_eq(buf_str(&b), "{\"foo bar\"=\"x\\ny\",a=~\"b\"}");
	buf_release(&b);
	matchers_release(&ms);
}
END_TEST

struct thread_arg {
	const struct matcher	*m;
	int			 hits;
};

static void *
match_thread(void *v)
{
	struct thread_arg	*a = v;
	char			 s[32];
	int			 i;

	for (i = 0; i < 20000; i++) {
		snprintf(s, sizeof(s), "host-%d.example", i % 100);
		a->hits += matcher_matches(a->m, s);
	}
	matcher_thread_cleanup();
	return NULL;
}

START_TEST(matcher_concurrent_use)
{
	struct thread_arg	 a[4];
	pthread_t		 t[4];
	struct matcher		*m;
	int			 i;

	/* Both compile at the first match, which the threads race to. */
	if (_i == 0)
		m = matcher_new(MATCH_RE, "instance",
		    "host-[1-3]\\d?\\.ex.*", NULL);
	else
		m = matcher_new_trusted(MATCH_RE, "instance",
		    "host-[1-3]\\d?\\.ex.*");
	for (i = 0; i < 4; i++) {
		a[i].m = m;
		a[i].hits = 0;
		ck_assert_int_eq(pthread_create(&t[i], NULL, match_thread,
		    &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		/* 1, 2, 3 and 10-39 out of every 100 */
		ck_assert_int_eq(a[i].hits, 200 * 33);
	}
	matcher_free(m);
}
END_TEST

Suite *
matcher_suite(void)
{
	Suite	*s = suite_create("matcher");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, regex_compile_matches_go);
	tcase_add_test(tc, regex_match_matches_go);
	tcase_add_test(tc, regex_lazy_matches_go);
	tcase_add_test(tc, matcher_trusted_invalid_matches_nothing);
	tcase_add_test(tc, regex_translation);
	tcase_add_test(tc, regex_large_uses_32bit_pcre2);
	tcase_add_test(tc, regex_pathological_is_linear);
	tcase_add_test(tc, regex_invalid_utf8_subject_is_fffd);
	tcase_add_test(tc, parse_classic_matches_alertmanager_0_25);
	tcase_add_test(tc, parse_utf8_matches_alertmanager);
	tcase_add_test(tc, parse_fallback_matches_alertmanager);
	tcase_add_test(tc, parse_default_mode_is_classic);
	tcase_add_test(tc, matcher_string_and_sort_match_go);
	tcase_add_test(tc, matcher_matches_anchored_as_go);
	tcase_add_test(tc, matcher_regex_error_is_go_text);
	tcase_add_test(tc, matchers_match_absent_is_empty);
	tcase_add_test(tc, matcher_string_quotes_utf8_names);
	tcase_add_loop_test(tc, matcher_concurrent_use, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
