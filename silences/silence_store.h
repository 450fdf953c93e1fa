/*
 * silence_store: the silences (Alertmanager's silence.Silences and
 * Silencer): create/update/expire with Alertmanager's rules, lookups,
 * GC after --data.retention, the 0.28 limits, durable state behind a
 * silence_state backend, import of an Alertmanager snapshot, and indexed
 * matching of alerts against silences.
 *
 * Matching: every silence is indexed under one of its equality matchers
 * with a non-empty value (the one with the smallest bucket); silences
 * without one but with a regex that starts with a literal are indexed by
 * that literal's first bytes; the rest (negative, empty-value or
 * unanchorable regex matchers only) go to a fallback list.
 * silence_store_mutes() looks up one bucket per label of the alert plus
 * the fallback list, so its cost is the number of
 * candidates sharing a label name/value with the alert, not the number
 * of silences.  A version counter goes up with every change; a caller
 * keeps a struct silence_mark per alert and an unchanged alert is not
 * re-evaluated while the version is unchanged (Alertmanager's marker
 * fast path).  States come from the time passed in (no timers): a pending
 * silence starts muting when its start passes.
 *
 * Durability: a change is applied in memory and queued to the backend
 * under the store lock, then synced without it; upsert/expire return only
 * after the backend made it durable (or fail with AD_EIO).  Maintenance
 * (GC + compaction) runs at --data.maintenance-interval and at shutdown.
 *
 * Locks: one rwlock per store, never held across the backend's I/O (only
 * its queue append); lock order: store lock, then the backend's.
 * Thread: any.
 */
#ifndef ALERTD_SILENCES_SILENCE_STORE_H
#define ALERTD_SILENCES_SILENCE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"
#include "silences/silence.h"

struct ad_err;
struct alert;
struct labels;
struct silence_state_ops;
struct silence_store;

struct silence_store_opts {
	ad_dur_t			 retention;	/* --data.retention */
	size_t				 max_silences;	/* 0: no limit */
	size_t				 max_silence_size; /* bytes; 0: none */
	const struct silence_state_ops	*state;		/* NULL: memory only */
	void				*state_arg;	/* borrowed */
};

struct silence_store *silence_store_new(const struct silence_store_opts *o);
/* Does not close the backend (its owner does). */
void	silence_store_free(struct silence_store *ss);	/* NULL is fine */
/* opts.retention (fixed at creation; any thread). */
ad_dur_t silence_store_retention(const struct silence_store *ss);

/*
 * Start-up: replays the backend into memory (entries whose retention has
 * passed at now are dropped).  Call once, before concurrent use.
 */
int	silence_store_load(struct silence_store *ss, ad_time_t now,
	    struct ad_err *err);
/*
 * Imports an Alertmanager snapshot (varint-delimited MeshSilence
 * messages, silence/silence.go's format) from path, merging as
 * Alertmanager's state.merge does, and makes the result durable.  A
 * missing file imports nothing and succeeds.  A malformed message stops
 * the import there (what came before is kept, the rest is logged as
 * dropped).  Returns the number of silences imported, or -1.
 */
int	silence_store_import_am(struct silence_store *ss, const char *path,
	    ad_time_t now, struct ad_err *err);

/*
 * Silences.Set: s (takes ownership, also on failure) has an empty id for
 * a new silence, or the id of the silence to update.  It is updated in
 * place when its matchers are unchanged and, if active, its start is
 * unchanged (to the second) and its end not in the past, or if pending
 * its start is not in the past; otherwise a new ID is generated, a past
 * start becomes now, and the old silence is expired.  Errors: AD_EINVAL
 * "silence invalid: ...", AD_ENOTFOUND "silence not found", AD_ELIMIT
 * "exceeded maximum number of silences: N (limit: M)" / "silence
 * exceeded maximum size: N bytes (limit: M bytes)", AD_EIO.  On success
 * the (new) ID is copied to id_out.
 */
int	silence_store_upsert(struct silence_store *ss, struct silence *s,
	    ad_time_t now, char id_out[SILENCE_UUID_LEN + 1],
	    struct ad_err *err);
/*
 * Silences.Expire: an active silence ends now, a pending one starts and
 * ends now, an expired one is left alone (success).  AD_ENOTFOUND
 * "silence not found" for an unknown ID.
 */
