/*
 * Alertmanager's notify.TruncateInRunes / TruncateInBytes and field
 * rendering (see ntext.h).
 */
#include "notifiers/ntext.h"

#include <stdint.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "notifiers/notifier.h"
#include "templates/tmpl.h"

/* One rune of s at *i as Go's range over a string sees it: an invalid
 * byte is U+FFFD of width 1.  Returns the rune; advances *i. */
static uint32_t
next_rune(const char *s, size_t len, size_t *i)
{
	uint32_t	r;
	int		n;

	n = utf8_decode((const unsigned char *)s + *i, len - *i, &r);
	if (n <= 0) {
		(*i)++;
		return 0xfffd;
	}
	*i += (size_t)n;
	return r;
}

/* Appends the first n runes of s as string([]rune(s)[:n]) does. */
static void
add_runes(struct buf *out, const char *s, size_t len, size_t n)
{
	size_t	i = 0, k;
	char	enc[4];

	for (k = 0; k < n && i < len; k++)
		buf_add(out, enc, (size_t)utf8_encode(next_rune(s, len, &i),
		    enc));
}

bool
ntext_truncate_runes(struct buf *out, const char *s, size_t len, size_t n)
{
	size_t	i = 0, count = 0;

	while (i < len && count <= n) {
		next_rune(s, len, &i);
		count++;
	}
	if (count <= n) {
		buf_add(out, s, len);
		return false;
	}
	if (n <= 3) {
		add_runes(out, s, len, n);
		return true;
	}
	add_runes(out, s, len, n - 1);
	buf_addstr(out, NTEXT_MARKER);
	return true;
}

bool
ntext_truncate_bytes(struct buf *out, const char *s, size_t len, size_t n)
{
	size_t		i = 0, used = 0, runes = 0, target;
	uint32_t	r;
	char		enc[4];
	int		w;

	if (len <= n) {
		buf_add(out, s, len);
		return false;
	}
	if (n <= 3) {
		if (n == 3)
			buf_addstr(out, NTEXT_MARKER);
		else
			while (n-- > 0)
				buf_addch(out, '.');
		return true;
	}
	/*
	 * Go takes n - 3 runes, then drops runes from the end until their
	 * encoding fits in n - 3 bytes: the longest prefix that fits.  (With
	 * fewer than n - 3 runes Go's slice panics; here all of them are
	 * candidates.)
	 */
	target = n - 3;
	while (i < len && runes < target) {
		r = next_rune(s, len, &i);
		w = utf8_encode(r, enc);
		if (used + (size_t)w > target)
			break;
		buf_add(out, enc, (size_t)w);
		used += (size_t)w;
		runes++;
	}
	buf_addstr(out, NTEXT_MARKER);
	return true;
}

struct tmpl_data *
ntext_data(const struct notify_ctx *ctx)
{
	return tmpl_data_new(ctx->receiver, ctx->group_labels, ctx->alerts,
	    ctx->n_alerts, ctx->external_url, ctx->now);
}

int
ntext_render(const struct notify_ctx *ctx, const struct tmpl_data *d,
    const char *text, bool html, struct buf *out, struct ad_err *err)
{
	buf_reset(out);
	if (text == NULL || *text == '\0')
		return 0;
	if (html)
		return tmpl_exec_html(ctx->tmpl, text, d, out, err);
	return tmpl_exec_text(ctx->tmpl, text, d, out, err);
}
