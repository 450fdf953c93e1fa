/*
 * Dispatcher state machine, driven by an explicit clock and a fake
 * pipeline (no threads or sleeps, except the one thread smoke test): the
 * timelines of Alertmanager's acceptance tests that belong to the
 * dispatcher (batching, reload rebuilding groups, continue), the 30 s
 * cleanup of empty groups, flushes in flight, completions arriving after
 * the dispatcher is gone, and the groups view for the API.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/pipeline.h"
#include "routing/aggr.h"
#include "routing/dispatch.h"
#include "routing/labels.h"
#include "routing/route.h"
#include "routing_fixture.h"

#define T0	((ad_time_t)1700000000 * AD_SEC)
#define S(x)	((ad_time_t)llround((x) * 1e9))
#define MAXREC	64

struct rec {
	ad_time_t	 at;
	char		*key;
	const char	*receiver;
	char		*names;		/* "a,b(resolved)" in flush order */
};

struct fake {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct rec		 recs[MAXREC];
	size_t			 n;
	struct notify_flush	*held[MAXREC];	/* not completed yet */
	size_t			 n_held;
	bool			 hold;		/* keep flushes in flight */
	ad_time_t		 now;
};

static void
fake_submit(void *arg, struct notify_flush *f)
{
	struct fake	*fk = arg;
	struct rec	*r;
	struct buf	 b;
	size_t		 i;

	pthread_mutex_lock(&fk->mu);
	ck_assert_uint_lt(fk->n, MAXREC);
	r = &fk->recs[fk->n++];
	r->at = fk->now;
	r->key = xstrdup(f->group_key);
	r->receiver = f->receiver;
	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < f->n_alerts; i++) {
		if (i > 0)
			buf_addch(&b, ',');
		buf_addstr(&b, labels_get(alert_labels(f->alerts[i]),
		    "alertname"));
		if (f->alerts[i]->ends_at != AD_TIME_ZERO)
			buf_addstr(&b, "(resolved)");
	}
	r->names = buf_detach(&b, NULL);
	if (fk->hold) {
		fk->held[fk->n_held++] = f;
		f = NULL;
	}
	pthread_cond_broadcast(&fk->cv);
	pthread_mutex_unlock(&fk->mu);
	if (f != NULL) {
		/* Done at once, as the pipeline does when nothing is left. */
		f->done(f->arg, true);
		aggr_flush_free(f);
	}
}

static void
fake_init(struct fake *fk)
{
	memset(fk, 0, sizeof(*fk));
	pthread_mutex_init(&fk->mu, NULL);
	pthread_cond_init(&fk->cv, NULL);
	fk->now = T0;
}

static void
fake_release(struct fake *fk)
{
	size_t	i;

	for (i = 0; i < fk->n; i++) {
		free(fk->recs[i].key);
		free(fk->recs[i].names);
	}
	for (i = 0; i < fk->n_held; i++) {
		fk->held[i]->done(fk->held[i]->arg, false);
		aggr_flush_free(fk->held[i]);
	}
	pthread_cond_destroy(&fk->cv);
	pthread_mutex_destroy(&fk->mu);
}

/* Completes the oldest held flush. */
static void
fake_complete(struct fake *fk, bool ok)
{
	struct notify_flush	*f;

	ck_assert_uint_gt(fk->n_held, 0);
	f = fk->held[0];
	memmove(fk->held, fk->held + 1, --fk->n_held * sizeof(*fk->held));
	f->done(f->arg, ok);
	aggr_flush_free(f);
}

/* Runs d up to t: every timer in between fires at its own time. */
static void
run_to(struct dispatch *d, struct fake *fk, ad_time_t t)
{
	ad_time_t	next;

	for (;;) {
		next = dispatch_pending(d) ? fk->now : dispatch_next_wakeup(d);
		if (next > t)
			break;
		if (next > fk->now)
			fk->now = next;
		dispatch_step(d, fk->now);
	}
	fk->now = t;
	dispatch_step(d, t);
}

