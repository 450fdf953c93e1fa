/*
 * Re-encoding API answers as amtool's -o json prints them (gojson.h).
 * The field tables mirror the go-openapi models of Alertmanager 0.25's
 * API v2: GettableAlert is the concatenation of its own fields and
 * models.Alert's, GettableSilence of its own and models.Silence's.
 */
#include "alertd/cli/gojson.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/gotime.h"
#include "alertd/err.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"

static const struct gojson_field receiver[] = {
	{ "name", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

static const struct gojson_field alert_status[] = {
	{ "inhibitedBy", GOJSON_STRS, NULL },
	{ "silencedBy", GOJSON_STRS, NULL },
	{ "state", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

const struct gojson_field gojson_gettable_alert[] = {
	{ "annotations", GOJSON_MAP, NULL },
	{ "endsAt", GOJSON_TIME, NULL },
	{ "fingerprint", GOJSON_STR, NULL },
	{ "receivers", GOJSON_OBJS, receiver },
	{ "startsAt", GOJSON_TIME, NULL },
	{ "status", GOJSON_OBJ, alert_status },
	{ "updatedAt", GOJSON_TIME, NULL },
	/* models.Alert */
	{ "generatorURL", GOJSON_STR_OMIT, NULL },
	{ "labels", GOJSON_MAP, NULL },
	{ NULL, GOJSON_END, NULL }
};

static const struct gojson_field silence_status[] = {
	{ "state", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

static const struct gojson_field matcher[] = {
	{ "isEqual", GOJSON_BOOL_OMIT, NULL },
	{ "isRegex", GOJSON_BOOL, NULL },
	{ "name", GOJSON_STR, NULL },
	{ "value", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

const struct gojson_field gojson_gettable_silence[] = {
	{ "id", GOJSON_STR, NULL },
	{ "status", GOJSON_OBJ, silence_status },
	{ "updatedAt", GOJSON_TIME, NULL },
	/* models.Silence */
	{ "comment", GOJSON_STR, NULL },
	{ "createdBy", GOJSON_STR, NULL },
	{ "endsAt", GOJSON_TIME, NULL },
	{ "matchers", GOJSON_OBJS, matcher },
	{ "startsAt", GOJSON_TIME, NULL },
	{ NULL, GOJSON_END, NULL }
};

static const struct gojson_field peer_status[] = {
	{ "address", GOJSON_STR, NULL },
	{ "name", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

const struct gojson_field gojson_cluster_status[] = {
	{ "name", GOJSON_STR_OMIT, NULL },
	{ "peers", GOJSON_OBJS, peer_status },
	{ "status", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

static const struct gojson_field am_config[] = {
	{ "original", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

static const struct gojson_field version_info[] = {
	{ "branch", GOJSON_STR, NULL },
	{ "buildDate", GOJSON_STR, NULL },
	{ "buildUser", GOJSON_STR, NULL },
	{ "goVersion", GOJSON_STR, NULL },
	{ "revision", GOJSON_STR, NULL },
	{ "version", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

const struct gojson_field gojson_status[] = {
	{ "cluster", GOJSON_OBJ, gojson_cluster_status },
	{ "config", GOJSON_OBJ, am_config },
	{ "uptime", GOJSON_TIME, NULL },
	{ "versionInfo", GOJSON_OBJ, version_info },
	{ NULL, GOJSON_END, NULL }
};

int
gojson_string(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t	i = 0;
	int	rc = 0;

	rc |= buf_addch(out, '"');
	while (i < len) {
		uint32_t	r;
		int		n;

		if (p[i] < 0x80) {
			unsigned char c = p[i++];

			if (c == '"' || c == '\\') {
				rc |= buf_addch(out, '\\');
				rc |= buf_addch(out, c);
			} else if (c == '\n') {
				rc |= buf_addstr(out, "\\n");
			} else if (c == '\r') {
				rc |= buf_addstr(out, "\\r");
			} else if (c == '\t') {
				rc |= buf_addstr(out, "\\t");
			} else if (c < 0x20 || c == '<' || c == '>' ||
			    c == '&') {
				rc |= buf_addstr(out, "\\u00");
				rc |= buf_addch(out, hex[c >> 4]);
				rc |= buf_addch(out, hex[c & 15]);
			} else {
				rc |= buf_addch(out, c);
			}
			continue;
		}
		n = utf8_decode(p + i, len - i, &r);
		if (n < 0) {
			rc |= buf_addstr(out, "\\ufffd");
			i++;
			continue;
		}
		if (r == 0x2028 || r == 0x2029)
			rc |= buf_addstr(out, r == 0x2028 ? "\\u2028" :
			    "\\u2029");
		else
			rc |= buf_add(out, p + i, (size_t)n);
		i += (size_t)n;
	}
	rc |= buf_addch(out, '"');
	return rc != 0 ? -1 : 0;
}

int
gojson_parse_time(const char *s, struct gotime *t, struct ad_err *err)
{
	if (*s == '\0') {
		gotime_utc(t, 0, 0);
		return 0;
	}
	return gotime_parse(GOTIME_RFC3339, s, t, err);
}

static int
type_error(struct ad_err *err, const char *name, const char *want)
{
	return ad_err_set(err, AD_EINVAL,
	    "json: cannot unmarshal into field \"%s\" of type %s", name, want);
}

static int
enc_str(struct buf *out, json_t *v)
{
	return gojson_string(out, json_string_value(v), json_string_length(v));
}

static int
enc_time(struct buf *out, json_t *v, struct ad_err *err)
{
	struct gotime	t;
	int		rc = 0;

	if (gojson_parse_time(json_string_value(v), &t, err) == -1)
		return -1;
	rc |= buf_addch(out, '"');
	rc |= gotime_format(out, &t, GOTIME_RFC3339_MILLIS);
	rc |= buf_addch(out, '"');
	return rc;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
enc_map(struct buf *out, json_t *v, const char *name, struct ad_err *err)
{
	const char	**keys, *k;
	json_t		 *val;
	size_t		  n = 0, i;
	int		  rc = 0;

	keys = xcalloc(json_object_size(v) + 1, sizeof(*keys));
	json_object_foreach(v, k, val) {
		if (!json_is_string(val)) {
			free(keys);
			return type_error(err, name, "string");
		}
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	rc |= buf_addch(out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			rc |= buf_addch(out, ',');
		rc |= gojson_string(out, keys[i], strlen(keys[i]));
		rc |= buf_addch(out, ':');
		rc |= enc_str(out, json_object_get(v, keys[i]));
	}
	rc |= buf_addch(out, '}');
	free(keys);
	return rc != 0 ? -1 : 0;
}

static int
enc_strs(struct buf *out, json_t *v, const char *name, struct ad_err *err)
{
	size_t	i;
	json_t	*e;
	int	rc = 0;

	rc |= buf_addch(out, '[');
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return type_error(err, name, "string");
		if (i > 0)
			rc |= buf_addch(out, ',');
		rc |= enc_str(out, e);
	}
	rc |= buf_addch(out, ']');
	return rc;
}

static int	enc_obj(struct buf *, json_t *, const struct gojson_field *,
		    struct ad_err *);

static int
enc_objs(struct buf *out, json_t *v, const struct gojson_field *f,
    struct ad_err *err)
{
	size_t	i;
	json_t	*e;
	int	rc = 0;

	rc |= buf_addch(out, '[');
	json_array_foreach(v, i, e) {
		if (i > 0)
			rc |= buf_addch(out, ',');
		if (json_is_null(e))
			rc |= buf_addstr(out, "null");
		else if (!json_is_object(e))
			return type_error(err, f->name, "object");
		else if (enc_obj(out, e, f->sub, err) == -1)
			return -1;
	}
	rc |= buf_addch(out, ']');
	return rc;
}

static bool
kind_ok(enum gojson_kind k, json_t *v)
{
	switch (k) {
	case GOJSON_STR:
	case GOJSON_STR_OMIT:
	case GOJSON_TIME:
		return json_is_string(v);
	case GOJSON_BOOL:
	case GOJSON_BOOL_OMIT:
		return json_is_boolean(v);
	case GOJSON_MAP:
	case GOJSON_OBJ:
		return json_is_object(v);
	case GOJSON_STRS:
	case GOJSON_OBJS:
		return json_is_array(v);
	default:
		return false;
	}
}

/* One field's value; v is present, not null, and of the right type. */
static int
enc_value(struct buf *out, const struct gojson_field *f, json_t *v,
    struct ad_err *err)
{
	switch (f->kind) {
	case GOJSON_STR:
	case GOJSON_STR_OMIT:
		return enc_str(out, v);
	case GOJSON_BOOL:
	case GOJSON_BOOL_OMIT:
		return buf_addstr(out, json_is_true(v) ? "true" : "false");
	case GOJSON_TIME:
		return enc_time(out, v, err);
	case GOJSON_MAP:
		return enc_map(out, v, f->name, err);
	case GOJSON_STRS:
		return enc_strs(out, v, f->name, err);
	case GOJSON_OBJ:
		return enc_obj(out, v, f->sub, err);
	case GOJSON_OBJS:
		return enc_objs(out, v, f, err);
	default:
		return -1;
	}
}

static bool
omitted(const struct gojson_field *f, json_t *v)
{
	if (f->kind == GOJSON_STR_OMIT)
		return v == NULL || json_is_null(v) ||
		    (json_is_string(v) && json_string_length(v) == 0);
	if (f->kind == GOJSON_BOOL_OMIT)
		return v == NULL || json_is_null(v);
	return false;
}

static int
enc_obj(struct buf *out, json_t *obj, const struct gojson_field *model,
    struct ad_err *err)
{
	const struct gojson_field *f;
	bool	first = true;
	int	rc = 0;

	rc |= buf_addch(out, '{');
	for (f = model; f->name != NULL; f++) {
		json_t	*v = json_object_get(obj, f->name);

		if (omitted(f, v))
			continue;
		if (!first)
			rc |= buf_addch(out, ',');
		first = false;
		rc |= gojson_string(out, f->name, strlen(f->name));
		rc |= buf_addch(out, ':');
		if (v == NULL || json_is_null(v)) {
			rc |= buf_addstr(out, "null");
			continue;
		}
		if (!kind_ok(f->kind, v))
			return type_error(err, f->name, "string");
		if (enc_value(out, f, v, err) == -1)
			return -1;
	}
	rc |= buf_addch(out, '}');
	return rc != 0 ? -1 : 0;
}

int
gojson_encode(struct buf *out, json_t *v, const struct gojson_field *model,
    int array, struct ad_err *err)
{
	struct gojson_field	top = { "", GOJSON_OBJS, model };

	if (v == NULL || json_is_null(v))
		return buf_addstr(out, "null");
	if (array) {
		if (!json_is_array(v))
			return type_error(err, "", "array");
		return enc_objs(out, v, &top, err);
	}
	if (!json_is_object(v))
		return type_error(err, "", "object");
	return enc_obj(out, v, model, err);
}
