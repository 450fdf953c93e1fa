/*
 * Inhibition: Alertmanager 0.25's inhibit.Inhibitor and InhibitRule
 * (Mutes, hasEqual, the per-rule source cache and its GC).
 *
 * Where Go scans a rule's whole source cache for every check, each rule
 * here also indexes its cache by a hash of the `equal` label values, so a
 * check visits only the alerts that share them.  Kept from Alertmanager:
 * the source cache holds resolved alerts until its GC (a check skips
 * them), a missing label equals an empty one, a silenced source still
 * inhibits (silences are not consulted here), and one inhibiting alert
 * is reported.  From 0.30: a rule's optional `name` appears in the debug
 * logs (Alertmanager 0.30 logs duplicate names; alertd also logs which
 * rule muted a notification, by name and index).
 */
#include "routing/inhibit.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertd/alert.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "config/config.h"
#include "routing/fpmap.h"
#include "routing/labels.h"
#include "routing/matcher.h"

struct inhibit_entry {
	struct alert		*a;
	uint64_t		 eqh;
	bool			 both;		/* matches the target side too */
	struct inhibit_entry	*prev, *next;	/* same eqh */
};

struct inhibit_rule {
	const struct config_inhibit_rule *cr;
	const char		**equal;	/* sorted, unique */
	size_t			  n_equal;
	struct fpmap		  by_fp;	/* fp -> entry */
	struct fpmap		  by_eq;	/* eqh -> first entry */
};

struct inhibit {
	pthread_rwlock_t	 lock;
	struct inhibit_rule	*rules;
	size_t			 n;
	_Atomic ad_time_t	 next_gc;
};

