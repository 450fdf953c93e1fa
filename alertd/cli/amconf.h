/*
 * amconf: amtool's configuration files, which give flags their defaults.
 *
 * A file is a YAML mapping of flag names to values ("alertmanager.url",
 * "output", "date.format", "author", "require-comment", ... any flag of
 * the global set or of the command being run).  Files are read in order
 * and the first file that sets a key wins, as amtool's resolver does; a
 * file that does not exist is skipped.  The legacy key
 * "comment_required" stands for "require-comment" unless the file also
 * sets "require-comment".  Values are the scalars' text (yaml.v2 into a
 * string: "false", "1h", "" for null); a sequence or mapping as a value
 * fails like yaml.v2 ("yaml: unmarshal errors:\n  line 3: cannot
 * unmarshal !!seq into string").  Thread: main only.
 */
#ifndef ALERTD_CLI_AMCONF_H
#define ALERTD_CLI_AMCONF_H

struct ad_err;

struct amconf;

struct amconf	*amconf_new(void);
void		 amconf_free(struct amconf *c);		/* NULL is fine */
/* Adds the keys of path that are not set yet; a missing file is no error. */
int		 amconf_load(struct amconf *c, const char *path,
		    struct ad_err *err);
/* Sets key unless already set (environment overrides go first). */
void		 amconf_set(struct amconf *c, const char *key,
		    const char *value);
const char	*amconf_get(const struct amconf *c, const char *key);

#endif
