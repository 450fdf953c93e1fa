/*
 * The silence endpoints in the request table: thin adapters from the
 * router's api_req/api_resp to the handlers of api_silences.c (written by
 * the silences module before the table existed; they could move there).
 * The router already answered 404/405/406/415 as go-swagger does.
 */
#include "alertd/api.h"

#include <stdlib.h>
#include <string.h>

#include "alertd/alertd.h"
#include "alertd/api_silences.h"
#include "alertd/xmalloc.h"

static void
reply(struct api_resp *resp, struct api_sil_resp *r)
{
	size_t	len;
	char	*p;

	resp->status = r->status != 0 ? r->status : 200;
	resp->content_type = buf_len(&r->body) > 0 ? r->content_type : NULL;
	buf_reset(&resp->body);
	p = buf_detach(&r->body, &len);
	buf_add(&resp->body, p != NULL ? p : "", len);
	free(p);
	api_sil_resp_release(r);
}

static void
post_silences(struct api_req *rq, struct api_resp *resp)
{
	struct api_sil_resp	r;

	api_sil_resp_init(&r);
	api_silences_post(rq->ad->silences, rq->body, rq->body_len, ad_now(),
	    &r);
	reply(resp, &r);
}

static void
get_silences(struct api_req *rq, struct api_resp *resp)
{
	struct api_sil_resp	  r;
	const char		**filters;
	size_t			  i, n = 0;

	filters = xcalloc(rq->n_query + 1, sizeof(*filters));
	for (i = 0; i < rq->n_query; i++)
		if (strcmp(rq->query[i].key, "filter") == 0)
			filters[n++] = rq->query[i].value;
	api_sil_resp_init(&r);
	api_silences_get(rq->ad->silences, filters, n, ad_now(), &r);
	free(filters);
	reply(resp, &r);
}

static void
get_silence(struct api_req *rq, struct api_resp *resp)
{
	struct api_sil_resp	r;

	api_sil_resp_init(&r);
	api_silence_get(rq->ad->silences, rq->param, ad_now(), &r);
	reply(resp, &r);
}

static void
delete_silence(struct api_req *rq, struct api_resp *resp)
{
	struct api_sil_resp	r;

	api_sil_resp_init(&r);
	api_silence_delete(rq->ad->silences, rq->param, ad_now(), &r);
	reply(resp, &r);
}

const struct api_route api_silences_routes[] = {
	{ "POST", "/api/v2/silences", post_silences, API_V2 | API_JSON },
	{ "GET", "/api/v2/silences", get_silences, API_V2 },
	{ "GET", "/api/v2/silence/{}", get_silence, API_V2 },
	{ "DELETE", "/api/v2/silence/{}", delete_silence, API_V2 },
	{ NULL, NULL, NULL, 0 }
};
