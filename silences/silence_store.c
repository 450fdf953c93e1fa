/*
 * silence_store: Alertmanager's silence.Silences and Silencer (0.25, with
 * the 0.28 limits) over a durable silence_state backend, with an index
 * for matching (see silence_store.h).
 *
 * Departures from 0.25, on purpose: a silence is validated before an
 * update expires the one it replaces (0.25 expired the old one first and
 * could then reject the new one, leaving neither; 0.28 validates first).
 */
#include "silences/silence_store.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/alert.h"
#include "alertd/alert_memo.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"
#include "silences/silence_state.h"

const double silence_query_buckets[SILENCE_QUERY_NBUCKETS] = {
	.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10
};

/* ------------------------------------------------- small hash tables */

struct entry {
	struct silence	*s;
	ad_time_t	 expires_at;
	struct bucket	*bucket;	/* index bucket, NULL: fallback/none */
	bool		 indexed;
	bool		 prefixed;	/* bucket is a regex prefix's */
	struct entry	*next;		/* id chain */
};

struct ptrvec {
	struct entry	**v;
	size_t		  n, alloc;
};

struct bucket {
	char		*key;		/* name \0 value */
	size_t		 klen;
	uint64_t	 hash;
	struct ptrvec	 members;
	struct bucket	*next;
};

struct silence_store {
	pthread_rwlock_t	 lock;
	struct silence_store_opts o;
	struct entry		**ids;		/* chained by id */
	size_t			 nids, idcap;
	struct bucket		**bkts;		/* index by name/value */
	size_t			 nbkts, bkcap;
	struct ptrvec		 fallback;
	size_t			 nprefixed;	/* entries in prefix buckets */
	_Atomic uint64_t	 version;
	silence_store_change_fn	 change_fn;
	void			*change_arg;
	/* metrics */
	_Atomic uint64_t	 queries, query_errors, qcount, qsum_ns;
	_Atomic uint64_t	 qbuckets[SILENCE_QUERY_NBUCKETS];
	_Atomic uint64_t	 gc_count, gc_sum_ns, snap_count, snap_sum_ns;
	_Atomic int64_t		 snap_size;
	_Atomic uint64_t	 maint_total, maint_errors;
};

/*
 * Versions are unique across stores, so that a mark kept on an alert
 * (alert_memo) can never be taken for one of another store.
 */
static _Atomic uint64_t	versions;

static uint64_t
next_version(void)
{
	return atomic_fetch_add(&versions, 1) + 1;
}

static uint64_t
hash_bytes(const void *p, size_t len)
{
	return fnv1a64_add(FNV1A64_INIT, p, len);
}

static void
ptrvec_add(struct ptrvec *pv, struct entry *e)
{
	if (pv->n == pv->alloc) {
		pv->alloc = pv->alloc ? pv->alloc * 2 : 4;
		pv->v = xreallocarray(pv->v, pv->alloc, sizeof(*pv->v));
	}
	pv->v[pv->n++] = e;
}

static void
ptrvec_del(struct ptrvec *pv, struct entry *e)
{
	size_t	i;

	for (i = 0; i < pv->n; i++) {
		if (pv->v[i] == e) {
			pv->v[i] = pv->v[--pv->n];
			return;
		}
	}
}

