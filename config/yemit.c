/*
 * yemit: yaml.v2's Marshal output (encode.go's choices over libyaml's
 * emitter, of which yaml.v2's emitterc.go is a port).
 *
 * What yaml.v2 decides before the emitter sees a string: resolve("", s)
 * must give !!str (so "yes", "1e3", "0x1F", "~", "2001-12-14" and the
 * base-60 floats "1:30" are double-quoted), a string with a newline asks
 * for the literal style.  libyaml's scalar analysis then downgrades plain
 * to single quotes (": ", leading "- ", "#"...) and literal to double
 * quotes where needed, and folds long lines at column 80.
 *
 * Known differences from yaml.v2's port, none reachable from a sane
 * config: a single-quoted string ending in a Unicode line or paragraph
 * separator (U+2028/U+2029) gets libyaml's indentation after it, and a
 * string starting with a byte order mark is not escaped byte by byte as
 * yaml.v2 does.  yaml.v2's map key order is not a total order for keys
 * mixing digits and letters at the same place (a2, a10, a1b2): its own
 * output then depends on Go's map iteration (dump.c sorts them some way).
 */
#include "config/yemit.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "alertd/buf.h"
#include "alertd/xmalloc.h"

struct yemit {
	yaml_emitter_t	 em;
	struct buf	*out;
	bool		 failed;
};

static int
yemit_write(void *data, unsigned char *buffer, size_t size)
{
	struct yemit	*e = data;

	return buf_add(e->out, buffer, size) == 0;
}

static int
yemit_event(struct yemit *e, yaml_event_t *ev, int init_ok)
{
	if (e->failed || !init_ok) {
		if (init_ok)
			yaml_event_delete(ev);
		e->failed = true;
		return -1;
	}
	if (!yaml_emitter_emit(&e->em, ev)) {
		e->failed = true;
		return -1;
	}
	return 0;
}

struct yemit *
yemit_new(struct buf *out)
{
	struct yemit	*e = xcalloc(1, sizeof(*e));
	yaml_event_t	 ev;

	e->out = out;
	if (!yaml_emitter_initialize(&e->em)) {
		e->failed = true;
		return e;
	}
	yaml_emitter_set_output(&e->em, yemit_write, e);
	yaml_emitter_set_unicode(&e->em, 1);
	yaml_emitter_set_width(&e->em, 80);
	yaml_emitter_set_indent(&e->em, 2);
	yemit_event(e, &ev, yaml_stream_start_event_initialize(&ev,
	    YAML_UTF8_ENCODING));
	yemit_event(e, &ev, yaml_document_start_event_initialize(&ev, NULL,
	    NULL, NULL, 1));
	return e;
}

int
yemit_finish(struct yemit *e)
{
	yaml_event_t	ev;

	yemit_event(e, &ev, yaml_document_end_event_initialize(&ev, 1));
	/* yaml.v2's finish(): no "..." after an open-ended scalar. */
	e->em.open_ended = 0;
	yemit_event(e, &ev, yaml_stream_end_event_initialize(&ev));
	if (!e->failed && !yaml_emitter_flush(&e->em))
		e->failed = true;
	return e->failed ? -1 : 0;
}

void
yemit_free(struct yemit *e)
{
	if (e == NULL)
		return;
	yaml_emitter_delete(&e->em);
	free(e);
}

int
yemit_map_start(struct yemit *e, bool flow)
{
	yaml_event_t	ev;

	return yemit_event(e, &ev, yaml_mapping_start_event_initialize(&ev,
	    NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE :
	    YAML_BLOCK_MAPPING_STYLE));
}

