/*
 * nflog: the MeshEntry codec against Alertmanager's own snapshot, the
 * import of that snapshot, durability (an entry is on disk before its
 * callback: a process killed right after finds it again), torn tails,
 * corrupt files, expiry, merge order, compaction and the metrics.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "notifiers/nflog.h"

#define AM_DIR	"tests/data/nflog/am-0.25"

static ad_time_t	fake_now;

static ad_time_t
clock_fake(void)
{
	return fake_now;
}

static char *
tmpdir(void)
{
	char	tmpl[] = "/tmp/alertd-nflog-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void
rmdir_all(const char *dir)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	err;

	buf_init(&b, BUF_NOCAP);
	if (buf_read_file(&b, path, &err) == -1) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

static void
spit(const char *path, const char *data, size_t len)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Sends the log to a file, for the tests that check what was logged. */
static char	logpath[64];

static void
log_capture(void)
{
	int	fd;

	snprintf(logpath, sizeof(logpath), "/tmp/alertd-nflog-log-XXXXXX");
	fd = mkstemp(logpath);
	ck_assert_int_ge(fd, 0);
	log_set_fd(fd);
}

static char *
log_captured(void)
{
	char	*s = slurp(logpath, NULL);

	log_set_fd(-1);
	unlink(logpath);
	return s;
}

/* ------------------------------------------------------------- codec --- */

