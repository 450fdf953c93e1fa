/*
 * email: Go's encoders against vectors Go itself produced
 * (tests/data/email/go-vectors.json, from vectors.go), the message
 * against what the real Alertmanager 0.25 sent (tests/data/email/am-0.25,
 * recorded by capture.py), the SMTP request (envelope, TLS, AUTH), the
 * AUTH mechanism chosen against a server's list, and the errors.
 */
#include <arpa/inet.h>
#include <check.h>
#include <ctype.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/mime.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"
#include "routing/labels.h"

#include "notify_fixture.h"

#define EDIR	"tests/data/email"
#define EXTURL	"http://am.example:9093/prefix"

static struct config *
load_capture_config(void)
{
	return nfix_capture_config(EDIR "/capture.yml", "SMTPPORT", "2525");
}

static size_t
load_alerts(const char *file, const char *alertname, ad_time_t now,
    struct alert **out)
{
	return nfix_load_alerts(file, alertname, true, now, out);
}

static json_t *
load_vectors(const char *key)
{
	json_error_t	 je;
	json_t		*root = json_load_file(EDIR "/go-vectors.json", 0, &je);
	json_t		*v;

	ck_assert_msg(root != NULL, "%s", je.text);
	v = json_incref(json_object_get(root, key));
	json_decref(root);
	ck_assert(json_is_array(v));
	return v;
}

static int
b64v(int c)
{
	const char	*a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*p = strchr(a, c);

	return p == NULL || c == '\0' ? -1 : (int)(p - a);
}

/* Decodes padded base64 into b (the vectors' encoding). */
static void
unb64(struct buf *b, const char *s)
{
	size_t	i, n = strlen(s);
	int	q[4], k;

	buf_reset(b);
	for (i = 0; i + 4 <= n; i += 4) {
		for (k = 0; k < 4; k++)
			q[k] = s[i + k] == '=' ? 0 : b64v(s[i + k]);
		buf_addch(b, q[0] << 2 | q[1] >> 4);
		if (s[i + 2] != '=')
			buf_addch(b, (q[1] & 0xf) << 4 | q[2] >> 2);
		if (s[i + 3] != '=')
			buf_addch(b, (q[2] & 0x3) << 6 | q[3]);
	}
}

static void
check_encoder(const char *key, void (*enc)(struct buf *, const char *,
    size_t))
{
	json_t		*arr = load_vectors(key), *c;
	struct buf	 in, want, got;
	size_t		 i;

	buf_init(&in, BUF_NOCAP);
	buf_init(&want, BUF_NOCAP);
	buf_init(&got, BUF_NOCAP);
	json_array_foreach(arr, i, c) {
		unb64(&in, json_string_value(json_object_get(c, "in")));
		unb64(&want, json_string_value(json_object_get(c, "out")));
		buf_reset(&got);
		enc(&got, buf_str(&in), buf_len(&in));
		ck_assert_msg(buf_len(&got) == buf_len(&want) &&
		    memcmp(buf_str(&got), buf_str(&want), buf_len(&got)) == 0,
		    "%s case %zu: got [%s] want [%s]", key, i, buf_str(&got),
		    buf_str(&want));
	}
	ck_assert_uint_gt(i, 100);
	buf_release(&in);
	buf_release(&want);
	buf_release(&got);
	json_decref(arr);
}

START_TEST(go_qencoding)
{
	check_encoder("qencode", mime_qencode);
}
END_TEST

START_TEST(go_quotedprintable)
{
	check_encoder("qp", mime_qp);
}
END_TEST

START_TEST(go_address_lists)
{
	json_t			*arr = load_vectors("addresses"), *c, *a;
	struct buf		 in;
	struct mime_addrs	 got;
	struct ad_err		 err;
	const char		*want_err;
	size_t			 i, j;
	int			 rc;

	buf_init(&in, BUF_NOCAP);
	json_array_foreach(arr, i, c) {
		unb64(&in, json_string_value(json_object_get(c, "in")));
		want_err = json_string_value(json_object_get(c, "err"));
		ad_err_clear(&err);
		rc = mime_parse_address_list(buf_str(&in), &got, &err);
		if (want_err[0] != '\0') {
			ck_assert_msg(rc == -1, "[%s] parsed", buf_str(&in));
			ck_assert_msg(strcmp(err.msg, want_err) == 0,
			    "[%s]: got [%s] want [%s]", buf_str(&in), err.msg,
			    want_err);
		} else {
			ck_assert_msg(rc == 0, "[%s]: %s", buf_str(&in),
			    err.msg);
			a = json_object_get(c, "addrs");
			ck_assert_uint_eq(got.n, json_array_size(a));
			for (j = 0; j < got.n; j++)
				ck_assert_str_eq(got.v[j], json_string_value(
				    json_array_get(a, j)));
		}
		mime_addrs_release(&got);
	}
	buf_release(&in);
	json_decref(arr);
}
END_TEST

/* ------------------------------------------------ config and alerts --- */

static struct config *
load_yaml(const char *yml, struct ad_errs *errs)
{
	ad_errs_init(errs);
	return config_load_bytes("email.yml", yml, strlen(yml), ".", NULL,
	    errs, NULL);
}

