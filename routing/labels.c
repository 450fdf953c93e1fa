/*
 * Label sets and fingerprints, exactly as Prometheus' model package
 * computes them (see labels.h), in two forms: private sets (one
 * allocation: owner head, set head, sorted pointer pairs, strings) and
 * packed sets embedded in an owner, whose names and shared values live in
 * a shape.
 *
 * Shapes are interned like strings: a sharded table keyed by their
 * (name, value-or-inline) pointers, refcounted, with the last reference
 * dropped under the shard lock (see alertd/intern.c).  A shape's id
 * indexes lshape_dir_, whose chunks are allocated once and never move, so
 * readers need no lock: a set holding an id holds a reference to it.
 */
#include "routing/labels.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/intern.h"
#include "alertd/pool.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

#define FNV1A64_PRIME	0x100000001b3ULL

static struct labels empty_set = { .back = 0, .form = LABELS_PRIVATE };

/* A private set's block. */
struct labels_blk {
	struct labels_owner	o;
	struct labels		ls;
};

_Static_assert(sizeof(struct labels_owner) == 8, "owner head");
_Static_assert(sizeof(struct labels) == 8, "set head");
_Static_assert(offsetof(struct labels_blk, ls) == 8, "set after owner");

static labels_owner_free_fn owner_free[LABELS_OWNER_TYPES];

void
labels_owner_register(unsigned type, labels_owner_free_fn fn)
{
	owner_free[type] = fn;
}

bool
labels_owner_unref(struct labels_owner *o)
{
	return atomic_fetch_sub_explicit(&o->refs, 1,
	    memory_order_acq_rel) == 1;
}

struct labels *
labels_empty(void)
{
	return &empty_set;
}

/* --------------------------------------------------------- builder */

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
	struct labels_blk	*blk;
	struct label		*v;
	size_t			 i, j, n = 0, bytes = 0;
	char			*s;

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
	blk = xmalloc(sizeof(*blk) + n * sizeof(*v) + bytes);
	atomic_init(&blk->o.refs, 1);
	blk->o.type = LABELS_OWNER_SET;
	blk->o.flags = 0;
	blk->o.aux = 0;
	blk->ls.back = offsetof(struct labels_blk, ls);
	blk->ls.form = LABELS_PRIVATE;
	blk->ls.pad_ = 0;
	blk->ls.u_ = (uint32_t)n;
	v = (struct label *)(void *)(&blk->ls + 1);
	s = (char *)&v[n];
	for (j = 0; j < n; j++) {
		memcpy(s, b->p[j].name, b->p[j].nlen);
		s[b->p[j].nlen] = '\0';
		v[j].name = s;
		s += b->p[j].nlen + 1;
		memcpy(s, b->p[j].value, b->p[j].vlen);
		s[b->p[j].vlen] = '\0';
		v[j].value = s;
		s += b->p[j].vlen + 1;
	}
	b->n = 0;
	return &blk->ls;
}

/* ------------------------------------------------------- references */

static struct labels_owner *
owner_of(const struct labels *ls)
{
	return (struct labels_owner *)(void *)((char *)(uintptr_t)ls -
	    ls->back);
}

struct labels *
labels_ref(struct labels *ls)
{
	if (ls->back != 0)
		atomic_fetch_add_explicit(&owner_of(ls)->refs, 1,
		    memory_order_relaxed);
	return ls;
}

void
labels_unref(struct labels *ls)
{
	struct labels_owner	*o;

	if (ls == NULL || ls->back == 0)
		return;
	o = owner_of(ls);
	if (!labels_owner_unref(o))
		return;
	if (o->type != LABELS_OWNER_SET) {
		owner_free[o->type](o);
		return;
	}
	labels_embedded_release(ls);
	free(o);
}

