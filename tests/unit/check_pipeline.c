/*
 * pipeline: Alertmanager's DedupStage rules (table-driven, explicit now),
 * and whole flushes through the notify thread to a local webhook sink:
 * dedup against the log, send_resolved, max_alerts, muting, retries after
 * 5xx, none after 4xx, the deadline, failures reported to done, and a
 * notification that survives a kill -9 once done has reported it.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nflog.h"
#include "notifiers/notify.h"
#include "notifiers/pipeline.h"
#include "routing/labels.h"
#include "tests/unit/check_notify_httpd.h"

/* ------------------------------------------------------------- dedup --- */

START_TEST(needs_update_rules)
{
	static const uint64_t	 f12[] = { 1, 2 }, f1[] = { 1 }, f123[] = {
	    1, 2, 3 }, r3[] = { 3 }, r34[] = { 3, 4 };
	struct nflog_entry	 e;
	ad_time_t		 now = 1000 * AD_SEC;
	ad_dur_t		 rep = 100 * AD_SEC;

	memset(&e, 0, sizeof(e));
	/* never notified: only firing alerts make a notification */
	ck_assert(pipeline_needs_update(NULL, f1, 1, NULL, 0, true, rep, now));
	ck_assert(!pipeline_needs_update(NULL, NULL, 0, r3, 1, true, rep, now));
	ck_assert(!pipeline_needs_update(NULL, NULL, 0, NULL, 0, true, rep,
	    now));

	e.firing = (uint64_t *)f12;
	e.n_firing = 2;
	e.resolved = NULL;
	e.n_resolved = 0;
	e.ts = now - 10 * AD_SEC;
	/* the same firing set, repeat not elapsed: nothing */
	ck_assert(!pipeline_needs_update(&e, f12, 2, NULL, 0, true, rep, now));
	/* a subset of what was notified: nothing either */
	ck_assert(!pipeline_needs_update(&e, f1, 1, NULL, 0, true, rep, now));
	/* a new firing alert */
	ck_assert(pipeline_needs_update(&e, f123, 3, NULL, 0, true, rep, now));
	/* everything resolved after a firing notification */
	ck_assert(pipeline_needs_update(&e, NULL, 0, f12, 2, true, rep, now));
	ck_assert(pipeline_needs_update(&e, NULL, 0, f12, 2, false, rep, now));
	/* a new resolved alert: only with send_resolved */
	ck_assert(pipeline_needs_update(&e, f1, 1, r3, 1, true, rep, now));
	ck_assert(!pipeline_needs_update(&e, f1, 1, r3, 1, false, rep, now));
	/* repeat_interval: strictly before now - repeat */
	e.ts = now - rep;
	ck_assert(!pipeline_needs_update(&e, f12, 2, NULL, 0, true, rep, now));
	e.ts = now - rep - 1;
	ck_assert(pipeline_needs_update(&e, f12, 2, NULL, 0, true, rep, now));

	/* the last notification was the resolved one */
	e.firing = NULL;
	e.n_firing = 0;
	e.resolved = (uint64_t *)r34;
	e.n_resolved = 2;
	e.ts = now - 10 * AD_SEC;
	ck_assert(!pipeline_needs_update(&e, NULL, 0, r34, 2, true, rep, now));
	ck_assert(!pipeline_needs_update(&e, NULL, 0, r3, 1, true, rep, now));
	/* ... even after repeat_interval: all resolved sends once */
	e.ts = now - 10 * rep;
	ck_assert(!pipeline_needs_update(&e, NULL, 0, r34, 2, true, rep, now));
	/* it fires again */
	ck_assert(pipeline_needs_update(&e, f1, 1, r34, 2, true, rep, now));

	/* resolved alerts already notified, a new resolved one */
	e.firing = (uint64_t *)f1;
	e.n_firing = 1;
	e.resolved = (uint64_t *)r3;
	e.n_resolved = 1;
	e.ts = now - 10 * AD_SEC;
	ck_assert(pipeline_needs_update(&e, f1, 1, r34, 2, true, rep, now));
	ck_assert(!pipeline_needs_update(&e, f1, 1, r3, 1, true, rep, now));
	/* fewer resolved than before: nothing new */
	e.resolved = (uint64_t *)r34;
	e.n_resolved = 2;
	ck_assert(!pipeline_needs_update(&e, f1, 1, r3, 1, true, rep, now));
}
END_TEST

