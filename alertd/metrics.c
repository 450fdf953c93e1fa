/*
 * Prometheus instruments and text exposition (see metrics.h).  The output
 * follows client_golang's: families sorted by name, HELP and TYPE lines,
 * label values escaped (\\, \", \n), floats as Go's 'g' -1 formatting,
 * histograms as cumulative _bucket{le=...}, _sum, _count.
 */
#include "alertd/metrics.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"

#define METRICS_MAX_COLLECTORS	64

static struct {
	metrics_collect_fn	fn;
	void			*arg;
} collectors[METRICS_MAX_COLLECTORS];
static size_t		n_collectors;
static pthread_mutex_t	render_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
dbits(double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

static double
bitsd(uint64_t u)
{
	double	v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

void
metric_counter_inc(struct metric_counter *c)
{
	atomic_fetch_add_explicit(&c->v, 1, memory_order_relaxed);
}

void
metric_counter_add(struct metric_counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(&c->v, n, memory_order_relaxed);
}

uint64_t
metric_counter_get(const struct metric_counter *c)
{
	return atomic_load_explicit(&c->v, memory_order_relaxed);
}

void
metric_gauge_set(struct metric_gauge *g, double v)
{
	atomic_store_explicit(&g->bits, dbits(v), memory_order_relaxed);
}

static void
atomic_add_double(_Atomic uint64_t *bits, double v)
{
	uint64_t	old, new;

	old = atomic_load_explicit(bits, memory_order_relaxed);
	do {
		new = dbits(bitsd(old) + v);
	} while (!atomic_compare_exchange_weak_explicit(bits, &old, new,
	    memory_order_relaxed, memory_order_relaxed));
}

void
metric_gauge_add(struct metric_gauge *g, double v)
{
	atomic_add_double(&g->bits, v);
}

double
metric_gauge_get(const struct metric_gauge *g)
{
	return bitsd(atomic_load_explicit(&g->bits, memory_order_relaxed));
}

void
metric_hist_init(struct metric_hist *h, const double *bounds, size_t n_bounds)
{
	size_t	i;

	h->bounds = bounds;
	h->n_bounds = n_bounds > METRIC_HIST_MAXB ? METRIC_HIST_MAXB : n_bounds;
	for (i = 0; i <= METRIC_HIST_MAXB; i++)
		atomic_init(&h->counts[i], 0);
	atomic_init(&h->sum_bits, dbits(0));
}

void
metric_hist_observe(struct metric_hist *h, double v)
{
	size_t	i;

	for (i = 0; i < h->n_bounds; i++)
		if (v <= h->bounds[i])
			break;
	atomic_fetch_add_explicit(&h->counts[i], 1, memory_order_relaxed);
	atomic_add_double(&h->sum_bits, v);
}

/* ---- exposition ---- */

struct family {
	char		*name;
	struct buf	 text;		/* HELP, TYPE and samples */
};

struct metrics_writer {
	struct family	*fams;
	size_t		 n, alloc;
	struct family	*cur;
};

void
metrics_register(metrics_collect_fn fn, void *arg)
{
	if (n_collectors == METRICS_MAX_COLLECTORS)
		abort();
	collectors[n_collectors].fn = fn;
	collectors[n_collectors].arg = arg;
	n_collectors++;
}

void
metrics_reset(void)
{
	n_collectors = 0;
}

char *
metrics_format_float(double v, char out[METRIC_FLOAT_MAX])
{
	char	tmp[METRIC_FLOAT_MAX], digits[24], *e;
	int	prec, exp, nd, i, n;

	if (v == 0)
		return strcpy(out, "0");
	if (isnan(v))
		return strcpy(out, "NaN");
	if (isinf(v))
		return strcpy(out, v > 0 ? "+Inf" : "-Inf");
	/* Shortest %e that reads back as v. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp = [-]d[.ddd]e[+-]xx */
	e = strchr(tmp, 'e');
	exp = (int)strtol(e + 1, NULL, 10);
	nd = 0;
	for (i = 0; tmp + i < e; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[nd++] = tmp[i];
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	n = 0;
	if (v < 0)
		out[n++] = '-';
	/* Go, shortest 'g': %e when exp < -4 || exp >= 6. */
	{
		if (exp < -4 || exp >= 6) {
			out[n++] = digits[0];
			if (nd > 1) {
				out[n++] = '.';
				memcpy(out + n, digits + 1, (size_t)nd - 1);
				n += nd - 1;
			}
			snprintf(out + n, METRIC_FLOAT_MAX - (size_t)n, "e%c%02d",
			    exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
			return out;
		}
	}
	if (exp < 0) {
		out[n++] = '0';
		out[n++] = '.';
		for (i = 0; i < -exp - 1; i++)
			out[n++] = '0';
		memcpy(out + n, digits, (size_t)nd);
		n += nd;
	} else {
		for (i = 0; i <= exp; i++)
			out[n++] = i < nd ? digits[i] : '0';
		if (nd > exp + 1) {
			out[n++] = '.';
			memcpy(out + n, digits + exp + 1, (size_t)(nd - exp - 1));
			n += nd - exp - 1;
		}
	}
	out[n] = '\0';
	return out;
}

static struct family *
family_find(struct metrics_writer *w, const char *name)
{
	size_t	i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->fams[i].name, name) == 0)
			return &w->fams[i];
	return NULL;
}

static void
add_escaped(struct buf *b, const char *s, int help)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_addstr(b, "\\\\");
		else if (*s == '\n')
			buf_addstr(b, "\\n");
		else if (*s == '"' && !help)
			buf_addstr(b, "\\\"");
		else
			buf_addch(b, *s);
	}
}

