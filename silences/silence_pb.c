/*
 * silence_pb: silencepb.MeshSilence in protobuf wire format, encoded as
 * gogoproto marshals it and decoded tolerantly (unknown fields skipped),
 * without a protobuf library.  Alertmanager 0.25 writes its `silences`
 * snapshot as varint-length-delimited MeshSilence messages; alertd uses
 * the same message as the value of its own log and snapshot records.
 *
 *   MeshSilence { Silence silence = 1; Timestamp expires_at = 2; }
 *   Silence { string id = 1; repeated Matcher matchers = 2;
 *	Timestamp starts_at = 3, ends_at = 4, updated_at = 5;
 *	repeated Comment comments = 7; string created_by = 8, comment = 9; }
 *   Matcher { Type type = 1; string name = 2, pattern = 3; }
 *	(EQUAL = 0, REGEXP = 1, NOT_EQUAL = 2, NOT_REGEXP = 3)
 *   Comment { string author = 1, comment = 2; Timestamp timestamp = 3; }
 *   Timestamp { int64 seconds = 1; int32 nanos = 2; }
 */
#include "silences/silence.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

#define WT_VARINT	0
#define WT_I64		1
#define WT_LEN		2
#define WT_I32		5

/* Go's zero time (0001-01-01T00:00:00Z) in Unix seconds. */
#define GO_ZERO_UNIX	(-62135596800LL)

