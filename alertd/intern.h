/*
 * intern: process-wide interned strings, refcounted.
 *
 * A string is interned in a scope: another interned string, or NULL (the
 * root scope).  Label sets intern their names in the root scope and their
 * values in the scope of their name, so that the same bytes under two
 * names are two strings, and so that a scope can refuse new strings: a
 * label name whose values are mostly unique (instance, pod, a templated
 * summary) would only add overhead, so its callers keep them inline
 * instead (see labels.h).  The rule, per scope, for a caller's `min`:
 * the first `min` strings are taken; past that, a new string is taken
 * only while lookups have found existing strings of the scope at least
 * as often as new ones were added (values that recur), and never past
 * INTERN_SCOPE_MAX.  A scope that refuses keeps counting the lookups
 * that find a string, so a name whose values start to recur resumes.
 *
 * Lookups take one shard lock (the table is split by hash); ref and
 * unref are atomic and take the lock only for what may be the last
 * reference, so a string found under the lock is never freed under the
 * finder.  The same bytes in the same scope are always the same object.
 * Thread: any.  Under a shard lock only the pool (pool.h) and malloc
 * are called: both take only their own leaf locks.
 */
#ifndef ALERTD_ALERTD_INTERN_H
#define ALERTD_ALERTD_INTERN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INTERN_SCOPE_MAX	4096

struct istr {
	atomic_uint	 refs;
	uint32_t	 hash;
	uint32_t	 len;
	/* As a scope: */
	atomic_uint	 n_values;	/* live strings in it */
	atomic_uint	 added;		/* strings ever added */
	atomic_uint	 found;		/* lookups that found one (counted
					 * while added > found) */
	struct istr	*scope;		/* a reference; NULL: the root */
	struct istr	*next;		/* hash chain, under the shard lock */
	char		 s[];		/* len bytes and a NUL */
};

/*
 * A new reference to the interned copy of s[0..len) in scope (borrowed).
 * min > 0: NULL rather than a new string when the scope refuses it (the
 * rule above; scope must not be NULL then).
 */
struct istr	*intern_get(struct istr *scope, const char *s, size_t len,
		    unsigned min);
/* Another reference to a string the caller holds one of. */
struct istr	*intern_ref(struct istr *p);
void		 intern_unref(struct istr *p);		/* NULL is fine */

/*
 * intern_get through a per-thread cache, for hot paths: returns a
 * borrowed string (or NULL, as intern_get) that stays valid until the
 * thread calls intern_peek_done, with no lock and no atomic write when
 * the cache has it.  A scope that refuses new strings is asked about
 * one in 16 of the strings the cache lacks: the others are taken as new
 * (NULL), which saves a locked lookup per unique value.
 * The cache holds a reference to each string it keeps.
 */
struct istr	*intern_peek(struct istr *scope, const char *s, size_t len,
		    unsigned min);
/* Ends a run of intern_peek: drops what the cache evicted meanwhile. */
void		 intern_peek_done(void);
/* Empties the calling thread's cache (tests; thread exit does it). */
void		 intern_cache_clear(void);

/* The interned string whose bytes s is (s from an istr's s[]). */
static inline struct istr *
intern_of(const char *s)
{
	return (struct istr *)(void *)(s - offsetof(struct istr, s));
}

/* How many strings are interned now (tests, metrics). */
size_t		 intern_count(void);

#endif