int
yemit_map_end(struct yemit *e)
{
	yaml_event_t	ev;

	return yemit_event(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

int
yemit_seq_start(struct yemit *e, bool flow)
{
	yaml_event_t	ev;

	return yemit_event(e, &ev, yaml_sequence_start_event_initialize(&ev,
	    NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE :
	    YAML_BLOCK_SEQUENCE_STYLE));
}

int
yemit_seq_end(struct yemit *e)
{
	yaml_event_t	ev;

	return yemit_event(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static int
yemit_scalar(struct yemit *e, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t	ev;

	return yemit_event(e, &ev, yaml_scalar_event_initialize(&ev, NULL,
	    NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1, style));
}

int
yemit_plain(struct yemit *e, const char *s)
{
	return yemit_scalar(e, s, YAML_PLAIN_SCALAR_STYLE);
}

int
yemit_null(struct yemit *e)
{
	return yemit_plain(e, "null");
}

int
yemit_str(struct yemit *e, const char *s)
{
	if (strchr(s, '\n') != NULL)
		return yemit_scalar(e, s, YAML_LITERAL_SCALAR_STYLE);
	return yemit_scalar(e, s, yemit_plain_ok(s) ? YAML_PLAIN_SCALAR_STYLE :
	    YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* ------------------------------------------- yaml.v2's resolve("", s) -- */

static bool
in_list(const char *s, const char *const *l)
{
	for (; *l != NULL; l++)
		if (strcmp(s, *l) == 0)
			return true;
	return false;
}

/* Go's strconv.ParseUint(s, 0, 64) succeeds (s has no sign). */
static bool
go_uint_ok(const char *s)
{
	unsigned	base = 10;
	uint64_t	v = 0;

	if (*s == '\0')
		return false;
	if (s[0] == '0') {
		char	c = (char)tolower((unsigned char)s[1]);

		if (strlen(s) >= 3 && (c == 'b' || c == 'o' || c == 'x')) {
			base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
			s += 2;
		} else {
			base = 8;
			s++;
		}
	}
	for (; *s != '\0'; s++) {
		unsigned	d;

		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (isalpha((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return false;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	return true;
}

/* ParseInt or ParseUint (base 0) accepts s. */
static bool
go_int_ok(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	return go_uint_ok(s);
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool
yaml_style_float(const char *p)
{
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return false;
		for (p++; isdigit((unsigned char)*p); p++)
			;
	} else {
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* strconv.ParseFloat without hex, inf or nan (not reachable here). */
static bool
go_float_ok(const char *s)
{
	char	*end;
	double	 v;

	if (*s == '\0' || strpbrk(s, "xXpPnNiI_") != NULL ||
	    isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0')
		return false;
	return !(errno == ERANGE && isinf(v));
}

/* Go's getnum(s, false): one or two digits. */
static const char *
ts_num(const char *s, int *v)
{
	if (!isdigit((unsigned char)s[0]))
		return NULL;
	*v = s[0] - '0';
	if (!isdigit((unsigned char)s[1]))
		return s + 1;
	*v = *v * 10 + s[1] - '0';
	return s + 2;
}

static int
days_in(int m, int y)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* "15:4:5" and an optional ",ddd" / ".ddd" fraction. */
static const char *
ts_clock(const char *p)
{
	int	h, mi, se;

	if ((p = ts_num(p, &h)) == NULL || *p++ != ':' || h > 23)
		return NULL;
	if ((p = ts_num(p, &mi)) == NULL || *p++ != ':' || mi > 59)
		return NULL;
	if ((p = ts_num(p, &se)) == NULL || se > 59)
		return NULL;
	if ((*p == '.' || *p == ',') && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	return p;
}

/* "Z" or "+hh:mm" (Go's Z07:00). */
static bool
ts_zone(const char *p)
{
	if (strcmp(p, "Z") == 0)
		return true;
	return strlen(p) == 6 && (p[0] == '+' || p[0] == '-') &&
	    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    p[3] == ':' && isdigit((unsigned char)p[4]) &&
	    isdigit((unsigned char)p[5]);
}

/* yaml.v2's parseTimestamp: time.Parse with its four layouts. */
static bool
go_timestamp(const char *s)
{
	const char	*p;
	int		 y, m, d, i;

	for (i = 0; isdigit((unsigned char)s[i]); i++)
		;
	if (i != 4 || s[4] != '-')
		return false;
	y = atoi(s);
	p = ts_num(s + 5, &m);
	if (p == NULL || *p++ != '-' || m < 1 || m > 12)
		return false;
	p = ts_num(p, &d);
	if (p == NULL || d < 1 || d > days_in(m, y))
		return false;
	if (*p == '\0')
		return true;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return false;
	i = *p;
	p = ts_clock(p + 1);
	if (p == NULL)
		return false;
	return i == ' ' ? *p == '\0' : ts_zone(p);
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool
base60_float(const char *p)
{
	int	n;

	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) || *p == '_')
		p++;
	if (*p != ':')
		return false;
	while (*p == ':') {
		p++;
		for (n = 0; isdigit((unsigned char)p[n]); n++)
			;
		if (n == 0 || n > 2 || (n == 2 && p[0] > '5'))
			return false;
		p += n;
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) || *p == '_'; p++)
			;
	return *p == '\0';
}

static bool
number_like(const char *s)
{
	char	plain[256];
	size_t	j = 0;

	if (go_timestamp(s))
		return true;
	for (; *s != '\0'; s++) {
		if (*s == '_')
			continue;
		if (j + 1 >= sizeof(plain))
			return false;	/* too long to be a number */
		plain[j++] = *s;
	}
	plain[j] = '\0';
	if (go_int_ok(plain))
		return true;
	return yaml_style_float(plain) && go_float_ok(plain);
}

bool
yemit_plain_ok(const char *s)
{
	static const char *const special[] = { "y", "Y", "yes", "Yes", "YES",
	    "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
	    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~",
	    "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
	    ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
	    NULL };

	if (in_list(s, special))
		return false;
	if (s[0] == '.')
		return !go_float_ok(s);
	if (isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '-')
		return !number_like(s) && !base60_float(s);
	return true;
}
