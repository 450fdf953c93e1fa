/*
 * Inhibition: Alertmanager 0.25's rules (inhibit/inhibit.go and its
 * tests): only firing sources inhibit, `equal` labels missing on both
 * sides count as equal, an alert matching both sides is not inhibited
 * by another such alert, rules apply in order, updates replace cached
 * sources, the GC drops resolved ones, and the equal-label index finds
 * the right source among many.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "alertd/alert.h"
#include "config/config.h"
#include "routing/inhibit.h"
#include "routing/labels.h"
#include "routing_fixture.h"

#define T0	((ad_time_t)1700000000 * AD_SEC)
#define S(x)	((ad_time_t)llround((x) * 1e9))

static void
put(struct inhibit *ih, const char *const *kv, ad_time_t start,
    ad_time_t end, uint64_t *fp)
{
	struct alert	*a = fx_alert(kv, start, end);

	inhibit_put(ih, a);
	if (fp != NULL)
		*fp = a->fp;
	alert_unref(a);
}

/* Is kv muted at now, and by whom (0: not muted)? */
static uint64_t
muted_by(struct inhibit *ih, const char *const *kv, ad_time_t now)
{
	struct labels	*ls = fx_labels(kv);
	uint64_t	 by = 0;
	bool		 m;

	m = inhibit_mutes(ih, ls, now, &by);
	labels_unref(ls);
	ck_assert(m == (by != 0));
	return by;
}

START_TEST(acceptance_inhibiting)
{
	struct config_inhibit_rule	 r;
	struct inhibit			*ih;
	uint64_t			 src;

	/* TestInhibiting's rule. */
	fx_rule(&r, "alertname=\"JobDown\"", "alertname=\"InstanceDown\"",
	    "job,zone");
	ih = inhibit_new((struct config_inhibit_rule *[]){ &r }, 1);
	put(ih, FX_L("alertname", "InstanceDown", "job", "testjob", "zone",
	    "aa"), T0, T0 + S(300), NULL);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "InstanceDown", "job",
	    "testjob", "zone", "aa"), T0 + S(1)), 0);
	put(ih, FX_L("alertname", "JobDown", "job", "testjob", "zone", "aa"),
	    T0 + S(1.2), T0 + S(300), &src);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "InstanceDown", "job",
	    "testjob", "zone", "aa"), T0 + S(2)), src);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "InstanceDown", "job",
	    "testjob", "zone", "ab"), T0 + S(2)), 0);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "test1", "job",
	    "testjob", "zone", "aa"), T0 + S(2)), 0);
	/* The source resolves at 2.6: only firing sources inhibit. */
	put(ih, FX_L("alertname", "JobDown", "job", "testjob", "zone", "aa"),
	    T0 + S(1.2), T0 + S(2.6), NULL);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "InstanceDown", "job",
	    "testjob", "zone", "aa"), T0 + S(2.5)), src);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "InstanceDown", "job",
	    "testjob", "zone", "aa"), T0 + S(2.6)), 0);
	/* The resolved source stays cached until the GC. */
	ck_assert_uint_eq(inhibit_cached(ih), 1);
	inhibit_gc(ih, T0 + S(2.5));
	ck_assert_uint_eq(inhibit_cached(ih), 1);
	inhibit_gc(ih, T0 + S(3));
	ck_assert_uint_eq(inhibit_cached(ih), 0);
	inhibit_free(ih);
	fx_rule_free(&r);
}
END_TEST

START_TEST(missing_equal_labels_are_equal)
{
	struct config_inhibit_rule	 r;
	struct inhibit			*ih;
	uint64_t			 src;

	fx_rule(&r, "s=\"1\"", "t=\"1\"", "zone,cluster");
	ih = inhibit_new((struct config_inhibit_rule *[]){ &r }, 1);
	put(ih, FX_L("s", "1", "cluster", "c"), T0, T0 + S(300), &src);
	ck_assert_uint_eq(muted_by(ih, FX_L("t", "1", "cluster", "c"), T0),
	    src);
	/* zone="" on one side equals a missing zone on the other. */
	ck_assert_uint_eq(muted_by(ih, FX_L("t", "1", "cluster", "c", "zone",
	    ""), T0), src);
	ck_assert_uint_eq(muted_by(ih, FX_L("t", "1", "cluster", "c", "zone",
	    "z"), T0), 0);
	ck_assert_uint_eq(muted_by(ih, FX_L("t", "1"), T0), 0);
	inhibit_free(ih);
	fx_rule_free(&r);
}
END_TEST

