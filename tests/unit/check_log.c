/*
 * log: Alertmanager's line shapes (logfmt and JSON), values encoded as
 * go-kit encodes them (tests/data/log/values.txt, recorded from go-kit by
 * contrib/gen-log-vectors.go), level filtering before the arguments are
 * evaluated, long values cut without breaking a line, one write per line.
 */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/log.h"

#define VALUES	"tests/data/log/values.txt"

/* Logs go to a temporary file; read_log returns what was written. */
static int	log_file = -1;

static void
capture(enum log_level level, enum log_format format)
{
	char	path[] = "/tmp/check_log.XXXXXX";

	log_file = mkstemp(path);
	ck_assert_int_ne(log_file, -1);
	unlink(path);
	log_init(level, format);
	log_set_fd(log_file);
}

static char *
read_log(void)
{
	off_t	 len = lseek(log_file, 0, SEEK_END);
	char	*s = calloc(1, (size_t)len + 1);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(pread(log_file, s, (size_t)len, 0), len);
	return s;
}

static void
release(void)
{
	log_set_fd(-1);
	log_init(LOG_INFO, LOG_LOGFMT);
	close(log_file);
	log_file = -1;
}

static void
unhex(const char *h, struct buf *out)
{
	unsigned int	c;

	for (; h[0] != '\0' && h[1] != '\0'; h += 2) {
		ck_assert_int_eq(sscanf(h, "%2x", &c), 1);
		buf_addch(out, (int)c);
	}
}

/* The encoding of value k in the one line logged, per format. */
static char *
encoded(const char *line, enum log_format format)
{
	const char	*p, *e;

	if (format == LOG_LOGFMT) {
		p = strstr(line, " msg=m k=");
		ck_assert_ptr_nonnull(p);
		p += 9;
		e = line + strlen(line) - 1;		/* the newline */
	} else {
		p = strstr(line, "\"k\":");
		ck_assert_ptr_nonnull(p);
		p += 4;
		e = strstr(p, ",\"level\":\"info\"");
		ck_assert_ptr_nonnull(e);
	}
	return strndup(p, (size_t)(e - p));
}

static void
check_values(enum log_format format)
{
	FILE		*fp = fopen(VALUES, "r");
	char		 line[1024], *f[3], *got, *out, *save;
	struct buf	 v;
	int		 n = 0;

	ck_assert_msg(fp != NULL, "%s: run from the top directory", VALUES);
	buf_init(&v, BUF_NOCAP);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		f[0] = strtok_r(line, "\t", &save);
		f[1] = strtok_r(NULL, "\t", &save);
		f[2] = strtok_r(NULL, "\t", &save);
		if (line[0] == '\t' || f[2] == NULL) {	/* the empty value */
			f[0] = (char *)"";
			f[1] = (char *)"";
			f[2] = (char *)"\"\"";
		}
		buf_reset(&v);
		unhex(f[0], &v);
		if (strlen(buf_str(&v)) != buf_len(&v))
			continue;		/* a NUL: C strings cannot */
		capture(LOG_DEBUG, format);
		log_kv(LOG_INFO, __FILE__, __LINE__, "m", "k", buf_str(&v),
		    (char *)NULL);
		out = read_log();
		got = encoded(out, format);
		ck_assert_msg(strcmp(got, f[format == LOG_JSON ? 2 : 1]) == 0,
		    "%s: got %s want %s", f[0], got,
		    f[format == LOG_JSON ? 2 : 1]);
		free(got);
		free(out);
		release();
		n++;
	}
	fclose(fp);
	buf_release(&v);
	ck_assert_int_ge(n, 30);
}

START_TEST(values_logfmt_as_go_kit)
{
	check_values(LOG_LOGFMT);
}
END_TEST

START_TEST(values_json_as_go_kit)
{
	check_values(LOG_JSON);
}
END_TEST

static void
assert_matches(const char *s, const char *re)
{
	regex_t	r;

	ck_assert_int_eq(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&r, s, 0, NULL, 0) == 0, "%s !~ %s", s, re);
	regfree(&r);
}

#define TS	"20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:" \
		"[0-6][0-9]\\.[0-9]{3}Z"

/* Alertmanager's key order in logfmt; msg left out when empty. */
START_TEST(logfmt_shape)
{
	char	*s;

	capture(LOG_DEBUG, LOG_LOGFMT);
	log_set_component("dispatcher");
	log_infokv("Loading configuration file", "file", "a b.yml",
	    (char *)NULL);
	log_set_component(NULL);
	log_debugkv("", "externalURL", "http://x:9093", (char *)NULL);
	log_warn("%d things", 3);
	s = read_log();
	assert_matches(s, "^ts=" TS " caller=check_log\\.c:[0-9]+ "
	    "level=info component=dispatcher "
	    "msg=\"Loading configuration file\" file=\"a b\\.yml\"\n"
	    "ts=" TS " caller=check_log\\.c:[0-9]+ level=debug "
	    "externalURL=http://x:9093\n"
	    "ts=" TS " caller=check_log\\.c:[0-9]+ level=warn "
	    "msg=\"3 things\"\n$");
	free(s);
	release();
}
END_TEST