/* --------------------------------------------------------- harness --- */

static ad_time_t	fake_now;

static ad_time_t
clock_fake(void)
{
	return fake_now;
}

static int		status_fail = 200;

static void
h_paths(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)arg;
	(void)n;
	if (strncmp(req->path, "/fail", 5) == 0) {
		resp->status = status_fail;
		snprintf(resp->body, sizeof(resp->body), "failing");
	}
}

struct env {
	struct thttpd	*srv;
	struct config	*cfg;
	struct notify	*notify;
	struct nflog	*nflog;
	struct pipeline	*p;
	size_t		 seen;		/* requests checked so far */
	bool		 own_srv;
};

static const char cfg_tmpl[] =
    "route:\n"
    "  receiver: r\n"
    "receivers:\n"
    "- name: r\n"
    "  webhook_configs:\n"
    "  - url: http://127.0.0.1:%d/a\n"
    "  - url: http://127.0.0.1:%d/b\n"
    "    send_resolved: false\n"
    "    max_alerts: 1\n"
    "- name: flaky\n"
    "  webhook_configs:\n"
    "  - url: http://127.0.0.1:%d/fail\n"
    "- name: none\n"
    "time_intervals:\n"
    "- name: always\n"
    "  time_intervals:\n"
    "  - weekdays: ['sunday:saturday']\n"
    "- name: never\n"
    "  time_intervals:\n"
    "  - years: ['1999']\n"
    "- name: utc-morning\n"
    "  time_intervals:\n"
    "  - times: [{start_time: '06:00', end_time: '12:00'}]\n";

/*
 * srv: a sink to use (borrowed), or NULL for one of the env's own; port:
 * another process's sink (srv NULL), or 0.
 */
