/*
 * The API JSON codecs: the PostableAlerts decoder (Go's messages, typing
 * and quirks), the encoders, and the Go-library vectors in
 * tests/data/api/gofmt/ (generated with gen.go there from strfmt and
 * net/url, the libraries Alertmanager 0.25 is built with).
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api_gofmt.h"
#include "alertd/api_json.h"
#include "alertd/buf.h"
#include "alertd/timeutil.h"
#include "alertd/utf8.h"
#include "routing/labels.h"

static int
decode(const char *body, size_t max, struct api_postable_alerts *pa,
    struct api_json_err *err)
{
	return api_json_decode_alerts(body, strlen(body), max, pa, err);
}

static void
check_err(const char *body, int status, int code, const char *msg)
{
	struct api_postable_alerts	pa;
	struct api_json_err		err;

	ck_assert_int_eq(decode(body, 0, &pa, &err), -1);
	ck_assert_int_eq(err.status, status);
	ck_assert_int_eq(err.code, code);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_uint_eq(pa.n, 0);
	api_json_err_release(&err);
}

START_TEST(decode_valid)
{
	struct api_postable_alerts	pa;
	struct api_json_err		err;
	const char *body = " [{\"labels\":{\"b\":\"2\",\"a\":\"1\"},"
	    "\"annotations\":{\"s\":\"x\"},\"generatorURL\":\"http://g/\","
	    "\"startsAt\":\"2020-01-01T10:00:00.5+02:00\"},"
	    "{\"labels\":{\"a\":\"1\"},\"endsAt\":\"2030-01-01T00:00:00Z\"}]";

	ck_assert_int_eq(decode(body, 0, &pa, &err), 0);
	ck_assert_uint_eq(pa.n, 2);
	ck_assert_uint_eq(pa.v[0].labels->n, 2);
	ck_assert_str_eq(pa.v[0].labels->v[0].name, "a");
	ck_assert_str_eq(labels_get(pa.v[0].annotations, "s"), "x");
	ck_assert_str_eq(pa.v[0].generator_url, "http://g/");
	ck_assert_int_eq(pa.v[0].starts_at,
	    (int64_t)1577865600 * AD_SEC + 500 * AD_MS);
	ck_assert_int_eq(pa.v[0].starts_off, 7200);
	ck_assert_int_eq(pa.v[0].ends_at, AD_TIME_ZERO);
	ck_assert_ptr_null(pa.v[1].annotations);
	ck_assert_int_eq(pa.v[1].starts_at, AD_TIME_ZERO);
	ck_assert_int_eq(pa.v[1].ends_at, (int64_t)1893456000 * AD_SEC);
	api_postable_alerts_release(&pa);
}
END_TEST

START_TEST(decode_go_quirks)
{
	struct api_postable_alerts	pa;
	struct api_json_err		err;

	/* Case-insensitive keys, U+017F for s, maps merging, null resets
	 * a map, "" is the epoch, trailing data ignored, invalid UTF-8 and
	 * lone surrogates become U+FFFD. */
	ck_assert_int_eq(decode("[{\"LaBeLs\":{\"a\":\"1\"},\"labels\":"
	    "{\"b\":\"\\ud800\\ud83d\\ude00\xff\"},\"\xc5\xbftartsAt\":\"\","
	    "\"annotations\":{\"x\":\"1\"},\"annotations\":null}] trailing",
	    0, &pa, &err), 0);
	ck_assert_uint_eq(pa.n, 1);
	ck_assert_uint_eq(pa.v[0].labels->n, 2);
	ck_assert_str_eq(labels_get(pa.v[0].labels, "b"),
	    "\xef\xbf\xbd\xf0\x9f\x98\x80\xef\xbf\xbd");
	ck_assert_int_eq(pa.v[0].starts_at, 0);
	ck_assert_ptr_null(pa.v[0].annotations);
	api_postable_alerts_release(&pa);
	ck_assert_int_eq(decode("null", 0, &pa, &err), 0);
	ck_assert_uint_eq(pa.n, 0);
	ck_assert_int_eq(decode("[{\"labels\":{\"a\":\"x\\u0000y\"}}]", 0,
	    &pa, &err), 0);
	ck_assert(pa.v[0].nul_byte);
	api_postable_alerts_release(&pa);
}
END_TEST

