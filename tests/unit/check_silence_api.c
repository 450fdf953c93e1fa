/*
 * API v2 silence handlers against the answers the real Alertmanager 0.25
 * gave to the same requests (tests/data/silences/api_cases.jsonl, from
 * record-am.py), byte for byte; plus create/get/list/update/delete flows,
 * the filter, the sort order and the JSON shape.
 */
#include <check.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alertd/api_gofmt.h"
#include "alertd/api_silences.h"
#include "alertd/buf.h"
#include "silences/silence.h"
#include "silences/silence_store.h"

#define T0	((ad_time_t)1767225600 * AD_SEC)	/* 2026-01-01T00:00:00Z */

static struct silence_store *
mkstore(void)
{
	struct silence_store_opts o = { .retention = 120 * AD_HOUR };

	return silence_store_new(&o);
}

START_TEST(matches_recorded_alertmanager_answers)
{
	struct silence_store	*ss = mkstore();
	json_error_t		 je;
	FILE			*f;
	char			 line[8192];
	int			 n = 0;

	f = fopen("tests/data/silences/api_cases.jsonl", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		json_t			*c = json_loads(line, 0, &je);
		struct api_sil_resp	 r;
		const char		*m, *want;
		int			 status;

		ck_assert_ptr_nonnull(c);
		m = json_string_value(json_object_get(c, "method"));
		want = json_string_value(json_object_get(c, "resp"));
		status = (int)json_integer_value(json_object_get(c, "status"));
		api_sil_resp_init(&r);
		if (strcmp(m, "POST") == 0) {
			json_t *b = json_object_get(c, "body");

			api_silences_post(ss, json_string_value(b),
			    json_string_length(b), T0, &r);
		} else if (strcmp(m, "GET") == 0) {
			api_silence_get(ss, json_string_value(json_object_get(c,
			    "id")), T0, &r);
		} else {
			api_silence_delete(ss, json_string_value(
			    json_object_get(c, "id")), T0, &r);
			if (status == 500) {
				/* 0.25 said 500 "silence not found"; 0.26+
				 * (and alertd) say 404 without a body. */
				status = 404;
				want = "";
			}
		}
		if (r.status != status || strcmp(buf_str(&r.body), want) != 0)
			ck_abort_msg("%s: got %d %s, want %d %s",
			    json_string_value(json_object_get(c, "name")),
			    r.status, buf_str(&r.body), status, want);
		api_sil_resp_release(&r);
		json_decref(c);
		n++;
	}
	fclose(f);
	ck_assert_int_eq(n, 59);
	silence_store_free(ss);
}
END_TEST

