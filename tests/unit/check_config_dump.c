/*
 * config_dump_yaml against the real thing: every case directory of
 * tests/data/config/dump holds a config and original.yml, the
 * `config.original` that Alertmanager 0.25 reported for it in GET
 * /api/v2/status (tests/data/config/dump/regen.sh).  Byte for byte.
 */
#include <check.h>
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/config.h"

#define DUMP_DIR	"tests/data/config/dump"
#define MAX_CASES	64

static char	*cases[MAX_CASES];
static int	 ncases;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
find_cases(void)
{
	DIR		*d = opendir(DUMP_DIR);
	struct dirent	*e;
	char		 p[512];
	FILE		*f;

	ncases = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && ncases < MAX_CASES) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), DUMP_DIR "/%s/original.yml", e->d_name);
		f = fopen(p, "r");
		if (f == NULL)
			continue;
		fclose(f);
		cases[ncases++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(cases, (size_t)ncases, sizeof(*cases), cmp_str);
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	e;

	buf_init(&b, 1 << 22);
	if (buf_read_file(&b, path, &e) == -1) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

/* The case's config path, relative to its directory. */
static char *
config_path(const char *dir)
{
	char	 p[512], *s;
	size_t	 len;

	snprintf(p, sizeof(p), "%s/config-path", dir);
	s = slurp(p, &len);
	if (s == NULL)
		return xstrdup("alertmanager.yml");
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* First differing line, for the failure message. */
static void
first_diff(const char *want, const char *got, char *out, size_t size)
{
	int	line = 1;
	size_t	i = 0;

	while (want[i] != '\0' && want[i] == got[i]) {
		if (want[i] == '\n')
			line++;
		i++;
	}
	while (i > 0 && want[i - 1] != '\n')
		i--;
	snprintf(out, size, "line %d: want \"%.*s\" got \"%.*s\"", line,
	    (int)strcspn(want + i, "\n"), want + i,
	    (int)strcspn(got + i, "\n"), got + i);
}

START_TEST(dump_matches_alertmanager)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct ad_errs		 errs;
	struct config		*c;
	struct buf		 out;
	char			 dir[512], p[1024], msg[600];
	char			*rel, *data, *want, *base;
	size_t			 len, wlen;

	ck_assert_int_gt(ncases, 0);
	snprintf(dir, sizeof(dir), DUMP_DIR "/%s", cases[_i]);
	rel = config_path(dir);
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	data = slurp(p, &len);
	ck_assert_msg(data != NULL, "%s: cannot read %s", cases[_i], p);
	snprintf(p, sizeof(p), "%s/original.yml", dir);
	want = slurp(p, &wlen);
	ck_assert_msg(want != NULL, "%s: cannot read %s", cases[_i], p);
	/* As Alertmanager was started: from the case directory, with a
	 * relative --config.file. */
	base = xstrdup(rel);
	ad_errs_init(&errs);
	c = config_load_bytes(rel, data, len, dirname(base), &opts, &errs,
	    NULL);
	ck_assert_msg(c != NULL, "%s: %s: %s", cases[_i],
	    errs.n > 0 ? errs.v[0].where : "", errs.n > 0 ? errs.v[0].msg : "");
	buf_init(&out, BUF_NOCAP);
	ck_assert_int_eq(config_dump_yaml(c, &out), 0);
	first_diff(want, buf_str(&out), msg, sizeof(msg));
	ck_assert_msg(strcmp(want, buf_str(&out)) == 0, "%s: %s", cases[_i],
	    msg);
	buf_release(&out);
	config_unref(c);
	ad_errs_release(&errs);
	free(base);
	free(rel);
	free(data);
	free(want);
}
END_TEST

/* The dump never shows a secret, whatever the integration. */
START_TEST(dump_masks_secrets)
{
	static const char *const secrets[] = { "hunter2", "og-key",
	    "wsecret", "ukey", "vo-key", "s3cr3t", "123:abc", "webex-token",
	    "svc", "smtp-secret", "services/SECRET", "og-secret",
	    "vo-secret", "wc-secret", "proxypass", "secret1", NULL };
	static const char *const files[] = { "all-integrations", "secrets",
	    "http-config", NULL };
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct ad_errs		 errs;
	struct config		*c;
	struct buf		 out;
	char			 p[512];
	size_t			 i, j;

	for (i = 0; files[i] != NULL; i++) {
		snprintf(p, sizeof(p), DUMP_DIR "/%s/alertmanager.yml",
		    files[i]);
		ad_errs_init(&errs);
		c = config_load(p, &opts, &errs, NULL);
		ck_assert_msg(c != NULL, "%s", p);
		buf_init(&out, BUF_NOCAP);
		ck_assert_int_eq(config_dump_yaml(c, &out), 0);
		ck_assert_ptr_nonnull(strstr(buf_str(&out), "<secret>"));
		for (j = 0; secrets[j] != NULL; j++)
			ck_assert_msg(strstr(buf_str(&out), secrets[j]) == NULL,
			    "%s shows %s", files[i], secrets[j]);
		buf_release(&out);
		config_unref(c);
		ad_errs_release(&errs);
	}
}
END_TEST

static void
free_cases(void)
{
	int	i;

	for (i = 0; i < ncases; i++)
		free(cases[i]);
	ncases = 0;
}

Suite *
config_dump_suite(void)
{
	Suite	*s = suite_create("config_dump");
	TCase	*tc = tcase_create("dump");

	free_cases();
	find_cases();
	tcase_add_loop_test(tc, dump_matches_alertmanager, 0,
	    ncases > 0 ? ncases : 1);
	tcase_add_test(tc, dump_masks_secrets);
	suite_add_tcase(s, tc);
	return s;
}
