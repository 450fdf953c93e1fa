/*
 * The unit tests' HTTP server (see check_notify_httpd.h).
 */
#include "tests/unit/check_notify_httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alertd/timeutil.h"
#include "alertd/xmalloc.h"

#define CONN_MAX	256

struct thttpd {
	int			 fd, stop_pipe[2], port;
	pthread_t		 acceptor;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	thttpd_handler		 h;
	void			*arg;
	struct thttpd_req	**reqs;
	size_t			 n_reqs;
	int			 conns[CONN_MAX];
	pthread_t		 threads[CONN_MAX];
	size_t			 n_conns;
	bool			 stopping;
};

struct conn_arg {
	struct thttpd	*s;
	int		 fd;
};

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

/* Reads one request into *r; returns 0, or -1 on EOF/error. */
static int
read_request(int fd, char **pending, size_t *plen, struct thttpd_req *r)
{
	char		*buf = *pending, *end, *cl;
	size_t		 len = *plen, hlen, blen = 0;
	char		 chunk[65536];
	ssize_t		 got;

	for (;;) {
		if (buf != NULL) {
			buf[len] = '\0';
			end = strstr(buf, "\r\n\r\n");
			if (end != NULL)
				break;
		}
		got = read(fd, chunk, sizeof(chunk));
		if (got <= 0)
			return -1;
		buf = xrealloc(buf, len + (size_t)got + 1);
		memcpy(buf + len, chunk, (size_t)got);
		len += (size_t)got;
	}
	hlen = (size_t)(end - buf) + 4;
	r->head = xstrndup(buf, hlen);
	cl = strcasestr(r->head, "\r\nContent-Length:");
	if (cl != NULL)
		blen = strtoul(cl + 17, NULL, 10);
	while (len < hlen + blen) {
		got = read(fd, chunk, sizeof(chunk));
		if (got <= 0)
			return -1;
		buf = xrealloc(buf, len + (size_t)got + 1);
		memcpy(buf + len, chunk, (size_t)got);
		len += (size_t)got;
	}
	r->body = xmemdup(buf + hlen, blen + 1);
	r->body[blen] = '\0';
	r->body_len = blen;
	sscanf(r->head, "%15s %1023s", r->method, r->path);
	memmove(buf, buf + hlen + blen, len - hlen - blen);
	*plen = len - hlen - blen;
	*pending = buf;
	r->at = ad_mono();
	return 0;
}

static void *
conn_main(void *p)
{
	struct conn_arg		*ca = p;
	struct thttpd		*s = ca->s;
	int			 fd = ca->fd;
	char			*pending = NULL, out[8192];
	size_t			 plen = 0, n;
	struct thttpd_req	*r;
	struct thttpd_resp	 resp;
	int			 len;

	free(ca);
	for (;;) {
		r = xcalloc(1, sizeof(*r));
		if (read_request(fd, &pending, &plen, r) == -1) {
			thttpd_req_free(r);
			break;
		}
		memset(&resp, 0, sizeof(resp));
		resp.status = 200;
		pthread_mutex_lock(&s->mu);
		n = s->n_reqs;
		s->reqs = xreallocarray(s->reqs, n + 1, sizeof(*s->reqs));
		s->reqs[s->n_reqs++] = r;
		if (s->h != NULL)
			s->h(s->arg, n, r, &resp);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		if (resp.delay_ms > 0) {
			struct timespec ts = { resp.delay_ms / 1000,
			    (long)(resp.delay_ms % 1000) * 1000000 };

			nanosleep(&ts, NULL);
		}
		len = snprintf(out, sizeof(out), "HTTP/1.1 %d %s\r\n"
		    "Content-Length: %zu\r\n%s%s%s\r\n%s", resp.status,
		    reason(resp.status), strlen(resp.body),
		    resp.ctype[0] != '\0' ? "Content-Type: " : "", resp.ctype,
		    resp.ctype[0] != '\0' ? "\r\n" : "", resp.body);
		if (write(fd, out, (size_t)len) != len)
			break;
	}
	free(pending);
	return NULL;
}

static void *
accept_main(void *p)
{
	struct thttpd	*s = p;
	struct pollfd	 pfd[2];
	struct conn_arg	*ca;
	int		 c;

	pfd[0].fd = s->fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = s->stop_pipe[0];
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			break;
		if (pfd[1].revents != 0)
			break;
		if ((pfd[0].revents & POLLIN) == 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c == -1)
			continue;
		pthread_mutex_lock(&s->mu);
		if (s->n_conns == CONN_MAX || s->stopping) {
			pthread_mutex_unlock(&s->mu);
			close(c);
			continue;
		}
		ca = xmalloc(sizeof(*ca));
		ca->s = s;
		ca->fd = c;
		s->conns[s->n_conns] = c;
		pthread_create(&s->threads[s->n_conns], NULL, conn_main, ca);
		s->n_conns++;
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

struct thttpd *
thttpd_start(thttpd_handler h, void *arg)
{
	struct thttpd		*s = xcalloc(1, sizeof(*s));
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	int			 one = 1;

	s->h = h;
	s->arg = arg;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s->fd, 128) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&sin, &slen) == -1 ||
	    pipe(s->stop_pipe) == -1)
		abort();
	s->port = ntohs(sin.sin_port);
	pthread_create(&s->acceptor, NULL, accept_main, s);
	return s;
}

int
thttpd_port(const struct thttpd *s)
{
	return s->port;
}

size_t
thttpd_count(struct thttpd *s)
{
	size_t	n;

	pthread_mutex_lock(&s->mu);
	n = s->n_reqs;
	pthread_mutex_unlock(&s->mu);
	return n;
}

size_t
thttpd_connections(struct thttpd *s)
{
	size_t	n;

	pthread_mutex_lock(&s->mu);
	n = s->n_conns;
	pthread_mutex_unlock(&s->mu);
	return n;
}

bool
thttpd_wait(struct thttpd *s, size_t n, int timeout_ms)
{
	struct timespec	ts;
	bool		ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->mu);
	while (s->n_reqs < n)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) != 0)
			break;
	ok = s->n_reqs >= n;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

struct thttpd_req *
thttpd_get(struct thttpd *s, size_t i)
{
	struct thttpd_req	*c = NULL;

	pthread_mutex_lock(&s->mu);
	if (i < s->n_reqs) {
		c = xcalloc(1, sizeof(*c));
		*c = *s->reqs[i];
		c->head = xstrdup(s->reqs[i]->head);
		c->body = xmemdup(s->reqs[i]->body, s->reqs[i]->body_len + 1);
	}
	pthread_mutex_unlock(&s->mu);
	return c;
}

void
thttpd_req_free(struct thttpd_req *r)
{
	if (r == NULL)
		return;
	free(r->head);
	free(r->body);
	free(r);
}

char *
thttpd_header(const struct thttpd_req *r, const char *name)
{
	const char	*p = r->head;
	size_t		 nlen = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			p += nlen + 1;
			while (*p == ' ')
				p++;
			return xstrndup(p, strcspn(p, "\r\n"));
		}
	}
	return NULL;
}

void
thttpd_stop(struct thttpd *s)
{
	size_t	i;

	if (write(s->stop_pipe[1], "x", 1) != 1)
		abort();
	pthread_join(s->acceptor, NULL);
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->n_conns; i++)
		shutdown(s->conns[i], SHUT_RDWR);
	for (i = 0; i < s->n_conns; i++) {
		pthread_join(s->threads[i], NULL);
		close(s->conns[i]);
	}
	for (i = 0; i < s->n_reqs; i++)
		thttpd_req_free(s->reqs[i]);
	free(s->reqs);
	close(s->fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
