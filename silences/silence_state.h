/*
 * silence_state: the small key/value interface the silence store keeps
 * its durable state behind (STYLE.md: put, get, scan, on_change), so a
 * replicated backend (etcd) can replace the local file backend.
 *
 * Keys are silence IDs; values are opaque bytes (the store writes
 * silencepb.MeshSilence).  A NULL value deletes.  The store calls put()
 * under its own lock, in the order the changes were made; put() only
 * queues and returns a ticket.  sync(ticket) then blocks, without the
 * store lock, until every put up to that ticket is durable: the store
 * answers the API only after that.  Concurrent syncs share one flush
 * (group commit).  scan() replays the state at start-up: entries in write
 * order, a later entry for a key replacing an earlier one.  on_change()
 * registers a callback for changes made elsewhere (a replicated backend);
 * the file backend never calls it.  Compaction is two-phase:
 * compact_begin() under the store lock marks a cut (every put before it is
 * covered by the entries handed to compact_finish(), which runs without
 * the store lock and replaces everything before the cut).
 *
 * Thread: put/compact_begin from any thread holding the store's write
 * lock; sync/get/compact_finish from any thread; scan before concurrent
 * use.
 */
#ifndef ALERTD_SILENCES_SILENCE_STATE_H
#define ALERTD_SILENCES_SILENCE_STATE_H

#include <stddef.h>
#include <stdint.h>

struct ad_err;
struct buf;

/* Returns 0 to go on, -1 to stop the scan (scan then returns -1). */
typedef int	(*silence_state_scan_fn)(void *arg, const char *key,
		    const void *val, size_t len);
typedef void	(*silence_state_change_fn)(void *arg, const char *key,
		    const void *val, size_t len);

struct silence_state_kv {
	const char	*key;
	const void	*val;
	size_t		 len;
};

struct silence_state_ops {
	const char	*name;
	uint64_t	 (*put)(void *st, const char *key, const void *val,
			    size_t len);
	int		 (*sync)(void *st, uint64_t ticket, struct ad_err *err);
	/* 1 found (value appended to val), 0 not found, -1 error. */
	int		 (*get)(void *st, const char *key, struct buf *val,
			    struct ad_err *err);
	int		 (*scan)(void *st, silence_state_scan_fn fn, void *arg,
			    struct ad_err *err);
	void		 (*on_change)(void *st, silence_state_change_fn fn,
			    void *arg);
	uint64_t	 (*compact_begin)(void *st, struct ad_err *err);
	/* Returns the bytes written (snapshot size) or -1. */
	int64_t		 (*compact_finish)(void *st, uint64_t cut,
			    const struct silence_state_kv *kv, size_t n,
			    struct ad_err *err);
	void		 (*close)(void *st);
};

#endif
