/*
 * libFuzzer target for the template engine: parses the input as a
 * template file and as a field text, then executes it in text and HTML
 * mode on sample data and runs tmpl_check.  An input holding a NUL byte
 * is split there: the part before becomes a `templates:` file.
 * Executions run under small limits, so a template may fail but must
 * never crash, leak, or exhaust memory or stack.  The set with the
 * default templates is reused (its field cache included) and renewed
 * every RENEW runs; an input with a file gets a set of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "templates/tmpl.h"

#define RENEW	500

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] = "{\"receiver\":\"team-a\",\"status\":\"firing\","
    "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"Disk\","
    "\"instance\":\"a<b>\"},\"annotations\":{\"summary\":\"s & t\"},"
    "\"startsAt\":\"2024-01-02T03:04:05.5Z\",\"endsAt\":"
    "\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://p/g?x=1&y\","
    "\"fingerprint\":\"f1\"},{\"status\":\"resolved\",\"labels\":"
    "{\"alertname\":\"Disk\"},\"annotations\":{},\"startsAt\":"
    "\"2024-01-02T03:04:05+02:00\",\"endsAt\":\"2024-01-02T04:00:00Z\","
    "\"generatorURL\":\"javascript:x\",\"fingerprint\":\"f2\"}],"
    "\"groupLabels\":{\"alertname\":\"Disk\"},\"commonLabels\":"
    "{\"alertname\":\"Disk\"},\"commonAnnotations\":{},"
    "\"externalURL\":\"http://am\"}";

static struct tmpl_set *
new_set(void)
{
	static const struct tmpl_limits lim = {
		.max_output = 1 << 16, .max_memory = 8 << 20,
		.max_depth = 64, .max_steps = 200000,
	};
	struct tmpl_set	*ts;
	struct ad_err	 err;

	ts = tmpl_set_new(&err);
	if (ts == NULL)
		abort();
	tmpl_set_limits(ts, &lim);
	return ts;
}

static void
run(struct tmpl_set *ts, const struct tmpl_data *d, const uint8_t *data,
    size_t n)
{
	struct ad_err	 err;
	struct buf	 out;
	char		*text;

	text = malloc(n + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, n);
	text[n] = '\0';
	buf_init(&out, 1 << 20);
	(void)tmpl_exec_text(ts, text, d, &out, &err);
	buf_reset(&out);
	(void)tmpl_exec_html(ts, text, d, &out, &err);
	buf_release(&out);
	(void)tmpl_check(ts, text, &err);
	(void)tmpl_check_html(ts, text, &err);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tmpl_data	*d;
	static struct tmpl_set	*shared;
	static unsigned		 runs;
	struct tmpl_set		*ts;
	struct ad_err		 err;
	const uint8_t		*nul;

	if (d == NULL)
		d = tmpl_data_from_json(sample, sizeof(sample) - 1, &err);
	if (d == NULL)
		abort();
	nul = memchr(data, 0, size);
	if (nul == NULL) {
		if (shared == NULL || ++runs % RENEW == 0) {
			tmpl_set_free(shared);
			shared = new_set();
		}
		run(shared, d, data, size);
		return 0;
	}
	ts = new_set();
	(void)tmpl_set_add_text(ts, "fuzz.tmpl", (const char *)data,
	    (size_t)(nul - data), &err);
	run(ts, d, nul + 1, size - (size_t)(nul - data) - 1);
	tmpl_set_free(ts);
	return 0;
}
