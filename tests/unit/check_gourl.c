/*
 * gourl: Go 1.19's net/url.  The vectors are those of Go's own
 * net/url/url_test.go (unescapeTests, queryEscapeTests,
 * pathEscapeTests, encodeQueryTests, parseTests, TestParseErrors,
 * parseRequestURLTests, TestRejectControlCharacters,
 * TestInvalidUserPassword), /usr/share/go-1.19/src/net/url; error texts
 * as Go's EscapeError, InvalidHostError and *url.Error print them, and
 * as amtool 0.25 shows them (check_config.c, check_cli_args.c).
 */
#include "alertd/gourl.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"

static void
unesc_ok(const char *in, enum gourl_enc m, const char *want)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	ck_assert_msg(gourl_unescape(&b, in, strlen(in), m, NULL) == 0,
	    "unescape %s", in);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
}

static void
unesc_err(const char *in, enum gourl_enc m, const char *want)
{
	struct ad_err	err;
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, "kept");
	ck_assert_int_eq(gourl_unescape(&b, in, strlen(in), m, &err), -1);
	ck_assert_str_eq(err.msg, want);
	ck_assert_str_eq(buf_str(&b), "kept");
	buf_release(&b);
}

START_TEST(gourl_unescape_go_vectors)
{
	char	*s;

	unesc_ok("", GOURL_ENC_QUERY_COMPONENT, "");
	unesc_ok("abc", GOURL_ENC_QUERY_COMPONENT, "abc");
	unesc_ok("1%41", GOURL_ENC_QUERY_COMPONENT, "1A");
	unesc_ok("1%41%42%43", GOURL_ENC_QUERY_COMPONENT, "1ABC");
	unesc_ok("%4a", GOURL_ENC_QUERY_COMPONENT, "J");
	unesc_ok("%6F", GOURL_ENC_QUERY_COMPONENT, "o");
	unesc_ok("a+b", GOURL_ENC_QUERY_COMPONENT, "a b");
	unesc_ok("a%20b", GOURL_ENC_QUERY_COMPONENT, "a b");
	/* PathUnescape: '+' stays */
	unesc_ok("a+b", GOURL_ENC_PATH_SEGMENT, "a+b");
	unesc_ok("a%20b+c%2Fd", GOURL_ENC_PATH, "a b+c/d");
	unesc_err("%", GOURL_ENC_QUERY_COMPONENT, "invalid URL escape \"%\"");
	unesc_err("%a", GOURL_ENC_QUERY_COMPONENT,
	    "invalid URL escape \"%a\"");
	unesc_err("%1", GOURL_ENC_PATH_SEGMENT, "invalid URL escape \"%1\"");
	unesc_err("123%45%6", GOURL_ENC_QUERY_COMPONENT,
	    "invalid URL escape \"%6\"");
	unesc_err("%zzzzz", GOURL_ENC_PATH, "invalid URL escape \"%zz\"");
	/* a host: %-encoding of non-ASCII bytes only, host characters */
	unesc_ok("%C3%A9x", GOURL_ENC_HOST, "\xc3\xa9x");
	unesc_err("%41", GOURL_ENC_HOST, "invalid URL escape \"%41\"");
	unesc_err("a b", GOURL_ENC_HOST,
	    "invalid character \" \" in host name");
	unesc_ok("%25%65n0", GOURL_ENC_ZONE, "%en0");
	unesc_err("%25%0a", GOURL_ENC_ZONE, "invalid URL escape \"%0a\"");
	/* check only */
	ck_assert_int_eq(gourl_unescape(NULL, "a%41", 4, GOURL_ENC_PATH,
	    NULL), 0);
	s = gourl_unescape_dup("/a%2Fb+c", 8, GOURL_ENC_PATH, NULL);
	ck_assert_str_eq(s, "/a/b+c");
	free(s);
	s = gourl_unescape_dup("", 0, GOURL_ENC_PATH, NULL);
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_ptr_null(gourl_unescape_dup("%g0", 3, GOURL_ENC_PATH, NULL));
	ck_assert_int_eq(gourl_unhex('f'), 15);
	ck_assert_int_eq(gourl_unhex('G'), -1);
}
END_TEST

