/*
 * AWS Signature Version 4 and SHA-256 (see nsigv4.h).  SHA-256 after
 * FIPS 180-4 section 6.2; the signature after aws-sdk-go v1's
 * signer/v4 for a signed (non-presigned, non-S3) request.
 */
#include "notifiers/nsigv4.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd/buf.h"

/* ------------------------------------------------------------ SHA-256 */

struct sha256 {
	uint32_t	h[8];
	uint64_t	len;		/* bytes */
	unsigned char	block[64];
	size_t		used;
};

static const uint32_t K[64] = {
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
sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t	w[64], v[8], t1, t2;
	int		i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
		    (w[i - 2] >> 10)) + w[i - 7] + (ROR(w[i - 15], 7) ^
		    ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
		t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void
sha256_init(struct sha256 *s)
{
	static const uint32_t	h0[8] = { 0x6a09e667, 0xbb67ae85,
	    0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
	    0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->used = 0;
}

static void
sha256_add(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 n;

	s->len += len;
	while (len > 0) {
		n = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used == 64) {
			sha256_block(s, s->block);
			s->used = 0;
		}
	}
}

static void
sha256_end(struct sha256 *s, unsigned char out[NSIGV4_SHA256_LEN])
{
	uint64_t	bits = s->len * 8;
	unsigned char	pad[72] = { 0x80 };
	size_t		n = (s->used < 56 ? 56 : 120) - s->used;
	int		i;

	for (i = 0; i < 8; i++)
		pad[n + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_add(s, pad, n + 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

void
nsigv4_sha256(const void *data, size_t len,
    unsigned char out[NSIGV4_SHA256_LEN])
{
	struct sha256	s;

	sha256_init(&s);
	sha256_add(&s, data, len);
	sha256_end(&s, out);
}

void
nsigv4_hmac_sha256(const void *key, size_t key_len, const void *msg,
    size_t msg_len, unsigned char out[NSIGV4_SHA256_LEN])
{
	unsigned char	k[64] = { 0 }, pad[64], inner[NSIGV4_SHA256_LEN];
	struct sha256	s;
	int		i;

	if (key_len > 64)
		nsigv4_sha256(key, key_len, k);
	else
		memcpy(k, key, key_len);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&s);
	sha256_add(&s, pad, 64);
	sha256_add(&s, msg, msg_len);
	sha256_end(&s, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&s);
	sha256_add(&s, pad, 64);
	sha256_add(&s, inner, sizeof(inner));
	sha256_end(&s, out);
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
