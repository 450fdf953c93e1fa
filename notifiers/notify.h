/*
 * notify: the notify threads.  Every outbound notification request of
 * the process goes through a few notify threads (workers); each owns a
 * libcurl multi handle, its connection cache and its easy handles ("never
 * share the same handle in multiple threads", libcurl-thread(3)), so
 * thousands of requests can be in flight while no other thread ever
 * blocks on the network.  A job runs on one worker from submit to done,
 * chosen by its affinity: jobs with the same affinity share a worker
 * (and so its connections and OAuth2 token cache).
 *
 * A job is one notification of one integration (Alertmanager's
 * RetryStage): the thread calls ops->prepare to build the request, sends
 * it, asks ops->verdict what the answer means, and retries with
 * Alertmanager's exponential backoff (0.5 s, x1.5, +-50% jitter, interval
 * capped at 60 s) until the job's deadline; then ops->done runs, once.
 * The backoff timer starts with the attempt, as cenkalti/backoff's ticker
 * does: an attempt that took longer than the backoff is retried at once.
 *
 * Lifecycle (daemon, main thread):
 *	n = notify_new(&opts);
 *	notify_start(n, &err);		spawns the threads, ignores SIGPIPE
 *	... notify_submit(n, job) from any thread ...
 *	notify_stop(n);			cancels what is left, joins them
 *	notify_free(n);
 *
 * Thread: notify_submit and notify_metrics_get may run on any thread;
 * ops callbacks run on the job's notify thread and must not block; jobs
 * on different workers run their callbacks concurrently.
 */
#ifndef ALERTD_NOTIFIERS_NOTIFY_H
#define ALERTD_NOTIFIERS_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "notifiers/notifier.h"

struct notify;
struct notify_job;
struct notify_job_err;

/* Alertmanager's failure reasons (the `reason` label, 0.26+). */
enum notify_reason {
	NOTIFY_REASON_OTHER,		/* "other" */
	NOTIFY_REASON_CLIENT,		/* "clientError": 4xx */
	NOTIFY_REASON_SERVER,		/* "serverError": 5xx */
	NOTIFY_REASON_CANCELED,		/* "contextCanceled": shutdown */
	NOTIFY_REASON_DEADLINE,		/* "contextDeadlineExceeded" */
	NOTIFY_REASON_MAX
};
const char	*notify_reason_name(enum notify_reason r);

/* What prepare decided. */
enum notify_prep {
	NOTIFY_PREP_SEND,	/* req is ready: send it */
	NOTIFY_PREP_DONE,	/* a notification with nothing to send: ok */
	NOTIFY_PREP_SKIP,	/* no notification at all (deduplicated) */
	NOTIFY_PREP_FAIL	/* failed before sending; err says why */
};

struct notify_result {
	bool			 ok;
	enum notify_prep	 prep;
	int			 attempts;	/* requests made */
	enum notify_reason	 reason;	/* when !ok */
	/* when !ok: the last error; valid during done only */
	const struct ad_err	*err;
};

struct notify_job_ops {
	/* Builds req (already initialised). */
	enum notify_prep (*prepare)(struct notify_job *job,
			    struct notify_req *req, struct ad_err *err);
	/* NULL: notifier_default_verdict. */
	enum notify_verdict (*verdict)(struct notify_job *job,
			    const struct notify_resp *r, struct ad_err *err);
	/* Called once at the end; the job belongs to its owner again. */
	void		 (*done)(struct notify_job *job,
			    const struct notify_result *res);
};

/*
 * Embedded by its owner (the pipeline) in its own allocation, so that a
 * notification costs no allocation here.  The owner fills the public
 * fields and zeroes the rest (notify_job_init); fields ending in `_` are
 * private to notify.c.
 */
struct notify_backoff {
	ad_dur_t	 initial, max;		/* 500ms, 60s */
	double		 multiplier, jitter;	/* 1.5, 0.5 */
	ad_dur_t	 current;
};

struct notify_job {
	const struct notify_job_ops *ops;
	const char	*integration;	/* "webhook": metrics label; static */
	const char	*receiver;	/* for log lines; borrowed */
	unsigned	 idx;		/* webhook[idx] in log lines */
	ad_time_t	 deadline;	/* wall clock; AD_TIME_ZERO: none */
	/* Jobs with the same affinity run on the same worker; 0 (what
	 * notify_job_init sets): a hash of receiver, integration, idx. */
	uint64_t	 affinity;

