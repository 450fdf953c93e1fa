/*
 * jira: the Jira integration (jira_configs, Alertmanager 0.28; as of
 * upstream 0.34).
 *
 * Configuration: upstream's JiraConfig: api_url (global jira_api_url
 * else "no global Jira Cloud URL set"), api_type auto|cloud|datacenter,
 * project and issue_type required, summary and description either a
 * template string or {template, enable_update}, labels, priority,
 * reopen/resolve transitions, wont_fix_resolution, reopen_duration, and
 * `fields` (any YAML, rendered as upstream's DeepCopyWithTemplate).
 *
 * Sending: one chain of requests per notification, as upstream's Notify
 * makes them (each JSON as json.Encoder writes it, Accept-Language: en,
 * Go's default User-Agent since upstream sets none):
 *  1. POST search (api_url/search, or .../rest/api/3/search/jql for
 *     Jira Cloud) for the issue labelled ALERT{<group key hash>}, with
 *     upstream's JQL; its answer decides the rest:
 *  2. none found: POST api_url/issue (none when every alert is resolved:
 *     the notification ends there, successfully); found: PUT
 *     api_url/issue/<key> (summary, description left out when their
 *     enable_update is false);
 *  3. a done issue while firing with reopen_transition, or an open one
 *     once resolved with resolve_transition: GET .../transitions, then
 *  4. POST .../transitions with the id of the transition so named.
 * The issue's fields: summary (255 runes), description (32767 runes; a
 * string, or for an api_url ending in /3 the rendered ADF JSON as is),
 * issuetype, labels (rendered, plus ALERT{hash}, sorted), priority when
 * not empty, project, and `fields` merged over them; keys sorted.
 * Answers: 2xx ok, 429 and 5xx retried, others fail, worded as upstream.
 *
 * Departures: upstream does not retry a transport error (its client
 * error comes back with shouldRetry false); neither does alertd, as
 * upstream.  The search and transitions answers are read up to
 * JIRA_RESP_MAX bytes (a transitions list with its target statuses
 * outgrows the default 4 KiB).
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"
#include "config/yemit.h"
#include "config/ynode.h"
#include "notifiers/nconf.h"
#include "notifiers/njson.h"
#include "notifiers/notify.h"
#include "notifiers/nsend.h"

#define JIRA_RESP_MAX	(1024 * 1024)

#define JIRA_SUMMARY_MAX	255
#define JIRA_DESCRIPTION_MAX	32767
#define JIRA_DEPTH_MAX		64

/* JiraFieldConfig: a template, NULL when not given (the default then). */
struct jira_field {
	char	*tmpl;		/* first: see JFIELD */
	bool	 has_update, update;	/* enable_update (*bool) */
};

struct jira_conf {
	struct notifier_conf	 base;
	char			*api_url, *api_type, *project;
	struct jira_field	 summary, description;
	char			**labels;
	size_t			 n_labels;
	char			*priority, *issue_type;
	char			*reopen_transition, *resolve_transition;
	char			*wont_fix_resolution;
	ad_dur_t		 reopen_duration;
	json_t			*fields;	/* map[string]any, or NULL */
};

/* ----------------------------------------------------- configuration */

static int
jf_decode(struct config_check *chk, const struct ynode *n, void *field)
{
	struct jira_field	*f = field;
	const struct ynode	*k, *v;
	size_t			 i;

	n = ynode_deref(n);
	if (n->kind == YNODE_SCALAR) {
		free(f->tmpl);
		f->tmpl = xstrdup(ynode_is_null(n) ? "" : n->value);
		return 0;
	}
	if (n->kind != YNODE_MAP)
		return config_check_errn(chk, n, NULL, "cannot unmarshal "
		    "!!seq into jira.plain");
	for (i = 0; i + 1 < n->n; i += 2) {
		k = ynode_deref(n->child[i]);
		v = ynode_deref(n->child[i + 1]);
		if (k->kind != YNODE_SCALAR)
			continue;
		if (strcmp(k->value, "template") == 0 &&
		    v->kind == YNODE_SCALAR) {
			free(f->tmpl);
			f->tmpl = xstrdup(ynode_is_null(v) ? "" : v->value);
		} else if (strcmp(k->value, "enable_update") == 0 &&
		    v->kind == YNODE_SCALAR && !ynode_is_null(v)) {
			f->has_update = true;
			f->update = strcmp(v->value, "false") != 0 &&
			    strcmp(v->value, "no") != 0 &&
			    strcmp(v->value, "off") != 0;
		} else {
			return config_check_errn(chk, k, NULL, "field %s not "
			    "found in type jira.plain", k->value);
		}
	}
	return 0;
}

static int
jf_dump(const void *field, struct yemit *e)
{
	const struct jira_field	*f = field;

	yemit_map_start(e, false);
	if (f->tmpl != NULL && f->tmpl[0] != '\0') {
		yemit_plain(e, "template");
		yemit_str(e, f->tmpl);
	}
	if (f->has_update) {
		yemit_plain(e, "enable_update");
		yemit_plain(e, f->update ? "true" : "false");
	}
	return yemit_map_end(e);
}