START_TEST(decode_errors)
{
	check_err("", 422, 602, "alerts in body is required");
	check_err(" \n", 422, 602, "alerts in body is required");
	check_err("[{}]", 422, 602, "0.labels in body is required");
	check_err("[{\"labels\":{}},{\"labels\":null}]", 422, 602,
	    "1.labels in body is required");
	check_err("[{\"generatorURL\":\"::\"}]", 422, 601,
	    "0.generatorURL in body must be of type uri: \"::\"");
	check_err("xx", 400, 400, "parsing alerts body from \"\" failed, "
	    "because invalid character 'x' looking for beginning of value");
	check_err("[{\"labels\":", 400, 400, "parsing alerts body from \"\" "
	    "failed, because unexpected EOF");
	check_err("[1,]", 400, 400, "parsing alerts body from \"\" failed, "
	    "because invalid character ']' looking for beginning of value");
	check_err("[\"\\x\"]", 400, 400, "parsing alerts body from \"\" "
	    "failed, because invalid character 'x' in string escape code");
	check_err("[nul]", 400, 400, "parsing alerts body from \"\" failed, "
	    "because invalid character ']' in literal null (expecting 'l')");
	check_err("[\xc3]", 400, 400, "parsing alerts body from \"\" failed, "
	    "because invalid character '\xc3\x83' looking for beginning of "
	    "value");
	check_err("{}", 400, 400, "parsing alerts body from \"\" failed, "
	    "because json: cannot unmarshal object into Go value of type "
	    "models.PostableAlerts");
	check_err("[{\"labels\":{\"a\":1}}]", 400, 400, "parsing alerts body "
	    "from \"\" failed, because json: cannot unmarshal number into Go "
	    "struct field Alert.labels of type string");
	check_err("[{\"labels\":1,\"annotations\":[]}]", 400, 400, "parsing "
	    "alerts body from \"\" failed, because json: cannot unmarshal "
	    "array into Go struct field .annotations of type models.LabelSet");
	check_err("[{\"endsAt\":\"2020-13-01T00:00:00Z\"}]", 400, 400,
	    "parsing alerts body from \"\" failed, because parsing time "
	    "\"2020-13-01T00:00:00Z\": month out of range");
	check_err("[null]", 400, 400, "parsing alerts body from \"\" failed, "
	    "because alert 0 is null");
}
END_TEST

START_TEST(decode_limits)
{
	struct api_postable_alerts	 pa;
	struct api_json_err		 err;
	struct buf			 b;
	int				 i;

	ck_assert_int_eq(decode("[{\"labels\":{}},{\"labels\":{}},"
	    "{\"labels\":{}}]", 2, &pa, &err), -1);
	ck_assert_int_eq(err.status, 413);
	api_json_err_release(&err);
	/* Go's scanner stops at 10000 levels; we never recurse. */
	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < 10001; i++)
		buf_addch(&b, '[');
	ck_assert_int_eq(decode(buf_str(&b), 0, &pa, &err), -1);
	ck_assert_str_eq(err.msg, "parsing alerts body from \"\" failed, "
	    "because invalid character '[' exceeded max depth");
	api_json_err_release(&err);
	buf_reset(&b);
	buf_addstr(&b, "[{\"labels\":{\"a\":\"b\"},\"x\":");
	for (i = 0; i < 9000; i++)
		buf_addch(&b, '[');
	for (i = 0; i < 9000; i++)
		buf_addch(&b, ']');
	buf_addstr(&b, "}]");
	ck_assert_int_eq(decode(buf_str(&b), 0, &pa, &err), 0);
	ck_assert_uint_eq(pa.n, 1);
	api_postable_alerts_release(&pa);
	buf_release(&b);
}
END_TEST

START_TEST(encode_strings)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	api_json_string(&b, "a<>&\"\\\n\t\x01\x7f\xe2\x80\xa8\xff", 14);
	ck_assert_str_eq(buf_str(&b), "\"a\\u003c\\u003e\\u0026\\\"\\\\\\n\\t"
	    "\\u0001\x7f\\u2028\\ufffd\"");
	buf_reset(&b);
	api_json_string_noesc(&b, "a<b\b", 4);
	ck_assert_str_eq(buf_str(&b), "\"a<b\\u0008\"");
	buf_release(&b);
}
END_TEST

