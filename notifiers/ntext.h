/*
 * ntext: the text helpers Alertmanager's notifiers share (notify/util.go):
 * truncation to a number of runes or bytes with "…" as the marker, and
 * the rendering of a receiver field with the template data of one
 * notification.  For the integration files (notifiers/<name>.c).
 *
 * Go's []rune conversion turns each byte of an invalid UTF-8 sequence
 * into U+FFFD; where Go rebuilds a string from runes the U+FFFD stays
 * (three bytes), and these functions do the same.
 * Thread: any.
 */
#ifndef ALERTD_NOTIFIERS_NTEXT_H
#define ALERTD_NOTIFIERS_NTEXT_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;
struct buf;
struct notify_ctx;
struct tmpl_data;

/* "…": what Alertmanager puts at the end of a truncated text. */
#define NTEXT_MARKER	"\xe2\x80\xa6"

/*
 * notify.TruncateInRunes: appends s[0..len) to out, or, when it has more
 * than n runes, its first n - 1 runes and the marker (n <= 3: its first
 * n runes, no marker).  Returns whether it truncated.
 */
bool	ntext_truncate_runes(struct buf *out, const char *s, size_t len,
	    size_t n);
/*
 * notify.TruncateInBytes: appends s, or, when it is longer than n bytes,
 * the longest prefix of whole runes of at most n - 3 bytes and the
 * marker (n == 3: the marker; n < 3: n dots).  Returns whether it
 * truncated.
 */
bool	ntext_truncate_bytes(struct buf *out, const char *s, size_t len,
	    size_t n);

/* template.Data for the notification in ctx (tmpl_data_free it). */
struct tmpl_data *ntext_data(const struct notify_ctx *ctx);
/*
 * Alertmanager's tmpl(text): renders a field as text (html: as
 * html/template) into out (reset first).  -1 with err set as Go's
 * template error.
 */
int	ntext_render(const struct notify_ctx *ctx, const struct tmpl_data *d,
	    const char *text, bool html, struct buf *out, struct ad_err *err);

#endif
