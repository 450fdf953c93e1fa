/*
 * ntext: Alertmanager's TruncateInRunes / TruncateInBytes against vectors
 * printed by Alertmanager 0.25's own functions
 * (tests/data/integrations/truncate.go), invalid UTF-8 included.
 */
#include <check.h>
#include <string.h>

#include "alertd/buf.h"
#include "notifiers/ntext.h"

static const struct {
	const char	*in;
	size_t		 n;
	const char	*runes;
	bool		 rtrunc;
	const char	*bytes;
	bool		 btrunc;
} vec[] = {
	{ "", 0,
	    "", false,
	    "", false },
	{ "", 1,
	    "", false,
	    "", false },
	{ "", 2,
	    "", false,
	    "", false },
	{ "", 3,
	    "", false,
	    "", false },
	{ "", 4,
	    "", false,
	    "", false },
	{ "", 5,
	    "", false,
	    "", false },
	{ "", 6,
	    "", false,
	    "", false },
	{ "", 7,
	    "", false,
	    "", false },
	{ "", 9,
	    "", false,
	    "", false },
	{ "", 12,
	    "", false,
	    "", false },
	{ "abcde", 0,
	    "", true,
	    "", true },
	{ "abcde", 1,
	    "a", true,
	    ".", true },
	{ "abcde", 2,
	    "ab", true,
	    "..", true },
	{ "abcde", 3,
	    "abc", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "abcde", 4,
	    "abc\xe2" "\x80" "\xa6", true,
	    "a\xe2" "\x80" "\xa6", true },
	{ "abcde", 5,
	    "abcde", false,
	    "abcde", false },
	{ "abcde", 6,
	    "abcde", false,
	    "abcde", false },
	{ "abcde", 7,
	    "abcde", false,
	    "abcde", false },
	{ "abcde", 9,
	    "abcde", false,
	    "abcde", false },
	{ "abcde", 12,
	    "abcde", false,
	    "abcde", false },
	{ "abcdefgh", 0,
	    "", true,
	    "", true },
	{ "abcdefgh", 1,
	    "a", true,
	    ".", true },
	{ "abcdefgh", 2,
	    "ab", true,
	    "..", true },
	{ "abcdefgh", 3,
	    "abc", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "abcdefgh", 4,
	    "abc\xe2" "\x80" "\xa6", true,
	    "a\xe2" "\x80" "\xa6", true },
	{ "abcdefgh", 5,
	    "abcd\xe2" "\x80" "\xa6", true,
	    "ab\xe2" "\x80" "\xa6", true },
	{ "abcdefgh", 6,
	    "abcde\xe2" "\x80" "\xa6", true,
	    "abc\xe2" "\x80" "\xa6", true },
	{ "abcdefgh", 7,
	    "abcdef\xe2" "\x80" "\xa6", true,
	    "abcd\xe2" "\x80" "\xa6", true },
	{ "abcdefgh", 9,
	    "abcdefgh", false,
	    "abcdefgh", false },
	{ "abcdefgh", 12,
	    "abcdefgh", false,
	    "abcdefgh", false },
	{ "a\xe2" "\x8c" "\x98" "cde", 0,
	    "", true,
	    "", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 1,
	    "a", true,
	    ".", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 2,
	    "a\xe2" "\x8c" "\x98", true,
	    "..", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 3,
	    "a\xe2" "\x8c" "\x98" "c", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 4,
	    "a\xe2" "\x8c" "\x98" "c\xe2" "\x80" "\xa6", true,
	    "a\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 5,
	    "a\xe2" "\x8c" "\x98" "cde", false,
	    "a\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 6,
	    "a\xe2" "\x8c" "\x98" "cde", false,
	    "a\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cde", 7,
	    "a\xe2" "\x8c" "\x98" "cde", false,
	    "a\xe2" "\x8c" "\x98" "cde", false },
	{ "a\xe2" "\x8c" "\x98" "cde", 9,
	    "a\xe2" "\x8c" "\x98" "cde", false,
	    "a\xe2" "\x8c" "\x98" "cde", false },
	{ "a\xe2" "\x8c" "\x98" "cde", 12,
	    "a\xe2" "\x8c" "\x98" "cde", false,
	    "a\xe2" "\x8c" "\x98" "cde", false },
	{ "a\xe2" "\x8c" "\x98" "cdef", 0,
	    "", true,
	    "", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 1,
	    "a", true,
	    ".", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 2,
	    "a\xe2" "\x8c" "\x98", true,
	    "..", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 3,
	    "a\xe2" "\x8c" "\x98" "c", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 4,
	    "a\xe2" "\x8c" "\x98" "c\xe2" "\x80" "\xa6", true,
	    "a\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 5,
	    "a\xe2" "\x8c" "\x98" "cd\xe2" "\x80" "\xa6", true,
	    "a\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 6,
	    "a\xe2" "\x8c" "\x98" "cdef", false,
	    "a\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 7,
	    "a\xe2" "\x8c" "\x98" "cdef", false,
	    "a\xe2" "\x8c" "\x98" "\xe2" "\x80" "\xa6", true },
	{ "a\xe2" "\x8c" "\x98" "cdef", 9,
	    "a\xe2" "\x8c" "\x98" "cdef", false,
	    "a\xe2" "\x8c" "\x98" "cdef", false },
	{ "a\xe2" "\x8c" "\x98" "cdef", 12,
	    "a\xe2" "\x8c" "\x98" "cdef", false,
	    "a\xe2" "\x8c" "\x98" "cdef", false },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 0,
	    "", true,
	    "", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 1,
	    "\xe4" "\xb8" "\x96", true,
	    ".", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 2,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c", true,
	    "..", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 3,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "c", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 4,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c"
	    "c\xe2" "\x80" "\xa6", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 5,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c"
	    "cd\xe2" "\x80" "\xa6", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 6,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", false,
	    "\xe4" "\xb8" "\x96" "\xe2" "\x80" "\xa6", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 7,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", false,
	    "\xe4" "\xb8" "\x96" "\xe2" "\x80" "\xa6", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 9,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", false,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "\xe2"
	    "\x80" "\xa6", true },
	{ "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", 12,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", false,
	    "\xe4" "\xb8" "\x96" "\xe7" "\x95" "\x8c" "cdef", false },
	{ "\xff" "\xfe" "abcdef", 0,
	    "", true,
	    "", true },
	{ "\xff" "\xfe" "abcdef", 1,
	    "\xef" "\xbf" "\xbd", true,
	    ".", true },
	{ "\xff" "\xfe" "abcdef", 2,
	    "\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd", true,
	    "..", true },
	{ "\xff" "\xfe" "abcdef", 3,
	    "\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd" "a", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xff" "\xfe" "abcdef", 4,
	    "\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd"
	    "a\xe2" "\x80" "\xa6", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xff" "\xfe" "abcdef", 5,
	    "\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd"
	    "ab\xe2" "\x80" "\xa6", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xff" "\xfe" "abcdef", 6,
	    "\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd"
	    "abc\xe2" "\x80" "\xa6", true,
	    "\xef" "\xbf" "\xbd" "\xe2" "\x80" "\xa6", true },
	{ "\xff" "\xfe" "abcdef", 7,
	    "\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd"
	    "abcd\xe2" "\x80" "\xa6", true,
	    "\xef" "\xbf" "\xbd" "\xe2" "\x80" "\xa6", true },
	{ "\xff" "\xfe" "abcdef", 9,
	    "\xff" "\xfe" "abcdef", false,
	    "\xff" "\xfe" "abcdef", false },
	{ "\xff" "\xfe" "abcdef", 12,
	    "\xff" "\xfe" "abcdef", false,
	    "\xff" "\xfe" "abcdef", false },
	{ "ab\xe2" "\x8c", 0,
	    "", true,
	    "", true },
	{ "ab\xe2" "\x8c", 1,
	    "a", true,
	    ".", true },
	{ "ab\xe2" "\x8c", 2,
	    "ab", true,
	    "..", true },
	{ "ab\xe2" "\x8c", 3,
	    "ab\xef" "\xbf" "\xbd", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "ab\xe2" "\x8c", 4,
	    "ab\xe2" "\x8c", false,
	    "ab\xe2" "\x8c", false },
	{ "ab\xe2" "\x8c", 5,
	    "ab\xe2" "\x8c", false,
	    "ab\xe2" "\x8c", false },
	{ "ab\xe2" "\x8c", 6,
	    "ab\xe2" "\x8c", false,
	    "ab\xe2" "\x8c", false },
	{ "ab\xe2" "\x8c", 7,
	    "ab\xe2" "\x8c", false,
	    "ab\xe2" "\x8c", false },
	{ "ab\xe2" "\x8c", 9,
	    "ab\xe2" "\x8c", false,
	    "ab\xe2" "\x8c", false },
	{ "ab\xe2" "\x8c", 12,
	    "ab\xe2" "\x8c", false,
	    "ab\xe2" "\x8c", false },
	{ "ab\xe2" "\x8c" "xyz", 0,
	    "", true,
	    "", true },
	{ "ab\xe2" "\x8c" "xyz", 1,
	    "a", true,
	    ".", true },
	{ "ab\xe2" "\x8c" "xyz", 2,
	    "ab", true,
	    "..", true },
	{ "ab\xe2" "\x8c" "xyz", 3,
	    "ab\xef" "\xbf" "\xbd", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "ab\xe2" "\x8c" "xyz", 4,
	    "ab\xef" "\xbf" "\xbd" "\xe2" "\x80" "\xa6", true,
	    "a\xe2" "\x80" "\xa6", true },
	{ "ab\xe2" "\x8c" "xyz", 5,
	    "ab\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd"
	    "\xe2" "\x80" "\xa6", true,
	    "ab\xe2" "\x80" "\xa6", true },
	{ "ab\xe2" "\x8c" "xyz", 6,
	    "ab\xef" "\xbf" "\xbd" "\xef" "\xbf" "\xbd"
	    "x\xe2" "\x80" "\xa6", true,
	    "ab\xe2" "\x80" "\xa6", true },
	{ "ab\xe2" "\x8c" "xyz", 7,
	    "ab\xe2" "\x8c" "xyz", false,
	    "ab\xe2" "\x8c" "xyz", false },
	{ "ab\xe2" "\x8c" "xyz", 9,
	    "ab\xe2" "\x8c" "xyz", false,
	    "ab\xe2" "\x8c" "xyz", false },
	{ "ab\xe2" "\x8c" "xyz", 12,
	    "ab\xe2" "\x8c" "xyz", false,
	    "ab\xe2" "\x8c" "xyz", false },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 0,
	    "", true,
	    "", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 1,
	    "\xf0" "\x9f" "\x98" "\x80", true,
	    ".", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 2,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80", true,
	    "..", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 3,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 4,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xe2" "\x80"
	    "\xa6", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 5,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xe2" "\x80" "\xa6", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 6,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", false,
	    "\xe2" "\x80" "\xa6", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 7,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", false,
	    "\xf0" "\x9f" "\x98" "\x80" "\xe2" "\x80" "\xa6", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 9,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", false,
	    "\xf0" "\x9f" "\x98" "\x80" "\xe2" "\x80" "\xa6", true },
	{ "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", 12,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f"
	    "\x98" "\x80" "\xf0" "\x9f" "\x98" "\x80" "x", false,
	    "\xf0" "\x9f" "\x98" "\x80" "\xf0" "\x9f" "\x98"
	    "\x80" "\xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 0,
	    "", true,
	    "", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 1,
	    "c", true,
	    ".", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 2,
	    "ca", true,
	    "..", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 3,
	    "caf", true,
	    "\xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 4,
	    "caf\xe2" "\x80" "\xa6", true,
	    "c\xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 5,
	    "caf\xc3" "\xa9" "\xe2" "\x80" "\xa6", true,
	    "ca\xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 6,
	    "caf\xc3" "\xa9" " \xe2" "\x80" "\xa6", true,
	    "caf\xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 7,
	    "caf\xc3" "\xa9" " <\xe2" "\x80" "\xa6", true,
	    "caf\xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 9,
	    "caf\xc3" "\xa9" " <b>\xe2" "\x80" "\xa6", true,
	    "caf\xc3" "\xa9" " \xe2" "\x80" "\xa6", true },
	{ "caf\xc3" "\xa9" " <b>&amp;</b> \xe6" "\x97"
	    "\xa5" "\xe6" "\x9c" "\xac", 12,
	    "caf\xc3" "\xa9" " <b>&am\xe2" "\x80" "\xa6", true,
	    "caf\xc3" "\xa9" " <b>\xe2" "\x80" "\xa6", true },
};

