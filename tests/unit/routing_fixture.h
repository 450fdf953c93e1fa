/*
 * routing_fixture: hand-built routing inputs for the routing unit tests,
 * without the config loader: struct config_route trees, inhibit rules,
 * label sets and alerts.
 *
 * Matchers are written as Alertmanager prints them, comma-separated:
 * `service="db",severity=~"crit|page"` (values in double quotes with \",
 * \\ and \n escapes).  A match_re entry is written with the anchoring
 * that Alertmanager's config puts into its value: sev=~"^(?:warn.*)$".
 */
#ifndef ALERTD_TESTS_UNIT_ROUTING_FIXTURE_H
#define ALERTD_TESTS_UNIT_ROUTING_FIXTURE_H

#include <stdbool.h>

#include "alertd/timeutil.h"

struct alert;
struct config_inhibit_rule;
struct config_route;
struct labels;
struct matchers;

/* A route with its own receiver ("" or NULL: inherit) and matchers. */
struct config_route *fx_route(const char *receiver, const char *matchers);
/* Appends child (taken) to parent's routes; returns child. */
struct config_route *fx_child(struct config_route *parent,
		    struct config_route *child);
/* group_by as a comma-separated list; "..." for all. */
void		 fx_group_by(struct config_route *r, const char *csv);
void		 fx_timings(struct config_route *r, ad_dur_t wait,
		    ad_dur_t interval, ad_dur_t repeat);	/* <0: unset */
void		 fx_route_free(struct config_route *r);

/* Parses matchers as above into ms (appended); aborts the test on error. */
void		 fx_matchers(struct matchers *ms, const char *s);

/* An inhibit rule; equal is comma-separated.  Release with fx_rule_free. */
void		 fx_rule(struct config_inhibit_rule *r, const char *source,
		    const char *target, const char *equal);
void		 fx_rule_free(struct config_inhibit_rule *r);

/* {"a","1","b","2",NULL} */
struct labels	*fx_labels(const char *const *kv);
/* An alert with those labels; updated_at = starts_at. */
struct alert	*fx_alert(const char *const *kv, ad_time_t starts_at,
		    ad_time_t ends_at);
struct alert	*fx_alert_upd(const char *const *kv, ad_time_t starts_at,
		    ad_time_t ends_at, ad_time_t updated_at);

#define FX_L(...)	((const char *const []){ __VA_ARGS__, NULL })

#endif
