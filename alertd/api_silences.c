/*
 * api_silences: POST/GET /api/v2/silences, GET/DELETE /api/v2/silence/{id}
 * (see api_silences.h), after Alertmanager 0.25's api/v2/api.go, compat.go
 * and the go-swagger models.  Kept on purpose: body keys match
 * case-insensitively (Go's encoding/json); the first decoding error in
 * document order is reported, the "id" field's before the others
 * (PostableSilence decodes in two passes); go-swagger reports only the
 * first schema violation, in field order (comment, createdBy, endsAt,
 * matchers, startsAt; per matcher isRegex, name, value); times keep the
 * client's UTC offset in later GETs.  Departures: a null or empty matcher
 * object crashes Alertmanager's handler (connection reset); alertd
 * answers 422 as if its fields were missing.  DELETE of an unknown ID is
 * 404 as in 0.26+ (0.25 answered 500).
 */
#include "alertd/api_silences.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alertd/api_gofmt.h"
#include "alertd/api_json.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "routing/matcher.h"
#include "silences/silence.h"
#include "silences/silence_store.h"

#define BODY_MAX	(4u << 20)

void
api_sil_resp_init(struct api_sil_resp *r)
{
	r->status = 0;
	buf_init(&r->body, BUF_NOCAP);
	r->content_type = "application/json";
}

void
api_sil_resp_release(struct api_sil_resp *r)
{
	buf_release(&r->body);
}

/* ------------------------------------------------------- JSON output */

/* Go's json.Marshal of a model field: <, > and & escaped. */
static void
jstr(struct buf *out, const char *s)
{
	api_json_string(out, s, strlen(s));
}

int
api_silence_json(const struct silence *s, ad_time_t now, struct buf *out)
{
	char	t[API_GO_TIME_MAX];
	size_t	i;

	buf_addstr(out, "{\"id\":");
	jstr(out, s->id);
	buf_addf(out, ",\"status\":{\"state\":\"%s\"},\"updatedAt\":\"%s\"",
	    silence_state_str(silence_api_state_at(s, now)),
	    api_go_format_datetime(s->updated_at, 0, t));
	buf_addstr(out, ",\"comment\":");
	jstr(out, s->comment);
	buf_addstr(out, ",\"createdBy\":");
	jstr(out, s->created_by);
	buf_addf(out, ",\"endsAt\":\"%s\",\"matchers\":[",
	    api_go_format_datetime(s->ends_at, s->end_off, t));
	for (i = 0; i < s->nmatchers; i++) {
		const struct silence_matcher *m = &s->matchers[i];

		buf_addf(out, "%s{\"isEqual\":%s,\"isRegex\":%s,\"name\":",
		    i ? "," : "",
		    m->type == MATCH_EQ || m->type == MATCH_RE ? "true" :
		    "false",
		    m->type == MATCH_RE || m->type == MATCH_NRE ? "true" :
		    "false");
		jstr(out, m->name);
		buf_addstr(out, ",\"value\":");
		jstr(out, m->pattern);
		buf_addch(out, '}');
	}
	return buf_addf(out, "],\"startsAt\":\"%s\"}",
	    api_go_format_datetime(s->starts_at, s->start_off, t));
}

/*
 * The handlers' own payloads: a JSON string and a newline, written by
 * go-openapi's producer (an Encoder without HTML escaping).
 */
static void
reply_str(struct api_sil_resp *r, int status, const char *msg)
{
	r->status = status;
	buf_reset(&r->body);
	api_json_string_noesc(&r->body, msg, strlen(msg));
	buf_addch(&r->body, '\n');
}

/* go-openapi's errors.ServeError shape, no newline. */
static void
reply_code(struct api_sil_resp *r, int status, int code, const char *msg)
{
	r->status = status;
	buf_reset(&r->body);
	buf_addf(&r->body, "{\"code\":%d,\"message\":", code);
	jstr(&r->body, msg);
	buf_addch(&r->body, '}');
}

/* ----------------------------------------------------- JSON decoding */

