/*
 * sns: the Publish requests byte for byte against what the real
 * Alertmanager 0.25 (aws-sdk-go 1.44.133) sent (tests/data/integrations/
 * sns/am-0.25): topic, SMS (attributes, subject, the 1600-byte cut and
 * its "truncated" attribute), FIFO topic (deduplication and group ids),
 * target ARN; the SDK's SigV4 signatures of those requests reproduced
 * from the recorded date and port; SHA-256 and HMAC-SHA256 against FIPS
 * 180-4 and RFC 4231; endpoints, credentials, the verdict.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "notifiers/nsigv4.h"
#include "tests/unit/check_integ2_fixture.h"

#define SNSDIR	I2DIR "/sns/am-0.25"
#define SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static const char *
req_header(const struct notify_req *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < req->n_headers; i++)
		if (strncasecmp(req->headers[i], name, n) == 0 &&
		    req->headers[i][n] == ':')
			return req->headers[i] + n + 2;
	return NULL;
}

/* "20261125T180213Z" as an ad_time_t */
static ad_time_t
amz_time(const char *d)
{
	char		rfc[32];
	ad_time_t	t;

	snprintf(rfc, sizeof(rfc), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4,
	    d + 6, d + 9, d + 11, d + 13);
	ck_assert_int_eq(time_parse_rfc3339(rfc, strlen(rfc), &t), 0);
	return t;
}

/* The region of "Credential=AK/20261125/us-east-1/sns/aws4_request" */
static char *
auth_region(const char *auth)
{
	const char	*p = strstr(auth, "Credential=");
	int		 i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 2; i++)
		p = strchr(p, '/') + 1;
	return xstrndup(p, strcspn(p, "/"));
}

/*
 * Signs a request as recorded (method, path, host, headers, body) with
 * our signer at the recorded X-Amz-Date: the SDK's Authorization must
 * come out.
 */
static void
check_sdk_signature(const char *base)
{
	char			 path[256], *head, *body, *date, *auth;
	char			*clen;
	char			*port, *region, *target, host[64];
	size_t			 len;
	struct nsigv4_header	 h[3];
	struct nsigv4_req	 r;
	struct nsigv4_key	 k;
	struct buf		 out;

	snprintf(path, sizeof(path), "%s/%s.head", SNSDIR, base);
	head = i2_slurp(path, NULL);
	snprintf(path, sizeof(path), "%s/%s.body", SNSDIR, base);
	body = i2_slurp(path, &len);
	port = i2_slurp(SNSDIR "/sinkport", NULL);
	port[strcspn(port, "\n")] = '\0';
	snprintf(host, sizeof(host), "127.0.0.1:%s", port);
	date = i2_head_header(head, "X-Amz-Date");
	auth = i2_head_header(head, "Authorization");
	clen = i2_head_header(head, "Content-Length");
	region = auth_region(auth);
	target = xstrndup(head + 5, strcspn(head + 5, " "));
	h[0] = (struct nsigv4_header){ "content-length", clen };
	h[1] = (struct nsigv4_header){ "content-type",
	    "application/x-www-form-urlencoded; charset=utf-8" };
	h[2] = (struct nsigv4_header){ "x-amz-date", date };
	r = (struct nsigv4_req){ "POST", target, "", h, 3, host, body, len };
	k = (struct nsigv4_key){ "AKIDEXAMPLE", SECRET, region, "sns" };
	buf_init(&out, BUF_NOCAP);
	nsigv4_sign(&r, &k, amz_time(date), &out, NULL);
	ck_assert_str_eq(buf_str(&out), auth);
	buf_release(&out);
	free(head);
	free(body);
	free(port);
	free(date);
	free(auth);
	free(clen);
	free(region);
	free(target);
}

/* Our request: the recorded body byte for byte, and a signature of what
 * we send (Host, Content-Length, the body) with our date. */
