/*
 * silence_file: write-ahead log + snapshot backend for the silence store
 * (format and guarantees in silence_file.h).  Alertmanager only snapshots
 * every 15 minutes and loses everything since on a crash; here a change
 * is on disk before the API acknowledges it.
 */
#include "silences/silence_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/crc32c.h"
#include "alertd/dfile.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "silences/silence.h"

#define SNAP_NAME	"alertd-silences.snap"
#define WAL_PREFIX	"alertd-silences.wal."
#define HDR_LEN		20
#define REC_HDR		8
#define REC_MAX		(64u << 20)
#define FILE_MAX	((size_t)1 << 34)

struct silence_file {
	char			*dir;
	int			 dirfd;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	struct buf		 pending;	/* framed, not yet written */
	uint64_t		 seq;		/* last ticket issued */
	uint64_t		 durable;	/* tickets <= this are done */
	uint64_t		 fail_lo, fail_hi;
	bool			 flushing;
	int			 fd;		/* current log */
	uint64_t		 gen;		/* its generation */
	uint64_t		 max_old_gen;
	bool			 was_empty;
	pthread_mutex_t		 compact_mtx;
	struct silence_file_stats st;
};

/* ------------------------------------------------------------ framing */

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
silence_file_frame(struct buf *out, const char *key, const void *val,
    size_t len)
{
	struct buf	pl;
	uint8_t		hdr[REC_HDR];
	size_t		klen = strlen(key);
	int		rc;

	buf_init(&pl, REC_MAX);
	rc = pb_put_varint(&pl, klen) | buf_add(&pl, key, klen) |
	    buf_addch(&pl, val != NULL ? 1 : 0);
	if (val != NULL && rc == 0)
		rc = buf_add(&pl, val, len);
	if (rc == 0) {
		put_le32(hdr, (uint32_t)buf_len(&pl));
		put_le32(hdr + 4, crc32c(0, buf_str(&pl), buf_len(&pl)));
		rc = buf_add(out, hdr, sizeof(hdr)) |
		    buf_add(out, buf_str(&pl), buf_len(&pl));
	}
	buf_release(&pl);
	return rc == 0 ? 0 : -1;
}

/* Decodes one payload; returns 0 or -1 (malformed). */
static int
parse_payload(const uint8_t *p, size_t len, silence_state_scan_fn fn,
    void *arg)
{
	uint64_t	 klen;
	size_t		 pos = 0;
	char		*key;
	int		 rc;

	if (pb_get_varint(p, len, &pos, &klen) == -1 || klen >= len - pos ||
	    p[pos + klen] > 1)
		return -1;
	key = xstrndup((const char *)p + pos, (size_t)klen);
	pos += (size_t)klen;
	if (p[pos] == 1)
		rc = fn(arg, key, p + pos + 1, len - pos - 1);
	else
		rc = fn(arg, key, NULL, 0);
	free(key);
	return rc;
}

size_t
silence_file_parse(const uint8_t *p, size_t len, silence_state_scan_fn fn,
    void *arg)
{
	size_t		pos = 0;
	uint32_t	rl;

	while (len - pos >= REC_HDR) {
		rl = get_le32(p + pos);
		if (rl == 0 || rl > REC_MAX || rl > len - pos - REC_HDR)
			break;
		if (crc32c(0, p + pos + REC_HDR, rl) != get_le32(p + pos + 4))
			break;
		if (parse_payload(p + pos + REC_HDR, rl, fn, arg) == -1)
			break;
		pos += REC_HDR + rl;
	}
	return pos;
}

