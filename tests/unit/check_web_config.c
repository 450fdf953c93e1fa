/*
 * web_config (--web.config.file): the verdicts and error texts of the
 * real Alertmanager 0.25 on every case of tests/data/web_config/ (see its
 * record.sh), basic auth as exporter-toolkit's webHandler (Go's
 * Request.BasicAuth parsing, bcrypt, the unknown-user path, the cache and
 * its eviction), the per-request re-reading of a changed file, and the
 * GnuTLS priorities each valid TLS case turns into.
 *
 * The .c is compiled in (the UNITTEST trick) for its statics; no other
 * unit test file may include it.
 */
#include "alertd/web_config.c"

#include <check.h>
#include <dirent.h>
#include <unistd.h>

#define CASES	"tests/data/web_config"

static char *
slurp(const char *path)
{
	struct buf	b;
	struct ad_err	e;

	buf_init(&b, BUF_NOCAP);
	ck_assert_msg(buf_read_file(&b, path, &e) == 0, "%s", e.msg);
	return buf_detach(&b, NULL);
}

static void
check_case(const char *name)
{
	char		*want, *path, *exp, *text;
	struct ad_err	 err;
	bool		 tls = true;
	int		 rc;

	path = xasprintf(CASES "/%s/web.yml", name);
	exp = xasprintf(CASES "/%s/expected", name);
	want = slurp(exp);
	memset(&err, 0, sizeof(err));
	rc = web_config_validate(path, &tls, &err);
	if (strncmp(want, "ok ", 3) == 0) {
		ck_assert_msg(rc == 0, "%s: %s", name, err.msg);
		ck_assert_msg(tls == (strcmp(want, "ok tls\n") == 0),
		    "%s: tls=%d", name, tls);
	} else {
		ck_assert_msg(rc == -1, "%s: accepted", name);
		text = xasprintf("error\n%s\n", err.msg);
		ck_assert_msg(strcmp(text, want) == 0, "%s:\n got %s\nwant %s",
		    name, text, want);
		free(text);
	}
	free(want);
	free(exp);
	free(path);
}

START_TEST(recorded_cases)
{
	DIR		*d = opendir(CASES);
	struct dirent	*de;
	size_t		 n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "ok_", 3) != 0 &&
		    strncmp(de->d_name, "bad_", 4) != 0)
			continue;
		check_case(de->d_name);
		n++;
	}
	closedir(d);
	ck_assert_uint_ge(n, 40);
}
END_TEST

/* Every valid TLS case gives priorities GnuTLS accepts. */
START_TEST(priorities_accepted)
{
	static const char *const cases[] = { "ok_tls", "ok_client_verify",
	    "ok_ciphers_curves_versions", "ok_http2_off_cipher",
	    "ok_tls13_cipher", NULL };
	const char *const	*c;

	for (c = cases; *c != NULL; c++) {
		char			*path;
		struct web_config	*wc;
		struct web_stamp	 st[3];
		struct web_tls		*t;
		struct ad_err		 err;

		path = xasprintf(CASES "/%s/web.yml", *c);
		wc = web_config_load(path, &err);
		ck_assert_ptr_nonnull(wc);
		tls_stamps(wc, st);
		t = tls_build(wc, st, &err);
		ck_assert_msg(t != NULL, "%s: %s", *c, err.msg);
		ck_assert_msg(t->prio != NULL, "%s: priorities refused", *c);
		tls_unref(t);
		web_config_unref(wc);
		free(path);
	}
}
END_TEST

START_TEST(priority_string)
{
	struct web_tls_conf	c;
	uint16_t		ciphers[] = { 0xc02f, 0x002f };
	uint16_t		curves[] = { 29 };
	struct buf		p;

	memset(&c, 0, sizeof(c));
	c.min_version = 0x0303;
	c.max_version = 0x0304;
	c.ciphers.v = ciphers;
	c.ciphers.n = 2;
	c.curves.v = curves;
	c.curves.n = 1;
	c.prefer_server = true;
	buf_init(&p, BUF_NOCAP);
	tls_priority(&c, &p);
	ck_assert_str_eq(buf_str(&p), "NORMAL:-VERS-ALL:+VERS-TLS1.2"
	    ":+VERS-TLS1.3:-KX-ALL:-CIPHER-ALL:-MAC-ALL:+ECDHE-RSA"
	    ":+AES-128-GCM:+AEAD:+RSA:+AES-128-CBC:+SHA1:+AES-128-GCM"
	    ":+AES-256-GCM:+CHACHA20-POLY1305:+AEAD:-GROUP-ALL:+GROUP-X25519"
	    ":%SERVER_PRECEDENCE");
	buf_release(&p);
}
END_TEST

/* ----------------------------------------------------- basic auth -- */