static void
recorded(unsigned idx, const char *seg, const char *group, const char *phase)
{
	struct config		*cfg = i2_config("capture.yml");
	struct notify_req	 req;
	struct nsigv4_header	 h[3];
	struct nsigv4_req	 r;
	struct nsigv4_key	 k;
	struct buf		 out;
	char			 base[64], msg[256], clen[24], *region;
	const char		*date, *auth;

	ck_assert_msg(i2_prepare(cfg, "sns", idx, group, phase, &req, msg,
	    sizeof(msg)) == 0, "%s", msg);
	snprintf(base, sizeof(base), "%s_%s_%s", seg, group, phase);
	i2_check_recorded(&req, "sns", "am-0.25", base);
	check_sdk_signature(base);

	ck_assert_str_eq(req_header(&req, "Host"), "127.0.0.1:9999");
	date = req_header(&req, "X-Amz-Date");
	auth = req_header(&req, "Authorization");
	ck_assert_ptr_nonnull(date);
	ck_assert_ptr_nonnull(auth);
	ck_assert_ptr_nonnull(strstr(auth, "SignedHeaders=content-length;"
	    "content-type;host;x-amz-date, Signature="));
	snprintf(clen, sizeof(clen), "%zu", buf_len(&req.body));
	h[0] = (struct nsigv4_header){ "content-length", clen };
	h[1] = (struct nsigv4_header){ "content-type",
	    req_header(&req, "Content-Type") };
	h[2] = (struct nsigv4_header){ "x-amz-date", date };
	region = auth_region(auth);
	r = (struct nsigv4_req){ "POST", req.url + 21, "", h, 3,
	    "127.0.0.1:9999", buf_str(&req.body), buf_len(&req.body) };
	k = (struct nsigv4_key){ "AKIDEXAMPLE", SECRET, region, "sns" };
	buf_init(&out, BUF_NOCAP);
	nsigv4_sign(&r, &k, amz_time(date), &out, NULL);
	ck_assert_str_eq(buf_str(&out), auth);
	buf_release(&out);
	free(region);
	notify_req_release(&req);
	config_unref(cfg);
}

START_TEST(topic_firing) { recorded(0, "sns-topic", "Disk", "firing"); }
END_TEST
START_TEST(topic_resolved) { recorded(0, "sns-topic", "Disk", "resolved"); }
END_TEST
START_TEST(topic_long) { recorded(0, "sns-topic", "Long", "firing"); }
END_TEST
START_TEST(sms_firing) { recorded(1, "sns-sms", "Disk", "firing"); }
END_TEST
START_TEST(sms_resolved) { recorded(1, "sns-sms", "Disk", "resolved"); }
END_TEST
START_TEST(sms_long_cut) { recorded(1, "sns-sms", "Long", "firing"); }
END_TEST
START_TEST(fifo_firing) { recorded(2, "sns-fifo", "Disk", "firing"); }
END_TEST
START_TEST(fifo_resolved) { recorded(2, "sns-fifo", "Disk", "resolved"); }
END_TEST
START_TEST(fifo_long) { recorded(2, "sns-fifo", "Long", "firing"); }
END_TEST
START_TEST(target_firing) { recorded(3, "sns-target", "Disk", "firing"); }
END_TEST
START_TEST(target_long) { recorded(3, "sns-target", "Long", "firing"); }
END_TEST

static void
hex_of(const unsigned char *d, char *out)
{
	nsigv4_hex(d, NSIGV4_SHA256_LEN, out);
}

START_TEST(sha256_vectors)
{
	unsigned char	 h[NSIGV4_SHA256_LEN], key[131];
	char		 hex[65], *a;

	nsigv4_sha256("", 0, h);
	hex_of(h, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	    "934ca495991b7852b855");
	nsigv4_sha256("abc", 3, h);
	hex_of(h, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a39617"
	    "7a9cb410ff61f20015ad");
	nsigv4_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmn"
	    "lmnomnopnopq", 56, h);
	hex_of(h, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff"
	    "2167f6ecedd419db06c1");
	a = xmalloc(1000000);
	memset(a, 'a', 1000000);
	nsigv4_sha256(a, 1000000, h);
	hex_of(h, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497"
	    "200e046d39ccc7112cd0");
	free(a);
	/* RFC 4231 test cases 1 and 6 */
	memset(key, 0x0b, 20);
	nsigv4_hmac_sha256(key, 20, "Hi There", 8, h);
	hex_of(h, hex);
	ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c983"
	    "3da726e9376c2e32cff7");
	memset(key, 0xaa, 131);
	nsigv4_hmac_sha256(key, 131, "Test Using Larger Than Block-Size Key - "
	    "Hash Key First", 54, h);
	hex_of(h, hex);
	ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728"
	    "c5140546040f0ee37f54");
}
END_TEST

static const char BASE_CFG[] =
    "route: {receiver: team-x.chat}\n"
    "receivers:\n- name: team-x.chat\n  sns_configs:\n"
    "  - topic_arn: 'arn:aws:sns:eu-west-3:1:t'\n"
    "    message: m\n    subject: ''\n%s";

