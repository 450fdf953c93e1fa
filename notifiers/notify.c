/*
 * The notify threads (see notify.h).  Each worker is an epoll loop
 * driving libcurl's multi_socket API; it owns its multi handles, a CURLSH
 * (DNS and TLS session cache), a pool of reusable easy handles, a
 * min-heap of jobs waiting for their next attempt, the OAuth2 token cache
 * (nhttp) and its metrics counters (summed on read).  Other threads only
 * append to a worker's submit queue under its mutex and write its eventfd.
 * There are a few workers (one per CPU by default) because a single
 * thread sending through libcurl tops out near one core; each job keeps
 * to one worker, so no curl handle is ever touched by two threads.
 *
 * Why not curl_multi_poll() + curl_multi_wakeup() (STYLE 1.7): both it
 * and curl_multi_perform() walk every transfer on each wakeup, so with
 * thousands in flight the thread spends its time scanning; with
 * curl_multi_socket_action() each wakeup costs what became ready.  For
 * the same reason curl never holds a transfer it cannot start at once
 * (curl_multi_remove_handle scans its pending list): requests beyond
 * max_host_connections per host (or max_total_connections) wait in our
 * own per-host FIFO, and their deadline still applies.  And a worker
 * spreads the requests to one host over several multi handles (lanes) of
 * at most NOTIFY_LANE_CONNS connections: libcurl walks a multi's whole
 * connection cache to find an idle connection and again when a transfer
 * is removed.
 *
 * Reproduces Alertmanager's notify.RetryStage: metrics per integration,
 * "Notify attempt failed, will retry later" logged when the error
 * changes, "Notify success" at debug (first attempt) or info level, and
 * its backoff (cenkalti/backoff ExponentialBackOff, MaxElapsedTime 0).
 * Requests carry Alertmanager's User-Agent ("Alertmanager/0.25.0") on
 * purpose: webhook consumers filter on it.  Like Go's client, no Accept
 * and no "Expect: 100-continue" header is sent.
 */
#include "notifiers/notify.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nhttp.h"

#define NOTIFY_UA_DEFAULT	"Alertmanager/0.25.0"
#define NOTIFY_POOL_MAX		1024

enum job_state {
	JOB_NEW, JOB_QUEUED, JOB_TOKEN_WAIT, JOB_HOST_WAIT, JOB_INFLIGHT,
	JOB_WAITING, JOB_DONE
};

#define NOTIFY_LANES_MAX	8	/* multi handles per worker */
#define NOTIFY_LANE_CONNS	32	/* connections per host per lane */

/* Requests to one scheme://host:port: how many are in curl (in all and
 * per lane), who waits. */
struct nt_host {
	struct nt_host		*next;
	char			*key;
	long			 active;
	long			 lane_active[NOTIFY_LANES_MAX];
	struct notify_job	*q_head, *q_tail;
};

/*
 * A multi handle of a worker.  libcurl walks a multi's connection cache
 * on every request (to find an idle connection, and in
 * curl_multi_remove_handle), so a worker spreads its requests to a host
 * over a few multis of at most NOTIFY_LANE_CONNS connections each rather
 * than one with hundreds.
 */
struct nt_lane {
	struct nt_worker	*w;
	unsigned		 idx;
	CURLM			*multi;
	int64_t			 curl_timer;	/* mono; -1: none */
	bool			 io;		/* curl ran since read_infos */
};

/* An easy handle of the pool; PRIVATE points here. */
struct nt_easy {
	CURL			*e;
	struct nt_lane		*lane;		/* its multi, or NULL */
	struct notify_job	*job;		/* or NULL */
	struct nhttp_token	*token;		/* a token fetch, or NULL */
	bool			 in_use;
	char			 errbuf[CURL_ERROR_SIZE];
};

/* One integration's counters on one worker (only that worker writes). */
struct nt_counters {
	_Atomic uint64_t	 notifications;
	_Atomic uint64_t	 failed[NOTIFY_REASON_MAX];
	_Atomic uint64_t	 requests, requests_failed;
	_Atomic uint64_t	 latency_count, latency_sum_ns;
	_Atomic uint64_t	 latency_le[NOTIFY_LATENCY_BUCKETS];
};

/*
 * One notify thread with its own CURLM, CURLSH, epoll set, easy handles,
 * retry heap, per-host queues, token cache and counters.  A job stays on
 * the worker it was submitted to until it is done.
 */
struct nt_worker {
	struct notify		*n;
	unsigned		 idx;
	struct nt_lane		 lanes[NOTIFY_LANES_MAX];
	unsigned		 n_lanes;
	CURLSH			*share;		/* DNS and TLS sessions */
	int			 epfd, evfd;
	struct nhttp		*http;
	pthread_t		 thread;
	long			 max_host, max_total;	/* its share */
	long			 lane_host;	/* per host per lane */
	struct ad_err		 err;		/* an attempt's, while it runs */

	pthread_mutex_t		 mu;		/* guards the fields below */
	struct notify_job	*q_head, *q_tail;
	bool			 stopping;

	/* this worker's thread only */
	struct notify_job	**heap;
	size_t			 n_heap, heap_alloc;
	struct nt_easy		**easies;	/* all of them */
	size_t			 n_easies, easies_alloc;
	struct nt_easy		**pool;		/* the idle ones */
	size_t			 n_pool;
	struct nt_host		*hosts;
	long			 active;	/* requests in curl */
	bool			 kick;		/* a host may start a waiter */
	int64_t			 next_sweep;
	uint64_t		 rng;

	struct nt_counters	 counters[NOTIFY_METRICS_MAX];
};

struct notify {
	struct notify_opts	 opts;
	char			*user_agent;
	struct nt_worker	*workers;
	unsigned		 n_workers;

	pthread_mutex_t		 mu;		/* guards the fields below */
	bool			 started, joined;

	_Atomic size_t		 pending;

	/* the metrics rows: names published once, never changed */
	pthread_mutex_t		 metrics_mu;	/* adding a row */
	const char		*metric_names[NOTIFY_METRICS_MAX];
	_Atomic size_t		 n_metrics;
};

const double notify_latency_buckets[NOTIFY_LATENCY_BUCKETS] = {
	1, 5, 10, 15, 20
};

/* Alertmanager 0.25 initialises these, in this order (notify.NewMetrics). */
static const char *const am_integrations[] = {
	"email", "pagerduty", "wechat", "pushover", "slack", "opsgenie",
	"webhook", "victorops", "sns", "telegram"
};

static const char *const reason_names[NOTIFY_REASON_MAX] = {
	"other", "clientError", "serverError", "contextCanceled",
	"contextDeadlineExceeded"
};

static void	job_attempt(struct nt_worker *w, struct notify_job *job);

const char *
notify_reason_name(enum notify_reason r)
{
	return (unsigned)r < NOTIFY_REASON_MAX ? reason_names[r] : "other";
}

/* ------------------------------------------------------------ backoff --- */

void
notify_backoff_init(struct notify_backoff *b, const struct notify_backoff *p)
{
	b->initial = p != NULL && p->initial > 0 ? p->initial : 500 * AD_MS;
	b->max = p != NULL && p->max > 0 ? p->max : 60 * AD_SEC;
	b->multiplier = p != NULL && p->multiplier > 0 ? p->multiplier : 1.5;
	b->jitter = p != NULL && p->initial > 0 ? p->jitter : 0.5;
	b->current = b->initial;
}

ad_dur_t
notify_backoff_next(struct notify_backoff *b, double r)
{
	double		cur = (double)b->current, delta, lo, hi;
	ad_dur_t	next;

	if (b->jitter == 0) {
		next = b->current;
	} else {
		/* getRandomValueFromInterval, with its "+ 1" */
		delta = b->jitter * cur;
		lo = cur - delta;
		hi = cur + delta;
		next = (ad_dur_t)(lo + r * (hi - lo + 1));
	}
	/* The interval, not the randomized wait, is capped. */
	if (cur >= (double)b->max / b->multiplier)
		b->current = b->max;
	else
		b->current = (ad_dur_t)(cur * b->multiplier);
	return next;
}

