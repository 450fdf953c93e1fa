/*
 * alertd: command line, startup, signals, shutdown.
 *
 * Every flag of Alertmanager 0.25 with its name and upstream default
 * (kingpin syntax: --flag=value or --flag value, --no-flag for booleans,
 * repeatable --web.listen-address and --cluster.peer), plus alertd's own
 * limits.  Startup follows cmd/alertmanager/main.go and logs the same
 * messages; then the main thread blocks every signal and waits in
 * sigtimedwait (STYLE 1.7): SIGHUP reloads, SIGTERM/SIGINT stop, and the
 * timeout runs the alert GC every --alerts.gc-interval.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "alertd/alertd.h"
#include "alertd/api.h"
#include "alertd/buf.h"
#include "alertd/dispatcher.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/metrics.h"
#include "alertd/store.h"
#include "alertd/alert.h"
#include "alertd/web_config.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "notifiers/nflog.h"
#include "notifiers/notify.h"
#include "notifiers/pipeline.h"
#include "silences/silence_file.h"
#include "silences/silence_store.h"

enum ftype { F_STR, F_STRS, F_DUR, F_INT, F_BOOL, F_SIZE };

struct strv {
	char	**v;
	size_t	  n;
	bool	  set;	/* given at least once (replaces the default) */
};

struct opts {
	const char	*config_file, *storage_path, *external_url;
	const char	*route_prefix, *web_config, *ui_path, *cluster_listen;
	const char	*cluster_advertise, *cluster_tls;
	const char	*log_level, *log_format;
	ad_dur_t	 retention, maintenance, gc, web_timeout, conn_timeout;
	ad_dur_t	 peer_timeout, gossip, pushpull, tcp_timeout;
	ad_dur_t	 probe_timeout, probe_interval, settle, reconnect_int;
	ad_dur_t	 reconnect_timeout;
	long		 get_concurrency, threads;
	long		 max_alerts, max_labels, max_silences, max_silence_size;
	long		 max_body, max_label_size, max_annotation_size;
	bool		 systemd_socket, insecure_advertise, check, version;
	struct strv	 listen, peers;
};

struct flag {
	const char	*name;
	enum ftype	 type;
	const char	*dflt;
	void		*ptr;
	const char	*help;
};

static struct opts	o;

#define FL(n, t, d, p, h)	{ n, t, d, &o.p, h }

