/*
 * web_config: exporter-toolkit 0.8's web configuration (see web_config.h)
 * for Alertmanager's --web.config.file: getConfig's strict YAML and
 * header checks (on config/'s yaml.v2 decoder), Serve's start-up checks
 * with their texts, the per-request basic auth of its webHandler, and TLS
 * through libmicrohttpd's GnuTLS: every new connection gets the current
 * credentials, priorities and client-certificate policy before its
 * handshake, as GetConfigForClient gives Go's server a fresh tls.Config.
 *
 * Kept from exporter-toolkit on purpose: an unknown user still costs a
 * bcrypt (dummy hash); bcrypt runs one at a time; the client CA file is
 * read as AppendCertsFromPEM does (what does not parse is skipped); a
 * cipher list without an HTTP/2 cipher fails start-up while http2 is on,
 * as Go's HTTP/2 server refuses it.
 * Differences (GnuTLS): HTTP/1.1 only (ALPN); cipher_suites become GnuTLS
 * priorities of their key exchanges, ciphers and MACs, so any pairing of
 * the listed parts is allowed, and TLS 1.3 keeps its three AEADs whatever
 * the list says (Go ignores the list for TLS 1.3).
 */
#include "alertd/web_config.h"

#include <crypt.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <libgen.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/goglob.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "config/decode.h"
#include "config/ynode.h"

#define WEB_FILE_MAX		(1u << 20)	/* web config, certs, keys */
#define WEB_AUTH_CACHE		100		/* exporter-toolkit's size */
#define WEB_DECODE_BUDGET	100000		/* node visits */

/* A bcrypt hash of a password nobody has, checked for unknown users. */
#define WEB_DUMMY_HASH \
	"$2y$10$aLeRtDdUmMyUsErSaLt0..awlSCrz/iQpWZBHUc/o7RR5pGKkE8BG"

enum web_client_auth {
	WEB_NO_CLIENT_CERT,
	WEB_REQUEST_CLIENT_CERT,
	WEB_REQUIRE_ANY_CLIENT_CERT,
	WEB_VERIFY_CLIENT_CERT_IF_GIVEN,
	WEB_REQUIRE_AND_VERIFY_CLIENT_CERT
};

/* A []web.Cipher or []web.Curve: Go's IDs. */
struct web_ids {
	uint16_t	*v;
	size_t		 n;
};

/* The YAML of the file (web.Config). */
struct web_tls_conf {
	char		*cert_file, *key_file, *client_auth, *client_ca_file;
	struct web_ids	 ciphers, curves;
	int		 min_version, max_version;	/* 0x0301 ... */
	bool		 prefer_server;
};

struct web_http_conf {
	bool		 http2;
	struct config_kv *headers;
	size_t		 n_headers;
};

struct web_file {
	struct web_tls_conf	 tls;
	struct web_http_conf	 http;
	struct config_kv	*users;
	size_t			 n_users;
};

struct web_config {
	atomic_int	 refs;
	struct web_file	 f;
};

/* What stat(2) says of a file: equal stamps, same contents seen. */
struct web_stamp {
	bool		ok;
	int		err;
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtime, ctime;
};

/* The TLS settings one reading of the files gives (per connection). */
struct web_tls {
	atomic_int				 refs;
	struct web_config			*conf;
	struct web_stamp			 stamps[3]; /* cert key ca */
	gnutls_certificate_credentials_t	 cred;
	gnutls_priority_t			 prio;	/* NULL: no version */
	enum web_client_auth			 auth;
	char					*cert_pem, *key_pem;
};

struct web_auth_entry {
	unsigned char	mac[32];
	bool		ok;
};

struct web_config_watch {
	char			*path;
	pthread_mutex_t		 lock;		/* stamp, cur, err, tls */
	bool			 loaded;
	struct web_stamp	 stamp;
	struct web_config	*cur;
	struct ad_err		 cur_err;	/* when cur is NULL */
	struct web_tls		*tls;
	gnutls_certificate_credentials_t nocred; /* fails a handshake */
	char			*mhd_cert, *mhd_key;

	pthread_mutex_t		 bcrypt_lock;	/* one bcrypt at a time */
	struct crypt_data	*crypt;
	pthread_mutex_t		 cache_lock;
	struct web_auth_entry	 cache[WEB_AUTH_CACHE];
	size_t			 n_cache;
	unsigned char		 mac_key[32];
};

/* A connection's TLS state (MHD's socket context). */
struct web_conn {
	struct web_tls	*tls;
};

/* ------------------------------------------------------------ tables -- */

struct web_name {
	const char	*name;
	uint16_t	 id;
	const char	*gnutls;	/* priority parts */
};

