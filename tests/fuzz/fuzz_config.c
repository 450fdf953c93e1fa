/*
 * libFuzzer target for the config loader: alertmanager.yml bytes through
 * ynode (libyaml), the table-driven decoder, every validation, and, when
 * the file loads, config_dump_yaml and config_hash.  The first byte picks
 * the load options (amtool's 0.25 schema or the daemon's); files named by
 * *_file settings and templates are not read (no disk access while
 * fuzzing).  No crash, no leak, bounded time (alias bombs, deep nesting).
 *
 *	make fuzz FUZZ_SECONDS=60
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_load_opts	 opts;
	struct ad_errs		 errs, warns;
	struct config		*c;
	struct buf		 b;

	if (size == 0)
		return 0;
	opts = (data[0] & 1) ? config_load_opts_daemon() :
	    config_load_opts_amtool();
	opts.read_files = false;
	opts.parse_templates = false;
	opts.strict_templates = (data[0] & 2) != 0;
	ad_errs_init(&errs);
	ad_errs_init(&warns);
	c = config_load_bytes("fuzz.yml", (const char *)data + 1, size - 1,
	    NULL, &opts, &errs, &warns);
	if (c != NULL) {
		buf_init(&b, BUF_NOCAP);
		(void)config_dump_yaml(c, &b);
		buf_release(&b);
		(void)config_hash(c);
	}
	config_unref(c);
	ad_errs_release(&errs);
	ad_errs_release(&warns);
	return 0;
}
