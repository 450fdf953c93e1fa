/*
 * Interned strings: identity per (scope, bytes), refcounts that free the
 * last string, the selective rule of a scope (first `min` taken, then
 * only while values recur, never past INTERN_SCOPE_MAX), the per-thread
 * peek cache, and concurrent gets and unrefs of the same strings (run
 * under make tsan).
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/intern.h"

static struct istr *
get(struct istr *scope, const char *s, unsigned min)
{
	return intern_get(scope, s, strlen(s), min);
}

START_TEST(identity_and_refcount)
{
	size_t		 base = intern_count();
	struct istr	*a, *b, *c, *x, *y;

	a = get(NULL, "alertname", 0);
	b = get(NULL, "alertname", 0);
	ck_assert_ptr_eq(a, b);
	ck_assert_str_eq(a->s, "alertname");
	ck_assert_uint_eq(a->len, 9);
	ck_assert_ptr_eq(intern_of(a->s), a);
	c = get(NULL, "job", 0);
	ck_assert_ptr_ne(a, c);
	/* The same bytes in two scopes are two strings. */
	x = get(a, "job", 0);
	y = get(c, "job", 0);
	ck_assert_ptr_ne(x, y);
	ck_assert_ptr_ne(x, c);
	ck_assert_ptr_eq(x->scope, a);
	ck_assert_uint_eq(intern_count(), base + 4);
	intern_unref(b);
	ck_assert_uint_eq(intern_count(), base + 4);
	/* A scope outlives its values: they hold a reference to it. */
	intern_unref(a);
	intern_unref(c);
	ck_assert_uint_eq(intern_count(), base + 4);
	ck_assert_str_eq(x->scope->s, "alertname");
	intern_unref(x);
	intern_unref(y);
	ck_assert_uint_eq(intern_count(), base);
}
END_TEST

START_TEST(embedded_nul_and_cleanup)
{
	size_t		 base = intern_count();
	struct istr	*p, *q;

	p = intern_get(NULL, "a\0b", 3, 0);
	q = intern_get(NULL, "a", 1, 0);
	ck_assert_ptr_ne(p, q);
	ck_assert_uint_eq(p->len, 3);
	ck_assert_int_eq(memcmp(p->s, "a\0b", 4), 0);
	intern_unref(p);
	intern_unref(q);
	ck_assert_uint_eq(intern_count(), base);
	intern_unref(NULL);
}
END_TEST

/* The first min values are taken; unique ones after that are refused. */
START_TEST(selective_scope)
{
	size_t		 base = intern_count();
	struct istr	*name, *v[8], *again, *r;
	char		 buf[32];
	int		 i;

	name = get(NULL, "instance", 0);
	for (i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), "host-%d", i);
		v[i] = get(name, buf, 4);
		ck_assert_ptr_nonnull(v[i]);
	}
	ck_assert_uint_eq(atomic_load(&name->n_values), 4);
	/* A fifth distinct value: the scope only added, never found. */
	ck_assert_ptr_null(get(name, "host-4", 4));
	/* Existing values are still found, and each find counts. */
	for (i = 0; i < 4; i++) {
		again = get(name, v[i]->s, 4);
		ck_assert_ptr_eq(again, v[i]);
		intern_unref(again);
	}
	/* Found as often as added: the scope takes new values again. */
	r = get(name, "host-4", 4);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(atomic_load(&name->n_values), 5);
	intern_unref(r);
	for (i = 0; i < 4; i++)
		intern_unref(v[i]);
	ck_assert_uint_eq(atomic_load(&name->n_values), 0);
	intern_unref(name);
	ck_assert_uint_eq(intern_count(), base);
}
END_TEST

START_TEST(scope_max)
{
	size_t		 base = intern_count();
	struct istr	*name, **v;
	char		 buf[32];
	unsigned	 i;

	name = get(NULL, "n", 0);
	v = calloc(INTERN_SCOPE_MAX + 1, sizeof(*v));
	for (i = 0; i < INTERN_SCOPE_MAX; i++) {
		snprintf(buf, sizeof(buf), "%u", i);
		v[i] = get(name, buf, INTERN_SCOPE_MAX + 10);
		ck_assert_ptr_nonnull(v[i]);
	}
	ck_assert_ptr_null(get(name, "one more", INTERN_SCOPE_MAX + 10));
	for (i = 0; i < INTERN_SCOPE_MAX; i++)
		intern_unref(v[i]);
	free(v);
	intern_unref(name);
	ck_assert_uint_eq(intern_count(), base);
}
END_TEST

START_TEST(peek_cache)
{
	size_t		 base = intern_count();
	struct istr	*name, *a, *b, *g;
	int		 i;

	name = intern_peek(NULL, "severity", 8, 0);
	a = intern_peek(name, "critical", 8, 16);
	b = intern_peek(name, "critical", 8, 16);
	ck_assert_ptr_eq(a, b);
	g = get(name, "critical", 16);
	ck_assert_ptr_eq(g, a);
	intern_unref(g);
	intern_peek_done();
	/* The cache keeps its strings alive until it is emptied. */
	ck_assert_uint_eq(intern_count(), base + 2);
	/* Many strings: evictions are released only at peek_done. */
	for (i = 0; i < 5000; i++) {
		char	buf[32];

		snprintf(buf, sizeof(buf), "v%d", i);
		ck_assert_ptr_nonnull(intern_peek(NULL, buf, strlen(buf), 0));
	}
	intern_peek_done();
	intern_cache_clear();
	ck_assert_uint_eq(intern_count(), base);
}
END_TEST

/* Threads get and drop the same few strings: no lost or double free. */
#define ROUNDS	20000

static void *
churn(void *arg)
{
	const char	*names[] = { "a", "b", "c", "d" };
	struct istr	*n, *v;
	unsigned	 seed = (unsigned)(uintptr_t)arg;
	char		 buf[16];
	int		 i;

	for (i = 0; i < ROUNDS; i++) {
		seed = seed * 1103515245u + 12345u;
		n = get(NULL, names[seed >> 16 & 3], 0);
		snprintf(buf, sizeof(buf), "%u", seed >> 20 & 7);
		v = get(n, buf, 0);
		ck_assert_str_eq(v->s, buf);
		ck_assert_ptr_eq(v->scope, n);
		if (i % 3 == 0) {
			intern_peek(n, buf, strlen(buf), 4);
			intern_peek_done();
		}
		intern_unref(v);
		intern_unref(n);
	}
	intern_cache_clear();
	return NULL;
}

START_TEST(concurrent_get_unref)
{
	size_t		base = intern_count();
	pthread_t	t[4];
	uintptr_t	i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn,
		    (void *)(i + 1)), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_eq(intern_count(), base);
}
END_TEST

Suite *
intern_suite(void)
{
	Suite	*s = suite_create("intern");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, identity_and_refcount);
	tcase_add_test(tc, embedded_nul_and_cleanup);
	tcase_add_test(tc, selective_scope);
	tcase_add_test(tc, scope_max);
	tcase_add_test(tc, peek_cache);
	tcase_add_test(tc, concurrent_get_unref);
	suite_add_tcase(s, tc);
	return s;
}