static struct config *
load_ok(const char *yml)
{
	struct ad_errs	 errs;
	struct config	*cfg = load_yaml(yml, &errs);

	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
	return cfg;
}

static struct alert *
one_alert(void)
{
	struct labels_builder	 lb;
	struct alert		*a;

	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", "A");
	labels_builder_adds(&lb, "job", "j");
	a = alert_new(labels_builder_finish(&lb), NULL, NULL, ad_now(),
	    AD_TIME_ZERO, ad_now(), false);
	labels_builder_release(&lb);
	return a;
}

/* What prepare() made of one notification. */
struct sent {
	int			 rc;
	struct ad_err		 err;
	struct notify_req	 req;
	struct labels		*gl;
};

static void
ctx_init(struct notify_ctx *ctx, const struct config *cfg,
    const struct config_receiver *r, struct alert **alerts, size_t n,
    struct labels *gl)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->tmpl = cfg->tmpl;
	ctx->receiver = r->name;
	ctx->group_key = "{}:{alertname=\"x\"}";
	ctx->group_labels = gl;
	ctx->alerts = alerts;
	ctx->n_alerts = n;
	ctx->external_url = EXTURL;
	ctx->now = ad_now();
}

static struct labels *
group_labels(struct alert *a)
{
	struct labels_builder	 lb;
	struct labels		*ls;

	labels_builder_init(&lb);
	labels_builder_adds(&lb, "alertname", labels_get(alert_labels(a),
	    "alertname"));
	labels_builder_adds(&lb, "job", labels_get(alert_labels(a), "job"));
	ls = labels_builder_finish(&lb);
	labels_builder_release(&lb);
	return ls;
}

static void
send_group(const struct config *cfg, const char *receiver,
    struct alert **alerts, size_t n, struct sent *s)
{
	const struct config_receiver	*r = config_receiver(cfg, receiver);
	const struct config_integration	*ci;
	struct notify_ctx		 ctx;

	ck_assert_ptr_nonnull(r);
	ci = &r->integrations[0];
	ck_assert_str_eq(ci->type->name, "email");
	memset(s, 0, sizeof(*s));
	s->gl = group_labels(alerts[0]);
	ctx_init(&ctx, cfg, r, alerts, n, s->gl);
	notify_req_init(&s->req);
	s->rc = ci->type->prepare(ci->conf, &ctx, &s->req, &s->err);
}

static void
sent_release(struct sent *s)
{
	notify_req_release(&s->req);
	labels_unref(s->gl);
}

static void
send_one(const char *yml, struct sent *s)
{
	struct config	*cfg = load_ok(yml);
	struct alert	*a = one_alert();

	send_group(cfg, "r", &a, 1, s);
	alert_unref(a);
	config_unref(cfg);
}

/* ------------------------------------------- messages vs Alertmanager --- */

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* "<1795627780165737641.4929289905894773838@host>" */
static void
check_message_id(const char *v)
{
	const char	*dot = strchr(v, '.'), *at = strchr(v, '@');

	ck_assert_msg(v[0] == '<' && dot != NULL && at != NULL && at > dot &&
	    v[strlen(v) - 1] == '>' && all_digits(v + 1,
	    (size_t)(dot - v - 1)) && all_digits(dot + 1,
	    (size_t)(at - dot - 1)), "Message-Id %s", v);
}

/* time.RFC1123Z: "Wed, 25 Nov 2026 17:29:40 +0000" */
static void
check_date(const char *v)
{
	static const char	pat[] = "Aaa, 00 Aaa 0000 00:00:00 +0000";
	size_t			i;

	ck_assert_uint_eq(strlen(v), sizeof(pat) - 1);
	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == '0')
			ck_assert_msg(isdigit((unsigned char)v[i]), "%s", v);
		else if (pat[i] == 'A' || pat[i] == 'a')
			ck_assert_msg(isalpha((unsigned char)v[i]), "%s", v);
		else if (pat[i] == '+')
			ck_assert_msg(v[i] == '+' || v[i] == '-', "%s", v);
		else
			ck_assert_msg(v[i] == pat[i], "%s", v);
	}
}

static void
replace_all(struct buf *out, const char *s, const char *from, const char *to)
{
	const char	*p;

	while ((p = strstr(s, from)) != NULL) {
		buf_add(out, s, (size_t)(p - s));
		buf_addstr(out, to);
		s = p + strlen(from);
	}
	buf_addstr(out, s);
}

/*
 * What may differ between two sends of the same notification: Date and
 * Message-Id (checked for their form, then blanked), the boundary
 * (replaced), and the order of the configured headers, which is Go's
 * random map order (sorted).
 */