static bool
jf_zero(const void *field)
{
	const struct jira_field	*f = field;

	return (f->tmpl == NULL || f->tmpl[0] == '\0') && !f->has_update;
}

static void
jf_release(void *field)
{
	struct jira_field	*f = field;

	free(f->tmpl);
	f->tmpl = NULL;
}

/* yaml.v2's resolution of a plain scalar into JSON (null, bool, int,
 * float; else a string). */
static json_t *
jy_scalar(const struct ynode *n)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES",
	    "true", "True", "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO",
	    "false", "False", "FALSE", "off", "Off", "OFF", NULL };
	const char	*s = n->value;
	char		*end, clean[64];
	size_t		 i, j;
	long long	 ll;
	double		 d;

	if (n->style != YNODE_PLAIN || n->tag != NULL)
		return json_stringn(s, n->len);
	if (ynode_is_null(n))
		return json_null();
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(s, yes[i]) == 0)
			return json_true();
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(s, no[i]) == 0)
			return json_false();
	if (n->len == 0 || n->len >= sizeof(clean))
		return json_stringn(s, n->len);
	for (i = j = 0; s[i] != '\0'; i++)
		if (s[i] != '_')
			clean[j++] = s[i];
	clean[j] = '\0';
	ll = strtoll(clean, &end, 0);
	if (*end == '\0' && strchr("0123456789+-", clean[0]) != NULL)
		return json_integer(ll);
	if (strcmp(s, ".inf") == 0 || strcmp(s, ".nan") == 0 ||
	    strcmp(s, "-.inf") == 0)
		return json_stringn(s, n->len);	/* not JSON: kept as text */
	d = strtod(clean, &end);
	if (*end == '\0' && strchr("0123456789+-.", clean[0]) != NULL &&
	    strpbrk(clean, "xXpP") == NULL && isfinite(d))
		return json_real(d);
	return json_stringn(s, n->len);
}

/* A YAML value as yaml.v2 decodes it into `any`, then normalised
 * (map keys that are not strings dropped). */
static json_t *
jy_value(const struct ynode *n, unsigned depth)
{
	const struct ynode	*k;
	json_t			*v, *sub;
	size_t			 i;

	n = ynode_deref(n);
	if (n == NULL || depth > JIRA_DEPTH_MAX || n->kind == YNODE_NULL)
		return json_null();
	if (n->kind == YNODE_SCALAR)
		return jy_scalar(n);
	if (n->kind == YNODE_SEQ) {
		v = json_array();
		for (i = 0; i < n->n; i++)
			json_array_append_new(v, jy_value(n->child[i],
			    depth + 1));
		return v;
	}
	v = json_object();
	for (i = 0; i + 1 < n->n; i += 2) {
		k = ynode_deref(n->child[i]);
		if (k->kind != YNODE_SCALAR)
			continue;
		sub = jy_scalar(k);
		if (json_is_string(sub))
			json_object_set_new(v, k->value, jy_value(
			    n->child[i + 1], depth + 1));
		json_decref(sub);
	}
	return v;
}

static int
jfields_decode(struct config_check *chk, const struct ynode *n, void *field)
{
	const struct ynode	*k;
	json_t			**p = field;
	size_t			 i;

	n = ynode_deref(n);
	if (ynode_is_null(n))
		return 0;
	if (n->kind != YNODE_MAP)
		return config_check_errn(chk, n, NULL, "cannot unmarshal %s "
		    "into map[string]interface {}", n->kind == YNODE_SEQ ?
		    "!!seq" : "!!str");
	json_decref(*p);
	/* map[string]any: every scalar key as its text, the values as
	 * yaml.v2 decodes `any` (their maps keep string keys only) */
	*p = json_object();
	for (i = 0; i + 1 < n->n; i += 2) {
		k = ynode_deref(n->child[i]);
		if (k->kind == YNODE_SCALAR)
			json_object_set_new(*p, k->value,
			    jy_value(n->child[i + 1], 1));
	}
	return 0;
}

static int	jy_dump(const json_t *v, struct yemit *e);

static int
jy_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A JSON object's keys, sorted (Go's maps are written so). */
static const char **
jy_keys(const json_t *o, size_t *n)
{
	const char	**keys = xcalloc(json_object_size(o) + 1,
			    sizeof(*keys));
	const char	 *k;
	json_t		 *v;

	*n = 0;
	json_object_foreach((json_t *)(uintptr_t)o, k, v)
		keys[(*n)++] = k;
	qsort(keys, *n, sizeof(*keys), jy_cmp);
	return keys;
}

