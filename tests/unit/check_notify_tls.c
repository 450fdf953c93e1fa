/*
 * nhttp's tls_config against a real HTTPS endpoint (Python's ssl module,
 * tests/data/tls/https_sink.py): verification against ca_file, the
 * refusal of an unknown CA, insecure_skip_verify, server_name (SNI and
 * verification name while connecting to 127.0.0.1, with the real Host),
 * client certificates, and min_version.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/notify.h"

#define TLSDIR	"tests/data/tls"

struct sink {
	pid_t	 pid;
	FILE	*out;		/* its stdout */
	int	 in;		/* its stdin */
	int	 port;
};

static void
sink_start(struct sink *s, const char *opt1, const char *opt2)
{
	int	to[2], from[2];

	ck_assert_int_eq(pipe(to), 0);
	ck_assert_int_eq(pipe(from), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execl("/usr/bin/python3", "python3", TLSDIR "/https_sink.py",
		    TLSDIR, opt1, opt2, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	s->in = to[1];
	s->out = fdopen(from[0], "r");
	{
		char	line[32];

		ck_assert_ptr_nonnull(fgets(line, sizeof(line), s->out));
		s->port = (int)strtol(line, NULL, 10);
		ck_assert_int_gt(s->port, 0);
	}
}

/* The next request line the sink printed. */
static char *
sink_line(struct sink *s)
{
	char	line[512];

	ck_assert_ptr_nonnull(fgets(line, sizeof(line), s->out));
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

static void
sink_stop(struct sink *s)
{
	int	status;

	close(s->in);
	fclose(s->out);
	ck_assert_int_eq(waitpid(s->pid, &status, 0), s->pid);
}

struct tjob {
	struct notify_job	 job;
	char			*url;
	const struct config_http *http;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 done;
	struct notify_result	 res;
	struct ad_err		 err;
	char			 first[512];	/* the first attempt's error */
};

static enum notify_prep
t_prepare(struct notify_job *job, struct notify_req *req, struct ad_err *err)
{
	struct tjob	*t = (struct tjob *)job;

	(void)err;
	req->url = xstrdup(t->url);
	req->http = t->http;
	notify_req_add_header(req, "Content-Type: application/json");
	buf_addstr(&req->body, "{}\n");
	return NOTIFY_PREP_SEND;
}

static void
t_done(struct notify_job *job, const struct notify_result *res)
{
	struct tjob	*t = (struct tjob *)job;

	pthread_mutex_lock(&t->mu);
	t->res = *res;
	if (res->err != NULL)
		t->err = *res->err;
	t->res.err = NULL;
	t->done = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

static enum notify_verdict
t_verdict(struct notify_job *job, const struct notify_resp *r,
    struct ad_err *err)
{
	struct tjob		*t = (struct tjob *)job;
	enum notify_verdict	 v = notifier_default_verdict(NULL, r, err);

	if (v != NOTIFY_OK && t->first[0] == '\0')
		snprintf(t->first, sizeof(t->first), "%s", err->msg);
	return v;
}

static const struct notify_job_ops t_ops = { t_prepare, t_verdict, t_done };

/* Sends one notification to url under http; returns ok (err filled). */
static bool
send_tls(const char *url, const struct config_http *http, ad_dur_t deadline,
    struct ad_err *err)
{
	struct notify_opts	 o = { 0 };
	struct notify		*n;
	struct tjob		 t;
	bool			 ok;

	o.backoff.initial = 50 * AD_MS;
	o.backoff.max = 100 * AD_MS;
	o.backoff.multiplier = 1.5;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	memset(&t, 0, sizeof(t));
	notify_job_init(&t.job, &t_ops, "webhook", "tls", 0,
	    ad_now() + deadline);
	t.url = xstrdup(url);
	t.http = http;
	pthread_mutex_init(&t.mu, NULL);
	pthread_cond_init(&t.cv, NULL);
	ck_assert_int_eq(notify_submit(n, &t.job), 0);
	pthread_mutex_lock(&t.mu);
	while (!t.done)
		pthread_cond_wait(&t.cv, &t.mu);
	pthread_mutex_unlock(&t.mu);
	ok = t.res.ok;
	*err = t.err;
	if (t.first[0] != '\0')	/* later attempts may only time out */
		snprintf(err->msg, sizeof(err->msg), "%s", t.first);
	notify_free(n);
	free(t.url);
	pthread_mutex_destroy(&t.mu);
	pthread_cond_destroy(&t.cv);
	return ok;
}

static char	ca[] = TLSDIR "/ca.pem", cert[] = TLSDIR "/client.pem";
static char	key[] = TLSDIR "/client-key.pem", sn[] = "hooks.example";
static char	tls13[] = "TLS13";

START_TEST(verification)
{
	struct sink		 s;
	struct config_http	 h;
	struct ad_err		 err;
	char			*url, *line, *want;

	sink_start(&s, NULL, NULL);
	url = xasprintf("https://127.0.0.1:%d/hook", s.port);
	memset(&h, 0, sizeof(h));
	/* the system CAs do not know the test CA */
	ck_assert(!send_tls(url, &h, AD_SEC, &err));
	ck_assert_msg(strstr(err.msg, "SSL certificate problem") != NULL, "%s",
	    err.msg);
	/* the right CA, but the certificate is for hooks.example */
	h.tls.ca_file = ca;
	ck_assert(!send_tls(url, &h, AD_SEC, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "127.0.0.1"));
	/* server_name: SNI and verification as hooks.example, the
	 * connection to 127.0.0.1 and the Host header unchanged */
	h.tls.server_name = sn;
	ck_assert_msg(send_tls(url, &h, 5 * AD_SEC, &err), "%s", err.msg);
	line = sink_line(&s);
	want = xasprintf("sni=hooks.example host=127.0.0.1:%d client=-",
	    s.port);
	ck_assert_str_eq(line, want);
	free(line);
	free(want);
	/* insecure_skip_verify */
	memset(&h, 0, sizeof(h));
	h.tls.insecure_skip_verify = true;
	ck_assert_msg(send_tls(url, &h, 5 * AD_SEC, &err), "%s", err.msg);
	line = sink_line(&s);
	ck_assert_ptr_nonnull(strstr(line, "client=-"));
	free(line);
	sink_stop(&s);
	free(url);
}
END_TEST

START_TEST(client_certificate)
{
	struct sink		 s;
	struct config_http	 h;
	struct ad_err		 err;
	char			*url, *line;

	sink_start(&s, "require-client-cert", NULL);
	url = xasprintf("https://127.0.0.1:%d/", s.port);
	memset(&h, 0, sizeof(h));
	h.tls.ca_file = ca;
	h.tls.server_name = sn;
	ck_assert(!send_tls(url, &h, AD_SEC, &err));
	h.tls.cert_file = cert;
	h.tls.key_file = key;
	ck_assert_msg(send_tls(url, &h, 5 * AD_SEC, &err), "%s", err.msg);
	line = sink_line(&s);
	ck_assert_ptr_nonnull(strstr(line, "client=alertd-client"));
	free(line);
	sink_stop(&s);
	free(url);
}
END_TEST

START_TEST(min_version)
{
	struct sink		 s;
	struct config_http	 h;
	struct ad_err		 err;
	char			*url, *line;

	sink_start(&s, "max-tls12", NULL);
	url = xasprintf("https://127.0.0.1:%d/", s.port);
	memset(&h, 0, sizeof(h));
	h.tls.ca_file = ca;
	h.tls.server_name = sn;
	ck_assert_msg(send_tls(url, &h, 5 * AD_SEC, &err), "%s", err.msg);
	line = sink_line(&s);
	free(line);
	/* a server stuck at TLS 1.2 and min_version TLS13: no handshake */
	h.tls.min_version = tls13;
	ck_assert(!send_tls(url, &h, AD_SEC, &err));
	sink_stop(&s);
	free(url);
}
END_TEST

Suite *
notify_tls_suite(void)
{
	Suite	*s = suite_create("notify_tls");
	TCase	*tc = tcase_create("tls");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, verification);
	tcase_add_test(tc, client_certificate);
	tcase_add_test(tc, min_version);
	suite_add_tcase(s, tc);
	return s;
}