/* crypto/tls's CipherSuites() of Go 1.19 (the secure ones). */
static const struct web_name web_ciphers[] = {
	{ "TLS_RSA_WITH_AES_128_CBC_SHA", 0x002f, "RSA:AES-128-CBC:SHA1" },
	{ "TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035, "RSA:AES-256-CBC:SHA1" },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c, "RSA:AES-128-GCM:AEAD" },
	{ "TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009d, "RSA:AES-256-GCM:AEAD" },
	{ "TLS_AES_128_GCM_SHA256", 0x1301, "AES-128-GCM:AEAD" },
	{ "TLS_AES_256_GCM_SHA384", 0x1302, "AES-256-GCM:AEAD" },
	{ "TLS_CHACHA20_POLY1305_SHA256", 0x1303, "CHACHA20-POLY1305:AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc009,
	    "ECDHE-ECDSA:AES-128-CBC:SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xc00a,
	    "ECDHE-ECDSA:AES-256-CBC:SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc013,
	    "ECDHE-RSA:AES-128-CBC:SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xc014,
	    "ECDHE-RSA:AES-256-CBC:SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b,
	    "ECDHE-ECDSA:AES-128-GCM:AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c,
	    "ECDHE-ECDSA:AES-256-GCM:AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f,
	    "ECDHE-RSA:AES-128-GCM:AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030,
	    "ECDHE-RSA:AES-256-GCM:AEAD" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8,
	    "ECDHE-RSA:CHACHA20-POLY1305:AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9,
	    "ECDHE-ECDSA:CHACHA20-POLY1305:AEAD" },
	{ NULL, 0, NULL }
};

static const struct web_name web_curves[] = {
	{ "CurveP256", 23, "GROUP-SECP256R1" },
	{ "CurveP384", 24, "GROUP-SECP384R1" },
	{ "CurveP521", 25, "GROUP-SECP521R1" },
	{ "X25519", 29, "GROUP-X25519" },
	{ NULL, 0, NULL }
};

static const struct web_name web_versions[] = {
	{ "TLS10", 0x0301, "VERS-TLS1.0" },
	{ "TLS11", 0x0302, "VERS-TLS1.1" },
	{ "TLS12", 0x0303, "VERS-TLS1.2" },
	{ "TLS13", 0x0304, "VERS-TLS1.3" },
	{ NULL, 0, NULL }
};

static const struct web_name *
name_find(const struct web_name *t, const char *name)
{
	for (; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static const struct web_name *
id_find(const struct web_name *t, uint16_t id)
{
	for (; t->name != NULL; t++)
		if (t->id == id)
			return t;
	return NULL;
}

/* ----------------------------------------------------------- decoding -- */

/*
 * The decoder's state: an UnmarshalYAML error (unknown cipher ...) is not
 * a type error in yaml.v2: it ends decoding and is the only error.
 */
struct web_check {
	struct config_check	chk;	/* first: callbacks get &chk */
	char			fatal[256];
};

static int
web_fatal(struct config_check *chk, const char *what, const char *s)
{
	struct web_check	*wc = (struct web_check *)chk;

	if (wc->fatal[0] == '\0')
		snprintf(wc->fatal, sizeof(wc->fatal), "unknown %s: %s", what,
		    s);
	return -1;
}

/* unmarshal((*string)(&s)) of a custom unmarshaler: scalars only. */
static const char *
scalar_string(struct config_check *chk, const struct ynode *n)
{
	char	tag[64];

	if (n->kind == YNODE_SCALAR)
		return n->value;
	config_check_errn(chk, n, NULL, "cannot unmarshal %s into string",
	    ynode_short_tag(n->tag != NULL ? n->tag : (n->kind == YNODE_SEQ ?
	    YTAG_PREFIX "seq" : YTAG_PREFIX "map"), tag, sizeof(tag)));
	return NULL;
}

static int
decode_ids(struct config_check *chk, const struct ynode *n,
    struct web_ids *ids, const struct web_name *tab, const char *what,
    const char *gotype)
{
	const struct web_name	*nm;
	const char		*s;
	char			 val[32];
	size_t			 i;

	n = ynode_deref(n);
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_SEQ) {
		snprintf(val, sizeof(val), n->len > 10 ? "%.7s..." : "%s",
		    n->value != NULL ? n->value : "");
		if (n->kind == YNODE_MAP)
			return config_check_errn(chk, n, NULL, "cannot "
			    "unmarshal !!map into %s", gotype);
		return config_check_errn(chk, n, NULL, "cannot unmarshal "
		    "!!str `%s` into %s", val, gotype);
	}
	ids->v = xcalloc(n->n + 1, sizeof(*ids->v));
	for (i = 0; i < n->n; i++) {
		const struct ynode *it = ynode_deref(n->child[i]);

		if (ynode_is_null(it))
			continue;
		s = scalar_string(chk, it);
		if (s == NULL)
			continue;
		nm = name_find(tab, s);
		if (nm == NULL)
			return web_fatal(chk, what, s);
		ids->v[ids->n++] = nm->id;
	}
	return 0;
}

static int
decode_ciphers(struct config_check *chk, const struct ynode *n, void *field)
{
	return decode_ids(chk, n, field, web_ciphers, "cipher",
	    "[]web.Cipher");
}

static int
decode_curves(struct config_check *chk, const struct ynode *n, void *field)
{
	return decode_ids(chk, n, field, web_curves, "curve", "[]web.Curve");
}

static int
decode_version(struct config_check *chk, const struct ynode *n, void *field)
{
	const struct web_name	*nm;
	const char		*s;

	n = ynode_deref(n);
	if (ynode_is_null(n)) {
		*(int *)field = 0;	/* yaml.v2: the zero value */
		return 0;
	}
	s = scalar_string(chk, n);
	if (s == NULL)
		return -1;
	nm = name_find(web_versions, s);
	if (nm == NULL)
		return web_fatal(chk, "TLS version", s);
	*(int *)field = nm->id;
	return 0;
}

static void
release_ids(void *field)
{
	struct web_ids	*ids = field;

	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

#define WT	struct web_tls_conf
#define WCUSTOM(k, m, dec, rel)						\
	{ .key = (k), .type = CF_CUSTOM, .off = offsetof(WT, m),	\
	  .decode = (dec), .release = (rel) }

static const struct config_field web_tls_fields[] = {
	CF_F("cert_file", CF_STR, 0, WT, cert_file),
	CF_F("key_file", CF_STR, 0, WT, key_file),
	CF_F("client_auth_type", CF_STR, 0, WT, client_auth),
	CF_F("client_ca_file", CF_STR, 0, WT, client_ca_file),
	WCUSTOM("cipher_suites", ciphers, decode_ciphers, release_ids),
	WCUSTOM("curve_preferences", curves, decode_curves, release_ids),
	WCUSTOM("min_version", min_version, decode_version, NULL),
	WCUSTOM("max_version", max_version, decode_version, NULL),
	CF_FI("prefer_server_cipher_suites", CF_BOOL, 0, WT, prefer_server,
	    1),
	CF_END
};

static const struct config_obj web_tls_obj = {
	.go_type = "web.TLSConfig", .size = sizeof(WT),
	.fields = web_tls_fields
};

static const struct config_field web_http_fields[] = {
	CF_FI("http2", CF_BOOL, 0, struct web_http_conf, http2, 1),
	CF_FN("headers", CF_MAP, 0, struct web_http_conf, headers, n_headers),
	CF_END
};

static const struct config_obj web_http_obj = {
	.go_type = "web.HTTPConfig", .size = sizeof(struct web_http_conf),
	.fields = web_http_fields
};

static const struct config_field web_fields[] = {
	CF_FO("tls_server_config", CF_OBJ, 0, struct web_file, tls,
	    &web_tls_obj),
	CF_FO("http_server_config", CF_OBJ, 0, struct web_file, http,
	    &web_http_obj),
	CF_FN("basic_auth_users", CF_MAP, 0, struct web_file, users, n_users),
	CF_END
};

static const struct config_obj web_obj = {
	.go_type = "web.Config", .size = sizeof(struct web_file),
	.fields = web_fields
};

/* yaml.v2's TypeError: "yaml: unmarshal errors:\n  line N: msg"... */
static void
type_errors(const struct ad_errs *errs, struct ad_err *err)
{
	struct buf	m;
	size_t		i;
	int		line;

	buf_init(&m, BUF_NOCAP);
	buf_addstr(&m, "yaml: unmarshal errors:");
	for (i = 0; i < errs->n; i++) {
		/* where is ":line:col" (the decoder's file name is ""). */
		line = 0;
		sscanf(errs->v[i].where, ":%d", &line);
		buf_addf(&m, "\n  line %d: %s", line, errs->v[i].msg);
	}
	ad_err_set(err, AD_EINVAL, "%s", buf_str(&m));
	buf_release(&m);
}

/* Go's %q of a []string: ["a" "b"]. */
static void
add_quoted_list(struct buf *b, const char *const *v)
{
	buf_addch(b, '[');
	for (; *v != NULL; v++) {
		buf_add_goquote(b, *v, strlen(*v));
		if (v[1] != NULL)
			buf_addch(b, ' ');
	}
	buf_addch(b, ']');
}

/* validateHeaderConfig: only these headers, some with fixed values. */
static int
check_headers(const struct web_http_conf *h, struct ad_err *err)
{
	static const char *const nosniff[] = { "nosniff", NULL };
	static const char *const frame[] = { "deny", "sameorigin", NULL };
	static const struct {
		const char		*name;
		const char *const	*values;
	} allowed[] = {
		{ "Strict-Transport-Security", NULL },
		{ "X-Content-Type-Options", nosniff },
		{ "X-Frame-Options", frame },
		{ "X-XSS-Protection", NULL },
		{ "Content-Security-Policy", NULL },
	};
	const char *const	*v;
	struct buf		 m;
	size_t			 i, j;

	for (i = 0; i < h->n_headers; i++) {
		const char	*k = h->headers[i].key;
		const char	*val = h->headers[i].value;

		for (j = 0; j < sizeof(allowed) / sizeof(allowed[0]); j++)
			if (strcmp(allowed[j].name, k) == 0)
				break;
		buf_init(&m, BUF_NOCAP);
		if (j == sizeof(allowed) / sizeof(allowed[0])) {
			buf_addstr(&m, "HTTP header ");
			buf_add_goquote(&m, k, strlen(k));
			buf_addstr(&m, " can not be configured");
			ad_err_set(err, AD_EINVAL, "%s", buf_str(&m));
			buf_release(&m);
			return -1;
		}
		for (v = allowed[j].values; v != NULL && *v != NULL; v++)
			if (strcmp(*v, val) == 0)
				break;
		if (allowed[j].values != NULL && *v == NULL) {
			buf_addf(&m, "invalid value for %s. Expected one of: ",
			    k);
			add_quoted_list(&m, allowed[j].values);
			buf_addstr(&m, ", but got: ");
			buf_add_goquote(&m, val, strlen(val));
			ad_err_set(err, AD_EINVAL, "%s", buf_str(&m));
			buf_release(&m);
			return -1;
		}
		buf_release(&m);
	}
	return 0;
}

/* strerror as Go prints errno: lower case. */
static const char *
go_strerror(int e, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* os.ReadFile with Go's "open path: reason". */
static int
read_file(const char *path, struct buf *out, struct ad_err *err)
{
	struct ad_err	e;
	char		reason[128];
	int		saved;

	errno = 0;
	if (buf_read_file(out, path, &e) == 0)
		return 0;
	saved = errno;
	if (e.code == AD_ELIMIT)
		return ad_err_set(err, AD_ELIMIT, "read %s: file too large",
		    path);
	return ad_err_set(err, AD_EIO, "%s %s: %s", strncmp(e.msg, "read ",
	    5) == 0 ? "read" : "open", path, go_strerror(saved, reason,
	    sizeof(reason)));
}

/* TLSConfig.SetDirectory: config_util.JoinDir for the three paths. */
static void
join_dir(char **p, const char *dir)
{
	char	*j;

	if (*p == NULL || (*p)[0] == '\0' || (*p)[0] == '/')
		return;
	j = xasprintf("%s/%s", dir, *p);
	free(*p);
	*p = goglob_clean(j);
	free(j);
}

static void
set_directory(struct web_tls_conf *t, const char *path)
{
	char	*copy = xstrdup(path), *dir = dirname(copy);

	join_dir(&t->cert_file, dir);
	join_dir(&t->key_file, dir);
	join_dir(&t->client_ca_file, dir);
	free(copy);
}

static void
file_release(struct web_file *f)
{
	config_obj_release(&web_obj, f);
}

/* Decodes data into f (initialised); 0 or -1 with exporter's text. */
static int
decode_file(const char *data, size_t len, struct web_file *f,
    struct ad_err *err)
{
	struct web_check	 wc;
	struct ad_errs		 errs;
	struct ynode_doc	*doc;
	int			 rc = 0;

	doc = ynode_parse(data, len, err);
	if (doc == NULL)
		return -1;
	memset(&wc, 0, sizeof(wc));
	ad_errs_init(&errs);
	wc.chk.errs = &errs;
	wc.chk.file = "";
	wc.chk.budget = WEB_DECODE_BUDGET;
	config_obj_decode(&wc.chk, ynode_root(doc), &web_obj, f);
	if (wc.fatal[0] != '\0')
		rc = ad_err_set(err, AD_EINVAL, "%s", wc.fatal);
	else if (errs.n > 0) {
		type_errors(&errs, err);
		rc = -1;
	}
	ad_errs_release(&errs);
	ynode_doc_free(doc);
	return rc;
}

struct web_config *
web_config_load(const char *path, struct ad_err *err)
{
	struct web_config	*c;
	struct buf		 data;
	int			 rc;

	buf_init(&data, WEB_FILE_MAX);
	if (read_file(path, &data, err) == -1) {
		buf_release(&data);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	config_obj_init(&web_obj, &c->f);
	c->f.tls.min_version = 0x0303;
	c->f.tls.max_version = 0x0304;
	rc = decode_file(buf_str(&data), buf_len(&data), &c->f, err);
	buf_release(&data);
	if (rc == 0)
		rc = check_headers(&c->f.http, err);
	if (rc == -1) {
		web_config_unref(c);
		return NULL;
	}
	set_directory(&c->f.tls, path);
	return c;
}

struct web_config *
web_config_ref(struct web_config *c)
{
	atomic_fetch_add(&c->refs, 1);
	return c;
}

void
web_config_unref(struct web_config *c)
{
	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	file_release(&c->f);
	free(c);
}

static bool
empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

bool
web_config_tls(const struct web_config *c)
{
	const struct web_tls_conf	*t = &c->f.tls;

	return !(empty(t->cert_file) && empty(t->key_file) &&
	    empty(t->client_auth) && empty(t->client_ca_file));
}

bool
web_config_http2(const struct web_config *c)
{
	return c->f.http.http2;
}

const struct config_kv *
web_config_headers(const struct web_config *c, size_t *n)
{
	*n = c->f.http.n_headers;
	return c->f.http.headers;
}

/* --------------------------------------------------------- bcrypt ---- */

/* bcrypt.Cost: the checks validateUsers makes of every hash. */
static int
bcrypt_check(const char *h, struct ad_err *err)
{
	struct buf	m;
	size_t		i;
	int		cost = 0, sign = 1;

	if (strlen(h) < 59)
		return ad_err_set(err, AD_EINVAL, "crypto/bcrypt: hashedSecret "
		    "too short to be a bcrypted password");
	if (h[0] != '$')
		return ad_err_set(err, AD_EINVAL, "crypto/bcrypt: bcrypt "
		    "hashes must start with '$', but hashedSecret started "
		    "with '%c'", h[0]);
	if (h[1] > '2')
		return ad_err_set(err, AD_EINVAL, "crypto/bcrypt: bcrypt "
		    "algorithm version '%c' requested is newer than current "
		    "version '2'", h[1]);
	i = h[2] != '$' ? 4 : 3;
	/* strconv.Atoi of two bytes: an optional sign, then digits. */
	if ((h[i] == '+' || h[i] == '-') && h[i + 1] >= '0' &&
	    h[i + 1] <= '9') {
		sign = h[i] == '-' ? -1 : 1;
		cost = sign * (h[i + 1] - '0');
	} else if (h[i] >= '0' && h[i] <= '9' && h[i + 1] >= '0' &&
	    h[i + 1] <= '9')
		cost = (h[i] - '0') * 10 + (h[i + 1] - '0');
	else {
		buf_init(&m, BUF_NOCAP);
		buf_addstr(&m, "strconv.Atoi: parsing ");
		buf_add_goquote(&m, h + i, 2);
		buf_addstr(&m, ": invalid syntax");
		ad_err_set(err, AD_EINVAL, "%s", buf_str(&m));
		buf_release(&m);
		return -1;
	}
	if (cost < 4 || cost > 31)
		return ad_err_set(err, AD_EINVAL, "crypto/bcrypt: cost %d is "
		    "outside allowed range (4,31)", cost);
	return 0;
}

/* CompareHashAndPassword with libcrypt; the compare is constant-time. */
static bool
bcrypt_verify(struct web_config_watch *w, const char *hash, const char *pw,
    size_t pwlen)
{
	const char	*out;
	unsigned char	 diff = 0;
	size_t		 n = strlen(hash), i;

	/* A C string cannot carry Go's NUL bytes: never equal. */
	if (memchr(pw, '\0', pwlen) != NULL)
		return false;
	pthread_mutex_lock(&w->bcrypt_lock);
	memset(w->crypt, 0, sizeof(*w->crypt));
	out = crypt_rn(pw, hash, w->crypt, sizeof(*w->crypt));
	if (out == NULL || out[0] == '*' || strlen(out) != n) {
		pthread_mutex_unlock(&w->bcrypt_lock);
		return false;
	}
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(out[i] ^ hash[i]);
	pthread_mutex_unlock(&w->bcrypt_lock);
	return diff == 0;
}

/* ------------------------------------------------------- basic auth -- */

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* base64.StdEncoding.DecodeString: padded; '\r' and '\n' skipped. */
static char *
b64_decode(const char *s, size_t *outlen)
{
	size_t	 n = strlen(s), i, q = 0, w = 0, pad = 0;
	char	*out = xmalloc(n + 1);
	int	 quad[4], v;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		v = s[i] == '=' && q >= 2 ? 0 : b64val((unsigned char)s[i]);
		if (s[i] == '=' && q >= 2)
			pad++;
		else if (pad > 0 || v < 0)
			goto bad;
		quad[q++] = v;
		if (q < 4)
			continue;
		out[w++] = (char)(quad[0] << 2 | quad[1] >> 4);
		if (pad < 2)
			out[w++] = (char)((quad[1] & 15) << 4 | quad[2] >> 2);
		if (pad < 1)
			out[w++] = (char)((quad[2] & 3) << 6 | quad[3]);
		q = 0;
		if (pad > 0)
			break;
	}
	for (i++; i < n && pad > 0; i++)
		if (s[i] != '\r' && s[i] != '\n')
			goto bad;
	if (q != 0)
		goto bad;
	out[w] = '\0';
	*outlen = w;
	return out;
bad:
	free(out);
	return NULL;
}

/* Request.BasicAuth: "Basic " (any case) and base64 "user:password". */
static char *
parse_basic(const char *h, size_t *ulen, const char **pw, size_t *pwlen)
{
	char	*dec, *colon;
	size_t	 n;

	if (h == NULL || strlen(h) < 6 || strncasecmp(h, "Basic ", 6) != 0)
		return NULL;
	dec = b64_decode(h + 6, &n);
	if (dec == NULL)
		return NULL;
	colon = memchr(dec, ':', n);
	if (colon == NULL) {
		free(dec);
		return NULL;
	}
	*ulen = (size_t)(colon - dec);
	*pw = colon + 1;
	*pwlen = n - *ulen - 1;
	return dec;
}

/* The cache key: HMAC-SHA256 of user, hash and password. */
static void
cache_key(struct web_config_watch *w, const char *user, size_t ulen,
    const char *hash, const char *pw, size_t pwlen, unsigned char mac[32])
{
	struct buf	 k;
	uint64_t	 l;
	size_t		 len;
	char		*p;

	buf_init(&k, BUF_NOCAP);
	l = ulen;
	buf_add(&k, &l, sizeof(l));
	buf_add(&k, user, ulen);
	l = strlen(hash);
	buf_add(&k, &l, sizeof(l));
	buf_add(&k, hash, strlen(hash));
	buf_add(&k, pw, pwlen);
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, w->mac_key,
	    sizeof(w->mac_key), buf_str(&k), buf_len(&k), mac) != 0)
		memset(mac, 0, 32);
	p = buf_detach(&k, &len);	/* holds the password: wipe it */
	if (p != NULL)
		explicit_bzero(p, len);
	free(p);
}

static int
cache_get(struct web_config_watch *w, const unsigned char mac[32])
{
	int	found = -1;
	size_t	i;

	pthread_mutex_lock(&w->cache_lock);
	for (i = 0; i < w->n_cache; i++)
		if (memcmp(w->cache[i].mac, mac, 32) == 0) {
			found = w->cache[i].ok;
			break;
		}
	pthread_mutex_unlock(&w->cache_lock);
	return found;
}

/* cache.set: when full, a tenth (and one) of the entries go at random. */
static void
cache_set(struct web_config_watch *w, const unsigned char mac[32], bool ok)
{
	size_t		drop, i, j;
	uint32_t	r;

	pthread_mutex_lock(&w->cache_lock);
	if (w->n_cache >= WEB_AUTH_CACHE) {
		drop = w->n_cache / 10 + 1;
		for (i = 0; i < drop && w->n_cache > 0; i++) {
			if (getrandom(&r, sizeof(r), 0) != sizeof(r))
				r = (uint32_t)i;
			j = r % w->n_cache;
			w->cache[j] = w->cache[--w->n_cache];
		}
	}
	memcpy(w->cache[w->n_cache].mac, mac, 32);
	w->cache[w->n_cache++].ok = ok;
	pthread_mutex_unlock(&w->cache_lock);
}

static const char *
user_hash(const struct web_config *c, const char *user, size_t ulen)
{
	size_t	i;

	for (i = 0; i < c->f.n_users; i++)
		if (strlen(c->f.users[i].key) == ulen &&
		    memcmp(c->f.users[i].key, user, ulen) == 0)
			return c->f.users[i].value != NULL ?
			    c->f.users[i].value : "";
	return NULL;
}

bool
web_config_authorized(struct web_config_watch *w, const struct web_config *c,
    const char *authorization)
{
	const char	*hash, *pw;
	unsigned char	 mac[32];
	size_t		 ulen, pwlen;
	char		*dec;
	bool		 valid, ok;
	int		 cached;

	if (c->f.n_users == 0)
		return true;
	dec = parse_basic(authorization, &ulen, &pw, &pwlen);
	if (dec == NULL)
		return false;
	hash = user_hash(c, dec, ulen);
	valid = hash != NULL;
	if (!valid)
		hash = WEB_DUMMY_HASH;
	cache_key(w, dec, ulen, hash, pw, pwlen, mac);
	cached = cache_get(w, mac);
	if (cached >= 0)
		ok = cached == 1;
	else {
		ok = valid && bcrypt_verify(w, hash, pw, pwlen);
		cache_set(w, mac, ok);
	}
	explicit_bzero(dec, ulen + 1 + pwlen);
	free(dec);
	return ok && valid;
}

/* -------------------------------------------------------------- files -- */

static void
stamp_of(const char *path, struct web_stamp *s)
{
	struct stat	st;

	memset(s, 0, sizeof(*s));
	if (empty(path))
		return;
	if (stat(path, &st) == -1) {
		s->err = errno;
		return;
	}
	s->ok = true;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
	s->ctime = st.st_ctim;
}

static bool
stamp_eq(const struct web_stamp *a, const struct web_stamp *b)
{
	return a->ok == b->ok && a->err == b->err && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* ---------------------------------------------------------------- TLS -- */

#define PEM_MAX_BLOCKS	16

/* The types of data's PEM blocks, in order (pem.Decode's framing). */
static size_t
pem_types(const char *data, char types[][64], size_t max)
{
	const char	*p, *e;
	size_t		 n = 0, len;
	char		 end[96];

	for (p = strstr(data, "-----BEGIN "); p != NULL && n < max;
	    p = strstr(p, "-----BEGIN ")) {
		p += 11;
		e = strstr(p, "-----");
		if (e == NULL)
			break;
		len = (size_t)(e - p);
		if (len >= 64 || memchr(p, '\n', len) != NULL)
			continue;
		snprintf(end, sizeof(end), "-----END %.*s-----", (int)len, p);
		if (strstr(e, end) == NULL)
			continue;
		memcpy(types[n], p, len);
		types[n++][len] = '\0';
	}
	return n;
}

/* Go's %v of the skipped block types: [A B]. */
static void
add_types(struct buf *m, char types[][64], size_t n)
{
	size_t	i;

	buf_addch(m, '[');
	for (i = 0; i < n; i++)
		buf_addf(m, "%s%s", i > 0 ? " " : "", types[i]);
	buf_addch(m, ']');
}

/* tls.X509KeyPair's checks of the PEM framing, with its texts. */
static int
pem_check(const char *cert, const char *key, struct buf *m)
{
	char	types[PEM_MAX_BLOCKS][64];
	size_t	n, i, skipped = 0;

	n = pem_types(cert, types, PEM_MAX_BLOCKS);
	for (i = 0; i < n && strcmp(types[i], "CERTIFICATE") != 0; i++)
		;
	if (n == 0)
		buf_addstr(m, "tls: failed to find any PEM data in certificate "
		    "input");
	else if (i == n && n == 1 && strlen(types[0]) >= 11 &&
	    strcmp(types[0] + strlen(types[0]) - 11, "PRIVATE KEY") == 0)
		buf_addstr(m, "tls: failed to find certificate PEM data in "
		    "certificate input, but did find a private key; PEM inputs "
		    "may have been switched");
	else if (i == n) {
		buf_addstr(m, "tls: failed to find \"CERTIFICATE\" PEM block "
		    "in certificate input after skipping PEM blocks of the "
		    "following types: ");
		add_types(m, types, n);
	}
	if (buf_len(m) > 0)
		return -1;
	n = pem_types(key, types, PEM_MAX_BLOCKS);
	for (i = 0; i < n; i++) {
		size_t	l = strlen(types[i]);

		if (strcmp(types[i], "PRIVATE KEY") == 0 || (l > 12 &&
		    strcmp(types[i] + l - 12, " PRIVATE KEY") == 0))
			return 0;
		skipped++;
	}
	if (skipped == 0)
		buf_addstr(m, "tls: failed to find any PEM data in key input");
	else if (skipped == 1 && strcmp(types[0], "CERTIFICATE") == 0)
		buf_addstr(m, "tls: found a certificate rather than a key in "
		    "the PEM for the private key");
	else {
		buf_addstr(m, "tls: failed to find PEM block with type ending "
		    "in \"PRIVATE KEY\" in key input after skipping PEM "
		    "blocks of the following types: ");
		add_types(m, types, n);
	}
	return -1;
}

static gnutls_datum_t
datum(const char *s)
{
	gnutls_datum_t	d;

	d.data = (unsigned char *)(uintptr_t)s;
	d.size = (unsigned int)strlen(s);
	return d;
}

/* The GnuTLS verdict on cert and key, worded as crypto/tls words it. */
static void
keypair_error(int rc, const char *cert, struct buf *m)
{
	gnutls_x509_crt_t	*crts = NULL;
	gnutls_datum_t		 d = datum(cert);
	unsigned int		 n = 0, i;

	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
		buf_addstr(m, "tls: private key does not match public key");
		return;
	}
	if (gnutls_x509_crt_list_import2(&crts, &n, &d, GNUTLS_X509_FMT_PEM,
	    0) < 0) {
		buf_addstr(m, "x509: malformed certificate");
		return;
	}
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	buf_addstr(m, "tls: failed to parse private key");
}

/* tls.LoadX509KeyPair into t->cred; its errors prefixed as Go's. */
static int
load_keypair(struct web_tls *t, const struct web_tls_conf *c,
    struct ad_err *err)
{
	struct buf	cert, key, m;
	gnutls_datum_t	dc, dk;
	int		rc = -1, grc;

	buf_init(&cert, WEB_FILE_MAX);
	buf_init(&key, WEB_FILE_MAX);
	buf_init(&m, BUF_NOCAP);
	if (read_file(c->cert_file, &cert, err) == -1 ||
	    read_file(c->key_file, &key, err) == -1) {
		ad_err_prefix(err, "failed to load X509KeyPair");
		goto out;
	}
	if (pem_check(buf_str(&cert), buf_str(&key), &m) == 0) {
		dc = datum(buf_str(&cert));
		dk = datum(buf_str(&key));
		grc = gnutls_certificate_set_x509_key_mem2(t->cred, &dc, &dk,
		    GNUTLS_X509_FMT_PEM, NULL, 0);
		if (grc >= 0) {
			t->cert_pem = buf_detach(&cert, NULL);
			t->key_pem = buf_detach(&key, NULL);
			rc = 0;
			goto out;
		}
		keypair_error(grc, buf_str(&cert), &m);
	}
	ad_err_set(err, AD_EINVAL, "failed to load X509KeyPair: %s",
	    buf_str(&m));
out:
	buf_release(&cert);
	if (buf_len(&key) > 0)
		explicit_bzero((void *)(uintptr_t)buf_str(&key),
		    buf_len(&key));
	buf_release(&key);
	buf_release(&m);
	return rc;
}

static int
client_auth(const char *s, enum web_client_auth *out, struct ad_err *err)
{
	static const struct {
		const char		*name;
		enum web_client_auth	 auth;
	} t[] = {
		{ "", WEB_NO_CLIENT_CERT },
		{ "NoClientCert", WEB_NO_CLIENT_CERT },
		{ "RequestClientCert", WEB_REQUEST_CLIENT_CERT },
		{ "RequireAnyClientCert", WEB_REQUIRE_ANY_CLIENT_CERT },
		/* Kept by exporter-toolkit for backwards compatibility. */
		{ "RequireClientCert", WEB_REQUIRE_ANY_CLIENT_CERT },
		{ "VerifyClientCertIfGiven", WEB_VERIFY_CLIENT_CERT_IF_GIVEN },
		{ "RequireAndVerifyClientCert",
		    WEB_REQUIRE_AND_VERIFY_CLIENT_CERT },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].name, s != NULL ? s : "") == 0) {
			*out = t[i].auth;
			return 0;
		}
	return ad_err_set(err, AD_EINVAL, "Invalid ClientAuth: %s", s);
}

/* Appends the parts "a:b" of a table entry as ":+a:+b". */
static void
add_parts(struct buf *p, const char *parts)
{
	size_t	n;

	while (*parts != '\0') {
		n = strcspn(parts, ":");
		buf_addf(p, ":+%.*s", (int)n, parts);
		parts += n;
		if (*parts == ':')
			parts++;
	}
}

/*
 * The GnuTLS priorities of the versions, ciphers and curves.  A cipher
 * suite is several GnuTLS parts: the union of the listed suites' parts is
 * allowed; TLS 1.3's AEADs stay (Go ignores cipher_suites for TLS 1.3).
 */
static void
tls_priority(const struct web_tls_conf *c, struct buf *p)
{
	const struct web_name	*v;
	int			 min = c->min_version ? c->min_version : 0x0301;
	int			 max = c->max_version ? c->max_version : 0x0304;
	size_t			 i;

	buf_addstr(p, "NORMAL:-VERS-ALL");
	for (v = web_versions; v->name != NULL; v++)
		if (v->id >= min && v->id <= max)
			buf_addf(p, ":+%s", v->gnutls);
	if (c->ciphers.n > 0) {
		buf_addstr(p, ":-KX-ALL:-CIPHER-ALL:-MAC-ALL");
		for (i = 0; i < c->ciphers.n; i++) {
			v = id_find(web_ciphers, c->ciphers.v[i]);
			add_parts(p, v->gnutls);
		}
		if (max >= 0x0304)
			buf_addstr(p, ":+AES-128-GCM:+AES-256-GCM"
			    ":+CHACHA20-POLY1305:+AEAD");
	}
	if (c->curves.n > 0) {
		buf_addstr(p, ":-GROUP-ALL");
		for (i = 0; i < c->curves.n; i++)
			buf_addf(p, ":+%s", id_find(web_curves,
			    c->curves.v[i])->gnutls);
	}
	if (c->prefer_server)
		buf_addstr(p, ":%SERVER_PRECEDENCE");
}

static struct web_tls *
tls_ref(struct web_tls *t)
{
	atomic_fetch_add(&t->refs, 1);
	return t;
}

static void
tls_unref(struct web_tls *t)
{
	if (t == NULL || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	if (t->prio != NULL)
		gnutls_priority_deinit(t->prio);
	gnutls_certificate_free_credentials(t->cred);
	free(t->cert_pem);
	if (t->key_pem != NULL)
		explicit_bzero(t->key_pem, strlen(t->key_pem));
	free(t->key_pem);
	web_config_unref(t->conf);
	free(t);
}

/* The client CAs, read as AppendCertsFromPEM reads them. */
static int
load_client_cas(struct web_tls *t, const char *path, struct ad_err *err)
{
	struct buf	ca;
	gnutls_datum_t	d;

	buf_init(&ca, WEB_FILE_MAX);
	if (read_file(path, &ca, err) == -1) {
		buf_release(&ca);
		return -1;
	}
	d = datum(buf_str(&ca));
	(void)gnutls_certificate_set_x509_trust_mem(t->cred, &d,
	    GNUTLS_X509_FMT_PEM);
	buf_release(&ca);
	return 0;
}

/*
 * ConfigToTLSConfig on c: NULL with its error texts.  stamps are the
 * files' stamps taken before reading them.  A priority GnuTLS refuses
 * (no version left) fails each handshake, not the build, as in Go.
 */
static struct web_tls *
tls_build(struct web_config *c, const struct web_stamp stamps[3],
    struct ad_err *err)
{
	const struct web_tls_conf	*tc = &c->f.tls;
	struct web_tls			*t;
	struct buf			 prio;

	if (!web_config_tls(c)) {
		ad_err_set(err, AD_EINVAL, "TLS config is not present");
		return NULL;
	}
	if (empty(tc->cert_file) || empty(tc->key_file)) {
		ad_err_set(err, AD_EINVAL, "missing %s", empty(tc->cert_file) ?
		    "cert_file" : "key_file");
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	atomic_init(&t->refs, 1);
	t->conf = web_config_ref(c);
	memcpy(t->stamps, stamps, sizeof(t->stamps));
	if (gnutls_certificate_allocate_credentials(&t->cred) < 0)
		fatalx("gnutls: cannot allocate credentials");
	if (load_keypair(t, tc, err) == -1 || (!empty(tc->client_ca_file) &&
	    load_client_cas(t, tc->client_ca_file, err) == -1) ||
	    client_auth(tc->client_auth, &t->auth, err) == -1)
		goto fail;
	if (!empty(tc->client_ca_file) && t->auth == WEB_NO_CLIENT_CERT) {
		ad_err_set(err, AD_EINVAL, "Client CA's have been configured "
		    "without a Client Auth Policy");
		goto fail;
	}
	buf_init(&prio, BUF_NOCAP);
	tls_priority(tc, &prio);
	if (gnutls_priority_init2(&t->prio, buf_str(&prio), NULL, 0) < 0)
		t->prio = NULL;
	buf_release(&prio);
	return t;
fail:
	tls_unref(t);
	return NULL;
}

static void
tls_stamps(const struct web_config *c, struct web_stamp st[3])
{
	stamp_of(c->f.tls.cert_file, &st[0]);
	stamp_of(c->f.tls.key_file, &st[1]);
	stamp_of(c->f.tls.client_ca_file, &st[2]);
}

/* The TLS settings for a new connection (GetConfigForClient). */
static struct web_tls *
tls_current(struct web_config_watch *w, struct ad_err *err)
{
	struct web_config	*c;
	struct web_stamp	 st[3];
	struct web_tls		*t = NULL, *old;
	size_t			 i;

	c = web_config_watch_get(w, err);
	if (c == NULL)
		return NULL;
	tls_stamps(c, st);
	pthread_mutex_lock(&w->lock);
	if (w->tls != NULL && w->tls->conf == c) {
		for (i = 0; i < 3 && stamp_eq(&w->tls->stamps[i], &st[i]); i++)
			;
		if (i == 3)
			t = tls_ref(w->tls);
	}
	pthread_mutex_unlock(&w->lock);
	if (t == NULL) {
		t = tls_build(c, st, err);
		if (t != NULL) {
			pthread_mutex_lock(&w->lock);
			old = w->tls;
			w->tls = tls_ref(t);
			pthread_mutex_unlock(&w->lock);
			tls_unref(old);
		}
	}
	web_config_unref(c);
	return t;
}

/* Go's VerifyPeerCertificate of ClientAuth *Verify*: chain to the client
 * CAs, for client authentication.  No certificate: REQUIRE decides. */
static int
verify_client(gnutls_session_t s)
{
	struct web_tls		*t = gnutls_session_get_ptr(s);
	gnutls_typed_vdata_st	 vd;
	unsigned int		 status = 0, n = 0;

	if (t == NULL)
		return GNUTLS_E_CERTIFICATE_ERROR;
	if (t->auth != WEB_VERIFY_CLIENT_CERT_IF_GIVEN &&
	    t->auth != WEB_REQUIRE_AND_VERIFY_CLIENT_CERT)
		return 0;
	if (gnutls_certificate_get_peers(s, &n) == NULL || n == 0)
		return 0;
	memset(&vd, 0, sizeof(vd));
	vd.type = GNUTLS_DT_KEY_PURPOSE_OID;
	vd.data = (unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_CLIENT;
	if (gnutls_certificate_verify_peers(s, &vd, 1, &status) < 0 ||
	    status != 0)
		return GNUTLS_E_CERTIFICATE_ERROR;
	return 0;
}

static void
tls_apply(struct web_config_watch *w, gnutls_session_t s, struct web_tls *t)
{
	static const gnutls_certificate_request_t req[] = {
		[WEB_NO_CLIENT_CERT] = GNUTLS_CERT_IGNORE,
		[WEB_REQUEST_CLIENT_CERT] = GNUTLS_CERT_REQUEST,
		[WEB_REQUIRE_ANY_CLIENT_CERT] = GNUTLS_CERT_REQUIRE,
		[WEB_VERIFY_CLIENT_CERT_IF_GIVEN] = GNUTLS_CERT_REQUEST,
		[WEB_REQUIRE_AND_VERIFY_CLIENT_CERT] = GNUTLS_CERT_REQUIRE,
	};

	if (t == NULL || t->prio == NULL) {
		/* No certificate: the handshake fails, as Go's does when
		 * GetConfigForClient fails. */
		gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, w->nocred);
		return;
	}
	gnutls_session_set_ptr(s, t);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, t->cred);
	gnutls_priority_set(s, t->prio);
	gnutls_certificate_server_set_request(s, req[t->auth]);
	gnutls_session_set_verify_function(s, verify_client);
}

/*
 * MHD_OPTION_NOTIFY_CONNECTION: a new TLS connection, before its
 * handshake, gets the current settings; they stay referenced until the
 * connection closes (MHD 0.9.75 frees the session first; the session
 * only points at them).
 */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct web_config_watch		*w = cls;
	const union MHD_ConnectionInfo	*ci;
	struct web_conn			*wc = *socket_context;
	struct ad_err			 err;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (wc != NULL)
			tls_unref(wc->tls);
		free(wc);
		*socket_context = NULL;
		return;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return;
	wc = xcalloc(1, sizeof(*wc));
	*socket_context = wc;
	memset(&err, 0, sizeof(err));
	wc->tls = tls_current(w, &err);
	if (wc->tls == NULL)
		log_errorkv("TLS handshake error", "err", err.msg,
		    (char *)NULL);
	tls_apply(w, ci->tls_session, wc->tls);
}

/* ------------------------------------------------------------- watch -- */

/*
 * Go's HTTP/2 server refuses a TLS 1.0-1.2 cipher list without
 * ECDHE_{RSA,ECDSA}_WITH_AES_128_GCM_SHA256 (ServeTLS fails).
 */
static int
http2_check(const struct web_config *c, struct ad_err *err)
{
	const struct web_tls_conf	*t = &c->f.tls;
	size_t				 i;

	if (!c->f.http.http2 || t->ciphers.n == 0 || t->min_version >= 0x0304)
		return 0;
	for (i = 0; i < t->ciphers.n; i++)
		if (t->ciphers.v[i] == 0xc02f || t->ciphers.v[i] == 0xc02b)
			return 0;
	return ad_err_set(err, AD_EINVAL, "http2: TLSConfig.CipherSuites is "
	    "missing an HTTP/2-required AES_128_GCM_SHA256 cipher (need at "
	    "least one of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or "
	    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)");
}

int
web_config_validate(const char *path, bool *tls, struct ad_err *err)
{
	struct web_config	*c;
	struct web_stamp	 st[3];
	struct web_tls		*t;
	size_t			 i;
	int			 rc = 0;

	*tls = false;
	c = web_config_load(path, err);
	if (c == NULL)
		return -1;
	for (i = 0; i < c->f.n_users && rc == 0; i++)
		rc = bcrypt_check(c->f.users[i].value != NULL ?
		    c->f.users[i].value : "", err);
	if (rc == 0 && web_config_tls(c)) {
		tls_stamps(c, st);
		t = tls_build(c, st, err);
		rc = t == NULL ? -1 : http2_check(c, err);
		tls_unref(t);
		*tls = rc == 0;
	}
	web_config_unref(c);
	return rc;
}

struct web_config_watch *
web_config_watch_new(const char *path)
{
	struct web_config_watch	*w = xcalloc(1, sizeof(*w));

	w->path = xstrdup(path);
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->bcrypt_lock, NULL);
	pthread_mutex_init(&w->cache_lock, NULL);
	w->crypt = xcalloc(1, sizeof(*w->crypt));
	if (getrandom(w->mac_key, sizeof(w->mac_key), 0) !=
	    (ssize_t)sizeof(w->mac_key))
		fatalx("getrandom: %s", strerror(errno));
	if (gnutls_certificate_allocate_credentials(&w->nocred) < 0)
		fatalx("gnutls: cannot allocate credentials");
	return w;
}

