/*
 * The block pool (see pool.h).  A slab is POOL_SLAB bytes, aligned to its
 * size, and starts with its header; its blocks are handed out first from
 * the untouched tail (fresh), then from its free list.  A class keeps
 * the slabs that have room on a list; a full slab is off it.
 */
#include "alertd/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "alertd/log.h"
#include "alertd/xmalloc.h"

#define POOL_SLAB	(16 * 1024)
#define POOL_REGION	(1024 * 1024)
#define POOL_CLASSES	(POOL_MAX / 8)
#define SPARE_SLABS	8		/* empty slabs kept resident */

struct pclass;

struct pslab {
	struct pclass	*cls;		/* NULL: on the free-slab list */
	struct pslab	*prev, *next;	/* the class's list of slabs with room */
	void		*free;		/* freed blocks, linked */
	char		*fresh;		/* never handed out from here on */
	char		*end;
	uint32_t	 used;
	bool		 listed;	/* on the class's list */
};

struct pclass {
	pthread_mutex_t	 lock;
	size_t		 size;
	struct pslab	*avail;		/* slabs with room */
} __attribute__((aligned(64)));

static struct pclass	classes[POOL_CLASSES];
static pthread_once_t	once = PTHREAD_ONCE_INIT;
static pthread_mutex_t	slabs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pslab	*free_slabs;	/* linked through next */
static size_t		 n_free_slabs, n_resident_free;
static char		*region, *region_end;	/* carving slabs from here */
static atomic_size_t	 slab_bytes;

#define HEAD_SIZE	((sizeof(struct pslab) + 63) & ~(size_t)63)

static void
pool_init(void)
{
	size_t	i;

	for (i = 0; i < POOL_CLASSES; i++) {
		pthread_mutex_init(&classes[i].lock, NULL);
		classes[i].size = (i + 1) * 8;
	}
}

/* A new region's slabs start at its first slab-aligned address. */
static void
region_new(void)
{
	char	*p;

	p = mmap(NULL, POOL_REGION + POOL_SLAB, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		log_error("pool: cannot map %d bytes", POOL_REGION);
		abort();
	}
	region = (char *)(((uintptr_t)p + POOL_SLAB - 1) &
	    ~(uintptr_t)(POOL_SLAB - 1));
	region_end = region + POOL_REGION;
}

static struct pslab *
slab_get(struct pclass *cls)
{
	struct pslab	*s;

	pthread_mutex_lock(&slabs_lock);
	if (free_slabs != NULL) {
		s = free_slabs;
		free_slabs = s->next;
		n_free_slabs--;
		if (n_resident_free > n_free_slabs)
			n_resident_free = n_free_slabs;
	} else {
		if (region == NULL || region == region_end)
			region_new();
		s = (struct pslab *)(void *)region;
		region += POOL_SLAB;
	}
	pthread_mutex_unlock(&slabs_lock);
	atomic_fetch_add_explicit(&slab_bytes, POOL_SLAB,
	    memory_order_relaxed);
	s->cls = cls;
	s->prev = s->next = NULL;
	s->free = NULL;
	s->fresh = (char *)s + HEAD_SIZE;
	s->end = (char *)s + POOL_SLAB;
	s->used = 0;
	s->listed = false;
	return s;
}

/* An empty slab goes back; past SPARE_SLABS its pages go too. */
static void
slab_put(struct pslab *s)
{
	bool	release;

	atomic_fetch_sub_explicit(&slab_bytes, POOL_SLAB,
	    memory_order_relaxed);
	pthread_mutex_lock(&slabs_lock);
	release = n_resident_free >= SPARE_SLABS;
	if (!release)
		n_resident_free++;
	/*
	 * The header stays: only the blocks' pages go (not the first).
	 * Before the slab is on the list: once there, slab_get may hand it
	 * out, and pages dropped after that would read back as zeros under
	 * their new owner.
	 */
	if (release)
		madvise((char *)s + 4096, POOL_SLAB - 4096, MADV_DONTNEED);
	s->cls = NULL;
	s->next = free_slabs;
	free_slabs = s;
	n_free_slabs++;
	pthread_mutex_unlock(&slabs_lock);
}

static void
list_add(struct pclass *cls, struct pslab *s)
{
	s->prev = NULL;
	s->next = cls->avail;
	if (cls->avail != NULL)
		cls->avail->prev = s;
	cls->avail = s;
	s->listed = true;
}

static void
list_del(struct pclass *cls, struct pslab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		cls->avail = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	s->listed = false;
}

static bool
slab_full(const struct pslab *s, size_t size)
{
	return s->free == NULL && s->fresh + size > s->end;
}

void *
pool_alloc(size_t size)
{
	struct pclass	*cls;
	struct pslab	*s;
	void		*p;

	if (size == 0 || size > POOL_MAX)
		abort();
	pthread_once(&once, pool_init);
	cls = &classes[(size - 1) / 8];
	pthread_mutex_lock(&cls->lock);
	s = cls->avail;
	if (s == NULL) {
		s = slab_get(cls);
		list_add(cls, s);
	}
	if (s->free != NULL) {
		p = s->free;
		s->free = *(void **)p;
	} else {
		p = s->fresh;
		s->fresh += cls->size;
	}
	s->used++;
	if (slab_full(s, cls->size))
		list_del(cls, s);
	pthread_mutex_unlock(&cls->lock);
	return p;
}

void
pool_free(void *p)
{
	struct pslab	*s;
	struct pclass	*cls;

	if (p == NULL)
		return;
	s = (struct pslab *)((uintptr_t)p & ~(uintptr_t)(POOL_SLAB - 1));
	cls = s->cls;
	pthread_mutex_lock(&cls->lock);
	*(void **)p = s->free;
	s->free = p;
	s->used--;
	if (s->used == 0) {
		if (s->listed)
			list_del(cls, s);
		pthread_mutex_unlock(&cls->lock);
		slab_put(s);
		return;
	}
	if (!s->listed)
		list_add(cls, s);
	pthread_mutex_unlock(&cls->lock);
}

void *
pool_get(size_t size)
{
	return size > 0 && size <= POOL_MAX ? pool_alloc(size) : xmalloc(size);
}

void
pool_put(void *p, size_t size)
{
	if (size > 0 && size <= POOL_MAX)
		pool_free(p);
	else
		free(p);
}

size_t
pool_slab_bytes(void)
{
	return atomic_load_explicit(&slab_bytes, memory_order_relaxed);
}
