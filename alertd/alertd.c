/*
 * The daemon's wiring: the current config and its reload (Alertmanager's
 * config.Coordinator), the hook tables, and the defaults used until a
 * subsystem registers its hook.  See alertd.h.
 */
#include "alertd/alertd.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/buf.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/store.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/labels.h"
#include "routing/matcher.h"
#include "silences/silence_store.h"

void
alertd_strs_add(struct alertd_strs *s, const char *str)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 4;
		s->v = xreallocarray(s->v, s->alloc, sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(str);
}

void
alertd_strs_release(struct alertd_strs *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

void
alert_status_init(struct alert_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = ALERT_STATE_UNPROCESSED;
}

void
alert_status_release(struct alert_status *st)
{
	alertd_strs_release(&st->silenced_by);
	alertd_strs_release(&st->inhibited_by);
	alertd_strs_release(&st->muted_by);
	st->state = ALERT_STATE_UNPROCESSED;
}

const char *
alert_state_str(enum alert_state s)
{
	switch (s) {
	case ALERT_STATE_ACTIVE:
		return "active";
	case ALERT_STATE_SUPPRESSED:
		return "suppressed";
	case ALERT_STATE_UNPROCESSED:
		break;
	}
	return "unprocessed";
}

void
alertd_init(struct alertd *ad)
{
	memset(ad, 0, sizeof(*ad));
	pthread_mutex_init(&ad->cfg_lock, NULL);
	pthread_mutex_init(&ad->reload_lock, NULL);
	ad->alerts = store_new();
	ad->route_prefix = xstrdup("/");
	ad->external_url = xstrdup("");
}

void
alertd_release(struct alertd *ad)
{
	store_free(ad->alerts);
	config_unref(ad->cfg);
	free(ad->route_prefix);
	free(ad->external_url);
	free(ad->cluster.address);
	pthread_mutex_destroy(&ad->cfg_lock);
	pthread_mutex_destroy(&ad->reload_lock);
	memset(ad, 0, sizeof(*ad));
}

static void
hook_add(struct alertd_hook *tab, size_t *n, void (*fn)(void), void *arg)
{
	if (*n >= ALERTD_HOOKS_MAX)
		fatalx("alertd: more than %d hooks of one kind",
		    ALERTD_HOOKS_MAX);
	tab[*n].fn = fn;
	tab[*n].arg = arg;
	(*n)++;
}

void
alertd_set_receivers(struct alertd *ad, alertd_receivers_fn fn, void *arg)
{
	ad->receivers.fn = (void (*)(void))fn;
	ad->receivers.arg = arg;
}

void
alertd_add_status(struct alertd *ad, alertd_status_fn fn, void *arg)
{
	hook_add(ad->status, &ad->n_status, (void (*)(void))fn, arg);
}

void
alertd_set_groups(struct alertd *ad, alertd_groups_fn fn, void *arg)
{
	ad->groups.fn = (void (*)(void))fn;
	ad->groups.arg = arg;
}

void
alertd_on_reload(struct alertd *ad, alertd_reload_fn fn, void *arg)
{
	hook_add(ad->reload, &ad->n_reload, (void (*)(void))fn, arg);
}

void
alertd_on_stop(struct alertd *ad, alertd_stop_fn fn, void *arg)
{
	hook_add(ad->stop, &ad->n_stop, (void (*)(void))fn, arg);
}

struct config *
alertd_config(struct alertd *ad)
{
	struct config	*c;

	pthread_mutex_lock(&ad->cfg_lock);
	c = ad->cfg != NULL ? config_ref(ad->cfg) : NULL;
	pthread_mutex_unlock(&ad->cfg_lock);
	return c;
}

void
alertd_errs_format(const struct ad_errs *errs, struct buf *out)
{
	size_t	i;

	for (i = 0; i < errs->n; i++) {
		if (i > 0)
			buf_addch(out, '\n');
		if (errs->v[i].where[0] != '\0')
			buf_addf(out, "%s: ", errs->v[i].where);
		buf_addstr(out, errs->v[i].msg);
	}
}

static int
run_reload_hooks(struct alertd *ad, struct config *cfg, struct ad_errs *errs)
{
	alertd_reload_fn fn;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < ad->n_reload; i++) {
		fn = (alertd_reload_fn)ad->reload[i].fn;
		if (fn(ad->reload[i].arg, cfg, errs) == -1)
			rc = -1;
	}
	return rc;
}

static void
log_warnings(struct alertd *ad, const struct ad_errs *w)
{
	struct buf	msg;
	size_t		i;

	buf_init(&msg, BUF_NOCAP);
	for (i = 0; i < w->n; i++) {
		buf_reset(&msg);
		alertd_errs_format(&(struct ad_errs){ w->v + i, 1, 0 }, &msg);
		log_warnkv("configuration warning", "file", ad->config_file,
		    "warn", buf_str(&msg), (char *)NULL);
	}
	buf_release(&msg);
}