/* ---------------------------------------------------------- filters */

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
	uint32_t		 i, len = labels_len(ls);

	labels_builder_init(&b);
	for (i = 0; i < len; i++)
		if (name_in(labels_name(ls, i), names, n) == keep)
			labels_builder_adds(&b, labels_name(ls, i),
			    labels_value(ls, i));
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
	uint32_t		 i, len = labels_len(ls);

	for (i = 0; i < len; i++)
		if (labels_value(ls, i)[0] == '\0')
			break;
	if (i == len)
		return ls;
	labels_builder_init(&b);
	for (i = 0; i < len; i++)
		if (labels_value(ls, i)[0] != '\0')
			labels_builder_adds(&b, labels_name(ls, i),
			    labels_value(ls, i));
	out = labels_builder_finish(&b);
	labels_builder_release(&b);
	labels_unref(ls);
	return out;
}

/* ---------------------------------------------------------- reading */

const char *
labels_get(const struct labels *ls, const char *name)
{
	uint32_t	lo = 0, hi = labels_len(ls), mid;
	int		c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(labels_name(ls, mid), name);
		if (c == 0)
			return labels_value(ls, mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Two packed sets of one shape: only their inline values can differ. */
static bool
inline_equal(const struct labels *a, const struct labels *b)
{
	const struct lshape	*sh = labels_shape_(a);
	uint32_t		 k;

	for (k = 0; k < sh->n_inline; k++)
		if (strcmp(labels_inline_(a, k), labels_inline_(b, k)) != 0)
			return false;
	return true;
}

bool
labels_equal(const struct labels *a, const struct labels *b)
{
	uint32_t	i, n = labels_len(a);

	if (a == b)
		return true;
	if (a->form != LABELS_PRIVATE && b->form != LABELS_PRIVATE &&
	    a->u_ == b->u_)
		return inline_equal(a, b);
	if (n != labels_len(b))
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(labels_name(a, i), labels_name(b, i)) != 0 ||
		    strcmp(labels_value(a, i), labels_value(b, i)) != 0)
			return false;
	return true;
}

int
labels_cmp(const struct labels *a, const struct labels *b)
{
	uint32_t	i, na = labels_len(a), nb = labels_len(b);
	int		c;

	for (i = 0; i < na && i < nb; i++) {
		c = strcmp(labels_name(a, i), labels_name(b, i));
		if (c == 0)
			c = strcmp(labels_value(a, i), labels_value(b, i));
		if (c != 0)
			return c;
	}
	return na < nb ? -1 : na > nb;
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

/* FNV-1a over a NUL-terminated string, then the 0xff separator. */
static uint64_t
fnv_str_sep(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= FNV1A64_PRIME;
	}
	h ^= 0xff;
	return h * FNV1A64_PRIME;
}

uint64_t
labels_fingerprint(const struct labels *ls)
{
	uint64_t	h = FNV1A64_INIT;
	uint32_t	i, n = labels_len(ls);

	for (i = 0; i < n; i++) {
		h = fnv_str_sep(h, labels_name(ls, i));
		h = fnv_str_sep(h, labels_value(ls, i));
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
	uint32_t	i, n = labels_len(ls);
	const char	*what = NULL, *s = NULL, *name, *value;

	for (i = 0; i < n && what == NULL; i++) {
		name = labels_name(ls, i);
		value = labels_value(ls, i);
		if (!label_name_valid(name, strlen(name))) {
			what = "name";
			s = name;
		} else if (!utf8_valid(value, strlen(value))) {
			what = "value";
			s = value;
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
	uint32_t	 i, n = labels_len(ls);
	const char	*value;
	int		 rc = 0;

	pairs = xcalloc(n ? n : 1, sizeof(*pairs));
	for (i = 0; i < n; i++) {
		buf_init(&pair, BUF_NOCAP);
		buf_addstr(&pair, labels_name(ls, i));
		buf_addch(&pair, '=');
		value = labels_value(ls, i);
		buf_add_goquote(&pair, value, strlen(value));
		pairs[i] = buf_detach(&pair, NULL);
	}
	qsort(pairs, n, sizeof(*pairs), strp_cmp);
	rc |= buf_addch(out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			rc |= buf_addstr(out, ", ");
		rc |= buf_addstr(out, pairs[i]);
		free(pairs[i]);
	}
	rc |= buf_addch(out, '}');
	free(pairs);
	return rc ? -1 : 0;
}

/* ----------------------------------------------------------- shapes */

#define SHAPE_SHARDS	16		/* a power of two */
#define SHAPE_MIN_BUCKETS 64
#define CHUNK		(1u << LSHAPE_CHUNK_BITS)

struct lshape	**lshape_dir_[LSHAPE_CHUNKS];

struct sshard {
	pthread_mutex_t	  lock;
	struct lshape	**b;
	size_t		  nb, n;
} __attribute__((aligned(64)));

static struct sshard	sshards[SHAPE_SHARDS] = {
#define SS	{ .lock = PTHREAD_MUTEX_INITIALIZER }
	SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SS
#undef SS
};

/* Shape ids: the next never used, and a stack of freed ones. */
static pthread_mutex_t	 ids_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t		 ids_next;
static uint32_t		*ids_free;
static size_t		 ids_nfree, ids_alloc;
static atomic_size_t	 shape_count;

/* An id for sh, published in the directory.  -1: none left. */
static int
id_take(struct lshape *sh)
{
	uint32_t	id;
	int		rc = 0;

	pthread_mutex_lock(&ids_lock);
	if (ids_nfree > 0)
		id = ids_free[--ids_nfree];
	else if (ids_next < LSHAPE_CHUNKS * CHUNK - 1)
		id = ids_next++;
	else
		rc = -1;
	if (rc == 0) {
		if (lshape_dir_[id / CHUNK] == NULL)
			lshape_dir_[id / CHUNK] = xcalloc(CHUNK,
			    sizeof(**lshape_dir_));
		lshape_dir_[id / CHUNK][id % CHUNK] = sh;
		sh->id = id;
	}
	pthread_mutex_unlock(&ids_lock);
	return rc;
}

static void
id_give_back(uint32_t id)
{
	pthread_mutex_lock(&ids_lock);
	lshape_dir_[id / CHUNK][id % CHUNK] = NULL;
	if (ids_nfree == ids_alloc) {
		ids_alloc = ids_alloc != 0 ? ids_alloc * 2 : 256;
		ids_free = xreallocarray(ids_free, ids_alloc,
		    sizeof(*ids_free));
	}
	ids_free[ids_nfree++] = id;
	pthread_mutex_unlock(&ids_lock);
}

/*
 * What a shape is found by: its names (interned: compared by address),
 * which of its values are inline (NULL), and the bytes of the others.
 * Looking a shape up needs no interning: only making one does.
 */
struct shape_key {
	const char	*const *names;
	const char	*const *values;
	uint32_t	  n, n_all;
	uint32_t	  hash;
};

#define INLINE_MARK	0x5bd1e9955bd1e995ULL

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	return h ^ h >> 32;
}

/* Hashes a string eight bytes at a time into h. */
static uint64_t
hash_str(uint64_t h, const char *s)
{
	size_t		len = strlen(s);
	uint64_t	w;

	h ^= len;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = mix64(h ^ w) * 0xff51afd7ed558ccdULL;
	}
	w = 0;
	memcpy(&w, s, len);
	return mix64(h ^ w) * 0xc4ceb9fe1a85ec53ULL;
}

static uint32_t
key_hash(const struct shape_key *k)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ k->n ^
	    (uint64_t)k->n_all << 32;
	uint32_t	i;

	for (i = 0; i < k->n_all; i++) {
		h = (h ^ (uint64_t)(uintptr_t)k->names[i]) *
		    0xff51afd7ed558ccdULL;
		if (k->values[i] == NULL)
			h ^= INLINE_MARK;
		else
			h = hash_str(h, k->values[i]);
	}
	h = mix64(h);
	return (uint32_t)h;
}

static bool
key_is(const struct shape_key *k, const struct lshape *sh)
{
	uint32_t	i;

	if (sh->hash != k->hash || sh->n != k->n || sh->n_all != k->n_all)
		return false;
	for (i = 0; i < k->n_all; i++) {
		if (sh->p[i].name != k->names[i] ||
		    (sh->p[i].value == NULL) != (k->values[i] == NULL))
			return false;
		if (k->values[i] != NULL &&
		    strcmp(sh->p[i].value, k->values[i]) != 0)
			return false;
	}
	return true;
}

static struct sshard *
sshard_of(uint32_t hash)
{
	return &sshards[hash & (SHAPE_SHARDS - 1)];
}

static size_t
sbucket_of(const struct sshard *ss, uint32_t hash)
{
	return (hash >> 4) & (ss->nb - 1);
}

static void
sshard_grow(struct sshard *ss)
{
	struct lshape	**old = ss->b, *sh, *next;
	size_t		  oldnb = ss->nb, i, j;

	ss->nb = oldnb != 0 ? oldnb * 2 : SHAPE_MIN_BUCKETS;
	ss->b = xcalloc(ss->nb, sizeof(*ss->b));
	for (i = 0; i < oldnb; i++) {
		for (sh = old[i]; sh != NULL; sh = next) {
			next = sh->next;
			j = sbucket_of(ss, sh->hash);
			sh->next = ss->b[j];
			ss->b[j] = sh;
		}
	}
	free(old);
}

/* The bytes of a shape of n_all pairs (from the pool: it lives long). */
static size_t
shape_size(uint32_t n_all)
{
	return sizeof(struct lshape) + n_all * (sizeof(struct lshape_pair) +
	    sizeof(uint16_t));
}

/*
 * Under ss->lock: a new shape (refs = 1) for k, linked in, or NULL (no
 * id left).  names and values are k's interned strings (values NULL
 * where k's are): the shape takes references to them.
 */
static struct lshape *
shape_add(struct sshard *ss, const struct shape_key *k,
    struct istr *const *names, struct istr *const *values)
{
	struct lshape	*sh;
	uint16_t	*slots;
	uint32_t	 i, slot = 0;
	size_t		 j;

	if (k->n_all > UINT16_MAX)
		return NULL;		/* the set stays unpacked */
	sh = pool_get(shape_size(k->n_all));
	if (id_take(sh) == -1) {
		pool_put(sh, shape_size(k->n_all));
		return NULL;
	}
	atomic_init(&sh->refs, 1);
	sh->hash = k->hash;
	sh->n = k->n;
	sh->n_all = k->n_all;
	slots = (uint16_t *)(void *)(sh->p + sh->n_all);
	for (i = 0; i < k->n_all; i++) {
		sh->p[i].name = intern_ref(names[i])->s;
		sh->p[i].value = NULL;
		slots[i] = 0;
		if (values[i] != NULL)
			sh->p[i].value = intern_ref(values[i])->s;
		else
			slots[i] = (uint16_t)slot++;
	}
	sh->n_inline = slot;
	if (ss->n + 1 > ss->nb)
		sshard_grow(ss);
	j = sbucket_of(ss, k->hash);
	sh->next = ss->b[j];
	ss->b[j] = sh;
	ss->n++;
	atomic_fetch_add_explicit(&shape_count, 1, memory_order_relaxed);
	return sh;
}

static struct lshape *
shape_ref(struct lshape *sh)
{
	atomic_fetch_add_explicit(&sh->refs, 1, memory_order_relaxed);
	return sh;
}

/*
 * A reference to the shape of key k (hashed), or NULL.  With names and
 * values (k's strings, interned) a missing shape is made.
 */
static struct lshape *
shape_get(const struct shape_key *k, struct istr *const *names,
    struct istr *const *values)
{
	struct sshard	*ss = sshard_of(k->hash);
	struct lshape	*sh = NULL;

	pthread_mutex_lock(&ss->lock);
	if (ss->nb > 0)
		for (sh = ss->b[sbucket_of(ss, k->hash)]; sh != NULL;
		    sh = sh->next)
			if (key_is(k, sh))
				break;
	if (sh != NULL)
		atomic_fetch_add_explicit(&sh->refs, 1, memory_order_relaxed);
	else if (names != NULL)
		sh = shape_add(ss, k, names, values);
	pthread_mutex_unlock(&ss->lock);
	return sh;
}

static void
shape_free(struct lshape *sh)
{
	uint32_t	i;

	for (i = 0; i < sh->n_all; i++) {
		intern_unref(intern_of(sh->p[i].name));
		if (sh->p[i].value != NULL)
			intern_unref(intern_of(sh->p[i].value));
	}
	id_give_back(sh->id);
	atomic_fetch_sub_explicit(&shape_count, 1, memory_order_relaxed);
	pool_put(sh, shape_size(sh->n_all));
}

/* As intern_unref: the last reference is dropped under the lock. */
static void
shape_unref(struct lshape *sh)
{
	struct sshard	 *ss;
	struct lshape	**pp;
	unsigned	  r;
	bool		  last;

	r = atomic_load_explicit(&sh->refs, memory_order_relaxed);
	while (r > 1)
		if (atomic_compare_exchange_weak_explicit(&sh->refs, &r, r - 1,
		    memory_order_release, memory_order_relaxed))
			return;
	ss = sshard_of(sh->hash);
	pthread_mutex_lock(&ss->lock);
	last = atomic_fetch_sub_explicit(&sh->refs, 1,
	    memory_order_acq_rel) == 1;
	if (last) {
		pp = &ss->b[sbucket_of(ss, sh->hash)];
		while (*pp != sh)
			pp = &(*pp)->next;
		*pp = sh->next;
		ss->n--;
	}
	pthread_mutex_unlock(&ss->lock);
	if (last)
		shape_free(sh);
}

/*
 * Per thread, the last shape made or found for each tuple of names (a
 * reference each).  A new alert's shape is looked up with the names and
 * the choice of inline values of its memo: no interning, one lock, one
 * atomic increment.  Only a miss interns (and may choose differently:
 * the memo then follows).
 */
#define NAME_MEMOS	16		/* a power of two */

struct smemo {
	struct lshape	*memo[NAME_MEMOS];
};

static __thread struct smemo	*smemo;
static pthread_key_t		 smemo_key;
static pthread_once_t		 smemo_once = PTHREAD_ONCE_INIT;

static void
smemo_empty(struct smemo *m)
{
	size_t	i;

	for (i = 0; i < NAME_MEMOS; i++) {
		if (m->memo[i] != NULL)
			shape_unref(m->memo[i]);
		m->memo[i] = NULL;
	}
}

static void
smemo_free(void *arg)
{
	smemo_empty(arg);
	free(arg);
	smemo = NULL;
}

static void
smemo_init(void)
{
	pthread_key_create(&smemo_key, smemo_free);
}

/* The memo slot of src's names: their count and the ends of the tuple. */
static struct lshape **
memo_slot(const struct labels *src, uint32_t n_all)
{
	uint32_t	n = labels_len(src);
	size_t		h = n_all;

	if (smemo == NULL) {
		pthread_once(&smemo_once, smemo_init);
		smemo = xcalloc(1, sizeof(*smemo));
		pthread_setspecific(smemo_key, smemo);
	}
	if (n > 0)
		h = h * 31 + (unsigned char)labels_name(src, 0)[0] +
		    (unsigned char)labels_name(src, n - 1)[0] * 7u;
	return &smemo->memo[h & (NAME_MEMOS - 1)];
}

/* Has sh src's names (and an extra value iff src has one)? */
static bool
names_fit(const struct lshape *sh, const struct labels *src,
    const char *extra)
{
	uint32_t	i, n = labels_len(src);

	if (sh->n != n || sh->n_all != n + (extra != NULL))
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(sh->p[i].name, labels_name(src, i)) != 0)
			return false;
	return true;
}

