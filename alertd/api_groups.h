/*
 * api_groups: GET /api/v2/alerts/groups, as Alertmanager 0.25 answers it
 * (api/v2 getAlertGroupsHandler over Dispatcher.Groups): the live
 * aggregation groups whose receiver matches the receiver= filter, each
 * with its alerts that pass the alert filters (not resolved; active,
 * silenced, inhibited flags; filter= matchers), groups without such
 * alerts left out; groups sorted by labels (LabelSet.Before) then
 * receiver, alerts as types.AlertSlice; an alert's `receivers` lists the
 * receivers of the listed groups that hold it, sorted.  Group labels and
 * receiver names are written unescaped, alerts as gettableAlert
 * (api_json_alert), as go-openapi does.  Thread: any.
 */
#ifndef ALERTD_ALERTD_API_GROUPS_H
#define ALERTD_ALERTD_API_GROUPS_H

#include "alertd/timeutil.h"

struct ad_err;
struct alertd;
struct api_alerts_query;
struct buf;
struct dispatch;

/*
 * Appends the JSON array (and Go's encoder newline) to out; d NULL
 * gives [].  Returns 0 (or -1 with err: nothing fails today).
 */
int	api_groups_json(struct alertd *ad, struct dispatch *d,
	    const struct api_alerts_query *q, ad_time_t now, struct buf *out,
	    struct ad_err *err);

#endif
