/*
 * Prometheus instruments and text exposition (see metrics.h).  The output
 * follows client_golang's: families sorted by name and left out when
 * empty, HELP and TYPE lines, label pairs sorted by name, series sorted
 * by label values, label values escaped (\\, \", \n), floats as Go's
 * 'g' -1 formatting, histograms as cumulative _bucket{le=...}, _sum,
 * _count, summaries without objectives as _sum and _count.
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

/* One series: its sort key (label values in label-name order, each
 * NUL-terminated) and its text lines. */
struct series {
	struct buf	 key;
	struct buf	 text;
};

struct family {
	char		*name;
	struct buf	 head;		/* HELP and TYPE */
	struct series	*s;
	size_t		 n, alloc;
};

struct metrics_writer {
	struct family	*fams;
	size_t		 n, alloc;
	struct family	*cur;
};

/* A label pair, sorted by name. */
struct lpair {
	const char	*k, *v;
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

	if (v == 0 || isnan(v) || isinf(v)) {
		snprintf(out, METRIC_FLOAT_MAX, "%s", v == 0 ? "0" :
		    isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
		return out;
	}
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
			memcpy(out + n, digits + exp + 1,
			    (size_t)(nd - exp - 1));
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
	    "summary", "untyped" };
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
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	buf_init(&f->head, BUF_NOCAP);
	buf_addf(&f->head, "# HELP %s ", name);
	add_escaped(&f->head, help, 1);
	buf_addf(&f->head, "\n# TYPE %s %s\n", name, types[type]);
	w->cur = f;
}

/* Copies labels into out sorted by name (client_golang's label order). */
static size_t
sort_labels(const char *const *labels, struct lpair *out)
{
	struct lpair	t;
	size_t		n = 0, i, j;

	for (; labels != NULL && labels[0] != NULL &&
	    n < METRICS_MAX_LABELS; labels += 2) {
		out[n].k = labels[0];
		out[n].v = labels[1] != NULL ? labels[1] : "";
		n++;
	}
	for (i = 1; i < n; i++) {
		t = out[i];
		for (j = i; j > 0 && strcmp(out[j - 1].k, t.k) > 0; j--)
			out[j] = out[j - 1];
		out[j] = t;
	}
	return n;
}

/* Starts a series of the current family; NULL without a family. */
static struct series *
series_new(struct metrics_writer *w, const struct lpair *lp, size_t n)
{
	struct family	*f = w->cur;
	struct series	*s;
	size_t		 i;

	if (f == NULL)
		return NULL;
	if (f->n == f->alloc) {
		f->alloc = f->alloc ? f->alloc * 2 : 16;
		f->s = xreallocarray(f->s, f->alloc, sizeof(*f->s));
	}
	s = &f->s[f->n++];
	buf_init(&s->key, BUF_NOCAP);
	buf_init(&s->text, BUF_NOCAP);
	for (i = 0; i < n; i++)
		buf_add(&s->key, lp[i].v, strlen(lp[i].v) + 1);
	return s;
}

/* name+suffix{labels[,extra="value"]} value */
static void
sample_line(struct buf *b, const char *name, const char *suffix,
    const struct lpair *lp, size_t n, const char *extra_name,
    const char *extra_value, double value)
{
	char	num[METRIC_FLOAT_MAX];
	size_t	i;

	buf_addstr(b, name);
	buf_addstr(b, suffix);
	if (n > 0 || extra_name != NULL) {
		buf_addch(b, '{');
		for (i = 0; i < n; i++) {
			buf_addf(b, "%s%s=\"", i > 0 ? "," : "", lp[i].k);
			add_escaped(b, lp[i].v, 0);
			buf_addch(b, '"');
		}
		if (extra_name != NULL)
			buf_addf(b, "%s%s=\"%s\"", n > 0 ? "," : "",
			    extra_name, extra_value);
		buf_addch(b, '}');
	}
	buf_addf(b, " %s\n", metrics_format_float(value, num));
}

