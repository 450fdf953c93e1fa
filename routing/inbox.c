/*
 * The dispatcher's sharded MPSC queue (see inbox.h).  A producer that
 * finds the consumer asleep signals it under the wait mutex; the
 * consumer announces its sleep (sleeping) before it rechecks the shards
 * (or, napping, the urgent flag), so with sequentially consistent atomics
 * on both sides either the producer sees it asleep or the consumer sees
 * the message.  Only the first producer of a sleep signals (signaled):
 * the futex wake and the context switch it causes are the cost of a post
 * (a quarter of the CPU of a one-alert POST), so they are paid once per
 * sleep, and, while posts keep coming, once per nap.
 */
#include "routing/inbox.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"

struct inbox_shard {
	alignas(64) pthread_mutex_t mu;
	struct inbox_msg	*v;
	size_t			 n, alloc;
	atomic_size_t		 len;		/* n, for lock-free peeks */
};

/* What the consumer is doing (struct inbox.sleeping). */
enum { INBOX_AWAKE, INBOX_DEEP, INBOX_NAP };

struct inbox {
	atomic_uint		 refs;
	atomic_bool		 closed;
	atomic_int		 sleeping;	/* INBOX_AWAKE, _DEEP, _NAP */
	atomic_bool		 signaled;	/* this sleep was signalled */
	atomic_bool		 urgent;	/* an urgent post is queued */
	inbox_drop_fn		 drop;
	pthread_mutex_t		 wmu;
	pthread_cond_t		 cv;
	bool			 kicked;	/* inbox_wake, under wmu */
	struct inbox_shard	 sh[INBOX_SHARDS];
};

struct inbox *
inbox_new(inbox_drop_fn drop)
{
	struct inbox		*ib;
	pthread_condattr_t	 ca;
	size_t			 i;

	/* The shards are cache-line aligned: so must the inbox be. */
	ib = aligned_alloc(64, (sizeof(*ib) + 63) / 64 * 64);
	if (ib == NULL)
		abort();
	memset(ib, 0, sizeof(*ib));
	ib->drop = drop;
	atomic_init(&ib->refs, 1);
	atomic_init(&ib->closed, false);
	atomic_init(&ib->sleeping, INBOX_AWAKE);
	atomic_init(&ib->signaled, false);
	atomic_init(&ib->urgent, false);
	pthread_mutex_init(&ib->wmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ib->cv, &ca);
	pthread_condattr_destroy(&ca);
	for (i = 0; i < INBOX_SHARDS; i++) {
		pthread_mutex_init(&ib->sh[i].mu, NULL);
		atomic_init(&ib->sh[i].len, 0);
	}
	return ib;
}

struct inbox *
inbox_ref(struct inbox *ib)
{
	atomic_fetch_add_explicit(&ib->refs, 1, memory_order_relaxed);
	return ib;
}

static void
drop_all(struct inbox *ib, struct inbox_msg *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		ib->drop(&v[i]);
}