struct post {
	struct silence	*s;
	bool		 has_comment, has_created_by, has_starts, has_ends;
	bool		 has_matchers;
	bool		 ends_beyond;	/* endsAt after what ad_time_t holds */
	int64_t		 ends_sec;	/* then: its Unix seconds, as Go's */
	int32_t		 ends_nsec;
	struct buf	 err;		/* first decoding error */
	struct buf	 missing;	/* first missing matcher field */
};

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "null";
	}
}

static void
type_err(struct post *p, const json_t *v, const char *field,
    const char *type)
{
	if (buf_len(&p->err) > 0)
		return;
	buf_addf(&p->err, "json: cannot unmarshal %s into Go struct field "
	    "%s of type %s", jtype(v), field, type);
}

/* Finds key in obj as Go does: exact match first, else case-folded. */
static json_t *
jget(json_t *obj, const char *key)
{
	const char	*k;
	json_t		*v, *found = NULL;

	v = json_object_get(obj, key);
	if (v != NULL)
		return v;
	json_object_foreach(obj, k, v) {
		if (strcasecmp(k, key) == 0)
			found = v;
	}
	return found;
}

static bool
get_str(struct post *p, json_t *obj, const char *key, const char *field,
    char **dst)
{
	json_t	*v = jget(obj, key);

	if (v == NULL || json_is_null(v))
		return false;
	if (!json_is_string(v)) {
		type_err(p, v, field, "string");
		return false;
	}
	silence_set_str(dst, json_string_value(v));
	return true;
}

static bool
get_time(struct post *p, json_t *obj, const char *key, const char *field,
    ad_time_t *t, int32_t *off)
{
	json_t		*v = jget(obj, key);
	struct buf	 e;

	if (v == NULL || json_is_null(v))
		return false;
	if (!json_is_string(v)) {
		type_err(p, v, field, "string");
		return false;
	}
	buf_init(&e, BUF_NOCAP);
	if (api_go_parse_datetime_sat(json_string_value(v),
	    json_string_length(v), t, off, &e) == -1) {
		if (buf_len(&p->err) == 0)
			buf_addstr(&p->err, buf_str(&e));
		buf_release(&e);
		return false;
	}
	buf_release(&e);
	return true;
}

static int
get_bool(struct post *p, json_t *obj, const char *key, const char *field,
    bool *dst)
{
	json_t	*v = jget(obj, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		type_err(p, v, field, "bool");
		return 0;
	}
	*dst = json_is_true(v);
	return 1;
}

static void
decode_matcher(struct post *p, json_t *m, size_t i)
{
	char		*name = xstrdup(""), *value = xstrdup("");
	bool		 is_eq = true, is_re = false, hn, hv;
	int		 hre;
	static const enum matcher_type types[2][2] = {
		{ MATCH_NE, MATCH_NRE }, { MATCH_EQ, MATCH_RE }
	};

	if (m == NULL || !json_is_object(m)) {
		if (m != NULL && !json_is_null(m))
			type_err(p, m, "Silence.matchers", "models.Matcher");
		hn = hv = false;
		hre = 0;
	} else {
		get_bool(p, m, "isEqual", "Matcher.matchers.isEqual", &is_eq);
		hre = get_bool(p, m, "isRegex", "Matcher.matchers.isRegex",
		    &is_re);
		hn = get_str(p, m, "name", "Matcher.matchers.name", &name);
		hv = get_str(p, m, "value", "Matcher.matchers.value", &value);
	}
	if (buf_len(&p->missing) == 0 && (!hre || !hn || !hv))
		buf_addf(&p->missing, "matchers.%zu.%s in body is required", i,
		    !hre ? "isRegex" : !hn ? "name" : "value");
	silence_add_matcher(p->s, types[is_eq][is_re], name, value);
	free(name);
	free(value);
}