static char *
normalize(const char *msg)
{
	const char	*end = strstr(msg, "\r\n\r\n"), *p;
	char		*lines[32], boundary[128] = "";
	size_t		 n = 0, i, nconf = 0;
	struct buf	 head, out;

	ck_assert_ptr_nonnull(end);
	for (p = msg; p < end + 2; p = strstr(p, "\r\n") + 2) {
		ck_assert_uint_lt(n, 32);
		lines[n] = xstrndup(p, (size_t)(strstr(p, "\r\n") - p));
		if (strncmp(lines[n], "Message-Id: ", 12) == 0) {
			check_message_id(lines[n] + 12);
			free(lines[n]);
			lines[n] = xstrdup("Message-Id: <ID>");
			nconf = n;
		} else if (strncmp(lines[n], "Date: ", 6) == 0) {
			check_date(lines[n] + 6);
			free(lines[n]);
			lines[n] = xstrdup("Date: DATE");
		} else if (sscanf(lines[n], "Content-Type: multipart/"
		    "alternative;  boundary=%127s", boundary) == 1)
			ck_assert_uint_eq(strlen(boundary), 60);
		n++;
	}
	ck_assert_uint_gt(nconf, 0);
	ck_assert_str_ne(boundary, "");
	qsort(lines, nconf, sizeof(*lines), cmp_lines);
	buf_init(&head, BUF_NOCAP);
	for (i = 0; i < n; i++) {
		buf_addf(&head, "%s\r\n", lines[i]);
		free(lines[i]);
	}
	buf_addstr(&head, end + 2);
	buf_init(&out, BUF_NOCAP);
	replace_all(&out, buf_str(&head), boundary, "BOUNDARY");
	buf_release(&head);
	return buf_detach(&out, NULL);
}

static void
check_message(const char *receiver, const char *alerts_file,
    const char *prefix, const char *base)
{
	struct config	*cfg = load_capture_config();
	struct alert	*alerts[8];
	struct sent	 s;
	char		 path[256], *want, *got, *raw;
	json_t		*env, *rcpt;
	json_error_t	 je;
	size_t		 n, i;

	n = load_alerts(alerts_file, prefix, ad_now(), alerts);
	ck_assert_uint_gt(n, 0);
	send_group(cfg, receiver, alerts, n, &s);
	ck_assert_msg(s.rc == 0, "%s", s.err.msg);
	snprintf(path, sizeof(path), "%s.eml", base);
	raw = nfix_slurp(path, NULL);
	want = normalize(raw);
	got = normalize(buf_str(&s.req.body));
	ck_assert_str_eq(got, want);
	free(raw);
	free(want);
	free(got);
	/* the envelope and the EHLO name */
	snprintf(path, sizeof(path), "%s.json", base);
	env = json_load_file(path, 0, &je);
	ck_assert_ptr_nonnull(env);
	ck_assert(s.req.smtp);
	ck_assert_str_eq(s.req.mail_from, json_string_value(
	    json_object_get(env, "mail_from")));
	rcpt = json_object_get(env, "rcpt_tos");
	ck_assert_uint_eq(s.req.n_rcpt, json_array_size(rcpt));
	for (i = 0; i < s.req.n_rcpt; i++)
		ck_assert_str_eq(s.req.rcpt[i], json_string_value(
		    json_array_get(rcpt, i)));
	snprintf(path, sizeof(path), "smtp://127.0.0.1:2525/%s",
	    json_string_value(json_object_get(env, "ehlo")));
	ck_assert_str_eq(s.req.url, path);
	ck_assert(!s.req.smtp_require_tls);	/* smtp_require_tls: false */
	ck_assert_ptr_null(s.req.smtp_user);
	json_decref(env);
	sent_release(&s);
	for (i = 0; i < n; i++)
		alert_unref(alerts[i]);
	config_unref(cfg);
}

#define AM	EDIR "/am-0.25/"

START_TEST(message_default_html)
{
	/* email.default.html and .subject, two recipients */
	check_message("email-default", EDIR "/alerts1.json", "Disk",
	    AM "default_DiskFull_firing");
	check_message("email-default", EDIR "/alerts2.json", "Disk",
	    AM "default_DiskFull_resolved");
	check_message("email-default", EDIR "/alerts1.json", "T",
	    AM "default_Test_firing");
}
END_TEST

START_TEST(message_custom_parts)
{
	/* text part (quoted-printable soft breaks, blanks, dots, '='),
	 * html part, UTF-8 headers in several encoded words, user
	 * headers, hello, from and to templated */
	check_message("email-custom", EDIR "/alerts1.json", "Disk",
	    AM "custom_DiskFull_firing");
	check_message("email-custom", EDIR "/alerts2.json", "Disk",
	    AM "custom_DiskFull_resolved");
	check_message("email-custom", EDIR "/alerts1.json", "T",
	    AM "custom_Test_firing");
}
END_TEST

