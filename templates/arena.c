/*
 * Small infrastructure of the template engine: a bump arena with a byte
 * budget (what bounds a template's memory), a string-keyed hash table for
 * template name spaces, and the Unicode helpers Go's template semantics
 * need (identifier letters, simple case mapping, rune decoding with Go's
 * treatment of invalid bytes).
 */
#include "templates/tmpl_priv.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

#define CHUNK_MIN	4096

struct tarena_chunk {
	struct tarena_chunk	*next;
	size_t			 size;
	char			 data[];
};

void
tarena_init(struct tarena *a, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->cap = cap;
}

void
tarena_release(struct tarena *a)
{
	struct tarena_chunk	*c, *next;

	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->chunks = NULL;
	a->cur = NULL;
	a->left = a->used = 0;
}

void *
tarena_alloc(struct tarena *a, size_t n)
{
	struct tarena_chunk	*c;
	size_t			 size;
	void			*p;

	n = (n + 7) & ~(size_t)7;
	if (n == 0)
		n = 8;
	if (n > a->left) {
		size = n > CHUNK_MIN / 2 ? n : CHUNK_MIN;
		if (size > a->cap || a->used > a->cap - size)
			return NULL;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		a->used += size;
		if (n == size && a->left > 0) {
			/* A big block: keep filling the current chunk. */
			c->next = a->chunks->next;
			a->chunks->next = c;
			return c->data;
		}
		c->next = a->chunks;
		a->chunks = c;
		a->cur = c->data;
		a->left = size;
	}
	p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

void *
tarena_zalloc(struct tarena *a, size_t n)
{
	void	*p = tarena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
tarena_strndup(struct tarena *a, const char *s, size_t n)
{
	char	*p = tarena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
tarena_take_buf(struct tarena *a, struct buf *b, size_t *len)
{
	char	*p;

	p = tarena_strndup(a, buf_str(b), buf_len(b));
	if (len != NULL)
		*len = buf_len(b);
	buf_release(b);
	return p;
}

size_t
tarena_left(const struct tarena *a)
{
	return a->cap - a->used + a->left;
}

/* ------------------------------------------------------------- hash --- */

static uint64_t
hash_str(const char *k, size_t n)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
thash_init(struct thash *h)
{
	memset(h, 0, sizeof(*h));
}

void
thash_release(struct thash *h)
{
	free(h->e);
	memset(h, 0, sizeof(*h));
}

static struct thash_ent *
thash_slot(const struct thash *h, const char *k, size_t n, uint64_t hv)
{
	size_t	i = hv & (h->cap - 1);

	for (;;) {
		struct thash_ent *e = &h->e[i];

		if (e->key == NULL)
			return e;
		if (e->h == hv && e->klen == n && memcmp(e->key, k, n) == 0)
			return e;
		i = (i + 1) & (h->cap - 1);
	}
}

void *
thash_get(const struct thash *h, const char *k, size_t n)
{
	struct thash_ent	*e;

	if (h == NULL || h->cap == 0)
		return NULL;
	e = thash_slot(h, k, n, hash_str(k, n));
	return e->key != NULL ? e->val : NULL;
}

static void
thash_grow(struct thash *h)
{
	struct thash_ent	*old = h->e;
	size_t			 oldcap = h->cap, i;

	h->cap = oldcap ? oldcap * 2 : 16;
	h->e = xcalloc(h->cap, sizeof(*h->e));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key != NULL)
			*thash_slot(h, old[i].key, old[i].klen, old[i].h) =
			    old[i];
	}
	free(old);
}

void
thash_put(struct thash *h, const char *k, size_t n, void *val)
{
	struct thash_ent	*e;
	uint64_t		 hv = hash_str(k, n);

	if ((h->n + 1) * 2 > h->cap)
		thash_grow(h);
	e = thash_slot(h, k, n, hv);
	if (e->key == NULL) {
		h->n++;
		e->key = k;
		e->klen = n;
		e->h = hv;
	}
	e->val = val;
}

/*
 * text/template's association rule: a template from the field text
 * replaces the set's template of the same name unless it is empty.
 */
const struct ttree *
tns_lookup(const struct tns *ns, const char *name)
{
	const struct ttree	*t = NULL, *b;
	size_t			 n = strlen(name);

	if (ns->over != NULL)
		t = thash_get(ns->over, name, n);
	if (t != NULL && !tnode_is_empty(t->root))
		return t;
	b = thash_get(ns->base, name, n);
	return b != NULL ? b : t;
}

/* ---------------------------------------------------------- unicode --- */

static locale_t		 tu_loc;
static pthread_once_t	 tu_once = PTHREAD_ONCE_INIT;

static void
tu_init(void)
{
	tu_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t
tu_locale(void)
{
	pthread_once(&tu_once, tu_init);
	return tu_loc;
}

uint32_t
tu_upper(uint32_t r)
{
	locale_t	l;

	if (r < 0x80)
		return r >= 'a' && r <= 'z' ? r - 32 : r;
	l = tu_locale();
	return l != (locale_t)0 ? (uint32_t)towupper_l((wint_t)r, l) : r;
}

uint32_t
tu_lower(uint32_t r)
{
	locale_t	l;

	if (r < 0x80)
		return r >= 'A' && r <= 'Z' ? r + 32 : r;
	/* Go's unicode.ToLower maps the Kelvin and Angstrom signs too. */
	l = tu_locale();
	return l != (locale_t)0 ? (uint32_t)towlower_l((wint_t)r, l) : r;
}

uint32_t
tu_title(uint32_t r)
{
	/* The four digraphs with a distinct title case. */
	switch (r) {
	case 0x1c4: case 0x1c5: case 0x1c6: return 0x1c5;
	case 0x1c7: case 0x1c8: case 0x1c9: return 0x1c8;
	case 0x1ca: case 0x1cb: case 0x1cc: return 0x1cb;
	case 0x1f1: case 0x1f2: case 0x1f3: return 0x1f2;
	}
	return tu_upper(r);
}

bool
tu_is_letter(uint32_t r)
{
	locale_t	l;

	if (r < 0x80)
		return (r | 32) >= 'a' && (r | 32) <= 'z';
	l = tu_locale();
	return l != (locale_t)0 && iswalpha_l((wint_t)r, l);
}

bool
tu_is_digit(uint32_t r)
{
	return r >= '0' && r <= '9';
}

bool
tu_is_print(uint32_t r)
{
	return utf8_isprint(r);
}

size_t
tu_decode(const char *s, size_t n, uint32_t *r)
{
	int	w;

	if (n == 0) {
		*r = 0xfffd;
		return 0;
	}
	w = utf8_decode((const unsigned char *)s, n, r);
	return w < 0 ? 1 : (size_t)w;
}

size_t
tu_decode_last(const char *s, size_t n, uint32_t *r)
{
	size_t	start, lim;
	int	w;

	if (n == 0) {
		*r = 0xfffd;
		return 0;
	}
	if ((unsigned char)s[n - 1] < 0x80) {
		*r = (unsigned char)s[n - 1];
		return 1;
	}
	lim = n > 4 ? n - 4 : 0;
	for (start = n - 1; start > lim; start--) {
		if (((unsigned char)s[start] & 0xc0) != 0x80)
			break;
	}
	w = utf8_decode((const unsigned char *)s + start, n - start, r);
	if (w < 0 || start + (size_t)w != n) {
		*r = 0xfffd;
		return 1;
	}
	return (size_t)w;
}