static const struct flag flags[] = {
	FL("config.file", F_STR, "alertmanager.yml", config_file,
	    "Alertmanager configuration file name."),
	FL("config.check", F_BOOL, "false", check,
	    "Check the configuration file, print every error, and exit "
	    "(alertd)."),
	FL("storage.path", F_STR, "data/", storage_path,
	    "Base path for data storage."),
	FL("data.retention", F_DUR, "120h", retention,
	    "How long to keep data for."),
	FL("data.maintenance-interval", F_DUR, "15m", maintenance,
	    "Interval between garbage collection and snapshotting to disk of "
	    "the silences and the notification logs."),
	FL("alerts.gc-interval", F_DUR, "30m", gc,
	    "Interval between alert GC."),
	FL("web.systemd-socket", F_BOOL, "false", systemd_socket,
	    "Use systemd socket activation listeners instead of port "
	    "listeners (Linux only)."),
	FL("web.listen-address", F_STRS, ":9093", listen,
	    "Addresses on which to expose metrics and web interface. "
	    "Repeatable for multiple addresses."),
	FL("web.config.file", F_STR, "", web_config,
	    "[EXPERIMENTAL] Path to configuration file that can enable TLS "
	    "or authentication."),
	FL("web.external-url", F_STR, "", external_url,
	    "The URL under which Alertmanager is externally reachable."),
	FL("web.route-prefix", F_STR, "", route_prefix,
	    "Prefix for the internal routes of web endpoints. Defaults to "
	    "path of --web.external-url."),
	FL("web.get-concurrency", F_INT, "0", get_concurrency,
	    "Maximum number of GET requests processed concurrently. If "
	    "negative or zero, the limit is GOMAXPROC or 8, whichever is "
	    "larger."),
	FL("web.timeout", F_DUR, "0", web_timeout,
	    "Timeout for HTTP requests. If negative or zero, no timeout is "
	    "set."),
	FL("web.ui-path", F_STR, "", ui_path,
	    "Accepted for Debian's unit files; alertd embeds its UI."),
	FL("web.max-body-size", F_SIZE, "32MiB", max_body,
	    "Largest request body accepted; larger ones get 413 (alertd)."),
	FL("web.connection-timeout", F_DUR, "60s", conn_timeout,
	    "Idle time after which a connection is closed, and longest time "
	    "to receive one request (alertd)."),
	FL("web.threads", F_INT, "0", threads,
	    "HTTP worker threads per listen address; 0: 2 per CPU, at least "
	    "4 (alertd)."),
	FL("api.max-alerts-per-request", F_INT, "10000", max_alerts,
	    "Most alerts in one POST /api/v2/alerts; more gets 413 (alertd)."),
	FL("api.max-labels-per-alert", F_INT, "512", max_labels,
	    "Most labels of one alert; an alert with more is rejected "
	    "(alertd)."),
	FL("api.max-label-size", F_SIZE, "16KiB", max_label_size,
	    "Longest label name or value; longer is rejected (alertd)."),
	FL("api.max-annotation-size", F_SIZE, "1MiB", max_annotation_size,
	    "Longest annotation value; longer is rejected (alertd)."),
	FL("silences.max-silences", F_INT, "0", max_silences,
	    "Maximum number of silences, including expired silences. If "
	    "negative or zero, no limit is set (0.28)."),
	FL("silences.max-silence-size-bytes", F_INT, "0", max_silence_size,
	    "Maximum silence size in bytes. If negative or zero, no limit is "
	    "set (0.28)."),
	FL("cluster.listen-address", F_STR, "0.0.0.0:9094", cluster_listen,
	    "Listen address for cluster. Set to empty string to disable HA "
	    "mode."),
	FL("cluster.advertise-address", F_STR, "", cluster_advertise,
	    "Explicit address to advertise in cluster."),
	FL("cluster.peer", F_STRS, "", peers,
	    "Initial peers (may be repeated)."),
	FL("cluster.peer-timeout", F_DUR, "15s", peer_timeout,
	    "Time to wait between peers to send notifications."),
	FL("cluster.gossip-interval", F_DUR, "200ms", gossip,
	    "Interval between sending gossip messages."),
	FL("cluster.pushpull-interval", F_DUR, "1m0s", pushpull,
	    "Interval for gossip state syncs."),
	FL("cluster.tcp-timeout", F_DUR, "10s", tcp_timeout,
	    "Timeout for establishing a stream connection with a remote node "
	    "for a full state sync, and for stream read and write "
	    "operations."),
	FL("cluster.probe-timeout", F_DUR, "500ms", probe_timeout,
	    "Timeout to wait for an ack from a probed node before assuming "
	    "it is unhealthy."),
	FL("cluster.probe-interval", F_DUR, "1s", probe_interval,
	    "Interval between random node probes."),
	FL("cluster.settle-timeout", F_DUR, "1m0s", settle,
	    "Maximum time to wait for cluster connections to settle before "
	    "evaluating notifications."),
	FL("cluster.reconnect-interval", F_DUR, "10s", reconnect_int,
	    "Interval between attempting to reconnect to lost peers."),
	FL("cluster.reconnect-timeout", F_DUR, "6h0m0s", reconnect_timeout,
	    "Length of time to attempt to reconnect to a lost peer."),
	FL("cluster.tls-config", F_STR, "", cluster_tls,
	    "[EXPERIMENTAL] Path to config yaml file that can enable mutual "
	    "TLS within the gossip protocol."),
	FL("cluster.allow-insecure-public-advertise-address-discovery",
	    F_BOOL, "false", insecure_advertise,
	    "[EXPERIMENTAL] Allow alertmanager to discover and listen on a "
	    "public IP address."),
	FL("log.level", F_STR, "info", log_level,
	    "Only log messages with the given severity or above. One of: "
	    "[debug, info, warn, error]"),
	FL("log.format", F_STR, "logfmt", log_format,
	    "Output format of log messages. One of: [logfmt, json]"),
	FL("version", F_BOOL, "false", version, "Show application version."),
	{ NULL, F_STR, NULL, NULL, NULL }
};

