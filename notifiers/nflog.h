/*
 * nflog: the notification log (Alertmanager's nflog package): for each
 * (group key, receiver, integration, index) the hashes of the firing and
 * resolved alerts of the last successful notification and when it
 * happened, so that the pipeline's dedup stage sends only what changed.
 *
 * Keys are Alertmanager's: "<group key>:<receiver>/<integration>/<idx>".
 * An entry expires at ts + min(retention, 2 * repeat_interval) (nflog.Log)
 * and is dropped at the next maintenance; until then nflog_get still
 * returns it, as Alertmanager's Query does.  A put for a key is ignored
 * when the stored entry is newer (merge by timestamp).
 *
 * Durability.  With a directory (--storage.path), a put is appended to
 * <dir>/nflog.alertd and fdatasync'ed by the nflog thread before it
 * becomes visible to nflog_get and before its callback runs: once the
 * pipeline reports a notification as done, a kill -9 cannot make alertd
 * send it again before repeat_interval.  Puts queued together share one
 * write and one fdatasync (group commit).  Maintenance (every
 * maintenance_interval, when the file outgrows its last compaction by
 * 64 MiB, and at nflog_close) drops expired entries and rewrites the
 * file atomically (write, fsync, rename, fsync the directory).
 *
 * The file: "ALERTD-NFLOG\0\0\0\1", then records of u32le length, u32le
 * CRC-32C of the payload, and the payload, an nflogpb.MeshEntry in
 * protobuf, with field 15 for the record's kind (an entry, an intent, a
 * tombstone).  Replayed in order: the last record of a key wins.  At open, records are read up to the first torn or corrupt
 * one; the valid prefix is kept, what was dropped is logged, the damaged
 * file is kept as nflog.alertd.corrupt and a clean one is written.
 *
 * When the directory has no nflog.alertd but Alertmanager's own `nflog`
 * snapshot (varint-delimited MeshEntry), that is imported once: group
 * keys and alert hashes are the same as Alertmanager's, so an upgrade
 * does not re-send anything.
 *
 * The state interface is put / get / scan (plus maintenance), so that a
 * replicated backend can replace the local file later; the pipeline uses
 * nothing else.
 *
 * Thread: every function may be called from any thread, except that
 * nflog_close must be the last call.  Put callbacks run on the nflog
 * thread (or, for a memory-only log, inside nflog_put).
 */
#ifndef ALERTD_NOTIFIERS_NFLOG_H
#define ALERTD_NOTIFIERS_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_err;
struct buf;
struct nflog;

struct nflog_receiver {
	const char	*group_name;	/* the receiver's name */
	const char	*integration;	/* "webhook" */
	uint32_t	 idx;		/* index in its *_configs list */
};

/* An entry as nflogpb.MeshEntry holds it; hash arrays sorted. */
struct nflog_entry {
	char		*group_key;
	char		*group_name, *integration;
	uint32_t	 idx;
	ad_time_t	 ts, expires_at;
	uint64_t	*firing, *resolved;
	size_t		 n_firing, n_resolved;
	size_t		 alloc_firing, alloc_resolved;	/* private */
};

void	nflog_entry_init(struct nflog_entry *e);
void	nflog_entry_release(struct nflog_entry *e);

struct nflog_opts {
	const char	*dir;		/* NULL: in memory only */
	ad_dur_t	 retention;	/* --data.retention; 0: 120h */
	ad_dur_t	 maintenance_interval;	/* 0: 15m; <0: never */
	ad_time_t	 (*now)(void);	/* NULL: ad_now (tests pass a clock) */
};

/*
 * Opens (creating dir's file when missing), loads, imports Alertmanager's
 * snapshot when there is no state of our own, writes a clean file and
 * starts the nflog thread.  Expired entries stay until the first
 * maintenance, as Alertmanager's loaded snapshot does.  NULL with err on an
 * I/O error (the directory is missing or unwritable).
 */
struct nflog	*nflog_open(const struct nflog_opts *opts, struct ad_err *err);
/* Runs every pending put and its callback, compacts, stops, frees. */
void		 nflog_close(struct nflog *nf);		/* NULL is fine */

/*
 * Copies the entry for the key into *out (its arrays reused) and returns
 * 0, or returns -1 when there is none (counted as a query error, as
 * Alertmanager's ErrNotFound is).
 */
