/*
 * newer_jira: the Jira chain of requests (upstream's notify/jira, 0.34):
 * the search with its JQL, the issue created or updated, the transition
 * looked up and made, each request as upstream's json.Encoder writes it;
 * the verdicts that complete or end the chain, as the notify thread
 * calls them; the configuration's checks and dump.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"
#include "tests/unit/check_integ2_fixture.h"

#define GKEY	"{}:{alertname=\"Disk<Full>\", job=\"node&co\"}"
#define API	"http://127.0.0.1:9999/jira/rest/api/2/"

#define JYML	"global:\n  jira_api_url: '" API "'\n"			\
	"route: {receiver: team-x.chat}\n"				\
	"receivers:\n- name: team-x.chat\n  jira_configs:\n"		\
	"  - project: OPS\n    issue_type: Bug\n"			\
	"    labels: ['{{ .Status }}', alertmanager]\n"			\
	"    summary: {template: 'S {{ .GroupLabels.alertname }}', "	\
	"enable_update: false}\n"					\
	"    description: 'D {{ len .Alerts }} <&>'\n"			\
	"    priority: P1\n"						\
	"    reopen_transition: Reopen\n    resolve_transition: Close\n" \
	"    reopen_duration: 90m\n    wont_fix_resolution: \"Won't Fix\"\n" \
	"    fields:\n      customfield_1: '{{ .CommonLabels.job }}'\n"	\
	"      customfield_2: {value: 'x<y>', n: 3, f: 1.5, l: [a, 1, true]}\n" \
	"      customfield_3: '42'\n      customfield_4: '[1, two]'\n"	\
	"      customfield_5: '{{ \"\" }}'\n      y: v\n"			\
	"  - project: '{{ .CommonLabels.job }}'\n    issue_type: Task\n"	\
	"    api_url: 'https://acme.atlassian.net/rest/api/2'\n"		\
	"    send_resolved: true\n"					\
	"  - project: X\n    issue_type: Task\n    api_type: datacenter\n"	\
	"    api_url: 'https://acme.atlassian.net/rest/api/3/'\n"		\
	"    summary: plain\n"						\
	"    description: '{\"type\": \"doc\", \"content\": "		\
	"[{\"text\": \"a<b\"}]}'\n"						\
	"  - project: X\n    issue_type: Task\n"			\
	"    api_url: 'https://j.example/rest/api/3'\n"			\
	"    description: 'not json'\n"

static char	j_label[80];

static void
j_init_label(void)
{
	char	h[NSEND_KEY_HASH_LEN];

	nsend_key_hash(GKEY, h);
	snprintf(j_label, sizeof(j_label), "ALERT{%s}", h);
}

static const char *
j_header(const struct notify_req *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < req->n_headers; i++)
		if (strncmp(req->headers[i], name, n) == 0 &&
		    req->headers[i][n] == ':')
			return req->headers[i] + n + 2;
	return NULL;
}

/* What the notify thread hands the verdict for req's answer. */
static enum notify_verdict
j_answer(const struct config *cfg, unsigned idx, struct notify_req *req,
    long status, const char *body, char *msg, size_t len)
{
	const struct config_receiver	*r = config_receiver(cfg, I2_RECEIVER);
	const struct notifier_type	*t = notifier_lookup("jira");
	struct notify_resp		 resp;
	struct ad_err			 err;
	enum notify_verdict		 v;
	size_t				 i;
	const void			*conf = NULL;

	for (i = 0; i < r->n_integrations; i++)
		if (r->integrations[i].idx == idx)
			conf = r->integrations[i].conf;
	i2_resp(&resp, status, body);
	resp.req = req;
	resp.next = req->next;
	resp.verdict_note = req->verdict_note;
	memset(&err, 0, sizeof(err));
	v = t->verdict(conf, &resp, &err);
	if (msg != NULL)
		snprintf(msg, len, "%s", err.msg);
	return v;
}

static size_t
j_chain_len(const struct notify_req *r)
{
	size_t	n = 0;

	for (; r != NULL; r = r->next)
		n++;
	return n;
}

