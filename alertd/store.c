/*
 * The alert store: provider/mem's Put (merge on overlapping activity
 * ranges), GetPending, Subscribe and store.Alerts' GC, over a sharded
 * open-addressing hash map keyed by fingerprint (see store.h).
 *
 * Each shard is a linear-probing table of {fingerprint, alert} slots
 * with backward-shift deletion, grown at 70% load.  The shard comes from
 * the top bits of the fingerprint, the slot from the low bits.
 */
#include "alertd/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alert_sort.h"
#include "alertd/xmalloc.h"

#define SHARD_BITS	6		/* 1 << SHARD_BITS == STORE_SHARDS */
#define MIN_SLOTS	64

/* The fingerprint is kept next to the pointer: probes touch one line. */
struct slot {
	uint64_t	 fp;
	struct alert	*a;		/* NULL: empty */
};

struct shard {
	pthread_mutex_t	  lock;
	struct slot	 *slots;
	size_t		  cap;		/* power of two */
	size_t		  n;
} __attribute__((aligned(64)));

struct sub {
	int		 id;
	store_put_fn	 fn;
	void		*arg;
};

struct gc_cb {
	store_gc_fn	 fn;
	void		*arg;
};

struct store {
	struct shard	 shards[STORE_SHARDS];
	/* Written with every shard lock held; read under any one. */
	struct sub	*subs;
	size_t		 n_subs;
	int		 next_id;
	struct gc_cb	*gcs;
	size_t		 n_gcs;
	atomic_size_t	 count;
};

_Static_assert((1 << SHARD_BITS) == STORE_SHARDS, "shard bits");

static struct shard *
shard_of(struct store *s, uint64_t fp)
{
	return &s->shards[fp >> (64 - SHARD_BITS)];
}

static size_t
slot_home(const struct shard *sh, uint64_t fp)
{
	return (size_t)fp & (sh->cap - 1);
}

/* The slot holding fp, or the empty slot where it would go. */
static size_t
slot_find(const struct shard *sh, uint64_t fp)
{
	size_t	i = slot_home(sh, fp);

	while (sh->slots[i].a != NULL && sh->slots[i].fp != fp)
		i = (i + 1) & (sh->cap - 1);
	return i;
}

static void
shard_grow(struct shard *sh)
{
	struct slot	*old = sh->slots;
	size_t		 oldcap = sh->cap, i;

	sh->cap = oldcap ? oldcap * 2 : MIN_SLOTS;
	sh->slots = xcalloc(sh->cap, sizeof(*sh->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].a != NULL)
			sh->slots[slot_find(sh, old[i].fp)] = old[i];
	free(old);
}

