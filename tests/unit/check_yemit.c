/*
 * yemit against yaml.v2 itself: tests/data/config/yaml/marshal.out holds
 * what gopkg.in/yaml.v2 (the build Alertmanager 0.25 uses) wrote for each
 * string of strings.hex inside the same small document (regen.sh there).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/yemit.h"

#define YAML_DIR	"tests/data/config/yaml"

static char *
slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	e;

	buf_init(&b, 1 << 22);
	if (buf_read_file(&b, path, &e) == -1) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

static int
hexval(int c)
{
	return c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

/* The document yv2marshal.go marshals (a Go map: keys sorted). */
static void
emit_doc(const char *s, struct buf *out)
{
	struct yemit	*e = yemit_new(out);
	struct buf	 zk;

	buf_init(&zk, BUF_NOCAP);
	buf_addf(&zk, "z%s", s);
	yemit_map_start(e, false);
	yemit_str(e, "key");
	yemit_str(e, s);
	yemit_str(e, "list");
	yemit_seq_start(e, false);
	yemit_str(e, s);
	yemit_seq_end(e);
	yemit_str(e, "nested");
	yemit_map_start(e, false);
	yemit_str(e, "inner");
	yemit_str(e, s);
	yemit_map_end(e);
	yemit_str(e, buf_str(&zk));
	yemit_str(e, "v");
	yemit_map_end(e);
	ck_assert_int_eq(yemit_finish(e), 0);
	yemit_free(e);
	buf_release(&zk);
}

START_TEST(marshal_matches_yaml_v2)
{
	char		*hex, *want, *line, *next, *w;
	size_t		 hlen, wlen, n = 0;
	struct buf	 s, out;

	hex = slurp(YAML_DIR "/strings.hex", &hlen);
	want = slurp(YAML_DIR "/marshal.out", &wlen);
	ck_assert_ptr_nonnull(hex);
	ck_assert_ptr_nonnull(want);
	buf_init(&s, BUF_NOCAP);
	buf_init(&out, BUF_NOCAP);
	w = want;
	for (line = hex; *line != '\0'; line = next) {
		size_t	i;

		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		buf_reset(&s);
		for (i = 0; line[i] != '\0' && line[i + 1] != '\0'; i += 2)
			buf_addch(&s, hexval(line[i]) * 16 +
			    hexval(line[i + 1]));
		buf_reset(&out);
		emit_doc(buf_str(&s), &out);
		ck_assert_msg(w < want + wlen, "marshal.out too short");
		ck_assert_msg(strcmp(w, buf_str(&out)) == 0,
		    "string %zu \"%s\": want\n%s\ngot\n%s", n, buf_str(&s), w,
		    buf_str(&out));
		w += strlen(w) + 1;
		n++;
	}
	ck_assert_uint_gt(n, 500);
	buf_release(&s);
	buf_release(&out);
	free(hex);
	free(want);
}
END_TEST

START_TEST(plain_ok_is_yaml_v2_resolve)
{
	static const char *const quoted[] = { "", "yes", "No", "ON", "~",
	    "null", "12", "-3", "+7", "0x1f", "0o17", "0b11", "1_000", "1.5",
	    ".5", "-.5e3", "1e5", ".inf", "-.Inf", ".NaN", "2001-12-14",
	    "2001-1-2", "2001-12-14T21:59:43.10Z", "2001-12-14 21:59:43",
	    "1:30", "-1:30", "190:20:30.15", "08", NULL };
	static const char *const plain[] = { "a", "yess", "nil", "0x",
	    "0xg", "1e999", "1e", ".Nan", "2001-02-30", "2001-13-01",
	    "2001-12-14 21:59:43.10 -5", "1:60", "1:30x", "--1", "+", ".",
	    "0b", "a1", "1a", "0xFFFFFFFFFFFFFFFFFF", NULL };
	size_t	i;

	for (i = 0; quoted[i] != NULL; i++)
		ck_assert_msg(!yemit_plain_ok(quoted[i]), "%s", quoted[i]);
	for (i = 0; plain[i] != NULL; i++)
		ck_assert_msg(yemit_plain_ok(plain[i]), "%s", plain[i]);
}
END_TEST

Suite *
yemit_suite(void)
{
	Suite	*s = suite_create("yemit");
	TCase	*tc = tcase_create("yemit");

	tcase_add_test(tc, marshal_matches_yaml_v2);
	tcase_add_test(tc, plain_ok_is_yaml_v2_resolve);
	suite_add_tcase(s, tc);
	return s;
}
