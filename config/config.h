/*
 * config: alertmanager.yml, loaded, defaulted and validated as
 * Alertmanager 0.25 does (config/config.go, config/notifiers.go,
 * prometheus/common's HTTP client config).
 *
 * A struct config is immutable once config_load returns it and is shared
 * by reference: a reload builds a new one aside and swaps the pointer;
 * readers hold a reference (config_ref / config_unref, atomic) for as long
 * as they use anything inside it.  Secrets are stored in clear and masked
 * as "<secret>" by every function that shows the config.
 *
 * config_load reports every error of the file at once, each with
 * "file:line:col" and the field path, worded as Alertmanager words it:
 * err.where is "file:line:col", err.msg "path: message".
 * Thread: any.
 */
#ifndef ALERTD_CONFIG_CONFIG_H
#define ALERTD_CONFIG_CONFIG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alertd/timeutil.h"
#include "routing/matcher.h"

struct ad_errs;
struct buf;
struct labels;
struct notifier_type;
struct timeint;
struct tmpl_set;
struct ynode;

#include "config/decode.h"

/* prometheus/common TLSConfig */
struct config_tls {
	char	*ca_file, *cert_file, *key_file, *server_name;
	bool	 insecure_skip_verify;
	char	*min_version, *max_version;	/* "TLS12" ... or NULL */
};

struct config_basic_auth {
	char			*username;
	char			*password;		/* secret */
	struct config_file	 password_file;
};

struct config_authorization {
	char			*type;			/* "Bearer" when unset */
	char			*credentials;		/* secret */
	struct config_file	 credentials_file;
};

struct config_oauth2 {
	char			*client_id;
	char			*client_secret;		/* secret */
	struct config_file	 client_secret_file;
	char			**scopes;
	size_t			 n_scopes;
	char			*token_url;
	struct config_kv	*endpoint_params;
	size_t			 n_endpoint_params;
	char			*proxy_url;
	struct config_tls	 tls;
};

/*
 * prometheus/common HTTPClientConfig.  As Validate() does, bearer_token
 * and bearer_token_file are folded into `authorization` (type Bearer).
 */
struct config_http {
	struct config_basic_auth	*basic_auth;	/* NULL: none */
	struct config_authorization	*authorization;
	struct config_oauth2		*oauth2;
	char				*bearer_token;	/* folded; NULL */
	struct config_file		 bearer_token_file;
	char				*proxy_url;
	struct config_kv		*proxy_connect_header;	/* secrets */
	size_t				 n_proxy_connect_header;
	struct config_tls		 tls;
	bool				 follow_redirects;	/* true */
	bool				 enable_http2;		/* true */
};

struct config_global {
	ad_dur_t		 resolve_timeout;	/* default 5m */
	struct config_http	*http;			/* never NULL */
	char			*smtp_from, *smtp_hello;	/* "localhost" */
	char			*smtp_smarthost;	/* "host:port" or NULL */
	char			*smtp_auth_username, *smtp_auth_password;
	struct config_file	 smtp_auth_password_file;
	char			*smtp_auth_secret, *smtp_auth_identity;
	bool			 smtp_require_tls;	/* default true */
	char			*slack_api_url;		/* secret URL */
	struct config_file	 slack_api_url_file;
	char			*pagerduty_url;
	char			*opsgenie_api_url, *opsgenie_api_key;
	struct config_file	 opsgenie_api_key_file;
	char			*wechat_api_url, *wechat_api_secret;
	char			*wechat_api_corp_id;
	char			*victorops_api_url, *victorops_api_key;
	struct config_file	 victorops_api_key_file;
	char			*telegram_api_url, *webex_api_url;
	/* Added after 0.25 (plain fields). */
	char			*jira_api_url, *rocketchat_api_url;
	char			*rocketchat_token, *rocketchat_token_id;
	struct config_file	 rocketchat_token_file;
	struct config_file	 rocketchat_token_id_file;
	struct config_tls	*smtp_tls_config;
	struct config_file	 smtp_auth_secret_file;		/* 0.31 */
	bool			 smtp_force_implicit_tls;	/* 0.31 */
	bool			 smtp_force_implicit_tls_set;
	char			*slack_app_token;		/* 0.30 */
	struct config_file	 slack_app_token_file;
	char			*slack_app_url;	/* unset: chat.postMessage */
	struct config_file	 wechat_api_secret_file;	/* 0.31 */
	char			*telegram_bot_token;		/* 0.31 */
	struct config_file	 telegram_bot_token_file;
	char			*mattermost_webhook_url;	/* 0.32, secret */
	struct config_file	 mattermost_webhook_url_file;
};

/*
 * A route as written (dumped as written), with the values dispatch's
 * NewRoute computes filled in: receiver, group_by, timings come from the
 * parent when unset (receiver_set, group_by_set, *_set say what was
 * written).  `match` and `match_re` are kept as written and compiled,
 * with `matchers:`, into `matchers`, sorted as Alertmanager sorts them;
 * match_re values become "^(?:re)$" there, as in Alertmanager.
 */
struct config_route {
	char			*receiver;
	char			**group_by_str;		/* as written */
	size_t			 n_group_by_str;
	struct config_kv	*match;			/* as written */
	size_t			 n_match;
	struct config_kv	*match_re;		/* as written */
	size_t			 n_match_re;
	struct matchers		 matchers_written;	/* `matchers:` */
	char			**mute_time_intervals;
	size_t			 n_mute_time_intervals;
	char			**active_time_intervals;
	size_t			 n_active_time_intervals;
	bool			 continue_;
	struct config_route	**routes;
	size_t			 n_routes;
	ad_dur_t		 group_wait;		/* 30s */
	ad_dur_t		 group_interval;	/* 5m */
	ad_dur_t		 repeat_interval;	/* 4h */
	bool			 group_wait_set, group_interval_set;
	bool			 repeat_interval_set;
	/* Computed. */
	bool			 receiver_set;
	char			**group_by;		/* without "..." */
	size_t			 n_group_by;
	bool			 group_by_all;		/* group_by: ['...'] */
	bool			 group_by_set;
	struct matchers		 matchers;		/* all three, sorted */
	int			 line;			/* in the config file */
};

