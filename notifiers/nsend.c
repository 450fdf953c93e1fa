/*
 * nsend: helpers for the integrations' sending half (see nsend.h), each
 * reproducing the Go function named above it: notify/util.go's
 * TruncateInRunes and Key.Hash, net/url's escaping, query parsing and
 * encoding, encoding/json's sorted maps, alecthomas/units' MetricBytes.
 */
#include "notifiers/nsend.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/err.h"
#include "alertd/gourl.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "config/decode.h"
#include "notifiers/nhttp.h"
#include "notifiers/njson.h"
#include "notifiers/notifier.h"
#include "templates/tmpl.h"

/* ---------------------------------------------------------- templates --- */

void
nsend_tmpl_init(struct nsend_tmpl *t, const struct notify_ctx *ctx,
    struct ad_err *err)
{
	memset(t, 0, sizeof(*t));
	t->ts = ctx->tmpl;
	t->err = err;
	t->data = tmpl_data_new(ctx->receiver, ctx->group_labels, ctx->alerts,
	    ctx->n_alerts, ctx->external_url, ctx->now);
}

const char *
nsend_keep(struct nsend_tmpl *t, char *s)
{
	t->strs = xreallocarray(t->strs, t->n_strs + 1, sizeof(*t->strs));
	t->strs[t->n_strs++] = s;
	return s;
}

static const char *
nsend_exec(struct nsend_tmpl *t, const char *text, bool html)
{
	struct buf	b;
	char		*s;
	int		rc;

	buf_init(&b, BUF_NOCAP);
	if (!t->failed && text != NULL && text[0] != '\0') {
		rc = html ? tmpl_exec_html(t->ts, text, t->data, &b, t->err) :
		    tmpl_exec_text(t->ts, text, t->data, &b, t->err);
		if (rc == -1) {
			t->failed = true;
			buf_reset(&b);
		}
	}
	s = buf_detach(&b, NULL);
	return nsend_keep(t, s != NULL ? s : xstrdup(""));
}

const char *
nsend_text(struct nsend_tmpl *t, const char *text)
{
	return nsend_exec(t, text, false);
}

const char *
nsend_html(struct nsend_tmpl *t, const char *text)
{
	return nsend_exec(t, text, true);
}

void
nsend_tmpl_release(struct nsend_tmpl *t)
{
	size_t	i;

	for (i = 0; i < t->n_strs; i++)
		free(t->strs[i]);
	free(t->strs);
	tmpl_data_free(t->data);
	memset(t, 0, sizeof(*t));
}

/* --------------------------------------------------------- truncation --- */

bool
nsend_truncate_runes(struct buf *out, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), off = 0, i, keep;
	uint32_t		 r;
	char			 enc[4];
	int			 k;

	if (utf8_runecount(s, len) <= n) {
		buf_add(out, s, len);
		return false;
	}
	keep = n <= 3 ? n : n - 1;
	for (i = 0; i < keep; i++) {
		k = utf8_decode(p + off, len - off, &r);
		if (k < 0) {
			r = 0xFFFD;
			k = 1;
		}
		buf_add(out, enc, (size_t)utf8_encode(r, enc));
		off += (size_t)k;
	}
	if (n > 3)
		buf_addstr(out, "\xe2\x80\xa6");	/* "…" */
	return true;
}

/* unicode.IsSpace */
static bool
is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

const char *
nsend_trim_space(const char *s, size_t *len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 start = 0, end = *len, i, last;
	uint32_t		 r;
	int			 k;

	while (start < end) {
		k = utf8_decode(p + start, end - start, &r);
		if (k < 0 || !is_space(r))
			break;
		start += (size_t)k;
	}
	/* from the end: find the last rune that is not a space */
	last = start;
	for (i = start; i < end; i += (size_t)k) {
		k = utf8_decode(p + i, end - i, &r);
		if (k < 0) {
			k = 1;		/* an invalid byte is no space */
			r = 0xFFFD;
		}
		if (!is_space(r))
			last = i + (size_t)k;
	}
	*len = last - start;
	return s + start;
}

/* ------------------------------------------------------------ sha-256 --- */

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t	w[64], v[8], t1, t2;
	int		i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 7] + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(*v));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

void
nsend_sha256(const void *data, size_t len, uint8_t out[NSEND_SHA256_LEN])
{
	uint32_t	 h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const uint8_t	*p = data;
	uint8_t		 tail[128];
	uint64_t	 bits = (uint64_t)len * 8;
	size_t		 i, rest, tlen;

	for (i = 0; i + 64 <= len; i += 64)
		sha256_block(h, p + i);
	rest = len - i;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p + i, rest);
	tail[rest] = 0x80;
	tlen = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[tlen - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha256_block(h, tail);
	if (tlen == 128)
		sha256_block(h, tail + 64);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

void
nsend_key_hash(const char *key, char out[NSEND_KEY_HASH_LEN])
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			d[NSEND_SHA256_LEN];
	size_t			i;

	nsend_sha256(key, strlen(key), d);
	for (i = 0; i < NSEND_SHA256_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * NSEND_SHA256_LEN] = '\0';
}

/* ---------------------------------------------------------------- url --- */

