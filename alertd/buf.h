/*
 * buf: a growable byte buffer with a hard cap (curl dynbuf, Git strbuf).
 *
 * The contents are always NUL-terminated (the NUL is not counted in len),
 * so buf_str() can be passed to string functions.  Every append fails with
 * -1, leaving the buffer unchanged, when the result would exceed the cap
 * given at init: buffers fed by untrusted input are bounded.  Use
 * BUF_NOCAP for buffers of trusted size.  Fields are semi-opaque: read
 * them through the accessors.  Thread: the owner's.
 *
 *	struct buf b;
 *	buf_init(&b, 1 << 20);
 *	if (buf_addf(&b, "%d", n) == -1) ...
 *	use(buf_str(&b), buf_len(&b));
 *	buf_release(&b);
 */
#ifndef ALERTD_ALERTD_BUF_H
#define ALERTD_ALERTD_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define BUF_NOCAP	((size_t)-1 / 2)

struct buf {
	char	*b_ptr;		/* NULL until the first append */
	size_t	 b_len;
	size_t	 b_alloc;
	size_t	 b_cap;
};

void	 buf_init(struct buf *b, size_t cap);
void	 buf_release(struct buf *b);		/* frees; buf is reusable */
void	 buf_reset(struct buf *b);		/* len = 0, keeps memory */
/* Returns the contents and leaves the buffer empty; the caller frees. */
char	*buf_detach(struct buf *b, size_t *len);

/*
 * Makes room for extra more bytes without changing the contents, so that
 * a large answer built piece by piece is not copied as it grows; -1 past
 * the cap.
 */
int	 buf_reserve(struct buf *b, size_t extra);
int	 buf_add(struct buf *b, const void *data, size_t len);
int	 buf_addstr(struct buf *b, const char *s);
int	 buf_addch(struct buf *b, int c);
int	 buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Truncates to len (len <= buf_len). */
void	 buf_setlen(struct buf *b, size_t len);

/* The contents: never NULL (an empty buffer gives ""). */
const char *buf_str(const struct buf *b);
size_t	 buf_len(const struct buf *b);

/*
 * Appends s quoted as Go's strconv.Quote does (%q): "\"", escapes for
 * \a \b \f \n \r \t \v \\ \", \xNN for invalid UTF-8 bytes, \uNNNN or
 * \UNNNNNNNN for non-printable runes.  Group keys, matcher strings and
 * error messages must match Alertmanager byte for byte, so this is exact.
 */
int	 buf_add_goquote(struct buf *b, const char *s, size_t len);

/* Appends the whole file at path (fails past the cap). */
struct ad_err;
int	 buf_read_file(struct buf *b, const char *path, struct ad_err *err);

#endif