void
labels_cache_clear(void)
{
	if (smemo != NULL)
		smemo_empty(smemo);
	intern_cache_clear();
}

size_t
labels_shape_count(void)
{
	return atomic_load_explicit(&shape_count, memory_order_relaxed);
}

/* ---------------------------------------------------------- packing */

/* The name of an extra value's scope: no label name can be it. */
static const char extra_name[] = "\x01" "extra";

const char *
labels_extra(const struct labels *ls)
{
	const struct lshape	*sh;

	if (ls->form == LABELS_PRIVATE)
		return NULL;
	sh = labels_shape_(ls);
	if (sh->n_all == sh->n)
		return NULL;
	if (sh->p[sh->n].value != NULL)
		return sh->p[sh->n].value;
	return labels_inline_(ls, lshape_slot_(sh, sh->n));
}

/* Pair i of src, or the extra value past its pairs. */
static const char *
src_value(const struct labels_pack *pk, uint32_t i, uint32_t n)
{
	return i < n ? labels_value(pk->src, i) : pk->extra;
}

/* Does src (and extra) fit sh: same names, and the shared values? */
static bool
shape_fits(const struct lshape *sh, const struct labels *src,
    const char *extra)
{
	uint32_t	i, n = labels_len(src);

	if (sh->n != n || sh->n_all != n + (extra != NULL))
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(sh->p[i].name, labels_name(src, i)) != 0)
			return false;
		if (sh->p[i].value != NULL &&
		    strcmp(sh->p[i].value, labels_value(src, i)) != 0)
			return false;
	}
	return extra == NULL || sh->p[n].value == NULL ||
	    strcmp(sh->p[n].value, extra) == 0;
}

