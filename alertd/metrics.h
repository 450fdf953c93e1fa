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
 * metrics_sample*() when /metrics is scraped.  Families are printed sorted
 * by name, as client_golang does, with client_golang's number formatting
 * (Go's strconv 'g', shortest), so existing dashboards and alert rules on
 * Alertmanager's metric names keep working.
 *
 * Thread: instruments from any thread; collectors run on the scraping
 * HTTP thread and must only read (atomics, or under their own lock).
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
	METRIC_UNTYPED
};

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
 * One sample of the current family.  labels is NULL or a NULL-terminated
 * list of name, value pairs; values are escaped here.
 */
void	metrics_sample(struct metrics_writer *w, const char *const *labels,
	    double value);
/* Shorthand: one label. */
void	metrics_sample1(struct metrics_writer *w, const char *lname,
	    const char *lvalue, double value);
/* The _bucket/_sum/_count samples of a histogram. */
void	metrics_sample_hist(struct metrics_writer *w, const char *const *labels,
	    const struct metric_hist *h);

/* Runs every collector and renders the text format (0.0.4) into out. */
int	metrics_render(struct buf *out);

/* Go's strconv.FormatFloat(v, 'g', -1, 64) as client_golang prints it. */
#define METRIC_FLOAT_MAX	32
char	*metrics_format_float(double v, char out[METRIC_FLOAT_MAX]);

/* Registers process_* (cpu, memory, fds, start time), Linux /proc. */
void	metrics_register_process(void);

#endif
