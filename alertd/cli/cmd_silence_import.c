/*
 * silence import: amtool 0.25's silence_import.go.  Reads the output of
 * `silence query -o json` (a file or stdin), posts each silence (without
 * its ID with --force), and when the server does not know the ID (404)
 * posts it again as a new silence.  Prints each new ID; reports each
 * failure on stderr and fails with "couldn't import N out of M
 * silences".  amtool posts with --worker goroutines and so prints IDs in
 * no particular order; alertctl posts one at a time, in input order.
 */
#include "alertd/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/cli/gojson.h"
#include "alertd/err.h"

#define IMPORT_MAX_INPUT	(256 << 20)

static const struct gojson_field matcher[] = {
	{ "isEqual", GOJSON_BOOL_OMIT, NULL },
	{ "isRegex", GOJSON_BOOL, NULL },
	{ "name", GOJSON_STR, NULL },
	{ "value", GOJSON_STR, NULL },
	{ NULL, GOJSON_END, NULL }
};

/* models.PostableSilence. */
static const struct gojson_field postable_silence[] = {
	{ "id", GOJSON_STR_OMIT, NULL },
	{ "comment", GOJSON_STR, NULL },
	{ "createdBy", GOJSON_STR, NULL },
	{ "endsAt", GOJSON_TIME, NULL },
	{ "matchers", GOJSON_OBJS, matcher },
	{ "startsAt", GOJSON_TIME, NULL },
	{ NULL, GOJSON_END, NULL }
};

static int
read_input(const char *file, struct buf *b, struct ad_err *err)
{
	char	chunk[65536];
	size_t	n;

	if (file != NULL)
		return buf_read_file(b, file, err);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(b, chunk, n) == -1)
			return ad_err_set(err, AD_ELIMIT, "input too large");
	return 0;
}

static int
unmarshal_error(struct ad_err *err, const char *why)
{
	return ad_err_set(err, AD_EINVAL,
	    "couldn't unmarshal input data, is it JSON?: %s", why);
}

/*
 * One silence: 0 when imported, -1 when the server refused it, -2 when it
 * does not decode as a silence (amtool's decoder stops the import there).
 */
static int
import_one(struct client *cl, json_t *s, bool force, struct ad_err *err)
{
	struct buf	 body;
	json_t		*res = NULL;
	const char	*id = json_string_value(json_object_get(s, "id"));
	int		 rc;

	if (force)
		json_object_del(s, "id");
	buf_init(&body, BUF_NOCAP);
	if (!json_is_object(s) || gojson_encode(&body, s, postable_silence, 0,
	    err) == -1) {
		buf_release(&body);
		if (!json_is_object(s))
			ad_err_set(err, AD_EINVAL, "json: cannot unmarshal "
			    "into Go value of type models.PostableSilence");
		return -2;
	}
	rc = client_do(cl, "POST", "/silences", buf_str(&body), &res, err);
	if (rc == -1 && err->code == AD_ENOTFOUND) {
		/* Unknown ID: create it as a new silence. */
		json_object_del(s, "id");
		buf_reset(&body);
		rc = gojson_encode(&body, s, postable_silence, 0, err);
		if (rc == 0)
			rc = client_do(cl, "POST", "/silences", buf_str(&body),
			    &res, err);
	}
	if (rc == 0)
		printf("%s\n", json_string_value(json_object_get(res,
		    "silenceID")) ?: "");
	else
		fprintf(stderr, "Error adding silence id='%s': %s\n",
		    id != NULL && !force ? id : "", err->msg);
	fflush(stdout);
	json_decref(res);
	buf_release(&body);
	return rc;
}

static int
import_all(struct cli *c, json_t *arr, bool force, struct ad_err *err)
{
	struct client	*cl;
	struct ad_err	 e1;
	size_t		 i, failed = 0;
	json_t		*s;

	int		 rc;

	cl = cli_client(c, err);
	if (cl == NULL)
		return -1;
	json_array_foreach(arr, i, s) {
		memset(&e1, 0, sizeof(e1));
		rc = import_one(cl, s, force, &e1);
		if (rc == -2) {
			client_free(cl);
			return unmarshal_error(err, e1.msg);
		}
		if (rc == -1)
			failed++;
	}
	client_free(cl);
	if (failed > 0)
		return ad_err_set(err, AD_EIO,
		    "couldn't import %zu out of %zu silences", failed,
		    json_array_size(arr));
	return 0;
}

int
cmd_silence_import(struct args_ctx *ctx)
{
	struct cli	*c = cli_of(ctx);
	struct ad_err	 err = { 0 };
	struct buf	 in;
	json_error_t	 jerr;
	json_t		*v = NULL;
	int		 rc = 1;

	buf_init(&in, IMPORT_MAX_INPUT);
	if (read_input(args_get(ctx, "input-file"), &in, &err) == -1)
		goto fail;
	v = json_loadb(buf_str(&in), buf_len(&in), JSON_DECODE_ANY |
	    JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
	if (v == NULL) {
		unmarshal_error(&err, jerr.text);
		goto fail;
	}
	if (json_is_object(v)) {
		unmarshal_error(&err, "json: cannot unmarshal string into Go "
		    "value of type models.PostableSilence");
		goto fail;
	}
	if (json_is_array(v) && import_all(c, v, args_bool(ctx, "force"),
	    &err) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = cli_error(c, &err);
out:
	json_decref(v);
	buf_release(&in);
	return rc;
}
