/*
 * Label sets: fingerprints against values the real Alertmanager 0.25
 * returned for the same labels, String() ordering, validation texts.
 */
#include <check.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "routing/labels.h"

static struct labels *
mk(const char *const *kv)
{
	struct labels_builder	b;
	struct labels		*ls;

	labels_builder_init(&b);
	for (; kv[0] != NULL; kv += 2)
		labels_builder_adds(&b, kv[0], kv[1]);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

static void
check_fp(const char *const *kv, const char *want)
{
	struct labels	*ls = mk(kv);
	char		 fp[FP_STR_MAX];

	ck_assert_str_eq(fp_format(labels_fingerprint(ls), fp), want);
	labels_unref(ls);
}

START_TEST(fingerprint_matches_alertmanager)
{
	/* From POST + GET /api/v2/alerts against prometheus-alertmanager 0.25. */
	check_fp((const char *[]){ "alertname", "test", NULL },
	    "1f56cb8f931d1bd4");
	check_fp((const char *[]){ "severity", "page", "job", "api",
	    "instance", "10.0.0.1:9100", "alertname", "HighLatency", NULL },
	    "5829969394cdc520");
	check_fp((const char *[]){ "alertname", "uni2", "v",
	    "h\xc3\xa9llo\n\"x\\", NULL }, "485f007e69283993");
	check_fp((const char *[]){ "alertname", "e", NULL },
	    "d24cefc38977aceb");
	check_fp((const char *[]){ NULL }, "cbf29ce484222325");
}
END_TEST

START_TEST(builder_sorts_and_last_wins)
{
	struct labels	*ls;

	ls = mk((const char *[]){ "b", "1", "a", "2", "b", "3", NULL });
	ck_assert_uint_eq(labels_len(ls), 2);
	ck_assert_str_eq(labels_name(ls, 0), "a");
	ck_assert_str_eq(labels_get(ls, "b"), "3");
	ck_assert_ptr_null(labels_get(ls, "c"));
	labels_unref(ls);
}
END_TEST

START_TEST(string_sorts_formatted_pairs)
{
	struct labels	*ls;
	struct buf	 b;

	ls = mk((const char *[]){ "a", "x", "a0", "y\n", NULL });
	buf_init(&b, BUF_NOCAP);
	labels_string(ls, &b);
	/* '0' < '=' so a0 sorts first, as Go's sort.Strings does. */
	ck_assert_str_eq(buf_str(&b), "{a0=\"y\\n\", a=\"x\"}");
	buf_release(&b);
	labels_unref(ls);
}
END_TEST

START_TEST(validate_wording)
{
	struct labels	*ls;
	struct ad_err	 err;

	ls = mk((const char *[]){ "\xc3\xbcn\xc3\xaf", "x", NULL });
	ck_assert_int_eq(labels_validate(ls, &err), -1);
	ck_assert_str_eq(err.msg, "invalid name \"\xc3\xbcn\xc3\xaf\"");
	labels_unref(ls);
	ls = mk((const char *[]){ "ok", "\xff", NULL });
	ck_assert_int_eq(labels_validate(ls, &err), -1);
	ck_assert_str_eq(err.msg, "invalid value \"\\xff\"");
	labels_unref(ls);
	ck_assert(!label_name_valid("0a", 2));
	ck_assert(label_name_valid("_a0", 3));
}
END_TEST

START_TEST(drop_empty_and_filters)
{
	struct labels	*ls, *only;
	const char	*names[] = { "a" };

	ls = mk((const char *[]){ "a", "1", "e", "", "z", "2", NULL });
	ls = labels_drop_empty(ls);
	ck_assert_uint_eq(labels_len(ls), 2);
	only = labels_only(ls, names, 1);
	ck_assert_uint_eq(labels_len(only), 1);
	ck_assert_str_eq(labels_value(only, 0), "1");
	labels_unref(only);
	only = labels_without(ls, names, 1);
	ck_assert_str_eq(labels_name(only, 0), "z");
	labels_unref(only);
	labels_unref(ls);
}
END_TEST

Suite *
labels_suite(void)
{
	Suite	*s = suite_create("labels");
	TCase	*tc = tcase_create("labels");

	tcase_add_test(tc, fingerprint_matches_alertmanager);
	tcase_add_test(tc, builder_sorts_and_last_wins);
	tcase_add_test(tc, string_sorts_formatted_pairs);
	tcase_add_test(tc, validate_wording);
	tcase_add_test(tc, drop_empty_and_filters);
	suite_add_tcase(s, tc);
	return s;
}
