/*
 * labels: immutable, refcounted label sets (Prometheus model.LabelSet).
 *
 * A set is sorted by name with unique names; names and values are
 * NUL-terminated and live as long as the set.  Sets are built with a
 * labels_builder, then shared between threads by reference (labels_ref /
 * labels_unref are atomic).  The empty set is a valid set.  Annotations
 * use the same type.  Read a set through labels_len, labels_name and
 * labels_value (or labels_get): its layout depends on its form.
 *
 * Two forms:
 *  - private: a builder's output, one allocation holding pointer pairs
 *    and a copy of every string;
 *  - packed: the form of a stored alert's sets, embedded in the alert
 *    (alert.h).  The names and the values that many sets share live in
 *    a shared, refcounted shape (names interned in alertd/intern.h,
 *    values interned under their name while the name's values recur);
 *    the set holds the shape's 32-bit id and, inline, only the values
 *    the shape leaves out (those of names like instance).  A packed set
 *    may carry one hidden extra value after its pairs (an alert's
 *    generatorURL).
 *
 * A set lives in an owner: a refcounted block that begins with struct
 * labels_owner (a private set's own block, or an alert).  labels_ref
 * and labels_unref count references to the owner, so a reference to an
 * alert's labels keeps the alert's block alive.
 *
 * The fingerprint is Alertmanager's (model.LabelSet.Fingerprint): FNV-1a
 * 64 over the pairs in name order, each as name, 0xff, value, 0xff; the
 * empty set hashes to the FNV offset basis.  Printed as %016x.
 *
 * Thread: any.
 */
#ifndef ALERTD_ROUTING_LABELS_H
#define ALERTD_ROUTING_LABELS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct ad_err;

/* The head of a block that holds label sets. */
struct labels_owner {
	atomic_uint	 refs;
	uint8_t		 type;		/* LABELS_OWNER_* */
	uint8_t		 flags;		/* the owner type's */
	uint16_t	 aux;		/* the owner type's */
};

#define LABELS_OWNER_SET	0	/* a private set's own block */
#define LABELS_OWNER_ALERT	1
#define LABELS_OWNER_TYPES	2

/* Frees an owner whose last reference went (registered per type). */
typedef void	(*labels_owner_free_fn)(struct labels_owner *o);
void	labels_owner_register(unsigned type, labels_owner_free_fn fn);
/* Drops a reference; true when it was the last (the caller frees). */
bool	labels_owner_unref(struct labels_owner *o);

struct label {
	const char	*name;
	const char	*value;
};

#define LABELS_PRIVATE		0
#define LABELS_PACKED		1	/* 16-bit inline offsets */
#define LABELS_PACKED_WIDE	2	/* 32-bit inline offsets */

struct labels {
	uint16_t	 back;		/* bytes from the owner; 0: static */
	uint8_t		 form;		/* LABELS_PRIVATE, _PACKED, ... */
	uint8_t		 pad_;
	uint32_t	 u_;		/* private: pairs; packed: shape id */
	/*
	 * private: struct label[pairs], then the strings;
	 * packed: uint16_t or uint32_t offsets of the inline values from
	 * the start of the set, one per inline slot.
	 */
};

/* A shape: the names, and the values shared, of packed sets. */
struct lshape_pair {
	const char	*name;		/* interned */
	const char	*value;		/* interned, or NULL: inline */
};

struct lshape {
	atomic_uint		 refs;
	uint32_t		 hash;
	uint32_t		 id;
	uint32_t		 n;		/* pairs */
	uint32_t		 n_all;		/* n, + 1 with an extra value */
	uint32_t		 n_inline;
	struct lshape		*next;		/* hash chain */
	/*
	 * n_all pairs, then n_all uint16_t: the inline slot of each pair
	 * whose value is NULL (lshape_slot_); at most UINT16_MAX pairs.
	 */
	struct lshape_pair	 p[];
};

static inline uint32_t
lshape_slot_(const struct lshape *sh, uint32_t i)
{
	return ((const uint16_t *)(const void *)(sh->p + sh->n_all))[i];
}

#define LSHAPE_CHUNK_BITS	12
#define LSHAPE_CHUNKS		(1u << 16)
/* Shapes by id, in chunks that never move (read through labels_*). */
extern struct lshape	**lshape_dir_[LSHAPE_CHUNKS];

static inline const struct lshape *
labels_shape_(const struct labels *ls)
{
	return lshape_dir_[ls->u_ >> LSHAPE_CHUNK_BITS]
	    [ls->u_ & ((1u << LSHAPE_CHUNK_BITS) - 1)];
}

static inline const struct label *
labels_pairs_(const struct labels *ls)
{
	return (const struct label *)(const void *)(ls + 1);
}

static inline const char *
labels_inline_(const struct labels *ls, uint32_t slot)
{
	uint32_t	off;

	if (ls->form == LABELS_PACKED)
		off = ((const uint16_t *)(const void *)(ls + 1))[slot];
	else
		off = ((const uint32_t *)(const void *)(ls + 1))[slot];
	return (const char *)ls + off;
}

/* The number of pairs. */
static inline uint32_t
labels_len(const struct labels *ls)
{
	return ls->form == LABELS_PRIVATE ? ls->u_ : labels_shape_(ls)->n;
}

/* The name of pair i (i < labels_len). */
static inline const char *
labels_name(const struct labels *ls, uint32_t i)
{
	if (ls->form == LABELS_PRIVATE)
		return labels_pairs_(ls)[i].name;
	return labels_shape_(ls)->p[i].name;
}

/* The value of pair i (i < labels_len). */
static inline const char *
labels_value(const struct labels *ls, uint32_t i)
{
	const struct lshape	*sh;

	if (ls->form == LABELS_PRIVATE)
		return labels_pairs_(ls)[i].value;
	sh = labels_shape_(ls);
	if (sh->p[i].value != NULL)
		return sh->p[i].value;
	return labels_inline_(ls, lshape_slot_(sh, i));
}