static void
post(struct silence_store *ss, const char *body, ad_time_t now,
    int want_status, char id[64])
{
	struct api_sil_resp	r;
	json_t			*j;

	api_sil_resp_init(&r);
	api_silences_post(ss, body, strlen(body), now, &r);
	ck_assert_msg(r.status == want_status, "%d %s", r.status,
	    buf_str(&r.body));
	if (id != NULL && r.status == 200) {
		j = json_loads(buf_str(&r.body), 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_uint_eq(json_object_size(j), 1);
		snprintf(id, 64, "%s", json_string_value(json_object_get(j,
		    "silenceID")));
		ck_assert_uint_eq(strlen(id), 36);
		ck_assert_int_eq(id[14], '4');	/* UUID v4 */
		json_decref(j);
	}
	api_sil_resp_release(&r);
}

START_TEST(create_get_json_shape)
{
	struct silence_store	*ss = mkstore();
	struct api_sil_resp	 r;
	char			 id[64], want[2048];

	post(ss, "{\"matchers\":[{\"name\":\"x\",\"value\":\"y\",\"isRegex\":"
	    "false,\"isEqual\":false},{\"name\":\"a\",\"value\":\"b.*\","
	    "\"isRegex\":true}],\"startsAt\":\"2030-01-01T02:00:00+02:00\","
	    "\"endsAt\":\"2030-01-02T00:00:00.123456789+02:00\",\"createdBy\":"
	    "\"me\",\"comment\":\"<c>&\"}", T0, 200, id);
	api_sil_resp_init(&r);
	api_silence_get(ss, id, T0, &r);
	ck_assert_int_eq(r.status, 200);
	/* The shape Alertmanager 0.25 printed for the same silence. */
	snprintf(want, sizeof(want), "{\"id\":\"%s\",\"status\":{\"state\":"
	    "\"pending\"},\"updatedAt\":\"2026-01-01T00:00:00.000Z\","
	    "\"comment\":\"\\u003cc\\u003e\\u0026\",\"createdBy\":\"me\","
	    "\"endsAt\":\"2030-01-02T00:00:00.123+02:00\",\"matchers\":["
	    "{\"isEqual\":false,\"isRegex\":false,\"name\":\"x\",\"value\":"
	    "\"y\"},{\"isEqual\":true,\"isRegex\":true,\"name\":\"a\","
	    "\"value\":\"b.*\"}],\"startsAt\":\"2030-01-01T02:00:00.000+02:00\""
	    "}\n", id);
	ck_assert_str_eq(buf_str(&r.body), want);
	api_sil_resp_release(&r);
	silence_store_free(ss);
}
END_TEST

static void
get_list(struct silence_store *ss, const char *const *f, size_t nf,
    ad_time_t now, json_t **out)
{
	struct api_sil_resp	r;

	api_sil_resp_init(&r);
	api_silences_get(ss, f, nf, now, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(buf_str(&r.body)[buf_len(&r.body) - 1], '\n');
	*out = json_loads(buf_str(&r.body), 0, NULL);
	ck_assert_ptr_nonnull(*out);
	api_sil_resp_release(&r);
}

static const char *
nth(json_t *a, size_t i, const char *field)
{
	json_t	*v = json_array_get(a, i);

	if (strcmp(field, "state") == 0)
		return json_string_value(json_object_get(json_object_get(v,
		    "status"), "state"));
	return json_string_value(json_object_get(v, field));
}

START_TEST(list_sort_and_filter)
{
	struct silence_store	*ss = mkstore();
	char			 a1[64], a2[64], p1[64], p2[64], e1[64], e2[64];
	char			 body[512];
	json_t			*l;
	struct api_sil_resp	 r;
	const char		*f1[] = { "job=\"x\"" }, *f2[] = { "job=~x" };
	const char		*bad[] = { "job" };

#define MK(id, job, s, e) \
	snprintf(body, sizeof(body), "{\"matchers\":[{\"name\":\"job\"," \
	    "\"value\":\"%s\",\"isRegex\":false}],\"startsAt\":\"%s\"," \
	    "\"endsAt\":\"%s\",\"createdBy\":\"u\",\"comment\":\"c\"}", job, \
	    s, e); post(ss, body, T0, 200, id)
	MK(a1, "x", "2025-01-01T00:00:00Z", "2026-03-01T00:00:00Z");
	MK(a2, "y", "2025-01-01T00:00:00Z", "2026-02-01T00:00:00Z");
	MK(p1, "x", "2026-05-01T00:00:00Z", "2026-09-01T00:00:00Z");
	MK(p2, "y", "2026-04-01T00:00:00Z", "2026-09-01T00:00:00Z");
	MK(e1, "x", "2025-01-01T00:00:00Z", "2026-01-10T00:00:00Z");
	MK(e2, "y", "2025-01-01T00:00:00Z", "2026-01-20T00:00:00Z");
	/* At Jan 25th, e1 and e2 have ended: e2 most recently. */
	get_list(ss, NULL, 0, T0 + 24 * 24 * AD_HOUR, &l);
	ck_assert_uint_eq(json_array_size(l), 6);
	ck_assert_str_eq(nth(l, 0, "id"), a2);
	ck_assert_str_eq(nth(l, 1, "id"), a1);
	ck_assert_str_eq(nth(l, 2, "id"), p2);
	ck_assert_str_eq(nth(l, 3, "id"), p1);
	ck_assert_str_eq(nth(l, 4, "id"), e2);
	ck_assert_str_eq(nth(l, 5, "id"), e1);
	ck_assert_str_eq(nth(l, 0, "state"), "active");
	ck_assert_str_eq(nth(l, 2, "state"), "pending");
	ck_assert_str_eq(nth(l, 5, "state"), "expired");
	json_decref(l);
	/* Structural filter: same name, type and value. */
	get_list(ss, f1, 1, T0, &l);
	ck_assert_uint_eq(json_array_size(l), 3);
	json_decref(l);
	get_list(ss, f2, 1, T0, &l);
	ck_assert_uint_eq(json_array_size(l), 0);
	json_decref(l);
	api_sil_resp_init(&r);
	api_silences_get(ss, bad, 1, T0, &r);
	ck_assert_int_eq(r.status, 400);
	api_sil_resp_release(&r);
	silence_store_free(ss);
}
END_TEST

START_TEST(update_delete_flow)
{
	struct silence_store	*ss = mkstore();
	char			 id[64], id2[64], body[512];
	struct api_sil_resp	 r;
	json_t			*l;

	post(ss, "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":"
	    "false}],\"startsAt\":\"2025-01-01T00:00:00Z\",\"endsAt\":"
	    "\"2026-03-01T00:00:00Z\",\"createdBy\":\"u\",\"comment\":\"c\"}",
	    T0, 200, id);
	/* Same matchers, same start (now), longer end: same ID. */
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"matchers\":[{\"name\":"
	    "\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":"
	    "\"2026-01-01T00:00:00Z\",\"endsAt\":\"2026-04-01T00:00:00Z\","
	    "\"createdBy\":\"u\",\"comment\":\"c2\"}", id);
	post(ss, body, T0 + AD_SEC / 2, 200, id2);
	ck_assert_str_eq(id, id2);
	/* Changed matchers: new ID, the old one expired. */
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"matchers\":[{\"name\":"
	    "\"a\",\"value\":\"c\",\"isRegex\":false}],\"startsAt\":"
	    "\"2026-01-01T00:00:00Z\",\"endsAt\":\"2026-04-01T00:00:00Z\","
	    "\"createdBy\":\"u\",\"comment\":\"c3\"}", id);
	post(ss, body, T0 + AD_SEC, 200, id2);
	ck_assert_str_ne(id, id2);
	get_list(ss, NULL, 0, T0 + 2 * AD_SEC, &l);
	ck_assert_uint_eq(json_array_size(l), 2);
	ck_assert_str_eq(nth(l, 0, "id"), id2);
	ck_assert_str_eq(nth(l, 1, "state"), "expired");
	ck_assert_str_eq(nth(l, 1, "endsAt"), "2026-01-01T00:00:01.000Z");
	json_decref(l);
	api_sil_resp_init(&r);
	api_silence_delete(ss, id2, T0 + 3 * AD_SEC, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(buf_len(&r.body), 0);
	/* Expiring an expired silence is fine (200), as Alertmanager. */
	api_silence_delete(ss, id2, T0 + 4 * AD_SEC, &r);
	ck_assert_int_eq(r.status, 200);
	api_silence_get(ss, id2, T0 + 5 * AD_SEC, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "\"expired\""));
	api_sil_resp_release(&r);
	silence_store_free(ss);
}
END_TEST

