/*
 * The daemon's wiring (alertd.c): reload keeps the running config on
 * failure and runs the hooks on success, the status hooks make the
 * state, the default receivers walk routes as dispatch.Route.Match.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "config/config.h"
#include "routing/labels.h"

static char	path[64];

static void
write_config(const char *text)
{
	FILE	*f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
setup(void)
{
	int	fd;

	strcpy(path, "/tmp/check_alertd_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	log_set_fd(open("/dev/null", 0));
}

static void
teardown(void)
{
	unlink(path);
	log_set_fd(-1);
}

static int	reloads;

static int
on_reload(void *arg, struct config *cfg, struct ad_errs *errs)
{
	(void)errs;
	ck_assert_ptr_eq(arg, &reloads);
	ck_assert_ptr_nonnull(cfg);
	reloads++;
	return 0;
}

START_TEST(reload_keeps_running_config)
{
	struct alertd	 ad;
	struct ad_errs	 errs;
	struct config	*c1, *c2;

	alertd_init(&ad);
	ad.config_file = path;
	alertd_on_reload(&ad, on_reload, &reloads);
	reloads = 0;
	write_config("route:\n  receiver: a\nreceivers:\n- name: a\n");
	ad_errs_init(&errs);
	ck_assert_int_eq(alertd_reload(&ad, &errs), 0);
	ck_assert_int_eq(reloads, 1);
	c1 = alertd_config(&ad);
	write_config("route:\n  receiver: nope\nreceivers:\n- name: a\n");
	ck_assert_int_eq(alertd_reload(&ad, &errs), -1);
	ck_assert_uint_gt(errs.n, 0);
	ck_assert_int_eq(reloads, 1);
	c2 = alertd_config(&ad);
	ck_assert_ptr_eq(c1, c2);		/* still the running one */
	config_unref(c2);
	write_config("route:\n  receiver: b\nreceivers:\n- name: b\n");
	ck_assert_int_eq(alertd_reload(&ad, &errs), 0);
	ck_assert_int_eq(reloads, 2);
	c2 = alertd_config(&ad);
	ck_assert_ptr_ne(c1, c2);
	ck_assert_str_eq(c2->route->receiver, "b");
	config_unref(c1);			/* outlived the swap */
	config_unref(c2);
	ad_errs_release(&errs);
	alertd_release(&ad);
}
END_TEST

static void
emit(void *ctx, const char *name)
{
	struct buf	*b = ctx;

	buf_addf(b, "%s%s", buf_len(b) > 0 ? "," : "", name);
}

static void
check_route(struct alertd *ad, struct config *cfg, const char *k,
    const char *v, const char *want)
{
	struct labels_builder	 lb;
	struct labels		*ls;
	struct buf		 b;

	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "x");
	if (k != NULL)
		labels_builder_adds(&lb, k, v);
	ls = labels_builder_finish(&lb);
	labels_builder_release(&lb);
	buf_init(&b, BUF_NOCAP);
	alertd_receivers(ad, cfg, ls, emit, &b);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
	labels_unref(ls);
}

START_TEST(default_receivers_walk)
{
	struct alertd	 ad;
	struct ad_errs	 errs;
	struct config	*cfg;

	alertd_init(&ad);
	ad.config_file = path;
	write_config("route:\n  receiver: root\n  routes:\n"
	    "  - matchers: ['team=\"ops\"']\n    receiver: ops\n"
	    "    continue: true\n"
	    "  - matchers: ['team=~\"ops|db\"']\n    receiver: db\n"
	    "    routes:\n    - matchers: ['sev=\"page\"']\n"
	    "      receiver: pager\n"
	    "receivers:\n- name: root\n- name: ops\n- name: db\n"
	    "- name: pager\n");
	ad_errs_init(&errs);
	ck_assert_int_eq(alertd_reload(&ad, &errs), 0);
	cfg = alertd_config(&ad);
	check_route(&ad, cfg, NULL, NULL, "root");
	check_route(&ad, cfg, "team", "ops", "ops,db");
	check_route(&ad, cfg, "team", "db", "db");
	check_route(&ad, cfg, "team", "web", "root");
	config_unref(cfg);
	ad_errs_release(&errs);
	alertd_release(&ad);
}
END_TEST

static void
mute_a(void *arg, const struct alert *a, ad_time_t now,
    struct alert_status *st)
{
	(void)now;
	if (strcmp(labels_get(alert_labels(a), "alertname"), arg) == 0)
		alertd_strs_add(&st->inhibited_by, "0123456789abcdef");
}

START_TEST(status_hooks_make_the_state)
{
	struct alertd		 ad;
	struct alert_status	 st;
	struct labels_builder	 lb;
	struct alert		*a, *b;

	alertd_init(&ad);
	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "a");
	a = alert_new(labels_builder_finish(&lb), NULL, NULL, 0, 1, 0, false);
	labels_builder_adds(&lb, "alertname", "b");
	b = alert_new(labels_builder_finish(&lb), NULL, NULL, 0, 1, 0, false);
	labels_builder_release(&lb);
	alert_status_init(&st);
	alertd_status(&ad, a, 0, &st);
	ck_assert_str_eq(alert_state_str(st.state), "active");
	alert_status_release(&st);
	alertd_add_status(&ad, mute_a, (void *)"a");
	alertd_status(&ad, a, 0, &st);
	ck_assert_str_eq(alert_state_str(st.state), "suppressed");
	ck_assert_uint_eq(st.inhibited_by.n, 1);
	alert_status_release(&st);
	alertd_status(&ad, b, 0, &st);
	ck_assert_str_eq(alert_state_str(st.state), "active");
	alert_status_release(&st);
	alert_unref(a);
	alert_unref(b);
	alertd_release(&ad);
}
END_TEST

Suite *
alertd_suite(void)
{
	Suite	*s = suite_create("alertd");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reload_keeps_running_config);
	tcase_add_test(tc, default_receivers_walk);
	tcase_add_test(tc, status_hooks_make_the_state);
	suite_add_tcase(s, tc);
	return s;
}
