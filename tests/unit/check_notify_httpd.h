/*
 * A small HTTP/1.1 server for the notify, pipeline and webhook unit tests:
 * 127.0.0.1 on a free port, one thread per connection, keep-alive, every
 * request recorded, answers chosen by a handler (status, body, delay,
 * content type).  Not a library module: tests only.
 */
#ifndef ALERTD_TESTS_UNIT_CHECK_NOTIFY_HTTPD_H
#define ALERTD_TESTS_UNIT_CHECK_NOTIFY_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thttpd;

struct thttpd_req {
	char	 method[16];
	char	 path[1024];
	char	*head;		/* the request line and headers, raw */
	char	*body;
	size_t	 body_len;
	int64_t	 at;		/* ad_mono() when the body was read */
};

struct thttpd_resp {
	int	 status;	/* 200 by default */
	char	 body[4096];
	char	 ctype[64];	/* Content-Type, "" for none */
	int	 delay_ms;	/* before answering */
};

/* Runs under the server's lock; n is the request's index (0-based). */
typedef void (*thttpd_handler)(void *arg, size_t n,
	    const struct thttpd_req *req, struct thttpd_resp *resp);

struct thttpd	*thttpd_start(thttpd_handler h, void *arg);
int		 thttpd_port(const struct thttpd *s);
size_t		 thttpd_count(struct thttpd *s);
/* Connections accepted so far. */
size_t		 thttpd_connections(struct thttpd *s);
/* Waits until at least n requests arrived; false on timeout. */
bool		 thttpd_wait(struct thttpd *s, size_t n, int timeout_ms);
/* A copy of request i (free with thttpd_req_free). */
struct thttpd_req *thttpd_get(struct thttpd *s, size_t i);
void		 thttpd_req_free(struct thttpd_req *r);
/* Value of a header of r (case-insensitive name), malloc'ed, or NULL. */
char		*thttpd_header(const struct thttpd_req *r, const char *name);
void		 thttpd_stop(struct thttpd *s);

#endif