void
metrics_sample(struct metrics_writer *w, const char *const *labels,
    double value)
{
	struct lpair	 lp[METRICS_MAX_LABELS];
	struct series	*s;
	size_t		 n = sort_labels(labels, lp);

	s = series_new(w, lp, n);
	if (s != NULL)
		sample_line(&s->text, w->cur->name, "", lp, n, NULL, NULL,
		    value);
}

void
metrics_sample1(struct metrics_writer *w, const char *lname,
    const char *lvalue, double value)
{
	const char	*labels[] = { lname, lvalue, NULL };

	metrics_sample(w, labels, value);
}

void
metrics_sample_buckets(struct metrics_writer *w, const char *const *labels,
    const double *bounds, const uint64_t *cum, size_t n, uint64_t count,
    double sum)
{
	struct lpair	 lp[METRICS_MAX_LABELS];
	struct series	*s;
	char		 le[METRIC_FLOAT_MAX];
	size_t		 nl = sort_labels(labels, lp), i;
	const char	*name;

	s = series_new(w, lp, nl);
	if (s == NULL)
		return;
	name = w->cur->name;
	for (i = 0; i < n; i++)
		sample_line(&s->text, name, "_bucket", lp, nl, "le",
		    metrics_format_float(bounds[i], le), (double)cum[i]);
	sample_line(&s->text, name, "_bucket", lp, nl, "le", "+Inf",
	    (double)count);
	sample_line(&s->text, name, "_sum", lp, nl, NULL, NULL, sum);
	sample_line(&s->text, name, "_count", lp, nl, NULL, NULL,
	    (double)count);
}

void
metrics_sample_hist(struct metrics_writer *w, const char *const *labels,
    const struct metric_hist *h)
{
	uint64_t	cum[METRIC_HIST_MAXB], total = 0;
	size_t		i;

	for (i = 0; i < h->n_bounds; i++) {
		total += atomic_load_explicit(&h->counts[i],
		    memory_order_relaxed);
		cum[i] = total;
	}
	total += atomic_load_explicit(&h->counts[h->n_bounds],
	    memory_order_relaxed);
	metrics_sample_buckets(w, labels, h->bounds, cum, h->n_bounds, total,
	    bitsd(atomic_load_explicit(&h->sum_bits, memory_order_relaxed)));
}

void
metrics_sample_summary(struct metrics_writer *w, const char *const *labels,
    uint64_t count, double sum)
{
	struct lpair	 lp[METRICS_MAX_LABELS];
	struct series	*s;
	size_t		 n = sort_labels(labels, lp);

	s = series_new(w, lp, n);
	if (s == NULL)
		return;
	sample_line(&s->text, w->cur->name, "_sum", lp, n, NULL, NULL, sum);
	sample_line(&s->text, w->cur->name, "_count", lp, n, NULL, NULL,
	    (double)count);
}

static int
family_cmp(const void *a, const void *b)
{
	return strcmp(((const struct family *)a)->name,
	    ((const struct family *)b)->name);
}

/* client_golang's metricSorter: label values in order, as strings. */
static int
series_cmp(const void *a, const void *b)
{
	const struct buf	*ka = &((const struct series *)a)->key;
	const struct buf	*kb = &((const struct series *)b)->key;
	const char		*pa = buf_str(ka), *pb = buf_str(kb);
	const char		*ea = pa + buf_len(ka), *eb = pb + buf_len(kb);
	int			 c;

	while (pa < ea && pb < eb) {
		c = strcmp(pa, pb);
		if (c != 0)
			return c;
		pa += strlen(pa) + 1;
		pb += strlen(pb) + 1;
	}
	return (pa < ea) - (pb < eb);
}

