/*
 * Shared by the unit tests of the Telegram, Discord, MS Teams, Webex and
 * SNS senders (check_integ2_<name>.c): the capture config and alerts of
 * tests/data/integrations (recorded from the real Alertmanager by
 * capture.py), prepare called as the pipeline calls it, and the
 * comparison with a recorded request.  Tests only.
 */
#ifndef ALERTD_TESTS_UNIT_CHECK_INTEG2_FIXTURE_H
#define ALERTD_TESTS_UNIT_CHECK_INTEG2_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "alertd/timeutil.h"

struct config;
struct notify_req;
struct notify_resp;

#define I2DIR	"tests/data/integrations"
#define I2_RECEIVER	"team-x.chat"

/* A config text with SINKPORT replaced by 9999 and the lines naming
 * HEREDIR (for the recording Alertmanager only) dropped; yml is a file
 * under I2DIR or, when it holds a newline, the text itself.  Fails the
 * test on error. */
struct config	*i2_config(const char *yml);

/*
 * Calls the prepare of receiver team-x.chat's integration `name` number
 * idx for group "Disk" or "Long" of the capture, in phase "firing"
 * (alerts1.json) or "resolved" (alerts2.json), at now, with the send
 * resolved filter of the pipeline.  req is initialised here; returns
 * prepare's result (err->msg on failure).
 */
int		 i2_prepare(const struct config *cfg, const char *name,
		    unsigned idx, const char *group, const char *phase,
		    struct notify_req *req, char *errmsg, size_t errlen);

/*
 * Compares req with the recorded request <integ>/<tag>/<base>.{head,body}:
 * method, path and query (the host of the recording is 127.0.0.1:
 * SINKPORT, ours 127.0.0.1:9999), Content-Type and User-Agent, body byte
 * for byte.
 */
void		 i2_check_recorded(const struct notify_req *req,
		    const char *integ, const char *tag, const char *base);

/* A recorded file (NUL-terminated; *len without it). */
char		*i2_slurp(const char *path, size_t *len);
/* A header of a recorded .head, malloc'ed, or NULL. */
char		*i2_head_header(const char *head, const char *name);

/* A response for verdict tests (body copied into a static buffer). */
void		 i2_resp(struct notify_resp *r, long status,
		    const char *body);

#endif