START_TEST(message_is_fresh_and_crlf)
{
	struct config	*cfg = load_capture_config();
	struct alert	*a = one_alert();
	struct sent	 s1, s2;
	const char	*b1, *b2, *p;

	send_group(cfg, "email-custom", &a, 1, &s1);
	send_group(cfg, "email-custom", &a, 1, &s2);
	ck_assert_int_eq(s1.rc, 0);
	ck_assert_int_eq(s2.rc, 0);
	b1 = strstr(buf_str(&s1.req.body), "boundary=");
	b2 = strstr(buf_str(&s2.req.body), "boundary=");
	ck_assert_ptr_nonnull(b1);
	ck_assert_ptr_nonnull(b2);
	/* a new boundary and Message-Id for each message */
	ck_assert(strncmp(b1, b2, 69) != 0);
	ck_assert(strncmp(strstr(buf_str(&s1.req.body), "Message-Id"),
	    strstr(buf_str(&s2.req.body), "Message-Id"), 40) != 0);
	/* every line ends with CRLF */
	for (p = buf_str(&s1.req.body); (p = strchr(p, '\n')) != NULL; p++)
		ck_assert(p[-1] == '\r');
	sent_release(&s1);
	sent_release(&s2);
	alert_unref(a);
	config_unref(cfg);
}
END_TEST

/* ------------------------------------------------------ the request --- */

#define R_HEAD	"route:\n  receiver: r\nreceivers:\n- name: r\n" \
	"  email_configs:\n  - to: ops@example.org\n" \
	"    from: am@example.org\n"

START_TEST(request_tls_modes)
{
	struct sent	s;

	/* require_tls defaults to true: STARTTLS or fail */
	send_one(R_HEAD "    smarthost: mail.example:587\n", &s);
	ck_assert_int_eq(s.rc, 0);
	ck_assert_str_eq(s.req.url, "smtp://mail.example:587/localhost");
	ck_assert(s.req.smtp_require_tls);
	ck_assert(!s.req.smtp_implicit_tls);
	ck_assert_ptr_nonnull(s.req.smtp_tls);
	sent_release(&s);
	/* port 465: implicit TLS; STARTTLS is then moot (0.31) */
	send_one(R_HEAD "    smarthost: mail.example:465\n"
	    "    hello: 'my host/x'\n", &s);
	ck_assert_str_eq(s.req.url, "smtps://mail.example:465/my%20host%2Fx");
	ck_assert(s.req.smtp_implicit_tls);
	ck_assert(!s.req.smtp_require_tls);
	sent_release(&s);
	send_one(R_HEAD "    smarthost: mail.example:2465\n"
	    "    force_implicit_tls: true\n", &s);
	ck_assert_str_eq(s.req.url, "smtps://mail.example:2465/localhost");
	sent_release(&s);
	send_one(R_HEAD "    smarthost: mail.example:465\n"
	    "    force_implicit_tls: false\n    require_tls: false\n", &s);
	ck_assert_str_eq(s.req.url, "smtp://mail.example:465/localhost");
	ck_assert(!s.req.smtp_require_tls);
	sent_release(&s);
	send_one(R_HEAD "    smarthost: '[::1]:25'\n", &s);
	ck_assert_str_eq(s.req.url, "smtp://[::1]:25/localhost");
	sent_release(&s);
}
END_TEST

START_TEST(request_global_smtp)
{
	struct sent	s;

	send_one("global:\n  smtp_smarthost: g.example:25\n"
	    "  smtp_from: 'G <g@example.org>'\n  smtp_hello: gh\n"
	    "  smtp_auth_username: u\n  smtp_auth_password: p\n"
	    "  smtp_auth_identity: id\n  smtp_require_tls: false\n"
	    "route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  email_configs:\n  - to: 'a@x, b@y'\n", &s);
	ck_assert_msg(s.rc == 0, "%s", s.err.msg);
	ck_assert_str_eq(s.req.url, "smtp://g.example:25/gh");
	ck_assert_str_eq(s.req.mail_from, "g@example.org");
	ck_assert_uint_eq(s.req.n_rcpt, 2);
	ck_assert_str_eq(s.req.smtp_user, "u");
	ck_assert_str_eq(s.req.smtp_password, "p");
	ck_assert_str_eq(s.req.smtp_authzid, "id");
	/* clear text to a remote host: no PLAIN (smtp.PlainAuth) */
	ck_assert_str_eq(s.req.smtp_auth, "LOGIN");
	ck_assert(!s.req.smtp_require_tls);
	ck_assert_ptr_nonnull(strstr(buf_str(&s.req.body),
	    "\r\nFrom: G <g@example.org>\r\n"));
	sent_release(&s);
}
END_TEST

START_TEST(request_auth_sets)
{
	struct sent	s;

	/* a password: PLAIN (with identity) or LOGIN */
	send_one(R_HEAD "    smarthost: mail.example:587\n"
	    "    auth_username: u\n    auth_password: pw\n", &s);
	ck_assert_str_eq(s.req.smtp_auth, "PLAIN LOGIN");
	ck_assert_str_eq(s.req.smtp_password, "pw");
	ck_assert_ptr_null(s.req.smtp_authzid);
	sent_release(&s);
	/* clear text, but to localhost: PLAIN allowed, as Go allows it */
	send_one(R_HEAD "    smarthost: localhost:25\n    require_tls: false\n"
	    "    auth_username: u\n    auth_password: pw\n", &s);
	ck_assert_str_eq(s.req.smtp_auth, "PLAIN LOGIN");
	sent_release(&s);
	/* only a secret: CRAM-MD5 with it */
	send_one(R_HEAD "    smarthost: mail.example:587\n"
	    "    auth_username: u\n    auth_secret: s3\n", &s);
	ck_assert_str_eq(s.req.smtp_auth, "CRAM-MD5");
	ck_assert_str_eq(s.req.smtp_password, "s3");
	sent_release(&s);
	/* a username alone: no mechanism can be used */
	send_one(R_HEAD "    smarthost: mail.example:587\n"
	    "    auth_username: u\n", &s);
	ck_assert_str_eq(s.req.smtp_user, "u");
	ck_assert_str_eq(s.req.smtp_auth, "XOAUTH2");
	ck_assert_ptr_null(s.req.smtp_password);
	sent_release(&s);
	/* no username: no AUTH at all */
	send_one(R_HEAD "    smarthost: mail.example:587\n"
	    "    auth_password: pw\n", &s);
	ck_assert_ptr_null(s.req.smtp_user);
	ck_assert_ptr_null(s.req.smtp_auth);
	sent_release(&s);
}
END_TEST

