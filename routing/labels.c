/*
 * Label sets and fingerprints, exactly as Prometheus' model package
 * computes them (see labels.h).  A set is one allocation: the header, the
 * sorted pair array, then the strings.
 */
#include "routing/labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

#define FNV1A64_PRIME	0x100000001b3ULL

static struct labels empty_set = { .refs = 1, .n = 0 };

struct labels *
labels_empty(void)
{
	return &empty_set;
}

void
labels_builder_init(struct labels_builder *b)
{
	b->p = NULL;
	b->n = b->alloc = 0;
}

void
labels_builder_release(struct labels_builder *b)
{
	free(b->p);
	labels_builder_init(b);
}

void
labels_builder_add(struct labels_builder *b, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	if (b->n == b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 16;
		b->p = xreallocarray(b->p, b->alloc, sizeof(*b->p));
	}
	b->p[b->n].name = name;
	b->p[b->n].nlen = nlen;
	b->p[b->n].value = value;
	b->p[b->n].vlen = vlen;
	b->p[b->n].seq = (uint32_t)b->n;
	b->n++;
}

void
labels_builder_adds(struct labels_builder *b, const char *name,
    const char *value)
{
	labels_builder_add(b, name, strlen(name), value, strlen(value));
}

static int
bstrcmp(const char *a, size_t al, const char *b, size_t bl)
{
	int	c;

	c = memcmp(a, b, al < bl ? al : bl);
	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

static int
pair_cmp(const void *x, const void *y)
{
	const struct labels_pair *a = x, *b = y;
	int	c;

	c = bstrcmp(a->name, a->nlen, b->name, b->nlen);
	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Insertion sort: linear on sorted input (Prometheus sends labels in
 * name order), no allocation, unlike glibc's qsort (a merge sort). */
static void
pairs_isort(struct labels_pair *p, size_t n)
{
	struct labels_pair	t;
	size_t			i, j;

	for (i = 1; i < n; i++) {
		if (pair_cmp(&p[i - 1], &p[i]) <= 0)
			continue;
		t = p[i];
		for (j = i; j > 0 && pair_cmp(&p[j - 1], &t) > 0; j--)
			p[j] = p[j - 1];
		p[j] = t;
	}
}

struct labels *
labels_builder_finish(struct labels_builder *b)
{
	struct labels	*ls;
	size_t		 i, j, n = 0, bytes = 0;
	char		*s;

	if (b->n == 0)
		return labels_empty();
	if (b->n <= 16)
		pairs_isort(b->p, b->n);	/* few labels, often sorted */
	else
		qsort(b->p, b->n, sizeof(*b->p), pair_cmp);
	/* Keep the last of each run of equal names. */
	for (i = 0; i < b->n; i++) {
		if (i + 1 < b->n && b->p[i].nlen == b->p[i + 1].nlen &&
		    memcmp(b->p[i].name, b->p[i + 1].name, b->p[i].nlen) == 0)
			continue;
		b->p[n++] = b->p[i];
	}
	for (i = 0; i < n; i++)
		bytes += b->p[i].nlen + b->p[i].vlen + 2;
	ls = xmalloc(sizeof(*ls) + n * sizeof(ls->v[0]) + bytes);
	atomic_init(&ls->refs, 1);
	ls->n = (uint32_t)n;
	s = (char *)&ls->v[n];
	for (j = 0; j < n; j++) {
		memcpy(s, b->p[j].name, b->p[j].nlen);
		s[b->p[j].nlen] = '\0';
		ls->v[j].name = s;
		s += b->p[j].nlen + 1;
		memcpy(s, b->p[j].value, b->p[j].vlen);
		s[b->p[j].vlen] = '\0';
		ls->v[j].value = s;
		s += b->p[j].vlen + 1;
	}
	b->n = 0;
	return ls;
}

struct labels *
labels_ref(struct labels *ls)
{
	if (ls != &empty_set)
		atomic_fetch_add_explicit(&ls->refs, 1, memory_order_relaxed);
	return ls;
}

void
labels_unref(struct labels *ls)
{
	if (ls == NULL || ls == &empty_set)
		return;
	if (atomic_fetch_sub_explicit(&ls->refs, 1, memory_order_acq_rel) == 1)
		free(ls);
}

static bool
name_in(const char *name, const char *const *names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static struct labels *
labels_filter(const struct labels *ls, const char *const *names, size_t n,
    bool keep)
{
	struct labels_builder	b;
	struct labels		*out;
	uint32_t		 i;

	labels_builder_init(&b);
	for (i = 0; i < ls->n; i++)
		if (name_in(ls->v[i].name, names, n) == keep)
			labels_builder_adds(&b, ls->v[i].name, ls->v[i].value);
	out = labels_builder_finish(&b);
	labels_builder_release(&b);
	return out;
}

struct labels *
labels_without(const struct labels *ls, const char *const *names, size_t n)
{
	return labels_filter(ls, names, n, false);
}

struct labels *
labels_only(const struct labels *ls, const char *const *names, size_t n)
{
	return labels_filter(ls, names, n, true);
}

struct labels *
labels_drop_empty(struct labels *ls)
{
	struct labels_builder	b;
	struct labels		*out;
	uint32_t		 i;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].value[0] == '\0')
			break;
	if (i == ls->n)
		return ls;
	labels_builder_init(&b);
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].value[0] != '\0')
			labels_builder_adds(&b, ls->v[i].name, ls->v[i].value);
	out = labels_builder_finish(&b);
	labels_builder_release(&b);
	labels_unref(ls);
	return out;
}

