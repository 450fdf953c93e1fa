/*
 * notify: Alertmanager's backoff schedule, the default verdict, and the
 * notify thread against a local HTTP server: retries after 5xx, none
 * after 4xx, the deadline, per-request timeouts, connection errors,
 * headers (User-Agent, auth), OAuth2 tokens, cancellation at stop, and
 * the metrics.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nhttp.h"
#include "notifiers/notify.h"
#include "tests/unit/check_notify_httpd.h"

/* ------------------------------------------------------------ backoff --- */

START_TEST(backoff_schedule)
{
	struct notify_backoff	b;
	/* cenkalti/backoff's documented table: interval and [min, max] */
	static const double	iv[] = { 0.5, 0.75, 1.125, 1.6875, 2.53125,
	    3.796875, 5.6953125, 8.54296875, 12.814453125 };
	size_t			i;

	notify_backoff_init(&b, NULL);
	for (i = 0; i < sizeof(iv) / sizeof(*iv); i++) {
		struct notify_backoff	c = b;
		ad_dur_t		lo, hi;

		ck_assert_int_eq(b.current / AD_MS, (int64_t)(iv[i] * 1000));
		lo = notify_backoff_next(&c, 0.0);
		c = b;
		hi = notify_backoff_next(&c, 0.999999999);
		/* +-50% around the interval (Go adds 1ns to the span) */
		ck_assert_int_eq(lo, (ad_dur_t)(iv[i] * 0.5 * AD_SEC));
		ck_assert_int_le(hi, (ad_dur_t)(iv[i] * 1.5 * AD_SEC) + 1);
		ck_assert_int_ge(hi, (ad_dur_t)(iv[i] * 1.5 * AD_SEC) - 20);
		(void)notify_backoff_next(&b, 0.5);
	}
	/* the interval is capped at 60s, the randomized wait is not */
	for (i = 0; i < 20; i++)
		(void)notify_backoff_next(&b, 0.5);
	ck_assert_int_eq(b.current, 60 * AD_SEC);
	ck_assert_int_eq(notify_backoff_next(&b, 0.0), 30 * AD_SEC);
	ck_assert_int_ge(notify_backoff_next(&b, 0.999999), 89 * AD_SEC);
	ck_assert_int_eq(b.current, 60 * AD_SEC);
}
END_TEST

START_TEST(backoff_between_1_and_59)
{
	struct notify_backoff	b;

	/* 11.53 s is the last interval under 60 s / 1.5 ... */
	notify_backoff_init(&b, NULL);
	b.current = 39 * AD_SEC;
	(void)notify_backoff_next(&b, 0.5);
	ck_assert_int_eq(b.current, (ad_dur_t)(58.5 * AD_SEC));
	(void)notify_backoff_next(&b, 0.5);
	ck_assert_int_eq(b.current, 60 * AD_SEC);
}
END_TEST

/* ----------------------------------------------------------- verdict --- */

START_TEST(default_verdict)
{
	static const struct {
		long			 status;
		const char		*body;
		enum notify_verdict	 v;
		const char		*msg;
	} tab[] = {
		{ 200, "", NOTIFY_OK, "" },
		{ 204, "", NOTIFY_OK, "" },
		{ 299, "", NOTIFY_OK, "" },
		{ 500, "boom", NOTIFY_RETRY, "unexpected status code 500: boom" },
		{ 503, "", NOTIFY_RETRY, "unexpected status code 503" },
		{ 404, "nope", NOTIFY_FAIL, "unexpected status code 404: nope" },
		/* Alertmanager's default retrier does not retry 429 */
		{ 429, "", NOTIFY_FAIL, "unexpected status code 429" },
		{ 301, "", NOTIFY_FAIL, "unexpected status code 301" },
	};
	size_t	i;

	for (i = 0; i < sizeof(tab) / sizeof(*tab); i++) {
		struct notify_resp	r = { 0 };
		struct ad_err		err = { 0 };

		r.status = tab[i].status;
		r.body = tab[i].body;
		r.body_len = strlen(tab[i].body);
		ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
		    tab[i].v);
		ck_assert_str_eq(err.msg, tab[i].msg);
	}
	{
		struct notify_resp	r = { 0 };
		struct ad_err		err = { 0 };

		r.curl_error = "Post \"x\": connection refused";
		ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
		    NOTIFY_RETRY);
		ck_assert_str_eq(err.msg, "Post \"x\": connection refused");
	}
}
END_TEST