START_TEST(request_password_file)
{
	char		 path[] = "/tmp/alertd-smtp-pw-XXXXXX", *yml;
	struct config	*cfg;
	struct alert	*a = one_alert();
	struct sent	 s;
	int		 fd;
	FILE		*f;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "from-file\n", 10), 10);
	close(fd);
	yml = xasprintf(R_HEAD "    smarthost: mail.example:587\n"
	    "    auth_username: u\n    auth_password_file: %s\n", path);
	cfg = load_ok(yml);
	send_group(cfg, "r", &a, 1, &s);
	ck_assert_str_eq(s.req.smtp_password, "from-file");
	sent_release(&s);
	/* read on each notification */
	f = fopen(path, "w");
	fputs("rotated", f);
	fclose(f);
	send_group(cfg, "r", &a, 1, &s);
	ck_assert_str_eq(s.req.smtp_password, "rotated");
	sent_release(&s);
	unlink(path);
	alert_unref(a);
	config_unref(cfg);
	free(yml);
}
END_TEST

static void
expect_prepare_error(const char *extra, const char *want)
{
	struct sent	 s;
	char		*yml = xasprintf("route:\n  receiver: r\nreceivers:\n"
	    "- name: r\n  email_configs:\n  - smarthost: m.example:25\n%s",
	    extra);

	send_one(yml, &s);
	ck_assert_int_eq(s.rc, -1);
	ck_assert_str_eq(s.err.msg, want);
	sent_release(&s);
	free(yml);
}

START_TEST(prepare_errors)
{
	expect_prepare_error("    to: a@x\n    from: 'a@x, b@x'\n",
	    "must be exactly one 'from' address (got: 2)");
	expect_prepare_error("    to: a@x\n    from: 'Some Name'\n",
	    "parse 'from' addresses: mail: no angle-addr");
	expect_prepare_error("    to: '{{ .GroupLabels.none }}'\n"
	    "    from: a@x\n", "parse 'to' addresses: mail: no address");
	expect_prepare_error("    to: a@x\n    from: '{{ .Nope }}'\n",
	    "execute 'from' template: template: :1:3: executing \"\" at "
	    "<.Nope>: can't evaluate field Nope in type *template.Data");
	expect_prepare_error("    to: a@x\n    from: a@x\n    headers:\n"
	    "      subject: '{{ .Nope }}'\n",
	    "execute \"Subject\" header template: template: :1:3: executing "
	    "\"\" at <.Nope>: can't evaluate field Nope in type "
	    "*template.Data");
	expect_prepare_error("    to: a@x\n    from: a@x\n"
	    "    text: '{{ .Nope }}'\n", "execute text template: template: "
	    ":1:3: executing \"\" at <.Nope>: can't evaluate field Nope in "
	    "type *template.Data");
}
END_TEST

START_TEST(no_parts)
{
	struct sent	 s;
	const char	*b;

	/* html: '' and no text: a multipart with no part, as Go writes it */
	send_one(R_HEAD "    smarthost: m.example:25\n    html: ''\n", &s);
	ck_assert_int_eq(s.rc, 0);
	b = strstr(buf_str(&s.req.body), "MIME-Version: 1.0\r\n\r\n\r\n--");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(strlen(b), 21 + 4 + 60 + 4);
	sent_release(&s);
}
END_TEST

static enum notify_verdict
verdict(int curl_code, const char *curl_error, struct ad_err *err)
{
	struct config		*cfg = load_ok(R_HEAD
	    "    smarthost: mail.example:587\n");
	const struct config_integration	*ci =
	    &config_receiver(cfg, "r")->integrations[0];
	struct notify_resp	 r;
	enum notify_verdict	 v;

	memset(&r, 0, sizeof(r));
	r.curl_code = curl_code;
	r.curl_error = curl_error;
	r.status = curl_code == 0 ? 250 : 0;
	r.url = "smtp://mail.example:587/localhost";
	ad_err_clear(err);
	v = ci->type->verdict(ci->conf, &r, err);
	config_unref(cfg);
	return v;
}

