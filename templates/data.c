/*
 * template.Data: what notification templates see, built like
 * Alertmanager's Template.Data (template/template.go, 0.25): the receiver
 * name passed through regexp.QuoteMeta (a quirk users see as
 * "team\-x"), the group status, each alert's status at `now` with EndsAt
 * hidden (zero time) while it still fires (types.Alerts), and common
 * labels/annotations as the intersection over the group.  The daemon
 * passes *template.Data ({{ printf "%v" . }} prints "&{...}").
 *
 * Also the JSON form amtool reads (template render --template.data,
 * encoding/json into template.Data, case-insensitive keys) and amtool's
 * built-in sample data.
 */
#include "templates/tmpl.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "routing/labels.h"
#include "templates/tmpl_priv.h"

#define DATA_ARENA_MAX	((size_t)1 << 30)

struct tmpl_data {
	struct tarena	ar;
	struct tval	dot;
};

static struct tmpl_data *
data_alloc(void)
{
	struct tmpl_data	*d = calloc(1, sizeof(*d));

	if (d == NULL)
		abort();
	tarena_init(&d->ar, DATA_ARENA_MAX);
	return d;
}

void
tmpl_data_free(struct tmpl_data *d)
{
	if (d == NULL)
		return;
	tarena_release(&d->ar);
	free(d);
}

static void *
dalloc(struct tmpl_data *d, size_t n)
{
	void	*p = tarena_zalloc(&d->ar, n);

	if (p == NULL)
		abort();	/* 1 GiB of template data: treat as OOM */
	return p;
}

static struct tval
dstr(struct tmpl_data *d, const char *s, size_t n)
{
	char	*p = dalloc(d, n + 1);

	memcpy(p, s, n);
	return tv_str(&tt_string, p, n);
}

static struct tval
kv_from_labels(struct tmpl_data *d, const struct labels *ls)
{
	struct tmap	*m = dalloc(d, sizeof(*m) +
			    sizeof(m->e[0]) * labels_len(ls));
	struct tval	 v = { .t = &tt_kv };
	uint32_t	 i;

	for (i = 0; i < labels_len(ls); i++) {
		m->e[i].k.p = labels_name(ls, i);
		m->e[i].k.n = strlen(labels_name(ls, i));
		m->e[i].v = tv_str(&tt_string, labels_value(ls, i),
		    strlen(labels_value(ls, i)));
	}
	m->n = tmap_sort(m->e, labels_len(ls));
	v.u.m = m;
	return v;
}

static struct tval
time_val(struct tmpl_data *d, ad_time_t t)
{
	struct gtime	*g = dalloc(d, sizeof(*g));
	struct tval	 v = { .t = &tt_time };

	if (t == AD_TIME_ZERO)
		*g = gtime_zero;
	else {
		g->sec = t / AD_SEC;
		g->nsec = (int32_t)(t % AD_SEC);
		if (g->nsec < 0) {
			g->nsec += (int32_t)AD_SEC;
			g->sec--;
		}
		g->loc = gloc_utc();
	}
	v.u.tm = g;
	return v;
}

/* regexp.QuoteMeta. */
static struct tval
quote_meta(struct tmpl_data *d, const char *s)
{
	struct buf	b;
	struct tval	v;

	buf_init(&b, BUF_NOCAP);
	for (; *s != '\0'; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s) != NULL)
			buf_addch(&b, '\\');
		buf_addch(&b, *s);
	}
	v = dstr(d, buf_str(&b), buf_len(&b));
	buf_release(&b);
	return v;
}

