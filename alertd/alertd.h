/*
 * alertd: the wiring of the daemon (struct alertd) and its lock order.
 *
 * main.c fills a struct alertd from the flags, loads the config, creates
 * the stores, lets every subsystem register its hooks, then starts the
 * HTTP API and waits for signals.  Subsystems find each other here, never
 * through globals.  The routing service (alertd/dispatcher.h) is reached
 * only through the hooks it registers; main.c owns it with the notifier,
 * the notification log and the pipeline.
 *
 * Hooks.  Subsystems plug into the API and into config reloads by
 * registering functions before the API starts (alertd_set_* /
 * alertd_add_* / alertd_on_*; main thread, startup only).  After startup
 * the hook tables are read-only and read without locks.
 *
 *   receivers   which receivers a label set routes to (GET /api/v2/alerts
 *               "receivers"; the receiver= filter).  routing/ registers
 *               route_match; the default walks cfg->route as
 *               dispatch.Route.Match does.
 *   status      what mutes an alert now: the silence store (ad->silences,
 *               when set) fills silenced_by, keeping each alert's mark
 *               on the alert (silence_store_mutes_alert); each
 *               registered hook appends to inhibited_by / muted_by (the
 *               inhibitor, time intervals) or silenced_by.  The API derives the state:
 *               suppressed if any list is non-empty, else active.  With
 *               no hook every alert is active (Alertmanager with no
 *               silences and no inhibit rules).
 *   groups      GET /api/v2/alerts/groups (the dispatcher's live groups).
 *               Without it the endpoint answers [].
 *   reload      called with every newly loaded config, in registration
 *               order, after it became current (Alertmanager's
 *               Coordinator.Subscribe).  The first call is the initial
 *               load at startup.
 *   stop        called at shutdown, in reverse registration order, after
 *               the HTTP server stopped (drain, flush snapshots).
 *
 * Threads.  Hooks run on the thread that calls them: receivers, status
 * and groups on MHD pool threads, concurrently; reload on the thread
 * doing the reload (main for SIGHUP, an MHD thread for /-/reload; the
 * reload lock serialises them); stop on main.  No hook may block on the
 * network.
 *
 * Lock order (take in this order, never the reverse; never hold one
 * across I/O):
 *   1. alertd.reload_lock      serialises reloads; held while reload
 *                              hooks run, so a hook may take 2-5
 *   2. store shard locks       (alertd/store.h) in shard index order
 *   3. locks that store callbacks take (subscribers' queues: leaf
 *      locks of the subscribing module)
 *   4. other stores' locks     (silence store, nflog), each a leaf
 *   5. alertd.cfg_lock         leaf: guards only the cfg pointer
 */
#ifndef ALERTD_ALERTD_ALERTD_H
#define ALERTD_ALERTD_ALERTD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "alertd/timeutil.h"

struct ad_err;
struct ad_errs;
struct alert;
struct api;
struct api_alerts_query;
struct api_http_metrics;
struct buf;
struct config;
struct labels;
struct nflog;
struct notify;
struct silence_store;
struct store;
struct web_config_watch;

/* A growable list of owned strings (status ids, receiver names). */
struct alertd_strs {
	char	**v;
	size_t	  n, alloc;
};

/* Appends a copy of str. */
void	alertd_strs_add(struct alertd_strs *s, const char *str);
void	alertd_strs_release(struct alertd_strs *s);		/* reusable */

/* types.AlertState */
enum alert_state {
	ALERT_STATE_UNPROCESSED,
	ALERT_STATE_ACTIVE,
	ALERT_STATE_SUPPRESSED
};

/* types.AlertStatus (+ mutedBy of 0.28).  Release with alert_status_release. */
struct alert_status {
	enum alert_state	state;
	struct alertd_strs	silenced_by;	/* silence ids */
	struct alertd_strs	inhibited_by;	/* fingerprints, %016x */
	struct alertd_strs	muted_by;	/* time interval names */
};

void	alert_status_init(struct alert_status *st);
void	alert_status_release(struct alert_status *st);
const char *alert_state_str(enum alert_state s);	/* "active", ... */

/* Calls emit(ctx, name) once per receiver, in route order. */
typedef void	(*alertd_emit_fn)(void *ctx, const char *name);
typedef void	(*alertd_receivers_fn)(void *arg, const struct config *cfg,
		    const struct labels *ls, alertd_emit_fn emit, void *ctx);
/* Appends what mutes a at now to st's lists (never clears them). */
typedef void	(*alertd_status_fn)(void *arg, const struct alert *a,
		    ad_time_t now, struct alert_status *st);
/* Appends the JSON array of alert groups to out; 0 or -1 (500). */
typedef int	(*alertd_groups_fn)(void *arg, const struct api_alerts_query *q,
		    struct buf *out, struct ad_err *err);
/* A new config is current; 0, or -1 with errors appended to errs. */
typedef int	(*alertd_reload_fn)(void *arg, struct config *cfg,
		    struct ad_errs *errs);
typedef void	(*alertd_stop_fn)(void *arg);

/*
 * versionInfo.version in /api/v2/status is the Alertmanager API version
 * alertd implements (tools compare it); revision names alertd's own.
 */
