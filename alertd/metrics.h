/*
 * metrics: Prometheus instruments and the /metrics text exposition.
 *
 * Instruments are plain structs with atomic fields, embedded where they
 * are updated (no lock on the hot path):
 *
 *	static struct metric_counter received = METRIC_COUNTER_INIT;
 *	metric_counter_inc(&received);
 *
 * Exposition goes through collectors: a module registers one callback,
 * which writes its families with metrics_family() and the samples with
 * metrics_sample*() when /metrics is scraped.  The output is
 * client_golang's (Alertmanager's registry): families sorted by name,
 * families without a sample left out, label pairs sorted by name, the
 * series of a family sorted by their label values, numbers in Go's
 * strconv 'g' shortest form.  So dashboards, alert rules and
 * `promtool check metrics` see what Alertmanager prints.
 *
 * Thread: instruments from any thread; collectors run on the scraping
 * HTTP thread (one scrape at a time) and must only read (atomics, or
 * under their own lock).
 */
#ifndef ALERTD_ALERTD_METRICS_H
#define ALERTD_ALERTD_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

struct metric_counter {
	_Atomic uint64_t	v;
};
#define METRIC_COUNTER_INIT	{ 0 }

/* A float gauge or float counter (bits of a double). */
struct metric_gauge {
	_Atomic uint64_t	bits;
};
#define METRIC_GAUGE_INIT	{ 0 }

#define METRIC_HIST_MAXB	16
struct metric_hist {
	const double		*bounds;	/* upper bounds, ascending */
	size_t			 n_bounds;	/* <= METRIC_HIST_MAXB */
	_Atomic uint64_t	 counts[METRIC_HIST_MAXB + 1];	/* last: +Inf */
	_Atomic uint64_t	 sum_bits;
};

void	metric_counter_inc(struct metric_counter *c);
void	metric_counter_add(struct metric_counter *c, uint64_t n);
uint64_t metric_counter_get(const struct metric_counter *c);
void	metric_gauge_set(struct metric_gauge *g, double v);
void	metric_gauge_add(struct metric_gauge *g, double v);
double	metric_gauge_get(const struct metric_gauge *g);
void	metric_hist_init(struct metric_hist *h, const double *bounds,
	    size_t n_bounds);
void	metric_hist_observe(struct metric_hist *h, double v);

/* ---- exposition ---- */

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
	METRIC_SUMMARY,		/* without objectives: _sum and _count */
	METRIC_UNTYPED
};

/* Most label pairs of one sample (le/quantile not counted). */
#define METRICS_MAX_LABELS	16

struct metrics_writer;
typedef void (*metrics_collect_fn)(struct metrics_writer *w, void *arg);

/* Startup (before threads): register a collector. */
void	metrics_register(metrics_collect_fn fn, void *arg);
/* Drops every collector (tests, shutdown). */
void	metrics_reset(void);

/* Starts a family; its samples follow.  name and help are copied. */
void	metrics_family(struct metrics_writer *w, const char *name,
	    const char *help, enum metric_type type);
/*
 * One sample (one series) of the current family.  labels is NULL or a
 * NULL-terminated list of name, value pairs, in any order (they are
 * sorted by name); values are escaped here.  Collectors give each series
 * once per scrape.
 */
void	metrics_sample(struct metrics_writer *w, const char *const *labels,
	    double value);
/* Shorthand: one label. */
void	metrics_sample1(struct metrics_writer *w, const char *lname,
	    const char *lvalue, double value);
/* The _bucket/_sum/_count samples of a histogram. */
void	metrics_sample_hist(struct metrics_writer *w, const char *const *labels,
	    const struct metric_hist *h);
/*
 * The same from plain numbers: cum[i] observations <= bounds[i]
 * (cumulative, n bounds), count in all (the +Inf bucket), their sum.
 */
void	metrics_sample_buckets(struct metrics_writer *w,
	    const char *const *labels, const double *bounds,
	    const uint64_t *cum, size_t n, uint64_t count, double sum);
/* A summary without objectives, as client_golang prints it: _sum, _count. */
void	metrics_sample_summary(struct metrics_writer *w,
	    const char *const *labels, uint64_t count, double sum);

/* Runs every collector and renders the text format (0.0.4) into out. */
int	metrics_render(struct buf *out);

/* Go's strconv.FormatFloat(v, 'g', -1, 64) as client_golang prints it. */
#define METRIC_FLOAT_MAX	32
char	*metrics_format_float(double v, char out[METRIC_FLOAT_MAX]);

/*
 * Registers process_* as client_golang's process collector: cpu, open
 * and max fds, resident, virtual and max virtual memory, start time
 * (Linux /proc).
 */
void	metrics_register_process(void);

#endif