const char *
labels_get(const struct labels *ls, const char *name)
{
	uint32_t	lo = 0, hi = ls->n, mid;
	int		c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(ls->v[mid].name, name);
		if (c == 0)
			return ls->v[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
labels_equal(const struct labels *a, const struct labels *b)
{
	uint32_t	i;

	if (a == b)
		return true;
	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, b->v[i].name) != 0 ||
		    strcmp(a->v[i].value, b->v[i].value) != 0)
			return false;
	return true;
}

int
labels_cmp(const struct labels *a, const struct labels *b)
{
	uint32_t	i;
	int		c;

	for (i = 0; i < a->n && i < b->n; i++) {
		c = strcmp(a->v[i].name, b->v[i].name);
		if (c == 0)
			c = strcmp(a->v[i].value, b->v[i].value);
		if (c != 0)
			return c;
	}
	return a->n < b->n ? -1 : a->n > b->n;
}

uint64_t
fnv1a64_add(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t	i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV1A64_PRIME;
	}
	return h;
}

uint64_t
labels_fingerprint(const struct labels *ls)
{
	static const unsigned char sep = 0xff;
	uint64_t	h = FNV1A64_INIT;
	uint32_t	i;

	for (i = 0; i < ls->n; i++) {
		h = fnv1a64_add(h, ls->v[i].name, strlen(ls->v[i].name));
		h = fnv1a64_add(h, &sep, 1);
		h = fnv1a64_add(h, ls->v[i].value, strlen(ls->v[i].value));
		h = fnv1a64_add(h, &sep, 1);
	}
	return h;
}

char *
fp_format(uint64_t fp, char out[FP_STR_MAX])
{
	snprintf(out, FP_STR_MAX, "%016llx", (unsigned long long)fp);
	return out;
}

int
fp_parse(const char *s, uint64_t *fp)
{
	uint64_t	v = 0;
	size_t		i;
	int		d;

	if (*s == '\0' || strlen(s) > 16)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*fp = v;
	return 0;
}

bool
label_name_valid(const char *name, size_t len)
{
	size_t	i;
	char	c;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || (c >= '0' && c <= '9' && i > 0)))
			return false;
	}
	return true;
}

int
labels_validate(const struct labels *ls, struct ad_err *err)
{
	struct buf	b;
	uint32_t	i;
	const char	*what = NULL, *s = NULL;

	for (i = 0; i < ls->n && what == NULL; i++) {
		if (!label_name_valid(ls->v[i].name, strlen(ls->v[i].name))) {
			what = "name";
			s = ls->v[i].name;
		} else if (!utf8_valid(ls->v[i].value,
		    strlen(ls->v[i].value))) {
			what = "value";
			s = ls->v[i].value;
		}
	}
	if (what == NULL)
		return 0;
	buf_init(&b, BUF_NOCAP);
	buf_add_goquote(&b, s, strlen(s));
	ad_err_set(err, AD_EINVAL, "invalid %s %s", what, buf_str(&b));
	buf_release(&b);
	return -1;
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
labels_string(const struct labels *ls, struct buf *out)
{
	struct buf	 pair;
	char		**pairs;
	uint32_t	 i;
	int		 rc = 0;

	pairs = xcalloc(ls->n ? ls->n : 1, sizeof(*pairs));
	for (i = 0; i < ls->n; i++) {
		buf_init(&pair, BUF_NOCAP);
		buf_addstr(&pair, ls->v[i].name);
		buf_addch(&pair, '=');
		buf_add_goquote(&pair, ls->v[i].value, strlen(ls->v[i].value));
		pairs[i] = buf_detach(&pair, NULL);
	}
	qsort(pairs, ls->n, sizeof(*pairs), strp_cmp);
	rc |= buf_addch(out, '{');
	for (i = 0; i < ls->n; i++) {
		if (i > 0)
			rc |= buf_addstr(out, ", ");
		rc |= buf_addstr(out, pairs[i]);
		free(pairs[i]);
	}
	rc |= buf_addch(out, '}');
	free(pairs);
	return rc ? -1 : 0;
}
