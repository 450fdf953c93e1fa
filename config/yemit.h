/*
 * yemit: YAML output as gopkg.in/yaml.v2's Marshal writes it, for
 * config_dump_yaml (Alertmanager's Config.String()).
 *
 * yaml.v2's emitter is a port of libyaml's, so the events go to libyaml's
 * emitter (block style, indent 2, width 80, unicode on) and yemit makes
 * the choices yaml.v2's encoder makes before that: a string that would
 * resolve to something other than a string when plain (a bool, a number,
 * a null, a timestamp, a base-60 float) is double-quoted, one containing
 * a newline is literal; libyaml then falls back to single or double
 * quotes exactly as yaml.v2's port does.
 *
 * Errors are sticky: once an emit call fails, every later call returns
 * -1 and yemit_finish reports it.  Thread: the caller's.
 */
#ifndef ALERTD_CONFIG_YEMIT_H
#define ALERTD_CONFIG_YEMIT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct yemit;

/* Starts a stream and a document; output is appended to out. */
struct yemit	*yemit_new(struct buf *out);
/* Ends the document and the stream; 0, or -1 when anything failed. */
int		 yemit_finish(struct yemit *e);
void		 yemit_free(struct yemit *e);	/* NULL is fine */

/* Collections; flow is yaml.v2's ",flow" field option. */
int	yemit_map_start(struct yemit *e, bool flow);
int	yemit_map_end(struct yemit *e);
int	yemit_seq_start(struct yemit *e, bool flow);
int	yemit_seq_end(struct yemit *e);

/* A Go string (encoder.stringv), also used for mapping keys. */
int	yemit_str(struct yemit *e, const char *s);
/* A scalar yaml.v2 always writes plain: bools, numbers. */
int	yemit_plain(struct yemit *e, const char *s);
/* nil: "null". */
int	yemit_null(struct yemit *e);

/*
 * yaml.v2's resolve("", s) == !!str and not a base-60 float: whether
 * Marshal may write s plain.
 */
bool	yemit_plain_ok(const char *s);

#endif
