/*
 * fpmap: a hash map from a 64-bit fingerprint to a pointer.
 *
 * Alertmanager keys its alert sets by model.Fingerprint everywhere (an
 * aggregation group's alerts, the dispatcher's groups per route, the
 * inhibitor's source cache); this is that map.  Open addressing with
 * linear probing and backward-shift deletion, so there are no tombstones
 * and a lookup touches one or two cache lines.  Values must not be NULL
 * (NULL marks a free slot).  The map does not own its values.
 *
 * Iteration: for (i = 0; i < fpmap_cap(m); i++) if (fpmap_val(m, i)) ...
 * and do not insert or delete while iterating (collect, then delete).
 *
 * Not thread-safe: the owner serializes.  Thread: the owner's.
 */
#ifndef ALERTD_ROUTING_FPMAP_H
#define ALERTD_ROUTING_FPMAP_H

#include <stddef.h>
#include <stdint.h>

struct fpmap_slot {
	uint64_t	 key;
	void		*val;		/* NULL: free */
};

struct fpmap {
	struct fpmap_slot *s;
	size_t		 cap;		/* 0 or a power of two */
	size_t		 n;
};

void	 fpmap_init(struct fpmap *m);
void	 fpmap_release(struct fpmap *m);	/* values are not freed */
void	*fpmap_get(const struct fpmap *m, uint64_t key);
/* Sets key to val (not NULL); returns the previous value or NULL. */
void	*fpmap_put(struct fpmap *m, uint64_t key, void *val);
/* Removes key; returns its value or NULL. */
void	*fpmap_del(struct fpmap *m, uint64_t key);
static inline size_t
fpmap_len(const struct fpmap *m)
{
	return m->n;
}
static inline size_t
fpmap_cap(const struct fpmap *m)
{
	return m->cap;
}
static inline void *
fpmap_val(const struct fpmap *m, size_t i)
{
	return m->s[i].val;
}

/*
 * fpset: a set of objects keyed by a 64-bit fingerprint that each object
 * holds (at key_off bytes from its start): an aggregation group's alerts.
 * A slot is 8 bytes, the object's address and 16 bits of its key (x86-64
 * user addresses fit 48 bits), so a set costs a third of an fpmap, and a
 * probe dereferences only the objects whose tag matches.  Load factor at
 * most 4/5.  Same rules as fpmap otherwise.
 */
struct fpset {
	uint64_t	*s;		/* 0: free */
	size_t		 cap;		/* 0 or a power of two */
	size_t		 n;
	size_t		 key_off;
};

void	 fpset_init(struct fpset *m, size_t key_off);
void	 fpset_release(struct fpset *m);	/* the objects are not freed */
void	*fpset_get(const struct fpset *m, uint64_t key);
/* Adds val (not NULL), replacing the object of the same key: returned. */
void	*fpset_put(struct fpset *m, void *val);
/* Removes the object of key; returns it or NULL. */
void	*fpset_del(struct fpset *m, uint64_t key);
static inline size_t
fpset_len(const struct fpset *m)
{
	return m->n;
}
static inline size_t
fpset_cap(const struct fpset *m)
{
	return m->cap;
}
static inline void *
fpset_val(const struct fpset *m, size_t i)
{
	return (void *)(uintptr_t)(m->s[i] & ((UINT64_C(1) << 48) - 1));
}

#endif
