/*
 * fpmap and fpset: lookups, replacement and backward-shift deletion
 * against a plain array, with keys chosen to collide on slots and on the
 * 16-bit tags of fpset.
 */
#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "routing/fpmap.h"

struct obj {
	int		 pad;
	uint64_t	 key;
};

#define N	20000

/* Keys that share their top 16 bits (fpset's tag) in runs of 64. */
static uint64_t
key_of(size_t i)
{
	return (uint64_t)(i / 64) << 48 | (uint64_t)i * 0x9e3779b97f4a7c15ULL
	    >> 16;
}

START_TEST(fpset_against_array)
{
	struct fpset	 s;
	struct obj	*o = calloc(N, sizeof(*o)), *dup;
	bool		*in = calloc(N, sizeof(*in));
	size_t		 i, n = 0, seen;
	unsigned	 seed = 7;

	fpset_init(&s, offsetof(struct obj, key));
	for (i = 0; i < N; i++)
		o[i].key = key_of(i);
	for (i = 0; i < 6 * N; i++) {
		size_t	j;

		seed = seed * 1103515245u + 12345u;
		j = (seed >> 8) % N;
		if (in[j]) {
			ck_assert_ptr_eq(fpset_del(&s, o[j].key), &o[j]);
			in[j] = false;
			n--;
		} else {
			ck_assert_ptr_null(fpset_put(&s, &o[j]));
			in[j] = true;
			n++;
		}
		ck_assert_uint_eq(fpset_len(&s), n);
	}
	for (i = 0; i < N; i++)
		ck_assert_ptr_eq(fpset_get(&s, o[i].key), in[i] ? &o[i] :
		    NULL);
	/* Replacing an object of the same key returns the old one. */
	for (i = 0; i < N && !in[i]; i++)
		;
	dup = malloc(sizeof(*dup));
	dup->key = o[i].key;
	ck_assert_ptr_eq(fpset_put(&s, dup), &o[i]);
	ck_assert_ptr_eq(fpset_get(&s, o[i].key), dup);
	ck_assert_uint_eq(fpset_len(&s), n);
	seen = 0;
	for (i = 0; i < fpset_cap(&s); i++)
		if (fpset_val(&s, i) != NULL)
			seen++;
	ck_assert_uint_eq(seen, n);
	ck_assert_uint_le(n * 5, fpset_cap(&s) * 4);
	ck_assert_ptr_null(fpset_del(&s, 12345));
	fpset_release(&s);
	free(dup);
	free(o);
	free(in);
}
END_TEST

START_TEST(fpmap_basics)
{
	struct fpmap	 m;
	int		 v[100];
	size_t		 i;

	fpmap_init(&m);
	ck_assert_ptr_null(fpmap_get(&m, 1));
	for (i = 0; i < 100; i++)
		ck_assert_ptr_null(fpmap_put(&m, key_of(i), &v[i]));
	for (i = 0; i < 100; i += 2)
		ck_assert_ptr_eq(fpmap_del(&m, key_of(i)), &v[i]);
	for (i = 0; i < 100; i++)
		ck_assert_ptr_eq(fpmap_get(&m, key_of(i)), i % 2 ? &v[i] :
		    NULL);
	ck_assert_uint_eq(fpmap_len(&m), 50);
	fpmap_release(&m);
}
END_TEST

Suite *
fpmap_suite(void)
{
	Suite	*s = suite_create("fpmap");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, fpset_against_array);
	tcase_add_test(tc, fpmap_basics);
	suite_add_tcase(s, tc);
	return s;
}
