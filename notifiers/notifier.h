/*
 * notifier: the integration interface (one vtable per integration, after
 * curl's Curl_cftype and OpenSMTPD's table_backend) and the registry.
 *
 * Adding an integration is one file, notifiers/<name>.c, exporting one
 * `const struct notifier_type notifier_<name>`, and one line in
 * registry.c; see notifiers/README.md.
 *
 * The vtable has two halves:
 *  - configuration (config/ thread, at load): a field table decoded by
 *    config/decode.c into a struct of conf_size bytes, then `check`, which
 *    applies Alertmanager's defaults from the global section and its
 *    validation (with its wording);
 *  - sending (notify thread): `prepare` turns one notification into one
 *    request (HTTP, or SMTP through libcurl), `verdict` classifies the
 *    answer.  An integration whose prepare is NULL is parsed and checked
 *    (alertctl check-config accepts it, as amtool does), but alertd
 *    refuses to load a config that uses it, naming it.
 *
 * Thread: the tables are constant; conf structs are immutable after load.
 */
#ifndef ALERTD_NOTIFIERS_NOTIFIER_H
#define ALERTD_NOTIFIERS_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/buf.h"
#include "alertd/timeutil.h"

struct ad_err;
struct alert;
struct config;
struct config_field;
struct config_global;
struct config_http;
struct config_check;
struct config_tls;
struct labels;
struct notify_job;
struct tmpl_set;

enum notify_verdict {
	NOTIFY_OK,		/* delivered */
	NOTIFY_RETRY,		/* try again with backoff until the deadline */
	NOTIFY_FAIL,		/* give up now (4xx and the like) */
	NOTIFY_DONE		/* delivered, and the rest of the chain is
				 * not needed (Jira: resolved alerts and no
				 * open issue); the notification succeeds */
};

/*
 * Everything an integration may use to build one notification (Go's
 * context values plus the alerts).  Built by the pipeline on the notify
 * thread; every pointer is borrowed for the duration of prepare.
 * alerts are what this integration sends: muted alerts are gone, and
 * resolved ones too when its send_resolved is false; max_alerts-style
 * truncation is the integration's business (webhook does it).  An
 * integration that renders templates builds its template data itself
 * with tmpl_data_new() from these fields, as Alertmanager's notifiers
 * call GetTemplateData on the alerts they send.
 */
struct notify_ctx {
	const struct config	*cfg;		/* referenced for the call */
	const struct tmpl_set	*tmpl;		/* cfg->tmpl */
	const char		*receiver;	/* receiver name */
	const char		*group_key;	/* dispatcher group key */
	struct labels		*group_labels;
	struct alert *const	*alerts;	/* sorted as Alertmanager sorts */
	size_t			 n_alerts;
	const char		*external_url;	/* --web.external-url */
	ad_time_t		 now;		/* the flush's time */
	unsigned		 idx;		/* index in its *_configs list */
	/* The caller fills req->body later with notifier_type.body (just
	 * before the request leaves): prepare may leave it empty. */
	bool			 body_later;
};

/*
 * One outbound request, built by prepare and owned by the notify thread
 * until the job ends (notify_req_init/release and helpers in notify.h).
 * The request is built once and replayed on each retry.
 */
struct notify_req {
	char			*url;
	const char		*method;	/* NULL: POST */
	char			**headers;	/* "Name: value", owned */
	size_t			 n_headers;
	struct buf		 body;
	const struct config_http *http;		/* auth, TLS, proxy; or NULL */
	ad_dur_t		 timeout;	/* 0: until the flush deadline */
	/*
	 * SMTP: url is smtp://host:port/<EHLO name> (smtps:// for implicit
	 * TLS), body the whole message (headers, CRLF lines); no
	 * authentication when smtp_user is NULL.  mail_from and rcpt are
	 * bare addresses (curl adds the angle brackets).
	 */
	bool			 smtp;
	char			*mail_from;
	char			**rcpt;
	size_t			 n_rcpt;
	char			*smtp_user, *smtp_password;	/* secrets */
	/* The mechanisms libcurl may pick from, separated by spaces:
	 * "PLAIN", "LOGIN", "CRAM-MD5", "PLAIN LOGIN"; NULL: any. */
	char			*smtp_auth;
	char			*smtp_authzid;	/* PLAIN's authorization id */
	bool			 smtp_require_tls;	/* STARTTLS or fail */
	bool			 smtp_implicit_tls;	/* informative: smtps:// */
	const struct config_tls	*smtp_tls;	/* tls_config; or NULL */
	/* The URL must never be logged (tokens in it, url_file, ...). */
	bool			 url_is_secret;
	/* The integration's own note for its verdict (Slack: the channel
	 * its errors name); owned; passed as notify_resp.verdict_note. */
	char			*verdict_note;
	/*
	 * A notification of several requests (OpsGenie's update_alerts,
	 * WeChat's access token then its message): `next` (owned, made
	 * with notify_req_chain) leaves once this request's verdict is
	 * NOTIFY_OK, within the same attempt; the notification succeeds
	 * when the last one does.  A failed request ends the attempt: the
	 * retry starts again from the first request, as Alertmanager's
	 * Notify does.  Each request of a chain has its own url, method,
	 * headers, body and http.
	 */
	struct notify_req	*next;
	/*
	 * Build the request again (prepare) before each retry instead of
	 * replaying it: the integration's state may have changed (WeChat's
	 * access token was found expired).  Set on the first request.
	 */
	bool			 reprepare;
	/* The most of the answer kept for the verdict; 0: the default,
	 * NOTIFY_RESP_BODY_MAX (Jira's transitions list can be longer). */
	size_t			 resp_max;
	/*
	 * Set by the job's owner (notify_job_ops.prepare): fills body on
	 * the notify thread just before the request first leaves, then is
	 * cleared; the body is kept for retries.  A notification waiting
	 * for a connection then holds no body, and the body is still in
	 * the cache when it is sent.
	 */
	void			(*body_fn)(struct notify_job *job,
				    struct notify_req *req);
};

