/*
 * Interned strings (see intern.h): INTERN_SHARDS chained hash tables,
 * each under its own mutex, keyed by (scope, bytes).
 *
 * Freeing is decided under the shard lock: unref drops a reference
 * without the lock while more than one is left, and takes the lock to
 * drop what may be the last one.  Lookups take their reference under the
 * same lock, so a string whose count reached zero under the lock is
 * unreachable, and one found under the lock is never being freed.
 */
#include "alertd/intern.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "alertd/pool.h"
#include "alertd/xmalloc.h"

#define INTERN_SHARDS	32		/* a power of two */
#define MIN_BUCKETS	64
#define CACHE_SLOTS	512		/* per thread, a power of two */

struct ishard {
	pthread_mutex_t	  lock;
	struct istr	**b;		/* chains */
	size_t		  nb;		/* 0 or a power of two */
	size_t		  n;
} __attribute__((aligned(64)));

static struct ishard	shards[INTERN_SHARDS];
static uint64_t		seed;
static atomic_size_t	count;
static pthread_once_t	once = PTHREAD_ONCE_INIT;
static pthread_key_t	cache_key;

/*
 * The per-thread cache of intern_peek: direct-mapped by hash, each slot
 * holding a reference.  What a run of peeks evicts is kept in `evicted`
 * until intern_peek_done, so that the strings it returned stay valid.
 */
struct icache {
	struct istr	*slot[CACHE_SLOTS];
	struct istr	**evicted;
	size_t		  n_evicted, alloc_evicted;
	unsigned	  sample;
};

static __thread struct icache *cache;

static void	cache_free(void *arg);

static void
intern_init(void)
{
	size_t	i;

	/* A per-process seed keeps chosen label values from colliding. */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)&seed ^ 0x2545f4914f6cdd1dULL;
	for (i = 0; i < INTERN_SHARDS; i++)
		pthread_mutex_init(&shards[i].lock, NULL);
	pthread_key_create(&cache_key, cache_free);
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

/* A fast 64-bit hash of (scope, bytes), eight bytes at a time. */
static uint64_t
hash_of(const struct istr *scope, const char *s, size_t len)
{
	uint64_t	h, w;

	h = seed ^ ((uint64_t)(uintptr_t)scope * 0x9e3779b97f4a7c15ULL) ^ len;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = mix(h ^ w) * 0xff51afd7ed558ccdULL;
	}
	w = 0;
	memcpy(&w, s, len);
	return mix(h ^ w ^ 0xc4ceb9fe1a85ec53ULL);
}

static struct ishard *
shard_of(uint32_t hash)
{
	return &shards[hash & (INTERN_SHARDS - 1)];
}

/* The bucket index: bits the shard choice did not use. */
static size_t
bucket_of(const struct ishard *sh, uint32_t hash)
{
	return (hash >> 5) & (sh->nb - 1);
}

static void
shard_grow(struct ishard *sh)
{
	struct istr	**old = sh->b, *p, *next;
	size_t		  oldnb = sh->nb, i, j;

	sh->nb = oldnb != 0 ? oldnb * 2 : MIN_BUCKETS;
	sh->b = xcalloc(sh->nb, sizeof(*sh->b));
	for (i = 0; i < oldnb; i++) {
		for (p = old[i]; p != NULL; p = next) {
			next = p->next;
			j = bucket_of(sh, p->hash);
			p->next = sh->b[j];
			sh->b[j] = p;
		}
	}
	free(old);
}

static struct istr *
shard_find(const struct ishard *sh, const struct istr *scope, uint32_t hash,
    const char *s, size_t len)
{
	struct istr	*p;

	if (sh->nb == 0)
		return NULL;
	for (p = sh->b[bucket_of(sh, hash)]; p != NULL; p = p->next)
		if (p->hash == hash && p->scope == scope && p->len == len &&
		    memcmp(p->s, s, len) == 0)
			return p;
	return NULL;
}