static struct entry **
id_slot(struct silence_store *ss, const char *id)
{
	struct entry	**pp;

	pp = &ss->ids[hash_bytes(id, strlen(id)) & (ss->idcap - 1)];
	while (*pp != NULL && strcmp((*pp)->s->id, id) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void
id_grow(struct silence_store *ss)
{
	struct entry	**old = ss->ids, *e, *next;
	size_t		  oldcap = ss->idcap, i;

	ss->idcap = oldcap * 2;
	ss->ids = xcalloc(ss->idcap, sizeof(*ss->ids));
	for (i = 0; i < oldcap; i++) {
		for (e = old[i]; e != NULL; e = next) {
			struct entry **pp = id_slot(ss, e->s->id);

			next = e->next;
			e->next = NULL;
			*pp = e;
		}
	}
	free(old);
}

static struct bucket **
bucket_slot(struct silence_store *ss, const char *key, size_t klen,
    uint64_t h)
{
	struct bucket	**pp = &ss->bkts[h & (ss->bkcap - 1)];

	while (*pp != NULL && ((*pp)->hash != h || (*pp)->klen != klen ||
	    memcmp((*pp)->key, key, klen) != 0))
		pp = &(*pp)->next;
	return pp;
}

static void
bucket_grow(struct silence_store *ss)
{
	struct bucket	**old = ss->bkts, *b, *next;
	size_t		  oldcap = ss->bkcap, i;

	ss->bkcap = oldcap * 2;
	ss->bkts = xcalloc(ss->bkcap, sizeof(*ss->bkts));
	for (i = 0; i < oldcap; i++) {
		for (b = old[i]; b != NULL; b = next) {
			struct bucket **pp = &ss->bkts[b->hash &
			    (ss->bkcap - 1)];

			next = b->next;
			b->next = *pp;
			*pp = b;
		}
	}
	free(old);
}

/* name \0 value, for lookups without allocation when it fits. */
static size_t
make_key(char *out, size_t cap, const char *name, const char *value)
{
	size_t	nl = strlen(name), vl = strlen(value);

	if (nl + 1 + vl > cap)
		return 0;
	memcpy(out, name, nl);
	out[nl] = '\0';
	memcpy(out + nl + 1, value, vl);
	return nl + 1 + vl;
}

static struct bucket *
bucket_find(struct silence_store *ss, const char *name, const char *value,
    bool create)
{
	char		 stack[512], *key = stack;
	size_t		 klen;
	struct bucket	**pp, *b = NULL;
	uint64_t	 h;

	klen = make_key(stack, sizeof(stack), name, value);
	if (klen == 0) {
		klen = strlen(name) + 1 + strlen(value);
		key = xmalloc(klen);
		make_key(key, klen, name, value);
	}
	h = hash_bytes(key, klen);
	pp = bucket_slot(ss, key, klen, h);
	if (*pp != NULL || !create) {
		b = *pp;
		goto out;
	}
	b = xcalloc(1, sizeof(*b));
	b->key = xmemdup(key, klen);
	b->klen = klen;
	b->hash = h;
	*pp = b;
	if (++ss->nbkts > ss->bkcap)
		bucket_grow(ss);
out:
	if (key != stack)
		free(key);
	return b;
}

/* ------------------------------------------------------------- index */

/*
 * A regex that can only match values starting with a literal (no '|',
 * the leading run of ordinary characters, minus one made optional by a
 * following ?, * or {) is indexed under "\x01" + its first PFX bytes;
 * the lookup side tries every prefix of each label value up to PFX.
 * Candidates are always re-checked with the full matchers.
 */
#define PFX	6

static size_t
regex_prefix(const char *re)
{
	size_t	n = 0;

	if (strchr(re, '|') != NULL)
		return 0;
	while (re[n] != '\0' && strchr("\\.+*?()[]{}^$", re[n]) == NULL)
		n++;
	if (n > 0 && re[n] != '\0' && strchr("?*{", re[n]) != NULL)
		n--;
	return n;
}

static struct bucket *
prefix_bucket(struct silence_store *ss, const char *name, const char *value,
    size_t n, bool create)
{
	char	key[PFX + 2];

	key[0] = '\x01';
	memcpy(key + 1, value, n);
	key[n + 1] = '\0';
	return bucket_find(ss, name, key, create);
}

static struct bucket *
pick_bucket(struct silence_store *ss, const struct silence *s, bool *pfx)
{
	struct bucket	*best = NULL, *b;
	size_t		 i, n;

	*pfx = false;
	for (i = 0; i < s->nmatchers; i++) {
		const struct silence_matcher *sm = &s->matchers[i];

		if (sm->type != MATCH_EQ || sm->pattern[0] == '\0')
			continue;
		b = bucket_find(ss, sm->name, sm->pattern, true);
		if (best == NULL || b->members.n < best->members.n)
			best = b;
	}
	for (i = 0; i < s->nmatchers && best == NULL; i++) {
		const struct silence_matcher *sm = &s->matchers[i];

		n = sm->type == MATCH_RE ? regex_prefix(sm->pattern) : 0;
		if (n == 0)
			continue;
		best = prefix_bucket(ss, sm->name, sm->pattern,
		    n < PFX ? n : PFX, true);
		*pfx = true;
	}
	return best;
}

static void
index_add(struct silence_store *ss, struct entry *e)
{
	bool	pfx;

	e->bucket = pick_bucket(ss, e->s, &pfx);
	e->prefixed = pfx;
	if (pfx)
		ss->nprefixed++;
	ptrvec_add(e->bucket != NULL ? &e->bucket->members : &ss->fallback, e);
	e->indexed = true;
}

static void
index_del(struct silence_store *ss, struct entry *e)
{
	if (!e->indexed)
		return;
	ptrvec_del(e->bucket != NULL ? &e->bucket->members : &ss->fallback, e);
	if (e->prefixed)
		ss->nprefixed--;
	e->prefixed = false;
	e->indexed = false;
	e->bucket = NULL;	/* empty buckets stay until the store is freed */
}

/* --------------------------------------------------------- the store */

struct silence_store *
silence_store_new(const struct silence_store_opts *o)
{
	struct silence_store	*ss = xcalloc(1, sizeof(*ss));

	pthread_rwlock_init(&ss->lock, NULL);
	ss->o = *o;
	ss->idcap = 64;
	ss->ids = xcalloc(ss->idcap, sizeof(*ss->ids));
	ss->bkcap = 64;
	ss->bkts = xcalloc(ss->bkcap, sizeof(*ss->bkts));
	atomic_init(&ss->version, next_version());
	return ss;
}

void
silence_store_free(struct silence_store *ss)
{
	struct entry	*e, *en;
	struct bucket	*b, *bn;
	size_t		 i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->idcap; i++) {
		for (e = ss->ids[i]; e != NULL; e = en) {
			en = e->next;
			silence_unref(e->s);
			free(e);
		}
	}
	for (i = 0; i < ss->bkcap; i++) {
		for (b = ss->bkts[i]; b != NULL; b = bn) {
			bn = b->next;
			free(b->members.v);
			free(b->key);
			free(b);
		}
	}
	free(ss->ids);
	free(ss->bkts);
	free(ss->fallback.v);
	pthread_rwlock_destroy(&ss->lock);
	free(ss);
}

/* Replaces (or adds) the silence under its ID; takes ownership of s. */
static void
store_set(struct silence_store *ss, struct silence *s, ad_time_t expires_at)
{
	struct entry	**pp = id_slot(ss, s->id), *e = *pp;

	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->s = s;
		*pp = e;
		if (++ss->nids > ss->idcap)
			id_grow(ss);
	} else {
		index_del(ss, e);
		silence_unref(e->s);
		e->s = s;
	}
	e->expires_at = expires_at;
	index_add(ss, e);
	atomic_store(&ss->version, next_version());
}

