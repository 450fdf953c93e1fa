/*
 * What GET /api/v2/alerts and /alerts/groups keep on each alert
 * (alertd/alert_memo.h): the answers must be those computed from
 * scratch whatever changed in between (silences created, expired,
 * becoming active, the config reloaded, alerts replaced), and stay so
 * while GETs, POSTs, silence changes and reloads run concurrently (the
 * stress test, also run under ASan by `make asan`; TSan:
 * make BUILD=build/tsan SANITIZE=thread OPT="-O1 -g" unit).
 */
#include <check.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api.h"
#include "alertd/api_groups.h"
#include "alertd/api_json.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/store.h"
#include "config/config.h"
#include "notifiers/pipeline.h"
#include "routing/aggr.h"
#include "routing/dispatch.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "routing/route.h"
#include "silences/silence.h"
#include "silences/silence_store.h"

static const char cfg_a[] =
    "route:\n"
    "  receiver: default\n"
    "  group_by: [alertname]\n"
    "  group_wait: 1h\n"
    "receivers:\n"
    "  - name: default\n";

static const char cfg_b[] =
    "route:\n"
    "  receiver: default\n"
    "  group_by: [alertname]\n"
    "  group_wait: 1h\n"
    "  routes:\n"
    "    - matchers: [team=\"x\"]\n"
    "      receiver: team-x\n"
    "      continue: true\n"
    "    - matchers: [severity=\"critical\"]\n"
    "      receiver: 'pager<&>'\n"
    "receivers:\n"
    "  - name: default\n"
    "  - name: team-x\n"
    "  - name: 'pager<&>'\n";

#define NALERTS		60

struct env {
	struct alertd		 ad;
	struct config		*cfg[2];
	struct route_tree	*t;
	struct dispatch		*d;
	int			 sub;
};

static struct config *
load(const char *text, size_t len)
{
	struct ad_errs	 errs;
	struct config	*c;

	ad_errs_init(&errs);
	c = config_load_bytes("memo.yml", text, len, ".", NULL, &errs, NULL);
	ck_assert_ptr_nonnull(c);
	ad_errs_release(&errs);
	return c;
}

static void
no_submit(void *arg, struct notify_flush *f)
{
	(void)arg;
	f->done(f->arg, true);
	aggr_flush_free(f);
}

static void
on_put(void *arg, struct alert *a, bool existing)
{
	(void)existing;
	dispatch_post_alert(arg, a);
}

/* As alertd_reload swaps the config. */
static void
use_config(struct env *e, int i)
{
	struct config	*old;

	pthread_mutex_lock(&e->ad.cfg_lock);
	old = e->ad.cfg;
	e->ad.cfg = config_ref(e->cfg[i]);
	pthread_mutex_unlock(&e->ad.cfg_lock);
	config_unref(old);
}

static void
env_init(struct env *e, bool dispatcher)
{
	struct dispatch_hooks		h = { no_submit, NULL };
	struct silence_store_opts	so;
	struct ad_err			err;

	memset(e, 0, sizeof(*e));
	alertd_init(&e->ad);
	e->cfg[0] = load(cfg_a, sizeof(cfg_a) - 1);
	e->cfg[1] = load(cfg_b, sizeof(cfg_b) - 1);
	use_config(e, 0);
	memset(&so, 0, sizeof(so));
	so.retention = 120 * AD_HOUR;
	e->ad.silences = silence_store_new(&so);
	e->sub = -1;
	if (!dispatcher)
		return;
	e->t = route_build(e->cfg[0]);
	e->d = dispatch_new(e->t, &h, ad_now());
	ck_assert_int_eq(dispatch_start(e->d, &err), 0);
	e->sub = store_subscribe(e->ad.alerts, on_put, e->d, true);
}

static void
env_release(struct env *e)
{
	if (e->sub != -1)
		store_unsubscribe(e->ad.alerts, e->sub);
	if (e->d != NULL)
		dispatch_stop(e->d);
	dispatch_free(e->d);
	route_tree_free(e->t);
	silence_store_free(e->ad.silences);
	e->ad.silences = NULL;
	config_unref(e->cfg[0]);
	config_unref(e->cfg[1]);
	alertd_release(&e->ad);
}