static void
j_check_headers(const struct notify_req *r)
{
	ck_assert_str_eq(j_header(r, "Content-Type"), "application/json");
	ck_assert_str_eq(j_header(r, "Accept-Language"), "en");
	ck_assert_str_eq(j_header(r, "User-Agent"), "Go-http-client/1.1");
	ck_assert(r->http != NULL);
}

START_TEST(search_and_create)
{
	struct config		*cfg = i2_config(JYML);
	struct notify_req	 req, *w;
	struct buf		 want;
	char			 m[256];

	j_init_label();
	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "firing", &req,
	    m, sizeof(m)), 0);
	ck_assert(req.reprepare);
	ck_assert_ptr_null(req.method);
	ck_assert_str_eq(req.url, API "search");
	j_check_headers(&req);
	buf_init(&want, BUF_NOCAP);
	buf_addf(&want, "{\"fields\":[\"status\"],\"jql\":\"(resolution is "
	    "EMPTY or resolution != \\\"Won't Fix\\\") and (resolutiondate is "
	    "EMPTY OR resolutiondate \\u003e= -90m) and project=\\\"OPS\\\" "
	    "and labels=\\\"%s\\\" order by status ASC,resolutiondate DESC\","
	    "\"maxResults\":2}\n", j_label);
	ck_assert_str_eq(buf_str(&req.body), buf_str(&want));
	ck_assert_uint_eq(j_chain_len(&req), 4);
	w = req.next;
	ck_assert_ptr_null(w->method);
	ck_assert_str_eq(w->url, API "issue");
	j_check_headers(w);
	/*
	 * keys sorted; custom fields rendered and read as YAML; in a nested
	 * map, yaml.v2 reads the key n as a bool, which upstream's
	 * DeepCopyWithTemplate drops; a top-level key stays text (y)
	 */
	buf_reset(&want);
	buf_addf(&want, "{\"fields\":{\"customfield_1\":\"node\\u0026co\","
	    "\"customfield_2\":{\"f\":1.5,\"l\":[\"a\",1,true],"
	    "\"value\":\"x\\u003cy\\u003e\"},\"customfield_3\":42,"
	    "\"customfield_4\":[1,\"two\"],\"customfield_5\":null,"
	    "\"description\":\"D 3 \\u003c\\u0026\\u003e\","
	    "\"issuetype\":{\"name\":\"Bug\"},\"labels\":[\"%s\","
	    "\"alertmanager\",\"firing\"],\"priority\":{\"name\":\"P1\"},"
	    "\"project\":{\"key\":\"OPS\"},\"summary\":\"S Disk\\u003cFull"
	    "\\u003e\",\"y\":\"v\"}}\n", j_label);
	ck_assert_str_eq(buf_str(&w->body), buf_str(&want));
	/* nothing found while firing: the issue is created, and that is all */
	ck_assert_int_eq(j_answer(cfg, 0, &req, 200, "{\"issues\":[]}", m,
	    sizeof(m)), NOTIFY_OK);
	ck_assert_uint_eq(j_chain_len(&req), 2);
	ck_assert_str_eq(w->url, API "issue");
	ck_assert_int_eq(j_answer(cfg, 0, w, 400, "{\"errors\":{}}", m,
	    sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "failed to POST request to \"issue\": unexpected "
	    "status code 400: {\"errors\":{}}");
	ck_assert_int_eq(j_answer(cfg, 0, w, 201, "{\"key\":\"OPS-9\"}", m,
	    sizeof(m)), NOTIFY_OK);
	buf_release(&want);
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

/* A done issue while firing: updated (no summary: enable_update false),
 * then reopened through the transition so named. */
START_TEST(update_and_reopen)
{
	struct config		*cfg = i2_config(JYML);
	struct notify_req	 req, *w, *g, *t;
	char			 m[256];

	j_init_label();
	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "firing", &req,
	    m, sizeof(m)), 0);
	ck_assert_int_eq(j_answer(cfg, 0, &req, 200, "{\"issues\":[{\"key\":"
	    "\"OPS-7\",\"fields\":{\"status\":{\"name\":\"Closed\","
	    "\"statusCategory\":{\"key\":\"done\"}}}}]}", m, sizeof(m)),
	    NOTIFY_OK);
	ck_assert_uint_eq(j_chain_len(&req), 4);
	w = req.next;
	ck_assert_str_eq(w->method, "PUT");
	ck_assert_str_eq(w->url, API "issue/OPS-7");
	ck_assert_ptr_null(strstr(buf_str(&w->body), "\"summary\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&w->body), "\"description\":"));
	ck_assert_ptr_nonnull(strstr(buf_str(&w->body), "\"project\":{\"key\":"
	    "\"OPS\"},\"y\":\"v\"}}\n"));
	ck_assert_int_eq(j_answer(cfg, 0, w, 503, "busy", m, sizeof(m)),
	    NOTIFY_RETRY);
	ck_assert_str_eq(m, "failed to PUT request to \"issue/OPS-7\": "
	    "unexpected status code 503: busy");
	ck_assert_int_eq(j_answer(cfg, 0, w, 204, "", m, sizeof(m)),
	    NOTIFY_OK);
	g = w->next;
	ck_assert_str_eq(g->method, "GET");
	ck_assert_str_eq(g->url, API "issue/OPS-7/transitions");
	ck_assert_uint_eq(buf_len(&g->body), 0);
	j_check_headers(g);
	t = g->next;
	ck_assert_int_eq(j_answer(cfg, 0, g, 200, "{\"transitions\":[{\"id\":"
	    "\"11\",\"name\":\"Start\"},{\"id\":\"31\",\"name\":\"Reopen\"}]}",
	    m, sizeof(m)), NOTIFY_OK);
	ck_assert_ptr_null(t->method);
	ck_assert_str_eq(t->url, API "issue/OPS-7/transitions");
	ck_assert_str_eq(buf_str(&t->body), "{\"transition\":{\"id\":\"31\"}}\n");
	j_check_headers(t);
	ck_assert_int_eq(j_answer(cfg, 0, t, 204, "", m, sizeof(m)),
	    NOTIFY_OK);
	/* a workflow without it */
	ck_assert_int_eq(j_answer(cfg, 0, g, 200, "{\"transitions\":[]}", m,
	    sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "can't find transition Reopen for issue OPS-7");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

/* An open issue while firing: updated, no transition. */
START_TEST(update_open)
{
	struct config		*cfg = i2_config(JYML);
	struct notify_req	 req;
	char			 m[256];

	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "firing", &req,
	    m, sizeof(m)), 0);
	ck_assert_int_eq(j_answer(cfg, 0, &req, 200, "{\"issues\":[{\"key\":"
	    "\"OPS-8\",\"fields\":{\"status\":{\"name\":\"Open\","
	    "\"statusCategory\":{\"key\":\"new\"}}}}]}", m, sizeof(m)),
	    NOTIFY_OK);
	ck_assert_uint_eq(j_chain_len(&req), 2);
	ck_assert_str_eq(req.next->url, API "issue/OPS-8");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

