/*
 * libFuzzer target for the silence decoders that read untrusted bytes:
 * the POST /api/v2/silences JSON decoder and validation (through the
 * handler, on an in-memory store), the MeshSilence protobuf decoder, the
 * WAL/snapshot record parser, and the strfmt date-time parser.  The first
 * byte picks the decoder.
 *
 *	make fuzz FUZZ_SECONDS=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/api_gofmt.h"
#include "alertd/api_silences.h"
#include "alertd/log.h"
#include "silences/silence.h"
#include "silences/silence_file.h"
#include "silences/silence_store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
count_rec(void *arg, const char *key, const void *val, size_t len)
{
	(void)key;
	(void)val;
	*(size_t *)arg += len;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct silence_store	*ss;
	struct silence_store_opts	 o = { .retention = 3600 * AD_SEC,
	    .max_silences = 1000 };
	struct api_sil_resp		 r;
	struct silence			*s;
	ad_time_t			 t;
	int32_t				 off;
	size_t				 n = 0;

	if (size == 0)
		return 0;
	if (ss == NULL) {
		log_init(LOG_ERROR + 1, LOG_LOGFMT);
		ss = silence_store_new(&o);
	}
	switch (data[0] % 4) {
	case 0:
		api_sil_resp_init(&r);
		api_silences_post(ss, (const char *)data + 1, size - 1,
		    (ad_time_t)1767225600 * AD_SEC, &r);
		api_sil_resp_release(&r);
		if (data[size - 1] == 'G')
			silence_store_gc(ss, INT64_MAX);
		break;
	case 1:
		s = silence_pb_decode(data + 1, size - 1, &t, NULL);
		if (s != NULL)
			silence_validate(s, NULL);
		silence_unref(s);
		break;
	case 2:
		silence_file_parse(data + 1, size - 1, count_rec, &n);
		break;
	default:
		api_go_parse_datetime_sat((const char *)data + 1, size - 1, &t, &off,
		    NULL);
		break;
	}
	return 0;
}
