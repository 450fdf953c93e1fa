/*
 * libFuzzer target: the POST /api/v2/alerts decoder (api_json.c) and,
 * for bodies it accepts, the alert encoder.  Any crash, leak, sanitizer
 * report or a result that breaks the decoder's contract is a bug.
 *
 *	make fuzz FUZZ_SECONDS=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/alertd.h"
#include "alertd/api_json.h"
#include "alertd/buf.h"
#include "routing/labels.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
encode(struct api_postable_alert *pa)
{
	struct alert_status	 st;
	struct alert		*a;
	struct buf		 b;

	a = alert_new(labels_ref(pa->labels), pa->annotations != NULL ?
	    labels_ref(pa->annotations) : NULL, pa->generator_url,
	    pa->starts_at == AD_TIME_ZERO ? 0 : pa->starts_at,
	    pa->ends_at == AD_TIME_ZERO ? 0 : pa->ends_at, 0, false);
	alert_set_offs(a, pa->starts_off, pa->ends_off);
	alert_status_init(&st);
	buf_init(&b, BUF_NOCAP);
	api_json_alert(&b, a, &st, NULL, 0);
	if (buf_len(&b) < 2 || buf_str(&b)[0] != '{')
		abort();
	buf_release(&b);
	alert_unref(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_postable_alerts	pa;
	struct api_json_err		err;
	size_t				i;

	if (api_json_decode_alerts((const char *)data, size, 1000, &pa,
	    &err) == -1) {
		if (err.msg == NULL || (err.status != 400 &&
		    err.status != 413 && err.status != 422))
			abort();
		api_json_err_release(&err);
		return 0;
	}
	for (i = 0; i < pa.n; i++) {
		/* go-swagger's validation guarantees labels. */
		if (pa.v[i].labels == NULL)
			abort();
		encode(&pa.v[i]);
	}
	api_postable_alerts_release(&pa);
	return 0;
}
