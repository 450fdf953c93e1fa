/*
 * The notification log (see nflog.h): an in-memory hash map behind a
 * rwlock, made durable by an append-only file written by the nflog
 * thread with group commit, compacted by atomic replacement.
 *
 * Alertmanager semantics kept: keys "<gkey>:<recv>/<integration>/<idx>",
 * expiry min(retention, 2 * repeat_interval) after the notification, a
 * put ignored when the stored entry is newer, entries expired at
 * maintenance when !expires_at.After(now), a miss counted as a query
 * error.  The protobuf codec is our own (no protobuf library): it reads
 * both packed and unpacked repeated fields and skips unknown ones.
 */
#include "notifiers/nflog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/crc32c.h"
#include "alertd/dfile.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"

#define NFLOG_FILE		"nflog.alertd"
#define NFLOG_AM_FILE		"nflog"
#define NFLOG_MAGIC		"ALERTD-NFLOG\0\0\0\1"
#define NFLOG_MAGIC_LEN		16
#define NFLOG_FILE_MAX		((size_t)1 << 31)
#define NFLOG_RECORD_MAX	(16u << 20)
#define NFLOG_GROWTH_MAX	((off_t)64 << 20)
#define NFLOG_WBUF_KEEP		((size_t)1 << 20)	/* kept between batches */
#define NFLOG_RETENTION		(120 * AD_HOUR)
#define NFLOG_MAINTENANCE	(15 * AD_MIN)

struct nf_item {
	struct nf_item		*next;
	uint64_t		 hash;
	struct nflog_entry	 e;
};

/* What a record of the file (and a queued write) says about its key. */
enum nf_kind {
	NF_ENTRY,	/* the entry (a notification succeeded) */
	NF_INTENT,	/* a notification is being sent: taken as sent */
	NF_TOMBSTONE	/* no entry (an intent abandoned, nothing before) */
};

struct nf_put {
	struct nf_put		*next;
	enum nf_kind		 kind;	/* NF_TOMBSTONE: an abandon */
	bool			 apply;
	struct nflog_entry	 e;
	uint64_t		 hash;	/* key_hash of e */
	nflog_put_cb		 cb;
	void			*arg;
};

struct nf_map {
	struct nf_item		**buckets;
	size_t			 n_buckets, n_items;
};

struct nflog {
	struct nflog_opts	 opts;
	char			*dir, *path;

	pthread_rwlock_t	 lock;		/* live */
	struct nf_map		 live;
	struct nf_map		 intents;	/* nflog thread only */

	pthread_mutex_t		 mu;		/* queue and requests */
	pthread_cond_t		 cv, done_cv;
	struct nf_put		*q_head, *q_tail;
	bool			 stop;
	uint64_t		 maint_req, maint_done;
	int			 maint_rc;
	pthread_t		 thread;
	bool			 threaded;

	/* nflog thread */
	int			 fd;
	struct buf		 wbuf;		/* a batch's records, reused */
	off_t			 size, compacted_size;
	ad_time_t		 next_maint;

	_Atomic uint64_t	 gc_count, gc_ns, snap_count, snap_ns, snap_size;
	_Atomic uint64_t	 queries, query_errors, query_ns;
	_Atomic uint64_t	 query_le[NFLOG_QUERY_BUCKETS];
	_Atomic uint64_t	 write_errors;
};

const double nflog_query_buckets[NFLOG_QUERY_BUCKETS] = {
	.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10
};

static ad_time_t
nf_now(const struct nflog *nf)
{
	return nf->opts.now != NULL ? nf->opts.now() : ad_now();
}

/* ------------------------------------------------------------- crc32c --- */

uint32_t
nflog_crc32c(const void *p, size_t len)
{
	return crc32c(0, p, len);
}

/* -------------------------------------------------------------- entry --- */

void
nflog_entry_init(struct nflog_entry *e)
{
	memset(e, 0, sizeof(*e));
}

void
nflog_entry_release(struct nflog_entry *e)
{
	free(e->group_key);
	free(e->group_name);
	free(e->integration);
	free(e->firing);
	free(e->resolved);
	nflog_entry_init(e);
}

static void
set_str(char **dst, const char *s, size_t len)
{
	free(*dst);
	*dst = xstrndup(s, len);
}

static void
hashes_set(uint64_t **v, size_t *n, size_t *alloc, const uint64_t *src,
    size_t cnt)
{
	if (*alloc < cnt) {
		*v = xreallocarray(*v, cnt, sizeof(**v));
		*alloc = cnt;
	}
	if (cnt > 0)
		memcpy(*v, src, cnt * sizeof(**v));
	*n = cnt;
}