#define ALERTD_VERSION		"0.1.0"
#define ALERTD_AM_VERSION	"0.25.0"

#define ALERTD_HOOKS_MAX	16

struct alertd_hook {
	void	(*fn)(void);	/* cast back to its type before calling */
	void	*arg;
};

/* The cluster as GET /api/v2/status shows it. */
struct alertd_cluster {
	bool	 enabled;	/* --cluster.listen-address non-empty */
	char	 name[32];	/* ULID, new at every start, as Alertmanager */
	char	*address;	/* advertised host:port */
};

/* Per-request limits of the HTTP API (flags). */
struct alertd_limits {
	size_t	 max_body;		/* --web.max-body-size (bytes) */
	size_t	 max_alerts;		/* --api.max-alerts-per-request */
	size_t	 max_labels;		/* --api.max-labels-per-alert */
	size_t	 max_label_size;	/* --api.max-label-size */
	size_t	 max_annotation_size;	/* --api.max-annotation-size */
	int	 get_concurrency;	/* --web.get-concurrency (resolved) */
	ad_dur_t conn_timeout;		/* --web.connection-timeout */
	ad_dur_t web_timeout;		/* --web.timeout (0: none) */
	int	 threads;		/* --web.threads (resolved) */
};

struct alertd {
	/* Set by main before any thread starts; read-only afterwards. */
	const char		*config_file;
	const char		*storage_path;
	char			*external_url;	/* no trailing '/' */
	char			*route_prefix;	/* "/" or "/foo" */
	ad_dur_t		 retention;
	ad_dur_t		 maintenance_interval;
	ad_dur_t		 gc_interval;
	ad_time_t		 started_at;
	struct alertd_cluster	 cluster;
	struct alertd_limits	 limits;
	struct web_config_watch	*web;		/* --web.config.file or NULL */

	/* The current config: alertd_config() / alertd_reload(). */
	pthread_mutex_t		 cfg_lock;
	pthread_mutex_t		 reload_lock;
	struct config		*cfg;

	/* Stores and subsystems; each is thread-safe on its own. */
	struct store		*alerts;
	struct silence_store	*silences;	/* silences/: set at startup */
	struct notify		*notify;	/* notifiers/: set at startup */
	struct nflog		*nflog;		/* notifiers/: set at startup */
	struct api		*api;
	struct api_http_metrics	*http_metrics;	/* api_metrics.c */

	/* alertmanager_alerts_received_total{status} / _invalid_total (v2). */
	atomic_ulong		 alerts_firing;
	atomic_ulong		 alerts_resolved;
	atomic_ulong		 alerts_invalid;
	/* alertmanager_config_last_reload_{successful,success_timestamp} */
	atomic_bool		 reload_ok;
	_Atomic ad_time_t	 reload_success_at;

	/* Hooks (see the top comment); startup only. */
	struct alertd_hook	 receivers;
	struct alertd_hook	 groups;
	struct alertd_hook	 status[ALERTD_HOOKS_MAX];
	size_t			 n_status;
	struct alertd_hook	 reload[ALERTD_HOOKS_MAX];
	size_t			 n_reload;
	struct alertd_hook	 stop[ALERTD_HOOKS_MAX];
	size_t			 n_stop;
};

/* Zeroes ad, creates the locks and the alert store. */
void	alertd_init(struct alertd *ad);
/* Frees what alertd_init and main allocated (after every thread stopped). */
void	alertd_release(struct alertd *ad);

/* Registration: main thread, before the API starts. */
void	alertd_set_receivers(struct alertd *ad, alertd_receivers_fn fn,
	    void *arg);
void	alertd_add_status(struct alertd *ad, alertd_status_fn fn, void *arg);
void	alertd_set_groups(struct alertd *ad, alertd_groups_fn fn, void *arg);
void	alertd_on_reload(struct alertd *ad, alertd_reload_fn fn, void *arg);
void	alertd_on_stop(struct alertd *ad, alertd_stop_fn fn, void *arg);

/* A new reference to the current config (never NULL after startup). */
struct config *alertd_config(struct alertd *ad);

/*
 * Loads ad->config_file aside.  On failure the running config stays and
 * every error is appended to errs (and logged); returns -1.  On success
 * the new config becomes current, reload hooks run, returns 0 (-1 if a
 * hook failed: the new config stays current, as Alertmanager's).
 * Thread: any (serialised by reload_lock).
 */
int	alertd_reload(struct alertd *ad, struct ad_errs *errs);

/* Runs the receivers hook (or the default) for ls under cfg. */
void	alertd_receivers(struct alertd *ad, const struct config *cfg,
	    const struct labels *ls, alertd_emit_fn emit, void *ctx);
/*
 * Asks the silence store and every status hook, then sets st->state.  st
 * must be initialised.
 */
void	alertd_status(struct alertd *ad, const struct alert *a, ad_time_t now,
	    struct alert_status *st);
/* Runs the stop hooks, last registered first. */
void	alertd_run_stop(struct alertd *ad);

/* Formats errs as one message: "err1\nerr2", each "where: msg". */
void	alertd_errs_format(const struct ad_errs *errs, struct buf *out);

#endif