/* Alert i, version v (a new object each time, as a POST makes). */
static void
put_alert(struct env *e, int i, int v)
{
	static const char *const sev[] = { "critical", "warning" };
	struct labels_builder	 lb, an;
	struct alert		*a;
	char			 name[32], inst[32], sum[64];
	ad_time_t		 now = ad_now();

	snprintf(name, sizeof(name), "A%d", i % 7);
	snprintf(inst, sizeof(inst), "host-%d:9100", i);
	snprintf(sum, sizeof(sum), "host %d <down> v%d", i, v);
	labels_builder_init(&lb);
	labels_builder_init(&an);
	labels_builder_adds(&lb, "alertname", name);
	labels_builder_adds(&lb, "instance", inst);
	labels_builder_adds(&lb, "job", i % 2 ? "node" : "db");
	labels_builder_adds(&lb, "severity", sev[i % 2]);
	if (i % 3 == 0)
		labels_builder_adds(&lb, "team", "x");
	labels_builder_adds(&an, "summary", sum);
	a = alert_new(labels_builder_finish(&lb), labels_builder_finish(&an),
	    i % 4 ? "http://prom/graph?g0.expr=up&x=<1>" : "",
	    now - AD_MIN - v * AD_MS, now + AD_HOUR, now, false);
	a->starts_off = i % 5 == 0 ? 3600 : 0;
	labels_builder_release(&lb);
	labels_builder_release(&an);
	store_put(e->ad.alerts, a);
}

static void
get(struct env *e, const char *filter, struct buf *out)
{
	struct api_kv	kv = { (char *)"filter", (char *)filter };
	struct api_req	rq;
	struct api_resp	resp;

	memset(&rq, 0, sizeof(rq));
	memset(&resp, 0, sizeof(resp));
	rq.ad = &e->ad;
	rq.method = "GET";
	rq.path = "/api/v2/alerts";
	rq.body = "";
	if (filter != NULL) {
		rq.query = &kv;
		rq.n_query = 1;
	}
	buf_init(&resp.body, BUF_NOCAP);
	api_alerts_routes[1].handler(&rq, &resp);
	ck_assert_int_eq(resp.status == 0 ? 200 : resp.status, 200);
	buf_reset(out);
	buf_add(out, buf_str(&resp.body), buf_len(&resp.body));
	buf_release(&resp.body);
}

static void
emit_name(void *ctx, const char *name)
{
	alertd_strs_add(ctx, name);
}

/*
 * GET /api/v2/alerts from scratch: each alert copied (a copy has no
 * memo), its status and receivers worked out anew.
 */
static void
reference(struct env *e, const struct matchers *filter, struct buf *out)
{
	struct alert		**v, *c;
	struct alert_status	  st;
	struct alertd_strs	  rcv = { NULL, 0, 0 };
	struct config		 *cfg = alertd_config(&e->ad);
	size_t			  n, i, k = 0;
	ad_time_t		  now = ad_now();

	buf_reset(out);
	buf_addch(out, '[');
	n = store_list(e->ad.alerts, &v);
	for (i = 0; i < n; i++) {
		if (filter != NULL && !matchers_match(filter, v[i]->labels))
			continue;
		c = alert_new(labels_ref(v[i]->labels),
		    labels_ref(v[i]->annotations), v[i]->generator_url,
		    v[i]->starts_at, v[i]->ends_at, v[i]->updated_at,
		    v[i]->timeout);
		c->starts_off = v[i]->starts_off;
		c->ends_off = v[i]->ends_off;
		alert_status_init(&st);
		alertd_status(&e->ad, c, now, &st);
		alertd_strs_release(&rcv);
		alertd_receivers(&e->ad, cfg, c->labels, emit_name, &rcv);
		if (k++ > 0)
			buf_addch(out, ',');
		api_json_alert(out, c, &st, (const char *const *)rcv.v,
		    rcv.n);
		alert_status_release(&st);
		alert_unref(c);
	}
	buf_addstr(out, "]\n");
	alertd_strs_release(&rcv);
	store_list_free(v, n);
	config_unref(cfg);
}

static void
assert_same_as_reference(struct env *e)
{
	struct buf	got, want;

	buf_init(&got, BUF_NOCAP);
	buf_init(&want, BUF_NOCAP);
	get(e, NULL, &got);
	reference(e, NULL, &want);
	ck_assert_str_eq(buf_str(&got), buf_str(&want));
	buf_release(&got);
	buf_release(&want);
}

static void
silence(struct env *e, const char *name, enum matcher_type t,
    const char *value, ad_time_t start, ad_time_t end, char *id)
{
	struct silence	*s = silence_new();
	struct ad_err	 err;

	silence_add_matcher(s, t, name, value);
	s->starts_at = start;
	s->ends_at = end;
	ck_assert_msg(silence_store_upsert(e->ad.silences, s, ad_now(), id,
	    &err) == 0, "%s", err.msg);
}

static bool
contains(const struct buf *b, const char *s)
{
	return strstr(buf_str(b), s) != NULL;
}

