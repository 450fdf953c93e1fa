/*
 * http_config loading for --http.config.file (see httpconf.h), with
 * libyaml's document API.  Field tables list the keys each mapping may
 * hold; anything else fails as yaml.v2's UnmarshalStrict fails.
 */
#include "alertd/cli/httpconf.h"

#include <libgen.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/xmalloc.h"

#define HTTPCONF_MAX_FILE	(1 << 20)

enum hc_kind { HC_STR, HC_FILE, HC_BOOL, HC_MAP, HC_ANY };

struct hc_field {
	const char	*name;
	enum hc_kind	 kind;
	size_t		 off;		/* char * or bool in struct httpconf */
	const struct hc_field *sub;	/* HC_MAP */
	size_t		 present;	/* HC_MAP: bool set when present */
};

#define HC_OFF(f)	offsetof(struct httpconf, f)

static const struct hc_field basic_auth[] = {
	{ "username", HC_STR, HC_OFF(basic_user), NULL, 0 },
	{ "password", HC_STR, HC_OFF(basic_password), NULL, 0 },
	{ "password_file", HC_FILE, HC_OFF(basic_password_file), NULL, 0 },
	{ NULL, HC_STR, 0, NULL, 0 }
};

static const struct hc_field authorization[] = {
	{ "type", HC_STR, HC_OFF(auth_type), NULL, 0 },
	{ "credentials", HC_STR, HC_OFF(auth_credentials), NULL, 0 },
	{ "credentials_file", HC_FILE, HC_OFF(auth_credentials_file), NULL,
	    0 },
	{ NULL, HC_STR, 0, NULL, 0 }
};

static const struct hc_field tls_config[] = {
	{ "ca_file", HC_FILE, HC_OFF(ca_file), NULL, 0 },
	{ "cert_file", HC_FILE, HC_OFF(cert_file), NULL, 0 },
	{ "key_file", HC_FILE, HC_OFF(key_file), NULL, 0 },
	{ "server_name", HC_STR, HC_OFF(server_name), NULL, 0 },
	{ "insecure_skip_verify", HC_BOOL, HC_OFF(insecure_skip_verify),
	    NULL, 0 },
	{ "min_version", HC_STR, HC_OFF(min_version), NULL, 0 },
	{ "max_version", HC_STR, HC_OFF(max_version), NULL, 0 },
	{ NULL, HC_STR, 0, NULL, 0 }
};

/* Temporary fields for the bearer_token forms, folded after loading. */
struct hc_extra {
	char	*bearer_token, *bearer_token_file;
};

static const struct hc_field top[] = {
	{ "basic_auth", HC_MAP, 0, basic_auth, HC_OFF(basic_auth) },
	{ "authorization", HC_MAP, 0, authorization, HC_OFF(authorization) },
	{ "oauth2", HC_ANY, 0, NULL, HC_OFF(oauth2) },
	{ "bearer_token", HC_STR, 0, NULL, 0 },		/* see load_top */
	{ "bearer_token_file", HC_FILE, 0, NULL, 0 },
	{ "proxy_url", HC_STR, HC_OFF(proxy_url), NULL, 0 },
	{ "proxy_connect_header", HC_ANY, 0, NULL, 0 },
	{ "tls_config", HC_MAP, 0, tls_config, 0 },
	{ "follow_redirects", HC_BOOL, HC_OFF(follow_redirects), NULL, 0 },
	{ "enable_http2", HC_BOOL, HC_OFF(enable_http2), NULL, 0 },
	{ NULL, HC_STR, 0, NULL, 0 }
};

struct hc_load {
	yaml_document_t	*doc;
	struct httpconf	*hc;
	struct hc_extra	 extra;
	const char	*dir;
	struct buf	 errs;
};

static char *
node_text(const yaml_node_t *n)
{
	return xstrndup((const char *)n->data.scalar.value,
	    n->data.scalar.length);
}

/* Config.SetDirectory: relative names are joined to dir. */
static char *
abs_path(const char *dir, char *name)
{
	char	*p;

	if (name[0] == '\0' || name[0] == '/')
		return name;
	p = xasprintf("%s/%s", dir, name);
	free(name);
	return p;
}