/* Resolved: the JQL looks at open issues only; none found ends the
 * notification; an open one is updated then closed. */
START_TEST(resolved)
{
	struct config		*cfg = i2_config(JYML);
	struct notify_req	 req;
	char			 m[256];

	j_init_label();
	/* the Disk group's alerts are all resolved in alerts2 */
	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "resolved", &req,
	    m, sizeof(m)), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body), "\\\") and "
	    "statusCategory != Done and project="));
	/* nothing open: done, the write and transition are not sent */
	ck_assert_int_eq(j_answer(cfg, 0, &req, 200, "{\"issues\":[]}", m,
	    sizeof(m)), NOTIFY_DONE);
	notify_req_release(&req);

	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "resolved", &req,
	    m, sizeof(m)), 0);
	ck_assert_int_eq(j_answer(cfg, 0, &req, 200, "{\"issues\":[{\"key\":"
	    "\"OPS-2\",\"fields\":{\"status\":{\"statusCategory\":{\"key\":"
	    "\"indeterminate\"}}}}]}", m, sizeof(m)), NOTIFY_OK);
	ck_assert_uint_eq(j_chain_len(&req), 4);
	ck_assert_str_eq(req.next->method, "PUT");
	ck_assert_str_eq(req.next->next->verdict_note, "GClose\nOPS-2");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(search_errors)
{
	struct config		*cfg = i2_config(JYML);
	struct notify_req	 req;
	struct notify_resp	 resp;
	char			 m[256];

	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "firing", &req,
	    m, sizeof(m)), 0);
	ck_assert_int_eq(j_answer(cfg, 0, &req, 500, "boom", m, sizeof(m)),
	    NOTIFY_RETRY);
	ck_assert_str_eq(m, "failed to look up existing issues: HTTP request "
	    "to JIRA API: unexpected status code 500: boom");
	ck_assert_int_eq(j_answer(cfg, 0, &req, 429, "", m, sizeof(m)),
	    NOTIFY_RETRY);
	ck_assert_int_eq(j_answer(cfg, 0, &req, 401, "no", m, sizeof(m)),
	    NOTIFY_FAIL);
	ck_assert_int_eq(j_answer(cfg, 0, &req, 200, "", m, sizeof(m)),
	    NOTIFY_FAIL);
	ck_assert_str_eq(m, "failed to look up existing issues: unexpected "
	    "end of JSON input");
	/* a transport error: upstream does not retry it */
	i2_resp(&resp, 0, "");
	resp.curl_error = "Post \"" API "search\": Couldn't connect";
	resp.req = &req;
	resp.next = req.next;
	resp.verdict_note = req.verdict_note;
	ck_assert_int_eq(notifier_lookup("jira")->verdict(
	    config_receiver(cfg, I2_RECEIVER)->integrations[0].conf, &resp,
	    &(struct ad_err){ 0 }), NOTIFY_FAIL);
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

