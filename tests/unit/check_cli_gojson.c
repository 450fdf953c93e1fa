/*
 * encoding/json's string escaping (vectors from Go in
 * tests/data/cli/gojson_string.json) and the re-encoding of API models
 * as amtool's -o json prints them.
 */
#include "alertd/cli/gojson.c"

#include "cli_vectors.h"

START_TEST(gojson_string_go_vectors)
{
	json_t	*cases = cli_vectors("gojson_string.json"), *c;
	size_t	 i, len;

	json_array_foreach(cases, i, c) {
		struct buf	 out;
		char		*in = cli_unhex(cli_vstr(c, "in_hex"), &len);

		buf_init(&out, BUF_NOCAP);
		ck_assert_int_eq(gojson_string(&out, in, len), 0);
		ck_assert_msg(strcmp(buf_str(&out), cli_vstr(c, "want")) == 0,
		    "case %zu: got %s want %s", i, buf_str(&out),
		    cli_vstr(c, "want"));
		buf_release(&out);
		free(in);
	}
	json_decref(cases);
}
END_TEST

static void
check_encode(const char *in, const struct gojson_field *model, int array,
    const char *want)
{
	json_error_t	 jerr;
	json_t		*v = json_loads(in, JSON_DECODE_ANY, &jerr);
	struct buf	 out;
	struct ad_err	 err = { 0 };

	ck_assert_msg(v != NULL, "%s", jerr.text);
	buf_init(&out, BUF_NOCAP);
	ck_assert_msg(gojson_encode(&out, v, model, array, &err) == 0, "%s",
	    err.msg);
	ck_assert_str_eq(buf_str(&out), want);
	buf_release(&out);
	json_decref(v);
}

/* Field order, null for absent pointers, omitempty, sorted maps. */
START_TEST(gojson_alert_model)
{
	check_encode("[{\"labels\":{\"b\":\"2\",\"a\":\"1\"},\"extra\":1,"
	    "\"startsAt\":\"2020-01-01T00:00:00Z\",\"generatorURL\":\"\","
	    "\"status\":{\"state\":\"active\",\"silencedBy\":[]},"
	    "\"receivers\":[{\"name\":\"r\"},null]}]",
	    gojson_gettable_alert, 1,
	    "[{\"annotations\":null,\"endsAt\":null,\"fingerprint\":null,"
	    "\"receivers\":[{\"name\":\"r\"},null],"
	    "\"startsAt\":\"2020-01-01T00:00:00.000Z\",\"status\":"
	    "{\"inhibitedBy\":null,\"silencedBy\":[],\"state\":\"active\"},"
	    "\"updatedAt\":null,\"labels\":{\"a\":\"1\",\"b\":\"2\"}}]");
	check_encode("[]", gojson_gettable_alert, 1, "[]");
	check_encode("null", gojson_gettable_alert, 1, "null");
}
END_TEST

START_TEST(gojson_silence_model)
{
	check_encode("{\"id\":\"x\",\"matchers\":[{\"name\":\"a\",\"value\":"
	    "\"<&>\",\"isRegex\":false}],\"endsAt\":"
	    "\"2030-01-01T00:00:00.123456+02:00\",\"comment\":\"\"}",
	    gojson_gettable_silence, 0,
	    "{\"id\":\"x\",\"status\":null,\"updatedAt\":null,\"comment\":\"\","
	    "\"createdBy\":null,\"endsAt\":\"2030-01-01T00:00:00.123+02:00\","
	    "\"matchers\":[{\"isRegex\":false,\"name\":\"a\",\"value\":"
	    "\"\\u003c\\u0026\\u003e\"}],\"startsAt\":null}");
	/* strfmt parses "" as the Unix epoch. */
	check_encode("{\"uptime\":\"\",\"cluster\":{\"name\":\"\",\"status\":"
	    "\"ready\",\"peers\":[]}}", gojson_status, 0,
	    "{\"cluster\":{\"peers\":[],\"status\":\"ready\"},\"config\":null,"
	    "\"uptime\":\"1970-01-01T00:00:00.000Z\",\"versionInfo\":null}");
}
END_TEST

START_TEST(gojson_type_errors)
{
	json_t		*v = json_loads("{\"id\":5}", 0, NULL);
	struct buf	 out;
	struct ad_err	 err = { 0 };

	buf_init(&out, BUF_NOCAP);
	ck_assert_int_eq(gojson_encode(&out, v, gojson_gettable_silence, 0,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"id\""));
	json_decref(v);
	v = json_loads("{\"endsAt\":\"tomorrow\"}", 0, NULL);
	buf_reset(&out);
	ck_assert_int_eq(gojson_encode(&out, v, gojson_gettable_silence, 0,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "parsing time"));
	json_decref(v);
	buf_release(&out);
}
END_TEST

Suite *
cli_gojson_suite(void)
{
	Suite	*s = suite_create("cli_gojson");
	TCase	*tc = tcase_create("gojson");

	tcase_add_test(tc, gojson_string_go_vectors);
	tcase_add_test(tc, gojson_alert_model);
	tcase_add_test(tc, gojson_silence_model);
	tcase_add_test(tc, gojson_type_errors);
	suite_add_tcase(s, tc);
	return s;
}