int		 nflog_get(struct nflog *nf, const char *group_key,
		    const struct nflog_receiver *r, struct nflog_entry *out);

/*
 * nflog.Log: records a notification at now() with the given hashes
 * (copied; any order) expiring after min(retention, expiry) (expiry <= 0:
 * retention).  cb(arg, 0) runs once the entry is on disk and visible;
 * cb(arg, -1) when the write failed (the entry is then kept in memory
 * only, and logged).  cb may be NULL.
 */
typedef void	(*nflog_put_cb)(void *arg, int rc);
void		 nflog_put(struct nflog *nf, const char *group_key,
		    const struct nflog_receiver *r, const uint64_t *firing,
		    size_t n_firing, const uint64_t *resolved,
		    size_t n_resolved, ad_dur_t expiry, nflog_put_cb cb,
		    void *arg);

/*
 * Write-ahead for a notification about to be sent: the entry that the
 * success will record, on disk before cb(arg, rc) runs, not visible to
 * nflog_get.  After a crash the intent counts as sent: a notification the
 * receiver may have got is never repeated before repeat_interval (one
 * that the crash cut off before it left waits for repeat_interval).
 * nflog_put (success) or nflog_abandon (failure) settles it; a
 * compaction keeps it while it is unsettled.  A memory-only log calls cb
 * at once.
 */
void		 nflog_intend(struct nflog *nf, const char *group_key,
		    const struct nflog_receiver *r, const uint64_t *firing,
		    size_t n_firing, const uint64_t *resolved,
		    size_t n_resolved, ad_dur_t expiry, nflog_put_cb cb,
		    void *arg);
/* The notification failed: the file goes back to the entry in memory
 * (or none), with the next write.  No callback. */
void		 nflog_abandon(struct nflog *nf, const char *group_key,
		    const struct nflog_receiver *r);

/* Calls fn on each entry (under the read lock: fn must not call nflog).
 * Stops early when fn returns non-zero. */
void		 nflog_scan(struct nflog *nf,
		    int (*fn)(void *arg, const struct nflog_entry *e),
		    void *arg);
size_t		 nflog_count(struct nflog *nf);

/* Garbage collection and compaction now; waits for them. */
int		 nflog_maintenance(struct nflog *nf, struct ad_err *err);

/* Alertmanager's alertmanager_nflog_* metrics. */
#define NFLOG_QUERY_BUCKETS	11	/* Prometheus' default buckets */
extern const double nflog_query_buckets[NFLOG_QUERY_BUCKETS];
struct nflog_metrics {
	uint64_t	 gc_count;		/* _gc_duration_seconds */
	double		 gc_sum;
	uint64_t	 snapshot_count;	/* _snapshot_duration_seconds */
	double		 snapshot_sum;
	uint64_t	 snapshot_size;		/* _snapshot_size_bytes */
	uint64_t	 queries;		/* _queries_total */
	uint64_t	 query_errors;		/* _query_errors_total */
	uint64_t	 query_count;		/* _query_duration_seconds */
	double		 query_sum;
	uint64_t	 query_le[NFLOG_QUERY_BUCKETS];	/* cumulative */
	uint64_t	 propagated;	/* _gossip_messages_propagated_total */
	/* alertd's own */
	uint64_t	 entries;
	uint64_t	 write_errors;
};
void		 nflog_metrics_get(struct nflog *nf, struct nflog_metrics *m);

/*
 * Codecs (exposed for the tests).  An nflogpb.MeshEntry message, and
 * Alertmanager's snapshot framing (uvarint length + message).
 */
int		 nflog_entry_encode(const struct nflog_entry *e, struct buf *out);
int		 nflog_entry_decode(const void *p, size_t len,
		    struct nflog_entry *e, struct ad_err *err);
/* Decodes the delimited entries in p one by one: returns the bytes of the
 * next one, 0 at the end, -1 on a damaged one (err says where). */
long		 nflog_am_next(const void *p, size_t len,
		    struct nflog_entry *e, struct ad_err *err);
/* CRC-32C (Castagnoli), as the file's records carry. */
uint32_t	 nflog_crc32c(const void *p, size_t len);

#endif