/* Jira Cloud: the v3 search endpoint; datacenter keeps v2's; an API v3
 * URL takes the description as ADF JSON, compacted and HTML-escaped as
 * json.Marshal writes a RawMessage. */
START_TEST(cloud_and_v3)
{
	struct config		*cfg = i2_config(JYML);
	struct notify_req	 req;
	char			 m[256];

	ck_assert_int_eq(i2_prepare(cfg, "jira", 1, "Disk", "firing", &req,
	    m, sizeof(m)), 0);
	ck_assert_str_eq(req.url, "https://acme.atlassian.net/rest/api/3/"
	    "search/jql");
	ck_assert_str_eq(req.next->url, "https://acme.atlassian.net/rest/api/"
	    "2/issue");
	/* project rendered in the JQL and the issue */
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body),
	    "project=\\\"node\\u0026co\\\""));
	/* the default summary: upstream's __subject */
	ck_assert_ptr_nonnull(strstr(buf_str(&req.next->body),
	    "\"summary\":\"[FIRING:"));
	notify_req_release(&req);

	ck_assert_int_eq(i2_prepare(cfg, "jira", 2, "Disk", "firing", &req,
	    m, sizeof(m)), 0);
	ck_assert_str_eq(req.url, "https://acme.atlassian.net/rest/api/3/"
	    "search");
	ck_assert_ptr_nonnull(strstr(buf_str(&req.next->body),
	    "\"description\":{\"type\":\"doc\",\"content\":[{\"text\":"
	    "\"a\\u003cb\"}]},"));
	ck_assert_ptr_nonnull(strstr(buf_str(&req.next->body),
	    "\"summary\":\"plain\"}}\n"));
	notify_req_release(&req);

	ck_assert_int_eq(i2_prepare(cfg, "jira", 3, "Disk", "firing", &req,
	    m, sizeof(m)), -1);
	ck_assert_str_eq(m, "description template: invalid JSON for API v3");
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

