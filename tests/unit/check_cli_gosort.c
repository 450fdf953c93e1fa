/*
 * Go 1.19's sort.Sort permutation, equal keys included (vectors in
 * tests/data/cli/gosort.json).
 */
#include "alertd/cli/gosort.c"

#include "cli_vectors.h"

struct item {
	int	key, idx;
};

static bool
item_less(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return ((const struct item *)a)->key < ((const struct item *)b)->key;
}

START_TEST(gosort_go_vectors)
{
	json_t	*cases = cli_vectors("gosort.json"), *c;
	size_t	 i, j, n;

	json_array_foreach(cases, i, c) {
		json_t		*keys = json_object_get(c, "keys");
		json_t		*perm = json_object_get(c, "perm");
		struct item	*items;
		void		**v;

		n = json_array_size(keys);
		items = calloc(n + 1, sizeof(*items));
		v = calloc(n + 1, sizeof(*v));
		for (j = 0; j < n; j++) {
			items[j].key = (int)json_integer_value(
			    json_array_get(keys, j));
			items[j].idx = (int)j;
			v[j] = &items[j];
		}
		gosort_sort(v, n, item_less, NULL);
		for (j = 0; j < n; j++)
			ck_assert_msg(((struct item *)v[j])->idx ==
			    json_integer_value(json_array_get(perm, j)),
			    "case %zu (n=%zu): position %zu", i, n, j);
		free(items);
		free(v);
	}
	json_decref(cases);
}
END_TEST

Suite *
cli_gosort_suite(void)
{
	Suite	*s = suite_create("cli_gosort");
	TCase	*tc = tcase_create("gosort");

	tcase_add_test(tc, gosort_go_vectors);
	suite_add_tcase(s, tc);
	return s;
}
