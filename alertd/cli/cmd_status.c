/*
 * config show and cluster show: amtool 0.25's config.go and cluster.go,
 * both printing parts of GET /api/v2/status.
 */
#include "alertd/cli/cli.h"

#include "alertd/buf.h"
#include "alertd/cli/args.h"
#include "alertd/err.h"

typedef int	(*status_fmt)(const struct cli *, json_t *, struct buf *,
		    struct ad_err *);

static int
show_status(struct args_ctx *ctx, status_fmt fmt)
{
	struct cli	*c = cli_of(ctx);
	struct client	*cl;
	struct ad_err	 err = { 0 };
	struct buf	 out;
	json_t		*st = NULL;
	int		 rc;

	buf_init(&out, BUF_NOCAP);
	cl = cli_client(c, &err);
	if (cl == NULL || client_do(cl, "GET", "/status", NULL, &st,
	    &err) == -1 || fmt(c, st, &out, &err) == -1) {
		rc = cli_error(c, &err);
	} else {
		cli_print(&out);
		rc = 0;
	}
	buf_release(&out);
	json_decref(st);
	client_free(cl);
	return rc;
}

int
cmd_config_show(struct args_ctx *ctx)
{
	return show_status(ctx, out_config);
}

int
cmd_cluster_show(struct args_ctx *ctx)
{
	return show_status(ctx, out_cluster);
}