static void __attribute__((noreturn))
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "alertd: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, ", try --help\n");
	exit(2);
}

static void __attribute__((noreturn))
usage(void)
{
	const struct flag	*f;

	printf("usage: alertd [<flags>]\n\nFlags:\n"
	    "  -h, --help  Show context-sensitive help.\n");
	for (f = flags; f->name != NULL; f++) {
		if (f->type == F_BOOL)
			printf("      --%s\n", f->name);
		else
			printf("      --%s=\"%s\"%s\n", f->name, f->dflt,
			    f->type == F_STRS ? " ..." : "");
		printf("          %s\n", f->help);
	}
	exit(0);
}

/* A size: bytes, or with a KiB, MiB, GiB suffix (or KB, MB, GB). */
static int
parse_size(const char *s, long *out)
{
	static const struct { const char *sfx; long mul; } u[] = {
		{ "KiB", 1L << 10 }, { "MiB", 1L << 20 }, { "GiB", 1L << 30 },
		{ "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
		{ "B", 1 }, { "", 1 }
	};
	char	*end;
	long	 v;
	size_t	 i;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno != 0 || v < 0)
		return -1;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (strcmp(end, u[i].sfx) == 0 && v <= LONG_MAX / u[i].mul) {
			*out = v * u[i].mul;
			return 0;
		}
	return -1;
}

static void
set_flag(const struct flag *f, const char *v)
{
	struct ad_err	 err;
	struct strv	*sv;
	char		*end;

	switch (f->type) {
	case F_STR:
		*(const char **)f->ptr = v;
		break;
	case F_STRS:
		sv = f->ptr;
		if (!sv->set)
			sv->n = 0;
		sv->set = true;
		sv->v = xreallocarray(sv->v, sv->n + 1, sizeof(*sv->v));
		sv->v[sv->n++] = (char *)v;
		break;
	case F_DUR:
		if (dur_parse_go(v, f->ptr, &err) == -1)
			usage_error("%s", err.msg);
		break;
	case F_INT:
		errno = 0;
		*(long *)f->ptr = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0)
			usage_error("strconv.ParseInt: parsing \"%s\": "
			    "invalid syntax", v);
		break;
	case F_SIZE:
		if (parse_size(v, f->ptr) == -1)
			usage_error("invalid size \"%s\"", v);
		break;
	case F_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			*(bool *)f->ptr = true;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			*(bool *)f->ptr = false;
		else
			usage_error("strconv.ParseBool: parsing \"%s\": "
			    "invalid syntax", v);
		break;
	}
}

static const struct flag *
find_flag(const char *name, size_t len)
{
	const struct flag	*f;

	for (f = flags; f->name != NULL; f++)
		if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
			return f;
	return NULL;
}

static void
set_defaults(void)
{
	const struct flag	*f;

	for (f = flags; f->name != NULL; f++)
		if (f->dflt[0] != '\0' || f->type == F_STR)
			set_flag(f, f->dflt);
	o.listen.set = o.peers.set = false;
}

/* Parses one "--name[=value]" at argv[*i]; may consume argv[*i + 1]. */
static void
parse_long(int argc, char **argv, int *i)
{
	const char		*arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t			 len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct flag	*f = find_flag(arg, len);

	if (f == NULL && len > 3 && strncmp(arg, "no-", 3) == 0 && eq == NULL) {
		f = find_flag(arg + 3, len - 3);
		if (f != NULL && f->type == F_BOOL) {
			*(bool *)f->ptr = false;
			return;
		}
		f = NULL;
	}
	if (f == NULL) {
		if (strncmp(arg, "help", len) == 0 && len == 4)
			usage();
		usage_error("unknown long flag '%s'", argv[*i]);
	}
	if (eq != NULL)
		set_flag(f, eq + 1);
	else if (f->type == F_BOOL)
		*(bool *)f->ptr = true;
	else if (*i + 1 < argc)
		set_flag(f, argv[++*i]);
	else
		usage_error("expected argument for flag '%s'", argv[*i]);
}

static void
parse_args(int argc, char **argv)
{
	int	i;

	set_defaults();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0)
			usage();
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0')
			parse_long(argc, argv, &i);
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage_error("unknown short flag '%s'", argv[i]);
		else
			usage_error("unexpected %s", argv[i]);
	}
}

