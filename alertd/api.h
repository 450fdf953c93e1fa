/*
 * api: the HTTP server (libmicrohttpd) and its request table.
 *
 * One MHD daemon per --web.listen-address, each with an internal epoll
 * polling thread pool.  A request is routed on its path below the route
 * prefix (--web.route-prefix, or the path of --web.external-url) through
 * the tables listed in api.c's api_tables[]: each module contributes one
 * NULL-terminated array of {method, path, handler, flags}.  Paths are
 * exact, or end in "/{}" to capture one segment (api_req.param).  Around
 * the tables the router reproduces Alertmanager's behaviour: go-swagger
 * JSON 404/405 under /api/v2 with CORS (rs/cors defaults), httprouter's
 * text 404/405 and OPTIONS elsewhere, redirects to the prefix and to
 * cleaned paths, 410 for the removed /api/v1.
 *
 * Adding handlers (the silences' table, in api_silence_routes.c):
 *
 *	static void get_silences(struct api_req *, struct api_resp *);
 *	const struct api_route api_silences_routes[] = {
 *		{ "POST", "/api/v2/silences", post_silences,
 *		    API_V2 | API_JSON },
 *		{ "GET", "/api/v2/silences", get_silences, API_V2 },
 *		{ "GET", "/api/v2/silence/{}", get_silence, API_V2 },
 *		{ "DELETE", "/api/v2/silence/{}", delete_silence, API_V2 },
 *		{ NULL, NULL, NULL, 0 }
 *	};
 *
 * then declare the table below and add it to api_tables[] in api.c.
 * Within one path, list methods in Alertmanager's order (it shows up in
 * 405 answers: POST before GET, GET before DELETE).
 *
 * A handler runs on an MHD pool thread with the whole body in memory
 * (bounded by --web.max-body-size), fills resp and returns; it must not
 * block on the network.  It reaches the stores through req->ad.
 * Thread: handlers any pool thread; api_start/api_stop main.
 */
#ifndef ALERTD_ALERTD_API_H
#define ALERTD_ALERTD_API_H

#include <stdbool.h>
#include <stddef.h>

#include "alertd/buf.h"
#include "alertd/timeutil.h"

#include "routing/matcher.h"

struct ad_err;
struct alert;
struct alert_status;
struct alertd;
struct api;

struct api_kv {
	char	*key, *value;
};

struct api_req {
	struct alertd	*ad;
	const char	*method;
	const char	*path;		/* below the prefix, unescaped */
	const char	*param;		/* the "{}" segment, or NULL */
	const char	*body;		/* NUL-terminated; "" when none */
	size_t		 body_len;
	const char	*content_type;	/* NULL when absent */
	struct api_kv	*query;		/* in order, repeated keys kept */
	size_t		 n_query;
	void		*conn;		/* the MHD connection (api.c) */
};

#define API_RESP_HEADERS	16

struct api_resp {
	int		 status;	/* 200 unless set */
	const char	*content_type;	/* static; NULL: none */
	struct buf	 body;
	struct {
		const char	*name;
		char		*value;
	}		 headers[API_RESP_HEADERS];
	size_t		 n_headers;
};

typedef void	(*api_handler_fn)(struct api_req *req, struct api_resp *resp);

#define API_V2		0x1	/* go-swagger route: JSON errors, CORS */
#define API_JSON	0x2	/* consumes application/json (else 415) */

struct api_route {
	const char	*method;
	const char	*path;
	api_handler_fn	 handler;
	unsigned	 flags;
};

/* The tables (see api_tables[] in api.c). */
extern const struct api_route api_core_routes[];	/* api_status.c */
extern const struct api_route api_alerts_routes[];	/* api_alerts.c */
extern const struct api_route api_status_routes[];	/* api_status.c */
/* api_silence_routes.c */
extern const struct api_route api_silences_routes[];
extern const struct api_route api_metrics_routes[];	/* api_metrics.c */

/* Registers the API's and the wiring's metrics collectors (startup). */
void		 api_metrics_register(struct alertd *ad);
/*
 * HTTP instrumentation (api_metrics.c; no-ops before api_metrics_register).
 * api_metrics_http: one request served by route (the table's path, or a
 * UI asset's) took `took` and answered `bytes` of body.  The GET
 * concurrency limiter reports admissions (+1, then -1 when done) and
 * rejections.  Thread: any pool thread.
 */
void		 api_metrics_http(struct alertd *ad, const char *route,
		    const char *method, ad_dur_t took, size_t bytes);
void		 api_metrics_get_inflight(struct alertd *ad, int delta);
void		 api_metrics_get_limited(struct alertd *ad);

/*
 * Starts one server per address ("host:port", ":port", "[v6]:port";
 * sockets with SO_REUSEADDR).  With ad->web (--web.config.file) every
 * request passes its basic auth and gets its headers, and tls (which
 * web_config_validate reported) serves HTTPS.  Returns NULL with err on
 * failure (port taken, bad address, TLS files).  Thread: main.
 */
struct api	*api_start(struct alertd *ad, char *const *listen, size_t n,
		    bool tls, struct ad_err *err);
/* Stops accepting, closes the sockets, waits for running requests. */
void		 api_stop(struct api *api);

/* Query helpers (Go's url.Values semantics). */
const char	*api_query_get(const struct api_req *r, const char *key);
/* go-swagger's bool: true, 1, yes, ok, y, on, selected, checked, t,
 * enabled (any case) are true, anything else false; "" or absent: dflt. */
bool		 api_query_bool(const struct api_req *r, const char *key,
		    bool dflt);

/*
 * The filters of GET /api/v2/alerts and /api/v2/alerts/groups: active,
 * silenced, inhibited, unprocessed (default true), repeatable filter
 * (one matcher each, classic syntax) and receiver (regex, anchored).
 */
struct api_alerts_query {
	bool		 active, silenced, inhibited, unprocessed;
	struct matchers	 filter;
	struct matcher	*receiver;	/* NULL: no receiver filter */
};

/* Parses rq's query; -1 with resp filled (400) on a bad filter/regex. */
int		 api_alerts_query_parse(const struct api_req *rq,
		    struct api_alerts_query *q, struct api_resp *resp);
void		 api_alerts_query_release(struct api_alerts_query *q);
/*
 * Alertmanager's alertFilter: not resolved at now, status (computed into
 * st, which must be initialised) allowed by the flags, labels matching
 * the filter.  Thread: any.
 */
bool		 api_alerts_query_match(struct alertd *ad,
		    const struct api_alerts_query *q, const struct alert *a,
		    ad_time_t now, struct alert_status *st);
/* Does any of the receiver names match q->receiver (true if none set)? */
bool		 api_alerts_query_receivers(const struct api_alerts_query *q,
		    char *const *names, size_t n);

/* Replies. */
void		 api_resp_header(struct api_resp *resp, const char *name,
		    const char *value);
/* go-openapi error: {"code":code,"message":msg} as application/json. */
void		 api_reply_error(struct api_resp *resp, int status, int code,
		    const char *msg);
/* A go-swagger string payload: "msg"\n as application/json. */
void		 api_reply_string(struct api_resp *resp, int status,
		    const char *msg);
/* Go's http.Error: msg + "\n" as text/plain with nosniff. */
void		 api_reply_text(struct api_resp *resp, int status,
		    const char *msg);

#endif