void
metrics_family(struct metrics_writer *w, const char *name, const char *help,
    enum metric_type type)
{
	static const char *const types[] = { "counter", "gauge", "histogram",
	    "untyped" };
	struct family	*f;

	f = family_find(w, name);
	if (f != NULL) {		/* a second collector adds samples */
		w->cur = f;
		return;
	}
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 64;
		w->fams = xreallocarray(w->fams, w->alloc, sizeof(*w->fams));
	}
	f = &w->fams[w->n++];
	f->name = xstrdup(name);
	buf_init(&f->text, BUF_NOCAP);
	buf_addf(&f->text, "# HELP %s ", name);
	add_escaped(&f->text, help, 1);
	buf_addf(&f->text, "\n# TYPE %s %s\n", name, types[type]);
	w->cur = f;
}

static void
sample_line(struct metrics_writer *w, const char *suffix,
    const char *const *labels, const char *extra_name, const char *extra_value,
    double value)
{
	struct buf	*b = &w->cur->text;
	char		 num[METRIC_FLOAT_MAX];
	int		 first = 1;

	buf_addstr(b, w->cur->name);
	buf_addstr(b, suffix);
	if ((labels != NULL && labels[0] != NULL) || extra_name != NULL) {
		buf_addch(b, '{');
		for (; labels != NULL && labels[0] != NULL; labels += 2) {
			if (!first)
				buf_addch(b, ',');
			first = 0;
			buf_addf(b, "%s=\"", labels[0]);
			add_escaped(b, labels[1] ? labels[1] : "", 0);
			buf_addch(b, '"');
		}
		if (extra_name != NULL) {
			if (!first)
				buf_addch(b, ',');
			buf_addf(b, "%s=\"%s\"", extra_name, extra_value);
		}
		buf_addch(b, '}');
	}
	buf_addf(b, " %s\n", metrics_format_float(value, num));
}

void
metrics_sample(struct metrics_writer *w, const char *const *labels,
    double value)
{
	if (w->cur != NULL)
		sample_line(w, "", labels, NULL, NULL, value);
}

void
metrics_sample1(struct metrics_writer *w, const char *lname,
    const char *lvalue, double value)
{
	const char	*labels[] = { lname, lvalue, NULL };

	metrics_sample(w, labels, value);
}

void
metrics_sample_hist(struct metrics_writer *w, const char *const *labels,
    const struct metric_hist *h)
{
	char		le[METRIC_FLOAT_MAX];
	uint64_t	cum = 0;
	size_t		i;

	if (w->cur == NULL)
		return;
	for (i = 0; i < h->n_bounds; i++) {
		cum += atomic_load_explicit(&h->counts[i], memory_order_relaxed);
		sample_line(w, "_bucket", labels, "le",
		    metrics_format_float(h->bounds[i], le), (double)cum);
	}
	cum += atomic_load_explicit(&h->counts[h->n_bounds],
	    memory_order_relaxed);
	sample_line(w, "_bucket", labels, "le", "+Inf", (double)cum);
	sample_line(w, "_sum", labels, NULL, NULL,
	    bitsd(atomic_load_explicit(&h->sum_bits, memory_order_relaxed)));
	sample_line(w, "_count", labels, NULL, NULL, (double)cum);
}