/* Under sh->lock: a new string (refs = 1) in scope, linked in. */
static struct istr *
shard_add(struct ishard *sh, struct istr *scope, uint32_t hash,
    const char *s, size_t len)
{
	struct istr	*p;
	size_t		 j;

	if (sh->n + 1 > sh->nb)
		shard_grow(sh);
	p = pool_get(sizeof(*p) + len + 1);
	atomic_init(&p->refs, 1);
	atomic_init(&p->n_values, 0);
	atomic_init(&p->added, 0);
	atomic_init(&p->found, 0);
	p->hash = hash;
	p->len = (uint32_t)len;
	p->scope = scope != NULL ? intern_ref(scope) : NULL;
	memcpy(p->s, s, len);
	p->s[len] = '\0';
	j = bucket_of(sh, hash);
	p->next = sh->b[j];
	sh->b[j] = p;
	sh->n++;
	if (scope != NULL) {
		atomic_fetch_add_explicit(&scope->n_values, 1,
		    memory_order_relaxed);
		atomic_fetch_add_explicit(&scope->added, 1,
		    memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
	return p;
}

/* The selective rule of intern.h: may scope take a new string? */
static bool
scope_takes(struct istr *scope, unsigned min)
{
	unsigned	n, added, found;

	n = atomic_load_explicit(&scope->n_values, memory_order_relaxed);
	if (n >= INTERN_SCOPE_MAX)
		return false;
	if (n < min)
		return true;
	added = atomic_load_explicit(&scope->added, memory_order_relaxed);
	found = atomic_load_explicit(&scope->found, memory_order_relaxed);
	return found >= added;
}

/*
 * A lookup found a string of scope.  Counted only while it matters (the
 * scope adds faster than it finds), so that the scope of a popular name
 * is read, not written, by every lookup.
 */
static void
scope_found(struct istr *scope)
{
	if (atomic_load_explicit(&scope->found, memory_order_relaxed) <
	    atomic_load_explicit(&scope->added, memory_order_relaxed))
		atomic_fetch_add_explicit(&scope->found, 1,
		    memory_order_relaxed);
}

static struct istr *
get_hashed(struct istr *scope, const char *s, size_t len, unsigned min,
    uint32_t hash)
{
	struct ishard	*sh;
	struct istr	*p;

	sh = shard_of(hash);
	pthread_mutex_lock(&sh->lock);
	p = shard_find(sh, scope, hash, s, len);
	if (p != NULL) {
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
		if (min > 0)
			scope_found(scope);
	} else if (min == 0 || scope_takes(scope, min))
		p = shard_add(sh, scope, hash, s, len);
	pthread_mutex_unlock(&sh->lock);
	return p;
}

struct istr *
intern_get(struct istr *scope, const char *s, size_t len, unsigned min)
{
	pthread_once(&once, intern_init);
	return get_hashed(scope, s, len, min,
	    (uint32_t)hash_of(scope, s, len));
}

struct istr *
intern_ref(struct istr *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}

/* Under sh->lock: unlinks p. */
static void
shard_unlink(struct ishard *sh, struct istr *p)
{
	struct istr	**pp = &sh->b[bucket_of(sh, p->hash)];

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	sh->n--;
}

void
intern_unref(struct istr *p)
{
	struct ishard	*sh;
	struct istr	*scope;
	unsigned	 r;
	bool		 last;

	if (p == NULL)
		return;
	r = atomic_load_explicit(&p->refs, memory_order_relaxed);
	while (r > 1)
		if (atomic_compare_exchange_weak_explicit(&p->refs, &r, r - 1,
		    memory_order_release, memory_order_relaxed))
			return;
	sh = shard_of(p->hash);
	pthread_mutex_lock(&sh->lock);
	last = atomic_fetch_sub_explicit(&p->refs, 1,
	    memory_order_acq_rel) == 1;
	if (last)
		shard_unlink(sh, p);
	pthread_mutex_unlock(&sh->lock);
	if (!last)
		return;
	scope = p->scope;
	if (scope != NULL)
		atomic_fetch_sub_explicit(&scope->n_values, 1,
		    memory_order_relaxed);
	atomic_fetch_sub_explicit(&count, 1, memory_order_relaxed);
	pool_put(p, sizeof(*p) + p->len + 1);
	intern_unref(scope);
}

size_t
intern_count(void)
{
	return atomic_load_explicit(&count, memory_order_relaxed);
}

/* ----------------------------------------------------- thread cache */

static void
cache_drop_evicted(struct icache *c)
{
	size_t	i;

	for (i = 0; i < c->n_evicted; i++)
		intern_unref(c->evicted[i]);
	c->n_evicted = 0;
}

static void
cache_empty(struct icache *c)
{
	size_t	i;

	cache_drop_evicted(c);
	for (i = 0; i < CACHE_SLOTS; i++) {
		intern_unref(c->slot[i]);
		c->slot[i] = NULL;
	}
}

/* Thread exit (pthread key destructor). */
static void
cache_free(void *arg)
{
	struct icache	*c = arg;

	cache_empty(c);
	free(c->evicted);
	free(c);
	cache = NULL;
}

static struct icache *
cache_get(void)
{
	if (cache == NULL) {
		cache = xcalloc(1, sizeof(*cache));
		pthread_setspecific(cache_key, cache);
	}
	return cache;
}

static void
cache_put(struct icache *c, size_t i, struct istr *p)
{
	if (c->slot[i] != NULL) {
		if (c->n_evicted == c->alloc_evicted) {
			c->alloc_evicted = c->alloc_evicted != 0 ?
			    c->alloc_evicted * 2 : 16;
			c->evicted = xreallocarray(c->evicted,
			    c->alloc_evicted, sizeof(*c->evicted));
		}
		c->evicted[c->n_evicted++] = c->slot[i];
	}
	c->slot[i] = p;
}

/*
 * The thread cache's slot for s: a cheap mix of its two ends, its length
 * and its scope (a slot is checked in full; two hot strings that share a
 * slot only cost lookups).
 */
static size_t
cache_index(const struct istr *scope, const char *s, size_t len)
{
	uint64_t	a = 0, b = 0, h;
	size_t		k;

	if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + len - 8, 8);
	} else {
		for (k = 0; k < len; k++)
			a = a << 8 | (unsigned char)s[k];
	}
	h = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)(uintptr_t)scope ^
	    len) * 0xff51afd7ed558ccdULL;
	return (size_t)(h >> 40) & (CACHE_SLOTS - 1);
}

struct istr *
intern_peek(struct istr *scope, const char *s, size_t len, unsigned min)
{
	struct icache	*c;
	struct istr	*p;
	size_t		 i;

	pthread_once(&once, intern_init);
	c = cache_get();
	i = cache_index(scope, s, len);
	p = c->slot[i];
	if (p != NULL && p->scope == scope && p->len == len &&
	    memcmp(p->s, s, len) == 0) {
		if (min > 0)
			scope_found(scope);
		return p;
	}
	/*
	 * A refusing scope (unique values): not worth a locked lookup per
	 * value.  One miss in 16 still asks, so that a scope whose values
	 * start to recur counts them found and resumes.
	 */
	if (min > 0 && !scope_takes(scope, min) && (++c->sample & 15) != 0)
		return NULL;
	p = intern_get(scope, s, len, min);
	if (p != NULL)
		cache_put(c, i, p);
	return p;
}

void
intern_peek_done(void)
{
	if (cache != NULL)
		cache_drop_evicted(cache);
}

void
intern_cache_clear(void)
{
	if (cache != NULL)
		cache_empty(cache);
}
