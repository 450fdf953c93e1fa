/*
 * Aggregation groups: Alertmanager's timing (group_wait, the immediate
 * flush of an old alert, group_interval ticks re-armed before the
 * flush, a tick that falls due while a flush is in flight), the flush
 * contents (sorted as types.AlertSlice, endsAt zeroed while firing), the
 * removal of notified resolved alerts, and the sort order against
 * vectors recorded from Alertmanager (tests/data/routing/sort).
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/pipeline.h"
#include "routing/aggr.h"
#include "routing/labels.h"
#include "routing/route.h"
#include "routing_fixture.h"

#define T0	((ad_time_t)1700000000 * AD_SEC)
#define S(x)	((ad_time_t)llround((x) * 1e9))

struct fx {
	struct config_route	*cr;
	struct route_tree	*t;
	const struct route	*r;
	struct aggr		*ag;
};

/* A group under a root route with gw/gi/ri, created at T0. */
static void
fx_setup(struct fx *f, ad_dur_t gw, ad_dur_t gi, ad_dur_t ri)
{
	f->cr = fx_route("recv", NULL);
	fx_group_by(f->cr, "alertname");
	fx_timings(f->cr, gw, gi, ri);
	f->t = route_tree_new(f->cr);
	f->r = route_tree_root(f->t);
	f->ag = aggr_new(f->r, fx_labels(FX_L("alertname", "a")), 1, T0);
}

static void
fx_teardown(struct fx *f)
{
	aggr_free(f->ag);
	route_tree_free(f->t);
	fx_route_free(f->cr);
}

static void
insert(struct aggr *ag, const char *inst, ad_time_t start, ad_time_t end,
    ad_time_t now)
{
	struct alert	*a;

	a = fx_alert(FX_L("alertname", "a", "instance", inst), start, end);
	aggr_insert(ag, a, now);
	alert_unref(a);
}

START_TEST(first_flush_after_group_wait)
{
	struct fx		 f;
	struct notify_flush	*fl;

	fx_setup(&f, S(1), S(5), S(60));
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(1));
	insert(f.ag, "i1", T0, T0 + S(300), T0);
	/* A fresh alert does not move the timer. */
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(1));
	ck_assert(!aggr_has_flushed(f.ag));
	fl = aggr_tick(f.ag, T0 + S(1));
	ck_assert_ptr_nonnull(fl);
	/* Re-armed to group_interval at the tick, before the flush ends. */
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(6));
	ck_assert(aggr_has_flushed(f.ag));
	ck_assert(aggr_in_flight(f.ag));
	ck_assert_str_eq(fl->group_key, "{}:{alertname=\"a\"}");
	ck_assert_str_eq(fl->receiver, "recv");
	ck_assert_uint_eq(fl->n_alerts, 1);
	ck_assert_int_eq(fl->repeat_interval, S(60));
	ck_assert_int_eq(fl->now, T0 + S(1));
	/* notify.MinTimeout: a flush is given at least 10 s. */
	ck_assert_int_eq(fl->deadline, T0 + S(11));
	ck_assert(labels_equal(fl->group_labels, aggr_labels(f.ag)));
	ck_assert(!aggr_flush_done(f.ag, true));
	ck_assert_uint_eq(aggr_len(f.ag), 1);
	aggr_flush_free(fl);
	fx_teardown(&f);
}
END_TEST

START_TEST(old_alert_flushes_at_once_before_first_flush_only)
{
	struct fx		 f;
	struct notify_flush	*fl;

	fx_setup(&f, S(30), S(60), S(600));
	/* startsAt + group_wait not before now: wait. */
	insert(f.ag, "i1", T0 - S(30), T0 + S(300), T0);
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(30));
	/* Strictly before now: flush at once. */
	insert(f.ag, "i2", T0 - S(31), T0 + S(300), T0 + S(2));
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(2));
	fl = aggr_tick(f.ag, T0 + S(2));
	ck_assert_uint_eq(fl->n_alerts, 2);
	aggr_flush_done(f.ag, true);
	aggr_flush_free(fl);
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(62));
	/* Once flushed, old alerts wait for the next tick. */
	insert(f.ag, "i3", T0 - S(3600), T0 + S(300), T0 + S(10));
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(62));
	fx_teardown(&f);
}
END_TEST

START_TEST(empty_group_ticks_without_flushing)
{
	struct fx	f;

	fx_setup(&f, S(1), S(5), S(60));
	ck_assert_ptr_null(aggr_tick(f.ag, T0 + S(1)));
	ck_assert(aggr_has_flushed(f.ag));
	ck_assert(!aggr_in_flight(f.ag));
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(6));
	fx_teardown(&f);
}
END_TEST