	struct notify_job *next_;
	size_t		 heap_idx_;
	int64_t		 due_, deadline_mono_, started_;
	int		 attempts_;
	int		 state_;
	bool		 counted_;
	unsigned	 metrics_idx_;
	unsigned	 lane_;
	struct notify_backoff backoff_;
	struct notify_req req_;
	struct notify_req *cur_;	/* the request of req_'s chain in
					 * flight; NULL: req_ itself */
	void		*easy_;		/* CURL * */
	void		*lists_[4];	/* struct curl_slist *, nhttp.h; rcpt */
	size_t		 upload_off_;
	void		*token_;	/* struct nhttp_token * awaited */
	void		*host_;		/* struct nt_host * */
	struct buf	 resp_;
	enum notify_reason reason_;
	/* The last error and the last one logged: allocated at the first
	 * failure, so that a notification that succeeds carries none. */
	struct notify_job_err *err_;
};

void	notify_job_init(struct notify_job *job, const struct notify_job_ops *ops,
	    const char *integration, const char *receiver, unsigned idx,
	    ad_time_t deadline);

struct notify_opts {
	const char	*user_agent;		/* NULL: "Alertmanager/0.25.0" */
	/* Both limits hold for the process: each worker gets its share
	 * (and there are never more workers than max_host_connections). */
	long		 max_host_connections;	/* 0: 256 requests per host */
	long		 max_total_connections;	/* 0: 4096 requests at once */
	unsigned	 threads;	/* workers; 0: one per CPU, 2 to 4 */
	ad_dur_t	 connect_timeout;	/* 0: 30 s, as prometheus/common */
	struct notify_backoff backoff;		/* zero: Alertmanager's */
	uint64_t	 seed;			/* jitter; 0: from the clock */
};

struct notify	*notify_new(const struct notify_opts *opts);
/* Spawns the threads.  Ignores SIGPIPE for the whole process. */
int		 notify_start(struct notify *n, struct ad_err *err);
/*
 * Stops accepting jobs, cancels every queued, waiting and in-flight one
 * (done runs with NOTIFY_REASON_CANCELED on its notify thread) and joins
 * the threads.  Safe to call twice or without notify_start.
 */
void		 notify_stop(struct notify *n);
void		 notify_free(struct notify *n);		/* NULL is fine */

/*
 * Queues job for its worker and wakes it (an eventfd in its epoll set).
 * Any thread; never blocks on the network.  Returns -1 without taking
 * the job when the threads are not running (not started, or stopped).
 */
int		 notify_submit(struct notify *n, struct notify_job *job);
/* Same for n_jobs jobs at once, with one wakeup (all or none taken). */
int		 notify_submitv(struct notify *n, struct notify_job **jobs,
		    size_t n_jobs);
/* Jobs queued, waiting for a retry, or in flight. */
size_t		 notify_pending(struct notify *n);

/* Backoff, as cenkalti/backoff's ExponentialBackOff (pure: tests). */
void		 notify_backoff_init(struct notify_backoff *b,
		    const struct notify_backoff *params);
/* The next wait for a uniform random value r in [0, 1). */
ad_dur_t	 notify_backoff_next(struct notify_backoff *b, double r);

/* Request helpers for prepare. */
void		 notify_req_init(struct notify_req *r);
void		 notify_req_release(struct notify_req *r);
void		 notify_req_add_header(struct notify_req *r, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Appends an initialised request to r's chain (r->next...) and returns
 * it; notify_req_release(r) frees the whole chain. */
struct notify_req *notify_req_chain(struct notify_req *r);

/*
 * Alertmanager's notification metrics, per integration name (the ten of
 * Alertmanager 0.25 always present, in its order, then others as they
 * appear).  Latency buckets are Alertmanager's: 1 5 10 15 20 seconds.
 */
#define NOTIFY_LATENCY_BUCKETS	5
#define NOTIFY_METRICS_MAX	32
struct notify_metrics {
	const char	*integration;
	uint64_t	 notifications;			/* _notifications_total */
	uint64_t	 failed[NOTIFY_REASON_MAX];	/* _notifications_failed_total */
	uint64_t	 requests;		/* _notification_requests_total */
	uint64_t	 requests_failed;	/* ..._requests_failed_total */
	uint64_t	 latency_count;
	double		 latency_sum;		/* seconds */
	uint64_t	 latency_le[NOTIFY_LATENCY_BUCKETS];	/* cumulative */
};
extern const double notify_latency_buckets[NOTIFY_LATENCY_BUCKETS];
/* Copies up to max rows into out; returns the number of rows. */
size_t		 notify_metrics_get(struct notify *n, struct notify_metrics *out,
		    size_t max);

#endif
