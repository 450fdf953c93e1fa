/*
 * api_silences: the silence endpoints of API v2 and their JSON codecs,
 * byte for byte as Alertmanager 0.25 (go-swagger) answers them, with the
 * 0.26+ 404 for DELETE of an unknown ID:
 *
 *	POST   /api/v2/silences		api_silences_post
 *	GET    /api/v2/silences		api_silences_get (?filter=..., repeatable)
 *	GET    /api/v2/silence/{id}	api_silence_get
 *	DELETE /api/v2/silence/{id}	api_silence_delete
 *
 * Each handler takes the parsed request and fills a struct api_sil_resp
 * (HTTP status, body, content type); it never fails otherwise.  Bodies:
 * a success body or go-swagger's error shapes: a JSON string plus "\n"
 * for the handlers' own 400/404/500 payloads, {"code":602,"message":...}
 * (no newline) for schema violations (422), {"code":400,"message":
 * "parsing silence body from \"\" failed, because ..."} for undecodable
 * bodies.  `now` is the request time.
 *
 * Thread: any (the store is thread-safe).
 */
#ifndef ALERTD_ALERTD_API_SILENCES_H
#define ALERTD_ALERTD_API_SILENCES_H

#include <stddef.h>
#include <stdint.h>

#include "alertd/buf.h"
#include "alertd/timeutil.h"

struct silence;
struct silence_store;

struct api_sil_resp {
	int		 status;
	struct buf	 body;		/* NUL-terminated */
	const char	*content_type;	/* "application/json" */
};

void	api_sil_resp_init(struct api_sil_resp *r);
void	api_sil_resp_release(struct api_sil_resp *r);

void	api_silences_post(struct silence_store *ss, const char *body,
	    size_t len, ad_time_t now, struct api_sil_resp *r);
void	api_silences_get(struct silence_store *ss, const char *const *filters,
	    size_t nfilters, ad_time_t now, struct api_sil_resp *r);
void	api_silence_get(struct silence_store *ss, const char *id,
	    ad_time_t now, struct api_sil_resp *r);
void	api_silence_delete(struct silence_store *ss, const char *id,
	    ad_time_t now, struct api_sil_resp *r);

/*
 * gettableSilence JSON (field order as Alertmanager prints it: id,
 * status, updatedAt, comment, createdBy, endsAt, matchers, startsAt),
 * state computed at now.  Shared with the CLI.
 */
int	api_silence_json(const struct silence *s, ad_time_t now,
	    struct buf *out);

#endif