START_TEST(truncate_runes)
{
	struct buf	b;
	size_t		i = (size_t)_i;
	bool		t;

	buf_init(&b, BUF_NOCAP);
	t = ntext_truncate_runes(&b, vec[i].in, strlen(vec[i].in), vec[i].n);
	ck_assert_msg(t == vec[i].rtrunc, "case %zu", i);
	ck_assert_uint_eq(buf_len(&b), strlen(vec[i].runes));
	ck_assert_msg(memcmp(buf_str(&b), vec[i].runes, buf_len(&b)) == 0,
	    "case %zu: %s", i, buf_str(&b));
	buf_release(&b);
}
END_TEST

START_TEST(truncate_bytes)
{
	struct buf	b;
	size_t		i = (size_t)_i;
	bool		t;

	buf_init(&b, BUF_NOCAP);
	t = ntext_truncate_bytes(&b, vec[i].in, strlen(vec[i].in), vec[i].n);
	ck_assert_msg(t == vec[i].btrunc, "case %zu", i);
	ck_assert_uint_eq(buf_len(&b), strlen(vec[i].bytes));
	ck_assert_msg(memcmp(buf_str(&b), vec[i].bytes, buf_len(&b)) == 0,
	    "case %zu: %s", i, buf_str(&b));
	buf_release(&b);
}
END_TEST

Suite *
integ2_ntext_suite(void)
{
	Suite	*s = suite_create("integ2_ntext");
	TCase	*tc = tcase_create("truncate");
	int	 n = (int)(sizeof(vec) / sizeof(vec[0]));

	tcase_add_loop_test(tc, truncate_runes, 0, n);
	tcase_add_loop_test(tc, truncate_bytes, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