/* Matchers.Matches: every matcher, an absent label reading as "". */
static bool
ms_match(const struct matchers *ms, const struct labels *ls)
{
	size_t	i;

	for (i = 0; i < ms->n; i++)
		if (!matcher_matches(ms->v[i],
		    labels_get(ls, matcher_name(ms->v[i]))))
			return false;
	return true;
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void
rule_init(struct inhibit_rule *r, const struct config_inhibit_rule *cr)
{
	size_t	i, n = 0;

	r->cr = cr;
	r->equal = xcalloc(cr->n_equal + 1, sizeof(*r->equal));
	for (i = 0; i < cr->n_equal; i++)
		r->equal[i] = cr->equal[i];
	qsort(r->equal, cr->n_equal, sizeof(*r->equal), str_cmp);
	for (i = 0; i < cr->n_equal; i++)
		if (n == 0 || strcmp(r->equal[n - 1], r->equal[i]) != 0)
			r->equal[n++] = r->equal[i];
	r->n_equal = n;
	fpmap_init(&r->by_fp);
	fpmap_init(&r->by_eq);
}

static void
rule_release(struct inhibit_rule *r)
{
	struct inhibit_entry	*e;
	size_t			 i;

	for (i = 0; i < fpmap_cap(&r->by_fp); i++) {
		e = fpmap_val(&r->by_fp, i);
		if (e == NULL)
			continue;
		alert_unref(e->a);
		free(e);
	}
	fpmap_release(&r->by_fp);
	fpmap_release(&r->by_eq);
	free(r->equal);
}

/* NewInhibitor (0.30): a name used by an earlier rule is logged. */
static void
log_duplicate_names(const struct inhibit *ih)
{
	const char	*name;
	char		 idx[24];
	size_t		 i, j;

	for (i = 0; i < ih->n; i++) {
		name = ih->rules[i].cr->name;
		if (name == NULL || name[0] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (ih->rules[j].cr->name != NULL &&
			    strcmp(ih->rules[j].cr->name, name) == 0)
				break;
		if (j == i)
			continue;
		snprintf(idx, sizeof(idx), "%zu", i);
		log_debugkv("duplicate inhibition rule name", "index", idx,
		    "name", name, (char *)NULL);
	}
}

struct inhibit *
inhibit_new(struct config_inhibit_rule *const *rules, size_t n)
{
	struct inhibit	*ih;
	size_t		 i;

	ih = xcalloc(1, sizeof(*ih));
	pthread_rwlock_init(&ih->lock, NULL);
	ih->rules = xcalloc(n + 1, sizeof(*ih->rules));
	for (i = 0; i < n; i++)
		rule_init(&ih->rules[i], rules[i]);
	ih->n = n;
	if (log_enabled(LOG_DEBUG))
		log_duplicate_names(ih);
	atomic_init(&ih->next_gc, ad_now() + INHIBIT_GC_INTERVAL);
	return ih;
}

void
inhibit_free(struct inhibit *ih)
{
	size_t	i;

	if (ih == NULL)
		return;
	for (i = 0; i < ih->n; i++)
		rule_release(&ih->rules[i]);
	free(ih->rules);
	pthread_rwlock_destroy(&ih->lock);
	free(ih);
}

/* Hash of the equal labels' values, absent ones as "". */
static uint64_t
eq_hash(const struct inhibit_rule *r, const struct labels *ls)
{
	static const unsigned char sep = 0xff;
	uint64_t	 h = FNV1A64_INIT;
	const char	*v;
	size_t		 i;

	for (i = 0; i < r->n_equal; i++) {
		v = labels_get(ls, r->equal[i]);
		if (v != NULL)
			h = fnv1a64_add(h, v, strlen(v));
		h = fnv1a64_add(h, &sep, 1);
	}
	return h;
}

static bool
eq_values(const struct inhibit_rule *r, const struct labels *a,
    const struct labels *b)
{
	const char	*va, *vb;
	size_t		 i;

	for (i = 0; i < r->n_equal; i++) {
		va = labels_get(a, r->equal[i]);
		vb = labels_get(b, r->equal[i]);
		if (strcmp(va != NULL ? va : "", vb != NULL ? vb : "") != 0)
			return false;
	}
	return true;
}

static void
entry_unlink(struct inhibit_rule *r, struct inhibit_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else if (e->next != NULL)
		fpmap_put(&r->by_eq, e->eqh, e->next);
	else
		fpmap_del(&r->by_eq, e->eqh);
	if (e->next != NULL)
		e->next->prev = e->prev;
}

/* Caches a in r (write-locked). */
static void
rule_put(struct inhibit_rule *r, struct alert *a)
{
	struct inhibit_entry	*e, *head;

	e = fpmap_get(&r->by_fp, a->fp);
	if (e != NULL) {
		alert_unref(e->a);
		e->a = alert_ref(a);
		return;
	}
	e = xcalloc(1, sizeof(*e));
	e->a = alert_ref(a);
	e->eqh = eq_hash(r, a->labels);
	e->both = ms_match(&r->cr->target, a->labels);
	head = fpmap_get(&r->by_eq, e->eqh);
	e->next = head;
	if (head != NULL)
		head->prev = e;
	fpmap_put(&r->by_eq, e->eqh, e);
	fpmap_put(&r->by_fp, a->fp, e);
}

void
inhibit_put(struct inhibit *ih, struct alert *a)
{
	bool		*hit, any = false;
	size_t		 i;
	ad_time_t	 now;

	if (ih->n == 0)
		return;
	hit = xcalloc(ih->n, sizeof(*hit));
	for (i = 0; i < ih->n; i++) {
		hit[i] = ms_match(&ih->rules[i].cr->source, a->labels);
		any = any || hit[i];
	}
	if (any) {
		pthread_rwlock_wrlock(&ih->lock);
		for (i = 0; i < ih->n; i++)
			if (hit[i])
				rule_put(&ih->rules[i], a);
		pthread_rwlock_unlock(&ih->lock);
	}
	free(hit);
	now = ad_now();
	if (now >= atomic_load_explicit(&ih->next_gc, memory_order_relaxed))
		inhibit_gc(ih, now);
}

/* InhibitRule.hasEqual (read-locked). */
static struct alert *
rule_has_equal(const struct inhibit_rule *r, const struct labels *ls,
    bool exclude_two_sided, ad_time_t now)
{
	struct inhibit_entry	*e;

	e = fpmap_get(&r->by_eq, eq_hash(r, ls));
	for (; e != NULL; e = e->next) {
		if (alert_resolved_at(e->a, now))
			continue;
		if (!eq_values(r, e->a->labels, ls))
			continue;
		if (exclude_two_sided && e->both)
			continue;
		return e->a;
	}
	return NULL;
}

/* Mutes: the inhibiting alert's fingerprint and its rule's index. */
static bool
mutes(struct inhibit *ih, const struct labels *ls, ad_time_t now,
    uint64_t *by, size_t *rule)
{
	const struct inhibit_rule	*r;
	struct alert			*src = NULL;
	size_t				 i;

	if (ih->n == 0)
		return false;
	pthread_rwlock_rdlock(&ih->lock);
	for (i = 0; i < ih->n && src == NULL; i++) {
		r = &ih->rules[i];
		if (fpmap_len(&r->by_fp) == 0 ||
		    !ms_match(&r->cr->target, ls))
			continue;
		src = rule_has_equal(r, ls, ms_match(&r->cr->source, ls),
		    now);
		*rule = i;
	}
	if (src != NULL)
		*by = src->fp;
	pthread_rwlock_unlock(&ih->lock);
	return src != NULL;
}

bool
inhibit_mutes(struct inhibit *ih, const struct labels *ls, ad_time_t now,
    uint64_t *by)
{
	uint64_t	fp;
	size_t		rule;

	if (!mutes(ih, ls, now, &fp, &rule))
		return false;
	if (by != NULL)
		*by = fp;
	return true;
}

/* The debug line of a muted notification: which alert, by which rule. */
static void
log_inhibited(const struct inhibit *ih, const struct alert *a, uint64_t by,
    size_t rule)
{
	const char	*name = ih->rules[rule].cr->name;
	char		 fp[17], byfp[17], idx[24];

	snprintf(fp, sizeof(fp), "%016" PRIx64, a->fp);
	snprintf(byfp, sizeof(byfp), "%016" PRIx64, by);
	snprintf(idx, sizeof(idx), "%zu", rule);
	if (name != NULL && name[0] != '\0')
		log_debugkv("Alert inhibited", "alert", fp, "inhibitedBy",
		    byfp, "index", idx, "name", name, (char *)NULL);
	else
		log_debugkv("Alert inhibited", "alert", fp, "inhibitedBy",
		    byfp, "index", idx, (char *)NULL);
}

bool
inhibit_muter(void *arg, const struct alert *a, ad_time_t now)
{
	struct inhibit	*ih = arg;
	uint64_t	 by;
	size_t		 rule;

	if (!mutes(ih, a->labels, now, &by, &rule))
		return false;
	if (log_enabled(LOG_DEBUG))
		log_inhibited(ih, a, by, rule);
	return true;
}

static void
rule_gc(struct inhibit_rule *r, ad_time_t now)
{
	struct inhibit_entry	*e, **dead;
	size_t			 i, n = 0;

	dead = xcalloc(fpmap_len(&r->by_fp) + 1, sizeof(*dead));
	for (i = 0; i < fpmap_cap(&r->by_fp); i++) {
		e = fpmap_val(&r->by_fp, i);
		if (e == NULL || !alert_resolved_at(e->a, now))
			continue;
		dead[n++] = e;
	}
	for (i = 0; i < n; i++) {
		entry_unlink(r, dead[i]);
		fpmap_del(&r->by_fp, dead[i]->a->fp);
		alert_unref(dead[i]->a);
		free(dead[i]);
	}
	free(dead);
}

void
inhibit_gc(struct inhibit *ih, ad_time_t now)
{
	size_t	i;

	pthread_rwlock_wrlock(&ih->lock);
	atomic_store_explicit(&ih->next_gc, now + INHIBIT_GC_INTERVAL,
	    memory_order_relaxed);
	for (i = 0; i < ih->n; i++)
		rule_gc(&ih->rules[i], now);
	pthread_rwlock_unlock(&ih->lock);
}

size_t
inhibit_cached(struct inhibit *ih)
{
	size_t	i, n = 0;

	pthread_rwlock_rdlock(&ih->lock);
	for (i = 0; i < ih->n; i++)
		n += fpmap_len(&ih->rules[i].by_fp);
	pthread_rwlock_unlock(&ih->lock);
	return n;
}
