/*
 * pushover: requests byte for byte against what the real Alertmanager
 * 0.25 sent (tests/data/integrations/pushover/am-0.25, capture_a.py), the
 * fields of later releases, secret files, TrimSpace, the verdicts.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "check_integ1_fixture.h"
#include "config/config.h"
#include "notifiers/nsend.h"

#define PODIR	I1DIR "/pushover/am-0.25/"

static void
check_case(unsigned idx, const char *file, const char *base)
{
	struct config		*cfg = i1_config(9);
	struct i1_notif		 nf;
	struct notify_req	 req;
	struct ad_err		 err;

	i1_notif_init(&nf, cfg, "pushover", idx, file);
	notify_req_init(&req);
	ck_assert_msg(i1_prepare(&nf, &req, &err) == 0, "%s", err.msg);
	i1_check_recorded(&req, base);
	ck_assert(req.url_is_secret);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
}

START_TEST(recorded)
{
	check_case(0, "alerts-a1.json", PODIR "default_firing");
	check_case(0, "alerts-a2.json", PODIR "default_resolved");
	/* html, title/message/url cut, priority, retry 90s, expire 2h30m */
	check_case(1, "alerts-a1.json", PODIR "custom_firing");
	check_case(1, "alerts-a2.json", PODIR "custom_resolved");
	/* a blank message: "(no details)" */
	check_case(2, "alerts-a1.json", PODIR "empty_firing");
}
END_TEST

static char *
url_with(const char *receiver, struct ad_err *err)
{
	struct buf		 b;
	struct config		*cfg;
	struct i1_notif		 nf;
	struct notify_req	 req;
	char			*url = NULL;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "route:\n  receiver: pushover\n  group_by: ['...']\n"
	    "receivers:\n- name: pushover\n  pushover_configs:\n%s", receiver);
	cfg = i1_config_text(buf_str(&b));
	buf_release(&b);
	i1_notif_init(&nf, cfg, "pushover", 0, "alerts-a1.json");
	notify_req_init(&req);
	if (i1_prepare(&nf, &req, err) == 0)
		url = strdup(req.url);
	notify_req_release(&req);
	i1_notif_release(&nf);
	config_unref(cfg);
	return url;
}

START_TEST(newer_fields)
{
	struct ad_err	 err;
	char		*url;

	url = url_with("  - user_key: u\n    token: t\n    title: T\n"
	    "    message: M\n    url: U\n    device: 'dev-{{ .Status }}'\n"
	    "    ttl: 1h\n    monospace: true\n    retry: 1500ms\n"
	    "    expire: 0s\n", &err);
	ck_assert_ptr_nonnull(url);
	ck_assert_str_eq(url, "https://api.pushover.net/1/messages.json?"
	    "device=dev-firing&expire=0&message=M&monospace=1&priority=2&"
	    "retry=1&sound=&title=T&token=t&ttl=3600&url=U&url_title=&user=u");
	free(url);
}
END_TEST

START_TEST(secret_files)
{
	char		 path[] = "/tmp/alertd-po-tokXXXXXX", yml[256];
	struct ad_err	 err;
	char		*url;
	int		 fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "tok\n", 4), 4);
	close(fd);
	/* read as it is (newer releases do not trim it) */
	snprintf(yml, sizeof(yml), "  - user_key_file: %s\n    token_file: "
	    "%s\n    message: M\n", path, path);
	url = url_with(yml, &err);
	ck_assert_ptr_nonnull(url);
	ck_assert_ptr_nonnull(strstr(url, "&token=tok%0A&"));
	ck_assert_ptr_nonnull(strstr(url, "&user=tok%0A"));
	free(url);
	unlink(path);
}
END_TEST

START_TEST(trim_space)
{
	static const struct {
		const char	*in, *out;
	} v[] = {
		{ "  a b \n", "a b" }, { "\xc2\xa0x\xe3\x80\x80", "x" },
		{ " \t ", "" }, { "\xff ", "\xff" }, { "", "" },
		{ "\xe2\x80\x8a" "a\xe2\x80\xa8", "a" },
	};
	const char	*s;
	size_t		 i, len;

	for (i = 0; i < sizeof(v) / sizeof(*v); i++) {
		len = strlen(v[i].in);
		s = nsend_trim_space(v[i].in, &len);
		ck_assert_uint_eq(len, strlen(v[i].out));
		ck_assert_mem_eq(s, v[i].out, len);
	}
}
END_TEST

START_TEST(verdicts)
{
	struct config			*cfg = i1_config(9);
	struct i1_notif			 nf;
	const struct config_integration	*ci;
	struct ad_err			 err;

	i1_notif_init(&nf, cfg, "pushover", 0, "alerts-a1.json");
	ci = i1_integration(&nf);
	ck_assert_int_eq(i1_verdict(ci, 200, "{\"status\":1}", &err),
	    NOTIFY_OK);
	ck_assert_int_eq(i1_verdict(ci, 400, "{\"user\":\"invalid\"}", &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400: "
	    "{\"user\":\"invalid\"}");
	ck_assert_int_eq(i1_verdict(ci, 429, "", &err), NOTIFY_FAIL);
	ck_assert_int_eq(i1_verdict(ci, 500, "", &err), NOTIFY_RETRY);
	i1_notif_release(&nf);
	config_unref(cfg);
}
END_TEST

Suite *
integ1_pushover_suite(void)
{
	Suite	*s = suite_create("integ1_pushover");
	TCase	*tc = tcase_create("pushover");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, recorded);
	tcase_add_test(tc, newer_fields);
	tcase_add_test(tc, secret_files);
	tcase_add_test(tc, trim_space);
	tcase_add_test(tc, verdicts);
	suite_add_tcase(s, tc);
	return s;
}