static void
print_version(void)
{
	struct utsname	u;

	uname(&u);
	printf("alertd, version %s (branch: alertd, revision: alertd-%s)\n"
	    "  build user:       \n  build date:       %s %s\n"
	    "  compiler:         %s\n  platform:         linux/%s\n"
	    "  compatible with:  alertmanager %s\n", ALERTD_VERSION,
	    ALERTD_VERSION, __DATE__, __TIME__, __VERSION__, u.machine,
	    ALERTD_AM_VERSION);
}

/* ------------------------------------------------------------ startup -- */

/* A ULID (Crockford base32 of 48 bits of ms time and 80 random bits). */
static void
make_ulid(char out[27])
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char	r[16];
	uint64_t	ms = (uint64_t)(ad_now() / AD_MS);
	int		i, bit;

	for (i = 0; i < 6; i++)
		r[i] = (unsigned char)(ms >> (40 - 8 * i));
	if (getrandom(r + 6, 10, 0) != 10)
		memset(r + 6, 0, 10);
	/* 128 bits as 26 characters: the first carries 3 bits. */
	for (i = 0; i < 26; i++) {
		int	v = 0, b;

		for (b = 0; b < 5; b++) {
			bit = i * 5 + b - 2;
			v <<= 1;
			if (bit >= 0)
				v |= (r[bit / 8] >> (7 - bit % 8)) & 1;
		}
		out[i] = b32[v];
	}
	out[26] = '\0';
}

/* Alertmanager advertises a private address when bound to 0.0.0.0. */
static char *
cluster_address(void)
{
	struct ifaddrs	*ifs, *i;
	const char	*colon = strrchr(o.cluster_listen, ':');
	char		 host[INET_ADDRSTRLEN] = "";
	char		*res;

	if (o.cluster_advertise[0] != '\0')
		return xstrdup(o.cluster_advertise);
	if (colon == NULL || (strncmp(o.cluster_listen, "0.0.0.0:", 8) != 0 &&
	    colon != o.cluster_listen))
		return xstrdup(o.cluster_listen);
	if (getifaddrs(&ifs) == 0) {
		for (i = ifs; i != NULL && host[0] == '\0'; i = i->ifa_next)
			if (i->ifa_addr != NULL &&
			    i->ifa_addr->sa_family == AF_INET &&
			    strncmp(i->ifa_name, "lo", 2) != 0)
				inet_ntop(AF_INET, &((struct sockaddr_in *)
				    (void *)i->ifa_addr)->sin_addr, host,
				    sizeof(host));
		freeifaddrs(ifs);
	}
	res = xasprintf("%s%s", host[0] ? host : "127.0.0.1", colon);
	return res;
}

static void
setup_cluster(struct alertd *ad)
{
	if (o.cluster_listen[0] == '\0')
		return;
	ad->cluster.enabled = true;
	make_ulid(ad->cluster.name);
	ad->cluster.address = cluster_address();
	log_warnkv("clustering is not implemented yet: running as a single "
	    "node that is its own only peer", "cluster.listen-address",
	    o.cluster_listen, (char *)NULL);
}