static int
jy_dump(const json_t *v, struct yemit *e)
{
	const char	**keys;
	char		  num[64];
	size_t		  i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		keys = jy_keys(v, &n);
		yemit_map_start(e, false);
		for (i = 0; i < n; i++) {
			yemit_str(e, keys[i]);
			jy_dump(json_object_get(v, keys[i]), e);
		}
		free(keys);
		return yemit_map_end(e);
	case JSON_ARRAY:
		yemit_seq_start(e, false);
		for (i = 0; i < json_array_size(v); i++)
			jy_dump(json_array_get(v, i), e);
		return yemit_seq_end(e);
	case JSON_STRING:
		return yemit_str(e, json_string_value(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		return yemit_plain(e, num);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return yemit_plain(e, num);
	case JSON_TRUE:
		return yemit_plain(e, "true");
	case JSON_FALSE:
		return yemit_plain(e, "false");
	default:
		return yemit_null(e);
	}
}

static int
jfields_dump(const void *field, struct yemit *e)
{
	return jy_dump(*(json_t *const *)field, e);
}

static bool
jfields_zero(const void *field)
{
	json_t *const	*p = field;

	return *p == NULL || json_object_size(*p) == 0;
}

static void
jfields_release(void *field)
{
	json_t	**p = field;

	json_decref(*p);
	*p = NULL;
}

#define J	struct jira_conf
/* CF_TEMPLATE: the load-time template check reads a jira_field as the
 * char * of its first member, tmpl. */
#define JFIELD(k, m)							\
	{ .key = (k), .type = CF_CUSTOM,				\
	  .flags = CF_OMITEMPTY | CF_TEMPLATE,				\
	  .off = offsetof(J, m), .decode = jf_decode, .dump = jf_dump,	\
	  .zero = jf_zero, .release = jf_release }

static const struct config_field jira_fields[] = {
	NCONF_SEND_RESOLVED(J, 1),
	NCONF_HTTP(J),
	CF_F("api_url", CF_URL, CF_OMITEMPTY, J, api_url),
	CF_FD("api_type", CF_STR, CF_OMITEMPTY, J, api_type, "auto"),
	CF_F("project", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, J, project),
	JFIELD("summary", summary),
	JFIELD("description", description),
	CF_FN("labels", CF_STRS, CF_OMITEMPTY, J, labels, n_labels),
	CF_FD("priority", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, J, priority,
	    "{{ template \"jira.default.priority\" . }}"),
	CF_F("issue_type", CF_STR, CF_OMITEMPTY | CF_TEMPLATE, J, issue_type),
	CF_F("reopen_transition", CF_STR, CF_OMITEMPTY, J, reopen_transition),
	CF_F("resolve_transition", CF_STR, CF_OMITEMPTY, J,
	    resolve_transition),
	CF_F("wont_fix_resolution", CF_STR, CF_OMITEMPTY, J,
	    wont_fix_resolution),
	CF_F("reopen_duration", CF_DUR, CF_OMITEMPTY, J, reopen_duration),
	{ .key = "fields", .type = CF_CUSTOM, .flags = CF_OMITEMPTY,
	  .off = offsetof(J, fields), .decode = jfields_decode,
	  .dump = jfields_dump, .zero = jfields_zero,
	  .release = jfields_release },
	CF_END
};

static int
jira_check(void *conf, struct config_global *g, struct config_check *chk)
{
	struct jira_conf	*c = conf;

	if (c->summary.tmpl == NULL)
		c->summary.tmpl = xstrdup("{{ template \"jira.default.summary"
		    "\" . }}");
	if (c->description.tmpl == NULL)
		c->description.tmpl = xstrdup("{{ template "
		    "\"jira.default.description\" . }}");
	if (!nconf_nz(c->project))
		return config_check_errf(chk, NULL, "missing project in "
		    "jira_config");
	if (!nconf_nz(c->issue_type))
		return config_check_errf(chk, NULL, "missing issue_type in "
		    "jira_config");
	if (c->api_type == NULL || (strcmp(c->api_type, "auto") != 0 &&
	    strcmp(c->api_type, "cloud") != 0 &&
	    strcmp(c->api_type, "datacenter") != 0))
		return config_check_errf(chk, NULL, "unknown api_type on "
		    "jira_config, must be auto, cloud or datacenter");
	if (!nconf_default(&c->api_url, g->jira_api_url))
		return config_check_errf(chk, NULL, "no global Jira Cloud URL "
		    "set");
	return 0;
}

/* ------------------------------------------------------------ sending */

/*
 * The chain's requests tell their verdict what they are by their note:
 * "S<F|R>" the search (firing or resolved), "W" the issue write (its
 * note then carries "W<method> <path>\n<update body>"), "G<name>\n<key>"
 * the transitions' lookup, "T" the transition.
 */

/* APIURL.JoinPath(elem): the path and elem joined by one "/". */
static char *
jira_join(const char *api_url, const char *elem)
{
	struct nsend_url	 u;
	char			*s;
	size_t			 n;

	nsend_url_parse(&u, api_url);
	n = buf_len(&u.path);
	while (n > 0 && buf_str(&u.path)[n - 1] == '/')
		n--;
	buf_setlen(&u.path, n);
	while (*elem == '/')
		elem++;
	nsend_url_path_add(&u, "/");
	nsend_url_path_add(&u, elem);
	s = nsend_url_string(&u);
	nsend_url_release(&u);
	return s;
}

static bool
jira_host_cloud(const char *api_url)
{
	const char	*h = strstr(api_url, "://"), *end;
	size_t		 n;

	if (h == NULL)
		return false;
	h += 3;
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)) != NULL)
		h = (const char *)memchr(h, '@', (size_t)(end - h)) + 1;
	n = (size_t)(end - h);
	if (n > 0 && memchr(h, ':', n) != NULL && h[0] != '[')
		n = (size_t)((const char *)memchr(h, ':', n) - h);
	return n >= 13 && memcmp(h + n - 13, "atlassian.net", 13) == 0;
}

