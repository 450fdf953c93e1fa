/*
 * metrics: Go-compatible float formatting and the text exposition.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/buf.h"
#include "alertd/metrics.h"

START_TEST(format_float_like_go)
{
	static const struct { double v; const char *want; } cases[] = {
		{ 1, "1" }, { 0, "0" }, { -1, "-1" }, { 0.5, "0.5" },
		{ 1e6, "1e+06" }, { 123456, "123456" }, { 0.0001, "0.0001" },
		{ 0.00001, "1e-05" }, { 1234567, "1.234567e+06" },
		{ 1.5e9, "1.5e+09" }, { 100, "100" }, { 0.05, "0.05" },
		{ 2.5e-5, "2.5e-05" }, { 0.1 + 0.2, "0.30000000000000004" },
		{ 1.7e308, "1.7e+308" }, { -0.25, "-0.25" },
		{ 999999, "999999" },
	};
	char	out[METRIC_FLOAT_MAX];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(metrics_format_float(cases[i].v, out),
		    cases[i].want);
}
END_TEST

static struct metric_counter	test_counter = METRIC_COUNTER_INIT;
static struct metric_hist	test_hist;
static const double		test_bounds[] = { 0.1, 1 };

static void
collect_b(struct metrics_writer *w, void *arg)
{
	(void)arg;
	metrics_family(w, "b_total", "B help with \\ and\nnewline.",
	    METRIC_COUNTER);
	metrics_sample1(w, "integration", "we\"b",
	    (double)metric_counter_get(&test_counter));
}

static void
collect_a(struct metrics_writer *w, void *arg)
{
	(void)arg;
	metrics_family(w, "a_seconds", "A.", METRIC_HISTOGRAM);
	metrics_sample_hist(w, NULL, &test_hist);
}

START_TEST(render_sorted_families)
{
	struct buf	b;

	metrics_reset();
	metric_counter_add(&test_counter, 3);
	metric_hist_init(&test_hist, test_bounds, 2);
	metric_hist_observe(&test_hist, 0.05);
	metric_hist_observe(&test_hist, 5);
	metrics_register(collect_b, NULL);
	metrics_register(collect_a, NULL);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(metrics_render(&b), 0);
	ck_assert_str_eq(buf_str(&b),
	    "# HELP a_seconds A.\n"
	    "# TYPE a_seconds histogram\n"
	    "a_seconds_bucket{le=\"0.1\"} 1\n"
	    "a_seconds_bucket{le=\"1\"} 1\n"
	    "a_seconds_bucket{le=\"+Inf\"} 2\n"
	    "a_seconds_sum 5.05\n"
	    "a_seconds_count 2\n"
	    "# HELP b_total B help with \\\\ and\\nnewline.\n"
	    "# TYPE b_total counter\n"
	    "b_total{integration=\"we\\\"b\"} 3\n");
	buf_release(&b);
	metrics_reset();
}
END_TEST

static void
collect_order(struct metrics_writer *w, void *arg)
{
	static const double	bounds[] = { 1, 5 };
	static const uint64_t	cum[] = { 1, 2 };

	(void)arg;
	/* Declared, never sampled: left out, as client_golang does. */
	metrics_family(w, "empty_total", "Nothing.", METRIC_COUNTER);
	metrics_family(w, "c", "C.", METRIC_GAUGE);
	metrics_sample(w, (const char *const[]){ "z", "1", "a", "b", NULL },
	    2);
	metrics_sample(w, (const char *const[]){ "z", "0", "a", "b", NULL },
	    1);
	metrics_sample(w, (const char *const[]){ "a", "a", "z", "9", NULL },
	    0);
	metrics_family(w, "d_seconds", "D.", METRIC_SUMMARY);
	metrics_sample_summary(w, NULL, 3, 0.25);
	metrics_family(w, "e_seconds", "E.", METRIC_HISTOGRAM);
	metrics_sample_buckets(w, (const char *const[]){ "x", "y", NULL },
	    bounds, cum, 2, 4, 12.5);
	metrics_sample_buckets(w, (const char *const[]){ "x", "b", NULL },
	    bounds, cum, 2, 2, 1e-7);
}

