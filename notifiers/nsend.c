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
#include "notifiers/nsigv4.h"
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

void
nsend_key_hash(const char *key, char out[NSEND_KEY_HASH_LEN])
{
	unsigned char	d[NSIGV4_SHA256_LEN];

	nsigv4_sha256(key, strlen(key), d);
	nsigv4_hex(d, sizeof(d), out);
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