static struct tval
alert_val(struct tmpl_data *d, const struct alert *a, ad_time_t now)
{
	struct tval	*f = dalloc(d, sizeof(*f) * TA_NFIELDS);
	struct tval	 v = { .t = &tt_alert };
	bool		 resolved = alert_resolved_at(a, now);
	char		 fp[FP_STR_MAX];

	f[TA_STATUS] = resolved ? tv_str(&tt_string, "resolved", 8) :
	    tv_str(&tt_string, "firing", 6);
	f[TA_LABELS] = kv_from_labels(d, alert_labels(a));
	f[TA_ANNOTATIONS] = kv_from_labels(d, alert_annotations(a));
	f[TA_STARTS_AT] = time_val(d, a->starts_at);
	/* types.Alerts: an end not reached yet is not exposed. */
	f[TA_ENDS_AT] = time_val(d, resolved ? a->ends_at : AD_TIME_ZERO);
	f[TA_GENERATOR_URL] = tv_str(&tt_string, alert_generator_url(a),
	    strlen(alert_generator_url(a)));
	fp_format(a->fp, fp);
	f[TA_FINGERPRINT] = dstr(d, fp, strlen(fp));
	v.u.fv = f;
	return v;
}

/* Pairs of m whose value is the same in every alert's set. */
static struct tval
common_kv(struct tmpl_data *d, struct alert *const *alerts, size_t n,
    bool annotations)
{
	const struct labels	*first;
	struct tmap		*m;
	struct tval		 v = { .t = &tt_kv };
	uint32_t		 i;
	size_t			 k = 0, j;

	first = annotations ? alert_annotations(alerts[0]) :
	    alert_labels(alerts[0]);
	m = dalloc(d, sizeof(*m) + sizeof(m->e[0]) * labels_len(first));
	for (i = 0; i < labels_len(first); i++) {
		const char *name = labels_name(first, i);
		const char *val = labels_value(first, i);

		for (j = 1; j < n; j++) {
			const char *o = labels_get(annotations ?
			    alert_annotations(alerts[j]) :
			    alert_labels(alerts[j]), name);

			/* Go compares a missing key as "". */
			if (strcmp(o != NULL ? o : "", val) != 0)
				break;
		}
		if (j < n)
			continue;
		m->e[k].k.p = name;
		m->e[k].k.n = strlen(name);
		m->e[k].v = tv_str(&tt_string, val, strlen(val));
		k++;
	}
	m->n = tmap_sort(m->e, k);
	v.u.m = m;
	return v;
}

static struct tval
empty_kv(struct tmpl_data *d)
{
	struct tval	v = { .t = &tt_kv };

	v.u.m = dalloc(d, sizeof(struct tmap));
	return v;
}

struct tmpl_data *
tmpl_data_new(const char *receiver, struct labels *group_labels,
    struct alert *const *alerts, size_t n_alerts, const char *external_url,
    ad_time_t now)
{
	struct tmpl_data	*d = data_alloc();
	struct tval		*f = dalloc(d, sizeof(*f) * TD_NFIELDS);
	struct tslice		*as;
	bool			 firing = false;
	size_t			 i;

	as = dalloc(d, sizeof(*as) + sizeof(as->v[0]) * n_alerts);
	as->n = n_alerts;
	for (i = 0; i < n_alerts; i++) {
		as->v[i] = alert_val(d, alerts[i], now);
		firing = firing || !alert_resolved_at(alerts[i], now);
	}
	f[TD_RECEIVER] = quote_meta(d, receiver != NULL ? receiver : "");
	f[TD_STATUS] = firing ? tv_str(&tt_string, "firing", 6) :
	    tv_str(&tt_string, "resolved", 8);
	f[TD_ALERTS].t = &tt_alerts;
	f[TD_ALERTS].u.sl = as;
	f[TD_GROUP_LABELS] = group_labels != NULL ?
	    kv_from_labels(d, group_labels) : empty_kv(d);
	f[TD_COMMON_LABELS] = n_alerts > 0 ? common_kv(d, alerts, n_alerts,
	    false) : empty_kv(d);
	f[TD_COMMON_ANNOTATIONS] = n_alerts > 0 ? common_kv(d, alerts,
	    n_alerts, true) : empty_kv(d);
	f[TD_EXTERNAL_URL] = external_url != NULL ? dstr(d, external_url,
	    strlen(external_url)) : tv_str(&tt_string, "", 0);
	d->dot.t = &tt_data_ptr;
	d->dot.u.fv = f;
	return d;
}

/* ------------------------------------------------------------- JSON --- */