/* Go's encodeState.string byte by byte: the reference for json_str. */
static void
ref_string(struct buf *out, const unsigned char *p, size_t len, bool html)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t	r;
	size_t		i = 0;
	int		k;

	buf_addch(out, '"');
	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x80) {
			k = utf8_decode(p + i, len - i, &r);
			if (k < 0) {
				buf_addstr(out, "\\ufffd");
				i++;
			} else if (r == 0x2028 || r == 0x2029) {
				buf_addf(out, "\\u%04x", (unsigned)r);
				i += (size_t)k;
			} else {
				buf_add(out, p + i, (size_t)k);
				i += (size_t)k;
			}
			continue;
		}
		if (c == '"' || c == '\\')
			buf_addf(out, "\\%c", c);
		else if (c == '\n')
			buf_addstr(out, "\\n");
		else if (c == '\r')
			buf_addstr(out, "\\r");
		else if (c == '\t')
			buf_addstr(out, "\\t");
		else if (c < 0x20 || (html && (c == '<' || c == '>' ||
		    c == '&')))
			buf_addf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		else
			buf_addch(out, c);
		i++;
	}
	buf_addch(out, '"');
}

START_TEST(encode_strings_random)
{
	static const char *const pieces[] = {
		"a", "plain text ", "<", ">", "&", "\"", "\\", "\n", "\t",
		"\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa8",
		"\xe2\x80\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff",
		"\xc3", "\xe2\x80", "\xed\xa0\x80", "0123456789abcdef", " "
	};
	struct buf	got, want;
	char		s[256];
	size_t		len, k;
	unsigned	seed = 42;
	int		i, html;

	buf_init(&got, BUF_NOCAP);
	buf_init(&want, BUF_NOCAP);
	for (i = 0; i < 20000; i++) {
		len = 0;
		for (k = rand_r(&seed) % 12; k > 0; k--) {
			const char *pc = pieces[rand_r(&seed) %
			    (sizeof(pieces) / sizeof(pieces[0]))];

			if (len + strlen(pc) >= sizeof(s))
				break;
			memcpy(s + len, pc, strlen(pc));
			len += strlen(pc);
		}
		for (html = 0; html <= 1; html++) {
			buf_reset(&got);
			buf_reset(&want);
			if (html)
				api_json_string(&got, s, len);
			else
				api_json_string_noesc(&got, s, len);
			ref_string(&want, (const unsigned char *)s, len, html);
			ck_assert_str_eq(buf_str(&got), buf_str(&want));
		}
	}
	buf_release(&got);
	buf_release(&want);
}
END_TEST

/* The formatter as it was written with snprintf: the reference. */
static void
ref_datetime(ad_time_t t, int32_t off, char *out, size_t cap)
{
	int64_t		 secs, days, rem, y;
	unsigned	 mo, d;
	long		 ms;
	int		 z, n;

	if (t == AD_TIME_ZERO) {
		secs = -62135596800LL;
		ms = 0;
		off = 0;
	} else {
		secs = t / AD_SEC;
		ms = (long)(t % AD_SEC);
		if (ms < 0) {
			ms += AD_SEC;
			secs--;
		}
		ms /= 1000000;
	}
	secs += off;
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	time_civil_from_days(days, &y, &mo, &d);
	n = snprintf(out, cap, "%04lld-%02u-%02uT%02d:%02d:%02d.%03ld",
	    (long long)y, mo, d, (int)(rem / 3600), (int)(rem / 60 % 60),
	    (int)(rem % 60), ms);
	if (off == 0) {
		snprintf(out + n, cap - (size_t)n, "Z");
		return;
	}
	z = off / 60;
	snprintf(out + n, cap - (size_t)n, "%c%02d:%02d", z < 0 ? '-' : '+',
	    (z < 0 ? -z : z) / 60, (z < 0 ? -z : z) % 60);
}

START_TEST(gofmt_datetime_random)
{
	static const int32_t offs[] = { 0, 3600, -3600, -5400, 20700, 50400,
	    -43200, 59, -59, 86340 };
	char		got[API_GO_TIME_MAX], want[64];
	unsigned	seed = 7;
	ad_time_t	t;
	int		i;

	for (i = 0; i < 200000; i++) {
		t = (ad_time_t)(((uint64_t)rand_r(&seed) << 42) ^
		    ((uint64_t)rand_r(&seed) << 21) ^ (uint64_t)rand_r(&seed));
		if (i % 5 == 0)
			t = (t % ((ad_time_t)3 * 86400 * AD_SEC)) -
			    (ad_time_t)86400 * AD_SEC;
		if (i == 0)
			t = AD_TIME_ZERO;
		ref_datetime(t, offs[i % 10], want, sizeof(want));
		ck_assert_str_eq(api_go_format_datetime(t, offs[i % 10], got),
		    want);
	}
}
END_TEST

