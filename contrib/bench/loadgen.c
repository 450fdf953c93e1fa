/*
 * loadgen: the benchmark's HTTP load generator (make bench).
 *
 * Keeps C connections open to one 127.0.0.1 server and sends prepared
 * requests over them with HTTP/1.1 keep-alive, one request in flight per
 * connection, driven by epoll on one thread.  Bodies are built before the
 * clock starts, so the generator spends its time on the sockets only; it
 * reports its own CPU time so a run can show it was not the bottleneck.
 *
 *   loadgen alerts ADDR BATCH CONNS TOTAL [SEED [ROUNDS]]
 *	POST /api/v2/alerts: TOTAL distinct alerts (8 labels, 2
 *	annotations) in batches of BATCH, sent ROUNDS times (re-sends of
 *	the same alerts, as Prometheus does every evaluation).
 *   loadgen get ADDR PATH CONNS COUNT
 *	GET PATH COUNT times.
 *   loadgen silences ADDR CONNS COUNT [REGEX]
 *	POST /api/v2/silences: COUNT silences on distinct instances.
 *
 * Output: one line of JSON: requests, items, seconds, items_per_s,
 * p50_ms, p99_ms, max_ms, errors, gen_cpu_s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct req {
	char	*data;
	size_t	 len;
	int	 items;
};

struct conn {
	int	 fd;
	size_t	 req;		/* index of the request in flight */
	size_t	 sent;
	char	*in;
	size_t	 in_len, in_alloc;
	double	 t0;
	int	 busy;
};

static struct req	*reqs;
static size_t		 n_reqs, next_req;
static double		*lat;
static size_t		 n_lat;
static long		 errors, items_done;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
xm(size_t n)
{
	void	*p = malloc(n);

	if (p == NULL) {
		perror("malloc");
		exit(1);
	}
	return p;
}

static void
add_req(const char *method, const char *host, const char *path,
    const char *body, size_t blen, int items)
{
	struct req	*r;
	char		 head[512];
	int		 hl;

	if (n_reqs % 1024 == 0) {
		reqs = realloc(reqs, (n_reqs + 1024) * sizeof(*reqs));
		if (reqs == NULL)
			exit(1);
	}
	hl = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "Content-Type: application/json\r\nAccept: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", method, path, host, blen);
	r = &reqs[n_reqs++];
	r->len = (size_t)hl + blen;
	r->data = xm(r->len);
	memcpy(r->data, head, (size_t)hl);
	if (blen > 0)
		memcpy(r->data + hl, body, blen);
	r->items = items;
}

static void
build_alerts(const char *host, int batch, long total, long seed, int rounds)
{
	static const char *const sev[] = { "critical", "warning", "info" };
	char	*body;
	size_t	 cap = (size_t)batch * 700 + 16, len;
	long	 i, start;
	int	 r, k;

	body = xm(cap);
	for (r = 0; r < rounds; r++)
		for (start = 0; start < total; start += batch) {
			len = 0;
			body[len++] = '[';
			for (i = start; i < start + batch && i < total; i++) {
				long	id = seed + i;

				k = snprintf(body + len, cap - len,
				    "%s{\"labels\":{\"alertname\":\"Bench%ld\","
				    "\"job\":\"node\",\"instance\":\"host-%ld:9100\","
				    "\"severity\":\"%s\",\"team\":\"team-%ld\","
				    "\"env\":\"prod\",\"region\":\"eu-%ld\","
				    "\"service\":\"svc-%ld\"},\"annotations\":{"
				    "\"summary\":\"Instance host-%ld is down\","
				    "\"description\":\"host-%ld of job node has "
				    "been down for more than 5 minutes.\"},"
				    "\"generatorURL\":\"http://prometheus:9090/"
				    "graph?g0.expr=up\"}",
				    i > start ? "," : "", id % 50, id,
				    sev[id % 3], id % 20, id % 4, id % 200,
				    id, id);
				len += (size_t)k;
			}
			body[len++] = ']';
			add_req("POST", host, "/api/v2/alerts", body, len,
			    (int)(i - start));
		}
	free(body);
}

static void
build_silences(const char *host, long count, int regex)
{
	char	body[1024];
	long	i;
	int	n;

	for (i = 0; i < count; i++) {
		n = snprintf(body, sizeof(body), "{\"matchers\":[{\"name\":"
		    "\"instance\",\"value\":\"%s%ld:9100\",\"isRegex\":%s,"
		    "\"isEqual\":true},{\"name\":\"alertname\",\"value\":"
		    "\"Silenced%ld\",\"isRegex\":false,\"isEqual\":true}],"
		    "\"startsAt\":\"2020-01-01T00:00:00Z\",\"endsAt\":"
		    "\"2099-01-01T00:00:00Z\",\"createdBy\":\"bench\","
		    "\"comment\":\"bench\"}", regex ? "silenced-host-(a|b)-" :
		    "silenced-host-", i, regex ? "true" : "false", i);
		add_req("POST", host, "/api/v2/silences", body, (size_t)n, 1);
	}
}