static void
decode_silence(struct post *p, json_t *root)
{
	json_t	*ms;
	size_t	 i;

	p->has_comment = get_str(p, root, "comment", "Silence.comment",
	    &p->s->comment);
	p->has_created_by = get_str(p, root, "createdBy", "Silence.createdBy",
	    &p->s->created_by);
	p->has_ends = get_time(p, root, "endsAt", "Silence.endsAt",
	    &p->s->ends_at, &p->s->end_off);
	if (p->has_ends && p->s->ends_at == INT64_MAX) {
		ms = jget(root, "endsAt");
		p->ends_beyond = api_go_datetime_unix(json_string_value(ms),
		    json_string_length(ms), &p->ends_sec, &p->ends_nsec) == 0;
	}
	p->has_starts = get_time(p, root, "startsAt", "Silence.startsAt",
	    &p->s->starts_at, &p->s->start_off);
	ms = jget(root, "matchers");
	if (ms == NULL || json_is_null(ms))
		return;
	if (!json_is_array(ms)) {
		type_err(p, ms, "Silence.matchers", "models.Matchers");
		return;
	}
	p->has_matchers = true;
	for (i = 0; i < json_array_size(ms); i++)
		decode_matcher(p, json_array_get(ms, i), i);
}

/*
 * Maps a jansson syntax error to Go's encoding/json wording: exact for a
 * truncated body and a bad first character, approximate otherwise.
 */
static void
syntax_err(struct post *p, const char *body, size_t len,
    const json_error_t *je)
{
	size_t	i = 0, pos = (size_t)je->position;

	while (i < len && strchr(" \t\r\n", body[i]) != NULL)
		i++;
	if (i < len && strchr("{[\"-0123456789tfn", body[i]) == NULL) {
		buf_addf(&p->err, "invalid character '%c' looking for "
		    "beginning of value", body[i]);
		return;
	}
	if (i == len || pos >= len || strstr(je->text, "premature") != NULL ||
	    strstr(je->text, "end of file") != NULL) {
		buf_addstr(&p->err, "unexpected EOF");
		return;
	}
	buf_addf(&p->err, "invalid character '%c' looking for beginning of "
	    "value", body[pos > 0 ? pos - 1 : 0]);
}

/* Returns 0, or -1 with p->err set (an undecodable body). */
static int
decode(struct post *p, const char *body, size_t len)
{
	json_error_t	 je;
	json_t		*root, *id;

	root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (root == NULL) {
		syntax_err(p, body, len, &je);
		return -1;
	}
	if (!json_is_object(root) && !json_is_null(root)) {
		buf_addf(&p->err, "json: cannot unmarshal %s into Go value of "
		    "type struct { ID string \"json:\\\"id,omitempty\\\"\" }",
		    jtype(root));
		json_decref(root);
		return -1;
	}
	if (json_is_object(root)) {
		id = jget(root, "id");
		if (id != NULL && !json_is_null(id) && !json_is_string(id))
			type_err(p, id, ".id", "string");
		else if (id != NULL && json_is_string(id))
			silence_set_str(&p->s->id, json_string_value(id));
		if (buf_len(&p->err) == 0)
			decode_silence(p, root);
	}
	json_decref(root);
	return buf_len(&p->err) > 0 ? -1 : 0;
}

/*
 * go-swagger's Validate: the first violation in field order, or NULL;
 * *code is 602 (required) or 612 (minItems).
 */
static const char *
schema_violation(struct post *p, int *code)
{
	*code = 602;
	if (!p->has_comment)
		return "comment in body is required";
	if (!p->has_created_by)
		return "createdBy in body is required";
	if (!p->has_ends)
		return "endsAt in body is required";
	if (!p->has_matchers)
		return "matchers in body is required";
	if (p->s->nmatchers == 0) {
		*code = 612;
		return "matchers in body should have at least 1 items";
	}
	if (buf_len(&p->missing) > 0)
		return buf_str(&p->missing);
	if (!p->has_starts)
		return "startsAt in body is required";
	return NULL;
}

/* ---------------------------------------------------------- handlers */

/* Seconds of 10000-01-01T00:00:00Z, where protobuf timestamps end. */
#define PB_TIME_END	253402300800LL

/*
 * Alertmanager stores a silence with expiresAt = endsAt + retention as a
 * protobuf timestamp, which must be before the year 10000: a later one
 * fails with gogo/protobuf's message (HTTP 400).  So "endsAt":
 * "9999-12-31T23:59:59Z" is refused, "9000-01-01T00:00:00Z" is not.
 * Returns true (and replies) when the silence is refused.
 */