static int
json_type_err(const char *what, const json_t *j, const char *field,
    const char *type, struct ad_err *err)
{
	const char	*k = "value";

	(void)what;
	switch (json_typeof(j)) {
	case JSON_OBJECT: k = "object"; break;
	case JSON_ARRAY: k = "array"; break;
	case JSON_STRING: k = "string"; break;
	case JSON_INTEGER: case JSON_REAL: k = "number"; break;
	case JSON_TRUE: case JSON_FALSE: k = "bool"; break;
	case JSON_NULL: k = "null"; break;
	}
	return ad_err_set(err, AD_EINVAL, "json: cannot unmarshal %s into Go "
	    "struct field %s of type %s", k, field, type);
}

static int
json_kv(struct tmpl_data *d, const json_t *j, const char *field,
    struct tval *out, struct ad_err *err)
{
	struct tmap	*m;
	const char	*k;
	json_t		*v;
	size_t		 n = 0;

	out->t = &tt_kv;
	out->u.m = NULL;
	if (json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return json_type_err("", j, field, "template.KV", err);
	m = dalloc(d, sizeof(*m) + sizeof(m->e[0]) * json_object_size(j));
	json_object_foreach((json_t *)j, k, v) {
		if (json_is_null(v))
			continue;
		if (!json_is_string(v))
			return json_type_err("", v, field, "string", err);
		m->e[n].k = dstr(d, k, strlen(k)).u.s;
		m->e[n].v = dstr(d, json_string_value(v),
		    json_string_length(v));
		n++;
	}
	m->n = tmap_sort(m->e, n);
	out->u.m = m;
	return 0;
}

static int
json_str(struct tmpl_data *d, const json_t *j, const char *field,
    struct tval *out, struct ad_err *err)
{
	if (json_is_null(j))
		return 0;
	if (!json_is_string(j))
		return json_type_err("", j, field, "string", err);
	*out = dstr(d, json_string_value(j), json_string_length(j));
	return 0;
}

static int
json_time(struct tmpl_data *d, const json_t *j, struct tval *out,
    struct ad_err *err)
{
	static const char layout[] = "\"2006-01-02T15:04:05Z07:00\"";
	struct gtime	*g;
	struct buf	 raw, e;
	char		*txt;

	if (json_is_null(j))
		return 0;
	buf_init(&raw, BUF_NOCAP);
	if (json_is_string(j)) {
		buf_addch(&raw, '"');
		buf_add(&raw, json_string_value(j), json_string_length(j));
		buf_addch(&raw, '"');
	} else {
		txt = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		buf_addstr(&raw, txt != NULL ? txt : "");
		free(txt);
	}
	g = dalloc(d, sizeof(*g));
	buf_init(&e, 2048);
	if (gtime_parse(layout, sizeof(layout) - 1, buf_str(&raw),
	    buf_len(&raw), gloc_local(), &d->ar, g, &e) != 0) {
		ad_err_set(err, AD_EINVAL, "%s", buf_str(&e));
		buf_release(&raw);
		buf_release(&e);
		return -1;
	}
	buf_release(&raw);
	buf_release(&e);
	out->t = &tt_time;
	out->u.tm = g;
	return 0;
}

/* encoding/json field matching: exact, then case-insensitive. */
static const json_t *
jfield(const json_t *obj, const char *name)
{
	const char	*k;
	json_t		*v, *found = NULL;

	v = json_object_get(obj, name);
	if (v != NULL)
		return v;
	json_object_foreach((json_t *)obj, k, v) {
		if (strcasecmp(k, name) == 0)
			found = v;
	}
	return found;
}

static const char *const alert_keys[] = { "status", "labels", "annotations",
	"startsAt", "endsAt", "generatorURL", "fingerprint" };

static int
json_alert(struct tmpl_data *d, const json_t *j, struct tval *out,
    struct ad_err *err)
{
	struct tval	*f = dalloc(d, sizeof(*f) * TA_NFIELDS);
	const json_t	*v;
	char		 where[64];
	int		 i;