static void
esc_eq(int (*fn)(struct buf *, const char *, size_t), const char *in,
    const char *want)
{
	struct buf	b, back;

	buf_init(&b, BUF_NOCAP);
	buf_init(&back, BUF_NOCAP);
	ck_assert_int_eq(fn(&b, in, strlen(in)), 0);
	ck_assert_str_eq(buf_str(&b), want);
	/* escape then unescape is the identity */
	ck_assert_int_eq(gourl_unescape(&back, buf_str(&b), buf_len(&b),
	    fn == gourl_query_escape ? GOURL_ENC_QUERY_COMPONENT :
	    GOURL_ENC_PATH_SEGMENT, NULL), 0);
	ck_assert_str_eq(buf_str(&back), in);
	buf_release(&b);
	buf_release(&back);
}

START_TEST(gourl_escape_go_vectors)
{
	static const char all[] = " ?&=#+%!<>#\"{}|\\^[]`\xe2\x98\xba\t:/@$'()*,;";
	struct buf	b;

	esc_eq(gourl_query_escape, "", "");
	esc_eq(gourl_query_escape, "abc", "abc");
	esc_eq(gourl_query_escape, "one two", "one+two");
	esc_eq(gourl_query_escape, "10%", "10%25");
	esc_eq(gourl_query_escape, all, "+%3F%26%3D%23%2B%25%21%3C%3E%23%22"
	    "%7B%7D%7C%5C%5E%5B%5D%60%E2%98%BA%09%3A%2F%40%24%27%28%29%2A%2C"
	    "%3B");
	esc_eq(gourl_path_escape, "abc+def", "abc+def");
	esc_eq(gourl_path_escape, "a/b", "a%2Fb");
	esc_eq(gourl_path_escape, "one two", "one%20two");
	esc_eq(gourl_path_escape, "10%", "10%25");
	esc_eq(gourl_path_escape, all, "%20%3F&=%23+%25%21%3C%3E%23%22%7B%7D"
	    "%7C%5C%5E%5B%5D%60%E2%98%BA%09:%2F@$%27%28%29%2A%2C%3B");
	/* EscapedPath's mode keeps '/' ';' ',' and escapes '?' */
	buf_init(&b, BUF_NOCAP);
	gourl_escape(&b, "/a;b,c?d e", 10, GOURL_ENC_PATH);
	ck_assert_str_eq(buf_str(&b), "/a;b,c%3Fd%20e");
	buf_release(&b);
	ck_assert(!gourl_should_escape('!', GOURL_ENC_FRAGMENT));
	ck_assert(gourl_should_escape('!', GOURL_ENC_PATH));
	ck_assert(!gourl_should_escape(':', GOURL_ENC_HOST));
	ck_assert(gourl_should_escape(':', GOURL_ENC_USER_PASSWORD));
	ck_assert(gourl_valid_encoded("/a!b%2F[x]", 10, GOURL_ENC_PATH));
	ck_assert(!gourl_valid_encoded("/a b", 4, GOURL_ENC_PATH));
	/* a capped buffer reports that the result did not fit */
	buf_init(&b, 4);
	ck_assert_int_eq(gourl_query_escape(&b, "a b c d", 7), -1);
	buf_release(&b);
}
END_TEST

static void
query_eq(const char *raw, const char *want)
{
	struct gourl_values	q;
	struct buf		b;

	gourl_values_init(&q);
	gourl_values_parse(&q, raw);
	buf_init(&b, BUF_NOCAP);
	gourl_values_encode(&q, &b);
	ck_assert_msg(strcmp(buf_str(&b), want) == 0, "%s: %s, want %s",
	    raw, buf_str(&b), want);
	buf_release(&b);
	gourl_values_release(&q);
}

