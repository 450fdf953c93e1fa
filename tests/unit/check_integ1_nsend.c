/*
 * nsend: the Go behaviours the integrations' sending half relies on,
 * with vectors printed by Go 1.19 (Alertmanager 0.25's notify package,
 * net/url, alecthomas/units), see tests/data/integrations/README.md.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/gourl.h"
#include "notifiers/nsend.h"

static void
check_trunc(const char *s, size_t n, const char *want, bool cut)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(nsend_truncate_runes(&b, s, n), cut);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
}

START_TEST(truncate_runes)
{
	/* notify.TruncateInRunes */
	check_trunc("abcde", 4, "abc\xe2\x80\xa6", true);
	check_trunc("abcde", 3, "abc", true);
	check_trunc("ab", 3, "ab", false);
	check_trunc("日本語日本語", 5, "日本語日\xe2\x80\xa6", true);
	check_trunc("a\xff" "b\xfe" "c", 2, "a\xef\xbf\xbd", true);
	check_trunc("a\xff" "b\xfe" "c", 4, "a\xef\xbf\xbd" "b\xe2\x80\xa6",
	    true);
	/* not cut: the bytes as they were, invalid ones too */
	check_trunc("a\xff", 4, "a\xff", false);
}
END_TEST

START_TEST(metric_bytes)
{
	static const struct {
		int64_t		 n;
		const char	*s;
	} v[] = {
		{ 0, "0B" }, { 512000, "512KB" }, { 623456, "623KB456B" },
		{ 1000000, "1MB" }, { 1000001, "1MB1B" }, { 999, "999B" },
	};
	struct buf	b;
	size_t		i;

	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < sizeof(v) / sizeof(*v); i++) {
		buf_reset(&b);
		nsend_metric_bytes(&b, v[i].n);
		ck_assert_str_eq(buf_str(&b), v[i].s);
	}
	buf_release(&b);
}
END_TEST

START_TEST(url_edits)
{
	struct nsend_url	u;
	char			*s;

	/* u.Path += ...; u.String(): the whole path escaped again */
	nsend_url_parse(&u, "http://h:1/a%2Fb/?x=1&b=2&x=0#f");
	nsend_url_path_add(&u, "k y/é?!*'()");
	s = nsend_url_string(&u);
	ck_assert_str_eq(s, "http://h:1/a/b/k%20y/%C3%A9%3F%21%2A%27%28%29"
	    "?x=1&b=2&x=0#f");
	free(s);
	/* q := u.Query(); q.Set(...); u.RawQuery = q.Encode() */
	nsend_url_query_set(&u, "x", "n v&");
	s = nsend_url_string(&u);
	ck_assert_str_eq(s, "http://h:1/a/b/k%20y/%C3%A9%3F%21%2A%27%28%29"
	    "?b=2&x=n+v%26#f");
	free(s);
	nsend_url_release(&u);
	/* Query() drops what does not parse (";", bad escapes) */
	nsend_url_parse(&u, "http://user:pw@h/p?a=1;b=2&c=%zz&d=%41+");
	nsend_url_query_set(&u, "e", "");
	s = nsend_url_string(&u);
	ck_assert_str_eq(s, "http://user:pw@h/p?d=A+&e=");
	free(s);
	nsend_url_release(&u);
}
END_TEST

START_TEST(values_encode)
{
	struct gourl_values	q;
	struct buf		b;

	gourl_values_init(&q);
	gourl_values_add(&q, "token", "t/k n");
	gourl_values_add(&q, "a", "2");
	gourl_values_add(&q, "a", "1");
	gourl_values_add(&q, "message", "é & <x>~");
	buf_init(&b, BUF_NOCAP);
	gourl_values_encode(&q, &b);
	/* sorted by key, a key's values in their order */
	ck_assert_str_eq(buf_str(&b), "a=2&a=1&message=%C3%A9+%26+%3Cx%3E~&"
	    "token=t%2Fk+n");
	buf_release(&b);
	gourl_values_release(&q);
}
END_TEST

START_TEST(json_map)
{
	char		k0[] = "b", k1[] = "a<", k2[] = "B";
	char		v0[] = "1", v1[] = "2&", v2[] = "3";
	char		*k[] = { k0, k1, k2 }, *v[] = { v0, v1, v2 };
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	nsend_json_map(&b, k, v, 3);
	ck_assert_str_eq(buf_str(&b), "{\"B\":\"3\",\"a\\u003c\":\"2\\u0026\","
	    "\"b\":\"1\"}");
	buf_reset(&b);
	nsend_json_map(&b, k, v, 0);
	ck_assert_str_eq(buf_str(&b), "{}");
	buf_release(&b);
}
END_TEST

Suite *
integ1_nsend_suite(void)
{
	Suite	*s = suite_create("integ1_nsend");
	TCase	*tc = tcase_create("nsend");

	tcase_add_test(tc, truncate_runes);
	tcase_add_test(tc, metric_bytes);
	tcase_add_test(tc, url_edits);
	tcase_add_test(tc, values_encode);
	tcase_add_test(tc, json_map);
	suite_add_tcase(s, tc);
	return s;
}