void
nsend_url_parse(struct nsend_url *u, const char *raw)
{
	struct buf	 norm;
	const char	*s, *p, *q, *f;

	buf_init(&u->head, BUF_NOCAP);
	buf_init(&u->path, BUF_NOCAP);
	buf_init(&u->query, BUF_NOCAP);
	buf_init(&u->frag, BUF_NOCAP);
	buf_init(&norm, BUF_NOCAP);
	config_url_string(raw, false, &norm);
	s = buf_str(&norm);
	p = strstr(s, "://");
	p = p != NULL ? p + 3 : s;
	p += strcspn(p, "/?#");
	f = p + strcspn(p, "#");
	q = p + strcspn(p, "?#");
	buf_add(&u->head, s, (size_t)(p - s));
	gourl_unescape(&u->path, p, (size_t)(q - p), GOURL_ENC_PATH, NULL);
	if (*q == '?')
		buf_add(&u->query, q + 1, (size_t)(f - q - 1));
	buf_addstr(&u->frag, f);
	buf_release(&norm);
}

void
nsend_url_path_add(struct nsend_url *u, const char *s)
{
	buf_addstr(&u->path, s);
}

void
nsend_url_query_set(struct nsend_url *u, const char *k, const char *v)
{
	struct gourl_values	q;

	gourl_values_init(&q);
	gourl_values_parse(&q, buf_str(&u->query));
	gourl_values_set(&q, k, v);
	nsend_url_query_replace(u, &q);
	gourl_values_release(&q);
}

void
nsend_url_query_replace(struct nsend_url *u, const struct gourl_values *q)
{
	buf_reset(&u->query);
	gourl_values_encode(q, &u->query);
}

char *
nsend_url_string(const struct nsend_url *u)
{
	struct buf	b;

	buf_init(&b, BUF_NOCAP);
	buf_addstr(&b, buf_str(&u->head));
	if (buf_len(&u->path) > 0 && buf_str(&u->path)[0] != '/' &&
	    buf_len(&u->head) > 0)
		buf_addch(&b, '/');
	gourl_escape(&b, buf_str(&u->path), buf_len(&u->path), GOURL_ENC_PATH);
	if (buf_len(&u->query) > 0) {
		buf_addch(&b, '?');
		buf_addstr(&b, buf_str(&u->query));
	}
	buf_addstr(&b, buf_str(&u->frag));
	return buf_detach(&b, NULL);
}

void
nsend_url_release(struct nsend_url *u)
{
	buf_release(&u->head);
	buf_release(&u->path);
	buf_release(&u->query);
	buf_release(&u->frag);
}

/* --------------------------------------------------------------- json --- */

void
nsend_json_map(struct buf *b, char *const *keys, char *const *values,
    size_t n)
{
	size_t	*idx = xcalloc(n + 1, sizeof(*idx));
	size_t	 i, j, t;

	for (i = 0; i < n; i++) {
		t = i;
		for (j = i; j > 0 && strcmp(keys[idx[j - 1]], keys[t]) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = t;
	}
	buf_addch(b, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(b, ',');
		njson_str(b, keys[idx[i]]);
		buf_addch(b, ':');
		njson_str(b, values[idx[i]]);
	}
	buf_addch(b, '}');
	free(idx);
}

/* -------------------------------------------------------------- files --- */

/* Go's syscall.Errno text: strerror without the capital. */
static const char *
go_errno(int e, char *out, size_t size)
{
	snprintf(out, size, "%s", strerror(e));
	out[0] = (char)tolower((unsigned char)out[0]);
	return out;
}

char *
nsend_read_file(const char *path, bool trim, struct ad_err *err)
{
	struct buf	 b;
	const char	*s;
	size_t		 len;
	char		 tmp[8192];
	char		 es[128], *r;
	ssize_t		 n;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		ad_err_set(err, AD_EIO, "open %s: %s", path,
		    go_errno(errno, es, sizeof(es)));
		return NULL;
	}
	buf_init(&b, NSEND_FILE_MAX);
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_add(&b, tmp, (size_t)n) == -1) {
			ad_err_set(err, AD_EIO, "read %s: %s", path, n < 0 ?
			    go_errno(errno, es, sizeof(es)) : "file too large");
			close(fd);
			buf_release(&b);
			return NULL;
		}
	}
	close(fd);
	s = buf_str(&b);
	len = buf_len(&b);
	if (trim)
		s = nsend_trim_space(s, &len);
	r = xstrndup(s, len);
	buf_release(&b);
	return r;
}

/* -------------------------------------------------------------- units --- */

void
nsend_metric_bytes(struct buf *out, int64_t n)
{
	static const char *const units[] = { "", "K", "M", "G", "T", "P",
	    "E" };
	char	part[7][32];
	int	i, top = 0;

	/* units.ToString: each non-zero SI digit group, largest first */
	memset(part, 0, sizeof(part));
	for (i = 0; i < 7; i++) {
		if (n % 1000 != 0 || (i == 0 && n == 0))
			snprintf(part[i], sizeof(part[i]), "%lld%sB",
			    (long long)(n % 1000), units[i]);
		top = i;
		n /= 1000;
		if (n == 0)
			break;
	}
	for (i = top; i >= 0; i--)
		buf_addstr(out, part[i]);
}
