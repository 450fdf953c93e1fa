/*
 * ynode: a YAML document read with libyaml into a tree of nodes that keep
 * their line:column, tag and style, as gopkg.in/yaml.v2 (the parser
 * Alertmanager 0.25 uses) sees them.
 *
 * Only the first document of a stream is read, as yaml.v2's Unmarshal
 * does.  An alias is a node of its own (kind YNODE_ALIAS, with the line of
 * the alias) pointing at the anchored node, so the tree is a DAG: nothing
 * is copied, and the decoder bounds the work an alias can cause (see
 * decode.c: billion-laughs safe).  `<<` merge keys are left in place for
 * the decoder, which applies them as yaml.v2 does.
 *
 * Hard caps: YNODE_MAX_BYTES of input, YNODE_MAX_DEPTH nesting,
 * YNODE_MAX_NODES nodes.  Syntax errors are worded as yaml.v2 words them
 * ("yaml: line 3: mapping values are not allowed in this context").
 *
 * A ynode_doc owns every node; nodes are immutable once parsed.
 * Thread: any (no shared state).
 */
#ifndef ALERTD_CONFIG_YNODE_H
#define ALERTD_CONFIG_YNODE_H

#include <stdbool.h>
#include <stddef.h>

struct ad_err;

#define YNODE_MAX_BYTES	(4u << 20)
#define YNODE_MAX_DEPTH	256
#define YNODE_MAX_NODES	1000000

enum ynode_kind {
	YNODE_NULL,		/* empty document */
	YNODE_SCALAR,
	YNODE_MAP,		/* child[2i] key, child[2i+1] value */
	YNODE_SEQ,
	YNODE_ALIAS		/* target is the anchored node */
};

enum ynode_style {
	YNODE_PLAIN,		/* scalars */
	YNODE_SINGLE,
	YNODE_DOUBLE,
	YNODE_LITERAL,
	YNODE_FOLDED,
	YNODE_BLOCK,		/* collections */
	YNODE_FLOW
};

struct ynode {
	enum ynode_kind	 kind;
	enum ynode_style style;
	int		 line, col;	/* 1-based */
	char		*tag;		/* long form ("tag:yaml.org,2002:str") or NULL */
	char		*anchor;	/* or NULL */
	char		*value;		/* scalars: NUL-terminated; alias: name */
	size_t		 len;
	bool		 implicit;	/* plain scalar without tag (yaml.v2 n.implicit) */
	struct ynode	**child;
	size_t		 n;
	struct ynode	*target;	/* YNODE_ALIAS */
};

struct ynode_doc;

/*
 * Parses data[0..len).  Returns NULL with err filled on a syntax error or
 * a cap.  The root of an empty document is a YNODE_NULL node.
 */
struct ynode_doc *ynode_parse(const char *data, size_t len, struct ad_err *err);
void		 ynode_doc_free(struct ynode_doc *d);	/* NULL is fine */
const struct ynode *ynode_root(const struct ynode_doc *d);

/* Follows aliases (bounded): the node an alias stands for. */
const struct ynode *ynode_deref(const struct ynode *n);
/* yaml.v2's null: !!null tag, or plain "", "~", "null" without a tag;
 * NULL (absent) counts as null. */
bool		 ynode_is_null(const struct ynode *n);
/* yaml.v2's isMerge: a `<<` key, plain or tagged !!merge. */
bool		 ynode_is_merge(const struct ynode *n);
/* In a map, the value of key (scalar key compare), or NULL.  Last wins. */
const struct ynode *ynode_map_get(const struct ynode *map, const char *key);
/* "!!str", "!!map", ...: the short tag yaml.v2 prints in errors. */
const char	*ynode_short_tag(const char *tag, char *buf, size_t size);

#define YTAG_PREFIX	"tag:yaml.org,2002:"

#endif