static void
env_open_at(struct env *env, const char *dir, struct thttpd *srv, int port)
{
	struct notify_opts	no = { 0 };
	struct nflog_opts	lo = { 0 };
	struct pipeline_opts	po = { 0 };
	struct ad_errs		errs;
	char			*yml;

	memset(env, 0, sizeof(*env));
	if (port == 0) {
		env->srv = srv != NULL ? srv : thttpd_start(h_paths, NULL);
		env->own_srv = srv == NULL;
		port = thttpd_port(env->srv);
	}
	yml = xasprintf(cfg_tmpl, port, port, port);
	ad_errs_init(&errs);
	env->cfg = config_load_bytes("t.yml", yml, strlen(yml), ".", NULL,
	    &errs, NULL);
	ck_assert_msg(env->cfg != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ad_errs_release(&errs);
	free(yml);
	no.backoff.initial = 20 * AD_MS;
	no.backoff.max = 100 * AD_MS;
	no.backoff.multiplier = 1.5;
	no.backoff.jitter = 0.5;
	env->notify = notify_new(&no);
	ck_assert_int_eq(notify_start(env->notify, NULL), 0);
	lo.dir = dir;
	lo.now = clock_fake;
	lo.maintenance_interval = -1;
	env->nflog = nflog_open(&lo, NULL);
	ck_assert_ptr_nonnull(env->nflog);
	po.notify = env->notify;
	po.nflog = env->nflog;
	po.external_url = "http://alertd.example/";
	po.now = clock_fake;
	env->p = pipeline_new(&po);
}

static void
env_close(struct env *env)
{
	notify_stop(env->notify);
	nflog_close(env->nflog);
	ck_assert_uint_eq(pipeline_inflight(env->p), 0);
	pipeline_free(env->p);
	notify_free(env->notify);
	config_unref(env->cfg);
	if (env->own_srv)
		thttpd_stop(env->srv);
}

static void
env_open(struct env *env, const char *dir)
{
	env_open_at(env, dir, NULL, 0);
}

struct result {
	pthread_mutex_t	mu;
	pthread_cond_t	cv;
	bool		done, ok;
	pthread_t	thread;
	int		calls;
};

static void
on_done(void *arg, bool ok)
{
	struct result	*r = arg;

	pthread_mutex_lock(&r->mu);
	r->done = true;
	r->ok = ok;
	r->calls++;
	r->thread = pthread_self();
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* "A<i>" firing, or resolved when resolved[i] is set. */
static struct alert *
mk_alert(int i, bool resolved)
{
	struct labels_builder	b;
	struct labels		*ls;
	char			v[16];

	snprintf(v, sizeof(v), "%d", i);
	labels_builder_init(&b);
	labels_builder_adds(&b, "alertname", "A");
	labels_builder_adds(&b, "i", v);
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return alert_new(ls, NULL, NULL, fake_now - 60 * AD_SEC, resolved ?
	    fake_now - AD_SEC : AD_TIME_ZERO, fake_now, false);
}

/*
 * Submits a flush of the alerts described by spec ("1 2r" = A1 firing,
 * A2 resolved) to receiver, waits for done and returns ok.
 */
static bool
flush_on(struct env *env, const char *receiver, const char *spec,
    ad_dur_t deadline, bool stopped)
{
	struct notify_flush	*f = notify_flush_new();
	struct result		 r = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, false, false, 0, 0 };
	struct labels_builder	 b;
	const char		*p = spec;
	char			*end;
	long			 i;

	/* the log keeps the newer of two entries: time must move */
	fake_now += AD_MS;
	f->cfg = config_ref(env->cfg);
	f->receiver = receiver;
	f->group_key = xstrdup("{}:{alertname=\"A\"}");
	labels_builder_init(&b);
	labels_builder_adds(&b, "alertname", "A");
	f->group_labels = labels_builder_finish(&b);
	labels_builder_release(&b);
	f->alerts = xcalloc(8, sizeof(*f->alerts));
	while (*p != '\0') {
		i = strtol(p, &end, 10);
		f->alerts[f->n_alerts++] = mk_alert((int)i, *end == 'r');
		p = end + (*end == 'r');
		while (*p == ' ')
			p++;
	}
	f->repeat_interval = AD_HOUR;
	f->now = fake_now;
	f->deadline = ad_now() + deadline;
	f->done = on_done;
	f->arg = &r;
	pipeline_submit(env->p, f);
	pthread_mutex_lock(&r.mu);
	while (!r.done)
		pthread_cond_wait(&r.cv, &r.mu);
	pthread_mutex_unlock(&r.mu);
	/* done never runs inside pipeline_submit, but at shutdown */
	ck_assert(stopped || !pthread_equal(r.thread, pthread_self()));
	ck_assert_int_eq(r.calls, 1);
	return r.ok;
}

static bool
flush(struct env *env, const char *receiver, const char *spec,
    ad_dur_t deadline)
{
	return flush_on(env, receiver, spec, deadline, false);
}

/* The paths of the requests received since the last call, sorted. */
static char *
new_requests(struct env *env)
{
	struct buf	 b;
	size_t		 n = thttpd_count(env->srv), i;
	char		*paths[64], *s;

	buf_init(&b, BUF_NOCAP);
	ck_assert_uint_le(n - env->seen, 64);
	for (i = env->seen; i < n; i++) {
		struct thttpd_req *r = thttpd_get(env->srv, i);

		paths[i - env->seen] = xstrdup(r->path);
		thttpd_req_free(r);
	}
	for (i = 0; i + 1 < n - env->seen; i++)
		for (size_t j = i + 1; j < n - env->seen; j++)
			if (strcmp(paths[i], paths[j]) > 0) {
				s = paths[i];
				paths[i] = paths[j];
				paths[j] = s;
			}
	for (i = 0; i < n - env->seen; i++) {
		buf_addf(&b, "%s%s", i ? " " : "", paths[i]);
		free(paths[i]);
	}
	env->seen = n;
	return buf_detach(&b, NULL);
}

#define EXPECT_REQUESTS(env, want) do {					\
	char *got_ = new_requests(env);					\
	ck_assert_str_eq(got_, want);					\
	free(got_);							\
} while (0)