START_TEST(verdict_wording)
{
	struct ad_err	err;

	ck_assert_int_eq(verdict(0, NULL, &err), NOTIFY_OK);
	ck_assert_int_eq(verdict(64, "send \"smtp://mail.example:587/"
	    "localhost\": STARTTLS not supported.", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "'require_tls' is true (default) but "
	    "\"mail.example:587\" does not advertise the STARTTLS extension");
	ck_assert_int_eq(verdict(55, "send \"smtp://mail.example:587/"
	    "localhost\": RCPT failed: 550", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "send RCPT command: RCPT failed: 550");
	ck_assert_int_eq(verdict(7, "send \"smtp://mail.example:587/"
	    "localhost\": Failed to connect", &err), NOTIFY_RETRY);
	ck_assert_str_eq(err.msg, "establish connection to server: Failed "
	    "to connect");
	ck_assert_int_eq(verdict(67, "send \"smtp://mail.example:587/"
	    "localhost\": Login denied", &err), NOTIFY_RETRY);
	ck_assert_ptr_nonnull(strstr(err.msg, "auth: Login denied"));
}
END_TEST

/* ------------------------------------ AUTH against a real SMTP server --- */

struct smtpd {
	int		 fd, port;
	pthread_t	 thread;
	const char	*ext;		/* EHLO extensions, "\r\n"-separated */
	pthread_mutex_t	 mu;
	struct buf	 log;		/* the client's lines */
	int		 messages;
};

static int
read_line(int fd, char *line, size_t max)
{
	size_t	n = 0;
	char	c;

	while (n + 1 < max) {
		if (read(fd, &c, 1) != 1)
			return -1;
		line[n++] = c;
		if (c == '\n')
			break;
	}
	line[n] = '\0';
	return 0;
}

static void
say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		return;
}

static void
slog_line(struct smtpd *s, const char *line)
{
	pthread_mutex_lock(&s->mu);
	buf_addstr(&s->log, line);
	pthread_mutex_unlock(&s->mu);
}

/* AUTH's challenges: answers are logged, every login succeeds. */
static int
smtpd_auth(struct smtpd *s, int c, char *line, size_t max)
{
	int	steps = 0;

	if (strncmp(line, "AUTH PLAIN ", 11) == 0)
		steps = 0;
	else if (strncmp(line, "AUTH PLAIN", 10) == 0 ||
	    strncmp(line, "AUTH CRAM-MD5", 13) == 0 ||
	    strncmp(line, "AUTH LOGIN ", 11) == 0)
		steps = 1;
	else if (strncmp(line, "AUTH LOGIN", 10) == 0)
		steps = 2;
	while (steps-- > 0) {
		say(c, strncmp(line, "AUTH CRAM", 9) == 0 ?
		    "334 PDEyMzQ1QHNtdHAudGVzdD4=\r\n" : "334 \r\n");
		if (read_line(c, line, max) == -1)
			return -1;
		slog_line(s, line);
	}
	say(c, "235 2.7.0 ok\r\n");
	return 0;
}

static void
smtpd_data(struct smtpd *s, int c, char *line, size_t max)
{
	say(c, "354 go ahead\r\n");
	while (read_line(c, line, max) == 0 && strcmp(line, ".\r\n") != 0)
		;
	pthread_mutex_lock(&s->mu);
	s->messages++;
	pthread_mutex_unlock(&s->mu);
	say(c, "250 2.0.0 queued\r\n");
}

static void
smtpd_session(struct smtpd *s, int c)
{
	char	line[1024];

	say(c, "220 smtp.test ESMTP\r\n");
	while (read_line(c, line, sizeof(line)) == 0) {
		slog_line(s, line);
		if (strncmp(line, "EHLO", 4) == 0) {
			say(c, "250-smtp.test\r\n");
			say(c, s->ext);
			say(c, "250 8BITMIME\r\n");
		} else if (strncmp(line, "AUTH", 4) == 0) {
			if (smtpd_auth(s, c, line, sizeof(line)) == -1)
				break;
		} else if (strncmp(line, "DATA", 4) == 0)
			smtpd_data(s, c, line, sizeof(line));
		else if (strncmp(line, "QUIT", 4) == 0) {
			say(c, "221 bye\r\n");
			break;
		} else
			say(c, "250 ok\r\n");
	}
	close(c);
}

static void *
smtpd_main(void *arg)
{
	struct smtpd	*s = arg;
	int		 c;

	while ((c = accept(s->fd, NULL, NULL)) != -1)
		smtpd_session(s, c);
	return NULL;
}

static void
smtpd_start(struct smtpd *s, const char *ext)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);

	memset(s, 0, sizeof(*s));
	memset(&sin, 0, sizeof(sin));
	s->ext = ext;
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(s->fd, 8), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&sin, &slen), 0);
	s->port = ntohs(sin.sin_port);
	pthread_mutex_init(&s->mu, NULL);
	buf_init(&s->log, BUF_NOCAP);
	pthread_create(&s->thread, NULL, smtpd_main, s);
}

static void
smtpd_stop(struct smtpd *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->thread, NULL);
	buf_release(&s->log);
	pthread_mutex_destroy(&s->mu);
}

/* One notification through the notify thread, as the pipeline sends
 * it: email's prepare and verdict. */