START_TEST(firing_alerts_have_zero_ends_at)
{
	struct fx		 f;
	struct notify_flush	*fl;
	size_t			 i;

	fx_setup(&f, S(1), S(5), S(60));
	insert(f.ag, "firing", T0, T0 + S(3), T0);	/* Prometheus' endsAt */
	insert(f.ag, "resolved", T0 - S(9), T0 + S(1), T0);
	insert(f.ag, "ends-now", T0 - S(9), T0 + S(2), T0);
	fl = aggr_tick(f.ag, T0 + S(2));
	ck_assert_uint_eq(fl->n_alerts, 3);
	for (i = 0; i < 3; i++) {
		const char *inst = labels_get(alert_labels(fl->alerts[i]),
		    "instance");

		if (strcmp(inst, "firing") == 0)
			ck_assert_int_eq(fl->alerts[i]->ends_at, AD_TIME_ZERO);
		else if (strcmp(inst, "resolved") == 0)
			ck_assert_int_eq(fl->alerts[i]->ends_at, T0 + S(1));
		else	/* ResolvedAt: endsAt not after now */
			ck_assert_int_eq(fl->alerts[i]->ends_at, T0 + S(2));
	}
	aggr_flush_done(f.ag, true);
	aggr_flush_free(fl);
	/* Notified resolved alerts leave; the firing one stays. */
	ck_assert_uint_eq(aggr_len(f.ag), 1);
	fx_teardown(&f);
}
END_TEST

START_TEST(resolved_alerts_stay_if_updated_or_failed)
{
	struct fx		 f;
	struct notify_flush	*fl;
	struct alert		*a;

	fx_setup(&f, S(1), S(5), S(60));
	insert(f.ag, "r1", T0 - S(9), T0, T0);
	insert(f.ag, "r2", T0 - S(9), T0, T0);
	/* A failed flush removes nothing. */
	fl = aggr_tick(f.ag, T0 + S(1));
	ck_assert_uint_eq(fl->n_alerts, 2);
	ck_assert(!aggr_flush_done(f.ag, false));
	aggr_flush_free(fl);
	ck_assert_uint_eq(aggr_len(f.ag), 2);
	/* r2 is updated (still resolved) while the next flush is out. */
	fl = aggr_tick(f.ag, T0 + S(6));
	ck_assert_uint_eq(fl->n_alerts, 2);
	a = fx_alert_upd(FX_L("alertname", "a", "instance", "r2"), T0 - S(9),
	    T0 + S(1), T0 + S(7));
	aggr_insert(f.ag, a, T0 + S(7));
	alert_unref(a);
	aggr_flush_done(f.ag, true);
	aggr_flush_free(fl);
	/* r1 is gone; r2 stays for the next flush (UpdatedAt differs). */
	ck_assert_uint_eq(aggr_len(f.ag), 1);
	fl = aggr_tick(f.ag, T0 + S(11));
	ck_assert_uint_eq(fl->n_alerts, 1);
	ck_assert_str_eq(labels_get(alert_labels(fl->alerts[0]), "instance"),
	    "r2");
	ck_assert_int_eq(fl->alerts[0]->ends_at, T0 + S(1));
	aggr_flush_done(f.ag, true);
	aggr_flush_free(fl);
	ck_assert(aggr_empty(f.ag));
	fx_teardown(&f);
}
END_TEST

START_TEST(tick_due_during_flush_waits_for_it)
{
	struct fx		 f;
	struct notify_flush	*fl, *fl2;

	fx_setup(&f, S(1), S(2), S(60));
	insert(f.ag, "i1", T0, T0 + S(300), T0);
	fl = aggr_tick(f.ag, T0 + S(1));
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(3));
	/* The notification is slow: the next tick falls due meanwhile. */
	ck_assert_ptr_null(aggr_tick(f.ag, T0 + S(3)));
	ck_assert_int_eq(aggr_next(f.ag), AGGR_NEVER);
	ck_assert(aggr_flush_done(f.ag, true));
	aggr_flush_free(fl);
	/* It fires as soon as the flush completes, with its due time. */
	fl2 = aggr_tick(f.ag, T0 + S(4.5));
	ck_assert_ptr_nonnull(fl2);
	ck_assert_int_eq(fl2->now, T0 + S(3));
	ck_assert_int_eq(aggr_next(f.ag), T0 + S(6.5));
	ck_assert(!aggr_flush_done(f.ag, true));
	aggr_flush_free(fl2);
	fx_teardown(&f);
}
END_TEST

