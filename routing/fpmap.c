/*
 * Fingerprint -> pointer map (see fpmap.h).  Fingerprints are FNV-1a
 * hashes whose low bits are weak for short inputs, so the slot comes from
 * a Fibonacci multiply of the whole key.  Load factor at most 1/2.
 */
#include "routing/fpmap.h"

#include <stdbool.h>
#include <stdlib.h>

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