static char *
last_body(struct env *env, const char *path)
{
	size_t	n = thttpd_count(env->srv);
	char	*body = NULL;

	while (n-- > 0) {
		struct thttpd_req *r = thttpd_get(env->srv, n);

		if (strcmp(r->path, path) == 0)
			body = xstrdup(r->body);
		thttpd_req_free(r);
		if (body != NULL)
			break;
	}
	return body;
}

/* ----------------------------------------------------------- flows --- */

START_TEST(dedup_flow)
{
	struct env	env;
	char		*body;

	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, NULL);
	/* first notification: both webhooks */
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	/* nothing changed: nothing sent, still ok */
	fake_now += 10 * AD_SEC;
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	/* a new firing alert; /b has max_alerts 1 */
	ck_assert(flush(&env, "r", "1 2", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	body = last_body(&env, "/b");
	ck_assert_ptr_nonnull(strstr(body, "\"truncatedAlerts\":1}\n"));
	ck_assert_ptr_nonnull(strstr(body, "\"externalURL\":"
	    "\"http://alertd.example/\""));
	free(body);
	/* A2 resolves: only the send_resolved webhook hears of it */
	ck_assert(flush(&env, "r", "1 2r", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a");
	body = last_body(&env, "/a");
	ck_assert_ptr_nonnull(strstr(body, "\"status\":\"resolved\""));
	free(body);
	/* all resolved: /a gets it; /b sends nothing but logs it */
	ck_assert(flush(&env, "r", "1r 2r", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a");
	ck_assert(flush(&env, "r", "1r 2r", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	/* it fires again */
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	/* repeat_interval (1h) elapses */
	fake_now += AD_HOUR - AD_SEC;
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	fake_now += 2 * AD_SEC;
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	env_close(&env);
}
END_TEST

/* The header lines of a request, sorted, Host and Content-Length left out
 * (their values depend on the port and the body). */
static char *
header_set(const char *head)
{
	char		*lines[32], *copy = xstrdup(head), *save = NULL, *l;
	size_t		 n = 0, i, j;
	struct buf	 b;

	buf_init(&b, BUF_NOCAP);
	for (l = strtok_r(copy, "\r\n", &save); l != NULL;
	    l = strtok_r(NULL, "\r\n", &save)) {
		if (strncasecmp(l, "Host:", 5) == 0 ||
		    strncasecmp(l, "Content-Length:", 15) == 0 ||
		    strncmp(l, "POST ", 5) == 0)
			continue;
		ck_assert_uint_lt(n, 32);
		lines[n++] = l;
	}
	for (i = 0; i + 1 < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcasecmp(lines[i], lines[j]) > 0) {
				l = lines[i];
				lines[i] = lines[j];
				lines[j] = l;
			}
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s\n", lines[i]);
	free(copy);
	return buf_detach(&b, NULL);
}

START_TEST(request_headers_as_alertmanager)
{
	struct env		 env;
	struct thttpd_req	*r;
	struct buf		 want;
	struct ad_err		 err;
	char			*got, *exp;

	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, NULL);
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	r = thttpd_get(env.srv, 0);
	ck_assert_ptr_nonnull(strstr(r->head, "POST /"));
	ck_assert_ptr_nonnull(strstr(r->head, " HTTP/1.1\r\n"));
	buf_init(&want, BUF_NOCAP);
	ck_assert_int_eq(buf_read_file(&want,
	    "tests/data/webhook/am-0.25/all_Other_firing.head", &err), 0);
	got = header_set(r->head);
	exp = header_set(buf_str(&want));
	/* Content-Type and User-Agent, nothing else (no Accept, no Expect) */
	ck_assert_str_eq(got, exp);
	ck_assert_str_eq(got, "Content-Type: application/json\n"
	    "User-Agent: Alertmanager/0.25.0\n");
	free(got);
	free(exp);
	buf_release(&want);
	thttpd_req_free(r);
	env_close(&env);
}
END_TEST

START_TEST(resolved_before_notified)
{
	struct env	env;

	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, NULL);
	ck_assert(flush(&env, "r", "1r 2r", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	/* no receiver integrations: ok, nothing */
	ck_assert(flush(&env, "none", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	env_close(&env);
}
END_TEST

static bool
silence_odd(void *arg, const struct alert *a, ad_time_t now)
{
	(void)arg;
	(void)now;
	return atoi(labels_get(alert_labels(a), "i")) % 2 == 1;
}

static bool
mute_all(void *arg, const struct alert *a, ad_time_t now)
{
	(void)arg;
	(void)a;
	(void)now;
	return true;
}

static int	silenced_calls;

static bool
count_silenced(void *arg, const struct alert *a, ad_time_t now)
{
	(void)arg;
	(void)a;
	(void)now;
	silenced_calls++;
	return false;
}

START_TEST(muting)
{
	struct env		env;
	struct notify_muters	m = { NULL, NULL, silence_odd, NULL };
	char			*body;

	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, NULL);
	pipeline_set_muters(env.p, &m);
	ck_assert(flush(&env, "r", "1 2 3", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	body = last_body(&env, "/a");
	ck_assert_ptr_null(strstr(body, "\"i\":\"1\""));
	ck_assert_ptr_nonnull(strstr(body, "\"i\":\"2\""));
	ck_assert_ptr_null(strstr(body, "\"i\":\"3\""));
	free(body);
	/* everything muted: a successful flush with nothing sent */
	ck_assert(flush(&env, "r", "1 3", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	/* inhibition first; when it mutes all, silences are not asked */
	m.inhibited = mute_all;
	m.silenced = count_silenced;
	pipeline_set_muters(env.p, &m);
	silenced_calls = 0;
	ck_assert(flush(&env, "r", "4 5", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	ck_assert_int_eq(silenced_calls, 0);
	env_close(&env);
}
END_TEST

START_TEST(failures)
{
	struct env	env;
	int64_t		t0;

	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, NULL);
	/* 4xx: one attempt, failed, and not logged: the next flush retries */
	status_fail = 404;
	ck_assert(!flush(&env, "flaky", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/fail");
	/* 5xx: retried until the deadline, then failed */
	status_fail = 503;
	t0 = ad_mono();
	ck_assert(!flush(&env, "flaky", "1", 400 * AD_MS));
	ck_assert_int_lt(ad_mono() - t0, 800 * AD_MS);
	ck_assert_uint_ge(thttpd_count(env.srv) - env.seen, 3);
	free(new_requests(&env));
	/* the endpoint recovers: the notification goes out, once */
	status_fail = 200;
	ck_assert(flush(&env, "flaky", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/fail");
	ck_assert(flush(&env, "flaky", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	/* an unknown receiver or time interval fails the flush */
	ck_assert(!flush(&env, "nope", "1", 5 * AD_SEC));
	{
		static char		 name[] = "missing";
		static char		*names[] = { name };
		struct notify_flush	*f = notify_flush_new();
		struct result		 r = { PTHREAD_MUTEX_INITIALIZER,
		    PTHREAD_COND_INITIALIZER, false, false, 0, 0 };

		f->cfg = config_ref(env.cfg);
		f->receiver = "r";
		f->group_key = xstrdup("{}:{}");
		f->alerts = xcalloc(1, sizeof(*f->alerts));
		f->alerts[f->n_alerts++] = mk_alert(9, false);
		f->mute_time_intervals = names;
		f->n_mute_time_intervals = 1;
		f->now = fake_now;
		f->deadline = ad_now() + AD_SEC;
		f->done = on_done;
		f->arg = &r;
		pipeline_submit(env.p, f);
		pthread_mutex_lock(&r.mu);
		while (!r.done)
			pthread_cond_wait(&r.cv, &r.mu);
		pthread_mutex_unlock(&r.mu);
		ck_assert(!r.ok);
	}
	EXPECT_REQUESTS(&env, "");
	env_close(&env);
}
END_TEST

/* A flush of A<n> firing with the route's time intervals. */
static bool
flush_times(struct env *env, int n, char **mute, size_t n_mute,
    char **active, size_t n_active)
{
	struct notify_flush	*f = notify_flush_new();
	struct result		 r = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, false, false, 0, 0 };

	fake_now += AD_MS;
	f->cfg = config_ref(env->cfg);
	f->receiver = "r";
	f->group_key = xasprintf("{}:{n=\"%d\"}", n);
	f->alerts = xcalloc(1, sizeof(*f->alerts));
	f->alerts[f->n_alerts++] = mk_alert(n, false);
	f->mute_time_intervals = mute;
	f->n_mute_time_intervals = n_mute;
	f->active_time_intervals = active;
	f->n_active_time_intervals = n_active;
	f->repeat_interval = AD_HOUR;
	f->now = fake_now;
	f->deadline = ad_now() + 5 * AD_SEC;
	f->done = on_done;
	f->arg = &r;
	pipeline_submit(env->p, f);
	pthread_mutex_lock(&r.mu);
	while (!r.done)
		pthread_cond_wait(&r.cv, &r.mu);
	pthread_mutex_unlock(&r.mu);
	return r.ok;
}

START_TEST(time_intervals)
{
	static char	 always[] = "always", never[] = "never";
	static char	 morning[] = "utc-morning";
	static char	*a[] = { always }, *nv[] = { never };
	static char	*both[] = { never, always }, *m[] = { morning };
	struct env	 env;
	struct notify_muters mu = { NULL, NULL, count_silenced, NULL };

	/* Wednesday 2023-11-15 09:00:00 UTC */
	fake_now = 1700038800LL * AD_SEC;
	env_open(&env, NULL);
	pipeline_set_muters(env.p, &mu);
	/* mute_time_intervals: muted inside, the flush still succeeds;
	 * the silences stage does not run */
	silenced_calls = 0;
	ck_assert(flush_times(&env, 1, a, 1, NULL, 0));
	EXPECT_REQUESTS(&env, "");
	ck_assert_int_eq(silenced_calls, 0);
	ck_assert(flush_times(&env, 2, nv, 1, NULL, 0));
	EXPECT_REQUESTS(&env, "/a /b");
	ck_assert_int_eq(silenced_calls, 1);
	/* active_time_intervals: sent only inside one of them */
	ck_assert(flush_times(&env, 3, NULL, 0, nv, 1));
	EXPECT_REQUESTS(&env, "");
	ck_assert(flush_times(&env, 4, NULL, 0, a, 1));
	EXPECT_REQUESTS(&env, "/a /b");
	ck_assert(flush_times(&env, 5, NULL, 0, both, 2));
	EXPECT_REQUESTS(&env, "/a /b");
	/* evaluated at the flush's time */
	ck_assert(flush_times(&env, 6, m, 1, NULL, 0));
	EXPECT_REQUESTS(&env, "");
	fake_now = 1700038800LL * AD_SEC + 4 * AD_HOUR;	/* 13:00 */
	ck_assert(flush_times(&env, 7, m, 1, NULL, 0));
	EXPECT_REQUESTS(&env, "/a /b");
	ck_assert(flush_times(&env, 8, NULL, 0, m, 1));
	EXPECT_REQUESTS(&env, "");
	env_close(&env);
}
END_TEST

START_TEST(stop_fails_in_flight_flushes)
{
	struct env	env;

	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, NULL);
	notify_stop(env.notify);
	/* a flush submitted after the notify thread stopped still ends */
	ck_assert(!flush_on(&env, "r", "1", 5 * AD_SEC, true));
	env_close(&env);
}
END_TEST

/* A notification reported done survives a kill -9 and is not repeated. */
START_TEST(done_means_durable)
{
	char		 tmpl[] = "/tmp/alertd-pipeline-XXXXXX", *dir, *cmd;
	int		 fds[2];
	pid_t		 pid;
	char		 c;
	struct env	 env;
	int		 status;

	dir = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(dir);
	ck_assert_int_eq(pipe(fds), 0);
	fake_now = 1700000000LL * AD_SEC;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		env_open(&env, dir);
		if (!flush(&env, "r", "1 2", 5 * AD_SEC))
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	/* restarted: the same alerts are not notified again */
	fake_now += 30 * AD_SEC;
	env_open(&env, dir);
	ck_assert(flush(&env, "r", "1 2", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	ck_assert(flush(&env, "r", "1 2 3", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	env_close(&env);
	cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* The sink kills the sender while it holds its request. */
static pid_t	victim;

static void
h_kill(void *arg, size_t n, const struct thttpd_req *req,
    struct thttpd_resp *resp)
{
	(void)arg;
	(void)req;
	(void)resp;
	if (n == 0 && victim > 0)
		kill(victim, SIGKILL);
}

/*
 * kill -9 while the receiver has the notification (it got the request,
 * the sender never saw the answer): the write-ahead intent makes the
 * restarted pipeline take it as sent, so nothing is repeated.
 */
START_TEST(crash_while_the_receiver_has_it)
{
	char		 tmpl[] = "/tmp/alertd-pipeline-XXXXXX", *dir, *cmd;
	struct thttpd	*srv;
	struct env	 env;
	pid_t		 pid;
	int		 status, go[2], port;

	dir = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(dir);
	ck_assert_int_eq(pipe(go), 0);
	fake_now = 1700000000LL * AD_SEC;
	/* fork before any thread exists here: the child starts clean */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (read(go[0], &port, sizeof(port)) != sizeof(port))
			_exit(2);
		env_open_at(&env, dir, NULL, port);
		(void)flush(&env, "r", "1", 30 * AD_SEC);
		_exit(1);	/* not reached: killed during the send */
	}
	victim = pid;
	srv = thttpd_start(h_kill, NULL);
	port = thttpd_port(srv);
	ck_assert_int_eq(write(go[1], &port, sizeof(port)), sizeof(port));
	close(go[0]);
	close(go[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert(thttpd_wait(srv, 1, 1000));
	victim = 0;
	fake_now += 30 * AD_SEC;
	env_open_at(&env, dir, srv, 0);
	env.seen = thttpd_count(srv);
	ck_assert(flush(&env, "r", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "");
	/* a change is notified as usual */
	ck_assert(flush(&env, "r", "1 2", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/a /b");
	env_close(&env);
	thttpd_stop(srv);
	cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

/* A failed notification is abandoned: after a restart it is sent. */
START_TEST(failed_notification_is_not_taken_as_sent)
{
	char		 tmpl[] = "/tmp/alertd-pipeline-XXXXXX", *dir, *cmd;
	struct env	 env;

	dir = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(dir);
	fake_now = 1700000000LL * AD_SEC;
	env_open(&env, dir);
	status_fail = 404;
	ck_assert(!flush(&env, "flaky", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/fail");
	env_close(&env);
	status_fail = 200;
	env_open(&env, dir);
	ck_assert(flush(&env, "flaky", "1", 5 * AD_SEC));
	EXPECT_REQUESTS(&env, "/fail");
	env_close(&env);
	cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

Suite *
pipeline_suite(void)
{
	Suite	*s = suite_create("pipeline");
	TCase	*tc = tcase_create("pure");
	TCase	*tf = tcase_create("flows");

	tcase_add_test(tc, needs_update_rules);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tf, 30);
	tcase_add_test(tf, dedup_flow);
	tcase_add_test(tf, request_headers_as_alertmanager);
	tcase_add_test(tf, resolved_before_notified);
	tcase_add_test(tf, muting);
	tcase_add_test(tf, failures);
	tcase_add_test(tf, time_intervals);
	tcase_add_test(tf, stop_fails_in_flight_flushes);
	tcase_add_test(tf, done_means_durable);
	tcase_add_test(tf, crash_while_the_receiver_has_it);
	tcase_add_test(tf, failed_notification_is_not_taken_as_sent);
	suite_add_tcase(s, tf);
	return s;
}
