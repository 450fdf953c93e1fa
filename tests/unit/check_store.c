/*
 * The alert store: provider/mem's merge rules, subscribers, GC, the hash
 * map under growth and deletion, and a concurrency smoke test (run it
 * under `make asan` too).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/store.h"
#include "routing/labels.h"

#define T(s)	((ad_time_t)(s) * AD_SEC + 1700000000 * AD_SEC)

static struct alert *
mk(const char *name, const char *ann, ad_time_t s, ad_time_t e, ad_time_t u,
    bool timeout)
{
	struct labels_builder	b;
	struct labels		*ls, *as;

	labels_builder_init(&b);
	labels_builder_adds(&b, "alertname", name);
	ls = labels_builder_finish(&b);
	labels_builder_adds(&b, "v", ann);
	as = labels_builder_finish(&b);
	labels_builder_release(&b);
	return alert_new(ls, as, NULL, s, e, u, timeout);
}

START_TEST(put_get_replace)
{
	struct store	*s = store_new();
	struct alert	*a, *got;
	uint64_t	 fp;

	a = mk("x", "1", T(0), T(100), T(0), false);
	fp = a->fp;
	store_put(s, a);
	ck_assert_uint_eq(store_count(s), 1);
	got = store_get(s, fp);
	/* The store keeps a packed copy: the same alert, not the object. */
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->fp, fp);
	ck_assert(got->owner.flags & ALERT_PACKED);
	ck_assert_str_eq(labels_get(alert_labels(got), "alertname"), "x");
	ck_assert_str_eq(labels_get(alert_annotations(got), "v"), "1");
	ck_assert_int_eq(got->ends_at, T(100));
	alert_unref(got);
	ck_assert_ptr_null(store_get(s, fp + 1));
	/* Not overlapping (starts after the old one ended): replaces. */
	store_put(s, mk("x", "2", T(200), T(300), T(200), false));
	got = store_get(s, fp);
	ck_assert_int_eq(got->starts_at, T(200));
	ck_assert_str_eq(labels_get(alert_annotations(got), "v"), "2");
	alert_unref(got);
	ck_assert_uint_eq(store_count(s), 1);
	store_free(s);
}
END_TEST

START_TEST(merge_overlap)
{
	struct store	*s = store_new();
	struct alert	*got;
	ad_time_t	 far = ad_now() + 3600 * AD_SEC;
	uint64_t	 fp;

	/* Firing; a re-push starting later merges: earliest start wins,
	 * the younger alert's annotations win. */
	store_put(s, mk("m", "1", T(0), far, T(0), true));
	got = mk("m", "2", T(5), far - AD_SEC, T(5), true);
	fp = got->fp;
	store_put(s, got);		/* takes got */
	got = store_get(s, fp);
	ck_assert_int_eq(got->starts_at, T(0));
	ck_assert_str_eq(labels_get(alert_annotations(got), "v"), "2");
	/* Timeout end of the older alert does not override. */
	ck_assert_int_eq(got->ends_at, far - AD_SEC);
	alert_unref(got);
	store_free(s);
}
END_TEST

START_TEST(merge_keeps_explicit_end)
{
	struct store	*s = store_new();
	struct alert	*a, *got;
	ad_time_t	 far = ad_now() + 3600 * AD_SEC;
	uint64_t	 fp;

	a = mk("m", "1", T(0), far, T(0), false);
	fp = a->fp;
	store_put(s, a);
	/* Younger, overlapping, earlier timeout end: the explicit later
	 * end of the older alert rules (types.Alert.Merge). */
	store_put(s, mk("m", "2", T(1), far - 60 * AD_SEC, T(1), true));
	got = store_get(s, fp);
	ck_assert_int_eq(got->ends_at, far);
	ck_assert_int_eq(got->starts_at, T(0));
	alert_unref(got);
	store_free(s);
}
END_TEST

START_TEST(merge_offsets_follow_times)
{
	struct store	*s = store_new();
	struct alert	*a, *b, *got;
	ad_time_t	 far = ad_now() + 3600 * AD_SEC;
	uint64_t	 fp;

	a = mk("o", "1", T(0), far, T(0), false);
	alert_set_offs(a, 7200, 0);
	fp = a->fp;
	store_put(s, a);
	b = mk("o", "2", T(10), far, T(10), false);
	alert_set_offs(b, -3600, 0);
	store_put(s, b);
	got = store_get(s, fp);
	ck_assert_int_eq(got->starts_at, T(0));
	ck_assert_int_eq(alert_starts_off(got), 7200);
	alert_unref(got);
	store_free(s);
}
END_TEST

struct rec {
	int	calls, existing;
	size_t	gced;
};

static void
on_put(void *arg, struct alert *a, bool existing)
{
	struct rec	*r = arg;

	(void)a;
	/* Callbacks of different shards run concurrently. */
	__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->existing, existing, __ATOMIC_RELAXED);
}