static bool
expiry_beyond_pb(const struct post *p, struct silence_store *ss,
    struct api_sil_resp *r)
{
	ad_dur_t	 ret = silence_store_retention(ss);
	int64_t		 sec;
	int32_t		 nsec;
	struct buf	 m;

	if (!p->ends_beyond)
		return false;
	sec = p->ends_sec + ret / AD_SEC;
	nsec = p->ends_nsec + (int32_t)(ret % AD_SEC);
	if (nsec >= (int32_t)AD_SEC) {
		nsec -= (int32_t)AD_SEC;
		sec++;
	}
	if (sec < PB_TIME_END)
		return false;
	buf_init(&m, BUF_NOCAP);
	buf_addf(&m, "timestamp: &types.Timestamp{Seconds: %lld,\nNanos: %d,"
	    "\n} after 10000-01-01", (long long)sec, (int)nsec);
	log_error("Failed to create silence: %s", buf_str(&m));
	reply_str(r, 400, buf_str(&m));
	buf_release(&m);
	return true;
}

static void
post_store(struct silence_store *ss, struct silence *s, ad_time_t now,
    struct api_sil_resp *r)
{
	char		id[SILENCE_UUID_LEN + 1];
	struct ad_err	e;

	if (silence_store_upsert(ss, s, now, id, &e) == -1) {
		log_error("Failed to create silence: %s", e.msg);
		reply_str(r, e.code == AD_ENOTFOUND ? 404 : e.code == AD_EIO ?
		    500 : 400, e.msg);
		return;
	}
	r->status = 200;
	buf_reset(&r->body);
	buf_addstr(&r->body, "{\"silenceID\":");
	jstr(&r->body, id);
	buf_addstr(&r->body, "}\n");
}

void
api_silences_post(struct silence_store *ss, const char *body, size_t len,
    ad_time_t now, struct api_sil_resp *r)
{
	struct post	 p = { .s = silence_new() };
	struct buf	 m;
	const char	*v;
	int		 code;

	buf_init(&p.err, BUF_NOCAP);
	buf_init(&p.missing, BUF_NOCAP);
	if (len == 0) {
		reply_code(r, 422, 602, "silence in body is required");
		goto out;
	}
	if (len > BODY_MAX)
		buf_addstr(&p.err, "http: request body too large");
	if (len > BODY_MAX || decode(&p, body, len) == -1) {
		buf_init(&m, BUF_NOCAP);
		buf_addf(&m, "parsing silence body from \"\" failed, because %s",
		    buf_str(&p.err));
		reply_code(r, 400, 400, buf_str(&m));
		buf_release(&m);
		goto out;
	}
	v = schema_violation(&p, &code);
	if (v != NULL) {
		reply_code(r, 422, code, v);
		goto out;
	}
	if (p.s->starts_at >= p.s->ends_at) {
		reply_str(r, 400, "Failed to create silence: start time must "
		    "be before end time");
		goto out;
	}
	if (p.s->ends_at < now) {
		reply_str(r, 400, "Failed to create silence: end time can't "
		    "be in the past");
		goto out;
	}
	if (expiry_beyond_pb(&p, ss, r))
		goto out;
	post_store(ss, p.s, now, r);
	p.s = NULL;
out:
	silence_unref(p.s);
	buf_release(&p.err);
	buf_release(&p.missing);
}

/* CheckSilenceMatchesFilterLabels: every filter matcher has an identical
 * matcher (name, type, value) in the silence. */
static bool
filter_match(const struct silence *s, const struct matchers *f)
{
	size_t	i, j;

	for (i = 0; i < f->n; i++) {
		const struct matcher *fm = f->v[i];

		for (j = 0; j < s->nmatchers; j++) {
			const struct silence_matcher *sm = &s->matchers[j];

			if (sm->type == matcher_type(fm) &&
			    strcmp(sm->name, matcher_name(fm)) == 0 &&
			    strcmp(sm->pattern, matcher_value(fm)) == 0)
				break;
		}
		if (j == s->nmatchers)
			return false;
	}
	return true;
}