static void
format_entry(struct buf *b, const struct nflog_entry *e)
{
	size_t	i;

	buf_add_goquote(b, e->group_key, strlen(e->group_key));
	buf_addf(b, " %s/%s/%u ts=%lld exp=%lld firing=[", e->group_name,
	    e->integration, e->idx, (long long)e->ts,
	    (long long)e->expires_at);
	for (i = 0; i < e->n_firing; i++)
		buf_addf(b, "%s%llu", i ? " " : "",
		    (unsigned long long)e->firing[i]);
	buf_addstr(b, "] resolved=[");
	for (i = 0; i < e->n_resolved; i++)
		buf_addf(b, "%s%llu", i ? " " : "",
		    (unsigned long long)e->resolved[i]);
	buf_addstr(b, "]");
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Formats entries as dump.go does: sorted lines. */
struct lines {
	char	*v[64];
	size_t	 n;
};

static void
lines_add(struct lines *l, const struct nflog_entry *e)
{
	struct buf	b;

	ck_assert_uint_lt(l->n, 64);
	buf_init(&b, BUF_NOCAP);
	format_entry(&b, e);
	buf_addch(&b, '\n');
	l->v[l->n++] = buf_detach(&b, NULL);
}

static char *
lines_join(struct lines *l)
{
	struct buf	b;
	size_t		i;

	qsort(l->v, l->n, sizeof(*l->v), str_cmp);
	buf_init(&b, BUF_NOCAP);
	for (i = 0; i < l->n; i++) {
		buf_addstr(&b, l->v[i]);
		free(l->v[i]);
	}
	l->n = 0;
	return buf_detach(&b, NULL);
}

START_TEST(decode_alertmanager_snapshot)
{
	size_t			 len, off = 0;
	char			*data = slurp(AM_DIR "/nflog", &len);
	char			*want = slurp(AM_DIR "/expected.txt", NULL);
	char			*got;
	struct nflog_entry	 e;
	struct ad_err		 err;
	struct lines		 l = { .n = 0 };
	long			 r;

	ck_assert_ptr_nonnull(data);
	ck_assert_ptr_nonnull(want);
	nflog_entry_init(&e);
	while ((r = nflog_am_next(data + off, len - off, &e, &err)) > 0) {
		lines_add(&l, &e);
		off += (size_t)r;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(off, len);
	got = lines_join(&l);
	ck_assert_str_eq(got, want);
	/* a truncated snapshot: the entries before the cut decode */
	off = 0;
	while ((r = nflog_am_next(data + off, len - 7 - off, &e, &err)) > 0)
		off += (size_t)r;
	ck_assert_int_eq(r, -1);
	ck_assert_str_eq(err.msg, "truncated entry");
	nflog_entry_release(&e);
	free(got);
	free(want);
	free(data);
}
END_TEST

/*
 * Our encoder writes what Alertmanager's protobuf code wrote: each entry
 * of the real snapshot, decoded and encoded again, gives its bytes back
 * (the snapshot frames each message with its uvarint length).  Alertmanager
 * keeps the hashes in the order of the flush's alerts and we keep them
 * sorted, so an entry with several hashes is compared by size and by what
 * it decodes to.
 */
START_TEST(encode_as_alertmanager)
{
	size_t			 len, off = 0, n = 0, hl, ml;
	char			*data = slurp(AM_DIR "/nflog", &len);
	const unsigned char	*p;
	struct nflog_entry	 e, d;
	struct ad_err		 err;
	struct buf		 b;
	long			 r;

	ck_assert_ptr_nonnull(data);
	nflog_entry_init(&e);
	nflog_entry_init(&d);
	buf_init(&b, BUF_NOCAP);
	while ((r = nflog_am_next(data + off, len - off, &e, &err)) > 0) {
		p = (const unsigned char *)data + off;
		for (hl = 0, ml = 0; p[hl] & 0x80; hl++)
			ml |= (size_t)(p[hl] & 0x7f) << (7 * hl);
		ml |= (size_t)p[hl] << (7 * hl);
		hl++;
		ck_assert_uint_eq(hl + ml, (size_t)r);
		buf_reset(&b);
		ck_assert_int_eq(nflog_entry_encode(&e, &b), 0);
		ck_assert_uint_eq(buf_len(&b), ml);
		if (e.n_firing + e.n_resolved <= 1) {
			ck_assert(memcmp(buf_str(&b), p + hl, ml) == 0);
			n++;
		}
		ck_assert_int_eq(nflog_entry_decode(buf_str(&b), buf_len(&b),
		    &d, &err), 0);
		ck_assert_str_eq(d.group_key, e.group_key);
		ck_assert_str_eq(d.group_name, e.group_name);
		ck_assert_str_eq(d.integration, e.integration);
		ck_assert_uint_eq(d.idx, e.idx);
		ck_assert_int_eq(d.ts, e.ts);
		ck_assert_int_eq(d.expires_at, e.expires_at);
		ck_assert_uint_eq(d.n_firing, e.n_firing);
		ck_assert_uint_eq(d.n_resolved, e.n_resolved);
		ck_assert(e.n_firing == 0 || memcmp(d.firing, e.firing,
		    e.n_firing * sizeof(*e.firing)) == 0);
		ck_assert(e.n_resolved == 0 || memcmp(d.resolved, e.resolved,
		    e.n_resolved * sizeof(*e.resolved)) == 0);
		off += (size_t)r;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_gt(n, 0);
	buf_release(&b);
	nflog_entry_release(&e);
	nflog_entry_release(&d);
	free(data);
}
END_TEST

START_TEST(codec_roundtrip)
{
	struct nflog_entry	e, d;
	struct buf		b;
	uint64_t		f[] = { 3, 1, UINT64_MAX }, r[] = { 42 };
	struct ad_err		err;

	nflog_entry_init(&e);
	nflog_entry_init(&d);
	e.group_key = xstrdup("{}/{a=\"1\"}:{b=\"x\\\"y\"}");
	e.group_name = xstrdup("recv");
	e.integration = xstrdup("webhook");
	e.idx = 7;
	e.ts = 1795622791942915983LL;
	e.expires_at = e.ts + 2 * AD_HOUR;
	e.firing = xmemdup(f, sizeof(f));
	e.n_firing = 3;
	e.resolved = xmemdup(r, sizeof(r));
	e.n_resolved = 1;
	buf_init(&b, BUF_NOCAP);
	ck_assert_int_eq(nflog_entry_encode(&e, &b), 0);
	ck_assert_int_eq(nflog_entry_decode(buf_str(&b), buf_len(&b), &d,
	    &err), 0);
	ck_assert_str_eq(d.group_key, e.group_key);
	ck_assert_str_eq(d.group_name, "recv");
	ck_assert_str_eq(d.integration, "webhook");
	ck_assert_uint_eq(d.idx, 7);
	ck_assert_int_eq(d.ts, e.ts);
	ck_assert_int_eq(d.expires_at, e.expires_at);
	ck_assert_uint_eq(d.n_firing, 3);
	ck_assert(d.firing[0] == 1 && d.firing[1] == 3 &&
	    d.firing[2] == UINT64_MAX);
	ck_assert_uint_eq(d.n_resolved, 1);
	ck_assert(d.resolved[0] == 42);
	/* every truncation is an error, never a crash */
	for (size_t i = 1; i < buf_len(&b); i++)
		(void)nflog_entry_decode(buf_str(&b), i, &d, &err);
	/* a message without an entry: nflog's ErrInvalidState */
	ck_assert_int_eq(nflog_entry_decode("", 0, &d, &err), -1);
	ck_assert_str_eq(err.msg, "invalid state");
	buf_release(&b);
	nflog_entry_release(&e);
	nflog_entry_release(&d);
	ck_assert_uint_eq(nflog_crc32c("123456789", 9), 0xE3069283u);
}
END_TEST

/* -------------------------------------------------------------- store --- */

struct waiter {
	pthread_mutex_t	mu;
	pthread_cond_t	cv;
	int		done, rc;
};

static void
waiter_cb(void *arg, int rc)
{
	struct waiter	*w = arg;

	pthread_mutex_lock(&w->mu);
	w->done++;
	w->rc = rc;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void
waiter_wait(struct waiter *w, int n)
{
	pthread_mutex_lock(&w->mu);
	while (w->done < n)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static struct nflog *
open_at(const char *dir, ad_dur_t retention)
{
	struct nflog_opts	o = { 0 };
	struct ad_err		err;
	struct nflog		*nf;

	o.dir = dir;
	o.retention = retention;
	o.maintenance_interval = -1;
	o.now = clock_fake;
	nf = nflog_open(&o, &err);
	ck_assert_msg(nf != NULL, "%s", err.msg);
	return nf;
}

static const struct nflog_receiver recv0 = { "team", "webhook", 0 };
static const struct nflog_receiver recv1 = { "team", "webhook", 1 };

static void
put_wait(struct nflog *nf, const char *gkey, const struct nflog_receiver *r,
    uint64_t firing, uint64_t resolved, ad_dur_t expiry)
{
	struct waiter	w = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0 };

	nflog_put(nf, gkey, r, &firing, firing != 0, &resolved, resolved != 0,
	    expiry, waiter_cb, &w);
	waiter_wait(&w, 1);
	ck_assert_int_eq(w.rc, 0);
}

START_TEST(import_alertmanager_snapshot)
{
	char			*dir = tmpdir(), *data, *path;
	size_t			 len;
	struct nflog		*nf;
	struct nflog_entry	 e;
	struct nflog_receiver	 r = { "team-x.hook", "webhook", 1 };
	const char		*gkey = "{}:{alertname=\"Other\", job=\"j\"}";

	data = slurp(AM_DIR "/nflog", &len);
	path = xasprintf("%s/nflog", dir);
	spit(path, data, len);
	/* the snapshot's entries were written at ~1795622791s, live 2h */
	fake_now = 1795622800LL * AD_SEC;
	nf = open_at(dir, 0);
	ck_assert_uint_eq(nflog_count(nf), 4);
	nflog_entry_init(&e);
	ck_assert_int_eq(nflog_get(nf, gkey, &r, &e), 0);
	ck_assert_uint_eq(e.n_firing, 1);
	ck_assert(e.firing[0] == 2816118949978688681ULL);
	ck_assert_uint_eq(e.n_resolved, 0);
	ck_assert_int_eq(e.ts, 1795622789944821960LL);
	nflog_close(nf);
	/* now alertd has state of its own: Alertmanager's is not read again */
	spit(path, "", 0);
	nf = open_at(dir, 0);
	ck_assert_uint_eq(nflog_count(nf), 4);
	ck_assert_int_eq(nflog_get(nf, gkey, &r, &e), 0);
	ck_assert_int_eq(e.ts, 1795622789944821960LL);
	nflog_close(nf);
	/* two hours later everything has expired: kept at load, as
	 * Alertmanager's snapshot is, dropped by the maintenance */
	fake_now += 3 * AD_HOUR;
	nf = open_at(dir, 0);
	ck_assert_uint_eq(nflog_count(nf), 4);
	ck_assert_int_eq(nflog_maintenance(nf, NULL), 0);
	ck_assert_uint_eq(nflog_count(nf), 0);
	nflog_close(nf);
	nflog_entry_release(&e);
	rmdir_all(dir);
	free(dir);
	free(path);
	free(data);
}
END_TEST

START_TEST(entry_on_disk_before_callback)
{
	char			*dir = tmpdir();
	pid_t			 pid;
	int			 status;
	struct nflog		*nf;
	struct nflog_entry	 e;

	fake_now = 1000 * AD_SEC;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		nf = open_at(dir, 0);
		put_wait(nf, "{}:{a=\"1\"}", &recv0, 11, 0, 2 * AD_HOUR);
		put_wait(nf, "{}:{a=\"1\"}", &recv1, 12, 13, 2 * AD_HOUR);
		/* as kill -9 right after the notification: no close */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	nf = open_at(dir, 0);
	ck_assert_uint_eq(nflog_count(nf), 2);
	nflog_entry_init(&e);
	ck_assert_int_eq(nflog_get(nf, "{}:{a=\"1\"}", &recv1, &e), 0);
	ck_assert(e.n_firing == 1 && e.firing[0] == 12);
	ck_assert(e.n_resolved == 1 && e.resolved[0] == 13);
	ck_assert_int_eq(e.ts, 1000 * AD_SEC);
	ck_assert_int_eq(e.expires_at, 1000 * AD_SEC + 2 * AD_HOUR);
	nflog_entry_release(&e);
	nflog_close(nf);
	rmdir_all(dir);
	free(dir);
}
END_TEST

static void
three_entries(const char *dir)
{
	struct nflog	*nf = open_at(dir, 0);

	put_wait(nf, "g1", &recv0, 1, 0, 0);
	put_wait(nf, "g2", &recv0, 2, 0, 0);
	put_wait(nf, "g3", &recv0, 3, 0, 0);
	nflog_close(nf);
}

static void
intend_wait(struct nflog *nf, const char *gkey, const uint64_t *firing,
    size_t n)
{
	struct waiter	w = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0 };

	nflog_intend(nf, gkey, &recv0, firing, n, NULL, 0, 2 * AD_HOUR,
	    waiter_cb, &w);
	waiter_wait(&w, 1);
	ck_assert_int_eq(w.rc, 0);
}

/* Runs fn in a child that then dies without closing (kill -9). */
static void
in_crashing_child(const char *dir, void (*fn)(const char *))
{
	pid_t	pid = fork();
	int	status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fn(dir);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
child_intends(const char *dir)
{
	struct nflog		*nf = open_at(dir, 0);
	static const uint64_t	 f12[] = { 1, 2 };
	struct nflog_entry	 e;

	put_wait(nf, "g1", &recv0, 1, 0, 2 * AD_HOUR);
	intend_wait(nf, "g1", f12, 2);
	/* not visible: the notification has not succeeded */
	nflog_entry_init(&e);
	if (nflog_get(nf, "g1", &recv0, &e) != 0 || e.n_firing != 1)
		_exit(3);
	nflog_entry_release(&e);
	/* a compaction while it is in flight keeps the intent */
	if (nflog_maintenance(nf, NULL) != 0)
		_exit(4);
}

START_TEST(intent_counts_after_a_crash)
{
	char			*dir = tmpdir();
	struct nflog		*nf;
	struct nflog_entry	 e;

	fake_now = 1000 * AD_SEC;
	in_crashing_child(dir, child_intends);
	nf = open_at(dir, 0);
	nflog_entry_init(&e);
	ck_assert_int_eq(nflog_get(nf, "g1", &recv0, &e), 0);
	ck_assert(e.n_firing == 2 && e.firing[0] == 1 && e.firing[1] == 2);
	nflog_entry_release(&e);
	nflog_close(nf);
	rmdir_all(dir);
	free(dir);
}
END_TEST

static void
child_abandons(const char *dir)
{
	struct nflog		*nf = open_at(dir, 0);
	static const uint64_t	 f12[] = { 1, 2 }, f3[] = { 3 };

	put_wait(nf, "g1", &recv0, 1, 0, 2 * AD_HOUR);
	intend_wait(nf, "g1", f12, 2);
	nflog_abandon(nf, "g1", &recv0);
	intend_wait(nf, "g2", f3, 1);
	nflog_abandon(nf, "g2", &recv0);
	/* settled in order: a later put waits for the abandons' write */
	put_wait(nf, "g3", &recv0, 4, 0, 2 * AD_HOUR);
}

START_TEST(abandoned_intent_is_undone)
{
	char			*dir = tmpdir();
	struct nflog		*nf;
	struct nflog_entry	 e;

	fake_now = 1000 * AD_SEC;
	in_crashing_child(dir, child_abandons);
	nf = open_at(dir, 0);
	nflog_entry_init(&e);
	/* back to the entry before the intent, or to none */
	ck_assert_int_eq(nflog_get(nf, "g1", &recv0, &e), 0);
	ck_assert(e.n_firing == 1 && e.firing[0] == 1);
	ck_assert_int_eq(nflog_get(nf, "g2", &recv0, &e), -1);
	ck_assert_int_eq(nflog_get(nf, "g3", &recv0, &e), 0);
	ck_assert_uint_eq(nflog_count(nf), 2);
	nflog_entry_release(&e);
	nflog_close(nf);
	rmdir_all(dir);
	free(dir);
}
END_TEST

START_TEST(torn_tail)
{
	char		*dir = tmpdir(), *path, *data, *logged, *bad;
	size_t		 len, len2;
	struct nflog	*nf;
	struct stat	 st;

	fake_now = 1000 * AD_SEC;
	three_entries(dir);
	path = xasprintf("%s/nflog.alertd", dir);
	data = slurp(path, &len);
	/* as a crash in the middle of an append: a partial last record */
	spit(path, data, len - 5);
	log_capture();
	nf = open_at(dir, 0);
	logged = log_captured();
	ck_assert_uint_eq(nflog_count(nf), 2);
	ck_assert_ptr_nonnull(strstr(logged, "Notification log damaged"));
	ck_assert_ptr_nonnull(strstr(logged, "records_kept=2"));
	ck_assert_ptr_nonnull(strstr(logged, "reason=\"torn record\""));
	/* the damaged file is kept aside, a clean one written */
	bad = xasprintf("%s.corrupt", path);
	ck_assert_int_eq(stat(bad, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)len - 5);
	nflog_close(nf);
	free(data);
	data = slurp(path, &len2);
	ck_assert_uint_lt(len2, len);
	free(logged);
	log_capture();
	nf = open_at(dir, 0);
	logged = log_captured();
	ck_assert_uint_eq(nflog_count(nf), 2);
	ck_assert_ptr_null(strstr(logged, "damaged"));
	nflog_close(nf);
	free(logged);
	free(bad);
	free(data);
	free(path);
	rmdir_all(dir);
	free(dir);
}
END_TEST

START_TEST(corrupt_middle)
{
	char		*dir = tmpdir(), *path, *data, *logged;
	size_t		 len;
	struct nflog	*nf;

	fake_now = 1000 * AD_SEC;
	three_entries(dir);
	path = xasprintf("%s/nflog.alertd", dir);
	data = slurp(path, &len);
	/* a flipped bit in the second record's payload */
	data[16 + (len - 16) / 2] ^= 0x10;
	spit(path, data, len);
	log_capture();
	nf = open_at(dir, 0);
	logged = log_captured();
	ck_assert_uint_eq(nflog_count(nf), 1);
	ck_assert_ptr_nonnull(strstr(logged, "checksum mismatch"));
	nflog_close(nf);
	/* not an nflog at all */
	spit(path, "garbage", 7);
	free(logged);
	log_capture();
	nf = open_at(dir, 0);
	logged = log_captured();
	ck_assert_uint_eq(nflog_count(nf), 0);
	ck_assert_ptr_nonnull(strstr(logged, "not an alertd nflog"));
	nflog_close(nf);
	free(logged);
	free(data);
	free(path);
	rmdir_all(dir);
	free(dir);
}
END_TEST

START_TEST(expiry_and_retention)
{
	char			*dir = tmpdir();
	struct nflog		*nf;
	struct nflog_entry	 e;
	struct nflog_metrics	 m;

	fake_now = 1000 * AD_SEC;
	nf = open_at(dir, 10 * AD_HOUR);
	/* 2 * repeat_interval when shorter than the retention */
	put_wait(nf, "g1", &recv0, 1, 0, 2 * AD_HOUR);
	/* the retention when shorter */
	put_wait(nf, "g2", &recv0, 2, 0, 20 * AD_HOUR);
	/* no expiry: the retention */
	put_wait(nf, "g3", &recv0, 3, 0, 0);
	nflog_entry_init(&e);
	ck_assert_int_eq(nflog_get(nf, "g1", &recv0, &e), 0);
	ck_assert_int_eq(e.expires_at, fake_now + 2 * AD_HOUR);
	ck_assert_int_eq(nflog_get(nf, "g2", &recv0, &e), 0);
	ck_assert_int_eq(e.expires_at, fake_now + 10 * AD_HOUR);
	ck_assert_int_eq(nflog_get(nf, "g3", &recv0, &e), 0);
	ck_assert_int_eq(e.expires_at, fake_now + 10 * AD_HOUR);
	/* at exactly expires_at the entry goes (!ExpiresAt.After(now)) */
	fake_now += 2 * AD_HOUR;
	ck_assert_int_eq(nflog_maintenance(nf, NULL), 0);
	ck_assert_uint_eq(nflog_count(nf), 2);
	ck_assert_int_eq(nflog_get(nf, "g1", &recv0, &e), -1);
	nflog_metrics_get(nf, &m);
	ck_assert_uint_eq(m.queries, 4);
	ck_assert_uint_eq(m.query_errors, 1);
	ck_assert_uint_eq(m.query_le[NFLOG_QUERY_BUCKETS - 1], 4);
	ck_assert_uint_ge(m.gc_count, 1);
	ck_assert_uint_ge(m.snapshot_count, 2);
	ck_assert_uint_eq(m.entries, 2);
	ck_assert_uint_gt(m.snapshot_size, 16);
	nflog_close(nf);
	/* and it stays gone after a restart */
	nf = open_at(dir, 10 * AD_HOUR);
	ck_assert_uint_eq(nflog_count(nf), 2);
	nflog_close(nf);
	nflog_entry_release(&e);
	rmdir_all(dir);
	free(dir);
}
END_TEST

/* A clock that moves 5ms every time it is read (a slow fdatasync). */
static ad_time_t
clock_ticking(void)
{
	fake_now += 5 * AD_MS;
	return fake_now;
}

START_TEST(tiny_expiry_is_still_found)
{
	struct nflog_opts	o = { 0 };
	struct nflog		*nf;
	struct nflog_entry	e;

	/* repeat_interval 1ms (Alertmanager's acceptance TestRepeat): the
	 * entry expires 2ms after the notification, yet the next flush's
	 * dedup must find it (the resolved notification depends on it) */
	o.now = clock_ticking;
	nf = nflog_open(&o, NULL);
	fake_now = 1000 * AD_SEC;
	put_wait(nf, "g", &recv0, 5, 0, 2 * AD_MS);
	fake_now += AD_SEC;
	nflog_entry_init(&e);
	ck_assert_int_eq(nflog_get(nf, "g", &recv0, &e), 0);
	ck_assert(e.n_firing == 1 && e.firing[0] == 5);
	ck_assert_int_eq(e.expires_at, e.ts + 2 * AD_MS);
	ck_assert_int_eq(nflog_maintenance(nf, NULL), 0);
	ck_assert_int_eq(nflog_get(nf, "g", &recv0, &e), -1);
	nflog_entry_release(&e);
	nflog_close(nf);
}
END_TEST

START_TEST(newer_entry_wins)
{
	struct nflog_opts	o = { 0 };
	struct nflog		*nf;
	struct nflog_entry	e;

	o.now = clock_fake;
	nf = nflog_open(&o, NULL);	/* memory only */
	fake_now = 2000 * AD_SEC;
	put_wait(nf, "g", &recv0, 5, 0, 0);
	/* a put with an older timestamp (a clock step back) is ignored */
	fake_now = 1000 * AD_SEC;
	put_wait(nf, "g", &recv0, 6, 0, 0);
	nflog_entry_init(&e);
	ck_assert_int_eq(nflog_get(nf, "g", &recv0, &e), 0);
	ck_assert(e.firing[0] == 5);
	fake_now = 3000 * AD_SEC;
	put_wait(nf, "g", &recv0, 7, 0, 0);
	ck_assert_int_eq(nflog_get(nf, "g", &recv0, &e), 0);
	ck_assert(e.firing[0] == 7);
	/* keys differ by receiver, integration and index */
	ck_assert_int_eq(nflog_get(nf, "g", &recv1, &e), -1);
	nflog_entry_release(&e);
	nflog_close(nf);
}
END_TEST

START_TEST(compaction)
{
	char		*dir = tmpdir(), *path;
	struct nflog	*nf;
	struct stat	 st1, st2;
	int		 i;

	fake_now = 1000 * AD_SEC;
	nf = open_at(dir, 0);
	path = xasprintf("%s/nflog.alertd", dir);
	for (i = 0; i < 200; i++) {
		fake_now += AD_SEC;
		put_wait(nf, "same group", &recv0, (uint64_t)i + 1, 0, 0);
	}
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_assert_int_eq(nflog_maintenance(nf, NULL), 0);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_lt(st2.st_size * 50, st1.st_size);
	ck_assert_uint_eq(nflog_count(nf), 1);
	nflog_close(nf);
	nf = open_at(dir, 0);
	ck_assert_uint_eq(nflog_count(nf), 1);
	nflog_close(nf);
	free(path);
	rmdir_all(dir);
	free(dir);
}
END_TEST

START_TEST(group_commit)
{
	char		*dir = tmpdir();
	struct nflog	*nf;
	struct waiter	 w = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0, 0 };
	char		 key[32];
	uint64_t	 h;
	int		 i;

	fake_now = 1000 * AD_SEC;
	nf = open_at(dir, 0);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "g%d", i);
		h = (uint64_t)i;
		nflog_put(nf, key, &recv0, &h, 1, NULL, 0, 0, waiter_cb, &w);
	}
	waiter_wait(&w, 5000);
	ck_assert_uint_eq(nflog_count(nf), 5000);
	nflog_close(nf);
	nf = open_at(dir, 0);
	ck_assert_uint_eq(nflog_count(nf), 5000);
	nflog_close(nf);
	rmdir_all(dir);
	free(dir);
}
END_TEST

START_TEST(unwritable_dir)
{
	struct nflog_opts	o = { 0 };
	struct ad_err		err;

	o.dir = "/nonexistent/alertd/data";
	ck_assert_ptr_null(nflog_open(&o, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "mkdir /nonexistent/alertd/data"));
}
END_TEST

Suite *
nflog_suite(void)
{
	Suite	*s = suite_create("nflog");
	TCase	*tc = tcase_create("nflog");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, decode_alertmanager_snapshot);
	tcase_add_test(tc, codec_roundtrip);
	tcase_add_test(tc, encode_as_alertmanager);
	tcase_add_test(tc, import_alertmanager_snapshot);
	tcase_add_test(tc, entry_on_disk_before_callback);
	tcase_add_test(tc, intent_counts_after_a_crash);
	tcase_add_test(tc, abandoned_intent_is_undone);
	tcase_add_test(tc, torn_tail);
	tcase_add_test(tc, corrupt_middle);
	tcase_add_test(tc, expiry_and_retention);
	tcase_add_test(tc, tiny_expiry_is_still_found);
	tcase_add_test(tc, newer_entry_wins);
	tcase_add_test(tc, compaction);
	tcase_add_test(tc, group_commit);
	tcase_add_test(tc, unwritable_dir);
	suite_add_tcase(s, tc);
	return s;
}
