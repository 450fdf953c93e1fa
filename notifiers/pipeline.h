/*
 * pipeline: what happens to an aggregation group's flush, in Alertmanager's
 * stage order (notify.go: MuteStage(inhibit) -> TimeActiveStage ->
 * TimeMuteStage -> MuteStage(silence) -> per integration: DedupStage ->
 * RetryStage -> SetNotifiesStage).  THIS HEADER IS A CONTRACT SKETCH: the
 * notifiers module owns it and may refine it, keeping the boundary with
 * the dispatcher: the dispatcher hands over a flush and is called back
 * once with the outcome.
 *
 * notify_submit runs the muting stages at once on the caller's thread (the
 * dispatcher), through the muter callbacks registered with
 * notify_set_muters (silences, inhibition, time intervals), then queues
 * the remaining alerts for the notify thread, which deduplicates against
 * the notification log, sends with retries until the deadline, and
 * records what it sent.  `done` is called exactly once, from the notify
 * thread (or from notify_submit when nothing is left to send), with
 * ok = true when every integration succeeded or had nothing to send.
 */
#ifndef ALERTD_NOTIFIERS_PIPELINE_H
#define ALERTD_NOTIFIERS_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "alertd/timeutil.h"

struct alert;
struct config;
struct labels;

struct notify_flush {
	struct config	*cfg;		/* a reference, released by the pipeline */
	const char	*receiver;	/* a receiver name in cfg */
	char		*group_key;	/* owned */
	struct labels	*group_labels;	/* a reference */
	struct alert	**alerts;	/* references; sorted; owned array */
	size_t		 n_alerts;
	ad_dur_t	 repeat_interval;
	char		**mute_time_intervals;	/* names in cfg; borrowed */
	size_t		 n_mute_time_intervals;
	char		**active_time_intervals;
	size_t		 n_active_time_intervals;
	ad_time_t	 now;
	ad_time_t	 deadline;	/* now + group_interval */
	void		(*done)(void *arg, bool ok);
	void		*arg;
};

/* Muting callbacks (all optional).  Called on the dispatcher thread. */
struct notify_muters {
	/* true if the alert is inhibited (inhibit.Inhibitor.Mutes) */
	bool	(*inhibited)(void *arg, const struct alert *a, ad_time_t now);
	/* true if the alert is silenced (silence.Silencer.Mutes) */
	bool	(*silenced)(void *arg, const struct alert *a, ad_time_t now);
	void	*arg;
};

#endif