/* Room for the key arrays of a set of n_all pairs. */
struct key_room {
	const char	*stack[2 * 32];
	const char	**a;
};

static const char **
room_get(struct key_room *r, uint32_t n_all)
{
	r->a = n_all <= 32 ? r->stack : xcalloc(2 * (size_t)n_all,
	    sizeof(*r->a));
	return r->a;
}

static void
room_release(struct key_room *r)
{
	if (r->a != r->stack)
		free(r->a);
}

/*
 * The shape of src looked up with the names and the choice of inline
 * values of t, its memo: a reference, or NULL if there is none yet.
 */
static struct lshape *
shape_by_memo(const struct lshape *t, const struct labels *src,
    const char *extra)
{
	struct key_room		 room;
	struct shape_key	 k;
	struct lshape		*sh;
	const char		**names, **values;
	uint32_t		 i;

	names = room_get(&room, t->n_all);
	values = names + t->n_all;
	for (i = 0; i < t->n_all; i++) {
		names[i] = t->p[i].name;
		values[i] = NULL;
		if (t->p[i].value != NULL)
			values[i] = i < t->n ? labels_value(src, i) : extra;
	}
	k.names = names;
	k.values = values;
	k.n = t->n;
	k.n_all = t->n_all;
	k.hash = key_hash(&k);
	sh = shape_get(&k, NULL, NULL);
	room_release(&room);
	return sh;
}