static void
make_header(uint8_t hdr[HDR_LEN], const char *magic, uint64_t gen)
{
	int	i;

	memcpy(hdr, magic, 8);
	for (i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(gen >> (8 * i));
	put_le32(hdr + 16, crc32c(0, hdr, 16));
}

static int
check_header(const uint8_t *p, size_t len, const char *magic, uint64_t *gen)
{
	int	i;

	if (len < HDR_LEN || memcmp(p, magic, 8) != 0 ||
	    crc32c(0, p, 16) != get_le32(p + 16))
		return -1;
	*gen = 0;
	for (i = 0; i < 8; i++)
		*gen |= (uint64_t)p[8 + i] << (8 * i);
	return 0;
}

/* ---------------------------------------------------------------- I/O */

static char *
wal_path(const struct silence_file *sf, uint64_t gen)
{
	return xasprintf("%s/" WAL_PREFIX "%016" PRIx64, sf->dir, gen);
}

static int
open_wal(struct silence_file *sf, uint64_t gen, struct ad_err *err)
{
	uint8_t	 hdr[HDR_LEN];
	char	*path = wal_path(sf, gen);
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		ad_err_set(err, AD_EIO, "open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	make_header(hdr, "ADSILWAL", gen);
	if (dfile_write_all(fd, hdr, sizeof(hdr)) == -1 || fdatasync(fd) == -1 ||
	    fsync(sf->dirfd) == -1) {
		ad_err_set(err, AD_EIO, "write %s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	sf->fd = fd;
	sf->gen = gen;
	return 0;
}

/* Calls fn(gen) for every log file in the directory. */
static void
list_wals(struct silence_file *sf, void (*fn)(void *, uint64_t), void *arg)
{
	struct dirent	*de;
	DIR		*d;
	char		*end;
	uint64_t	 gen;

	d = opendir(sf->dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, WAL_PREFIX, strlen(WAL_PREFIX)) != 0 ||
		    strlen(de->d_name) != strlen(WAL_PREFIX) + 16)
			continue;
		errno = 0;
		gen = strtoull(de->d_name + strlen(WAL_PREFIX), &end, 16);
		if (errno == 0 && *end == '\0')
			fn(arg, gen);
	}
	closedir(d);
}

static void
max_gen_cb(void *arg, uint64_t gen)
{
	uint64_t	*m = arg;

	if (gen > *m)
		*m = gen;
}

struct silence_file *
silence_file_open(const char *dir, struct ad_err *err)
{
	struct silence_file	*sf = xcalloc(1, sizeof(*sf));
	uint64_t		 maxgen = 0;

	sf->dir = xstrdup(dir);
	sf->fd = -1;
	sf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sf->dirfd == -1) {
		ad_err_set(err, AD_EIO, "open %s: %s", dir, strerror(errno));
		free(sf->dir);
		free(sf);
		return NULL;
	}
	pthread_mutex_init(&sf->mtx, NULL);
	pthread_mutex_init(&sf->compact_mtx, NULL);
	pthread_cond_init(&sf->cond, NULL);
	buf_init(&sf->pending, BUF_NOCAP);
	list_wals(sf, max_gen_cb, &maxgen);
	sf->max_old_gen = maxgen;
	sf->was_empty = true;
	if (open_wal(sf, maxgen + 1, err) == -1) {
		silence_file_close(sf);
		return NULL;
	}
	return sf;
}

bool
silence_file_was_empty(const struct silence_file *sf)
{
	return sf->was_empty;
}

void
silence_file_close(struct silence_file *sf)
{
	if (sf == NULL)
		return;
	if (sf->fd != -1)
		close(sf->fd);
	close(sf->dirfd);
	buf_release(&sf->pending);
	pthread_mutex_destroy(&sf->mtx);
	pthread_mutex_destroy(&sf->compact_mtx);
	pthread_cond_destroy(&sf->cond);
	free(sf->dir);
	free(sf);
}

void
silence_file_stats(struct silence_file *sf, struct silence_file_stats *out)
{
	pthread_mutex_lock(&sf->mtx);
	*out = sf->st;
	pthread_mutex_unlock(&sf->mtx);
}

/* ------------------------------------------------------- put and sync */

static uint64_t
sf_put(void *arg, const char *key, const void *val, size_t len)
{
	struct silence_file	*sf = arg;
	uint64_t		 t;

	pthread_mutex_lock(&sf->mtx);
	silence_file_frame(&sf->pending, key, val, len);
	t = ++sf->seq;
	sf->st.puts++;
	pthread_mutex_unlock(&sf->mtx);
	return t;
}

/* Called with mtx held and flushing set; drops the lock for the I/O. */
static void
flush_locked(struct silence_file *sf)
{
	struct buf	 data = sf->pending;
	uint64_t	 upto = sf->seq;
	int		 fd = sf->fd, rc;

	buf_init(&sf->pending, BUF_NOCAP);
	pthread_mutex_unlock(&sf->mtx);
	rc = dfile_write_all(fd, buf_str(&data), buf_len(&data));
	if (rc == 0)
		rc = fdatasync(fd);
	if (rc == -1)
		log_error("silences: writing the log failed: %s",
		    strerror(errno));
	buf_release(&data);
	pthread_mutex_lock(&sf->mtx);
	if (rc == -1) {
		sf->fail_lo = sf->durable + 1;
		sf->fail_hi = upto;
	}
	sf->durable = upto;
	sf->st.flushes++;
}

static int
sf_sync(void *arg, uint64_t ticket, struct ad_err *err)
{
	struct silence_file	*sf = arg;
	int			 rc;

	pthread_mutex_lock(&sf->mtx);
	while (sf->durable < ticket) {
		if (sf->flushing) {
			pthread_cond_wait(&sf->cond, &sf->mtx);
			continue;
		}
		sf->flushing = true;
		flush_locked(sf);
		sf->flushing = false;
		pthread_cond_broadcast(&sf->cond);
	}
	rc = ticket >= sf->fail_lo && ticket <= sf->fail_hi ? -1 : 0;
	pthread_mutex_unlock(&sf->mtx);
	if (rc == -1)
		ad_err_set(err, AD_EIO, "writing the silence log failed");
	return rc;
}

/* ------------------------------------------------------------ replay */

struct replay {
	struct silence_file	*sf;
	silence_state_scan_fn	 fn;
	void			*arg;
	uint64_t		 from_gen;
	uint64_t		*gens;
	size_t			 ngens;
	int			 rc;
};

static int
replay_rec(void *arg, const char *key, const void *val, size_t len)
{
	struct replay	*r = arg;

	r->sf->st.records_replayed++;
	r->sf->was_empty = false;
	if (r->rc == 0 && r->fn(r->arg, key, val, len) == -1)
		r->rc = -1;
	return 0;
}

/* Replays one file; a missing file is fine.  Returns 0, or -1 if the
 * header is bad (*gen is then unknown). */
static int
replay_file(struct replay *r, const char *path, const char *magic,
    uint64_t *gen)
{
	struct buf	 data;
	const uint8_t	*p;
	size_t		 len, ok;
	int		 rc = -1;

	buf_init(&data, FILE_MAX);
	if (buf_read_file(&data, path, NULL) == -1) {
		if (errno != ENOENT)
			log_error("silences: cannot read %s: %s", path,
			    strerror(errno));
		goto out;
	}
	p = (const uint8_t *)buf_str(&data);
	len = buf_len(&data);
	if (check_header(p, len, magic, gen) == -1) {
		log_error("silences: %s: bad header, ignoring %zu bytes",
		    path, len);
		r->sf->st.bytes_dropped += len;
		goto out;
	}
	ok = silence_file_parse(p + HDR_LEN, len - HDR_LEN, replay_rec, r);
	if (ok != len - HDR_LEN) {
		log_error("silences: %s: torn or corrupt record at offset "
		    "%zu, dropped the last %zu bytes", path, HDR_LEN + ok,
		    len - HDR_LEN - ok);
		r->sf->st.bytes_dropped += len - HDR_LEN - ok;
	}
	rc = 0;
out:
	buf_release(&data);
	return rc;
}

static void
collect_gen_cb(void *arg, uint64_t gen)
{
	struct replay	*r = arg;

	if (gen < r->from_gen || gen >= r->sf->gen)
		return;
	r->gens = xreallocarray(r->gens, r->ngens + 1, sizeof(*r->gens));
	r->gens[r->ngens++] = gen;
}

static int
cmp_gen(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
sf_scan(void *arg, silence_state_scan_fn fn, void *fnarg, struct ad_err *err)
{
	struct silence_file	*sf = arg;
	struct replay		 r = { sf, fn, fnarg, 0, NULL, 0, 0 };
	uint64_t		 g;
	char			*path;
	size_t			 i;

	path = xasprintf("%s/" SNAP_NAME, sf->dir);
	if (access(path, F_OK) == 0) {
		sf->was_empty = false;
		if (replay_file(&r, path, "ADSILSNP", &g) == 0)
			r.from_gen = g;
	}
	free(path);
	list_wals(sf, collect_gen_cb, &r);
	if (r.ngens > 1)
		qsort(r.gens, r.ngens, sizeof(*r.gens), cmp_gen);
	for (i = 0; i < r.ngens; i++) {
		path = wal_path(sf, r.gens[i]);
		replay_file(&r, path, "ADSILWAL", &g);
		free(path);
	}
	free(r.gens);
	if (r.rc == -1)
		return ad_err_set(err, AD_EINTERNAL, "silence replay stopped");
	return 0;
}

struct get_ctx {
	const char	*key;
	struct buf	*val;
	int		 found;
};

static int
get_cb(void *arg, const char *key, const void *val, size_t len)
{
	struct get_ctx	*g = arg;

	if (strcmp(key, g->key) != 0)
		return 0;
	buf_reset(g->val);
	g->found = val != NULL;
	if (val != NULL)
		buf_add(g->val, val, len);
	return 0;
}

/* Slow (a full replay): for tools and tests, not for the hot path. */
static int
sf_get(void *arg, const char *key, struct buf *val, struct ad_err *err)
{
	struct silence_file	*sf = arg;
	struct get_ctx		 g = { key, val, 0 };
	bool			 was_empty = sf->was_empty;
	struct silence_file_stats st = sf->st;

	if (sf_scan(sf, get_cb, &g, err) == -1)
		return -1;
	sf->was_empty = was_empty;
	sf->st = st;
	return g.found;
}

static void
sf_on_change(void *st, silence_state_change_fn fn, void *arg)
{
	(void)st;
	(void)fn;
	(void)arg;	/* local files change only through put() */
}

/* -------------------------------------------------------- compaction */

static uint64_t
sf_compact_begin(void *arg, struct ad_err *err)
{
	struct silence_file	*sf = arg;
	int			 oldfd, rc = 0;
	uint64_t		 cut;

	pthread_mutex_lock(&sf->mtx);
	while (sf->flushing)
		pthread_cond_wait(&sf->cond, &sf->mtx);
	if (buf_len(&sf->pending) > 0) {
		rc = dfile_write_all(sf->fd, buf_str(&sf->pending),
		    buf_len(&sf->pending));
		if (rc == 0)
			rc = fdatasync(sf->fd);
		buf_reset(&sf->pending);
		if (rc == -1) {
			sf->fail_lo = sf->durable + 1;
			sf->fail_hi = sf->seq;
		}
		sf->durable = sf->seq;
		pthread_cond_broadcast(&sf->cond);
	}
	oldfd = sf->fd;
	if (open_wal(sf, sf->gen + 1, err) == -1) {
		pthread_mutex_unlock(&sf->mtx);
		return 0;
	}
	close(oldfd);
	cut = sf->gen;
	pthread_mutex_unlock(&sf->mtx);
	return cut;
}

struct unlink_ctx {
	struct silence_file	*sf;
	uint64_t		 cut;
};

static void
unlink_cb(void *arg, uint64_t gen)
{
	struct unlink_ctx	*u = arg;
	char			*path;

	if (gen >= u->cut)
		return;
	path = wal_path(u->sf, gen);
	if (unlink(path) == -1)
		log_warn("silences: cannot remove %s: %s", path,
		    strerror(errno));
	free(path);
}

/* The snapshot file's bytes: its header, then a frame per silence. */
static void
snapshot_bytes(struct buf *b, uint64_t cut, const struct silence_state_kv *kv,
    size_t n)
{
	uint8_t	hdr[HDR_LEN];
	size_t	i;

	make_header(hdr, "ADSILSNP", cut);
	buf_add(b, hdr, sizeof(hdr));
	for (i = 0; i < n; i++)
		silence_file_frame(b, kv[i].key, kv[i].val, kv[i].len);
}

static int64_t
sf_compact_finish(void *arg, uint64_t cut, const struct silence_state_kv *kv,
    size_t n, struct ad_err *err)
{
	struct silence_file	*sf = arg;
	struct unlink_ctx	 u = { sf, cut };
	char			*tmp, *path;
	int64_t			 size = -1;
	struct buf		 b;

	pthread_mutex_lock(&sf->compact_mtx);
	tmp = xasprintf("%s/" SNAP_NAME ".tmp", sf->dir);
	path = xasprintf("%s/" SNAP_NAME, sf->dir);
	buf_init(&b, BUF_NOCAP);
	snapshot_bytes(&b, cut, kv, n);
	if (dfile_replace(sf->dirfd, sf->dir, tmp, path, buf_str(&b),
	    buf_len(&b), 0600, err) == 0) {
		size = (int64_t)buf_len(&b);
		list_wals(sf, unlink_cb, &u);
	}
	buf_release(&b);
	free(tmp);
	free(path);
	pthread_mutex_unlock(&sf->compact_mtx);
	return size;
}

static void
sf_close(void *arg)
{
	silence_file_close(arg);
}

const struct silence_state_ops silence_file_ops = {
	.name = "file",
	.put = sf_put,
	.sync = sf_sync,
	.get = sf_get,
	.scan = sf_scan,
	.on_change = sf_on_change,
	.compact_begin = sf_compact_begin,
	.compact_finish = sf_compact_finish,
	.close = sf_close,
};
