/*
 * silence: one silence, its validation and state, and its protobuf form
 * (silencepb.MeshSilence), after Alertmanager 0.25's silence/silence.go.
 *
 * Kept on purpose: a regex matcher that matches the empty string counts as
 * "matching empty" (all such matchers are rejected together); validation
 * texts are Alertmanager's; the regex error quotes the pattern as given,
 * not the anchored form (Alertmanager validates with regexp.Compile of the
 * raw pattern).
 */
#include "silences/silence.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/labels.h"
#include "routing/regex.h"

struct silence *
silence_new(void)
{
	struct silence	*s = xcalloc(1, sizeof(*s));

	atomic_init(&s->refs, 1);
	s->id = xstrdup("");
	s->created_by = xstrdup("");
	s->comment = xstrdup("");
	s->starts_at = s->ends_at = s->updated_at = AD_TIME_ZERO;
	return s;
}

struct silence *
silence_ref(struct silence *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

static void
silence_free(struct silence *s)
{
	size_t	i;

	for (i = 0; i < s->nmatchers; i++) {
		free(s->matchers[i].name);
		free(s->matchers[i].pattern);
		matcher_free(s->matchers[i].m);
	}
	free(s->matchers);
	free(s->id);
	free(s->created_by);
	free(s->comment);
	free(s);
}

void
silence_unref(struct silence *s)
{
	if (s == NULL)
		return;
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		silence_free(s);
}

void
silence_set_str(char **field, const char *v)
{
	char	*n = xstrdup(v != NULL ? v : "");

	free(*field);
	*field = n;
}

void
silence_take_matcher(struct silence *s, enum matcher_type type, char *name,
    char *pattern)
{
	struct silence_matcher	*sm;

	s->matchers = xreallocarray(s->matchers, s->nmatchers + 1,
	    sizeof(*s->matchers));
	sm = &s->matchers[s->nmatchers++];
	sm->type = type;
	sm->name = name;
	sm->pattern = pattern;
	sm->m = NULL;
}

void
silence_add_matcher(struct silence *s, enum matcher_type type,
    const char *name, const char *pattern)
{
	silence_take_matcher(s, type, xstrdup(name), xstrdup(pattern));
}

struct silence *
silence_dup(const struct silence *s)
{
	struct silence	*d = silence_new();
	size_t		 i;

	silence_set_str(&d->id, s->id);
	silence_set_str(&d->created_by, s->created_by);
	silence_set_str(&d->comment, s->comment);
	d->starts_at = s->starts_at;
	d->ends_at = s->ends_at;
	d->updated_at = s->updated_at;
	d->start_off = s->start_off;
	d->end_off = s->end_off;
	for (i = 0; i < s->nmatchers; i++) {
		silence_add_matcher(d, s->matchers[i].type, s->matchers[i].name,
		    s->matchers[i].pattern);
		if (s->matchers[i].m != NULL)
			d->matchers[i].m = matcher_dup(s->matchers[i].m);
	}
	return d;
}

/* silence.ValidateMatcher; compiles sm->m on success. */
static int
validate_matcher(struct silence_matcher *sm, struct buf *msg)
{
	struct ad_err	 e, re;

	if (!label_name_valid(sm->name, strlen(sm->name))) {
		buf_addstr(msg, "invalid label name ");
		buf_add_goquote(msg, sm->name, strlen(sm->name));
		return -1;
	}
	if ((sm->type == MATCH_EQ || sm->type == MATCH_NE) &&
	    !utf8_valid(sm->pattern, strlen(sm->pattern))) {
		buf_addstr(msg, "invalid label value ");
		buf_add_goquote(msg, sm->pattern, strlen(sm->pattern));
		return -1;
	}
	matcher_free(sm->m);
	sm->m = matcher_new(sm->type, sm->name, sm->pattern, &e);
	if (sm->m == NULL && (sm->type == MATCH_RE || sm->type == MATCH_NRE)) {
		buf_addstr(msg, "invalid regular expression ");
		buf_add_goquote(msg, sm->pattern, strlen(sm->pattern));
		buf_addstr(msg, ": ");
		/*
		 * Alertmanager compiles the raw pattern here, not the
		 * anchored one, so its message quotes the raw pattern.  A
		 * raw pattern Go accepts whose anchored form it rejects
		 * (`\Qa`) keeps the anchored message: Alertmanager would
		 * store such a silence and then never match with it.
		 */
		if (regex_check(sm->pattern, strlen(sm->pattern), &re) == -1)
			buf_addstr(msg, re.msg);
		else
			buf_addstr(msg, e.msg);
		return -1;
	}
	if (sm->m == NULL) {
		buf_addstr(msg, e.msg);
		return -1;
	}
	return 0;
}

/* silence.matchesEmpty: only = and =~ can match a missing label. */
static bool
matches_empty(const struct silence_matcher *sm)
{
	if (sm->type == MATCH_EQ)
		return sm->pattern[0] == '\0';
	if (sm->type == MATCH_RE)
		return matcher_matches(sm->m, "");
	return false;
}

int
silence_validate(struct silence *s, struct ad_err *err)
{
	struct buf	 msg;
	bool		 all_empty = true;
	size_t		 i;

	if (s->nmatchers == 0)
		return ad_err_set(err, AD_EINVAL,
		    "at least one matcher required");
	buf_init(&msg, 4096);
	for (i = 0; i < s->nmatchers; i++) {
		if (validate_matcher(&s->matchers[i], &msg) == -1) {
			ad_err_set(err, AD_EINVAL, "invalid label matcher %zu: %s",
			    i, buf_str(&msg));
			buf_release(&msg);
			return -1;
		}
		all_empty = all_empty && matches_empty(&s->matchers[i]);
	}
	buf_release(&msg);
	if (all_empty)
		return ad_err_set(err, AD_EINVAL,
		    "at least one matcher must not match the empty string");
	if (s->starts_at == AD_TIME_ZERO)
		return ad_err_set(err, AD_EINVAL, "invalid zero start timestamp");
	if (s->ends_at == AD_TIME_ZERO)
		return ad_err_set(err, AD_EINVAL, "invalid zero end timestamp");
	if (s->ends_at < s->starts_at)
		return ad_err_set(err, AD_EINVAL,
		    "end time must not be before start time");
	return 0;
}

/*
 * The checks that need no regex compiled.  = and != need no matcher
 * either (silence_matches compares their patterns itself).
 */
static int
validate_stored_matcher(struct silence_matcher *sm, struct buf *msg)
{
	if (!label_name_valid(sm->name, strlen(sm->name))) {
		buf_addstr(msg, "invalid label name ");
		buf_add_goquote(msg, sm->name, strlen(sm->name));
		return -1;
	}
	matcher_free(sm->m);
	sm->m = NULL;
	if (sm->type == MATCH_RE || sm->type == MATCH_NRE)
		sm->m = matcher_new_trusted(sm->type, sm->name, sm->pattern);
	return 0;
}

int
silence_validate_stored(struct silence *s, struct ad_err *err)
{
	struct buf	 msg;
	size_t		 i;

	if (s->nmatchers == 0)
		return ad_err_set(err, AD_EINVAL,
		    "at least one matcher required");
	buf_init(&msg, 4096);
	for (i = 0; i < s->nmatchers; i++) {
		if (validate_stored_matcher(&s->matchers[i], &msg) == -1) {
			ad_err_set(err, AD_EINVAL, "invalid label matcher %zu: %s",
			    i, buf_str(&msg));
			buf_release(&msg);
			return -1;
		}
	}
	buf_release(&msg);
	if (s->starts_at == AD_TIME_ZERO || s->ends_at == AD_TIME_ZERO ||
	    s->ends_at < s->starts_at)
		return ad_err_set(err, AD_EINVAL, "invalid time range");
	return 0;
}

enum silence_state
silence_state_at(const struct silence *s, ad_time_t now)
{
	if (now < s->starts_at)
		return SILENCE_PENDING;
	if (now > s->ends_at)
		return SILENCE_EXPIRED;
	return SILENCE_ACTIVE;
}

enum silence_state
silence_api_state_at(const struct silence *s, ad_time_t now)
{
	if (now < s->starts_at)
		return SILENCE_PENDING;
	if (now < s->ends_at)
		return SILENCE_ACTIVE;
	return SILENCE_EXPIRED;
}

const char *
silence_state_str(enum silence_state st)
{
	switch (st) {
	case SILENCE_ACTIVE:
		return "active";
	case SILENCE_PENDING:
		return "pending";
	case SILENCE_EXPIRED:
		return "expired";
	}
	return "unknown";
}

bool
silence_matches(const struct silence *s, const struct labels *ls)
{
	size_t	i;

	for (i = 0; i < s->nmatchers; i++) {
		const struct silence_matcher *sm = &s->matchers[i];
		const char	*v = labels_get(ls, sm->name);

		/* An absent label is "", as in matcher_matches. */
		if (sm->type == MATCH_EQ || sm->type == MATCH_NE) {
			if ((strcmp(v != NULL ? v : "", sm->pattern) == 0) !=
			    (sm->type == MATCH_EQ))
				return false;
			continue;
		}
		if (sm->m == NULL || !matcher_matches(sm->m, v))
			return false;
	}
	return true;
}

bool
silence_matchers_equal(const struct silence *a, const struct silence *b)
{
	size_t	i;

	if (a->nmatchers != b->nmatchers)
		return false;
	for (i = 0; i < a->nmatchers; i++) {
		if (a->matchers[i].type != b->matchers[i].type ||
		    strcmp(a->matchers[i].name, b->matchers[i].name) != 0 ||
		    strcmp(a->matchers[i].pattern, b->matchers[i].pattern) != 0)
			return false;
	}
	return true;
}

void
silence_uuid_v4(char out[SILENCE_UUID_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 r[16];
	size_t			 got = 0, i, o = 0;
	ssize_t			 n;

	while (got < sizeof(r)) {
		n = getrandom(r + got, sizeof(r) - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 0xf];
	}
	out[o] = '\0';
}
