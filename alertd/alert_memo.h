/*
 * alert_memo: what the API derives from an alert, kept on the alert
 * (a->memo) so that the next GET need not derive it again, the way
 * Alertmanager keeps a marker entry per alert:
 *
 *   json      the alert's gettableAlert JSON without its receivers and
 *             status, in three parts, and its sort keys (api_json.c
 *             builds it).  An alert is
 *             immutable, so this is built once, by the first GET that
 *             lists the alert, published with a compare-and-swap and read
 *             without a lock;
 *   rcv       the receivers the alert routes to under one config
 *             (alert_memo_cfg_gen), as JSON and as names;
 *   sil       its silence mark: the silences that applied at a version
 *             of the silence store (silence_store_mutes_alert).
 *
 * rcv and sil change with the config and the silences: they are read and
 * replaced only under alert_memo_lock(a), one of ALERT_MEMO_LOCKS mutexes
 * chosen by fingerprint, held just long enough to compare a generation
 * and copy a few bytes (a leaf lock: nothing else is taken under it).
 * The memo is created by the first user (compare-and-swap on a->memo)
 * and freed with the alert (alert_unref); every field starts empty.
 *
 * Cost: 64 bytes per alert once its status was asked for, plus about
 * the size of its JSON (~550 bytes with 8 labels and 2 annotations)
 * once a GET listed it.
 *
 * Thread: any.
 */
#ifndef ALERTD_ALERTD_ALERT_MEMO_H
#define ALERTD_ALERTD_ALERT_MEMO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alert;
struct config;

/*
 * The JSON of one alert around its receivers and status, and the keys
 * types.AlertSlice sorts alerts by (immutable).
 */
struct alert_json {
	/* AlertSlice's keys: the values of job and instance (NULL when
	 * absent, borrowed from the alert's labels), and their first 8
	 * bytes, big-endian, zero-padded: unequal prefixes order the
	 * strings as strcmp does. */
	const char	*key[2];
	uint64_t	 key8[2];
	uint32_t	 p1;	/* {"annotations":..,"endsAt":..,
				 * "fingerprint":..,"receivers":[ */
	uint32_t	 p2;	/* ],"startsAt":..,"status":{ */
	uint32_t	 p3;	/* },"updatedAt":..[,"generatorURL":..],
				 * "labels":{..}} */
	char		 s[];	/* the three parts, then a NUL */
};

struct alert_memo {
	_Atomic(struct alert_json *) json;	/* NULL until built */
	/* The rest is guarded by alert_memo_lock(a). */
	uint64_t	 rcv_gen;	/* 0: not known */
	char		*rcv;		/* rcv_json bytes of JSON, a NUL,
					 * then rcv_n NUL-terminated names */
	size_t		 rcv_len;	/* all of it */
	uint32_t	 rcv_json;
	uint32_t	 rcv_n;
	uint64_t	 sil_version;	/* 0: never evaluated */
	char		*sil;		/* active then pending silence IDs,
					 * each NUL-terminated; NULL: none */
	uint32_t	 sil_nactive;
	uint32_t	 sil_npending;
};

#define ALERT_MEMO_LOCKS	256

/* The memo of a, created empty when a has none yet (never NULL). */
struct alert_memo *alert_memo_get(const struct alert *a);
/* Frees a memo and what it holds (alert_unref's part).  NULL is fine. */
void	alert_memo_free(struct alert_memo *m);

void	alert_memo_lock(const struct alert *a);
void	alert_memo_unlock(const struct alert *a);

/*
 * Publishes j (takes ownership) as a's JSON unless another thread did
 * first (then j is freed).  Returns the JSON now published.
 */
const struct alert_json *alert_memo_set_json(struct alert_memo *m,
	    struct alert_json *j);

/*
 * Alerts are scattered over the heap and a GET misses the cache on each
 * (the alert, its memo, its JSON; its labels when a filter reads them):
 * call this at v[i] to start loading those of the alerts a few places
 * ahead.
 */
void	alert_memo_prefetch(struct alert *const *v, size_t n, size_t i,
	    bool labels);

/*
 * A number naming cfg among the configs seen so far (never 0): equal
 * numbers, same config.  Keeps a reference to the last config asked
 * about, so that a config freed and another allocated at its address
 * cannot be taken for it.
 */
uint64_t alert_memo_cfg_gen(struct config *cfg);

#endif
