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
 * "file:line:col" and the field path, worded as Alertmanager words it.
 * Thread: any.
 */
#ifndef ALERTD_CONFIG_CONFIG_H
#define ALERTD_CONFIG_CONFIG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"
#include "routing/matcher.h"

struct ad_errs;
struct buf;
struct labels;
struct notifier_type;
struct timeint;
struct tmpl_set;

/* prometheus/common TLSConfig */
struct config_tls {
	char	*ca_file, *cert_file, *key_file, *server_name;
	bool	 insecure_skip_verify;
	int	 min_version, max_version;	/* 0: unset; else 0x0301.. */
};

struct config_kv {
	char	*key, *value;
};

/* prometheus/common HTTPClientConfig; *_file secrets are read at load. */
struct config_http {
	bool		 has_basic_auth;
	char		*basic_auth_username;
	char		*basic_auth_password;		/* secret */
	char		*basic_auth_password_file;
	bool		 has_authorization;
	char		*authorization_type;		/* default "Bearer" */
	char		*authorization_credentials;	/* secret */
	char		*authorization_credentials_file;
	bool		 has_oauth2;
	char		*oauth2_client_id;
	char		*oauth2_client_secret;		/* secret */
	char		*oauth2_client_secret_file;
	char		*oauth2_token_url;
	char		**oauth2_scopes;
	size_t		 n_oauth2_scopes;
	struct config_kv *oauth2_endpoint_params;
	size_t		 n_oauth2_endpoint_params;
	char		*oauth2_proxy_url;
	struct config_tls oauth2_tls;
	char		*bearer_token;			/* secret */
	char		*bearer_token_file;
	char		*proxy_url;
	struct config_tls tls;
	bool		 follow_redirects;		/* default true */
	bool		 enable_http2;			/* default true */
};

struct config_global {
	ad_dur_t		 resolve_timeout;	/* default 5m */
	struct config_http	 http;
	char			*smtp_from, *smtp_hello;	/* hello: "localhost" */
	char			*smtp_smarthost;	/* "host:port" or NULL */
	char			*smtp_auth_username, *smtp_auth_password;
	char			*smtp_auth_password_file;
	char			*smtp_auth_secret, *smtp_auth_identity;
	bool			 smtp_require_tls;	/* default true */
	char			*slack_api_url, *slack_api_url_file;
	char			*pagerduty_url;
	char			*opsgenie_api_url, *opsgenie_api_key;
	char			*opsgenie_api_key_file;
	char			*wechat_api_url, *wechat_api_secret;
	char			*wechat_api_corp_id;
	char			*victorops_api_url, *victorops_api_key;
	char			*victorops_api_key_file;
	char			*telegram_api_url, *webex_api_url;
};

/*
 * A route as written, with inherited values already filled in (group_by,
 * timings, receiver, time intervals come from the parent when unset, as
 * dispatch.NewRoute does).  `match` and `match_re` are kept as written
 * (for config show) and also compiled into `matchers`, sorted as
 * Alertmanager sorts them; the route tree uses `matchers` only.
 */
struct config_route {
	char			*receiver;
	char			**group_by;		/* without "..." */
	size_t			 n_group_by;
	bool			 group_by_all;		/* group_by: ['...'] */
	struct config_kv	*match;			/* as written */
	size_t			 n_match;
	struct config_kv	*match_re;		/* as written */
	size_t			 n_match_re;
	struct matchers		 matchers_written;	/* `matchers:` only */
	struct matchers		 matchers;		/* all three, sorted */
	char			**mute_time_intervals;
	size_t			 n_mute_time_intervals;
	char			**active_time_intervals;
	size_t			 n_active_time_intervals;
	bool			 continue_;
	ad_dur_t		 group_wait;		/* 30s */
	ad_dur_t		 group_interval;	/* 5m */
	ad_dur_t		 repeat_interval;	/* 4h */
	bool			 group_wait_set, group_interval_set;
	bool			 repeat_interval_set, group_by_set;
	struct config_route	**routes;
	size_t			 n_routes;
	int			 line;			/* in the config file */
};

/* One entry of a receiver's *_configs lists. */
struct config_integration {
	const struct notifier_type *type;
	void			*conf;		/* type->..., freed by the type */
	unsigned		 idx;		/* index within its *_configs list */
	bool			 send_resolved;
};

struct config_receiver {
	char				*name;
	/* In Alertmanager's order: webhook, email, pagerduty, opsgenie,
	 * wechat, slack, victorops, pushover, sns, telegram, discord,
	 * webex, then the integrations added after 0.25. */
	struct config_integration	*integrations;
	size_t				 n_integrations;
};

struct config_inhibit_rule {
	struct matchers	 source, target;	/* all three forms, compiled */
	char		**equal;
	size_t		 n_equal;
	char		*name;			/* optional (0.30) */
};

struct config {
	atomic_uint			 refs;
	char				*path;
	char				*raw;		/* the file's bytes */
	size_t				 raw_len;
	struct config_global		 global;
	struct config_route		*route;
	struct config_receiver		*receivers;
	size_t				 n_receivers;
	struct config_inhibit_rule	*inhibit_rules;
	size_t				 n_inhibit_rules;
	/* time_intervals and mute_time_intervals together, by name */
	struct timeint			**time_intervals;
	size_t				 n_time_intervals;
	char				**templates;	/* globs as written */
	size_t				 n_templates;
	struct tmpl_set			*tmpl;		/* defaults + files */
};

/*
 * Loads, defaults and validates path.  On failure returns NULL and appends
 * every error to errs (each with file:line:col where known).
 */
struct config	*config_load(const char *path, struct ad_errs *errs);
/* Same from bytes; base_dir resolves relative `templates:` globs. */
struct config	*config_load_bytes(const char *name, const char *data,
		    size_t len, const char *base_dir, struct ad_errs *errs);
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

/* alertmanager_config_hash: as Alertmanager computes it from the file. */
double		 config_hash(const struct config *c);

#endif