/* A packed set's hidden extra value, or NULL. */
const char *labels_extra(const struct labels *ls);

struct labels_pair {
	const char	*name, *value;
	size_t		 nlen, vlen;
	uint32_t	 seq;
};

/* Collects pairs in any order; the last value of a repeated name wins. */
struct labels_builder {
	struct labels_pair	*p;
	size_t			 n, alloc;
};

void	labels_builder_init(struct labels_builder *b);
/* The strings are borrowed until labels_builder_finish. */
void	labels_builder_add(struct labels_builder *b, const char *name,
	    size_t nlen, const char *value, size_t vlen);
void	labels_builder_adds(struct labels_builder *b, const char *name,
	    const char *value);
/* Builds a private set (refs = 1) and resets the builder for reuse. */
struct labels *labels_builder_finish(struct labels_builder *b);
void	labels_builder_release(struct labels_builder *b);

/* The shared empty set (no allocation; ref/unref are no-ops on it). */
struct labels *labels_empty(void);
struct labels *labels_ref(struct labels *ls);
void	labels_unref(struct labels *ls);		/* NULL is fine */
/* A copy without the pairs whose names are in names[0..n). */
struct labels *labels_without(const struct labels *ls, const char *const *names,
	    size_t n);
/* Only the pairs whose names are in names[0..n) (group_by). */
struct labels *labels_only(const struct labels *ls, const char *const *names,
	    size_t n);
/* A copy without empty values (the API drops them). */
struct labels *labels_drop_empty(struct labels *ls);	/* takes ownership */

/* Value of name, or NULL.  Binary search. */
const char *labels_get(const struct labels *ls, const char *name);
bool	labels_equal(const struct labels *a, const struct labels *b);
/* Orders sets pair by pair (name, then value), shorter first on a tie. */
int	labels_cmp(const struct labels *a, const struct labels *b);

uint64_t labels_fingerprint(const struct labels *ls);
/* FNV-1a 64 continuing from h, as Prometheus' hashAdd. */
uint64_t fnv1a64_add(uint64_t h, const void *data, size_t len);
#define FNV1A64_INIT	0xcbf29ce484222325ULL
#define FP_STR_MAX	17
/* %016x */
char	*fp_format(uint64_t fp, char out[FP_STR_MAX]);
/* Parses 16 hex digits (or fewer, as strconv.ParseUint(s, 16, 64)). */
int	fp_parse(const char *s, uint64_t *fp);

/* model.LabelName.IsValid: [a-zA-Z_][a-zA-Z0-9_]* */
bool	label_name_valid(const char *name, size_t len);
/*
 * model.LabelSet.Validate: "invalid name \"x\"" / "invalid value \"x\""
 * (values must be valid UTF-8).
 */
int	labels_validate(const struct labels *ls, struct ad_err *err);

/*
 * model.LabelSet.String(): {a="1", b="2"}, pairs formatted as name=%q and
 * sorted as strings (not by name: a0="x" sorts before a="x").
 */
int	labels_string(const struct labels *ls, struct buf *out);

/*
 * Packing, for owners that embed sets (alert.c).  A set is planned
 * first, which fixes its shape and sizes, then written into the
 * owner's block:
 *
 *	labels_pack_plan(&pk, src, extra, hint);
 *	... size the block: labels_pack_size(&pk, wide) + pk.bytes ...
 *	labels_pack_write(&pk, dst, back, wide, strings);
 *
 * hint (a packed set, or NULL): its shape is taken when src fits it (the
 * same names, and src has the values the shape shares), which costs no
 * interning: a re-sent alert packs from the alert it replaces.
 */
struct labels_pack {
	const struct labels	*src;
	const char		*extra;
	struct lshape		*shape;		/* a reference */
	uint32_t		 n_inline;
	size_t			 bytes;		/* inline strings and NULs */
};

/*
 * src and extra (NULL: none) are borrowed until the write.  share_min: a
 * name's first values that are shared whatever they are (see
 * intern.h: LABELS_SHARE_LABELS for labels, whose values mostly recur,
 * LABELS_SHARE_ANNOTATIONS for annotations, mostly unique texts).  -1:
 * the set cannot be packed.
 */
int	labels_pack_plan(struct labels_pack *pk, const struct labels *src,
	    const char *extra, const struct labels *hint, unsigned share_min);

#define LABELS_SHARE_LABELS		256
#define LABELS_SHARE_ANNOTATIONS	16
/* The size of the packed set itself (its inline strings not included). */
size_t	labels_pack_size(const struct labels_pack *pk, bool wide);
/*
 * Writes the set at dst, back bytes after its owner, and its inline
 * strings from str on (pk->bytes); the set takes the plan's shape.
 */
void	labels_pack_write(struct labels_pack *pk, struct labels *dst,
	    uint16_t back, bool wide, char *str);
void	labels_pack_release(struct labels_pack *pk);	/* an unwritten plan */
/* A packed set was copied byte for byte into a new owner: count it. */
void	labels_pack_copied(const struct labels *ls);
/* Its owner is being freed: releases what a set holds (not the owner). */
void	labels_embedded_release(const struct labels *ls);
/* One past a packed set's last inline byte (the set itself if none). */
const char *labels_pack_end(const struct labels *ls);

/* Live shapes (tests, metrics). */
size_t	labels_shape_count(void);
/*
 * Packing keeps per-thread caches of recent shapes and strings (each
 * holding a reference, released at thread exit): empties the calling
 * thread's (tests that count shapes or strings).
 */
void	labels_cache_clear(void);

#endif