static char	 tdir[] = "/tmp/alertd-webcfg-XXXXXX";
static char	*wpath;
static char	 hash[128];	/* bcrypt of "secret", cost 4 */

static void
put(const char *text)
{
	FILE	*f = fopen(wpath, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
auth_setup(void)
{
	struct crypt_data	*cd = calloc(1, sizeof(*cd));
	const char		*h;
	char			*text;

	ck_assert_ptr_nonnull(mkdtemp(tdir));
	wpath = xasprintf("%s/web.yml", tdir);
	h = crypt_rn("secret", "$2y$04$abcdefghijklmnopqrstuu", cd,
	    sizeof(*cd));
	ck_assert_ptr_nonnull(h);
	snprintf(hash, sizeof(hash), "%s", h);
	free(cd);
	text = xasprintf("basic_auth_users:\n  alice: '%s'\n  'b:ob': '%s'\n",
	    hash, hash);
	put(text);
	free(text);
}

static void
auth_teardown(void)
{
	unlink(wpath);
	rmdir(tdir);
	free(wpath);
	strcpy(tdir, "/tmp/alertd-webcfg-XXXXXX");
}

/* "Basic " + base64(s) (s may hold NULs: len). */
static char *
basic(const char *scheme, const char *s, size_t len)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
				    "mnopqrstuvwxyz0123456789+/";
	struct buf		 b;
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;
	uint32_t		 v;

	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "%s ", scheme);
	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		buf_addch(&b, a[v >> 18 & 63]);
		buf_addch(&b, a[v >> 12 & 63]);
		buf_addch(&b, i + 1 < len ? a[v >> 6 & 63] : '=');
		buf_addch(&b, i + 2 < len ? a[v & 63] : '=');
	}
	return buf_detach(&b, NULL);
}

static bool
try_auth(struct web_config_watch *w, const char *header)
{
	struct web_config	*c;
	struct ad_err		 err;
	bool			 ok;

	c = web_config_watch_get(w, &err);
	ck_assert_msg(c != NULL, "%s", err.msg);
	ok = web_config_authorized(w, c, header);
	web_config_unref(c);
	return ok;
}

static bool
try_creds(struct web_config_watch *w, const char *scheme, const char *cred)
{
	char	*h = basic(scheme, cred, strlen(cred));
	bool	 ok = try_auth(w, h);

	free(h);
	return ok;
}

START_TEST(basic_auth_as_go)
{
	struct web_config_watch	*w = web_config_watch_new(wpath);
	char			*h;

	ck_assert(!try_auth(w, NULL));
	ck_assert(try_creds(w, "Basic", "alice:secret"));
	/* Go 1.19 matches the scheme in any case. */
	ck_assert(try_creds(w, "bAsIc", "alice:secret"));
	ck_assert(!try_creds(w, "Bearer", "alice:secret"));
	ck_assert(!try_creds(w, "Basic", "alice:wrong"));
	ck_assert(!try_creds(w, "Basic", "alice:"));
	ck_assert(!try_creds(w, "Basic", "alice"));
	ck_assert(!try_creds(w, "Basic", "mallory:secret"));
	/* The user ends at the first ':'; a ':' in a name cannot log in. */
	ck_assert(!try_creds(w, "Basic", "b:ob:secret"));
	ck_assert(try_auth(w, "Basic YWxpY2U6c2Vj\r\ncmV0"));
	ck_assert(!try_auth(w, "Basic YWxpY2U6c2VjcmV0==="));
	ck_assert(!try_auth(w, "Basic YWxp!2U6c2VjcmV0"));
	ck_assert(!try_auth(w, "Basic"));
	/* A NUL cannot be in a C password; Go's would differ: refused. */
	h = basic("Basic", "alice:secret\0x", 14);
	ck_assert(!try_auth(w, h));
	free(h);
	web_config_watch_free(w);
}
END_TEST

START_TEST(no_users_no_auth)
{
	struct web_config_watch	*w;

	put("http_server_config:\n  http2: false\n");
	w = web_config_watch_new(wpath);
	ck_assert(try_auth(w, NULL));
	ck_assert(try_creds(w, "Basic", "anyone:anything"));
	web_config_watch_free(w);
}
END_TEST

/* Verdicts are cached by user, hash and password; 100 at most. */
START_TEST(auth_cache)
{
	struct web_config_watch	*w = web_config_watch_new(wpath);
	char			 cred[64];
	int			 i;

	ck_assert(try_creds(w, "Basic", "alice:secret"));
	ck_assert_uint_eq(w->n_cache, 1);
	ck_assert(try_creds(w, "Basic", "alice:secret"));
	ck_assert_uint_eq(w->n_cache, 1);
	ck_assert(w->cache[0].ok);
	/* An unknown user is cached as refused (its dummy bcrypt ran). */
	ck_assert(!try_creds(w, "Basic", "nobody:x"));
	ck_assert_uint_eq(w->n_cache, 2);
	ck_assert(!w->cache[1].ok);
	for (i = 0; i < 120; i++) {
		snprintf(cred, sizeof(cred), "alice:wrong%d", i);
		ck_assert(!try_creds(w, "Basic", cred));
		ck_assert_uint_le(w->n_cache, WEB_AUTH_CACHE);
	}
	/* No password in clear in the cache. */
	for (i = 0; i < (int)w->n_cache; i++)
		ck_assert_ptr_null(memmem(w->cache[i].mac, 32, "wrong", 5));
	ck_assert(try_creds(w, "Basic", "alice:secret"));
	web_config_watch_free(w);
}
END_TEST

