/*
 * pipeline: what happens to an aggregation group's flush, in
 * Alertmanager's stage order (notify.go: MuteStage(inhibit) ->
 * TimeActiveStage -> TimeMuteStage -> MuteStage(silence) -> for each
 * integration of the receiver, in parallel: DedupStage -> RetryStage ->
 * SetNotifiesStage).  The dispatcher hands over a flush and is called
 * back once with the outcome.
 *
 *	pipeline_submit(p, f)		dispatcher thread; never blocks
 *	  muting stages, at once, on the caller's thread: the muters
 *	  (inhibition, silences) and the route's time intervals, evaluated
 *	  at f->now; a stage that leaves no alert ends the flush (ok)
 *	  DedupStage per integration against the notification log
 *	  (Alertmanager's needsUpdate, alert hashes as notify.hashAlert)
 *	  per integration with something new, a write-ahead intent in the
 *	  log (on disk before the request leaves: a crash while the
 *	  receiver has the notification cannot make alertd repeat it),
 *	  then a job for a notify thread: send_resolved filtering,
 *	  notifier prepare, send, retry until f->deadline; on success the
 *	  log entry (SetNotifiesStage), durable before it counts; on
 *	  failure the intent is abandoned
 *	  f->done(f->arg, ok) once every integration is finished
 *
 * ok is true when every integration succeeded or had nothing to send
 * (muted, deduplicated): the dispatcher then drops the flushed resolved
 * alerts from the group, as Alertmanager does only after a successful
 * flush.  A failure is logged here ("Notify for alerts failed", with the
 * error), so the dispatcher needs no error text.
 *
 * Threads.  done runs exactly once per submitted flush, never inside
 * pipeline_submit (except when the notify threads are already stopped),
 * on a notify thread or on the nflog thread, so the done of different
 * flushes may run at the same time; it must be quick and must not block
 * (post to the dispatcher's queue).  Flushes spread over the notify
 * threads by group key (one thread per integration with OAuth2, for one
 * token).  The dispatcher must not submit
 * a flush for a group while the previous one of that group is in flight
 * (Alertmanager's aggrGroup runs one flush at a time): dedup relies on it.
 * pipeline_submit may run on several threads at once (an old and a new
 * dispatcher around a reload).
 *
 * Shutdown order: stop submitting (dispatch_stop), notify_stop (cancels
 * what is in flight: their done runs with ok = false), nflog_close (runs
 * what is queued for the log, then their done), pipeline_free,
 * notify_free, and only then free what the done callbacks use.
 */
#ifndef ALERTD_NOTIFIERS_PIPELINE_H
#define ALERTD_NOTIFIERS_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct alert;
struct config;
struct labels;
struct nflog;
struct nflog_entry;
struct notify;
struct pipeline;

/*
 * One flush.  Allocated by the dispatcher (notify_flush_new or xcalloc),
 * handed to pipeline_submit, which takes ownership and frees it with
 * notify_flush_free after done.  The pipeline reads receiver and the
 * time interval names only inside pipeline_submit.
 */
struct notify_flush {
	struct config	*cfg;		/* a reference, released here */
	const char	*receiver;	/* a receiver name in cfg */
	char		*group_key;	/* owned */
	struct labels	*group_labels;	/* a reference */
	struct alert	**alerts;	/* references; sorted; owned array;
					 * firing ones with a zero ends_at */
	size_t		 n_alerts;
	ad_dur_t	 repeat_interval;
	char		**mute_time_intervals;	/* names in cfg; borrowed */
	size_t		 n_mute_time_intervals;
	char		**active_time_intervals;
	size_t		 n_active_time_intervals;
	ad_time_t	 now;		/* the flush's time (muting, status) */
	ad_time_t	 deadline;	/* now + max(group_interval, 10s) */
	void		(*done)(void *arg, bool ok);
	void		*arg;
};

struct notify_flush *notify_flush_new(void);
/* Releases every reference and frees f (not calling done). */
void		 notify_flush_free(struct notify_flush *f);	/* NULL ok */

/*
 * Muting callbacks (all optional), each with its own argument (the
 * inhibitor's inhibit_muter takes its struct inhibit; a silences muter
 * its store).  Called on the dispatcher thread, inside pipeline_submit.
 */
struct notify_muters {
	/* true if the alert is inhibited (inhibit.Inhibitor.Mutes) */
	bool	(*inhibited)(void *arg, const struct alert *a, ad_time_t now);
	void	*inhibited_arg;
	/* true if the alert is silenced (silence.Silencer.Mutes) */
	bool	(*silenced)(void *arg, const struct alert *a, ad_time_t now);
	void	*silenced_arg;
};

struct pipeline_opts {
	struct notify	*notify;	/* started; borrowed */
	struct nflog	*nflog;		/* borrowed */
	const char	*external_url;	/* copied */
	struct notify_muters muters;
	ad_time_t	 (*now)(void);	/* dedup's clock; NULL: ad_now */
};

struct pipeline	*pipeline_new(const struct pipeline_opts *opts);
/* Replaces the muters; call before the dispatcher starts. */
void		 pipeline_set_muters(struct pipeline *p,
		    const struct notify_muters *m);
/* Takes ownership of f (see the top of this file).  Dispatcher thread. */
void		 pipeline_submit(struct pipeline *p, struct notify_flush *f);
/* Flushes submitted whose done has not run yet.  Any thread. */
size_t		 pipeline_inflight(struct pipeline *p);
/* After notify_stop and nflog_close (pipeline_inflight is 0). */
void		 pipeline_free(struct pipeline *p);	/* NULL is fine */

/*
 * Alertmanager's pieces, exposed for the tests.
 *
 * notify.hashAlert: xxhash64 over the label pairs sorted by name, each
 * as name 0xff value 0xff (the nflog's firing/resolved hashes).
 */
uint64_t	 pipeline_alert_hash(const struct labels *ls);
uint64_t	 pipeline_xxhash64(const void *p, size_t len);
/*
 * DedupStage.needsUpdate.  firing and resolved are this flush's hashes,
 * sorted; e is the log's entry (NULL: none).
 */
bool		 pipeline_needs_update(const struct nflog_entry *e,
		    const uint64_t *firing, size_t n_firing,
		    const uint64_t *resolved, size_t n_resolved,
		    bool send_resolved, ad_dur_t repeat, ad_time_t now);

#endif