/*
 * Interns src's names and the values their names share (see intern.h;
 * share_min: a name's first values that are always shared) and returns
 * a reference to the shape of the result, made if need be.  The strings
 * are peeked (borrowed until intern_peek_done): a new shape takes its
 * own references.
 */
static struct lshape *
shape_intern(const struct labels *src, const char *extra, unsigned share_min)
{
	struct istr		*stack[2 * 32], **is;
	struct key_room		 room;
	struct shape_key	 k;
	struct lshape		*sh;
	const char		**names, **values, *name, *value;
	uint32_t		 i, n = labels_len(src);
	uint32_t		 n_all = n + (extra != NULL);

	is = n_all <= 32 ? stack : xcalloc(2 * (size_t)n_all, sizeof(*is));
	names = room_get(&room, n_all);
	values = names + n_all;
	for (i = 0; i < n_all; i++) {
		name = i < n ? labels_name(src, i) : extra_name;
		value = i < n ? labels_value(src, i) : extra;
		is[i] = intern_peek(NULL, name, strlen(name), 0);
		is[n_all + i] = intern_peek(is[i], value, strlen(value),
		    share_min);
		names[i] = is[i]->s;
		values[i] = is[n_all + i] != NULL ? value : NULL;
	}
	k.names = names;
	k.values = values;
	k.n = n;
	k.n_all = n_all;
	k.hash = key_hash(&k);
	sh = shape_get(&k, is, is + n_all);
	intern_peek_done();
	room_release(&room);
	if (is != stack)
		free(is);
	return sh;
}