static void
store_del(struct silence_store *ss, struct entry **pp)
{
	struct entry	*e = *pp;

	index_del(ss, e);
	*pp = e->next;
	silence_unref(e->s);
	free(e);
	ss->nids--;
}

static ad_time_t
expiry(const struct silence_store *ss, const struct silence *s)
{
	if (s->ends_at > INT64_MAX - ss->o.retention)
		return INT64_MAX;
	return s->ends_at + ss->o.retention;
}

/*
 * Publishes s (takes ownership) in memory and queues it to the backend;
 * returns the backend ticket (0 without one).  Write lock held.
 */
static uint64_t
publish(struct silence_store *ss, struct silence *s)
{
	ad_time_t	exp = expiry(ss, s);
	uint64_t	ticket = 0;
	struct buf	val;

	if (ss->o.state != NULL) {
		buf_init(&val, BUF_NOCAP);
		silence_pb_encode(s, exp, &val);
		ticket = ss->o.state->put(ss->o.state_arg, s->id, buf_str(&val),
		    buf_len(&val));
		buf_release(&val);
	}
	store_set(ss, s, exp);
	return ticket;
}

static int
durable(struct silence_store *ss, uint64_t ticket, struct ad_err *err)
{
	if (ss->o.state == NULL || ticket == 0)
		return 0;
	return ss->o.state->sync(ss->o.state_arg, ticket, err);
}

static void
changed(struct silence_store *ss)
{
	silence_store_change_fn	 fn;
	void			*arg;

	pthread_rwlock_rdlock(&ss->lock);
	fn = ss->change_fn;
	arg = ss->change_arg;
	pthread_rwlock_unlock(&ss->lock);
	if (fn != NULL)
		fn(arg);
}

void
silence_store_on_change(struct silence_store *ss, silence_store_change_fn fn,
    void *arg)
{
	pthread_rwlock_wrlock(&ss->lock);
	ss->change_fn = fn;
	ss->change_arg = arg;
	pthread_rwlock_unlock(&ss->lock);
}

ad_dur_t
silence_store_retention(const struct silence_store *ss)
{
	return ss->o.retention;
}

uint64_t
silence_store_version(struct silence_store *ss)
{
	return atomic_load(&ss->version);
}

/* -------------------------------------------------------- load/merge */

/*
 * state.merge: drop what has passed its retention; keep the newer of two
 * versions (force: a record of our own log, where a later one always
 * wins and regexes are compiled only when first matched).
 */
