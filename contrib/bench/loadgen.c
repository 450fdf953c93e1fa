/*
 * loadgen: the benchmark's HTTP load generator and webhook sink (make bench).
 *
 * Keeps C connections open to one 127.0.0.1 server and sends prepared
 * requests over them with HTTP/1.1 keep-alive, one request in flight per
 * connection, driven by epoll on one thread.  Bodies are built before the
 * clock starts, so the generator spends its time on the sockets only; it
 * reports its own CPU time so a run can show it was not the bottleneck.
 * Responses are parsed incrementally (Content-Length or chunked), so a
 * 100 MB answer costs one pass.
 *
 *   loadgen alerts ADDR BATCH CONNS TOTAL [SEED [ROUNDS]]
 *	POST /api/v2/alerts: TOTAL distinct alerts (8 labels, 2
 *	annotations) numbered from SEED, in batches of BATCH, sent ROUNDS
 *	times (re-sends of the same alerts, as Prometheus does every
 *	evaluation).
 *   loadgen get ADDR PATH CONNS COUNT [NEEDLE]
 *	GET PATH COUNT times; with NEEDLE, "matches" is how many times it
 *	occurs in one (de-chunked) response body, on average.
 *   loadgen silences ADDR CONNS COUNT [regex|plain [SEED]]
 *	POST /api/v2/silences: COUNT silences on distinct instances that
 *	match no benchmark alert (so every alert is checked against all).
 *   loadgen port
 *	Print a free 127.0.0.1 TCP port.
 *   loadgen ready ADDR TIMEOUT_S [PID]
 *	Poll GET /-/ready until it answers 200; exit 1 on timeout, or as
 *	soon as process PID has exited.
 *   loadgen startup ADDR TIMEOUT_S CMD [ARG...]
 *	Run CMD, time it until GET /-/ready answers 200, then SIGTERM it
 *	and wait for it to exit.
 *   loadgen sink PORT EXPECT
 *	Webhook receiver on 127.0.0.1:PORT answering 200 to every POST
 *	(and 100 Continue when asked).  Prints one JSON line when EXPECT
 *	requests have arrived and another on SIGTERM: requests, alerts (in
 *	the payloads), bytes, conns (accepted), first and last (wall clock
 *	of the first and last request), sink_cpu_s.
 *
 * Output: one line of JSON per run: requests, items, seconds,
 * items_per_s, p50_ms, p99_ms, max_ms, errors, gen_cpu_s, t0, t1 (wall
 * clock, seconds since the epoch), resp_bytes, matches.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IO_CHUNK	65536

struct req {
	char	*data;
	size_t	 len;
	int	 items;
};

/*
 * One HTTP message being received.  hdr_len is 0 until the header is
 * complete; then either body_len is known (Content-Length) or chunked is
 * set and chunk_pos is where the next chunk-size line starts.
 */
struct msg {
	char	*in;
	size_t	 len, alloc;
	size_t	 scan;		/* header search resumes here */
	size_t	 hdr_len, body_len, chunk_pos, end;
	int	 chunked, status, expect100, close;
};

struct conn {
	int		fd;
	size_t		req;		/* index of the request in flight */
	size_t		sent;
	struct msg	m;
	double		t0;
	int		busy;
};

static struct req	*reqs;
static size_t		 n_reqs, next_req;
static double		*lat;
static size_t		 n_lat;
static long		 errors, items_done;
static long long	 resp_bytes, matches;
static const char	*needle;
static char		 srv_ip[64];
static int		 srv_port;
static volatile sig_atomic_t stop;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wall_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void *
xm(size_t n)
{
	void	*p = malloc(n);

	if (p == NULL) {
		perror("loadgen: malloc");
		exit(1);
	}
	return p;
}

static void *
xr(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL) {
		perror("loadgen: realloc");
		exit(1);
	}
	return p;
}