int
alertd_reload(struct alertd *ad, struct ad_errs *errs)
{
	struct config	*cfg, *old;
	struct ad_errs	 warnings;
	struct buf	 msg;
	size_t		 first = errs->n;
	int		 rc;

	log_set_component("configuration");
	pthread_mutex_lock(&ad->reload_lock);
	log_infokv("Loading configuration file", "file", ad->config_file,
	    (char *)NULL);
	ad_errs_init(&warnings);
	cfg = config_load(ad->config_file, NULL, errs, &warnings);
	log_warnings(ad, &warnings);
	ad_errs_release(&warnings);
	buf_init(&msg, BUF_NOCAP);
	if (cfg == NULL) {
		if (errs->n == first)
			ad_errs_addf(errs, AD_EINVAL, "", "%s: unknown error",
			    ad->config_file);
		alertd_errs_format(&(struct ad_errs){ errs->v + first,
		    errs->n - first, 0 }, &msg);
		log_errorkv("Loading configuration file failed", "file",
		    ad->config_file, "err", buf_str(&msg), (char *)NULL);
		rc = -1;
		goto out;
	}
	log_infokv("Completed loading of configuration file", "file",
	    ad->config_file, (char *)NULL);
	pthread_mutex_lock(&ad->cfg_lock);
	old = ad->cfg;
	ad->cfg = cfg;
	pthread_mutex_unlock(&ad->cfg_lock);
	config_unref(old);
	rc = run_reload_hooks(ad, cfg, errs);
	if (rc == -1) {
		alertd_errs_format(&(struct ad_errs){ errs->v + first,
		    errs->n - first, 0 }, &msg);
		log_errorkv("one or more config change subscribers failed to "
		    "apply new config", "file", ad->config_file, "err",
		    buf_str(&msg), (char *)NULL);
	} else	/* the Coordinator sets it once every subscriber applied */
		atomic_store(&ad->reload_success_at, ad_now());
out:
	atomic_store(&ad->reload_ok, rc == 0);
	buf_release(&msg);
	pthread_mutex_unlock(&ad->reload_lock);
	log_set_component(NULL);
	return rc;
}

/*
 * dispatch.Route.Match: depth first; a child that matches stops the
 * search unless it has continue; a route none of whose children matched
 * is itself the match.  Returns whether r matched.
 */
static bool
route_walk(const struct config_route *r, const struct labels *ls,
    alertd_emit_fn emit, void *ctx)
{
	bool	any = false;
	size_t	i;

	if (!matchers_match(&r->matchers, ls))
		return false;
	for (i = 0; i < r->n_routes; i++) {
		if (!route_walk(r->routes[i], ls, emit, ctx))
			continue;
		any = true;
		if (!r->routes[i]->continue_)
			break;
	}
	if (!any)
		emit(ctx, r->receiver != NULL ? r->receiver : "");
	return true;
}

void
alertd_receivers(struct alertd *ad, const struct config *cfg,
    const struct labels *ls, alertd_emit_fn emit, void *ctx)
{
	alertd_receivers_fn fn;

	if (ad->receivers.fn != NULL) {
		fn = (alertd_receivers_fn)ad->receivers.fn;
		fn(ad->receivers.arg, cfg, ls, emit, ctx);
		return;
	}
	if (cfg != NULL && cfg->route != NULL)
		route_walk(cfg->route, ls, emit, ctx);
}

static void
emit_str(void *ctx, const char *s)
{
	alertd_strs_add(ctx, s);
}

void
alertd_status(struct alertd *ad, const struct alert *a, ad_time_t now,
    struct alert_status *st)
{
	alertd_status_fn fn;
	size_t		 i;

	if (ad->silences != NULL)
		silence_store_mutes_alert(ad->silences, a, now, emit_str,
		    &st->silenced_by);
	for (i = 0; i < ad->n_status; i++) {
		fn = (alertd_status_fn)ad->status[i].fn;
		fn(ad->status[i].arg, a, now, st);
	}
	if (st->silenced_by.n > 0 || st->inhibited_by.n > 0 ||
	    st->muted_by.n > 0)
		st->state = ALERT_STATE_SUPPRESSED;
	else
		st->state = ALERT_STATE_ACTIVE;
}

void
alertd_run_stop(struct alertd *ad)
{
	alertd_stop_fn	fn;
	size_t		i;

	for (i = ad->n_stop; i > 0; i--) {
		fn = (alertd_stop_fn)ad->stop[i - 1].fn;
		fn(ad->stop[i - 1].arg);
	}
}