/* prepareSearchRequest's URL. */
static char *
jira_search_url(const struct jira_conf *c)
{
	char	*s, *p;

	if (strcmp(c->api_type, "datacenter") == 0 ||
	    (strcmp(c->api_type, "auto") == 0 && !jira_host_cloud(c->api_url)))
		return jira_join(c->api_url, "search");
	s = jira_join(c->api_url, "search/jql");
	p = strstr(s, "/rest/api/2/");
	if (p != NULL)
		p[10] = '3';
	return s;
}

/* isAPIv3Path(APIURL.Path) */
static bool
jira_v3(const char *api_url)
{
	struct nsend_url	 u;
	size_t			 n;
	bool			 v3;

	nsend_url_parse(&u, api_url);
	n = buf_len(&u.path);
	while (n > 0 && buf_str(&u.path)[n - 1] == '/')
		n--;
	v3 = n >= 2 && memcmp(buf_str(&u.path) + n - 2, "/3", 2) == 0;
	nsend_url_release(&u);
	return v3;
}

/* Go's %q */
static void
jira_q(struct buf *b, const char *s)
{
	buf_add_goquote(b, s, strlen(s));
}

static void
jira_jql(struct buf *jql, const struct jira_conf *c, bool firing,
    const char *project, const char *label)
{
	int64_t	min = c->reopen_duration / AD_MIN;

	if (nconf_nz(c->wont_fix_resolution)) {
		buf_addstr(jql, "(resolution is EMPTY or resolution != ");
		jira_q(jql, c->wont_fix_resolution);
		buf_addstr(jql, ") and ");
	}
	if (firing && nconf_nz(c->reopen_transition) && min > 0)
		buf_addf(jql, "(resolutiondate is EMPTY OR resolutiondate >= "
		    "-%lldm) and ", (long long)min);
	else
		buf_addstr(jql, "statusCategory != Done and ");
	buf_addstr(jql, "project=");
	jira_q(jql, project);
	buf_addstr(jql, " and labels=");
	jira_q(jql, label);
	buf_addstr(jql, " order by status ASC,resolutiondate DESC");
}

/*
 * Go's json.Compact with HTML escaping, as json.Marshal applies it to
 * a Marshaler's output (the ADF description).
 */
static void
jira_compact(struct buf *b, const char *s, size_t len)
{
	bool	in = false, esc = false;
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!in && strchr(" \t\r\n", ch) != NULL)
			continue;
		if (in && !esc && (ch == '<' || ch == '>' || ch == '&')) {
			buf_addf(b, "\\u00%x", ch);
			continue;
		}
		if (in && i + 2 < len && ch == 0xe2 &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] & 0xfe) == 0xa8) {
			buf_addf(b, "\\u202%c", s[i + 2] == '\xa8' ? '8' : '9');
			i += 2;
			continue;
		}
		buf_addch(b, ch);
		if (in && esc)
			esc = false;
		else if (in && ch == '\\')
			esc = true;
		else if (ch == '"')
			in = !in;
	}
}

/* encoding/json of a float64: the shortest digits that read back, in
 * 'f' form for 1e-6 <= |d| < 1e21, else 'e' with two exponent digits. */
static void
jira_float(struct buf *b, double d)
{
	char	s[64], *e;
	int	p, exp;

	for (p = 1; p < 17; p++) {
		snprintf(s, sizeof(s), "%.*e", p - 1, d);
		if (strtod(s, NULL) == d)
			break;
	}
	snprintf(s, sizeof(s), "%.*e", p - 1, d);
	e = strchr(s, 'e');
	exp = atoi(e + 1);
	if (d != 0 && (fabs(d) < 1e-6 || fabs(d) >= 1e21)) {
		snprintf(s, sizeof(s), "%.*g", p, d);
		e = strchr(s, 'e');
		if (e != NULL && e[2] == '0' && e[3] != '\0')
			memmove(e + 2, e + 3, strlen(e + 3) + 1);
		buf_addstr(b, s);
		return;
	}
	buf_addf(b, "%.*f", exp >= p - 1 ? 0 : p - 1 - exp, d);
}