/* Trims the slashes at both ends of s (in place). */
static char *
trim_slashes(char *s)
{
	size_t	n;

	while (s[0] == '/')
		memmove(s, s + 1, strlen(s));
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* cmd/alertmanager's extURL and the route prefix derived from it. */
static int
setup_urls(struct alertd *ad, struct ad_err *err)
{
	char		 host[256], *url, *sep, *path;
	const char	*colon;
	size_t		 hostlen;

	if (o.external_url[0] == '\0') {
		if (gethostname(host, sizeof(host)) == -1)
			return ad_err_set(err, AD_EIO, "%s", strerror(errno));
		host[sizeof(host) - 1] = '\0';
		colon = strrchr(o.listen.v[0], ':');
		if (colon == NULL || colon[1] == '\0')
			log_warnkv("no port found for listen address",
			    "address", o.listen.v[0], (char *)NULL);
		url = xasprintf("http://%s:%s/", host, colon ? colon + 1 : "");
	} else
		url = xstrdup(o.external_url);
	sep = strstr(url, "://");
	if (sep == NULL || !((sep - url == 4 && strncmp(url, "http", 4) == 0) ||
	    (sep - url == 5 && strncmp(url, "https", 5) == 0))) {
		ad_err_set(err, AD_EINVAL, "\"%s\": invalid scheme, only "
		    "'http' and 'https' are supported", url);
		free(url);
		return -1;
	}
	hostlen = strcspn(sep + 3, "/?#");
	path = xstrndup(sep + 3 + hostlen, strcspn(sep + 3 + hostlen, "?#"));
	sep[3 + hostlen] = '\0';
	trim_slashes(path);
	free(ad->external_url);
	ad->external_url = xasprintf("%s%s%s", url, path[0] ? "/" : "", path);
	free(ad->route_prefix);
	if (o.route_prefix[0] != '\0') {
		free(path);
		path = trim_slashes(xstrdup(o.route_prefix));
	}
	ad->route_prefix = xasprintf("/%s", path);
	free(path);
	free(url);
	return 0;
}

static void
setup_limits(struct alertd *ad)
{
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu < 1)
		ncpu = 1;
	ad->limits.max_body = (size_t)o.max_body;
	ad->limits.max_alerts = (size_t)o.max_alerts;
	ad->limits.max_labels = (size_t)o.max_labels;
	ad->limits.max_label_size = (size_t)o.max_label_size;
	ad->limits.max_annotation_size = (size_t)o.max_annotation_size;
	ad->limits.get_concurrency = (int)(o.get_concurrency > 0 ?
	    o.get_concurrency : (ncpu > 8 ? ncpu : 8));
	ad->limits.web_timeout = o.web_timeout;
	ad->limits.conn_timeout = o.conn_timeout > 0 ? o.conn_timeout :
	    60 * AD_SEC;
	ad->limits.threads = (int)(o.threads > 0 ? o.threads :
	    (ncpu * 2 > 4 ? ncpu * 2 : 4));
}

static int
check_config(void)
{
	return config_check_main(o.config_file, stdout);
}

static void
init_logs(void)
{
	enum log_level	lvl;
	enum log_format	fmt;

	if (log_parse_level(o.log_level, &lvl) == -1)
		usage_error("unrecognized log level \"%s\"", o.log_level);
	if (log_parse_format(o.log_format, &fmt) == -1)
		usage_error("unrecognized log format \"%s\"", o.log_format);
	log_init(lvl, fmt);
}

static int
mkdir_p(const char *path)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = strchr(p + 1, '/'); s != NULL && rc == 0;
	    s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0777) == -1 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* ----------------------------------------------------------- silences -- */

static struct silence_file	*silence_file;

static void
silences_maintenance(struct alertd *ad)
{
	struct ad_err	err;

	log_set_component("silences");
	if (silence_store_maintenance(ad->silences, ad_now(), &err) == -1)
		log_errorkv("Running maintenance failed", "err", err.msg,
		    (char *)NULL);
	log_set_component(NULL);
}

/* Shutdown: compact into a snapshot, then close. */
static void
silences_stop(void *arg)
{
	struct alertd	*ad = arg;

	silences_maintenance(ad);
	silence_store_free(ad->silences);
	ad->silences = NULL;
	silence_file_close(silence_file);
	silence_file = NULL;
}

/* The durable silence store; imports Alertmanager's on the first run. */
static int
setup_silences(struct alertd *ad)
{
	struct silence_store_opts	 so;
	struct ad_err			 err;
	char				*snap;

	silence_file = silence_file_open(ad->storage_path, &err);
	if (silence_file == NULL) {
		log_errorkv("Unable to open the silences", "err", err.msg,
		    (char *)NULL);
		return -1;
	}
	memset(&so, 0, sizeof(so));
	so.retention = ad->retention;
	so.max_silences = o.max_silences > 0 ? (size_t)o.max_silences : 0;
	so.max_silence_size = o.max_silence_size > 0 ?
	    (size_t)o.max_silence_size : 0;
	so.state = &silence_file_ops;
	so.state_arg = silence_file;
	ad->silences = silence_store_new(&so);
	alertd_on_stop(ad, silences_stop, ad);
	if (silence_store_load(ad->silences, ad_now(), &err) == -1) {
		log_errorkv("Loading the silences failed", "err", err.msg,
		    (char *)NULL);
		return -1;
	}
	snap = xasprintf("%s/silences", ad->storage_path);
	if (silence_file_was_empty(silence_file) && silence_store_import_am(
	    ad->silences, snap, ad_now(), &err) == -1)
		log_warnkv("Importing Alertmanager's silences failed", "err",
		    err.msg, (char *)NULL);
	free(snap);
	/* alertd_status asks ad->silences for silencedBy from now on. */
	return 0;
}