/* One entry of a receiver's *_configs lists. */
struct config_integration {
	const struct notifier_type *type;
	void			*conf;		/* type->fields; begins with
						 * struct notifier_conf */
	unsigned		 idx;		/* index within its list */
	bool			 send_resolved;
};

struct config_receiver {
	char				*name;
	/* Grouped by type in registry order (webhook, email, pagerduty,
	 * ...), each type's entries in file order. */
	struct config_integration	*integrations;
	size_t				 n_integrations;
};

struct config_inhibit_rule {
	char		*name;		/* 0.30's optional name, or NULL */
	struct config_kv *source_match, *target_match;	/* as written */
	size_t		 n_source_match, n_target_match;
	struct config_kv *source_match_re, *target_match_re;
	size_t		 n_source_match_re, n_target_match_re;
	struct matchers	 source_matchers, target_matchers;	/* written */
	char		**equal;
	size_t		 n_equal;
	struct matchers	 source, target;	/* all three forms, compiled */
};

/* time_intervals / mute_time_intervals entries as written. */
struct config_time_range {
	char	*start_time, *end_time;
};
struct config_timeint_spec {
	struct config_time_range **times;
	size_t		 n_times;
	char		**weekdays, **days_of_month, **months, **years;
	size_t		 n_weekdays, n_days_of_month, n_months, n_years;
	char		*location;
	/* Given, possibly as an empty list (which then matches nothing). */
	bool		 times_set, weekdays_set, days_set, months_set;
	bool		 years_set;
};
struct config_timeint_written {
	char			*name;
	struct config_timeint_spec **specs;
	size_t			 n_specs;
	bool			 mute;		/* from mute_time_intervals */
};

struct config {
	atomic_uint			 refs;
	char				*path;
	char				*base_dir;	/* of relative paths */
	char				*raw;		/* the file's bytes */
	size_t				 raw_len;
	bool				 has_global;	/* after load: true */
	struct config_global		 global;
	struct config_route		*route;
	struct config_inhibit_rule	**inhibit_rules;
	size_t				 n_inhibit_rules;
	struct config_receiver		**receivers;
	size_t				 n_receivers;
	char				**templates;	/* resolved paths */
	size_t				 n_templates;
	struct config_timeint_written	**mute_time_intervals_w;
	size_t				 n_mute_time_intervals_w;
	struct config_timeint_written	**time_intervals_w;
	size_t				 n_time_intervals_w;
	/* time_intervals and mute_time_intervals together, compiled. */
	struct timeint			**time_intervals;
	size_t				 n_time_intervals;
	struct tmpl_set			*tmpl;		/* defaults + files */
};

/* Field tables of the shared sections, for the integrations' tables. */
extern const struct config_obj config_http_obj;	/* struct config_http */
extern const struct config_obj config_tls_obj;	/* struct config_tls */

/*
 * How strictly to load.  alertd uses config_load_opts_daemon(), alertctl
 * check-config config_load_opts_amtool() (amtool 0.25's verdict).
 */
struct config_load_opts {
	bool	read_files;	/* read *_file settings; missing = error */
	bool	require_senders;/* integration without sender = error */
	bool	schema_025;	/* fields/integrations newer than 0.25 are
				 * unknown fields, as in 0.25 */
	bool	strict_templates; /* tmpl_check failures are errors */
	bool	parse_templates; /* parse `templates:` files */
};
struct config_load_opts config_load_opts_daemon(void);
struct config_load_opts config_load_opts_amtool(void);

/*
 * Loads, defaults and validates path.  On failure returns NULL and appends
 * every error to errs (each with file:line:col where known); warnings
 * (or NULL) receive what does not fail the load.  opts NULL: daemon.
 */
struct config	*config_load(const char *path, const struct config_load_opts *opts,
		    struct ad_errs *errs, struct ad_errs *warnings);
/* Same from bytes; name is used in messages, base_dir resolves relative
 * `templates:` globs and *_file paths. */
struct config	*config_load_bytes(const char *name, const char *data,
		    size_t len, const char *base_dir,
		    const struct config_load_opts *opts, struct ad_errs *errs,
		    struct ad_errs *warnings);
struct config	*config_ref(struct config *c);
void		 config_unref(struct config *c);	/* NULL is fine */

const struct config_receiver *config_receiver(const struct config *c,
		    const char *name);
const struct timeint *config_time_interval(const struct config *c,
		    const char *name);

/*
 * The config as Alertmanager's Config.String() renders it (YAML, fields
 * in Alertmanager's order, defaults filled in, secrets as "<secret>"):
 * `config.original` in GET /api/v2/status and `amtool config show`.
 */
int		 config_dump_yaml(const struct config *c, struct buf *out);

/* alertmanager_config_hash: the first 48 bits of the MD5 of the file's
 * bytes, little endian, as a float (config/coordinator.go). */
double		 config_hash(const struct config *c);

/*
 * `alertd --config.check`: loads path as the daemon would, prints every
 * error (file:line:col: path: message) and warning to out, and returns
 * the exit status (0 valid, 1 not).
 */
int		 config_check_main(const char *path, FILE *out);

#endif
