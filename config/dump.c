/*
 * dump: config_dump_yaml, Alertmanager 0.25's Config.String(): yaml.v2's
 * Marshal of the loaded Config, which is `config.original` in GET
 * /api/v2/status and what `amtool config show` prints.
 *
 * Driven by the same field tables as decoding (Go field order, omitempty
 * as tagged).  Kept on purpose, because the real output has them:
 *  - secrets and secret URLs print "<secret>", an empty non-omitempty
 *    secret prints null; a match_re value "" prints null;
 *  - tls_config min/max_version print as numbers (771): TLSVersion's
 *    MarshalYAML has a pointer receiver that yaml.v2 never calls;
 *  - http_config paths are joined with the config's directory as
 *    SetDirectory does, once per integration sharing the global
 *    http_config (so "conf/conf/ca.pem" from a relative "conf" dir);
 *  - smtp_smarthost "[::1]:25" prints "::1:25" (HostPort.String());
 *  - time intervals print their parsed form, and yaml.v2's encoder leaves
 *    its `flow` flag set after a `location:`, so the next interval spec
 *    (or named interval) of the same list comes out in flow style;
 *  - receivers list integrations in Go's Receiver field order.
 */
#include "config/config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/utf8.h"
#include "alertd/xmalloc.h"
#include "config/config_int.h"
#include "config/yemit.h"
#include "notifiers/notifier.h"
#include "routing/timeint.h"

struct dump {
	struct yemit		*e;
	const struct config	*c;
	unsigned		 joins;	/* SetDirectory count here */
	unsigned		 http_joins;	/* next http_config's */
	unsigned		 global_joins;
	bool			 flow;	/* yaml.v2's sticky e.flow */
};

#define FCPTR(obj, f)	((const void *)((const char *)(obj) + (f)->off))
#define FCOUNT(obj, f)							\
	(*(const size_t *)((const char *)(obj) + (f)->off_n))

static int	dump_obj(struct dump *d, const struct config_obj *o,
		    const void *obj);

static int
dmap_start(struct dump *d)
{
	bool	flow = d->flow;

	d->flow = false;
	return yemit_map_start(d->e, flow);
}

static int
dseq_start(struct dump *d)
{
	bool	flow = d->flow;

	d->flow = false;
	return yemit_seq_start(d->e, flow);
}