static struct labels *
json_labels(json_t *obj)
{
	struct labels_builder	 b;
	struct labels		*ls;
	const char		*k;
	json_t			*v;

	labels_builder_init(&b);
	json_object_foreach(obj, k, v)
		labels_builder_adds(&b, k, json_string_value(v));
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

static int
alert_qcmp(const void *x, const void *y)
{
	return aggr_alert_cmp(*(struct alert *const *)x,
	    *(struct alert *const *)y);
}

static int
labels_qcmp(const void *x, const void *y)
{
	return aggr_labels_cmp(*(struct labels *const *)x,
	    *(struct labels *const *)y);
}

START_TEST(sort_orders_match_alertmanager)
{
	json_error_t	 jerr;
	json_t		*exp, *want;
	struct alert	**as;
	struct labels	**ls, *w;
	size_t		 i, n;

	exp = json_load_file("tests/data/routing/sort/expected.json", 0, &jerr);
	ck_assert_msg(exp != NULL, "%s", jerr.text);
	want = json_object_get(exp, "alert_slice");
	n = json_array_size(want);
	ck_assert_uint_gt(n, 10);
	as = xcalloc(n, sizeof(*as));
	ls = xcalloc(n, sizeof(*ls));
	/* Feed them reversed so that the sort has work to do. */
	for (i = 0; i < n; i++) {
		ls[i] = json_labels(json_array_get(want, n - 1 - i));
		as[i] = alert_new(labels_ref(ls[i]), NULL, NULL, T0, T0, T0,
		    false);
	}
	qsort(as, n, sizeof(*as), alert_qcmp);
	qsort(ls, n, sizeof(*ls), labels_qcmp);
	for (i = 0; i < n; i++) {
		w = json_labels(json_array_get(want, i));
		ck_assert_msg(labels_equal(alert_labels(as[i]), w),
		    "alert_slice position %zu", i);
		labels_unref(w);
		w = json_labels(json_array_get(json_object_get(exp,
		    "label_set_before"), i));
		ck_assert_msg(labels_equal(ls[i], w),
		    "label_set_before position %zu", i);
		labels_unref(w);
		alert_unref(as[i]);
		labels_unref(ls[i]);
	}
	free(as);
	free(ls);
	json_decref(exp);
}
END_TEST

START_TEST(flush_is_sorted)
{
	struct fx		 f;
	struct notify_flush	*fl;
	size_t			 i;

	fx_setup(&f, S(1), S(5), S(60));
	insert(f.ag, "c", T0, T0 + S(300), T0);
	insert(f.ag, "a", T0, T0 + S(300), T0);
	insert(f.ag, "b", T0, T0 + S(300), T0);
	fl = aggr_tick(f.ag, T0 + S(1));
	ck_assert_uint_eq(fl->n_alerts, 3);
	for (i = 0; i + 1 < fl->n_alerts; i++)
		ck_assert_int_lt(aggr_alert_cmp(fl->alerts[i],
		    fl->alerts[i + 1]), 0);
	ck_assert_str_eq(labels_get(alert_labels(fl->alerts[0]), "instance"),
	    "a");
	aggr_flush_done(f.ag, true);
	aggr_flush_free(fl);
	fx_teardown(&f);
}
END_TEST

START_TEST(heap_orders_groups)
{
	struct fx		 f;
	struct aggr		*g[5];
	struct aggr_heap	 h;
	ad_time_t		 last = 0;
	size_t			 i;
	static const int	 off[5] = { 5, 1, 4, 2, 3 };

	fx_setup(&f, S(10), S(5), S(60));
	aggr_heap_init(&h);
	for (i = 0; i < 5; i++) {
		g[i] = aggr_new(f.r, fx_labels(FX_L("alertname", "x")), i,
		    T0 + S(off[i]));
		aggr_heap_update(&h, g[i]);
	}
	ck_assert_ptr_eq(aggr_heap_top(&h), g[1]);
	/* An old alert moves g[0] to the front. */
	insert(g[0], "old", T0 - S(3600), T0 + S(300), T0);
	aggr_heap_update(&h, g[0]);
	ck_assert_ptr_eq(aggr_heap_top(&h), g[0]);
	aggr_heap_remove(&h, g[3]);
	for (i = 0; i < 4; i++) {
		struct aggr *top = aggr_heap_top(&h);

		ck_assert_int_ge(aggr_next(top), last);
		last = aggr_next(top);
		aggr_heap_remove(&h, top);
	}
	ck_assert_ptr_null(aggr_heap_top(&h));
	aggr_heap_release(&h);
	for (i = 0; i < 5; i++)
		aggr_free(g[i]);
	fx_teardown(&f);
}
END_TEST

Suite *
aggr_suite(void)
{
	Suite	*s = suite_create("aggr");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, first_flush_after_group_wait);
	tcase_add_test(tc, old_alert_flushes_at_once_before_first_flush_only);
	tcase_add_test(tc, empty_group_ticks_without_flushing);
	tcase_add_test(tc, firing_alerts_have_zero_ends_at);
	tcase_add_test(tc, resolved_alerts_stay_if_updated_or_failed);
	tcase_add_test(tc, tick_due_during_flush_waits_for_it);
	tcase_add_test(tc, sort_orders_match_alertmanager);
	tcase_add_test(tc, flush_is_sorted);
	tcase_add_test(tc, heap_orders_groups);
	suite_add_tcase(s, tc);
	return s;
}
