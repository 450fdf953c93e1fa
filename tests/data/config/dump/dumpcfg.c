/*
 * dumpcfg FILE: prints config_dump_yaml of FILE (loaded as amtool loads
 * it, paths relative to FILE's directory): what alertd shows as
 * config.original.  Built on the fly by corpus-dump.sh against
 * build/libalertd.a; not part of the product.
 */
#include <stdio.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"

int
main(int argc, char **argv)
{
	struct config_load_opts	 opts = config_load_opts_amtool();
	struct ad_errs		 errs;
	struct config		*c;
	struct buf		 b;
	size_t			 i;
	int			 rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: dumpcfg FILE\n");
		return 2;
	}
	ad_errs_init(&errs);
	buf_init(&b, BUF_NOCAP);
	c = config_load(argv[1], &opts, &errs, NULL);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s: %s\n", errs.v[i].where, errs.v[i].msg);
	if (c != NULL && config_dump_yaml(c, &b) == 0) {
		fwrite(buf_str(&b), 1, buf_len(&b), stdout);
		rc = 0;
	}
	config_unref(c);
	buf_release(&b);
	ad_errs_release(&errs);
	return rc;
}
