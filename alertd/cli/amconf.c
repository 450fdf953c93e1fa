/*
 * amtool.yml loading with libyaml's document API (see amconf.h).  Keys
 * of one file are merged into the set as a whole, so that the legacy key
 * is only mapped when its new name is absent from that same file.
 */
#include "alertd/cli/amconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

#define AMCONF_MAX_FILE	(1 << 20)

struct amconf_kv {
	char	*key, *value;
};

struct amconf {
	struct amconf_kv	*kv;
	size_t			 n;
};

struct amconf *
amconf_new(void)
{
	return xcalloc(1, sizeof(struct amconf));
}

void
amconf_free(struct amconf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->kv[i].key);
		free(c->kv[i].value);
	}
	free(c->kv);
	free(c);
}

const char *
amconf_get(const struct amconf *c, const char *key)
{
	size_t	i;

	for (i = 0; c != NULL && i < c->n; i++)
		if (strcmp(c->kv[i].key, key) == 0)
			return c->kv[i].value;
	return NULL;
}

void
amconf_set(struct amconf *c, const char *key, const char *value)
{
	if (amconf_get(c, key) != NULL)
		return;
	c->kv = xreallocarray(c->kv, c->n + 1, sizeof(*c->kv));
	c->kv[c->n].key = xstrdup(key);
	c->kv[c->n].value = xstrdup(value);
	c->n++;
}

static const char *
short_tag(const yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return "!!seq";
	if (n->type == YAML_MAPPING_NODE)
		return "!!map";
	return "!!str";
}

/* A scalar's text as yaml.v2 puts it into a string ("" for null). */
static char *
scalar_text(const yaml_node_t *n)
{
	const char	*v = (const char *)n->data.scalar.value;
	size_t		 len = n->data.scalar.length;

	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (len == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0))
		return xstrdup("");
	return xstrndup(v, len);
}

static int
load_pairs(yaml_document_t *doc, struct amconf *file, struct buf *terr)
{
	yaml_node_t		*root = yaml_document_get_root_node(doc);
	yaml_node_pair_t	*pair;

	if (root == NULL)
		return 0;
	if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		buf_addf(terr, "\n  line %zu: cannot unmarshal %s into "
		    "map[string]string", root->start_mark.line + 1,
		    short_tag(root));
		return -1;
	}
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t	*k = yaml_document_get_node(doc, pair->key);
		yaml_node_t	*v = yaml_document_get_node(doc, pair->value);
		char		*ks, *vs;

		if (k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE) {
			yaml_node_t *bad = k->type != YAML_SCALAR_NODE ? k : v;

			buf_addf(terr, "\n  line %zu: cannot unmarshal %s into "
			    "string", bad->start_mark.line + 1, short_tag(bad));
			continue;
		}
		ks = scalar_text(k);
		vs = scalar_text(v);
		amconf_set(file, ks, vs);
		free(ks);
		free(vs);
	}
	return buf_len(terr) > 0 ? -1 : 0;
}

static int
parse_file(const char *data, size_t len,
    struct amconf *file, struct ad_err *err)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	struct buf	 terr;
	int		 rc = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = ad_err_set(err, AD_EINVAL, "yaml: line %zu: %s",
		    parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		return rc;
	}
	buf_init(&terr, BUF_NOCAP);
	if (load_pairs(&doc, file, &terr) == -1)
		rc = ad_err_set(err, AD_EINVAL, "yaml: unmarshal errors:%s",
		    buf_str(&terr));
	buf_release(&terr);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int
amconf_load(struct amconf *c, const char *path, struct ad_err *err)
{
	struct amconf	*file;
	struct stat	 st;
	struct buf	 data;
	const char	*v;
	size_t		 i;
	int		 rc = -1;

	if (stat(path, &st) == -1)
		return 0;
	buf_init(&data, AMCONF_MAX_FILE);
	if (buf_read_file(&data, path, err) == -1)
		goto out;
	file = amconf_new();
	if (parse_file(buf_str(&data), buf_len(&data), file, err) == 0) {
		for (i = 0; i < file->n; i++) {
			const char *k = file->kv[i].key;

			if (strcmp(k, "comment_required") == 0) {
				if (amconf_get(file, "require-comment") != NULL)
					continue;
				k = "require-comment";
			}
			v = file->kv[i].value;
			amconf_set(c, k, v);
		}
		rc = 0;
	}
	amconf_free(file);
out:
	buf_release(&data);
	return rc;
}