START_TEST(template_error)
{
	struct config		*cfg = i2_config("global:\n  jira_api_url: "
	    "'" API "'\nroute: {receiver: team-x.chat}\nreceivers:\n"
	    "- name: team-x.chat\n  jira_configs:\n  - project: P\n"
	    "    issue_type: '{{ index . 1 }}'\n");
	struct notify_req	 req;
	char			 m[256];

	ck_assert_int_eq(i2_prepare(cfg, "jira", 0, "Disk", "firing", &req,
	    m, sizeof(m)), -1);
	ck_assert_msg(strncmp(m, "issue_type template: ", 21) == 0, "%s", m);
	notify_req_release(&req);
	config_unref(cfg);
}
END_TEST

static void
j_config_err(const char *yml, bool amtool, const char *want)
{
	struct config_load_opts	 o = amtool ? config_load_opts_amtool() :
	    config_load_opts_daemon();
	struct ad_errs		 errs;

	o.require_senders = false;
	ad_errs_init(&errs);
	ck_assert_ptr_null(config_load_bytes("j.yml", yml, strlen(yml), ".",
	    &o, &errs, NULL));
	ck_assert_uint_gt(errs.n, 0);
	ck_assert_msg(strstr(errs.v[0].msg, want) != NULL, "%s", errs.v[0].msg);
	ad_errs_release(&errs);
}

#define JRCV	"route: {receiver: r}\nreceivers:\n- name: r\n" \
	"  jira_configs:\n  - "

START_TEST(config_errors)
{
	j_config_err(JRCV "{issue_type: Bug, api_url: 'http://j/'}\n", false,
	    "missing project in jira_config");
	j_config_err(JRCV "{project: P, api_url: 'http://j/'}\n", false,
	    "missing issue_type in jira_config");
	j_config_err(JRCV "{project: P, issue_type: B, api_type: server, "
	    "api_url: 'http://j/'}\n", false, "unknown api_type on "
	    "jira_config, must be auto, cloud or datacenter");
	j_config_err(JRCV "{project: P, issue_type: B}\n", false,
	    "no global Jira Cloud URL set");
	j_config_err(JRCV "{project: P, issue_type: B, summary: {x: 1}, "
	    "api_url: 'http://j/'}\n", false, "field x not found");
	j_config_err(JRCV "{project: P, issue_type: B, "
	    "api_url: 'http://j/'}\n", true, "jira_configs not found");
}
END_TEST

START_TEST(jira_dump)
{
	struct config	*cfg = i2_config(JYML);
	struct buf	 b;
	const char	*s;

	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(config_dump_yaml(cfg, &b), 0);
	s = buf_str(&b);
	ck_assert_msg(strstr(s, "    api_url: " API "\n    api_type: auto\n"
	    "    project: OPS\n    summary:\n      template: S {{ "
	    ".GroupLabels.alertname }}\n      enable_update: false\n"
	    "    description:\n      template: D {{ len .Alerts }} <&>\n")
	    != NULL, "%s", s);
	ck_assert_msg(strstr(s, "    reopen_duration: 1h30m\n    fields:\n"
	    "      customfield_1: '{{ .CommonLabels.job }}'\n") != NULL, "%s",
	    s);
	/* the default summary, as an object */
	ck_assert_msg(strstr(s, "    summary:\n      template: '{{ template "
	    "\"jira.default.summary\" . }}'\n") != NULL, "%s", s);
	buf_release(&b);
	config_unref(cfg);
}
END_TEST

Suite *
newer_jira_suite(void)
{
	Suite	*s = suite_create("newer_jira");
	TCase	*tc = tcase_create("chain");

	tcase_add_test(tc, search_and_create);
	tcase_add_test(tc, update_and_reopen);
	tcase_add_test(tc, update_open);
	tcase_add_test(tc, resolved);
	tcase_add_test(tc, search_errors);
	tcase_add_test(tc, cloud_and_v3);
	tcase_add_test(tc, template_error);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, jira_dump);
	suite_add_tcase(s, tc);
	return s;
}
