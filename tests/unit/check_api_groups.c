/*
 * GET /api/v2/alerts/groups' body (api_groups_json) over live
 * dispatcher groups: group order (labels, then receiver), alert order,
 * per-alert receivers restricted to the listed groups, the receiver and
 * alert filters, groups left out when no alert passes, escaping (group
 * labels and receiver names unescaped, alerts as gettableAlert).  The
 * shape was recorded from Alertmanager 0.25 (tests/integration/
 * test_routing.py compares whole replies with the real one).
 */
#include <check.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api.h"
#include "alertd/api_groups.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/pipeline.h"
#include "routing/aggr.h"
#include "routing/dispatch.h"
#include "routing/matcher.h"
#include "routing/route.h"
#include "routing_fixture.h"

#define T0	((ad_time_t)1700000000 * AD_SEC)

static const char cfg_text[] =
    "route:\n"
    "  receiver: default\n"
    "  group_by: [alertname]\n"
    "  group_wait: 1h\n"
    "  routes:\n"
    "    - matchers: [team=\"db\"]\n"
    "      receiver: db\n"
    "      continue: true\n"
    "    - matchers: [severity=\"critical\"]\n"
    "      receiver: 'p<&>'\n"
    "receivers:\n"
    "  - name: default\n"
    "  - name: db\n"
    "  - name: 'p<&>'\n";

struct env {
	struct alertd		 ad;
	struct config		*cfg;
	struct route_tree	*t;
	struct dispatch		*d;
	struct api_alerts_query	 q;
	struct buf		 out;
};

static void
no_submit(void *arg, struct notify_flush *f)
{
	(void)arg;
	f->done(f->arg, true);
	aggr_flush_free(f);
}

static void
post(struct env *e, const char *const *kv)
{
	struct alert	*a = fx_alert(kv, T0, T0 + 300 * AD_SEC);

	dispatch_post_alert(e->d, a);
	alert_unref(a);
}

static void
env_init(struct env *e)
{
	struct dispatch_hooks	h = { no_submit, NULL };
	struct ad_errs		errs;

	memset(e, 0, sizeof(*e));
	alertd_init(&e->ad);
	ad_errs_init(&errs);
	e->cfg = config_load_bytes("groups.yml", cfg_text,
	    sizeof(cfg_text) - 1, ".", NULL, &errs, NULL);
	ck_assert_ptr_nonnull(e->cfg);
	ad_errs_release(&errs);
	e->t = route_build(e->cfg);
	e->d = dispatch_new(e->t, &h, T0);
	post(e, FX_L("alertname", "A", "team", "db", "severity", "critical",
	    "instance", "i1"));
	post(e, FX_L("alertname", "A", "team", "db", "severity", "warning",
	    "instance", "i2"));
	post(e, FX_L("alertname", "B", "severity", "critical"));
	post(e, FX_L("alertname", "C", "g", "x&y<"));
	dispatch_step(e->d, T0);
	e->q.active = e->q.silenced = e->q.inhibited = true;
	e->q.unprocessed = true;
	matchers_init(&e->q.filter);
	buf_init(&e->out, BUF_NOCAP);
}

static void
env_release(struct env *e)
{
	buf_release(&e->out);
	matchers_release(&e->q.filter);
	matcher_free(e->q.receiver);
	dispatch_free(e->d);
	route_tree_free(e->t);
	config_unref(e->cfg);
	alertd_release(&e->ad);
}

static const char *
groups(struct env *e)
{
	buf_reset(&e->out);
	ck_assert_int_eq(api_groups_json(&e->ad, e->d, &e->q, T0 + AD_SEC,
	    &e->out, NULL), 0);
	return buf_str(&e->out);
}

/* The offset of needle in s, or -1. */
static long
pos(const char *s, const char *needle)
{
	const char	*p = strstr(s, needle);

	return p != NULL ? p - s : -1;
}

START_TEST(groups_sorted_with_receivers)
{
	struct env	 e;
	const char	*s;

	env_init(&e);
	s = groups(&e);
	/* A/db, A/p<&> (same labels: by receiver), B, C. */
	ck_assert_int_lt(pos(s, "\"receiver\":{\"name\":\"db\"}"),
	    pos(s, "\"receiver\":{\"name\":\"p<&>\"}"));
	ck_assert_int_lt(pos(s, "\"labels\":{\"alertname\":\"B\"}"),
	    pos(s, "\"labels\":{\"alertname\":\"C\"}"));
	/* Group labels and receivers are not HTML-escaped; alerts are. */
	ck_assert_int_ge(pos(s, "\"labels\":{\"alertname\":\"C\"},"
	    "\"receiver\":{\"name\":\"default\"}}]\n"), 0);
	ck_assert_int_ge(pos(s, "\"g\":\"x\\u0026y\\u003c\""), 0);
	/* The critical A is in two groups: both receivers, sorted. */
	ck_assert_int_ge(pos(s, "\"receivers\":[{\"name\":\"db\"},"
	    "{\"name\":\"p\\u003c\\u0026\\u003e\"}]"), 0);
	ck_assert_int_eq(s[0], '[');
	ck_assert_int_eq(s[strlen(s) - 1], '\n');
	env_release(&e);
}
END_TEST

START_TEST(receiver_filter_limits_groups_and_receivers)
{
	struct env	 e;
	struct ad_err	 err;
	const char	*s;

	env_init(&e);
	e.q.receiver = matcher_new(MATCH_RE, "receiver", "db", &err);
	s = groups(&e);
	ck_assert_int_lt(pos(s, "p<&>"), 0);
	ck_assert_int_lt(pos(s, "p\\u003c"), 0);
	ck_assert_int_lt(pos(s, "\"alertname\":\"B\""), 0);
	/* The critical A lists only db now. */
	ck_assert_int_ge(pos(s, "\"receivers\":[{\"name\":\"db\"}],"), 0);
	env_release(&e);
}
END_TEST

START_TEST(alert_filter_drops_empty_groups)
{
	struct env	 e;
	struct ad_err	 err;
	const char	*s;

	env_init(&e);
	matchers_add(&e.q.filter, matcher_new(MATCH_EQ, "instance", "i2",
	    &err));
	s = groups(&e);
	ck_assert_int_ge(pos(s, "\"instance\":\"i2\""), 0);
	ck_assert_int_lt(pos(s, "\"instance\":\"i1\""), 0);
	ck_assert_int_lt(pos(s, "p<&>"), 0);		/* its only alert */
	ck_assert_int_lt(pos(s, "\"alertname\":\"C\""), 0);
	matchers_release(&e.q.filter);
	e.q.active = false;
	s = groups(&e);
	ck_assert_str_eq(s, "[]\n");
	env_release(&e);
}
END_TEST

START_TEST(no_dispatcher_gives_empty_list)
{
	struct env	e;

	env_init(&e);
	buf_reset(&e.out);
	ck_assert_int_eq(api_groups_json(&e.ad, NULL, &e.q, T0, &e.out, NULL),
	    0);
	ck_assert_str_eq(buf_str(&e.out), "[]\n");
	env_release(&e);
}
END_TEST

Suite *
api_groups_suite(void)
{
	Suite	*s = suite_create("api_groups");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, groups_sorted_with_receivers);
	tcase_add_test(tc, receiver_filter_limits_groups_and_receivers);
	tcase_add_test(tc, alert_filter_drops_empty_groups);
	tcase_add_test(tc, no_dispatcher_gives_empty_list);
	suite_add_tcase(s, tc);
	return s;
}