START_TEST(memo_follows_changes)
{
	struct env	 e;
	struct buf	 out;
	char		 id[SILENCE_UUID_LEN + 1], want[128];
	int		 i;

	env_init(&e, false);
	buf_init(&out, BUF_NOCAP);
	for (i = 0; i < NALERTS; i++)
		put_alert(&e, i, 0);
	assert_same_as_reference(&e);
	get(&e, NULL, &out);
	ck_assert(!contains(&out, "suppressed"));
	ck_assert(!contains(&out, "team-x"));

	/* A silence created after the first GET. */
	silence(&e, "alertname", MATCH_RE, "A[12]", ad_now() - AD_SEC,
	    ad_now() + AD_HOUR, id);
	get(&e, NULL, &out);
	snprintf(want, sizeof(want), "\"silencedBy\":[\"%s\"],"
	    "\"state\":\"suppressed\"", id);
	ck_assert(contains(&out, want));
	assert_same_as_reference(&e);

	/* Expired. */
	ck_assert_int_eq(silence_store_expire(e.ad.silences, id, ad_now(),
	    NULL), 0);
	get(&e, NULL, &out);
	ck_assert(!contains(&out, "suppressed"));
	assert_same_as_reference(&e);

	/* A reload changes receivers. */
	use_config(&e, 1);
	get(&e, NULL, &out);
	ck_assert(contains(&out, "\"receivers\":[{\"name\":\"team-x\"},"
	    "{\"name\":\"pager\\u003c\\u0026\\u003e\"}]"));
	assert_same_as_reference(&e);
	use_config(&e, 0);
	get(&e, NULL, &out);
	ck_assert(!contains(&out, "team-x"));

	/* Replaced alerts get new memos. */
	for (i = 0; i < NALERTS; i += 3)
		put_alert(&e, i, 1);
	assert_same_as_reference(&e);

	buf_release(&out);
	env_release(&e);
}
END_TEST

/* A pending silence starts muting when its start passes: same version. */
START_TEST(memo_pending_silence_becomes_active)
{
	struct env		 e;
	struct alert		*a;
	struct alert_status	 st;
	char			 id[SILENCE_UUID_LEN + 1];
	ad_time_t		 now = ad_now();
	int			 k;

	env_init(&e, false);
	put_alert(&e, 1, 0);
	silence(&e, "instance", MATCH_EQ, "host-1:9100", now + AD_HOUR,
	    now + 2 * AD_HOUR, id);
	{
		struct alert	**v;
		size_t		  n = store_list(e.ad.alerts, &v);

		ck_assert_uint_eq(n, 1);
		a = alert_ref(v[0]);
		store_list_free(v, n);
	}
	/* Pending, pending again (memo re-checked), active, expired. */
	for (k = 0; k < 4; k++) {
		alert_status_init(&st);
		alertd_status(&e.ad, a, now + (ad_time_t)k * AD_HOUR / 2 +
		    (k >= 2) * AD_HOUR / 4 + (k == 3) * AD_HOUR, &st);
		if (k != 2) {
			ck_assert_uint_eq(st.silenced_by.n, 0);
			ck_assert_int_eq(st.state, ALERT_STATE_ACTIVE);
		} else {
			ck_assert_uint_eq(st.silenced_by.n, 1);
			ck_assert_str_eq(st.silenced_by.v[0], id);
			ck_assert_int_eq(st.state, ALERT_STATE_SUPPRESSED);
		}
		alert_status_release(&st);
	}
	alert_unref(a);
	env_release(&e);
}
END_TEST

/* The label filter, applied before the status, changes nothing. */
START_TEST(memo_filtered_get)
{
	struct env	 e;
	struct buf	 got, want;
	struct matchers	 ms;
	struct ad_err	 err;
	char		 id[SILENCE_UUID_LEN + 1];
	int		 i;

	env_init(&e, false);
	buf_init(&got, BUF_NOCAP);
	buf_init(&want, BUF_NOCAP);
	for (i = 0; i < NALERTS; i++)
		put_alert(&e, i, 0);
	silence(&e, "job", MATCH_EQ, "db", ad_now() - AD_SEC,
	    ad_now() + AD_HOUR, id);
	matchers_init(&ms);
	matchers_add(&ms, matcher_parse("severity=~\"crit.*\"", &err));
	get(&e, "severity=~\"crit.*\"", &got);
	reference(&e, &ms, &want);
	ck_assert_str_eq(buf_str(&got), buf_str(&want));
	ck_assert(contains(&got, "suppressed"));
	matchers_release(&ms);
	buf_release(&got);
	buf_release(&want);
	env_release(&e);
}
END_TEST

/* ------------------------------------------------------------ stress */

struct stress {
	struct env	*e;
	atomic_bool	 stop;
	atomic_int	 gets, posts, changes;
};

