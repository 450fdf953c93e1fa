/*
 * amtool's three output formats (cli/format in Alertmanager 0.25): simple
 * and extended tables laid out by Go's tabwriter (padding 2, a trailing
 * tab on every row, hence the trailing spaces), rows sorted with Go's
 * unstable sort.Sort (alerts by startsAt, silences by endsAt, peers by
 * address), dates in --date.format; json re-encoded as Go encodes the
 * decoded models.  Where amtool prints a Go pointer instead of a value
 * (config show -o extended's version fields), alertctl prints the value.
 */
#include "alertd/cli/cli.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/gojson.h"
#include "alertd/cli/gosort.h"
#include "alertd/cli/gotime.h"
#include "alertd/cli/tabwriter.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

static const char *
str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* FormatDate: time.Time(input).Format(--date.format). */
static void
add_date(const struct cli *c, struct buf *b, json_t *o, const char *key)
{
	struct gotime	t;
	const char	*s = json_string_value(json_object_get(o, key));

	if (s == NULL || gojson_parse_time(s, &t, NULL) == -1)
		gotime_zero(&t);
	gotime_format(b, &t, c->date_format);
}

/* strfmt.DateTime.String() of a *DateTime; fmt prints nil as <nil>. */
static void
add_millis(struct buf *b, json_t *o, const char *key)
{
	struct gotime	t;
	const char	*s = json_string_value(json_object_get(o, key));

	if (s == NULL || gojson_parse_time(s, &t, NULL) == -1) {
		buf_addstr(b, "<nil>");
		return;
	}
	gotime_format(b, &t, GOTIME_RFC3339_MILLIS);
}

static int
time_of(json_t *o, const char *key, struct gotime *t)
{
	const char	*s = json_string_value(json_object_get(o, key));

	if (s == NULL || gojson_parse_time(s, t, NULL) == -1) {
		gotime_zero(t);
		return -1;
	}
	return 0;
}

static bool
before(const void *a, const void *b, void *key)
{
	struct gotime	ta, tb;

	time_of((json_t *)a, key, &ta);
	time_of((json_t *)b, key, &tb);
	return gotime_cmp(&ta, &tb) < 0;
}

/* The array's elements, sorted as amtool sorts them; caller frees. */
static json_t **
sorted(json_t *arr, const char *key, size_t *n)
{
	json_t	**v;
	size_t	  i;

	*n = json_array_size(arr);
	v = xcalloc(*n + 1, sizeof(*v));
	for (i = 0; i < *n; i++)
		v[i] = json_array_get(arr, i);
	gosort_sort((void **)v, *n, before, (void *)key);
	return v;
}

static int
flush_table(struct buf *table, struct buf *out)
{
	int	rc = tabw_format(out, buf_str(table), buf_len(table), 0, 2, ' ');

	buf_release(table);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* extendedFormatLabels: name="value" (no escaping), sorted, spaced. */
static void
add_kv(struct buf *b, json_t *map)
{
	const char	*k;
	json_t		*v;
	char		**items;
	size_t		 n = 0, i;

	items = xcalloc(json_object_size(map) + 1, sizeof(*items));
	json_object_foreach(map, k, v)
		items[n++] = xasprintf("%s=\"%s\"", k,
		    json_is_string(v) ? json_string_value(v) : "");
	qsort(items, n, sizeof(*items), cmp_str);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(b, ' ');
		buf_addstr(b, items[i]);
		free(items[i]);
	}
	free(items);
}

static const char *
state_of(json_t *o)
{
	return str(json_object_get(o, "status"), "state");
}

static int
json_out(json_t *v, const struct gojson_field *model, int array,
    struct buf *out, struct ad_err *err)
{
	if (gojson_encode(out, v, model, array, err) == -1)
		return -1;
	return buf_addch(out, '\n');
}

int
out_alerts(const struct cli *c, json_t *alerts, struct buf *out,
    struct ad_err *err)
{
	struct buf	 t;
	json_t		**v;
	size_t		 n, i;

	if (c->output == CLI_OUT_JSON)
		return json_out(alerts, gojson_gettable_alert, 1, out, err);
	v = sorted(alerts, "startsAt", &n);
	buf_init(&t, BUF_NOCAP);
	if (c->output == CLI_OUT_SIMPLE)
		buf_addstr(&t, "Alertname\tStarts At\tSummary\tState\t\n");
	else
		buf_addstr(&t, "Labels\tAnnotations\tStarts At\tEnds At\t"
		    "Generator URL\tState\t\n");
	for (i = 0; i < n; i++) {
		if (c->output == CLI_OUT_SIMPLE) {
			buf_addf(&t, "%s\t", str(json_object_get(v[i],
			    "labels"), "alertname"));
			add_date(c, &t, v[i], "startsAt");
			buf_addf(&t, "\t%s\t%s\t\n", str(json_object_get(v[i],
			    "annotations"), "summary"), state_of(v[i]));
			continue;
		}
		add_kv(&t, json_object_get(v[i], "labels"));
		buf_addch(&t, '\t');
		add_kv(&t, json_object_get(v[i], "annotations"));
		buf_addch(&t, '\t');
		add_date(c, &t, v[i], "startsAt");
		buf_addch(&t, '\t');
		add_date(c, &t, v[i], "endsAt");
		buf_addf(&t, "\t%s\t%s\t\n", str(v[i], "generatorURL"),
		    state_of(v[i]));
	}
	free(v);
	return flush_table(&t, out);
}