START_TEST(encode_alert)
{
	struct labels_builder	 lb;
	struct labels		*ls;
	struct alert		*a;
	struct alert_status	 st;
	struct buf		 b;
	const char		*rcv[] = { "web" };

	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "x<y");
	ls = labels_builder_finish(&lb);
	labels_builder_release(&lb);
	a = alert_new(ls, NULL, "", (int64_t)1577836800 * AD_SEC + 123456789,
	    (int64_t)1893456000 * AD_SEC, (int64_t)1577836800 * AD_SEC, false);
	/* fingerprint of {alertname="x<y"} from prometheus-alertmanager 0.25 */
	a->starts_off = -5400;
	alert_status_init(&st);
	st.state = ALERT_STATE_SUPPRESSED;
	alertd_strs_add(&st.silenced_by, "id1");
	buf_init(&b, BUF_NOCAP);
	api_json_alert(&b, a, &st, rcv, 1);
	ck_assert_str_eq(buf_str(&b), "{\"annotations\":{},\"endsAt\":"
	    "\"2030-01-01T00:00:00.000Z\",\"fingerprint\":\"6f5c720746ee1f33\","
	    "\"receivers\":[{\"name\":\"web\"}],\"startsAt\":"
	    "\"2019-12-31T22:30:00.123-01:30\",\"status\":{\"inhibitedBy\":[],"
	    "\"mutedBy\":[],\"silencedBy\":[\"id1\"],\"state\":\"suppressed\"},"
	    "\"updatedAt\":\"2020-01-01T00:00:00.000Z\",\"labels\":"
	    "{\"alertname\":\"x\\u003cy\"}}");
	buf_release(&b);
	alert_status_release(&st);
	alert_unref(a);
}
END_TEST

START_TEST(gofmt_datetime_vectors)
{
	json_t		*rec;
	json_error_t	 jerr;
	FILE		*f = fopen("tests/data/api/gofmt/datetime.jsonl", "r");
	char		 line[4096], out[API_GO_TIME_MAX];
	struct buf	 msg;
	ad_time_t	 t;
	int32_t		 off;
	const char	*in;
	int		 n = 0, rc;

	ck_assert_ptr_nonnull(f);
	buf_init(&msg, BUF_NOCAP);
	while (fgets(line, sizeof(line), f) != NULL) {
		rec = json_loads(line, 0, &jerr);
		ck_assert_ptr_nonnull(rec);
		in = json_string_value(json_object_get(rec, "in"));
		buf_reset(&msg);
		rc = api_go_parse_datetime(in, strlen(in), &t, &off, &msg);
		if (json_object_get(rec, "err") != NULL) {
			ck_assert_msg(rc == -1, "accepted %s", in);
			ck_assert_str_eq(buf_str(&msg), json_string_value(
			    json_object_get(rec, "err")));
		} else if (json_is_true(json_object_get(rec, "zero"))) {
			ck_assert_msg(rc == 0 && t == AD_TIME_ZERO, "%s", in);
		} else {
			ck_assert_msg(rc == 0, "rejected %s: %s", in,
			    buf_str(&msg));
			ck_assert_int_eq(t / AD_SEC - (t % AD_SEC < 0),
			    json_integer_value(json_object_get(rec, "unix")));
			ck_assert_str_eq(api_go_format_datetime(t, off, out),
			    json_string_value(json_object_get(rec, "out")));
		}
		json_decref(rec);
		n++;
	}
	fclose(f);
	buf_release(&msg);
	ck_assert_int_gt(n, 50);
}
END_TEST

START_TEST(gofmt_uri_vectors)
{
	json_t		*rec;
	json_error_t	 jerr;
	FILE		*f = fopen("tests/data/api/gofmt/uri.jsonl", "r");
	char		 line[4096];
	const char	*in;
	int		 n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		rec = json_loads(line, 0, &jerr);
		ck_assert_ptr_nonnull(rec);
		in = json_string_value(json_object_get(rec, "in"));
		ck_assert_msg(api_go_request_uri_valid(in, strlen(in)) ==
		    json_is_true(json_object_get(rec, "ok")), "uri %s", in);
		json_decref(rec);
		n++;
	}
	fclose(f);
	ck_assert_int_gt(n, 40);
}
END_TEST

Suite *
api_json_suite(void)
{
	Suite	*s = suite_create("api_json");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, decode_valid);
	tcase_add_test(tc, decode_go_quirks);
	tcase_add_test(tc, decode_errors);
	tcase_add_test(tc, decode_limits);
	tcase_add_test(tc, encode_strings);
	tcase_add_test(tc, encode_strings_random);
	tcase_add_test(tc, encode_alert);
	tcase_add_test(tc, gofmt_datetime_vectors);
	tcase_add_test(tc, gofmt_datetime_random);
	tcase_add_test(tc, gofmt_uri_vectors);
	suite_add_tcase(s, tc);
	return s;
}
