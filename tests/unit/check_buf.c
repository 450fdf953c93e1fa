/*
 * buf: caps, formatting, and Go's strconv.Quote.
 */
#include <check.h>
#include <string.h>

#include "alertd/buf.h"

START_TEST(cap_is_enforced)
{
	struct buf	b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_addstr(&b, "12345678"), 0);
	ck_assert_int_eq(buf_addch(&b, 'x'), -1);
	ck_assert_uint_eq(buf_len(&b), 8);
	ck_assert_int_eq(buf_addf(&b, "%d", 1), -1);
	ck_assert_str_eq(buf_str(&b), "12345678");
	buf_release(&b);
	ck_assert_str_eq(buf_str(&b), "");
}
END_TEST

static void
check_quote(const char *in, size_t len, const char *want)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(buf_add_goquote(&b, in, len), 0);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
}

START_TEST(goquote)
{
	check_quote("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_quote("\n\t\x01\x7f", 4, "\"\\n\\t\\x01\\x7f\"");
	check_quote("h\xc3\xa9", 3, "\"h\xc3\xa9\"");
	check_quote("\xff", 1, "\"\\xff\"");
	check_quote("\xc2\x85", 2, "\"\\u0085\"");
	check_quote("\xe2\x80\xa8", 3, "\"\\u2028\"");
	check_quote("\0", 1, "\"\\x00\"");
}
END_TEST

Suite *
buf_suite(void)
{
	Suite	*s = suite_create("buf");
	TCase	*tc = tcase_create("buf");

	tcase_add_test(tc, cap_is_enforced);
	tcase_add_test(tc, goquote);
	suite_add_tcase(s, tc);
	return s;
}