static double
rng_next(struct nt_worker *w)
{
	uint64_t	x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

/* --------------------------------------------------------------- req --- */

void
notify_req_init(struct notify_req *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, BUF_NOCAP);
}

void
notify_req_release(struct notify_req *r)
{
	struct notify_req	*next = r->next;
	size_t			 i;

	while (next != NULL) {
		struct notify_req *after = next->next;

		next->next = NULL;
		notify_req_release(next);
		free(next);
		next = after;
	}
	free(r->url);
	for (i = 0; i < r->n_headers; i++)
		free(r->headers[i]);
	free(r->headers);
	buf_release(&r->body);
	free(r->mail_from);
	for (i = 0; i < r->n_rcpt; i++)
		free(r->rcpt[i]);
	free(r->rcpt);
	free(r->smtp_user);
	free(r->smtp_password);
	free(r->smtp_auth);
	free(r->smtp_authzid);
	free(r->verdict_note);
	notify_req_init(r);
}

void
notify_req_add_header(struct notify_req *r, const char *fmt, ...)
{
	va_list	ap;
	char	*h;

	va_start(ap, fmt);
	if (vasprintf(&h, fmt, ap) == -1)
		abort();
	va_end(ap);
	r->headers = xreallocarray(r->headers, r->n_headers + 1,
	    sizeof(*r->headers));
	r->headers[r->n_headers++] = h;
}

struct notify_req *
notify_req_chain(struct notify_req *r)
{
	struct notify_req	*last = r;

	while (last->next != NULL)
		last = last->next;
	last->next = xmalloc(sizeof(*last->next));
	notify_req_init(last->next);
	return last->next;
}

/* The request of the chain to send now. */
static struct notify_req *
job_req(struct notify_job *job)
{
	return job->cur_ != NULL ? job->cur_ : &job->req_;
}

/* An attempt starts with the first request of the chain. */
static bool
job_first_req(const struct notify_job *job)
{
	return job->cur_ == NULL || job->cur_ == &job->req_;
}

static bool
req_has_header(const struct notify_req *r, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < r->n_headers; i++)
		if (strncasecmp(r->headers[i], name, len) == 0 &&
		    r->headers[i][len] == ':')
			return true;
	return false;
}

/* ----------------------------------------------------------- verdict --- */

enum notify_verdict
notifier_default_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	(void)conf;
	if (r->status == 0) {
		ad_err_set(err, AD_EIO, "%s", r->curl_error != NULL ?
		    r->curl_error : "request failed");
		return NOTIFY_RETRY;
	}
	if (r->status / 100 == 2)
		return NOTIFY_OK;
	if (r->body_len > 0)
		ad_err_set(err, AD_EIO, "unexpected status code %ld: %.*s",
		    r->status, (int)r->body_len, r->body);
	else
		ad_err_set(err, AD_EIO, "unexpected status code %ld",
		    r->status);
	return r->status / 100 == 5 ? NOTIFY_RETRY : NOTIFY_FAIL;
}

/* ----------------------------------------------------------- metrics --- */

/*
 * The row of an integration: rows are added under metrics_mu and never
 * change once n_metrics covers them, so lookups need no lock.
 */
static unsigned
metrics_index(struct notify *n, const char *integration)
{
	size_t	i, cnt = atomic_load_explicit(&n->n_metrics,
		    memory_order_acquire);

	for (i = 0; i < cnt; i++)
		if (n->metric_names[i] == integration ||
		    strcmp(n->metric_names[i], integration) == 0)
			return (unsigned)i;
	pthread_mutex_lock(&n->metrics_mu);
	cnt = atomic_load(&n->n_metrics);
	for (i = 0; i < cnt; i++)
		if (strcmp(n->metric_names[i], integration) == 0)
			break;
	if (i == cnt && cnt < NOTIFY_METRICS_MAX) {
		n->metric_names[cnt] = integration;
		atomic_store_explicit(&n->n_metrics, cnt + 1,
		    memory_order_release);
	}
	pthread_mutex_unlock(&n->metrics_mu);
	return i < NOTIFY_METRICS_MAX ? (unsigned)i : NOTIFY_METRICS_MAX - 1;
}

static struct nt_counters *
counters(struct nt_worker *w, const struct notify_job *job)
{
	return &w->counters[job->metrics_idx_];
}

static void
metrics_latency(struct nt_worker *w, const struct notify_job *job,
    int64_t ns)
{
	struct nt_counters	*m = counters(w, job);
	double			 s = (double)ns / AD_SEC;
	size_t			 i;

	atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_ns, (uint64_t)ns,
	    memory_order_relaxed);
	for (i = 0; i < NOTIFY_LATENCY_BUCKETS; i++)
		if (s <= notify_latency_buckets[i])
			atomic_fetch_add_explicit(&m->latency_le[i], 1,
			    memory_order_relaxed);
}

#define COUNT(w, job, field)						\
	atomic_fetch_add_explicit(&counters((w), (job))->field, 1,	\
	    memory_order_relaxed)

#define SUM(dst, field)							\
	((dst) += atomic_load_explicit(&(field), memory_order_relaxed))

/* A row summed over the workers. */
static void
metrics_sum(struct notify *n, size_t row, struct notify_metrics *out)
{
	const struct nt_counters	*c;
	uint64_t			 sum_ns = 0;
	unsigned			 k;
	size_t				 j;

	memset(out, 0, sizeof(*out));
	out->integration = n->metric_names[row];
	for (k = 0; k < n->n_workers; k++) {
		c = &n->workers[k].counters[row];
		SUM(out->notifications, c->notifications);
		for (j = 0; j < NOTIFY_REASON_MAX; j++)
			SUM(out->failed[j], c->failed[j]);
		SUM(out->requests, c->requests);
		SUM(out->requests_failed, c->requests_failed);
		SUM(out->latency_count, c->latency_count);
		SUM(sum_ns, c->latency_sum_ns);
		for (j = 0; j < NOTIFY_LATENCY_BUCKETS; j++)
			SUM(out->latency_le[j], c->latency_le[j]);
	}
	out->latency_sum = (double)sum_ns / AD_SEC;
}

size_t
notify_metrics_get(struct notify *n, struct notify_metrics *out, size_t max)
{
	size_t	i, cnt = atomic_load_explicit(&n->n_metrics,
		    memory_order_acquire);

	for (i = 0; i < cnt && i < max; i++)
		metrics_sum(n, i, &out[i]);
	return i;
}

/* -------------------------------------------------------------- heap --- */

static bool
heap_less(const struct nt_worker *w, size_t a, size_t b)
{
	return w->heap[a]->due_ < w->heap[b]->due_;
}

static void
heap_swap(struct nt_worker *w, size_t a, size_t b)
{
	struct notify_job	*t = w->heap[a];

	w->heap[a] = w->heap[b];
	w->heap[b] = t;
	w->heap[a]->heap_idx_ = a;
	w->heap[b]->heap_idx_ = b;
}