/* A JSON value as encoding/json writes it: maps with sorted keys. */
static void
jira_json(struct buf *b, const json_t *v)
{
	const char	**keys;
	size_t		  i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		keys = jy_keys(v, &n);
		buf_addch(b, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addch(b, ',');
			njson_str(b, keys[i]);
			buf_addch(b, ':');
			jira_json(b, json_object_get(v, keys[i]));
		}
		buf_addch(b, '}');
		free(keys);
		return;
	case JSON_ARRAY:
		buf_addch(b, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				buf_addch(b, ',');
			jira_json(b, json_array_get(v, i));
		}
		buf_addch(b, ']');
		return;
	case JSON_STRING:
		njson_string(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		buf_addf(b, "%lld", (long long)json_integer_value(v));
		return;
	case JSON_REAL:
		jira_float(b, json_real_value(v));
		return;
	case JSON_TRUE:
		buf_addstr(b, "true");
		return;
	case JSON_FALSE:
		buf_addstr(b, "false");
		return;
	default:
		buf_addstr(b, "null");
	}
}

/*
 * DeepCopyWithTemplate: strings rendered, then read as YAML: what is not
 * a string there (a number, a list, a map, null) replaces the text.
 */
static json_t *
jira_render_value(const json_t *v, struct nsend_tmpl *t, unsigned depth)
{
	const char		*s, *k;
	struct ynode_doc	*doc;
	const struct ynode	*root;
	struct ad_err		 e;
	json_t			*out, *x, *sub;
	size_t			 i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = nsend_text(t, json_string_value(v));
		doc = depth < JIRA_DEPTH_MAX ? ynode_parse(s, strlen(s), &e) :
		    NULL;
		root = doc != NULL ? ynode_root(doc) : NULL;
		out = NULL;
		if (root != NULL)
			out = jy_value(root, 0);
		ynode_doc_free(doc);
		if (out == NULL || json_is_string(out)) {
			json_decref(out);
			out = json_string(s);
		}
		return out != NULL ? out : json_string("");
	case JSON_ARRAY:
		out = json_array();
		for (i = 0; i < json_array_size(v); i++)
			json_array_append_new(out, jira_render_value(
			    json_array_get(v, i), t, depth + 1));
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			sub = jira_render_value(x, t, depth + 1);
			json_object_set_new(out, nsend_text(t, k), sub);
		}
		return out;
	default:
		return json_deep_copy(v);
	}
}

/* The rendered parts of the issue. */
struct jira_issue {
	const char	*summary;	/* truncated; owned by the tmpl */
	struct buf	 description;	/* the JSON value, or empty */
	const char	*issue_type, *priority, *project;
	json_t		*labels;	/* sorted */
	json_t		*fields;	/* custom, rendered */
};

static int
jira_label_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
	    json_string_value(*(json_t *const *)b));
}

/* "<what> template: <error>"; returns -1. */
static int
jira_tmpl_err(struct ad_err *err, const char *what)
{
	ad_err_prefix(err, "%s template", what);
	return -1;
}

/* The description's JSON value (empty when there is none). */
static int
jira_description(struct jira_issue *is, const struct jira_conf *c,
    const char *s, struct ad_err *err)
{
	struct buf	 cut;
	const char	*p;
	size_t		 len;
	json_t		*v;
	int		 rc = 0;

	buf_init(&cut, BUF_NOCAP);
	nsend_truncate_runes(&cut, s, JIRA_DESCRIPTION_MAX);
	if (jira_v3(c->api_url)) {
		len = buf_len(&cut);
		p = nsend_trim_space(buf_str(&cut), &len);
		v = len > 0 ? json_loadb(p, len, JSON_DECODE_ANY, NULL) : NULL;
		if (len > 0 && v == NULL)
			rc = ad_err_set(err, AD_EINVAL, "description template: "
			    "invalid JSON for API v3");
		else if (len > 0)
			jira_compact(&is->description, p, len);
		json_decref(v);
	} else if (buf_len(&cut) > 0) {
		njson_string(&is->description, buf_str(&cut), buf_len(&cut));
	}
	buf_release(&cut);
	return rc;
}

/* The labels rendered, with the group's, sorted (sort.Strings). */
static int
jira_labels(struct jira_issue *is, const struct jira_conf *c,
    struct nsend_tmpl *t, const char *label, struct ad_err *err)
{
	json_t		**arr = xcalloc(c->n_labels + 1, sizeof(*arr));
	const char	 *s;
	size_t		  i, n = 0;
	char		  what[32];
	int		  rc = 0;