/* Posts {alertname=name, extra...} firing since start (5m endsAt). */
static void
post(struct dispatch *d, struct fake *fk, ad_time_t at, const char *name,
    ad_time_t start, ad_time_t end)
{
	struct alert	*a;

	run_to(d, fk, at);
	a = fx_alert_upd(FX_L("alertname", name), start,
	    end != 0 ? end : at + 5 * AD_MIN, at);
	dispatch_post_alert(d, a);
	alert_unref(a);
	dispatch_step(d, at);
}

static void
want(struct fake *fk, size_t i, double at, const char *names)
{
	ck_assert_msg(i < fk->n, "flush %zu missing (have %zu)", i, fk->n);
	ck_assert_msg(fk->recs[i].at == T0 + S(at),
	    "flush %zu at %.3f, want %.3f", i,
	    (double)(fk->recs[i].at - T0) / AD_SEC, at);
	ck_assert_str_eq(fk->recs[i].names, names);
}

static struct config_route *
root_route(ad_dur_t gw, ad_dur_t gi, ad_dur_t ri, const char *group_by)
{
	struct config_route	*cr = fx_route("recv", NULL);

	if (group_by != NULL)
		fx_group_by(cr, group_by);
	fx_timings(cr, gw, gi, ri);
	return cr;
}

START_TEST(batching_timeline)
{
	struct config_route	*cr = root_route(S(1), S(1), S(4.9), NULL);
	struct route_tree	*t = route_tree_new(cr);
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch		*d;
	struct fake		 fk;

	/* TestBatching: timers run from the group's first alert (1.1). */
	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, T0);
	post(d, &fk, T0 + S(1.1), "test1", T0 + S(1), 0);
	post(d, &fk, T0 + S(1.7), "test5", T0 + S(1), 0);
	post(d, &fk, T0 + S(3.3), "test2", T0 + S(1.5), 0);
	post(d, &fk, T0 + S(3.3), "test3", T0 + S(1.5), 0);
	post(d, &fk, T0 + S(3.3), "test4", T0 + S(1.6), 0);
	run_to(d, &fk, T0 + S(4.5));
	want(&fk, 0, 2.1, "test1,test5");
	want(&fk, 1, 3.1, "test1,test5");
	want(&fk, 2, 4.1, "test1,test2,test3,test4,test5");
	ck_assert_uint_eq(fk.n, 3);
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

START_TEST(reload_rebuilds_groups_and_flushes_old_alerts_at_once)
{
	struct config_route	*cr = root_route(S(1), S(6), S(600), NULL);
	struct route_tree	*t = route_tree_new(cr);
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch		*d;
	struct alert		*a1;
	struct fake		 fk;

	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, T0);
	a1 = fx_alert(FX_L("alertname", "test1"), T0 + S(1), T0 + S(301));
	run_to(d, &fk, T0 + S(1));
	dispatch_post_alert(d, a1);
	run_to(d, &fk, T0 + S(3));
	want(&fk, 0, 2, "test1");
	/* SIGHUP at 3: a new dispatcher, fed every stored alert again. */
	dispatch_free(d);
	d = dispatch_new(t, &h, T0 + S(3));
	dispatch_post_alert(d, a1);
	dispatch_step(d, T0 + S(3));
	/* test1 is older than group_wait: flushed at once (the nflog
	 * then finds it already notified and sends nothing). */
	want(&fk, 1, 3, "test1");
	post(d, &fk, T0 + S(4), "test2", T0 + S(4), 0);
	run_to(d, &fk, T0 + S(9.5));
	want(&fk, 2, 9, "test1,test2");
	ck_assert_uint_eq(fk.n, 3);
	alert_unref(a1);
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

static int
rec_cmp(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int	c = strcmp(a->receiver, b->receiver);

	return c != 0 ? c : strcmp(a->key, b->key);
}

