/*
 * cfgerr: the one error amtool 0.25 reports for a config that does not
 * load, from the list of every error alertd's loader found.
 *
 * config.Load stops at the first error, in an order set by yaml.v2's
 * decoder: a check inside a custom UnmarshalYAML (a URL, a receiver, an
 * integration) fails the whole decode as soon as the object it belongs
 * to is decoded, unless that object had type errors; type errors
 * ("cannot unmarshal ...", "field x not found in type y", "... already
 * set ...") are collected and reported together as
 *
 *	yaml: unmarshal errors:
 *	  line 7: cannot unmarshal !!str `maybe` into bool
 *	  line 8: ...
 *
 * and the checks of Config.UnmarshalYAML itself (undefined receivers,
 * "no global SMTP smarthost set", root route rules, ...) run only when
 * the decode succeeded.  `check-config`'s FAILED line and `config routes`
 * print this message.
 * Thread: any.
 */
#ifndef ALERTD_CLI_CFGERR_H
#define ALERTD_CLI_CFGERR_H

#include <stddef.h>

struct ad_errs;
struct buf;

/*
 * Appends amtool's message for errs (as config_load filled it for file:
 * each where is "file:line:col[: path]").  errs must not be empty.
 */
void	cfgerr_message(const struct ad_errs *errs, const char *file,
	    struct buf *out);

#endif