START_TEST(helpers)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	gourl_query_escape(&b, "a b&c=d/é~_.-", 14);
	ck_assert_str_eq(buf_str(&b), "a+b%26c%3Dd%2F%C3%A9~_.-");
	buf_reset(&b);
	nhttp_base64(&b, "user:pass", 9);
	ck_assert_str_eq(buf_str(&b), "dXNlcjpwYXNz");
	buf_reset(&b);
	nhttp_base64(&b, "ab", 2);
	ck_assert_str_eq(buf_str(&b), "YWI=");
	buf_reset(&b);
	nhttp_base64(&b, "a", 1);
	ck_assert_str_eq(buf_str(&b), "YQ==");
	buf_release(&b);
}
END_TEST

/* --------------------------------------------------------- with a server --- */

struct tjob {
	struct notify_job	 job;
	char			*url;
	struct config_http	*http;
	ad_dur_t		 timeout;
	const char		*extra_header;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 done;
	struct notify_result	 res;
	struct ad_err		 err;
	int64_t			 done_at;
	pthread_t		 thread;	/* where done ran */
};

static enum notify_prep
tjob_prepare(struct notify_job *job, struct notify_req *req,
    struct ad_err *err)
{
	struct tjob	*t = (struct tjob *)job;

	(void)err;
	req->url = xstrdup(t->url);
	req->http = t->http;
	req->timeout = t->timeout;
	notify_req_add_header(req, "Content-Type: application/json");
	if (t->extra_header != NULL)
		notify_req_add_header(req, "%s", t->extra_header);
	buf_addstr(&req->body, "{\"hello\":1}\n");
	return NOTIFY_PREP_SEND;
}

static void
tjob_done(struct notify_job *job, const struct notify_result *res)
{
	struct tjob	*t = (struct tjob *)job;

	pthread_mutex_lock(&t->mu);
	t->res = *res;
	if (res->err != NULL)
		t->err = *res->err;
	t->res.err = NULL;
	t->done = true;
	t->done_at = ad_mono();
	t->thread = pthread_self();
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

static const struct notify_job_ops tjob_ops = {
	tjob_prepare, NULL, tjob_done
};

static struct tjob *
tjob_new(const char *url, ad_dur_t deadline_in)
{
	struct tjob	*t = xcalloc(1, sizeof(*t));

	notify_job_init(&t->job, &tjob_ops, "webhook", "team", 0,
	    ad_now() + deadline_in);
	t->url = xstrdup(url);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	return t;
}

static void
tjob_wait(struct tjob *t)
{
	pthread_mutex_lock(&t->mu);
	while (!t->done)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
}

static void
tjob_free(struct tjob *t)
{
	free(t->url);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}

static struct notify *
fast_notify(void)
{
	struct notify_opts	o = { 0 };
	struct notify		*n;

	/* Alertmanager's schedule scaled down 25x so tests stay quick. */
	o.backoff.initial = 20 * AD_MS;
	o.backoff.max = 200 * AD_MS;
	o.backoff.multiplier = 1.5;
	o.backoff.jitter = 0.5;
	o.seed = 42;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	return n;
}

static char *
url_of(struct thttpd *s, const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", thttpd_port(s), path);
}

static const struct notify_metrics *
metrics_of(struct notify_metrics *m, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(m[i].integration, name) == 0)
			return &m[i];
	return NULL;
}

/* 500, 500, then 200. */
static void
h_fail_twice(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)arg;
	(void)req;
	if (n < 2) {
		resp->status = 500;
		snprintf(resp->body, sizeof(resp->body), "try again %zu", n);
	}
}

