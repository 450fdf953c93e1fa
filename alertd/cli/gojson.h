/*
 * gojson: JSON written the way Go's encoding/json writes amtool's models.
 *
 * amtool decodes the API's answer into go-openapi structs and encodes
 * them again for -o json; what comes out differs from what the server
 * sent: fields in struct order (not the server's), maps with sorted keys,
 * absent pointers as null, omitempty fields dropped, unknown fields gone,
 * times re-printed with millisecond precision, and strings escaped as
 * encoding/json escapes them (<, >, & and U+2028/9 as \uXXXX).  A model
 * is described as a table of fields; gojson_encode() re-encodes a
 * jansson value through that table.  Thread: any.
 */
#ifndef ALERTD_CLI_GOJSON_H
#define ALERTD_CLI_GOJSON_H

#include <stddef.h>

#include <jansson.h>

struct buf;
struct ad_err;

enum gojson_kind {
	GOJSON_END = 0,
	GOJSON_STR,		/* *string: null when absent */
	GOJSON_STR_OMIT,	/* string,omitempty: dropped when "" */
	GOJSON_BOOL,		/* *bool */
	GOJSON_BOOL_OMIT,	/* *bool,omitempty: dropped when absent */
	GOJSON_TIME,		/* *strfmt.DateTime */
	GOJSON_MAP,		/* map[string]string */
	GOJSON_STRS,		/* []string */
	GOJSON_OBJ,		/* *struct (sub) */
	GOJSON_OBJS		/* []*struct (sub) */
};

struct gojson_field {
	const char			*name;
	enum gojson_kind		 kind;
	const struct gojson_field	*sub;
};

/* The models amtool prints. */
extern const struct gojson_field gojson_gettable_alert[];
extern const struct gojson_field gojson_gettable_silence[];
extern const struct gojson_field gojson_status[];
extern const struct gojson_field gojson_cluster_status[];

/* encoding/json's string encoding (HTML-safe), quotes included. */
int	gojson_string(struct buf *out, const char *s, size_t len);

/*
 * Encodes v (an object, or an array of objects when array is set) as Go
 * would after decoding it into the model.  Fails, with Go's gist, when a
 * field has a type the model cannot hold.
 */
int	gojson_encode(struct buf *out, json_t *v,
	    const struct gojson_field *model, int array, struct ad_err *err);

/*
 * strfmt.DateTime: the server's RFC 3339 text to Go's time as amtool
 * holds it ("" is the Unix epoch, as strfmt parses it).
 */
struct gotime;
int	gojson_parse_time(const char *s, struct gotime *t, struct ad_err *err);

#endif