static int
prepare_cfg(const char *extra, struct notify_req *req, char *msg,
    size_t len)
{
	struct config	*cfg;
	char		 yml[1024];
	int		 rc;

	snprintf(yml, sizeof(yml), BASE_CFG, extra);
	cfg = i2_config(yml);
	rc = i2_prepare(cfg, "sns", 0, "Disk", "firing", req, msg, len);
	config_unref(cfg);
	return rc;
}

/* The region's endpoint; no subject; keys from the environment with a
 * session token (signed too). */
START_TEST(default_endpoint_env_creds)
{
	struct notify_req	 req;
	char			 msg[256];
	const char		*auth;

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "tok/en", 1);
	ck_assert_int_eq(prepare_cfg("    sigv4: {region: eu-west-3}\n", &req,
	    msg, sizeof(msg)), 0);
	ck_assert_str_eq(req.url, "https://sns.eu-west-3.amazonaws.com/");
	ck_assert_str_eq(req_header(&req, "Host"),
	    "sns.eu-west-3.amazonaws.com");
	ck_assert_str_eq(req_header(&req, "X-Amz-Security-Token"), "tok/en");
	auth = req_header(&req, "Authorization");
	ck_assert_ptr_nonnull(strstr(auth, "Credential=AKIDENV/"));
	ck_assert_ptr_nonnull(strstr(auth, "/eu-west-3/sns/aws4_request, "
	    "SignedHeaders=content-length;content-type;host;x-amz-date;"
	    "x-amz-security-token, "));
	ck_assert_str_eq(buf_str(&req.body), "Action=Publish&Message=m&"
	    "MessageAttributes=&TopicArn=arn%3Aaws%3Asns%3Aeu-west-3%3A1%3At&"
	    "Version=2010-03-31");
	ck_assert(!req.url_is_secret);
	notify_req_release(&req);
}
END_TEST