START_TEST(retries_after_5xx)
{
	struct thttpd		*s = thttpd_start(h_fail_twice, NULL);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/hook");
	struct tjob		*t = tjob_new(url, 10 * AD_SEC);
	struct notify_metrics	 m[NOTIFY_METRICS_MAX];
	const struct notify_metrics *w;
	struct thttpd_req	*r;
	char			*ua, *ct;
	size_t			 nm;

	ck_assert_int_eq(notify_submit(n, &t->job), 0);
	tjob_wait(t);
	ck_assert(t->res.ok);
	ck_assert_int_eq(t->res.attempts, 3);
	ck_assert_uint_eq(thttpd_count(s), 3);
	r = thttpd_get(s, 2);
	ck_assert_str_eq(r->method, "POST");
	ck_assert_str_eq(r->path, "/hook");
	ck_assert_str_eq(r->body, "{\"hello\":1}\n");
	ua = thttpd_header(r, "User-Agent");
	ct = thttpd_header(r, "Content-Type");
	ck_assert_str_eq(ua, "Alertmanager/0.25.0");
	ck_assert_str_eq(ct, "application/json");
	ck_assert_ptr_null(strcasestr(r->head, "\r\nAccept:"));
	ck_assert_ptr_null(strcasestr(r->head, "\r\nExpect:"));
	ck_assert_ptr_null(strcasestr(r->head, "\r\nAuthorization:"));
	free(ua);
	free(ct);
	thttpd_req_free(r);
	nm = notify_metrics_get(n, m, NOTIFY_METRICS_MAX);
	/* Alertmanager's ten integrations are always there, in its order */
	ck_assert_uint_ge(nm, 10);
	ck_assert_str_eq(m[0].integration, "email");
	ck_assert_str_eq(m[6].integration, "webhook");
	w = metrics_of(m, nm, "webhook");
	ck_assert_uint_eq(w->notifications, 1);
	ck_assert_uint_eq(w->requests, 3);
	ck_assert_uint_eq(w->requests_failed, 2);
	ck_assert_uint_eq(w->failed[NOTIFY_REASON_SERVER], 0);
	ck_assert_uint_eq(w->latency_count, 3);
	ck_assert_uint_eq(w->latency_le[0], 3);
	ck_assert_uint_eq(notify_pending(n), 0);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

/* notify_req.body_fn: the body is built once, when the request first
 * leaves, and kept for the retries. */
static int	bodies_built;

static void
tjob_body(struct notify_job *job, struct notify_req *req)
{
	(void)job;
	ck_assert_uint_eq(buf_len(&req->body), 0);
	bodies_built++;
	buf_addstr(&req->body, "{\"later\":1}\n");
}

static enum notify_prep
tjob_prepare_later(struct notify_job *job, struct notify_req *req,
    struct ad_err *err)
{
	enum notify_prep	prep = tjob_prepare(job, req, err);

	buf_reset(&req->body);
	req->body_fn = tjob_body;
	return prep;
}

static const struct notify_job_ops tjob_later_ops = {
	tjob_prepare_later, NULL, tjob_done
};

START_TEST(body_built_when_it_leaves)
{
	struct thttpd		*s = thttpd_start(h_fail_twice, NULL);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/hook");
	struct tjob		*t = tjob_new(url, 10 * AD_SEC);
	struct thttpd_req	*r;
	size_t			 i;

	t->job.ops = &tjob_later_ops;
	bodies_built = 0;
	ck_assert_int_eq(notify_submit(n, &t->job), 0);
	tjob_wait(t);
	ck_assert(t->res.ok);
	ck_assert_int_eq(t->res.attempts, 3);
	ck_assert_int_eq(bodies_built, 1);
	ck_assert_uint_eq(thttpd_count(s), 3);
	for (i = 0; i < 3; i++) {
		r = thttpd_get(s, i);
		ck_assert_str_eq(r->body, "{\"later\":1}\n");
		thttpd_req_free(r);
	}
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

static void
h_status(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)n;
	(void)req;
	resp->status = *(int *)arg;
	snprintf(resp->body, sizeof(resp->body), "nope");
}

/*
 * A chain of two requests (/first, /second): the second leaves after the
 * first's NOTIFY_OK; NOTIFY_DONE ends the notification, successfully,
 * without it.
 */
static enum notify_verdict chain_first_verdict;

static enum notify_prep
tjob_prepare_chain(struct notify_job *job, struct notify_req *req,
    struct ad_err *err)
{
	struct tjob		*t = (struct tjob *)job;
	struct notify_req	*next;
	enum notify_prep	 prep = tjob_prepare(job, req, err);

	free(req->url);
	req->url = xasprintf("%s/first", t->url);
	next = notify_req_chain(req);
	next->url = xasprintf("%s/second", t->url);
	next->timeout = t->timeout;
	buf_addstr(&next->body, "{}\n");
	return prep;
}

static enum notify_verdict
tjob_verdict_chain(struct notify_job *job, const struct notify_resp *r,
    struct ad_err *err)
{
	(void)job;
	if (r->next != NULL && r->status == 200)
		return chain_first_verdict;
	return notifier_default_verdict(NULL, r, err);
}

static const struct notify_job_ops tjob_chain_ops = {
	tjob_prepare_chain, tjob_verdict_chain, tjob_done
};

static void
chain_run(enum notify_verdict first, size_t want_requests)
{
	struct thttpd		*s = thttpd_start(NULL, NULL);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "");
	struct tjob		*t = tjob_new(url, 10 * AD_SEC);
	struct thttpd_req	*r;

	chain_first_verdict = first;
	t->job.ops = &tjob_chain_ops;
	ck_assert_int_eq(notify_submit(n, &t->job), 0);
	tjob_wait(t);
	ck_assert(t->res.ok);
	ck_assert_int_eq(t->res.attempts, 1);
	ck_assert_uint_eq(thttpd_count(s), want_requests);
	r = thttpd_get(s, 0);
	ck_assert_str_eq(r->path, "/first");
	thttpd_req_free(r);
	if (want_requests == 2) {
		r = thttpd_get(s, 1);
		ck_assert_str_eq(r->path, "/second");
		thttpd_req_free(r);
	}
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}