static void
add_matchers(struct buf *b, json_t *ms, bool braces)
{
	size_t	i;
	json_t	*m;

	if (braces)
		buf_addch(b, '{');
	json_array_foreach(ms, i, m) {
		if (i > 0)
			buf_addch(b, braces ? ',' : ' ');
		cli_matcher_string(b, m);
	}
	if (braces)
		buf_addch(b, '}');
}

int
out_silences(const struct cli *c, json_t *silences, struct buf *out,
    struct ad_err *err)
{
	struct buf	 t;
	json_t		**v;
	size_t		 n, i;
	bool		 ext = c->output == CLI_OUT_EXTENDED;

	if (c->output == CLI_OUT_JSON)
		return json_out(silences, gojson_gettable_silence, 1, out, err);
	v = sorted(silences, "endsAt", &n);
	buf_init(&t, BUF_NOCAP);
	buf_addstr(&t, ext ? "ID\tMatchers\tStarts At\tEnds At\tUpdated At\t"
	    "Created By\tComment\t\n" :
	    "ID\tMatchers\tEnds At\tCreated By\tComment\t\n");
	for (i = 0; i < n; i++) {
		buf_addf(&t, "%s\t", str(v[i], "id"));
		add_matchers(&t, json_object_get(v[i], "matchers"), ext);
		buf_addch(&t, '\t');
		if (ext) {
			add_date(c, &t, v[i], "startsAt");
			buf_addch(&t, '\t');
		}
		add_date(c, &t, v[i], "endsAt");
		buf_addch(&t, '\t');
		if (ext) {
			add_date(c, &t, v[i], "updatedAt");
			buf_addch(&t, '\t');
		}
		buf_addf(&t, "%s\t%s\t\n", str(v[i], "createdBy"),
		    str(v[i], "comment"));
	}
	free(v);
	return flush_table(&t, out);
}

int
out_config(const struct cli *c, json_t *status, struct buf *out,
    struct ad_err *err)
{
	static const char *const keys[] = { "buildUser", "goVersion",
	    "revision", "version", "branch", "buildDate", NULL };
	json_t	*vi = json_object_get(status, "versionInfo");
	size_t	 i;

	if (c->output == CLI_OUT_JSON)
		return json_out(status, gojson_status, 0, out, err);
	buf_addf(out, "%s\n", str(json_object_get(status, "config"),
	    "original"));
	if (c->output == CLI_OUT_SIMPLE)
		return 0;
	/* amtool prints Go pointers here (a bug); alertctl the values. */
	for (i = 0; keys[i] != NULL; i++)
		buf_addf(out, "%s %s\n", keys[i], str(vi, keys[i]));
	buf_addstr(out, "uptime ");
	add_millis(out, status, "uptime");
	return buf_addch(out, '\n');
}

/* net.SplitHostPort, reduced: "host:port" or "[v6]:port". */
static void
split_host_port(const char *addr, char *host, size_t hn, long *port)
{
	const char	*colon = strrchr(addr, ':');
	size_t		 len;

	*host = '\0';
	*port = 0;
	if (colon == NULL)
		return;
	len = (size_t)(colon - addr);
	if (addr[0] == '[' && len >= 2 && addr[len - 1] == ']') {
		addr++;
		len -= 2;
	}
	snprintf(host, hn, "%.*s", (int)len, addr);
	*port = strtol(colon + 1, NULL, 10);
}

/* net.ParseIP: 16 bytes (v4 mapped), 0 bytes when not an address. */
static size_t
parse_ip(const char *s, unsigned char ip[16])
{
	unsigned char	v4[4];

	if (inet_pton(AF_INET, s, v4) == 1) {
		memset(ip, 0, 10);
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, v4, 4);
		return 16;
	}
	return inet_pton(AF_INET6, s, ip) == 1 ? 16 : 0;
}

/* format.ByAddress: by IP bytes, then by port number. */
static bool
addr_less(const void *a, const void *b, void *unused)
{
	char		ha[256], hb[256];
	unsigned char	ia[16], ib[16];
	size_t		la, lb;
	long		pa, pb;
	int		c;

	(void)unused;
	split_host_port(str((json_t *)a, "address"), ha, sizeof(ha), &pa);
	split_host_port(str((json_t *)b, "address"), hb, sizeof(hb), &pb);
	if (strcmp(ha, hb) == 0)
		return pa < pb;
	la = parse_ip(ha, ia);
	lb = parse_ip(hb, ib);
	c = memcmp(ia, ib, la < lb ? la : lb);
	return c < 0 || (c == 0 && la < lb);
}

int
out_cluster(const struct cli *c, json_t *status, struct buf *out,
    struct ad_err *err)
{
	json_t		*cl = json_object_get(status, "cluster");
	json_t		*peers = json_object_get(cl, "peers");
	json_t		**v;
	struct buf	 t;
	size_t		 n, i;

	if (c->output == CLI_OUT_JSON)
		return json_out(cl, gojson_cluster_status, 0, out, err);
	buf_init(&t, BUF_NOCAP);
	buf_addf(&t, "Cluster Status:\t%s\nNode Name:\t%s\n", str(cl,
	    "status"), str(cl, "name"));
	if (c->output == CLI_OUT_EXTENDED) {
		buf_addstr(&t, "\nAddress\tName\n");
		n = json_array_size(peers);
		v = xcalloc(n + 1, sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = json_array_get(peers, i);
		gosort_sort((void **)v, n, addr_less, NULL);
		for (i = 0; i < n; i++)
			buf_addf(&t, "%s\t%s\t\n", str(v[i], "address"),
			    str(v[i], "name"));
		free(v);
	}
	return flush_table(&t, out);
}
