/*
 * mime: the pieces of Go's standard library Alertmanager's email notifier
 * builds its messages with, reproduced byte for byte:
 *  - mime.QEncoding.Encode("utf-8", s) for header values (RFC 2047
 *    encoded-words of at most 75 bytes, split between runes, separated
 *    by one space; the text unchanged when it is printable ASCII);
 *  - mime/quotedprintable.Writer in text mode (lines of at most 76
 *    bytes with "=" soft breaks, CRLF line ends, trailing blanks
 *    encoded, and the writer's quirks: a CR followed by an encoded byte
 *    swallows the next LF);
 *  - net/mail.ParseAddressList (Go 1.19): the addr-specs of an address
 *    list, with its error messages ("mail: missing '@' or angle-addr");
 *  - time.RFC1123Z dates in local time, multipart boundaries (30 random
 *    bytes in hex, as mime/multipart.randomBoundary).
 * Thread: any (pure functions, except mime_random).
 */
#ifndef ALERTD_NOTIFIERS_MIME_H
#define ALERTD_NOTIFIERS_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct ad_err;
struct buf;

/* Appends the header value s as mime.QEncoding.Encode("utf-8", s). */
void	mime_qencode(struct buf *out, const char *s, size_t len);

/* Appends s as quotedprintable.NewWriter(out).Write(s) then Close(). */
void	mime_qp(struct buf *out, const char *s, size_t len);

/* The addresses of one list, in order. */
struct mime_addrs {
	char	**v;		/* owned; "local@domain" */
	size_t	  n;
};
/*
 * net/mail.ParseAddressList(list): fills out (released by the caller on
 * both paths) or returns -1 with Go's message in err ("mail: no
 * address").  Groups ("team: a@x, b@y;") give their members.
 */
int	mime_parse_address_list(const char *list, struct mime_addrs *out,
	    struct ad_err *err);
void	mime_addrs_release(struct mime_addrs *a);

/* Appends t as time.RFC1123Z in the local time zone
 * ("Mon, 02 Jan 2006 15:04:05 -0700"). */
void	mime_date(struct buf *out, ad_time_t t);

/* len random bytes (getrandom(2); falls back on the clock). */
void	mime_random(void *p, size_t len);
/* A multipart boundary: 60 lower-case hex digits and a NUL. */
#define MIME_BOUNDARY_LEN	60
void	mime_boundary(char out[MIME_BOUNDARY_LEN + 1]);

#endif