static long
num(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0) {
		fprintf(stderr, "loadgen: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* ------------------------------------------------------- requests -- */

static void
add_req(const char *method, const char *path, const char *body, size_t blen,
    int items)
{
	struct req	*r;
	char		 head[512];
	int		 hl;

	if (n_reqs % 1024 == 0)
		reqs = xr(reqs, (n_reqs + 1024) * sizeof(*reqs));
	hl = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\n"
	    "Host: %s:%d\r\nUser-Agent: alertd-loadgen\r\n"
	    "Content-Type: application/json\r\nAccept: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", method, path, srv_ip, srv_port,
	    blen);
	r = &reqs[n_reqs++];
	r->len = (size_t)hl + blen;
	r->data = xm(r->len);
	memcpy(r->data, head, (size_t)hl);
	if (blen > 0)
		memcpy(r->data + hl, body, blen);
	r->items = items;
}

/*
 * Alert id: 8 labels whose values repeat across alerts the way a real
 * fleet's do (50 alert names, 3 severities, 20 teams, 4 regions, 200
 * services) plus one unique instance, and 2 annotations.
 */
static size_t
put_alert(char *p, size_t cap, long id)
{
	static const char *const sev[] = { "critical", "warning", "info" };
	int	k;

	k = snprintf(p, cap, "{\"labels\":{\"alertname\":\"Bench%ld\","
	    "\"job\":\"node\",\"instance\":\"host-%ld:9100\","
	    "\"severity\":\"%s\",\"team\":\"team-%ld\",\"env\":\"prod\","
	    "\"region\":\"eu-%ld\",\"service\":\"svc-%ld\"},"
	    "\"annotations\":{\"summary\":\"Instance host-%ld is down\","
	    "\"description\":\"host-%ld of job node has been down for more "
	    "than 5 minutes.\"},\"generatorURL\":\"http://prometheus:9090/"
	    "graph?g0.expr=up%%3D%%3D0&g0.tab=1\"}", id % 50, id, sev[id % 3],
	    id % 20, id % 4, id % 200, id, id);
	return (size_t)k;
}

static void
build_alerts(int batch, long total, long seed, long rounds)
{
	char	*body;
	size_t	 cap = (size_t)batch * 800 + 16, len;
	long	 i, start, r;

	body = xm(cap);
	for (r = 0; r < rounds; r++)
		for (start = 0; start < total; start += batch) {
			len = 0;
			body[len++] = '[';
			for (i = start; i < start + batch && i < total; i++) {
				if (i > start)
					body[len++] = ',';
				len += put_alert(body + len, cap - len,
				    seed + i);
			}
			body[len++] = ']';
			add_req("POST", "/api/v2/alerts", body, len,
			    (int)(i - start));
		}
	free(body);
}

static void
build_silences(long count, int regex, long seed)
{
	char	body[1024];
	long	i;
	int	n;

	for (i = seed; i < seed + count; i++) {
		n = snprintf(body, sizeof(body), "{\"matchers\":[{\"name\":"
		    "\"instance\",\"value\":\"%s%ld:9100\",\"isRegex\":%s,"
		    "\"isEqual\":true},{\"name\":\"alertname\",\"value\":"
		    "\"Silenced%ld\",\"isRegex\":false,\"isEqual\":true}],"
		    "\"startsAt\":\"2020-01-01T00:00:00Z\",\"endsAt\":"
		    "\"2099-01-01T00:00:00Z\",\"createdBy\":\"bench\","
		    "\"comment\":\"bench\"}", regex ? "silenced-host-(a|b)-" :
		    "silenced-host-", i, regex ? "true" : "false", i);
		add_req("POST", "/api/v2/silences", body, (size_t)n, 1);
	}
}

/* ------------------------------------------------- HTTP messages -- */

/* Forgets the parsed message; keeps the bytes after it (m->len). */
static void
msg_next(struct msg *m)
{
	m->scan = m->hdr_len = m->body_len = m->chunk_pos = m->end = 0;
	m->chunked = m->status = m->expect100 = m->close = 0;
}

static void
msg_reset(struct msg *m)
{
	msg_next(m);
	m->len = 0;
}

static void
msg_init(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->alloc = 2 * IO_CHUNK;
	m->in = xm(m->alloc + 1);
}

/* Case-insensitive header lookup inside the header block; NULL if absent. */
static const char *
hdr_find(const struct msg *m, const char *name)
{
	size_t		 nl = strlen(name);
	const char	*p = m->in, *end = m->in + m->hdr_len;

	while (p < end) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL)
			return NULL;
		p++;
		if ((size_t)(end - p) > nl && strncasecmp(p, name, nl) == 0 &&
		    p[nl] == ':')
			return p + nl + 1;
	}
	return NULL;
}