void
inbox_unref(struct inbox *ib)
{
	size_t	i;

	if (ib == NULL ||
	    atomic_fetch_sub_explicit(&ib->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < INBOX_SHARDS; i++) {
		drop_all(ib, ib->sh[i].v, ib->sh[i].n);
		free(ib->sh[i].v);
		pthread_mutex_destroy(&ib->sh[i].mu);
	}
	pthread_cond_destroy(&ib->cv);
	pthread_mutex_destroy(&ib->wmu);
	free(ib);
}

void
inbox_wake(struct inbox *ib)
{
	pthread_mutex_lock(&ib->wmu);
	ib->kicked = true;
	pthread_cond_signal(&ib->cv);
	pthread_mutex_unlock(&ib->wmu);
}

/* Wakes the consumer, once per sleep. */
static void
signal_once(struct inbox *ib)
{
	if (atomic_exchange(&ib->signaled, true))
		return;
	pthread_mutex_lock(&ib->wmu);
	pthread_cond_signal(&ib->cv);
	pthread_mutex_unlock(&ib->wmu);
}

void
inbox_post(struct inbox *ib, unsigned shard, struct inbox_msg m, bool urgent)
{
	int			 sleeping;
	struct inbox_shard	*sh = &ib->sh[shard % INBOX_SHARDS];

	pthread_mutex_lock(&sh->mu);
	if (atomic_load(&ib->closed)) {
		pthread_mutex_unlock(&sh->mu);
		ib->drop(&m);
		return;
	}
	if (sh->n == sh->alloc) {
		sh->alloc = sh->alloc != 0 ? sh->alloc * 2 : 64;
		sh->v = xreallocarray(sh->v, sh->alloc, sizeof(*sh->v));
	}
	sh->v[sh->n++] = m;
	atomic_store(&sh->len, sh->n);
	pthread_mutex_unlock(&sh->mu);
	if (urgent)
		atomic_store(&ib->urgent, true);
	sleeping = atomic_load(&ib->sleeping);
	if (sleeping == INBOX_DEEP || (sleeping == INBOX_NAP && urgent))
		signal_once(ib);
}

void
inbox_close(struct inbox *ib)
{
	struct inbox_msg	*v;
	size_t			 i, n;

	atomic_store(&ib->closed, true);
	for (i = 0; i < INBOX_SHARDS; i++) {
		pthread_mutex_lock(&ib->sh[i].mu);
		v = ib->sh[i].v;
		n = ib->sh[i].n;
		ib->sh[i].v = NULL;
		ib->sh[i].n = ib->sh[i].alloc = 0;
		atomic_store(&ib->sh[i].len, 0);
		pthread_mutex_unlock(&ib->sh[i].mu);
		drop_all(ib, v, n);
		free(v);
	}
}

size_t
inbox_take(struct inbox *ib, unsigned shard, struct inbox_msg **v,
    size_t *alloc)
{
	struct inbox_shard	*sh = &ib->sh[shard % INBOX_SHARDS];
	struct inbox_msg	*mine = *v;
	size_t			 n, cap = *alloc;

	if (atomic_load(&sh->len) == 0)
		return 0;
	pthread_mutex_lock(&sh->mu);
	*v = sh->v;
	*alloc = sh->alloc;
	n = sh->n;
	sh->v = mine;
	sh->alloc = cap;
	sh->n = 0;
	atomic_store(&sh->len, 0);
	pthread_mutex_unlock(&sh->mu);
	return n;
}

bool
inbox_pending(struct inbox *ib)
{
	size_t	i;

	for (i = 0; i < INBOX_SHARDS; i++)
		if (atomic_load(&ib->sh[i].len) > 0)
			return true;
	return false;
}

size_t
inbox_len(struct inbox *ib)
{
	size_t	i, n = 0;

	for (i = 0; i < INBOX_SHARDS; i++)
		n += atomic_load(&ib->sh[i].len);
	return n;
}

/* Is the consumer's reason to stop sleeping there?  Under wmu. */
static bool
wait_done(struct inbox *ib, int mode)
{
	if (ib->kicked)
		return true;
	if (mode == INBOX_NAP)
		return atomic_load(&ib->urgent);
	return inbox_pending(ib);
}

static void
sleep_until(struct inbox *ib, int64_t until, int mode)
{
	struct timespec	ts;

	pthread_mutex_lock(&ib->wmu);
	atomic_store(&ib->signaled, false);
	atomic_store(&ib->sleeping, mode);
	while (!wait_done(ib, mode)) {
		if (until == INT64_MAX) {
			pthread_cond_wait(&ib->cv, &ib->wmu);
			continue;
		}
		if (ad_mono() >= until)
			break;
		ts.tv_sec = until / AD_SEC;
		ts.tv_nsec = until % AD_SEC;
		pthread_cond_timedwait(&ib->cv, &ib->wmu, &ts);
	}
	atomic_store(&ib->sleeping, INBOX_AWAKE);
	/* What was posted until now is taken next: urgent or not. */
	atomic_store(&ib->urgent, false);
	ib->kicked = false;
	pthread_mutex_unlock(&ib->wmu);
}

void
inbox_wait(struct inbox *ib, int64_t until)
{
	sleep_until(ib, until, INBOX_DEEP);
}

void
inbox_nap(struct inbox *ib, int64_t until)
{
	sleep_until(ib, until, INBOX_NAP);
}