static void
hashes_add(uint64_t **v, size_t *n, size_t *alloc, uint64_t h)
{
	if (*n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 8;
		*v = xreallocarray(*v, *alloc, sizeof(**v));
	}
	(*v)[(*n)++] = h;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
entry_sort(struct nflog_entry *e)
{
	if (e->n_firing > 1)
		qsort(e->firing, e->n_firing, sizeof(*e->firing), u64_cmp);
	if (e->n_resolved > 1)
		qsort(e->resolved, e->n_resolved, sizeof(*e->resolved),
		    u64_cmp);
}

/* Copies src into dst, reusing dst's memory. */
static void
entry_copy(struct nflog_entry *dst, const struct nflog_entry *src)
{
	set_str(&dst->group_key, src->group_key, strlen(src->group_key));
	set_str(&dst->group_name, src->group_name, strlen(src->group_name));
	set_str(&dst->integration, src->integration, strlen(src->integration));
	dst->idx = src->idx;
	dst->ts = src->ts;
	dst->expires_at = src->expires_at;
	hashes_set(&dst->firing, &dst->n_firing, &dst->alloc_firing,
	    src->firing, src->n_firing);
	hashes_set(&dst->resolved, &dst->n_resolved, &dst->alloc_resolved,
	    src->resolved, src->n_resolved);
}

/* -------------------------------------------------------- protobuf --- */

/*
 * MeshEntry, plus field 15 (varint) that only alertd's own file carries:
 * the record's kind (enum nf_kind; absent: an entry).  Alertmanager's
 * decoders skip unknown fields.
 */
#define PB_KIND_FIELD	15

/*
 * The encoder computes every nested message's size first and then writes
 * the whole record in one pass into one block (no buffer per message).
 * Every field number used is below 16: its tag is one byte.
 */
static size_t
pb_varint_len(uint64_t v)
{
	size_t	n = 1;

	for (; v >= 0x80; v >>= 7)
		n++;
	return n;
}

static unsigned char *
pb_put_varint(unsigned char *p, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		*p++ = (unsigned char)(v | 0x80);
	*p++ = (unsigned char)v;
	return p;
}

/* A length-delimited field of len bytes, with its tag and length. */
static size_t
pb_field_len(size_t len)
{
	return 1 + pb_varint_len(len) + len;
}

static unsigned char *
pb_put_head(unsigned char *p, unsigned field, size_t len)
{
	*p++ = (unsigned char)(field << 3 | 2);
	return pb_put_varint(p, len);
}

static unsigned char *
pb_put_bytes(unsigned char *p, unsigned field, const char *s, size_t len)
{
	p = pb_put_head(p, field, len);
	memcpy(p, s, len);
	return p + len;
}

/* A google.protobuf.Timestamp: seconds and nanos, each when not 0. */
struct pb_ts {
	uint64_t	secs, nanos;
	size_t		len;
};

static void
pb_ts_init(struct pb_ts *ts, ad_time_t t)
{
	int64_t	secs = t / AD_SEC, nanos = t % AD_SEC;

	if (nanos < 0) {
		nanos += AD_SEC;
		secs--;
	}
	ts->secs = (uint64_t)secs;
	ts->nanos = (uint64_t)nanos;
	ts->len = (secs != 0 ? 1 + pb_varint_len(ts->secs) : 0) +
	    (nanos != 0 ? 1 + pb_varint_len(ts->nanos) : 0);
}

static unsigned char *
pb_put_ts(unsigned char *p, unsigned field, const struct pb_ts *ts)
{
	p = pb_put_head(p, field, ts->len);
	if (ts->secs != 0) {
		*p++ = 1 << 3 | 0;
		p = pb_put_varint(p, ts->secs);
	}
	if (ts->nanos != 0) {
		*p++ = 2 << 3 | 0;
		p = pb_put_varint(p, ts->nanos);
	}
	return p;
}

static size_t
pb_packed_len(const uint64_t *v, size_t n)
{
	size_t	i, len = 0;

	for (i = 0; i < n; i++)
		len += pb_varint_len(v[i]);
	return len;
}

static unsigned char *
pb_put_packed(unsigned char *p, unsigned field, const uint64_t *v, size_t n,
    size_t len)
{
	size_t	i;

	if (n == 0)
		return p;
	p = pb_put_head(p, field, len);
	for (i = 0; i < n; i++)
		p = pb_put_varint(p, v[i]);
	return p;
}

/* The sizes of an entry's nested messages (MeshEntry, Entry, Receiver). */
struct pb_sizes {
	size_t		gk, gn, in;	/* string lengths */
	size_t		recv, firing, resolved, entry, total;
	struct pb_ts	ts, exp;
};

static void
entry_sizes(const struct nflog_entry *e, enum nf_kind kind,
    struct pb_sizes *z)
{
	z->gk = strlen(e->group_key);
	z->gn = strlen(e->group_name);
	z->in = strlen(e->integration);
	z->recv = (z->gn != 0 ? pb_field_len(z->gn) : 0) +
	    (z->in != 0 ? pb_field_len(z->in) : 0) +
	    (e->idx != 0 ? 1 + pb_varint_len(e->idx) : 0);
	pb_ts_init(&z->ts, e->ts);
	pb_ts_init(&z->exp, e->expires_at);
	z->firing = pb_packed_len(e->firing, e->n_firing);
	z->resolved = pb_packed_len(e->resolved, e->n_resolved);
	z->entry = (z->gk != 0 ? pb_field_len(z->gk) : 0) +
	    pb_field_len(z->recv) + pb_field_len(z->ts.len) +
	    (e->n_firing != 0 ? pb_field_len(z->firing) : 0) +
	    (e->n_resolved != 0 ? pb_field_len(z->resolved) : 0);
	z->total = pb_field_len(z->entry) + pb_field_len(z->exp.len) +
	    (kind != NF_ENTRY ? 1 + pb_varint_len(kind) : 0);
}

/* Writes the MeshEntry of entry_sizes (z->total bytes) at p. */
static void
entry_put(const struct nflog_entry *e, enum nf_kind kind,
    const struct pb_sizes *z, unsigned char *p)
{
	p = pb_put_head(p, 1, z->entry);
	if (z->gk != 0)
		p = pb_put_bytes(p, 1, e->group_key, z->gk);
	p = pb_put_head(p, 2, z->recv);
	if (z->gn != 0)
		p = pb_put_bytes(p, 1, e->group_name, z->gn);
	if (z->in != 0)
		p = pb_put_bytes(p, 2, e->integration, z->in);
	if (e->idx != 0) {
		*p++ = 3 << 3 | 0;
		p = pb_put_varint(p, e->idx);
	}
	p = pb_put_ts(p, 5, &z->ts);
	p = pb_put_packed(p, 6, e->firing, e->n_firing, z->firing);
	p = pb_put_packed(p, 7, e->resolved, e->n_resolved, z->resolved);
	p = pb_put_ts(p, 2, &z->exp);
	if (kind != NF_ENTRY) {
		*p++ = PB_KIND_FIELD << 3 | 0;
		(void)pb_put_varint(p, kind);
	}
}

/*
 * Appends the MeshEntry, after `head` bytes left for the caller (zeroed);
 * returns where the message starts in out.
 */
static size_t
entry_encode(const struct nflog_entry *e, enum nf_kind kind, size_t head,
    struct buf *out)
{
	struct pb_sizes	 z;
	unsigned char	 stack[512], *p = stack;
	size_t		 start = buf_len(out) + head;

	entry_sizes(e, kind, &z);
	if (head + z.total > sizeof(stack))
		p = xmalloc(head + z.total);
	memset(p, 0, head);
	entry_put(e, kind, &z, p + head);
	buf_add(out, p, head + z.total);
	if (p != stack)
		free(p);
	return start;
}

int
nflog_entry_encode(const struct nflog_entry *e, struct buf *out)
{
	(void)entry_encode(e, NF_ENTRY, 0, out);
	return 0;
}

struct pb {
	const unsigned char	*p, *end;
};

static int
pb_get_varint(struct pb *r, uint64_t *v)
{
	unsigned	shift = 0;

	*v = 0;
	while (r->p < r->end && shift < 64) {
		unsigned char c = *r->p++;

		*v |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

/* Reads a field header and, for length-delimited fields, the payload. */
static int
pb_field(struct pb *r, unsigned *field, unsigned *wire, uint64_t *v,
    struct pb *sub)
{
	uint64_t	tag;

	if (pb_get_varint(r, &tag) == -1 || tag >> 3 == 0 || tag >> 3 > 1u << 29)
		return -1;
	*field = (unsigned)(tag >> 3);
	*wire = (unsigned)(tag & 7);
	switch (*wire) {
	case 0:
		return pb_get_varint(r, v);
	case 1:
	case 5:
		if ((size_t)(r->end - r->p) < (*wire == 1 ? 8u : 4u))
			return -1;
		r->p += *wire == 1 ? 8 : 4;
		return 0;
	case 2:
		if (pb_get_varint(r, v) == -1 ||
		    *v > (uint64_t)(r->end - r->p))
			return -1;
		sub->p = r->p;
		sub->end = r->p + *v;
		r->p += *v;
		return 0;
	default:
		return -1;
	}
}

static int
pb_timestamp_get(struct pb *m, ad_time_t *t)
{
	unsigned	f, w;
	uint64_t	v;
	struct pb	sub;
	int64_t		secs = 0, nanos = 0;

	while (m->p < m->end) {
		if (pb_field(m, &f, &w, &v, &sub) == -1)
			return -1;
		if (f == 1 && w == 0)
			secs = (int64_t)v;
		else if (f == 2 && w == 0)
			nanos = (int32_t)v;
	}
	if (secs > INT64_MAX / AD_SEC - 1 || secs < INT64_MIN / AD_SEC + 1)
		return -1;
	*t = secs * AD_SEC + nanos;
	return 0;
}

static int
pb_hashes(struct pb *sub, unsigned w, uint64_t v, uint64_t **out, size_t *n,
    size_t *alloc)
{
	if (w == 0) {
		hashes_add(out, n, alloc, v);
		return 0;
	}
	if (w != 2)
		return 0;
	while (sub->p < sub->end) {
		if (pb_get_varint(sub, &v) == -1)
			return -1;
		hashes_add(out, n, alloc, v);
	}
	return 0;
}

static int
pb_receiver(struct pb *m, struct nflog_entry *e)
{
	unsigned	f, w;
	uint64_t	v;
	struct pb	sub;

	while (m->p < m->end) {
		if (pb_field(m, &f, &w, &v, &sub) == -1)
			return -1;
		if (f == 1 && w == 2)
			set_str(&e->group_name, (const char *)sub.p,
			    (size_t)(sub.end - sub.p));
		else if (f == 2 && w == 2)
			set_str(&e->integration, (const char *)sub.p,
			    (size_t)(sub.end - sub.p));
		else if (f == 3 && w == 0)
			e->idx = (uint32_t)v;
	}
	return 0;
}

static int
pb_entry(struct pb *m, struct nflog_entry *e, bool *has_recv)
{
	unsigned	f, w;
	uint64_t	v;
	struct pb	sub;

	while (m->p < m->end) {
		if (pb_field(m, &f, &w, &v, &sub) == -1)
			return -1;
		if (f == 1 && w == 2)
			set_str(&e->group_key, (const char *)sub.p,
			    (size_t)(sub.end - sub.p));
		else if (f == 2 && w == 2) {
			*has_recv = true;
			if (pb_receiver(&sub, e) == -1)
				return -1;
		} else if (f == 5 && w == 2) {
			if (pb_timestamp_get(&sub, &e->ts) == -1)
				return -1;
		} else if (f == 6) {
			if (pb_hashes(&sub, w, v, &e->firing, &e->n_firing,
			    &e->alloc_firing) == -1)
				return -1;
		} else if (f == 7) {
			if (pb_hashes(&sub, w, v, &e->resolved,
			    &e->n_resolved, &e->alloc_resolved) == -1)
				return -1;
		}
	}
	return 0;
}

static int
entry_decode(const void *p, size_t len, struct nflog_entry *e,
    enum nf_kind *kind, struct ad_err *err)
{
	struct pb	m = { p, (const unsigned char *)p + len }, sub;
	unsigned	f, w;
	uint64_t	v;
	bool		has_entry = false, has_recv = false;

	*kind = NF_ENTRY;
	nflog_entry_release(e);
	set_str(&e->group_key, "", 0);
	set_str(&e->group_name, "", 0);
	set_str(&e->integration, "", 0);
	while (m.p < m.end) {
		if (pb_field(&m, &f, &w, &v, &sub) == -1)
			goto bad;
		if (f == 1 && w == 2) {
			has_entry = true;
			if (pb_entry(&sub, e, &has_recv) == -1)
				goto bad;
		} else if (f == 2 && w == 2) {
			if (pb_timestamp_get(&sub, &e->expires_at) == -1)
				goto bad;
		} else if (f == PB_KIND_FIELD && w == 0 && v <= NF_TOMBSTONE) {
			*kind = (enum nf_kind)v;
		}
	}
	/* nflog's decodeState: ErrInvalidState */
	if (!has_entry || !has_recv)
		return ad_err_set(err, AD_EINVAL, "invalid state");
	entry_sort(e);
	return 0;
bad:
	return ad_err_set(err, AD_EINVAL, "malformed protobuf");
}

int
nflog_entry_decode(const void *p, size_t len, struct nflog_entry *e,
    struct ad_err *err)
{
	enum nf_kind	kind;

	return entry_decode(p, len, e, &kind, err);
}

long
nflog_am_next(const void *p, size_t len, struct nflog_entry *e,
    struct ad_err *err)
{
	struct pb	r = { p, (const unsigned char *)p + len };
	uint64_t	mlen;
	size_t		hdr;

	if (len == 0)
		return 0;
	if (pb_get_varint(&r, &mlen) == -1)
		return ad_err_set(err, AD_EINVAL, "truncated length");
	hdr = (size_t)(r.p - (const unsigned char *)p);
	if (mlen > len - hdr)
		return ad_err_set(err, AD_EINVAL, "truncated entry");
	if (nflog_entry_decode(r.p, (size_t)mlen, e, err) == -1)
		return -1;
	return (long)(hdr + mlen);
}

/* ---------------------------------------------------------------- map --- */

static uint64_t
key_hash(const char *gkey, const char *name, const char *integ, uint32_t idx)
{
	uint64_t	h = FNV1A64_INIT;

	h = fnv1a64_add(h, gkey, strlen(gkey) + 1);
	h = fnv1a64_add(h, name, strlen(name) + 1);
	h = fnv1a64_add(h, integ, strlen(integ) + 1);
	return fnv1a64_add(h, &idx, sizeof(idx));
}

static bool
item_is(const struct nf_item *it, uint64_t h, const char *gkey,
    const char *name, const char *integ, uint32_t idx)
{
	return it->hash == h && it->e.idx == idx &&
	    strcmp(it->e.group_key, gkey) == 0 &&
	    strcmp(it->e.group_name, name) == 0 &&
	    strcmp(it->e.integration, integ) == 0;
}

static struct nf_item **
map_find(struct nf_map *m, uint64_t h, const char *gkey, const char *name,
    const char *integ, uint32_t idx)
{
	struct nf_item	**pp;

	if (m->n_buckets == 0)
		return NULL;
	for (pp = &m->buckets[h & (m->n_buckets - 1)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (item_is(*pp, h, gkey, name, integ, idx))
			return pp;
	return NULL;
}

static uint64_t
entry_hash(const struct nflog_entry *e)
{
	return key_hash(e->group_key, e->group_name, e->integration, e->idx);
}

/* e's key, whose key_hash is h. */
static struct nf_item **
map_find_h(struct nf_map *m, const struct nflog_entry *e, uint64_t h)
{
	return map_find(m, h, e->group_key, e->group_name, e->integration,
	    e->idx);
}

static struct nf_item **
map_find_entry(struct nf_map *m, const struct nflog_entry *e, uint64_t *h)
{
	*h = entry_hash(e);
	return map_find_h(m, e, *h);
}

static void
map_grow(struct nf_map *m)
{
	struct nf_item	**nb, *it, *next;
	size_t		 n = m->n_buckets ? m->n_buckets * 2 : 64, i;

	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < m->n_buckets; i++)
		for (it = m->buckets[i]; it != NULL; it = next) {
			next = it->next;
			it->next = nb[it->hash & (n - 1)];
			nb[it->hash & (n - 1)] = it;
		}
	free(m->buckets);
	m->buckets = nb;
	m->n_buckets = n;
}

/* Stores e (its contents are taken) under its key (hash h), replacing
 * any. */
static void
map_set_h(struct nf_map *m, struct nflog_entry *e, uint64_t h)
{
	struct nf_item	**pp = map_find_h(m, e, h), *it;

	if (pp != NULL) {
		nflog_entry_release(&(*pp)->e);
		(*pp)->e = *e;
		nflog_entry_init(e);
		return;
	}
	if (m->n_items * 4 >= m->n_buckets * 3)
		map_grow(m);
	it = xcalloc(1, sizeof(*it));
	it->hash = h;
	it->e = *e;
	nflog_entry_init(e);
	it->next = m->buckets[h & (m->n_buckets - 1)];
	m->buckets[h & (m->n_buckets - 1)] = it;
	m->n_items++;
}

static void
map_set(struct nf_map *m, struct nflog_entry *e)
{
	map_set_h(m, e, entry_hash(e));
}

static void
map_del_h(struct nf_map *m, const struct nflog_entry *key, uint64_t h)
{
	struct nf_item	**pp = map_find_h(m, key, h), *it;

	if (pp == NULL)
		return;
	it = *pp;
	*pp = it->next;
	nflog_entry_release(&it->e);
	free(it);
	m->n_items--;
}

static void
map_del(struct nf_map *m, const struct nflog_entry *key)
{
	map_del_h(m, key, entry_hash(key));
}

/*
 * state.merge: would e replace what the map holds (it is newer, and not
 * expired at now)?  Log() merges at the entry's own time (so an entry
 * with a tiny repeat_interval is kept: the dedup of the next flush still
 * finds it, expired or not, until maintenance); an import takes
 * everything (INT64_MIN).
 */
static bool
map_accepts_h(struct nf_map *m, const struct nflog_entry *e, ad_time_t now,
    uint64_t h)
{
	struct nf_item	**pp;

	if (e->expires_at < now)
		return false;
	pp = map_find_h(m, e, h);
	return pp == NULL || (*pp)->e.ts < e->ts;
}

static bool
map_accepts(struct nf_map *m, const struct nflog_entry *e, ad_time_t now)
{
	return map_accepts_h(m, e, now, entry_hash(e));
}

/* Drops entries with !expires_at.After(now). */
static size_t
map_gc(struct nf_map *m, ad_time_t now)
{
	struct nf_item	**pp, *it;
	size_t		 i, n = 0;

	for (i = 0; i < m->n_buckets; i++) {
		pp = &m->buckets[i];
		while (*pp != NULL) {
			it = *pp;
			if (it->e.expires_at > now) {
				pp = &it->next;
				continue;
			}
			*pp = it->next;
			nflog_entry_release(&it->e);
			free(it);
			m->n_items--;
			n++;
		}
	}
	return n;
}

static void
map_free(struct nf_map *m)
{
	struct nf_item	*it, *next;
	size_t		 i;

	for (i = 0; i < m->n_buckets; i++)
		for (it = m->buckets[i]; it != NULL; it = next) {
			next = it->next;
			nflog_entry_release(&it->e);
			free(it);
		}
	free(m->buckets);
	memset(m, 0, sizeof(*m));
}

/* --------------------------------------------------------------- file --- */

static void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Appends one framed record. */
static void
record_add(struct buf *b, const struct nflog_entry *e, enum nf_kind kind)
{
	size_t		start = entry_encode(e, kind, 8, b);
	unsigned char	hdr[8];

	put_u32(hdr, (uint32_t)(buf_len(b) - start));
	put_u32(hdr + 4, nflog_crc32c(buf_str(b) + start,
	    buf_len(b) - start));
	memcpy((char *)buf_str(b) + start - 8, hdr, 8);
}

static int
open_append(struct nflog *nf, struct ad_err *err)
{
	struct stat	st;

	if (nf->fd != -1)
		close(nf->fd);
	nf->fd = open(nf->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (nf->fd == -1 || fstat(nf->fd, &st) == -1)
		return ad_err_set(err, AD_EIO, "open %s: %s", nf->path,
		    strerror(errno));
	nf->size = st.st_size;
	return 0;
}

/*
 * Writes every entry to a new file and renames it over the log (nflog's
 * openReplace, plus fsync of the directory).  Called with no lock: only
 * the nflog thread (or open/close) changes the map.
 */
static int
snapshot(struct nflog *nf, struct ad_err *err)
{
	struct buf	 b;
	char		*tmp;
	struct nf_item	*it;
	size_t		 i;
	uint64_t	 h;
	int		 rc = -1;
	int64_t		 t0 = ad_mono();

	buf_init(&b, BUF_NOCAP);
	buf_add(&b, NFLOG_MAGIC, NFLOG_MAGIC_LEN);
	/* every entry, except that a notification in flight is written as
	 * its intent, so that a crash after this compaction still takes it
	 * as sent */
	pthread_rwlock_rdlock(&nf->lock);
	for (i = 0; i < nf->live.n_buckets; i++)
		for (it = nf->live.buckets[i]; it != NULL; it = it->next)
			if (map_find_entry(&nf->intents, &it->e, &h) == NULL)
				record_add(&b, &it->e, NF_ENTRY);
	pthread_rwlock_unlock(&nf->lock);
	for (i = 0; i < nf->intents.n_buckets; i++)
		for (it = nf->intents.buckets[i]; it != NULL; it = it->next)
			record_add(&b, &it->e, NF_INTENT);
	tmp = xasprintf("%s.tmp", nf->path);
	if (dfile_replace(-1, nf->dir, tmp, nf->path, buf_str(&b),
	    buf_len(&b), 0644, err) == -1)
		goto out;
	if (open_append(nf, err) == -1)
		goto out;
	nf->compacted_size = nf->size;
	atomic_store(&nf->snap_size, (uint64_t)buf_len(&b));
	rc = 0;
out:
	atomic_fetch_add(&nf->snap_count, 1);
	atomic_fetch_add(&nf->snap_ns, (uint64_t)(ad_mono() - t0));
	free(tmp);
	buf_release(&b);
	return rc;
}

static int
maintenance(struct nflog *nf, struct ad_err *err)
{
	int64_t	t0 = ad_mono();
	size_t	n;

	pthread_rwlock_wrlock(&nf->lock);
	n = map_gc(&nf->live, nf_now(nf));
	pthread_rwlock_unlock(&nf->lock);
	atomic_fetch_add(&nf->gc_count, 1);
	atomic_fetch_add(&nf->gc_ns, (uint64_t)(ad_mono() - t0));
	if (n > 0)
		log_debug("dropped %zu expired entries", n);
	if (nf->path == NULL)
		return 0;
	return snapshot(nf, err);
}

/* ---------------------------------------------------------------- load --- */

/*
 * Replays one record of our file: the last record of a key wins (the
 * file's order is the order of events); an intent counts as sent.
 * Loaded entries are kept even when expired, until maintenance.
 */
static void
load_record(struct nflog *nf, struct nflog_entry *e, enum nf_kind kind)
{
	pthread_rwlock_wrlock(&nf->lock);
	if (kind == NF_TOMBSTONE)
		map_del(&nf->live, e);
	else
		map_set(&nf->live, e);
	pthread_rwlock_unlock(&nf->lock);
}

/* Reads our own file; returns -1 when damaged (what is valid is loaded). */
static int
load_own(struct nflog *nf, const struct buf *b)
{
	const unsigned char	*p = (const unsigned char *)buf_str(b);
	size_t			 len = buf_len(b), off = NFLOG_MAGIC_LEN;
	size_t			 n = 0;
	struct nflog_entry	 e;
	struct ad_err		 err;
	uint32_t		 rlen;
	const char		*why = NULL;
	enum nf_kind		 kind;

	if (len < NFLOG_MAGIC_LEN || memcmp(p, NFLOG_MAGIC,
	    NFLOG_MAGIC_LEN) != 0) {
		log_errorkv("Notification log file is not an alertd nflog; "
		    "ignoring it", "file", nf->path, NULL);
		return -1;
	}
	nflog_entry_init(&e);
	while (off < len) {
		if (len - off < 8) {
			why = "torn record header";
			break;
		}
		rlen = get_u32(p + off);
		if (rlen > NFLOG_RECORD_MAX || rlen > len - off - 8) {
			why = rlen > NFLOG_RECORD_MAX ? "bad record length" :
			    "torn record";
			break;
		}
		if (nflog_crc32c(p + off + 8, rlen) != get_u32(p + off + 4)) {
			why = "checksum mismatch";
			break;
		}
		if (entry_decode(p + off + 8, rlen, &e, &kind, &err) == -1) {
			why = err.msg;
			break;
		}
		load_record(nf, &e, kind);
		n++;
		off += 8 + rlen;
	}
	nflog_entry_release(&e);
	log_debug("loaded notification log: %zu records, %zu entries", n,
	    nf->live.n_items);
	if (why == NULL)
		return 0;
	{
		char	a[32], b2[32], c[32];

		snprintf(a, sizeof(a), "%zu", n);
		snprintf(b2, sizeof(b2), "%zu", off);
		snprintf(c, sizeof(c), "%zu", len - off);
		log_warnkv("Notification log damaged: kept the valid prefix",
		    "file", nf->path, "records_kept", a, "offset", b2,
		    "bytes_dropped", c, "reason", why, NULL);
	}
	return -1;
}

static void
import_am(struct nflog *nf, const char *path)
{
	struct buf		 b;
	struct nflog_entry	 e;
	struct ad_err		 err;
	size_t			 off = 0, n = 0, kept = 0;
	long			 r;
	char			 a[32], c[32];

	buf_init(&b, NFLOG_FILE_MAX);
	if (buf_read_file(&b, path, &err) == -1) {
		buf_release(&b);
		return;
	}
	nflog_entry_init(&e);
	for (;;) {
		r = nflog_am_next(buf_str(&b) + off, buf_len(&b) - off, &e,
		    &err);
		if (r <= 0)
			break;
		/* Alertmanager's state: the newest entry of a key */
		pthread_rwlock_wrlock(&nf->lock);
		if (map_accepts(&nf->live, &e, INT64_MIN)) {
			map_set(&nf->live, &e);
			kept++;
		}
		pthread_rwlock_unlock(&nf->lock);
		off += (size_t)r;
		n++;
	}
	nflog_entry_release(&e);
	snprintf(a, sizeof(a), "%zu", n);
	snprintf(c, sizeof(c), "%zu", kept);
	log_infokv("Imported Alertmanager's notification log", "file", path,
	    "entries", a, "kept", c, NULL);
	if (r == -1) {
		snprintf(a, sizeof(a), "%zu", buf_len(&b) - off);
		log_warnkv("Alertmanager's notification log is damaged: "
		    "imported the valid prefix", "file", path,
		    "bytes_dropped", a, "reason", err.msg, NULL);
	}
	buf_release(&b);
}

static int
load(struct nflog *nf, struct ad_err *err)
{
	struct buf	 b;
	struct ad_err	 e2;
	char		*am, *bad;

	if (mkdir(nf->dir, 0777) == -1 && errno != EEXIST)
		return ad_err_set(err, AD_EIO, "mkdir %s: %s", nf->dir,
		    strerror(errno));
	if (access(nf->path, F_OK) == 0) {
		buf_init(&b, NFLOG_FILE_MAX);
		if (buf_read_file(&b, nf->path, &e2) == -1) {
			buf_release(&b);
			return ad_err_set(err, AD_EIO, "%s", e2.msg);
		}
		if (load_own(nf, &b) == -1) {
			bad = xasprintf("%s.corrupt", nf->path);
			if (rename(nf->path, bad) == 0)
				log_warnkv("Kept the damaged notification log",
				    "file", bad, NULL);
			free(bad);
		}
		buf_release(&b);
	} else {
		am = xasprintf("%s/%s", nf->dir, NFLOG_AM_FILE);
		if (access(am, F_OK) == 0)
			import_am(nf, am);
		free(am);
	}
	return snapshot(nf, err);
}

/* -------------------------------------------------------------- thread --- */

/* An abandoned intent: the disk goes back to the entry in memory. */
static void
record_abandon(struct nflog *nf, struct buf *b, const struct nflog_entry *key,
    uint64_t h)
{
	struct nf_item	**pp;

	pthread_rwlock_rdlock(&nf->lock);
	pp = map_find_h(&nf->live, key, h);
	if (pp != NULL)
		record_add(b, &(*pp)->e, NF_ENTRY);
	else
		record_add(b, key, NF_TOMBSTONE);
	pthread_rwlock_unlock(&nf->lock);
}

/* Appends and fdatasyncs the records of puts; -1 on an I/O error. */
static int
write_puts(struct nflog *nf, struct nf_put *puts)
{
	struct buf	 own, *b = &own;
	struct nf_put	*p;
	int		 rc = 0;

	/* the nflog thread keeps its buffer: a batch of records grows it
	 * once, not by doubling from nothing each time */
	if (nf->threaded)
		b = &nf->wbuf;
	else
		buf_init(b, BUF_NOCAP);
	buf_reset(b);
	for (p = puts; p != NULL; p = p->next) {
		if (p->kind == NF_INTENT)
			record_add(b, &p->e, NF_INTENT);
		else if (p->kind == NF_ENTRY && p->apply)
			record_add(b, &p->e, NF_ENTRY);
		else
			record_abandon(nf, b, &p->e, p->hash);
	}
	if (dfile_write_all(nf->fd, buf_str(b), buf_len(b)) == -1 ||
	    fdatasync(nf->fd) == -1) {
		rc = -1;
		atomic_fetch_add(&nf->write_errors, 1);
		log_errorkv("Writing the notification log failed", "file",
		    nf->path, "err", strerror(errno), NULL);
	} else {
		nf->size += (off_t)buf_len(b);
	}
	if (b == &own || buf_len(b) > NFLOG_WBUF_KEEP)
		buf_release(b);
	return rc;
}

/*
 * One group commit: decide which entries merge (Log's rule), write every
 * record and fdatasync once, then make the entries visible and run the
 * callbacks.  nflog thread (or the caller, for a memory-only log).
 */
static void
run_puts(struct nflog *nf, struct nf_put *puts)
{
	struct nf_put	*p, *next;
	int		 rc = 0;

	pthread_rwlock_rdlock(&nf->lock);
	for (p = puts; p != NULL; p = p->next)
		p->apply = p->kind == NF_ENTRY &&
		    map_accepts_h(&nf->live, &p->e, p->e.ts, p->hash);
	pthread_rwlock_unlock(&nf->lock);
	if (nf->fd != -1)
		rc = write_puts(nf, puts);
	pthread_rwlock_wrlock(&nf->lock);
	for (p = puts; p != NULL; p = p->next) {
		if (p->kind == NF_INTENT) {
			map_set_h(&nf->intents, &p->e, p->hash);
			continue;
		}
		map_del_h(&nf->intents, &p->e, p->hash);
		if (p->apply)
			map_set_h(&nf->live, &p->e, p->hash);
	}
	pthread_rwlock_unlock(&nf->lock);
	for (p = puts; p != NULL; p = next) {
		next = p->next;
		if (p->cb != NULL)
			p->cb(p->arg, rc);
		nflog_entry_release(&p->e);
		free(p);
	}
}

static void
run_maintenance(struct nflog *nf)
{
	struct ad_err	err;
	int		rc;

	rc = maintenance(nf, &err);
	if (rc == -1)
		log_errorkv("Running maintenance failed", "err", err.msg, NULL);
	nf->next_maint = nf_now(nf) + nf->opts.maintenance_interval;
	pthread_mutex_lock(&nf->mu);
	nf->maint_done = nf->maint_req;
	nf->maint_rc = rc;
	pthread_cond_broadcast(&nf->done_cv);
	pthread_mutex_unlock(&nf->mu);
}

static void *
nflog_main(void *arg)
{
	struct nflog	*nf = arg;
	struct nf_put	*puts;
	struct timespec	 ts;
	bool		 stop, maint;

	log_set_component("nflog");
	for (;;) {
		pthread_mutex_lock(&nf->mu);
		while (nf->q_head == NULL && !nf->stop &&
		    nf->maint_req == nf->maint_done &&
		    (nf->opts.maintenance_interval < 0 ||
		    nf_now(nf) < nf->next_maint)) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&nf->cv, &nf->mu, &ts);
		}
		puts = nf->q_head;
		nf->q_head = nf->q_tail = NULL;
		stop = nf->stop;
		maint = nf->maint_req != nf->maint_done;
		pthread_mutex_unlock(&nf->mu);
		if (puts != NULL)
			run_puts(nf, puts);
		if (stop)
			break;
		if (maint || (nf->opts.maintenance_interval >= 0 &&
		    nf_now(nf) >= nf->next_maint) ||
		    nf->size - nf->compacted_size > NFLOG_GROWTH_MAX)
			run_maintenance(nf);
	}
	return NULL;
}

/* ------------------------------------------------------------- public --- */

struct nflog *
nflog_open(const struct nflog_opts *opts, struct ad_err *err)
{
	struct nflog	*nf = xcalloc(1, sizeof(*nf));

	if (opts != NULL)
		nf->opts = *opts;
	if (nf->opts.retention <= 0)
		nf->opts.retention = NFLOG_RETENTION;
	if (nf->opts.maintenance_interval == 0)
		nf->opts.maintenance_interval = NFLOG_MAINTENANCE;
	nf->fd = -1;
	buf_init(&nf->wbuf, BUF_NOCAP);
	pthread_rwlock_init(&nf->lock, NULL);
	pthread_mutex_init(&nf->mu, NULL);
	pthread_cond_init(&nf->cv, NULL);
	pthread_cond_init(&nf->done_cv, NULL);
	map_grow(&nf->live);
	map_grow(&nf->intents);
	if (nf->opts.dir == NULL)
		return nf;
	nf->dir = xstrdup(nf->opts.dir);
	nf->path = xasprintf("%s/%s", nf->dir, NFLOG_FILE);
	nf->opts.dir = nf->dir;
	if (load(nf, err) == -1) {
		nflog_close(nf);
		return NULL;
	}
	nf->next_maint = nf_now(nf) + nf->opts.maintenance_interval;
	if (pthread_create(&nf->thread, NULL, nflog_main, nf) != 0) {
		ad_err_set(err, AD_EINTERNAL, "cannot start the nflog thread");
		nflog_close(nf);
		return NULL;
	}
	pthread_setname_np(nf->thread, "nflog");
	nf->threaded = true;
	return nf;
}

void
nflog_close(struct nflog *nf)
{
	struct ad_err	err;

	if (nf == NULL)
		return;
	if (nf->threaded) {
		pthread_mutex_lock(&nf->mu);
		nf->stop = true;
		pthread_cond_signal(&nf->cv);
		pthread_mutex_unlock(&nf->mu);
		pthread_join(nf->thread, NULL);
		/* Alertmanager's shutdown snapshot */
		if (maintenance(nf, &err) == -1)
			log_errorkv("Creating shutdown snapshot failed",
			    "err", err.msg, NULL);
	}
	if (nf->fd != -1)
		close(nf->fd);
	buf_release(&nf->wbuf);
	map_free(&nf->live);
	map_free(&nf->intents);
	pthread_rwlock_destroy(&nf->lock);
	pthread_mutex_destroy(&nf->mu);
	pthread_cond_destroy(&nf->cv);
	pthread_cond_destroy(&nf->done_cv);
	free(nf->dir);
	free(nf->path);
	free(nf);
}

static void
query_observe(struct nflog *nf, int64_t t0, bool found)
{
	double	s = (double)(ad_mono() - t0) / AD_SEC;
	size_t	i;

	atomic_fetch_add_explicit(&nf->queries, 1, memory_order_relaxed);
	if (!found)
		atomic_fetch_add_explicit(&nf->query_errors, 1,
		    memory_order_relaxed);
	atomic_fetch_add_explicit(&nf->query_ns, (uint64_t)(s * AD_SEC),
	    memory_order_relaxed);
	for (i = 0; i < NFLOG_QUERY_BUCKETS; i++)
		if (s <= nflog_query_buckets[i])
			atomic_fetch_add_explicit(&nf->query_le[i], 1,
			    memory_order_relaxed);
}

int
nflog_get(struct nflog *nf, const char *group_key,
    const struct nflog_receiver *r, struct nflog_entry *out)
{
	int64_t		 t0 = ad_mono();
	uint64_t	 h;
	struct nf_item	**pp;

	h = key_hash(group_key, r->group_name, r->integration, r->idx);
	pthread_rwlock_rdlock(&nf->lock);
	pp = map_find(&nf->live, h, group_key, r->group_name, r->integration,
	    r->idx);
	if (pp != NULL)
		entry_copy(out, &(*pp)->e);
	pthread_rwlock_unlock(&nf->lock);
	query_observe(nf, t0, pp != NULL);
	return pp != NULL ? 0 : -1;
}

static void
queue_put(struct nflog *nf, enum nf_kind kind, const char *group_key,
    const struct nflog_receiver *r, const uint64_t *firing, size_t n_firing,
    const uint64_t *resolved, size_t n_resolved, ad_dur_t expiry,
    nflog_put_cb cb, void *arg)
{
	struct nf_put	*p = xcalloc(1, sizeof(*p));
	ad_time_t	 now = nf_now(nf);

	nflog_entry_init(&p->e);
	p->kind = kind;
	p->e.group_key = xstrdup(group_key);
	p->e.group_name = xstrdup(r->group_name);
	p->e.integration = xstrdup(r->integration);
	p->e.idx = r->idx;
	p->e.ts = now;
	/* nflog.Log: retention, or expiry when that is shorter */
	p->e.expires_at = now + (expiry > 0 && nf->opts.retention > expiry ?
	    expiry : nf->opts.retention);
	hashes_set(&p->e.firing, &p->e.n_firing, &p->e.alloc_firing, firing,
	    n_firing);
	hashes_set(&p->e.resolved, &p->e.n_resolved, &p->e.alloc_resolved,
	    resolved, n_resolved);
	entry_sort(&p->e);
	p->hash = entry_hash(&p->e);
	p->cb = cb;
	p->arg = arg;
	if (!nf->threaded) {
		run_puts(nf, p);
		return;
	}
	pthread_mutex_lock(&nf->mu);
	if (nf->q_tail != NULL)
		nf->q_tail->next = p;
	else
		nf->q_head = p;
	nf->q_tail = p;
	pthread_cond_signal(&nf->cv);
	pthread_mutex_unlock(&nf->mu);
}

void
nflog_put(struct nflog *nf, const char *group_key,
    const struct nflog_receiver *r, const uint64_t *firing, size_t n_firing,
    const uint64_t *resolved, size_t n_resolved, ad_dur_t expiry,
    nflog_put_cb cb, void *arg)
{
	queue_put(nf, NF_ENTRY, group_key, r, firing, n_firing, resolved,
	    n_resolved, expiry, cb, arg);
}

void
nflog_intend(struct nflog *nf, const char *group_key,
    const struct nflog_receiver *r, const uint64_t *firing, size_t n_firing,
    const uint64_t *resolved, size_t n_resolved, ad_dur_t expiry,
    nflog_put_cb cb, void *arg)
{
	if (!nf->threaded) {		/* nothing survives a crash anyway */
		if (cb != NULL)
			cb(arg, 0);
		return;
	}
	queue_put(nf, NF_INTENT, group_key, r, firing, n_firing, resolved,
	    n_resolved, expiry, cb, arg);
}

void
nflog_abandon(struct nflog *nf, const char *group_key,
    const struct nflog_receiver *r)
{
	if (!nf->threaded)
		return;
	queue_put(nf, NF_TOMBSTONE, group_key, r, NULL, 0, NULL, 0, 0, NULL,
	    NULL);
}

void
nflog_scan(struct nflog *nf, int (*fn)(void *arg, const struct nflog_entry *e),
    void *arg)
{
	struct nf_item	*it;
	size_t		 i;

	pthread_rwlock_rdlock(&nf->lock);
	for (i = 0; i < nf->live.n_buckets; i++)
		for (it = nf->live.buckets[i]; it != NULL; it = it->next)
			if (fn(arg, &it->e) != 0)
				goto out;
out:
	pthread_rwlock_unlock(&nf->lock);
}

size_t
nflog_count(struct nflog *nf)
{
	size_t	n;

	pthread_rwlock_rdlock(&nf->lock);
	n = nf->live.n_items;
	pthread_rwlock_unlock(&nf->lock);
	return n;
}

int
nflog_maintenance(struct nflog *nf, struct ad_err *err)
{
	uint64_t	ticket;
	int		rc;

	if (!nf->threaded)
		return maintenance(nf, err);
	pthread_mutex_lock(&nf->mu);
	ticket = ++nf->maint_req;
	pthread_cond_signal(&nf->cv);
	while (nf->maint_done < ticket)
		pthread_cond_wait(&nf->done_cv, &nf->mu);
	rc = nf->maint_rc;
	pthread_mutex_unlock(&nf->mu);
	if (rc == -1)
		ad_err_set(err, AD_EIO, "maintenance failed (see the log)");
	return rc;
}

void
nflog_metrics_get(struct nflog *nf, struct nflog_metrics *m)
{
	size_t	i;

	memset(m, 0, sizeof(*m));
	m->gc_count = atomic_load(&nf->gc_count);
	m->gc_sum = (double)atomic_load(&nf->gc_ns) / AD_SEC;
	m->snapshot_count = atomic_load(&nf->snap_count);
	m->snapshot_sum = (double)atomic_load(&nf->snap_ns) / AD_SEC;
	m->snapshot_size = atomic_load(&nf->snap_size);
	m->queries = atomic_load(&nf->queries);
	m->query_errors = atomic_load(&nf->query_errors);
	m->query_count = m->queries;
	m->query_sum = (double)atomic_load(&nf->query_ns) / AD_SEC;
	for (i = 0; i < NFLOG_QUERY_BUCKETS; i++)
		m->query_le[i] = atomic_load(&nf->query_le[i]);
	m->entries = nflog_count(nf);
	m->write_errors = atomic_load(&nf->write_errors);
}