static void
set_str(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

static int
set_bool(struct hc_load *l, const yaml_node_t *n, bool *slot)
{
	char	*v = node_text(n);

	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 ||
	    strcmp(v, "TRUE") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "on") == 0)
		*slot = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 ||
	    strcmp(v, "FALSE") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "off") == 0)
		*slot = false;
	else
		buf_addf(&l->errs, "\n  line %zu: cannot unmarshal !!str `%s` "
		    "into bool", n->start_mark.line + 1, v);
	free(v);
	return 0;
}

static void	load_map(struct hc_load *, const yaml_node_t *,
		    const struct hc_field *, const char *);

static void
load_field(struct hc_load *l, const struct hc_field *f, const yaml_node_t *v)
{
	char	*base = (char *)l->hc, *s;

	if (f->present != 0)
		*(bool *)(base + f->present) = true;
	if (f->kind == HC_ANY)
		return;
	if (f->kind == HC_MAP) {
		if (v->type == YAML_MAPPING_NODE)
			load_map(l, v, f->sub, f->name);
		else if (!(v->type == YAML_SCALAR_NODE &&
		    v->data.scalar.length == 0))
			buf_addf(&l->errs, "\n  line %zu: cannot unmarshal "
			    "into %s", v->start_mark.line + 1, f->name);
		return;
	}
	if (v->type != YAML_SCALAR_NODE) {
		buf_addf(&l->errs, "\n  line %zu: cannot unmarshal %s into "
		    "string", v->start_mark.line + 1,
		    v->type == YAML_SEQUENCE_NODE ? "!!seq" : "!!map");
		return;
	}
	if (f->kind == HC_BOOL) {
		set_bool(l, v, (bool *)(base + f->off));
		return;
	}
	s = node_text(v);
	if (f->kind == HC_FILE)
		s = abs_path(l->dir, s);
	if (strcmp(f->name, "bearer_token") == 0)
		set_str(&l->extra.bearer_token, s);
	else if (strcmp(f->name, "bearer_token_file") == 0)
		set_str(&l->extra.bearer_token_file, s);
	else
		set_str((char **)(base + f->off), s);
}

static void
load_map(struct hc_load *l, const yaml_node_t *map,
    const struct hc_field *fields, const char *type)
{
	yaml_node_pair_t	*p;
	const struct hc_field	*f;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		yaml_node_t	*k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t	*v = yaml_document_get_node(l->doc, p->value);
		char		*name;

		if (k->type != YAML_SCALAR_NODE)
			continue;
		name = node_text(k);
		for (f = fields; f->name != NULL; f++)
			if (strcmp(f->name, name) == 0)
				break;
		if (f->name == NULL)
			buf_addf(&l->errs, "\n  line %zu: field %s not found in "
			    "type %s", k->start_mark.line + 1, name, type);
		else
			load_field(l, f, v);
		free(name);
	}
}

