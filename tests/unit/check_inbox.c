/*
 * The dispatcher's inbox: order within a shard, close and drop, and the
 * wakeup rules: a deep sleep ends at the first post, a nap only at an
 * urgent post, inbox_wake or its deadline.  The sleeps are on a second
 * thread; the assertions are about which event ended them, never about
 * how fast anything ran.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "alertd/timeutil.h"
#include "routing/inbox.h"

static atomic_int dropped;

static void
drop(struct inbox_msg *m)
{
	(void)m;
	atomic_fetch_add(&dropped, 1);
}

static struct inbox_msg
msg(intptr_t v)
{
	struct inbox_msg	m = { (void *)v, 1, false };

	return m;
}

START_TEST(order_and_close)
{
	struct inbox		*ib;
	struct inbox_msg	*v = NULL;
	size_t			 alloc = 0, n, i;

	atomic_store(&dropped, 0);
	ib = inbox_new(drop);
	for (i = 0; i < 100; i++)
		inbox_post(ib, 3, msg((intptr_t)i), false);
	inbox_post(ib, 4, msg(1000), true);
	ck_assert(inbox_pending(ib));
	ck_assert_uint_eq(inbox_len(ib), 101);
	n = inbox_take(ib, 3 + INBOX_SHARDS, &v, &alloc);
	ck_assert_uint_eq(n, 100);
	for (i = 0; i < n; i++)
		ck_assert_ptr_eq(v[i].ptr, (void *)(intptr_t)i);
	ck_assert_uint_eq(inbox_len(ib), 1);
	inbox_close(ib);
	ck_assert_int_eq(atomic_load(&dropped), 1);
	inbox_post(ib, 1, msg(1), false);
	ck_assert_int_eq(atomic_load(&dropped), 2);
	ck_assert(!inbox_pending(ib));
	inbox_unref(ib);
	free(v);
}
END_TEST

struct sleeper {
	struct inbox	*ib;
	bool		 nap;
	int64_t		 until;
	atomic_bool	 done;
	int64_t		 woke;		/* ad_mono() when the sleep ended */
};

static void *
sleeper_main(void *arg)
{
	struct sleeper	*s = arg;

	if (s->nap)
		inbox_nap(s->ib, s->until);
	else
		inbox_wait(s->ib, s->until);
	s->woke = ad_mono();
	atomic_store(&s->done, true);
	return NULL;
}

static void
sleeper_start(struct sleeper *s, pthread_t *t, struct inbox *ib, bool nap,
    int64_t until)
{
	s->ib = ib;
	s->nap = nap;
	s->until = until;
	atomic_init(&s->done, false);
	ck_assert_int_eq(pthread_create(t, NULL, sleeper_main, s), 0);
}

static void
pause_ms(int ms)
{
	struct timespec	ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* A deep sleep with no deadline ends at the first post. */
START_TEST(deep_sleep_ends_at_post)
{
	struct inbox	*ib = inbox_new(drop);
	struct sleeper	 s;
	pthread_t	 t;

	sleeper_start(&s, &t, ib, false, INT64_MAX);
	pause_ms(50);
	inbox_post(ib, 0, msg(1), false);
	pthread_join(t, NULL);
	ck_assert(atomic_load(&s.done));
	inbox_close(ib);
	inbox_unref(ib);
}
END_TEST

/* A nap is not cut short by ordinary posts: it lasts until its deadline. */
START_TEST(nap_ignores_plain_posts)
{
	struct inbox	*ib = inbox_new(drop);
	struct sleeper	 s;
	pthread_t	 t;
	int64_t		 until = ad_mono() + 300 * AD_MS;
	int		 i;

	sleeper_start(&s, &t, ib, true, until);
	for (i = 0; i < 20; i++) {
		inbox_post(ib, (unsigned)i, msg(i), false);
		pause_ms(5);
	}
	pthread_join(t, NULL);
	ck_assert_int_ge(s.woke, until);
	ck_assert_uint_eq(inbox_len(ib), 20);
	inbox_close(ib);
	inbox_unref(ib);
}
END_TEST

/* An urgent post or inbox_wake ends a nap that has no deadline. */
START_TEST(nap_ends_at_urgent_post)
{
	struct inbox	*ib = inbox_new(drop);
	struct sleeper	 s;
	pthread_t	 t;

	sleeper_start(&s, &t, ib, true, INT64_MAX);
	inbox_post(ib, 0, msg(1), false);
	pause_ms(50);
	ck_assert(!atomic_load(&s.done));
	inbox_post(ib, 1, msg(2), true);
	pthread_join(t, NULL);
	ck_assert(atomic_load(&s.done));

	sleeper_start(&s, &t, ib, true, INT64_MAX);
	pause_ms(20);
	inbox_wake(ib);
	pthread_join(t, NULL);
	ck_assert(atomic_load(&s.done));
	inbox_close(ib);
	inbox_unref(ib);
}
END_TEST

/* An urgent post that came before the nap began ends it at once. */
START_TEST(urgent_before_nap)
{
	struct inbox	*ib = inbox_new(drop);

	inbox_post(ib, 0, msg(1), true);
	inbox_nap(ib, INT64_MAX);
	/* The flag is spent: the next nap waits for its deadline. */
	inbox_nap(ib, ad_mono() + 20 * AD_MS);
	ck_assert_uint_eq(inbox_len(ib), 1);
	inbox_close(ib);
	inbox_unref(ib);
}
END_TEST

/* Many producers, one consumer: nothing is lost or reordered per shard. */
struct producer {
	struct inbox	*ib;
	unsigned	 shard;
};

#define PER_PRODUCER	20000

static void *
producer_main(void *arg)
{
	struct producer	*p = arg;
	intptr_t	 i;

	for (i = 0; i < PER_PRODUCER; i++)
		inbox_post(p->ib, p->shard, msg(i), (i % 1000) == 0);
	return NULL;
}

START_TEST(producers_consumer)
{
	struct inbox		*ib = inbox_new(drop);
	struct producer		 p[4];
	pthread_t		 t[4];
	struct inbox_msg	*v = NULL;
	size_t			 alloc = 0, n, i, got = 0;
	intptr_t		 next[4] = { 0, 0, 0, 0 };
	unsigned		 sh;
	bool			 nap = false;

	for (i = 0; i < 4; i++) {
		p[i].ib = ib;
		p[i].shard = (unsigned)i;
		ck_assert_int_eq(pthread_create(&t[i], NULL, producer_main,
		    &p[i]), 0);
	}
	while (got < 4 * PER_PRODUCER) {
		if (nap)
			inbox_nap(ib, ad_mono() + AD_MS);
		else
			inbox_wait(ib, INT64_MAX);
		nap = false;
		for (sh = 0; sh < 4; sh++) {
			n = inbox_take(ib, sh, &v, &alloc);
			for (i = 0; i < n; i++) {
				ck_assert_ptr_eq(v[i].ptr,
				    (void *)next[sh]);
				next[sh]++;
			}
			got += n;
			nap |= n > 0;
		}
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ck_assert(!inbox_pending(ib));
	inbox_close(ib);
	inbox_unref(ib);
	free(v);
}
END_TEST

Suite *
inbox_suite(void)
{
	Suite	*s = suite_create("inbox");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, order_and_close);
	tcase_add_test(tc, deep_sleep_ends_at_post);
	tcase_add_test(tc, nap_ignores_plain_posts);
	tcase_add_test(tc, nap_ends_at_urgent_post);
	tcase_add_test(tc, urgent_before_nap);
	tcase_add_test(tc, producers_consumer);
	suite_add_tcase(s, tc);
	return s;
}