static int
family_cmp(const void *a, const void *b)
{
	return strcmp(((const struct family *)a)->name,
	    ((const struct family *)b)->name);
}

int
metrics_render(struct buf *out)
{
	struct metrics_writer	w = { 0 };
	size_t			i;
	int			rc = 0;

	pthread_mutex_lock(&render_lock);
	for (i = 0; i < n_collectors; i++) {
		w.cur = NULL;
		collectors[i].fn(&w, collectors[i].arg);
	}
	pthread_mutex_unlock(&render_lock);
	qsort(w.fams, w.n, sizeof(*w.fams), family_cmp);
	for (i = 0; i < w.n; i++) {
		if (rc == 0 && buf_add(out, buf_str(&w.fams[i].text),
		    buf_len(&w.fams[i].text)) == -1)
			rc = -1;
		buf_release(&w.fams[i].text);
		free(w.fams[i].name);
	}
	free(w.fams);
	return rc;
}

/* ---- process_* from /proc, as client_golang's process collector ---- */

static double	process_start_time;

static void
process_collect(struct metrics_writer *w, void *arg)
{
	char		 stat[1024], *p;
	unsigned long	 utime = 0, stime = 0, vsize = 0;
	long		 rss = 0, tck = sysconf(_SC_CLK_TCK);
	struct rlimit	 rl;
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	size_t		 n;
	int		 fds = 0;

	(void)arg;
	f = fopen("/proc/self/stat", "r");
	if (f != NULL) {
		n = fread(stat, 1, sizeof(stat) - 1, f);
		stat[n] = '\0';
		fclose(f);
		p = strrchr(stat, ')');
		if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u "
		    "%*u %*u %*u %lu %lu %*d %*d %*d %*d %*d %*d %*u %lu %ld",
		    &utime, &stime, &vsize, &rss) != 4)
			utime = stime = vsize = 0, rss = 0;
	}
	d = opendir("/proc/self/fd");
	if (d != NULL) {
		for (de = readdir(d); de != NULL; de = readdir(d))
			if (de->d_name[0] != '.')
				fds++;
		closedir(d);
		fds--;		/* the directory stream itself */
	}
	metrics_family(w, "process_cpu_seconds_total",
	    "Total user and system CPU time spent in seconds.", METRIC_COUNTER);
	metrics_sample(w, NULL, (double)(utime + stime) / (double)tck);
	metrics_family(w, "process_open_fds", "Number of open file descriptors.",
	    METRIC_GAUGE);
	metrics_sample(w, NULL, fds);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		metrics_family(w, "process_max_fds",
		    "Maximum number of open file descriptors.", METRIC_GAUGE);
		metrics_sample(w, NULL, (double)rl.rlim_cur);
	}
	metrics_family(w, "process_resident_memory_bytes",
	    "Resident memory size in bytes.", METRIC_GAUGE);
	metrics_sample(w, NULL, (double)rss * (double)sysconf(_SC_PAGESIZE));
	metrics_family(w, "process_virtual_memory_bytes",
	    "Virtual memory size in bytes.", METRIC_GAUGE);
	metrics_sample(w, NULL, (double)vsize);
	metrics_family(w, "process_start_time_seconds",
	    "Start time of the process since unix epoch in seconds.",
	    METRIC_GAUGE);
	metrics_sample(w, NULL, process_start_time);
}

void
metrics_register_process(void)
{
	char		 buf[64], stat[1024], *p;
	unsigned long long starttime = 0;
	double		 btime = 0;
	FILE		*f;
	size_t		 n;

	f = fopen("/proc/stat", "r");
	if (f != NULL) {
		while (fgets(buf, sizeof(buf), f) != NULL)
			if (strncmp(buf, "btime ", 6) == 0)
				btime = strtod(buf + 6, NULL);
		fclose(f);
	}
	f = fopen("/proc/self/stat", "r");
	if (f != NULL) {
		n = fread(stat, 1, sizeof(stat) - 1, f);
		stat[n] = '\0';
		fclose(f);
		p = strrchr(stat, ')');
		if (p != NULL)
			sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			    "%*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			    &starttime);
	}
	process_start_time = btime +
	    (double)starttime / (double)sysconf(_SC_CLK_TCK);
	metrics_register(process_collect, NULL);
}