static bool
merge(struct silence_store *ss, struct silence *s, ad_time_t expires_at,
    ad_time_t now, bool force)
{
	struct entry	*prev;
	struct ad_err	 e;

	if (expires_at != AD_TIME_ZERO && expires_at < now) {
		silence_unref(s);
		return false;
	}
	prev = *id_slot(ss, s->id);
	if (prev != NULL && !force && prev->s->updated_at >= s->updated_at) {
		silence_unref(s);
		return false;
	}
	/* Our own log holds only silences validated when they were stored. */
	if ((force ? silence_validate_stored(s, &e) :
	    silence_validate(s, &e)) == -1) {
		log_warn("silences: dropping stored silence %s: %s", s->id,
		    e.msg);
		silence_unref(s);
		return false;
	}
	store_set(ss, s, expires_at == AD_TIME_ZERO ? expiry(ss, s) :
	    expires_at);
	return true;
}

struct load_ctx {
	struct silence_store	*ss;
	ad_time_t		 now;
	size_t			 n;
};

static int
load_cb(void *arg, const char *key, const void *val, size_t len)
{
	struct load_ctx	*lc = arg;
	struct silence	*s;
	struct entry	**pp;
	ad_time_t	 exp;
	struct ad_err	 e;

	if (val == NULL) {
		pp = id_slot(lc->ss, key);
		if (*pp != NULL)
			store_del(lc->ss, pp);
		return 0;
	}
	s = silence_pb_decode(val, len, &exp, &e);
	if (s == NULL) {
		log_warn("silences: dropping undecodable record for %s: %s",
		    key, e.msg);
		return 0;
	}
	if (strcmp(s->id, key) != 0)
		silence_set_str(&s->id, key);
	if (merge(lc->ss, s, exp, lc->now, true))
		lc->n++;
	else if (*id_slot(lc->ss, key) != NULL)
		store_del(lc->ss, id_slot(lc->ss, key));
	return 0;
}

int
silence_store_load(struct silence_store *ss, ad_time_t now,
    struct ad_err *err)
{
	struct load_ctx	lc = { ss, now, 0 };
	int		rc;

	if (ss->o.state == NULL)
		return 0;
	pthread_rwlock_wrlock(&ss->lock);
	rc = ss->o.state->scan(ss->o.state_arg, load_cb, &lc, err);
	pthread_rwlock_unlock(&ss->lock);
	if (rc == 0)
		log_info("silences: loaded %zu silences (%zu kept)", lc.n,
		    ss->nids);
	return rc;
}

/* Re-queues every stored silence to the backend (after an import). */
static uint64_t
requeue_all(struct silence_store *ss)
{
	struct entry	*e;
	uint64_t	 t = 0;
	struct buf	 val;
	size_t		 i;

	if (ss->o.state == NULL)
		return 0;
	buf_init(&val, BUF_NOCAP);
	for (i = 0; i < ss->idcap; i++) {
		for (e = ss->ids[i]; e != NULL; e = e->next) {
			buf_reset(&val);
			silence_pb_encode(e->s, e->expires_at, &val);
			t = ss->o.state->put(ss->o.state_arg, e->s->id,
			    buf_str(&val), buf_len(&val));
		}
	}
	buf_release(&val);
	return t;
}

int
silence_store_import_am(struct silence_store *ss, const char *path,
    ad_time_t now, struct ad_err *err)
{
	struct buf	 data;
	const uint8_t	*p;
	size_t		 pos = 0, len, n = 0;
	uint64_t	 mlen, ticket;
	struct silence	*s;
	ad_time_t	 exp;
	struct ad_err	 e;
	int		 rc;

	buf_init(&data, (size_t)1 << 32);
	if (buf_read_file(&data, path, &e) == -1) {
		buf_release(&data);
		if (access(path, F_OK) == -1)
			return 0;
		return ad_err_set(err, AD_EIO, "%s", e.msg);
	}
	p = (const uint8_t *)buf_str(&data);
	len = buf_len(&data);
	pthread_rwlock_wrlock(&ss->lock);
	while (pos < len) {
		size_t	start = pos;

		if (pb_get_varint(p, len, &pos, &mlen) == -1 ||
		    mlen > len - pos) {
			pos = start;
			break;
		}
		s = silence_pb_decode(p + pos, (size_t)mlen, &exp, &e);
		if (s == NULL) {
			pos = start;
			break;
		}
		pos += (size_t)mlen;
		if (merge(ss, s, exp, now, false))
			n++;
	}
	ticket = requeue_all(ss);
	pthread_rwlock_unlock(&ss->lock);
	if (pos < len)
		log_error("silences: %s: malformed message at offset %zu, "
		    "dropped the last %zu bytes", path, pos, len - pos);
	buf_release(&data);
	rc = durable(ss, ticket, err);
	if (rc == -1)
		return -1;
	log_info("silences: imported %zu silences from Alertmanager "
	    "snapshot %s", n, path);
	changed(ss);
	return (int)n;
}

/* ------------------------------------------------------ set / expire */

/* Go's Time.Unix(): seconds, rounded down. */
static int64_t
floor_sec(ad_time_t t)
{
	return t / AD_SEC - (t % AD_SEC < 0);
}