START_TEST(shared_credentials_file)
{
	char			 path[] = "/tmp/alertd-aws-XXXXXX";
	char			 msg[256];
	const char		 ini[] =
				    "[default]\naws_access_key_id = AKD\n"
				    "aws_secret_access_key=sd\n[ops]\n"
				    "aws_access_key_id = AKOPS \r\n"
				    "aws_secret_access_key = so\n";
	struct notify_req	 req;
	int			 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, ini, sizeof(ini) - 1),
	    (ssize_t)sizeof(ini) - 1);
	close(fd);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	setenv("AWS_REGION", "us-west-2", 1);
	ck_assert_int_eq(prepare_cfg("    sigv4: {profile: ops}\n", &req, msg,
	    sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(req_header(&req, "Authorization"),
	    "Credential=AKOPS/"));
	ck_assert_ptr_nonnull(strstr(req_header(&req, "Authorization"),
	    "/us-west-2/sns/"));
	ck_assert_ptr_null(req_header(&req, "X-Amz-Security-Token"));
	notify_req_release(&req);
	ck_assert_int_eq(prepare_cfg("", &req, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(req_header(&req, "Authorization"),
	    "Credential=AKD/"));
	notify_req_release(&req);
	unlink(path);
}
END_TEST

START_TEST(no_region_no_creds_role_arn)
{
	struct notify_req	 req;
	char			 msg[256];

	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	ck_assert_int_eq(prepare_cfg("", &req, msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "region not configured in sns.sigv4.region or "
	    "in default credentials chain");
	notify_req_release(&req);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	ck_assert_int_eq(prepare_cfg("    sigv4: {region: r}\n", &req, msg,
	    sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "NoCredentialProviders"));
	notify_req_release(&req);
	ck_assert_int_eq(prepare_cfg("    sigv4: {region: r, role_arn: "
	    "'arn:aws:iam::1:role/x'}\n", &req, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "role_arn"));
	notify_req_release(&req);
}
END_TEST

/* api_url: a template; no scheme: https; its query kept, sorted and
 * signed; the default port left out of Host. */
START_TEST(api_url_forms)
{
	struct notify_req	 req;
	char			 msg[256];
	const char		*keys =
				    "    sigv4: {region: r, access_key: a, "
				    "secret_key: s}\n";
	char			 extra[256];

	snprintf(extra, sizeof(extra), "%s    api_url: 'sns.example:443/"
	    "{{ .Status }}?b=2&a=x+y'\n", keys);
	ck_assert_int_eq(prepare_cfg(extra, &req, msg, sizeof(msg)), 0);
	ck_assert_str_eq(req.url, "https://sns.example:443/firing/?a=x%20y&"
	    "b=2");
	ck_assert_str_eq(req_header(&req, "Host"), "sns.example");
	notify_req_release(&req);
	snprintf(extra, sizeof(extra), "%s    api_url: 'http://h:80/p/'\n",
	    keys);
	ck_assert_int_eq(prepare_cfg(extra, &req, msg, sizeof(msg)), 0);
	ck_assert_str_eq(req.url, "http://h:80/p/");
	ck_assert_str_eq(req_header(&req, "Host"), "h");
	notify_req_release(&req);
}
END_TEST

START_TEST(canonical_request)
{
	struct nsigv4_header	 h[2] = { { "content-type",
				    "  a   b  " }, { "x-amz-date",
				    "20150830T123600Z" } };
	struct nsigv4_req	 r = { "POST", "/a b/c", "x=1", h, 2,
				    "example.amazonaws.com", "Param1=value1",
				    13 };
	struct nsigv4_key	 k = { "AKIDEXAMPLE", SECRET, "us-east-1",
				    "service" };
	struct buf		 out, canon;

	buf_init(&out, BUF_NOCAP);
	buf_init(&canon, BUF_NOCAP);
	nsigv4_sign(&r, &k, amz_time("20150830T123600Z"), &out, &canon);
	ck_assert_str_eq(buf_str(&canon), "POST\n/a%20b/c\nx=1\n"
	    "content-type:a b\nhost:example.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\n\n"
	    "content-type;host;x-amz-date\n"
	    "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "AWS4-HMAC-SHA256 "
	    "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date, Signature="));
	buf_release(&out);
	buf_release(&canon);
}
END_TEST

static enum notify_verdict
verdict(long status, const char *body, char *msg, size_t len)
{
	const struct notifier_type	*t = notifier_lookup("sns");
	struct notify_resp		 r;
	struct ad_err			 err;
	enum notify_verdict		 v;

	i2_resp(&r, status, body);
	memset(&err, 0, sizeof(err));
	v = t->verdict(NULL, &r, &err);
	snprintf(msg, len, "%s", err.msg);
	return v;
}

START_TEST(verdict_answers)
{
	char	m[256];

	ck_assert_int_eq(verdict(200, "<PublishResponse/>", m, sizeof(m)),
	    NOTIFY_OK);
	ck_assert_int_eq(verdict(400, "<ErrorResponse><Error><Type>Sender"
	    "</Type><Code>InvalidParameter</Code><Message>Invalid parameter: "
	    "TopicArn &amp; more</Message></Error></ErrorResponse>", m,
	    sizeof(m)), NOTIFY_FAIL);
	ck_assert_str_eq(m, "unexpected status code 400: Invalid parameter: "
	    "TopicArn & more");
	ck_assert_int_eq(verdict(400, "<ErrorResponse><Error><Code>Throttling"
	    "</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
	    m, sizeof(m)), NOTIFY_RETRY);
	ck_assert_int_eq(verdict(500, "", m, sizeof(m)), NOTIFY_RETRY);
	ck_assert_str_eq(m, "unexpected status code 500");
	ck_assert_int_eq(verdict(403, "<ErrorResponse><Error><Code>"
	    "SignatureDoesNotMatch</Code><Message>The request signature we "
	    "calculated does not match</Message></Error></ErrorResponse>", m,
	    sizeof(m)), NOTIFY_FAIL);
}
END_TEST

Suite *
integ2_sns_suite(void)
{
	Suite	*s = suite_create("integ2_sns");
	TCase	*tc = tcase_create("recorded");
	TCase	*tu = tcase_create("unit");

	tcase_add_test(tc, topic_firing);
	tcase_add_test(tc, topic_resolved);
	tcase_add_test(tc, topic_long);
	tcase_add_test(tc, sms_firing);
	tcase_add_test(tc, sms_resolved);
	tcase_add_test(tc, sms_long_cut);
	tcase_add_test(tc, fifo_firing);
	tcase_add_test(tc, fifo_resolved);
	tcase_add_test(tc, fifo_long);
	tcase_add_test(tc, target_firing);
	tcase_add_test(tc, target_long);
	suite_add_tcase(s, tc);
	tcase_add_test(tu, sha256_vectors);
	tcase_add_test(tu, default_endpoint_env_creds);
	tcase_add_test(tu, shared_credentials_file);
	tcase_add_test(tu, no_region_no_creds_role_arn);
	tcase_add_test(tu, api_url_forms);
	tcase_add_test(tu, canonical_request);
	tcase_add_test(tu, verdict_answers);
	suite_add_tcase(s, tu);
	return s;
}
