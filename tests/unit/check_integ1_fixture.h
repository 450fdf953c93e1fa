/*
 * Shared fixture of the PagerDuty, OpsGenie, VictorOps, Pushover and
 * WeChat unit tests (check_integ1_*.c): the capture's config and alerts
 * (tests/data/integrations), calling an integration's prepare as the
 * pipeline does, comparing a request with a recording of the real
 * Alertmanager 0.25, and running notifications through a real notify
 * thread against the test HTTP server.  Tests only.
 */
#ifndef ALERTD_TESTS_UNIT_CHECK_INTEG1_FIXTURE_H
#define ALERTD_TESTS_UNIT_CHECK_INTEG1_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "alertd/err.h"
#include "alertd/timeutil.h"
#include "notifiers/notifier.h"
#include "notifiers/notify.h"

struct alert;
struct config;

#define I1DIR		"tests/data/integrations"
#define I1_EXTURL	"http://am.example:9093/prefix"

char		*i1_slurp(const char *path, size_t *len);
/* capture-a.yml with SINKPORT replaced by port (a dead one: 9). */
struct config	*i1_config(int port);
/* The same with `extra` appended to the file (more receivers). */
struct config	*i1_config_text(const char *yml);

/*
 * The alerts of integration integ in alerts<n>.json, as the dispatcher
 * flushes them at now: sorted, firing ones with a zero ends_at.
 * Returns the count; the caller unrefs them.
 */
size_t		 i1_alerts(const char *file, const char *integ, ad_time_t now,
		    struct alert **out);

/* A notification of receiver `integ` to its configuration idx. */
struct i1_notif {
	struct config	*cfg;
	const char	*receiver;
	unsigned	 idx;
	struct alert	*alerts[8];
	size_t		 n;
	char		 group_key[256];
	struct labels	*group_labels;
	ad_time_t	 now;
};
/* file: alerts-a1.json (firing) or alerts-a2.json (resolved). */
void		 i1_notif_init(struct i1_notif *nf, struct config *cfg,
		    const char *integ, unsigned idx, const char *file);
void		 i1_notif_release(struct i1_notif *nf);
const struct config_integration *i1_integration(const struct i1_notif *nf);
/* prepare as the pipeline calls it; returns its result. */
int		 i1_prepare(const struct i1_notif *nf, struct notify_req *req,
		    struct ad_err *err);

/*
 * Asserts that req is the request recorded in <base>.head/.body: method,
 * URL (http://<Host><target>, or https:// for a tunnelled one), every
 * recorded header but Host, User-Agent and Content-Length present with
 * the same value and no other, and the body byte for byte.
 */
void		 i1_check_recorded(const struct notify_req *req,
		    const char *base);

/* Calls the integration's verdict on a made-up answer. */
enum notify_verdict i1_verdict(const struct config_integration *ci,
		    long status, const char *body, struct ad_err *err);

/*
 * Runs nf through a started notify thread (its prepare and verdict,
 * retries with a fast backoff) until done or timeout_ms; returns the
 * result's ok, with attempts and the error message copied out.
 */
struct i1_run {
	bool	ok;
	int	attempts;
	char	msg[512];
};
void		 i1_run(const struct i1_notif *nf, int timeout_ms,
		    struct i1_run *out);

#endif