START_TEST(continue_feeds_two_groups)
{
	struct config_route	*cr = root_route(S(1), S(5), S(60), "alertname");
	struct config_route	*c;
	struct route_tree	*t;
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch		*d;
	struct fake		 fk;

	c = fx_child(cr, fx_route("first", "alertname=~\"x|y\""));
	c->continue_ = true;
	fx_child(cr, fx_route("second", "alertname=\"x\""));
	t = route_tree_new(cr);
	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, T0);
	post(d, &fk, T0, "x", T0, 0);
	post(d, &fk, T0, "y", T0, 0);
	run_to(d, &fk, T0 + S(1));
	/* Due at the same time, in no particular order: sort them. */
	qsort(fk.recs, fk.n, sizeof(fk.recs[0]), rec_cmp);
	ck_assert_uint_eq(fk.n, 3);
	ck_assert_str_eq(fk.recs[0].receiver, "first");
	ck_assert_str_eq(fk.recs[0].key,
	    "{}/{alertname=~\"x|y\"}:{alertname=\"x\"}");
	ck_assert_str_eq(fk.recs[1].receiver, "first");
	ck_assert_str_eq(fk.recs[1].key,
	    "{}/{alertname=~\"x|y\"}:{alertname=\"y\"}");
	ck_assert_str_eq(fk.recs[2].receiver, "second");
	ck_assert_str_eq(fk.recs[2].key,
	    "{}/{alertname=\"x\"}:{alertname=\"x\"}");
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

START_TEST(empty_groups_live_until_the_cleanup_tick)
{
	struct config_route	*cr = root_route(S(1), S(5), S(3600), NULL);
	struct route_tree	*t = route_tree_new(cr);
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch_stats	 st;
	struct dispatch		*d;
	struct fake		 fk;

	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, T0);
	post(d, &fk, T0 + S(1), "a", T0 + S(1), T0 + S(3));
	run_to(d, &fk, T0 + S(7));
	want(&fk, 0, 2, "a");
	want(&fk, 1, 7, "a(resolved)");
	dispatch_stats(d, &st);
	ck_assert_uint_eq(st.groups, 1);
	/* Emptied at 7; a new alert at 20 joins the flushed group: no
	 * group_wait, it goes out at the group's next tick (22). */
	post(d, &fk, T0 + S(20), "b", T0 + S(20), 0);
	run_to(d, &fk, T0 + S(22));
	want(&fk, 2, 22, "b");
	post(d, &fk, T0 + S(22), "b", T0 + S(20), T0 + S(22));
	run_to(d, &fk, T0 + S(27));
	want(&fk, 3, 27, "b(resolved)");
	/* The 30 s maintenance at 30 drops it (empty since 27). */
	run_to(d, &fk, T0 + S(30));
	dispatch_stats(d, &st);
	ck_assert_uint_eq(st.groups, 0);
	/* A new group waits group_wait again. */
	post(d, &fk, T0 + S(40), "c", T0 + S(40), 0);
	run_to(d, &fk, T0 + S(41));
	want(&fk, 4, 41, "c");
	ck_assert_uint_eq(fk.n, 5);
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

