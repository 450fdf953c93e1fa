/*
 * notify_bench: webhook notifications per second through the whole
 * notification pipeline (pipeline_submit -> dedup against the nflog ->
 * webhook payload -> the notify thread's curl multi -> a sink -> the
 * nflog entry written and fdatasync'ed -> done), as the dispatcher drives
 * it: every flush is a distinct group with one alert (8 labels, 2
 * annotations), at most WINDOW flushes in flight.  Not a test.
 *
 * The sink is a forked epoll HTTP/1.1 keep-alive server answering 200 to
 * every request, so the numbers are the pipeline's, not a Python
 * server's.
 *
 *	make && cc -O2 -I. -D_GNU_SOURCE -pthread contrib/bench/notify_bench.c \
 *	    build/libalertd.a $(pkg-config --libs libmicrohttpd libcurl \
 *	    jansson yaml-0.1 libpcre2-8 libpcre2-32) -lcrypt -lm -o /tmp/nb
 *	/tmp/nb TOTAL WINDOW /path/on/the/disk/to/measure
 *
 * Output: one line of JSON: notifications, seconds, per_s, p50_ms,
 * p99_ms, sink_requests, cpu_s (this process), sink_cpu_s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nflog.h"
#include "notifiers/notify.h"
#include "notifiers/pipeline.h"
#include "routing/labels.h"

/* ---------------------------------------------------------------- sink --- */

struct conn {
	int	 fd;
	char	 buf[65536];
	size_t	 len;
};

static void
sink_serve(int lfd, int report)
{
	int			 ep = epoll_create1(0), n, i;
	struct epoll_event	 ev, evs[256];
	static const char	 ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	unsigned long		 reqs = 0, conns = 0;
	int64_t			 first = 0, last = 0;

	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.ptr = &reqs;
	ev.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_ADD, report, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 256, -1);
		for (i = 0; i < n; i++) {
			struct conn	*c = evs[i].data.ptr;
			ssize_t		 got;
			char		*end, *cl;
			size_t		 hl, bl;

			if (c == (void *)&reqs) {
				char	line[128];
				int	len;

				if (report == 0) {	/* standalone */
					len = snprintf(line, sizeof(line),
					    "{\"requests\":%lu,\"connections\":"
					    "%lu,\"seconds\":%.3f}\n", reqs, conns,
					    (double)(last - first) / AD_SEC);
					if (write(1, line, (size_t)len) < 0)
						_exit(1);
					_exit(0);
				}
				if (write(report, &reqs, sizeof(reqs)) < 0 ||
				    write(report, &conns, sizeof(conns)) < 0)
					_exit(1);
				_exit(0);
			}
			if (c == NULL) {
				int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);

				if (fd == -1)
					continue;
				conns++;
				c = calloc(1, sizeof(*c));
				c->fd = fd;
				ev.events = EPOLLIN;
				ev.data.ptr = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				continue;
			}
			got = read(c->fd, c->buf + c->len,
			    sizeof(c->buf) - c->len - 1);
			if (got <= 0) {
				close(c->fd);
				free(c);
				continue;
			}
			c->len += (size_t)got;
			c->buf[c->len] = '\0';
			for (;;) {
				end = strstr(c->buf, "\r\n\r\n");
				if (end == NULL)
					break;
				hl = (size_t)(end - c->buf) + 4;
				cl = strcasestr(c->buf, "\r\nContent-Length:");
				bl = cl != NULL && cl < end ?
				    strtoul(cl + 17, NULL, 10) : 0;
				if (c->len < hl + bl)
					break;
				memmove(c->buf, c->buf + hl + bl,
				    c->len - hl - bl + 1);
				c->len -= hl + bl;
				if (reqs++ == 0)
					first = ad_mono();
				last = ad_mono();
				if (write(c->fd, ok, sizeof(ok) - 1) < 0)
					break;
			}
		}
	}
}

static int
sink_listen(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);
	int			lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 4096) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) == -1)
		abort();
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	*port = ntohs(sin.sin_port);
	return lfd;
}

static pid_t
sink_start(int *port, int *report)
{
	int	lfd = sink_listen(port), sp[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		abort();
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		sink_serve(lfd, sp[1]);
	}
	close(lfd);
	close(sp[1]);
	*report = sp[0];
	return pid;
}

/* -------------------------------------------------------------- driver --- */

static pthread_mutex_t	mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	cv = PTHREAD_COND_INITIALIZER;
static size_t		inflight, done_n, failed_n;
static int64_t		*lat;

struct slot {
	size_t	i;
	int64_t	t0;
};

