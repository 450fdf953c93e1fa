/*
 * nsigv4: AWS Signature Version 4 for one request, as aws-sdk-go v1's
 * signer/v4 writes it (what Alertmanager's SNS notifier sends): the
 * canonical request (method, the URI path escaped again but for "/",
 * the canonical query, the signed headers in order with trimmed values,
 * the body's SHA-256), the string to sign with the credential scope
 * <yyyymmdd>/<region>/<service>/aws4_request, the HMAC-SHA256 key chain,
 * and the Authorization value
 *	AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<names>,
 *	Signature=<hex>.
 * Also the SHA-256 and HMAC-SHA256 it is built on (GnuTLS's), the one
 * SHA-256 of the notifiers: SNS FIFO deduplication ids, and notify.Key's
 * Hash (nsend_key_hash) for dedup keys, aliases and entity ids.
 * Thread: any.
 */
#ifndef ALERTD_NOTIFIERS_NSIGV4_H
#define ALERTD_NOTIFIERS_NSIGV4_H

#include <stddef.h>

#include "alertd/timeutil.h"

struct buf;

#define NSIGV4_SHA256_LEN	32
#define NSIGV4_DATE_LEN		17	/* "20261125T180213Z", NUL */

void	nsigv4_sha256(const void *data, size_t len,
	    unsigned char out[NSIGV4_SHA256_LEN]);
void	nsigv4_hmac_sha256(const void *key, size_t key_len, const void *msg,
	    size_t msg_len, unsigned char out[NSIGV4_SHA256_LEN]);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void	nsigv4_hex(const unsigned char *d, size_t n, char *out);

/* One signed header: lower-case name, value as sent. */
struct nsigv4_header {
	const char	*name;
	const char	*value;
};

struct nsigv4_req {
	const char			*method;
	const char			*path;	/* the URL's, "/..." */
	const char			*query;	/* canonical, or "" */
	/* every header to sign but host, sorted by name, x-amz-date (and
	 * x-amz-security-token) included */
	const struct nsigv4_header	*headers;
	size_t				 n_headers;
	const char			*host;	/* the Host value */
	const char			*body;
	size_t				 body_len;
};

struct nsigv4_key {
	const char	*access_key;
	const char	*secret_key;
	const char	*region;
	const char	*service;	/* "sns" */
};

/* The X-Amz-Date value of t (seconds, UTC). */
void	nsigv4_date(ad_time_t t, char out[NSIGV4_DATE_LEN]);
/*
 * Appends the Authorization header's value for r signed at t to out;
 * the canonical request too to canon when it is not NULL (tests).
 */
void	nsigv4_sign(const struct nsigv4_req *r, const struct nsigv4_key *k,
	    ad_time_t t, struct buf *out, struct buf *canon);

#endif