/* src's shape: by its memo if it has one, else interned. */
static struct lshape *
shape_find(const struct labels *src, const char *extra, unsigned share_min)
{
	struct lshape	**memo, *sh = NULL;
	uint32_t	  n_all = labels_len(src) + (extra != NULL);

	memo = memo_slot(src, n_all);
	if (*memo != NULL && names_fit(*memo, src, extra))
		sh = shape_by_memo(*memo, src, extra);
	if (sh == NULL)
		sh = shape_intern(src, extra, share_min);
	if (sh != NULL && *memo != sh) {
		if (*memo != NULL)
			shape_unref(*memo);
		*memo = shape_ref(sh);
	}
	return sh;
}

int
labels_pack_plan(struct labels_pack *pk, const struct labels *src,
    const char *extra, const struct labels *hint, unsigned share_min)
{
	const struct lshape	*hs;
	uint32_t		 i, n = labels_len(src);

	pk->src = src;
	pk->extra = extra;
	pk->shape = NULL;
	if (hint != NULL && hint->form != LABELS_PRIVATE) {
		hs = labels_shape_(hint);
		if (shape_fits(hs, src, extra))
			pk->shape = shape_ref((struct lshape *)(uintptr_t)hs);
	}
	if (pk->shape == NULL)
		pk->shape = shape_find(src, extra, share_min);
	if (pk->shape == NULL)
		return -1;
	pk->n_inline = pk->shape->n_inline;
	pk->bytes = 0;
	for (i = 0; i < pk->shape->n_all; i++)
		if (pk->shape->p[i].value == NULL)
			pk->bytes += strlen(src_value(pk, i, n)) + 1;
	return 0;
}