/* What came back; every pointer is valid during verdict only. */
struct notify_resp {
	long		 status;	/* HTTP status; 0 on a transport error */
	const char	*body;		/* first req->resp_max bytes (or
					 * NOTIFY_RESP_BODY_MAX) */
	size_t		 body_len;
	int		 curl_code;	/* CURLcode; 0 when a status came */
	const char	*curl_error;	/* message for a transport error */
	const char	*url;		/* the request URL, or "<redacted>" */
	const char	*verdict_note;	/* notify_req.verdict_note */
	/*
	 * The request of the chain sent after this one if verdict says
	 * NOTIFY_OK (NULL: this is the last); verdict may complete it
	 * from this answer (WeChat puts the access token in its URL).
	 */
	struct notify_req *next;
	/* The request answered (its URL may be secret: never show it). */
	const struct notify_req *req;
};

#define NOTIFY_RESP_BODY_MAX	4096

/*
 * Every integration's conf struct begins with this, so that config/ can
 * read send_resolved and give it the global http_config generically.
 * `http` stays NULL for integrations without http_config (email).
 */
struct notifier_conf {
	bool			 send_resolved;
	struct config_http	*http;		/* owned; global copy if unset */
	bool			 http_inherited; /* http is that copy */
};

struct notifier_type {
	const char	*name;		/* "webhook": integration and nflog key */
	const char	*config_key;	/* "webhook_configs" */
	bool		 send_resolved_default;
	/* NULL: in Alertmanager 0.25; else the release that added it
	 * ("0.26"): check-config rejects it as 0.25 does. */
	const char	*since;

	/*
	 * Configuration (config/decode.h): `fields` describes the conf
	 * struct (conf_size bytes, starting with struct notifier_conf) in
	 * Go field order, with defaults; decode.c fills it.  `check` then
	 * runs with the global section: Alertmanager's UnmarshalYAML
	 * validation of the integration, and the values Config's
	 * UnmarshalYAML takes from global (api urls, keys, smtp_*).  It
	 * writes to g only where Alertmanager changes the global config
	 * through a pointer it shares (the "/" it appends to the OpsGenie,
	 * WeChat and VictorOps URLs).  It reports with
	 * config_check_errf(chk, "field", ...) and returns 0 or -1.
	 * Thread: the loading thread.
	 */
	const struct config_field *fields;
	size_t		 conf_size;
	int		 (*check)(void *conf, struct config_global *g,
			    struct config_check *chk);
	/*
	 * Optional: what Alertmanager's notifier constructor writes back
	 * into the config it is given (email: the default Subject, To and
	 * From headers), which then shows in the dumped config.  Run at
	 * load, only for receivers some route uses, as Alertmanager builds
	 * only those.
	 */
	void		 (*activate)(void *conf);

	/*
	 * Sending: notify thread; never blocks on the network (reading a
	 * small *_file is fine).  prepare fills req (initialised by the
	 * caller) and returns 0, or returns -1 with err set: the
	 * notification then fails without retry, as a notifier's
	 * (false, err) does in Alertmanager.  req is released by the
	 * caller on both paths.
	 */
	int		 (*prepare)(const void *conf, const struct notify_ctx *ctx,
			    struct notify_req *req, struct ad_err *err);
	/*
	 * Optional: the body alone, exactly as prepare builds it; with it,
	 * prepare leaves the body empty when ctx->body_later.  Cannot fail.
	 */
	void		 (*body)(const void *conf, const struct notify_ctx *ctx,
			    struct buf *body);
	/*
	 * Classifies one attempt's outcome (also transport errors, where
	 * r->status is 0); on RETRY and FAIL, err says why.  NULL:
	 * notifier_default_verdict.
	 */
	enum notify_verdict (*verdict)(const void *conf,
			    const struct notify_resp *r, struct ad_err *err);
};

/* NULL-terminated, in Alertmanager's receiver order. */
extern const struct notifier_type *const notifier_types[];

const struct notifier_type *notifier_lookup_key(const char *config_key);
const struct notifier_type *notifier_lookup(const char *name);

/*
 * Alertmanager's notify.Retrier with no extra retry codes: 2xx OK; 5xx
 * RETRY; transport errors RETRY; anything else FAIL.  The message is
 * Alertmanager's: "unexpected status code 404: <body>" (the body capped
 * at NOTIFY_RESP_BODY_MAX), or the transport error.  Defined in
 * notify.c.  Thread: notify.
 */
enum notify_verdict notifier_default_verdict(const void *conf,
		    const struct notify_resp *r, struct ad_err *err);

#endif
