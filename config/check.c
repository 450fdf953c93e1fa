/*
 * check: `alertd --config.check`.
 * config_check_main loads as the daemon would and prints every error.
 */
#include <stdio.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "config/config.h"

int
config_check_main(const char *path, FILE *out)
{
	struct config_load_opts	 opts = config_load_opts_daemon();
	struct ad_errs		 errs, warns;
	struct config		*c;
	size_t			 i;

	ad_errs_init(&errs);
	ad_errs_init(&warns);
	c = config_load(path, &opts, &errs, &warns);
	for (i = 0; i < warns.n; i++)
		fprintf(out, "%s: warning: %s\n", warns.v[i].where,
		    warns.v[i].msg);
	for (i = 0; i < errs.n; i++)
		fprintf(out, "%s: %s\n", errs.v[i].where, errs.v[i].msg);
	if (c != NULL)
		fprintf(out, "%s: configuration is valid\n", path);
	config_unref(c);
	ad_errs_release(&errs);
	ad_errs_release(&warns);
	return c != NULL ? 0 : 1;
}