START_TEST(gourl_values_go_vectors)
{
	struct gourl_values	q;
	struct buf		b;

	/* ParseQuery (what parses), then Encode */
	query_eq("a=1&b=2", "a=1&b=2");
	query_eq("a=1&a=2&a=banana", "a=1&a=2&a=banana");
	query_eq("ascii=%3Ckey%3A+0x90%3E", "ascii=%3Ckey%3A+0x90%3E");
	query_eq("a=1;b=2", "");
	query_eq("a=%3B", "a=%3B");
	query_eq("a%3Bb=1", "a%3Bb=1");
	query_eq("a=1&a=2;a=banana", "a=1");
	query_eq("a=1&b=2;a=3&c=4", "a=1&c=4");
	query_eq(";a=1&b=2", "b=2");
	query_eq("%gh&%ij&k", "k=");
	query_eq("=v&&x", "=v&x=");
	/* Encode of a map: keys sorted, each key's values in order */
	gourl_values_init(&q);
	gourl_values_add(&q, "q", "dogs");
	gourl_values_add(&q, "oe", "utf8");
	gourl_values_add(&q, "q", "&");
	gourl_values_addn(&q, "q", "78", 1);
	buf_init(&b, BUF_NOCAP);
	gourl_values_encode(&q, &b);
	ck_assert_str_eq(buf_str(&b), "oe=utf8&q=dogs&q=%26&q=7");
	ck_assert_str_eq(gourl_values_get(&q, "q"), "dogs");
	ck_assert_ptr_null(gourl_values_get(&q, "x"));
	gourl_values_set(&q, "q", "puppies");
	buf_reset(&b);
	gourl_values_encode(&q, &b);
	ck_assert_str_eq(buf_str(&b), "oe=utf8&q=puppies");
	buf_release(&b);
	gourl_values_release(&q);
}
END_TEST

static void
parse_ok(const char *s)
{
	struct ad_err	err;

	ck_assert_msg(gourl_parse(s, NULL, &err) == 0, "%s: %s", s, err.msg);
}

static void
parse_err(const char *s, const char *want)
{
	struct ad_err	err;

	ck_assert_msg(gourl_parse(s, NULL, &err) == -1, "accepted %s", s);
	if (want != NULL)
		ck_assert_str_eq(err.msg, want);
}

START_TEST(gourl_parse_go_vectors)
{
	parse_ok("http://[::1]");
	parse_ok("http://[::1]:80");
	parse_err("http://[::1]:namedport",
	    "parse \"http://[::1]:namedport\": invalid port \":namedport\" "
	    "after host");
	parse_err("http://x:namedport", NULL);
	parse_ok("http://[::1]/");
	parse_err("http://[::1]a", NULL);
	parse_err("http://[::1]%23", NULL);
	parse_ok("http://[::1%25en0]");
	parse_ok("http://[::1]:");
	parse_ok("http://x:");
	parse_err("http://[::1]:%38%30", NULL);
	parse_ok("http://[::1%25%41]");
	parse_err("http://[%10::1]", NULL);
	parse_ok("http://[::1]/%48");
	parse_err("http://%41:8080/",
	    "parse \"http://%41:8080/\": invalid URL escape \"%41\"");
	parse_err("mysql://x@y(z:123)/foo", NULL);
	parse_err("mysql://x@y(1.2.3.4:123)/foo", NULL);
	parse_err(" http://foo.com", "parse \" http://foo.com\": first path "
	    "segment in URL cannot contain colon");
	parse_err("ht tp://foo.com", NULL);
	parse_ok("ahttp://foo.com");
	parse_err("1http://foo.com", NULL);
	parse_err("http://a b.com/", "parse \"http://a b.com/\": invalid "
	    "character \" \" in host name");
	parse_err("cache_object://foo", NULL);
	parse_err("cache_object:foo", NULL);
	parse_err("cache_object:foo/bar", NULL);
	parse_ok("cache_object/:foo/bar");
	parse_ok("*");
	parse_ok("");
	/* control bytes before the fragment; the fragment's escapes */
	parse_err("http://foo.com/?foo\nbar", "parse \"http://foo.com/?foo\\"
	    "nbar\": net/url: invalid control character in URL");
	parse_err("http\r://foo.com/", NULL);
	parse_err("http://foo\x7f.com/", NULL);
	parse_ok("http://foo.com/ctl\x80");
	parse_ok("http://h/#a\nb");
	parse_err("http://h/%zz#f", "parse \"http://h/%zz\": invalid URL "
	    "escape \"%zz\"");
	parse_err("http://h/#%zz", "parse \"http://h/#%zz\": invalid URL "
	    "escape \"%zz\"");
	parse_err("http://user^:passwo^rd@foo.com/", "parse "
	    "\"http://user^:passwo^rd@foo.com/\": net/url: invalid userinfo");
	parse_err(":x", "parse \":x\": missing protocol scheme");
	parse_err("http://[::1", "parse \"http://[::1\": missing ']' in host");
}
END_TEST