/* Every alert's status agrees with itself; the JSON parses. */
static void
check_answer(const struct buf *b, bool groups)
{
	json_error_t	 jerr;
	json_t		*root, *g, *alerts, *a, *st;
	size_t		 i, j, n;

	root = json_loadb(buf_str(b), buf_len(b), 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);
	ck_assert(json_is_array(root));
	n = groups ? json_array_size(root) : 1;
	for (i = 0; i < n; i++) {
		g = groups ? json_array_get(root, i) : NULL;
		alerts = groups ? json_object_get(g, "alerts") : root;
		json_array_foreach(alerts, j, a) {
			st = json_object_get(a, "status");
			ck_assert_int_eq(json_array_size(json_object_get(st,
			    "silencedBy")) > 0, strcmp(json_string_value(
			    json_object_get(st, "state")), "suppressed") == 0);
			ck_assert_int_gt(json_array_size(json_object_get(a,
			    "receivers")), 0);
			ck_assert_uint_eq(strlen(json_string_value(
			    json_object_get(a, "fingerprint"))), 16);
		}
	}
	json_decref(root);
}

static void *
getter(void *arg)
{
	struct stress	*s = arg;
	struct buf	 b;
	int		 i = 0;

	buf_init(&b, BUF_NOCAP);
	while (!atomic_load(&s->stop)) {
		get(s->e, i++ % 3 == 0 ? "severity=\"critical\"" : NULL, &b);
		check_answer(&b, false);
		atomic_fetch_add(&s->gets, 1);
	}
	buf_release(&b);
	matcher_thread_cleanup();
	return NULL;
}

static void *
grouper(void *arg)
{
	struct stress		*s = arg;
	struct api_alerts_query	 q;
	struct buf		 b;

	memset(&q, 0, sizeof(q));
	q.active = q.silenced = q.inhibited = q.unprocessed = true;
	matchers_init(&q.filter);
	buf_init(&b, BUF_NOCAP);
	while (!atomic_load(&s->stop)) {
		buf_reset(&b);
		ck_assert_int_eq(api_groups_json(&s->e->ad, s->e->d, &q,
		    ad_now(), &b, NULL), 0);
		check_answer(&b, true);
		atomic_fetch_add(&s->gets, 1);
	}
	buf_release(&b);
	matchers_release(&q.filter);
	matcher_thread_cleanup();
	return NULL;
}

static void *
poster(void *arg)
{
	struct stress	*s = arg;
	unsigned	 seed = 11;
	int		 v = 1;

	while (!atomic_load(&s->stop)) {
		put_alert(s->e, (int)(rand_r(&seed) % NALERTS), v++);
		atomic_fetch_add(&s->posts, 1);
	}
	return NULL;
}

static void *
changer(void *arg)
{
	struct stress	*s = arg;
	char		 ids[8][SILENCE_UUID_LEN + 1], val[32];
	unsigned	 seed = 5;
	int		 i = 0, k;

	while (!atomic_load(&s->stop)) {
		k = i % 8;
		if (i >= 8)
			silence_store_expire(s->e->ad.silences, ids[k],
			    ad_now(), NULL);
		snprintf(val, sizeof(val), "A[%u%u]", rand_r(&seed) % 7,
		    rand_r(&seed) % 7);
		silence(s->e, "alertname", MATCH_RE, val, ad_now() - AD_SEC,
		    ad_now() + AD_HOUR, ids[k]);
		if (i % 5 == 0)
			use_config(s->e, (i / 5) % 2);
		i++;
		atomic_fetch_add(&s->changes, 1);
	}
	matcher_thread_cleanup();
	return NULL;
}

START_TEST(memo_stress)
{
	struct env	 e;
	struct stress	 s;
	pthread_t	 t[5];
	void		*(*fn[5])(void *) = { getter, getter, grouper, poster,
			    changer };
	int		 i;

	env_init(&e, true);
	for (i = 0; i < NALERTS; i++)
		put_alert(&e, i, 0);
	memset(&s, 0, sizeof(s));
	s.e = &e;
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, fn[i], &s), 0);
	while (atomic_load(&s.gets) < 300 || atomic_load(&s.changes) < 60 ||
	    atomic_load(&s.posts) < 2000)
		usleep(10000);
	atomic_store(&s.stop, true);
	for (i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	/* Quiet again: the memos must give what a fresh look gives. */
	assert_same_as_reference(&e);
	use_config(&e, 1);
	assert_same_as_reference(&e);
	env_release(&e);
}
END_TEST

Suite *
alert_memo_suite(void)
{
	Suite	*s = suite_create("alert_memo");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, memo_follows_changes);
	tcase_add_test(tc, memo_pending_silence_becomes_active);
	tcase_add_test(tc, memo_filtered_get);
	tcase_add_test(tc, memo_stress);
	suite_add_tcase(s, tc);
	return s;
}
