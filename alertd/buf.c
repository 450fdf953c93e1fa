/*
 * buf: growable, capped, always NUL-terminated byte buffer (see buf.h),
 * plus Go's strconv.Quote, which several compatibility-critical strings
 * (group keys, matchers, messages) are built with.
 */
#include "alertd/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

void
buf_init(struct buf *b, size_t cap)
{
	b->b_ptr = NULL;
	b->b_len = b->b_alloc = 0;
	b->b_cap = cap;
}

void
buf_release(struct buf *b)
{
	free(b->b_ptr);
	b->b_ptr = NULL;
	b->b_len = b->b_alloc = 0;
}

void
buf_reset(struct buf *b)
{
	b->b_len = 0;
	if (b->b_ptr != NULL)
		b->b_ptr[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char	*p;

	p = b->b_ptr != NULL ? b->b_ptr : xstrdup("");
	if (len != NULL)
		*len = b->b_len;
	b->b_ptr = NULL;
	b->b_len = b->b_alloc = 0;
	return p;
}

static int
buf_grow(struct buf *b, size_t extra)
{
	size_t	need, alloc;

	if (extra > b->b_cap || b->b_len > b->b_cap - extra)
		return -1;
	need = b->b_len + extra + 1;
	if (need <= b->b_alloc)
		return 0;
	alloc = b->b_alloc ? b->b_alloc : 64;
	while (alloc < need)
		alloc *= 2;
	b->b_ptr = xrealloc(b->b_ptr, alloc);
	b->b_alloc = alloc;
	return 0;
}

int
buf_reserve(struct buf *b, size_t extra)
{
	return buf_grow(b, extra);
}

int
buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) == -1)
		return -1;
	if (len > 0)
		memcpy(b->b_ptr + b->b_len, data, len);
	b->b_len += len;
	b->b_ptr[b->b_len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, int c)
{
	char	ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->b_ptr + b->b_len, (size_t)n + 1, fmt, ap);
	b->b_len += (size_t)n;
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
buf_setlen(struct buf *b, size_t len)
{
	if (len >= b->b_len)
		return;
	b->b_len = len;
	b->b_ptr[len] = '\0';
}

const char *
buf_str(const struct buf *b)
{
	return b->b_ptr != NULL ? b->b_ptr : "";
}

size_t
buf_len(const struct buf *b)
{
	return b->b_len;
}

int
buf_add_goquote(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, start = b->b_len;
	char	 tmp[16];
	int	 rc = 0;

	rc |= buf_addch(b, '"');
	while (i < len && rc == 0) {
		uint32_t	r;
		int		n;

		n = utf8_decode(p + i, len - i, &r);
		if (n < 0) {	/* invalid byte */
			tmp[0] = '\\'; tmp[1] = 'x';
			tmp[2] = hex[p[i] >> 4]; tmp[3] = hex[p[i] & 15];
			rc |= buf_add(b, tmp, 4);
			i++;
			continue;
		}
		i += (size_t)n;
		if (r == '"' || r == '\\') {
			tmp[0] = '\\'; tmp[1] = (char)r;
			rc |= buf_add(b, tmp, 2);
			continue;
		}
		if (utf8_isprint(r)) {
			rc |= buf_add(b, p + i - n, (size_t)n);
			continue;
		}
		switch (r) {
		case '\a': rc |= buf_addstr(b, "\\a"); break;
		case '\b': rc |= buf_addstr(b, "\\b"); break;
		case '\f': rc |= buf_addstr(b, "\\f"); break;
		case '\n': rc |= buf_addstr(b, "\\n"); break;
		case '\r': rc |= buf_addstr(b, "\\r"); break;
		case '\t': rc |= buf_addstr(b, "\\t"); break;
		case '\v': rc |= buf_addstr(b, "\\v"); break;
		default:
			if (r < ' ' || r == 0x7f)
				snprintf(tmp, sizeof(tmp), "\\x%02x", r);
			else if (r < 0x10000)
				snprintf(tmp, sizeof(tmp), "\\u%04x", r);
			else
				snprintf(tmp, sizeof(tmp), "\\U%08x", r);
			rc |= buf_addstr(b, tmp);
		}
	}
	rc |= buf_addch(b, '"');
	if (rc != 0) {
		buf_setlen(b, start);
		return -1;
	}
	return 0;
}

int
buf_read_file(struct buf *b, const char *path, struct ad_err *err)
{
	char	chunk[65536];
	ssize_t	n;
	int	fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return ad_err_set(err, AD_EIO, "open %s: %s", path,
		    strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ad_err_set(err, AD_EIO, "read %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (buf_add(b, chunk, (size_t)n) == -1) {
			close(fd);
			return ad_err_set(err, AD_ELIMIT, "read %s: file too large",
			    path);
		}
	}
	close(fd);
	return 0;
}