static void
on_gc(void *arg, struct alert *const *v, size_t n)
{
	struct rec	*r = arg;
	size_t		 i;

	for (i = 0; i < n; i++)
		ck_assert(alert_resolved_at(v[i], ad_now()));
	r->gced += n;
}

START_TEST(subscribers)
{
	struct store	*s = store_new();
	struct rec	 r1 = { 0, 0, 0 }, r2 = { 0, 0, 0 };
	int		 id;

	store_put(s, mk("a", "1", T(0), T(10), T(0), false));
	store_put(s, mk("b", "1", T(0), T(10), T(0), false));
	id = store_subscribe(s, on_put, &r1, true);
	ck_assert_int_eq(r1.calls, 2);		/* replayed */
	store_subscribe(s, on_put, &r2, false);
	ck_assert_int_eq(r2.calls, 0);
	store_put(s, mk("a", "2", T(1), T(10), T(1), false));
	store_put(s, mk("c", "1", T(0), T(10), T(0), false));
	ck_assert_int_eq(r1.calls, 4);
	ck_assert_int_eq(r1.existing, 1);
	ck_assert_int_eq(r2.calls, 2);
	store_unsubscribe(s, id);
	store_put(s, mk("d", "1", T(0), T(10), T(0), false));
	ck_assert_int_eq(r1.calls, 4);
	ck_assert_int_eq(r2.calls, 3);
	store_free(s);
}
END_TEST

START_TEST(gc_removes_resolved_only)
{
	struct store	*s = store_new();
	struct rec	 r = { 0, 0, 0 };
	ad_time_t	 now = ad_now();
	char		 name[32];
	struct alert	**v;
	size_t		 i, n;

	store_on_gc(s, on_gc, &r);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "a%zu", i);
		store_put(s, mk(name, "x", now - 100 * AD_SEC,
		    i % 2 ? now - AD_SEC : now + 3600 * AD_SEC,
		    now - 100 * AD_SEC, false));
	}
	ck_assert_uint_eq(store_count(s), 5000);
	ck_assert_uint_eq(store_gc(s, now), 2500);
	ck_assert_uint_eq(r.gced, 2500);
	ck_assert_uint_eq(store_count(s), 2500);
	/* Every survivor is still found after backward-shift deletions. */
	n = store_list(s, &v);
	ck_assert_uint_eq(n, 2500);
	for (i = 0; i < n; i++) {
		struct alert *g = store_get(s, v[i]->fp);

		ck_assert_ptr_eq(g, v[i]);
		ck_assert(!alert_resolved_at(g, now));
		alert_unref(g);
		if (i > 0)
			ck_assert(v[i - 1]->fp < v[i]->fp);
	}
	store_list_free(v, n);
	ck_assert_uint_eq(store_gc(s, now), 0);
	store_free(s);
}
END_TEST

struct worker {
	struct store	*s;
	int		 id;
};

static void *
writer(void *arg)
{
	struct worker	*w = arg;
	ad_time_t	 far = ad_now() + 3600 * AD_SEC;
	char		 name[32];
	int		 i;

	for (i = 0; i < 20000; i++) {
		/* Half the names are shared by every writer: merges race. */
		snprintf(name, sizeof(name), "w%d-%d", i % 2 ? w->id : 0,
		    i % 1000);
		store_put(w->s, mk(name, "v", T(i % 7), far, T(i), true));
	}
	return NULL;
}

static void *
reader(void *arg)
{
	struct worker	*w = arg;
	struct alert	**v;
	size_t		  n;
	int		  i;

	for (i = 0; i < 200; i++) {
		n = store_list(w->s, &v);
		store_list_free(v, n);
		store_gc(w->s, ad_now());
	}
	return NULL;
}

START_TEST(concurrency_smoke)
{
	struct store	*s = store_new();
	struct worker	 w[6];
	pthread_t	 t[6];
	struct rec	 r = { 0, 0, 0 };
	int		 i;

	store_subscribe(s, on_put, &r, false);
	for (i = 0; i < 6; i++) {
		w[i].s = s;
		w[i].id = i + 1;
		pthread_create(&t[i], NULL, i < 4 ? writer : reader, &w[i]);
	}
	for (i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	/* 500 names shared by all writers + 4 writers x 500 own names. */
	ck_assert_uint_eq(store_count(s), 500 + 4 * 500);
	ck_assert_int_eq(r.calls, 4 * 20000);
	store_free(s);
}
END_TEST

Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, put_get_replace);
	tcase_add_test(tc, merge_overlap);
	tcase_add_test(tc, merge_keeps_explicit_end);
	tcase_add_test(tc, merge_offsets_follow_times);
	tcase_add_test(tc, subscribers);
	tcase_add_test(tc, gc_removes_resolved_only);
	tcase_add_test(tc, concurrency_smoke);
	suite_add_tcase(s, tc);
	return s;
}
