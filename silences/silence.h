/*
 * silence: one silence as Alertmanager's silencepb.Silence holds it, its
 * validation (silence.validateSilence of 0.25, with its error texts), its
 * state at a given time, and its wire form (silencepb.MeshSilence in
 * protobuf, the form Alertmanager snapshots and the form alertd persists).
 *
 * A silence is built mutable (silence_new, silence_add_matcher, fields set
 * directly), checked with silence_validate (which also compiles the
 * matchers), then published into the store, after which it is immutable
 * and shared by reference (silence_ref / silence_unref are atomic).  An
 * update builds a new silence (silence_dup) and replaces the old one.
 *
 * Times are ad_time_t in UTC.  The API keeps the UTC offset a client sent
 * (Alertmanager prints "+02:00" back until it restarts): start_off and
 * end_off, in seconds, are for display only and are not persisted.
 *
 * Thread: any (a published silence is read-only).
 */
#ifndef ALERTD_SILENCES_SILENCE_H
#define ALERTD_SILENCES_SILENCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"
#include "routing/matcher.h"

struct ad_err;
struct buf;
struct labels;

enum silence_state {
	SILENCE_ACTIVE,		/* order of Alertmanager's API sort */
	SILENCE_PENDING,
	SILENCE_EXPIRED
};
#define SILENCE_NSTATES	3

#define SILENCE_UUID_LEN	36

struct silence_matcher {
	enum matcher_type	 type;
	char			*name;
	char			*pattern;
	struct matcher		*m;	/* compiled by silence_validate;
					 * NULL for = and != of a stored
					 * silence (silence_validate_stored) */
};

struct silence {
	atomic_uint		 refs;
	char			*id;		/* never NULL ("" until set) */
	struct silence_matcher	*matchers;	/* in the order given */
	size_t			 nmatchers;
	ad_time_t		 starts_at;
	ad_time_t		 ends_at;
	ad_time_t		 updated_at;
	char			*created_by;	/* never NULL */
	char			*comment;	/* never NULL */
	int32_t			 start_off;	/* display offsets, seconds */
	int32_t			 end_off;
};

/* An empty silence: no matchers, zero times, "" strings, refs = 1. */
struct silence	*silence_new(void);
struct silence	*silence_ref(struct silence *s);
void		 silence_unref(struct silence *s);	/* NULL is fine */
/* A deep, unpublished copy (refs = 1), matchers compiled if s's were. */
struct silence	*silence_dup(const struct silence *s);
/* Replaces a string field (id, created_by, comment); copies v. */
void		 silence_set_str(char **field, const char *v);
/* Appends a matcher (copies name and pattern); not yet compiled. */
void		 silence_add_matcher(struct silence *s, enum matcher_type type,
		    const char *name, const char *pattern);
/* The same, taking ownership of name and pattern (heap strings). */
void		 silence_take_matcher(struct silence *s, enum matcher_type type,
		    char *name, char *pattern);

/*
 * validateSilence of Alertmanager 0.25: at least one matcher, each valid
 * ("invalid label matcher %d: invalid label name \"x\"", "... invalid
 * regular expression \"(\": error parsing regexp: ..."), not all matching
 * the empty string, non-zero times, ends_at not before starts_at.
 * Compiles the matchers.  Messages come without Alertmanager's "silence
 * invalid: " prefix, which the store adds.  AD_EINVAL.
 */
int		 silence_validate(struct silence *s, struct ad_err *err);
/*
 * For a silence read back from alertd's own log, which silence_validate
 * accepted when it was stored: the checks that need no regex, and
 * matchers whose regexes compile at their first match
 * (matcher_new_trusted).  A start-up with thousands of silences does not
 * compile thousands of regexes that may never be matched against.
 */
int		 silence_validate_stored(struct silence *s, struct ad_err *err);

/* silence.getState: pending before starts_at, expired after ends_at. */
enum silence_state silence_state_at(const struct silence *s, ad_time_t now);
/*
 * types.CalcSilenceState, used by the API: like silence_state_at but a
 * silence whose ends_at is now is already expired.
 */
enum silence_state silence_api_state_at(const struct silence *s, ad_time_t now);
const char	*silence_state_str(enum silence_state st);

/* Do all matchers match ls?  The silence must have been validated. */
bool		 silence_matches(const struct silence *s, const struct labels *ls);
/* reflect.DeepEqual on the matcher lists: same order, type, name, pattern. */
bool		 silence_matchers_equal(const struct silence *a,
		    const struct silence *b);

/* A random (version 4) UUID as Alertmanager's uuid.NewV4().String(). */
void		 silence_uuid_v4(char out[SILENCE_UUID_LEN + 1]);

/*
 * silencepb.MeshSilence in protobuf, as gogoproto marshals it (field
 * order, default values omitted, timestamps always present).  Appends to
 * out; returns 0 or -1 (cap reached).  silence_pb_size is the encoded size
 * (MeshSilence.Size(), what --silences.max-silence-size-bytes limits).
 */
int		 silence_pb_encode(const struct silence *s, ad_time_t expires_at,
		    struct buf *out);
size_t		 silence_pb_size(const struct silence *s, ad_time_t expires_at);
/*
 * Decodes one MeshSilence (not length-prefixed).  Unknown fields are
 * skipped; the 0.x "comments" list is upgraded into created_by/comment as
 * Alertmanager does on load.  The silence is returned unvalidated.
 * Returns NULL with AD_EINVAL on malformed input.
 */
struct silence	*silence_pb_decode(const void *p, size_t len,
		    ad_time_t *expires_at, struct ad_err *err);

/* Protobuf varints (used by the snapshot framing as well). */
size_t		 pb_varint_len(uint64_t v);
int		 pb_put_varint(struct buf *out, uint64_t v);
/* Reads a varint at *pos; returns 0 or -1 (truncated or too long). */
int		 pb_get_varint(const uint8_t *p, size_t len, size_t *pos,
		    uint64_t *v);

#endif