static void
msg_parse_header(struct msg *m)
{
	const char	*v;

	/* Request line or status line: "HTTP/1.1 200 ..." */
	if (strncmp(m->in, "HTTP/", 5) == 0 && m->hdr_len > 12)
		m->status = (int)strtol(m->in + 9, NULL, 10);
	v = hdr_find(m, "content-length");
	if (v != NULL)
		m->body_len = strtoul(v, NULL, 10);
	v = hdr_find(m, "transfer-encoding");
	if (v != NULL && strncasecmp(v + strspn(v, " \t"), "chunked", 7) == 0) {
		m->chunked = 1;
		m->chunk_pos = m->hdr_len;
	}
	v = hdr_find(m, "expect");
	m->expect100 = v != NULL && strncasecmp(v + strspn(v, " \t"),
	    "100-continue", 12) == 0;
	v = hdr_find(m, "connection");
	m->close = v != NULL && strncasecmp(v + strspn(v, " \t"), "close",
	    5) == 0;
}

/* Walks the chunks received so far; sets m->end when the last one is in. */
static int
msg_chunks(struct msg *m)
{
	char	*eol, *p;
	size_t	 sz;

	for (;;) {
		p = m->in + m->chunk_pos;
		eol = memmem(p, m->len - m->chunk_pos, "\r\n", 2);
		if (eol == NULL)
			return 0;
		sz = strtoul(p, NULL, 16);
		if (sz == 0) {
			/* No trailers from the servers we talk to. */
			if (m->len < (size_t)(eol - m->in) + 4)
				return 0;
			m->end = (size_t)(eol - m->in) + 4;
			return 1;
		}
		if (m->len < (size_t)(eol - m->in) + 2 + sz + 2)
			return 0;
		m->chunk_pos = (size_t)(eol - m->in) + 2 + sz + 2;
	}
}

/* Returns 1 when a whole message is in m->in (its size in m->end). */
static int
msg_done(struct msg *m)
{
	char	*e;
	size_t	 from;

	if (m->hdr_len == 0) {
		from = m->scan > 3 ? m->scan - 3 : 0;
		e = memmem(m->in + from, m->len - from, "\r\n\r\n", 4);
		m->scan = m->len;
		if (e == NULL)
			return 0;
		m->hdr_len = (size_t)(e - m->in) + 4;
		msg_parse_header(m);
	}
	if (m->chunked)
		return msg_chunks(m);
	if (m->len < m->hdr_len + m->body_len)
		return 0;
	m->end = m->hdr_len + m->body_len;
	return 1;
}

/* Copies the data of every chunk together, in place; returns its length. */
static size_t
msg_dechunk(struct msg *m)
{
	size_t	 rd = m->hdr_len, wr = m->hdr_len, sz;
	char	*eol;

	if (!m->chunked)
		return m->body_len;
	for (;;) {
		sz = strtoul(m->in + rd, NULL, 16);
		eol = memmem(m->in + rd, m->end - rd, "\r\n", 2);
		if (sz == 0 || eol == NULL)
			break;
		rd = (size_t)(eol - m->in) + 2;
		memmove(m->in + wr, m->in + rd, sz);
		wr += sz;
		rd += sz + 2;
	}
	return wr - m->hdr_len;
}

