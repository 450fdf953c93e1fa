/*
 * The inhibit rule `name` of Alertmanager 0.30: parsed into struct
 * config_inhibit_rule, dumped first and only when set (0.30's
 * config.InhibitRule declares Name `yaml:"name,omitempty"` as its first
 * field), unknown in 0.25 mode (amtool check-config) with a warning, and
 * named in the inhibitor's debug lines (the duplicate-name line of 0.30's
 * NewInhibitor; the rule that muted a notification).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "config/config.h"
#include "routing/inhibit.h"
#include "routing_fixture.h"

#define T0	((ad_time_t)1700000000 * AD_SEC)

static const char yml[] =
    "route:\n  receiver: x\nreceivers:\n- name: x\ninhibit_rules:\n"
    "- name: db-down\n  source_matchers: [alertname=\"DBDown\"]\n"
    "  target_matchers: [severity=\"warning\"]\n  equal: [cluster]\n"
    "- source_matchers: [alertname=\"A\"]\n  target_matchers: [b=\"c\"]\n"
    "- name: db-down\n  source_matchers: [alertname=\"B\"]\n"
    "  target_matchers: [b=\"d\"]\n";

static struct config *
load(const struct config_load_opts *o, struct ad_errs *errs,
    struct ad_errs *warns)
{
	ad_errs_init(errs);
	ad_errs_init(warns);
	return config_load_bytes("inh.yml", yml, strlen(yml), NULL, o, errs,
	    warns);
}

START_TEST(parsed_and_dumped_when_set)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct ad_errs		 errs, warns;
	struct config		*c = load(&o, &errs, &warns);
	struct buf		 out;
	const char		*dump;

	ck_assert_msg(c != NULL, "%s", errs.n ? errs.v[0].msg : "");
	ck_assert_uint_eq(c->n_inhibit_rules, 3);
	ck_assert_str_eq(c->inhibit_rules[0]->name, "db-down");
	ck_assert_ptr_null(c->inhibit_rules[1]->name);
	buf_init(&out, BUF_NOCAP);
	ck_assert_int_eq(config_dump_yaml(c, &out), 0);
	dump = strstr(buf_str(&out), "inhibit_rules:\n");
	ck_assert_ptr_nonnull(dump);
	ck_assert_msg(strncmp(dump, "inhibit_rules:\n- name: db-down\n"
	    "  source_matchers:\n", 48) == 0, "%s", dump);
	/* The unnamed rule has no name line. */
	ck_assert_ptr_nonnull(strstr(dump, "- source_matchers:\n  - "
	    "alertname=\"A\"\n"));
	buf_release(&out);
	config_unref(c);
	ad_errs_release(&errs);
	ad_errs_release(&warns);
}
END_TEST

START_TEST(unknown_in_025_mode)
{
	struct config_load_opts	 o = config_load_opts_amtool();
	struct ad_errs		 errs, warns;
	struct config		*c = load(&o, &errs, &warns);

	ck_assert_ptr_null(c);
	ck_assert_uint_eq(errs.n, 2);
	ck_assert_str_eq(errs.v[0].msg, "field name not found in type "
	    "config.plain");
	ck_assert_ptr_nonnull(strstr(errs.v[0].where, "inh.yml:6:3"));
	ck_assert_uint_ge(warns.n, 1);
	ck_assert_ptr_nonnull(strstr(warns.v[0].msg, "added in Alertmanager "
	    "0.30"));
	ad_errs_release(&errs);
	ad_errs_release(&warns);
}
END_TEST

/* Runs fn with the debug log going to a temp file; returns the lines. */
static char *
capture(void (*fn)(struct config *), struct config *c)
{
	char		 path[] = "/tmp/alertd-inhlog-XXXXXX", *text;
	int		 fd = mkstemp(path);
	struct buf	 b;
	struct ad_err	 e;

	ck_assert_int_ge(fd, 0);
	log_init(LOG_DEBUG, LOG_LOGFMT);
	log_set_fd(fd);
	fn(c);
	log_set_fd(-1);
	log_init(LOG_INFO, LOG_LOGFMT);
	close(fd);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(buf_read_file(&b, path, &e), 0);
	unlink(path);
	text = buf_detach(&b, NULL);
	return text;
}

static void
mute_two(struct config *c)
{
	struct inhibit	*ih = inhibit_new(c->inhibit_rules,
			    c->n_inhibit_rules);
	struct alert	*src, *tgt, *src2, *tgt2;

	src = fx_alert(FX_L("alertname", "DBDown", "cluster", "eu"), T0,
	    T0 + 600 * AD_SEC);
	tgt = fx_alert(FX_L("alertname", "Slow", "severity", "warning",
	    "cluster", "eu"), T0, T0 + 600 * AD_SEC);
	src2 = fx_alert(FX_L("alertname", "A"), T0, T0 + 600 * AD_SEC);
	tgt2 = fx_alert(FX_L("alertname", "X", "b", "c"), T0,
	    T0 + 600 * AD_SEC);
	inhibit_put(ih, src);
	inhibit_put(ih, src2);
	ck_assert(inhibit_muter(ih, tgt, T0 + AD_SEC));
	ck_assert(inhibit_muter(ih, tgt2, T0 + AD_SEC));
	ck_assert(!inhibit_muter(ih, src, T0 + AD_SEC));
	alert_unref(src);
	alert_unref(tgt);
	alert_unref(src2);
	alert_unref(tgt2);
	inhibit_free(ih);
}

START_TEST(named_in_debug_logs)
{
	struct config_load_opts	 o = config_load_opts_daemon();
	struct ad_errs		 errs, warns;
	struct config		*c = load(&o, &errs, &warns);
	char			*logs;

	ck_assert_ptr_nonnull(c);
	logs = capture(mute_two, c);
	ck_assert_msg(strstr(logs, "msg=\"duplicate inhibition rule name\" "
	    "index=2 name=db-down") != NULL, "%s", logs);
	ck_assert_msg(strstr(logs, "msg=\"Alert inhibited\"") != NULL, "%s",
	    logs);
	ck_assert_msg(strstr(logs, "index=0 name=db-down\n") != NULL, "%s",
	    logs);
	/* The unnamed rule is logged by its index alone. */
	ck_assert_msg(strstr(logs, "index=1\n") != NULL, "%s", logs);
	free(logs);
	config_unref(c);
	ad_errs_release(&errs);
	ad_errs_release(&warns);
}
END_TEST

Suite *
inhibit_name_suite(void)
{
	Suite	*s = suite_create("inhibit_name");
	TCase	*tc = tcase_create("name");

	tcase_add_test(tc, parsed_and_dumped_when_set);
	tcase_add_test(tc, unknown_in_025_mode);
	tcase_add_test(tc, named_in_debug_logs);
	suite_add_tcase(s, tc);
	return s;
}
