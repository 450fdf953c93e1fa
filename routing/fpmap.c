/*
 * Fingerprint -> pointer map (see fpmap.h).  Fingerprints are FNV-1a
 * hashes whose low bits are weak for short inputs, so the slot comes from
 * a Fibonacci multiply of the whole key.  Load factor at most 1/2.
 */
#include "routing/fpmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/xmalloc.h"

#define FPMAP_MIN	16

static inline size_t
slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

void
fpmap_init(struct fpmap *m)
{
	m->s = NULL;
	m->cap = 0;
	m->n = 0;
}

void
fpmap_release(struct fpmap *m)
{
	free(m->s);
	fpmap_init(m);
}

void *
fpmap_get(const struct fpmap *m, uint64_t key)
{
	size_t	i;

	if (m->n == 0)
		return NULL;
	for (i = slot_of(key, m->cap); m->s[i].val != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (m->s[i].key == key)
			return m->s[i].val;
	return NULL;
}

static void
grow(struct fpmap *m)
{
	struct fpmap_slot	*old = m->s;
	size_t			 oldcap = m->cap, i, j;

	m->cap = oldcap != 0 ? oldcap * 2 : FPMAP_MIN;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	for (i = 0; i < oldcap; i++) {
		if (old[i].val == NULL)
			continue;
		j = slot_of(old[i].key, m->cap);
		while (m->s[j].val != NULL)
			j = (j + 1) & (m->cap - 1);
		m->s[j] = old[i];
	}
	free(old);
}

void *
fpmap_put(struct fpmap *m, uint64_t key, void *val)
{
	void	*prev;
	size_t	 i;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	for (i = slot_of(key, m->cap); m->s[i].val != NULL;
	    i = (i + 1) & (m->cap - 1)) {
		if (m->s[i].key == key) {
			prev = m->s[i].val;
			m->s[i].val = val;
			return prev;
		}
	}
	m->s[i].key = key;
	m->s[i].val = val;
	m->n++;
	return NULL;
}

/* Is slot i's home h "cyclically" in (hole, i]?  Then it must stay. */
static bool
stays(size_t hole, size_t i, size_t h)
{
	if (hole <= i)
		return hole < h && h <= i;
	return hole < h || h <= i;
}

void *
fpmap_del(struct fpmap *m, uint64_t key)
{
	void	*val;
	size_t	 i, hole, mask = m->cap - 1;

	if (m->n == 0)
		return NULL;
	for (i = slot_of(key, m->cap); m->s[i].val != NULL; i = (i + 1) & mask)
		if (m->s[i].key == key)
			break;
	if (m->s[i].val == NULL)
		return NULL;
	val = m->s[i].val;
	hole = i;
	for (i = (hole + 1) & mask; m->s[i].val != NULL; i = (i + 1) & mask) {
		if (stays(hole, i, slot_of(m->s[i].key, m->cap)))
			continue;
		m->s[hole] = m->s[i];
		hole = i;
	}
	m->s[hole].val = NULL;
	m->n--;
	return val;
}

/* ------------------------------------------------------------ fpset */

#define SET_PTR_BITS	48
#define SET_PTR_MASK	((UINT64_C(1) << SET_PTR_BITS) - 1)

static inline uint64_t
set_key(const struct fpset *m, uint64_t v)
{
	uint64_t	key;

	memcpy(&key, (const char *)(uintptr_t)(v & SET_PTR_MASK) +
	    m->key_off, sizeof(key));
	return key;
}

static inline uint64_t
set_tag(uint64_t key)
{
	return key & ~SET_PTR_MASK;
}

void
fpset_init(struct fpset *m, size_t key_off)
{
	m->s = NULL;
	m->cap = 0;
	m->n = 0;
	m->key_off = key_off;
}

void
fpset_release(struct fpset *m)
{
	free(m->s);
	fpset_init(m, m->key_off);
}

/* The slot of key, or the free slot where it would go. */
static size_t
set_find(const struct fpset *m, uint64_t key)
{
	size_t	i;

	for (i = slot_of(key, m->cap); m->s[i] != 0;
	    i = (i + 1) & (m->cap - 1))
		if ((m->s[i] & ~SET_PTR_MASK) == set_tag(key) &&
		    set_key(m, m->s[i]) == key)
			break;
	return i;
}

void *
fpset_get(const struct fpset *m, uint64_t key)
{
	size_t	i;

	if (m->n == 0)
		return NULL;
	i = set_find(m, key);
	return m->s[i] != 0 ? fpset_val(m, i) : NULL;
}

static void
set_grow(struct fpset *m)
{
	uint64_t	*old = m->s;
	size_t		 oldcap = m->cap, i;

	m->cap = oldcap != 0 ? oldcap * 2 : FPMAP_MIN;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			m->s[set_find(m, set_key(m, old[i]))] = old[i];
	free(old);
}

void *
fpset_put(struct fpset *m, void *val)
{
	uint64_t	 key, v = (uint64_t)(uintptr_t)val;
	void		*prev = NULL;
	size_t		 i;

	if ((v & ~SET_PTR_MASK) != 0)
		abort();		/* not an x86-64 user address */
	if ((m->n + 1) * 5 > m->cap * 4)
		set_grow(m);
	memcpy(&key, (const char *)val + m->key_off, sizeof(key));
	i = set_find(m, key);
	if (m->s[i] != 0)
		prev = fpset_val(m, i);
	else
		m->n++;
	m->s[i] = v | set_tag(key);
	return prev;
}

void *
fpset_del(struct fpset *m, uint64_t key)
{
	void	*val;
	size_t	 i, hole, mask = m->cap - 1;

	if (m->n == 0)
		return NULL;
	i = set_find(m, key);
	if (m->s[i] == 0)
		return NULL;
	val = fpset_val(m, i);
	hole = i;
	for (i = (hole + 1) & mask; m->s[i] != 0; i = (i + 1) & mask) {
		if (stays(hole, i, slot_of(set_key(m, m->s[i]), m->cap)))
			continue;
		m->s[hole] = m->s[i];
		hole = i;
	}
	m->s[hole] = 0;
	m->n--;
	return val;
}