/* ------------------------------------------- notifications, routing -- */

/*
 * The notify thread, the notification log and the pipeline, then the
 * routing service (route tree, inhibitor, dispatcher per config, see
 * alertd/dispatcher.h), whose reload hook starts the first dispatcher
 * when the config is loaded.  Shutdown in pipeline.h's order.
 */
static struct notify		*notifier;
static struct nflog		*notif_log;
static struct pipeline		*pipeline;
static struct dispatcher	*routing;

/* The pipeline's silences stage (silence.Silencer.Mutes). */
static bool
silenced_muter(void *arg, const struct alert *a, ad_time_t now)
{
	struct silence_mark	m;
	bool			muted;

	memset(&m, 0, sizeof(m));
	muted = silence_store_mutes(arg, a->labels, now, &m);
	silence_mark_release(&m);
	return muted;
}

static int
setup_routing(struct alertd *ad)
{
	struct nflog_opts	lo;
	struct pipeline_opts	po;
	struct notify_muters	m;
	struct ad_err		err;

	notifier = notify_new(NULL);
	if (notify_start(notifier, &err) == -1) {
		log_errorkv("Unable to start the notifier", "err", err.msg,
		    (char *)NULL);
		return -1;
	}
	memset(&lo, 0, sizeof(lo));
	lo.dir = ad->storage_path;
	lo.retention = ad->retention;
	lo.maintenance_interval = ad->maintenance_interval;
	notif_log = nflog_open(&lo, &err);
	if (notif_log == NULL) {
		log_errorkv("Unable to open the notification log", "err",
		    err.msg, (char *)NULL);
		return -1;
	}
	ad->notify = notifier;		/* for /metrics */
	ad->nflog = notif_log;
	memset(&po, 0, sizeof(po));
	po.notify = notifier;
	po.nflog = notif_log;
	po.external_url = ad->external_url;
	pipeline = pipeline_new(&po);
	routing = dispatcher_new(ad, pipeline);
	memset(&m, 0, sizeof(m));
	m.inhibited = dispatcher_inhibited;
	m.inhibited_arg = routing;
	m.silenced = silenced_muter;
	m.silenced_arg = ad->silences;
	pipeline_set_muters(pipeline, &m);
	return 0;
}

/* After the stop hooks (the dispatcher is stopped).  Also after a failed
 * start, with whatever setup_routing had built. */
static void
teardown_routing(void)
{
	if (notifier != NULL)
		notify_stop(notifier);
	nflog_close(notif_log);
	pipeline_free(pipeline);
	dispatcher_free(routing);
	notify_free(notifier);
	notif_log = NULL;
	pipeline = NULL;
	routing = NULL;
	notifier = NULL;
}

/* ----------------------------------------------------------- run loop -- */

static void
block_signals(sigset_t *wait)
{
	sigset_t	all;

	signal(SIGPIPE, SIG_IGN);
	sigfillset(&all);
	sigdelset(&all, SIGPIPE);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sigemptyset(wait);
	sigaddset(wait, SIGHUP);
	sigaddset(wait, SIGTERM);
	sigaddset(wait, SIGINT);
}