static int
conn_open(const char *ip, int port)
{
	struct sockaddr_in	sa;
	int			fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns 1 when a whole response is in c->in, 0 if more is needed. */
static int
response_done(struct conn *c, int *status)
{
	char	*end, *cl, *te;
	size_t	 hlen, blen;

	if (c->in_len < 12)
		return 0;
	c->in[c->in_len] = '\0';
	end = strstr(c->in, "\r\n\r\n");
	if (end == NULL)
		return 0;
	hlen = (size_t)(end - c->in) + 4;
	*status = atoi(c->in + 9);
	cl = strcasestr(c->in, "\r\ncontent-length:");
	te = strcasestr(c->in, "\r\ntransfer-encoding: chunked");
	if (cl != NULL && cl < end) {
		blen = strtoul(cl + 17, NULL, 10);
		return c->in_len >= hlen + blen;
	}
	if (te != NULL && te < end)
		return c->in_len >= 5 &&
		    memcmp(c->in + c->in_len - 5, "0\r\n\r\n", 5) == 0;
	return 1;
}

static void
conn_send_next(struct conn *c, int ep)
{
	struct epoll_event	ev;

	if (next_req >= n_reqs) {
		c->busy = 0;
		return;
	}
	c->req = next_req++;
	c->sent = 0;
	c->in_len = 0;
	c->busy = 1;
	c->t0 = now_s();
	ev.events = EPOLLOUT | EPOLLIN;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int
dcmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
run(const char *ip, int port, int nconns)
{
	struct epoll_event	 ev, evs[64];
	struct conn		*conns;
	struct rusage		 ru0, ru1;
	double			 t0, t1;
	int			 ep, i, n, active, status;

	ep = epoll_create1(EPOLL_CLOEXEC);
	conns = calloc((size_t)nconns, sizeof(*conns));
	lat = xm((n_reqs + 1) * sizeof(*lat));
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_s();
	for (i = 0; i < nconns; i++) {
		conns[i].fd = conn_open(ip, port);
		if (conns[i].fd == -1) {
			perror("connect");
			return 1;
		}
		conns[i].in_alloc = 1 << 16;
		conns[i].in = xm(conns[i].in_alloc + 1);
		ev.events = EPOLLOUT;
		ev.data.ptr = &conns[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
		conn_send_next(&conns[i], ep);
	}
	for (;;) {
		active = 0;
		for (i = 0; i < nconns; i++)
			active += conns[i].busy;
		if (active == 0)
			break;
		n = epoll_wait(ep, evs, 64, 10000);
		if (n <= 0) {
			fprintf(stderr, "loadgen: timeout\n");
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct conn	*c = evs[i].data.ptr;
			struct req	*r = &reqs[c->req];
			ssize_t		 k;

			if (!c->busy)
				continue;
			if (c->sent < r->len) {
				k = write(c->fd, r->data + c->sent,
				    r->len - c->sent);
				if (k > 0)
					c->sent += (size_t)k;
				if (c->sent == r->len) {
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				}
				continue;
			}
			for (;;) {
				if (c->in_len + 65536 > c->in_alloc) {
					c->in_alloc *= 2;
					c->in = realloc(c->in, c->in_alloc + 1);
				}
				k = read(c->fd, c->in + c->in_len,
				    c->in_alloc - c->in_len);
				if (k <= 0)
					break;
				c->in_len += (size_t)k;
			}
			if (k == 0) {
				fprintf(stderr, "loadgen: server closed\n");
				return 1;
			}
			if (!response_done(c, &status))
				continue;
			lat[n_lat++] = now_s() - c->t0;
			if (status < 200 || status > 299) {
				if (errors++ < 3)
					fprintf(stderr, "loadgen: status %d: "
					    "%.200s\n", status, c->in);
			} else
				items_done += r->items;
			conn_send_next(c, ep);
		}
	}
	t1 = now_s();
	getrusage(RUSAGE_SELF, &ru1);
	qsort(lat, n_lat, sizeof(*lat), dcmp);
	printf("{\"requests\":%zu,\"items\":%ld,\"seconds\":%.6f,"
	    "\"items_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
	    "\"max_ms\":%.3f,\"errors\":%ld,\"gen_cpu_s\":%.3f}\n",
	    n_lat, items_done, t1 - t0, (double)items_done / (t1 - t0),
	    n_lat ? lat[n_lat / 2] * 1e3 : 0,
	    n_lat ? lat[n_lat * 99 / 100] * 1e3 : 0,
	    n_lat ? lat[n_lat - 1] * 1e3 : 0, errors,
	    (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
	    ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
	    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6);
	return errors > 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen alerts ADDR BATCH CONNS TOTAL "
	    "[SEED [ROUNDS]]\n       loadgen get ADDR PATH CONNS COUNT\n"
	    "       loadgen silences ADDR CONNS COUNT [REGEX]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char	ip[64], *colon;
	int	port, conns;
	long	i;

	if (argc < 3)
		usage();
	snprintf(ip, sizeof(ip), "%s", argv[2]);
	colon = strrchr(ip, ':');
	if (colon == NULL)
		usage();
	*colon = '\0';
	port = atoi(colon + 1);
	if (strcmp(argv[1], "alerts") == 0 && argc >= 6) {
		conns = atoi(argv[4]);
		build_alerts(argv[2], atoi(argv[3]), atol(argv[5]),
		    argc > 6 ? atol(argv[6]) : 0, argc > 7 ? atoi(argv[7]) : 1);
	} else if (strcmp(argv[1], "get") == 0 && argc == 6) {
		conns = atoi(argv[4]);
		for (i = 0; i < atol(argv[5]); i++)
			add_req("GET", argv[2], argv[3], NULL, 0, 1);
	} else if (strcmp(argv[1], "silences") == 0 && argc >= 5) {
		conns = atoi(argv[3]);
		build_silences(argv[2], atol(argv[4]),
		    argc > 5 && strcmp(argv[5], "regex") == 0);
	} else
		usage();
	if (conns < 1)
		conns = 1;
	return run(ip, port, conns);
}
