/*
 * GET /api/v2/status and GET /api/v2/receivers (getStatusHandler,
 * getReceiversHandler), and the non-API endpoints of Alertmanager's
 * ui/web.go: /-/healthy, /-/ready, /-/reload, plus the 410 answers of the
 * removed API v1 (Alertmanager 0.28's V1DeprecationRouter).
 *
 * The cluster object: clustering is not implemented yet, so a non-empty
 * --cluster.listen-address runs one node that reports itself as the only
 * peer, "ready", under a name (a ULID) made at startup as Alertmanager's
 * memberlist name is.  Tools (amtool cluster show, the acceptance suite)
 * read it.
 */
#include "alertd/api.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alertd.h"
#include "alertd/api_json.h"
#include "alertd/err.h"
#include "alertd/log.h"
#include "alertd/xmalloc.h"
#include "config/config.h"

#define BUILD_DATE	__DATE__ " " __TIME__

static void
json_cluster(struct buf *b, const struct alertd_cluster *c)
{
	if (!c->enabled) {
		buf_addstr(b, "{\"peers\":[],\"status\":\"disabled\"}");
		return;
	}
	buf_addstr(b, "{\"name\":");
	api_json_string_noesc(b, c->name, strlen(c->name));
	buf_addstr(b, ",\"peers\":[{\"address\":");
	api_json_string_noesc(b, c->address, strlen(c->address));
	buf_addstr(b, ",\"name\":");
	api_json_string_noesc(b, c->name, strlen(c->name));
	buf_addstr(b, "}],\"status\":\"ready\"}");
}

static void
get_status(struct api_req *rq, struct api_resp *resp)
{
	struct config	*cfg = alertd_config(rq->ad);
	struct buf	*b = &resp->body, yaml;

	buf_init(&yaml, BUF_NOCAP);
	if (cfg != NULL)
		config_dump_yaml(cfg, &yaml);
	resp->content_type = "application/json";
	buf_addstr(b, "{\"cluster\":");
	json_cluster(b, &rq->ad->cluster);
	buf_addstr(b, ",\"config\":{\"original\":");
	api_json_string_noesc(b, buf_str(&yaml), buf_len(&yaml));
	buf_addstr(b, "},\"uptime\":");
	api_json_time(b, rq->ad->started_at, 0);
	buf_addstr(b, ",\"versionInfo\":{\"branch\":\"alertd\",\"buildDate\":");
	api_json_string_noesc(b, BUILD_DATE, strlen(BUILD_DATE));
	buf_addstr(b, ",\"buildUser\":\"\",\"goVersion\":\"none (C)\","
	    "\"revision\":\"alertd-" ALERTD_VERSION "\",\"version\":\""
	    ALERTD_AM_VERSION "\"}}\n");
	buf_release(&yaml);
	config_unref(cfg);
}

static void
get_receivers(struct api_req *rq, struct api_resp *resp)
{
	struct config	*cfg = alertd_config(rq->ad);
	size_t		 i;

	resp->content_type = "application/json";
	buf_addch(&resp->body, '[');
	for (i = 0; cfg != NULL && i < cfg->n_receivers; i++) {
		buf_addstr(&resp->body, i > 0 ? ",{\"name\":" : "{\"name\":");
		api_json_string_noesc(&resp->body, cfg->receivers[i]->name,
		    strlen(cfg->receivers[i]->name));
		buf_addch(&resp->body, '}');
	}
	buf_addstr(&resp->body, "]\n");
	config_unref(cfg);
}

static void
healthy(struct api_req *rq, struct api_resp *resp)
{
	if (strcmp(rq->method, "HEAD") == 0)
		return;
	resp->content_type = "text/plain; charset=utf-8";
	buf_addstr(&resp->body, "OK");
}

static void
reload(struct api_req *rq, struct api_resp *resp)
{
	struct ad_errs	errs;
	struct buf	msg;

	ad_errs_init(&errs);
	if (alertd_reload(rq->ad, &errs) == -1) {
		buf_init(&msg, BUF_NOCAP);
		buf_addstr(&msg, "failed to reload config: ");
		alertd_errs_format(&errs, &msg);
		api_reply_text(resp, 500, buf_str(&msg));
		buf_release(&msg);
	}
	ad_errs_release(&errs);
}

static void
v1_gone(struct api_req *rq, struct api_resp *resp)
{
	log_warnkv("v1 API received a request on a removed endpoint",
	    "path", rq->path, "method", rq->method, (char *)NULL);
	resp->status = 410;
	resp->content_type = "application/json";
	buf_addstr(&resp->body, "{\"status\":\"deprecated\",\"error\":\"The "
	    "Alertmanager v1 API was deprecated in version 0.16.0 and is "
	    "removed as of version 0.28.0 - please use the equivalent route "
	    "in the v2 API\"}\n");
}

const struct api_route api_status_routes[] = {
	{ "GET", "/api/v2/status", get_status, API_V2 },
	{ "GET", "/api/v2/receivers", get_receivers, API_V2 },
	{ NULL, NULL, NULL, 0 }
};

const struct api_route api_core_routes[] = {
	{ "GET", "/-/healthy", healthy, 0 },
	{ "HEAD", "/-/healthy", healthy, 0 },
	{ "GET", "/-/ready", healthy, 0 },
	{ "HEAD", "/-/ready", healthy, 0 },
	{ "POST", "/-/reload", reload, 0 },
	{ "GET", "/api/v1/status", v1_gone, 0 },
	{ "GET", "/api/v1/receivers", v1_gone, 0 },
	{ "GET", "/api/v1/alerts", v1_gone, 0 },
	{ "POST", "/api/v1/alerts", v1_gone, 0 },
	{ "GET", "/api/v1/silences", v1_gone, 0 },
	{ "POST", "/api/v1/silences", v1_gone, 0 },
	{ "GET", "/api/v1/silence/{}", v1_gone, 0 },
	{ "DELETE", "/api/v1/silence/{}", v1_gone, 0 },
	{ NULL, NULL, NULL, 0 }
};
