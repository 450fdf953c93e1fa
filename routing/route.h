/*
 * route: the routing tree, as Alertmanager's dispatch.Route.
 *
 * A tree is built from a config's struct config_route tree and is
 * immutable afterwards, so any number of threads may match against it.
 * It borrows from the config (matchers, receiver names, time interval
 * names): the config must outlive the tree; whoever swaps configs on
 * reload keeps the old one referenced until its tree is freed.
 *
 * Semantics (dispatch/route.go of Alertmanager 0.25):
 *  - options are inherited from the parent when unset (receiver,
 *    group_by, group_wait, group_interval, repeat_interval); an empty
 *    `group_by: []` counts as unset, as in Alertmanager; `...` groups by
 *    all labels; mute_time_intervals and active_time_intervals are NOT
 *    inherited (Alertmanager quirk: NewRoute takes the route's own);
 *  - matching is depth-first, children in order; the first matching child
 *    stops the scan unless it has `continue: true`; a route that matched
 *    but none of whose children did is itself a match;
 *  - Key() is the parent's key, '/', and the route's matchers (match,
 *    match_re and matchers together, sorted by name, value, then type) as
 *    Matchers.String() prints them: {}/{service="db"}/{env="prod"};
 *  - ID() (0.26+) is Key() followed by "/<index among its siblings>" for
 *    every route but the root;
 *  - the group key is "<route key>:<group labels as LabelSet.String()>",
 *    e.g. {}/{service="db"}:{cluster="c9", env="prod"}.
 *
 * Thread: any, once built.
 */
#ifndef ALERTD_ROUTING_ROUTE_H
#define ALERTD_ROUTING_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertd/timeutil.h"

struct buf;
struct config;
struct config_route;
struct labels;
struct matcher;

/* Alertmanager's DefaultRouteOpts, for a root that sets nothing. */
#define ROUTE_DEFAULT_GROUP_WAIT	(30 * AD_SEC)
#define ROUTE_DEFAULT_GROUP_INTERVAL	(5 * AD_MIN)
#define ROUTE_DEFAULT_REPEAT_INTERVAL	(4 * AD_HOUR)

/* One node; plain read-only data once the tree is built. */
struct route {
	const struct route	 *parent;	/* NULL for the root */
	struct route		**routes;	/* children, in config order */
	size_t			  n_routes;
	const struct config_route *cr;		/* what it was built from */
	const struct matcher	**matchers;	/* sorted; borrowed */
	size_t			  n_matchers;
	bool			  continue_;
	const char		 *receiver;	/* effective; borrowed */
	const char		**group_by;	/* effective, sorted; borrowed */
	size_t			  n_group_by;
	bool			  group_by_all;	/* group_by: ['...'] */
	ad_dur_t		  group_wait;
	ad_dur_t		  group_interval;
	ad_dur_t		  repeat_interval;
	char			**mute_time_intervals;	/* the route's own */
	size_t			  n_mute_time_intervals;
	char			**active_time_intervals;
	size_t			  n_active_time_intervals;
	char			 *key;		/* Key() */
	char			 *id;		/* ID() */
	size_t			  idx;		/* position in Walk() order */
	size_t			  sibling;	/* index among its siblings */
};

struct route_tree;

/*
 * Builds the tree from root (never fails: the config loader validated
 * it).  The tree borrows from root's config; see the top comment.
 * route_build(cfg) is route_tree_new(cfg->route).
 */
struct route_tree *route_tree_new(const struct config_route *root);
struct route_tree *route_build(const struct config *cfg);
void		 route_tree_free(struct route_tree *t);	/* NULL is fine */

const struct route *route_tree_root(const struct route_tree *t);
/* Number of routes; every route's idx is < this. */
size_t		 route_tree_len(const struct route_tree *t);
/* The route at Walk() (depth-first, parent first) position idx. */
const struct route *route_tree_get(const struct route_tree *t, size_t idx);

/* Do the route's own matchers match ls? */
bool		 route_matches(const struct route *r, const struct labels *ls);

/*
 * Route.Match: fills out[] with the routes that handle ls, in
 * Alertmanager's order, and returns how many (0 only if the root's
 * matchers do not match, which a loaded config's root never has).  out
 * must have room for route_tree_len(t) entries.
 */
size_t		 route_match(const struct route_tree *t,
		    const struct labels *ls, const struct route **out);

/*
 * The receivers of those routes, in the same order and with repeats, as
 * the `receivers` of GET /api/v2/alerts and `amtool config routes test`
 * list them.  out must have room for route_tree_len(t) entries; the names
 * are borrowed from the config.
 */
size_t		 route_receivers(const struct route_tree *t,
		    const struct labels *ls, const char **out);

/*
 * The alert's group labels under r (its labels whose names are in
 * group_by, or all of them for '...'), as a new reference, and their
 * fingerprint computed without building them (the dispatcher looks the
 * group up by it).
 */
struct labels	*route_group_labels(const struct route *r,
		    struct labels *ls);
uint64_t	 route_group_fp(const struct route *r, const struct labels *ls);

/* aggrGroup.GroupKey(): r->key, ':', group_labels.String().  Appends. */
int		 route_group_key(const struct route *r,
		    const struct labels *group_labels, struct buf *out);

#endif