struct sortable {
	struct silence		*s;
	enum silence_state	 st;
};

/* SortSilences: active by endsAt, pending by startsAt, expired by endsAt
 * descending (ties by ID, where Go's sort.Slice is unspecified). */
static int
cmp_sil(const void *a, const void *b)
{
	const struct sortable	*x = a, *y = b;
	ad_time_t		 tx, ty;

	if (x->st != y->st)
		return x->st < y->st ? -1 : 1;
	switch (x->st) {
	case SILENCE_ACTIVE:
		tx = x->s->ends_at, ty = y->s->ends_at;
		break;
	case SILENCE_PENDING:
		tx = x->s->starts_at, ty = y->s->starts_at;
		break;
	default:
		tx = y->s->ends_at, ty = x->s->ends_at;
		break;
	}
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x->s->id, y->s->id);
}

void
api_silences_get(struct silence_store *ss, const char *const *filters,
    size_t nfilters, ad_time_t now, struct api_sil_resp *r)
{
	struct silence_list	 l;
	struct matchers		 f;
	struct sortable		*v;
	struct ad_err		 e;
	struct matcher		*m;
	size_t			 i, n = 0;

	matchers_init(&f);
	for (i = 0; i < nfilters; i++) {
		m = matcher_parse(filters[i], &e);
		if (m == NULL) {
			reply_str(r, 400, e.msg);
			matchers_release(&f);
			return;
		}
		matchers_add(&f, m);
	}
	silence_store_list(ss, &l);
	v = xcalloc(l.n + 1, sizeof(*v));
	for (i = 0; i < l.n; i++) {
		if (!filter_match(l.v[i], &f))
			continue;
		v[n].s = l.v[i];
		v[n++].st = silence_api_state_at(l.v[i], now);
	}
	qsort(v, n, sizeof(*v), cmp_sil);
	r->status = 200;
	buf_reset(&r->body);
	buf_addch(&r->body, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(&r->body, ',');
		api_silence_json(v[i].s, now, &r->body);
	}
	buf_addstr(&r->body, "]\n");
	free(v);
	silence_list_release(&l);
	matchers_release(&f);
}

/* go-openapi's uuid format: (?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?...{12}$ */
static bool
is_uuid(const char *s)
{
	static const int	groups[] = { 8, 4, 4, 4, 12 };
	size_t			g;
	int			k;

	for (g = 0; g < 5; g++) {
		if (g > 0 && *s == '-')
			s++;
		for (k = 0; k < groups[g]; k++, s++)
			if (*s == '\0' || strchr("0123456789abcdefABCDEF",
			    *s) == NULL)
				return false;
	}
	return *s == '\0';
}

static bool
check_id(const char *id, struct api_sil_resp *r)
{
	struct buf	m;

	if (is_uuid(id))
		return true;
	buf_init(&m, BUF_NOCAP);
	buf_addstr(&m, "silenceID in path must be of type uuid: ");
	buf_add_goquote(&m, id, strlen(id));
	reply_code(r, 422, 601, buf_str(&m));
	buf_release(&m);
	return false;
}

void
api_silence_get(struct silence_store *ss, const char *id, ad_time_t now,
    struct api_sil_resp *r)
{
	struct silence	*s;

	if (!check_id(id, r))
		return;
	s = silence_store_get(ss, id);
	buf_reset(&r->body);
	if (s == NULL) {
		r->status = 404;	/* go-swagger: no body */
		return;
	}
	r->status = 200;
	api_silence_json(s, now, &r->body);
	buf_addch(&r->body, '\n');
	silence_unref(s);
}

void
api_silence_delete(struct silence_store *ss, const char *id, ad_time_t now,
    struct api_sil_resp *r)
{
	struct ad_err	e;

	if (!check_id(id, r))
		return;
	buf_reset(&r->body);
	if (silence_store_expire(ss, id, now, &e) == 0) {
		r->status = 200;
		return;
	}
	log_error("Failed to expire silence: %s", e.msg);
	if (e.code == AD_ENOTFOUND)
		r->status = 404;	/* 0.26+; no body */
	else
		reply_str(r, 500, e.msg);
}