	for (i = 0; i < c->n_labels; i++) {
		s = nsend_text(t, c->labels[i]);
		if (t->failed) {
			snprintf(what, sizeof(what), "labels[%zu]", i);
			rc = jira_tmpl_err(err, what);
			break;
		}
		arr[n++] = json_string(s);
	}
	arr[n++] = json_string(label);
	qsort(arr, n, sizeof(*arr), jira_label_cmp);
	is->labels = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(is->labels, arr[i]);
	free(arr);
	return rc;
}

/*
 * prepareIssueRequestBody's renderings in its order; on a template
 * error, err holds "<field> template: <error>".
 */
static int
jira_issue_render(struct jira_issue *is, const struct jira_conf *c,
    struct nsend_tmpl *t, const char *label, struct ad_err *err)
{
	struct buf	 cut;
	const char	*s;

	buf_init(&is->description, BUF_NOCAP);
	s = nsend_text(t, c->summary.tmpl);
	if (t->failed)
		return jira_tmpl_err(err, "summary");
	buf_init(&cut, BUF_NOCAP);
	nsend_truncate_runes(&cut, s, JIRA_SUMMARY_MAX);
	is->summary = nsend_keep(t, buf_detach(&cut, NULL));
	is->project = nsend_text(t, c->project);
	if (t->failed)
		return jira_tmpl_err(err, "project");
	is->issue_type = nsend_text(t, c->issue_type);
	if (t->failed)
		return jira_tmpl_err(err, "issue_type");
	is->fields = c->fields != NULL ? jira_render_value(c->fields, t, 0) :
	    NULL;
	if (t->failed)
		return jira_tmpl_err(err, "fields");
	s = nsend_text(t, c->description.tmpl);
	if (t->failed)
		return jira_tmpl_err(err, "description");
	if (jira_description(is, c, s, err) == -1)
		return -1;
	if (jira_labels(is, c, t, label, err) == -1)
		return -1;
	is->priority = nsend_text(t, c->priority);
	if (t->failed)
		return jira_tmpl_err(err, "priority");
	return 0;
}

static void
jira_issue_release(struct jira_issue *is)
{
	buf_release(&is->description);
	json_decref(is->labels);
	json_decref(is->fields);
}

/* issue{Fields: ...} as json.Encoder writes it: the fields' map with
 * sorted keys, the custom ones merged over the standard ones. */
static void
jira_issue_body(struct buf *b, const struct jira_issue *is, bool summary,
    bool description)
{
	json_t		*m = json_object(), *o;
	const char	**keys;
	size_t		  i, n;

	/* a placeholder for the description's raw JSON */
	if (description && buf_len(&is->description) > 0)
		json_object_set_new(m, "description", json_null());
	o = json_object();
	json_object_set_new(o, "name", json_string(is->issue_type));
	if (is->issue_type[0] == '\0')
		json_object_del(o, "name");
	json_object_set_new(m, "issuetype", o);
	json_object_set(m, "labels", is->labels);
	if (is->priority[0] != '\0') {
		o = json_pack("{s:s}", "name", is->priority);
		json_object_set_new(m, "priority", o);
	}
	json_object_set_new(m, "project", json_pack("{s:s}", "key",
	    is->project));
	if (summary)
		json_object_set_new(m, "summary", json_string(is->summary));
	if (is->fields != NULL)
		json_object_update(m, is->fields);
	keys = jy_keys(m, &n);
	buf_addstr(b, "{\"fields\":{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(b, ',');
		njson_str(b, keys[i]);
		buf_addch(b, ':');
		if (strcmp(keys[i], "description") == 0 &&
		    json_is_null(json_object_get(m, keys[i])) &&
		    !(is->fields != NULL &&
		    json_object_get(is->fields, "description") != NULL))
			buf_add(b, buf_str(&is->description),
			    buf_len(&is->description));
		else
			jira_json(b, json_object_get(m, keys[i]));
	}
	buf_addstr(b, "}}\n");
	free(keys);
	json_decref(m);
}

static void
jira_headers(struct notify_req *r, const struct jira_conf *c)
{
	r->http = c->base.http;
	notify_req_add_header(r, "Content-Type: application/json");
	notify_req_add_header(r, "Accept-Language: en");
	/* upstream's Jira requests go without notify's User-Agent */
	notify_req_add_header(r, "User-Agent: Go-http-client/1.1");
}

static bool
jira_firing(const struct notify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->n_alerts; i++)
		if (!alert_resolved_at(ctx->alerts[i], ctx->now))
			return true;
	return false;
}

static int
jira_prepare(const void *conf, const struct notify_ctx *ctx,
    struct notify_req *req, struct ad_err *err)
{
	const struct jira_conf	*c = conf;
	struct notify_req	*w, *g, *tr;
	struct nsend_tmpl	 t;
	struct jira_issue	 is;
	struct buf		 jql, upd;
	char			 hash[NSEND_KEY_HASH_LEN], label[80];
	const char		*project;
	bool			 firing = jira_firing(ctx);
	int			 rc = -1;

