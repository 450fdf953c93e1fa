/*
 * receiver: `receivers:` entries.  The name is a field; every other key
 * is looked up in the notifier registry (notifiers/registry.c) as a
 * *_configs list, decoded with that integration's field table and checked
 * by its `check` with the global section (Alertmanager's UnmarshalYAML of
 * the integration, then the global values Config.UnmarshalYAML pushes
 * into it).  Integrations keep the global http_config when they have
 * none, as Alertmanager does.
 */
#include <stdlib.h>
#include <string.h>

#include "alertd/xmalloc.h"
#include "config/config_int.h"
#include "config/ynode.h"
#include "notifiers/notifier.h"

_Thread_local struct config_global *config_loading_global;

static void
type_obj(const struct notifier_type *t, struct config_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->go_type = "config.plain";
	o->size = t->conf_size;
	o->fields = t->fields;
}

static size_t
type_rank(const struct notifier_type *t)
{
	size_t	i;

	for (i = 0; notifier_types[i] != NULL; i++)
		if (notifier_types[i] == t)
			return i;
	return i;
}

static void
add_integration(struct config_receiver *r, const struct notifier_type *t,
    void *conf, unsigned idx)
{
	struct config_integration	*in;

	r->integrations = xreallocarray(r->integrations, r->n_integrations + 1,
	    sizeof(*r->integrations));
	in = &r->integrations[r->n_integrations++];
	in->type = t;
	in->conf = conf;
	in->idx = idx;
	in->send_resolved = ((struct notifier_conf *)conf)->send_resolved;
}

/* One element of a *_configs list. */
static int
decode_one(struct config_receiver *r, const struct notifier_type *t,
    const struct ynode *e, unsigned idx, struct config_check *chk)
{
	struct config_obj	 o;
	struct notifier_conf	*base;
	const struct ynode	*saved = chk->node;
	unsigned		 nerr = chk->nerr;
	void			*conf;
	int			 rc;

	type_obj(t, &o);
	conf = xcalloc(1, t->conf_size);
	config_obj_init(&o, conf);
	add_integration(r, t, conf, idx);
	if (ynode_is_null(e))
		return config_check_errn(chk, e, NULL, "empty list element");
	rc = config_obj_decode(chk, e, &o, conf);
	base = conf;
	chk->node = e;
	if (rc == 0 && chk->nerr == nerr && t->check != NULL)
		rc = t->check(conf, config_loading_global, chk);
	if (rc == 0 && config_obj_field(&o, "http_config") != NULL &&
	    base->http == NULL && config_loading_global != NULL &&
	    config_loading_global->http != NULL) {
		base->http = config_http_dup(config_loading_global->http);
		base->http_inherited = true;
	}
	if (rc == 0 && t->prepare == NULL && chk->opts != NULL &&
	    chk->opts->require_senders)
		rc = config_check_errn(chk, e, NULL, "integration %s is not "
		    "supported by alertd yet", t->config_key);
	chk->node = saved;
	r->integrations[r->n_integrations - 1].send_resolved =
	    base->send_resolved;
	return rc;
}

static int
receiver_extra(void *obj, const char *key, const struct ynode *val,
    struct config_check *chk)
{
	struct config_receiver		*r = obj;
	const struct notifier_type	*t = notifier_lookup_key(key);
	const struct ynode		*n = ynode_deref(val);
	size_t				 i, mark;
	int				 rc = 0;

	if (t == NULL)
		return 0;
	if (t->since != NULL && chk->opts != NULL && chk->opts->schema_025) {
		config_check_warnf(chk, val, "%s was added in Alertmanager %s; "
		    "alertd parses it, Alertmanager 0.25 does not", key,
		    t->since);
		return 0;
	}
	if (ynode_is_null(n))
		return 1;
	if (n->kind != YNODE_SEQ)
		return config_check_errn(chk, n, NULL, "cannot unmarshal %s into "
		    "[]*config.%sConfig", n->kind == YNODE_MAP ? "!!map" :
		    "!!str", t->name) == -1 ? -1 : -1;
	for (i = 0; i < n->n; i++) {
		mark = config_check_push(chk, "[%zu]", i);
		if (decode_one(r, t, ynode_deref(n->child[i]), (unsigned)i,
		    chk) == -1)
			rc = -1;
		config_check_pop(chk, mark);
	}
	return rc == 0 ? 1 : -1;
}

static int
cmp_integration(const void *a, const void *b)
{
	const struct config_integration *x = a, *y = b;
	size_t rx = type_rank(x->type), ry = type_rank(y->type);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
receiver_check(void *obj, struct config_check *chk)
{
	struct config_receiver	*r = obj;

	if (r->n_integrations > 1)
		qsort(r->integrations, r->n_integrations,
		    sizeof(*r->integrations), cmp_integration);
	if (r->name == NULL || r->name[0] == '\0')
		return config_check_errf(chk, NULL, "missing name in receiver");
	return 0;
}

void
config_receiver_release(struct config_receiver *r)
{
	struct config_obj	o;
	size_t			i;

	for (i = 0; i < r->n_integrations; i++) {
		type_obj(r->integrations[i].type, &o);
		config_obj_release(&o, r->integrations[i].conf);
		free(r->integrations[i].conf);
	}
	free(r->integrations);
	r->integrations = NULL;
	r->n_integrations = 0;
}

static void
receiver_release(void *obj)
{
	config_receiver_release(obj);
}

static const struct config_field receiver_fields[] = {
	CF_F("name", CF_STR, 0, struct config_receiver, name),
	CF_END
};

const struct config_obj config_receiver_obj = {
	.go_type = "config.plain", .go_list_type = "[]*config.Receiver",
	.size = sizeof(struct config_receiver), .fields = receiver_fields,
	.check = receiver_check, .extra = receiver_extra,
	.release = receiver_release,
};