/* Labels sorted by name, series by label values (client_golang). */
START_TEST(render_sorted_series)
{
	struct buf	b;

	metrics_reset();
	metrics_register(collect_order, NULL);
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(metrics_render(&b), 0);
	ck_assert_str_eq(buf_str(&b),
	    "# HELP c C.\n"
	    "# TYPE c gauge\n"
	    "c{a=\"a\",z=\"9\"} 0\n"
	    "c{a=\"b\",z=\"0\"} 1\n"
	    "c{a=\"b\",z=\"1\"} 2\n"
	    "# HELP d_seconds D.\n"
	    "# TYPE d_seconds summary\n"
	    "d_seconds_sum 0.25\n"
	    "d_seconds_count 3\n"
	    "# HELP e_seconds E.\n"
	    "# TYPE e_seconds histogram\n"
	    "e_seconds_bucket{x=\"b\",le=\"1\"} 1\n"
	    "e_seconds_bucket{x=\"b\",le=\"5\"} 2\n"
	    "e_seconds_bucket{x=\"b\",le=\"+Inf\"} 2\n"
	    "e_seconds_sum{x=\"b\"} 1e-07\n"
	    "e_seconds_count{x=\"b\"} 2\n"
	    "e_seconds_bucket{x=\"y\",le=\"1\"} 1\n"
	    "e_seconds_bucket{x=\"y\",le=\"5\"} 2\n"
	    "e_seconds_bucket{x=\"y\",le=\"+Inf\"} 4\n"
	    "e_seconds_sum{x=\"y\"} 12.5\n"
	    "e_seconds_count{x=\"y\"} 4\n");
	buf_release(&b);
	metrics_reset();
}
END_TEST

static void
collect_prefix(struct metrics_writer *w, void *arg)
{
	(void)arg;
	metrics_family(w, "p", "P.", METRIC_GAUGE);
	metrics_sample1(w, "v", "ab", 2);
	metrics_sample1(w, "v", "a", 1);
	metrics_sample1(w, "v", "", 0);
}

/* Go's string order: a prefix sorts first. */
START_TEST(render_prefix_values)
{
	struct buf	b;

	metrics_reset();
	metrics_register(collect_prefix, NULL);
	metrics_register(collect_prefix, NULL);	/* a second collector */
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(metrics_render(&b), 0);
	ck_assert_str_eq(buf_str(&b),
	    "# HELP p P.\n# TYPE p gauge\n"
	    "p{v=\"\"} 0\np{v=\"\"} 0\n"
	    "p{v=\"a\"} 1\np{v=\"a\"} 1\n"
	    "p{v=\"ab\"} 2\np{v=\"ab\"} 2\n");
	buf_release(&b);
	metrics_reset();
}
END_TEST

/* process_*: the families of client_golang's process collector. */
START_TEST(render_process)
{
	static const char *const fams[] = {
		"# TYPE process_cpu_seconds_total counter\n",
		"# TYPE process_max_fds gauge\n",
		"# TYPE process_open_fds gauge\n",
		"# TYPE process_resident_memory_bytes gauge\n",
		"# TYPE process_start_time_seconds gauge\n",
		"# TYPE process_virtual_memory_bytes gauge\n",
		"# TYPE process_virtual_memory_max_bytes gauge\n",
	};
	struct buf	 b;
	const char	*p, *prev = NULL;
	size_t		 i;
	double		 start;

	metrics_reset();
	metrics_register_process();
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(metrics_render(&b), 0);
	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		p = strstr(buf_str(&b), fams[i]);
		ck_assert_msg(p != NULL, "%s missing", fams[i]);
		ck_assert(prev == NULL || prev < p);
		prev = p;
	}
	p = strstr(buf_str(&b), "\nprocess_start_time_seconds ");
	ck_assert_ptr_nonnull(p);
	start = strtod(p + 28, NULL);
	ck_assert(start > 1.5e9 && start <= (double)time(NULL) + 1);
	p = strstr(buf_str(&b), "\nprocess_resident_memory_bytes ");
	ck_assert_ptr_nonnull(p);
	ck_assert(strtod(p + 31, NULL) > 0);
	buf_release(&b);
	metrics_reset();
}
END_TEST

Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc = tcase_create("metrics");

	tcase_add_test(tc, format_float_like_go);
	tcase_add_test(tc, render_sorted_families);
	tcase_add_test(tc, render_sorted_series);
	tcase_add_test(tc, render_prefix_values);
	tcase_add_test(tc, render_process);
	suite_add_tcase(s, tc);
	return s;
}