	memset(&is, 0, sizeof(is));
	buf_init(&jql, BUF_NOCAP);
	buf_init(&upd, BUF_NOCAP);
	nsend_tmpl_init(&t, ctx, err);
	nsend_key_hash(ctx->group_key, hash);
	snprintf(label, sizeof(label), "ALERT{%s}", hash);
	project = nsend_text(&t, c->project);
	if (t.failed) {
		ad_err_prefix(err, "failed to look up existing issues: invalid "
		    "project template or value");
		goto out;
	}
	jira_jql(&jql, c, firing, project, label);
	if (jira_issue_render(&is, c, &t, label, err) == -1)
		goto out;

	/* 1. the search */
	req->reprepare = true;
	req->url = jira_search_url(c);
	jira_headers(req, c);
	buf_addstr(&req->body, "{\"fields\":[\"status\"],\"jql\":");
	njson_str(&req->body, buf_str(&jql));
	buf_addstr(&req->body, ",\"maxResults\":2}\n");
	req->verdict_note = xstrdup(firing ? "SF" : "SR");
	req->resp_max = JIRA_RESP_MAX;
	/* 2. the write: a new issue unless the search finds one */
	w = notify_req_chain(req);
	w->url = jira_join(c->api_url, "issue");
	jira_headers(w, c);
	jira_issue_body(&w->body, &is, true, true);
	buf_addstr(&upd, "W");
	jira_issue_body(&upd, &is, c->summary.has_update ?
	    c->summary.update : true, c->description.has_update ?
	    c->description.update : true);
	w->verdict_note = buf_detach(&upd, NULL);
	/* 3. and 4.: the transition, completed or dropped by the search */
	g = notify_req_chain(req);
	g->method = "GET";
	g->resp_max = JIRA_RESP_MAX;
	jira_headers(g, c);
	tr = notify_req_chain(req);
	jira_headers(tr, c);
	tr->verdict_note = xstrdup("T");
	rc = 0;
out:
	jira_issue_release(&is);
	buf_release(&jql);
	buf_release(&upd);
	nsend_tmpl_release(&t);
	return rc;
}

/* ------------------------------------------------------------ verdict */

/* Drops what follows next. */
static void
jira_chain_cut(struct notify_req *next)
{
	struct notify_req	*rest = next->next;

	next->next = NULL;
	notify_req_release(rest);
	free(rest);
}

/* notify.Retrier{RetryCodes: 429}; a transport error is not retried
 * (upstream's doAPIRequest returns it with shouldRetry false). */
static enum notify_verdict
jira_status(const struct notify_resp *r, const char *prefix,
    struct ad_err *err)
{
	if (r->status == 0) {
		ad_err_set(err, AD_EIO, "%s%s", prefix, r->curl_error != NULL ?
		    r->curl_error : "request failed");
		return NOTIFY_FAIL;
	}
	if (r->status / 100 == 2)
		return NOTIFY_OK;
	if (r->body_len > 0)
		ad_err_set(err, AD_EIO, "%sunexpected status code %ld: %.*s",
		    prefix, r->status, (int)r->body_len, r->body);
	else
		ad_err_set(err, AD_EIO, "%sunexpected status code %ld",
		    prefix, r->status);
	return r->status / 100 == 5 || r->status == 429 ? NOTIFY_RETRY :
	    NOTIFY_FAIL;
}

/* The answer's JSON, or NULL with Go-like wording in err. */
static json_t *
jira_decode(const struct notify_resp *r, const char *prefix,
    struct ad_err *err)
{
	json_error_t	 je;
	json_t		*v;

	v = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, &je);
	if (v == NULL) {
		ad_err_set(err, AD_EIO, "%s%s", prefix, r->body_len == 0 ?
		    "unexpected end of JSON input" : je.text);
		return NULL;
	}
	return v;
}

/* After the search: the write made an update of key, and the transition
 * set up or dropped. */
static void
jira_found(const struct jira_conf *c, struct notify_req *w, const char *key,
    const char *category, bool firing)
{
	struct notify_req	*g = w->next;
	const char		*tname = NULL;
	struct buf		 p;

	buf_init(&p, BUF_NOCAP);
	buf_addf(&p, "issue/%s", key);
	free(w->url);
	w->url = jira_join(c->api_url, buf_str(&p));
	w->method = "PUT";
	buf_reset(&w->body);
	buf_addstr(&w->body, w->verdict_note + 1);
	free(w->verdict_note);
	buf_reset(&p);
	buf_addf(&p, "WPUT issue/%s", key);
	w->verdict_note = buf_detach(&p, NULL);
	if (category != NULL && firing && strcmp(category, "done") == 0)
		tname = c->reopen_transition;
	else if (category != NULL && !firing && strcmp(category, "done") != 0)
		tname = c->resolve_transition;
	if (key[0] == '\0' || !nconf_nz(tname)) {
		jira_chain_cut(w);
		return;
	}
	buf_init(&p, BUF_NOCAP);
	buf_addf(&p, "issue/%s/transitions", key);
	g->url = jira_join(c->api_url, buf_str(&p));
	g->next->url = xstrdup(g->url);
	buf_reset(&p);
	buf_addf(&p, "G%s\n%s", tname, key);
	g->verdict_note = buf_detach(&p, NULL);
}