/*
 * The silence handlers parse with api_gofmt's strfmt.DateTime (its Go
 * vectors are in check_api_json.c); what they add is saturation.
 */
START_TEST(datetime_layouts)
{
	ad_time_t	t;
	int32_t		off;
	char		out[API_GO_TIME_MAX];
	struct buf	e;
	int64_t		sec;
	int32_t		nsec;
	static const char *ok[] = {
		"2020-01-02T03:04:05Z", "2020-01-02T03:04:05.123456789Z",
		"2020-01-02T03:04:05.123+00:00", "2020-01-02T03:04:05.123+0000",
		"2020-01-02T03:04:05", "2020-01-02T03:04Z", "2020-01-02T03:04",
		"2020-01-02 03:04:05", "2020-01-02T3:04:05Z",
		"2020-01-02T03:04:05.1234567891234Z",
	};
	size_t		i;

	buf_init(&e, BUF_NOCAP);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(api_go_parse_datetime_sat(ok[i], strlen(ok[i]),
		    &t, &off, &e) == 0, "%s: %s", ok[i], buf_str(&e));
	ck_assert_int_eq(api_go_parse_datetime_sat(
	    "2020-01-02T03:04:05.5-01:30", 27, &t, &off, &e), 0);
	ck_assert_int_eq(off, -5400);
	ck_assert_str_eq(api_go_format_datetime(t, off, out),
	    "2020-01-02T03:04:05.500-01:30");
	ck_assert_str_eq(api_go_format_datetime(t, 0, out),
	    "2020-01-02T04:34:05.500Z");
	ck_assert_int_eq(api_go_parse_datetime_sat("", 0, &t, &off, &e), 0);
	ck_assert_int_eq(t, 0);
	/* .000Z0700 needs exactly 3 or 6 digits. */
	ck_assert_int_eq(api_go_parse_datetime_sat(
	    "2020-01-02T03:04:05.1+0000", 26, &t, &off, &e), -1);
	/* Beyond 2262 and before 1678: the nearest instant alertd holds. */
	ck_assert_int_eq(api_go_parse_datetime_sat("9999-12-31T23:59:59Z", 20,
	    &t, &off, &e), 0);
	ck_assert_int_eq(t, INT64_MAX);
	ck_assert_int_eq(api_go_parse_datetime_sat("1000-01-01T00:00:00Z", 20,
	    &t, &off, &e), 0);
	ck_assert_int_eq(t, AD_TIME_ZERO + 1);
	/* ... and what Go holds, for Alertmanager's year-10000 check. */
	ck_assert_int_eq(api_go_datetime_unix("9999-12-31T23:59:59.5+01:00",
	    27, &sec, &nsec), 0);
	ck_assert_int_eq(sec, 253402297199LL);
	ck_assert_int_eq(nsec, 500000000);
	ck_assert_int_eq(api_go_datetime_unix("", 0, &sec, &nsec), -1);
	/* Go's zero time stays the zero time. */
	ck_assert_int_eq(api_go_parse_datetime_sat("0001-01-01T00:00:00Z", 20,
	    &t, &off, &e), 0);
	ck_assert_int_eq(t, AD_TIME_ZERO);
	buf_release(&e);
}
END_TEST

Suite *
silence_api_suite(void)
{
	Suite	*s = suite_create("silence_api");
	TCase	*tc = tcase_create("api");

	tcase_add_test(tc, matches_recorded_alertmanager_answers);
	tcase_add_test(tc, create_get_json_shape);
	tcase_add_test(tc, list_sort_and_filter);
	tcase_add_test(tc, update_delete_flow);
	tcase_add_test(tc, datetime_layouts);
	suite_add_tcase(s, tc);
	return s;
}