static long
count_needle(const char *p, size_t len, const char *nd)
{
	size_t		 nl = strlen(nd);
	const char	*q, *end = p + len;
	long		 n = 0;

	while (p < end) {
		q = memmem(p, (size_t)(end - p), nd, nl);
		if (q == NULL)
			break;
		n++;
		p = q + nl;
	}
	return n;
}

/*
 * Reads what is there (epoll is level-triggered: a short read means the
 * socket is drained, and more data brings another event); returns -1 on
 * EOF or error, else 0.
 */
static int
msg_read(int fd, struct msg *m)
{
	ssize_t	k;
	size_t	room;

	for (;;) {
		if (m->len + IO_CHUNK > m->alloc) {
			m->alloc *= 2;
			m->in = xr(m->in, m->alloc + 1);
		}
		room = m->alloc - m->len;
		k = read(fd, m->in + m->len, room);
		if (k > 0) {
			m->len += (size_t)k;
			if ((size_t)k < room)
				return 0;
			continue;
		}
		if (k == 0)
			return -1;
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	}
}

/* -------------------------------------------------------- client -- */

static int
conn_open(void)
{
	struct sockaddr_in	sa;
	int			fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)srv_port);
	inet_pton(AF_INET, srv_ip, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
conn_want(struct conn *c, int ep, uint32_t events)
{
	struct epoll_event	ev;

	ev.events = events;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what the socket takes; returns -1 on an error. */
static int
conn_write(struct conn *c, int ep)
{
	struct req	*r = &reqs[c->req];
	ssize_t		 k;

	k = send(c->fd, r->data + c->sent, r->len - c->sent, MSG_NOSIGNAL);
	if (k > 0)
		c->sent += (size_t)k;
	else if (k == -1 && errno != EAGAIN && errno != ENOTCONN) {
		perror("loadgen: send");
		return -1;
	}
	if (c->sent == r->len)
		conn_want(c, ep, EPOLLIN);
	return 0;
}

/*
 * Starts the next request.  On a connected socket the kernel almost
 * always takes it whole at once: then no epoll_ctl is needed at all.
 */
static int
conn_send_next(struct conn *c, int ep, int connected)
{
	struct req	*r;
	ssize_t		 k;

	if (next_req >= n_reqs) {
		c->busy = 0;
		return 0;
	}
	c->req = next_req++;
	r = &reqs[c->req];
	c->sent = 0;
	msg_reset(&c->m);
	c->busy = 1;
	c->t0 = now_s();
	if (!connected) {
		conn_want(c, ep, EPOLLOUT);
		return 0;
	}
	k = send(c->fd, r->data, r->len, MSG_NOSIGNAL);
	if (k == -1 && errno != EAGAIN) {
		perror("loadgen: send");
		return -1;
	}
	if (k > 0)
		c->sent = (size_t)k;
	if (c->sent < r->len)
		conn_want(c, ep, EPOLLOUT);
	return 0;
}

/* The server closed after its answer: a new connection for the next. */
static int
conn_reopen(struct conn *c, int ep)
{
	struct epoll_event	ev;

	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = conn_open();
	if (c->fd == -1)
		return -1;
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 0;
}

static void
response_complete(struct conn *c)
{
	struct req	*r = &reqs[c->req];
	size_t		 blen;

	lat[n_lat++] = now_s() - c->t0;
	if (c->m.status < 200 || c->m.status > 299) {
		if (errors++ < 3)
			fprintf(stderr, "loadgen: status %d: %.300s\n",
			    c->m.status, c->m.in);
		return;
	}
	items_done += r->items;
	blen = msg_dechunk(&c->m);
	resp_bytes += (long long)blen;
	if (needle != NULL)
		matches += count_needle(c->m.in + c->m.hdr_len, blen, needle);
}

/* Returns -1 on a fatal error. */
static int
conn_event(struct conn *c, int ep)
{
	struct req	*r = &reqs[c->req];
	int		 k, reopened = 0;

	if (c->sent < r->len)
		return conn_write(c, ep);
	k = msg_read(c->fd, &c->m);
	if (msg_done(&c->m)) {
		response_complete(c);
		if (c->m.close) {
			if (conn_reopen(c, ep) == -1) {
				perror("loadgen: reconnect");
				return -1;
			}
			reopened = 1;
		}
		return conn_send_next(c, ep, !reopened);
	}
	if (k == -1) {
		fprintf(stderr, "loadgen: server closed the connection\n");
		return -1;
	}
	return 0;
}

static void
report(double t0, double t1, double w0, double w1, double cpu)
{
	size_t	ok = n_lat - (size_t)errors;

	/* Error latencies count too; they are few and the run fails. */
	printf("{\"requests\":%zu,\"items\":%ld,\"seconds\":%.6f,"
	    "\"items_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
	    "\"max_ms\":%.3f,\"errors\":%ld,\"gen_cpu_s\":%.3f,"
	    "\"t0\":%.6f,\"t1\":%.6f,\"resp_bytes\":%.0f,\"matches\":%.1f}\n",
	    n_lat, items_done, t1 - t0, (double)items_done / (t1 - t0),
	    n_lat ? lat[n_lat / 2] * 1e3 : 0,
	    n_lat ? lat[n_lat * 99 / 100] * 1e3 : 0,
	    n_lat ? lat[n_lat - 1] * 1e3 : 0, errors, cpu, w0, w1,
	    ok ? (double)resp_bytes / (double)ok : 0,
	    ok ? (double)matches / (double)ok : 0);
}

static int
dcmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
run(int nconns)
{
	struct epoll_event	 ev, evs[64];
	struct conn		*conns;
	double			 t0, t1, w0, c0;
	int			 ep, i, n, active;

	if ((size_t)nconns > n_reqs)
		nconns = n_reqs > 0 ? (int)n_reqs : 1;
	ep = epoll_create1(EPOLL_CLOEXEC);
	conns = calloc((size_t)nconns, sizeof(*conns));
	lat = xm((n_reqs + 1) * sizeof(*lat));
	c0 = cpu_s();
	w0 = wall_s();
	t0 = now_s();
	for (i = 0; i < nconns; i++) {
		conns[i].fd = conn_open();
		if (conns[i].fd == -1) {
			perror("loadgen: connect");
			return 1;
		}
		msg_init(&conns[i].m);
		ev.events = EPOLLOUT;
		ev.data.ptr = &conns[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
		conn_send_next(&conns[i], ep, 0);
	}
	for (active = nconns; active > 0;) {
		n = epoll_wait(ep, evs, 64, 600000);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "loadgen: no answer for 600 s\n");
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct conn	*c = evs[i].data.ptr;

			if (!c->busy)
				continue;
			if (conn_event(c, ep) == -1)
				return 1;
			active -= !c->busy;
		}
	}
	t1 = now_s();
	qsort(lat, n_lat, sizeof(*lat), dcmp);
	report(t0, t1, w0, w0 + (t1 - t0), cpu_s() - c0);
	return errors > 0;
}

/* ------------------------------------------------ ready, startup -- */

/* One blocking GET /-/ready; returns the status or -1. */
static int
probe_ready(void)
{
	struct sockaddr_in	sa;
	struct timeval		tv = { 1, 0 };
	struct msg		m;
	char			rq[256];
	int			fd, n, status = -1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)srv_port);
	inet_pton(AF_INET, srv_ip, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto out;
	n = snprintf(rq, sizeof(rq), "GET /-/ready HTTP/1.1\r\nHost: %s:%d\r\n"
	    "Connection: close\r\n\r\n", srv_ip, srv_port);
	if (send(fd, rq, (size_t)n, MSG_NOSIGNAL) != n)
		goto out;
	msg_init(&m);
	while (!msg_done(&m))
		if (msg_read(fd, &m) == -1 && !msg_done(&m))
			break;
	if (m.hdr_len > 0)
		status = m.status;
	free(m.in);
out:
	close(fd);
	return status;
}