void
web_config_watch_free(struct web_config_watch *w)
{
	if (w == NULL)
		return;
	web_config_unref(w->cur);
	tls_unref(w->tls);
	gnutls_certificate_free_credentials(w->nocred);
	free(w->mhd_cert);
	if (w->mhd_key != NULL)
		explicit_bzero(w->mhd_key, strlen(w->mhd_key));
	free(w->mhd_key);
	free(w->crypt);
	explicit_bzero(w->cache, sizeof(w->cache));
	explicit_bzero(w->mac_key, sizeof(w->mac_key));
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->bcrypt_lock);
	pthread_mutex_destroy(&w->cache_lock);
	free(w->path);
	free(w);
}

struct web_config *
web_config_watch_get(struct web_config_watch *w, struct ad_err *err)
{
	struct web_stamp	 st;
	struct web_config	*c = NULL;

	stamp_of(w->path, &st);
	pthread_mutex_lock(&w->lock);
	if (!w->loaded || !stamp_eq(&st, &w->stamp)) {
		web_config_unref(w->cur);
		memset(&w->cur_err, 0, sizeof(w->cur_err));
		w->cur = web_config_load(w->path, &w->cur_err);
		w->stamp = st;
		w->loaded = true;
	}
	if (w->cur != NULL)
		c = web_config_ref(w->cur);
	else if (err != NULL)
		*err = w->cur_err;
	pthread_mutex_unlock(&w->lock);
	return c;
}

int
web_config_mhd_options(struct web_config_watch *w,
    struct MHD_OptionItem *opts, struct ad_err *err)
{
	struct web_tls	*t;

	t = tls_current(w, err);
	if (t == NULL)
		return -1;
	/* MHD wants a certificate to start; connections get theirs from
	 * on_connection.  Kept for the daemons' lifetime. */
	if (w->mhd_cert == NULL) {
		w->mhd_cert = xstrdup(t->cert_pem);
		w->mhd_key = xstrdup(t->key_pem);
	}
	tls_unref(t);
	opts[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
	    w->mhd_cert };
	opts[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
	    w->mhd_key };
	opts[2] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
	    (intptr_t)on_connection, w };
	opts[3] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return 3;
}
