/*
 * AWS Signature Version 4 and the SHA-256 the notifiers use (see
 * nsigv4.h).  The signature after aws-sdk-go v1's signer/v4 for a signed
 * (non-presigned, non-S3) request.
 */
#include "notifiers/nsigv4.h"

#include <gnutls/crypto.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/buf.h"

/* ------------------------------------------------------------ SHA-256 */

/*
 * GnuTLS (linked already for --web.config.file) computes the digests:
 * SHA-256 is always available in it, FIPS mode included, so a failure
 * is a broken installation.
 */
void
nsigv4_sha256(const void *data, size_t len,
    unsigned char out[NSIGV4_SHA256_LEN])
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, out) != 0)
		abort();
}

void
nsigv4_hmac_sha256(const void *key, size_t key_len, const void *msg,
    size_t msg_len, unsigned char out[NSIGV4_SHA256_LEN])
{
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, key_len, msg, msg_len,
	    out) != 0)
		abort();
}

void
nsigv4_hex(const unsigned char *d, size_t n, char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---------------------------------------------------------- signature */

void
nsigv4_date(ad_time_t t, char out[NSIGV4_DATE_LEN])
{
	time_t		sec = (time_t)(t / 1000000000);
	struct tm	tm;

	gmtime_r(&sec, &tm);
	strftime(out, NSIGV4_DATE_LEN, "%Y%m%dT%H%M%SZ", &tm);
}

/* rest.EscapePath(path, false): all but unreserved bytes and "/" */
static void
escape_path(struct buf *b, const char *p)
{
	static const char	hex[] = "0123456789ABCDEF";

	for (; *p != '\0'; p++) {
		unsigned char	c = (unsigned char)*p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' || c == '/')
			buf_addch(b, c);
		else
			buf_addf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

/* A header value as the signer writes it: trimmed, inner runs of
 * spaces collapsed to one (stripExcessSpaces). */
static void
add_value(struct buf *b, const char *v)
{
	const char	*end = v + strlen(v);

	while (*v == ' ' || *v == '\t')
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (; v < end; v++) {
		if (*v == ' ' && v[1] == ' ')
			continue;
		buf_addch(b, *v);
	}
}

/* The lower-case names of the signed headers, host among them, sorted,
 * separated by ";". */
static void
signed_names(struct buf *b, const struct nsigv4_req *r)
{
	size_t	i;
	bool	host_done = false;

	for (i = 0; i <= r->n_headers; i++) {
		if (!host_done && (i == r->n_headers ||
		    strcmp(r->headers[i].name, "host") > 0)) {
			buf_addstr(b, i > 0 ? ";host" : "host");
			host_done = true;
		}
		if (i < r->n_headers)
			buf_addf(b, "%s%s", i > 0 || host_done ? ";" : "",
			    r->headers[i].name);
	}
}

static void
canonical_request(struct buf *c, const struct nsigv4_req *r)
{
	unsigned char	h[NSIGV4_SHA256_LEN];
	char		hex[2 * NSIGV4_SHA256_LEN + 1];
	size_t		i;
	bool		host_done = false;

	buf_addf(c, "%s\n", r->method);
	escape_path(c, r->path);
	buf_addf(c, "\n%s\n", r->query);
	for (i = 0; i <= r->n_headers; i++) {
		if (!host_done && (i == r->n_headers ||
		    strcmp(r->headers[i].name, "host") > 0)) {
			buf_addf(c, "host:%s\n", r->host);
			host_done = true;
		}
		if (i == r->n_headers)
			break;
		buf_addf(c, "%s:", r->headers[i].name);
		add_value(c, r->headers[i].value);
		buf_addch(c, '\n');
	}
	buf_addch(c, '\n');
	signed_names(c, r);
	nsigv4_sha256(r->body, r->body_len, h);
	nsigv4_hex(h, sizeof(h), hex);
	buf_addf(c, "\n%s", hex);
}

void
nsigv4_sign(const struct nsigv4_req *r, const struct nsigv4_key *k,
    ad_time_t t, struct buf *out, struct buf *canon)
{
	char		date[NSIGV4_DATE_LEN];
	char		hex[2 * NSIGV4_SHA256_LEN + 1], *secret;
	unsigned char	h[NSIGV4_SHA256_LEN], key[NSIGV4_SHA256_LEN];
	struct buf	c, sts, b;
	const char	*parts[3] = { k->region, k->service, "aws4_request" };
	size_t		len;
	int		i;

	nsigv4_date(t, date);
	buf_init(&c, BUF_NOCAP);
	canonical_request(&c, r);
	nsigv4_sha256(buf_str(&c), buf_len(&c), h);
	nsigv4_hex(h, sizeof(h), hex);
	buf_init(&sts, BUF_NOCAP);
	buf_addf(&sts, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s",
	    date, date, k->region, k->service, hex);

	/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region),
	 * service), "aws4_request") */
	buf_init(&b, BUF_NOCAP);
	buf_addf(&b, "AWS4%s", k->secret_key);
	secret = buf_detach(&b, &len);
	nsigv4_hmac_sha256(secret, len, date, 8, key);
	explicit_bzero(secret, len);
	free(secret);
	for (i = 0; i < 3; i++)
		nsigv4_hmac_sha256(key, sizeof(key), parts[i],
		    strlen(parts[i]), key);
	nsigv4_hmac_sha256(key, sizeof(key), buf_str(&sts), buf_len(&sts), h);
	explicit_bzero(key, sizeof(key));
	nsigv4_hex(h, sizeof(h), hex);

	buf_addf(out, "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, "
	    "SignedHeaders=", k->access_key, date, k->region, k->service);
	signed_names(out, r);
	buf_addf(out, ", Signature=%s", hex);
	if (canon != NULL)
		buf_add(canon, buf_str(&c), buf_len(&c));
	buf_release(&sts);
	buf_release(&c);
}
