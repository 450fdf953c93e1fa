/*
 * Migration from a live Alertmanager: runs Debian's prometheus-alertmanager
 * 0.25 on a free loopback port with a temporary --storage.path, creates
 * silences over its API (and expires one), reads its GET answer, stops it
 * with SIGTERM (which writes its `silences` snapshot), then imports that
 * snapshot into a silence store backed by alertd's own files, restarts the
 * store from those files, and compares both with Alertmanager's answer.
 */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "silences/silence_file.h"
#include "silences/silence_store.h"

size_t	silence_cmp_am_json(struct silence_store *ss, const char *json,
	    ad_time_t now);

static int
free_port(void)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET };
	socklen_t		len = sizeof(sa);
	int			fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static size_t
collect(char *p, size_t sz, size_t n, void *arg)
{
	buf_add(arg, p, sz * n);
	return sz * n;
}

/* Returns the HTTP status (0: no connection); the body goes to out. */
static long
http(const char *method, const char *url, const char *body, struct buf *out)
{
	CURL			*c = curl_easy_init();
	struct curl_slist	*h = NULL;
	long			 code = 0;

	buf_reset(out);
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

static pid_t
start_am(const char *dir, int port)
{
	char	cfg[512], listen[64];
	FILE	*f;
	pid_t	 pid;
	int	 fd;

	snprintf(cfg, sizeof(cfg), "%s/am.yml", dir);
	f = fopen(cfg, "w");
	ck_assert_ptr_nonnull(f);
	fputs("route:\n  receiver: 'null'\nreceivers:\n- name: 'null'\n", f);
	fclose(f);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		dup2(fd, 2);
		execlp("prometheus-alertmanager", "prometheus-alertmanager",
		    "--config.file", cfg, "--storage.path", dir,
		    "--web.listen-address", listen, "--cluster.listen-address=",
		    (char *)NULL);
		_exit(127);
	}
	return pid;
}

static const char *const bodies[] = {
	"{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Disk\",\"isRegex\""
	":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":"
	"\"2035-01-01T00:00:00Z\",\"createdBy\":\"ops\",\"comment\":\"m\"}",
	"{\"matchers\":[{\"name\":\"job\",\"value\":\"api\",\"isRegex\":false,"
	"\"isEqual\":false},{\"name\":\"i\",\"value\":\"10\\\\..*\",\"isRegex\""
	":true}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":"
	"\"2035-06-01T12:30:00.250Z\",\"createdBy\":\"s\",\"comment\":"
	"\"h\\u00e9llo\"}",
	"{\"matchers\":[{\"name\":\"severity\",\"value\":\"info|debug\","
	"\"isRegex\":true,\"isEqual\":false},{\"name\":\"team\",\"value\":"
	"\"db\",\"isRegex\":false}],\"startsAt\":\"2034-01-01T00:00:00Z\","
	"\"endsAt\":\"2034-02-01T00:00:00Z\",\"createdBy\":\"me\","
	"\"comment\":\"pending\"}",
};

START_TEST(import_live_alertmanager_snapshot)
{
	char			 tmpl[] = "/tmp/silence-am-XXXXXX", url[256];
	char			 path[512], cmd[600], *dir;
	struct buf		 b, got;
	struct silence_store_opts o = { .retention = 120 * AD_HOUR,
	    .state = &silence_file_ops };
	struct silence_store	*ss;
	struct silence_file	*sf;
	struct ad_err		 e;
	int			 port, i, status;
	pid_t			 pid;
	ad_time_t		 now;

	dir = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(dir);
	port = free_port();
	pid = start_am(dir, port);
	buf_init(&b, BUF_NOCAP);
	buf_init(&got, BUF_NOCAP);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v2/status", port);
	for (i = 0; i < 100 && http("GET", url, NULL, &b) != 200; i++)
		usleep(100000);
	ck_assert_msg(i < 100, "prometheus-alertmanager did not start");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v2/silences",
	    port);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(http("POST", url, bodies[i], &b), 200);
	/* Expire the first one (its ID is in the reply). */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v2/silence/%.36s",
	    port, strstr(buf_str(&b), "\":\"") + 3);
	ck_assert_int_eq(http("DELETE", url, NULL, &b), 200);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v2/silences",
	    port);
	ck_assert_int_eq(http("GET", url, NULL, &got), 200);
	now = ad_now();
	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);

	/* Import into alertd's own files, then restart from them. */
	snprintf(path, sizeof(path), "%s/silences", dir);
	sf = silence_file_open(dir, &e);
	ck_assert_ptr_nonnull(sf);
	o.state_arg = sf;
	ss = silence_store_new(&o);
	ck_assert_int_eq(silence_store_load(ss, now, &e), 0);
	ck_assert(silence_file_was_empty(sf));
	ck_assert_int_eq(silence_store_import_am(ss, path, now, &e), 3);
	ck_assert_uint_eq(silence_cmp_am_json(ss, buf_str(&got), now), 3);
	silence_store_free(ss);
	silence_file_close(sf);
	sf = silence_file_open(dir, &e);
	o.state_arg = sf;
	ss = silence_store_new(&o);
	ck_assert_int_eq(silence_store_load(ss, now, &e), 0);
	ck_assert(!silence_file_was_empty(sf));
	ck_assert_uint_eq(silence_cmp_am_json(ss, buf_str(&got), now), 3);
	silence_store_free(ss);
	silence_file_close(sf);

	buf_release(&b);
	buf_release(&got);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *
silence_am_suite(void)
{
	Suite	*s = suite_create("silence_am");
	TCase	*tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, import_live_alertmanager_snapshot);
	suite_add_tcase(s, tc);
	return s;
}