START_TEST(gourl_parse_parts)
{
	struct gourl	u;

	ck_assert_int_eq(gourl_parse("HTTPS://us%65r:p%40ss@h%C3%A9:9093/a%20m/"
	    "?x=1#f%20g", &u, NULL), 0);
	ck_assert_str_eq(u.scheme, "https");
	ck_assert_str_eq(u.user, "user");
	ck_assert_str_eq(u.password, "p@ss");
	ck_assert_str_eq(u.host, "h\xc3\xa9:9093");
	ck_assert_str_eq(u.path, "/a m/");
	ck_assert_str_eq(u.raw_query, "x=1");
	ck_assert_str_eq(u.fragment, "f g");
	ck_assert(!u.opaque);
	gourl_release(&u);
	ck_assert_int_eq(gourl_parse("mailto:x@y", &u, NULL), 0);
	ck_assert(u.opaque);
	ck_assert_str_eq(u.host, "");
	ck_assert_ptr_null(u.user);
	gourl_release(&u);
	/* no scheme: "///x" is a path, not an empty authority */
	ck_assert_int_eq(gourl_parse("///x", &u, NULL), 0);
	ck_assert_str_eq(u.path, "///x");
	gourl_release(&u);
	ck_assert_int_eq(gourl_parse("//h/p", &u, NULL), 0);
	ck_assert_str_eq(u.host, "h");
	ck_assert_str_eq(u.path, "/p");
	gourl_release(&u);
}
END_TEST

static void
req_is(const char *s, bool valid)
{
	ck_assert_msg((gourl_parse_request_uri(s, strlen(s), NULL, NULL) ==
	    0) == valid, "%s", s);
}

START_TEST(gourl_request_uri_go_vectors)
{
	struct ad_err	err;

	req_is("http://foo.com", true);
	req_is("http://foo.com/", true);
	req_is("http://foo.com/path", true);
	req_is("/", true);
	req_is("//not.a.user@%66%6f%6f.com/just/a/path/also", true);
	req_is("*", true);
	req_is("http://192.168.0.1:8080/", true);
	req_is("http://[fe80::1]:8080/", true);
	req_is("http://[fe80::1%25en0]/", true);
	req_is("http://[fe80::1%25%65%6e%301-._~]:8080/", true);
	req_is("foo.html", false);
	req_is("../dir/", false);
	req_is(" http://foo.com", false);
	req_is("http://192.168.0.%31/", false);
	req_is("http://[fe80::%31]:8080/", false);
	req_is("http://[fe80::%31%25en0]/", false);
	req_is("http://[fe80::1%en0]/", false);
	ck_assert_int_eq(gourl_parse_request_uri("", 0, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "parse \"\": empty url");
	ck_assert_int_eq(gourl_parse_request_uri("a/b", 3, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "parse \"a/b\": invalid URI for request");
	/* a NUL inside is a control byte */
	ck_assert_int_eq(gourl_parse_request_uri("/a\0b", 4, NULL, NULL), -1);
}
END_TEST

Suite *
gourl_suite(void)
{
	Suite	*s = suite_create("gourl");
	TCase	*tc = tcase_create("gourl");

	tcase_add_test(tc, gourl_unescape_go_vectors);
	tcase_add_test(tc, gourl_escape_go_vectors);
	tcase_add_test(tc, gourl_values_go_vectors);
	tcase_add_test(tc, gourl_parse_go_vectors);
	tcase_add_test(tc, gourl_parse_parts);
	tcase_add_test(tc, gourl_request_uri_go_vectors);
	suite_add_tcase(s, tc);
	return s;
}