static enum notify_verdict
jira_search_verdict(const struct jira_conf *c, const struct notify_resp *r,
    struct ad_err *err)
{
	static const char	 pre[] = "failed to look up existing issues: ";
	struct notify_req	*w = r->next;
	const json_t		*issue, *st, *cat;
	const char		*key;
	bool			 firing = r->verdict_note[1] == 'F';
	enum notify_verdict	 v;
	json_t			*root;

	v = jira_status(r, "failed to look up existing issues: HTTP request "
	    "to JIRA API: ", err);
	if (v != NOTIFY_OK)
		return v;
	root = jira_decode(r, pre, err);
	if (root == NULL)
		return NOTIFY_FAIL;
	issue = json_array_get(json_object_get(root, "issues"), 0);
	if (issue == NULL) {
		if (!firing) {
			/* no issue for resolved alerts: nothing to do */
			json_decref(root);
			return NOTIFY_DONE;
		}
		free(w->verdict_note);
		w->verdict_note = xstrdup("WPOST issue");
		jira_chain_cut(w);
		json_decref(root);
		return NOTIFY_OK;
	}
	key = json_string_value(json_object_get(issue, "key"));
	st = json_object_get(json_object_get(issue, "fields"), "status");
	cat = json_object_get(json_object_get(st, "statusCategory"), "key");
	jira_found(c, w, key != NULL ? key : "", json_is_object(st) ?
	    (json_string_value(cat) != NULL ? json_string_value(cat) : "") :
	    NULL, firing);
	json_decref(root);
	return NOTIFY_OK;
}

/* The transitions of the issue: the id of the one named, in the next
 * request's body. */
static enum notify_verdict
jira_lookup_verdict(const struct notify_resp *r, struct ad_err *err)
{
	const char	*name = r->verdict_note + 1, *nl, *id;
	json_t		*root, *tr;
	size_t		 i, n;

	nl = strchr(name, '\n');
	n = (size_t)(nl - name);
	if (jira_status(r, "", err) != NOTIFY_OK)
		return jira_status(r, "", err);
	root = jira_decode(r, "", err);
	if (root == NULL)
		return NOTIFY_FAIL;
	json_array_foreach(json_object_get(root, "transitions"), i, tr) {
		const char *tn = json_string_value(json_object_get(tr, "name"));

		if (tn == NULL || strlen(tn) != n || memcmp(tn, name, n) != 0)
			continue;
		id = json_string_value(json_object_get(tr, "id"));
		buf_reset(&r->next->body);
		buf_addstr(&r->next->body, "{\"transition\":{");
		if (id != NULL && id[0] != '\0') {
			buf_addstr(&r->next->body, "\"id\":");
			njson_str(&r->next->body, id);
		}
		buf_addstr(&r->next->body, "}}\n");
		json_decref(root);
		return NOTIFY_OK;
	}
	json_decref(root);
	ad_err_set(err, AD_EINVAL, "can't find transition %.*s for issue %s",
	    (int)n, name, nl + 1);
	return NOTIFY_FAIL;
}

static enum notify_verdict
jira_verdict(const void *conf, const struct notify_resp *r,
    struct ad_err *err)
{
	const struct jira_conf	*c = conf;
	const char		*note = r->verdict_note;
	struct buf		 pre;
	enum notify_verdict	 v;
	char			 method[8];
	const char		*sp;

	if (note == NULL)
		return jira_status(r, "", err);
	switch (note[0]) {
	case 'S':
		return jira_search_verdict(c, r, err);
	case 'W':
		sp = strchr(note, ' ');
		snprintf(method, sizeof(method), "%.*s", sp != NULL ?
		    (int)(sp - note - 1) : 4, note + 1);
		buf_init(&pre, BUF_NOCAP);
		buf_addf(&pre, "failed to %s request to ", method);
		jira_q(&pre, sp != NULL ? sp + 1 : "issue");
		buf_addstr(&pre, ": ");
		v = jira_status(r, buf_str(&pre), err);
		buf_release(&pre);
		return v;
	case 'G':
		return jira_lookup_verdict(r, err);
	default:
		return jira_status(r, "", err);
	}
}

const struct notifier_type notifier_jira = {
	.name = "jira",
	.config_key = "jira_configs",
	.send_resolved_default = true,
	.since = "0.28",
	.fields = jira_fields,
	.conf_size = sizeof(struct jira_conf),
	.check = jira_check,
	.prepare = jira_prepare,
	.verdict = jira_verdict,
};
