/*
 * store: the alert store (Alertmanager's provider/mem over store.Alerts).
 *
 * Alerts are kept by fingerprint in a hash map split into STORE_SHARDS
 * shards, each with its own mutex, so concurrent posts and reads of
 * different alerts do not contend; there is no global lock on the put
 * path.  A put merges with the stored alert of the same fingerprint by
 * provider/mem's rule (alert_overlaps, then alert_merge) atomically under
 * the shard lock (Alertmanager's Get-then-Set is not atomic; here two
 * concurrent posts of one alert cannot lose a merge).
 *
 * Subscribers (the dispatcher, the inhibitor) are called for every put
 * with the alert as stored, in store order per fingerprint, while the
 * shard lock is held: a callback must not block and must not call back
 * into the store; it takes a reference and queues.  GC callbacks are
 * called the same way with the alerts that GC removed.
 *
 * Stored alerts are immutable (alert.h); readers get references.
 * Thread: any.  Lock order: see alertd/alertd.h (shard locks are level 2).
 */
#ifndef ALERTD_ALERTD_STORE_H
#define ALERTD_ALERTD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct alert;
struct store;

#define STORE_SHARDS	64

/*
 * Called for each stored alert (borrowed: alert_ref it to keep it).
 * existing: an alert of this fingerprint was stored before the put
 * (provider/mem's PostStore flag).  Under a shard lock: never block.
 */
typedef void	(*store_put_fn)(void *arg, struct alert *a, bool existing);
/* Called with alerts removed by GC (borrowed), under a shard lock. */
typedef void	(*store_gc_fn)(void *arg, struct alert *const *a, size_t n);

struct store	*store_new(void);
void		 store_free(struct store *s);		/* NULL is fine */

/*
 * Takes ownership of a (one reference), also when it is merged away.
 * Merges with the stored alert of the same fingerprint when their
 * activity ranges overlap, else replaces it; notifies subscribers.
 */
void		 store_put(struct store *s, struct alert *a);
/* Several alerts, in order; takes ownership of each. */
void		 store_put_many(struct store *s, struct alert **v, size_t n);

/* A new reference to the alert with fingerprint fp, or NULL. */
struct alert	*store_get(struct store *s, uint64_t fp);
/*
 * A snapshot of every stored alert, sorted by fingerprint (the order of
 * GET /api/v2/alerts).  *out is a new array of new references: release
 * it with store_list_free.  Returns the count.
 */
size_t		 store_list(struct store *s, struct alert ***out);
void		 store_list_free(struct alert **v, size_t n);
size_t		 store_count(struct store *s);
/*
 * How many times store_put or store_put_many was called: a generation
 * that changes whenever anything was put (the heap trim's "quiet" test).
 */
uint64_t	 store_puts(struct store *s);

/*
 * Registers fn; with replay, fn is first called for every stored alert
 * (provider/mem's Subscribe hands over the current alerts first), with
 * no put in between.  Returns an id for store_unsubscribe.  Thread: any,
 * but not from a store callback.
 */
int		 store_subscribe(struct store *s, store_put_fn fn, void *arg,
		    bool replay);
void		 store_unsubscribe(struct store *s, int id);
/* Registers a GC callback (startup). */
void		 store_on_gc(struct store *s, store_gc_fn fn, void *arg);

/*
 * Removes every alert resolved at now (alert_resolved_at) and calls the
 * GC callbacks with them.  Returns how many were removed.  Run every
 * --alerts.gc-interval.
 */
size_t		 store_gc(struct store *s, ad_time_t now);

#endif