size_t
pb_varint_len(uint64_t v)
{
	size_t	n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

int
pb_put_varint(struct buf *out, uint64_t v)
{
	uint8_t	b[10];
	size_t	n = 0;

	while (v >= 0x80) {
		b[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (uint8_t)v;
	return buf_add(out, b, n);
}

int
pb_get_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t	r = 0;
	unsigned	shift = 0;
	size_t		i = *pos;

	while (i < len && shift < 64) {
		r |= (uint64_t)(p[i] & 0x7f) << shift;
		if ((p[i++] & 0x80) == 0) {
			*pos = i;
			*v = r;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* ---------------------------------------------------------- encoding */

static void
ts_split(ad_time_t t, int64_t *sec, int32_t *nsec)
{
	if (t == AD_TIME_ZERO) {
		*sec = GO_ZERO_UNIX;
		*nsec = 0;
		return;
	}
	*sec = t / AD_SEC;
	*nsec = (int32_t)(t % AD_SEC);
	if (*nsec < 0) {
		*nsec += (int32_t)AD_SEC;
		(*sec)--;
	}
}

static int
put_tag(struct buf *b, unsigned field, unsigned wt)
{
	return pb_put_varint(b, (uint64_t)(field << 3 | wt));
}

static int
put_bytes(struct buf *b, unsigned field, const void *p, size_t len)
{
	if (put_tag(b, field, WT_LEN) == -1 || pb_put_varint(b, len) == -1)
		return -1;
	return buf_add(b, p, len);
}

/* proto3: empty strings are omitted. */
static int
put_str(struct buf *b, unsigned field, const char *s)
{
	if (s[0] == '\0')
		return 0;
	return put_bytes(b, field, s, strlen(s));
}

/* A non-nullable gogoproto stdtime field: always present. */
static int
put_ts(struct buf *b, unsigned field, ad_time_t t)
{
	struct buf	m;
	int64_t		sec;
	int32_t		nsec;
	int		rc = 0;

	ts_split(t, &sec, &nsec);
	buf_init(&m, 64);
	if (sec != 0)
		rc |= put_tag(&m, 1, WT_VARINT) | pb_put_varint(&m, (uint64_t)sec);
	if (nsec != 0)
		rc |= put_tag(&m, 2, WT_VARINT) | pb_put_varint(&m, (uint64_t)nsec);
	if (rc == 0)
		rc = put_bytes(b, field, buf_str(&m), buf_len(&m));
	buf_release(&m);
	return rc;
}

static unsigned
pb_type(enum matcher_type t)
{
	switch (t) {
	case MATCH_EQ:
		return 0;
	case MATCH_RE:
		return 1;
	case MATCH_NE:
		return 2;
	case MATCH_NRE:
		return 3;
	}
	return 0;
}

static int
put_matcher(struct buf *b, const struct silence_matcher *sm)
{
	struct buf	m;
	int		rc = 0;

	buf_init(&m, BUF_NOCAP);
	if (pb_type(sm->type) != 0)
		rc |= put_tag(&m, 1, WT_VARINT) |
		    pb_put_varint(&m, pb_type(sm->type));
	rc |= put_str(&m, 2, sm->name) | put_str(&m, 3, sm->pattern);
	if (rc == 0)
		rc = put_bytes(b, 2, buf_str(&m), buf_len(&m));
	buf_release(&m);
	return rc;
}

static int
put_silence(struct buf *b, const struct silence *s)
{
	size_t	i;
	int	rc = 0;

	rc |= put_str(b, 1, s->id);
	for (i = 0; i < s->nmatchers && rc == 0; i++)
		rc |= put_matcher(b, &s->matchers[i]);
	rc |= put_ts(b, 3, s->starts_at);
	rc |= put_ts(b, 4, s->ends_at);
	rc |= put_ts(b, 5, s->updated_at);
	rc |= put_str(b, 8, s->created_by);
	rc |= put_str(b, 9, s->comment);
	return rc;
}

int
silence_pb_encode(const struct silence *s, ad_time_t expires_at,
    struct buf *out)
{
	struct buf	m;
	size_t		len0 = buf_len(out);
	int		rc;

	buf_init(&m, BUF_NOCAP);
	rc = put_silence(&m, s);
	if (rc == 0)
		rc = put_bytes(out, 1, buf_str(&m), buf_len(&m));
	if (rc == 0)
		rc = put_ts(out, 2, expires_at);
	buf_release(&m);
	if (rc != 0) {
		buf_setlen(out, len0);
		return -1;
	}
	return 0;
}

size_t
silence_pb_size(const struct silence *s, ad_time_t expires_at)
{
	struct buf	b;
	size_t		n;

	buf_init(&b, BUF_NOCAP);
	silence_pb_encode(s, expires_at, &b);
	n = buf_len(&b);
	buf_release(&b);
	return n;
}

/* ---------------------------------------------------------- decoding */

struct pb_field {
	unsigned	 num;
	unsigned	 wt;
	uint64_t	 v;		/* varint value */
	const uint8_t	*p;		/* WT_LEN payload */
	size_t		 len;
};

/* Reads the next field at *pos; 1 = got one, 0 = end, -1 = malformed. */
static int
next_field(const uint8_t *p, size_t len, size_t *pos, struct pb_field *f)
{
	uint64_t	key, n;

	if (*pos == len)
		return 0;
	if (pb_get_varint(p, len, pos, &key) == -1 || (key >> 3) == 0 ||
	    (key >> 3) > UINT32_MAX)
		return -1;
	f->num = (unsigned)(key >> 3);
	f->wt = (unsigned)(key & 7);
	switch (f->wt) {
	case WT_VARINT:
		return pb_get_varint(p, len, pos, &f->v) == -1 ? -1 : 1;
	case WT_I64:
	case WT_I32:
		n = f->wt == WT_I64 ? 8 : 4;
		if (len - *pos < n)
			return -1;
		*pos += n;
		return 1;
	case WT_LEN:
		if (pb_get_varint(p, len, pos, &n) == -1 || n > len - *pos)
			return -1;
		f->p = p + *pos;
		f->len = (size_t)n;
		*pos += (size_t)n;
		return 1;
	default:
		return -1;	/* groups are not used by silencepb */
	}
}

static void
take_str(char **field, const struct pb_field *f)
{
	free(*field);
	*field = xstrndup((const char *)f->p, f->len);
}

static ad_time_t
ts_join(int64_t sec, int64_t nsec)
{
	if (sec == GO_ZERO_UNIX && nsec == 0)
		return AD_TIME_ZERO;
	/* Beyond 1678..2262: clamp (ad_time_t cannot hold it). */
	if (sec >= INT64_MAX / AD_SEC - 1)
		return INT64_MAX;
	if (sec <= INT64_MIN / AD_SEC + 1)
		return INT64_MIN + 1;
	return sec * AD_SEC + nsec;
}

static int
dec_ts(const struct pb_field *in, ad_time_t *t)
{
	struct pb_field	f;
	size_t		pos = 0;
	int64_t		sec = 0, nsec = 0;
	int		r;

	if (in->wt != WT_LEN)
		return -1;
	while ((r = next_field(in->p, in->len, &pos, &f)) == 1) {
		if (f.num == 1 && f.wt == WT_VARINT)
			sec = (int64_t)f.v;
		else if (f.num == 2 && f.wt == WT_VARINT)
			nsec = (int32_t)f.v;
	}
	if (r == -1 || nsec < 0 || nsec >= AD_SEC)
		return -1;
	*t = ts_join(sec, nsec);
	return 0;
}

static int
dec_matcher(struct silence *s, const struct pb_field *in)
{
	static const enum matcher_type types[] = {
		MATCH_EQ, MATCH_RE, MATCH_NE, MATCH_NRE
	};
	struct pb_field	 f;
	size_t		 pos = 0;
	uint64_t	 type = 0;
	char		*name = NULL, *pattern = NULL;
	int		 r;

	if (in->wt != WT_LEN)
		return -1;
	while ((r = next_field(in->p, in->len, &pos, &f)) == 1) {
		if (f.num == 1 && f.wt == WT_VARINT)
			type = f.v;
		else if (f.num == 2 && f.wt == WT_LEN)
			take_str(&name, &f);
		else if (f.num == 3 && f.wt == WT_LEN)
			take_str(&pattern, &f);
	}
	if (r == 0 && type < 4) {
		silence_take_matcher(s, types[type],
		    name != NULL ? name : xstrdup(""),
		    pattern != NULL ? pattern : xstrdup(""));
		return 0;
	}
	free(name);
	free(pattern);
	return -1;
}

/* The legacy comments list: the first one becomes created_by/comment. */
static int
dec_comment(struct silence *s, const struct pb_field *in, bool *seen)
{
	struct pb_field	f;
	size_t		pos = 0;
	int		r;

	if (in->wt != WT_LEN)
		return -1;
	while ((r = next_field(in->p, in->len, &pos, &f)) == 1) {
		if (*seen || f.wt != WT_LEN)
			continue;
		if (f.num == 1)
			take_str(&s->created_by, &f);
		else if (f.num == 2)
			take_str(&s->comment, &f);
	}
	*seen = true;
	return r;
}

static int
dec_silence_field(struct silence *s, const struct pb_field *f, bool *ccseen)
{
	switch (f->num) {
	case 1:
	case 8:
	case 9:
		if (f->wt != WT_LEN)
			return -1;
		take_str(f->num == 1 ? &s->id : f->num == 8 ? &s->created_by :
		    &s->comment, f);
		return 0;
	case 2:
		return dec_matcher(s, f);
	case 3:
		return dec_ts(f, &s->starts_at);
	case 4:
		return dec_ts(f, &s->ends_at);
	case 5:
		return dec_ts(f, &s->updated_at);
	case 7:
		return dec_comment(s, f, ccseen);
	default:
		return 0;
	}
}

static struct silence *
dec_silence(const struct pb_field *in)
{
	struct silence	*s = silence_new();
	struct pb_field	 f;
	size_t		 pos = 0;
	bool		 ccseen = false;
	int		 r;

	if (in->wt != WT_LEN)
		goto fail;
	while ((r = next_field(in->p, in->len, &pos, &f)) == 1) {
		if (dec_silence_field(s, &f, &ccseen) == -1)
			goto fail;
	}
	if (r == 0)
		return s;
fail:
	silence_unref(s);
	return NULL;
}

struct silence *
silence_pb_decode(const void *p, size_t len, ad_time_t *expires_at,
    struct ad_err *err)
{
	struct silence	*s = NULL;
	struct pb_field	 f;
	size_t		 pos = 0;
	int		 r;

	*expires_at = AD_TIME_ZERO;
	while ((r = next_field(p, len, &pos, &f)) == 1) {
		if (f.num == 1) {
			silence_unref(s);
			s = dec_silence(&f);
			if (s == NULL)
				break;
		} else if (f.num == 2 && dec_ts(&f, expires_at) == -1) {
			r = -1;
			break;
		}
	}
	if (r != 0 || s == NULL) {
		silence_unref(s);
		if (r == 0)
			ad_err_set(err, AD_EINVAL, "invalid state");
		else
			ad_err_set(err, AD_EINVAL, "malformed silence message");
		return NULL;
	}
	return s;
}