int	silence_store_expire(struct silence_store *ss, const char *id,
	    ad_time_t now, struct ad_err *err);

/* A reference (silence_unref it) or NULL. */
struct silence *silence_store_get(struct silence_store *ss, const char *id);

struct silence_list {
	struct silence	**v;		/* references */
	size_t		  n;
};
void	silence_list_release(struct silence_list *l);
/* Every stored silence (any state), in no particular order. */
void	silence_store_list(struct silence_store *ss, struct silence_list *out);

/*
 * Per-alert memo of the silences that applied at a store version
 * (Alertmanager's marker entry).  Zero-initialise; release when done.
 */
struct silence_mark {
	uint64_t	  version;	/* 0: never evaluated */
	char		**active;	/* sorted IDs, owned */
	size_t		  nactive;
	char		**pending;
	size_t		  npending;
};
void	silence_mark_release(struct silence_mark *m);

/*
 * Silencer.Mutes: is an alert with labels ls muted by an active silence
 * at now?  Updates *mark (active and pending silences matching ls, the
 * version they were computed at); when mark->version is the store's
 * current version only the silences already in mark are re-checked.
 */
bool	silence_store_mutes(struct silence_store *ss, const struct labels *ls,
	    ad_time_t now, struct silence_mark *mark);
/*
 * silence_store_mutes for a stored alert, with its silence mark kept on
 * the alert (alertd/alert_memo.h) rather than by the caller: an alert
 * under unchanged silences that none applied to costs a comparison; one
 * that silences did apply to has only those re-checked.  Calls emit(ctx,
 * id) for each active silence muting a now, in ID order, and returns
 * whether there was one.
 */
typedef void	(*silence_emit_fn)(void *ctx, const char *id);
bool	silence_store_mutes_alert(struct silence_store *ss,
	    const struct alert *a, ad_time_t now, silence_emit_fn emit,
	    void *ctx);
/*
 * Goes up with every change (create, update, expire, load, import);
 * unique across stores.
 */
uint64_t silence_store_version(struct silence_store *ss);

/* Removes silences whose end + retention is not after now; returns n. */
size_t	silence_store_gc(struct silence_store *ss, ad_time_t now);
/*
 * GC, then compaction of the backend into a fresh snapshot.  Returns the
 * snapshot size in bytes (0 without a backend) or -1.
 */
int64_t	silence_store_maintenance(struct silence_store *ss, ad_time_t now,
	    struct ad_err *err);

/* Called after every change, outside the lock (one subscriber). */
typedef void (*silence_store_change_fn)(void *arg);
void	silence_store_on_change(struct silence_store *ss,
	    silence_store_change_fn fn, void *arg);

/*
 * Metrics as Alertmanager names them; a metrics module renders them.
 * Durations are nanoseconds; the query histogram uses Prometheus'
 * default buckets (SILENCE_QUERY_BUCKETS upper bounds, in seconds).
 */
#define SILENCE_QUERY_NBUCKETS	11
extern const double silence_query_buckets[SILENCE_QUERY_NBUCKETS];
struct silence_store_metrics {
	uint64_t	silences[SILENCE_NSTATES]; /* alertmanager_silences{state} */
	uint64_t	queries_total;
	uint64_t	query_errors_total;
	uint64_t	query_duration_count;	/* ..._query_duration_seconds */
	uint64_t	query_duration_sum_ns;
	uint64_t	query_duration_buckets[SILENCE_QUERY_NBUCKETS]; /* cumulative */
	uint64_t	gc_duration_count;	/* ..._gc_duration_seconds */
	uint64_t	gc_duration_sum_ns;
	uint64_t	snapshot_duration_count; /* ..._snapshot_duration_seconds */
	uint64_t	snapshot_duration_sum_ns;
	int64_t		snapshot_size_bytes;
	uint64_t	maintenance_total;
	uint64_t	maintenance_errors_total;
	uint64_t	gossip_messages_propagated_total; /* always 0 */
};
/* Fills *out; silences[] is counted at now. */
void	silence_store_metrics(struct silence_store *ss, ad_time_t now,
	    struct silence_store_metrics *out);

#endif