/* silence.canUpdate: may b replace a in place at now? */
static bool
can_update(const struct silence *a, const struct silence *b, ad_time_t now)
{
	if (!silence_matchers_equal(a, b))
		return false;
	switch (silence_state_at(a, now)) {
	case SILENCE_ACTIVE:
		/* Compared in whole seconds, as Go's StartsAt.Unix(). */
		if (floor_sec(b->starts_at) != floor_sec(a->starts_at))
			return false;
		return b->ends_at >= now;
	case SILENCE_PENDING:
		return b->starts_at >= now;
	case SILENCE_EXPIRED:
		return false;
	}
	return false;
}

static int
check_size(struct silence_store *ss, const struct silence *s,
    struct ad_err *err)
{
	size_t	n;

	if (ss->o.max_silence_size == 0)
		return 0;
	n = silence_pb_size(s, expiry(ss, s));
	if (n > ss->o.max_silence_size)
		return ad_err_set(err, AD_ELIMIT, "silence exceeded maximum "
		    "size: %zu bytes (limit: %zu bytes)", n,
		    ss->o.max_silence_size);
	return 0;
}

/* silences.expire with the lock held; *ticket gets the backend ticket. */
static int
expire_locked(struct silence_store *ss, const char *id, ad_time_t now,
    uint64_t *ticket, struct ad_err *err)
{
	struct entry	*e = *id_slot(ss, id);
	struct silence	*s;

	if (e == NULL)
		return ad_err_set(err, AD_ENOTFOUND, "silence not found");
	switch (silence_state_at(e->s, now)) {
	case SILENCE_EXPIRED:
		return 0;
	case SILENCE_ACTIVE:
		s = silence_dup(e->s);
		s->ends_at = now;
		s->end_off = 0;
		break;
	case SILENCE_PENDING:
	default:
		s = silence_dup(e->s);
		s->starts_at = s->ends_at = now;
		s->start_off = s->end_off = 0;
		break;
	}
	s->updated_at = now;
	*ticket = publish(ss, s);
	return 0;
}

/* The part of Silences.set that runs under the lock. */
static int
upsert_locked(struct silence_store *ss, struct silence *s, ad_time_t now,
    uint64_t *ticket, struct ad_err *err)
{
	struct entry	*prev = NULL;
	char		 id[SILENCE_UUID_LEN + 1];

	if (s->id[0] != '\0') {
		prev = *id_slot(ss, s->id);
		if (prev == NULL)
			return ad_err_set(err, AD_ENOTFOUND,
			    "silence not found");
	}
	if (prev != NULL && can_update(prev->s, s, now)) {
		s->updated_at = now;
		if (check_size(ss, s, err) == -1)
			return -1;
		*ticket = publish(ss, silence_ref(s));
		return 0;
	}
	if (ss->o.max_silences > 0 && ss->nids + 1 > ss->o.max_silences)
		return ad_err_set(err, AD_ELIMIT, "exceeded maximum number of "
		    "silences: %zu (limit: %zu)", ss->nids, ss->o.max_silences);
	do {
		silence_uuid_v4(id);
	} while (*id_slot(ss, id) != NULL);
	if (s->starts_at < now) {
		s->starts_at = now;
		s->start_off = 0;
	}
	s->updated_at = now;
	if (check_size(ss, s, err) == -1)
		return -1;
	if (prev != NULL && silence_state_at(prev->s, now) != SILENCE_EXPIRED &&
	    expire_locked(ss, prev->s->id, now, ticket, err) == -1)
		return -1;
	silence_set_str(&s->id, id);
	*ticket = publish(ss, silence_ref(s));
	return 0;
}

int
silence_store_upsert(struct silence_store *ss, struct silence *s,
    ad_time_t now, char id_out[SILENCE_UUID_LEN + 1], struct ad_err *err)
{
	uint64_t	ticket = 0;
	int		rc;

	/*
	 * Silences.Set validates after a start before now has become now,
	 * so Go's zero time is a valid start: it never allows an update in
	 * place (it is before any start and before now) and is replaced.
	 */
	if (s->starts_at == AD_TIME_ZERO)
		s->starts_at = AD_TIME_ZERO + 1;
	if (silence_validate(s, err) == -1) {
		ad_err_prefix(err, "silence invalid");
		silence_unref(s);
		return -1;
	}
	pthread_rwlock_wrlock(&ss->lock);
	rc = upsert_locked(ss, s, now, &ticket, err);
	if (rc == 0)
		snprintf(id_out, SILENCE_UUID_LEN + 1, "%s", s->id);
	pthread_rwlock_unlock(&ss->lock);
	silence_unref(s);
	if (rc == 0)
		rc = durable(ss, ticket, err);
	if (rc == 0)
		changed(ss);
	return rc;
}