/* Appends f to out (if it has a series) and frees it. */
static int
family_flush(struct family *f, struct buf *out, int rc)
{
	size_t	i;

	if (f->n > 1)
		qsort(f->s, f->n, sizeof(*f->s), series_cmp);
	if (rc == 0 && f->n > 0 && buf_add(out, buf_str(&f->head),
	    buf_len(&f->head)) == -1)
		rc = -1;
	for (i = 0; i < f->n; i++) {
		if (rc == 0 && buf_add(out, buf_str(&f->s[i].text),
		    buf_len(&f->s[i].text)) == -1)
			rc = -1;
		buf_release(&f->s[i].key);
		buf_release(&f->s[i].text);
	}
	free(f->s);
	buf_release(&f->head);
	free(f->name);
	return rc;
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
	if (w.n > 1)
		qsort(w.fams, w.n, sizeof(*w.fams), family_cmp);
	for (i = 0; i < w.n; i++)
		rc = family_flush(&w.fams[i], out, rc);
	free(w.fams);
	return rc;
}

/* ---- process_* from /proc, as client_golang's process collector ---- */

static double	process_start_time;

/* The fields of /proc/self/stat after the command name, NUL-terminated. */
static const char *
read_stat(char *buf, size_t len)
{
	FILE	*f;
	size_t	 n;
	char	*p;

	f = fopen("/proc/self/stat", "r");
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' ? p + 2 : NULL;
}

/* Entries of /proc/self/fd, without the one reading it. */
static int
count_fds(void)
{
	struct dirent	*de;
	DIR		*d;
	int		 fds = 0;

	d = opendir("/proc/self/fd");
	if (d == NULL)
		return 0;
	for (de = readdir(d); de != NULL; de = readdir(d))
		if (de->d_name[0] != '.')
			fds++;
	closedir(d);
	return fds - 1;
}

/* A soft limit as Go reads /proc/self/limits: "unlimited" is 2^64-1. */
static double
soft_limit(int resource)
{
	struct rlimit	rl;

	if (getrlimit(resource, &rl) == -1)
		return 0;
	return (double)rl.rlim_cur;
}

static void
process_gauge(struct metrics_writer *w, const char *name, const char *help,
    double v)
{
	metrics_family(w, name, help, METRIC_GAUGE);
	metrics_sample(w, NULL, v);
}

static void
process_collect(struct metrics_writer *w, void *arg)
{
	char		 stat[1024];
	const char	*p;
	unsigned long	 utime = 0, stime = 0, vsize = 0;
	long		 rss = 0, tck = sysconf(_SC_CLK_TCK);

	(void)arg;
	p = read_stat(stat, sizeof(stat));
	if (p != NULL && sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
	    "%*u %lu %lu %*d %*d %*d %*d %*d %*d %*u %lu %ld", &utime, &stime,
	    &vsize, &rss) != 4)
		utime = stime = vsize = 0, rss = 0;
	metrics_family(w, "process_cpu_seconds_total",
	    "Total user and system CPU time spent in seconds.", METRIC_COUNTER);
	metrics_sample(w, NULL, (double)(utime + stime) / (double)tck);
	process_gauge(w, "process_open_fds", "Number of open file descriptors.",
	    count_fds());
	process_gauge(w, "process_max_fds",
	    "Maximum number of open file descriptors.",
	    soft_limit(RLIMIT_NOFILE));
	process_gauge(w, "process_resident_memory_bytes",
	    "Resident memory size in bytes.",
	    (double)rss * (double)sysconf(_SC_PAGESIZE));
	process_gauge(w, "process_virtual_memory_bytes",
	    "Virtual memory size in bytes.", (double)vsize);
	process_gauge(w, "process_virtual_memory_max_bytes",
	    "Maximum amount of virtual memory available in bytes.",
	    soft_limit(RLIMIT_AS));
	process_gauge(w, "process_start_time_seconds",
	    "Start time of the process since unix epoch in seconds.",
	    process_start_time);
}

void
metrics_register_process(void)
{
	char		 line[64], stat[1024];
	const char	*p;
	unsigned long long starttime = 0;
	double		 btime = 0;
	FILE		*f;

	f = fopen("/proc/stat", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "btime ", 6) == 0)
				btime = strtod(line + 6, NULL);
		fclose(f);
	}
	p = read_stat(stat, sizeof(stat));
	if (p == NULL || sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
	    "%*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &starttime) != 1)
		starttime = 0;
	process_start_time = btime +
	    (double)starttime / (double)sysconf(_SC_CLK_TCK);
	metrics_register(process_collect, NULL);
}