static void
heap_push(struct nt_worker *w, struct notify_job *job)
{
	size_t	i;

	if (w->n_heap == w->heap_alloc) {
		w->heap_alloc = w->heap_alloc ? w->heap_alloc * 2 : 64;
		w->heap = xreallocarray(w->heap, w->heap_alloc,
		    sizeof(*w->heap));
	}
	i = w->n_heap++;
	w->heap[i] = job;
	job->heap_idx_ = i;
	while (i > 0 && heap_less(w, i, (i - 1) / 2)) {
		heap_swap(w, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct notify_job *
heap_pop(struct nt_worker *w)
{
	struct notify_job	*top = w->heap[0];
	size_t			 i = 0, c;

	w->heap[0] = w->heap[--w->n_heap];
	w->heap[0]->heap_idx_ = 0;
	for (;;) {
		c = 2 * i + 1;
		if (c >= w->n_heap)
			break;
		if (c + 1 < w->n_heap && heap_less(w, c + 1, c))
			c++;
		if (!heap_less(w, c, i))
			break;
		heap_swap(w, i, c);
		i = c;
	}
	return top;
}

/* ------------------------------------------------------------ easies --- */

static size_t
write_resp(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;
	size_t		 len = size * nmemb, room;

	room = b->b_cap - buf_len(b);
	if (buf_len(b) < b->b_cap)
		(void)buf_add(b, ptr, len < room ? len : room);
	return len;
}

static struct nt_easy *
easy_get(struct nt_worker *w)
{
	struct nt_easy	*x;

	if (w->n_pool > 0) {
		x = w->pool[--w->n_pool];
	} else {
		x = xcalloc(1, sizeof(*x));
		x->e = curl_easy_init();
		if (x->e == NULL)
			fatalx("curl_easy_init failed");
		if (w->n_easies == w->easies_alloc) {
			w->easies_alloc = w->easies_alloc ?
			    2 * w->easies_alloc : 64;
			w->easies = xreallocarray(w->easies, w->easies_alloc,
			    sizeof(*w->easies));
			w->pool = xreallocarray(w->pool, w->easies_alloc,
			    sizeof(*w->pool));
		}
		w->easies[w->n_easies++] = x;
	}
	x->in_use = true;
	x->errbuf[0] = '\0';
	curl_easy_setopt(x->e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->e, CURLOPT_SHARE, w->share);
	curl_easy_setopt(x->e, CURLOPT_ERRORBUFFER, x->errbuf);
	return x;
}

static void
easy_put(struct nt_worker *w, struct nt_easy *x)
{
	if (x->lane != NULL)
		curl_multi_remove_handle(x->lane->multi, x->e);
	x->lane = NULL;
	curl_easy_reset(x->e);
	x->job = NULL;
	x->token = NULL;
	x->in_use = false;
	w->pool[w->n_pool++] = x;
}

/* ------------------------------------------------------------- jobs --- */

void
notify_job_init(struct notify_job *job, const struct notify_job_ops *ops,
    const char *integration, const char *receiver, unsigned idx,
    ad_time_t deadline)
{
	memset(job, 0, sizeof(*job));
	job->ops = ops;
	job->integration = integration;
	job->receiver = receiver;
	job->idx = idx;
	job->deadline = deadline;
}

struct notify_job_err {
	struct ad_err	 err;
	char		 prev_msg[128];		/* the last one logged */
};

/* The job's last error, allocated at its first use. */
static struct ad_err *
job_err(struct notify_job *job)
{
	if (job->err_ == NULL)
		job->err_ = xcalloc(1, sizeof(*job->err_));
	return &job->err_->err;
}

/* e becomes the job's last error. */
static void
job_err_keep(struct notify_job *job, const struct ad_err *e)
{
	*job_err(job) = *e;
}

#define LIST_RCPT	NHTTP_LISTS
_Static_assert(NHTTP_LISTS + 1 <= sizeof(((struct notify_job *)0)->lists_) /
    sizeof(void *), "notify_job.lists_ too short");

static void
job_free_lists(struct notify_job *job)
{
	size_t	i;

	for (i = 0; i <= LIST_RCPT; i++) {
		curl_slist_free_all(job->lists_[i]);
		job->lists_[i] = NULL;
	}
}

static void
job_finish(struct nt_worker *w, struct notify_job *job, bool ok,
    enum notify_prep prep, enum notify_reason reason)
{
	struct notify_result	res;

	if (!ok && job->counted_)
		COUNT(w, job, failed[reason]);
	job_free_lists(job);
	notify_req_release(&job->req_);
	buf_release(&job->resp_);
	job->state_ = JOB_DONE;
	memset(&res, 0, sizeof(res));
	res.ok = ok;
	res.prep = prep;
	res.attempts = job->attempts_;
	res.reason = reason;
	if (!ok) {
		/* the job may be freed by done: its error lives here */
		w->err = *job_err(job);
		res.err = &w->err;
	}
	free(job->err_);
	job->err_ = NULL;
	atomic_fetch_sub(&w->n->pending, 1);
	job->ops->done(job, &res);
}

/* Gives up: the deadline passed, or the thread stops. */
static void
job_cancel(struct nt_worker *w, struct notify_job *job, bool stopping)
{
	struct ad_err		*e = job_err(job);
	enum notify_reason	 reason;
	char			 msg[sizeof(e->msg)];

	if (job->attempts_ > 0)
		reason = job->reason_;
	else
		reason = stopping ? NOTIFY_REASON_CANCELED :
		    NOTIFY_REASON_DEADLINE;
	if (job->attempts_ == 0 || e->msg[0] == '\0')
		snprintf(msg, sizeof(msg), "%s", stopping ?
		    "context canceled" : "context deadline exceeded");
	else
		snprintf(msg, sizeof(msg), "%s", e->msg);
	ad_err_set(e, AD_EIO, "%s/%s[%u]: notify retry canceled "
	    "after %d attempts: %s", job->receiver, job->integration,
	    job->idx, job->attempts_, msg);
	job_finish(w, job, false, NOTIFY_PREP_SEND, reason);
}

static void
job_begin(struct nt_worker *w, struct notify_job *job)
{
	ad_time_t		now = ad_now();
	int64_t			mono = ad_mono();
	enum notify_prep	prep;

	job->metrics_idx_ = metrics_index(w->n, job->integration);
	if (job->deadline == AD_TIME_ZERO)
		job->deadline_mono_ = INT64_MAX;
	else
		job->deadline_mono_ = mono + (job->deadline - now);
	buf_init(&job->resp_, NOTIFY_RESP_BODY_MAX);
	notify_req_init(&job->req_);
	job->cur_ = NULL;
	notify_backoff_init(&job->backoff_, &w->n->opts.backoff);
	ad_err_clear(&w->err);
	prep = job->ops->prepare(job, &job->req_, &w->err);
	switch (prep) {
	case NOTIFY_PREP_SKIP:
		job_finish(w, job, true, prep, NOTIFY_REASON_OTHER);
		return;
	case NOTIFY_PREP_DONE:
		job->counted_ = true;
		COUNT(w, job, notifications);
		job_finish(w, job, true, prep, NOTIFY_REASON_OTHER);
		return;
	case NOTIFY_PREP_FAIL:
		job->counted_ = true;
		COUNT(w, job, notifications);
		COUNT(w, job, requests);
		COUNT(w, job, requests_failed);
		job->attempts_ = 1;
		job_err_keep(job, &w->err);
		ad_err_prefix(job_err(job), "%s/%s[%u]: notify retry canceled "
		    "due to unrecoverable error after 1 attempts",
		    job->receiver, job->integration, job->idx);
		job_finish(w, job, false, prep, NOTIFY_REASON_OTHER);
		return;
	case NOTIFY_PREP_SEND:
		break;
	}
	job->counted_ = true;
	COUNT(w, job, notifications);
	job_attempt(w, job);
}

/* Schedules the next attempt, or gives up when it would pass the deadline. */
static void
job_retry_later(struct nt_worker *w, struct notify_job *job)
{
	ad_dur_t	wait = notify_backoff_next(&job->backoff_, rng_next(w));

	job->due_ = job->started_ + wait;
	if (job->due_ >= job->deadline_mono_) {
		job_cancel(w, job, false);
		return;
	}
	job->state_ = JOB_WAITING;
	heap_push(w, job);
}

/* An attempt failed before or during the transfer (err_ is set). */
static void
job_attempt_failed(struct nt_worker *w, struct notify_job *job,
    enum notify_verdict v)
{
	struct ad_err	*e;

	COUNT(w, job, requests_failed);
	if (job->cur_ != NULL) {
		/* a chain starts over; no host slot is held here */
		job->cur_ = NULL;
		job->host_ = NULL;
	}
	if (v == NOTIFY_FAIL) {
		ad_err_prefix(job_err(job), "%s/%s[%u]: notify retry canceled "
		    "due to unrecoverable error after %d attempts",
		    job->receiver, job->integration, job->idx,
		    job->attempts_);
		job_finish(w, job, false, NOTIFY_PREP_SEND, job->reason_);
		return;
	}
	/* Alertmanager logs a retry only when the error changes. */
	e = job_err(job);
	if (strncmp(job->err_->prev_msg, e->msg,
	    sizeof(job->err_->prev_msg) - 1) != 0) {
		char	att[16], integ[64];

		snprintf(att, sizeof(att), "%d", job->attempts_);
		snprintf(integ, sizeof(integ), "%s[%u]", job->integration,
		    job->idx);
		log_warnkv("Notify attempt failed, will retry later",
		    "receiver", job->receiver, "integration", integ,
		    "attempts", att, "err", e->msg, NULL);
		snprintf(job->err_->prev_msg, sizeof(job->err_->prev_msg),
		    "%s", e->msg);
	}
	job_retry_later(w, job);
}

static void
job_succeeded(struct nt_worker *w, struct notify_job *job)
{
	char	att[16], integ[64];

	snprintf(att, sizeof(att), "%d", job->attempts_);
	snprintf(integ, sizeof(integ), "%s[%u]", job->integration, job->idx);
	if (job->attempts_ > 1)
		log_infokv("Notify success", "receiver", job->receiver,
		    "integration", integ, "attempts", att, NULL);
	else
		log_debugkv("Notify success", "receiver", job->receiver,
		    "integration", integ, "attempts", att, NULL);
	job_finish(w, job, true, NOTIFY_PREP_SEND, NOTIFY_REASON_OTHER);
}

/* --------------------------------------------------------- transfers --- */

static int
setup_http(struct nt_worker *w, struct notify_job *job, struct nt_easy *x,
    const char *oauth2)
{
	struct notify_req	*req = job_req(job);
	struct curl_slist	**l = (struct curl_slist **)job->lists_;
	int64_t			 left;
	size_t			 i;

	for (i = 0; i < req->n_headers; i++)
		l[0] = curl_slist_append(l[0], req->headers[i]);
	l[0] = curl_slist_append(l[0], "Expect:");
	l[0] = curl_slist_append(l[0], "Accept:");
	if (nhttp_apply(w->http, x->e, req->http, req->url,
	    req_has_header(req, "Authorization"), oauth2, l,
	    &w->err) == -1)
		return -1;
	curl_easy_setopt(x->e, CURLOPT_HTTPHEADER, l[NHTTP_LIST_HEADERS]);
	if (!req_has_header(req, "User-Agent"))
		curl_easy_setopt(x->e, CURLOPT_USERAGENT, w->n->user_agent);
	if (req->method == NULL || strcmp(req->method, "POST") == 0) {
		curl_easy_setopt(x->e, CURLOPT_POSTFIELDS, buf_str(&req->body));
		curl_easy_setopt(x->e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)buf_len(&req->body));
	} else if (strcmp(req->method, "GET") != 0) {
		curl_easy_setopt(x->e, CURLOPT_CUSTOMREQUEST, req->method);
		if (buf_len(&req->body) > 0) {
			curl_easy_setopt(x->e, CURLOPT_POSTFIELDS,
			    buf_str(&req->body));
			curl_easy_setopt(x->e, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)buf_len(&req->body));
		}
	}
	curl_easy_setopt(x->e, CURLOPT_WRITEFUNCTION, write_resp);
	curl_easy_setopt(x->e, CURLOPT_WRITEDATA, &job->resp_);
	left = (job->deadline_mono_ - ad_mono()) / AD_MS;
	if (req->timeout > 0 && req->timeout / AD_MS < left)
		left = req->timeout / AD_MS;
	curl_easy_setopt(x->e, CURLOPT_TIMEOUT_MS, left > 1 ? (long)left : 1L);
	curl_easy_setopt(x->e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(w->n->opts.connect_timeout / AD_MS));
	return 0;
}

static size_t
read_upload(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct notify_job	*job = arg;
	const struct buf	*b = &job_req(job)->body;
	size_t			 left = buf_len(b) - job->upload_off_;
	size_t			 n = size * nmemb < left ? size * nmemb : left;

	memcpy(ptr, buf_str(b) + job->upload_off_, n);
	job->upload_off_ += n;
	return n;
}

/* "PLAIN LOGIN" -> "AUTH=PLAIN;AUTH=LOGIN": the mechanisms libcurl may
 * choose from. */
static void
smtp_login_options(const char *mechs, char *out, size_t size)
{
	const char	*p = mechs;
	size_t		 n, len = 0;

	out[0] = '\0';
	while (*p != '\0') {
		n = strcspn(p, " ");
		if (n > 0 && len + n + 6 < size)
			len += (size_t)snprintf(out + len, size - len,
			    "%sAUTH=%.*s", len > 0 ? ";" : "", (int)n, p);
		p += n;
		p += strspn(p, " ");
	}
}

/* An SMTP request: the message in req->body, envelope and auth. */
static int
setup_smtp(struct nt_worker *w, struct notify_job *job, struct nt_easy *x)
{
	struct notify_req	*req = job_req(job);
	struct curl_slist	**l = (struct curl_slist **)job->lists_;
	int64_t			 left;
	size_t			 i;
	char			 opts[64];

	if (nhttp_apply_smtp(x->e, req->smtp_tls, req->url, l,
	    &w->err) == -1)
		return -1;
	curl_easy_setopt(x->e, CURLOPT_MAIL_FROM, req->mail_from != NULL ?
	    req->mail_from : "");
	for (i = 0; i < req->n_rcpt; i++)
		l[LIST_RCPT] = curl_slist_append(l[LIST_RCPT], req->rcpt[i]);
	curl_easy_setopt(x->e, CURLOPT_MAIL_RCPT, l[LIST_RCPT]);
	job->upload_off_ = 0;
	curl_easy_setopt(x->e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(x->e, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(x->e, CURLOPT_READDATA, job);
	curl_easy_setopt(x->e, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)buf_len(&req->body));
	/* email.go: STARTTLS only when require_tls, and then or fail */
	curl_easy_setopt(x->e, CURLOPT_USE_SSL, req->smtp_require_tls ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (req->smtp_user != NULL) {
		curl_easy_setopt(x->e, CURLOPT_USERNAME, req->smtp_user);
		curl_easy_setopt(x->e, CURLOPT_PASSWORD,
		    req->smtp_password != NULL ? req->smtp_password : "");
		if (req->smtp_auth != NULL) {
			smtp_login_options(req->smtp_auth, opts, sizeof(opts));
			curl_easy_setopt(x->e, CURLOPT_LOGIN_OPTIONS, opts);
		}
		if (req->smtp_authzid != NULL)
			curl_easy_setopt(x->e, CURLOPT_SASL_AUTHZID,
			    req->smtp_authzid);
		/* net/smtp sends the initial response with AUTH */
		curl_easy_setopt(x->e, CURLOPT_SASL_IR, 1L);
	}
	left = (job->deadline_mono_ - ad_mono()) / AD_MS;
	if (req->timeout > 0 && req->timeout / AD_MS < left)
		left = req->timeout / AD_MS;
	curl_easy_setopt(x->e, CURLOPT_TIMEOUT_MS, left > 1 ? (long)left : 1L);
	curl_easy_setopt(x->e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(w->n->opts.connect_timeout / AD_MS));
	return 0;
}

/* Starts a token fetch for t on behalf of job. */
static int
token_fetch(struct nt_worker *w, struct nhttp_token *t, struct notify_job *job)
{
	struct nt_easy	*x = easy_get(w);
	int64_t		 left = job->deadline_mono_ - ad_mono();

	x->token = t;
	if (left > 60 * AD_SEC || left <= 0)
		left = 60 * AD_SEC;
	if (nhttp_token_fetch_setup(w->http, t, x->e, left, job_err(job)) ==
	    -1) {
		easy_put(w, x);
		return -1;
	}
	curl_easy_setopt(x->e, CURLOPT_ERRORBUFFER, x->errbuf);
	x->lane = &w->lanes[0];
	curl_multi_add_handle(x->lane->multi, x->e);
	return 0;
}

/* Returns the oauth2 header, or NULL when the job waits or failed. */
static const char *
job_token(struct nt_worker *w, struct notify_job *job, bool *failed)
{
	const struct config_http	*c = job_req(job)->http;
	struct nhttp_token		*t;
	struct notify_job		**wl;

	*failed = false;
	t = nhttp_token_lookup(w->http, c, job_err(job));
	if (t == NULL) {
		*failed = true;
		return NULL;
	}
	switch (nhttp_token_state(t, ad_mono())) {
	case NHTTP_TOKEN_READY:
		return nhttp_token_header(t);
	case NHTTP_TOKEN_STALE:
		if (token_fetch(w, t, job) == -1) {
			*failed = true;
			return NULL;
		}
		break;
	case NHTTP_TOKEN_PENDING:
		break;
	}
	wl = nhttp_token_waiters(t);
	job->next_ = *wl;
	*wl = job;
	job->token_ = t;
	job->state_ = JOB_TOKEN_WAIT;
	return NULL;
}

/* ------------------------------------------------------------- hosts --- */

/* "scheme://host:port" of a URL, as curl counts connections per host. */
static struct nt_host *
host_of(struct nt_worker *w, const char *url)
{
	const char	*p = strstr(url, "://"), *end;
	struct nt_host	*h, **pp;
	size_t		 len;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	len = (size_t)(end - url);
	for (pp = &w->hosts; *pp != NULL; pp = &(*pp)->next) {
		h = *pp;
		if (strncmp(h->key, url, len) == 0 && h->key[len] == '\0') {
			/* move to front: few hosts, most traffic to a few */
			*pp = h->next;
			h->next = w->hosts;
			w->hosts = h;
			return h;
		}
	}
	h = xcalloc(1, sizeof(*h));
	h->key = xstrndup(url, len);
	h->next = w->hosts;
	w->hosts = h;
	return h;
}

/* Takes a request slot for job, or queues it (false). */
static bool
host_take(struct nt_worker *w, struct notify_job *job)
{
	struct nt_host	*h;
	unsigned	 l;

	if (job->host_ == NULL)
		job->host_ = host_of(w, job_req(job)->url);
	h = job->host_;
	if (h->active >= w->max_host || w->active >= w->max_total) {
		job->next_ = NULL;
		if (h->q_tail != NULL)
			h->q_tail->next_ = job;
		else
			h->q_head = job;
		h->q_tail = job;
		job->state_ = JOB_HOST_WAIT;
		return false;
	}
	/* the lane with the fewest requests to the host: it has room, as
	 * lane_host * n_lanes >= max_host; ties go to the first, whose
	 * connections are then reused first */
	job->lane_ = 0;
	for (l = 1; l < w->n_lanes; l++)
		if (h->lane_active[l] < h->lane_active[job->lane_])
			job->lane_ = l;
	h->lane_active[job->lane_]++;
	h->active++;
	w->active++;
	return true;
}

static void
host_release(struct nt_worker *w, struct notify_job *job)
{
	struct nt_host	*h = job->host_;

	h->lane_active[job->lane_]--;
	h->active--;
	w->active--;
	w->kick = true;
}

static struct notify_job *
host_pop(struct nt_host *h)
{
	struct notify_job	*job = h->q_head;

	h->q_head = job->next_;
	if (h->q_head == NULL)
		h->q_tail = NULL;
	job->next_ = NULL;
	return job;
}

/* Starts waiters where slots are free (from the loop: no recursion). */
static void
host_kick(struct nt_worker *w)
{
	struct nt_host	*h;

	w->kick = false;
	for (h = w->hosts; h != NULL; h = h->next)
		while (h->q_head != NULL && h->active < w->max_host &&
		    w->active < w->max_total)
			job_attempt(w, host_pop(h));
}

/* Waiters whose deadline passed end now, not when a slot frees. */
static void
host_sweep(struct nt_worker *w, bool stopping)
{
	struct nt_host		*h;
	struct notify_job	*job, *keep, **tail;
	int64_t			 now = ad_mono();

	for (h = w->hosts; h != NULL; h = h->next) {
		job = h->q_head;
		keep = NULL;
		tail = &keep;
		h->q_head = h->q_tail = NULL;
		while (job != NULL) {
			struct notify_job *next = job->next_;

			job->next_ = NULL;
			if (stopping || job->deadline_mono_ - now < 5 * AD_MS) {
				job_cancel(w, job, stopping);
			} else {
				*tail = job;
				tail = &job->next_;
				h->q_tail = job;
			}
			job = next;
		}
		h->q_head = keep;
	}
	w->next_sweep = now + 100 * AD_MS;
}

static void
job_attempt(struct nt_worker *w, struct notify_job *job)
{
	struct notify_req	*req = job_req(job);
	const char		*oauth2 = NULL;
	struct nt_easy		*x;
	bool			 failed;
	size_t			 resp_cap;

	/* A request with less than a few ms left could not complete; a
	 * transfer cut by the deadline ends a hair before it. */
	if (job->deadline_mono_ - ad_mono() < 5 * AD_MS) {
		job_cancel(w, job, false);
		return;
	}
	if (!req->smtp && req->http != NULL && req->http->oauth2 != NULL) {
		oauth2 = job_token(w, job, &failed);
		if (oauth2 == NULL && !failed)
			return;		/* waits for the token */
	}
	if (!host_take(w, job))
		return;			/* waits for a request slot */
	if (job_first_req(job)) {
		/* the later requests of a chain belong to this attempt */
		job->attempts_++;
		job->started_ = ad_mono();
		COUNT(w, job, requests);
	}
	if (oauth2 == NULL && !req->smtp && req->http != NULL &&
	    req->http->oauth2 != NULL) {
		/* the token could not be had: a failed, retryable attempt */
		host_release(w, job);
		job->reason_ = NOTIFY_REASON_OTHER;
		metrics_latency(w, job, 0);
		job_attempt_failed(w, job, NOTIFY_RETRY);
		return;
	}
	if (req->body_fn != NULL) {
		/* built now that it can leave (notify_req.body_fn) */
		void (*fn)(struct notify_job *, struct notify_req *) =
		    req->body_fn;

		req->body_fn = NULL;
		fn(job, req);
	}
	x = easy_get(w);
	x->job = job;
	job->easy_ = x;
	resp_cap = req->resp_max > 0 ? req->resp_max : NOTIFY_RESP_BODY_MAX;
	if (job->resp_.b_cap == resp_cap) {
		buf_reset(&job->resp_);
	} else {
		buf_release(&job->resp_);
		buf_init(&job->resp_, resp_cap);
	}
	job_free_lists(job);
	if ((req->smtp ? setup_smtp(w, job, x) :
	    setup_http(w, job, x, oauth2)) == -1) {
		job_err_keep(job, &w->err);
		easy_put(w, x);
		job->easy_ = NULL;
		host_release(w, job);
		job->reason_ = NOTIFY_REASON_OTHER;
		job_attempt_failed(w, job, NOTIFY_RETRY);
		return;
	}
	job->state_ = JOB_INFLIGHT;
	x->lane = &w->lanes[job->lane_];
	curl_multi_add_handle(x->lane->multi, x->e);
}

/*
 * The URL for error messages: one read from a file is a secret; a
 * password in the userinfo shows as "***", as Go's net/http
 * stripPassword shows it in Alertmanager's "Post ..." errors.
 */
static void
redacted_url(const struct notify_req *req, struct buf *out)
{
	const char	*u = req->url, *auth, *end, *at, *colon;

	if (req->url_is_secret) {
		buf_addstr(out, "<redacted>");
		return;
	}
	auth = strstr(u, "://");
	auth = auth != NULL ? auth + 3 : u;
	end = auth + strcspn(auth, "/?#");
	at = memrchr(auth, '@', (size_t)(end - auth));
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL) {
		buf_addstr(out, u);
		return;
	}
	buf_add(out, u, (size_t)(colon + 1 - u));
	buf_addstr(out, "***");
	buf_addstr(out, at);
}

/* Go's url.Error Op for a request: "Post", "Get", "Put"; SMTP: "send". */
static void
req_op(const struct notify_req *req, char *op, size_t size)
{
	size_t	i;

	snprintf(op, size, "%s", req->smtp ? "send" : req->method != NULL ?
	    req->method : "Post");
	for (i = 1; op[i] != '\0'; i++)
		op[i] = (char)tolower((unsigned char)op[i]);
}

static void
job_transfer_done(struct nt_worker *w, struct nt_easy *x, CURLcode rc)
{
	struct notify_job	*job = x->job;
	struct notify_req	*req = job_req(job);
	struct notify_resp	 resp;
	enum notify_verdict	 v;
	struct buf		 url;
	long			 status = 0;
	char			 msg[CURL_ERROR_SIZE + 64], op[16];
	bool			 last = false;

	memset(&resp, 0, sizeof(resp));
	if (rc == CURLE_OK)
		curl_easy_getinfo(x->e, CURLINFO_RESPONSE_CODE, &status);
	resp.status = status;
	resp.body = buf_str(&job->resp_);
	resp.body_len = buf_len(&job->resp_);
	resp.curl_code = rc;
	buf_init(&url, BUF_NOCAP);
	resp.url = req->url;
	if (req->url_is_secret || strchr(req->url, '@') != NULL) {
		/* only a URL with userinfo (or a secret one) changes */
		redacted_url(req, &url);
		resp.url = buf_str(&url);
	}
	resp.verdict_note = req->verdict_note;
	resp.next = req->next;
	resp.req = req;
	if (rc != CURLE_OK) {
		req_op(req, op, sizeof(op));
		snprintf(msg, sizeof(msg), "%s \"%s\": %s", op, resp.url,
		    x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc));
		resp.curl_error = msg;
	}
	ad_err_clear(&w->err);
	v = job->ops->verdict != NULL ?
	    job->ops->verdict(job, &resp, &w->err) :
	    notifier_default_verdict(NULL, &resp, &w->err);
	if (v == NOTIFY_DONE) {
		/* success; what follows in the chain is not sent */
		v = NOTIFY_OK;
		last = true;
	}
	if (v != NOTIFY_OK || job->err_ != NULL)
		job_err_keep(job, &w->err);
	buf_release(&url);
	easy_put(w, x);
	job->easy_ = NULL;
	host_release(w, job);
	if (req->next != NULL && !last) {
		/* a chain: the next request may go to another host */
		job->host_ = NULL;
		job->cur_ = v == NOTIFY_OK ? req->next : NULL;
		if (v == NOTIFY_OK) {
			job_attempt(w, job);
			return;
		}
	} else if (job->cur_ != NULL) {
		job->host_ = NULL;
		job->cur_ = NULL;
	}
	metrics_latency(w, job, ad_mono() - job->started_);
	if (v == NOTIFY_OK) {
		job_succeeded(w, job);
		return;
	}
	if (status / 100 == 4)
		job->reason_ = NOTIFY_REASON_CLIENT;
	else if (status / 100 == 5)
		job->reason_ = NOTIFY_REASON_SERVER;
	else
		job->reason_ = NOTIFY_REASON_OTHER;
	job_attempt_failed(w, job, v);
}

static void
token_done(struct nt_worker *w, struct nt_easy *x, CURLcode rc)
{
	struct nhttp_token	*t = x->token;
	struct notify_job	*job, *next, **wl;
	struct ad_err		 err;
	int			 r;

	ad_err_clear(&err);
	r = nhttp_token_fetch_done(w->http, t, x->e, rc, ad_mono(), &err);
	easy_put(w, x);
	wl = nhttp_token_waiters(t);
	if (r == NHTTP_TOKEN_STALE && *wl != NULL) {
		if (token_fetch(w, t, *wl) == 0)
			return;
		err = *job_err(*wl);
	}
	job = *wl;
	*wl = NULL;
	for (; job != NULL; job = next) {
		next = job->next_;
		job->next_ = NULL;
		job->token_ = NULL;
		if (r == NHTTP_TOKEN_READY) {
			job_attempt(w, job);
			continue;
		}
		job_err_keep(job, &err);
		if (job_first_req(job)) {
			job->attempts_++;
			job->started_ = ad_mono();
			COUNT(w, job, requests);
		}
		job->cur_ = NULL;
		job->host_ = NULL;
		metrics_latency(w, job, ad_mono() - job->started_);
		job->reason_ = NOTIFY_REASON_OTHER;
		job_attempt_failed(w, job, NOTIFY_RETRY);
	}
}

/*
 * The transfers of a lane that ended.  Every message is read before any
 * handle is removed: curl_multi_remove_handle searches the queue of
 * unread messages.
 */
static void
read_infos(struct nt_lane *ln)
{
	struct nt_done {
		struct nt_easy	*x;
		CURLcode	 rc;
	}		 done[64];
	CURLMsg		*m;
	int		 left;
	size_t		 n, i;
	struct nt_easy	*x;

	ln->io = false;
	do {
		n = 0;
		while (n < sizeof(done) / sizeof(*done) &&
		    (m = curl_multi_info_read(ln->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			x = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&x);
			if (x == NULL)
				continue;
			done[n].x = x;
			done[n++].rc = m->data.result;
		}
		for (i = 0; i < n; i++) {
			if (done[i].x->token != NULL)
				token_done(ln->w, done[i].x, done[i].rc);
			else
				job_transfer_done(ln->w, done[i].x,
				    done[i].rc);
		}
	} while (n == sizeof(done) / sizeof(*done));
}

/* -------------------------------------------------------------- loop --- */

/*
 * A retry.  Alertmanager's RetryStage calls Notify again; a request that
 * asked for it (req_.reprepare) is built again rather than replayed.
 */
static void
job_retry(struct nt_worker *w, struct notify_job *job)
{
	enum notify_prep	prep;
	struct ad_err		err;

	if (!job->req_.reprepare) {
		job_attempt(w, job);
		return;
	}
	job_free_lists(job);
	notify_req_release(&job->req_);
	ad_err_clear(&err);
	prep = job->ops->prepare(job, &job->req_, &err);
	switch (prep) {
	case NOTIFY_PREP_SEND:
		job_attempt(w, job);
		return;
	case NOTIFY_PREP_FAIL:
		job->attempts_++;
		COUNT(w, job, requests);
		COUNT(w, job, requests_failed);
		job_err_keep(job, &err);
		ad_err_prefix(job_err(job), "%s/%s[%u]: notify retry canceled "
		    "due to unrecoverable error after %d attempts",
		    job->receiver, job->integration, job->idx,
		    job->attempts_);
		job_finish(w, job, false, prep, NOTIFY_REASON_OTHER);
		return;
	case NOTIFY_PREP_DONE:
	case NOTIFY_PREP_SKIP:
		job_finish(w, job, true, prep, NOTIFY_REASON_OTHER);
		return;
	}
}

static void
run_due(struct nt_worker *w)
{
	int64_t			 now = ad_mono();
	struct notify_job	*job;

	while (w->n_heap > 0 && w->heap[0]->due_ <= now) {
		job = heap_pop(w);
		job_retry(w, job);
	}
}

/* epoll's data for a socket: the lane in the high half, the fd below. */
#define EV_DATA(lane, fd)	((uint64_t)(lane) << 32 | (uint32_t)(fd))
#define EV_LANE(d)		((unsigned)((d) >> 32))
#define EV_FD(d)		((int)(uint32_t)(d))
#define EV_WAKEUP		UINT64_MAX

/* CURLMOPT_SOCKETFUNCTION: mirrors curl's interest in epoll. */
static int
sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct nt_lane		*ln = userp;
	struct nt_worker	*w = ln->w;
	struct epoll_event	 ev;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		(void)epoll_ctl(w->epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(ln->multi, s, NULL);
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.data.u64 = EV_DATA(ln->idx, s);
	if (what & CURL_POLL_IN)
		ev.events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev.events |= EPOLLOUT;
	if (socketp == NULL) {
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, s, &ev) == -1 &&
		    errno == EEXIST)
			(void)epoll_ctl(w->epfd, EPOLL_CTL_MOD, s, &ev);
		curl_multi_assign(ln->multi, s, ln);
	} else if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, s, &ev) == -1 &&
	    errno == ENOENT) {
		(void)epoll_ctl(w->epfd, EPOLL_CTL_ADD, s, &ev);
	}
	return 0;
}