/* Whether pid (not our child) has exited: gone, or a zombie. */
static int
pid_gone(pid_t pid)
{
	char	path[64], st[512], *p;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 1;
	n = fread(st, 1, sizeof(st) - 1, f);
	fclose(f);
	st[n] = '\0';
	p = strrchr(st, ')');
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* child: ours (startup) or, negated, a process to watch (ready). */
static int
wait_ready(double timeout, pid_t child)
{
	struct timespec	 ms = { 0, 1000000 };
	double		 t0 = now_s();

	while (now_s() - t0 < timeout) {
		if (probe_ready() == 200)
			return 0;
		if ((child > 0 && waitpid(child, NULL, WNOHANG) == child) ||
		    (child < 0 && pid_gone(-child))) {
			fprintf(stderr, "loadgen: the daemon exited\n");
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "loadgen: not ready after %.0f s\n", timeout);
	return -1;
}

static int
startup(double timeout, char **argv)
{
	double	t0, t1, t2;
	pid_t	pid;
	int	rc;

	t0 = now_s();
	pid = fork();
	if (pid == -1) {
		perror("loadgen: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		perror("loadgen: exec");
		_exit(127);
	}
	rc = wait_ready(timeout, pid);
	t1 = now_s();
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	t2 = now_s();
	if (rc == -1)
		return 1;
	printf("{\"ready_s\":%.6f,\"stop_s\":%.6f}\n", t1 - t0, t2 - t1);
	return 0;
}

/* ---------------------------------------------------------- sink -- */

struct sink {
	long	requests, alerts, bytes, expect, conns;
	double	first, last, c0;
	int	reported;
};

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
sink_report(const struct sink *s, const char *why)
{
	printf("{\"event\":\"%s\",\"requests\":%ld,\"alerts\":%ld,"
	    "\"bytes\":%ld,\"conns\":%ld,\"first\":%.6f,\"last\":%.6f,"
	    "\"sink_cpu_s\":%.3f}\n", why, s->requests, s->alerts, s->bytes,
	    s->conns, s->first, s->last, cpu_s() - s->c0);
	fflush(stdout);
}

/* Answers every complete request in m; returns -1 to drop the client. */
static int
sink_serve(struct sink *s, int fd, struct msg *m)
{
	static const char	ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0"
	    "\r\n\r\n", cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	int			asked = 0;

	for (;;) {
		if (!msg_done(m)) {
			if (m->hdr_len > 0 && m->expect100 && !asked &&
			    m->len == m->hdr_len) {
				asked = 1;
				if (send(fd, cont, sizeof(cont) - 1,
				    MSG_NOSIGNAL) < 0)
					return -1;
			}
			return 0;
		}
		s->last = wall_s();
		if (s->requests++ == 0)
			s->first = s->last;
		s->bytes += (long)(m->end - m->hdr_len);
		s->alerts += count_needle(m->in + m->hdr_len,
		    m->end - m->hdr_len, "\"fingerprint\":");
		/* Replies are tiny: the socket buffer takes them whole. */
		if (send(fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL) < 0)
			return -1;
		memmove(m->in, m->in + m->end, m->len - m->end);
		m->len -= m->end;
		msg_next(m);
		if (s->requests == s->expect && !s->reported) {
			s->reported = 1;
			sink_report(s, "expected");
		}
	}
}

static int
sink_listen(int port)
{
	struct sockaddr_in	sa;
	int			fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, 4096) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
sink_accept(struct sink *s, int lfd, int ep)
{
	struct epoll_event	 ev;
	struct conn		*c;
	int			 fd, one = 1;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		s->conns++;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			exit(1);
		c->fd = fd;
		msg_init(&c->m);
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
}

static void
sink_drop(struct conn *c, int ep)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->m.in);
	free(c);
}

static int
sink(int port, long expect)
{
	struct epoll_event	 ev, evs[64];
	struct sigaction	 sa;
	struct sink		 s;
	struct conn		 lc;
	int			 ep, i, n, closed;

	memset(&s, 0, sizeof(s));
	s.expect = expect;
	s.c0 = cpu_s();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	memset(&lc, 0, sizeof(lc));
	lc.fd = sink_listen(port);
	if (lc.fd == -1) {
		perror("loadgen: sink: listen");
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.ptr = &lc;
	epoll_ctl(ep, EPOLL_CTL_ADD, lc.fd, &ev);
	while (!stop) {
		n = epoll_wait(ep, evs, 64, 1000);
		for (i = 0; i < n; i++) {
			struct conn	*c = evs[i].data.ptr;

			if (c == &lc) {
				sink_accept(&s, lc.fd, ep);
				continue;
			}
			closed = msg_read(c->fd, &c->m) == -1;
			if (sink_serve(&s, c->fd, &c->m) == -1 || closed)
				sink_drop(c, ep);
		}
	}
	sink_report(&s, "stopped");
	return 0;
}

/* ---------------------------------------------------------- main -- */

static int
free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);
	int			fd;

	fd = sink_listen(0);
	if (fd == -1 || getsockname(fd, (struct sockaddr *)&sa, &sl) == -1) {
		perror("loadgen: port");
		return 1;
	}
	printf("%d\n", ntohs(sa.sin_port));
	close(fd);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen alerts ADDR BATCH CONNS TOTAL "
	    "[SEED [ROUNDS]]\n"
	    "       loadgen get ADDR PATH CONNS COUNT [NEEDLE]\n"
	    "       loadgen silences ADDR CONNS COUNT [regex|plain [SEED]]\n"
	    "       loadgen port\n"
	    "       loadgen ready ADDR TIMEOUT_S [PID]\n"
	    "       loadgen startup ADDR TIMEOUT_S CMD [ARG...]\n"
	    "       loadgen sink PORT EXPECT\n");
	exit(2);
}

