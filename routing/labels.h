/*
 * labels: immutable, refcounted label sets (Prometheus model.LabelSet).
 *
 * A set is sorted by name with unique names; names and values are
 * NUL-terminated and live as long as the set.  Sets are built with a
 * labels_builder, then shared between threads by reference (labels_ref /
 * labels_unref are atomic).  The empty set is a valid set.  Annotations
 * use the same type.
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

struct label {
	const char	*name;
	const char	*value;
};

struct labels {
	atomic_uint	 refs;
	uint32_t	 n;
	struct label	 v[];		/* sorted by name; strings follow */
};

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
/* Builds the set (refs = 1) and resets the builder for reuse. */
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

#endif