/* Waits for signals; runs the GC when its interval elapses. */
static void
run(struct alertd *ad, const sigset_t *wait)
{
	struct ad_errs	errs;
	struct timespec	ts;
	int64_t		next_gc = ad_mono() + ad->gc_interval, left;
	int64_t		next_maint = ad_mono() + ad->maintenance_interval;
	int		sig;

	for (;;) {
		if (ad_mono() >= next_maint) {
			silences_maintenance(ad);
			next_maint = ad_mono() + ad->maintenance_interval;
		}
		left = (next_gc < next_maint ? next_gc : next_maint) -
		    ad_mono();
		if (left < 0)
			left = 0;
		ts.tv_sec = left / AD_SEC;
		ts.tv_nsec = left % AD_SEC;
		sig = sigtimedwait(wait, NULL, &ts);
		if (sig == SIGHUP) {
			ad_errs_init(&errs);
			alertd_reload(ad, &errs);	/* logs its errors */
			ad_errs_release(&errs);
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_info("Received %s, exiting gracefully...",
			    sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		} else if (sig == -1 && errno == EAGAIN &&
		    ad_mono() >= next_gc) {
			store_gc(ad->alerts, ad_now());
			next_gc = ad_mono() + ad->gc_interval;
		}
	}
}

/*
 * --web.config.file: exporter-toolkit's Serve checks it before serving
 * (its errors are Alertmanager's "Listen error"); then every request and
 * every TLS connection reads it again when it changed (web_config.h).
 */
static int
setup_web(struct alertd *ad, bool *tls, struct ad_err *err)
{
	*tls = false;
	if (o.web_config[0] == '\0')
		return 0;
	if (web_config_validate(o.web_config, tls, err) == -1)
		return -1;
	ad->web = web_config_watch_new(o.web_config);
	return 0;
}

static int
start(struct alertd *ad)
{
	struct ad_errs	errs;
	struct ad_err	err;
	sigset_t	wait;
	bool		tls;

	/* Before the first thread: every thread inherits the mask. */
	block_signals(&wait);
	/* The pipeline copies the external URL: resolve it first. */
	if (setup_urls(ad, &err) == -1) {
		log_errorkv("failed to determine external URL", "err", err.msg,
		    (char *)NULL);
		return 1;
	}
	if (setup_routing(ad) == -1)
		return 1;
	ad_errs_init(&errs);
	if (alertd_reload(ad, &errs) == -1) {
		ad_errs_release(&errs);
		return 1;
	}
	ad_errs_release(&errs);
	log_debugkv("", "externalURL", ad->external_url, "routePrefix",
	    ad->route_prefix, (char *)NULL);
	if (setup_web(ad, &tls, &err) == 0)
		ad->api = api_start(ad, o.listen.v, o.listen.n, tls, &err);
	if (ad->api == NULL) {
		log_errorkv("Listen error", "err", err.msg, (char *)NULL);
		return 1;
	}
	run(ad, &wait);
	api_stop(ad->api);
	ad->api = NULL;
	alertd_run_stop(ad);
	teardown_routing();
	return 0;
}

int
main(int argc, char **argv)
{
	struct alertd	ad;
	char		vers[128];
	int		rc;

	parse_args(argc, argv);
	if (o.version) {
		print_version();
		return 0;
	}
	init_logs();
	if (o.check)
		return check_config();
	snprintf(vers, sizeof(vers), "(version=%s, branch=alertd, "
	    "revision=alertd-%s)", ALERTD_VERSION, ALERTD_VERSION);
	log_infokv("Starting alertd", "version", vers, (char *)NULL);
	if (o.systemd_socket)
		fatalx("--web.systemd-socket is not supported by alertd yet");
	if (mkdir_p(o.storage_path) == -1) {
		log_errorkv("Unable to create data directory", "err",
		    strerror(errno), (char *)NULL);
		return 1;
	}
	alertd_init(&ad);
	ad.config_file = o.config_file;
	ad.storage_path = o.storage_path;
	ad.retention = o.retention;
	ad.maintenance_interval = o.maintenance > 0 ? o.maintenance :
	    15 * AD_MIN;
	ad.gc_interval = o.gc > 0 ? o.gc : 30 * AD_MIN;
	ad.started_at = ad_now();
	setup_limits(&ad);
	setup_cluster(&ad);
	metrics_register_process();
	api_metrics_register(&ad);
	rc = setup_silences(&ad) == -1 ? 1 : start(&ad);
	if (rc != 0) {
		alertd_run_stop(&ad);
		teardown_routing();
	}
	web_config_watch_free(ad.web);
	alertd_release(&ad);
	free(o.listen.v);
	free(o.peers.v);
	return rc;
}