size_t
labels_pack_size(const struct labels_pack *pk, bool wide)
{
	return sizeof(struct labels) + pk->n_inline *
	    (wide ? sizeof(uint32_t) : sizeof(uint16_t));
}

void
labels_pack_write(struct labels_pack *pk, struct labels *dst, uint16_t back,
    bool wide, char *str)
{
	const struct lshape	*sh = pk->shape;
	uint16_t		*off16 = (uint16_t *)(void *)(dst + 1);
	uint32_t		*off32 = (uint32_t *)(void *)(dst + 1);
	uint32_t		 i, k = 0, n = sh->n;
	const char		*v;
	size_t			 len;

	dst->back = back;
	dst->form = wide ? LABELS_PACKED_WIDE : LABELS_PACKED;
	dst->pad_ = 0;
	dst->u_ = sh->id;
	for (i = 0; i < sh->n_all; i++) {
		if (sh->p[i].value != NULL)
			continue;
		v = src_value(pk, i, n);
		len = strlen(v) + 1;
		memcpy(str, v, len);
		if (wide)
			off32[k++] = (uint32_t)(str - (char *)dst);
		else
			off16[k++] = (uint16_t)(str - (char *)dst);
		str += len;
	}
	pk->shape = NULL;
}

void
labels_pack_release(struct labels_pack *pk)
{
	if (pk->shape != NULL)
		shape_unref(pk->shape);
	pk->shape = NULL;
}

void
labels_pack_copied(const struct labels *ls)
{
	if (ls->form != LABELS_PRIVATE)
		shape_ref((struct lshape *)(uintptr_t)labels_shape_(ls));
}

void
labels_embedded_release(const struct labels *ls)
{
	if (ls->form != LABELS_PRIVATE)
		shape_unref((struct lshape *)(uintptr_t)labels_shape_(ls));
}

const char *
labels_pack_end(const struct labels *ls)
{
	const struct lshape	*sh = labels_shape_(ls);
	const char		*end = (const char *)(ls + 1), *v;
	uint32_t		 k;

	for (k = 0; k < sh->n_inline; k++) {
		v = labels_inline_(ls, k);
		if (v + strlen(v) + 1 > end)
			end = v + strlen(v) + 1;
	}
	return end;
}