/* A changed file is read again at the next request; a broken one fails
 * (the request answers 500) until it is fixed. */
START_TEST(reread_when_changed)
{
	struct web_config_watch	*w = web_config_watch_new(wpath);
	struct web_config	*a, *b;
	struct ad_err		 err;

	a = web_config_watch_get(w, &err);
	b = web_config_watch_get(w, &err);
	ck_assert_ptr_eq(a, b);		/* unchanged: not read again */
	web_config_unref(b);
	ck_assert(!try_creds(w, "Basic", "x:y"));
	put("tls_server_config: {}\n");
	b = web_config_watch_get(w, &err);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(b->f.n_users, 0);
	web_config_unref(b);
	ck_assert(try_creds(w, "Basic", "x:y"));
	put("tls_server_config: {}\nbogus: 1\n");
	ck_assert_ptr_null(web_config_watch_get(w, &err));
	ck_assert_str_eq(err.msg, "yaml: unmarshal errors:\n  line 2: field "
	    "bogus not found in type web.Config");
	unlink(wpath);
	ck_assert_ptr_null(web_config_watch_get(w, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "no such file or directory"));
	put("basic_auth_users: {}\n");
	b = web_config_watch_get(w, &err);
	ck_assert_ptr_nonnull(b);
	web_config_unref(b);
	web_config_unref(a);	/* still valid: held by reference */
	web_config_watch_free(w);
}
END_TEST

START_TEST(defaults_and_paths)
{
	struct web_config	*c;
	struct ad_err		 err;
	const struct config_kv	*h;
	size_t			 n;

	put("tls_server_config:\n  cert_file: ./a/../s.crt\n  key_file: "
	    "/abs/s.key\nhttp_server_config:\n  headers:\n"
	    "    X-Frame-Options: deny\n");
	c = web_config_load(wpath, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert(web_config_tls(c));
	ck_assert(web_config_http2(c));
	ck_assert(c->f.tls.prefer_server);
	ck_assert_int_eq(c->f.tls.min_version, 0x0303);
	ck_assert_int_eq(c->f.tls.max_version, 0x0304);
	ck_assert_str_eq(c->f.tls.cert_file + strlen(tdir), "/s.crt");
	ck_assert_str_eq(c->f.tls.key_file, "/abs/s.key");
	h = web_config_headers(c, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(h[0].key, "X-Frame-Options");
	ck_assert_str_eq(h[0].value, "deny");
	web_config_unref(c);
}
END_TEST

/* base64.StdEncoding.DecodeString: padding required, none after it. */
START_TEST(base64_std)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "", "" }, { "YWJj", "abc" }, { "YWI=", "ab" },
		{ "YQ==", "a" },
		{ "YWI", NULL }, { "YQ", NULL }, { "YQ=", NULL },
		{ "YQ==YQ==", NULL }, { "Y===", NULL }, { "YW\nI=", "ab" },
		{ "YW-=", NULL }, { "=YWI", NULL },
	};
	size_t	i, n;
	char	*out;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = b64_decode(t[i].in, &n);
		if (t[i].out == NULL)
			ck_assert_msg(out == NULL, "%s decoded", t[i].in);
		else {
			ck_assert_msg(out != NULL, "%s refused", t[i].in);
			ck_assert_uint_eq(n, strlen(t[i].out));
			ck_assert_str_eq(out, t[i].out);
		}
		free(out);
	}
}
END_TEST

Suite *
web_config_suite(void)
{
	Suite	*s = suite_create("web_config");
	TCase	*tc = tcase_create("recorded");
	TCase	*ta = tcase_create("auth");

	tcase_add_test(tc, recorded_cases);
	tcase_add_test(tc, priorities_accepted);
	tcase_add_test(tc, priority_string);
	tcase_add_test(tc, base64_std);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ta, auth_setup, auth_teardown);
	tcase_add_test(ta, basic_auth_as_go);
	tcase_add_test(ta, no_users_no_auth);
	tcase_add_test(ta, auth_cache);
	tcase_add_test(ta, reread_when_changed);
	tcase_add_test(ta, defaults_and_paths);
	suite_add_tcase(s, ta);
	return s;
}
