/*
 * discord: requests byte for byte against what the real Alertmanager 0.25
 * sent (tests/data/integrations/discord/am-0.25), and, for the group over
 * Discord's limits, against the same bodies cut as Alertmanager 0.27+
 * cuts them (am-0.25+0.27cut, made by cut.go with Alertmanager's own
 * TruncateInRunes); content, username and avatar_url (0.28);
 * webhook_url_file; the colour once resolved; the verdict.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "tests/unit/check_integ2_fixture.h"

static void
recorded(unsigned idx, const char *seg, const char *group, const char *phase,
    const char *tag)
{
	struct config		*cfg = i2_config("capture.yml");
	struct notify_req	 req;
	char			 base[64], msg[256];

	ck_assert_int_eq(i2_prepare(cfg, "discord", idx, group, phase, &req,
	    msg, sizeof(msg)), 0);
	snprintf(base, sizeof(base), "%s_%s_%s", seg, group, phase);
	if (strcmp(tag, "am-0.25") == 0) {
		i2_check_recorded(&req, "discord", tag, base);
	} else {
		char	 path[256], *want;
		size_t	 len;

		/* same request as the 0.25 one, cut body */
		snprintf(path, sizeof(path), "%s/discord/%s/%s.body", I2DIR,
		    tag, base);
		want = i2_slurp(path, &len);
		ck_assert_uint_eq(buf_len(&req.body), len);
		ck_assert_int_eq(memcmp(buf_str(&req.body), want, len), 0);
		free(want);
	}
	ck_assert(req.url_is_secret);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(default_firing)
{
	recorded(0, "discord", "Disk", "firing", "am-0.25");
}
END_TEST
START_TEST(default_resolved)
{
	recorded(0, "discord", "Disk", "resolved", "am-0.25");
}
END_TEST
START_TEST(default_long_cut)
{
	recorded(0, "discord", "Long", "firing", "am-0.25+0.27cut");
}
END_TEST
START_TEST(custom_firing)
{
	recorded(1, "discord2", "Disk", "firing", "am-0.25");
}
END_TEST
START_TEST(custom_resolved)
{
	recorded(1, "discord2", "Disk", "resolved", "am-0.25");
}
END_TEST
START_TEST(custom_long)
{
	/* under every limit: as 0.25 sent it */
	recorded(1, "discord2", "Long", "firing", "am-0.25");
}
END_TEST

START_TEST(newer_fields)
{
	char			 path[] = "/tmp/alertd-discord-XXXXXX";
	char			 yml[640];
	struct config		*cfg;
	struct notify_req	 req;
	int			 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\thttps://discord.example/api/w/1\n",
	    33), 33);
	close(fd);
	snprintf(yml, sizeof(yml), "route: {receiver: team-x.chat}\n"
	    "receivers:\n- name: team-x.chat\n  discord_configs:\n"
	    "  - webhook_url_file: %s\n    title: '{{ .Status }}'\n"
	    "    message: m\n    content: '<@{{ len .Alerts }}>'\n"
	    "    username: 'am {{x}}'\n    avatar_url: 'https://a/b.png'\n",
	    path);
	cfg = i2_config(yml);
	ck_assert_int_eq(i2_prepare(cfg, "discord", 0, "Disk", "resolved",
	    &req, NULL, 0), 0);
	ck_assert_str_eq(req.url, "https://discord.example/api/w/1");
	ck_assert(req.url_is_secret);
	/* username and avatar_url are not templates */
	ck_assert_str_eq(buf_str(&req.body),
	    "{\"content\":\"\\u003c@3\\u003e\","
	    "\"embeds\":[{\"title\":\"resolved\",\"description\":\"m\","
	    "\"color\":3066993}],\"username\":\"am {{x}}\","
	    "\"avatar_url\":\"https://a/b.png\"}\n");
	notify_req_release(&req);
	unlink(path);
	ck_assert_int_eq(i2_prepare(cfg, "discord", 0, "Disk", "firing", &req,
	    yml, sizeof(yml)), -1);
	ck_assert_ptr_nonnull(strstr(yml, path));
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(verdict_default)
{
	const struct notifier_type	*t = notifier_lookup("discord");
	struct notify_resp		 r;
	struct ad_err			 err;

	ck_assert_ptr_null(t->verdict);
	i2_resp(&r, 204, "");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err), NOTIFY_OK);
	i2_resp(&r, 400, "{\"embeds\": [\"0\"]}");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_FAIL);
	ck_assert_str_eq(err.msg, "unexpected status code 400: "
	    "{\"embeds\": [\"0\"]}");
	i2_resp(&r, 502, "");
	ck_assert_int_eq(notifier_default_verdict(NULL, &r, &err),
	    NOTIFY_RETRY);
}
END_TEST

Suite *
integ2_discord_suite(void)
{
	Suite	*s = suite_create("integ2_discord");
	TCase	*tc = tcase_create("recorded");

	tcase_add_test(tc, default_firing);
	tcase_add_test(tc, default_resolved);
	tcase_add_test(tc, default_long_cut);
	tcase_add_test(tc, custom_firing);
	tcase_add_test(tc, custom_resolved);
	tcase_add_test(tc, custom_long);
	tcase_add_test(tc, newer_fields);
	tcase_add_test(tc, verdict_default);
	suite_add_tcase(s, tc);
	return s;
}