struct ejob {
	struct notify_job		 job;
	const struct config_integration	*ci;
	struct notify_ctx		 ctx;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	bool				 done;
	struct notify_result		 res;
	struct ad_err			 err;
};

static enum notify_prep
e_prepare(struct notify_job *job, struct notify_req *req, struct ad_err *err)
{
	struct ejob	*e = (struct ejob *)job;

	if (e->ci->type->prepare(e->ci->conf, &e->ctx, req, err) == -1)
		return NOTIFY_PREP_FAIL;
	return NOTIFY_PREP_SEND;
}

static enum notify_verdict
e_verdict(struct notify_job *job, const struct notify_resp *r,
    struct ad_err *err)
{
	struct ejob	*e = (struct ejob *)job;

	return e->ci->type->verdict(e->ci->conf, r, err);
}

static void
e_done(struct notify_job *job, const struct notify_result *res)
{
	struct ejob	*e = (struct ejob *)job;

	pthread_mutex_lock(&e->mu);
	e->res = *res;
	if (res->err != NULL)
		e->err = *res->err;
	e->res.err = NULL;
	e->done = true;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

static const struct notify_job_ops e_ops = { e_prepare, e_verdict, e_done };

/* Sends one e-mail for receiver r of yml (PORT replaced) to s. */
static void
deliver_b(struct smtpd *s, const char *creds, ad_dur_t deadline,
    ad_dur_t backoff, struct ejob *e)
{
	struct notify_opts	 o = { 0 };
	struct notify		*n;
	struct config		*cfg;
	struct alert		*a = one_alert();
	struct labels		*gl = group_labels(a);
	char			*yml;

	yml = xasprintf("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  email_configs:\n  - to: ops@example.org\n"
	    "    from: am@example.org\n    smarthost: 127.0.0.1:%d\n%s",
	    s->port, creds);
	cfg = load_ok(yml);
	o.backoff.initial = backoff;
	o.backoff.max = backoff * 2;
	o.backoff.multiplier = 1.5;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	memset(e, 0, sizeof(*e));
	e->ci = &config_receiver(cfg, "r")->integrations[0];
	ctx_init(&e->ctx, cfg, config_receiver(cfg, "r"), &a, 1, gl);
	notify_job_init(&e->job, &e_ops, "email", "r", 0, ad_now() + deadline);
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	notify_submit(n, &e->job);
	pthread_mutex_lock(&e->mu);
	while (!e->done)
		pthread_cond_wait(&e->cv, &e->mu);
	pthread_mutex_unlock(&e->mu);
	notify_free(n);
	labels_unref(gl);
	alert_unref(a);
	config_unref(cfg);
	free(yml);
}

static void
deliver(struct smtpd *s, const char *creds, ad_dur_t deadline,
    struct ejob *e)
{
	deliver_b(s, creds, deadline, 20 * AD_MS, e);
}

/* The mechanism of the AUTH command the server saw, or "" if none. */
static void
auth_seen(struct smtpd *s, char *out, size_t size)
{
	const char	*p;

	pthread_mutex_lock(&s->mu);
	p = strstr(buf_str(&s->log), "AUTH ");
	snprintf(out, size, "%.*s", p == NULL ? 0 : (int)strcspn(p + 5,
	    " \r\n"), p == NULL ? "" : p + 5);
	pthread_mutex_unlock(&s->mu);
}

START_TEST(auth_choice)
{
	/*
	 * ext: the server's AUTH line; creds: the config; ours: what alertd
	 * uses; am: what Alertmanager 0.25's email.go picks (the first
	 * mechanism of the server's list it has credentials for).  They
	 * differ only where libcurl's preference (CRAM-MD5, PLAIN, LOGIN)
	 * overrides the server's order between mechanisms that would all
	 * work; see notifiers/email.c.
	 */
	static const struct {
		const char	*ext, *creds, *ours, *am;
		bool		 delivered;
	} c[] = {
		{ "250-AUTH PLAIN LOGIN\r\n", "pw", "PLAIN", "PLAIN", true },
		{ "250-AUTH LOGIN PLAIN\r\n", "pw", "PLAIN", "LOGIN", true },
		{ "250-AUTH LOGIN\r\n", "pw", "LOGIN", "LOGIN", true },
		{ "250-AUTH CRAM-MD5 PLAIN\r\n", "pw", "PLAIN", "PLAIN", true },
		{ "250-AUTH XOAUTH2 LOGIN\r\n", "pw", "LOGIN", "LOGIN", true },
		{ "250-AUTH PLAIN LOGIN CRAM-MD5\r\n", "secret", "CRAM-MD5",
		    "CRAM-MD5", true },
		{ "250-AUTH CRAM-MD5 PLAIN\r\n", "both", "PLAIN", "CRAM-MD5",
		    true },
		{ "250-AUTH PLAIN CRAM-MD5\r\n", "both", "PLAIN", "PLAIN",
		    true },
		/* "find auth mechanism: missing password for ..." */
		{ "250-AUTH PLAIN LOGIN\r\n", "user", "", "", false },
		{ "250-AUTH CRAM-MD5\r\n", "pw", "", "", false },
		/* no AUTH offered: Alertmanager sends without it */
		{ "", "pw", "", "", true },
		{ "250-AUTH PLAIN\r\n", "none", "", "", true },
	};
	struct smtpd	 s;
	struct ejob	 e;
	char		 mech[32], *yml;
	const char	*creds;
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(*c); i++) {
		if (strcmp(c[i].creds, "pw") == 0)
			creds = "    auth_username: u\n    auth_password: pw\n";
		else if (strcmp(c[i].creds, "secret") == 0)
			creds = "    auth_username: u\n    auth_secret: sec\n";
		else if (strcmp(c[i].creds, "both") == 0)
			creds = "    auth_username: u\n    auth_password: pw\n"
			    "    auth_secret: sec\n";
		else if (strcmp(c[i].creds, "user") == 0)
			creds = "    auth_username: u\n";
		else
			creds = "";
		smtpd_start(&s, c[i].ext);
		yml = xasprintf("%s    require_tls: false\n", creds);
		deliver(&s, yml, c[i].delivered ? 5 * AD_SEC : 300 * AD_MS,
		    &e);
		free(yml);
		auth_seen(&s, mech, sizeof(mech));
		ck_assert_msg(strcmp(mech, c[i].ours) == 0, "case %zu: %s",
		    i, mech);
		ck_assert_msg(e.res.ok == c[i].delivered, "case %zu: %s", i,
		    e.err.msg);
		ck_assert_int_eq(s.messages, c[i].delivered ? 1 : 0);
		if (strcmp(c[i].ours, c[i].am) != 0)
			ck_assert(i == 1 || i == 6);	/* the known two */
		smtpd_stop(&s);
	}
}
END_TEST
START_TEST(auth_plain_identity)
{
	struct smtpd	s;
	struct ejob	e;

	smtpd_start(&s, "250-AUTH PLAIN LOGIN\r\n");
	deliver(&s, "    auth_username: u\n    auth_password: pw\n"
	    "    auth_identity: id\n    require_tls: false\n", 5 * AD_SEC, &e);
	ck_assert_msg(e.res.ok, "%s", e.err.msg);
	/* PlainAuth(identity, username, password), initial response */
	pthread_mutex_lock(&s.mu);
	ck_assert_ptr_nonnull(strstr(buf_str(&s.log),
	    "AUTH PLAIN aWQAdQBwdw==\r\n"));
	ck_assert_ptr_nonnull(strstr(buf_str(&s.log),
	    "MAIL FROM:<am@example.org>"));
	ck_assert_ptr_nonnull(strstr(buf_str(&s.log),
	    "RCPT TO:<ops@example.org>\r\n"));
	pthread_mutex_unlock(&s.mu);
	smtpd_stop(&s);
}
END_TEST