START_TEST(two_sided_alerts_do_not_inhibit_each_other)
{
	struct config_inhibit_rule	 r;
	struct inhibit			*ih;
	uint64_t			 x, z;

	fx_rule(&r, "a=\"1\"", "b=\"1\"", "");
	ih = inhibit_new((struct config_inhibit_rule *[]){ &r }, 1);
	put(ih, FX_L("a", "1", "b", "1"), T0, T0 + S(300), &x);
	put(ih, FX_L("a", "1", "b", "1", "c", "2"), T0, T0 + S(300), NULL);
	/* Both match both sides: neither inhibits the other. */
	ck_assert_uint_eq(muted_by(ih, FX_L("a", "1", "b", "1"), T0), 0);
	ck_assert_uint_eq(muted_by(ih, FX_L("a", "1", "b", "1", "c", "2"), T0),
	    0);
	/* A target-only alert is inhibited by a two-sided one. */
	ck_assert(muted_by(ih, FX_L("b", "1"), T0) != 0);
	/* A source-only alert inhibits the two-sided ones. */
	put(ih, FX_L("a", "1"), T0, T0 + S(300), &z);
	ck_assert_uint_eq(muted_by(ih, FX_L("a", "1", "b", "1"), T0), z);
	(void)x;
	inhibit_free(ih);
	fx_rule_free(&r);
}
END_TEST

START_TEST(first_rule_wins_and_all_forms_match)
{
	struct config_inhibit_rule	 r[3];
	struct inhibit			*ih;
	uint64_t			 crit, page;

	/* match_re and matchers forms compile to the same matchers. */
	fx_rule(&r[0], "severity=~\"^(?:page)$\"", "severity!=\"page\"",
	    "alertname");
	fx_rule(&r[1], "severity=\"critical\"", "severity=~\"warn.*|info\"",
	    "alertname");
	fx_rule(&r[2], "severity=\"critical\"", "severity!~\"critical\"", "");
	ih = inhibit_new((struct config_inhibit_rule *[]){ &r[0], &r[1],
	    &r[2] }, 3);
	put(ih, FX_L("alertname", "a", "severity", "critical"), T0,
	    T0 + S(300), &crit);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "a", "severity",
	    "warning"), T0), crit);
	/* Rule 3 has no equal: any critical inhibits. */
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "b", "severity",
	    "warning"), T0), crit);
	put(ih, FX_L("alertname", "a", "severity", "page"), T0, T0 + S(300),
	    &page);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "a", "severity",
	    "warning"), T0), page);
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "a", "severity",
	    "critical"), T0), page);
	inhibit_free(ih);
	fx_rule_free(&r[0]);
	fx_rule_free(&r[1]);
	fx_rule_free(&r[2]);
}
END_TEST

START_TEST(index_finds_the_right_source_among_many)
{
	struct config_inhibit_rule	 r;
	struct inhibit			*ih;
	char				 inst[32];
	uint64_t			 fps[1000];
	int				 i;

	fx_rule(&r, "alertname=\"NodeDown\"", "alertname!=\"NodeDown\"",
	    "instance");
	ih = inhibit_new((struct config_inhibit_rule *[]){ &r }, 1);
	for (i = 0; i < 1000; i++) {
		snprintf(inst, sizeof(inst), "node-%d", i);
		/* Odd ones are resolved. */
		put(ih, FX_L("alertname", "NodeDown", "instance", inst), T0,
		    i % 2 ? T0 - S(1) : T0 + S(300), &fps[i]);
	}
	ck_assert_uint_eq(inhibit_cached(ih), 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(inst, sizeof(inst), "node-%d", i);
		ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "Disk",
		    "instance", inst), T0), i % 2 ? 0 : fps[i]);
	}
	ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "Disk", "instance",
	    "node-x"), T0), 0);
	inhibit_gc(ih, T0);
	ck_assert_uint_eq(inhibit_cached(ih), 500);
	for (i = 0; i < 1000; i += 2) {
		snprintf(inst, sizeof(inst), "node-%d", i);
		ck_assert_uint_eq(muted_by(ih, FX_L("alertname", "Disk",
		    "instance", inst), T0), fps[i]);
	}
	inhibit_free(ih);
	fx_rule_free(&r);
}
END_TEST

START_TEST(muter_adapter_and_no_rules)
{
	struct config_inhibit_rule	 r;
	struct inhibit			*ih;
	struct alert			*a;

	ih = inhibit_new(NULL, 0);
	a = fx_alert(FX_L("x", "1"), T0, T0 + S(300));
	inhibit_put(ih, a);
	ck_assert(!inhibit_muter(ih, a, T0));
	alert_unref(a);
	inhibit_free(ih);
	fx_rule(&r, "severity=\"critical\"", "severity=\"warning\"",
	    "alertname");
	ih = inhibit_new((struct config_inhibit_rule *[]){ &r }, 1);
	put(ih, FX_L("alertname", "test1", "severity", "critical"), T0,
	    T0 + S(300), NULL);
	a = fx_alert(FX_L("alertname", "test1", "severity", "warning"), T0,
	    T0 + S(300));
	ck_assert(inhibit_muter(ih, a, T0));
	alert_unref(a);
	inhibit_free(ih);
	fx_rule_free(&r);
}
END_TEST

Suite *
inhibit_suite(void)
{
	Suite	*s = suite_create("inhibit");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, acceptance_inhibiting);
	tcase_add_test(tc, missing_equal_labels_are_equal);
	tcase_add_test(tc, two_sided_alerts_do_not_inhibit_each_other);
	tcase_add_test(tc, first_rule_wins_and_all_forms_match);
	tcase_add_test(tc, index_finds_the_right_source_among_many);
	tcase_add_test(tc, muter_adapter_and_no_rules);
	suite_add_tcase(s, tc);
	return s;
}