START_TEST(slow_flush_delays_the_next_tick)
{
	struct config_route	*cr = root_route(S(1), S(2), S(3600), NULL);
	struct route_tree	*t = route_tree_new(cr);
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch		*d;
	struct fake		 fk;

	fake_init(&fk);
	fk.hold = true;
	h.arg = &fk;
	d = dispatch_new(t, &h, T0);
	post(d, &fk, T0, "a", T0, 0);
	run_to(d, &fk, T0 + S(4));
	/* Flushed at 1; the tick due at 3 waits for the flush. */
	ck_assert_uint_eq(fk.n, 1);
	want(&fk, 0, 1, "a");
	/* The flush completes at 4: the waiting tick runs then. */
	fake_complete(&fk, true);
	run_to(d, &fk, T0 + S(4));
	want(&fk, 1, 4, "a");
	ck_assert_int_eq(fk.held[0]->now, T0 + S(3));
	/* Re-armed from the late tick: 6, not 5. */
	fake_complete(&fk, true);
	run_to(d, &fk, T0 + S(5.9));
	ck_assert_uint_eq(fk.n, 2);
	run_to(d, &fk, T0 + S(6));
	want(&fk, 2, 6, "a");
	dispatch_free(d);
	/* Completing after the dispatcher is gone is harmless. */
	fake_complete(&fk, true);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

static bool
only_receiver(void *arg, const struct route *r)
{
	return strcmp(r->receiver, arg) == 0;
}

START_TEST(groups_view)
{
	struct config_route	*cr = root_route(S(1), S(5), S(60), "alertname");
	struct route_tree	*t;
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch_group	*v;
	struct dispatch		*d;
	struct fake		 fk;
	size_t			 n, i, total = 0;

	fx_child(cr, fx_route("child", "alertname=\"x\""));
	t = route_tree_new(cr);
	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, T0);
	post(d, &fk, T0, "x", T0, 0);
	post(d, &fk, T0, "y", T0, 0);
	post(d, &fk, T0, "z", T0, 0);
	n = dispatch_groups_get(d, NULL, NULL, &v);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(v[i].n_alerts, 1);
		ck_assert_str_eq(labels_get(v[i].labels, "alertname"),
		    labels_get(alert_labels(v[i].alerts[0]), "alertname"));
		total += strcmp(v[i].receiver, "recv") == 0;
	}
	ck_assert_uint_eq(total, 2);
	dispatch_groups_free(v, n);
	n = dispatch_groups_get(d, only_receiver, (void *)"child", &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_eq(v[0].route, route_tree_get(t, 1));
	dispatch_groups_free(v, n);
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

START_TEST(thread_flushes_on_time)
{
	struct config_route	*cr = root_route(0, S(60), S(60), "alertname");
	struct route_tree	*t = route_tree_new(cr);
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch		*d;
	struct alert		*a;
	struct fake		 fk;
	struct timespec		 ts;
	char			 name[16];
	int			 i;

	/* group_wait 0: every group flushes as soon as it is routed. */
	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, ad_now());
	ck_assert_int_eq(dispatch_start(d, NULL), 0);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		a = fx_alert(FX_L("alertname", name), ad_now(),
		    ad_now() + S(300));
		dispatch_post_alert(d, a);
		alert_unref(a);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&fk.mu);
	while (fk.n < 20)
		if (pthread_cond_timedwait(&fk.cv, &fk.mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&fk.mu);
	ck_assert_uint_eq(fk.n, 20);
	dispatch_stop(d);
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

struct producer {
	struct dispatch	*d;
	int		 id;
};

static void *
produce(void *arg)
{
	struct producer	*p = arg;
	struct alert	*a;
	char		 name[32];
	int		 i;

	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "p%d-%d", p->id, i % 50);
		/* Fresh alerts: they wait group_wait (an hour). */
		a = fx_alert(FX_L("alertname", name), ad_now(),
		    ad_now() + S(300));
		dispatch_post_alert(p->d, a);
		alert_unref(a);
	}
	return NULL;
}

START_TEST(concurrent_posts_all_arrive)
{
	struct config_route	*cr = root_route(S(3600), S(60), S(60),
				    "alertname");
	struct route_tree	*t = route_tree_new(cr);
	struct dispatch_hooks	 h = { fake_submit, NULL };
	struct dispatch_stats	 st;
	struct producer		 p[4];
	pthread_t		 th[4];
	struct dispatch		*d;
	struct fake		 fk;
	int			 i;

	fake_init(&fk);
	h.arg = &fk;
	d = dispatch_new(t, &h, ad_now());
	ck_assert_int_eq(dispatch_start(d, NULL), 0);
	for (i = 0; i < 4; i++) {
		p[i].d = d;
		p[i].id = i;
		pthread_create(&th[i], NULL, produce, &p[i]);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 500; i++) {
		dispatch_stats(d, &st);
		if (st.alerts == 20000)
			break;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	ck_assert_uint_eq(st.alerts, 20000);
	ck_assert_uint_eq(st.groups, 200);
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_uint_eq(fk.n, 0);
	dispatch_free(d);
	fake_release(&fk);
	route_tree_free(t);
	fx_route_free(cr);
}
END_TEST

Suite *
dispatch_suite(void)
{
	Suite	*s = suite_create("dispatch");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, batching_timeline);
	tcase_add_test(tc, reload_rebuilds_groups_and_flushes_old_alerts_at_once);
	tcase_add_test(tc, continue_feeds_two_groups);
	tcase_add_test(tc, empty_groups_live_until_the_cleanup_tick);
	tcase_add_test(tc, slow_flush_delays_the_next_tick);
	tcase_add_test(tc, groups_view);
	tcase_add_test(tc, thread_flushes_on_time);
	tcase_add_test(tc, concurrent_posts_all_arrive);
	suite_add_tcase(s, tc);
	return s;
}