static void
set_addr(const char *addr)
{
	char	*colon;

	snprintf(srv_ip, sizeof(srv_ip), "%s", addr);
	colon = strrchr(srv_ip, ':');
	if (colon == NULL)
		usage();
	*colon = '\0';
	srv_port = (int)num(colon + 1);
}

int
main(int argc, char **argv)
{
	const char	*mode = argc > 1 ? argv[1] : "";
	long		 conns, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "port") == 0)
		return free_port();
	if (strcmp(mode, "sink") == 0 && argc == 4)
		return sink((int)num(argv[2]), num(argv[3]));
	if (argc < 4)
		usage();
	set_addr(argv[2]);
	if (strcmp(mode, "ready") == 0 && (argc == 4 || argc == 5))
		return wait_ready((double)num(argv[3]),
		    argc == 5 ? -(pid_t)num(argv[4]) : 0) == -1;
	if (strcmp(mode, "startup") == 0 && argc >= 5)
		return startup((double)num(argv[3]), argv + 4);
	if (strcmp(mode, "alerts") == 0 && argc >= 6 && argc <= 8) {
		conns = num(argv[4]);
		build_alerts((int)num(argv[3]), num(argv[5]),
		    argc > 6 ? num(argv[6]) : 0, argc > 7 ? num(argv[7]) : 1);
	} else if (strcmp(mode, "get") == 0 && (argc == 6 || argc == 7)) {
		conns = num(argv[4]);
		needle = argc == 7 ? argv[6] : NULL;
		for (i = num(argv[5]); i > 0; i--)
			add_req("GET", argv[3], NULL, 0, 1);
	} else if (strcmp(mode, "silences") == 0 && argc >= 5 && argc <= 7) {
		conns = num(argv[3]);
		build_silences(num(argv[4]), argc > 5 &&
		    strcmp(argv[5], "regex") == 0, argc > 6 ? num(argv[6]) : 0);
	} else
		usage();
	if (n_reqs == 0)
		usage();
	return run(conns < 1 ? 1 : (int)conns);
}