int
silence_store_expire(struct silence_store *ss, const char *id, ad_time_t now,
    struct ad_err *err)
{
	uint64_t	ticket = 0;
	int		rc;

	pthread_rwlock_wrlock(&ss->lock);
	rc = expire_locked(ss, id, now, &ticket, err);
	pthread_rwlock_unlock(&ss->lock);
	if (rc == 0 && ticket != 0)
		rc = durable(ss, ticket, err);
	if (rc == 0 && ticket != 0)
		changed(ss);
	return rc;
}

/* ----------------------------------------------------------- queries */

static void
query_done(struct silence_store *ss, int64_t t0)
{
	uint64_t	ns = (uint64_t)(ad_mono() - t0);
	double		sec = (double)ns / 1e9;
	size_t		i;

	atomic_fetch_add_explicit(&ss->queries, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&ss->qcount, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&ss->qsum_ns, ns, memory_order_relaxed);
	for (i = 0; i < SILENCE_QUERY_NBUCKETS; i++) {
		if (sec <= silence_query_buckets[i]) {
			atomic_fetch_add_explicit(&ss->qbuckets[i], 1,
			    memory_order_relaxed);
			break;
		}
	}
}

struct silence *
silence_store_get(struct silence_store *ss, const char *id)
{
	struct entry	*e;
	struct silence	*s = NULL;
	int64_t		 t0 = ad_mono();

	pthread_rwlock_rdlock(&ss->lock);
	e = *id_slot(ss, id);
	if (e != NULL)
		s = silence_ref(e->s);
	pthread_rwlock_unlock(&ss->lock);
	query_done(ss, t0);
	return s;
}