START_TEST(chain_sends_the_next_request)
{
	chain_run(NOTIFY_OK, 2);
}
END_TEST

START_TEST(chain_done_skips_the_rest)
{
	chain_run(NOTIFY_DONE, 1);
}
END_TEST

START_TEST(no_retry_after_4xx)
{
	int			 status = 400;
	struct thttpd		*s = thttpd_start(h_status, &status);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/");
	struct tjob		*t = tjob_new(url, 10 * AD_SEC);
	struct notify_metrics	 m[NOTIFY_METRICS_MAX];
	const struct notify_metrics *w;

	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(!t->res.ok);
	ck_assert_int_eq(t->res.attempts, 1);
	ck_assert_int_eq(t->res.reason, NOTIFY_REASON_CLIENT);
	ck_assert_str_eq(t->err.msg, "team/webhook[0]: notify retry canceled "
	    "due to unrecoverable error after 1 attempts: unexpected status "
	    "code 400: nope");
	/* nothing more arrives */
	usleep(200 * 1000);
	ck_assert_uint_eq(thttpd_count(s), 1);
	w = metrics_of(m, notify_metrics_get(n, m, NOTIFY_METRICS_MAX),
	    "webhook");
	ck_assert_uint_eq(w->notifications, 1);
	ck_assert_uint_eq(w->failed[NOTIFY_REASON_CLIENT], 1);
	ck_assert_uint_eq(w->requests_failed, 1);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

START_TEST(retries_until_deadline)
{
	int		 status = 503;
	struct thttpd	*s = thttpd_start(h_status, &status);
	struct notify	*n = fast_notify();
	char		*url = url_of(s, "/");
	struct tjob	*t = tjob_new(url, 600 * AD_MS);
	int64_t		 start = ad_mono();
	size_t		 seen;

	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(!t->res.ok);
	ck_assert_int_eq(t->res.reason, NOTIFY_REASON_SERVER);
	/* 20ms x1.5 ... capped at 200ms (+-50%): several attempts in 600ms */
	ck_assert_int_ge(t->res.attempts, 4);
	ck_assert_int_le(t->done_at - start, 700 * AD_MS);
	ck_assert_ptr_nonnull(strstr(t->err.msg, "notify retry canceled after"));
	ck_assert_ptr_nonnull(strstr(t->err.msg,
	    "unexpected status code 503: nope"));
	seen = thttpd_count(s);
	ck_assert_uint_eq(seen, (size_t)t->res.attempts);
	usleep(300 * 1000);
	ck_assert_uint_eq(thttpd_count(s), seen);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

static void
h_slow(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)req;
	resp->delay_ms = n < (size_t)*(int *)arg ? 1000 : 0;
}

START_TEST(request_timeout_is_retried)
{
	int		 slow = 1;
	struct thttpd	*s = thttpd_start(h_slow, &slow);
	struct notify	*n = fast_notify();
	char		*url = url_of(s, "/");
	struct tjob	*t = tjob_new(url, 5 * AD_SEC);

	/*
	 * The first answer takes 1s, the timeout is 400ms: retried, ok.
	 * On a loaded machine the quick second answer can miss the
	 * timeout too; then a third attempt gets it.
	 */
	t->timeout = 400 * AD_MS;
	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(t->res.ok);
	ck_assert_int_ge(t->res.attempts, 2);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

START_TEST(deadline_cuts_a_slow_request)
{
	int		 slow = 100;
	struct thttpd	*s = thttpd_start(h_slow, &slow);
	struct notify	*n = fast_notify();
	char		*url = url_of(s, "/");
	struct tjob	*t = tjob_new(url, 300 * AD_MS);
	int64_t		 start = ad_mono();

	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(!t->res.ok);
	ck_assert_int_eq(t->res.attempts, 1);
	ck_assert_int_lt(t->done_at - start, 600 * AD_MS);
	ck_assert_ptr_nonnull(strstr(t->err.msg, "notify retry canceled "
	    "after 1 attempts"));
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

START_TEST(connection_refused_is_retried)
{
	struct thttpd	*s = thttpd_start(NULL, NULL);
	char		*url = url_of(s, "/");
	struct notify	*n;
	struct tjob	*t;

	thttpd_stop(s);		/* nobody listens there any more */
	n = fast_notify();
	t = tjob_new(url, 400 * AD_MS);
	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(!t->res.ok);
	ck_assert_int_ge(t->res.attempts, 3);
	ck_assert_int_eq(t->res.reason, NOTIFY_REASON_OTHER);
	ck_assert_ptr_nonnull(strstr(t->err.msg, "Post \"http://127.0.0.1:"));
	notify_free(n);
	tjob_free(t);
	free(url);
}
END_TEST

START_TEST(stop_cancels_in_flight)
{
	int		 slow = 100;
	struct thttpd	*s = thttpd_start(h_slow, &slow);
	struct notify	*n = fast_notify();
	char		*url = url_of(s, "/");
	struct tjob	*t = tjob_new(url, 30 * AD_SEC);
	struct tjob	*late = tjob_new(url, 30 * AD_SEC);

	notify_submit(n, &t->job);
	ck_assert(thttpd_wait(s, 1, 2000));
	notify_stop(n);
	ck_assert(t->done);
	ck_assert(!t->res.ok);
	ck_assert_int_eq(t->res.reason, NOTIFY_REASON_CANCELED);
	ck_assert_ptr_nonnull(strstr(t->err.msg, "context canceled"));
	/* a stopped thread takes nothing */
	ck_assert_int_eq(notify_submit(n, &late->job), -1);
	ck_assert(!late->done);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	tjob_free(late);
	free(url);
}
END_TEST

START_TEST(many_in_flight)
{
	struct thttpd	*s = thttpd_start(NULL, NULL);
	struct notify	*n = fast_notify();
	char		*url = url_of(s, "/");
	struct tjob	*t[200];
	size_t		 i;

	for (i = 0; i < 200; i++) {
		t[i] = tjob_new(url, 10 * AD_SEC);
		notify_submit(n, &t[i]->job);
	}
	for (i = 0; i < 200; i++) {
		tjob_wait(t[i]);
		ck_assert(t[i]->res.ok);
		tjob_free(t[i]);
	}
	ck_assert_uint_eq(thttpd_count(s), 200);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

static struct notify *
narrow_notify(long per_host)
{
	struct notify_opts	o = { 0 };
	struct notify		*n;

	o.backoff.initial = 20 * AD_MS;
	o.backoff.max = 200 * AD_MS;
	o.backoff.multiplier = 1.5;
	o.backoff.jitter = 0.5;
	o.max_host_connections = per_host;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	return n;
}

START_TEST(more_jobs_than_connections)
{
	int		 slow = 0;
	struct thttpd	*s = thttpd_start(h_slow, &slow);
	struct notify	*n = narrow_notify(4);
	char		*url;
	struct tjob	*t[60];
	size_t		 i;

	url = url_of(s, "/");
	for (i = 0; i < 60; i++) {
		t[i] = tjob_new(url, 10 * AD_SEC);
		notify_submit(n, &t[i]->job);
	}
	for (i = 0; i < 60; i++) {
		tjob_wait(t[i]);
		ck_assert(t[i]->res.ok);
		tjob_free(t[i]);
	}
	ck_assert_uint_eq(thttpd_count(s), 60);
	/* four at a time, over kept-alive connections */
	ck_assert_uint_le(thttpd_connections(s), 4);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

/*
 * Jobs spread over the workers by affinity; one affinity stays on one
 * worker; the metrics are the process's.
 */
START_TEST(workers_spread_jobs)
{
	struct thttpd		*s = thttpd_start(NULL, NULL);
	struct notify_opts	 o = { 0 };
	struct notify		*n;
	char			*url = url_of(s, "/");
	struct tjob		*t[90];
	struct notify_metrics	 m[NOTIFY_METRICS_MAX];
	pthread_t		 seen[3];
	size_t			 i, j, n_seen = 0, nm;

	o.threads = 3;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	for (i = 0; i < 90; i++) {
		t[i] = tjob_new(url, 10 * AD_SEC);
		/* 60 affinities, then 30 jobs of one */
		t[i]->job.affinity = i < 60 ? i + 1 : 12345;
		ck_assert_int_eq(notify_submit(n, &t[i]->job), 0);
	}
	for (i = 0; i < 90; i++) {
		tjob_wait(t[i]);
		ck_assert(t[i]->res.ok);
		for (j = 0; j < n_seen; j++)
			if (pthread_equal(seen[j], t[i]->thread))
				break;
		if (j == n_seen) {
			ck_assert_uint_lt(n_seen, 3);
			seen[n_seen++] = t[i]->thread;
		}
		if (i > 60)
			ck_assert(pthread_equal(t[i]->thread, t[60]->thread));
	}
	ck_assert_uint_eq(n_seen, 3);
	nm = notify_metrics_get(n, m, NOTIFY_METRICS_MAX);
	for (i = 0; i < nm; i++)
		if (strcmp(m[i].integration, "webhook") == 0)
			break;
	ck_assert_uint_lt(i, nm);
	ck_assert_uint_eq(m[i].notifications, 90);
	ck_assert_uint_eq(m[i].requests, 90);
	ck_assert_uint_eq(m[i].latency_count, 90);
	ck_assert_uint_eq(notify_pending(n), 0);
	for (i = 0; i < 90; i++)
		tjob_free(t[i]);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

/*
 * One worker spreads a host's requests over several multi handles: 80
 * slow requests are all in flight at once, and the host limit holds for
 * all of them together (connections are reused, never more than 80).
 */
START_TEST(lanes_hold_the_host_limit)
{
	int			 slow = 80;
	struct thttpd		*s = thttpd_start(h_slow, &slow);
	struct notify_opts	 o = { 0 };
	struct notify		*n;
	char			*url = url_of(s, "/");
	struct tjob		*t[160];
	int64_t			 t0 = ad_mono();
	size_t			 i;

	o.threads = 1;
	o.max_host_connections = 80;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	for (i = 0; i < 160; i++) {
		t[i] = tjob_new(url, 20 * AD_SEC);
		ck_assert_int_eq(notify_submit(n, &t[i]->job), 0);
	}
	for (i = 0; i < 160; i++) {
		tjob_wait(t[i]);
		ck_assert(t[i]->res.ok);
		ck_assert_int_eq(t[i]->res.attempts, 1);
	}
	/* the 80 slow answers (1s each) came back together */
	ck_assert_int_lt(t[79]->done_at - t0, 1900 * AD_MS);
	ck_assert_uint_eq(thttpd_count(s), 160);
	ck_assert_uint_eq(thttpd_connections(s), 80);
	for (i = 0; i < 160; i++)
		tjob_free(t[i]);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

START_TEST(queued_jobs_keep_their_deadline)
{
	int		 slow = 100;	/* every answer takes 1s */
	struct thttpd	*s = thttpd_start(h_slow, &slow);
	struct notify	*n = narrow_notify(1);
	char		*url = url_of(s, "/");
	struct tjob	*t[3];
	int64_t		 t0 = ad_mono();
	size_t		 i;

	for (i = 0; i < 3; i++) {
		t[i] = tjob_new(url, 400 * AD_MS);
		notify_submit(n, &t[i]->job);
	}
	for (i = 0; i < 3; i++) {
		tjob_wait(t[i]);
		ck_assert(!t[i]->res.ok);
		ck_assert_int_lt(t[i]->done_at - t0, 1200 * AD_MS);
	}
	/* one request in flight at a time: the others never started */
	ck_assert_uint_eq(thttpd_count(s), 1);
	ck_assert_int_eq(t[0]->res.attempts + t[1]->res.attempts +
	    t[2]->res.attempts, 1);
	ck_assert_ptr_nonnull(strstr(t[2]->err.msg, "context deadline "
	    "exceeded"));
	for (i = 0; i < 3; i++)
		tjob_free(t[i]);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

/* -------------------------------------------------------------- auth --- */

static char *
header_of(struct thttpd *s, size_t i, const char *name)
{
	struct thttpd_req	*r = thttpd_get(s, i);
	char			*v;

	ck_assert_ptr_nonnull(r);
	v = thttpd_header(r, name);
	thttpd_req_free(r);
	return v;
}

static void
send_one(struct notify *n, const char *url, struct config_http *h,
    const char *extra)
{
	struct tjob	*t = tjob_new(url, 5 * AD_SEC);

	t->http = h;
	t->extra_header = extra;
	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert_msg(t->res.ok, "%s", t->err.msg);
	tjob_free(t);
}

START_TEST(auth_headers)
{
	struct thttpd		*s = thttpd_start(NULL, NULL);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/"), *v;
	char			 path[] = "/tmp/alertd-nhttp-XXXXXX";
	struct config_http	 h;
	struct config_basic_auth ba;
	struct config_authorization az;
	int			 fd;
	static char		 user[] = "user", pass[] = " pass ";
	static char		 token[] = "Token", abc[] = "abc";
	static char		 bearer[] = "Bearer";

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "  s3cret\n", 9), 9);
	close(fd);

	memset(&h, 0, sizeof(h));
	memset(&ba, 0, sizeof(ba));
	memset(&az, 0, sizeof(az));
	h.follow_redirects = true;
	h.basic_auth = &ba;
	ba.username = user;
	ba.password = pass;	/* trimmed, as Go does */
	send_one(n, url, &h, NULL);
	v = header_of(s, 0, "Authorization");
	ck_assert_str_eq(v, "Basic dXNlcjpwYXNz");
	free(v);

	/* files are read on each request, as prometheus/common does */
	ba.password_file.path = path;
	send_one(n, url, &h, NULL);
	v = header_of(s, 1, "Authorization");
	ck_assert_str_eq(v, "Basic dXNlcjpzM2NyZXQ=");	/* user:s3cret */
	free(v);

	memset(&h, 0, sizeof(h));
	h.authorization = &az;
	az.type = token;
	az.credentials_file.path = path;
	send_one(n, url, &h, NULL);
	v = header_of(s, 2, "Authorization");
	ck_assert_str_eq(v, "Token s3cret");
	free(v);

	/* bearer_token as config/ folds it */
	memset(&az, 0, sizeof(az));
	az.type = bearer;
	az.credentials = abc;
	send_one(n, url, &h, NULL);
	v = header_of(s, 3, "Authorization");
	ck_assert_str_eq(v, "Bearer abc");
	free(v);

	/* an integration's own Authorization wins */
	send_one(n, url, &h, "Authorization: GenieKey xyz");
	v = header_of(s, 4, "Authorization");
	ck_assert_str_eq(v, "GenieKey xyz");
	free(v);

	unlink(path);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

START_TEST(unreadable_secret_file_fails_the_attempt)
{
	struct thttpd		*s = thttpd_start(NULL, NULL);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/");
	struct config_http	 h;
	struct config_authorization az;
	struct tjob		*t = tjob_new(url, 200 * AD_MS);
	static char		 nofile[] = "/nonexistent/alertd/secret";

	memset(&h, 0, sizeof(h));
	memset(&az, 0, sizeof(az));
	h.authorization = &az;
	az.credentials_file.path = nofile;
	t->http = &h;
	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(!t->res.ok);
	ck_assert_ptr_nonnull(strstr(t->err.msg, "unable to read "
	    "authorization credentials file /nonexistent/alertd/secret"));
	ck_assert_uint_eq(thttpd_count(s), 0);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

/* /token hands out tokens; the hook wants the current one. */
struct oauth_srv {
	int	 tokens;
	bool	 params_only;	/* reject client credentials in the header */
	bool	 form_reply;
	int	 expires_in;
};

static void
h_oauth(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	struct oauth_srv	*o = arg;
	char			*auth = thttpd_header(req, "Authorization");
	char			 want[64];

	(void)n;
	if (strcmp(req->path, "/token") == 0) {
		if (o->params_only && auth != NULL) {
			resp->status = 401;
			snprintf(resp->body, sizeof(resp->body), "no");
		} else if (o->form_reply) {
			o->tokens++;
			snprintf(resp->ctype, sizeof(resp->ctype),
			    "application/x-www-form-urlencoded");
			snprintf(resp->body, sizeof(resp->body),
			    "access_token=tok%%2F%d&token_type=bearer", o->tokens);
		} else {
			o->tokens++;
			snprintf(resp->ctype, sizeof(resp->ctype),
			    "application/json");
			snprintf(resp->body, sizeof(resp->body),
			    "{\"access_token\":\"tok%d\",\"token_type\":"
			    "\"bearer\",\"expires_in\":%d}", o->tokens,
			    o->expires_in);
		}
	} else {
		snprintf(want, sizeof(want), o->form_reply ? "Bearer tok/%d" :
		    "Bearer tok%d", o->tokens);
		if (auth == NULL || strcmp(auth, want) != 0)
			resp->status = 401;
	}
	free(auth);
}

static struct config_oauth2 oauth;

static void
oauth_config(struct config_http *h, struct thttpd *s)
{
	static char	read[] = "read", wall[] = "write all", aud[] = "audience";
	static char	xy[] = "x&y", id[] = "id:1", secret[] = "se cret";
	static char	*scopes[] = { read, wall };
	static struct config_kv params[] = { { aud, xy } };

	memset(h, 0, sizeof(*h));
	memset(&oauth, 0, sizeof(oauth));
	h->oauth2 = &oauth;
	oauth.client_id = id;
	oauth.client_secret = secret;
	oauth.token_url = url_of(s, "/token");
	oauth.scopes = scopes;
	oauth.n_scopes = 2;
	oauth.endpoint_params = params;
	oauth.n_endpoint_params = 1;
	h->follow_redirects = true;
}

START_TEST(oauth2_client_credentials)
{
	struct oauth_srv	 o = { 0, false, false, 3600 };
	struct thttpd		*s = thttpd_start(h_oauth, &o);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/hook"), *v;
	struct config_http	 h;
	struct thttpd_req	*r;

	oauth_config(&h, s);
	send_one(n, url, &h, NULL);
	send_one(n, url, &h, NULL);
	/* one token for both notifications */
	ck_assert_int_eq(o.tokens, 1);
	ck_assert_uint_eq(thttpd_count(s), 3);
	r = thttpd_get(s, 0);
	ck_assert_str_eq(r->path, "/token");
	ck_assert_str_eq(r->body, "audience=x%26y&grant_type="
	    "client_credentials&scope=read+write+all");
	v = thttpd_header(r, "Authorization");
	/* base64("id%3A1:se+cret"): QueryEscape'd, as oauth2 does */
	ck_assert_str_eq(v, "Basic aWQlM0ExOnNlK2NyZXQ=");
	free(v);
	v = thttpd_header(r, "Content-Type");
	ck_assert_str_eq(v, "application/x-www-form-urlencoded");
	free(v);
	thttpd_req_free(r);
	free(oauth.token_url);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

START_TEST(oauth2_auth_style_probe)
{
	struct oauth_srv	 o = { 0, true, true, 0 };
	struct thttpd		*s = thttpd_start(h_oauth, &o);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/hook");
	struct config_http	 h;
	struct thttpd_req	*r;

	oauth_config(&h, s);
	oauth.n_endpoint_params = 0;
	oauth.n_scopes = 0;
	send_one(n, url, &h, NULL);
	ck_assert_int_eq(o.tokens, 1);
	/* header style refused, then the form style */
	r = thttpd_get(s, 1);
	ck_assert_str_eq(r->path, "/token");
	ck_assert_str_eq(r->body, "grant_type=client_credentials&client_id="
	    "id%3A1&client_secret=se+cret");
	thttpd_req_free(r);
	ck_assert_uint_eq(thttpd_count(s), 3);
	free(oauth.token_url);
	notify_free(n);
	thttpd_stop(s);
	free(url);
}
END_TEST

START_TEST(oauth2_token_error_is_retried)
{
	int			 status = 500;
	struct thttpd		*s = thttpd_start(h_status, &status);
	struct notify		*n = fast_notify();
	char			*url = url_of(s, "/hook");
	struct config_http	 h;
	struct tjob		*t = tjob_new(url, 300 * AD_MS);

	oauth_config(&h, s);
	t->http = &h;
	notify_submit(n, &t->job);
	tjob_wait(t);
	ck_assert(!t->res.ok);
	ck_assert_int_ge(t->res.attempts, 2);
	ck_assert_ptr_nonnull(strstr(t->err.msg, "oauth2: cannot fetch token: "
	    "500 Internal Server Error\nResponse: nope"));
	free(oauth.token_url);
	notify_free(n);
	thttpd_stop(s);
	tjob_free(t);
	free(url);
}
END_TEST

Suite *
notify_suite(void)
{
	Suite	*s = suite_create("notify");
	TCase	*tc = tcase_create("pure");
	TCase	*th = tcase_create("thread");

	tcase_add_test(tc, backoff_schedule);
	tcase_add_test(tc, backoff_between_1_and_59);
	tcase_add_test(tc, default_verdict);
	tcase_add_test(tc, helpers);
	suite_add_tcase(s, tc);
	tcase_set_timeout(th, 20);
	tcase_add_test(th, retries_after_5xx);
	tcase_add_test(th, body_built_when_it_leaves);
	tcase_add_test(th, chain_sends_the_next_request);
	tcase_add_test(th, chain_done_skips_the_rest);
	tcase_add_test(th, no_retry_after_4xx);
	tcase_add_test(th, retries_until_deadline);
	tcase_add_test(th, request_timeout_is_retried);
	tcase_add_test(th, deadline_cuts_a_slow_request);
	tcase_add_test(th, connection_refused_is_retried);
	tcase_add_test(th, stop_cancels_in_flight);
	tcase_add_test(th, many_in_flight);
	tcase_add_test(th, more_jobs_than_connections);
	tcase_add_test(th, workers_spread_jobs);
	tcase_add_test(th, lanes_hold_the_host_limit);
	tcase_add_test(th, queued_jobs_keep_their_deadline);
	tcase_add_test(th, auth_headers);
	tcase_add_test(th, unreadable_secret_file_fails_the_attempt);
	tcase_add_test(th, oauth2_client_credentials);
	tcase_add_test(th, oauth2_auth_style_probe);
	tcase_add_test(th, oauth2_token_error_is_retried);
	suite_add_tcase(s, th);
	return s;
}
