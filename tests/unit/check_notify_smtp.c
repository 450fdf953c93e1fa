/*
 * notify's SMTP path (libcurl's SMTP on the notify thread) against a tiny
 * SMTP server: EHLO name from the URL, envelope, AUTH PLAIN, the message
 * as given, and a refused recipient retried as Alertmanager's email
 * notifier retries every SMTP error.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "notifiers/notify.h"

struct smtpd {
	int		 fd, port;
	pthread_t	 thread;
	bool		 refuse_rcpt;
	pthread_mutex_t	 mu;
	struct buf	 log;		/* every command, then DATA */
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
smtpd_session(struct smtpd *s, int c)
{
	char	line[1024];

	say(c, "220 smtp.test ESMTP\r\n");
	while (read_line(c, line, sizeof(line)) == 0) {
		pthread_mutex_lock(&s->mu);
		buf_addstr(&s->log, line);
		pthread_mutex_unlock(&s->mu);
		if (strncmp(line, "EHLO", 4) == 0) {
			say(c, "250-smtp.test\r\n250-AUTH PLAIN LOGIN\r\n"
			    "250 8BITMIME\r\n");
		} else if (strcmp(line, "AUTH PLAIN\r\n") == 0) {
			say(c, "334 \r\n");
			if (read_line(c, line, sizeof(line)) == -1)
				break;
			say(c, "235 2.7.0 ok\r\n");
		} else if (strncmp(line, "AUTH", 4) == 0) {
			say(c, "235 2.7.0 ok\r\n");
		} else if (strncmp(line, "RCPT", 4) == 0 && s->refuse_rcpt) {
			say(c, "550 5.1.1 no such user\r\n");
		} else if (strncmp(line, "DATA", 4) == 0) {
			say(c, "354 go ahead\r\n");
			while (read_line(c, line, sizeof(line)) == 0 &&
			    strcmp(line, ".\r\n") != 0) {
				pthread_mutex_lock(&s->mu);
				buf_addstr(&s->log, line);
				pthread_mutex_unlock(&s->mu);
			}
			pthread_mutex_lock(&s->mu);
			s->messages++;
			pthread_mutex_unlock(&s->mu);
			say(c, "250 2.0.0 queued\r\n");
		} else if (strncmp(line, "QUIT", 4) == 0) {
			say(c, "221 bye\r\n");
			break;
		} else {
			say(c, "250 ok\r\n");
		}
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
smtpd_start(struct smtpd *s)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
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

struct mjob {
	struct notify_job	 job;
	int			 port;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 done;
	struct notify_result	 res;
	struct ad_err		 err;
};

static enum notify_prep
m_prepare(struct notify_job *job, struct notify_req *req, struct ad_err *err)
{
	struct mjob	*m = (struct mjob *)job;

	(void)err;
	req->smtp = true;
	req->url = xasprintf("smtp://127.0.0.1:%d/alertd.example", m->port);
	req->mail_from = xstrdup("alertd@example.org");
	req->rcpt = xcalloc(2, sizeof(*req->rcpt));
	req->rcpt[req->n_rcpt++] = xstrdup("ops@example.org");
	req->rcpt[req->n_rcpt++] = xstrdup("dev@example.org");
	req->smtp_user = xstrdup("user");
	req->smtp_password = xstrdup("pw");
	req->smtp_auth = xstrdup("PLAIN");
	buf_addstr(&req->body, "Subject: [FIRING:1] x\r\nTo: ops@example.org"
	    "\r\n\r\nbody line\r\n");
	return NOTIFY_PREP_SEND;
}

static void
m_done(struct notify_job *job, const struct notify_result *res)
{
	struct mjob	*m = (struct mjob *)job;

	pthread_mutex_lock(&m->mu);
	m->res = *res;
	if (res->err != NULL)
		m->err = *res->err;
	m->res.err = NULL;
	m->done = true;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

static const struct notify_job_ops m_ops = { m_prepare, NULL, m_done };

static void
send_mail(struct mjob *m, int port, ad_dur_t deadline)
{
	struct notify_opts	 o = { 0 };
	struct notify		*n;

	o.backoff.initial = 20 * AD_MS;
	o.backoff.max = 50 * AD_MS;
	o.backoff.multiplier = 1.5;
	n = notify_new(&o);
	ck_assert_int_eq(notify_start(n, NULL), 0);
	memset(m, 0, sizeof(*m));
	notify_job_init(&m->job, &m_ops, "email", "team", 0,
	    ad_now() + deadline);
	m->port = port;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	notify_submit(n, &m->job);
	pthread_mutex_lock(&m->mu);
	while (!m->done)
		pthread_cond_wait(&m->cv, &m->mu);
	pthread_mutex_unlock(&m->mu);
	notify_free(n);
}

START_TEST(smtp_delivery)
{
	struct smtpd	 s;
	struct mjob	 m;
	const char	*log;

	memset(&s, 0, sizeof(s));
	smtpd_start(&s);
	send_mail(&m, s.port, 5 * AD_SEC);
	ck_assert_msg(m.res.ok, "%s", m.err.msg);
	ck_assert_int_eq(m.res.attempts, 1);
	pthread_mutex_lock(&s.mu);
	log = buf_str(&s.log);
	ck_assert_int_eq(s.messages, 1);
	ck_assert_ptr_nonnull(strstr(log, "EHLO alertd.example\r\n"));
	/* base64("\0user\0pw") */
	ck_assert_ptr_nonnull(strstr(log, "AUTH PLAIN AHVzZXIAcHc=\r\n"));
	ck_assert_ptr_nonnull(strstr(log, "MAIL FROM:<alertd@example.org>"));
	ck_assert_ptr_nonnull(strstr(log, "RCPT TO:<ops@example.org>\r\n"
	    "RCPT TO:<dev@example.org>\r\nDATA\r\n"
	    "Subject: [FIRING:1] x\r\nTo: ops@example.org\r\n\r\n"
	    "body line\r\n"));
	pthread_mutex_unlock(&s.mu);
	smtpd_stop(&s);
}
END_TEST

START_TEST(smtp_refused_recipient_is_retried)
{
	struct smtpd	 s;
	struct mjob	 m;

	memset(&s, 0, sizeof(s));
	s.refuse_rcpt = true;
	smtpd_start(&s);
	send_mail(&m, s.port, 300 * AD_MS);
	ck_assert(!m.res.ok);
	ck_assert_int_ge(m.res.attempts, 2);
	ck_assert_int_eq(s.messages, 0);
	ck_assert_ptr_nonnull(strstr(m.err.msg, "send \"smtp://127.0.0.1:"));
	smtpd_stop(&s);
}
END_TEST

Suite *
notify_smtp_suite(void)
{
	Suite	*s = suite_create("notify_smtp");
	TCase	*tc = tcase_create("smtp");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, smtp_delivery);
	tcase_add_test(tc, smtp_refused_recipient_is_retried);
	suite_add_tcase(s, tc);
	return s;
}