void
silence_list_release(struct silence_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		silence_unref(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
silence_store_list(struct silence_store *ss, struct silence_list *out)
{
	struct entry	*e;
	size_t		 i, n = 0;
	int64_t		 t0 = ad_mono();

	pthread_rwlock_rdlock(&ss->lock);
	out->v = xcalloc(ss->nids + 1, sizeof(*out->v));
	for (i = 0; i < ss->idcap; i++)
		for (e = ss->ids[i]; e != NULL; e = e->next)
			out->v[n++] = silence_ref(e->s);
	out->n = n;
	pthread_rwlock_unlock(&ss->lock);
	query_done(ss, t0);
}

/* ---------------------------------------------------------- matching */

void
silence_mark_release(struct silence_mark *m)
{
	size_t	i;

	for (i = 0; i < m->nactive; i++)
		free(m->active[i]);
	for (i = 0; i < m->npending; i++)
		free(m->pending[i]);
	free(m->active);
	free(m->pending);
	memset(m, 0, sizeof(*m));
}

struct idvec {
	char	**v;
	size_t	  n;
};

static void
idvec_add(struct idvec *iv, const char *id)
{
	iv->v = xreallocarray(iv->v, iv->n + 1, sizeof(*iv->v));
	iv->v[iv->n++] = xstrdup(id);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files s under active or pending by its state at now. */
static void
classify(const struct silence *s, ad_time_t now, struct idvec *act,
    struct idvec *pend)
{
	switch (silence_state_at(s, now)) {
	case SILENCE_ACTIVE:
		idvec_add(act, s->id);
		break;
	case SILENCE_PENDING:
		idvec_add(pend, s->id);
		break;
	case SILENCE_EXPIRED:
		break;
	}
}

static void
match_members(const struct ptrvec *pv, const struct labels *ls, ad_time_t now,
    struct idvec *act, struct idvec *pend)
{
	size_t	i;

	for (i = 0; i < pv->n; i++) {
		const struct silence *s = pv->v[i]->s;

		if (now > s->ends_at || !silence_matches(s, ls))
			continue;
		classify(s, now, act, pend);
	}
}

/* QMatches + QState(active, pending) through the index; read lock held. */
static void
match_all(struct silence_store *ss, const struct labels *ls, ad_time_t now,
    struct idvec *act, struct idvec *pend)
{
	struct bucket	*b;
	uint32_t	 i;

	size_t		 k;

	for (i = 0; i < ls->n; i++) {
		b = bucket_find(ss, ls->v[i].name, ls->v[i].value, false);
		if (b != NULL)
			match_members(&b->members, ls, now, act, pend);
		for (k = 1; ss->nprefixed > 0 && k <= PFX &&
		    ls->v[i].value[k - 1] != '\0'; k++) {
			b = prefix_bucket(ss, ls->v[i].name, ls->v[i].value, k,
			    false);
			if (b != NULL)
				match_members(&b->members, ls, now, act, pend);
		}
	}
	match_members(&ss->fallback, ls, now, act, pend);
}

/* QIDs(previous) + QState(active, pending); read lock held. */
static void
recheck(struct silence_store *ss, const struct silence_mark *m, ad_time_t now,
    struct idvec *act, struct idvec *pend)
{
	struct entry	*e;
	size_t		 i;

	for (i = 0; i < m->nactive + m->npending; i++) {
		e = *id_slot(ss, i < m->nactive ? m->active[i] :
		    m->pending[i - m->nactive]);
		if (e != NULL)
			classify(e->s, now, act, pend);
	}
}

bool
silence_store_mutes(struct silence_store *ss, const struct labels *ls,
    ad_time_t now, struct silence_mark *mark)
{
	struct idvec	 act = { NULL, 0 }, pend = { NULL, 0 };
	uint64_t	 v;
	int64_t		 t0;

	v = atomic_load(&ss->version);
	if (mark->version == v && mark->nactive + mark->npending == 0)
		return false;	/* nothing applied and nothing changed */
	t0 = ad_mono();
	pthread_rwlock_rdlock(&ss->lock);
	if (mark->version == v) {
		recheck(ss, mark, now, &act, &pend);
	} else {
		v = atomic_load(&ss->version);
		match_all(ss, ls, now, &act, &pend);
	}
	pthread_rwlock_unlock(&ss->lock);
	query_done(ss, t0);
	if (act.n > 1)
		qsort(act.v, act.n, sizeof(*act.v), cmp_str);
	if (pend.n > 1)
		qsort(pend.v, pend.n, sizeof(*pend.v), cmp_str);
	silence_mark_release(mark);
	mark->version = v;
	mark->active = act.v;
	mark->nactive = act.n;
	mark->pending = pend.v;
	mark->npending = pend.n;
	return act.n > 0;
}

/* A copy of the mark a memo keeps (memo lock held). */
static void
mark_from_memo(const struct alert_memo *am, struct silence_mark *m)
{
	const char	*p = am->sil;
	size_t		 i, n = am->sil_nactive + am->sil_npending;

	memset(m, 0, sizeof(*m));
	m->version = am->sil_version;
	if (n == 0)
		return;
	m->active = xcalloc(am->sil_nactive + 1, sizeof(*m->active));
	m->pending = xcalloc(am->sil_npending + 1, sizeof(*m->pending));
	for (i = 0; i < n; i++, p += strlen(p) + 1) {
		if (i < am->sil_nactive)
			m->active[m->nactive++] = xstrdup(p);
		else
			m->pending[m->npending++] = xstrdup(p);
	}
}

/* The mark's IDs, flat: active then pending, each NUL-terminated. */
static char *
mark_flat(const struct silence_mark *m)
{
	struct buf	b;
	size_t		i;

	if (m->nactive + m->npending == 0)
		return NULL;
	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < m->nactive; i++)
		buf_add(&b, m->active[i], strlen(m->active[i]) + 1);
	for (i = 0; i < m->npending; i++)
		buf_add(&b, m->pending[i], strlen(m->pending[i]) + 1);
	return buf_detach(&b, NULL);
}

bool
silence_store_mutes_alert(struct silence_store *ss, const struct alert *a,
    ad_time_t now, silence_emit_fn emit, void *ctx)
{
	struct alert_memo	*am = alert_memo_get(a);
	struct silence_mark	 m;
	uint64_t		 v = atomic_load(&ss->version);
	char			*flat, *old;
	bool			 muted;
	size_t			 i;

	alert_memo_lock(a);
	if (am->sil_version == v && am->sil == NULL) {
		alert_memo_unlock(a);
		return false;	/* nothing applied and nothing changed */
	}
	mark_from_memo(am, &m);
	alert_memo_unlock(a);
	muted = silence_store_mutes(ss, a->labels, now, &m);
	for (i = 0; i < m.nactive; i++)
		emit(ctx, m.active[i]);
	flat = mark_flat(&m);
	alert_memo_lock(a);
	old = am->sil;
	am->sil = flat;
	am->sil_version = m.version;
	am->sil_nactive = (uint32_t)m.nactive;
	am->sil_npending = (uint32_t)m.npending;
	alert_memo_unlock(a);
	free(old);
	silence_mark_release(&m);
	return muted;
}

/* ------------------------------------------------------- maintenance */

size_t
silence_store_gc(struct silence_store *ss, ad_time_t now)
{
	struct entry	**pp;
	size_t		  i, n = 0;
	int64_t		  t0 = ad_mono();

	pthread_rwlock_wrlock(&ss->lock);
	for (i = 0; i < ss->idcap; i++) {
		pp = &ss->ids[i];
		while (*pp != NULL) {
			if ((*pp)->expires_at <= now) {
				store_del(ss, pp);
				n++;
				continue;
			}
			/* Expired is final: no need to match it any more. */
			if (now > (*pp)->s->ends_at)
				index_del(ss, *pp);
			pp = &(*pp)->next;
		}
	}
	pthread_rwlock_unlock(&ss->lock);
	atomic_fetch_add(&ss->gc_count, 1);
	atomic_fetch_add(&ss->gc_sum_ns, (uint64_t)(ad_mono() - t0));
	return n;
}

struct snap_item {
	struct silence	*s;
	ad_time_t	 exp;
};

static int64_t
compact(struct silence_store *ss, struct ad_err *err)
{
	const struct silence_state_ops	*ops = ss->o.state;
	struct silence_state_kv		*kv;
	struct snap_item		*items;
	struct entry			*e;
	struct buf			*vals;
	uint64_t			 cut;
	size_t				 i, n = 0;
	int64_t				 size;

	pthread_rwlock_wrlock(&ss->lock);
	cut = ops->compact_begin(ss->o.state_arg, err);
	if (cut == 0) {
		pthread_rwlock_unlock(&ss->lock);
		return -1;
	}
	items = xcalloc(ss->nids + 1, sizeof(*items));
	for (i = 0; i < ss->idcap; i++)
		for (e = ss->ids[i]; e != NULL; e = e->next)
			items[n++] = (struct snap_item){ silence_ref(e->s),
			    e->expires_at };
	pthread_rwlock_unlock(&ss->lock);
	kv = xcalloc(n + 1, sizeof(*kv));
	vals = xcalloc(n + 1, sizeof(*vals));
	for (i = 0; i < n; i++) {
		buf_init(&vals[i], BUF_NOCAP);
		silence_pb_encode(items[i].s, items[i].exp, &vals[i]);
		kv[i] = (struct silence_state_kv){ items[i].s->id,
		    buf_str(&vals[i]), buf_len(&vals[i]) };
	}
	size = ops->compact_finish(ss->o.state_arg, cut, kv, n, err);
	for (i = 0; i < n; i++) {
		buf_release(&vals[i]);
		silence_unref(items[i].s);
	}
	free(vals);
	free(kv);
	free(items);
	return size;
}

int64_t
silence_store_maintenance(struct silence_store *ss, ad_time_t now,
    struct ad_err *err)
{
	int64_t	t0, size = 0;

	atomic_fetch_add(&ss->maint_total, 1);
	silence_store_gc(ss, now);
	if (ss->o.state != NULL) {
		t0 = ad_mono();
		size = compact(ss, err);
		atomic_fetch_add(&ss->snap_count, 1);
		atomic_fetch_add(&ss->snap_sum_ns, (uint64_t)(ad_mono() - t0));
	}
	if (size == -1) {
		atomic_fetch_add(&ss->maint_errors, 1);
		return -1;
	}
	atomic_store(&ss->snap_size, size);
	log_debug("silences: maintenance done, snapshot of %" PRId64 " bytes",
	    size);
	return size;
}

void
silence_store_metrics(struct silence_store *ss, ad_time_t now,
    struct silence_store_metrics *out)
{
	struct entry	*e;
	uint64_t	 cum = 0;
	size_t		 i;

	memset(out, 0, sizeof(*out));
	pthread_rwlock_rdlock(&ss->lock);
	for (i = 0; i < ss->idcap; i++)
		for (e = ss->ids[i]; e != NULL; e = e->next)
			out->silences[silence_state_at(e->s, now)]++;
	pthread_rwlock_unlock(&ss->lock);
	out->queries_total = atomic_load(&ss->queries);
	out->query_errors_total = atomic_load(&ss->query_errors);
	out->query_duration_count = atomic_load(&ss->qcount);
	out->query_duration_sum_ns = atomic_load(&ss->qsum_ns);
	for (i = 0; i < SILENCE_QUERY_NBUCKETS; i++) {
		cum += atomic_load(&ss->qbuckets[i]);
		out->query_duration_buckets[i] = cum;
	}
	out->gc_duration_count = atomic_load(&ss->gc_count);
	out->gc_duration_sum_ns = atomic_load(&ss->gc_sum_ns);
	out->snapshot_duration_count = atomic_load(&ss->snap_count);
	out->snapshot_duration_sum_ns = atomic_load(&ss->snap_sum_ns);
	out->snapshot_size_bytes = atomic_load(&ss->snap_size);
	out->maintenance_total = atomic_load(&ss->maint_total);
	out->maintenance_errors_total = atomic_load(&ss->maint_errors);
}
