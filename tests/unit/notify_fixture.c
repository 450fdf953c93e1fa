/*
 * Shared by the notifier unit tests: see notify_fixture.h.
 */
#include "notify_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"
#include "routing/labels.h"

char *
nfix_slurp(const char *path, size_t *len)
{
	struct buf	b;
	struct ad_err	err;

	buf_init(&b, BUF_NOCAP);
	ck_assert_msg(buf_read_file(&b, path, &err) == 0, "%s", err.msg);
	return buf_detach(&b, len);
}

struct config *
nfix_capture_config(const char *path, const char *placeholder,
    const char *port)
{
	char		*raw = nfix_slurp(path, NULL), *p, *q;
	struct ad_errs	 errs;
	struct config	*cfg;
	struct buf	 b;

	buf_init(&b, BUF_NOCAP);
	for (p = raw; (q = strstr(p, placeholder)) != NULL;
	    p = q + strlen(placeholder)) {
		buf_add(&b, p, (size_t)(q - p));
		buf_addstr(&b, port);
	}
	buf_addstr(&b, p);
	free(raw);
	ad_errs_init(&errs);
	cfg = config_load_bytes(path, buf_str(&b), buf_len(&b), ".", NULL,
	    &errs, NULL);
	ck_assert_msg(cfg != NULL, "%s", errs.n ? errs.v[0].msg : "?");
	ad_errs_release(&errs);
	buf_release(&b);
	return cfg;
}

struct labels *
nfix_labels_of(json_t *obj)
{
	struct labels_builder	 b;
	struct labels		*ls;
	const char		*k;
	json_t			*v;

	labels_builder_init(&b);
	json_object_foreach(obj, k, v)
		labels_builder_adds(&b, k, json_string_value(v));
	ls = labels_builder_finish(&b);
	labels_builder_release(&b);
	return ls;
}

ad_time_t
nfix_time_of(json_t *o, const char *key)
{
	json_t		*v = json_object_get(o, key);
	ad_time_t	 t;

	if (v == NULL)
		return AD_TIME_ZERO;
	ck_assert_int_eq(time_parse_rfc3339(json_string_value(v),
	    strlen(json_string_value(v)), &t), 0);
	return t;
}

size_t
nfix_load_alerts(const char *file, const char *alertname, bool prefix,
    ad_time_t now, struct alert **out)
{
	json_error_t	 je;
	json_t		*arr = json_load_file(file, 0, &je), *a;
	size_t		 i, n = 0;

	ck_assert_msg(arr != NULL, "%s", je.text);
	json_array_foreach(arr, i, a) {
		json_t		*ls = json_object_get(a, "labels");
		json_t		*an = json_object_get(a, "annotations");
		json_t		*gu = json_object_get(a, "generatorURL");
		const char	*name = json_string_value(json_object_get(ls,
				    "alertname"));
		ad_time_t	 ends = nfix_time_of(a, "endsAt");

		if (prefix ? strncmp(name, alertname, strlen(alertname)) != 0 :
		    strcmp(name, alertname) != 0)
			continue;
		if (ends == AD_TIME_ZERO || ends > now)
			ends = AD_TIME_ZERO;
		out[n++] = alert_new(nfix_labels_of(ls), an != NULL ?
		    nfix_labels_of(an) : NULL, gu != NULL ?
		    json_string_value(gu) : NULL, nfix_time_of(a, "startsAt"),
		    ends, now, false);
	}
	json_decref(arr);
	return n;
}