	for (i = 0; i < TA_NFIELDS; i++)
		f[i] = tv_zero(tt_alert.ftypes[i], &d->ar);
	out->t = &tt_alert;
	out->u.fv = f;
	if (json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return json_type_err("", j, "Data.alerts", "template.Alert",
		    err);
	for (i = 0; i < TA_NFIELDS; i++) {
		v = jfield(j, alert_keys[i]);
		if (v == NULL)
			continue;
		snprintf(where, sizeof(where), "Alert.alerts.%s",
		    alert_keys[i]);
		if (i == TA_LABELS || i == TA_ANNOTATIONS) {
			if (json_kv(d, v, where, &f[i], err) != 0)
				return -1;
		} else if (i == TA_STARTS_AT || i == TA_ENDS_AT) {
			if (json_time(d, v, &f[i], err) != 0)
				return -1;
		} else if (json_str(d, v, where, &f[i], err) != 0)
			return -1;
	}
	return 0;
}

static int
json_alerts(struct tmpl_data *d, const json_t *j, struct tval *out,
    struct ad_err *err)
{
	struct tslice	*s;
	size_t		 i;

	out->t = &tt_alerts;
	out->u.sl = NULL;
	if (json_is_null(j))
		return 0;
	if (!json_is_array(j))
		return json_type_err("", j, "Data.alerts", "template.Alerts",
		    err);
	s = dalloc(d, sizeof(*s) + sizeof(s->v[0]) * json_array_size(j));
	s->n = json_array_size(j);
	for (i = 0; i < s->n; i++) {
		if (json_alert(d, json_array_get(j, i), &s->v[i], err) != 0)
			return -1;
	}
	out->u.sl = s;
	return 0;
}

static const char *const data_keys[] = { "receiver", "status", "alerts",
	"groupLabels", "commonLabels", "commonAnnotations", "externalURL" };

struct tmpl_data *
tmpl_data_from_json(const char *json, size_t len, struct ad_err *err)
{
	struct tmpl_data	*d;
	struct tval		*f;
	json_error_t		 je;
	const json_t		*v;
	json_t			*root;
	char			 where[64];
	int			 i, rc = 0;

	root = json_loadb(json, len, JSON_DECODE_ANY, &je);
	if (root == NULL) {
		ad_err_set(err, AD_EINVAL, "invalid JSON: %s (line %d)",
		    je.text, je.line);
		return NULL;
	}
	d = data_alloc();
	f = dalloc(d, sizeof(*f) * TD_NFIELDS);
	for (i = 0; i < TD_NFIELDS; i++)
		f[i] = tv_zero(tt_data.ftypes[i], &d->ar);
	d->dot.t = &tt_data;
	d->dot.u.fv = f;
	if (!json_is_object(root) && !json_is_null(root)) {
		rc = json_type_err("", root, "", "template.Data", err);
		if (err != NULL)
			snprintf(err->msg, sizeof(err->msg), "json: cannot "
			    "unmarshal %s into Go value of type template.Data",
			    json_is_array(root) ? "array" :
			    json_is_string(root) ? "string" : "number");
	}
	for (i = 0; rc == 0 && json_is_object(root) && i < TD_NFIELDS; i++) {
		v = jfield(root, data_keys[i]);
		if (v == NULL)
			continue;
		snprintf(where, sizeof(where), "Data.%s", data_keys[i]);
		if (i == TD_ALERTS)
			rc = json_alerts(d, v, &f[i], err);
		else if (i == TD_RECEIVER || i == TD_STATUS ||
		    i == TD_EXTERNAL_URL)
			rc = json_str(d, v, where, &f[i], err);
		else
			rc = json_kv(d, v, where, &f[i], err);
	}
	json_decref(root);
	if (rc != 0) {
		tmpl_data_free(d);
		return NULL;
	}
	return d;
}

/* ------------------------------------------------------ amtool sample --- */

static struct tval
kv_of(struct tmpl_data *d, const char *const *kv)
{
	struct tmap	*m;
	size_t		 n = 0, i;

	while (kv[2 * n] != NULL)
		n++;
	m = dalloc(d, sizeof(*m) + sizeof(m->e[0]) * n);
	for (i = 0; i < n; i++) {
		m->e[i].k.p = kv[2 * i];
		m->e[i].k.n = strlen(kv[2 * i]);
		m->e[i].v = tv_str(&tt_string, kv[2 * i + 1],
		    strlen(kv[2 * i + 1]));
	}
	m->n = tmap_sort(m->e, n);
	return (struct tval){ .t = &tt_kv, .u.m = m };
}

static struct tval
sample_time(struct tmpl_data *d, const struct gtime *now, int64_t off)
{
	struct gtime	*g = dalloc(d, sizeof(*g));

	*g = *now;
	gtime_add(g, off);
	return (struct tval){ .t = &tt_time, .u.tm = g };
}

static struct tval
sample_alert(struct tmpl_data *d, const struct gtime *now, int which)
{
	static const char *const l1[] = { "label1", "value1", "label2",
		"value2", "instance", "foo.bar:1234", "commonlabelkey1",
		"commonlabelvalue1", "commonlabelkey2", "commonlabelvalue2",
		NULL };
	static const char *const a1[] = { "annotation1", "value1",
		"annotation2", "value2", "commonannotationkey1",
		"commonannotationvalue1", "commonannotationkey2",
		"commonannotationvalue2", NULL };
	static const char *const l2[] = { "foo", "bar", "baz", "qux",
		"commonlabelkey1", "commonlabelvalue1", "commonlabelkey2",
		"commonlabelvalue2", NULL };
	static const char *const a2[] = { "aaa", "bbb", "ccc", "ddd",
		"commonannotationkey1", "commonannotationvalue1",
		"commonannotationkey2", "commonannotationvalue2", NULL };
	struct tval	*f = dalloc(d, sizeof(*f) * TA_NFIELDS);

	f[TA_STATUS] = tv_str(&tt_string, "alertstatus", 11);
	f[TA_LABELS] = kv_of(d, which == 0 ? l1 : l2);
	f[TA_ANNOTATIONS] = kv_of(d, which == 0 ? a1 : a2);
	f[TA_STARTS_AT] = sample_time(d, now, (which == 0 ? -5 : -10) *
	    AD_MIN);
	f[TA_ENDS_AT] = sample_time(d, now, 0);
	f[TA_GENERATOR_URL] = tv_str(&tt_string, "https://generatorurl.com",
	    24);
	f[TA_FINGERPRINT] = tv_str(&tt_string, which == 0 ? "fingerprint1" :
	    "fingerprint2", 12);
	return (struct tval){ .t = &tt_alert, .u.fv = f };
}

/* amtool template render's built-in data (cli/template_render.go). */
struct tmpl_data *
tmpl_data_sample(void)
{
	static const char *const gl[] = { "grouplabelkey1", "grouplabelvalue1",
		"grouplabelkey2", "grouplabelvalue2", NULL };
	static const char *const cl[] = { "commonlabelkey1",
		"commonlabelvalue1", "commonlabelkey2", "commonlabelvalue2",
		NULL };
	static const char *const ca[] = { "commonannotationkey1",
		"commonannotationvalue1", "commonannotationkey2",
		"commonannotationvalue2", NULL };
	struct tmpl_data	*d = data_alloc();
	struct tval		*f = dalloc(d, sizeof(*f) * TD_NFIELDS);
	struct tslice		*as;
	struct gtime		 now;

	gtime_now(&now);
	as = dalloc(d, sizeof(*as) + 2 * sizeof(as->v[0]));
	as->n = 2;
	as->v[0] = sample_alert(d, &now, 0);
	as->v[1] = sample_alert(d, &now, 1);
	f[TD_RECEIVER] = tv_str(&tt_string, "receiver", 8);
	f[TD_STATUS] = tv_str(&tt_string, "alertstatus", 11);
	f[TD_ALERTS] = (struct tval){ .t = &tt_alerts, .u.sl = as };
	f[TD_GROUP_LABELS] = kv_of(d, gl);
	f[TD_COMMON_LABELS] = kv_of(d, cl);
	f[TD_COMMON_ANNOTATIONS] = kv_of(d, ca);
	f[TD_EXTERNAL_URL] = tv_str(&tt_string, "https://example.com", 19);
	d->dot.t = &tt_data;
	d->dot.u.fv = f;
	return d;
}

const struct tval *
tmpl_data_dot(const struct tmpl_data *d)
{
	return &d->dot;
}