/* CURLMOPT_TIMERFUNCTION */
static int
timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	struct nt_lane	*ln = userp;

	(void)m;
	ln->curl_timer = timeout_ms < 0 ? -1 : ad_mono() + timeout_ms * AD_MS;
	return 0;
}

static int
wait_ms(struct nt_worker *w)
{
	int64_t		now = ad_mono(), until = now + AD_SEC;
	unsigned	l;

	if (w->kick)
		return 0;
	if (w->n_heap > 0 && w->heap[0]->due_ < until)
		until = w->heap[0]->due_;
	for (l = 0; l < w->n_lanes; l++)
		if (w->lanes[l].curl_timer >= 0 &&
		    w->lanes[l].curl_timer < until)
			until = w->lanes[l].curl_timer;
	if (until <= now)
		return 0;
	return (int)((until - now + AD_MS - 1) / AD_MS);
}

/* Waits for sockets, the wakeup or a timer, and lets curl act. */
static void
run_io(struct nt_worker *w)
{
	struct epoll_event	 evs[256];
	struct nt_lane		*ln;
	int			 nev, i, running, flags;
	unsigned		 l;
	int64_t			 now;
	uint64_t		 v;

	nev = epoll_wait(w->epfd, evs, 256, wait_ms(w));
	for (i = 0; i < nev; i++) {
		if (evs[i].data.u64 == EV_WAKEUP) {
			if (read(w->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				log_warn("eventfd: %s", strerror(errno));
			continue;
		}
		flags = 0;
		if (evs[i].events & EPOLLIN)
			flags |= CURL_CSELECT_IN;
		if (evs[i].events & EPOLLOUT)
			flags |= CURL_CSELECT_OUT;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			flags |= CURL_CSELECT_ERR;
		ln = &w->lanes[EV_LANE(evs[i].data.u64)];
		ln->io = true;
		curl_multi_socket_action(ln->multi, EV_FD(evs[i].data.u64),
		    flags, &running);
	}
	now = ad_mono();
	for (l = 0; l < w->n_lanes; l++) {
		ln = &w->lanes[l];
		if (ln->curl_timer >= 0 && now >= ln->curl_timer) {
			ln->curl_timer = -1;
			ln->io = true;
			curl_multi_socket_action(ln->multi,
			    CURL_SOCKET_TIMEOUT, 0, &running);
		}
	}
	for (l = 0; l < w->n_lanes; l++)
		if (w->lanes[l].io)
			read_infos(&w->lanes[l]);
}

/* Takes the submit queue; returns true when the thread must stop. */
static bool
take_queue(struct nt_worker *w, struct notify_job **jobs)
{
	bool	stop;

	pthread_mutex_lock(&w->mu);
	*jobs = w->q_head;
	w->q_head = w->q_tail = NULL;
	stop = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

static void
wakeup(struct nt_worker *w)
{
	uint64_t	one = 1;

	if (write(w->evfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("eventfd: %s", strerror(errno));
}

static void
cancel_list(struct nt_worker *w, struct notify_job *job)
{
	struct notify_job	*next;

	for (; job != NULL; job = next) {
		next = job->next_;
		job->next_ = NULL;
		job_cancel(w, job, true);
	}
}

static void
cancel_all(struct nt_worker *w, struct notify_job *queued)
{
	struct notify_job	*job;
	size_t			 i;

	for (job = queued; job != NULL; job = job->next_) {
		buf_init(&job->resp_, NOTIFY_RESP_BODY_MAX);
		notify_req_init(&job->req_);
	}
	cancel_list(w, queued);
	while (w->n_heap > 0)
		job_cancel(w, heap_pop(w), true);
	host_sweep(w, true);
	for (i = 0; i < w->n_easies; i++) {
		struct nt_easy	*x = w->easies[i];

		if (!x->in_use)
			continue;
		if (x->token != NULL) {
			struct notify_job **wl = nhttp_token_waiters(x->token);

			job = *wl;
			*wl = NULL;
			easy_put(w, x);
			cancel_list(w, job);
			continue;
		}
		job = x->job;
		easy_put(w, x);
		job->easy_ = NULL;
		host_release(w, job);
		/* the attempt in flight never completed */
		job->reason_ = NOTIFY_REASON_CANCELED;
		if (job->err_ != NULL)
			job->err_->err.msg[0] = '\0';
		job_cancel(w, job, true);
	}
}

static void *
notify_main(void *arg)
{
	struct nt_worker	*w = arg;
	struct notify_job	*jobs, *next;

	log_set_component("notify");
	for (;;) {
		if (take_queue(w, &jobs))
			break;
		for (; jobs != NULL; jobs = next) {
			next = jobs->next_;
			jobs->next_ = NULL;
			job_begin(w, jobs);
		}
		run_due(w);
		run_io(w);
		if (w->kick)
			host_kick(w);
		if (ad_mono() >= w->next_sweep)
			host_sweep(w, false);
	}
	cancel_all(w, jobs);
	return NULL;
}

/* ---------------------------------------------------------- lifecycle --- */

#define NOTIFY_THREADS_MAX	16

/* One worker per CPU, at least 2 (smaller connection caches are cheaper
 * to search: libcurl walks them on every request), at most 4. */
static unsigned
default_threads(void)
{
	long	cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 2)
		return 2;
	return cpus > 4 ? 4 : (unsigned)cpus;
}

/* k's share of total over n workers (the first ones get the remainder). */
static long
share_of(long total, unsigned n, unsigned k)
{
	long	s = total / n + ((long)k < total % n ? 1 : 0);

	return s > 0 ? s : 1;
}

/*
 * Our own accounting keeps every lane within lane_host requests per host
 * and the worker within max_total, so curl never has to hold a transfer
 * back (its pending list is searched linearly).
 */
static void
lane_init(struct nt_worker *w, unsigned l)
{
	struct nt_lane	*ln = &w->lanes[l];

	ln->w = w;
	ln->idx = l;
	ln->curl_timer = -1;
	ln->multi = curl_multi_init();
	if (ln->multi == NULL)
		fatalx("curl_multi_init failed");
	curl_multi_setopt(ln->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    w->lane_host);
	curl_multi_setopt(ln->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    w->max_total);
	curl_multi_setopt(ln->multi, CURLMOPT_MAXCONNECTS, w->max_total);
	curl_multi_setopt(ln->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(ln->multi, CURLMOPT_SOCKETDATA, ln);
	curl_multi_setopt(ln->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(ln->multi, CURLMOPT_TIMERDATA, ln);
}

static void
worker_init(struct notify *n, struct nt_worker *w, unsigned k)
{
	struct epoll_event	ev;
	unsigned		l;

	w->n = n;
	w->idx = k;
	w->max_host = share_of(n->opts.max_host_connections, n->n_workers, k);
	w->max_total = share_of(n->opts.max_total_connections, n->n_workers,
	    k);
	w->rng = (n->opts.seed != 0 ? n->opts.seed : (uint64_t)ad_mono()) +
	    0x9E3779B97F4A7C15ULL * k;
	w->rng |= 1;
	pthread_mutex_init(&w->mu, NULL);
	w->stopping = true;		/* until notify_start */
	w->share = curl_share_init();
	if (w->share == NULL)
		fatalx("curl_share_init failed");
	curl_share_setopt(w->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(w->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_SSL_SESSION);
	w->n_lanes = (unsigned)((w->max_host + NOTIFY_LANE_CONNS - 1) /
	    NOTIFY_LANE_CONNS);
	if (w->n_lanes > NOTIFY_LANES_MAX)
		w->n_lanes = NOTIFY_LANES_MAX;
	w->lane_host = (w->max_host + w->n_lanes - 1) / w->n_lanes;
	for (l = 0; l < w->n_lanes; l++)
		lane_init(w, l);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->epfd == -1 || w->evfd == -1)
		fatalx("epoll/eventfd: %s", strerror(errno));
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = EV_WAKEUP;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev) == -1)
		fatalx("epoll_ctl: %s", strerror(errno));
	w->http = nhttp_new(n->user_agent);
}

static void
worker_release(struct nt_worker *w)
{
	size_t		i;
	unsigned	l;

	for (i = 0; i < w->n_easies; i++) {
		if (w->easies[i]->lane != NULL)
			curl_multi_remove_handle(w->easies[i]->lane->multi,
			    w->easies[i]->e);
		curl_easy_cleanup(w->easies[i]->e);
		free(w->easies[i]);
	}
	free(w->easies);
	free(w->pool);
	free(w->heap);
	while (w->hosts != NULL) {
		struct nt_host *h = w->hosts;

		w->hosts = h->next;
		free(h->key);
		free(h);
	}
	nhttp_free(w->http);
	for (l = 0; l < w->n_lanes; l++)
		curl_multi_cleanup(w->lanes[l].multi);
	curl_share_cleanup(w->share);
	close(w->epfd);
	close(w->evfd);
	pthread_mutex_destroy(&w->mu);
}

struct notify *
notify_new(const struct notify_opts *opts)
{
	struct notify	*n;
	unsigned	 k;
	size_t		 i;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	n = xcalloc(1, sizeof(*n));
	if (opts != NULL)
		n->opts = *opts;
	if (n->opts.max_host_connections <= 0)
		n->opts.max_host_connections = 256;
	if (n->opts.max_total_connections <= 0)
		n->opts.max_total_connections = 4096;
	if (n->opts.connect_timeout <= 0)
		n->opts.connect_timeout = 30 * AD_SEC;
	if (n->opts.threads == 0)
		n->opts.threads = default_threads();
	if (n->opts.threads > NOTIFY_THREADS_MAX)
		n->opts.threads = NOTIFY_THREADS_MAX;
	/* every worker must be able to send: the limits stay the process's */
	if ((long)n->opts.threads > n->opts.max_host_connections)
		n->opts.threads = (unsigned)n->opts.max_host_connections;
	if ((long)n->opts.threads > n->opts.max_total_connections)
		n->opts.threads = (unsigned)n->opts.max_total_connections;
	n->user_agent = xstrdup(n->opts.user_agent != NULL ?
	    n->opts.user_agent : NOTIFY_UA_DEFAULT);
	n->opts.user_agent = n->user_agent;
	pthread_mutex_init(&n->mu, NULL);
	pthread_mutex_init(&n->metrics_mu, NULL);
	n->n_workers = n->opts.threads;
	n->workers = xcalloc(n->n_workers, sizeof(*n->workers));
	for (k = 0; k < n->n_workers; k++)
		worker_init(n, &n->workers[k], k);
	for (i = 0; i < sizeof(am_integrations) / sizeof(*am_integrations);
	    i++)
		(void)metrics_index(n, am_integrations[i]);
	return n;
}

static void
worker_stop(struct nt_worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_mutex_unlock(&w->mu);
	wakeup(w);
	pthread_join(w->thread, NULL);
}

int
notify_start(struct notify *n, struct ad_err *err)
{
	struct sigaction	 sa;
	struct nt_worker	*w;
	unsigned		 k;
	int			 rc;

	/* Writes to a closed peer must fail with EPIPE, not kill us. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	pthread_mutex_lock(&n->mu);
	for (k = 0; k < n->n_workers; k++) {
		w = &n->workers[k];
		w->stopping = false;
		rc = pthread_create(&w->thread, NULL, notify_main, w);
		if (rc != 0) {
			w->stopping = true;
			while (k-- > 0)
				worker_stop(&n->workers[k]);
			n->joined = true;
			pthread_mutex_unlock(&n->mu);
			return ad_err_set(err, AD_EINTERNAL, "cannot start the "
			    "notify thread: %s", strerror(rc));
		}
		pthread_setname_np(w->thread, "notify");
	}
	n->started = true;
	pthread_mutex_unlock(&n->mu);
	return 0;
}

void
notify_stop(struct notify *n)
{
	unsigned	k;
	bool		join;

	pthread_mutex_lock(&n->mu);
	join = n->started && !n->joined;
	n->joined = true;
	pthread_mutex_unlock(&n->mu);
	if (!join)
		return;
	for (k = 0; k < n->n_workers; k++) {
		pthread_mutex_lock(&n->workers[k].mu);
		n->workers[k].stopping = true;
		pthread_mutex_unlock(&n->workers[k].mu);
		wakeup(&n->workers[k]);
	}
	for (k = 0; k < n->n_workers; k++)
		pthread_join(n->workers[k].thread, NULL);
}

void
notify_free(struct notify *n)
{
	unsigned	k;

	if (n == NULL)
		return;
	notify_stop(n);
	for (k = 0; k < n->n_workers; k++)
		worker_release(&n->workers[k]);
	free(n->workers);
	pthread_mutex_destroy(&n->metrics_mu);
	pthread_mutex_destroy(&n->mu);
	free(n->user_agent);
	free(n);
	curl_global_cleanup();
}

/* Jobs of one receiver, integration and index share a worker by default:
 * its connections and its OAuth2 token. */
static uint64_t
job_affinity(const struct notify_job *job)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	const char	*s;

	if (job->affinity != 0)
		return job->affinity;
	for (s = job->receiver != NULL ? job->receiver : ""; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	for (s = job->integration != NULL ? job->integration : ""; *s != '\0';
	    s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ job->idx) * 0x100000001b3ULL;
}

static struct nt_worker *
worker_of(struct notify *n, const struct notify_job *job)
{
	uint64_t	h = job_affinity(job) * 0x9E3779B97F4A7C15ULL;

	return &n->workers[(h >> 32) % n->n_workers];
}

/* Appends job to w's queue (w->mu held); true when w must be woken. */
static bool
worker_enqueue(struct nt_worker *w, struct notify_job *job)
{
	/* a non-empty queue has its wakeup pending already */
	bool	wake = w->q_head == NULL;

	job->state_ = JOB_QUEUED;
	job->next_ = NULL;
	if (w->q_tail != NULL)
		w->q_tail->next_ = job;
	else
		w->q_head = job;
	w->q_tail = job;
	return wake;
}

int
notify_submitv(struct notify *n, struct notify_job **jobs, size_t n_jobs)
{
	struct nt_worker	*ws[NOTIFY_THREADS_MAX];
	bool			 used[NOTIFY_THREADS_MAX] = { false };
	bool			 wake[NOTIFY_THREADS_MAX] = { false };
	bool			 ok = true;
	unsigned		 k;
	size_t			 i;

	if (n_jobs == 0)
		return 0;
	/* all or none: every worker involved is locked, in order */
	for (i = 0; i < n_jobs; i++)
		used[worker_of(n, jobs[i])->idx] = true;
	for (k = 0; k < n->n_workers; k++) {
		ws[k] = &n->workers[k];
		if (!used[k])
			continue;
		pthread_mutex_lock(&ws[k]->mu);
		if (ws[k]->stopping)
			ok = false;
	}
	if (ok) {
		atomic_fetch_add(&n->pending, n_jobs);
		for (i = 0; i < n_jobs; i++) {
			struct nt_worker *w = worker_of(n, jobs[i]);

			if (worker_enqueue(w, jobs[i]))
				wake[w->idx] = true;
		}
	}
	for (k = 0; k < n->n_workers; k++)
		if (used[k])
			pthread_mutex_unlock(&ws[k]->mu);
	for (k = 0; k < n->n_workers; k++)
		if (wake[k])
			wakeup(ws[k]);
	return ok ? 0 : -1;
}

int
notify_submit(struct notify *n, struct notify_job *job)
{
	struct nt_worker	*w = worker_of(n, job);
	bool			 wake;

	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	atomic_fetch_add(&n->pending, 1);
	wake = worker_enqueue(w, job);
	pthread_mutex_unlock(&w->mu);
	if (wake)
		wakeup(w);
	return 0;
}

size_t
notify_pending(struct notify *n)
{
	return atomic_load(&n->pending);
}