/* HTTPClientConfig.Validate, in its order. */
static int
validate(struct httpconf *hc, struct hc_extra *x, struct ad_err *err)
{
	bool	bt = x->bearer_token != NULL && *x->bearer_token != '\0';
	bool	btf = x->bearer_token_file != NULL &&
		    *x->bearer_token_file != '\0';

	if (bt && btf)
		return ad_err_set(err, AD_EINVAL, "at most one of bearer_token "
		    "& bearer_token_file must be configured");
	if ((hc->basic_auth || hc->oauth2) && (bt || btf))
		return ad_err_set(err, AD_EINVAL, "at most one of basic_auth, "
		    "oauth2, bearer_token & bearer_token_file must be "
		    "configured");
	if (hc->basic_auth && hc->basic_password != NULL &&
	    *hc->basic_password != '\0' && hc->basic_password_file != NULL &&
	    *hc->basic_password_file != '\0')
		return ad_err_set(err, AD_EINVAL, "at most one of basic_auth "
		    "password & password_file must be configured");
	if (hc->authorization) {
		if (bt || btf)
			return ad_err_set(err, AD_EINVAL, "authorization is "
			    "not compatible with bearer_token & "
			    "bearer_token_file");
		if (hc->auth_credentials != NULL &&
		    *hc->auth_credentials != '\0' &&
		    hc->auth_credentials_file != NULL &&
		    *hc->auth_credentials_file != '\0')
			return ad_err_set(err, AD_EINVAL, "at most one of "
			    "authorization credentials & credentials_file "
			    "must be configured");
		if (hc->auth_type == NULL || *hc->auth_type == '\0')
			set_str(&hc->auth_type, xstrdup("Bearer"));
		if (strcasecmp(hc->auth_type, "basic") == 0)
			return ad_err_set(err, AD_EINVAL, "authorization type "
			    "cannot be set to \"basic\", use \"basic_auth\" "
			    "instead");
		if (hc->basic_auth || hc->oauth2)
			return ad_err_set(err, AD_EINVAL, "at most one of "
			    "basic_auth, oauth2 & authorization must be "
			    "configured");
	} else if (bt || btf) {
		hc->authorization = true;
		set_str(&hc->auth_type, xstrdup("Bearer"));
		set_str(bt ? &hc->auth_credentials :
		    &hc->auth_credentials_file, bt ? x->bearer_token :
		    x->bearer_token_file);
		if (bt)
			x->bearer_token = NULL;
		else
			x->bearer_token_file = NULL;
	}
	if (hc->oauth2)
		return ad_err_set(err, AD_EINVAL, "oauth2 is not supported by "
		    "alertctl");
	return 0;
}

static int
load_doc(struct hc_load *l, struct ad_err *err)
{
	yaml_node_t	*root = yaml_document_get_root_node(l->doc);

	if (root != NULL && root->type == YAML_MAPPING_NODE)
		load_map(l, root, top, "config.plain");
	else if (root != NULL && !(root->type == YAML_SCALAR_NODE &&
	    root->data.scalar.length == 0))
		buf_addf(&l->errs, "\n  line %zu: cannot unmarshal into "
		    "config.plain", root->start_mark.line + 1);
	if (buf_len(&l->errs) > 0)
		return ad_err_set(err, AD_EINVAL, "yaml: unmarshal errors:%s",
		    buf_str(&l->errs));
	return validate(l->hc, &l->extra, err);
}

int
httpconf_load(struct httpconf *hc, const char *path, struct ad_err *err)
{
	struct hc_load	 l = { .hc = hc };
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	struct buf	 data;
	char		*d1, *d2;
	int		 rc = -1;

	memset(hc, 0, sizeof(*hc));
	hc->follow_redirects = hc->enable_http2 = true;
	buf_init(&data, HTTPCONF_MAX_FILE);
	if (buf_read_file(&data, path, err) == -1)
		goto out_data;
	d1 = xstrdup(path);
	d2 = xstrdup(dirname(d1));
	l.dir = dirname(d2);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser,
	    (const unsigned char *)buf_str(&data), buf_len(&data));
	if (!yaml_parser_load(&parser, &doc)) {
		ad_err_set(err, AD_EINVAL, "yaml: line %zu: %s",
		    parser.problem_mark.line + 1, parser.problem != NULL ?
		    parser.problem : "parse error");
		goto out_parser;
	}
	l.doc = &doc;
	buf_init(&l.errs, BUF_NOCAP);
	rc = load_doc(&l, err);
	buf_release(&l.errs);
	free(l.extra.bearer_token);
	free(l.extra.bearer_token_file);
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	free(d1);
	free(d2);
out_data:
	buf_release(&data);
	if (rc == -1)
		httpconf_release(hc);
	return rc;
}

void
httpconf_release(struct httpconf *hc)
{
	free(hc->basic_user);
	free(hc->basic_password);
	free(hc->basic_password_file);
	free(hc->auth_type);
	free(hc->auth_credentials);
	free(hc->auth_credentials_file);
	free(hc->proxy_url);
	free(hc->ca_file);
	free(hc->cert_file);
	free(hc->key_file);
	free(hc->server_name);
	free(hc->min_version);
	free(hc->max_version);
	memset(hc, 0, sizeof(*hc));
}
