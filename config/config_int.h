/*
 * config_int: what the files of config/ share and nothing else includes:
 * the field tables of the config sections and the load context.
 */
#ifndef ALERTD_CONFIG_CONFIG_INT_H
#define ALERTD_CONFIG_CONFIG_INT_H

#include "config/config.h"
#include "config/decode.h"

extern const struct config_obj config_tls_obj;
extern const struct config_obj config_http_obj;
extern const struct config_obj config_global_obj;
extern const struct config_obj config_route_obj;
extern const struct config_obj config_inhibit_obj;
extern const struct config_obj config_timeint_obj;
extern const struct config_obj config_mute_timeint_obj;
extern const struct config_obj config_receiver_obj;
extern const struct config_obj config_top_obj;

/* The global section being loaded (receivers need it while decoding). */
extern _Thread_local struct config_global *config_loading_global;

/* A copy of the global http_config (integrations without their own). */
struct config_http *config_http_dup(const struct config_http *h);
void	config_http_free(struct config_http *h);

/* Route and inhibit rule post-processing (route.c). */
int	config_route_finish(struct config_check *chk, struct config_route *r,
	    const struct config_route *parent, const struct ynode *n);
int	config_inhibit_finish(struct config_check *chk,
	    struct config_inhibit_rule *ir, const struct ynode *n);
struct timeint *config_timeint_compile(struct config_check *chk,
	    const struct config_timeint_written *w, const struct ynode *n);

/* Receivers (receiver.c). */
void	config_receiver_release(struct config_receiver *r);

/*
 * Go's config.JoinDir / filepath.Join: path unchanged when empty or
 * absolute, else dir/path cleaned as filepath.Clean does.  Returns a new
 * string.
 */
char	*config_join_dir(const char *dir, const char *path);
/* filepath.Clean, in place (the result is never longer). */
void	config_path_clean(char *p);

/* qsort comparator of (struct config_kv *) elements: yaml.v2's map key
 * order (dump.c). */
int	config_kv_yaml_cmp(const void *a, const void *b);

/* MD5 (md5.c): out receives 16 bytes. */
void	config_md5(const void *data, size_t len, unsigned char out[16]);

#endif