/* go-kit's JSON logger: one object per line, keys sorted. */
START_TEST(json_shape)
{
	json_error_t	 jerr;
	json_t		*o;
	char		*s, *nl;

	capture(LOG_DEBUG, LOG_JSON);
	log_set_component("api");
	log_errorkv("Listen error", "err", "bind: address in use",
	    "address", "127.0.0.1:9093", (char *)NULL);
	log_set_component(NULL);
	s = read_log();
	assert_matches(s, "^\\{\"address\":\"127\\.0\\.0\\.1:9093\","
	    "\"caller\":\"check_log\\.c:[0-9]+\",\"component\":\"api\","
	    "\"err\":\"bind: address in use\",\"level\":\"error\","
	    "\"msg\":\"Listen error\",\"ts\":\"" TS "\"\\}\n$");
	nl = strchr(s, '\n');
	o = json_loadb(s, (size_t)(nl - s), 0, &jerr);
	ck_assert_msg(o != NULL, "%s", jerr.text);
	json_decref(o);
	free(s);
	release();
}
END_TEST

static int	evaluated;

static const char *
side_effect(void)
{
	evaluated++;
	return "x";
}

/* --log.level: below it nothing is written, arguments not evaluated. */
START_TEST(levels_filter_before_evaluating)
{
	static const struct {
		enum log_level	level;
		int		lines;
	} cases[] = {
		{ LOG_DEBUG, 4 }, { LOG_INFO, 3 }, { LOG_WARN, 2 },
		{ LOG_ERROR, 1 },
	};
	char	*s, *p;
	size_t	 i;
	int	 n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		capture(cases[i].level, LOG_LOGFMT);
		evaluated = 0;
		log_debug("%s", side_effect());
		log_infokv("i", "k", side_effect(), (char *)NULL);
		log_warn("%s", side_effect());
		log_errorkv("e", "k", side_effect(), (char *)NULL);
		ck_assert_int_eq(evaluated, cases[i].lines);
		s = read_log();
		for (n = 0, p = s; (p = strchr(p, '\n')) != NULL; p++)
			n++;
		ck_assert_int_eq(n, cases[i].lines);
		if (cases[i].level > LOG_DEBUG)
			ck_assert_ptr_null(strstr(s, "level=debug"));
		if (cases[i].level > LOG_WARN)
			ck_assert_ptr_null(strstr(s, "level=warn"));
		free(s);
		release();
	}
}
END_TEST

START_TEST(parse_flags)
{
	enum log_level	l;
	enum log_format	f;

	ck_assert_int_eq(log_parse_level("warn", &l), 0);
	ck_assert_int_eq(l, LOG_WARN);
	ck_assert_int_eq(log_parse_level("warning", &l), -1);
	ck_assert_int_eq(log_parse_level("INFO", &l), -1);
	ck_assert_int_eq(log_parse_format("json", &f), 0);
	ck_assert_int_eq(f, LOG_JSON);
	ck_assert_int_eq(log_parse_format("logfmt", &f), 0);
	ck_assert_int_eq(f, LOG_LOGFMT);
	ck_assert_int_eq(log_parse_format("text", &f), -1);
}
END_TEST

/* A huge value is cut, and the JSON line still parses. */
START_TEST(long_value_cut_line_valid)
{
	json_error_t	 jerr;
	json_t		*o;
	char		*big, *s;
	const char	*v;
	size_t		 n = 100000;

	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, '"', n);
	big[n] = '\0';
	capture(LOG_INFO, LOG_JSON);
	log_infokv("big", "v", big, "after", "kept", (char *)NULL);
	s = read_log();
	ck_assert_int_eq(s[strlen(s) - 1], '\n');
	o = json_loads(s, 0, &jerr);
	ck_assert_msg(o != NULL, "%s", jerr.text);
	v = json_string_value(json_object_get(o, "v"));
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_lt(strlen(v), n);
	ck_assert_str_eq(v + strlen(v) - 3, "...");
	ck_assert_str_eq(json_string_value(json_object_get(o, "after")),
	    "kept");
	ck_assert_ptr_nonnull(json_object_get(o, "ts"));
	json_decref(o);
	free(s);
	release();
	free(big);
}
END_TEST

#define THREADS		8
#define PER_THREAD	500

static void *
writer(void *arg)
{
	char	val[600];
	int	i;

	memset(val, 'a' + (int)(long)arg, sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	for (i = 0; i < PER_THREAD; i++)
		log_infokv("concurrent", "v", val, (char *)NULL);
	return NULL;
}

/* Lines of concurrent threads never mix (one write(2) each). */
START_TEST(one_write_per_line)
{
	pthread_t	 t[THREADS];
	char		*s, *line, *save;
	json_error_t	 jerr;
	json_t		*o;
	long		 i;
	int		 n = 0;

	capture(LOG_INFO, LOG_JSON);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, writer, (void *)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	s = read_log();
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++) {
		o = json_loads(line, 0, &jerr);
		ck_assert_msg(o != NULL, "line %d: %s", n, jerr.text);
		ck_assert_uint_eq(strlen(json_string_value(
		    json_object_get(o, "v"))), 599);
		json_decref(o);
	}
	ck_assert_int_eq(n, THREADS * PER_THREAD);
	free(s);
	release();
}
END_TEST

Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc = tcase_create("log");

	tcase_add_test(tc, values_logfmt_as_go_kit);
	tcase_add_test(tc, values_json_as_go_kit);
	tcase_add_test(tc, logfmt_shape);
	tcase_add_test(tc, json_shape);
	tcase_add_test(tc, levels_filter_before_evaluating);
	tcase_add_test(tc, parse_flags);
	tcase_add_test(tc, long_value_cut_line_valid);
	tcase_add_test(tc, one_write_per_line);
	suite_add_tcase(s, tc);
	return s;
}