START_TEST(require_tls_not_offered)
{
	struct smtpd	s;
	struct ejob	e;
	char		want[160];

	smtpd_start(&s, "250-AUTH PLAIN LOGIN\r\n");
	/* one attempt (the retry would come after the deadline), so that
	 * its error is the last one; retrying: see verdict_wording */
	deliver_b(&s, "    auth_username: u\n    auth_password: pw\n",
	    400 * AD_MS, 2 * AD_SEC, &e);
	ck_assert(!e.res.ok);
	ck_assert_int_eq(e.res.attempts, 1);
	snprintf(want, sizeof(want), "'require_tls' is true (default) but "
	    "\"127.0.0.1:%d\" does not advertise the STARTTLS extension",
	    s.port);
	ck_assert_msg(strstr(e.err.msg, want) != NULL, "%s", e.err.msg);
	ck_assert_int_eq(s.messages, 0);
	pthread_mutex_lock(&s.mu);
	/* no credentials in clear text */
	ck_assert_ptr_null(strstr(buf_str(&s.log), "AUTH"));
	pthread_mutex_unlock(&s.mu);
	smtpd_stop(&s);
}
END_TEST

Suite *
email_suite(void)
{
	Suite	*s = suite_create("email");
	TCase	*tc = tcase_create("mime");
	TCase	*tm = tcase_create("message");
	TCase	*tr = tcase_create("request");
	TCase	*ta = tcase_create("smtp");

	tcase_add_test(tc, go_qencoding);
	tcase_add_test(tc, go_quotedprintable);
	tcase_add_test(tc, go_address_lists);
	tcase_add_test(tm, message_default_html);
	tcase_add_test(tm, message_custom_parts);
	tcase_add_test(tm, message_is_fresh_and_crlf);
	tcase_add_test(tm, no_parts);
	tcase_add_test(tr, request_tls_modes);
	tcase_add_test(tr, request_global_smtp);
	tcase_add_test(tr, request_auth_sets);
	tcase_add_test(tr, request_password_file);
	tcase_add_test(tr, prepare_errors);
	tcase_add_test(tr, verdict_wording);
	tcase_set_timeout(ta, 30);
	tcase_add_test(ta, auth_choice);
	tcase_add_test(ta, auth_plain_identity);
	tcase_add_test(ta, require_tls_not_offered);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tm);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, ta);
	return s;
}