static bool
nz(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* ------------------------------------------------------------- URLs -- */

static int
dump_url(struct dump *d, const char *raw, bool redact)
{
	struct buf	b;
	int		rc;

	buf_init(&b, BUF_NOCAP);
	config_url_string(raw, redact, &b);
	rc = yemit_str(d->e, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* HostPort.String(): host and port from SplitHostPort, brackets gone. */
static int
dump_hostport(struct dump *d, const char *s)
{
	const char	*close;
	char		*hp;
	int		 rc;

	if (s == NULL || s[0] != '[')
		return yemit_str(d->e, s != NULL ? s : "");
	close = strchr(s, ']');
	if (close == NULL)
		return yemit_str(d->e, s);
	hp = xasprintf("%.*s%s", (int)(close - s - 1), s + 1, close + 1);
	rc = yemit_str(d->e, hp);
	free(hp);
	return rc;
}

/* A path under http_config: joined d->joins times, as written else. */
static int
dump_path(struct dump *d, const char *s, bool dirpath)
{
	char		*p, *q;
	unsigned	 i;
	int		 rc;

	if (!dirpath || d->joins == 0 || s == NULL)
		return yemit_str(d->e, s != NULL ? s : "");
	p = xstrdup(s);
	for (i = 0; i < d->joins; i++) {
		q = config_join_dir(d->c->base_dir, p);
		free(p);
		p = q;
	}
	rc = yemit_str(d->e, p);
	free(p);
	return rc;
}

/* ---------------------------------------------------- map key order -- */

/* unicode.IsLetter, approximated beyond ASCII: keys are label names and
 * header names in practice. */
static bool
rune_letter(uint32_t r)
{
	if (r < 0x80)
		return isalpha((int)r) != 0;
	if (r <= 0xbf || r == 0xd7 || r == 0xf7)
		return false;
	if ((r >= 0x2000 && r <= 0x2bff) || (r >= 0x3000 && r <= 0x303f) ||
	    (r >= 0xe000 && r <= 0xf8ff) || (r >= 0xfe00 && r <= 0xfe4f) ||
	    (r >= 0xff00 && r <= 0xff20) || r >= 0x1f000)
		return false;
	return true;
}

static bool
rune_digit(uint32_t r)
{
	return r >= '0' && r <= '9';
}

static size_t
runes(const char *s, uint32_t **out)
{
	size_t	len = strlen(s), i = 0, n = 0;

	*out = xcalloc(len + 1, sizeof(**out));
	while (i < len) {
		int	k;

		k = utf8_decode((const unsigned char *)s + i, len - i,
		    &(*out)[n]);

		i += k > 0 ? (size_t)k : 1;
		n++;
	}
	return n;
}

/* yaml.v2's keyList.Less on two strings ("natural" order). */
static bool
key_less_runes(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t	i, ai, bi;

	for (i = 0; i < na && i < nb; i++) {
		bool		al, bl;
		uint64_t	an = 0, bn = 0;
		size_t		j;

		if (a[i] == b[i])
			continue;
		al = rune_letter(a[i]);
		bl = rune_letter(b[i]);
		if (al && bl)
			return a[i] < b[i];
		if (al || bl)
			return bl;
		if (a[i] == '0' || b[i] == '0')
			for (j = i; j > 0 && rune_digit(a[j - 1]); j--)
				if (a[j - 1] != '0') {
					an = bn = 1;
					break;
				}
		for (ai = i; ai < na && rune_digit(a[ai]); ai++)
			an = an * 10 + (a[ai] - '0');
		for (bi = i; bi < nb && rune_digit(b[bi]); bi++)
			bn = bn * 10 + (b[bi] - '0');
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return a[i] < b[i];
	}
	return na < nb;
}

int
config_kv_yaml_cmp(const void *x, const void *y)
{
	const struct config_kv *const *a = x, *const *b = y;
	uint32_t	*ra, *rb;
	size_t		 na, nb;
	int		 rc;

	na = runes((*a)->key, &ra);
	nb = runes((*b)->key, &rb);
	if (key_less_runes(ra, na, rb, nb))
		rc = -1;
	else
		rc = key_less_runes(rb, nb, ra, na) ? 1 : 0;
	free(ra);
	free(rb);
	return rc;
}

/* A map[string]string (keys sorted); regexps: "" prints null. */
static int
dump_map(struct dump *d, const struct config_kv *kv, size_t n, bool regexps)
{
	const struct config_kv	**v = xcalloc(n + 1, sizeof(*v));
	size_t			  i;

	for (i = 0; i < n; i++)
		v[i] = &kv[i];
	qsort(v, n, sizeof(*v), config_kv_yaml_cmp);
	dmap_start(d);
	for (i = 0; i < n; i++) {
		yemit_str(d->e, v[i]->key);
		if (regexps && !nz(v[i]->value))
			yemit_null(d->e);
		else
			yemit_str(d->e, v[i]->value != NULL ? v[i]->value : "");
	}
	free(v);
	return yemit_map_end(d->e);
}

/* ------------------------------------------------- table-driven part -- */

static bool	obj_zero(const struct config_obj *o, const void *obj);

/* yaml.v2's isZero on the Go value the field stands for. */
static bool
field_zero(const struct config_field *f, const void *obj)
{
	const void	*p = FCPTR(obj, f);

	if (f->flags & CF_HASSET)
		return !*(const bool *)((const char *)obj + f->off_set);
	switch (f->type) {
	case CF_STR:
	case CF_SECRET:
	case CF_HOSTPORT:
		return !nz(*(char *const *)p);
	case CF_URL:
	case CF_SECRET_URL:
	case CF_PURL:
		return *(char *const *)p == NULL;
	case CF_FILE:
		return !nz(((const struct config_file *)p)->path);
	case CF_BOOL:
		return !*(const bool *)p;
	case CF_INT:
		return *(const int *)p == 0;
	case CF_INT64:
	case CF_DUR:
	case CF_GODUR:
		return *(const int64_t *)p == 0;
	case CF_UINT64:
		return *(const uint64_t *)p == 0;
	case CF_FLOAT:
		return *(const double *)p == 0;
	case CF_STRS:
	case CF_MAP:
	case CF_LIST:
		return FCOUNT(obj, f) == 0;
	case CF_OBJ:
		return obj_zero(f->obj, p);
	case CF_PTR:
		return *(void *const *)p == NULL;
	case CF_CUSTOM:
		return f->zero != NULL ? f->zero(p) : false;
	case CF_ANY:
		return true;
	}
	return true;
}

static bool
obj_zero(const struct config_obj *o, const void *obj)
{
	const struct config_field	*f;

	for (f = o->fields; f->key != NULL; f++)
		if (!field_zero(f, obj))
			return false;
	return true;
}

static int
dump_secret(struct dump *d, const char *s)
{
	return nz(s) ? yemit_str(d->e, "<secret>") : yemit_null(d->e);
}

static int
dump_number(struct dump *d, const struct config_field *f, const void *p)
{
	char	b[64];

	switch (f->type) {
	case CF_BOOL:
		return yemit_plain(d->e, *(const bool *)p ? "true" : "false");
	case CF_INT:
		snprintf(b, sizeof(b), "%d", *(const int *)p);
		break;
	case CF_INT64:
		snprintf(b, sizeof(b), "%" PRId64, *(const int64_t *)p);
		break;
	case CF_UINT64:
		snprintf(b, sizeof(b), "%" PRIu64, *(const uint64_t *)p);
		break;
	default:
		snprintf(b, sizeof(b), "%.17g", *(const double *)p);
		break;
	}
	return yemit_plain(d->e, b);
}

static int
dump_list(struct dump *d, const struct config_field *f, const void *obj)
{
	void *const	*v = *(void *const *const *)FCPTR(obj, f);
	size_t		 i, n = FCOUNT(obj, f);

	dseq_start(d);
	for (i = 0; i < n; i++) {
		if (v[i] == NULL)
			yemit_null(d->e);
		else
			dump_obj(d, f->obj, v[i]);
	}
	return yemit_seq_end(d->e);
}

static int
dump_strs(struct dump *d, char *const *v, size_t n)
{
	size_t	i;

	dseq_start(d);
	for (i = 0; i < n; i++)
		yemit_str(d->e, v[i]);
	return yemit_seq_end(d->e);
}

/* A struct or pointer field; an http_config sets the join count. */
static int
dump_sub(struct dump *d, const struct config_field *f, const void *sub)
{
	unsigned	saved = d->joins;
	int		rc;

	if (sub == NULL)
		return yemit_null(d->e);
	if (f->obj == &config_http_obj)
		d->joins = d->http_joins;
	rc = dump_obj(d, f->obj, sub);
	d->joins = saved;
	return rc;
}

static int
dump_value(struct dump *d, const struct config_field *f, const void *obj)
{
	const void	*p = FCPTR(obj, f);
	const char	*s = NULL;
	char		 b[DUR_FMT_MAX];

	if (f->type == CF_STR || f->type == CF_SECRET || f->type == CF_URL ||
	    f->type == CF_SECRET_URL || f->type == CF_PURL ||
	    f->type == CF_HOSTPORT)
		s = *(char *const *)p;
	switch (f->type) {
	case CF_STR:
		return dump_path(d, s, (f->flags & CF_DIRPATH) != 0);
	case CF_SECRET:
		return dump_secret(d, s);
	case CF_URL:
	case CF_PURL:
		return s == NULL ? yemit_null(d->e) :
		    dump_url(d, s, f->type == CF_PURL);
	case CF_SECRET_URL:
		return s == NULL ? yemit_null(d->e) : yemit_str(d->e,
		    "<secret>");
	case CF_HOSTPORT:
		return dump_hostport(d, s);
	case CF_FILE:
		return dump_path(d, ((const struct config_file *)p)->path,
		    (f->flags & CF_DIRPATH) != 0);
	case CF_DUR:
		return yemit_str(d->e, dur_format_prom(*(const ad_dur_t *)p,
		    b));
	case CF_GODUR:
		return yemit_str(d->e, dur_format_go(*(const ad_dur_t *)p, b));
	case CF_STRS:
		return dump_strs(d, *(char **const *)p, FCOUNT(obj, f));
	case CF_MAP:
		return dump_map(d, *(struct config_kv *const *)p,
		    FCOUNT(obj, f), (f->flags & CF_REGEXPS) != 0);
	case CF_OBJ:
		return dump_sub(d, f, p);
	case CF_PTR:
		return dump_sub(d, f, *(void *const *)p);
	case CF_LIST:
		return dump_list(d, f, obj);
	case CF_CUSTOM:
		return f->dump != NULL ? f->dump(p, d->e) : yemit_null(d->e);
	default:
		return dump_number(d, f, p);
	}
}

static bool
field_dumped(const struct config_field *f, const void *obj)
{
	if (f->type == CF_ANY || (f->flags & CF_NODUMP))
		return false;
	/* Not in 0.25's structs: shown only when used. */
	if ((f->flags & (CF_NEWER | CF_OMITEMPTY | CF_HASSET)) &&
	    field_zero(f, obj))
		return (f->flags & CF_HASSET) && !(f->flags & CF_OMITEMPTY) &&
		    !(f->flags & CF_NEWER);
	return true;
}

/* yaml.v2's structv: fields in order, omitempty ones skipped when zero. */
static int
dump_obj(struct dump *d, const struct config_obj *o, const void *obj)
{
	const struct config_field	*f;

	dmap_start(d);
	for (f = o->fields; f->key != NULL; f++) {
		if (!field_dumped(f, obj))
			continue;
		yemit_str(d->e, f->key);
		d->flow = false;
		if ((f->flags & CF_HASSET) && field_zero(f, obj))
			yemit_null(d->e);
		else
			dump_value(d, f, obj);
	}
	return yemit_map_end(d->e);
}

/* ------------------------------------------------------- receivers -- */

/* config.Receiver's field order; later integrations follow. */
static const char *const receiver_order[] = { "discord", "email",
	"pagerduty", "slack", "webhook", "opsgenie", "wechat", "pushover",
	"victorops", "sns", "telegram", "webex", NULL };

static void
dump_integrations(struct dump *d, const struct config_receiver *r,
    const struct notifier_type *t)
{
	struct config_obj	o;
	size_t			i, n = 0;

	for (i = 0; i < r->n_integrations; i++)
		n += r->integrations[i].type == t;
	if (n == 0)
		return;
	memset(&o, 0, sizeof(o));
	o.fields = t->fields;
	o.size = t->conf_size;
	yemit_str(d->e, t->config_key);
	dseq_start(d);
	for (i = 0; i < r->n_integrations; i++) {
		const struct notifier_conf *base = r->integrations[i].conf;

		if (r->integrations[i].type != t)
			continue;
		d->http_joins = base->http_inherited ? d->global_joins : 1;
		dump_obj(d, &o, base);
	}
	yemit_seq_end(d->e);
}

static bool
in_order(const char *name)
{
	size_t	i;

	for (i = 0; receiver_order[i] != NULL; i++)
		if (strcmp(receiver_order[i], name) == 0)
			return true;
	return false;
}

static void
dump_receiver(struct dump *d, const struct config_receiver *r)
{
	const struct notifier_type	*t;
	size_t				 i;

	dmap_start(d);
	yemit_str(d->e, "name");
	yemit_str(d->e, r->name != NULL ? r->name : "");
	for (i = 0; receiver_order[i] != NULL; i++) {
		t = notifier_lookup(receiver_order[i]);
		if (t != NULL)
			dump_integrations(d, r, t);
	}
	for (i = 0; notifier_types[i] != NULL; i++)
		if (!in_order(notifier_types[i]->name))
			dump_integrations(d, r, notifier_types[i]);
	yemit_map_end(d->e);
}

/* Integrations that share the global http_config: SetDirectory runs on
 * it once for global and once more for each of them. */
static unsigned
count_inherited(const struct config *c)
{
	const struct notifier_conf	*base;
	unsigned			 n = 0;
	size_t				 i, j;

	for (i = 0; i < c->n_receivers; i++)
		for (j = 0; j < c->receivers[i]->n_integrations; j++) {
			base = c->receivers[i]->integrations[j].conf;
			n += base->http_inherited;
		}
	return n;
}

/* -------------------------------------------------- time intervals -- */

/* A `yaml:",flow"` list of ranges, each as its MarshalText gives it. */
static int
dump_ranges(struct dump *d, const struct timeint_range *v, size_t n,
    bool weekdays)
{
	char	b[TIMEINT_FMT_MAX];
	size_t	i;

	d->flow = true;
	dseq_start(d);
	for (i = 0; i < n; i++)
		yemit_str(d->e, weekdays ? timeint_format_weekdays(&v[i], b) :
		    timeint_format_range(&v[i], b));
	return yemit_seq_end(d->e);
}

static void
dump_times(struct dump *d, const struct timeint_range *v, size_t n)
{
	char	b[TIMEINT_FMT_MAX];
	size_t	i;

	d->flow = false;
	dseq_start(d);
	for (i = 0; i < n; i++) {
		dmap_start(d);
		yemit_str(d->e, "start_time");
		yemit_str(d->e, timeint_format_minute(v[i].begin, b));
		yemit_str(d->e, "end_time");
		yemit_str(d->e, timeint_format_minute(v[i].end, b));
		yemit_map_end(d->e);
	}
	yemit_seq_end(d->e);
}

static void
dump_spec(struct dump *d, const struct timeint_spec *s)
{
	dmap_start(d);
	if (s->n_times > 0) {
		yemit_str(d->e, "times");
		dump_times(d, s->times, s->n_times);
	}
	if (s->n_weekdays > 0) {
		yemit_str(d->e, "weekdays");
		dump_ranges(d, s->weekdays, s->n_weekdays, true);
	}
	if (s->n_days_of_month > 0) {
		yemit_str(d->e, "days_of_month");
		dump_ranges(d, s->days_of_month, s->n_days_of_month, false);
	}
	if (s->n_months > 0) {
		yemit_str(d->e, "months");
		dump_ranges(d, s->months, s->n_months, false);
	}
	if (s->n_years > 0) {
		yemit_str(d->e, "years");
		dump_ranges(d, s->years, s->n_years, false);
	}
	if (s->location != NULL) {
		/* The flag is set, and a string does not clear it. */
		yemit_str(d->e, "location");
		d->flow = true;
		yemit_str(d->e, timeint_location_string(s->location));
	}
	yemit_map_end(d->e);
}

static void
dump_intervals(struct dump *d, const char *key,
    struct config_timeint_written *const *w, size_t n)
{
	const struct timeint	*ti;
	size_t			 i, j;

	if (n == 0)
		return;
	yemit_str(d->e, key);
	d->flow = false;
	dseq_start(d);
	for (i = 0; i < n; i++) {
		dmap_start(d);
		yemit_str(d->e, "name");
		d->flow = false;
		yemit_str(d->e, w[i]->name);
		yemit_str(d->e, "time_intervals");
		d->flow = false;
		dseq_start(d);
		ti = config_time_interval(d->c, w[i]->name);
		for (j = 0; ti != NULL && j < ti->n_specs; j++)
			dump_spec(d, &ti->specs[j]);
		yemit_seq_end(d->e);
		yemit_map_end(d->e);
	}
	yemit_seq_end(d->e);
	d->flow = false;
}

/* ------------------------------------------------------------ entry -- */

static void
dump_top(struct dump *d, const struct config *c)
{
	size_t	i;

	yemit_map_start(d->e, false);
	yemit_str(d->e, "global");
	d->http_joins = d->global_joins;
	dump_obj(d, &config_global_obj, &c->global);
	if (c->route != NULL) {
		yemit_str(d->e, "route");
		dump_obj(d, &config_route_obj, c->route);
	}
	if (c->n_inhibit_rules > 0) {
		yemit_str(d->e, "inhibit_rules");
		dseq_start(d);
		for (i = 0; i < c->n_inhibit_rules; i++)
			dump_obj(d, &config_inhibit_obj, c->inhibit_rules[i]);
		yemit_seq_end(d->e);
	}
	if (c->n_receivers > 0) {
		yemit_str(d->e, "receivers");
		dseq_start(d);
		for (i = 0; i < c->n_receivers; i++)
			dump_receiver(d, c->receivers[i]);
		yemit_seq_end(d->e);
	}
	yemit_str(d->e, "templates");
	dump_strs(d, c->templates, c->n_templates);
	dump_intervals(d, "mute_time_intervals", c->mute_time_intervals_w,
	    c->n_mute_time_intervals_w);
	dump_intervals(d, "time_intervals", c->time_intervals_w,
	    c->n_time_intervals_w);
	yemit_map_end(d->e);
}

int
config_dump_yaml(const struct config *c, struct buf *out)
{
	struct dump	d;
	int		rc;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.e = yemit_new(out);
	d.global_joins = 1 + count_inherited(c);
	dump_top(&d, c);
	rc = yemit_finish(d.e);
	yemit_free(d.e);
	return rc;
}