/* Backward-shift deletion: no tombstones, probe chains stay short. */
static void
slot_delete(struct shard *sh, size_t i)
{
	size_t	mask = sh->cap - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (sh->slots[j].a == NULL)
			break;
		k = slot_home(sh, sh->slots[j].fp);
		/* Move j back to i unless its home is cyclically in (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		sh->slots[i] = sh->slots[j];
		i = j;
	}
	sh->slots[i].a = NULL;
	sh->n--;
}

struct store *
store_new(void)
{
	struct store	*s;
	size_t		 i;

	s = xcalloc(1, sizeof(*s));
	for (i = 0; i < STORE_SHARDS; i++)
		pthread_mutex_init(&s->shards[i].lock, NULL);
	atomic_init(&s->count, 0);
	return s;
}

void
store_free(struct store *s)
{
	struct shard	*sh;
	size_t		 i, j;

	if (s == NULL)
		return;
	for (i = 0; i < STORE_SHARDS; i++) {
		sh = &s->shards[i];
		for (j = 0; j < sh->cap; j++)
			alert_unref(sh->slots[j].a);
		free(sh->slots);
		pthread_mutex_destroy(&sh->lock);
	}
	free(s->subs);
	free(s->gcs);
	free(s);
}

static void
notify_subs(struct store *s, struct alert *a, bool existing)
{
	size_t	i;

	for (i = 0; i < s->n_subs; i++)
		s->subs[i].fn(s->subs[i].arg, a, existing);
}

/* Under sh->lock; returns the alert that was replaced (to unref). */
static struct alert *
shard_put(struct store *s, struct shard *sh, struct alert *a)
{
	struct alert	*old, *merged;
	size_t		 i;

	if (sh->n + 1 > sh->cap * 7 / 10)
		shard_grow(sh);
	i = slot_find(sh, a->fp);
	old = sh->slots[i].a;
	if (old != NULL && alert_overlaps(old, a)) {
		merged = alert_merge(old, a);
		alert_unref(a);
		a = merged;
	}
	sh->slots[i].fp = a->fp;
	sh->slots[i].a = a;
	if (old == NULL) {
		sh->n++;
		atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	}
	notify_subs(s, a, old != NULL);
	return old;
}

void
store_put(struct store *s, struct alert *a)
{
	struct shard	*sh = shard_of(s, a->fp);
	struct alert	*old;

	pthread_mutex_lock(&sh->lock);
	old = shard_put(s, sh, a);
	pthread_mutex_unlock(&sh->lock);
	alert_unref(old);
}

void
store_put_many(struct store *s, struct alert **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		store_put(s, v[i]);
}

struct alert *
store_get(struct store *s, uint64_t fp)
{
	struct shard	*sh = shard_of(s, fp);
	struct alert	*a = NULL;
	size_t		 i;

	pthread_mutex_lock(&sh->lock);
	if (sh->cap > 0) {
		i = slot_find(sh, fp);
		if (sh->slots[i].a != NULL)
			a = alert_ref(sh->slots[i].a);
	}
	pthread_mutex_unlock(&sh->lock);
	return a;
}

size_t
store_list(struct store *s, struct alert ***out)
{
	struct alert	**v = NULL;
	struct shard	 *sh;
	size_t		  n = 0, alloc = 0, i, j;

	for (i = 0; i < STORE_SHARDS; i++) {
		sh = &s->shards[i];
		pthread_mutex_lock(&sh->lock);
		if (n + sh->n > alloc) {
			alloc = (n + sh->n) * 2;
			v = xreallocarray(v, alloc, sizeof(*v));
		}
		for (j = 0; j < sh->cap; j++)
			if (sh->slots[j].a != NULL)
				v[n++] = alert_ref(sh->slots[j].a);
		pthread_mutex_unlock(&sh->lock);
	}
	alert_sort_fp(v, n);
	*out = v;
	return n;
}

void
store_list_free(struct alert **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		alert_unref(v[i]);
	free(v);
}

size_t
store_count(struct store *s)
{
	return atomic_load_explicit(&s->count, memory_order_relaxed);
}

static void
lock_all(struct store *s)
{
	size_t	i;

	for (i = 0; i < STORE_SHARDS; i++)
		pthread_mutex_lock(&s->shards[i].lock);
}

static void
unlock_all(struct store *s)
{
	size_t	i;

	for (i = STORE_SHARDS; i > 0; i--)
		pthread_mutex_unlock(&s->shards[i - 1].lock);
}

int
store_subscribe(struct store *s, store_put_fn fn, void *arg, bool replay)
{
	struct shard	*sh;
	size_t		 i, j;
	int		 id;

	lock_all(s);
	s->subs = xreallocarray(s->subs, s->n_subs + 1, sizeof(*s->subs));
	id = ++s->next_id;
	s->subs[s->n_subs++] = (struct sub){ id, fn, arg };
	for (i = 0; replay && i < STORE_SHARDS; i++) {
		sh = &s->shards[i];
		for (j = 0; j < sh->cap; j++)
			if (sh->slots[j].a != NULL)
				fn(arg, sh->slots[j].a, false);
	}
	unlock_all(s);
	return id;
}

void
store_unsubscribe(struct store *s, int id)
{
	size_t	i;

	lock_all(s);
	for (i = 0; i < s->n_subs; i++) {
		if (s->subs[i].id != id)
			continue;
		memmove(&s->subs[i], &s->subs[i + 1],
		    (s->n_subs - i - 1) * sizeof(*s->subs));
		s->n_subs--;
		break;
	}
	unlock_all(s);
}

void
store_on_gc(struct store *s, store_gc_fn fn, void *arg)
{
	lock_all(s);
	s->gcs = xreallocarray(s->gcs, s->n_gcs + 1, sizeof(*s->gcs));
	s->gcs[s->n_gcs++] = (struct gc_cb){ fn, arg };
	unlock_all(s);
}

/* Under sh->lock: moves the resolved alerts of sh into *v. */
static size_t
shard_collect(struct shard *sh, ad_time_t now, struct alert ***v)
{
	size_t	i, n = 0;

	*v = NULL;
	for (i = 0; i < sh->cap; i++)
		if (sh->slots[i].a != NULL &&
		    alert_resolved_at(sh->slots[i].a, now))
			n++;
	if (n == 0)
		return 0;
	*v = xreallocarray(NULL, n, sizeof(**v));
	n = 0;
	for (i = 0; i < sh->cap; i++)
		if (sh->slots[i].a != NULL &&
		    alert_resolved_at(sh->slots[i].a, now))
			(*v)[n++] = sh->slots[i].a;
	for (i = 0; i < n; i++)
		slot_delete(sh, slot_find(sh, (*v)[i]->fp));
	return n;
}

size_t
store_gc(struct store *s, ad_time_t now)
{
	struct shard	 *sh;
	struct alert	**v;
	size_t		  i, j, n, total = 0;

	for (i = 0; i < STORE_SHARDS; i++) {
		sh = &s->shards[i];
		pthread_mutex_lock(&sh->lock);
		n = shard_collect(sh, now, &v);
		for (j = 0; n > 0 && j < s->n_gcs; j++)
			s->gcs[j].fn(s->gcs[j].arg, v, n);
		pthread_mutex_unlock(&sh->lock);
		atomic_fetch_sub_explicit(&s->count, n, memory_order_relaxed);
		store_list_free(v, n);
		total += n;
	}
	return total;
}