static void
on_done(void *arg, bool ok)
{
	struct slot	*s = arg;

	lat[s->i] = ad_mono() - s->t0;
	free(s);
	pthread_mutex_lock(&mu);
	inflight--;
	done_n++;
	if (!ok)
		failed_n++;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static struct alert *
mk_alert(size_t i, ad_time_t now)
{
	struct labels_builder	b;
	struct labels		*ls, *an;
	char			v[32];

	snprintf(v, sizeof(v), "host-%zu:9100", i);
	labels_builder_init(&b);
	labels_builder_adds(&b, "alertname", "HighCPU");
	labels_builder_adds(&b, "instance", v);
	labels_builder_adds(&b, "job", "node");
	labels_builder_adds(&b, "severity", "warning");
	labels_builder_adds(&b, "team", "infra");
	labels_builder_adds(&b, "cluster", "eu-1");
	labels_builder_adds(&b, "env", "prod");
	labels_builder_adds(&b, "region", "eu-west");
	ls = labels_builder_finish(&b);
	labels_builder_adds(&b, "summary", "CPU usage above 90% for 5m");
	labels_builder_adds(&b, "runbook", "https://runbooks.example/cpu");
	an = labels_builder_finish(&b);
	labels_builder_release(&b);
	return alert_new(ls, an, "http://prometheus.example/graph?g0.expr=x",
	    now - 60 * AD_SEC, AD_TIME_ZERO, now, false);
}

static double
cpu_s(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	size_t			 total, window, i;
	int			 port, report, status;
	pid_t			 sink;
	char			*yml;
	struct ad_errs		 errs;
	struct config		*cfg;
	struct notify		*n;
	struct nflog		*nf;
	struct nflog_opts	 lo = { 0 };
	struct pipeline_opts	 po = { 0 };
	struct pipeline		*p;
	struct labels_builder	 lb;
	int64_t			 t0, el;
	double			 c0;
	unsigned long		 sink_reqs = 0, sink_conns = 0;
	struct rusage		 ru;
	struct notify_flush	**flushes;

	if (argc == 2 && strcmp(argv[1], "sink") == 0) {
		/* the sink alone (to measure Alertmanager): prints its port,
		 * serves until stdin closes, prints what it received */
		int lfd = sink_listen(&port);

		printf("%d\n", port);
		fflush(stdout);
		sink_serve(lfd, 0);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: notify_bench TOTAL WINDOW DIR|-\n"
		    "       notify_bench sink\n");
		return 2;
	}
	total = strtoul(argv[1], NULL, 10);
	window = strtoul(argv[2], NULL, 10);
	log_init(LOG_WARN, LOG_LOGFMT);
	sink = sink_start(&port, &report);
	yml = xasprintf("route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  webhook_configs:\n  - url: http://127.0.0.1:%d/hook\n", port);
	ad_errs_init(&errs);
	cfg = config_load_bytes("bench.yml", yml, strlen(yml), ".", NULL, &errs,
	    NULL);
	if (cfg == NULL)
		fatalx("config: %s", errs.v[0].msg);
	n = notify_new(NULL);
	if (notify_start(n, NULL) == -1)
		fatalx("notify_start");
	lo.dir = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	nf = nflog_open(&lo, NULL);
	if (nf == NULL)
		fatalx("nflog_open");
	po.notify = n;
	po.nflog = nf;
	po.external_url = "http://alertd.example:9093";
	p = pipeline_new(&po);
	lat = xcalloc(total, sizeof(*lat));
	labels_builder_init(&lb);

	/* the flushes are built before the clock starts, as the
	 * dispatcher builds them: the run measures the pipeline */
	flushes = xcalloc(total, sizeof(*flushes));
	for (i = 0; i < total; i++) {
		struct notify_flush	*f = notify_flush_new();
		struct slot		*s = xmalloc(sizeof(*s));
		ad_time_t		 now = ad_now();

		f->cfg = config_ref(cfg);
		f->receiver = "r";
		f->alerts = xmalloc(sizeof(*f->alerts));
		f->alerts[0] = mk_alert(i, now);
		f->n_alerts = 1;
		f->group_key = xasprintf("{}:{instance=\"host-%zu:9100\"}", i);
		labels_builder_adds(&lb, "instance", labels_get(
		    f->alerts[0]->labels, "instance"));
		f->group_labels = labels_builder_finish(&lb);
		f->repeat_interval = 4 * AD_HOUR;
		f->now = now;
		f->deadline = now + 5 * AD_MIN;
		f->done = on_done;
		s->i = i;
		f->arg = s;
		flushes[i] = f;
	}
	c0 = cpu_s();
	t0 = ad_mono();
	for (i = 0; i < total; i++) {
		struct slot	*s = flushes[i]->arg;

		pthread_mutex_lock(&mu);
		while (inflight >= window)
			pthread_cond_wait(&cv, &mu);
		inflight++;
		pthread_mutex_unlock(&mu);
		s->t0 = ad_mono();
		pipeline_submit(p, flushes[i]);
	}
	pthread_mutex_lock(&mu);
	while (done_n < total)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	el = ad_mono() - t0;
	c0 = cpu_s() - c0;

	if (write(report, "x", 1) != 1 ||
	    read(report, &sink_reqs, sizeof(sink_reqs)) != sizeof(sink_reqs) ||
	    read(report, &sink_conns, sizeof(sink_conns)) != sizeof(sink_conns))
		sink_reqs = 0;
	wait4(sink, &status, 0, &ru);
	qsort(lat, total, sizeof(*lat), cmp64);
	printf("{\"notifications\":%zu,\"failed\":%zu,\"seconds\":%.3f,"
	    "\"per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
	    "\"sink_requests\":%lu,\"sink_connections\":%lu,"
	    "\"cpu_s\":%.2f,\"sink_cpu_s\":%.2f,"
	    "\"nflog_entries\":%zu}\n", total, failed_n, (double)el / AD_SEC,
	    (double)total / ((double)el / AD_SEC),
	    (double)lat[total / 2] / AD_MS, (double)lat[total * 99 / 100] /
	    AD_MS, sink_reqs, sink_conns, c0, (double)ru.ru_utime.tv_sec +
	    ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6, nflog_count(nf));
	notify_stop(n);
	nflog_close(nf);
	pipeline_free(p);
	notify_free(n);
	config_unref(cfg);
	labels_builder_release(&lb);
	ad_errs_release(&errs);
	free(yml);
	free(lat);
	free(flushes);
	return 0;
}
